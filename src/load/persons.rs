//! persons.csv: one row per person (SPEC §1).

use std::collections::{HashMap, HashSet};

use rhai::ImmutableString;
use serde::Deserialize;

use super::cells::{Cells, Vocab};
use super::csv_file::{Column, InputFile, for_each_record, read_header};
use crate::config::HostConfig;
use crate::diagnostic::Diagnostics;
use crate::person::{GangAffiliation, Person, Sex};

pub const COLUMNS: &[Column] = &[
    Column {
        name: "person_id",
        required: true,
    },
    Column {
        name: "birth_date",
        required: true,
    },
    Column {
        name: "sex",
        required: false,
    },
    Column {
        name: "municipality",
        required: true,
    },
    Column {
        name: "district",
        required: false,
    },
    Column {
        name: "address_known",
        required: false,
    },
    Column {
        name: "gang_affiliation",
        required: false,
    },
    Column {
        name: "in_custody",
        required: false,
    },
    Column {
        name: "exit_program",
        required: false,
    },
    Column {
        name: "last_letter_date",
        required: false,
    },
    Column {
        name: "risk_factors",
        required: false,
    },
    Column {
        name: "protective_factors",
        required: false,
    },
];

/// A raw row, borrowed from the CSV record: nothing is allocated until validated.
#[derive(Deserialize)]
struct Row<'a> {
    person_id: Option<&'a str>,
    birth_date: Option<&'a str>,
    sex: Option<&'a str>,
    municipality: Option<&'a str>,
    district: Option<&'a str>,
    address_known: Option<&'a str>,
    gang_affiliation: Option<&'a str>,
    in_custody: Option<&'a str>,
    exit_program: Option<&'a str>,
    last_letter_date: Option<&'a str>,
    risk_factors: Option<&'a str>,
    protective_factors: Option<&'a str>,
}

/// Longest municipality or district name accepted; longer is not a place name.
const MAX_PLACE_LEN: usize = 80;

/// Validated persons in input order, and each id's position.
pub struct Persons {
    pub list: Vec<Person>,
    pub index: HashMap<ImmutableString, u32>,
    /// Ids of rows that failed validation: their events are not "unknown".
    pub rejected: HashSet<String>,
    /// False when the header was unusable: then no person id is known at all,
    /// and events are not checked against persons (that would only add noise).
    pub header_ok: bool,
}

pub fn read(file: &InputFile, config: &HostConfig, problems: &mut Diagnostics) -> Persons {
    let mut persons = Persons {
        list: Vec::new(),
        index: HashMap::new(),
        rejected: HashSet::new(),
        header_ok: false,
    };
    let Some((header, reader)) = read_header(file, COLUMNS, &config.forbidden_columns, problems)
    else {
        return persons;
    };
    persons.header_ok = true;
    let risk = Vocab::new(&config.vocabulary.risk_factors);
    let protective = Vocab::new(&config.vocabulary.protective_factors);
    let mut first_line: HashMap<ImmutableString, usize> = HashMap::new();

    for_each_record(file, reader, problems, |record, line, problems| {
        let Some(row) = super::csv_file::row::<Row>(record, &header, &file.name, line, problems)
        else {
            // An unreadable row's id (if readable) still exists: its events
            // are not "unknown persons".
            if let Some(id) = super::csv_file::raw_cell(record, &header, "person_id") {
                persons.rejected.insert(id.to_string());
            }
            return;
        };
        let mut cells = Cells {
            file: &file.name,
            line,
            header: &header,
            problems,
            ok: true,
        };

        let id = cells.unique_id("person_id", row.person_id, &first_line);
        let birth_date = cells
            .required("birth_date", row.birth_date)
            .and_then(|v| cells.date("birth_date", v));
        let sex = row
            .sex
            .filter(|v| !v.is_empty())
            .and_then(|v| cells.token("sex", v, Sex::TOKENS, Sex::parse));
        let municipality = cells.required("municipality", row.municipality);
        for (column, value) in [("municipality", municipality), ("district", row.district)] {
            if value.is_some_and(|v| v.chars().count() > MAX_PLACE_LEN) {
                cells.fail(
                    column,
                    "value-too-long",
                    format!("`{column}` is longer than {MAX_PLACE_LEN} characters"),
                );
            }
        }
        let address_known = cells.bool("address_known", row.address_known, true);
        let gang_affiliation = match row.gang_affiliation.filter(|v| !v.is_empty()) {
            None => GangAffiliation::None,
            Some(v) => cells
                .token(
                    "gang_affiliation",
                    v,
                    GangAffiliation::TOKENS,
                    GangAffiliation::parse,
                )
                .unwrap_or_default(),
        };
        let in_custody = cells.bool("in_custody", row.in_custody, false);
        let exit_program = cells.bool("exit_program", row.exit_program, false);
        let last_letter_date = cells.optional_date("last_letter_date", row.last_letter_date);
        let risk_factors = cells.token_list("risk_factors", row.risk_factors, &risk);
        let protective_factors =
            cells.token_list("protective_factors", row.protective_factors, &protective);

        // One allocation per id, shared by both maps and the person.
        let id = id.map(ImmutableString::from);
        if let Some(id) = &id {
            first_line.entry(id.clone()).or_insert(line);
        }
        let (true, Some(id), Some(birth_date), Some(municipality)) =
            (cells.ok, id.clone(), birth_date, municipality)
        else {
            if let Some(id) = id {
                persons.rejected.insert(id.to_string());
            }
            return;
        };
        let index = u32::try_from(persons.list.len()).expect("fewer than 4 billion persons");
        persons.index.insert(id.clone(), index);
        persons.list.push(Person {
            id,
            birth_date,
            sex,
            municipality: municipality.into(),
            district: row.district.filter(|v| !v.is_empty()).map(Into::into),
            address_known,
            gang_affiliation,
            in_custody,
            exit_program,
            last_letter_date,
            risk_factors,
            protective_factors,
        });
    });
    persons
}
