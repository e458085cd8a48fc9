"""General mechanisms for `analysis.redact` (round 7): ways of reaching kinds of names no list holds.

- **Shouted or title-cased text**: a text typed mostly in capitals, or with every word capitalised,
  is read in ordinary case first (English words in lower case, other words with a capital), redacted,
  and given back in the writer's own case except for what was removed ("DONNA WAS THE BEST" ->
  "[name] WAS THE BEST").
- **Handles without @**: letters joined by underscores ("kayden_x"), letters followed by digits
  ("skeng22", "Kev9", "sk8rboi99"), except text-speak, school years, consoles and the like ("gr8",
  "y10", "ps5", "channel4"); "lil"/"big" before one goes with it.
- **Runs**: once part of a run of capitalised words is removed, the rest of the run goes too
  ("[place] Island", "[name] Boxing Club", "Ravi's Off Licence", "[name] der Berg"), stopping at
  facilities, languages, days and months; and a lower-case given name, surname or initial after a
  name ("ellie mae", "connor b").
- **Nicknames**: a size word and one letter ("big T", "Skinny J"), "lil" and a non-word ("lil zee").
- **Unknown words at a sentence's start** (`one_edit_from_english`): a capitalised word no dictionary
  knows is a name unless it is one letter away from an English word ("Realy"), drawn out ("Sooo")
  or a sound ("Hahaha").
- **Lower-case places** (round 8): Welsh streets and house names ("heol y deri", "ty gwyn"), "st" and
  a name ("st austell"), "x-on-y" towns.
- **Given names that are English words, with a person cue** (round 8): "auntie pearl", "called may",
  "thanks to donna", "[name] and june", "april from the yot".
- **Words no dictionary knows** (round 8, the last pass): a lower-case word in none of TextBlob's lists
  nor pyspellchecker's 160,000 words, and no typo, inflection or text-speak, is a name ("dazza n
  jonno"), or a place after "in", "up", "from"; answers that are not mostly English are left alone.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from analysis.redact_words import (_ABSTRACT_NAMES, _MONTHS_AND_DAYS, _PERSON_NOUNS, _SENTENCE_END, ALL_CURATED_NAMES,
                                   KNOWN_NOT_NAMES, NATIONALITIES, _all_first_names, _english_word_counts, _known_word,
                                   _lexicon_words, _made_of_words, _proper_noun_only, census_names,
                                   _spelling_frequencies, in_long_word_list, is_english_word,
                                   replace_group, TEXT_SPEAK)

# --- shouted text -----------------------------------------------------------------------------

_LETTER_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_TWO_SHOUTED = re.compile(r"\b[A-Z]{2,}\W+[A-Z]{2,}\b")


def is_shouted(text: str) -> bool:
    """Three or more words and most of them in capitals ("DONNA WAS THE BEST WORKER EVER")."""
    if _TWO_SHOUTED.search(text) is None:
        return False
    words = [w for w in _LETTER_WORD.findall(text) if len(w) >= 2]
    shouted = sum(w.isupper() for w in words)
    return shouted >= 3 and shouted >= 0.6 * len(words)


def unshout(text: str) -> str:
    """The same text (same length) in the case the redactor reads: English words and known
    acronyms in lower case, other words capitalised, each sentence's first word capitalised."""

    def case(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word.isupper() or len(word) < 2:
            return word
        stem = re.sub(r"['’]S$", "", word).lower()
        lowered = word.lower()
        if is_english_word(stem) or stem in KNOWN_NOT_NAMES:
            if _SENTENCE_END.search(text[: match.start()]) is not None:
                return lowered[0].upper() + lowered[1:]
            return lowered
        return lowered[0].upper() + lowered[1:]

    converted = _LETTER_WORD.sub(case, text)
    return converted if len(converted) == len(text) else text


_FUNCTION_WORDS = frozenset("""the and but was were is are to of for in on at my you your we they it he she his her
this that with from have had has be been not so very all our""".split())


_THREE_TITLED = re.compile(r"[A-Z][a-z'’]+\s+[A-Z][a-z'’]+\s+[A-Z][a-z'’]+")


def is_title_cased(text: str) -> bool:
    """"The Police Were Rubbish But My Worker Was Good": every word capitalised, small words too."""
    if _THREE_TITLED.search(text) is None:
        return False
    words = [w for w in _LETTER_WORD.findall(text) if len(w) >= 2]
    if len(words) < 4:
        return False
    title = [w for w in words if w[0].isupper() and not w.isupper()]
    return len(title) >= 0.8 * len(words) and sum(w.lower() in _FUNCTION_WORDS for w in title) >= 2


def untitle(text: str) -> str:
    """The same text (same length) with every capitalised English word after a sentence's first in lower case."""
    def case(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word[0].isupper() or word.isupper() or _SENTENCE_END.search(text[: match.start()]) is not None:
            return word
        stem = re.sub(r"['’]s$", "", word).lower()
        if stem in ALL_CURATED_NAMES and stem not in _ABSTRACT_NAMES:
            return word  # "Thanks To Jade": a first name keeps its capital
        return word.lower() if is_english_word(stem) else word

    converted = _LETTER_WORD.sub(case, text)
    return converted if len(converted) == len(text) else text


_TOKEN = re.compile(r"\[[a-z ]+\]|\w+|\W")


def reshout(original: str, converted: str, redacted: str) -> str:
    """The redacted text with every word the redactor kept in its original case."""
    source = _TOKEN.findall(converted)
    output = _TOKEN.findall(redacted)
    original_tokens, position = [], 0
    for token in source:  # the same tokens in the original's case (the conversion kept lengths)
        original_tokens.append(original[position: position + len(token)])
        position += len(token)
    result = []
    matcher = difflib.SequenceMatcher(None, source, output, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        result += original_tokens[i1:i2] if tag == "equal" else output[j1:j2]
    return "".join(result)


# --- handles without @ -------------------------------------------------------------------------

_HANDLE_SHAPED = re.compile(r"(?<![\w@\[/.'’-])([A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)*)(?![\w@/'’-]|\.\w)")
# Stems of letters-then-digits words that are not handles: text-speak, school years, consoles, covid, units
_NOT_HANDLE_STEMS = frozenset("""gr m b l h w str any some no every sum y yr yrs year years u under over ps xbox mp
covid level lvl room flat bus route class set group week day top page ch ep season series fifa iphone ipad galaxy
pixel windows win web fm am pm hrs hr mins min ft cm mm km kg g lb lbs st x v vs no num nr number stage tier
gen form size zone wave type version ver v band grade key ks s p t gcse a m k n c f j d e r sq cat channel radio
bbc itv sky dave e4 film part chapter unit module lesson step term half pg cert age""".split())


def _handle_or_keep(match: re.Match[str]) -> str:
    token = match.group(1)
    if "_" in token and re.search(r"[A-Za-z]", token):
        return "[handle]"  # "kayden_x", "reaper_9000"
    shaped = re.fullmatch(r"([A-Za-z]+)(\d+)([A-Za-z]*)", token) if "." not in token else None
    if "." in token:  # "ruby.rose99": letters on both sides of a dot, and a digit
        parts = token.split(".")
        if re.search(r"\d", token) and all(re.match(r"[A-Za-z]", p) for p in parts) and len(parts[0]) >= 2:
            return "[handle]"
        return token
    if not shaped:  # "sk8rboi99": letters and digits twice over
        mixed = re.fullmatch(r"[A-Za-z]+\d+[A-Za-z]+\d+[A-Za-z0-9]*", token)
        return "[handle]" if mixed and len(re.sub(r"\d", "", token)) >= 4 and not token.isupper() else token
    stem, digits, tail = shaped.groups()
    if stem.isupper() and len(stem) > 1 or len(stem) < 2 or stem.lower() in _NOT_HANDLE_STEMS:
        return token  # "PS5", "A470", "y10", "m8", "gr8"
    if tail and (len(tail) > 2 or is_english_word(tail)):
        return token
    if len(digits) == 4 and digits.startswith(("19", "20")) and is_english_word(stem):
        return token  # "summer2024"
    if is_english_word(stem.lower()) and len(digits) > 3:
        return token
    return "[handle]"


def redact_handles(text: str) -> str:
    """"kayden_x on insta", "skeng22", "me and lil kev9": the nickname's "lil"/"big" goes with it."""
    if not re.search(r"[A-Za-z][A-Za-z0-9.]*[_\d]", text):
        return text
    text = _HANDLE_SHAPED.sub(_handle_or_keep, text)
    return re.sub(r"\b(?i:big|lil|little|young|yung|tiny|baby)\s+\[handle\]", "[handle]", text)


# --- runs --------------------------------------------------------------------------------------

_RUN_STOP = frozenset("""i a an the and or but so if then than that this these those there here when where what who
why how which while as at in on of to for from by with into onto over under up down out off about after before
is was are were be been being am has have had do does did will would can could should shall may might must
he she it we they you me him her us them my your his its our their mine yours ours theirs
not no yes yeah yh nah ok okay thanks thank cheers please hi hey hello dear love bless
said says told asked helped gave got made took came went saw met knew felt kept let put set
also just really always never even still only very too all any some every each both""".split())
# Words that are part of a club's, a shop's or a landmark's name, though our lists keep them as organisations
_NAME_PARTS_KEPT_OUT = frozenset({"nhs", "yot", "yos", "camhs", "gp", "cps", "dwp"})
_CAPITAL_RUN = re.compile(r"(\[(?:name|place)\](?:['’]s)?)((?:\s+(?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|&))+)")


def _title_cased(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][a-z'’]*", text) if len(w) >= 2]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _run_words_or_keep(match: re.Match[str]) -> str:
    head, tail = match.group(1), match.group(2)
    words = re.findall(r"\S+", tail)
    taken = 0
    for k, word in enumerate(words):
        lower = re.sub(r"['’]s$", "", word.lower())
        if word == "&":
            if k + 1 < len(words) and taken == k:
                taken += 1
                continue
            break
        if lower in _RUN_STOP and not (lower == "off" and k + 1 < len(words) and words[k + 1].lower().startswith("licen")):
            break
        if lower in _MONTHS_AND_DAYS or lower in NATIONALITIES or lower in _NAME_PARTS_KEPT_OUT:
            break
        if lower in KNOWN_NOT_NAMES and lower not in _CLUB_WORDS or lower in _FACILITY_WORDS:
            break  # "[place] Shopping Centre", "[place] Job Centre": the place is named, the facility is not
        taken = k + 1
    if words and words[max(taken - 1, 0)] == "&" and taken:
        taken -= 1
    if not taken:
        return match.group(0)
    kept = tail
    for word in words[:taken]:
        kept = kept[kept.index(word) + len(word):]
    placeholder = "[place]" if head.endswith("'s") or head.endswith("’s") else head.rstrip("'’s")
    if head.startswith("[name]") and not head.endswith(("'s", "’s")):
        placeholder = "[name]"
    return placeholder + kept


# Words that start a public facility's name after a place: the place identifies, the facility adds nothing
_FACILITY_WORDS = frozenset("""centre center mall shopping community garden gardens station hospital infirmary park
market library leisure sports retail job jobcentre police council fire bus train court crown magistrates office
offices services service team hub unit ward campus precinct arcade baths pool cinema museum town city high
university uni college school academy""".split())
_CLUB_WORDS = frozenset({"rangers", "celtic", "villa", "wolves", "united", "city", "town", "rovers", "athletic",
                         "albion", "wanderers", "county", "fc", "afc", "juniors", "boxing", "club", "gym"})
_PARTICLES = re.compile(r"\[name\]((?:\s+(?i:van|von|der|den|de|del|della|di|da|du|la|le|bin|bint|ibn|al|el|ap|ab|"
                        r"ter|ten|dos|das|do))+)\s+(?:[A-Z][\w'’-]+|\[name\])")
_LOWER_RUN = re.compile(r"\[name\]\s+([a-z][a-z'’-]*)\b(?!['’])")
_NOT_INITIAL_LETTERS = frozenset("aiunrxyckow")


def _lower_run_or_keep(match: re.Match[str]) -> str:
    word = match.group(1)
    if len(word) == 1:
        if word in _NOT_INITIAL_LETTERS:
            return match.group(0)
        after = match.string[match.end(): match.end() + 3]
        return "[name]" if not after.startswith(("'", "’", ".")) else match.group(0)
    if word in _all_first_names() and re.search(r"(?i:\bname\s+is|\bnamed|\bnames|\bcalled)\s+$",
                                                match.string[: match.start()]) and word not in KNOWN_NOT_NAMES \
            and word not in _RUN_STOP:
        return "[name]"  # "her name is destiny rose": a second given name after a name the sentence gives as one
    if is_english_word(word) or word in KNOWN_NOT_NAMES or len(word) < 2:
        return match.group(0)
    if word in _all_first_names() or word in census_names()[1]:
        return "[name]"  # "ellie mae", "wei ling" (a given name and a surname)
    return match.group(0)


_OWNERS_BUSINESS = re.compile(r"(?<![\w\[])([A-Z][a-z]+)(['’]s)(?=\s+[A-Z][a-z])")


def _owners_business(match: re.Match[str]) -> str:
    """"Ravi's Off Licence": a given name's possessive before capitalised words is a business."""
    lower = match.group(1).lower()
    if lower not in _all_first_names() or lower in _MONTHS_AND_DAYS or lower in KNOWN_NOT_NAMES:
        return match.group(0)
    following = _CAPITAL_RUN.match("[name]'s" + match.string[match.end():])
    if following is None or _run_words_or_keep(following) == following.group(0):
        return match.group(0)
    return "[name]" + match.group(2)


def extend_runs(text: str) -> str:
    if "'" in text or "’" in text:
        text = _OWNERS_BUSINESS.sub(_owners_business, text)
    if "[" not in text:
        return text
    text = _PARTICLES.sub("[name]", text)
    if _CAPITAL_RUN.search(text) and not _title_cased(text):
        text = _CAPITAL_RUN.sub(_run_words_or_keep, text)
    return _LOWER_RUN.sub(_lower_run_or_keep, text)


# --- misspelt or unknown words at a sentence's start ------------------------------------------

@cache
def _english_words() -> frozenset[str]:
    """Words English writes in lower case (not "london", "james": the spelling list holds names too)."""
    names = _all_first_names()
    spelled = {w for w, n in _english_word_counts().items() if n >= 2 and w not in names}
    return frozenset(_lexicon_words()[0] | spelled | KNOWN_NOT_NAMES)


_SPEECH_SOUNDS = re.compile(r"(?:ha|he|hi|ah|lo|xo|ja)+h?|l+o+l+|a*h+m+|h+m+|u+m+|e+r+m*|a+h+|o+h+|a+w+|y+a+y+|"
                            r"w+o+w+|o+[iy]+|e+w+|u+g+h+|o+m+[gd]+s*|l+m+[af]+o+|s+h+|p+s+t+|m+")


@cache
def one_edit_from_english(word: str) -> bool:
    """"Realy", "Beacuse", "Thnks": one letter away from an English word (a typo, not a name); also
    a word drawn out ("Sooo", "Yesss") and sounds ("Hahaha", "Ermm", "Ughh")."""
    word = word.lower()
    words = _english_words()
    if _SPEECH_SOUNDS.fullmatch(word):
        return True
    if re.search(r"(.)\1\1", word):  # "Sooo" is "so", "Pleaseee" is "please"
        once, twice = re.sub(r"(.)\1+", r"\1", word), re.sub(r"(.)\1\1+", r"\1\1", word)
        if once in words or twice in words:
            return True
    letters = "abcdefghijklmnopqrstuvwxyz'"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right and left + right[1:] in words:
            return True
        if len(right) > 1 and left + right[1] + right[0] + right[2:] in words:
            return True
        for c in letters:
            if right and left + c + right[1:] in words:
                return True
            if left + c + right in words:
                return True
    return False


# --- nicknames -------------------------------------------------------------------------------------

_LETTER_NICKNAME = re.compile(r"\b(?i:big|lil|lil'|little|tiny|skinny|young|yung|mad|baby|small|lickle)\s+([A-Za-z])"
                              r"(?![\w'’-]|\.\w)")
_LIL_NICKNAME = re.compile(r"\b(?i:lil|lil')\s+([a-z][a-z]+)\b(?!['’])")


_SIZE_WORD = re.compile(r"(?i:big|lil|little|tiny|skinny|young|yung|mad|baby|small|lickle)\b")


def _letter_nickname(match: re.Match[str]) -> str:
    letter = match.group(1)
    if letter in "AIai" or letter in "unrxyckoe":
        return match.group(0)  # "big a", "lil u", "big I": words, not nicknames
    return "[name]"


def _lil_nickname(match: re.Match[str]) -> str:
    word = match.group(1)
    if is_english_word(word) or word in KNOWN_NOT_NAMES or word in _PERSON_NOUNS or _made_of_words(word) \
            or (_known_word(word) and len(word) > 4):
        return match.group(0)  # "lil bro", "lil sis", "lil bit"
    return "[name]"


def redact_nicknames(text: str) -> str:
    """"big T", "Skinny J", "tiny t": a size word and a single letter; "lil zee": "lil" and a non-word."""
    if _SIZE_WORD.search(text) is None:
        return text
    text = _LETTER_NICKNAME.sub(_letter_nickname, text)
    return _LIL_NICKNAME.sub(_lil_nickname, text)


# --- words no dictionary knows, anywhere in the text (round 8) -----------------------------------

# A lower-case word outside placeholders (capitalised words are the context rules' to decide, and
# they keep "Leeds were playing", "Zumba on Fridays"); an apostrophe-s stays with its word.
_ANY_WORD = re.compile(r"(?<![\w\[@.'’-])([a-z][a-z'’]*[a-z])(?![\w\]@-]|\.\w)")


MIN_TYPO = 5  # shorter words are one letter away from too many English words ("taz", "mani", "dre")


def _unknown_or_keep(match: re.Match[str]) -> str:
    word = match.group(1)
    bare = re.sub(r"['’]s$", "", word.lower())
    if len(bare) < 3:
        return word
    bare = re.sub(r"['’](?:d|ll|ve|re|m|n)$", "", bare)  # "he'd", "we'll"
    if bare in _PERSON_NOUNS or bare in KNOWN_NOT_NAMES or bare in TEXT_SPEAK or bare.removesuffix("s") in _MONTHS_AND_DAYS:
        return word  # "auntie", "keyworker", "gud"
    if _proper_noun_only(bare) or bare in _all_first_names() and not is_english_word(bare):
        return "[name]" + word[len(bare):]  # "ravi", "merthyr": known, but only as someone or somewhere
    if _known_word(bare) or in_long_word_list(bare) or _made_of_words(bare) or _inflected(bare) \
            or len(bare) >= MIN_TYPO and one_edit_from_english(bare):
        return word  # "skatepark", "liaised", "mentoring": English, though no list holds the form
    return "[name]" + word[len(bare):]


def _inflected(word: str) -> bool:
    """An English word with an ending or a prefix no list holds: "liaised", "skateparks", "reoffends"."""
    for prefix in ("re", "un", "pre", "over", "under", "out", "mis", "dis", "non", "co"):
        rest = word.removeprefix(prefix)
        if rest != word and len(rest) >= 4 and (_known_word(rest) or in_long_word_list(rest) or _inflected(rest)):
            return True
    words = _english_words()
    for ending, stem_end in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""),
                             ("ing", "e"), ("ers", ""), ("er", ""), ("ly", "")):
        stem = word[: -len(ending)] + stem_end
        shortest = 3 if ending in ("s", "es") else 4  # "meds" is "med"s, but "elfed" is not "elf"ed
        if word.endswith(ending) and len(stem) >= shortest and (stem in words or _known_word(stem)
                                                                or in_long_word_list(stem)):
            return True
    return False


_WHERE_BEFORE = re.compile(r"(?i:\b(?:in|from|near|round|around|up|down|outside|to|live|lives|living|moved|via))\s+$")


def _mostly_english(text: str) -> bool:
    """A Welsh answer (or one in any other language) is all unknown words: the pass would take it all."""
    words = [w.lower() for w in _LETTER_WORD.findall(text) if len(w) > 2]
    return not words or sum(_known_word(w) or w in TEXT_SPEAK or in_long_word_list(w) for w in words) >= 0.5 * len(words)


def redact_unknown_words(text: str) -> str:
    """The last pass: a word that no dictionary or name list knows, that is not a typo of an English
    word, a sound or a drawn-out word, is someone's or somewhere's name, whatever its case and
    wherever it stands ("dazza n jonno", "tiegan"). So are words known only as proper nouns and
    given names that are not English words, in lower case too ("me n ravi", "up in merthyr"). This
    spends some of the ordinary-word budget (slang no list holds goes too) to reach names that
    no rule about context foresaw."""
    def name_or_place(match: re.Match[str]) -> str:
        replaced = _unknown_or_keep(match)
        if replaced.startswith("[name]") and _WHERE_BEFORE.search(text[max(0, match.start() - 12):match.start()]):
            return "[place]" + replaced[len("[name]"):]  # "up in merthyr", "round blaenau"
        return replaced

    return _ANY_WORD.sub(name_or_place, text) if _mostly_english(text) else text


# --- places typed in lower case (round 8) ------------------------------------------------------------

_LOWER_WELSH_STREET = re.compile(r"\b(?:\d{1,4}[a-z]?,?\s+)?(?:heol|ffordd|stryd|llys|lôn|rhodfa|teras|cilgant)"
                                 r"\s+(?:(?:y|yr)\s+)?[a-z][\w'’-]+")
_HOUSE_NAME = re.compile(r"\b(?i:ty|tŷ)\s+([A-Za-z][a-z]+)\b")  # "Ty Mawr", "ty graig": a house or a home
_LOWER_SAINT = re.compile(r"\b(?:st|saint)\.?\s+([a-z][a-z'’]+)")  # "st austell", "st cenydd", "st josephs"
_LOWER_ON_RIVER = re.compile(r"\b[a-z]{3,}-(?:on|upon|under|le|super)-[a-z]{3,}\b")  # "hay-on-wye"


def _house_name_or_keep(match: re.Match[str]) -> str:
    word = match.group(1).lower()
    if is_english_word(word) or word in TEXT_SPEAK or word in _PERSON_NOUNS or re.search(r"(.)\1\1", word):
        return match.group(0)  # "ty mate", "ty sooo much": thank you
    return "[address]"


def _lower_saint_or_keep(match: re.Match[str]) -> str:
    word = re.sub(r"['’]?s$", "", match.group(1))
    if is_english_word(word) and word not in _all_first_names():
        return match.group(0)  # "st john ambulance" is held before this; "st patricks day" keeps "st" anyway
    return "[place]"


def redact_lower_case_places(text: str) -> str:
    text = _LOWER_WELSH_STREET.sub("[address]", text)
    text = _HOUSE_NAME.sub(_house_name_or_keep, text)
    text = _LOWER_SAINT.sub(_lower_saint_or_keep, text)
    return _LOWER_ON_RIVER.sub("[place]", text)


# --- given names that are English words, where the sentence says a person (round 8) ----------------

_NOT_AFTER_CUE = frozenset({"and", "said", "says", "is", "was", "has", "had", "got", "gets", "not", "never", "always",
                            "too", "as", "so", "did", "does", "can", "could", "would", "should", "might", "must"})
_FAMILY_CUE = re.compile(r"\b(?i:son|daughter|cousin|cuz|bro|brother|sister|sis|auntie|aunty|aunt|uncle|nan|nanna|"
                         r"nana|grandad|grandson|granddaughter|mate|m8|pal|boy|girl|lad|stepdad|stepmum|nephew|niece)"
                         r"\s+([a-z][a-z'’-]*)\b(?![\]'’])(?!\s+(?:me|him|her|us|them|it|you|u)\b)")
_CALLED_CUE = re.compile(r"\b(?i:called|named|name['’]?s|name\s+is)\s+([a-z][a-z'’-]*)\b(?![\]'’])")
_THANKS_CUE = re.compile(r"\b(?i:thanks?\s+(?:you\s+)?to|cheers\s+to|shout\s*out\s+to|"
                         r"especially\s+to|big\s+up)\s+([a-z][a-z'’-]*)\b(?![\]'’])")
_LIST_AFTER = re.compile(r"\[name\](?:\s*,\s*|\s+(?:and|n|&|an)\s+)([a-z][a-z'’-]*)\b(?![\]'’])")
_LIST_BEFORE = re.compile(r"(?<![\w\[])([a-z][a-z'’-]*)(?=(?:\s*,\s*|\s+(?:and|n|&|an)\s+)\[name\])")
_START_FROM = re.compile(r"(?:^|(?<=[.!?]\s))([a-z][a-z'’-]*)(?=\s+from\s+(?:the|yot|my|school|college|work)\b)")


def _given_name(word: str, cue: str) -> bool:
    """Whether a lower-case word after a cue is a given name. After "called" any listed given name; after
    thanks or a family word a listed one that is not a very common word ("pearl", "donna", not "see"), or
    a word no dictionary knows ("deano", "tj"); in a list or opening a sentence, not an abstract word
    either ("[name] and hope she's ok"), and a non-word only if it is not a typo."""
    word = word.lower()
    if word in _NOT_AFTER_CUE or word in _PERSON_NOUNS or word in TEXT_SPEAK:
        return False
    listed = word in _all_first_names() or word in ALL_CURATED_NAMES
    if cue == "called":
        return listed or not (_known_word(word) or in_long_word_list(word))
    if cue == "list" and word in _ABSTRACT_NAMES:
        return False
    if listed and (word in ALL_CURATED_NAMES or _spelling_frequencies().get(word, 0) < 20_000):
        return True
    unknown = not (_known_word(word) or is_english_word(word) or in_long_word_list(word) or _inflected(word)
                   or _made_of_words(word))
    return unknown and (cue != "list" or not (len(word) >= MIN_TYPO and one_edit_from_english(word)))


def _name_if_given(cue: str):
    def replace(match: re.Match[str]) -> str:
        return replace_group(match, 1, "[name]") if _given_name(match.group(1), cue) else match.group(0)
    return replace


def redact_cued_word_names(text: str) -> str:
    """Given names that are English words too ("pearl", "june", "river", "blessing"), in lower case, where
    the words around them say a person: a family word or "mate" before ("auntie pearl", "my son tj"),
    thanks or "called" ("thanks to donna", "called may"), another name in the same list ("[name] and
    river"), or "from the ..." opening a sentence ("april from the yot")."""
    text = _CALLED_CUE.sub(_name_if_given("called"), text)
    text = _FAMILY_CUE.sub(_name_if_given("family"), text)
    text = _THANKS_CUE.sub(_name_if_given("thanks"), text)
    text = _LIST_AFTER.sub(_name_if_given("list"), text)
    text = _LIST_BEFORE.sub(_name_if_given("list"), text)
    return _START_FROM.sub(_name_if_given("list"), text)
