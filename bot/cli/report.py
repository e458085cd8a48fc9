"""`heard report`, `heard actions` and `heard quotes`: thin shells over analysis.report, .actions and .quotes."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.context import fail, open_context, open_engine, resolved_settings
from surveys.models import QuoteDecision

actions_app = typer.Typer(help="'You said, we did': actions taken in answer to feedback.", no_args_is_help=True)


def report(period: str = typer.Option(..., help="A financial quarter like 2026-27-Q3 (Oct-Dec 2026), a financial "
                                                 "year like 2026-27, a calendar quarter like 2026-Q3 or year like "
                                                 "2026, or dates like 2026-07-01..2026-09-30."),
           out: Path = typer.Option(..., help="Folder to write the report into."),
           format: str = typer.Option("html,pdf,csv", "--format", help="Any of html, pdf, csv, comma-separated."),
           targets: Path | None = typer.Option(None, help="A targets YAML file (default: the packaged one)."),
           lang: str = typer.Option("en", "--lang", help="en, or cy for the report (HTML, PDF, charts) in Welsh.")) -> None:
    """Write the Management Board feedback report for a period."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from analysis.aggregate import parse_period
    from analysis.rag import load_targets
    from analysis.report import default_dependencies, generate_report
    from surveys.crypto import EncryptionError, Keyring

    settings = resolved_settings()  # a database holding one service needs no HEARD_SERVICE
    try:
        Keyring.from_settings(settings)  # checked first: the report quotes free text, which may be encrypted
        chosen_period = parse_period(period, settings.year_start_month)
        formats = [part.strip().lower() for part in format.split(",") if part.strip()]
        chosen_targets = load_targets(targets)
    except (ValueError, OSError) as error:
        fail(str(error), 2)
    try:
        definitions, catalogue, redact = default_dependencies()
    except ImportError as error:
        fail(f"The survey definitions or theme codebook are not available ({error}).", 1)
    engine = open_engine(settings)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
            task = bar.add_task("Starting", total=None)
            paths = generate_report(engine, settings.service, chosen_period, out, formats, definitions, catalogue,
                                    redact, chosen_targets, settings.zone, settings.report_name,
                                    step=lambda words: bar.update(task, description=words), lang=lang)
    except ValueError as error:
        fail(str(error), 2)
    except LookupError as error:
        fail(str(error), 1)
    except EncryptionError as error:
        fail(f"The report needs the right HEARD_ENCRYPTION_KEY: {error}.", 1)
    finally:
        engine.dispose()
    typer.echo(f"Feedback report for {chosen_period.label}:")
    for path in paths:
        typer.echo(f"  {path}")


def _in_service(work):
    """Run ``work(session, service_id)`` in one transaction; a refusal becomes a clear message and exit code."""
    from surveys.store import session_scope

    ctx = open_context()
    try:
        with session_scope(ctx.engine) as session:
            return work(session, ctx.service_id)
    except ValueError as error:
        fail(str(error), 2)
    except LookupError as error:
        fail(str(error), 1)
    finally:
        ctx.engine.dispose()


def _day(text: str | None):
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"date {text!r} should look like 2026-10-15", 2)


def _tab_separated(action) -> str:
    from analysis.actions import STATUS_WORDS

    return "\t".join([str(action.id), f"{action.action_on:%Y-%m-%d}" if action.action_on else "-",
                      STATUS_WORDS.get(action.status, action.status), action.owner or "-", action.theme, action.text])


THEME_HELP = "The theme it answers, by label or id, e.g. \"Felt listened to\" or listened_to."
STATUS_HELP = "planned, in_progress or done."


@actions_app.command("add")
def actions_add(theme: str = typer.Option(..., help=THEME_HELP),
                text: str = typer.Option(..., help="What was done (or will be), in a sentence or two."),
                owner: str | None = typer.Option(None, help="The team or role responsible, e.g. \"Panel coordinator\"."),
                status: str = typer.Option("done", help=STATUS_HELP),
                date: str | None = typer.Option(None, "--date", help="When it was done or is due (default today).")) -> None:
    """Record what the service changed (or will change) in answer to a feedback theme."""
    from analysis.actions import add_action

    on = _day(date)
    action = _in_service(lambda session, service_id: add_action(session, service_id, theme, text, owner=owner,
                                                                status=status, on=on))
    typer.echo(f"Recorded action {action.id} under {action.theme}.")


@actions_app.command("list")
def actions_list(open_only: bool = typer.Option(False, "--open", help="Only actions not done yet.")) -> None:
    """Show the recorded actions by date: id, date, status, owner, theme, text."""
    from analysis.actions import list_actions

    lines = _in_service(lambda session, service_id: [_tab_separated(a) for a in list_actions(session, service_id,
                                                                                      open_only=open_only)])
    if not lines:
        typer.echo("No actions recorded yet. Add one with: heard actions add --theme THEME --text \"...\"")
    for line in lines:
        typer.echo(line)


@actions_app.command("edit")
def actions_edit(action_id: int = typer.Argument(..., help="The id shown by heard actions list."),
                 theme: str | None = typer.Option(None, help=THEME_HELP),
                 text: str | None = typer.Option(None, help="The new wording."),
                 owner: str | None = typer.Option(None, help="The team or role responsible."),
                 status: str | None = typer.Option(None, help=STATUS_HELP),
                 date: str | None = typer.Option(None, "--date", help="When it was done or is due.")) -> None:
    """Change an action: its theme, text, owner, status or date."""
    from analysis.actions import edit_action

    on = _day(date)
    line = _in_service(lambda session, service_id: _tab_separated(edit_action(
        session, service_id, action_id, theme=theme, text=text, owner=owner, status=status, on=on)))
    typer.echo(f"Changed action {action_id}:\n{line}")


@actions_app.command("remove")
def actions_remove(action_id: int = typer.Argument(..., help="The id shown by heard actions list.")) -> None:
    """Remove an action recorded by mistake (the removal is audited)."""
    from analysis.actions import remove_action

    _in_service(lambda session, service_id: remove_action(session, service_id, action_id))
    typer.echo(f"Removed action {action_id}.")


# --- quotes: a manager approves each one before the board sees it ---------------------------

quotes_app = typer.Typer(help="Quotes for the board report: only quotes a manager approved are printed.",
                         no_args_is_help=True)


@quotes_app.command("review")
def quotes_review(period: str | None = typer.Option(None, help="The report's period, as for heard report "
                                                             "(default: the last full financial quarter).")) -> None:
    """List the quotes the report would print, redacted, with their id: approve or drop each."""
    from datetime import date

    from analysis.aggregate import last_full_quarter, parse_period
    from analysis.quotes import candidates, review_figures, review_line
    from analysis.rag import load_targets
    from analysis.report import default_dependencies
    from surveys.crypto import EncryptionError, Keyring

    settings = resolved_settings()
    try:
        Keyring.from_settings(settings)  # checked first: the quotes may be encrypted
        chosen = (parse_period(period, settings.year_start_month) if period
                  else last_full_quarter(date.today(), settings.year_start_month))
    except ValueError as error:
        fail(str(error), 2)
    engine = open_engine(settings)
    try:
        figures = review_figures(engine, settings.service, chosen, *default_dependencies(), load_targets(),
                                 settings.zone)
    except LookupError as error:
        fail(str(error), 1)
    except EncryptionError as error:
        fail(f"Reading the quotes needs the right HEARD_ENCRYPTION_KEY: {error}.", 1)
    finally:
        engine.dispose()
    quotes = candidates(figures)
    if not quotes:
        typer.echo(f"No quotes to review for {chosen.label}: a theme needs comments from at least 5 people.")
        return
    typer.echo(f"Quotes for {chosen.label} (id, status, theme, audience, words). Only approved ones are printed.")
    for quote in quotes:
        typer.echo(review_line(quote))
    typer.echo("Approve: heard quotes approve ID...   Drop (the next comment takes its place): heard quotes drop ID...")


def _decide(answer_ids: list[int], decision: QuoteDecision) -> None:
    from analysis.quotes import decide
    from surveys.models import utcnow

    unknown = _in_service(lambda session, service_id: decide(
        session, service_id, answer_ids, decision, "cli", utcnow()))
    done = [i for i in answer_ids if i not in unknown]
    if done:
        typer.echo(f"{decision.capitalize()}: {', '.join(map(str, sorted(set(done))))}.")
    if unknown:
        fail(f"Not a comment in this service: {', '.join(map(str, unknown))}. "
             "Use the ids shown by heard quotes review.", 1)


@quotes_app.command("approve")
def quotes_approve(answer_ids: list[int] = typer.Argument(..., help="Ids shown by heard quotes review.")) -> None:
    """Approve quotes for the board report."""
    _decide(answer_ids, QuoteDecision.approved)


@quotes_app.command("drop")
def quotes_drop(answer_ids: list[int] = typer.Argument(..., help="Ids shown by heard quotes review.")) -> None:
    """Drop quotes: they are never printed, and the next comment is offered in their place."""
    _decide(answer_ids, QuoteDecision.dropped)
