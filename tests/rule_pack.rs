//! The rule pack: built into the binary, written out by `tryg init`, used from a
//! folder with `--rules`, and changed by policy staff without touching Rust.

use crate::support::{Batch, outcome, root, rule_pack_copy, run, screen_fixture, tryg_in};

fn digest(cmd: &mut std::process::Command) -> String {
    let out = run(cmd.args(["--format", "json"]));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["run"]["ruleset_digest"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_built_in_pack_is_the_rules_folder() {
    let built_in = digest(&mut screen_fixture());
    let folder = digest(screen_fixture().args(["--rules"]).arg(root().join("rules")));
    let pack = rule_pack_copy();
    let written = digest(
        screen_fixture()
            .args(["--rules"])
            .arg(pack.path().join("rules")),
    );
    assert_eq!(built_in, folder);
    assert_eq!(built_in, written);
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let pack = rule_pack_copy();
    let rules = pack.path().join("rules");
    std::fs::write(rules.join("scope.rhai"), "// my edit\n").unwrap();
    std::fs::remove_file(rules.join("home_visit.rhai")).unwrap();
    let out = run(tryg_in(pack.path()).args(["init", "rules"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("already holds a rule pack; nothing was written"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(rules.join("scope.rhai")).unwrap(),
        "// my edit\n"
    );
    assert!(
        !rules.join("home_visit.rhai").exists(),
        "init wrote part of the pack"
    );
}

#[test]
fn changing_a_threshold_in_tryg_toml_changes_the_outcome() {
    let batch = Batch::new(
        &["TWO,2000-01-01,M,København,,,,,,,,"],
        &[
            "E1,TWO,2026-01-10,charge,90002,,",
            "E2,TWO,2026-03-10,charge,90001,,",
        ],
    );
    let before = batch.report("2026-11-23", &[], 0);
    assert_eq!(outcome(&before, "TWO")["level"], 2);

    let pack = rule_pack_copy();
    let config = pack.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("min_offences = 2"));
    std::fs::write(
        &config,
        text.replace("min_offences = 2", "min_offences = 3"),
    )
    .unwrap();
    let after = batch.report(
        "2026-11-23",
        &["--rules", pack.path().join("rules").to_str().unwrap()],
        0,
    );
    // Two offences are no longer "repeated offending", and level 1's first-offence
    // limb needs exactly one: SPEC §4 as written leaves this person at level 0.
    assert_eq!(outcome(&after, "TWO")["level"], 0);
    assert_eq!(outcome(&after, "TWO")["explanation"], serde_json::json!([]));
}

#[test]
fn switching_a_rule_off_is_removing_it_from_the_order() {
    let batch = Batch::new(
        &["GANG,2000-01-01,M,København,,,core,,,,,"],
        &["E1,GANG,2026-01-10,charge,90002,,"],
    );
    let pack = rule_pack_copy();
    let config = pack.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("    \"concern_letter\",\n", "")).unwrap();
    let rules = pack.path().join("rules");
    let with = batch.report("2026-11-23", &[], 0);
    let without = batch.report("2026-11-23", &["--rules", rules.to_str().unwrap()], 0);
    assert!(outcome(&with, "GANG")["concern_letter"].is_object());
    assert!(outcome(&without, "GANG")["concern_letter"].is_null());
}

#[test]
fn municipality_flags_replace_the_configured_list() {
    let batch = Batch::new(
        &[
            "KBH,2000-01-01,M,København,,,,,,,,",
            "ALB,2000-01-01,M,Albertslund,Lund,,,,,,,",
        ],
        &[],
    );
    let default = batch.report("2026-11-23", &[], 0);
    assert_eq!(outcome(&default, "KBH")["status"], "proposed");
    assert_eq!(outcome(&default, "ALB")["status"], "out_of_scope");
    assert_eq!(
        outcome(&default, "ALB")["explanation"][0]["text"],
        "Lives in Albertslund, outside the screened municipalities (København)"
    );
    let albertslund = batch.report("2026-11-23", &["--municipality", "Albertslund"], 0);
    assert_eq!(outcome(&albertslund, "KBH")["status"], "out_of_scope");
    assert_eq!(outcome(&albertslund, "ALB")["status"], "proposed");
    assert_eq!(
        albertslund["run"]["municipalities"],
        serde_json::json!(["Albertslund"])
    );
}

#[test]
fn a_broken_rule_pack_is_refused_with_a_source_excerpt() {
    let pack = rule_pack_copy();
    let file = pack.path().join("rules/level2_crime.rhai");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "if recent.len() >= cfg.level2.min_offences {",
            "if recent.len() >= {",
        ),
    )
    .unwrap();
    let batch = Batch::new(&["A,2000-01-01,M,København,,,,,,,,"], &[]);
    let mut cmd = batch.screen_with_pack(pack.path(), "2026-11-23");
    crate::snapshot_cmd!("broken_rule_is_refused", cmd);
}

#[test]
fn screen_refuses_a_pack_that_check_rejects() {
    let pack = rule_pack_copy();
    let file = pack.path().join("rules/level2_crime.rhai");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("cfg.level2.min_offences", "cfg.level2.min_offence"),
    )
    .unwrap();
    let batch = Batch::new(&["A,2000-01-01,M,København,,,,,,,,"], &[]);
    let out = run(batch
        .screen_with_pack(pack.path(), "2026-11-23")
        .args(["--out", "report.json"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error[missing-setting]: tryg.toml has no setting `level2.min_offence`"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: the rule set has 1 problem(s); nothing was screened\n"),
        "{stderr}"
    );
    assert!(!pack.path().join("report.json").exists());
}

#[test]
fn an_unused_setting_does_not_stop_a_screening() {
    let pack = rule_pack_copy();
    let config = pack.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text + "\n[draft]\nthreshold = 3\n").unwrap();
    let batch = Batch::new(&["A,2000-01-01,M,København,,,,,,,,"], &[]);
    batch.report(
        "2026-11-23",
        &["--rules", pack.path().join("rules").to_str().unwrap()],
        0,
    );
}

#[test]
fn a_misspelt_municipality_warns_instead_of_silently_screening_nobody() {
    let batch = Batch::new(
        &["A,2000-01-01,M,Frederiksberg,,,,,,,,"],
        &["E1,A,2026-01-01,concern,,,school_absence"],
    );
    let out = run(&mut batch.screen("2026-11-23", &["--municipality", "frederiksberg"]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning[municipality-near-miss]: 1 person lives in `Frederiksberg`; did you mean `frederiksberg`? \
         Only exact names are screened, so they are out of scope\n\
         warning[nobody-in-scope]: nobody in the batch lives in a screened municipality (`frederiksberg`): \
         every person will be out of scope\n"
    );
}

#[test]
fn diff_shows_the_effect_of_a_new_tag_on_a_batch_that_uses_it() {
    let dir = rule_pack_copy();
    let config = dir.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replacen(
            "\"school_absence\", \"unrest\"]",
            "\"school_absence\", \"unrest\", \"knife_carrying\"]",
            1,
        )
        .replacen(
            "\"vulnerable_group\", \"unrest\"]\n",
            "\"vulnerable_group\", \"unrest\", \"knife_carrying\"]\n",
            1,
        );
    assert!(text.contains("\"unrest\", \"knife_carrying\"]\n# An offence"));
    std::fs::write(&config, text).unwrap();
    let batch = Batch::new(
        &["KNIFE,2010-03-01,M,København,,,,,,,,"],
        &["E1,KNIFE,2026-09-01,observation,,,knife_carrying"],
    );
    let out = run(tryg_in(batch.path())
        .args(["diff", "--against"])
        .arg(dir.path().join("rules"))
        .args([
            "--persons",
            "persons.csv",
            "--events",
            "events.csv",
            "--as-of",
            "2026-11-23",
        ]));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("  KNIFE: level 0 none → 1 risk_behaviour"),
        "{stdout}"
    );
}
