//! events.csv: one row per registered event (SPEC §1).

use std::collections::HashMap;

use rhai::ImmutableString;
use serde::Deserialize;

use super::cells::{Cells, Vocab};
use super::csv_file::{Column, InputFile, for_each_record, read_header};
use super::fields::shown;
use super::persons::Persons;
use crate::config::HostConfig;
use crate::diagnostic::Diagnostics;
use crate::event::{Event, EventKind};
use crate::offence::Catalogue;

pub const COLUMNS: &[Column] = &[
    Column {
        name: "event_id",
        required: true,
    },
    Column {
        name: "person_id",
        required: true,
    },
    Column {
        name: "date",
        required: true,
    },
    Column {
        name: "kind",
        required: true,
    },
    Column {
        name: "offence_code",
        required: false,
    },
    Column {
        name: "case_id",
        required: false,
    },
    Column {
        name: "tag",
        required: false,
    },
];

#[derive(Deserialize)]
struct Row<'a> {
    event_id: Option<&'a str>,
    person_id: Option<&'a str>,
    date: Option<&'a str>,
    kind: Option<&'a str>,
    offence_code: Option<&'a str>,
    case_id: Option<&'a str>,
    tag: Option<&'a str>,
}

/// Reads and validates events against the persons already read.
pub fn read(
    file: &InputFile,
    config: &HostConfig,
    catalogue: &Catalogue,
    persons: &Persons,
    catalogue_file: &str,
    problems: &mut Diagnostics,
) -> Vec<Event> {
    let mut events = Vec::new();
    let Some((header, reader)) = read_header(file, COLUMNS, &config.forbidden_columns, problems)
    else {
        return events;
    };
    let tags = Vocab::new(&config.vocabulary.tags);
    let mut first_line: HashMap<ImmutableString, usize> = HashMap::new();

    for_each_record(file, reader, problems, |record, line, problems| {
        let Some(row) = super::csv_file::row::<Row>(record, &header, &file.name, line, problems)
        else {
            return;
        };
        let mut cells = Cells {
            file: &file.name,
            line,
            header: &header,
            problems,
            ok: true,
        };

        let id = cells.unique_id("event_id", row.event_id, &first_line);
        let person = cells
            .required("person_id", row.person_id)
            .and_then(|v| cells.id("person_id", v));
        let person_index = person.and_then(|p| {
            let found = persons.index.get(p).copied();
            // A person whose row was refused, or a persons file with a bad header,
            // is already reported: saying "unknown person" too would mislead.
            let known_elsewhere = !persons.header_ok || persons.rejected.contains(p);
            if found.is_none() && !known_elsewhere {
                cells.fail_with_hint(
                    "person_id",
                    "unknown-person",
                    format!("person_id {p:?} is not in the persons file"),
                    Some("every event must belong to a person listed in persons.csv".into()),
                );
            }
            found
        });
        let date = cells
            .required("date", row.date)
            .and_then(|v| cells.date("date", v));
        let kind = cells
            .required("kind", row.kind)
            .and_then(|v| cells.token("kind", v, EventKind::TOKENS, EventKind::parse));

        let code = row.offence_code.filter(|v| !v.is_empty());
        let offence = match (kind, code) {
            (Some(k), None) if k.needs_offence_code() => {
                cells.fail_with_hint(
                    "offence_code",
                    "missing-offence-code",
                    format!("a `{}` event needs an offence_code", k.as_str()),
                    Some("suspicion, charge, conviction and victim events name the offence".into()),
                );
                None
            }
            (Some(k), Some(_)) if !k.needs_offence_code() => {
                cells.fail(
                    "offence_code",
                    "unexpected-offence-code",
                    format!("a `{}` event takes no offence_code", k.as_str()),
                );
                None
            }
            (_, Some(c)) if !c.bytes().all(|b| b.is_ascii_digit()) => {
                cells.fail(
                    "offence_code",
                    "bad-offence-code",
                    format!("offence_code {} is not digits", shown(c)),
                );
                None
            }
            (_, Some(c)) => {
                let found = catalogue.lookup(c);
                if found.is_none() {
                    cells.fail_with_hint(
                        "offence_code",
                        "unknown-offence-code",
                        format!("offence_code {c:?} is not in the offence catalogue"),
                        Some(format!(
                            "add it to {catalogue_file}, with its category and source"
                        )),
                    );
                }
                found
            }
            (_, None) => None,
        };

        let case_id = row
            .case_id
            .filter(|v| !v.is_empty())
            .and_then(|v| cells.id("case_id", v));
        let tag = match (kind, row.tag.filter(|v| !v.is_empty())) {
            (Some(k), Some(_)) if !k.takes_tag() => {
                cells.fail(
                    "tag",
                    "unexpected-tag",
                    format!(
                        "a `{}` event takes no tag (only observation and concern do)",
                        k.as_str()
                    ),
                );
                None
            }
            (_, Some(t)) => cells.vocab_token("tag", t, &tags),
            (_, None) => None,
        };

        if let (Some(p), Some(d)) = (person_index, date) {
            let born = persons.list[p as usize].birth_date;
            if d < born {
                cells.fail(
                    "date",
                    "event-before-birth",
                    format!("the event is dated {d}, before the person's birth"),
                );
            }
        }
        // One allocation per id, shared by the duplicate check and the event.
        let id = id.map(ImmutableString::from);
        if let Some(id) = &id {
            first_line.entry(id.clone()).or_insert(line);
        }
        let (true, Some(id), Some(person), Some(date), Some(kind)) =
            (cells.ok, id, person_index, date, kind)
        else {
            return;
        };
        events.push(Event {
            id,
            person,
            date,
            kind,
            offence,
            case_id: case_id.map(Into::into),
            tag,
        });
    });
    events
}
