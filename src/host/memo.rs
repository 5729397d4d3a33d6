//! Remembering what a rule file does, by what it asked and was answered.
//!
//! A rule file's run is a function of the answers its questions got: rules see
//! the person only through [`query::Op`]s, `cfg` and `as_of` are the same for
//! the whole run, and rhai here has no clock, randomness or state that outlives
//! a run. So a run can be written down as its path: each question with the
//! answer that mattered (a value; for a list, only that it is one), and each
//! effect with its text and which answers were its evidence. Paths share
//! prefixes, so they make a tree per rule file.
//!
//! For the next person the tree is walked instead of the script: each question
//! is answered in Rust and its answer picks the branch; effects on the way are
//! collected and, when the walk reaches the end of a path, applied exactly as
//! the rule file would have applied them. An answer with no branch yet (or any
//! question failing) stops the walk with nothing applied, and the rule file is
//! run by rhai, which records its path for the tree. Runs that fail are never
//! added, so errors always come from rhai itself.
//!
//! The tree only saves time when many persons take the same path, which a
//! screening's rules make them do (counts, flags, ages). A rule that branches
//! on something unique per person (its id) would grow the tree without limit;
//! each tree stops growing at [`MAX_NODES`] and runs rhai for what it lacks.

use std::collections::HashMap;
use std::sync::Arc;

use super::handle::select;
use super::query::{self, Answer, Held, Items, Key, Op, Target};
use super::recorder::{self, Effects, Recorded};
use super::view::PersonCtx;
use crate::proposal::ReasonTemplate;

/// Nodes one rule file's tree may grow to on one thread (about 100 bytes each).
pub const MAX_NODES: usize = 200_000;

/// One question: which handle (by the order handles were made in this run;
/// 0 is `person`) and what was asked of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The handle asked, by number.
    pub slot: u32,
    /// The question.
    pub op: Op,
}

/// What an effect function was called with, validated: what it said (shared
/// by every replay of this path) and the handles it cited as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectCall {
    /// What the call said: rule, line, proposal, text.
    pub said: Arc<ReasonTemplate>,
    /// Handles cited as evidence, in the order given.
    pub evidence: Vec<u32>,
}

/// What happened in a run besides questions.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// An effect function was called.
    Effect(EffectCall),
    /// `list.filter(…)`: a new list of the items of `list` whose closure
    /// returned true.
    Filtered {
        /// The list filtered, by handle number.
        list: u32,
        /// For each item of the list, in order: whether it was kept.
        kept: Vec<bool>,
    },
}

/// One step of a recorded run.
#[derive(Debug)]
pub enum Step {
    /// A question and what of its answer the run depended on.
    Ask(Query, Key),
    /// Something the run did.
    Fact(Fact),
}

enum Node {
    /// Not seen yet.
    Open,
    Ask {
        query: Query,
        branches: Branches,
    },
    Fact {
        fact: Fact,
        next: u32,
    },
    /// A path ends here; its run took this many rhai operations.
    End(u64),
}

/// A question's branches by answer: few in almost every tree, so a short list
/// is searched first; a question with many answers (a date) gets a map.
#[derive(Default)]
struct Branches {
    few: Vec<(Key, u32)>,
    // Boxed: an empty map would make every node 40 bytes larger.
    #[expect(clippy::box_collection)]
    many: Option<Box<HashMap<Key, u32>>>,
}

const FEW: usize = 8;

impl Branches {
    fn get(&self, answer: &Answer) -> Option<u32> {
        let found = self.few.iter().find(|(k, _)| matches(k, answer));
        match (found, &self.many) {
            (Some((_, node)), _) => Some(*node),
            (None, None) => None,
            (None, Some(many)) => many.get(&answer.key()).copied(),
        }
    }

    fn get_key(&self, key: &Key) -> Option<u32> {
        self.few
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| *n)
            .or_else(|| self.many.as_ref()?.get(key).copied())
    }

    fn insert(&mut self, key: Key, node: u32) {
        if self.few.len() < FEW {
            self.few.push((key, node));
        } else {
            self.many.get_or_insert_default().insert(key, node);
        }
    }
}

/// Whether `answer` is the answer `key` stands for, without building its key.
fn matches(key: &Key, answer: &Answer) -> bool {
    match (key, answer) {
        (Key::Value(k), Answer::Value(v)) => k == v,
        (Key::Items(n), Answer::Items { items, .. }) => *n == items.len(),
        (Key::Handle, a) => !matches!(a, Answer::Value(_) | Answer::Items { .. }),
        _ => false,
    }
}

/// The paths of one rule file.
pub struct Tree {
    nodes: Vec<Node>,
    /// Stopped growing: at [`MAX_NODES`], or after a path that did not fit
    /// (which would mean a rule saw something not asked through [`query`]).
    closed: bool,
}

impl Default for Tree {
    fn default() -> Tree {
        Tree {
            nodes: vec![Node::Open],
            closed: false,
        }
    }
}

impl Tree {
    /// Whether a new path can still be added (so a run is worth recording).
    pub fn growing(&self) -> bool {
        !self.closed
    }

    /// Nodes in the tree (at most [`MAX_NODES`]).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether no path has been added yet.
    pub fn is_empty(&self) -> bool {
        matches!(self.nodes[0], Node::Open)
    }

    fn push(&mut self) -> u32 {
        self.nodes.push(Node::Open);
        (self.nodes.len() - 1) as u32
    }

    /// Adds the path of a successful run.
    pub fn insert(&mut self, recorded: Recorded) {
        let Recorded { steps, operations } = recorded;
        if self.closed {
            return;
        }
        if self.nodes.len() + steps.len() + 1 > MAX_NODES {
            self.closed = true;
            return;
        }
        let mut at = 0usize;
        for step in steps {
            let next = match (&mut self.nodes[at], step) {
                (node @ Node::Open, Step::Ask(query, key)) => {
                    *node = Node::Ask {
                        query,
                        branches: Branches::default(),
                    };
                    let child = self.push();
                    if let Node::Ask { branches, .. } = &mut self.nodes[at] {
                        branches.insert(key, child);
                    }
                    child
                }
                (node @ Node::Open, Step::Fact(fact)) => {
                    *node = Node::Fact { fact, next: 0 };
                    let child = self.push();
                    if let Node::Fact { next, .. } = &mut self.nodes[at] {
                        *next = child;
                    }
                    child
                }
                (Node::Ask { query, branches }, Step::Ask(q, key)) if *query == q => {
                    match branches.get_key(&key) {
                        Some(child) => child,
                        None => {
                            let child = self.push();
                            if let Node::Ask { branches, .. } = &mut self.nodes[at] {
                                branches.insert(key, child);
                            }
                            child
                        }
                    }
                }
                (Node::Fact { fact, next }, Step::Fact(f)) if *fact == f => *next,
                _ => return self.diverged(),
            };
            at = next as usize;
        }
        match &mut self.nodes[at] {
            node @ Node::Open => *node = Node::End(operations),
            Node::End(before) => *before = (*before).max(operations),
            _ => self.diverged(),
        }
    }

    /// Two runs with the same answers did different things. By construction
    /// this cannot happen; if it ever does, the tree stops being used rather
    /// than risk a wrong outcome (and debug builds say so).
    fn diverged(&mut self) {
        debug_assert!(false, "a rule file did two things on the same answers");
        self.closed = true;
        self.nodes = vec![Node::Open];
    }

    /// Walks the tree for one person. On reaching the end of a path, applies
    /// the path's effects to `effects` and returns true; otherwise changes
    /// nothing and returns false.
    ///
    /// A path whose rhai operations plus what this person's proposals would
    /// cost (they cite this person's events) pass `budget` is not replayed:
    /// rhai runs it, and fails it with the budget's message.
    pub fn replay(
        &self,
        ctx: &PersonCtx,
        effects: &mut Effects,
        scratch: &mut Scratch,
        budget: u64,
    ) -> bool {
        if self.closed && self.is_empty() {
            return false;
        }
        scratch.slots.clear();
        scratch.slots.push(Held::Person);
        scratch.effects.clear();
        let mut charged = 0u64;
        let mut at = 0usize;
        loop {
            match &self.nodes[at] {
                Node::Open => return false,
                Node::End(operations) => {
                    if operations.saturating_add(charged) > budget {
                        return false;
                    }
                    break;
                }
                Node::Ask { query, branches } => {
                    let target = scratch.slots[query.slot as usize].target();
                    let Ok(answer) = query::answer(&query.op, target, ctx) else {
                        return false;
                    };
                    let Some(next) = branches.get(&answer) else {
                        return false;
                    };
                    scratch.slots.extend(answer.into_handles());
                    at = next as usize;
                }
                Node::Fact { fact, next } => {
                    match fact {
                        Fact::Effect(call) => {
                            let mut evidence = Evidence::default();
                            for &slot in &call.evidence {
                                evidence.add(scratch.slots[slot as usize].target(), ctx);
                            }
                            charged = charged
                                .saturating_add(recorder::PROPOSAL_CHARGE)
                                .saturating_add(evidence.cited())
                                .saturating_add(
                                    (call.said.text.len() as u64)
                                        .div_ceil(recorder::TEXT_BYTES_PER_OPERATION),
                                );
                            scratch.effects.push((at as u32, evidence.into_events()));
                        }
                        Fact::Filtered { list, kept } => {
                            let answer = match &scratch.slots[*list as usize] {
                                Held::Events(items) => Answer::Events(select(items, kept)),
                                Held::Offences(items) => Answer::Offences(select(items, kept)),
                                _ => return false,
                            };
                            scratch.slots.extend(answer.into_handles());
                        }
                    }
                    at = *next as usize;
                }
            }
        }
        for (node, evidence) in scratch.effects.drain(..) {
            if let Node::Fact {
                fact: Fact::Effect(call),
                ..
            } = &self.nodes[node as usize]
            {
                apply(effects, call, evidence);
            }
        }
        true
    }
}

/// Buffers one thread reuses across replays.
#[derive(Default)]
pub struct Scratch {
    /// The handles of the run being replayed, by number.
    slots: Vec<Held>,
    effects: Vec<(u32, Items)>,
}

/// How often one rule file was replayed and how often rhai ran it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleStats {
    /// Runs replayed from the tree.
    pub replayed: u64,
    /// Runs rhai did (a new path, or a closed tree).
    pub ran: u64,
}

/// One worker thread's memo: a tree per rule file, the buffers replays use,
/// and what it counted. Each thread has its own (see [`crate::screen`] for
/// why), so nothing here is locked.
pub struct Memo {
    trees: Vec<Tree>,
    /// `[limits] max_operations`: a replay must fit it as a run would.
    budget: u64,
    scratch: Scratch,
    stats: Vec<RuleStats>,
    /// Paths rhai ran for the person being screened, added after them.
    learned: Vec<(usize, Recorded)>,
}

impl Memo {
    /// An empty memo for `rule_files` rule files run under `budget`
    /// operations each (`[limits] max_operations`).
    pub fn new(rule_files: usize, budget: u64) -> Memo {
        Memo {
            trees: (0..rule_files).map(|_| Tree::default()).collect(),
            budget,
            scratch: Scratch::default(),
            stats: vec![RuleStats::default(); rule_files],
            learned: Vec::new(),
        }
    }

    /// Replays rule file `n` for one person (see [`Tree::replay`]), counting
    /// the outcome.
    pub fn replay(&mut self, n: usize, ctx: &PersonCtx, effects: &mut Effects) -> bool {
        let replayed = self.trees[n].replay(ctx, effects, &mut self.scratch, self.budget);
        let stats = &mut self.stats[n];
        if replayed {
            stats.replayed += 1;
        } else {
            stats.ran += 1;
        }
        replayed
    }

    /// Whether a run of rule file `n` is worth recording.
    pub fn growing(&self, n: usize) -> bool {
        self.trees[n].growing()
    }

    /// Keeps the path rhai took through rule file `n`, to add after this person.
    pub fn keep(&mut self, n: usize, path: Recorded) {
        self.learned.push((n, path));
    }

    /// Adds the paths kept while screening the last person.
    pub fn learn(&mut self) {
        for (n, path) in self.learned.drain(..) {
            self.trees[n].insert(path);
        }
    }

    /// Per rule file: runs replayed and runs rhai had to do.
    pub fn stats(&self) -> &[RuleStats] {
        &self.stats
    }

    /// Nodes in each rule file's tree.
    pub fn sizes(&self) -> Vec<usize> {
        self.trees.iter().map(Tree::len).collect()
    }
}

/// Events cited as evidence (indices into the batch), in the order cited,
/// each once. Repeats are found by index, so citing thousands of events stays
/// linear.
#[derive(Default)]
pub struct Evidence {
    indices: Items,
    seen: std::collections::HashSet<u32>,
    /// Events cited, repeats included: what citing cost.
    cited: u64,
}

/// Up to this many events, a scan finds repeats faster than hashing.
const SCAN: usize = 16;

impl Evidence {
    /// Adds what `target` holds: its events, or its offences' events.
    pub fn add(&mut self, target: Target, ctx: &PersonCtx) {
        match target {
            // Not evidence: `cite` accepts events and offences only.
            Target::Person | Target::Decision(_) | Target::OpenAction(_) => {}
            Target::Events(items) => items.iter().for_each(|&i| self.push(i)),
            Target::Event(i) => self.push(i),
            Target::Offences(items) => {
                for &o in items {
                    ctx.offences[o as usize]
                        .events
                        .iter()
                        .for_each(|&i| self.push(i));
                }
            }
            Target::Offence(o) => ctx.offences[o as usize]
                .events
                .iter()
                .for_each(|&i| self.push(i)),
        }
    }

    /// Events cited, repeats included.
    pub fn cited(&self) -> u64 {
        self.cited
    }

    /// The events cited, in order.
    pub fn into_events(self) -> Items {
        self.indices
    }

    fn push(&mut self, index: u32) {
        self.cited += 1;
        let new = if self.indices.len() < SCAN {
            !self.indices.contains(&index)
        } else {
            if self.seen.is_empty() {
                self.seen.extend(self.indices.iter().copied());
            }
            self.seen.insert(index)
        };
        if new {
            self.indices.push(index);
        }
    }
}

/// Applies one effect to a person's effects: what it said, with the events it
/// cited.
pub fn apply(effects: &mut Effects, call: &EffectCall, evidence: Items) {
    effects.add(Arc::clone(&call.said), evidence);
}
