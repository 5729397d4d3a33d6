//! `tryg explain`: one person's outcome for a reviewer: every rule's effect or
//! what it looked at, the evidence, when each proposal lapses, unused events.

use crate::support::{AS_OF, root, run, tryg_in};

fn explain(person: &str) -> std::process::Command {
    let mut cmd = tryg_in(&root().join("fixtures"));
    cmd.args([
        "explain",
        person,
        "--persons",
        "persons.csv",
        "--events",
        "events.csv",
        "--as-of",
        AS_OF,
    ]);
    cmd
}

#[test]
fn a_16_year_old_with_a_robbery_charge_and_gang_ties() {
    // Level 3, youth board, letter, network council and exit conversation:
    // every proposal with its evidence and the day it lapses.
    crate::snapshot_cmd!("explain_robbery_charge_16", explain("P027"));
}

#[test]
fn why_nothing_fired_and_which_events_were_left_out() {
    // P009: a school-absence concern only, an old street-life concern, and a
    // gang-contact observation dated after the as-of date.
    crate::snapshot_cmd!("explain_level_0_with_later_event", explain("P009"));
}

#[test]
fn an_out_of_scope_person_says_why() {
    crate::snapshot_cmd!("explain_out_of_scope", explain("P017"));
}

#[test]
fn json_carries_until_dates_and_event_uses() {
    let out = run(explain("P026").args(["--format", "json"]));
    assert!(out.status.success());
    let x: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // A 12-year-old suspected of violence on 2026-10-30: the network council
    // proposal lapses when the suspicion leaves its 30-day window.
    let council = x["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "network_council")
        .unwrap();
    assert_eq!(council["effects"][0]["until"], "2026-11-30");
    assert_eq!(
        council["effects"][0]["evidence_events"][0]["offence_name"],
        "vold"
    );
    let uses: Vec<&str> = x["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["used"].as_str().unwrap())
        .collect();
    assert!(uses.contains(&"evidence"), "{uses:?}");
}

#[test]
fn an_unknown_person_is_an_error() {
    let out = run(&mut explain("NOBODY"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: no person \"NOBODY\" in the batch (persons.csv)\n"
    );
}

#[test]
fn an_id_that_differs_only_by_case_is_suggested() {
    let out = run(&mut explain("p027"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: no person \"p027\" in the batch (did you mean \"P027\"?) (persons.csv)\n"
    );
}
