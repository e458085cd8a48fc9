"""What a member of staff can do from a chat: take an alert, read its text, close a call-back.

Use cases for any channel: each takes ids and inputs, runs in the caller's transaction, checks
the person's roles first, and returns a small record of what happened (None when the person may
not do it, or the thing is not in their service). Wording is the channel's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from surveys import alerts
from surveys.casework import audiences_seen_by, close_callback
from surveys.models import (Audience, CallbackOutcome, CallbackRequest, Case, Participant, Role, SafeguardingAlert,
                            Staff)
from surveys.store import audit

ALERT_ROLES = frozenset({Role.duty, Role.manager, Role.admin})


def roles_of(session: Session, service_id: int, telegram_user_id: int) -> set[Role]:
    rows = session.exec(select(Staff.role).where(Staff.service_id == service_id, Staff.active.is_(True),
                                                 Staff.telegram_user_id == telegram_user_id)).all()
    return {Role(role) for role in rows}


def staff_member(session: Session, service_id: int, telegram_user_id: int) -> Staff | None:
    """The person's oldest active row: one id for them in the audit log, whatever roles they hold.

    Roles are a set (one row per role); checks use :func:`roles_of`, never this row's own role.
    """
    return session.exec(select(Staff).where(Staff.service_id == service_id, Staff.active.is_(True),
                                            Staff.telegram_user_id == telegram_user_id).order_by(Staff.id)).first()


@dataclass(frozen=True)
class Me:
    """The staff member behind a command: one id, and every role they hold."""

    id: int
    name: str | None
    roles: frozenset[Role]


def who_is_asking(session: Session, *, service_id: int, user_id: int, allowed: set[Role] | frozenset[Role]) -> Me | None:
    """The member of staff, if they hold one of the ``allowed`` roles; None for anyone else."""
    mine = roles_of(session, service_id, user_id)
    row = staff_member(session, service_id, user_id) if mine & set(allowed) else None
    return Me(row.id, row.name, frozenset(mine)) if row is not None else None


# --- alerts -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AlertTaken:
    first: bool  # this press took it
    owner_name: str | None  # who has it now
    taken_at: datetime


def take_alert(session: Session, *, service_id: int, alert_id: int, user_id: int, now: datetime) -> AlertTaken | None:
    """Give an alert to the first duty worker who presses; None if they may not, or it is not ours."""
    if not roles_of(session, service_id, user_id) & ALERT_ROLES:
        return None
    me = staff_member(session, service_id, user_id)
    return record_alert_taken(session, service_id=service_id, alert_id=alert_id, staff_id=me.id,
                              actor=f"staff:{me.id}", now=now)


def record_alert_taken(session: Session, *, service_id: int, alert_id: int, staff_id: int | None, actor: str,
                       now: datetime) -> AlertTaken | None:
    """The first to take an alert owns it (audited); None if there is no such alert in this service.

    No role check: the chat checks roles first (:func:`take_alert`); the staff CLI runs on the server.
    """
    first = alerts.take(session, service_id, alert_id, staff_id=staff_id, now=now)
    alert = session.get(SafeguardingAlert, alert_id)
    if alert is None or alert.service_id != service_id:
        return None
    if first:
        audit(session, actor, "alert.acknowledge", subject=f"alert:{alert_id}", service_id=service_id, at=now)
    owner = session.get(Staff, alert.acknowledged_by) if alert.acknowledged_by else None
    return AlertTaken(first, owner.name if owner else None, alert.acknowledged_at)


@dataclass(frozen=True)
class AlertText:
    case_ref: str
    text: str | None  # None once retention or erasure has removed it


def full_text_for(session: Session, *, service_id: int, alert_id: int, user_id: int, now: datetime) -> AlertText | None:
    """What was written in an alert, for staff with an alert role in its service. Each showing is audited."""
    if not roles_of(session, service_id, user_id) & ALERT_ROLES:
        return None
    alert = session.get(SafeguardingAlert, alert_id)
    if alert is None or alert.service_id != service_id:
        return None
    me = staff_member(session, service_id, user_id)
    audit(session, f"staff:{me.id}", "alert.text_shown", subject=f"alert:{alert_id}", service_id=service_id, at=now)
    case = session.get(Case, session.get(Participant, alert.participant_id).case_id)
    return AlertText(case.case_ref, alert.text)


# --- call-backs -------------------------------------------------------------------------------

def may_close_callback(roles, audience: str) -> bool:
    """Managers (who are reminded of late ones) and whoever works with that audience: victim workers for victims."""
    return bool({Role.manager, Role.admin} & set(roles)) or Audience(audience) in audiences_seen_by(set(roles))


def _callback_audience(session: Session, service_id: int, callback_id: int) -> str | None:
    request = session.get(CallbackRequest, callback_id)
    if request is None or request.service_id != service_id:
        return None
    return session.get(Participant, request.participant_id).audience


@dataclass(frozen=True)
class CallbackState:
    allowed: bool  # this person may close it (and it is in their service)
    open: bool = False  # nobody has closed it yet


def callback_state(session: Session, *, service_id: int, callback_id: int, user_id: int) -> CallbackState:
    audience = _callback_audience(session, service_id, callback_id)
    if audience is None or not may_close_callback(roles_of(session, service_id, user_id), audience):
        return CallbackState(allowed=False)
    return CallbackState(True, session.get(CallbackRequest, callback_id).done_at is None)


@dataclass(frozen=True)
class CallbackClosed:
    allowed: bool
    closed: bool = False  # False: someone else recorded an outcome first
    by: str | None = None  # the name of whoever closed it now


def close_callback_as(session: Session, *, service_id: int, callback_id: int, outcome: CallbackOutcome,
                      user_id: int, now: datetime) -> CallbackClosed:
    """An outcome for a request: the first worker to record one closes it."""
    if not callback_state(session, service_id=service_id, callback_id=callback_id, user_id=user_id).allowed:
        return CallbackClosed(allowed=False)
    me = staff_member(session, service_id, user_id)
    closed = record_callback_outcome(session, service_id=service_id, callback_id=callback_id, outcome=outcome,
                                     staff_id=me.id, actor=f"staff:{me.id}", now=now)
    return CallbackClosed(True, closed, me.name)


def record_callback_outcome(session: Session, *, service_id: int, callback_id: int, outcome: CallbackOutcome,
                            staff_id: int | None, actor: str, now: datetime) -> bool:
    """Close a request with how it ended (audited); False if it was closed already or is not this service's."""
    closed = close_callback(session, service_id, callback_id, outcome, staff_id=staff_id, now=now)
    if closed:
        audit(session, actor, "callback.done", subject=f"callback:{callback_id}", detail=outcome.value,
              service_id=service_id, at=now)
    return closed
