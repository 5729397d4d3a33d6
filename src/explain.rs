//! `tryg explain`: everything about one person's outcome, for a reviewer.
//!
//! For each rule, in the order it ran: its effects with their evidence events
//! and the day each effect lapses by itself; and what it looked at and found
//! (recorded from the rule's own queries and settings, so nothing is guessed).
//! Then every event of the person, and whether it was evidence, only looked at,
//! outside every window, past retention or after the as-of date.
//!
//! The lapse ("until") date is found by screening the person again for each
//! following day with no new events, up to [`HORIZON_DAYS`]: the first day an
//! effect is gone is the day it would no longer apply. It uses the real rules,
//! so whatever makes an effect lapse (an offence leaving its window, a birthday,
//! retention) is accounted for.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::host::{self, Mode, RuleFailure, recorder::Look, view::PersonCtx, view::World};
use crate::load::Batch;
use crate::outcome::{Outcome, Reason, Status};
use crate::ruleset::RuleSet;
use crate::screen::HOST_RULE;
use crate::time::{self, Date};

/// How far ahead lapse dates are searched: ten years.
pub const HORIZON_DAYS: i64 = 3653;

/// One event of the person as a reviewer reads it, with its offence code
/// looked up in the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct EventInfo {
    /// `event_id` from events.csv.
    pub id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The event kind token: `suspicion`, `charge`, `conviction`, `victim`, …
    pub kind: &'static str,
    /// The police offence code (gerningskode), for the kinds that carry one.
    pub offence_code: Option<String>,
    /// The code's `name` in offences.toml.
    pub offence_name: Option<String>,
    /// The code's `category` in offences.toml (`violence`, `drugs_sale`, …).
    pub category: Option<&'static str>,
    /// The `tag` of an observation or concern (`gang_contact`, …).
    pub tag: Option<String>,
    /// The registration checks it failed (`charge-under-15`, …); absent
    /// when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<&'static str>,
}

/// One effect of a rule on the person: its reason, the evidence events in
/// full, and when it lapses.
#[derive(Debug, Clone, Serialize)]
pub struct Effect {
    /// The reason as in the outcome's `explanation` (flattened in JSON).
    #[serde(flatten)]
    pub reason: Reason,
    /// The events of `reason.evidence`, in the same order.
    pub evidence_events: Vec<EventInfo>,
    /// The first day (`YYYY-MM-DD`) on which, with no new events, this effect
    /// no longer applies; `None` when it does not lapse with time alone within
    /// [`HORIZON_DAYS`], or the search stopped before it did.
    pub until: Option<String>,
}

/// One line of a rule that asked something: the chain of questions on it.
#[derive(Debug, Clone, Serialize)]
pub struct Looked {
    /// 1-based line in the rule file.
    pub line: usize,
    /// ("offences within 12 months", "1 offence"), ("serious", "0 offences"), …
    pub steps: Vec<(String, String)>,
}

/// One rule file of `[rules] order` as it ran for the person.
#[derive(Debug, Clone, Serialize)]
pub struct RuleStep {
    /// The rule file's stem, as reasons name it (`level2_crime`).
    pub rule: String,
    /// The file as the user finds it (`rules/level2_crime.rhai`).
    pub file: String,
    /// Its effects, in the order they fired; empty when it proposed nothing.
    pub effects: Vec<Effect>,
    /// What it asked, line by line, in the order asked (empty when the outcome
    /// is an error or the person is born after the as-of date).
    pub looked_at: Vec<Looked>,
}

/// What became of one event in a person's screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    /// Evidence for a proposal of the rules named.
    Evidence,
    /// In a list a rule asked for, without an effect.
    LookedAt,
    /// Usable, but inside no window any rule looked at.
    OutsideWindows,
    /// Older than `retention_months`: never given to the rules.
    Retention,
    /// Dated after the as-of date: never given to the rules.
    AfterAsOf,
    /// The person was not screened (out of scope, or a rule failed).
    NotScreened,
}

/// One event of the person and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct EventUse {
    /// The event (flattened in JSON).
    #[serde(flatten)]
    pub event: EventInfo,
    /// Evidence, looked at, or why it was not used.
    pub used: Use,
    /// The rules it was evidence for (or looked at by), each once; empty for
    /// the other uses.
    pub rules: Vec<String>,
}

/// Everything `tryg explain` says about one person.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The person's `person_id`.
    pub person_id: String,
    /// Set when the search for lapse dates stopped early because a rule failed
    /// for this person on a later day. Lapse dates not found by then are `None`.
    pub lapse_search_stopped: Option<LapseSearchStopped>,
    /// The as-of date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The person's outcome, as the screening of the whole batch gave it (so a
    /// letter's rank is the batch's rank).
    pub outcome: Outcome,
    /// What tryg itself did before any rule ran (retention, later events).
    pub host: Vec<Reason>,
    /// Every rule file of `[rules] order`, in that order; for an out-of-scope
    /// person, up to the rule that put them out of scope.
    pub rules: Vec<RuleStep>,
    /// Every event of the person in events.csv, in date order.
    pub events: Vec<EventUse>,
}

/// The later day on which the lapse search stopped, and why: a rule failed
/// for the person that day, or the search ran past [`LAPSE_SEARCH_BACKSTOP`].
#[derive(Debug, Clone, Serialize)]
pub struct LapseSearchStopped {
    /// The first day, `YYYY-MM-DD`, after the as-of date that was not
    /// searched through.
    pub date: String,
    /// Why, in words: the rule's error (file, line and what went wrong), or
    /// that the backstop stopped a slow search.
    pub error: String,
    /// `true` when the wall-clock backstop stopped it (then the date depends
    /// on the machine; everything else in the explanation does not).
    pub backstop: bool,
}

/// How long the lapse search may run before it stops and says so. A wall
/// clock, so only a backstop: the default pack needs about 0.1 s for ten
/// years of days, but a rule that stays within its operation budget can
/// still cost tens of milliseconds per run (fuzz finding
/// `fuzz/known/rule_source-explain-slow`: about 40 ms, so ten years of days
/// took three minutes). Screening is unaffected: it runs each rule once per
/// person.
pub const LAPSE_SEARCH_BACKSTOP: std::time::Duration = std::time::Duration::from_secs(5);

/// Why a person cannot be explained.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// No person has this id; `similar` is an id that differs only by case.
    #[error("no person {id:?} in the batch{}", similar.as_ref().map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default())]
    UnknownPerson {
        /// The id asked for.
        id: String,
        /// A `person_id` equal to it but for ASCII case.
        similar: Option<String>,
    },
    /// The rules ran for the screening, but failed when run again to record
    /// what they looked at (they are deterministic, so this is a bug in tryg).
    #[error("the rules could not be traced for this person: {0}")]
    Traced(#[from] RuleFailure),
}

/// Explains one person of a batch.
///
/// # Errors
/// [`ExplainError::UnknownPerson`] when the id is not in the batch (with an id
/// that differs only by case, if there is one); [`ExplainError::Traced`] when
/// the rules fail on the traced run that a plain run passed.
pub fn explain(
    rules: &RuleSet,
    batch: Batch,
    as_of: Date,
    person_id: &str,
) -> Result<Explanation, ExplainError> {
    let Some(index) = batch.persons.iter().position(|p| p.id == person_id) else {
        let similar = batch
            .persons
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(person_id))
            .map(|p| p.id.to_string());
        return Err(ExplainError::UnknownPerson {
            id: person_id.to_string(),
            similar,
        });
    };
    let batch = Arc::new(batch);
    // The whole batch is screened so the letter's rank is the batch's rank.
    let report = crate::screen::screen_shared(rules, Arc::clone(&batch), as_of);
    let outcome = report.outcomes[index].clone();

    let world = Arc::new(rules.world(Arc::clone(&batch), as_of));
    let ctx = Arc::new(PersonCtx::new(&world, index));
    let looks = match (outcome.status, ctx.age) {
        (Status::Error, _) | (_, None) => Vec::new(),
        _ => host::evaluate(rules.program(), &ctx, Mode::Traced)?
            .looks
            .unwrap_or_default(),
    };
    let info = |i: u32| event_info(&world, &ctx, i);

    let (until, lapse_search_stopped) = if outcome.status == Status::Proposed {
        lapse_dates(rules, &batch, index, as_of, &outcome.explanation)
    } else {
        (BTreeMap::new(), None)
    };

    let mut steps = Vec::new();
    for rule in &rules.files {
        let effects = outcome
            .explanation
            .iter()
            .filter(|r| r.rule == rule.stem)
            .map(|r| Effect {
                evidence_events: r
                    .evidence
                    .iter()
                    .filter_map(|id| {
                        batch
                            .event_range(index)
                            .find(|&i| batch.event_id(&batch.events[i]) == id.as_str())
                    })
                    .map(|i| info(i as u32))
                    .collect(),
                until: until
                    .get(&identity(r))
                    .copied()
                    .flatten()
                    .map(|d| d.to_string()),
                reason: r.clone(),
            })
            .collect();
        let mut looked_at: Vec<Looked> = Vec::new();
        for look in looks.iter().filter(|l| l.rule == rule.stem) {
            let step = (look.what.clone(), look.found.clone());
            match looked_at.last_mut() {
                Some(last) if last.line == look.line => last.steps.push(step),
                _ => looked_at.push(Looked {
                    line: look.line,
                    steps: vec![step],
                }),
            }
        }
        steps.push(RuleStep {
            rule: rule.stem.to_string(),
            file: rule.file.clone(),
            effects,
            looked_at,
        });
        if outcome.status == Status::OutOfScope
            && outcome.explanation.iter().any(|r| r.rule == rule.stem)
        {
            break;
        }
    }

    let events = event_uses(rules, &world, &ctx, &outcome, &looks);
    Ok(Explanation {
        person_id: person_id.to_string(),
        lapse_search_stopped,
        as_of: as_of.to_string(),
        host: outcome
            .explanation
            .iter()
            .filter(|r| r.rule == HOST_RULE)
            .cloned()
            .collect(),
        outcome,
        rules: steps,
        events,
    })
}

fn event_info(world: &World, ctx: &PersonCtx, index: u32) -> EventInfo {
    let e = &world.batch.events[index as usize];
    let def = ctx.offence_def(e);
    EventInfo {
        id: world.batch.event_id(e).to_string(),
        date: e.date.to_string(),
        kind: e.kind.as_str(),
        offence_code: def.map(|d| d.code.to_string()),
        offence_name: def.map(|d| d.name.to_string()),
        category: def.map(|d| d.category.as_str()),
        tag: world.batch.tag(e).map(|t| t.to_string()),
        flags: e.flags.iter().map(|f| f.as_str()).collect(),
    }
}

/// What identifies an effect across days: rule, line, and the kind of
/// proposal (`level 3`, `youth_board`, `action network_council`, …) but not
/// details such as a priority, which may change while the proposal stands.
type Identity = (String, usize, String);

/// Each effect's lapse date: `None` when it does not lapse with time alone.
type LapseDates = BTreeMap<Identity, Option<Date>>;

fn identity(reason: &Reason) -> Identity {
    (reason.rule.to_string(), reason.line, reason.proposal.kind())
}

/// For each effect, the first later day it is gone (with no new events); and,
/// if a rule failed for the person on some later day, that day and the error
/// (the search stops there).
fn lapse_dates(
    rules: &RuleSet,
    batch: &Arc<Batch>,
    index: usize,
    as_of: Date,
    reasons: &[Reason],
) -> (LapseDates, Option<LapseSearchStopped>) {
    let mut open: Vec<(String, usize, String)> = reasons
        .iter()
        .filter(|r| r.rule != HOST_RULE)
        .map(identity)
        .collect();
    open.dedup();
    let mut found = BTreeMap::new();
    let mut stopped = None;
    // Days are screened a stretch at a time on the worker pool; each
    // stretch's results are read in date order, so the dates found are the
    // same whatever the thread count.
    let started = std::time::Instant::now();
    let stretch = 4 * rayon::current_num_threads().max(1) as i64;
    let mut first = 1;
    'search: while first <= HORIZON_DAYS && !open.is_empty() {
        if started.elapsed() > LAPSE_SEARCH_BACKSTOP {
            stopped = Some(LapseSearchStopped {
                date: time::add_days(as_of, first).to_string(),
                error: format!(
                    "the search was stopped after {} s: the rule files are slow for this person (docs/limits.md)",
                    LAPSE_SEARCH_BACKSTOP.as_secs()
                ),
                backstop: true,
            });
            break;
        }
        let last = (first + stretch - 1).min(HORIZON_DAYS);
        let days: Vec<(Date, Result<Vec<Identity>, String>)> = (first..=last)
            .into_par_iter()
            .map(|day| {
                let date = time::add_days(as_of, day);
                (date, present_on(rules, batch, index, as_of, date))
            })
            .collect();
        for (date, present) in days {
            let present = match present {
                Ok(present) => present,
                Err(error) => {
                    stopped = Some(LapseSearchStopped {
                        date: date.to_string(),
                        error: format!("a rule fails for this person then ({error})"),
                        backstop: false,
                    });
                    break 'search;
                }
            };
            open.retain(|id| {
                let gone = !present.contains(id);
                if gone {
                    found.insert(id.clone(), Some(date));
                }
                !gone
            });
            if open.is_empty() {
                break 'search;
            }
        }
        first = last + 1;
    }
    for id in open {
        found.insert(id, None);
    }
    (found, stopped)
}

/// The effects the person's rules propose on `date`, with no events after
/// the as-of date: nothing for an out-of-scope person; a rule's error as text.
fn present_on(
    rules: &RuleSet,
    batch: &Arc<Batch>,
    index: usize,
    as_of: Date,
    date: Date,
) -> Result<Vec<Identity>, String> {
    let mut world = rules.world(Arc::clone(batch), date);
    world.events_until = as_of;
    let world = Arc::new(world);
    let ctx = Arc::new(PersonCtx::new(&world, index));
    match host::evaluate(rules.program(), &ctx, Mode::Plain) {
        Ok(effects) if !effects.out_of_scope => Ok(effects
            .reasons
            .iter()
            .map(|(said, _)| (said.rule.to_string(), said.line, said.proposal.kind()))
            .collect()),
        Ok(_) => Ok(Vec::new()),
        Err(failure) => Err(failure.to_string()),
    }
}

fn event_uses(
    rules: &RuleSet,
    world: &World,
    ctx: &PersonCtx,
    outcome: &Outcome,
    looks: &[Look],
) -> Vec<EventUse> {
    let horizon = time::months_before(world.as_of, rules.config.retention_months);
    world
        .batch
        .event_range(ctx.index)
        .map(|i| {
            let event = &world.batch.events[i];
            let evidence_for: Vec<String> = outcome
                .explanation
                .iter()
                .filter(|r| {
                    r.evidence
                        .iter()
                        .any(|id| id == world.batch.event_id(event))
                })
                .map(|r| r.rule.to_string())
                .fold(Vec::new(), |mut acc, r| {
                    if !acc.contains(&r) {
                        acc.push(r);
                    }
                    acc
                });
            let looked_by: Vec<String> = looks
                .iter()
                .filter(|l| l.events.contains(&(i as u32)))
                .map(|l| l.rule.to_string())
                .fold(Vec::new(), |mut acc, r| {
                    if !acc.contains(&r) {
                        acc.push(r);
                    }
                    acc
                });
            let (used, rules) = if outcome.status != Status::Proposed {
                (Use::NotScreened, Vec::new())
            } else if event.date > world.as_of {
                (Use::AfterAsOf, Vec::new())
            } else if event.date < horizon {
                (Use::Retention, Vec::new())
            } else if !evidence_for.is_empty() {
                (Use::Evidence, evidence_for)
            } else if !looked_by.is_empty() {
                (Use::LookedAt, looked_by)
            } else {
                (Use::OutsideWindows, Vec::new())
            };
            EventUse {
                event: event_info(world, ctx, i as u32),
                used,
                rules,
            }
        })
        .collect()
}

/// The explanation as a reviewer reads it in a terminal.
pub fn render_text(x: &Explanation, retention_months: u32) -> String {
    use std::fmt::Write as _;
    let o = &x.outcome;
    let mut out = String::new();
    let age = o
        .age
        .map_or_else(|| "not yet born".to_string(), |a| format!("{a} years"));
    let _ = writeln!(
        out,
        "{} · {age} · forum {} · as of {}",
        x.person_id, o.forum, x.as_of
    );
    let _ = writeln!(out, "A proposal for human review, not a decision.\n");
    match o.status {
        Status::Error => {
            let _ = writeln!(out, "status: error: {}", o.error.as_deref().unwrap_or(""));
            return out;
        }
        Status::OutOfScope => {
            let _ = writeln!(out, "status: out of scope (not screened)");
        }
        Status::Proposed => {
            let _ = writeln!(out, "level {} {}", o.level, o.level_name);
            if let Some(b) = &o.youth_board {
                let _ = writeln!(
                    out,
                    "youth crime board candidate: route {}, limb {}",
                    b.route, b.limb
                );
            }
            if let Some(l) = &o.concern_letter {
                let batch = if l.in_batch {
                    "in this meeting's batch"
                } else {
                    "waits for a later meeting"
                };
                let _ = writeln!(
                    out,
                    "concern letter to {}: priority {}, rank {}, {batch}",
                    l.recipients
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(" and "),
                    crate::proposal::Number(l.priority),
                    l.rank
                );
            }
            for a in &o.actions {
                let due = match (a.due, a.overdue) {
                    (Some(d), true) => format!(", due {d}, OVERDUE"),
                    (Some(d), false) => format!(", due {d}"),
                    (None, _) => String::new(),
                };
                let _ = writeln!(out, "action: {}{due}", a.kind);
            }
        }
    }
    for r in &x.host {
        let _ = writeln!(out, "note: {}", r.text);
    }
    if let Some(stop) = &x.lapse_search_stopped {
        let _ = writeln!(
            out,
            "note: lapse dates were searched up to {} only: {}",
            stop.date, stop.error
        );
    }

    let _ = writeln!(out, "\nRULES, in the order they ran");
    for step in &x.rules {
        let _ = writeln!(out, "\n{} ({})", step.rule, step.file);
        if step.effects.is_empty() {
            let _ = writeln!(out, "  no effect");
        }
        for e in &step.effects {
            let _ = writeln!(
                out,
                "  line {}: {}: {}",
                e.reason.line, e.reason.proposal, e.reason.text
            );
            match &e.until {
                Some(d) => {
                    let _ = writeln!(
                        out,
                        "    until {d} (with no new events, it no longer applies from that day)"
                    );
                }
                None if o.status == Status::Proposed => {
                    let _ = writeln!(out, "    until: does not lapse with time alone");
                }
                None => {}
            }
            for ev in &e.evidence_events {
                let _ = writeln!(out, "    evidence {}", describe(ev));
            }
        }
        // What a rule that fired looked at is in its reasons; for one that did
        // not, this is the answer to "why not?". (JSON has both.)
        for l in step.looked_at.iter().filter(|_| step.effects.is_empty()) {
            let chain: Vec<String> = l
                .steps
                .iter()
                .map(|(what, found)| format!("{what}: {found}"))
                .collect();
            let _ = writeln!(out, "  looked at, line {}: {}", l.line, chain.join(" → "));
        }
    }

    let _ = writeln!(out, "\nEVENTS");
    if x.events.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for u in &x.events {
        let why = match u.used {
            Use::Evidence => format!("evidence for {}", u.rules.join(", ")),
            Use::LookedAt => format!("looked at by {}, no effect", u.rules.join(", ")),
            Use::OutsideWindows => "not used: outside every window the rules looked at".into(),
            Use::Retention => format!("not used: older than {retention_months} months (retention)"),
            Use::NotScreened => "not used: the person was not screened".into(),
            Use::AfterAsOf => "not used: dated after the as-of date".into(),
        };
        let _ = writeln!(out, "  {}  {why}", describe(&u.event));
    }
    out
}

fn describe(e: &EventInfo) -> String {
    let mut s = format!("{} {} {}", e.id, e.date, e.kind);
    if let (Some(code), Some(name), Some(cat)) = (&e.offence_code, &e.offence_name, e.category) {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!(" {code} {name} ({cat})"));
    }
    if let Some(tag) = &e.tag {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!(" tagged {tag}"));
    }
    if !e.flags.is_empty() {
        let _ = std::fmt::Write::write_fmt(
            &mut s,
            format_args!(" (registration flag: {})", e.flags.join(", ")),
        );
    }
    s
}
