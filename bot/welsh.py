"""Cymraeg: is every sentence a person can see also written in Welsh, and where is it?

Welsh Language Standards: Welsh must not be treated less favourably than English, so a
missing Welsh string fails `heard surveys check`, unless it is named in the drafts
allow-list (``welsh_drafts.txt`` beside this file) while its Welsh is being written.
Every string is named the same way here, in the check's output and in the allow-list:
``texts:KEY`` for bot/texts.py, ``SURVEY_ID:FIELD`` for a survey definition, ``report:ENGLISH...``
for the board report's wording in analysis/report_cy.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from pathlib import Path

from bot.texts import TEXTS
from surveys.schema import Definition, Text

WELSH = "cy"
DRAFTS_PATH = Path(__file__).with_name("welsh_drafts.txt")


def survey_texts(definition: Definition) -> Iterator[tuple[str, Text]]:
    """Every piece of wording in a survey, each with the name a reviewer finds it by."""
    yield f"{definition.id}:title", definition.title
    yield f"{definition.id}:intro", definition.intro
    yield f"{definition.id}:closing", definition.closing
    for question in definition.questions:
        where = f"{definition.id}:{question.id}"
        yield f"{where}.text", question.text
        if question.help is not None:
            yield f"{where}.help", question.help
        for option in question.options:
            yield f"{where}.option.{option.value}", option.label


def all_strings(definitions: Iterable[Definition], lang: str = WELSH) -> list[tuple[str, str, str | None]]:
    """(name, English, wording in ``lang`` or None) for every key in bot/texts.py and every survey field."""
    rows = [(f"texts:{key}", english, TEXTS.get(lang, {}).get(key)) for key, english in TEXTS["en"].items()]
    for definition in definitions:
        rows += [(name, text.root["en"], text.root.get(lang)) for name, text in survey_texts(definition)]
    if lang == WELSH:  # the board report (`heard report --lang cy`): analysis/report_cy.py
        from analysis.report_cy import report_strings

        rows += report_strings()
    return rows


def load_drafts(path: Path | None = None) -> list[str]:
    """The allow-list: one name or pattern (``texts:staff.*``) a line; ``#`` starts a comment."""
    path = path or DRAFTS_PATH
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def missing_welsh(definitions: Iterable[Definition], drafts: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(names with no Welsh and not allowed, names with no Welsh that the drafts list allows)."""
    patterns = list(drafts)
    missing = [name for name, _, welsh in all_strings(definitions) if not (welsh or "").strip()]
    allowed = [name for name in missing if any(fnmatchcase(name, pattern) for pattern in patterns)]
    return [name for name in missing if name not in allowed], allowed
