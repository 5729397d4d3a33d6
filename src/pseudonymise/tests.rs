//! The pipeline on small extracts held in memory. The CPR numbers here are
//! synthetic: made up for the tests, attached to no real record.

use super::key::Key;
use super::table::SharedTable;
use super::*;

fn keyed() -> Pseudonymiser {
    Pseudonymiser::new(&Key::from_bytes([42; 32]))
}

fn settings(id_column: &str) -> Settings {
    Settings {
        id_column: id_column.into(),
        forbidden_columns: vec!["ethnicity".into(), "religion".into()],
        max_problems_per_file: 50,
        collect_map: true,
    }
}

/// The outputs of a run, or its problems rendered.
struct Run {
    result: Result<Report, Error>,
    persons: String,
    events: String,
}

fn run_with(keyed: &Pseudonymiser, id_column: &str, persons: &str, events: &str) -> Run {
    let table = |name: &str, text: &str| {
        SharedTable::new(
            crate::load::Input::from_bytes(name, text.as_bytes().to_vec()),
            &crate::load::table::Options::default(),
        )
        .expect("a header")
    };
    let (mut p, mut e) = (table("p.csv", persons), table("e.csv", events));
    let (mut out_p, mut out_e) = (Vec::new(), Vec::new());
    let result = pseudonymise(
        keyed,
        &mut p,
        &mut e,
        &settings(id_column),
        Output {
            persons: &mut out_p,
            events: &mut out_e,
        },
    );
    Run {
        result,
        persons: String::from_utf8(out_p).unwrap(),
        events: String::from_utf8(out_e).unwrap(),
    }
}

fn run(persons: &str, events: &str) -> Run {
    run_with(&keyed(), "cpr", persons, events)
}

fn problems(run: &Run) -> String {
    match &run.result {
        Err(Error::Input(d)) => d.to_string(),
        Err(e) => panic!("not an input problem: {e}"),
        Ok(_) => panic!("the extract was accepted:\n{}", run.persons),
    }
}

const PERSONS: &str = "\
cpr,name,municipality,sex,phone,ethnicity
010212-4321,Ali Hansen,København,M,12345678,x
6105124321,Mette Jensen,Albertslund,F,87654321,y
";
const EVENTS: &str = "\
event_id,cpr,date,kind,offence_code,case_id,note
E1,0102124321,2026-01-02,charge,73241,K-7,said something
E2,0102124321,2026-02-03,conviction,73241,K-7,
E3,610512-4321,2026-03-04,concern,,,school called
";

#[test]
fn an_extract_becomes_a_batch_of_pseudonyms() {
    let r = run(PERSONS, EVENTS);
    let report = r.result.as_ref().unwrap();
    let k = keyed();
    let p1 = k.person(&Cpr::parse("0102124321").unwrap()).to_string();
    let p2 = k.person(&Cpr::parse("6105124321").unwrap()).to_string();
    assert_eq!(
        r.persons,
        format!(
            "person_id,birth_date,sex,municipality\n{p1},2012-02-01,M,København\n{p2},2012-05-01,F,Albertslund\n"
        )
    );
    let (e1, e2, e3) = (k.event("E1"), k.event("E2"), k.event("E3"));
    let c = k.case("K-7");
    assert_eq!(
        r.events,
        format!(
            "event_id,person_id,date,kind,offence_code,case_id\n\
             {e1},{p1},2026-01-02,charge,73241,{c}\n\
             {e2},{p1},2026-02-03,conviction,73241,{c}\n\
             {e3},{p2},2026-03-04,concern,,\n"
        )
    );
    assert_eq!(report.birth_dates, BirthDates::FromCpr);
    let names = |list: &[ColumnName]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(names(&report.persons.dropped), ["`name`", "`phone`"]);
    assert_eq!(names(&report.persons.forbidden), ["`ethnicity`"]);
    assert_eq!(names(&report.events.dropped), ["`note`"]);
    assert_eq!((report.persons.rows, report.events.rows), (2, 3));
    // The map: two persons, three events, one case, in order of appearance.
    let kinds: Vec<_> = report
        .entries
        .iter()
        .map(|e| e.pseudonym.kind().letter())
        .collect();
    assert_eq!(kinds, ['p', 'p', 'e', 'c', 'e', 'e']);
    assert_eq!(report.entries[0].value, "0102124321");
}

#[test]
fn the_same_key_gives_the_same_batch_and_another_key_another() {
    let (a, b) = (run(PERSONS, EVENTS), run(PERSONS, EVENTS));
    assert_eq!((&a.persons, &a.events), (&b.persons, &b.events));
    let other = run_with(
        &Pseudonymiser::new(&Key::from_bytes([7; 32])),
        "cpr",
        PERSONS,
        EVENTS,
    );
    assert_ne!(a.persons, other.persons);
    assert_ne!(a.events, other.events);
}

#[test]
fn a_given_birth_date_is_kept_and_an_empty_one_derived() {
    let r = run(
        "cpr,birth_date,municipality\n0102124321,2012-02-01,København\n0103124321,,København\n",
        "event_id,cpr,date,kind\n",
    );
    let report = r.result.as_ref().unwrap();
    assert_eq!(report.birth_dates, BirthDates::FromCprWhereEmpty(1));
    let dates: Vec<_> = r
        .persons
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(dates, ["2012-02-01", "2012-03-01"]);
}

#[test]
fn every_bad_cpr_class_is_located_and_not_shown() {
    let persons = "\
cpr,municipality
0102124321,København
3213124321,København
102121234,København
010212-12x4,København
01021243215,København
,København
2902130000,København
";
    let r = run(
        persons,
        "event_id,cpr,date,kind\nE1,0102124321,2026-01-01,concern\n",
    );
    let text = problems(&r);
    assert_eq!(
        text,
        "\
p.csv:3:1: error[cpr-impossible-date]: `cpr` is not a CPR number: the value (not shown) does not start with a real birth date (DDMMYY, day + 60 for a replacement number, century from the seventh digit)
  hint: check the number against its source: it cannot be a CPR number
p.csv:4:1: error[cpr-wrong-length]: `cpr` is not a CPR number: the value (not shown) has 9 digits; a CPR number has 10 (DDMMYY-SSSS)
  hint: a spreadsheet may have dropped a leading zero: format the CPR column as text before exporting
p.csv:5:1: error[cpr-stray-character]: `cpr` is not a CPR number: the value (not shown) holds a character that is not a digit at position 10 (a CPR number is DDMMYY-SSSS or ten digits)
  hint: write CPR numbers as DDMMYY-SSSS or as ten digits; if this column holds another id, name the CPR column with --id-column
p.csv:6:1: error[cpr-wrong-length]: `cpr` is not a CPR number: the value (not shown) has 11 digits; a CPR number has 10 (DDMMYY-SSSS)
  hint: write CPR numbers as DDMMYY-SSSS or as ten digits; if this column holds another id, name the CPR column with --id-column
p.csv:7:1: error[missing-value]: the CPR number (`cpr`) is empty
p.csv:8:1: error[cpr-impossible-date]: `cpr` is not a CPR number: the value (not shown) does not start with a real birth date (DDMMYY, day + 60 for a replacement number, century from the seventh digit)
  hint: check the number against its source: it cannot be a CPR number
"
    );
    for value in ["3213", "10212123", "12x4", "2902"] {
        assert!(!text.contains(value), "{value} shown in:\n{text}");
    }
}

#[test]
fn bad_cpr_numbers_in_the_events_file_are_located_too() {
    let r = run(
        PERSONS,
        "event_id,cpr,date,kind\nE1,0102124321,2026-01-01,concern\nE2,01021212,2026-01-01,concern\n",
    );
    assert_eq!(
        problems(&r).lines().next().unwrap(),
        "e.csv:3:2: error[cpr-wrong-length]: `cpr` is not a CPR number: the value (not shown) has 8 digits; a CPR number has 10 (DDMMYY-SSSS)"
    );
}

#[test]
fn duplicates_unknown_persons_and_cpr_numbers_in_other_columns() {
    let persons = "\
cpr,municipality,district
0102124321,København,
010212-4321,København,
0103124321,København,ring 0104124321
";
    let events = "\
event_id,cpr,date,kind,tag
E1,0102124321,2026-01-01,concern,
E1,0102124321,2026-01-02,concern,
E2,0105124321,2026-01-02,concern,
E3,0102124321,2026-01-02,concern,010212-4321
";
    let text = problems(&run(persons, events));
    assert_eq!(
        text,
        "\
p.csv:3:1: error[duplicate-id]: this CPR number (not shown) already appears on line 2: one row per person
p.csv:4:3: error[cpr-in-cell]: `district` holds what looks like a CPR number (not shown); only the CPR column may hold one, and it is replaced
  hint: remove the number from the cell; tryg never passes a CPR number on
e.csv:3:1: error[duplicate-id]: this `event_id` (not shown) already appears on line 2
e.csv:5:5: error[cpr-in-cell]: `tag` holds what looks like a CPR number (not shown); only the CPR column may hold one, and it is replaced
  hint: remove the number from the cell; tryg never passes a CPR number on
",
        "the unknown person of line 4 is not reported: the persons file has problems"
    );
    let r = run(
        "cpr,municipality\n0102124321,København\n",
        "event_id,cpr,date,kind\nE1,0105124321,2026-01-02,concern\n",
    );
    assert_eq!(
        problems(&r),
        "e.csv:2:2: error[unknown-person]: no row of the persons file has this CPR number (not shown)\n"
    );
}

#[test]
fn the_named_column_or_person_id_holds_the_cpr_number() {
    let r = run_with(
        &keyed(),
        "person_id",
        "person_id,municipality\n0102124321,København\n",
        "event_id,person_id,date,kind\nE1,0102124321,2026-01-02,concern\n",
    );
    assert!(r.result.is_ok(), "{}", problems(&r));
    // A `person_id` that is not the CPR column is dropped, never passed on.
    let r = run(
        "person_id,cpr,municipality\nP7,0102124321,København\n",
        "event_id,cpr,person_id,date,kind\nE1,0102124321,P7,2026-01-02,concern\n",
    );
    let report = r.result.as_ref().unwrap();
    assert_eq!(report.persons.dropped[0].to_string(), "`person_id`");
    assert!(!r.persons.contains("P7") && !r.events.contains("P7"));
}

#[test]
fn header_problems_of_both_files_come_at_once() {
    let text = problems(&run("cpr,name\n", "id,date\n"));
    assert_eq!(
        text,
        "\
p.csv:1: error[missing-column]: required column `municipality` is missing
e.csv:1: error[missing-column]: the CPR column `cpr` is missing
  hint: name the column holding the CPR numbers with --id-column NAME
"
    );
}

/// Distinct synthetic CPR numbers: every day from 2012, serial 4321.
fn many_cprs(n: usize) -> Vec<String> {
    let start = crate::time::parse_date("2012-01-01").unwrap();
    (0..n)
        .map(|i| {
            let d = crate::time::add_days(start, i as i64);
            format!("{}4321", d.format("%d%m%y"))
        })
        .collect()
}

#[test]
fn a_collision_of_persons_refuses_the_batch() {
    // One byte kept: 200 persons cannot all get distinct pseudonyms.
    let colliding = Pseudonymiser::colliding(&Key::from_bytes([42; 32]), 1);
    let mut persons = String::from("cpr,municipality\n");
    for cpr in many_cprs(200) {
        persons.push_str(&format!("{cpr},København\n"));
    }
    let r = run_with(&colliding, "cpr", &persons, "event_id,cpr,date,kind\n");
    let text = problems(&r);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("error[pseudonym-collision]: this CPR number gets the same pseudonym as the different one on line"),
        "{text}"
    );
    // With the full 16 bytes the same persons are fine.
    assert!(
        run_with(&keyed(), "cpr", &persons, "event_id,cpr,date,kind\n")
            .result
            .is_ok()
    );
}

#[test]
fn a_collision_of_events_or_cases_refuses_the_batch() {
    let colliding = Pseudonymiser::colliding(&Key::from_bytes([42; 32]), 1);
    let persons = "cpr,municipality\n0102124321,København\n";
    let mut events = String::from("event_id,cpr,date,kind,case_id\n");
    for i in 0..200 {
        events.push_str(&format!("E{i},0102124321,2026-01-01,concern,K{i}\n"));
    }
    let text = problems(&run_with(&colliding, "cpr", persons, &events));
    assert!(
        text.contains("error[pseudonym-collision]: this `event_id` gets"),
        "{text}"
    );
    assert!(
        text.contains("error[pseudonym-collision]: this `case_id` gets"),
        "{text}"
    );
}

#[test]
fn rows_that_cannot_be_read_are_reported_with_the_rest() {
    let text = problems(&run(
        "cpr,municipality\n0102124321\n0102124321,København\n",
        "event_id,cpr,date,kind\n",
    ));
    assert!(
        text.starts_with("p.csv:2: error[wrong-field-count]"),
        "{text}"
    );
}

#[test]
fn a_line_break_matters_only_in_a_column_that_is_passed_on() {
    // In a dropped column (`name`, the events' `note`) it is never read.
    let persons = PERSONS.replacen("Ali Hansen", "\"Ali\nHansen\"", 1);
    let events = EVENTS.replacen("said something", "\"said\nsomething\"", 1);
    let r = run(&persons, &events);
    assert!(r.result.is_ok(), "{}", problems(&r));
    // In `municipality` it is refused, at its line and column.
    let persons = PERSONS.replacen("København", "\"Køben\nhavn\"", 1);
    let r = run(&persons, EVENTS);
    let shown = problems(&r);
    assert!(
        shown.starts_with("p.csv:2:3: error[line-break-in-value]: `municipality`"),
        "{shown}"
    );
}
