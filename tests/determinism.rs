//! Same input, same rules, same as-of date: the same bytes, for any number of
//! threads and any number of runs. Files are written whole or not at all.

use crate::support::{run, screen_fixture};

#[test]
fn one_and_two_threads_give_identical_bytes_in_every_format() {
    for format in ["json", "csv", "table"] {
        let one = run(screen_fixture().args(["--format", format, "--threads", "1"]));
        let two = run(screen_fixture().args(["--format", format, "--threads", "2"]));
        let again = run(screen_fixture().args(["--format", format]));
        assert!(one.status.success());
        assert_eq!(one.stdout, two.stdout, "{format}: 1 vs 2 threads");
        assert_eq!(one.stdout, again.stdout, "{format}: repeated run");
    }
}

#[test]
fn out_writes_the_same_bytes_as_stdout_and_leaves_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    let out = run(screen_fixture()
        .args(["--format", "json", "--out"])
        .arg(&target));
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let stdout = run(screen_fixture().args(["--format", "json"])).stdout;
    assert_eq!(std::fs::read(&target).unwrap(), stdout);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "only the report is left behind");
}

#[test]
fn a_bad_command_line_exits_2() {
    let out = run(screen_fixture().args(["--as-of", "23-11-2026"]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(screen_fixture().args(["--format", "pdf"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn out_never_overwrites_an_input_and_refuses_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["persons.csv", "events.csv"] {
        std::fs::copy(
            crate::support::root().join("fixtures").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    let before = std::fs::read(dir.path().join("persons.csv")).unwrap();
    let out =
        run(crate::support::screen_in(dir.path(), crate::support::AS_OF)
            .args(["--out", "persons.csv"]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: cannot write persons.csv: it would overwrite persons.csv, which tryg reads; choose another name\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("persons.csv")).unwrap(),
        before
    );

    let out = run(crate::support::screen_in(dir.path(), crate::support::AS_OF)
        .args(["--out", "no/such/report.json"]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: cannot write no/such/report.json: the folder no/such does not exist\n"
    );
}

#[test]
fn out_refuses_devices_links_and_the_rule_pack() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["persons.csv", "events.csv"] {
        std::fs::copy(
            crate::support::root().join("fixtures").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    let refused = |out: &str, extra: &[&str]| {
        let result = run(crate::support::screen_in(dir.path(), crate::support::AS_OF)
            .args(["--out", out])
            .args(extra));
        assert_eq!(result.status.code(), Some(1), "{out}");
        String::from_utf8(result.stderr).unwrap()
    };
    assert!(refused("/dev/null", &[]).contains("it is a device, pipe or socket"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("persons.csv"), dir.path().join("link"))
            .unwrap();
        assert!(refused("link", &[]).contains("it is a symbolic link"));
    }
    let pack = crate::support::rule_pack_copy();
    let rules = pack.path().join("rules");
    let policy = rules.join("tryg.toml");
    let before = std::fs::read(&policy).unwrap();
    let stderr = refused(
        policy.to_str().unwrap(),
        &["--rules", rules.to_str().unwrap()],
    );
    assert!(
        stderr.contains("it is inside the rule pack's folder"),
        "{stderr}"
    );
    let stderr = refused(
        rules.join("report.rhai").to_str().unwrap(),
        &["--rules", rules.to_str().unwrap()],
    );
    assert!(
        stderr.contains("it is inside the rule pack's folder"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&policy).unwrap(), before);
    // Nothing half-written is left anywhere.
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let name = entry.file_name();
        assert!(!name.to_string_lossy().starts_with(".tryg-partial-"));
    }
}

#[test]
fn the_format_follows_the_out_extension_unless_given() {
    let dir = tempfile::tempdir().unwrap();
    for (file, starts) in [
        ("r.json", "{"),
        ("r.csv", "person_id,"),
        ("r.html", "<!DOCTYPE html>"),
        ("r.txt", "tryg screening"),
    ] {
        let path = dir.path().join(file);
        assert!(
            run(screen_fixture().arg("--out").arg(&path))
                .status
                .success()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(starts),
            "{file}: {}",
            &text[..40.min(text.len())]
        );
    }
    let path = dir.path().join("forced.html");
    assert!(
        run(screen_fixture()
            .args(["--format", "json", "--out"])
            .arg(&path))
        .status
        .success()
    );
    assert!(std::fs::read_to_string(&path).unwrap().starts_with('{'));
}
