//! Reading both files: one thread streams the CSV (parsing, digesting) while
//! the calling thread's pool checks chunks of rows in parallel and merges them
//! in file order. With one worker thread, the same steps run one after another.
//! Either way problems come out in file order and the result is the same.

use std::collections::VecDeque;
use std::sync::mpsc;

use rayon::prelude::*;

use super::csv_file::Header;
use super::events::{self, Events};
use super::id_index::IdHasher;
use super::persons::{self, Persons};
use super::records::{self, Chunk, Part};
use super::source::{Input, ReadError};
use crate::config::HostConfig;
use crate::diagnostic::Diagnostics;
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

/// Reads persons.csv, then events.csv, checking rows on the current rayon
/// pool's threads.
///
/// # Errors
/// A file that cannot be read; problems of the input are in [`Read::problems`].
pub fn read(
    persons: Input,
    events: Input,
    config: &HostConfig,
    catalogue: &Catalogue,
) -> Result<Read, ReadError> {
    let hasher = IdHasher::default();
    let mut state = State {
        config,
        catalogue,
        names: [persons.name.clone(), events.name.clone()],
        headers: [None, None],
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
    let files = [
        (Which::Persons, persons, persons::COLUMNS),
        (Which::Events, events, events::COLUMNS),
    ];
    if workers == 1 {
        for (which, input, contract) in files {
            records::read(input, contract, forbidden, &mut |part| {
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
            for (which, input, contract) in files {
                let result = records::read(input, contract, forbidden, &mut |part| {
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
    names: [String; 2],
    headers: [Option<Header>; 2],
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
                    problems
                        .into_iter()
                        .for_each(|d| self.read.problems.push(d));
                    if which == Which::Persons {
                        self.read.persons = Persons::new(header.is_some(), self.hasher.clone());
                    }
                    self.headers[w] = header;
                }
                Part::Rows(chunk) => chunks.push(chunk),
                Part::End(digest) => match which {
                    Which::Persons => self.read.persons_digest = digest,
                    Which::Events => self.read.events_digest = digest,
                },
            }
        }
        if chunks.is_empty() {
            return;
        }
        let (file, header) = (
            &self.names[w],
            self.headers[w]
                .as_ref()
                .expect("rows follow a usable header"),
        );
        let read = &mut self.read;
        match which {
            Which::Persons => {
                let checker = persons::Checker::new(file, header, self.config, self.hasher.clone());
                let checked = check_all(&chunks, |c| checker.check(c));
                for (chunk, rows) in chunks.into_iter().zip(checked) {
                    read.persons
                        .merge(chunk, rows, file, header, &mut read.problems);
                }
            }
            Which::Events => {
                let checker = events::Checker::new(
                    file,
                    header,
                    self.config,
                    self.catalogue,
                    self.catalogue.file(),
                    &read.persons,
                    self.hasher.clone(),
                );
                let checked = check_all(&chunks, |c| checker.check(c));
                for (chunk, rows) in chunks.into_iter().zip(checked) {
                    read.events
                        .merge(chunk, rows, file, header, &mut read.problems);
                }
            }
        }
    }
}

fn check_all<R: Send>(chunks: &[Chunk], check: impl Fn(&Chunk) -> R + Sync + Send) -> Vec<R> {
    if chunks.len() == 1 {
        vec![check(&chunks[0])]
    } else {
        chunks.par_iter().map(check).collect()
    }
}
