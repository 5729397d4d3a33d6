//! `tryg serve`: the meeting in the browser. Over plain HTTP (always run):
//! loopback only, the one-time token, the session cookie, the Host check,
//! CSRF and cross-origin refusals with nothing recorded, the security
//! headers, the access log. In headless Chromium (as tests/browser.rs; under
//! CI=true a missing Chromium fails): the printed URL opens the agenda, a
//! decision recorded through the page is read back with `tryg review
//! history`, refusals hold in a real browser, no console error, CSP
//! violation or outside request; screenshots under `target/browser/`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::browser::{Browser, artefacts, chromium};
use crate::support::{AS_OF, root, run, tryg_in};

/// A store with two runs of the sample batch: a month before the fixtures'
/// date, then on it (so the agenda has "what changed").
fn store(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("register.db");
    for as_of in ["2026-10-20", AS_OF] {
        let out = run(tryg_in(&root().join("fixtures"))
            .args([
                "screen",
                "--persons",
                "persons.csv",
                "--events",
                "events.csv",
            ])
            .args(["--as-of", as_of, "--format", "json", "--db"])
            .arg(&db));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    db
}

/// A running `tryg serve`, stopped (by its own pid) when dropped.
struct Server {
    child: Child,
    url: String,
    port: u16,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tryg"))
            .env_clear()
            .arg("serve")
            .arg("--db")
            .arg(db)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tryg serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the URL line");
        let url = line.trim().to_string();
        let port = url
            .strip_prefix("http://127.0.0.1:")
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("tryg serve printed a loopback URL, not {url:?}"));
        Server { child, url, port }
    }

    /// The path and query of the printed URL (`/login?token=…`).
    fn login_path(&self) -> String {
        self.url[self.url.find("/login").expect("a login path")..].to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer over plain HTTP/1.1.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Sends one request (`headers` as `Name: value` lines) and reads the answer.
fn http(port: u16, method: &str, path: &str, headers: &[String], body: &str) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers
        .iter()
        .any(|h| h.to_ascii_lowercase().starts_with("host:"))
    {
        request.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for h in headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    if method == "POST" {
        request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn decisions(db: &Path) -> usize {
    let out = run(tryg_in(&root())
        .args(["review", "--db"])
        .arg(db)
        .arg("export"));
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().count() - 1
}

#[test]
fn another_address_is_refused_without_the_unsafe_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let out = run(tryg_in(&root())
        .args(["serve", "--listen", "0.0.0.0", "--db"])
        .arg(&db));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let message = String::from_utf8(out.stderr).unwrap();
    assert!(
        message.contains("127.0.0.1 only") && message.contains("--unsafe-listen"),
        "{message}"
    );
    let out = run(tryg_in(&root()).args(["serve"]));
    assert_eq!(out.status.code(), Some(2), "no store");
    let out = run(tryg_in(dir.path()).args(["serve", "--db", "missing.db"]));
    assert_eq!(out.status.code(), Some(1), "a store that does not exist");
    assert!(
        !dir.path().join("missing.db").exists(),
        "and none is created"
    );
}

#[test]
fn every_request_without_the_session_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let server = Server::start(&db, &[]);
    let port = server.port;

    // Without the token's cookie: nothing but a refusal, with the headers.
    for path in ["/", "/runs", "/runs/2", "/persons/P013", "/nothing"] {
        let a = http(port, "GET", path, &[], "");
        assert_eq!(a.status, 403, "{path}");
        assert!(!a.body.contains("P013"), "{path} shows no person");
        let csp = a.header("content-security-policy").unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert_eq!(a.header("cache-control").as_deref(), Some("no-store"));
    }
    let a = http(port, "GET", "/login?token=0123", &[], "");
    assert_eq!(a.status, 403, "a wrong token");

    // Another Host (a DNS-rebinding page) is refused even with the token.
    let a = http(
        port,
        "GET",
        &server.login_path(),
        &[format!("Host: evil.example:{port}")],
        "",
    );
    assert_eq!(a.status, 403);

    // The token, once: a session cookie, HttpOnly and SameSite=Strict.
    let a = http(port, "GET", &server.login_path(), &[], "");
    assert_eq!(a.status, 303);
    let set_cookie = a.header("set-cookie").expect("a session cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let cookie = format!("Cookie: {}", set_cookie.split(';').next().unwrap());
    let again = http(port, "GET", &server.login_path(), &[], "");
    assert_eq!(again.status, 403, "the token works once");
    assert!(again.header("set-cookie").is_none());

    let agenda = http(port, "GET", "/runs/2", std::slice::from_ref(&cookie), "");
    assert_eq!(agenda.status, 200);
    assert!(agenda.body.contains("P013"));
    assert!(agenda.body.contains("Decision chain verified: 0 entries"));
    let csrf = agenda
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a CSRF token in the form")
        .to_string();
    let form = |csrf: &str| {
        format!("csrf={csrf}&person=P013&on=letter&decision=done&by=Ann+Holm&date=2026-11-23")
    };
    let origin = format!("Origin: http://127.0.0.1:{port}");

    // A form without the CSRF token, or with another, is refused.
    for body in [form("").replace("csrf=&", ""), form(&"0".repeat(64))] {
        let a = http(
            port,
            "POST",
            "/runs/2/decide",
            &[cookie.clone(), origin.clone()],
            &body,
        );
        assert_eq!(a.status, 403);
    }
    // A cross-origin POST, even with the cookie and token, is refused.
    for headers in [
        vec![cookie.clone(), "Origin: http://evil.example".to_string()],
        vec![cookie.clone(), "Origin: null".to_string()],
        vec![cookie.clone(), "Sec-Fetch-Site: cross-site".to_string()],
    ] {
        let a = http(port, "POST", "/runs/2/decide", &headers, &form(&csrf));
        assert_eq!(a.status, 403, "{headers:?}");
    }
    // And without the cookie.
    let a = http(
        port,
        "POST",
        "/runs/2/decide",
        std::slice::from_ref(&origin),
        &form(&csrf),
    );
    assert_eq!(a.status, 403);
    assert_eq!(decisions(&db), 0, "nothing refused was recorded");

    // A good form records, as `tryg review decide` would, and shows the row.
    let a = http(
        port,
        "POST",
        "/runs/2/decide",
        &[cookie.clone(), origin.clone()],
        &form(&csrf),
    );
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(
        a.header("location").as_deref(),
        Some("/runs/2?recorded=1#recorded")
    );
    assert_eq!(decisions(&db), 1);
    let shown = http(
        port,
        "GET",
        "/runs/2?recorded=1",
        std::slice::from_ref(&cookie),
        "",
    );
    assert!(shown.body.contains("Recorded as D1"), "{}", shown.body);
    assert!(shown.body.contains("Decision chain verified: 1 entry"));
    // A decision the run did not propose is refused with the store's reason.
    let a = http(
        port,
        "POST",
        "/runs/2/decide",
        &[cookie.clone(), origin.clone()],
        &format!("csrf={csrf}&person=P001&on=letter&decision=done&by=Ann"),
    );
    assert_eq!(a.status, 422);
    assert!(a.body.contains("proposed no letter for P001"), "{}", a.body);
    assert_eq!(decisions(&db), 1);

    // A person's page is logged with the session's label, never its secret.
    let a = http(
        port,
        "GET",
        "/persons/P013",
        std::slice::from_ref(&cookie),
        "",
    );
    assert_eq!(a.status, 200);
    assert!(a.body.contains("Ann Holm"));
    let mut store =
        tryg::store::Store::open(&tryg::store::Location::Sqlite(db.clone()), false).unwrap();
    let views = store.views_of("P013").unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].page, "person");
    assert!(views[0].session.ends_with(" #1"));
    assert!(!cookie.contains(&views[0].session));
    assert!(store.views_of("P014").unwrap().is_empty());
}

/// A registration flag (data-format.md, "Registration checks") reaches the
/// reviewer on the person's page, and only where there is one.
#[test]
fn a_registration_flag_is_shown_with_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let server = Server::start(&db, &[]);
    let a = http(server.port, "GET", &server.login_path(), &[], "");
    let cookie = format!(
        "Cookie: {}",
        a.header("set-cookie").unwrap().split(';').next().unwrap()
    );
    let flagged = http(
        server.port,
        "GET",
        "/persons/P032",
        std::slice::from_ref(&cookie),
        "",
    );
    assert_eq!(flagged.status, 200);
    assert!(
        flagged.body.contains("Check the registration first")
            && flagged
                .body
                .contains("event E0212 is a suspicion dated before the person turned 10"),
        "{}",
        flagged.body
    );
    let plain = http(server.port, "GET", "/persons/P013", &[cookie], "");
    assert_eq!(plain.status, 200);
    assert!(!plain.body.contains("class=\"flags\""), "{}", plain.body);
}

#[test]
fn the_pages_speak_danish_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let server = Server::start(&db, &["--lang", "da"]);
    let a = http(server.port, "GET", &server.login_path(), &[], "");
    let cookie = format!(
        "Cookie: {}",
        a.header("set-cookie").unwrap().split(';').next().unwrap()
    );
    let agenda = http(server.port, "GET", "/runs/2", &[cookie], "");
    assert!(agenda.body.contains("<html lang=\"da\">"));
    assert!(
        agenda
            .body
            .contains("Dagsorden for kørsel 2 pr. 2026-11-23")
    );
    assert!(agenda.body.contains("Registrér beslutningen"));
}

#[test]
fn the_meeting_records_a_decision_in_a_browser() {
    let Some(binary) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let server = Server::start(&db, &[]);
    let origin = format!("http://127.0.0.1:{}", server.port);

    let mut b = Browser::launch(&binary);
    b.goto(&server.url);
    assert_eq!(
        b.eval("location.pathname"),
        json!("/runs/2"),
        "the token leads to the latest run's agenda"
    );
    assert_eq!(
        b.eval("document.title"),
        json!("Agenda of run 2, as of 2026-11-23 · Confidential")
    );
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.notice')).borderTopStyle"),
        json!("solid"),
        "the stylesheet applied under the CSP"
    );
    // The sections in order, letters first in rank order.
    let sections = b.eval("Array.from(document.querySelectorAll('main > section')).map(s => s.id)");
    assert_eq!(
        sections,
        json!(["letters", "youth-board", "overdue", "changes", "rest"])
    );
    let first = b.eval("document.querySelector('#letters details .who').textContent");
    let first = first.as_str().unwrap().to_string();
    assert_eq!(first, "P013", "rank 1 of the sample batch's letters");
    assert!(
        b.eval("document.querySelectorAll('#changes tr.change').length")
            .as_u64()
            .unwrap()
            > 0,
        "what changed since the run a month before"
    );
    assert_eq!(b.problems(), Vec::<String>::new());

    // Opens to its reasons and evidence, and the form records the decision.
    b.enter_on("#letters details summary");
    let body = b.eval("document.querySelector('#letters details .body').innerText");
    let body = body.as_str().unwrap();
    assert!(body.contains("concern_letter.rhai:"), "{body}");
    assert!(body.contains("evidence E"), "{body}");
    let out = artefacts();
    b.send(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": false }),
    );
    b.eval("document.activeElement.blur(); window.scrollTo(0, 0)");
    b.screenshot(&out.join("meeting-agenda.png"));
    b.eval(
        "(() => { const f = document.querySelector('#letters details form'); \
         f.querySelector('input[name=decision][value=done]').checked = true; \
         const by = f.querySelectorAll('input[name=by]'); by[0].value = 'Ann Holm'; by[1].value = 'Bo Lund'; \
         f.querySelector('input[name=agency]').value = 'SSP'; \
         f.querySelector('textarea[name=note]').value = 'delivered by hand <b>'; \
         f.querySelector('input[name=date]').value = '2026-11-23'; })()",
    );
    let from = b.events.len();
    b.eval("document.querySelector('#letters details form button[type=submit]').click()");
    b.wait_for("Page.loadEventFired", from);
    let here = b.eval("location.pathname + location.search");
    assert_eq!(
        here,
        json!("/runs/2?recorded=1"),
        "{}",
        b.eval("document.querySelector('main').innerText")
    );
    let recorded = b.eval("document.getElementById('recorded').innerText");
    let recorded = recorded.as_str().unwrap();
    assert!(recorded.contains("Recorded as D1"), "{recorded}");
    assert!(recorded.contains("Ann Holm, Bo Lund"), "{recorded}");
    assert!(
        recorded.contains("delivered by hand <b>"),
        "escaped: {recorded}"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#letters details .who')[0].textContent"),
        json!("P039"),
        "the decided letter left the agenda; rank 2 leads"
    );
    b.eval("document.getElementById('recorded').scrollIntoView()");
    b.screenshot(&out.join("meeting-recorded.png"));
    let history = run(tryg_in(&root())
        .args(["review", "--db"])
        .arg(&db)
        .args(["history", "P013"]));
    let history = String::from_utf8(history.stdout).unwrap();
    assert!(
        history.contains("D1 · 2026-11-23 · run 2 · letter: done · by Ann Holm, Bo Lund"),
        "{history}"
    );
    assert!(history.contains("note: delivered by hand <b>"), "{history}");

    // The person's history page.
    b.goto(&format!("{origin}/persons/P013"));
    let text = b.eval("document.querySelector('main').innerText");
    assert!(text.as_str().unwrap().contains("D1, decided 2026-11-23"));
    assert_eq!(b.problems(), Vec::<String>::new());
    let outside: Vec<String> = b
        .requests()
        .into_iter()
        // data: URLs are Chromium's own (the date picker's icon): nothing leaves.
        .filter(|u| !u.starts_with(&format!("{origin}/")) && !u.starts_with("data:"))
        .collect();
    assert_eq!(outside, Vec::<String>::new(), "requests outside the server");

    // Refusals, in the browser: a request without the session cookie, a form
    // without its CSRF token, and a POST from another origin.
    b.goto(&format!("{origin}/runs/2"));
    let csrf = b.eval("document.querySelector('input[name=csrf]').value");
    b.enter_on("#letters details summary");
    b.eval(
        "(() => { const f = document.querySelector('#letters details form'); \
         f.querySelector('input[name=csrf]').remove(); \
         f.querySelector('input[name=decision][value=defer]').checked = true; \
         f.querySelector('input[name=by]').value = 'Ann Holm'; })()",
    );
    let from = b.events.len();
    b.eval("document.querySelector('#letters details form button[type=submit]').click()");
    b.wait_for("Page.loadEventFired", from);
    assert_eq!(
        b.eval("document.querySelector('h1').textContent"),
        json!("Refused")
    );
    let page = format!(
        "data:text/html,<form method=post action='{origin}/runs/2/decide'>\
         <input name=csrf value='{}'><input name=person value=P014><input name=on value=letter>\
         <input name=decision value=defer><input name=by value=Mallory></form>",
        csrf.as_str().unwrap()
    );
    b.goto(&page);
    let from = b.events.len();
    b.eval("document.forms[0].submit()");
    b.wait_for("Page.loadEventFired", from);
    let refused = b.eval("document.body.innerText");
    assert!(
        refused.as_str().unwrap().contains("Refused")
            || refused.as_str().unwrap().contains("Not signed in"),
        "{refused}"
    );
    // Without the session cookie, the agenda is refused.
    b.send("Network.clearBrowserCookies", json!({}));
    b.goto(&format!("{origin}/runs/2"));
    assert_eq!(
        b.eval("document.querySelector('h1').textContent"),
        json!("Not signed in")
    );
    assert_eq!(
        b.eval("document.body.innerText.includes('P013')"),
        json!(false)
    );
    assert_eq!(decisions(&db), 1, "nothing refused was recorded");
    assert_eq!(
        b.eval("window.__tryg.violations"),
        json!([]),
        "no CSP violation"
    );
}
