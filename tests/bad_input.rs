//! One folder per bad-input class under fixtures/bad/. Each must be refused
//! with its exact, located message, exit 1, and nothing written.

use crate::support::{AS_OF, screen_in, tryg_in};

#[test]
fn each_bad_input_class_is_refused_with_a_located_message() {
    insta::glob!("../fixtures/bad", "*/persons.csv", |path| {
        let dir = path.parent().unwrap();
        let out = dir.join("report.json");
        let _ = std::fs::remove_file(&out);
        let mut cmd = screen_in(dir, AS_OF);
        cmd.args(["--format", "json", "--out", "report.json"]);
        crate::snapshot_cmd!(cmd);
        assert!(
            !out.exists(),
            "{}: a report was written for bad input",
            dir.display()
        );
    });
}

#[test]
fn the_problem_cap_counts_what_it_does_not_show() {
    let dir = crate::support::root().join("fixtures/bad/many_problems");
    let out = screen_in(&dir, AS_OF).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("error[bad-date]").count(), 50, "{stderr}");
    assert!(
        stderr.contains("persons.csv: 20 more problem(s) not shown"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: 70 problem(s) in the input"),
        "{stderr}"
    );
}

#[test]
fn a_cpr_number_is_never_repeated_in_a_message() {
    let dir = crate::support::root().join("fixtures/bad/cpr_like_id");
    let out = screen_in(&dir, AS_OF).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("cpr-like-id"), "{stderr}");
    for cpr in ["010203-1234", "0102031234"] {
        assert!(
            !stderr.contains(cpr),
            "message repeats a CPR-like id: {stderr}"
        );
    }
}

#[test]
fn free_text_values_are_withheld_from_messages() {
    let batch =
        crate::support::Batch::new(&["P1,2010-01-01,M,København,,,Ali Hansen Jr.,,,,,"], &[]);
    let out = batch.screen(AS_OF, &[]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("a value of 14 characters (not shown)"),
        "{stderr}"
    );
    assert!(!stderr.contains("Hansen"), "{stderr}");
}

#[test]
fn a_missing_input_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = tryg_in(dir.path())
        .args([
            "screen",
            "--persons",
            "nope.csv",
            "--events",
            "nope2.csv",
            "--as-of",
            AS_OF,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot read nope.csv"),
        "{stderr}"
    );
}

#[test]
fn an_excel_export_with_bom_crlf_and_shuffled_columns_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("persons.csv"),
        "\u{feff}municipality,person_id,birth_date,in_custody\r\n København , P1 ,2010-01-01,Yes\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("events.csv"),
        "\u{feff}kind,event_id,person_id,date,offence_code\r\ncharge,E1,P1,2026-05-01,90002\r\n",
    )
    .unwrap();
    let out = screen_in(dir.path(), AS_OF)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.contains("\nP1,proposed,16,1,risk_behaviour,SSP,"),
        "{csv}"
    );
}
