"""`heard report` and `heard actions`: thin shells over analysis.report and analysis.actions."""

from __future__ import annotations

from pathlib import Path

import typer

actions_app = typer.Typer(help="'You said, we did': actions taken in answer to feedback.", no_args_is_help=True)


def _settings():
    from bot.cli import load_settings, with_resolved_service  # imported late: bot.cli imports this module

    return with_resolved_service(load_settings())  # a database holding one service needs no HEARD_SERVICE


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, fg="red", err=True)
    return typer.Exit(code)


def report(period: str = typer.Option(..., help="A quarter like 2026-Q3, or dates like 2026-07-01..2026-09-30."),
           out: Path = typer.Option(..., help="Folder to write the report into."),
           format: str = typer.Option("html,pdf,csv", "--format", help="Any of html, pdf, csv, comma-separated."),
           targets: Path | None = typer.Option(None, help="A targets YAML file (default: the packaged one)."),
           lang: str = typer.Option("en", "--lang", help="en, or cy for the report's headings and notes in Welsh.")) -> None:
    """Write the Management Board feedback report for a period."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from analysis.aggregate import parse_period
    from analysis.rag import load_targets
    from analysis.report import default_dependencies, generate_report
    from surveys.crypto import EncryptionError, Keyring
    from surveys.store import make_engine

    settings = _settings()
    try:
        keys = Keyring.from_settings(settings)  # the report quotes free text, which may be encrypted
        chosen_period = parse_period(period)
        formats = [part.strip().lower() for part in format.split(",") if part.strip()]
        chosen_targets = load_targets(targets)
    except (ValueError, OSError) as error:
        raise _fail(str(error)) from None
    try:
        definitions, catalogue, redact = default_dependencies()
    except ImportError as error:
        raise _fail(f"The survey definitions or theme codebook are not available ({error}).", 1) from None
    engine = make_engine(settings.database_url, keys=keys)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
            task = bar.add_task("Starting", total=None)
            paths = generate_report(engine, settings.service, chosen_period, out, formats, definitions, catalogue,
                                    redact, chosen_targets, settings.zone, settings.service_name,
                                    step=lambda words: bar.update(task, description=words), lang=lang)
    except ValueError as error:
        raise _fail(str(error)) from None
    except LookupError as error:
        raise _fail(str(error), 1) from None
    except EncryptionError as error:
        raise _fail(f"The report needs the right HEARD_ENCRYPTION_KEY: {error}.", 1) from None
    finally:
        engine.dispose()
    typer.echo(f"Feedback report for {chosen_period.label}:")
    for path in paths:
        typer.echo(f"  {path}")


@actions_app.command("add")
def actions_add(theme: str = typer.Option(..., help="The theme the action answers, e.g. fairness_speed."),
                text: str = typer.Option(..., help="What was done, in a sentence or two.")) -> None:
    """Record what the service changed in answer to a feedback theme."""
    from analysis.actions import add_action
    from surveys.store import ensure_service, make_engine, session_scope

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            service = ensure_service(session, settings.service, settings.service_name)
            action = add_action(session, service.id, theme, text)
    except ValueError as error:
        raise _fail(str(error)) from None
    finally:
        engine.dispose()
    typer.echo(f"Recorded action {action.id} under {action.theme}.")


@actions_app.command("list")
def actions_list() -> None:
    """Show every recorded action, oldest first."""
    from analysis.actions import list_actions
    from surveys.store import ensure_service, make_engine, session_scope

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            actions = list_actions(session, ensure_service(session, settings.service, settings.service_name).id)
    finally:
        engine.dispose()
    if not actions:
        typer.echo("No actions recorded yet. Add one with: heard actions add --theme THEME --text \"...\"")
    for action in actions:
        typer.echo(f"{action.id}\t{action.created_at:%Y-%m-%d}\t{action.theme}\t{action.text}")
