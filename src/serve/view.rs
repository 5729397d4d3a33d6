//! The meeting server's pages: the store's data shaped into what the
//! templates in `templates/` show, rendered by minijinja with HTML
//! auto-escaping on (every value from the store, the rules or a form is text,
//! never markup), in the server's language ([`crate::i18n`]; templates call
//! `t("message-id", name=value)`).
//!
//! Reasons and evidence come from the outcome documents the store keeps (SPEC
//! §3 JSON): each reason with its rule file and line, its effect, its words
//! and the event ids it rests on. The batch itself is not in the store, so
//! an event is shown by its id (and an action's triggering event by its
//! date, kind and code, which the store keeps).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::guard::{Session, content_security_policy};
use crate::i18n::{Arg, Messages};
use crate::store::changes::ChangeKind;
use crate::store::read::{HistoryItem, Pending, RunInfo, Section};
use crate::store::{Store, StoreError};
use crate::time::Date;

const STYLE: &str = include_str!("templates/serve.css");
const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("templates/layout.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("agenda.html", include_str!("templates/agenda.html")),
    ("runs.html", include_str!("templates/runs.html")),
    ("person.html", include_str!("templates/person.html")),
    ("refused.html", include_str!("templates/refused.html")),
];

/// What a decision form's submission came to, for the agenda page.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A plain view; `Some(seq)` after a decision was recorded (the redirect
    /// names it, and the page shows its chain row).
    Shown(Option<i64>),
    /// The form was refused, with the reason (nothing was written).
    Invalid(String),
}

/// The templates and the words, built once per server.
pub struct Views {
    env: Environment<'static>,
    messages: &'static Messages,
    /// The Content-Security-Policy of every answer.
    pub csp: String,
    store_name: String,
}

impl Views {
    /// The views in `messages`' language, for the store named `store_name`.
    ///
    /// # Panics
    /// When a template does not parse (a bug in tryg; a test renders every one).
    pub fn new(messages: &'static Messages, store_name: String) -> Views {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("the default syntax with trimmed blocks"),
        );
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("serve template {name}: {e:#}"));
        }
        crate::i18n::add_template_function(&mut env, messages);
        Views {
            env,
            messages,
            csp: content_security_policy(STYLE),
            store_name,
        }
    }

    /// One message in the server's language.
    pub fn text(&self, id: &str) -> String {
        self.messages.text(id)
    }

    fn render(&self, status: StatusCode, template: &str, ctx: impl Serialize) -> Response {
        let page = self.env.get_template(template).and_then(|t| {
            t.render(minijinja::context! {
                lang => self.messages.lang().tag(),
                style => STYLE,
                store => &self.store_name,
                page => minijinja::value::Serde(&ctx),
            })
        });
        match page {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("page template: {e:#}"),
            )
                .into_response(),
        }
    }

    /// A refusal: why, in a sentence (`message` is a message id).
    pub fn refused(&self, status: StatusCode, message: &str) -> Response {
        self.render(
            status,
            "refused.html",
            Refused {
                title: self.text(&format!("{message}-title")),
                message: self.text(message),
            },
        )
    }

    /// The store could not answer.
    pub fn store_error(&self, e: &StoreError) -> Response {
        let status = match e {
            StoreError::NoSuchRun(_) | StoreError::NoRuns | StoreError::RunPurged(_) => {
                StatusCode::NOT_FOUND
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        self.render(
            status,
            "refused.html",
            Refused {
                title: self.text("store-error-title"),
                message: e.to_string(),
            },
        )
    }

    /// The list of runs.
    pub fn runs(&self, store: &mut Store) -> Response {
        let runs = match store.runs() {
            Ok(r) => r,
            Err(e) => return self.store_error(&e),
        };
        let footer = footer(store);
        self.render(
            StatusCode::OK,
            "runs.html",
            RunsPage {
                runs: runs.iter().rev().map(RunView::of).collect(),
                footer,
            },
        )
    }

    /// A person's history (the caller has logged the view).
    pub fn person(&self, store: &mut Store, person: &str) -> Response {
        let items = match store.history(person) {
            Ok(i) => i,
            Err(e) => return self.store_error(&e),
        };
        let history = items
            .iter()
            .map(|item| match item {
                HistoryItem::Outcome { run, outcome } => HistoryView::Outcome {
                    run: RunView::of(run),
                    summary: summary(outcome),
                    status: outcome["status"].as_str().unwrap_or("").to_string(),
                    reasons: reasons(&outcome["explanation"]),
                    flags: flags(outcome),
                    error: outcome["error"].as_str().map(str::to_string),
                },
                HistoryItem::Decision(d) => HistoryView::Decision(DecisionView::of(d)),
            })
            .collect();
        let footer = footer(store);
        self.render(
            StatusCode::OK,
            "person.html",
            PersonPage {
                person: person.to_string(),
                history,
                footer,
            },
        )
    }

    /// The agenda of `run`, with its decision forms and what changed.
    pub fn agenda(
        &self,
        store: &mut Store,
        run: i64,
        session: &Session,
        today: Date,
        outcome: Outcome,
    ) -> Response {
        match self.agenda_page(store, run, session, today, outcome) {
            Ok((status, page)) => self.render(status, "agenda.html", page),
            Err(e) => self.store_error(&e),
        }
    }

    fn agenda_page(
        &self,
        store: &mut Store,
        run: i64,
        session: &Session,
        today: Date,
        outcome: Outcome,
    ) -> Result<(StatusCode, AgendaPage), StoreError> {
        let agenda = store.agenda(Some(run))?;
        let mut sections: Vec<SectionView> = [
            (Section::Letters, "letters"),
            (Section::YouthBoard, "youth-board"),
            (Section::Overdue, "overdue"),
            (Section::Rest, "rest"),
        ]
        .into_iter()
        .map(|(_, id)| SectionView {
            id,
            title: self.text(&format!("section-{id}")),
            empty: self.text(&format!("section-{id}-empty")),
            items: Vec::new(),
        })
        .collect();
        let mut documents: std::collections::HashMap<String, serde_json::Value> =
            std::collections::HashMap::new();
        for (i, pending) in agenda.items.iter().enumerate() {
            if !documents.contains_key(&pending.person_id) {
                let doc = store
                    .outcome_json(run, &pending.person_id)?
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or(serde_json::Value::Null);
                documents.insert(pending.person_id.clone(), doc);
            }
            let doc = &documents[&pending.person_id];
            let slot = match pending.section {
                Section::Letters => 0,
                Section::YouthBoard => 1,
                Section::Overdue => 2,
                Section::Rest => 3,
            };
            let item = self.item(i, pending, doc, agenda.run.id);
            sections[slot].items.push(item);
        }
        let rest = sections.pop().expect("four sections");
        let changes = store.changes(run)?;
        let changed: Vec<ChangeView> = changes
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
            .map(|c| ChangeView {
                person_id: c.person_id.clone(),
                kind: c.kind.as_str(),
                label: self.text(&format!("change-{}", c.kind.as_str())),
                from_level: c.from_level,
                level: c.level,
                evidence: c.evidence.clone(),
            })
            .collect();
        let gone = changes
            .no_longer_proposed
            .iter()
            .map(|g| GoneView {
                person_id: g.person_id.clone(),
                from_level: g.from_level,
                in_run: g.in_run,
            })
            .collect();
        let (status, recorded, error) = match outcome {
            Outcome::Shown(Some(seq)) => (StatusCode::OK, store.chain_entry(seq)?, None),
            Outcome::Shown(None) => (StatusCode::OK, None, None),
            Outcome::Invalid(message) => (StatusCode::UNPROCESSABLE_ENTITY, None, Some(message)),
        };
        let recorded = recorded.map(|e| RecordedView {
            decision: DecisionView::of(&e.decision),
            prev_hash: e.prev_hash,
        });
        let footer = footer(store);
        Ok((
            status,
            AgendaPage {
                run: RunView::of(&agenda.run),
                sections,
                rest,
                previous: changes.previous.as_ref().map(RunView::of),
                changes: changed,
                gone,
                recorded,
                error,
                csrf: session.csrf.clone(),
                today: today.format("%Y-%m-%d").to_string(),
                footer,
            },
        ))
    }

    fn item(&self, index: usize, p: &Pending, doc: &serde_json::Value, run: i64) -> ItemView {
        let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
        let (what, reasons_of) = match p.proposal.as_str() {
            "letter" => {
                let l = &doc["concern_letter"];
                let batch = l["in_batch"] == true;
                (
                    self.messages.format(
                        if batch {
                            "item-letter-batch"
                        } else {
                            "item-letter-later"
                        },
                        &[
                            ("rank", Arg::Number(l["rank"].as_f64().unwrap_or(0.0))),
                            ("priority", Arg::Text(l["priority"].to_string())),
                        ],
                    ),
                    reasons(&l["reasons"]),
                )
            }
            "youth_board" => {
                let y = &doc["youth_board"];
                (
                    self.messages.format(
                        "item-youth-board",
                        &[
                            ("route", Arg::Text(s(&y["route"]))),
                            ("limb", Arg::Text(s(&y["limb"]))),
                        ],
                    ),
                    reasons(&y["reasons"]),
                )
            }
            "level" => {
                let level = doc["level"].as_i64().unwrap_or(0);
                let effect = format!("level {level}");
                let list = doc["explanation"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|r| r["effect"].as_str() == Some(effect.as_str()))
                            .cloned()
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                (
                    self.messages.format(
                        "item-level",
                        &[
                            ("level", Arg::Number(level as f64)),
                            ("name", Arg::Text(s(&doc["level_name"]))),
                        ],
                    ),
                    reasons(&serde_json::Value::Array(list)),
                )
            }
            kind => {
                let action = doc["actions"]
                    .as_array()
                    .and_then(|a| a.iter().find(|a| a["kind"] == kind))
                    .cloned()
                    .unwrap_or(serde_json::Value::Null);
                let due = action["due"].as_str();
                let id = match (due, action["overdue"] == true) {
                    (Some(_), true) => "item-action-overdue",
                    (Some(_), false) => "item-action-due",
                    (None, _) => "item-action",
                };
                (
                    self.messages.format(
                        id,
                        &[
                            ("kind", Arg::Text(kind.to_string())),
                            ("due", Arg::Text(due.unwrap_or("").to_string())),
                        ],
                    ),
                    reasons(&action["reasons"]),
                )
            }
        };
        let decisions: &[&str] = match p.proposal.as_str() {
            "level" => &["accept", "reject", "defer", "close"],
            "youth_board" => &["accept", "reject", "defer"],
            _ => &["accept", "reject", "defer", "done"],
        };
        ItemView {
            anchor: format!("i{index}"),
            run,
            person_id: p.person_id.clone(),
            proposal: p.proposal.clone(),
            what,
            deferred: p.deferred,
            age: doc["age"].as_i64(),
            forum: s(&doc["forum"]),
            level: doc["level"].as_i64().unwrap_or(0),
            level_name: s(&doc["level_name"]),
            reasons: reasons_of,
            flags: flags(doc),
            decisions: decisions
                .iter()
                .map(|d| Choice {
                    value: d,
                    label: self.text(&format!("decision-{d}")),
                })
                .collect(),
            is_level: p.proposal == "level",
        }
    }
}

/// The proposals of an outcome in a line (tokens as the document has them).
fn summary(o: &serde_json::Value) -> Vec<String> {
    let s = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    if o["status"] != "proposed" {
        return vec![s(&o["status"])];
    }
    let mut out = vec![format!("{} {}", o["level"], s(&o["level_name"]))];
    if let Some(y) = o["youth_board"].as_object() {
        out.push(format!(
            "youth_board {} ({})",
            s(&y["route"]),
            s(&y["limb"])
        ));
    }
    if let Some(l) = o["concern_letter"].as_object() {
        out.push(format!("concern_letter #{}", l["rank"]));
    }
    for a in o["actions"].as_array().into_iter().flatten() {
        let mut text = s(&a["kind"]);
        if let Some(due) = a["due"].as_str() {
            text.push(' ');
            text.push_str(due);
        }
        out.push(text);
    }
    out
}

/// Reasons from a JSON list of SPEC §3 REASON objects.
fn reasons(list: &serde_json::Value) -> Vec<ReasonView> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let rule = r["rule"].as_str().unwrap_or("");
            let file = crate::screen::rule_file_name(rule);
            let line = r["line"].as_i64().unwrap_or(0);
            ReasonView {
                place: if line > 0 {
                    format!("{file}:{line}")
                } else {
                    file
                },
                effect: r["effect"].as_str().unwrap_or("").to_string(),
                text: r["text"].as_str().unwrap_or("").to_string(),
                evidence: r["evidence"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.as_str().map(str::to_string))
                    .collect(),
            }
        })
        .collect()
}

/// The registration flags' messages of an outcome document (SPEC §3
/// `warnings`); they name event ids and the check, never a value.
fn flags(outcome: &serde_json::Value) -> Vec<String> {
    outcome["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect()
}

/// `verify`'s result for the footer of every page.
fn footer(store: &mut Store) -> Footer {
    match store.verify(None) {
        Ok(v) => Footer {
            ok: v.problems.is_empty(),
            entries: v.entries,
            head: v.head.get(..12).unwrap_or(&v.head).to_string(),
            problems: v.problems.len(),
            failed: false,
        },
        Err(_) => Footer {
            ok: false,
            entries: 0,
            head: String::new(),
            problems: 0,
            failed: true,
        },
    }
}

#[derive(Serialize)]
struct Refused {
    title: String,
    message: String,
}

#[derive(Serialize)]
struct Footer {
    ok: bool,
    entries: i64,
    head: String,
    problems: usize,
    /// The chain could not be read at all.
    failed: bool,
}

#[derive(Serialize)]
struct RunView {
    id: i64,
    as_of: String,
    recorded_at: String,
    outcomes: i64,
    ruleset: String,
    municipalities: String,
    purged_on: Option<String>,
}

impl RunView {
    fn of(r: &RunInfo) -> RunView {
        RunView {
            id: r.id,
            as_of: r.as_of.clone(),
            recorded_at: r.recorded_at.clone(),
            outcomes: r.outcomes,
            ruleset: r
                .ruleset_digest
                .get(..12)
                .unwrap_or(&r.ruleset_digest)
                .to_string(),
            municipalities: r.municipalities.join(", "),
            purged_on: r.purged_on.clone(),
        }
    }
}

#[derive(Serialize)]
struct RunsPage {
    runs: Vec<RunView>,
    footer: Footer,
}

#[derive(Serialize)]
struct ReasonView {
    place: String,
    effect: String,
    text: String,
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: String,
}

#[derive(Serialize)]
struct ItemView {
    anchor: String,
    run: i64,
    person_id: String,
    proposal: String,
    what: String,
    deferred: bool,
    age: Option<i64>,
    forum: String,
    level: i64,
    level_name: String,
    reasons: Vec<ReasonView>,
    /// The person's registration flags (`outcome.warnings`, data-format.md):
    /// a reviewer checks the registration before deciding on it.
    flags: Vec<String>,
    decisions: Vec<Choice>,
    is_level: bool,
}

#[derive(Serialize)]
struct SectionView {
    id: &'static str,
    title: String,
    empty: String,
    items: Vec<ItemView>,
}

#[derive(Serialize)]
struct ChangeView {
    person_id: String,
    kind: &'static str,
    label: String,
    from_level: Option<i64>,
    level: i64,
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct GoneView {
    person_id: String,
    from_level: i64,
    in_run: bool,
}

#[derive(Serialize)]
struct DecisionView {
    seq: i64,
    run: Option<i64>,
    person_id: String,
    on: String,
    decision: String,
    level: Option<i64>,
    by: Vec<String>,
    agency: Option<String>,
    effort: Option<String>,
    note: Option<String>,
    date: String,
    recorded_at: String,
    hash: String,
    replaces: Option<i64>,
    replaced_by: Option<i64>,
    event: Option<String>,
}

impl DecisionView {
    fn of(d: &crate::store::read::DecisionRow) -> DecisionView {
        DecisionView {
            seq: d.seq,
            run: d.run_id,
            person_id: d.person_id.clone(),
            on: d.proposal.clone(),
            decision: d.decision.clone(),
            level: d.level,
            by: d.by.clone(),
            agency: d.agency.clone(),
            effort: d.effort.clone(),
            note: d.note.clone(),
            date: d.decided_on.clone(),
            recorded_at: d.recorded_at.clone(),
            hash: d.hash.clone(),
            replaces: d.replaces,
            replaced_by: d.replaced_by,
            event: d.event_id.as_ref().map(|id| {
                let mut text = id.clone();
                for part in [&d.event_date, &d.event_kind, &d.event_code]
                    .into_iter()
                    .flatten()
                {
                    text.push(' ');
                    text.push_str(part);
                }
                text
            }),
        }
    }
}

#[derive(Serialize)]
struct RecordedView {
    decision: DecisionView,
    prev_hash: String,
}

#[derive(Serialize)]
struct AgendaPage {
    run: RunView,
    sections: Vec<SectionView>,
    rest: SectionView,
    previous: Option<RunView>,
    changes: Vec<ChangeView>,
    gone: Vec<GoneView>,
    recorded: Option<RecordedView>,
    error: Option<String>,
    csrf: String,
    today: String,
    footer: Footer,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum HistoryView {
    Outcome {
        run: RunView,
        summary: Vec<String>,
        status: String,
        reasons: Vec<ReasonView>,
        flags: Vec<String>,
        error: Option<String>,
    },
    Decision(DecisionView),
}

#[derive(Serialize)]
struct PersonPage {
    person: String,
    history: Vec<HistoryView>,
    footer: Footer,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_cannot_close_its_element() {
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }

    #[test]
    fn every_template_parses_in_both_languages() {
        for lang in [crate::i18n::Lang::En, crate::i18n::Lang::Da] {
            let views = Views::new(Messages::of(lang), "register.db".into());
            let page = views.refused(StatusCode::FORBIDDEN, "refused-session");
            assert_eq!(page.status(), StatusCode::FORBIDDEN);
        }
    }
}
