//! The batch made must be one `tryg screen` accepts: it is read back through
//! the screening's own loader, with the run's rules (vocabulary, offence
//! catalogue), before it is put in place. That also keeps a name typed into
//! a token column (`sex`, `kind`, `tag`, …) from leaving the extract.
//!
//! A problem the loader finds is reported at its place in the extract: the
//! extract's file name, the line its row started on there and the column it
//! came from, so the user fixes the extract, not the output.

use super::FileReport;
use super::columns::{Plan, Source};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Batch, Input, ReadError};
use crate::ruleset::RuleSet;

/// Where each row and column of one output file came from in the extract.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    /// (output line, extract line) of every row written, in order.
    lines: Vec<(usize, usize)>,
    /// For each output column: its name, and its 1-based column in the
    /// extract (`None` for a birth date derived from the CPR number).
    columns: Vec<(&'static str, Option<usize>)>,
    /// The output line the next row starts on.
    next_line: usize,
}

impl Origins {
    /// The origins of a file written by `plan`, before any row.
    pub(super) fn new(plan: &Plan) -> Origins {
        let columns = plan
            .columns
            .iter()
            .map(|&(name, source)| {
                let index = match source {
                    Source::Person(i)
                    | Source::Event(i)
                    | Source::Case(i)
                    | Source::Cell(i)
                    | Source::BirthDate(Some(i)) => Some(i + 1),
                    Source::BirthDate(None) => None,
                };
                (name, index)
            })
            .collect();
        Origins {
            lines: Vec::new(),
            columns,
            // The header is line 1.
            next_line: 2,
        }
    }

    /// Records a row written from the extract's `line`: it takes one output
    /// line, and one more for each line break inside its cells.
    pub(super) fn row(&mut self, line: usize, cells: &[String]) {
        self.lines.push((self.next_line, line));
        let breaks: usize = cells.iter().map(|c| c.matches('\n').count()).sum();
        self.next_line += 1 + breaks;
    }

    /// Points a problem found in the output at its place in the extract.
    fn locate(&self, d: &mut Diagnostic) {
        let column = d
            .column
            .and_then(|c| self.columns.get(c.checked_sub(1)?))
            .copied();
        if let (true, Some((name, _))) = (d.code == "unknown-token", column) {
            // The loader may quote a short unknown token; here it may be a
            // name typed into the wrong column of a raw extract.
            d.message =
                format!("`{name}` holds a value (not shown) that is not one of its known values");
        }
        let found = d
            .line
            .and_then(|line| self.lines.binary_search_by_key(&line, |&(out, _)| out).ok());
        if let Some(k) = found {
            d.line = Some(self.lines[k].1);
        }
        if column.is_some() {
            d.column = column.and_then(|(_, index)| index);
        }
    }
}

/// Reads the written batch back as `tryg screen` would. `Ok(Err(_))` holds
/// its problems, located in the extract; the outer error is an output file
/// that cannot be read back.
pub fn check<'a>(
    persons: (&FileReport, Input<'a>),
    events: (&FileReport, Input<'a>),
    rules: &RuleSet,
) -> Result<Result<(), Diagnostics>, ReadError> {
    fn named<'a>((report, mut input): (&FileReport, Input<'a>)) -> Input<'a> {
        input.name = report.file.clone();
        input
    }
    let (persons_report, events_report) = (persons.0, events.0);
    match Batch::read(
        named(persons),
        named(events),
        &rules.config,
        &rules.catalogue,
    )? {
        Ok(_) => Ok(Ok(())),
        Err(mut problems) => {
            for d in problems.items_mut() {
                let report = if d.file == persons_report.file {
                    persons_report
                } else {
                    events_report
                };
                report.origins.locate(d);
            }
            Ok(Err(problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::columns::{Which, plan};
    use super::*;

    #[test]
    fn problems_in_the_output_point_at_the_extract() {
        let header: Vec<String> = ["note", "cpr", "district", "municipality", "sex"]
            .map(String::from)
            .into();
        let contract: Vec<_> = crate::load::person_contract().collect();
        let plan = plan("p.csv", &header, Which::Persons, &contract, "cpr", &[]).unwrap();
        let mut origins = Origins::new(&plan);
        // Output columns: person_id, birth_date (derived), sex, municipality, district.
        let cells = |district: &str| -> Vec<String> {
            ["p", "2012-01-01", "M", "K", district]
                .map(String::from)
                .into()
        };
        origins.row(2, &cells("a"));
        // The extract's row 2 spans lines 3–5 (a dropped note); the output's
        // district holds a line break, so its row takes lines 3–4.
        origins.row(3, &cells("two\nlines"));
        origins.row(6, &cells("b"));
        let at = |line, column| {
            let mut d = Diagnostic::new("unknown-token", "p.csv", "m").at(line, Some(column));
            origins.locate(&mut d);
            (d.line, d.column, d.message)
        };
        let sex = "`sex` holds a value (not shown) that is not one of its known values".to_string();
        assert_eq!(at(5, 3), (Some(6), Some(5), sex.clone()));
        assert_eq!(at(3, 3), (Some(3), Some(5), sex));
        let (line, column, _) = at(2, 2);
        assert_eq!(
            (line, column),
            (Some(2), None),
            "a derived birth date has no column"
        );
        // The loader names the line a row starts on; any other line is left.
        let mut d = Diagnostic::new("bad-date", "p.csv", "m").at(4, Some(1));
        origins.locate(&mut d);
        assert_eq!(
            (d.line, d.column, d.message.as_str()),
            (Some(4), Some(2), "m")
        );
    }
}
