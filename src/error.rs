//! Why a command stopped: one failure type for every command, carrying its
//! exit status (SPEC §5). Library modules return their own error values; a
//! command turns them into a [`Failure`]; `cli::run` renders it, once.

use crate::diagnostic::Diagnostics;
use crate::exit::Exit;

/// What stopped a command. Nothing was screened or written.
#[derive(Debug)]
pub enum Failure {
    /// The rule pack is unusable, or `check` found errors in it: every
    /// problem, already rendered with its source excerpt.
    Rules {
        /// The problems as the user reads them, one or more lines each,
        /// newline-terminated (with source excerpts where there are any).
        rendered: String,
        /// How many problems, including those beyond the cap.
        count: usize,
    },
    /// The batch breaks the data contract: every problem, located; `context`
    /// says which batch when a command reads more than one way.
    Input {
        /// Every problem found, up to the cap per file; the rest counted.
        problems: Diagnostics,
        /// e.g. "the batch does not fit the new rule pack (--against)";
        /// printed as a last `error:` line.
        context: Option<String>,
    },
    /// Bad input of a command's own kind (an extract, a key, a map), whose
    /// problems the command has put in words; nothing was written (exit 1).
    Refused(String),
    /// The command line asks for something clap cannot check (exit 2).
    Usage(String),
    /// Anything else: a file that cannot be read or written, with its causes.
    Other(anyhow::Error),
}

impl Failure {
    /// The exit status this failure ends the process with.
    pub fn exit(&self) -> Exit {
        match self {
            Failure::Usage(_) => Exit::Usage,
            _ => Exit::BadInput,
        }
    }

    /// What the user reads on stderr.
    pub fn render(&self) -> String {
        match self {
            Failure::Rules { rendered, count } => format!(
                "{rendered}error: the rule set has {count} problem(s); nothing was screened\n"
            ),
            Failure::Input { problems, context } => {
                let mut out = format!(
                    "{problems}error: {} problem(s) in the input; nothing was screened or written\n",
                    problems.total()
                );
                if let Some(context) = context {
                    out.push_str(&format!("error: {context}\n"));
                }
                out
            }
            Failure::Refused(rendered) => rendered.clone(),
            Failure::Usage(message) => format!("error: {message}\n"),
            Failure::Other(e) => {
                let mut out = format!("error: {e}\n");
                for cause in e.chain().skip(1) {
                    out.push_str(&format!("  caused by: {cause}\n"));
                }
                out
            }
        }
    }
}

/// Any other error as a [`Failure::Other`], for `.map_err(other)?`.
pub fn other(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Other(e.into())
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Other(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Other(e.into())
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        Failure::Other(e.into())
    }
}

/// What a command returns: its exit status when it did its work (0, or 3
/// when some outcomes are errors, or 1 when `check` or `test` found a
/// problem they report themselves), or why it could not.
pub type CommandResult = Result<Exit, Failure>;
