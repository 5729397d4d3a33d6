//! One person's outcome as one flat row of typed cells: the columns the
//! spreadsheet formats (`csv`, `xlsx`) are made of, each defined once so the
//! two carry the same values. Lists are joined with `;`.

use crate::outcome::Outcome;

use super::cell::Cell;

/// A column of the flat row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `person_id`.
    PersonId,
    /// `status`.
    Status,
    /// `age` (a number; empty when born after the as-of date).
    Age,
    /// The person's `municipality`.
    Municipality,
    /// The person's `district`, if given.
    District,
    /// `level` (a number).
    Level,
    /// `level_name`.
    LevelName,
    /// `forum`.
    Forum,
    /// The youth-board candidacy's `route`.
    YouthBoardRoute,
    /// The youth-board candidacy's `limb`.
    YouthBoardLimb,
    /// The letter's recipients, `;`-joined.
    LetterRecipients,
    /// The letter's priority (a number).
    LetterPriority,
    /// The letter's rank (a number).
    LetterRank,
    /// Whether the letter is in this meeting's batch.
    LetterInBatch,
    /// Every action as `kind@due` (or `kind` without a due date), `;`-joined.
    Actions,
    /// The earliest due date of the actions (a date).
    NextDue,
    /// The kinds of the overdue actions, `;`-joined.
    OverdueActions,
    /// `rule:line` of every reason, each once, `;`-joined.
    Rules,
    /// The error message of a `status = error` outcome.
    Error,
    /// Registration flags as `code@event_id`, `;`-joined.
    Flags,
    /// Every reason as `rule:line: text`, joined with ` | `.
    Reasons,
    /// With a case register: `new`, `escalated`, `de-escalated`, `unchanged`.
    Change,
    /// With a case register: the previous level (a number).
    ChangeFromLevel,
    /// With a case register: the events that moved the level, `;`-joined.
    ChangeEvidence,
}

/// The columns a case register adds (`--db`).
pub const CHANGE_COLUMNS: &[Column] = &[
    Column::Change,
    Column::ChangeFromLevel,
    Column::ChangeEvidence,
];

impl Column {
    /// The column's name in a header row.
    pub fn name(self) -> &'static str {
        match self {
            Column::PersonId => "person_id",
            Column::Status => "status",
            Column::Age => "age",
            Column::Municipality => "municipality",
            Column::District => "district",
            Column::Level => "level",
            Column::LevelName => "level_name",
            Column::Forum => "forum",
            Column::YouthBoardRoute => "youth_board_route",
            Column::YouthBoardLimb => "youth_board_limb",
            Column::LetterRecipients => "letter_recipients",
            Column::LetterPriority => "letter_priority",
            Column::LetterRank => "letter_rank",
            Column::LetterInBatch => "letter_in_batch",
            Column::Actions => "actions",
            Column::NextDue => "next_due",
            Column::OverdueActions => "overdue_actions",
            Column::Rules => "rules",
            Column::Error => "error",
            Column::Flags => "flags",
            Column::Reasons => "reasons",
            Column::Change => "change",
            Column::ChangeFromLevel => "change_from_level",
            Column::ChangeEvidence => "change_evidence",
        }
    }

    /// The outcome's value in this column.
    pub fn cell(self, o: &Outcome) -> Cell<'_> {
        let board = o.youth_board.as_ref();
        let letter = o.concern_letter.as_ref();
        let change = o.change.as_ref();
        match self {
            Column::PersonId => Cell::text(o.person_id.as_str()),
            Column::Status => Cell::text(o.status.as_str()),
            Column::Age => Cell::maybe_int(o.age),
            Column::Municipality => Cell::text(o.municipality.as_str()),
            Column::District => Cell::maybe_text(o.district.as_deref()),
            Column::Level => Cell::Int(o.level.into()),
            Column::LevelName => Cell::text(o.level_name.as_str()),
            Column::Forum => Cell::text(o.forum.as_str()),
            Column::YouthBoardRoute => Cell::maybe_text(board.map(|b| b.route.as_str())),
            Column::YouthBoardLimb => Cell::maybe_text(board.map(|b| b.limb.as_str())),
            Column::LetterRecipients => Cell::maybe_text(letter.map(|l| {
                l.recipients
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(";")
            })),
            Column::LetterPriority => letter.map_or(Cell::Empty, |l| Cell::Number(l.priority)),
            Column::LetterRank => {
                Cell::maybe_int(letter.map(|l| i64::try_from(l.rank).unwrap_or(i64::MAX)))
            }
            Column::LetterInBatch => letter.map_or(Cell::Empty, |l| Cell::Bool(l.in_batch)),
            Column::Actions => joined(o.actions.iter().map(|a| match a.due {
                Some(due) => format!("{}@{due}", a.kind),
                None => a.kind.to_string(),
            })),
            Column::NextDue => o
                .actions
                .iter()
                .filter_map(|a| a.due)
                .min()
                .map_or(Cell::Empty, Cell::Date),
            Column::OverdueActions => joined(
                o.actions
                    .iter()
                    .filter(|a| a.overdue)
                    .map(|a| a.kind.to_string()),
            ),
            Column::Rules => {
                let mut rules: Vec<String> = Vec::new();
                for r in &o.explanation {
                    let cite = format!("{}:{}", r.rule, r.line);
                    if !rules.contains(&cite) {
                        rules.push(cite);
                    }
                }
                joined(rules.into_iter())
            }
            Column::Error => Cell::maybe_text(o.error.as_deref()),
            Column::Flags => joined(
                o.warnings
                    .iter()
                    .map(|f| format!("{}@{}", f.code.as_str(), f.event_id)),
            ),
            Column::Reasons => {
                let texts: Vec<String> = o
                    .explanation
                    .iter()
                    .map(|r| format!("{}:{}: {}", r.rule, r.line, r.text))
                    .collect();
                if texts.is_empty() {
                    Cell::Empty
                } else {
                    Cell::text(texts.join(" | "))
                }
            }
            Column::Change => Cell::maybe_text(change.map(|c| c.kind.as_str())),
            Column::ChangeFromLevel => Cell::maybe_int(change.and_then(|c| c.from_level)),
            Column::ChangeEvidence => Cell::maybe_text(
                change
                    .filter(|c| !c.evidence.is_empty())
                    .map(|c| c.evidence.join(";")),
            ),
        }
    }
}

/// Items joined with `;`, or an empty cell for none.
fn joined(items: impl Iterator<Item = String>) -> Cell<'static> {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        Cell::Empty
    } else {
        Cell::text(items.join(";"))
    }
}
