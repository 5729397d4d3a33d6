//! `rules/tryg.toml`: the policy's numbers and lists.
//!
//! The file serves two readers. The host reads the typed sections below (limits,
//! vocabulary, rule order, retention, …). Rules read the whole file as `cfg`, so
//! policy staff can add a section for a new rule without touching Rust.

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::offence::{Category, CategorySet};

/// The parts of tryg.toml the host itself acts on.
#[derive(Debug, Clone, Deserialize)]
pub struct HostConfig {
    pub municipalities: Vec<String>,
    pub retention_months: u32,
    pub forbidden_columns: Vec<String>,
    pub rules: RulesSection,
    pub limits: Limits,
    pub input: InputSection,
    pub vocabulary: Vocabulary,
    pub offences: OffencesSection,
    pub levels: LevelsSection,
    pub forums: Vec<Forum>,
    pub concern_letter: ConcernLetterSection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rule file stems in evaluation order. A file not listed does not run.
    pub order: Vec<String>,
}

/// Sandbox limits for every rule file run on one person.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSection {
    /// Problems listed per input file before the rest are only counted.
    pub max_problems_per_file: usize,
}

/// The tokens the input may use. A token outside these lists is refused at load,
/// so a misspelt tag never silently fails to match a rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub tags: Vec<String>,
    pub risk_factors: Vec<String>,
    pub protective_factors: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffencesSection {
    /// Categories whose events are never offences (traffic, police business).
    pub not_offences: Vec<String>,
}

/// The most levels `[levels] names` may hold, `none` included: levels 0–9.
/// SPEC §3 gives level as a number, so a scheme of up to nine levels above
/// `none` fits without changing any output.
pub const MAX_LEVELS: usize = 10;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelsSection {
    /// Names of levels 0, 1, … in that order: 2 to [`MAX_LEVELS`] names. The
    /// default is the Albertslund unit's three levels and `none` (SPEC §4); a
    /// municipality with four or five levels names them here.
    pub names: Vec<String>,
}

/// An age band and the forum that handles it (SSP, SSP+, …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forum {
    pub name: String,
    pub from_age: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ConcernLetterSection {
    /// Letters proposed for one coordination meeting; the rest wait.
    pub batch_size: usize,
}

impl HostConfig {
    /// Parses tryg.toml. Every string in it is normalised as data is
    /// ([`crate::text::normalise`]: trimmed, NFC), so `"København"` typed on a
    /// Mac matches the data's `København`; errors are located in the text as
    /// written.
    pub fn parse(file: &str, text: &str) -> Result<(HostConfig, toml::Table), Box<Diagnostic>> {
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| toml_diagnostic(file, text, &e))?;
        let host: HostConfig =
            toml::from_str(text).map_err(|e| Box::new(toml_diagnostic(file, text, &e)))?;
        normalise_strings(&mut table);
        // The same shape with normalised strings: it deserialises as the text did.
        let host = toml::Value::Table(table.clone())
            .try_into::<HostConfig>()
            .unwrap_or(host);
        host.validate(file, text)?;
        Ok((host, table))
    }

    fn validate(&self, file: &str, text: &str) -> Result<(), Box<Diagnostic>> {
        let at_key = |key: &str, code: &'static str, message: String| {
            let offset = text.find(key).unwrap_or(0);
            let (line, col) = line_col(text, offset);
            Box::new(Diagnostic::new(code, file, message).at(line, Some(col)))
        };
        for name in &self.offences.not_offences {
            if Category::parse(name).is_none() {
                return Err(at_key(
                    "not_offences",
                    "unknown-category",
                    format!("offences.not_offences: unknown category {name:?}"),
                ));
            }
        }
        if !(2..=MAX_LEVELS).contains(&self.levels.names.len()) {
            return Err(at_key(
                "[levels]",
                "bad-config",
                format!(
                    "levels.names must name level 0 (none) and 1 to {} more levels, in order",
                    MAX_LEVELS - 1
                ),
            ));
        }
        if self.forums.first().map(|f| f.from_age) != Some(0)
            || self
                .forums
                .windows(2)
                .any(|w| w[0].from_age >= w[1].from_age)
        {
            return Err(at_key(
                "[[forums]]",
                "bad-config",
                "forums must start at from_age = 0 and rise strictly".into(),
            ));
        }
        Ok(())
    }

    /// Categories whose events never make an offence.
    pub fn not_offences(&self) -> CategorySet {
        self.offences
            .not_offences
            .iter()
            .filter_map(|c| Category::parse(c))
            .collect()
    }

    /// The forum for an age.
    pub fn forum(&self, age: u32) -> &str {
        self.forums
            .iter()
            .rev()
            .find(|f| age >= f.from_age)
            .map_or("none", |f| f.name.as_str())
    }

    /// The highest level the scheme names (3 in the default pack).
    pub fn max_level(&self) -> u8 {
        u8::try_from(self.levels.names.len().saturating_sub(1)).unwrap_or(u8::MAX)
    }

    /// The display name of a level.
    pub fn level_name(&self, level: u8) -> &str {
        self.levels
            .names
            .get(usize::from(level))
            .map_or("unknown", String::as_str)
    }
}

/// Normalises every string value of a TOML table, at any depth.
fn normalise_strings(table: &mut toml::Table) {
    fn value(v: &mut toml::Value) {
        match v {
            toml::Value::String(s) => {
                let normal = crate::text::normalise(s);
                if normal != s.as_str() {
                    *s = normal.into_owned();
                }
            }
            toml::Value::Array(items) => items.iter_mut().for_each(value),
            toml::Value::Table(t) => normalise_strings(t),
            _ => {}
        }
    }
    table.iter_mut().for_each(|(_, v)| value(v));
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A TOML parse or shape error as a diagnostic pointing at its span.
pub fn toml_diagnostic(file: &str, text: &str, error: &toml::de::Error) -> Diagnostic {
    let mut d = Diagnostic::new("bad-toml", file, error.message().trim().to_string());
    if let Some(span) = error.span() {
        let (line, col) = line_col(text, span.start);
        d = d.at(line, Some(col)).span(span);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_normalised_as_data_is() {
        let text = "municipalities = [\"K\u{f8}benhavn\u{a0}\", \" A\u{030a}rhus\"]\n[home_visit]\ndistricts = [\"Lund \"]\n";
        let mut table: toml::Table = toml::from_str(text).unwrap();
        normalise_strings(&mut table);
        assert_eq!(
            table["municipalities"],
            toml::Value::Array(vec!["K\u{f8}benhavn".into(), "\u{c5}rhus".into()])
        );
        assert_eq!(table["home_visit"]["districts"][0].as_str(), Some("Lund"));
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "a = 1\nbø = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, text.find('=').unwrap()), (1, 3));
        let second_eq = text.rfind('=').unwrap();
        assert_eq!(line_col(text, second_eq), (2, 4));
    }
}
