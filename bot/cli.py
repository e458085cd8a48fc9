"""The `heard` command. Each command is a thin shell over a tested function."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli import analyse_command
from surveys.models import Audience
from surveys.settings import Settings

app = typer.Typer(help="heard: chat-based feedback for youth justice teams.", no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
cases_app = typer.Typer(help="Cases imported from the case-management system.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(cases_app, name="cases")
surveys_app = typer.Typer(help="Survey definitions: check, list and try them.", no_args_is_help=True)
app.add_typer(surveys_app, name="surveys")
app.command("analyse")(analyse_command)


@dataclass
class Context:
    """What every command needs, built once: settings, a migrated database, our service's id."""

    settings: Settings
    engine: object
    service_id: int


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        fail(f"Your settings need a fix:\n{error}")


def open_context(settings: Settings | None = None) -> Context:
    from surveys.store import current_revision, ensure_service, head_revision, make_engine, session_scope, upgrade

    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    if current_revision(engine) != head_revision(settings.database_url):
        upgrade(settings.database_url)
    with session_scope(engine) as session:
        service_id = ensure_service(session, settings.service, settings.service_name).id
    return Context(settings, engine, service_id)


def fail(message: str, code: int = 1):
    typer.secho(message, fg="red", err=True)
    raise typer.Exit(code)


def parse_audience(text: str) -> Audience:
    try:
        return Audience(text)
    except ValueError:
        fail(f"Unknown audience '{text}'. Use one of: {', '.join(a.value for a in Audience)}.", 2)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or update the database schema (safe to run again)."""
    from surveys.store import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"Database is up to date ({safe_url(settings.database_url)}).")


def safe_url(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


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


@cases_app.command("import")
def cases_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                             help="CSV export, one row per participant.")) -> None:
    """Import or update cases. All-or-nothing: one bad row and nothing changes."""
    from surveys.enrol import ImportRejected, import_rows, parse_csv
    from surveys.store import audit, session_scope

    ctx = open_context()
    try:
        records = parse_csv(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        fail(f"{file} is not a UTF-8 text file. Save it from your spreadsheet as 'CSV UTF-8' and try again.")
    except ImportRejected as rejected:
        lines = "\n".join(f"  line {line}: {reason}" for line, reason in rejected.problems)
        fail(f"Nothing was imported. Fix these rows and run the import again:\n{lines}")
    with session_scope(ctx.engine) as session:
        summary = import_rows(session, ctx.service_id, records)
        audit(session, "cli", "cases.import", detail=f"rows={summary.rows}", service_id=ctx.service_id)
    typer.echo(f"Imported {summary.rows} rows: {summary.cases_created} new cases, {summary.cases_updated} updated, "
               f"{summary.participants_created} new participants.")


@app.command("invite")
def invite(case_ref: str, audience: str = typer.Option(..., help="young_person, parent_carer, victim or placement"),
           participant_ref: str = typer.Option("", help="Which victim (or other person) of this case."),
           qr: Path | None = typer.Option(None, help="Also write the link as a QR code PNG here.")) -> None:
    """Make a one-time invitation link for one person."""
    from surveys.enrol import create_invite, deep_link, find_participant
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    ctx = open_context()
    who = parse_audience(audience)
    username = ctx.settings.bot_username
    if not username:
        fail("Set HEARD_BOT_USERNAME to your bot's username (from BotFather) so the link points at your bot.", 2)
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            fail(f"No {who.value} found for case {case_ref}" + (f" ({participant_ref})" if participant_ref else "")
                 + ". Import the case first: heard cases import FILE.csv")
        code = create_invite(session, participant, now=utcnow(), days=ctx.settings.invite_days)
        audit(session, "cli", "invite.create", subject=f"participant:{participant.id}", service_id=ctx.service_id)
    link = deep_link(username, code)
    typer.echo(link)
    typer.echo(f"Works once, for {ctx.settings.invite_days} days.", err=True)
    if qr:
        write_qr(link, qr)
        typer.echo(f"QR code written to {qr}", err=True)


def write_qr(link: str, path: Path) -> None:
    import qrcode

    qrcode.make(link).save(path)


if __name__ == "__main__":
    app()
