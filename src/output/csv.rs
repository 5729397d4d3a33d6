//! `--format csv`: one flat row per person, for spreadsheets.
//!
//! Lists are joined with `;`. Free text (the error message) that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.

use std::io::{self, Write};

use crate::outcome::Outcome;
use crate::proposal::Number;

const HEADER: &[&str] = &[
    "person_id",
    "status",
    "age",
    "level",
    "level_name",
    "forum",
    "youth_board_route",
    "youth_board_limb",
    "letter_recipients",
    "letter_priority",
    "letter_rank",
    "letter_in_batch",
    "actions",
    "overdue_actions",
    "rules",
    "error",
];

/// The columns added when the screening has a case register (`--db`):
/// `new`, `escalated`, `de-escalated` or `unchanged`; the previous level;
/// the events that moved it, `;`-separated.
const CHANGE_HEADER: &[&str] = &["change", "change_from_level", "change_evidence"];

/// Writes the header, then one row per outcome as the waves come.
pub fn render(source: &dyn super::Outcomes, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    // With a case register, three more columns say what changed.
    let with_change = source.run().register.is_some();
    let mut header = HEADER.to_vec();
    if with_change {
        header.extend(CHANGE_HEADER);
    }
    writer.write_record(&header)?;
    source.each_wave(&mut |outcomes| {
        for outcome in outcomes {
            let mut row = row(outcome);
            if with_change {
                let change = outcome.change.as_ref();
                row.push(
                    change
                        .map(|c| c.kind.as_str().to_string())
                        .unwrap_or_default(),
                );
                row.push(
                    change
                        .and_then(|c| c.from_level)
                        .map(|l| l.to_string())
                        .unwrap_or_default(),
                );
                row.push(change.map(|c| c.evidence.join(";")).unwrap_or_default());
            }
            writer.write_record(row)?;
        }
        Ok(())
    })?;
    writer.flush()
}

fn row(o: &Outcome) -> Vec<String> {
    let board = o.youth_board.as_ref();
    let letter = o.concern_letter.as_ref();
    let actions: Vec<String> = o
        .actions
        .iter()
        .map(|a| match a.due {
            Some(due) => format!("{}@{due}", a.kind),
            None => a.kind.to_string(),
        })
        .collect();
    let overdue: Vec<&str> = o
        .actions
        .iter()
        .filter(|a| a.overdue)
        .map(|a| a.kind.as_str())
        .collect();
    let mut rules: Vec<String> = Vec::new();
    for r in &o.explanation {
        let cite = format!("{}:{}", r.rule, r.line);
        if !rules.contains(&cite) {
            rules.push(cite);
        }
    }
    vec![
        o.person_id.to_string(),
        o.status.as_str().to_string(),
        o.age.map(|a| a.to_string()).unwrap_or_default(),
        o.level.to_string(),
        o.level_name.to_string(),
        o.forum.to_string(),
        board.map(|b| b.route.to_string()).unwrap_or_default(),
        board.map(|b| b.limb.to_string()).unwrap_or_default(),
        letter
            .map(|l| {
                l.recipients
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default(),
        letter
            .map(|l| Number(l.priority).to_string())
            .unwrap_or_default(),
        letter.map(|l| l.rank.to_string()).unwrap_or_default(),
        letter.map(|l| l.in_batch.to_string()).unwrap_or_default(),
        actions.join(";"),
        overdue.join(";"),
        rules.join(";"),
        o.error.as_deref().map(defuse).unwrap_or_default(),
    ]
}

/// Keeps a spreadsheet from running text as a formula.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_defused() {
        assert_eq!(super::defuse("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(super::defuse("rules/x.rhai line 2"), "rules/x.rhai line 2");
    }
}
