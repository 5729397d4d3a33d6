//! The command line: clap types (no I/O here), and dispatch to one module per
//! subcommand. Errors reach the user as `error: …` on stderr with an exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::cmd;
use crate::exit::Exit;
use crate::output::Format;
use crate::time::Date;

#[derive(Debug, Parser)]
#[command(
    name = "tryg",
    version,
    about = "Screens a batch of persons against the crime-prevention rules and proposes, with reasons, what a coordination meeting should consider.",
    long_about = None,
    after_help = "Every outcome is a proposal for human review (GDPR art. 22): tryg never decides."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen a batch: one explained, proposed outcome per person.
    Screen(ScreenArgs),
    /// Check a rule pack: every problem at once, with the spot and a hint.
    Check(CheckArgs),
    /// Everything about one person's outcome: each rule, its evidence, when it lapses.
    Explain(ExplainArgs),
    /// Run the rule pack's test cases and show which rules they exercise.
    Test(TestArgs),
    /// Screen one batch with two rule packs: what changes, and for whom.
    Diff(DiffArgs),
    /// Write the default rule pack to DIR, for policy staff to edit.
    Init(InitArgs),
}

/// Where the rules come from: a folder, or the pack built into tryg.
#[derive(Debug, Args)]
pub struct RulesArg {
    /// Rules folder (tryg.toml, offences.toml, *.rhai). Default: the built-in pack.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// persons.csv of the batch.
    #[arg(long, value_name = "FILE")]
    pub persons: PathBuf,
    /// events.csv of the batch.
    #[arg(long, value_name = "FILE")]
    pub events: PathBuf,
    /// The date ages and windows are computed against (YYYY-MM-DD). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<Date>,
    /// Field separator of the CSV files: `,` `;` `|` or `tab`. Default: Excel's
    /// `sep=` line if there is one, else found from the header row.
    #[arg(long, value_name = "SEP", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Encoding of CSV files without a byte-order mark, e.g. `windows-1252`
    /// (Latin-1 exports). Default: UTF-8. A byte-order mark always wins.
    #[arg(long, value_name = "NAME", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// How dates are written: `iso` (YYYY-MM-DD) or `dmy` (DD-MM-YYYY,
    /// DD.MM.YYYY, and YYYY-MM-DD too). Default: iso.
    #[arg(long, value_name = "FORM", value_parser = parse_date_format)]
    pub date_format: Option<crate::load::DateFormat>,
    /// Sheet of a workbook (--persons FILE.xlsx) with the persons. Default: the
    /// sheet named `persons`, else the first.
    #[arg(long, value_name = "NAME")]
    pub persons_sheet: Option<String>,
    /// Sheet of a workbook with the events. Default: the sheet named `events`,
    /// else the first.
    #[arg(long, value_name = "NAME")]
    pub events_sheet: Option<String>,
}

impl BatchArgs {
    /// How the input files are to be read.
    pub fn load_options(&self) -> crate::load::LoadOptions {
        crate::load::LoadOptions {
            delimiter: self.delimiter,
            encoding: self.encoding,
            date_format: self.date_format.unwrap_or_default(),
            persons_sheet: self.persons_sheet.clone(),
            events_sheet: self.events_sheet.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ScreenArgs {
    #[command(flatten)]
    pub batch: BatchArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format. Default: from the --out file's extension (.json, .csv,
    /// .html), else table.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE (whole or not at all) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Screen residents of NAME (repeatable); replaces `municipalities` of tryg.toml.
    #[arg(long = "municipality", value_name = "NAME", value_parser = parse_municipality)]
    pub municipalities: Vec<String>,
    /// No progress bar (it is shown only when stderr is a terminal).
    #[arg(long, short)]
    pub quiet: bool,
    /// Worker threads. Default: one per core. Output is the same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub rules: RulesArg,
}

/// How `explain` and `diff` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    /// For a person reading a terminal.
    Text,
    /// For machines.
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The person to explain.
    #[arg(value_name = "PERSON_ID")]
    pub person_id: String,
    #[command(flatten)]
    pub batch: BatchArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The rules as they are (default: the built-in pack).
    #[command(flatten)]
    pub rules: RulesArg,
    /// The changed rules folder.
    #[arg(long, value_name = "NEW_DIR")]
    pub against: PathBuf,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    /// Case files to run. Default: every .toml file in the rules folder's tests/.
    #[arg(value_name = "CASE_FILE")]
    pub cases: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write the rule pack into (created if missing; nothing is overwritten).
    pub dir: PathBuf,
}

/// A municipality as data is compared: trimmed and NFC, as `crate::text` makes it.
fn parse_municipality(text: &str) -> Result<String, String> {
    let name = crate::text::normalise(text);
    if name.is_empty() {
        return Err("a municipality name is needed".into());
    }
    Ok(name.into_owned())
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "comma" => Ok(b','),
        "semicolon" => Ok(b';'),
        _ => match text.as_bytes() {
            [b] if (b.is_ascii_punctuation() && *b != b'"') || *b == b'\t' => Ok(*b),
            _ => Err(format!(
                "`{text}` is not a separator: give one character such as `,` `;` `|`, or `tab`"
            )),
        },
    }
}

fn parse_encoding(text: &str) -> Result<&'static encoding_rs::Encoding, String> {
    crate::load::table::encoding_for_label(text).ok_or_else(|| {
        format!("`{text}` is not an encoding tryg knows: try `windows-1252` (Latin-1), `utf-8` or `utf-16le`")
    })
}

fn parse_date_format(text: &str) -> Result<crate::load::DateFormat, String> {
    match text.to_ascii_lowercase().as_str() {
        "iso" | "ymd" => Ok(crate::load::DateFormat::Iso),
        "dmy" => Ok(crate::load::DateFormat::Dmy),
        _ => Err(format!(
            "`{text}` is not a date form: `iso` (YYYY-MM-DD) or `dmy` (DD-MM-YYYY)"
        )),
    }
}

fn parse_as_of(text: &str) -> Result<Date, String> {
    crate::time::parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

/// Parses the command line, runs the command and returns its exit status.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Exit::Ok
                }
                _ => Exit::Usage,
            }
            .into();
        }
    };
    let result = match cli.command {
        Command::Screen(args) => cmd::screen::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Test(args) => cmd::test::run(args),
        Command::Diff(args) => cmd::diff::run(args),
        Command::Init(args) => cmd::init::run(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "error: {e}");
            for cause in e.chain().skip(1) {
                let _ = writeln!(stderr, "  caused by: {cause}");
            }
            Exit::BadInput.into()
        }
    }
}
