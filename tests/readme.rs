//! README commands (filled in with the README).
