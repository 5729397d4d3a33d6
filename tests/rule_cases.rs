//! One fixture folder per rule file of the default pack, under
//! `fixtures/rules/<rule>/`, plus `fixtures/rules/interactions/`. Each folder is
//! a small batch (`persons.csv`, `events.csv`) whose person ids say what the row
//! shows, and a README.md table giving the outcome SPEC §4 expects for each
//! person. Every folder is screened as of 2026-11-23 with `--format csv`: one
//! compact row per person (level, board route and limb, letter priority, rank
//! and batch, actions with due dates, overdue actions, and every `rule:line`
//! that had an effect).
//!
//! The snapshots were read row by row against SPEC §4 and the folder's README
//! before they were accepted; a change to them is a change of decisions.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{AS_OF, root, rule_pack_copy};

/// `fixtures/rules/<name>/`.
fn folder(name: &str) -> PathBuf {
    root().join("fixtures/rules").join(name)
}

/// `tryg screen` on the batch in `dir`, as of the fixtures' date, as CSV.
fn screen_in(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = crate::support::screen_in(dir, AS_OF);
    cmd.args(["--format", "csv"]);
    cmd.args(extra);
    cmd
}

/// `tryg screen` on one fixture folder with the built-in pack.
fn screen(name: &str) -> Command {
    screen_in(&folder(name), &[])
}

#[test]
fn scope_screens_only_residents_of_the_configured_municipalities() {
    crate::snapshot_cmd!("rule_scope", screen("scope"));
}

#[test]
fn level3_qualified_crime_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!(
        "rule_level3_qualified_crime",
        screen("level3_qualified_crime")
    );
}

#[test]
fn level2_crime_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!("rule_level2_crime", screen("level2_crime"));
}

#[test]
fn level1_risk_behaviour_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!(
        "rule_level1_risk_behaviour",
        screen("level1_risk_behaviour")
    );
}

#[test]
fn youth_board_candidates_by_age_offence_age_window_and_limb() {
    crate::snapshot_cmd!("rule_youth_board", screen("youth_board"));
}

#[test]
fn concern_letter_ranks_proposals_and_cuts_the_batch_at_a_tie() {
    crate::snapshot_cmd!("rule_concern_letter", screen("concern_letter"));
}

#[test]
fn network_council_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!("rule_network_council", screen("network_council"));
}

#[test]
fn concern_conversation_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!("rule_concern_conversation", screen("concern_conversation"));
}

#[test]
fn exit_conversation_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!("rule_exit_conversation", screen("exit_conversation"));
}

#[test]
fn home_visit_is_off_by_default_and_fires_only_for_its_age_sex_and_district() {
    crate::snapshot_cmd!("rule_home_visit", screen("home_visit"));

    // A copy of the pack with the rule switched on, and the batch beside it, so
    // the command line (and the snapshot) names no temporary path.
    let pack = rule_pack_copy();
    let config = pack.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert_eq!(
        text.matches("\nenabled = false\n").count(),
        1,
        "the test switches on [home_visit] enabled"
    );
    let section = text.find("[home_visit]").expect("a [home_visit] section");
    let switch = text.find("\nenabled = false\n").unwrap();
    assert!(switch > section, "`enabled = false` is under [home_visit]");
    std::fs::write(
        &config,
        text.replace("\nenabled = false\n", "\nenabled = true\n"),
    )
    .unwrap();
    for file in ["persons.csv", "events.csv"] {
        std::fs::copy(folder("home_visit").join(file), pack.path().join(file)).unwrap();
    }
    crate::snapshot_cmd!(
        "rule_home_visit_enabled",
        screen_in(pack.path(), &["--rules", "rules"])
    );
}

#[test]
fn interactions_of_several_rules_on_one_person() {
    crate::snapshot_cmd!("rule_interactions", screen("interactions"));
}

/// Every rule the default pack runs has a fixture folder, and every person in a
/// folder has a row in its README saying what SPEC §4 expects.
#[test]
fn every_rule_has_a_folder_and_every_person_a_readme_row() {
    let config = std::fs::read_to_string(root().join("rules/tryg.toml")).unwrap();
    let config: toml::Table = toml::from_str(&config).unwrap();
    let order = config["rules"]["order"].as_array().expect("[rules] order");
    let mut folders: Vec<&str> = order.iter().map(|r| r.as_str().unwrap()).collect();
    folders.push("interactions");
    for name in folders {
        let dir = folder(name);
        let readme = std::fs::read_to_string(dir.join("README.md"))
            .unwrap_or_else(|e| panic!("fixtures/rules/{name}/README.md: {e}"));
        let persons = std::fs::read_to_string(dir.join("persons.csv"))
            .unwrap_or_else(|e| panic!("fixtures/rules/{name}/persons.csv: {e}"));
        assert!(
            dir.join("events.csv").is_file(),
            "fixtures/rules/{name}/events.csv"
        );
        for line in persons.lines().skip(1) {
            let id = line.split(',').next().unwrap();
            assert!(
                readme.contains(&format!("| `{id}` |")),
                "fixtures/rules/{name}/README.md has no row for `{id}`"
            );
        }
    }
}
