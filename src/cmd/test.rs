//! `tryg test`: runs policy staff's case files against a rule pack, prints each
//! case passed or failed (with expected and actual), then which effect calls
//! no case exercised. Exit 1 when a case fails or cannot run.

use std::fmt::Write as _;

use std::path::PathBuf;

use anyhow::Context;

use crate::cases::{self, Case};
use crate::check;
use crate::error::{CommandResult, Failure};
use crate::exit::Exit;

/// `tryg test [--rules DIR] [CASE_FILE...]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pack under test; its `tests/` holds the default case files.
    #[command(flatten)]
    pub rules: super::RulesArg,
    /// Case files to run. Default: every .toml file in the rules folder's tests/.
    #[arg(value_name = "CASE_FILE")]
    pub cases: Vec<PathBuf>,
}

/// Runs the case files, prints each verdict, the totals and the effect calls
/// no case exercised to stdout. Exit 0 when every case passed, 1
/// ([`Exit::BadInput`]) when one failed or could not run; no case files
/// at all is a [`Failure::Other`].
pub fn run(args: Args) -> CommandResult {
    let rules = super::load_rules(&args.rules)?;
    let pack = &rules.pack;
    let sources: Vec<(String, String)> = if args.cases.is_empty() {
        pack.tests.clone()
    } else {
        args.cases
            .iter()
            .map(|p| {
                std::fs::read_to_string(p)
                    .map(|t| (p.display().to_string(), t))
                    .with_context(|| format!("cannot read {}", p.display()))
            })
            .collect::<anyhow::Result<_>>()?
    };
    if sources.is_empty() {
        return Err(Failure::Other(anyhow::anyhow!(
            "no case files: write them under {}/tests/ (see docs/RULES.md, \"Test a rule\")",
            pack.folder
        )));
    }

    let mut out = String::new();
    let mut results = Vec::new();
    for (file, text) in &sources {
        match Case::parse(file, text) {
            Ok(case) => results.push(cases::run(&rules, case)),
            Err(d) => results.push(cases::CaseResult::unparsed(file, *d)),
        }
    }
    for r in &results {
        let verdict = if r.passed() { "ok  " } else { "FAIL" };
        let title = format!("{verdict} {}  {}", r.case.file, r.case.name);
        let _ = writeln!(out, "{}", title.trim_end());
        for d in &r.problems {
            for line in d.to_string().lines() {
                let _ = writeln!(out, "     {}", line.trim_start());
            }
        }
        for m in &r.mismatches {
            let _ = writeln!(
                out,
                "     {} {}: expected {}, got {}",
                m.person_id, m.field, m.expected, m.actual
            );
        }
    }
    let failed = results.iter().filter(|r| !r.passed()).count();
    let _ = writeln!(out, "\n{} passed, {failed} failed", results.len() - failed);

    let mut sites = check::check(&rules).effect_sites;
    // Named case files: the coverage of the rule files they reach, not of
    // the whole pack.
    let named = !args.cases.is_empty();
    if named {
        let reached = cases::reached(&results);
        sites.retain(|s| reached.contains(&s.rule));
    }
    let missed = cases::uncovered(&sites, &results);
    let files: std::collections::BTreeSet<&str> = sites.iter().map(|s| s.rule.as_str()).collect();
    let missed_files: std::collections::BTreeSet<&str> = files
        .iter()
        .copied()
        .filter(|f| {
            missed.iter().filter(|s| s.rule == *f).count()
                == sites.iter().filter(|s| s.rule == *f).count()
        })
        .collect();
    let covered = sites.len() - missed.len();
    let scope = if named {
        " of the rule files these cases reach"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "coverage{scope}: {covered} of {} effect calls ({}%), {} of {} rule files",
        sites.len(),
        if sites.is_empty() {
            100
        } else {
            covered * 100 / sites.len()
        },
        files.len() - missed_files.len(),
        files.len()
    );
    if !missed.is_empty() {
        let _ = writeln!(out, "not exercised by any case:");
        for s in missed {
            let _ = writeln!(
                out,
                "  {}:{}:{}  {}",
                pack.path(&format!("{}.rhai", s.rule)),
                s.line,
                s.column,
                s.function
            );
        }
    }
    super::write_text(&out)?;
    Ok(if failed > 0 { Exit::BadInput } else { Exit::Ok })
}
