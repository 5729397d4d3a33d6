//! `--format table`: what an analyst reads in a terminal. A summary (counts,
//! every warning of the run, one line per area), then one line per person
//! with any proposal, the registration flags and the errors; the rest are
//! counted.
//!
//! Its fixed words are tryg's own and come from [`crate::i18n`] in the
//! chosen language (`tryg screen --lang`); the default level names
//! (`risk_behaviour` …) are shown in that language's words too. What the
//! rules wrote (reasons, a pack's own level names), tokens of the data
//! contract (forums, routes, limbs, action kinds) and the loader's warnings
//! are shown as they are.

use std::io::{self, Write};

use crate::i18n::{Arg, Messages};
use crate::outcome::{Outcome, Status};

/// Writes the summary, the persons with a proposal, and the errors, in the
/// words of `m`.
pub fn render(source: &dyn super::Outcomes, m: &Messages, out: &mut dyn Write) -> io::Result<()> {
    let run = source.run();
    let c = &run.counts;
    writeln!(
        out,
        "{}",
        m.format("table-title", &[("as_of", run.as_of.to_string().into())])
    )?;
    writeln!(
        out,
        "{}",
        m.format(
            "table-run",
            &[
                (
                    "digest",
                    run.ruleset_digest[..12.min(run.ruleset_digest.len())].into()
                ),
                ("persons", c.persons.into()),
                ("events", c.events.into()),
                ("municipalities", run.municipalities.join(", ").into()),
            ]
        )
    )?;
    let levels: Vec<String> = c
        .by_level
        .0
        .iter()
        .enumerate()
        .rev()
        .map(|(level, (name, n))| {
            m.format(
                "table-level-count",
                &[
                    ("level", level.to_string().into()),
                    ("name", m.level_name(name).into()),
                    ("n", (*n).into()),
                ],
            )
        })
        .collect();
    let screened: usize = c.by_level.0.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "{}",
        m.format(
            "table-screened",
            &[
                ("n", screened.into()),
                ("levels", levels.join(" · ").into())
            ]
        )
    )?;
    writeln!(
        out,
        "{}",
        m.format(
            "table-proposals",
            &[
                ("board", c.youth_board.into()),
                ("letters", c.concern_letters.into()),
                ("in_batch", c.concern_letters_in_batch.into()),
                ("out_of_scope", c.out_of_scope.into()),
                ("errors", c.errors.into()),
            ]
        )
    )?;
    if c.flags > 0 {
        writeln!(out, "{}", m.format("table-flags", &[("n", c.flags.into())]))?;
    }
    // Every warning of the run, `incomplete` first; stderr has them too.
    for warning in &run.warnings {
        writeln!(out, "{warning}")?;
    }
    areas(run, m, out)?;

    if let Some(register) = &run.register {
        let previous = match &register.previous_run {
            Some(p) => m.format(
                "table-register-previous",
                &[
                    ("run", p.id.to_string().into()),
                    ("as_of", p.as_of.to_string().into()),
                ],
            ),
            None => m.text("table-register-first"),
        };
        writeln!(
            out,
            "{}",
            m.format(
                "table-register",
                &[
                    ("previous", previous.into()),
                    ("head", register.chain_head.to_string().into())
                ]
            )
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
                Status::Proposed if o.has_proposal() => rows.push(row(o, m, with_change)),
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
            "table-col-person",
            "table-col-age",
            "table-col-forum",
            "table-col-level",
            "table-col-youth-board",
            "table-col-letter",
            "table-col-actions",
        ]
        .map(|id| m.text(id))
        .to_vec();
        if with_change {
            header.insert(4, m.text("table-col-change"));
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
        writeln!(out, "\n{}", m.text("table-gone"))?;
        for gone in &register.no_longer_proposed {
            let why = if gone.in_run {
                m.text("table-gone-in-run")
            } else {
                m.text("table-gone-absent")
            };
            let line = m.format(
                "table-gone-person",
                &[
                    ("person", gone.person_id.to_string().into()),
                    ("level", gone.from_level.to_string().into()),
                    ("why", why.into()),
                ],
            );
            writeln!(out, "  {line}")?;
        }
    }

    if !flags.is_empty() {
        writeln!(out, "\n{}", m.text("table-flags-list"))?;
        for (id, message) in flags {
            writeln!(out, "  {id}: {message}")?;
        }
    }

    if !out_of_scope.is_empty() {
        writeln!(out, "\n{}", m.text("table-out-of-scope"))?;
        for (id, why) in &out_of_scope {
            writeln!(out, "  {id}: {why}")?;
        }
        if c.out_of_scope > out_of_scope.len() {
            let more = c.out_of_scope - out_of_scope.len();
            let line = m.format("table-out-of-scope-more", &[("n", more.into())]);
            writeln!(out, "  {line}")?;
        }
    }

    if !errors.is_empty() {
        writeln!(out, "\n{}", m.text("table-errors"))?;
        for (id, error) in errors {
            writeln!(out, "  {id}: {}", super::terminal::escape(&error))?;
        }
    }
    writeln!(out, "\n{}", m.text("table-footer"))
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
fn areas(run: &crate::outcome::Run, m: &Messages, out: &mut dyn Write) -> io::Result<()> {
    let areas = &run.counts.by_area;
    if areas.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", m.text("table-areas"))?;
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
        let counts = m.format(
            "table-area",
            &[
                ("n", area.screened().into()),
                ("levels", levels.join(" ").into()),
                ("board", area.youth_board.into()),
                ("letters", area.concern_letters.into()),
                ("actions", area.actions.into()),
            ],
        );
        writeln!(out, "  {place}{pad}  {counts}")?;
    }
    Ok(())
}

fn row(o: &Outcome, m: &Messages, with_change: bool) -> Vec<String> {
    let board = o
        .youth_board
        .as_ref()
        .map(|b| format!("{} ({})", b.route, b.limb))
        .unwrap_or_default();
    let letter = o
        .concern_letter
        .as_ref()
        .map(|l| {
            let id = if l.in_batch {
                "table-letter-batch"
            } else {
                "table-letter-deferred"
            };
            m.format(id, &[("rank", l.rank.to_string().into())])
        })
        .unwrap_or_default();
    let actions: Vec<String> = o
        .actions
        .iter()
        .map(|a| {
            let args = |due: &dyn std::fmt::Display| -> [(&str, Arg); 2] {
                [
                    ("kind", a.kind.to_string().into()),
                    ("due", due.to_string().into()),
                ]
            };
            match (a.due, a.overdue) {
                (Some(due), true) => m.format("table-action-overdue", &args(&due)),
                (Some(due), false) => m.format("table-action-due", &args(&due)),
                (None, _) => a.kind.to_string(),
            }
        })
        .collect();
    let mut cells = vec![
        o.person_id.to_string(),
        o.age.map(|a| a.to_string()).unwrap_or_default(),
        o.forum.to_string(),
        format!("{} {}", o.level, m.level_name(&o.level_name)),
        board,
        letter,
        actions.join(", "),
    ];
    if with_change {
        let change = o.change.as_ref().map(|c| m.change(c)).unwrap_or_default();
        cells.insert(4, change);
    }
    cells
}
