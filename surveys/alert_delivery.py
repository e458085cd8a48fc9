"""Safeguarding alert delivery in the database: claims, reachability, and what is waiting.

No Telegram here. `bot/safeguarding.py` and `bot/dispatch.py` call these in short transactions
and do the sending between them.

A message about an alert to a staff member is first *claimed* with an `AlertDelivery` row,
unique on (alert, person, round). Whoever inserts it sends; anyone else finds it taken and
skips. So two bot processes, or a tick racing the first send, never message one person twice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from surveys.models import (AlertDelivery, AlertTier, AuditEvent, Participant, Role, SafeguardingAlert, Staff)

# A claim this old with nothing sent is a send that crashed: it may be taken again.
STALE_CLAIM = timedelta(minutes=5)
# The live path sends help straight away; the tick only steps in once this has passed, so it
# does not race a send already under way. At start-up the same rule applies.
HELP_GRACE = timedelta(minutes=1)
# Help is still worth sending after a long outage, but not a week later out of the blue.
HELP_RECOVERY = timedelta(days=3)
DIGEST_ROUND = -1
DIGEST_LOCK = 4_870_000_000  # PostgreSQL advisory lock key base for the daily digest (plus the service id)
ALERT_ROLES = (Role.duty, Role.manager, Role.admin)


# --- claims ---------------------------------------------------------------------------------

def claim_delivery(session: Session, alert_id: int, telegram_user_id: int, round_number: int, *,
                   now: datetime) -> int | None:
    """Claim one message to one person; its id, or None when someone else holds (or sent) it."""
    session.execute(sa.delete(AlertDelivery).where(
        AlertDelivery.alert_id == alert_id, AlertDelivery.telegram_user_id == telegram_user_id,
        AlertDelivery.round == round_number, AlertDelivery.sent_at.is_(None),
        AlertDelivery.claimed_at < now - STALE_CLAIM))
    delivery = AlertDelivery(alert_id=alert_id, telegram_user_id=telegram_user_id, round=round_number,
                             claimed_at=now)
    try:
        with session.begin_nested():  # a savepoint: a clash undoes this row only
            session.add(delivery)
    except IntegrityError:
        return None
    return delivery.id


def mark_delivered(session: Session, delivery_id: int, *, now: datetime, message_id: int | None) -> None:
    delivery = session.get(AlertDelivery, delivery_id)
    delivery.sent_at, delivery.message_id = now, message_id


def release_claim(session: Session, delivery_id: int) -> None:
    """A failed send gives its claim back, so a later tick tries that person again."""
    session.execute(sa.delete(AlertDelivery).where(AlertDelivery.id == delivery_id))


# --- who gets it, and can the bot reach them ------------------------------------------------

def recipients(session: Session, service_id: int, roles) -> list[int]:
    """Telegram ids of active staff with any of ``roles``, each once, read now (so newcomers count)."""
    rows = session.exec(select(Staff.telegram_user_id).where(
        Staff.service_id == service_id, Staff.active.is_(True), Staff.role.in_([r.value for r in roles]))
        .order_by(Staff.telegram_user_id)).all()
    return list(dict.fromkeys(rows))


def duty_or_managers(session: Session, service_id: int) -> list[int]:
    """Duty workers; if there are none, managers and admins, so an alert or the queue is never unseen."""
    return recipients(session, service_id, (Role.duty,)) or recipients(session, service_id, (Role.manager, Role.admin))


def mark_reachable(session: Session, service_id: int, telegram_user_id: int, *, now: datetime) -> None:
    """They wrote to the bot or a message went through. Skips the write when nothing would change much."""
    session.execute(sa.update(Staff).where(
        Staff.service_id == service_id, Staff.telegram_user_id == telegram_user_id,
        sa.or_(Staff.reachable_at.is_(None), Staff.reachable_at < now - timedelta(hours=1),
               Staff.unreachable_at >= Staff.reachable_at)).values(reachable_at=now))


def mark_unreachable(session: Session, service_id: int, telegram_user_id: int, *, now: datetime) -> None:
    session.execute(sa.update(Staff).where(Staff.service_id == service_id, Staff.telegram_user_id == telegram_user_id)
                    .values(unreachable_at=now))


class Reachability(StrEnum):
    yes = "yes"  # a message went through, or they wrote to the bot, since any refusal
    never = "never"  # they have not opened a chat with the bot
    lost = "lost"  # Telegram refused a message since (blocked, or the chat was deleted)


@dataclass(frozen=True)
class Reach:
    """Can the bot message this person, and since when not."""

    state: Reachability
    refused_at: datetime | None = None


def reach(reachable_at: datetime | None, unreachable_at: datetime | None) -> Reach:
    if reachable_at is None:
        return Reach(Reachability.never, unreachable_at)
    if unreachable_at is not None and unreachable_at > reachable_at:
        return Reach(Reachability.lost, unreachable_at)
    return Reach(Reachability.yes)


def reach_by_user(session: Session, service_id: int) -> dict[int, Reach]:
    """Reach per Telegram id, over all their staff rows (a role added later shares what we know)."""
    seen: dict[int, tuple[datetime | None, datetime | None]] = {}
    for staff in session.exec(select(Staff).where(Staff.service_id == service_id)).all():
        ok, refused = seen.get(staff.telegram_user_id, (None, None))
        seen[staff.telegram_user_id] = (_latest(ok, staff.reachable_at), _latest(refused, staff.unreachable_at))
    return {user_id: reach(*times) for user_id, times in seen.items()}


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(filter(None, (a, b)), default=None)


def duty_reach_problem(session: Session, service_id: int) -> str | None:
    """'none' when there is no active duty worker, 'unreachable' when the bot can reach none of them."""
    duty = recipients(session, service_id, (Role.duty,))
    if not duty:
        return "none"
    known = reach_by_user(session, service_id)
    return None if any(known[user_id].state is Reachability.yes for user_id in duty) else "unreachable"


def staff_user_ids(session: Session, service_id: int) -> frozenset[int]:
    return frozenset(session.exec(select(Staff.telegram_user_id).where(
        Staff.service_id == service_id, Staff.active.is_(True))).all())


# --- what is waiting ------------------------------------------------------------------------

def alerts_needing_help(session: Session, service_id: int, *, now: datetime) -> list[int]:
    """One alert per person who disclosed but was never shown help (a crash or a failed send).

    Only recent alerts, from people still linked, not erased and not known to have blocked the bot.
    """
    rows = session.exec(
        select(sa.func.min(SafeguardingAlert.id))
        .join(Participant, Participant.id == SafeguardingAlert.participant_id)
        .where(SafeguardingAlert.service_id == service_id, SafeguardingAlert.help_sent_at.is_(None),
               SafeguardingAlert.created_at >= now - HELP_RECOVERY, SafeguardingAlert.created_at <= now - HELP_GRACE,
               Participant.chat_hash.is_not(None), Participant.erased_at.is_(None),
               Participant.unreachable_at.is_(None))
        .group_by(SafeguardingAlert.participant_id)).all()
    return sorted(rows)


def mark_help_sent(session: Session, participant_id: int, *, now: datetime) -> None:
    """One help message covers every alert this person has raised so far."""
    session.execute(sa.update(SafeguardingAlert).where(
        SafeguardingAlert.participant_id == participant_id, SafeguardingAlert.help_sent_at.is_(None),
        SafeguardingAlert.created_at <= now).values(help_sent_at=now))


def undelivered_urgent(session: Session, service_id: int) -> list[tuple[int, datetime]]:
    """Urgent alerts, not taken, that no staff member has received yet: retried on every tick, for ever."""
    return [tuple(row) for row in session.exec(select(SafeguardingAlert.id, SafeguardingAlert.created_at).where(
        SafeguardingAlert.service_id == service_id, SafeguardingAlert.tier == AlertTier.urgent,
        SafeguardingAlert.notified_at.is_(None), SafeguardingAlert.acknowledged_at.is_(None))
        .order_by(SafeguardingAlert.id)).all()]


def untaken_urgent(session: Session, service_id: int) -> list[SafeguardingAlert]:
    """Urgent alerts nobody has taken: candidates for the next escalation round."""
    return list(session.exec(select(SafeguardingAlert).where(
        SafeguardingAlert.service_id == service_id, SafeguardingAlert.tier == AlertTier.urgent,
        SafeguardingAlert.acknowledged_at.is_(None)).order_by(SafeguardingAlert.id)).all())


def waiting_reviews(session: Session, service_id: int) -> tuple[int, Counter]:
    """How many review-tier alerts nobody has taken, and how many per category (never their text)."""
    reasons = session.exec(select(SafeguardingAlert.reason).where(
        SafeguardingAlert.service_id == service_id, SafeguardingAlert.tier == AlertTier.review,
        SafeguardingAlert.acknowledged_at.is_(None))).all()
    counts: Counter = Counter()
    for reason in reasons:
        counts.update(filter(None, (_NEAREST_EXAMPLE.sub("", part).strip() for part in reason.split(";"))))
    return len(reasons), counts


# "harm at home (near: 'an example sentence')": the digest counts the category, not each nearest example.
_NEAREST_EXAMPLE = re.compile(r" \(near: '.*'\)")


def claim_digest(session: Session, service_id: int, day: date, *, now: datetime) -> bool:
    """Record today's review digest unless one is recorded already; True if this call got it.

    Check-then-insert in one statement; on PostgreSQL a transaction-scoped advisory lock makes
    two workers take turns (SQLite's BEGIN IMMEDIATE already does).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": DIGEST_LOCK + service_id})
    table = AuditEvent.__table__
    already = sa.select(table.c.id).where(table.c.service_id == service_id, table.c.action == "alert.digest",
                                          table.c.detail == day.isoformat())
    values = sa.select(sa.literal(service_id), sa.literal(now, table.c.at.type), sa.literal("system"),
                       sa.literal("alert.digest"), sa.literal(day.isoformat())).where(~sa.exists(already))
    inserted = session.execute(table.insert().from_select(
        ["service_id", "at", "actor", "action", "detail"], values).returning(table.c.id))
    return inserted.first() is not None


def release_digest(session: Session, service_id: int, day: date) -> None:
    """Today's digest reached nobody (Telegram failed, or nobody could be reached): let a later tick try again."""
    session.execute(sa.delete(AuditEvent).where(AuditEvent.service_id == service_id, AuditEvent.action == "alert.digest",
                                                AuditEvent.detail == day.isoformat()))
