//! The fuzz targets' corpora as regression tests: every file in
//! `fuzz/corpus/<target>/` (the synthetic seeds, `seed-*`, and each input a
//! fuzzer found, kept as `found-*`) runs through the target's own body
//! (`tests/fuzz_harness.rs`) on every `cargo test`, no nightly toolchain
//! needed. How the seeds are made is below (`write_fuzz_seed_corpora`).

use std::path::{Path, PathBuf};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

use crate::fuzz_harness;
use crate::random_batch;
use crate::support::root;

fn corpus(target: &str) -> PathBuf {
    root().join("fuzz/corpus").join(target)
}

/// Runs `body` on every file of a target's corpus, naming the file that
/// fails.
fn replay(target: &str, body: fn(&[u8])) {
    let dir = corpus(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("seed-") || name.starts_with("found-")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "a seed corpus in {}", dir.display());
    for path in files {
        let data = std::fs::read(&path).expect("readable");
        let run = std::panic::catch_unwind(|| body(&data));
        if let Err(panic) = run {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{}: {message}", path.display());
        }
    }
}

#[test]
fn the_loader_corpus_runs_clean() {
    replay("loader", fuzz_harness::loader);
}

#[test]
fn the_config_corpus_runs_clean() {
    replay("config", fuzz_harness::config);
}

#[test]
fn the_rule_source_corpus_runs_clean() {
    replay("rule_source", fuzz_harness::rule_source);
}

#[test]
fn the_differential_corpus_agrees() {
    replay("differential", fuzz_harness::differential);
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = corpus(target);
    std::fs::create_dir_all(&dir).expect("corpus folder");
    std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("written");
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The form byte (`fuzz_harness::loader_form`) a fixture folder's `args`
/// file asks for.
fn form_of(dir: &Path) -> u8 {
    let args = std::fs::read_to_string(dir.join("args")).unwrap_or_default();
    let mut form = 0;
    if args.contains("windows-1252") {
        form |= 2 << 2;
    }
    if args.contains("dmy") {
        form |= 16;
    }
    form
}

/// Writes the seed corpora of every fuzz target, all synthetic, from the
/// fixtures, the default pack and a fixed seed:
/// `cargo test --test integration write_fuzz_seed_corpora -- --ignored`.
#[test]
#[ignore = "writes fuzz/corpus/; run by hand"]
fn write_fuzz_seed_corpora() {
    // loader: every input form and bad-input class of fixtures/, and the head
    // of the sample batch.
    for kind in ["inputs", "bad"] {
        let mut dirs: Vec<_> = std::fs::read_dir(root().join("fixtures").join(kind))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.join("persons.csv").is_file() && p.join("events.csv").is_file())
            .collect();
        dirs.sort();
        for dir in dirs {
            let name = dir.file_name().unwrap().to_str().unwrap();
            let mut data = vec![form_of(&dir)];
            data.extend(fuzz_harness::join_two(
                &read(&dir.join("persons.csv")),
                &read(&dir.join("events.csv")),
            ));
            write("loader", &format!("{kind}-{name}"), &data);
        }
    }
    let persons = String::from_utf8(fuzz_harness::FIXTURE_PERSONS.to_vec()).unwrap();
    let events = String::from_utf8(fuzz_harness::FIXTURE_EVENTS.to_vec()).unwrap();
    let head: Vec<&str> = persons.lines().take(13).collect();
    let ids: Vec<&str> = head[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut some_events = String::new();
    for line in events.lines() {
        if some_events.is_empty() || ids.contains(&line.split(',').nth(1).unwrap_or("")) {
            some_events.push_str(line);
            some_events.push('\n');
        }
    }
    let mut data = vec![0];
    data.extend(fuzz_harness::join_two(
        format!("{}\n", head.join("\n")).as_bytes(),
        some_events.as_bytes(),
    ));
    write("loader", "sample-head", &data);

    // config: the default files, both at once, and the variant's numbers.
    let pack = tryg::ruleset::RulePack::built_in();
    let config = pack.file("tryg.toml").unwrap().as_bytes();
    let catalogue = pack.file("offences.toml").unwrap().as_bytes();
    write("config", "tryg", &[&[0][..], config].concat());
    write("config", "offences", &[&[1][..], catalogue].concat());
    let both = fuzz_harness::join_two(config, catalogue);
    write("config", "both", &[&[2][..], &both].concat());
    let variant = random_batch::variant_pack(2);
    let changed = variant.file("tryg.toml").unwrap().as_bytes();
    write("config", "tryg-variant", &[&[0][..], changed].concat());

    // rule_source: every rule file of the default pack, and a few of the
    // hostile rules of tests/hostile.rs.
    for (name, text) in &pack.files {
        if let Some(stem) = name.strip_suffix(".rhai") {
            write("rule_source", stem, text.as_bytes());
        }
    }
    for (name, source) in crate::hostile::HOSTILE {
        if [
            "endless loop",
            "nested array as text",
            "evidence in a loop",
            "date far ahead",
        ]
        .contains(name)
        {
            write(
                "rule_source",
                &format!("hostile-{}", name.replace(' ', "-")),
                source.as_bytes(),
            );
        }
    }

    // differential: random batches from a fixed seed.
    let mut runner = TestRunner::deterministic();
    let strategy = crate::differential::model(12, 8);
    for n in 0..16 {
        let model = strategy.new_tree(&mut runner).expect("a model").current();
        write(
            "differential",
            &format!("{n:02}"),
            &random_batch::to_bytes(&model),
        );
    }
}

/// Found by the `rule_source` target (third run, 2026-11-29; kept as
/// `fuzz/corpus/rule_source/found-explain-slow-deep-array`, so the corpus
/// replay runs it too): a rule that nests an array in itself 895 times and
/// writes it out stays far inside its operation budget (about 4,000
/// operations), yet costs about 40 ms per person, since every `a = [a]` copies
/// and measures the whole nested value and neither is charged. `tryg screen`
/// runs it once per person, but `tryg explain` ran every rule file again for
/// each of the next 3,653 days to find lapse dates: explaining one person of
/// the sample batch took about three minutes. Now the days are searched on
/// the worker pool and the search stops at a wall-clock backstop
/// (`explain::LAPSE_SEARCH_BACKSTOP`), saying so. The bound below is far
/// above what it takes (about 10 s on the 2-core CI machine) and far below
/// the three minutes it took.
#[test]
fn explain_is_bounded_for_a_rule_building_a_deep_array() {
    let data = read(&root().join("fuzz/corpus/rule_source/found-explain-slow-deep-array"));
    let started = std::time::Instant::now();
    fuzz_harness::rule_source(&data);
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(60),
        "screen, diff and explain took {took:?}"
    );
}
