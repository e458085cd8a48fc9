"""What a person can do in the chat outside answering: link their code, choose a language, say
yes or no to taking part, stop, or have their answers deleted; and where they are now.

Use cases for any chat channel (Telegram today, a web chat next): each takes ids and inputs, runs
in the caller's transaction, and returns a small record of what to show. Wording is the channel's:
these return keys of bot/texts.py, never sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys import engine
from surveys.answering import load_answers, question_index
from surveys.enrol import InviteProblem, participant_for_chat, redeem_invite
from surveys.hashkey import chat_hash, hash_key_of
from surveys.invitations import active_invitation, cancel_open, resume_after_stop
from surveys.models import Audience, AuditEvent, Channel, Consent, Invitation, Participant
from surveys.retention import erase_participant
from surveys.store import audit
from surveys.web_sessions import end_web_sessions

WRONG_CODE_LIMIT = 5
WRONG_CODE_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class OpenSurvey:
    """The survey a person is answering, and the step to show them."""

    id: int  # the invitation
    survey_id: str
    step: engine.Step
    message_id: int | None = None  # the message that shows the step, if known
    question_index: int | None = None  # of the question the step asks (None when finished)


@dataclass(frozen=True)
class Whereabouts:
    """Who is in a chat and where they are: enough to answer them and show their question again."""

    linked: bool
    participant_id: int | None = None
    lang: str = "en"
    audience: Audience | None = None
    consent: Consent | None = None
    language_chosen: bool = False
    survey: OpenSurvey | None = None  # the survey open now (only ever sent once they have said yes)


def open_survey(session: Session, invitation: Invitation | None, definitions: dict) -> OpenSurvey | None:
    if invitation is None:
        return None
    definition = definitions[invitation.survey_id]
    step = engine.next_step(definition, load_answers(session, invitation.id))
    index = question_index(definition, step.question) if isinstance(step, engine.Ask) else None
    return OpenSurvey(invitation.id, invitation.survey_id, step, invitation.message_id, index)


def _whereabouts(session: Session, participant: Participant | None, definitions: dict) -> Whereabouts:
    if participant is None:
        return Whereabouts(linked=False)
    survey = open_survey(session, active_invitation(session, participant.id), definitions)
    return Whereabouts(True, participant.id, participant.language, participant.audience, participant.consent,
                       participant.language_chosen_at is not None, survey)


def whereabouts(session: Session, *, service_id: int, chat_id: int, definitions: dict) -> Whereabouts:
    """Who is in this chat and the question they are on (for /help, /privacy, stickers...)."""
    return _whereabouts(session, participant_for_chat(session, service_id, chat_id), definitions)


# --- linking a code ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Started:
    """What /start did."""

    reply: str | None  # a texts key (for the person's audience where one is written), or None to say nothing yet
    person: Whereabouts
    ask_language: bool = False  # first contact: English or Cymraeg comes before anything else
    moved_from: int | None = None  # the chat this person used before (a worker moved them to a new account)


def start(session: Session, *, service_id: int, chat_id: int, code: str | None, now: datetime,
          definitions: dict) -> Started:
    """/start, with or without the code from a person's link."""
    participant = participant_for_chat(session, service_id, chat_id)
    if participant is not None:
        reply = _welcome_back(session, participant, code is not None, now)
        return Started(reply, _whereabouts(session, participant, definitions),
                       ask_language=participant.language_chosen_at is None)
    if code is None:
        return Started("start.no_link", Whereabouts(linked=False))
    if _too_many_wrong_codes(session, chat_id, now):
        return Started("code.too_many_tries", Whereabouts(linked=False))
    try:
        participant = redeem_invite(session, code, now=now, service_id=service_id)
    except InviteProblem as problem:
        audit(session, "chat", "invite.refused", subject=_chat_key(session, chat_id)[:16], detail=problem.reason, at=now)
        return Started(f"code.{problem.reason}", Whereabouts(linked=False))
    moved_from = int(participant.chat_id) if participant.chat_id and participant.chat_id != str(chat_id) else None
    participant.chat_id, participant.chat_hash = str(chat_id), _chat_key(session, chat_id)
    participant.opted_out_at = participant.unreachable_at = participant.erased_at = None
    # One channel at a time: the web page stops working, and SMS and email links stop coming.
    end_web_sessions(session, participant.id, now=now)
    participant.channel = Channel.telegram
    audit(session, f"participant:{participant.id}", "participant.moved" if moved_from else "participant.linked", at=now)
    ask_language = participant.language_chosen_at is None
    # The welcome waits until they have chosen a language.
    return Started(None if ask_language else "start.welcome", _whereabouts(session, participant, definitions),
                   ask_language=ask_language, moved_from=moved_from)


def _welcome_back(session: Session, participant: Participant, came_with_code: bool, now) -> str:
    if participant.opted_out_at is not None:
        participant.opted_out_at = None
        resume_after_stop(session, participant.id, now=now)
        audit(session, f"participant:{participant.id}", "participant.restart", at=now)
        return "start.restarted"
    # A second link or /start never re-links or tells them anything new.
    return "start.already_linked" if came_with_code else "start.hello_again"


def _chat_key(session: Session, chat_id: int) -> str:
    return chat_hash(hash_key_of(session), chat_id)


def _too_many_wrong_codes(session: Session, chat_id: int, now) -> bool:
    tries = session.exec(select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "invite.refused", AuditEvent.subject == _chat_key(session, chat_id)[:16],
        AuditEvent.at > now - WRONG_CODE_WINDOW)).one()
    return tries >= WRONG_CODE_LIMIT


# --- language and consent ----------------------------------------------------------------------

def choose_language(session: Session, *, service_id: int, chat_id: int, lang: str, now: datetime,
                    definitions: dict) -> Whereabouts:
    """They chose English or Cymraeg: keep it. (Not linked: nothing changes.)"""
    participant = participant_for_chat(session, service_id, chat_id)
    if participant is not None:
        participant.language, participant.language_chosen_at = lang, now
        audit(session, f"participant:{participant.id}", "participant.language", detail=lang, at=now)
    return _whereabouts(session, participant, definitions)


@dataclass(frozen=True)
class ConsentChosen:
    recorded: bool  # False: nobody linked here, or they had already answered (an old button)
    agreed: bool = False
    person: Whereabouts = Whereabouts(linked=False)


def choose_consent(session: Session, *, service_id: int, chat_id: int, agreed: bool, now: datetime,
                   definitions: dict) -> ConsentChosen:
    participant = participant_for_chat(session, service_id, chat_id)
    # Someone who said "No thanks" may change their mind (they were told to send /start, which asks again).
    if participant is None or participant.consent not in (Consent.pending, Consent.declined):
        return ConsentChosen(recorded=False, person=_whereabouts(session, participant, definitions))
    record_consent(session, participant, agreed, now)
    return ConsentChosen(True, agreed, _whereabouts(session, participant, definitions))


def record_consent(session: Session, participant: Participant, agreed: bool, now) -> None:
    declined_before = participant.consent == Consent.declined
    participant.consent = Consent.given if agreed else Consent.declined
    participant.consent_at = now
    if not agreed:
        cancel_open(session, participant.id)
    elif declined_before:  # "No thanks" cancelled their surveys: plan them again
        resume_after_stop(session, participant.id, now=now)
    audit(session, f"participant:{participant.id}", "participant.consent", detail=participant.consent.value, at=now)


# --- stop and delete ---------------------------------------------------------------------------

def confirm(session: Session, *, service_id: int, chat_id: int, action: str, yes: bool, now: datetime,
            definitions: dict) -> Whereabouts:
    """They answered "stop?" or "delete my answers?". Kept going: where they were."""
    participant = participant_for_chat(session, service_id, chat_id)
    if participant is None:
        return Whereabouts(linked=False)
    lang = participant.language
    if yes and action == "stop":
        stop_participant(session, participant, now=now)
    elif yes:
        erase_participant(session, participant, now=now, actor=f"participant:{participant.id}")
    else:
        return _whereabouts(session, participant, definitions)
    return Whereabouts(True, participant.id, lang)


def stop_participant(session: Session, participant: Participant, *, now) -> None:
    participant.opted_out_at = now
    cancelled = cancel_open(session, participant.id)
    audit(session, f"participant:{participant.id}", "participant.stop", detail=f"cancelled={cancelled}", at=now)
