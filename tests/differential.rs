//! Differential random testing, the way Cedar checks its engine against a
//! model: random persons and event histories ([`crate::random_batch`]) are
//! decided by the default rule pack (rhai, through `tryg::screen`) and by the
//! plain-Rust floor (`tests/floor.rs`), and the two must agree on every
//! person and field `floor::differences` compares. proptest shrinks a
//! disagreement to a minimal batch (fewest persons and events, plainest
//! bytes) and prints it as persons.csv and events.csv.
//!
//! `cargo test` runs [`CASES`] batches (modest, so the suite stays quick on
//! two cores); `PROPTEST_CASES=5000 cargo test --test integration
//! differential` runs more, and the fuzz target `fuzz/fuzz_targets/
//! differential.rs` runs the same check for as long as it is let
//! (docs/testing.md).

use std::sync::Arc;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use tryg::load::Batch;
use tryg::outcome::{Report, Status};
use tryg::ruleset::RuleSet;

use crate::fuzz_harness;
use crate::random_batch::{
    self, EVENT_BYTES, Model, PERSON_BYTES, PersonModel, Rendered, VARIANTS,
};

/// Random batches per `cargo test` run (about a second in a debug build;
/// 5,000 take 16 s).
pub const CASES: u32 = 256;

/// A proptest config of `cases` cases, unless `PROPTEST_CASES` says otherwise.
pub fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        // Shrinking screens the batch again at each step: bound it.
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// One person with up to `max_events` events, and now and then a long
/// history (17–40 events: more offences than the floor finds cases among by
/// scanning).
pub fn person(max_events: usize) -> impl Strategy<Value = PersonModel> {
    let events = |range| prop::collection::vec(any::<[u8; EVENT_BYTES]>(), range);
    (
        any::<[u8; PERSON_BYTES]>(),
        prop_oneof![8 => events(0..=max_events), 1 => events(17..=40)],
    )
        .prop_map(|(raw, events)| PersonModel { raw, events })
}

/// A batch of 1 to `max_persons` persons with up to `max_events` events each,
/// on any of the as-of dates and rule-set variants.
pub fn model(max_persons: usize, max_events: usize) -> impl Strategy<Value = Model> {
    (
        any::<u8>(),
        0..VARIANTS,
        prop::collection::vec(person(max_events), 1..=max_persons),
    )
        .prop_map(|(as_of, variant, persons)| Model {
            as_of,
            variant,
            persons,
        })
}

/// The rule set of each variant, loaded once.
pub fn rule_set(variant: u8) -> &'static RuleSet {
    fuzz_harness::variant_rules(variant)
}

/// Loads a rendered batch; every model must render to one that loads.
pub fn load(rules: &RuleSet, batch: &Rendered) -> Arc<Batch> {
    let loaded = fuzz_harness::load(rules, batch.persons.as_bytes(), batch.events.as_bytes())
        .unwrap_or_else(|problems| {
            panic!(
                "a random batch must load:\n{problems}\npersons.csv:\n{}\nevents.csv:\n{}",
                batch.persons, batch.events
            )
        });
    Arc::new(loaded)
}

/// Screens a model with its variant's pack and with the floor: the report, and
/// every point they differ on (the fuzz target `differential` runs the same).
pub fn pack_and_floor(model: &Model) -> (Rendered, Report, Vec<String>) {
    fuzz_harness::pack_and_floor(model)
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn the_pack_and_the_floor_agree_on_random_batches(model in model(24, 12)) {
        let (rendered, _, diffs) = pack_and_floor(&model);
        prop_assert!(
            diffs.is_empty(),
            "variant {}, as of {}: the pack and the floor differ on {} point(s):\n{}\n\npersons.csv:\n{}\nevents.csv:\n{}",
            model.variant % VARIANTS,
            rendered.as_of,
            diffs.len(),
            diffs.join("\n"),
            rendered.persons,
            rendered.events,
        );
    }
}

/// The generator reaches every kind of outcome the floor compares, so that
/// agreeing on random batches means something: 300 models from a fixed seed.
#[test]
fn random_batches_reach_every_kind_of_outcome() {
    let mut runner = TestRunner::deterministic();
    let strategy = model(24, 12);
    let mut outcomes = Vec::new();
    for _ in 0..300 {
        let model = strategy.new_tree(&mut runner).expect("a model").current();
        let (_, report, diffs) = pack_and_floor(&model);
        assert!(diffs.is_empty(), "{}", diffs.join("\n"));
        outcomes.extend(report.outcomes);
    }
    let has = |what: &str, f: &dyn Fn(&tryg::outcome::Outcome) -> bool| {
        assert!(outcomes.iter().any(f), "no random batch has {what}");
    };
    has("out_of_scope", &|o| o.status == Status::OutOfScope);
    has("no age (born after the as-of date)", &|o| o.age.is_none());
    for level in 0..=3 {
        has(&format!("level {level}"), &|o| {
            o.status == Status::Proposed && o.level == level
        });
    }
    for route in ["secretariat", "prosecution"] {
        for limb in ["listed", "serious_with_risk"] {
            has(&format!("youth board {route} {limb}"), &|o| {
                o.youth_board
                    .as_ref()
                    .is_some_and(|b| b.route.as_str() == route && b.limb.as_str() == limb)
            });
        }
    }
    for guardians in [false, true] {
        has(&format!("a letter with guardians = {guardians}"), &|o| {
            o.concern_letter
                .as_ref()
                .is_some_and(|l| (l.recipients.len() == 2) == guardians)
        });
    }
    has("a letter outside this meeting's batch", &|o| {
        o.concern_letter.as_ref().is_some_and(|l| !l.in_batch)
    });
    for kind in [
        "network_council",
        "concern_conversation",
        "exit_conversation",
        "home_visit",
    ] {
        has(kind, &|o| o.actions.iter().any(|a| a.kind == kind));
    }
    has("an overdue action", &|o| {
        o.actions.iter().any(|a| a.overdue)
    });
    has("events left out for retention", &|o| {
        o.explanation.iter().any(|r| r.text.contains("retention"))
    });
    has("events left out after the as-of date", &|o| {
        o.explanation
            .iter()
            .any(|r| r.text.contains("after the as-of date"))
    });
}

/// `to_bytes` and `from_bytes` are inverse: a model proptest finds can be
/// kept as a fuzz corpus file, and a corpus file read back as the model.
#[test]
fn fuzz_bytes_round_trip_to_models() {
    let mut runner = TestRunner::deterministic();
    let strategy = model(random_batch::MAX_PERSONS, random_batch::MAX_EVENTS);
    for _ in 0..100 {
        let model = strategy.new_tree(&mut runner).expect("a model").current();
        let back = random_batch::from_bytes(&random_batch::to_bytes(&model));
        assert_eq!(format!("{back:?}"), format!("{model:?}"));
    }
}
