//! Every question a rule can ask about the person, answered in Rust.
//!
//! A rule sees the person only through handles (`person`, lists, items), and
//! every function on a handle is one [`Op`] answered here by [`answer`]. Keeping
//! that one door is what makes [`super::memo`] sound: a rule file's run is a
//! function of the answers it got (rules have no clock, no randomness and no
//! state between persons), so the answers are all that must be asked again to
//! know what it would do for the next person.

use rhai::{INT, ImmutableString};
use smallvec::SmallVec;

use super::view::PersonCtx;
use crate::event::EventKind;
use crate::offence::CategorySet;
use crate::time::{self, Date};

/// Indices of a list: events (into the batch) or offences (into the person's).
/// Most lists a rule builds are short, so they live inline.
pub type Items = SmallVec<[u32; 6]>;

/// How far back a window reaches from the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// `within(n)`: dated on or after the as-of date minus n calendar months
    /// (the month's last day when that day does not exist).
    Months(u32),
    /// `within_days(n)`: dated on or after the as-of date minus n days.
    Days(u32),
}

impl Span {
    fn start(self, as_of: Date) -> Date {
        match self {
            Span::Months(m) => time::months_before(as_of, m),
            Span::Days(d) => time::days_before(as_of, d),
        }
    }

    fn words(self) -> String {
        match self {
            Span::Months(m) => format!("{m} months"),
            Span::Days(d) => format!("{d} days"),
        }
    }
}

/// A field of `person` (`person.age`): the columns of persons.csv, and
/// what the host works out from them and the events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonField {
    /// `id`: the pseudonymous `person_id`.
    Id,
    /// `age`: whole years on the as-of date.
    Age,
    /// `birth_date`: a `Date`.
    BirthDate,
    /// `sex`: `M`, `F`, `X`, or `""` when not given.
    Sex,
    /// `municipality`: the place name as written.
    Municipality,
    /// `district`: the place name, or `""` when not given.
    District,
    /// `address_known`: a bool (`true` when not given).
    AddressKnown,
    /// `gang_affiliation`: `none`, `peripheral`, `bubbler` or `core`.
    GangAffiliation,
    /// `in_custody`: a bool.
    InCustody,
    /// `exit_program`: a bool.
    ExitProgram,
    /// `last_letter_date`: a `Date`, or `()` when not given.
    LastLetterDate,
    /// `risk_factors`: an array of tokens.
    RiskFactors,
    /// `protective_factors`: an array of tokens.
    ProtectiveFactors,
    /// `offences`: every usable offence, in date order.
    Offences,
    /// `events`: every usable event, in date order.
    Events,
}

/// A field of one event (`e.kind`). Text fields an event lacks are `""`;
/// the flags of an event without an offence code are `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventField {
    /// `id`: the `event_id`.
    Id,
    /// `date`: a `Date`.
    Date,
    /// `kind`: `suspicion`, `charge`, `conviction`, `victim`, …
    Kind,
    /// `tag`: a token of `[vocabulary] tags`.
    Tag,
    /// `case_id`: the police case.
    CaseId,
    /// `offence_code`: the gerningskode.
    OffenceCode,
    /// `offence_name`: the code's name in the catalogue.
    OffenceName,
    /// `category`: the code's category token.
    Category,
    /// `serious`: the code's `serious` flag.
    Serious,
    /// `person_dangerous`: the code's `person_dangerous` flag.
    PersonDangerous,
    /// `age`: the person's age in whole years on the event's date.
    Age,
    /// `flags`: the registration checks it failed, an array of codes
    /// (`charge-under-15`, …; [`crate::registration`]), empty for most.
    Flags,
}

/// A field of one offence (`o.serious`): its police case's usable offending
/// events taken together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffenceField {
    /// `date`: the date of its earliest event.
    Date,
    /// `age`: the person's age in whole years on that date.
    Age,
    /// `serious`: whether any of its events' codes is.
    Serious,
    /// `person_dangerous`: whether any of its events' codes is.
    PersonDangerous,
    /// `case_id`: the police case, or `""` for a lone event.
    CaseId,
    /// `categories`: an array of category tokens, in SPEC §1's order.
    Categories,
    /// `codes`: its events' offence codes, each once, in date order.
    Codes,
    /// `events`: its events, as a list, in date order.
    Events,
}

/// A field of one earlier decision (`d.decision`), from the case register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionField {
    /// `decision`: `accept`, `reject`, `defer`, `done` or `close`.
    Decision,
    /// `date`: the day decided (for `done`, the day done), a `Date`.
    Date,
    /// `by`: the members who decided, an array of names.
    By,
    /// `agency`: the agency that carries it, or `""`.
    Agency,
    /// `effort`: the effort agreed, or `""`.
    Effort,
    /// `note`: the note for the record, or `""`.
    Note,
    /// `level`: for a decision on `level`, the level; else `()`.
    Level,
    /// `run`: the run whose proposal was decided.
    Run,
    /// `words`: the decision in the words reasons use (`rejected on
    /// 2026-10-20 by Anna, Bo: not now`).
    Words,
}

/// A field of one action still open from the previous run (`a.due`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenActionField {
    /// `kind`: the action's kind.
    Kind,
    /// `due`: its deadline as first given, a `Date`, or `()` without one.
    Due,
    /// `proposed_on`: the as-of date of the run that proposed it last.
    ProposedOn,
    /// `run`: that run's id.
    Run,
    /// `event`: its triggering event, when the batch still holds it among
    /// the person's usable events (by id, or by date, kind and code); else `()`.
    Event,
    /// `decision`: the standing decision on it (`accept` or `defer`), or `()`.
    Decision,
}

/// One question. Arguments are already checked (tokens against the contract),
/// and kept as given for the words `explain` shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// A field of `person`.
    Person(PersonField),
    /// `person.offences_within(n)` / `offences_within_days(n)`.
    OffencesWithin(Span),
    /// `person.events_within(n)` / `events_within_days(n)`.
    EventsWithin(Span),
    /// `person.age_on(date)`: whole years; 0 before birth.
    AgeOn(Date),
    /// `list.len()`.
    Len,
    /// `list.is_empty()`.
    IsEmpty,
    /// `list[i]`, 0-based; a negative index or one past the end fails.
    Index(INT),
    /// `list.latest()`: the last item in date order; `()` for an empty list.
    Latest,
    /// `list.earliest()`: the first item in date order; `()` for an empty list.
    Earliest,
    /// `for x in list`, or the items a `filter` closure is called with.
    Iterate,
    /// `list.within(n)` / `within_days(n)`: the items dated inside the window.
    Within(Span),
    /// `events.of_kind(k)`: the tokens as written, and the kinds they name.
    OfKind(Vec<ImmutableString>, Vec<EventKind>),
    /// `events.tagged(t)`: tokens of `[vocabulary] tags`.
    Tagged(Vec<ImmutableString>),
    /// `list.in_category(c)`: events whose code is of, or offences with any
    /// category in, the set; the tokens as written, and the set.
    InCategory(Vec<ImmutableString>, CategorySet),
    /// `list.serious()`: the serious items.
    Serious,
    /// `list.person_dangerous()`: the person-dangerous items.
    PersonDangerous,
    /// `offences.from_age(n)`: offences committed at age n or older.
    FromAge(u32),
    /// A field of one event.
    Event(EventField),
    /// A field of one offence.
    Offence(OffenceField),
    /// `offence.in_category(c)`: whether any of its categories is in the set.
    OffenceInCategory(CategorySet),
    /// `person.decision_on(p)`: the latest standing decision on `p`
    /// (`level`, `youth_board`, `letter` or an action kind), or `()`.
    DecisionOn(ImmutableString),
    /// `person.open_action(kind)`: the action of `kind` the previous run
    /// proposed and nobody has recorded done, closed or rejected, or `()`.
    OpenAction(ImmutableString),
    /// A field of one earlier decision.
    Decision(DecisionField),
    /// A field of one open action.
    Open(OpenActionField),
    /// `to_string` / `"${x}"` of a handle.
    Describe,
}

impl Op {
    /// What a list-narrowing question asked, in words, for `explain`; `None`
    /// for questions `explain` does not list.
    pub fn words(&self) -> Option<String> {
        let tokens = |t: &[ImmutableString]| t.join(", ");
        Some(match self {
            Op::OffencesWithin(s) => format!("offences within {}", s.words()),
            Op::EventsWithin(s) => format!("events within {}", s.words()),
            Op::Within(s) => format!("within {}", s.words()),
            Op::OfKind(t, _) => format!("of kind {}", tokens(t)),
            Op::Tagged(t) => format!("tagged {}", tokens(t)),
            Op::InCategory(t, _) => format!("in category {}", tokens(t)),
            Op::Serious => "serious".into(),
            Op::PersonDangerous => "person-dangerous".into(),
            Op::FromAge(a) => format!("committed at age {a} or older"),
            _ => return None,
        })
    }
}

/// What a question is asked of.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    /// The person.
    Person,
    /// A list of events: indices into the batch's events, in date order.
    Events(&'a [u32]),
    /// A list of offences: indices into the person's offences, in date order.
    Offences(&'a [u32]),
    /// One event: its index in the batch's events.
    Event(u32),
    /// One offence: its index in the person's offences.
    Offence(u32),
    /// One earlier decision: its index in the person's register entry.
    Decision(u32),
    /// One open action: its index in the person's register entry.
    OpenAction(u32),
}

/// What a handle holds: the person, a list, or one item (events as indices
/// into the batch, offences as indices into the person's offences).
///
/// Handles are made only by [`Answer::into_handles`] (and `person`, always
/// number 0), which numbers them for recording and replay alike.
#[derive(Debug, Clone)]
pub enum Held {
    /// `person` (handle number 0).
    Person,
    /// A list of events: indices into the batch's events.
    Events(Items),
    /// A list of offences: indices into the person's offences.
    Offences(Items),
    /// One event: its index in the batch's events.
    Event(u32),
    /// One offence: its index in the person's offences.
    Offence(u32),
    /// One earlier decision: its index in the person's register entry.
    Decision(u32),
    /// One open action: its index in the person's register entry.
    OpenAction(u32),
}

impl Held {
    /// What a question about this handle is asked of.
    pub fn target(&self) -> Target<'_> {
        match self {
            Held::Person => Target::Person,
            Held::Events(items) => Target::Events(items),
            Held::Offences(items) => Target::Offences(items),
            Held::Event(i) => Target::Event(*i),
            Held::Offence(i) => Target::Offence(*i),
            Held::Decision(i) => Target::Decision(*i),
            Held::OpenAction(i) => Target::OpenAction(*i),
        }
    }
}

/// The handles one answer makes, in the order they are numbered.
pub struct Handles {
    /// A list or an item: one handle.
    one: Option<Held>,
    /// `Iterate`'s items: one handle each (events when `events`).
    items: smallvec::IntoIter<[u32; 6]>,
    events: bool,
}

impl Handles {
    /// Whether the answer is a list's items, one handle each (a rhai array),
    /// rather than one handle.
    pub fn is_items(&self) -> bool {
        self.one.is_none()
    }
}

impl Iterator for Handles {
    type Item = Held;

    fn next(&mut self) -> Option<Held> {
        if let Some(one) = self.one.take() {
            return Some(one);
        }
        let i = self.items.next()?;
        Some(if self.events {
            Held::Event(i)
        } else {
            Held::Offence(i)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.one.is_some()) + self.items.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Handles {}

/// A plain value: what rules compute with. Comparable and hashable, so answers
/// can key the memo's branches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// `()`: no value (no `last_letter_date`, the latest of an empty list).
    Unit,
    /// A bool.
    Bool(bool),
    /// A rhai integer (an age, a length).
    Int(INT),
    /// Text; `""` for a value not given.
    Str(ImmutableString),
    /// A date.
    Date(Date),
    /// An array of tokens (risk factors, categories, codes).
    Tokens(Vec<ImmutableString>),
}

/// An answer: a value, or a new handle (or several, for `Iterate`).
#[derive(Debug, Clone)]
pub enum Answer {
    /// A plain value.
    Value(Value),
    /// A new list of events: indices into the batch's events.
    Events(Items),
    /// A new list of offences: indices into the person's offences.
    Offences(Items),
    /// One event: its index in the batch's events.
    Event(u32),
    /// One offence: its index in the person's offences.
    Offence(u32),
    /// One earlier decision: its index in the person's register entry.
    Decision(u32),
    /// One open action: its index in the person's register entry.
    OpenAction(u32),
    /// The items of a list, each to become a handle: events when `events`.
    Items {
        /// Whether the items are events (else offences).
        events: bool,
        /// Their indices, in the list's order.
        items: Items,
    },
}

/// What of an answer the rest of the run can depend on: a value itself; for a
/// handle only that it is one (what is in it is only seen by asking again).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A value: the value itself.
    Value(Value),
    /// A list or an item: only that a handle was made.
    Handle,
    /// A list's items: how many handles were made.
    Items(usize),
}

impl Answer {
    /// The handles this answer makes, in numbering order: none for a value,
    /// one for a list or an item, one per item for `Iterate`. Recording (the
    /// rhai side) and replay (the memo) both number handles from this, so
    /// they cannot fall out of step.
    pub fn into_handles(self) -> Handles {
        let none = smallvec::SmallVec::new().into_iter();
        let (one, items, events) = match self {
            Answer::Value(_) => (None, none, false),
            Answer::Events(items) => (Some(Held::Events(items)), none, false),
            Answer::Offences(items) => (Some(Held::Offences(items)), none, false),
            Answer::Event(i) => (Some(Held::Event(i)), none, false),
            Answer::Offence(i) => (Some(Held::Offence(i)), none, false),
            Answer::Decision(i) => (Some(Held::Decision(i)), none, false),
            Answer::OpenAction(i) => (Some(Held::OpenAction(i)), none, false),
            Answer::Items { events, items } => (None, items.into_iter(), events),
        };
        Handles { one, items, events }
    }

    /// What of the answer the memo branches on.
    pub fn key(&self) -> Key {
        match self {
            Answer::Value(v) => Key::Value(v.clone()),
            Answer::Items { items, .. } => Key::Items(items.len()),
            _ => Key::Handle,
        }
    }
}

fn text(s: &str) -> Value {
    Value::Str(s.into())
}

fn tokens(list: &[ImmutableString]) -> Value {
    Value::Tokens(list.to_vec())
}

/// Why a question has no answer: a rule error for this person.
#[derive(Debug)]
pub enum Fail {
    /// `list[i]` past the end: (length, index).
    Bounds(usize, INT),
    /// Any other failure, in words (a question this target cannot be asked).
    Message(String),
}

/// Answers `op` about `target`. Only an index out of bounds fails for a
/// registered question; a question a target cannot be asked is not registered
/// with rhai.
pub fn answer(op: &Op, target: Target, ctx: &PersonCtx) -> Result<Answer, Fail> {
    let as_of = ctx.world.as_of;
    Ok(match (target, op) {
        (Target::Person, Op::Person(field)) => person_field(*field, ctx),
        (Target::Person, Op::OffencesWithin(span)) => {
            Answer::Offences(ctx.offences_since(span.start(as_of)))
        }
        (Target::Person, Op::EventsWithin(span)) => {
            Answer::Events(ctx.events_since(span.start(as_of)))
        }
        (Target::Person, Op::AgeOn(d)) => match time::age_on(ctx.person().birth_date, *d) {
            Some(age) => Answer::Value(Value::Int(age.into())),
            None => {
                return Err(Fail::Message(
                    "age_on: the date is before the person's birth date".into(),
                ));
            }
        },
        (Target::Person, Op::DecisionOn(on)) => ctx
            .earlier()
            .and_then(|e| e.decision_on(on))
            .map_or(unit(), Answer::Decision),
        (Target::Person, Op::OpenAction(kind)) => ctx
            .earlier()
            .and_then(|e| e.open_action(kind))
            .map_or(unit(), Answer::OpenAction),
        (Target::Decision(i), Op::Decision(field)) => decision_field(*field, i, ctx),
        (Target::OpenAction(i), Op::Open(field)) => open_action_field(*field, i, ctx),
        (Target::Decision(i), Op::Describe) => decision_field(DecisionField::Words, i, ctx),
        (Target::OpenAction(i), Op::Describe) => {
            let a = &register(ctx).open_actions[i as usize];
            Answer::Value(Value::Str(
                format!("open action {} of run {}", a.kind, a.run).into(),
            ))
        }
        (Target::Person, Op::Describe) => {
            Answer::Value(Value::Str(format!("person {}", ctx.person().id).into()))
        }

        (Target::Events(l) | Target::Offences(l), Op::Len) => {
            Answer::Value(Value::Int(l.len() as INT))
        }
        (Target::Events(l) | Target::Offences(l), Op::IsEmpty) => {
            Answer::Value(Value::Bool(l.is_empty()))
        }
        (Target::Events(l), Op::Index(i)) => Answer::Event(index(l, *i)?),
        (Target::Offences(l), Op::Index(i)) => Answer::Offence(index(l, *i)?),
        (Target::Events(l), Op::Latest) => l.last().map_or(unit(), |&i| Answer::Event(i)),
        (Target::Events(l), Op::Earliest) => l.first().map_or(unit(), |&i| Answer::Event(i)),
        (Target::Offences(l), Op::Latest) => l.last().map_or(unit(), |&i| Answer::Offence(i)),
        (Target::Offences(l), Op::Earliest) => l.first().map_or(unit(), |&i| Answer::Offence(i)),
        (Target::Events(l), Op::Iterate) => Answer::Items {
            events: true,
            items: l.into(),
        },
        (Target::Offences(l), Op::Iterate) => Answer::Items {
            events: false,
            items: l.into(),
        },

        (Target::Events(l), Op::Describe) => Answer::Value(describe_events(l, ctx)),
        (Target::Offences(l), Op::Describe) => {
            Answer::Value(Value::Str(format!("{} offence(s)", l.len()).into()))
        }
        (Target::Events(l), op) => Answer::Events(narrow_events(op, l, ctx)?),
        (Target::Offences(l), op) => Answer::Offences(narrow_offences(op, l, ctx)?),
        (Target::Event(i), Op::Event(field)) => event_field(*field, i, ctx),
        (Target::Event(i), Op::Describe) => {
            let e = ctx.event(i);
            Answer::Value(Value::Str(
                format!(
                    "event {} ({} {})",
                    ctx.world.batch.event_id(e),
                    e.kind.as_str(),
                    e.date
                )
                .into(),
            ))
        }
        (Target::Offence(o), Op::Offence(field)) => offence_field(*field, o, ctx),
        (Target::Offence(o), Op::OffenceInCategory(set)) => Answer::Value(Value::Bool(
            ctx.offences[o as usize].categories.intersects(*set),
        )),
        (Target::Offence(o), Op::Describe) => Answer::Value(Value::Str(
            format!("offence of {}", ctx.offences[o as usize].date).into(),
        )),
        _ => return Err(Fail::Message(format!("`{op:?}` cannot be asked here"))),
    })
}

fn unit() -> Answer {
    Answer::Value(Value::Unit)
}

fn index(list: &[u32], i: INT) -> Result<u32, Fail> {
    usize::try_from(i)
        .ok()
        .and_then(|i| list.get(i).copied())
        .ok_or(Fail::Bounds(list.len(), i))
}

fn narrow_events(op: &Op, list: &[u32], ctx: &PersonCtx) -> Result<Items, Fail> {
    let batch = &ctx.world.batch;
    let keep = |pred: &dyn Fn(&crate::event::Event) -> bool| -> Items {
        list.iter()
            .copied()
            .filter(|&i| pred(ctx.event(i)))
            .collect()
    };
    let def = |e: &crate::event::Event| ctx.offence_def(e);
    Ok(match op {
        Op::Within(span) => {
            let start = span.start(ctx.world.as_of);
            keep(&|e| e.date >= start)
        }
        Op::OfKind(_, kinds) => keep(&|e| kinds.contains(&e.kind)),
        Op::Tagged(tags) => keep(&|e| batch.tag(e).is_some_and(|t| tags.contains(t))),
        Op::InCategory(_, set) => keep(&|e| def(e).is_some_and(|d| set.contains(d.category))),
        Op::Serious => keep(&|e| def(e).is_some_and(|d| d.serious)),
        Op::PersonDangerous => keep(&|e| def(e).is_some_and(|d| d.person_dangerous)),
        _ => return Err(Fail::Message(format!("`{op:?}` cannot be asked of events"))),
    })
}

fn narrow_offences(op: &Op, list: &[u32], ctx: &PersonCtx) -> Result<Items, Fail> {
    let keep = |pred: &dyn Fn(&super::view::Offence) -> bool| -> Items {
        list.iter()
            .copied()
            .filter(|&i| pred(&ctx.offences[i as usize]))
            .collect()
    };
    Ok(match op {
        Op::Within(span) => {
            let start = span.start(ctx.world.as_of);
            keep(&|o| o.date >= start)
        }
        Op::InCategory(_, set) => keep(&|o| o.categories.intersects(*set)),
        Op::Serious => keep(&|o| o.serious),
        Op::PersonDangerous => keep(&|o| o.person_dangerous),
        Op::FromAge(min) => keep(&|o| o.age >= *min),
        _ => {
            return Err(Fail::Message(format!(
                "`{op:?}` cannot be asked of offences"
            )));
        }
    })
}

fn person_field(field: PersonField, ctx: &PersonCtx) -> Answer {
    let p = ctx.person();
    let value = match field {
        PersonField::Id => Value::Str(p.id.clone()),
        PersonField::Age => Value::Int(ctx.age.unwrap_or(0).into()),
        PersonField::BirthDate => Value::Date(p.birth_date),
        PersonField::Sex => text(p.sex.map_or("", |s| s.as_str())),
        PersonField::Municipality => Value::Str(p.municipality.clone()),
        PersonField::District => Value::Str(p.district.clone().unwrap_or_default()),
        PersonField::AddressKnown => Value::Bool(p.address_known),
        PersonField::GangAffiliation => text(p.gang_affiliation.as_str()),
        PersonField::InCustody => Value::Bool(p.in_custody),
        PersonField::ExitProgram => Value::Bool(p.exit_program),
        // The later of the column and a letter recorded done in the register.
        PersonField::LastLetterDate => p
            .last_letter_date
            .max(ctx.earlier().and_then(|e| e.letter_done()))
            .map_or(Value::Unit, Value::Date),
        PersonField::RiskFactors => tokens(&p.risk_factors),
        PersonField::ProtectiveFactors => tokens(&p.protective_factors),
        PersonField::Offences => return Answer::Offences((0..ctx.offences.len() as u32).collect()),
        PersonField::Events => return Answer::Events(ctx.usable.iter().copied().collect()),
    };
    Answer::Value(value)
}

fn event_field(field: EventField, index: u32, ctx: &PersonCtx) -> Answer {
    let batch = &ctx.world.batch;
    let e = ctx.event(index);
    let def = ctx.offence_def(e);
    Answer::Value(match field {
        EventField::Id => Value::Str(batch.event_id(e).into()),
        EventField::Date => Value::Date(e.date),
        EventField::Kind => text(e.kind.as_str()),
        EventField::Tag => Value::Str(batch.tag(e).cloned().unwrap_or_default()),
        EventField::CaseId => Value::Str(batch.case_id(e).unwrap_or_default().into()),
        EventField::OffenceCode => Value::Str(def.map(|d| d.code.clone()).unwrap_or_default()),
        EventField::OffenceName => Value::Str(def.map(|d| d.name.clone()).unwrap_or_default()),
        EventField::Category => text(def.map_or("", |d| d.category.as_str())),
        EventField::Serious => Value::Bool(def.is_some_and(|d| d.serious)),
        EventField::PersonDangerous => Value::Bool(def.is_some_and(|d| d.person_dangerous)),
        EventField::Age => Value::Int(ctx.age_on(e.date).into()),
        EventField::Flags => Value::Tokens(e.flags.iter().map(|f| f.as_str().into()).collect()),
    })
}

/// The person's register entry; only asked for through a handle that an
/// entry made.
fn register(ctx: &PersonCtx) -> &crate::history::Earlier {
    ctx.earlier()
        .expect("a register handle is made only from the person's entry")
}

fn decision_field(field: DecisionField, index: u32, ctx: &PersonCtx) -> Answer {
    let d = &register(ctx).decisions[index as usize];
    let or_empty = |t: &Option<String>| Value::Str(t.as_deref().unwrap_or("").into());
    Answer::Value(match field {
        DecisionField::Decision => text(&d.decision),
        DecisionField::Date => Value::Date(d.decided_on),
        DecisionField::By => Value::Tokens(d.by.iter().map(|b| b.as_str().into()).collect()),
        DecisionField::Agency => or_empty(&d.agency),
        DecisionField::Effort => or_empty(&d.effort),
        DecisionField::Note => or_empty(&d.note),
        DecisionField::Level => d.level.map_or(Value::Unit, Value::Int),
        DecisionField::Run => Value::Int(d.run),
        DecisionField::Words => Value::Str(d.words().into()),
    })
}

fn open_action_field(field: OpenActionField, index: u32, ctx: &PersonCtx) -> Answer {
    let a = &register(ctx).open_actions[index as usize];
    Answer::Value(match field {
        OpenActionField::Kind => text(&a.kind),
        OpenActionField::Due => a.due.map_or(Value::Unit, Value::Date),
        OpenActionField::ProposedOn => Value::Date(a.proposed_on),
        OpenActionField::Run => Value::Int(a.run),
        OpenActionField::Event => return trigger_event(a.trigger.as_ref(), ctx),
        OpenActionField::Decision => return a.decision.map_or(unit(), Answer::Decision),
    })
}

/// The person's usable event an open action was triggered by: the same id,
/// else the same date, kind and code (a new export may renumber events).
fn trigger_event(trigger: Option<&crate::history::Trigger>, ctx: &PersonCtx) -> Answer {
    let Some(t) = trigger else { return unit() };
    let batch = &ctx.world.batch;
    let by_id = t.id.as_deref().and_then(|id| {
        ctx.usable
            .iter()
            .copied()
            .find(|&i| batch.event_id(ctx.event(i)) == id)
    });
    let by_what = || {
        ctx.usable.iter().copied().find(|&i| {
            let e = ctx.event(i);
            Some(e.date) == t.date
                && t.kind.as_deref() == Some(e.kind.as_str())
                && t.code.as_deref() == ctx.offence_def(e).map(|d| d.code.as_str())
        })
    };
    by_id.or_else(by_what).map_or(unit(), Answer::Event)
}

fn offence_field(field: OffenceField, index: u32, ctx: &PersonCtx) -> Answer {
    let o = &ctx.offences[index as usize];
    Answer::Value(match field {
        OffenceField::Date => Value::Date(o.date),
        OffenceField::Age => Value::Int(o.age.into()),
        OffenceField::Serious => Value::Bool(o.serious),
        OffenceField::PersonDangerous => Value::Bool(o.person_dangerous),
        OffenceField::CaseId => Value::Str(o.case_id.clone().unwrap_or_default()),
        OffenceField::Categories => Value::Tokens(
            o.categories
                .iter()
                .map(|c| ImmutableString::from(c.as_str()))
                .collect(),
        ),
        OffenceField::Codes => {
            let mut codes: Vec<ImmutableString> = Vec::new();
            for &i in &o.events {
                if let Some(d) = ctx.offence_def(ctx.event(i))
                    && !codes.contains(&d.code)
                {
                    codes.push(d.code.clone());
                }
            }
            Value::Tokens(codes)
        }
        OffenceField::Events => return Answer::Events(o.events.iter().copied().collect()),
    })
}

/// Events a list of events names, for `"${list}"`.
pub fn describe_events(list: &[u32], ctx: &PersonCtx) -> Value {
    let batch = &ctx.world.batch;
    let ids: Vec<&str> = list.iter().map(|&i| batch.event_id(ctx.event(i))).collect();
    Value::Str(format!("events [{}]", ids.join(", ")).into())
}
