//! `tryg check`: reports every problem of a rule pack at once, each with its
//! source excerpt and a hint. Exit 0 when there is no error, 1 otherwise.

use crate::check;
use crate::diagnostic::{Diagnostics, Severity};
use crate::error::CommandResult;
use crate::exit::Exit;
use crate::ruleset::{RuleSet, RulesError};

/// `tryg check [--rules DIR]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pack to check.
    #[command(flatten)]
    pub rules: super::RulesArg,
}

/// Checks the pack and prints every problem to stderr (or one clean line to
/// stdout). Exit 0 when there is no error (warnings allowed), 1 when there is
/// one; a pack folder that cannot be read is a [`Failure::Rules`](crate::error::Failure::Rules).
pub fn run(args: Args) -> CommandResult {
    let pack = super::pack(&args.rules)?;
    let folder = pack.folder.clone();
    let rule_files = pack
        .files
        .iter()
        .filter(|(n, _)| n.ends_with(".rhai"))
        .count();
    // A pack that does not load has only the problems loading found; one
    // that loads is checked for what is wrong in meaning.
    let (problems, effect_calls, pack) = match RuleSet::load(pack) {
        Ok(rules) => {
            let report = check::check(&rules);
            let mut problems = Diagnostics::unlimited();
            report
                .diagnostics
                .into_iter()
                .for_each(|d| problems.push(d));
            (problems, report.effect_sites.len(), rules.pack)
        }
        Err(e) => {
            // Only settings are wrong: the rule files are checked too.
            let RulesError {
                mut diagnostics,
                pack,
                partial,
            } = *e;
            match partial {
                Some(rules) => {
                    let report = check::check(&rules);
                    // A rule file that did not compile was left out, so what
                    // it reads would look unread.
                    let file_left_out = diagnostics
                        .items()
                        .iter()
                        .any(|d| crate::ruleset::UNCOMPILED_FILE_CODES.contains(&d.code));
                    for d in report.diagnostics {
                        if file_left_out && d.code == "unused-setting" {
                            continue;
                        }
                        if !diagnostics.items().contains(&d) {
                            diagnostics.push(d);
                        }
                    }
                    (diagnostics, report.effect_sites.len(), *pack)
                }
                None => (diagnostics, 0, *pack),
            }
        }
    };
    if problems.is_empty() {
        super::write_stdout(
            format!(
                "{folder}: {rule_files} rule files, tryg.toml and offences.toml are clean ({effect_calls} effect calls)\n"
            )
            .as_bytes(),
        )?;
        return Ok(Exit::Ok);
    }
    let errors = problems
        .items()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = problems.items().len() - errors;
    let mut text = crate::diagnostic::render_with_sources(&problems, |file| {
        pack.file(file.rsplit('/').next().unwrap_or(file))
    });
    text.push_str(&format!(
        "{folder}: {errors} error(s), {warnings} warning(s)\n"
    ));
    super::warn(&text);
    Ok(if errors > 0 { Exit::BadInput } else { Exit::Ok })
}
