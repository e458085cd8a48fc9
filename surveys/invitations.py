"""Invitations in the database: planning them from case dates, claiming what is due, and
recording how delivery went. The database is the only state, so a restart, a crash or a second
worker loses and duplicates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.models import (OPEN_STATUSES, Case, Channel, Consent, Invitation, InvitationStatus, Participant)
from surveys.schedule import UNSENT_GRACE_DAYS, occasions_for, opening, reminder_due, retry_delay

# A claim older than this never finished (the worker died mid-send): it is handed out again.
STALE_CLAIM = timedelta(minutes=5)
_ACTIVE = (InvitationStatus.sent, InvitationStatus.started)
UNSENT_GRACE = timedelta(days=UNSENT_GRACE_DAYS)


@dataclass
class SyncResult:
    created: int = 0
    moved: int = 0
    cancelled: int = 0


def sync_participant(session: Session, participant: Participant, case: Case, definitions, *, zone, window,
                     now: datetime) -> SyncResult:
    """Make the participant's scheduled invitations match the case's dates.

    New occasions are created; pending ones whose date changed are moved; pending ones whose
    date disappeared are cancelled. Anything already sent is left alone.
    """
    result = SyncResult()
    existing = {(inv.survey_id, inv.occasion): inv for inv in session.exec(
        select(Invitation).where(Invitation.participant_id == participant.id))}
    wanted = set()
    for occasion in occasions_for(case, participant.audience, definitions):
        key = (occasion.survey_id, occasion.occasion)
        wanted.add(key)
        due_at = opening(occasion.due_day, zone, window)
        invitation = existing.get(key)
        if invitation is None:
            if due_at + UNSENT_GRACE <= now or participant.opted_out_at or participant.erased_at:
                continue  # too late to ask, or they told us to stop
            session.add(Invitation(participant_id=participant.id, survey_id=occasion.survey_id,
                                   survey_version=occasion.survey_version, occasion=occasion.occasion,
                                   due_at=due_at, created_at=now))
            result.created += 1
        elif invitation.status == InvitationStatus.scheduled and invitation.due_at != due_at:
            invitation.due_at = due_at
            result.moved += 1
    for key, invitation in existing.items():
        if key not in wanted and invitation.status == InvitationStatus.scheduled and not key[1].startswith("manual"):
            invitation.status = InvitationStatus.cancelled
            result.cancelled += 1
    session.flush()
    return result


def sync_cases(session: Session, case_ids, definitions, *, zone, window, now: datetime) -> SyncResult:
    """Plan the surveys of everyone in these cases, in one transaction (the caller's).

    Keep ``case_ids`` to a few dozen per call on a busy database (``surveys.enrol.import_in_batches``
    does): the transaction holds SQLite's write lock until it commits. People are taken in id
    order, so running it again, or in other batches, creates the same rows.
    """
    total = SyncResult()
    rows = session.exec(select(Participant, Case).join(Case).where(Case.id.in_(list(case_ids)))
                        .order_by(Participant.id)).all()
    for participant, case in rows:
        one = sync_participant(session, participant, case, definitions, zone=zone, window=window, now=now)
        total.created += one.created
        total.moved += one.moved
        total.cancelled += one.cancelled
    return total


def create_manual(session: Session, participant: Participant, definition, *, now: datetime) -> Invitation:
    """A survey a worker sends by hand: due at once (the send window still applies)."""
    count = session.exec(select(sa.func.count()).select_from(Invitation).where(
        Invitation.participant_id == participant.id, Invitation.survey_id == definition.id,
        Invitation.occasion.like("manual:%"))).one()
    invitation = Invitation(participant_id=participant.id, survey_id=definition.id,
                            survey_version=definition.version, occasion=f"manual:{count + 1}",
                            due_at=now, created_at=now)
    session.add(invitation)
    session.flush()
    return invitation


def send_victim_survey_by_hand(session: Session, participant: Participant, definition, *,
                               now: datetime) -> Invitation | None:
    """A victim survey a worker sends now (/followup). None when one they sent by hand is still waiting or
    unfinished: a second press sends nothing more. The planned one of the same survey, not gone yet, is
    cancelled, so the victim is not asked the same questions again when it falls due."""
    waiting_already = session.exec(select(Invitation.id).where(
        Invitation.participant_id == participant.id, Invitation.occasion.like("manual:%"),
        Invitation.status.in_(OPEN_STATUSES))).first()
    if waiting_already is not None:
        return None
    replace_next_planned(session, participant, definition)
    return create_manual(session, participant, definition, now=now)


def replace_next_planned(session: Session, participant: Participant, definition) -> Invitation | None:
    """Cancel the next planned (not yet sent) invitation of this survey, which one sent by hand now
    replaces, so nobody is asked the same questions twice; return it (None: there was none)."""
    planned = session.exec(select(Invitation).where(
        Invitation.participant_id == participant.id, Invitation.survey_id == definition.id,
        Invitation.status == InvitationStatus.scheduled, Invitation.occasion.not_like("manual:%"))
        .order_by(Invitation.due_at)).first()
    if planned is not None:
        planned.status = InvitationStatus.cancelled
    return planned


def _reachable():
    """Participants the dispatcher may message: not stopped, not blocked, not erased, and reachable on their
    channel: a linked, consenting Telegram chat, or a phone or email address for a link (issue 15; the web
    page asks for consent, so it may still be pending, never declined). Web people open the page themselves."""
    by_chat = sa.and_(Participant.channel == Channel.telegram, Participant.chat_hash.is_not(None),
                      Participant.consent == Consent.given)
    by_link = sa.and_(sa.or_(sa.and_(Participant.channel == Channel.sms, Participant.phone.is_not(None)),
                             sa.and_(Participant.channel == Channel.email, Participant.email.is_not(None))),
                      Participant.consent != Consent.declined)
    return sa.and_(sa.or_(by_chat, by_link), Participant.opted_out_at.is_(None), Participant.unreachable_at.is_(None),
                   Participant.erased_at.is_(None))


def claim_due(session: Session, *, now: datetime, worker: str, limit: int = 100, service_id: int | None = None,
              participant_id: int | None = None) -> list[int]:
    """Atomically take up to ``limit`` due invitations for this worker; return their ids.

    A person gets one survey at a time, so an invitation waits while another is open for them.
    On PostgreSQL rows locked by another worker are skipped; on SQLite the write lock taken at
    BEGIN IMMEDIATE serialises claimers. Either way the conditional UPDATE is the final guard.

    The work is split into single-table queries (due invitations a page at a time, in due order;
    then who of their people may be messaged; then who is busy) so that no plan depends on the
    planner's statistics: one query joining the three took 17-22 s per claim on PostgreSQL
    tables freshly bulk-loaded, before ANALYZE, and milliseconds after. Now each page costs the
    same either way.
    """
    _release_stale_claims(session, now)
    postgres = session.get_bind().dialect.name == "postgresql"
    chosen: list[int] = []  # invitation ids taken, in due order; one per person per claim
    seen: set[int] = set()  # people already decided on in this claim
    after: tuple[datetime, int] | None = None
    page = max(2 * limit, 50)
    while len(chosen) < limit:
        rows = session.execute(_due_page(now, after, page, participant_id)).all()
        if not rows:
            break
        after = (rows[-1].due_at, rows[-1].id)
        earliest = {}
        for row in rows:  # in due order, so the first row seen for a person is their earliest
            if row.participant_id not in seen:
                earliest.setdefault(row.participant_id, row.id)
        seen.update(earliest)
        may_send = _free_to_message(session, set(earliest), service_id)
        candidates = [inv_id for person, inv_id in earliest.items() if person in may_send]
        while candidates and len(chosen) < limit:  # lock only as many as needed: the rest stay free for others
            wanted, candidates = candidates[:limit - len(chosen)], candidates[limit - len(chosen):]
            chosen += _lock_unless_taken(session, wanted, postgres)
        if len(rows) < page:
            break
    if not chosen:
        return []
    claimed = session.execute(
        sa.update(Invitation).where(Invitation.id.in_(chosen),
                                    Invitation.status == InvitationStatus.scheduled)
        .values(status=InvitationStatus.claimed, claimed_at=now, claimed_by=worker)
        .returning(Invitation.id)
    ).scalars().all()
    return sorted(claimed)


def _due_page(now: datetime, after: tuple[datetime, int] | None, page: int, participant_id: int | None):
    """The next ``page`` due invitations in (due_at, id) order, from the invitation table alone."""
    query = (select(Invitation.id, Invitation.participant_id, Invitation.due_at)
             .where(Invitation.status == InvitationStatus.scheduled, Invitation.due_at <= now,
                    sa.or_(Invitation.next_attempt_at.is_(None), Invitation.next_attempt_at <= now))
             .order_by(Invitation.due_at, Invitation.id).limit(page))
    if participant_id is not None:
        query = query.where(Invitation.participant_id == participant_id)
    if after is not None:
        due_at, last_id = after
        query = query.where(sa.or_(Invitation.due_at > due_at,
                                   sa.and_(Invitation.due_at == due_at, Invitation.id > last_id)))
    return query


def _lock_unless_taken(session: Session, ids: list[int], postgres: bool) -> list[int]:
    """On PostgreSQL, lock these rows, skipping any another worker holds (it is claiming them)."""
    if not postgres or not ids:
        return ids
    return list(session.exec(select(Invitation.id).where(Invitation.id.in_(ids),
                                                         Invitation.status == InvitationStatus.scheduled)
                             .with_for_update(skip_locked=True)).all())


def _free_to_message(session: Session, people: set[int], service_id: int | None) -> set[int]:
    """Of these people, those we may message now (reachable, in this YOT) with no survey open or
    being sent (claimed) by another worker."""
    if not people:
        return set()
    query = select(Participant.id).where(Participant.id.in_(sorted(people)), _reachable())
    if service_id is not None:
        query = query.join(Case, Case.id == Participant.case_id).where(Case.service_id == service_id)
    reachable = set(session.exec(query).all())
    if not reachable:
        return set()
    busy = set(session.exec(select(Invitation.participant_id).where(
        Invitation.participant_id.in_(sorted(reachable)),
        Invitation.status.in_([s.value for s in (*_ACTIVE, InvitationStatus.claimed)]))).all())
    return reachable - busy


def _narrow(query, service_id: int | None, participant_id: int | None):
    """Limit a query over invitations to one YOT, or one person."""
    if service_id is not None:
        query = query.where(Participant.case_id.in_(select(Case.id).where(Case.service_id == service_id)))
    if participant_id is not None:
        query = query.where(Invitation.participant_id == participant_id)
    return query


def _release_stale_claims(session: Session, now: datetime) -> None:
    session.execute(
        sa.update(Invitation).where(Invitation.status == InvitationStatus.claimed,
                                    Invitation.claimed_at < now - STALE_CLAIM)
        .values(status=InvitationStatus.scheduled, claimed_by=None)
    )


def mark_sent(invitation: Invitation, survey_schedule, *, now: datetime, message_id: int | None) -> None:
    invitation.status = InvitationStatus.sent
    invitation.sent_at = invitation.last_activity_at = now
    invitation.expires_at = now + timedelta(days=survey_schedule.expires_days)
    invitation.next_reminder_at = reminder_due(now, survey_schedule.reminders_days, 0)
    invitation.message_id = message_id
    invitation.attempts += 1
    invitation.last_error = None


def mark_retry(invitation: Invitation, *, now: datetime, error: str, retry_after: float | None = None) -> None:
    """A send failed for a reason that may pass (flood limit, network): try again later."""
    invitation.attempts += 1
    invitation.status = InvitationStatus.scheduled
    invitation.claimed_by = None
    invitation.next_attempt_at = now + retry_delay(invitation.attempts, retry_after)
    invitation.last_error = error[:200]


def mark_unreachable(session: Session, invitation: Invitation, *, now: datetime, error: str) -> None:
    """They blocked the bot (or the chat is gone): stop trying and let their worker know."""
    invitation.status = InvitationStatus.failed
    invitation.last_error = error[:200]
    participant = session.get(Participant, invitation.participant_id)
    participant.unreachable_at = now


def cancel_open(session: Session, participant_id: int) -> int:
    """Cancel everything pending for a person (they said stop, or asked for deletion)."""
    return session.execute(
        sa.update(Invitation).where(Invitation.participant_id == participant_id,
                                    Invitation.status.in_([s.value for s in OPEN_STATUSES]))
        .values(status=InvitationStatus.cancelled)
    ).rowcount


def resume_after_stop(session: Session, participant_id: int, *, now: datetime) -> int:
    """They said /start again: surveys cancelled by /stop that never went out are planned again, and
    one they were part-way through (still inside its time) opens again where they left it.

    Only :func:`cancel_open` cancels a survey that went out, so a sent one found cancelled here was
    stopped by the person; its answers were kept.
    """
    planned = session.execute(
        sa.update(Invitation).where(Invitation.participant_id == participant_id,
                                    Invitation.status == InvitationStatus.cancelled,
                                    Invitation.sent_at.is_(None), Invitation.due_at > now - UNSENT_GRACE)
        .values(status=InvitationStatus.scheduled)
    ).rowcount
    reopened = session.execute(
        sa.update(Invitation).where(Invitation.participant_id == participant_id,
                                    Invitation.status == InvitationStatus.cancelled,
                                    Invitation.sent_at.is_not(None), Invitation.completed_at.is_(None),
                                    sa.or_(Invitation.expires_at.is_(None), Invitation.expires_at > now))
        .values(status=sa.case((Invitation.started_at.is_not(None), InvitationStatus.started.value),
                               else_=InvitationStatus.sent.value),
                # A reminder that fell due while they were stopped would only repeat the question just shown.
                next_reminder_at=sa.case((Invitation.next_reminder_at <= now, sa.literal(
                    now + timedelta(days=1), Invitation.__table__.c.next_reminder_at.type)),
                                         else_=Invitation.next_reminder_at))
    ).rowcount
    return planned + reopened


def active_invitation(session: Session, participant_id: int) -> Invitation | None:
    """The survey this person is answering now, if any."""
    return session.exec(select(Invitation).where(
        Invitation.participant_id == participant_id, Invitation.status.in_([s.value for s in _ACTIVE]))
        .order_by(Invitation.sent_at.desc())).first()


def reminders_due(session: Session, *, now: datetime, limit: int = 100,
                  service_id: int | None = None) -> list[Invitation]:
    """Open surveys whose next gentle reminder is due."""
    query = (
        select(Invitation).join(Participant, Participant.id == Invitation.participant_id)
        .where(Invitation.status.in_([s.value for s in _ACTIVE]), Invitation.next_reminder_at <= now,
               sa.or_(Invitation.expires_at.is_(None), Invitation.expires_at > now), _reachable())
        .order_by(Invitation.next_reminder_at).limit(limit)
    )
    query = _narrow(query, service_id, None)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Invitation, skip_locked=True)
    return list(session.exec(query).all())


def expire_overdue(session: Session, *, now: datetime) -> int:
    """Close surveys nobody finished in time, and give up on ones we could never send."""
    answered_late = session.execute(
        sa.update(Invitation).where(Invitation.status.in_([s.value for s in _ACTIVE]), Invitation.expires_at <= now)
        .values(status=InvitationStatus.expired)).rowcount
    never_sent = session.execute(
        sa.update(Invitation).where(Invitation.status == InvitationStatus.scheduled,
                                    Invitation.due_at <= now - UNSENT_GRACE)
        .values(status=InvitationStatus.expired)).rowcount
    return answered_late + never_sent
