//! Synthetic screening batches for load tests and profiling. A dev tool, not a
//! user command: it is not installed with `tryg` and its output is no contract.
//!
//! ```text
//! cargo run --release --example generate -- --persons 100000 --seed 1 --as-of 2026-11-23 --out target/synthetic
//! ```
//!
//! writes `persons.csv` and `events.csv` (SPEC §1) into `--out` (defaults: 1000
//! persons, seed 1, as-of 2026-11-23, `target/synthetic`). The same arguments give
//! byte-identical files on any machine (one ChaCha8 stream, integer sampling only).
//! Every kind, and every tag and offence code of the default pack (read from
//! `rules/` at build time), appears; persons have about 5.5 events on average with a
//! long tail, a few dated after the as-of date. Every person, date and id is made up.

use std::error::Error;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[rustfmt::skip]
const KINDS: [&str; 8] =
    ["suspicion", "charge", "conviction", "victim", "observation", "concern", "custody", "release"];
const SUSPICION: usize = 0;
const CHARGE: usize = 1;
const CONVICTION: usize = 2;
const VICTIM: usize = 3;
const OBSERVATION: usize = 4;
const CONCERN: usize = 5;
const CUSTODY: usize = 6;
const RELEASE: usize = 7;
const NONE: u16 = u16::MAX;
const YEAR: i32 = 365;
/// Dates are day offsets from the as-of date: events go back 7 years (past the
/// 60-month retention) and are written at most `LAST` days after it.
const HORIZON: i32 = 7 * YEAR;
const LAST: i32 = 1500;

/// (municipality, weight, districts); `""` is an empty district cell.
#[rustfmt::skip]
const PLACES: [(&str, u32, &[&str]); 4] = [
    ("København", 85, &["Indre Nørrebro", "Ydre Nørrebro", "Bispebjerg", "Amager Øst", "Valby",
                        "Vesterbro", "Brønshøj-Husum", ""]),
    ("Albertslund", 6, &["Hyldager", "Galgebakken", "Herstedvester", ""]),
    ("Frederiksberg", 5, &[""]),
    ("Brøndby", 4, &["Brøndby Strand", "Brøndbyvester", ""]),
];
/// Events per person: (fewest, most, weight per million); the mean is about 5.5.
#[rustfmt::skip]
const COUNTS: [(u32, u32, u32); 9] = [
    (0, 0, 276_000), (1, 2, 275_000), (3, 5, 190_000), (6, 10, 145_000), (11, 20, 76_000),
    (21, 50, 33_000), (51, 100, 4_000), (101, 300, 800), (301, 1000, 200),
];
/// Episodes (offence case, victim, observation, concern, arrest): unaffiliated, affiliated.
const EPISODES: [[u32; 5]; 2] = [[30, 8, 14, 22, 3], [60, 8, 34, 6, 9]];

/// How common an age (on the as-of date) is: mostly 8–30.
#[rustfmt::skip]
fn age_weight(age: usize) -> u32 {
    match age {
        0..=4 => 0, 5..=7 => 20, 8..=11 => 40, 12..=13 => 70, 14..=17 => 100, 18..=21 => 90,
        22..=25 => 60, 26..=30 => 40, 31..=40 => 10, _ => 3,
    }
}

/// How often a category is an offender's offence (.0) or a victim's (.1).
#[rustfmt::skip]
fn category_weight(category: &str) -> (u32, u32) {
    match category {
        "theft" => (200, 250), "violence" => (150, 300), "drugs_possession" => (150, 0),
        "police_business" | "vandalism" => (80, 60), "burglary" => (60, 120),
        "public_order" | "traffic" => (60, 0), "threats" => (60, 150), "robbery" => (40, 80),
        "drugs_sale" | "weapons" => (40, 0), "aggravated_violence" => (30, 40),
        "drugs_organised" => (15, 0),
        "arson" | "sexual" => (10, 10), "homicide" => (1, 1), _ => (20, 5),
    }
}

/// How often a tag is on an observation (.0) or a concern (.1).
#[rustfmt::skip]
fn tag_weight(tag: &str) -> (u32, u32) {
    match tag {
        "gang_contact" => (30, 5), "street_life" => (30, 8), "drug_experiment" => (10, 10),
        "unrest" => (15, 25), "vulnerable_group" => (5, 15), "school_absence" => (3, 35),
        _ => (5, 5),
    }
}

fn weights(n: usize, f: impl Fn(usize) -> u32) -> WeightedIndex<u32> {
    WeightedIndex::new((0..n).map(f)).expect("some weight is positive")
}

/// `YYYY-MM-DD` of every day offset from `first` to `LAST`, each formatted once by chrono.
struct DayTable(i32, Vec<[u8; 10]>);

impl DayTable {
    fn new(as_of: NaiveDate, first: i32) -> DayTable {
        let day = |off: i32| match off < 0 {
            true => as_of - Days::new(off.unsigned_abs().into()),
            false => as_of + Days::new(off.unsigned_abs().into()),
        };
        let text = (first..=LAST).map(|off| day(off).format("%Y-%m-%d").to_string().into_bytes());
        DayTable(
            first,
            text.map(|t| t.try_into().expect("4-digit year")).collect(),
        )
    }
    fn get(&self, off: i32) -> &[u8] {
        &self.1[(off.min(LAST) - self.0) as usize]
    }
}

/// One event: (date, kind, offence code index, case number, tag index); `NONE` or
/// case 0 is an empty cell.
#[derive(Clone, Copy)]
struct Event(i32, usize, u16, u32, u16);

/// One person as the event generator needs them: birth and dates are day offsets.
struct Person {
    birth: i32,
    gang: usize,
    earliest: i32,
}

/// The sampling state: one random stream, the vocabulary and the distributions.
struct Gen {
    rng: ChaCha8Rng,
    codes: Vec<(String, String)>,
    tags: Vec<String>,
    offence: WeightedIndex<u32>,
    victim: WeightedIndex<u32>,
    tag: [WeightedIndex<u32>; 2],
    episode: [WeightedIndex<u32>; 2],
    case_no: u32,
    /// Co-offending: the last case, which the next person may share.
    last_case: Option<(u32, u16, i32)>,
}

impl Gen {
    fn new(seed: u64, codes: Vec<(String, String)>, tags: Vec<String>) -> Gen {
        let same = |c: usize| codes.iter().filter(|o| o.1 == codes[c].1).count() as u32;
        let category = |c: usize| category_weight(&codes[c].1);
        let tag_by = |kind: usize| {
            weights(tags.len(), |t| {
                [tag_weight(&tags[t]).0, tag_weight(&tags[t]).1][kind]
            })
        };
        Gen {
            rng: ChaCha8Rng::seed_from_u64(seed),
            offence: weights(codes.len(), |c| category(c).0 * 12 / same(c)),
            victim: weights(codes.len(), |c| category(c).1),
            tag: [tag_by(0), tag_by(1)],
            episode: EPISODES.map(|w| WeightedIndex::new(w).unwrap()),
            case_no: 0,
            last_case: None,
            codes,
            tags,
        }
    }

    fn new_case(&mut self) -> u32 {
        self.case_no += 1;
        self.case_no
    }

    /// A day from `from` to the as-of date, recent ones likelier; now and then after it.
    fn when(&mut self, who: &Person, from: i32) -> i32 {
        if self.rng.random_range(0..200u32) == 0 {
            return self.rng.random_range(1..=45);
        }
        let from = from.max(who.earliest).min(0);
        self.rng
            .random_range(from..=0)
            .max(self.rng.random_range(from..=0))
    }

    /// Random episodes until `list` holds `n` events.
    fn events(&mut self, who: &Person, n: usize, list: &mut Vec<Event>) {
        let (age10, age15) = (who.birth + 10 * YEAR, who.birth + 15 * YEAR);
        while list.len() < n {
            match self.episode[usize::from(who.gang > 0)].sample(&mut self.rng) {
                0 if age10 < 0 => self.offence_case(who, list),
                1 => {
                    let (date, case) = (self.when(who, who.earliest), self.new_case());
                    list.push(Event(
                        date,
                        VICTIM,
                        self.victim.sample(&mut self.rng) as u16,
                        case,
                        NONE,
                    ));
                }
                4 if age15 < 0 => list.push(Event(self.when(who, age15), CUSTODY, NONE, 0, NONE)),
                episode => {
                    let concern = usize::from(episode != 2);
                    let tag = match concern == 1 && self.rng.random_range(0..20u32) == 0 {
                        true => NONE,
                        false => self.tag[concern].sample(&mut self.rng) as u16,
                    };
                    let date = self.when(who, who.earliest);
                    list.push(Event(date, [OBSERVATION, CONCERN][concern], NONE, 0, tag));
                }
            }
        }
    }

    /// One offence: a suspicion, charge, conviction chain in one case, at later dates.
    fn offence_case(&mut self, who: &Person, list: &mut Vec<Event>) {
        let age10 = who.birth + 10 * YEAR;
        let shared = self
            .last_case
            .filter(|c| c.2 >= age10 && self.rng.random_range(0..25u32) == 0);
        let (case, mut code, mut date) = match shared {
            Some(case) => case,
            None => (
                self.new_case(),
                self.offence.sample(&mut self.rng) as u16,
                self.when(who, age10),
            ),
        };
        self.last_case = Some((case, code, date));
        let case = if self.rng.random_range(0..20u32) == 0 {
            0
        } else {
            case
        };
        let chain: &[usize] = match self.rng.random_range(0..100u32) {
            _ if date < who.birth + 15 * YEAR => &[SUSPICION], // under 15: cannot be charged
            0..45 => &[SUSPICION],
            45..70 => &[SUSPICION, CHARGE],
            70..92 => &[SUSPICION, CHARGE, CONVICTION],
            _ => &[CHARGE, CONVICTION],
        };
        for &kind in chain {
            if kind == CHARGE {
                date += self.rng.random_range(0..=90);
                if self.codes[code as usize].1 == "violence" && self.rng.random_bool(0.15) {
                    let aggravated = self.codes.iter().position(|c| c.1 == "aggravated_violence");
                    code = aggravated.map_or(code, |c| c as u16); // charged as aggravated
                }
                if self.rng.random_bool(0.15) {
                    list.push(Event(date, CUSTODY, NONE, case, NONE)); // arrested
                }
            } else if kind == CONVICTION {
                date += self.rng.random_range(30..=400);
                if self.rng.random_bool(0.1) {
                    let out = date + self.rng.random_range(60..=700);
                    list.push(Event(out, RELEASE, NONE, 0, NONE));
                }
            }
            list.push(Event(date, kind, code, case, NONE));
        }
    }
}

/// A CSV row being built, reused for every row so nothing is allocated per row.
struct Row(Vec<u8>);

impl Row {
    /// Appends `prefix` and `n` zero-padded to `width` digits.
    fn id(&mut self, prefix: u8, mut n: u64, width: usize) {
        let (mut digits, mut i) = ([b'0'; 20], 20);
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.0.push(prefix);
        self.0.extend_from_slice(&digits[i.min(20 - width)..]);
    }

    /// Appends `,` and a cell.
    fn cell(&mut self, value: impl AsRef<[u8]>) {
        self.0.push(b',');
        self.0.extend_from_slice(value.as_ref());
    }

    /// Appends `,` and a random subset of `pool` (no duplicates), `;`-joined, of `n` at most.
    fn subset(&mut self, rng: &mut ChaCha8Rng, pool: &[String], n: usize) {
        let mut order: Vec<usize> = (0..pool.len()).collect();
        self.0.push(b',');
        for i in 0..n.min(pool.len()) {
            order.swap(i, rng.random_range(i as u32..pool.len() as u32) as usize);
            self.0.extend_from_slice(if i > 0 { b";" } else { b"" });
            self.0.extend_from_slice(pool[order[i]].as_bytes());
        }
    }

    /// Ends the row: checks it needs no CSV quoting, then writes it and starts anew.
    fn finish(&mut self, out: &mut impl Write, columns: usize) -> std::io::Result<()> {
        debug_assert!(!self.0.iter().any(|b| matches!(b, b'"' | b'\n' | b'\r')));
        debug_assert_eq!(self.0.iter().filter(|&&b| b == b',').count(), columns - 1);
        self.0.push(b'\n');
        out.write_all(&self.0)?;
        self.0.clear();
        Ok(())
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, options: &[&'a str]) -> &'a str {
    options[rng.random_range(0..options.len() as u32) as usize]
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generate: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let (mut persons, mut seed, mut out) = (1000u64, 1u64, PathBuf::from("target/synthetic"));
    let mut as_of = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut flags = std::env::args().skip(1);
    while let Some(flag) = flags.next() {
        let value = flags.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |e: &dyn Error| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--persons" => persons = value.parse().map_err(|e| bad(&e))?,
            "--seed" => seed = value.parse().map_err(|e| bad(&e))?,
            "--as-of" => as_of = value.parse().map_err(|e| bad(&e))?,
            "--out" => out = value.into(),
            _ => Err(format!(
                "unknown flag {flag} (--persons --seed --as-of --out)"
            ))?,
        }
    }
    let started = std::time::Instant::now();
    let offences: toml::Table = include_str!("../rules/offences.toml").parse()?;
    let config: toml::Table = include_str!("../rules/tryg.toml").parse()?;
    let vocabulary = |key: &str| -> Vec<String> {
        let tokens = config["vocabulary"][key].as_array().unwrap().iter();
        tokens.map(|t| t.as_str().unwrap().to_owned()).collect()
    };
    let category = |o: &toml::Value| o["category"].as_str().unwrap().to_owned();
    let mut codes: Vec<_> = offences
        .iter()
        .map(|(c, o)| (c.clone(), category(o)))
        .collect();
    codes.sort();
    let (risk, protective) = (vocabulary("risk_factors"), vocabulary("protective_factors"));
    let g = &mut Gen::new(seed, codes, vocabulary("tags"));
    let days = DayTable::new(as_of, -62 * YEAR);
    let (age, place) = (weights(61, age_weight), weights(4, |p| PLACES[p].1));
    let count = weights(COUNTS.len(), |c| COUNTS[c].2);
    let (sex, factors) = (
        WeightedIndex::new([62, 35, 1, 2])?,
        WeightedIndex::new([50, 25, 14, 7, 3, 1])?,
    );
    // One event of each code, kind and tag, one per adult, the rest to the last person.
    let theft = g.codes.iter().position(|c| c.1 == "theft").unwrap_or(0) as u16;
    let mut coverage: Vec<_> = (0..g.codes.len())
        .map(|c| (SUSPICION, c as u16, NONE))
        .collect();
    coverage.extend([CHARGE, CONVICTION, VICTIM].map(|k| (k, theft, NONE)));
    coverage.extend((0..g.tags.len()).map(|t| (OBSERVATION, NONE, t as u16)));
    coverage.extend([CONCERN, CUSTODY, RELEASE].map(|k| (k, NONE, NONE)));

    fs::create_dir_all(&out)?;
    let mut person_file = BufWriter::with_capacity(1 << 20, File::create(out.join("persons.csv"))?);
    let mut event_file = BufWriter::with_capacity(1 << 20, File::create(out.join("events.csv"))?);
    person_file.write_all(b"person_id,birth_date,sex,municipality,district,address_known,gang_affiliation,in_custody,exit_program,last_letter_date,risk_factors,protective_factors\n")?;
    event_file.write_all(b"event_id,person_id,date,kind,offence_code,case_id,tag\n")?;
    let (mut r, mut list) = (Row(Vec::with_capacity(256)), Vec::new());
    let (mut event_no, mut after, mut most) = (0u64, 0u64, 0usize);
    for p in 1..=persons {
        let years = age.sample(&mut g.rng) as i32;
        let birth = -(years * 36525 / 100 + g.rng.random_range(0..YEAR));
        let odds = [[900, 50, 30, 20], [995, 5, 0, 0]][usize::from(!(14..=35).contains(&years))];
        let gang = WeightedIndex::new(odds)?.sample(&mut g.rng);
        let affiliated = usize::from(gang > 0);
        let custody = g.rng.random_range(0..[200, 8][affiliated]) == 0;
        r.id(b'P', p, 7);
        r.cell(days.get(birth));
        r.cell(["M", "F", "X", ""][sex.sample(&mut g.rng)]);
        let (town, _, districts) = PLACES[place.sample(&mut g.rng)];
        r.cell(town);
        r.cell(pick(&mut g.rng, districts));
        let address_known = ["", "", "", "", "", "true", "true", "false"];
        r.cell(pick(&mut g.rng, &address_known));
        let none = pick(&mut g.rng, &["", "none"]);
        r.cell([none, "peripheral", "bubbler", "core"][gang]);
        let free = pick(&mut g.rng, &["", "", "", "false"]);
        r.cell(if custody { "true" } else { free });
        let exit = g.rng.random_range(0..[1000, 16][affiliated]) == 0;
        r.cell(if exit { "true" } else { "" });
        let letter = years >= 10 && g.rng.random_range(0..[200, 3][affiliated]) == 0;
        let letter_date = g.rng.random_range(-1100..30); // may be after the as-of date
        r.cell(if letter { days.get(letter_date) } else { b"" });
        let n = factors.sample(&mut g.rng) + affiliated + usize::from(custody);
        r.subset(&mut g.rng, &risk, n);
        let n = factors.sample(&mut g.rng);
        r.subset(&mut g.rng, &protective, n);
        r.finish(&mut person_file, 12)?;

        // Events: the drawn count of episodes, date-sorted but for late registrations.
        let (lo, hi, _) = COUNTS[(count.sample(&mut g.rng) + usize::from(gang > 1)).min(8)];
        let n = g.rng.random_range(lo..=hi) as usize;
        let who = Person {
            birth,
            gang,
            earliest: (birth + 1).max(-HORIZON),
        };
        list.clear();
        let take = if p == persons {
            usize::MAX
        } else {
            usize::from(years >= 18 && n > 0)
        };
        for (kind, code, tag) in coverage.drain(..take.min(coverage.len())) {
            let case = if code == NONE { 0 } else { g.new_case() };
            let date = g.when(&who, birth + 12 * YEAR);
            list.push(Event(date, kind, code, case, tag));
        }
        let covered = list.len();
        g.events(&who, n, &mut list);
        list.truncate(n.max(covered));
        list.sort_by_key(|e| e.0);
        for i in 1..list.len() {
            if g.rng.random_range(0..8u32) == 0 {
                list.swap(i - 1, i); // registered late
            }
        }
        most = most.max(list.len());
        for &Event(date, kind, code, case, tag) in &list {
            event_no += 1;
            after += u64::from(date > 0);
            r.id(b'E', event_no, 8);
            r.0.push(b',');
            r.id(b'P', p, 7);
            r.cell(days.get(date));
            r.cell(KINDS[kind]);
            r.cell(g.codes.get(code as usize).map_or("", |c| c.0.as_str()));
            r.0.push(b',');
            if case != 0 {
                r.id(b'C', case.into(), 8);
            }
            r.cell(g.tags.get(tag as usize).map_or("", String::as_str));
            r.finish(&mut event_file, 7)?;
        }
    }
    person_file.flush()?;
    event_file.flush()?;
    let per = event_no as f64 / persons.max(1) as f64;
    let took = started.elapsed();
    eprintln!(
        "generate: {persons} persons, {event_no} events ({per:.2} per person, at most {most}, {after} after {as_of}) in {} in {took:.1?}",
        out.display()
    );
    Ok(())
}
