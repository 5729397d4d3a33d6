//! `tryg test`: the default pack's own cases pass and cover every effect call;
//! a failing case shows expected against actual; a broken case says why.

use crate::support::{root, run, tryg_in};

#[test]
fn the_default_packs_cases_pass_with_full_coverage() {
    let mut cmd = tryg_in(&root());
    cmd.arg("test");
    crate::snapshot_cmd!("test_default_pack", cmd);
}

#[test]
fn a_failing_case_shows_expected_and_actual_and_what_it_missed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wrong.toml"),
        r#"name = "A case whose author expected the wrong level and board route"
as_of = 2026-11-23

[[person]]
person_id = "KID"
birth_date = 2013-05-01
municipality = "København"

[[event]]
event_id = "E1"
person_id = "KID"
date = 2026-09-01
kind = "suspicion"
offence_code = "73241"

[[expect]]
person_id = "KID"
level = 2
youth_board = { route = "prosecution", limb = "listed" }
actions = []
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        r#"name = "A case whose event has a kind the data contract does not know"
as_of = 2026-11-23

[[person]]
person_id = "A"
birth_date = 2013-02-28
municipality = "København"

[[event]]
event_id = "E1"
person_id = "A"
date = 2026-01-01
kind = "arest"

[[expect]]
person_id = "A"
level = 0
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("typo.toml"),
        "name = \"x\"\nas_of = 2026-11-23\nexpcet = 1\n",
    )
    .unwrap();
    let mut cmd = tryg_in(dir.path());
    cmd.args(["test", "broken.toml", "typo.toml", "wrong.toml"]);
    crate::snapshot_cmd!("test_failing_cases", cmd);
}

#[test]
fn no_case_files_is_an_error_that_says_where_they_go() {
    let dir = crate::support::rule_pack_copy();
    std::fs::remove_dir_all(dir.path().join("rules/tests")).unwrap();
    let out = run(tryg_in(dir.path()).args(["test", "--rules", "rules"]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: no case files: write them under rules/tests/ (see docs/RULES.md, \"Test a rule\")\n"
    );
}

#[test]
fn a_case_cannot_silently_test_something_else() {
    let dir = tempfile::tempdir().unwrap();
    let case = |name: &str, tail: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "name = \"x\"\nas_of = 2026-11-23\n\n[[person]]\nperson_id = \"A\"\nbirth_date = 2012-01-01\nmunicipality = \"København\"\n\n[[expect]]\nperson_id = \"A\"\n{tail}"
            ),
        )
        .unwrap();
        path
    };
    let none = case("none.toml", "actions = false\nyouth_board = false\n");
    let typo = case("typo.toml", "levl = 0\n");
    let overlay = case(
        "overlay.toml",
        "level = 0\n\n[config.home_visit]\nenabeld = true\n",
    );
    let out = run(tryg_in(dir.path())
        .arg("test")
        .args([&none, &typo, &overlay]));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("ok   "),
        "`false` means no actions: {stdout}"
    );
    assert!(
        stdout.contains("names `levl`, which an outcome does not have; did you mean `level`?"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[config] sets `home_visit.enabeld`, which tryg.toml does not have"),
        "{stdout}"
    );
    assert!(stdout.contains("1 passed, 2 failed"), "{stdout}");
}
