//! The bodies of the fuzz targets in `fuzz/` (each target is one line that
//! calls a function here), shared with `tests/fuzz_corpus.rs`, which runs
//! every file of `fuzz/corpus/<target>/` through the same function in
//! `cargo test`: the seed corpus, and each input a fuzzer found (kept as
//! `found-*`), are regression tests without a nightly toolchain.
//!
//! Each function must return for every input; a panic is a finding. The
//! fuzz crate includes this file, `floor.rs` and `random_batch.rs` with
//! `#[path]` as modules of the same names, so `crate::floor` resolves in both.

// Shared by the tests and the fuzz targets; each uses a different part.
#![allow(dead_code)]

use std::io::sink;
use std::sync::{Arc, OnceLock};

use tryg::config::HostConfig;
use tryg::load::table::{Options, RawRows, SheetChoice, Table};
use tryg::load::{Batch, DateFormat, InputFile, LoadOptions};
use tryg::offence::Catalogue;
use tryg::outcome::Report;
use tryg::output::{self, Format};
use tryg::ruleset::{RulePack, RuleSet};
use tryg::time::Date;

use crate::{floor, random_batch};

/// The sample batch's files, built in.
pub const FIXTURE_PERSONS: &[u8] = include_bytes!("../fixtures/persons.csv");
/// The sample batch's events.
pub const FIXTURE_EVENTS: &[u8] = include_bytes!("../fixtures/events.csv");

/// The as-of date the sample batch was written for.
pub fn fixture_as_of() -> Date {
    tryg::time::parse_date("2026-11-23").expect("a date")
}

/// The built-in rule set, loaded once.
pub fn default_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::load(RulePack::built_in()).expect("the built-in pack loads"))
}

/// A worker pool as `tryg screen --threads 1` makes: rules run on threads
/// with `tryg::host::WORKER_STACK` of stack, as on the command line.
pub fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| tryg::cmd::worker_pool(Some(1)).expect("a worker pool"))
}

/// An in-memory input file.
pub fn file(name: &str, bytes: &[u8]) -> InputFile {
    InputFile {
        name: name.into(),
        bytes: bytes.to_vec(),
    }
}

/// Loads a batch from memory against `rules`.
pub fn load(
    rules: &RuleSet,
    persons: &[u8],
    events: &[u8],
) -> Result<Batch, tryg::diagnostic::Diagnostics> {
    Batch::load(
        &file("persons.csv", persons),
        &file("events.csv", events),
        &rules.config,
        &rules.catalogue,
    )
}

/// One input as two: a two-byte little-endian length, that many bytes, and
/// the rest (missing bytes make the parts shorter, never a panic).
pub fn split_two(data: &[u8]) -> (&[u8], &[u8]) {
    let len = match data {
        [a, b, ..] => usize::from(u16::from_le_bytes([*a, *b])),
        _ => 0,
    };
    let rest = data.get(2..).unwrap_or(&[]);
    rest.split_at(len.min(rest.len()))
}

/// The inverse of [`split_two`], for writing seed corpora.
pub fn join_two(first: &[u8], second: &[u8]) -> Vec<u8> {
    let len = u16::try_from(first.len()).expect("a first part under 64 KiB");
    let mut out = len.to_le_bytes().to_vec();
    out.extend_from_slice(first);
    out.extend_from_slice(second);
    out
}

/// Screens `batch` as `tryg screen` does (in [`pool`]) and renders every
/// format to nowhere; checks one outcome per person, in input order.
pub fn screen_and_render(rules: &RuleSet, batch: Arc<Batch>, as_of: Date) -> Report {
    pool().install(|| {
        let screening =
            tryg::screen::Screening::new(rules, Arc::clone(&batch), as_of, true, &|| {});
        for format in [Format::Table, Format::Json, Format::Csv] {
            output::stream(&screening, format, &mut sink()).expect("rendering to nowhere");
        }
        let mut report = screening.report();
        assert_eq!(
            report.outcomes.len(),
            batch.persons.len(),
            "one outcome per person"
        );
        for (outcome, person) in report.outcomes.iter().zip(&batch.persons) {
            assert_eq!(outcome.person_id, person.id, "outcomes in input order");
        }
        tryg::screen::describe_events(&mut report, &batch, rules);
        output::render(&report, Format::Html, &mut sink()).expect("rendering to nowhere");
        report
    })
}

/// The form byte of a loader input: separator (bits 0–1: found, `,`, `;`,
/// TAB), encoding of a file without a byte-order mark (bits 2–3: UTF-8,
/// UTF-16LE, Windows-1252, UTF-16BE), day-first dates (bit 4).
pub fn loader_form(data: u8) -> LoadOptions {
    LoadOptions {
        delimiter: [None, Some(b','), Some(b';'), Some(b'\t')][usize::from(data & 3)],
        encoding: [
            None,
            Some(encoding_rs::UTF_16LE),
            Some(encoding_rs::WINDOWS_1252),
            Some(encoding_rs::UTF_16BE),
        ][usize::from((data >> 2) & 3)],
        date_format: if data & 16 != 0 {
            DateFormat::Dmy
        } else {
            DateFormat::Iso
        },
        ..LoadOptions::default()
    }
}

/// Target `loader`: bytes as persons.csv and events.csv, in every form the
/// input layer reads (a separator given or found, `sep=` lines, UTF-8,
/// UTF-16 with or without a byte-order mark, Windows-1252, day-first dates,
/// a workbook's magic bytes), through the raw table reader and through
/// `Batch::read_with`. A batch that loads is screened with the built-in pack
/// and rendered in every format; problems are rendered as messages.
///
/// Input: one form byte ([`loader_form`]), then the two files as
/// [`split_two`] splits them.
pub fn loader(data: &[u8]) {
    let (form, rest) = data.split_first().unwrap_or((&0, &[]));
    let (persons, events) = split_two(rest);
    let load = loader_form(*form);

    // The raw table reader, on each file.
    let options = Options {
        delimiter: load.delimiter,
        encoding: load.encoding,
        sheet: SheetChoice::First,
    };
    for (name, bytes) in [("persons.csv", persons), ("events.csv", events)] {
        let input = file(name, bytes);
        let opened = Table::open(input.input(), &options).expect("bytes in memory are readable");
        let Ok(mut table) = opened else { continue };
        let mut raw = RawRows::default();
        while table
            .read_row(&mut raw)
            .expect("bytes in memory are readable")
        {}
        let multiline = table.multiline();
        let _ = (
            table.place().clone(),
            table.format().clone(),
            table.bytes_read(),
        );
        let finished = table.finish().expect("bytes in memory are readable");
        let rows = raw.clean(multiline);
        for row in 0..rows.len() {
            let _ = (rows.line(row), rows.cells(row).count());
        }
        for issue in rows.issues() {
            let _ = format!("{issue:?}");
        }
        for problem in &finished.problems {
            let _ = problem.to_string();
        }
    }

    // The loader, and what is screened from it.
    let rules = default_rules();
    let (p, e) = (file("persons.csv", persons), file("events.csv", events));
    let read = Batch::read_with(p.input(), e.input(), &rules.config, &rules.catalogue, &load)
        .expect("bytes in memory are readable");
    match read {
        Err(problems) => {
            let _ = problems.to_string();
        }
        Ok(batch) => {
            let mut events = 0;
            for i in 0..batch.persons.len() {
                let range = batch.event_range(i);
                events += range.len();
                let list = &batch.events[range];
                assert!(
                    list.windows(2).all(|w| w[0].date <= w[1].date),
                    "a person's events by date"
                );
            }
            assert_eq!(
                events,
                batch.events.len(),
                "every event belongs to one person"
            );
            screen_and_render(rules, Arc::new(batch), fixture_as_of());
        }
    }
}

/// Target `config`: text as tryg.toml and offences.toml, parsed alone
/// (`HostConfig::parse`, `Catalogue::parse`) and in the default pack
/// (`RuleSet::load`, then `check`). A pack that loads and checks clean
/// screens the sample batch (when the batch fits its vocabulary), rendering
/// every format; problems are rendered as messages.
///
/// Input: one byte saying which file the text replaces (0 tryg.toml, 1
/// offences.toml, 2 both, as [`split_two`] splits them), then UTF-8 text.
pub fn config(data: &[u8]) {
    let (which, rest) = data.split_first().unwrap_or((&0, &[]));
    let (config, catalogue) = match which % 3 {
        0 => (Some(rest), None),
        1 => (None, Some(rest)),
        _ => {
            let (a, b) = split_two(rest);
            (Some(a), Some(b))
        }
    };
    let (config, catalogue) = (config.map(utf8), catalogue.map(utf8));
    if config == Some(None) || catalogue == Some(None) {
        return; // A pack file that is not UTF-8 is refused before parsing.
    }
    let (config, catalogue) = (config.flatten(), catalogue.flatten());

    if let Some(Err(problems)) = config.map(|t| HostConfig::parse("rules/tryg.toml", t)) {
        let _ = problems.to_string();
    }
    if let Some(Err(problems)) = catalogue.map(|t| Catalogue::parse("rules/offences.toml", t)) {
        let _ = problems.to_string();
    }

    let mut pack = RulePack::built_in();
    for (name, file) in &mut pack.files {
        match (name.as_str(), config, catalogue) {
            ("tryg.toml", Some(text), _) | ("offences.toml", _, Some(text)) => {
                *file = text.into();
            }
            _ => {}
        }
    }
    let rules = match pool().install(|| RuleSet::load(pack)) {
        Ok(rules) => rules,
        Err(error) => {
            let _ = error.render();
            return;
        }
    };
    let report = pool().install(|| tryg::check::check(&rules));
    for d in &report.diagnostics {
        let _ = d.to_string();
    }
    if report.errors() > 0 {
        return; // The command line refuses such a pack before screening.
    }
    match load(&rules, FIXTURE_PERSONS, FIXTURE_EVENTS) {
        Ok(batch) => {
            screen_and_render(&rules, Arc::new(batch), fixture_as_of());
        }
        Err(problems) => {
            let _ = problems.to_string();
        }
    }
}

fn utf8(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// The sample batch, loaded once with the built-in pack.
fn fixtures() -> &'static Arc<Batch> {
    static BATCH: OnceLock<Arc<Batch>> = OnceLock::new();
    BATCH.get_or_init(|| {
        let batch =
            load(default_rules(), FIXTURE_PERSONS, FIXTURE_EVENTS).expect("the sample batch loads");
        Arc::new(batch)
    })
}

/// Target `rule_source`: text as a rule file added to the default pack (run
/// last), loaded, checked, and screened on the sample batch with every
/// format rendered, then compared with the default pack (`tryg diff`) and
/// one person explained (`tryg explain`), whose outcome must be the one the
/// screening gave. A pack that does not compile is an error, and a rule
/// that fails, loops or grows makes error outcomes: both fine. It is screened
/// even when `check` finds errors (the command line would refuse the pack),
/// since the library must hold up there too.
///
/// Input: UTF-8 text.
pub fn rule_source(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return; // A rule file that is not UTF-8 is refused before compiling.
    };
    let mut pack = RulePack::built_in();
    for (name, text) in &mut pack.files {
        if name == "tryg.toml" {
            let order = "    \"home_visit\",\n";
            assert!(text.contains(order), "tryg.toml lists home_visit");
            *text = text.replacen(order, "    \"home_visit\",\n    \"fuzzed\",\n", 1);
        }
    }
    pack.files.push(("fuzzed.rhai".into(), source.into()));
    pack.files.sort();
    let rules = match pool().install(|| RuleSet::load(pack)) {
        Ok(rules) => rules,
        Err(error) => {
            let _ = error.render();
            return;
        }
    };
    let report = pool().install(|| tryg::check::check(&rules));
    for d in &report.diagnostics {
        let _ = d.to_string();
    }
    let screened = screen_and_render(&rules, Arc::clone(fixtures()), fixture_as_of());

    // `tryg diff` against the default pack, and `tryg explain` of one person
    // (chosen by the input), as the command line runs them.
    let before = default_report();
    let max_level = default_rules()
        .config
        .max_level()
        .max(rules.config.max_level());
    let diff = tryg::diff::diff(fixtures(), before, &screened, max_level);
    let _ = tryg::diff::render_text(&diff);
    let index = data.len() % screened.outcomes.len();
    let id = screened.outcomes[index].person_id.to_string();
    let batch = load(default_rules(), FIXTURE_PERSONS, FIXTURE_EVENTS).expect("the sample batch");
    let explained = pool().install(|| tryg::explain::explain(&rules, batch, fixture_as_of(), &id));
    match explained {
        Ok(x) => {
            // The same outcome as the screening of the batch gave.
            assert_eq!(x.outcome, screened.outcomes[index], "explain {id}");
            let _ = tryg::explain::render_text(&x, rules.config.retention_months);
        }
        // The rules ran for the screening; run again to trace them, they must
        // do the same (they are deterministic).
        Err(e) => panic!("explain {id}: {e}"),
    }
}

/// The sample batch screened with the built-in pack, once.
fn default_report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        pool().install(|| {
            tryg::screen::screen_shared(default_rules(), Arc::clone(fixtures()), fixture_as_of())
        })
    })
}

/// The rule set of each variant of [`random_batch`], loaded once.
pub fn variant_rules(variant: u8) -> &'static RuleSet {
    static SETS: OnceLock<Vec<RuleSet>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        (0..random_batch::VARIANTS)
            .map(|v| {
                let mut rules = RuleSet::load(random_batch::variant_pack(v))
                    .unwrap_or_else(|e| panic!("variant {v} loads: {}", e.render()));
                if let Some(names) = random_batch::variant_municipalities(v) {
                    rules.set_municipalities(names);
                }
                rules
            })
            .collect()
    });
    &sets[usize::from(variant % random_batch::VARIANTS)]
}

/// The pack and the floor on one random batch: the batch (rendered), the
/// pack's report, and every point they differ on.
pub fn pack_and_floor(
    model: &random_batch::Model,
) -> (random_batch::Rendered, Report, Vec<String>) {
    let rendered = random_batch::render(model);
    let rules = variant_rules(model.variant);
    let batch = load(
        rules,
        rendered.persons.as_bytes(),
        rendered.events.as_bytes(),
    )
    .unwrap_or_else(|problems| {
        panic!(
            "a random batch must load:\n{problems}\npersons.csv:\n{}\nevents.csv:\n{}",
            rendered.persons, rendered.events
        )
    });
    let batch = Arc::new(batch);
    let report =
        pool().install(|| tryg::screen::screen_shared(rules, Arc::clone(&batch), rendered.as_of));
    let decided = floor::screen(rules, &batch, rendered.as_of);
    let diffs = floor::differences(&batch, &report, &decided);
    (rendered, report, diffs)
}

/// Target `differential`: the bytes make a random batch
/// ([`random_batch::from_bytes`]), which must load, and which the default
/// rule pack (or a variant) and the plain-Rust floor must decide alike.
pub fn differential(data: &[u8]) {
    let model = random_batch::from_bytes(data);
    let (rendered, _, diffs) = pack_and_floor(&model);
    assert!(
        diffs.is_empty(),
        "variant {}, as of {}: the pack and the floor differ on {} point(s):\n{}\n\npersons.csv:\n{}\nevents.csv:\n{}",
        model.variant % random_batch::VARIANTS,
        rendered.as_of,
        diffs.len(),
        diffs.join("\n"),
        rendered.persons,
        rendered.events
    );
}
