//! Ages and windows at their edges, through the whole pipeline. The default pack
//! is used: a single offence within 12 months makes level 1, so whether an
//! offence is inside a window shows in the level.

use crate::support::{Batch, outcome};

#[test]
fn a_birthday_on_the_as_of_date_counts() {
    let batch = Batch::new(
        &[
            "TODAY,2011-11-23,F,København,,,,,,,,",
            "TOMORROW,2011-11-24,F,København,,,,,,,,",
            "NEWBORN,2026-11-23,F,København,,,,,,,,",
        ],
        &[],
    );
    let report = batch.report("2026-11-23", &[], 0);
    assert_eq!(outcome(&report, "TODAY")["age"], 15);
    assert_eq!(outcome(&report, "TOMORROW")["age"], 14);
    assert_eq!(outcome(&report, "NEWBORN")["age"], 0);
    assert_eq!(outcome(&report, "NEWBORN")["forum"], "none");
}

#[test]
fn a_29_february_birthday_turns_on_1_march_in_common_years() {
    let batch = Batch::new(&["LEAP,2008-02-29,M,København,,,,,,,,"], &[]);
    let before = batch.report("2026-02-28", &[], 0);
    assert_eq!(outcome(&before, "LEAP")["age"], 17);
    assert_eq!(outcome(&before, "LEAP")["forum"], "SSP");
    let after = batch.report("2026-03-01", &[], 0);
    assert_eq!(outcome(&after, "LEAP")["age"], 18);
    assert_eq!(outcome(&after, "LEAP")["forum"], "SSP+");
    let leap_year = batch.report("2028-02-29", &[], 0);
    assert_eq!(outcome(&leap_year, "LEAP")["age"], 20);
}

#[test]
fn a_window_includes_its_first_day_and_the_as_of_date() {
    let batch = Batch::new(
        &[
            "FIRST,2000-01-01,M,København,,,,,,,,",
            "BEFORE,2000-01-01,M,København,,,,,,,,",
            "LAST,2000-01-01,M,København,,,,,,,,",
        ],
        &[
            "E1,FIRST,2025-11-23,charge,90002,,",
            "E2,BEFORE,2025-11-22,charge,90002,,",
            "E3,LAST,2026-11-23,charge,90002,,",
        ],
    );
    let report = batch.report("2026-11-23", &[], 0);
    assert_eq!(
        outcome(&report, "FIRST")["level"],
        1,
        "first day of the 12-month window"
    );
    assert_eq!(
        outcome(&report, "BEFORE")["level"],
        0,
        "the day before the window"
    );
    assert_eq!(
        outcome(&report, "LAST")["level"],
        1,
        "the as-of date itself"
    );
    assert_eq!(
        outcome(&report, "FIRST")["explanation"][0]["evidence"][0],
        "E1"
    );
}

#[test]
fn a_month_window_from_the_31st_ends_on_the_last_day_of_a_short_month() {
    // 31 May minus 3 months is 28 February (2026 is a common year).
    let mut toml = std::fs::read_to_string(crate::support::root().join("rules/tryg.toml")).unwrap();
    toml = toml.replace(
        "coordination meetings (\"uroskabende\", \"utryghedsskabende adfærd\").\nwindow_months = 12",
        "coordination meetings.\nwindow_months = 3",
    );
    assert!(
        toml.contains("window_months = 3"),
        "the test edits level1.window_months"
    );
    let pack = crate::support::rule_pack_copy();
    std::fs::write(pack.path().join("rules/tryg.toml"), toml).unwrap();
    let rules = pack.path().join("rules");
    let rules = rules.to_str().unwrap();
    let batch = Batch::new(
        &[
            "IN,2000-01-01,M,København,,,,,,,,",
            "OUT,2000-01-01,M,København,,,,,,,,",
        ],
        &[
            "E1,IN,2026-02-28,charge,90002,,",
            "E2,OUT,2026-02-27,charge,90002,,",
        ],
    );
    let report = batch.report("2026-05-31", &["--rules", rules], 0);
    assert_eq!(outcome(&report, "IN")["level"], 1);
    assert_eq!(outcome(&report, "OUT")["level"], 0);
}

#[test]
fn retention_keeps_its_first_day_and_says_how_many_it_left_out() {
    let batch = Batch::new(
        &["OLD,1995-01-01,M,København,,,,,,,,"],
        &[
            "E1,OLD,2021-11-23,observation,,,street_life",
            "E2,OLD,2021-11-22,observation,,,street_life",
            "E3,OLD,2019-05-01,charge,73251,,",
        ],
    );
    let report = batch.report("2026-11-23", &[], 0);
    let o = outcome(&report, "OLD");
    let reason = &o["explanation"][0];
    assert_eq!(reason["rule"], "tryg");
    assert_eq!(reason["effect"], "left_out");
    assert_eq!(
        reason["text"],
        "2 events older than 60 months left out (retention)"
    );
    // The serious 2019 charge is past retention: no level 3, nothing at all.
    assert_eq!(o["level"], 0);
}

#[test]
fn events_after_the_as_of_date_are_not_used() {
    let batch = Batch::new(
        &["LATER,2000-01-01,M,København,,,,,,,,"],
        &[
            "E1,LATER,2026-11-24,charge,76319,,",
            "E2,LATER,2026-11-23,observation,,,school_absence",
        ],
    );
    let report = batch.report("2026-11-23", &[], 0);
    let o = outcome(&report, "LATER");
    assert_eq!(o["level"], 0);
    assert_eq!(
        o["explanation"][0]["text"],
        "1 event dated after the as-of date 2026-11-23 left out"
    );
    // Re-screening as of a later date uses it.
    let later = batch.report("2026-11-24", &[], 0);
    assert_eq!(outcome(&later, "LATER")["level"], 3);
}

#[test]
fn a_person_born_after_the_as_of_date_is_out_of_scope() {
    let batch = Batch::new(&["UNBORN,2026-12-01,F,København,,,,,,,,"], &[]);
    let report = batch.report("2026-11-23", &[], 0);
    let o = outcome(&report, "UNBORN");
    assert_eq!(o["status"], "out_of_scope");
    assert_eq!(o["age"], serde_json::Value::Null);
    assert_eq!(
        o["explanation"][0]["text"],
        "Born after the as-of date 2026-11-23: not screened"
    );
}
