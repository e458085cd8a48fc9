"""Taking an answer: the engine decides, this module stores what it decided.

Every answer is written the moment it arrives, with free text scored for sentiment and themes.
Safeguarding is not decided here: every message is screened before it reaches this module
(surveys/alerts.py), whether or not it turns out to be a valid answer.

The two use cases a chat channel calls are :func:`take_press` (a survey button) and
:func:`take_typed` (typed text). Each is one transaction: the person, their open survey and its
answers are read in one statement, the input is applied by the engine, and the answer, the
update's id (so a re-delivered update changes nothing) and the survey's progress are written
together. They take ids and inputs and return a :class:`Turn` saying what to show; they know
nothing of Telegram, so a web chat calls them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, select

from surveys import engine
from surveys.hashkey import chat_hash, hash_key_of
from surveys.models import (Answer, Audience, CallbackRequest, Case, Consent, Invitation, InvitationStatus,
                            Participant, ProcessedUpdate)


@dataclass(frozen=True)
class TextFindings:
    """What the analysis found in one free-text answer."""

    sentiment: str | None = None
    score: float | None = None
    themes: tuple[str, ...] = ()
    safeguarding_tier: str | None = None  # "urgent", "review" or None
    safeguarding_reason: str | None = None
    suggestion: bool = False  # asks for something in answer to "what could we do better?": not negative
    best_theme: str | None = None  # the one theme it may be quoted under


Analyser = Callable[[str, object, str], TextFindings]  # (text, question, audience) -> findings


@dataclass
class Response:
    step: object
    answers: dict = field(default_factory=dict)  # every answer after this input
    problem: str | None = None
    callback_ids: list[int] = field(default_factory=list)  # requests for contact this answer made


def load_answers(session: Session, invitation_id: int) -> dict[str, engine.Answer]:
    return _as_answers(load_answer_rows(session, invitation_id))


def load_answer_rows(session: Session, invitation_id: int) -> dict[str, Answer]:
    """The stored answers of one survey, by question id (what :func:`respond` takes as ``rows``)."""
    return {row.question_id: row for row in session.exec(select(Answer).where(Answer.invitation_id == invitation_id))}


def current_step(session: Session, invitation: Invitation, definition):
    return engine.next_step(definition, load_answers(session, invitation.id))


def respond(session: Session, invitation: Invitation, definition, given, *, now: datetime,
            analyse: Analyser, rows: dict[str, Answer] | None = None, participant: Participant | None = None) -> Response:
    """Apply one input to an invitation and store the outcome.

    ``rows`` (from :func:`load_answer_rows`, in this session) saves reading the answers again when the
    caller has them; it is kept up to date, so several inputs in a row can share it.
    """
    if rows is None:
        rows = load_answer_rows(session, invitation.id)
    if participant is None or participant.id != invitation.participant_id:
        participant = session.get(Participant, invitation.participant_id)
    return _apply(session, participant, invitation, definition, rows, _as_answers(rows), given, now=now,
                  analyse=analyse)


def _apply(session: Session, participant: Participant, invitation: Invitation, definition, rows: dict[str, Answer],
           answers: dict, given, *, now: datetime, analyse: Analyser, asked_id: str | None = None) -> Response:
    outcome = engine.apply(definition, answers, given)
    if outcome.problem:
        return Response(step=outcome.step, answers=outcome.answers, problem=outcome.problem)

    questions = {q.id: q for q in definition.questions}
    response = Response(step=outcome.step, answers=outcome.answers)
    for question_id, answer in outcome.changed.items():
        question = questions[question_id]
        row = rows.get(question_id)
        if answer is None:
            if row is not None:
                session.delete(row)
                del rows[question_id]  # the caller's rows stay what a fresh read would give
            continue
        new = row is None
        row = rows[question_id] = row or Answer(invitation_id=invitation.id, question_id=question_id)
        _fill(row, question, answer, now)
        if question.type == "text" and answer.value and not answer.skipped:
            _score(row, question, answer.value, participant.audience, analyse)
        if new:
            _insert(session, row)
        reason = contact_reason(question, answer)
        if reason is not None:
            callback_id = _request_callback(session, participant, invitation, reason, now)
            if callback_id is not None:
                response.callback_ids.append(callback_id)

    invitation.last_activity_at = now
    if asked_id is not None and not (isinstance(outcome.step, engine.Ask) and outcome.step.question.id == asked_id):
        invitation.message_id = None  # that question is closed; the next one's message is not sent yet
    if isinstance(outcome.step, engine.Finished):
        invitation.status = InvitationStatus.completed
        invitation.completed_at = now
        invitation.next_reminder_at = None
    elif invitation.status == InvitationStatus.sent:
        invitation.status = InvitationStatus.started
        invitation.started_at = now
    session.flush()
    return response


def _score(row: Answer, question, text: str, audience, analyse: Analyser) -> None:
    findings = analyse(text, question, audience)
    row.sentiment, row.sentiment_score = findings.sentiment, findings.score
    row.themes = ";".join(findings.themes)
    row.suggestion, row.best_theme = findings.suggestion, findings.best_theme


_ANSWER_COLUMNS = ("invitation_id", "question_id", "value", "free_text", "skipped", "complete", "sentiment",
                   "sentiment_score", "themes", "answered_at", "suggestion", "best_theme")
# Built once: a new answer is one INSERT ... RETURNING id, not a trip through the ORM's unit of work
# (building and flushing it cost more than the database did).
_INSERT_ANSWER = sa.insert(Answer.__table__).returning(Answer.__table__.c.id)


def _insert(session: Session, row: Answer) -> None:
    """Write a new answer row at once and keep it in the session as the stored row, so a later input
    in the same transaction (a multi-select's next tick) updates it as usual."""
    if session.deleted:  # an answer taken back earlier in this transaction goes first (one row per question)
        session.flush()
    # On the session's connection: no early flush of the survey's progress, which goes in one UPDATE at the end.
    values = {name: getattr(row, name) for name in _ANSWER_COLUMNS}
    row.id = session.connection().execute(_INSERT_ANSWER, values).scalar_one()
    make_transient_to_detached(row)  # what was just written counts as loaded, not as a change to write
    session.add(row)


def _fill(row: Answer, question, answer: engine.Answer, now: datetime) -> None:
    is_text = question.type == "text"
    row.value = None if is_text or answer.skipped else answer.value
    row.free_text = answer.value if is_text and not answer.skipped else None
    row.skipped, row.complete, row.answered_at = answer.skipped, answer.complete, now
    if not is_text or answer.skipped:
        row.sentiment = row.sentiment_score = None
        row.themes = ""
        row.suggestion = row.best_theme = None


def _service_id(session: Session, participant: Participant) -> int:
    return session.get(Case, participant.case_id).service_id


def contact_reason(question, answer: engine.Answer) -> str | None:
    """Does this answer ask the team to get in touch? ("yes" to a call-back question, "less safe"...)"""
    if answer.skipped or answer.value is None:
        return None
    if getattr(question, "callback", False) and answer.value == "yes":
        return CALLBACK_ASKED
    if answer.value in getattr(question, "contact_on", ()):
        return f"answered '{answer.value.replace('_', ' ')}' to {question.id.replace('_', ' ')}"
    return None


CALLBACK_ASKED = "asked for a call"


def _request_callback(session: Session, participant: Participant, invitation: Invitation, reason: str,
                      now: datetime) -> int | None:
    """One request per reason per survey: going back and answering again does not ask twice."""
    already = session.exec(select(CallbackRequest).where(CallbackRequest.invitation_id == invitation.id,
                                                         CallbackRequest.reason == reason)).first()
    if already is not None:
        return None
    request = CallbackRequest(service_id=_service_id(session, participant), participant_id=participant.id,
                              invitation_id=invitation.id, reason=reason, created_at=now)
    session.add(request)
    session.flush()
    return request.id


# --- the use cases a chat channel calls ------------------------------------------------------

OPEN = (InvitationStatus.sent, InvitationStatus.started)


@dataclass(frozen=True)
class Press:
    """A survey button press: which survey, which question (by position), and what it carries."""

    verb: str  # "choose", "toggle", "done", "skip" or "back"
    invitation_id: int
    question_index: int
    option_index: int | None = None


@dataclass(frozen=True)
class Delivery:
    """Names one incoming update, so the same update delivered twice is taken once."""

    source: int  # the bot (or channel) that received it
    update_id: int


@dataclass(frozen=True)
class ShownQuestion:
    """The message a channel showed a question in, not yet written down (see :func:`take_press`)."""

    invitation_id: int
    message_id: int


class TurnKind(StrEnum):
    answered = "answered"  # the input was applied (or refused with a ``problem``)
    repeat = "repeat"  # this update was taken before, or the button is for a question already past
    closed = "closed"  # the survey is over (finished, expired, stopped)
    forged = "forged"  # a button that is not this person's, or not a real option
    not_linked = "not_linked"  # nobody is linked to this chat
    language_first = "language_first"  # linked, but has not chosen English or Cymraeg yet
    consent_first = "consent_first"  # linked, but has not said yes to taking part
    no_survey = "no_survey"  # nothing open to answer
    continued = "continued"  # the next piece of a long message, added to the answer it continues


@dataclass(frozen=True)
class Turn:
    """What one input did, and what the channel should show for it."""

    kind: TurnKind
    lang: str = "en"
    audience: Audience | None = None
    invitation_id: int | None = None
    survey_id: str | None = None
    question_index: int | None = None  # of the question the input answered (or the one open now)
    asked: engine.Step | None = None  # the step the input was applied to
    step: engine.Step | None = None  # what to show now
    answer: engine.Answer | None = None  # the answer now stored for the asked question
    problem: str | None = None  # a key for the channel to word kindly; nothing was stored
    callback_ids: tuple[int, ...] = ()  # requests for contact this answer made
    question_message_id: int | None = None  # the message that showed the asked question, if known

    @property
    def same_question(self) -> bool:
        """Still on the asked question (a multi-select tick): refresh it in place."""
        return (isinstance(self.step, engine.Ask) and isinstance(self.asked, engine.Ask)
                and self.step.question.id == self.asked.question.id)


def question_index(definition, question) -> int:
    return next(i for i, q in enumerate(definition.questions) if q.id == question.id)


def input_for(press: Press, question) -> engine.Input | None:
    """The engine input a button carries; None for an option the question does not have."""
    if press.verb in ("choose", "toggle"):
        values = engine.button_values(question)
        if press.option_index is None or press.option_index >= len(values):
            return None
        value = values[press.option_index]
        return engine.Choose(value) if press.verb == "choose" else engine.Toggle(value)
    return {"done": engine.Done(), "skip": engine.Skip(), "back": engine.Back()}.get(press.verb)


def take_press(session: Session, *, service_id: int, chat_id: int, press: Press, delivery: Delivery,
               definitions: dict, now: datetime, analyse: Analyser, shown: ShownQuestion | None = None) -> Turn:
    """A survey button was pressed in ``chat_id``: answer the question it names, once.

    ``shown`` is the message the last question went out in, which the channel learns only after
    sending; it is written here, with the next input, instead of in a transaction of its own.
    """
    found = _load(session, service_id, chat_id, invitation_id=press.invitation_id)
    if found is None or found.invitation is None:
        return Turn(TurnKind.forged)
    participant, invitation, rows = found.participant, found.invitation, found.rows
    lang, audience = participant.language, participant.audience
    _remember_shown(invitation, shown)
    if invitation.status not in OPEN:  # finished, or closed before it was: said differently
        return Turn(TurnKind.closed, lang, audience, invitation.id, invitation.survey_id,
                    problem="finished" if invitation.status == InvitationStatus.completed else None)
    definition = definitions[invitation.survey_id]
    answers = _as_answers(rows)
    step = engine.next_step(definition, answers)
    current = question_index(definition, step.question) if isinstance(step, engine.Ask) else None
    seen = Turn(TurnKind.repeat, lang, audience, invitation.id, invitation.survey_id, current, step, step,
                question_message_id=invitation.message_id)
    if current != press.question_index or not first_time(session, delivery, now=now):
        return seen
    given = input_for(press, step.question)
    if given is None:
        return Turn(TurnKind.forged, lang, audience)
    return _answer(session, participant, invitation, definition, rows, answers, step, given, now=now,
                   analyse=analyse)


def take_typed(session: Session, *, service_id: int, chat_id: int, text: str, delivery: Delivery,
               definitions: dict, now: datetime, analyse: Analyser, shown: ShownQuestion | None = None) -> Turn:
    """Typed text in ``chat_id``: the answer to the open question, or said outside a survey."""
    found = _load(session, service_id, chat_id)
    if found is None:
        return Turn(TurnKind.not_linked)
    participant, invitation, rows = found.participant, found.invitation, found.rows
    lang, audience = participant.language, participant.audience
    if participant.consent == Consent.pending:
        first = TurnKind.language_first if participant.language_chosen_at is None else TurnKind.consent_first
        return Turn(first, lang, audience)
    if participant.consent != Consent.given:
        return Turn(TurnKind.no_survey, lang, audience)
    if invitation is None:  # the long answer may have been the survey's last
        long_answer = _long_answer_just_given(session, participant, None, now)
        if long_answer is None or not first_time(session, delivery, now=now):
            return Turn(TurnKind.no_survey, lang, audience)
        _carry_on(session, long_answer, participant, definitions, text, now=now, analyse=analyse)
        return Turn(TurnKind.continued, lang, audience)
    _remember_shown(invitation, shown)
    definition = definitions[invitation.survey_id]
    answers = _as_answers(rows)
    step = engine.next_step(definition, answers)
    if not first_time(session, delivery, now=now):
        current = question_index(definition, step.question) if isinstance(step, engine.Ask) else None
        return Turn(TurnKind.repeat, lang, audience, invitation.id, invitation.survey_id, current, step, step,
                    question_message_id=invitation.message_id)
    long_answer = _long_answer_just_given(session, participant, rows.values(), now)
    if long_answer is not None:
        _carry_on(session, long_answer, participant, definitions, text, now=now, analyse=analyse)
        invitation.last_activity_at = now
        return Turn(TurnKind.continued, lang, audience, invitation.id, invitation.survey_id)
    return _answer(session, participant, invitation, definition, rows, answers, step, engine.Reply(text),
                   now=now, analyse=analyse)


# Telegram's apps send anything longer than 4,096 characters as several messages, a moment apart. A piece
# that follows a typed answer this long, this soon, is the rest of that answer, not an answer to the
# question shown since (nor a message "nobody will read" once the survey is over).
LONG_PIECE = 3800  # UTF-16 units: the apps cut near 4,096 of them, at a space, so a piece may be shorter
PIECE_WITHIN = timedelta(seconds=15)  # the pieces come together; a person reading the next question takes longer
MAX_PIECES_TEXT = 4 * engine.TEXT_LIMIT  # one long message, not a stream of them


def _long_answer_just_given(session: Session, participant: Participant, rows, now: datetime) -> Answer | None:
    """The typed answer this message is the next piece of, if any: from the open survey's ``rows``, or
    (``rows`` None: the survey just ended) the person's latest typed answer."""
    if rows is not None:
        recent = [row for row in rows if row.free_text is not None and row.answered_at >= now - PIECE_WITHIN]
    else:
        recent = session.exec(select(Answer).join(Invitation, Invitation.id == Answer.invitation_id).where(
            Invitation.participant_id == participant.id, Answer.free_text.is_not(None),
            Answer.answered_at >= now - PIECE_WITHIN).order_by(Answer.answered_at.desc()).limit(1)).all()
    latest = max(recent, key=lambda row: row.answered_at, default=None)
    # Counted as Telegram counts (UTF-16 units: an emoji is two), so a long message full of emoji still counts.
    if latest is None or not LONG_PIECE <= len(latest.free_text.encode("utf-16-le")) // 2 < MAX_PIECES_TEXT:
        return None
    return latest


def _carry_on(session: Session, row: Answer, participant: Participant, definitions: dict, text: str, *,
              now: datetime, analyse: Analyser) -> None:
    """Add the next piece to a long typed answer, and score the whole of it again."""
    invitation = session.get(Invitation, row.invitation_id)
    question = next(q for q in definitions[invitation.survey_id].questions if q.id == row.question_id)
    row.free_text = f"{row.free_text} {text.strip()}"[:MAX_PIECES_TEXT]
    row.answered_at = now
    _score(row, question, row.free_text, participant.audience, analyse)
    session.add(row)


@dataclass
class _Found:
    participant: Participant
    invitation: Invitation | None
    rows: dict[str, Answer]


def _load_statement(named: bool):
    survey = (Invitation.participant_id == Participant.id)
    survey = survey & (Invitation.id == sa.bindparam("invitation_id") if named
                       else Invitation.status.in_([status.value for status in OPEN]))
    return (select(Participant, Invitation, Answer)
            .join(Case, Case.id == Participant.case_id)
            .outerjoin(Invitation, survey)
            .outerjoin(Answer, Answer.invitation_id == Invitation.id)
            .where(Participant.chat_hash == sa.bindparam("chat_hash"), Case.service_id == sa.bindparam("service_id"))
            .order_by(Participant.id, Invitation.sent_at.desc()))


# Built once, not on every answer: building the statement cost more than running it.
_LOAD_NAMED, _LOAD_OPEN = _load_statement(named=True), _load_statement(named=False)


def _load(session: Session, service_id: int, chat_id: int, *, invitation_id: int | None = None) -> _Found | None:
    """The person in this chat, their survey (the one named, or the open one) and its answers: one statement."""
    values = {"chat_hash": chat_hash(hash_key_of(session), chat_id), "service_id": service_id}
    if invitation_id is not None:
        values["invitation_id"] = invitation_id
    found = None
    for participant, invitation, answer in session.exec(_LOAD_NAMED if invitation_id is not None else _LOAD_OPEN,
                                                        params=values):
        if found is None:
            found = _Found(participant, invitation, {})
        if participant is not found.participant or invitation is not found.invitation:
            continue  # a second open survey (never expected) or another row for the same chat: the newest wins
        if answer is not None:
            found.rows[answer.question_id] = answer
    return found


def as_answers(rows: dict[str, Answer]) -> dict[str, engine.Answer]:
    """Stored answer rows (by question id) as the engine's answers."""
    return _as_answers(rows)


def _as_answers(rows: dict[str, Answer]) -> dict[str, engine.Answer]:
    return {question_id: engine.Answer(value=row.free_text if row.free_text is not None else row.value,
                                       skipped=row.skipped, complete=row.complete)
            for question_id, row in rows.items()}


def _remember_shown(invitation: Invitation, shown: ShownQuestion | None) -> None:
    # Message ids only grow within a chat, so an older id never replaces a newer one written elsewhere.
    if shown is not None and shown.invitation_id == invitation.id and (
            invitation.message_id is None or shown.message_id > invitation.message_id):
        invitation.message_id = shown.message_id


def first_time(session: Session, delivery: Delivery, *, now: datetime) -> bool:
    """Write the update's id; False if it was there already (the update was delivered again).

    One statement (INSERT ... ON CONFLICT DO NOTHING), in the caller's transaction, so the update
    counts as taken exactly when what it did is stored.
    """
    statement = _FIRST_TIME.get(session.get_bind().dialect.name)
    if statement is None:  # another database: look, then write
        if session.get(ProcessedUpdate, (delivery.source, delivery.update_id)) is not None:
            return False
        session.add(ProcessedUpdate(bot_id=delivery.source, update_id=delivery.update_id, handled_at=now))
        return True
    # On the session's connection, not through the ORM: no early flush of what this update changes.
    # A row comes back only when this insert wrote it (psycopg reports no rowcount here).
    values = {"bot_id": delivery.source, "update_id": delivery.update_id, "handled_at": now}
    return session.connection().execute(statement, values).first() is not None


# Built once per dialect: INSERT ... ON CONFLICT DO NOTHING RETURNING update_id.
_FIRST_TIME = {name: insert(ProcessedUpdate.__table__).on_conflict_do_nothing()
               .returning(ProcessedUpdate.__table__.c.update_id)
               for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))}


def _answer(session: Session, participant: Participant, invitation: Invitation, definition,
            rows: dict[str, Answer], answers: dict, step, given, *, now: datetime, analyse: Analyser) -> Turn:
    asked_index = question_index(definition, step.question) if isinstance(step, engine.Ask) else None
    shown_in = invitation.message_id
    asked_id = step.question.id if isinstance(step, engine.Ask) else None
    response = _apply(session, participant, invitation, definition, rows, answers, given, now=now, analyse=analyse,
                      asked_id=asked_id)
    turn = Turn(TurnKind.answered, participant.language, participant.audience, invitation.id, invitation.survey_id,
                asked_index, step, response.step, response.answers.get(asked_id) if asked_id else None,
                response.problem, tuple(response.callback_ids), shown_in)
    return turn
