//! Text for a terminal, made inert (issue 13, item 4): a rule's words, a
//! note typed at the meeting, a file name or a line of a rule file quoted in
//! a diagnostic could carry control characters, and a terminal runs some of
//! them (`ESC [ 2 J` clears the screen; other sequences set the window title
//! or, on some terminals, write to the clipboard). Bidirectional overrides
//! can make text read differently from what it is ("Trojan Source",
//! CVE-2021-42574).
//!
//! Every human-readable output tryg prints (the table, `explain`, `check`,
//! `diff`, `test`, `review`, warnings on stderr) passes through [`escape`]:
//! each such character is shown as `\u{…}` instead. Line breaks and tabs,
//! which tryg itself writes, are kept. JSON, CSV, HTML and xlsx have their
//! own escaping and are not touched.

use std::borrow::Cow;

/// Whether `c` is shown escaped: C0 controls other than line feed and tab,
/// DEL, C1 controls, and the bidirectional embedding, override and isolate
/// characters (U+202A–U+202E, U+2066–U+2069).
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` with every unsafe character written `\u{1b}`; borrowed unchanged
/// when there is none (the usual case, so the table stays a copy-free pass).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn controls_and_bidi_overrides_are_shown_not_run() {
        assert_eq!(escape("plain\ttext\n"), "plain\ttext\n");
        assert!(matches!(escape("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("\r\u{7f}\u{9b}"), "\\u{d}\\u{7f}\\u{9b}");
        assert_eq!(escape("x\u{202e}y\u{2066}"), "x\\u{202e}y\\u{2066}");
        assert_eq!(escape("København æøå"), "København æøå");
    }
}
