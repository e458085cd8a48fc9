"""Cleaning text at the edges, before anything stores, screens or logs it.

A person's message, a CSV cell or a line given to ``heard analyse`` may hold characters no
database should be asked to keep: PostgreSQL refuses NUL outright (and the answer would be lost
with it), and a lone surrogate cannot even be encoded as UTF-8. Other control characters are
never meaningful in feedback and can hide text on screen. Everything a reader would see stays:
letters in every script, emoji, right-to-left and zero-width marks (which join emoji and shape
Arabic or Welsh text), newlines and tabs.
"""

from __future__ import annotations

import re

# C0 controls except tab, newline and carriage return; DEL; the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_EITHER = re.compile(f"{_CONTROL.pattern}|{_LONE_SURROGATE.pattern}")
REPLACEMENT = "\ufffd"  # what a reader sees where an unreadable character was


def clean_text(text: str) -> str:
    """``text`` without control characters (tabs and newlines stay) and with lone surrogates replaced."""
    return _LONE_SURROGATE.sub(REPLACEMENT, _CONTROL.sub("", text))


def needs_cleaning(text: str) -> bool:
    """Would :func:`clean_text` change ``text``? (One quick scan; most text needs nothing.)"""
    return _EITHER.search(text) is not None


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean_text(text)
