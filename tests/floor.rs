//! The floor: SPEC §4 and the default rule pack (`rules/*.rhai`, `rules/tryg.toml`)
//! hand-written in plain Rust, with no interpreter, no per-person allocation and
//! one pass over each person's date-sorted events.
//!
//! Two uses, one file: the integration tests check that it decides every person
//! the same as `tryg::screen::screen` with the built-in pack (a second,
//! independent reading of the policy), and `benches/screen.rs` includes it with
//! `#[path = "../tests/floor.rs"] mod floor;` as the speed no rule engine can
//! beat (issue 7).
//!
//! It implements the default pack only: the rule files in their default order.
//! Every number and list is read from the rule set's `tryg.toml` (`cfg`), so a
//! changed number moves both; a changed rule file does not move the floor.

// Shared by the tests and the benches; each uses a different part.
#![allow(dead_code)]

use std::collections::HashMap;

use rhai::{Dynamic, ImmutableString};
use tryg::event::EventKind;
use tryg::host::config_view::ConfigTable;
use tryg::load::Batch;
use tryg::offence::{Category, CategorySet};
use tryg::outcome::{Report, Status};
use tryg::person::GangAffiliation;
use tryg::ruleset::RuleSet;
use tryg::time::{self, Date};

/// The policy's numbers, resolved against one as-of date.
#[derive(Debug, Clone)]
pub struct Policy {
    pub as_of: Date,
    pub municipalities: Vec<String>,
    /// Events before this day are past retention.
    pub horizon: Date,
    /// Per catalogue entry (by index): what the rules ask of an event's code.
    pub codes: Vec<Code>,
    pub level3_gangs: [bool; 4],
    pub level3_since: Date,
    pub level3_categories: CategorySet,
    pub level2_since: Date,
    pub level2_min_offences: usize,
    pub level2_categories: CategorySet,
    pub level2_release_since: Date,
    pub level1_since: Date,
    pub level1_tags: Vec<String>,
    pub level1_categories: CategorySet,
    pub level1_gangs: [bool; 4],
    pub yb_max_age: u32,
    pub yb_min_offence_age: u32,
    pub yb_since: Date,
    pub yb_listed: CategorySet,
    pub yb_risk_min_offences: usize,
    pub yb_risk_min_risk_factors: usize,
    pub yb_secretariat_max_age: u32,
    pub cl_batch_size: usize,
    pub cl_offences_since: Date,
    pub cl_last_letter_since: Date,
    pub cl_guardians_under_age: u32,
    pub cl_weight_since: Date,
    pub cl_motivated_bonus: i64,
    /// Affiliation weights, indexed by `GangAffiliation as usize` (none unused).
    pub cl_weights: [i64; 4],
    pub nc_under_age: u32,
    pub nc_since: Date,
    pub nc_due_days: i64,
    pub cc_under_age: u32,
    pub cc_since: Date,
    pub cc_due_days: i64,
    pub cc_tags: Vec<String>,
    pub exit_custody_since: Date,
    pub hv_enabled: bool,
    pub hv_age: u32,
    pub hv_sex: String,
    pub hv_districts: Vec<String>,
}

/// What the rules ask of one offence code.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub category: Category,
    pub serious: bool,
    /// Not of a `not_offences` category (traffic, police business).
    pub offence: bool,
    /// Of one of `youth_board.listed_categories`.
    pub listed: bool,
}

/// One setting of tryg.toml by its dotted path (`level2.window_months`).
fn setting(rules: &RuleSet, path: &str) -> Dynamic {
    let mut table = rules.settings.clone();
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let value = table
            .get(key)
            .unwrap_or_else(|e| panic!("tryg.toml {path}: {e}"));
        if keys.peek().is_none() {
            return value;
        }
        table = value
            .try_cast::<ConfigTable>()
            .unwrap_or_else(|| panic!("tryg.toml {path}: {key} is not a table"));
    }
    unreachable!("empty setting path")
}

fn int(rules: &RuleSet, path: &str) -> i64 {
    setting(rules, path)
        .as_int()
        .unwrap_or_else(|t| panic!("tryg.toml {path}: a number, not {t}"))
}

fn uint(rules: &RuleSet, path: &str) -> u32 {
    u32::try_from(int(rules, path)).unwrap_or_else(|_| panic!("tryg.toml {path}: not 0 or more"))
}

fn text(rules: &RuleSet, path: &str) -> String {
    setting(rules, path)
        .into_immutable_string()
        .unwrap_or_else(|t| panic!("tryg.toml {path}: text, not {t}"))
        .to_string()
}

fn texts(rules: &RuleSet, path: &str) -> Vec<String> {
    setting(rules, path)
        .into_array()
        .unwrap_or_else(|t| panic!("tryg.toml {path}: a list, not {t}"))
        .into_iter()
        .map(|d| d.to_string())
        .collect()
}

fn gangs(names: &[String]) -> [bool; 4] {
    let mut set = [false; 4];
    for name in names {
        let g = GangAffiliation::parse(name).unwrap_or_else(|| panic!("gang affiliation {name}"));
        set[g as usize] = true;
    }
    set
}

impl Policy {
    /// The numbers of `rules` (its `cfg`, so `--municipality` and a changed
    /// tryg.toml apply) as of `as_of`.
    pub fn new(rules: &RuleSet, as_of: Date) -> Policy {
        let months = |path: &str| time::months_before(as_of, uint(rules, path));
        let days = |path: &str| time::days_before(as_of, uint(rules, path));
        let categories = |path: &str| -> CategorySet {
            texts(rules, path)
                .iter()
                .map(|c| Category::parse(c).unwrap_or_else(|| panic!("category {c}")))
                .collect()
        };
        let listed = categories("youth_board.listed_categories");
        let not_offences = rules.config.not_offences();
        let codes = rules
            .catalogue
            .iter()
            .map(|def| Code {
                category: def.category,
                serious: def.serious,
                offence: !not_offences.contains(def.category),
                listed: listed.contains(def.category),
            })
            .collect();
        let mut cl_weights = [0; 4];
        for g in [
            GangAffiliation::Peripheral,
            GangAffiliation::Bubbler,
            GangAffiliation::Core,
        ] {
            cl_weights[g as usize] = int(
                rules,
                &format!("concern_letter.affiliation_weights.{}", g.as_str()),
            );
        }
        Policy {
            as_of,
            municipalities: rules.config.municipalities.clone(),
            horizon: time::months_before(as_of, rules.config.retention_months),
            codes,
            level3_gangs: gangs(&texts(rules, "level3.gang_affiliations")),
            level3_since: months("level3.window_months"),
            level3_categories: categories("level3.categories"),
            level2_since: months("level2.window_months"),
            level2_min_offences: uint(rules, "level2.min_offences") as usize,
            level2_categories: categories("level2.categories"),
            level2_release_since: months("level2.release_window_months"),
            level1_since: months("level1.window_months"),
            level1_tags: texts(rules, "level1.tags"),
            level1_categories: categories("level1.categories"),
            level1_gangs: gangs(&texts(rules, "level1.gang_affiliations")),
            yb_max_age: uint(rules, "youth_board.max_age"),
            yb_min_offence_age: uint(rules, "youth_board.min_offence_age"),
            yb_since: months("youth_board.window_months"),
            yb_listed: listed,
            yb_risk_min_offences: uint(rules, "youth_board.risk_min_offences") as usize,
            yb_risk_min_risk_factors: uint(rules, "youth_board.risk_min_risk_factors") as usize,
            yb_secretariat_max_age: uint(rules, "youth_board.secretariat_max_age"),
            cl_batch_size: rules.config.concern_letter.batch_size,
            cl_offences_since: months("concern_letter.offence_window_months"),
            cl_last_letter_since: months("concern_letter.last_letter_months"),
            cl_guardians_under_age: uint(rules, "concern_letter.guardians_under_age"),
            cl_weight_since: months("concern_letter.offence_weight_window_months"),
            cl_motivated_bonus: int(rules, "concern_letter.motivated_bonus"),
            cl_weights,
            nc_under_age: uint(rules, "network_council.under_age"),
            nc_since: days("network_council.window_days"),
            nc_due_days: int(rules, "network_council.due_days"),
            cc_under_age: uint(rules, "concern_conversation.under_age"),
            cc_since: days("concern_conversation.window_days"),
            cc_due_days: int(rules, "concern_conversation.due_days"),
            cc_tags: texts(rules, "concern_conversation.tags"),
            exit_custody_since: days("exit_conversation.custody_window_days"),
            hv_enabled: setting(rules, "home_visit.enabled")
                .as_bool()
                .expect("home_visit.enabled is true or false"),
            hv_age: uint(rules, "home_visit.age"),
            hv_sex: text(rules, "home_visit.sex"),
            hv_districts: texts(rules, "home_visit.districts"),
        }
    }
}

/// A youth-board candidacy: (route, limb).
pub type Board = (&'static str, &'static str);

/// A concern-letter proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Letter {
    /// `["person", "guardians"]` when true, else `["person"]`.
    pub guardians: bool,
    pub priority: i64,
    /// 1-based, after [`rank_letters`]; 0 before.
    pub rank: usize,
    pub in_batch: bool,
}

/// What the floor decides for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub status: Status,
    pub level: u8,
    pub youth_board: Option<Board>,
    pub letter: Option<Letter>,
    /// Due date of `network_council`, when proposed.
    pub network_council: Option<Date>,
    /// Due date of `concern_conversation`, when proposed.
    pub concern_conversation: Option<Date>,
    /// `exit_conversation` (no due date).
    pub exit_conversation: bool,
    /// `home_visit` (no due date).
    pub home_visit: bool,
}

impl Decision {
    fn nothing(status: Status) -> Decision {
        Decision {
            status,
            level: 0,
            youth_board: None,
            letter: None,
            network_council: None,
            concern_conversation: None,
            exit_conversation: false,
            home_visit: false,
        }
    }

    /// The actions, in the order the rule files run, with their due dates.
    pub fn actions(&self) -> Vec<(&'static str, Option<Date>)> {
        let mut actions = Vec::new();
        if let Some(due) = self.network_council {
            actions.push(("network_council", Some(due)));
        }
        if let Some(due) = self.concern_conversation {
            actions.push(("concern_conversation", Some(due)));
        }
        if self.exit_conversation {
            actions.push(("exit_conversation", None));
        }
        if self.home_visit {
            actions.push(("home_visit", None));
        }
        actions
    }
}

/// One offence of the person being decided: a police case (or a caseless event),
/// dated by its earliest usable event.
#[derive(Debug, Clone, Copy)]
struct Offence<'a> {
    date: Date,
    categories: CategorySet,
    serious: bool,
    case: Option<&'a str>,
}

/// Per-thread buffers, reused from person to person.
#[derive(Default)]
pub struct Scratch<'a> {
    offences: Vec<Offence<'a>>,
    /// Case id → index in `offences`, used once a person has many offences, so a
    /// person with thousands of cases stays linear.
    by_case: HashMap<&'a str, u32>,
}

/// Up to this many offences, a case is looked up by scanning them.
const SCAN: usize = 16;

impl Policy {
    /// Decides person `index` of `batch` (letter ranks are set by [`rank_letters`]).
    pub fn decide<'a>(&self, batch: &'a Batch, index: usize, s: &mut Scratch<'a>) -> Decision {
        let p = &batch.persons[index];
        // Born after the as-of date: out of scope before any rule runs.
        let Some(age) = time::age_on(p.birth_date, self.as_of) else {
            return Decision::nothing(Status::OutOfScope);
        };
        // scope.rhai
        if !self
            .municipalities
            .iter()
            .any(|m| m == p.municipality.as_str())
        {
            return Decision::nothing(Status::OutOfScope);
        }

        // Usable events: inside retention, not after the as-of date. The batch
        // sorts each person's events by date, so they are one sub-slice.
        let events = &batch.events[batch.event_range(index)];
        let first = events.partition_point(|e| e.date < self.horizon);
        let end = events.partition_point(|e| e.date <= self.as_of);
        let usable = &events[first..end.max(first)];

        s.offences.clear();
        s.by_case.clear();
        let mut mapped = false;
        let (mut worrying, mut release) = (false, false);
        let (mut nc_latest, mut cc_latest) = (None, None);
        let mut custody = false;
        for e in usable {
            match e.kind {
                EventKind::Suspicion | EventKind::Charge | EventKind::Conviction => {
                    let Some(code) = e.offence.map(|o| self.codes[usize::from(o)]) else {
                        continue;
                    };
                    // network_council.rhai judges each suspicion or charge by its own code.
                    if e.kind != EventKind::Conviction
                        && e.date >= self.nc_since
                        && (code.serious || code.listed)
                    {
                        nc_latest = Some(e.date);
                    }
                    if !code.offence {
                        continue;
                    }
                    let case = batch.case_id(e);
                    let found = match case {
                        None => None,
                        Some(c) if !mapped && s.offences.len() <= SCAN => {
                            s.offences.iter().position(|o| o.case == Some(c))
                        }
                        Some(c) => {
                            if !mapped {
                                for (i, o) in s.offences.iter().enumerate() {
                                    if let Some(k) = o.case {
                                        s.by_case.entry(k).or_insert(i as u32);
                                    }
                                }
                                mapped = true;
                            }
                            s.by_case.get(c).map(|&i| i as usize)
                        }
                    };
                    match found {
                        // Events come in date order: the first one dated the offence.
                        Some(i) => {
                            let o = &mut s.offences[i];
                            o.categories.insert(code.category);
                            o.serious |= code.serious;
                        }
                        None => {
                            if mapped && let Some(c) = case {
                                s.by_case.insert(c, s.offences.len() as u32);
                            }
                            s.offences.push(Offence {
                                date: e.date,
                                categories: [code.category].into_iter().collect(),
                                serious: code.serious,
                                case,
                            });
                        }
                    }
                }
                EventKind::Observation | EventKind::Concern => {
                    let Some(tag) = batch.tag(e).map(ImmutableString::as_str) else {
                        continue;
                    };
                    if e.date >= self.level1_since && self.level1_tags.iter().any(|t| t == tag) {
                        worrying = true;
                    }
                    if e.kind == EventKind::Observation
                        && e.date >= self.cc_since
                        && self.cc_tags.iter().any(|t| t == tag)
                    {
                        cc_latest = Some(e.date);
                    }
                }
                EventKind::Custody => custody |= e.date >= self.exit_custody_since,
                EventKind::Release => release |= e.date >= self.level2_release_since,
                EventKind::Victim => {}
            }
        }

        // Counts per window, in one pass over the date-ordered offences.
        let (mut n_level2, mut n_level1, mut n_yb) = (0, 0, 0);
        let (mut n_letter, mut n_weight) = (0, 0);
        let (mut qualified, mut level2_kind, mut level1_kind) = (false, false, false);
        for o in &s.offences {
            n_level2 += usize::from(o.date >= self.level2_since);
            n_level1 += usize::from(o.date >= self.level1_since);
            n_yb += usize::from(o.date >= self.yb_since);
            n_letter += usize::from(o.date >= self.cl_offences_since);
            n_weight += usize::from(o.date >= self.cl_weight_since);
            qualified |=
                o.date >= self.level3_since && o.categories.intersects(self.level3_categories);
            level2_kind |=
                o.date >= self.level2_since && o.categories.intersects(self.level2_categories);
            level1_kind |=
                o.date >= self.level1_since && o.categories.intersects(self.level1_categories);
        }

        let gang = p.gang_affiliation;
        let level = if self.level3_gangs[gang as usize] || qualified {
            3
        } else if n_level2 >= self.level2_min_offences || level2_kind || release {
            2
        } else if worrying || level1_kind || self.level1_gangs[gang as usize] || n_level1 == 1 {
            1
        } else {
            0
        };

        // youth_board.rhai
        let mut youth_board = None;
        if age <= self.yb_max_age {
            let risk = n_yb >= self.yb_risk_min_offences
                || p.risk_factors.len() >= self.yb_risk_min_risk_factors;
            let (mut latest_age, mut listed) = (None, false);
            let recent = s.offences.partition_point(|o| o.date < self.yb_since);
            for o in &s.offences[recent..] {
                let is_listed = o.categories.intersects(self.yb_listed);
                if !(is_listed || (risk && o.serious)) {
                    continue;
                }
                let at = time::age_on(p.birth_date, o.date).unwrap_or(0);
                if at >= self.yb_min_offence_age {
                    latest_age = Some(at);
                    listed |= is_listed;
                }
            }
            if let Some(at) = latest_age {
                let route = if at <= self.yb_secretariat_max_age {
                    "secretariat"
                } else {
                    "prosecution"
                };
                let limb = if listed {
                    "listed"
                } else {
                    "serious_with_risk"
                };
                youth_board = Some((route, limb));
            }
        }

        // concern_letter.rhai
        let lately = p
            .last_letter_date
            .is_some_and(|d| d <= self.as_of && d >= self.cl_last_letter_since);
        let letter = (gang != GangAffiliation::None
            && n_letter > 0
            && !p.in_custody
            && !p.exit_program
            && !lately)
            .then(|| {
                let motivated = p
                    .protective_factors
                    .iter()
                    .any(|f| f.as_str() == "motivated_for_change");
                Letter {
                    guardians: age < self.cl_guardians_under_age,
                    priority: self.cl_weights[gang as usize]
                        + n_weight as i64
                        + p.risk_factors.len() as i64
                        - p.protective_factors.len() as i64
                        + if motivated {
                            self.cl_motivated_bonus
                        } else {
                            0
                        },
                    rank: 0,
                    in_batch: false,
                }
            });

        Decision {
            status: Status::Proposed,
            level,
            youth_board,
            letter,
            // network_council.rhai, concern_conversation.rhai: the latest event's date + due days.
            network_council: nc_latest
                .filter(|_| age < self.nc_under_age)
                .map(|d| time::add_days(d, self.nc_due_days)),
            concern_conversation: cc_latest
                .filter(|_| age < self.cc_under_age)
                .map(|d| time::add_days(d, self.cc_due_days)),
            // exit_conversation.rhai: two reasons, one action with no due date.
            exit_conversation: gang != GangAffiliation::None && (p.in_custody || custody),
            // home_visit.rhai
            home_visit: self.hv_enabled
                && age == self.hv_age
                && p.sex.map_or("", |s| s.as_str()) == self.hv_sex
                && self
                    .hv_districts
                    .iter()
                    .any(|d| p.district.as_ref().map_or("", |x| x.as_str()) == d),
        }
    }

    /// Decides every person on this thread, letters ranked.
    pub fn decide_all(&self, batch: &Batch) -> Vec<Decision> {
        let mut scratch = Scratch::default();
        let mut decisions: Vec<Decision> = (0..batch.persons.len())
            .map(|i| self.decide(batch, i, &mut scratch))
            .collect();
        rank_letters(batch, &mut decisions, self.cl_batch_size);
        decisions
    }

    /// Decides every person on the current rayon pool, letters ranked; the same
    /// result as [`Policy::decide_all`].
    pub fn decide_all_parallel(&self, batch: &Batch) -> Vec<Decision> {
        use rayon::prelude::*;
        let mut decisions: Vec<Decision> = (0..batch.persons.len())
            .into_par_iter()
            .map_init(Scratch::default, |scratch, i| {
                self.decide(batch, i, scratch)
            })
            .collect();
        rank_letters(batch, &mut decisions, self.cl_batch_size);
        decisions
    }
}

/// Ranks letters by priority (highest first; ties by person_id) and marks the
/// first `batch_size` as this meeting's.
pub fn rank_letters(batch: &Batch, decisions: &mut [Decision], batch_size: usize) {
    let mut order: Vec<(i64, &str, usize)> = decisions
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.letter
                .map(|l| (l.priority, batch.persons[i].id.as_str(), i))
        })
        .collect();
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    for (rank, &(_, _, i)) in order.iter().enumerate() {
        if let Some(letter) = decisions[i].letter.as_mut() {
            letter.rank = rank + 1;
            letter.in_batch = rank < batch_size;
        }
    }
}

/// The floor's screening of `batch` with the numbers of `rules`.
pub fn screen(rules: &RuleSet, batch: &Batch, as_of: Date) -> Vec<Decision> {
    Policy::new(rules, as_of).decide_all(batch)
}

/// Every person on whom a report and the floor differ, one line each, naming
/// the person and the field: empty when they agree.
pub fn differences(batch: &Batch, report: &Report, floor: &[Decision]) -> Vec<String> {
    let mut out = Vec::new();
    if report.outcomes.len() != floor.len() {
        out.push(format!(
            "{} outcomes in the report, {} decisions of the floor",
            report.outcomes.len(),
            floor.len()
        ));
    }
    for ((person, outcome), want) in batch.persons.iter().zip(&report.outcomes).zip(floor) {
        let id = person.id.as_str();
        let mut say = |field: &str, pack: String, floor: String| {
            out.push(format!("{id}: {field}: pack {pack}, floor {floor}"));
        };
        if outcome.person_id != person.id {
            say("person_id", outcome.person_id.to_string(), id.to_string());
            continue;
        }
        if outcome.status != want.status {
            let error = outcome.error.clone().unwrap_or_default();
            say(
                "status",
                format!("{:?} {error}", outcome.status),
                format!("{:?}", want.status),
            );
        }
        if outcome.level != want.level {
            say("level", outcome.level.to_string(), want.level.to_string());
        }
        let board = outcome
            .youth_board
            .as_ref()
            .map(|b| (b.route.to_string(), b.limb.to_string()));
        let want_board = want
            .youth_board
            .map(|(r, l)| (r.to_string(), l.to_string()));
        if board != want_board {
            say(
                "youth_board",
                format!("{board:?}"),
                format!("{want_board:?}"),
            );
        }
        let letter = outcome.concern_letter.as_ref().map(|l| {
            let r: Vec<&str> = l.recipients.iter().map(|r| r.as_str()).collect();
            (r.join("+"), l.priority, l.rank, l.in_batch)
        });
        let want_letter = want.letter.map(|l| {
            let r = if l.guardians {
                "person+guardians"
            } else {
                "person"
            };
            (r.to_string(), l.priority as f64, l.rank, l.in_batch)
        });
        if letter != want_letter {
            say(
                "concern_letter (recipients, priority, rank, in_batch)",
                format!("{letter:?}"),
                format!("{want_letter:?}"),
            );
        }
        let actions: Vec<(String, Option<Date>)> = outcome
            .actions
            .iter()
            .map(|a| (a.kind.to_string(), a.due))
            .collect();
        let want_actions: Vec<(String, Option<Date>)> = want
            .actions()
            .into_iter()
            .map(|(k, d)| (k.to_string(), d))
            .collect();
        if actions != want_actions {
            say(
                "actions",
                format!("{actions:?}"),
                format!("{want_actions:?}"),
            );
        }
        for action in &outcome.actions {
            if action.overdue != action.due.is_some_and(|d| report.run.as_of > d) {
                say(
                    "overdue",
                    format!("{} {}", action.kind, action.overdue),
                    "as-of date after due".into(),
                );
            }
        }
    }
    out
}

/// A deterministic synthetic batch (persons.csv, events.csv) for the
/// consistency test, made in memory so a debug build screens it in seconds.
/// Unlike `examples/generate.rs` (realistic proportions, for the benches), it
/// crowds dates onto the policy's edges (every window's first day, retention,
/// the as-of date, birthdays) and mixes codes inside cases, where a second
/// implementation is most likely to disagree.
pub mod synthetic {
    use std::fmt::Write;

    use tryg::time::{self, Date};

    /// SplitMix64: tiny, deterministic, good enough to spread cases.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn range(&mut self, lo: i64, hi: i64) -> i64 {
            lo + self.below((hi - lo + 1) as u64) as i64
        }
        fn chance(&mut self, one_in: u64) -> bool {
            self.below(one_in) == 0
        }
        fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
            options[self.below(options.len() as u64) as usize]
        }
    }

    const CODES: [&str; 21] = [
        "73111", "73112", "73131", "73241", "73251", "76319", "84110", "84111", "61600", "61615",
        "90001", "90002", "90003", "90004", "90005", "90006", "90007", "90008", "90009", "90010",
        "90011",
    ];
    const TAGS: [&str; 6] = [
        "gang_contact",
        "street_life",
        "drug_experiment",
        "vulnerable_group",
        "school_absence",
        "unrest",
    ];
    const RISKS: [&str; 5] = [
        "school_absence",
        "family_conflict",
        "substance_use",
        "frequent_school_changes",
        "criminal_peers",
    ];
    const PROTECTIVE: [&str; 5] = [
        "school_engaged",
        "leisure_activity",
        "job",
        "supportive_family",
        "motivated_for_change",
    ];

    fn ymd(d: Date) -> String {
        d.format("%Y-%m-%d").to_string()
    }

    /// A date near one of the policy's edges, or anywhere in the last seven years.
    fn date(rng: &mut Rng, as_of: Date) -> Date {
        let edge = match rng.below(12) {
            0 => as_of,
            1 => time::days_before(as_of, 30),
            2 => time::days_before(as_of, 7),
            3 | 4 => time::months_before(as_of, 12),
            5 => time::months_before(as_of, 24),
            6 => time::months_before(as_of, 60),
            _ => time::days_before(as_of, rng.below(7 * 365) as u32),
        };
        time::add_days(edge, rng.range(-3, 3))
    }

    /// A subset of `pool`, `;`-joined.
    fn subset(rng: &mut Rng, pool: &[&str]) -> String {
        let n = [0, 0, 1, 1, 2, 3, 5][rng.below(7) as usize];
        let mut order: Vec<&str> = pool.to_vec();
        for i in 0..n {
            let j = i + rng.below((pool.len() - i) as u64) as usize;
            order.swap(i, j);
        }
        order[..n].join(";")
    }

    /// `persons` persons and their events, as of `as_of`.
    pub fn batch(persons: usize, seed: u64, as_of: Date) -> (String, String) {
        let mut rng = Rng(seed);
        let mut p_csv = String::from(
            "person_id,birth_date,sex,municipality,district,address_known,gang_affiliation,in_custody,exit_program,last_letter_date,risk_factors,protective_factors\n",
        );
        let mut e_csv = String::from("event_id,person_id,date,kind,offence_code,case_id,tag\n");
        let mut event_no = 0u64;
        for n in 1..=persons {
            // Ages 5-30, some on a birthday near the as-of date or a window edge.
            let years = rng.range(5, 30) as u32;
            let birthday = time::add_months(as_of, -12 * i64::from(years));
            let birth = if rng.chance(400) {
                time::add_days(as_of, rng.range(1, 30)) // born after the as-of date
            } else if rng.chance(6) {
                time::add_days(birthday, rng.range(-2, 2))
            } else {
                time::add_days(birthday, -rng.range(0, 364))
            };
            let gang = rng.pick(&[
                "",
                "none",
                "none",
                "none",
                "none",
                "none",
                "peripheral",
                "bubbler",
                "core",
            ]);
            let affiliated = !matches!(gang, "" | "none");
            let letter = if rng.chance(if affiliated { 3 } else { 30 }) {
                let edge = match rng.below(4) {
                    0 => time::months_before(as_of, 12),
                    1 => as_of,
                    _ => time::days_before(as_of, rng.below(1500) as u32),
                };
                ymd(time::add_days(edge, rng.range(-3, 3)))
            } else {
                String::new()
            };
            let _ = writeln!(
                p_csv,
                "P{n:06},{},{},{},{},{},{gang},{},{},{letter},{},{}",
                ymd(birth),
                rng.pick(&["M", "M", "F", "X", ""]),
                rng.pick(&[
                    "København",
                    "København",
                    "København",
                    "København",
                    "København",
                    "København",
                    "Albertslund",
                    "Frederiksberg",
                ]),
                rng.pick(&["Indre Nørrebro", "Indre Nørrebro", "Valby", ""]),
                rng.pick(&["", "true", "false"]),
                if rng.chance(if affiliated { 6 } else { 60 }) {
                    "true"
                } else {
                    rng.pick(&["", "false"])
                },
                if rng.chance(if affiliated { 8 } else { 100 }) {
                    "yes"
                } else {
                    ""
                },
                subset(&mut rng, &RISKS),
                subset(&mut rng, &PROTECTIVE),
            );

            // Events: none for a fifth, a long tail up to 60.
            let count = match rng.below(20) {
                0..=3 => 0,
                4..=17 => rng.range(1, 10),
                _ => rng.range(11, 60),
            };
            let cases = rng.range(1, 4);
            for _ in 0..count {
                let mut when = date(&mut rng, as_of);
                if rng.chance(60) {
                    when = time::add_days(as_of, rng.range(1, 40)); // not yet usable
                }
                if when < birth {
                    when = time::add_days(
                        birth,
                        rng.range(0, 3) + (as_of - birth).num_days().max(0) / 2,
                    );
                }
                let kind = rng.pick(&[
                    "suspicion",
                    "suspicion",
                    "suspicion",
                    "charge",
                    "charge",
                    "conviction",
                    "victim",
                    "observation",
                    "observation",
                    "concern",
                    "custody",
                    "release",
                ]);
                let offending = matches!(kind, "suspicion" | "charge" | "conviction" | "victim");
                let code = if offending {
                    CODES[rng.below(CODES.len() as u64) as usize]
                } else {
                    ""
                };
                // Cases shared inside a person (one offence), now and then across persons.
                let case = match rng.below(10) {
                    0..=4 if offending || kind == "custody" => {
                        format!("C{n:06}-{}", rng.range(1, cases))
                    }
                    5 if offending => format!("C{:03}", rng.below(50)),
                    _ => String::new(),
                };
                let tag = if matches!(kind, "observation" | "concern") && !rng.chance(8) {
                    TAGS[rng.below(TAGS.len() as u64) as usize]
                } else {
                    ""
                };
                event_no += 1;
                let _ = writeln!(
                    e_csv,
                    "E{event_no:08},P{n:06},{},{kind},{code},{case},{tag}",
                    ymd(when)
                );
            }
        }
        (p_csv, e_csv)
    }
}

// `cargo clippy --all-targets` also checks the bench that includes this file with
// cfg(test) but without its #[test] functions, where these imports go unused.
#[cfg(test)]
#[allow(unused_imports)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use tryg::load::{Batch, InputFile};
    use tryg::outcome::Status;
    use tryg::ruleset::{RulePack, RuleSet};
    use tryg::time::{self, Date};

    use super::{Policy, differences, synthetic};

    fn as_of() -> Date {
        time::parse_date("2026-11-23").unwrap()
    }

    fn built_in() -> RuleSet {
        RuleSet::load(RulePack::built_in()).expect("the built-in pack loads")
    }

    fn load(rules: &RuleSet, persons: Vec<u8>, events: Vec<u8>) -> Arc<Batch> {
        let file = |name: &str, bytes| InputFile {
            name: name.into(),
            bytes,
        };
        let batch = Batch::load(
            &file("persons.csv", persons),
            &file("events.csv", events),
            &rules.config,
            &rules.catalogue,
        )
        .unwrap_or_else(|problems| panic!("the batch loads:\n{problems}"));
        Arc::new(batch)
    }

    fn load_dir(rules: &RuleSet, dir: &Path) -> Arc<Batch> {
        let read = |name: &str| std::fs::read(dir.join(name)).expect("readable");
        load(rules, read("persons.csv"), read("events.csv"))
    }

    /// Screens `batch` with the pack and with the floor; panics listing every
    /// person they differ on.
    fn agree(what: &str, rules: &RuleSet, batch: &Arc<Batch>) -> tryg::outcome::Report {
        let report = tryg::screen::screen_shared(rules, Arc::clone(batch), as_of());
        let floor = super::screen(rules, batch, as_of());
        let diffs = differences(batch, &report, &floor);
        assert!(
            diffs.is_empty(),
            "{what}: the floor and the rule pack differ on {} point(s):\n{}",
            diffs.len(),
            diffs.join("\n")
        );
        report
    }

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn floor_agrees_with_the_pack_on_the_sample_batch() {
        let rules = built_in();
        let batch = load_dir(&rules, &root().join("fixtures"));
        agree("fixtures/", &rules, &batch);
    }

    #[test]
    fn floor_agrees_with_the_pack_on_other_municipalities() {
        let mut rules = built_in();
        rules.set_municipalities(vec!["Albertslund".into(), "Frederiksberg".into()]);
        let (persons, events) = synthetic::batch(2_000, 7, as_of());
        let batch = load(&rules, persons.into_bytes(), events.into_bytes());
        agree("--municipality Albertslund Frederiksberg", &rules, &batch);
    }

    #[test]
    fn floor_agrees_with_the_pack_on_every_rule_fixture() {
        let rules = built_in();
        let mut dirs: Vec<_> = std::fs::read_dir(root().join("fixtures/rules"))
            .expect("fixtures/rules")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.join("persons.csv").is_file())
            .collect();
        dirs.sort();
        assert!(dirs.len() >= 10, "one fixture folder per rule");
        for dir in dirs {
            let batch = load_dir(&rules, &dir);
            agree(&dir.display().to_string(), &rules, &batch);
        }
    }

    #[test]
    fn floor_agrees_with_the_pack_on_10000_synthetic_persons() {
        let rules = built_in();
        let (persons, events) = synthetic::batch(10_000, 1, as_of());
        let batch = load(&rules, persons.into_bytes(), events.into_bytes());
        let report = agree("synthetic 10,000", &rules, &batch);

        // The batch reaches every kind of outcome, so agreeing means something.
        let o = &report.outcomes;
        let has = |what: &str, f: &dyn Fn(&tryg::outcome::Outcome) -> bool| {
            assert!(o.iter().any(f), "the synthetic batch has no {what}");
        };
        has("out_of_scope", &|x| x.status == Status::OutOfScope);
        for level in 0..=3 {
            has(&format!("level {level}"), &|x| {
                x.status == Status::Proposed && x.level == level
            });
        }
        for route in ["secretariat", "prosecution"] {
            for limb in ["listed", "serious_with_risk"] {
                has(&format!("youth board {route} {limb}"), &|x| {
                    x.youth_board
                        .as_ref()
                        .is_some_and(|b| b.route.as_str() == route && b.limb.as_str() == limb)
                });
            }
        }
        for guardians in [false, true] {
            has(&format!("letter with guardians = {guardians}"), &|x| {
                x.concern_letter
                    .as_ref()
                    .is_some_and(|l| (l.recipients.len() == 2) == guardians)
            });
        }
        has("letter outside this meeting's batch", &|x| {
            x.concern_letter.as_ref().is_some_and(|l| !l.in_batch)
        });
        for kind in [
            "network_council",
            "concern_conversation",
            "exit_conversation",
        ] {
            has(kind, &|x| x.actions.iter().any(|a| a.kind == kind));
        }
    }

    #[test]
    fn floor_is_the_same_on_every_thread_count() {
        let rules = built_in();
        let (persons, events) = synthetic::batch(3_000, 3, as_of());
        let batch = load(&rules, persons.into_bytes(), events.into_bytes());
        let policy = Policy::new(&rules, as_of());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let parallel = pool.install(|| policy.decide_all_parallel(&batch));
        assert_eq!(policy.decide_all(&batch), parallel);
    }
}
