//! `--format html`, the reviewers' report, as bytes: a reviewed snapshot of a
//! small batch's page, every value escaped, a Content-Security-Policy that names
//! exactly the page's own inline code, nothing loaded from anywhere, and the
//! same bytes every time. What the page does in a browser is `browser.rs`.

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::support::{AS_OF, Batch, rule_pack_copy, run, screen_fixture};

/// Four persons: a 16-year-old robbery suspect (level 3, youth board via the
/// prosecution, a letter, an action due), a 13-year-old (level 1, youth board
/// via the secretariat, an overdue action), a core gang member (level 3, the
/// top letter, an event left out by retention) and one out of scope.
fn small_batch() -> Batch {
    Batch::new(
        &[
            "A01,2010-03-01,M,København,Nørrebro,true,peripheral,false,false,,,",
            "A02,2013-05-05,F,København,,true,none,false,false,,,",
            "A03,1995-01-01,M,København,,true,core,false,false,,,",
            "A04,2009-01-01,M,Albertslund,,true,none,false,false,,,",
        ],
        &[
            "E01,A01,2026-11-19,suspicion,76319,C1,",
            "E02,A01,2026-11-20,charge,76319,C1,",
            "E03,A02,2026-10-30,suspicion,73241,,",
            "E04,A03,2026-06-01,suspicion,90006,,",
            "E05,A03,2019-06-01,suspicion,90006,,",
            "E06,A04,2026-06-01,suspicion,76319,,",
        ],
    )
}

fn html_of(cmd: &mut std::process::Command) -> String {
    let out = run(cmd);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The text between `open` and `close` (the first such element).
fn inner<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html.find(open).expect(open) + open.len();
    let end = start + html[start..].find(close).expect(close);
    &html[start..end]
}

/// The page's markup: its stylesheet and script are source files of their
/// own, and the policy that hashes them is checked below.
fn markup(html: &str) -> String {
    let policy = inner(
        html,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    );
    html.replace(policy, "(the policy: hashes of the style and script)")
        .replace(inner(html, "<style>", "</style>"), "/* report.css */")
        .replace(inner(html, "<script>", "</script>"), "/* report.js */")
}

#[test]
fn small_batch_as_html() {
    let batch = small_batch();
    let html = html_of(&mut batch.screen(AS_OF, &["--format", "html"]));
    crate::snapshot_text!("small_batch_html", markup(&html));
}

#[test]
fn the_policy_allows_the_pages_own_code_and_nothing_else() {
    let html = html_of(screen_fixture().args(["--format", "html"]));
    let policy = inner(
        &html,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    )
    .replace("&#x27;", "'")
    .replace("&#x2f;", "/");
    let hash = |text: &str| {
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    };
    let style = hash(inner(&html, "<style>", "</style>"));
    let script = hash(inner(&html, "<script>", "</script>"));
    assert_eq!(
        policy,
        format!(
            "default-src 'none'; style-src 'sha256-{style}'; script-src 'sha256-{script}'; \
             img-src 'none'; base-uri 'none'; form-action 'none'"
        )
    );
    // The policy comes before anything it governs.
    assert!(html.find("Content-Security-Policy").unwrap() < html.find("<style>").unwrap());
    // One stylesheet, one script, no inline handlers or style attributes.
    assert_eq!(html.matches("<style").count(), 1);
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains(" style=\""));
    assert!(!html.contains(" onclick=") && !html.contains(" onload="));
}

#[test]
fn the_page_is_self_contained() {
    let html = html_of(screen_fixture().args(["--format", "html"]));
    for outside in [
        "<link", " src=", "url(", "@import", "http:", "https:", "<iframe", "<object",
    ] {
        assert!(!html.contains(outside), "the page has {outside:?}");
    }
}

#[test]
fn hostile_rule_text_is_escaped() {
    let pack = rule_pack_copy();
    let rule = pack.path().join("rules/level1_risk_behaviour.rhai");
    let source = std::fs::read_to_string(&rule).unwrap();
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> \"q\" & 'a'";
    let patched = source.replacen("(risikoadfærd)`", &format!("(risikoadfærd) {hostile}`"), 1);
    assert_ne!(patched, source, "the level-1 rule text was found");
    std::fs::write(&rule, patched).unwrap();
    let rules = pack.path().join("rules");

    let html = html_of(
        screen_fixture()
            .args(["--format", "html", "--rules"])
            .arg(&rules),
    );
    assert!(!html.contains("alert(1)</script>"));
    assert!(!html.contains("<img"));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(html.contains(
        "&lt;script&gt;alert(1)&lt;&#x2f;script&gt;&lt;img src=x onerror=alert(2)&gt; \
         &quot;q&quot; &amp; &#x27;a&#x27;"
    ));
}

#[test]
fn same_report_same_bytes() {
    let first = html_of(screen_fixture().args(["--format", "html", "--threads", "1"]));
    let second = html_of(screen_fixture().args(["--format", "html", "--threads", "2"]));
    assert!(first == second, "the page differs between runs");
}
