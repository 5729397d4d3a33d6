//! `tryg check`: a clean pack passes; every kind of mistake a policy officer
//! can make is reported at once, at its spot, with a hint.

use crate::support::{rule_pack_copy, run, tryg_in};

fn edit(pack: &std::path::Path, file: &str, from: &str, to: &str) {
    let path = pack.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_default_pack_is_clean() {
    let out = run(tryg_in(&crate::support::root()).arg("check"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "rules: 11 rule files, tryg.toml and offences.toml are clean (20 effect calls)\n"
    );
}

#[test]
fn every_mistake_is_reported_at_its_spot() {
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    // A misspelt function, event kind and setting; a person field that does not
    // exist; a token no person can have; a tag the vocabulary lacks; a misspelt
    // key in tryg.toml; a rule not switched on.
    edit(
        &pack,
        "level2_crime.rhai",
        "person.offences_within(months)",
        "person.offences_withn(months)",
    );
    edit(
        &pack,
        "level2_crime.rhai",
        "of_kind(\"release\")",
        "of_kind(\"relase\")",
    );
    edit(
        &pack,
        "level2_crime.rhai",
        "cfg.level2.min_offences",
        "cfg.level2.min_offence",
    );
    edit(
        &pack,
        "level1_risk_behaviour.rhai",
        "person.gang_affiliation in",
        "person.gang_afiliation in",
    );
    edit(
        &pack,
        "concern_conversation.rhai",
        "if person.age < cc.under_age {",
        "if person.age < cc.under_age && person.sex == \"G\" {",
    );
    edit(
        &pack,
        "tryg.toml",
        "\"street_life\", \"drug_experiment\", \"vulnerable_group\", \"unrest\"]\n#",
        "\"street_lif\", \"drug_experiment\", \"vulnerable_group\", \"unrest\"]\n#",
    );
    edit(
        &pack,
        "tryg.toml",
        "retention_months = 60",
        "retention_months = 60\nretension_months = 48",
    );
    std::fs::write(
        pack.join("draft.rhai"),
        "propose_level(2, \"Draft rule\");\n",
    )
    .unwrap();
    let mut cmd = tryg_in(dir.path());
    cmd.args(["check", "--rules", "rules"]);
    crate::snapshot_cmd!("check_reports_every_mistake", cmd);
}

#[test]
fn warnings_alone_pass() {
    let dir = rule_pack_copy();
    std::fs::write(
        dir.path().join("rules/draft.rhai"),
        "propose_level(2, \"Draft rule\");\n",
    )
    .unwrap();
    let out = run(tryg_in(dir.path()).args(["check", "--rules", "rules"]));
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning[rule-not-run]: `draft` is not in [rules] order"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("rules: 0 error(s), 1 warning(s)\n"),
        "{stderr}"
    );
}

#[test]
fn a_syntax_error_does_not_make_its_settings_look_unused() {
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    edit(
        &pack,
        "home_visit.rhai",
        "if hv.enabled",
        "if hv.enabled &&",
    );
    let out = run(tryg_in(dir.path()).args(["check", "--rules", "rules"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error[rule-syntax]: Unexpected '&&'"),
        "{stderr}"
    );
    assert!(stderr.contains("rules/home_visit.rhai:8:18"), "{stderr}");
    assert!(!stderr.contains("unused-setting"), "{stderr}");
}
