//! A person as read from persons.csv (SPEC §1), after validation.

use rhai::ImmutableString;

use crate::time::Date;

crate::proposal::token_enum! {
    /// Registered sex, when given (SPEC §1: `M`, `F`, `X`).
    Sex as "UPPERCASE" {
        /// `M`: male.
        M,
        /// `F`: female.
        F,
        /// `X`: neither M nor F.
        X,
    }
}

crate::proposal::token_enum! {
    /// The police's gang registration: `core` = stamperson, `bubbler` =
    /// bobler, `peripheral` = perifer tilknytning (SPEC §1).
    #[derive(Default)]
    GangAffiliation {
        /// `none`: not registered; the default for an empty cell.
        #[default]
        None,
        /// `peripheral`: perifer tilknytning (level 1 in the default pack).
        Peripheral,
        /// `bubbler`: bobler (level 3 in the default pack).
        Bubbler,
        /// `core`: stamperson (level 3 in the default pack).
        Core,
    }
}

/// One validated row of persons.csv. Strings that rules read are `ImmutableString`,
/// so handing them to a rule is a reference-count bump, not a copy.
#[derive(Debug, Clone)]
pub struct Person {
    /// `person_id`: 1–64 characters of `A-Z a-z 0-9 _ -`, unique in the batch,
    /// never CPR-like (pseudonymous).
    pub id: ImmutableString,
    /// `birth_date`; may be after the as-of date (then out of scope).
    pub birth_date: Date,
    /// `sex`; `None` when the cell is empty.
    pub sex: Option<Sex>,
    /// `municipality` of residence (folkeregisteradresse), as written, at most
    /// 80 characters.
    pub municipality: ImmutableString,
    /// `district` inside the municipality, at most 80 characters; `None` when empty.
    pub district: Option<ImmutableString>,
    /// `address_known`; `true` when the cell is empty.
    pub address_known: bool,
    /// `gang_affiliation`; `none` when the cell is empty.
    pub gang_affiliation: GangAffiliation,
    /// `in_custody`: remanded or serving a sentence now; `false` when empty.
    pub in_custody: bool,
    /// `exit_program`: in an exit programme now; `false` when empty.
    pub exit_program: bool,
    /// `last_letter_date`: when the person last received a concern letter.
    pub last_letter_date: Option<Date>,
    /// `risk_factors`: tokens of `[vocabulary] risk_factors`, each once, in
    /// the order written.
    pub risk_factors: Vec<ImmutableString>,
    /// `protective_factors`: tokens of `[vocabulary] protective_factors`, each
    /// once, in the order written.
    pub protective_factors: Vec<ImmutableString>,
}
