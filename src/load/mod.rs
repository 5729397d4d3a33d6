//! Loading a screening batch: the persons table and the events table,
//! validated against the data contract (SPEC §1), the vocabulary in tryg.toml
//! and the offence catalogue.
//!
//! Each table is read by [`table`] (CSV in UTF-8, UTF-16 or a named encoding,
//! any separator, or a sheet of a workbook), every cell normalised as people
//! read it ([`crate::text`]); the same checks then apply to every source.
//! Loading is all-or-nothing: every problem of both files is collected (capped
//! per file) and, if there is any, no batch is returned, so nothing is
//! screened. A batch that loads comes with its [`Warning`]s.

mod cells;
mod csv_file;
mod dates;
mod events;
pub mod fields;
mod id_index;
mod order;
mod persons;
mod reading;
mod records;
mod row_lines;
mod source;
mod strings;
pub mod table;
mod warnings;

use std::ops::Range;

use rhai::ImmutableString;

pub use csv_file::cell_problem;
pub use dates::DateFormat;
pub use source::{Input, InputFile, ReadError};
pub use warnings::Warning;

use crate::config::HostConfig;
use crate::diagnostic::Diagnostics;
use crate::event::Event;
use crate::offence::Catalogue;
use crate::person::Person;
use crate::registration::{self, Flag, Flagged};
use crate::time::Date;
use strings::Strings;

/// The column names of persons.csv (SPEC §1), in contract order, for
/// documentation and tests.
pub fn person_columns() -> impl Iterator<Item = &'static str> {
    persons::COLUMNS.iter().map(|c| c.name)
}

/// The column names of events.csv (SPEC §1), in contract order, for
/// documentation and tests.
pub fn event_columns() -> impl Iterator<Item = &'static str> {
    events::COLUMNS.iter().map(|c| c.name)
}

/// Every column of persons.csv with whether it is required (SPEC §1).
pub fn person_contract() -> impl Iterator<Item = (&'static str, bool)> {
    persons::COLUMNS.iter().map(|c| (c.name, c.required))
}

/// Every column of events.csv with whether it is required (SPEC §1).
pub fn event_contract() -> impl Iterator<Item = (&'static str, bool)> {
    events::COLUMNS.iter().map(|c| (c.name, c.required))
}

/// How the input files are read: what the command line says about their form.
/// The default reads UTF-8 CSV (or what a byte-order mark says) with the
/// separator found from the header, `YYYY-MM-DD` dates, and for a workbook the
/// sheet named `persons` / `events`, else the first.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--delimiter`: the field separator of both CSV files.
    pub delimiter: Option<u8>,
    /// `--encoding`: of a CSV file without a byte-order mark (default UTF-8).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// `--date-format`.
    pub date_format: DateFormat,
    /// `--persons-sheet`: the sheet of a workbook that holds the persons.
    pub persons_sheet: Option<String>,
    /// `--events-sheet`: the sheet of a workbook that holds the events.
    pub events_sheet: Option<String>,
}

/// A validated batch. Events are sorted by person, then date, then input order,
/// so each person's events are one contiguous, dated slice.
#[derive(Debug)]
pub struct Batch {
    /// Every person, in persons.csv order (the order of the outcomes).
    pub persons: Vec<Person>,
    /// Every event, by person, then date, then events.csv row; a person's are
    /// [`Batch::event_range`].
    pub events: Vec<Event>,
    /// `events[starts[i]..starts[i + 1]]` are person `i`'s events.
    starts: Vec<u32>,
    /// Event ids by row of events.csv, case ids, and the tag vocabulary: what
    /// an [`Event`] refers to.
    event_ids: Strings,
    case_ids: Strings,
    tags: Vec<ImmutableString>,
    /// SHA-256 of persons.csv's bytes as read, 64 lower-case hex digits (the
    /// run header's `persons_digest`).
    pub persons_digest: String,
    /// SHA-256 of events.csv's bytes as read, 64 lower-case hex digits (the
    /// run header's `events_digest`).
    pub events_digest: String,
    /// What is legal but most likely not meant ([`Warning`]): empty files,
    /// municipalities that nearly match, nobody in scope.
    pub warnings: Vec<Warning>,
    /// Each event flagged `duplicate-registration` with the first event it
    /// repeats, as indices into `events`, by the first.
    duplicates: Vec<(u32, u32)>,
}

impl Batch {
    /// Loads a batch held in memory.
    pub fn load(
        persons: &InputFile,
        events: &InputFile,
        config: &HostConfig,
        catalogue: &Catalogue,
    ) -> Result<Batch, Diagnostics> {
        Batch::read(persons.input(), events.input(), config, catalogue)
            .unwrap_or_else(|e| unreachable!("bytes in memory are always readable: {e}"))
    }

    /// Reads and validates a batch in the default form ([`LoadOptions`]).
    pub fn read(
        persons: Input,
        events: Input,
        config: &HostConfig,
        catalogue: &Catalogue,
    ) -> Result<Result<Batch, Diagnostics>, ReadError> {
        Batch::read_with(persons, events, config, catalogue, &LoadOptions::default())
    }

    /// Reads and validates a batch, streaming each file once. The outer error
    /// is a file that cannot be read; the inner one, the problems of the input.
    pub fn read_with(
        persons: Input,
        events: Input,
        config: &HostConfig,
        catalogue: &Catalogue,
        options: &LoadOptions,
    ) -> Result<Result<Batch, Diagnostics>, ReadError> {
        let read = reading::read(persons, events, config, catalogue, options)?;
        if let Err(problems) = read.problems.into_result() {
            return Ok(Err(problems));
        }
        let persons = read.persons.into_list();
        let mut events = read.events;
        let warnings = warnings::check(&persons, events.list.len(), &config.municipalities);
        let starts = order::order(&mut events.list, persons.len());
        let cases = &events.cases;
        let duplicates = registration::check(&persons, &mut events.list, &starts, |e| {
            e.case_index().map(|i| cases.get(i))
        });
        events.list.shrink_to_fit();
        events.rows.ids.shrink_to_fit();
        events.cases.shrink_to_fit();
        Ok(Ok(Batch {
            persons,
            events: events.list,
            starts,
            event_ids: events.rows.ids,
            case_ids: events.cases,
            tags: events.tags,
            persons_digest: read.persons_digest,
            events_digest: read.events_digest,
            warnings,
            duplicates,
        }))
    }

    /// The index range of a person's events in [`Batch::events`].
    pub fn event_range(&self, person: usize) -> Range<usize> {
        self.starts[person] as usize..self.starts[person + 1] as usize
    }

    /// An event's `event_id`.
    pub fn event_id(&self, event: &Event) -> &str {
        self.event_ids.get(event.row)
    }

    /// An event's `case_id`, if it has one.
    pub fn case_id(&self, event: &Event) -> Option<&str> {
        event.case_index().map(|i| self.case_ids.get(i))
    }

    /// An event's `tag`, if it has one.
    pub fn tag(&self, event: &Event) -> Option<&ImmutableString> {
        event.tag_index().map(|i| &self.tags[i])
    }

    /// The registration flags of person `person`'s events dated inside
    /// `from..=until` (the events a screening used), in event order, each
    /// with its message ([`crate::registration`]).
    pub fn flagged(&self, person: usize, from: Date, until: Date) -> Vec<Flagged> {
        let mut out = Vec::new();
        for i in self.event_range(person) {
            let event = &self.events[i];
            if event.flags.is_empty() || event.date < from || event.date > until {
                continue;
            }
            let id = self.event_id(event);
            for flag in event.flags.iter() {
                let original = (flag == Flag::DuplicateRegistration)
                    .then(|| {
                        self.duplicates
                            .binary_search_by_key(&(i as u32), |&(d, _)| d)
                            .ok()
                            .map(|at| self.event_id(&self.events[self.duplicates[at].1 as usize]))
                    })
                    .flatten();
                out.push(Flagged {
                    code: flag,
                    event_id: id.into(),
                    message: registration::message(
                        flag,
                        id,
                        event.kind,
                        self.case_id(event),
                        original,
                    ),
                });
            }
        }
        out
    }
}

/// Lower-case hex SHA-256, the form digests take in the run header.
pub use crate::digest::sha256_hex;
