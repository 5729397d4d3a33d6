//! What every format says beyond the outcomes (issues 13, 14 and 18): the
//! run's warnings and the "report incomplete" banner in every format, once
//! each on stderr; the registration checks; the counts by area; the Excel
//! workbook (`--format xlsx`) and CSV for Danish Excel (`--excel`); and no
//! CSV cell a spreadsheet would run as a formula.

use std::io::Cursor;
use std::path::Path;
use std::process::Output;

use calamine::{Data, DataType, Reader, Xlsx};

use crate::support::{AS_OF, Batch, root, rule_pack_copy, run, screen_in, tryg_in};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// How many lines of `stderr` carry `needle`.
fn lines_with(stderr: &[u8], needle: &str) -> usize {
    text(stderr).lines().filter(|l| l.contains(needle)).count()
}

/// Two persons in two districts: a 16-year-old robbery suspect (level 3,
/// youth board, a letter, a network council due 2026-11-26) and a
/// 14-year-old with a street-life observation (level 1).
fn two_persons() -> Batch {
    Batch::new(
        &[
            "P1,2010-03-01,M,København,Valby,true,peripheral,false,false,,,",
            "P2,2012-05-05,F,København,Lund,true,none,false,false,,,",
        ],
        &[
            "E1,P1,2026-11-19,suspicion,76319,C1,",
            "E2,P2,2026-06-01,observation,,,street_life",
        ],
    )
}

/// A copy of the default pack with a rule that fails for the persons named.
fn pack_failing_for(ids: &[&str]) -> tempfile::TempDir {
    let pack = rule_pack_copy();
    let rules = pack.path().join("rules");
    let condition = ids
        .iter()
        .map(|id| format!("person.id == \"{id}\""))
        .collect::<Vec<_>>()
        .join(" || ");
    std::fs::write(
        rules.join("fails.rhai"),
        format!("if {condition} {{ throw \"no\"; }}\n"),
    )
    .unwrap();
    let config = rules.join("tryg.toml");
    let config_text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        config_text.replacen("    \"scope\",\n", "    \"fails\",\n    \"scope\",\n", 1),
    )
    .unwrap();
    pack
}

fn screen(batch: &Batch, extra: &[&str]) -> Output {
    run(&mut batch.screen(AS_OF, extra))
}

/// The cells of a workbook's sheet.
fn sheet(bytes: &[u8], name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("the workbook opens");
    book.worksheet_range(name).expect("the sheet is there")
}

/// A sheet's column by its header name.
fn column<'a>(range: &'a calamine::Range<Data>, name: &str) -> Vec<&'a Data> {
    let mut rows = range.rows();
    let header = rows.next().expect("a header row");
    let at = header
        .iter()
        .position(|c| *c == Data::String(name.into()))
        .unwrap_or_else(|| panic!("no column {name}"));
    rows.map(|r| &r[at]).collect()
}

/// Every text of a sheet, one line per row.
fn sheet_text(range: &calamine::Range<Data>) -> String {
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_batch_warnings_reach_every_format_and_stderr_once() {
    // Screened: København and a municipality nobody lives in.
    let batch = two_persons();
    let extra = ["--municipality", "København", "--municipality", "Aarhus"];
    let code = "municipality-unmatched";
    for format in ["table", "json", "csv", "html", "xlsx"] {
        let out_file = batch.path().join(format!("report.{format}"));
        let mut args = extra.to_vec();
        args.extend(["--format", format, "--out", out_file.to_str().unwrap()]);
        let out = screen(&batch, &args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(
            lines_with(&out.stderr, code),
            1,
            "{format}: {}",
            text(&out.stderr)
        );
        let bytes = std::fs::read(&out_file).unwrap();
        let written = match format {
            "xlsx" => sheet_text(&sheet(&bytes, "run")),
            _ => text(&bytes),
        };
        match format {
            "json" => {
                let report: serde_json::Value = serde_json::from_str(&written).unwrap();
                assert_eq!(report["run"]["warnings"][0]["code"], code);
                assert_eq!(report["run"]["counts"]["warnings"], 1);
            }
            "csv" => assert!(!written.contains(code), "the CSV file is one table"),
            "html" => assert!(
                written.contains("id=\"warnings\" role=\"alert\"") && written.contains(code),
                "no warnings banner"
            ),
            _ => assert!(
                written.contains(&format!("warning[{code}]")),
                "{format}: {written}"
            ),
        }
    }
}

#[test]
fn a_report_with_persons_not_screened_says_so_in_every_format() {
    let batch = two_persons();
    for (ids, words) in [
        (&["P1"][..], "report incomplete: 1 person not screened"),
        (
            &["P1", "P2"][..],
            "report incomplete: 2 persons not screened",
        ),
    ] {
        let pack = pack_failing_for(ids);
        let rules = pack.path().join("rules");
        for format in ["table", "json", "csv", "html", "xlsx"] {
            let out_file = batch.path().join(format!("incomplete.{format}"));
            let out = screen(
                &batch,
                &[
                    "--rules",
                    rules.to_str().unwrap(),
                    "--format",
                    format,
                    "--out",
                    out_file.to_str().unwrap(),
                ],
            );
            // Written, and exit 3: the warning does not change the status.
            assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
            assert_eq!(
                lines_with(&out.stderr, words),
                1,
                "{format}: once on stderr: {}",
                text(&out.stderr)
            );
            let bytes = std::fs::read(&out_file).unwrap();
            match format {
                "json" => {
                    let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    let first = &report["run"]["warnings"][0];
                    assert_eq!(first["code"], "incomplete");
                    assert!(first["message"].as_str().unwrap().starts_with(words));
                    assert_eq!(report["run"]["counts"]["errors"], ids.len());
                }
                "table" => assert!(text(&bytes).contains(&format!("warning[incomplete]: {words}"))),
                "csv" => assert!(!text(&bytes).contains("incomplete")),
                "html" => {
                    let html = text(&bytes);
                    let banner = format!(
                        "Report incomplete: {}",
                        &words["report incomplete: ".len()..]
                    );
                    assert!(
                        html.contains("id=\"incomplete\" role=\"alert\""),
                        "no banner"
                    );
                    assert!(html.contains(&banner), "{banner}");
                    assert!(
                        html.contains("class=\"agenda-incomplete\""),
                        "the agenda says so"
                    );
                }
                _ => {
                    // The run sheet's second row, under the title: the banner.
                    let run = sheet(&bytes, "run");
                    let banner = run.get((1, 0)).map(|c| c.to_string()).unwrap_or_default();
                    assert!(banner.starts_with(&words.to_uppercase()), "{banner}");
                }
            }
        }
    }
}

#[test]
fn the_registration_checks_are_flagged_on_the_outcomes() {
    let dir = root().join("fixtures/registration");
    crate::snapshot_cmd!("registration_checks_table", screen_in(&dir, AS_OF));
    let out = run(screen_in(&dir, AS_OF).args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["run"]["counts"]["flags"], 7);
    let flags = |id: &str| -> Vec<String> {
        crate::support::outcome(&report, id)["warnings"]
            .as_array()
            .map(|w| {
                w.iter()
                    .map(|f| {
                        format!(
                            "{}@{}",
                            f["code"].as_str().unwrap(),
                            f["event_id"].as_str().unwrap()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(flags("R01"), ["charge-under-15@E02"]);
    assert_eq!(flags("R02"), ["offence-under-10@E03"]);
    assert_eq!(
        flags("R03"),
        [
            "conviction-without-charge@E05",
            "conviction-without-charge@E07"
        ]
    );
    assert_eq!(flags("R04"), ["duplicate-registration@E11"]);
    assert_eq!(flags("R05"), ["charge-under-15@E14"]);
    assert_eq!(flags("R06"), ["conviction-without-charge@E19"]);
    assert!(
        flags("R07").is_empty(),
        "outside retention or after the as-of date"
    );
    assert!(flags("R08").is_empty(), "out of scope");
    // No flag changes a decision: the same levels as with the flags ignored
    // is what the pack gives (it never reads them).
    let r01 = crate::support::outcome(&report, "R01");
    assert_eq!(r01["level"], 1);
    // Every other format shows them too.
    let csv = run(screen_in(&dir, AS_OF).args(["--format", "csv"]));
    assert!(text(&csv.stdout).contains("duplicate-registration@E11"));
    let html = run(screen_in(&dir, AS_OF).args(["--format", "html"]));
    let html = text(&html.stdout);
    assert!(html.contains("Registration flags (7)"));
    assert!(html.contains("event E11 repeats event E10"));
}

#[test]
fn a_rule_reads_the_flags_of_an_event() {
    let pack = rule_pack_copy();
    let rules = pack.path().join("rules");
    std::fs::write(
        rules.join("flagged.rhai"),
        "let wrong = person.events.filter(|e| \"charge-under-15\" in e.flags);\n\
         if !wrong.is_empty() { note(`charged under 15: ${wrong}`, wrong); }\n",
    )
    .unwrap();
    let config = rules.join("tryg.toml");
    let config_text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        config_text.replacen(
            "    \"open_actions\",\n",
            "    \"open_actions\",\n    \"flagged\",\n",
            1,
        ),
    )
    .unwrap();
    let dir = root().join("fixtures/registration");
    let out = run(tryg_in(&dir).args([
        "screen",
        "--persons",
        "persons.csv",
        "--events",
        "events.csv",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--rules",
        rules.to_str().unwrap(),
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = |id: &str| -> Vec<serde_json::Value> {
        crate::support::outcome(&report, id)["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["rule"] == "flagged")
            .cloned()
            .collect()
    };
    assert_eq!(notes("R01").len(), 1);
    assert_eq!(notes("R01")[0]["evidence"], serde_json::json!(["E02"]));
    assert_eq!(notes("R05")[0]["evidence"], serde_json::json!(["E14"]));
    assert!(notes("R03").is_empty());
}

#[test]
fn the_table_json_and_html_count_by_municipality_and_district() {
    let batch = two_persons();
    let report = batch.report(AS_OF, &[], 0);
    let areas = &report["run"]["counts"]["by_area"];
    assert_eq!(areas.as_array().unwrap().len(), 2);
    assert_eq!(areas[0]["district"], "Lund");
    assert_eq!(areas[0]["by_level"]["risk_behaviour"], 1);
    assert_eq!(areas[1]["district"], "Valby");
    assert_eq!(areas[1]["youth_board"], 1);
    assert_eq!(areas[1]["actions"], 1);
    let table = text(&screen(&batch, &[]).stdout);
    assert!(
        table.contains(
            "København / Valby  screened 1 · levels 3:1 · youth board 1 · letters 1 · actions 1"
        ),
        "{table}"
    );
    let html = text(&screen(&batch, &["--format", "html"]).stdout);
    assert!(html.contains("By municipality and district"));
}

#[test]
fn the_workbook_has_typed_cells_and_the_same_bytes_every_time() {
    let batch = two_persons();
    let first = batch.path().join("a.xlsx");
    let second = batch.path().join("b.xlsx");
    // The extension picks the format.
    for file in [&first, &second] {
        let out = screen(&batch, &["--out", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let bytes = std::fs::read(&first).unwrap();
    assert_eq!(bytes, std::fs::read(&second).unwrap(), "the same bytes");
    assert!(bytes.starts_with(b"PK"), "a zip file");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["outcomes", "run", "areas"]);
    let outcomes = book.worksheet_range("outcomes").unwrap();
    assert_eq!(
        column(&outcomes, "person_id"),
        [&Data::String("P1".into()), &Data::String("P2".into())]
    );
    assert_eq!(column(&outcomes, "age")[0], &Data::Float(16.0));
    assert_eq!(column(&outcomes, "level")[0], &Data::Float(3.0));
    assert_eq!(
        column(&outcomes, "district")[1],
        &Data::String("Lund".into())
    );
    assert_eq!(column(&outcomes, "letter_in_batch")[0], &Data::Bool(true));
    let due = column(&outcomes, "next_due")[0];
    assert!(
        matches!(due, Data::DateTime(d) if d.is_datetime()),
        "{due:?}"
    );
    assert_eq!(due.as_date(), chrono::NaiveDate::from_ymd_opt(2026, 11, 26));
    let run_sheet = book.worksheet_range("run").unwrap();
    let as_of = run_sheet
        .rows()
        .find(|r| r[0] == Data::String("as_of".into()))
        .map(|r| r[1].clone())
        .unwrap();
    assert_eq!(
        as_of.as_date(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
    );
    // Stdout is a pipe here, which takes the binary file (a terminal does not).
    let out = screen(&batch, &["--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(0), "a pipe takes it");
    assert!(out.stdout.starts_with(b"PK"));
    // With a case register, the change columns.
    let db = batch.path().join("register.db");
    let file = batch.path().join("c.xlsx");
    let out = screen(
        &batch,
        &[
            "--db",
            db.to_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let outcomes = sheet(&std::fs::read(&file).unwrap(), "outcomes");
    assert_eq!(
        column(&outcomes, "change"),
        [&Data::String("new".into()), &Data::String("new".into())]
    );
}

#[test]
fn no_csv_cell_runs_as_a_formula_and_numbers_stay_numbers() {
    // An id starting with `-`, a district starting with `=`, a municipality
    // starting with `+`, and a rule's note.
    let batch = Batch::new(
        &["-A1,2010-03-01,M,+Kanarie,=1+2,true,peripheral,false,false,,,"],
        &["E1,-A1,2026-11-19,suspicion,76319,C1,"],
    );
    let pack = rule_pack_copy();
    let rules = pack.path().join("rules");
    std::fs::write(rules.join("at.rhai"), "note(\"@SUM(1)\");\n").unwrap();
    let config = rules.join("tryg.toml");
    let config_text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(
            "municipalities = [\"København\"]",
            "municipalities = [\"+Kanarie\"]",
        )
        .replacen(
            "    \"open_actions\",\n",
            "    \"open_actions\",\n    \"at\",\n",
            1,
        );
    std::fs::write(&config, config_text).unwrap();
    let rules = rules.to_str().unwrap();
    let out = screen(&batch, &["--rules", rules, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let get = |name: &str| row[headers.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(get("person_id"), "'-A1");
    assert_eq!(get("municipality"), "'+Kanarie");
    assert_eq!(get("district"), "'=1+2");
    assert_eq!(get("age"), "16", "a number is left alone");
    assert_eq!(get("letter_priority"), "2");
    for cell in row.iter() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a live cell: {cell:?}"
        );
    }
    // A workbook holds the same text as text: nothing to defuse, no formula.
    let file = batch.path().join("r.xlsx");
    let out = screen(&batch, &["--rules", rules, "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let bytes = std::fs::read(&file).unwrap();
    let outcomes = sheet(&bytes, "outcomes");
    assert_eq!(
        column(&outcomes, "person_id")[0],
        &Data::String("-A1".into())
    );
    assert_eq!(
        column(&outcomes, "district")[0],
        &Data::String("=1+2".into())
    );
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let formulas = book.worksheet_formula("outcomes").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula in the workbook"
    );
}

#[test]
fn excel_csv_has_a_byte_order_mark_and_semicolons() {
    let batch = two_persons();
    let out = screen(&batch, &["--format", "csv", "--excel"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with("\u{feff}person_id;status;age;level;"),
        "{csv}"
    );
    assert!(csv.contains(";København;Valby;"), "{csv}");
    // `--excel` with another format is a usage error.
    let out = screen(&batch, &["--format", "json", "--excel"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--excel is for --format csv"));
    // The pack's default, and the flag that overrides it.
    let pack = rule_pack_copy();
    let rules = pack.path().join("rules");
    let config = rules.join("tryg.toml");
    let config_text = std::fs::read_to_string(&config).unwrap();
    assert!(config_text.contains("excel_csv = false"));
    std::fs::write(
        &config,
        config_text.replace("excel_csv = false", "excel_csv = true"),
    )
    .unwrap();
    let rules = rules.to_str().unwrap();
    let excel = screen(&batch, &["--rules", rules, "--format", "csv"]);
    assert!(excel.stdout.starts_with("\u{feff}".as_bytes()));
    let plain = screen(
        &batch,
        &["--rules", rules, "--format", "csv", "--excel=false"],
    );
    assert!(plain.stdout.starts_with(b"person_id,status,"));
    // Read back as a Danish Excel would: the same rows as the plain file.
    let read = |bytes: &[u8], separator: u8| -> Vec<Vec<String>> {
        let body = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        csv::ReaderBuilder::new()
            .delimiter(separator)
            .from_reader(body)
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    };
    assert_eq!(read(&excel.stdout, b';'), read(&plain.stdout, b','));
}

#[test]
fn check_refuses_names_outside_the_alphabet_at_their_line() {
    let pack = rule_pack_copy();
    let rules = pack.path().join("rules");
    let config = rules.join("tryg.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    let check = |dir: &Path| run(tryg_in(dir).args(["check", "--rules", "rules"]));

    // A level name a spreadsheet would run, a forum with an escape character.
    std::fs::write(
        &config,
        original
            .replace("\"risk_behaviour\", \"crime\"", "\"=risk()\", \"crime\"")
            .replace("name = \"SSP+\"", "name = \"SSP\\u001b+\""),
    )
    .unwrap();
    let out = check(pack.path());
    assert_eq!(out.status.code(), Some(1));
    let err = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        err.contains(
            "error[bad-name]: levels.names: a level name \"=risk()\" has the character `=` (U+003D)"
        ),
        "{err}"
    );
    assert!(err.contains("rules/tryg.toml:"), "located: {err}");
    assert!(
        err.contains("a forum name \"SSP\\u{1b}+\" has the character U+001B"),
        "{err}"
    );
    assert!(
        !err.contains('\u{1b}'),
        "the escape character is never printed"
    );
    // `SSP+`, Danish letters and spaces are names.
    std::fs::write(
        &config,
        original.replace(
            "\"risk_behaviour\", \"crime\"",
            "\"risikoadfærd niveau-1\", \"crime\"",
        ),
    )
    .unwrap();
    let out = check(pack.path());
    assert!(
        !text(&out.stdout).contains("bad-name"),
        "{}",
        text(&out.stdout)
    );

    // A literal action kind that is not a token.
    std::fs::write(&config, &original).unwrap();
    let rule = rules.join("network_council.rhai");
    let source = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(&rule, source.replace("\"network_council\"", "\"=Netværk\"")).unwrap();
    let out = check(pack.path());
    assert_eq!(out.status.code(), Some(1));
    let err = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        err.contains("error[bad-name]: the action kind \"=Netværk\" is not a lower-case token"),
        "{err}"
    );
    assert!(err.contains("network_council.rhai:"), "{err}");
}
