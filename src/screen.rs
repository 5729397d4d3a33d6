//! Screening a batch: every person through every rule file once, in
//! parallel, into a compact decision; then the batch-wide steps (ranking the
//! concern letters, the run header). Every output format renders from the
//! one [`Screening`], which makes each person's [`Outcome`] when it is asked
//! for, a wave at a time, so a million outcomes are never held at once.
//!
//! A decision keeps a person's reasons as what the rules said (shared with
//! every person who took the same path: [`ReasonTemplate`]) and the events
//! they cited (indices into the batch); the outcome's youth-board candidacy,
//! letter and actions are made from them by [`crate::combine`], the same way
//! for every format.
//!
//! Output order is input order whatever the thread count: persons are
//! screened in fixed stretches, each by one worker's memo, and put back in
//! order; nothing here depends on timing.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rhai::ImmutableString;

use crate::change::{Change, NoLongerProposed, Side};
use crate::combine::Proposals;
use crate::history::{Earlier, History};
use crate::host::{self, Memo, Mode, view::PersonCtx, view::World};
use crate::load::Batch;
use crate::outcome::{
    AreaCounts, ConcernLetter, Counts, Outcome, Reason, RegisterHeader, Report, Run, Status,
    ordered::OrderedCounts,
};
use crate::proposal::{LeftOut, Proposal, ReasonTemplate};
use crate::ruleset::RuleSet;
use crate::time::Date;

/// The rule name reasons carry for what the host does under a tryg.toml setting.
pub const HOST_RULE: &str = "tryg";

/// The file a reason's rule name points into: `tryg.toml` for
/// [`HOST_RULE`], else `RULE.rhai`.
pub fn rule_file_name(rule: &str) -> String {
    if rule == HOST_RULE {
        crate::pack::CONFIG_FILE.to_string()
    } else {
        format!("{rule}.rhai")
    }
}

/// Persons screened in a row by one memo: each memo learns the paths of its
/// own stretches (see [`Screening::new`]).
const STRIDE: usize = 512;

/// Stretches decided before looking for rule files to stop: 8,192 persons.
const STRETCHES_PER_WAVE: usize = 16;

/// Persons in a row (input order) for whom one rule file fails the same way
/// before it is stopped for the rest of the batch: a failed run is never
/// memoised, so each would pay its whole budget again.
pub const STOP_AFTER: usize = 16;

/// Consecutive persons, in input order, failing in the same rule file with
/// the same message.
#[derive(Default)]
struct Streak {
    current: Option<(usize, String)>,
    length: usize,
}

impl Streak {
    /// Notes the next person's failure (or its absence); returns the rule
    /// file to stop, and why, when a streak reaches [`STOP_AFTER`].
    fn see(
        &mut self,
        failure: Option<(usize, String)>,
        files: &[host::RuleFile],
    ) -> Option<(usize, String)> {
        match failure {
            Some(f) if self.current.as_ref() == Some(&f) => self.length += 1,
            Some(f) => {
                self.current = Some(f);
                self.length = 1;
            }
            None => {
                self.current = None;
                self.length = 0;
            }
        }
        let (file, message) = self.current.as_ref()?;
        (self.length == STOP_AFTER).then(|| {
            let stem = files.get(*file).map_or("the rule file", |f| f.stem.as_str());
            (
                *file,
                format!(
                    "{stem} was stopped for the rest of the batch after failing for {STOP_AFTER} persons in a row: {message}"
                ),
            )
        })
    }
}

/// Screens every person of `batch` as of `as_of`, and makes every outcome.
pub fn screen(rules: &RuleSet, batch: Batch, as_of: Date) -> Report {
    screen_shared(rules, Arc::new(batch), as_of)
}

/// [`screen`] for a batch that is also used elsewhere (`explain`, `diff`).
pub fn screen_shared(rules: &RuleSet, batch: Arc<Batch>, as_of: Date) -> Report {
    Screening::new(rules, batch, as_of, true, &|| {}).report()
}

/// [`screen_shared`] with rhai running every rule file for every person, no
/// memo: the reference the memo is tested and measured against.
pub fn screen_interpreted(rules: &RuleSet, batch: Arc<Batch>, as_of: Date) -> Report {
    Screening::new(rules, batch, as_of, false, &|| {}).report()
}

/// One person's decision, compact: 12 bytes and a stretch of reasons.
#[derive(Debug, Clone, Copy)]
struct Decision {
    /// Where the person's reasons start in their part's `reasons`.
    reasons: u32,
    /// How many reasons (capped at `u16::MAX`, which no policy reaches:
    /// each is one effect call).
    len: u16,
    /// Age on the as-of date; `u16::MAX` when born after it.
    age: u16,
    status: Status,
    level: u8,
}

/// One reason of a decision: what was said, and where its evidence is in the
/// part's `evidence`.
#[derive(Debug, Clone)]
struct Compact {
    said: Arc<ReasonTemplate>,
    evidence: Range<u32>,
}

/// The decisions of one stretch of persons.
#[derive(Debug, Default)]
struct Part {
    decisions: Vec<Decision>,
    reasons: Vec<Compact>,
    /// Event indices into the batch.
    evidence: Vec<u32>,
    /// Rule failures, by position in the stretch.
    errors: Vec<(u32, String)>,
}

impl Part {
    fn push(&mut self, decided: Decided) {
        let start = self.reasons.len() as u32;
        for (said, evidence) in decided.reasons {
            let from = self.evidence.len() as u32;
            self.evidence.extend(evidence);
            let evidence = from..self.evidence.len() as u32;
            self.reasons.push(Compact { said, evidence });
        }
        if let Some(error) = decided.error {
            self.errors.push((self.decisions.len() as u32, error));
        }
        self.decisions.push(Decision {
            reasons: start,
            len: u16::try_from(self.reasons.len() as u32 - start).unwrap_or(u16::MAX),
            age: decided
                .age
                .map_or(u16::MAX, |a| a.min(u32::from(u16::MAX - 1)) as u16),
            status: decided.status,
            level: decided.level,
        });
    }
}

/// What deciding one person gives, before it is made compact.
struct Decided {
    status: Status,
    age: Option<u32>,
    level: u8,
    reasons: Vec<(Arc<ReasonTemplate>, host::query::Items)>,
    error: Option<String>,
    /// For a rule failure: the rule file's place in `[rules] order`, and its
    /// message (what a streak of failures is matched on).
    failed: Option<(usize, String)>,
    /// Registration flags on the person's usable events (0 out of scope).
    flags: u32,
}

/// A rule failure: the rule file's place in `[rules] order`, and its message.
type Failed = Option<(usize, String)>;

/// One stretch decided: its part, each person's summary and failure.
type StretchDecided = (Part, Vec<Summary>, Vec<Failed>);

/// What the run header's counts and the letter ranking need of a person.
#[derive(Clone, Copy)]
struct Summary {
    status: Status,
    level: u8,
    /// Anything proposed: a level above 0, a candidacy, a letter or an action.
    proposed: bool,
    youth_board: bool,
    /// The letter's priority, when one is proposed.
    letter: Option<f64>,
    /// Actions proposed: one per kind.
    actions: u32,
    /// Registration flags shown on the outcome.
    flags: u32,
}

impl Decided {
    fn summary(&self) -> Summary {
        let proposed = self.status == Status::Proposed;
        let mut youth_board = false;
        let mut letter: Option<f64> = None;
        let mut kinds: smallvec::SmallVec<[&ImmutableString; 4]> = smallvec::SmallVec::new();
        for (said, _) in &self.reasons {
            match &said.proposal {
                Proposal::YouthBoard { .. } => youth_board = true,
                Proposal::Action { kind, .. } if !kinds.contains(&kind) => kinds.push(kind),
                Proposal::ConcernLetter { priority, .. } => {
                    letter = Some(letter.map_or(priority.total, |p| p.max(priority.total)));
                }
                _ => {}
            }
        }
        Summary {
            status: self.status,
            level: self.level,
            proposed: proposed
                && (self.level > 0 || youth_board || letter.is_some() || !kinds.is_empty()),
            youth_board: proposed && youth_board,
            letter: letter.filter(|_| proposed),
            actions: if proposed { kinds.len() as u32 } else { 0 },
            flags: self.flags,
        }
    }
}

/// A screened batch: every person decided, letters ranked, the run header
/// counted. Outcomes are made from it on demand, in input order.
pub struct Screening<'r> {
    rules: &'r RuleSet,
    world: Arc<World>,
    /// Stretch `k` holds persons `k * STRIDE ..`.
    parts: Vec<Part>,
    /// Each person's letter rank (1-based), 0 without a letter.
    ranks: Vec<u32>,
    /// The run header: tool version, as-of date, digests, counts.
    pub run: Run,
}

impl<'r> Screening<'r> {
    /// Decides every person of `batch` (rhai through a memo per worker
    /// thread when `memo`, else rhai alone), calling `screened` once per
    /// person from any worker thread (for a progress bar), then ranks the
    /// letters and counts.
    pub fn new(
        rules: &'r RuleSet,
        batch: Arc<Batch>,
        as_of: Date,
        memo: bool,
        screened: &(dyn Fn() + Sync),
    ) -> Screening<'r> {
        Screening::with_history(rules, batch, as_of, None)
            .memoised(memo)
            .decide(screened)
    }

    /// A screening that reads `history` (what the case register remembers
    /// of the batch; `None` without a register), memoised, not yet decided:
    /// call [`Pending::decide`].
    pub fn with_history(
        rules: &'r RuleSet,
        batch: Arc<Batch>,
        as_of: Date,
        history: Option<Arc<History>>,
    ) -> Pending<'r> {
        let mut world = rules.world(batch, as_of);
        world.history = history;
        Pending {
            rules,
            world: Arc::new(world),
            memo: true,
        }
    }
}

/// A screening set up and not yet decided (see [`Screening::with_history`]).
pub struct Pending<'r> {
    rules: &'r RuleSet,
    world: Arc<World>,
    memo: bool,
}

impl<'r> Pending<'r> {
    /// Runs rhai through a memo per worker thread when `memo` (the default),
    /// else rhai alone for every person (the reference the memo is tested
    /// against).
    pub fn memoised(mut self, memo: bool) -> Pending<'r> {
        self.memo = memo;
        self
    }

    /// Decides every person, calling `screened` once per person from any
    /// worker thread (for a progress bar), then ranks the letters and counts.
    pub fn decide(self, screened: &(dyn Fn() + Sync)) -> Screening<'r> {
        let Pending { rules, world, memo } = self;
        let persons = world.batch.persons.len();
        let stretches: Vec<Range<usize>> = (0..persons)
            .step_by(STRIDE)
            .map(|start| start..(start + STRIDE).min(persons))
            .collect();
        // Why each rule file was stopped, if it was (see `Streak`).
        let mut stopped: Vec<Option<String>> = vec![None; rules.files.len()];
        // A stretch is decided in order, so a streak inside it stops the
        // rule file for the rest of the stretch at once; a streak across
        // stretches stops it for the rest of the batch from the next wave.
        // Both depend only on input order and fixed boundaries.
        let decide_stretch =
            |stretch: &Range<usize>, mut memo: Option<&mut Memo>, stopped: &[Option<String>]| {
                let mut part = Part::default();
                let mut summaries = Vec::with_capacity(stretch.len());
                let mut failures = Vec::with_capacity(stretch.len());
                let mut stopped = stopped.to_vec();
                let mut streak = Streak::default();
                for i in stretch.clone() {
                    let mode = match memo.as_deref_mut() {
                        Some(memo) => Mode::Memoised(memo),
                        None => Mode::Plain,
                    };
                    let decided = decide(rules, &world, i, mode, &stopped);
                    if let Some((file, why)) = streak.see(decided.failed.clone(), &rules.files) {
                        stopped[file].get_or_insert(why);
                    }
                    summaries.push(decided.summary());
                    failures.push(decided.failed.clone());
                    part.push(decided);
                    screened();
                }
                (part, summaries, failures)
            };
        // One memo per worker, each learning the paths of its own stretches.
        // (One shared memo made two threads no faster than one: a worker
        // adding a path waits for the other's whole person, and the lock's
        // cache line bounces between the cores; learning a path twice costs
        // little.)
        let ways = rayon::current_num_threads().max(1);
        let memos: Vec<Mutex<Memo>> = (0..ways)
            .map(|_| {
                Mutex::new(Memo::new(
                    rules.files.len(),
                    rules.config.limits.max_operations,
                ))
            })
            .collect();
        let mut decided: Vec<(Part, Vec<Summary>)> = Vec::with_capacity(stretches.len());
        let mut streak = Streak::default();
        // Stretches are decided a wave at a time, so that a rule file failing
        // the same way for person after person can be stopped for the rest of
        // the batch. Waves have a fixed size, so where a stop takes effect
        // does not depend on the number of threads.
        for (w, wave) in stretches.chunks(STRETCHES_PER_WAVE).enumerate() {
            let first = w * STRETCHES_PER_WAVE;
            let results: Vec<StretchDecided> = if memo {
                let mut by_way: Vec<Vec<_>> = (0..ways)
                    .into_par_iter()
                    .map(|k| {
                        let mut memo = memos[k].lock().unwrap_or_else(|e| e.into_inner());
                        wave.iter()
                            .enumerate()
                            .filter(|(s, _)| (first + s) % ways == k)
                            .map(|(_, stretch)| decide_stretch(stretch, Some(&mut memo), &stopped))
                            .collect()
                    })
                    .collect();
                // Stretch s went to way s % ways, in order.
                let mut taken: Vec<_> = by_way.iter_mut().map(|v| v.drain(..)).collect();
                (0..wave.len())
                    .map(|s| {
                        taken[(first + s) % ways]
                            .next()
                            .expect("every stretch decided")
                    })
                    .collect()
            } else {
                wave.par_iter()
                    .map(|stretch| decide_stretch(stretch, None, &stopped))
                    .collect()
            };
            for (part, summaries, failures) in results {
                for failure in failures {
                    if let Some((file, why)) = streak.see(failure, &rules.files) {
                        stopped[file].get_or_insert(why);
                    }
                }
                decided.push((part, summaries));
            }
        }
        let (parts, summaries): (Vec<Part>, Vec<Vec<Summary>>) = decided.into_iter().unzip();
        let summaries: Vec<Summary> = summaries.into_iter().flatten().collect();

        let letters = summaries.iter().enumerate().filter_map(|(i, s)| {
            s.letter
                .map(|priority| (priority, world.batch.persons[i].id.clone(), i))
        });
        let mut ranks = vec![0u32; summaries.len()];
        for (i, rank) in letter_ranks(letters.collect()) {
            ranks[i] = u32::try_from(rank).expect("fewer than 4 billion letters");
        }
        let batch_size = rules.config.concern_letter.batch_size;
        let mut counts = count(rules, &summaries, &world.batch, batch_size);
        let mut warnings = Vec::new();
        if counts.errors > 0 {
            warnings.push(crate::load::Warning::incomplete(counts.errors));
        }
        warnings.extend(world.batch.warnings.iter().cloned());
        counts.warnings = warnings.len();
        let register = world
            .history
            .as_deref()
            .map(|history| register_header(history, &world.batch, &summaries));
        let run = Run {
            tool_version: env!("CARGO_PKG_VERSION"),
            as_of: world.as_of,
            ruleset_digest: rules.digest.clone(),
            persons_digest: world.batch.persons_digest.clone(),
            events_digest: world.batch.events_digest.clone(),
            municipalities: rules.config.municipalities.clone(),
            counts,
            warnings,
            register,
        };
        Screening {
            rules,
            world,
            parts,
            ranks,
            run,
        }
    }
}

impl Screening<'_> {
    /// Persons screened.
    pub fn len(&self) -> usize {
        self.ranks.len()
    }

    /// Whether the batch had nobody in it.
    pub fn is_empty(&self) -> bool {
        self.ranks.is_empty()
    }

    /// The batch screened.
    pub fn batch(&self) -> &Arc<Batch> {
        &self.world.batch
    }

    /// Person `i`'s outcome, made from their decision.
    pub fn outcome(&self, i: usize) -> Outcome {
        let part = &self.parts[i / STRIDE];
        let at = i % STRIDE;
        let d = part.decisions[at];
        let config = &self.rules.config;
        let batch = &self.world.batch;
        let age = (d.age != u16::MAX).then_some(u32::from(d.age));
        let person = &batch.persons[i];
        let mut outcome = Outcome {
            person_id: person.id.clone(),
            status: d.status,
            age,
            level: d.level,
            level_name: config.level_name(d.level).into(),
            forum: match age {
                Some(age) => config.forum(age).into(),
                None => "none".into(),
            },
            youth_board: None,
            concern_letter: None,
            actions: Vec::new(),
            explanation: Vec::new(),
            error: None,
            warnings: Vec::new(),
            municipality: person.municipality.clone(),
            district: person.district.clone(),
            change: None,
        };
        if d.status != Status::OutOfScope {
            let as_of = self.world.as_of;
            let horizon = crate::time::months_before(as_of, self.world.retention_months);
            outcome.warnings = batch.flagged(i, horizon, as_of.min(self.world.events_until));
        }
        if d.status == Status::Error {
            outcome.error = part
                .errors
                .iter()
                .find(|(p, _)| *p as usize == at)
                .map(|(_, e)| e.clone());
            return outcome;
        }
        let start = d.reasons as usize;
        let reasons = part.reasons[start..start + usize::from(d.len)]
            .iter()
            .map(|r| {
                let said = &*r.said;
                Reason {
                    rule: said.rule.clone(),
                    line: said.line,
                    proposal: said.proposal.clone(),
                    text: said.text.clone(),
                    evidence: part.evidence[r.evidence.start as usize..r.evidence.end as usize]
                        .iter()
                        .map(|&e| ImmutableString::from(batch.event_id(&batch.events[e as usize])))
                        .collect(),
                }
            });
        if d.status == Status::OutOfScope {
            outcome.explanation = reasons.collect();
            return outcome;
        }
        let mut proposals = Proposals::default();
        reasons.for_each(|r| proposals.add(r));
        let rank = self.ranks[i] as usize;
        outcome.explanation = proposals.explanation;
        outcome.youth_board = proposals.youth_board;
        outcome.concern_letter = proposals.letter.map(|l| ConcernLetter {
            recipients: l.recipients,
            priority: l.priority.total,
            priority_terms: l.priority.terms,
            rank,
            in_batch: rank <= config.concern_letter.batch_size,
            reasons: l.reasons,
        });
        outcome.actions = proposals.actions;
        for action in &mut outcome.actions {
            action.overdue = action.due.is_some_and(|due| self.world.as_of > due);
        }
        if let Some(history) = &self.world.history {
            let earlier = history.find(&outcome.person_id).map(|at| history.get(at));
            if let Some(earlier) = earlier {
                said_before(&mut outcome, earlier);
            }
            let previous = earlier.and_then(|e| e.previous.as_ref());
            outcome.change = Some(Change::of(&Side::of_outcome(&outcome), previous));
        }
        outcome
    }

    /// The outcomes of persons `range`, made on every worker thread, in order.
    pub fn outcomes(&self, range: Range<usize>) -> Vec<Outcome> {
        range.into_par_iter().map(|i| self.outcome(i)).collect()
    }

    /// Calls `each` with the outcomes of `wave` persons at a time, in input
    /// order, so no more than one wave is held at once.
    pub fn for_each_wave<E>(
        &self,
        wave: usize,
        mut each: impl FnMut(&[Outcome]) -> Result<(), E>,
    ) -> Result<(), E> {
        let wave = wave.max(1);
        for start in (0..self.len()).step_by(wave) {
            each(&self.outcomes(start..(start + wave).min(self.len())))?;
        }
        Ok(())
    }

    /// Every outcome at once: the whole report (for the reviewers' report,
    /// `explain`, `diff`, `test`).
    pub fn report(&self) -> Report {
        Report {
            run: self.run.clone(),
            outcomes: self.outcomes(0..self.len()),
            events: Default::default(),
        }
    }
}

/// Decides one person.
fn decide(
    rules: &RuleSet,
    world: &Arc<World>,
    index: usize,
    mode: Mode,
    stopped: &[Option<String>],
) -> Decided {
    let ctx = Arc::new(PersonCtx::new(world, index));
    let config = &rules.config;
    let mut decided = Decided {
        status: Status::Proposed,
        age: ctx.age,
        level: 0,
        reasons: Vec::new(),
        error: None,
        failed: None,
        // The flags the outcome shows: of the events the rules could use.
        flags: ctx
            .usable
            .iter()
            .map(|&i| ctx.event(i).flags.len() as u32)
            .sum(),
    };
    if ctx.age.is_none() {
        decided.status = Status::OutOfScope;
        decided.flags = 0;
        decided.reasons.push(host_reason(
            0,
            Proposal::OutOfScope,
            format!("Born after the as-of date {}: not screened", world.as_of),
        ));
        return decided;
    }
    let program = host::Program {
        stopped,
        ..rules.program()
    };
    let effects = match host::evaluate(program, &ctx, mode) {
        Ok(effects) => effects,
        Err(failure) => {
            decided.status = Status::Error;
            decided.error = Some(failure.to_string());
            decided.failed = Some((failure.file_index, failure.message));
            return decided;
        }
    };
    if effects.out_of_scope {
        decided.status = Status::OutOfScope;
        decided.flags = 0;
        decided.reasons = effects.reasons;
        return decided;
    }
    let level = effects.level();
    if level > config.max_level() {
        // A computed level above the scheme (a literal one is caught by `check`).
        let at = effects
            .reasons
            .iter()
            .rev()
            .find(|(said, _)| said.proposal == Proposal::Level(level))
            .map(|(said, _)| format!("{}:{}: ", said.rule, said.line))
            .unwrap_or_default();
        decided.status = Status::Error;
        decided.error = Some(format!(
            "{at}proposed level {level}, but [levels] names in tryg.toml name levels 0 to {}",
            config.max_level()
        ));
        return decided;
    }
    // What the host left out comes first: it shapes everything after it.
    if ctx.left_out_retention > 0 {
        decided.reasons.push(host_reason(
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
        decided.reasons.push(host_reason(
            0,
            Proposal::LeftOut(LeftOut::AfterAsOf),
            format!(
                "{} dated after the as-of date {} left out",
                plural(ctx.left_out_future, "event", "events"),
                world.as_of
            ),
        ));
    }
    decided.reasons.extend(effects.reasons);
    decided.level = level;
    decided
}

/// Adds to each proposal the meeting rejected or deferred before a reason
/// that says so, with the decision's date, members and note (issue 17,
/// item 5): the level's and the candidacy's to the explanation, the
/// letter's and each action's to their own reasons too.
fn said_before(outcome: &mut Outcome, earlier: &Earlier) {
    let before = |on: &str| -> Option<Reason> {
        let d = &earlier.decisions[earlier.decision_on(on)? as usize];
        matches!(d.decision.as_str(), "reject" | "defer").then(|| Reason {
            rule: HOST_RULE.into(),
            line: 0,
            proposal: Proposal::Note,
            text: format!("Proposed before ({}): {}", on.replace('_', " "), d.words()).into(),
            evidence: Vec::new(),
        })
    };
    let mut notes = Vec::new();
    if outcome.level > 0 {
        notes.extend(before("level"));
    }
    if outcome.youth_board.is_some() {
        notes.extend(before("youth_board"));
    }
    if let Some(letter) = &mut outcome.concern_letter
        && let Some(note) = before("letter")
    {
        letter.reasons.push(note.clone());
        notes.push(note);
    }
    for action in &mut outcome.actions {
        if let Some(note) = before(&action.kind) {
            action.reasons.push(note.clone());
            notes.push(note);
        }
    }
    outcome.explanation.extend(notes);
}

/// The run header's register part: the chain head read, the previous run,
/// and who of its proposed persons has nothing proposed now.
fn register_header(history: &History, batch: &Batch, summaries: &[Summary]) -> RegisterHeader {
    let index: std::collections::HashMap<&str, usize> = batch
        .persons
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let no_longer_proposed = history
        .previously_proposed
        .iter()
        .filter_map(|(id, level)| {
            let now = index.get(id.as_str()).map(|&i| summaries[i]);
            (!now.is_some_and(|s| s.proposed)).then(|| NoLongerProposed {
                person_id: id.clone(),
                from_level: *level,
                in_run: now.is_some(),
            })
        })
        .collect();
    RegisterHeader {
        chain_head: history.chain_head.clone(),
        previous_run: history.previous.clone(),
        no_longer_proposed,
    }
}

fn host_reason(
    line: usize,
    proposal: Proposal,
    text: String,
) -> (Arc<ReasonTemplate>, host::query::Items) {
    let said = ReasonTemplate {
        rule: HOST_RULE.into(),
        line,
        proposal,
        text: text.into(),
    };
    (Arc::new(said), host::query::Items::new())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
        // A set, so a person with tens of thousands of events stays linear
        // (a scan of every reason's evidence per event was quadratic: 4.9 s
        // for one person with 50,000 events, measured).
        let cited: std::collections::HashSet<&str> = outcome
            .explanation
            .iter()
            .flat_map(|r| r.evidence.iter().map(ImmutableString::as_str))
            .collect();
        let cited = |id: &ImmutableString| cited.contains(id.as_str());
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

/// Ranks letter proposals (priority, person_id, index) by priority, highest
/// first, ties by person_id: (index, 1-based rank) for each (SPEC §4).
fn letter_ranks(mut letters: Vec<(f64, ImmutableString, usize)>) -> Vec<(usize, usize)> {
    letters.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    letters
        .into_iter()
        .enumerate()
        .map(|(rank, (_, _, i))| (i, rank + 1))
        .collect()
}

/// An area's key: municipality, then persons without a district last,
/// then the district.
type AreaKey = (ImmutableString, bool, Option<ImmutableString>);

/// An area's counts while counting: per level, candidates, letters, actions.
#[derive(Default)]
struct AreaTally {
    by_level: Vec<usize>,
    youth_board: usize,
    letters: usize,
    actions: usize,
}

fn count(rules: &RuleSet, summaries: &[Summary], batch: &Batch, batch_size: usize) -> Counts {
    let max_level = rules.config.max_level();
    let levels = usize::from(max_level) + 1;
    let mut counts = Counts {
        persons: 0,
        events: batch.events.len(),
        by_level: OrderedCounts(Vec::new()),
        out_of_scope: 0,
        youth_board: 0,
        concern_letters: 0,
        errors: 0,
        warnings: 0,
        flags: 0,
        by_area: Vec::new(),
        concern_letters_in_batch: 0,
    };
    let mut by_level = vec![0usize; levels];
    let mut areas: std::collections::BTreeMap<AreaKey, AreaTally> = Default::default();
    for (s, person) in summaries.iter().zip(&batch.persons) {
        counts.persons += 1;
        counts.flags += s.flags as usize;
        match s.status {
            Status::OutOfScope => counts.out_of_scope += 1,
            Status::Error => counts.errors += 1,
            Status::Proposed => {
                let level = usize::from(s.level.min(max_level));
                by_level[level] += 1;
                counts.youth_board += usize::from(s.youth_board);
                counts.concern_letters += usize::from(s.letter.is_some());
                let key = (
                    person.municipality.clone(),
                    person.district.is_none(),
                    person.district.clone(),
                );
                let area = areas.entry(key).or_default();
                area.by_level.resize(levels, 0);
                area.by_level[level] += 1;
                area.youth_board += usize::from(s.youth_board);
                area.letters += usize::from(s.letter.is_some());
                area.actions += s.actions as usize;
            }
        }
    }
    counts.concern_letters_in_batch = counts.concern_letters.min(batch_size);
    let named = |counts: &[usize]| {
        OrderedCounts(
            (0..=max_level)
                .map(|level| {
                    let name = rules.config.level_name(level).to_string();
                    (name, counts[usize::from(level)])
                })
                .collect(),
        )
    };
    counts.by_level = named(&by_level);
    counts.by_area = areas
        .into_iter()
        .map(|((municipality, _, district), tally)| AreaCounts {
            municipality,
            district,
            by_level: named(&tally.by_level),
            youth_board: tally.youth_board,
            concern_letters: tally.letters,
            actions: tally.actions,
        })
        .collect();
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_rank_by_priority_then_person_id() {
        let letters = vec![
            (2.0, "P3".into(), 0),
            (5.0, "P2".into(), 1),
            (2.0, "P1".into(), 2),
            (1.0, "P0".into(), 3),
        ];
        let mut ranks = letter_ranks(letters);
        ranks.sort();
        assert_eq!(ranks, [(0, 3), (1, 1), (2, 2), (3, 4)]);
    }
}
