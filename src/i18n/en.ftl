# tryg's own words in English (tryg serve, tryg report). Rule texts, names,
# notes and the data contract's tokens are never translated.
# Keep the message ids in step with da.ftl (a unit test checks).

## Shared
app-name = coordination meeting
confidential = Confidential
notice = Confidential: criminal-record information on children and young people. Everything proposed here is a proposal made by rules; the meeting decides (GDPR art. 22).
nav-label = Pages
nav-agenda = Agenda
nav-runs = Runs
footer-chain-ok = Decision chain verified: { $entries } { $entries ->
    [one] entry
   *[other] entries
  }, head { $head }.
footer-chain-bad = The decision chain does NOT verify: { $problems } { $problems ->
    [one] problem
   *[other] problems
  } in { $entries } entries. Run tryg review verify and tell the data controller.
footer-chain-unreadable = The decision chain could not be read.
footer-store = Store: { $store }
n-persons = { $n } { $n ->
    [one] person
   *[other] persons
  }
run = Run
run-n = Run { $run }
as-of = As of
recorded-at = Recorded
persons = Persons
person = Person
rule-set = Rule set
municipalities = Municipalities
purged-on = purged { $date }
level = Level
level-n = level { $level }
evidence = evidence
reasons = Reasons
no-reasons = No reason recorded.
flags-check = Check the registration first: these registrations look unlikely (they change no proposal).
deferred = deferred

## Refusals
refused-host-title = Refused
refused-host = This server answers only requests to 127.0.0.1 or localhost on its own port.
refused-session-title = Not signed in
refused-session = This server answers only the browser that opened the link tryg serve printed. Open that link, or stop tryg serve and start it again for a new one.
refused-token-title = Link used or wrong
refused-token = This sign-in link was already used, or is wrong: each link works once. Stop tryg serve and start it again for a new one.
refused-cross-origin-title = Refused
refused-cross-origin = A form may be sent to this server only from its own pages.
refused-csrf-title = Refused
refused-csrf = The form lacked this session's token, so nothing was recorded. Reload the page and try again.
not-found-title = Not found
not-found = There is no such page.
store-error-title = The store could not answer

## Runs
runs-title = Runs recorded
runs-none = No run is recorded yet: tryg screen --db records one.

## Agenda
agenda-title = Agenda of run { $run }, as of { $as_of }
agenda-intro = Every item is a proposal; open it for its reasons and record what the meeting decides.
agenda-sections = Agenda sections
section-letters = Concern letters for this meeting, in rank order
section-letters-empty = No concern letter is pending for this meeting.
section-youth-board = Youth crime board candidates
section-youth-board-empty = No youth-board candidacy is pending.
section-overdue = Overdue actions
section-overdue-empty = No action is overdue.
section-rest = Other pending proposals
section-rest-empty = Nothing else is pending.
section-changes = What changed since the previous run
changes-against = Compared with run { $run } as of { $as_of } (the latest earlier run over the same municipalities).
changes-none = No person's level moved, and nobody is new.
changes-no-previous = There is no earlier run over the same municipalities to compare with.
change = Change
change-new = new
change-escalated = escalated
change-de-escalated = de-escalated
change-unchanged = unchanged
evidence-moved = Events that moved it
no-longer-proposed = No longer proposed
no-longer-proposed-none = Everyone proposed in the previous run is still proposed.
gone-from = was at level { $level }
gone-absent = not in this run's batch
item-letter-batch = concern letter, rank { $rank }, priority { $priority }
item-letter-later = concern letter, rank { $rank }, priority { $priority }, outside this meeting's batch
item-youth-board = youth crime board: { $route } ({ $limb })
item-level = case level { $level } { $name }
item-action = action { $kind }
item-action-due = action { $kind }, due { $due }
item-action-overdue = action { $kind }, overdue since { $due }
item-facts = Age { $age }, forum { $forum }, level { $level } { $name }.
history-link = History of { $person }

## The decision form (as tryg review decide)
form-label = Decision on { $person }
form-decision = Decision
decision-accept = accept
decision-reject = reject
decision-defer = defer
decision-done = done
decision-close = close the case
form-by = Decided by
form-by-more = Also decided by
form-agency = Agency
form-effort = Effort agreed
form-level = Open at level (optional)
form-date = Date decided (for done: the day done)
form-note = Note
form-submit = Record the decision
form-hint = It is added to the decision chain and cannot be edited; a correction is a new decision.
form-refused = Nothing was recorded:
form-no-decision = Choose a decision.
form-bad-level = The level must be a whole number.
form-bad-date = The date must be a date (YYYY-MM-DD).
recorded-title = Recorded as D{ $seq }
recorded-text = The decision is now the newest entry of the decision chain:
recorded-prev = Chained to the entry before it, hash

## Decisions shown
decision-id = Decision
decision-person = Person
decision-on = On
decision-decision = Decided
decision-by = By
decision-agency = Agency
decision-effort = Effort
decision-note = Note
decision-date = Date
decision-run = Run
decision-event = Triggering event
decision-replaces = Replaces
decision-replaced-by = Replaced by
decision-recorded-at = Recorded at
decision-hash = Hash

## A person's history
person-title = History of { $person }
person-logged = This view is recorded in the store's access log.
person-none = The store holds no outcome or decision for this person.
history-outcome = Run { $run }, as of { $as_of }
history-decision = D{ $seq }, decided { $date }

## The period report
report-title = Period report { $from } to { $to }
report-notice = Confidential: counts of casework on children and young people. Counts from 1 to 4 are shown as <5 so that a small district does not point at a child; still, share it only with the unit and its partners.
report-last-run = "at end" measures from run { $run } as of { $as_of }
report-glance = At a glance
report-by-municipality = By municipality
report-by-district = By district
report-by-month = Cases opened per month
report-measure = Measure
report-district = District
report-month = Month
report-all = all
report-unknown = unknown
report-how = How it is counted
report-how-opened = A case is opened by an accepted level decision (tryg review decide … --on level --decision accept, or the same in tryg serve); only decisions that stand (not replaced) and whose content is kept count. Letters sent and actions held are done decisions dated in the period; an action is held on time when it was done on or before its due date.
report-how-small = Counts from 1 to 4 are shown as <5; a share is shown only when at least 5 persons are on each side of it (else –). Totals are counted, not summed from the cells.
report-footer = tryg period report. Counted from the case register; every decision counted was made by people.
chart-opened = Cases opened per month and level
chart-work = Letters, actions and youth-board candidacies in the period
chart-districts = Cases opened per district
measure-opened-level = cases opened at level { $level }
measure-opened = cases opened, all levels
measure-moved-up = moved to a higher level
measure-moved-down = moved to a lower level
measure-letters-proposed = letters proposed
measure-letters-sent = letters sent
measure-held-on-time = actions held on time
measure-held-late = actions held late
measure-youth-board-candidates = youth-board candidates
measure-youth-board-referred = youth-board referrals
measure-actions-overdue-at-end = actions overdue at the end
measure-gang-registered-at-end = gang-registered persons at the end
measure-gang-in-custody-at-end = of them in custody
measure-gang-in-custody-percent-at-end = share in custody (%)

## The table of tryg screen (--format table)
table-title = tryg screening as of { $as_of }: proposals for human review, not decisions
table-run = rule set { $digest } · { $persons } persons · { $events } events · municipalities: { $municipalities }
table-screened = screened { $n } · { $levels }
table-level-count = { $level } { $name }: { $n }
table-proposals = youth board candidates: { $board } · concern letters: { $letters } ({ $in_batch } in this meeting's batch) · out of scope: { $out_of_scope } · errors: { $errors }
table-flags = registration flags: { $n } (check these registrations; listed below)
table-areas = by area (screened persons per level, and proposals):
table-area = screened { $n } · levels { $levels } · youth board { $board } · letters { $letters } · actions { $actions }
table-register = case register: { $previous } · chain head { $head }
table-register-previous = changes since run { $run } as of { $as_of }
table-register-first = no earlier run to compare with: every proposal is new
table-col-person = PERSON
table-col-age = AGE
table-col-forum = FORUM
table-col-level = LEVEL
table-col-change = CHANGE
table-col-youth-board = YOUTH BOARD
table-col-letter = LETTER
table-col-actions = ACTIONS
table-letter-batch = #{ $rank } this meeting
table-letter-deferred = #{ $rank } deferred
table-action-overdue = { $kind } OVERDUE { $due }
table-action-due = { $kind } due { $due }
table-change-from = { $what } from { $level }
table-gone = no longer proposed (proposed something in the previous run):
table-gone-person = { $person }: level { $level } before, { $why }
table-gone-in-run = nothing proposed now
table-gone-absent = not in this batch
table-flags-list = registration flags (they change no decision; check the registration):
table-out-of-scope = out of scope (not screened), and why:
table-out-of-scope-more = … and { $n } more (every one, with the reason: --format csv)
table-errors = errors (these persons were not screened; fix the rule and run again):
table-footer = every reason, with its rule, line and evidence: --format json
# The default pack's level names (SPEC §3 tokens) where they are labels.
level-name-none = none
level-name-risk_behaviour = risk_behaviour
level-name-crime = crime
level-name-qualified_crime = qualified_crime

## The reviewers' report of tryg screen (--format html)
html-title = Confidential: tryg screening as of { $as_of }, proposals for human review
html-skip = Skip to the proposals
html-h1 = tryg screening as of { $as_of }
html-notice-title = Confidential. Proposals for human review, not decisions.
html-notice = This report holds criminal-record information about children and young people. Every level, youth-board candidacy, concern letter and action in it is a proposal made by rules, for the people at the coordination meeting to review and decide; nothing here has been decided (GDPR art. 22). Share it only with the meeting's participants.
html-incomplete-title = Report incomplete: { $n } { $n ->
    [one] person
   *[other] persons
  } not screened.
html-incomplete-failed = A rule failed for { $n ->
    [one] this person
   *[other] these persons
  }
html-and-more = and { $n } more
html-incomplete-text = , so nothing is proposed for them and the concern letters are ranked without them. Fix the rule and screen again; see
html-warnings-title = { $n } { $n ->
    [one] warning
   *[other] warnings
  } about this batch
html-warnings-note = (legal, but most likely not meant; they change no decision):
html-evidence = evidence
html-place = { $file } line { $line }
html-flags-title = Registration { $n ->
    [one] flag
   *[other] flags
  }
html-flags-note = (check before deciding; { $n ->
    [one] it changes
   *[other] they change
  } no decision):
html-decision = Committee's decision:
html-responsible = Responsible, date:
html-as-of = As of
html-persons = Persons
html-persons-counts = { $screened } screened, { $out_of_scope } out of scope, { $errors } errors
html-flags = Registration flags
html-listed = listed
html-events = Events
html-levels = Levels
html-proposed = Proposed
html-proposed-counts = { $board } youth-board candidates · { $letters } concern letters ({ $in_batch } in this meeting's batch) · { $actions } actions ({ $overdue } overdue)
html-municipalities = Municipalities
html-rule-set-title = Rule set
html-tool = Tool
html-compared-with = Compared with
html-compared-run = run { $run } as of { $as_of }
html-compared-none = no earlier run: every proposal is new
html-chain-head = Chain head
html-sections = Sections
html-glance = At a glance
html-proposals = Proposals
html-agenda = Meeting agenda
html-out-of-scope = Out of scope
html-errors = Errors
html-areas = By municipality and district
html-municipality = Municipality
html-district = District
html-screened = Screened
html-youth-board = Youth board
html-letters = Letters
html-actions = Actions
html-no-district = (no district)
html-proposals-intro = Every screened person with anything proposed: a level of 1 or more, a youth-board candidacy, a concern letter or an action. Choose a column heading to sort; open “Why” under a row for every reason, with its rule, line and evidence (event ids of events.csv).
html-filter-label = Filter the proposals
html-level = Level
html-all-levels = all levels
html-forum = Forum
html-all-forums = all forums
html-everyone = everyone
html-any-route = any route
html-not-candidate = not a candidate
html-concern-letter = Concern letter
html-any-letter = any letter
html-batch = this meeting's batch
html-deferred = deferred
html-no-letter = no letter
html-since-last = Since the last meeting
html-overdue-only = Overdue action only
html-id-contains = Person id contains
html-clear = Clear filters
html-with-proposal = { $n } persons with a proposal.
html-table-caption = Proposals, one person per row group; the second row of each opens the explanation
html-person = Person
html-age = Age
html-letter = Letter
html-this-meeting = this meeting
html-overdue = overdue
html-due = due
html-why = Why
html-n-reasons = { $n } { $n ->
    [one] reason
   *[other] reasons
  }
html-n-flags = { $n } registration { $n ->
    [one] flag
   *[other] flags
  }
html-left-out = Left out:
html-letter-title = Concern letter: rank { $rank } of { $of }, priority { $priority }
html-in-batch = in this meeting's batch
html-deferred-later = deferred to a later meeting
html-to = to { $recipients }
html-and = and
html-breakdown = How priority { $priority } is made up
html-priority = priority
html-every-reason = Every reason, in the order the rules ran:
html-uncited-title = Not used by any rule
html-uncited-note = (outside every window the rules looked at):
html-no-match = No person matches these filters.
html-no-longer = No longer proposed
html-no-longer-intro = Proposed something in the previous run (run { $run } as of { $as_of }), nothing now:
html-level-before = level { $level } before
html-no-proposals = No person has a proposal.
html-agenda-intro = Coordination meeting: screening as of { $as_of }, rule set { $digest }, { $municipalities }. Every item is a proposal; the committee decides.
html-confidential = Confidential.
html-agenda-incomplete-title = Incomplete: not screened because a rule failed
html-agenda-incomplete-note = (nothing about them is on this agenda, and the letters are ranked without them):
html-print-note = Printing this page prints this agenda only.
html-print = Print the agenda
html-agenda-letters = 1. Concern letters: this meeting's batch ({ $n }), in rank order
html-facts = Age { $age }, forum { $forum }, level { $level } { $name }.
html-all-reasons = All reasons for { $person }
html-no-letters = No concern letter is proposed for this meeting.
html-agenda-youth-board = 2. Youth crime board candidates ({ $n })
html-no-candidates = No youth-board candidate.
html-agenda-overdue = 3. Overdue actions ({ $n })
html-no-overdue = No action is overdue.
html-item-letter = concern letter, rank { $rank }, priority { $priority }, to { $recipients }
html-item-youth-board = youth crime board: { $route } ({ $limb })
html-item-overdue = overdue action: { $kind }
html-item-overdue-due = overdue action: { $kind }, due { $due }
html-flags-intro = Events most likely registered wrongly: check each registration. A flag changes no decision by itself.
html-event = Event
html-check = Check
html-what-wrong = What is wrong
html-no-flags = No registration check flagged an event.
html-oos-intro = Not screened: nothing is proposed for these persons. The reason for each:
html-reason = Reason
html-all-in-scope = Every person in the batch was in scope.
html-errors-intro = A rule failed for these persons, so nothing is proposed for them: fix the rule and screen again.
html-what-went-wrong = What went wrong
html-no-errors = No rule failed: every person in scope was screened.
html-rule-set = rule set
html-as-of-date = as of { $as_of }
html-footer = Confidential: proposals for human review, not decisions.
html-chart-levels = Screened persons by level and forum ({ $n })
html-chart-youth-board = Youth crime board candidates by route and limb ({ $n })
html-chart-letters = Concern letters: this meeting's batch and deferred ({ $n })
html-chart-actions = Actions by kind: overdue and due ({ $n }, { $overdue } overdue)
html-no-due-date = no due date
html-unit-persons = { $n ->
    [one] person
   *[other] persons
  }
html-unit-candidates = { $n ->
    [one] candidate
   *[other] candidates
  }
html-unit-letters = { $n ->
    [one] letter
   *[other] letters
  }
html-unit-actions = { $n ->
    [one] action
   *[other] actions
  }
html-js-showing = Showing %shown% of { $n } { $n ->
    [one] person
   *[other] persons
  } with a proposal
html-js-ascending = , sorted by %column%, ascending
html-js-descending = , sorted by %column%, descending
