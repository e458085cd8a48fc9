"""Taking an answer: the engine decides, this module stores what it decided.

Every answer is written the moment it arrives. Free text is scored and screened here, so a
possible disclosure becomes an alert in the same transaction as the answer itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from surveys import engine
from surveys.models import (Answer, CallbackRequest, Invitation, InvitationStatus, Participant,
                            SafeguardingAlert, Case)


@dataclass(frozen=True)
class TextFindings:
    """What the analysis found in one free-text answer."""

    sentiment: str | None = None
    score: float | None = None
    themes: tuple[str, ...] = ()
    safeguarding_tier: str | None = None  # "urgent", "review" or None
    safeguarding_reason: str | None = None


Analyser = Callable[[str, object, str], TextFindings]  # (text, question, audience) -> findings


@dataclass
class Response:
    step: object
    answers: dict = field(default_factory=dict)  # every answer after this input
    problem: str | None = None
    alert_ids: list[int] = field(default_factory=list)
    callback_requested: bool = False


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
            if findings.safeguarding_reason:
                response.alert_ids.append(_raise_alert(session, participant, invitation, question_id,
                                                       findings, answer.value, now))
        if getattr(question, "callback", False) and answer.value == "yes":
            _request_callback(session, participant, invitation, now)
            response.callback_requested = True
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


def _service_id(session: Session, participant: Participant) -> int:
    return session.get(Case, participant.case_id).service_id


def _raise_alert(session: Session, participant: Participant, invitation: Invitation, question_id: str,
                 findings: TextFindings, text: str, now: datetime) -> int:
    alert = SafeguardingAlert(service_id=_service_id(session, participant), participant_id=participant.id,
                              invitation_id=invitation.id, question_id=question_id, tier=findings.safeguarding_tier,
                              reason=findings.safeguarding_reason, text=text, created_at=now)
    session.add(alert)
    session.flush()
    return alert.id


def _request_callback(session: Session, participant: Participant, invitation: Invitation, now: datetime) -> None:
    already = session.exec(select(CallbackRequest).where(CallbackRequest.invitation_id == invitation.id)).first()
    if already is None:
        session.add(CallbackRequest(service_id=_service_id(session, participant), participant_id=participant.id,
                                    invitation_id=invitation.id, reason="asked for a call", created_at=now))
