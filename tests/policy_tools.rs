//! Sharper tools for the people who own the rules (issue 15): tryg.toml's
//! schema, packs from older versions, vocabularies, messages that point at
//! the cause, `test` coverage per call, `diff` of reasons, and the command
//! line as a tool that fits in. Each kind of message has a snapshot.

use std::path::Path;

use crate::support::{AS_OF, Batch, root, rule_pack_copy, run, tryg_in};

fn edit(pack: &Path, file: &str, from: &str, to: &str) {
    let path = pack.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn check(dir: &Path) -> std::process::Command {
    let mut cmd = tryg_in(dir);
    cmd.args(["check", "--rules", "rules"]);
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Adds a rule file to a pack copy and to the end of `[rules] order`.
fn add_rule(pack: &Path, stem: &str, source: &str) {
    std::fs::write(pack.join(format!("{stem}.rhai")), source).unwrap();
    edit(
        pack,
        "tryg.toml",
        "    \"open_actions\",\n]",
        &format!("    \"open_actions\",\n    \"{stem}\",\n]"),
    );
}

// 1. Settings have a schema.

#[test]
fn a_quoted_number_is_refused_before_screening_at_its_line() {
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    edit(
        &pack,
        "tryg.toml",
        "min_offences = 2",
        "min_offences = \"2\"",
    );
    let batch = Batch::new(
        &["TWO,2000-01-01,M,København,,,,,,,,"],
        &[
            "E1,TWO,2026-01-10,charge,90002,,",
            "E2,TWO,2026-03-10,charge,90001,,",
        ],
    );
    let mut cmd = batch.screen_with_pack(dir.path(), AS_OF);
    crate::snapshot_cmd!("schema_quoted_number_refused_by_screen", cmd);
}

#[test]
fn misspelt_keys_wrong_types_and_unknown_words_are_each_found_once_at_their_line() {
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    edit(&pack, "tryg.toml", "batch_size = 10", "batch_sise = 12");
    edit(&pack, "tryg.toml", "enabled = false", "enabled = \"false\"");
    edit(
        &pack,
        "tryg.toml",
        "\nwindow_months = 12\nmin_offences",
        "\nwindow_months = 0\nmin_offences",
    );
    // Read by three rules (youth_board, network_council and its own list):
    // one finding, at tryg.toml's line.
    edit(
        &pack,
        "tryg.toml",
        "\"aggravated_violence\", \"robbery\", \"sexual\", \"threats\"",
        "\"aggravated_violence\", \"robery\", \"sexual\", \"threats\"",
    );
    edit(
        &pack,
        "tryg.toml",
        "max_age = 17",
        "max_age = 17\nmin_agee = 10",
    );
    edit(
        &pack,
        "tryg.toml",
        "[local]\n",
        "[local]\nmy_threshold = \"3\"\n",
    );
    std::fs::write(
        pack.join("tryg.toml"),
        std::fs::read_to_string(pack.join("tryg.toml")).unwrap() + "\n[draft]\nthreshold = 3\n",
    )
    .unwrap();
    crate::snapshot_cmd!("schema_every_setting_problem", check(dir.path()));
}

#[test]
fn a_newer_pack_version_is_refused() {
    let dir = rule_pack_copy();
    edit(
        &dir.path().join("rules"),
        "tryg.toml",
        "pack_version = 2",
        "pack_version = 3",
    );
    let out = run(&mut check(dir.path()));
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("this pack was written by a newer tryg"),
        "{stderr}"
    );
}

// 2. Packs outlive versions.

#[test]
fn a_pack_written_before_pack_version_screens_and_check_names_what_to_update() {
    let mut cmd = tryg_in(&root());
    cmd.args(["check", "--rules", "fixtures/old-pack"]);
    crate::snapshot_cmd!("old_pack_check_names_updates", cmd);

    // It screens, deciding as its own rule files say (serious offences are
    // level 3 there), with no error.
    let out = run(crate::support::screen_fixture().args(["--rules", "../fixtures/old-pack"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "screened 43 · 3 qualified_crime: 19 · 2 crime: 2 · 1 risk_behaviour: 14 · 0 none: 8"
        ),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).is_empty(),
        "warnings are check's: {}",
        text(&out.stderr)
    );

    // Its own case files still pass.
    let out = run(tryg_in(&root()).args(["test", "--rules", "fixtures/old-pack"]));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("10 passed, 0 failed"), "{stdout}");
}

#[test]
fn the_old_pack_is_the_default_pack_before_pack_version() {
    // Kept byte for byte: fixtures/old-pack is `git show befc1b9:rules/…`.
    let config = std::fs::read_to_string(root().join("fixtures/old-pack/tryg.toml")).unwrap();
    assert!(!config.contains("pack_version"));
    assert!(config.contains("serious_window_months = 24"));
    assert!(!config.contains("max_functions"));
}

// 3 and 4. Vocabularies checked; messages at the cause.

#[test]
fn rule_mistakes_that_silently_changed_decisions_are_refused_by_check() {
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    edit(
        &pack,
        "tryg.toml",
        "[local]\n",
        "[local]\nwindow = \"12\"\n",
    );
    add_rule(
        &pack,
        "probe",
        r#"// Mistakes a policy officer makes.
let antal_børn = person.risk_factors.len();
if "substance_abuse" in person.risk_factors { propose_level(1, "Substance abuse"); }
if "jobb" in person.protective_factors { propose_level(1, "Has a job"); }
if antal_børn >= 2 { propose_level(1, "${antal_børn} risk factors"); }
if person.age > "15" { propose_level(1, "Older than 15"); }
let recent = person.offences_within(cfg.local.window);
if recent.len() >= cfg.local.window { propose_level(1, `Many offences`); }
"#,
    );
    crate::snapshot_cmd!("check_rule_mistakes", check(dir.path()));
}

#[test]
fn a_missing_semicolon_is_reported_at_the_end_of_the_line_before() {
    let dir = rule_pack_copy();
    edit(
        &dir.path().join("rules"),
        "level2_crime.rhai",
        "let months = cfg.level2.window_months;",
        "let months = cfg.level2.window_months",
    );
    crate::snapshot_cmd!("check_missing_semicolon", check(dir.path()));
}

#[test]
fn an_unclosed_quote_in_tryg_toml_is_reported_on_its_own_line() {
    let dir = rule_pack_copy();
    edit(
        &dir.path().join("rules"),
        "tryg.toml",
        "sex = \"M\"",
        "sex = \"M",
    );
    crate::snapshot_cmd!("check_toml_unclosed_quote", check(dir.path()));
}

#[test]
fn a_danish_letter_in_a_bare_key_says_what_names_may_hold() {
    let dir = rule_pack_copy();
    edit(
        &dir.path().join("rules"),
        "tryg.toml",
        "[local]\n",
        "[local]\nantal_ø = 2\n",
    );
    crate::snapshot_cmd!("check_toml_danish_key", check(dir.path()));
    // Quoted, it is a setting like any other, and a rule reads it.
    edit(
        &dir.path().join("rules"),
        "tryg.toml",
        "antal_ø = 2",
        "\"antal_ø\" = 2",
    );
    add_rule(
        &dir.path().join("rules"),
        "probe",
        "if person.risk_factors.len() >= cfg.local.antal_ø { propose_level(1, \"Risk factors\"); }\n",
    );
    let out = run(&mut check(dir.path()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_field_of_nothing_says_what_nothing_means() {
    // /work/shared/cases/rules/property-of-nothing: `.date` of `latest()`
    // of an empty list.
    let dir = rule_pack_copy();
    add_rule(
        &dir.path().join("rules"),
        "probe",
        "// latest() of an empty list is (), then .date is read.\nlet last = person.offences.latest();\npropose_level(1, `Latest offence on ${last.date}`, last);\n",
    );
    let batch = Batch::new(&["NONE,2000-01-01,M,København,,,,,,,,"], &[]);
    let mut cmd = batch.screen_with_pack(dir.path(), AS_OF);
    crate::snapshot_cmd!("rule_error_field_of_nothing", cmd);
}

// 5. `tryg test`.

#[test]
fn coverage_counts_each_call_and_named_cases_cover_what_they_reach() {
    // /work/shared/cases/rules/two-calls-one-line: one call of the two on
    // line 3 is never reached by a case of young persons only.
    let dir = rule_pack_copy();
    add_rule(
        &dir.path().join("rules"),
        "probe",
        "// coverage must count each propose_ call, not each line.\nlet young = person.age < 18;\nif young { propose_level(1, \"Under 18 (probe)\"); } else { propose_level(2, \"Adult (probe)\"); }\n",
    );
    std::fs::write(
        dir.path().join("young.toml"),
        r#"name = "A child is under 18"
as_of = 2026-11-23

[[person]]
person_id = "CHILD"
birth_date = 2014-05-01
municipality = "København"

[[expect]]
person_id = "CHILD"
levle = 1
fired = ["probe"]
"#,
    )
    .unwrap();
    let mut cmd = tryg_in(dir.path());
    cmd.args(["test", "--rules", "rules", "young.toml"]);
    crate::snapshot_cmd!("test_coverage_per_call", cmd);
}

// 6. `tryg diff`.

fn diff_in(dir: &Path, against: &Path, extra: &[&str]) -> std::process::Command {
    let mut cmd = tryg_in(dir);
    cmd.args(["diff", "--against"]).arg(against).args([
        "--persons",
        "persons.csv",
        "--events",
        "events.csv",
        "--as-of",
        AS_OF,
    ]);
    cmd.args(extra);
    cmd
}

#[test]
fn a_new_reason_behind_the_same_level_is_a_change_and_moved_lines_are_not() {
    let batch = Batch::new(
        &[
            "CORE,2000-01-01,M,København,,,core,,,,,",
            "OTHER,2000-01-01,M,København,,,,,,,,",
        ],
        &["E1,CORE,2026-01-10,charge,90002,,"],
    );
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    add_rule(
        &pack,
        "gang_note",
        "if person.gang_affiliation == \"core\" { propose_level(3, \"Core member (our own note)\"); }\n",
    );
    let out = run(&mut diff_in(batch.path(), &pack, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    crate::snapshot_text!("diff_reason_only_change", text(&out.stdout));

    // Blank lines at the top move every line of a rule: no change of reasons.
    let moved = rule_pack_copy();
    let moved_pack = moved.path().join("rules");
    let file = moved_pack.join("level3_qualified_crime.rhai");
    let source = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("\n\n\n{source}")).unwrap();
    let out = run(&mut diff_in(batch.path(), &moved_pack, &[]));
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with("no change: every person's outcome is the same\n"),
        "{stdout}"
    );
}

#[test]
fn diff_writes_out_whole_with_levels_above_three_and_a_municipality() {
    let batch = Batch::new(
        &[
            "CORE,2000-01-01,M,Albertslund,,,core,,,,,",
            "KBH,2000-01-01,M,København,,,,,,,,",
        ],
        &[],
    );
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    edit(
        &pack,
        "tryg.toml",
        "names = [\"none\", \"risk_behaviour\", \"crime\", \"qualified_crime\"]",
        "names = [\"none\", \"risk_behaviour\", \"crime\", \"qualified_crime\", \"serious_crime\", \"gang_crime\"]",
    );
    add_rule(
        &pack,
        "level5",
        "if person.gang_affiliation == \"core\" { propose_level(5, \"Gang member (our level 5)\"); }\n",
    );
    let out = run(&mut diff_in(
        batch.path(),
        &pack,
        &["--municipality", "Albertslund", "--out", "diff.json"],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let d: serde_json::Value =
        serde_json::from_slice(&std::fs::read(batch.path().join("diff.json")).unwrap()).unwrap();
    assert_eq!(
        d["states"],
        serde_json::json!(["0", "1", "2", "3", "4", "5", "out_of_scope", "error"])
    );
    // CORE, in Albertslund, moves from 3 to 5; KBH is out of scope in both.
    assert_eq!(d["matrix"][3][5], 1);
    assert_eq!(d["matrix"][6][6], 1);
    assert!(
        d["over_represented_rule"]
            .as_str()
            .unwrap()
            .contains("at least twice its share of the batch")
    );
    assert!(
        d["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["dimension"] == "forum")
    );
    // The text says "1 person changes".
    let out = run(&mut diff_in(
        batch.path(),
        &pack,
        &["--municipality", "Albertslund"],
    ));
    assert!(
        text(&out.stdout).contains("\n1 person changes\n"),
        "{}",
        text(&out.stdout)
    );
}

// 7. A tool that fits in.

#[test]
fn completions_and_a_man_page_are_there() {
    let out = run(tryg_in(&root()).args(["completions", "bash"]));
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("_tryg()"));
    let out = run(tryg_in(&root()).args(["man"]));
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(".TH tryg 1"));
    let out = run(tryg_in(&root()).args(["man", "diff"]));
    assert!(text(&out.stdout).contains(".TH tryg-diff 1"));
    let out = run(tryg_in(&root()).args(["man", "scren"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean `screen`?"));
}

#[test]
fn every_subcommands_help_ends_with_examples() {
    for sub in [
        "screen",
        "check",
        "explain",
        "test",
        "diff",
        "init",
        "pseudonymise",
        "reidentify",
        "review",
        "serve",
        "report",
        "completions",
        "man",
    ] {
        let out = run(tryg_in(&root()).args([sub, "--help"]));
        let help = text(&out.stdout);
        let examples = help.split("Examples:\n").nth(1).unwrap_or("");
        let lines = examples
            .lines()
            .filter(|l| l.starts_with("  tryg "))
            .count();
        assert!((2..=3).contains(&lines), "{sub}: {help}");
    }
}

#[test]
fn review_history_suggests_an_id_that_differs_only_by_case() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("register.db");
    let out = run(crate::support::screen_fixture()
        .arg("--db")
        .arg(&db)
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(tryg_in(dir.path())
        .args(["review", "--db"])
        .arg(&db)
        .args(["history", "p013"]));
    assert_eq!(
        text(&out.stdout),
        "the store holds no outcome or decision for p013 (did you mean P013? ids differ by case)\n"
    );
}

/// A syntax error in one rule file does not hide the mistakes in the others:
/// `check` reports both in one run, and nothing the broken file reads is
/// called unread (new-user trial).
#[test]
fn a_syntax_error_in_one_file_does_not_hide_mistakes_in_another() {
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    edit(
        &pack,
        "level2_crime.rhai",
        "let months = cfg.level2.window_months;",
        "let months = cfg.level2.window_months",
    );
    edit(
        &pack,
        "concern_letter.rhai",
        "\"motivated_for_change\"",
        "\"motivated_for_chnage\"",
    );
    let out = run(&mut check(dir.path()));
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error[rule-syntax]")
            && stderr.contains("rules/level2_crime.rhai:8")
            && stderr.contains(
                "error[unknown-token]: `motivated_for_chnage` is not a known protective factor"
            ),
        "{stderr}"
    );
    assert!(!stderr.contains("unused-setting"), "{stderr}");
    // The pack is still refused for screening.
    let out = run(crate::support::screen_fixture()
        .args(["--rules"])
        .arg(&pack));
    assert_eq!(out.status.code(), Some(1));
}
