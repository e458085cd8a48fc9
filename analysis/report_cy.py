"""Cymraeg for the board report: every fixed word of `heard report --lang cy`, in one place.

The HTML (and so the PDF), the charts and the PDF's page footer all say their English through
:func:`translator`; this file holds the Welsh a reviewer reads and corrects:

- ``REPORT_CY``: English → Welsh, keyed by the English exactly as the report says it, so a
  missing entry shows English rather than nothing (and ``tests/test_report_welsh.py`` fails).
  Keys may hold ``{name}`` slots, filled in after translating; a few hold HTML (``<strong>``),
  written by us, never by a user.
- ``PATTERNS``: wording built around a figure or a setting ("On target (80%+)",
  "+5 points", "Taken within 30 minutes"); each captured part is itself translated.
- ``MONTHS``: month names, and :func:`period_words` / :func:`date_words` for dates in Welsh form.
- Survey questions and answer options come from the surveys' own ``cy`` wording
  (:func:`survey_words`), so they are corrected in ``surveys/definitions/*.yaml``, not here.

What stays as written: quotes (in the language they were written in), what staff typed for an
action and its owner, locality names from the case system, and codes such as ``2026-Q3``.

Not yet reviewed by a Welsh speaker (docs/surveys.md says how to correct it). The register is
standard written Welsh for public bodies ("Nid yw ...", with everyday "nhw" forms), plain enough for
anyone and formal enough for a Management Board.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path

from analysis.aggregate import ALL_MINORITY, MIN_PEOPLE, OTHER_GENDER, Period

Say = Callable[..., str]

MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
          "Tachwedd", "Rhagfyr")
SHORT_MONTHS = ("Ion", "Chwef", "Maw", "Ebr", "Mai", "Meh", "Gorff", "Awst", "Medi", "Hyd", "Tach", "Rhag")
# After "i" (to) a month takes the soft mutation: "Gorffennaf i Fedi", "Hydref i Ragfyr".
MONTHS_AFTER_I = ("Ionawr", "Chwefror", "Fawrth", "Ebrill", "Fai", "Fehefin", "Orffennaf", "Awst", "Fedi", "Hydref",
                  "Dachwedd", "Ragfyr")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")

REPORT_CY: dict[str, str] = {
    # --- response by channel (issue 15) ---
    "How they were asked: Telegram, the web page, text message or email (n = people invited)":
        "Sut y gofynnwyd iddyn nhw: Telegram, y dudalen we, neges destun neu e-bost (n = pobl a wahoddwyd)",
    "Channel": "Sianel", "Telegram": "Telegram", "Web page": "Tudalen we", "Text message (SMS)": "Neges destun (SMS)",
    "Email": "E-bost",
    "How they were asked": "Sut y gofynnwyd iddyn nhw",
    # --- the key points at the top (analysis/report.py: key_points) ---
    "{count} of the {n} {who} we asked answered at least one question ({share}).":
        "Atebodd {count} o'r {n} o {who} y gofynnon ni iddyn nhw o leiaf un cwestiwn ({share}).",
    "The theme raised most often was “{theme}”: {count} of {n} people who wrote a comment ({share}).":
        "Y thema a godwyd amlaf oedd “{theme}”: {count} o'r {n} o bobl a ysgrifennodd sylw ({share}).",
    "Young people's own rating of “{area}” rose by {points} points on average from the start of their work with us to the end (out of 10, {n} young people).":
        "Cododd sgôr pobl ifanc eu hunain ar gyfer “{area}” {points} pwynt ar gyfartaledd o ddechrau eu gwaith gyda ni i'r diwedd (allan o 10, {n} o bobl ifanc).",
    "Young people's own rating of “{area}” fell by {points} points on average from the start of their work with us to the end (out of 10, {n} young people).":
        "Gostyngodd sgôr pobl ifanc eu hunain ar gyfer “{area}” {points} pwynt ar gyfartaledd o ddechrau eu gwaith gyda ni i'r diwedd (allan o 10, {n} o bobl ifanc).",
    "Young people's own rating of “{area}” did not change on average from the start of their work with us to the end (out of 10, {n} young people).":
        "Ni newidiodd sgôr pobl ifanc eu hunain ar gyfer “{area}” ar gyfartaledd o ddechrau eu gwaith gyda ni i'r diwedd (allan o 10, {n} o bobl ifanc).",
    "We asked fewer than {n} {who} this period, so their figures are not shown: with so few, they could show who said what.":
        "Gofynnon ni i lai na {n} o {who} y cyfnod hwn, felly nid yw eu ffigurau'n cael eu dangos: gyda chyn "
        "lleied, gallen nhw ddangos pwy ddywedodd beth.",
    # lower case only after a number and "o" (the key points, "Fewer than 5 ..."): so soft-mutated
    "young people": "bobl ifanc", "parents and carers": "rieni a gofalwyr", "victims": "ddioddefwyr",
    "reparation placements": "leoliadau gwneud iawn",
    "Fewer than {n} {who} were invited this period, so their figures are not split into groups: with so few, the groups could show who they are.":
        "Cafodd llai na {n} o {who} eu gwahodd y cyfnod hwn, felly nid yw eu ffigurau wedi'u rhannu'n grwpiau: gyda "
        "chyn lleied, gallai'r grwpiau ddangos pwy ydyn nhw.",

    # --- audiences, alert tiers, ratings ---
    "Young people": "Pobl ifanc", "Parents and carers": "Rhieni a gofalwyr", "Victims": "Dioddefwyr",
    "Reparation placements": "Lleoliadau gwneud iawn", "All": "Pawb",
    "The two-week check-in": "Y gwiriad pythefnos", "The three-month follow-up": "Y dilyniant tri mis",
    # who said a quote: one person
    "young person": "person ifanc", "parent or carer": "rhiant neu ofalwr", "victim": "dioddefwr",
    "reparation placement": "lleoliad gwneud iawn",
    "Urgent": "Brys", "Review": "Adolygu", "All alerts": "Pob rhybudd",
    "GREEN": "GWYRDD", "AMBER": "AMBR", "RED": "COCH", "GREY": "LLWYD",
    "Not enough answers to rate": "Dim digon o atebion i roi sgôr",
    "Hidden to protect a small group": "Cudd i ddiogelu grŵp bach",
    "No alerts this period": "Dim rhybuddion y cyfnod hwn",
    "{n} alerts": "{n} o rybuddion",  # the headline's n for the safeguarding line: alerts, not people
    "{n} alert": "{n} rhybudd",
    "not comparable": "dim modd cymharu", "no change": "dim newid",

    # --- measures built in code (analysis/report.py, analysis/aggregate.py) ---
    "Response rate": "Cyfradd ymateb",
    "Satisfied (average rating 4 or 5)": "Bodlon (sgôr gyfartalog 4 neu 5)",
    "Comments mostly positive": "Sylwadau cadarnhaol gan mwyaf",
    "Comments mixed or neutral": "Sylwadau cymysg neu niwtral",
    "Comments mostly negative": "Sylwadau negyddol gan mwyaf",
    "Feel safer after our contact": "Yn teimlo'n fwy diogel ar ôl ein cyswllt",
    "Asked for a call back": "Wedi gofyn am alwad yn ôl",
    "People who asked us to contact them": "Pobl a ofynnodd i ni gysylltu â nhw",
    "Called": "Galwyd", "No answer, tried again": "Dim ateb, ceisiwyd eto", "Declined a call": "Gwrthod galwad",
    "Still waiting": "Yn dal i aros",
    "Yes": "Ie", "No": "Na",

    # --- small words in cells (analysis/report.py: pct, number, minutes ...) ---
    "none": "dim", "hidden": "cudd", "hidden to protect a small group": "cudd i ddiogelu grŵp bach",
    "none taken": "dim un wedi'i gymryd", "no alerts": "dim rhybuddion", "no ratings": "dim sgoriau",
    "no calls made": "ni wnaed unrhyw alwadau",

    # --- groups in the breakdowns (analysis/breakdowns.py) ---
    "Ethnicity": "Ethnigrwydd", "Gender": "Rhywedd", "Age": "Oedran", "Type of disposal": "Math o warediad",
    "Disposal": "Gwarediad", "Looked-after children": "Plant sy'n derbyn gofal",
    "Special educational needs (SEND)": "Anghenion addysgol arbennig (SEND)", "Locality": "Ardal",
    "White": "Gwyn", "Mixed or multiple ethnic groups": "Grwpiau ethnig cymysg neu luosog",
    "Asian or Asian British": "Asiaidd neu Asiaidd Prydeinig",
    "Black, Black British, Caribbean or African": "Du, Du Prydeinig, Caribïaidd neu Affricanaidd",
    "Other ethnic group": "Grŵp ethnig arall", ALL_MINORITY: "Pob grŵp ethnig lleiafrifol",
    "Male": "Gwryw", "Female": "Benyw", "Non-binary": "Anneuaidd", OTHER_GENDER: "Arall neu heb ei nodi",
    "Not recorded": "Heb ei gofnodi", "SEND": "SEND", "No SEND": "Dim SEND",
    "Looked after": "Yn derbyn gofal", "Not looked after": "Ddim yn derbyn gofal",
    "16 and over": "16 a hŷn", "Other disposals": "Gwarediadau eraill", "Other localities": "Ardaloedd eraill",
    "Out-of-court disposal": "Gwarediad y tu allan i'r llys", "First-tier court order": "Gorchymyn llys haen gyntaf",
    "Community order or custody": "Gorchymyn cymunedol neu ddalfa",
    # disposals as case systems commonly name them (matched without regard to case)
    "Referral Order": "Gorchymyn Atgyfeirio", "Youth Rehabilitation Order": "Gorchymyn Adsefydlu Ieuenctid",
    "Youth Caution": "Rhybuddiad Ieuenctid", "Youth Conditional Caution": "Rhybuddiad Amodol Ieuenctid",
    "Community Resolution": "Datrysiad Cymunedol", "Community Resolution Plus": "Datrysiad Cymunedol Plws",
    "Detention and Training Order": "Gorchymyn Cadw a Hyfforddi",
    "Reparation Order": "Gorchymyn Gwneud Iawn", "Conditional Discharge": "Rhyddhad Amodol",
    "Absolute Discharge": "Rhyddhad Diamod", "Fine": "Dirwy", "Parenting Order": "Gorchymyn Rhianta",
    # the notes under a breakdown, saying what was merged
    "Ethnicity is shown in the five groups the Office for National Statistics uses.":
        "Dangosir ethnigrwydd yn y pum grŵp a ddefnyddir gan y Swyddfa Ystadegau Gwladol.",
    f"Mixed, Asian, Black and other ethnic groups are shown together as “{ALL_MINORITY}”, because at least one of "
    f"them had fewer than {MIN_PEOPLE} people.":
        f"Dangosir grwpiau ethnig cymysg, Asiaidd, Du a grwpiau ethnig eraill gyda'i gilydd fel “Pob grŵp ethnig "
        f"lleiafrifol”, oherwydd bod gan o leiaf un ohonynt lai na {MIN_PEOPLE} o bobl.",
    f"Other genders and gender not recorded are shown together as “{OTHER_GENDER}” where a group had fewer than "
    f"{MIN_PEOPLE} people.":
        f"Dangosir rhyweddau eraill a rhywedd heb ei gofnodi gyda'i gilydd fel “Arall neu heb ei nodi” lle roedd gan "
        f"grŵp lai na {MIN_PEOPLE} o bobl.",
    f"Ages are shown in wider bands (10 to 15, 16 and over) because a narrower band had fewer than {MIN_PEOPLE} people.":
        f"Dangosir oedrannau mewn bandiau ehangach (10 i 15, 16 a hŷn) oherwydd bod gan fand culach lai na "
        f"{MIN_PEOPLE} o bobl.",
    f"Groups with fewer than {MIN_PEOPLE} people are shown together as “Other disposals”.":
        f"Dangosir grwpiau â llai na {MIN_PEOPLE} o bobl gyda'i gilydd fel “Gwarediadau eraill”.",
    f"Groups with fewer than {MIN_PEOPLE} people are shown together as “Other localities”.":
        f"Dangosir grwpiau â llai na {MIN_PEOPLE} o bobl gyda'i gilydd fel “Ardaloedd eraill”.",

    # --- journey areas and themes (analysis/codebook.yaml labels and descriptions) ---
    "Feeling ok": "Teimlo'n iawn", "Getting on at home": "Dod ymlaen gartref", "School or work": "Ysgol neu waith",
    "Education": "Addysg", "Wellbeing": "Lles",
    "Felt listened to": "Teimlo bod rhywun yn gwrando", "Relationship with the worker": "Y berthynas â'r gweithiwr",
    "Things explained clearly": "Esbonio pethau'n glir", "Consequences and victims": "Canlyniadau a dioddefwyr",
    "Education, school and training": "Addysg, ysgol a hyfforddiant",
    "Emotional wellbeing and mental health": "Lles emosiynol ac iechyd meddwl", "Family support": "Cefnogaeth i'r teulu",
    "Safety, gangs and exploitation": "Diogelwch, gangiau a chamfanteisio", "Drugs and alcohol": "Cyffuriau ac alcohol",
    "Fairness and speed of the process": "Tegwch a chyflymder y broses", "Activities and skills": "Gweithgareddau a sgiliau",
    "Practical access": "Mynediad ymarferol", "Support for victims": "Cefnogaeth i ddioddefwyr",
    "Feeling safer": "Teimlo'n fwy diogel", "Apology and remorse": "Ymddiheuriad ac edifeirwch",
    "Restorative process": "Y broses adferol",
    "The person says staff listened, heard their side or let them have a say.":
        "Mae'r person yn dweud bod staff wedi gwrando, wedi clywed ei ochr ef neu hi, neu wedi rhoi llais iddo.",
    "Comments on the worker as a person, good or bad - trust, respect, judging, changes of worker.":
        "Sylwadau am y gweithiwr fel person, da neu ddrwg: ymddiriedaeth, parch, barnu, newid gweithiwr.",
    "Whether the process, the order or what happens next was explained in a way people understood.":
        "A gafodd y broses, y gorchymyn neu'r hyn sy'n digwydd nesaf eu hesbonio mewn ffordd yr oedd pobl yn ei deall.",
    "Learning about the effect of offending on victims, themselves and others, and taking responsibility.":
        "Dysgu am effaith troseddu ar ddioddefwyr, arnyn nhw eu hunain ac ar eraill, a chymryd cyfrifoldeb.",
    "Help with school, college, exclusion, tutoring, English and maths, or training courses.":
        "Help gydag ysgol, coleg, gwaharddiad, tiwtora, Saesneg a mathemateg, neu gyrsiau hyfforddi.",
    "Feelings, mental health, anxiety, anger, confidence, counselling or CAMHS.":
        "Teimladau, iechyd meddwl, gorbryder, dicter, hyder, cwnsela neu CAMHS.",
    "Support for parents, carers and the whole family, relationships at home and parents feeling included or blamed.":
        "Cefnogaeth i rieni, gofalwyr a'r teulu cyfan, perthnasoedd gartref, a rhieni'n teimlo eu bod yn cael eu "
        "cynnwys neu eu beio.",
    "Getting away from gangs, exploitation, county lines, knife crime or people who were a danger.":
        "Dianc rhag gangiau, camfanteisio, llinellau cyffuriau, troseddau cyllyll neu bobl a oedd yn beryglus.",
    "Use of cannabis, other drugs or alcohol, and help to cut down or stop.":
        "Defnyddio canabis, cyffuriau eraill neu alcohol, a help i leihau neu roi'r gorau iddi.",
    "Whether things felt fair, and delays, waiting, cancellations or how long the process took.":
        "A oedd pethau'n teimlo'n deg, ac oedi, aros, canslo neu pa mor hir y cymerodd y broses.",
    "Sport, creative and practical activities, trips, reparation work and skills learned.":
        "Chwaraeon, gweithgareddau creadigol ac ymarferol, teithiau, gwaith gwneud iawn a sgiliau a ddysgwyd.",
    "Getting to appointments - times, places, travel, bus fares, reminders, forms and home visits.":
        "Cyrraedd apwyntiadau: amseroedd, lleoedd, teithio, prisiau bws, nodiadau atgoffa, ffurflenni ac "
        "ymweliadau cartref.",
    "How supported the victim felt by the victim worker and the service, including contact and updates.":
        "Pa mor gefnogol yr oedd y dioddefwr yn teimlo oedd gweithiwr y dioddefwr a'r gwasanaeth, gan gynnwys "
        "cyswllt a diweddariadau.",
    "Whether the victim now feels safe, safer, or still afraid.":
        "A yw'r dioddefwr bellach yn teimlo'n ddiogel, yn fwy diogel, neu'n dal yn ofnus.",
    "The apology or letter from the young person, and whether it felt genuine.":
        "Yr ymddiheuriad neu'r llythyr gan y person ifanc, ac a oedd yn teimlo'n ddiffuant.",
    "Restorative justice - conferences, meeting the young person, reparation, and the choice to take part or not.":
        "Cyfiawnder adferol: cynadleddau, cwrdd â'r person ifanc, gwneud iawn, a'r dewis i gymryd rhan neu beidio.",

    # --- the header and the empty report ---
    "What children, families and victims told us": "Beth ddywedodd plant, teuluoedd a dioddefwyr wrthym ni",
    "feedback report": "adroddiad adborth",
    "Feedback report to the Management Board": "Adroddiad adborth i'r Bwrdd Rheoli",
    "This period has not ended yet: these are the figures up to {date}, and they will change.":
        "Nid yw'r cyfnod hwn wedi dod i ben eto: dyma'r ffigurau hyd at {date}, a byddant yn newid.",
    "Produced {date}. Every figure says how many people it rests on. Figures resting on fewer than {n} people are not shown.":
        "Cynhyrchwyd {date}. Mae pob ffigur yn dweud ar faint o bobl y mae'n seiliedig. Nid yw ffigurau sy'n "
        "seiliedig ar lai na {n} o bobl yn cael eu dangos.",
    "Nothing to report for this period": "Dim i'w adrodd ar gyfer y cyfnod hwn",
    "No surveys were sent and no safeguarding alerts were raised between {start} and {end}, so there are no figures to show. If this is a surprise, check that cases were imported for this period (<code>heard cases import</code>) and that the bot was running.":
        "Ni anfonwyd unrhyw arolwg ac ni chodwyd unrhyw rybudd diogelu rhwng {start} a {end}, felly nid oes ffigurau "
        "i'w dangos. Os yw hyn yn annisgwyl, gwiriwch fod achosion wedi'u mewnforio ar gyfer y cyfnod hwn "
        "(<code>heard cases import</code>) a bod y bot yn rhedeg.",
    "Actions still open": "Camau sy'n dal ar agor",
    "planned": "wedi'i gynllunio", "in progress": "ar waith", "done": "wedi'i wneud",
    "Planned": "Wedi'i gynllunio", "In progress": "Ar waith", "Done": "Wedi'i wneud",

    # --- section headings ---
    "1. Summary": "1. Crynodeb",
    "2. Who answered and how satisfied they were": "2. Pwy atebodd a pha mor fodlon oedden nhw",
    "3. Differences between groups of children": "3. Gwahaniaethau rhwng grwpiau o blant",
    "4. How things have changed over the year": "4. Sut mae pethau wedi newid dros y flwyddyn",
    "5. Distance travelled": "5. Y pellter a deithiwyd",
    "6. What people told us in their own words": "6. Beth ddywedodd pobl wrthym ni yn eu geiriau eu hunain",
    "7. Victims": "7. Dioddefwyr",
    "8. You said, we did": "8. Dywedoch chi, gwnaethom ni",
    "9. Safeguarding alerts": "9. Rhybuddion diogelu",
    "10. How these figures were made": "10. Sut y lluniwyd y ffigurau hyn",

    # --- 1. summary ---
    "Headline measures": "Prif fesurau",
    "Headline measures against the board's targets": "Prif fesurau o'u cymharu â thargedau'r bwrdd",
    "Headline measures against the board's targets, with the change since last quarter":
        "Prif fesurau o'u cymharu â thargedau'r bwrdd, gyda'r newid ers y chwarter diwethaf",
    "Measure": "Mesur", "Who": "Pwy", "Result": "Canlyniad", "95% range": "Ystod 95%", "People (n)": "Pobl (n)",
    "Rating": "Sgôr", "Since last quarter": "Ers y chwarter diwethaf",
    "People (n) is the number of people each result rests on: people invited for a response rate, people who gave a rating or wrote a comment for satisfaction. Someone who answered several surveys counts once, by their own average. Ratings: GREEN on target, AMBER close to target, RED needs attention, GREY not enough answers to rate (or hidden to protect a small group); the rating is written out, so it does not rely on colour. The 95% range shows how far the true figure could reasonably be from the one measured, given how few people answered. “Since last quarter” is the change in percentage points; “not comparable” means one of the two quarters had too few people.":
        "Pobl (n) yw nifer y bobl y mae pob canlyniad yn seiliedig arnynt: y bobl a wahoddwyd, ar gyfer cyfradd "
        "ymateb; y bobl a roddodd sgôr neu a ysgrifennodd sylw, ar gyfer bodlonrwydd. Mae rhywun a atebodd sawl "
        "arolwg yn cyfrif unwaith, yn ôl ei gyfartaledd ei hun. Sgoriau: GWYRDD ar y targed, AMBR yn agos at y "
        "targed, COCH angen sylw, LLWYD dim digon o atebion i roi sgôr (neu wedi'i guddio i ddiogelu grŵp bach); "
        "mae'r sgôr wedi'i hysgrifennu, felly nid yw'n dibynnu ar liw. Mae'r ystod 95% yn dangos pa mor bell y gallai'r gwir ffigur fod yn rhesymol o'r un a "
        "fesurwyd, o ystyried cyn lleied o bobl a atebodd. “Ers y chwarter diwethaf” yw'r newid mewn pwyntiau "
        "canran; mae “dim modd cymharu” yn golygu bod rhy ychydig o bobl yn un o'r ddau chwarter.",

    # --- 2. who answered ---
    "Bar charts of the response rate and the share of people satisfied for each group: {groups}.":
        "Siartiau bar o'r gyfradd ymateb a chyfran y bobl fodlon ar gyfer pob grŵp: {groups}.",
    "{group} {responded} responded and {satisfied} gave an average rating of 4 or 5":
        "{group}: ymatebodd {responded} a rhoddodd {satisfied} sgôr gyfartalog o 4 neu 5",
    "Bars show the figure; the thin lines show its 95% range. The tables below give the same figures.":
        "Mae'r barrau'n dangos y ffigur; mae'r llinellau tenau'n dangos ei ystod 95%. Mae'r tablau isod yn rhoi'r un "
        "ffigurau.",
    "Who answered": "Pwy atebodd", "Who answered (n = people invited)": "Pwy atebodd (n = y bobl a wahoddwyd)",
    "Group": "Grŵp", "People invited (n)": "Pobl a wahoddwyd (n)",
    "Answered at least one question": "Atebodd o leiaf un cwestiwn", "Answered to the end": "Atebodd hyd y diwedd",
    "How satisfied they were": "Pa mor fodlon oedden nhw",
    "How satisfied they were (n = people who gave a rating, or who wrote a comment)":
        "Pa mor fodlon oedden nhw (n = y bobl a roddodd sgôr, neu a ysgrifennodd sylw)",
    "Average rating of 4 or 5 (out of 5)": "Sgôr gyfartalog o 4 neu 5 (allan o 5)",
    "{group}: average answer to each 1 to 5 question (5 is best)":
        "{group}: yr ateb cyfartalog i bob cwestiwn 1 i 5 (5 yw'r gorau)",
    "Question": "Cwestiwn", "Average": "Cyfartaledd",

    # --- 3. breakdowns ---
    "For each group of children, from the details in the case record: the share of the people invited who answered, and the share of people who gave a rating whose average rating was 4 or 5. Small groups are first merged the way official statistics do (the five ethnic groups used by the Office for National Statistics, then all minority ethnic groups together; other genders and gender not recorded together; wider age bands), so that the groups boards ask about can be shown. A group still under {n} people is not shown; where only one group would be hidden, the next smallest is marked “hidden” too, so the first cannot be worked out from the total.":
        "Ar gyfer pob grŵp o blant, o'r manylion yng nghofnod yr achos: cyfran y bobl a wahoddwyd a atebodd, a "
        "chyfran y bobl a roddodd sgôr yr oedd eu sgôr gyfartalog yn 4 neu 5. Caiff grwpiau bach eu cyfuno yn "
        "gyntaf fel y mae ystadegau swyddogol yn ei wneud (y pum grŵp ethnig a ddefnyddir gan y Swyddfa Ystadegau "
        "Gwladol, yna pob grŵp ethnig lleiafrifol gyda'i gilydd; rhyweddau eraill a rhywedd heb ei gofnodi gyda'i "
        "gilydd; bandiau oedran ehangach), fel y gellir dangos y grwpiau y mae byrddau'n holi amdanynt. Nid yw grŵp "
        "sy'n dal yn llai na {n} o bobl yn cael ei ddangos; lle byddai un grŵp yn unig yn cael ei guddio, caiff y "
        "grŵp lleiaf nesaf ei nodi'n “cudd” hefyd, fel na ellir cyfrifo'r cyntaf o'r cyfanswm.",
    "{group} by {dimension}": "{group} yn ôl {dimension}",
    "Answered": "Atebodd", "People invited": "Pobl a wahoddwyd", "Average rating 4 or 5": "Sgôr gyfartalog 4 neu 5",
    "People who rated": "Pobl a roddodd sgôr",

    # --- 4. trend ---
    "Line charts of the response rate and the share of people satisfied for each group over the last four quarters, drawn only for groups with at least three quarters of figures. The same figures are in the table below.":
        "Siartiau llinell o'r gyfradd ymateb a chyfran y bobl fodlon ar gyfer pob grŵp dros y pedwar chwarter "
        "diwethaf, wedi'u llunio dim ond ar gyfer grwpiau sydd â ffigurau am o leiaf dri chwarter. Mae'r un ffigurau "
        "yn y tabl isod.",
    "A line is drawn only from three or more quarters; missing points are quarters with fewer than {n} people.":
        "Dim ond o dri chwarter neu fwy y lluniwyd llinell; mae'r pwyntiau coll yn chwarteri â llai na {n} o bobl.",
    "There are not yet three quarters of figures for any group, so no trend line is drawn: a line between two points is not a trend. The figures are in the table below.":
        "Nid oes ffigurau am dri chwarter eto ar gyfer unrhyw grŵp, felly ni luniwyd llinell duedd: nid yw llinell "
        "rhwng dau bwynt yn duedd. Mae'r ffigurau yn y tabl isod.",
    "Last four quarters": "Y pedwar chwarter diwethaf", "Last four quarters (n = people)": "Y pedwar chwarter diwethaf (n = pobl)",
    # a year's table holds only its quarters so far
    "Quarter by quarter (n = people)": "Fesul chwarter (n = pobl)",
    "Quarter": "Chwarter",
    "No invitations were sent in the last four quarters.": "Ni anfonwyd unrhyw wahoddiad yn y pedwar chwarter diwethaf.",

    # --- 5. distance travelled ---
    "Young people rate themselves from 1 to 10 on a few parts of their life in their first week with us, and again when their work with us ends. Here we compare each young person's rating at the start with their rating at the end, for those who ended this period. Where a young person has no start rating, their first review is used instead.":
        "Mae pobl ifanc yn rhoi sgôr iddynt eu hunain o 1 i 10 ar ambell ran o'u bywyd yn eu hwythnos gyntaf gyda ni, "
        "ac eto pan ddaw eu gwaith gyda ni i ben. Yma rydym yn cymharu sgôr pob person ifanc ar y dechrau â'i sgôr ar "
        "y diwedd, ar gyfer y rhai a orffennodd yn y cyfnod hwn. Lle nad oes sgôr dechrau gan berson ifanc, "
        "defnyddir ei adolygiad cyntaf yn lle hynny.",
    "Dot chart of the average self-rating at the start and at the end for each life area; the table below gives the figures.":
        "Siart dotiau o'r hunan-sgôr gyfartalog ar y dechrau ac ar y diwedd ar gyfer pob rhan o fywyd; mae'r tabl "
        "isod yn rhoi'r ffigurau.",
    "Distance travelled": "Y pellter a deithiwyd",
    "Self-ratings at the start and at the end (1 to 10; n = young people with both)":
        "Hunan-sgoriau ar y dechrau ac ar y diwedd (1 i 10; n = pobl ifanc sydd â'r ddwy)",
    "Life area": "Rhan o fywyd", "Start": "Dechrau", "End": "Diwedd", "Average change": "Newid cyfartalog",
    "Improved": "Wedi gwella", "People with both (n)": "Pobl sydd â'r ddwy (n)",
    "How many young people have both a start and an end rating":
        "Faint o bobl ifanc sydd â sgôr dechrau a sgôr diwedd",
    "Gave an end rating": "Rhoddodd sgôr diwedd", "Start from the start survey": "Dechrau o'r arolwg cychwyn",
    "Start from first review": "Dechrau o'r adolygiad cyntaf",
    "No young person gave an end rating this period.": "Ni roddodd unrhyw berson ifanc sgôr diwedd yn y cyfnod hwn.",

    # --- 6. comments and themes ---
    "Comments written in Welsh this period: {count}. They are quoted in Welsh; the automatic feeling and theme coding reads English, so a person reads every Welsh comment.":
        "Sylwadau a ysgrifennwyd yn Gymraeg yn y cyfnod hwn: {count}. Fe'u dyfynnir yn Gymraeg; mae'r codio "
        "awtomatig ar gyfer teimlad a themâu yn darllen Saesneg, felly mae person yn darllen pob sylw Cymraeg.",
    "No comments were written in Welsh this period.": "Ni ysgrifennwyd unrhyw sylwadau yn Gymraeg yn y cyfnod hwn.",
    "{n} people wrote at least one comment this period.": "Ysgrifennodd {n} o bobl o leiaf un sylw yn y cyfnod hwn.",
    "Fewer than {n} people wrote a comment this period.": "Ysgrifennodd llai na {n} o bobl sylw yn y cyfnod hwn.",
    "Nobody wrote a comment this period.": "Ni ysgrifennodd neb sylw yn y cyfnod hwn.",
    "Each comment is coded into themes by matching words and phrases from our published codebook, so anyone can see why a comment was placed in a theme. A comment can touch several themes, but is quoted under only the one it fits best. Quotes have names (staff names included), social media handles, phone numbers, emails, addresses, schools and dates of birth removed, and a manager approved each one before it was printed.":
        "Caiff pob sylw ei godio i themâu drwy gyfateb "
        "geiriau ac ymadroddion o'n llyfr codau cyhoeddedig, fel y gall unrhyw un weld pam y rhoddwyd sylw mewn "
        "thema. Gall sylw gyffwrdd â sawl thema, ond fe'i dyfynnir o dan yr un sy'n gweddu orau yn unig. Tynnwyd "
        "enwau (gan gynnwys enwau staff), enwau cyfryngau cymdeithasol, rhifau ffôn, cyfeiriadau e-bost, "
        "cyfeiriadau, ysgolion a dyddiadau geni o'r dyfyniadau, a chymeradwyodd rheolwr bob un cyn ei argraffu.",
    "Bar chart of how many people raised each theme; the table below gives the figures.":
        "Siart bar o faint o bobl a gododd bob thema; mae'r tabl isod yn rhoi'r ffigurau.",
    "Themes, how often they came up, and the feeling behind them":
        "Themâu, pa mor aml y codwyd hwy, a'r teimlad y tu ôl iddynt",
    "Theme": "Thema", "People": "Pobl", "Share of commenters": "Cyfran y rhai a wnaeth sylw",
    "Positive": "Cadarnhaol", "Negative": "Negyddol",
    "No comments were coded into themes this period.": "Ni chodiwyd unrhyw sylwadau i themâu yn y cyfnod hwn.",

    # --- 7. victims ---
    "Victims are asked how our contact went once the restorative process closes. Nothing about the young person is shared with them beyond what the process gives.":
        "Gofynnir i ddioddefwyr sut aeth ein cyswllt unwaith y daw'r broses adferol i ben. Ni rennir dim am y person "
        "ifanc â hwy y tu hwnt i'r hyn y mae'r broses yn ei roi.",
    "Headline results for victims": "Prif ganlyniadau i ddioddefwyr",
    "Call-backs: people who asked us to contact them (or told us they feel less safe), and how each request ended":
        "Galwadau yn ôl: pobl a ofynnodd i ni gysylltu â nhw (neu a ddywedodd wrthym eu bod yn teimlo'n llai "
        "diogel), a sut y daeth pob cais i ben",
    "Number": "Nifer", "Requests: {outcome}": "Ceisiadau: {outcome}",
    "Median time from asking to the call": "Amser canolrif rhwng gofyn a'r alwad",
    "{hours} hours ({calls} calls)": "{hours} awr ({calls} o alwadau)",
    "{text} ({n} people)": "{text} ({n} o bobl)",
    "Answer": "Ateb", "Share": "Cyfran",

    # --- 8. you said, we did ---
    "What we changed in answer to feedback this period, and what is still being worked on. People who asked to hear what changed are sent a short message about last quarter's actions.":
        "Beth a newidiwyd gennym mewn ymateb i adborth yn y cyfnod hwn, a'r hyn sy'n dal ar waith. Anfonir neges "
        "fer am gamau'r chwarter diwethaf at bobl a ofynnodd am gael clywed beth a newidiodd.",
    "You said, we did": "Dywedoch chi, gwnaethom ni",
    "Actions done this period, then those still open": "Camau a gwblhawyd yn y cyfnod hwn, yna'r rhai sy'n dal ar agor",
    "You said (theme)": "Dywedoch chi (thema)", "We did": "Gwnaethom ni", "Date": "Dyddiad", "Owner": "Perchennog",
    "Status": "Statws",
    "No actions were recorded for this period, and none are open.":
        "Ni chofnodwyd unrhyw gamau ar gyfer y cyfnod hwn, ac nid oes yr un ar agor.",

    # --- 9. safeguarding ---
    "When something a person writes may show that they or someone else is at risk, an alert goes at once to the duty worker. <strong>Urgent</strong> alerts need help now; <strong>review</strong> alerts are read the same day. An alert is “taken” when a duty worker presses “I'm dealing with this”. Our target is to take every urgent alert within {minutes} minutes and every review alert within {hours} hours.":
        "Pan allai rhywbeth y mae person yn ei ysgrifennu ddangos ei fod ef neu rywun arall mewn perygl, mae rhybudd "
        "yn mynd ar unwaith at y gweithiwr ar ddyletswydd. Mae angen help ar unwaith ar rybuddion <strong>brys</strong>; "
        "caiff rhybuddion <strong>adolygu</strong> eu darllen yr un diwrnod. Mae rhybudd wedi'i “gymryd” pan fydd "
        "gweithiwr ar ddyletswydd yn pwyso “Rwy'n delio â hyn”. Ein targed yw cymryd pob rhybudd brys o fewn {minutes} "
        "munud a phob rhybudd adolygu o fewn {hours} awr.",
    "These figures count how staff responded, not people, so they are shown however small they are: a missed alert is exactly what the board needs to see. This report never shows what anyone wrote in an alert, what kind of risk it was or whose case it was, and no quote in this report comes from a comment that raised an alert.":
        "Mae'r ffigurau hyn yn cyfrif sut yr ymatebodd staff, nid pobl, felly fe'u dangosir waeth pa mor fach ydynt: "
        "rhybudd a fethwyd yw'r union beth y mae angen i'r bwrdd ei weld. Nid yw'r adroddiad hwn byth yn dangos beth "
        "a ysgrifennodd unrhyw un mewn rhybudd, pa fath o risg ydoedd nac achos pwy ydoedd, ac nid oes unrhyw "
        "ddyfyniad yn yr adroddiad hwn yn dod o sylw a gododd rybudd.",
    "Alerts raised this period and how quickly a duty worker took them":
        "Rhybuddion a godwyd yn y cyfnod hwn a pha mor gyflym y cawsant eu cymryd gan weithiwr ar ddyletswydd",
    "Alerts raised": "Rhybuddion a godwyd", "Never taken (still open)": "Heb eu cymryd (yn dal ar agor)",
    "Median time to take": "Amser canolrif i'w cymryd",
    "Target": "Targed", "Taken in time": "Wedi'u cymryd mewn pryd", "Taken late": "Wedi'u cymryd yn hwyr",
    "Share taken in time": "Cyfran a gymerwyd mewn pryd",
    "each by its own tier": "pob un yn ôl ei haen ei hun",
    "“Never taken” means no duty worker had taken the alert when this report was made. Times are counted from when the alert was raised, day or night. The median is the middle time: half of the alerts taken were taken faster than this.":
        "Mae “Heb eu cymryd” yn golygu nad oedd unrhyw weithiwr ar ddyletswydd wedi cymryd y rhybudd pan luniwyd yr "
        "adroddiad hwn. Cyfrifir amseroedd o'r adeg y codwyd y rhybudd, ddydd neu nos. Y canolrif yw'r amser "
        "canol: cymerwyd hanner y rhybuddion a gymerwyd yn gynt na hyn.",

    # --- 10. methods ---
    "<strong>Period.</strong> {label}: {description}. An invitation counts in the period in which it was sent, and its answers count there too, even if given a few days later.":
        "<strong>Cyfnod.</strong> {label}: {description}. Mae gwahoddiad yn cyfrif yn y cyfnod pan gafodd ei anfon, "
        "ac mae ei atebion yn cyfrif yno hefyd, hyd yn oed os cawsant eu rhoi ychydig ddyddiau'n ddiweddarach.",
    "<strong>Response rate</strong> is the share of people invited who answered at least one question; <strong>answered to the end</strong> the share who finished a survey. Every question can be skipped, so each figure has its own n.":
        "<strong>Cyfradd ymateb</strong> yw cyfran y bobl a wahoddwyd a atebodd o leiaf un cwestiwn; <strong>atebodd "
        "hyd y diwedd</strong> yw'r gyfran a orffennodd arolwg. Gellir hepgor pob cwestiwn, felly mae gan bob ffigur "
        "ei n ei hun.",
    "<strong>People, not answers.</strong> Every n is people. A response rate is the share of people invited who answered at least one question. Satisfaction is the share of people whose average 1 to 5 rating was 4 or 5; someone who answered several times counts once, by their own average. The 95% ranges are worked out over people too.":
        "<strong>Pobl, nid atebion.</strong> Pobl yw pob n. Cyfradd ymateb yw cyfran y bobl a wahoddwyd a atebodd o "
        "leiaf un cwestiwn. Bodlonrwydd yw cyfran y bobl yr oedd eu sgôr gyfartalog o 1 i 5 yn 4 neu 5; mae rhywun a "
        "atebodd sawl gwaith yn cyfrif unwaith, yn ôl ei gyfartaledd ei hun. Cyfrifir yr ystodau 95% dros bobl hefyd.",
    "<strong>Comments</strong>: of the people who answered an open question, the share whose comments were mostly positive, mixed or neutral, and mostly negative (each comment counts +1 positive, −1 negative, 0 otherwise, and a person's comments are averaged). A suggestion in answer to “What could we do better?” asks for something and is never counted as negative. It is rated against its own target ({green}% mostly positive is on target, {amber}% near), lower than for ratings because many comments are neutral.":
        "<strong>Sylwadau</strong>: o'r bobl a atebodd gwestiwn agored, cyfran y rhai yr oedd eu sylwadau'n "
        "gadarnhaol gan mwyaf, yn gymysg neu'n niwtral, ac yn negyddol gan mwyaf (mae pob sylw'n cyfrif +1 "
        "cadarnhaol, −1 negyddol, 0 fel arall, a chyfrifir cyfartaledd sylwadau person). Mae awgrym mewn ateb i “Beth "
        "allen ni ei wneud yn well?” yn gofyn am rywbeth ac ni chaiff byth ei gyfrif yn negyddol. Rhoddir sgôr iddo "
        "yn erbyn ei darged ei hun ({green}% cadarnhaol gan mwyaf yw'r targed, {amber}% yn agos), sy'n is nag ar "
        "gyfer sgoriau oherwydd bod llawer o sylwadau'n niwtral.",
    "<strong>Call-backs</strong> count people who asked to be contacted, not answers; their outcomes count requests. The median time from asking to the call describes staff response, so it is shown whatever its size. <strong>Feel safer</strong> reads the two-week check-in and the three-month follow-up, each person once, by their latest answer.":
        "Mae <strong>galwadau yn ôl</strong> yn cyfrif pobl a ofynnodd am gael eu ffonio, nid atebion; mae eu "
        "canlyniadau'n cyfrif ceisiadau. Mae'r amser canolrif rhwng gofyn a'r alwad yn disgrifio ymateb staff, felly "
        "fe'i dangosir waeth beth yw ei faint. Mae <strong>teimlo'n fwy diogel</strong> yn darllen y gwiriad "
        "pythefnos a'r dilyniant tri mis, pob person unwaith, yn ôl ei ateb diweddaraf.",
    "<strong>Sentiment</strong> (positive, neutral, negative) is scored automatically when a comment arrives, by a small model trained on comments written by young people, parents, victims and adult patients, together with TextBlob's word scores and the question asked. <strong>Themes</strong> come from a codebook of words and phrases that staff can read and change, and example sentences for each theme; a comment is quoted under the one theme it fits best. Both are guides, not judgements about a person.":
        "Rhoddir sgôr <strong>teimlad</strong> (cadarnhaol, niwtral, negyddol) yn awtomatig pan ddaw sylw i mewn, gan "
        "fodel bach a hyfforddwyd ar sylwadau gan bobl ifanc, rhieni, dioddefwyr a chleifion sy'n oedolion, ynghyd â "
        "sgoriau geiriau TextBlob a'r cwestiwn a ofynnwyd. Daw <strong>themâu</strong> o lyfr codau o eiriau ac "
        "ymadroddion y gall staff eu darllen a'u newid, ac enghreifftiau o frawddegau ar gyfer pob thema; dyfynnir "
        "sylw o dan yr un thema y mae'n gweddu orau iddi. Canllawiau yw'r ddau, nid barn am berson.",
    "<strong>95% range</strong>: the Wilson score interval, which stays sensible for small groups and for 0% or 100%.":
        "<strong>Ystod 95%</strong>: cyfwng sgôr Wilson, sy'n aros yn synhwyrol ar gyfer grwpiau bach ac ar gyfer 0% "
        "neu 100%.",
    "<strong>Small numbers.</strong> Any count or percentage resting on fewer than {n} people is shown as “fewer than {n}”. Where exactly one group in a table would be hidden, the next smallest group is hidden too (“hidden to protect a small group”), so the first cannot be worked out by subtraction. Quotes only come from themes and groups with at least {n} people. Counts of people (call-backs, people giving an answer) of 1 to 4 are hidden; zero is shown. A percentage that restates such counts, like “feel safer”, is hidden when either side of it is 1 to 4.":
        "<strong>Niferoedd bach.</strong> Dangosir unrhyw gyfrif neu ganran sy'n seiliedig ar lai na {n} o bobl fel "
        "“llai na {n}”. Lle byddai union un grŵp mewn tabl yn cael ei guddio, caiff y grŵp lleiaf nesaf ei guddio "
        "hefyd (“cudd i ddiogelu grŵp bach”), fel na ellir cyfrifo'r cyntaf drwy dynnu. Daw dyfyniadau o themâu a "
        "grwpiau ag o leiaf {n} o bobl yn unig. Cuddir cyfrifon pobl (galwadau yn ôl, pobl yn rhoi ateb) o 1 i 4; "
        "dangosir sero. Cuddir canran sy'n ailadrodd cyfrifon o'r fath, fel “teimlo'n fwy diogel”, pan fo'r naill "
        "ochr neu'r llall ohoni rhwng 1 a 4.",
    "<strong>Safeguarding figures are not hidden when small.</strong> They count how staff responded to alerts (raised, taken in time, taken late, never taken, median time to take), not people, and hold no text, kind of risk or case reference, so a small number identifies nobody; hiding it would hide a missed alert from the board.":
        "<strong>Nid yw ffigurau diogelu'n cael eu cuddio pan fônt yn fach.</strong> Maent yn cyfrif sut yr ymatebodd "
        "staff i rybuddion (a godwyd, a gymerwyd mewn pryd, a gymerwyd yn hwyr, na chymerwyd erioed, amser canolrif "
        "i'w cymryd), nid pobl, ac nid ydynt yn cynnwys testun, math o risg na chyfeirnod achos, felly nid yw nifer "
        "bach yn adnabod neb; byddai ei guddio'n cuddio rhybudd a fethwyd rhag y bwrdd.",
    "<strong>Quotes never come from an alert.</strong> A comment that raised a safeguarding alert, or that our safeguarding check would flag today, is never quoted. It still counts in the themes and the feeling behind them.":
        "<strong>Nid yw dyfyniadau byth yn dod o rybudd.</strong> Ni ddyfynnir byth sylw a gododd rybudd diogelu, "
        "neu y byddai ein gwiriad diogelu'n ei nodi heddiw. Mae'n dal i gyfrif yn y themâu a'r teimlad y tu ôl "
        "iddynt.",
    "<strong>Distance travelled</strong> compares a young person's 1 to 10 self-ratings at the start (the start-of-intervention survey, or their first review where there is none) and at the end (the exit survey).":
        "Mae'r <strong>pellter a deithiwyd</strong> yn cymharu hunan-sgoriau 1 i 10 person ifanc ar y dechrau (yr "
        "arolwg ar ddechrau'r ymyriad, neu ei adolygiad cyntaf lle nad oes un) ac ar y diwedd (yr arolwg gadael).",
    "<strong>Groups</strong> are merged before small numbers are hidden, as official statistics do; each table says what was merged. Type of disposal: out-of-court (community resolutions and cautions), first-tier court orders (such as referral orders), and community orders or custody.":
        "Caiff <strong>grwpiau</strong> eu cyfuno cyn i niferoedd bach gael eu cuddio, fel y mae ystadegau swyddogol "
        "yn ei wneud; mae pob tabl yn dweud beth a gyfunwyd. Math o warediad: y tu allan i'r llys (datrysiadau "
        "cymunedol a rhybuddiadau), gorchmynion llys haen gyntaf (fel gorchmynion atgyfeirio), a gorchmynion "
        "cymunedol neu ddalfa.",
    "<strong>Privacy.</strong> This report holds no names or case references. People are known to the system only by pseudonymous case references.":
        "<strong>Preifatrwydd.</strong> Nid yw'r adroddiad hwn yn cynnwys unrhyw enwau na chyfeirnodau achos. Dim "
        "ond drwy gyfeirnodau achos ffugenwol y mae'r system yn adnabod pobl.",

    # --- the charts (analysis/report.py) ---
    "Satisfied (average 4 or 5)": "Bodlon (cyfartaledd 4 neu 5)",
    "Fewer than three quarters\nto draw a trend": "Llai na thri chwarter\ni lunio tuedd",
    "At the start": "Ar y dechrau", "At the end": "Ar y diwedd",
    "Average self-rating (1 to 10)": "Hunan-sgôr gyfartalog (1 i 10)",
    "Share of people who wrote a comment": "Cyfran y bobl a ysgrifennodd sylw",

    # --- the PDF's page footer ---
    "Feedback report – aggregated figures only, no personal data":
        "Adroddiad adborth – ffigurau cyfanredol yn unig, dim data personol",
    "Page {page} of {pages}": "Tudalen {page} o {pages}",
}

# Wording around a figure or setting: (English pattern, Welsh); each {0}, {1} is the matching part,
# itself translated (so "Improved: Feeling ok" becomes "Wedi gwella: Teimlo'n iawn").
PATTERNS: list[tuple[str, str]] = [
    (r"On target \((\d+%)\+\)", "Ar y targed ({0}+)"),
    (r"Near target \((\d+%)\+\)", "Yn agos at y targed ({0}+)"),
    (r"Below (\d+%)", "Islaw {0}"),
    (r"([+−]\d+) points", "{0} pwynt"),
    (r"fewer than (\d+)", "llai na {0}"),
    (r"(\d+%) to (\d+%)", "{0} i {1}"),
    (r"(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})", "{0} i {1}"),  # a period of dates, as heard labels it
    (r"1 minute", "1 munud"),
    (r"(\d+) minutes", "{0} munud"),
    (r"Improved: (.+)", "Wedi gwella: {0}"),
    (r"Urgent safeguarding alerts taken by a duty worker within (\d+) minutes",
     "Rhybuddion diogelu brys a gymerwyd gan weithiwr ar ddyletswydd o fewn {0} munud"),
    (r"Review alerts taken within (\d+) hours", "Rhybuddion adolygu a gymerwyd o fewn {0} awr"),
    (r"within (\d+) minutes", "o fewn {0} munud"),
    (r"within (\d+) hours", "o fewn {0} awr"),
]
_PATTERNS = [(re.compile(f"^{english}$", re.S), welsh) for english, welsh in PATTERNS]


TEMPLATE = Path(__file__).with_name("templates") / "report.html.j2"
# A whole English key in the template: _("...") or _html("..."), not the start of a joined one (_("..." ~ n)).
_TEMPLATE_KEY = re.compile(r'\b_(?:html)?\("((?:[^"\\]|\\.)*)"\s*[,)]')


def template_strings(template: Path = TEMPLATE) -> list[str]:
    """Every fixed English key the report's template says, in order of first use."""
    keys = (match.group(1).replace('\\"', '"') for match in _TEMPLATE_KEY.finditer(template.read_text(encoding="utf-8")))
    return list(dict.fromkeys(keys))


def report_strings() -> list[tuple[str, str, str | None]]:
    """(name, English, Welsh or None) for `heard surveys welsh` and `heard surveys check`: every entry
    here, and every key the template says (None where it has no Welsh yet). Named ``report:`` and the
    English's start, which is how to find it in this file."""
    keys = list(dict.fromkeys([*REPORT_CY, *template_strings()]))
    return [(f"report:{_short(english)}", english, REPORT_CY.get(english)) for english in keys] + [
        (f"report:pattern {_short(english)}", english, welsh) for english, welsh in PATTERNS]


def _short(english: str, width: int = 60) -> str:
    line = " ".join(english.split())
    return line if len(line) <= width else line[:width - 1].rstrip() + "…"


def survey_words(definitions: Mapping[str, object]) -> dict[str, str]:
    """English → Welsh for every survey question and answer option that has both (the report names them)."""
    words: dict[str, str] = {}

    def add(text_map) -> None:  # a dict, or the schema's Text (which reads like one)
        english, welsh = (text_map.get("en"), text_map.get("cy")) if hasattr(text_map, "get") else (None, None)
        if english and welsh:
            words.setdefault(english, welsh)

    for definition in definitions.values():
        for question in getattr(definition, "questions", ()) or ():
            add(getattr(question, "text", None))
            for option in getattr(question, "options", None) or ():
                add(getattr(option, "label", None))
    return words


def translator(lang: str, extra: Mapping[str, str] | None = None) -> Say:
    """The function the template calls as ``_``: Welsh where there is some, else the English as given.

    ``extra`` adds wording from elsewhere (the surveys' own Welsh); the report's own entries win.
    """
    if lang != "cy":
        return lambda english, **values: english.format(**values) if values else english
    words = {**(extra or {}), **REPORT_CY}
    folded = {english.casefold(): welsh for english, welsh in words.items()}

    def say(english, **values) -> str:
        english = str(english)
        welsh = words.get(english) or folded.get(english.casefold()) or _pattern(english, say) or english
        return welsh.format(**values) if values else welsh

    return say


def _pattern(english: str, say: Say) -> str | None:
    for pattern, welsh in _PATTERNS:
        match = pattern.match(english)
        if match:
            # braces in a translated part must not be read as slots by a later .format()
            return welsh.format(*(say(part).replace("{", "{{").replace("}", "}}") for part in match.groups()))
    return None


def date_words(day: date, lang: str = "en", short: bool = False) -> str:
    """``30 November 2026`` / ``30 Tachwedd 2026`` (``short``: ``30 Nov 2026`` / ``30 Tach 2026``)."""
    if lang == "cy":
        return f"{day.day} {(SHORT_MONTHS if short else MONTHS)[day.month - 1]} {day.year}"
    return day.strftime("%-d %b %Y" if short else "%-d %B %Y")


def _span_cy(first: date, last: date) -> str:
    """Welsh for the dates a period covers, as :func:`analysis.aggregate.Period.description` says them in English."""
    if first.day == 1 and (last + timedelta(days=1)).day == 1:  # whole months
        if (first.year, first.month) == (last.year, last.month):
            return f"{MONTHS[last.month - 1]} {last.year}"
        begin = MONTHS[first.month - 1] + ("" if first.year == last.year else f" {first.year}")
        return f"{begin} i {MONTHS_AFTER_I[last.month - 1]} {last.year}"
    return f"{date_words(first, 'cy')} i {date_words(last, 'cy')}"


def period_words(period: Period, lang: str = "en") -> str:
    """What the period is, in words: "chwarter ariannol 2 o 2026-27 (Gorffennaf i Fedi 2026)"."""
    if lang != "cy":
        return period.description
    span = _span_cy(period.start, period.last_day)
    if period.kind == "range":
        return span
    if period.kind == "year":
        return f"blwyddyn {'galendr' if period.calendar else 'ariannol'} {period.label} ({span})"
    year, number = period.label.rsplit("-Q", 1)
    return f"chwarter {'calendr' if period.calendar else 'ariannol'} {number} o {year} ({span})"


def page_css(say: Say) -> str:
    """The PDF's page footer, in the report's language (CSS strings, so quotes and backslashes escaped)."""
    def css(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    note = css(say("Feedback report – aggregated figures only, no personal data"))
    page = say("Page {page} of {pages}")
    before, _, rest = page.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    counter = f'{css(before)} counter(page) {css(middle)} counter(pages) {css(after)}'
    return ("@page {\n"
            f"  @bottom-left {{ content: {note}; font-size: 7.5pt; color: #666; }}\n"
            f"  @bottom-right {{ content: {counter}; font-size: 7.5pt; color: #666; }}\n"
            "}\n")
