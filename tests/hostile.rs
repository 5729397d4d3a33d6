//! Rules written to hurt (issue 13): whatever a rule file does, it ends as
//! `status = error` for the persons it touches, within its budget, and the
//! batch goes on; no allowed `[limits]` setting can abort the process; and
//! settings outside their tested range are refused before anything runs.
//! (How long each takes, and how much memory, is measured in
//! `benches/hostile.rs`, not here; docs/limits.md has the figures.)

use std::path::Path;

use crate::support::{Batch, outcome, rule_pack_copy, run};

pub use crate::hostile_rules::HOSTILE;

/// Two persons, each with an event, so `person.events` holds something.
fn batch() -> Batch {
    Batch::new(
        &[
            "KID,2010-03-01,M,København,,,,,,,,",
            "ADULT,1990-03-01,F,København,,,,,,,,",
        ],
        &[
            "E1,KID,2026-06-01,charge,90002,,",
            "E2,ADULT,2026-06-01,charge,90003,,",
        ],
    )
}

/// A copy of the default pack with `source` as the last rule file, and
/// `[limits]` changed by `limits` (`setting = value` lines replacing theirs).
fn pack_with(source: &str, limits: &[(&str, u64)]) -> tempfile::TempDir {
    let dir = rule_pack_copy();
    let rules = dir.path().join("rules");
    std::fs::write(rules.join("hostile.rhai"), source).unwrap();
    let config = rules.join("tryg.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text = text.replacen(
        "    \"home_visit\",\n",
        "    \"home_visit\",\n    \"hostile\",\n",
        1,
    );
    for (setting, value) in limits {
        let start = text.find(&format!("\n{setting} = ")).unwrap() + 1;
        let end = start + text[start..].find('\n').unwrap();
        text.replace_range(start..end, &format!("{setting} = {value}"));
    }
    std::fs::write(config, text).unwrap();
    dir
}

fn screen(pack: &Path) -> (Option<i32>, serde_json::Value, String) {
    let batch = batch();
    let out = run(&mut batch.screen(
        "2026-11-23",
        &["--rules", pack.to_str().unwrap(), "--format", "json"],
    ));
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn each_hostile_rule_ends_as_an_error_outcome_and_the_batch_goes_on() {
    for (name, source) in HOSTILE {
        let pack = pack_with(source, &[]);
        let (code, report, stderr) = screen(&pack.path().join("rules"));
        assert_eq!(code, Some(3), "{name}: {stderr}");
        for person in ["KID", "ADULT"] {
            let o = outcome(&report, person);
            assert_eq!(o["status"], "error", "{name}: {person}");
            let error = o["error"].as_str().unwrap();
            assert!(error.contains("hostile.rhai"), "{name}: {error}");
        }
        assert_eq!(report["run"]["counts"]["persons"], 2, "{name}");
    }
}

#[test]
fn deep_values_do_not_overflow_the_stack_at_the_highest_allowed_limits() {
    let highest: Vec<(&str, u64)> = tryg::config::LIMIT_RANGES
        .iter()
        .map(|(name, _, highest)| (*name, *highest))
        .collect();
    let deep = [
        // As deep as the array limit allows, then shown, compared and dropped.
        "let a = []; let b = []; for i in 0..1990 { a = [a]; b = [b]; } let same = a == b; let s = a.to_string();",
        "let m = #{}; let n = #{}; for i in 0..990 { m = #{ x: m }; n = #{ x: n }; } let same = m == n;",
        // As deep as calls may nest.
        "fn down(n) { if n > 0 { down(n - 1) } else { 0 } } down(63);",
        "fn down(n) { down(n + 1) } down(0);",
        // A long chain of closures, each calling the one before, then dropped.
        "let f = |x| x; for i in 0..150000 { let g = f; f = |x| g.call(x); }",
    ];
    for source in deep {
        let pack = pack_with(source, &highest);
        let (code, _, stderr) = screen(&pack.path().join("rules"));
        assert!(
            matches!(code, Some(0) | Some(3)),
            "{source}: exit {code:?} {stderr}"
        );
    }
}

#[test]
fn a_limit_outside_its_range_is_refused_naming_the_setting_and_the_range() {
    for (name, lowest, highest) in tryg::config::LIMIT_RANGES {
        let mut wrong = vec![highest + 1];
        if *lowest > 0 {
            wrong.push(0);
            wrong.push(lowest - 1);
        }
        for value in wrong {
            let pack = pack_with("", &[(name, value)]);
            let out = run(crate::support::tryg_in(pack.path()).args(["check", "--rules", "rules"]));
            assert_eq!(out.status.code(), Some(1), "{name} = {value}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(
                stderr.contains(&format!(
                    "error[bad-limit]: limits.{name} = {value} is outside {lowest} to {highest}"
                )),
                "{stderr}"
            );
            assert!(stderr.contains("rules/tryg.toml:"), "{stderr}");
        }
    }
}

#[test]
fn max_functions_zero_allows_no_fn() {
    let pack = pack_with("fn helper() { 1 }", &[("max_functions", 0)]);
    let out = run(crate::support::tryg_in(pack.path()).args(["check", "--rules", "rules"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("rules/hostile.rhai"), "{stderr}");
}

#[test]
fn a_rule_file_failing_for_every_person_is_stopped_after_a_streak() {
    let persons: Vec<String> = (0..40)
        .map(|i| format!("P{i:02},1990-03-01,F,København,,,,,,,,"))
        .collect();
    let persons: Vec<&str> = persons.iter().map(String::as_str).collect();
    let batch = Batch::new(&persons, &[]);
    let pack = pack_with("loop { }", &[]);
    let rules = pack.path().join("rules");
    let report = |threads: &str| {
        batch.report(
            "2026-11-23",
            &["--rules", rules.to_str().unwrap(), "--threads", threads],
            3,
        )
    };
    let one = report("1");
    let streak = tryg::screen::STOP_AFTER;
    for (i, o) in one["outcomes"].as_array().unwrap().iter().enumerate() {
        let error = o["error"].as_str().unwrap();
        if i < streak {
            assert!(error.contains("ran past its budget"), "{i}: {error}");
        } else {
            assert!(
                error.contains(&format!(
                    "hostile was stopped for the rest of the batch after failing for {streak} persons in a row"
                )),
                "{i}: {error}"
            );
        }
    }
    assert_eq!(one, report("2"), "the same for any number of threads");
}

#[test]
fn date_arithmetic_out_of_the_calendar_fails_the_person_at_its_line() {
    let probe = "// probe\nlet due = as_of.add_days(9223372036854775807);\n";
    let pack = pack_with(probe, &[]);
    let (code, report, _) = screen(&pack.path().join("rules"));
    assert_eq!(code, Some(3));
    let error = outcome(&report, "KID")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.ends_with(
            "hostile.rhai line 2: add_days: the date would fall outside the years 1 to 9999"
        ),
        "{error}"
    );
    let pack = pack_with("let a = person.age_on(date(\"2000-01-01\"));", &[]);
    let (_, report, _) = screen(&pack.path().join("rules"));
    let error = outcome(&report, "KID")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.ends_with("age_on: the date is before the person's birth date"),
        "{error}"
    );
    // A date before birth is fine for an adult born before it.
    assert_eq!(outcome(&report, "ADULT")["status"], "proposed");
}

#[test]
fn a_rule_file_too_long_to_cite_its_lines_is_refused() {
    let long = "// x\n".repeat(tryg::ruleset::MAX_POSITION + 1);
    let pack = pack_with(&long, &[]);
    let out = run(crate::support::tryg_in(pack.path()).args(["check", "--rules", "rules"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error[rule-too-long]"), "{stderr}");

    let wide = format!("let x = \"{}\";", "x".repeat(tryg::ruleset::MAX_POSITION));
    let pack = pack_with(&wide, &[]);
    let out = run(crate::support::tryg_in(pack.path()).args(["check", "--rules", "rules"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("line 1 has 65546 characters"), "{stderr}");
}

#[test]
fn curry_is_not_available_in_rules() {
    let pack = pack_with("let f = Fn(\"x\"); f = f.curry(f);", &[]);
    let out = run(crate::support::tryg_in(pack.path()).args(["check", "--rules", "rules"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("`curry` is not available in rule files"),
        "{stderr}"
    );
}

#[test]
fn too_many_threads_are_capped_with_a_warning() {
    let batch = batch();
    let out = run(&mut batch.screen("2026-11-23", &["--threads", "4000"]));
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let cap = tryg::cmd::max_threads();
    assert!(
        stderr.contains(&format!(
            "warning: --threads 4000 is more than this machine can use; running {cap} threads"
        )),
        "{stderr}"
    );
}

/// A rule's words reach the terminal inert (issue 13, item 4): `explain`
/// and the other text outputs show control characters and bidirectional
/// overrides as `\u{…}`; JSON keeps the text as the rule wrote it.
#[test]
fn a_rules_words_cannot_drive_the_terminal() {
    let pack = pack_with(
        r#"propose_level(1, "clears\x1b[2Jthe screen \u202eand reverses");"#,
        &[],
    );
    let rules = pack.path().join("rules");
    let batch = batch();
    let out = run(crate::support::tryg_in(batch.path()).args([
        "explain",
        "KID",
        "--persons",
        "persons.csv",
        "--events",
        "events.csv",
        "--as-of",
        "2026-11-23",
        "--rules",
        rules.to_str().unwrap(),
    ]));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("clears\\u{1b}[2Jthe screen \\u{202e}and reverses"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
    let (_, report, _) = screen(&rules);
    let kid = outcome(&report, "KID");
    assert!(
        kid["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["text"] == "clears\u{1b}[2Jthe screen \u{202e}and reverses"),
        "{kid:#}"
    );
}
