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
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use rhai::ImmutableString;

use super::query::{self, Answer, Items, Key, Op, Target};
use super::recorder::Effects;
use super::view::PersonCtx;
use crate::proposal::{Proposal, Reason};

/// Nodes one rule file's tree may grow to on one thread (about 100 bytes each).
pub const MAX_NODES: usize = 200_000;

/// One question: which handle (by the order handles were made in this run;
/// 0 is `person`) and what was asked of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub slot: u32,
    pub op: Op,
}

/// What an effect function was called with, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectCall {
    pub line: usize,
    pub proposal: Proposal,
    pub text: ImmutableString,
    /// Handles cited as evidence, in the order given.
    pub evidence: Vec<u32>,
}

/// What happened in a run besides questions.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Effect(EffectCall),
    /// `list.filter(…)`: a new list of the items of `list` whose closure
    /// returned true.
    Filtered {
        list: u32,
        kept: Vec<bool>,
    },
}

/// One step of a recorded run.
#[derive(Debug)]
pub enum Step {
    Ask(Query, Key),
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
    End,
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

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        matches!(self.nodes[0], Node::Open)
    }

    fn push(&mut self) -> u32 {
        self.nodes.push(Node::Open);
        (self.nodes.len() - 1) as u32
    }

    /// Adds the path of a successful run.
    pub fn insert(&mut self, steps: Vec<Step>) {
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
        match &self.nodes[at] {
            Node::Open => self.nodes[at] = Node::End,
            Node::End => {}
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
    pub fn replay(&self, ctx: &PersonCtx, effects: &mut Effects, scratch: &mut Scratch) -> bool {
        if self.closed && self.is_empty() {
            return false;
        }
        scratch.slots.clear();
        scratch.slots.push(Slot::Person);
        scratch.effects.clear();
        let mut at = 0usize;
        loop {
            match &self.nodes[at] {
                Node::Open => return false,
                Node::End => break,
                Node::Ask { query, branches } => {
                    let target = scratch.slots[query.slot as usize].target();
                    let Ok(answer) = query::answer(&query.op, target, ctx) else {
                        return false;
                    };
                    let Some(next) = branches.get(&answer) else {
                        return false;
                    };
                    scratch.take(answer);
                    at = next as usize;
                }
                Node::Fact { fact, next } => {
                    match fact {
                        Fact::Effect(call) => {
                            let mut ids = EvidenceIds::default();
                            for &slot in &call.evidence {
                                ids.add(scratch.slots[slot as usize].target(), ctx);
                            }
                            scratch.effects.push((at as u32, ids.ids));
                        }
                        Fact::Filtered { list, kept } => {
                            let slot = match &scratch.slots[*list as usize] {
                                Slot::Events(items) => Slot::Events(select(items, kept)),
                                Slot::Offences(items) => Slot::Offences(select(items, kept)),
                                _ => return false,
                            };
                            scratch.slots.push(slot);
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

fn select(items: &[u32], kept: &[bool]) -> Items {
    items
        .iter()
        .zip(kept)
        .filter(|(_, k)| **k)
        .map(|(i, _)| *i)
        .collect()
}

/// A handle during a replay.
enum Slot {
    Person,
    Events(Items),
    Offences(Items),
    Event(u32),
    Offence(u32),
}

impl Slot {
    fn target(&self) -> Target<'_> {
        match self {
            Slot::Person => Target::Person,
            Slot::Events(items) => Target::Events(items),
            Slot::Offences(items) => Target::Offences(items),
            Slot::Event(i) => Target::Event(*i),
            Slot::Offence(i) => Target::Offence(*i),
        }
    }
}

/// Buffers one thread reuses across replays.
#[derive(Default)]
pub struct Scratch {
    slots: Vec<Slot>,
    effects: Vec<(u32, Vec<ImmutableString>)>,
}

impl Scratch {
    /// Keeps the handles an answer makes, numbered as the recording numbered them.
    fn take(&mut self, answer: Answer) {
        match answer {
            Answer::Value(_) => {}
            Answer::Events(items) => self.slots.push(Slot::Events(items)),
            Answer::Offences(items) => self.slots.push(Slot::Offences(items)),
            Answer::Event(i) => self.slots.push(Slot::Event(i)),
            Answer::Offence(i) => self.slots.push(Slot::Offence(i)),
            Answer::Items { events, items } => self.slots.extend(items.into_iter().map(|i| {
                if events {
                    Slot::Event(i)
                } else {
                    Slot::Offence(i)
                }
            })),
        }
    }
}

/// How many handles an answer makes.
pub fn handles_made(answer: &Answer) -> u32 {
    match answer {
        Answer::Value(_) => 0,
        Answer::Items { items, .. } => items.len() as u32,
        _ => 1,
    }
}

/// One tree per rule file. Replays read it; paths a worker learned while
/// screening a person are added after that person.
pub struct Memo {
    trees: RwLock<Vec<Tree>>,
}

impl Memo {
    pub fn new(rules: usize) -> Memo {
        Memo {
            trees: RwLock::new((0..rules).map(|_| Tree::default()).collect()),
        }
    }

    /// The trees, for replaying.
    pub fn read(&self) -> RwLockReadGuard<'_, Vec<Tree>> {
        self.trees.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds the paths a worker learned.
    pub fn learn(&self, worker: &mut Worker) {
        if worker.learned.is_empty() {
            return;
        }
        let mut trees = self.trees.write().unwrap_or_else(PoisonError::into_inner);
        for (rule, path) in worker.learned.drain(..) {
            trees[rule].insert(path);
        }
    }

    /// Nodes in each rule file's tree.
    pub fn sizes(&self) -> Vec<usize> {
        self.read().iter().map(Tree::len).collect()
    }
}

/// One worker thread's side of the memo: its buffers, what it counted, and
/// the paths it learned since it last handed them to the [`Memo`].
pub struct Worker {
    pub scratch: Scratch,
    /// Per rule file: runs replayed, and runs rhai had to do.
    pub hits: Vec<u64>,
    pub misses: Vec<u64>,
    pub learned: Vec<(usize, Vec<Step>)>,
}

impl Worker {
    pub fn new(rules: usize) -> Worker {
        Worker {
            scratch: Scratch::default(),
            hits: vec![0; rules],
            misses: vec![0; rules],
            learned: Vec::new(),
        }
    }
}

/// Event ids cited as evidence, in the order cited, each once. Repeats are
/// found by event index, so citing thousands of events stays linear.
#[derive(Default)]
pub struct EvidenceIds {
    pub ids: Vec<ImmutableString>,
    indices: Vec<u32>,
    seen: std::collections::HashSet<u32>,
}

/// Up to this many events, a scan finds repeats faster than hashing.
const SCAN: usize = 16;

impl EvidenceIds {
    pub fn add(&mut self, target: Target, ctx: &PersonCtx) {
        match target {
            Target::Person => {}
            Target::Events(items) => items.iter().for_each(|&i| self.push(i, ctx)),
            Target::Event(i) => self.push(i, ctx),
            Target::Offences(items) => {
                for &o in items {
                    ctx.offences[o as usize]
                        .events
                        .iter()
                        .for_each(|&i| self.push(i, ctx));
                }
            }
            Target::Offence(o) => ctx.offences[o as usize]
                .events
                .iter()
                .for_each(|&i| self.push(i, ctx)),
        }
    }

    fn push(&mut self, index: u32, ctx: &PersonCtx) {
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
            self.ids.push(ctx.event_id(index));
        }
    }
}

/// Applies one effect to a person's effects: its reason, with the evidence's
/// event ids, joins the person's proposals (see [`crate::combine`]).
pub fn apply(effects: &mut Effects, call: &EffectCall, evidence: Vec<ImmutableString>) {
    effects.proposals.add(Reason {
        rule: effects.rule.clone(),
        line: call.line,
        proposal: call.proposal.clone(),
        text: call.text.clone(),
        evidence,
    });
}
