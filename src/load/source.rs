//! Where an input file's bytes come from: a file streamed from disk, or bytes
//! already in memory (rule test cases, benches). Either way the bytes pass
//! through once, and the SHA-256 of the run header is taken on the way, so a
//! file is never held in memory whole.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

/// An input file held in memory: its display name and bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// How the file is named in messages (`persons.csv`).
    pub name: String,
    /// The whole file, unchecked (UTF-8 is checked as it is read).
    pub bytes: Vec<u8>,
}

/// An input file to read once: its display name and its bytes as a stream.
pub struct Input<'a> {
    /// How the file is named in messages: the path as given.
    pub name: String,
    /// The size in bytes, when known: what is built from the rows is sized
    /// for it up front rather than grown.
    pub size: Option<u64>,
    reader: Box<dyn Read + Send + 'a>,
}

impl Input<'static> {
    /// Opens a file, named in messages as the path is written.
    pub fn open(path: &Path) -> io::Result<Input<'static>> {
        let file = File::open(path)?;
        let size = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        Ok(Input {
            name: path.display().to_string(),
            size,
            reader: Box::new(file),
        })
    }
}

impl Input<'static> {
    /// Owned bytes as a stream, named `name` in messages.
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Input<'static> {
        Input {
            name: name.into(),
            size: Some(bytes.len() as u64),
            reader: Box::new(io::Cursor::new(bytes)),
        }
    }
}

impl InputFile {
    /// The bytes as a stream to read once, sized.
    pub fn input(&self) -> Input<'_> {
        Input {
            name: self.name.clone(),
            size: Some(self.bytes.len() as u64),
            reader: Box::new(self.bytes.as_slice()),
        }
    }
}

impl<'a> Input<'a> {
    /// The stream, wrapped so that everything read from it is digested
    /// (SHA-256; `Hashing::finish` gives it).
    pub fn into_hashing(self) -> Hashing<Box<dyn Read + Send + 'a>> {
        Hashing {
            inner: self.reader,
            sha: Sha256::new(),
        }
    }
}

/// A reader that digests what it reads.
pub struct Hashing<R> {
    inner: R,
    sha: Sha256,
}

impl<R: Read> Hashing<R> {
    /// Reads what is left (the digest covers the whole file even when the CSV
    /// reading stopped early) and returns the lower-case hex SHA-256.
    pub fn finish(mut self) -> io::Result<String> {
        io::copy(&mut self, &mut io::sink())?;
        Ok(hex(&self.sha.finalize()))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
}

/// Lower-case hex, the form digests take in the run header.
pub use crate::digest::hex;

/// An input file that could not be read (missing, unreadable, a folder).
#[derive(Debug, thiserror::Error)]
#[error("cannot read {file}")]
pub struct ReadError {
    /// The file as named in messages.
    pub file: String,
    /// Why it could not be read.
    #[source]
    pub error: io::Error,
}
