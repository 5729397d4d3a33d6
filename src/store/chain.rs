//! The hash chain over the `decisions` table: the canonical form of an entry,
//! its hashes, and the check that finds rows edited, removed or reordered
//! outside tryg. Pure functions; the SQL is in `decide` and `retention`.
//!
//! Each entry has a payload ([`Content`]) and a random salt. Then
//!
//! ```text
//! content_digest = hex(SHA-256(canonical(content, salt)))
//! hash           = hex(SHA-256(prev_hash ":" content_digest))
//! ```
//!
//! with `prev_hash` the previous entry's `hash` ([`GENESIS`] for the first).
//! The canonical form is a compact JSON array (serde_json: no spaces, strings
//! escaped the one way serde_json escapes them), fields in the order of
//! [`canonical`]. Erasure and retention drop the payload and the salt but
//! keep `content_digest`, `prev_hash` and `hash`, so the links still verify;
//! the salt keeps a kept digest from confirming a guessed payload.

use serde_json::json;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A decision of the meeting (`tryg review decide`).
    Decision,
    /// One person's payload dropped (`tryg review erase`).
    Erasure,
    /// Payload past the retention period dropped (`tryg review purge`).
    Purge,
}

impl Entry {
    /// The token in the `entry` column and in the canonical form:
    /// `decision`, `erasure` or `purge`.
    pub fn as_str(self) -> &'static str {
        match self {
            Entry::Decision => "decision",
            Entry::Erasure => "erasure",
            Entry::Purge => "purge",
        }
    }

    /// The entry a stored `entry` token names; `None` for any other text
    /// (a row edited outside tryg).
    pub fn parse(text: &str) -> Option<Entry> {
        match text {
            "decision" => Some(Entry::Decision),
            "erasure" => Some(Entry::Erasure),
            "purge" => Some(Entry::Purge),
            _ => None,
        }
    }
}

/// The payload of an entry: every column the hash covers. For an erasure or
/// purge only `recorded_at`, `decided_by`, `note`, `decided_on` and `detail`
/// are set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Content {
    /// When tryg wrote it, RFC 3339 in UTC.
    pub recorded_at: String,
    /// For a decision: the run whose proposal was decided (its id).
    pub run_id: Option<i64>,
    /// For a decision: the pseudonymous person id. An erasure never names
    /// the person.
    pub person_id: Option<String>,
    /// `level`, `youth_board`, `letter` or an action kind.
    pub proposal: Option<String>,
    /// `accept`, `reject`, `defer`, `done` or `close`.
    pub decision: Option<String>,
    /// The members who decided (or erased, or purged), in the order given.
    pub decided_by: Vec<String>,
    /// The agency that carries the case or action (`--agency`), free text.
    pub agency: Option<String>,
    /// The effort (indsats) agreed (`--effort`), free text.
    pub effort: Option<String>,
    /// For a decision on `level`: with `accept`, the level the case is
    /// opened at (the proposed level, or `--level`; 1 to the run's highest
    /// level); with `reject` or `defer`, the proposed level (1 or more);
    /// with `close`, none.
    pub level: Option<i64>,
    /// The member's note (`--note`), free text.
    pub note: Option<String>,
    /// The day decided (`YYYY-MM-DD`); for `done` the day it was done.
    pub decided_on: Option<String>,
    /// The decision id (seq) this one corrects.
    pub replaces: Option<i64>,
    /// For an action: the triggering event, by id and by what it is. This
    /// is its `event_id` from events.csv; `None` when the action rests on no
    /// event (`exit_conversation` for a person in custody).
    pub event_id: Option<String>,
    /// The triggering event's date, `YYYY-MM-DD`.
    pub event_date: Option<String>,
    /// The triggering event's kind (SPEC §1: `suspicion`, `charge`,
    /// `observation`, …).
    pub event_kind: Option<String>,
    /// The triggering event's offence code (digits), for the kinds that
    /// have one.
    pub event_code: Option<String>,
    /// For an erasure or purge: JSON with the entries and counts affected.
    pub detail: Option<String>,
}

/// The canonical serialisation hashed for an entry.
pub fn canonical(entry: Entry, content: &Content, salt: &str) -> String {
    let c = content;
    json!([
        "tryg-chain-v1",
        salt,
        entry.as_str(),
        c.recorded_at,
        c.run_id,
        c.person_id,
        c.proposal,
        c.decision,
        c.decided_by,
        c.agency,
        c.effort,
        c.level,
        c.note,
        c.decided_on,
        c.replaces,
        c.event_id,
        c.event_date,
        c.event_kind,
        c.event_code,
        c.detail,
    ])
    .to_string()
}

/// The SHA-256 of `bytes` as 64 lower-case hex digits (content digests,
/// links, the digests of rule files in `blobs`): [`crate::digest::sha256_hex`].
pub use crate::digest::sha256_hex;

/// `hash` of an entry from its predecessor's hash and its content digest.
pub fn link(prev_hash: &str, content_digest: &str) -> String {
    sha256_hex(format!("{prev_hash}:{content_digest}").as_bytes())
}

/// 16 random bytes, hex.
pub fn new_salt() -> String {
    let mut bytes = [0u8; 16];
    // The OS's generator; without one there is no safe salt, and no store.
    getrandom::fill(&mut bytes).expect("the operating system's random generator");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An entry as stored, for [`verify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The `seq` column: the entry's 1-based place in the chain (`D{seq}`).
    /// Rows removed outside tryg leave gaps.
    pub seq: i64,
    /// The `entry` column as stored (it may have been edited into nonsense).
    pub entry: String,
    /// The `hash` of the entry this one was chained after, as stored: 64
    /// lower-case hex digits ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// SHA-256 of the canonical form ([`canonical`]) as stored, 64 lower-case
    /// hex digits; kept when the payload is dropped.
    pub content_digest: String,
    /// The entry's hash as stored: [`link`] of `prev_hash` and
    /// `content_digest`, 64 lower-case hex digits.
    pub hash: String,
    /// `None` when the payload was dropped (no salt).
    pub payload: Option<(String, Content)>,
    /// The seq of the erasure or purge entry that dropped the payload;
    /// `None` while the payload is kept (and when it was removed outside
    /// tryg: [`Problem::PayloadRemoved`]).
    pub dropped_by: Option<i64>,
    /// For erasure and purge entries: the seqs whose payload they dropped
    /// (from `detail`).
    pub drops: Vec<i64>,
}

/// What is wrong with the chain, each naming its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The row's content or hash is not what was recorded.
    Edited {
        /// The row's seq (`D{seq}`).
        seq: i64,
    },
    /// The row is consistent in itself, but the row after it was chained to
    /// another hash: it was rewritten, hash and all.
    Rewritten {
        /// The rewritten row's seq (the row before the one whose link broke).
        seq: i64,
    },
    /// Rows missing from the sequence.
    Removed {
        /// The first missing seq.
        from: i64,
        /// The last missing seq (inclusive; equal to `from` for one row).
        to: i64,
    },
    /// The row follows another row than the one before it.
    OutOfOrder {
        /// The row's seq.
        seq: i64,
        /// The seq of the row whose hash its `prev_hash` names.
        follows: i64,
    },
    /// The row's payload is gone, but no erasure or purge dropped it.
    PayloadRemoved {
        /// The row's seq.
        seq: i64,
    },
    /// The store counted more appends than it holds rows: the last were removed.
    Truncated {
        /// Appends counted (`chain_lock.appended`).
        counted: i64,
        /// The highest seq the store holds (0 when it holds none).
        held: i64,
    },
    /// The head hash the user kept is not in the chain.
    HeadMissing,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Edited { seq } => write!(
                f,
                "D{seq}: edited outside tryg (its content does not match its hash)"
            ),
            Problem::Rewritten { seq } => write!(
                f,
                "D{seq}: rewritten outside tryg (its hash is not the one the next row was chained to)"
            ),
            Problem::Removed { from, to } if from == to => {
                write!(f, "D{from}: removed outside tryg")
            }
            Problem::Removed { from, to } => write!(f, "D{from}–D{to}: removed outside tryg"),
            Problem::OutOfOrder { seq, follows } => write!(
                f,
                "D{seq}: reordered outside tryg (it was chained after D{follows})"
            ),
            Problem::PayloadRemoved { seq } => write!(
                f,
                "D{seq}: its content was removed outside tryg (no erasure or purge dropped it)"
            ),
            Problem::Truncated { counted, held } => write!(
                f,
                "the store recorded {counted} entries but holds {held}: the last were removed outside tryg"
            ),
            Problem::HeadMissing => write!(
                f,
                "the head hash given is not in the chain: the store was cut short or rewritten since it was kept"
            ),
        }
    }
}

/// Checks `rows` (in `seq` order): each row against its own hash, each link
/// to the row before it, and the sequence for gaps. `appended` is the
/// store's count of appends; `head`, a head hash the user kept.
pub fn verify(rows: &[Stored], appended: i64, head: Option<&str>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let by_hash: std::collections::HashMap<&str, i64> =
        rows.iter().map(|r| (r.hash.as_str(), r.seq)).collect();
    let mut dropped_legitimately = std::collections::HashSet::new();
    for row in rows {
        if matches!(
            Entry::parse(&row.entry),
            Some(Entry::Erasure | Entry::Purge)
        ) && row.payload.is_some()
        {
            dropped_legitimately.extend(row.drops.iter().map(|&s| (s, row.seq)));
        }
    }
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1;
    for row in rows {
        let mut edited = false;
        match (&row.payload, Entry::parse(&row.entry)) {
            (Some((salt, content)), Some(entry)) => {
                let digest = sha256_hex(canonical(entry, content, salt).as_bytes());
                edited = digest != row.content_digest;
            }
            (Some(_), None) => edited = true,
            (None, _) => {
                let by = row.dropped_by.unwrap_or(0);
                if !dropped_legitimately.contains(&(row.seq, by)) {
                    problems.push(Problem::PayloadRemoved { seq: row.seq });
                }
            }
        }
        if edited || link(&row.prev_hash, &row.content_digest) != row.hash {
            problems.push(Problem::Edited { seq: row.seq });
        }
        let gap = row.seq > expected_seq;
        if gap {
            problems.push(Problem::Removed {
                from: expected_seq,
                to: row.seq - 1,
            });
        }
        if row.prev_hash != expected_prev && !gap {
            match by_hash.get(row.prev_hash.as_str()) {
                Some(&follows) => problems.push(Problem::OutOfOrder {
                    seq: row.seq,
                    follows,
                }),
                None if row.seq > 1 => problems.push(Problem::Rewritten { seq: row.seq - 1 }),
                None => problems.push(Problem::Edited { seq: row.seq }),
            }
        }
        expected_prev = row.hash.clone();
        expected_seq = row.seq + 1;
    }
    let held = rows.last().map_or(0, |r| r.seq);
    if appended > held {
        problems.push(Problem::Truncated {
            counted: appended,
            held,
        });
    }
    if let Some(head) = head
        && !by_hash.contains_key(head)
    {
        problems.push(Problem::HeadMissing);
    }
    problems.dedup();
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Stored> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let content = Content {
                    recorded_at: "2026-11-23T10:00:00Z".into(),
                    person_id: Some(format!("P{seq}")),
                    decision: Some("accept".into()),
                    decided_by: vec!["A".into(), "B".into()],
                    ..Content::default()
                };
                let salt = format!("{seq:032x}");
                let digest = sha256_hex(canonical(Entry::Decision, &content, &salt).as_bytes());
                let hash = link(&prev, &digest);
                let row = Stored {
                    seq,
                    entry: "decision".into(),
                    prev_hash: prev.clone(),
                    content_digest: digest,
                    hash: hash.clone(),
                    payload: Some((salt, content)),
                    dropped_by: None,
                    drops: Vec::new(),
                };
                prev = hash;
                row
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(4);
        assert_eq!(verify(&rows, 4, Some(&rows[3].hash)), []);
        assert_eq!(verify(&rows, 4, Some(&rows[1].hash)), [], "an older head");
    }

    #[test]
    fn the_canonical_form_is_fixed() {
        let content = Content {
            recorded_at: "2026-11-23T10:00:00Z".into(),
            run_id: Some(1),
            person_id: Some("P1".into()),
            proposal: Some("letter".into()),
            decision: Some("done".into()),
            decided_by: vec!["Ann".into()],
            note: Some("sent \"by hand\"".into()),
            decided_on: Some("2026-11-20".into()),
            ..Content::default()
        };
        assert_eq!(
            canonical(Entry::Decision, &content, "00"),
            r#"["tryg-chain-v1","00","decision","2026-11-23T10:00:00Z",1,"P1","letter","done",["Ann"],null,null,null,"sent \"by hand\"","2026-11-20",null,null,null,null,null,null]"#
        );
    }

    #[test]
    fn an_edited_row_is_named() {
        let mut rows = chain(3);
        if let Some((_, c)) = rows[1].payload.as_mut() {
            c.decision = Some("reject".into());
        }
        assert_eq!(verify(&rows, 3, None), [Problem::Edited { seq: 2 }]);
    }

    #[test]
    fn a_row_rewritten_with_a_new_hash_is_named() {
        let mut rows = chain(3);
        let (salt, mut content) = rows[1].payload.clone().unwrap();
        content.decision = Some("reject".into());
        rows[1].content_digest = sha256_hex(canonical(Entry::Decision, &content, &salt).as_bytes());
        rows[1].hash = link(&rows[1].prev_hash, &rows[1].content_digest);
        rows[1].payload = Some((salt, content));
        assert_eq!(verify(&rows, 3, None), [Problem::Rewritten { seq: 2 }]);
    }

    #[test]
    fn a_removed_row_is_named() {
        let mut rows = chain(4);
        rows.remove(1);
        assert_eq!(
            verify(&rows, 4, None),
            [Problem::Removed { from: 2, to: 2 }]
        );
    }

    #[test]
    fn removed_last_rows_are_caught_by_the_count_and_the_kept_head() {
        let rows = chain(4);
        let head = rows[3].hash.clone();
        let cut = &rows[..2];
        assert_eq!(
            verify(cut, 4, Some(&head)),
            [
                Problem::Truncated {
                    counted: 4,
                    held: 2
                },
                Problem::HeadMissing
            ]
        );
    }

    #[test]
    fn swapped_rows_are_named_as_reordered() {
        let mut rows = chain(4);
        rows.swap(1, 2);
        rows[1].seq = 2;
        rows[2].seq = 3;
        assert_eq!(
            verify(&rows, 4, None),
            [
                Problem::OutOfOrder { seq: 2, follows: 3 },
                Problem::OutOfOrder { seq: 3, follows: 1 },
                Problem::OutOfOrder { seq: 4, follows: 2 },
            ]
        );
    }

    #[test]
    fn a_payload_dropped_outside_tryg_is_named_and_one_dropped_by_an_erasure_is_not() {
        let mut rows = chain(3);
        rows[0].payload = None;
        assert_eq!(verify(&rows, 3, None), [Problem::PayloadRemoved { seq: 1 }]);
        rows[0].dropped_by = Some(3);
        rows[2].entry = "erasure".into();
        rows[2].drops = vec![1];
        // The erasure row's own content was hashed as a decision: re-hash it.
        let (salt, content) = rows[2].payload.clone().unwrap();
        rows[2].content_digest = sha256_hex(canonical(Entry::Erasure, &content, &salt).as_bytes());
        rows[2].hash = link(&rows[2].prev_hash, &rows[2].content_digest);
        assert_eq!(verify(&rows, 3, None), []);
    }
}
