//! Integration tests: one binary, one module per topic. Every test pins the
//! as-of date; none depends on the clock, the machine or the thread count.

mod support;

// `tryg screen` on the sample batch: the reviewed snapshots of every format.
mod screen_fixture;
// Every bad-input class of SPEC §1 gives its exact message and writes nothing.
mod bad_input;
// The files analysts really get: spreadsheets, encodings, separators, line ends.
mod input_forms;
// Ages and windows at their edges: birthdays, 29 February, window and retention
// boundaries, events after the as-of date.
mod calendar;
// Rules that fail, loop or reach for what they must not: status = error, exit 3.
mod sandbox;
// Rules written to hurt: budgets, stacks, limits in range, streaks stopped.
mod hostile;
mod hostile_rules;
// No personal value in any message: canaries in every column and every rule error.
mod privacy;
// docs/errors.md: every code documented, every message printed as documented.
mod errors_doc;
// The rule pack: built in, written out by `init`, replaced by `--rules`.
mod rule_pack;
// The default pack in Danish (`init --lang da`): the same decisions, other words.
mod danish_pack;
// Same input, same bytes: thread counts, repeated runs, `--out`.
mod determinism;
// `tryg check`: every mistake in a rule pack, at its spot.
mod check;
// `tryg explain`: one person, rule by rule, with lapse dates.
mod explain;
// `tryg test`: policy staff's own cases, and their coverage.
mod test_cmd;
// `tryg diff`: a rule change on a real batch, and whom it hits.
mod diff;
// Sharper tools for the people who own the rules: tryg.toml's schema, older
// packs, vocabularies, messages at the cause, coverage per call, completions.
mod policy_tools;
// docs/RULES.md: every example runs, every API name is documented.
mod guide;
// The README's commands run, and print what the README shows.
mod readme;
// Beyond the outcomes: warnings and "report incomplete" in every format,
// registration flags, counts by area, the workbook, CSV for Excel, no live cells.
mod outputs;
// `--format html`: the reviewers' report's bytes: a reviewed snapshot, escaping, the CSP.
mod html_report;
// The reviewers' report in headless Chromium: filters, sorting, explanations, print, CSP.
mod browser;
// One fixture folder per rule: each rule fires exactly at its boundaries.
mod rule_cases;
// SPEC §4 hand-written in plain Rust (the benches' floor) decides every person as the pack does.
mod floor;
// The memo replays rule files' paths: it must change nothing, and must replay.
mod memo;
// `tryg pseudonymise` and `reidentify`: an extract with CPR numbers to a batch
// that screens, with no CPR number or name in any output (canaries).
mod pseudonymise;
// The case register: `screen --db` and `review`, on SQLite and PostgreSQL.
mod register;
// `tryg serve`: the meeting in the browser; token, session, CSRF, origin,
// the access log; a decision recorded through the page, in Chromium.
mod serve;
// `tryg report`: the period report from a store of the sample batch, every format.
mod period_report;
// Random batches from bytes, on the policy's edges: shared with the fuzz targets.
mod random_batch;
// The pack against the floor on random batches (proptest; shrinks a disagreement).
mod differential;
// Properties over random input: calendar arithmetic against a reference,
// one outcome per person in order, a batch as its persons alone, any thread count.
mod properties;
// The bodies of the fuzz targets in fuzz/ (shared with them through #[path]).
mod fuzz_harness;
// Every fuzz corpus file (seeds and what fuzzing found) through its target's body.
mod fuzz_corpus;
