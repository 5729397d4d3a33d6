//! events.csv: one row per registered event (SPEC §1).

use rhai::ImmutableString;

use super::cells::{Cells, RowProblems, Vocab, in_file_order};
use super::csv_file::{Column, Header, cells};
use super::dates::DateFormat;
use super::id_index::{IdHasher, RowIds};
use super::persons::Persons;
use super::records::Chunk;
use super::strings::Strings;
use crate::config::HostConfig;
use crate::diagnostic::Diagnostic;
use crate::event::{Event, EventKind};
use crate::offence::Catalogue;
use crate::privacy::{Kind, shown};

/// The columns of events.csv (SPEC §1), in contract order.
pub const COLUMNS: &[Column] = &[
    Column {
        name: "event_id",
        required: true,
    },
    Column {
        name: "person_id",
        required: true,
    },
    Column {
        name: "date",
        required: true,
    },
    Column {
        name: "kind",
        required: true,
    },
    Column {
        name: "offence_code",
        required: false,
    },
    Column {
        name: "case_id",
        required: false,
    },
    Column {
        name: "tag",
        required: false,
    },
];

/// Validated events in input order, with their ids and case ids.
pub struct Events {
    /// The events so far, in file order.
    pub list: Vec<Event>,
    /// Every row's id: an event's id is `rows.ids.get(event.row)`.
    pub rows: RowIds,
    /// The case ids, an event's `case` being an index into them.
    pub cases: Strings,
    /// The tag vocabulary, an event's tag being an index into it.
    pub tags: Vec<ImmutableString>,
}

/// What one chunk of rows holds, each row checked on its own.
pub struct Rows {
    /// Rows valid on their own, in order; `row` is the file's row number and
    /// `case` an index into `cases`.
    events: Vec<Event>,
    cases: Strings,
    /// Each record's id ("" when it has no well-formed one) and its hash.
    ids: Strings,
    hashes: Vec<u64>,
    problems: RowProblems,
}

/// What checking a row needs, shared by the threads that check chunks.
pub struct Checker<'a> {
    header: &'a Header,
    dates: DateFormat,
    hasher: IdHasher,
    catalogue: &'a Catalogue,
    catalogue_file: &'a str,
    persons: &'a Persons,
    tags: Vocab,
}

impl<'a> Checker<'a> {
    /// A checker for events.csv (`file` names it in messages) against the
    /// persons read, the catalogue (named `catalogue_file` in hints) and the
    /// tag vocabulary.
    pub fn new(
        header: &'a Header,
        config: &HostConfig,
        dates: DateFormat,
        catalogue: &'a Catalogue,
        catalogue_file: &'a str,
        persons: &'a Persons,
        hasher: IdHasher,
    ) -> Self {
        Checker {
            header,
            dates,
            hasher,
            catalogue,
            catalogue_file,
            persons,
            tags: Vocab::new(&config.vocabulary.tags),
        }
    }

    /// Checks each row of a chunk on its own (and against the persons); ids
    /// are checked against each other when the chunk is merged.
    pub fn check(&self, chunk: &Chunk) -> Rows {
        let mut rows = Rows {
            events: Vec::with_capacity(chunk.len()),
            cases: Strings::default(),
            ids: Strings::default(),
            hashes: Vec::with_capacity(chunk.len()),
            problems: Vec::new(),
        };
        // A person's events are usually together: look the person up once.
        let mut last_person = None;
        for record in 0..chunk.len() {
            let id = self.check_row(chunk, record, &mut rows, &mut last_person);
            rows.ids.push(id.unwrap_or(""));
            rows.hashes.push(id.map_or(0, |id| self.hasher.hash(id)));
        }
        rows
    }

    /// Checks one row; returns its id when well-formed.
    fn check_row<'c>(
        &self,
        chunk: &'c Chunk,
        record: usize,
        rows: &mut Rows,
        last_person: &mut Option<(&'c str, Option<u32>, bool)>,
    ) -> Option<&'c str> {
        let line = chunk.line(record);
        let [event_id, person_id, date, kind, offence_code, case_id, tag] =
            match cells(chunk, record, self.header) {
                Ok(cells) => cells,
                Err(problems) => {
                    rows.problems
                        .extend(problems.into_iter().map(|d| (record, d)));
                    return None;
                }
            };
        let mut cells = Cells {
            line,
            record,
            header: self.header,
            problems: &mut rows.problems,
            dates: self.dates,
            ok: true,
        };

        let id = cells.key("event_id", event_id);
        let person = cells
            .required("person_id", person_id)
            .and_then(|v| cells.id("person_id", v));
        let person_index = person.and_then(|p| {
            let (found, unknown) = match *last_person {
                Some((last, found, unknown)) if last == p => (found, unknown),
                _ => {
                    let hash = self.hasher.hash(p);
                    let found = self.persons.find(hash, p);
                    // A person whose row was refused, or a persons file with a bad
                    // header, is already reported: saying "unknown person" too
                    // would mislead.
                    (found, found.is_none() && !self.persons.refused(hash, p))
                }
            };
            *last_person = Some((p, found, unknown));
            if unknown {
                cells.fail_with_hint(
                    "person_id",
                    "unknown-person",
                    format!("person_id {p:?} is not in the persons file"),
                    Some("every event must belong to a person listed in persons.csv".into()),
                );
            }
            found
        });
        let date = cells
            .required("date", date)
            .and_then(|v| cells.date("date", v));
        let kind = cells
            .required("kind", kind)
            .and_then(|v| cells.token("kind", v, EventKind::TOKENS, EventKind::parse));

        let offence = match (kind, offence_code) {
            (Some(k), None) if k.needs_offence_code() => {
                cells.fail_with_hint(
                    "offence_code",
                    "missing-offence-code",
                    format!("a `{}` event needs an offence_code", k.as_str()),
                    Some("suspicion, charge, conviction and victim events name the offence".into()),
                );
                None
            }
            (Some(k), Some(_)) if !k.needs_offence_code() => {
                let article = if k.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                cells.fail(
                    "offence_code",
                    "unexpected-offence-code",
                    format!("{article} `{}` event takes no offence_code", k.as_str()),
                );
                None
            }
            (_, Some(c)) if !c.bytes().all(|b| b.is_ascii_digit()) => {
                cells.fail(
                    "offence_code",
                    "bad-offence-code",
                    format!("offence_code {} is not digits", shown(c, Kind::Code)),
                );
                None
            }
            (_, Some(c)) => {
                let found = self.catalogue.lookup(c);
                if found.is_none() {
                    cells.fail_with_hint(
                        "offence_code",
                        "unknown-offence-code",
                        format!(
                            "offence_code {} is not in the offence catalogue",
                            shown(c, Kind::Code)
                        ),
                        Some(format!(
                            "add it to {}, with its category and source",
                            self.catalogue_file
                        )),
                    );
                }
                found
            }
            (_, None) => None,
        };

        let case_id = case_id.and_then(|v| cells.id("case_id", v));
        let tag = match (kind, tag) {
            (Some(k), Some(_)) if !k.takes_tag() => {
                cells.fail(
                    "tag",
                    "unexpected-tag",
                    format!(
                        "a `{}` event takes no tag (only observation and concern do)",
                        k.as_str()
                    ),
                );
                None
            }
            (_, Some(t)) => cells.vocab_index("tag", t, &self.tags),
            (_, None) => None,
        };

        if let (Some(p), Some(d)) = (person_index, date) {
            let born = self.persons.list[p as usize].birth_date;
            if d < born {
                cells.fail_with_hint(
                    "date",
                    "event-before-birth",
                    format!("the event is dated {d}, before the person's birth"),
                    Some("one of the two dates is wrong: check this event's date and the person's birth_date in the persons file".into()),
                );
            }
        }
        let (true, Some(_), Some(person), Some(date), Some(kind)) =
            (cells.ok, id, person_index, date, kind)
        else {
            return id;
        };
        let row = chunk.first_row + record as u32;
        let case = case_id.map(|c| rows.cases.push(c));
        rows.events
            .push(Event::new(row, person, date, kind, offence, case, tag));
        id
    }
}

impl Events {
    /// None yet, with the tag vocabulary of tryg.toml.
    pub fn new(config: &HostConfig, hasher: IdHasher) -> Events {
        Events {
            list: Vec::new(),
            rows: RowIds::new(hasher),
            cases: Strings::default(),
            tags: config
                .vocabulary
                .tags
                .iter()
                .map(|t| ImmutableString::from(t.as_str()))
                .collect(),
        }
    }

    /// Adds a checked chunk in file order: finds repeated ids, and reports the
    /// chunk's problems in the order of its rows. The events are kept only
    /// while `keep` (the batch so far has no problem) and this chunk has none:
    /// with any problem nothing is screened, and the events are not needed.
    pub fn merge(
        &mut self,
        chunk: Chunk,
        rows: Rows,
        header: &Header,
        keep: bool,
        problems: &mut Vec<Diagnostic>,
    ) {
        if let Some(estimate) = chunk.estimate {
            let per_row = |text: usize| text / chunk.len().max(1) + 1;
            self.rows
                .reserve(estimate, estimate * per_row(rows.ids.text_len()));
            self.cases
                .reserve(estimate, estimate * per_row(rows.cases.text_len()));
            self.list.reserve(estimate);
        }
        let repeats = self
            .rows
            .append(&chunk, &rows.ids, &rows.hashes, (header, "event_id"));
        let before = problems.len();
        problems.extend(in_file_order(chunk.errors, repeats, rows.problems));
        if keep && problems.len() == before {
            let case_base = self.cases.len() as u32;
            self.cases.append(&rows.cases);
            self.list
                .extend(rows.events.into_iter().map(|e| e.with_case_base(case_base)));
        }
    }
}
