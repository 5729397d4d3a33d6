//! A person as read from persons.csv (SPEC §1), after validation.

use rhai::ImmutableString;

use crate::time::Date;

crate::proposal::token_enum! {
    /// Registered sex, when given (SPEC §1: `M`, `F`, `X`).
    Sex as "UPPERCASE" { M, F, X }
}

crate::proposal::token_enum! {
    /// The police's gang registration: `core` = stamperson, `bubbler` =
    /// bobler, `peripheral` = perifer tilknytning (SPEC §1).
    #[derive(Default)]
    GangAffiliation {
        #[default]
        None,
        Peripheral,
        Bubbler,
        Core,
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
