//! One fixture folder per rule file of the default pack, under
//! `fixtures/rules/<rule>/`, plus `fixtures/rules/interactions/`. Each folder is
//! a small batch (`persons.csv`, `events.csv`) whose person ids say what the row
//! shows, and a README.md table giving the outcome SPEC §4 expects for each
//! person. Every folder is screened as of 2026-11-23.
//!
//! Two checks of each folder, on the same screening:
//! - The README table is the specification. Its expected-outcome column is
//!   written in a small grammar (`fixtures/rules/README.md`, parsed by
//!   [`expected`]); [`every_readme_row_is_the_outcome_tryg_gives`] screens the
//!   folder as JSON and compares every term of every row with that person's
//!   outcome.
//! - A snapshot of the screening with `--format csv`: one compact row per
//!   person (level, board route and limb, letter priority, rank and batch,
//!   actions with due dates, overdue actions, and every `rule:line` that had
//!   an effect). The snapshots were read row by row against SPEC §4 and the
//!   folder's README before they were accepted; a change to them is a change
//!   of decisions.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{AS_OF, root, rule_pack_copy};

/// Rule files that do nothing without a case register, so a folder screened
/// without one would show nothing: they are tested with a register instead,
/// by `rules/tests/register.toml` (`tryg test`) and `tests/register.rs`.
const NEEDS_REGISTER: &[&str] = &["open_actions"];

/// `fixtures/rules/<name>/`.
fn folder(name: &str) -> PathBuf {
    root().join("fixtures/rules").join(name)
}

/// `tryg screen` on the batch in `dir`, as of the fixtures' date, as CSV.
fn screen_in(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = crate::support::screen_in(dir, AS_OF);
    cmd.args(["--format", "csv"]);
    cmd.args(extra);
    cmd
}

/// `tryg screen` on one fixture folder with the built-in pack.
fn screen(name: &str) -> Command {
    screen_in(&folder(name), &[])
}

#[test]
fn scope_screens_only_residents_of_the_configured_municipalities() {
    crate::snapshot_cmd!("rule_scope", screen("scope"));
}

#[test]
fn level3_qualified_crime_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!(
        "rule_level3_qualified_crime",
        screen("level3_qualified_crime")
    );
}

#[test]
fn level2_crime_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!("rule_level2_crime", screen("level2_crime"));
}

#[test]
fn level1_risk_behaviour_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!(
        "rule_level1_risk_behaviour",
        screen("level1_risk_behaviour")
    );
}

#[test]
fn youth_board_candidates_by_age_offence_age_window_and_limb() {
    crate::snapshot_cmd!("rule_youth_board", screen("youth_board"));
}

#[test]
fn concern_letter_ranks_proposals_and_cuts_the_batch_at_a_tie() {
    crate::snapshot_cmd!("rule_concern_letter", screen("concern_letter"));
}

#[test]
fn network_council_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!("rule_network_council", screen("network_council"));
}

#[test]
fn concern_conversation_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!("rule_concern_conversation", screen("concern_conversation"));
}

#[test]
fn exit_conversation_fires_exactly_at_its_boundaries() {
    crate::snapshot_cmd!("rule_exit_conversation", screen("exit_conversation"));
}

#[test]
fn home_visit_is_off_by_default_and_fires_only_for_its_age_sex_and_district() {
    crate::snapshot_cmd!("rule_home_visit", screen("home_visit"));
    let pack = home_visit_enabled();
    crate::snapshot_cmd!(
        "rule_home_visit_enabled",
        screen_in(pack.path(), &["--rules", "rules"])
    );
}

/// A copy of the pack with `[home_visit] enabled = true`, and the home_visit
/// batch beside it, so the command line (and the snapshot) names no
/// temporary path: screen it from the returned folder with `--rules rules`.
fn home_visit_enabled() -> tempfile::TempDir {
    let pack = rule_pack_copy();
    let config = pack.path().join("rules/tryg.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert_eq!(
        text.matches("\nenabled = false\n").count(),
        1,
        "the test switches on [home_visit] enabled"
    );
    let section = text.find("[home_visit]").expect("a [home_visit] section");
    let switch = text.find("\nenabled = false\n").unwrap();
    assert!(switch > section, "`enabled = false` is under [home_visit]");
    std::fs::write(
        &config,
        text.replace("\nenabled = false\n", "\nenabled = true\n"),
    )
    .unwrap();
    for file in ["persons.csv", "events.csv"] {
        std::fs::copy(folder("home_visit").join(file), pack.path().join(file)).unwrap();
    }
    pack
}

#[test]
fn interactions_of_several_rules_on_one_person() {
    crate::snapshot_cmd!("rule_interactions", screen("interactions"));
}

/// The fixture folders: one per rule the default pack runs, in its order,
/// then `interactions`.
fn folders() -> Vec<String> {
    let config = std::fs::read_to_string(root().join("rules/tryg.toml")).unwrap();
    let config: toml::Table = toml::from_str(&config).unwrap();
    let order = config["rules"]["order"].as_array().expect("[rules] order");
    let mut folders: Vec<String> = order
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .filter(|r| !NEEDS_REGISTER.contains(&r.as_str()))
        .collect();
    folders.push("interactions".into());
    folders
}

/// The `person_id` column of a folder's persons.csv, in file order.
fn person_ids(name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(folder(name).join("persons.csv"))
        .unwrap_or_else(|e| panic!("fixtures/rules/{name}/persons.csv: {e}"));
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "person_id")
        .expect("a person_id column");
    reader
        .records()
        .map(|r| r.unwrap()[column].trim().to_string())
        .collect()
}

/// A folder's README.md, and its table of expected outcomes (the one whose
/// columns start `person | what it shows`).
fn outcome_table(name: &str) -> (String, expected::Table) {
    let path = folder(name).join("README.md");
    let readme = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixtures/rules/{name}/README.md: {e}"));
    let mut tables: Vec<expected::Table> = expected::tables(&readme)
        .into_iter()
        .filter(|t| {
            t.header
                .starts_with(&["person".into(), "what it shows".into()])
        })
        .collect();
    assert_eq!(
        tables.len(),
        1,
        "fixtures/rules/{name}/README.md has one table `| person | what it shows | expected … |`"
    );
    (readme, tables.remove(0))
}

/// Every rule the default pack runs has a fixture folder, every person in a
/// folder has exactly one row in its README's table, and every row is a
/// person of the folder.
#[test]
fn every_rule_has_a_folder_and_every_person_a_readme_row() {
    let mut problems = Vec::new();
    for name in folders() {
        assert!(
            folder(&name).join("events.csv").is_file(),
            "fixtures/rules/{name}/events.csv"
        );
        let persons = person_ids(&name);
        let (_, table) = outcome_table(&name);
        let file = format!("fixtures/rules/{name}/README.md");
        let mut seen = std::collections::HashSet::new();
        for row in &table.rows {
            let person = expected::person(&row.cells[0]);
            if !persons.contains(&person) {
                problems.push(format!(
                    "{file}:{}: `{person}` is not in persons.csv",
                    row.line
                ));
            }
            if !seen.insert(person.clone()) {
                problems.push(format!("{file}:{}: a second row for `{person}`", row.line));
            }
        }
        for person in persons.iter().filter(|p| !seen.contains(*p)) {
            problems.push(format!("{file} has no row for `{person}`"));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// Which screening an expected-outcome column states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screening {
    /// The default pack (`expected outcome (SPEC §4)`, `expected: default pack`).
    Default,
    /// home_visit's second column: the pack with `[home_visit] enabled = true`.
    HomeVisitEnabled,
}

impl Screening {
    fn of_column(heading: &str) -> Option<Screening> {
        match heading {
            "expected outcome (SPEC §4)" | "expected: default pack" => Some(Screening::Default),
            "expected: `enabled = true`" => Some(Screening::HomeVisitEnabled),
            _ => None,
        }
    }

    /// The JSON report of this screening of folder `name`: the command the
    /// snapshots run, with `--format json`.
    fn report(self, name: &str) -> serde_json::Value {
        let pack;
        let mut cmd = match self {
            Screening::Default => crate::support::screen_in(&folder(name), AS_OF),
            Screening::HomeVisitEnabled => {
                assert_eq!(name, "home_visit", "only home_visit has this column");
                pack = home_visit_enabled();
                let mut cmd = crate::support::screen_in(pack.path(), AS_OF);
                cmd.args(["--rules", "rules"]);
                cmd
            }
        };
        let out = cmd.args(["--format", "json"]).output().expect("run tryg");
        assert!(
            out.status.success(),
            "screening fixtures/rules/{name} ({self:?}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("a JSON report")
    }
}

/// The README tables are the specification: every term of every row's
/// expected outcome is what tryg gives that person (and concern_letter's
/// ranking table is the ranking). Fails with every disagreement at once,
/// each naming the README line, the person, the term, what the README says
/// and what tryg gives.
#[test]
fn every_readme_row_is_the_outcome_tryg_gives() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for name in folders() {
        let file = format!("fixtures/rules/{name}/README.md");
        let (readme, table) = outcome_table(&name);
        let mut default_report = None;
        for (column, heading) in table.header.iter().enumerate().skip(2) {
            let Some(screening) = Screening::of_column(heading) else {
                problems.push(format!(
                    "{file}: no screening is known for column `{heading}`"
                ));
                continue;
            };
            let report = screening.report(&name);
            for row in &table.rows {
                let person = expected::person(&row.cells[0]);
                let at = if table.header.len() > 3 {
                    format!("{file}:{}: `{person}` (column \"{heading}\")", row.line)
                } else {
                    format!("{file}:{}: `{person}`", row.line)
                };
                let Some(cell) = row.cells.get(column) else {
                    problems.push(format!("{at}: the row has no such column"));
                    continue;
                };
                let terms = match expected::parse(cell) {
                    Ok(terms) => terms,
                    Err(e) => {
                        problems.push(format!("{at}: cannot read the cell: {e}"));
                        continue;
                    }
                };
                let Some(outcome) = expected::outcome(&report, &person) else {
                    problems.push(format!("{at}: tryg gives no outcome for this person"));
                    continue;
                };
                for term in &terms {
                    checked += 1;
                    if let Err(actual) = term.check(outcome) {
                        let said = match term {
                            expected::Term::Implied(_) => {
                                format!("`{term}` (implied: the row names none)")
                            }
                            _ => format!("`{term}`"),
                        };
                        problems.push(format!("{at}: README says {said}, tryg gives `{actual}`"));
                    }
                }
            }
            if screening == Screening::Default {
                default_report = Some(report);
            }
        }
        let ranking = expected::tables(&readme)
            .into_iter()
            .filter(|t| t.header == ["rank", "person", "priority", "in_batch"]);
        for table in ranking {
            let report = default_report.get_or_insert_with(|| Screening::Default.report(&name));
            problems.extend(
                expected::check_ranking(&table, report)
                    .into_iter()
                    .map(|p| format!("{file}:{p}")),
            );
        }
    }
    assert!(
        problems.is_empty(),
        "the fixture READMEs disagree with tryg in {} place(s):\n{}\n",
        problems.len(),
        problems.join("\n")
    );
    // 265 cells of at least five terms each (the head, and board, letter,
    // actions and notes, written or implied).
    assert!(checked > 1300, "only {checked} terms were checked");
}

/// The fixture READMEs' tables and the grammar of their expected-outcome
/// cells (documented for the people who write them in
/// `fixtures/rules/README.md`): parsing, and the comparison of each term with
/// an outcome of the JSON report.
mod expected {
    use std::fmt;

    use serde_json::Value;

    /// A Markdown table: its heading cells and its rows.
    #[derive(Debug)]
    pub struct Table {
        pub header: Vec<String>,
        pub rows: Vec<Row>,
    }

    /// One row of a [`Table`], with its 1-based line in the file.
    #[derive(Debug)]
    pub struct Row {
        pub line: usize,
        pub cells: Vec<String>,
    }

    /// Every table of `markdown`: runs of lines starting with `|`, the second
    /// of which is the `|---|` rule. Cells are trimmed; no cell holds a `|`.
    pub fn tables(markdown: &str) -> Vec<Table> {
        let cells = |line: &str| -> Vec<String> {
            let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
            inner.split('|').map(|c| c.trim().to_string()).collect()
        };
        let mut tables = Vec::new();
        let mut current: Option<Table> = None;
        for (i, line) in markdown.lines().enumerate() {
            if !line.starts_with('|') {
                tables.extend(current.take());
                continue;
            }
            match &mut current {
                None => {
                    current = Some(Table {
                        header: cells(line),
                        rows: Vec::new(),
                    })
                }
                Some(_) if line.starts_with("|---") || line.starts_with("| ---") => {}
                Some(table) => table.rows.push(Row {
                    line: i + 1,
                    cells: cells(line),
                }),
            }
        }
        tables.extend(current);
        tables
    }

    /// A person cell: the id, in backticks or not.
    pub fn person(cell: &str) -> String {
        cell.trim().trim_matches('`').to_string()
    }

    /// The outcome of `person` in a JSON report.
    pub fn outcome<'a>(report: &'a Value, person: &str) -> Option<&'a Value> {
        report["outcomes"]
            .as_array()?
            .iter()
            .find(|o| o["person_id"] == person)
    }

    /// A rule file (`level2_crime`), or one line of it
    /// (`level1_risk_behaviour:22`), as the explanation names them.
    #[derive(Debug, Clone, PartialEq)]
    pub struct RuleRef {
        rule: String,
        line: Option<u64>,
    }

    impl RuleRef {
        fn parse(text: &str) -> Result<RuleRef, String> {
            let (rule, line) = match text.split_once(':') {
                Some((rule, line)) => (
                    rule,
                    Some(number(line).ok_or(format!("`{text}`: the line is not a number"))?),
                ),
                None => (text, None),
            };
            if rule.is_empty()
                || !rule
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(format!("`{text}` is not a rule file stem (or stem:line)"));
            }
            Ok(RuleRef {
                rule: rule.to_string(),
                line,
            })
        }

        /// Whether `reason` (a SPEC §3 REASON) comes from this rule or line.
        fn matches(&self, reason: &Value) -> bool {
            reason["rule"] == self.rule.as_str()
                && self.line.is_none_or(|line| reason["line"] == line)
        }
    }

    impl fmt::Display for RuleRef {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.line {
                Some(line) => write!(f, "{}:{line}", self.rule),
                None => write!(f, "{}", self.rule),
            }
        }
    }

    /// `letter RECIPIENTS [pN] [#N] [in batch | outside batch]`: parts left
    /// out are not compared.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Letter {
        recipients: String,
        priority: Option<f64>,
        rank: Option<u64>,
        in_batch: Option<bool>,
    }

    impl Letter {
        fn parse(words: &[&str]) -> Result<Letter, String> {
            let Some((&recipients, mut rest)) = words.split_first() else {
                return Err("`letter` names its recipients: person or person+guardians".into());
            };
            if !matches!(recipients, "person" | "person+guardians") {
                return Err(format!(
                    "letter recipients are person or person+guardians, not `{recipients}`"
                ));
            }
            let mut letter = Letter {
                recipients: recipients.to_string(),
                priority: None,
                rank: None,
                in_batch: None,
            };
            while let Some((&word, more)) = rest.split_first() {
                rest = more;
                if let Some(p) = word.strip_prefix('p') {
                    let p = p.replace('−', "-");
                    letter.priority =
                        Some(p.parse().map_err(|_| format!("`{word}`: pN, N a number"))?);
                } else if let Some(rank) = word.strip_prefix('#') {
                    letter.rank = Some(number(rank).ok_or(format!("`{word}`: #N, N a rank"))?);
                } else if matches!(word, "in" | "outside") && rest.first() == Some(&"batch") {
                    letter.in_batch = Some(word == "in");
                    rest = &rest[1..];
                } else {
                    return Err(format!(
                        "`{word}` in a letter term (pN, #N, in batch, outside batch)"
                    ));
                }
            }
            Ok(letter)
        }

        /// The outcome's `concern_letter` object, with the parts `shape`
        /// names (every part without a shape).
        fn of(letter: &Value, shape: Option<&Letter>) -> Letter {
            let recipients: Vec<&str> = letter["recipients"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let named = |part: fn(&Letter) -> bool| shape.is_none_or(part);
            Letter {
                recipients: recipients.join("+"),
                priority: letter["priority"]
                    .as_f64()
                    .filter(|_| named(|l| l.priority.is_some())),
                rank: letter["rank"]
                    .as_u64()
                    .filter(|_| named(|l| l.rank.is_some())),
                in_batch: letter["in_batch"]
                    .as_bool()
                    .filter(|_| named(|l| l.in_batch.is_some())),
            }
        }
    }

    impl fmt::Display for Letter {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "letter {}", self.recipients)?;
            if let Some(p) = self.priority {
                write!(f, " p{p}")?;
            }
            if let Some(rank) = self.rank {
                write!(f, " #{rank}")?;
            }
            match self.in_batch {
                Some(true) => write!(f, " in batch"),
                Some(false) => write!(f, " outside batch"),
                None => Ok(()),
            }
        }
    }

    /// `KIND[@YYYY-MM-DD] [overdue | not overdue]`.
    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    pub struct Action {
        kind: String,
        due: Option<String>,
        overdue: bool,
    }

    impl Action {
        fn parse(text: &str) -> Result<Action, String> {
            let words: Vec<&str> = text.split_whitespace().collect();
            let (first, flag) = match words.as_slice() {
                [first] => (*first, false),
                [first, "overdue"] => (*first, true),
                [first, "not", "overdue"] => (*first, false),
                _ => {
                    return Err(format!(
                        "`{text}`: an action is KIND[@YYYY-MM-DD] [overdue | not overdue]"
                    ));
                }
            };
            let (kind, due) = match first.split_once('@') {
                Some((kind, due)) => (kind, Some(due)),
                None => (first, None),
            };
            if kind.is_empty() || !kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return Err(format!("`{kind}` is not an action kind"));
            }
            if let Some(due) = due
                && !is_date(due)
            {
                return Err(format!("`{due}` is not a date YYYY-MM-DD"));
            }
            Ok(Action {
                kind: kind.to_string(),
                due: due.map(str::to_string),
                overdue: flag,
            })
        }

        fn of(action: &Value) -> Action {
            Action {
                kind: action["kind"].as_str().unwrap_or("?").to_string(),
                due: action["due"].as_str().map(str::to_string),
                overdue: action["overdue"] == true,
            }
        }
    }

    impl fmt::Display for Action {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.kind)?;
            if let Some(due) = &self.due {
                write!(f, "@{due}")?;
            }
            if self.overdue {
                write!(f, " overdue")?;
            }
            Ok(())
        }
    }

    /// One term of an expected outcome. `None` and empty lists are the `no …`
    /// forms (and what a row that leaves the term out means).
    #[derive(Debug, Clone, PartialEq)]
    pub enum Term {
        /// `level N`: status `proposed` at level N.
        Level(u64),
        /// `out of scope`: status `out_of_scope`, level 0.
        OutOfScope,
        /// `error`: status `error`.
        Error,
        /// `forum F`.
        Forum(String),
        /// `age N`, `no age`.
        Age(Option<u64>),
        /// `board ROUTE/LIMB`, `no board`.
        Board(Option<(String, String)>),
        /// `letter …`, `no letter`.
        Letter(Option<Letter>),
        /// `actions A, …`, `no actions`.
        Actions(Vec<Action>),
        /// `notes tryg:N, …`, `no notes`: the host's reasons, by line.
        Notes(Vec<u64>),
        /// `fires R, …`.
        Fires(Vec<RuleRef>),
        /// `silent R, …`.
        Silent(Vec<RuleRef>),
        /// A term the row leaves out, which says "none": `no board`, `no
        /// letter`, `no actions`, `no notes`.
        Implied(Box<Term>),
    }

    /// The terms of one cell: the head first, then the row's other terms,
    /// then the implied `no …` terms for the proposals and notes it leaves
    /// out.
    pub fn parse(cell: &str) -> Result<Vec<Term>, String> {
        let text = without_comments(cell)?;
        let mut terms = Vec::new();
        for (i, part) in text.split('·').map(str::trim).enumerate() {
            if part.is_empty() {
                return Err("an empty term (two `·` in a row, or one at an end)".into());
            }
            let term = Term::parse(part)?;
            let head = matches!(term, Term::Level(_) | Term::OutOfScope | Term::Error);
            if head != (i == 0) {
                return Err(format!(
                    "`{part}`: a cell starts with its head (level N, out of scope or error), and has one"
                ));
            }
            if terms
                .iter()
                .any(|t: &Term| std::mem::discriminant(t) == std::mem::discriminant(&term))
            {
                return Err(format!("`{part}`: a second term of this kind"));
            }
            terms.push(term);
        }
        let mut implied = Vec::new();
        for none in [
            Term::Board(None),
            Term::Letter(None),
            Term::Actions(Vec::new()),
            Term::Notes(Vec::new()),
        ] {
            let named = terms
                .iter()
                .any(|t| std::mem::discriminant(t) == std::mem::discriminant(&none));
            if !named {
                implied.push(Term::Implied(Box::new(none)));
            }
        }
        terms.extend(implied);
        Ok(terms)
    }

    impl Term {
        fn parse(text: &str) -> Result<Term, String> {
            let words: Vec<&str> = text.split_whitespace().collect();
            let list = |from: usize| -> Vec<&str> {
                let rest = text
                    .splitn(from + 1, char::is_whitespace)
                    .last()
                    .unwrap_or("");
                rest.split(',').map(str::trim).collect()
            };
            let refs = |from: usize| -> Result<Vec<RuleRef>, String> {
                list(from).into_iter().map(RuleRef::parse).collect()
            };
            Ok(match words.as_slice() {
                ["level", n] => Term::Level(number(n).ok_or(format!("`{text}`: level N"))?),
                ["out", "of", "scope"] => Term::OutOfScope,
                ["error"] => Term::Error,
                ["forum", forum @ ("none" | "SSP" | "SSP+" | "adult")] => {
                    Term::Forum(forum.to_string())
                }
                ["age", n] => Term::Age(Some(number(n).ok_or(format!("`{text}`: age N"))?)),
                ["no", "age"] => Term::Age(None),
                ["board", board] => {
                    let board = board.split_once('/').filter(|(route, limb)| {
                        matches!(*route, "secretariat" | "prosecution")
                            && matches!(*limb, "listed" | "serious_with_risk")
                    });
                    let Some((route, limb)) = board else {
                        return Err(format!(
                            "`{text}`: board secretariat|prosecution/listed|serious_with_risk"
                        ));
                    };
                    Term::Board(Some((route.to_string(), limb.to_string())))
                }
                ["no", "board"] => Term::Board(None),
                ["letter", rest @ ..] => Term::Letter(Some(Letter::parse(rest)?)),
                ["no", "letter"] => Term::Letter(None),
                ["action" | "actions", _, ..] => {
                    let actions = list(1)
                        .into_iter()
                        .map(Action::parse)
                        .collect::<Result<Vec<_>, _>>()?;
                    Term::Actions(actions)
                }
                ["no", "action" | "actions"] => Term::Actions(Vec::new()),
                ["notes", _, ..] => Term::Notes(
                    list(1)
                        .into_iter()
                        .map(|n| {
                            n.strip_prefix("tryg:")
                                .and_then(number)
                                .ok_or(format!("`{n}`: a note is tryg:LINE"))
                        })
                        .collect::<Result<_, _>>()?,
                ),
                ["no", "notes"] => Term::Notes(Vec::new()),
                ["fires", _, ..] => Term::Fires(refs(1)?),
                ["silent", _, ..] => Term::Silent(refs(1)?),
                _ => return Err(format!("`{text}` is no term of the grammar")),
            })
        }

        /// Compares the term with `outcome` (SPEC §3 OUTCOME); on a mismatch,
        /// what the outcome has, written as the term would be.
        pub fn check(&self, o: &Value) -> Result<(), String> {
            let status = o["status"].as_str().unwrap_or("?");
            let level = o["level"].as_u64().unwrap_or(u64::MAX);
            let head = || match status {
                "proposed" => format!("level {level}"),
                "out_of_scope" if level == 0 => "out of scope".to_string(),
                "out_of_scope" => format!("out of scope, level {level}"),
                other => other.to_string(),
            };
            let reasons = || o["explanation"].as_array().cloned().unwrap_or_default();
            let (ok, actual) = match self {
                Term::Implied(term) => return term.check(o),
                Term::Level(n) => (status == "proposed" && level == *n, head()),
                Term::OutOfScope => (status == "out_of_scope" && level == 0, head()),
                Term::Error => (status == "error", head()),
                Term::Forum(forum) => (
                    o["forum"] == forum.as_str(),
                    format!("forum {}", o["forum"].as_str().unwrap_or("?")),
                ),
                Term::Age(_) => {
                    let actual = Term::Age(o["age"].as_u64());
                    (*self == actual, actual.to_string())
                }
                Term::Board(_) => {
                    let board = &o["youth_board"];
                    let actual = Term::Board(board.is_object().then(|| {
                        let text = |k: &str| board[k].as_str().unwrap_or("?").to_string();
                        (text("route"), text("limb"))
                    }));
                    (*self == actual, actual.to_string())
                }
                Term::Letter(expected) => {
                    let letter = &o["concern_letter"];
                    let actual = letter
                        .is_object()
                        .then(|| Letter::of(letter, expected.as_ref()));
                    let ok = *expected == actual;
                    (ok, Term::Letter(actual).to_string())
                }
                Term::Actions(expected) => {
                    let mut actual: Vec<Action> = o["actions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(Action::of)
                        .collect();
                    let mut wanted = expected.clone();
                    wanted.sort();
                    actual.sort();
                    (wanted == actual, Term::Actions(actual).to_string())
                }
                Term::Notes(expected) => {
                    let mut actual: Vec<u64> = reasons()
                        .iter()
                        .filter(|r| r["rule"] == "tryg")
                        .filter_map(|r| r["line"].as_u64())
                        .collect();
                    let mut wanted = expected.clone();
                    wanted.sort_unstable();
                    let shown = Term::Notes(actual.clone()).to_string();
                    actual.sort_unstable();
                    (wanted == actual, shown)
                }
                Term::Fires(refs) | Term::Silent(refs) => {
                    let reasons = reasons();
                    let fires = matches!(self, Term::Fires(_));
                    let ok = refs
                        .iter()
                        .all(|r| reasons.iter().any(|reason| r.matches(reason)) == fires);
                    let had: Vec<String> = reasons
                        .iter()
                        .map(|r| format!("{}:{}", r["rule"].as_str().unwrap_or("?"), r["line"]))
                        .collect();
                    let actual = if had.is_empty() {
                        "an explanation with no reason".to_string()
                    } else {
                        format!("an explanation of {}", had.join(", "))
                    };
                    (ok, actual)
                }
            };
            if ok { Ok(()) } else { Err(actual) }
        }
    }

    impl fmt::Display for Term {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let join = |items: Vec<String>| items.join(", ");
            match self {
                Term::Level(n) => write!(f, "level {n}"),
                Term::OutOfScope => write!(f, "out of scope"),
                Term::Error => write!(f, "error"),
                Term::Forum(forum) => write!(f, "forum {forum}"),
                Term::Age(Some(age)) => write!(f, "age {age}"),
                Term::Age(None) => write!(f, "no age"),
                Term::Board(Some((route, limb))) => write!(f, "board {route}/{limb}"),
                Term::Board(None) => write!(f, "no board"),
                Term::Letter(Some(letter)) => write!(f, "{letter}"),
                Term::Letter(None) => write!(f, "no letter"),
                Term::Actions(a) if a.is_empty() => write!(f, "no actions"),
                Term::Actions(a) => write!(
                    f,
                    "actions {}",
                    join(a.iter().map(|a| a.to_string()).collect())
                ),
                Term::Notes(n) if n.is_empty() => write!(f, "no notes"),
                Term::Notes(n) => write!(
                    f,
                    "notes {}",
                    join(n.iter().map(|n| format!("tryg:{n}")).collect())
                ),
                Term::Fires(r) => write!(
                    f,
                    "fires {}",
                    join(r.iter().map(|r| r.to_string()).collect())
                ),
                Term::Silent(r) => write!(
                    f,
                    "silent {}",
                    join(r.iter().map(|r| r.to_string()).collect())
                ),
                Term::Implied(term) => write!(f, "{term}"),
            }
        }
    }

    /// concern_letter's ranking table (`| rank | person | priority |
    /// in_batch |`): each row's rank, the number its priority starts with,
    /// and in_batch, against `report`; and a row for every letter proposed.
    /// Problems as `LINE: …`.
    pub fn check_ranking(table: &Table, report: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        for row in &table.rows {
            let [rank, person_cell, priority, in_batch] = row.cells.as_slice() else {
                problems.push(format!("{}: a ranking row has four cells", row.line));
                continue;
            };
            let person = person(person_cell);
            let first = priority
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .replace('−', "-");
            let said = format!("rank {rank}, priority {first}, in_batch {in_batch}");
            let actual = match outcome(report, &person).map(|o| &o["concern_letter"]) {
                Some(letter) if letter.is_object() => format!(
                    "rank {}, priority {}, in_batch {}",
                    letter["rank"], letter["priority"], letter["in_batch"]
                ),
                Some(_) => "no letter".to_string(),
                None => "no outcome".to_string(),
            };
            if said != actual {
                problems.push(format!(
                    "{}: ranking table, `{person}`: README says `{said}`, tryg gives `{actual}`",
                    row.line
                ));
            }
        }
        let letters = report["outcomes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["concern_letter"].is_object())
            .count();
        if letters != table.rows.len() {
            problems.push(format!(
                "{}: the ranking table has {} rows, but tryg proposes {letters} letters",
                table.rows.first().map_or(0, |r| r.line),
                table.rows.len()
            ));
        }
        problems
    }

    /// `text` without its parenthesised comments (which may nest).
    fn without_comments(text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut depth = 0usize;
        for c in text.chars() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => return Err("a `)` without its `(`".into()),
                ')' => depth -= 1,
                c if depth == 0 => out.push(c),
                _ => {}
            }
        }
        if depth > 0 {
            return Err("a `(` without its `)`".into());
        }
        Ok(out)
    }

    fn number(text: &str) -> Option<u64> {
        text.parse().ok()
    }

    fn is_date(text: &str) -> bool {
        text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            })
    }
}
