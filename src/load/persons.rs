//! persons.csv: one row per person (SPEC §1).

use std::collections::{HashMap, HashSet};

use rhai::ImmutableString;

use super::cells::{Cells, RowProblems, Vocab, in_file_order};
use super::csv_file::{Column, Header, cells, raw_cell, swallowed_keys};
use super::dates::DateFormat;
use super::id_index::{IdHasher, RowIds};
use super::records::Chunk;
use super::strings::Strings;
use crate::config::HostConfig;
use crate::diagnostic::Diagnostic;
use crate::person::{GangAffiliation, Person, Sex};

/// The columns of persons.csv (SPEC §1), in contract order.
pub const COLUMNS: &[Column] = &[
    Column {
        name: "person_id",
        required: true,
    },
    Column {
        name: "birth_date",
        required: true,
    },
    Column {
        name: "sex",
        required: false,
    },
    Column {
        name: "municipality",
        required: true,
    },
    Column {
        name: "district",
        required: false,
    },
    Column {
        name: "address_known",
        required: false,
    },
    Column {
        name: "gang_affiliation",
        required: false,
    },
    Column {
        name: "in_custody",
        required: false,
    },
    Column {
        name: "exit_program",
        required: false,
    },
    Column {
        name: "last_letter_date",
        required: false,
    },
    Column {
        name: "risk_factors",
        required: false,
    },
    Column {
        name: "protective_factors",
        required: false,
    },
];

/// Longest municipality or district name accepted; longer is not a place name.
const MAX_PLACE_LEN: usize = 80;

/// `person_of_row` for a row that did not become a person.
const REFUSED: u32 = u32::MAX;

/// Validated persons in input order, and where to find each id.
#[derive(Default)]
pub struct Persons {
    /// The persons so far, in file order.
    pub list: Vec<Person>,
    /// False when the header was unusable: then no person id is known at all,
    /// and events are not checked against persons (that would only add noise).
    pub header_ok: bool,
    /// Every row's id, and where each first appears.
    rows: RowIds,
    /// The person each row became, or `REFUSED`.
    person_of_row: Vec<u32>,
    /// Ids (if readable) of rows whose cells could not all be read, or that
    /// had the wrong number of fields.
    unreadable: HashSet<String>,
}

/// What one chunk of rows holds, each row checked on its own.
pub struct Rows {
    /// Rows valid on their own, with their record number in the chunk.
    persons: Vec<(usize, Person)>,
    /// Each record's id ("" when it has no well-formed one) and its hash.
    ids: Strings,
    hashes: Vec<u64>,
    problems: RowProblems,
    unreadable: Vec<String>,
}

/// What checking a row needs, shared by the threads that check chunks.
pub struct Checker<'a> {
    header: &'a Header,
    hasher: IdHasher,
    dates: DateFormat,
    risk: Vocab,
    protective: Vocab,
}

impl<'a> Checker<'a> {
    pub fn new(
        header: &'a Header,
        config: &HostConfig,
        dates: DateFormat,
        hasher: IdHasher,
    ) -> Self {
        Checker {
            header,
            hasher,
            dates,
            risk: Vocab::new(&config.vocabulary.risk_factors),
            protective: Vocab::new(&config.vocabulary.protective_factors),
        }
    }

    /// Checks each row of a chunk on its own; ids are checked against each
    /// other when the chunk is merged.
    pub fn check(&self, chunk: &Chunk) -> Rows {
        let mut rows = Rows {
            persons: Vec::with_capacity(chunk.len()),
            ids: Strings::default(),
            hashes: Vec::with_capacity(chunk.len()),
            problems: Vec::new(),
            unreadable: Vec::new(),
        };
        // Place names repeat: one string per name per chunk, not per person.
        let mut places: HashMap<&str, ImmutableString> = HashMap::new();
        for record in 0..chunk.len() {
            let id = self.check_row(chunk, record, &mut rows, &mut places);
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
        places: &mut HashMap<&'c str, ImmutableString>,
    ) -> Option<&'c str> {
        let line = chunk.line(record);
        let [
            person_id,
            birth_date,
            sex,
            municipality,
            district,
            address_known,
            gang_affiliation,
            in_custody,
            exit_program,
            last_letter_date,
            risk_factors,
            protective_factors,
        ] = match cells(chunk, record, self.header) {
            Ok(cells) => cells,
            Err(problems) => {
                rows.problems
                    .extend(problems.into_iter().map(|d| (record, d)));
                // Rows swallowed by a stray quote exist too.
                if let Some(key) = self.header.field("person_id") {
                    for issue in chunk.issues_of(record) {
                        if let Some(text) = &issue.run_on {
                            rows.unreadable
                                .extend(swallowed_keys(self.header.kind, key, text));
                        }
                    }
                }
                // An unreadable row's id (if readable) still exists: its events
                // are not "unknown persons".
                if let Some(id) = raw_cell(chunk, record, self.header, "person_id") {
                    rows.unreadable.push(id.to_string());
                }
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

        let id = cells.key("person_id", person_id);
        let birth_date = cells
            .required("birth_date", birth_date)
            .and_then(|v| cells.date("birth_date", v));
        let sex = sex.and_then(|v| cells.token("sex", v, Sex::TOKENS, Sex::parse));
        let municipality = cells.required("municipality", municipality);
        for (column, value) in [("municipality", municipality), ("district", district)] {
            if value.is_some_and(|v| v.chars().count() > MAX_PLACE_LEN) {
                cells.fail_with_hint(
                    column,
                    "value-too-long",
                    format!("`{column}` is longer than {MAX_PLACE_LEN} characters"),
                    Some(format!("a place name is at most {MAX_PLACE_LEN} characters: check that the column holds the {column} and not another column's text")),
                );
            }
        }
        let address_known = cells.bool("address_known", address_known, true);
        let gang_affiliation = match gang_affiliation {
            None => GangAffiliation::None,
            Some(v) => cells
                .token(
                    "gang_affiliation",
                    v,
                    GangAffiliation::TOKENS,
                    GangAffiliation::parse,
                )
                .unwrap_or_default(),
        };
        let in_custody = cells.bool("in_custody", in_custody, false);
        let exit_program = cells.bool("exit_program", exit_program, false);
        let last_letter_date = cells.optional_date("last_letter_date", last_letter_date);
        let risk_factors = cells.token_list("risk_factors", risk_factors, &self.risk);
        let protective_factors =
            cells.token_list("protective_factors", protective_factors, &self.protective);

        let (true, Some(key), Some(birth_date), Some(municipality)) =
            (cells.ok, id, birth_date, municipality)
        else {
            return id;
        };
        let mut place = |name: &'c str| {
            places
                .entry(name)
                .or_insert_with(|| ImmutableString::from(name))
                .clone()
        };
        let person = Person {
            id: key.into(),
            birth_date,
            sex,
            municipality: place(municipality),
            district: district.map(&mut place),
            address_known,
            gang_affiliation,
            in_custody,
            exit_program,
            last_letter_date,
            risk_factors,
            protective_factors,
        };
        rows.persons.push((record, person));
        id
    }
}

impl Persons {
    /// None yet; `header_ok` false when persons.csv's header was refused.
    pub fn new(header_ok: bool, hasher: IdHasher) -> Persons {
        Persons {
            header_ok,
            rows: RowIds::new(hasher),
            ..Default::default()
        }
    }

    /// Adds a checked chunk in file order: finds repeated ids, and reports the
    /// chunk's problems in the order of its rows.
    pub fn merge(
        &mut self,
        chunk: Chunk,
        rows: Rows,
        header: &Header,
        problems: &mut Vec<Diagnostic>,
    ) {
        if let Some(estimate) = chunk.estimate {
            let per_id = rows.ids.text_len() / chunk.len().max(1) + 1;
            self.rows.reserve(estimate, estimate * per_id);
            self.list.reserve(estimate);
            self.person_of_row.reserve(estimate);
        }
        let base = self.rows.len();
        let repeats = self
            .rows
            .append(&chunk, &rows.ids, &rows.hashes, (header, "person_id"));
        // A row valid on its own becomes a person unless its id is repeated.
        self.person_of_row.resize(self.rows.len(), REFUSED);
        for (record, person) in rows.persons {
            if repeats.binary_search_by_key(&record, |(r, _)| *r).is_err() {
                self.person_of_row[base + record] = self.list.len() as u32;
                self.list.push(person);
            }
        }
        problems.extend(in_file_order(chunk.errors, repeats, rows.problems));
        self.unreadable.extend(rows.unreadable);
        self.unreadable.extend(chunk.refused);
    }

    /// The person with this id.
    pub fn find(&self, hash: u64, id: &str) -> Option<u32> {
        let row = self.rows.find(hash, id)?;
        Some(self.person_of_row[row as usize]).filter(|&p| p != REFUSED)
    }

    /// Whether a person id that [`Persons::find`] does not know is already
    /// reported: its row was refused, or the file's header was.
    pub fn refused(&self, hash: u64, id: &str) -> bool {
        !self.header_ok || self.rows.find(hash, id).is_some() || self.unreadable.contains(id)
    }

    /// Frees what only loading needed.
    pub fn into_list(self) -> Vec<Person> {
        self.list
    }
}
