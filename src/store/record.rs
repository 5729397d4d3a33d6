//! Recording a screening: the run header, the rule pack's files
//! (content-addressed: each file once, by its SHA-256, however many runs use
//! it), and every outcome with its actions, in **one transaction**, so a
//! store never holds half a run.
//!
//! The inserts run on a thread of their own while the screening goes on:
//! [`Recording::add`] hands over a wave of rows (converted on the screening's
//! workers), and [`Recording::finish`] commits. A recording dropped without
//! `finish` (the report could not be written, say) is rolled back.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::backend::{Mode, Tx, Value};
use super::chain::sha256_hex;
use super::rows::OutcomeRow;
use super::{Store, StoreError};
use crate::outcome::Run;

/// What was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The run's id (`--run` of `tryg review`).
    pub run_id: i64,
    /// How many outcomes were recorded: one per person of the batch.
    pub outcomes: i64,
    /// The chain's head hash when the run was recorded (kept with the run).
    pub chain_head: String,
}

enum Message {
    Rows(Vec<OutcomeRow>),
    Commit,
}

/// A run being recorded on its own thread.
pub struct Recording {
    sender: Option<SyncSender<Message>>,
    writer: Option<JoinHandle<Result<Recorded, StoreError>>>,
}

/// Waves queued between the screening and the writer: enough to ride out a
/// slow insert, few enough to bound memory.
const QUEUE: usize = 2;

impl Recording {
    /// Starts recording `run`, whose rule pack is `files` (name, text).
    pub fn start(store: Store, run: &Run, files: &[(String, String)]) -> Recording {
        let (sender, receiver) = sync_channel(QUEUE);
        let header = Header::of(run, files);
        let writer = std::thread::Builder::new()
            .name("tryg-record".into())
            .spawn(move || write(store, header, receiver))
            .expect("a thread for the recording");
        Recording {
            sender: Some(sender),
            writer: Some(writer),
        }
    }

    /// Hands over the next outcomes (in input order). An error means the
    /// writer stopped; [`Recording::finish`] says why.
    pub fn add(&self, rows: Vec<OutcomeRow>) -> Result<(), StoreError> {
        match &self.sender {
            Some(sender) if sender.send(Message::Rows(rows)).is_ok() => Ok(()),
            _ => Err(StoreError::Refused("the recording stopped".into())),
        }
    }

    /// Commits the run.
    pub fn finish(mut self) -> Result<Recorded, StoreError> {
        if let Some(sender) = self.sender.take() {
            // A writer that already failed has hung up; its error comes below.
            let _ = sender.send(Message::Commit);
        }
        match self.writer.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            _ => Err(StoreError::Refused(
                "the recording thread failed; nothing was recorded".into(),
            )),
        }
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        // Hanging up without Commit rolls the transaction back.
        self.sender.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The run header as stored.
struct Header {
    run: Run,
    document: String,
    files: Vec<(String, String, Vec<u8>)>,
    max_level: i64,
}

impl Header {
    fn of(run: &Run, files: &[(String, String)]) -> Header {
        Header {
            run: run.clone(),
            document: serde_json::to_string(run).expect("a run header serialises"),
            files: files
                .iter()
                .map(|(name, text)| {
                    (
                        name.clone(),
                        sha256_hex(text.as_bytes()),
                        text.as_bytes().to_vec(),
                    )
                })
                .collect(),
            max_level: run.counts.by_level.0.len().saturating_sub(1) as i64,
        }
    }
}

/// The municipalities as a key that does not depend on their order: runs of
/// the same scope are compared by it (issue 17, item 6).
pub fn scope_key(municipalities: &[String]) -> String {
    let mut names: Vec<&str> = municipalities.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    serde_json::to_string(&names).expect("names serialise")
}

fn write(
    mut store: Store,
    header: Header,
    receiver: Receiver<Message>,
) -> Result<Recorded, StoreError> {
    let mut tx = store.backend().begin(Mode::Write)?;
    let chain_head = super::head(&mut *tx)?;
    let run_id = insert_run(&mut *tx, &header, &chain_head)?;
    let mut outcomes = 0i64;
    loop {
        match receiver.recv() {
            Ok(Message::Rows(rows)) => {
                outcomes += rows.len() as i64;
                insert_outcomes(&mut *tx, run_id, rows)?;
            }
            Ok(Message::Commit) => break,
            // Hung up without Commit: roll back.
            Err(_) => {
                return Err(StoreError::Refused(
                    "the screening stopped; nothing was recorded".into(),
                ));
            }
        }
    }
    tx.execute(
        "UPDATE runs SET outcome_count = $1 WHERE id = $2",
        &[Value::from(outcomes), Value::from(run_id)],
    )?;
    tx.commit()?;
    Ok(Recorded {
        run_id,
        outcomes,
        chain_head,
    })
}

fn insert_run(tx: &mut dyn Tx, header: &Header, chain_head: &str) -> Result<i64, StoreError> {
    let run = &header.run;
    let municipalities = serde_json::to_string(&run.municipalities).expect("names serialise");
    let rows = tx.query(
        "INSERT INTO runs (recorded_at, tool_version, as_of, ruleset_digest, persons_digest,
             events_digest, municipalities, scope_key, header, max_level, outcome_count, chain_head)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11) RETURNING id",
        &[
            Value::from(super::now()),
            Value::from(run.tool_version),
            Value::from(run.as_of.format("%Y-%m-%d").to_string()),
            Value::from(run.ruleset_digest.as_str()),
            Value::from(run.persons_digest.as_str()),
            Value::from(run.events_digest.as_str()),
            Value::from(municipalities),
            Value::from(scope_key(&run.municipalities)),
            Value::from(header.document.as_str()),
            Value::from(header.max_level),
            Value::from(chain_head),
        ],
    )?;
    let run_id = rows
        .first()
        .and_then(|r| r.int(0))
        .ok_or_else(|| StoreError::Corrupt("no id for the new run".into()))?;
    for (name, digest, bytes) in &header.files {
        tx.execute(
            "INSERT INTO blobs (digest, bytes) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING",
            &[
                Value::from(digest.as_str()),
                Value::Bytes(Some(bytes.clone())),
            ],
        )?;
        tx.execute(
            "INSERT INTO run_files (run_id, name, digest) VALUES ($1, $2, $3)",
            &[
                Value::from(run_id),
                Value::from(name.as_str()),
                Value::from(digest.as_str()),
            ],
        )?;
    }
    Ok(run_id)
}

const OUTCOME_COLUMNS: &[&str] = &[
    "run_id",
    "position",
    "person_id",
    "status",
    "level",
    "proposed",
    "youth_board_route",
    "youth_board_limb",
    "letter_rank",
    "letter_in_batch",
    "document",
    "municipality",
    "district",
    "gang_affiliation",
    "in_custody",
];

const ACTION_COLUMNS: &[&str] = &[
    "run_id",
    "person_id",
    "kind",
    "due",
    "overdue",
    "event_id",
    "event_date",
    "event_kind",
    "event_code",
];

fn insert_outcomes(tx: &mut dyn Tx, run_id: i64, rows: Vec<OutcomeRow>) -> Result<(), StoreError> {
    let mut actions = rows.iter().flat_map(|r| {
        r.actions.iter().map(|a| {
            let t = a.trigger.as_ref();
            vec![
                Value::from(run_id),
                Value::from(r.person_id.as_str()),
                Value::from(a.kind.as_str()),
                Value::from(a.due.as_deref()),
                Value::from(a.overdue),
                Value::from(t.map(|t| t.id.as_str())),
                Value::from(t.map(|t| t.date.format("%Y-%m-%d").to_string())),
                Value::from(t.map(|t| t.kind.as_str())),
                Value::from(t.and_then(|t| t.code.as_deref())),
            ]
        })
    });
    tx.insert_many("actions", ACTION_COLUMNS, &mut actions)?;
    // The documents move into the statement's values, uncopied.
    let mut outcomes = rows.into_iter().map(|r| {
        let p = r.person;
        vec![
            Value::from(run_id),
            Value::from(r.position),
            Value::from(r.person_id),
            Value::from(r.status),
            Value::from(r.level),
            Value::from(r.proposed),
            Value::from(r.youth_board_route),
            Value::from(r.youth_board_limb),
            Value::from(r.letter_rank),
            Value::Int(r.letter_in_batch.map(i64::from)),
            Value::from(r.document),
            Value::from(p.as_ref().map(|p| p.municipality.clone())),
            Value::from(p.as_ref().and_then(|p| p.district.clone())),
            Value::from(p.as_ref().map(|p| p.gang_affiliation.clone())),
            Value::Int(p.as_ref().map(|p| i64::from(p.in_custody))),
        ]
    });
    tx.insert_many("outcomes", OUTCOME_COLUMNS, &mut outcomes)
}
