//! A registered event as read from events.csv (SPEC §1), after validation.

use rhai::ImmutableString;

use crate::time::Date;

/// What kind of registration an event is.
///
/// Only `Suspicion`, `Charge` and `Conviction` can ever be offences: a victim is
/// never an offender and an arrest (`Custody`) is not a charge. That rule is fixed
/// here, not in config, because it answers documented failures of other tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    Suspicion,
    Charge,
    Conviction,
    Victim,
    Observation,
    Concern,
    Custody,
    Release,
}

impl EventKind {
    pub const TOKENS: &'static [&'static str] = &[
        "suspicion",
        "charge",
        "conviction",
        "victim",
        "observation",
        "concern",
        "custody",
        "release",
    ];
    const ALL: [EventKind; 8] = [
        EventKind::Suspicion,
        EventKind::Charge,
        EventKind::Conviction,
        EventKind::Victim,
        EventKind::Observation,
        EventKind::Concern,
        EventKind::Custody,
        EventKind::Release,
    ];

    pub fn parse(token: &str) -> Option<EventKind> {
        Self::TOKENS
            .iter()
            .position(|t| *t == token)
            .map(|i| Self::ALL[i])
    }

    pub fn as_str(self) -> &'static str {
        Self::TOKENS[self as usize]
    }

    /// Kinds that must carry an offence code.
    pub fn needs_offence_code(self) -> bool {
        matches!(
            self,
            EventKind::Suspicion | EventKind::Charge | EventKind::Conviction | EventKind::Victim
        )
    }

    /// Kinds that may carry a `tag`.
    pub fn takes_tag(self) -> bool {
        matches!(self, EventKind::Observation | EventKind::Concern)
    }

    /// Kinds that can make an offence (subject to the offence's category).
    pub fn is_offending(self) -> bool {
        matches!(
            self,
            EventKind::Suspicion | EventKind::Charge | EventKind::Conviction
        )
    }
}

/// One validated row of events.csv.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: ImmutableString,
    /// Index of the person in the batch.
    pub person: u32,
    pub date: Date,
    pub kind: EventKind,
    /// Index into the offence catalogue.
    pub offence: Option<u16>,
    pub case_id: Option<ImmutableString>,
    pub tag: Option<ImmutableString>,
}
