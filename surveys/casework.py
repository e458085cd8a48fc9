"""What workers ask of the system: what goes out soon, who has not answered, who wants a call.

Shared by the `heard` command and the staff commands in Telegram. Case references only,
never names: that is all the database holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from surveys.alerts import waiting
from surveys.models import (OPEN_STATUSES, CallbackRequest, Case, Consent, Invitation, InvitationStatus, Participant,
                            SafeguardingAlert)


@dataclass(frozen=True)
class Line:
    """One row of a worker's list."""

    case_ref: str
    audience: str
    participant_ref: str
    survey_id: str
    when: datetime | None
    note: str

    def who(self) -> str:
        ref = f" {self.participant_ref}" if self.participant_ref else ""
        return f"{self.case_ref} ({self.audience.replace('_', ' ')}{ref})"


def _rows(session: Session, service_id: int, *where):
    return session.exec(
        select(Invitation, Participant, Case)
        .join(Participant, Participant.id == Invitation.participant_id)
        .join(Case, Case.id == Participant.case_id)
        .where(Case.service_id == service_id, *where)
    ).all()


def _line(invitation: Invitation, participant: Participant, case: Case, when, note: str) -> Line:
    return Line(case.case_ref, participant.audience, participant.participant_ref, invitation.survey_id, when, note)


def waiting_reason(participant: Participant) -> str:
    if participant.unreachable_at:
        return "blocked the bot: please contact them another way"
    if participant.opted_out_at:
        return "said stop"
    if participant.chat_hash is None:
        return "has not tapped their link yet"
    if participant.consent != Consent.given:
        return "has not agreed yet"
    return "will be sent"


def due_soon(session: Session, service_id: int, *, now: datetime, days: int = 7) -> list[Line]:
    """Surveys due to go out in the next ``days`` days (and any overdue), soonest first."""
    rows = _rows(session, service_id, Invitation.status == InvitationStatus.scheduled,
                 Invitation.due_at <= now + timedelta(days=days))
    lines = [_line(inv, p, c, inv.due_at, waiting_reason(p)) for inv, p, c in rows]
    return sorted(lines, key=lambda line: line.when)


def not_answered(session: Session, service_id: int) -> list[Line]:
    """Surveys sent but not finished, and people we could not reach."""
    rows = _rows(session, service_id, Invitation.status.in_(
        [InvitationStatus.sent, InvitationStatus.started, InvitationStatus.failed]))
    lines = []
    for inv, p, c in rows:
        if inv.status == InvitationStatus.failed:
            note = "could not be delivered: please contact them another way"
        else:
            note = "started, not finished" if inv.status == InvitationStatus.started else "not opened yet"
            if inv.reminders_sent:
                note += f" ({inv.reminders_sent} reminder{'s' if inv.reminders_sent > 1 else ''} sent)"
        lines.append(_line(inv, p, c, inv.sent_at, note))
    return sorted(lines, key=lambda line: (line.when is None, line.when))


def open_callbacks(session: Session, service_id: int) -> list[Line]:
    rows = session.exec(
        select(CallbackRequest, Participant, Case)
        .join(Participant, Participant.id == CallbackRequest.participant_id)
        .join(Case, Case.id == Participant.case_id)
        .where(CallbackRequest.service_id == service_id, CallbackRequest.done_at.is_(None))
        .order_by(CallbackRequest.created_at)).all()
    return [Line(c.case_ref, p.audience, p.participant_ref, "", r.created_at, r.reason) for r, p, c in rows]


def open_alerts(session: Session, service_id: int) -> list[Line]:
    return [Line(a.case_ref, a.audience, a.participant_ref, "", a.created_at, f"{a.tier}: {a.reason}")
            for a in waiting(session, service_id)]


def stats(session: Session, service_id: int) -> dict:
    """Invitation and response counts by survey and status, for `heard stats`."""
    by_survey: dict[str, Counter] = {}
    for inv, _p, _c in _rows(session, service_id):
        by_survey.setdefault(inv.survey_id, Counter())[inv.status] += 1
    surveys = {}
    for survey_id, counts in sorted(by_survey.items()):
        delivered = sum(counts[s] for s in (InvitationStatus.sent, InvitationStatus.started,
                                            InvitationStatus.completed, InvitationStatus.expired))
        responded = counts[InvitationStatus.started] + counts[InvitationStatus.completed]
        surveys[survey_id] = {
            "by_status": {status.value: counts[status] for status in InvitationStatus},
            "delivered": delivered, "responded": responded, "completed": counts[InvitationStatus.completed],
        }
    open_count = sum(c[s] for c in by_survey.values() for s in OPEN_STATUSES)
    return {"surveys": surveys, "open": open_count,
            "callbacks_open": len(open_callbacks(session, service_id)),
            "alerts_unacknowledged": len(open_alerts(session, service_id))}
