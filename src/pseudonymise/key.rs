//! The pseudonym key: 32 random bytes from the operating system, kept in a
//! small text file that only its owner may read.
//!
//! The file is one comment line and one key line:
//!
//! ```text
//! # tryg pseudonym key: …
//! tryg-key-1:<64 lower-case hex digits>
//! ```
//!
//! Whoever holds the key can recompute the pseudonym of any CPR number, and so
//! test all of them in minutes: the key is itself a way back, and stays with
//! the data controller. tryg refuses a key file that anyone but its owner
//! can read or change.

use std::path::Path;

use data_encoding::HEXLOWER;

use super::private_file::{self, PrivateFileError};

/// Bytes of key material: HMAC-SHA-256's block-safe, full-strength key size.
pub const KEY_BYTES: usize = 32;

const KEY_LINE_PREFIX: &str = "tryg-key-1:";

const KEY_FILE_COMMENT: &str = "# tryg pseudonym key. Whoever holds this file can re-identify every pseudonym made with it: keep it with the data controller, never with the batches.\n";

/// A pseudonym key. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; KEY_BYTES]);

/// Why a key could not be made, written or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be written or read, or is open to others.
    #[error(transparent)]
    File(#[from] PrivateFileError),
    /// The operating system's random source failed.
    #[error("the operating system's random source failed: {0}")]
    Random(getrandom::Error),
    /// The file is not a tryg key file (its content is never shown).
    #[error(
        "{} is not a tryg key file: it must hold one line `tryg-key-1:` and 64 hex digits (made by `tryg pseudonymise keygen`)",
        .0.display()
    )]
    Malformed(std::path::PathBuf),
}

impl Key {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Key, KeyError> {
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes).map_err(KeyError::Random)?;
        Ok(Key(bytes))
    }

    /// A key from given bytes (tests, the documented test vector).
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Key {
        Key(bytes)
    }

    /// Writes the key to a new file with mode 0600, whole or not at all.
    /// Refuses to overwrite anything: the pseudonyms of earlier batches, and
    /// so the history in the case register, depend on the old key.
    pub fn write_new(&self, path: &Path) -> Result<(), KeyError> {
        let text = format!(
            "{KEY_FILE_COMMENT}{KEY_LINE_PREFIX}{}\n",
            HEXLOWER.encode(&self.0)
        );
        Ok(private_file::write_new(path, text.as_bytes())?)
    }

    /// Reads a key file, refusing one that others can read or change.
    pub fn read(path: &Path) -> Result<Key, KeyError> {
        let bytes = private_file::read(path)?;
        Key::parse(&bytes).ok_or_else(|| KeyError::Malformed(path.to_path_buf()))
    }

    /// The key line among `#` comments and blank lines.
    fn parse(bytes: &[u8]) -> Option<Key> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let line = lines.next()?;
        if lines.next().is_some() {
            return None;
        }
        let hex = line.strip_prefix(KEY_LINE_PREFIX)?;
        let decoded = HEXLOWER.decode(hex.as_bytes()).ok()?;
        Some(Key(decoded.try_into().ok()?))
    }

    pub(super) fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_key_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tryg.key");
        let key = Key::generate().unwrap();
        key.write_new(&path).unwrap();
        assert_eq!(Key::read(&path).unwrap(), key);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# tryg pseudonym key"), "{text}");
        assert_eq!(text.lines().nth(1).unwrap().len(), 11 + 64);
    }

    #[test]
    fn two_keys_differ() {
        assert_ne!(Key::generate().unwrap(), Key::generate().unwrap());
    }

    #[test]
    fn other_files_are_not_keys() {
        let good = format!("{KEY_LINE_PREFIX}{}", "ab".repeat(32));
        assert!(Key::parse(good.as_bytes()).is_some());
        for bad in [
            String::new(),
            "ab".repeat(32),
            format!("{KEY_LINE_PREFIX}{}", "ab".repeat(31)),
            format!("{KEY_LINE_PREFIX}{}", "AB".repeat(32)),
            format!("{KEY_LINE_PREFIX}{}", "zz".repeat(32)),
            format!("{good}\n{good}"),
            "person_id,birth_date\nP1,2010-01-01\n".into(),
        ] {
            assert!(Key::parse(bad.as_bytes()).is_none(), "{bad}");
        }
        assert!(Key::parse(&[0xff, 0xfe]).is_none());
    }

    #[test]
    fn debug_never_shows_the_key() {
        assert_eq!(format!("{:?}", Key::from_bytes([7; 32])), "Key(..)");
    }
}
