"""Requests for contact (a call back, or a victim who feels less safe): who to tell, and when.

The rules and queries behind bot/callbacks.py, for any channel: which workers hear of a new
request, which requests nobody has been told about, and the once-a-working-day reminder to
managers, claimed before sending so two bot processes never both send it. Each function runs in
the caller's transaction and returns plain records; the wording is the channel's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.models import CallbackRequest, Case, Invitation, Participant, Role, Staff


@dataclass(frozen=True)
class RequestNotice:
    """What a worker is told about one request (a case reference, never a name)."""

    id: int
    who: str  # case reference, and the participant's reference when there is one
    audience: str
    reason: str
    survey_id: str | None
    created_at: datetime
    recipients: list[int]  # Telegram user ids
    reminder_number: int = 0  # for a reminder to managers: which one this is


def _staff_ids(session: Session, service_id: int, *role_sets: tuple[Role, ...]) -> list[int]:
    """The first of ``role_sets`` that anyone active holds, so a request never goes unseen."""
    for roles in role_sets:
        ids = session.exec(select(Staff.telegram_user_id).where(
            Staff.service_id == service_id, Staff.active.is_(True),
            Staff.role.in_([role.value for role in roles]))).all()
        if ids:
            return sorted(set(ids))
    return []


def workers_to_tell(session: Session, service_id: int) -> list[int]:
    """Victim workers; if the service has none, managers and admins."""
    return _staff_ids(session, service_id, (Role.victim_worker,), (Role.manager, Role.admin))


def managers_to_remind(session: Session, service_id: int) -> list[int]:
    """Managers; if the service has none, admins."""
    return _staff_ids(session, service_id, (Role.manager,), (Role.admin,))


def _notice(session: Session, request: CallbackRequest, recipients: list[int], number: int = 0) -> RequestNotice:
    participant = session.get(Participant, request.participant_id)
    case = session.get(Case, participant.case_id)
    invitation = session.get(Invitation, request.invitation_id) if request.invitation_id else None
    who = case.case_ref + (f" / {participant.participant_ref}" if participant.participant_ref else "")
    return RequestNotice(request.id, who, participant.audience, request.reason,
                         invitation.survey_id if invitation else None, request.created_at, recipients, number)


def request_to_tell(session: Session, callback_id: int) -> RequestNotice | None:
    """The notice for a request nobody has been told about yet; None once told or closed."""
    request = session.get(CallbackRequest, callback_id)
    if request is None or request.notified_at is not None or request.done_at is not None:
        return None
    return _notice(session, request, workers_to_tell(session, request.service_id))


def requests_not_told(session: Session, service_id: int) -> list[int]:
    """Requests nobody has been told about yet (a send failed, or nobody held the role)."""
    return list(session.exec(select(CallbackRequest.id).where(
        CallbackRequest.service_id == service_id, CallbackRequest.notified_at.is_(None),
        CallbackRequest.done_at.is_(None))).all())


def mark_told(session: Session, callback_id: int, *, now: datetime) -> None:
    session.get(CallbackRequest, callback_id).notified_at = now


@dataclass(frozen=True)
class ClaimedReminder:
    notice: RequestNotice
    before: tuple[datetime | None, int]  # the request's reminder state, to give back if nobody got it


def claim_reminder(session: Session, callback_id: int, *, now: datetime) -> ClaimedReminder | None:
    """Mark today's reminder as ours before sending, so two bot processes never both send it; None if taken."""
    request = session.get(CallbackRequest, callback_id)
    before = (request.escalated_at, request.escalations)
    claimed = session.execute(
        sa.update(CallbackRequest)
        .where(CallbackRequest.id == request.id, CallbackRequest.done_at.is_(None),
               CallbackRequest.escalations == request.escalations)
        .values(escalated_at=now, escalations=request.escalations + 1)).rowcount == 1
    if not claimed:
        return None
    return ClaimedReminder(_notice(session, request, managers_to_remind(session, request.service_id), before[1] + 1),
                           before)


def give_reminder_back(session: Session, callback_id: int, before: tuple[datetime | None, int]) -> None:
    """Nobody got the reminder: undo the claim so the next tick tries again."""
    request = session.get(CallbackRequest, callback_id)
    request.escalated_at, request.escalations = before
