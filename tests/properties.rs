//! Properties over random input (proptest), each checked on a modest number
//! of cases so the suite stays quick on two cores (the count is beside each;
//! `PROPTEST_CASES=N` runs N of each instead):
//!
//! - calendar arithmetic (`tryg::time`) against a reference written from the
//!   Gregorian rules alone, over random dates with 29 February and month ends
//!   crowded in;
//! - one outcome per person, in input order, whatever the ids, their order and
//!   which persons' rules fail;
//! - a batch screened gives each person the outcome they get screened alone,
//!   except the letter's rank and `in_batch` (which depend on the others) and
//!   the run header;
//! - the same bytes in every format for 1, 2 and 7 threads, in the library
//!   (batches long enough to span several of the memo's stretches) and through
//!   `tryg screen --threads`.

use std::sync::Arc;

use proptest::prelude::*;
use tryg::outcome::{Outcome, Status};
use tryg::output::{self, Format};
use tryg::ruleset::{RulePack, RuleSet};
use tryg::screen::Screening;
use tryg::time::{self, Date};

use crate::differential::{config, load, model, rule_set};
use crate::random_batch::{self, Model, Rendered};

/// The Gregorian calendar from its rules, without chrono: days are counted
/// from 0001-01-01 (day 0).
mod reference {
    /// A date as (year, month, day).
    pub type Ymd = (i64, u32, u32);

    pub fn leap(y: i64) -> bool {
        y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
    }

    pub fn days_in(y: i64, m: u32) -> u32 {
        match m {
            2 if leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    fn year_len(y: i64) -> i64 {
        if leap(y) { 366 } else { 365 }
    }

    /// Days from 0001-01-01 to a date of year 1 or later.
    pub fn day_number((y, m, d): Ymd) -> i64 {
        let before = y - 1;
        let years = before * 365 + before / 4 - before / 100 + before / 400;
        let months: i64 = (1..m).map(|k| i64::from(days_in(y, k))).sum();
        years + months + i64::from(d) - 1
    }

    /// The date `n` days after 0001-01-01 (`n` ≥ 0), by whole 400-year
    /// cycles (146,097 days each), then years, then months.
    pub fn from_day_number(mut n: i64) -> Ymd {
        let mut y = 1 + 400 * (n / 146_097);
        n %= 146_097;
        while n >= year_len(y) {
            n -= year_len(y);
            y += 1;
        }
        let mut m = 1;
        while n >= i64::from(days_in(y, m)) {
            n -= i64::from(days_in(y, m));
            m += 1;
        }
        (y, m, n as u32 + 1)
    }

    /// The last day written as `YYYY-MM-DD`: 9999-12-31.
    pub fn last_day() -> i64 {
        day_number((9999, 12, 31))
    }

    /// Whole years from `birth` to `on`; `None` before the birth. A birthday
    /// is reached when (month, day) is reached, so 29 February's comes on 1
    /// March in a common year.
    pub fn age(birth: Ymd, on: Ymd) -> Option<i64> {
        if on < birth {
            return None;
        }
        Some(on.0 - birth.0 - i64::from((on.1, on.2) < (birth.1, birth.2)))
    }

    /// `months` calendar months after `(y, m, d)` (negative: before), the day
    /// clamped to the month's last: `None` before year 1 or after 9999.
    pub fn add_months((y, m, d): Ymd, months: i64) -> Option<Ymd> {
        let total = i128::from(y) * 12 + i128::from(m - 1) + i128::from(months);
        let year = total.div_euclid(12);
        if !(1..=9999).contains(&year) {
            return None;
        }
        let year = year as i64;
        let month = total.rem_euclid(12) as u32 + 1;
        Some((year, month, d.min(days_in(year, month))))
    }

    /// `days` after a date (negative: before): `None` outside years 1–9999.
    pub fn add_days(date: Ymd, days: i64) -> Option<Ymd> {
        let n = i128::from(day_number(date)) + i128::from(days);
        (0..=i128::from(last_day()))
            .contains(&n)
            .then(|| from_day_number(n as i64))
    }
}

use reference::Ymd;

fn ymd(d: Date) -> Ymd {
    use chrono::Datelike;
    (i64::from(d.year()), d.month(), d.day())
}

fn date((y, m, d): Ymd) -> Date {
    Date::from_ymd_opt(y as i32, m, d).expect("a real date")
}

/// Any date in years 1–9999, with 29 February, month ends, the turn of the
/// year and the years around today crowded in.
fn any_date() -> impl Strategy<Value = Date> {
    let real = |(y, m, d): (i64, u32, u32)| date((y, m, d.min(reference::days_in(y, m))));
    prop_oneof![
        (1i64..=9999, 1u32..=12, 1u32..=31).prop_map(real),
        (1890i64..=2110, 1u32..=12, 1u32..=31).prop_map(real),
        // 29 February of a leap year (a century year only when it is one).
        (1i64..=2499).prop_map(|k| {
            let y = 4 * k;
            if reference::leap(y) {
                date((y, 2, 29))
            } else {
                date((y, 2, 28))
            }
        }),
        // The last day of a month, and the first of the next.
        (1i64..=9999, 1u32..=12, any::<bool>()).prop_map(|(y, m, last)| {
            let end = (y, m, reference::days_in(y, m));
            if last {
                date(end)
            } else {
                date(reference::add_days(end, 1).unwrap_or(end))
            }
        }),
    ]
}

/// A day count or month count: small ones (a window), and now and then one
/// that runs past the calendar.
fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -800i64..=800,
        2 => -4_000_000i64..=4_000_000,
        1 => any::<i64>(),
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
    ]
}

proptest! {
    // Calendar cases are cheap: 256 each.
    #![proptest_config(config(256))]

    #[test]
    fn age_on_is_whole_years_reached(birth in any_date(), on in any_date()) {
        let want = reference::age(ymd(birth), ymd(on)).map(|a| a as u32);
        prop_assert_eq!(time::age_on(birth, on), want);
    }

    #[test]
    fn age_on_near_birthdays(
        birth in any_date(),
        years in 0i64..=40,
        shift in -3i64..=3,
    ) {
        // Around the birthday `years` on, where an age changes.
        let Some(birthday) = reference::add_months(ymd(birth), 12 * years) else {
            return Ok(());
        };
        let Some(on) = reference::add_days(birthday, shift) else { return Ok(()) };
        let want = reference::age(ymd(birth), on).map(|a| a as u32);
        prop_assert_eq!(time::age_on(birth, date(on)), want);
    }

    #[test]
    fn months_before_is_the_same_day_or_the_month_end(as_of in any_date(), months in 0u32..=130_000) {
        let got = time::months_before(as_of, months);
        match reference::add_months(ymd(as_of), -i64::from(months)) {
            Some(want) => prop_assert_eq!(ymd(got), want),
            // Before year 1: somewhere before it (chrono reaches further back).
            None => prop_assert!(time::year(got) < 1),
        }
    }

    #[test]
    fn days_before_counts_days(as_of in any_date(), days in prop_oneof![0u32..=4_000, any::<u32>()]) {
        let got = time::days_before(as_of, days);
        match reference::add_days(ymd(as_of), -i64::from(days)) {
            Some(want) => prop_assert_eq!(ymd(got), want),
            None => prop_assert!(time::year(got) < 1),
        }
    }

    #[test]
    fn checked_add_days_stays_in_written_years(d in any_date(), days in amount()) {
        let want = reference::add_days(ymd(d), days);
        prop_assert_eq!(time::checked_add_days(d, days).map(ymd), want);
        // The saturating form agrees wherever the result can be written.
        if let Some(want) = want {
            prop_assert_eq!(ymd(time::add_days(d, days)), want);
        }
    }

    #[test]
    fn checked_add_months_stays_in_written_years(d in any_date(), months in amount()) {
        let want = reference::add_months(ymd(d), months);
        prop_assert_eq!(time::checked_add_months(d, months).map(ymd), want);
        if let Some(want) = want {
            prop_assert_eq!(ymd(time::add_months(d, months)), want);
        }
    }

    #[test]
    fn dates_round_trip_through_their_text(d in any_date()) {
        let (y, m, day) = ymd(d);
        let text = format!("{y:04}-{m:02}-{day:02}");
        prop_assert_eq!(time::parse_date(&text), Some(d));
        prop_assert!(time::in_written_range(d));
    }
}

/// `add_days` and `add_months` saturate at the ends of the calendar, and the
/// rule API's checked forms refuse what cannot be written.
#[test]
fn far_shifts_saturate_or_are_refused() {
    let d = time::parse_date("2026-11-23").unwrap();
    assert_eq!(time::add_days(d, i64::MAX), Date::MAX);
    assert_eq!(time::add_days(d, i64::MIN), Date::MIN);
    assert_eq!(time::add_months(d, i64::MAX), Date::MAX);
    assert_eq!(time::add_months(d, i64::MIN), Date::MIN);
    assert_eq!(time::checked_add_days(d, i64::MAX), None);
    assert_eq!(time::checked_add_months(d, i64::MIN), None);
}

/// A person id from the data contract's alphabet that cannot look like a CPR
/// number (it starts with a letter or `_`).
fn person_id() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_-]{0,20}"
}

/// The default pack with one more rule file that throws for persons whose id
/// has a length divisible by 3: error outcomes among the others.
fn pack_with_failures() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| pack_with_rule("if person.id.len() % 3 == 0 { throw \"no\"; }\n"))
}

/// The default pack with one more rule file that fails the same way for
/// everyone aged 12 or more: long runs of failures, which stop the rule file
/// for the rest of the batch (`screen::STOP_AFTER`).
fn pack_with_streaks() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| pack_with_rule("if person.age >= 12 { throw \"no\"; }\n"))
}

/// The default pack with `source` as one more rule file, run last.
fn pack_with_rule(source: &str) -> RuleSet {
    {
        let mut pack = RulePack::built_in();
        for (name, text) in &mut pack.files {
            if name == "tryg.toml" {
                *text = text.replacen(
                    "    \"home_visit\",\n",
                    "    \"home_visit\",\n    \"fails\",\n",
                    1,
                );
            }
        }
        pack.files.push(("fails.rhai".into(), source.into()));
        RuleSet::load(pack).unwrap_or_else(|e| panic!("{}", e.render()))
    }
}

/// `rendered` with person `P{n:03}` renamed `ids[n - 1]` in both files (and in
/// the case ids made from it).
fn renamed(rendered: &Rendered, ids: &[String]) -> Rendered {
    let rename = |text: &str| -> String {
        let mut out = String::new();
        for line in text.lines() {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            for cell in &mut cells {
                for (n, id) in ids.iter().enumerate() {
                    let old = format!("P{:03}", n + 1);
                    if *cell == old {
                        *cell = id.clone();
                    } else if let Some(rest) = cell.strip_prefix(&format!("C{old}-")) {
                        *cell = format!("C{id}-{rest}");
                    }
                }
            }
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    };
    Rendered {
        as_of: rendered.as_of,
        persons: rename(&rendered.persons),
        events: rename(&rendered.events),
    }
}

/// A model with its persons renamed by unique random ids, in random order.
fn model_with_ids() -> impl Strategy<Value = (Model, Vec<String>)> {
    model(24, 8).prop_flat_map(|m| {
        let n = m.persons.len();
        (
            Just(m),
            prop::collection::hash_set(person_id(), n..=n)
                .prop_map(|ids| ids.into_iter().collect::<Vec<_>>())
                .prop_shuffle(),
        )
    })
}

proptest! {
    // Each case screens a batch of up to 24 persons (and renders it): 128.
    #![proptest_config(config(128))]

    #[test]
    fn one_outcome_per_person_in_input_order((model, ids) in model_with_ids()) {
        let rendered = renamed(&random_batch::render(&model), &ids);
        for rules in [rule_set(model.variant), pack_with_failures()] {
            let batch = load(rules, &rendered);
            let report = tryg::screen::screen_shared(rules, Arc::clone(&batch), rendered.as_of);
            let listed: Vec<&str> = report.outcomes.iter().map(|o| o.person_id.as_str()).collect();
            prop_assert_eq!(&listed, &ids.iter().map(String::as_str).collect::<Vec<_>>());
            // And so in every format that lists persons.
            let mut json = Vec::new();
            output::render(&report, Format::Json, &mut json).unwrap();
            let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
            let in_json: Vec<&str> = json["outcomes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["person_id"].as_str().unwrap())
                .collect();
            prop_assert_eq!(&in_json, &listed);
            let mut csv = Vec::new();
            output::render(&report, Format::Csv, &mut csv).unwrap();
            let in_csv: Vec<String> = csv::Reader::from_reader(csv.as_slice())
                .records()
                .map(|r| r.unwrap()[0].to_string())
                .collect();
            prop_assert_eq!(&in_csv, &ids);
            let counts = &report.run.counts;
            prop_assert_eq!(counts.persons, ids.len());
            let errors = report.outcomes.iter().filter(|o| o.status == Status::Error).count();
            prop_assert_eq!(counts.errors, errors);
        }
    }

    #[test]
    fn a_batch_screens_each_person_as_alone(model in model(12, 10)) {
        let rendered = random_batch::render(&model);
        let rules = rule_set(model.variant);
        let batch = load(rules, &rendered);
        let together = tryg::screen::screen_shared(rules, Arc::clone(&batch), rendered.as_of);
        for (n, outcome) in together.outcomes.iter().enumerate() {
            let id = format!("P{:03}", n + 1);
            let alone = Rendered {
                as_of: rendered.as_of,
                persons: only(&rendered.persons, 0, &id),
                events: only(&rendered.events, 1, &id),
            };
            let single = load(rules, &alone);
            let report = tryg::screen::screen_shared(rules, single, rendered.as_of);
            prop_assert_eq!(report.outcomes.len(), 1);
            prop_assert_eq!(
                without_rank(&report.outcomes[0]),
                without_rank(outcome),
                "{} screened alone differs from {} in the batch", id, id
            );
        }
    }
}

/// The header and the rows of `text` whose cell `column` is `id`.
fn only(text: &str, column: usize, id: &str) -> String {
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap_or_default());
    for line in lines.filter(|l| l.split(',').nth(column) == Some(id)) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// An outcome without what depends on the rest of the batch: the letter's
/// rank and whether it is in this meeting's batch.
fn without_rank(outcome: &Outcome) -> Outcome {
    let mut outcome = outcome.clone();
    if let Some(letter) = outcome.concern_letter.as_mut() {
        letter.rank = 0;
        letter.in_batch = false;
    }
    outcome
}

/// Every format's bytes of one screening, made on a pool of `threads`
/// workers as `tryg screen --threads` makes it.
fn rendered_on(threads: usize, rules: &RuleSet, rendered: &Rendered) -> Vec<Vec<u8>> {
    let pool = tryg::cmd::worker_pool(Some(threads)).expect("a pool");
    pool.install(|| {
        let batch = load(rules, rendered);
        let screening = Screening::new(rules, Arc::clone(&batch), rendered.as_of, true, &|| {});
        let mut out: Vec<Vec<u8>> = [Format::Table, Format::Json, Format::Csv]
            .into_iter()
            .map(|format| {
                let mut bytes = Vec::new();
                output::stream(&screening, format, &mut bytes).unwrap();
                bytes
            })
            .collect();
        let mut report = screening.report();
        tryg::screen::describe_events(&mut report, &batch, rules);
        let mut html = Vec::new();
        output::render(&report, Format::Html, &mut html).unwrap();
        out.push(html);
        out
    })
}

/// A model's persons repeated `copies` times (ids renumbered): a batch long
/// enough to span several of the memo's 512-person stretches, cheaply.
fn tiled(model: &Model, copies: usize) -> Model {
    let mut long = model.clone();
    long.persons = (0..copies)
        .flat_map(|_| model.persons.iter().cloned())
        .collect();
    long
}

proptest! {
    // Each case screens up to ~1,400 persons three times: 24.
    #![proptest_config(config(24))]

    #[test]
    fn the_same_bytes_for_1_2_and_7_threads(
        model in model(24, 8),
        copies in 1usize..=60,
        streaks in prop::bool::weighted(0.25),
    ) {
        let model = tiled(&model, copies);
        let rendered = random_batch::render(&model);
        // Now and then with a rule file that fails for run after run of
        // persons, and is stopped: where it stops must not depend on threads.
        let rules = if streaks { pack_with_streaks() } else { rule_set(model.variant) };
        let one = rendered_on(1, rules, &rendered);
        for threads in [2, 7] {
            let many = rendered_on(threads, rules, &rendered);
            for (format, (a, b)) in ["table", "json", "csv", "html"].iter().zip(one.iter().zip(&many)) {
                prop_assert!(a == b, "{}: 1 and {} threads give different bytes", format, threads);
            }
        }
    }
}

proptest! {
    // Each case runs `tryg screen` 12 times (3 thread counts, 4 formats): 8.
    #![proptest_config(config(8))]

    #[test]
    fn tryg_screen_writes_the_same_bytes_for_1_2_and_7_threads(model in model(24, 8), copies in 1usize..=30) {
        // The built-in pack: variants 0 and 1 (`--municipality`) only.
        let model = Model { variant: model.variant % 2, ..model };
        let rendered = random_batch::render(&tiled(&model, copies));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("persons.csv"), &rendered.persons).unwrap();
        std::fs::write(dir.path().join("events.csv"), &rendered.events).unwrap();
        let as_of = rendered.as_of.to_string();
        let mut extra: Vec<String> = Vec::new();
        if let Some(names) = random_batch::variant_municipalities(model.variant) {
            for name in names {
                extra.extend(["--municipality".to_string(), name]);
            }
        }
        for format in ["table", "json", "csv", "html"] {
            let bytes = |threads: &str| {
                let out = crate::support::screen_in(dir.path(), &as_of)
                    .args(["--format", format, "--threads", threads])
                    .args(&extra)
                    .output()
                    .expect("run tryg");
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                out.stdout
            };
            let one = bytes("1");
            for threads in ["2", "7"] {
                prop_assert!(one == bytes(threads), "{}: 1 and {} threads differ", format, threads);
            }
        }
    }
}
