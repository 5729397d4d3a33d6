//! Registration checks (issue 14, item 5): events that are legal input but
//! most likely registered wrongly. The Dutch police's ProKid pilot found that
//! 36 % of its signals came from registration errors, checked by hand; tryg
//! flags them so a reviewer checks the registration before deciding.
//!
//! Four checks, computed once per batch after it is validated and ordered
//! ([`check`], linear in the events), kept on each event as a [`Flags`] set:
//!
//! - `charge-under-15`: a `charge` or `conviction` dated before the person
//!   turned 15 (no one under 15 can be charged in Denmark);
//! - `offence-under-10`: a `suspicion`, `charge` or `conviction` dated before
//!   the person turned 10 (victim events are not offences and are not flagged);
//! - `conviction-without-charge`: a `conviction` with no `suspicion` or
//!   `charge` of its case (`case_id`) dated on or before it anywhere in the
//!   batch; for a conviction without a `case_id`, none of the same person with
//!   the same offence code;
//! - `duplicate-registration`: the same person, date, kind, offence code,
//!   case and tag as an event earlier in events.csv, under another event id
//!   (the later one is flagged, naming the first).
//!
//! A flag changes no decision by itself: rules can read it (`event.flags`),
//! and every output shows it on the outcome ([`Flagged`]), naming the event.

use std::collections::HashMap;

use serde::Serialize;

use crate::event::{Event, EventKind};
use crate::person::Person;
use crate::time::{self, Date};

crate::proposal::token_enum! {
    /// A registration check an event failed.
    Flag as "kebab-case" {
        /// A charge or conviction dated before the person turned 15.
        #[strum(serialize = "charge-under-15")]
        ChargeUnder15,
        /// An offending event dated before the person turned 10.
        #[strum(serialize = "offence-under-10")]
        OffenceUnder10,
        /// A conviction with no suspicion or charge of its case on or before it.
        ConvictionWithoutCharge,
        /// The same registration as an earlier row, under another event id.
        DuplicateRegistration,
    }
}

impl Flag {
    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The flags of one event: a set of [`Flag`]s in one byte.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags(u8);

impl Flags {
    /// Whether no check flagged the event.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `flag` is in the set.
    pub fn contains(self, flag: Flag) -> bool {
        self.0 & flag.bit() != 0
    }

    /// How many flags are set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The flags set, in [`Flag`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::all().filter(move |f| self.contains(*f))
    }

    fn insert(&mut self, flag: Flag) {
        self.0 |= flag.bit();
    }
}

/// A flag on an outcome: which check, which event, and a sentence for the
/// reviewer naming no personal value (only event and case ids and tokens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flagged {
    /// The check's code, e.g. `charge-under-15`.
    pub code: Flag,
    /// The event flagged.
    pub event_id: rhai::ImmutableString,
    /// What is wrong, for people.
    pub message: String,
}

/// What the checks need to know of an event to find its duplicate: all but
/// its id and row (the case by its id: one case id may be stored twice).
type Registration<'c> = (Date, EventKind, Option<u16>, Option<&'c str>, Option<usize>);

/// Flags the events of an ordered batch (`events[starts[i]..starts[i + 1]]`
/// are person `i`'s, by date; `case_id` gives an event's case id), and
/// returns each duplicate's original: `(event index, index of the first
/// event it repeats)`, by event index.
pub fn check<'c>(
    persons: &[Person],
    events: &mut [Event],
    starts: &[u32],
    case_id: impl Fn(&Event) -> Option<&'c str>,
) -> Vec<(u32, u32)> {
    let mut duplicates = Vec::new();
    // Reused per person, so the pass allocates once.
    let mut seen: HashMap<Registration, u32, ahash::RandomState> = HashMap::default();
    let mut charged_cases: HashMap<&str, Date, ahash::RandomState> = HashMap::default();
    let mut charged_codes: HashMap<u16, Date, ahash::RandomState> = HashMap::default();
    for (p, person) in persons.iter().enumerate() {
        let range = starts[p] as usize..starts[p + 1] as usize;
        if range.is_empty() {
            continue;
        }
        seen.clear();
        charged_cases.clear();
        charged_codes.clear();
        // Ages as everywhere else (a 29 February birthday is reached on
        // 1 March in common years).
        let under =
            |age: u32, date: Date| time::age_on(person.birth_date, date).is_some_and(|a| a < age);
        // The earliest suspicion or charge of each case and each code.
        for e in &events[range.clone()] {
            if matches!(e.kind, EventKind::Suspicion | EventKind::Charge) {
                if let Some(case) = case_id(e) {
                    charged_cases.entry(case).or_insert(e.date);
                }
                if let Some(code) = e.offence {
                    charged_codes.entry(code).or_insert(e.date);
                }
            }
        }
        // Duplicates: the first by row is the original, whatever the dates'
        // order (events are by date, then row, so the same date is adjacent
        // and in row order).
        for i in range.clone() {
            let e = events[i];
            let mut flags = Flags::default();
            if matches!(e.kind, EventKind::Charge | EventKind::Conviction) && under(15, e.date) {
                flags.insert(Flag::ChargeUnder15);
            }
            if e.kind.is_offending() && under(10, e.date) {
                flags.insert(Flag::OffenceUnder10);
            }
            if e.kind == EventKind::Conviction {
                let charged = match case_id(&e) {
                    Some(case) => charged_cases.get(case),
                    None => e.offence.and_then(|code| charged_codes.get(&code)),
                };
                if charged.is_none_or(|d| *d > e.date) {
                    flags.insert(Flag::ConvictionWithoutCharge);
                }
            }
            let key = (e.date, e.kind, e.offence, case_id(&e), e.tag_index());
            match seen.get(&key) {
                Some(&first) => {
                    flags.insert(Flag::DuplicateRegistration);
                    duplicates.push((i as u32, first));
                }
                None => {
                    seen.insert(key, i as u32);
                }
            }
            events[i].flags = flags;
        }
    }
    duplicates
}

/// Words for one flag on event `id` of `kind` in case `case` (the
/// duplicate's original is `original`): ids and tokens only.
pub fn message(
    flag: Flag,
    id: &str,
    kind: EventKind,
    case: Option<&str>,
    original: Option<&str>,
) -> String {
    let kind = kind.as_str();
    match flag {
        Flag::ChargeUnder15 => format!(
            "event {id} is a {kind} dated before the person turned 15: no one under 15 can be charged in Denmark; check the registration (a suspicion?)"
        ),
        Flag::OffenceUnder10 => format!(
            "event {id} is a {kind} dated before the person turned 10; check the registration"
        ),
        Flag::ConvictionWithoutCharge => match case {
            Some(case) => format!(
                "event {id} is a conviction in case {case}, which has no suspicion or charge on or before its date in the batch; check the registration"
            ),
            None => format!(
                "event {id} is a conviction without a case id, and the person has no suspicion or charge with its offence code on or before its date in the batch; check the registration"
            ),
        },
        Flag::DuplicateRegistration => match original {
            Some(first) => format!(
                "event {id} repeats event {first}: the same date, kind, offence code and case; check whether it was registered twice"
            ),
            None => format!(
                "event {id} repeats an earlier event: the same date, kind, offence code and case; check whether it was registered twice"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_holds_each_flag_in_one_byte() {
        let mut flags = Flags::default();
        assert!(flags.is_empty());
        flags.insert(Flag::DuplicateRegistration);
        flags.insert(Flag::ChargeUnder15);
        assert_eq!(
            flags.iter().collect::<Vec<_>>(),
            [Flag::ChargeUnder15, Flag::DuplicateRegistration]
        );
        assert_eq!(flags.len(), 2);
        assert_eq!(
            Flag::ConvictionWithoutCharge.as_str(),
            "conviction-without-charge"
        );
        assert_eq!(Flag::ChargeUnder15.as_str(), "charge-under-15");
    }
}
