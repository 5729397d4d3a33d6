//! The users' language (issue 18 item 5): the words of `tryg serve`'s pages,
//! the period report, and `tryg screen`'s table and reviewers' report in
//! Danish or English, with Project Fluent
//! (`fluent-bundle`). Messages live in `i18n/en.ftl` and `i18n/da.ftl`,
//! compiled into the binary; both files hold the same message ids (a unit
//! test keeps them in step).
//!
//! Only tryg's own words are translated. Rule texts, reasons, names, notes and
//! tokens of the data contract (`level_name`, `network_council`, …) are shown
//! as written: they are the policy staff's and the meeting's own words.
//!
//! A missing message shows its id (never panics), so a pack of messages out
//! of step shows where, instead of failing a meeting.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language tryg speaks.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Deserialize,
    serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Dansk.
    Da,
    /// English (the default when nothing is set).
    #[default]
    En,
}

impl Lang {
    /// The BCP 47 tag: `da` or `en` (the pages' `lang` attribute).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }
}

const EN: &str = include_str!("i18n/en.ftl");
const DA: &str = include_str!("i18n/da.ftl");

/// The messages of one language.
pub struct Messages {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages")
            .field("lang", &self.lang)
            .finish()
    }
}

fn build(lang: Lang) -> Messages {
    let source = match lang {
        Lang::Da => DA,
        Lang::En => EN,
    };
    // The files are compiled in and tested: a syntax error is a bug in tryg.
    let resource = FluentResource::try_new(source.to_string())
        .unwrap_or_else(|(_, errors)| panic!("i18n/{}.ftl: {errors:?}", lang.tag()));
    let id: unic_langid::LanguageIdentifier = lang.tag().parse().expect("a language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around values: the pages and the report's
    // CSV would carry invisible characters.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("i18n/{}.ftl: {errors:?}", lang.tag()));
    Messages { lang, bundle }
}

impl Messages {
    /// The messages of `lang`, built once per process.
    pub fn of(lang: Lang) -> &'static Messages {
        static DA_MESSAGES: OnceLock<Messages> = OnceLock::new();
        static EN_MESSAGES: OnceLock<Messages> = OnceLock::new();
        match lang {
            Lang::Da => DA_MESSAGES.get_or_init(|| build(Lang::Da)),
            Lang::En => EN_MESSAGES.get_or_init(|| build(Lang::En)),
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// A level's name in these messages' words when it is one of the
    /// default pack's (`none`, `risk_behaviour`, `crime`, `qualified_crime`:
    /// tokens of the data contract, shown as labels); a pack's own name as it
    /// is.
    pub fn level_name(&self, name: &str) -> String {
        match name {
            "none" | "risk_behaviour" | "crime" | "qualified_crime" => {
                self.text(&format!("level-name-{name}"))
            }
            other => other.to_string(),
        }
    }

    /// A screening's change in these messages' words: `new`, `escalated
    /// from 1`, `de-escalated from 3`, `unchanged` in English (as
    /// [`crate::change::Change::words`]).
    pub fn change(&self, c: &crate::change::Change) -> String {
        use crate::change::ChangeKind;
        let kind = self.text(&format!("change-{}", c.kind.as_str()));
        match (c.kind, c.from_level) {
            (ChangeKind::Escalated | ChangeKind::DeEscalated, Some(from)) => self.format(
                "table-change-from",
                &[("what", kind.into()), ("level", from.to_string().into())],
            ),
            _ => kind,
        }
    }

    /// The message `id` with no arguments.
    pub fn text(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// The message `id` with named arguments (numbers select plural forms).
    /// A missing message, or one with a missing argument, gives `id` itself.
    pub fn format(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(t) => FluentValue::from(t.clone()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        if errors.is_empty() {
            text.into_owned()
        } else {
            id.to_string()
        }
    }
}

/// An argument of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text, shown as given.
    Text(String),
    /// A count or number (selects the plural form).
    Number(f64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Number(v as f64)
    }
}
impl From<usize> for Arg {
    fn from(v: usize) -> Arg {
        Arg::Number(v as f64)
    }
}

/// Registers `t(id, name=value, …)` on a template environment: the message
/// `id` of `messages`, each keyword argument passed as a number when it is
/// a whole number and as text otherwise. The one way the HTML report, the
/// period report and `tryg serve`'s pages get their words.
pub fn add_template_function(env: &mut minijinja::Environment<'_>, messages: &'static Messages) {
    use minijinja::value::{Kwargs, Value, ValueKind};
    env.add_function(
        "t",
        move |id: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
            let mut args: Vec<(String, Arg)> = Vec::new();
            for key in kwargs.args() {
                let value: Value = kwargs.get(key)?;
                let arg = match value.as_i64() {
                    Some(n) if value.kind() == ValueKind::Number => Arg::Number(n as f64),
                    _ => Arg::Text(value.to_string()),
                };
                args.push((key.to_string(), arg));
            }
            let borrowed: Vec<(&str, Arg)> =
                args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            Ok(messages.format(&id, &borrowed))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> std::collections::BTreeSet<String> {
        source
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or("").trim().to_string())
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let (en, da) = (ids(EN), ids(DA));
        assert!(en.len() > 20);
        let only_en: Vec<_> = en.difference(&da).collect();
        let only_da: Vec<_> = da.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in da.ftl: {only_en:?}");
        assert!(only_da.is_empty(), "missing in en.ftl: {only_da:?}");
        // Every message formats without error in both (with generous args).
        for lang in [Lang::En, Lang::Da] {
            let m = Messages::of(lang);
            for id in &en {
                let args: Vec<(&str, Arg)> = [
                    "n",
                    "run",
                    "as_of",
                    "id",
                    "seq",
                    "level",
                    "from",
                    "to",
                    "head",
                    "count",
                    "entries",
                    "person",
                    "kind",
                    "what",
                    "date",
                    "total",
                    "problems",
                    "period",
                    "municipality",
                    "district",
                    "cutoff",
                    "value",
                    "label",
                    "share",
                    "rank",
                    "priority",
                    "route",
                    "limb",
                    "name",
                    "age",
                    "forum",
                    "store",
                    "due",
                    "digest",
                    "persons",
                    "events",
                    "municipalities",
                    "levels",
                    "board",
                    "letters",
                    "in_batch",
                    "out_of_scope",
                    "errors",
                    "actions",
                    "previous",
                    "why",
                    "file",
                    "line",
                    "screened",
                    "overdue",
                    "of",
                    "recipients",
                ]
                .iter()
                .map(|a| (*a, Arg::Number(2.0)))
                .collect();
                let message = m.bundle.get_message(id).and_then(|m| m.value());
                let pattern = message.unwrap_or_else(|| panic!("{} {id}", lang.tag()));
                let mut fluent_args = FluentArgs::new();
                for (name, _) in &args {
                    fluent_args.set(*name, FluentValue::from(2));
                }
                let mut errors = Vec::new();
                m.bundle
                    .format_pattern(pattern, Some(&fluent_args), &mut errors);
                assert!(errors.is_empty(), "{} {id}: {errors:?}", lang.tag());
            }
        }
    }

    #[test]
    fn plurals_and_missing_messages() {
        let en = Messages::of(Lang::En);
        assert_eq!(en.format("n-persons", &[("n", 1usize.into())]), "1 person");
        assert_eq!(en.format("n-persons", &[("n", 3usize.into())]), "3 persons");
        let da = Messages::of(Lang::Da);
        assert_eq!(da.format("n-persons", &[("n", 1usize.into())]), "1 person");
        assert_eq!(
            da.format("n-persons", &[("n", 3usize.into())]),
            "3 personer"
        );
        assert_eq!(en.text("no-such-message"), "no-such-message");
    }
}
