//! `cfg` as rules see it: tryg.toml, read-only and shared.
//!
//! A table is a handle to an immutable map, so giving every person's rules the
//! config costs a reference count, and no rule can change a number that the next
//! person's screening reads. A key that does not exist is an error naming the
//! full key (with a suggestion), not a silent `()`.

use std::collections::BTreeMap;
use std::sync::Arc;

use rhai::{Dynamic, EvalAltResult, ImmutableString};

use crate::diagnostic::did_you_mean;

/// One table of tryg.toml as rules read it (`cfg`, `cfg.level2`): a shared,
/// immutable map from key to value. Sub-tables are `ConfigTable`s, arrays
/// rhai arrays, TOML dates strings. Rules know the type as `Config`.
#[derive(Clone)]
pub struct ConfigTable {
    /// Dotted path of this table in tryg.toml (empty for the root).
    path: ImmutableString,
    map: Arc<BTreeMap<String, Dynamic>>,
}

impl ConfigTable {
    /// The root table (`cfg`) of a parsed tryg.toml.
    pub fn from_toml(table: &toml::Table) -> ConfigTable {
        Self::build("", table)
    }

    fn build(path: &str, table: &toml::Table) -> ConfigTable {
        let map = table
            .iter()
            .map(|(k, v)| {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                (k.clone(), Self::value(&child, v))
            })
            .collect();
        ConfigTable {
            path: path.into(),
            map: Arc::new(map),
        }
    }

    fn value(path: &str, value: &toml::Value) -> Dynamic {
        match value {
            toml::Value::Table(t) => Dynamic::from(Self::build(path, t)),
            toml::Value::Array(items) => Dynamic::from_array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Self::value(&format!("{path}[{i}]"), v))
                    .collect(),
            ),
            toml::Value::String(s) => Dynamic::from(ImmutableString::from(s.as_str())),
            toml::Value::Integer(i) => Dynamic::from_int(*i),
            toml::Value::Float(f) => Dynamic::from_float(*f),
            toml::Value::Boolean(b) => Dynamic::from_bool(*b),
            toml::Value::Datetime(d) => Dynamic::from(ImmutableString::from(d.to_string())),
        }
    }

    /// `cfg.key` / `cfg[key]`: the value of a key of this table.
    ///
    /// # Errors
    /// A key the table lacks: "tryg.toml has no setting `level1.window_month`;
    /// did you mean `window_months`?".
    pub fn get(&mut self, key: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        if let Some(v) = self.map.get(key) {
            return Ok(v.clone());
        }
        let full = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        let hint = did_you_mean(key, self.map.keys().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        Err(super::api_error(format!(
            "tryg.toml has no setting `{full}`{hint}"
        )))
    }

    /// The dotted path of `key` in this table, for messages.
    pub fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// `cfg.contains("home_visit")`: whether this table has the key.
    pub fn contains(&mut self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// How the table prints in a rule: `tryg.toml` for the root, else
    /// `tryg.toml [level2]`.
    pub fn describe(&mut self) -> String {
        if self.path.is_empty() {
            "tryg.toml".into()
        } else {
            format!("tryg.toml [{}]", self.path)
        }
    }
}
