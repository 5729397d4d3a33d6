//! `--format csv`: one flat row per person, for spreadsheets.
//!
//! The columns are [`flat::Column`]s; lists are joined with `;`. Every text
//! cell that a spreadsheet would run as a formula is defused ([`super::cell`]).
//! With `--excel` (or `[output] excel_csv = true`) the file has a UTF-8
//! byte-order mark, `;` between fields and `,` in numbers, so Danish Excel
//! opens it as columns with æøå intact. The run's warnings are not in the
//! file (a CSV file has one table): `tryg screen` prints them on stderr.

use std::io::{self, Write};

use super::cell::{Cell, CsvOut, CsvStyle};
use super::flat::{self, Column};

/// The columns, in order. The first sixteen are the original contract
/// (docs/data-format.md); later ones are added at the end, so a reader by
/// position keeps working.
const COLUMNS: &[Column] = &[
    Column::PersonId,
    Column::Status,
    Column::Age,
    Column::Level,
    Column::LevelName,
    Column::Forum,
    Column::YouthBoardRoute,
    Column::YouthBoardLimb,
    Column::LetterRecipients,
    Column::LetterPriority,
    Column::LetterRank,
    Column::LetterInBatch,
    Column::Actions,
    Column::OverdueActions,
    Column::Rules,
    Column::Error,
    Column::Municipality,
    Column::District,
    Column::Flags,
    Column::Reasons,
];

/// Writes the header, then one row per outcome as the waves come. With a
/// case register, three more columns say what changed.
pub fn render(
    source: &dyn super::Outcomes,
    style: CsvStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut columns = COLUMNS.to_vec();
    if source.run().register.is_some() {
        columns.extend(flat::CHANGE_COLUMNS);
    }
    let mut csv = CsvOut::new(out, style)?;
    let names: Vec<&str> = columns.iter().map(|c| c.name()).collect();
    csv.header(&names)?;
    source.each_wave(&mut |outcomes| {
        for outcome in outcomes {
            let row: Vec<Cell> = columns.iter().map(|c| c.cell(outcome)).collect();
            csv.row(&row)?;
        }
        Ok(())
    })?;
    csv.flush()
}
