"""`heard alerts`: safeguarding alerts nobody has taken, reading one (audited), and taking one."""

from __future__ import annotations

import typer

from bot.cli.context import fail, open_context, open_read_only, staff_id_of

alerts_app = typer.Typer(help="Safeguarding alerts: what is waiting, and taking one.", no_args_is_help=True)


@alerts_app.command("list")
def alerts_list(tier: str = typer.Option(None, help="Only this tier: urgent or review.")) -> None:
    """Alerts nobody has taken yet, oldest first (never what was written: use 'heard alerts show')."""
    from surveys.alerts import waited, waiting
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    chosen = _parse_tier(tier) if tier else None
    ctx = open_read_only()
    now = utcnow()
    with session_scope(ctx.engine) as session:
        rows = waiting(session, ctx.service_id, chosen)
        audit(session, "cli", "alerts.list", service_id=ctx.service_id)
    if not rows:
        typer.echo("Nothing is waiting. Every alert has been taken.")
        return
    for alert in rows:
        typer.echo(f"#{alert.alert_id:<5} {alert.tier:<7} waiting {waited(alert.created_at, now):<8} "
                   f"{alert.who():<36} {alert.reason}")
    typer.echo("Read one with: heard alerts show ID. Take it with: heard alerts take ID --by YOUR_TELEGRAM_ID")


def _parse_tier(text: str):
    from surveys.models import AlertTier

    try:
        return AlertTier(text)
    except ValueError:
        fail(f"Unknown tier '{text}'. Use urgent or review.", 2)


@alerts_app.command("show")
def alerts_show(alert_id: int) -> None:
    """Whose words, what they wrote and whether anyone has taken it, for the worker deciding what to do
    (each reading is audited)."""
    from surveys.models import Case, Participant, SafeguardingAlert, Staff, person_label
    from surveys.store import audit, session_scope

    ctx = open_read_only()
    zone = ctx.settings.zone
    with session_scope(ctx.engine) as session:
        alert = session.get(SafeguardingAlert, alert_id)
        if alert is None or alert.service_id != ctx.service_id:
            fail(f"There is no alert #{alert_id} in this service. 'heard alerts list' shows the open ones.")
        audit(session, "cli", "alert.text_shown", subject=f"alert:{alert_id}", service_id=ctx.service_id)
        person = session.get(Participant, alert.participant_id)
        who = person_label(session.get(Case, person.case_id).case_ref, person.audience, person.participant_ref)
        owner = session.get(Staff, alert.acknowledged_by) if alert.acknowledged_by else None
        if alert.acknowledged_at is None:
            state = f"Not taken yet. Take it with: heard alerts take {alert_id} --by YOUR_TELEGRAM_ID"
        else:
            state = (f"Taken by {owner.name if owner and owner.name else 'someone'} on "
                     f"{alert.acknowledged_at.astimezone(zone):%a %d %b %H:%M}.")
        text = alert.text if alert.text is not None else "(What they wrote is no longer kept: it was erased.)"
        reason, tier, raised = alert.reason, alert.tier, alert.created_at.astimezone(zone)
    typer.echo(f"Alert #{alert_id} ({tier}) for {who}, raised {raised:%a %d %b %H:%M}: {reason}\n{state}\n\n{text}")


@alerts_app.command("take")
def alerts_take(alert_id: int, by: int = typer.Option(None, help="Your Telegram user id, to record who took it.")) -> None:
    """Take an alert: you are dealing with it, and it stops being escalated."""
    from surveys.models import utcnow
    from surveys.staff_actions import record_alert_taken
    from surveys.store import session_scope

    ctx = open_context()
    with session_scope(ctx.engine) as session:
        staff_id = staff_id_of(session, ctx.service_id, by)
        taken = record_alert_taken(session, service_id=ctx.service_id, alert_id=alert_id, staff_id=staff_id,
                                   actor=f"staff:{staff_id}" if staff_id else "cli", now=utcnow())
        if taken is None:
            fail(f"There is no alert #{alert_id} in this service. 'heard alerts list' shows the open ones.")
    if not taken.first:
        fail(f"Alert #{alert_id} was already taken{f' by {taken.owner_name}' if taken.owner_name else ''}.")
    typer.echo(f"Alert #{alert_id} is yours. Nobody else will be asked to take it.")

