//! What a hostile rule file costs per person under the default `[limits]`
//! (issue 13, item 1): for every rule of the table in
//! `tests/hostile_rules.rs` (the same table the tests hold to "ends as an
//! error outcome"), the wall time of one person's run and the peak heap it
//! allocates, on one worker thread of tryg's own stack size. The worst row
//! is the bound docs/limits.md states.
//!
//!     cargo bench --bench hostile
//!
//! Memory is counted by a global allocator that tracks the bytes live above
//! what was live when the person's screening started; time is the fastest of
//! a few runs (the machine's other load falls on the slower ones).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use tryg::load::{Batch, InputFile};
use tryg::ruleset::{RulePack, RuleSet};

#[path = "../tests/hostile_rules.rs"]
mod hostile_rules;

/// Bytes live now, and the most live since the last reset.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

struct Counting;

// SAFETY: every call is passed to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live =
                LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed) + layout.size() as isize;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            let grown = new_size as isize - layout.size() as isize;
            let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The default pack with `source` as one more rule file, run last, and
/// `[limits]` changed by `limits`.
fn pack_with(source: &str, limits: &[(&str, u64)]) -> RuleSet {
    let mut pack = RulePack::built_in();
    for (name, text) in &mut pack.files {
        if name == "tryg.toml" {
            let order = "    \"open_actions\",\n]";
            assert!(text.contains(order));
            *text = text.replace(order, "    \"open_actions\",\n    \"hostile\",\n]");
            for (setting, value) in limits {
                let start = text.find(&format!("\n{setting} = ")).expect("a limit") + 1;
                let end = start + text[start..].find('\n').unwrap();
                text.replace_range(start..end, &format!("{setting} = {value}"));
            }
        }
    }
    pack.files.push(("hostile.rhai".into(), source.into()));
    RuleSet::load(pack).unwrap_or_else(|e| panic!("the hostile pack loads: {e}"))
}

/// One person, 16, gang-affiliated, with a few events: every rule of the
/// default pack runs to its end before the hostile one.
fn one_person(rules: &RuleSet) -> Arc<Batch> {
    let persons = "person_id,birth_date,sex,municipality,district,address_known,gang_affiliation,in_custody,exit_program,last_letter_date,risk_factors,protective_factors\n\
        KID,2010-03-01,M,København,Indre Nørrebro,true,core,false,false,,school_absence;criminal_peers,job\n";
    let mut events = String::from("event_id,person_id,date,kind,offence_code,case_id,tag\n");
    for i in 0..20 {
        let (kind, code, tag) = [
            ("charge", "73241", ""),
            ("suspicion", "90002", ""),
            ("observation", "", "gang_contact"),
            ("concern", "", "street_life"),
        ][i % 4];
        events.push_str(&format!(
            "E{i},KID,2026-{:02}-{:02},{kind},{code},C{},{tag}\n",
            1 + i % 10,
            1 + i,
            i / 2
        ));
    }
    let file = |name: &str, text: String| InputFile {
        name: name.into(),
        bytes: text.into_bytes(),
    };
    let batch = Batch::load(
        &file("persons.csv", persons.into()),
        &file("events.csv", events),
        &rules.config,
        &rules.catalogue,
    )
    .unwrap_or_else(|e| panic!("the batch loads: {e}"));
    Arc::new(batch)
}

fn main() {
    // `cargo bench` passes `--bench`; a name filters the rows.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let as_of = tryg::time::parse_date("2026-11-23").unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(tryg::host::WORKER_STACK)
        .build()
        .unwrap();
    let highest: Vec<(&str, u64)> = tryg::config::LIMIT_RANGES
        .iter()
        .map(|(name, _, highest)| (*name, *highest))
        .collect();
    for (title, limits) in [
        ("default [limits]", &[][..]),
        (
            "every [limits] setting at its highest allowed value",
            &highest[..],
        ),
    ] {
        table(title, limits, &filter, &pool, as_of);
    }
}

/// One table: each hostile rule under `limits`, then the worst row.
fn table(
    title: &str,
    limits: &[(&str, u64)],
    filter: &[String],
    pool: &rayon::ThreadPool,
    as_of: tryg::time::Date,
) {
    let baseline = {
        let rules = pack_with("", limits);
        let batch = one_person(&rules);
        measure(pool, &rules, &batch, as_of).0
    };
    println!("\none person, {title}, one worker; without a hostile rule: {baseline:.1?}");
    println!(
        "{:<24} {:>10} {:>12}  outcome",
        "hostile rule", "time", "peak heap"
    );
    let (mut worst_time, mut worst_heap) = (Duration::ZERO, 0isize);
    for (name, source) in hostile_rules::HOSTILE {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let rules = pack_with(source, limits);
        let batch = one_person(&rules);
        let (time, heap, error) = measure(pool, &rules, &batch, as_of);
        worst_time = worst_time.max(time);
        worst_heap = worst_heap.max(heap);
        let what = error
            .as_deref()
            .map(|e| {
                e.split(": ")
                    .nth(1)
                    .unwrap_or(e)
                    .chars()
                    .take(60)
                    .collect::<String>()
            })
            .unwrap_or_else(|| "NOT AN ERROR".into());
        println!(
            "{name:<24} {:>10} {:>9.1} MiB  {what}",
            format!("{time:.1?}"),
            heap as f64 / 1048576.0
        );
    }
    println!(
        "bound: at most {worst_time:.1?} and {:.1} MiB of heap for one person",
        worst_heap as f64 / 1048576.0
    );
}

/// The fastest of three screenings of `batch`, its peak heap above what was
/// live before, and the person's error.
fn measure(
    pool: &rayon::ThreadPool,
    rules: &RuleSet,
    batch: &Arc<Batch>,
    as_of: tryg::time::Date,
) -> (Duration, isize, Option<String>) {
    let mut best = Duration::MAX;
    let mut peak = 0;
    let mut error = None;
    for _ in 0..3 {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let start = Instant::now();
        let report = pool.install(|| tryg::screen::screen_shared(rules, Arc::clone(batch), as_of));
        best = best.min(start.elapsed());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - before);
        error = report.outcomes[0].error.clone();
    }
    (best, peak, error)
}
