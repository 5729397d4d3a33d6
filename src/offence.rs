//! The offence catalogue (`rules/offences.toml`): police offence codes
//! (gerningskoder) mapped to a name, a category and the two flags rules use.

use std::collections::{BTreeMap, HashMap};

use rhai::ImmutableString;
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics};

crate::proposal::token_enum! {
    /// The categories of SPEC §1. Fixed in code so a typo in the catalogue or a
    /// rule is caught, not silently matched against nothing.
    Category {
        /// `homicide`: manddrab, forsøg på manddrab, drab efter begæring.
        Homicide,
        /// `violence`: vold.
        Violence,
        /// `aggravated_violence`: vold, kvalificeret.
        AggravatedViolence,
        /// `robbery`: røveri, e.g. gaderøveri (76319).
        Robbery,
        /// `sexual`: sexual offences, e.g. voldtægt.
        Sexual,
        /// `threats`: trusler.
        Threats,
        /// `burglary`: indbrud.
        Burglary,
        /// `theft`: tyveri.
        Theft,
        /// `vandalism`: hærværk.
        Vandalism,
        /// `arson`: brandstiftelse.
        Arson,
        /// `weapons`: the weapons act and the knife act.
        Weapons,
        /// `drugs_possession`: the drugs act (lov om euforiserende stoffer).
        DrugsPossession,
        /// `drugs_sale`: sale under the drugs act.
        DrugsSale,
        /// `public_order`: offentlig orden.
        PublicOrder,
        /// `traffic`: færdselsloven; no offence by default (`[offences] not_offences`).
        Traffic,
        /// `police_business`: registrations without a case (61600, 61615), not
        /// crimes; no offence by default.
        PoliceBusiness,
        /// `drugs_organised`: serious drug crime under straffeloven § 191:
        /// organised sale.
        DrugsOrganised,
        /// `other`: a code of none of the categories above.
        Other,
    }
}

impl Category {
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
    /// Adds a category.
    pub fn insert(&mut self, category: Category) {
        self.0 |= category.bit();
    }

    /// Whether the set holds `category`.
    pub fn contains(self, category: Category) -> bool {
        self.0 & category.bit() != 0
    }

    /// Whether the two sets share a category.
    pub fn intersects(self, other: CategorySet) -> bool {
        self.0 & other.0 != 0
    }

    /// The categories held, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::all().filter(move |c| self.contains(*c))
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
    /// The police offence code (gerningskode): ASCII digits, e.g. `73111`.
    pub code: ImmutableString,
    /// Its name, e.g. `manddrab`.
    pub name: ImmutableString,
    /// Its one category.
    pub category: Category,
    /// Personfarlig: a danger to persons.
    pub person_dangerous: bool,
    /// Betydelig strafferamme: a significant penalty range.
    pub serious: bool,
    /// Where the code is documented, or `placeholder` for a code a police
    /// district replaces with its own.
    pub source: String,
}

/// The whole catalogue, indexed by code.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// The file it was read from, as messages name it (`rules/offences.toml`).
    file: String,
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
    /// Parses `offences.toml`: one table per code, `[73111]`, with `name`,
    /// `category`, `person_dangerous`, `serious` and `source`.
    ///
    /// # Errors
    /// A file that is not TOML of that shape (the first such problem); else
    /// every code that is not digits or has an unknown category (with a "did
    /// you mean"); or 65,535 codes or more.
    pub fn parse(file: &str, text: &str) -> Result<Catalogue, Diagnostics> {
        let mut problems = Diagnostics::with_cap(50);
        let entries: BTreeMap<String, toml::Spanned<Entry>> = match toml::from_str(text) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(crate::diagnostic::toml_diagnostic(file, text, &e));
                return Err(problems);
            }
        };
        let mut catalogue = Catalogue {
            file: file.to_string(),
            ..Catalogue::default()
        };
        for (code, entry) in entries {
            // A code is compared with the data's offence_code, which is trimmed.
            let code = crate::text::normalise(&code).into_owned();
            let span = entry.span();
            let entry = entry.into_inner();
            let here = |code: &'static str, message: String| {
                let (line, col) = crate::diagnostic::line_col(text, span.start);
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

    /// The file the catalogue was read from, as messages name it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The index of an offence code, or `None` when the catalogue lacks it.
    pub fn lookup(&self, code: &str) -> Option<u16> {
        self.by_code.get(code).copied()
    }

    /// The entry at an index [`Catalogue::lookup`] gave; panics when out of range.
    pub fn get(&self, index: u16) -> &OffenceDef {
        &self.defs[usize::from(index)]
    }

    /// How many codes the catalogue holds.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// Whether the catalogue holds no code.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Every entry, in the order of their codes compared as text.
    pub fn iter(&self) -> impl Iterator<Item = &OffenceDef> {
        self.defs.iter()
    }
}
