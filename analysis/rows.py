"""The rows a board report is built from, and their loading: the only database access in the figures.

:func:`load_rows` runs a handful of queries and returns plain frozen rows (:class:`Rows`);
everything in ``analysis.figures``, ``analysis.breakdowns`` and ``analysis.aggregate`` is a pure
function over them, so figures can be worked out by hand in tests. Split out of
``analysis/aggregate.py`` so that the one place touching the tables is small and easy to review.

Period membership: invitations are loaded from the start of the trend window (and two years
back for distance travelled); which period each belongs to is decided later, by the date it was
sent. The report's lean load (issue 18) brings back as rows only the answers the period's figures
read, and the earlier journey ratings of the young people who ended in it; the trends need only
each invitation's 1-5 ratings summed, which the database does (``Rows.rating_sums``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from analysis.language import WELSH_UNREAD
from analysis.periods import Period, previous_quarters
from surveys.casework import CallbackFigures, callback_figures
from surveys.models import Answer, BoardAction, Case, Invitation, Participant, QuoteReview, SafeguardingAlert, Staff

DISTANCE_LOOKBACK = timedelta(days=730)


@dataclass(frozen=True, slots=True)  # slots: a year's rows are many (about a third less memory each)
class InvitationRow:
    id: int
    participant_id: int
    audience: str
    survey_id: str
    occasion: str
    status: str
    sent_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    case_ref: str
    disposal: str | None
    locality: str | None
    gender: str | None
    ethnicity: str | None
    age_band: str | None
    send: bool | None
    looked_after: bool | None = None
    channel: str | None = None  # how it went out (issue 15): telegram, web, sms or email


@dataclass(frozen=True, slots=True)
class AnswerRow:
    id: int
    invitation_id: int
    question_id: str
    value: str | None
    free_text: str | None
    sentiment: str | None
    sentiment_score: float | None
    themes: tuple[str, ...]
    answered_at: datetime
    suggestion: bool | None = None  # None: not recorded (answers from before it was stored)
    best_theme: str | None = None


@dataclass(frozen=True)
class AlertRow:
    created_at: datetime
    acknowledged_at: datetime | None
    tier: str = "urgent"


@dataclass(frozen=True)
class ActionRow:
    theme: str
    text: str
    created_at: datetime
    action_on: date | None = None
    owner: str | None = None
    status: str = "done"


@dataclass
class Rows:
    invitations: list[InvitationRow]
    answers: list[AnswerRow]
    alerts: list[AlertRow]
    actions: list[ActionRow]
    # (invitation id, question id) of every answer that raised an alert, at any time: never quoted.
    alerted_answers: frozenset[tuple[int, str]] = frozenset()
    callbacks: CallbackFigures | None = None  # call-backs asked for in the period (surveys.casework)
    quote_reviews: Mapping[int, str] = field(default_factory=dict)  # answer id -> "approved" or "dropped"
    staff_names: tuple[str, ...] = ()  # for the redactor: staff are named in comments
    # Invitation id -> (sum, count) of its 1-5 ratings, for every invitation since the trends start: summed
    # in SQL by the lean load (the trends need no more). None: worked out from ``answers`` (every answer loaded).
    rating_sums: Mapping[int, tuple[int, int]] | None = None
    # The case references of invitations in the window that the lean load left out (before the trends, of
    # people who did not end in the period): quotes are kept clear of these too.
    more_case_refs: frozenset[str] = frozenset()


def load_rows(session: Session, service_id: int, period: Period, zone: ZoneInfo,
              figure_questions: Mapping[tuple[str, str], str] | None = None) -> Rows:
    """Everything the report needs, in a handful of queries (plus the call-back figures).

    Invitations are loaded from the start of the trend window (four quarters, and two years
    before for distance travelled) so trends need no further queries. Erased cases and people,
    skipped answers and unfinished multi-selects are left out here, once.

    ``figure_questions`` (``analysis.aggregate.figure_questions``): the (survey, question) pairs
    whose closed answers feed a figure, with their type. None loads every answer in the window,
    one row each (the reference the lean load is tested against). Given, the lean load (issue 18:
    a year's answers are many) brings back as rows only

    - this period's answers that a figure reads: written answers, every victim answer, ratings;
    - the journey-of-change ratings, from any time in the window, of young people with an exit
      survey sent in the period (distance travelled pairs their end with their start);
    - the invitations sent since the trends start, and before that only those of the people with an
      exit survey in the period (``Rows.more_case_refs`` keeps the others' case references for the quotes);

    and sums the 1-5 ratings per invitation in the database (``Rows.rating_sums``) for the trends.
    """
    start, end = period.bounds(zone)
    trend_start = min(previous_quarters(period)[0].bounds(zone)[0], start)
    # Distance travelled pairs an exit with a start rating that may be from a long order's first weeks.
    window_start = trend_start - DISTANCE_LOOKBACK
    # Cases past retention (Case.erased_at) still count: only their details and free text are gone.
    in_window = sa.and_(Case.service_id == service_id, Participant.erased_at.is_(None),
                        Invitation.sent_at.is_not(None), Invitation.sent_at >= window_start, Invitation.sent_at < end)
    joined = (sa.select().select_from(Invitation).join(Participant, Participant.id == Invitation.participant_id)
              .join(Case, Case.id == Participant.case_id).where(in_window))
    # A year's invitations are many too: read in batches, and each repeated string (audience, survey,
    # status, the case details the breakdowns group by) kept once rather than once per row.
    same: dict = {}
    wanted_invitations = joined
    if figure_questions is not None:  # before the trends, only the invitations of those who ended in the period
        wanted_invitations = joined.where(sa.or_(Invitation.sent_at >= trend_start,
                                                 Invitation.participant_id.in_(_ended_in(start, end))))
    invitations = [InvitationRow(row[0], row[1], *(same.setdefault(v, v) for v in row[2:6]), *row[6:10],
                                 *(same.setdefault(v, v) for v in row[10:15]), row[15], row[16],
                                 same.setdefault(row[17], row[17]))
                   for row in session.execute(wanted_invitations.add_columns(
        Invitation.id, Invitation.participant_id, Participant.audience, Invitation.survey_id, Invitation.occasion,
        Invitation.status, Invitation.sent_at, Invitation.started_at, Invitation.completed_at, Case.case_ref,
        Case.disposal, Case.locality, Case.gender, Case.ethnicity, Case.age_band, Case.send, Case.looked_after,
        sa.func.coalesce(Invitation.channel, Participant.channel)).execution_options(yield_per=ANSWER_BATCH))]
    answered = joined.join(Answer, Answer.invitation_id == Invitation.id).where(
        Answer.skipped.is_(False), Answer.complete.is_(True))
    rating_sums, more_case_refs = None, frozenset()
    if figure_questions is None:
        answers = _answers(session, answered)
    else:
        answers = _answers(session, answered.where(_lean_answers(figure_questions, start, end)))
        rating_sums = _rating_sums(session, answered.where(Invitation.sent_at >= trend_start),
                                   [key for key, kind in figure_questions.items() if kind == "scale5"])
        # Quotes are kept clear of every case reference in the window, not only of the loaded rows'.
        more_case_refs = frozenset(session.scalars(joined.where(Invitation.sent_at < trend_start).where(
            Invitation.participant_id.not_in(_ended_in(start, end))).add_columns(Case.case_ref).distinct()))
    alerted_answers = frozenset((row[0], row[1]) for row in session.execute(
        joined.join(SafeguardingAlert, SafeguardingAlert.invitation_id == Invitation.id)
        .where(SafeguardingAlert.question_id.is_not(None))
        # Cymraeg: a Welsh answer sent for reading only because it is Welsh is quotable once a worker has taken it.
        .where(sa.or_(SafeguardingAlert.reason != WELSH_UNREAD, SafeguardingAlert.acknowledged_at.is_(None)))
        .add_columns(SafeguardingAlert.invitation_id, SafeguardingAlert.question_id)))
    alerts = [AlertRow(*row) for row in session.execute(
        sa.select(SafeguardingAlert.created_at, SafeguardingAlert.acknowledged_at, SafeguardingAlert.tier).where(
            SafeguardingAlert.service_id == service_id, SafeguardingAlert.created_at >= start,
            SafeguardingAlert.created_at < end))]
    # This period's actions, and any still open (planned or in progress) from before it ends.
    actions = [ActionRow(*row) for row in session.execute(
        sa.select(BoardAction.theme, BoardAction.text, BoardAction.created_at, BoardAction.action_on,
                  BoardAction.owner, BoardAction.status).where(
            BoardAction.service_id == service_id, BoardAction.action_on < period.end,
            sa.or_(BoardAction.action_on >= period.start, BoardAction.status != "done"))
        .order_by(BoardAction.action_on, BoardAction.id))]
    reviews = {answer_id: decision for answer_id, decision in session.execute(
        sa.select(QuoteReview.answer_id, QuoteReview.decision).where(QuoteReview.service_id == service_id))}
    staff_names = tuple(sorted({name for (name,) in session.execute(
        sa.select(Staff.name).where(Staff.service_id == service_id, Staff.name.is_not(None)))}))
    return Rows(invitations, answers, alerts, actions, alerted_answers,
                callback_figures(session, service_id, start, end), reviews, staff_names, rating_sums,
                more_case_refs)


def _lean_answers(figure_questions: Mapping[tuple[str, str], str], start: datetime, end: datetime):
    """The answers the lean load brings back as rows (see :func:`load_rows`)."""
    this_period = sa.and_(Invitation.sent_at >= start, Invitation.sent_at < end)
    read_by_a_figure = sa.or_(
        Answer.free_text.is_not(None), Answer.sentiment.is_not(None), sa.func.coalesce(Answer.themes, "") != "",
        Participant.audience == "victim",
        sa.tuple_(Invitation.survey_id, Answer.question_id).in_(sorted(figure_questions)))
    journeys = sorted(key for key, kind in figure_questions.items() if kind == "journey10")
    if not journeys:
        return sa.and_(this_period, read_by_a_figure)
    ended_here = _ended_in(start, end)
    journey_of_someone_who_ended = sa.and_(
        Participant.audience == "young_person", sa.tuple_(Invitation.survey_id, Answer.question_id).in_(journeys),
        Invitation.participant_id.in_(ended_here))
    return sa.or_(sa.and_(this_period, read_by_a_figure), journey_of_someone_who_ended)


def _ended_in(start: datetime, end: datetime):
    """The people with an exit survey sent between ``start`` and ``end``: whose distance travelled is reported."""
    exit_survey = aliased(Invitation)
    return sa.select(exit_survey.participant_id).where(
        exit_survey.occasion == "exit", exit_survey.sent_at >= start, exit_survey.sent_at < end)


def _answers(session: Session, query) -> list[AnswerRow]:
    """The answers as rows, read in batches (never all raw rows and all objects at once), each repeated
    short string (question ids, values, sentiments, theme lists) kept once."""
    same: dict = {}
    return [AnswerRow(row[0], row[1], same.setdefault(row[2], row[2]), same.setdefault(row[3], row[3]), row[4],
                      same.setdefault(row[5], row[5]), row[6], _themes(row[7], same), row[8], row[9],
                      same.setdefault(row[10], row[10]))
            for row in session.execute(query.add_columns(
                Answer.id, Answer.invitation_id, Answer.question_id, Answer.value, Answer.free_text,
                Answer.sentiment, Answer.sentiment_score, Answer.themes, Answer.answered_at, Answer.suggestion,
                Answer.best_theme).execution_options(yield_per=ANSWER_BATCH))]


def _rating_sums(session: Session, answered, scale_questions: list[tuple[str, str]]) -> dict[int, tuple[int, int]]:
    """Invitation id -> (sum, count) of its 1-5 ratings, summed in the database: one row per invitation."""
    if not scale_questions:
        return {}
    query = (answered.where(sa.tuple_(Invitation.survey_id, Answer.question_id).in_(sorted(scale_questions)),
                            Answer.value.is_not(None), Answer.value != "")
             .add_columns(Invitation.id, sa.func.sum(sa.cast(Answer.value, sa.Integer)), sa.func.count())
             .group_by(Invitation.id))
    return {invitation_id: (int(total), count) for invitation_id, total, count in session.execute(query)}


ANSWER_BATCH = 5_000


def _themes(stored: str | None, same: dict) -> tuple[str, ...]:
    """The stored ``a;b`` theme list as a tuple, one shared tuple per distinct list."""
    key = ("themes", stored)
    if key not in same:
        same[key] = tuple(t for t in (stored or "").split(";") if t)
    return same[key]
