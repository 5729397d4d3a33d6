//! Reading both files: one thread streams each table (decoding, parsing,
//! digesting) while the calling thread's pool cleans and checks chunks of rows
//! in parallel and merges them in file order. With one worker thread, the same
//! steps run one after another. Either way problems come out in file order and
//! the result is the same.

use std::collections::VecDeque;
use std::sync::mpsc;

use rayon::prelude::*;

use super::LoadOptions;
use super::csv_file::Header;
use super::events::{self, Events};
use super::id_index::IdHasher;
use super::persons::{self, Persons};
use super::records::{self, Chunk, Part, RawChunk, Reading};
use super::source::{Input, ReadError};
use super::table::{self, SheetChoice};
use crate::config::HostConfig;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::offence::Catalogue;

/// Both files read and checked.
pub struct Read {
    /// Every valid person, in file order.
    pub persons: Persons,
    /// Every valid event, in file order.
    pub events: Events,
    /// SHA-256 of persons.csv, 64 lower-case hex digits.
    pub persons_digest: String,
    /// SHA-256 of events.csv, 64 lower-case hex digits.
    pub events_digest: String,
    /// Every problem of both files, in file order, capped per file.
    pub problems: Diagnostics,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Persons,
    Events,
}

pub fn read(
    persons: Input,
    events: Input,
    config: &HostConfig,
    catalogue: &Catalogue,
    options: &LoadOptions,
) -> Result<Read, ReadError> {
    let hasher = IdHasher::default();
    let mut state = State {
        config,
        catalogue,
        options,
        headers: [None, None],
        not_utf8: [false, false],
        read: Read {
            persons: Persons::default(),
            events: Events::new(config, hasher.clone()),
            persons_digest: String::new(),
            events_digest: String::new(),
            problems: Diagnostics::with_cap(config.input.max_problems_per_file),
        },
        hasher,
    };
    let workers = rayon::current_num_threads();
    let forbidden = &config.forbidden_columns;
    let table_options = |sheet: &Option<String>, table: &str| table::Options {
        delimiter: options.delimiter,
        encoding: options.encoding,
        sheet: match sheet {
            Some(name) => SheetChoice::Named(name.clone()),
            None => SheetChoice::Preferred(table.to_string()),
        },
    };
    let (persons_options, events_options) = (
        table_options(&options.persons_sheet, "persons"),
        table_options(&options.events_sheet, "events"),
    );
    let files = [
        (
            Which::Persons,
            persons,
            Reading {
                options: &persons_options,
                contract: persons::COLUMNS,
                forbidden,
                sheet_flag: "--persons-sheet",
            },
        ),
        (
            Which::Events,
            events,
            Reading {
                options: &events_options,
                contract: events::COLUMNS,
                forbidden,
                sheet_flag: "--events-sheet",
            },
        ),
    ];
    if workers == 1 {
        for (which, input, how) in files {
            records::read(input, &how, &mut |part| {
                state.take(which, vec![part]);
                true
            })?;
        }
        return Ok(state.read);
    }

    // Enough chunks in flight to keep every worker busy, few enough to keep
    // memory flat.
    let (send, receive) = mpsc::sync_channel(2 * workers);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for (which, input, how) in files {
                let result = records::read(input, &how, &mut |part| {
                    send.send(Ok((which, part))).is_ok()
                });
                if let Err(e) = result {
                    let _ = send.send(Err(e));
                    return;
                }
            }
        });
        let mut queue = VecDeque::new();
        loop {
            if queue.is_empty() {
                match receive.recv() {
                    Ok(item) => queue.push_back(item?),
                    Err(mpsc::RecvError) => break,
                }
            }
            while queue.len() < workers {
                match receive.try_recv() {
                    Ok(item) => queue.push_back(item?),
                    Err(_) => break,
                }
            }
            // One header or end, or all the chunks of rows of one file ready.
            let Some((which, first)) = queue.pop_front() else {
                continue;
            };
            let rows = matches!(first, Part::Rows(_));
            let mut parts = vec![first];
            while rows && matches!(queue.front(), Some((w, Part::Rows(_))) if *w == which) {
                parts.extend(queue.pop_front().map(|(_, part)| part));
            }
            state.take(which, parts);
        }
        Ok(state.read)
    })
}

struct State<'r> {
    config: &'r HostConfig,
    catalogue: &'r Catalogue,
    options: &'r LoadOptions,
    headers: [Option<Header>; 2],
    /// Whether a file already had a cell that is not UTF-8: one message says
    /// the file is in another encoding; a thousand would say nothing more.
    not_utf8: [bool; 2],
    hasher: IdHasher,
    read: Read,
}

impl State<'_> {
    /// Takes the next parts of a file: one header or end, or chunks of rows,
    /// which are checked in parallel and merged in order.
    fn take(&mut self, which: Which, parts: Vec<Part>) {
        let w = which as usize;
        let mut chunks = Vec::new();
        for part in parts {
            match part {
                Part::Header(problems, header) => {
                    problems.into_iter().for_each(|d| self.push(w, d));
                    if which == Which::Persons {
                        self.read.persons = Persons::new(header.is_some(), self.hasher.clone());
                    }
                    self.headers[w] = header;
                }
                Part::Rows(chunk) => chunks.push(chunk),
                Part::End(digest, problems) => {
                    problems.into_iter().for_each(|d| self.push(w, d));
                    match which {
                        Which::Persons => self.read.persons_digest = digest,
                        Which::Events => self.read.events_digest = digest,
                    }
                }
            }
        }
        if chunks.is_empty() {
            return;
        }
        let header = self.headers[w]
            .as_ref()
            .expect("rows follow a usable header");
        let dates = self.options.date_format;
        let (problems, seen) = (&mut self.read.problems, &mut self.not_utf8[w]);
        // Each chunk's problems, pushed in order once it is merged.
        let mut found = Vec::new();
        match which {
            Which::Persons => {
                let checker =
                    persons::Checker::new(header, self.config, dates, self.hasher.clone());
                let checked = check_all(chunks, |c| checker.check(c));
                for (chunk, rows) in checked {
                    self.read.persons.merge(chunk, rows, header, &mut found);
                    found.drain(..).for_each(|d| push(problems, seen, d));
                }
            }
            Which::Events => {
                let checker = events::Checker::new(
                    header,
                    self.config,
                    dates,
                    self.catalogue,
                    self.catalogue.file(),
                    &self.read.persons,
                    self.hasher.clone(),
                );
                let checked = check_all(chunks, |c| checker.check(c));
                for (chunk, rows) in checked {
                    // Events are kept only while the batch has no problem.
                    let keep = problems.is_empty();
                    self.read
                        .events
                        .merge(chunk, rows, header, keep, &mut found);
                    found.drain(..).for_each(|d| push(problems, seen, d));
                }
            }
        }
    }

    /// Records a problem of file `w`.
    fn push(&mut self, w: usize, d: Diagnostic) {
        push(&mut self.read.problems, &mut self.not_utf8[w], d);
    }
}

/// Records a problem, keeping one "not UTF-8" per file (`seen`: one was kept).
fn push(problems: &mut Diagnostics, seen: &mut bool, d: Diagnostic) {
    if d.code == "not-utf8" {
        if *seen {
            return;
        }
        *seen = true;
    }
    problems.push(d);
}

/// Cleans and checks chunks, in parallel when there are several.
fn check_all<R: Send>(
    chunks: Vec<RawChunk>,
    check: impl Fn(&Chunk) -> R + Sync + Send,
) -> Vec<(Chunk, R)> {
    let one = |raw: RawChunk| {
        let chunk = raw.clean();
        let checked = check(&chunk);
        (chunk, checked)
    };
    if chunks.len() == 1 {
        chunks.into_iter().map(one).collect()
    } else {
        chunks.into_par_iter().map(one).collect()
    }
}
