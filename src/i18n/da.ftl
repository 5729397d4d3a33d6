# trygs egne ord på dansk (tryg serve, tryg report). Reglernes tekster, navne,
# noter og datakontraktens tokens oversættes aldrig.
# Hold besked-id'erne i takt med en.ftl (en enhedstest tjekker det).

## Fælles
app-name = koordinationsmøde
confidential = Fortroligt
notice = Fortroligt: oplysninger om strafbare forhold for børn og unge. Alt, der foreslås her, er forslag fra regler; mødet beslutter (GDPR art. 22).
nav-label = Sider
nav-agenda = Dagsorden
nav-runs = Kørsler
footer-chain-ok = Beslutningskæden er verificeret: { $entries } { $entries ->
    [one] post
   *[other] poster
  }, hoved { $head }.
footer-chain-bad = Beslutningskæden kan IKKE verificeres: { $problems } { $problems ->
    [one] problem
   *[other] problemer
  } i { $entries } poster. Kør tryg review verify, og giv den dataansvarlige besked.
footer-chain-unreadable = Beslutningskæden kunne ikke læses.
footer-store = Register: { $store }
n-persons = { $n } { $n ->
    [one] person
   *[other] personer
  }
run = Kørsel
run-n = Kørsel { $run }
as-of = Pr.
recorded-at = Registreret
persons = Personer
person = Person
rule-set = Regelsæt
municipalities = Kommuner
purged-on = slettet { $date }
level = Niveau
level-n = niveau { $level }
evidence = grundlag
reasons = Begrundelser
no-reasons = Ingen begrundelse registreret.
flags-check = Tjek registreringen først: disse registreringer ser usandsynlige ud (de ændrer ikke noget forslag).
deferred = udsat

## Afvisninger
refused-host-title = Afvist
refused-host = Serveren svarer kun på forespørgsler til 127.0.0.1 eller localhost på sin egen port.
refused-session-title = Ikke logget ind
refused-session = Serveren svarer kun den browser, der åbnede linket fra tryg serve. Åbn det link, eller stop tryg serve og start den igen for at få et nyt.
refused-token-title = Linket er brugt eller forkert
refused-token = Dette login-link er allerede brugt eller forkert: hvert link virker én gang. Stop tryg serve og start den igen for at få et nyt.
refused-cross-origin-title = Afvist
refused-cross-origin = En formular kan kun sendes til serveren fra dens egne sider.
refused-csrf-title = Afvist
refused-csrf = Formularen manglede sessionens token, så intet blev registreret. Genindlæs siden, og prøv igen.
not-found-title = Ikke fundet
not-found = Siden findes ikke.
store-error-title = Registret kunne ikke svare

## Kørsler
runs-title = Registrerede kørsler
runs-none = Der er ingen kørsel endnu: tryg screen --db registrerer en.

## Dagsorden
agenda-title = Dagsorden for kørsel { $run } pr. { $as_of }
agenda-intro = Hvert punkt er et forslag; åbn det for begrundelserne, og registrér mødets beslutning.
agenda-sections = Dagsordenens afsnit
section-letters = Bekymringsbreve til dette møde, i rækkefølge
section-letters-empty = Intet bekymringsbrev afventer dette møde.
section-youth-board = Kandidater til Ungdomskriminalitetsnævnet
section-youth-board-empty = Ingen kandidatur til nævnet afventer.
section-overdue = Overskredne handlinger
section-overdue-empty = Ingen handling er overskredet.
section-rest = Andre ventende forslag
section-rest-empty = Intet andet afventer.
section-changes = Hvad der er ændret siden forrige kørsel
changes-against = Sammenlignet med kørsel { $run } pr. { $as_of } (den seneste tidligere kørsel over de samme kommuner).
changes-none = Ingen persons niveau har flyttet sig, og ingen er nye.
changes-no-previous = Der er ingen tidligere kørsel over de samme kommuner at sammenligne med.
change = Ændring
change-new = ny
change-escalated = optrappet
change-de-escalated = nedtrappet
change-unchanged = uændret
evidence-moved = Hændelser, der flyttede den
no-longer-proposed = Ikke længere foreslået
no-longer-proposed-none = Alle, der var foreslået i forrige kørsel, er stadig foreslået.
gone-from = var på niveau { $level }
gone-absent = ikke med i denne kørsels udtræk
item-letter-batch = bekymringsbrev, nr. { $rank }, prioritet { $priority }
item-letter-later = bekymringsbrev, nr. { $rank }, prioritet { $priority }, uden for dette mødes portion
item-youth-board = Ungdomskriminalitetsnævnet: { $route } ({ $limb })
item-level = sagsniveau { $level } { $name }
item-action = handling { $kind }
item-action-due = handling { $kind }, frist { $due }
item-action-overdue = handling { $kind }, overskredet siden { $due }
item-facts = Alder { $age }, forum { $forum }, niveau { $level } { $name }.
history-link = Historik for { $person }

## Beslutningsformularen (som tryg review decide)
form-label = Beslutning om { $person }
form-decision = Beslutning
decision-accept = godkend
decision-reject = afvis
decision-defer = udsæt
decision-done = udført
decision-close = luk sagen
form-by = Besluttet af
form-by-more = Også besluttet af
form-agency = Myndighed
form-effort = Aftalt indsats
form-level = Åbn på niveau (valgfrit)
form-date = Dato for beslutningen (ved udført: dagen)
form-note = Note
form-submit = Registrér beslutningen
form-hint = Den føjes til beslutningskæden og kan ikke redigeres; en rettelse er en ny beslutning.
form-refused = Intet blev registreret:
form-no-decision = Vælg en beslutning.
form-bad-level = Niveauet skal være et helt tal.
form-bad-date = Datoen skal være en dato (ÅÅÅÅ-MM-DD).
recorded-title = Registreret som D{ $seq }
recorded-text = Beslutningen er nu den nyeste post i beslutningskæden:
recorded-prev = Kædet til posten før, hash

## Viste beslutninger
decision-id = Beslutning
decision-person = Person
decision-on = Om
decision-decision = Besluttet
decision-by = Af
decision-agency = Myndighed
decision-effort = Indsats
decision-note = Note
decision-date = Dato
decision-run = Kørsel
decision-event = Udløsende hændelse
decision-replaces = Erstatter
decision-replaced-by = Erstattet af
decision-recorded-at = Registreret
decision-hash = Hash

## En persons historik
person-title = Historik for { $person }
person-logged = Denne visning registreres i registrets adgangslog.
person-none = Registret har intet udfald eller nogen beslutning for denne person.
history-outcome = Kørsel { $run } pr. { $as_of }
history-decision = D{ $seq }, besluttet { $date }

## Perioderapporten
report-title = Perioderapport { $from } til { $to }
report-notice = Fortroligt: optællinger af sagsarbejde med børn og unge. Tal fra 1 til 4 vises som <5, så et lille område ikke peger på et barn; del den alligevel kun med enheden og dens samarbejdspartnere.
report-last-run = "ved periodens slutning" fra kørsel { $run } pr. { $as_of }
report-glance = Overblik
report-by-municipality = Efter kommune
report-by-district = Efter område
report-by-month = Åbnede sager pr. måned
report-measure = Mål
report-district = Område
report-month = Måned
report-all = i alt
report-unknown = ukendt
report-how = Sådan tælles der
report-how-opened = En sag åbnes ved en godkendt niveaubeslutning (tryg review decide … --on level --decision accept, eller det samme i tryg serve); kun beslutninger, der står ved magt (ikke erstattet), og hvis indhold er bevaret, tælles. Sendte breve og gennemførte handlinger er beslutninger om udført dateret i perioden; en handling er gennemført til tiden, når den blev udført senest på fristen.
report-how-small = Tal fra 1 til 4 vises som <5; en andel vises kun, når der er mindst 5 personer på hver side af den (ellers –). Totaler tælles, de lægges ikke sammen af cellerne.
report-footer = tryg perioderapport. Optalt fra sagsregistret; hver beslutning, der tælles, er truffet af mennesker.
chart-opened = Åbnede sager pr. måned og niveau
chart-work = Breve, handlinger og kandidater til nævnet i perioden
chart-districts = Åbnede sager pr. område
measure-opened-level = åbnede sager på niveau { $level }
measure-opened = åbnede sager, alle niveauer
measure-moved-up = flyttet til et højere niveau
measure-moved-down = flyttet til et lavere niveau
measure-letters-proposed = foreslåede breve
measure-letters-sent = sendte breve
measure-held-on-time = handlinger gennemført til tiden
measure-held-late = handlinger gennemført for sent
measure-youth-board-candidates = kandidater til nævnet
measure-youth-board-referred = henvisninger til nævnet
measure-actions-overdue-at-end = overskredne handlinger ved slutningen
measure-gang-registered-at-end = banderegistrerede ved slutningen
measure-gang-in-custody-at-end = heraf frihedsberøvede
measure-gang-in-custody-percent-at-end = andel frihedsberøvede (%)

## Tabellen fra tryg screen (--format table)
table-title = tryg-screening pr. { $as_of }: forslag til menneskelig vurdering, ikke afgørelser
table-run = regelsæt { $digest } · { $persons } { $persons ->
    [one] person
   *[other] personer
  } · { $events } { $events ->
    [one] hændelse
   *[other] hændelser
  } · kommuner: { $municipalities }
table-screened = screenet { $n } · { $levels }
table-level-count = { $level } { $name }: { $n }
table-proposals = kandidater til Ungdomskriminalitetsnævnet: { $board } · bekymringsbreve: { $letters } ({ $in_batch } til dette møde) · uden for afgrænsningen: { $out_of_scope } · fejl: { $errors }
table-flags = registreringsflag: { $n } (tjek disse registreringer; de står nedenfor)
table-areas = efter område (screenede personer pr. niveau, og forslag):
table-area = screenet { $n } · niveauer { $levels } · nævnet { $board } · breve { $letters } · handlinger { $actions }
table-register = sagsregister: { $previous } · kædens hoved { $head }
table-register-previous = ændringer siden kørsel { $run } pr. { $as_of }
table-register-first = ingen tidligere kørsel at sammenligne med: hvert forslag er nyt
table-col-person = PERSON
table-col-age = ALDER
table-col-forum = FORUM
table-col-level = NIVEAU
table-col-change = ÆNDRING
table-col-youth-board = UNGDOMSKRIMINALITETSNÆVNET
table-col-letter = BREV
table-col-actions = HANDLINGER
table-letter-batch = #{ $rank } dette møde
table-letter-deferred = #{ $rank } udsat
table-action-overdue = { $kind } OVERSKREDET { $due }
table-action-due = { $kind } frist { $due }
table-change-from = { $what } fra { $level }
table-gone = ikke længere foreslået (havde et forslag i forrige kørsel):
table-gone-person = { $person }: niveau { $level } før, { $why }
table-gone-in-run = intet foreslået nu
table-gone-absent = ikke med i dette udtræk
table-flags-list = registreringsflag (de ændrer ingen beslutning; tjek registreringen):
table-out-of-scope = uden for afgrænsningen (ikke screenet), og hvorfor:
table-out-of-scope-more = … og { $n } flere (alle, med begrundelsen: --format csv)
table-errors = fejl (disse personer blev ikke screenet; ret reglen, og kør igen):
table-footer = hver begrundelse med regel, linje og grundlag: --format json
# Standardpakkens niveaunavne (tokens i SPEC §3), hvor de er etiketter.
level-name-none = ingen
level-name-risk_behaviour = risikoadfærd
level-name-crime = kriminalitet
level-name-qualified_crime = kvalificeret kriminalitet

## Reviewernes rapport fra tryg screen (--format html)
html-title = Fortroligt: tryg-screening pr. { $as_of }, forslag til menneskelig vurdering
html-skip = Spring til forslagene
html-h1 = tryg-screening pr. { $as_of }
html-notice-title = Fortroligt. Forslag til menneskelig vurdering, ikke afgørelser.
html-notice = Rapporten indeholder oplysninger om strafbare forhold for børn og unge. Hvert niveau, hvert kandidatur til Ungdomskriminalitetsnævnet, hvert bekymringsbrev og hver handling i den er et forslag fra regler, som deltagerne i koordinationsmødet skal vurdere og beslutte; intet her er besluttet (GDPR art. 22). Del den kun med mødets deltagere.
html-incomplete-title = Rapporten er ufuldstændig: { $n } { $n ->
    [one] person
   *[other] personer
  } er ikke screenet.
html-incomplete-failed = En regel fejlede for { $n ->
    [one] denne person
   *[other] disse personer
  }
html-and-more = og { $n } flere
html-incomplete-text = , så der foreslås intet for dem, og bekymringsbrevene er rangeret uden dem. Ret reglen, og screen igen; se
html-warnings-title = { $n } { $n ->
    [one] advarsel
   *[other] advarsler
  } om dette udtræk
html-warnings-note = (tilladt, men næppe ment sådan; de ændrer ingen beslutning):
html-evidence = grundlag
html-place = { $file } linje { $line }
html-flags-title = Registreringsflag
html-flags-note = (tjek inden beslutningen; { $n ->
    [one] det ændrer
   *[other] de ændrer
  } ingen beslutning):
html-decision = Udvalgets beslutning:
html-responsible = Ansvarlig, dato:
html-as-of = Pr.
html-persons = Personer
html-persons-counts = { $screened } screenet, { $out_of_scope } uden for afgrænsningen, { $errors } fejl
html-flags = Registreringsflag
html-listed = listet
html-events = Hændelser
html-levels = Niveauer
html-proposed = Foreslået
html-proposed-counts = { $board } { $board ->
    [one] kandidat
   *[other] kandidater
  } til Ungdomskriminalitetsnævnet · { $letters } { $letters ->
    [one] bekymringsbrev
   *[other] bekymringsbreve
  } ({ $in_batch } til dette møde) · { $actions } { $actions ->
    [one] handling
   *[other] handlinger
  } ({ $overdue } overskredet)
html-municipalities = Kommuner
html-rule-set-title = Regelsæt
html-tool = Værktøj
html-compared-with = Sammenlignet med
html-compared-run = kørsel { $run } pr. { $as_of }
html-compared-none = ingen tidligere kørsel: hvert forslag er nyt
html-chain-head = Kædens hoved
html-sections = Afsnit
html-glance = Overblik
html-proposals = Forslag
html-agenda = Dagsorden for mødet
html-out-of-scope = Uden for afgrænsningen
html-errors = Fejl
html-areas = Efter kommune og område
html-municipality = Kommune
html-district = Område
html-screened = Screenet
html-youth-board = Ungdomskriminalitetsnævnet
html-letters = Breve
html-actions = Handlinger
html-no-district = (intet område)
html-proposals-intro = Hver screenet person med noget foreslået: et niveau på 1 eller mere, et kandidatur til Ungdomskriminalitetsnævnet, et bekymringsbrev eller en handling. Vælg en kolonneoverskrift for at sortere; åbn “Hvorfor” under en række for hver begrundelse med regel, linje og grundlag (hændelses-id'er i events.csv).
html-filter-label = Filtrér forslagene
html-level = Niveau
html-all-levels = alle niveauer
html-forum = Forum
html-all-forums = alle fora
html-everyone = alle
html-any-route = enhver vej
html-not-candidate = ikke kandidat
html-concern-letter = Bekymringsbrev
html-any-letter = ethvert brev
html-batch = dette mødes portion
html-deferred = udsat
html-no-letter = intet brev
html-since-last = Siden sidste møde
html-overdue-only = Kun overskredne handlinger
html-id-contains = Person-id indeholder
html-clear = Ryd filtrene
html-with-proposal = { $n } { $n ->
    [one] person
   *[other] personer
  } med et forslag.
html-table-caption = Forslag, én person pr. rækkegruppe; den anden række i hver åbner forklaringen
html-person = Person
html-age = Alder
html-letter = Brev
html-this-meeting = dette møde
html-overdue = overskredet
html-due = frist
html-why = Hvorfor
html-n-reasons = { $n } { $n ->
    [one] begrundelse
   *[other] begrundelser
  }
html-n-flags = { $n } registreringsflag
html-left-out = Udeladt:
html-letter-title = Bekymringsbrev: nr. { $rank } af { $of }, prioritet { $priority }
html-in-batch = i dette mødes portion
html-deferred-later = udsat til et senere møde
html-to = til { $recipients }
html-and = og
html-breakdown = Sådan er prioritet { $priority } sammensat
html-priority = prioritet
html-every-reason = Hver begrundelse, i den rækkefølge reglerne kørte:
html-uncited-title = Ikke brugt af nogen regel
html-uncited-note = (uden for alle de vinduer, reglerne så på):
html-no-match = Ingen person passer til disse filtre.
html-no-longer = Ikke længere foreslået
html-no-longer-intro = Havde et forslag i forrige kørsel (kørsel { $run } pr. { $as_of }), intet nu:
html-level-before = niveau { $level } før
html-no-proposals = Ingen person har et forslag.
html-agenda-intro = Koordinationsmøde: screening pr. { $as_of }, regelsæt { $digest }, { $municipalities }. Hvert punkt er et forslag; udvalget beslutter.
html-confidential = Fortroligt.
html-agenda-incomplete-title = Ufuldstændig: ikke screenet, fordi en regel fejlede
html-agenda-incomplete-note = (intet om dem står på denne dagsorden, og brevene er rangeret uden dem):
html-print-note = Udskrives siden, udskrives kun denne dagsorden.
html-print = Udskriv dagsordenen
html-agenda-letters = 1. Bekymringsbreve: dette mødes portion ({ $n }), i rækkefølge
html-facts = Alder { $age }, forum { $forum }, niveau { $level } { $name }.
html-all-reasons = Alle begrundelser for { $person }
html-no-letters = Der foreslås intet bekymringsbrev til dette møde.
html-agenda-youth-board = 2. Kandidater til Ungdomskriminalitetsnævnet ({ $n })
html-no-candidates = Ingen kandidat til Ungdomskriminalitetsnævnet.
html-agenda-overdue = 3. Overskredne handlinger ({ $n })
html-no-overdue = Ingen handling er overskredet.
html-item-letter = bekymringsbrev, nr. { $rank }, prioritet { $priority }, til { $recipients }
html-item-youth-board = Ungdomskriminalitetsnævnet: { $route } ({ $limb })
html-item-overdue = overskredet handling: { $kind }
html-item-overdue-due = overskredet handling: { $kind }, frist { $due }
html-flags-intro = Hændelser, der sandsynligvis er registreret forkert: tjek hver registrering. Et flag ændrer ingen beslutning i sig selv.
html-event = Hændelse
html-check = Tjek
html-what-wrong = Hvad der er galt
html-no-flags = Intet registreringstjek har flagget en hændelse.
html-oos-intro = Ikke screenet: intet foreslås for disse personer. Begrundelsen for hver:
html-reason = Begrundelse
html-all-in-scope = Alle personer i udtrækket var inden for afgrænsningen.
html-errors-intro = En regel fejlede for disse personer, så intet foreslås for dem: ret reglen, og screen igen.
html-what-went-wrong = Hvad der gik galt
html-no-errors = Ingen regel fejlede: alle inden for afgrænsningen blev screenet.
html-rule-set = regelsæt
html-as-of-date = pr. { $as_of }
html-footer = Fortroligt: forslag til menneskelig vurdering, ikke afgørelser.
html-chart-levels = Screenede personer efter niveau og forum ({ $n })
html-chart-youth-board = Kandidater til Ungdomskriminalitetsnævnet efter vej og led ({ $n })
html-chart-letters = Bekymringsbreve: dette mødes portion og udsatte ({ $n })
html-chart-actions = Handlinger efter art: overskredne og med frist ({ $n }, { $overdue } overskredet)
html-no-due-date = ingen frist
html-unit-persons = { $n ->
    [one] person
   *[other] personer
  }
html-unit-candidates = { $n ->
    [one] kandidat
   *[other] kandidater
  }
html-unit-letters = { $n ->
    [one] brev
   *[other] breve
  }
html-unit-actions = { $n ->
    [one] handling
   *[other] handlinger
  }
html-js-showing = Viser %shown% af { $n } { $n ->
    [one] person
   *[other] personer
  } med et forslag
html-js-ascending = , sorteret efter %column%, stigende
html-js-descending = , sorteret efter %column%, faldende
