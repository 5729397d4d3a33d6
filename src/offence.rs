//! The offence catalogue (`rules/offences.toml`): police offence codes
//! (gerningskoder) mapped to a name, a category and the two flags rules use.

use std::collections::{BTreeMap, HashMap};

use rhai::ImmutableString;
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics};

/// The categories of SPEC §1. Fixed in code so a typo in the catalogue or a rule
/// is caught, not silently matched against nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Homicide,
    Violence,
    AggravatedViolence,
    Robbery,
    Sexual,
    Threats,
    Burglary,
    Theft,
    Vandalism,
    Arson,
    Weapons,
    DrugsPossession,
    DrugsSale,
    PublicOrder,
    Traffic,
    PoliceBusiness,
    DrugsOrganised,
    Other,
}

impl Category {
    pub const TOKENS: &'static [&'static str] = &[
        "homicide",
        "violence",
        "aggravated_violence",
        "robbery",
        "sexual",
        "threats",
        "burglary",
        "theft",
        "vandalism",
        "arson",
        "weapons",
        "drugs_possession",
        "drugs_sale",
        "public_order",
        "traffic",
        "police_business",
        "drugs_organised",
        "other",
    ];
    const ALL: [Category; 18] = [
        Category::Homicide,
        Category::Violence,
        Category::AggravatedViolence,
        Category::Robbery,
        Category::Sexual,
        Category::Threats,
        Category::Burglary,
        Category::Theft,
        Category::Vandalism,
        Category::Arson,
        Category::Weapons,
        Category::DrugsPossession,
        Category::DrugsSale,
        Category::PublicOrder,
        Category::Traffic,
        Category::PoliceBusiness,
        Category::DrugsOrganised,
        Category::Other,
    ];

    pub fn parse(token: &str) -> Option<Category> {
        Self::TOKENS
            .iter()
            .position(|t| *t == token)
            .map(|i| Self::ALL[i])
    }

    pub fn as_str(self) -> &'static str {
        Self::TOKENS[self as usize]
    }

    /// This category's bit in a [`CategorySet`].
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of categories as a bit mask: an offence grouped from several events can
/// be of several categories at once (violence charged as aggravated violence).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CategorySet(pub u32);

impl CategorySet {
    pub fn insert(&mut self, category: Category) {
        self.0 |= category.bit();
    }

    pub fn contains(self, category: Category) -> bool {
        self.0 & category.bit() != 0
    }

    pub fn intersects(self, other: CategorySet) -> bool {
        self.0 & other.0 != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::ALL.into_iter().filter(move |c| self.contains(*c))
    }
}

impl FromIterator<Category> for CategorySet {
    fn from_iter<I: IntoIterator<Item = Category>>(iter: I) -> Self {
        let mut set = CategorySet::default();
        for c in iter {
            set.insert(c);
        }
        set
    }
}

/// One catalogue entry.
#[derive(Debug, Clone)]
pub struct OffenceDef {
    pub code: ImmutableString,
    pub name: ImmutableString,
    pub category: Category,
    pub person_dangerous: bool,
    pub serious: bool,
    pub source: String,
}

/// The whole catalogue, indexed by code.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    defs: Vec<OffenceDef>,
    by_code: HashMap<String, u16>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    category: String,
    person_dangerous: bool,
    serious: bool,
    source: String,
}

impl Catalogue {
    /// Parses `offences.toml`: one table per code, `[73111]`.
    pub fn parse(file: &str, text: &str) -> Result<Catalogue, Diagnostics> {
        let mut problems = Diagnostics::with_cap(50);
        let entries: BTreeMap<String, toml::Spanned<Entry>> = match toml::from_str(text) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(crate::config::toml_diagnostic(file, text, &e));
                return Err(problems);
            }
        };
        let mut catalogue = Catalogue::default();
        for (code, entry) in entries {
            // A code is compared with the data's offence_code, which is trimmed.
            let code = crate::text::normalise(&code).into_owned();
            let span = entry.span();
            let entry = entry.into_inner();
            let here = |code: &'static str, message: String| {
                let (line, col) = crate::config::line_col(text, span.start);
                Diagnostic::new(code, file, message)
                    .at(line, Some(col))
                    .span(span.clone())
            };
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                problems.push(here(
                    "bad-offence-code",
                    format!("offence code {code:?} is not digits"),
                ));
                continue;
            }
            let Some(category) = Category::parse(&entry.category) else {
                let mut d = here(
                    "unknown-category",
                    format!("offence {code}: unknown category {:?}", entry.category),
                );
                if let Some(s) = crate::diagnostic::did_you_mean(
                    &entry.category,
                    Category::TOKENS.iter().copied(),
                ) {
                    d = d.hint(format!("did you mean `{s}`?"));
                }
                problems.push(d);
                continue;
            };
            let index = u16::try_from(catalogue.defs.len()).unwrap_or(u16::MAX);
            catalogue.by_code.insert(code.clone(), index);
            catalogue.defs.push(OffenceDef {
                code: code.into(),
                name: entry.name.into(),
                category,
                person_dangerous: entry.person_dangerous,
                serious: entry.serious,
                source: entry.source,
            });
        }
        if catalogue.defs.len() >= usize::from(u16::MAX) {
            problems.push(Diagnostic::new(
                "catalogue-too-large",
                file,
                "the catalogue holds more than 65,534 codes",
            ));
        }
        problems.into_result().map(|()| catalogue)
    }

    pub fn lookup(&self, code: &str) -> Option<u16> {
        self.by_code.get(code).copied()
    }

    pub fn get(&self, index: u16) -> &OffenceDef {
        &self.defs[usize::from(index)]
    }

    pub fn len(&self) -> usize {
        self.defs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &OffenceDef> {
        self.defs.iter()
    }
}
