//! `tryg diff`: a threshold changed in a copy of the pack, screened against the
//! sample batch: who moves, what is gained and lost, and where it falls.

use crate::support::{AS_OF, root, rule_pack_copy, run, tryg_in};

fn diff_against(pack: &std::path::Path) -> std::process::Command {
    let mut cmd = tryg_in(&root().join("fixtures"));
    cmd.args(["diff", "--rules"])
        .arg(root().join("rules"))
        .arg("--against")
        .arg(pack)
        .args([
            "--persons",
            "persons.csv",
            "--events",
            "events.csv",
            "--as-of",
            AS_OF,
        ]);
    cmd
}

/// A copy of the pack with level 2 from one offence and level 3's window
/// shortened to 12 months.
fn changed_pack() -> tempfile::TempDir {
    let dir = rule_pack_copy();
    let config = dir.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replacen("min_offences = 2", "min_offences = 1", 1)
        .replacen("\nwindow_months = 24", "\nwindow_months = 12", 1);
    assert!(text.contains("[level3]\n") && !text.contains("\nwindow_months = 24"));
    std::fs::write(config, text).unwrap();
    dir
}

#[test]
fn a_threshold_change_shows_who_moves_and_where() {
    let dir = changed_pack();
    let mut cmd = diff_against(&dir.path().join("rules"));
    // Both digests are of fixed files, so the snapshot is stable.
    crate::snapshot_cmd!("diff_threshold_change", cmd);
}

#[test]
fn identical_packs_print_no_change() {
    let out = run(&mut diff_against(&root().join("rules")));
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.ends_with("no change: every person's outcome is the same\n"),
        "{text}"
    );
}

#[test]
fn json_has_the_matrix_and_every_changed_person() {
    let dir = changed_pack();
    let out = run(diff_against(&dir.path().join("rules")).args(["--format", "json"]));
    assert!(out.status.success());
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Rows before, columns after: nine level-1 persons become level 2.
    assert_eq!(d["matrix"][1][2], 9);
    let total: u64 = d["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(total, 48, "every person is in the matrix once");
    let p016 = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person_id"] == "P016")
        .unwrap();
    assert_eq!(p016["lost"], serde_json::json!(["level 3"]));
    assert_eq!(
        p016["rules"],
        serde_json::json!(["level3_qualified_crime:27"])
    );
}

#[test]
fn a_batch_the_new_pack_refuses_says_which_pack() {
    let dir = rule_pack_copy();
    let config = dir.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // The new pack no longer knows the tag `unrest`, which the batch uses.
    std::fs::write(&config, text.replace(", \"unrest\"]", "]")).unwrap();
    let out = run(&mut diff_against(&dir.path().join("rules")));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("`tag` a value of 6 characters (not shown) is not a known value"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: the batch does not fit the new rule pack (--against)\n"),
        "{stderr}"
    );
}

/// Issue 11's check: from the pack before the Albertslund levels
/// (fixtures/old-pack) to the default pack, only persons with a drug sale
/// (84111: level 3 → 2) or an `unrest` observation or concern report (level 0
/// → 1) change level, and each change names its rule line.
#[test]
fn the_albertslund_levels_move_only_drug_sale_and_unrest() {
    let mut cmd = tryg_in(&root().join("fixtures"));
    cmd.args(["diff", "--rules", "old-pack", "--against"])
        .arg(root().join("rules"))
        .args(["--persons", "persons.csv", "--events", "events.csv"])
        .args(["--as-of", AS_OF, "--format", "json"]);
    let out = run(&mut cmd);
    assert!(out.status.success());
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    // Who has which cause, read from events.csv (columns: event_id,
    // person_id, date, kind, offence_code, case_id, tag).
    let events = std::fs::read_to_string(root().join("fixtures/events.csv")).unwrap();
    let with = |pred: &dyn Fn(&[&str]) -> bool| -> std::collections::BTreeSet<String> {
        events
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| pred(f))
            .map(|f| f[1].to_string())
            .collect()
    };
    let drug_sale = with(&|f| f[4] == "84111");
    let unrest = with(&|f| f[6] == "unrest");

    let mut moved = 0;
    for person in d["changed"].as_array().unwrap() {
        let id = person["person_id"].as_str().unwrap();
        let Some(level) = person["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[0] == "level")
        else {
            continue;
        };
        moved += 1;
        let rules: Vec<&str> = person["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        match (level[1].as_str().unwrap(), level[2].as_str().unwrap()) {
            ("3 qualified_crime", "2 crime") => {
                assert!(
                    drug_sale.contains(id),
                    "{id} moved 3 → 2 without a drug sale"
                );
                assert!(
                    rules.iter().any(|r| r.starts_with("level2_crime:")),
                    "{id}: {rules:?}"
                );
            }
            ("0 none", "1 risk_behaviour") => {
                assert!(unrest.contains(id), "{id} moved 0 → 1 without unrest");
                assert!(
                    rules
                        .iter()
                        .any(|r| r.starts_with("level1_risk_behaviour:")),
                    "{id}: {rules:?}"
                );
            }
            other => panic!("{id} changed level {other:?}, which issue 11 does not explain"),
        }
    }
    // The sample batch has both kinds of mover (P020, P034, P042 by drug
    // sale; P002, P021, P023 by unrest): a test that found none would prove
    // nothing.
    assert_eq!(moved, 6, "{d}");
}

/// A larger letter batch moves letters from a later meeting into this one:
/// tallied as letters for this meeting gained and later ones lost, never as
/// letters gained and lost (new-user trial).
#[test]
fn a_letter_moved_into_this_meeting_is_not_a_letter_gained_and_lost() {
    let dir = rule_pack_copy();
    let config = dir.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("\nbatch_size = 10\n"));
    std::fs::write(
        &config,
        text.replacen("\nbatch_size = 10\n", "\nbatch_size = 12\n", 1),
    )
    .unwrap();
    let out = run(diff_against(&dir.path().join("rules")).args(["--format", "json"]));
    assert!(out.status.success());
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let proposals = d["proposals"].to_string();
    assert!(
        proposals.contains("concern_letter (this meeting)")
            && proposals.contains("concern_letter (deferred)")
            && !proposals.contains("\"concern_letter\""),
        "{proposals}"
    );
}
