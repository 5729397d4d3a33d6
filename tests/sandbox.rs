//! Rules run sandboxed: a rule that fails or runs away costs the persons it
//! touches (status = error, exit 3), never the batch, never a panic.

use crate::support::{Batch, outcome, rule_pack_copy};

fn append(pack: &tempfile::TempDir, file: &str, text: &str) {
    let path = pack.path().join("rules").join(file);
    let mut source = std::fs::read_to_string(&path).unwrap();
    source.push_str(text);
    std::fs::write(path, source).unwrap();
}

fn two_persons() -> Batch {
    Batch::new(
        &[
            "KID,2014-01-01,M,København,,,,,,,,",
            "ADULT,1990-01-01,F,København,,,,,,,,",
        ],
        &["E1,ADULT,2026-10-01,charge,90002,,"],
    )
}

#[test]
fn an_endless_loop_errors_the_persons_it_touches_and_the_rest_is_screened() {
    let pack = rule_pack_copy();
    append(
        &pack,
        "level2_crime.rhai",
        "\nif person.age < 15 {\n    loop { }\n}\n",
    );
    let rules = pack.path().join("rules");
    let batch = two_persons();
    let report = batch.report("2026-11-23", &["--rules", rules.to_str().unwrap()], 3);

    let kid = outcome(&report, "KID");
    assert_eq!(kid["status"], "error");
    let message = kid["error"].as_str().unwrap();
    // The rule file has 30 lines; the appended loop is on line 33.
    assert!(
        message.contains("rules/level2_crime.rhai line 33:"),
        "{message}"
    );
    assert!(message.contains("ran past its budget"), "{message}");

    let adult = outcome(&report, "ADULT");
    assert_eq!(adult["status"], "proposed");
    assert_eq!(adult["level"], 1);
    assert_eq!(report["run"]["counts"]["errors"], 1);
}

#[test]
fn a_rule_error_names_the_file_the_line_and_the_problem() {
    let pack = rule_pack_copy();
    append(
        &pack,
        "level1_risk_behaviour.rhai",
        // Only the data reveals this mistake (a window computed negative); a
        // missing setting is refused before screening (rule_pack.rs).
        "\nlet w = person.offences_within(person.age - 100);\n",
    );
    let rules = pack.path().join("rules");
    let batch = two_persons();
    let mut cmd = batch.screen("2026-11-23", &["--rules", rules.to_str().unwrap()]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // 32 lines, a blank one, then the typo on line 34.
    for person in ["KID", "ADULT"] {
        let line = format!(
            "{person}: {}/level1_risk_behaviour.rhai line 34: months must be a whole number from 0",
            rules.display()
        );
        assert!(stdout.contains(&line), "{stdout}");
    }
}

#[test]
fn eval_and_import_are_refused_before_anything_runs() {
    let pack = rule_pack_copy();
    append(&pack, "home_visit.rhai", "\nlet x = eval(\"1 + 1\");\n");
    let batch = two_persons();
    let mut cmd = batch.screen_with_pack(pack.path(), "2026-11-23");
    crate::snapshot_cmd!("eval_is_refused", cmd);

    let pack = rule_pack_copy();
    append(&pack, "scope.rhai", "\nimport \"other\" as other;\n");
    let out = batch
        .screen_with_pack(pack.path(), "2026-11-23")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "error[rule-syntax]: `import` is not available in rule files: a rule file cannot read other files"
        ),
        "{stderr}"
    );
}

#[test]
fn rules_cannot_change_the_config_the_next_person_reads() {
    let pack = rule_pack_copy();
    // A rule that tries to lower the level-2 threshold for everyone after it.
    append(&pack, "scope.rhai", "\ncfg.level2.min_offences = 0;\n");
    let rules = pack.path().join("rules");
    let report = two_persons().report("2026-11-23", &["--rules", rules.to_str().unwrap()], 3);
    for person in ["KID", "ADULT"] {
        assert_eq!(outcome(&report, person)["status"], "error", "{person}");
    }
}

#[test]
fn deep_recursion_is_stopped_by_the_call_limit() {
    let pack = rule_pack_copy();
    append(
        &pack,
        "scope.rhai",
        "\nfn down(n) { down(n + 1) }\nif person.age < 15 { down(0); }\n",
    );
    let rules = pack.path().join("rules");
    let report = two_persons().report("2026-11-23", &["--rules", rules.to_str().unwrap()], 3);
    let kid = outcome(&report, "KID");
    assert_eq!(kid["status"], "error");
    assert!(
        kid["error"].as_str().unwrap().contains("scope.rhai"),
        "{kid}"
    );
    assert_eq!(outcome(&report, "ADULT")["status"], "proposed");
}
