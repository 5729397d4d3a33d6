//! `--format html`: the reviewers' report. One self-contained page for the
//! coordination meeting: the run header and four charts at a glance, every
//! proposal in a sortable, filterable table whose rows open to their reasons,
//! and a meeting agenda that prints on its own.
//!
//! The page is rendered by minijinja from the templates in `html/`, with HTML
//! auto-escaping on: every value from the input or the rules reaches the page as
//! text, never as markup. Its only code is the inline stylesheet and script of
//! `html/`, allowed by a Content-Security-Policy that names their SHA-256 hashes
//! and nothing else, so nothing from outside can load or run. This module only
//! shapes the [`Report`] into what the templates show (rows, bars, agenda items);
//! it reads no clock, so the same report gives the same bytes.
//!
//! tryg's own words on the page come from [`crate::i18n`] (`html-*` messages,
//! `t(…)` in the template) in the language of `tryg screen --lang`; the
//! script takes its status line's words from data attributes. The rules'
//! texts, the data contract's tokens (routes, limbs, forums, action kinds,
//! effects) and the loader's warnings are shown as they are.

use std::collections::BTreeMap;
use std::io::{self, Write};

use base64::Engine as _;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::i18n::{Lang, Messages};
use crate::outcome::{Action, Outcome, Reason, Report, Status};
use crate::proposal::{Limb, Number, Proposal, Route};

const TEMPLATE: &str = include_str!("html/report.html");
const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Writes the page for `report`, tryg's own words in `lang` (the rules'
/// texts and the data contract's tokens as they are).
pub fn render(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let m = Messages::of(lang);
    let page = Page::new(report, m);
    let mut env = Environment::new();
    // Everything is escaped for HTML, whatever the template's name.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // `t(id, name=value, …)`: a message of i18n/*.ftl; `level_name(name)`:
    // a level's name in words.
    crate::i18n::add_template_function(&mut env, m);
    env.add_function("level_name", move |name: String| m.level_name(&name));
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(template_error)?,
    );
    env.add_template("report.html", TEMPLATE)
        .map_err(template_error)?;
    let html = env
        .get_template("report.html")
        .and_then(|t| t.render(Serde(&page)))
        .map_err(template_error)?;
    out.write_all(html.as_bytes())?;
    out.write_all(b"\n")
}

fn template_error(e: minijinja::Error) -> io::Error {
    io::Error::other(format!("html template: {e:#}"))
}

/// Who a letter is to, for the page: the recipients' tokens joined by "and"
/// in the page's language.
fn recipients(m: &Messages, tokens: &[crate::proposal::Recipient]) -> String {
    let tokens: Vec<&str> = tokens.iter().map(|r| r.as_str()).collect();
    tokens.join(&format!(" {} ", m.text("html-and")))
}

/// The Content-Security-Policy of the page: nothing may load, and only the
/// page's own stylesheet and script (by hash) may apply or run.
fn content_security_policy(style: &str, script: &str) -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src 'none'; \
         base-uri 'none'; form-action 'none'",
        csp_hash(style),
        csp_hash(script)
    )
}

/// `sha256-<base64>` of an inline element's text, as CSP hashes it.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Everything the template shows.
#[derive(Serialize)]
struct Page<'a> {
    /// The page's language: `en` or `da`.
    lang: &'static str,
    csp: String,
    style: &'static str,
    script: &'static str,
    run: RunView<'a>,
    charts: Vec<Chart>,
    rows: Vec<Row<'a>>,
    filters: Filters<'a>,
    agenda: Agenda<'a>,
    out_of_scope: Vec<Other<'a>>,
    errors: Vec<Other<'a>>,
    /// The run's warnings: `incomplete` (a banner of its own) and the rest.
    incomplete: Option<&'a crate::load::Warning>,
    warnings: Vec<&'a crate::load::Warning>,
    /// Screened persons per level and proposals by municipality and district.
    areas: Vec<AreaView<'a>>,
    /// Every registration flag, by person in input order.
    flags: Vec<FlagView<'a>>,
    /// With a case register: the chain head, the run compared with, and
    /// who is no longer proposed.
    register: Option<&'a crate::outcome::RegisterHeader>,
    /// Event id → date, kind, offence and category, for the evidence lists.
    events: &'a std::collections::BTreeMap<rhai::ImmutableString, String>,
}

#[derive(Serialize)]
struct RunView<'a> {
    as_of: String,
    tool_version: &'a str,
    ruleset_digest: &'a str,
    ruleset_short: &'a str,
    persons_digest: &'a str,
    events_digest: &'a str,
    municipalities: String,
    persons: usize,
    events: usize,
    screened: usize,
    /// Highest level first.
    by_level: Vec<LevelCount<'a>>,
    out_of_scope: usize,
    errors: usize,
    flags: usize,
    youth_board: usize,
    letters: usize,
    letters_in_batch: usize,
    actions: usize,
    overdue: usize,
}

#[derive(Serialize)]
struct LevelCount<'a> {
    level: usize,
    name: &'a str,
    count: usize,
}

/// One registration flag: whose, which check, which event, and why.
#[derive(Serialize)]
struct FlagView<'a> {
    id: &'a str,
    code: &'static str,
    event: &'a str,
    message: &'a str,
}

impl<'a> FlagView<'a> {
    fn new(o: &'a Outcome, f: &'a crate::registration::Flagged) -> FlagView<'a> {
        FlagView {
            id: &o.person_id,
            code: f.code.as_str(),
            event: &f.event_id,
            message: &f.message,
        }
    }
}

/// One area's row of the table by municipality and district.
#[derive(Serialize)]
struct AreaView<'a> {
    municipality: &'a str,
    district: &'a str,
    screened: usize,
    /// Per level, highest first (the run header's order).
    levels: Vec<usize>,
    youth_board: usize,
    letters: usize,
    actions: usize,
}

impl<'a> AreaView<'a> {
    fn new(a: &'a crate::outcome::AreaCounts) -> AreaView<'a> {
        AreaView {
            municipality: &a.municipality,
            district: a.district.as_deref().unwrap_or(""),
            screened: a.screened(),
            levels: a.by_level.0.iter().rev().map(|(_, n)| *n).collect(),
            youth_board: a.youth_board,
            letters: a.concern_letters,
            actions: a.actions,
        }
    }
}

impl<'a> Page<'a> {
    fn new(report: &'a Report, m: &Messages) -> Page<'a> {
        let run = &report.run;
        let c = &run.counts;
        let outcomes = &report.outcomes;
        let letters_in_batch = outcomes
            .iter()
            .filter(|o| o.concern_letter.as_ref().is_some_and(|l| l.in_batch))
            .count();
        let actions = outcomes.iter().map(|o| o.actions.len()).sum();
        let overdue = outcomes
            .iter()
            .flat_map(|o| &o.actions)
            .filter(|a| a.overdue)
            .count();
        let run_view = RunView {
            as_of: run.as_of.format("%Y-%m-%d").to_string(),
            tool_version: run.tool_version,
            ruleset_digest: &run.ruleset_digest,
            ruleset_short: &run.ruleset_digest[..12.min(run.ruleset_digest.len())],
            persons_digest: &run.persons_digest,
            events_digest: &run.events_digest,
            municipalities: run.municipalities.join(", "),
            persons: c.persons,
            events: c.events,
            screened: c.by_level.0.iter().map(|(_, n)| n).sum(),
            by_level: c
                .by_level
                .0
                .iter()
                .enumerate()
                .rev()
                .map(|(level, (name, count))| LevelCount {
                    level,
                    name,
                    count: *count,
                })
                .collect(),
            out_of_scope: c.out_of_scope,
            errors: c.errors,
            flags: c.flags,
            youth_board: c.youth_board,
            letters: c.concern_letters,
            letters_in_batch,
            actions,
            overdue,
        };
        let rows: Vec<Row> = outcomes
            .iter()
            .filter(|o| o.status == Status::Proposed && o.has_proposal())
            .map(|o| {
                let uncited = report.events.uncited.get(&o.person_id);
                Row::new(
                    o,
                    c.concern_letters,
                    uncited.map_or(&[][..], Vec::as_slice),
                    m,
                )
            })
            .collect();
        let others = |status: Status| -> Vec<Other> {
            outcomes
                .iter()
                .filter(|o| o.status == status)
                .map(Other::new)
                .collect()
        };
        let incomplete = run.warnings.iter().find(|w| w.code == "incomplete");
        let warnings = run
            .warnings
            .iter()
            .filter(|w| w.code != "incomplete")
            .collect();
        let flags = outcomes
            .iter()
            .flat_map(|o| o.warnings.iter().map(move |f| FlagView::new(o, f)))
            .collect();
        Page {
            lang: m.lang().tag(),
            incomplete,
            warnings,
            areas: c.by_area.iter().map(AreaView::new).collect(),
            flags,
            csp: content_security_policy(STYLE, SCRIPT),
            style: STYLE,
            script: SCRIPT,
            charts: charts(report, &run_view, m),
            filters: Filters::new(&rows),
            agenda: Agenda::new(outcomes, c.errors, m),
            run: run_view,
            rows,
            out_of_scope: others(Status::OutOfScope),
            errors: others(Status::Error),
            register: report.run.register.as_ref(),
            events: &report.events.described,
        }
    }
}

/// Known values first, in their natural order; anything else a rule pack
/// produces follows alphabetically.
fn order_of(known: &[&str], value: &str) -> (usize, String) {
    match known.iter().position(|k| *k == value) {
        Some(i) => (i, String::new()),
        None => (known.len(), value.to_string()),
    }
}

const FORUMS: &[&str] = &["none", "SSP", "SSP+", "adult"];

// ---------------------------------------------------------------------------
// The proposals table

/// One person with a proposal: a row of the table and its explanation.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    age: String,
    forum: &'a str,
    forum_key: usize,
    level: u8,
    level_name: &'a str,
    route: &'a str,
    limb: &'a str,
    letter: Option<LetterView<'a>>,
    /// `batch`, `later` or empty: what the letter filter matches.
    letter_state: &'static str,
    /// Sort key of the letter column: the rank, or empty for none.
    letter_key: String,
    actions: Vec<ActionView<'a>>,
    overdue: bool,
    /// Sort key of the actions column: the earliest due date (`~` for an
    /// action without one), or empty for none.
    actions_key: String,
    /// With a case register: `new`, `escalated from 1`, …; else empty.
    change: String,
    /// What the change filter matches: the kind's token, or empty.
    change_kind: &'static str,
    /// Registration flags on the person's events.
    flags: Vec<FlagView<'a>>,
    why: Why<'a>,
}

#[derive(Serialize)]
struct LetterView<'a> {
    rank: usize,
    of: usize,
    priority: String,
    in_batch: bool,
    recipients: String,
    reasons: &'a [Reason],
    /// How the priority is made up, when the rule named its terms.
    breakdown: Vec<Term>,
}

#[derive(Serialize)]
struct Term {
    sign: &'static str,
    name: String,
    value: String,
}

#[derive(Serialize)]
struct ActionView<'a> {
    kind: &'a str,
    due: String,
    overdue: bool,
    reasons: &'a [Reason],
}

impl<'a> ActionView<'a> {
    fn new(a: &'a Action) -> ActionView<'a> {
        ActionView {
            kind: &a.kind,
            due: a
                .due
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            overdue: a.overdue,
            reasons: &a.reasons,
        }
    }
}

/// A person's explanation: what the host left out, then every reason.
#[derive(Serialize)]
struct Why<'a> {
    left_out: Vec<ReasonView<'a>>,
    reasons: Vec<ReasonView<'a>>,
    /// Usable events no reason cites: outside every window the rules used.
    uncited: Vec<&'a str>,
}

#[derive(Serialize)]
struct ReasonView<'a> {
    /// Where the rule is: `level2_crime.rhai` or `tryg.toml`, and the line
    /// (0: none), shown as `level2_crime.rhai line 14` in the page's words.
    file: String,
    line: usize,
    effect: String,
    text: &'a str,
    evidence: Vec<&'a str>,
}

impl<'a> ReasonView<'a> {
    fn new(r: &'a Reason) -> ReasonView<'a> {
        ReasonView {
            file: crate::screen::rule_file_name(&r.rule),
            line: r.line,
            effect: r.proposal.to_string(),
            text: &r.text,
            evidence: r.evidence.iter().map(|e| e.as_str()).collect(),
        }
    }
}

impl<'a> Why<'a> {
    fn new(reasons: &'a [Reason], uncited: &'a [rhai::ImmutableString]) -> Why<'a> {
        let (left_out, reasons): (Vec<&Reason>, Vec<&Reason>) = reasons
            .iter()
            .partition(|r| matches!(r.proposal, Proposal::LeftOut(_)));
        Why {
            left_out: left_out.into_iter().map(ReasonView::new).collect(),
            reasons: reasons.into_iter().map(ReasonView::new).collect(),
            uncited: uncited.iter().map(|e| e.as_str()).collect(),
        }
    }
}

impl<'a> Row<'a> {
    fn new(
        o: &'a Outcome,
        letters: usize,
        uncited: &'a [rhai::ImmutableString],
        m: &Messages,
    ) -> Row<'a> {
        let letter = o.concern_letter.as_ref().map(|l| LetterView {
            rank: l.rank,
            of: letters,
            priority: Number(l.priority).to_string(),
            in_batch: l.in_batch,
            recipients: recipients(m, &l.recipients),
            reasons: &l.reasons,
            breakdown: priority_breakdown(&l.priority_terms),
        });
        let actions_key = o
            .actions
            .iter()
            .map(|a| {
                a.due
                    .map_or("~".to_string(), |d| d.format("%Y-%m-%d").to_string())
            })
            .min()
            .unwrap_or_default();
        Row {
            id: &o.person_id,
            age: o.age.map(|a| a.to_string()).unwrap_or_default(),
            forum: &o.forum,
            forum_key: order_of(FORUMS, &o.forum).0,
            level: o.level,
            level_name: &o.level_name,
            route: o.youth_board.as_ref().map_or("", |b| b.route.as_str()),
            limb: o.youth_board.as_ref().map_or("", |b| b.limb.as_str()),
            letter_state: match &o.concern_letter {
                Some(l) if l.in_batch => "batch",
                Some(_) => "later",
                None => "",
            },
            letter_key: o
                .concern_letter
                .as_ref()
                .map(|l| l.rank.to_string())
                .unwrap_or_default(),
            letter,
            actions: o.actions.iter().map(ActionView::new).collect(),
            overdue: o.actions.iter().any(|a| a.overdue),
            actions_key,
            change: o.change.as_ref().map(|c| m.change(c)).unwrap_or_default(),
            change_kind: o.change.as_ref().map_or("", |c| c.kind.as_str()),
            flags: o.warnings.iter().map(|f| FlagView::new(o, f)).collect(),
            why: Why::new(&o.explanation, uncited),
        }
    }
}

/// How a letter's priority is made up, from the terms the rule named: each
/// term with its sign (`-` for a negative value) and its size.
fn priority_breakdown(terms: &[(rhai::ImmutableString, f64)]) -> Vec<Term> {
    terms
        .iter()
        .map(|(name, value)| Term {
            sign: if *value < 0.0 { "-" } else { "+" },
            name: name.replace('_', " "),
            value: Number(value.abs()).to_string(),
        })
        .collect()
}

/// The choices of the table's filters: the values present in its rows.
#[derive(Serialize)]
struct Filters<'a> {
    levels: Vec<(u8, &'a str)>,
    forums: Vec<&'a str>,
    routes: Vec<&'a str>,
}

impl<'a> Filters<'a> {
    fn new(rows: &[Row<'a>]) -> Filters<'a> {
        let mut levels: Vec<(u8, &str)> = rows.iter().map(|r| (r.level, r.level_name)).collect();
        levels.sort_by(|a, b| b.cmp(a));
        levels.dedup();
        let mut forums: Vec<&str> = rows.iter().map(|r| r.forum).collect();
        forums.sort_by_key(|f| order_of(FORUMS, f));
        forums.dedup();
        let mut routes: Vec<&str> = rows
            .iter()
            .map(|r| r.route)
            .filter(|r| !r.is_empty())
            .collect();
        routes.sort_by_key(|r| order_of(Route::TOKENS, r));
        routes.dedup();
        Filters {
            levels,
            forums,
            routes,
        }
    }
}

/// An out-of-scope or error outcome: who, and why.
#[derive(Serialize)]
struct Other<'a> {
    id: &'a str,
    age: String,
    forum: &'a str,
    error: &'a str,
    reasons: Vec<ReasonView<'a>>,
}

impl<'a> Other<'a> {
    fn new(o: &'a Outcome) -> Other<'a> {
        Other {
            id: &o.person_id,
            age: o.age.map(|a| a.to_string()).unwrap_or_default(),
            forum: &o.forum,
            error: o.error.as_deref().unwrap_or(""),
            reasons: o.explanation.iter().map(ReasonView::new).collect(),
        }
    }
}

// ---------------------------------------------------------------------------
// The meeting agenda

#[derive(Serialize)]
struct Agenda<'a> {
    letters: Vec<AgendaItem<'a>>,
    youth_board: Vec<AgendaItem<'a>>,
    overdue: Vec<AgendaItem<'a>>,
    /// Persons a rule failed for: missing from every list of the agenda.
    not_screened: Vec<&'a str>,
}

/// One proposal for the committee to decide on.
#[derive(Serialize)]
struct AgendaItem<'a> {
    id: &'a str,
    age: String,
    forum: &'a str,
    level: u8,
    level_name: &'a str,
    /// What is proposed, e.g. `concern letter #1, priority 6, to person`.
    what: String,
    reasons: Vec<ReasonView<'a>>,
    /// Registration flags on the person's events, to check before deciding.
    flags: Vec<FlagView<'a>>,
}

impl<'a> AgendaItem<'a> {
    fn new(o: &'a Outcome, what: String, reasons: &'a [Reason]) -> AgendaItem<'a> {
        AgendaItem {
            id: &o.person_id,
            age: o.age.map(|a| a.to_string()).unwrap_or_default(),
            forum: &o.forum,
            level: o.level,
            level_name: &o.level_name,
            what,
            reasons: reasons.iter().map(ReasonView::new).collect(),
            flags: o.warnings.iter().map(|f| FlagView::new(o, f)).collect(),
        }
    }
}

impl<'a> Agenda<'a> {
    fn new(outcomes: &'a [Outcome], errors: usize, m: &Messages) -> Agenda<'a> {
        let proposed = || outcomes.iter().filter(|o| o.status == Status::Proposed);
        let mut not_screened = Vec::with_capacity(errors);
        not_screened.extend(
            outcomes
                .iter()
                .filter(|o| o.status == Status::Error)
                .map(|o| o.person_id.as_str()),
        );

        let mut batch: Vec<(&Outcome, _)> = proposed()
            .filter_map(|o| o.concern_letter.as_ref().map(|l| (o, l)))
            .filter(|(_, l)| l.in_batch)
            .collect();
        batch.sort_by_key(|(_, l)| l.rank);
        let letters = batch
            .into_iter()
            .map(|(o, l)| {
                let what = m.format(
                    "html-item-letter",
                    &[
                        ("rank", l.rank.to_string().into()),
                        ("priority", Number(l.priority).to_string().into()),
                        ("recipients", recipients(m, &l.recipients).into()),
                    ],
                );
                AgendaItem::new(o, what, &l.reasons)
            })
            .collect();

        let mut board: Vec<(usize, &Outcome, _)> = proposed()
            .enumerate()
            .filter_map(|(i, o)| o.youth_board.as_ref().map(|b| (i, o, b)))
            .collect();
        board.sort_by_key(|(i, _, b)| (b.route, b.limb, *i));
        let youth_board = board
            .into_iter()
            .map(|(_, o, b)| {
                let what = m.format(
                    "html-item-youth-board",
                    &[
                        ("route", b.route.to_string().into()),
                        ("limb", b.limb.to_string().into()),
                    ],
                );
                AgendaItem::new(o, what, &b.reasons)
            })
            .collect();

        let mut overdue: Vec<(usize, &Outcome, &Action)> = proposed()
            .enumerate()
            .flat_map(|(i, o)| {
                o.actions
                    .iter()
                    .filter(|a| a.overdue)
                    .map(move |a| (i, o, a))
            })
            .collect();
        overdue.sort_by_key(|(i, _, a)| (a.due, *i));
        let overdue = overdue
            .into_iter()
            .map(|(_, o, a)| {
                let what = match a.due {
                    Some(due) => m.format(
                        "html-item-overdue-due",
                        &[
                            ("kind", a.kind.to_string().into()),
                            ("due", due.format("%Y-%m-%d").to_string().into()),
                        ],
                    ),
                    None => m.format("html-item-overdue", &[("kind", a.kind.to_string().into())]),
                };
                AgendaItem::new(o, what, &a.reasons)
            })
            .collect();

        Agenda {
            letters,
            youth_board,
            overdue,
            not_screened,
        }
    }
}

// ---------------------------------------------------------------------------
// Charts: horizontal stacked bars, laid out here and drawn by the template as
// inline SVG. Every bar carries its numbers as text; the figure's description
// says them all again for a screen reader.

#[derive(Serialize)]
struct Chart {
    id: &'static str,
    title: String,
    /// The text alternative: every number of the chart in words.
    desc: String,
    width: usize,
    height: usize,
    label_x: usize,
    series: Vec<Series>,
    bars: Vec<Bar>,
    /// Whether the bars are split by series, with a legend and a note per bar.
    legend: bool,
}

#[derive(Serialize, Clone)]
struct Series {
    name: String,
    class: &'static str,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    y: usize,
    text_y: usize,
    segments: Vec<Segment>,
    total: usize,
    /// The numbers written after the bar: `(SSP 7, SSP+ 9, adult 3)`.
    note: String,
    note_x: String,
}

#[derive(Serialize)]
struct Segment {
    x: String,
    width: String,
    class: &'static str,
    title: String,
}

const BAR_LENGTH: f64 = 220.0;
const ROW_HEIGHT: usize = 30;
const BAR_HEIGHT: usize = 20;
/// A generous average glyph width at the chart's font size, for layout.
const CHAR_WIDTH: usize = 7;

/// A chart from rows of (label, count per series); zero counts are not drawn.
/// With `breakdown`, each bar is followed by its count per series.
fn chart(
    id: &'static str,
    title: String,
    series: Vec<Series>,
    rows: Vec<(String, Vec<usize>)>,
    unit: &dyn Fn(usize) -> String,
    breakdown: bool,
) -> Chart {
    let label_width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        * CHAR_WIDTH
        + 12;
    let max = rows
        .iter()
        .map(|(_, counts)| counts.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = BAR_LENGTH / max as f64;
    let mut desc = Vec::new();
    let mut bars = Vec::new();
    let mut note_chars = 0;
    for (i, (label, counts)) in rows.into_iter().enumerate() {
        let total: usize = counts.iter().sum();
        let parts: Vec<String> = counts
            .iter()
            .zip(&series)
            .filter(|(n, _)| **n > 0)
            .map(|(n, s)| format!("{} {n}", s.name))
            .collect();
        let note = if breakdown && !parts.is_empty() {
            format!("({})", parts.join(", "))
        } else {
            String::new()
        };
        note_chars = note_chars.max(note.chars().count() + total.to_string().len() + 1);
        let noun = unit(total);
        desc.push(if note.is_empty() {
            format!("{label}: {total} {noun}")
        } else {
            format!("{label}: {total} {noun} {note}")
        });
        let mut segments = Vec::new();
        let mut before = 0usize;
        for (n, s) in counts.iter().zip(&series) {
            if *n == 0 {
                continue;
            }
            // Edges are rounded from the running total, so segments meet exactly.
            let x0 = (before as f64 * scale * 10.0).round() / 10.0;
            before += n;
            let x1 = (before as f64 * scale * 10.0).round() / 10.0;
            segments.push(Segment {
                x: format!("{:.1}", label_width as f64 + x0),
                width: format!("{:.1}", (x1 - x0).max(1.0)),
                class: s.class,
                title: if breakdown {
                    format!("{label}, {}: {n}", s.name)
                } else {
                    format!("{label}: {n}")
                },
            });
        }
        let end = label_width as f64 + (total as f64 * scale * 10.0).round() / 10.0;
        let y = 8 + i * ROW_HEIGHT;
        bars.push(Bar {
            label,
            y,
            text_y: y + BAR_HEIGHT / 2 + 5,
            segments,
            total,
            note,
            note_x: format!("{:.1}", end + 8.0),
        });
    }
    let height = 16 + bars.len() * ROW_HEIGHT;
    let width = label_width + BAR_LENGTH as usize + 16 + note_chars * CHAR_WIDTH;
    Chart {
        id,
        desc: format!("{title}. {}.", desc.join("; ")),
        title,
        width,
        height,
        label_x: label_width - 8,
        legend: breakdown,
        series,
        bars,
    }
}

/// Known values first, then any others present, as chart categories.
fn categories<'a>(known: &[&'a str], present: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut all: Vec<&str> = known.to_vec();
    for v in present {
        if !all.contains(&v) {
            all.push(v);
        }
    }
    all.sort_by_key(|v| order_of(known, v));
    all
}

const PALETTE: &[&str] = &["k1", "k2", "k3", "k4", "k5", "k6"];

fn charts(report: &Report, run: &RunView, m: &Messages) -> Vec<Chart> {
    let unit = |id: &'static str| move |n: usize| m.format(id, &[("n", n.into())]);
    let proposed: Vec<&Outcome> = report
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Proposed)
        .collect();

    // Persons per level, by forum.
    let forums = categories(FORUMS, proposed.iter().map(|o| o.forum.as_str()));
    let forum_series: Vec<Series> = forums
        .iter()
        .enumerate()
        .map(|(i, f)| Series {
            name: f.to_string(),
            class: if *f == "none" {
                "k0"
            } else {
                PALETTE[i % PALETTE.len()]
            },
        })
        .collect();
    let level_rows = run
        .by_level
        .iter()
        .map(|l| {
            let counts = forums
                .iter()
                .map(|f| {
                    proposed
                        .iter()
                        .filter(|o| usize::from(o.level) == l.level && o.forum.as_str() == *f)
                        .count()
                })
                .collect();
            (format!("{} {}", l.level, m.level_name(l.name)), counts)
        })
        .collect();
    let levels = chart(
        "chart-levels",
        m.format("html-chart-levels", &[("n", run.screened.into())]),
        forum_series,
        level_rows,
        &unit("html-unit-persons"),
        true,
    );

    // Youth-board candidates by route and limb.
    let boards: Vec<(&str, &str)> = proposed
        .iter()
        .filter_map(|o| o.youth_board.as_ref())
        .map(|b| (b.route.as_str(), b.limb.as_str()))
        .collect();
    let routes = categories(Route::TOKENS, boards.iter().map(|b| b.0));
    let limbs = categories(Limb::TOKENS, boards.iter().map(|b| b.1));
    let limb_series = limbs
        .iter()
        .enumerate()
        .map(|(i, l)| Series {
            name: l.to_string(),
            class: PALETTE[(i + 3) % PALETTE.len()],
        })
        .collect();
    let board_rows = routes
        .iter()
        .map(|r| {
            let counts = limbs
                .iter()
                .map(|l| boards.iter().filter(|b| b.0 == *r && b.1 == *l).count())
                .collect();
            (r.to_string(), counts)
        })
        .collect();
    let board = chart(
        "chart-youth-board",
        m.format("html-chart-youth-board", &[("n", boards.len().into())]),
        limb_series,
        board_rows,
        &unit("html-unit-candidates"),
        true,
    );

    // Concern letters: this meeting's batch, and deferred.
    let letters = chart(
        "chart-letters",
        m.format("html-chart-letters", &[("n", run.letters.into())]),
        vec![
            Series {
                name: m.text("html-in-batch"),
                class: "k1",
            },
            Series {
                name: m.text("html-deferred-later"),
                class: "k0",
            },
        ],
        vec![
            (m.text("html-batch"), vec![run.letters_in_batch, 0]),
            (
                m.text("html-deferred"),
                vec![0, run.letters - run.letters_in_batch.min(run.letters)],
            ),
        ],
        &unit("html-unit-letters"),
        false,
    );

    // Actions by kind: overdue, due, without a due date.
    let mut by_kind: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for a in proposed.iter().flat_map(|o| &o.actions) {
        let slot = if a.overdue {
            0
        } else if a.due.is_some() {
            1
        } else {
            2
        };
        by_kind.entry(a.kind.as_str()).or_default()[slot] += 1;
    }
    let action_rows = by_kind
        .into_iter()
        .map(|(kind, counts)| (kind.to_string(), counts.to_vec()))
        .collect();
    let actions = chart(
        "chart-actions",
        m.format(
            "html-chart-actions",
            &[("n", run.actions.into()), ("overdue", run.overdue.into())],
        ),
        vec![
            Series {
                name: m.text("html-overdue"),
                class: "k6",
            },
            Series {
                name: m.text("html-due"),
                class: "k1",
            },
            Series {
                name: m.text("html-no-due-date"),
                class: "k0",
            },
        ],
        action_rows,
        &unit("html-unit-actions"),
        true,
    );

    vec![levels, board, letters, actions]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_priority_breakdown_shows_each_named_term_with_its_sign() {
        let terms = [
            ("affiliation".into(), 3.0),
            ("protective_factors".into(), -2.0),
            ("motivation".into(), 0.5),
        ];
        let shown: Vec<String> = priority_breakdown(&terms)
            .iter()
            .map(|t| format!("{}{} {}", t.sign, t.name, t.value))
            .collect();
        assert_eq!(
            shown,
            ["+affiliation 3", "-protective factors 2", "+motivation 0.5"]
        );
        assert!(priority_breakdown(&[]).is_empty());
    }

    #[test]
    fn the_policy_hashes_the_inline_code_exactly() {
        // echo -n 'a' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            csp_hash("a"),
            "sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs="
        );
        let csp = content_security_policy(STYLE, SCRIPT);
        assert!(csp.starts_with("default-src 'none'; "));
        assert!(!csp.contains("unsafe"));
    }

    #[test]
    fn the_inline_code_cannot_close_its_own_element() {
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
    }
}
