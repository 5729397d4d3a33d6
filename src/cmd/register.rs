//! What `tryg screen --db` adds to a screening: the store opened before any
//! work (so a bad `--db` costs nothing), each wave of outcomes turned into
//! register rows on the worker threads, and the run id announced on stderr.
//! Kept apart from `screen.rs` so the screening path stays one read.

use rayon::prelude::*;

use crate::load::Batch;
use crate::outcome::{Outcome, Run};
use crate::output::Outcomes;
use crate::ruleset::RuleSet;
use crate::store::record::{Recorded, Recording};
use crate::store::rows::{EventFacts, OutcomeRow, PersonFacts};
use crate::store::{Location, Store};

/// The store of `--db`, opened (created if missing) and migrated.
pub fn open(db: &str) -> anyhow::Result<(Store, Location)> {
    let location = Location::parse(db);
    let store = Store::open(&location, true)?;
    Ok((store, location))
}

/// What the register remembers of the batch's persons, for a screening as
/// of `as_of` over the rule set's municipalities.
pub fn history(
    store: &mut Store,
    batch: &Batch,
    rules: &RuleSet,
    as_of: crate::time::Date,
) -> anyhow::Result<crate::history::History> {
    let ids: std::collections::HashSet<&str> =
        batch.persons.iter().map(|p| p.id.as_str()).collect();
    Ok(store.feedback(as_of, &rules.config.municipalities, &|id| ids.contains(id))?)
}

/// Starts recording `run` with the rule pack's `files`.
pub fn start(store: Store, run: &Run, files: &[(String, String)]) -> Recording {
    Recording::start(store, run, files)
}

/// The register rows of `outcomes`, the persons from `start` on in the
/// batch, converted in parallel.
pub fn rows(outcomes: &[Outcome], start: usize, batch: &Batch, rules: &RuleSet) -> Vec<OutcomeRow> {
    outcomes
        .par_iter()
        .enumerate()
        .map(|(i, outcome)| {
            let position = start + i;
            let facts = |id: &str| {
                batch.events[batch.event_range(position)]
                    .iter()
                    .find(|e| batch.event_id(e) == id)
                    .map(|e| EventFacts {
                        id: id.to_string(),
                        date: e.date,
                        kind: e.kind.as_str().to_string(),
                        code: e.offence.map(|o| rules.catalogue.get(o).code.to_string()),
                    })
            };
            OutcomeRow::of(outcome, position, &facts)
                .with_person(PersonFacts::of(&batch.persons[position]))
        })
        .collect()
}

/// Outcomes handed on to a format while each wave is also recorded (when
/// there is a recording): the one pass over the outcomes feeds both.
pub struct Teed<'a> {
    source: &'a dyn Outcomes,
    recording: Option<&'a Recording>,
    batch: &'a Batch,
    rules: &'a RuleSet,
}

impl<'a> Teed<'a> {
    /// `source`'s outcomes, recorded into `recording` as they pass.
    pub fn new(
        source: &'a dyn Outcomes,
        recording: Option<&'a Recording>,
        batch: &'a Batch,
        rules: &'a RuleSet,
    ) -> Teed<'a> {
        Teed {
            source,
            recording,
            batch,
            rules,
        }
    }

    /// Records every outcome without handing them anywhere (for a format
    /// that renders the whole report at once).
    pub fn record_all(&self) -> std::io::Result<()> {
        self.each_wave(&mut |_| Ok(()))
    }
}

impl Outcomes for Teed<'_> {
    fn run(&self) -> &Run {
        self.source.run()
    }

    fn each_wave(
        &self,
        each: &mut dyn FnMut(&[Outcome]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut position = 0;
        self.source.each_wave(&mut |wave| {
            if let Some(recording) = self.recording {
                let rows = rows(wave, position, self.batch, self.rules);
                recording.add(rows).map_err(std::io::Error::other)?;
            }
            position += wave.len();
            each(wave)
        })
    }
}

/// Tells the user the run id (for `tryg review … --run`) and the chain head.
pub fn announce(recorded: &Recorded, location: &Location) {
    super::warn(&format!(
        "recorded run {} in {} ({} outcomes); chain head {}\n",
        recorded.run_id,
        location.describe(),
        recorded.outcomes,
        recorded.chain_head
    ));
}
