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
//! on its date). An offence has `date`, `age`, `categories`, `serious`,
//! `person_dangerous`, `case_id`, `codes`, `events`, and `in_category(c)`.
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
//! | `propose_level(level, text[, evidence])` | case level 1–3; the highest wins |
//! | `propose_youth_board(route, limb, text, evidence)` | youth crime board candidate |
//! | `propose_concern_letter(recipients, priority, text, evidence)` | concern letter |
//! | `propose_action(kind, due, text, evidence)` | an action, `due` a `Date` or `()` |
//! | `out_of_scope(text)` | not screened; no further rule runs |
//!
//! Evidence is an event, an offence, a list of either, an array of these, or `()`.

use std::sync::Arc;

use rhai::{
    Array, Dynamic, Engine, EvalAltResult, FnPtr, INT, ImmutableString, NativeCallContext, Position,
};

use super::config_view::ConfigTable;
use super::recorder::{self, LetterProposal};
use super::view::{EventItem, EventList, OffenceItem, OffenceList, PersonView};
use crate::diagnostic::did_you_mean;
use crate::event::EventKind;
use crate::offence::{Category, CategorySet};
use crate::outcome::{Action, Reason, YouthBoard};
use crate::time::{self, Date};

type Fallible<T> = Result<T, Box<EvalAltResult>>;

/// The routes and limbs of a youth-board candidacy (SPEC §4).
pub const ROUTES: &[&str] = &["secretariat", "prosecution"];
pub const LIMBS: &[&str] = &["listed", "serious_with_risk"];
/// Who a concern letter can go to.
pub const RECIPIENTS: &[&str] = &["person", "guardians"];

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
    register_effects(engine);
}

fn error<T>(message: impl Into<String>) -> Fallible<T> {
    Err(message.into().into())
}

fn non_negative(what: &str, n: INT) -> Fallible<u32> {
    u32::try_from(n).or_else(|_| error(format!("{what} must be a whole number from 0, not {n}")))
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
            return error(format!("unknown {what} `{token}`{hint}"));
        }
        out.push(token);
    }
    Ok(out)
}

fn categories(arg: &Dynamic) -> Fallible<CategorySet> {
    let tokens = tokens_in("category", arg, Category::TOKENS.iter().copied())?;
    Ok(tokens.iter().filter_map(|t| Category::parse(t)).collect())
}

/// The line of the call being evaluated.
fn line(ctx: &NativeCallContext) -> usize {
    ctx.call_position().line().unwrap_or(0)
}

/// Records, for `explain`, that a rule asked `what` and got these events.
fn looked_events(
    ctx: &NativeCallContext,
    what: impl FnOnce() -> String,
    list: EventList,
) -> EventList {
    recorder::look(line(ctx), || {
        let n = list.items.len();
        (
            what(),
            format!("{n} {}", if n == 1 { "event" } else { "events" }),
            list.items.clone(),
        )
    });
    list
}

/// Records, for `explain`, that a rule asked `what` and got these offences.
fn looked_offences(
    ctx: &NativeCallContext,
    what: impl FnOnce() -> String,
    list: OffenceList,
) -> OffenceList {
    recorder::look(line(ctx), || {
        let n = list.items.len();
        let events = list
            .items
            .iter()
            .flat_map(|&o| list.ctx.offences[o as usize].events.iter().copied())
            .collect();
        (
            what(),
            format!("{n} {}", if n == 1 { "offence" } else { "offences" }),
            events,
        )
    });
    list
}

/// "gang_contact, street_life" for a token argument.
fn words(arg: &Dynamic) -> String {
    if arg.is_array() {
        let items = arg.clone().into_array().unwrap_or_default();
        items
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        arg.to_string()
    }
}

fn register_dates(engine: &mut Engine) {
    engine
        .register_type_with_name::<Date>("Date")
        .register_fn("date", |text: &str| -> Fallible<Date> {
            time::parse_date(text).map_or_else(
                || error(format!("`{text}` is not a date in the form YYYY-MM-DD")),
                Ok,
            )
        })
        .register_fn("add_days", |d: &mut Date, n: INT| time::add_days(*d, n))
        .register_fn("add_months", |d: &mut Date, n: INT| time::add_months(*d, n))
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
                    (
                        format!("setting {}", t.key_path(key)),
                        value.to_string(),
                        Vec::new(),
                    )
                });
            }
            Ok::<_, Box<EvalAltResult>>(value)
        })
        .register_fn("contains", |t: &mut ConfigTable, key: &str| t.contains(key))
        .register_fn("to_string", |t: &mut ConfigTable| t.describe())
        .register_fn("to_debug", |t: &mut ConfigTable| t.describe());
}

fn register_person(engine: &mut Engine) {
    fn tokens(list: &[ImmutableString]) -> Array {
        list.iter().cloned().map(Dynamic::from).collect()
    }
    fn person(p: &PersonView) -> &crate::person::Person {
        p.0.person()
    }
    engine
        .register_type_with_name::<PersonView>("Person")
        .register_get("id", |p: &mut PersonView| person(p).id.clone())
        .register_get("age", |p: &mut PersonView| INT::from(p.0.age.unwrap_or(0)))
        .register_get("birth_date", |p: &mut PersonView| person(p).birth_date)
        .register_get("sex", |p: &mut PersonView| {
            person(p).sex.map_or("", |s| s.as_str()).to_string()
        })
        .register_get("municipality", |p: &mut PersonView| {
            person(p).municipality.clone()
        })
        .register_get("district", |p: &mut PersonView| {
            person(p).district.clone().unwrap_or_default()
        })
        .register_get("address_known", |p: &mut PersonView| {
            person(p).address_known
        })
        .register_get("gang_affiliation", |p: &mut PersonView| {
            person(p).gang_affiliation.as_str().to_string()
        })
        .register_get("in_custody", |p: &mut PersonView| person(p).in_custody)
        .register_get("exit_program", |p: &mut PersonView| person(p).exit_program)
        .register_get("last_letter_date", |p: &mut PersonView| {
            person(p)
                .last_letter_date
                .map_or(Dynamic::UNIT, Dynamic::from)
        })
        .register_get("risk_factors", |p: &mut PersonView| {
            tokens(&person(p).risk_factors)
        })
        .register_get("protective_factors", |p: &mut PersonView| {
            tokens(&person(p).protective_factors)
        })
        .register_get("offences", |p: &mut PersonView| OffenceList {
            items: (0..p.0.offences.len() as u32).collect(),
            ctx: Arc::clone(&p.0),
        })
        .register_get("events", |p: &mut PersonView| EventList {
            items: p.0.usable.clone(),
            ctx: Arc::clone(&p.0),
        })
        .register_fn(
            "offences_within",
            |ctx: NativeCallContext, p: &mut PersonView, months: INT| -> Fallible<OffenceList> {
                let start = time::months_before(p.0.world.as_of, non_negative("months", months)?);
                let list = OffenceList {
                    items: p.0.offences_since(start),
                    ctx: Arc::clone(&p.0),
                };
                Ok(looked_offences(
                    &ctx,
                    || format!("offences within {months} months"),
                    list,
                ))
            },
        )
        .register_fn(
            "offences_within_days",
            |ctx: NativeCallContext, p: &mut PersonView, days: INT| -> Fallible<OffenceList> {
                let start = time::days_before(p.0.world.as_of, non_negative("days", days)?);
                let list = OffenceList {
                    items: p.0.offences_since(start),
                    ctx: Arc::clone(&p.0),
                };
                Ok(looked_offences(
                    &ctx,
                    || format!("offences within {days} days"),
                    list,
                ))
            },
        )
        .register_fn(
            "events_within",
            |ctx: NativeCallContext, p: &mut PersonView, months: INT| -> Fallible<EventList> {
                let start = time::months_before(p.0.world.as_of, non_negative("months", months)?);
                let list = EventList {
                    items: p.0.events_since(start),
                    ctx: Arc::clone(&p.0),
                };
                Ok(looked_events(
                    &ctx,
                    || format!("events within {months} months"),
                    list,
                ))
            },
        )
        .register_fn(
            "events_within_days",
            |ctx: NativeCallContext, p: &mut PersonView, days: INT| -> Fallible<EventList> {
                let start = time::days_before(p.0.world.as_of, non_negative("days", days)?);
                let list = EventList {
                    items: p.0.events_since(start),
                    ctx: Arc::clone(&p.0),
                };
                Ok(looked_events(
                    &ctx,
                    || format!("events within {days} days"),
                    list,
                ))
            },
        )
        .register_fn("age_on", |p: &mut PersonView, d: Date| {
            INT::from(p.0.age_on(d))
        })
        .register_fn("to_string", |p: &mut PersonView| {
            format!("person {}", person(p).id)
        })
        .register_fn("to_debug", |p: &mut PersonView| {
            format!("person {}", person(p).id)
        });
}

fn register_events(engine: &mut Engine) {
    type Ctx<'a> = NativeCallContext<'a>;
    engine
        .register_type_with_name::<EventList>("Events")
        .register_iterator::<EventList>()
        .register_fn("len", |l: &mut EventList| l.items.len() as INT)
        .register_get("len", |l: &mut EventList| l.items.len() as INT)
        .register_fn("is_empty", |l: &mut EventList| l.items.is_empty())
        .register_indexer_get(|l: &mut EventList, i: INT| -> Fallible<EventItem> {
            match usize::try_from(i).ok().and_then(|i| l.items.get(i)) {
                Some(&index) => Ok(l.item(index)),
                None => {
                    Err(EvalAltResult::ErrorArrayBounds(l.items.len(), i, Position::NONE).into())
                }
            }
        })
        .register_fn(
            "within",
            |ctx: Ctx, l: &mut EventList, months: INT| -> Fallible<EventList> {
                let start = time::months_before(l.ctx.world.as_of, non_negative("months", months)?);
                Ok(looked_events(
                    &ctx,
                    || format!("within {months} months"),
                    l.keep(|e| e.date >= start),
                ))
            },
        )
        .register_fn(
            "within_days",
            |ctx: Ctx, l: &mut EventList, days: INT| -> Fallible<EventList> {
                let start = time::days_before(l.ctx.world.as_of, non_negative("days", days)?);
                Ok(looked_events(
                    &ctx,
                    || format!("within {days} days"),
                    l.keep(|e| e.date >= start),
                ))
            },
        )
        .register_fn(
            "of_kind",
            |ctx: Ctx, l: &mut EventList, kinds: Dynamic| -> Fallible<EventList> {
                let wanted: Vec<EventKind> =
                    tokens_in("event kind", &kinds, EventKind::TOKENS.iter().copied())?
                        .iter()
                        .filter_map(|k| EventKind::parse(k))
                        .collect();
                let list = l.keep(|e| wanted.contains(&e.kind));
                Ok(looked_events(
                    &ctx,
                    || format!("of kind {}", words(&kinds)),
                    list,
                ))
            },
        )
        .register_fn(
            "tagged",
            |ctx: Ctx, l: &mut EventList, tags: Dynamic| -> Fallible<EventList> {
                let known = l.ctx.world.tags.iter().map(String::as_str);
                let wanted = tokens_in("tag", &tags, known)?;
                let batch = &l.ctx.world.batch;
                let list = l.keep(|e| batch.tag(e).is_some_and(|t| wanted.contains(t)));
                Ok(looked_events(
                    &ctx,
                    || format!("tagged {}", words(&tags)),
                    list,
                ))
            },
        )
        .register_fn(
            "in_category",
            |ctx: Ctx, l: &mut EventList, cats: Dynamic| -> Fallible<EventList> {
                let set = categories(&cats)?;
                let person = Arc::clone(&l.ctx);
                let list = l.keep(|e| {
                    person
                        .offence_def(e)
                        .is_some_and(|d| set.contains(d.category))
                });
                Ok(looked_events(
                    &ctx,
                    || format!("in category {}", words(&cats)),
                    list,
                ))
            },
        )
        .register_fn("serious", |ctx: Ctx, l: &mut EventList| {
            let person = Arc::clone(&l.ctx);
            let list = l.keep(|e| person.offence_def(e).is_some_and(|d| d.serious));
            looked_events(&ctx, || "serious".into(), list)
        })
        .register_fn("person_dangerous", |ctx: Ctx, l: &mut EventList| {
            let person = Arc::clone(&l.ctx);
            let list = l.keep(|e| person.offence_def(e).is_some_and(|d| d.person_dangerous));
            looked_events(&ctx, || "person-dangerous".into(), list)
        })
        .register_fn("latest", |l: &mut EventList| {
            l.items
                .last()
                .map_or(Dynamic::UNIT, |&i| Dynamic::from(l.item(i)))
        })
        .register_fn("earliest", |l: &mut EventList| {
            l.items
                .first()
                .map_or(Dynamic::UNIT, |&i| Dynamic::from(l.item(i)))
        })
        .register_fn(
            "filter",
            |ctx: Ctx, l: &mut EventList, f: FnPtr| -> Fallible<EventList> {
                let mut items = Vec::new();
                for &i in &l.items {
                    if f.call_within_context::<bool>(&ctx, (l.item(i),))? {
                        items.push(i);
                    }
                }
                let list = EventList {
                    ctx: Arc::clone(&l.ctx),
                    items,
                };
                Ok(looked_events(
                    &ctx,
                    || "matching the condition".into(),
                    list,
                ))
            },
        )
        .register_fn("to_string", |l: &mut EventList| describe_events(l))
        .register_fn("to_debug", |l: &mut EventList| describe_events(l));

    engine
        .register_type_with_name::<EventItem>("Event")
        .register_get("id", |e: &mut EventItem| e.ctx.event_id(e.index))
        .register_get("date", |e: &mut EventItem| e.event().date)
        .register_get("kind", |e: &mut EventItem| {
            e.event().kind.as_str().to_string()
        })
        .register_get("tag", |e: &mut EventItem| {
            e.ctx
                .world
                .batch
                .tag(e.event())
                .cloned()
                .unwrap_or_default()
        })
        .register_get("case_id", |e: &mut EventItem| {
            ImmutableString::from(e.ctx.world.batch.case_id(e.event()).unwrap_or_default())
        })
        .register_get("offence_code", |e: &mut EventItem| {
            e.ctx
                .offence_def(e.event())
                .map(|d| d.code.clone())
                .unwrap_or_default()
        })
        .register_get("offence_name", |e: &mut EventItem| {
            e.ctx
                .offence_def(e.event())
                .map(|d| d.name.clone())
                .unwrap_or_default()
        })
        .register_get("category", |e: &mut EventItem| {
            e.ctx
                .offence_def(e.event())
                .map_or("", |d| d.category.as_str())
                .to_string()
        })
        .register_get("serious", |e: &mut EventItem| {
            e.ctx.offence_def(e.event()).is_some_and(|d| d.serious)
        })
        .register_get("person_dangerous", |e: &mut EventItem| {
            e.ctx
                .offence_def(e.event())
                .is_some_and(|d| d.person_dangerous)
        })
        .register_get("age", |e: &mut EventItem| {
            INT::from(e.ctx.age_on(e.event().date))
        })
        .register_fn("to_string", |e: &mut EventItem| describe_event(e))
        .register_fn("to_debug", |e: &mut EventItem| describe_event(e));
}

fn describe_event(e: &EventItem) -> String {
    let ev = e.event();
    let id = e.ctx.world.batch.event_id(ev);
    format!("event {id} ({} {})", ev.kind.as_str(), ev.date)
}

fn describe_events(l: &EventList) -> String {
    let ids: Vec<String> = l
        .items
        .iter()
        .map(|&i| l.ctx.event_id(i).to_string())
        .collect();
    format!("events [{}]", ids.join(", "))
}

fn register_offences(engine: &mut Engine) {
    type Ctx<'a> = NativeCallContext<'a>;
    engine
        .register_type_with_name::<OffenceList>("Offences")
        .register_iterator::<OffenceList>()
        .register_fn("len", |l: &mut OffenceList| l.items.len() as INT)
        .register_get("len", |l: &mut OffenceList| l.items.len() as INT)
        .register_fn("is_empty", |l: &mut OffenceList| l.items.is_empty())
        .register_indexer_get(|l: &mut OffenceList, i: INT| -> Fallible<OffenceItem> {
            match usize::try_from(i).ok().and_then(|i| l.items.get(i)) {
                Some(&index) => Ok(l.item(index)),
                None => {
                    Err(EvalAltResult::ErrorArrayBounds(l.items.len(), i, Position::NONE).into())
                }
            }
        })
        .register_fn(
            "within",
            |ctx: Ctx, l: &mut OffenceList, months: INT| -> Fallible<OffenceList> {
                let start = time::months_before(l.ctx.world.as_of, non_negative("months", months)?);
                Ok(looked_offences(
                    &ctx,
                    || format!("within {months} months"),
                    l.keep(|o| o.date >= start),
                ))
            },
        )
        .register_fn(
            "within_days",
            |ctx: Ctx, l: &mut OffenceList, days: INT| -> Fallible<OffenceList> {
                let start = time::days_before(l.ctx.world.as_of, non_negative("days", days)?);
                Ok(looked_offences(
                    &ctx,
                    || format!("within {days} days"),
                    l.keep(|o| o.date >= start),
                ))
            },
        )
        .register_fn(
            "in_category",
            |ctx: Ctx, l: &mut OffenceList, cats: Dynamic| -> Fallible<OffenceList> {
                let set = categories(&cats)?;
                let list = l.keep(|o| o.categories.intersects(set));
                Ok(looked_offences(
                    &ctx,
                    || format!("in category {}", words(&cats)),
                    list,
                ))
            },
        )
        .register_fn("serious", |ctx: Ctx, l: &mut OffenceList| {
            looked_offences(&ctx, || "serious".into(), l.keep(|o| o.serious))
        })
        .register_fn("person_dangerous", |ctx: Ctx, l: &mut OffenceList| {
            looked_offences(
                &ctx,
                || "person-dangerous".into(),
                l.keep(|o| o.person_dangerous),
            )
        })
        .register_fn(
            "from_age",
            |ctx: Ctx, l: &mut OffenceList, age: INT| -> Fallible<OffenceList> {
                let min = non_negative("age", age)?;
                let list = l.keep(|o| o.age >= min);
                Ok(looked_offences(
                    &ctx,
                    || format!("committed at age {age} or older"),
                    list,
                ))
            },
        )
        .register_fn("latest", |l: &mut OffenceList| {
            l.items
                .last()
                .map_or(Dynamic::UNIT, |&i| Dynamic::from(l.item(i)))
        })
        .register_fn("earliest", |l: &mut OffenceList| {
            l.items
                .first()
                .map_or(Dynamic::UNIT, |&i| Dynamic::from(l.item(i)))
        })
        .register_fn(
            "filter",
            |ctx: Ctx, l: &mut OffenceList, f: FnPtr| -> Fallible<OffenceList> {
                let mut items = Vec::new();
                for &i in &l.items {
                    if f.call_within_context::<bool>(&ctx, (l.item(i),))? {
                        items.push(i);
                    }
                }
                let list = OffenceList {
                    ctx: Arc::clone(&l.ctx),
                    items,
                };
                Ok(looked_offences(
                    &ctx,
                    || "matching the condition".into(),
                    list,
                ))
            },
        )
        .register_fn("to_string", |l: &mut OffenceList| {
            format!("{} offence(s)", l.items.len())
        })
        .register_fn("to_debug", |l: &mut OffenceList| {
            format!("{} offence(s)", l.items.len())
        });

    engine
        .register_type_with_name::<OffenceItem>("Offence")
        .register_get("date", |o: &mut OffenceItem| o.offence().date)
        .register_get("age", |o: &mut OffenceItem| INT::from(o.offence().age))
        .register_get("serious", |o: &mut OffenceItem| o.offence().serious)
        .register_get("person_dangerous", |o: &mut OffenceItem| {
            o.offence().person_dangerous
        })
        .register_get("case_id", |o: &mut OffenceItem| {
            o.offence().case_id.clone().unwrap_or_default()
        })
        .register_get("categories", |o: &mut OffenceItem| -> Array {
            o.offence()
                .categories
                .iter()
                .map(|c| Dynamic::from(c.as_str().to_string()))
                .collect()
        })
        .register_get("codes", |o: &mut OffenceItem| -> Array {
            let mut codes: Vec<ImmutableString> = Vec::new();
            for &i in &o.offence().events {
                if let Some(d) = o.ctx.offence_def(o.ctx.event(i))
                    && !codes.contains(&d.code)
                {
                    codes.push(d.code.clone());
                }
            }
            codes.into_iter().map(Dynamic::from).collect()
        })
        .register_get("events", |o: &mut OffenceItem| EventList {
            items: o.offence().events.clone(),
            ctx: Arc::clone(&o.ctx),
        })
        .register_fn(
            "in_category",
            |o: &mut OffenceItem, cats: Dynamic| -> Fallible<bool> {
                Ok(o.offence().categories.intersects(categories(&cats)?))
            },
        )
        .register_fn("to_string", |o: &mut OffenceItem| {
            format!("offence of {}", o.offence().date)
        })
        .register_fn("to_debug", |o: &mut OffenceItem| {
            format!("offence of {}", o.offence().date)
        });
}

/// Event ids named by an evidence argument, in the order given, without repeats.
fn evidence(value: &Dynamic) -> Fallible<Vec<ImmutableString>> {
    let mut ids: Vec<ImmutableString> = Vec::new();
    collect_evidence(value, &mut ids)?;
    Ok(ids)
}

fn collect_evidence(value: &Dynamic, ids: &mut Vec<ImmutableString>) -> Fallible<()> {
    let mut seen = std::collections::HashSet::new();
    collect_evidence_into(value, ids, &mut seen)
}

/// Repeats are found by event index (a set), so citing thousands of events
/// stays linear.
fn collect_evidence_into(
    value: &Dynamic,
    ids: &mut Vec<ImmutableString>,
    seen: &mut std::collections::HashSet<u32>,
) -> Fallible<()> {
    let mut push = |index: u32, id: &ImmutableString| {
        if seen.insert(index) {
            ids.push(id.clone());
        }
    };
    if value.is_unit() {
    } else if let Some(l) = value.read_lock::<EventList>() {
        l.items.iter().for_each(|&i| push(i, &l.ctx.event_id(i)));
    } else if let Some(l) = value.read_lock::<OffenceList>() {
        for &o in &l.items {
            l.ctx.offences[o as usize]
                .events
                .iter()
                .for_each(|&i| push(i, &l.ctx.event_id(i)));
        }
    } else if let Some(e) = value.read_lock::<EventItem>() {
        push(e.index, &e.ctx.event_id(e.index));
    } else if let Some(o) = value.read_lock::<OffenceItem>() {
        o.offence()
            .events
            .iter()
            .for_each(|&i| push(i, &o.ctx.event_id(i)));
    } else if value.is_array() {
        for item in value.clone().into_array().unwrap_or_default() {
            collect_evidence_into(&item, ids, seen)?;
        }
    } else {
        return error(format!(
            "evidence must be events, offences, a list of them or (), not {}",
            value.type_name()
        ));
    }
    Ok(())
}

/// Records one reason at the call site, in the explanation and (returned) for
/// the effect it belongs to.
fn reason(
    ctx: &NativeCallContext,
    effect: String,
    text: &str,
    evidence: Vec<ImmutableString>,
) -> Fallible<Reason> {
    let line = ctx.call_position().line().unwrap_or(0);
    recorder::with(|e| {
        let reason = Reason {
            rule: e.rule.clone(),
            line,
            effect,
            text: text.to_string(),
            evidence,
        };
        e.explanation.push(reason.clone());
        reason
    })
}

fn one_of(what: &str, value: &str, allowed: &[&str]) -> Fallible<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        error(format!(
            "{what} must be one of {}, not `{value}`",
            allowed.join(", ")
        ))
    }
}

fn propose_level(ctx: NativeCallContext, level: INT, text: &str, proof: Dynamic) -> Fallible<()> {
    let Ok(level @ 1..=3) = u8::try_from(level) else {
        return error(format!("a proposed level is 1, 2 or 3, not {level}"));
    };
    let reason = reason(&ctx, format!("level {level}"), text, evidence(&proof)?)?;
    drop(reason);
    recorder::with(|e| e.level = e.level.max(level))
}

fn propose_action(
    ctx: NativeCallContext,
    kind: &str,
    due: Dynamic,
    text: &str,
    proof: Dynamic,
) -> Fallible<()> {
    if kind.is_empty() || !kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return error(format!(
            "an action kind is a lower-case token like `network_council`, not `{kind}`"
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
    let effect = match due {
        Some(d) => format!("action {kind} due {d}"),
        None => format!("action {kind}"),
    };
    let reason = reason(&ctx, effect, text, evidence(&proof)?)?;
    recorder::with(|e| match e.actions.iter_mut().find(|a| a.kind == kind) {
        // The same action proposed twice: the earlier deadline stands.
        Some(action) => {
            action.due = match (action.due, due) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            action.reasons.push(reason);
        }
        None => e.actions.push(Action {
            kind: kind.into(),
            due,
            overdue: false,
            reasons: vec![reason],
        }),
    })
}

fn register_effects(engine: &mut Engine) {
    engine.register_fn("propose_level", propose_level);
    engine.register_fn(
        "propose_level",
        |ctx: NativeCallContext, level: INT, text: &str| {
            propose_level(ctx, level, text, Dynamic::UNIT)
        },
    );

    engine.register_fn(
        "propose_youth_board",
        |ctx: NativeCallContext,
         route: &str,
         limb: &str,
         text: &str,
         proof: Dynamic|
         -> Fallible<()> {
            one_of("the route", route, ROUTES)?;
            one_of("the limb", limb, LIMBS)?;
            let reason = reason(
                &ctx,
                format!("youth_board {route} ({limb})"),
                text,
                evidence(&proof)?,
            )?;
            recorder::with(|e| match &mut e.youth_board {
                // Several calls: reasons add up, the latest route stands, and a
                // listed offence is never downgraded.
                Some(board) => {
                    board.route = route.into();
                    if board.limb != "listed" {
                        board.limb = limb.into();
                    }
                    board.reasons.push(reason);
                }
                None => {
                    e.youth_board = Some(YouthBoard {
                        route: route.into(),
                        limb: limb.into(),
                        reasons: vec![reason],
                    })
                }
            })
        },
    );

    engine.register_fn(
        "propose_concern_letter",
        |ctx: NativeCallContext,
         recipients: Array,
         priority: Dynamic,
         text: &str,
         proof: Dynamic|
         -> Fallible<()> {
            let recipients = tokens_in(
                "recipient",
                &Dynamic::from_array(recipients),
                RECIPIENTS.iter().copied(),
            )?;
            if recipients.is_empty() {
                return error("a concern letter needs at least one recipient");
            }
            let priority = match (priority.as_int(), priority.as_float()) {
                (Ok(i), _) => i as f64,
                (_, Ok(f)) if f.is_finite() => f,
                _ => return error("the priority must be a number"),
            };
            let effect = format!(
                "concern_letter priority {}",
                crate::outcome::format_number(priority)
            );
            let reason = reason(&ctx, effect, text, evidence(&proof)?)?;
            recorder::with(|e| match &mut e.letter {
                Some(letter) => {
                    for r in recipients {
                        if !letter.recipients.contains(&r) {
                            letter.recipients.push(r);
                        }
                    }
                    letter.priority = letter.priority.max(priority);
                    letter.reasons.push(reason);
                }
                None => {
                    e.letter = Some(LetterProposal {
                        recipients,
                        priority,
                        reasons: vec![reason],
                    })
                }
            })
        },
    );

    engine.register_fn("propose_action", propose_action);
    engine.register_fn(
        "propose_action",
        |ctx: NativeCallContext, kind: &str, due: Dynamic, text: &str| {
            propose_action(ctx, kind, due, text, Dynamic::UNIT)
        },
    );

    engine.register_fn(
        "out_of_scope",
        |ctx: NativeCallContext, text: &str| -> Fallible<()> {
            reason(&ctx, "out_of_scope".into(), text, Vec::new())?;
            recorder::with(|e| e.out_of_scope = true)
        },
    );
}
