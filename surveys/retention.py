"""Retention and erasure: what we forget, and when.

Retention: ``Settings.retention_months`` after a case's intervention ends, everything that could
identify or describe the person goes (free text, safeguarding alert texts, chat links, invite
links, the case's details) while what the board report already counted stays: invitation
statuses and dates, numeric and choice answers, and the sentiment and themes found in free
text. So the figures for an old quarter can be produced again after the purge (the breakdown
tables then show those people under "not recorded", and no quotes come from them).

Erasure: a person who asks (/delete in the chat, or ``heard participant erase``) loses every
answer, call-back request, alert text, invite link and their chat link; the participant row
stays, marked erased, so the report leaves them out and imports do not invite them again.

Both are audited with counts only, never content. Nothing either leaves behind can be turned back
into a chat id or a case reference: an erased case keeps only a keyed hash of its reference, and
the audit log's traces of refused invite codes (a keyed hash prefix of the chat) are cleared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.hashkey import erased_case_ref, hash_key_of
from surveys.invitations import cancel_open
from surveys.models import (Answer, AuditEvent, CallbackRequest, Case, Consent, Invitation, InviteLink, Participant,
                            ProcessedUpdate, SafeguardingAlert, UTCDateTime, WebSession)
from surveys.store import audit

# What a case keeps after retention: its id, service, a keyed hash of its case_ref (so a re-import
# of an old export is recognised rather than invited again), created_at and erased_at.
ERASED_CASE_DETAILS = dict(disposal=None, locality=None, intervention_start=None, intervention_end=None,
                           age_band=None, gender=None, ethnicity=None, send=None, looked_after=None,
                           review_dates="", restorative_closed_on=None)
# A refused invite code is recorded under the chat's hash prefix, for the wrong-code limit (15
# minutes); after a day it has no use, so the purge clears it.
REFUSED_CODE_TRACE = timedelta(days=1)
# Telegram keeps an update it could not deliver for at most 24 hours, so an update id older than
# that can never come again; a week leaves room for a bot that was down. Older ids only take space.
PROCESSED_UPDATE_KEPT = timedelta(days=7)


# --- pure selection ----------------------------------------------------------------------------

def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (clamped to the month's last day: 31 May - 3 months = 28/29 Feb)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def case_end(intervention_end: date | None, restorative_closed_on: date | None, last_imported: datetime) -> date:
    """When a case's work ended: the later of the intervention end and the restorative closure.

    A case with neither counts from the last import that listed it, so no case is kept forever
    and none is erased while the case system still exports it.
    """
    ends = [d for d in (intervention_end, restorative_closed_on) if d is not None]
    return max(ends) if ends else last_imported.date()


def past_retention(end: date, today: date, months: int) -> bool:
    return end <= months_before(today, months)


def erase_date(end: date, months: int) -> date:
    """The first day on which a case that ended on ``end`` is past retention."""
    day = months_before(end, -months)
    while past_retention(end, day - timedelta(days=1), months):
        day -= timedelta(days=1)
    while not past_retention(end, day, months):
        day += timedelta(days=1)
    return day


# --- the database --------------------------------------------------------------------------

@dataclass
class PurgeCounts:
    cases: int = 0
    chat_links: int = 0
    free_texts: int = 0
    alert_texts: int = 0
    invite_links: int = 0
    invitations_cancelled: int = 0
    contact_details: int = 0  # phone numbers and email addresses (issue 15)

    def words(self) -> str:
        return ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in asdict(self).items())

    def detail(self) -> str:
        return " ".join(f"{name}={count}" for name, count in asdict(self).items())


@dataclass(frozen=True)
class CaseRetention:
    """When one case will be erased, and what that date counts from."""

    case_id: int
    case_ref: str
    ended: date
    dated: bool  # False: no end dates, so it counts from the last import that listed the case
    erased_on: date


def retention_schedule(session: Session, service_id: int, *, months: int) -> list[CaseRetention]:
    """Every case not yet erased, soonest to go first."""
    seen = sa.func.coalesce(Case.last_imported_at, Case.updated_at, type_=UTCDateTime())
    rows = session.execute(sa.select(Case.id, Case.case_ref, Case.intervention_end, Case.restorative_closed_on, seen)
                           .where(Case.service_id == service_id, Case.erased_at.is_(None)).order_by(Case.id))
    schedule = []
    for case_id, case_ref, end, closed, last_seen in rows:
        ended = case_end(end, closed, last_seen)
        schedule.append(CaseRetention(case_id, case_ref, ended, end is not None or closed is not None,
                                      erase_date(ended, months)))
    return sorted(schedule, key=lambda row: (row.erased_on, row.case_ref))


def cases_due(session: Session, service_id: int, *, today: date, months: int) -> list[int]:
    return sorted(row.case_id for row in retention_schedule(session, service_id, months=months)
                  if row.erased_on <= today)


def purge(session: Session, service_id: int, *, today: date, months: int, now: datetime, dry_run: bool = False,
          actor: str = "system") -> PurgeCounts:
    """Erase what retention says must go, for every case past it. A dry run only counts."""
    case_ids = cases_due(session, service_id, today=today, months=months)
    if not dry_run:
        _forget_refused_code_traces(session, before=now - REFUSED_CODE_TRACE)
        forget_processed_updates(session, before=now - PROCESSED_UPDATE_KEPT)
    if not case_ids:
        return PurgeCounts()
    people = sa.select(Participant.id).where(Participant.case_id.in_(case_ids)).scalar_subquery()
    invitations = sa.select(Invitation.id).where(Invitation.participant_id.in_(people)).scalar_subquery()
    texts = sa.and_(Answer.invitation_id.in_(invitations), Answer.free_text.is_not(None))
    alerts = sa.and_(SafeguardingAlert.participant_id.in_(people), SafeguardingAlert.text.is_not(None))
    linked = sa.and_(Participant.case_id.in_(case_ids), Participant.chat_hash.is_not(None))
    links = InviteLink.participant_id.in_(people)
    contact = sa.and_(Participant.case_id.in_(case_ids),
                      sa.or_(Participant.phone.is_not(None), Participant.email.is_not(None)))

    def count(model, where) -> int:
        return session.execute(sa.select(sa.func.count()).select_from(model).where(where)).scalar_one()

    counts = PurgeCounts(cases=len(case_ids), chat_links=count(Participant, linked), free_texts=count(Answer, texts),
                         alert_texts=count(SafeguardingAlert, alerts), invite_links=count(InviteLink, links),
                         contact_details=count(Participant, contact))
    if dry_run:
        return counts
    session.execute(sa.update(Answer).where(texts).values(free_text=None))
    session.execute(sa.update(SafeguardingAlert).where(alerts).values(text=None))
    session.execute(sa.update(Participant).where(linked).values(chat_id=None, chat_hash=None))
    session.execute(sa.update(Participant).where(contact).values(phone=None, email=None))
    session.execute(sa.delete(InviteLink).where(links))
    session.execute(sa.delete(WebSession).where(WebSession.participant_id.in_(people)))  # web chats end too
    for participant_id in session.exec(select(Participant.id).where(Participant.case_id.in_(case_ids))):
        counts.invitations_cancelled += cancel_open(session, participant_id)
    session.execute(sa.update(Case).where(Case.id.in_(case_ids)).values(**ERASED_CASE_DETAILS, erased_at=now))
    key = hash_key_of(session)
    for case_id, case_ref in session.execute(sa.select(Case.id, Case.case_ref).where(Case.id.in_(case_ids))).all():
        session.execute(sa.update(Case).where(Case.id == case_id).values(case_ref=erased_case_ref(key, case_ref)))
    audit(session, actor, "retention.purge", detail=counts.detail(), service_id=service_id, at=now)
    return counts


def _forget_refused_code_traces(session: Session, *, before: datetime) -> None:
    session.execute(sa.update(AuditEvent).where(AuditEvent.action == "invite.refused", AuditEvent.subject.is_not(None),
                                                AuditEvent.at < before).values(subject=None))


def forget_processed_updates(session: Session, *, before: datetime) -> int:
    """Drop the ids of updates handled before ``before`` (they can no longer be re-delivered)."""
    return session.execute(sa.delete(ProcessedUpdate).where(ProcessedUpdate.handled_at < before)).rowcount


def erase_participant(session: Session, participant: Participant, *, now: datetime, actor: str) -> int:
    """Erase everything a person told us and the link to their chat. Returns answers erased."""
    invitation_ids = list(session.exec(select(Invitation.id).where(Invitation.participant_id == participant.id)))
    erased = 0
    if invitation_ids:
        erased = session.execute(sa.delete(Answer).where(Answer.invitation_id.in_(invitation_ids))).rowcount
    callbacks = session.execute(sa.delete(CallbackRequest).where(CallbackRequest.participant_id == participant.id)).rowcount
    # The alert itself stays (a safeguarding record that one was raised and handled), not what they wrote.
    alerts = session.execute(sa.update(SafeguardingAlert).where(SafeguardingAlert.participant_id == participant.id,
                                                                SafeguardingAlert.text.is_not(None))
                             .values(text=None)).rowcount
    session.execute(sa.delete(InviteLink).where(InviteLink.participant_id == participant.id))
    session.execute(sa.delete(WebSession).where(WebSession.participant_id == participant.id))  # the web chat ends
    cancel_open(session, participant.id)
    if participant.chat_hash is not None:  # wrong codes tried from their chat, recorded under its hash
        session.execute(sa.update(AuditEvent).where(AuditEvent.action == "invite.refused",
                                                    AuditEvent.subject == participant.chat_hash[:16])
                        .values(subject=None))
    participant.chat_id = participant.chat_hash = None
    participant.phone = participant.email = None  # issue 15: where their SMS and email invitations went
    participant.consent, participant.erased_at = Consent.pending, now
    audit(session, actor, "participant.erase", subject=f"participant:{participant.id}",
          detail=f"answers={erased} callbacks={callbacks} alert_texts={alerts}", at=now)
    return erased
