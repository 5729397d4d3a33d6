//! The pseudonym format, a lasting contract (docs/pseudonymise.md): history in
//! the case register is keyed on it, so it never changes.
//!
//! A pseudonym is one letter for its kind (`p` person, `e` event, `c` case)
//! and the lower-case, unpadded RFC 4648 base32 of the first 16 bytes of
//! HMAC-SHA-256 under the key, over a domain-separation prefix and the value:
//!
//! | kind | HMAC input |
//! |---|---|
//! | person | `tryg-pseudonym-v1:person:` + the CPR number as ten digits |
//! | event  | `tryg-pseudonym-v1:event:` + the `event_id` as given (trimmed, UTF-8) |
//! | case   | `tryg-pseudonym-v1:case:` + the `case_id` as given (trimmed, UTF-8) |
//!
//! 27 characters in all, inside the id alphabet of SPEC §1 and never shaped
//! like a CPR number. The prefixes keep the three kinds apart: an event id
//! that happens to be ten digits does not get the pseudonym of that CPR
//! number.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::cpr::Cpr;
use super::key::Key;

/// Bytes of the HMAC kept in a pseudonym: 128 bits, so that a collision in a
/// batch of a million is about 10^-27 likely, and still refused.
pub const PSEUDONYM_BYTES: usize = 16;

/// Characters of a pseudonym: its letter and 26 base32 characters.
pub const PSEUDONYM_LEN: usize = 27;

const FINGERPRINT_LABEL: &[u8] = b"tryg-pseudonym-v1:key-fingerprint";

/// What a pseudonym stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A person, from the CPR number.
    Person,
    /// An event, from its `event_id`.
    Event,
    /// A police case, from its `case_id`.
    Case,
}

impl Kind {
    /// The pseudonym's first letter.
    pub fn letter(self) -> char {
        match self {
            Kind::Person => 'p',
            Kind::Event => 'e',
            Kind::Case => 'c',
        }
    }

    /// The kind's name in the map file.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Event => "event",
            Kind::Case => "case",
        }
    }

    /// The kind of a map file's name.
    pub fn from_name(name: &str) -> Option<Kind> {
        [Kind::Person, Kind::Event, Kind::Case]
            .into_iter()
            .find(|k| k.name() == name)
    }

    fn prefix(self) -> &'static [u8] {
        match self {
            Kind::Person => b"tryg-pseudonym-v1:person:",
            Kind::Event => b"tryg-pseudonym-v1:event:",
            Kind::Case => b"tryg-pseudonym-v1:case:",
        }
    }
}

/// A pseudonym: its kind and the HMAC bytes kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym {
    kind: Kind,
    bytes: [u8; PSEUDONYM_BYTES],
}

impl Pseudonym {
    /// Reads a pseudonym as written (`p…`, `e…`, `c…`: 27 characters); `None`
    /// for anything else.
    pub fn parse(text: &str) -> Option<Pseudonym> {
        if text.len() != PSEUDONYM_LEN || !text.is_ascii() {
            return None;
        }
        let kind = match text.as_bytes()[0] {
            b'p' => Kind::Person,
            b'e' => Kind::Event,
            b'c' => Kind::Case,
            _ => return None,
        };
        let body = &text[1..];
        // Lower case only: the written form is the contract, so `P…` is not it.
        if body.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let bytes = BASE32_NOPAD
            .decode(body.to_ascii_uppercase().as_bytes())
            .ok()?;
        Some(Pseudonym {
            kind,
            bytes: bytes.try_into().ok()?,
        })
    }

    /// What it stands for.
    pub fn kind(&self) -> Kind {
        self.kind
    }
}

impl std::fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}",
            self.kind.letter(),
            BASE32_NOPAD.encode(&self.bytes).to_ascii_lowercase()
        )
    }
}

/// Makes pseudonyms under one key. Cheap to share: the keyed HMAC state is
/// made once and cloned per value.
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: Hmac<Sha256>,
    fingerprint: String,
    /// Bytes of the HMAC that decide equality: [`PSEUDONYM_BYTES`], except in
    /// the collision tests, which keep one byte so that collisions happen.
    kept: usize,
}

impl Pseudonymiser {
    /// The pseudonymiser of a key.
    pub fn new(key: &Key) -> Pseudonymiser {
        let mac = Hmac::<Sha256>::new_from_slice(key.bytes()).expect("HMAC takes any key length");
        let mut fp = mac.clone();
        fp.update(FINGERPRINT_LABEL);
        let fingerprint = data_encoding::HEXLOWER.encode(&fp.finalize().into_bytes()[..16]);
        Pseudonymiser {
            mac,
            fingerprint,
            kept: PSEUDONYM_BYTES,
        }
    }

    /// A pseudonymiser whose pseudonyms collide after `kept` bytes: for
    /// testing that a collision refuses the batch.
    #[cfg(test)]
    pub(crate) fn colliding(key: &Key, kept: usize) -> Pseudonymiser {
        Pseudonymiser {
            kept,
            ..Pseudonymiser::new(key)
        }
    }

    /// The key's fingerprint: lower-case hex of the first 16 bytes of
    /// HMAC-SHA-256 under the key over `tryg-pseudonym-v1:key-fingerprint`.
    /// It names the key in a map file without revealing it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// A person's pseudonym.
    pub fn person(&self, cpr: &Cpr) -> Pseudonym {
        self.make(Kind::Person, cpr.digits().as_bytes())
    }

    /// An event's pseudonym, from its trimmed `event_id`.
    pub fn event(&self, event_id: &str) -> Pseudonym {
        self.make(Kind::Event, event_id.as_bytes())
    }

    /// A case's pseudonym, from its trimmed `case_id`.
    pub fn case(&self, case_id: &str) -> Pseudonym {
        self.make(Kind::Case, case_id.as_bytes())
    }

    /// The pseudonym of a value of a kind (a person's value is its ten digits).
    pub fn of(&self, kind: Kind, value: &str) -> Pseudonym {
        self.make(kind, value.as_bytes())
    }

    fn make(&self, kind: Kind, value: &[u8]) -> Pseudonym {
        let mut mac = self.mac.clone();
        mac.update(kind.prefix());
        mac.update(value);
        let digest = mac.finalize().into_bytes();
        let mut bytes = [0u8; PSEUDONYM_BYTES];
        bytes[..self.kept].copy_from_slice(&digest[..self.kept]);
        Pseudonym { kind, bytes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_key() -> Key {
        // The key of the documented test vector: bytes 0x00, 0x01, … 0x1f.
        Key::from_bytes(std::array::from_fn(|i| i as u8))
    }

    #[test]
    fn the_documented_test_vectors() {
        // docs/pseudonymise.md; computed independently with Python's hmac
        // module (see there). Changing these breaks every case register.
        let p = Pseudonymiser::new(&test_key());
        let cpr = Cpr::parse("010212-1234").unwrap();
        assert_eq!(p.person(&cpr).to_string(), "pki6hzlae4vbeibsfd5efdewvu4");
        assert_eq!(
            p.event("E-2024-001").to_string(),
            "e6jtptvdypqvugumryledzr6gja"
        );
        assert_eq!(
            p.case("4400-80123-00042-24").to_string(),
            "c7woveabuleew5r3t5q6h6q4rum"
        );
        assert_eq!(p.fingerprint(), "43546fe6180b74b30811dd59ea79fba0");
    }

    #[test]
    fn the_same_key_gives_the_same_pseudonyms_and_another_key_others() {
        let cpr = Cpr::parse("0102121234").unwrap();
        let a = Pseudonymiser::new(&test_key());
        let b = Pseudonymiser::new(&test_key());
        let other = Pseudonymiser::new(&Key::from_bytes([9; 32]));
        assert_eq!(a.person(&cpr), b.person(&cpr));
        assert_ne!(a.person(&cpr), other.person(&cpr));
        assert_ne!(a.fingerprint(), other.fingerprint());
    }

    #[test]
    fn kinds_are_kept_apart() {
        let p = Pseudonymiser::new(&test_key());
        let cpr = Cpr::parse("0102121234").unwrap();
        let person = p.person(&cpr).to_string();
        let event = p.event("0102121234").to_string();
        let case = p.case("0102121234").to_string();
        assert_ne!(person[1..], event[1..]);
        assert_ne!(person[1..], case[1..]);
        assert_ne!(event[1..], case[1..]);
    }

    #[test]
    fn the_written_form() {
        let p = Pseudonymiser::new(&test_key());
        for value in ["a", "b", "E1", "0102121234"] {
            let text = p.event(value).to_string();
            assert_eq!(text.len(), PSEUDONYM_LEN);
            assert!(text.starts_with('e'));
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)),
                "{text}"
            );
            assert!(crate::load::fields::is_id(&text));
            assert!(!crate::load::fields::looks_like_cpr(&text));
            assert_eq!(Pseudonym::parse(&text), Some(p.event(value)));
        }
    }

    #[test]
    fn other_text_is_not_a_pseudonym() {
        let good = Pseudonymiser::new(&test_key()).person(&Cpr::parse("0102121234").unwrap());
        let text = good.to_string();
        assert_eq!(Pseudonym::parse(&text), Some(good));
        for bad in [
            String::new(),
            "0102121234".into(),
            text.to_ascii_uppercase(),
            format!("x{}", &text[1..]),
            text[..26].to_string(),
            format!("{text}a"),
            format!("p{}1", &text[1..26]),
        ] {
            assert_eq!(Pseudonym::parse(&bad), None, "{bad}");
        }
    }
}
