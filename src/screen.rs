//! Screening a batch: every person through every rule, in parallel, then the
//! batch-wide steps (ranking concern letters) and the run header.
//!
//! Output order is input order whatever the thread count: rayon's indexed
//! `collect` keeps positions, and nothing here depends on timing.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rhai::ImmutableString;

use crate::host::{self, Memo, Mode, view::PersonCtx, view::World};
use crate::load::Batch;
use crate::outcome::{
    ConcernLetter, Counts, Outcome, Reason, Report, Run, Status, indexmap_like::OrderedCounts,
};
use crate::proposal::{LeftOut, Proposal};
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
    let pass = Pass::new(rules, batch, as_of, memo);
    let mut outcomes = pass.map(0..pass.world.batch.persons.len(), &|_, outcome| {
        screened();
        outcome
    });
    rank_letters(&mut outcomes, rules.config.concern_letter.batch_size);
    let summaries = outcomes.iter().map(Summary::of);
    let run = pass.run(count(rules, summaries, event_count));
    Report {
        run,
        outcomes,
        events: Default::default(),
    }
}

/// What screening every person shares: the world, and one memo per worker
/// thread, each learning the paths on its own. (One shared memo made two
/// threads no faster than one: a worker adding a path waits for the other's
/// whole person, and the lock's cache line bounces between the cores; learning
/// a path twice costs little.)
struct Pass<'r> {
    rules: &'r RuleSet,
    world: Arc<World>,
    memos: Option<Vec<Mutex<Memo>>>,
}

impl<'r> Pass<'r> {
    fn new(rules: &'r RuleSet, batch: Arc<Batch>, as_of: Date, memo: bool) -> Pass<'r> {
        let n = rules.files.len();
        Pass {
            rules,
            world: Arc::new(rules.world(batch, as_of)),
            memos: memo.then(|| {
                (0..rayon::current_num_threads())
                    .map(|_| Mutex::new(Memo::new(n)))
                    .collect()
            }),
        }
    }

    /// Screens persons `range` and maps each outcome with `f`, in input
    /// order. Stretches of [`STRIDE`] persons go to the memos in turn, the
    /// same stretch to the same memo on every pass, so a second pass finds
    /// each person's paths where the first learned them.
    fn map<T: Send>(
        &self,
        range: std::ops::Range<usize>,
        f: &(dyn Fn(usize, Outcome) -> T + Sync),
    ) -> Vec<T> {
        let Some(memos) = &self.memos else {
            return range
                .into_par_iter()
                .map(|i| f(i, screen_person(self.rules, &self.world, i, Mode::Plain)))
                .collect();
        };
        let stretches: Vec<std::ops::Range<usize>> = range
            .clone()
            .step_by(STRIDE)
            .map(|start| start..(start + STRIDE).min(range.end))
            .collect();
        let ways = memos.len();
        // By its place in the batch, so waves of any multiple of STRIDE agree.
        let way = |stretch: &std::ops::Range<usize>| (stretch.start / STRIDE) % ways;
        let mut parts: Vec<Vec<Vec<T>>> = (0..ways)
            .into_par_iter()
            .map(|k| {
                let mut memo = memos[k].lock().unwrap_or_else(|e| e.into_inner());
                stretches
                    .iter()
                    .filter(|stretch| way(stretch) == k)
                    .map(|stretch| {
                        stretch
                            .clone()
                            .map(|i| {
                                let mode = Mode::Memoised(&mut memo);
                                f(i, screen_person(self.rules, &self.world, i, mode))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let mut out = Vec::with_capacity(range.len());
        let mut taken: Vec<std::vec::IntoIter<Vec<T>>> =
            parts.drain(..).map(Vec::into_iter).collect();
        for stretch in &stretches {
            out.extend(taken[way(stretch)].next().into_iter().flatten());
        }
        out
    }

    fn run(&self, counts: Counts) -> Run {
        let batch = &self.world.batch;
        Run {
            tool_version: env!("CARGO_PKG_VERSION"),
            as_of: self.world.as_of,
            ruleset_digest: self.rules.digest.clone(),
            persons_digest: batch.persons_digest.clone(),
            events_digest: batch.events_digest.clone(),
            municipalities: self.rules.config.municipalities.clone(),
            counts,
        }
    }
}

/// Persons screened in a row by one memo (see [`Pass::map`]).
const STRIDE: usize = 512;

/// A screening for a report too large to hold in memory, decided in two
/// passes. The first decides every person and keeps only what the run header
/// and the letter ranking need ([`Summary`]); [`TwoPass::outcomes`] then
/// decides each wave of persons again (the memo is warm, so almost every rule
/// file is a replay) and hands the outcomes over in input order. The outcomes
/// are the same as [`screen`]'s.
pub struct TwoPass<'r> {
    pass: Pass<'r>,
    /// Each person's letter rank (1-based), 0 without a letter.
    ranks: Vec<u32>,
    pub run: Run,
}

/// Screens `batch` in two passes; `screened` is called once per person in the
/// first pass (which decides; the second only repeats it).
pub fn screen_two_pass<'r>(
    rules: &'r RuleSet,
    batch: Arc<Batch>,
    as_of: Date,
    screened: &(dyn Fn() + Sync),
) -> TwoPass<'r> {
    let event_count = batch.events.len();
    let pass = Pass::new(rules, batch, as_of, true);
    let summaries = pass.map(0..pass.world.batch.persons.len(), &|_, outcome| {
        screened();
        Summary::of(&outcome)
    });
    let persons = &pass.world.batch.persons;
    let letters = summaries.iter().enumerate().filter_map(|(i, s)| {
        s.letter
            .map(|priority| (priority, persons[i].id.clone(), i))
    });
    let mut ranks = vec![0u32; summaries.len()];
    for (i, rank) in letter_ranks(letters.collect()) {
        ranks[i] = u32::try_from(rank).expect("fewer than 4 billion letters");
    }
    let run = pass.run(count(rules, summaries.iter().copied(), event_count));
    TwoPass { pass, ranks, run }
}

impl TwoPass<'_> {
    /// Decides `wave` persons at a time, in parallel, and gives each wave's
    /// outcomes to `each` in input order.
    pub fn outcomes<E>(
        &self,
        wave: usize,
        mut each: impl FnMut(&[Outcome]) -> Result<(), E>,
    ) -> Result<(), E> {
        let batch_size = self.pass.rules.config.concern_letter.batch_size;
        let persons = self.ranks.len();
        for start in (0..persons).step_by(wave.max(1)) {
            let end = (start + wave.max(1)).min(persons);
            let outcomes = self.pass.map(start..end, &|i, mut outcome| {
                if let Some(letter) = outcome.concern_letter.as_mut() {
                    letter.rank = self.ranks[i] as usize;
                    letter.in_batch = letter.rank <= batch_size;
                }
                outcome
            });
            each(&outcomes)?;
        }
        Ok(())
    }
}

/// What the run header's counts and the letter ranking need of one outcome.
#[derive(Clone, Copy)]
struct Summary {
    status: Status,
    level: u8,
    youth_board: bool,
    letter: Option<f64>,
}

impl Summary {
    fn of(outcome: &Outcome) -> Summary {
        Summary {
            status: outcome.status,
            level: outcome.level,
            youth_board: outcome.youth_board.is_some(),
            letter: outcome.concern_letter.as_ref().map(|l| l.priority),
        }
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

fn host_reason(line: usize, proposal: Proposal, text: String) -> Reason {
    Reason {
        rule: HOST_RULE.into(),
        line,
        proposal,
        text: text.into(),
        evidence: Vec::new(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn screen_person(rules: &RuleSet, world: &Arc<World>, index: usize, mode: Mode) -> Outcome {
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
            Proposal::OutOfScope,
            format!("Born after the as-of date {}: not screened", world.as_of),
        ));
        return outcome;
    }

    let effects = match host::evaluate(rules.program(), &ctx, mode) {
        Ok(effects) => effects,
        Err(failure) => {
            outcome.status = Status::Error;
            outcome.error = Some(failure.to_string());
            return outcome;
        }
    };
    let proposals = effects.proposals;
    if proposals.out_of_scope {
        outcome.status = Status::OutOfScope;
        outcome.explanation = proposals.explanation;
        return outcome;
    }

    // What the host left out comes first: it shapes everything after it.
    if ctx.left_out_retention > 0 {
        outcome.explanation.push(host_reason(
            rules.retention_line,
            Proposal::LeftOut(LeftOut::Retention),
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
            Proposal::LeftOut(LeftOut::AfterAsOf),
            format!(
                "{} dated after the as-of date {} left out",
                plural(ctx.left_out_future, "event", "events"),
                world.as_of
            ),
        ));
    }
    if proposals.level > config.max_level() {
        // A computed level above the scheme (a literal one is caught by `check`).
        let at = proposals
            .explanation
            .iter()
            .rev()
            .find(|r| r.proposal == Proposal::Level(proposals.level))
            .map(|r| format!("{}:{}: ", r.rule, r.line))
            .unwrap_or_default();
        outcome.status = Status::Error;
        outcome.error = Some(format!(
            "{at}proposed level {}, but [levels] names in tryg.toml name levels 0 to {}",
            proposals.level,
            config.max_level()
        ));
        return outcome;
    }
    outcome.explanation.extend(proposals.explanation);
    outcome.level = proposals.level;
    outcome.level_name = config.level_name(proposals.level).into();
    outcome.youth_board = proposals.youth_board;
    outcome.concern_letter = proposals.letter.map(|l| ConcernLetter {
        recipients: l.recipients,
        priority: l.priority.total,
        priority_terms: l.priority.terms,
        rank: 0,
        in_batch: false,
        reasons: l.reasons,
    });
    outcome.actions = proposals.actions;
    for action in &mut outcome.actions {
        action.overdue = action.due.is_some_and(|due| world.as_of > due);
    }
    outcome
}

/// Ranks letter proposals by priority (highest first; ties by person_id) and
/// marks the first `batch_size` as this meeting's batch.
fn rank_letters(outcomes: &mut [Outcome], batch_size: usize) {
    let letters = outcomes.iter().enumerate().filter_map(|(i, o)| {
        let letter = o.concern_letter.as_ref()?;
        Some((letter.priority, o.person_id.clone(), i))
    });
    for (i, rank) in letter_ranks(letters.collect()) {
        if let Some(letter) = outcomes[i].concern_letter.as_mut() {
            letter.rank = rank;
            letter.in_batch = rank <= batch_size;
        }
    }
}

/// Ranks letter proposals (priority, person_id, index) by priority, highest
/// first, ties by person_id: (index, 1-based rank) for each.
fn letter_ranks(mut letters: Vec<(f64, ImmutableString, usize)>) -> Vec<(usize, usize)> {
    letters.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    letters
        .into_iter()
        .enumerate()
        .map(|(rank, (_, _, i))| (i, rank + 1))
        .collect()
}

fn count(rules: &RuleSet, outcomes: impl Iterator<Item = Summary>, events: usize) -> Counts {
    let mut counts = Counts {
        persons: 0,
        events,
        by_level: OrderedCounts(Vec::new()),
        out_of_scope: 0,
        youth_board: 0,
        concern_letters: 0,
        errors: 0,
    };
    let mut by_level = vec![0usize; usize::from(rules.config.max_level()) + 1];
    for o in outcomes {
        counts.persons += 1;
        match o.status {
            Status::OutOfScope => counts.out_of_scope += 1,
            Status::Error => counts.errors += 1,
            Status::Proposed => {
                by_level[usize::from(o.level.min(rules.config.max_level()))] += 1;
                counts.youth_board += usize::from(o.youth_board);
                counts.concern_letters += usize::from(o.letter.is_some());
            }
        }
    }
    counts.by_level = OrderedCounts(
        (0..=rules.config.max_level())
            .map(|level| {
                let name = rules.config.level_name(level).to_string();
                (name, by_level[usize::from(level)])
            })
            .collect(),
    );
    counts
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
                recipients: vec![crate::proposal::Recipient::Person],
                priority_terms: Vec::new(),
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
