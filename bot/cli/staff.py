"""`heard staff`: who may use the staff commands in Telegram, and whether alerts can reach them."""

from __future__ import annotations

import typer

from bot.cli.context import fail, open_context, open_read_only
from surveys.models import Role
from surveys.settings import Settings

staff_app = typer.Typer(help="Staff who may use the staff commands in Telegram.", no_args_is_help=True)


@staff_app.command("add")
def staff_add(telegram_id: int = typer.Option(..., help="Their numeric Telegram user id."),
              role: str = typer.Option(..., help="admin, case_worker, victim_worker, manager or duty"),
              name: str = typer.Option(None, help="How colleagues see them in alerts (their own name).")) -> None:
    """Give a Telegram user a staff role."""
    from sqlmodel import select

    from surveys.models import Staff
    from surveys.store import audit, session_scope

    chosen = parse_role(role)
    ctx = open_context()
    with session_scope(ctx.engine) as session:
        existing = session.exec(select(Staff).where(Staff.service_id == ctx.service_id, Staff.role == chosen,
                                                    Staff.telegram_user_id == telegram_id)).first()
        others = session.exec(select(Staff).where(Staff.service_id == ctx.service_id,
                                                  Staff.telegram_user_id == telegram_id)).all()
        # Roles are a set: one row per role. A role added to someone already here keeps their name.
        staff = existing or Staff(service_id=ctx.service_id, telegram_user_id=telegram_id, role=chosen)
        staff.active = True
        staff.name = name or staff.name or next((o.name for o in others if o.name and o.active), None)
        if name:
            for other in others:
                other.name = name
        session.add(staff)
        audit(session, "cli", "staff.add", subject=f"telegram:{telegram_id}", detail=chosen.value,
              service_id=ctx.service_id)
        session.flush()
        held = sorted(role for role in session.exec(select(Staff.role).where(
            Staff.service_id == ctx.service_id, Staff.telegram_user_id == telegram_id, Staff.active.is_(True))))
        reach = _reach_of(session, ctx.service_id).get(telegram_id)
    typer.echo(f"{telegram_id} is now {chosen.value}." if held == [chosen.value]
               else f"{telegram_id} is now {chosen.value} (roles: {', '.join(held)}).")
    if chosen in ALERT_ROLES:
        typer.echo(f"Alerts: {_reach_line(reach, ctx.settings)}")


@staff_app.command("remove")
def staff_remove(telegram_id: int = typer.Option(...), role: str = typer.Option(None, help="Only this role.")) -> None:
    """Take away staff roles (all of them unless --role is given)."""
    import sqlalchemy as sa

    from surveys.models import Staff
    from surveys.store import audit, session_scope

    chosen = parse_role(role) if role else None
    ctx = open_context()
    with session_scope(ctx.engine) as session:
        query = sa.update(Staff).where(Staff.service_id == ctx.service_id, Staff.telegram_user_id == telegram_id)
        if chosen:
            query = query.where(Staff.role == chosen)
        changed = session.execute(query.values(active=False)).rowcount
        audit(session, "cli", "staff.remove", subject=f"telegram:{telegram_id}", service_id=ctx.service_id)
    typer.echo(f"Removed {changed} role(s) from {telegram_id}.")


@staff_app.command("list")
def staff_list() -> None:
    """Everyone with a staff role."""
    from sqlmodel import select

    from surveys.models import Staff
    from surveys.store import session_scope

    ctx = open_read_only()
    with session_scope(ctx.engine) as session:
        rows = session.exec(select(Staff).where(Staff.service_id == ctx.service_id, Staff.active.is_(True))
                            .order_by(Staff.telegram_user_id, Staff.role)).all()
        reach = _reach_of(session, ctx.service_id)
    for staff in rows:
        typer.echo(f"{staff.telegram_user_id:>14}  {staff.role:<14} {staff.name or ''}")
        if staff.role in ALERT_ROLES:
            typer.echo(f"{'':>16}alerts: {_reach_line(reach.get(staff.telegram_user_id), ctx.settings)}")
    if not rows:
        typer.echo("No staff yet. Add one: heard staff add --telegram-id N --role admin")


def parse_role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        fail(f"Unknown role '{text}'. Use one of: {', '.join(r.value for r in Role)}.", 2)


# --- staff add/list: can the bot reach the people who get safeguarding alerts? (alert delivery)
ALERT_ROLES = frozenset({Role.duty, Role.manager, Role.admin})


def _reach_of(session, service_id: int) -> dict:
    from surveys.alert_delivery import reach_by_user

    return reach_by_user(session, service_id)


def _reach_line(reach, settings: Settings) -> str:
    """Plain words for a worker: can alerts get to this person, and if not, what to do."""
    from surveys.alert_delivery import Reachability
    from bot.texts import t

    link = f"t.me/{settings.bot_username}" if settings.bot_username else t("alert.bot_link_unknown")
    if reach is None or reach.state is Reachability.never:
        return t("alert.reach_never", link=link)
    if reach.state is Reachability.lost:
        return t("alert.reach_lost", link=link, day=reach.refused_at.astimezone(settings.zone).strftime("%d %b %Y"))
    return t("alert.reach_yes")
