//! Handles: everything a rule holds of a person.
//!
//! `person`, every list and every item a rule holds is a handle: the person's
//! context, what it holds ([`Held`]), and its number in the rule file's run
//! (`person` is 0; the rest in the order answers made them). The fields are
//! private to this module, and the only way into a handle is to ask it
//! something ([`PersonView::ask`] and its siblings), which answers through
//! [`query::answer`] and notes the question for the memo's path (and, while
//! tracing, for `explain`). So a rule cannot learn anything about a person
//! that the memo did not see it ask: the memo's soundness rests on that, and
//! the compiler keeps it.

use std::sync::Arc;

use rhai::{Array, Dynamic, EvalAltResult, FnPtr, NativeCallContext, Position};

use super::memo::{Evidence, Fact};
use super::query::{self, Answer, Fail, Held, Items, Op, Value};
use super::recorder;
use super::view::PersonCtx;

/// A rhai result.
pub type Fallible<T> = Result<T, Box<EvalAltResult>>;

/// One handle (see the module documentation).
#[derive(Clone)]
struct Handle {
    ctx: Arc<PersonCtx>,
    held: Held,
    slot: u32,
}

impl Handle {
    /// Asks `op` of this handle: answers it in Rust, notes it for the memo's
    /// path (and, while tracing, for `explain`, when `call` is given), and
    /// hands rhai the answer.
    fn ask(&self, call: Option<&NativeCallContext>, op: Op) -> Fallible<Dynamic> {
        let answer = match query::answer(&op, self.held.target(), &self.ctx) {
            Ok(answer) => answer,
            Err(fail) => {
                recorder::failed();
                return Err(match fail {
                    Fail::Bounds(len, i) => {
                        EvalAltResult::ErrorArrayBounds(len, i, Position::NONE).into()
                    }
                    Fail::Message(m) => super::api_error(m),
                });
            }
        };
        if let Some(call) = call
            && let Some(words) = op.words()
        {
            look(call, words, &answer, &self.ctx);
        }
        let key = answer.key();
        if let Answer::Value(value) = answer {
            recorder::asked(self.slot, op, key, 0);
            return Ok(dynamic(value));
        }
        let handles = answer.into_handles();
        let first = recorder::asked(self.slot, op, key, handles.len() as u32);
        Ok(self.wrap(handles, first))
    }

    /// New handles for rhai, numbered from `first`: one, or an array of items.
    fn wrap(&self, handles: query::Handles, first: u32) -> Dynamic {
        let items = handles.is_items();
        let mut made = handles.enumerate().map(|(n, held)| {
            let handle = Handle {
                ctx: Arc::clone(&self.ctx),
                held,
                slot: first + n as u32,
            };
            handle.into_dynamic()
        });
        if items {
            Dynamic::from_array(made.collect())
        } else {
            made.next().unwrap_or(Dynamic::UNIT)
        }
    }

    fn into_dynamic(self) -> Dynamic {
        match self.held {
            Held::Person => Dynamic::from(PersonView(self)),
            Held::Events(_) => Dynamic::from(EventList(self)),
            Held::Offences(_) => Dynamic::from(OffenceList(self)),
            Held::Event(_) => Dynamic::from(EventItem(self)),
            Held::Offence(_) => Dynamic::from(OffenceItem(self)),
            Held::Decision(_) => Dynamic::from(DecisionItem(self)),
            Held::OpenAction(_) => Dynamic::from(OpenActionItem(self)),
        }
    }

    /// `list.filter(|x| …)`: the closure runs in rhai for each item (each
    /// asked for as one question); the memo keeps which items it kept.
    fn filter(&self, call: &NativeCallContext, f: &FnPtr) -> Fallible<Dynamic> {
        let items = self
            .ask(None, Op::Iterate)?
            .into_array()
            .unwrap_or_default();
        let mut kept = Vec::with_capacity(items.len());
        for item in items {
            kept.push(f.call_within_context::<bool>(call, (item,))?);
        }
        let answer = match &self.held {
            Held::Events(list) => Answer::Events(select(list, &kept)),
            Held::Offences(list) => Answer::Offences(select(list, &kept)),
            _ => return Err(super::api_error("only a list can be filtered")),
        };
        look(call, "matching the condition".into(), &answer, &self.ctx);
        let handles = answer.into_handles();
        let fact = || Fact::Filtered {
            list: self.slot,
            kept: kept.clone(),
        };
        let first = recorder::did(fact, handles.len() as u32);
        Ok(self.wrap(handles, first))
    }

    /// `for x in list`: the items, each a handle, asked for as one question.
    fn items(&self) -> Fallible<Array> {
        Ok(self
            .ask(None, Op::Iterate)?
            .into_array()
            .unwrap_or_default())
    }
}

/// The items of `list` whose flag in `kept` is set.
pub fn select(list: &[u32], kept: &[bool]) -> Items {
    list.iter()
        .zip(kept)
        .filter(|(_, k)| **k)
        .map(|(i, _)| *i)
        .collect()
}

fn dynamic(v: Value) -> Dynamic {
    match v {
        Value::Unit => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(b),
        Value::Int(i) => Dynamic::from_int(i),
        Value::Str(s) => Dynamic::from(s),
        Value::Date(d) => Dynamic::from(d),
        Value::Tokens(t) => Dynamic::from_array(t.into_iter().map(Dynamic::from).collect()),
    }
}

/// Records, for `explain`, that a rule asked for a list and what it got.
fn look(call: &NativeCallContext, what: String, answer: &Answer, ctx: &PersonCtx) {
    recorder::look(super::api::line(call), || {
        let (n, one, many, events) = match answer {
            Answer::Events(items) => (items.len(), "event", "events", items.to_vec()),
            Answer::Offences(items) => (
                items.len(),
                "offence",
                "offences",
                items
                    .iter()
                    .flat_map(|&o| ctx.offences[o as usize].events.iter().copied())
                    .collect(),
            ),
            _ => return (what, String::new(), Vec::new()),
        };
        (
            what,
            format!("{n} {}", if n == 1 { one } else { many }),
            events,
        )
    });
}

macro_rules! handle_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(Handle);

        impl $name {
            /// Asks `op` of this handle (see `Handle::ask`); `call` is given
            /// for the questions `explain` lists.
            pub fn ask(&self, call: Option<&NativeCallContext>, op: Op) -> Fallible<Dynamic> {
                self.0.ask(call, op)
            }
        }
    };
}

handle_type!(
    /// `person`: handle number 0 of every rule file's run.
    PersonView
);
handle_type!(
    /// A list of events.
    EventList
);
handle_type!(
    /// A list of offences.
    OffenceList
);
handle_type!(
    /// One event.
    EventItem
);
handle_type!(
    /// One offence.
    OffenceItem
);
handle_type!(
    /// One earlier decision of the meeting, from the case register.
    DecisionItem
);
handle_type!(
    /// One action still open from the previous run, from the case register.
    OpenActionItem
);

impl PersonView {
    /// The `person` of a run over `ctx`.
    pub fn new(ctx: Arc<PersonCtx>) -> PersonView {
        PersonView(Handle {
            ctx,
            held: Held::Person,
            slot: 0,
        })
    }
}

impl EventList {
    /// `filter(|e| …)`.
    pub fn filter(&self, call: &NativeCallContext, f: &FnPtr) -> Fallible<Dynamic> {
        self.0.filter(call, f)
    }

    /// The batch's tag vocabulary (tryg.toml, not the person's data), which
    /// `tagged(…)` checks its tokens against.
    pub fn known_tags(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.ctx.world.tags.iter().map(String::as_str)
    }
}

impl OffenceList {
    /// `filter(|o| …)`.
    pub fn filter(&self, call: &NativeCallContext, f: &FnPtr) -> Fallible<Dynamic> {
        self.0.filter(call, f)
    }
}

/// `for e in list`: rhai needs an owned iterator; an error while asking
/// (impossible for a list's own items) ends the loop empty and fails the
/// run, so it is never silently taken for an empty list.
macro_rules! list_iterator {
    ($name:ident) => {
        impl IntoIterator for $name {
            type Item = Dynamic;
            type IntoIter = std::vec::IntoIter<Dynamic>;
            fn into_iter(self) -> Self::IntoIter {
                match self.0.items() {
                    Ok(items) => items.into_iter(),
                    Err(_) => {
                        recorder::failed();
                        recorder::fail_run("a list's items could not be read");
                        Vec::new().into_iter()
                    }
                }
            }
        }
    };
}
list_iterator!(EventList);
list_iterator!(OffenceList);

/// The handles an evidence argument names, in the order given: their numbers
/// (for the memo) and their event ids, each once.
///
/// # Errors
/// Evidence that is not an event, an offence, a list of either, an array of
/// these, or `()`.
pub fn cite(value: &Dynamic, slots: &mut Vec<u32>, evidence: &mut Evidence) -> Fallible<()> {
    let mut add = |h: &Handle| {
        slots.push(h.slot);
        evidence.add(h.held.target(), &h.ctx);
    };
    if value.is_unit() {
    } else if let Some(l) = value.read_lock::<EventList>() {
        add(&l.0);
    } else if let Some(l) = value.read_lock::<OffenceList>() {
        add(&l.0);
    } else if let Some(e) = value.read_lock::<EventItem>() {
        add(&e.0);
    } else if let Some(o) = value.read_lock::<OffenceItem>() {
        add(&o.0);
    } else if value.is_array() {
        for item in value.clone().into_array().unwrap_or_default() {
            cite(&item, slots, evidence)?;
        }
    } else {
        return Err(super::api_error(format!(
            "evidence must be events, offences, a list of them or (), not {}",
            value.type_name()
        )));
    }
    Ok(())
}
