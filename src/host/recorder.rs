//! Collects the effects of one person's evaluation as the rule functions fire.
//!
//! Effect functions are plain global functions in rules (`propose_level(…)`), so
//! they find the person being evaluated through a thread-local: each rayon worker
//! evaluates one person at a time, start to finish, on its own thread. The
//! recorder also knows which rule file is running, so a rule author never names
//! the rule, and line numbers come from the call position.

use std::cell::RefCell;

use rhai::{EvalAltResult, ImmutableString};

use std::sync::Arc;

use super::memo::{Fact, Query, Step};
use super::query::{Items, Key, Op};
use crate::proposal::{Proposal, ReasonTemplate};

/// One thing a rule looked at (only recorded for `tryg explain`).
#[derive(Debug, Clone)]
pub struct Look {
    /// The rule file's stem.
    pub rule: ImmutableString,
    /// 1-based line of the question.
    pub line: usize,
    /// What was asked, in words: "offences within 12 months", "serious",
    /// "setting level2.min_offences".
    pub what: String,
    /// What was found: a count, or a setting's value.
    pub found: String,
    /// Events in the answer (indices into the batch).
    pub events: Vec<u32>,
}

/// Everything the rules did for one person.
#[derive(Debug, Default)]
pub struct Effects {
    /// Stem of the rule file now running.
    pub rule: ImmutableString,
    /// Every reason the rules gave, in order: what was said, and the events
    /// cited (indices into the batch).
    pub reasons: Vec<(Arc<ReasonTemplate>, Items)>,
    /// A rule put the person out of scope: no further rule file runs.
    pub out_of_scope: bool,
    /// `Some` while tracing: what each rule looked at.
    pub looks: Option<Vec<Look>>,
    /// `Some` while tracing: every effect call made, as (rule, line,
    /// column), for `tryg test`'s coverage per call.
    pub calls: Option<Vec<(ImmutableString, usize, usize)>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Effects>> = const { RefCell::new(None) };
    static PATH: RefCell<Path> = const { RefCell::new(Path::new()) };
}

/// The path of the rule file running now, for the memo (see [`super::memo`]).
struct Path {
    /// `Some` while recording.
    steps: Option<Vec<Step>>,
    /// The number the next handle made gets; `person` is 0.
    next_slot: u32,
    /// A question failed: the run is not a path to keep.
    failed: bool,
    /// Why the run must fail although rhai finished it (see [`fail_run`]).
    fail: Option<String>,
    /// Operations charged for what the run proposed (see [`charge`]).
    charged: u64,
    /// rhai's operations so far in the run (from its progress hook).
    operations: u64,
    /// When the run started, for the backstop only.
    started: Option<std::time::Instant>,
}

impl Path {
    const fn new() -> Path {
        Path {
            steps: None,
            next_slot: 1,
            failed: false,
            fail: None,
            charged: 0,
            operations: 0,
            started: None,
        }
    }
}

/// Starts a rule file's run: handles are numbered from 1 again, and its path
/// is recorded when `record`.
pub fn start_path(record: bool) {
    PATH.with(|p| {
        *p.borrow_mut() = Path {
            steps: record.then(Vec::new),
            started: Some(std::time::Instant::now()),
            ..Path::new()
        }
    });
}

/// A recorded run: its steps, and the rhai operations it took (which a
/// replay adds to what its own proposals cost, against the budget).
pub struct Recorded {
    /// The questions, answers and facts of the run, in order.
    pub steps: Vec<Step>,
    /// rhai's operations in the run.
    pub operations: u64,
}

/// Ends the rule file's run: its path, if it was recorded and nothing
/// failed; or the reason it must fail although rhai finished it.
pub fn end_path() -> Result<Option<Recorded>, String> {
    PATH.with(|p| {
        let mut p = p.borrow_mut();
        if let Some(reason) = p.fail.take() {
            return Err(reason);
        }
        let steps = p.steps.take();
        let operations = p.operations;
        Ok(steps
            .filter(|_| !p.failed)
            .map(|steps| Recorded { steps, operations }))
    })
}

/// Notes a question asked of handle `slot`, the key of its answer and how
/// many handles the answer makes ([`super::query::Answer::into_handles`]);
/// returns the number of the first of them.
pub fn asked(slot: u32, op: Op, key: Key, made: u32) -> u32 {
    PATH.with(|p| {
        let mut p = p.borrow_mut();
        let first = p.next_slot;
        p.next_slot += made;
        if let Some(steps) = p.steps.as_mut() {
            steps.push(Step::Ask(Query { slot, op }, key));
        }
        first
    })
}

/// Notes something a rule did that makes `made` handles; returns the number
/// of the first.
pub fn did(fact: impl FnOnce() -> Fact, made: u32) -> u32 {
    PATH.with(|p| {
        let mut p = p.borrow_mut();
        let first = p.next_slot;
        p.next_slot += made;
        if let Some(steps) = p.steps.as_mut() {
            steps.push(Step::Fact(fact()));
        }
        first
    })
}

/// Operations one proposal costs, whatever it cites or says: a run of the
/// default budget (50,000) can make at most 500.
pub const PROPOSAL_CHARGE: u64 = 100;

/// Bytes of a reason's text that cost one operation.
pub const TEXT_BYTES_PER_OPERATION: u64 = 16;

/// Charges the running rule file `operations` for what it proposed (each
/// proposal, each event it cites, its text), against the same budget as
/// rhai's own operations (`[limits] max_operations`), so a rule's memory and
/// time stay bounded by that one number. Fails when the charges alone pass
/// `budget`; rhai's progress hook ([`over_budget`]) catches their sum with
/// its operations.
pub fn charge(operations: u64, budget: u64) -> Result<(), String> {
    PATH.with(|p| {
        let mut p = p.borrow_mut();
        p.charged = p.charged.saturating_add(operations);
        if p.charged > budget {
            Err(budget_message(budget))
        } else {
            Ok(())
        }
    })
}

/// Whether rhai's `operations` so far plus the charges pass `budget`: rhai's
/// progress hook, which stops the run when this says so.
pub fn over_budget(operations: u64, budget: u64) -> bool {
    PATH.with(|p| {
        let mut p = p.borrow_mut();
        p.operations = operations;
        operations.saturating_add(p.charged) > budget
    })
}

/// How long the running rule file has run, by the clock (for the backstop).
pub fn run_time() -> std::time::Duration {
    PATH.with(|p| p.borrow().started.map(|t| t.elapsed()).unwrap_or_default())
}

/// What a run past its budget says.
pub fn budget_message(budget: u64) -> String {
    format!(
        "the rule ran past its budget of {budget} operations ([limits] max_operations in tryg.toml; each proposal, each event cited and its text count too): look for a loop that never ends, or proposals made in a loop"
    )
}

/// Fails the running rule file once rhai finishes it, for an error raised
/// where rhai cannot take one (an iterator): never taken for success.
pub fn fail_run(reason: &str) {
    PATH.with(|p| p.borrow_mut().fail = Some(reason.to_string()));
}

/// Notes that a question or effect failed, so this run's path is not kept.
pub fn failed() {
    PATH.with(|p| p.borrow_mut().failed = true);
}

impl Effects {
    /// Adds a reason a rule gave.
    pub fn add(&mut self, said: Arc<ReasonTemplate>, evidence: Items) {
        self.out_of_scope |= said.proposal == Proposal::OutOfScope;
        self.reasons.push((said, evidence));
    }

    /// The highest level proposed; 0 when none was.
    pub fn level(&self) -> u8 {
        self.reasons
            .iter()
            .filter_map(|(said, _)| match said.proposal {
                Proposal::Level(n) => Some(n),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }
}

/// Starts recording for one person on this thread; `trace` also records every
/// query the rules make (slower; for `tryg explain`).
pub fn begin(trace: bool) {
    let effects = Effects {
        looks: trace.then(Vec::new),
        calls: trace.then(Vec::new),
        ..Effects::default()
    };
    CURRENT.with(|c| *c.borrow_mut() = Some(effects));
}

/// Records an effect call made at `line:column` of the running rule file,
/// if tracing.
pub fn called(line: usize, column: usize) {
    CURRENT.with(|c| {
        if let Some(effects) = c.borrow_mut().as_mut()
            && let Some(calls) = effects.calls.as_mut()
        {
            calls.push((effects.rule.clone(), line, column));
        }
    });
}

/// Records what a rule looked at, if tracing. `describe` runs only then.
pub fn look(line: usize, describe: impl FnOnce() -> (String, String, Vec<u32>)) {
    CURRENT.with(|c| {
        if let Some(effects) = c.borrow_mut().as_mut()
            && let Some(looks) = effects.looks.as_mut()
        {
            let (what, found, events) = describe();
            looks.push(Look {
                rule: effects.rule.clone(),
                line,
                what,
                found,
                events,
            });
        }
    });
}

/// Sets the rule file whose calls are recorded next.
pub fn set_rule(rule: &ImmutableString) {
    CURRENT.with(|c| {
        if let Some(e) = c.borrow_mut().as_mut() {
            e.rule = rule.clone();
        }
    });
}

/// Whether an effect so far took the person out of scope.
pub fn is_out_of_scope() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(|e| e.out_of_scope))
}

/// Ends recording and returns what was recorded.
pub fn finish() -> Effects {
    CURRENT.with(|c| c.borrow_mut().take()).unwrap_or_default()
}

/// Runs `f` on the effects being recorded. Fails (as a rule error, never a panic)
/// when called outside an evaluation.
pub fn with<R>(f: impl FnOnce(&mut Effects) -> R) -> Result<R, Box<EvalAltResult>> {
    CURRENT.with(|c| match c.borrow_mut().as_mut() {
        Some(effects) => Ok(f(effects)),
        None => Err(super::api_error(
            "effect functions can only be called while screening a person",
        )),
    })
}
