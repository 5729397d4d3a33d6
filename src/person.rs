//! A person as read from persons.csv (SPEC §1), after validation.

use rhai::ImmutableString;

use crate::time::Date;

/// Registered sex, when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    M,
    F,
    X,
}

impl Sex {
    pub const TOKENS: &'static [&'static str] = &["M", "F", "X"];

    pub fn parse(token: &str) -> Option<Sex> {
        match token {
            "M" => Some(Sex::M),
            "F" => Some(Sex::F),
            "X" => Some(Sex::X),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::F => "F",
            Sex::X => "X",
        }
    }
}

/// The police's gang registration (stamperson, bobler, perifer tilknytning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GangAffiliation {
    #[default]
    None,
    Peripheral,
    Bubbler,
    Core,
}

impl GangAffiliation {
    pub const TOKENS: &'static [&'static str] = &["none", "peripheral", "bubbler", "core"];

    pub fn parse(token: &str) -> Option<GangAffiliation> {
        match token {
            "none" => Some(GangAffiliation::None),
            "peripheral" => Some(GangAffiliation::Peripheral),
            "bubbler" => Some(GangAffiliation::Bubbler),
            "core" => Some(GangAffiliation::Core),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::TOKENS[self as usize]
    }
}

/// One validated row of persons.csv. Strings that rules read are `ImmutableString`,
/// so handing them to a rule is a reference-count bump, not a copy.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: ImmutableString,
    pub birth_date: Date,
    pub sex: Option<Sex>,
    pub municipality: ImmutableString,
    pub district: Option<ImmutableString>,
    pub address_known: bool,
    pub gang_affiliation: GangAffiliation,
    pub in_custody: bool,
    pub exit_program: bool,
    pub last_letter_date: Option<Date>,
    pub risk_factors: Vec<ImmutableString>,
    pub protective_factors: Vec<ImmutableString>,
}
