//! Screening a batch: every person through every rule, in parallel, then the
//! batch-wide steps (ranking concern letters) and the run header.
//!
//! Output order is input order whatever the thread count: rayon's indexed
//! `collect` keeps positions, and nothing here depends on timing.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rhai::ImmutableString;

use crate::host::{self, Memo, Worker, view::PersonCtx, view::World};
use crate::load::Batch;
use crate::outcome::{
    ConcernLetter, Counts, Outcome, Reason, Report, Run, Status, indexmap_like::OrderedCounts,
};
use crate::ruleset::RuleSet;
use crate::time::Date;

/// The rule name reasons carry for what the host does under a tryg.toml setting.
pub const HOST_RULE: &str = "tryg";

/// Screens every person of `batch` as of `as_of`.
pub fn screen(rules: &RuleSet, batch: Batch, as_of: Date) -> Report {
    screen_shared(rules, Arc::new(batch), as_of)
}

/// [`screen`] for a batch that is also used elsewhere (`explain`, `diff`).
pub fn screen_shared(rules: &RuleSet, batch: Arc<Batch>, as_of: Date) -> Report {
    screen_with_progress(rules, batch, as_of, &|| {})
}

/// [`screen_shared`], calling `screened` once per person screened (from any
/// worker thread), so a caller can show progress.
pub fn screen_with_progress(
    rules: &RuleSet,
    batch: Arc<Batch>,
    as_of: Date,
    screened: &(dyn Fn() + Sync),
) -> Report {
    screen_batch(rules, batch, as_of, screened, true)
}

/// [`screen_shared`] with rhai running every rule file for every person, no
/// memo: the reference the memo is tested and measured against.
pub fn screen_interpreted(rules: &RuleSet, batch: Arc<Batch>, as_of: Date) -> Report {
    screen_batch(rules, batch, as_of, &|| {}, false)
}

fn screen_batch(
    rules: &RuleSet,
    batch: Arc<Batch>,
    as_of: Date,
    screened: &(dyn Fn() + Sync),
    memo: bool,
) -> Report {
    let event_count = batch.events.len();
    let (persons_digest, events_digest) =
        (batch.persons_digest.clone(), batch.events_digest.clone());
    let world = Arc::new(World::new(rules, batch, as_of));
    // One memo per worker thread, each learning the paths on its own: one
    // shared memo made two threads no faster than one (a worker adding a path
    // waits for the other's whole person, and the lock's cache line bounces
    // between the cores), while learning a path twice costs little. Each lock
    // is only ever taken by its own worker.
    let n = rules.rules.len();
    let memos: Vec<Mutex<(Memo, Worker)>> = (0..rayon::current_num_threads())
        .map(|_| Mutex::new((Memo::new(n), Worker::new(n))))
        .collect();
    let mut outcomes: Vec<Outcome> = (0..world.batch.persons.len())
        .into_par_iter()
        .map(|i| {
            let outcome = if memo {
                let worker = rayon::current_thread_index().unwrap_or(0) % memos.len();
                let mut guard = memos[worker].lock().unwrap_or_else(|e| e.into_inner());
                let (memo, worker) = &mut *guard;
                screen_person(rules, &world, i, Some((memo, worker)))
            } else {
                screen_person(rules, &world, i, None)
            };
            screened();
            outcome
        })
        .collect();
    rank_letters(&mut outcomes, rules.config.concern_letter.batch_size);

    let counts = count(rules, &outcomes, event_count);
    Report {
        run: Run {
            tool_version: env!("CARGO_PKG_VERSION"),
            as_of,
            ruleset_digest: rules.digest.clone(),
            persons_digest,
            events_digest,
            municipalities: rules.config.municipalities.clone(),
            counts,
        },
        outcomes,
        events: Default::default(),
    }
}

/// Adds what the html report shows of each screened person's events: every
/// cited event described, and the usable events no reason cites.
pub fn describe_events(report: &mut Report, batch: &Batch, rules: &RuleSet) {
    let as_of = report.run.as_of;
    let horizon = crate::time::months_before(as_of, rules.config.retention_months);
    let mut details = crate::outcome::EventDetails::default();
    for (index, outcome) in report.outcomes.iter().enumerate() {
        if outcome.status != Status::Proposed {
            continue;
        }
        let cited =
            |id: &ImmutableString| outcome.explanation.iter().any(|r| r.evidence.contains(id));
        let mut uncited = Vec::new();
        for event in &batch.events[batch.event_range(index)] {
            if event.date > as_of || event.date < horizon {
                continue;
            }
            let id = ImmutableString::from(batch.event_id(event));
            if !cited(&id) {
                uncited.push(id.clone());
            }
            let mut text = format!("{} {}", event.date, event.kind.as_str());
            if let Some(def) = event.offence.map(|o| rules.catalogue.get(o)) {
                text.push_str(&format!(
                    ", {} {} ({})",
                    def.code,
                    def.name,
                    def.category.as_str()
                ));
            }
            if let Some(tag) = batch.tag(event) {
                text.push_str(&format!(", {tag}"));
            }
            details.described.insert(id, text);
        }
        if !uncited.is_empty() {
            details.uncited.insert(outcome.person_id.clone(), uncited);
        }
    }
    report.events = details;
}

fn host_reason(line: usize, effect: &str, text: String) -> Reason {
    Reason {
        rule: HOST_RULE.into(),
        line,
        effect: effect.into(),
        text: text.into(),
        evidence: Vec::new(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn screen_person(
    rules: &RuleSet,
    world: &Arc<World>,
    index: usize,
    memo: Option<(&Memo, &mut Worker)>,
) -> Outcome {
    let ctx = Arc::new(PersonCtx::new(world, index));
    let person = ctx.person();
    let config = &rules.config;
    let mut outcome = Outcome {
        person_id: person.id.clone(),
        status: Status::Proposed,
        age: ctx.age,
        level: 0,
        level_name: config.level_name(0).into(),
        forum: config.forum(ctx.age.unwrap_or(0)).into(),
        youth_board: None,
        concern_letter: None,
        actions: Vec::new(),
        explanation: Vec::new(),
        error: None,
    };
    if ctx.age.is_none() {
        outcome.status = Status::OutOfScope;
        outcome.forum = "none".into();
        outcome.explanation.push(host_reason(
            0,
            "out_of_scope",
            format!("Born after the as-of date {}: not screened", world.as_of),
        ));
        return outcome;
    }

    let effects = match host::evaluate(&rules.engine, &rules.rules, &rules.cfg, &ctx, false, memo) {
        Ok(effects) => effects,
        Err(failure) => {
            outcome.status = Status::Error;
            outcome.error = Some(failure.to_string());
            return outcome;
        }
    };
    if effects.out_of_scope {
        outcome.status = Status::OutOfScope;
        outcome.explanation = effects.explanation;
        return outcome;
    }

    // What the host left out comes first: it shapes everything after it.
    if ctx.left_out_retention > 0 {
        outcome.explanation.push(host_reason(
            rules.retention_line,
            "left_out",
            format!(
                "{} older than {} months left out (retention)",
                plural(ctx.left_out_retention, "event", "events"),
                config.retention_months
            ),
        ));
    }
    if ctx.left_out_future > 0 {
        outcome.explanation.push(host_reason(
            0,
            "left_out",
            format!(
                "{} dated after the as-of date {} left out",
                plural(ctx.left_out_future, "event", "events"),
                world.as_of
            ),
        ));
    }
    outcome.explanation.extend(effects.explanation);
    outcome.level = effects.level;
    outcome.level_name = config.level_name(effects.level).into();
    outcome.youth_board = effects.youth_board;
    outcome.concern_letter = effects.letter.map(|l| ConcernLetter {
        recipients: l.recipients,
        priority: l.priority,
        rank: 0,
        in_batch: false,
        reasons: l.reasons,
    });
    outcome.actions = effects.actions;
    for action in &mut outcome.actions {
        action.overdue = action.due.is_some_and(|due| world.as_of > due);
    }
    outcome
}

/// Ranks letter proposals by priority (highest first; ties by person_id) and
/// marks the first `batch_size` as this meeting's batch.
fn rank_letters(outcomes: &mut [Outcome], batch_size: usize) {
    let mut order: Vec<(f64, ImmutableString, usize)> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            o.concern_letter
                .as_ref()
                .map(|l| (l.priority, o.person_id.clone(), i))
        })
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    for (rank, (_, _, i)) in order.into_iter().enumerate() {
        if let Some(letter) = outcomes[i].concern_letter.as_mut() {
            letter.rank = rank + 1;
            letter.in_batch = rank < batch_size;
        }
    }
}

fn count(rules: &RuleSet, outcomes: &[Outcome], events: usize) -> Counts {
    let screened = || outcomes.iter().filter(|o| o.status == Status::Proposed);
    let by_level = (0..=3u8)
        .map(|level| {
            let name = rules.config.level_name(level).to_string();
            (name, screened().filter(|o| o.level == level).count())
        })
        .collect();
    Counts {
        persons: outcomes.len(),
        events,
        by_level: OrderedCounts(by_level),
        out_of_scope: outcomes
            .iter()
            .filter(|o| o.status == Status::OutOfScope)
            .count(),
        youth_board: screened().filter(|o| o.youth_board.is_some()).count(),
        concern_letters: screened().filter(|o| o.concern_letter.is_some()).count(),
        errors: outcomes
            .iter()
            .filter(|o| o.status == Status::Error)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::ConcernLetter;

    fn with_letter(id: &str, priority: f64) -> Outcome {
        Outcome {
            person_id: id.into(),
            status: Status::Proposed,
            age: Some(20),
            level: 3,
            level_name: "qualified_crime".into(),
            forum: "SSP+".into(),
            youth_board: None,
            concern_letter: Some(ConcernLetter {
                recipients: vec!["person".into()],
                priority,
                rank: 0,
                in_batch: false,
                reasons: Vec::new(),
            }),
            actions: Vec::new(),
            explanation: Vec::new(),
            error: None,
        }
    }

    #[test]
    fn letters_rank_by_priority_then_person_id() {
        let mut outcomes = vec![
            with_letter("P3", 2.0),
            with_letter("P2", 5.0),
            with_letter("P1", 2.0),
            with_letter("P0", 1.0),
        ];
        rank_letters(&mut outcomes, 2);
        let got: Vec<(&str, usize, bool)> = outcomes
            .iter()
            .map(|o| {
                let l = o.concern_letter.as_ref().unwrap();
                (o.person_id.as_str(), l.rank, l.in_batch)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("P3", 3, false),
                ("P2", 1, true),
                ("P1", 2, true),
                ("P0", 4, false)
            ]
        );
    }
}
