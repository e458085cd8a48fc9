"""Cymraeg for the board report's fixed wording: headings, table captions, column labels and notes.

`heard report --lang cy` renders the template with these. Keyed by the English as the template
says it, so a missing entry shows English rather than nothing. Figures, the key points and the
month names are still in English; quotes are shown in the language they were written in.
Not yet reviewed by a Welsh speaker (docs/surveys.md says how to correct it).
"""

from __future__ import annotations

REPORT_CY: dict[str, str] = {
    # response by channel (issue 15)
    "How they were asked: Telegram, the web page, text message or email (n = people invited)":
        "Sut y gofynnwyd iddyn nhw: Telegram, y dudalen we, neges destun neu e-bost (n = pobl a wahoddwyd)",
    "Channel": "Sianel", "Telegram": "Telegram", "Web page": "Tudalen we", "Text message (SMS)": "Neges destun (SMS)",
    "Email": "E-bost",
    # the key points at the top (analysis/report.py: key_points)
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
    # lower case only in the key points, after "o": so soft-mutated
    "young people": "bobl ifanc", "parents and carers": "rieni a gofalwyr", "victims": "ddioddefwyr",
    "reparation placements": "leoliadau gwneud iawn",
    # journey areas and themes, as the key points name them
    "Feeling ok": "Teimlo'n iawn", "Getting on at home": "Dod ymlaen gartref", "School or work": "Ysgol neu waith",
    "Felt listened to": "Teimlo bod rhywun yn gwrando", "Relationship with the worker": "Y berthynas â'r gweithiwr",
    "Things explained clearly": "Esbonio pethau'n glir", "Consequences and victims": "Canlyniadau a dioddefwyr",
    "Education, school and training": "Addysg, ysgol a hyfforddiant",
    "Emotional wellbeing and mental health": "Lles emosiynol ac iechyd meddwl", "Family support": "Cefnogaeth i'r teulu",
    "Safety, gangs and exploitation": "Diogelwch, gangiau a chamfanteisio", "Drugs and alcohol": "Cyffuriau ac alcohol",
    "Fairness and speed of the process": "Tegwch a chyflymder y broses", "Activities and skills": "Gweithgareddau a sgiliau",
    "Practical access": "Mynediad ymarferol", "Support for victims": "Cefnogaeth i ddioddefwyr",
    "Feeling safer": "Teimlo'n fwy diogel", "Apology and remorse": "Ymddiheuriad ac edifeirwch",
    "Restorative process": "Y broses adferol",
    # headings
    "What children, families and victims told us": "Beth ddywedodd plant, teuluoedd a dioddefwyr wrthym ni",
    "feedback report": "adroddiad adborth",
    "Feedback report to the Management Board": "Adroddiad adborth i'r Bwrdd Rheoli",
    "Produced": "Cynhyrchwyd",
    "Every percentage shows how many people it rests on (n). Figures resting on fewer than {n} people are not shown.":
        "Mae pob canran yn dangos ar faint o bobl mae'n seiliedig (n). Dydy ffigurau sy'n seiliedig ar lai na {n} o bobl ddim yn cael eu dangos.",
    "1. Summary": "1. Crynodeb",
    "2. Who answered and how satisfied they were": "2. Pwy atebodd a pha mor fodlon oedden nhw",
    "3. Differences between groups of children": "3. Gwahaniaethau rhwng grwpiau o blant",
    "4. How things have changed over the year": "4. Sut mae pethau wedi newid dros y flwyddyn",
    "5. Distance travelled": "5. Y pellter a deithiwyd",
    "6. What people told us in their own words": "6. Beth ddywedodd pobl wrthym ni yn eu geiriau eu hunain",
    "7. Victims": "7. Dioddefwyr",
    "8. You said, we did": "8. Dywedoch chi, gwnaethon ni",
    "9. Safeguarding alerts": "9. Rhybuddion diogelu",
    "10. How these figures were made": "10. Sut cafodd y ffigurau hyn eu gwneud",
    # captions
    "Headline measures against the board's targets": "Prif fesurau o'u cymharu â thargedau'r bwrdd",
    "Response and satisfaction by group (n = ratings given, and comments written)":
        "Ymateb a bodlonrwydd fesul grŵp (n = sgoriau a roddwyd, a sylwadau a ysgrifennwyd)",
    "Last four quarters": "Y pedwar chwarter diwethaf",
    "First and latest self-ratings (1 to 10)": "Hunan-sgoriau cyntaf a diweddaraf (1 i 10)",
    "Themes, how often they came up, and the feeling behind them":
        "Themâu, pa mor aml y daethon nhw i fyny, a'r teimlad y tu ôl iddyn nhw",
    "Headline results for victims": "Prif ganlyniadau i ddioddefwyr",
    "What we changed this period in answer to feedback": "Beth wnaethon ni ei newid y cyfnod hwn mewn ymateb i adborth",
    "Alerts raised this period and how quickly a duty worker took them":
        "Rhybuddion a godwyd y cyfnod hwn a pha mor gyflym y cawson nhw eu cymryd gan weithiwr ar ddyletswydd",
    # column and row labels
    "Measure": "Mesur", "Who": "Pwy", "Result": "Canlyniad", "95% range": "Ystod 95%", "Rating": "Sgôr",
    "Group": "Grŵp", "Invited": "Gwahoddwyd", "Responded": "Ymatebodd", "Completed": "Cwblhawyd",
    "Rated 4–5": "Sgôr 4–5", "Positive comments": "Sylwadau cadarnhaol", "Question": "Cwestiwn",
    "Average": "Cyfartaledd", "Answered": "Atebodd", "Quarter": "Chwarter", "Response rate": "Cyfradd ymateb",
    "Ratings of 4 or 5": "Sgoriau 4 neu 5", "Life area": "Rhan o fywyd", "First": "Cyntaf", "Latest": "Diweddaraf",
    "Average change": "Newid cyfartalog", "Improved": "Wedi gwella", "Theme": "Thema", "People": "Pobl",
    "Share of commenters": "Cyfran y rhai a wnaeth sylw", "Positive": "Cadarnhaol", "Negative": "Negyddol",
    "Feel safer after our contact": "Yn teimlo'n fwy diogel ar ôl ein cyswllt",
    "Asked for a call back": "Wedi gofyn am alwad yn ôl", "Answer": "Ateb", "Share": "Cyfran",
    "You said (theme)": "Dywedoch chi (thema)", "We did": "Gwnaethon ni", "Alerts raised": "Rhybuddion a godwyd",
    "Never taken (still open)": "Heb eu cymryd (dal ar agor)", "Median time to take": "Amser canolrif i'w cymryd",
    "Young people": "Pobl ifanc", "Parents and carers": "Rhieni a gofalwyr", "Victims": "Dioddefwyr",
    "Reparation placements": "Lleoliadau gwneud iawn", "Urgent": "Brys", "Review": "Adolygu", "All alerts": "Pob rhybudd",
    # notes
    "Ratings: GREEN on target, AMBER close to target, RED needs attention, GREY not enough answers to rate. The rating is written out, so it does not rely on colour. The 95% range shows how far the true figure could reasonably be from the one measured, given how few people answered.":
        "Sgoriau: GREEN (gwyrdd) ar y targed, AMBER (ambr) yn agos at y targed, RED (coch) angen sylw, GREY (llwyd) dim digon o atebion i roi sgôr. Mae'r sgôr wedi'i hysgrifennu, felly dydy hi ddim yn dibynnu ar liw. Mae'r ystod 95% yn dangos pa mor bell y gallai'r gwir ffigur fod o'r un a fesurwyd, o ystyried cyn lleied o bobl a atebodd.",
    "Comments written in Welsh this period: {count}. They are quoted in Welsh; the automatic feeling and theme coding reads English, so a person reads every Welsh comment.":
        "Sylwadau a ysgrifennwyd yn Gymraeg y cyfnod hwn: {count}. Maen nhw'n cael eu dyfynnu yn Gymraeg; mae'r codio awtomatig ar gyfer teimlad a themâu yn darllen Saesneg, felly mae person yn darllen pob sylw Cymraeg.",
    "No comments were coded into themes this period.": "Ni chafodd unrhyw sylwadau eu codio i themâu y cyfnod hwn.",
    "No actions were recorded this period.": "Ni chofnodwyd unrhyw gamau gweithredu y cyfnod hwn.",
    "“Never taken” means no duty worker had taken the alert when this report was made. Times are counted from when the alert was raised, day or night. The median is the middle time: half of the alerts taken were taken faster than this.":
        "Mae “Heb eu cymryd” yn golygu nad oedd unrhyw weithiwr ar ddyletswydd wedi cymryd y rhybudd pan gafodd yr adroddiad hwn ei wneud. Mae amseroedd yn cael eu cyfrif o'r adeg y codwyd y rhybudd, ddydd neu nos. Y canolrif yw'r amser canol: cafodd hanner y rhybuddion a gymerwyd eu cymryd yn gynt na hyn.",
}


def translator(lang: str):
    """The function the template calls as ``_``: Welsh where there is some, else the English as given."""
    words = REPORT_CY if lang == "cy" else {}
    return lambda english, **values: words.get(english, english).format(**values) if values \
        else words.get(english, english)
