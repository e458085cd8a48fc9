"""`heard cases import`, `heard invite`, `heard send`, `heard due`, `heard stats`: cases and their surveys."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.channels import CHANNEL_HELP, invite_by_channel, parse_channel, write_qr
from bot.cli.context import fail, open_context, open_read_only, parse_audience
from surveys.models import Channel

SHOWN_PROBLEMS = 30  # bad lines listed by an import; the rest are counted

cases_app = typer.Typer(help="Cases imported from the case-management system.", no_args_is_help=True)


@cases_app.command("import")
def cases_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                             help="CSV export, one row per participant.")) -> None:
    """Import or update cases. Every row is checked first: one bad row and nothing changes.

    Rows are then saved a few hundred at a time, so the bot can store answers (and raise
    alerts) while a long import runs. If it stops part way, running it again finishes it.
    """
    from surveys.enrol import ImportRejected, import_in_batches, parse_csv
    from surveys.models import utcnow
    from surveys.schema import load_all
    from surveys.store import audit, session_scope

    try:  # the file is checked before the database is opened: a refused file changes nothing anywhere
        records = parse_csv(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        fail(f"{file} is not a UTF-8 text file. Save it from your spreadsheet as 'CSV UTF-8' and try again.")
    except ImportRejected as rejected:
        problems = rejected.problems
        lines = "\n".join(f"  line {line}: {reason}" for line, reason in problems[:SHOWN_PROBLEMS])
        if len(problems) > SHOWN_PROBLEMS:  # a whole file wrong the same way: the first few say why
            lines += f"\n  ...and {len(problems) - SHOWN_PROBLEMS} more lines with problems ({len(problems)} in all)."
        fail(f"Nothing was imported. Fix these rows and run the import again:\n{lines}")
    if not records:
        typer.echo("The file has no rows under its header row: nothing was imported. Is it the right export?")
        return
    ctx = open_context()
    done = {"cases": 0, "surveys": 0}

    def progress(stage: str, count: int, total: int) -> None:
        done[stage] = count

    try:
        summary, planned = import_in_batches(ctx.engine, ctx.service_id, records, load_all(), zone=ctx.settings.zone,
                                             window=ctx.settings.window, now=utcnow(), progress=progress)
    except (Exception, KeyboardInterrupt) as error:  # say how far it got; the error's text may hold case data
        stage = (f"{done['cases']} of {len(records)} rows were saved" if done["cases"] < len(records)
                 else f"all {len(records)} rows were saved and surveys were planned for {done['surveys']} cases")
        fail(f"The import stopped ({type(error).__name__}): {stage}. Nothing saved is lost. "
             f"Run the same import again to finish it; rows already saved will not be duplicated.")
    with session_scope(ctx.engine) as session:
        audit(session, "cli", "cases.import", detail=f"rows={summary.rows}", service_id=ctx.service_id)
    typer.echo(f"Imported {summary.rows} rows: {summary.cases_created} new cases, {summary.cases_updated} updated, "
               f"{summary.participants_created} new participants.")
    typer.echo(f"Surveys: {planned.created} planned, {planned.moved} moved to new dates, {planned.cancelled} cancelled.")


def invite(case_ref: str, audience: str = typer.Option(..., help="young_person, parent_carer, victim or placement"),
           participant_ref: str = typer.Option("", help="Which victim (or other person) of this case."),
           qr: Path | None = typer.Option(None, help="Also write the link as a QR code PNG here."),
           force: bool = typer.Option(False, "--force", help="Move someone already linked to a new Telegram account."),
           channel: str = typer.Option("telegram", help=CHANNEL_HELP)) -> None:
    """Make a one-time invitation link for one person.

    Someone already linked keeps their chat: a new link for them needs --force, and when it is used
    their old chat is told it was moved.
    """
    from surveys.casework import explain_missing
    from surveys.enrol import create_invite, deep_link, find_participant
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    if (chosen := parse_channel(channel)) != Channel.telegram:  # a web link, or one sent by SMS or email
        return invite_by_channel(case_ref, audience, participant_ref, qr, force, chosen)
    ctx = open_context()
    who = parse_audience(audience)
    username = ctx.settings.bot_username
    if not username:
        fail("Set HEARD_BOT_USERNAME to your bot's username (from BotFather) so the link points at your bot.", 2)
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            fail(explain_missing(session, ctx.service_id, case_ref, who, participant_ref))
        if participant.erased_at is not None or participant.opted_out_at is not None:  # as for web, text and email
            fail(f"The {who.value.replace('_', ' ')} of {case_ref} asked not to hear from us (or to be erased), "
                 f"so no invitation goes to them.")
        if participant.chat_hash is not None and not force:
            fail(f"The {who.value.replace('_', ' ')} of {case_ref} is already linked to a Telegram account, so they "
                 f"need no link. To move them to a new account, run this again with --force (their old chat is told).", 2)
        code = create_invite(session, participant, now=utcnow(), days=ctx.settings.invite_days)
        audit(session, "cli", "invite.create", subject=f"participant:{participant.id}",
              detail="move" if participant.chat_hash else None, service_id=ctx.service_id)
    link = deep_link(username, code)
    typer.echo(link)
    typer.echo(f"Works once, for {ctx.settings.invite_days} days.", err=True)
    if qr:
        write_qr(link, qr)
        typer.echo(f"QR code written to {qr}", err=True)


def send(case_ref: str, audience: str = typer.Option(..., help="young_person, parent_carer, victim or placement"),
         survey: str = typer.Option(..., help="Survey id, e.g. yp_exit (see: heard surveys list)"),
         participant_ref: str = typer.Option("", help="Which victim (or other person) of this case.")) -> None:
    """Send a survey now (the running bot delivers it within a minute, inside the send window)."""
    from surveys.casework import waiting_reason
    from surveys.enrol import find_participant
    from surveys.invitations import create_manual, replace_next_planned
    from surveys.models import Case, utcnow
    from surveys.schema import load_all
    from surveys.store import audit, session_scope

    ctx = open_context()
    who = parse_audience(audience)
    definition = load_all().get(survey)
    if definition is None:
        fail(f"There is no survey called '{survey}'. See: heard surveys list", 2)
    if definition.audience != who:
        fail(f"{survey} is for {definition.audience.value}, not {who.value}.", 2)
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            from surveys.casework import explain_missing
            fail(explain_missing(session, ctx.service_id, case_ref, who, participant_ref))
        replaced = replace_next_planned(session, participant, definition)
        invitation = create_manual(session, participant, definition, now=utcnow())
        audit(session, "cli", "survey.send", subject=f"invitation:{invitation.id}", service_id=ctx.service_id)
        state = waiting_reason(participant)
        case_ref = session.get(Case, participant.case_id).case_ref  # as imported, whatever capitals were typed
    typer.echo(f"Queued {survey} for {case_ref} ({who.value}): {state}.")
    if replaced is not None:
        typer.echo(f"It goes instead of the one planned for {replaced.due_at.astimezone(ctx.settings.zone):%d %b %Y}.")


def due(days: int = typer.Option(7, help="How far ahead to look."),
        audience: str = typer.Option(None, help="Only these people: young_person, parent_carer, victim or placement.")
        ) -> None:
    """What goes out soon, and who has not answered."""
    from surveys.casework import due_soon, needs_link, not_answered
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    only = parse_audience(audience) if audience else None
    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        soon = due_soon(session, ctx.service_id, now=utcnow(), days=days)
        stuck = needs_link(session, ctx.service_id, now=utcnow(), days=days)
        waiting = not_answered(session, ctx.service_id)
        audit(session, "cli", "staff.due", service_id=ctx.service_id)
    if only is not None:
        soon, stuck, waiting = ([line for line in lines if line.audience == only] for lines in (soon, stuck, waiting))
    zone = ctx.settings.zone
    for title, lines in ((f"Going out in the next {days} days", soon),
                         ("Due, but their link has expired or was never made (run the command shown)", stuck),
                         ("Sent but not answered", waiting)):
        typer.echo(f"{title} ({len(lines)})")
        for line in lines:
            when = line.when.astimezone(zone).strftime("%a %d %b %H:%M") if line.when else "-"
            typer.echo(f"  {when:<16} {line.who():<36} {line.survey_id:<20} {line.note}")


def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON for other tools.")) -> None:
    """Invitation and response counts by survey and status."""
    import json

    from surveys.casework import stats as count
    from surveys.store import session_scope

    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        figures = count(session, ctx.service_id)
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    for survey_id, row in figures["surveys"].items():
        typer.echo(f"{survey_id:<20} delivered {row['delivered']:>5}  responded {row['responded']:>5}  "
                   f"completed {row['completed']:>5}  never sent (link not used) {row['never_sent']:>5}")
    typer.echo(f"open invitations: {figures['open']}, call-backs waiting: {figures['callbacks_open']}, "
               f"alerts not taken: {figures['alerts_unacknowledged']}")

