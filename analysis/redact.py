"""Take identifying details out of free text before it goes anywhere near a report.

Pragmatic, not perfect: it removes what people commonly type (first names, phones, emails,
addresses, postcodes, schools, case references) and leans towards redacting when in doubt.
Known limits:
- Built-in first names are redacted only when capitalised ("Jade was sound"); a name typed in
  lower case is caught only when passed in `known_names` or after a cue ("my worker jade").
- Surnames are not known; "Jade Smith" becomes "[name] Smith" unless Smith is in known_names.
- Names that are also ordinary words (May, Will, Hope, Grace...) are left alone at the start of a
  sentence unless a name-like verb follows ("Will helped me"), and "May" after a date word
  ("in May", "3 May", "May 2026") is a month. "Will" mid-sentence and capitalised is taken as a name.
- Addresses need a street word (Road, Street, Close...) or "estate": "near the big Tesco" is left
  as it is, and so are towns named without such a word.

Names come from our own list of names common in UK schools and from the US Census 1990 first-name
and surname lists shipped in the `names` package (MIT; the census data is public domain). A census
name that is also a common English word (TextBlob's spelling list: "Will", "June", "Rich") needs
more evidence: a title before it ("Mr Rich") or a name-like verb after it ("Rich helped").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

COMMON_FIRST_NAMES = frozenset("""
aaliyah aaron abdul abigail adam adele adrian ahmed aidan aiden aimee aisha alex alexander alfie ali alice
alisha amber amelia amir amy andrew andy angela anna annie archie arthur ava ayesha bailey ben benjamin
bethany billy bradley brandon caitlin callum cameron carl caroline charlie charlotte chantelle chloe chris
christopher ciara claire connor courtney craig daisy daniel danielle darren david dean declan demi dylan
eden elijah elizabeth ella ellie emily emma ethan evie faith fatima finley finn freddie freya gary gemma
george georgia grace gracie hannah harley harrison harry harvey hayley heidi holly hope isaac isabella
isla jack jacob jade jake james jamie jasmine jason jay jayden jeff jenna jennifer jessica joe joel john
jordan joseph josh joshua joy jude julie kai karen kate katie kayden kayleigh keeley kelly kerry kevin
kian kieran kyle lacey laura lauren layla leah lee leo leon lewis liam lily lola louis louise lucas lucy
luke mark marcus maria martin mason matthew maya megan mia michael michelle millie mohammed mohammad
molly muhammad nathan niamh nicola noah oliver olivia omar oscar owen paige patrick paul peter phoebe
poppy rachel reece rebecca reggie rhys riley robert ruby ryan sadie sam samuel sana sarah scarlett
scott sean shannon sophie stacey stephen steven summer tanya taylor theo thomas tia tom tommy toby tyler
tyrone victoria will william yusuf zac zak zara zain
""".split())

# First names that are also ordinary English words: only redacted with more evidence.
AMBIGUOUS_NAMES = frozenset({"will", "may", "hope", "grace", "faith", "joy", "summer", "holly", "mark",
                             "amber", "ruby", "jade", "bill", "rose", "dawn", "sky", "jack"})
COMMON_FIRST_NAMES |= AMBIGUOUS_NAMES
_NAME_LIKE_NEXT = frozenset({"was", "is", "has", "had", "helped", "listened", "explained", "always", "never",
                             "and", "came", "made", "told", "said", "got", "gave", "took", "understood", "were"})
_DATE_WORDS = frozenset({"in", "since", "by", "until", "till", "from", "of", "last", "next", "this", "early",
                         "late", "mid", "end", "before", "after", "during", "on"})

_MONTHS_AND_DAYS = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday""".split())
ORDINARY_WORD_COUNT = 40  # in TextBlob's spelling list, a word this common is an English word first


@cache
def census_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(first names, surnames, names that are also ordinary words), lower case, from the `names` package."""
    def read(name: str, limit: int | None = None) -> list[str]:
        lines = resources.files("names").joinpath(name).read_text(encoding="utf-8").splitlines()
        return [line.split()[0].lower() for line in lines[:limit] if line.strip()]
    first = {n for n in read("dist.male.first") + read("dist.female.first") if len(n) >= 3}
    surnames = {n for n in read("dist.all.last", 20000) if len(n) >= 3}
    words = _english_word_counts()
    ordinary = {n for n in first | surnames if words.get(n, 0) >= ORDINARY_WORD_COUNT} | _MONTHS_AND_DAYS
    return frozenset(first), frozenset(surnames), frozenset(ordinary - COMMON_FIRST_NAMES)


def _english_word_counts() -> dict[str, int]:
    counts = {}
    for line in resources.files("textblob").joinpath("en", "en-spelling.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(";"):
            word, _, count = line.partition(" ")
            counts[word] = int(count or 0)
    return counts


_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Sir|Nurse|Sister|PC|DC|Sergeant|Sgt|Officer|Judge|"
                    r"Councillor|Cllr|Auntie|Aunty|Uncle|Nan|Grandad)\.?\s+((?:[A-Z][a-zA-Z'-]+)(?:\s+[A-Z][a-zA-Z'-]+)?)")
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_.]{2,30}\b"
                     r"|\b(?i:snap(?:chat)?|insta(?:gram)?|ig|tiktok|tt|twitter|fb)\s*(?::|-|is|=)?\s*@?([A-Za-z0-9_.]*[\d_.][A-Za-z0-9_.]*)\b")
_DATE_OF_BIRTH = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}\b"
    r"|\b(?i:born(?: on)?|dob|d\.o\.b\.?|birthday(?: is)?)[:\s]+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?"
    r"(?:\s+of)?\s+[A-Za-z]{3,9}(?:\s+(?:19|20)\d{2})?")
_ESTATE = re.compile(r"\b(?:[A-Z][\w']+\s+){1,3}(?i:estate|flats|towers|park estate)\b")

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)[\d\s()-]{8,14}\d(?!\d)")
_CASE_REF = re.compile(r"\b[A-Z]{2,4}(?:[-/]\d{2,}){1,3}\b|\b[A-Z]{2,4}\d{3,}\b")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|GIR\s?0AA)\b", re.IGNORECASE)
_STREET_WORDS = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Court|Place|Grove|"
                 r"Terrace|Gardens|Walk|Hill|Row|Square|Mews|Estate|View|Rise)")
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}[a-zA-Z]?,?\s+(?:[A-Za-z][\w']+\s+){{1,3}}(?i:{_STREET_WORDS})\b"
    rf"|\b(?:[A-Z][\w']+\s+){{1,3}}{_STREET_WORDS}\b(?![\w'])")
_SCHOOL = re.compile(
    r"\b(?:(?:St\.?|Saint)\s+)?(?:[A-Z][\w']*\s+){1,4}"
    r"(?:Academy|High School|Primary School|Secondary School|School|Primary|College|Grammar|Sixth Form|PRU)\b")
_NAME_CUE = re.compile(r"\b(?:my (?:worker|mentor|case worker|key ?worker|yot worker)(?: (?:was|is|called))?|called|named|name is|names)\s+([A-Za-z][a-z'-]+)", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_NOT_NAMES_AFTER_CUE = frozenset({"me", "us", "him", "her", "them", "it", "a", "an", "the", "my", "was", "is",
                                   "and", "back", "out", "in", "up", "round", "again", "by", "to", "for",
                                   "off", "on", "at", "when", "if", "so", "every", "twice", "once"})
_SENTENCE_END = re.compile(r"(?:^|[.!?]\s*|\n\s*)$")


def redact(text: str, known_names: Iterable[str] = ()) -> str:
    """The text with names, handles, phone numbers, emails, addresses, postcodes, schools, dates of birth
    and case refs replaced. `known_names`: the staff table's names and any others the caller knows."""
    text = _EMAIL.sub("[email]", text)
    text = _HANDLE.sub("[handle]", text)
    text = _DATE_OF_BIRTH.sub("[date of birth]", text)
    text = _PHONE.sub(_phone_or_keep, text)
    text = _CASE_REF.sub("[case ref]", text)
    text = _POSTCODE.sub("[postcode]", text)
    text = _ADDRESS.sub("[address]", text)
    text = _SCHOOL.sub("[school]", text)
    text = _ESTATE.sub("[address]", text)
    text = _TITLE.sub("[name]", text)
    return _redact_names(text, {name.lower() for name in known_names if name.strip()})


def _phone_or_keep(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    national = digits[2:] if digits.startswith("44") else digits.removeprefix("0")
    return "[phone]" if len(national) in (9, 10) else match.group(0)


def _redact_names(text: str, known: set[str]) -> str:
    text = _NAME_CUE.sub(lambda m: _cue_name(m, known), text)
    if known:
        text = re.sub(r"\b(?:" + "|".join(sorted(map(re.escape, known), key=len, reverse=True)) + r")\b",
                      "[name]", text, flags=re.IGNORECASE)
    text = _CAPITALISED.sub(lambda m: "[name]" if _is_common_name(text, m) else m.group(0), text)
    # "[name] Smith": a capitalised surname straight after a removed first name goes too
    surnames = census_names()[1]
    return re.sub(r"\[name\]\s+([A-Z][a-z'-]+)\b",
                  lambda m: "[name]" if m.group(1).lower() in surnames or m.group(1).lower() in known else m.group(0),
                  text)


def _cue_name(match: re.Match[str], known: set[str]) -> str:
    word = match.group(1)
    is_name = word.lower() in known or (word.lower() not in _NOT_NAMES_AFTER_CUE
                                         and (word[0].isupper() or word.lower() in COMMON_FIRST_NAMES))
    return match.group(0)[: match.start(1) - match.start(0)] + "[name]" if is_name else match.group(0)


def _is_common_name(text: str, match: re.Match[str]) -> bool:
    word = match.group(0).lower()
    if word not in COMMON_FIRST_NAMES:
        first, _, ordinary = census_names()
        if word not in first:
            return False
        if word in ordinary:  # "June", "Rich": a month or a word unless a name-like verb follows
            after = text[match.end():].split()
            return bool(after) and after[0].strip(",.!?").lower() in _NAME_LIKE_NEXT and word not in _MONTHS_AND_DAYS
        return True
    if word not in AMBIGUOUS_NAMES:
        return True
    before = text[: match.start()].split()
    after = text[match.end():].split()
    next_word = after[0].strip(",.!?").lower() if after else ""
    previous_word = before[-1].lower() if before else ""
    if word == "may" and (previous_word in _DATE_WORDS or previous_word[:1].isdigit() or next_word[:1].isdigit()):
        return False
    if _SENTENCE_END.search(text[: match.start()]):  # sentence start: capitals prove nothing
        return next_word in _NAME_LIKE_NEXT
    return True
