//! `tryg pseudonymise`: a raw extract with CPR numbers into a batch that
//! `tryg screen` accepts, written as a new folder whole or not at all; and
//! `tryg pseudonymise keygen KEYFILE`, which makes the key.
//!
//! The folder is written into a temporary folder beside it and renamed into
//! place only when both files are complete and the extract had no problem.
//! The summary (rows, dropped columns, derived birth dates) goes to stderr;
//! stdout stays empty. Nothing printed holds a CPR number or a cell value.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{RulesArg, load_rules, warn};
use crate::error::{CommandResult, Failure, other};
use crate::exit::Exit;
use crate::load::Input;
use crate::pseudonymise::key::Key;
use crate::pseudonymise::pseudonym::Pseudonymiser;
use crate::pseudonymise::table::{self, OpenError};
use crate::pseudonymise::{self as ps, BirthDates, FileReport, Output, Settings, map, screenable};

/// The two files of the batch, as `tryg screen` expects them.
const PERSONS_FILE: &str = "persons.csv";
const EVENTS_FILE: &str = "events.csv";

/// `tryg pseudonymise`: either the nested `keygen` command, or the
/// pseudonymisation itself, whose flags are then required.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "The key is a way back: whoever holds it can test every CPR number in minutes. It stays with the data controller, never with the batches. See docs/pseudonymise.md."
)]
pub struct Args {
    /// `keygen`, or none for the pseudonymisation itself.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The key file, from `tryg pseudonymise keygen`; only its owner may read it.
    #[arg(long, value_name = "KEYFILE", required = true)]
    pub key: Option<PathBuf>,
    /// The extract's persons file: CSV (any separator and encoding the
    /// screening reads) or a workbook (.xlsx, .xls, .ods).
    #[arg(long, value_name = "IN", required = true)]
    pub persons: Option<PathBuf>,
    /// The extract's events file, in the same forms.
    #[arg(long, value_name = "IN", required = true)]
    pub events: Option<PathBuf>,
    /// How the extract's files are read.
    #[command(flatten)]
    pub table: super::TableArgs,
    /// A new folder for the batch (persons.csv, events.csv), written whole or
    /// not at all; an existing folder must be empty.
    #[arg(long, value_name = "DIR", required = true)]
    pub out_dir: Option<PathBuf>,
    /// The column holding the CPR number, in both files.
    #[arg(long, value_name = "NAME", default_value = "person_id")]
    pub id_column: String,
    /// Also write the pseudonym → CPR map to MAPFILE (mode 0600), for the one
    /// person entitled to re-identify. Off by default.
    #[arg(long, value_name = "MAPFILE")]
    pub write_map: Option<PathBuf>,
    /// The rules the batch is checked against (special-category columns,
    /// vocabulary, offence catalogue): the ones you screen with.
    #[command(flatten)]
    pub rules: RulesArg,
}

/// The subcommands of `tryg pseudonymise`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write a new random key (OS random source) to KEYFILE with mode 0600; never overwrites.
    Keygen(KeygenArgs),
}

/// `tryg pseudonymise keygen KEYFILE`.
#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// The new key file; it must not exist.
    #[arg(value_name = "KEYFILE")]
    pub keyfile: PathBuf,
}

/// Runs `tryg pseudonymise` (or its `keygen`).
pub fn run(args: Args) -> CommandResult {
    if let Some(Command::Keygen(keygen)) = args.command {
        return self::keygen(&keygen.keyfile);
    }
    // clap requires these flags whenever `keygen` is not given.
    let (Some(key), Some(persons), Some(events), Some(out_dir)) =
        (args.key, args.persons, args.events, args.out_dir)
    else {
        return Err(Failure::Usage(
            "--key, --persons, --events and --out-dir are required".into(),
        ));
    };
    if args.id_column != "person_id"
        && crate::load::person_columns()
            .chain(crate::load::event_columns())
            .any(|c| c == args.id_column)
    {
        return Err(Failure::Usage(format!(
            "--id-column `{}` is a column of the data contract, not a CPR column",
            args.id_column
        )));
    }
    let rules = load_rules(&args.rules)?;
    let target = Target::check(&out_dir, args.write_map.as_deref())?;
    let keyed = Pseudonymiser::new(&Key::read(&key).map_err(other)?);

    let open = |path: &Path, which: &str| match table::open(path, &args.table.options(which)) {
        Ok(table) => Ok(Ok(table)),
        Err(OpenError::Header(d)) => Ok(Err(d)),
        Err(e @ OpenError::Io { .. }) => Err(e),
    };
    let (mut persons, mut events) = match (
        open(&persons, "persons").map_err(other)?,
        open(&events, "events").map_err(other)?,
    ) {
        (Ok(p), Ok(e)) => (p, e),
        (p, e) => {
            let problems: String = [p.err(), e.err()]
                .into_iter()
                .flatten()
                .map(|d| format!("{d}\n"))
                .collect();
            return Err(Failure::Refused(format!(
                "{problems}error: nothing was written\n"
            )));
        }
    };

    let settings = Settings {
        id_column: args.id_column.clone(),
        forbidden_columns: rules.config.forbidden_columns.clone(),
        max_problems_per_file: rules.config.input.max_problems_per_file,
        collect_map: args.write_map.is_some(),
    };
    // Dropped on every early return: the temporary folder goes with it.
    let staging = tempfile::Builder::new()
        .prefix(".tryg-pseudonymise-")
        .tempdir_in(&target.parent)
        .with_context(|| format!("cannot create a folder in {}", target.parent.display()))?;
    let create = |name: &str| {
        let path = staging.path().join(name);
        File::create(&path)
            .map(|f| BufWriter::with_capacity(1 << 16, f))
            .with_context(|| format!("cannot write {}", out_dir.join(name).display()))
    };
    let (mut out_persons, mut out_events) = (create(PERSONS_FILE)?, create(EVENTS_FILE)?);
    let result = ps::pseudonymise(
        &keyed,
        persons.as_mut(),
        events.as_mut(),
        &settings,
        Output {
            persons: &mut out_persons,
            events: &mut out_events,
        },
    );
    let done = match result {
        Ok(done) => done,
        Err(ps::Error::Input(problems)) => {
            return Err(Failure::Refused(format!(
                "{problems}error: {} problem(s) in the extract; nothing was written\n",
                problems.total()
            )));
        }
        Err(e) => return Err(anyhow::Error::from(e).into()),
    };
    for out in [out_persons, out_events] {
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
            .with_context(|| format!("cannot write into {}", out_dir.display()))?;
    }

    // The batch must be one `tryg screen` accepts, with these rules.
    let written = |name: &str| {
        Input::open(&staging.path().join(name))
            .with_context(|| format!("cannot read back {}", out_dir.join(name).display()))
    };
    let check = screenable::check(
        (&done.persons, written(PERSONS_FILE)?),
        (&done.events, written(EVENTS_FILE)?),
        &rules,
    )
    .map_err(other)?;
    if let Err(problems) = check {
        return Err(Failure::Refused(format!(
            "{problems}error: {} problem(s) in the extract; nothing was written\n",
            problems.total()
        )));
    }

    // The map first: if it cannot be put in place, the batch is not either.
    if let Some(map_path) = &args.write_map {
        map::stage(map_path, keyed.fingerprint(), &done.entries)
            .map_err(other)?
            .commit()
            .map_err(other)?;
    }
    if let Err(e) = std::fs::rename(staging.path(), &out_dir) {
        if let Some(map_path) = &args.write_map {
            let _ = std::fs::remove_file(map_path);
        }
        return Err(anyhow::Error::from(e)
            .context(format!("cannot write {}", out_dir.display()))
            .into());
    }
    let _ = staging.keep();
    warn(&summary(
        &out_dir,
        &args.id_column,
        &done,
        args.write_map.as_deref(),
    ));
    Ok(Exit::Ok)
}

/// Where the batch goes: checked before the key or the extract is read.
struct Target {
    /// The folder the output folder is made in.
    parent: PathBuf,
}

impl Target {
    /// The output folder must not exist or be empty, and its parent must
    /// exist. The map must not exist and must not be inside the output
    /// folder: the folder goes to the analysts, the map never does.
    fn check(out_dir: &Path, map: Option<&Path>) -> anyhow::Result<Target> {
        if out_dir.symlink_metadata().is_ok() {
            let empty = std::fs::read_dir(out_dir)
                .map(|mut entries| entries.next().is_none())
                .unwrap_or(false);
            anyhow::ensure!(
                empty,
                "{} exists and is not an empty folder: pseudonymise writes a new folder and never overwrites one",
                out_dir.display()
            );
        }
        let parent = match out_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        anyhow::ensure!(
            parent.is_dir(),
            "the folder {} does not exist: create it first",
            parent.display()
        );
        if let Some(map) = map {
            anyhow::ensure!(
                map.symlink_metadata().is_err(),
                "{} exists already; tryg never overwrites a map: choose another name",
                map.display()
            );
            let inside = match (resolved(map), resolved(out_dir)) {
                (Some(m), Some(o)) => m.starts_with(&o),
                _ => false,
            };
            anyhow::ensure!(
                !inside,
                "the map {} would be inside the output folder {}: the folder goes to those who screen, the map never does; write it elsewhere",
                map.display(),
                out_dir.display()
            );
        }
        Ok(Target { parent })
    }
}

/// A path made absolute with its longest existing ancestor resolved (links,
/// `..`), so that a map path can be compared with a folder not made yet.
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(mut real) = existing.canonicalize() {
            real.extend(rest.iter().rev());
            return Some(real);
        }
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
}

/// What was written and what was dropped, for stderr.
fn summary(out_dir: &Path, id_column: &str, done: &ps::Report, map: Option<&Path>) -> String {
    let mut text = format!(
        "pseudonymised {} person(s) and {} event(s) into {}: {PERSONS_FILE}, {EVENTS_FILE}\n",
        done.persons.rows,
        done.events.rows,
        out_dir.display()
    );
    file_summary(&mut text, &done.persons, id_column);
    match done.birth_dates {
        BirthDates::Given => {}
        BirthDates::FromCpr => text.push_str(&format!(
            "{}: no birth_date column: every birth date is derived from the CPR number (century digit rule; day - 60 for replacement numbers)\n",
            done.persons.file
        )),
        BirthDates::FromCprWhereEmpty(n) => text.push_str(&format!(
            "{}: {n} empty birth_date cell(s) filled from the CPR number (century digit rule)\n",
            done.persons.file
        )),
    }
    file_summary(&mut text, &done.events, id_column);
    if let Some(map) = map {
        text.push_str(&format!(
            "wrote the re-identification map {} (mode 0600): it holds CPR numbers; keep it with the key, away from the batch\n",
            map.display()
        ));
    }
    text
}

fn file_summary(text: &mut String, file: &FileReport, id_column: &str) {
    let kept: Vec<String> = file
        .columns
        .iter()
        .map(|c| match *c {
            "person_id" if id_column != "person_id" => format!("person_id (from `{id_column}`)"),
            c => c.to_string(),
        })
        .collect();
    let list = |names: &[ps::ColumnName]| {
        names
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    text.push_str(&format!("{}: kept {}\n", file.file, kept.join(", ")));
    if !file.dropped.is_empty() {
        text.push_str(&format!(
            "{}: dropped {} column(s) not in the data contract: {}\n",
            file.file,
            file.dropped.len(),
            list(&file.dropped)
        ));
    }
    if !file.forbidden.is_empty() {
        text.push_str(&format!(
            "{}: dropped {} special-category column(s) (GDPR art. 9), never passed on: {}\n",
            file.file,
            file.forbidden.len(),
            list(&file.forbidden)
        ));
    }
}

/// `tryg pseudonymise keygen KEYFILE`.
fn keygen(path: &Path) -> CommandResult {
    Key::generate()
        .map_err(other)?
        .write_new(path)
        .map_err(other)?;
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "wrote a new key to {} (mode 0600). Keep it with the data controller: whoever holds it can re-identify every pseudonym made with it, and the same key next month gives the same pseudonyms.",
        path.display()
    );
    Ok(Exit::Ok)
}
