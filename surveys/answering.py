"""Taking an answer: the engine decides, this module stores what it decided.

Every answer is written the moment it arrives, with free text scored for sentiment and themes.
Safeguarding is not decided here: every message is screened before it reaches this module
(surveys/alerts.py), whether or not it turns out to be a valid answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from surveys import engine
from surveys.models import Answer, CallbackRequest, Case, Invitation, InvitationStatus, Participant


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
    rows = session.exec(select(Answer).where(Answer.invitation_id == invitation_id)).all()
    return {row.question_id: engine.Answer(value=row.free_text if row.free_text is not None else row.value,
                                           skipped=row.skipped, complete=row.complete) for row in rows}


def current_step(session: Session, invitation: Invitation, definition):
    return engine.next_step(definition, load_answers(session, invitation.id))


def respond(session: Session, invitation: Invitation, definition, given, *, now: datetime,
            analyse: Analyser) -> Response:
    """Apply one input to an invitation and store the outcome."""
    answers = load_answers(session, invitation.id)
    outcome = engine.apply(definition, answers, given)
    if outcome.problem:
        return Response(step=outcome.step, answers=outcome.answers, problem=outcome.problem)

    participant = session.get(Participant, invitation.participant_id)
    questions = {q.id: q for q in definition.questions}
    response = Response(step=outcome.step, answers=outcome.answers)
    for question_id, answer in outcome.changed.items():
        question = questions[question_id]
        row = session.exec(select(Answer).where(Answer.invitation_id == invitation.id,
                                                Answer.question_id == question_id)).first()
        if answer is None:
            if row is not None:
                session.delete(row)
            continue
        row = row or Answer(invitation_id=invitation.id, question_id=question_id)
        _fill(row, question, answer, now)
        if question.type == "text" and answer.value and not answer.skipped:
            findings = analyse(answer.value, question, participant.audience)
            row.sentiment, row.sentiment_score = findings.sentiment, findings.score
            row.themes = ";".join(findings.themes)
            row.suggestion, row.best_theme = findings.suggestion, findings.best_theme
        reason = contact_reason(question, answer)
        if reason is not None:
            callback_id = _request_callback(session, participant, invitation, reason, now)
            if callback_id is not None:
                response.callback_ids.append(callback_id)
        session.add(row)

    invitation.last_activity_at = now
    if isinstance(outcome.step, engine.Finished):
        invitation.status = InvitationStatus.completed
        invitation.completed_at = now
        invitation.next_reminder_at = None
    elif invitation.status == InvitationStatus.sent:
        invitation.status = InvitationStatus.started
        invitation.started_at = now
    session.flush()
    return response


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
