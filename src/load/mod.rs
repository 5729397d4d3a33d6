//! Loading a screening batch: persons.csv and events.csv, validated against the
//! data contract (SPEC §1), the vocabulary in tryg.toml and the offence catalogue.
//!
//! Loading is all-or-nothing: every problem of both files is collected (capped
//! per file) and, if there is any, no batch is returned, so nothing is screened.

mod cells;
mod csv_file;
mod events;
pub mod fields;
mod persons;

use std::ops::Range;

use sha2::{Digest, Sha256};

pub use csv_file::InputFile;

use crate::diagnostic::Diagnostics;
use crate::event::Event;
use crate::person::Person;
use crate::ruleset::RuleSet;

/// Column names of each file, for documentation and tests.
pub fn person_columns() -> impl Iterator<Item = &'static str> {
    persons::COLUMNS.iter().map(|c| c.name)
}

pub fn event_columns() -> impl Iterator<Item = &'static str> {
    events::COLUMNS.iter().map(|c| c.name)
}

/// A validated batch. Events are sorted by person, then date, then input order,
/// so each person's events are one contiguous, dated slice.
#[derive(Debug)]
pub struct Batch {
    pub persons: Vec<Person>,
    pub events: Vec<Event>,
    /// `events[starts[i]..starts[i + 1]]` are person `i`'s events.
    starts: Vec<u32>,
    pub persons_digest: String,
    pub events_digest: String,
}

impl Batch {
    pub fn load(
        persons: &InputFile,
        events: &InputFile,
        rules: &RuleSet,
    ) -> Result<Batch, Diagnostics> {
        let config = &rules.config;
        let mut problems = Diagnostics::with_cap(config.input.max_problems_per_file);
        let persons_read = persons::read(persons, config, &mut problems);
        let mut event_list = events::read(
            events,
            config,
            &rules.catalogue,
            &persons_read,
            &rules.catalogue_file,
            &mut problems,
        );
        problems.into_result()?;

        // Stable: equal (person, date) keep their input order.
        event_list.sort_by_key(|e| (e.person, e.date));
        let mut starts = Vec::with_capacity(persons_read.list.len() + 1);
        let mut next = 0usize;
        for person in 0..=persons_read.list.len() {
            while next < event_list.len() && (event_list[next].person as usize) < person {
                next += 1;
            }
            starts.push(u32::try_from(next).expect("fewer than 4 billion events"));
        }
        Ok(Batch {
            persons: persons_read.list,
            events: event_list,
            starts,
            persons_digest: sha256_hex(&persons.bytes),
            events_digest: sha256_hex(&events.bytes),
        })
    }

    /// The index range of a person's events in [`Batch::events`].
    pub fn event_range(&self, person: usize) -> Range<usize> {
        self.starts[person] as usize..self.starts[person + 1] as usize
    }
}

/// Lower-case hex SHA-256, the form digests take in the run header.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
