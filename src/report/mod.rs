//! The period report (issue 18 item 3): what the unit did between two dates,
//! counted from the case register, for the half-year report (Albertslund's
//! counts cases opened per level; Indre Nørrebro's conversations held,
//! letters, and the share of registered persons in custody).
//!
//! **Measures** (every one by municipality and by district, and in total):
//!
//! | measure | counts |
//! |---|---|
//! | `opened_level_N` | standing `accept` decisions on `level` at level N dated in the period ("opened" = an accepted level decision); also per month |
//! | `opened` | the same at any level |
//! | `moved_up`, `moved_down` | accepted level decisions in the period whose level is above / below the person's previous accepted level (any date before) |
//! | `letters_proposed` | persons with a concern letter in a meeting's batch in a run as of a day in the period (each person once) |
//! | `letters_sent` | `done` decisions on `letter` dated in the period |
//! | `held_on_time`, `held_late` | `done` decisions on an action (conversations, network councils, …) dated in the period, on or before / after the action's due date in the decision's run (no due date: on time) |
//! | `youth_board_candidates` | persons with a youth-board candidacy in a run as of a day in the period (each once) |
//! | `youth_board_referred` | `accept` decisions on `youth_board` dated in the period |
//! | `actions_overdue_at_end` | actions of the period's last run (the latest run as of a day on or before the period's end) due before the period's last day with no `done` decision on the same person and kind by then |
//! | `gang_registered_at_end`, `gang_in_custody_at_end`, `gang_in_custody_percent_at_end` | screened persons of that run with a gang registration, those in custody, and the share in whole percent (the Indre Nørrebro target is 25 %) |
//!
//! Only standing decisions count (not replaced), whose content is kept. A
//! person's municipality and district are those of the outcome in the run
//! the row belongs to; rows from runs recorded before tryg kept them are
//! counted under `unknown`.
//!
//! **Small numbers.** A count from 1 to 4 is shown as `<5`, so a small
//! district does not point at a child; a share is shown only when at least 5
//! are in custody and at least 5 are not (or none are). Zero is shown. The
//! totals are counted, not summed from shown cells; a reader who subtracts
//! shown cells from a total can still narrow a suppressed cell, so the report
//! is for the unit and its partners, not for publication as it stands.
//!
//! **Shapes.** [`PeriodReport::rows`] is the long form the CSV writes
//! (`measure, municipality, district, period, value`; `municipality` and
//! `district` are `all` for totals; `period` is `FROM..TO` or a month
//! `YYYY-MM`); JSON carries the same rows; HTML ([`html`]) lays them out in
//! tables and inline SVG charts with their numbers written on them.

pub mod html;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Write};

use serde::Serialize;

use crate::store::period::{PeriodFacts, Place};
use crate::time::Date;

/// The report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A page for people: tables and charts.
    Html,
    /// Long form for a spreadsheet's pivot table.
    Csv,
    /// The same rows as JSON.
    Json,
}

/// The word for a total in the `municipality` and `district` columns.
pub const ALL: &str = "all";
/// The word for a place the store does not know.
pub const UNKNOWN: &str = "unknown";

/// How a withheld share is written: an en dash (U+2013), which no
/// spreadsheet reads as a number or a formula.
pub const WITHHELD: &str = "\u{2013}";

/// A cell's value as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A count of 0 or 5 and more.
    Count(u64),
    /// A share in whole percent.
    Percent(u64),
    /// A count from 1 to 4: `<5`.
    Suppressed,
    /// A share that would reveal a count from 1 to 4: `–` (an en dash; `<5`
    /// would read as "under 5 %").
    Withheld,
}

impl Shown {
    /// A count, suppressed from 1 to 4.
    pub fn count(n: u64) -> Shown {
        if (1..5).contains(&n) {
            Shown::Suppressed
        } else {
            Shown::Count(n)
        }
    }

    /// The share `part` of `whole` in whole percent, shown only when
    /// neither `part` nor `whole - part` is from 1 to 4 and `whole` is 5 or
    /// more.
    pub fn share(part: u64, whole: u64) -> Shown {
        let rest = whole.saturating_sub(part);
        if whole < 5 || (1..5).contains(&part) || (1..5).contains(&rest) {
            Shown::Withheld
        } else {
            Shown::Percent((part * 100 + whole / 2) / whole)
        }
    }

    /// The number, unless suppressed.
    pub fn number(self) -> Option<u64> {
        match self {
            Shown::Count(n) | Shown::Percent(n) => Some(n),
            Shown::Suppressed | Shown::Withheld => None,
        }
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Count(n) | Shown::Percent(n) => write!(f, "{n}"),
            Shown::Suppressed => f.write_str("<5"),
            Shown::Withheld => f.write_str(WITHHELD),
        }
    }
}

impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Count(n) | Shown::Percent(n) => s.serialize_u64(*n),
            Shown::Suppressed => s.serialize_str("<5"),
            Shown::Withheld => s.serialize_str(WITHHELD),
        }
    }
}

/// One cell of the long form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The measure's id (the module's table).
    pub measure: String,
    /// A municipality, [`ALL`] or [`UNKNOWN`].
    pub municipality: String,
    /// A district, [`ALL`] (the municipality's total) or [`UNKNOWN`].
    pub district: String,
    /// `FROM..TO`, or a month `YYYY-MM`.
    pub period: String,
    /// The value as shown.
    pub value: Shown,
}

/// The period report.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodReport {
    /// The first day counted.
    pub from: Date,
    /// The last day counted.
    pub to: Date,
    /// The run the "at end" measures read: its id and as-of date.
    pub last_run: Option<(i64, String)>,
    /// The level numbers that have an `opened_level_N` measure (1 to the
    /// highest level decided; at least 1–3).
    pub levels: Vec<i64>,
    /// The months of the period, `YYYY-MM`.
    pub months: Vec<String>,
    /// Every cell, in measure order, then place order (totals first).
    pub rows: Vec<Cell>,
}

/// The measures other than `opened_level_N`, in the order shown.
pub const MEASURES: &[&str] = &[
    "opened",
    "moved_up",
    "moved_down",
    "letters_proposed",
    "letters_sent",
    "held_on_time",
    "held_late",
    "youth_board_candidates",
    "youth_board_referred",
    "actions_overdue_at_end",
    "gang_registered_at_end",
    "gang_in_custody_at_end",
    "gang_in_custody_percent_at_end",
];

/// A place group: (municipality, district), with [`ALL`] for totals.
type Group = (String, String);

fn groups_of(place: &Place) -> [Group; 3] {
    let m = place.municipality.clone().unwrap_or_else(|| UNKNOWN.into());
    let d = place.district.clone().unwrap_or_else(|| UNKNOWN.into());
    [(ALL.into(), ALL.into()), (m.clone(), ALL.into()), (m, d)]
}

/// Counts per (measure, period, group).
#[derive(Default)]
struct Tally {
    counts: HashMap<(String, String, Group), u64>,
    groups: BTreeSet<Group>,
}

impl Tally {
    fn add(&mut self, measure: &str, period: &str, place: &Place) {
        for g in groups_of(place) {
            self.groups.insert(g.clone());
            *self
                .counts
                .entry((measure.to_string(), period.to_string(), g))
                .or_default() += 1;
        }
    }

    fn get(&self, measure: &str, period: &str, g: &Group) -> u64 {
        self.counts
            .get(&(measure.to_string(), period.to_string(), g.clone()))
            .copied()
            .unwrap_or(0)
    }
}

fn month_of(day: &str) -> String {
    day.get(..7).unwrap_or(day).to_string()
}

/// The months from `from` to `to`, `YYYY-MM`.
fn months(from: Date, to: Date) -> Vec<String> {
    use chrono::Datelike;
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

impl PeriodReport {
    /// Counts `facts` for the period `from`..=`to`.
    pub fn new(facts: &PeriodFacts, from: Date, to: Date) -> PeriodReport {
        let (f, t) = (
            from.format("%Y-%m-%d").to_string(),
            to.format("%Y-%m-%d").to_string(),
        );
        let whole = format!("{f}..{t}");
        let within = |day: &str| day >= f.as_str() && day <= t.as_str();
        let mut tally = Tally::default();
        let mut levels: BTreeSet<i64> = [1, 2, 3].into_iter().collect();

        let mut accepted: HashMap<&str, i64> = HashMap::new();
        for d in &facts.decisions {
            let in_period = within(&d.decided_on);
            match (d.proposal.as_str(), d.decision.as_str()) {
                ("level", "accept") => {
                    let level = d.level.unwrap_or(0);
                    if in_period {
                        levels.insert(level);
                        let measure = format!("opened_level_{level}");
                        tally.add(&measure, &whole, &d.place);
                        tally.add("opened", &whole, &d.place);
                        tally.add(&measure, &month_of(&d.decided_on), &d.place);
                        match accepted.get(d.person_id.as_str()) {
                            Some(before) if level > *before => {
                                tally.add("moved_up", &whole, &d.place)
                            }
                            Some(before) if level < *before => {
                                tally.add("moved_down", &whole, &d.place)
                            }
                            _ => {}
                        }
                    }
                    accepted.insert(&d.person_id, level);
                }
                ("letter", "done") if in_period => tally.add("letters_sent", &whole, &d.place),
                ("youth_board", "accept") if in_period => {
                    tally.add("youth_board_referred", &whole, &d.place)
                }
                ("level" | "letter" | "youth_board", _) => {}
                (_, "done") if in_period => {
                    let on_time = d
                        .due
                        .as_deref()
                        .is_none_or(|due| d.decided_on.as_str() <= due);
                    let measure = if on_time { "held_on_time" } else { "held_late" };
                    tally.add(measure, &whole, &d.place);
                }
                _ => {}
            }
        }
        let mut once = |measure: &str, list: &[crate::store::period::Proposed]| {
            let mut seen = HashSet::new();
            for p in list {
                if seen.insert(p.person_id.clone()) {
                    tally.add(measure, &whole, &p.place);
                }
            }
        };
        once("letters_proposed", &facts.letters);
        once("youth_board_candidates", &facts.candidacies);
        let done: HashSet<(&str, &str)> = facts
            .decisions
            .iter()
            .filter(|d| d.decision == "done")
            .map(|d| (d.person_id.as_str(), d.proposal.as_str()))
            .collect();
        for a in &facts.actions {
            let overdue = a.due.as_deref().is_some_and(|due| due < t.as_str());
            if overdue && !done.contains(&(a.person_id.as_str(), a.kind.as_str())) {
                tally.add("actions_overdue_at_end", &whole, &a.place);
            }
        }
        for r in &facts.registered {
            tally.add("gang_registered_at_end", &whole, &r.place);
            if r.in_custody {
                tally.add("gang_in_custody_at_end", &whole, &r.place);
            }
        }
        // Every place any row names, so every measure has every row.
        tally.groups.insert((ALL.into(), ALL.into()));
        let groups: Vec<Group> = ordered(&tally.groups);
        let months = months(from, to);
        let mut rows = Vec::new();
        let cell = |measure: &str, period: &str, g: &Group, value: Shown| Cell {
            measure: measure.to_string(),
            municipality: g.0.clone(),
            district: g.1.clone(),
            period: period.to_string(),
            value,
        };
        for level in &levels {
            let measure = format!("opened_level_{level}");
            for g in &groups {
                rows.push(cell(
                    &measure,
                    &whole,
                    g,
                    Shown::count(tally.get(&measure, &whole, g)),
                ));
            }
            for month in &months {
                for g in &groups {
                    rows.push(cell(
                        &measure,
                        month,
                        g,
                        Shown::count(tally.get(&measure, month, g)),
                    ));
                }
            }
        }
        for measure in MEASURES {
            for g in &groups {
                let value = if *measure == "gang_in_custody_percent_at_end" {
                    Shown::share(
                        tally.get("gang_in_custody_at_end", &whole, g),
                        tally.get("gang_registered_at_end", &whole, g),
                    )
                } else {
                    Shown::count(tally.get(measure, &whole, g))
                };
                rows.push(cell(measure, &whole, g, value));
            }
        }
        PeriodReport {
            from,
            to,
            last_run: facts.last_run.clone(),
            levels: levels.into_iter().collect(),
            months,
            rows,
        }
    }

    /// The period as the `period` column writes it: `FROM..TO`.
    pub fn period(&self) -> String {
        format!(
            "{}..{}",
            self.from.format("%Y-%m-%d"),
            self.to.format("%Y-%m-%d")
        )
    }

    /// The cell of `measure` for `period` and a place group, if any.
    pub fn value(&self, measure: &str, period: &str, group: (&str, &str)) -> Option<Shown> {
        self.rows
            .iter()
            .find(|c| {
                c.measure == measure
                    && c.period == period
                    && c.municipality == group.0
                    && c.district == group.1
            })
            .map(|c| c.value)
    }

    /// The place groups, totals first, then each municipality followed by
    /// its districts.
    pub fn groups(&self) -> Vec<(String, String)> {
        let mut seen = BTreeSet::new();
        for c in &self.rows {
            seen.insert((c.municipality.clone(), c.district.clone()));
        }
        ordered(&seen)
    }

    /// Writes the long form as CSV: `measure, municipality, district,
    /// period, value`. A cell a spreadsheet would run as a formula is
    /// prefixed with `'` (place names come from persons.csv).
    ///
    /// # Errors
    /// Write errors.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        use crate::output::cell::{Cell, CsvOut, CsvStyle};
        let mut csv = CsvOut::new(out, CsvStyle::Plain)?;
        csv.header(&["measure", "municipality", "district", "period", "value"])?;
        for c in &self.rows {
            // `<5` and percentages are text; a count is a number.
            let value = match c.value {
                Shown::Count(n) => Cell::Int(i64::try_from(n).unwrap_or(i64::MAX)),
                _ => Cell::text(c.value.to_string()),
            };
            csv.row(&[
                Cell::text(c.measure.as_str()),
                Cell::text(c.municipality.as_str()),
                Cell::text(c.district.as_str()),
                Cell::text(c.period.as_str()),
                value,
            ])?;
        }
        csv.flush()
    }

    /// Writes the report as one JSON document: `{ "from", "to", "last_run",
    /// "rows": [ { measure, municipality, district, period, value } ] }`,
    /// `value` a number or the string `"<5"`.
    ///
    /// # Errors
    /// Write errors.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        #[derive(Serialize)]
        struct Doc<'a> {
            from: String,
            to: String,
            last_run: Option<LastRun<'a>>,
            rows: &'a [Cell],
        }
        #[derive(Serialize)]
        struct LastRun<'a> {
            id: i64,
            as_of: &'a str,
        }
        let doc = Doc {
            from: self.from.format("%Y-%m-%d").to_string(),
            to: self.to.format("%Y-%m-%d").to_string(),
            last_run: self
                .last_run
                .as_ref()
                .map(|(id, as_of)| LastRun { id: *id, as_of }),
            rows: &self.rows,
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}

/// Totals first, then by municipality with its own total before its
/// districts; [`UNKNOWN`] last within each.
fn ordered(groups: &BTreeSet<Group>) -> Vec<Group> {
    let key = |g: &Group| {
        let rank = |s: &str| match s {
            ALL => 0,
            UNKNOWN => 2,
            _ => 1,
        };
        (rank(&g.0), g.0.clone(), rank(&g.1), g.1.clone())
    };
    let mut out: Vec<Group> = groups.iter().cloned().collect();
    out.sort_by_key(key);
    out
}

/// The numbers behind a report, for the HTML charts: counts per month and
/// level (suppressed as the table shows them).
pub fn by_month(report: &PeriodReport) -> BTreeMap<String, Vec<Shown>> {
    let mut out = BTreeMap::new();
    for month in &report.months {
        let values = report
            .levels
            .iter()
            .map(|l| {
                report
                    .value(&format!("opened_level_{l}"), month, (ALL, ALL))
                    .unwrap_or(Shown::Count(0))
            })
            .collect();
        out.insert(month.clone(), values);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_and_shares_are_suppressed() {
        assert_eq!(Shown::count(0).to_string(), "0");
        assert_eq!(Shown::count(1).to_string(), "<5");
        assert_eq!(Shown::count(4).to_string(), "<5");
        assert_eq!(Shown::count(5).to_string(), "5");
        assert_eq!(Shown::share(5, 20), Shown::Percent(25));
        assert_eq!(Shown::share(0, 20), Shown::Percent(0));
        assert_eq!(Shown::share(3, 20), Shown::Withheld, "3 in custody");
        assert_eq!(Shown::share(17, 20), Shown::Withheld, "3 not in custody");
        assert_eq!(Shown::share(0, 4), Shown::Withheld, "4 registered");
        assert_eq!(Shown::share(7, 7), Shown::Percent(100));
    }

    #[test]
    fn months_span_the_period() {
        let d = |s: &str| crate::time::parse_date(s).unwrap();
        assert_eq!(
            months(d("2026-11-15"), d("2027-02-01")),
            ["2026-11", "2026-12", "2027-01", "2027-02"]
        );
    }
}
