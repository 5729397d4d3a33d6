//! `tryg serve`: the coordination meeting in the browser (issue 18). A
//! small web application over the case register, for the people at the
//! meeting who look at one screen together: the agenda of a run, each item
//! opening to its reasons and evidence with a form that records the
//! decision exactly as `tryg review decide` does; a person's history; the
//! runs; and the decision chain's check on every page.
//!
//! **Who can reach it** is [`guard`]'s: loopback only (another address only
//! when the command is told `--unsafe-listen`), a one-time token exchanged
//! for a session cookie, CSRF tokens on forms, same-origin POSTs, a strict
//! Content-Security-Policy. **What it shows** is [`view`]'s: minijinja
//! templates in `templates/` with HTML auto-escaping, as the reviewers'
//! report; no script at all (the items open with `<details>`), one inline
//! stylesheet allowed by its hash.
//!
//! **Crates.** `axum` on a one-thread `tokio` runtime. The store is
//! synchronous (rusqlite, the blocking `postgres` client) and is reached
//! behind a mutex on tokio's blocking threads, one request at a time: a
//! meeting is a handful of people on one screen.
//!
//! **Access log.** Every view of a person's page is written to the store's
//! `access_log` with the session's label and the time ([`crate::store::access`]).
//! Agenda items show the proposal's own reasons, not the person's whole
//! record, and are not logged one by one.
//!
//! Nothing here prints: the command prints the URL [`Bound::url`] gives.

pub mod guard;
pub mod view;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::i18n::{Lang, Messages};
use crate::store::decide::{Decision, Request as DecideRequest};
use crate::store::{Location, Store, StoreError};
use crate::time::Date;
use guard::{Gate, Session};
use view::Views;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address is not a loopback address and `--unsafe-listen` was not given.
    #[error(
        "tryg serve listens on 127.0.0.1 only: the pages hold criminal-record data on children, and on another address anyone who can reach this machine could try the server. To listen on {0} anyway (a machine of its own on a closed network), add --unsafe-listen"
    )]
    NotLoopback(IpAddr),
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The address could not be bound, or the server failed.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The runtime or the server stopped with an error.
    #[error("the server stopped: {0}")]
    Stopped(std::io::Error),
}

/// Refuses an address that is not loopback unless `unsafe_listen`.
///
/// # Errors
/// [`ServeError::NotLoopback`].
pub fn check_address(ip: IpAddr, unsafe_listen: bool) -> Result<(), ServeError> {
    if ip.is_loopback() || unsafe_listen {
        Ok(())
    } else {
        Err(ServeError::NotLoopback(ip))
    }
}

/// What the server needs, resolved by the command.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The store (it must exist: `tryg screen --db` makes it).
    pub location: Location,
    /// Where to listen; port 0 picks a free one. Checked with [`check_address`].
    pub addr: SocketAddr,
    /// The pages' language.
    pub lang: Lang,
    /// Today's date (the default and the latest date of a decision).
    pub today: fn() -> Date,
}

/// A server bound to its address, not yet serving.
pub struct Bound {
    listener: TcpListener,
    app: Arc<App>,
    url: String,
}

/// The server's shared state.
struct App {
    store: Mutex<Store>,
    gate: Mutex<Gate>,
    views: Views,
    today: fn() -> Date,
}

/// Opens the store and binds the address; the URL with the one-time token
/// is then [`Bound::url`].
///
/// # Errors
/// [`ServeError::Store`] when the store is missing or unreadable,
/// [`ServeError::Listen`] when the address cannot be bound.
pub fn bind(settings: Settings) -> Result<Bound, ServeError> {
    let store = Store::open(&settings.location, false)?;
    let listener = TcpListener::bind(settings.addr).map_err(|source| ServeError::Listen {
        addr: settings.addr,
        source,
    })?;
    let local = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: settings.addr,
        source,
    })?;
    listener
        .set_nonblocking(true)
        .map_err(ServeError::Stopped)?;
    let mut authorities = vec![
        format!("127.0.0.1:{}", local.port()),
        format!("localhost:{}", local.port()),
    ];
    if !local.ip().is_loopback() {
        authorities.push(local.to_string());
    }
    let host = if local.ip().is_unspecified() || local.ip().is_loopback() {
        format!("127.0.0.1:{}", local.port())
    } else {
        local.to_string()
    };
    let gate = Gate::new(local.port(), authorities, &crate::store::now());
    let url = format!(
        "http://{host}/login?token={}",
        gate.token().expect("a new gate has its token")
    );
    let app = App {
        store: Mutex::new(store),
        gate: Mutex::new(gate),
        views: Views::new(Messages::of(settings.lang), settings.location.describe()),
        today: settings.today,
    };
    Ok(Bound {
        listener,
        app: Arc::new(app),
        url,
    })
}

impl Bound {
    /// The URL to open: this server with its one-time token.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Serves until the process is interrupted (Ctrl-C).
    ///
    /// # Errors
    /// [`ServeError::Stopped`] when the runtime cannot start or the server fails.
    pub fn run(self) -> Result<(), ServeError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(ServeError::Stopped)?;
        runtime.block_on(async move {
            let listener =
                tokio::net::TcpListener::from_std(self.listener).map_err(ServeError::Stopped)?;
            axum::serve(listener, router(self.app))
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(ServeError::Stopped)
        })
    }
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/runs", get(runs))
        .route("/runs/{run}", get(agenda))
        .route("/runs/{run}/decide", post(decide))
        .route("/persons/{person}", get(person))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), guard_layer))
        .with_state(app)
}

/// Runs `work` on a blocking thread with the app (the store is synchronous).
async fn blocking(app: Arc<App>, work: impl FnOnce(&App) -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(move || work(&app))
        .await
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, text.to_string()).into_response()
}

/// Every request passes here: the host, the session, the origin of a
/// POST; every answer gets the security headers.
async fn guard_layer(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let mut response = match admit(&app, &mut request) {
        Ok(()) => next.run(request).await,
        Err(refused) => *refused,
    };
    secure(response.headers_mut(), &app.views.csp);
    response
}

/// Lets a request through (`Ok`) or answers it with a refusal.
fn admit(app: &App, request: &mut Request) -> Result<(), Box<Response>> {
    let headers = request.headers();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let gate = app.gate.lock().unwrap_or_else(|e| e.into_inner());
    if !text(header::HOST).is_some_and(|h| gate.host_allowed(h)) {
        return Err(Box::new(
            app.views.refused(StatusCode::FORBIDDEN, "refused-host"),
        ));
    }
    if request.uri().path() == "/login" {
        return Ok(());
    }
    let session = text(header::COOKIE)
        .and_then(|c| gate.cookie_in(c))
        .and_then(|secret| gate.session(&secret).cloned());
    let Some(session) = session else {
        return Err(Box::new(
            app.views.refused(StatusCode::FORBIDDEN, "refused-session"),
        ));
    };
    if request.method() == Method::POST
        && !gate.same_origin(
            text(header::ORIGIN),
            headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        )
    {
        return Err(Box::new(
            app.views
                .refused(StatusCode::FORBIDDEN, "refused-cross-origin"),
        ));
    }
    drop(gate);
    request.extensions_mut().insert(session);
    Ok(())
}

fn secure(headers: &mut HeaderMap, csp: &str) {
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set("content-security-policy", csp);
    set("cache-control", "no-store");
    set("referrer-policy", "no-referrer");
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    set("cross-origin-opener-policy", "same-origin");
    set("cross-origin-resource-policy", "same-origin");
    set("x-robots-tag", "noindex, nofollow");
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    token: Option<String>,
}

async fn login(State(app): State<Arc<App>>, Query(q): Query<LoginQuery>) -> Response {
    let mut gate = app.gate.lock().unwrap_or_else(|e| e.into_inner());
    match q.token.as_deref().and_then(|t| gate.exchange(t)) {
        Some((secret, _)) => {
            let cookie = gate.set_cookie(&secret);
            let mut response = Redirect::to("/").into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        None => app.views.refused(StatusCode::FORBIDDEN, "refused-token"),
    }
}

async fn not_found(State(app): State<Arc<App>>) -> Response {
    app.views.refused(StatusCode::NOT_FOUND, "not-found")
}

async fn home(State(app): State<Arc<App>>) -> Response {
    blocking(app, |app| {
        let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        match store.runs() {
            Ok(runs) => match runs.last() {
                Some(run) => Redirect::to(&format!("/runs/{}", run.id)).into_response(),
                None => Redirect::to("/runs").into_response(),
            },
            Err(e) => app.views.store_error(&e),
        }
    })
    .await
}

async fn runs(State(app): State<Arc<App>>) -> Response {
    blocking(app, |app| {
        let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        app.views.runs(&mut store)
    })
    .await
}

#[derive(serde::Deserialize)]
struct AgendaQuery {
    recorded: Option<i64>,
}

async fn agenda(
    State(app): State<Arc<App>>,
    Path(run): Path<String>,
    Query(q): Query<AgendaQuery>,
    axum::Extension(session): axum::Extension<Session>,
) -> Response {
    let Ok(run) = run.parse::<i64>() else {
        return app.views.refused(StatusCode::NOT_FOUND, "not-found");
    };
    blocking(app, move |app| {
        let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let today = (app.today)();
        app.views.agenda(
            &mut store,
            run,
            &session,
            today,
            view::Outcome::Shown(q.recorded),
        )
    })
    .await
}

async fn person(
    State(app): State<Arc<App>>,
    Path(person): Path<String>,
    axum::Extension(session): axum::Extension<Session>,
) -> Response {
    blocking(app, move |app| {
        let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        if crate::store::check_person_id(&person).is_err() {
            return app.views.refused(StatusCode::NOT_FOUND, "not-found");
        }
        if let Err(e) = store.log_view(&session.label, &person, "person") {
            return app.views.store_error(&e);
        }
        app.views.person(&mut store, &person)
    })
    .await
}

/// The decision form's fields, read from an urlencoded body (`by` repeats,
/// which serde's urlencoded reader cannot collect).
#[derive(Debug, Default)]
struct DecisionForm {
    csrf: String,
    person: String,
    on: String,
    decision: String,
    by: Vec<String>,
    agency: String,
    effort: String,
    level: String,
    note: String,
    date: String,
}

impl DecisionForm {
    fn parse(body: &[u8]) -> DecisionForm {
        let mut form = DecisionForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "csrf" => form.csrf = v,
                "person" => form.person = v,
                "on" => form.on = v,
                "decision" => form.decision = v,
                "by" => form.by.push(v),
                "agency" => form.agency = v,
                "effort" => form.effort = v,
                "level" => form.level = v,
                "note" => form.note = v,
                "date" => form.date = v,
                _ => {}
            }
        }
        form
    }

    /// The request `tryg review decide` would make of the same values, or
    /// the message id of what is wrong.
    fn request(&self, run: i64, today: Date) -> Result<DecideRequest, &'static str> {
        let decision = match self.decision.as_str() {
            "accept" => Decision::Accept,
            "reject" => Decision::Reject,
            "defer" => Decision::Defer,
            "done" => Decision::Done,
            "close" => Decision::Close,
            _ => return Err("form-no-decision"),
        };
        let optional = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        let level = match self.level.trim() {
            "" => None,
            l => Some(l.parse::<u8>().map_err(|_| "form-bad-level")?),
        };
        let date = match self.date.trim() {
            "" => today,
            d => crate::time::parse_date(d).ok_or("form-bad-date")?,
        };
        Ok(DecideRequest {
            person_id: self.person.trim().to_string(),
            run: Some(run),
            proposal: self.on.trim().to_string(),
            decision,
            by: self
                .by
                .iter()
                .map(|b| b.trim().to_string())
                .filter(|b| !b.is_empty())
                .collect(),
            agency: optional(&self.agency),
            effort: optional(&self.effort),
            level,
            note: optional(&self.note),
            date,
            replaces: None,
        })
    }
}

async fn decide(
    State(app): State<Arc<App>>,
    Path(run): Path<String>,
    axum::Extension(session): axum::Extension<Session>,
    body: Bytes,
) -> Response {
    let Ok(run) = run.parse::<i64>() else {
        return app.views.refused(StatusCode::NOT_FOUND, "not-found");
    };
    let form = DecisionForm::parse(&body);
    if !guard::same(&form.csrf, &session.csrf) {
        return app.views.refused(StatusCode::FORBIDDEN, "refused-csrf");
    }
    blocking(app, move |app| {
        let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let today = (app.today)();
        let outcome = match form.request(run, today) {
            Err(message) => view::Outcome::Invalid(app.views.text(message)),
            Ok(request) => match store.decide(&request, today) {
                Ok(appended) => {
                    return Redirect::to(&format!(
                        "/runs/{run}?recorded={}#recorded",
                        appended.seq
                    ))
                    .into_response();
                }
                Err(e) => view::Outcome::Invalid(e.to_string()),
            },
        };
        let mut page = app.views.agenda(&mut store, run, &session, today, outcome);
        if page.status() == StatusCode::OK {
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        }
        page
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_without_the_unsafe_flag() {
        assert!(check_address("127.0.0.1".parse().unwrap(), false).is_ok());
        assert!(check_address("::1".parse().unwrap(), false).is_ok());
        let refused = check_address("0.0.0.0".parse().unwrap(), false).unwrap_err();
        assert!(refused.to_string().contains("--unsafe-listen"));
        assert!(check_address("192.0.2.1".parse().unwrap(), true).is_ok());
    }

    #[test]
    fn the_form_reads_repeated_names_and_defaults_the_date() {
        let form = DecisionForm::parse(
            b"csrf=x&person=P013&on=letter&decision=done&by=Ann+Holm&by=&by=Bo%20Lund&note=a%26b&date=",
        );
        assert_eq!(form.by, ["Ann Holm", "", "Bo Lund"]);
        let today = crate::time::parse_date("2026-11-25").unwrap();
        let r = form.request(1, today).unwrap();
        assert_eq!(r.by, ["Ann Holm", "Bo Lund"]);
        assert_eq!(r.note.as_deref(), Some("a&b"));
        assert_eq!(r.date, today);
        assert_eq!(r.decision, Decision::Done);
        assert_eq!(r.run, Some(1));
        let bad = DecisionForm::parse(b"decision=maybe");
        assert_eq!(bad.request(1, today).unwrap_err(), "form-no-decision");
        let bad = DecisionForm::parse(b"decision=accept&date=25/11/2026");
        assert_eq!(bad.request(1, today).unwrap_err(), "form-bad-date");
    }
}
