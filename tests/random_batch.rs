//! Random batches for the differential and property tests: persons and event
//! histories made from raw bytes, crowded onto the policy's edges (ages around
//! every boundary, windows' first days, retention, 29 February, month ends),
//! with every kind, tag and code of the default catalogue, shared case ids,
//! custody and release, affiliations and factors.
//!
//! One file, two drivers: `tests/differential.rs` and `tests/properties.rs`
//! build a [`Model`] with proptest strategies (which shrink it, byte by byte
//! toward 0 and by removing persons and events), and the fuzz targets in
//! `fuzz/` include this file with `#[path]` and build one with [`from_bytes`]
//! from libFuzzer's input. Every byte means something through [`render`], and
//! 0 is always the plainest choice, so a shrunk model reads simply.
//!
//! Every model renders to a batch the loader accepts (no event before its
//! person's birth, ids and tokens from the data contract), so a failure is a
//! disagreement, never bad input.

// Shared by the tests and the fuzz targets; each uses a different part.
#![allow(dead_code)]

use std::fmt::Write;

use tryg::ruleset::RulePack;
use tryg::time::{self, Date};

/// Bytes of one person before their events: see [`render`].
pub const PERSON_BYTES: usize = 12;
/// Bytes of one event: see [`render`].
pub const EVENT_BYTES: usize = 6;
/// Most persons [`from_bytes`] makes (a fuzz input stays quick to screen).
pub const MAX_PERSONS: usize = 48;
/// Most events per person [`from_bytes`] makes: more than 16 offences
/// takes the floor's other way of finding a case (a map, not a scan).
pub const MAX_EVENTS: usize = 40;

/// A random batch before rendering.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Index into [`AS_OF`].
    pub as_of: u8,
    /// Index into the rule-set variants ([`variant_pack`], [`variant_municipalities`]).
    pub variant: u8,
    /// In input order.
    pub persons: Vec<PersonModel>,
}

/// One person: [`PERSON_BYTES`] raw bytes and the raw bytes of each event.
#[derive(Debug, Clone, Default)]
pub struct PersonModel {
    pub raw: [u8; PERSON_BYTES],
    pub events: Vec<[u8; EVENT_BYTES]>,
}

/// The as-of dates screened: the fixtures' date, leap days, the days on
/// either side of them, and month ends whose month-back windows clamp.
pub const AS_OF: [&str; 16] = [
    "2026-11-23",
    "2024-02-29",
    "2028-02-29",
    "2025-02-28",
    "2025-03-01",
    "2026-05-31",
    "2026-12-31",
    "2027-01-31",
    "2024-03-31",
    "2026-03-29",
    "2032-02-29",
    "2026-08-31",
    "2024-03-01",
    "2027-02-28",
    "2026-01-01",
    "2030-06-30",
];

/// How many rule-set variants [`Model::variant`] picks from.
pub const VARIANTS: u8 = 3;

/// The offence codes of the default catalogue (SPEC §1), every one.
pub const CODES: [&str; 21] = [
    "73111", "73112", "73131", "73241", "73251", "76319", "84110", "84111", "61600", "61615",
    "90001", "90002", "90003", "90004", "90005", "90006", "90007", "90008", "90009", "90010",
    "90011",
];
/// Event kinds, in SPEC §1's order.
pub const KINDS: [&str; 8] = [
    "suspicion",
    "charge",
    "conviction",
    "victim",
    "observation",
    "concern",
    "custody",
    "release",
];
/// The tags of the default vocabulary.
pub const TAGS: [&str; 6] = [
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

/// A model from fuzz input: two bytes for the as-of date and the variant,
/// then per person [`PERSON_BYTES`], an event count and [`EVENT_BYTES`] per
/// event, until the input ends (missing bytes are 0).
pub fn from_bytes(data: &[u8]) -> Model {
    let mut bytes = data.iter().copied();
    let mut next = || bytes.next().unwrap_or(0);
    let mut model = Model {
        as_of: next(),
        variant: next(),
        persons: Vec::new(),
    };
    // What is left after the two leading bytes, person by person.
    let mut left = data.len().saturating_sub(2);
    while left > 0 && model.persons.len() < MAX_PERSONS {
        let mut person = PersonModel::default();
        for b in &mut person.raw {
            *b = next();
        }
        let events = usize::from(next()) % (MAX_EVENTS + 1);
        for _ in 0..events {
            let mut event = [0; EVENT_BYTES];
            for b in &mut event {
                *b = next();
            }
            person.events.push(event);
        }
        left = left.saturating_sub(PERSON_BYTES + 1 + events * EVENT_BYTES);
        model.persons.push(person);
    }
    model
}

/// The bytes [`from_bytes`] makes `model` from (persons past [`MAX_PERSONS`]
/// and events past [`MAX_EVENTS`] left out): how a model found by proptest
/// becomes a fuzz corpus file.
pub fn to_bytes(model: &Model) -> Vec<u8> {
    let mut bytes = vec![model.as_of, model.variant];
    for person in model.persons.iter().take(MAX_PERSONS) {
        bytes.extend_from_slice(&person.raw);
        let events = &person.events[..person.events.len().min(MAX_EVENTS)];
        bytes.push(events.len() as u8);
        for e in events {
            bytes.extend_from_slice(e);
        }
    }
    bytes
}

/// A model's batch: the as-of date and the two files.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub as_of: Date,
    pub persons: String,
    pub events: String,
}

fn ymd(d: Date) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `n` years after `date` (negative: before), clamped as the rules clamp.
fn years(date: Date, n: i64) -> Date {
    time::add_months(date, 12 * n)
}

/// A date from two bytes: an anchor (the as-of date, a window's first day,
/// retention, the variant's other windows, a birthday that moves an offence
/// across an age boundary, the birth itself, a day after the as-of date) and
/// a few days either side of it, or any day in the last seven years.
fn when(a: u8, b: u8, as_of: Date, birth: Date) -> Date {
    let jitter = i64::from(b % 7) - 3;
    let anchor = match a % 20 {
        0 => as_of,
        1 => time::days_before(as_of, 7),
        2 => time::days_before(as_of, 30),
        3 => time::months_before(as_of, 12),
        4 => time::months_before(as_of, 24),
        5 => time::months_before(as_of, 60),
        6 => time::months_before(as_of, 6),
        7 => years(birth, 10),
        8 => years(birth, 15),
        9 => years(birth, 18),
        10 => years(birth, 14),
        11 => birth,
        12 => time::add_days(as_of, 1 + i64::from(b % 40)),
        // Variant 2's retention and custody window.
        13 => time::months_before(as_of, 30),
        14 => time::days_before(as_of, 60),
        _ => return time::days_before(as_of, u32::from(b) * 10 + u32::from(a / 20)),
    };
    time::add_days(anchor, jitter)
}

/// The nearest 29 February on or before `date`'s year.
fn leap_day_near(date: Date) -> Date {
    let mut y = time::year(date);
    loop {
        if let Some(d) = Date::from_ymd_opt(y, 2, 29) {
            return d;
        }
        y -= 1;
    }
}

fn bool_cell(b: u8) -> &'static str {
    ["", "true", "false", "yes", "no", "1", "0", "TRUE"][usize::from(b % 8)]
}

fn factors(bits: u8, pool: &[&str]) -> String {
    let picked: Vec<&str> = (0..pool.len())
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| pool[i])
        .collect();
    picked.join(";")
}

/// The batch a model stands for. Person `n` (from 1) is `P{n:03}`; events are
/// numbered through the batch.
///
/// Person bytes: 0 age in years (0–31) on the as-of date; 1 where the
/// birthday falls (on the as-of date, a day or two either side, on 29
/// February, born after the as-of date, or anywhere in the year, by byte 2);
/// 2 also exit_program; 3 sex; 4 municipality; 5 district; 6 gang
/// affiliation; 7 address_known, in_custody and whether there is a
/// last_letter_date; 8 and 9 its date; 10 risk factors and 11 protective
/// factors (bit sets).
///
/// Event bytes: 0 kind; 1 offence code or tag; 2 and 3 date ([`when`]); 4 and
/// 5 the case: none, one of the person's own three, or one of three shared
/// across persons.
pub fn render(model: &Model) -> Rendered {
    let as_of = time::parse_date(AS_OF[usize::from(model.as_of) % AS_OF.len()])
        .expect("AS_OF dates are dates");
    let mut persons = String::from(
        "person_id,birth_date,sex,municipality,district,address_known,gang_affiliation,in_custody,exit_program,last_letter_date,risk_factors,protective_factors\n",
    );
    let mut events = String::from("event_id,person_id,date,kind,offence_code,case_id,tag\n");
    let mut event_no = 0usize;
    for (n, person) in model.persons.iter().enumerate() {
        let p = person.raw;
        let id = format!("P{:03}", n + 1);
        let age = i64::from(p[0] % 32);
        let birthday = years(as_of, -age);
        let birth = match p[1] % 10 {
            0 => birthday,
            1 => time::add_days(birthday, -1),
            2 => time::add_days(birthday, 1),
            3 => time::add_days(birthday, -2),
            4 => time::add_days(birthday, 2),
            5 => leap_day_near(birthday),
            6 => time::add_days(as_of, 1 + i64::from(p[2] % 20)),
            _ => time::add_days(birthday, -i64::from(p[2]) * 364 / 255),
        };
        let letter = if p[7] & 0xc0 == 0xc0 {
            ymd(when(p[8], p[9], as_of, birth))
        } else {
            String::new()
        };
        let _ = writeln!(
            persons,
            "{id},{},{},{},{},{},{},{},{},{letter},{},{}",
            ymd(birth),
            ["", "M", "F", "X"][usize::from(p[3] % 4)],
            ["København", "København", "Albertslund", "Frederiksberg"][usize::from(p[4] % 4)],
            ["", "Indre Nørrebro", "Valby", "Lund"][usize::from(p[5] % 4)],
            bool_cell(p[7] & 0x3),
            ["", "none", "peripheral", "bubbler", "core"][usize::from(p[6] % 5)],
            ["", "false", "no", "0", "", "FALSE", "true", "yes"][usize::from((p[7] >> 2) & 0x7)],
            if p[2] % 8 == 7 { "yes" } else { "" },
            factors(p[10], &RISKS),
            factors(p[11], &PROTECTIVE),
        );
        for e in &person.events {
            event_no += 1;
            let kind = KINDS[usize::from(e[0]) % KINDS.len()];
            let offending = matches!(kind, "suspicion" | "charge" | "conviction" | "victim");
            let code = if offending {
                CODES[usize::from(e[1]) % CODES.len()]
            } else {
                ""
            };
            let tag = match (kind, e[1] % 7) {
                ("observation" | "concern", t) if t > 0 => TAGS[usize::from(t - 1)],
                _ => "",
            };
            let case = match e[4] % 8 {
                0..=2 => String::new(),
                3..=5 => format!("C{}-{}", id, e[5] % 3),
                _ => format!("C{:02}", e[5] % 3),
            };
            // No event before its person's birth: the loader refuses those.
            let date = when(e[2], e[3], as_of, birth).max(birth);
            let _ = writeln!(
                events,
                "E{event_no:04},{id},{},{kind},{code},{case},{tag}",
                ymd(date)
            );
        }
    }
    Rendered {
        as_of,
        persons,
        events,
    }
}

/// The rule pack of a variant: 0 and 1 the default pack, 2 the default pack
/// with other numbers (a small letter batch, home visits on, other windows
/// and thresholds), which the floor reads from `cfg` as the rules do.
pub fn variant_pack(variant: u8) -> RulePack {
    let mut pack = RulePack::built_in();
    if variant % VARIANTS == 2 {
        for (name, text) in &mut pack.files {
            if name != "tryg.toml" {
                continue;
            }
            for (from, to) in [
                ("retention_months = 60", "retention_months = 30"),
                ("batch_size = 10", "batch_size = 2"),
                ("enabled = false", "enabled = true"),
                ("min_offences = 2", "min_offences = 3"),
                ("secretariat_max_age = 14", "secretariat_max_age = 13"),
                ("motivated_bonus = 2", "motivated_bonus = 5"),
                ("risk_min_risk_factors = 2", "risk_min_risk_factors = 3"),
                ("custody_window_days = 30", "custody_window_days = 60"),
                ("due_days = 7", "due_days = 3"),
            ] {
                assert!(text.contains(from), "tryg.toml has no `{from}`");
                *text = text.replacen(from, to, 1);
            }
            // [level1] window_months (other sections have one too).
            let section = text.find("[level1]").expect("tryg.toml has [level1]");
            let key = "window_months = 12";
            let at = section + text[section..].find(key).expect("[level1] window_months");
            text.replace_range(at..at + key.len(), "window_months = 6");
        }
    }
    pack
}

/// The municipalities a variant screens (`--municipality`), or `None` for
/// the pack's own.
pub fn variant_municipalities(variant: u8) -> Option<Vec<String>> {
    (variant % VARIANTS == 1).then(|| vec!["Albertslund".to_string(), "Frederiksberg".to_string()])
}
