"""Possible disclosures: every message a person sends is screened, and a hit is stored as an alert.

The screen itself is analysis (pure and CPU-bound); this module only decides what a hit means for
one person and writes it down. It is called once per message, before the answer is looked at, so a
disclosure typed at a button question, in a caption or in an edited message is never lost to a
validation reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys import engine
from surveys.answering import load_answers
from surveys.invitations import active_invitation
from surveys.models import AlertTier, Audience, Case, Consent, Participant, SafeguardingAlert, person_label

# The same words from the same person within this time are one disclosure (Telegram re-delivering an
# update after a crash, or a worried person sending it twice): the duty worker is told once.
SAME_DISCLOSURE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Flag:
    """What the screen said about one message."""

    tier: AlertTier
    reason: str


def help_text_key(audience: str | None, tier: str | None) -> str:
    """The help a person is shown (same on every channel): children are pointed to Childline; parents, carers and victims to adult services."""
    if audience is None:
        return "safeguarding.help_anyone"
    who = "child" if audience == Audience.young_person else "adult"
    return f"safeguarding.{'review' if tier == AlertTier.review else 'help'}_{who}"


@dataclass(frozen=True)
class StoredAlert:
    alert_id: int
    tier: AlertTier
    new: bool  # False when this repeats a disclosure already stored


def record_alert(session: Session, participant: Participant, text: str, flag: Flag, *, definitions: dict,
                 now: datetime) -> StoredAlert:
    """Store the alert, noting the survey question the person was on (if any) so workers have context."""
    repeat = _same_disclosure(session, participant.id, text, now)
    if repeat is not None:
        return StoredAlert(repeat.id, AlertTier(repeat.tier), new=False)
    invitation_id, question_id = _where_they_are(session, participant, definitions)
    alert = SafeguardingAlert(service_id=session.get(Case, participant.case_id).service_id,
                              participant_id=participant.id, invitation_id=invitation_id, question_id=question_id,
                              tier=flag.tier, reason=flag.reason[:200], text=text, created_at=now)
    session.add(alert)
    session.flush()
    return StoredAlert(alert.id, flag.tier, new=True)


def _same_disclosure(session: Session, participant_id: int, text: str, now: datetime) -> SafeguardingAlert | None:
    recent = session.exec(select(SafeguardingAlert).where(
        SafeguardingAlert.participant_id == participant_id,
        SafeguardingAlert.created_at > now - SAME_DISCLOSURE_WINDOW)).all()
    # Texts are encrypted with a fresh nonce each time, so they are compared here, not in SQL.
    return next((alert for alert in recent if alert.text == text), None)


def _where_they_are(session: Session, participant: Participant, definitions: dict) -> tuple[int | None, str | None]:
    if participant.consent != Consent.given:
        return None, None
    invitation = active_invitation(session, participant.id)
    if invitation is None:
        return None, None
    definition = definitions.get(invitation.survey_id)
    step = engine.next_step(definition, load_answers(session, invitation.id)) if definition else None
    return invitation.id, step.question.id if isinstance(step, engine.Ask) else None


@dataclass(frozen=True)
class WaitingAlert:
    """One alert nobody has taken yet, as a worker's list shows it: never the words themselves."""

    alert_id: int
    tier: AlertTier
    case_ref: str
    audience: str
    participant_ref: str
    reason: str
    created_at: datetime

    def who(self) -> str:
        return person_label(self.case_ref, self.audience, self.participant_ref)


def waiting(session: Session, service_id: int, tier: AlertTier | None = None) -> list[WaitingAlert]:
    """Alerts nobody has taken, oldest first (the review queue when ``tier`` is review)."""
    query = (select(SafeguardingAlert, Participant, Case)
             .join(Participant, Participant.id == SafeguardingAlert.participant_id)
             .join(Case, Case.id == Participant.case_id)
             .where(SafeguardingAlert.service_id == service_id, SafeguardingAlert.acknowledged_at.is_(None))
             .order_by(SafeguardingAlert.created_at, SafeguardingAlert.id))
    if tier is not None:
        query = query.where(SafeguardingAlert.tier == tier)
    return [WaitingAlert(alert.id, AlertTier(alert.tier), case.case_ref, participant.audience,
                         participant.participant_ref, alert.reason, alert.created_at)
            for alert, participant, case in session.exec(query).all()]


def waited(since: datetime, now: datetime) -> str:
    """'40 min', '5 h', '3 days': how long something has been waiting, for a worker's list."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def take(session: Session, service_id: int, alert_id: int, *, staff_id: int | None, now: datetime) -> bool:
    """Give an untaken alert of this service to one worker; False if it was taken already or is not ours.

    One conditional UPDATE, so two workers pressing at once cannot both take it.
    """
    return session.execute(
        sa.update(SafeguardingAlert)
        .where(SafeguardingAlert.id == alert_id, SafeguardingAlert.service_id == service_id,
               SafeguardingAlert.acknowledged_at.is_(None))
        .values(acknowledged_by=staff_id, acknowledged_at=now)).rowcount == 1
