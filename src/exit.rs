//! The exit statuses of SPEC §5, in one place.

use std::process::ExitCode;

/// How a command ends: the process exit status of SPEC §5 (the
/// discriminant is the status, 0–3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything screened (or the command succeeded).
    Ok = 0,
    /// Bad input or bad rules; nothing was written.
    BadInput = 1,
    /// The command line was wrong.
    Usage = 2,
    /// Output written, but some outcomes have `status = error`.
    OutcomeErrors = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}
