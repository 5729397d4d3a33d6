//! How one person's proposals combine into their outcome (docs/RULES.md, "How
//! the proposals combine"). Every rule file may propose several things; the
//! order they are added in is the order the rules ran, and the result depends
//! on nothing else, so the memo's replays and rhai's runs combine alike.
//!
//! - Levels: the highest proposed wins.
//! - Youth board: reasons add up; the latest route stands; a `listed` limb is
//!   never downgraded to `serious_with_risk`.
//! - Concern letter: reasons add up; recipients are combined; the highest
//!   priority stands (with its terms). Ranking is batch-wide ([`crate::screen`]).
//! - Actions: one per kind; a second proposal adds its reason and keeps the
//!   earlier due date.
//! - Out of scope: the person is not screened (the host stops running rules).
//!
//! Every reason also goes into the explanation, in the order made.

use rhai::ImmutableString;

use crate::outcome::{Action, YouthBoard};
use crate::proposal::{Limb, Priority, Proposal, Reason, Recipient};
use crate::time::Date;

/// A concern-letter proposal before the batch-wide ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterProposal {
    /// Every recipient any proposal named, in the order first named.
    pub recipients: Vec<Recipient>,
    /// The highest priority proposed, with its terms.
    pub priority: Priority,
    /// Every reason for the letter, in order.
    pub reasons: Vec<Reason>,
}

/// One person's proposals so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proposals {
    /// The highest level proposed; 0 when none was.
    pub level: u8,
    /// A rule put the person out of scope.
    pub out_of_scope: bool,
    /// The youth crime board candidacy, if any rule proposed one.
    pub youth_board: Option<YouthBoard>,
    /// The concern letter, if any rule proposed one.
    pub letter: Option<LetterProposal>,
    /// One action per kind, in the order first proposed.
    pub actions: Vec<Action>,
    /// Every reason, in the order made.
    pub explanation: Vec<Reason>,
}

impl Proposals {
    /// Adds one reason: its proposal to the person's proposals, and the
    /// reason to the explanation.
    pub fn add(&mut self, reason: Reason) {
        match &reason.proposal {
            Proposal::Level(level) => self.level = self.level.max(*level),
            Proposal::OutOfScope => self.out_of_scope = true,
            Proposal::LeftOut(_) | Proposal::Note => {}
            Proposal::YouthBoard { route, limb } => self.youth_board(*route, *limb, &reason),
            Proposal::ConcernLetter {
                recipients,
                priority,
            } => self.letter(recipients, priority, &reason),
            Proposal::Action { kind, due } => self.action(kind, *due, &reason),
        }
        self.explanation.push(reason);
    }

    fn youth_board(&mut self, route: crate::proposal::Route, limb: Limb, reason: &Reason) {
        match &mut self.youth_board {
            Some(board) => {
                board.route = route;
                if board.limb != Limb::Listed {
                    board.limb = limb;
                }
                board.reasons.push(reason.clone());
            }
            None => {
                self.youth_board = Some(YouthBoard {
                    route,
                    limb,
                    reasons: vec![reason.clone()],
                })
            }
        }
    }

    fn letter(&mut self, recipients: &[Recipient], priority: &Priority, reason: &Reason) {
        match &mut self.letter {
            Some(letter) => {
                for r in recipients {
                    if !letter.recipients.contains(r) {
                        letter.recipients.push(*r);
                    }
                }
                if priority.total > letter.priority.total {
                    letter.priority = priority.clone();
                }
                letter.reasons.push(reason.clone());
            }
            None => {
                self.letter = Some(LetterProposal {
                    recipients: recipients.to_vec(),
                    priority: priority.clone(),
                    reasons: vec![reason.clone()],
                })
            }
        }
    }

    fn action(&mut self, kind: &ImmutableString, due: Option<Date>, reason: &Reason) {
        match self.actions.iter_mut().find(|a| a.kind == *kind) {
            // The same action proposed twice: the earlier deadline stands.
            Some(action) => {
                action.due = match (action.due, due) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                action.reasons.push(reason.clone());
            }
            None => self.actions.push(Action {
                kind: kind.clone(),
                due,
                overdue: false,
                reasons: vec![reason.clone()],
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::Route;

    fn reason(proposal: Proposal) -> Reason {
        Reason {
            rule: "r".into(),
            line: 1,
            proposal,
            text: "t".into(),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn the_highest_level_wins_and_every_reason_is_kept() {
        let mut p = Proposals::default();
        for level in [1, 3, 2] {
            p.add(reason(Proposal::Level(level)));
        }
        assert_eq!(p.level, 3);
        assert_eq!(p.explanation.len(), 3);
    }

    #[test]
    fn a_listed_candidacy_is_never_downgraded_and_the_latest_route_stands() {
        let mut p = Proposals::default();
        p.add(reason(Proposal::YouthBoard {
            route: Route::Secretariat,
            limb: Limb::Listed,
        }));
        p.add(reason(Proposal::YouthBoard {
            route: Route::Prosecution,
            limb: Limb::SeriousWithRisk,
        }));
        let board = p.youth_board.unwrap();
        assert_eq!(
            (board.route, board.limb),
            (Route::Prosecution, Limb::Listed)
        );
        assert_eq!(board.reasons.len(), 2);
    }

    #[test]
    fn letters_combine_recipients_and_keep_the_highest_priority() {
        let mut p = Proposals::default();
        let letter = |r: Vec<Recipient>, total| {
            reason(Proposal::ConcernLetter {
                recipients: r,
                priority: Priority::total(total),
            })
        };
        p.add(letter(vec![Recipient::Person], 4.0));
        p.add(letter(vec![Recipient::Guardians], 2.0));
        let l = p.letter.unwrap();
        assert_eq!(l.recipients, [Recipient::Person, Recipient::Guardians]);
        assert_eq!(l.priority.total, 4.0);
    }

    #[test]
    fn one_action_per_kind_with_the_earlier_due_date() {
        let mut p = Proposals::default();
        let d = |s| crate::time::parse_date(s);
        for due in [d("2026-11-27"), None, d("2026-11-20")] {
            p.add(reason(Proposal::Action {
                kind: "network_council".into(),
                due,
            }));
        }
        assert_eq!(p.actions.len(), 1);
        assert_eq!(p.actions[0].due, d("2026-11-20"));
        assert_eq!(p.actions[0].reasons.len(), 3);
    }
}
