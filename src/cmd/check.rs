//! `tryg check`: reports every problem of a rule pack at once, each with its
//! source excerpt and a hint. Exit 0 when there is no error, 1 otherwise.

use crate::check;
use crate::cli::CheckArgs;
use crate::exit::Exit;

pub fn run(args: CheckArgs) -> anyhow::Result<Exit> {
    let pack = match super::load_pack(&args.rules) {
        Ok(pack) => pack,
        Err(exit) => return Ok(exit),
    };
    let report = check::check(&pack);
    let mut text = String::new();
    for d in &report.diagnostics {
        let name = d.file.rsplit('/').next().unwrap_or(&d.file);
        match pack.file(name) {
            Some(source) if d.line.is_some() => text.push_str(&d.render_full(source)),
            _ => {
                text.push_str(&d.to_string());
                text.push('\n');
            }
        }
    }
    let errors = report.errors();
    let warnings = report.diagnostics.len() - errors;
    let rules = pack
        .files
        .iter()
        .filter(|(n, _)| n.ends_with(".rhai"))
        .count();
    if report.diagnostics.is_empty() {
        println!(
            "{}: {rules} rule files, tryg.toml and offences.toml are clean ({} effect calls)",
            pack.folder,
            report.effect_sites.len()
        );
        return Ok(Exit::Ok);
    }
    text.push_str(&format!(
        "{}: {errors} error(s), {warnings} warning(s)\n",
        pack.folder
    ));
    super::report(&text);
    Ok(if errors > 0 { Exit::BadInput } else { Exit::Ok })
}
