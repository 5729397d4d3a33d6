//! Text as people read it: one form for every string tryg compares.
//!
//! A name typed on a Mac arrives decomposed (NFD: `Århus` as `A` + U+030A +
//! `rhus`), and Excel pads cells with a no-break space (U+00A0). To a reader these are the same words, so every data
//! cell, every string in `tryg.toml` and `offences.toml` and every command-line
//! value compared with data (`--municipality`) passes through here before it is
//! validated or compared: trimmed of Unicode white space, then composed to
//! Unicode NFC (`unicode-normalization`).
//!
//! Data cells are held to more than that ([`clean_cell`]): a line break or
//! another control character inside a value is refused, not trimmed away,
//! because in a CSV file it almost always means a stray quote swallowed the
//! next line.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Trims Unicode white space (`char::is_whitespace`: spaces, tabs, line breaks,
/// U+00A0, U+2007, U+3000, …) from both ends and composes the rest to NFC.
/// Borrows when nothing changes, which for ASCII text is always.
///
/// For strings from configuration and the command line; data cells use
/// [`clean_cell`], which refuses what this trims quietly.
pub fn normalise(text: &str) -> Cow<'_, str> {
    nfc(text.trim())
}

/// Composes to NFC, borrowing when the text already is (checked quickly: for
/// Latin text a single pass that allocates nothing).
fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// Whether a character is trimmed from the ends of a data cell: white space
/// that is not a control character or a line break, and TAB. (CR, LF, vertical
/// tab, form feed, NEL and U+2028/U+2029 are white space too, but in a cell
/// they are refused.)
pub fn is_cell_padding(c: char) -> bool {
    c == '\t' || (c.is_whitespace() && !c.is_control() && !LINE_SEPARATORS.contains(&c))
}

/// Unicode's own line and paragraph separators: line breaks to a reader (and
/// to JavaScript), so refused in a value as CR and LF are.
const LINE_SEPARATORS: [char; 2] = ['\u{2028}', '\u{2029}'];

/// Why a data cell cannot be read as a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellProblem {
    /// The bytes are not UTF-8 (the file is in another encoding).
    NotUtf8,
    /// A CR or LF (or U+2028, U+2029) inside the value: in CSV, a quoted value that runs over a
    /// line end, which is almost always a stray quote; in a workbook, a line
    /// break typed into the cell (Alt+Enter).
    LineBreak,
    /// A control character (NUL, BEL, ESC, DEL, a C1 control, or a TAB
    /// inside the value). Carries the character's code point, which is safe
    /// to show.
    Control(u32),
    /// U+FFFD, the mark an earlier conversion left where it lost a character
    /// (or a malformed UTF-16 sequence decoded here).
    Replacement,
}

impl CellProblem {
    /// A stable kebab-case code for diagnostics.
    pub fn code(&self) -> &'static str {
        match self {
            CellProblem::NotUtf8 => "not-utf8",
            CellProblem::LineBreak => "line-break-in-value",
            CellProblem::Control(_) => "control-character",
            CellProblem::Replacement => "replacement-character",
        }
    }
}

/// Whether every byte is printable ASCII (space to `~`): then text needs no
/// more than an ASCII trim. Checked a block at a time without an early exit
/// inside a block, which the compiler turns into vector instructions: this
/// runs over every byte of an input file.
pub fn is_printable_ascii(bytes: &[u8]) -> bool {
    let printable = |b: &u8| (0x20..0x7f).contains(b);
    let mut blocks = bytes.chunks_exact(64);
    blocks.all(|block| block.iter().fold(true, |ok, b| ok & printable(b)))
        && blocks.remainder().iter().all(printable)
}

/// A data cell as it is validated and compared: UTF-8, no line break, no
/// control character and no U+FFFD inside, trimmed of spaces, tabs and other
/// Unicode white space at either end, and in NFC. Borrows unless trimming or
/// composing changed the text.
///
/// # Errors
///
/// The first [`CellProblem`] found, in the order the variants are listed.
pub fn clean_cell(raw: &[u8]) -> Result<Cow<'_, str>, CellProblem> {
    // Printable ASCII (the bulk of any export) needs nothing but an ASCII trim.
    if is_printable_ascii(raw) {
        let trimmed = raw.trim_ascii();
        // Only printable ASCII: valid UTF-8 by construction.
        return std::str::from_utf8(trimmed)
            .map(Cow::Borrowed)
            .map_err(|_| CellProblem::NotUtf8);
    }
    let text = std::str::from_utf8(raw).map_err(|_| CellProblem::NotUtf8)?;
    if text.contains(['\r', '\n', LINE_SEPARATORS[0], LINE_SEPARATORS[1]]) {
        return Err(CellProblem::LineBreak);
    }
    let trimmed = text.trim_matches(is_cell_padding);
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        return Err(CellProblem::Control(u32::from(c)));
    }
    if trimmed.contains('\u{FFFD}') {
        return Err(CellProblem::Replacement);
    }
    Ok(nfc(trimmed))
}

/// Physical line breaks in a text: CRLF, LF and a lone CR each count once.
pub fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' && (i == 0 || bytes[i - 1] != b'\r') || b == b'\r')
        .count()
}

/// Why `name` cannot name a level, a forum or a rule file, or `None` when it
/// can: such names reach every report (a spreadsheet cell, a terminal, a
/// page), so they keep to letters (Danish `æøå` and any other Unicode
/// letter), digits, `_`, `-`, `+` (SPEC's `SSP+`) and the space (issue 13,
/// item 4). The character at fault is shown by its code point, so a control
/// character is never printed.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    let bad = name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '+' | ' ')))?;
    let shown = if bad.is_control() || bad.is_whitespace() {
        format!("U+{:04X}", u32::from(bad))
    } else {
        format!("`{bad}` (U+{:04X})", u32::from(bad))
    };
    Some(format!(
        "has the character {shown}: use letters, digits, `_`, `-`, `+` and spaces only"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_and_padded_names_become_the_composed_name() {
        let composed = "K\u{f8}benhavn \u{c5}rhus";
        let decomposed = "K\u{f8}benhavn A\u{30a}rhus";
        assert_ne!(composed, decomposed);
        assert_eq!(normalise(decomposed), composed);
        assert_eq!(
            normalise("\u{a0}K\u{f8}benhavn\u{a0}\u{2007}"),
            "K\u{f8}benhavn"
        );
        assert_eq!(normalise(" \t\nAlbertslund\r\n"), "Albertslund");
        assert!(matches!(normalise("København"), Cow::Borrowed(_)));
    }

    #[test]
    fn cells_are_trimmed_and_composed() {
        let clean = |s: &str| clean_cell(s.as_bytes()).map(Cow::into_owned);
        assert_eq!(clean("  P001\t"), Ok("P001".into()));
        assert_eq!(clean("K\u{f8}benhavn\u{a0}"), Ok("K\u{f8}benhavn".into()));
        assert_eq!(clean("Va\u{30a}by"), Ok("V\u{e5}by".into()));
        assert_eq!(clean("\u{3000}Lund\u{202f}"), Ok("Lund".into()));
        assert_eq!(clean(""), Ok("".into()));
    }

    #[test]
    fn names_keep_to_letters_digits_and_a_few_marks() {
        for fine in [
            "SSP+",
            "qualified_crime",
            "Kriminalitet i Ærø",
            "niveau-2",
            "Ñandú 3",
        ] {
            assert_eq!(name_problem(fine), None, "{fine}");
        }
        assert_eq!(name_problem("").as_deref(), Some("is empty"));
        let problem = |n: &str| name_problem(n).unwrap_or_default();
        assert!(problem("=HYPERLINK(1)").contains("`=` (U+003D)"));
        assert!(problem("a\u{1b}b").contains("U+001B"));
        assert!(!problem("a\u{1b}b").contains('\u{1b}'));
        assert!(problem("a\tb").contains("U+0009"));
        assert!(problem("x@y").contains("`@`"));
    }

    #[test]
    fn what_cannot_be_a_value_is_refused() {
        let problem = |b: &[u8]| clean_cell(b).err();
        assert_eq!(
            problem(b"Indre\nN\xc3\xb8rrebro"),
            Some(CellProblem::LineBreak)
        );
        assert_eq!(problem(b"Lund\r"), Some(CellProblem::LineBreak));
        assert_eq!(
            problem("Lund\u{2028}".as_bytes()),
            Some(CellProblem::LineBreak)
        );
        assert_eq!(problem(b"a\x00b"), Some(CellProblem::Control(0)));
        assert_eq!(problem(b"a\x1bb"), Some(CellProblem::Control(0x1b)));
        assert_eq!(problem(b"\x07"), Some(CellProblem::Control(7)));
        assert_eq!(problem(b"a\x7f"), Some(CellProblem::Control(0x7f)));
        assert_eq!(
            problem(b"Indre\tN\xc3\xb8rrebro"),
            Some(CellProblem::Control(9)),
            "a tab inside"
        );
        assert_eq!(
            problem("a\u{85}".as_bytes()),
            Some(CellProblem::Control(0x85)),
            "NEL at the end"
        );
        assert_eq!(
            problem("K\u{fffd}benhavn".as_bytes()),
            Some(CellProblem::Replacement)
        );
        assert_eq!(problem(b"K\xf8benhavn"), Some(CellProblem::NotUtf8));
    }

    #[test]
    fn printable_ascii_is_told_in_blocks_and_tails() {
        let long = "a".repeat(200);
        assert!(is_printable_ascii(long.as_bytes()) && is_printable_ascii(b""));
        for at in [0, 63, 64, 130, 199] {
            let mut bytes = long.clone().into_bytes();
            bytes[at] = b'\n';
            assert!(!is_printable_ascii(&bytes), "{at}");
            bytes[at] = 0xc3;
            assert!(!is_printable_ascii(&bytes), "{at}");
        }
    }

    #[test]
    fn line_breaks_count_physical_lines() {
        assert_eq!(line_breaks(b"a\r\nb\nc\rd"), 3);
        assert_eq!(line_breaks(b"\r\r\n\n"), 3);
        assert_eq!(line_breaks(b"abc"), 0);
    }
}
