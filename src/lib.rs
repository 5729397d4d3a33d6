//! tryg: rules-engine screening for Danish crime-prevention casework.
//!
//! An analyst gives a batch (persons.csv, events.csv); every person is evaluated
//! by the rule files of a rule pack; every outcome is a *proposal* for a human
//! coordination meeting, explained by rule, line, words and evidence.
//!
//! Module map, in the order data flows:
//!
//! - [`ruleset`]: the rule pack (folder or built-in) read, validated, compiled.
//!   - [`config`]: tryg.toml, held to its schema ([`config::schema`]: every
//!     setting's type and range, pack versions); [`offence`]: the offence catalogue.
//! - [`load`]: persons.csv + events.csv validated into a [`load::Batch`];
//!   [`load::table`] reads the raw tables (CSV in any encoding and separator,
//!   workbook sheets); [`text`]: the one form text is compared in (NFC, trimmed).
//!   - [`person`], [`event`]: the validated rows; [`time`]: all calendar arithmetic.
//!   - [`registration`]: events most likely registered wrongly, flagged once per batch.
//! - [`host`]: the rhai engine, the rule authors' API ([`host::api`]), every
//!   question a rule can ask ([`host::query`]), the per-person view, the
//!   effects recorder, and the memo that replays a rule file's path of answers
//!   instead of running it again ([`host::memo`]).
//! - [`screen`]: every person through every rule, in parallel; letter ranking.
//! - [`outcome`]: the report's data; [`output`]: its formats.
//! - [`diagnostic`]: one located error type for every input.
//! - [`check`]: static checks of a rule pack; [`cases`]: policy staff's test cases;
//!   [`explain`]: one person rule by rule; [`diff`]: a rule change's effect on a batch.
//! - [`pseudonymise`]: a raw extract with CPR numbers made into a batch of
//!   keyed pseudonyms (`tryg pseudonymise`, `tryg reidentify`).
//! - [`store`]: the case register (runs, outcomes, decisions, the hash chain;
//!   SQLite or PostgreSQL).
//! - [`serve`]: the coordination meeting in the browser (`tryg serve`).
//! - [`report`]: the period report over the register (`tryg report`).
//! - [`i18n`]: tryg's own words in Danish and English (Project Fluent).
//! - [`cli`], [`cmd`], [`exit`]: the command line, thin over the above (with
//!   its completions and man page, `tryg completions`, `tryg man`).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cases;
pub mod change;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod combine;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod digest;
pub mod error;
pub mod event;
pub mod exit;
pub mod explain;
pub mod history;
pub mod host;
pub mod i18n;
pub mod load;
pub mod offence;
pub mod outcome;
pub mod output;
pub mod pack;
pub mod person;
pub mod privacy;
pub mod proposal;
pub mod pseudonymise;
pub mod registration;
pub mod report;
pub mod ruleset;
pub mod screen;
pub mod serve;
pub mod store;
pub mod text;
pub mod time;
pub mod write;
