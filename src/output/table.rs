//! `--format table`: what an analyst reads in a terminal. A summary, then one
//! line per person with any proposal or an error; the rest are counted.

use std::io::{self, Write};

use crate::outcome::{Outcome, Report, Status};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let run = &report.run;
    let c = &run.counts;
    writeln!(
        out,
        "tryg screening as of {}: proposals for human review, not decisions",
        run.as_of
    )?;
    writeln!(
        out,
        "rule set {} · {} persons · {} events · municipalities: {}",
        &run.ruleset_digest[..12.min(run.ruleset_digest.len())],
        c.persons,
        c.events,
        run.municipalities.join(", ")
    )?;
    let levels: Vec<String> = c
        .by_level
        .0
        .iter()
        .enumerate()
        .rev()
        .map(|(level, (name, n))| format!("{level} {name}: {n}"))
        .collect();
    let screened: usize = c.by_level.0.iter().map(|(_, n)| n).sum();
    writeln!(out, "screened {screened} · {}", levels.join(" · "))?;
    let in_batch = report
        .outcomes
        .iter()
        .filter(|o| o.concern_letter.as_ref().is_some_and(|l| l.in_batch))
        .count();
    writeln!(
        out,
        "youth board candidates: {} · concern letters: {} ({in_batch} in this meeting's batch) · out of scope: {} · errors: {}",
        c.youth_board, c.concern_letters, c.out_of_scope, c.errors
    )?;

    let rows: Vec<[String; 7]> = report
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Proposed && o.has_proposal())
        .map(row)
        .collect();
    if !rows.is_empty() {
        writeln!(out)?;
        let header = [
            "PERSON",
            "AGE",
            "FORUM",
            "LEVEL",
            "YOUTH BOARD",
            "LETTER",
            "ACTIONS",
        ]
        .map(String::from);
        let mut widths = header.clone().map(|h| h.chars().count());
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for r in std::iter::once(&header).chain(&rows) {
            let mut line = String::new();
            for (i, cell) in r.iter().enumerate() {
                if i + 1 == r.len() {
                    line.push_str(cell);
                } else {
                    let pad = widths[i] - cell.chars().count();
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
    }

    let errors: Vec<&Outcome> = report
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Error)
        .collect();
    if !errors.is_empty() {
        writeln!(
            out,
            "\nerrors (these persons were not screened; fix the rule and run again):"
        )?;
        for o in errors {
            writeln!(
                out,
                "  {}: {}",
                o.person_id,
                o.error.as_deref().unwrap_or("")
            )?;
        }
    }
    writeln!(
        out,
        "\nevery reason, with its rule, line and evidence: --format json"
    )
}

fn row(o: &Outcome) -> [String; 7] {
    let board = o
        .youth_board
        .as_ref()
        .map(|b| format!("{} ({})", b.route, b.limb))
        .unwrap_or_default();
    let letter = o
        .concern_letter
        .as_ref()
        .map(|l| {
            let when = if l.in_batch {
                "this meeting"
            } else {
                "deferred"
            };
            format!("#{} {when}", l.rank)
        })
        .unwrap_or_default();
    let actions: Vec<String> = o
        .actions
        .iter()
        .map(|a| match (a.due, a.overdue) {
            (Some(due), true) => format!("{} OVERDUE {due}", a.kind),
            (Some(due), false) => format!("{} due {due}", a.kind),
            (None, _) => a.kind.to_string(),
        })
        .collect();
    [
        o.person_id.to_string(),
        o.age.map(|a| a.to_string()).unwrap_or_default(),
        o.forum.to_string(),
        format!("{} {}", o.level, o.level_name),
        board,
        letter,
        actions.join(", "),
    ]
}
