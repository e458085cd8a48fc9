"""Does a piece of text look like Welsh? A small, explainable guess, not a language model.

The screen and the sentiment layer read English; a Welsh answer they cannot read fully goes
to a person (analysis/safeguarding.py), and the report counts Welsh answers. So this errs
towards "yes" for anything with a few plainly Welsh words, and stays "no" for English.
"""

from __future__ import annotations

import re

# Common Welsh words that are not also everyday English words ("a", "i", "am", "hi" are left out).
_WELSH_WORDS = frozenset("""
    yn yr ac ddim mae wedi dwi dw rwy rydw rydyn rydych roedd oedd ond fy eich ein eu gyda efo hefo hefyd
    iawn diolch achos sydd gan ydw ydy ydyn oes nhw chi fi ni sut beth pwy pam ble yma yno fawr dda
    gweithiwr gwaith teimlo helpu gartref adref mynd dod gallu eisiau isio moyn angen byth weithiau ysgol
    rhaid cael gael wnes wnaeth neu heb mwy llawer ychydig bob pawb rhywun rhywbeth dros gwell gwaeth
    nawr rwan heddiw yfory ddoe fod bydd byddai gwneud siarad gwrando teulu ffrindiau dim byd neb
    cymraeg saesneg
""".split())
# Why the screen sends a Welsh answer it found nothing in to a person (analysis/safeguarding.py).
WELSH_UNREAD = "written in Welsh: the screen cannot read it fully"
_WELSH_LETTERS = re.compile("[ŵŷ]")
# Mutated and doubled-consonant openings rare in English (ddim, llawer, nghartref, mhen, nhad).
_WELSH_OPENING = re.compile(r"^(?:dd|ll|ngh|mh|nh)[aeiouwyâêîôûŵŷ]")
_WORD = re.compile(r"[a-zâêîôûŵŷáéíóúẃýäëïöüẅÿ]+")
_FEWEST_WELSH_WORDS = 2
_SHARE = 0.3


def looks_welsh(text: str) -> bool:
    """True when the text is (at least partly) in Welsh: ŵ or ŷ, or enough plainly Welsh words."""
    lower = text.lower()
    if _WELSH_LETTERS.search(lower):
        return True
    words = _WORD.findall(lower.replace("'", "").replace("’", ""))
    welsh = sum(1 for word in words if word in _WELSH_WORDS or _WELSH_OPENING.match(word)
                or (len(word) > 3 and word.endswith("dd") and word not in {"add", "odd"}))
    return welsh >= _FEWEST_WELSH_WORDS and welsh >= _SHARE * len(words)
