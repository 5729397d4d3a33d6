//! `tryg test`: policy staff's own test cases, and which rules they exercise.
//!
//! A case file is TOML, by default under `<rules>/tests/`:
//!
//! ```toml
//! name = "Two offences within 12 months is crime (level 2)"
//! as_of = 2026-11-23
//!
//! [[person]]
//! person_id = "TWO"
//! birth_date = 2000-01-01
//! municipality = "København"
//!
//! [[event]]
//! event_id = "E1"
//! person_id = "TWO"
//! date = 2026-01-10
//! kind = "charge"
//! offence_code = "90002"
//!
//! [[expect]]
//! person_id = "TWO"
//! level = 2
//! youth_board = false        # false: no candidacy
//! fired = ["level2_crime"]   # the rule files that had an effect
//!
//! [config.home_visit]        # optional: tryg.toml as changed for this case
//! enabled = true
//!
//! [[decision]]               # optional: what the case register holds
//! person_id = "TWO"
//! on = "youth_board"         # level, youth_board, letter or an action kind
//! decision = "accept"        # accept, reject, defer, done or close
//! date = 2026-10-01
//! by = ["Anna", "Bo"]        # optional, as are agency, effort, note, level
//!
//! [[open_action]]            # optional: an action the previous run left open
//! person_id = "TWO"
//! kind = "network_council"
//! due = 2026-10-08           # optional
//! proposed_on = 2026-10-01
//! event_id = "E1"            # optional: its triggering event
//! ```
//!
//! `[[person]]` and `[[event]]` take the columns of persons.csv and events.csv
//! and go through the same validation. An `[[expect]]` compares only the
//! fields it names, against the outcome as `--format json` shows it: objects
//! field by field, `actions` item by item (or as a list of kinds), `false` as
//! "none" (no proposal, no due date: TOML has no null), `fired` as the set of
//! rule files in the explanation.
//!
//! `[[decision]]` and `[[open_action]]` give the case a case register, so
//! rules that read it (`person.decision_on`, `person.open_action`,
//! docs/RULES.md) can be tested without a database; a case without them is
//! screened without a register, as `tryg screen` without `--db`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::check::EffectSite;
use crate::diagnostic::Diagnostic;
use crate::load::{Batch, InputFile};
use crate::outcome::Outcome;
use crate::ruleset::{CONFIG_FILE, RuleSet};
use crate::time::{Date, parse_date};

/// One case file, parsed.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case file's path, as messages name it.
    pub file: String,
    /// The case's `name`: what it shows, in the policy's words.
    pub name: String,
    /// The case's `as_of` date (a TOML date or a `YYYY-MM-DD` string).
    pub as_of: Date,
    persons: Vec<toml::Table>,
    events: Vec<toml::Table>,
    expects: Vec<toml::Table>,
    config: Option<toml::Table>,
    decisions: Vec<toml::Table>,
    open_actions: Vec<toml::Table>,
}

/// One field that differed.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// The `person_id` of the `[[expect]]`.
    pub person_id: String,
    /// Dotted path of the field: `concern_letter.rank`, `actions[0].due`.
    pub field: String,
    /// What the case expects, as JSON text (`none` for no value; for `fired`,
    /// the set of rule names, `{"level2_crime"}`).
    pub expected: String,
    /// What the outcome has, in the same form.
    pub actual: String,
}

/// The result of running one case.
#[derive(Debug)]
pub struct CaseResult {
    /// The case that ran (with only its file name when it could not be parsed).
    pub case: Case,
    /// Problems that kept the case from running (bad persons, bad config).
    pub problems: Vec<Diagnostic>,
    /// Every expected field that differed, in `[[expect]]` order.
    pub mismatches: Vec<Mismatch>,
    /// (rule, line, column) of every effect call the case's persons made.
    pub exercised: BTreeSet<(String, usize, usize)>,
}

impl CaseResult {
    /// A case file that could not be read as a case.
    pub fn unparsed(file: &str, problem: Diagnostic) -> CaseResult {
        CaseResult {
            case: Case {
                file: file.to_string(),
                name: String::new(),
                as_of: Date::MIN,
                persons: Vec::new(),
                events: Vec::new(),
                expects: Vec::new(),
                config: None,
                decisions: Vec::new(),
                open_actions: Vec::new(),
            },
            problems: vec![problem],
            mismatches: Vec::new(),
            exercised: BTreeSet::new(),
        }
    }

    /// Whether the case ran and every expectation held.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.mismatches.is_empty()
    }
}

impl Case {
    /// The case register `[[decision]]` and `[[open_action]]` describe;
    /// `None` when the case has neither.
    fn history(&self) -> Result<Option<crate::history::History>, Box<Diagnostic>> {
        use crate::history::{EarlierDecision, History, OpenAction, Trigger};
        if self.decisions.is_empty() && self.open_actions.is_empty() {
            return Ok(None);
        }
        let fail = |table: &str, n: usize, message: String| {
            Box::new(Diagnostic::new(
                "bad-case",
                &self.file,
                format!("[[{table}]] {}: {message}", n + 1),
            ))
        };
        let text =
            |t: &toml::Table, key: &str| t.get(key).and_then(|v| v.as_str()).map(String::from);
        // An empty chain's head: the case's register has no real chain.
        let mut history = History::new(None, "0".repeat(64));
        for (n, t) in self.decisions.iter().enumerate() {
            let need = |key: &str| {
                text(t, key).ok_or_else(|| fail("decision", n, format!("needs `{key}`")))
            };
            let person = need("person_id")?;
            let decision = need("decision")?;
            if !["accept", "reject", "defer", "done", "close"].contains(&decision.as_str()) {
                return Err(fail(
                    "decision",
                    n,
                    "`decision` is accept, reject, defer, done or close".into(),
                ));
            }
            let decided_on = t
                .get("date")
                .and_then(date_value)
                .ok_or_else(|| fail("decision", n, "needs `date = YYYY-MM-DD`".into()))?;
            let by = match t.get("by") {
                None => Vec::new(),
                Some(v) => v
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|b| b.as_str().map(String::from))
                            .collect()
                    })
                    .ok_or_else(|| fail("decision", n, "`by` is a list of names".into()))?,
            };
            let decided = EarlierDecision {
                seq: n as i64 + 1,
                run: 1,
                proposal: need("on")?,
                decision,
                decided_on,
                by,
                agency: text(t, "agency"),
                effort: text(t, "effort"),
                level: t.get("level").and_then(|v| v.as_integer()),
                note: text(t, "note"),
                trigger: None,
            };
            history.entry(&person).decisions.push(decided);
        }
        for (n, t) in self.open_actions.iter().enumerate() {
            let need = |key: &str| {
                text(t, key).ok_or_else(|| fail("open_action", n, format!("needs `{key}`")))
            };
            let person = need("person_id")?;
            let open = OpenAction {
                kind: need("kind")?,
                due: t.get("due").and_then(date_value),
                run: 1,
                proposed_on: t.get("proposed_on").and_then(date_value).ok_or_else(|| {
                    fail("open_action", n, "needs `proposed_on = YYYY-MM-DD`".into())
                })?,
                trigger: text(t, "event_id").map(|id| Trigger {
                    id: Some(id),
                    date: None,
                    kind: None,
                    code: None,
                }),
                decision: None,
            };
            history.entry(&person).open_actions.push(open);
        }
        Ok(Some(history))
    }
}

fn date_value(value: &toml::Value) -> Option<Date> {
    match value {
        toml::Value::Datetime(d) => parse_date(&d.to_string()),
        toml::Value::String(s) => parse_date(s),
        _ => None,
    }
}

impl Case {
    /// Parses a case file (`file` names it in messages): `name`, `as_of`,
    /// `[[person]]`, `[[event]]`, at least one `[[expect]]`, and an optional
    /// `[config]`. The rows are validated only when the case runs.
    ///
    /// # Errors
    /// The first problem: TOML syntax, an unknown top-level key, a missing
    /// `name`, `as_of` or `[[expect]]`, or a table not written `[[…]]`.
    pub fn parse(file: &str, text: &str) -> Result<Case, Box<Diagnostic>> {
        let table: toml::Table = toml::from_str(text)
            .map_err(|e| Box::new(crate::diagnostic::toml_diagnostic(file, text, &e)))?;
        let fail = |message: String| Box::new(Diagnostic::new("bad-case", file, message));
        for key in table.keys() {
            let known = [
                "name",
                "as_of",
                "person",
                "event",
                "expect",
                "config",
                "decision",
                "open_action",
            ];
            if !known.contains(&key.as_str()) {
                return Err(fail(format!(
                    "unknown key `{key}`: a case has name, as_of, [[person]], [[event]], [[expect]], [config], [[decision]] and [[open_action]]"
                )));
            }
        }
        let name = table
            .get("name")
            .and_then(|v| v.as_str())
            .ok_or_else(|| fail("a case needs a `name`".into()))?
            .to_string();
        let as_of = table
            .get("as_of")
            .and_then(date_value)
            .ok_or_else(|| fail("a case needs `as_of = YYYY-MM-DD`".into()))?;
        let tables = |key: &str| -> Result<Vec<toml::Table>, Box<Diagnostic>> {
            match table.get(key) {
                None => Ok(Vec::new()),
                Some(toml::Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_table()
                            .cloned()
                            .ok_or_else(|| fail(format!("`{key}` must be written [[{key}]]")))
                    })
                    .collect(),
                Some(_) => Err(fail(format!("`{key}` must be written [[{key}]]"))),
            }
        };
        let case = Case {
            file: file.to_string(),
            name,
            as_of,
            persons: tables("person")?,
            events: tables("event")?,
            expects: tables("expect")?,
            config: table.get("config").and_then(|c| c.as_table()).cloned(),
            decisions: tables("decision")?,
            open_actions: tables("open_action")?,
        };
        if case.expects.is_empty() {
            return Err(fail("a case needs at least one [[expect]]".into()));
        }
        Ok(case)
    }

    /// The rows as CSV text, so they pass the loader's validation unchanged.
    fn csv(&self, rows: &[toml::Table], columns: &[&str]) -> Result<InputFile, Box<Diagnostic>> {
        let unwritable = |e: &dyn std::fmt::Display| {
            Box::new(Diagnostic::new(
                "bad-case",
                &self.file,
                format!("the rows could not be written as CSV: {e}"),
            ))
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(columns).map_err(|e| unwritable(&e))?;
        for (i, row) in rows.iter().enumerate() {
            if let Some(key) = row.keys().find(|k| !columns.contains(&k.as_str())) {
                return Err(Box::new(Diagnostic::new(
                    "bad-case",
                    &self.file,
                    format!("row {} has an unknown column `{key}`", i + 1),
                )));
            }
            let cells: Vec<String> = columns
                .iter()
                .map(|c| match row.get(*c) {
                    None => String::new(),
                    Some(toml::Value::String(s)) => s.clone(),
                    Some(toml::Value::Array(items)) => items
                        .iter()
                        .map(|i| i.as_str().map_or_else(|| i.to_string(), String::from))
                        .collect::<Vec<_>>()
                        .join(";"),
                    Some(other) => other.to_string(),
                })
                .collect();
            writer.write_record(&cells).map_err(|e| unwritable(&e))?;
        }
        let bytes = writer.into_inner().map_err(|e| unwritable(&e))?;
        // Named for the table the rows came from, so a problem can say which.
        let table = if columns.contains(&"event_id") {
            "[[event]]"
        } else {
            "[[person]]"
        };
        Ok(InputFile {
            name: table.to_string(),
            bytes,
        })
    }
}

/// The first key of `overlay` that `base` does not have, as a dotted path.
fn unknown_key(base: &toml::Table, overlay: &toml::Table, prefix: &str) -> Option<String> {
    overlay.iter().find_map(|(key, value)| {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (base.get(key), value) {
            (None, _) => Some(path),
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => unknown_key(b, o, &path),
            _ => None,
        }
    })
}

/// Deep-merges `overlay` into `base`.
pub fn merge(base: &mut toml::Table, overlay: &toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Runs one case against a rule set (with the case's config overlay applied).
pub fn run(rules: &RuleSet, case: Case) -> CaseResult {
    let mut result = CaseResult {
        case,
        problems: Vec::new(),
        mismatches: Vec::new(),
        exercised: BTreeSet::new(),
    };
    let overlaid;
    let rules = match &result.case.config {
        None => rules,
        Some(overlay) => {
            let mut pack = rules.pack.clone();
            // A misspelt key would silently test something else. (What tryg
            // filled in for an older pack may be set too.)
            if let Some(key) = unknown_key(rules.table(), overlay, "") {
                result.problems.push(Diagnostic::new(
                    "bad-case",
                    &result.case.file,
                    format!("[config] sets `{key}`, which tryg.toml does not have"),
                ));
                return result;
            }
            // Merged into tryg.toml as written, so it is read as the pack is.
            let mut table: toml::Table =
                toml::from_str(rules.pack.file(CONFIG_FILE).unwrap_or("")).unwrap_or_default();
            merge(&mut table, overlay);
            let merged = match toml::to_string(&table) {
                Ok(text) => text,
                Err(e) => {
                    result.problems.push(Diagnostic::new(
                        "bad-case",
                        &result.case.file,
                        format!("[config] could not be applied to tryg.toml: {e}"),
                    ));
                    return result;
                }
            };
            for (name, text) in &mut pack.files {
                if name == CONFIG_FILE {
                    *text = merged.clone();
                }
            }
            match RuleSet::load(pack) {
                Ok(r) => {
                    overlaid = r;
                    &overlaid
                }
                Err(e) => {
                    // Positions in the merged text are nowhere the reader can
                    // look: the message says it is the case's [config].
                    for mut d in e.diagnostics.items().iter().cloned() {
                        if d.file.ends_with(CONFIG_FILE) {
                            d.file = result.case.file.clone();
                            d.message =
                                format!("tryg.toml with this case's [config]: {}", d.message);
                            d.line = None;
                            d.column = None;
                            d.span = None;
                        }
                        result.problems.push(d);
                    }
                    return result;
                }
            }
        }
    };
    let persons = result.case.csv(
        &result.case.persons,
        &crate::load::person_columns().collect::<Vec<_>>(),
    );
    let events = result.case.csv(
        &result.case.events,
        &crate::load::event_columns().collect::<Vec<_>>(),
    );
    let (persons, events) = match (persons, events) {
        (Ok(p), Ok(e)) => (p, e),
        (p, e) => {
            result
                .problems
                .extend(p.err().into_iter().chain(e.err()).map(|d| *d));
            return result;
        }
    };
    let batch = match Batch::load(&persons, &events, &rules.config, &rules.catalogue) {
        Ok(batch) => batch,
        Err(problems) => {
            // Loader lines count the CSV header: line 2 is the first entry.
            for mut d in problems.items().iter().cloned() {
                let table = std::mem::replace(&mut d.file, result.case.file.clone());
                if let Some(line) = d.line.take() {
                    d.message = format!("{table} {}: {}", line.saturating_sub(1), d.message);
                    d.column = None;
                }
                result.problems.push(d);
            }
            return result;
        }
    };
    let history = match result.case.history() {
        Ok(history) => history.map(std::sync::Arc::new),
        Err(problem) => {
            result.problems.push(*problem);
            return result;
        }
    };
    let batch = std::sync::Arc::new(batch);
    let report = crate::screen::Screening::with_history(
        rules,
        std::sync::Arc::clone(&batch),
        result.case.as_of,
        history.clone(),
    )
    .decide(&|| {})
    .report();
    // Coverage per call, by line and column: each person's rule files run
    // once more, traced (two calls on one line are two calls), with the
    // case's register.
    let mut world = rules.world(batch, result.case.as_of);
    world.history = history;
    let world = std::sync::Arc::new(world);
    for index in 0..report.outcomes.len() {
        let ctx = std::sync::Arc::new(crate::host::view::PersonCtx::new(&world, index));
        if ctx.age.is_none() {
            continue;
        }
        if let Ok(effects) = crate::host::evaluate(rules.program(), &ctx, crate::host::Mode::Traced)
        {
            for (rule, line, column) in effects.calls.unwrap_or_default() {
                result.exercised.insert((rule.to_string(), line, column));
            }
        }
    }
    let expects = result.case.expects.clone();
    for expect in &expects {
        let Some(id) = expect.get("person_id").and_then(|v| v.as_str()) else {
            result.problems.push(Diagnostic::new(
                "bad-case",
                &result.case.file,
                "every [[expect]] needs a person_id",
            ));
            continue;
        };
        let Some(outcome) = report.outcomes.iter().find(|o| o.person_id == id) else {
            result.problems.push(Diagnostic::new(
                "bad-case",
                &result.case.file,
                format!("[[expect]] names {id:?}, who is not among the [[person]] entries"),
            ));
            continue;
        };
        let actual = match serde_json::to_value(outcome) {
            Ok(actual) => actual,
            Err(e) => {
                result.problems.push(Diagnostic::new(
                    "bad-case",
                    &result.case.file,
                    format!("the outcome of {id:?} could not be compared: {e}"),
                ));
                continue;
            }
        };
        for (field, expected) in expect.iter().filter(|(k, _)| *k != "person_id") {
            if field != "fired" && actual.get(field).is_none() {
                let known = actual
                    .as_object()
                    .into_iter()
                    .flat_map(|o| o.keys().map(String::as_str));
                let hint = crate::diagnostic::did_you_mean(field, known.chain(["fired"]))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                result.problems.push(Diagnostic::new(
                    "bad-case",
                    &result.case.file,
                    format!("[[expect]] for {id:?} names `{field}`, which an outcome does not have{hint}"),
                ));
                continue;
            }
            let expected = to_json(expected);
            if field == "fired" {
                compare_fired(id, &expected, outcome, &mut result.mismatches);
            } else {
                compare(
                    id,
                    field,
                    &expected,
                    actual.get(field).unwrap_or(&Value::Null),
                    &mut result.mismatches,
                );
            }
        }
    }
    result
}

fn to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

fn compare(person: &str, field: &str, expected: &Value, actual: &Value, out: &mut Vec<Mismatch>) {
    let mut differ = |expected: &Value, actual: &Value| {
        out.push(Mismatch {
            person_id: person.to_string(),
            field: field.to_string(),
            expected: show(expected),
            actual: show(actual),
        })
    };
    match (expected, actual) {
        // `false` means "none": no proposal, no due date, no actions.
        (Value::Bool(false), Value::Null) => {}
        (Value::Bool(false), Value::Array(a)) if a.is_empty() => {}
        (Value::Bool(false), a) if a.is_object() => differ(&Value::Null, a),
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                compare(
                    person,
                    &format!("{field}.{k}"),
                    v,
                    a.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Object(_), a) => differ(expected, a),
        (Value::Array(e), Value::Array(a)) => {
            // A list of words against a list of objects: compare their kinds.
            let kinds: Vec<Value> = a
                .iter()
                .map(|item| item.get("kind").cloned().unwrap_or(item.clone()))
                .collect();
            if e.iter().all(Value::is_string) && a.iter().all(Value::is_object) {
                if *e != kinds {
                    differ(expected, &Value::Array(kinds));
                }
            } else if e.len() != a.len() {
                differ(
                    &Value::from(format!("{} item(s)", e.len())),
                    &Value::from(format!("{} item(s): {}", a.len(), Value::Array(kinds))),
                );
            } else {
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    compare(person, &format!("{field}[{i}]"), ev, av, out);
                }
            }
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => {}
        (e, a) if e == a => {}
        (e, a) => differ(e, a),
    }
}

fn compare_fired(person: &str, expected: &Value, outcome: &Outcome, out: &mut Vec<Mismatch>) {
    let want: BTreeSet<String> = expected
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let got: BTreeSet<String> = outcome
        .explanation
        .iter()
        .filter(|r| r.rule != crate::screen::HOST_RULE)
        .map(|r| r.rule.to_string())
        .collect();
    if want != got {
        out.push(Mismatch {
            person_id: person.to_string(),
            field: "fired".into(),
            expected: format!("{want:?}"),
            actual: format!("{got:?}"),
        });
    }
}

impl Case {
    /// The rule files its `[[expect]]`s name in `fired`.
    pub fn named_rules(&self) -> BTreeSet<String> {
        self.expects
            .iter()
            .filter_map(|e| e.get("fired").and_then(toml::Value::as_array))
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    }
}

/// The rule files a set of cases reaches: those in which a case made an
/// effect call, those an `[[expect]]` names in `fired`, and the one a case
/// file is named after (`tests/level2_crime.toml`: `level2_crime`).
pub fn reached(results: &[CaseResult]) -> BTreeSet<String> {
    let mut rules = BTreeSet::new();
    for r in results {
        rules.extend(r.exercised.iter().map(|(rule, _, _)| rule.clone()));
        rules.extend(r.case.named_rules());
        let stem = std::path::Path::new(&r.case.file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
        rules.extend(stem);
    }
    rules
}

/// Effect sites no case exercised.
pub fn uncovered<'s>(sites: &'s [EffectSite], results: &[CaseResult]) -> Vec<&'s EffectSite> {
    sites
        .iter()
        .filter(|s| {
            !results
                .iter()
                .any(|r| r.exercised.contains(&(s.rule.clone(), s.line, s.column)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mismatches(expected: Value, actual: Value) -> Vec<String> {
        let mut out = Vec::new();
        compare("P", "f", &expected, &actual, &mut out);
        out.iter()
            .map(|m| format!("{}: {} / {}", m.field, m.expected, m.actual))
            .collect()
    }

    #[test]
    fn only_named_fields_are_compared() {
        let actual = serde_json::json!({"route": "secretariat", "limb": "listed", "reasons": []});
        assert!(mismatches(serde_json::json!({"route": "secretariat"}), actual.clone()).is_empty());
        assert_eq!(
            mismatches(serde_json::json!({"route": "prosecution"}), actual),
            ["f.route: \"prosecution\" / \"secretariat\""]
        );
    }

    #[test]
    fn false_means_no_proposal() {
        assert!(mismatches(Value::Bool(false), Value::Null).is_empty());
        assert_eq!(
            mismatches(Value::Bool(false), serde_json::json!({"route": "x"})).len(),
            1
        );
    }

    #[test]
    fn actions_compare_as_kinds_or_items() {
        let actual = serde_json::json!([{"kind": "network_council", "due": "2026-11-27"}]);
        assert!(mismatches(serde_json::json!(["network_council"]), actual.clone()).is_empty());
        assert_eq!(mismatches(serde_json::json!([]), actual.clone()).len(), 1);
        assert_eq!(
            mismatches(serde_json::json!([{"due": "2026-11-28"}]), actual),
            ["f[0].due: \"2026-11-28\" / \"2026-11-27\""]
        );
    }

    #[test]
    fn whole_numbers_match_across_int_and_float() {
        assert!(mismatches(serde_json::json!(4), serde_json::json!(4.0)).is_empty());
    }
}
