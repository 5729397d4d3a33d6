//! What a rule sees of one person: a view over the batch, not a copy of it.
//!
//! [`PersonCtx`] is built once per person before any rule runs: the events the
//! rules may use (inside retention, not after the as-of date) as indices into the
//! batch, and the offences grouped by police case. Every value a rule holds
//! (`person`, a list of events, one offence) is a handle to this context, so
//! passing them around costs a reference count, and every query is answered here
//! in Rust over date-sorted indices.

use std::sync::Arc;

use rhai::ImmutableString;

use super::query::Items;
use crate::config::HostConfig;
use crate::event::Event;
use crate::load::Batch;
use crate::offence::{Catalogue, CategorySet, OffenceDef};
use crate::person::Person;
use crate::time::{self, Date};

/// What every person's evaluation shares: the batch, the catalogue and the run's
/// fixed parameters.
pub struct World {
    /// The validated batch.
    pub batch: Arc<Batch>,
    /// The offence catalogue the batch's events point into.
    pub catalogue: Arc<Catalogue>,
    /// The run's one as-of date: ages and windows count from it (SPEC §2).
    pub as_of: Date,
    /// Events after this date are not used. It is the as-of date, except when
    /// `explain` looks ahead to when a proposal lapses "with no new events".
    pub events_until: Date,
    /// tryg.toml's `retention_months`: events dated before the as-of date
    /// minus this many calendar months are not used.
    pub retention_months: u32,
    /// tryg.toml's `[offences] not_offences`: categories that make no offence.
    pub not_offences: CategorySet,
    /// tryg.toml's `[vocabulary] tags`, which `tagged(…)` checks its tokens
    /// against.
    pub tags: Vec<String>,
    /// What the case register remembers of the batch's persons, when the
    /// screening has one (`--db`); `None` answers every question about it
    /// as for a person it has never seen.
    pub history: Option<Arc<crate::history::History>>,
}

impl World {
    /// The world of a screening of `batch` as of `as_of`, under the
    /// catalogue and the settings of tryg.toml the host acts on.
    pub fn new(
        config: &HostConfig,
        catalogue: Arc<Catalogue>,
        batch: Arc<Batch>,
        as_of: Date,
    ) -> World {
        World {
            batch,
            catalogue,
            as_of,
            events_until: as_of,
            retention_months: config.retention_months,
            not_offences: config.not_offences(),
            tags: config.vocabulary.tags.clone(),
            history: None,
        }
    }
}

/// One offence: the usable offending events of one police case (or one event
/// without a case), dated by the earliest of them.
#[derive(Debug, Clone)]
pub struct Offence {
    /// The date of its earliest usable event.
    pub date: Date,
    /// The person's age on `date`.
    pub age: u32,
    /// The categories of all its events (one per event's offence code).
    pub categories: CategorySet,
    /// Whether any of its events' codes is `serious` in the catalogue.
    pub serious: bool,
    /// Whether any of its events' codes is `person_dangerous` in the catalogue.
    pub person_dangerous: bool,
    /// The police case (`case_id`) its events share; `None` for a lone event.
    pub case_id: Option<ImmutableString>,
    /// Indices into the batch's events, in date order.
    pub events: Vec<u32>,
}

/// One person prepared for evaluation.
pub struct PersonCtx {
    /// What every person of the run shares.
    pub world: Arc<World>,
    /// The person's index in the batch (and in the outcomes).
    pub index: usize,
    /// `None` when the person is born after the as-of date (then no rule runs).
    pub age: Option<u32>,
    /// Usable events (indices into the batch), in date order.
    pub usable: Vec<u32>,
    /// Offences in date order.
    pub offences: Vec<Offence>,
    /// Events left out as older than `retention_months`.
    pub left_out_retention: usize,
    /// Events left out as dated after the as-of date (or after `events_until`).
    pub left_out_future: usize,
    /// Where the register's entry for the person is in the world's history.
    earlier: Option<u32>,
}

impl PersonCtx {
    /// Prepares person `index` of the world's batch: age, usable events and
    /// offences, and counts of what was left out.
    pub fn new(world: &Arc<World>, index: usize) -> PersonCtx {
        let batch = &world.batch;
        let person = &batch.persons[index];
        let age = time::age_on(person.birth_date, world.as_of);
        let horizon = time::months_before(world.as_of, world.retention_months);

        let mut usable = Vec::new();
        let (mut left_out_retention, mut left_out_future) = (0, 0);
        for i in batch.event_range(index) {
            let date = batch.events[i].date;
            if date > world.events_until || date > world.as_of {
                left_out_future += 1;
            } else if date < horizon {
                left_out_retention += 1;
            } else {
                usable.push(i as u32);
            }
        }
        let offences = group_offences(world, person, &usable);
        let earlier = world.history.as_ref().and_then(|h| h.find(&person.id));
        PersonCtx {
            world: Arc::clone(world),
            index,
            age,
            usable,
            offences,
            left_out_retention,
            left_out_future,
            earlier,
        }
    }

    /// What the case register holds about the person, if anything.
    pub fn earlier(&self) -> Option<&crate::history::Earlier> {
        let at = self.earlier?;
        self.world.history.as_ref().map(|h| h.get(at))
    }

    /// The person's row.
    pub fn person(&self) -> &Person {
        &self.world.batch.persons[self.index]
    }

    /// An event by its index in the batch's events.
    pub fn event(&self, index: u32) -> &Event {
        &self.world.batch.events[index as usize]
    }

    /// An event's id, as rules and reasons hold it.
    pub fn event_id(&self, index: u32) -> ImmutableString {
        self.world.batch.event_id(self.event(index)).into()
    }

    /// An event's catalogue entry, for the kinds that carry an offence code.
    pub fn offence_def(&self, event: &Event) -> Option<&OffenceDef> {
        event.offence.map(|o| self.world.catalogue.get(o))
    }

    /// The person's age on a date (0 before birth, which validation excludes).
    pub fn age_on(&self, date: Date) -> u32 {
        time::age_on(self.person().birth_date, date).unwrap_or(0)
    }

    /// Usable events dated on or after `start`, in date order.
    pub fn events_since(&self, start: Date) -> Items {
        let first = self.usable.partition_point(|&i| self.event(i).date < start);
        self.usable[first..].into()
    }

    /// Offences dated on or after `start`, as indices into `offences`.
    pub fn offences_since(&self, start: Date) -> Items {
        let first = self.offences.partition_point(|o| o.date < start);
        (first as u32..self.offences.len() as u32).collect()
    }
}

/// Groups usable offending events into offences: events sharing a `case_id` are
/// one offence; an event without a case is its own. An offence is serious,
/// person-dangerous or of a category when any of its events is.
fn group_offences(world: &World, person: &Person, usable: &[u32]) -> Vec<Offence> {
    let batch = &world.batch;
    let mut offences: Vec<Offence> = Vec::new();
    // Case id -> position in `offences`; a map keeps a person with thousands of
    // cases linear. `HashMap::new` does not allocate for persons without cases.
    let mut by_case: std::collections::HashMap<&str, usize> = Default::default();
    for &i in usable {
        let event = &batch.events[i as usize];
        if !event.kind.is_offending() {
            continue;
        }
        let Some(def) = event.offence.map(|o| world.catalogue.get(o)) else {
            continue;
        };
        if world.not_offences.contains(def.category) {
            continue;
        }
        let existing = batch
            .case_id(event)
            .and_then(|case| by_case.get(case).copied());
        match existing.map(|at| &mut offences[at]) {
            // Events arrive in date order, so the first one dated the offence.
            Some(offence) => {
                offence.categories.insert(def.category);
                offence.serious |= def.serious;
                offence.person_dangerous |= def.person_dangerous;
                offence.events.push(i);
            }
            None => {
                if let Some(case) = batch.case_id(event) {
                    by_case.insert(case, offences.len());
                }
                offences.push(Offence {
                    date: event.date,
                    age: time::age_on(person.birth_date, event.date).unwrap_or(0),
                    categories: [def.category].into_iter().collect(),
                    serious: def.serious,
                    person_dangerous: def.person_dangerous,
                    case_id: batch.case_id(event).map(ImmutableString::from),
                    events: vec![i],
                })
            }
        }
    }
    offences
}
