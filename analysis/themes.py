"""Voice-of-the-child theme coding: which codebook themes an answer touches, and the words that show it.

The codebook (`codebook.yaml`) is data staff can edit; `load_codebook` checks it strictly so a
typo gives a clear message instead of a theme that silently never matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.patterns import alternation, normalise

CODEBOOK_PATH = Path(__file__).with_name("codebook.yaml")
AUDIENCES = frozenset({"young_person", "parent", "victim"})
REQUIRED_KEYS = frozenset({"id", "label", "description", "patterns"})
ALLOWED_KEYS = REQUIRED_KEYS | {"audiences"}
THEME_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CodebookError(ValueError):
    """The codebook file cannot be used as it is; the message says where and why."""


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    patterns: tuple[str, ...]
    audiences: frozenset[str] | None  # None: every audience
    regex: re.Pattern[str]

    def applies_to(self, audience: str | None) -> bool:
        return audience is None or self.audiences is None or audience in self.audiences


@dataclass(frozen=True)
class ThemeMatch:
    theme_id: str
    matched: tuple[str, ...]  # the words in the answer that matched, in order, without repeats


@lru_cache(maxsize=4)
def load_codebook(path: Path | str | None = None) -> tuple[Theme, ...]:
    path = Path(path or CODEBOOK_PATH)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CodebookError(f"cannot read codebook {path}: {error}") from None
    if not isinstance(data, dict) or set(data) != {"themes"} or not isinstance(data["themes"], list):
        raise CodebookError(f"{path}: expected one top-level key 'themes' holding a list of themes")
    themes = tuple(_theme(entry, number, path) for number, entry in enumerate(data["themes"], start=1))
    seen: set[str] = set()
    for theme in themes:
        if theme.id in seen:
            raise CodebookError(f"{path}: theme id '{theme.id}' is used twice")
        seen.add(theme.id)
    return themes


def _theme(entry: object, number: int, path: Path) -> Theme:
    where = f"{path}: theme {number}"
    if not isinstance(entry, dict):
        raise CodebookError(f"{where}: expected id, label, description and patterns")
    if isinstance(entry.get("id"), str):
        where += f" ('{entry['id']}')"
    unknown = set(entry) - ALLOWED_KEYS
    if unknown:
        raise CodebookError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(ALLOWED_KEYS)}")
    missing = REQUIRED_KEYS - set(entry)
    if missing:
        raise CodebookError(f"{where}: missing {sorted(missing)}")
    if not isinstance(entry["id"], str) or not THEME_ID.match(entry["id"]):
        raise CodebookError(f"{where}: id must be lower case letters, digits and underscores")
    for key in ("label", "description"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise CodebookError(f"{where}: {key} must be some text")
    patterns = entry["patterns"]
    if not isinstance(patterns, list) or not patterns:
        raise CodebookError(f"{where}: patterns must be a non-empty list")
    for pattern in patterns:
        if not isinstance(pattern, str) or not normalise(pattern).strip("*"):
            raise CodebookError(f"{where}: pattern {pattern!r} is empty or not text (quote yes/no/on/off)")
    audiences = entry.get("audiences")
    if audiences is not None and (not isinstance(audiences, list) or not audiences
                                  or not set(audiences) <= AUDIENCES):
        raise CodebookError(f"{where}: audiences must be a list drawn from {sorted(AUDIENCES)}")
    return Theme(entry["id"], entry["label"].strip(), entry["description"].strip(), tuple(patterns),
                 frozenset(audiences) if audiences else None, alternation(patterns))


def code(text: str, audience: str | None = None, codebook: tuple[Theme, ...] | None = None) -> list[ThemeMatch]:
    """Every theme the answer touches, in codebook order, with the words that matched."""
    plain = normalise(text)
    matches = []
    for theme in codebook or load_codebook():
        if not theme.applies_to(audience):
            continue
        found = tuple(dict.fromkeys(hit.group(0) for hit in theme.regex.finditer(plain)))
        if found:
            matches.append(ThemeMatch(theme.id, found))
    return matches
