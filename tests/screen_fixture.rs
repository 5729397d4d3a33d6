//! The sample batch through the default pack. These snapshots were read by hand
//! against SPEC §4 and fixtures/README.md (which says what each person is for)
//! before they were accepted; a change to them is a change of decisions.

use crate::support::screen_fixture;

#[test]
fn fixture_batch_as_json() {
    crate::snapshot_cmd!(
        "fixture_batch_json",
        screen_fixture().args(["--format", "json"])
    );
}

#[test]
fn fixture_batch_as_table() {
    crate::snapshot_cmd!("fixture_batch_table", screen_fixture());
}

#[test]
fn fixture_batch_as_csv() {
    crate::snapshot_cmd!(
        "fixture_batch_csv",
        screen_fixture().args(["--format", "csv"])
    );
}

#[test]
fn every_person_gets_exactly_one_outcome_in_input_order() {
    let out = screen_fixture()
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<String> = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["person_id"].as_str().unwrap().to_string())
        .collect();
    let persons =
        std::fs::read_to_string(crate::support::root().join("fixtures/persons.csv")).unwrap();
    let expected: Vec<String> = persons
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(report["run"]["counts"]["persons"], expected.len());
}
