//! A registered event as read from events.csv (SPEC §1), after validation.

use crate::registration::Flags;
use crate::time::Date;

crate::proposal::token_enum! {
    /// What kind of registration an event is.
    ///
    /// Only `Suspicion`, `Charge` and `Conviction` can ever be offences: a victim is
    /// never an offender and an arrest (`Custody`) is not a charge. That rule is fixed
    /// here, not in config, because it answers documented failures of other tools.
    EventKind {
        /// Registered as suspect (mistænkt; the only form for under-15s).
        Suspicion,
        /// Sigtelse.
        Charge,
        /// Dom.
        Conviction,
        /// Registered as the victim of an offence: never offending.
        Victim,
        /// A police observation (e.g. seen with known gang members).
        Observation,
        /// A concern report (bekymringshenvendelse / underretning).
        Concern,
        /// Arrest or remand (anholdelse / varetægtsfængsling): not a charge.
        Custody,
        /// Release from a prison-service institution (løsladelse).
        Release,
    }
}

impl EventKind {
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

/// One validated row of events.csv, 24 bytes with no allocation of its own:
/// its id, case id and tag are read through the batch
/// ([`Batch::event_id`](crate::load::Batch::event_id),
/// [`Batch::case_id`](crate::load::Batch::case_id),
/// [`Batch::tag`](crate::load::Batch::tag)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Index of the person in the batch.
    pub person: u32,
    /// `date`: never before the person's birth; may be after the as-of date.
    pub date: Date,
    /// The event's row in events.csv (0 for the first): where its id is kept,
    /// and its place in input order.
    pub(crate) row: u32,
    /// Index of its case id in the batch, or `NO_CASE`.
    pub(crate) case: u32,
    /// Index of its `offence_code` in the offence catalogue
    /// ([`Catalogue::get`](crate::offence::Catalogue::get)); `Some` exactly
    /// for the kinds that need one.
    pub offence: Option<u16>,
    /// 1 + the index of its tag in the tag vocabulary, or 0 for none.
    pub(crate) tag: u16,
    /// `kind`.
    pub kind: EventKind,
    /// The registration checks it failed ([`crate::registration`]), set once
    /// the batch is ordered.
    pub flags: Flags,
}

const NO_CASE: u32 = u32::MAX;

impl Event {
    pub(crate) fn new(
        row: u32,
        person: u32,
        date: Date,
        kind: EventKind,
        offence: Option<u16>,
        case: Option<u32>,
        tag: Option<usize>,
    ) -> Event {
        Event {
            person,
            date,
            row,
            case: case.unwrap_or(NO_CASE),
            offence,
            tag: tag.map_or(0, |t| u16::try_from(t + 1).expect("fewer than 65,535 tags")),
            kind,
            flags: Flags::default(),
        }
    }

    /// The event with its case index counted from `base`.
    pub(crate) fn with_case_base(mut self, base: u32) -> Event {
        if self.case != NO_CASE {
            self.case += base;
        }
        self
    }

    pub(crate) fn case_index(&self) -> Option<u32> {
        (self.case != NO_CASE).then_some(self.case)
    }

    pub(crate) fn tag_index(&self) -> Option<usize> {
        (self.tag != 0).then(|| usize::from(self.tag) - 1)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_event_is_small() {
        assert_eq!(std::mem::size_of::<super::Event>(), 24);
    }
}
