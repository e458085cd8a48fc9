"""The report's lean loading gives the same figures, tables and words as loading every answer.

Issue 18: a year's answers are many. A young person's yes/no or multi-select answers feed no
figure, so ``load_rows`` leaves them out in SQL; only the period's answers come back as rows
(with the journey ratings of those who ended in it), and the trends read each invitation's
ratings summed in SQL. Every figure, quote, suppression, table and sentence must be exactly what
loading every answer gives, on SQLite and (HEARD_TEST_POSTGRES_URL) PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from analysis.aggregate import compute_figures, figure_questions, load_rows, parse_period
from analysis.rag import Targets
from surveys.models import Answer, Invitation, Service
from surveys.store import session_scope
from tests.report_fakes import CATALOGUE, approve_every_quote, populate_realistic, question, redact
from tests.report_fakes import DEFINITIONS as DEMO

LONDON = ZoneInfo("Europe/London")
# The demo surveys, with the closed questions real surveys ask young people and parents but no figure reads.
CLOSED = {"yp_exit": [question("proud", "yesno", "Are you proud of what you did?"),
                      question("contact", "multi", "How should we contact you?",
                               options=[("phone", "Phone"), ("text", "Text"), ("post", "Post")])],
          "pc_exit": [question("how", "choice", "How did you hear from us?", options=[("phone", "Phone"),
                                                                                    ("letter", "Letter")])]}
DEFINITIONS = {sid: SimpleNamespace(**{**vars(d), "questions": [*d.questions, *CLOSED.get(sid, [])]})
               for sid, d in DEMO.items()}


def _add_closed_answers(engine) -> None:
    """Every answered young-person and parent exit survey also answers the closed questions."""
    with session_scope(engine) as session:
        for inv in session.exec(select(Invitation).where(Invitation.survey_id.in_(CLOSED),
                                                         Invitation.started_at.is_not(None))):
            for n, q in enumerate(CLOSED[inv.survey_id]):
                value = ["yes", "phone;text", "letter"][(inv.id + n) % 3] if q.type != "yesno" else "yes"
                session.add(Answer(invitation_id=inv.id, question_id=q.id, value=value, themes="",
                                   answered_at=inv.sent_at + timedelta(hours=1)))


def _both_ways(engine, label: str):
    period = parse_period(label)
    targets = Targets()
    with session_scope(engine) as session:
        service_id = session.exec(select(Service.id).where(Service.code == "yot")).one()
        every = load_rows(session, service_id, period, LONDON)
        lean = load_rows(session, service_id, period, LONDON, figure_questions(DEFINITIONS))
    figures = [compute_figures(rows, period, DEFINITIONS, CATALOGUE, redact, LONDON, targets.victim_safer_question_ids,
                               targets.alert_ack_minutes, flagged=lambda text, audience: False)
               for rows in (every, lean)]
    return every, lean, figures


def test_only_ratings_written_and_victim_answers_are_loaded():
    wanted = figure_questions(DEFINITIONS)
    assert wanted, "the demo surveys have ratings"
    types = {(sid, q.id): q.type for sid, d in DEFINITIONS.items() for q in d.questions}
    assert {types[key] for key in wanted} <= {"scale5", "journey10"}


@pytest.mark.parametrize("label", ["2026-Q3", "2026-Q2", "2026-27"])
def test_every_figure_is_the_same_with_the_lean_load(engine, label):
    populate_realistic(engine, young_people=260)
    _add_closed_answers(engine)
    approve_every_quote(engine)
    every, lean, (full, sql) = _both_ways(engine, label)
    assert len(lean.answers) < len(every.answers)  # some closed answers really were left out
    assert {a.id for a in lean.answers} < {a.id for a in every.answers}
    assert {i.id for i in lean.invitations} < {i.id for i in every.invitations}  # older ones of who did not end
    assert sql.audiences and sql.trend and sql.distance and sql.themes and sql.victims.questions
    assert sql == full  # every figure, suppression, breakdown, trend, quote and victim spread
    assert _shown(sql) == _shown(full)  # and so every line, table and sentence the report prints


def _shown(figures) -> tuple:
    """What a board sees: the report's model (ratings, changes, key points), every CSV table and the
    HTML page, its charts left out (drawn from the figures compared above; SVG ids are random)."""
    from datetime import date

    from analysis.report import build_report, csv_tables, render_html

    report = build_report(figures, Targets(), "Demo YOT", date(2026, 10, 5))
    page = re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "", render_html(report))
    return report, csv_tables(report), page


def test_the_hand_worked_figures_are_the_same_with_the_lean_load(engine):
    from tests.test_aggregate import build_hand_worked

    build_hand_worked(engine)
    _add_closed_answers(engine)
    _, _, (full, sql) = _both_ways(engine, "2026-Q3")
    assert sql == full
    assert _shown(sql) == _shown(full)


def test_only_this_periods_comments_are_reanalysed_and_the_figures_are_the_same(engine):
    """Old comments (no suggestion flag stored) are reanalysed for the period only: trends never read it."""
    from dataclasses import replace

    from analysis.aggregate import _questions, fill_unrecorded
    from tests.report_fakes import THEME_IDS

    populate_realistic(engine, young_people=260)
    approve_every_quote(engine)
    seen = []

    def reanalyse(text, kind, audience):
        seen.append(text)
        return len(text) % 2 == 0, THEME_IDS[len(text) % len(THEME_IDS)]

    period, targets = parse_period("2026-Q3"), Targets()
    with session_scope(engine) as session:
        service_id = session.exec(select(Service.id).where(Service.code == "yot")).one()
        rows = load_rows(session, service_id, period, LONDON, figure_questions(DEFINITIONS))
        every_row = load_rows(session, service_id, period, LONDON)
    args = (period, DEFINITIONS, CATALOGUE, redact, LONDON, targets.victim_safer_question_ids,
            targets.alert_ack_minutes, lambda text, audience: False)
    lean = compute_figures(rows, *args, reanalyse=reanalyse)
    reanalysed = len(seen)
    by_invitation = {inv.id: inv for inv in every_row.invitations}
    every = fill_unrecorded([(by_invitation[a.invitation_id], a) for a in every_row.answers],
                            _questions(DEFINITIONS), reanalyse)
    full = compute_figures(replace(every_row, answers=[a for _, a in every]), *args)
    assert lean == full
    written = [a for a in every_row.answers if a.free_text]
    assert 0 < reanalysed < len(written)  # only the period's comments, of the year's
    assert reanalysed == sum(1 for a in rows.answers if a.free_text)  # and only they were loaded


def test_a_comment_naming_an_older_case_is_still_never_quoted(engine):
    """The lean load leaves out invitations from before the trends of people who did not end in the
    period, but a quote naming one of their case references is kept out all the same."""
    populate_realistic(engine, young_people=260)
    approve_every_quote(engine)
    every, lean, (_, sql) = _both_ways(engine, "2026-27")  # the trends start in April 2026
    loaded = {inv.case_ref for inv in lean.invitations}
    older_ref = next(inv.case_ref for inv in every.invitations if inv.case_ref not in loaded)
    quoted = next(q.answer_id for theme in sql.themes for q in theme.candidates)
    with session_scope(engine) as session:
        answer = session.get(Answer, quoted)
        answer.free_text = f"{answer.free_text} ({older_ref})"
    _, _, (full, sql) = _both_ways(engine, "2026-27")
    assert sql == full
    assert quoted not in {q.answer_id for theme in sql.themes for q in theme.candidates}
