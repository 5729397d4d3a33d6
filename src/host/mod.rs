//! The rhai host: the sandboxed engine, compiling rule files, and evaluating
//! every rule file against one person.
//!
//! Rules run in the order `[rules] order` of tryg.toml gives, each in a fresh
//! scope holding `person`, `cfg` and `as_of`, so nothing one rule file (or one
//! person) sets can reach another. Effects are recorded by [`recorder`].

pub mod api;
pub mod config_view;
pub mod handle;
pub mod memo;
pub mod query;
pub mod recorder;
pub mod view;

use std::sync::Arc;

use rhai::{AST, Dynamic, Engine, EvalAltResult, ImmutableString, Scope};

use crate::config::Limits;
use crate::diagnostic::Diagnostic;
use config_view::ConfigTable;
use handle::PersonView;
pub use memo::Memo;
use recorder::Effects;
use view::PersonCtx;

/// Stack of every thread that compiles or runs rules, in bytes (256 MiB of
/// address space; only what is touched is memory). rhai recurses in Rust to
/// display, compare, copy and drop nested values and to run nested calls, so
/// the depth a rule can reach (bounded by `[limits]`, whose ranges
/// `config::LIMIT_RANGES` holds) must fit: the hostile-rule tests run every
/// limit at its highest allowed value on threads of this size.
pub const WORKER_STACK: usize = 256 << 20;

/// How long one rule file may run for one person, by the clock, before the
/// whole run stops: a backstop. The budget (`[limits]`) bounds a run's work
/// deterministically and keeps it far below this (docs/limits.md); only a
/// machine stalled by something else, or a gap in the limits, reaches it.
pub const BACKSTOP: std::time::Duration = std::time::Duration::from_secs(60);

/// rhai operations between looks at the clock.
const BACKSTOP_EVERY: u64 = 1 << 14;

/// A rule file ran past [`BACKSTOP`] for one person. Raised as a panic
/// payload from the worker, since it ends the whole run, not one person's
/// outcome; the command thread turns it into an error, and nothing is
/// written (outputs are written only after every person is decided).
#[derive(Debug, Clone)]
pub struct Backstop {
    /// The rule file as the user would find it.
    pub file: String,
    /// 1-based line, when rhai knows it.
    pub line: Option<usize>,
}

impl std::fmt::Display for Backstop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = self.line.map(|l| format!(" line {l}")).unwrap_or_default();
        write!(
            f,
            "{}{line} ran for more than {} seconds for one person, which the limits in tryg.toml should never allow; the screening was stopped and nothing was written",
            self.file,
            BACKSTOP.as_secs()
        )
    }
}

/// Words of rhai switched off in rule files, and why (what `check` says).
pub const DISABLED: &[(&str, &str)] = &[
    // It would run text built at run time, which no check can see.
    (
        "eval",
        "text built while a rule runs cannot be run as a rule",
    ),
    // It would read other files.
    ("import", "a rule file cannot read other files"),
    // A curried function pointer copies what it curries, and rhai does not
    // count it against the size limits: `f = f.curry(f)` doubles memory each
    // time (23 GB after 40 rounds, measured).
    ("curry", "it can make a value grow past every limit"),
];

/// Names every rule file can read.
pub const VARIABLES: &[&str] = &["person", "cfg", "as_of"];

/// Builds the one engine all rules run on: the rule API, strict variables, no
/// `eval`, no modules, no output, and the limits of tryg.toml.
pub fn engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new();
    let budget = limits.max_operations;
    engine
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true)
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_functions(limits.max_functions)
        // What a rule proposes is charged against the same budget (see
        // `recorder::charge`).
        .on_progress(move |operations| {
            if recorder::over_budget(operations, budget) {
                return Some(Dynamic::from("budget"));
            }
            // The wall clock, looked at now and then, is only a backstop
            // (see `Backstop`): the budget is what bounds a run.
            (operations % BACKSTOP_EVERY == 0 && recorder::run_time() > BACKSTOP)
                .then(|| Dynamic::from("backstop"))
        })
        .set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new())
        .on_print(|_| {})
        .on_debug(|_, _, _| {})
        // rhai's string interner sits behind one lock shared by every thread;
        // with it, two threads screen no faster than one.
        .set_max_strings_interned(0);
    // `eval` would run text built at run time, which no check can see; `import`
    // would read other files.
    for (word, _) in DISABLED {
        engine.disable_symbol(*word);
    }
    api::register(&mut engine);
    engine
}

/// One compiled rule file.
pub struct RuleFile {
    /// The file stem, which reasons name (`level2_crime`).
    pub stem: ImmutableString,
    /// The file as the user would find it (`rules/level2_crime.rhai`).
    pub file: String,
    /// The file's text.
    pub source: String,
    /// The compiled file, its source name set to the stem.
    pub ast: AST,
}

/// Compiles a rule file, with its stem as the AST's source name.
pub fn compile(
    engine: &Engine,
    file: &str,
    stem: &str,
    source: &str,
) -> Result<RuleFile, Box<Diagnostic>> {
    // Declared as plain variables: constants would be folded into the AST.
    let mut scope = Scope::new();
    for name in VARIABLES {
        scope.push(*name, ());
    }
    match engine.compile_with_scope(&scope, source) {
        Ok(mut ast) => {
            ast.set_source(stem);
            Ok(RuleFile {
                stem: stem.into(),
                file: file.to_string(),
                source: source.to_string(),
                ast,
            })
        }
        Err(e) => {
            let position = e.1;
            let mut d = Diagnostic::new("rule-syntax", file, e.0.to_string());
            if let (rhai::ParseErrorType::MissingToken(token, _), Some(line)) =
                (e.0.as_ref(), position.line())
                && token == ";"
                && let Some((before, end)) = line_before(source, line, position.position())
            {
                d.message = format!("a `;` is missing at the end of line {before}");
                d.hint =
                    Some("every statement ends with `;` (rhai noticed it at the next word)".into());
                return Err(Box::new(d.at(before, Some(end))));
            }
            if let Some(line) = position.line() {
                d = d.at(line, position.position());
                // rhai says "expecting …" at a switched-off word; say what it is.
                let word = source
                    .lines()
                    .nth(line - 1)
                    .and_then(|l| l.get(position.position().unwrap_or(1) - 1..))
                    .map(|rest| {
                        rest.chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect::<String>()
                    })
                    .unwrap_or_default();
                if let Some((_, why)) = DISABLED.iter().find(|(w, _)| *w == word) {
                    d.message = format!("`{word}` is not available in rule files: {why}");
                }
            }
            Err(Box::new(d))
        }
    }
}

/// The last line with code before `line:column` (comments and blank lines
/// skipped), and the column just after its last character: where a missing
/// `;` belongs.
fn line_before(source: &str, line: usize, column: Option<usize>) -> Option<(usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    // The statement may end earlier on the same line.
    let here = lines.get(line - 1)?;
    let col = column.unwrap_or(1);
    let before_here: String = here.chars().take(col.saturating_sub(1)).collect();
    if !before_here.trim().is_empty() {
        let trimmed = before_here.trim_end();
        return Some((line, trimmed.chars().count() + 1));
    }
    (1..line).rev().find_map(|n| {
        let text = lines.get(n - 1)?;
        let code = text.split("//").next().unwrap_or("").trim_end();
        (!code.trim().is_empty()).then(|| (n, code.chars().count() + 1))
    })
}

/// A rule that failed for one person: that person's outcome becomes an error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}{} {message}", line.map(|l| format!(" line {l}:")).unwrap_or_else(|| ":".into()))]
pub struct RuleFailure {
    /// The rule file as the user would find it (`rules/level2_crime.rhai`).
    pub file: String,
    /// 1-based line, when rhai knows it.
    pub line: Option<usize>,
    /// What went wrong, without rhai's position suffix.
    pub message: String,
    /// The rule file's place in `[rules] order` (0-based).
    pub file_index: usize,
}

/// What evaluating a person needs of a rule set: the engine, the compiled
/// rule files in `[rules] order`, and tryg.toml as rules read it (`cfg`).
#[derive(Clone, Copy)]
pub struct Program<'a> {
    /// The engine, with tryg.toml's limits and the rule API.
    pub engine: &'a Engine,
    /// The rule files that run, in order.
    pub files: &'a [RuleFile],
    /// `cfg`.
    pub settings: &'a ConfigTable,
    /// Per rule file: why it was stopped for the rest of the batch (see
    /// [`crate::screen`]), if it was. A person who reaches a stopped file
    /// fails with that message instead of running it. Empty: none stopped.
    pub stopped: &'a [Option<String>],
}

/// How a person's rule files are run. The outcome is the same in every mode
/// (tests hold the memo to rhai); they differ in cost and in what is recorded.
pub enum Mode<'m> {
    /// rhai runs every rule file: the reference the memo is held to.
    Plain,
    /// Each rule file is replayed from the paths earlier persons took through
    /// it (see [`memo`]); rhai runs it only for a new path, which is learned.
    Memoised(&'m mut Memo),
    /// rhai runs every rule file and records what each looked at, for
    /// `explain` (a replay asks nothing, so it could not say).
    Traced,
}

/// Runs every rule file on one person, in order. Stops after a rule file that
/// put the person out of scope.
///
/// # Errors
/// The first rule file that fails for this person, with its line.
pub fn evaluate(
    program: Program,
    ctx: &Arc<PersonCtx>,
    mode: Mode,
) -> Result<Effects, RuleFailure> {
    recorder::begin(matches!(mode, Mode::Traced));
    let result = match mode {
        Mode::Memoised(memo) => {
            let result = run_rules(program, ctx, Some(&mut *memo));
            memo.learn();
            result
        }
        Mode::Plain | Mode::Traced => run_rules(program, ctx, None),
    };
    let effects = recorder::finish();
    result.map(|()| effects)
}

fn run_rules(
    program: Program,
    ctx: &Arc<PersonCtx>,
    mut memo: Option<&mut Memo>,
) -> Result<(), RuleFailure> {
    // One scope per person, made when rhai first runs: the three names are
    // constants, so no rule file can change them for the next, and what a file
    // declares is rewound after it.
    let mut scope: Option<(Scope, usize)> = None;
    for (n, file) in program.files.iter().enumerate() {
        if let Some(Some(why)) = program.stopped.get(n) {
            return Err(RuleFailure {
                file: file.file.clone(),
                line: None,
                message: why.clone(),
                file_index: n,
            });
        }
        recorder::set_rule(&file.stem);
        if let Some(memo) = memo.as_deref_mut() {
            let replayed = recorder::with(|effects| memo.replay(n, ctx, effects));
            if matches!(replayed, Ok(true)) {
                if recorder::is_out_of_scope() {
                    break;
                }
                continue;
            }
        }
        let record = memo.as_deref().is_some_and(|m| m.growing(n));
        recorder::start_path(record);
        let (scope, base) = scope.get_or_insert_with(|| {
            let mut scope = Scope::new();
            scope.push_constant("person", PersonView::new(Arc::clone(ctx)));
            scope.push_constant_dynamic("cfg", Dynamic::from(program.settings.clone()));
            scope.push_constant("as_of", ctx.world.as_of);
            let base = scope.len();
            (scope, base)
        });
        let result = program.engine.run_ast_with_scope(scope, &file.ast);
        scope.rewind(*base);
        let path = recorder::end_path();
        if let Err(err) = result {
            return Err(failure(file, n, *err, program.engine.max_operations()));
        }
        match path {
            Err(reason) => {
                return Err(RuleFailure {
                    file: file.file.clone(),
                    line: None,
                    message: reason,
                    file_index: n,
                });
            }
            Ok(Some(path)) => {
                if let Some(memo) = memo.as_deref_mut() {
                    memo.keep(n, path);
                }
            }
            Ok(None) => {}
        }
        if recorder::is_out_of_scope() {
            break;
        }
    }
    Ok(())
}

fn failure(rule: &RuleFile, n: usize, mut err: EvalAltResult, budget: u64) -> RuleFailure {
    let line = err.take_position().line();
    let message = match &err {
        EvalAltResult::ErrorTerminated(token, _)
            if token.is_string() && token.to_string() == "backstop" =>
        {
            // Not a person's error: the whole run stops (see `Backstop`).
            std::panic::panic_any(Backstop {
                file: rule.file.clone(),
                line,
            })
        }
        EvalAltResult::ErrorTooManyOperations(_) | EvalAltResult::ErrorTerminated(..) => {
            recorder::budget_message(budget)
        }
        EvalAltResult::ErrorStackOverflow(_) | EvalAltResult::ErrorTooManyModules(_) => {
            format!("{err} ([limits] in tryg.toml)")
        }
        EvalAltResult::ErrorInFunctionCall(name, _, inner, _) => {
            format!("in `{name}`: {}", inner_message(inner))
        }
        _ => inner_message(&err),
    };
    RuleFailure {
        file: rule.file.clone(),
        line,
        message,
        file_index: n,
    }
}

/// What tryg's own rule API says when a call fails: shown as it is, since it
/// is written so as to name no value of a person's (see [`api`]). Anything
/// else a rule raises (`throw value`) is not shown.
#[derive(Debug, Clone)]
pub struct ApiMessage(pub String);

/// A rule API error, carrying its message as an [`ApiMessage`] so that it is
/// told apart from a value a rule throws.
pub fn api_error(message: impl Into<String>) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(
        Dynamic::from(ApiMessage(message.into())),
        rhai::Position::NONE,
    )
    .into()
}

/// An error's message in words that carry no value of a person's (issue 13):
/// no operand, index, key or thrown value is quoted; rhai's own
/// "(line x, position y)" is dropped (the reason names the line).
fn inner_message(err: &EvalAltResult) -> String {
    use EvalAltResult as E;
    match err {
        E::ErrorRuntime(value, _) => match value.read_lock::<ApiMessage>() {
            Some(message) => message.0.clone(),
            None => format!(
                "the rule raised an error with a value of type {} (the value is not shown)",
                value.type_name()
            ),
        },
        E::ErrorInFunctionCall(name, _, inner, _) => {
            format!("in `{name}`: {}", inner_message(inner))
        }
        E::ErrorArrayBounds(..) => "an index outside the list".into(),
        E::ErrorStringBounds(..) => "a position outside the text".into(),
        E::ErrorBitFieldBounds(..) => "a bit position outside the number".into(),
        E::ErrorIndexNotFound(..) | E::ErrorPropertyNotFound(..) => {
            // A map key or property may be a person's value (`m[person.district]`).
            "a key or property that is not there (not shown)".into()
        }
        E::ErrorArithmetic(message, _) => {
            // rhai writes the operands after the words: "Division by zero:
            // 10 / 0", "Error parsing integer number 'x'".
            let what: String = message
                .chars()
                .take_while(|c| !matches!(c, ':' | '\'' | '"') && !c.is_ascii_digit())
                .collect();
            format!(
                "arithmetic error: {} (the values are not shown)",
                what.trim()
            )
        }
        E::ErrorSystem(what, _) => format!("system error: {what}"),
        E::ErrorDotExpr(message, _) => dot_message(message),
        E::ErrorFunctionNotFound(signature, _) => not_found_message(signature),
        E::ErrorCustomSyntax(..) | E::LoopBreak(..) | E::Return(..) => {
            "an expression the rule API does not allow here".into()
        }
        other => {
            // The rest name types, functions, variables and limits only.
            let text = other.to_string();
            match text.rfind(" (line ") {
                Some(i) if text.ends_with(')') => text[..i].to_string(),
                _ => text,
            }
        }
    }
}

/// What `()` means, and how to test for it: the guide's words (docs/RULES.md,
/// "Nothing: ()").
pub const NOTHING: &str = "`()` means nothing: a list's `latest()`, `earliest()` and `[i]` give `()` when the list is empty, and `last_letter_date` is `()` when there is none; test for it first: `if !list.is_empty() { … }` or `if x != () { … }`";

/// A name from a rule's own text (a property, a function), shown only when it
/// is a plain name.
fn code_name(name: &str) -> Option<&str> {
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// rhai's "Unknown property 'date' - a getter is not registered for type
/// '()'" in the guide's words.
fn dot_message(message: &str) -> String {
    let parsed = message
        .strip_prefix("Unknown property '")
        .and_then(|rest| rest.split_once('\''))
        .and_then(|(prop, rest)| {
            let ty = rest.split_once("for type '")?.1.strip_suffix('\'')?;
            Some((code_name(prop)?, ty))
        });
    match parsed {
        Some((prop, "()")) => format!("reads `.{prop}` of `()`, which has no fields. {NOTHING}"),
        Some((prop, ty)) if code_name(ty).is_some() => {
            format!("a value of type {ty} has no field `{prop}`")
        }
        _ => "an expression the rule API does not allow here".into(),
    }
}

/// How a type in rhai's signatures reads for policy staff.
fn type_words(ty: &str) -> String {
    let ty = ty.trim().trim_start_matches("&mut ");
    if ty.contains("String") || ty == "&str" || ty == "string" {
        return "text".into();
    }
    match ty {
        "()" => "() (nothing)".into(),
        "i64" | "i32" | "int" => "a whole number".into(),
        "f64" | "f32" | "float" => "a decimal number".into(),
        "bool" => "true or false".into(),
        "array" | "Array" => "a list".into(),
        "map" | "Map" => "a map".into(),
        other if code_name(other).is_some() => other.to_string(),
        _ => "a value".into(),
    }
}

/// rhai's "Function not found: offences_within (Person, &str | …)" in words:
/// which function, and what it was given (types only, never values).
fn not_found_message(signature: &str) -> String {
    let Some((name, args)) = signature.split_once(" (") else {
        return "a function that does not exist".into();
    };
    let Some(name) = code_name(name.trim()) else {
        return "a function that does not exist for these values".into();
    };
    let args: Vec<String> = args
        .trim_end_matches(')')
        .split(", ")
        .filter(|a| !a.is_empty())
        .map(type_words)
        .collect();
    let mut message = format!(
        "`{name}` cannot take ({}): check what each value given to it is",
        args.join(", ")
    );
    if args.iter().any(|a| a == "text") {
        message.push_str(" (a number in quotes in tryg.toml is text)");
    }
    if args.first().is_some_and(|a| a.starts_with("()")) {
        message.push_str(". ");
        message.push_str(NOTHING);
    }
    message
}

/// Signatures of everything the rule API registers (not rhai's standard
/// library), e.g. `propose_level(level: i64, text: &str)` or `get$age(…)`.
pub fn api_signatures(engine: &Engine) -> Vec<String> {
    engine.gen_fn_signatures(false)
}
