"""Small helpers shared by the lexicons: one way to normalise answers, one way to read a pattern."""

from __future__ import annotations

import re
from collections.abc import Iterable

_APOSTROPHES = re.compile(r"['’‘`´]")
_VARIATION_SELECTOR = "\ufe0f"  # "❤️" and "❤" should read the same
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped ("didn't" -> "didnt": users type both), spaces collapsed."""
    text = _APOSTROPHES.sub("", text.lower()).replace(_VARIATION_SELECTOR, "")
    return _SPACES.sub(" ", text).strip()


def phrase_regex(phrase: str) -> str:
    """Regex source for a lexicon phrase: words match whole, `*` matches any word ending.

    "listen*" matches listen/listened/listening; "county lines" allows any spacing between words.
    Phrases that are not words (emoji) match anywhere.
    """
    body = _body(phrase)
    return rf"(?<!\w){body}(?!\w)" if _is_wordy(phrase) else body


def alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    """One compiled regex matching any of the phrases, longer phrases first so they win.

    Word boundaries are checked once around the whole group rather than per phrase: with
    hundreds of phrases that is several times faster.
    """
    ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    words = "|".join(_body(phrase) for phrase in ordered if _is_wordy(phrase))
    symbols = "|".join(_body(phrase) for phrase in ordered if not _is_wordy(phrase))
    parts = ([rf"(?<!\w)(?:{words})(?!\w)"] if words else []) + ([symbols] if symbols else [])
    return re.compile("|".join(parts))


def _body(phrase: str) -> str:
    return r"\s+".join(re.escape(word).replace(r"\*", r"\w*") for word in normalise(phrase).split(" "))


def _is_wordy(phrase: str) -> bool:
    return bool(re.match(r"\w", normalise(phrase)))
