//! `tryg check`: everything that can be known about a rule pack without data.
//!
//! Compiles every rule file and reads the config and catalogue, then walks each
//! rule's syntax tree for what compiling cannot see: calls to functions that do
//! not exist, properties no type has, `cfg` keys missing from tryg.toml, tokens
//! (kinds, tags, categories, risk and protective factors, routes, …) the data
//! contract and tryg.toml's vocabulary do not know, a number compared with
//! text (never true, so never silently), text in double quotes that holds
//! `${…}` (shown as written, not filled in), and tryg.toml keys that nothing
//! reads. tryg.toml itself is held to its schema when the pack is loaded
//! ([`crate::config::schema`]); its notes on upgrading an older pack are
//! reported here. The same walk lists the effect call sites (`propose_…`,
//! `out_of_scope`) that `tryg test` measures coverage against, by line and
//! column.

use std::collections::{BTreeMap, BTreeSet};

use rhai::{ASTNode, Engine, Expr, FnCallExpr, Position, Stmt};

use crate::config::HostConfig;
use crate::config::schema;
use crate::diagnostic::{Diagnostic, Severity, did_you_mean};
use crate::event::EventKind;
use crate::offence::Category;
use crate::person::{GangAffiliation, Sex};
use crate::proposal::{Limb, Recipient, Route};
use crate::ruleset::{CONFIG_FILE, RuleSet};

/// The functions whose calls are effects, for coverage.
pub const EFFECT_FUNCTIONS: &[&str] = &[
    "propose_level",
    "propose_youth_board",
    "propose_concern_letter",
    "propose_action",
    "note",
    "out_of_scope",
];

/// tryg.toml keys the host itself reads (so no rule needs to).
const HOST_KEYS: &[&str] = &[
    "municipalities",
    "retention_months",
    "forbidden_columns",
    "rules",
    "limits",
    "input",
    "vocabulary",
    "offences",
    "levels",
    "forums",
    "concern_letter.batch_size",
    "pack_version",
    // The language of tryg's own words (`tryg serve`, `tryg report`).
    "lang",
    // Defaults of the report formats (`[output] excel_csv`).
    "output",
];

/// Names rhai understands that its function list does not show.
const RHAI_KEYWORDS: &[&str] = &[
    "type_of",
    "Fn",
    "call",
    "curry",
    "print",
    "debug",
    "is_def_var",
    "is_def_fn",
    "is_shared",
];

/// One effect call in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EffectSite {
    /// The rule file's stem (`level2_crime`).
    pub rule: String,
    /// 1-based line of the call.
    pub line: usize,
    /// 1-based column of the call (of the function's name).
    pub column: usize,
    /// One of [`EFFECT_FUNCTIONS`].
    pub function: String,
}

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Every problem, errors and warnings alike, uncapped.
    pub diagnostics: Vec<Diagnostic>,
    /// Effect call sites of the rules in `[rules] order`, in order.
    pub effect_sites: Vec<EffectSite>,
}

impl CheckReport {
    /// How many of the diagnostics are errors (not warnings).
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// Checks a loaded rule set, reporting every problem at once: what loading
/// it found nothing wrong with, but that is wrong in meaning.
pub fn check(rules: &RuleSet) -> CheckReport {
    let mut report = CheckReport::default();
    report
        .diagnostics
        .extend(rules.schema.findings.iter().cloned());
    let pack = &rules.pack;
    let mut reported_settings = BTreeSet::new();
    let config_path = pack.path(CONFIG_FILE);
    let names = KnownNames::new(&rules.engine);
    let mut reads = BTreeSet::new();
    let order = &rules.config.rules.order;
    let listed = rules.files.iter().map(|f| (f, true));
    let unlisted = rules.unlisted.iter().map(|f| (f, false));
    for (rule, listed) in listed.chain(unlisted) {
        // A rule file's name is shown in every report (`rule:line`); a listed
        // one is refused when tryg.toml is read (`[rules] order`), one not
        // listed never runs, so it is only warned of.
        if !listed && let Some(problem) = crate::text::name_problem(&rule.stem) {
            report.diagnostics.push(
                Diagnostic::new(
                    "bad-name",
                    &rule.file,
                    format!("the rule file name {:?} {problem}", rule.stem),
                )
                .warning()
                .hint("rename the file before listing it in [rules] order"),
            );
        }
        if !listed {
            report.diagnostics.push(
                Diagnostic::new(
                    "rule-not-run",
                    &rule.file,
                    format!("`{}` is not in [rules] order, so it never runs", rule.stem),
                )
                .warning()
                .hint("add it to [rules] order in tryg.toml to switch it on"),
            );
        }
        let mut walker = Walker {
            file: &rule.file,
            stem: &rule.stem,
            names: &names,
            table: rules.table(),
            config: &rules.config,
            aliases: BTreeMap::new(),
            types: BTreeMap::new(),
            reported_settings: &mut reported_settings,
            setting_spans: &rules.setting_spans,
            config_path: &config_path,
            config_text: pack.file(CONFIG_FILE).unwrap_or(""),
            reads: &mut reads,
            diagnostics: Vec::new(),
            effects: Vec::new(),
            local_fns: rule
                .ast
                .iter_functions()
                .map(|f| f.name.to_string())
                .collect(),
        };
        walker.walk(&rule.ast);
        walker.double_quoted_interpolation(&rule.source);
        report.diagnostics.extend(walker.diagnostics);
        if listed {
            report.effect_sites.extend(walker.effects);
        }
    }
    // Effect sites in evaluation order (the listed files are in order already;
    // within a file, by line).
    report.effect_sites.sort_by_key(|s| {
        (
            order
                .iter()
                .position(|o| *o == s.rule)
                .unwrap_or(usize::MAX),
            s.line,
            s.column,
        )
    });

    let used: Vec<String> = HOST_KEYS
        .iter()
        .map(|k| k.to_string())
        .chain(reads.iter().cloned())
        .collect();
    let all_keys = leaf_keys(rules.table(), "");
    for key in &all_keys {
        // Filled in by tryg (an older pack), or reported by the schema already.
        if rules.schema.filled.contains(key) || rules.schema.reported.contains(key) {
            continue;
        }
        let read = used
            .iter()
            .any(|r| key == r || r.is_empty() || key.starts_with(&format!("{r}.")));
        if read {
            continue;
        }
        let (section, last) = key.rsplit_once('.').unwrap_or(("", key));
        // A misspelt key usually sits beside the one the rules read.
        let siblings = all_keys
            .iter()
            .filter(|k| k.rsplit_once('.').map_or("", |(s, _)| s) == section && *k != key)
            .map(|k| k.rsplit('.').next().unwrap_or(k));
        let hint = match did_you_mean(last, siblings) {
            Some(s) => format!(
                "is it a misspelling of `{s}`? otherwise remove it, or read it in a rule as cfg.{key}"
            ),
            None => format!("remove it, or read it in a rule as cfg.{key}"),
        };
        let mut d = Diagnostic::new(
            "unused-setting",
            &config_path,
            format!("no rule reads the setting `{key}`"),
        )
        .hint(hint);
        if let Some(span) = rules.setting_spans.get(key) {
            let text = pack.file(CONFIG_FILE).unwrap_or("");
            let (line, _) = crate::diagnostic::line_col(text, span.start);
            d = d.at(line, Some(1)).span(span.clone());
        }
        report.diagnostics.push(d);
    }
    report
}

/// Dotted paths of every value in the config that is not a table.
fn leaf_keys(table: &toml::Table, prefix: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => keys.extend(leaf_keys(t, &path)),
            _ => keys.push(path),
        }
    }
    keys
}

/// Function and property names the engine knows.
struct KnownNames {
    functions: BTreeSet<String>,
    /// Properties of any registered type.
    properties: BTreeSet<String>,
    /// Properties and methods of `person`.
    person: BTreeSet<String>,
}

impl KnownNames {
    fn new(engine: &Engine) -> KnownNames {
        let mut names = KnownNames {
            functions: RHAI_KEYWORDS.iter().map(|s| s.to_string()).collect(),
            properties: BTreeSet::new(),
            person: BTreeSet::new(),
        };
        for signature in engine.gen_fn_signatures(true) {
            let name = signature.split('(').next().unwrap_or("").to_string();
            let on_person = signature.contains("(_: &mut Person");
            if let Some(prop) = name.strip_prefix("get$") {
                names.properties.insert(prop.to_string());
                if on_person {
                    names.person.insert(prop.to_string());
                }
            } else {
                if on_person {
                    names.person.insert(name.clone());
                }
                names.functions.insert(name);
            }
        }
        names
    }
}

struct Walker<'a> {
    file: &'a str,
    stem: &'a str,
    names: &'a KnownNames,
    table: &'a toml::Table,
    config: &'a HostConfig,
    /// Variables bound to a part of `cfg`: `let cl = cfg.concern_letter;`.
    aliases: BTreeMap<String, Vec<String>>,
    /// Variables whose value is a number or text wherever they are bound
    /// (`let n = recent.len();`), for comparisons.
    types: BTreeMap<String, Ty>,
    /// Settings of tryg.toml a finding was made about (one finding each,
    /// across rule files).
    reported_settings: &'a mut BTreeSet<String>,
    /// Where each setting of tryg.toml is.
    setting_spans: &'a BTreeMap<String, std::ops::Range<usize>>,
    /// tryg.toml as messages name it, and its text.
    config_path: &'a str,
    config_text: &'a str,
    reads: &'a mut BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    effects: Vec<EffectSite>,
    local_fns: BTreeSet<String>,
}

/// One link of a `a.b.c()` chain.
enum Link<'e> {
    Property(&'e str, Position),
    Method(&'e FnCallExpr, Position),
    Index(&'e str, &'e Expr, Position),
}

fn flatten<'e>(mut expr: &'e Expr, links: &mut Vec<Link<'e>>) {
    loop {
        let (head, rest) = match expr {
            Expr::Dot(b, _, _) => (&b.lhs, Some(&b.rhs)),
            other => (other, None),
        };
        match head {
            Expr::Property(p, pos) => links.push(Link::Property(p.2.as_str(), *pos)),
            Expr::MethodCall(f, pos) => links.push(Link::Method(f, *pos)),
            Expr::Index(b, _, pos) => {
                if let Expr::Property(p, _) = &b.lhs {
                    links.push(Link::Index(p.2.as_str(), &b.rhs, *pos));
                }
            }
            _ => {}
        }
        match rest {
            Some(next) => expr = next,
            None => return,
        }
    }
}

fn variable_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Variable(v, _, _) => Some(v.1.as_str()),
        _ => None,
    }
}

fn string_constant(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringConstant(s, _) => Some(s.to_string()),
        _ => None,
    }
}

impl Walker<'_> {
    fn walk(&mut self, ast: &rhai::AST) {
        // Aliases first, so a use before the walk reaches it still resolves.
        ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Stmt(Stmt::Var(var, _, _))) = path.last() {
                let (ident, expr, _) = var.as_ref();
                if let Some(cfg_path) = self.cfg_path(expr) {
                    self.aliases.insert(ident.name.to_string(), cfg_path);
                }
            }
            true
        });
        // Then what each variable holds; a name bound to values of two types
        // is left unknown.
        let mut bound: BTreeMap<String, Ty> = BTreeMap::new();
        ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Stmt(Stmt::Var(var, _, _))) = path.last() {
                let (ident, expr, _) = var.as_ref();
                let ty = self.type_of(expr);
                bound
                    .entry(ident.name.to_string())
                    .and_modify(|t| {
                        if *t != ty {
                            *t = Ty::Unknown;
                        }
                    })
                    .or_insert(ty);
            }
            true
        });
        self.types = bound;
        ast.walk(&mut |path: &[ASTNode]| {
            let expr = match path.last() {
                Some(ASTNode::Expr(expr)) => *expr,
                // A call used as a statement is a statement node of its own.
                Some(ASTNode::Stmt(Stmt::FnCall(call, pos))) => {
                    self.visit_call(call, *pos, false);
                    return true;
                }
                _ => return true,
            };
            let parent = path.len().checked_sub(2).and_then(|i| match path[i] {
                ASTNode::Expr(e) => Some(e),
                _ => None,
            });
            self.visit(expr, parent);
            true
        });
    }

    /// The config path of a chain made only of properties from `cfg` or an alias.
    fn cfg_path(&self, expr: &Expr) -> Option<Vec<String>> {
        let (root, rest) = match expr {
            Expr::Dot(b, _, _) => (&b.lhs, Some(&b.rhs)),
            other => (other, None),
        };
        let mut path = match variable_name(root)? {
            "cfg" => Vec::new(),
            alias => self.aliases.get(alias)?.clone(),
        };
        if let Some(rest) = rest {
            let mut links = Vec::new();
            flatten(rest, &mut links);
            for link in links {
                match link {
                    Link::Property(name, _) => path.push(name.to_string()),
                    Link::Index(name, idx, _) => {
                        path.push(name.to_string());
                        path.push(string_constant(idx)?);
                    }
                    Link::Method(..) => return None,
                }
            }
        }
        Some(path)
    }

    fn push(&mut self, code: &'static str, pos: Position, message: String, hint: Option<String>) {
        let mut d = Diagnostic::new(code, self.file, message);
        if let Some(line) = pos.line() {
            d = d.at(line, pos.position());
        }
        d.hint = hint;
        self.diagnostics.push(d);
    }

    fn visit(&mut self, expr: &Expr, parent: Option<&Expr>) {
        match expr {
            Expr::FnCall(call, pos) => self.visit_call(call, *pos, false),
            Expr::MethodCall(call, pos) => self.visit_call(call, *pos, true),
            Expr::Dot(b, _, _) => {
                // Only chain roots: a Dot that is another Dot's right side is part of it.
                if let Some(Expr::Dot(p, _, _)) = parent
                    && std::ptr::eq(&p.rhs, expr)
                {
                    return;
                }
                self.visit_chain(&b.lhs, &b.rhs);
            }
            Expr::Variable(..) => {
                let name = variable_name(expr).unwrap_or("");
                let is_chain_root =
                    matches!(parent, Some(Expr::Dot(p, _, _)) if std::ptr::eq(&p.lhs, expr));
                if !is_chain_root {
                    // `cfg` or an alias used whole: everything under it counts as read.
                    match name {
                        "cfg" => {
                            self.reads.insert(String::new());
                        }
                        alias => {
                            if let Some(path) = self.aliases.get(alias) {
                                self.reads.insert(path.join("."));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn visit_call(&mut self, call: &FnCallExpr, pos: Position, method: bool) {
        let name = call.name.as_str();
        if call.is_operator_call()
            || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            self.check_comparison(call);
            self.check_types(call, pos);
            return;
        }
        if name == "contains" && call.args.len() == 2 {
            // `"job" in person.protective_factors` is `contains(list, "job")`.
            self.check_factor(&call.args[0], &call.args[1]);
        }
        self.check_number_args(name, call, method);
        let known = self.names.functions.contains(name) || self.local_fns.contains(name);
        if !known {
            let suggestion = did_you_mean(name, self.names.functions.iter().map(String::as_str));
            self.push(
                "unknown-function",
                pos,
                format!("there is no function `{name}`"),
                suggestion.map(|s| format!("did you mean `{s}`?")),
            );
        }
        if EFFECT_FUNCTIONS.contains(&name) && !method {
            self.effects.push(EffectSite {
                rule: self.stem.to_string(),
                line: pos.line().unwrap_or(0),
                column: pos.position().unwrap_or(0),
                function: name.to_string(),
            });
            self.check_effect_args(name, call);
        }
        let vocabulary = &self.config.vocabulary;
        match name {
            "of_kind" => self.check_tokens(
                call.args.first(),
                "event kind",
                EventKind::TOKENS.iter().map(|s| s.to_string()).collect(),
            ),
            "tagged" => self.check_tokens(call.args.first(), "tag", vocabulary.tags.clone()),
            "in_category" => self.check_tokens(
                call.args.first(),
                "category",
                Category::TOKENS.iter().map(|s| s.to_string()).collect(),
            ),
            _ => {}
        }
    }

    fn check_effect_args(&mut self, name: &str, call: &FnCallExpr) {
        let owned = |tokens: &[&str]| tokens.iter().map(|s| s.to_string()).collect();
        match name {
            "propose_youth_board" => {
                self.check_tokens(call.args.first(), "route", owned(Route::TOKENS));
                self.check_tokens(call.args.get(1), "limb", owned(Limb::TOKENS));
            }
            "propose_concern_letter" => {
                self.check_tokens(call.args.first(), "recipient", owned(Recipient::TOKENS));
            }
            _ => {}
        }
        // An action's kind is a name every report shows: a literal one must be
        // a lower-case token, or the call fails for every person.
        if name == "propose_action"
            && let Some(Expr::StringConstant(kind, pos)) = call.args.first()
            && !crate::proposal::is_action_kind(kind)
        {
            let problem = crate::text::name_problem(kind)
                .map(|p| format!(" ({p})"))
                .unwrap_or_default();
            self.push(
                "bad-name",
                *pos,
                format!(
                    "the action kind {:?} is not a lower-case token of a-z and _{problem}",
                    kind.as_str()
                ),
                Some("name actions like `network_council`".into()),
            );
        }
        if name == "propose_level"
            && let Some(Expr::IntegerConstant(level, pos)) = call.args.first()
            && !(1..=i64::from(self.config.max_level())).contains(level)
        {
            let max = self.config.max_level();
            self.push(
                "bad-level",
                *pos,
                format!(
                    "a proposed level is 1 to {max} ([levels] names levels 0 to {max}), not {level}"
                ),
                None,
            );
        }
    }

    /// Checks a token argument: a string, an array of strings, or a cfg list.
    fn check_tokens(&mut self, arg: Option<&Expr>, what: &str, known: Vec<String>) {
        let Some(arg) = arg else { return };
        let mut found: Vec<(String, Position)> = Vec::new();
        match arg {
            Expr::StringConstant(s, pos) => found.push((s.to_string(), *pos)),
            Expr::Array(items, _) => {
                for item in items.iter() {
                    if let Expr::StringConstant(s, pos) = item {
                        found.push((s.to_string(), *pos));
                    }
                }
            }
            Expr::DynamicConstant(value, pos) => {
                if let Some(items) = value.clone().try_cast::<rhai::Array>() {
                    for item in items {
                        if let Ok(s) = item.into_immutable_string() {
                            found.push((s.to_string(), *pos));
                        }
                    }
                }
            }
            other => {
                if let Some(path) = self.cfg_path(other) {
                    let key = path.join(".");
                    // A setting of the schema was held to its vocabulary when
                    // the pack was loaded; one of [local] is checked here, once,
                    // at its line in tryg.toml.
                    if schema::setting(&key).is_some()
                        || !self.reported_settings.insert(key.clone())
                    {
                        return;
                    }
                    let values = lookup(self.table, &path)
                        .map(|v| match v {
                            toml::Value::Array(items) => items
                                .iter()
                                .filter_map(|i| i.as_str().map(String::from))
                                .collect(),
                            toml::Value::String(s) => vec![s.clone()],
                            _ => Vec::new(),
                        })
                        .unwrap_or_default();
                    for value in values {
                        if !known.contains(&value) {
                            let hint = did_you_mean(&value, known.iter().map(String::as_str));
                            let message = format!(
                                "tryg.toml `{key}` holds {}, which is not a known {what} (rule {} reads it as one)",
                                crate::privacy::shown(&value, crate::privacy::Kind::Setting),
                                self.stem
                            );
                            let hint = Some(hint.map_or_else(
                                || known_list(&known),
                                |s| format!("did you mean `{s}`?"),
                            ));
                            match self.setting_spans.get(&key) {
                                Some(span) => {
                                    let (line, col) =
                                        crate::diagnostic::line_col(self.config_text, span.start);
                                    let mut d =
                                        Diagnostic::new("unknown-token", self.config_path, message)
                                            .at(line, Some(col))
                                            .span(span.clone());
                                    d.hint = hint;
                                    self.diagnostics.push(d);
                                }
                                None => self.push("unknown-token", other.position(), message, hint),
                            }
                        }
                    }
                }
            }
        }
        for (value, pos) in found {
            if !known.contains(&value) {
                let hint = did_you_mean(&value, known.iter().map(String::as_str));
                self.push(
                    "unknown-token",
                    pos,
                    format!("`{value}` is not a known {what}"),
                    Some(
                        hint.map_or_else(|| known_list(&known), |s| format!("did you mean `{s}`?")),
                    ),
                );
            }
        }
    }

    /// `person.sex == "Q"`, `e.kind != "arest"`: a compared token must exist.
    fn check_comparison(&mut self, call: &FnCallExpr) {
        if !matches!(call.name.as_str(), "==" | "!=") || call.args.len() != 2 {
            return;
        }
        let (chain, literal) = match (&call.args[0], &call.args[1]) {
            (c @ Expr::Dot(..), Expr::StringConstant(s, pos))
            | (Expr::StringConstant(s, pos), c @ Expr::Dot(..)) => (c, (s.to_string(), *pos)),
            _ => return,
        };
        let mut links = Vec::new();
        flatten(chain, &mut links);
        let Some(Link::Property(last, _)) = links.last() else {
            return;
        };
        let known: Vec<String> = match *last {
            "sex" => Sex::TOKENS
                .iter()
                .map(|s| s.to_string())
                .chain([String::new()])
                .collect(),
            "gang_affiliation" => GangAffiliation::TOKENS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            "kind" => EventKind::TOKENS.iter().map(|s| s.to_string()).collect(),
            "tag" => self
                .config
                .vocabulary
                .tags
                .iter()
                .cloned()
                .chain([String::new()])
                .collect(),
            "category" => Category::TOKENS
                .iter()
                .map(|s| s.to_string())
                .chain([String::new()])
                .collect(),
            _ => return,
        };
        if !known.contains(&literal.0) {
            let hint = did_you_mean(&literal.0, known.iter().map(String::as_str));
            self.push(
                "unknown-token",
                literal.1,
                format!("`{}` is never a value of `{last}`", literal.0),
                Some(hint.map_or_else(|| known_list(&known), |s| format!("did you mean `{s}`?"))),
            );
        }
    }

    fn visit_chain(&mut self, root: &Expr, rest: &Expr) {
        let mut links = Vec::new();
        flatten(rest, &mut links);
        let root_name = variable_name(root);
        let cfg_base = match root_name {
            Some("cfg") => Some(Vec::new()),
            Some(alias) => self.aliases.get(alias).cloned(),
            None => None,
        };
        if let Some(mut path) = cfg_base {
            for link in &links {
                let (name, pos, index) = match link {
                    Link::Property(name, pos) => (*name, *pos, None),
                    Link::Index(name, idx, pos) => (*name, *pos, Some(*idx)),
                    Link::Method(..) => break,
                };
                path.push(name.to_string());
                if !self.config_has(&path, pos) {
                    return;
                }
                if let Some(idx) = index {
                    match string_constant(idx) {
                        Some(key) => {
                            path.push(key);
                            if !self.config_has(&path, pos) {
                                return;
                            }
                        }
                        // A computed key: the whole table is read.
                        None => break,
                    }
                }
            }
            self.reads.insert(path.join("."));
            return;
        }
        for (i, link) in links.iter().enumerate() {
            let on_person = i == 0 && root_name == Some("person");
            match link {
                Link::Property(name, pos) | Link::Index(name, _, pos) => {
                    let (pool, what) = if on_person {
                        (&self.names.person, "`person`")
                    } else {
                        (&self.names.properties, "any value")
                    };
                    if !pool.contains(*name) {
                        let suggestion = did_you_mean(name, pool.iter().map(String::as_str));
                        self.push(
                            "unknown-property",
                            *pos,
                            format!("{what} has no field `{name}`"),
                            suggestion.map(|s| format!("did you mean `{s}`?")),
                        );
                    }
                }
                Link::Method(call, pos) if on_person => {
                    if !self.names.person.contains(call.name.as_str())
                        && self.names.functions.contains(call.name.as_str())
                    {
                        self.push(
                            "unknown-function",
                            *pos,
                            format!("`person` has no method `{}`", call.name),
                            did_you_mean(&call.name, self.names.person.iter().map(String::as_str))
                                .map(|s| format!("did you mean `{s}`?")),
                        );
                    }
                }
                Link::Method(..) => {}
            }
        }
    }

    /// Whether `path` exists in tryg.toml; reports it missing otherwise.
    fn config_has(&mut self, path: &[String], pos: Position) -> bool {
        if lookup(self.table, path).is_some() {
            return true;
        }
        let parent = &path[..path.len() - 1];
        let siblings: Vec<String> = match lookup(self.table, parent) {
            Some(toml::Value::Table(t)) => t.keys().cloned().collect(),
            None if parent.is_empty() => self.table.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let key = path.join(".");
        let last = path.last().map(String::as_str).unwrap_or("");
        let renamed = schema::RENAMED
            .iter()
            .find(|(old, _, _)| *old == key)
            .map(|(_, new, since)| format!("it is named cfg.{new} since pack version {since}"));
        let hint = renamed
            .or_else(|| {
                did_you_mean(last, siblings.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
            })
            .unwrap_or_else(|| {
                format!(
                    "add `{last}` to tryg.toml{}",
                    if parent.is_empty() {
                        String::new()
                    } else {
                        format!(" under [{}]", parent.join("."))
                    }
                )
            });
        self.push(
            "missing-setting",
            pos,
            format!("tryg.toml has no setting `{key}`"),
            Some(hint),
        );
        false
    }
}

/// What a value is, as far as `check` can tell without data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Number,
    Text,
    Bool,
    Unknown,
}

impl Ty {
    fn of_toml(value: &toml::Value) -> Ty {
        match value {
            toml::Value::Integer(_) | toml::Value::Float(_) => Ty::Number,
            toml::Value::String(_) => Ty::Text,
            toml::Value::Boolean(_) => Ty::Bool,
            _ => Ty::Unknown,
        }
    }
}

/// The type of a field or method's answer, by its name (the rule API's
/// names mean one type wherever they appear: `age` is a number on a person,
/// an event and an offence alike).
fn field_type(name: &str) -> Ty {
    match name {
        "age" | "year" | "month" | "day" | "len" | "age_on" => Ty::Number,
        "id" | "sex" | "municipality" | "district" | "gang_affiliation" | "kind" | "tag"
        | "offence_code" | "offence_name" | "category" | "case_id" | "join" | "plural"
        | "to_string" => Ty::Text,
        "address_known" | "in_custody" | "exit_program" | "serious" | "person_dangerous"
        | "is_empty" | "contains" => Ty::Bool,
        _ => Ty::Unknown,
    }
}

/// Rule API functions whose first argument is a whole number, and what it counts.
const NUMBER_ARGS: &[(&str, &str)] = &[
    ("offences_within", "months"),
    ("offences_within_days", "days"),
    ("events_within", "months"),
    ("events_within_days", "days"),
    ("within", "months"),
    ("within_days", "days"),
    ("from_age", "years of age"),
    ("add_days", "days"),
    ("add_months", "months"),
];

impl Walker<'_> {
    /// The type of an expression, when it can be told from the text.
    fn type_of(&self, expr: &Expr) -> Ty {
        match expr {
            Expr::IntegerConstant(..) | Expr::FloatConstant(..) => Ty::Number,
            Expr::StringConstant(..) | Expr::InterpolatedString(..) | Expr::CharConstant(..) => {
                Ty::Text
            }
            Expr::BoolConstant(..) => Ty::Bool,
            Expr::Variable(..) => {
                let name = variable_name(expr).unwrap_or("");
                if let Some(path) = self.aliases.get(name) {
                    return lookup(self.table, path).map_or(Ty::Unknown, Ty::of_toml);
                }
                self.types.get(name).copied().unwrap_or(Ty::Unknown)
            }
            Expr::Dot(b, _, _) => {
                if let Some(path) = self.cfg_path(expr) {
                    return lookup(self.table, &path).map_or(Ty::Unknown, Ty::of_toml);
                }
                let mut links = Vec::new();
                flatten(&b.rhs, &mut links);
                match links.last() {
                    Some(Link::Property(name, _)) => field_type(name),
                    Some(Link::Method(call, _)) => field_type(call.name.as_str()),
                    _ => Ty::Unknown,
                }
            }
            Expr::FnCall(call, _) => {
                let name = call.name.as_str();
                match name {
                    "+" | "-" | "*" | "/" | "%" if call.args.len() == 2 => {
                        let (a, b) = (self.type_of(&call.args[0]), self.type_of(&call.args[1]));
                        match (a, b) {
                            (Ty::Number, Ty::Number) => Ty::Number,
                            (Ty::Text, _) | (_, Ty::Text) if name == "+" => Ty::Text,
                            _ => Ty::Unknown,
                        }
                    }
                    "==" | "!=" | "<" | "<=" | ">" | ">=" | "!" => Ty::Bool,
                    _ => field_type(name),
                }
            }
            _ => Ty::Unknown,
        }
    }

    /// How an expression reads in a message: a setting's key, or nothing.
    fn described(&self, expr: &Expr) -> Option<String> {
        self.cfg_path(expr).map(|p| format!("cfg.{}", p.join(".")))
    }

    /// A number compared with text is never equal and never less or more:
    /// rhai answers `false` (or `true` for `!=`) without a word. Caught here.
    fn check_types(&mut self, call: &FnCallExpr, pos: Position) {
        if !matches!(call.name.as_str(), "==" | "!=" | "<" | "<=" | ">" | ">=")
            || call.args.len() != 2
        {
            return;
        }
        let (a, b) = (&call.args[0], &call.args[1]);
        let (ta, tb) = (self.type_of(a), self.type_of(b));
        let mixed = matches!(
            (ta, tb),
            (Ty::Number, Ty::Text)
                | (Ty::Text, Ty::Number)
                | (Ty::Bool, Ty::Text)
                | (Ty::Text, Ty::Bool)
        );
        if !mixed {
            return;
        }
        let text_side = if tb == Ty::Text { b } else { a };
        let other = if ta == Ty::Text { tb } else { ta };
        let other_word = if other == Ty::Number {
            "a number"
        } else {
            "true or false"
        };
        let hint = match (self.described(text_side), self.cfg_path(text_side)) {
            (Some(key), Some(path)) => {
                let setting = path.join(".");
                format!(
                    "{key} is text in tryg.toml; if it is meant as {other_word}, remove the quotes around its value (`{}`)",
                    setting
                )
            }
            _ => match text_side {
                Expr::StringConstant(..) => format!("write {other_word} without quotes"),
                _ => "compare values of one type: a number with a number, text with text".into(),
            },
        };
        self.push(
            "mixed-comparison",
            pos,
            format!(
                "`{}` compares {other_word} with text, which is never true: rhai does not turn one into the other",
                call.name
            ),
            Some(hint),
        );
    }

    /// `offences_within(cfg.local.months)` with text where a number belongs.
    fn check_number_args(&mut self, name: &str, call: &FnCallExpr, method: bool) {
        let Some((_, unit)) = NUMBER_ARGS.iter().find(|(n, _)| *n == name) else {
            return;
        };
        // A method call's first argument is the object itself.
        let arg = if method {
            call.args.get(1).or(call.args.first())
        } else {
            call.args.first()
        };
        let Some(arg) = arg else { return };
        if self.type_of(arg) != Ty::Text {
            return;
        }
        let what = self
            .described(arg)
            .map_or_else(|| "text".to_string(), |k| format!("text ({k})"));
        self.push(
            "mixed-comparison",
            arg.position(),
            format!("`{name}` takes a whole number of {unit}, not {what}"),
            Some("give it a number: in tryg.toml, without quotes".into()),
        );
    }

    /// `"jobb" in person.protective_factors`: the word must be in tryg.toml's
    /// `[vocabulary]`, or it is never there.
    fn check_factor(&mut self, list: &Expr, item: &Expr) {
        let Expr::StringConstant(word, pos) = item else {
            return;
        };
        let Expr::Dot(b, _, _) = list else { return };
        let mut links = Vec::new();
        flatten(&b.rhs, &mut links);
        let (vocabulary, what) = match links.last() {
            Some(Link::Property("risk_factors", _)) => {
                (&self.config.vocabulary.risk_factors, "risk factor")
            }
            Some(Link::Property("protective_factors", _)) => (
                &self.config.vocabulary.protective_factors,
                "protective factor",
            ),
            _ => return,
        };
        if vocabulary.iter().any(|v| v == word.as_str()) {
            return;
        }
        let hint = did_you_mean(word, vocabulary.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| {
                format!(
                    "known ([vocabulary] {}s in tryg.toml): {}",
                    what.replace(' ', "_"),
                    vocabulary.join(", ")
                )
            });
        self.push(
            "unknown-token",
            *pos,
            format!("`{word}` is not a known {what}, so no person has it"),
            Some(hint),
        );
    }

    /// Text in double quotes is shown as written: `"${n} offences"` shows
    /// `${n}`. Only text in backticks fills values in.
    fn double_quoted_interpolation(&mut self, source: &str) {
        for (line, col, text) in interpolation_in_double_quotes(source) {
            let mut d = Diagnostic::new(
                "literal-interpolation",
                self.file,
                "`${…}` in text in double quotes is shown as written, not filled in",
            )
            .at(line, Some(col));
            // The rule's own text (policy, not a person's data) in backticks,
            // when it fits on a line; else an example.
            let example = if text.chars().count() <= 80 && !text.contains(['\n', '`']) {
                text
            } else {
                "${n} risk factors".to_string()
            };
            d.hint = Some(format!(
                "write the text in backticks to fill the value in: `{example}`"
            ));
            self.diagnostics.push(d);
        }
    }
}

/// Where `${` first stands inside each double-quoted string of a rule file:
/// (line, column, 1-based; the string's text between its quotes). Comments,
/// backtick strings and characters are skipped.
fn interpolation_in_double_quotes(source: &str) -> Vec<(usize, usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let (mut line, mut col) = (1, 1);
    let mut i = 0;
    // Advances over one character, keeping line and column.
    let step = |i: &mut usize, line: &mut usize, col: &mut usize| {
        if chars.get(*i) == Some(&'\n') {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    step(&mut i, &mut line, &mut col);
                }
            }
            ('/', Some('*')) => {
                let mut depth = 0;
                while i < chars.len() {
                    match (chars[i], chars.get(i + 1)) {
                        ('/', Some('*')) => {
                            depth += 1;
                            step(&mut i, &mut line, &mut col);
                        }
                        ('*', Some('/')) => {
                            depth -= 1;
                            step(&mut i, &mut line, &mut col);
                            if depth == 0 {
                                step(&mut i, &mut line, &mut col);
                                break;
                            }
                        }
                        _ => {}
                    }
                    step(&mut i, &mut line, &mut col);
                }
            }
            ('`', _) => {
                step(&mut i, &mut line, &mut col);
                while i < chars.len() && chars[i] != '`' {
                    if chars[i] == '\\' {
                        step(&mut i, &mut line, &mut col);
                    }
                    step(&mut i, &mut line, &mut col);
                }
                step(&mut i, &mut line, &mut col);
            }
            ('\'', _) => {
                step(&mut i, &mut line, &mut col);
                while i < chars.len() && chars[i] != '\'' && chars[i] != '\n' {
                    if chars[i] == '\\' {
                        step(&mut i, &mut line, &mut col);
                    }
                    step(&mut i, &mut line, &mut col);
                }
                step(&mut i, &mut line, &mut col);
            }
            ('"', _) => {
                step(&mut i, &mut line, &mut col);
                let start = i;
                let mut first = None;
                while i < chars.len() && chars[i] != '"' {
                    match (chars[i], chars.get(i + 1)) {
                        ('\\', _) => step(&mut i, &mut line, &mut col),
                        ('$', Some('{')) => {
                            first.get_or_insert((line, col));
                        }
                        _ => {}
                    }
                    step(&mut i, &mut line, &mut col);
                }
                if let Some((l, c)) = first {
                    found.push((l, c, chars[start..i].iter().collect()));
                }
                step(&mut i, &mut line, &mut col);
            }
            _ => step(&mut i, &mut line, &mut col),
        }
    }
    found
}

/// "known: a, b, c" without the empty value some fields allow.
fn known_list(known: &[String]) -> String {
    let shown: Vec<&str> = known
        .iter()
        .map(String::as_str)
        .filter(|k| !k.is_empty())
        .collect();
    format!("known: {}", shown.join(", "))
}

fn lookup<'t>(table: &'t toml::Table, path: &[String]) -> Option<&'t toml::Value> {
    let (first, rest) = path.split_first()?;
    let mut value = table.get(first)?;
    for key in rest {
        value = value.as_table()?.get(key)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_pack_is_clean_and_every_effect_site_is_found() {
        let rules =
            RuleSet::load(crate::ruleset::RulePack::built_in()).expect("the built-in pack loads");
        let report = check(&rules);
        let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(shown.is_empty(), "{shown:#?}");
        let sites: Vec<String> = report
            .effect_sites
            .iter()
            .map(|s| format!("{}:{}", s.rule, s.line))
            .collect();
        // Every propose_…/note/out_of_scope call of the eleven rule files, in
        // run order.
        assert_eq!(sites.len(), 20, "{sites:?}");
        assert_eq!(sites.first().map(String::as_str), Some("scope:9"));
        assert_eq!(sites.last().map(String::as_str), Some("open_actions:12"));
    }

    #[test]
    fn interpolation_is_found_in_double_quotes_only() {
        let source = "let a = `${n} ok`;\n// \"${x}\" in a comment\nlet b = \"${n} risk\"; /* \"${y}\" */\nlet c = '$';\n";
        assert_eq!(
            interpolation_in_double_quotes(source),
            [(3, 10, "${n} risk".to_string())]
        );
    }
}
