//! One diagnostic type for every problem tryg reports: bad CSV input, a broken
//! config or catalogue, a rule file that does not compile.
//!
//! A diagnostic renders concise (`persons.csv:14:2: error[bad-date]: …`) for CSV,
//! whose lines hold personal data and are never echoed, and full (the source line
//! with a caret, via codespan-reporting) for rule and config files.

use std::fmt;
use std::ops::Range;

/// How bad a problem is. Only errors stop a screening or fail `tryg check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    /// Stops a screening (exit 1) and fails `tryg check`; the default.
    #[default]
    Error,
    /// Reported, but stops nothing (e.g. a setting no rule reads).
    Warning,
}

impl Severity {
    /// The word in a rendered diagnostic: `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem, located as precisely as its source allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error (the default) or warning.
    pub severity: Severity,
    /// Stable kebab-case class, e.g. `bad-date`; tests and users grep for it.
    pub code: &'static str,
    /// What is wrong, in one sentence; never a CSV line or a personal value
    /// other than an id (docs/data-format.md).
    pub message: String,
    /// File name as the user gave it (display form).
    pub file: String,
    /// 1-based line; for CSV the header is line 1.
    pub line: Option<usize>,
    /// 1-based column: the field number in a CSV row, the character in a text
    /// file, the sheet column (A = 1) in a workbook.
    pub column: Option<usize>,
    /// The sheet of a workbook; then `line` is the sheet row and the location
    /// is written as Excel writes a cell: `persons.xlsx:Sheet1!C3`.
    pub sheet: Option<String>,
    /// How to fix it, e.g. "did you mean `window_months`?"; printed after `hint:`.
    pub hint: Option<String>,
    /// Byte range in the file's text, when a source excerpt may be shown.
    pub span: Option<Range<usize>>,
}

impl Diagnostic {
    /// An error of class `code` in `file`, not yet located (no line, column,
    /// hint or span).
    pub fn new(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: file.into(),
            line: None,
            column: None,
            sheet: None,
            hint: None,
            span: None,
        }
    }

    /// Located at a 1-based `line` and, when known, 1-based `column`.
    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// Made a warning instead of an error.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// With a hint on how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// With the byte range of the file's text that the caret of the full
    /// rendering underlines.
    pub fn span(mut self, span: Range<usize>) -> Self {
        self.span = Some(span);
        self
    }

    /// Places the diagnostic at the first occurrence of `needle` in `text`
    /// (a rule name in tryg.toml's `[rules] order`), if there is one.
    pub fn at_first(self, text: &str, needle: &str) -> Self {
        match text.find(needle) {
            Some(offset) => {
                let (line, col) = line_col(text, offset);
                self.at(line, Some(col)).span(offset..offset + needle.len())
            }
            None => self,
        }
    }

    /// Renders with a source excerpt and caret (codespan-reporting, no
    /// colour): at `span`, else at `line:column` (or the whole line) of
    /// `source`, the file's text; the concise form when it has neither. Only
    /// for files without personal data (rule and config files, never CSV).
    pub fn render_full(&self, source: &str) -> String {
        use codespan_reporting::diagnostic::{Diagnostic as Cs, Label};
        use codespan_reporting::files::SimpleFile;
        use codespan_reporting::term::{self, termcolor::NoColor};

        let span = match &self.span {
            Some(span) => span.clone(),
            None => match self.line {
                Some(line) => line_span(source, line, self.column),
                None => return self.to_string(),
            },
        };
        let file = SimpleFile::new(self.file.as_str(), source);
        let base = match self.severity {
            Severity::Error => Cs::error(),
            Severity::Warning => Cs::warning(),
        };
        let mut diagnostic = base
            .with_code(self.code)
            .with_message(&self.message)
            .with_labels(vec![Label::primary((), span)]);
        if let Some(hint) = &self.hint {
            diagnostic = diagnostic.with_notes(vec![format!("hint: {hint}")]);
        }
        let mut out = NoColor::new(Vec::new());
        let config = term::Config::default();
        if term::emit_to_write_style(&mut out, &config, &file, &diagnostic).is_err() {
            return self.to_string();
        }
        String::from_utf8_lossy(&out.into_inner()).into_owned()
    }
}

/// The byte range of one character at `line:column` (or the whole line).
fn line_span(source: &str, line: usize, column: Option<usize>) -> Range<usize> {
    let start = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        .min(source.len());
    let text = source[start..].lines().next().unwrap_or("");
    match column {
        Some(col) => {
            let offset = text
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            let width = text[offset..].chars().next().map_or(0, char::len_utf8);
            start + offset..start + offset + width
        }
        None => start..start + text.len(),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        match (&self.sheet, self.line, self.column) {
            (Some(sheet), line, column) => {
                write!(f, ":{}", sheet_reference(sheet))?;
                match (line, column) {
                    (Some(line), Some(col)) => write!(f, "!{}{line}", column_letters(col))?,
                    // A whole row, as Excel writes one.
                    (Some(line), None) => write!(f, "!{line}:{line}")?,
                    _ => {}
                }
            }
            (None, Some(line), column) => {
                write!(f, ":{line}")?;
                if let Some(col) = column {
                    write!(f, ":{col}")?;
                }
            }
            (None, None, _) => {}
        }
        write!(
            f,
            ": {}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A sheet name as a cell reference needs it: quoted (`'Sheet 1'`) unless it
/// is letters, digits and `_` only.
fn sheet_reference(sheet: &str) -> String {
    if !sheet.is_empty() && sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    }
}

/// A 1-based column number as Excel's letters: 1 → A, 27 → AA.
pub fn column_letters(column: usize) -> String {
    let mut n = column;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Problems collected across files, capped per file so a broken export does not
/// flood the terminal; the count of what was left unshown is kept and reported.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// (file, number of problems beyond the cap), in the order files were read.
    omitted: Vec<(String, usize)>,
    cap: usize,
}

impl Diagnostics {
    /// Problems shown up to `cap` per file (at least 1); the rest are counted.
    pub fn with_cap(cap: usize) -> Self {
        Diagnostics {
            cap: cap.max(1),
            ..Default::default()
        }
    }

    /// Every problem shown, however many (for `tryg check`, whose problems
    /// are a policy officer's to fix one by one).
    pub fn unlimited() -> Self {
        Diagnostics::with_cap(usize::MAX)
    }

    /// Adds a problem: kept while its file has fewer than the cap, else only
    /// counted.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        let shown = self
            .items
            .iter()
            .filter(|d| d.file == diagnostic.file)
            .count();
        if shown < self.cap {
            self.items.push(diagnostic);
        } else if let Some(entry) = self.omitted.iter_mut().find(|(f, _)| *f == diagnostic.file) {
            entry.1 += 1;
        } else {
            self.omitted.push((diagnostic.file, 1));
        }
    }

    /// Adds every problem `other` shows, under this cap, and counts the ones
    /// it left unshown as unshown here.
    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
        for (file, n) in other.omitted {
            match self.omitted.iter_mut().find(|(f, _)| *f == file) {
                Some(entry) => entry.1 += n,
                None => self.omitted.push((file, n)),
            }
        }
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems shown, in the order pushed.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// The problems shown, to adjust in place (e.g. to point them at the file
    /// a batch was made from).
    pub fn items_mut(&mut self) -> &mut [Diagnostic] {
        &mut self.items
    }

    /// All problems found, shown or not.
    pub fn total(&self) -> usize {
        self.items.len() + self.omitted.iter().map(|(_, n)| n).sum::<usize>()
    }

    /// Lines saying how many problems per file were not shown.
    pub fn omitted_lines(&self) -> Vec<String> {
        self.omitted
            .iter()
            .map(|(file, n)| {
                format!(
                    "{file}: {n} more problem(s) not shown (the first {} are listed)",
                    self.cap
                )
            })
            .collect()
    }

    /// `Ok` when empty, else the problems as the error.
    pub fn into_result(self) -> Result<(), Diagnostics> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        for line in self.omitted_lines() {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

impl std::error::Error for Diagnostics {}

/// The closest known word to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        // Optimal string alignment: a swap of two letters (`levle`) is one edit.
        .map(|k| (strsim::osa_distance(word, k), k))
        // Close relative to the word's length; never "change every letter".
        .filter(|(d, k)| {
            let shorter = word.chars().count().min(k.chars().count());
            *d <= (k.chars().count() / 3).max(1) && *d < shorter
        })
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k)
}

/// Every diagnostic, each with its source excerpt where `source` has the
/// file's text and the diagnostic a line (rule and config files), else in
/// its concise form (CSV input, whose lines are never echoed); then what the
/// cap left out.
pub fn render_with_sources<'a>(
    diagnostics: &Diagnostics,
    source: impl Fn(&str) -> Option<&'a str>,
) -> String {
    let mut out = String::new();
    for d in diagnostics.items() {
        match source(&d.file) {
            Some(text) if d.line.is_some() => out.push_str(&d.render_full(text)),
            _ => {
                out.push_str(&d.to_string());
                out.push('\n');
            }
        }
    }
    for line in diagnostics.omitted_lines() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A TOML parse or shape error as a diagnostic pointing at its span.
pub fn toml_diagnostic(file: &str, text: &str, error: &toml::de::Error) -> Diagnostic {
    let mut d = Diagnostic::new("bad-toml", file, error.message().trim().to_string());
    if let Some(span) = error.span() {
        let (line, col) = line_col(text, span.start);
        d = d.at(line, Some(col)).span(span);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "a = 1\nbø = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, text.find('=').unwrap()), (1, 3));
        let second_eq = text.rfind('=').unwrap();
        assert_eq!(line_col(text, second_eq), (2, 4));
    }

    #[test]
    fn concise_form_names_file_line_column() {
        let d = Diagnostic::new("bad-date", "persons.csv", "birth_date is not a date")
            .at(14, Some(2))
            .hint("write YYYY-MM-DD");
        assert_eq!(
            d.to_string(),
            "persons.csv:14:2: error[bad-date]: birth_date is not a date\n  hint: write YYYY-MM-DD"
        );
    }

    #[test]
    fn a_sheet_location_reads_as_an_excel_cell() {
        let mut d = Diagnostic::new("bad-date", "persons.xlsx", "m").at(3, Some(3));
        d.sheet = Some("Sheet1".into());
        assert_eq!(d.to_string(), "persons.xlsx:Sheet1!C3: error[bad-date]: m");
        d.column = None;
        d.sheet = Some("Mine 'a'".into());
        assert_eq!(
            d.to_string(),
            "persons.xlsx:'Mine ''a'''!3:3: error[bad-date]: m"
        );
        assert_eq!(
            [1, 26, 27, 52, 703].map(column_letters),
            ["A", "Z", "AA", "AZ", "AAA"]
        );
    }

    #[test]
    fn cap_counts_what_it_hides() {
        let mut all = Diagnostics::with_cap(2);
        for i in 0..5 {
            all.push(Diagnostic::new("x", "a.csv", "m").at(i, None));
        }
        all.push(Diagnostic::new("x", "b.csv", "m"));
        assert_eq!(all.items().len(), 3);
        assert_eq!(all.total(), 6);
        assert_eq!(
            all.omitted_lines(),
            ["a.csv: 3 more problem(s) not shown (the first 2 are listed)"]
        );
    }

    #[test]
    fn suggestions_are_close_words_only() {
        let known = ["gang_contact", "street_life", "drug_experiment"];
        assert_eq!(did_you_mean("gang_contakt", known), Some("gang_contact"));
        assert_eq!(did_you_mean("streetlife", known), Some("street_life"));
        assert_eq!(did_you_mean("levle", ["level", "forum"]), Some("level"));
        assert_eq!(
            did_you_mean("batch_sise", ["batch_size"]),
            Some("batch_size")
        );
        assert_eq!(did_you_mean("school", known), None);
        assert_eq!(did_you_mean("Q", ["M", "F", "X"]), None);
    }

    #[test]
    fn full_form_points_at_the_column() {
        let src = "let a = 1;\nlet b = oops(2);\n";
        let d = Diagnostic::new("unknown-function", "r.rhai", "no function oops").at(2, Some(9));
        let text = d.render_full(src);
        assert!(text.contains("r.rhai:2:9"), "{text}");
        assert!(text.contains("let b = oops(2);"), "{text}");
        assert!(text.contains('^'), "{text}");
    }
}
