//! What changed for a person since the previous meeting (issue 17, item 6):
//! the comparison rule, on two [`Side`]s, and the `change` field an outcome
//! carries when the screening has a case register.
//!
//! | kind | when | `from_level` | `evidence` |
//! |---|---|---|---|
//! | `new` | something is proposed now, and nothing was in the previous run (absent from it, not screened there, or screened with nothing proposed) | the previous level when screened there, else `None` | the events cited by the reasons for the current level |
//! | `escalated` | screened in both with something proposed before, and the level rose | previous level | events cited for the current level that the previous outcome's level reasons did not cite (all of them when none is new) |
//! | `de-escalated` | as above, and the level fell | previous level | events cited for the previous level that no longer are (they left their window) |
//! | `unchanged` | everything else (same level; or nothing proposed now and nothing before; or not screened now) | previous level when screened there | none |
//!
//! The "reasons for a level" are the explanation entries whose `effect` is
//! `level N` for that level N. The previous run is the latest recorded run
//! with an earlier as-of date over the same municipalities (in any order)
//! whose outcomes were not purged; [`crate::store::changes`] finds it.

/// How a person's outcome moved since the previous run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ChangeKind {
    /// Proposed now, nothing proposed in the previous run.
    #[serde(rename = "new")]
    New,
    /// The level rose.
    #[serde(rename = "escalated")]
    Escalated,
    /// The level fell.
    #[serde(rename = "de-escalated")]
    DeEscalated,
    /// Neither.
    #[serde(rename = "unchanged")]
    Unchanged,
}

impl ChangeKind {
    /// The token: `new`, `escalated`, `de-escalated` or `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::New => "new",
            ChangeKind::Escalated => "escalated",
            ChangeKind::DeEscalated => "de-escalated",
            ChangeKind::Unchanged => "unchanged",
        }
    }
}

/// One person's outcome as the comparison reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Side {
    /// `status` is `proposed` (the person was screened).
    pub screened: bool,
    /// The level, 0 to the scheme's highest.
    pub level: i64,
    /// Anything proposed: a level above 0, a candidacy, a letter or an action.
    pub proposed: bool,
    /// The event ids the reasons for this level cite, first citation first.
    pub level_evidence: Vec<String>,
}

impl Side {
    /// Reads a side from a stored SPEC §3 outcome document. `None` when the
    /// text is not one.
    pub fn of_document(document: &str) -> Option<Side> {
        let doc: serde_json::Value = serde_json::from_str(document).ok()?;
        let level = doc["level"].as_i64()?;
        let screened = doc["status"] == "proposed";
        let proposed = screened
            && (level > 0
                || !doc["youth_board"].is_null()
                || !doc["concern_letter"].is_null()
                || doc["actions"].as_array().is_some_and(|a| !a.is_empty()));
        Some(Side {
            screened,
            level,
            proposed,
            level_evidence: level_evidence(&doc, level),
        })
    }
}

/// The evidence of the reasons whose effect is `level {level}`, each id once.
pub(crate) fn level_evidence(doc: &serde_json::Value, level: i64) -> Vec<String> {
    let effect = format!("level {level}");
    let mut ids: Vec<String> = Vec::new();
    for reason in doc["explanation"].as_array().into_iter().flatten() {
        if reason["effect"].as_str() != Some(effect.as_str()) {
            continue;
        }
        for id in reason["evidence"].as_array().into_iter().flatten() {
            if let Some(id) = id.as_str() {
                if !ids.iter().any(|i| i == id) {
                    ids.push(id.to_string());
                }
            }
        }
    }
    ids
}

/// The comparison rule for one person (the module's table). `previous` is
/// the person's outcome in the previous run, `None` when absent from it.
pub fn classify(current: &Side, previous: Option<&Side>) -> (ChangeKind, Option<i64>, Vec<String>) {
    let before = previous.filter(|p| p.screened);
    let from_level = before.map(|p| p.level);
    if !current.screened {
        return (ChangeKind::Unchanged, from_level, Vec::new());
    }
    let Some(before) = before.filter(|p| p.proposed) else {
        return if current.proposed {
            (ChangeKind::New, from_level, current.level_evidence.clone())
        } else {
            (ChangeKind::Unchanged, from_level, Vec::new())
        };
    };
    let minus = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|e| !b.contains(e)).cloned().collect()
    };
    match current.level.cmp(&before.level) {
        std::cmp::Ordering::Greater => {
            let mut moved = minus(&current.level_evidence, &before.level_evidence);
            if moved.is_empty() {
                moved = current.level_evidence.clone();
            }
            (ChangeKind::Escalated, from_level, moved)
        }
        std::cmp::Ordering::Less => (
            ChangeKind::DeEscalated,
            from_level,
            minus(&before.level_evidence, &current.level_evidence),
        ),
        std::cmp::Ordering::Equal => (ChangeKind::Unchanged, from_level, Vec::new()),
    }
}

/// A person of the previous run with nothing proposed any more.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoLongerProposed {
    /// The pseudonymous person id.
    pub person_id: String,
    /// Their level in the previous run.
    pub from_level: i64,
    /// Whether the person is in the run at all (screened with nothing
    /// proposed, or not screened); `false` when absent from its batch.
    pub in_run: bool,
}

/// A person's change since the previous run, as an outcome carries it
/// (`change` in SPEC §3's OUTCOME, only when screened with a case register).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// How the outcome moved.
    pub kind: ChangeKind,
    /// The level in the previous run, when the person was screened there.
    pub from_level: Option<i64>,
    /// The event ids that moved it (see the module's table); empty for
    /// `unchanged`.
    pub evidence: Vec<String>,
}

impl Change {
    /// The change of `current` against `previous` (the person's outcome in
    /// the previous run; `None` when absent from it).
    pub fn of(current: &Side, previous: Option<&Side>) -> Change {
        let (kind, from_level, evidence) = classify(current, previous);
        Change {
            kind,
            from_level,
            evidence,
        }
    }

    /// One line for a table cell or a CSV field: `new`, `escalated from 1`,
    /// `de-escalated from 3`, `unchanged`.
    pub fn words(&self) -> String {
        match (self.kind, self.from_level) {
            (ChangeKind::Escalated | ChangeKind::DeEscalated, Some(from)) => {
                format!("{} from {from}", self.kind.as_str())
            }
            _ => self.kind.as_str().to_string(),
        }
    }
}

impl Side {
    /// A side from an outcome made now.
    pub fn of_outcome(outcome: &crate::outcome::Outcome) -> Side {
        let screened = outcome.status == crate::outcome::Status::Proposed;
        let effect = format!("level {}", outcome.level);
        let mut level_evidence: Vec<String> = Vec::new();
        for reason in &outcome.explanation {
            if reason.proposal.to_string() != effect {
                continue;
            }
            for id in &reason.evidence {
                if !level_evidence.iter().any(|e| e == id.as_str()) {
                    level_evidence.push(id.to_string());
                }
            }
        }
        Side {
            screened,
            level: i64::from(outcome.level),
            proposed: screened && outcome.has_proposal(),
            level_evidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(level: i64, proposed: bool, evidence: &[&str]) -> Side {
        Side {
            screened: true,
            level,
            proposed,
            level_evidence: evidence.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn each_kind_with_the_evidence_that_moved_it() {
        let now = side(2, true, &["E1", "E2"]);
        assert_eq!(
            classify(&now, None),
            (ChangeKind::New, None, vec!["E1".into(), "E2".into()])
        );
        let nothing_before = side(0, false, &[]);
        assert_eq!(classify(&now, Some(&nothing_before)).0, ChangeKind::New);
        assert_eq!(classify(&now, Some(&nothing_before)).1, Some(0));
        let before = side(1, true, &["E1"]);
        assert_eq!(
            classify(&now, Some(&before)),
            (ChangeKind::Escalated, Some(1), vec!["E2".into()])
        );
        assert_eq!(
            classify(&before, Some(&now)),
            (ChangeKind::DeEscalated, Some(2), vec!["E2".into()])
        );
        assert_eq!(
            classify(&now, Some(&now)),
            (ChangeKind::Unchanged, Some(2), vec![])
        );
        // Not screened now: unchanged, whatever came before.
        let out = Side::default();
        assert_eq!(classify(&out, Some(&now)).0, ChangeKind::Unchanged);
        // Not screened before: as if absent, but nothing is proposed now either.
        assert_eq!(
            classify(&nothing_before, Some(&out)),
            (ChangeKind::Unchanged, None, vec![])
        );
    }

    #[test]
    fn escalation_on_the_same_events_names_them_all() {
        let before = side(1, true, &["E1"]);
        let now = side(3, true, &["E1"]);
        assert_eq!(
            classify(&now, Some(&before)),
            (ChangeKind::Escalated, Some(1), vec!["E1".into()])
        );
    }

    #[test]
    fn a_document_is_read_for_its_level_reasons_only() {
        let doc = r#"{"person_id":"P1","status":"proposed","level":2,"youth_board":null,
            "concern_letter":null,"actions":[],"explanation":[
            {"rule":"a","line":1,"effect":"level 1","text":"t","evidence":["E0"]},
            {"rule":"b","line":2,"effect":"level 2","text":"t","evidence":["E1","E2"]},
            {"rule":"c","line":3,"effect":"level 2","text":"t","evidence":["E2","E3"]}]}"#;
        let s = Side::of_document(doc).unwrap();
        assert!(s.screened && s.proposed);
        assert_eq!(s.level_evidence, ["E1", "E2", "E3"]);
        assert_eq!(Side::of_document("not json"), None);
    }
}
