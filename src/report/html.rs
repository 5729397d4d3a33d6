//! `tryg report --format html`: the period report as one self-contained
//! page, rendered by minijinja with HTML auto-escaping (as the reviewers'
//! report), in the chosen language. Inline SVG bar charts carry their
//! numbers as text and a text alternative (`<desc>`) with every number; a
//! suppressed value (`<5`) is drawn as no bar, so its length cannot give it
//! away. One inline stylesheet, allowed by a Content-Security-Policy that
//! names its hash; no script.

use std::io::{self, Write};

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::{ALL, MEASURES, PeriodReport, Shown, UNKNOWN};
use crate::i18n::{Arg, Messages};

const TEMPLATE: &str = include_str!("html/report.html");
const STYLE: &str = include_str!("html/report.css");

/// Writes the page for `report`, in `messages`' language; `store` names the
/// store it was counted from.
///
/// # Errors
/// Write errors (a template error is reported as one).
pub fn render(
    report: &PeriodReport,
    messages: &'static Messages,
    store: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    crate::i18n::add_template_function(&mut env, messages);
    env.add_template("report.html", TEMPLATE)
        .map_err(template_error)?;
    let page = Page::new(report, messages, store);
    let html = env
        .get_template("report.html")
        .and_then(|t| {
            t.render(minijinja::context! {
                lang => messages.lang().tag(),
                style => STYLE,
                csp => csp(),
                page => minijinja::value::Serde(&page),
            })
        })
        .map_err(template_error)?;
    out.write_all(html.as_bytes())?;
    out.write_all(b"\n")
}

fn template_error(e: minijinja::Error) -> io::Error {
    io::Error::other(format!("report template: {e:#}"))
}

fn csp() -> String {
    format!(
        "default-src 'none'; style-src '{}'; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'",
        crate::serve::guard::csp_hash(STYLE)
    )
}

#[derive(Serialize)]
struct Page {
    from: String,
    to: String,
    store: String,
    last_run: Option<(i64, String)>,
    charts: Vec<Chart>,
    /// Column headings of the municipality table: totals, then municipalities.
    municipalities: Vec<String>,
    by_municipality: Vec<TableRow>,
    /// Column headings of the district table: the measures.
    measure_labels: Vec<String>,
    by_district: Vec<DistrictRow>,
    months: Vec<String>,
    level_labels: Vec<String>,
    by_month: Vec<MonthRow>,
}

#[derive(Serialize)]
struct TableRow {
    label: String,
    values: Vec<String>,
}

#[derive(Serialize)]
struct DistrictRow {
    municipality: String,
    district: String,
    values: Vec<String>,
}

#[derive(Serialize)]
struct MonthRow {
    month: String,
    values: Vec<String>,
}

#[derive(Serialize)]
struct Chart {
    id: String,
    title: String,
    desc: String,
    width: usize,
    height: usize,
    label_x: usize,
    bars: Vec<Bar>,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    y: usize,
    text_y: usize,
    x: usize,
    width: String,
    drawn: bool,
    value: String,
    value_x: String,
}

const BAR_LENGTH: f64 = 300.0;
const ROW: usize = 26;
const CHAR_WIDTH: usize = 7;

fn chart(id: &str, title: String, rows: Vec<(String, Shown)>) -> Chart {
    let label_width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        * CHAR_WIDTH
        + 12;
    let max = rows
        .iter()
        .filter_map(|(_, v)| v.number())
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = BAR_LENGTH / max as f64;
    let mut bars = Vec::new();
    let mut desc = Vec::new();
    for (i, (label, value)) in rows.into_iter().enumerate() {
        let length = value
            .number()
            .map_or(0.0, |n| (n as f64 * scale * 10.0).round() / 10.0);
        let y = 6 + i * ROW;
        desc.push(format!("{label}: {value}"));
        bars.push(Bar {
            label,
            y,
            text_y: y + 13,
            x: label_width,
            width: format!("{:.1}", length.max(1.0)),
            drawn: value.number().is_some_and(|n| n > 0),
            value: value.to_string(),
            value_x: format!("{:.1}", label_width as f64 + length + 6.0),
        });
    }
    Chart {
        id: id.to_string(),
        desc: format!("{title}. {}.", desc.join("; ")),
        title,
        width: label_width + BAR_LENGTH as usize + 48,
        height: 12 + bars.len() * ROW,
        label_x: label_width - 8,
        bars,
    }
}

fn label(messages: &Messages, measure: &str) -> String {
    match measure.strip_prefix("opened_level_") {
        Some(level) => messages.format(
            "measure-opened-level",
            &[("level", Arg::Number(level.parse().unwrap_or(0.0)))],
        ),
        None => messages.text(&format!("measure-{}", measure.replace('_', "-"))),
    }
}

fn place(messages: &Messages, name: &str) -> String {
    match name {
        ALL => messages.text("report-all"),
        UNKNOWN => messages.text("report-unknown"),
        other => other.to_string(),
    }
}

impl Page {
    fn new(report: &PeriodReport, messages: &Messages, store: &str) -> Page {
        let whole = report.period();
        let measures: Vec<String> = report
            .levels
            .iter()
            .map(|l| format!("opened_level_{l}"))
            .chain(MEASURES.iter().map(|m| m.to_string()))
            .collect();
        let groups = report.groups();
        let shown = |measure: &str, period: &str, g: &(String, String)| {
            report
                .value(measure, period, (&g.0, &g.1))
                .map_or_else(String::new, |v| v.to_string())
        };
        let municipal: Vec<&(String, String)> = groups.iter().filter(|g| g.1 == ALL).collect();
        let by_municipality = measures
            .iter()
            .map(|m| TableRow {
                label: label(messages, m),
                values: municipal.iter().map(|g| shown(m, &whole, g)).collect(),
            })
            .collect();
        let by_district = groups
            .iter()
            .filter(|g| g.1 != ALL)
            .map(|g| DistrictRow {
                municipality: place(messages, &g.0),
                district: place(messages, &g.1),
                values: measures.iter().map(|m| shown(m, &whole, g)).collect(),
            })
            .collect();
        let total = (ALL.to_string(), ALL.to_string());
        let by_month = report
            .months
            .iter()
            .map(|month| MonthRow {
                month: month.clone(),
                values: report
                    .levels
                    .iter()
                    .map(|l| shown(&format!("opened_level_{l}"), month, &total))
                    .collect(),
            })
            .collect();
        let value = |m: &str| {
            report
                .value(m, &whole, (ALL, ALL))
                .unwrap_or(Shown::Count(0))
        };
        let opened = chart(
            "chart-opened",
            messages.text("chart-opened"),
            super::by_month(report)
                .into_iter()
                .flat_map(|(month, values)| {
                    report
                        .levels
                        .iter()
                        .zip(values)
                        .map(move |(l, v)| {
                            (
                                format!(
                                    "{month} · {}",
                                    messages
                                        .format("level-n", &[("level", Arg::Number(*l as f64))])
                                ),
                                v,
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .collect(),
        );
        let work = chart(
            "chart-work",
            messages.text("chart-work"),
            [
                "letters_proposed",
                "letters_sent",
                "held_on_time",
                "held_late",
                "youth_board_candidates",
                "youth_board_referred",
                "actions_overdue_at_end",
            ]
            .iter()
            .map(|m| (label(messages, m), value(m)))
            .collect(),
        );
        let districts = chart(
            "chart-districts",
            messages.text("chart-districts"),
            groups
                .iter()
                .filter(|g| g.1 != ALL)
                .map(|g| {
                    (
                        format!("{}: {}", place(messages, &g.0), place(messages, &g.1)),
                        report
                            .value("opened", &whole, (&g.0, &g.1))
                            .unwrap_or(Shown::Count(0)),
                    )
                })
                .collect(),
        );
        Page {
            from: report.from.format("%Y-%m-%d").to_string(),
            to: report.to.format("%Y-%m-%d").to_string(),
            store: store.to_string(),
            last_run: report.last_run.clone(),
            charts: vec![opened, work, districts],
            municipalities: municipal.iter().map(|g| place(messages, &g.0)).collect(),
            by_municipality,
            measure_labels: measures.iter().map(|m| label(messages, m)).collect(),
            by_district,
            months: report.months.clone(),
            level_labels: report
                .levels
                .iter()
                .map(|l| messages.format("level-n", &[("level", Arg::Number(*l as f64))]))
                .collect(),
            by_month,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stylesheet_cannot_close_its_element() {
        assert!(!super::STYLE.to_ascii_lowercase().contains("</style"));
    }
}
