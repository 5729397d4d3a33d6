//! The rule authors' API: every variable, field and function a rule file can use.
//!
//! This file is the reference for policy staff's `docs/RULES.md`; keep the two
//! in step (a test checks that every name registered here is documented there).
//!
//! Variables in every rule file:
//!
//! | name     | what it is |
//! |----------|------------|
//! | `person` | the person being screened ([`PersonView`]) |
//! | `cfg`    | `rules/tryg.toml`, read-only: `cfg.level2.window_months` |
//! | `as_of`  | the as-of date of the run (a `Date`) |
//!
//! `person` fields: `id`, `age`, `birth_date`, `sex`, `municipality`, `district`,
//! `address_known`, `gang_affiliation`, `in_custody`, `exit_program`,
//! `last_letter_date` (a `Date` or `()`), `risk_factors`, `protective_factors`
//! (arrays of tokens), `offences`, `events` (every usable one).
//!
//! `person` queries: `offences_within(months)`, `offences_within_days(days)`,
//! `events_within(months)`, `events_within_days(days)`, `age_on(date)`.
//!
//! Lists (`Offences`, `Events`) narrow with: `within(months)`, `within_days(days)`,
//! `in_category(c)`, `serious()`, `person_dangerous()`, `filter(|x| …)`; events
//! also `of_kind(k)`, `tagged(t)`; offences also `from_age(n)`. Each of `c`, `k`,
//! `t` is one token or an array of tokens, checked against the data contract.
//! Lists answer `len()`, `is_empty()`, `latest()`, `earliest()`, `list[i]`, and
//! `for x in list`.
//!
//! An event has `id`, `date`, `kind`, `tag`, `offence_code`, `offence_name`,
//! `category`, `serious`, `person_dangerous`, `case_id`, `age` (the person's age
//! on its date), `flags` (the registration checks it failed, an array of codes
//! such as `charge-under-15`; see [`crate::registration`]). An offence has `date`, `age`, `categories`, `serious`,
//! `person_dangerous`, `case_id`, `codes`, `events`, and `in_category(c)`.
//!
//! The case register (with `--db`; without one, both answer `()`):
//! `person.decision_on(p)` is the latest standing decision on `p` (`level`,
//! `youth_board`, `letter` or an action kind), with `decision`, `date`, `by`,
//! `agency`, `effort`, `note`, `level`, `run`, `words`;
//! `person.open_action(kind)` is the action of that kind the previous run
//! proposed and nobody has recorded done, closed or rejected, with `kind`,
//! `due`, `proposed_on`, `run`, `event` (its triggering event, or `()`) and
//! `decision`. `person.last_letter_date` is the later of the column and a
//! letter recorded done.
//!
//! Text: `join(array, ", ")` joins tokens; `plural(n, "offence", "offences")`
//! gives "1 offence" or "2 offences".
//!
//! Dates: `date("2026-01-31")`, `d.add_days(n)`, `d.add_months(n)`, `d.year`,
//! `d.month`, `d.day`, comparisons, and `"${d}"` prints `YYYY-MM-DD`.
//!
//! Effects, each recorded with the rule file, line, text and evidence:
//!
//! | function | effect |
//! |----------|--------|
//! | `propose_level(level, text[, evidence])` | case level 1–3 by default (up to 9 with another scheme); the highest wins |
//! | `propose_youth_board(route, limb, text, evidence)` | youth crime board candidate |
//! | `propose_concern_letter(recipients, priority, text, evidence)` | concern letter |
//! | `propose_action(kind, due, text, evidence)` | an action, `due` a `Date` or `()` |
//! | `out_of_scope(text)` | not screened; no further rule runs |
//! | `note(text[, evidence])` | words for the reviewers that propose nothing (`effect` `note`) |
//!
//! Evidence is an event, an offence, a list of either, an array of these, or `()`.

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, INT, ImmutableString, NativeCallContext};

use super::config_view::ConfigTable;
use super::handle::{
    self, DecisionItem, EventItem, EventList, Fallible, OffenceItem, OffenceList, OpenActionItem,
    PersonView,
};
use super::memo::{self, EffectCall, Evidence, Fact};
use super::query::{
    DecisionField as DF, EventField as EF, OffenceField as OF, Op, OpenActionField as AF,
    PersonField as PF, Span,
};
use super::recorder;
use crate::diagnostic::did_you_mean;
use crate::event::EventKind;
use crate::offence::{Category, CategorySet};
use crate::privacy;
use crate::proposal::{Limb, Priority, Proposal, ReasonTemplate, Recipient, Route};
use crate::time::{self, Date};

/// Registers the whole API on an engine.
pub fn register(engine: &mut Engine) {
    engine.register_fn("join", |items: Array, separator: &str| -> String {
        items
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(separator)
    });
    engine.register_fn("plural", |n: INT, one: &str, many: &str| -> String {
        format!("{n} {}", if n == 1 { one } else { many })
    });
    register_dates(engine);
    register_config(engine);
    register_person(engine);
    register_events(engine);
    register_offences(engine);
    register_register(engine);
    register_effects(engine);
}

fn error<T>(message: impl Into<String>) -> Fallible<T> {
    Err(super::api_error(message))
}

fn non_negative(what: &str, n: INT) -> Fallible<u32> {
    // The number is not shown: it may come from a person's data.
    u32::try_from(n).or_else(|_| error(format!("{what} must be a whole number from 0")))
}

/// Checks one token or an array of tokens against a closed list.
fn tokens_in<'a>(
    what: &str,
    arg: &Dynamic,
    known: impl Iterator<Item = &'a str> + Clone,
) -> Fallible<Vec<ImmutableString>> {
    let items: Vec<Dynamic> = if arg.is_array() {
        arg.clone().into_array().unwrap_or_default()
    } else {
        vec![arg.clone()]
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Ok(token) = item.into_immutable_string() else {
            return error(format!("a {what} must be text"));
        };
        if !known.clone().any(|k| k == token.as_str()) {
            let hint = did_you_mean(&token, known.clone())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            // The token is not shown: outside the vocabulary, it may be a
            // person's value passed by mistake (`in_category(person.district)`).
            return error(format!(
                "unknown {what}: {}{hint}",
                privacy::shown(&token, privacy::Kind::Other)
            ));
        }
        out.push(token);
    }
    Ok(out)
}

fn categories(arg: &Dynamic) -> Fallible<(Vec<ImmutableString>, CategorySet)> {
    let tokens = tokens_in("category", arg, Category::TOKENS.iter().copied())?;
    let set = tokens.iter().filter_map(|t| Category::parse(t)).collect();
    Ok((tokens, set))
}

/// The line of the call being evaluated.
pub(super) fn line(ctx: &NativeCallContext) -> usize {
    ctx.call_position().line().unwrap_or(0)
}

fn register_dates(engine: &mut Engine) {
    engine
        .register_type_with_name::<Date>("Date")
        .register_fn("date", |text: &str| -> Fallible<Date> {
            time::parse_date(text).map_or_else(
                || {
                    error(format!(
                        "{} is not a date in the form YYYY-MM-DD",
                        privacy::shown(text, privacy::Kind::Other)
                    ))
                },
                Ok,
            )
        })
        .register_fn("add_days", |d: &mut Date, n: INT| -> Fallible<Date> {
            time::checked_add_days(*d, n).map_or_else(
                || error("add_days: the date would fall outside the years 1 to 9999"),
                Ok,
            )
        })
        .register_fn("add_months", |d: &mut Date, n: INT| -> Fallible<Date> {
            time::checked_add_months(*d, n).map_or_else(
                || error("add_months: the date would fall outside the years 1 to 9999"),
                Ok,
            )
        })
        .register_get("year", |d: &mut Date| INT::from(time::year(*d)))
        .register_get("month", |d: &mut Date| {
            INT::from(chrono::Datelike::month(d))
        })
        .register_get("day", |d: &mut Date| INT::from(chrono::Datelike::day(d)))
        .register_fn("to_string", |d: &mut Date| d.format("%Y-%m-%d").to_string())
        .register_fn("to_debug", |d: &mut Date| d.format("%Y-%m-%d").to_string())
        .register_fn("==", |a: Date, b: Date| a == b)
        .register_fn("!=", |a: Date, b: Date| a != b)
        .register_fn("<", |a: Date, b: Date| a < b)
        .register_fn("<=", |a: Date, b: Date| a <= b)
        .register_fn(">", |a: Date, b: Date| a > b)
        .register_fn(">=", |a: Date, b: Date| a >= b);
}

fn register_config(engine: &mut Engine) {
    engine
        .register_type_with_name::<ConfigTable>("Config")
        .register_indexer_get(|ctx: NativeCallContext, t: &mut ConfigTable, key: &str| {
            let value = t.get(key)?;
            if !value.is::<ConfigTable>() {
                recorder::look(line(&ctx), || {
                    // Text in quotes, as tryg.toml has it: `"2"` is not 2.
                    let shown = match value.clone().into_immutable_string() {
                        Ok(text) => format!("{:?}", text.as_str()),
                        Err(_) => value.to_string(),
                    };
                    (format!("setting {}", t.key_path(key)), shown, Vec::new())
                });
            }
            Ok::<_, Box<EvalAltResult>>(value)
        })
        .register_fn("contains", |t: &mut ConfigTable, key: &str| t.contains(key))
        .register_fn("to_string", |t: &mut ConfigTable| t.describe())
        .register_fn("to_debug", |t: &mut ConfigTable| t.describe());
}

fn months(n: INT) -> Fallible<Span> {
    Ok(Span::Months(non_negative("months", n)?))
}

fn days(n: INT) -> Fallible<Span> {
    Ok(Span::Days(non_negative("days", n)?))
}

fn register_person(engine: &mut Engine) {
    type Ctx<'a> = NativeCallContext<'a>;
    let fields = [
        ("id", PF::Id),
        ("age", PF::Age),
        ("birth_date", PF::BirthDate),
        ("sex", PF::Sex),
        ("municipality", PF::Municipality),
        ("district", PF::District),
        ("address_known", PF::AddressKnown),
        ("gang_affiliation", PF::GangAffiliation),
        ("in_custody", PF::InCustody),
        ("exit_program", PF::ExitProgram),
        ("last_letter_date", PF::LastLetterDate),
        ("risk_factors", PF::RiskFactors),
        ("protective_factors", PF::ProtectiveFactors),
        ("offences", PF::Offences),
        ("events", PF::Events),
    ];
    engine.register_type_with_name::<PersonView>("Person");
    for (name, field) in fields {
        engine.register_get(name, move |p: &mut PersonView| {
            p.ask(None, Op::Person(field))
        });
    }
    engine
        .register_fn("offences_within", |c: Ctx, p: &mut PersonView, n: INT| {
            p.ask(Some(&c), Op::OffencesWithin(months(n)?))
        })
        .register_fn(
            "offences_within_days",
            |c: Ctx, p: &mut PersonView, n: INT| p.ask(Some(&c), Op::OffencesWithin(days(n)?)),
        )
        .register_fn("events_within", |c: Ctx, p: &mut PersonView, n: INT| {
            p.ask(Some(&c), Op::EventsWithin(months(n)?))
        })
        .register_fn(
            "events_within_days",
            |c: Ctx, p: &mut PersonView, n: INT| p.ask(Some(&c), Op::EventsWithin(days(n)?)),
        )
        .register_fn("age_on", |p: &mut PersonView, d: Date| {
            p.ask(None, Op::AgeOn(d))
        })
        .register_fn("to_string", |p: &mut PersonView| p.ask(None, Op::Describe))
        .register_fn("to_debug", |p: &mut PersonView| p.ask(None, Op::Describe));
}

/// What `decision_on` and `open_action` take: `level`, `youth_board`,
/// `letter` or an action kind, each a lower-case token.
fn proposal_name(what: &str, name: &str) -> Fallible<ImmutableString> {
    let token = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !token {
        return error(format!(
            "{what} takes `level`, `youth_board`, `letter` or an action kind (a lower-case token such as `network_council`)"
        ));
    }
    Ok(name.into())
}

fn register_register(engine: &mut Engine) {
    engine
        .register_fn("decision_on", |p: &mut PersonView, on: &str| {
            p.ask(None, Op::DecisionOn(proposal_name("decision_on", on)?))
        })
        .register_fn("open_action", |p: &mut PersonView, kind: &str| {
            let kind = proposal_name("open_action", kind)?;
            if matches!(kind.as_str(), "level" | "youth_board" | "letter") {
                return error("open_action takes an action kind (such as `network_council`)");
            }
            p.ask(None, Op::OpenAction(kind))
        });
    let decision = [
        ("decision", DF::Decision),
        ("date", DF::Date),
        ("by", DF::By),
        ("agency", DF::Agency),
        ("effort", DF::Effort),
        ("note", DF::Note),
        ("level", DF::Level),
        ("run", DF::Run),
        ("words", DF::Words),
    ];
    engine.register_type_with_name::<DecisionItem>("Decision");
    for (name, field) in decision {
        engine.register_get(name, move |d: &mut DecisionItem| {
            d.ask(None, Op::Decision(field))
        });
    }
    engine
        .register_fn("to_string", |d: &mut DecisionItem| {
            d.ask(None, Op::Describe)
        })
        .register_fn("to_debug", |d: &mut DecisionItem| d.ask(None, Op::Describe));
    let open = [
        ("kind", AF::Kind),
        ("due", AF::Due),
        ("proposed_on", AF::ProposedOn),
        ("run", AF::Run),
        ("event", AF::Event),
        ("decision", AF::Decision),
    ];
    engine.register_type_with_name::<OpenActionItem>("OpenAction");
    for (name, field) in open {
        engine.register_get(name, move |a: &mut OpenActionItem| {
            a.ask(None, Op::Open(field))
        });
    }
    engine
        .register_fn("to_string", |a: &mut OpenActionItem| {
            a.ask(None, Op::Describe)
        })
        .register_fn("to_debug", |a: &mut OpenActionItem| {
            a.ask(None, Op::Describe)
        });
}

fn register_events(engine: &mut Engine) {
    type Ctx<'a> = NativeCallContext<'a>;
    engine
        .register_type_with_name::<EventList>("Events")
        .register_iterator::<EventList>()
        .register_fn("len", |l: &mut EventList| l.ask(None, Op::Len))
        .register_get("len", |l: &mut EventList| l.ask(None, Op::Len))
        .register_fn("is_empty", |l: &mut EventList| l.ask(None, Op::IsEmpty))
        .register_indexer_get(|l: &mut EventList, i: INT| l.ask(None, Op::Index(i)))
        .register_fn("within", |c: Ctx, l: &mut EventList, n: INT| {
            l.ask(Some(&c), Op::Within(months(n)?))
        })
        .register_fn("within_days", |c: Ctx, l: &mut EventList, n: INT| {
            l.ask(Some(&c), Op::Within(days(n)?))
        })
        .register_fn("of_kind", |c: Ctx, l: &mut EventList, kinds: Dynamic| {
            let tokens = tokens_in("event kind", &kinds, EventKind::TOKENS.iter().copied())?;
            let wanted = tokens.iter().filter_map(|k| EventKind::parse(k)).collect();
            l.ask(Some(&c), Op::OfKind(tokens, wanted))
        })
        .register_fn("tagged", |c: Ctx, l: &mut EventList, tags: Dynamic| {
            let wanted = tokens_in("tag", &tags, l.known_tags())?;
            l.ask(Some(&c), Op::Tagged(wanted))
        })
        .register_fn("in_category", |c: Ctx, l: &mut EventList, cats: Dynamic| {
            let (tokens, set) = categories(&cats)?;
            l.ask(Some(&c), Op::InCategory(tokens, set))
        })
        .register_fn("serious", |c: Ctx, l: &mut EventList| {
            l.ask(Some(&c), Op::Serious)
        })
        .register_fn("person_dangerous", |c: Ctx, l: &mut EventList| {
            l.ask(Some(&c), Op::PersonDangerous)
        })
        .register_fn("latest", |l: &mut EventList| l.ask(None, Op::Latest))
        .register_fn("earliest", |l: &mut EventList| l.ask(None, Op::Earliest))
        .register_fn("filter", |c: Ctx, l: &mut EventList, f: FnPtr| {
            l.filter(&c, &f)
        })
        .register_fn("to_string", |l: &mut EventList| l.ask(None, Op::Describe))
        .register_fn("to_debug", |l: &mut EventList| l.ask(None, Op::Describe));

    let fields = [
        ("id", EF::Id),
        ("date", EF::Date),
        ("kind", EF::Kind),
        ("tag", EF::Tag),
        ("case_id", EF::CaseId),
        ("offence_code", EF::OffenceCode),
        ("offence_name", EF::OffenceName),
        ("category", EF::Category),
        ("serious", EF::Serious),
        ("person_dangerous", EF::PersonDangerous),
        ("age", EF::Age),
        ("flags", EF::Flags),
    ];
    engine.register_type_with_name::<EventItem>("Event");
    for (name, field) in fields {
        engine.register_get(name, move |e: &mut EventItem| e.ask(None, Op::Event(field)));
    }
    engine
        .register_fn("to_string", |e: &mut EventItem| e.ask(None, Op::Describe))
        .register_fn("to_debug", |e: &mut EventItem| e.ask(None, Op::Describe));
}

fn register_offences(engine: &mut Engine) {
    type Ctx<'a> = NativeCallContext<'a>;
    engine
        .register_type_with_name::<OffenceList>("Offences")
        .register_iterator::<OffenceList>()
        .register_fn("len", |l: &mut OffenceList| l.ask(None, Op::Len))
        .register_get("len", |l: &mut OffenceList| l.ask(None, Op::Len))
        .register_fn("is_empty", |l: &mut OffenceList| l.ask(None, Op::IsEmpty))
        .register_indexer_get(|l: &mut OffenceList, i: INT| l.ask(None, Op::Index(i)))
        .register_fn("within", |c: Ctx, l: &mut OffenceList, n: INT| {
            l.ask(Some(&c), Op::Within(months(n)?))
        })
        .register_fn("within_days", |c: Ctx, l: &mut OffenceList, n: INT| {
            l.ask(Some(&c), Op::Within(days(n)?))
        })
        .register_fn(
            "in_category",
            |c: Ctx, l: &mut OffenceList, cats: Dynamic| {
                let (tokens, set) = categories(&cats)?;
                l.ask(Some(&c), Op::InCategory(tokens, set))
            },
        )
        .register_fn("serious", |c: Ctx, l: &mut OffenceList| {
            l.ask(Some(&c), Op::Serious)
        })
        .register_fn("person_dangerous", |c: Ctx, l: &mut OffenceList| {
            l.ask(Some(&c), Op::PersonDangerous)
        })
        .register_fn("from_age", |c: Ctx, l: &mut OffenceList, age: INT| {
            l.ask(Some(&c), Op::FromAge(non_negative("age", age)?))
        })
        .register_fn("latest", |l: &mut OffenceList| l.ask(None, Op::Latest))
        .register_fn("earliest", |l: &mut OffenceList| l.ask(None, Op::Earliest))
        .register_fn("filter", |c: Ctx, l: &mut OffenceList, f: FnPtr| {
            l.filter(&c, &f)
        })
        .register_fn("to_string", |l: &mut OffenceList| l.ask(None, Op::Describe))
        .register_fn("to_debug", |l: &mut OffenceList| l.ask(None, Op::Describe));

    let fields = [
        ("date", OF::Date),
        ("age", OF::Age),
        ("serious", OF::Serious),
        ("person_dangerous", OF::PersonDangerous),
        ("case_id", OF::CaseId),
        ("categories", OF::Categories),
        ("codes", OF::Codes),
        ("events", OF::Events),
    ];
    engine.register_type_with_name::<OffenceItem>("Offence");
    for (name, field) in fields {
        engine.register_get(name, move |o: &mut OffenceItem| {
            o.ask(None, Op::Offence(field))
        });
    }
    engine
        .register_fn("in_category", |o: &mut OffenceItem, cats: Dynamic| {
            let (_, set) = categories(&cats)?;
            o.ask(None, Op::OffenceInCategory(set))
        })
        .register_fn("to_string", |o: &mut OffenceItem| o.ask(None, Op::Describe))
        .register_fn("to_debug", |o: &mut OffenceItem| o.ask(None, Op::Describe));
}

/// Applies an effect a rule called for, and notes it for the memo's path.
fn effect(
    call: &NativeCallContext,
    proposal: Proposal,
    text: &str,
    proof: &Dynamic,
) -> Fallible<()> {
    let position = call.call_position();
    recorder::called(line(call), position.position().unwrap_or(0));
    let mut slots = Vec::new();
    let mut evidence = Evidence::default();
    if let Err(e) = handle::cite(proof, &mut slots, &mut evidence) {
        recorder::failed();
        return Err(e);
    }
    // What a proposal holds is paid for out of the rule's budget, before it
    // is kept: the proposal, every event cited (counted as cited, repeats
    // too, since each costs work) and its text.
    let cost = recorder::PROPOSAL_CHARGE
        + evidence.cited()
        + (text.len() as u64).div_ceil(recorder::TEXT_BYTES_PER_OPERATION);
    if let Err(message) = recorder::charge(cost, call.engine().max_operations()) {
        recorder::failed();
        return error(message);
    }
    let rule = recorder::with(|e| e.rule.clone())?;
    let call = EffectCall {
        said: std::sync::Arc::new(ReasonTemplate {
            rule,
            line: line(call),
            proposal,
            text: text.into(),
        }),
        evidence: slots,
    };
    recorder::with(|e| memo::apply(e, &call, evidence.into_events()))?;
    recorder::did(|| Fact::Effect(call), 0);
    Ok(())
}

/// One token of a closed vocabulary, or an error naming the vocabulary.
fn token<T: std::str::FromStr>(what: &str, value: &str, allowed: &[&str]) -> Fallible<T> {
    value.parse().or_else(|_| {
        error(format!(
            "{what} must be one of {}, not {}",
            allowed.join(", "),
            privacy::shown(value, privacy::Kind::Other)
        ))
    })
}

fn propose_level(call: NativeCallContext, level: INT, text: &str, proof: Dynamic) -> Fallible<()> {
    // The scheme's own top level is checked when the proposals combine
    // (screen.rs), where the config is at hand; here only the hard bound.
    let max = crate::config::MAX_LEVELS - 1;
    let Some(level) = u8::try_from(level)
        .ok()
        .filter(|l| (1..=max).contains(&usize::from(*l)))
    else {
        return error(format!("a proposed level is 1 to {max}"));
    };
    effect(&call, Proposal::Level(level), text, &proof)
}

fn propose_action(
    call: NativeCallContext,
    kind: &str,
    due: Dynamic,
    text: &str,
    proof: Dynamic,
) -> Fallible<()> {
    if !crate::proposal::is_action_kind(kind) {
        return error(format!(
            "an action kind is a lower-case token like `network_council`, not {}",
            privacy::shown(kind, privacy::Kind::Other)
        ));
    }
    let due = if due.is_unit() {
        None
    } else if let Some(d) = due.read_lock::<Date>() {
        Some(*d)
    } else {
        return error(format!(
            "the due date must be a Date or (), not {}",
            due.type_name()
        ));
    };
    let kind = kind.into();
    effect(&call, Proposal::Action { kind, due }, text, &proof)
}

/// A priority: a number, or a map of named terms whose sum it is
/// (`#{ affiliation: 3, offences: 1 }`; rhai keeps map keys in name order).
fn priority(value: &Dynamic) -> Fallible<Priority> {
    let number = |v: &Dynamic| match (v.as_int(), v.as_float()) {
        (Ok(i), _) => Some(i as f64),
        (_, Ok(f)) if f.is_finite() => Some(f),
        _ => None,
    };
    if let Some(total) = number(value) {
        return Ok(Priority::total(total));
    }
    let Some(map) = value.read_lock::<rhai::Map>() else {
        return error(format!(
            "the priority must be a number or a map of named numbers, not {}",
            value.type_name()
        ));
    };
    let mut terms = Vec::with_capacity(map.len());
    for (name, term) in map.iter() {
        let Some(v) = number(term) else {
            return error(format!(
                "the priority term `{name}` must be a number, not {}",
                term.type_name()
            ));
        };
        terms.push((ImmutableString::from(name.as_str()), v));
    }
    let total = terms.iter().map(|(_, v)| v).sum::<f64>();
    if !total.is_finite() {
        return error("the priority terms add up to no finite number");
    }
    Ok(Priority { total, terms })
}

fn register_effects(engine: &mut Engine) {
    engine.register_fn("propose_level", propose_level);
    engine.register_fn(
        "propose_level",
        |call: NativeCallContext, level: INT, text: &str| {
            propose_level(call, level, text, Dynamic::UNIT)
        },
    );

    engine.register_fn(
        "propose_youth_board",
        |call: NativeCallContext,
         route: &str,
         limb: &str,
         text: &str,
         proof: Dynamic|
         -> Fallible<()> {
            let route = token("the route", route, Route::TOKENS)?;
            let limb = token("the limb", limb, Limb::TOKENS)?;
            effect(&call, Proposal::YouthBoard { route, limb }, text, &proof)
        },
    );

    engine.register_fn(
        "propose_concern_letter",
        |call: NativeCallContext,
         recipients: Array,
         priority_arg: Dynamic,
         text: &str,
         proof: Dynamic|
         -> Fallible<()> {
            let names = tokens_in(
                "recipient",
                &Dynamic::from_array(recipients),
                Recipient::TOKENS.iter().copied(),
            )?;
            let recipients: Vec<Recipient> =
                names.iter().filter_map(|r| Recipient::parse(r)).collect();
            if recipients.is_empty() {
                return error("a concern letter needs at least one recipient");
            }
            let priority = priority(&priority_arg)?;
            let letter = Proposal::ConcernLetter {
                recipients,
                priority,
            };
            effect(&call, letter, text, &proof)
        },
    );

    engine.register_fn("propose_action", propose_action);
    engine.register_fn(
        "propose_action",
        |call: NativeCallContext, kind: &str, due: Dynamic, text: &str| {
            propose_action(call, kind, due, text, Dynamic::UNIT)
        },
    );

    engine.register_fn(
        "note",
        |call: NativeCallContext, text: &str, proof: Dynamic| -> Fallible<()> {
            effect(&call, Proposal::Note, text, &proof)
        },
    );
    engine.register_fn(
        "note",
        |call: NativeCallContext, text: &str| -> Fallible<()> {
            effect(&call, Proposal::Note, text, &Dynamic::UNIT)
        },
    );

    engine.register_fn(
        "out_of_scope",
        |call: NativeCallContext, text: &str| -> Fallible<()> {
            effect(&call, Proposal::OutOfScope, text, &Dynamic::UNIT)
        },
    );
}
