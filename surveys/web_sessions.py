"""The web chat's side of storage: sessions on one device, and opening a due survey there.

A person answers by Telegram or on the web page, never both at once. Opening a web link moves
them to the web (their Telegram chat is unlinked, and told); tapping a Telegram link ends their
web sessions. Each device gets a random token in a cookie; only its keyed hash is stored. A
reissued link opened on another device ends the session on the first one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.answering import SURVEY_COLUMNS, AnswerRow, SurveyRow, read_survey
from surveys.invitations import active_invitation, mark_sent
from surveys.models import (LINK_CHANNELS, Answer, Case, Channel, Consent, Invitation, InvitationStatus, InviteLink,
                            Participant, WebSession)
from surveys.schema import Schedule, Trigger

# A session nobody has used for this long ends: a shared or lost phone does not stay signed in for ever.
IDLE_LIMIT = timedelta(days=60)
_DEFAULT_SCHEDULE = Schedule(trigger=Trigger.manual)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(token: str) -> str:
    """The form token that goes with a session: derived from the secret cookie, so nothing to store,
    and another site (which cannot read the cookie) cannot forge it."""
    return hmac.new(token.encode(), b"heard web form", hashlib.sha256).hexdigest()[:32]


def csrf_ok(token: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_token(token), given)


@dataclass(frozen=True)
class Moved:
    """What starting a web session changed: the Telegram chat that must be told it was unlinked."""

    token: str
    old_chat_id: int | None


def start_web_session(session: Session, participant: Participant, *, now: datetime) -> Moved:
    """A person opened their link in a browser: this device is theirs now, and only this one."""
    end_web_sessions(session, participant.id, now=now)
    old_chat = int(participant.chat_id) if participant.chat_id else None
    participant.chat_id = participant.chat_hash = None  # never both channels at once
    if participant.channel not in LINK_CHANNELS:  # SMS and email people keep getting their links that way
        participant.channel = Channel.web
    participant.opted_out_at = participant.unreachable_at = participant.erased_at = None
    token = secrets.token_urlsafe(32)
    session.add(WebSession(participant_id=participant.id, token_hash=token_hash(token), created_at=now,
                           last_seen_at=now))
    session.flush()
    return Moved(token, old_chat)


def end_web_sessions(session: Session, participant_id: int, *, now: datetime) -> int:
    """End every web session of one person (they moved to Telegram, or a new device took over)."""
    return session.execute(sa.update(WebSession).where(WebSession.participant_id == participant_id,
                                                       WebSession.ended_at.is_(None))
                           .values(ended_at=now)).rowcount


@dataclass(frozen=True)
class Visitor:
    """Who a web session belongs to, as answering needs them: read without the ORM, since it runs on
    every answer. Has what :func:`surveys.hearing_back.reach` reads."""

    id: int
    audience: str
    language: str
    channel: str
    chat_id: str | None
    phone: str | None
    email: str | None
    # The survey a form names, with its answers, when it is theirs: read in the same statement.
    survey: tuple[SurveyRow, dict[str, AnswerRow]] | None = None


_W, _P, _I, _A = WebSession.__table__, Participant.__table__, Invitation.__table__, Answer.__table__
_VISITOR = [_P.c.id, _P.c.audience, _P.c.language, _P.c.channel, _P.c.chat_id, _P.c.phone, _P.c.email]
_SESSION = 4  # the web session's id, when it ended, when it was last used, and whether the person was erased


def _by_token(*person):
    # Built once each, not on every page and every answer: building a statement costs about as much as running it.
    return (sa.select(_W.c.id, _W.c.ended_at, _W.c.last_seen_at, _P.c.erased_at, *person)
            .join(_P, _P.c.id == _W.c.participant_id)
            .join(Case.__table__, Case.__table__.c.id == _P.c.case_id)
            .where(_W.c.token_hash == sa.bindparam("token_hash"), Case.__table__.c.service_id == sa.bindparam("service_id")))


_PARTICIPANT_BY_TOKEN, _VISITOR_BY_TOKEN = _by_token(Participant), _by_token(*_VISITOR)
_VISITOR_AND_SURVEY = (_by_token(*_VISITOR, *SURVEY_COLUMNS)
                       .outerjoin(_I, (_I.c.id == sa.bindparam("invitation_id")) & (_I.c.participant_id == _P.c.id))
                       .outerjoin(_A, _A.c.invitation_id == _I.c.id))
_TOUCH = sa.update(_W).where(_W.c.id == sa.bindparam("web_session_id")).values(last_seen_at=sa.bindparam("last_seen_at"))


def participant_for_token(session: Session, service_id: int, token: str | None, *, now: datetime) -> Participant | None:
    """The person whose browser holds this cookie, if the session is still live and theirs in this YOT."""
    found = _live_session(session.execute, _PARTICIPANT_BY_TOKEN, {}, service_id, token, now)
    return None if found is None else found[0][_SESSION]


def visitor_for_token(session: Session, service_id: int, token: str | None, *, now: datetime,
                      survey_id: int | None = None, touch: bool = True) -> Visitor | None:
    """:func:`participant_for_token`, as a :class:`Visitor`; with ``survey_id``, that survey and its
    answers too, if it is theirs. ``touch`` False: only reads (the session's last use is not written)."""
    execute = session.connection().execute
    if survey_id is None:
        found = _live_session(execute, _VISITOR_BY_TOKEN, {}, service_id, token, now, touch)
        return None if found is None else Visitor(*found[0][_SESSION:])
    found = _live_session(execute, _VISITOR_AND_SURVEY, {"invitation_id": survey_id}, service_id, token, now, touch)
    if found is None:
        return None
    person = _SESSION + len(_VISITOR)
    return Visitor(*found[0][_SESSION:person], survey=read_survey(found, start=person))


def _live_session(execute, statement, values: dict, service_id: int, token: str | None, now: datetime,
                  touch: bool = True):
    """The rows ``statement`` reads for this cookie's session, if it is live (one query: this runs on
    every page and every answer). ``execute`` is the ORM session's, or (reading no ORM object) its connection's."""
    if not token or len(token) > 100:
        return None
    found = execute(statement, {**values, "token_hash": token_hash(token), "service_id": service_id}).all()
    if not found:
        return None
    session_id, ended_at, last_seen_at, erased_at = found[0][:_SESSION]
    if ended_at is not None or last_seen_at < now - IDLE_LIMIT or erased_at is not None:
        return None
    if touch and now - last_seen_at > timedelta(minutes=5):  # not a write on every page
        execute(_TOUCH, {"web_session_id": session_id, "last_seen_at": now})
    return found


def link_state(session: Session, code: str, *, now: datetime) -> tuple[int | None, str]:
    """Whose link this is and whether it still works ("live", "used", "expired" or "unknown"), using nothing up.

    The owner tells "the same device opening its link again" from a second device.
    """
    from surveys.enrol import hash_code

    if len(code) > 64:
        return None, "unknown"
    link = session.exec(select(InviteLink).where(InviteLink.code_hash == hash_code(code.strip()))).first()
    if link is None:
        return None, "unknown"
    if link.used_at is not None:
        return link.participant_id, "used"
    return link.participant_id, "expired" if link.expires_at <= now else "live"


def open_survey(session: Session, participant: Participant, definitions: dict, *, now: datetime) -> Invitation | None:
    """The survey to show on the page: the one they are answering, or the oldest one now due.

    The Telegram dispatcher never sends to a web person (they have no chat), so a due survey is
    opened here, when they look: that is when it is "sent". No send window applies, since they chose
    to open the page.
    """
    if participant.consent != Consent.given or participant.opted_out_at is not None:
        return None
    current = active_invitation(session, participant.id)
    if current is not None:
        return current
    due = session.exec(select(Invitation).where(
        Invitation.participant_id == participant.id, Invitation.status == InvitationStatus.scheduled,
        Invitation.due_at <= now).order_by(Invitation.due_at, Invitation.id)).first()
    if due is None or due.survey_id not in definitions:
        return None
    # Conditional, like the dispatcher's claim: two tabs opening it at once open it once.
    opened = session.execute(sa.update(Invitation).where(Invitation.id == due.id,
                                                         Invitation.status == InvitationStatus.scheduled)
                             .values(status=InvitationStatus.claimed, claimed_at=now, claimed_by="web")).rowcount
    session.refresh(due)
    if opened == 1:
        mark_sent(due, definitions[due.survey_id].schedule or _DEFAULT_SCHEDULE, now=now, message_id=None)
        due.channel = Channel.web
        due.next_reminder_at = None  # reminders to web people go by SMS or email, not by this bot
        session.flush()
    return due if due.status in (InvitationStatus.sent, InvitationStatus.started) else None


def on_web(session: Session, participant_ids) -> set[int]:
    """Which of these people answer on the web page now (a live web session, no Telegram chat)."""
    ids = list(participant_ids)
    if not ids:
        return set()
    return set(session.exec(select(WebSession.participant_id).where(
        WebSession.participant_id.in_(ids), WebSession.ended_at.is_(None))).all())
