//! The default pack in Danish (`rules-da/`, written by `tryg init --lang da`)
//! decides exactly as the English one: every person of the sample batch and
//! of every rule fixture gets the same status, level, youth-board route and
//! limb, letter (recipients, priority, rank, batch), actions (due dates,
//! overdue) and even the same rule lines and evidence; only the words differ.
//! Its own case files pass, `tryg check` finds it clean, and its table of the
//! sample batch is a reviewed snapshot.

use std::path::{Path, PathBuf};

use crate::support::{AS_OF, root, run, screen_in, tryg_in};

/// `tryg init [--lang da] rules` into a temporary folder.
fn init(lang: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = tryg_in(dir.path());
    cmd.arg("init");
    if let Some(lang) = lang {
        cmd.args(["--lang", lang]);
    }
    let out = run(cmd.arg("rules"));
    assert!(
        out.status.success(),
        "init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// The sample batch and every rule fixture folder.
fn batches() -> Vec<PathBuf> {
    let mut dirs = vec![root().join("fixtures")];
    let mut rules: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("persons.csv").is_file())
        .collect();
    rules.sort();
    assert!(rules.len() >= 10, "the rule fixture folders: {rules:?}");
    dirs.extend(rules);
    dirs
}

/// The JSON report of the batch in `dir` with the pack in `pack`.
fn report(dir: &Path, pack: &Path) -> serde_json::Value {
    let out = run(screen_in(dir, AS_OF)
        .args(["--format", "json", "--rules"])
        .arg(pack));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// The report with its words taken out: every reason's `text`, and the rule
/// set's digest (the files differ, by their words).
fn decisions(report: &serde_json::Value) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("text");
                map.remove("ruleset_digest");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = report.clone();
    strip(&mut value);
    value
}

/// Every reason of the report: (person, rule, line, text), in order.
fn reasons(report: &serde_json::Value) -> Vec<(String, String, u64, String)> {
    let mut all = Vec::new();
    for outcome in report["outcomes"].as_array().unwrap() {
        for reason in outcome["explanation"].as_array().unwrap() {
            all.push((
                outcome["person_id"].as_str().unwrap().to_string(),
                reason["rule"].as_str().unwrap().to_string(),
                reason["line"].as_u64().unwrap_or(0),
                reason["text"].as_str().unwrap().to_string(),
            ));
        }
    }
    all
}

/// The two packs screen the same batch to the same decisions, outcome by
/// outcome; and every reason a rule file gave is in other words.
fn assert_alike(dir: &Path, en: &Path, da: &Path) -> usize {
    let (en_report, da_report) = (report(dir, en), report(dir, da));
    let (en_decisions, da_decisions) = (decisions(&en_report), decisions(&da_report));
    let en_outcomes = en_decisions["outcomes"].as_array().unwrap();
    let da_outcomes = da_decisions["outcomes"].as_array().unwrap();
    assert_eq!(en_outcomes.len(), da_outcomes.len(), "{}", dir.display());
    for (e, d) in en_outcomes.iter().zip(da_outcomes) {
        assert_eq!(
            e,
            d,
            "{}: {} is decided differently by the Danish pack",
            dir.display(),
            e["person_id"]
        );
    }
    assert_eq!(en_decisions, da_decisions, "{}", dir.display());
    // Reasons of `tryg` itself (retention, events after the as-of date, born
    // after it) are tryg's words, the same with either pack.
    let (en_reasons, da_reasons) = (reasons(&en_report), reasons(&da_report));
    for (e, d) in en_reasons.iter().zip(&da_reasons) {
        if e.1 == "tryg" {
            assert_eq!(e.3, d.3);
            continue;
        }
        assert_ne!(
            e.3,
            d.3,
            "{}: {} {}:{} has the same words in both packs",
            dir.display(),
            e.0,
            e.1,
            e.2
        );
    }
    en_reasons.len()
}

#[test]
fn the_danish_pack_decides_every_fixture_as_the_english_one() {
    let (en, da) = (init(None), init(Some("da")));
    let (en, da) = (en.path().join("rules"), da.path().join("rules"));
    let mut compared = 0;
    for dir in batches() {
        compared += assert_alike(&dir, &en, &da);
    }
    // The home visit is off by default: switched on in both, it still agrees.
    for pack in [&en, &da] {
        let config = pack.join("tryg.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        assert_eq!(text.matches("\nenabled = false\n").count(), 1);
        std::fs::write(
            &config,
            text.replace("\nenabled = false\n", "\nenabled = true\n"),
        )
        .unwrap();
    }
    compared += assert_alike(&root().join("fixtures/rules/home_visit"), &en, &da);
    assert!(compared > 300, "only {compared} reasons compared");
}

#[test]
fn the_danish_pack_is_the_english_one_line_for_line() {
    let (en, da) = (init(None), init(Some("da")));
    let (en, da) = (en.path().join("rules"), da.path().join("rules"));
    let names = |dir: &Path| {
        let mut names: Vec<String> = walk(dir)
            .into_iter()
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&en), names(&da), "the same file names");
    for name in names(&en) {
        let (e, d) = (
            std::fs::read_to_string(en.join(&name)).unwrap(),
            std::fs::read_to_string(da.join(&name)).unwrap(),
        );
        if name.ends_with(".rhai") || name == "tryg.toml" || name == "offences.toml" {
            assert_ne!(e, d, "{name} is not translated");
            assert_eq!(e.lines().count(), d.lines().count(), "{name}: line count");
        }
    }
    let config = std::fs::read_to_string(da.join("tryg.toml")).unwrap();
    assert!(config.contains("\nlang = \"da\"\n"), "lang = \"da\"");
    let english = std::fs::read_to_string(en.join("tryg.toml")).unwrap();
    assert!(
        !english.contains("\nlang ="),
        "the English pack sets no lang"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_danish_pack_passes_its_own_cases_and_check() {
    let da = init(Some("da"));
    let out = run(tryg_in(da.path()).args(["test", "--rules", "rules"]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(stdout.contains("(100%)"), "{stdout}");

    let out = run(tryg_in(da.path()).args(["check", "--rules", "rules"]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "rules: 11 rule files, tryg.toml and offences.toml are clean (20 effect calls)\n"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn init_without_lang_writes_the_english_pack() {
    let (plain, en) = (init(None), init(Some("en")));
    for name in ["tryg.toml", "scope.rhai", "offences.toml"] {
        let read = |dir: &tempfile::TempDir| {
            std::fs::read_to_string(dir.path().join("rules").join(name)).unwrap()
        };
        assert_eq!(read(&plain), read(&en));
        assert_eq!(
            read(&plain),
            std::fs::read_to_string(root().join("rules").join(name)).unwrap()
        );
    }
}

#[test]
fn the_danish_pack_screens_the_sample_batch() {
    // The batch beside the pack, so the command line names no temporary path.
    let da = init(Some("da"));
    for file in ["persons.csv", "events.csv"] {
        std::fs::copy(root().join("fixtures").join(file), da.path().join(file)).unwrap();
    }
    crate::snapshot_cmd!(
        "danish_pack_table",
        screen_in(da.path(), AS_OF).args(["--rules", "rules"])
    );
}

#[test]
fn screen_lang_chooses_the_tables_words_and_nothing_else() {
    let text = |cmd: &mut std::process::Command| {
        let out = run(cmd);
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let english = text(&mut crate::support::screen_fixture());
    let danish = text(crate::support::screen_fixture().args(["--lang", "da"]));
    assert!(english.starts_with("tryg screening as of 2026-11-23"));
    assert!(
        danish.starts_with("tryg-screening pr. 2026-11-23"),
        "{danish}"
    );
    assert!(
        danish.contains("\nPERSON  ALDER  FORUM  NIVEAU "),
        "{danish}"
    );
    assert!(danish.contains(" 3 kvalificeret kriminalitet "), "{danish}");
    // The built-in pack's reason texts are its own (English) words.
    assert!(danish.contains("P017: Lives in Albertslund"), "{danish}");
    // The Danish pack's `lang = "da"` gives up to --lang en.
    let da = init(Some("da"));
    let english_labels = text(
        crate::support::screen_fixture()
            .args(["--lang", "en", "--rules"])
            .arg(da.path().join("rules")),
    );
    assert!(english_labels.starts_with("tryg screening as of 2026-11-23"));
    assert!(english_labels.contains("P017: Bor i Albertslund"));
    // JSON and CSV are the contract: the same bytes in either language.
    for format in ["json", "csv"] {
        let plain = text(crate::support::screen_fixture().args(["--format", format]));
        let da = text(crate::support::screen_fixture().args(["--format", format, "--lang", "da"]));
        assert_eq!(plain, da, "--format {format}");
    }
}

#[test]
fn the_html_report_in_danish() {
    let html = |extra: &[&str]| {
        let out = run(crate::support::screen_fixture()
            .args(["--format", "html"])
            .args(extra));
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let english = html(&[]);
    let danish = html(&["--lang", "da"]);
    assert!(english.contains("<html lang=\"en\">"));
    assert!(danish.contains("<html lang=\"da\">"), "{danish}");
    for words in [
        "<h2 id=\"agenda-title\">Dagsorden for mødet</h2>",
        "<h2 id=\"proposals-title\">Forslag</h2>",
        "<title>Fortroligt: tryg-screening pr. 2026-11-23, forslag til menneskelig vurdering</title>",
        "<span class=\"lvl l3\">3 kvalificeret kriminalitet</span>",
        "Screenede personer efter niveau og forum (43)",
        "data-showing=\"Viser %shown% af 38 personer med et forslag\"",
        "<span class=\"place\">level1_risk_behaviour.rhai linje 17</span>",
        "<span>Udvalgets beslutning:</span>",
    ] {
        assert!(danish.contains(words), "{words}");
    }
    for words in [
        "Meeting agenda",
        "Proposals",
        "At a glance",
        "Committee",
        " line 17<",
        "risk_behaviour<",
    ] {
        assert!(
            !danish.contains(words),
            "English left in the Danish page: {words}"
        );
    }
    // The decisions are the same: every row of the table, by its data.
    let rows = |page: &str| -> Vec<String> {
        page.lines()
            .filter(|l| l.starts_with("<tbody class=\"p\""))
            .map(String::from)
            .collect()
    };
    assert_eq!(rows(&english), rows(&danish));
    assert_eq!(rows(&english).len(), 38);
    // The Danish pack's lang gives way to --lang en.
    let da = init(Some("da"));
    let pack = da.path().join("rules");
    let by_pack = html(&["--rules", pack.to_str().unwrap()]);
    assert!(by_pack.contains("<html lang=\"da\">"));
    let english_words = html(&["--rules", pack.to_str().unwrap(), "--lang", "en"]);
    assert!(english_words.contains("<h2 id=\"agenda-title\">Meeting agenda</h2>"));
    assert!(english_words.contains("Bor i Albertslund"));
}

#[test]
fn the_tables_register_words_in_danish() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["persons.csv", "events.csv"] {
        std::fs::copy(root().join("fixtures").join(file), dir.path().join(file)).unwrap();
    }
    let screen = |as_of: &str| {
        let out =
            run(screen_in(dir.path(), as_of).args(["--db", "register.db", "--lang", "da", "-q"]));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    screen("2026-10-01");
    let table = screen(AS_OF);
    assert!(
        table.contains("\nsagsregister: ændringer siden kørsel 1 pr. 2026-10-01 · kædens hoved "),
        "{table}"
    );
    assert!(table.contains("  ÆNDRING  "), "{table}");
    assert!(table.contains(" uændret"), "{table}");
    assert!(table.contains("  optrappet fra 1  "), "{table}");
    assert!(table.contains("  nedtrappet fra 2\n"), "{table}");
}
