//! One module per subcommand, each with its clap `Args` and a
//! `run(args) -> CommandResult`: resolve the arguments, call the library,
//! render, and pick the exit status. What several commands share is here:
//! the rules and batch arguments, loading both, the as-of date, and writing
//! output whole or not at all.

pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod init;
pub mod man;
pub mod pseudonymise;
pub mod register;
pub mod reidentify;
pub mod report;
pub mod review;
pub mod screen;
pub mod serve;
pub mod test;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::diagnostic::Severity;
use crate::error::Failure;
use crate::load::{Batch, Input};
use crate::ruleset::{RulePack, RuleSet};
use crate::time::Date;

/// Where the rules come from: a folder, or the pack built into tryg.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArg {
    /// Rules folder (tryg.toml, offences.toml, *.rhai). Default: the built-in pack.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// The batch and the day it is screened as of.
#[derive(Debug, clap::Args)]
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
    /// How the files are read: separator, encoding, sheets.
    #[command(flatten)]
    pub table: TableArgs,
    /// How dates are written: `iso` (YYYY-MM-DD) or `dmy` (DD-MM-YYYY,
    /// DD.MM.YYYY, and YYYY-MM-DD too). Default: iso.
    #[arg(long, value_name = "FORM", value_parser = parse_date_format)]
    pub date_format: Option<crate::load::DateFormat>,
}

impl BatchArgs {
    /// How the input files are to be read.
    pub fn load_options(&self) -> crate::load::LoadOptions {
        crate::load::LoadOptions {
            delimiter: self.table.delimiter,
            encoding: self.table.encoding,
            date_format: self.date_format.unwrap_or_default(),
            persons_sheet: self.table.persons_sheet.clone(),
            events_sheet: self.table.events_sheet.clone(),
        }
    }
}

/// How an input file is read, apart from dates: the separator, the encoding
/// and the sheet (shared by `screen`'s batch and `pseudonymise`'s extract).
#[derive(Debug, Clone, clap::Args)]
pub struct TableArgs {
    /// Field separator of the CSV files: `,` `;` `|` or `tab`. Default: Excel's
    /// `sep=` line if there is one, else found from the header row.
    #[arg(long, value_name = "SEP", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Encoding of CSV files without a byte-order mark, e.g. `windows-1252`
    /// (Latin-1 exports). Default: UTF-8. A byte-order mark always wins.
    #[arg(long, value_name = "NAME", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Sheet of a workbook (--persons FILE.xlsx) with the persons. Default: the
    /// sheet named `persons`, else the first.
    #[arg(long, value_name = "NAME")]
    pub persons_sheet: Option<String>,
    /// Sheet of a workbook with the events. Default: the sheet named `events`,
    /// else the first.
    #[arg(long, value_name = "NAME")]
    pub events_sheet: Option<String>,
}

impl TableArgs {
    /// How to read the file of `table` (`persons` or `events`): its sheet
    /// as named, else the sheet named after the table, else the first.
    pub fn options(&self, table: &str) -> crate::load::table::Options {
        let named = match table {
            "persons" => &self.persons_sheet,
            _ => &self.events_sheet,
        };
        crate::load::table::Options {
            delimiter: self.delimiter,
            encoding: self.encoding,
            sheet: match named {
                Some(name) => crate::load::table::SheetChoice::Named(name.clone()),
                None => crate::load::table::SheetChoice::Preferred(table.to_string()),
            },
        }
    }
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

/// How `explain` and `diff` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    /// For a person reading a terminal.
    Text,
    /// For machines.
    Json,
}

fn parse_as_of(text: &str) -> Result<Date, String> {
    crate::time::parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

/// Reads the rule pack named on the command line.
pub fn pack(arg: &RulesArg) -> Result<RulePack, Failure> {
    match &arg.rules {
        Some(dir) => RulePack::from_dir(dir).map_err(|problems| Failure::Rules {
            count: problems.total(),
            rendered: problems.to_string(),
        }),
        None => Ok(RulePack::built_in()),
    }
}

/// Loads a rule pack and refuses it when `check` finds an error in it: a
/// rule calling a function or reading a setting that does not exist would
/// otherwise fail for every person. (A setting no rule reads is untidy, not
/// wrong: only `tryg check` reports it.)
pub fn rules(pack: RulePack) -> Result<RuleSet, Failure> {
    let rules = RuleSet::load(pack).map_err(|e| Failure::Rules {
        rendered: e.render(),
        count: e.diagnostics.total(),
    })?;
    let mut problems = crate::diagnostic::Diagnostics::with_cap(50);
    for d in crate::check::check(&rules).diagnostics {
        if d.severity == Severity::Error && d.code != "unused-setting" {
            problems.push(d);
        }
    }
    if problems.is_empty() {
        return Ok(rules);
    }
    Err(Failure::Rules {
        count: problems.total(),
        rendered: crate::diagnostic::render_with_sources(&problems, |file| {
            rules.pack.file(file.rsplit('/').next().unwrap_or(file))
        }),
    })
}

/// The language of a command's words when `--lang` is not given: `lang` in
/// the rule pack's tryg.toml (`"da"` or `"en"`), else English.
///
/// # Errors
/// A pack that cannot be read, a tryg.toml that does not parse, or a `lang`
/// that is not `da` or `en`.
pub fn default_lang(arg: &RulesArg) -> Result<crate::i18n::Lang, Failure> {
    pack_lang(&pack(arg)?)
}

/// `lang` in a pack's tryg.toml (`"da"` or `"en"`), else English: the
/// language of a command's words when `--lang` is not given.
///
/// # Errors
/// A tryg.toml that does not parse, or a `lang` that is not `da` or `en`.
pub fn pack_lang(pack: &RulePack) -> Result<crate::i18n::Lang, Failure> {
    let Some(text) = pack.file("tryg.toml") else {
        return Ok(crate::i18n::Lang::default());
    };
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        Failure::Refused(format!(
            "error: {}/tryg.toml does not parse: {}\n",
            pack.folder,
            e.message()
        ))
    })?;
    match table.get("lang") {
        None => Ok(crate::i18n::Lang::default()),
        Some(toml::Value::String(s)) if s == "da" => Ok(crate::i18n::Lang::Da),
        Some(toml::Value::String(s)) if s == "en" => Ok(crate::i18n::Lang::En),
        Some(_) => Err(Failure::Refused(format!(
            "error: {}/tryg.toml: `lang` is \"da\" or \"en\"\n",
            pack.folder
        ))),
    }
}

/// Reads and loads the rules named on the command line (see [`rules`]).
pub fn load_rules(arg: &RulesArg) -> Result<RuleSet, Failure> {
    rules(pack(arg)?)
}

/// Reads both input files and validates the batch against `rules`. The files
/// are streamed, never held in memory whole.
pub fn load_batch(args: &BatchArgs, rules: &RuleSet) -> Result<Batch, Failure> {
    let open =
        |path: &Path| Input::open(path).with_context(|| format!("cannot read {}", path.display()));
    let (persons, events) = (open(&args.persons)?, open(&args.events)?);
    Batch::read_with(
        persons,
        events,
        &rules.config,
        &rules.catalogue,
        &args.load_options(),
    )
    .map_err(anyhow::Error::from)?
    .map_err(|problems| Failure::Input {
        problems,
        context: None,
    })
}

/// The as-of date given, or today (the only place tryg reads the clock).
pub fn as_of(args: &BatchArgs) -> Date {
    args.as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The most worker threads a command starts: `max(64, 8 × cores)`. More
/// would only stall the machine (each has a large stack for the rules).
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (8 * cores).max(64)
}

/// A pool of worker threads for rules: `threads` of them (default: one per
/// core; capped at [`max_threads`], saying so), each with
/// [`crate::host::WORKER_STACK`] of stack.
pub fn worker_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    let wanted = threads.unwrap_or(0);
    let cap = max_threads();
    if wanted > cap {
        warn(&format!(
            "warning: --threads {wanted} is more than this machine can use; running {cap} threads (at most 8 per core, or 64)\n"
        ));
    }
    Ok(rayon::ThreadPoolBuilder::new()
        .num_threads(wanted.min(cap))
        .stack_size(crate::host::WORKER_STACK)
        .thread_name(|i| format!("tryg-worker-{i}"))
        .build()
        .context("cannot start worker threads")?)
}

/// Writes a warning to stderr, control characters made inert
/// ([`crate::output::terminal`]). Unlike `eprint!`, a closed stderr is not a
/// panic.
pub fn warn(text: &str) {
    let text = crate::output::terminal::escape(text);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Writes human-readable text to stdout, control characters made inert
/// ([`crate::output::terminal`]); a closed pipe is not an error.
pub fn write_text(text: &str) -> anyhow::Result<()> {
    write_stdout(crate::output::terminal::escape(text).as_bytes())
}

/// Streams `write` to stdout; a closed pipe (`tryg … | head`) is not an error.
pub fn write_stdout_with(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}

/// Writes to stdout; a closed pipe (`tryg … | head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    write_stdout_with(|out| out.write_all(bytes))
}
