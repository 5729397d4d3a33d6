//! The README cannot rot: its first command runs and prints exactly the output
//! the README shows, and CI runs exactly its test command.

use crate::support::{root, tryg_in};

/// The lines of the README's first ```sh block, and the first ```text block.
fn readme_blocks() -> (Vec<String>, String) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = |fence: &str| {
        let start = readme
            .find(fence)
            .unwrap_or_else(|| panic!("README has no {fence} block"))
            + fence.len();
        let end = start + readme[start..].find("```").unwrap();
        readme[start..end].trim_start_matches('\n').to_string()
    };
    let commands = block("```sh\n").lines().map(str::to_string).collect();
    (commands, block("```text\n"))
}

#[test]
fn the_readme_screen_command_prints_what_the_readme_shows() {
    let (commands, shown) = readme_blocks();
    let prefix = "cargo run --release -q -- ";
    let args = commands[0]
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("the first README command starts with `{prefix}`"));
    let out = tryg_in(&root())
        .args(args.split_whitespace())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        printed, shown,
        "README.md shows other output than the command prints: paste the new output into README.md"
    );
}

#[test]
fn ci_runs_the_readme_test_command() {
    let (commands, _) = readme_blocks();
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert_eq!(commands[1], "cargo test");
    assert!(
        ci.lines().any(|l| l.trim() == commands[1]),
        ".ci/run must run `{}`",
        commands[1]
    );
}
