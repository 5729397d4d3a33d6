//! `tryg pseudonymise`, `keygen` and `reidentify` end to end: a raw extract
//! with CPR numbers, names and free text becomes a batch `tryg screen`
//! accepts, and no output of any command carries a CPR number or a name.
//!
//! Every CPR number here is synthetic, made up by the test from a date and a
//! serial, and attached to no real record.

use std::path::Path;
use std::process::Output;

use insta_cmd::assert_cmd_snapshot;

use crate::support::{AS_OF, root, tryg_in};

/// A name-like canary and a CPR-like one (both written forms). Each is put
/// into every column of the extract that does not go on.
const NAME_CANARY: &str = "Canarysen Zqxvik";
const CPR_CANARY: &str = "2811094721";
const CPR_CANARY_HYPHENATED: &str = "281109-4721";

/// Synthetic CPR numbers of the extract's persons, ten digits: born
/// 2008–2014 (seventh digit 4: the 2000s).
const CPRS: [&str; 6] = [
    "0102124321",
    "1503104412",
    "3107084523",
    "2902124634",
    "6109114745", // a replacement number: born 1 September 2011
    "1211134856",
];

fn hyphenated(cpr: &str) -> String {
    format!("{}-{}", &cpr[..6], &cpr[6..])
}

/// Both canaries in one cell, as a free-text column might hold them.
fn canaries() -> String {
    format!("\"{NAME_CANARY}, {CPR_CANARY_HYPHENATED} / {CPR_CANARY}\"")
}

/// A raw extract as analysts get it: a `cpr` column (the written forms
/// mixed), a local `person_id`, names, addresses, phone numbers, free text,
/// special-category columns; the events carry police journal numbers.
fn extract_persons() -> String {
    let c = canaries();
    let mut text = String::from(
        "cpr,person_id,name,address,phone,municipality,district,sex,gang_affiliation,risk_factors,ethnicity,religion,note\n",
    );
    let rows = [
        (
            "København",
            "Indre Nørrebro",
            "M",
            "core",
            "school_absence;criminal_peers",
        ),
        ("København", "Indre Nørrebro", "M", "bubbler", ""),
        ("København", "Amager", "F", "none", "family_conflict"),
        ("København", "Bispebjerg", "M", "peripheral", ""),
        ("København", "Indre Nørrebro", "M", "none", ""),
        ("Albertslund", "Lund", "X", "none", ""),
    ];
    for (i, (cpr, (municipality, district, sex, gang, risk))) in CPRS.iter().zip(rows).enumerate() {
        let cpr = if i % 2 == 0 {
            hyphenated(cpr)
        } else {
            cpr.to_string()
        };
        text.push_str(&format!(
            "{cpr},{c},{c},{c},{c},{municipality},{district},{sex},{gang},{risk},{c},{c},{c}\n"
        ));
    }
    text
}

fn extract_events() -> String {
    let c = canaries();
    let mut text =
        String::from("event_id,cpr,date,kind,offence_code,case_id,tag,description,officer\n");
    let rows = [
        (0, "2026-06-02", "charge", "73251", "1", ""),
        (0, "2026-09-10", "conviction", "73251", "1", ""),
        (1, "2026-10-01", "observation", "", "", "gang_contact"),
        (1, "2026-11-01", "suspicion", "76319", "2", ""),
        (2, "2026-08-15", "concern", "", "", "street_life"),
        (3, "2026-03-03", "suspicion", "84111", "3", ""),
        (4, "2026-11-20", "victim", "73241", "4", ""),
        (5, "2026-07-07", "custody", "", "", ""),
    ];
    for (i, (person, date, kind, code, case, tag)) in rows.into_iter().enumerate() {
        let cpr = if i % 2 == 1 {
            hyphenated(CPRS[person])
        } else {
            CPRS[person].to_string()
        };
        // Journal numbers with a name canary: they are replaced, never passed on.
        let event_id = format!("\"4400-{NAME_CANARY}-{i}\"");
        let case_id = if case.is_empty() {
            String::new()
        } else {
            format!("\"{NAME_CANARY}/{case}\"")
        };
        text.push_str(&format!(
            "{event_id},{cpr},{date},{kind},{code},{case_id},{tag},{c},{c}\n"
        ));
    }
    text
}

/// A temporary folder with a key and the extract in `extract/`.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace::with(&extract_persons(), &extract_events())
    }

    fn with(persons: &str, events: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("extract")).unwrap();
        std::fs::write(dir.path().join("extract/persons.csv"), persons).unwrap();
        std::fs::write(dir.path().join("extract/events.csv"), events).unwrap();
        let w = Workspace { dir };
        let out = w.tryg(&["pseudonymise", "keygen", "tryg.key"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        w
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn tryg(&self, args: &[&str]) -> Output {
        tryg_in(self.path()).args(args).output().unwrap()
    }

    fn pseudonymise_cmd(&self, out_dir: &str, extra: &[&str]) -> std::process::Command {
        let mut cmd = tryg_in(self.path());
        cmd.args([
            "pseudonymise",
            "--key",
            "tryg.key",
            "--id-column",
            "cpr",
            "--persons",
            "extract/persons.csv",
            "--events",
            "extract/events.csv",
            "--out-dir",
            out_dir,
        ])
        .args(extra);
        cmd
    }

    fn pseudonymise(&self, out_dir: &str, extra: &[&str]) -> Output {
        self.pseudonymise_cmd(out_dir, extra).output().unwrap()
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap()
    }

    /// Every entry of the workspace's top folder, sorted.
    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Fails when `text` holds a canary or a CPR number of the extract in either
/// written form.
fn assert_clean(what: &str, text: &str) {
    let mut forbidden = vec![
        "Canarysen".to_string(),
        "Zqxvik".to_string(),
        CPR_CANARY.to_string(),
        CPR_CANARY_HYPHENATED.to_string(),
    ];
    for cpr in CPRS {
        forbidden.push(cpr.to_string());
        forbidden.push(hyphenated(cpr));
    }
    for value in &forbidden {
        assert!(
            !text.contains(value.as_str()),
            "{what} holds a personal value ({value}):\n{text}"
        );
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_extract_with_cpr_numbers_becomes_a_batch_that_screens() {
    let w = Workspace::new();
    let mut cmd = w.pseudonymise_cmd("batch", &[]);
    assert_cmd_snapshot!("pseudonymise_summary", cmd);
    assert_eq!(w.entries(), ["batch", "extract", "tryg.key"]);
    let persons = w.read("batch/persons.csv");
    let events = w.read("batch/events.csv");
    assert_eq!(
        persons.lines().next().unwrap(),
        "person_id,birth_date,sex,municipality,district,gang_affiliation,risk_factors"
    );
    assert_eq!(
        events.lines().next().unwrap(),
        "event_id,person_id,date,kind,offence_code,case_id,tag"
    );
    // Birth dates from the CPR numbers, the replacement number's day less 60.
    let dates: Vec<&str> = persons
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "2012-02-01",
            "2010-03-15",
            "2008-07-31",
            "2012-02-29",
            "2011-09-01",
            "2013-11-12"
        ]
    );

    let out = tryg_in(w.path())
        .args([
            "screen",
            "--persons",
            "batch/persons.csv",
            "--events",
            "batch/events.csv",
        ])
        .args(["--as-of", AS_OF, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outcomes = report["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 6);
    // The first person: aggravated violence within 24 months, core member.
    assert_eq!(outcomes[0]["level"], 3);
    assert_eq!(outcomes[0]["status"], "proposed");
    // Evidence cites event pseudonyms, the case counted once.
    let evidence = outcomes[0]["explanation"].to_string();
    assert!(evidence.contains("\"e"), "{evidence}");
    // The Albertslund resident is out of scope under the default config.
    assert_eq!(outcomes[5]["status"], "out_of_scope");
}

#[test]
fn no_output_of_any_command_holds_a_cpr_number_or_a_name() {
    let w = Workspace::new();
    let out = w.pseudonymise("batch", &["--write-map", "map.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_clean("pseudonymise stdout", &stdout(&out));
    assert_clean("pseudonymise stderr", &stderr(&out));
    let persons = w.read("batch/persons.csv");
    assert_clean("persons.csv", &persons);
    assert_clean("events.csv", &w.read("batch/events.csv"));

    let batch = [
        "--persons",
        "batch/persons.csv",
        "--events",
        "batch/events.csv",
    ];
    for format in ["json", "table", "csv"] {
        let out = w.tryg(
            &[
                &["screen"][..],
                &batch,
                &["--as-of", AS_OF, "--format", format],
            ]
            .concat(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_clean(&format!("screen --format {format}"), &stdout(&out));
        assert_clean("screen stderr", &stderr(&out));
    }
    let out = w.tryg(
        &[
            &["screen"][..],
            &batch,
            &["--as-of", AS_OF, "--out", "report.html"],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_clean("report.html", &w.read("report.html"));
    let first = persons
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let out = w.tryg(&[
        "explain",
        &first,
        "--persons",
        "batch/persons.csv",
        "--events",
        "batch/events.csv",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_clean("explain", &stdout(&out));

    // reidentify prints the one CPR number asked for, and nothing else.
    let out = w.tryg(&[
        "reidentify",
        "--key",
        "tryg.key",
        "--map",
        "map.csv",
        &first,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{first}\t{}\n", hyphenated(CPRS[0])));
    assert_clean("reidentify stderr", &stderr(&out));
    // A CPR number or a name given where a pseudonym belongs is not repeated.
    let out = w.tryg(&[
        "reidentify",
        "--key",
        "tryg.key",
        "--map",
        "map.csv",
        CPR_CANARY,
        NAME_CANARY,
        CPR_CANARY_HYPHENATED,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_clean("reidentify stderr", &stderr(&out));

    // A refused extract: its messages hold no value either.
    let bad = extract_persons().replace(&hyphenated(CPRS[2]), "310708-452");
    std::fs::write(w.path().join("extract/persons.csv"), bad).unwrap();
    let out = w.pseudonymise("batch2", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_clean("refused pseudonymise stderr", &stderr(&out));
    assert!(
        stderr(&out).contains("error[cpr-wrong-length]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_same_key_twice_gives_the_same_batch_and_another_key_another() {
    let w = Workspace::new();
    for dir in ["one", "two"] {
        let out = w.pseudonymise(dir, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    for file in ["persons.csv", "events.csv"] {
        assert_eq!(
            w.read(&format!("one/{file}")),
            w.read(&format!("two/{file}"))
        );
    }
    // Next month's extract, in another order with one person more, keeps
    // every pseudonym.
    let mut lines: Vec<String> = extract_persons().lines().map(str::to_string).collect();
    lines[1..].reverse();
    let month = lines.join("\n") + "\n";
    let later = Workspace::with(&month, &extract_events());
    std::fs::copy(w.path().join("tryg.key"), later.path().join("same.key")).unwrap();
    let out = tryg_in(later.path())
        .args(["pseudonymise", "--key", "same.key", "--id-column", "cpr"])
        .args([
            "--persons",
            "extract/persons.csv",
            "--events",
            "extract/events.csv",
            "--out-dir",
            "b",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids = |text: &str| {
        let mut ids: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(&later.read("b/persons.csv")),
        ids(&w.read("one/persons.csv"))
    );
    // The other workspace's own key gives other pseudonyms.
    let out = later.pseudonymise("c", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (mine, theirs) = (
        ids(&later.read("c/persons.csv")),
        ids(&w.read("one/persons.csv")),
    );
    assert!(mine.iter().all(|p| !theirs.contains(p)));
}

#[test]
#[cfg(unix)]
fn keygen_writes_an_owner_only_key_and_never_overwrites() {
    let w = Workspace::new();
    let key = w.path().join("tryg.key");
    assert_eq!(mode(&key), 0o600);
    let before = w.read("tryg.key");
    let out = w.tryg(&["pseudonymise", "keygen", "tryg.key"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: tryg.key exists already; tryg never overwrites it: choose another name\n"
    );
    assert_eq!(w.read("tryg.key"), before);
    // Two keys are never the same.
    let out = w.tryg(&["pseudonymise", "keygen", "other.key"]);
    assert_eq!(out.status.code(), Some(0));
    assert_ne!(w.read("other.key"), before);
    // A folder that does not exist is an error, not a panic.
    let out = w.tryg(&["pseudonymise", "keygen", "no/such/dir/k.key"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
#[cfg(unix)]
fn a_key_others_can_read_is_refused_with_the_fix() {
    let w = Workspace::new();
    for bits in [0o644, 0o640, 0o604, 0o620] {
        chmod(&w.path().join("tryg.key"), bits);
        let out = w.pseudonymise("batch", &[]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            stderr(&out),
            format!(
                "error: tryg.key can be read or changed by others (mode 0{bits:o}): it holds the way back to the CPR numbers; run `chmod 600 tryg.key` and try again\n"
            )
        );
        assert!(!w.path().join("batch").exists());
    }
    chmod(&w.path().join("tryg.key"), 0o600);
    let out = w.pseudonymise("batch", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A file that is not a key.
    let out = tryg_in(w.path())
        .args([
            "pseudonymise",
            "--key",
            "extract/persons.csv",
            "--id-column",
            "cpr",
        ])
        .args([
            "--persons",
            "extract/persons.csv",
            "--events",
            "extract/events.csv",
            "--out-dir",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("chmod 600") || stderr(&out).contains("not a tryg key file"),
        "{}",
        stderr(&out)
    );
    assert_clean("stderr", &stderr(&out));
}

#[test]
fn dropped_columns_are_listed_by_name_and_never_passed_on() {
    let w = Workspace::new();
    let out = w.pseudonymise("batch", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("extract/persons.csv: dropped 5 column(s) not in the data contract: `person_id`, `name`, `address`, `phone`, `note`"), "{text}");
    assert!(text.contains("extract/persons.csv: dropped 2 special-category column(s) (GDPR art. 9), never passed on: `ethnicity`, `religion`"), "{text}");
    assert!(text.contains("extract/events.csv: dropped 2 column(s) not in the data contract: `description`, `officer`"), "{text}");
    for file in ["batch/persons.csv", "batch/events.csv"] {
        let header = w.read(file).lines().next().unwrap().to_string();
        for dropped in [
            "name",
            "address",
            "phone",
            "note",
            "ethnicity",
            "religion",
            "description",
            "officer",
            "cpr",
        ] {
            assert!(!header.split(',').any(|c| c == dropped), "{file}: {header}");
        }
    }
}

#[test]
fn every_bad_cpr_class_is_located_and_nothing_is_written() {
    let mut persons = extract_persons();
    for (good, bad) in [
        (hyphenated(CPRS[0]), "102124321".to_string()), // a leading zero lost
        (CPRS[1].to_string(), "15031O4412".to_string()), // a letter O
        (hyphenated(CPRS[2]), "320708-4523".to_string()), // day 32
        (CPRS[3].to_string(), "2902134634".to_string()), // 29 Feb 2013
    ] {
        persons = persons.replacen(&good, &bad, 1);
    }
    let w = Workspace::with(&persons, &extract_events());
    let mut cmd = w.pseudonymise_cmd("batch", &["--write-map", "map.csv"]);
    assert_cmd_snapshot!("pseudonymise_bad_cpr", cmd);
    assert_eq!(
        w.entries(),
        ["extract", "tryg.key"],
        "nothing written, no temporary folder left"
    );
    let out = w.pseudonymise("batch", &[]);
    for value in ["102124321", "15031O4412", "320708-4523", "2902134634"] {
        assert!(!stderr(&out).contains(value), "{}", stderr(&out));
    }
}

#[test]
fn a_cpr_number_in_a_column_that_goes_on_is_refused() {
    let persons = extract_persons().replacen("Amager", "Amager 0101104321", 1);
    let w = Workspace::with(&persons, &extract_events());
    let out = w.pseudonymise("batch", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).lines().next().unwrap(),
        "extract/persons.csv:4:7: error[cpr-in-cell]: `district` holds what looks like a CPR number (not shown); only the CPR column may hold one, and it is replaced"
    );
    assert!(!w.path().join("batch").exists());
}

#[test]
#[cfg(unix)]
fn the_map_is_owner_only_and_reidentify_checks_its_key() {
    let w = Workspace::new();
    let out = w.pseudonymise("batch", &["--write-map", "map.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&w.path().join("map.csv")), 0o600);
    let events = w.read("batch/events.csv");
    let row: Vec<&str> = events.lines().nth(1).unwrap().split(',').collect();
    let (event, person, case) = (row[0], row[1], row[5]);
    let out = w.tryg(&[
        "reidentify",
        "--key",
        "tryg.key",
        "--map",
        "map.csv",
        person,
        event,
        case,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{person}\t{}\n{event}\t4400-{NAME_CANARY}-0\n{case}\t{NAME_CANARY}/1\n",
            hyphenated(CPRS[0])
        )
    );
    assert_eq!(stderr(&out), "");

    // Another key: refused, nothing printed.
    assert_eq!(
        w.tryg(&["pseudonymise", "keygen", "other.key"])
            .status
            .code(),
        Some(0)
    );
    let out = w.tryg(&[
        "reidentify",
        "--key",
        "other.key",
        "--map",
        "map.csv",
        person,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).starts_with("error: map.csv was made with another key (fingerprint "),
        "{}",
        stderr(&out)
    );

    // A pseudonym not in the map: nothing printed, the exit says so.
    let unknown = format!("p{}", "a".repeat(26));
    let out = w.tryg(&[
        "reidentify",
        "--key",
        "tryg.key",
        "--map",
        "map.csv",
        person,
        &unknown,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!("argument 2: {unknown} is not in map.csv\nerror: nothing was re-identified\n")
    );

    // A map others can read is refused like a key.
    chmod(&w.path().join("map.csv"), 0o644);
    let out = w.tryg(&[
        "reidentify",
        "--key",
        "tryg.key",
        "--map",
        "map.csv",
        person,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("run `chmod 600 map.csv`"),
        "{}",
        stderr(&out)
    );

    // No pseudonym at all is a usage error.
    assert_eq!(
        w.tryg(&["reidentify", "--key", "tryg.key", "--map", "map.csv"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_output_folder_is_new_and_the_map_stays_outside_it() {
    let w = Workspace::new();
    std::fs::create_dir(w.path().join("full")).unwrap();
    std::fs::write(w.path().join("full/old.csv"), "x").unwrap();
    let out = w.pseudonymise("full", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: full exists and is not an empty folder: pseudonymise writes a new folder and never overwrites one\n"
    );

    let out = w.pseudonymise("batch", &["--write-map", "batch/map.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("would be inside the output folder"),
        "{}",
        stderr(&out)
    );

    std::fs::write(w.path().join("old-map.csv"), "x").unwrap();
    let out = w.pseudonymise("batch", &["--write-map", "old-map.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("never overwrites a map"),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.entries(), ["extract", "full", "old-map.csv", "tryg.key"]);

    // An empty folder is filled.
    std::fs::create_dir(w.path().join("empty")).unwrap();
    let out = w.pseudonymise("empty", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(w.path().join("empty/persons.csv").is_file());
}

#[test]
fn usage_errors_exit_2() {
    let w = Workspace::new();
    assert_eq!(
        w.tryg(&["pseudonymise", "--key", "tryg.key"]).status.code(),
        Some(2)
    );
    assert_eq!(w.tryg(&["pseudonymise", "keygen"]).status.code(), Some(2));
    let out = tryg_in(w.path())
        .args([
            "pseudonymise",
            "--key",
            "tryg.key",
            "--id-column",
            "event_id",
        ])
        .args([
            "--persons",
            "extract/persons.csv",
            "--events",
            "extract/events.csv",
            "--out-dir",
            "b",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --id-column `event_id` is a column of the data contract, not a CPR column\n"
    );
}

/// The README's section "From an extract with CPR numbers": its commands
/// run as written on a synthetic extract, and the pseudonymise summary it
/// shows is what the command prints.
#[test]
fn the_readme_walk_through_from_an_extract_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme
        .find("## From an extract with CPR numbers")
        .expect("README has the section")..];
    let block = |fence: &str| {
        let start = section.find(fence).unwrap() + fence.len();
        let end = start + section[start..].find("```").unwrap();
        section[start..end].to_string()
    };
    let commands = block("```sh\n");
    let shown = block("```text\n");
    let w = Workspace::new();
    std::fs::remove_file(w.path().join("tryg.key")).unwrap();
    let mut printed = Vec::new();
    for line in commands.lines().filter(|l| l.starts_with("tryg ")) {
        let args: Vec<&str> = line.split_whitespace().skip(1).collect();
        let out = w.tryg(&args);
        assert_eq!(out.status.code(), Some(0), "{line}\n{}", stderr(&out));
        assert_clean(line, &stdout(&out));
        assert_clean(line, &stderr(&out));
        printed.push(stderr(&out));
    }
    assert_eq!(printed.len(), 3, "keygen, pseudonymise, screen");
    assert_eq!(
        printed[1], shown,
        "README.md shows another summary than `tryg pseudonymise` prints"
    );
}

#[test]
fn a_value_screen_would_refuse_is_reported_at_its_place_in_the_extract() {
    // The first row's note spans two lines of the extract; the second row
    // has a name where `sex` belongs, the fourth an offence code the
    // catalogue does not know.
    let persons = extract_persons()
        .replacen(&canaries(), "\"a note\nover two lines\"", 1)
        .replacen(",Amager,F,", &format!(",Amager,{NAME_CANARY},"), 1);
    let events = extract_events().replacen(",84111,", ",99999,", 1);
    let w = Workspace::with(&persons, &events);
    let out = w.pseudonymise("batch", &["--write-map", "map.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "\
extract/persons.csv:5:8: error[unknown-token]: `sex` holds a value (not shown) that is not one of its known values
  hint: known values: M, F, X
extract/events.csv:7:5: error[unknown-offence-code]: offence_code \"99999\" is not in the offence catalogue
  hint: add it to rules/offences.toml, with its category and source
error: 2 problem(s) in the extract; nothing was written
"
    );
    assert_clean("stderr", &stderr(&out));
    assert_eq!(
        w.entries(),
        ["extract", "tryg.key"],
        "nothing written, no temporary folder left"
    );
}

/// Issue 16: "inputs may be CSV or `.xlsx` in any of the forms the screening
/// reads". The same extract as a workbook (both tables in one file, every
/// cell text) and as a `;`-separated Windows-1252 CSV gives the same batch,
/// byte for byte.
#[test]
fn an_extract_from_a_workbook_or_a_windows_csv_gives_the_same_batch() {
    let w = Workspace::new();
    assert!(w.pseudonymise("batch", &[]).status.success());
    let rows = |text: &str| -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    };
    let (persons, events) = (rows(&extract_persons()), rows(&extract_events()));

    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, table) in [("persons", &persons), ("events", &events)] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in table.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r as u32, c as u16, cell).unwrap();
                }
            }
        }
    }
    book.save(w.path().join("extract/udtræk.xlsx")).unwrap();

    let windows = |table: &[Vec<String>]| -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        for row in table {
            writer.write_record(row).unwrap();
        }
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!lossy);
        bytes.into_owned()
    };
    std::fs::write(w.path().join("extract/p1252.csv"), windows(&persons)).unwrap();
    std::fs::write(w.path().join("extract/e1252.csv"), windows(&events)).unwrap();

    let run = |out_dir: &str, persons: &str, events: &str, extra: &[&str]| {
        let out = tryg_in(w.path())
            .args(["pseudonymise", "--key", "tryg.key", "--id-column", "cpr"])
            .args([
                "--persons",
                persons,
                "--events",
                events,
                "--out-dir",
                out_dir,
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out_dir}: {}", stderr(&out));
        for file in ["persons.csv", "events.csv"] {
            assert_eq!(
                w.read(&format!("{out_dir}/{file}")),
                w.read(&format!("batch/{file}")),
                "{out_dir}/{file}"
            );
        }
    };
    run(
        "from-workbook",
        "extract/udtræk.xlsx",
        "extract/udtræk.xlsx",
        &[],
    );
    run(
        "from-windows",
        "extract/p1252.csv",
        "extract/e1252.csv",
        &["--encoding", "windows-1252"],
    );
}
