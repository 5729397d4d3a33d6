//! Which columns of an extract go on, under which name, and which are
//! dropped: the header's plan.
//!
//! Only the columns of the data contract (SPEC §1) go on; the CPR column
//! becomes `person_id`. Everything else is dropped and listed by name;
//! special-category columns (`forbidden_columns` of tryg.toml, GDPR art. 9)
//! are listed apart. A column name is shown only when it looks like a name:
//! a header cell holding a CPR number means the file has no header row, and
//! is refused.

use std::fmt;

use super::cpr::contains_cpr_like;
use crate::diagnostic::{Diagnostic, did_you_mean};

/// Where an output cell comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The CPR column: becomes the person's pseudonym.
    Person(usize),
    /// `event_id`: becomes the event's pseudonym.
    Event(usize),
    /// `case_id`: becomes the case's pseudonym (an empty cell stays empty).
    Case(usize),
    /// `birth_date`, from its column, or from the CPR number where the column
    /// is absent (`None`) or the cell empty.
    BirthDate(Option<usize>),
    /// Any other contract column, passed on as it is.
    Cell(usize),
}

impl Source {
    /// The input field the output column is read from, if any.
    pub fn field(&self) -> Option<usize> {
        match *self {
            Source::Person(i) | Source::Event(i) | Source::Case(i) | Source::Cell(i) => Some(i),
            Source::BirthDate(i) => i,
        }
    }
}

/// A column name as it may appear in a message or summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnName {
    /// 1-based position in the header.
    pub position: usize,
    /// The name, or `None` when it is withheld (too long, or not name-like).
    pub name: Option<String>,
}

impl ColumnName {
    fn new(position: usize, name: &str) -> ColumnName {
        let name_like = !name.is_empty()
            && name.chars().count() <= 64
            && !name.chars().any(char::is_control)
            && !contains_cpr_like(name);
        ColumnName {
            position,
            name: name_like.then(|| name.to_string()),
        }
    }
}

impl fmt::Display for ColumnName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "`{name}`"),
            None => write!(f, "column {} (name not shown)", self.position),
        }
    }
}

/// Which file of the extract a header belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The persons file.
    Persons,
    /// The events file.
    Events,
}

/// The plan for one file: the output columns in order, and what is dropped.
#[derive(Debug)]
pub struct Plan {
    /// Output column names and where each comes from, in contract order.
    pub columns: Vec<(&'static str, Source)>,
    /// The input's position of the CPR column.
    pub id: usize,
    /// Names of the input's columns, for messages (`None` when withheld).
    pub names: Vec<ColumnName>,
    /// Columns dropped for not being in the contract.
    pub dropped: Vec<ColumnName>,
    /// Special-category columns dropped.
    pub forbidden: Vec<ColumnName>,
}

impl Plan {
    /// How a column of the input is named in a message.
    pub fn name(&self, index: usize) -> &ColumnName {
        &self.names[index]
    }
}

/// Makes the plan of a header, or says why the header is unusable: no CPR
/// column, a required contract column missing, a contract column twice, or
/// a header cell that holds a CPR number.
pub fn plan(
    file: &str,
    header: &[String],
    which: Which,
    contract: &[(&'static str, bool)],
    id_column: &str,
    forbidden: &[String],
) -> Result<Plan, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let names: Vec<ColumnName> = header
        .iter()
        .enumerate()
        .map(|(i, n)| ColumnName::new(i + 1, n))
        .collect();
    for (i, name) in header.iter().enumerate() {
        if contains_cpr_like(name) {
            problems.push(
                Diagnostic::new(
                    "missing-header",
                    file,
                    format!(
                        "the first row holds what looks like a CPR number in column {} (not shown): it is data, not a header",
                        i + 1
                    ),
                )
                .at(1, Some(i + 1))
                .hint("export the file with a header row naming its columns"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut id = None;
    let mut found: Vec<(&'static str, usize)> = Vec::new();
    let (mut dropped, mut dropped_forbidden) = (Vec::new(), Vec::new());
    for (i, name) in header.iter().enumerate() {
        let contract_name = contract
            .iter()
            .map(|(n, _)| *n)
            .find(|n| *n == name && *n != "person_id");
        if name == id_column {
            if id.replace(i).is_some() {
                problems.push(twice(file, i, &names[i]));
            }
        } else if forbidden.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            dropped_forbidden.push(names[i].clone());
        } else if let Some(column) = contract_name {
            if found.iter().any(|(n, _)| *n == column) {
                problems.push(twice(file, i, &names[i]));
            } else {
                found.push((column, i));
            }
        } else {
            dropped.push(names[i].clone());
        }
    }
    let Some(id) = id else {
        let mut d = Diagnostic::new(
            "missing-column",
            file,
            format!("the CPR column `{id_column}` is missing"),
        )
        .at(1, None);
        let shown: Vec<&str> = names.iter().filter_map(|n| n.name.as_deref()).collect();
        let same_but_case = shown
            .iter()
            .copied()
            .find(|n| n.eq_ignore_ascii_case(id_column));
        d = match same_but_case.or_else(|| did_you_mean(id_column, shown.iter().copied())) {
            Some(s) => d.hint(format!(
                "did you mean `{s}`? name the column holding the CPR numbers with --id-column NAME"
            )),
            None => d.hint("name the column holding the CPR numbers with --id-column NAME"),
        };
        problems.push(d);
        return Err(problems);
    };
    for (column, required) in contract {
        let derivable = which == Which::Persons && *column == "birth_date";
        if *required
            && *column != "person_id"
            && !derivable
            && !found.iter().any(|(n, _)| n == column)
        {
            let mut d = Diagnostic::new(
                "missing-column",
                file,
                format!("required column `{column}` is missing"),
            )
            .at(1, None);
            let unused: Vec<&str> = dropped.iter().filter_map(|n| n.name.as_deref()).collect();
            if let Some(s) = did_you_mean(column, unused.iter().copied()) {
                d = d.hint(format!("rename `{s}` to `{column}`"));
            }
            problems.push(d);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let index = |column: &str| found.iter().find(|(n, _)| *n == column).map(|(_, i)| *i);
    let mut columns = Vec::new();
    for (column, _) in contract {
        let source = match (*column, index(column)) {
            ("person_id", _) => Some(Source::Person(id)),
            ("event_id", Some(i)) => Some(Source::Event(i)),
            ("case_id", Some(i)) => Some(Source::Case(i)),
            ("birth_date", i) if which == Which::Persons => Some(Source::BirthDate(i)),
            (_, Some(i)) => Some(Source::Cell(i)),
            (_, None) => None,
        };
        if let Some(source) = source {
            columns.push((*column, source));
        }
    }
    Ok(Plan {
        columns,
        id,
        names,
        dropped,
        forbidden: dropped_forbidden,
    })
}

fn twice(file: &str, i: usize, name: &ColumnName) -> Diagnostic {
    Diagnostic::new(
        "duplicate-column",
        file,
        format!("column {name} appears twice"),
    )
    .at(1, Some(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persons() -> Vec<(&'static str, bool)> {
        crate::load::person_contract().collect()
    }

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn forbidden() -> Vec<String> {
        vec!["ethnicity".into(), "religion".into()]
    }

    #[test]
    fn contract_columns_go_on_in_contract_order_and_the_rest_is_listed() {
        let h = header(&[
            "name",
            "municipality",
            "cpr",
            "Ethnicity",
            "sex",
            "person_id",
            "phone",
        ]);
        let plan = plan("p.csv", &h, Which::Persons, &persons(), "cpr", &forbidden()).unwrap();
        assert_eq!(
            plan.columns,
            [
                ("person_id", Source::Person(2)),
                ("birth_date", Source::BirthDate(None)),
                ("sex", Source::Cell(4)),
                ("municipality", Source::Cell(1)),
            ]
        );
        let names = |list: &[ColumnName]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(names(&plan.dropped), ["`name`", "`person_id`", "`phone`"]);
        assert_eq!(names(&plan.forbidden), ["`Ethnicity`"]);
    }

    #[test]
    fn a_missing_cpr_column_suggests_the_flag() {
        let h = header(&["CPR", "birth_date", "municipality"]);
        let e = plan("p.csv", &h, Which::Persons, &persons(), "cpr", &[]).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "p.csv:1: error[missing-column]: the CPR column `cpr` is missing\n  hint: did you mean `CPR`? name the column holding the CPR numbers with --id-column NAME"
        );
    }

    #[test]
    fn required_columns_and_duplicates() {
        let h = header(&["person_id", "sex", "sex"]);
        let e = plan("p.csv", &h, Which::Persons, &persons(), "person_id", &[]).unwrap_err();
        let codes: Vec<_> = e.iter().map(|d| d.code).collect();
        // birth_date is not missing: the CPR number carries it.
        assert_eq!(codes, ["duplicate-column", "missing-column"]);
        assert!(e[1].message.contains("`municipality`"));
    }

    #[test]
    fn a_header_that_is_data_is_refused_without_showing_it() {
        let h = header(&["Ali Hansen", "0102121234", "København"]);
        let e = plan("p.csv", &h, Which::Persons, &persons(), "cpr", &[]).unwrap_err();
        assert_eq!(e.len(), 1);
        let text = e[0].to_string();
        assert!(
            text.starts_with("p.csv:1:2: error[missing-header]"),
            "{text}"
        );
        assert!(
            !text.contains("0102121234") && !text.contains("Ali"),
            "{text}"
        );
    }

    #[test]
    fn odd_names_are_withheld() {
        assert_eq!(
            ColumnName::new(3, &"x".repeat(65)).to_string(),
            "column 3 (name not shown)"
        );
        assert_eq!(
            ColumnName::new(2, "a\nb").to_string(),
            "column 2 (name not shown)"
        );
        assert_eq!(ColumnName::new(1, "Adresse").to_string(), "`Adresse`");
    }
}
