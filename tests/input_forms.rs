//! The files analysts really get (issue 14). Every case of fixtures/inputs/
//! screens right or is refused precisely; one small batch in eight forms
//! screens the same; the sample batch made into a workbook, a `;`-separated
//! Windows-1252 file and a UTF-16 file screens as its UTF-8 CSV does; a
//! workbook's problems are located as Excel names its cells.

use std::path::{Path, PathBuf};

use insta_cmd::assert_cmd_snapshot;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use sha2::{Digest, Sha256};

use crate::support::{AS_OF, root, run, screen_in, tryg_in};

/// The extra arguments a fixture folder asks for, one per line of `args`.
fn fixture_args(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("args"))
        .map(|text| text.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn each_input_case_screens_right_or_is_refused_precisely() {
    insta::glob!("../fixtures/inputs", "**/persons.csv", |path| {
        let dir = path.parent().unwrap();
        let mut cmd = screen_in(dir, AS_OF);
        cmd.args(["--format", "csv"]).args(fixture_args(dir));
        assert_cmd_snapshot!(cmd);
    });
}

/// `tryg screen --format json` of a folder's batch: exit status, stderr, report.
fn json_of(dir: &Path, extra: &[String]) -> (Option<i32>, String, serde_json::Value) {
    let out = run(screen_in(dir, AS_OF)
        .args(["--format", "json"])
        .args(fixture_args(dir))
        .args(extra));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}: no JSON report; stderr:\n{stderr}", dir.display()));
    (out.status.code(), stderr, report)
}

#[test]
fn one_batch_in_every_form_screens_the_same() {
    let inputs = root().join("fixtures/inputs");
    let (_, _, reference) = json_of(&inputs.join("cr-only-line-ends/clean"), &[]);
    assert_eq!(reference["outcomes"].as_array().unwrap().len(), 3);
    assert_eq!(reference["outcomes"][0]["status"], "proposed");
    for case in [
        "nbsp-after-name",
        "nbsp-after-name/header",
        "nbsp-after-name/token",
        "excel-sep-line",
        "utf16-with-bom",
        "windows-1252",
        "day-first-dates",
    ] {
        let (code, stderr, report) = json_of(&inputs.join(case), &[]);
        assert_eq!(code, Some(0), "{case}: {stderr}");
        assert_eq!(stderr, "", "{case}: no warning either");
        assert_eq!(report["outcomes"], reference["outcomes"], "{case}");
        assert_eq!(
            report["run"]["counts"], reference["run"]["counts"],
            "{case}"
        );
    }
}

#[test]
fn a_refused_row_is_reported_once_and_its_events_are_not_unknown() {
    for case in [
        "row-one-field-too-many",
        "row-one-field-too-few",
        "../bad/stray_quote",
        "../bad/stray_quote_wrong_width",
    ] {
        let dir = root().join("fixtures/inputs").join(case);
        let out = run(&mut screen_in(&dir, AS_OF));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{case}");
        assert_eq!(stderr.matches("error[").count(), 1, "{case}: {stderr}");
        assert!(stderr.starts_with("persons.csv:2"), "{case}: {stderr}");
        assert!(!stderr.contains("unknown-person"), "{case}: {stderr}");
    }
}

#[test]
fn a_stray_quote_never_puts_one_persons_row_inside_another() {
    let dir = root().join("fixtures/bad/stray_quote");
    let out = run(&mut screen_in(&dir, AS_OF));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("persons.csv:2:4: error[line-break-in-value]"),
        "{stderr}"
    );
    // The run-on value holds the next rows: none of it is shown.
    for value in ["Valby", "Amager", "2009-06-01", "Nørrebro"] {
        assert!(!stderr.contains(value), "{value} shown: {stderr}");
    }
}

#[test]
fn a_screened_municipality_that_nearly_matches_names_both_and_the_count() {
    let (code, stderr, report) =
        json_of(&root().join("fixtures/inputs/near-miss-municipality"), &[]);
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("warning[municipality-near-miss]: 2 persons live in `københavn`; did you mean `København`?"),
        "{stderr}"
    );
    assert!(stderr.contains("`Københavns Kommune`"), "{stderr}");
    assert!(!stderr.contains("Albertslund"), "{stderr}");
    assert_eq!(
        crate::support::outcome(&report, "P001")["status"],
        "out_of_scope"
    );
}

#[test]
fn names_typed_on_a_mac_or_padded_by_excel_match_the_composed_name() {
    let nfc = "\u{c5}rhus";
    let nfd = "A\u{30a}rhus";
    for (data, flag) in [(nfd, nfc), (nfc, nfd), (nfc, "\u{a0}\u{c5}rhus\u{a0}")] {
        let batch = crate::support::Batch::new(
            &[&format!("P1,2010-01-01,M,{data},,,,,,,,")],
            &["E1,P1,2026-01-01,concern,,,street_life"],
        );
        let report = batch.report(AS_OF, &["--municipality", flag], 0);
        assert_eq!(report["run"]["municipalities"][0], nfc, "{flag:?}");
        let p1 = crate::support::outcome(&report, "P1");
        assert_eq!(p1["status"], "proposed", "data {data:?}, flag {flag:?}");
    }
}

// --- The sample batch in the forms spreadsheets give it ---

/// The sample batch's rows: header and cells of each file.
fn sample(file: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(root().join("fixtures").join(file))
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Rows written as CSV with `separator` and CRLF line ends.
fn csv_text(rows: &[Vec<String>], separator: u8, day_first: bool) -> String {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(separator)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let dates = date_columns(&rows[0]);
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| match cell.split('-').collect::<Vec<_>>()[..] {
                [y, m, d] if day_first && i > 0 && dates.contains(&c) => format!("{d}-{m}-{y}"),
                _ => cell.clone(),
            })
            .collect();
        writer.write_record(&cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn date_columns(header: &[String]) -> Vec<usize> {
    header
        .iter()
        .enumerate()
        .filter(|(_, name)| name.ends_with("date"))
        .map(|(i, _)| i)
        .collect()
}

/// Writes rows into a sheet as Excel would hold them: dates as dates, codes as
/// numbers, booleans as booleans, the rest as text.
fn write_sheet(book: &mut Workbook, name: &str, rows: &[Vec<String>]) {
    let date = Format::new().set_num_format("dd-mm-yyyy");
    let sheet = book.add_worksheet();
    sheet.set_name(name).unwrap();
    let dates = date_columns(&rows[0]);
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, col) = (r as u32, c as u16);
            let ymd: Vec<&str> = cell.split('-').collect();
            if cell.is_empty() {
                continue;
            } else if r > 0 && dates.contains(&c) && ymd.len() == 3 {
                let [y, m, d] = [ymd[0], ymd[1], ymd[2]].map(|p| p.parse::<u16>().unwrap());
                let when = ExcelDateTime::from_ymd(y, m as u8, d as u8).unwrap();
                sheet
                    .write_datetime_with_format(r, col, &when, &date)
                    .unwrap();
            } else if r > 0 && rows[0][c] == "offence_code" {
                sheet
                    .write_number(r, col, cell.parse::<f64>().unwrap())
                    .unwrap();
            } else if let Some(b) = ["false", "true"].iter().position(|t| cell == t) {
                sheet.write_boolean(r, col, b == 1).unwrap();
            } else {
                sheet.write_string(r, col, cell).unwrap();
            }
        }
    }
}

fn sha256(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Screens `persons` and `events` (in `dir`) with `extra` as JSON.
fn report_of(dir: &Path, persons: &str, events: &str, extra: &[&str]) -> serde_json::Value {
    let out = run(tryg_in(dir)
        .args([
            "screen",
            "--persons",
            persons,
            "--events",
            events,
            "--as-of",
            AS_OF,
        ])
        .args(["--format", "json"])
        .args(extra));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{persons}: {stderr}");
    assert_eq!(stderr, "", "{persons}: no warning");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_sample_batch_screens_the_same_from_a_workbook_a_windows_csv_and_utf16() {
    let (persons, events) = (sample("persons.csv"), sample("events.csv"));
    let reference = report_of(&root().join("fixtures"), "persons.csv", "events.csv", &[]);
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| -> PathBuf { dir.path().join(name) };

    // One workbook with both tables, on sheets named as tryg looks for them.
    let mut book = Workbook::new();
    write_sheet(&mut book, "persons", &persons);
    write_sheet(&mut book, "events", &events);
    book.save(at("batch.xlsx")).unwrap();
    // The same tables on sheets of other names, behind a first sheet.
    let mut book = Workbook::new();
    book.add_worksheet().set_name("Forside").unwrap();
    write_sheet(&mut book, "Hændelser", &events);
    write_sheet(&mut book, "Personer", &persons);
    book.save(at("udtræk.xlsx")).unwrap();
    // `;`-separated, Windows-1252, CRLF, day-first dates: Excel's "CSV" in a Danish locale.
    for (name, rows) in [("persons-dk.csv", &persons), ("events-dk.csv", &events)] {
        let text = csv_text(rows, b';', true);
        let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!lossy);
        std::fs::write(at(name), bytes).unwrap();
    }
    // UTF-16 LE with a byte-order mark, tab-separated: Excel's "Unicode text".
    for (name, rows) in [("persons.txt", &persons), ("events.txt", &events)] {
        let bytes: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(
                csv_text(rows, b'\t', false)
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        std::fs::write(at(name), bytes).unwrap();
    }

    let forms: [(&str, &str, &[&str]); 4] = [
        ("batch.xlsx", "batch.xlsx", &[]),
        (
            "udtræk.xlsx",
            "udtræk.xlsx",
            &["--persons-sheet", "personer", "--events-sheet", "Hændelser"],
        ),
        (
            "persons-dk.csv",
            "events-dk.csv",
            &["--encoding", "windows-1252", "--date-format", "dmy"],
        ),
        ("persons.txt", "events.txt", &[]),
    ];
    for (p, e, extra) in forms {
        let report = report_of(dir.path(), p, e, extra);
        assert_eq!(report["outcomes"], reference["outcomes"], "{p}");
        assert_eq!(report["run"]["counts"], reference["run"]["counts"], "{p}");
        // The digests are of the files as given.
        assert_eq!(report["run"]["persons_digest"], sha256(&at(p)), "{p}");
        assert_eq!(report["run"]["events_digest"], sha256(&at(e)), "{e}");
        assert_ne!(
            report["run"]["persons_digest"],
            reference["run"]["persons_digest"]
        );
    }
}

#[test]
fn a_workbooks_problems_are_located_as_excel_names_its_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["person_id", "birth_date", "municipality", "district"],
        ["P001", "14-03-2010", "København", "Indre Nørrebro"],
        ["P002", "2010-03-15", "København", "Valby\nLine two"],
        ["", "2010-03-15", "København", ""],
        ["P004", "2010-03-15", "København", ""],
    ];
    // The table starts at B2, as a sheet with a margin does.
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet
                .write_string(r as u32 + 1, c as u16 + 1, *cell)
                .unwrap();
        }
    }
    // B5: a formula that failed; F6: a value right of the last named column.
    sheet
        .write_formula(4, 1, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    sheet.write_string(5, 5, "note").unwrap();
    book.save(dir.path().join("persons.xlsx")).unwrap();
    std::fs::write(
        dir.path().join("events.csv"),
        "event_id,person_id,date,kind,offence_code,case_id,tag\n",
    )
    .unwrap();
    let mut cmd = tryg_in(dir.path());
    cmd.args([
        "screen",
        "--persons",
        "persons.xlsx",
        "--events",
        "events.csv",
        "--as-of",
        AS_OF,
    ]);
    assert_cmd_snapshot!("workbook_problems_located_by_cell", cmd);

    let mut cmd = tryg_in(dir.path());
    cmd.args([
        "screen",
        "--persons",
        "persons.xlsx",
        "--events",
        "events.csv",
    ])
    .args(["--as-of", AS_OF, "--persons-sheet", "Personer"]);
    assert_cmd_snapshot!("workbook_without_the_sheet_named", cmd);
}

#[test]
fn a_file_that_is_not_utf8_is_refused_once_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    // København in Windows-1252: ø is the byte 0xF8.
    let mut persons = b"person_id,birth_date,municipality\n".to_vec();
    for i in 0..20 {
        persons.extend_from_slice(format!("P{i},2010-01-01,K").as_bytes());
        persons.extend_from_slice(b"\xf8benhavn\n");
    }
    std::fs::write(dir.path().join("persons.csv"), &persons).unwrap();
    std::fs::write(
        dir.path().join("events.csv"),
        "event_id,person_id,date,kind,offence_code,case_id,tag\n",
    )
    .unwrap();
    let out = run(&mut screen_in(dir.path(), AS_OF));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.matches("error[not-utf8]").count(), 1, "{stderr}");
    assert!(stderr.contains("--encoding windows-1252"), "{stderr}");
    let out = run(screen_in(dir.path(), AS_OF).args(["--encoding", "latin1", "--format", "csv"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_separator_given_on_the_command_line_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let (persons, events) = (sample("persons.csv"), sample("events.csv"));
    // `sep=,` says comma, the header holds `|`: the flag wins over both.
    let mut text = "sep=,\r\n".to_string();
    text.push_str(&csv_text(&persons, b'|', false));
    std::fs::write(dir.path().join("persons.csv"), text).unwrap();
    std::fs::write(
        dir.path().join("events.csv"),
        csv_text(&events, b'|', false),
    )
    .unwrap();
    let reference = report_of(&root().join("fixtures"), "persons.csv", "events.csv", &[]);
    let report = report_of(
        dir.path(),
        "persons.csv",
        "events.csv",
        &["--delimiter", "|"],
    );
    assert_eq!(report["outcomes"], reference["outcomes"]);
}

#[test]
fn a_form_tryg_does_not_know_is_a_usage_error() {
    let fixtures = root().join("fixtures");
    for (flag, value) in [
        ("--delimiter", "ab"),
        ("--delimiter", "\""),
        ("--encoding", "klingon"),
        ("--date-format", "mdy"),
        ("--municipality", " \u{a0}"),
    ] {
        let out = run(screen_in(&fixtures, AS_OF).args([flag, value]));
        assert_eq!(out.status.code(), Some(2), "{flag} {value:?}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_cpr_number_that_excel_stored_as_a_number_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in ["person_id", "birth_date", "municipality"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    // 0102031234 typed into a number cell: Excel keeps 102031234.
    sheet.write_number(1, 0, 102_031_234.0).unwrap();
    sheet.write_string(1, 1, "2003-02-01").unwrap();
    sheet.write_string(1, 2, "København").unwrap();
    book.save(dir.path().join("persons.xlsx")).unwrap();
    std::fs::write(
        dir.path().join("events.csv"),
        "event_id,person_id,date,kind,offence_code,case_id,tag\n",
    )
    .unwrap();
    let out = run(tryg_in(dir.path())
        .args([
            "screen",
            "--persons",
            "persons.xlsx",
            "--events",
            "events.csv",
        ])
        .args(["--as-of", AS_OF]));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with("persons.xlsx:Sheet1!A2: error[cpr-like-id]"),
        "{stderr}"
    );
    assert!(!stderr.contains("102031234"), "{stderr}");
}
