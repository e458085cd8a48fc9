"""`heard surveys`: check, list, translate and try the survey definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.context import fail

surveys_app = typer.Typer(help="Survey definitions: check, list and try them.", no_args_is_help=True)


@surveys_app.command("check")
def surveys_check(
    files: Annotated[list[Path] | None, typer.Argument(help="YAML files (default: the shipped surveys).")] = None,
) -> None:
    """Check survey definitions and list every mistake, with file and question; and that every
    survey field and every bot message has its Welsh (Cymraeg), unless bot/welsh_drafts.txt allows it."""
    from bot.welsh import load_drafts, missing_welsh
    from surveys.schema import DEFINITIONS_FOLDER, check_files, load_definition

    paths = files or sorted(DEFINITIONS_FOLDER.glob("*.yaml"))
    errors = check_files(paths)
    for error in errors:
        typer.echo(str(error))
    if errors:
        fail(f"{len(errors)} problem(s) to fix.")
    no_welsh, drafts = missing_welsh(map(load_definition, paths), load_drafts())
    for name in no_welsh:
        typer.echo(f"{name}: no Welsh (cy) wording")
    if drafts:
        typer.echo(f"{len(drafts)} string(s) have no Welsh yet but are allowed as drafts (bot/welsh_drafts.txt).")
    if no_welsh:
        fail(f"{len(no_welsh)} string(s) need Welsh: add a cy: line to the survey field, or the key to "
             f"the \"cy\" wording in bot/texts.py.")
    typer.echo(f"{len(paths)} surveys OK")


@surveys_app.command("welsh")
def surveys_welsh(
    missing_only: Annotated[bool, typer.Option("--missing", help="Only strings with no Welsh yet.")] = False,
) -> None:
    """Every Welsh string beside its English, for a Welsh speaker to review and correct."""
    from bot.welsh import all_strings
    from surveys.schema import load_all

    for name, english, welsh in all_strings(load_all().values()):
        if missing_only and welsh:
            continue
        typer.echo(f"{name}\n  en: {english}\n  cy: {welsh or '(none yet)'}")


@surveys_app.command("list")
def surveys_list() -> None:
    """List the shipped surveys: id, version, who it is for, how many questions."""
    from surveys.schema import load_all

    for definition in load_all().values():
        typer.echo(f"{definition.id:<20} v{definition.version}  {definition.audience:<13} "
                   f"{len(definition.questions):>2} questions  {definition.title.get()}")


@surveys_app.command("preview")
def surveys_preview(
    survey_id: str, lang: Annotated[str, typer.Option(help="Language code, e.g. en or cy.")] = "en",
) -> None:
    """Answer a survey in this terminal, as a young person, parent or victim would."""
    from bot.preview import run_preview
    from bot.texts import TEXTS
    from surveys.schema import load_all

    if lang not in TEXTS:
        fail(f"heard has no wording in {lang!r}. Languages: {', '.join(TEXTS)}", 2)
    definitions = load_all()
    if survey_id not in definitions:
        fail(f"There is no survey called {survey_id!r}. Known surveys: {', '.join(definitions)}", 2)
    run_preview(definitions[survey_id], _read_line, typer.echo, lang=lang)


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:  # Ctrl-D or piped input ran out: end the line the prompt started
        typer.echo()
        return None
