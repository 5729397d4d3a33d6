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
