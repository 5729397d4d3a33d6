//! From a real extract to a safe batch: CPR numbers, event ids and case ids
//! replaced by keyed pseudonyms, every column the screening does not use
//! dropped (issue 16; the contract is docs/pseudonymise.md).
//!
//! - [`cpr`]: CPR numbers parsed and checked (century digit, day + 60), and
//!   the birth date they carry.
//! - [`key`]: the key file (mode 0600; refused when others can read it).
//! - [`pseudonym`]: the pseudonym format, a lasting contract.
//! - [`columns`]: which columns go on, and which are dropped.
//! - [`table`]: the one function that reads an input file as rows of cells.
//! - [`map`]: the re-identification map for the one person entitled to it.
//! - [`screenable`]: the batch made, read back as `tryg screen` would, its
//!   problems pointed at the extract.
//!
//! [`pseudonymise`] streams both files once, writing the output rows to the
//! writers it is given; the caller checks the result with
//! [`screenable::check`] and puts it in place only when both pass, so an
//! extract with any problem leaves nothing behind.

pub mod columns;
pub mod cpr;
pub mod key;
pub mod map;
mod private_file;
pub mod pseudonym;
pub mod screenable;
pub mod table;

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;
use std::io::{self, Write};

pub use columns::ColumnName;
pub use private_file::{PrivateFileError, Staged};

use columns::{Plan, Source, Which};
use cpr::{Cpr, contains_cpr_like};
use pseudonym::{Pseudonym, Pseudonymiser};
use table::{Next, Row, Table};

use crate::diagnostic::{Diagnostic, Diagnostics};

/// What the command decides before anything is read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The column holding the CPR number, in both files (default `person_id`).
    pub id_column: String,
    /// Special-category column names (tryg.toml `forbidden_columns`), matched
    /// without regard to case.
    pub forbidden_columns: Vec<String>,
    /// Problems listed per file before the rest are only counted.
    pub max_problems_per_file: usize,
    /// Whether to collect [`Report::entries`] (for `--write-map`); without a
    /// map they would only take memory.
    pub collect_map: bool,
}

/// What a run did, for the summary. Holds no personal value except in
/// [`Report::entries`], which only the map file receives.
#[derive(Debug)]
pub struct Report {
    /// The persons file.
    pub persons: FileReport,
    /// The events file.
    pub events: FileReport,
    /// Where the birth dates came from.
    pub birth_dates: BirthDates,
    /// Every pseudonym made, with its value, in order of first appearance
    /// (persons, then events and cases): the map's rows. Empty unless
    /// [`Settings::collect_map`].
    pub entries: Vec<map::Entry>,
}

/// One file's part of the summary.
#[derive(Debug)]
pub struct FileReport {
    /// The input file, as given.
    pub file: String,
    /// Data rows written.
    pub rows: usize,
    /// The output's columns, in order.
    pub columns: Vec<&'static str>,
    /// Columns dropped for not being in the data contract.
    pub dropped: Vec<ColumnName>,
    /// Special-category columns dropped (GDPR art. 9).
    pub forbidden: Vec<ColumnName>,
    /// Where the output's rows and columns came from in this file.
    pub origins: screenable::Origins,
}

/// Where the output's birth dates came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthDates {
    /// From the persons file's `birth_date` column, every one.
    Given,
    /// From the CPR numbers: the persons file has no `birth_date` column.
    FromCpr,
    /// From the column, and from the CPR number for this many persons whose
    /// `birth_date` cell was empty.
    FromCprWhereEmpty(usize),
}

/// Why an extract was not pseudonymised.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems of the input, located; nothing may be written.
    #[error("{} problem(s) in the input", .0.total())]
    Input(Diagnostics),
    /// An input file could not be read.
    #[error("cannot read {file}")]
    Read {
        /// The file, as given.
        file: String,
        /// The system's reason.
        #[source]
        error: io::Error,
    },
    /// An output file could not be written.
    #[error("cannot write the output")]
    Write(#[source] io::Error),
}

/// Where the two output files go.
pub struct Output<'a> {
    /// persons.csv.
    pub persons: &'a mut dyn Write,
    /// events.csv.
    pub events: &'a mut dyn Write,
}

/// Pseudonymises an extract: reads the persons file, then the events file,
/// writing the batch's persons.csv and events.csv to `out` as it goes.
///
/// Refused, with every problem located by file, line and column and no
/// value shown: a header without the CPR column or a required column; a CPR
/// number with a stray character, a wrong length or an impossible date; an
/// empty CPR or `event_id`; a person twice; an event twice; an event for a
/// CPR number not among the persons; a CPR-like value in a column that goes
/// on; two values that get one pseudonym (a collision). On `Err`, what was
/// written to `out` must be thrown away.
pub fn pseudonymise(
    keyed: &Pseudonymiser,
    persons: &mut dyn Table,
    events: &mut dyn Table,
    settings: &Settings,
    out: Output<'_>,
) -> Result<Report, Error> {
    let mut problems = Diagnostics::with_cap(settings.max_problems_per_file);
    let person_contract: Vec<_> = crate::load::person_contract().collect();
    let event_contract: Vec<_> = crate::load::event_contract().collect();
    let plan = |table: &dyn Table, which, contract: &[(&'static str, bool)]| {
        columns::plan(
            table.name(),
            table.header(),
            which,
            contract,
            &settings.id_column,
            &settings.forbidden_columns,
        )
    };
    let plans = (
        plan(persons, Which::Persons, &person_contract),
        plan(events, Which::Events, &event_contract),
    );
    let (person_plan, event_plan) = match plans {
        (Ok(p), Ok(e)) => (p, e),
        (p, e) => {
            for list in [p.err(), e.err()].into_iter().flatten() {
                list.into_iter().for_each(|d| problems.push(d));
            }
            return Err(Error::Input(located(problems, persons, events)));
        }
    };

    let mut walk = Walk {
        keyed,
        problems,
        persons: HashMap::new(),
        events: HashMap::new(),
        cases: HashMap::new(),
        entries: Vec::new(),
        collect_map: settings.collect_map,
        derived: 0,
    };
    let persons_report = walk.file(persons, &person_plan, out.persons, Walk::person)?;
    // A person row that was refused would make its events look like events
    // of an unknown person; the persons file's own messages say enough.
    let persons_ok = walk.problems.is_empty();
    let events_report = walk.file(events, &event_plan, out.events, |walk, file, plan, row| {
        walk.event(file, plan, row, persons_ok)
    })?;
    if !walk.problems.is_empty() {
        return Err(Error::Input(located(walk.problems, persons, events)));
    }
    let birth_dates = match person_plan.columns.iter().find(|(n, _)| *n == "birth_date") {
        Some((_, Source::BirthDate(None))) => BirthDates::FromCpr,
        _ if walk.derived > 0 => BirthDates::FromCprWhereEmpty(walk.derived),
        _ => BirthDates::Given,
    };
    Ok(Report {
        persons: persons_report,
        events: events_report,
        birth_dates,
        entries: walk.entries,
    })
}

/// Problems located as each file is read (a workbook's by sheet cell).
fn located(mut problems: Diagnostics, persons: &dyn Table, events: &dyn Table) -> Diagnostics {
    for d in problems.items_mut() {
        let table = if d.file == events.name() {
            events
        } else {
            persons
        };
        *d = table.locate(std::mem::replace(d, Diagnostic::new("", "", "")));
    }
    problems
}

/// The state of one run across both files.
struct Walk<'k> {
    keyed: &'k Pseudonymiser,
    problems: Diagnostics,
    /// Person pseudonyms made: the CPR number and the line it was first on.
    persons: HashMap<Pseudonym, (Cpr, usize)>,
    /// Event and case pseudonyms made: the id and the line it was first on.
    events: HashMap<Pseudonym, (String, usize)>,
    cases: HashMap<Pseudonym, (String, usize)>,
    entries: Vec<map::Entry>,
    collect_map: bool,
    /// Birth dates taken from a CPR number where the cell was empty.
    derived: usize,
}

/// One row's output cells, or `None` when the row has a problem.
type Cells = Option<Vec<String>>;

impl Walk<'_> {
    /// Reads one file, checks each row with `row_fn` and writes the rows.
    fn file(
        &mut self,
        table: &mut dyn Table,
        plan: &Plan,
        out: &mut dyn Write,
        mut row_fn: impl FnMut(&mut Self, &str, &Plan, &Row) -> Cells,
    ) -> Result<FileReport, Error> {
        let file = table.name().to_string();
        let mut writer = csv::Writer::from_writer(out);
        let names: Vec<&str> = plan.columns.iter().map(|(n, _)| *n).collect();
        writer.write_record(&names).map_err(write_error)?;
        let mut origins = screenable::Origins::new(plan);
        let mut rows = 0;
        loop {
            let next = table.next_row().map_err(|error| Error::Read {
                file: file.clone(),
                error,
            })?;
            match next {
                Next::End => break,
                Next::Problem(d) => self.problems.push(d),
                Next::Row(mut row) => {
                    // A cell that could not be read matters only in a
                    // column that is passed on.
                    let used = |field: usize| {
                        plan.id == field
                            || plan.columns.iter().any(|(_, s)| s.field() == Some(field))
                    };
                    let bad: Vec<Diagnostic> = std::mem::take(&mut row.problems)
                        .into_iter()
                        .filter(|(field, _)| used(*field))
                        .map(|(_, d)| d)
                        .collect();
                    if !bad.is_empty() {
                        bad.into_iter().for_each(|d| self.problems.push(d));
                        continue;
                    }
                    if let Some(cells) = row_fn(self, &file, plan, &row) {
                        // Once anything is wrong the output is thrown away:
                        // stop writing, keep checking.
                        if self.problems.is_empty() {
                            writer.write_record(&cells).map_err(write_error)?;
                            origins.row(row.line, &cells);
                        }
                        rows += 1;
                    }
                }
            }
        }
        writer.flush().map_err(Error::Write)?;
        Ok(FileReport {
            file,
            rows,
            columns: names,
            dropped: plan.dropped.clone(),
            forbidden: plan.forbidden.clone(),
            origins,
        })
    }

    fn person(&mut self, file: &str, plan: &Plan, row: &Row) -> Cells {
        let before = self.problems.total();
        let cpr = self.cpr(file, plan, row);
        let pseudonym = cpr.map(|c| self.keyed.person(&c));
        if let (Some(cpr), Some(pseudonym)) = (cpr, pseudonym) {
            match self.persons.entry(pseudonym) {
                Slot::Vacant(slot) => {
                    slot.insert((cpr, row.line));
                    self.remember(pseudonym, cpr.digits().to_string());
                }
                Slot::Occupied(seen) => {
                    let (first, line) = *seen.get();
                    self.problems.push(if first == cpr {
                        at(file, row.line, plan.id, "duplicate-id", format!(
                            "this CPR number (not shown) already appears on line {line}: one row per person"
                        ))
                    } else {
                        collision(file, row.line, plan.id, "CPR number", line)
                    });
                }
            }
        }
        let mut cells = Vec::with_capacity(plan.columns.len());
        for (name, source) in &plan.columns {
            let cell = match *source {
                Source::Person(_) => pseudonym.map(|p| p.to_string()),
                Source::BirthDate(Some(i)) if !row.cells[i].is_empty() => {
                    self.passed_on(file, row, i, name)
                }
                Source::BirthDate(column) => {
                    if column.is_some() {
                        self.derived += 1;
                    }
                    cpr.map(|c| c.birth_date().format("%Y-%m-%d").to_string())
                }
                Source::Cell(i) => self.passed_on(file, row, i, name),
                Source::Event(_) | Source::Case(_) => unreachable!("not a persons column"),
            };
            cells.push(cell.unwrap_or_default());
        }
        (self.problems.total() == before).then_some(cells)
    }

    fn event(&mut self, file: &str, plan: &Plan, row: &Row, persons_ok: bool) -> Cells {
        let before = self.problems.total();
        let person = self.cpr(file, plan, row).map(|cpr| self.keyed.person(&cpr));
        let unknown = person.is_some_and(|p| !self.persons.contains_key(&p));
        if unknown && persons_ok {
            self.problems.push(at(
                file,
                row.line,
                plan.id,
                "unknown-person",
                "no row of the persons file has this CPR number (not shown)".into(),
            ));
        }
        let mut cells = Vec::with_capacity(plan.columns.len());
        for (name, source) in &plan.columns {
            let cell = match *source {
                Source::Person(_) => person.map(|p| p.to_string()),
                Source::Event(i) => self.event_id(file, row, i),
                Source::Case(i) if row.cells[i].is_empty() => Some(String::new()),
                Source::Case(i) => self.case_id(file, row, i),
                Source::Cell(i) => self.passed_on(file, row, i, name),
                Source::BirthDate(_) => unreachable!("not an events column"),
            };
            cells.push(cell.unwrap_or_default());
        }
        (self.problems.total() == before).then_some(cells)
    }

    /// Keeps a pseudonym and its value for the map, when one is asked for.
    fn remember(&mut self, pseudonym: Pseudonym, value: impl Into<String>) {
        if self.collect_map {
            self.entries.push(map::Entry {
                pseudonym,
                value: value.into(),
            });
        }
    }

    /// The row's CPR number, or `None` after reporting why it is not one.
    fn cpr(&mut self, file: &str, plan: &Plan, row: &Row) -> Option<Cpr> {
        let text = &row.cells[plan.id];
        let column = plan.name(plan.id);
        if text.is_empty() {
            self.problems.push(at(
                file,
                row.line,
                plan.id,
                "missing-value",
                format!("the CPR number ({column}) is empty"),
            ));
            return None;
        }
        match Cpr::parse(text) {
            Ok(cpr) => Some(cpr),
            Err(e) => {
                self.problems.push(
                    at(
                        file,
                        row.line,
                        plan.id,
                        e.code(),
                        format!("{column} is not a CPR number: the value (not shown) {e}"),
                    )
                    .hint(e.hint()),
                );
                None
            }
        }
    }

    fn event_id(&mut self, file: &str, row: &Row, i: usize) -> Option<String> {
        let id = &row.cells[i];
        if id.is_empty() {
            self.problems.push(at(
                file,
                row.line,
                i,
                "missing-value",
                "`event_id` is empty".into(),
            ));
            return None;
        }
        let pseudonym = self.keyed.event(id);
        match self.events.entry(pseudonym) {
            Slot::Vacant(slot) => {
                slot.insert((id.clone(), row.line));
                self.remember(pseudonym, id.clone());
            }
            Slot::Occupied(seen) => {
                let (first, line) = seen.get();
                let line = *line;
                self.problems.push(if first == id {
                    at(
                        file,
                        row.line,
                        i,
                        "duplicate-id",
                        format!("this `event_id` (not shown) already appears on line {line}"),
                    )
                } else {
                    collision(file, row.line, i, "`event_id`", line)
                });
                return None;
            }
        }
        Some(pseudonym.to_string())
    }

    fn case_id(&mut self, file: &str, row: &Row, i: usize) -> Option<String> {
        let id = &row.cells[i];
        let pseudonym = self.keyed.case(id);
        match self.cases.entry(pseudonym) {
            Slot::Vacant(slot) => {
                slot.insert((id.clone(), row.line));
                self.remember(pseudonym, id.clone());
            }
            // Events of one case share its id: only another id is a problem.
            Slot::Occupied(seen) if seen.get().0 != *id => {
                let line = seen.get().1;
                self.problems
                    .push(collision(file, row.line, i, "`case_id`", line));
                return None;
            }
            Slot::Occupied(_) => {}
        }
        Some(pseudonym.to_string())
    }

    /// A contract cell that goes on as it is, unless it holds a CPR number.
    fn passed_on(&mut self, file: &str, row: &Row, i: usize, name: &str) -> Option<String> {
        let text = &row.cells[i];
        if contains_cpr_like(text) {
            self.problems.push(
                at(
                    file,
                    row.line,
                    i,
                    "cpr-in-cell",
                    format!("`{name}` holds what looks like a CPR number (not shown); only the CPR column may hold one, and it is replaced"),
                )
                .hint("remove the number from the cell; tryg never passes a CPR number on"),
            );
            return None;
        }
        Some(text.clone())
    }
}

fn at(file: &str, line: usize, index: usize, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::new(code, file, message).at(line, Some(index + 1))
}

fn collision(file: &str, line: usize, index: usize, what: &str, first: usize) -> Diagnostic {
    at(
        file,
        line,
        index,
        "pseudonym-collision",
        format!("this {what} gets the same pseudonym as the different one on line {first}; the batch is refused"),
    )
    .hint("a collision of 128-bit pseudonyms should never happen: keep the extract and report it (see docs/pseudonymise.md)")
}

fn write_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::Write(e),
        other => Error::Write(io::Error::other(format!("{other:?}"))),
    }
}

#[cfg(test)]
mod tests;
