"""Voice-of-the-child theme coding: which codebook themes an answer touches, and what shows it.

The codebook (`codebook.yaml`) is data staff can edit; `load_codebook` checks it strictly so a
typo gives a clear message instead of a theme that silently never matches.

Two signals, both explainable: the theme's listed words, and how close the answer is in meaning
to the theme's exemplar sentences (the shared sentence embedder). Listed words alone missed most
of what people outside the project wrote, and matched "contacted me" to feeling safer (issue 12).
A theme needs a listed word or great closeness on its own; each answer then has one best theme,
the one it fits most closely, for quoting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from analysis.patterns import alternation, normalise
from surveys.models import Audience

CODEBOOK_PATH = Path(__file__).with_name("codebook.yaml")
AUDIENCES = frozenset(audience.value for audience in Audience)
REQUIRED_KEYS = frozenset({"id", "label", "description", "patterns"})
ALLOWED_KEYS = REQUIRED_KEYS | {"audiences", "exemplars"}
# Cosine to a theme's closest exemplars (the mean of the best two), tuned on our own development
# set (analysis/training/themes_dev.tsv), never on the blind set. On it, requiring closeness as
# well as a listed word lost more right themes than wrong ones, so a listed word is enough.
WITH_WORDS = 0.0  # a listed word matched
WITHOUT_WORDS = 0.5  # no listed word: only a close match in meaning counts
WORD_BONUS = 0.1  # when choosing the best theme, a listed word counts for this much closeness
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
    exemplars: tuple[str, ...] = ()

    def applies_to(self, audience: str | None) -> bool:
        return audience is None or self.audiences is None or audience in self.audiences


@dataclass(frozen=True)
class ThemeMatch:
    theme_id: str
    matched: tuple[str, ...]  # the words in the answer that matched, in order, without repeats
    similar_to: str | None = None  # the theme's exemplar closest in meaning, when meaning was used
    closeness: float = 0.0  # cosine to the theme's closest exemplars (0 when meaning was not used)
    best: bool = False  # the one theme this answer is quoted under


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
    exemplars = entry.get("exemplars", [])
    if not isinstance(exemplars, list) or not all(isinstance(e, str) and e.strip() for e in exemplars):
        raise CodebookError(f"{where}: exemplars must be a list of sentences")
    return Theme(entry["id"], entry["label"].strip(), entry["description"].strip(), tuple(patterns),
                 frozenset(audiences) if audiences else None, alternation(patterns),
                 tuple(e.strip() for e in exemplars))


def code(text: str, audience: str | None = None, codebook: tuple[Theme, ...] | None = None, *,
         semantic: bool = True) -> list[ThemeMatch]:
    """Every theme the answer touches, in codebook order, with what showed it; one is marked best.

    `semantic=False` gives the listed words alone (the old coding, kept as a baseline).
    """
    codebook = codebook or load_codebook()
    plain = normalise(text)
    closeness = _closeness(plain, codebook) if semantic else {}
    matches = []
    for theme in codebook:
        if not theme.applies_to(audience):
            continue
        found = tuple(dict.fromkeys(hit.group(0) for hit in theme.regex.finditer(plain)))
        close, nearest = closeness.get(theme.id, (None, None))
        if close is None:  # no exemplars, or meaning not asked for: the listed words decide
            if found:
                matches.append(ThemeMatch(theme.id, found))
        elif (found and close >= WITH_WORDS) or close >= WITHOUT_WORDS:
            matches.append(ThemeMatch(theme.id, found, nearest, round(close, 3)))
    if matches:
        best = max(matches, key=lambda m: m.closeness + (WORD_BONUS if m.matched else 0.0))
        matches = [replace(m, best=m is best) for m in matches]
    return matches


def best_theme(matches: list[ThemeMatch]) -> str | None:
    """The one theme an answer is quoted under, or None."""
    return next((m.theme_id for m in matches if m.best), None)


def _closeness(plain: str, codebook: tuple[Theme, ...]) -> dict[str, tuple[float, str]]:
    bank = _exemplar_bank(codebook)
    if bank is None:
        return {}
    owners, sentences = bank.owners, bank.sentences
    similarities = bank.vectors @ bank.embed([plain])[0]
    result = {}
    for theme_id in dict.fromkeys(owners):
        rows = [i for i, owner in enumerate(owners) if owner == theme_id]
        ordered = sorted(rows, key=lambda i: -similarities[i])
        top = similarities[ordered[:2]]
        result[theme_id] = (float(top.mean()), sentences[ordered[0]])
    return result


@dataclass(frozen=True)
class ExemplarBank:
    """Every theme's example sentences, embedded once: row i of ``vectors`` is ``sentences[i]``, of theme ``owners[i]``."""

    embed: Callable[[list[str]], np.ndarray]
    vectors: np.ndarray
    owners: tuple[str, ...]
    sentences: tuple[str, ...]


@lru_cache(maxsize=4)
def _exemplar_bank(codebook: tuple[Theme, ...]) -> ExemplarBank | None:
    sentences = [(theme.id, exemplar) for theme in codebook for exemplar in theme.exemplars]
    if not sentences:
        return None
    from analysis.embeddings import embedder  # imported here: the keyword coding works without wordllama

    embed = embedder()
    vectors = embed([normalise(sentence) for _, sentence in sentences])
    return ExemplarBank(embed, vectors, tuple(owner for owner, _ in sentences),
                        tuple(sentence for _, sentence in sentences))
