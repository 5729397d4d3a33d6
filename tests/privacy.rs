//! No personal value in any message (issue 13): a canary, CPR-like and
//! name-like, put in each column a message could quote, and passed by rules
//! to every function that can fail on it, never reaches stderr or an
//! outcome's `error`, through every command and format.

use crate::support::{Batch, EVENTS_HEADER, PERSONS_HEADER, rule_pack_copy, run, tryg_in};

/// CPR-like and name-like canaries.
const CANARIES: &[&str] = &["010203-1234", "0102031234", "Kanariefugl Jensen", "Kanarie"];

/// A valid person row and event row, by column.
fn person() -> Vec<(&'static str, &'static str)> {
    PERSONS_HEADER
        .split(',')
        .zip([
            "KID",
            "2010-03-01",
            "M",
            "København",
            "Valby",
            "true",
            "none",
            "false",
            "false",
            "2025-01-01",
            "school_absence",
            "job",
        ])
        .collect()
}

fn event() -> Vec<(&'static str, &'static str)> {
    EVENTS_HEADER
        .split(',')
        .zip(["E1", "KID", "2026-06-01", "charge", "90002", "C1", ""])
        .collect()
}

fn row(cells: &[(&str, &str)], column: &str, canary: &str) -> String {
    cells
        .iter()
        .map(|(c, v)| if *c == column { canary } else { v })
        .collect::<Vec<_>>()
        .join(",")
}

fn assert_clean(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(
            !text.contains(canary),
            "{what}: the canary {canary:?} leaked:\n{text}"
        );
    }
    assert!(!text.contains("0102031234"), "{what}: {text}");
}

#[test]
fn a_canary_in_any_column_a_message_could_quote_is_never_shown() {
    // Place names may be shown (the reports show them by design): not here.
    let people = [
        "sex",
        "birth_date",
        "address_known",
        "gang_affiliation",
        "in_custody",
        "exit_program",
        "last_letter_date",
        "risk_factors",
        "protective_factors",
    ];
    let events = ["date", "kind", "offence_code", "tag", "case_id", "event_id"];
    let mut tried = 0;
    for canary in CANARIES {
        for column in people {
            let batch = Batch::new(
                &[&row(&person(), column, canary)],
                &[&row(&event(), "", "")],
            );
            for format in ["table", "json", "csv"] {
                let out = run(&mut batch.screen("2026-11-23", &["--format", format]));
                assert_eq!(out.status.code(), Some(1), "{column} = {canary}");
                assert_clean(column, &String::from_utf8_lossy(&out.stderr));
                assert!(out.stdout.is_empty());
            }
            let out = run(tryg_in(batch.path()).args([
                "explain",
                "KID",
                "--persons",
                "persons.csv",
                "--events",
                "events.csv",
                "--as-of",
                "2026-11-23",
            ]));
            assert_eq!(out.status.code(), Some(1));
            assert_clean(column, &String::from_utf8_lossy(&out.stderr));
            tried += 1;
        }
        for column in events {
            let batch = Batch::new(
                &[&row(&person(), "", "")],
                &[&row(&event(), column, canary)],
            );
            let out = run(&mut batch.screen("2026-11-23", &[]));
            // A name-like canary can be a well-formed id, which is data.
            let is_id = column.ends_with("_id")
                && !canary.contains([' ', '-'])
                && !tryg::privacy::contains_cpr(canary);
            let expected = if is_id { 0 } else { 1 };
            assert_eq!(out.status.code(), Some(expected), "{column} = {canary}");
            assert_clean(column, &String::from_utf8_lossy(&out.stderr));
            tried += 1;
        }
    }
    assert_eq!(tried, CANARIES.len() * 15);
}

#[test]
fn a_rule_error_never_repeats_the_value_it_failed_on() {
    // Every way a rule can fail on a person's value (the shared case
    // `rule-error-echoes-a-value`, and more): the error names the rule, the
    // line and what went wrong, never the value.
    let fields = ["district", "municipality"];
    let probes = [
        "let d = date(person.{f});",
        "let c = person.offences.in_category(person.{f});",
        "let e = person.events.of_kind(person.{f});",
        "let t = person.events.tagged(person.{f});",
        "throw person.{f};",
        "throw [person.{f}];",
        "let n = parse_int(person.{f}); let x = 1 / (n - n);",
        "let m = #{}; let v = m[person.{f}];",
        "propose_youth_board(person.{f}, \"listed\", \"x\", ());",
        "propose_action(person.{f}, (), \"x\");",
        "propose_concern_letter([person.{f}], 1, \"x\", ());",
        "let w = person.offences_within(person.age - 200);",
    ];
    let batch = Batch::new(&["P1,2010-03-01,F,Kanarie,Kanariefugl Jensen,,,,,,,"], &[]);
    for probe in probes {
        for field in fields {
            let source = probe.replace("{f}", field);
            let dir = rule_pack_copy();
            let rules = dir.path().join("rules");
            std::fs::write(rules.join("probe.rhai"), &source).unwrap();
            let config = rules.join("tryg.toml");
            let text = std::fs::read_to_string(&config).unwrap();
            let text = text
                .replacen("    \"scope\",\n", "    \"probe\",\n    \"scope\",\n", 1)
                .replace(
                    "municipalities = [\"København\"]",
                    "municipalities = [\"Kanarie\"]",
                );
            std::fs::write(config, text).unwrap();
            for format in ["json", "csv", "table"] {
                let out = run(&mut batch.screen(
                    "2026-11-23",
                    &["--rules", rules.to_str().unwrap(), "--format", format],
                ));
                assert_eq!(out.status.code(), Some(3), "{source}");
                let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
                let error_text: String =
                    match format {
                        "json" => {
                            serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["outcomes"]
                                [0]["error"]
                                .as_str()
                                .unwrap()
                                .to_string()
                        }
                        // The CSV row shows the municipality and district
                        // by design (place names are fields): read the error.
                        "csv" => csv::Reader::from_reader(stdout.as_bytes())
                            .deserialize::<std::collections::HashMap<String, String>>()
                            .map(|row| row.unwrap()["error"].clone())
                            .collect::<Vec<_>>()
                            .join("\n"),
                        _ => stdout
                            .lines()
                            .filter(|l| l.contains("probe.rhai"))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    };
                assert!(
                    error_text.contains("probe.rhai line 1"),
                    "{source}: {error_text}"
                );
                assert!(
                    !error_text.contains("Kanarie"),
                    "{source} ({format}): {error_text}"
                );
            }
        }
    }
}
