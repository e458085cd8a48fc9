"""The `heard` command. Each command is a thin shell over a tested function."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from surveys.settings import Settings

app = typer.Typer(help="heard: chat-based feedback for youth justice teams.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
surveys_app = typer.Typer(help="Survey definitions: check, list and try them.", no_args_is_help=True)
app.add_typer(surveys_app, name="surveys")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        typer.secho(f"Your settings need a fix:\n{error}", fg="red", err=True)
        raise typer.Exit(2) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or update the database schema (safe to run again)."""
    from surveys.store import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"Database is up to date ({_safe_url(settings.database_url)}).")


@surveys_app.command("check")
def surveys_check(
    files: Annotated[list[Path] | None, typer.Argument(help="YAML files (default: the shipped surveys).")] = None,
) -> None:
    """Check survey definitions and list every mistake, with file and question."""
    from surveys.schema import DEFINITIONS_FOLDER, check_files

    paths = files or sorted(DEFINITIONS_FOLDER.glob("*.yaml"))
    errors = check_files(paths)
    for error in errors:
        typer.echo(str(error))
    if errors:
        typer.secho(f"{len(errors)} problem(s) to fix.", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(paths)} surveys OK")


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
    from surveys.schema import load_all

    definitions = load_all()
    if survey_id not in definitions:
        typer.secho(f"There is no survey called {survey_id!r}. Known surveys: {', '.join(definitions)}",
                    fg="red", err=True)
        raise typer.Exit(2)
    run_preview(definitions[survey_id], _read_line, typer.echo, lang=lang)


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:  # Ctrl-D or piped input ran out: end the line the prompt started
        typer.echo()
        return None


def _safe_url(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    app()
