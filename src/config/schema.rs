//! tryg.toml's schema: every setting of the default pack with its type and
//! range, which pack version added it, and what was renamed. [`validate`]
//! holds a parsed tryg.toml to it before anything runs, and says in words,
//! at the setting's line and column, what is wrong and how to fix it
//! ("a whole number, like 2; remove the quotes").
//!
//! Three kinds of key are allowed besides the schema's:
//!
//! - `[local]`: policy staff's own settings, any shape, read by their rules
//!   as `cfg.local.…`; never "unknown".
//! - A top-level section that is not a misspelling of one of tryg's (say
//!   `[level2_weapons]` for a rule of one's own): a warning that it belongs
//!   under `[local]`, since a later tryg may add a section of that name.
//! - In a pack written before `pack_version` existed (pack version 1), the
//!   names this wave renamed: read as they were, with a note from `check` on
//!   what to rename (see [`RENAMED`] and docs/RULES.md "Upgrading a pack").
//!
//! A setting added since the pack's version gets its default, which is the
//! built-in pack's value ([`crate::pack::DEFAULT_PACK`]'s tryg.toml), and
//! `check` says what to add. A value that is wrong is reported as an error
//! and replaced by that default too, only so that the rest of the pack can
//! still be checked: a pack with an error never screens.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::OnceLock;

use crate::diagnostic::{Diagnostic, did_you_mean, line_col};
use crate::event::EventKind;
use crate::offence::Category;
use crate::person::GangAffiliation;
use crate::privacy;

/// The pack version this tryg writes (`pack_version` in tryg.toml). A pack
/// without `pack_version` is version 1: written by a tryg from before it.
pub const PACK_VERSION: i64 = 2;

/// The table of tryg.toml that is policy staff's own: anything under it is
/// allowed, and rules read it as `cfg.local.…`.
pub const LOCAL: &str = "local";

/// What a setting's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number from `min` to `max`; `unit` says what it counts
    /// (`months`), for messages.
    Whole {
        /// The lowest value allowed.
        min: i64,
        /// The highest value allowed.
        max: i64,
        /// What the number counts, e.g. `months`, `years of age`.
        unit: &'static str,
    },
    /// `true` or `false`.
    Bool,
    /// Text; one of `choices` when that is not empty.
    Text {
        /// The values allowed; empty: any text.
        choices: &'static [&'static str],
    },
    /// A list of words, each from `of`, of `min` to `max` items.
    Words {
        /// Where the words come from.
        of: Vocab,
        /// The fewest items.
        min: usize,
        /// The most items.
        max: usize,
    },
    /// A table of settings (a `[section]`).
    Table,
    /// `[[forums]]`: a list of tables, each a `name` and a `from_age`.
    Forums,
}

/// Where the words of a [`Kind::Words`] list come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocab {
    /// Offence categories of the data contract (SPEC §1).
    Categories,
    /// Gang affiliations (`core`, `bubbler`, `peripheral`, `none`).
    Affiliations,
    /// Event kinds (`suspicion`, `charge`, …).
    Kinds,
    /// The tags of this pack's `[vocabulary] tags`.
    Tags,
    /// Any token: lower-case letters, digits and `_` (a vocabulary itself).
    Tokens,
    /// Any text (municipalities, districts, column and level names).
    Text,
}

impl Vocab {
    /// The word for one item, in messages: "category", "tag".
    fn what(self) -> &'static str {
        match self {
            Vocab::Categories => "category",
            Vocab::Affiliations => "gang affiliation",
            Vocab::Kinds => "event kind",
            Vocab::Tags => "tag ([vocabulary] tags)",
            Vocab::Tokens => "token",
            Vocab::Text => "text",
        }
    }
}

/// One setting of the default pack.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Its dotted path: `level2.min_offences`.
    pub key: &'static str,
    /// What its value must be.
    pub kind: Kind,
    /// The pack version that added it (1: every pack has it).
    pub since: i64,
    /// Whether a pack may leave it out (then it is absent: `lang`).
    pub optional: bool,
}

const fn s(key: &'static str, kind: Kind) -> Setting {
    Setting {
        key,
        kind,
        since: 1,
        optional: false,
    }
}

const fn added(key: &'static str, kind: Kind, since: i64) -> Setting {
    Setting {
        key,
        kind,
        since,
        optional: false,
    }
}

const fn whole(min: i64, max: i64, unit: &'static str) -> Kind {
    Kind::Whole { min, max, unit }
}

const fn words(of: Vocab) -> Kind {
    Kind::Words {
        of,
        min: 0,
        max: 10_000,
    }
}

const MONTHS: Kind = whole(1, 240, "months");
const DAYS: Kind = whole(0, 3_650, "days");
const AGE: Kind = whole(0, 120, "years of age");
const WEIGHT: Kind = whole(-100, 100, "");
/// A `[limits]` setting: its range is [`super::LIMIT_RANGES`]' (see [`setting`]).
const LIMIT: Kind = whole(0, 0, "");

/// Every setting of the default pack, section by section. `[limits]` has the
/// ranges of [`super::LIMIT_RANGES`] (see [`limit_kind`]).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "pack_version",
        kind: whole(1, PACK_VERSION, ""),
        since: 2,
        optional: false,
    },
    Setting {
        key: "lang",
        kind: Kind::Text {
            choices: &["da", "en"],
        },
        since: 1,
        optional: true,
    },
    s("municipalities", words(Vocab::Text)),
    s("retention_months", MONTHS),
    s("forbidden_columns", words(Vocab::Text)),
    s("rules", Kind::Table),
    s("rules.order", words(Vocab::Text)),
    s("limits", Kind::Table),
    s("limits.max_operations", LIMIT),
    s("limits.max_call_levels", LIMIT),
    s("limits.max_expr_depth", LIMIT),
    s("limits.max_string_size", LIMIT),
    s("limits.max_array_size", LIMIT),
    s("limits.max_map_size", LIMIT),
    added("limits.max_functions", LIMIT, 2),
    s("input", Kind::Table),
    s("input.max_problems_per_file", whole(0, 100_000, "problems")),
    s("vocabulary", Kind::Table),
    s("vocabulary.tags", words(Vocab::Tokens)),
    s("vocabulary.risk_factors", words(Vocab::Tokens)),
    s("vocabulary.protective_factors", words(Vocab::Tokens)),
    s("offences", Kind::Table),
    s("offences.not_offences", words(Vocab::Categories)),
    s("levels", Kind::Table),
    s(
        "levels.names",
        Kind::Words {
            of: Vocab::Text,
            min: 2,
            max: super::MAX_LEVELS,
        },
    ),
    s("forums", Kind::Forums),
    s("level3", Kind::Table),
    s("level3.gang_affiliations", words(Vocab::Affiliations)),
    added("level3.window_months", MONTHS, 2),
    added("level3.categories", words(Vocab::Categories), 2),
    s("level2", Kind::Table),
    s("level2.window_months", MONTHS),
    s("level2.min_offences", whole(1, 1_000, "offences")),
    added("level2.categories", words(Vocab::Categories), 2),
    s("level2.release_window_months", MONTHS),
    s("level1", Kind::Table),
    s("level1.window_months", MONTHS),
    s("level1.tags", words(Vocab::Tags)),
    added("level1.categories", words(Vocab::Categories), 2),
    s("level1.gang_affiliations", words(Vocab::Affiliations)),
    s("youth_board", Kind::Table),
    s("youth_board.max_age", AGE),
    s("youth_board.min_offence_age", AGE),
    s("youth_board.window_months", MONTHS),
    s("youth_board.listed_categories", words(Vocab::Categories)),
    s("youth_board.risk_min_offences", whole(1, 1_000, "offences")),
    s(
        "youth_board.risk_min_risk_factors",
        whole(0, 1_000, "risk factors"),
    ),
    s("youth_board.secretariat_max_age", AGE),
    added("youth_board.referred_months", MONTHS, 2),
    s("concern_letter", Kind::Table),
    s("concern_letter.batch_size", whole(0, 10_000, "letters")),
    s("concern_letter.offence_window_months", MONTHS),
    s("concern_letter.last_letter_months", whole(0, 240, "months")),
    s("concern_letter.guardians_under_age", AGE),
    s("concern_letter.offence_weight_window_months", MONTHS),
    s("concern_letter.motivated_bonus", WEIGHT),
    s("concern_letter.affiliation_weights", Kind::Table),
    s("concern_letter.affiliation_weights.core", WEIGHT),
    s("concern_letter.affiliation_weights.bubbler", WEIGHT),
    s("concern_letter.affiliation_weights.peripheral", WEIGHT),
    s("network_council", Kind::Table),
    s("network_council.under_age", AGE),
    s("network_council.window_days", DAYS),
    s("network_council.due_days", DAYS),
    s("concern_conversation", Kind::Table),
    s("concern_conversation.under_age", AGE),
    s("concern_conversation.window_days", DAYS),
    s("concern_conversation.due_days", DAYS),
    s("concern_conversation.tags", words(Vocab::Tags)),
    s("exit_conversation", Kind::Table),
    s("exit_conversation.custody_window_days", DAYS),
    s("home_visit", Kind::Table),
    s("home_visit.enabled", Kind::Bool),
    s("home_visit.age", AGE),
    s(
        "home_visit.sex",
        Kind::Text {
            choices: &["M", "F", "X"],
        },
    ),
    s("home_visit.districts", words(Vocab::Text)),
    // Optional: a pack without it writes plain CSV (src/config.rs).
    Setting {
        key: "output",
        kind: Kind::Table,
        since: 2,
        optional: true,
    },
    Setting {
        key: "output.excel_csv",
        kind: Kind::Bool,
        since: 2,
        optional: true,
    },
];

/// Settings renamed since an earlier pack version: (old key, new key, the
/// version that renamed it). A pack of an earlier version may use the old
/// name; tryg reads it under both (so the pack's own rules, which read the
/// old name, still work) and `check` says what to rename.
pub const RENAMED: &[(&str, &str, i64)] =
    &[("level3.serious_window_months", "level3.window_months", 2)];

/// Values that were the default of an earlier pack version and are outside
/// what tryg allows now: (key, old default, version that changed it). A pack
/// of an earlier version with exactly that value gets today's default (it
/// is tryg's value, not a policy choice), and `check` says so.
pub const OLD_DEFAULTS: &[(&str, i64, i64)] = &[("limits.max_array_size", 10_000, 2)];

/// The kind of a `[limits]` setting: its range from [`super::LIMIT_RANGES`].
fn limit_kind(key: &str) -> Option<Kind> {
    let name = key.strip_prefix("limits.")?;
    super::LIMIT_RANGES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, lo, hi)| {
            whole(
                i64::try_from(*lo).unwrap_or(i64::MAX),
                i64::try_from(*hi).unwrap_or(i64::MAX),
                "",
            )
        })
}

/// The schema's entry for a dotted key, with `[limits]`' ranges filled in.
pub fn setting(key: &str) -> Option<Setting> {
    SETTINGS.iter().find(|s| s.key == key).map(|s| Setting {
        kind: limit_kind(key).unwrap_or(s.kind),
        ..*s
    })
}

/// Whether `key` (dotted) is one of the schema's settings or sections, or
/// under `[local]`.
pub fn is_known(key: &str) -> bool {
    key == LOCAL || key.starts_with("local.") || setting(key).is_some()
}

/// The built-in pack's tryg.toml, parsed: where defaults come from.
pub fn defaults() -> &'static toml::Table {
    static DEFAULTS: OnceLock<toml::Table> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        crate::pack::DEFAULT_PACK
            .get_file(crate::pack::CONFIG_FILE)
            .and_then(|f| f.contents_utf8())
            .and_then(|text| toml::from_str(text).ok())
            .unwrap_or_default()
    })
}

/// The value at a dotted path of a table.
pub fn lookup<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Value> {
    let mut parts = key.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

fn set(table: &mut toml::Table, key: &str, value: toml::Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut here = table;
    for part in parts {
        let next = here
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        match next {
            toml::Value::Table(t) => here = t,
            _ => return,
        }
    }
    here.insert(last.to_string(), value);
}

/// Where each key and value of a TOML text is: byte spans by dotted path
/// (array items as `path[i]`), from the parser.
#[derive(Debug, Default, Clone)]
pub struct Spans {
    /// Span of each key, by dotted path (the first table of an array of
    /// tables for `[[forums]]` keys).
    pub keys: BTreeMap<String, Range<usize>>,
    /// Span of each value, by dotted path; items of arrays as `path[i]`.
    pub values: BTreeMap<String, Range<usize>>,
}

impl Spans {
    /// The spans of a TOML text; empty for a text that does not parse.
    pub fn of(text: &str) -> Spans {
        fn walk(table: &toml::de::DeTable, prefix: &str, out: &mut Spans) {
            for (key, value) in table {
                let path = if prefix.is_empty() {
                    key.get_ref().to_string()
                } else {
                    format!("{prefix}.{}", key.get_ref())
                };
                out.keys.entry(path.clone()).or_insert_with(|| key.span());
                out.values
                    .entry(path.clone())
                    .or_insert_with(|| value.span());
                match value.get_ref() {
                    toml::de::DeValue::Table(t) => walk(t, &path, out),
                    toml::de::DeValue::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            out.values
                                .entry(format!("{path}[{i}]"))
                                .or_insert_with(|| item.span());
                            if let toml::de::DeValue::Table(t) = item.get_ref() {
                                walk(t, &path, out);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut out = Spans::default();
        if let Ok(table) = toml::de::DeTable::parse(text) {
            walk(table.get_ref(), "", &mut out);
        }
        out
    }
}

/// What [`validate`] found and did.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every problem (errors) and upgrade note (warnings), located.
    pub findings: Vec<Diagnostic>,
    /// The pack's version: `pack_version`, or 1 without it.
    pub version: i64,
    /// Settings tryg filled in with a default (added since the pack's
    /// version, or renamed): not in the text, so never "unused".
    pub filled: BTreeSet<String>,
    /// Settings a finding is about already (so `check` says nothing more of
    /// them, e.g. that no rule reads a misspelt key).
    pub reported: BTreeSet<String>,
}

struct Validator<'a> {
    file: &'a str,
    text: &'a str,
    spans: Spans,
    /// This pack's `[vocabulary] tags`, which tag lists are held to.
    tags: Vec<String>,
    out: Checked,
}

impl Validator<'_> {
    fn at(&self, key: &str, prefer_value: bool, code: &'static str, message: String) -> Diagnostic {
        let d = Diagnostic::new(code, self.file, message);
        let span = if prefer_value {
            self.spans
                .values
                .get(key)
                .or_else(|| self.spans.keys.get(key))
        } else {
            self.spans
                .keys
                .get(key)
                .or_else(|| self.spans.values.get(key))
        };
        match span {
            Some(span) => {
                let (line, col) = line_col(self.text, span.start);
                d.at(line, Some(col)).span(span.clone())
            }
            None => d,
        }
    }

    /// An error about `key`'s value (reported once per key).
    fn error(&mut self, key: &str, code: &'static str, message: String, hint: Option<String>) {
        self.error_at(key, true, code, message, hint);
    }

    /// An error about `key`, at its value or at the key itself.
    fn error_at(
        &mut self,
        key: &str,
        at_value: bool,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        let mut d = self.at(key, at_value, code, message);
        d.hint = hint;
        self.out.reported.insert(key.to_string());
        self.out.findings.push(d);
    }

    /// An upgrade note (a warning) at `key`, or at the nearest section
    /// header it is under, or at the top of the file.
    fn note(&mut self, key: &str, message: String, hint: String) {
        let mut place = key.to_string();
        let d = loop {
            if self.spans.keys.contains_key(&place) {
                break self.at(&place, false, "pack-upgrade", message);
            }
            match place.rsplit_once('.') {
                Some((parent, _)) => place = parent.to_string(),
                None => {
                    break Diagnostic::new("pack-upgrade", self.file, message).at(1, Some(1));
                }
            }
        };
        self.out.findings.push(d.warning().hint(hint));
    }
}

/// How a value of a kind is written, in words, with an example.
fn described(kind: Kind, key: &str) -> String {
    let example = lookup(defaults(), key).map(|v| v.to_string());
    match kind {
        Kind::Whole { .. } => format!(
            "a whole number, like {}",
            example.unwrap_or_else(|| "2".into())
        ),
        Kind::Bool => "true or false".into(),
        Kind::Text { choices } if !choices.is_empty() => {
            let quoted: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
            format!("one of {} (in double quotes)", quoted.join(", "))
        }
        Kind::Text { .. } => "text in double quotes".into(),
        Kind::Words { .. } => format!(
            "a list in square brackets, like {}",
            example.unwrap_or_else(|| "[\"a\", \"b\"]".into())
        ),
        Kind::Table => format!("a section, [{key}]"),
        Kind::Forums => "a list of [[forums]] tables, each with `name` and `from_age`".into(),
    }
}

/// What a TOML value is, in words.
fn is_what(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "text (in quotes)",
        toml::Value::Integer(_) => "a whole number",
        toml::Value::Float(_) => "a decimal number",
        toml::Value::Boolean(_) => "true or false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a section",
    }
}

/// A setting's value, as a message may show it: tryg.toml is the pack's,
/// not a person's, but a CPR number pasted into it is never echoed.
fn shown(value: &str) -> String {
    privacy::shown(value, privacy::Kind::Setting)
}

/// Holds a parsed tryg.toml (`file` names it in messages, `text` is it as
/// written) to the schema: reports every problem at its line, fills in what
/// was added since the pack's version, reads renamed settings under their
/// new names, and puts a default in place of each wrong value (see the
/// module documentation).
pub fn validate(file: &str, text: &str, table: &mut toml::Table) -> Checked {
    let tags = lookup(table, "vocabulary.tags")
        .and_then(toml::Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut v = Validator {
        file,
        text,
        spans: Spans::of(text),
        tags,
        out: Checked::default(),
    };
    let version = match table.get("pack_version") {
        None => 1,
        Some(toml::Value::Integer(n)) if (1..=PACK_VERSION).contains(n) => *n,
        Some(toml::Value::Integer(n)) if *n > PACK_VERSION => {
            v.error(
                "pack_version",
                "bad-setting",
                format!(
                    "pack_version = {n}: this pack was written by a newer tryg, which reads packs up to version {n}; this tryg reads up to version {PACK_VERSION}"
                ),
                Some("use a newer tryg, or a pack written by this one (tryg init)".into()),
            );
            PACK_VERSION
        }
        Some(other) => {
            let quoted = matches!(other, toml::Value::String(s) if s.trim().parse::<i64>().is_ok());
            v.error(
                "pack_version",
                "bad-setting",
                format!(
                    "pack_version is {}, not {}",
                    described(whole(1, PACK_VERSION, ""), "pack_version"),
                    is_what(other)
                ),
                Some(if quoted {
                    "remove the quotes".into()
                } else {
                    format!("pack_version = {PACK_VERSION}")
                }),
            );
            PACK_VERSION
        }
    };
    v.out.version = version;
    if version < PACK_VERSION {
        v.note(
            "pack_version",
            format!(
                "this pack has no pack_version: an older tryg wrote it (pack version {version}); tryg reads it with defaults for the settings added since"
            ),
            format!(
                "make the changes below, then add `pack_version = {PACK_VERSION}` at the top of tryg.toml (docs/RULES.md, \"Upgrading a pack\")"
            ),
        );
        upgrade(&mut v, table, version);
    }
    check_table(&mut v, table, "");
    for setting in SETTINGS {
        if setting.optional || setting.key == "pack_version" || lookup(table, setting.key).is_some()
        {
            continue;
        }
        let (parent, name) = setting.key.rsplit_once('.').unwrap_or(("", setting.key));
        if !parent.is_empty() && !matches!(lookup(table, parent), Some(toml::Value::Table(_))) {
            continue; // the section is missing or wrong: reported there
        }
        let Some(default) = lookup(defaults(), setting.key).cloned() else {
            continue;
        };
        if setting.since > version {
            // Reported by `upgrade`.
        } else if !v.out.reported.iter().any(|r| {
            // A misspelling of it was reported already ("did you mean").
            r.rsplit_once('.').map_or(r.as_str(), |(p, _)| p) == parent
                && did_you_mean(r.rsplit('.').next().unwrap_or(r), [name]).is_some()
        }) {
            let within = if parent.is_empty() {
                "at the top of tryg.toml".to_string()
            } else {
                format!("under [{parent}]")
            };
            let mut d = v.at(
                if parent.is_empty() { "" } else { parent },
                false,
                "missing-setting",
                format!("tryg.toml has no setting `{}`", setting.key),
            );
            if parent.is_empty() {
                d = d.at(1, Some(1));
            }
            let hint = if matches!(setting.kind, Kind::Table | Kind::Forums) {
                format!(
                    "add the [{}] section of the default pack (`tryg init` writes it out)",
                    setting.key
                )
            } else {
                format!("add `{name} = {default}` {within} (the default pack's value)")
            };
            v.out.findings.push(d.hint(hint));
        }
        set(table, setting.key, default);
        v.out.filled.insert(setting.key.to_string());
    }
    // In the order of the file, as a reader goes through it.
    v.out
        .findings
        .sort_by_key(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0)));
    v.out
}

/// What a pack of an earlier version lacks or names otherwise: filled in,
/// with a note each.
fn upgrade(v: &mut Validator, table: &mut toml::Table, version: i64) {
    for (old, new, since) in RENAMED {
        if *since <= version {
            continue;
        }
        let Some(value) = lookup(table, old).cloned() else {
            continue;
        };
        let (_, new_name) = new.rsplit_once('.').unwrap_or(("", new));
        let (_, old_name) = old.rsplit_once('.').unwrap_or(("", old));
        v.note(
            old,
            format!("`{old}` is named `{new_name}` since pack version {since}"),
            format!(
                "rename `{old_name}` to `{new_name}` here, and read it as cfg.{new} in every rule that reads cfg.{old}"
            ),
        );
        if lookup(table, new).is_none() {
            set(table, new, value);
            v.out.filled.insert(new.to_string());
        }
        v.out.reported.insert(old.to_string());
    }
    for setting in SETTINGS {
        // An optional setting's absence means its plain default: nothing to upgrade.
        if setting.optional || setting.since <= version || lookup(table, setting.key).is_some() {
            continue;
        }
        if setting.key == "pack_version" {
            continue;
        }
        if RENAMED.iter().any(|(_, new, _)| new == &setting.key)
            && v.out.filled.contains(setting.key)
        {
            continue;
        }
        let Some(default) = lookup(defaults(), setting.key) else {
            continue;
        };
        let (parent, name) = setting.key.rsplit_once('.').unwrap_or(("", setting.key));
        v.note(
            setting.key,
            format!(
                "`{}` was added in pack version {}; tryg uses the default pack's value, {default}",
                setting.key, setting.since
            ),
            format!("add `{name} = {default}` under [{parent}], or the value your policy needs"),
        );
    }
    for (key, old_default, since) in OLD_DEFAULTS {
        if *since <= version
            || lookup(table, key).and_then(toml::Value::as_integer) != Some(*old_default)
        {
            continue;
        }
        let Some(default) = lookup(defaults(), key).cloned() else {
            continue;
        };
        let kind = setting(key).map(|s| s.kind);
        let range = match kind {
            Some(Kind::Whole { min, max, .. }) => format!(" ({min} to {max})"),
            _ => String::new(),
        };
        let (_, name) = key.rsplit_once('.').unwrap_or(("", key));
        v.note(
            key,
            format!(
                "`{key} = {old_default}` was the default before pack version {since} and is more than tryg now allows{range}; tryg uses {default}"
            ),
            format!("set `{name} = {default}`"),
        );
        set(table, key, default);
        v.out.reported.insert(key.to_string());
    }
}

/// Checks every key of a table (at `prefix`) against the schema.
fn check_table(v: &mut Validator, table: &mut toml::Table, prefix: &str) {
    let keys: Vec<String> = table.keys().cloned().collect();
    for name in keys {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if key == LOCAL {
            if !matches!(table.get(&name), Some(toml::Value::Table(_))) {
                v.error(
                    &key,
                    "bad-setting",
                    "`local` is a section: [local], with your own settings under it".into(),
                    None,
                );
            }
            continue;
        }
        if v.out.reported.contains(&key) || key == "pack_version" {
            continue;
        }
        let Some(setting) = setting(&key) else {
            unknown(v, table, prefix, &name, &key);
            continue;
        };
        let Some(value) = table.get_mut(&name) else {
            continue;
        };
        if !fits(v, &key, setting.kind, value) {
            if let Some(default) = lookup(defaults(), &key) {
                *value = default.clone();
            }
            continue;
        }
        if let (Kind::Table, toml::Value::Table(t)) = (setting.kind, value) {
            check_table(v, t, &key);
        }
    }
}

/// Reports a key the schema does not have.
fn unknown(v: &mut Validator, table: &toml::Table, prefix: &str, name: &str, key: &str) {
    // Candidates: the schema's keys beside it, and what the table has.
    let siblings: Vec<&str> = SETTINGS
        .iter()
        .filter_map(|s| {
            let (parent, last) = s.key.rsplit_once('.').unwrap_or(("", s.key));
            (parent == prefix).then_some(last)
        })
        .collect();
    let renamed = RENAMED.iter().find(|(old, _, _)| old == &key);
    if let Some((_, new, since)) = renamed {
        let (_, new_name) = new.rsplit_once('.').unwrap_or(("", new));
        v.error_at(
            key,
            false,
            "renamed-setting",
            format!("`{key}` is named `{new_name}` since pack version {since}"),
            Some(format!(
                "rename it to `{new_name}`, and read it as cfg.{new} in your rules"
            )),
        );
        return;
    }
    let missing_sibling = did_you_mean(
        name,
        siblings.iter().copied().filter(|s| !table.contains_key(*s)),
    )
    .or_else(|| did_you_mean(name, siblings.iter().copied()));
    match (missing_sibling, prefix.is_empty()) {
        (Some(near), _) => {
            let within = if prefix.is_empty() {
                "tryg.toml".to_string()
            } else {
                format!("[{prefix}]")
            };
            v.error_at(
                key,
                false,
                "unknown-setting",
                format!("`{name}` is not a setting of {within}"),
                Some(format!(
                    "did you mean `{near}`? (a setting of your own goes under [local])"
                )),
            );
        }
        (None, true) => {
            // A section of one's own, for a rule of one's own: allowed, but
            // a later tryg may add a setting of that name.
            let d = v
                .at(key, false, "own-setting", format!("`{name}` is not one of tryg's settings"))
                .warning()
                .hint(format!(
                    "keep your own settings under [local] (e.g. [local.{name}]) and read them as cfg.local.{name}: a later tryg may use the name `{name}` itself"
                ));
            v.out.findings.push(d);
        }
        (None, false) => {
            let known: Vec<&str> = siblings.clone();
            v.error_at(
                key,
                false,
                "unknown-setting",
                format!("`{name}` is not a setting of [{prefix}]"),
                Some(format!(
                    "[{prefix}] has {}; a setting of your own goes under [local], read as cfg.local.…",
                    known.join(", ")
                )),
            );
        }
    }
}

/// Whether a value fits its kind; reports it at its place when not.
fn fits(v: &mut Validator, key: &str, kind: Kind, value: &toml::Value) -> bool {
    let wrong = |v: &mut Validator, hint: Option<String>| {
        v.error(
            key,
            "bad-setting",
            format!(
                "`{key}` is {}, not {}",
                described(kind, key),
                is_what(value)
            ),
            hint,
        );
        false
    };
    match (kind, value) {
        (Kind::Whole { min, max, unit }, toml::Value::Integer(n)) => {
            if (min..=max).contains(n) {
                return true;
            }
            let unit = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            let zero = if key.starts_with("limits.") && *n == 0 && min > 0 {
                " (0 would mean no limit at all)"
            } else {
                ""
            };
            let tested = if key.starts_with("limits.") {
                format!(": tryg is tested up to {max} (docs/limits.md)")
            } else {
                String::new()
            };
            let code = if key.starts_with("limits.") {
                "bad-limit"
            } else {
                "bad-setting"
            };
            v.error(
                key,
                code,
                format!("{key} = {n} is outside {min} to {max}{unit}{zero}"),
                Some(format!("set it between {min} and {max}{tested}")),
            );
            false
        }
        (Kind::Whole { .. }, toml::Value::String(s)) if s.trim().parse::<i64>().is_ok() => wrong(
            v,
            Some(format!("remove the quotes: {} = {}", last(key), s.trim())),
        ),
        (Kind::Whole { .. }, toml::Value::Float(f)) => wrong(
            v,
            Some(format!("write a whole number, e.g. {}", f.round() as i64)),
        ),
        (Kind::Bool, toml::Value::Boolean(_)) => true,
        (Kind::Bool, toml::Value::String(s))
            if matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "false") =>
        {
            wrong(
                v,
                Some(format!(
                    "remove the quotes: {} = {}",
                    last(key),
                    s.trim().to_ascii_lowercase()
                )),
            )
        }
        (Kind::Text { choices }, toml::Value::String(s)) => {
            if choices.is_empty() || choices.contains(&s.as_str()) {
                return true;
            }
            let hint = did_you_mean(s, choices.iter().copied())
                .map(|c| format!("did you mean \"{c}\"?"))
                .unwrap_or_else(|| format!("write one of {}", choices.join(", ")));
            v.error(
                key,
                "bad-setting",
                format!("`{key}` is {}, not {}", described(kind, key), shown(s)),
                Some(hint),
            );
            false
        }
        (Kind::Words { of, min, max }, toml::Value::Array(items)) => {
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                let Some(word) = item.as_str() else {
                    v.error(
                        &format!("{key}[{i}]"),
                        "bad-setting",
                        format!(
                            "every item of `{key}` is text in double quotes, not {}",
                            is_what(item)
                        ),
                        None,
                    );
                    v.out.reported.insert(key.to_string());
                    ok = false;
                    continue;
                };
                ok &= word_fits(v, key, i, of, word);
            }
            if !(min..=max).contains(&items.len()) {
                v.error(
                    key,
                    "bad-setting",
                    format!(
                        "`{key}` has {} item(s); it takes {min} to {max}",
                        items.len()
                    ),
                    None,
                );
                ok = false;
            }
            ok
        }
        (Kind::Words { .. }, toml::Value::String(s)) => wrong(
            v,
            Some(format!(
                "put it in square brackets: {} = [{}]",
                last(key),
                shown(s)
            )),
        ),
        (Kind::Table, toml::Value::Table(_)) => true,
        (Kind::Forums, toml::Value::Array(items)) => forums_fit(v, key, items),
        _ => wrong(v, None),
    }
}

fn last(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// Whether one word of a list is in its vocabulary.
fn word_fits(v: &mut Validator, key: &str, i: usize, of: Vocab, word: &str) -> bool {
    let known: Vec<String> = match of {
        Vocab::Categories => Category::TOKENS.iter().map(|s| s.to_string()).collect(),
        Vocab::Affiliations => GangAffiliation::TOKENS
            .iter()
            .map(|s| s.to_string())
            .collect(),
        Vocab::Kinds => EventKind::TOKENS.iter().map(|s| s.to_string()).collect(),
        Vocab::Tags => v.tags.clone(),
        Vocab::Tokens => {
            let token = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !token {
                v.error(
                    &format!("{key}[{i}]"),
                    "bad-setting",
                    format!(
                        "{} in `{key}` is not a token: a token is lower-case letters a-z, digits and _",
                        shown(word)
                    ),
                    None,
                );
                v.out.reported.insert(key.to_string());
            }
            return token;
        }
        Vocab::Text => {
            if word.trim().is_empty() {
                v.error(
                    &format!("{key}[{i}]"),
                    "bad-setting",
                    format!("`{key}` has an empty item"),
                    None,
                );
                v.out.reported.insert(key.to_string());
                return false;
            }
            return true;
        }
    };
    if known.iter().any(|k| k == word) {
        return true;
    }
    let hint = did_you_mean(word, known.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| format!("known: {}", known.join(", ")));
    v.error(
        &format!("{key}[{i}]"),
        "unknown-token",
        format!(
            "`{key}` holds {}, which is not a known {}",
            shown(word),
            of.what()
        ),
        Some(hint),
    );
    v.out.reported.insert(key.to_string());
    false
}

/// `[[forums]]`: each a `name` and a `from_age`, nothing else.
fn forums_fit(v: &mut Validator, key: &str, items: &[toml::Value]) -> bool {
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let Some(t) = item.as_table() else {
            v.error(
                key,
                "bad-setting",
                "`forums` is written as [[forums]] tables".into(),
                None,
            );
            return false;
        };
        for (k, value) in t {
            let path = format!("{key}.{k}");
            match k.as_str() {
                "name" => ok &= fits(v, &path, Kind::Text { choices: &[] }, value),
                "from_age" => ok &= fits(v, &path, AGE, value),
                other => {
                    let hint = did_you_mean(other, ["name", "from_age"])
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "a forum has `name` and `from_age`".into());
                    v.error(
                        &path,
                        "unknown-setting",
                        format!(
                            "`{other}` is not a setting of a [[forums]] table (forum {})",
                            i + 1
                        ),
                        Some(hint),
                    );
                    ok = false;
                }
            }
        }
        for needed in ["name", "from_age"] {
            if !t.contains_key(needed) {
                v.error(
                    key,
                    "missing-setting",
                    format!("forum {} has no `{needed}`", i + 1),
                    None,
                );
                ok = false;
            }
        }
    }
    ok
}
