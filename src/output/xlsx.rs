//! `--format xlsx`: an Excel workbook (issue 14, item 4), written with
//! `rust_xlsxwriter`.
//!
//! - `outcomes`: one row per person, the [`flat::Column`]s, with numbers as
//!   numbers, the earliest due date as a date cell, a frozen header row and
//!   an autofilter.
//! - `run`: the run header: as-of date (a date cell), digests, counts, and
//!   every warning of the run, the `incomplete` banner first. When the run
//!   has warnings, this sheet is the one the workbook opens on, and its tab
//!   is red.
//! - `areas`: screened persons per level and proposals by municipality and
//!   district.
//!
//! Text is written as text (`write_string`): a cell starting with `=` is a
//! string to Excel, never a formula, so nothing is defused here and ids stay
//! as they are. The workbook's creation time is the as-of date, not the
//! clock, so the same input gives the same bytes.

use std::io::{self, Write};

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};

use crate::outcome::Run;
use crate::time::Date;

use super::cell::Cell;
use super::flat::{self, Column};

/// The columns of the `outcomes` sheet.
const COLUMNS: &[(Column, f64)] = &[
    (Column::PersonId, 14.0),
    (Column::Status, 12.0),
    (Column::Age, 6.0),
    (Column::Municipality, 16.0),
    (Column::District, 16.0),
    (Column::Level, 7.0),
    (Column::LevelName, 16.0),
    (Column::Forum, 8.0),
    (Column::YouthBoardRoute, 14.0),
    (Column::YouthBoardLimb, 16.0),
    (Column::LetterRecipients, 16.0),
    (Column::LetterPriority, 10.0),
    (Column::LetterRank, 9.0),
    (Column::LetterInBatch, 10.0),
    (Column::Actions, 30.0),
    (Column::NextDue, 12.0),
    (Column::OverdueActions, 18.0),
    (Column::Flags, 24.0),
    (Column::Reasons, 80.0),
    (Column::Rules, 30.0),
    (Column::Error, 40.0),
];

/// Rows one sheet holds, its header included.
const MAX_ROWS: usize = 1_048_576;

/// The most persons a workbook holds: one row each under the header.
pub const MAX_PERSONS: usize = MAX_ROWS - 1;

/// Characters one cell holds.
const MAX_TEXT: usize = 32_767;

/// Writes the workbook of the outcomes `source` gives, whole.
pub fn render(source: &dyn super::Outcomes, out: &mut dyn Write) -> io::Result<()> {
    let bytes = workbook(source).map_err(|e| match e {
        Problem::Io(e) => e,
        Problem::Xlsx(e) => io::Error::other(format!("xlsx: {e}")),
    })?;
    out.write_all(&bytes)
}

enum Problem {
    Io(io::Error),
    Xlsx(XlsxError),
}

impl From<XlsxError> for Problem {
    fn from(e: XlsxError) -> Problem {
        Problem::Xlsx(e)
    }
}

impl From<io::Error> for Problem {
    fn from(e: io::Error) -> Problem {
        Problem::Io(e)
    }
}

/// The cell formats of the workbook.
struct Formats {
    header: Format,
    date: Format,
    banner: Format,
    warning: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            banner: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0x00A3_200B)),
            warning: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0x007A_3300)),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

fn workbook(source: &dyn super::Outcomes) -> Result<Vec<u8>, Problem> {
    let run = source.run();
    let formats = Formats::new();
    let mut book = Workbook::new();
    // A fixed creation time (the as-of date), so two runs give the same bytes.
    let created = excel_date(run.as_of).unwrap_or(ExcelDateTime::from_ymd(2000, 1, 1)?);
    book.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "tryg screening as of {}: proposals for human review, not decisions",
                run.as_of
            ))
            .set_comment(
                "Confidential: criminal-record information about children and young people.",
            )
            .set_creation_datetime(&created),
    );

    let sheet = book.add_worksheet();
    sheet.set_name("outcomes")?;
    outcomes_sheet(sheet, source, &formats)?;

    let sheet = book.add_worksheet();
    sheet.set_name("run")?;
    run_sheet(sheet, run, &formats)?;
    if !run.warnings.is_empty() {
        sheet.set_active(true);
        sheet.set_tab_color(Color::RGB(0x00A3_200B));
    }

    let sheet = book.add_worksheet();
    sheet.set_name("areas")?;
    areas_sheet(sheet, run, &formats)?;

    Ok(book.save_to_buffer()?)
}

fn outcomes_sheet(
    sheet: &mut Worksheet,
    source: &dyn super::Outcomes,
    formats: &Formats,
) -> Result<(), Problem> {
    let mut columns: Vec<(Column, f64)> = COLUMNS.to_vec();
    if source.run().register.is_some() {
        columns.extend(flat::CHANGE_COLUMNS.iter().map(|c| (*c, 14.0)));
    }
    for (c, (column, width)) in columns.iter().enumerate() {
        let c = col(c);
        sheet.write_string_with_format(0, c, column.name(), &formats.header)?;
        sheet.set_column_width(c, *width)?;
    }
    let mut row = 0usize;
    let mut failed: Option<XlsxError> = None;
    source.each_wave(&mut |outcomes| {
        if row + outcomes.len() >= MAX_ROWS {
            return Err(io::Error::other(format!(
                "a worksheet holds at most {} persons; write this batch as csv or json",
                MAX_ROWS - 1
            )));
        }
        for outcome in outcomes {
            row += 1;
            for (c, (column, _)) in columns.iter().enumerate() {
                if let Err(e) = write(sheet, row as u32, col(c), &column.cell(outcome), formats) {
                    failed.get_or_insert(e);
                }
            }
        }
        Ok(())
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, row as u32, col(columns.len() - 1))?;
    Ok(())
}

fn run_sheet(sheet: &mut Worksheet, run: &Run, formats: &Formats) -> Result<(), Problem> {
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 90)?;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "tryg screening as of {}: proposals for human review, not decisions. Confidential.",
            run.as_of
        ),
        &formats.header,
    )?;
    let mut row = 1u32;
    for warning in &run.warnings {
        let format = if warning.code == "incomplete" {
            &formats.banner
        } else {
            &formats.warning
        };
        let text = if warning.code == "incomplete" {
            // The message starts "report incomplete: …": shout it.
            warning.message.to_uppercase()
        } else {
            format!("warning[{}]: {}", warning.code, warning.message)
        };
        sheet.write_string_with_format(row, 0, clip(&text), format)?;
        row += 1;
    }
    row += 1;
    sheet.write_string_with_format(row, 0, "field", &formats.header)?;
    sheet.write_string_with_format(row, 1, "value", &formats.header)?;
    let c = &run.counts;
    let mut fields: Vec<(String, Cell)> = vec![
        ("as_of".into(), Cell::Date(run.as_of)),
        ("tool_version".into(), Cell::text(run.tool_version)),
        (
            "ruleset_digest".into(),
            Cell::text(run.ruleset_digest.as_str()),
        ),
        (
            "persons_digest".into(),
            Cell::text(run.persons_digest.as_str()),
        ),
        (
            "events_digest".into(),
            Cell::text(run.events_digest.as_str()),
        ),
        (
            "municipalities".into(),
            Cell::text(run.municipalities.join(", ")),
        ),
        ("persons".into(), count(c.persons)),
        ("events".into(), count(c.events)),
    ];
    for (level, (name, n)) in c.by_level.0.iter().enumerate() {
        fields.push((format!("level {level} {name}"), count(*n)));
    }
    fields.extend([
        ("out_of_scope".into(), count(c.out_of_scope)),
        ("youth_board".into(), count(c.youth_board)),
        ("concern_letters".into(), count(c.concern_letters)),
        (
            "concern_letters_in_batch".into(),
            count(c.concern_letters_in_batch),
        ),
        ("errors".into(), count(c.errors)),
        ("warnings".into(), count(c.warnings)),
        ("flags".into(), count(c.flags)),
    ]);
    for warning in &run.warnings {
        fields.push((
            format!("warning: {}", warning.code),
            Cell::text(warning.message.as_str()),
        ));
    }
    if let Some(register) = &run.register {
        fields.push((
            "chain_head".into(),
            Cell::text(register.chain_head.as_str()),
        ));
        if let Some(previous) = &register.previous_run {
            fields.push(("previous_run".into(), Cell::Int(previous.id)));
            fields.push(("previous_run_as_of".into(), Cell::Date(previous.as_of)));
        }
        let gone: Vec<&str> = register
            .no_longer_proposed
            .iter()
            .map(|g| g.person_id.as_str())
            .collect();
        fields.push(("no_longer_proposed".into(), Cell::text(gone.join(", "))));
    }
    for (name, value) in &fields {
        row += 1;
        sheet.write_string(row, 0, name.as_str())?;
        write(sheet, row, 1, value, formats)?;
    }
    Ok(())
}

fn areas_sheet(sheet: &mut Worksheet, run: &Run, formats: &Formats) -> Result<(), Problem> {
    let levels: Vec<String> = run
        .counts
        .by_level
        .0
        .iter()
        .enumerate()
        .map(|(level, (name, _))| format!("level {level} {name}"))
        .collect();
    let mut header: Vec<&str> = vec!["municipality", "district", "screened"];
    header.extend(levels.iter().map(String::as_str));
    header.extend(["youth_board", "concern_letters", "actions"]);
    for (c, name) in header.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), *name, &formats.header)?;
        sheet.set_column_width(col(c), if c < 2 { 18.0 } else { 12.0 })?;
    }
    let mut row = 0u32;
    for area in &run.counts.by_area {
        row += 1;
        let mut cells = vec![
            Cell::text(area.municipality.as_str()),
            Cell::maybe_text(area.district.as_deref()),
            count(area.screened()),
        ];
        cells.extend(area.by_level.0.iter().map(|(_, n)| count(*n)));
        cells.extend([
            count(area.youth_board),
            count(area.concern_letters),
            count(area.actions),
        ]);
        for (c, cell) in cells.iter().enumerate() {
            write(sheet, row, col(c), cell, formats)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, row, col(header.len() - 1))?;
    Ok(())
}

fn count(n: usize) -> Cell<'static> {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn col(c: usize) -> u16 {
    u16::try_from(c).expect("fewer than 65,536 columns")
}

/// Writes a cell by its type: text as text, numbers as numbers, dates as
/// date cells (as text outside Excel's years 1900 to 9999).
fn write(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            if text.contains('\n') {
                sheet.write_string_with_format(row, col, clip(text), &formats.wrap)?;
            } else {
                sheet.write_string(row, col, clip(text))?;
            }
        }
        Cell::Int(n) => {
            sheet.write_number(row, col, *n as f64)?;
        }
        Cell::Number(n) => {
            sheet.write_number(row, col, *n)?;
        }
        Cell::Bool(b) => {
            sheet.write_boolean(row, col, *b)?;
        }
        Cell::Date(d) => match excel_date(*d) {
            Some(date) => {
                sheet.write_datetime_with_format(row, col, &date, &formats.date)?;
            }
            None => {
                sheet.write_string(row, col, d.format("%Y-%m-%d").to_string())?;
            }
        },
    }
    Ok(())
}

/// A date as Excel holds it; `None` outside the years 1900 to 9999.
fn excel_date(date: Date) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    let year = u16::try_from(date.year())
        .ok()
        .filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

/// Text cut to what one cell holds, saying so.
fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_TEXT {
        return text.to_string();
    }
    const CUT: &str = " … (cut: the whole text is in --format json)";
    let keep = MAX_TEXT - CUT.chars().count();
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(CUT);
    out
}
