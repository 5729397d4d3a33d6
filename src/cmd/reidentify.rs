//! `tryg reidentify --key KEYFILE --map MAPFILE PSEUDONYM…`: what each
//! pseudonym stands for, from a map written by `tryg pseudonymise
//! --write-map`, for the one person entitled to re-identify.
//!
//! stdout gets one line per pseudonym, `PSEUDONYM<TAB>VALUE`, in the order
//! given: a person's CPR number as `DDMMYY-SSSS`, an event's or case's id as
//! it was in the extract. That is the command's purpose and its only
//! personal output; stderr never holds a value. When any argument is not a
//! pseudonym or not in the map, nothing is printed on stdout: every problem
//! goes to stderr and the exit status is 1.

use std::fmt::Write as _;

use std::path::PathBuf;

use super::write_stdout;
use crate::error::{CommandResult, Failure, other};
use crate::exit::Exit;
use crate::pseudonymise::cpr::Cpr;
use crate::pseudonymise::key::Key;
use crate::pseudonymise::map::Map;
use crate::pseudonymise::pseudonym::{Kind, Pseudonym, Pseudonymiser};

/// `tryg reidentify --key KEYFILE --map MAPFILE PSEUDONYM…`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The key the map was made with.
    #[arg(long, value_name = "KEYFILE")]
    pub key: PathBuf,
    /// The map, from `tryg pseudonymise --write-map`.
    #[arg(long, value_name = "MAPFILE")]
    pub map: PathBuf,
    /// Pseudonyms to look up (`p…` persons, `e…` events, `c…` cases).
    #[arg(value_name = "PSEUDONYM", required = true)]
    pub pseudonyms: Vec<String>,
}

/// Runs `tryg reidentify`.
pub fn run(args: Args) -> CommandResult {
    let keyed = Pseudonymiser::new(&Key::read(&args.key).map_err(other)?);
    let map = Map::read(&args.map, &keyed).map_err(other)?;
    let mut lines = String::new();
    let mut problems = String::new();
    for (i, text) in args.pseudonyms.iter().enumerate() {
        let n = i + 1;
        let Some(pseudonym) = Pseudonym::parse(text) else {
            // Not shown: someone may have pasted a CPR number here.
            let _ = writeln!(
                problems,
                "argument {n} is not a pseudonym (not shown): a pseudonym is p, e or c and 26 letters a-z and digits 2-7"
            );
            continue;
        };
        match map.get(&pseudonym) {
            Some(value) => {
                let _ = writeln!(lines, "{pseudonym}\t{}", written(pseudonym, value));
            }
            None => {
                let _ = writeln!(
                    problems,
                    "argument {n}: {pseudonym} is not in {}",
                    args.map.display()
                );
            }
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Refused(format!(
            "{problems}error: nothing was re-identified\n"
        )));
    }
    write_stdout(lines.as_bytes())?;
    Ok(Exit::Ok)
}

/// A value as people write it: a CPR number with its hyphen.
fn written(pseudonym: Pseudonym, value: &str) -> String {
    match (pseudonym.kind(), Cpr::parse(value)) {
        (Kind::Person, Ok(cpr)) => cpr.hyphenated(),
        _ => value.to_string(),
    }
}
