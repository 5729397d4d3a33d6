//! The memo (src/host/memo.rs) replays a rule file's path instead of running
//! rhai. These tests hold it to rhai: the whole report must be the same with
//! and without it, on every fixture, on a synthetic batch where most persons
//! are replayed, and with a rule that asks every question the API has; and it
//! must in fact replay.

use std::sync::Arc;

use tryg::host::{self, Memo, Mode, view::PersonCtx};
use tryg::load::Batch;
use tryg::ruleset::{RulePack, RuleSet};
use tryg::screen::{screen_interpreted, screen_shared};
use tryg::time::{self, Date};

use crate::floor::synthetic;
use crate::support::{load_batch, load_batch_dir, root};

fn as_of() -> Date {
    time::parse_date("2026-11-23").unwrap()
}

fn synthetic_batch(rules: &RuleSet, persons: usize, seed: u64) -> Arc<Batch> {
    let (persons, events) = synthetic::batch(persons, seed, as_of());
    load_batch(rules, persons.into_bytes(), events.into_bytes())
}

/// Screens with the memo and with rhai alone; panics at the first person whose
/// outcome differs.
fn same_with_and_without_memo(what: &str, rules: &RuleSet, batch: &Arc<Batch>) {
    let memo = screen_shared(rules, Arc::clone(batch), as_of());
    let rhai = screen_interpreted(rules, Arc::clone(batch), as_of());
    assert_eq!(memo.outcomes.len(), rhai.outcomes.len());
    for (m, r) in memo.outcomes.iter().zip(&rhai.outcomes) {
        assert_eq!(
            serde_json::to_string_pretty(m).unwrap(),
            serde_json::to_string_pretty(r).unwrap(),
            "{what}: person {} differs with the memo",
            r.person_id
        );
    }
    assert_eq!(
        serde_json::to_string(&memo).unwrap(),
        serde_json::to_string(&rhai).unwrap(),
        "{what}: the run header differs"
    );
}

/// The default pack with `source` as a rule file `probe`, run last.
fn probe_pack(source: &str) -> RuleSet {
    let mut pack = RulePack::built_in();
    let order = "    \"open_actions\",\n]";
    for (name, text) in &mut pack.files {
        if name == "tryg.toml" {
            assert!(text.contains(order));
            *text = text.replace(order, "    \"open_actions\",\n    \"probe\",\n]");
        }
    }
    pack.files.push(("probe.rhai".into(), source.into()));
    RuleSet::load(pack).unwrap_or_else(|e| panic!("the probe pack loads: {e}"))
}

fn built_in() -> RuleSet {
    RuleSet::load(RulePack::built_in()).expect("the built-in pack loads")
}

#[test]
fn the_memo_changes_nothing_on_any_fixture() {
    let rules = built_in();
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("fixtures/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("persons.csv").is_file())
        .collect();
    dirs.sort();
    dirs.push(root().join("fixtures"));
    for dir in dirs {
        let batch = load_batch_dir(&rules, &dir);
        same_with_and_without_memo(&dir.display().to_string(), &rules, &batch);
    }
}

#[test]
fn the_memo_changes_nothing_on_10000_synthetic_persons() {
    let rules = built_in();
    let batch = synthetic_batch(&rules, 10_000, 11);
    same_with_and_without_memo("synthetic 10,000", &rules, &batch);
}

/// A rule file that asks every question the API has, and makes effects whose
/// words and evidence depend on the answers, including inside a filter, after
/// a caught error, and (for some persons) out of scope.
const EVERY_QUESTION: &str = r#"
let p = person;
let words = [`${p}`, p.id, `${p.birth_date}`, p.sex, p.municipality, p.district];
words.push(`${p.address_known} ${p.gang_affiliation} ${p.in_custody} ${p.exit_program}`);
words.push(`${join(p.risk_factors, "+")} / ${join(p.protective_factors, "+")}`);
if p.last_letter_date != () {
    words.push(`letter at age ${p.age_on(p.last_letter_date)}`);
}

let all = p.events;
try {
    let far = all[1000];
    words.push(`${far}`);
} catch {
    words.push("no event 1000");
}
if all.len > 0 {
    let e = all[0];
    words.push(`${e} ${e.id} ${e.date} ${e.kind} ${e.tag} ${e.case_id} ${e.offence_code}`);
    words.push(`${e.offence_name} ${e.category} ${e.serious} ${e.person_dangerous} ${e.age}`);
    words.push(`flags ${join(e.flags, ",")}`);
    words.push(`${e.date.year}/${e.date.month}/${e.date.day} ${plural(all.len, "event", "events")} ${cfg.contains("level2")} ${cfg.level2.contains("min_offences")}`);
    propose_action("probe_first_event", e.date.add_days(30), join(words, "; "), e);
}

for o in p.offences {
    if o.in_category(["violence", "robbery"]) {
        propose_level(1, `${o} aged ${o.age}: ${join(o.categories, ",")} ${join(o.codes, ",")} case ${o.case_id} ${o.serious} ${o.person_dangerous}`, o);
    }
}

let recent = p.offences_within_days(700).from_age(12).within(20);
let chosen = recent.filter(|o| {
    if o.serious { propose_level(2, `serious, inside a filter: ${o.date}`, o.events); }
    o.events.len() > 1 || o.person_dangerous
});
if !chosen.is_empty() {
    propose_level(2, `${chosen}: latest ${chosen.latest().date}, earliest ${chosen.earliest().date}`, [chosen, recent.latest(), ()]);
}
let others = p.offences_within(24).serious().person_dangerous().in_category("violence");
if others.len() >= 1 && p.age <= 17 {
    propose_youth_board(if p.age <= 14 { "secretariat" } else { "prosecution" }, "listed", `${others}`, others[0]);
}

let events = p.events_within(30).within_days(800).of_kind(["suspicion", "charge", "observation", "concern"]);
let tagged = p.events_within_days(900).tagged(["gang_contact", "street_life"]);
let violent = events.in_category(["violence", "threats"]).serious();
let dangerous = events.person_dangerous();
let lately = events.filter(|x| x.date > as_of.add_months(-9) && x.kind != "observation");
if lately.len() >= 2 {
    propose_concern_letter(["person"], lately.len() * 1.5 + tagged.len(), `${lately} ${violent} ${dangerous}`, [lately[0], lately[1], lately]);
}
if !tagged.is_empty() {
    let t = tagged.latest();
    propose_action("probe_tagged", (), `${t.tag} on ${t.date}, first ${tagged.earliest().date} ${words.len()}`, tagged);
}
for e in all.filter(|x| !x.flags.is_empty()) {
    note(`flagged ${e.id}: ${join(e.flags, ",")}`, e);
}
if p.id.ends_with("7") && all.is_empty() {
    out_of_scope(`${p.id} ends with 7 and has no events`);
}
"#;

#[test]
fn the_memo_changes_nothing_for_a_rule_asking_every_question() {
    let rules = probe_pack(EVERY_QUESTION);

    let batch = synthetic_batch(&rules, 3_000, 5);
    let report = screen_shared(&rules, Arc::clone(&batch), as_of());
    // The probe reaches each of its effects, so agreeing means something.
    let said = |what: &str| {
        report.outcomes.iter().any(|o| {
            let reasons = o.explanation.iter();
            reasons
                .into_iter()
                .any(|r| r.rule == "probe" && r.text.contains(what))
        })
    };
    for what in [
        "no event 1000",
        "inside a filter",
        "latest",
        "ends with 7",
        "letter at age",
        "flagged",
    ] {
        assert!(said(what), "no probe reason says {what:?}");
    }
    assert!(report.outcomes.iter().any(|o| o.concern_letter.is_some()));
    same_with_and_without_memo("the probe rule", &rules, &batch);
    let fixtures = load_batch_dir(&rules, &root().join("fixtures"));
    same_with_and_without_memo("the probe rule on fixtures/", &rules, &fixtures);
    let registration = load_batch_dir(&rules, &root().join("fixtures/registration"));
    same_with_and_without_memo(
        "the probe rule on fixtures/registration/",
        &rules,
        &registration,
    );
}

#[test]
fn most_persons_are_replayed_not_interpreted() {
    let rules = built_in();
    let batch = synthetic_batch(&rules, 5_000, 3);
    let world = Arc::new(rules.world(batch, as_of()));
    let mut memo = Memo::new(rules.files.len(), rules.config.limits.max_operations);
    for i in 0..world.batch.persons.len() {
        let ctx = Arc::new(PersonCtx::new(&world, i));
        if ctx.age.is_none() {
            continue;
        }
        host::evaluate(rules.program(), &ctx, Mode::Memoised(&mut memo)).expect("no rule fails");
    }
    let sizes = memo.sizes();
    for (n, rule) in rules.files.iter().enumerate() {
        let stats = memo.stats()[n];
        let runs = stats.replayed + stats.ran;
        assert!(runs > 0, "{} never ran", rule.stem);
        // Scope runs for everyone; later rules only for those in scope.
        let replayed = stats.replayed as f64 / runs as f64;
        println!(
            "{:<24} {:>5.1} % replayed, {} nodes",
            rule.stem,
            replayed * 100.0,
            sizes[n]
        );
        assert!(
            replayed > 0.6,
            "{}: only {:.0} % of runs replayed",
            rule.stem,
            replayed * 100.0
        );
    }
}

#[test]
fn the_json_rendered_in_parallel_chunks_is_serde_jsons_pretty_document() {
    let rules = built_in();
    let batch = synthetic_batch(&rules, 1_500, 9);
    let report = screen_shared(&rules, batch, as_of());
    let mut whole = serde_json::to_vec_pretty(&report).unwrap();
    whole.push(b'\n');
    for (chunk, wave) in [(1, 1), (7, 3), (1024, 16), (5000, 2)] {
        let mut out = Vec::new();
        tryg::output::json::render_in_chunks(&report, &mut out, chunk, wave).unwrap();
        assert!(out == whole, "chunk {chunk}, wave {wave}: the bytes differ");
    }
    let empty = tryg::outcome::Report {
        outcomes: Vec::new(),
        ..report
    };
    let mut out = Vec::new();
    tryg::output::json::render_in_chunks(&empty, &mut out, 4, 4).unwrap();
    let mut whole = serde_json::to_vec_pretty(&empty).unwrap();
    whole.push(b'\n');
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(whole).unwrap()
    );
}

#[test]
fn waves_of_any_size_give_the_same_outcomes_as_the_whole_report() {
    let rules = built_in();
    let batch = synthetic_batch(&rules, 3_000, 13);
    let screening = tryg::screen::Screening::new(&rules, batch, as_of(), true, &|| {});
    let whole = screening.report();
    for wave in [1, 7, 1000, 5000] {
        let mut outcomes = Vec::new();
        screening
            .for_each_wave(wave, |part| {
                outcomes.extend_from_slice(part);
                Ok::<(), ()>(())
            })
            .unwrap();
        assert_eq!(outcomes.len(), whole.outcomes.len());
        for (waved, one) in outcomes.iter().zip(&whole.outcomes) {
            assert_eq!(waved, one, "wave {wave}: person {} differs", one.person_id);
        }
    }
}

/// A rule asking every question of the case register, on top of the
/// default pack (which asks some of them itself).
const EVERY_REGISTER_QUESTION: &str = r#"
let p = person;
for on in ["level", "youth_board", "letter", "network_council"] {
    let d = p.decision_on(on);
    if d != () {
        let by = join(d.by, "+");
        let lvl = if d.level == () { "-" } else { `${d.level}` };
        propose_level(1, `${on}: ${d.decision} ${d.date} ${by} ${d.agency}/${d.effort}/${d.note} ${lvl} run ${d.run}: ${d.words} ${d}`);
    }
}
let open = p.open_action("concern_conversation");
if open != () {
    let decided = if open.decision == () { "undecided" } else { open.decision.words };
    propose_action("probe_open", open.due, `${open.kind} ${open.proposed_on} run ${open.run} ${decided} ${open}`, open.event);
}
if p.last_letter_date != () && p.last_letter_date > as_of.add_months(-3) {
    note(`letter lately: ${p.last_letter_date}`);
}
"#;

/// A register for the synthetic batch: every third person has decisions of
/// each kind, every fifth an open action triggered by their first event.
fn synthetic_history(batch: &Batch) -> tryg::history::History {
    use tryg::history::{EarlierDecision, History, OpenAction, Trigger};
    let mut history = History::new(None, "0".repeat(64));
    let decisions = ["accept", "reject", "defer", "done", "close"];
    for (i, person) in batch.persons.iter().enumerate() {
        if i % 3 == 0 {
            for (k, on) in ["level", "youth_board", "letter", "network_council"]
                .iter()
                .enumerate()
            {
                let day = 1 + ((i + k) % 28) as u32;
                history.entry(&person.id).decisions.push(EarlierDecision {
                    seq: (i * 4 + k) as i64,
                    run: 1 + (i % 2) as i64,
                    proposal: on.to_string(),
                    decision: decisions[(i / 3 + k) % decisions.len()].into(),
                    decided_on: Date::from_ymd_opt(2026, 1 + (i % 11) as u32, day).unwrap(),
                    by: vec!["Anna".into(), format!("M{}", i % 4)],
                    agency: (i % 2 == 0).then(|| "SSP".into()),
                    effort: None,
                    level: (*on == "level").then_some((i % 4) as i64),
                    note: (i % 6 == 0).then(|| format!("note {}", i % 5)),
                    trigger: None,
                });
            }
        }
        if i % 5 == 0 {
            let range = batch.event_range(i);
            let first = batch.events[range].first();
            history.entry(&person.id).open_actions.push(OpenAction {
                kind: "concern_conversation".into(),
                due: Some(Date::from_ymd_opt(2026, 10, 1 + (i % 30) as u32).unwrap()),
                run: 1,
                proposed_on: Date::from_ymd_opt(2026, 9, 30).unwrap(),
                trigger: first.map(|e| Trigger {
                    id: Some(batch.event_id(e).to_string()),
                    date: None,
                    kind: None,
                    code: None,
                }),
                decision: None,
            });
        }
    }
    history
}

#[test]
fn the_memo_changes_nothing_with_a_case_register() {
    use tryg::screen::Screening;
    let rules = probe_pack(EVERY_REGISTER_QUESTION);
    let batch = synthetic_batch(&rules, 3_000, 11);
    let history = Arc::new(synthetic_history(&batch));
    let screen = |memo: bool| {
        Screening::with_history(
            &rules,
            Arc::clone(&batch),
            as_of(),
            Some(Arc::clone(&history)),
        )
        .memoised(memo)
        .decide(&|| {})
        .report()
    };
    let (memo, rhai) = (screen(true), screen(false));
    // The register reached the rules, so agreeing means something.
    let said = |rule: &str, what: &str| {
        rhai.outcomes.iter().any(|o| {
            o.explanation
                .iter()
                .any(|r| r.rule == rule && r.text.contains(what))
        })
    };
    for (rule, what) in [
        ("probe", "rejected"),
        ("probe", "run 1 undecided"),
        ("probe", "letter lately"),
        ("open_actions", "not yet recorded done"),
        ("youth_board", "Referred to the youth crime board"),
        ("tryg", "Proposed before"),
    ] {
        assert!(said(rule, what), "no {rule} reason says {what:?}");
    }
    for (m, r) in memo.outcomes.iter().zip(&rhai.outcomes) {
        assert_eq!(
            serde_json::to_string_pretty(m).unwrap(),
            serde_json::to_string_pretty(r).unwrap(),
            "person {} differs with the memo",
            r.person_id
        );
    }
    assert_eq!(
        serde_json::to_string(&memo).unwrap(),
        serde_json::to_string(&rhai).unwrap()
    );
}

/// Issue 12, item 5: 1, 2 and 7 worker threads give the same bytes on a
/// batch of more than 5,000 persons, so many of the memo's 512-person
/// stretches, its per-thread memos and the JSON's chunks are crossed.
#[test]
fn one_two_and_seven_threads_give_the_same_bytes_on_6000_persons() {
    use tryg::output::{self, Format};
    let rules = built_in();
    let (persons, events) = synthetic::batch(6_000, 5, as_of());
    let on = |threads: usize| -> Vec<Vec<u8>> {
        let pool = tryg::cmd::worker_pool(Some(threads)).expect("a pool");
        pool.install(|| {
            let batch = load_batch(
                &rules,
                persons.clone().into_bytes(),
                events.clone().into_bytes(),
            );
            let screening =
                tryg::screen::Screening::new(&rules, Arc::clone(&batch), as_of(), true, &|| {});
            [Format::Table, Format::Json, Format::Csv]
                .into_iter()
                .map(|format| {
                    let mut bytes = Vec::new();
                    output::stream(&screening, format, &mut bytes).unwrap();
                    bytes
                })
                .collect()
        })
    };
    let one = on(1);
    assert!(
        one[1].len() > 1_000_000,
        "a real batch: {} bytes of JSON",
        one[1].len()
    );
    for threads in [2, 7] {
        assert!(on(threads) == one, "{threads} threads differ from 1");
    }
}

/// Issue 12, item 5: the probe rules call every name the rule API registers
/// (the list `guide::every_name_the_rule_api_registers_is_documented` walks),
/// so a question added to the API cannot escape the memo's tests.
#[test]
fn the_probes_call_every_registered_name() {
    let rules = built_in();
    let probes = format!("{EVERY_QUESTION}\n{EVERY_REGISTER_QUESTION}");
    let mut missing = Vec::new();
    for name in crate::support::rule_api_names(&rules.engine) {
        let called = [format!(".{name}"), format!("{name}(")]
            .iter()
            .any(|form| probes.contains(form.as_str()));
        if !called {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "no probe calls: {missing:?}");
}
