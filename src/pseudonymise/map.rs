//! The re-identification map (`--write-map`): pseudonym → original value, for
//! the one person entitled to re-identify. It is personal data (CPR numbers
//! and police journal numbers), so it is written with mode 0600 and read only
//! when no one else can read it.
//!
//! The file is CSV after two comment lines; the second names the key by its
//! fingerprint, so `tryg reidentify` can refuse a map made with another key:
//!
//! ```text
//! # tryg pseudonym map, format 1: personal data …
//! # key-fingerprint: 43546fe6180b74b30811dd59ea79fba0
//! pseudonym,kind,value
//! pki6hzlae4vbeibsfd5efdewvu4,person,0102121234
//! e6jtptvdypqvugumryledzr6gja,event,E-2024-001
//! ```
//!
//! A person's value is the CPR number as ten digits; an event's or case's is
//! the id as it was in the extract.

use std::collections::HashMap;
use std::path::Path;

use super::private_file::{self, PrivateFileError, Staged};
use super::pseudonym::{Kind, Pseudonym, Pseudonymiser};

const FIRST_LINE: &str = "# tryg pseudonym map, format 1: personal data (CPR numbers, journal numbers). For the person entitled to re-identify only; never give it to those who screen.";
const FINGERPRINT_PREFIX: &str = "# key-fingerprint: ";

/// One entry: a pseudonym and the value it was made from.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The pseudonym.
    pub pseudonym: Pseudonym,
    /// The value: ten digits for a person, the id as given for an event or case.
    pub value: String,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The value is personal data: never in a debug print.
        write!(f, "Entry({}, ..)", self.pseudonym)
    }
}

/// Why a map could not be read or used.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The file could not be read or written, or is open to others.
    #[error(transparent)]
    File(#[from] PrivateFileError),
    /// Not a tryg map (no content is shown).
    #[error("{file} is not a tryg pseudonym map: {what}")]
    Malformed {
        /// The file, as given.
        file: String,
        /// What is wrong, without any value.
        what: String,
    },
    /// The map names another key than the one given.
    #[error(
        "{file} was made with another key (fingerprint {map}) than the one given (fingerprint {key}): give the key the map was made with"
    )]
    OtherKey {
        /// The map file.
        file: String,
        /// The map's key fingerprint.
        map: String,
        /// The given key's fingerprint.
        key: String,
    },
}

/// Renders a map's bytes: the comment lines and one CSV row per entry, in
/// the order given.
pub fn render(fingerprint: &str, entries: &[Entry]) -> Vec<u8> {
    let mut out = format!("{FIRST_LINE}\n{FINGERPRINT_PREFIX}{fingerprint}\n").into_bytes();
    let mut writer = csv::Writer::from_writer(&mut out);
    let rows = std::iter::once(["pseudonym".to_string(), "kind".into(), "value".into()]).chain(
        entries.iter().map(|e| {
            [
                e.pseudonym.to_string(),
                e.pseudonym.kind().name().into(),
                e.value.clone(),
            ]
        }),
    );
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
    writer.flush().expect("writing to memory");
    drop(writer);
    out
}

/// Writes a new map file (mode 0600) beside its target, to be put in place by
/// [`Staged::commit`]. Refuses when the file exists.
pub fn stage(path: &Path, fingerprint: &str, entries: &[Entry]) -> Result<Staged, MapError> {
    Ok(private_file::stage(path, &render(fingerprint, entries))?)
}

/// A map read and checked against a key.
pub struct Map {
    entries: HashMap<Pseudonym, String>,
}

impl Map {
    /// Reads a map, refusing it when others can read it, when it is not a
    /// tryg map, or when it was made with another key than `keyed`'s.
    pub fn read(path: &Path, keyed: &Pseudonymiser) -> Result<Map, MapError> {
        let file = path.display().to_string();
        let bytes = private_file::read(path)?;
        Map::parse(&file, &bytes, keyed)
    }

    fn parse(file: &str, bytes: &[u8], keyed: &Pseudonymiser) -> Result<Map, MapError> {
        let malformed = |what: &str| MapError::Malformed {
            file: file.to_string(),
            what: what.to_string(),
        };
        let text = std::str::from_utf8(bytes).map_err(|_| malformed("it is not UTF-8"))?;
        let mut lines = text.splitn(3, '\n');
        if lines.next().map(str::trim_end) != Some(FIRST_LINE) {
            return Err(malformed("its first line is not the map's"));
        }
        let fingerprint = lines
            .next()
            .and_then(|l| l.trim_end().strip_prefix(FINGERPRINT_PREFIX))
            .ok_or_else(|| malformed("its second line does not name a key fingerprint"))?;
        if fingerprint != keyed.fingerprint() {
            return Err(MapError::OtherKey {
                file: file.to_string(),
                // A fingerprint is hex by construction here only if the file
                // is a real map; anything else is not shown.
                map: if fingerprint.len() == 32
                    && fingerprint.bytes().all(|b| b.is_ascii_hexdigit())
                {
                    fingerprint.to_string()
                } else {
                    "unreadable".into()
                },
                key: keyed.fingerprint().to_string(),
            });
        }
        let mut reader =
            csv::ReaderBuilder::new().from_reader(lines.next().unwrap_or("").as_bytes());
        let header = reader
            .headers()
            .map_err(|_| malformed("it has no header row"))?;
        if header != vec!["pseudonym", "kind", "value"] {
            return Err(malformed("its header is not `pseudonym,kind,value`"));
        }
        let mut entries = HashMap::new();
        for (row, record) in reader.records().enumerate() {
            let at = |what: &str| malformed(&format!("row {} {what}", row + 1));
            let record = record.map_err(|_| at("cannot be read"))?;
            let (Some(pseudonym), Some(kind), Some(value)) =
                (record.get(0), record.get(1), record.get(2))
            else {
                return Err(at("has too few fields"));
            };
            let pseudonym = Pseudonym::parse(pseudonym).ok_or_else(|| at("has no pseudonym"))?;
            if Kind::from_name(kind) != Some(pseudonym.kind()) {
                return Err(at("has a kind that is not its pseudonym's"));
            }
            // The map must agree with the key entry by entry: an altered or
            // mixed-up map would otherwise name the wrong person.
            if keyed.of(pseudonym.kind(), value) != pseudonym {
                return Err(at("does not match the key: the map has been altered"));
            }
            entries.insert(pseudonym, value.to_string());
        }
        Ok(Map { entries })
    }

    /// The value a pseudonym was made from, if the map has it.
    pub fn get(&self, pseudonym: &Pseudonym) -> Option<&str> {
        self.entries.get(pseudonym).map(String::as_str)
    }

    /// Entries in the map.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::key::Key;
    use super::*;

    fn keyed(byte: u8) -> Pseudonymiser {
        Pseudonymiser::new(&Key::from_bytes([byte; 32]))
    }

    fn entries(p: &Pseudonymiser) -> Vec<Entry> {
        let cpr = super::super::cpr::Cpr::parse("0102121234").unwrap();
        vec![
            Entry {
                pseudonym: p.person(&cpr),
                value: cpr.digits().into(),
            },
            Entry {
                pseudonym: p.event("E,1"),
                value: "E,1".into(),
            },
        ]
    }

    #[test]
    fn a_map_reads_back_with_its_key() {
        let p = keyed(1);
        let bytes = render(p.fingerprint(), &entries(&p));
        let map = Map::parse("m", &bytes, &p).unwrap();
        assert_eq!(map.len(), 2);
        for e in entries(&p) {
            assert_eq!(map.get(&e.pseudonym), Some(e.value.as_str()));
        }
    }

    #[test]
    fn another_key_is_refused() {
        let bytes = render(keyed(1).fingerprint(), &entries(&keyed(1)));
        let e = Map::parse("m", &bytes, &keyed(2)).err().unwrap();
        assert!(matches!(e, MapError::OtherKey { .. }), "{e}");
    }

    #[test]
    fn an_altered_entry_is_refused_without_showing_it() {
        let p = keyed(1);
        let text = String::from_utf8(render(p.fingerprint(), &entries(&p))).unwrap();
        let altered = text.replace("0102121234", "0102121235");
        let e = Map::parse("m", altered.as_bytes(), &p).err().unwrap();
        assert_eq!(
            e.to_string(),
            "m is not a tryg pseudonym map: row 1 does not match the key: the map has been altered"
        );
    }

    #[test]
    fn other_files_are_not_maps() {
        let p = keyed(1);
        for bad in [&b""[..], b"person_id\nP1\n", b"\xff\xfe"] {
            assert!(matches!(
                Map::parse("m", bad, &p),
                Err(MapError::Malformed { .. })
            ));
        }
    }
}
