//! docs/errors.md against tryg itself (issue 13): every code tryg's source
//! can report is documented there and every documented code still exists,
//! and every message tryg really prints, over a corpus of bad batches,
//! workbooks, broken rule packs, extracts and registrations, is one the page
//! documents, word for word (`…` standing for the parts that vary).
//!
//! The page's grammar: a code is documented under a heading `### `code``
//! (a code may have several, one per place it comes from); its messages are
//! the lines `error[code]: …`, `warning[code]: …` or (registration flags)
//! `flag[code]: …` in the code blocks under it. Text before the first `###`
//! (how to read a message) holds examples only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{AS_OF, Batch, root, tryg_in};

/// One message template of the page.
#[derive(Debug)]
struct Template {
    severity: String,
    code: String,
    text: String,
}

/// What docs/errors.md documents.
struct Page {
    /// Every code with a heading.
    headed: BTreeSet<String>,
    templates: Vec<Template>,
    /// The codes the page says the corpus does not reach.
    not_reached: BTreeSet<String>,
}

fn page() -> Page {
    let text = std::fs::read_to_string(root().join("docs/errors.md")).expect("docs/errors.md");
    let mut headed = BTreeSet::new();
    let mut templates = Vec::new();
    let mut not_reached = BTreeSet::new();
    let mut heading: Option<String> = None;
    let mut in_block = false;
    let mut in_not_reached = false;
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            heading = None;
            in_not_reached = title.starts_with("Codes the test corpus does not reach");
            continue;
        }
        if let Some(title) = line.strip_prefix("### ") {
            let code = title
                .strip_prefix('`')
                .and_then(|t| t.split_once('`'))
                .map(|(code, _)| code.to_string())
                .unwrap_or_else(|| panic!("a code heading starts with the code: {line}"));
            headed.insert(code.clone());
            heading = Some(code);
            continue;
        }
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_not_reached && let Some(item) = line.strip_prefix("- ") {
            let (codes, _) = item.split_once(':').expect("- `code`, …: why");
            for code in codes.split(',') {
                not_reached.insert(code.trim().trim_matches('`').to_string());
            }
        }
        let Some(code) = &heading else { continue };
        if !in_block {
            continue;
        }
        let (severity, template_code, message) = printed(line)
            .or_else(|| flag_line(line))
            .unwrap_or_else(|| panic!("a message line under `{code}` is not one: {line}"));
        assert_eq!(
            &template_code, code,
            "a message of another code under `{code}`"
        );
        templates.push(Template {
            severity,
            code: template_code,
            text: message,
        });
    }
    for code in &headed {
        assert!(
            templates.iter().any(|t| &t.code == code),
            "docs/errors.md documents `{code}` without its message"
        );
    }
    Page {
        headed,
        templates,
        not_reached,
    }
}

/// `flag[code]: message`, the page's notation for a registration flag.
fn flag_line(line: &str) -> Option<(String, String, String)> {
    let rest = line.strip_prefix("flag[")?;
    let (code, message) = rest.split_once("]: ")?;
    Some(("flag".into(), code.into(), message.into()))
}

/// The `error[code]: message` or `warning[code]: message` in a line tryg
/// printed, in either form (after `file:line:col: `, or at the start of a
/// line, as the codespan form and a report's summary print it).
fn printed(line: &str) -> Option<(String, String, String)> {
    for severity in ["error", "warning"] {
        let open = format!("{severity}[");
        let mut from = 0;
        while let Some(i) = line[from..].find(&open) {
            let at = from + i;
            let before = &line[..at];
            let start_ok = before.trim().is_empty() || before.ends_with(": ");
            let rest = &line[at + open.len()..];
            if start_ok
                && let Some((code, message)) = rest.split_once("]: ")
                && is_code(code)
            {
                return Some((severity.into(), code.into(), message.into()));
            }
            from = at + open.len();
        }
    }
    None
}

fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !text.ends_with('-')
        && !text.contains("--")
}

/// Whether `text` is `template` with each `…` standing for any text
/// (leftmost matching of each piece is exact for a pattern of wildcards).
fn matches(template: &str, text: &str) -> bool {
    let pieces: Vec<&str> = template.split('…').collect();
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if pieces.len() == 1 {
        return template == text;
    }
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[test]
fn the_template_matcher_takes_the_ellipsis_for_any_text() {
    assert!(matches("a … b", "a x y b"));
    assert!(matches("a … b", "a  b"));
    assert!(matches("…", ""));
    assert!(matches("`…` … is not", "`x` \"1\" is not"));
    assert!(!matches("a … b", "a x y c"));
    assert!(!matches("a b", "a b c"));
    assert!(matches("x…", "x"));
    assert!(!matches("x … y … z", "x y z"));
}

// ---------------------------------------------------------------------------
// The source.

/// Kebab-case string literals in src/ (outside tests) that are not codes.
/// Kept explicit, so that a new literal is either documented or named here.
const NOT_CODES: &[&str] = &[
    // How strum spells the registration flags (src/registration.rs).
    "kebab-case",
    // A word of a reason's text (src/host/query.rs), and a change kind
    // (src/change.rs): values of a report, not diagnostics.
    "person-dangerous",
    "de-escalated",
    // A section id of the agenda page (src/serve/view.rs).
    "youth-board",
    // Element ids and classes of the HTML pages (src/output/html.rs, src/report/html.rs).
    "chart-actions",
    "chart-letters",
    "chart-levels",
    "chart-youth-board",
    // HTTP header names and values (src/serve/).
    "cache-control",
    "content-security-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "referrer-policy",
    "x-content-type-options",
    "x-frame-options",
    "x-robots-tag",
    "sec-fetch-site",
    "same-origin",
    "no-referrer",
    "no-store",
    // Format tags of the case register's records and chain (src/store/).
    "tryg-chain-v1",
    "tryg-record",
    // An Excel number format (src/output/xlsx.rs).
    "yyyy-mm-dd",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every code src/ can report: its kebab-case string literals outside tests
/// and comments, less [`NOT_CODES`], and the one-word codes given to a
/// diagnostic's or warning's constructor (`incomplete`, `unreadable`).
fn source_codes() -> BTreeMap<String, String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut codes = BTreeMap::new();
    let mut not_codes_seen: BTreeSet<String> = BTreeSet::new();
    // Message ids of the translations (src/i18n/en.ftl; da.ftl has the same
    // ids, a unit test holds them equal) are words of a page, not codes.
    let message_ids: BTreeSet<String> = std::fs::read_to_string(root().join("src/i18n/en.ftl"))
        .expect("src/i18n/en.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim().to_string()))
        .filter(|id| !id.is_empty() && !id.starts_with(['#', '.', ' ']))
        .collect();
    for path in files {
        let shown = path
            .strip_prefix(root())
            .unwrap_or(&path)
            .display()
            .to_string();
        // A module of tests in a file of its own (`#[cfg(test)] mod tests;`).
        if shown.ends_with("/tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        // The unit tests, at the end of the file.
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        for (before, literal) in string_literals(text) {
            let constructed = ["Diagnostic::new(", "Warning::new("]
                .iter()
                .any(|c| before.trim_end().ends_with(c));
            let code = is_code(literal) && (literal.contains('-') || constructed);
            if !code {
                continue;
            }
            if message_ids.contains(literal) {
                continue;
            }
            if NOT_CODES.contains(&literal) {
                not_codes_seen.insert(literal.to_string());
            } else {
                codes.entry(literal.to_string()).or_insert(shown.clone());
            }
        }
    }
    let stale: Vec<&&str> = NOT_CODES
        .iter()
        .filter(|n| !not_codes_seen.contains(**n))
        .collect();
    assert!(
        stale.is_empty(),
        "NOT_CODES names literals src/ no longer has: {stale:?}"
    );
    codes
}

/// The string literals of Rust source outside comments, each with the
/// source before it: a small lexer that knows comments, escapes, raw
/// strings, and character literals and lifetimes (`'"'`, `'a`).
fn string_literals(text: &str) -> Vec<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
        } else if bytes[i] == b'r'
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
            && rest[1..].trim_start_matches('#').starts_with('"')
        {
            let hashes = rest[1..].len() - rest[1..].trim_start_matches('#').len();
            let open = 1 + hashes + 1;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = rest[open..].find(&close).map_or(rest.len(), |e| open + e);
            found.push((&text[..i], &rest[open..end]));
            i += (end + close.len()).min(rest.len());
        } else if bytes[i] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(bytes.len());
            found.push((&text[..i], &text[i + 1..end]));
            i = end + 1;
        } else if bytes[i] == b'\'' {
            // A character literal ('x', '\n', '\u{fffd}', '"'), or a lifetime.
            let close = if rest[1..].starts_with('\\') {
                rest[2..].find('\'').map(|e| e + 3)
            } else {
                rest[1..]
                    .chars()
                    .next()
                    .map(|c| 1 + c.len_utf8())
                    .filter(|&n| rest[n..].starts_with('\''))
                    .map(|n| n + 1)
            };
            i += close.unwrap_or(1);
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    found
}

#[test]
fn the_lexer_finds_string_literals_and_nothing_else() {
    let source = r##"let a = "x-y"; // "not-this"
/// "nor-this"
let b = '"'; let c = "q\"-\"z"; let d: &'static str = r#"raw-"one"#;
let e = '\''; Diagnostic::new(
    "word", f);"##;
    let literals: Vec<&str> = string_literals(source)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(literals, ["x-y", "q\\\"-\\\"z", "raw-\"one", "word"]);
    let (before, _) = string_literals(source)[3];
    assert!(before.trim_end().ends_with("Diagnostic::new("));
}

#[test]
fn every_code_in_the_source_is_documented_and_every_documented_code_exists() {
    let page = page();
    let codes = source_codes();
    let flags: BTreeSet<String> = tryg::registration::Flag::TOKENS
        .iter()
        .map(|f| f.to_string())
        .collect();
    let undocumented: Vec<String> = codes
        .iter()
        .filter(|(code, _)| !page.headed.contains(*code))
        .map(|(code, file)| format!("{code} ({file})"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "codes in src/ that docs/errors.md does not document (document them, or add a \
         literal that is no code to NOT_CODES): {undocumented:?}"
    );
    let gone: Vec<&String> = page
        .headed
        .iter()
        .filter(|c| !codes.contains_key(*c) && !flags.contains(*c))
        .collect();
    assert!(
        gone.is_empty(),
        "docs/errors.md documents codes tryg no longer has: {gone:?}"
    );
    // The flags are documented as flags, and only they.
    let documented_flags: BTreeSet<String> = page
        .templates
        .iter()
        .filter(|t| t.severity == "flag")
        .map(|t| t.code.clone())
        .collect();
    assert_eq!(documented_flags, flags);
    // The scan finds what it should: a code of each kind of constructor.
    for code in [
        "bad-date",
        "not-utf8",
        "incomplete",
        "unreadable",
        "rule-syntax",
        "cpr-wrong-length",
    ] {
        assert!(codes.contains_key(code), "{code} not found in src/");
    }
}

// ---------------------------------------------------------------------------
// The corpus.

/// One run of tryg and what it printed (stdout and stderr).
struct Run {
    what: String,
    output: String,
    status: Option<i32>,
}

fn run(what: impl Into<String>, cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run tryg");
    Run {
        what: what.into(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        status: out.status.code(),
    }
}

fn screen(dir: &Path, persons: &str, events: &str, extra: &[&str]) -> Command {
    let mut cmd = tryg_in(dir);
    cmd.args(["screen", "--persons", persons, "--events", events])
        .args(["--as-of", AS_OF])
        .args(extra);
    cmd
}

/// Every folder of fixtures/bad/, and of fixtures/inputs/ with and without
/// its `args`.
fn fixture_runs() -> Vec<Run> {
    let mut runs = Vec::new();
    let mut folders = Vec::new();
    for set in ["fixtures/bad", "fixtures/inputs"] {
        for entry in std::fs::read_dir(root().join(set)).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.join("persons.csv").is_file() {
                folders.push(path);
            }
        }
    }
    folders.sort();
    for dir in folders {
        let what = dir.strip_prefix(root()).unwrap().display().to_string();
        runs.push(run(
            &what,
            &mut screen(&dir, "persons.csv", "events.csv", &[]),
        ));
        if let Ok(args) = std::fs::read_to_string(dir.join("args")) {
            let args: Vec<&str> = args.lines().filter(|l| !l.is_empty()).collect();
            runs.push(run(
                format!("{what} {args:?}"),
                &mut screen(&dir, "persons.csv", "events.csv", &args),
            ));
        }
    }
    runs
}

/// Batches written here for what the fixtures do not hold.
fn batch_runs() -> Vec<Run> {
    let mut runs = Vec::new();
    let batch = Batch::new(
        &[
            "P1,2010-01-01,M,København,,maybe,,,,,,",
            "P 2,2010-01-01,M,København,,,,,,,school_absence;school_absence,",
            &format!("P3,2010-01-01,M,{},,,,,,,,", "K".repeat(81)),
            "P4,2010-01-01,M,København,Valby\u{fffd},,,,,,,",
            "P5,2010-01-01,M,København,,,,,,,,",
        ],
        &[
            "E1,P5,2026-01-01,observation,90002,,",
            "E2,P5,2026-01-01,charge,90-2,,",
            "E3,P5,2026-01-01,charge,90002,,street_life",
            "E4,P5,2026-01-01,charge,90002,C1,",
        ],
    );
    runs.push(run("a batch of bad cells", &mut batch.screen(AS_OF, &[])));

    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("empty.csv", "");
    write(
        "twice.csv",
        "person_id,birth_date,municipality,municipality\nP1,2010-01-01,København,København\n",
    );
    write("persons.csv", "person_id,birth_date,municipality\n");
    write(
        "one.csv",
        "person_id,birth_date,municipality\nP1,2010-01-01,København\n",
    );
    write("events.csv", "event_id,person_id,date,kind\n");
    runs.push(run(
        "an empty file",
        &mut screen(dir.path(), "empty.csv", "events.csv", &[]),
    ));
    runs.push(run(
        "a column twice",
        &mut screen(dir.path(), "twice.csv", "events.csv", &[]),
    ));
    runs.push(run(
        "no persons",
        &mut screen(dir.path(), "persons.csv", "events.csv", &[]),
    ));
    runs.push(run(
        "a screened municipality nobody lives in",
        &mut screen(
            dir.path(),
            "one.csv",
            "events.csv",
            &[
                "--municipality",
                "København",
                "--municipality",
                "Albertslund",
            ],
        ),
    ));
    runs
}

/// Workbooks: a formula error, a line break, a value beyond the header, a CPR
/// number that lost its zero; a sheet that is not there; a damaged workbook.
fn workbook_runs() -> Vec<Run> {
    use rust_xlsxwriter::{Formula, Workbook};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["person_id", "birth_date", "municipality", "district"],
        ["P1", "2010-01-01", "København", "Valby\nLine two"],
        ["P2", "2010-01-01", "København", ""],
        ["P3", "2010-01-01", "København", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    sheet
        .write_formula(2, 1, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    sheet.write_string(3, 5, "note").unwrap();
    sheet.write_number(4, 0, 102_031_234.0).unwrap();
    sheet.write_string(4, 1, "2003-02-01").unwrap();
    sheet.write_string(4, 2, "København").unwrap();
    book.save(dir.path().join("persons.xlsx")).unwrap();
    std::fs::write(
        dir.path().join("events.csv"),
        "event_id,person_id,date,kind\n",
    )
    .unwrap();
    let mut damaged = b"PK\x03\x04".to_vec();
    damaged.extend_from_slice(&[0x55; 200]);
    std::fs::write(dir.path().join("damaged.xlsx"), damaged).unwrap();
    vec![
        run(
            "a workbook's bad cells",
            &mut screen(dir.path(), "persons.xlsx", "events.csv", &[]),
        ),
        run(
            "a sheet that is not there",
            &mut screen(
                dir.path(),
                "persons.xlsx",
                "events.csv",
                &["--persons-sheet", "Personer"],
            ),
        ),
        run(
            "a damaged workbook",
            &mut screen(dir.path(), "damaged.xlsx", "events.csv", &[]),
        ),
    ]
}

/// A copy of the default pack (written by `tryg init` once) in `rules/` of a
/// new temp folder, changed by `edit`.
fn broken_pack(pristine: &Path, edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&pristine.join("rules"), &dir.path().join("rules"));
    edit(&dir.path().join("rules"));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Replaces `old` (which must be there) by `new` in a pack file.
fn replace(rules: &Path, file: &str, old: &str, new: &str) {
    let path = rules.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(old), "{file} holds {old:?}");
    std::fs::write(path, text.replacen(old, new, 1)).unwrap();
}

fn append(rules: &Path, file: &str, text: &str) {
    let path = rules.join(file);
    let mut source = std::fs::read_to_string(&path).unwrap();
    source.push_str(text);
    std::fs::write(path, source).unwrap();
}

/// `tryg check` on packs broken on purpose, `tryg test` on a broken case, and
/// a screening with a rule that fails for some persons.
fn pack_runs() -> Vec<Run> {
    let pristine = crate::support::rule_pack_copy();
    type Edit = Box<dyn FnOnce(&Path)>;
    let packs: Vec<(&str, Edit)> = vec![
        (
            "settings of the wrong kind, unknown and renamed",
            Box::new(|r: &Path| {
                replace(r, "tryg.toml", "max_age = 17", "max_age = \"17\"");
                replace(
                    r,
                    "tryg.toml",
                    "max_operations = 50_000",
                    "max_operations = 0",
                );
                replace(
                    r,
                    "tryg.toml",
                    "min_offence_age = 10",
                    "min_offense_age = 10",
                );
                replace(
                    r,
                    "tryg.toml",
                    "retention_months = 60",
                    "retention_months = 60\nmy_own = 1",
                );
                replace(
                    r,
                    "tryg.toml",
                    "[level3]\n",
                    "[level3]\nserious_window_months = 24\n",
                );
                replace(r, "tryg.toml", "custody_window_days = 30\n", "");
                replace(
                    r,
                    "tryg.toml",
                    "\"traffic\", \"police_business\"",
                    "\"trafic\"",
                );
                replace(r, "tryg.toml", "age = 14\n", "age = 14.5\n");
                replace(r, "tryg.toml", "batch_size = 10", "batch_size = 1000");
                replace(
                    r,
                    "tryg.toml",
                    "[local]\n",
                    "[local]\nweapons_window_months = 12\n",
                );
            }),
        ),
        (
            "an older pack",
            Box::new(|r: &Path| {
                replace(r, "tryg.toml", "pack_version = 2\n", "");
                replace(
                    r,
                    "tryg.toml",
                    "window_months = 24\n",
                    "serious_window_months = 24\n",
                );
                replace(
                    r,
                    "tryg.toml",
                    "max_array_size = 1_000",
                    "max_array_size = 10_000",
                );
                replace(r, "tryg.toml", "excel_csv = false\n", "");
            }),
        ),
        (
            "a newer pack",
            Box::new(|r: &Path| replace(r, "tryg.toml", "pack_version = 2", "pack_version = 99")),
        ),
        (
            "an unclosed quote",
            Box::new(|r: &Path| replace(r, "tryg.toml", "sex = \"M\"", "sex = \"M")),
        ),
        (
            "a TOML name with æ",
            Box::new(|r: &Path| replace(r, "tryg.toml", "[local]\n", "[local]\nantal_ø = 2\n")),
        ),
        (
            "names reports cannot show",
            Box::new(|r: &Path| {
                replace(r, "tryg.toml", "\"risk_behaviour\"", "\"risk!behaviour\"");
                replace(r, "tryg.toml", "from_age = 10", "from_age = 0");
            }),
        ),
        (
            "rules listed twice and missing",
            Box::new(|r: &Path| {
                replace(
                    r,
                    "tryg.toml",
                    "    \"level2_crime\",\n",
                    "    \"level2_crime\",\n    \"level2_crime\",\n    \"level2_crim\",\n",
                );
            }),
        ),
        (
            "no offences.toml",
            Box::new(|r: &Path| std::fs::remove_file(r.join("offences.toml")).unwrap()),
        ),
        (
            "a bad catalogue",
            Box::new(|r: &Path| {
                append(
                    r,
                    "offences.toml",
                    concat!(
                        "\n[\"12a\"]\nname = \"x\"\ncategory = \"theft\"\nperson_dangerous = false\nserious = false\nsource = \"x\"\n",
                        "\n[99991]\nname = \"x\"\ncategory = \"thef\"\nperson_dangerous = false\nserious = false\nsource = \"x\"\n",
                    ),
                );
            }),
        ),
        (
            "a missing semicolon",
            Box::new(|r: &Path| {
                replace(
                    r,
                    "level2_crime.rhai",
                    "let months = cfg.level2.window_months;",
                    "let months = cfg.level2.window_months",
                );
            }),
        ),
        (
            "a syntax error and a switched-off word",
            Box::new(|r: &Path| {
                append(r, "home_visit.rhai", "\nlet x = (1 + ;\n");
                append(r, "scope.rhai", "\neval(\"1\");\n");
            }),
        ),
        (
            "a rule file in Latin-1",
            Box::new(|r: &Path| {
                std::fs::write(r.join("level1_risk_behaviour.rhai"), b"// K\xf8benhavn\n").unwrap()
            }),
        ),
        (
            "mistakes in meaning",
            Box::new(|r: &Path| {
                append(
                    r,
                    "level2_crime.rhai",
                    concat!(
                        "\nlet n = person.agee;\n",
                        "let m = person.offences_withn(12);\n",
                        "let k = cfg.level2.windw_months;\n",
                        "let a = person.events_within(12).of_kind(\"arest\");\n",
                        "if person.sex == \"Q\" { }\n",
                        "if \"jobb\" in person.protective_factors { }\n",
                        "if person.age == \"17\" { }\n",
                        "let o = person.offences_within(\"12\");\n",
                        "let t = \"${n} offences\";\n",
                        "propose_level(7, `x`, []);\n",
                        "propose_action(\"Net Work\", `x`, [], 7);\n",
                        "let z = no_such_function(1);\n",
                        "let q = o.no_such_field;\n",
                    ),
                );
                std::fs::write(r.join("extra!rule.rhai"), "let x = 1;\n").unwrap();
                replace(
                    r,
                    "tryg.toml",
                    "tags = [\"gang_contact\"]",
                    "tags = [\"gang_contact\"]\nunread = 1",
                );
            }),
        ),
    ];
    let mut runs = Vec::new();
    let mut keep = Vec::new();
    for (what, edit) in packs {
        let dir = broken_pack(pristine.path(), edit);
        runs.push(run(
            format!("tryg check: {what}"),
            tryg_in(dir.path()).args(["check", "--rules", "rules"]),
        ));
        keep.push(dir);
    }

    // A rules folder that is not there.
    runs.push(run(
        "tryg check: no rules folder",
        tryg_in(pristine.path()).args(["check", "--rules", "no-such-folder"]),
    ));
    // A line longer than a reason can cite.
    let dir = broken_pack(pristine.path(), |r: &Path| {
        let long = format!("\n// {}\n", "x".repeat(tryg::ruleset::MAX_POSITION + 1));
        append(r, "scope.rhai", &long);
    });
    runs.push(run(
        "tryg check: a line too long",
        tryg_in(dir.path()).args(["check", "--rules", "rules"]),
    ));
    keep.push(dir);

    // `tryg test` on cases written wrong.
    let dir = broken_pack(pristine.path(), |r: &Path| {
        let tests = r.join("tests");
        std::fs::write(
            tests.join("broken.toml"),
            "name = \"broken\"\nas_of = 2026-11-23\nperson = 1\n",
        )
        .unwrap();
        std::fs::write(
            tests.join("unknown.toml"),
            "name = \"unknown\"\nas_of = 2026-11-23\ncolour = 1\n",
        )
        .unwrap();
        std::fs::write(
            tests.join("expect.toml"),
            concat!(
                "name = \"expect\"\nas_of = 2026-11-23\n",
                "[[person]]\nperson_id = \"P1\"\nbirth_date = 2010-01-01\nmunicipality = \"København\"\nshoe_size = 3\n",
                "[[expect]]\nperson_id = \"P1\"\n",
            ),
        )
        .unwrap();
        std::fs::write(
            tests.join("fields.toml"),
            concat!(
                "name = \"fields\"\nas_of = 2026-11-23\n",
                "[[person]]\nperson_id = \"P1\"\nbirth_date = 2010-01-01\nmunicipality = \"København\"\n",
                "[[expect]]\nperson_id = \"P9\"\n",
                "[[expect]]\nperson_id = \"P1\"\nlevl = 1\n",
                "[[expect]]\nlevel = 1\n",
            ),
        )
        .unwrap();
        std::fs::write(
            tests.join("decision.toml"),
            concat!(
                "name = \"decision\"\nas_of = 2026-11-23\n",
                "[[person]]\nperson_id = \"P1\"\nbirth_date = 2010-01-01\nmunicipality = \"København\"\n",
                "[[decision]]\nperson_id = \"P1\"\ndecision = \"maybe\"\n",
                "[[expect]]\nperson_id = \"P1\"\n",
            ),
        )
        .unwrap();
        std::fs::write(
            tests.join("config.toml"),
            concat!(
                "name = \"config\"\nas_of = 2026-11-23\n[config]\nno_such = 1\n",
                "[[person]]\nperson_id = \"P1\"\nbirth_date = 2010-01-01\nmunicipality = \"København\"\n",
                "[[expect]]\nperson_id = \"P1\"\n",
            ),
        )
        .unwrap();
    });
    runs.push(run(
        "tryg test: broken cases",
        tryg_in(dir.path()).args(["test", "--rules", "rules"]),
    ));
    keep.push(dir);

    // A rule that fails for the persons under 15: `incomplete`.
    let dir = broken_pack(pristine.path(), |r: &Path| {
        append(
            r,
            "level2_crime.rhai",
            "\nif person.age < 15 { let x = 1 / 0; }\n",
        );
    });
    runs.push(run(
        "a rule that fails for some",
        tryg_in(&root().join("fixtures"))
            .args([
                "screen",
                "--persons",
                "persons.csv",
                "--events",
                "events.csv",
            ])
            .args(["--as-of", AS_OF, "--rules"])
            .arg(dir.path().join("rules")),
    ));
    runs
}

/// `tryg pseudonymise` on extracts with every kind of problem.
fn pseudonymise_runs() -> Vec<Run> {
    let dir = tempfile::tempdir().expect("temp dir");
    let at = |name: &str| dir.path().join(name);
    let out = tryg_in(dir.path())
        .args(["pseudonymise", "keygen", "tryg.key"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // Synthetic CPR numbers, attached to no record.
    let persons = concat!(
        "cpr,municipality,district,sex\n",
        "0102124321,København,Valby,M\n",
        "1503104412,København,Valby 0101104321,M\n",
        "15031O4412,København,,M\n",
        "10212432,København,,M\n",
        "3207084523,København,,M\n",
        ",København,,M\n",
        "0102124321,København,,M\n",
        "2902124634,København,,Q\n",
    );
    let events = concat!(
        "event_id,cpr,date,kind,offence_code,case_id,tag\n",
        "E1,0102124321,2026-01-01,observation,,,\n",
        "E1,0102124321,2026-01-02,observation,,,\n",
        ",0102124321,2026-01-03,observation,,,\n",
        "E4,1211134856,2026-01-03,observation,,,\n",
        "E5,0102124321,2026-01-03,observation,,,,\n",
    );
    std::fs::write(at("persons.csv"), persons).unwrap();
    std::fs::write(at("events.csv"), events).unwrap();
    // A header that is data; a CPR column missing; a column twice; an empty file.
    std::fs::write(at("headless.csv"), "0102124321,København\n").unwrap();
    std::fs::write(
        at("no-cpr.csv"),
        "event_id,person,date,kind,kind\nE1,x,2026-01-01,observation,observation\n",
    )
    .unwrap();
    std::fs::write(at("empty.csv"), "").unwrap();
    std::fs::write(
        at("one-person.csv"),
        "cpr,municipality\n0102124321,København\n",
    )
    .unwrap();
    // A value the screening refuses, found once the extract is pseudonymised.
    std::fs::write(
        at("screen-persons.csv"),
        "cpr,municipality,sex\n0102124321,København,Q\n",
    )
    .unwrap();
    std::fs::write(
        at("screen-events.csv"),
        "event_id,cpr,date,kind\nE1,0102124321,2026-01-01,observation\n",
    )
    .unwrap();
    // An event of a person the persons file does not have.
    std::fs::write(
        at("stranger-events.csv"),
        "event_id,cpr,date,kind\nE1,1211134856,2026-01-01,observation\n",
    )
    .unwrap();
    let pseudonymise = |persons: &str, events: &str| {
        let mut cmd = tryg_in(dir.path());
        cmd.args(["pseudonymise", "--key", "tryg.key", "--id-column", "cpr"])
            .args([
                "--persons",
                persons,
                "--events",
                events,
                "--out-dir",
                "batch",
            ]);
        cmd
    };
    let runs = vec![
        run(
            "pseudonymise: bad rows",
            &mut pseudonymise("persons.csv", "events.csv"),
        ),
        run(
            "pseudonymise: bad headers",
            &mut pseudonymise("headless.csv", "no-cpr.csv"),
        ),
        run(
            "pseudonymise: an empty file",
            &mut pseudonymise("persons.csv", "empty.csv"),
        ),
        run(
            "pseudonymise: an event of nobody",
            &mut pseudonymise("one-person.csv", "stranger-events.csv"),
        ),
        run(
            "pseudonymise: a value the screening refuses",
            &mut pseudonymise("screen-persons.csv", "screen-events.csv"),
        ),
    ];
    assert!(!at("batch").exists(), "nothing written");
    // The temp folder lives until the runs are done.
    drop(dir);
    runs
}

/// The registration fixtures as JSON: each flag as `flag[code]: message`.
fn registration_run() -> Run {
    let dir = root().join("fixtures/registration");
    let out = screen(&dir, "persons.csv", "events.csv", &["--format", "json"])
        .output()
        .expect("run tryg");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut lines = String::from_utf8_lossy(&out.stderr).into_owned();
    for outcome in report["outcomes"].as_array().expect("outcomes") {
        for flag in outcome["warnings"].as_array().into_iter().flatten() {
            lines.push_str(&format!(
                "flag[{}]: {}\n",
                flag["code"].as_str().unwrap(),
                flag["message"].as_str().unwrap()
            ));
        }
    }
    Run {
        what: "fixtures/registration".into(),
        output: lines,
        status: out.status.code(),
    }
}

#[test]
fn every_message_tryg_prints_over_the_corpus_is_documented_word_for_word() {
    let page = page();
    // Two at a time: the tests run on two cores beside the others.
    let (mut runs, more) = std::thread::scope(|s| {
        let a = s.spawn(|| {
            let mut runs = fixture_runs();
            runs.extend(batch_runs());
            runs.extend(workbook_runs());
            runs
        });
        let b = s.spawn(|| {
            let mut runs = pack_runs();
            runs.extend(pseudonymise_runs());
            runs.push(registration_run());
            runs
        });
        (a.join().unwrap(), b.join().unwrap())
    });
    runs.extend(more);

    // ERRORS_DOC_SHOW=1 cargo test errors_doc -- --nocapture: what each run printed.
    if std::env::var_os("ERRORS_DOC_SHOW").is_some() {
        for r in &runs {
            eprintln!("=== {} (exit {:?})\n{}", r.what, r.status, r.output);
        }
    }
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut wrong = Vec::new();
    for r in &runs {
        assert!(
            r.status.is_some_and(|s| s <= 3),
            "{}: ended without an exit status",
            r.what
        );
        for line in r.output.lines() {
            let Some((severity, code, message)) = printed(line).or_else(|| flag_line(line)) else {
                continue;
            };
            let documented = page
                .templates
                .iter()
                .any(|t| t.code == code && t.severity == severity && matches(&t.text, &message));
            if !documented {
                wrong.push(format!("{}: {severity}[{code}]: {message}", r.what));
            }
            reached.insert(code);
        }
    }
    assert!(
        wrong.is_empty(),
        "messages docs/errors.md does not document as printed:\n{}",
        wrong.join("\n")
    );

    // The corpus reaches most codes, and the page names the rest.
    let unreached: BTreeSet<String> = page.headed.difference(&reached).cloned().collect();
    assert_eq!(
        unreached, page.not_reached,
        "docs/errors.md's \"Codes the test corpus does not reach\" is not what the corpus reaches"
    );
    assert!(
        reached.len() * 10 >= page.headed.len() * 9,
        "the corpus reaches {} of {} codes",
        reached.len(),
        page.headed.len()
    );
}
