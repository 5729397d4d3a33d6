//! `tryg review`: the case register's commands — the runs recorded, the
//! agenda of pending proposals, one person's history, decisions, the export
//! for the case-management system, the chain's check, retention and erasure.
//! Thin over [`crate::store`]: parse, call, render text.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;

use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::output::cell::{Cell, CsvOut, CsvStyle};
use crate::store::decide::{Decision, Request};
use crate::store::read::{HistoryItem, Section};
use crate::store::{Location, Store};
use crate::time::Date;

/// `tryg review [--db PATH|URL] COMMAND`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store: an SQLite file, or postgres://user@host/db. Default: $TRYG_DB.
    #[arg(long, env = "TRYG_DB", value_name = "PATH|URL", global = true)]
    pub db: Option<String>,
    /// The review subcommand and its arguments.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `tryg review`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The runs recorded, oldest first.
    Runs,
    /// The pending proposals of a run, in the meeting agenda's order.
    List {
        /// The run (default: the latest).
        #[arg(long, value_name = "RUN")]
        run: Option<i64>,
    },
    /// Every outcome and decision of one person, oldest first, with the rule lines.
    History {
        /// The person's pseudonymous id.
        #[arg(value_name = "PERSON_ID")]
        person_id: String,
    },
    /// Record a decision of the meeting on one proposal (append-only).
    Decide(DecideArgs),
    /// The decisions as CSV for the case-management system.
    Export {
        /// Write to FILE (whole or not at all) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check the decision chain: rows edited, removed or reordered outside tryg (exit 1).
    Verify {
        /// A head hash kept from earlier: it must still be in the chain.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// Drop outcomes and decisions older than the store's retention period.
    Purge {
        /// Who purges (repeatable).
        #[arg(long = "by", value_name = "NAME", required = true)]
        by: Vec<String>,
        /// Set the store's retention period first (months; default kept: 60).
        #[arg(long, value_name = "N")]
        retention_months: Option<u32>,
        /// The day counted back from (YYYY-MM-DD). Default: today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<Date>,
        /// A note recorded with the purge (e.g. why, or a reference).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Remove one person's outcomes and decision content (right to erasure).
    Erase {
        /// The person's pseudonymous id (not recorded in the chain).
        #[arg(value_name = "PERSON_ID")]
        person_id: String,
        /// Who erases (repeatable).
        #[arg(long = "by", value_name = "NAME", required = true)]
        by: Vec<String>,
        /// Why (e.g. the data controller's reference).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
}

/// `tryg review decide PERSON_ID --on … --decision … --by NAME [options]`.
#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    /// The person's pseudonymous id.
    #[arg(value_name = "PERSON_ID")]
    pub person_id: String,
    /// The run whose proposal is decided (default: the latest).
    #[arg(long, value_name = "RUN")]
    pub run: Option<i64>,
    /// The proposal: level, youth_board, letter, or an action kind (network_council, …).
    #[arg(long = "on", value_name = "PROPOSAL")]
    pub on: String,
    /// What the meeting decided.
    #[arg(long, value_enum)]
    pub decision: Decision,
    /// Who decided (repeat for each member: the meeting decides jointly).
    #[arg(long = "by", value_name = "NAME", required = true)]
    pub by: Vec<String>,
    /// The agency that carries the case or action.
    #[arg(long, value_name = "NAME")]
    pub agency: Option<String>,
    /// The effort (indsats) agreed.
    #[arg(long, value_name = "TEXT")]
    pub effort: Option<String>,
    /// With --on level --decision accept: open the case at this level instead.
    #[arg(long, value_name = "N")]
    pub level: Option<u8>,
    /// A note for the record.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// The day decided; for done, the day done (YYYY-MM-DD). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<Date>,
    /// The decision this one corrects (D12 or 12).
    #[arg(long, value_name = "DECISION_ID", value_parser = parse_decision_id)]
    pub replaces: Option<i64>,
}

fn parse_date(text: &str) -> Result<Date, String> {
    crate::time::parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

fn parse_decision_id(text: &str) -> Result<i64, String> {
    text.strip_prefix('D')
        .unwrap_or(text)
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "a decision id is D followed by a number, e.g. D12".to_string())
}

fn today() -> Date {
    chrono::Local::now().date_naive()
}

/// Runs a `tryg review` subcommand against the store of `--db`.
pub fn run(args: Args) -> CommandResult {
    let Some(db) = args.db.as_deref().filter(|d| !d.is_empty()) else {
        return Err(Failure::Usage(
            "tryg review needs a store: --db PATH (or postgres://…), or TRYG_DB".into(),
        ));
    };
    Ok(review(db, args.command)?)
}

fn review(db: &str, command: Command) -> anyhow::Result<Exit> {
    let mut store = Store::open(&Location::parse(db), false)?;
    let mut out = String::new();
    let exit = match command {
        Command::Runs => runs(&mut store, &mut out)?,
        Command::List { run } => list(&mut store, run, &mut out)?,
        Command::History { person_id } => history(&mut store, &person_id, &mut out)?,
        Command::Decide(args) => decide(&mut store, args, &mut out)?,
        Command::Export { out: file } => return export(&mut store, file),
        Command::Verify { head } => verify(&mut store, head.as_deref(), &mut out)?,
        Command::Purge {
            by,
            retention_months,
            as_of,
            note,
        } => {
            let p = store.purge(
                as_of.unwrap_or_else(today),
                retention_months,
                &by,
                note.as_deref(),
            )?;
            writeln!(
                out,
                "retention: {} months; dropped what is dated before {}",
                p.retention_months, p.cutoff
            )?;
            writeln!(
                out,
                "purged: {} outcomes of {} run(s), the content of {} decision(s)",
                p.outcomes,
                p.runs.len(),
                p.decisions.len()
            )?;
            match p.recorded {
                Some((seq, head)) => writeln!(out, "recorded as D{seq}\nchain head: {head}")?,
                None => writeln!(out, "nothing to purge; nothing recorded")?,
            }
            Exit::Ok
        }
        Command::Erase {
            person_id,
            by,
            note,
        } => {
            let e = store.erase(&person_id, today(), &by, note.as_deref())?;
            match e.recorded {
                Some((seq, head)) => {
                    writeln!(
                        out,
                        "erased: {} outcome(s) in {} run(s), the content of {} decision(s)",
                        e.outcomes,
                        e.runs.len(),
                        e.decisions.len()
                    )?;
                    writeln!(out, "recorded as D{seq} (without the person id)")?;
                    writeln!(out, "chain head: {head}")?;
                }
                None => writeln!(
                    out,
                    "the store holds nothing on this person; nothing erased, nothing recorded{}",
                    did_you_mean(&mut store, &person_id)?
                )?,
            }
            Exit::Ok
        }
    };
    super::write_text(&out)?;
    Ok(exit)
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn runs(store: &mut Store, out: &mut String) -> anyhow::Result<Exit> {
    let runs = store.runs()?;
    let retention = store.retention_months()?;
    writeln!(
        out,
        "{:<5} {:<10}  {:<20}  {:>8}  {:<12}  {:<12}  MUNICIPALITIES",
        "RUN", "AS OF", "RECORDED", "PERSONS", "RULE SET", "CHAIN HEAD"
    )?;
    for r in &runs {
        let persons = match &r.purged_on {
            Some(day) => format!("purged {day}"),
            None => r.outcomes.to_string(),
        };
        writeln!(
            out,
            "{:<5} {:<10}  {:<20}  {:>8}  {:<12}  {:<12}  {}",
            r.id,
            r.as_of,
            r.recorded_at,
            persons,
            short(&r.ruleset_digest),
            short(&r.chain_head),
            r.municipalities.join(", ")
        )?;
    }
    writeln!(out, "{} run(s); retention {retention} months", runs.len())?;
    Ok(Exit::Ok)
}

fn list(store: &mut Store, run: Option<i64>, out: &mut String) -> anyhow::Result<Exit> {
    let agenda = store.agenda(run)?;
    writeln!(
        out,
        "run {} as of {}: {} pending proposal(s), in agenda order",
        agenda.run.id,
        agenda.run.as_of,
        agenda.items.len()
    )?;
    if agenda.items.is_empty() {
        return Ok(Exit::Ok);
    }
    writeln!(
        out,
        "{:<16} {:<8} {:<22} PROPOSED",
        "SECTION", "PERSON", "ON"
    )?;
    for item in &agenda.items {
        let section = match item.section {
            Section::Letters => "letters",
            Section::YouthBoard => "youth board",
            Section::Overdue => "overdue actions",
            Section::Rest => "other",
        };
        let deferred = if item.deferred { " (deferred)" } else { "" };
        writeln!(
            out,
            "{section:<16} {:<8} {:<22} {}{deferred}",
            item.person_id, item.proposal, item.what
        )?;
    }
    Ok(Exit::Ok)
}

fn history(store: &mut Store, person: &str, out: &mut String) -> anyhow::Result<Exit> {
    let items = store.history(person)?;
    if items.is_empty() {
        writeln!(
            out,
            "the store holds no outcome or decision for {person}{}",
            did_you_mean(store, person)?
        )?;
        return Ok(Exit::Ok);
    }
    writeln!(out, "history of {person}, oldest first")?;
    for item in &items {
        match item {
            HistoryItem::Outcome { run, outcome } => {
                writeln!(
                    out,
                    "\nrun {} · as of {} · rule set {}",
                    run.id,
                    run.as_of,
                    short(&run.ruleset_digest)
                )?;
                write_outcome(outcome, out)?;
            }
            HistoryItem::Decision(d) => {
                let mut line = format!(
                    "\nD{} · {} · run {} · {}: {}",
                    d.seq,
                    d.decided_on,
                    d.run_id.map_or_else(|| "?".into(), |r| r.to_string()),
                    d.proposal,
                    d.decision
                );
                if let Some(level) = d.level {
                    let _ = write!(line, " (level {level})");
                }
                let _ = write!(line, " · by {}", d.by.join(", "));
                writeln!(out, "{line}")?;
                for (label, value) in [
                    ("agency", &d.agency),
                    ("effort", &d.effort),
                    ("note", &d.note),
                ] {
                    if let Some(v) = value {
                        writeln!(out, "  {label}: {v}")?;
                    }
                }
                if let Some(id) = &d.event_id {
                    writeln!(
                        out,
                        "  triggering event: {id} ({} {}{})",
                        d.event_date.as_deref().unwrap_or(""),
                        d.event_kind.as_deref().unwrap_or(""),
                        d.event_code
                            .as_deref()
                            .map(|c| format!(", {c}"))
                            .unwrap_or_default()
                    )?;
                }
                if let Some(r) = d.replaces {
                    writeln!(out, "  replaces D{r}")?;
                }
                if let Some(r) = d.replaced_by {
                    writeln!(out, "  replaced by D{r}")?;
                }
            }
        }
    }
    Ok(Exit::Ok)
}

/// " (did you mean `A001`?)" when the store holds an id that differs from
/// `person` only by case, else nothing.
fn did_you_mean(store: &mut Store, person: &str) -> anyhow::Result<String> {
    Ok(store
        .similar_person(person)?
        .map(|id| format!(" (did you mean {id}? ids differ by case)"))
        .unwrap_or_default())
}

/// An outcome's proposals and its reasons with their rule lines, from the
/// stored SPEC §3 JSON.
fn write_outcome(o: &serde_json::Value, out: &mut String) -> std::fmt::Result {
    let s = |v: &serde_json::Value| {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string())
    };
    let mut proposed = vec![format!("level {} {}", o["level"], s(&o["level_name"]))];
    if o["status"] != "proposed" {
        proposed = vec![s(&o["status"])];
    }
    if let Some(y) = o["youth_board"].as_object() {
        proposed.push(format!(
            "youth board {} ({})",
            s(&y["route"]),
            s(&y["limb"])
        ));
    }
    if let Some(l) = o["concern_letter"].as_object() {
        let batch = if l["in_batch"] == true {
            "this meeting"
        } else {
            "deferred"
        };
        proposed.push(format!("letter #{} {batch}", l["rank"]));
    }
    for a in o["actions"].as_array().into_iter().flatten() {
        let mut text = s(&a["kind"]);
        if let Some(due) = a["due"].as_str() {
            let _ = write!(text, " due {due}");
        }
        if a["overdue"] == true {
            text.push_str(" (overdue)");
        }
        proposed.push(text);
    }
    writeln!(out, "  proposed: {}", proposed.join(" · "))?;
    for r in o["explanation"].as_array().into_iter().flatten() {
        let evidence: Vec<String> = r["evidence"]
            .as_array()
            .into_iter()
            .flatten()
            .map(s)
            .collect();
        let evidence = if evidence.is_empty() {
            String::new()
        } else {
            format!(" [{}]", evidence.join(", "))
        };
        // Line 0 is tryg's own note (events left out, what the register
        // says): no line of any file to point at.
        let place = match r["line"].as_u64() {
            Some(line) if line > 0 => format!("{}:{line}", s(&r["rule"])),
            _ => s(&r["rule"]),
        };
        writeln!(
            out,
            "  {place}  {}: {}{evidence}",
            s(&r["effect"]),
            s(&r["text"])
        )?;
    }
    if let Some(e) = o["error"].as_str() {
        writeln!(out, "  error: {e}")?;
    }
    Ok(())
}

fn decide(store: &mut Store, args: DecideArgs, out: &mut String) -> anyhow::Result<Exit> {
    let request = Request {
        person_id: args.person_id,
        run: args.run,
        proposal: args.on,
        decision: args.decision,
        by: args.by,
        agency: args.agency,
        effort: args.effort,
        level: args.level,
        note: args.note,
        date: args.date.unwrap_or_else(today),
        replaces: args.replaces,
    };
    let appended = match store.decide(&request, today()) {
        Ok(appended) => appended,
        Err(e @ crate::store::StoreError::NoOutcome { .. }) => {
            let hint = did_you_mean(store, &request.person_id)?;
            return Err(anyhow::anyhow!("{e}{hint}"));
        }
        Err(e) => return Err(e.into()),
    };
    writeln!(
        out,
        "recorded D{}: {} {} {} (run {})",
        appended.seq,
        request.person_id,
        request.proposal,
        request.decision.as_str(),
        appended.run_id
    )?;
    writeln!(out, "chain head: {}", appended.head)?;
    Ok(Exit::Ok)
}

fn export(store: &mut Store, file: Option<PathBuf>) -> anyhow::Result<Exit> {
    // What goes to the case-management system must be what the meeting
    // decided: a chain that does not verify may hold rows edited outside
    // tryg, so nothing is exported until `verify` has been read.
    let verified = store.verify(None).context("cannot read the chain")?;
    if !verified.problems.is_empty() {
        super::warn(&format!(
            "error: the chain does not verify ({} problem(s)); nothing was exported: run `tryg review verify` to see which rows\n",
            verified.problems.len()
        ));
        return Ok(Exit::BadInput);
    }
    let (rows, head) = store.export()?;
    let write = |out: &mut dyn std::io::Write| -> std::io::Result<()> {
        // Every text cell is defused: a note or a name could start with `=`.
        let mut csv = CsvOut::new(out, CsvStyle::Plain)?;
        csv.header(&[
            "decision_id",
            "replaces",
            "replaced_by",
            "run",
            "person_id",
            "on",
            "decision",
            "level",
            "by",
            "agency",
            "effort",
            "note",
            "date",
            "event_id",
            "event_date",
            "event_kind",
            "event_code",
            "recorded_at",
            "hash",
            "chain_head",
        ])?;
        let id = |n: Option<i64>| Cell::maybe_text(n.map(|n| format!("D{n}")));
        fn text(t: &Option<String>) -> Cell<'_> {
            Cell::maybe_text(t.as_deref())
        }
        for d in &rows {
            csv.row(&[
                Cell::text(format!("D{}", d.seq)),
                id(d.replaces),
                id(d.replaced_by),
                Cell::maybe_int(d.run_id),
                Cell::text(d.person_id.as_str()),
                Cell::text(d.proposal.as_str()),
                Cell::text(d.decision.as_str()),
                Cell::maybe_int(d.level),
                Cell::text(d.by.join("; ")),
                text(&d.agency),
                text(&d.effort),
                text(&d.note),
                Cell::text(d.decided_on.as_str()),
                text(&d.event_id),
                text(&d.event_date),
                text(&d.event_kind),
                text(&d.event_code),
                Cell::text(d.recorded_at.as_str()),
                Cell::text(d.hash.as_str()),
                Cell::text(head.as_str()),
            ])?;
        }
        csv.flush()
    };
    // The export must never replace the store it reads (nor its WAL files).
    let store_files: Vec<PathBuf> = match store.location() {
        crate::store::Location::Sqlite(db) => ["", "-wal", "-shm"]
            .iter()
            .map(|suffix| {
                let mut name = db.as_os_str().to_owned();
                name.push(suffix);
                PathBuf::from(name)
            })
            .collect(),
        crate::store::Location::Postgres(_) => Vec::new(),
    };
    let protected: Vec<&std::path::Path> = store_files.iter().map(PathBuf::as_path).collect();
    let protected = crate::write::Protected {
        files: &protected,
        folders: &[],
    };
    match &file {
        Some(path) => crate::write::write_whole(path, protected, write)?,
        None => super::write_stdout_with(write)?,
    }
    super::warn(&format!(
        "exported {} decision(s); chain head: {head}\n",
        rows.len()
    ));
    Ok(Exit::Ok)
}

fn verify(store: &mut Store, head: Option<&str>, out: &mut String) -> anyhow::Result<Exit> {
    let v = store.verify(head).context("cannot read the chain")?;
    writeln!(out, "chain: {} entries, head {}", v.entries, v.head)?;
    if v.problems.is_empty() {
        writeln!(
            out,
            "ok: every entry matches its hash and follows the one before it"
        )?;
        return Ok(Exit::Ok);
    }
    for p in &v.problems {
        writeln!(out, "{p}")?;
    }
    super::write_text(out)?;
    out.clear();
    super::warn(&format!(
        "error: the chain does not verify: {} problem(s)\n",
        v.problems.len()
    ));
    Ok(Exit::BadInput)
}
