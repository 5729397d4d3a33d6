//! `tryg diff`: what a rule change does to a real batch, and to whom.
//!
//! The batch is screened with the old and the new rule pack. The result is
//! counts per level before and after (a transition matrix over every level
//! either pack's scheme names, up to 9), proposals gained and lost, who the
//! changes fall on (by forum, sex, municipality and district, against the
//! batch's own make-up), and one line per changed person with the fields
//! that changed and the rules whose reasons changed.
//!
//! A person "changed" when their status, level, youth-board candidacy (route,
//! limb), concern letter (proposed, priority, in this meeting's batch),
//! actions (kind, due date), error, or reasons differ. Reasons are matched by
//! rule file and proposal kind (`level2_crime` proposing `level 2`), not by
//! line, so an edit that only moves lines changes no reason; a reason added
//! or removed behind the same decision is a change. A letter's rank alone
//! moving, because someone else changed, is not a change of that person.
//!
//! "Who it hits" flags a group as over-represented when its share of the
//! changed persons is at least twice its share of the batch and at least two
//! changed persons are in it ([`OVER_REPRESENTED`]): a signal for the people
//! deciding to look, never a verdict.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::load::Batch;
use crate::outcome::{Outcome, Report, Status};
use crate::proposal::Proposal;

/// The rule by which a group is marked over-represented, in the words the
/// output and docs/RULES.md use.
pub const OVER_REPRESENTED: &str = "a group is over-represented when its share of the changed persons is at least twice its share of the batch, with at least 2 changed persons in it";

/// The row and column names of the transition matrix, in order: levels 0 to
/// `max_level`, then `out_of_scope` and `error`.
pub fn states(max_level: u8) -> Vec<String> {
    (0..=max_level)
        .map(|l| l.to_string())
        .chain(["out_of_scope".to_string(), "error".to_string()])
        .collect()
}

/// One person whose outcome differs between the two packs.
#[derive(Debug, Clone, Serialize)]
pub struct PersonChange {
    /// The person's `person_id`.
    pub person_id: String,
    /// One entry per field that changed: (field, before, after), the field one
    /// of `status`, `level`, `youth_board`, `concern_letter`, `actions`,
    /// `error`, `reasons`; `none` for no proposal or action, an empty string
    /// for no error. For `reasons`: the reasons only the old outcome gave,
    /// and those only the new one gives, each `rule (kind)`, `, `-separated.
    pub changes: Vec<(String, String, String)>,
    /// Where reasons appeared or disappeared, as `rule:line`, each once: old
    /// ones first, then new ones.
    pub rules: Vec<String>,
    /// Proposals only the new outcome holds, in words: `level 3`,
    /// `youth_board secretariat (listed)`, `concern_letter (this meeting)`,
    /// `action network_council`. A letter moving in or out of this meeting's
    /// batch is one gained and one lost.
    pub gained: Vec<String>,
    /// Proposals only the old outcome held, in the same words.
    pub lost: Vec<String>,
}

/// One group of persons (an age band, a sex, a municipality or a district).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// `forum` (under the new pack), `sex`, `municipality` or `district`.
    pub dimension: &'static str,
    /// The forum, sex token, or place name; `not given` for an empty cell.
    pub value: String,
    /// Persons of the batch in the group.
    pub in_batch: usize,
    /// Of those, persons whose outcome changed.
    pub changed: usize,
    /// Of those, persons who gained at least one proposal.
    pub gained: usize,
    /// Of those, persons who lost at least one proposal.
    pub lost: usize,
    /// Its share of the changed persons is at least twice its share of the
    /// batch, with at least 2 changed persons in it.
    pub over_represented: bool,
}

/// What a rule change does to one batch: `tryg diff`'s whole result.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The as-of date both screenings used, `YYYY-MM-DD`.
    pub as_of: String,
    /// The old pack's digest: SHA-256, 64 lower-case hex digits.
    pub old_ruleset_digest: String,
    /// The new pack's digest, in the same form.
    pub new_ruleset_digest: String,
    /// What differs between the two packs: tryg.toml settings (`key: old →
    /// new`) and files added, removed or edited. Filled by the caller.
    pub pack_changes: Vec<String>,
    /// Persons in the batch.
    pub persons: usize,
    /// The rows and columns of `matrix`: `0` … the highest level either pack
    /// names, `out_of_scope`, `error`.
    pub states: Vec<String>,
    /// `matrix[before][after]` = persons, over `states`.
    pub matrix: Vec<Vec<usize>>,
    /// The rule by which groups are marked over-represented ([`OVER_REPRESENTED`]).
    pub over_represented_rule: &'static str,
    /// Per proposal kind: (kind, gained, lost).
    pub proposals: Vec<(String, usize, usize)>,
    /// Every group of every dimension, by dimension then value.
    pub groups: Vec<Group>,
    /// Every person whose outcome changed, in input order.
    pub changed: Vec<PersonChange>,
}

fn state(o: &Outcome, max_level: u8) -> usize {
    let top = usize::from(max_level);
    match o.status {
        Status::OutOfScope => top + 1,
        Status::Error => top + 2,
        Status::Proposed => usize::from(o.level).min(top),
    }
}

/// An outcome's reasons as diff matches them: (rule, proposal kind), with
/// how many times each, and a `rule:line` to cite for each.
fn reason_keys(o: &Outcome) -> BTreeMap<(String, String), (usize, String)> {
    let mut keys: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    for r in &o.explanation {
        let entry = keys
            .entry((r.rule.to_string(), r.proposal.kind()))
            .or_insert((0, format!("{}:{}", r.rule, r.line)));
        entry.0 += 1;
    }
    keys
}

/// The reasons only `a` gives (counted: two of a kind against one is one
/// more), as `rule (kind)`, with their `rule:line`.
fn reasons_only_in(
    a: &BTreeMap<(String, String), (usize, String)>,
    b: &BTreeMap<(String, String), (usize, String)>,
) -> Vec<(String, String)> {
    a.iter()
        .filter(|(key, (n, _))| b.get(*key).map_or(0, |(m, _)| *m) < *n)
        .map(|((rule, kind), (_, cite))| (format!("{rule} ({kind})"), cite.clone()))
        .collect()
}

/// One proposal of an outcome, as diff compares them: its kind (counted in
/// gains and losses) and its words (what a reader sees).
#[derive(Debug, Clone, PartialEq)]
struct Held {
    kind: String,
    words: String,
}

/// The proposals an outcome holds.
fn proposals(o: &Outcome) -> Vec<Held> {
    let mut p = Vec::new();
    let mut hold = |kind: String, words: String| p.push(Held { kind, words });
    if o.status == Status::Proposed && o.level > 0 {
        let level = Proposal::Level(o.level);
        hold(level.kind(), level.to_string());
    }
    if let Some(b) = &o.youth_board {
        hold(
            "youth_board".into(),
            format!("youth_board {} ({})", b.route, b.limb),
        );
    }
    if let Some(l) = &o.concern_letter {
        let when = if l.in_batch {
            "this meeting"
        } else {
            "deferred"
        };
        // Tallied apart: a letter moved from a later meeting into this one is
        // one gained for this meeting and one lost for later, not a letter
        // gained and lost.
        let words = format!("concern_letter ({when})");
        hold(words.clone(), words);
    }
    for a in &o.actions {
        let action = Proposal::Action {
            kind: a.kind.clone(),
            due: None,
        };
        hold(action.kind(), action.to_string());
    }
    p
}

/// Field-level differences between two outcomes of one person.
fn changes(before: &Outcome, after: &Outcome) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut field = |name: &str, a: String, b: String| {
        if a != b {
            out.push((name.to_string(), a, b));
        }
    };
    field(
        "status",
        before.status.as_str().into(),
        after.status.as_str().into(),
    );
    field(
        "level",
        format!("{} {}", before.level, before.level_name),
        format!("{} {}", after.level, after.level_name),
    );
    let board = |o: &Outcome| {
        o.youth_board
            .as_ref()
            .map_or("none".to_string(), |b| format!("{} ({})", b.route, b.limb))
    };
    field("youth_board", board(before), board(after));
    let letter = |o: &Outcome| {
        o.concern_letter.as_ref().map_or("none".to_string(), |l| {
            format!(
                "priority {}, {}",
                crate::proposal::Number(l.priority),
                if l.in_batch {
                    "this meeting"
                } else {
                    "deferred"
                }
            )
        })
    };
    field("concern_letter", letter(before), letter(after));
    let actions = |o: &Outcome| {
        let list: Vec<String> = o
            .actions
            .iter()
            .map(|a| match a.due {
                Some(d) => format!("{} due {d}", a.kind),
                None => a.kind.to_string(),
            })
            .collect();
        if list.is_empty() {
            "none".into()
        } else {
            list.join(", ")
        }
    };
    field("actions", actions(before), actions(after));
    field(
        "error",
        before.error.clone().unwrap_or_default(),
        after.error.clone().unwrap_or_default(),
    );
    out
}

/// Compares two screenings of the same batch (`batch` gives the persons'
/// sex, municipality and district; the new outcome their forum), with levels
/// up to `max_level` (the highest either pack's scheme names).
pub fn diff(batch: &Batch, old: &Report, new: &Report, max_level: u8) -> Diff {
    let states = states(max_level);
    let mut matrix = vec![vec![0; states.len()]; states.len()];
    let mut kinds: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut changed = Vec::new();
    let mut hit: Vec<Option<(bool, bool)>> = vec![None; old.outcomes.len()];

    for (i, (before, after)) in old.outcomes.iter().zip(&new.outcomes).enumerate() {
        matrix[state(before, max_level)][state(after, max_level)] += 1;
        let mut fields = changes(before, after);
        let (kb, ka) = (reason_keys(before), reason_keys(after));
        let (went, came) = (reasons_only_in(&kb, &ka), reasons_only_in(&ka, &kb));
        if !went.is_empty() || !came.is_empty() {
            let words = |list: &[(String, String)]| {
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.iter()
                        .map(|(w, _)| w.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            fields.push(("reasons".into(), words(&went), words(&came)));
        }
        if fields.is_empty() {
            continue;
        }
        let (was, now) = (proposals(before), proposals(after));
        let gained: Vec<&Held> = now.iter().filter(|p| !was.contains(p)).collect();
        let lost: Vec<&Held> = was.iter().filter(|p| !now.contains(p)).collect();
        for g in &gained {
            kinds.entry(g.kind.clone()).or_default().0 += 1;
        }
        for l in &lost {
            kinds.entry(l.kind.clone()).or_default().1 += 1;
        }
        let (gained, lost): (Vec<String>, Vec<String>) = (
            gained.iter().map(|h| h.words.clone()).collect(),
            lost.iter().map(|h| h.words.clone()).collect(),
        );
        let mut rules: Vec<String> = Vec::new();
        for (_, cite) in went.iter().chain(&came) {
            if !rules.contains(cite) {
                rules.push(cite.clone());
            }
        }
        hit[i] = Some((!gained.is_empty(), !lost.is_empty()));
        changed.push(PersonChange {
            person_id: after.person_id.to_string(),
            changes: fields,
            rules,
            gained,
            lost,
        });
    }

    Diff {
        as_of: new.run.as_of.to_string(),
        old_ruleset_digest: old.run.ruleset_digest.clone(),
        new_ruleset_digest: new.run.ruleset_digest.clone(),
        pack_changes: Vec::new(),
        persons: new.outcomes.len(),
        states,
        matrix,
        over_represented_rule: OVER_REPRESENTED,
        proposals: kinds.into_iter().map(|(k, (g, l))| (k, g, l)).collect(),
        groups: groups(batch, new, &hit, changed.len()),
        changed,
    }
}

fn groups(
    batch: &Batch,
    new: &Report,
    hit: &[Option<(bool, bool)>],
    total_changed: usize,
) -> Vec<Group> {
    let mut by: BTreeMap<(&'static str, String), (usize, usize, usize, usize)> = BTreeMap::new();
    for (i, person) in batch.persons.iter().enumerate() {
        let keys = [
            ("forum", new.outcomes[i].forum.to_string()),
            (
                "sex",
                person
                    .sex
                    .map_or("not given".to_string(), |s| s.as_str().to_string()),
            ),
            ("municipality", person.municipality.to_string()),
            (
                "district",
                person
                    .district
                    .as_ref()
                    .map_or("not given".to_string(), |d| d.to_string()),
            ),
        ];
        for key in keys {
            let entry = by.entry(key).or_default();
            entry.0 += 1;
            if let Some((gained, lost)) = hit[i] {
                entry.1 += 1;
                entry.2 += usize::from(gained);
                entry.3 += usize::from(lost);
            }
        }
    }
    let persons = batch.persons.len().max(1);
    by.into_iter()
        .map(
            |((dimension, value), (in_batch, changed, gained, lost))| Group {
                over_represented: changed >= 2
                    && total_changed > 0
                    && changed * persons >= 2 * in_batch * total_changed,
                dimension,
                value,
                in_batch,
                changed,
                gained,
                lost,
            },
        )
        .collect()
}

/// The diff as a policy officer reads it in a terminal.
pub fn render_text(d: &Diff) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rule change {} → {} on {} persons, as of {}",
        &d.old_ruleset_digest[..12.min(d.old_ruleset_digest.len())],
        &d.new_ruleset_digest[..12.min(d.new_ruleset_digest.len())],
        d.persons,
        d.as_of
    );
    if !d.pack_changes.is_empty() {
        let _ = writeln!(out, "what the new pack changes:");
        for c in &d.pack_changes {
            let _ = writeln!(out, "  {c}");
        }
    }
    if d.changed.is_empty() {
        let _ = writeln!(out, "no change: every person's outcome is the same");
        return out;
    }
    let _ = match d.changed.len() {
        1 => writeln!(out, "1 person changes\n"),
        n => writeln!(out, "{n} persons change\n"),
    };

    let _ = writeln!(out, "LEVELS (rows: before, columns: after)");
    let label = d.states.iter().map(|s| s.len()).max().unwrap_or(1);
    let widths: Vec<usize> = d
        .states
        .iter()
        .enumerate()
        .map(|(j, s)| {
            let widest = d
                .matrix
                .iter()
                .map(|row| row[j].to_string().len() + 1)
                .max()
                .unwrap_or(1);
            s.len().max(widest)
        })
        .collect();
    let mut header = format!("{:<label$}", "");
    for (s, w) in d.states.iter().zip(&widths) {
        let _ = write!(header, "  {s:>w$}");
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for (i, row) in d.matrix.iter().enumerate() {
        if row.iter().all(|&n| n == 0) {
            continue;
        }
        let mut line = format!("{:<label$}", d.states[i]);
        for (j, (n, w)) in row.iter().zip(&widths).enumerate() {
            let cell = match (*n, i == j) {
                (0, _) => ".".to_string(),
                (n, true) => n.to_string(),
                (n, false) => format!("{n}*"),
            };
            let _ = write!(line, "  {cell:>w$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out, "(* persons who move)\n");

    let _ = writeln!(out, "PROPOSALS gained / lost");
    for (kind, gained, lost) in &d.proposals {
        let _ = writeln!(out, "  {kind:<32} +{gained} -{lost}");
    }

    let _ = writeln!(
        out,
        "\nWHO THE CHANGE HITS (share of the changed persons vs share of the batch; +gained -lost proposals)"
    );
    let _ = writeln!(out, "  ◀ marks it: {}", d.over_represented_rule);
    let total = d.changed.len().max(1);
    let mut last = "";
    for g in &d.groups {
        if g.dimension != last {
            let _ = writeln!(out, "  {}", g.dimension);
            last = g.dimension;
        }
        let flag = if g.over_represented {
            "  ◀ over-represented"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    {:<24} changed {:>3} ({:>3}%)  batch {:>4} ({:>3}%)  +{} -{}{flag}",
            g.value,
            g.changed,
            percent(g.changed, total),
            g.in_batch,
            percent(g.in_batch, d.persons),
            g.gained,
            g.lost
        );
    }

    let _ = writeln!(out, "\nCHANGED PERSONS");
    for p in &d.changed {
        let fields: Vec<String> = p
            .changes
            .iter()
            .map(|(f, a, b)| match f.as_str() {
                "reasons" => {
                    let mut words = Vec::new();
                    if a != "none" {
                        words.push(format!("no longer {a}"));
                    }
                    if b != "none" {
                        words.push(format!("now {b}"));
                    }
                    format!("reasons {}", words.join(", "))
                }
                _ => format!("{f} {a} → {b}"),
            })
            .collect();
        let _ = writeln!(out, "  {}: {}", p.person_id, fields.join("; "));
        if !p.rules.is_empty() {
            let _ = writeln!(out, "    rules: {}", p.rules.join(", "));
        }
    }
    out
}

/// A whole percentage, rounded half up.
fn percent(part: usize, whole: usize) -> usize {
    (part * 100 + whole.max(1) / 2) / whole.max(1)
}

/// What differs between two rule packs, in words: each tryg.toml setting that
/// changed (`concern_letter.batch_size: 10 → 12`), and each other file added,
/// removed or edited.
pub fn pack_changes(old: &crate::ruleset::RulePack, new: &crate::ruleset::RulePack) -> Vec<String> {
    use crate::ruleset::CONFIG_FILE;
    fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => flatten(&key, t, out),
                other => {
                    out.insert(key, other.to_string());
                }
            }
        }
    }
    let settings = |pack: &crate::ruleset::RulePack| {
        let mut flat = BTreeMap::new();
        if let Ok(table) = toml::from_str::<toml::Table>(pack.file(CONFIG_FILE).unwrap_or("")) {
            flatten("", &table, &mut flat);
        }
        flat
    };
    let (a, b) = (settings(old), settings(new));
    let mut changes = Vec::new();
    for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) if x != y => changes.push(format!("tryg.toml {key}: {x} → {y}")),
            (Some(x), None) => changes.push(format!("tryg.toml {key}: {x} → (removed)")),
            (None, Some(y)) => changes.push(format!("tryg.toml {key}: (new) {y}")),
            _ => {}
        }
    }
    let files = |pack: &crate::ruleset::RulePack| -> BTreeMap<String, String> {
        pack.files
            .iter()
            .filter(|(n, _)| n != CONFIG_FILE)
            .cloned()
            .collect()
    };
    let (fa, fb) = (files(old), files(new));
    for name in fa.keys().chain(fb.keys().filter(|k| !fa.contains_key(*k))) {
        match (fa.get(name), fb.get(name)) {
            (Some(x), Some(y)) if x != y => changes.push(format!("{name}: edited")),
            (Some(_), None) => changes.push(format!("{name}: removed")),
            (None, Some(_)) => changes.push(format!("{name}: added")),
            _ => {}
        }
    }
    changes
}
