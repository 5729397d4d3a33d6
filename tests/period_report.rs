//! `tryg report`: the period report over a store built from the sample
//! batch (two runs a month apart, then the meeting's decisions), in each
//! format, snapshotted; small counts shown as `<5`; in Chromium, the page
//! loads with nothing from outside and its charts have text alternatives.

use std::path::Path;

use serde_json::json;

use crate::browser::{Browser, artefacts, chromium};
use crate::support::{AS_OF, root, run, tryg_in};

/// The sample batch screened as of a month before and as of its date into
/// `dir/register.db`, and a meeting's decisions recorded on the second run.
fn store(dir: &Path) {
    for as_of in ["2026-10-20", AS_OF] {
        let out = run(tryg_in(dir)
            .args(["screen", "--persons"])
            .arg(root().join("fixtures/persons.csv"))
            .arg("--events")
            .arg(root().join("fixtures/events.csv"))
            .args(["--as-of", as_of, "--format", "json", "--db", "register.db"]));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let decide = |args: &[&str]| {
        let out = run(tryg_in(dir)
            .args(["review", "--db", "register.db", "decide"])
            .args(args)
            .args(["--by", "Ann Holm"]));
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // Level 3 cases opened for the qualified-crime persons, one at level 2.
    for p in [
        "P013", "P014", "P015", "P016", "P018", "P019", "P022", "P027", "P028", "P029", "P031",
        "P035", "P036", "P037", "P039", "P040",
    ] {
        decide(&[
            p,
            "--on",
            "level",
            "--decision",
            "accept",
            "--date",
            "2026-11-24",
        ]);
    }
    decide(&[
        "P010",
        "--on",
        "level",
        "--decision",
        "accept",
        "--level",
        "1",
        "--date",
        "2026-11-24",
    ]);
    for p in ["P013", "P039", "P014", "P028", "P034", "P040"] {
        decide(&[
            p,
            "--on",
            "letter",
            "--decision",
            "done",
            "--date",
            "2026-11-25",
        ]);
    }
    decide(&[
        "P042",
        "--on",
        "concern_conversation",
        "--decision",
        "done",
        "--date",
        "2026-11-23",
    ]);
    decide(&[
        "P043",
        "--on",
        "concern_conversation",
        "--decision",
        "done",
        "--date",
        "2026-11-24",
    ]);
    decide(&[
        "P026",
        "--on",
        "youth_board",
        "--decision",
        "accept",
        "--date",
        "2026-11-24",
    ]);
}

fn report(dir: &Path, format: &str) -> std::process::Command {
    let mut cmd = tryg_in(dir);
    cmd.args([
        "report",
        "--db",
        "register.db",
        "--from",
        "2026-07-01",
        "--to",
        "2026-12-31",
        "--format",
        format,
    ]);
    cmd
}

#[test]
fn the_period_report_in_each_format() {
    let dir = tempfile::tempdir().unwrap();
    store(dir.path());
    crate::snapshot_cmd!("period_report_csv", report(dir.path(), "csv"));
    crate::snapshot_cmd!("period_report_json", report(dir.path(), "json"));
    crate::snapshot_cmd!("period_report_html", report(dir.path(), "html"));
    let out = run(report(dir.path(), "html").args(["--lang", "da"]));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains("<html lang=\"da\">")
            && page.contains("Perioderapport 2026-07-01 til 2026-12-31")
    );

    // What the counts say, read from the JSON.
    let out = run(&mut report(dir.path(), "json"));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let value = |measure: &str, municipality: &str, district: &str, period: &str| {
        doc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["measure"] == measure
                    && r["municipality"] == municipality
                    && r["district"] == district
                    && r["period"] == period
            })
            .map(|r| r["value"].clone())
            .unwrap_or_else(|| panic!("no {measure} {municipality} {district} {period}"))
    };
    let whole = "2026-07-01..2026-12-31";
    assert_eq!(value("opened_level_3", "all", "all", whole), json!(16));
    assert_eq!(value("opened_level_3", "all", "all", "2026-11"), json!(16));
    assert_eq!(value("opened_level_3", "all", "all", "2026-10"), json!(0));
    assert_eq!(
        value("opened_level_1", "all", "all", whole),
        json!("<5"),
        "one case"
    );
    assert_eq!(value("letters_sent", "all", "all", whole), json!(6));
    assert_eq!(
        value("youth_board_referred", "all", "all", whole),
        json!("<5")
    );
    assert_eq!(value("opened", "København", "all", whole), json!(17));
    let small = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["value"].as_u64().is_some_and(|n| (1..5).contains(&n)))
        .count();
    assert_eq!(small, 0, "no count from 1 to 4 is shown");

    let Some(binary) = chromium() else { return };
    let html = dir.path().join("period.html");
    let out = run(report(dir.path(), "html").arg("--out").arg(&html));
    assert!(out.status.success());
    let mut b = Browser::launch(&binary);
    let url = b.open(&html);
    assert_eq!(b.problems(), Vec::<String>::new());
    assert_eq!(b.requests(), vec![url]);
    for id in ["chart-opened", "chart-work", "chart-districts"] {
        let desc = b.eval(&format!("document.getElementById('{id}-desc').textContent"));
        assert!(desc.as_str().unwrap().contains(':'), "{id}: {desc}");
    }
    b.send(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1280, "height": 1300, "deviceScaleFactor": 1, "mobile": false }),
    );
    b.screenshot(&artefacts().join("period-report.png"));
}
