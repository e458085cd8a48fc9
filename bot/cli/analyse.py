"""`heard analyse FILE`: analyse free-text answers from a file, printing one JSON object per line."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NamedTuple, Optional

import typer

from analysis.pipeline import analyse
from analysis.sentiment import QUESTION_KINDS, question_kind_of
from bot.cli.context import fail
from surveys.enrol import audience_named
from surveys.text import clean_text


def analyse_command(
    file: Annotated[str, typer.Argument(help="Text file with one answer a line, or a CSV with --column; '-' reads stdin.")],
    column: Annotated[Optional[str], typer.Option(help="Read answers from this CSV column.")] = None,
    question: Annotated[Optional[str], typer.Option(help=f"The question asked, in its own words or as a kind ({', '.join(QUESTION_KINDS)}).")] = None,
    audience: Annotated[Optional[str], typer.Option(help="Who answered, as the case import names them: young_person, parent_carer (or parent, carer), victim, placement.")] = None,
    question_column: Annotated[Optional[str], typer.Option(help="CSV column holding each row's question kind.")] = None,
    audience_column: Annotated[Optional[str], typer.Option(help="CSV column holding each row's audience.")] = None,
) -> None:
    """Analyse answers: sentiment, themes and safeguarding, one JSON object per line."""
    if (question_column or audience_column) and not column:
        fail("--question-column and --audience-column need --column (the answers come from a CSV)", 2)
    content = _read(file)
    rows = _csv_rows(content, column, question_column, audience_column) if column else _lines(content)
    for row_number, row in enumerate(rows, start=1):
        question_kind = _question(row.question or question, row_number)
        who = _audience(row.audience or audience, row_number)
        typer.echo(json.dumps(analyse(row.text, question_kind, who).to_json_dict(), ensure_ascii=False))


class AnswerToRead(NamedTuple):
    """One answer from the file, with its own question kind and audience when the CSV gives them."""

    text: str
    question: str | None = None
    audience: str | None = None


def _read(file: str) -> str:
    # Cleaned as it comes in (surveys/text.py): nothing below sees a NUL or a lone surrogate.
    if file == "-":
        return clean_text(sys.stdin.read())
    try:
        return clean_text(Path(file).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {file}: {error}", 2)


def _lines(content: str) -> Iterator[AnswerToRead]:
    for line in content.splitlines():
        if line.strip():
            yield AnswerToRead(line.strip())


def _csv_rows(content: str, column: str, question_column: str | None, audience_column: str | None) -> Iterator[AnswerToRead]:
    reader = csv.DictReader(io.StringIO(content))
    columns = reader.fieldnames or []
    for wanted in (column, question_column, audience_column):
        if wanted and wanted not in columns:
            fail(f"no column '{wanted}'; the columns are: {', '.join(columns) or '(none: the file is empty)'}", 2)
    try:
        for row in reader:
            text = (row.get(column) or "").strip()
            if text:
                yield AnswerToRead(text, _cell(row, question_column), _cell(row, audience_column))
    except csv.Error:
        fail(f"line {reader.line_num + 1}: a cell is longer than {csv.field_size_limit():,} characters, "
             "or the file is not CSV", 2)


def _cell(row: dict, column: str | None) -> str | None:
    return ((row.get(column) or "").strip() or None) if column else None


def _question(value: str | None, row_number: int) -> str | None:
    try:
        return question_kind_of(value)
    except ValueError:
        fail(f"answer {row_number}: unknown question kind '{value}'; use one of {', '.join(QUESTION_KINDS)} "
             "or the question's own words", 2)


def _audience(value: str | None, row_number: int) -> str | None:
    try:
        return None if value is None else audience_named(value).value
    except ValueError as error:
        fail(f"answer {row_number}: {error}", 2)

