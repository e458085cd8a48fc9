"""A manager's review of board quotes: the report prints a quote only once it is approved.

The candidates are the ones the report would choose (:func:`analysis.aggregate.choose_quotes`,
already redacted and screened); a dropped one is passed over, so the next review offers the next
comment in the same direction in its place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from analysis.aggregate import Figures, Quote
from surveys.models import Answer, Case, Invitation, Participant, QuoteDecision, QuoteReview
from surveys.store import audit


def candidates(figures: Figures) -> list[Quote]:
    """Every quote the report would print once approved, theme by theme (each under one theme only)."""
    return [quote for theme in figures.themes for quote in theme.candidates]


def decide(session: Session, service_id: int, answer_ids: Iterable[int], decision: QuoteDecision, actor: str,
           now: datetime) -> list[int]:
    """Record ``decision`` for each answer; returns the ids that are not answers of this service (nothing is
    recorded for them). A later decision replaces an earlier one."""
    wanted = sorted(set(answer_ids))
    ours = set(session.exec(
        select(Answer.id).join(Invitation, Invitation.id == Answer.invitation_id)
        .join(Participant, Participant.id == Invitation.participant_id).join(Case, Case.id == Participant.case_id)
        .where(Case.service_id == service_id, Answer.id.in_(wanted), Answer.free_text.is_not(None))).all())
    for answer_id in sorted(ours):
        row = session.exec(select(QuoteReview).where(QuoteReview.answer_id == answer_id)).first()
        row = row or QuoteReview(service_id=service_id, answer_id=answer_id, decision=decision, decided_by=actor)
        row.decision, row.decided_by, row.decided_at = decision, actor, now
        session.add(row)
        audit(session, actor, f"quote.{decision.value}", subject=f"answer:{answer_id}", service_id=service_id, at=now)
    session.flush()
    return [answer_id for answer_id in wanted if answer_id not in ours]


def reviews(session: Session, service_id: int) -> dict[int, str]:
    return dict(session.execute(sa.select(QuoteReview.answer_id, QuoteReview.decision)
                                .where(QuoteReview.service_id == service_id)).all())


def review_figures(engine, service_code: str, period, definitions, catalogue, redact, targets, zone) -> Figures:
    """The figures the report would hold for ``period``: their candidates are what the manager reviews."""
    from analysis.aggregate import compute_figures, figure_questions, load_rows
    from analysis.report import reanalyse, with_names
    from surveys.models import Service
    from surveys.store import session_scope

    with session_scope(engine) as session:
        service = session.exec(select(Service).where(Service.code == service_code)).first()
        if service is None:
            raise LookupError(f"no service with code {service_code!r} in this database")
        rows = load_rows(session, service.id, period, zone, figure_questions(definitions))
    return compute_figures(rows, period, definitions, catalogue, with_names(redact, rows.staff_names), zone,
                           targets.victim_safer_question_ids, targets.alert_ack_minutes,
                           reanalyse=reanalyse, review_target_hours=targets.review_ack_hours)


REVIEW_WORDS = {None: "waiting", QuoteDecision.approved: "approved", QuoteDecision.dropped: "dropped"}


def review_line(quote: Quote) -> str:
    """One candidate for the terminal: id, status, theme, audience and the redacted words."""
    return "\t".join([str(quote.answer_id), REVIEW_WORDS.get(quote.review, quote.review), quote.theme or "-",
                      quote.audience, f"“{quote.text}”"])
