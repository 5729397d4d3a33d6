//! `rules/tryg.toml`: the policy's numbers and lists.
//!
//! The file serves two readers. The host reads the typed sections below (limits,
//! vocabulary, rule order, retention, …). Rules read the whole file as `cfg`.
//! Every setting has a type and a range in [`schema`], which holds the file to
//! them before anything runs; policy staff's own settings go under `[local]`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics, line_col, toml_diagnostic};
use crate::offence::{Category, CategorySet};

pub mod schema;

/// The parts of tryg.toml the host itself acts on.
#[derive(Debug, Clone, Deserialize)]
pub struct HostConfig {
    /// `municipalities`: the municipalities screened, matched exactly against
    /// persons.csv's `municipality`; the run header lists them and the default
    /// `scope` rule puts residents of any other out of scope (SPEC §4).
    /// `--municipality` replaces the list.
    pub municipalities: Vec<String>,
    /// `retention_months`: events dated before the as-of date minus this many
    /// calendar months reach no rule (SPEC §2; 60 by default).
    pub retention_months: u32,
    /// `forbidden_columns`: column names refused in either CSV file, compared
    /// ignoring ASCII case (special-category data, GDPR art. 9).
    pub forbidden_columns: Vec<String>,
    /// `[rules]`: which rule files run, in which order.
    pub rules: RulesSection,
    /// `[limits]`: the sandbox of one rule file on one person.
    pub limits: Limits,
    /// `[input]`: how problems of the batch are reported.
    pub input: InputSection,
    /// `[vocabulary]`: the tokens the batch may use.
    pub vocabulary: Vocabulary,
    /// `[offences]`: which catalogue categories never make an offence.
    pub offences: OffencesSection,
    /// `[levels]`: the level scheme's names.
    pub levels: LevelsSection,
    /// `[[forums]]`: age bands and their forum, from age 0 up.
    pub forums: Vec<Forum>,
    /// `[concern_letter]`: the host's part of it (the rest is the rule's).
    pub concern_letter: ConcernLetterSection,
    /// `[output]`: defaults of the report formats; optional (a pack written
    /// before it existed gets the defaults).
    #[serde(default)]
    pub output: OutputSection,
}

/// `[output]` of tryg.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    /// `excel_csv`: `--format csv` writes for Excel in a Danish locale (a
    /// UTF-8 byte-order mark, `;` between fields, `,` in numbers) unless
    /// `--excel=false` is given. `false` by default.
    #[serde(default)]
    pub excel_csv: bool,
}

/// `[rules]` of tryg.toml.
#[derive(Debug, Clone, Deserialize)]
pub struct RulesSection {
    /// Rule file stems in evaluation order. A file not listed does not run.
    pub order: Vec<String>,
}

/// `[limits]`: sandbox limits for every rule file run on one person, passed to
/// rhai's engine. A run that exceeds one makes that person's outcome
/// `status = error`, and the rest of the batch is screened (`max_expr_depth`
/// is checked on compiling instead). For every limit but
/// `max_call_levels`, rhai reads 0 as no limit.
#[derive(Debug, Clone, Deserialize)]
pub struct Limits {
    /// rhai operations one rule file may take on one person, what it proposes
    /// included (50,000 by default; the default pack needs under 5,000).
    pub max_operations: u64,
    /// How deep calls of functions the rule defines (`fn`, closures) may nest
    /// (32 by default); 0 forbids calling them at all.
    pub max_call_levels: usize,
    /// How deep expressions may nest, in the body and in functions alike (64
    /// by default); checked when the file is compiled; 0: no limit.
    pub max_expr_depth: usize,
    /// Longest string a rule may build, in bytes (10,000 by default).
    pub max_string_size: usize,
    /// Most elements in one array, nested arrays' counted too (1,000 by
    /// default), which also bounds how deep arrays can nest.
    pub max_array_size: usize,
    /// Most properties in one object map, nested maps' counted too (100 by
    /// default).
    pub max_map_size: usize,
    /// Most functions (`fn`) one rule file may define (32 by default); 0
    /// allows none. A pack written before this setting existed gets the
    /// default.
    #[serde(default = "default_max_functions")]
    pub max_functions: usize,
}

fn default_max_functions() -> usize {
    32
}

/// The range each `[limits]` setting may take: `(name, lowest, highest)`:
/// the `[limits]` part of [`schema::SETTINGS`].
///
/// rhai reads 0 as "no limit", so 0 is refused (but `max_functions = 0`,
/// which allows no `fn`). The highest values are the ones the hostile-rule
/// tests and benchmark (`tests/hostile.rs`, `benches/hostile.rs`) run at:
/// with them, a rule file stays inside the bound docs/limits.md states on
/// a worker thread's stack ([`crate::host::WORKER_STACK`]), and no allowed
/// setting can abort the process.
pub const LIMIT_RANGES: &[(&str, u64, u64)] = &[
    ("max_operations", 1_000, 500_000),
    ("max_call_levels", 4, 64),
    ("max_expr_depth", 16, 128),
    ("max_string_size", 100, 100_000),
    ("max_array_size", 10, 2_000),
    ("max_map_size", 10, 1_000),
    ("max_functions", 0, 1_000),
];

impl Limits {
    /// Each setting with its value, in [`LIMIT_RANGES`]' order.
    pub fn values(&self) -> [(&'static str, u64); 7] {
        [
            ("max_operations", self.max_operations),
            ("max_call_levels", self.max_call_levels as u64),
            ("max_expr_depth", self.max_expr_depth as u64),
            ("max_string_size", self.max_string_size as u64),
            ("max_array_size", self.max_array_size as u64),
            ("max_map_size", self.max_map_size as u64),
            ("max_functions", self.max_functions as u64),
        ]
    }
}

/// `[input]` of tryg.toml.
#[derive(Debug, Clone, Deserialize)]
pub struct InputSection {
    /// Problems listed per input file before the rest are only counted (50 by
    /// default); 0 is read as 1.
    pub max_problems_per_file: usize,
}

/// The tokens the input may use. A token outside these lists is refused at load,
/// so a misspelt tag never silently fails to match a rule.
#[derive(Debug, Clone, Deserialize)]
pub struct Vocabulary {
    /// Tokens of events.csv's `tag` (`gang_contact`, `street_life`, …).
    pub tags: Vec<String>,
    /// Tokens of persons.csv's `risk_factors` (`school_absence`, …).
    pub risk_factors: Vec<String>,
    /// Tokens of persons.csv's `protective_factors` (`job`, …).
    pub protective_factors: Vec<String>,
}

/// `[offences]` of tryg.toml.
#[derive(Debug, Clone, Deserialize)]
pub struct OffencesSection {
    /// Category tokens whose events are never offences (default `traffic`,
    /// `police_business`); each must be a [`Category`].
    pub not_offences: Vec<String>,
}

/// The most levels `[levels] names` may hold, `none` included: levels 0–9.
/// SPEC §3 gives level as a number, so a scheme of up to nine levels above
/// `none` fits without changing any output.
pub const MAX_LEVELS: usize = 10;

/// `[levels]` of tryg.toml.
#[derive(Debug, Clone, Deserialize)]
pub struct LevelsSection {
    /// Names of levels 0, 1, … in that order: 2 to [`MAX_LEVELS`] names. The
    /// default is the Albertslund unit's three levels and `none` (SPEC §4); a
    /// municipality with four or five levels names them here.
    pub names: Vec<String>,
}

/// An age band and the forum that handles it (SSP, SSP+, …).
#[derive(Debug, Clone, Deserialize)]
pub struct Forum {
    /// The outcome's `forum` for this band (`SSP`, `SSP+`, …).
    pub name: String,
    /// First age of the band, in whole years on the as-of date; the band runs
    /// to the next forum's `from_age`.
    pub from_age: u32,
}

/// `[concern_letter]` of tryg.toml, as far as the host ranks letters; the
/// section's other keys are the rule's.
#[derive(Debug, Clone, Deserialize)]
pub struct ConcernLetterSection {
    /// Letters proposed for one coordination meeting (10 by default): the first
    /// this many by rank are `in_batch`; the rest wait. 0 puts none in the batch.
    pub batch_size: usize,
}

/// tryg.toml read: the host's typed sections, the whole file as rules read
/// it, and what the schema found.
#[derive(Debug)]
pub struct Parsed {
    /// The sections the host acts on.
    pub host: HostConfig,
    /// The whole file (what `cfg` is made from), strings normalised, with the
    /// defaults the schema filled in.
    pub table: toml::Table,
    /// The schema's findings: errors (the pack must not screen) and upgrade
    /// notes (warnings, for `check`); the settings it filled in.
    pub schema: schema::Checked,
}

impl HostConfig {
    /// Parses tryg.toml (`file` names it in messages) into the host's typed
    /// sections and the whole file as a table (what `cfg` is made from), held
    /// to the [`schema`]. Every string in it is normalised as data is
    /// ([`crate::text::normalise`]: trimmed, NFC), so `"København"` typed on a
    /// Mac matches the data's `København`; errors are located in the text as
    /// written.
    ///
    /// What the schema finds is in [`Parsed::schema`], not an `Err`: the
    /// caller refuses the pack when it holds an error, and can still check
    /// the rest of it.
    ///
    /// # Errors
    /// What leaves no config to check: TOML syntax (located at the line that
    /// holds the mistake, as far as it can be told), forums not rising.
    pub fn parse(file: &str, text: &str) -> Result<Parsed, Diagnostics> {
        let one = |d: Diagnostic| {
            let mut problems = Diagnostics::unlimited();
            problems.push(d);
            problems
        };
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| one(toml_syntax(file, text, &e)))?;
        normalise_strings(&mut table);
        let checked = schema::validate(file, text, &mut table);
        let host = toml::Value::Table(table.clone())
            .try_into::<HostConfig>()
            .map_err(|e| {
                one(Diagnostic::new(
                    "bad-config",
                    file,
                    e.message().trim().to_string(),
                ))
            })?;
        host.validate(file, text)?;
        Ok(Parsed {
            host,
            table,
            schema: checked,
        })
    }

    fn validate(&self, file: &str, text: &str) -> Result<(), Diagnostics> {
        let spans = setting_spans(text);
        let mut problems = Diagnostics::unlimited();
        let at = |key: &str, code: &'static str, message: String| {
            let d = Diagnostic::new(code, file, message);
            match spans.get(key) {
                Some(span) => {
                    let (line, col) = line_col(text, span.start);
                    d.at(line, Some(col)).span(span.clone())
                }
                None => d,
            }
        };
        if self.forums.first().map(|f| f.from_age) != Some(0)
            || self
                .forums
                .windows(2)
                .any(|w| w[0].from_age >= w[1].from_age)
        {
            problems.push(at(
                "forums",
                "bad-config",
                "forums must start at from_age = 0 and rise strictly".into(),
            ));
        }
        // Names every report shows keep to one alphabet (issue 13, item 4).
        let names = self
            .levels
            .names
            .iter()
            .map(|n| ("levels.names", "a level name", n));
        let forums = self
            .forums
            .iter()
            .map(|f| ("forums", "a forum name", &f.name));
        let stems = self
            .rules
            .order
            .iter()
            .map(|r| ("rules.order", "a rule file name", r));
        for (key, what, name) in names.chain(forums).chain(stems) {
            if let Some(problem) = crate::text::name_problem(name) {
                problems.push(at(
                    key,
                    "bad-name",
                    format!("{key}: {what} {name:?} {problem}"),
                ));
            }
        }
        problems.into_result()
    }

    /// Categories whose events never make an offence.
    pub fn not_offences(&self) -> CategorySet {
        self.offences
            .not_offences
            .iter()
            .filter_map(|c| Category::parse(c))
            .collect()
    }

    /// The forum for an age in whole years: the last band whose `from_age` it
    /// has reached (`none` if there is none).
    pub fn forum(&self, age: u32) -> &str {
        self.forums
            .iter()
            .rev()
            .find(|f| age >= f.from_age)
            .map_or("none", |f| f.name.as_str())
    }

    /// The highest level the scheme names (3 in the default pack).
    pub fn max_level(&self) -> u8 {
        u8::try_from(self.levels.names.len().saturating_sub(1)).unwrap_or(u8::MAX)
    }

    /// The name of a level (`level_name` in the outcome); `unknown` beyond
    /// the scheme.
    pub fn level_name(&self, level: u8) -> &str {
        self.levels
            .names
            .get(usize::from(level))
            .map_or("unknown", String::as_str)
    }
}

/// Where each setting of a TOML text is: the byte span of its key, by dotted
/// path (`level2.min_offences`), from the TOML parser, so a key in a comment
/// or inside a string is never taken for one. A key in an array of tables
/// (`[[forums]] name`) is found at its first table. Empty for a text that does
/// not parse (its error is reported elsewhere).
pub fn setting_spans(text: &str) -> BTreeMap<String, Range<usize>> {
    fn walk(table: &toml::de::DeTable, prefix: &str, out: &mut BTreeMap<String, Range<usize>>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{prefix}.{}", key.get_ref())
            };
            out.entry(path.clone()).or_insert_with(|| key.span());
            match value.get_ref() {
                toml::de::DeValue::Table(t) => walk(t, &path, out),
                toml::de::DeValue::Array(items) => {
                    for item in items {
                        if let toml::de::DeValue::Table(t) = item.get_ref() {
                            walk(t, &path, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(table) = toml::de::DeTable::parse(text) {
        walk(table.get_ref(), "", &mut out);
    }
    out
}

/// A TOML syntax error as a diagnostic at the line that holds the mistake:
/// an unclosed quote is reported where it opens (the parser notices it a
/// line or two later), and a name with letters outside a-z (`antal_ø`) says
/// what names may hold.
pub fn toml_syntax(file: &str, text: &str, error: &toml::de::Error) -> Diagnostic {
    let mut d = toml_diagnostic(file, text, error);
    let error_line = d.line.unwrap_or(usize::MAX);
    if let Some((line, col)) = unclosed_quote(text).filter(|(line, _)| *line <= error_line) {
        let start = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum::<usize>();
        let offset = text[start..]
            .char_indices()
            .nth(col - 1)
            .map_or(start, |(i, _)| start + i);
        d.message = format!("a quoted text on line {line} is not closed: a `\"` is missing");
        d.line = Some(line);
        d.column = Some(col);
        d.span = Some(offset..offset + 1);
        d.hint = Some(
            "check the quotes on this line: each text in double quotes opens and closes on one line".into(),
        );
    } else if error.message().contains("invalid unquoted key") {
        d.message =
            "a name in tryg.toml is written with the letters a-z and A-Z, digits, _ and -".into();
        d.hint = Some(
            "put a name with other letters (æ, ø, å) in double quotes, e.g. \"antal_ø\" = 2; a rule reads it as cfg.local.antal_ø".into(),
        );
    }
    d
}

/// The first line (1-based) with a double-quoted text that does not close
/// on it, and the column of its opening quote. Comments, literal strings
/// and multi-line strings are skipped.
fn unclosed_quote(text: &str) -> Option<(usize, usize)> {
    let mut multi: Option<&str> = None;
    for (n, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if let Some(close) = multi {
                let delim: Vec<char> = close.chars().collect();
                if chars[i..].starts_with(&delim) {
                    multi = None;
                    i += 3;
                } else {
                    i += 1;
                }
                continue;
            }
            match chars[i] {
                '#' => break,
                '"' | '\'' if chars[i..].starts_with(&[chars[i]; 3]) => {
                    multi = Some(if chars[i] == '"' { "\"\"\"" } else { "'''" });
                    i += 3;
                }
                quote @ ('"' | '\'') => {
                    let open = i;
                    i += 1;
                    loop {
                        match chars.get(i) {
                            None => {
                                return (quote == '"').then_some((n + 1, open + 1));
                            }
                            Some('\\') if quote == '"' => i += 2,
                            Some(c) if *c == quote => {
                                i += 1;
                                break;
                            }
                            Some(_) => i += 1,
                        }
                    }
                }
                _ => i += 1,
            }
        }
    }
    None
}

/// Normalises every string value of a TOML table, at any depth.
fn normalise_strings(table: &mut toml::Table) {
    fn value(v: &mut toml::Value) {
        match v {
            toml::Value::String(s) => {
                let normal = crate::text::normalise(s);
                if normal != s.as_str() {
                    *s = normal.into_owned();
                }
            }
            toml::Value::Array(items) => items.iter_mut().for_each(value),
            toml::Value::Table(t) => normalise_strings(t),
            _ => {}
        }
    }
    table.iter_mut().for_each(|(_, v)| value(v));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_quote_is_found_on_its_own_line() {
        let text = "a = 1\nb = \"open\n# c\nd = [\"x\", \"y\"]\n";
        assert_eq!(unclosed_quote(text), Some((2, 5)));
        assert_eq!(unclosed_quote("a = \"x # y\"\nb = 'it''s'\n"), None);
        assert_eq!(unclosed_quote("a = \"\"\"\nopen \"\n\"\"\"\n"), None);
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let d = toml_syntax("tryg.toml", text, &e);
        assert_eq!((d.line, d.column), (Some(2), Some(5)), "{d}");
    }

    #[test]
    fn strings_are_normalised_as_data_is() {
        let text = "municipalities = [\"K\u{f8}benhavn\u{a0}\", \" A\u{030a}rhus\"]\n[home_visit]\ndistricts = [\"Lund \"]\n";
        let mut table: toml::Table = toml::from_str(text).unwrap();
        normalise_strings(&mut table);
        assert_eq!(
            table["municipalities"],
            toml::Value::Array(vec!["K\u{f8}benhavn".into(), "\u{c5}rhus".into()])
        );
        assert_eq!(table["home_visit"]["districts"][0].as_str(), Some("Lund"));
    }
}
