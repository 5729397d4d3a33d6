//! docs/RULES.md cannot rot: every rhai example runs as a rule file on the
//! sample batch, every `tryg` command runs, the how-tos do what they say, and
//! every name the rule API registers is documented.

use std::path::Path;

use crate::support::{AS_OF, Batch, outcome, root, rule_pack_copy, run, tryg_in};

fn guide() -> String {
    std::fs::read_to_string(root().join("docs/RULES.md")).unwrap()
}

/// The fenced blocks of a language, dedented (blocks inside list items are indented).
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut current {
            None if trimmed == format!("```{lang}") => current = Some((indent, Vec::new())),
            Some((_, lines)) if trimmed == "```" => {
                found.push(lines.join("\n") + "\n");
                current = None;
            }
            Some((indent, lines)) => lines.push(line.get(*indent..).unwrap_or("").to_string()),
            None => {}
        }
    }
    found
}

/// The first block of `lang` after `heading`.
fn block_after(text: &str, heading: &str, lang: &str) -> String {
    let at = text
        .find(heading)
        .unwrap_or_else(|| panic!("RULES.md has no {heading:?}"));
    blocks(&text[at..], lang).into_iter().next().unwrap()
}

/// Merges `patch` into `base`, table by table (what a reader does by hand).
fn merge(base: &mut toml::Table, patch: toml::Table) {
    for (key, value) in patch {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(p)) => merge(b, p),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn apply_to_config(pack: &Path, snippet: &str) {
    let path = pack.join("tryg.toml");
    let mut config: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    merge(
        &mut config,
        toml::from_str(snippet).expect("the guide's TOML parses"),
    );
    std::fs::write(path, toml::to_string(&config).unwrap()).unwrap();
}

fn add_rule(pack: &Path, stem: &str, source: &str) {
    std::fs::write(pack.join(format!("{stem}.rhai")), source).unwrap();
    let path = pack.join("tryg.toml");
    let mut config: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let order = config["rules"]["order"].as_array().unwrap().clone();
    let mut order = order;
    order.push(toml::Value::String(stem.into()));
    config["rules"]
        .as_table_mut()
        .unwrap()
        .insert("order".into(), toml::Value::Array(order));
    std::fs::write(path, toml::to_string(&config).unwrap()).unwrap();
}

fn screen_fixture_with(pack: &Path) -> serde_json::Value {
    let out = run(tryg_in(&root().join("fixtures"))
        .args([
            "screen",
            "--persons",
            "persons.csv",
            "--events",
            "events.csv",
            "--as-of",
            AS_OF,
        ])
        .args(["--format", "json", "--rules"])
        .arg(pack));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_rhai_example_runs_on_the_sample_batch() {
    let examples = blocks(&guide(), "rhai");
    assert!(examples.len() >= 10, "found {} examples", examples.len());
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    // One example proposes level 5, which needs the guide's five-level scheme.
    apply_to_config(
        &pack,
        &block_after(&guide(), "### Another level scheme", "toml"),
    );
    for (i, source) in examples.iter().enumerate() {
        add_rule(&pack, &format!("guide_example_{i}"), source);
    }
    // Exit 0 means every example compiled and ran for all 48 persons.
    let report = screen_fixture_with(&pack);
    assert_eq!(report["run"]["counts"]["errors"], 0);
}

#[test]
fn the_guide_shows_the_real_level2_rule() {
    let shown = &blocks(&guide(), "rhai")[0];
    let real = std::fs::read_to_string(root().join("rules/level2_crime.rhai")).unwrap();
    assert_eq!(
        shown, &real,
        "section 3 of RULES.md must show rules/level2_crime.rhai as it is"
    );
}

#[test]
fn every_tryg_command_in_the_guide_runs() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["persons.csv", "events.csv"] {
        std::fs::copy(root().join("fixtures").join(name), dir.path().join(name)).unwrap();
    }
    let mut ran = 0;
    for block in blocks(&guide(), "sh") {
        for line in block.lines().filter(|l| l.starts_with("tryg ")) {
            let out = run(tryg_in(dir.path()).args(line.split_whitespace().skip(1)));
            assert_eq!(
                out.status.code(),
                Some(0),
                "{line}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    assert_eq!(ran, 9);
    assert!(dir.path().join("before.json").exists() && dir.path().join("after.json").exists());
}

#[test]
fn the_guides_case_file_passes() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.toml");
    std::fs::write(&case, block_after(&guide(), "### Test a rule", "toml")).unwrap();
    let out = run(tryg_in(dir.path()).arg("test").arg(&case));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
}

#[test]
fn changing_the_batch_size_as_the_guide_says() {
    let in_batch = |report: &serde_json::Value| {
        report["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["concern_letter"]["in_batch"] == true)
            .count()
    };
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    assert_eq!(in_batch(&screen_fixture_with(&pack)), 10);
    apply_to_config(&pack, &block_after(&guide(), "### Change a number", "toml"));
    // The sample batch has 14 letter proposals.
    assert_eq!(in_batch(&screen_fixture_with(&pack)), 12);
}

#[test]
fn adding_a_level1_tag_as_the_guide_says() {
    let batch = Batch::new(
        &["KNIFE,2010-03-01,M,København,Valby,,,,,,,"],
        &["E1,KNIFE,2026-09-01,observation,,,knife_carrying"],
    );
    // Before the change the tag is refused when the batch is loaded.
    let out = run(&mut batch.screen(AS_OF, &[]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("`tag` a value of 14 characters (not shown) is not a known value")
    );

    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    apply_to_config(
        &pack,
        &block_after(&guide(), "### Add a tag for level 1", "toml"),
    );
    let report = batch.report(AS_OF, &["--rules", pack.to_str().unwrap()], 0);
    let knife = outcome(&report, "KNIFE");
    assert_eq!(knife["level"], 1);
    assert_eq!(
        knife["explanation"][0]["text"],
        "Observation or concern report within 12 months about knife_carrying (risikoadfærd)"
    );
    assert_eq!(
        knife["explanation"][0]["evidence"],
        serde_json::json!(["E1"])
    );
}

#[test]
fn another_level_scheme_as_the_guide_says() {
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    let source = block_after(&guide(), "### Another level scheme", "rhai");
    add_rule(&pack, "level5_gang_crime", &source);
    let batch = Batch::new(
        &[
            "CORE,2000-01-01,M,København,,,core,,,,,",
            "SALE,2000-01-01,M,København,,,,,,,,",
        ],
        &["E1,SALE,2026-06-01,charge,84111,,"],
    );
    // Under the default scheme (levels 0-3), `check` refuses a level 5.
    let out = run(&mut batch.screen(AS_OF, &["--rules", pack.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[bad-level]: a proposed level is 1 to 3"),
        "{stderr}"
    );

    apply_to_config(
        &pack,
        &block_after(&guide(), "### Another level scheme", "toml"),
    );
    let report = batch.report(AS_OF, &["--rules", pack.to_str().unwrap()], 0);
    let core = outcome(&report, "CORE");
    assert_eq!(core["level"], 5);
    assert_eq!(core["level_name"], "gang_crime");
    // The default files' level 2 is now named by the new scheme.
    assert_eq!(outcome(&report, "SALE")["level_name"], "risk_behaviour");
    assert_eq!(
        report["run"]["counts"]["by_level"],
        serde_json::json!({"none": 0, "concern": 0, "risk_behaviour": 1, "crime": 0,
            "serious_crime": 0, "gang_crime": 1})
    );
}

#[test]
fn adding_a_rule_as_the_guide_says() {
    let dir = rule_pack_copy();
    let pack = dir.path().join("rules");
    let source = block_after(&guide(), "### Add a rule", "rhai");
    add_rule(&pack, "level2_weapons", &source);
    let batch = Batch::new(
        &["ARMED,2000-01-01,F,København,,,,,,,,"],
        &["E1,ARMED,2026-06-01,charge,90009,,"],
    );
    let report = batch.report(AS_OF, &["--rules", pack.to_str().unwrap()], 0);
    let fired: Vec<&str> = outcome(&report, "ARMED")["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(fired.contains(&"level2_weapons"), "{fired:?}");
}

#[test]
fn every_name_the_rule_api_registers_is_documented() {
    let rules = tryg::ruleset::RuleSet::load(tryg::ruleset::RulePack::built_in())
        .ok()
        .unwrap();
    let text = guide();
    let mut missing = Vec::new();
    for name in crate::support::rule_api_names(&rules.engine) {
        let documented = [
            format!("`{name}`"),
            format!("`{name}("),
            format!(".{name}"),
            format!("{name}("),
        ]
        .iter()
        .any(|form| text.contains(form.as_str()));
        if !documented {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "not documented in docs/RULES.md: {missing:?}"
    );
}
