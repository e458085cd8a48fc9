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
    words = normalise(phrase).split(" ")
    body = r"\s+".join(re.escape(word).replace(r"\*", r"\w*") for word in words)
    if not re.match(r"\w", words[0]):
        return body
    return rf"(?<!\w){body}(?!\w)"


def alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    """One compiled regex matching any of the phrases, longer phrases first so they win."""
    ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    return re.compile("|".join(phrase_regex(phrase) for phrase in ordered))
