//! `--format table`: what an analyst reads in a terminal. A summary (counts,
//! every warning of the run, one line per area), then one line per person
//! with any proposal, the registration flags and the errors; the rest are
//! counted.

use std::io::{self, Write};

use crate::outcome::{Outcome, Status};

/// Writes the summary, the persons with a proposal, and the errors.
pub fn render(source: &dyn super::Outcomes, out: &mut dyn Write) -> io::Result<()> {
    let run = source.run();
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
    writeln!(
        out,
        "youth board candidates: {} · concern letters: {} ({} in this meeting's batch) · out of scope: {} · errors: {}",
        c.youth_board, c.concern_letters, c.concern_letters_in_batch, c.out_of_scope, c.errors
    )?;
    if c.flags > 0 {
        writeln!(
            out,
            "registration flags: {} (check these registrations; listed below)",
            c.flags
        )?;
    }
    // Every warning of the run, `incomplete` first; stderr has them too.
    for warning in &run.warnings {
        writeln!(out, "{warning}")?;
    }
    areas(run, out)?;

    if let Some(register) = &run.register {
        let previous = match &register.previous_run {
            Some(p) => format!("changes since run {} as of {}", p.id, p.as_of),
            None => "no earlier run to compare with: every proposal is new".into(),
        };
        writeln!(
            out,
            "case register: {previous} · chain head {}",
            register.chain_head
        )?;
    }
    let with_change = run.register.is_some();

    // Columns are as wide as their widest cell, so every row is read first.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut flags: Vec<(String, String)> = Vec::new();
    let mut out_of_scope: Vec<(String, String)> = Vec::new();
    source.each_wave(&mut |outcomes| {
        for o in outcomes {
            if o.status == Status::OutOfScope && out_of_scope.len() < OUT_OF_SCOPE_LISTED {
                out_of_scope.push((o.person_id.to_string(), why_out_of_scope(o)));
            }
            for f in &o.warnings {
                flags.push((o.person_id.to_string(), f.message.clone()));
            }
            match o.status {
                Status::Proposed if o.has_proposal() => rows.push(row(o, with_change)),
                Status::Error => {
                    errors.push((o.person_id.to_string(), o.error.clone().unwrap_or_default()))
                }
                _ => {}
            }
        }
        Ok(())
    })?;
    if !rows.is_empty() {
        writeln!(out)?;
        let mut header: Vec<String> = [
            "PERSON",
            "AGE",
            "FORUM",
            "LEVEL",
            "YOUTH BOARD",
            "LETTER",
            "ACTIONS",
        ]
        .map(String::from)
        .to_vec();
        if with_change {
            header.insert(4, "CHANGE".into());
        }
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
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
            writeln!(out, "{}", super::terminal::escape(line.trim_end()))?;
        }
    }

    if let Some(register) = &run.register
        && !register.no_longer_proposed.is_empty()
    {
        writeln!(
            out,
            "\nno longer proposed (proposed something in the previous run):"
        )?;
        for gone in &register.no_longer_proposed {
            let why = if gone.in_run {
                "nothing proposed now"
            } else {
                "not in this batch"
            };
            writeln!(
                out,
                "  {}: level {} before, {why}",
                gone.person_id, gone.from_level
            )?;
        }
    }

    if !flags.is_empty() {
        writeln!(
            out,
            "\nregistration flags (they change no decision; check the registration):"
        )?;
        for (id, message) in flags {
            writeln!(out, "  {id}: {message}")?;
        }
    }

    if !out_of_scope.is_empty() {
        writeln!(out, "\nout of scope (not screened), and why:")?;
        for (id, why) in &out_of_scope {
            writeln!(out, "  {id}: {why}")?;
        }
        if c.out_of_scope > out_of_scope.len() {
            writeln!(
                out,
                "  … and {} more (every one, with the reason: --format csv)",
                c.out_of_scope - out_of_scope.len()
            )?;
        }
    }

    if !errors.is_empty() {
        writeln!(
            out,
            "\nerrors (these persons were not screened; fix the rule and run again):"
        )?;
        for (id, error) in errors {
            writeln!(out, "  {id}: {}", super::terminal::escape(&error))?;
        }
    }
    writeln!(
        out,
        "\nevery reason, with its rule, line and evidence: --format json"
    )
}

/// Out-of-scope persons the table lists by name; the rest are counted.
const OUT_OF_SCOPE_LISTED: usize = 50;

/// Why a person was not screened: the words of the reason that put them out
/// of scope (a rule's, or the host's for a person born after the as-of date).
fn why_out_of_scope(o: &Outcome) -> String {
    o.explanation
        .iter()
        .rev()
        .find(|r| r.proposal == crate::proposal::Proposal::OutOfScope)
        .map(|r| r.text.to_string())
        .unwrap_or_default()
}

/// One line per area (municipality / district) with screened persons:
/// how many, per level (highest first, levels with none left out), and
/// what is proposed for them.
fn areas(run: &crate::outcome::Run, out: &mut dyn Write) -> io::Result<()> {
    let areas = &run.counts.by_area;
    if areas.is_empty() {
        return Ok(());
    }
    writeln!(out, "by area (screened persons per level, and proposals):")?;
    let places: Vec<String> = areas.iter().map(|a| a.place()).collect();
    let width = places.iter().map(|p| p.chars().count()).max().unwrap_or(0);
    for (area, place) in areas.iter().zip(&places) {
        let levels: Vec<String> = area
            .by_level
            .0
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, (_, n))| *n > 0)
            .map(|(level, (_, n))| format!("{level}:{n}"))
            .collect();
        let pad = " ".repeat(width - place.chars().count());
        writeln!(
            out,
            "  {place}{pad}  screened {} · levels {} · youth board {} · letters {} · actions {}",
            area.screened(),
            levels.join(" "),
            area.youth_board,
            area.concern_letters,
            area.actions
        )?;
    }
    Ok(())
}

fn row(o: &Outcome, with_change: bool) -> Vec<String> {
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
    let mut cells = vec![
        o.person_id.to_string(),
        o.age.map(|a| a.to_string()).unwrap_or_default(),
        o.forum.to_string(),
        format!("{} {}", o.level, o.level_name),
        board,
        letter,
        actions.join(", "),
    ];
    if with_change {
        let change = o.change.as_ref().map(|c| c.words()).unwrap_or_default();
        cells.insert(4, change);
    }
    cells
}
