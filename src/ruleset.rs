//! A rule set: a [`RulePack`] read, validated and compiled once, shared by
//! every thread of a screening and by every command (`check`, `test`,
//! `explain`, `diff`) without reading or compiling anything again.
//!
//! Loading finds what makes a pack unusable: a tryg.toml or offences.toml that
//! does not parse or fit its shape, a rule file that does not compile, a name
//! in `[rules] order` with no file or listed twice. What is wrong only in
//! meaning (an unknown function, setting or token) is [`crate::check`]'s to
//! find, over the compiled files held here; the commands run it before any
//! screening.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use rhai::Engine;

use crate::config::{self, HostConfig};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::host::{self, Program, RuleFile, config_view::ConfigTable, view::World};
use crate::offence::Catalogue;
pub use crate::pack::{CATALOGUE_FILE, CONFIG_FILE, DEFAULT_PACK, RulePack};

/// Problems with a rule pack, with the texts needed to show source excerpts.
#[derive(thiserror::Error)]
#[error("the rule set has {} problem(s)", diagnostics.total())]
pub struct RulesError {
    /// Every problem found, up to 50 per file; the rest counted.
    pub diagnostics: Diagnostics,
    /// The pack that was refused, so a message can show its source lines
    /// (and `tryg check` can still report on it).
    pub pack: Box<RulePack>,
    /// The rule set as far as it could be made when only tryg.toml's
    /// settings are wrong (each replaced by its default) or some rule files
    /// do not compile (those left out), so that `tryg check` can look at the
    /// other rule files too. Never screened.
    pub partial: Option<Box<RuleSet>>,
}

impl std::fmt::Debug for RulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RulesError")
            .field("diagnostics", &self.diagnostics)
            .field("pack", &self.pack.folder)
            .field("partial", &self.partial.is_some())
            .finish()
    }
}

impl RulesError {
    /// Every problem with its source excerpt.
    pub fn render(&self) -> String {
        crate::diagnostic::render_with_sources(&self.diagnostics, |file| {
            let name = file.rsplit('/').next().unwrap_or(file);
            self.pack.file(name)
        })
    }
}

/// A validated, compiled rule set.
pub struct RuleSet {
    /// The files it was built from, case files included.
    pub pack: RulePack,
    /// The one engine every rule file runs on, with tryg.toml's limits.
    pub engine: Engine,
    /// The sections of tryg.toml the host itself acts on.
    pub config: HostConfig,
    /// tryg.toml as rules read it: `cfg` in a rule file.
    pub settings: ConfigTable,
    /// tryg.toml as parsed, from which `settings` is made.
    table: toml::Table,
    /// Where each setting of tryg.toml is, by dotted path, from the parser.
    pub setting_spans: BTreeMap<String, Range<usize>>,
    /// offences.toml, parsed; shared with every screening's [`World`].
    pub catalogue: Arc<Catalogue>,
    /// The rule files of `[rules] order`, compiled, in that order.
    pub files: Vec<RuleFile>,
    /// The pack's other rule files: compiled, so `check` reads them, never run.
    pub unlisted: Vec<RuleFile>,
    /// [`RulePack::digest`]: 64 hex digits.
    pub digest: String,
    /// The line of `retention_months` in tryg.toml, which retention reasons
    /// cite; 0 if it cannot be found.
    pub retention_line: usize,
    /// What tryg.toml's schema noted (its warnings: upgrade notes, sections
    /// of one's own), the pack's version, and the settings it filled in.
    pub schema: crate::config::schema::Checked,
}

impl RuleSet {
    /// Reads tryg.toml and offences.toml and compiles every rule file of the
    /// pack once.
    ///
    /// # Errors
    /// Every problem that makes the pack unusable, at once (see the module
    /// documentation).
    pub fn load(pack: RulePack) -> Result<RuleSet, Box<RulesError>> {
        let mut problems = Diagnostics::with_cap(50);
        let config_path = pack.path(CONFIG_FILE);
        let catalogue_path = pack.path(CATALOGUE_FILE);
        let missing = |path: &str, name: &str| {
            Diagnostic::new(
                "missing-file",
                path,
                format!("the rules folder has no {name}"),
            )
        };

        let config_text = pack.file(CONFIG_FILE).unwrap_or("");
        let parsed = match pack.file(CONFIG_FILE) {
            Some(text) => HostConfig::parse(&config_path, text)
                .map_err(|d| problems.extend(d))
                .ok(),
            None => {
                problems.push(missing(&config_path, CONFIG_FILE));
                None
            }
        };
        let catalogue = match pack.file(CATALOGUE_FILE) {
            Some(text) => Catalogue::parse(&catalogue_path, text)
                .map_err(|d| problems.extend(d))
                .ok(),
            None => {
                problems.push(missing(&catalogue_path, CATALOGUE_FILE));
                None
            }
        };
        let refuse = |problems, pack, partial| {
            Err(Box::new(RulesError {
                diagnostics: problems,
                pack: Box::new(pack),
                partial,
            }))
        };
        let (Some(parsed), Some(catalogue)) = (parsed, catalogue) else {
            // Still compile every rule file, so a syntax error is reported
            // together with what is wrong in tryg.toml.
            let limits = config::schema::defaults()
                .get("limits")
                .cloned()
                .and_then(|l| l.try_into::<config::Limits>().ok());
            if let Some(limits) = limits {
                let engine = host::engine(&limits);
                for (name, source) in &pack.files {
                    if let Some(stem) = name.strip_suffix(".rhai")
                        && let Err(d) = host::compile(&engine, &pack.path(name), stem, source)
                    {
                        problems.push(*d);
                    }
                }
            }
            return refuse(problems, pack, None);
        };
        let config::Parsed {
            host: config,
            table,
            schema: mut checked,
        } = parsed;
        // The schema's errors refuse the pack; its warnings are `check`'s.
        let (errors, notes): (Vec<_>, Vec<_>) = std::mem::take(&mut checked.findings)
            .into_iter()
            .partition(|d| d.severity == crate::diagnostic::Severity::Error);
        checked.findings = notes;
        let settings_wrong = !errors.is_empty();
        for d in errors {
            problems.push(d);
        }

        let setting_spans = config::setting_spans(config_text);
        let engine = host::engine(&config.limits);
        let order = &config.rules.order;
        for (i, stem) in order.iter().enumerate() {
            let at = |code, message: String| {
                Diagnostic::new(code, &config_path, message)
                    .at_first(config_text, &format!("\"{stem}\""))
            };
            if order[..i].contains(stem) {
                problems.push(at(
                    "duplicate-rule",
                    format!("rule `{stem}` is listed twice in [rules] order"),
                ));
            } else if pack.file(&format!("{stem}.rhai")).is_none() {
                let rhai_files = pack
                    .files
                    .iter()
                    .filter_map(|(n, _)| n.strip_suffix(".rhai"));
                let hint = match crate::diagnostic::did_you_mean(stem, rhai_files) {
                    Some(s) => format!("did you mean `{s}`? ({s}.rhai is in the folder)"),
                    None => "add the file, or remove the name from the list".into(),
                };
                problems.push(
                    at(
                        "missing-rule",
                        format!(
                            "rule `{stem}` is listed in [rules] order but there is no {stem}.rhai"
                        ),
                    )
                    .hint(hint),
                );
            }
        }

        let mut compiled = BTreeMap::new();
        for (name, source) in &pack.files {
            let Some(stem) = name.strip_suffix(".rhai") else {
                continue;
            };
            if let Some(d) = beyond_positions(&pack.path(name), source) {
                problems.push(d);
                continue;
            }
            match host::compile(&engine, &pack.path(name), stem, source) {
                Ok(file) => {
                    compiled.insert(stem.to_string(), file);
                }
                Err(d) => problems.push(*d),
            }
        }
        // A rule file that does not compile is left out of a partial rule
        // set, so `check` still reports what is wrong in the others (a
        // policy officer then fixes every file in one round, not one per run).
        let rule_file_unreadable =
            |d: &Diagnostic| d.file != config_path && UNCOMPILED_FILE_CODES.contains(&d.code);
        let settings_problem =
            |d: &Diagnostic| d.file == config_path && checked_codes().contains(&d.code);
        let unusable = problems
            .items()
            .iter()
            .any(|d| !(settings_problem(d) || rule_file_unreadable(d)))
            || problems.total() > problems.items().len();
        let files_wrong = problems.items().iter().any(rule_file_unreadable);
        if !problems.is_empty() && (unusable || !(settings_wrong || files_wrong)) {
            return refuse(problems, pack, None);
        }
        let files = order
            .iter()
            .filter_map(|stem| compiled.remove(stem))
            .collect();
        let unlisted = compiled.into_values().collect();

        let retention_line = setting_spans.get("retention_months").map_or(0, |span| {
            crate::diagnostic::line_col(config_text, span.start).0
        });
        let refused_pack = (!problems.is_empty()).then(|| pack.clone());
        let rules = RuleSet {
            engine,
            settings: ConfigTable::from_toml(&table),
            config,
            table,
            setting_spans,
            catalogue: Arc::new(catalogue),
            files,
            unlisted,
            digest: pack.digest(),
            retention_line,
            schema: checked,
            pack,
        };
        match refused_pack {
            None => Ok(rules),
            Some(pack) => refuse(problems, pack, Some(Box::new(rules))),
        }
    }

    /// What evaluating a person needs of this rule set.
    pub fn program(&self) -> Program<'_> {
        Program {
            engine: &self.engine,
            files: &self.files,
            settings: &self.settings,
            stopped: &[],
        }
    }

    /// The world of a screening of `batch` as of `as_of` under this rule set.
    pub fn world(&self, batch: Arc<crate::load::Batch>, as_of: crate::time::Date) -> World {
        World::new(&self.config, Arc::clone(&self.catalogue), batch, as_of)
    }

    /// tryg.toml as parsed (what `cfg` is made from).
    pub fn table(&self) -> &toml::Table {
        &self.table
    }

    /// Replaces the screened municipalities (`--municipality`), for the host
    /// and for the rules' `cfg.municipalities` alike.
    pub fn set_municipalities(&mut self, names: Vec<String>) {
        self.table.insert(
            "municipalities".into(),
            toml::Value::Array(names.iter().cloned().map(toml::Value::String).collect()),
        );
        self.config.municipalities = names;
        self.settings = ConfigTable::from_toml(&self.table);
    }
}

/// The codes of a rule file that does not compile: [`RuleSet::load`] leaves
/// such a file out of [`RulesError::partial`], so what it reads looks unread.
pub const UNCOMPILED_FILE_CODES: &[&str] = &["rule-syntax", "rule-too-long"];

/// The codes of what tryg.toml's schema reports: a pack with only these
/// problems (or with rule files that do not compile) is still made (as
/// [`RulesError::partial`]) for `check`.
fn checked_codes() -> &'static [&'static str] {
    &[
        "bad-setting",
        "bad-limit",
        "unknown-setting",
        "renamed-setting",
        "missing-setting",
        "unknown-token",
    ]
}

/// The longest rule file, in lines, and the longest line, in characters,
/// whose positions can be reported: rhai keeps positions in 16 bits, and a
/// reason must cite its true line.
pub const MAX_POSITION: usize = u16::MAX as usize;

/// A rule file too long for its positions to be reported, refused.
fn beyond_positions(file: &str, source: &str) -> Option<Diagnostic> {
    let lines = source.lines().count();
    if lines > MAX_POSITION {
        return Some(Diagnostic::new(
            "rule-too-long",
            file,
            format!("the file has {lines} lines; a rule file may have at most {MAX_POSITION}, so that every reason can cite its line"),
        ).hint("split it into several rule files"));
    }
    let (line, longest) = source
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.chars().count()))
        .max_by_key(|(_, n)| *n)?;
    (longest > MAX_POSITION).then(|| {
        Diagnostic::new(
            "rule-too-long",
            file,
            format!("line {line} has {longest} characters; a line may have at most {MAX_POSITION}"),
        )
        .at(line, None)
        .hint("break the line")
    })
}
