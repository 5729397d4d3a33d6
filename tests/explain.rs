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

/// The lapse search stops at the first later day a rule fails for the person,
/// names that day and the rule's error, and keeps the proposals found so far
/// open ("does not lapse with time alone" is not claimed).
#[test]
fn the_lapse_search_stops_on_the_day_a_rule_fails() {
    let dir = crate::support::rule_pack_copy();
    let pack = dir.path().join("rules");
    std::fs::write(
        pack.join("probe.rhai"),
        "propose_level(1, \"probe\");\nif as_of > date(\"2026-12-10\") { throw \"late\"; }\n",
    )
    .unwrap();
    let config = pack.join("tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let order = "    \"open_actions\",\n]";
    assert!(text.contains(order));
    std::fs::write(
        &config,
        text.replace(order, "    \"open_actions\",\n    \"probe\",\n]"),
    )
    .unwrap();
    let out = run(explain("P002")
        .arg("--rules")
        .arg(&pack)
        .args(["--format", "json"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let x: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stop = &x["lapse_search_stopped"];
    assert_eq!(stop["date"], "2026-12-11", "{stop}");
    assert_eq!(stop["backstop"], false);
    let error = stop["error"].as_str().unwrap();
    assert!(
        error.starts_with("a rule fails for this person then (") && error.contains("probe"),
        "{error}"
    );
}
