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
from sqlmodel import Session

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


# The answer path reads and writes plain rows through SQLAlchemy Core, not ORM objects: it runs for
# every button press and typed answer on both channels, and the ORM's bookkeeping (building objects,
# tracking changes, flushing) cost more CPU than the database did.

_A, _I = Answer.__table__, Invitation.__table__


@dataclass(slots=True)
class AnswerRow:
    """One stored answer, as this module reads and writes it."""

    question_id: str
    invitation_id: int
    id: int | None = None  # None until it is written
    value: str | None = None
    free_text: str | None = None
    skipped: bool = False
    complete: bool = True
    sentiment: str | None = None
    sentiment_score: float | None = None
    themes: str = ""
    answered_at: datetime | None = None
    suggestion: bool | None = None
    best_theme: str | None = None


_ANSWER_READ = [_A.c[name] for name in AnswerRow.__slots__]  # in the order AnswerRow takes them
_ANSWER_FIELDS = tuple(name for name in AnswerRow.__slots__ if name != "id")  # what is written


@dataclass(slots=True)
class SurveyRow:
    """One person's survey, as the answer path needs it; ``changes`` are written in one UPDATE."""

    id: int
    participant_id: int
    survey_id: str
    status: str
    message_id: int | None
    changes: dict = field(default_factory=dict)

    def change(self, **values) -> None:
        for name, value in values.items():
            if hasattr(self, name):  # a column this row carries stays what a fresh read would give
                setattr(self, name, value)
            self.changes[name] = value


_SURVEY_READ = [_I.c.id, _I.c.participant_id, _I.c.survey_id, _I.c.status, _I.c.message_id]
# A survey and its answers, one result row per answer: :func:`read_survey` takes them back apart.
SURVEY_COLUMNS = (*_SURVEY_READ, *_ANSWER_READ)
_LOAD_SURVEY = (sa.select(*SURVEY_COLUMNS).outerjoin(_A, _A.c.invitation_id == _I.c.id)
                .where(_I.c.id == sa.bindparam("invitation_id")))
_LOAD_ANSWERS = sa.select(*_ANSWER_READ).where(_A.c.invitation_id == sa.bindparam("invitation_id"))


def load_survey(session: Session, invitation_id: int) -> tuple[SurveyRow, dict[str, AnswerRow]] | None:
    """One survey and its answers, by question id: one statement."""
    return read_survey(session.connection().execute(_LOAD_SURVEY, {"invitation_id": invitation_id}))


def read_survey(results, start: int = 0) -> tuple[SurveyRow, dict[str, AnswerRow]] | None:
    """A survey and its answers from result rows holding :data:`SURVEY_COLUMNS` from position ``start``
    (a statement may read something else beside them); None when the survey was not found."""
    survey, rows = None, {}
    split = start + len(_SURVEY_READ)
    for found in results:
        if found[start] is None:  # an outer join that found no such survey
            continue
        survey = survey or SurveyRow(*found[start:split])
        if found[split] is not None:
            row = AnswerRow(*found[split:])
            rows[row.question_id] = row
    return None if survey is None else (survey, rows)


def load_answers(session: Session, invitation_id: int) -> dict[str, engine.Answer]:
    """The stored answers of one survey, by question id, as the engine takes them."""
    found = session.connection().execute(_LOAD_ANSWERS, {"invitation_id": invitation_id})
    return _as_answers({row.question_id: row for row in (AnswerRow(*values) for values in found)})


def current_step(session: Session, invitation: Invitation, definition):
    return engine.next_step(definition, load_answers(session, invitation.id))


def respond(session: Session, survey: SurveyRow, definition, given, *, now: datetime, analyse: Analyser,
            rows: dict[str, AnswerRow], audience: Audience, service_id: int) -> Response:
    """Apply one input to a survey (from :func:`load_survey`) and store the outcome.

    ``rows`` is kept up to date, so several inputs in a row (a multi-select's ticks) can share it.
    """
    return _apply(session, survey, definition, rows, _as_answers(rows), given, now=now, analyse=analyse,
                  audience=audience, service_id=service_id)


def _apply(session: Session, survey: SurveyRow, definition, rows: dict[str, AnswerRow], answers: dict, given, *,
           now: datetime, analyse: Analyser, audience: Audience, service_id: int,
           asked_id: str | None = None) -> Response:
    outcome = engine.apply(definition, answers, given)
    if outcome.problem:
        return Response(step=outcome.step, answers=outcome.answers, problem=outcome.problem)

    questions = {q.id: q for q in definition.questions}
    response = Response(step=outcome.step, answers=outcome.answers)
    connection = session.connection()
    for question_id, answer in outcome.changed.items():
        question = questions[question_id]
        row = rows.get(question_id)
        if answer is None:
            if row is not None:
                connection.execute(_DELETE_ANSWER, {"answer_id": row.id})
                del rows[question_id]  # the caller's rows stay what a fresh read would give
            continue
        row = rows[question_id] = row or AnswerRow(question_id, survey.id)
        _fill(row, question, answer, now)
        if question.type == "text" and answer.value and not answer.skipped:
            _score(row, question, answer.value, audience, analyse)
        _write(connection, row)
        reason = contact_reason(question, answer)
        if reason is not None:
            callback_id = _request_callback(connection, service_id, survey, reason, now)
            if callback_id is not None:
                response.callback_ids.append(callback_id)

    survey.change(last_activity_at=now)
    if asked_id is not None and not (isinstance(outcome.step, engine.Ask) and outcome.step.question.id == asked_id):
        survey.change(message_id=None)  # that question is closed; the next one's message is not sent yet
    if isinstance(outcome.step, engine.Finished):
        survey.change(status=InvitationStatus.completed.value, completed_at=now, next_reminder_at=None)
    elif survey.status == InvitationStatus.sent:
        survey.change(status=InvitationStatus.started.value, started_at=now)
    _save(connection, survey)
    return response


def _score(row: AnswerRow, question, text: str, audience, analyse: Analyser) -> None:
    findings = analyse(text, question, audience)
    row.sentiment, row.sentiment_score = findings.sentiment, findings.score
    row.themes = ";".join(findings.themes)
    row.suggestion, row.best_theme = findings.suggestion, findings.best_theme


# Built once: building a statement costs about as much as running it.
_INSERT_ANSWER = sa.insert(_A).returning(_A.c.id)
_UPDATE_ANSWER = sa.update(_A).where(_A.c.id == sa.bindparam("answer_id"))
_DELETE_ANSWER = sa.delete(_A).where(_A.c.id == sa.bindparam("answer_id"))
_UPDATE_SURVEY: dict[tuple[str, ...], sa.Update] = {}  # by the columns it writes


def _write(connection, row: AnswerRow) -> None:
    """Insert a new answer (and learn its id), or update a stored one."""
    values = {name: getattr(row, name) for name in _ANSWER_FIELDS}
    if row.id is None:
        row.id = connection.execute(_INSERT_ANSWER, values).scalar_one()
    else:
        connection.execute(_UPDATE_ANSWER, {**values, "answer_id": row.id})


def _save(connection, survey: SurveyRow) -> None:
    """Write the survey's changed columns, if any, in one UPDATE (only those: a reminder being sent
    at the same moment keeps what it wrote)."""
    if not survey.changes:
        return
    names = tuple(sorted(survey.changes))
    statement = _UPDATE_SURVEY.get(names)
    if statement is None:
        statement = _UPDATE_SURVEY[names] = sa.update(_I).where(_I.c.id == sa.bindparam("survey_row_id")).values(
            {name: sa.bindparam(name) for name in names})
    connection.execute(statement, {**survey.changes, "survey_row_id": survey.id})
    survey.changes.clear()


def _fill(row: AnswerRow, question, answer: engine.Answer, now: datetime) -> None:
    is_text = question.type == "text"
    row.value = None if is_text or answer.skipped else answer.value
    row.free_text = answer.value if is_text and not answer.skipped else None
    row.skipped, row.complete, row.answered_at = answer.skipped, answer.complete, now
    if not is_text or answer.skipped:
        row.sentiment = row.sentiment_score = None
        row.themes = ""
        row.suggestion = row.best_theme = None


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
_C = CallbackRequest.__table__
_CALLBACK_ASKED_BEFORE = sa.select(_C.c.id).where(_C.c.invitation_id == sa.bindparam("invitation_id"),
                                                  _C.c.reason == sa.bindparam("reason")).limit(1)
_INSERT_CALLBACK = sa.insert(_C).returning(_C.c.id)


def _request_callback(connection, service_id: int, survey: SurveyRow, reason: str, now: datetime) -> int | None:
    """One request per reason per survey: going back and answering again does not ask twice."""
    if connection.execute(_CALLBACK_ASKED_BEFORE, {"invitation_id": survey.id, "reason": reason}).first():
        return None
    return connection.execute(_INSERT_CALLBACK, {
        "service_id": service_id, "participant_id": survey.participant_id, "invitation_id": survey.id,
        "reason": reason, "created_at": now}).scalar_one()


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
    if found is None or found.survey is None:
        return Turn(TurnKind.forged)
    turn = _press(session, found, press, delivery, service_id, definitions, now, analyse, shown)
    _save(session.connection(), found.survey)
    return turn


def _press(session: Session, found: _Found, press: Press, delivery: Delivery, service_id: int, definitions: dict,
           now: datetime, analyse: Analyser, shown: ShownQuestion | None) -> Turn:
    person, survey, rows = found.person, found.survey, found.rows
    lang, audience = person.language, person.audience
    _remember_shown(survey, shown)
    if survey.status not in OPEN:  # finished, or closed before it was: said differently
        return Turn(TurnKind.closed, lang, audience, survey.id, survey.survey_id,
                    problem="finished" if survey.status == InvitationStatus.completed else None)
    definition = definitions[survey.survey_id]
    answers = _as_answers(rows)
    step = engine.next_step(definition, answers)
    current = question_index(definition, step.question) if isinstance(step, engine.Ask) else None
    seen = Turn(TurnKind.repeat, lang, audience, survey.id, survey.survey_id, current, step, step,
                question_message_id=survey.message_id)
    if current != press.question_index or not first_time(session, delivery, now=now):
        return seen
    given = input_for(press, step.question)
    if given is None:
        return Turn(TurnKind.forged, lang, audience)
    return _answer(session, found, definition, answers, step, given, service_id=service_id, now=now, analyse=analyse)


def take_typed(session: Session, *, service_id: int, chat_id: int, text: str, delivery: Delivery,
               definitions: dict, now: datetime, analyse: Analyser, shown: ShownQuestion | None = None) -> Turn:
    """Typed text in ``chat_id``: the answer to the open question, or said outside a survey."""
    found = _load(session, service_id, chat_id)
    if found is None:
        return Turn(TurnKind.not_linked)
    turn = _typed(session, found, text, delivery, service_id, definitions, now, analyse, shown)
    if found.survey is not None:
        _save(session.connection(), found.survey)
    return turn


def _typed(session: Session, found: _Found, text: str, delivery: Delivery, service_id: int, definitions: dict,
           now: datetime, analyse: Analyser, shown: ShownQuestion | None) -> Turn:
    person, survey, rows = found.person, found.survey, found.rows
    lang, audience = person.language, person.audience
    if person.consent == Consent.pending:
        first = TurnKind.language_first if person.language_chosen_at is None else TurnKind.consent_first
        return Turn(first, lang, audience)
    if person.consent != Consent.given:
        return Turn(TurnKind.no_survey, lang, audience)
    if survey is None:  # the long answer may have been the survey's last
        long_answer = _long_answer_just_given(session, person.id, None, now)
        if long_answer is None or not first_time(session, delivery, now=now):
            return Turn(TurnKind.no_survey, lang, audience)
        _carry_on(session, long_answer, audience, definitions, text, now=now, analyse=analyse)
        return Turn(TurnKind.continued, lang, audience)
    _remember_shown(survey, shown)
    definition = definitions[survey.survey_id]
    answers = _as_answers(rows)
    step = engine.next_step(definition, answers)
    if not first_time(session, delivery, now=now):
        current = question_index(definition, step.question) if isinstance(step, engine.Ask) else None
        return Turn(TurnKind.repeat, lang, audience, survey.id, survey.survey_id, current, step, step,
                    question_message_id=survey.message_id)
    long_answer = _long_answer_just_given(session, person.id, rows.values(), now)
    if long_answer is not None:
        _carry_on(session, long_answer, audience, definitions, text, now=now, analyse=analyse,
                  survey_id=survey.survey_id)
        survey.change(last_activity_at=now)
        return Turn(TurnKind.continued, lang, audience, survey.id, survey.survey_id)
    return _answer(session, found, definition, answers, step, engine.Reply(text), service_id=service_id, now=now,
                   analyse=analyse)


# Telegram's apps send anything longer than 4,096 characters as several messages, a moment apart. A piece
# that follows a typed answer this long, this soon, is the rest of that answer, not an answer to the
# question shown since (nor a message "nobody will read" once the survey is over).
LONG_PIECE = 3800  # UTF-16 units: the apps cut near 4,096 of them, at a space, so a piece may be shorter
PIECE_WITHIN = timedelta(seconds=15)  # the pieces come together; a person reading the next question takes longer
MAX_PIECES_TEXT = 4 * engine.TEXT_LIMIT  # one long message, not a stream of them

_LATEST_TYPED = (sa.select(*_ANSWER_READ, _I.c.survey_id).join(_I, _I.c.id == _A.c.invitation_id)
                 .where(_I.c.participant_id == sa.bindparam("participant_id"), _A.c.free_text.is_not(None),
                        _A.c.answered_at >= sa.bindparam("since"))
                 .order_by(_A.c.answered_at.desc()).limit(1))


def _long_answer_just_given(session: Session, participant_id: int, rows, now: datetime) -> AnswerRow | None:
    """The typed answer this message is the next piece of, if any: from the open survey's ``rows``, or
    (``rows`` None: the survey just ended) the person's latest typed answer."""
    if rows is not None:
        recent = [row for row in rows if row.free_text is not None and row.answered_at >= now - PIECE_WITHIN]
    else:
        found = session.connection().execute(_LATEST_TYPED, {"participant_id": participant_id,
                                                             "since": now - PIECE_WITHIN}).first()
        recent = [] if found is None else [AnswerRow(*found[:-1])]
    latest = max(recent, key=lambda row: row.answered_at, default=None)
    # Counted as Telegram counts (UTF-16 units: an emoji is two), so a long message full of emoji still counts.
    if latest is None or not LONG_PIECE <= len(latest.free_text.encode("utf-16-le")) // 2 < MAX_PIECES_TEXT:
        return None
    return latest


def _carry_on(session: Session, row: AnswerRow, audience, definitions: dict, text: str, *, now: datetime,
              analyse: Analyser, survey_id: str | None = None) -> None:
    """Add the next piece to a long typed answer, and score the whole of it again."""
    connection = session.connection()
    if survey_id is None:
        survey_id = connection.execute(sa.select(_I.c.survey_id).where(_I.c.id == row.invitation_id)).scalar_one()
    question = next(q for q in definitions[survey_id].questions if q.id == row.question_id)
    row.free_text = f"{row.free_text} {text.strip()}"[:MAX_PIECES_TEXT]
    row.answered_at = now
    _score(row, question, row.free_text, audience, analyse)
    _write(connection, row)


@dataclass(frozen=True)
class _Person:
    """What the answer path needs to know of the person in a chat."""

    id: int
    language: str
    audience: str
    consent: str
    language_chosen_at: datetime | None


@dataclass
class _Found:
    person: _Person
    survey: SurveyRow | None
    rows: dict[str, AnswerRow]


_P = Participant.__table__
_PERSON_READ = [_P.c.id, _P.c.language, _P.c.audience, _P.c.consent, _P.c.language_chosen_at]


def _load_statement(named: bool):
    survey = (_I.c.participant_id == _P.c.id)
    survey = survey & (_I.c.id == sa.bindparam("invitation_id") if named
                       else _I.c.status.in_([status.value for status in OPEN]))
    return (sa.select(*_PERSON_READ, *_SURVEY_READ, *_ANSWER_READ)
            .join(Case.__table__, Case.__table__.c.id == _P.c.case_id)
            .outerjoin(_I, survey)
            .outerjoin(_A, _A.c.invitation_id == _I.c.id)
            .where(_P.c.chat_hash == sa.bindparam("chat_hash"), Case.__table__.c.service_id == sa.bindparam("service_id"))
            .order_by(_P.c.id, _I.c.sent_at.desc()))


# Built once, not on every answer: building the statement cost more than running it.
_LOAD_NAMED, _LOAD_OPEN = _load_statement(named=True), _load_statement(named=False)


def _load(session: Session, service_id: int, chat_id: int, *, invitation_id: int | None = None) -> _Found | None:
    """The person in this chat, their survey (the one named, or the open one) and its answers: one statement."""
    values = {"chat_hash": chat_hash(hash_key_of(session), chat_id), "service_id": service_id}
    if invitation_id is not None:
        values["invitation_id"] = invitation_id
    person_end, survey_end = len(_PERSON_READ), len(_PERSON_READ) + len(_SURVEY_READ)
    found = None
    for row in session.connection().execute(_LOAD_NAMED if invitation_id is not None else _LOAD_OPEN, values):
        person_id, survey_id, answer_id = row[0], row[person_end], row[survey_end]
        if found is None:
            survey = SurveyRow(*row[person_end:survey_end]) if survey_id is not None else None
            found = _Found(_Person(*row[:person_end]), survey, {})
        if person_id != found.person.id or (found.survey is not None and survey_id != found.survey.id):
            continue  # a second open survey (never expected) or another row for the same chat: the newest wins
        if answer_id is not None:
            answer = AnswerRow(*row[survey_end:])
            found.rows[answer.question_id] = answer
    return found


def as_answers(rows: dict[str, AnswerRow]) -> dict[str, engine.Answer]:
    """Stored answer rows (by question id) as the engine's answers."""
    return _as_answers(rows)


def _as_answers(rows: dict[str, AnswerRow]) -> dict[str, engine.Answer]:
    return {question_id: engine.Answer(value=row.free_text if row.free_text is not None else row.value,
                                       skipped=row.skipped, complete=row.complete)
            for question_id, row in rows.items()}


def _remember_shown(survey: SurveyRow, shown: ShownQuestion | None) -> None:
    # Message ids only grow within a chat, so an older id never replaces a newer one written elsewhere.
    if shown is not None and shown.invitation_id == survey.id and (
            survey.message_id is None or shown.message_id > survey.message_id):
        survey.change(message_id=shown.message_id)


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


def _answer(session: Session, found: _Found, definition, answers: dict, step, given, *, service_id: int,
            now: datetime, analyse: Analyser) -> Turn:
    person, survey = found.person, found.survey
    asked_index = question_index(definition, step.question) if isinstance(step, engine.Ask) else None
    shown_in = survey.message_id
    asked_id = step.question.id if isinstance(step, engine.Ask) else None
    response = _apply(session, survey, definition, found.rows, answers, given, now=now, analyse=analyse,
                      audience=person.audience, service_id=service_id, asked_id=asked_id)
    return Turn(TurnKind.answered, person.language, person.audience, survey.id, survey.survey_id,
                asked_index, step, response.step, response.answers.get(asked_id) if asked_id else None,
                response.problem, tuple(response.callback_ids), shown_in)
