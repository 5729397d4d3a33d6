//! `tryg serve`: the coordination meeting in the browser. Resolves the
//! address (loopback unless `--unsafe-listen`), the store and the language,
//! prints the one-time URL, and serves until Ctrl-C. The server is
//! [`crate::serve`].

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::error::{CommandResult, Failure, other};
use crate::exit::Exit;
use crate::i18n::Lang;
use crate::serve::{self, ServeError, Settings};
use crate::store::Location;

/// `tryg serve --db PATH|URL [--port N] [--listen ADDR --unsafe-listen] [--lang da|en]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store: an SQLite file, or postgres://user@host/db. Default: $TRYG_DB.
    #[arg(long, env = "TRYG_DB", value_name = "PATH|URL")]
    pub db: Option<String>,
    /// The port to listen on (default: a free one).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u16,
    /// The address to listen on. Anything but a loopback address needs --unsafe-listen.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub listen: IpAddr,
    /// Allow --listen on an address other machines can reach (not advised:
    /// the pages hold criminal-record data on children).
    #[arg(long)]
    pub unsafe_listen: bool,
    /// The pages' language (default: `lang` in the rule pack's tryg.toml, else en).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// The rule pack whose tryg.toml may set `lang` (default: the built-in pack).
    #[command(flatten)]
    pub rules: super::RulesArg,
}

fn today() -> crate::time::Date {
    chrono::Local::now().date_naive()
}

/// Starts the server and serves until interrupted.
pub fn run(args: Args) -> CommandResult {
    let Some(db) = args.db.as_deref().filter(|d| !d.is_empty()) else {
        return Err(Failure::Usage(
            "tryg serve needs a store: --db PATH (or postgres://…), or TRYG_DB".into(),
        ));
    };
    serve::check_address(args.listen, args.unsafe_listen)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let lang = match args.lang {
        Some(lang) => lang,
        None => super::default_lang(&args.rules)?,
    };
    let settings = Settings {
        location: Location::parse(db),
        addr: SocketAddr::new(args.listen, args.port),
        lang,
        today,
    };
    let bound = serve::bind(settings).map_err(|e| match e {
        ServeError::Store(e) => other(e),
        e => other(e),
    })?;
    // The URL alone on stdout (a script or test reads it); the rest on stderr.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", bound.url()).map_err(other)?;
    stdout.flush().map_err(other)?;
    drop(stdout);
    super::warn(&format!(
        "tryg serve: the coordination meeting for {db_name}; open the link above in a browser on this machine.\n\
         The link works once (it signs that browser in); stop with Ctrl-C.\n",
        db_name = Location::parse(db).describe()
    ));
    bound.run().map_err(other)?;
    Ok(Exit::Ok)
}
