//! Who may talk to the meeting server, and what every answer carries.
//!
//! - **One-time token.** The server makes a random 256-bit token at start;
//!   the URL it prints carries it (`/login?token=…`). The first request with
//!   it gets a session cookie and the token is spent: the URL is worthless
//!   after, in a browser history or on a screen photographed.
//! - **Session cookie.** 256 random bits, `HttpOnly` (no script reads it),
//!   `SameSite=Strict` (no other site's page sends it), `Path=/`, named with
//!   the port (cookies are shared across a host's ports; two servers must not
//!   overwrite each other's). It lives as long as the server does. Every
//!   request but the token's own is refused without it.
//! - **Host.** Only `127.0.0.1:PORT` and `localhost:PORT` are answered (a
//!   DNS-rebinding page names another host).
//! - **Forms.** Every POST carries the session's CSRF token (random, compared
//!   in constant time), and is refused when `Sec-Fetch-Site` is present and
//!   not `same-origin`, or `Origin` names another origin (see
//!   [`Gate::same_origin`]).
//! - **Headers.** Every answer carries a Content-Security-Policy that allows
//!   the page's one inline stylesheet by hash and nothing else (no script,
//!   image, font or frame; forms post only to this server),
//!   `Cache-Control: no-store`, `Referrer-Policy: no-referrer`,
//!   `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` and
//!   `Cross-Origin-Opener-Policy`/`-Resource-Policy: same-origin`.
//!
//! Secrets are compared by [`same`], in time independent of where they differ.

use std::collections::HashMap;

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// 32 random bytes as 64 lower-case hex digits, from the operating system.
///
/// # Panics
/// When the operating system has no random source (then no token is safe).
pub fn secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether two secrets are equal, in time that does not depend on where
/// they first differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `sha256-<base64>` of an inline element's text, as CSP hashes it.
pub fn csp_hash(text: &str) -> String {
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

/// The Content-Security-Policy of every page: its one stylesheet by hash,
/// forms to this server, nothing else.
pub fn content_security_policy(style: &str) -> String {
    format!(
        "default-src 'none'; style-src '{}'; img-src 'none'; script-src 'none'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        csp_hash(style)
    )
}

/// A browser session, made when the one-time token is exchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The public label the access log records (not the cookie's secret).
    pub label: String,
    /// The token every form of this session carries.
    pub csrf: String,
}

/// The server's secrets: the unspent token and the sessions.
#[derive(Debug)]
pub struct Gate {
    token: Option<String>,
    /// Cookie secret → session.
    sessions: HashMap<String, Session>,
    started: String,
    port: u16,
    /// `host:port` values answered; origins are these after `http://`.
    authorities: Vec<String>,
}

impl Gate {
    /// A gate with a fresh one-time token, for a server on `port` answering
    /// the `Host` values `authorities` (`127.0.0.1:PORT`, `localhost:PORT`),
    /// started at `started` (RFC 3339; part of each session's label).
    pub fn new(port: u16, authorities: Vec<String>, started: &str) -> Gate {
        Gate {
            token: Some(secret()),
            sessions: HashMap::new(),
            started: started.to_string(),
            port,
            authorities,
        }
    }

    /// The token, while unspent (for the URL the command prints).
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The cookie's name: `tryg_session_PORT`.
    pub fn cookie_name(&self) -> String {
        format!("tryg_session_{}", self.port)
    }

    /// Spends the token when `given` is it: a new session, and its cookie
    /// secret. `None` when the token is wrong or spent.
    pub fn exchange(&mut self, given: &str) -> Option<(String, Session)> {
        let token = self.token.as_deref()?;
        if !same(token, given) {
            return None;
        }
        self.token = None;
        let secret = secret();
        let session = Session {
            label: format!("{} #{}", self.started, self.sessions.len() + 1),
            csrf: secret_csrf(),
        };
        self.sessions.insert(secret.clone(), session.clone());
        Some((secret, session))
    }

    /// The session whose cookie secret is `given`.
    pub fn session(&self, given: &str) -> Option<&Session> {
        // Every stored secret is compared, in constant time each.
        self.sessions
            .iter()
            .find(|(secret, _)| same(secret, given))
            .map(|(_, s)| s)
    }

    /// The `Set-Cookie` value for a session's secret.
    pub fn set_cookie(&self, secret: &str) -> String {
        format!(
            "{}={secret}; HttpOnly; SameSite=Strict; Path=/",
            self.cookie_name()
        )
    }

    /// The cookie secret in a `Cookie` header, if it names this server's.
    pub fn cookie_in(&self, header: &str) -> Option<String> {
        let name = self.cookie_name();
        header.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    }

    /// The `Host` values this server answers.
    pub fn host_allowed(&self, host: &str) -> bool {
        self.authorities.iter().any(|a| a == host)
    }

    /// Whether a POST's `Sec-Fetch-Site` and `Origin` headers say it comes
    /// from this server's own pages. A browser's `Sec-Fetch-Site` decides
    /// when present (it must be `same-origin`; the pages' `no-referrer`
    /// policy makes Chromium send `Origin: null` on their own forms); without
    /// it, an `Origin` must be this server's.
    pub fn same_origin(&self, origin: Option<&str>, fetch_site: Option<&str>) -> bool {
        let ours = |o: &str| {
            o.strip_prefix("http://")
                .is_some_and(|a| self.authorities.iter().any(|x| x == a))
        };
        match fetch_site {
            Some(site) => site == "same-origin" && origin.is_none_or(|o| o == "null" || ours(o)),
            None => origin.is_none_or(ours),
        }
    }
}

fn secret_csrf() -> String {
    secret()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(port: u16) -> Vec<String> {
        vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")]
    }

    #[test]
    fn the_token_is_spent_on_first_use() {
        let mut gate = Gate::new(8123, local(8123), "2026-11-25T10:00:00Z");
        let token = gate.token().unwrap().to_string();
        assert_eq!(token.len(), 64);
        assert!(gate.exchange("wrong").is_none());
        let (secret, session) = gate.exchange(&token).expect("the token works once");
        assert!(gate.exchange(&token).is_none(), "and never again");
        assert_eq!(gate.token(), None);
        assert_eq!(gate.session(&secret), Some(&session));
        assert_eq!(gate.session(&token), None);
        assert_ne!(session.csrf, secret);
        assert_eq!(session.label, "2026-11-25T10:00:00Z #1");
        let cookie = gate.set_cookie(&secret);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        assert_eq!(
            gate.cookie_in(&format!("other=1; tryg_session_8123={secret}")),
            Some(secret)
        );
        assert_eq!(gate.cookie_in("tryg_session_9999=x"), None);
    }

    #[test]
    fn hosts_and_origins() {
        let gate = Gate::new(8123, local(8123), "t");
        assert!(gate.host_allowed("127.0.0.1:8123"));
        assert!(gate.host_allowed("localhost:8123"));
        assert!(!gate.host_allowed("evil.example:8123"));
        assert!(!gate.host_allowed("127.0.0.1:8124"));
        assert!(gate.same_origin(None, None));
        assert!(gate.same_origin(Some("http://127.0.0.1:8123"), Some("same-origin")));
        assert!(!gate.same_origin(Some("http://evil.example"), None));
        assert!(!gate.same_origin(Some("null"), None));
        assert!(!gate.same_origin(None, Some("cross-site")));
        assert!(!gate.same_origin(None, Some("same-site")));
        assert!(gate.same_origin(Some("null"), Some("same-origin")));
        assert!(!gate.same_origin(Some("http://evil.example"), Some("same-origin")));
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        assert_ne!(secret(), secret());
    }
}
