"""Take identifying details out of free text before it goes anywhere near a report.

Pragmatic, not perfect: it removes what people commonly type (first names, surnames after a title,
phones, emails, handles, addresses, postcodes, estates, schools, towns and districts, dates of
birth, case references) and leans towards redacting when in doubt. How it decides:

- **Names** come from our own list of names common in UK schools (Welsh, Irish, South Asian,
  African, Caribbean, Polish and Arabic names among them) and from the US Census 1990 first-name
  and surname lists shipped in the `names` package (MIT; the census data is public domain). A
  name that is also an English word (TextBlob's lexicon and spelling list: "Will", "Grace",
  "Bill", "Hope") needs more evidence: a title before it ("Mr Rich"), a name-like verb after it
  ("Will helped"), or a person word before it ("my worker will" is not enough: "will" stays).
  Typed in lower case, a name is taken when it is not an English word ("my worker jess",
  "me and kyle"). A capitalised word that is in none of our lists and that TextBlob's lexicon
  does not know either, mid-sentence, is taken as a name or place ("thanks to Nkechi"), and so is
  a listed name typed in capitals ("JAYDEN WAS A LEGEND"). Titles take the name after them, an
  initial too ("Mr B", "Nanny Pat", "Cardinal Newman", "Mr and Mrs Kaur"), and so do "Big"/"Lil"
  before a nickname ("Big T").
- **What the sentence says** decides a name that is also a word, or one no list holds: "thank you
  X", "ask for X", "X, my eldest", "X, he's", "X my worker", "X was my worker", "X's mum", "our X",
  "my mate x", "told x", "X from the team", "X made", "calls him X", "known as X"; a capitalised
  first name mid-sentence that is not part of a longer proper noun ("Mei in the group"); a list
  ("Faith and Joy", "dani n jordan": one name makes its neighbours names); virtue names (Blessing,
  Precious, Justice) count as names that are words. A lower-case word no dictionary knows is a name
  only with such a cue, and never when it is two words run together ("lowkey", "eggshells") or a
  word missing its apostrophe ("weve", "hasnt").
- **Places** come from `uk_places.txt`: every UK town, village and city district GeoNames lists
  with 500 or more people, Welsh forms of Welsh places, and inner-city districts added by hand
  (built by `analysis/tools/build_uk_places.py`, which says where the data comes from). A place
  that is also an English word ("Reading", "Sale", "Bath") is taken only when capitalised right
  after "in", "from", "to", "near"... A place followed by a club or landmark word ("Leeds
  United", "Manchester Airport"), or after "support", or before "were"/"won" with no "in"/"at"
  ("Leeds were playing"), is left alone; a club that is a district too ("Everton", "Tottenham") is
  a place after "live in", "from", or an address. A town too small for the gazetteer is known by
  its shape ("-thorpe", "-worth", "-ley", "Llan-", "Aber-", "Pen-y-graig") after "in"/"from" or
  at a sentence's start. Countries (pycountry's ISO 3166 names) are kept, unless a country's name
  is a person's ("Jordan helped me").
- **Addresses**: a street word ("Road", "Close"...), "the X estate" ("the" goes too), "X flats",
  flat and house numbers ("Flat 3", "Number 9", "Kestrel House"), care homes, pubs ("the Miners
  Arms", "the Duke of York"), a shop named after its owner ("Raj's News"), schools and colleges
  ("X Academy", "St X's", "Ysgol X", "Coleg X", "X PRU", also typed in lower case), postcodes.

- **General mechanisms** (round 7, `analysis/redact_general.py`; word lists in `analysis/redact_words.py`):
  a text typed mostly in capitals is read in ordinary case and given back in its capitals; handles
  without "@" ("kayden_x", "skeng22"; not "gr8", "y10", "ps5"); once part of a run of capitalised
  words is removed the rest goes ("[place] Island", "[name] Boxing Club", "Ravi's Off Licence",
  "Mr Van der Berg"), stopping at facilities, languages, days and months ("[place] Shopping Centre");
  a lower-case given name, surname or initial after a name ("ellie mae", "connor b"); initials and
  short handles beside a name in a list ("DJ n Rhys", "k2 and skeng22", "J.B."); "big T", "Skinny J",
  "lil zee"; a local club ("Ely Rangers"; a club in the national leagues stays); titles in lower case
  ("miss Jenkins", "ms o'brien"; "i miss Leeds" keeps its verb); a capitalised word at a sentence's
  start that no dictionary knows and that is no typo of a word ("Jaydn", not "Realy", "Sooo",
  "Inshallah", "Dzień dobry"); a first name or a word-name opening an answer with a person cue after
  ("summer from yot came", "sky was my sisters friend", "chase got me into boxing"), never with a
  thing after ("Summer was when it all kicked off", "Rocky was the film we watched").

Known limits: a name or place in none of the lists, typed in lower case, with no cue around it
("went round shazzas") stays; so does a capitalised one at the start of a sentence with no verb
after it, a name that is an ordinary word typed in lower case ("tell precious"), and a nickname
with no cue ("Smudge (that's what everyone calls my worker)"). Organisations, brands, months and
days are kept by design, so a town that shares its name with one of them ("Mold" in lower case)
can survive. Quotes still go past a manager before the board sees them (`heard quotes review`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from analysis.language import looks_welsh
from analysis.redact_words import (  # noqa: F401 (names other modules and tests read from here)
    _ABSTRACT_NAMES, ALL_CURATED_NAMES, AMBIGUOUS_NAMES, COMMON_FIRST_NAMES, KNOWN_NOT_NAMES, MORE_FIRST_NAMES, NATIONALITIES,
    ORDINARY_WORD_COUNT, _AUXILIARIES, _HOME_NOUNS, _MONTHS_AND_DAYS, _PERSON_NOUNS, _PRONOUNS, _SENTENCE_END,
    _all_first_names, _english_word_counts, _known_word, _lexicon_words, _made_of_words, _proper_noun_only,
    _proper_nouns_only, census_names, countries, in_long_word_list, is_english_word, lexicon_tags,
    replace_group)
from analysis.redact_general import (_inflected, extend_runs, is_shouted, is_title_cased, one_edit_from_english,
                                      redact_handles, redact_cued_word_names, redact_lower_case_places, redact_nicknames,
                                      redact_unknown_words, reshout, unshout, untitle)

PLACES_PATH = Path(__file__).with_name("uk_places.txt")


_NAME_LIKE_NEXT = frozenset({"was", "is", "has", "had", "helped", "listened", "explained", "always", "never",
                             "and", "came", "made", "told", "said", "got", "gave", "took", "understood", "were",
                             "rang", "called", "sorted", "phoned", "texted", "from", "at", "did", "does",
                             "kept", "took", "showed", "taught", "went", "picked", "drove", "visited",
                             "deserves", "helps", "knows", "says", "gets", "makes", "takes", "gives", "listens",
                             "understands", "cares", "works", "goes", "comes", "needs", "tries", "runs", "keeps",
                             "rings", "texts", "checks", "sorts", "ran", "sat", "met", "saw", "knew", "felt",
                             "found", "left", "brought", "spoke", "wrote", "believed", "supported", "stayed",
                             "looked", "tried", "treated", "pushed", "checked", "asked", "let", "put", "set",
                             "would", "will", "could", "can", "should", "really", "also", "just", "actually",
                             "still", "even", "literally", "definitely", "honestly", "genuinely", "translated",
                             "interpreted", "organised", "organized", "arranged", "encouraged", "reassured",
                             "advised", "introduced", "referred", "booked", "collected", "mentored", "coached",
                             "supervised", "been", "checked", "rung", "messaged", "emailed", "listened"})
# Verbs that only a person's name comes before ("Rasa translated"; a firm "helps" too, so not that)
_PERSON_ONLY_VERBS = frozenset({"listened", "explained", "translated", "interpreted", "understood", "texted", "rang",
                                "phoned", "believed", "encouraged", "reassured", "mentored", "coached", "cared"})
# At a sentence's start a capitalised word proves nothing: "Hope is all we have", "Grace and patience".
_STRONG_NAME_NEXT = _NAME_LIKE_NEXT - {"is", "and", "has", "had", "from", "at", "always", "never", "were", "did",
                                       "does", "made", "got", "gave", "took", "went", "kept", "called", "would",
                                       "will", "could", "can", "should", "really", "also", "just", "actually",
                                       "still", "even", "literally", "definitely", "honestly", "genuinely", "let",
                                       "put", "set", "felt", "left", "found", "saw", "knew", "needs", "comes",
                                       "goes", "works", "runs", "keeps", "makes", "takes", "gets", "gives", "says", "been"}
# At a sentence's start, what follows a name that is also a word ("Frank from reparation", "Robin made").
_START_NAME_NEXT = _NAME_LIKE_NEXT - {"and", "would", "will", "could", "can", "should", "does", "did", "is", "has",
                                      "had", "were", "let", "put", "set", "still", "even", "just", "really",
                                      "also", "actually", "literally", "definitely", "honestly", "genuinely"}
_DATE_WORDS = frozenset({"in", "since", "by", "until", "till", "from", "of", "last", "next", "this", "early",
                         "late", "mid", "end", "before", "after", "during", "on"})
_DETERMINERS = frozenset({"a", "an", "the", "my", "your", "his", "her", "our", "their", "this", "that", "any",
                          "some", "no", "every", "each", "what", "whose"})
_PERSON_CUES = frozenset({"worker", "mentor", "officer", "mate", "mates", "bro", "cuz", "cousin", "brother",
                          "sister", "sis", "nan", "nana", "mum", "mam", "dad", "uncle", "aunty", "auntie",
                          "girlfriend", "boyfriend", "gf", "bf", "friend", "pal", "teacher", "coach", "called",
                          "named", "with", "and", "thanks", "thank", "cheers", "tell", "ask", "by", "to", "me",
                          "told", "asked", "texted", "rang", "phoned", "messaged", "met", "n", "&",
                          "son", "daughter", "partner", "husband", "wife", "grandad", "granddad", "grandma",
                          "carer", "sarge", "lad", "mentors", "workers", "ta", "love", "bless", "x"})

# Words before a name that a firm or a place hardly ever follows ("with", "to" and "by" are not among them).
_GREETINGS = frozenset({"thanks", "thank", "cheers", "hi", "hey", "hiya", "hello", "dear", "ta", "love", "bless",
                        "respect", "ask", "tell", "and", "shout", "big", "well", "oh", "congrats", "congratulations",
                        "go", "from", "to", "with", "me", "our", "my", "yes", "no", "ok", "okay", "sorry", "please"})
_STRONG_PERSON_CUES = frozenset({"thanks", "thank", "cheers", "tell", "ask", "told", "asked", "me", "love", "bless",
                                 "texted", "rang", "phoned", "messaged", "ta", "x", "met", "saw"})


# Words after a place name that make it something else: a club, a landmark, an organisation.
_PLACE_NOT_PLACE_NEXT = frozenset("""united city town rovers wanderers athletic albion county fc afc villa hotspur
forest rangers celtic wednesday argyle dons orient rugby cricket council police university uni airport arena
stadium centre center cathedral zoo pier tower towers castle museum library station hospital infirmary
magistrates crown court prison yoi services college""".split())
# A town with a club in the national leagues: "Leeds United", "Bristol Rovers" name a club thousands follow, not where
# someone lives; any other town's club ("Ely Rangers", "Maesteg Celtic") is local and says where.
_CLUB_WORDS = frozenset("""united city town rovers wanderers athletic albion county fc afc villa hotspur forest rangers
celtic wednesday argyle dons orient juniors harriers swifts dynamo""".split())
_LEAGUE_CLUB_PLACES = frozenset("""manchester liverpool leeds newcastle sheffield bristol birmingham nottingham notts
leicester coventry derby stoke bolton wigan blackburn blackpool preston burnley bury oldham rochdale stockport crewe
tranmere everton southampton portsmouth brighton reading swindon oxford cambridge ipswich norwich luton watford
millwall charlton fulham brentford chelsea tottenham barnsley rotherham doncaster hull grimsby scunthorpe lincoln
mansfield chesterfield huddersfield bradford halifax york hartlepool middlesbrough sunderland carlisle accrington
morecambe fleetwood salford walsall wolverhampton shrewsbury cheltenham gillingham colchester southend peterborough
northampton wycombe stevenage exeter plymouth torquay yeovil newport cardiff swansea wrexham aston harrogate barrow
sutton crawley bournemouth leyton wimbledon dagenham bromley west queens glasgow edinburgh aberdeen dundee motherwell
kilmarnock hamilton partick falkirk ayr dunfermline airdrie greenock stirling livingston inverness ross raith
arbroath montrose forfar peterhead belfast derry coleraine ballymena larne portadown dungannon crystal man ipswich
notts port forest""".split())
_LOCATIVE_CUES = frozenset({"in", "from", "to", "near", "round", "around", "outside", "towards", "into", "at",
                            "up", "down", "via", "through", "by", "of", "nr", "frm", "lives", "live", "living",
                            "moved", "visit", "visiting", "over", "off", "past"})
_CLUB_NEXT = frozenset({"were", "won", "lost", "beat", "drew", "scored", "play", "played", "playing", "fans", "game",
                        "match", "shirt", "kit", "v", "vs"})
_WHERE_CUES = frozenset({"in", "from", "near", "outside", "round", "around", "nr", "frm", "lives", "live", "living"})
_SUPPORT_CUES = frozenset({"support", "supports", "supporting", "supporter", "fan", "watch", "watched", "watching",
                           "beat", "beating", "against", "vs", "v"})


@cache
def places() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Gazetteer keyed by its first word (lower case): each entry's words, longest first."""
    by_first: dict[str, set[tuple[str, ...]]] = {}
    for line in PLACES_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        words = tuple(_place_words(line))
        if words:
            by_first.setdefault(words[0], set()).add(words)
            if words[0] in ("st", "saint") and len(words) > 1:  # "St Helens" is typed "St. Helens" too
                by_first.setdefault("saint" if words[0] == "st" else "st", set()).add(
                    ("saint" if words[0] == "st" else "st",) + words[1:])
    return {first: tuple(sorted(entries, key=len, reverse=True)) for first, entries in by_first.items()}


def _place_words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower().replace("-", " ").replace(".", " "))


_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Sir|Nurse|Sister|PC|DC|DS|DI|DCI|Sergeant|Sgt|Sarge|"
                    r"Inspector|Detective|Officer|Judge|Coach|Councillor|Cllr|Auntie|Aunty|Uncle|Nan|Nanna|"
                    r"Grandad|Grandma|Nanny|Nana|Gran|Granny|Grandpa|Grampa|Aunt|Bishop|Cardinal|Archbishop|Father|"
                    r"Reverend|"
                    r"Rev|Imam|Pastor|Rabbi|Fr|Brother|Sensei|Sheikh|Hafiz|Ustadh|Ustaz)\.?\s+"
                    r"(?!(?:Who|What|The|And|Is|Was|Says|Said|Told)\b)"
                    r"((?:(?:Ó|Ní|Nic|Mac|Mc|Ua|Uí|Ui|Ni|O|[Dd]e|[Vv]an|[Vv]on|[Dd]er|[Dd]en|[Ll]a|[Ll]e|[Dd]a|[Dd]i|[Dd]u|"
                    r"[Dd]el|[Dd]os|Al|El|Bin|Ap)\s+(?:an\s+|na\s+|a\s+)?){0,2}"
                    r"(?:[tnh]?[A-ZÀ-ÖØ-ÞŴŶ][\w'’-]+|(?!I\b)[A-Z]\b)(?:\s+[A-ZÀ-ÖØ-ÞŴŶ][\w'’-]+)?)")
_COUPLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+(?:and|&)\s+(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-zA-Z'-]+")
# Nicknames: "Big T", "Lil Dee", "Big Tone from the gym"
_NICKNAME = re.compile(r"\b(?:Big|Lil|Little)\s+([A-Z][a-z]*)\b")
_NOT_NICKNAMES = frozenset({"brother", "issue", "mac", "society", "lottery", "bang", "mix", "apple", "ben", "wheel",
                            "one", "dipper", "top", "easy", "picture", "deal", "shop", "chef", "women", "book",
                            "red", "green", "blue", "man", "boy", "girl", "miss"})
_LOWER_TITLE = re.compile(r"\b(mr|mrs|ms|miss|mx|dr|sir|pc|sgt|sarge|sergeant|officer|coach|aunty|auntie|uncle|nan|"
                          r"fr|sensei)\.?\s+((?:[a-z]|[A-Z](?=[a-z]))[a-z'’-]{2,})\b(?!['’]s\b)")
# Before a lower-case "miss", a verb's subject or helper: "i miss Leeds", "going to miss Jess"
_MISS_IS_A_VERB = frozenset({"i", "we", "you", "they", "he", "she", "u", "ya", "will", "would", "ll", "i'll", "ill",
                             "we'll", "really", "gonna", "gunna", "do", "dont", "don't", "so", "still", "always",
                             "never", "also", "def", "deffo", "defo", "might", "may", "can", "cant", "can't", "to",
                             "wanna", "lowkey", "honestly", "all", "everyone", "definitely", "proper", "actually",
                             "i'm", "im", "didn't", "didnt", "not", "dont", "won't", "wont", "wouldn't", "totally"})
_PLATFORM = r"(?i:snap(?:chat)?|sc|insta(?:gram)?|ig|tiktok|tik tok|tt|twitter|x|fb|facebook|discord|telegram)"
_HANDLE_AFTER_COLON = re.compile(rf"\b{_PLATFORM}\s*(?:(?i:name|handle|username|user|account))?\s*:\s*@?"
                                 r"([A-Za-z][A-Za-z0-9_.]{2,29})\b")
# "my ig is jaydenxo", "add me on tiktok its lilmo", "snap - kezzaa": no digit, but the sentence gives it
_HANDLE_AFTER_IS = re.compile(rf"\b{_PLATFORM}\s*(?:(?i:name|handle|username|user|account))?\s*"
                              r"(?:(?i:is|its|it's|it’s|=|-)|(?i:is|its)\s*:)\s*@?([A-Za-z][A-Za-z0-9_.]{2,29})\b")
_HANDLE_AT = re.compile(r"(?<![\w.@])@[A-Za-z0-9_.]{2,30}\b")
_HANDLE_AFTER_PLATFORM = re.compile(
    rf"\b{_PLATFORM}\b(?:\s+(?i:name|handle|username|user|account|@))?\s*(?:(?i:is|its|it's|=|:|-)\s*)?\s*@?"
    r"([A-Za-z0-9_.]*(?:\d|_|\.[A-Za-z])[A-Za-z0-9_.]*)(?!\w)")
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}\b")
_DATE_OF_BIRTH = re.compile(  # the cue stays, the date goes: "I was born on [birth date]"
    r"\b(?i:born|dob|d\.o\.b\.?|birthday|birthdays|date of birth)(?:\s*[:=]|\s+(?i:is|was|on|is on))*\s+"
    r"(?:the\s+)?(\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+[A-Za-z]{3,9}(?:\s+(?:19|20)\d{2})?)")
_ESTATE = re.compile(r"\b(?:[Tt]he\s+)?(?:[A-Z][\w']+\s+){1,3}(?i:estate|flats|towers|park estate|court flats)\b")
_LOWER_ESTATE = re.compile(r"\bthe\s+((?:[a-z][\w']+\s+){1,2})(estate|flats)\b")
_NOT_ESTATE_NAMES = frozenset({"housing", "council", "industrial", "new", "old", "big", "same", "whole", "other",
                               "local", "next", "retail", "trading", "business", "posh", "rough", "private",
                               "real", "dodgy", "our", "my", "his", "her", "their", "this", "that", "same", "top",
                               "bottom", "back", "front", "nice", "quiet", "social", "high", "rise", "tower",
                               "block", "of", "entire", "estate", "council's", "nearby", "bad", "worst", "best"})

_FLAT = re.compile(r"\b(?:(?i:flat|apartment|apt|unit)|Number|No\.?|(?<=at )no\.?)\s*\d{1,4}[A-Za-z]?\b"
                   r"(?:,?\s+(?:[A-Z][\w']+\s+){1,2}(?:House|Court|Tower|Lodge|Mansions|Point|Heights|Block|"
                   r"Buildings)|,?\s+(?!(?:the|in|at|on|of|my|our|a|and|with|for|to)\s)[a-z]{3,}\s+"
                   r"(?:house|court|tower|lodge|mansions|point|heights|block|buildings|close|road|street|avenue|"
                   r"drive|way|lane|crescent|grove|gardens|terrace|place|walk|row|view))?")
_CARE_HOME = re.compile(r"\b(?:[A-Z][\w']+\s+){1,2}(?:Care|Nursing|Residential|Children's|Childrens)\s+Home\b")
_PUB = re.compile(r"\b(?:[A-Z][\w']+\s+){1,2}(?:Arms|Inn|Tavern)\b"
                  r"|(?<=the )(?:Duke|Duchess|Marquis|Marquess|Earl|King|Queen|Prince|Princess|Lord)\s+of\s+[A-Z]\w+\b")
# A local shop named after its owner: "Raj's News", "Tony's Chippy"
_OWNERS_SHOP = re.compile(r"\[name\]['’]s\s+(?:News|Newsagents?|Chippy|Cafe|Café|Barbers?|Kebabs?|Takeaway|"
                          r"Stores?|Shop|Off Licence|Offy|Garage|Motors|Bakery|Butchers?|Salon|Gym|Pizza|Plaice)\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)[\d\s()-]{8,14}\d(?!\d)")
_VEHICLE_REG = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b")
_NI_NUMBER = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")
_CASE_REF = re.compile(r"\b[A-Z]{2,4}(?:[-/]\d{2,}){1,3}\b|\b[A-Z]{2,4}\d{3,}\b")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|GIR\s?0AA)\b", re.IGNORECASE)
_STREET_WORDS = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Court|Place|Grove|"
                 r"Terrace|Gardens|Walk|Hill|Row|Square|Mews|Estate|View|Rise|Parade|Green|Vale|Park|Heights|"
                 r"Boulevard|Fold|Brow|Croft|Meadows|Wharf|Precinct|Parkway|Farm)")
_NAMED_STREET = re.compile(rf"\b(?:[A-Z][\w']+\s+){{1,3}}{_STREET_WORDS}\b(?![\w'])")
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}[a-zA-Z]?,?\s+(?:[A-Za-z][\w']+\s+){{1,3}}(?i:{_STREET_WORDS})\b"
    rf"|\b(?:[A-Z][\w']+\s+){{1,3}}{_STREET_WORDS}\b(?![\w'])")
_WELSH_STREET = re.compile(r"\b(?:\d{1,4}[a-zA-Z]?,?\s+)?(?:Heol|Ffordd|Stryd|Llys|Lôn|Lon|Clos|Rhodfa|Teras|Cilgant|"
                           r"Maes|Cae|Pant|Bryn|Parc)\s+(?:(?:y|yr|[A-Z][\w'’-]+)\s+){0,2}[A-Z][\w'’-]+")
_WELSH_HYPHENATED = re.compile(r"\b[A-Z][a-z]+-(?:y|yr|yn|ar|dan|on|upon|under|le|super|in)-(?!law\b)[A-Za-z][a-z]+\b")
_PRISON = re.compile(r"\b(?:HMP|HMYOI|YOI|HMP\s*(?:/|&|and)\s*YOI)\s+((?:[A-Z][\w']+)(?:\s+[A-Z][\w']+){0,2})")
_LOWER_STREET = re.compile(r"\b(?:on|off|down|up|along|near|at|in|from|to|round|outside)\s+(?:the\s+)?"
                           r"([a-z][a-z']+(?:\s+[a-z][a-z']+)?)\s+(road|street|lane|avenue|close|drive|crescent|"
                           r"terrace|grove|rd|st)\b")
_NOT_STREET_NAMES = frozenset({"main", "high", "back", "same", "busy", "other", "next", "wrong", "right", "long",
                               "big", "quiet", "dark", "side", "ring", "bypass", "a", "the", "my", "our", "his",
                               "her", "their", "that", "this", "end", "top", "bottom", "new", "old", "country",
                               "dual", "one", "way", "slip", "private", "fast", "local", "open", "front", "dirt",
                               "muddy", "little", "short", "narrow", "wide", "straight", "windy", "steep", "nice",
                               "last", "first", "empty", "cul", "dead", "shared", "own", "in", "on",
                               "at", "to", "of", "by", "near", "up", "down", "off", "and", "or", "with", "from"})
_SCHOOL = re.compile(
    r"\b(?:(?:St\.?|Saint)\s+)?[A-Z][\w']*\s+(?:(?:[A-Z][\w']*|of|and|&)\s+){0,4}"
    r"(?:(?:y|yr|ar|dan)\s+(?:[A-Z][\w']*\s+){1,2})?"
    r"(?:Academy|High School|Primary School|Secondary School|School|Primary|College|Grammar|Sixth Form|PRU|"
    r"Pupil Referral Unit|Comprehensive|Comp|Infants|Juniors|RC High|Catholic High|C of E|CE Primary|High)\b"
    r"|\b(?:Ysgol|Coleg)(?:\s+(?:[A-ZŴŶÂÊÎÔÛ][\w'-]*|y|yr|a|ac)\b)+"
    r"|\b(?:St\.?|Saint)\s+[A-Z][a-z]+['’]?s\b(?:\s+(?:RC|CE|C of E|Catholic|Primary|High|Juniors|Infants|Church))*")
# Schools typed in lower case: "ysgol bryn hafren", "hazelwood academy", "st bede's"
_LOWER_WELSH_SCHOOL = re.compile(r"\b(?:ysgol|coleg)((?:\s+[a-z][a-z'’-]*){1,4})")
_LOWER_SCHOOL = re.compile(r"\b(?:(?:st|saint)\.?\s+[a-z]+['’]s\b(?:\s+(?:rc|ce|primary|high|catholic))*"
                           r"|(?:(?<=of )|(?<=to )|(?<=at )|(?<=from )|(?<=go )|(?<=went )|(?<=in ))(?:st|saint)\.?\s+([a-z]{3,}s)\b"
                           r"|([a-z]+)\s+(?:academy|high school|high|primary school|primary|college|comprehensive|"
                           r"grammar|school)\b)")
_WELSH_LINKS = frozenset({"y", "yr", "a", "ac", "bro", "cwm", "glan", "gyfun", "uwchradd", "gymraeg", "gynradd",
                          "bryn", "maes", "pen", "tre", "dyffryn", "gymunedol"})


def _lower_welsh_school(match: re.Match[str]) -> str:
    """"ysgol gyfun cwm rhymni took him back": the school's own words go, the sentence's stay."""
    words = match.group(1).split()
    taken = 0
    for word in words:
        if word in _WELSH_LINKS or not is_english_word(word):
            taken += 1
        else:
            break
    if not taken:
        return match.group(0)
    kept = match.group(1)[len(" ".join(words[:taken])) + (len(match.group(1)) - len(match.group(1).lstrip())):]
    return "[school]" + kept


def _lower_school(match: re.Match[str]) -> str:
    saint = match.group(1)
    if saint is not None:  # "kicked out of st benedicts": a saint (a first name, or a word no list knows)
        stem = saint[:-1]
        if stem in _all_first_names() or _proper_noun_only(stem) or (
                not _known_word(stem) and not _made_of_words(stem)):
            return "[school]"
        return match.group(0)
    name = match.group(2)
    if name is None:
        return "[school]"  # "st bede's"
    if is_english_word(name) or name in KNOWN_NOT_NAMES or name in _NOT_NAMES_AFTER_CUE or len(name) < 4:
        return match.group(0)  # "the high school", "my primary"
    return "[school]"


_NICKNAME_CUE = re.compile(r"\b(?:(?i:calls?|called|call)\s+(?i:him|her|them|me|himself|herself|themselves|us)|"
                           r"(?i:known as|knows? (?:him|her|me) as|goes by|go by|nicknamed|aka|a\.k\.a\.?))\s+[\"'“‘]?"
                           r"([A-Z][\w'’-]*|[a-z][\w'’-]*)")
_NAME_CUE = re.compile(r"\b(?:my (?:(?:lil|little|big|older|younger|baby|twin|step|half) )?"
                       r"(?:worker|mentor|case ?worker|key ?worker|yot worker|social worker|officer|"
                       r"youth worker|link worker|victim worker|mate|bro|bestie|best mate|best friend|cousin|"
                       r"friend|pal|girlfriend|boyfriend|gf|bf|sister|brother|sis|cuz)(?: (?:was|is|called|named))?|"
                       r"called|named|name is|my name,?\s+(?:its|it's|it’s|it is)|"
                       r"names|mentor|worker)\s+([A-Za-z][a-z'-]+)", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:'s)?\b"
                          r"|\b[A-Z][a-z]*[^\W\d_A-Za-z][^\W\d_A-Z]*\b")  # "Zoltán", "Bartłomiej", "Siân"
# Initials with full stops: "J.B. and me", unless an abbreviation ("U.K.", "P.E.", "D.O.B.")
_DOTTED_INITIALS = re.compile(r"(?<![\w.])((?:[A-Z]\.){2,3})(?![\w])")
_DOTTED_NOT_INITIALS = frozenset("""uk us usa eu pe re dt it ict gp pc dc ds di tv am pm eg ie bbc nhs yot yos dob asbo
cbo yro rsvp ps aka vip diy atm mp hmp yoi uk ok ac dc cv hr ad bc ce rc cofe""".split())


def _dotted_initials(match: re.Match[str]) -> str:
    letters = match.group(1).replace(".", "").lower()
    if letters in _DOTTED_NOT_INITIALS or letters in KNOWN_NOT_NAMES or letters in _NOT_INITIALS:
        return match.group(0)
    return "[name]"
_LOWER_WORD = re.compile(r"(?<![\w@.\[-])[a-z][a-z'-]+(?![\w@\]-])")
_NOT_NAMES_AFTER_CUE = frozenset({"me", "us", "him", "her", "them", "it", "she", "he", "they", "we", "you", "i",
                                   "a", "an", "the", "my", "was", "is",
                                   "and", "back", "out", "in", "up", "round", "again", "by", "to", "for",
                                   "off", "on", "at", "when", "if", "so", "every", "twice", "once"}) | frozenset(
    f"{pronoun}{mark}{ending}" for pronoun in ("i", "he", "she", "it", "we", "you", "they") for mark in "'’"
    for ending in ("d", "s", "m", "ve", "re", "ll"))  # "told he'd been given": a pronoun, not a name
_WORD_SPAN = re.compile(r"[A-Za-z][A-Za-z']*")


# Landmarks, awards and organisations whose names hold a place or a person's name: kept whole.
_PROTECTED = re.compile(r"\b(?i:alton towers|old trafford|duke of edinburgh|thorpe park|drayton manor|"
                        r"blackpool tower|pleasure beach|trafford centre|meadowhall|bullring|wembley|big ben|"
                        r"buckingham palace|prince'?s trust|st\.? john ambulance|citizens advice|lake district|"
                        r"peak district|brecon beacons|yr wyddfa|snowdon|national trust|john lewis|"
                        r"marks (?:and|&) spencer|sports direct|jd sports|premier league|champions league|"
                        r"match of the day|king'?s trust|christmas eve|new year'?s (?:eve|day)|boxing day|"
                        r"bonfire night|"
                        r"(?:mother|father|valentine)'?s day|pancake day|good friday|easter (?:sunday|monday)|"
                        r"st\.? (?:patrick|david|andrew|george)'?s day|victoria sponge)\b")


def redact(text: str, known_names: Iterable[str] = ()) -> str:
    """The text with names, handles, phone numbers, emails, addresses, postcodes, schools, places,
    dates of birth and case refs replaced. `known_names`: the staff table's names and any others
    the caller knows (redacted in any case, anywhere)."""
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    if is_shouted(text) or is_title_cased(text):  # "DONNA WAS THE BEST WORKER EVER", "The Police Were Rubbish
        converted = unshout(text) if is_shouted(text) else untitle(text)  # But...": read in ordinary case,
        if converted != text:  # redacted, and given back in the writer's own case
            return reshout(text, converted, redact(converted, known_names))
    text = _redact(countries()[1].sub(hold, _PROTECTED.sub(hold, text)), known_names)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def _redact(text: str, known_names: Iterable[str]) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _HANDLE_AT.sub("[handle]", text)
    text = _HANDLE_AFTER_PLATFORM.sub(lambda m: replace_group(m, 1, "[handle]"), text)
    text = _HANDLE_AFTER_COLON.sub(lambda m: replace_group(m, 1, "[handle]"), text)
    text = _HANDLE_AFTER_IS.sub(_handle_or_keep, text)
    text = _NUMERIC_DATE.sub("[birth date]", text)
    text = _DATE_OF_BIRTH.sub(lambda m: replace_group(m, 1, "[birth date]"), text)
    text = _PHONE.sub(_phone_or_keep, text)
    text = _NI_NUMBER.sub("[NI number]", text)
    text = _VEHICLE_REG.sub("[vehicle reg]", text)
    text = _CASE_REF.sub("[case ref]", text)
    text = _POSTCODE.sub("[postcode]", text)
    text = redact_handles(text)
    text = _SCHOOL.sub(_school_or_keep, text)
    text = _LOWER_WELSH_SCHOOL.sub(_lower_welsh_school, text)
    text = _LOWER_SCHOOL.sub(_lower_school, text)
    text = _CARE_HOME.sub("[address]", text)
    text = _FLAT.sub("[address]", text)
    text = _PUB.sub(_pub_or_keep, text)
    text = _ESTATE.sub(_estate_or_keep, text)
    text = _WELSH_STREET.sub("[address]", text)
    text = _PRISON.sub(lambda m: replace_group(m, 1, "[place]"), text)
    text = _LOWER_PRISON.sub(_lower_prison, text)
    text = _ADDRESS.sub(_address_or_keep, text)
    text = _NAMED_STREET.sub(_address_or_keep, text)  # "no. 27 on Park Avenue": the street, once the number was not
    text = redact_lower_case_places(text)  # before streets: "in st ives" is a town, not a street
    text = _LOWER_STREET.sub(_lower_street, text)
    text = _LOWER_ESTATE.sub(_lower_estate, text)
    text = _COUPLE.sub("[name]", text)
    text = _TITLE.sub("[name]", text)
    text = _NICKNAME.sub(_nickname_or_keep, text)
    text = redact_nicknames(text)
    text = _LOWER_TITLE.sub(_lower_title, text)
    text = _LOWER_TITLE_INITIAL.sub(_lower_title_initial, text)
    text = _WELSH_HYPHENATED.sub("[place]", text)
    text = _redact_places(text)
    text = _PLACE_SHAPED.sub(_place_shaped_or_keep, text)
    text = _UNLISTED_PLACE.sub(_unlisted_place, text)
    text = _SUFFIXED_PLACE.sub(_suffixed_place, text)
    text = _PLACE_PREFIX.sub("[place]", text)
    text = _ON_SEA.sub("[place]", text)
    text = _LOWER_RESIDENCE.sub(_lower_residence, text)
    text = _redact_names(text, _known_name_forms(known_names))
    text = redact_cued_word_names(text)
    text = redact_unknown_words(text)
    return re.sub(r"\[address\](?:,?\s*\[address\])+", "[address]", text)  # "Flat 3, 22b Kings Court": one address


def _known_name_forms(known_names: Iterable[str]) -> set[str]:
    """A staff member's whole name and each part of it that is not an English word: "Priya Shah"
    is also written "Priya" and "Ms Shah"."""
    forms = set()
    for name in known_names:
        name = " ".join(name.split()).lower()
        if name:
            forms.add(name)
            forms |= {part for part in name.split(" ") if len(part) >= 3 and not is_english_word(part)}
    return forms


def _handle_or_keep(match: re.Match[str]) -> str:
    word = match.group(1).lower()
    if is_english_word(word) or word in KNOWN_NOT_NAMES or word in _NOT_NAMES_AFTER_CUE or _made_of_words(word) \
            and not re.search(r"(?:xo|xx|x|z|zz|o|oo|y|yy|aa|ee)$", word):
        return match.group(0)  # "insta is down", "snap is rubbish", "tiktok is addictive"
    return replace_group(match, 1, "[handle]")


def _phone_or_keep(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    national = digits[2:] if digits.startswith("44") else digits.removeprefix("0")
    return "[phone]" if len(national) in (9, 10) else match.group(0)


def _school_or_keep(match: re.Match[str]) -> str:
    words = match.group(0).split()
    # "Coleg Gwent", "St Mary's", "Parkside Academy"; but not "I go to College" or "Welsh College"-like lone words
    if len(words) < 2 or (words[0] in ("I", "The", "A", "My") and len(words) == 2):
        return match.group(0)
    if words[0] in ("The", "A", "My", "I", "At", "In", "To"):  # "The Academy" leaves "The" as it was
        return words[0] + " " + "[school]"
    return "[school]"


_COURTS_AND_PARKS = frozenset({"Crown", "Magistrates", "Magistrates'", "Family", "County", "Youth", "High",
                               "Retail", "Business", "Skate", "Trampoline", "Theme", "Water", "Leisure", "Sports",
                               "Community", "Job", "Family", "Children's", "Resource", "Shopping"})


_NOT_IN_STREET_NAMES = frozenset({"the", "at", "across", "on", "in", "of", "to", "down", "up", "my", "our", "a",
                                  "an", "and", "or", "for", "from", "by", "with", "this", "that", "his", "her",
                                  "their", "your", "over", "off", "into", "is", "was", "still", "so"})


def _address_or_keep(match: re.Match[str]) -> str:
    words = match.group(0).split()
    if words[-1] == "Dr" and re.match(r"\.?\s+[A-Z]", match.string[match.end():]):
        return match.group(0)  # "Thanks Dr Okonjo": a doctor, for the title rule
    if words[0][:1].isdigit() and any(w.lower() in _NOT_IN_STREET_NAMES for w in words[1:-1]):
        return match.group(0)  # "from Number 9 across the road", "still 15 at court"
    if words[-2] in _COURTS_AND_PARKS and words[-1] in ("Court", "Park", "Centre"):
        return match.group(0)  # "the Crown Court", "the Magistrates Court": institutions, not addresses
    if words[0] in ("The", "A", "My", "I", "At", "In", "On", "To") and len(words) == 2:
        return match.group(0)  # "The Green", "The Park": a common noun with a capital
    if words[0] in ("The", "A", "My", "I", "At", "In", "On", "To"):
        return words[0] + " [address]"
    return "[address]"


def _pub_or_keep(match: re.Match[str]) -> str:
    last = match.group(0).split()[-1].lower()
    if last in KNOWN_NOT_NAMES or last in ("england", "wales", "scotland", "ireland", "britain", "kings", "queens"):
        return match.group(0)
    return "[place]"


def _estate_or_keep(match: re.Match[str]) -> str:
    """"the Gipton estate" goes whole, "the" with it: what is left reads "moved to [address]"."""
    words = match.group(0).split()
    if words[0].lower() == "the":
        words = words[1:]
    if len(words) < 2 or words[0] in ("A", "My", "I", "At", "In", "On", "To", "Our", "This", "That"):
        return match.group(0)
    if all(w.lower() in _NOT_ESTATE_NAMES for w in words[:-1]):
        return match.group(0)  # "the Council estate", "an Industrial Estate"
    return "[address]"


def _lower_street(match: re.Match[str]) -> str:
    name_words = match.group(1).split()
    if any(word in _NOT_STREET_NAMES for word in name_words):
        return match.group(0)  # "on the main road"; but "on abbey road", "station rd": a street
    return match.group(0)[: match.start(1) - match.start(0)] + "[address]"


def _lower_estate(match: re.Match[str]) -> str:
    name_words = match.group(1).split()
    if any(word in _NOT_ESTATE_NAMES for word in name_words):
        return match.group(0)
    return "[address]"


def _nickname_or_keep(match: re.Match[str]) -> str:
    word = match.group(1)
    lower = word.lower()
    if lower in _NOT_NICKNAMES or lower in KNOWN_NOT_NAMES or (word.isupper() and len(word) > 1):
        return match.group(0)
    _, next_word = _neighbours(match.string, match)
    if len(word) == 1 or lower in census_names()[0] or lower in ALL_CURATED_NAMES or not _known_word(lower) \
            or next_word in _NAME_LIKE_NEXT:
        return "[name]"
    return match.group(0)


_LOWER_TITLE_INITIAL = re.compile(r"\b(mr|mrs|ms|miss|mx|dr)\.?\s+([b-hj-mpqstvwz])\b(?!['’.-])")


def _lower_title_initial(match: re.Match[str]) -> str:
    """"mrs k was alright": a title and one letter is a person named by an initial."""
    if match.group(1) == "miss" and _neighbours(match.string, match)[0] in _MISS_IS_A_VERB:
        return match.group(0)
    return "[name]"


def _lower_title(match: re.Match[str]) -> str:
    title, surname = match.group(1), match.group(2)
    lower = surname.lower()
    plain = re.sub(r"['’-]", "", lower)
    first, surnames, _ = census_names()
    if title == "miss" and _neighbours(match.string, match)[0] in _MISS_IS_A_VERB:
        return match.group(0)  # "i miss Leeds": a verb, and the name rules decide the rest
    if is_english_word(lower) or lower in _NOT_NAMES_AFTER_CUE or lower in KNOWN_NOT_NAMES \
            or lower in _MONTHS_AND_DAYS or lower in countries()[0]:
        return match.group(0)  # "i miss home", "miss footy", "sir yes"
    formal = title in ("mr", "mrs", "ms", "mx", "dr", "fr", "miss", "sensei")
    if not formal and surname[0].isupper():
        return match.group(0)  # "my nan Eileen": the name rules take the name, the word "nan" stays
    if plain in surnames or plain in first or lower in surnames | first:
        # "miss Jenkins", "ms o'brien"; but "uncle ricardo", "aunty bev": a family word stays
        return "[name]" if formal or title in ("sir", "pc", "sgt", "sarge", "sergeant", "officer", "coach") \
            else replace_group(match, 2, "[name]")
    if not formal and not _made_of_words(plain) and len(plain) >= 3 and plain not in _TEXT_SPEAK_PAIRS \
            and title in ("aunty", "auntie", "uncle", "nan"):
        return replace_group(match, 2, "[name]")  # "auntie bisi": the name goes, the word "auntie" stays
    if (title in ("mr", "mrs", "ms", "mx", "dr", "fr") or surname[0].isupper()) and not _known_word(plain) \
            and len(plain) >= 3:
        return "[name]"  # "mrs adeyemi": only a surname comes after these
    return match.group(0)


# --- places ------------------------------------------------------------------------------------

def _redact_places(text: str) -> str:
    gazetteer = places()
    spans = list(_WORD_SPAN.finditer(text))
    keys = [_place_words(m.group(0)) for m in spans]
    out, last, i = [], 0, 0
    while i < len(spans):
        match_len = _place_at(keys, i, gazetteer)
        if match_len and _is_place(text, spans, i, match_len):
            start, end = spans[i].start(), spans[i + match_len - 1].end()
            after = i + match_len
            if after < len(spans) and spans[after].group(0) in _PLACE_SUFFIXES and _adjacent(text, spans[after - 1],
                                                                                              spans[after]):
                end = spans[after].end()  # "Bromley Cross": the gazetteer knows only Bromley
                match_len += 1
            if text[end:end + 2] in ("'s", "’s"):
                end += 2
            out += [text[last:start], "[place]"]
            last, i = end, i + match_len
        else:
            i += 1
    return "".join(out) + text[last:]


# Towns and villages too small for the gazetteer still look like towns: "-thorpe", "-worth", "Llan-", "Aber-"
_PLACE_SHAPED = re.compile(
    r"(?<![\w\[-])(?:[A-Za-z][a-z]{2,}(?:ton|by|ham|ford|field|ley|bury|borough|burgh|wich|wick|worth|thorpe|mouth|"
    r"chester|caster|cester|minster|pool|stead|combe|hurst|thwaite|brook|bridge|dale|holme|leigh|stone|wood|hall|"
    r"mere|moor|ness|hill|hey|lee|den|don|gate|cliffe|stow|ton)"
    r"|(?:[Ll]lan|[Aa]ber|[Cc]wm|[Pp]ont|[Yy]strad|[Bb]laen|[Cc]aer|[Bb]ryn|[Nn]ant|[Rr]hyd|[Pp]orth|[Mm]aes|"
    r"[Gg]lyn|[Cc]oed|[Cc]efn|[Tt]ref|[Pp]enr|[Pp]eny|[Gg]wauncae)[a-z]{3,})(?![\w\]-])")


def _place_shaped_or_keep(match: re.Match[str]) -> str:
    word = match.group(0)
    lower = word.lower()
    if is_english_word(lower) or lower in KNOWN_NOT_NAMES or lower in ALL_CURATED_NAMES \
            or lower in census_names()[0] or lower in countries()[0]:
        return word
    previous_word, _ = _neighbours(match.string, match)
    following = re.match(r"\s+([A-Z][a-z]+)", match.string[match.end():])
    if following and following.group(1) not in _PLACE_SUFFIXES:
        return word  # "Hollywood Bowl": a name of something, for the other rules
    after_where = previous_word in _WHERE_CUES | {"to", "at", "up", "down", "round", "nr", "outta"}
    if word[0].isupper():
        if lower in census_names()[1] and not after_where:
            return word  # "Ashworth was fair": a surname, for the name rule to decide
        return "[place]" if after_where or _SENTENCE_END.search(match.string[: match.start()]) else word
    return "[place]" if after_where and not _known_word(lower) else word


def _place_at(keys: list[list[str]], i: int, gazetteer) -> int:
    """How many words from position i make a gazetteer entry (0: none)."""
    if len(keys[i]) != 1:
        return 0
    for entry in gazetteer.get(keys[i][0], ()):
        if len(entry) <= len(keys) - i and all(len(keys[i + k]) == 1 and keys[i + k][0] == entry[k]
                                                for k in range(len(entry))):
            return len(entry)
    return 0


def _is_place(text: str, spans: list[re.Match[str]], i: int, n: int) -> bool:
    words = [spans[i + k].group(0) for k in range(n)]
    if text[max(0, spans[i].start() - 1):spans[i].start()] == "[":
        return False  # inside a placeholder we wrote
    previous = spans[i - 1].group(0).lower() if i > 0 else ""
    following = spans[i + n].group(0).lower() if i + n < len(spans) else ""
    capitalised = all(w[0].isupper() for w in words if w.lower() not in ("upon", "on", "the", "le", "in", "under",
                                                                         "y", "yr", "by", "de", "next", "sea"))
    following_capitalised = i + n < len(spans) and spans[i + n].group(0)[0].isupper()
    if following in _CLUB_WORDS and (following_capitalised or following in ("fc", "afc")) \
            and not any(w.lower() in _LEAGUE_CLUB_PLACES for w in words):
        return True  # "Ely Rangers", "Maesteg Celtic": a local club says where someone lives (the run takes the rest)
    if following in _PLACE_NOT_PLACE_NEXT and (following_capitalised or following in ("fc", "afc")):
        return False  # Leeds United, Manchester Airport, Stockport Council
    if previous in _SUPPORT_CUES:
        return False  # "he supports Liverpool"
    if following in _CLUB_NEXT and previous not in _LOCATIVE_CUES | {"the"}:
        return False  # "Leeds were playing", "Wrexham won"
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 4:
        return False  # "ELY", "NHS": shouting and acronyms
    lower_words = [w.lower() for w in words]
    if len(words) == 1 and lower_words[0] in ALL_CURATED_NAMES:
        return False  # "Connor" is a village too: the name rule decides, and says [name]
    at_sentence_start = _SENTENCE_END.search(text[: spans[i].start()]) is not None
    after_cue = previous in _LOCATIVE_CUES and _adjacent(text, spans[i - 1], spans[i]) if i > 0 else False
    if len(words) == 1 and lower_words[0] in countries()[0]:
        return False  # "Jersey", "Georgia" in the gazetteer too: a country (or a person's name) first
    if all(w in KNOWN_NOT_NAMES or w in _MONTHS_AND_DAYS for w in lower_words):
        # a club that is a town too: a place only where the sentence says where ("live in Everton",
        # "from Tottenham", "61 Lansdowne Road, Tottenham")
        return capitalised and not any(w in _MONTHS_AND_DAYS for w in lower_words) and (
            (after_cue and previous in _WHERE_CUES) or re.search(r"\]\s*,\s*$", text[: spans[i].start()]) is not None)
    ordinary = all(is_english_word(w) for w in lower_words)
    if len(words) > 1 and after_cue and previous not in ("at", "by", "of", "over", "off"):
        return True  # "in pembroke dock", "to st austell", "from barry island": typed in lower case
    if ordinary:
        # "Sale", "Reading", "Moss Side": only a capitalised one right after "in", "from", "to"...,
        # or (several words) capitalised mid-sentence
        if not capitalised:
            return False
        if len(words) > 1 and not all(w in ("the", "The") for w in words[:1]) and (
                not at_sentence_start or following in ("is", "was", "has", "had", "feels", "seems")):
            return True
        return after_cue and previous not in ("at", "by", "of", "over", "off", "up", "down")
    if capitalised:
        return True
    # lower case and not an English word: "wythenshawe", "peckham"; a short one ("brill") needs "in", "from"...
    if len("".join(words)) < 6 and not after_cue:
        return False
    return len("".join(words)) >= 4 and not any(_known_word(w) and not _is_place_only(w) for w in lower_words)


# Two or three capitalised words right after "in", "from", "near"...: a place the gazetteer lacks
# ("in Swiss Cottage"), unless the last word says organisation, event or subject.
_UNLISTED_PLACE = re.compile(r"\b(?i:in|from|near|round|around|outside|grew up in|live in|lives in|living in|"
                             r"moved to|moving to)\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){1,2})\b")
_NOT_PLACE_LAST_WORDS = frozenset("""service services team trust council police court centre center hut club month
week day league class year advice department office unit hospital ward college school academy university group
project programme program charity church mosque temple army navy force cadets scouts guides awards award
express extra store shop bank street road lane avenue close drive way park estate flats united city town rovers
fc tech technology studies science skills care justice support wales england scotland ireland britain
kingdom""".split())


# Words that end the names of districts and villages: "Kings Heath", "Bromley Cross", "Norris Green".
_PLACE_SUFFIXES = frozenset({"Cross", "Green", "Heath", "Hill", "Bridge", "Vale", "End", "Common", "Village", "Wood",
                             "Moor", "Gate", "Fold", "Brook", "Mill", "Side", "Bank", "Lees", "Marsh", "Fields",
                             "Heights", "Farm", "Forum", "Rock", "Quays", "Quay", "Grange", "Market", "Junction",
                             "Park", "Wells", "Bay", "Norton", "Barr", "Heath"})


# "Kings Norton", "Lower Earley", "Great Barr": a word before a place that is part of its name
_PLACE_PREFIX = re.compile(r"\b(?:Kings|King's|Kings'|Great|Little|Lower|Upper|Old|North|South|East|West|Higher|"
                           r"Nether|Long|Market|Castle|Church|Bishops|Bishop's|Chipping|Steeple|Much|Mid|Low|High)"
                           r"\s+\[place\]")
# "Rhos on Sea", "Stratford upon Avon", "Westcliff-on-Sea" (the hyphened one goes with the Welsh rule)
_ON_SEA = re.compile(r"\[place\]\s+(?:on|upon|under|by)\s+(?:the\s+)?(?:Sea|Avon|Trent|Tyne|Thames|Tees|Wye|Severn|"
                     r"Dee|Ouse|Humber|Lune|Mersey|Wear|Stour|Tweed|Usk|Taff|Hill|\[place\])\b")
# Districts the gazetteer lacks, named by their last word, after more verbs of going: "couldnt leave Kings Heath",
# "hang round Chapel Market"
_SUFFIXED_PLACE = re.compile(r"\b(?i:to|at|leave|left|leaving|about|round|around|in|from|near|outside|visit|"
                             r"visiting|past|through)\s+((?:[A-Z][a-z]+\s+){1,2}(?:" + "|".join(
                                 sorted({"Cross", "Green", "Heath", "Vale", "End", "Common", "Market", "Junction",
                                         "Wells", "Norton", "Barr", "Side", "Marsh", "Fields", "Quay", "Quays",
                                         "Wood", "Bay", "Island", "Beach", "Harbour", "Marina", "Moor", "Brook",
                                         "Bridge", "Hill", "Sands", "Point", "Head", "Valley"}))
                             + r"))\b(?!\s+(?i:station|road|street|lane|hospital|school|college|centre|park|court))")


def _suffixed_place(match: re.Match[str]) -> str:
    words = match.group(1).split()
    if any(w.lower() in KNOWN_NOT_NAMES or w.lower() in _MONTHS_AND_DAYS or w.lower() in _NOT_PLACE_LAST_WORDS
           or w in ("The", "A", "My", "Our", "Your", "Their", "His", "Her", "This", "That", "Every", "No")
           for w in words[:-1]):
        return match.group(0)  # "to The End", "at Christmas Market"
    return replace_group(match, 1, "[place]")


# "hmp parc", "yoi wetherby" typed in lower case
_LOWER_PRISON = re.compile(r"\b(?:hmp|hmyoi|yoi)\s+([a-z][a-z'’-]{2,})\b")


def _lower_prison(match: re.Match[str]) -> str:
    word = match.group(1)
    if is_english_word(word) and word not in places() or word in KNOWN_NOT_NAMES:
        return match.group(0)
    return replace_group(match, 1, "[place]")


# Where someone lives, typed in lower case and in no gazetteer: "we live in penge", "grew up in kingsway"
_LOWER_RESIDENCE = re.compile(r"\b(?i:live|lives|living|lived|grew up|brought up|raised|born|moved|moving|stay|stays|"
                              r"staying|stayed)\s+(?:(?i:in|to|from|out to|up in|down in|over in|round)\s+)"
                              r"([a-z][a-z'’-]{3,})\b(?!['’])")


def _lower_residence(match: re.Match[str]) -> str:
    word = match.group(1)
    if _known_word(word) or _made_of_words(word) or word in _all_first_names() or word in KNOWN_NOT_NAMES \
            or word.endswith(("ing", "ed")):
        return match.group(0)
    return replace_group(match, 1, "[place]")


def _unlisted_place(match: re.Match[str]) -> str:
    words = match.group(1).split()
    if words[-1].lower() in _NOT_PLACE_LAST_WORDS or any(w.lower() in KNOWN_NOT_NAMES for w in words) \
            or any(w.lower() in _MONTHS_AND_DAYS for w in words) \
            or (all(is_english_word(w) for w in words) and words[-1] not in _PLACE_SUFFIXES):
        return match.group(0)  # "in Youth Justice", "in Year Nine": ordinary words with capitals
    return replace_group(match, 1, "[place]")


def _is_place_only(word: str) -> bool:
    """TextBlob's lexicon knows "London" and "Leeds" only as proper nouns: still a place."""
    return not is_english_word(word) and word not in KNOWN_NOT_NAMES


def _adjacent(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    return text[first.end():second.start()].strip() == ""


# --- names -------------------------------------------------------------------------------------

_INITIALS_AFTER_CUE = re.compile(
    r"\b(?:(?i:ya|yer|my|ur|your|our)\s+(?i:boi|boy|g|guy|girl|gal|bro|mate|cuz)|(?i:me)\s+(?:and|n|&)|"
    r"(?i:thanks|thank you|thank u|cheers|big up|shout out|shoutout)(?:\s+to)?)\s+"
    r"([A-Z]{2}|[A-Za-z]{1,2}\d{1,2}|[a-z]{2}(?=\s+(?:and|n|&|got|was|is|has|had|came|helped|said|told|took|gave|"
    r"made|from|always|never)\s))(?![\w'’])")
_NOT_INITIALS = frozenset("""pc dc ds di gp uk tv pe re it ok no my me us ur ya he we so an to in on at up go do be is am
as or by of if oh hi yo mi em ye yh ty dob asb cbo yro rmo dto pru ks tv mp sms dm pm am""".split())


def _initials_or_keep(match: re.Match[str]) -> str:
    return match.group(0) if match.group(1).lower() in _NOT_INITIALS else replace_group(match, 1, "[name]")


def _redact_names(text: str, known: set[str]) -> str:
    if "." in text:
        text = _DOTTED_INITIALS.sub(_dotted_initials, text)
    text = _INITIALS_AFTER_CUE.sub(_initials_or_keep, text)
    text = _NICKNAME_CUE.sub(_nickname_cue, text)
    text = _NAME_CUE.sub(lambda m: _cue_name(m, known), text)
    if known:
        text = re.sub(r"\b(?:" + "|".join(sorted(map(re.escape, known), key=len, reverse=True)) + r")\b",
                      "[name]", text, flags=re.IGNORECASE)
    text = _CAPITALISED.sub(lambda m: "[name]" + ("'s" if m.group(0).endswith("'s") else "")
                            if _is_capitalised_name(text, m) else m.group(0), text)
    text = _LOWER_WORD.sub(lambda m: "[name]" if _is_lower_name(text, m) else m.group(0), text)
    text = _SHOUTED.sub(_shouted_name_or_keep, text)
    # "[name] Smith": a capitalised surname straight after a removed first name goes too
    surnames = census_names()[1]
    text = re.sub(r"\[name\]\s+((?:Mc|Mac|O['’]|D['’])?[A-Z][a-z'-]+(?:-[A-Z][a-z'-]+)?)\b",
                  lambda m: _surname_or_keep(m, surnames, known), text)
    text = _PAIR_OF_PEOPLE.sub(_pair_of_people, text)
    text = extend_runs(text)  # "[name] b and louis": the run first, then the list
    text = _NAME_PAIR.sub(_name_pair_or_keep, text)
    for _ in range(2):  # "Faith and Joy", "dani n jordan": one name in a list makes its neighbours names
        text = _NAME_LIST_AFTER.sub(lambda m: _listed_name(m, 1), text)
        text = _NAME_LIST_BEFORE.sub(lambda m: _listed_name(m, 1), text)
    text = _FIRST_BEFORE_NAME.sub(_first_name_before_surname, text)
    text = re.sub(r"\[name\]\s+(?i:ap|ab|bin|ibn|bint|van|von|de|da|al|el)\s+\[name\]", "[name]", text)
    text = _OWNERS_SHOP.sub("[place]", text)
    text = extend_runs(text)
    text = re.sub(r"\[name\] (?!I\b|A\b)[A-Z]\b(?!['’.]\w)", "[name]", text)
    return re.sub(r"\[name\](?: \[name\])+", "[name]", text)  # a first name and surname are one person


_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+)\s+(?:and|&)\s+([A-Z][a-z]+)\b")


def _name_pair_or_keep(match: re.Match[str]) -> str:
    first_names = _all_first_names()
    _, next_word = _neighbours(match.string, match)
    if all(w.lower() in first_names and w.lower() not in _MONTHS_AND_DAYS and w.lower() not in KNOWN_NOT_NAMES
           for w in (match.group(1), match.group(2))) and next_word in _NAME_LIKE_NEXT - {"and", "is", "has"} | {"are"}:
        return "[name] and [name]"
    return match.group(0)


_NAME_LIST_AFTER = re.compile(r"(?<=\[name\]|andle\])(?:,\s*|\s+(?:and|n|&|or|nd|an)\s+)([A-Za-z][a-z'’-]+|[A-Z]{2,3}|[a-z]\d{1,3})"
                              r"(?![\w'’-])")
_NAME_LIST_BEFORE = re.compile(r"(?<![\w\[])([A-Za-z][a-z'’-]+|[A-Z]{2,3}|[a-z]\d{1,3})(?=(?:,\s*|\s+(?:and|n|&|or|nd|an)\s+)"
                               r"\[(?:name|handle)\])")
_FIRST_BEFORE_NAME = re.compile(r"\b([A-Z][a-z]+)(?=\s+\[name\])")


_TEXT_SPEAK_PAIRS = frozenset("""ur ya yh rn tb bf gf fr ig sc tt fb ps xx ok hb bb gg nm wb lm ty np fs cb""".split())


def _listed_name(match: re.Match[str], group: int) -> str:
    word = match.group(group)
    lower = word.lower()
    first, surnames, _ = census_names()
    if lower in KNOWN_NOT_NAMES or lower in _MONTHS_AND_DAYS or lower in _NOT_NAMES_AFTER_CUE or len(word) < 2 \
            or lower in _PERSON_NOUNS or lower.endswith("worker"):
        return match.group(0)  # "The caseworker, [name]": a role beside a name, not another name
    if re.fullmatch(r"[a-z]\d{1,3}", word):  # "k2 and [handle]": a short handle beside another
        return replace_group(match, group, "[handle]") if lower[0] not in "ymbwhlu" else match.group(0)
    if word.isupper():  # "DJ n [name]": initials beside a name
        return replace_group(match, group, "[name]") if lower not in _NOT_INITIALS else match.group(0)
    if len(word) == 2 and word.islower():  # "mo and jj": initials typed in lower case
        return replace_group(match, group, "[name]") if lower not in _NOT_INITIALS and not _known_word(lower) \
            and lower not in _TEXT_SPEAK_PAIRS else match.group(0)
    if word[0].isupper():
        listed = lower in first or lower in ALL_CURATED_NAMES or not _known_word(lower) or _proper_noun_only(lower)
        if listed and is_english_word(lower) and lower not in ALL_CURATED_NAMES and lower not in first:
            listed = False
    else:  # lower case: only a name no dictionary knows ("dani n jordan")
        by_comma = "," in match.group(0) or match.string[match.end(): match.end() + 1] == ","
        listed = not is_english_word(lower) and (lower in first or lower in ALL_CURATED_NAMES
                                                 or (not _known_word(lower) and not by_comma)) and len(lower) >= 3
        if not listed and lower in first and lower not in AMBIGUOUS_NAMES and len(lower) >= 3 and not by_comma:
            # "[name] and louis used to": a given name that is a rare word, the list the subject of a verb
            listed = _neighbours(match.string, match)[1] in _TOGETHER_NEXT | _STRONG_NAME_NEXT | {"are", "came"}
    return replace_group(match, group, "[name]") if listed else match.group(0)


def _first_name_before_surname(match: re.Match[str]) -> str:
    """"Dean [name]": a first name that is also a word, right before a removed surname."""
    lower = match.group(1).lower()
    if lower in _PERSON_CUES or lower in KNOWN_NOT_NAMES or lower in _GREETINGS or lower in _DETERMINERS:
        return match.group(0)
    if lower in _MONTHS_AND_DAYS and (len(lower) > 3 or lower in ("may", "sun", "sat", "wed", "mar")
                                      or re.search(r"\d\s*$", match.string[: match.start()])):
        return match.group(0)  # "since June [name] ...", "3 Jun"
    if lower in _all_first_names() or _proper_noun_only(lower) or (
            not _known_word(lower) and len(lower) >= 2 and lower not in _MONTHS_AND_DAYS) or lower == "jun":
        return "[name]"  # "Paddy Joe", "Jun Hao", "Mai Anh": two given names
    return match.group(0)


_SHOUTED = re.compile(r"\b[A-Z]{3,}(?:['’]S)?\b")


def _shouted_name_or_keep(match: re.Match[str]) -> str:
    """"JAYDEN WAS A LEGEND": a name in capitals is still a name when no list says acronym."""
    word = re.sub(r"['’]S$", "", match.group(0)).lower()
    if word in KNOWN_NOT_NAMES or word in AMBIGUOUS_NAMES or word in _MONTHS_AND_DAYS or word in countries()[0]:
        return match.group(0)
    if word in ALL_CURATED_NAMES or (word in census_names()[0] and not is_english_word(word) and len(word) >= 4):
        return "[name]"
    return match.group(0)


def _surname_or_keep(match: re.Match[str], surnames: frozenset[str], known: set[str]) -> str:
    word = match.group(1)
    lower = word.lower()
    if lower in surnames or lower in known or any(part in surnames for part in lower.split("-")):
        return "[name]"
    if not _known_word(word) or (not is_english_word(lower) and lower not in _MONTHS_AND_DAYS):
        return "[name]"
    return match.group(0)


def _nickname_cue(match: re.Match[str]) -> str:
    word = match.group(1)
    lower = word.lower()
    if lower in _NOT_NAMES_AFTER_CUE or lower in KNOWN_NOT_NAMES or (word[0].islower() and is_english_word(lower)) \
            or lower in ("names", "out", "back", "up", "round", "over", "things", "stuff"):
        return match.group(0)
    quote = word[-1] if word[-1] in "'’" else ""  # "known as 'Bugsy'": the closing quote stays
    return replace_group(match, 1, "[name]") + quote


def _cue_name(match: re.Match[str], known: set[str]) -> str:
    word = match.group(1)
    lower = word.lower()
    explicit = re.search(r"(?i:\bname\s+is|\bnamed|\bnames)\s+$", match.group(0)[: match.start(1) - match.start(0)])
    if explicit and lower in AMBIGUOUS_NAMES | census_names()[0] and lower not in _NOT_NAMES_AFTER_CUE:
        return match.group(0)[: match.start(1) - match.start(0)] + "[name]"  # "her name is destiny"
    is_name = lower in known or (
        lower not in _NOT_NAMES_AFTER_CUE
        and ((word[0].isupper() and not (word.isupper() and is_english_word(lower))) or lower in ALL_CURATED_NAMES
             or (not is_english_word(lower) and (lower in census_names()[0] or _proper_noun_only(lower)))
             or (not _known_word(lower) and len(lower) >= 3 and not _made_of_words(lower)  # "my mate deano"
                 and (word[0].isupper() or not lower.endswith(("s", "ed", "ing")))))  # not "my brother chokes me"
        and not (lower in AMBIGUOUS_NAMES and not word[0].isupper())
        and lower not in KNOWN_NOT_NAMES)
    return match.group(0)[: match.start(1) - match.start(0)] + "[name]" if is_name else match.group(0)


def _neighbours(text: str, match: re.Match[str]) -> tuple[str, str]:
    before = text[: match.start()].split()
    after = text[match.end():].split()
    next_word = after[0].strip(",.!?;:()").lower() if after else ""
    previous_word = before[-1].strip(",.!?;:()").lower() if before else ""
    return previous_word, next_word


def _context(text: str, match: re.Match[str]) -> tuple[str, str, str, str]:
    """(word two before, word before, the text right after, word two after), lower case, for cues
    like "thank you X", "ask for X", "X, my eldest", "X, he's"."""
    before = re.findall(r"[\w'’]+", text[max(0, match.start() - 40): match.start()].lower())
    after = re.findall(r"[\w'’]+|[,]", text[match.end(): match.end() + 40].lower())
    return (before[-2] if len(before) > 1 else "", before[-1] if before else "",
            after[0] if after else "", after[1] if len(after) > 1 else "")


_PAIR_CUES = frozenset({("big", "up"), ("thank", "you"), ("ask", "for"), ("speak", "to"), ("talk", "to"), ("out", "to"),
                        ("me", "and"), ("me", "n"), ("and", "our"), ("thanks", "to"), ("ta", "to"),
                        ("especially", "to"), ("shout", "out")})


def _person_cue_around(text: str, match: re.Match[str], vocative: bool = True) -> int:
    """Cues that only a person takes. 2: the sentence says so outright ("X, my eldest", "X, he's",
    "X my worker", "X, thank you"); 1: a weaker cue ("thank you X", "ask for X"); 0: none."""
    before2, before1, after1, _ = _context(text, match)
    rest = text[match.end(): match.end() + 30].lower()
    if match.group(0).endswith(("'s", "’s")) and re.match(r"\s+(\w+)", rest) and \
            re.match(r"\s+(\w+)", rest).group(1) in _PERSON_NOUNS | _HOME_NOUNS:
        return 2  # "Will's mum came", "at Grace's house"
    if re.match(r"\s*[,(-]\s*(?:he|she)(?:'s|’s| is| was| has| had)\b", rest) or re.match(r"\s*,?\s*aka\b", rest):
        return 2
    if re.match(r"\s*(?:he|she)(?:'s|’s| is| was| has| had)\b", rest):
        return 1
    apposition = re.match(r"\s*[,(-]?\s*(?:my|our|his|her|your|the)\s+(\w+)(?:\s+(\w+))?(?:\s+(\w+))?", rest)
    if apposition and any(w in _PERSON_NOUNS for w in apposition.groups()):
        return 2
    if vocative and re.match(r"\s*,\s*(?:thank|thanks|cheers|ta|you|u|ur|you're|your)\b", rest) \
            and _SENTENCE_END.search(text[: match.start()]) is not None:
        return 2  # "Precious, thank you for believing in him"
    if _PRAISED_AS_PERSON.match(text[match.end():]) and before1 not in _DETERMINERS:
        return 2  # "Rocky is a legend"
    role = re.match(r"\s+(?:was|is|were|'s|’s)\s+(?:my|our|his|her|their|the)\s+(\w+)(?:\s+(\w+))?", rest)
    if role and (role.group(1) in _PERSON_NOUNS or role.group(2) in _PERSON_NOUNS):
        return 2  # "Honour was my victim worker"
    if before2 in ("my", "our", "his", "her", "their", "your") and before1 in _PERSON_NOUNS:
        return 2  # "My son Christian", "our eldest Grace"
    if (before2, before1) in _PAIR_CUES or re.match(r"\s*[,(-]\s*(?:they|who)(?:'s|’s| is| was| were)?\b", rest):
        return 1
    return 0


def _is_capitalised_name(text: str, match: re.Match[str]) -> bool:
    word = match.group(0).removesuffix("'s").lower()
    if word in countries()[0] and (word not in census_names()[0] and word not in ALL_CURATED_NAMES
                                   or _neighbours(text, match)[0] in _WHERE_CUES | {"to", "visit", "visited"}):
        return False  # "from Poland"; "Jordan", "Georgia", "Chad" are people unless they are where
    if word in KNOWN_NOT_NAMES:
        return word in census_names()[0] and _person_cue_around(text, match) == 2  # "Chelsea, my eldest"
    previous_word, next_word = _neighbours(text, match)
    if previous_word in ("st", "st.", "saint"):
        return False  # a saint's name is an organisation's or a place's ("St John Ambulance")
    sentence_start = _SENTENCE_END.search(text[: match.start()]) is not None
    if "-" in word and _hyphenated_first_names(word):
        return True  # "Billy-Ray", "Mary-Kate"
    if sentence_start and not is_english_word(word) and len(word) >= 3 and (
            re.match(r"\s+from\s+(?:the|my|our|your|his|her|their|yot|school|college|work|class)\b",
                     text[match.end():]) or (_known_word(word) and next_word in _STRONG_NAME_NEXT)):
        return True  # "Dmitri from the group said", "Lysander translated for my dad"
    if word not in COMMON_FIRST_NAMES and word not in MORE_FIRST_NAMES:
        first, _, ordinary = census_names()
        if word not in first:
            if (word,) in places().get(word, ()):
                return False  # a town the place rule kept on purpose ("Leeds United", "supports Liverpool")
            if word in census_names()[1] and not is_english_word(word) and len(word) >= 4:
                # a surname on its own: "Jones from the YOT rang", "ask for Okafor", "Crispin my caseworker"
                return not sentence_start or next_word in _NAME_LIKE_NEXT or _person_cue_around(text, match) == 2
            if not sentence_start and next_word in _PERSON_ONLY_VERBS and previous_word not in _DETERMINERS \
                    and not re.search(r"[A-Z][\w']*\s*$", text[: match.start()]):
                return True  # "I am Lithuanian and Rasa translated for me"
            if _known_word(word) and word not in _MONTHS_AND_DAYS and (
                    (not sentence_start and _person_cue_around(text, match))
                    or _person_cue_around(text, match, vocative=False) == 2):  # "Baker was my worker"
                return True
            if _proper_noun_only(word) and not word.endswith("s") and (  # "Barclays", "Lloyds": firms
                    next_word in (_NAME_LIKE_NEXT if not sentence_start else _STRONG_NAME_NEXT)
                    or (not sentence_start and previous_word in _STRONG_PERSON_CUES) or _person_cue_around(text, match)):
                return True  # "Hamish helped me", "thanks to Zbigniew": TextBlob knows them only as proper nouns
            if sentence_start and not _known_word(word) and len(word) >= 3 and re.match(
                    r"\s*(?:[-–—!]|,\s*(?:thank|thanks|cheers|you|u|ur|my|our|the|best|legend|love)\b)",
                    text[match.end():]):
                return True  # "Siddharth - legend", "Sunita! Thank you!!": a name called out
            return _is_unknown_proper_noun(word, previous_word, next_word, sentence_start,
                                           match.group(0).endswith("'s"), text) or (
                not _known_word(word) and len(word) >= 3 and _person_cue_around(text, match))
        if word in ordinary:  # "June", "Rich", "Frank": a month or a word unless the sentence says person
            return _is_wordlike_name(text, match, word, previous_word, next_word, sentence_start)
        return True
    if word not in AMBIGUOUS_NAMES and (not is_english_word(word) or word not in _lexicon_words()[0]):
        return True  # "Joseph": common in writing, never a word in lower case
    return _is_wordlike_name(text, match, word, previous_word, next_word, sentence_start)


def _is_wordlike_name(text: str, match: re.Match[str], word: str, previous_word: str, next_word: str,
                      sentence_start: bool) -> bool:
    """A first name that is also an English word ("Grace", "Frank", "Robin"), written with a capital."""
    if word in _MONTHS_AND_DAYS and re.search(r"\b(?:" + "|".join(_MONTHS_AND_DAYS) + r")\s+(?:and|or|to|&)\s+$",
                                              text[: match.start()].lower()):
        return False  # "in May and June": two months
    if word in _MONTHS_AND_DAYS and word not in ("may", "april", "june", "august"):
        return False
    if word in ("may", "april", "june", "august") and (previous_word in _DATE_WORDS or previous_word[:1].isdigit()
                                                       or next_word[:1].isdigit() or next_word in ("to", "till")):
        return False
    if _person_cue_around(text, match):
        return True
    if sentence_start:  # capitals prove little here: "Hope is all we have", "Will do", "Frank talk helps"
        if _a_thing_not_a_person(text[match.end():]):
            return False  # "Summer was when it all kicked off", "Rocky was the film we watched"
        if word in _MONTHS_AND_DAYS:  # "April from the team", never "April was a hard month"
            return next_word in (_STRONG_NAME_NEXT - {"was"}) | {"from", "came", "took", "made"}
        if word in _ABSTRACT_NAMES:
            return next_word in _STRONG_NAME_NEXT or next_word in ("from", "at", "came", "took", "made")
        return next_word in _START_NAME_NEXT or next_word == "in"  # "Crystal in admin"
    before = text[: match.start()].rstrip()
    after = text[match.end():].lstrip()
    word_before = re.search(r"[A-Z][\w']*$", before)
    # "Nottingham Forest", "Youth Justice": part of a longer proper noun; "Thanks Frank" is not
    capital_before = bool(word_before) and (
        _SENTENCE_END.search(before[: word_before.start()]) is None or not is_english_word(word_before.group(0))
        or word_before.group(0).lower() not in _GREETINGS)  # "Restorative Justice", but "Thanks Frank"
    if capital_before:
        return False
    if previous_word == "our":
        return True  # "our Summer", "our Jack": family talk
    if previous_word in _DETERMINERS:
        return False  # "a Bill to pay", "the Rose and Crown"
    if previous_word in _WHERE_CUES | {"to", "at", "visit", "visited"} and word not in ALL_CURATED_NAMES \
            and word not in _lexicon_words()[0] and next_word not in _NAME_LIKE_NEXT:
        return False  # "went to Paris on a trip": a place abroad the gazetteer does not hold
    if next_word in _NAME_LIKE_NEXT or previous_word in _PERSON_CUES or next_word in ("", ","):
        return True
    if word in _ABSTRACT_NAMES or word in _MONTHS_AND_DAYS:
        return False
    # mid-sentence with a capital and not part of a longer proper noun: a name ("Mei in the group")
    capital_after = bool(re.match(r"[A-Z][a-z]", after)) and after.split()[0].strip(",.!?").lower() \
        not in census_names()[1]
    return not capital_after


def _foreign_phrase(text: str, word: str) -> bool:
    """What follows says the word is no person: another word no dictionary knows ("Dzień dobry"), or a
    noun, a preposition or an adverb ("Jujitsu classes", "Zumba on Fridays", "Ubering now"). A name is
    followed by a verb, a pronoun or a mark ("Jaydn (spelt wrong...)", "Amadou you are a legend")."""
    following = re.search(re.escape(word) + r"\s+([^\W\d_][^\W\d_'’]*)", text, re.IGNORECASE)
    if following is None or not following.group(1).islower():
        return False
    tag = lexicon_tags().get(following.group(1))
    if tag is None:
        return not _known_word(following.group(1))
    return not (tag.startswith(("VB", "MD", "PRP", "WP")) or following.group(1) in _NAME_LIKE_NEXT)


def _is_unknown_proper_noun(word: str, previous_word: str, next_word: str, sentence_start: bool,
                            possessive: bool = False, text: str | None = None) -> bool:
    """A capitalised word no list or lexicon knows ("Nkechi", "Kez"): a name, if the sentence says person."""
    if len(word) < 2 or _known_word(word) or word in _MONTHS_AND_DAYS:
        return False
    if sentence_start and (in_long_word_list(word) or _inflected(word.lower())):
        return False  # "Midwives were great", "Outpatients ran smoothly": words, though TextBlob's lists lack them
    if sentence_start:  # "Kez was great", "Anwen's support" (and, wrongly, "Locum was useless")
        # "Jaydn (spelt wrong...)": no dictionary knows it and it is no typo of a word ("Realy", "Thnks")
        return next_word in _NAME_LIKE_NEXT or possessive or (
            len(word) >= 4 and not _made_of_words(word) and not one_edit_from_english(word)
            and text is not None and not _foreign_phrase(text, word) and not looks_welsh(text))
    return True


def _hyphenated_first_names(word: str) -> bool:
    """"Billy-Ray", "lily-mae", "alfie-jo": two first names joined, not "will-power" or "sky-high"."""
    parts = word.lower().split("-")
    first = _all_first_names()
    listed = [p in first or p in ALL_CURATED_NAMES for p in parts]
    # "lexi-rae": one part a listed first name and the other no word at all (a pet form no list holds)
    return len(parts) == 2 and all(len(p) >= 2 and (known or not _known_word(p) and not _made_of_words(p))
                                   for p, known in zip(parts, listed)) and any(listed) \
        and not all(p in _lexicon_words()[0] for p in parts)


# A lower-case first name that is also a word takes a cue on each side: "me and rocky used to",
# "thank u to joy she is", "with mo again he gets it", "lol mark is a legend".
_ME_AND_BEFORE = re.compile(r"\bme\s+(?:and|n|&)\s+$", re.IGNORECASE)
_TOGETHER_NEXT = frozenset({"are", "were", "used", "went", "got", "both", "still", "have", "had", "was", "did",
                            "always", "never", "get", "go", "do", "would", "use", "ended", "started"})
_PERSON_CUE_BEFORE = re.compile(r"\b(?:with|wiv|thank(?:s| you| u)?(?:\s+to)?|cheers(?:\s+to)?|big up|shout ?out|s/o"
                                r"(?:\s+to)?|love (?:u|you)|ask|tell|told|me (?:and|n|&))\s+$", re.IGNORECASE)
_HE_OR_SHE_NEXT = re.compile(r"\s+(?:[a-z]+\s+)?(?:he|she)\b")
_PRAISED_AS_PERSON = re.compile(r"\s+(?:is|was|'s|’s)\s+(?:a|an|the|such a|one)\s+(?:\w+\s+)?(?:legend|star|diamond|"
                                r"gem|bloke|lad|geezer|guy|man|woman|lady|girl|boy|angel|hero|saint|g)\b",
                                re.IGNORECASE)


def _word_name_in_lower_case(text: str, match: re.Match[str], word: str) -> bool:
    if word in _NOT_NAMES_AFTER_CUE or word in KNOWN_NOT_NAMES or word in _MONTHS_AND_DAYS:
        return False
    before, after = text[: match.start()], text[match.end():]
    first_name = word in _all_first_names() or word in AMBIGUOUS_NAMES
    if first_name and _ME_AND_BEFORE.search(before) and _neighbours(text, match)[1] in _TOGETHER_NEXT | _STRONG_NAME_NEXT:
        return True  # "me and liberty are still friends"
    if first_name and _PERSON_CUE_BEFORE.search(before) and _HE_OR_SHE_NEXT.match(after):
        return True  # "big up sky she got me bus passes"
    unknown = not _known_word(word) and len(word) >= 3 and not _made_of_words(word)
    return (first_name or unknown) and _neighbours(text, match)[0] not in _DETERMINERS \
        and _PRAISED_AS_PERSON.match(after) is not None  # "i think kev is a top bloke"


# Right before a lower-case word no dictionary knows, these make it a person's name.
_LOWER_NAME_CUE = re.compile(r"(?:\b(?:me|and)\s+(?:and|n|&)|\b(?:with|wid|wiv|wit|ask|tell|told|asked|thanks|thank you|"
                             r"thank u|thx|cheers|love u|love you|my boy|my g|my guy|big man|lil|bless|shout out to|"
                             r"shoutout to|shout out|shoutout|s/o|big up|respect to|rip|r\.i\.p)"
                             r"|\bmy\s+(?:mate|bro|cuz|cousin|friend|boy|girl))\s+$",
                             re.IGNORECASE)


# After a name at a sentence's start, where the person is from or works, and what they did to the writer:
# "summer from yot came", "dawn at the office always had", "jun hao from maths", "chase got me into boxing".
_FROM_A_TEAM = re.compile(r"\s+(?:[a-z]+\s+)?(?:from|at|in)\s+(?:the\s+|my\s+|our\s+|ur\s+)?(?:[a-z]+\s+)?"
                          r"(?:yot|yos|team|office|reception|school|college|gym|centre|center|jobcentre|council|service|"
                          r"club|church|mosque|project|maths|english|science|class|group|youth|education|pru|unit|"
                          r"housing|desk|front|hostel|cafe|caff|shop|work|staff)\b")
_DID_TO_ME = re.compile(r"\s+(?:got|gets|helped|helps|took|takes|gave|gives|showed|taught|brought|drove|picked|"
                        r"introduced|sorted|put|dragged|talked|convinced|pushed|told|tells|asked|rang|texted)\s+"
                        r"(?:me|us|my)\b")
_THING_AFTER_WAS = frozenset({"when", "where", "what", "how", "why", "the", "a", "an", "so", "too", "over", "gone",
                              "long", "short", "hot", "cold", "warm", "dark", "bright", "clear", "grey", "blue",
                              "coming", "here", "there", "hard", "rough", "ok", "okay", "fine", "bad", "good"})


# Words given as first names in UK classrooms that no name list we use holds: only taken with a cue.
_WORD_NAMES = frozenset("""river storm phoenix willow rowan nova indigo blaze ocean rain onyx reign aspen maple
ember raven wren jett ace""".split())
# "mo and jj is my boys", "marek and zdenek are still my mates": two people the sentence names as the writer's own
_PAIR_OF_PEOPLE = re.compile(r"(?:^|(?<=[.!?]\s))([A-Za-z][a-z'’-]+)\s+(?:and|n|&)\s+([A-Za-z][a-z'’-]+)(?=\s+(?:is|are|was|"
                             r"were)\s+(?:still\s+|both\s+|like\s+)?(?:my|our|me)\s+(?:\w+\s+)?(?:boys|girls|mates|friends|"
                             r"bros|brothers|sisters|cousins|workers|mentors|gs|g's|bredrins|pals|besties|neighbours|"
                             r"mandem|homies|fam|bestfriends|dawgs|twins|kids)\b)")


def _pair_of_people(match: re.Match[str]) -> str:
    def name_shaped(word: str) -> bool:
        lower = word.lower()
        if lower in KNOWN_NOT_NAMES or lower in _NOT_NAMES_AFTER_CUE or lower in _PERSON_NOUNS or lower in _PRONOUNS:
            return False
        return lower in _all_first_names() or lower in AMBIGUOUS_NAMES or (
            not _known_word(lower) and not _made_of_words(lower) and lower not in _TEXT_SPEAK_PAIRS)
    if name_shaped(match.group(1)) and name_shaped(match.group(2)):
        return "[name] and [name]"
    return match.group(0)


_RANKING = frozenset({"best", "worst", "nicest", "kindest", "first", "last", "only", "hardest", "funniest"})


def _a_thing_not_a_person(after: str) -> bool:
    """"X was when...", "X was the film we watched": what follows says time or thing, not person
    (not "X was the best, she...", "X was the name of the girl", "X was the volunteer")."""
    then = re.match(r"\s+(?:was|is|were)\s+([a-z']+)(?:\s+([a-z']+))?(?:\s+([a-z']+))?", after)
    if not then or then.group(1) not in _THING_AFTER_WAS:
        return False
    if then.group(1) in ("the", "a", "an"):
        sentence = re.split(r"[.!?]", after, maxsplit=1)[0]
        if then.group(3) and then.group(2) in _RANKING and then.group(3) not in _PERSON_NOUNS | {"person", "one"} \
                and re.match(r"\s+\S+\s+\S+\s+" + then.group(2) + r"\s+" + then.group(3), after):
            return True  # "Autumn was the worst time for me": a ranked thing
        if any(w in _PERSON_NOUNS or w in _RANKING or w in ("name", "one")
               for w in then.groups()[1:]) or re.search(r"\b(?:he|she|her|him)\b", sentence):
            return False
    return True


def _name_opening_a_sentence(text: str, match: re.Match[str], word: str) -> bool:
    """A lower-case word opening a sentence, that a list gives as a first name (or no dictionary knows),
    followed by where the person is from, what they are to the writer, or what they did for the writer."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]  # "sky's mum": the name, not "mum's boyfriend"
    if len(word) < 3 or word in KNOWN_NOT_NAMES or "'" in word or "’" in word or word in _PERSON_CUES \
            or word in _MONTHS_AND_DAYS or word in _NOT_NAMES_AFTER_CUE or word in _PERSON_NOUNS:
        return False
    first_name = word in _all_first_names() or word in AMBIGUOUS_NAMES or word in _WORD_NAMES or (
        word in census_names()[1] and not is_english_word(word)) or _proper_noun_only(word)  # "rowan", "zion"
    if not first_name and (_known_word(word) or _made_of_words(word)):
        return False
    if _SENTENCE_END.search(text[max(0, match.start() - 3): match.start()]) is None and match.start() > 3 \
            or _SENTENCE_END.search(text[: match.start()]) is None:
        return False
    after = text[match.end():]
    if _FROM_A_TEAM.match(after) or _person_cue_around(text, match, vocative=False) == 2:
        return True  # "summer from yot came", "sky was my sisters friend"
    initial = re.match(r"\s+[b-hj-mo-tv-wz]\s+(?:was|is|were|'s)\s+(?:my|our|his|her|their|the)\s+(\w+)(?:\s+(\w+))?",
                       after)
    if initial and (initial.group(1) in _PERSON_NOUNS or initial.group(2) in _PERSON_NOUNS):
        return True  # "sami g is my boy": a name and an initial, then what the person is to the writer
    if _DID_TO_ME.match(after):
        return word not in _ABSTRACT_NAMES  # "chase got me into boxing", never "hope got me through"
    following = re.match(r"\s+([a-z']+)(?:\s+([a-z']+))?", after)
    if following and first_name and (not is_english_word(word) or word in ALL_CURATED_NAMES
                                     and word not in AMBIGUOUS_NAMES):  # "tobias got the same order", "lacey n her mum"
        return following.group(1) in _NAME_LIKE_NEXT | {"n", "&"} and not (
            following.group(1) in ("was", "is", "were") and following.group(2) in _THING_AFTER_WAS)
    return False


def _is_lower_name(text: str, match: re.Match[str]) -> bool:
    word = match.group(0)
    if word in _PERSON_NOUNS or word in _PERSON_CUES or word.endswith("worker"):
        return False
    if "-" in word:
        return _hyphenated_first_names(word)  # "thanks to rosie-may"
    if _word_name_in_lower_case(text, match, word) or _name_opening_a_sentence(text, match, word):
        return True
    base = re.sub(r"['’]s?$", "", word)  # "mum's" is "mum"
    if word in _NOT_NAMES_AFTER_CUE or word in KNOWN_NOT_NAMES or len(word) < 2 or (
            base != word and (base in KNOWN_NOT_NAMES or is_english_word(base) or base in _PERSON_CUES)):
        return False
    previous_word, next_word = _neighbours(text, match)
    if word in AMBIGUOUS_NAMES and word not in _ABSTRACT_NAMES and next_word in _STRONG_NAME_NEXT \
            and _SENTENCE_END.search(text[: match.start()]) is not None:
        return True  # "mo helped me", never "hope is all we have"
    if is_english_word(word):
        return False
    if word.endswith("s") and word[:-1] in ALL_CURATED_NAMES and word[:-1] not in AMBIGUOUS_NAMES \
            and previous_word in ("at", "to", "round", "from", "with", "in"):
        return True  # "sofa surfing at kayleighs": someone's house
    curated = word in ALL_CURATED_NAMES and word not in AMBIGUOUS_NAMES
    if curated and len(word) >= 3:
        return True  # "jess", "kyle": names people type without capitals, and not English words
    sentence_start = _SENTENCE_END.search(text[: match.start()]) is not None
    if word in AMBIGUOUS_NAMES:  # "mo helped me", never "hope is all we have"
        return sentence_start and next_word in _STRONG_NAME_NEXT
    unknown = not _known_word(word) and len(word) >= 3 and not _made_of_words(word)
    if unknown and sentence_start and next_word in _STRONG_NAME_NEXT | {"is", "was", "has", "had"}:
        return True  # "seun is a legend", "emre was jokes" (not "lowkey helped me", "weve had")
    listed = word in census_names()[0] or word in ALL_CURATED_NAMES
    verb_shaped = word.endswith(("ed", "ing", "es")) and not listed
    plural = word.endswith("s") and not word.endswith("ss")  # "with balaclavas"; listed names like "tobias" pass
    if ((unknown and not plural) or (listed and not is_english_word(word))) and not verb_shaped and len(word) >= 4 \
            and _LOWER_NAME_CUE.search(text[: match.start()]) and not word.endswith(("ly", "ness", "ment", "tion")):
        return True  # "me and kemar", "link up wiv jaylo", "ask kemar", "love u jodie"
    if unknown and not plural and len(word) >= 4 and (
            re.match(r"\s+(?:and|n|&)\s+me\b", text[match.end():])
            or (sentence_start and re.match(r"\s+(?:and|n|&)\s+i\b", text[match.end():]))):
        return True  # "kemar and me got caught"
    stem = word[:-1]
    if word.endswith("s") and len(stem) >= 4 and (stem in ALL_CURATED_NAMES or (
            not _known_word(stem) and not _made_of_words(stem))) and next_word in _PERSON_NOUNS | _HOME_NOUNS:
        return True  # "jaylos mum rang": a name's possessive typed without its apostrophe
    if (unknown or listed) and not verb_shaped and len(word) >= 4 and (
            previous_word == "our" or (_person_cue_around(text, match) and (listed or sentence_start))):
        return True  # "our jaylen", "mags my worker" (not "my son headbutted me", "keeps texting my son")
    if word not in census_names()[0] and word not in census_names()[1]:
        return False
    return previous_word in _PERSON_CUES or next_word in _STRONG_NAME_NEXT
