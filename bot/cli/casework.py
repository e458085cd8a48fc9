"""`heard callbacks`, `heard case` and `heard participant export`: the staff loop on the command line.

Thin shells over surveys.casework and surveys.case_record. Every view of what a person wrote is audited.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import typer

from bot.cli.context import fail, open_context, open_read_only, parse_audience, staff_id_of

callbacks_app = typer.Typer(help="People who asked to be contacted: what is open, and recording the outcome.",
                            no_args_is_help=True)
case_app = typer.Typer(help="One case: every answer, alert and call-back (audited).", no_args_is_help=True)


@callbacks_app.command("list")
def callbacks_list() -> None:
    """Open requests for contact, oldest first, with how long each has waited."""
    from surveys.alerts import waited
    from surveys.casework import waiting_callbacks
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    ctx = open_read_only()
    now = utcnow()
    with session_scope(ctx.engine) as session:
        rows = waiting_callbacks(session, ctx.service_id)
        audit(session, "cli", "callbacks.list", service_id=ctx.service_id)
    if not rows:
        typer.echo("Nobody is waiting for a call back.")
        return
    for call in rows:
        reminded = f"  (managers reminded {call.escalations}x)" if call.escalations else ""
        typer.echo(f"#{call.callback_id:<5} waiting {waited(call.created_at, now):<8} {call.who():<36} {call.reason}{reminded}")
    typer.echo("When you have tried: heard callbacks done ID --outcome called|no_answer|declined")


@callbacks_app.command("done")
def callbacks_done(callback_id: int,
                   outcome: str = typer.Option(..., help="called, no_answer (no answer, tried again) or declined"),
                   by: int = typer.Option(None, help="Your Telegram user id, to record who made the call.")) -> None:
    """Record how a request for contact ended; it leaves the waiting list and reminders stop."""
    from surveys.models import CallbackOutcome, CallbackRequest, utcnow
    from surveys.staff_actions import record_callback_outcome
    from surveys.store import session_scope

    try:
        chosen = CallbackOutcome(outcome)
    except ValueError:
        fail(f"Unknown outcome '{outcome}'. Use one of: {', '.join(o.value for o in CallbackOutcome)}.", 2)
    ctx = open_context()
    with session_scope(ctx.engine) as session:
        staff_id = staff_id_of(session, ctx.service_id, by)
        request = session.get(CallbackRequest, callback_id)
        if request is None or request.service_id != ctx.service_id:
            fail(f"There is no call-back request #{callback_id} in this service. 'heard callbacks list' shows the open ones.")
        if not record_callback_outcome(session, service_id=ctx.service_id, callback_id=callback_id, outcome=chosen,
                                       staff_id=staff_id, actor=f"staff:{staff_id}" if staff_id else "cli",
                                       now=utcnow()):
            fail(f"Request #{callback_id} was already marked done ({request.outcome}).")
    typer.echo(f"Request #{callback_id} is done: {chosen.value.replace('_', ' ')}.")


def _case_or_fail(session, ctx, case_ref: str):
    from surveys.case_record import as_imported, find_case

    case = find_case(session, ctx.service_id, as_imported(session, ctx.service_id, case_ref).case_ref)
    if case is None:
        fail(f"There is no case {case_ref} in this service. Check the reference.")
    return case


@case_app.command("show")
def case_show(case_ref: str) -> None:
    """Every answer, alert and call-back for a case, as written (the viewing is audited)."""
    from surveys.case_record import case_lines, case_view
    from surveys.schema import load_all
    from surveys.store import audit, session_scope

    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        case = _case_or_fail(session, ctx, case_ref)
        view = case_view(session, case, load_all())
        audit(session, "cli", "case.view", subject=f"case:{case.id}", service_id=ctx.service_id)
    typer.echo("\n".join(case_lines(view, ctx.settings.zone)))


@case_app.command("export")
def case_export(case_ref: str,
                format: str = typer.Option("pdf", "--format", help="pdf, txt or both: pdf,txt"),
                out: Path = typer.Option(Path("."), help="Folder to write into.")) -> None:
    """A one-page summary of a case's feedback, to attach to the case record (audited)."""
    from surveys.case_record import case_html, case_lines, case_view
    from surveys.models import utcnow
    from surveys.schema import load_all
    from surveys.store import audit, session_scope

    formats = [part.strip().lower() for part in format.split(",") if part.strip()]
    if not formats or set(formats) - {"pdf", "txt"}:
        fail(f"Unknown format '{format}'. Use pdf, txt or pdf,txt.", 2)
    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        case = _case_or_fail(session, ctx, case_ref)
        view = case_view(session, case, load_all())
        audit(session, "cli", "case.export", subject=f"case:{case.id}", detail=",".join(formats),
              service_id=ctx.service_id)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"feedback-{_safe_name(case_ref)}"
    written = []
    if "txt" in formats:
        path = stem.with_suffix(".txt")
        path.write_text("\n".join(case_lines(view, ctx.settings.zone)) + "\n", encoding="utf-8")
        written.append(path)
    if "pdf" in formats:
        from weasyprint import HTML

        path = stem.with_suffix(".pdf")
        HTML(string=case_html(view, ctx.settings.zone, ctx.settings.service_name, utcnow())).write_pdf(path)
        written.append(path)
    for path in written:
        typer.echo(str(path))
    typer.echo("These files hold personal data: attach them to the case record, then delete them here.", err=True)


def _safe_name(case_ref: str) -> str:
    return "".join(char if char.isalnum() or char in "-_" else "_" for char in case_ref)


def participant_export(case_ref: str, audience: str,
                       participant_ref: str = typer.Option("", help="Which victim (or other person) of this case."),
                       out: Path = typer.Option(None, help="Write the JSON here instead of printing it.")) -> None:
    """Everything held about one person, as JSON, for a subject access request (audited)."""
    from surveys.case_record import participant_export as export
    from surveys.casework import explain_missing
    from surveys.enrol import find_participant
    from surveys.schema import load_all
    from surveys.store import audit, session_scope

    who = parse_audience(audience)
    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            fail(explain_missing(session, ctx.service_id, case_ref, who, participant_ref))
        data = export(session, participant, load_all())
        audit(session, "cli", "participant.export", subject=f"participant:{participant.id}", service_id=ctx.service_id)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_plain)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"Written to {out}. It holds personal data: send it securely and delete this copy.", err=True)


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)
