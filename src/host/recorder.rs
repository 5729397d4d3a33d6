//! Collects the effects of one person's evaluation as the rule functions fire.
//!
//! Effect functions are plain global functions in rules (`propose_level(…)`), so
//! they find the person being evaluated through a thread-local: each rayon worker
//! evaluates one person at a time, start to finish, on its own thread. The
//! recorder also knows which rule file is running, so a rule author never names
//! the rule, and line numbers come from the call position.

use std::cell::RefCell;

use rhai::{EvalAltResult, ImmutableString};

use crate::outcome::{Action, Reason, YouthBoard};

/// A concern-letter proposal before the batch-wide ranking.
#[derive(Debug, Clone)]
pub struct LetterProposal {
    pub recipients: Vec<ImmutableString>,
    pub priority: f64,
    pub reasons: Vec<Reason>,
}

/// Everything the rules did for one person.
#[derive(Debug, Default)]
pub struct Effects {
    /// Stem of the rule file now running.
    pub rule: ImmutableString,
    pub level: u8,
    pub out_of_scope: bool,
    pub youth_board: Option<YouthBoard>,
    pub letter: Option<LetterProposal>,
    pub actions: Vec<Action>,
    pub explanation: Vec<Reason>,
}

thread_local! {
    static CURRENT: RefCell<Option<Effects>> = const { RefCell::new(None) };
}

/// Starts recording for one person on this thread.
pub fn begin() {
    CURRENT.with(|c| *c.borrow_mut() = Some(Effects::default()));
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
        None => Err("effect functions can only be called while screening a person".into()),
    })
}
