"""The report's follow-ups (issues 12 and 13): comments split three ways, call-backs by people,
feeling safer from both victim surveys, quotes a manager approved, and CSV cells that cannot run."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from analysis.aggregate import SMALL, AnswerRow, InvitationRow, comment_shares, victim_figures
from analysis.report import build_report, render_html, write_csv
from analysis.rag import Targets, load_targets
from bot.cli import app
from surveys.models import Answer, CallbackRequest, Staff
from surveys.schema import load_all
from surveys.spreadsheets import csv_writer, safe_cell
from surveys.store import make_engine, session_scope, upgrade
from tests.conftest import TEST_HASH_KEY
from tests.report_fakes import Builder, approve_every_quote
from tests.test_aggregate import Q3, at, q3_figures

runner = CliRunner()


def _person(pid: int, audience: str = "young_person", survey: str = "yp_exit") -> InvitationRow:
    return InvitationRow(pid, pid, audience, survey, "exit", "completed", at("2026-08-01"), None, None,
                         f"YJ-{pid}", None, None, None, None, None, None)


def _comment(aid: int, sentiment: str, suggestion: bool | None = False, question: str = "better",
             value: str | None = None, day: str = "2026-08-02") -> AnswerRow:
    return AnswerRow(aid, aid, question, value, None if value else "text", sentiment if not value else None,
                     0.0, (), at(day), suggestion)


def test_comments_are_split_three_ways_and_a_suggestion_is_never_negative():
    # Sixteen people: 6 positive, 2 neutral and 8 negative comments, 3 of the negative ones suggestions.
    labels = ["positive"] * 6 + ["neutral"] * 2 + ["negative"] * 8
    suggestions = [False] * 8 + [True] * 3 + [False] * 5
    pairs = [(_person(i), _comment(i, label, flag)) for i, (label, flag) in enumerate(zip(labels, suggestions))]
    shares = comment_shares(pairs)
    assert [(c.label, c.count, c.n) for c in shares.all()] == [
        ("Mostly positive", 6, 16), ("Mixed or neutral", 5, 16), ("Mostly negative", 5, 16)]


def test_a_small_comment_cell_is_hidden_with_the_next_smallest():
    pairs = [(_person(i), _comment(i, label)) for i, label in enumerate(["positive"] * 6 + ["neutral"] * 5 + ["negative"] * 2)]
    assert [c.suppressed for c in comment_shares(pairs).all()] == [None, "secondary", SMALL]


def test_with_fewer_than_five_commenters_no_cell_is_marked_apart_from_the_others():
    # Two people, both positive: "hidden to protect a small group" on an empty cell beside two "fewer than 5"
    # marks it as not the one they are in.
    pairs = [(_person(i), _comment(i, "positive")) for i in range(2)]
    assert [c.suppressed for c in comment_shares(pairs).all()] == [SMALL, SMALL, SMALL]


def test_a_negative_suggestion_still_counts_as_a_complaint_without_the_flag():
    pairs = [(_person(i), _comment(i, "negative", suggestion=False)) for i in range(6)]
    assert comment_shares(pairs).negative.count == 6
    pairs = [(_person(i), _comment(i, "negative", suggestion=True)) for i in range(6)]
    assert (comment_shares(pairs).negative.count, comment_shares(pairs).mixed.count) == (0, 6)


def test_comments_positive_has_its_own_target():
    targets = load_targets()
    assert targets.comments_positive.green < targets.satisfaction.green
    assert set(targets.victim_safer_question_ids) == {"feel_safer", "safety_since"}


def test_feeling_safer_reads_day_14_and_day_90_and_keeps_each_persons_latest_answer():
    definitions = {k: v for k, v in load_all().items() if k in ("victim_checkin", "victim_followup")}
    pairs = []
    for pid in range(1, 11):  # ten victims; at day 14 all ten said "safer"
        pairs.append((_person(pid, "victim", "victim_checkin"),
                      _comment(pid, "", question="feel_safer", value="safer", day="2026-07-10")))
    for pid in range(1, 6):  # at day 90, five of them said it had not changed: their latest answer
        pairs.append((replace(_person(pid, "victim", "victim_followup"), id=100 + pid),
                      _comment(100 + pid, "", question="safety_since", value="same", day="2026-09-10")))
    safer = victim_figures(pairs, definitions, load_targets().victim_safer_question_ids).feeling_safer
    assert (safer.count, safer.n) == (5, 10)


def _callbacks(engine, outcomes):
    """One victim per outcome (None: still open), each asking on 2026-08-03."""
    with session_scope(engine) as session:
        build = Builder(session)
        for index, outcome in enumerate(outcomes):
            person = build.person(build.case(), "victim", f"V{index}")
            build.invite(person, "victim_checkin", at("2026-08-01"))
            session.add(CallbackRequest(service_id=build.service.id, participant_id=person.id, reason="asked",
                                        created_at=at("2026-08-03"), outcome=outcome,
                                        done_at=at("2026-08-03") + timedelta(hours=2 + index) if outcome else None))


def test_callbacks_count_people_with_outcomes_and_the_median_time_to_call(engine):
    _callbacks(engine, ["called"] * 6 + ["declined"] * 5 + ["no_answer"] * 2 + [None] * 7)
    v = q3_figures(engine).victims
    assert v.callbacks.count == 20
    by_label = {o.label: (o.count, o.suppressed) for o in v.callback_outcomes}
    # "no answer" is 2 people: hidden; the next smallest (5 declined) is hidden too, or 20 - 6 - 7 gives it away.
    assert by_label == {"Called": (6, None), "No answer, tried again": (None, SMALL),
                        "Declined a call": (None, "secondary"), "Still waiting": (7, None)}
    assert v.callback_median_hours == 4.5  # 2, 3, 4, 5, 6 and 7 hours
    html = render_html(build_report(q3_figures(engine), Targets(), "Riverside", date(2026, 10, 14)))
    assert "People who asked us to contact them" in html and "4.5 hours (6 calls)" in html


def test_a_few_callbacks_are_hidden_but_the_time_to_call_is_shown(engine):
    _callbacks(engine, ["called"] * 3)
    v = q3_figures(engine).victims
    assert v.callbacks.suppressed == SMALL and v.callback_median_hours == 3.0


def _six_comments(engine, texts_and_themes):
    with session_scope(engine) as session:
        build = Builder(session)
        session.add(Staff(service_id=build.service.id, telegram_user_id=5, role="victim_worker", name="Ffion"))
        for index, (text, themes, best) in enumerate(texts_and_themes):
            inv = build.invite(build.person(build.case(), "young_person"), "yp_exit", at("2026-08-03"))
            build.answer(inv, "better", text=text, sentiment="positive", score=0.9 - index / 10, themes=themes)
            session.flush()
            answer = session.exec(select(Answer).where(Answer.invitation_id == inv.id)).one()
            answer.best_theme = best


TWO_THEMES = ("listened_to", "fairness_speed")


@pytest.fixture
def migrated_engine(db_url):
    """A database made by its migrations, as the `heard quotes` commands expect (they migrate before writing)."""
    upgrade(db_url)
    engine = make_engine(db_url, hash_key=TEST_HASH_KEY)
    yield engine
    engine.dispose()


def test_a_quote_appears_under_its_best_theme_only_and_only_once_approved(migrated_engine, db_url, monkeypatch):
    engine = migrated_engine
    _six_comments(engine, [(f"they listened and were quick {i}", TWO_THEMES, "fairness_speed" if i < 3 else "listened_to")
                           for i in range(6)])
    figures = q3_figures(engine)
    by_theme = {t.theme: t for t in figures.themes}
    assert all(q.theme == "fairness_speed" for q in by_theme["fairness_speed"].candidates)
    quoted = [q.answer_id for t in figures.themes for q in t.candidates]
    assert len(quoted) == len(set(quoted)) > 0  # never under two themes
    assert all(t.quotes == [] for t in figures.themes)  # nothing approved yet: nothing printed

    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_SERVICE", "yot")
    listed = runner.invoke(app, ["quotes", "review", "--period", "2026-Q3"])
    assert listed.exit_code == 0, listed.output
    assert f"{quoted[0]}\twaiting\t" in listed.output
    approved = runner.invoke(app, ["quotes", "approve", str(quoted[0])])
    assert approved.exit_code == 0 and f"Approved: {quoted[0]}." in approved.output
    dropped = runner.invoke(app, ["quotes", "drop", str(quoted[1])])
    assert dropped.exit_code == 0
    after = q3_figures(engine)
    printed = [q.answer_id for t in after.themes for q in t.quotes]
    assert printed == [quoted[0]]
    assert quoted[1] not in [q.answer_id for t in after.themes for q in t.candidates]  # dropped: never offered again
    wrong = runner.invoke(app, ["quotes", "approve", "99999"])
    assert wrong.exit_code == 1 and "Not a comment in this service: 99999" in wrong.stderr


def test_the_report_gives_the_redactor_the_staff_tables_names(engine, tmp_path):
    from analysis.redact import redact
    from analysis.report import generate_report
    from tests.report_fakes import CATALOGUE, DEFINITIONS

    _six_comments(engine, [(f"Ffion listened to me every week {i}", ("listened_to",), "listened_to")
                           for i in range(6)])
    approve_every_quote(engine)
    (path,) = generate_report(engine, "yot", Q3, tmp_path, ["html"], DEFINITIONS, CATALOGUE, redact, Targets(),
                              ZoneInfo("Europe/London"), today=date(2026, 10, 14))
    html = path.read_text()
    assert "listened to me every week" in html and "Ffion" not in html


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"hi\")", "+44 7700", "-1+2", "@SUM(A1)", "\t=1"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell):
    assert safe_cell(cell) == "'" + cell
    out = io.StringIO()
    csv_writer(out).writerow([cell, "fine", -3, 0.5])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + cell, "fine", "-3", "0.5"]


def test_report_csvs_neutralise_formulas_in_quotes(engine, tmp_path):
    _six_comments(engine, [(f"=HYPERLINK(\"http://evil\",\"they listened {i}\")", ("listened_to",), "listened_to")
                           for i in range(6)])
    approve_every_quote(engine)
    report = build_report(q3_figures(engine), Targets(), "Riverside", date(2026, 10, 14))
    write_csv(report, tmp_path)
    with (tmp_path / "quotes.csv").open() as handle:
        quotes = [row["quote"] for row in csv.DictReader(handle)]
    assert quotes and all(q.startswith("'=") for q in quotes)


def test_answers_stored_before_the_flag_was_kept_are_read_again_from_their_text(engine):
    # Six negative comments with no suggestion flag stored (as before migration 0007).
    with session_scope(engine) as session:
        build = Builder(session)
        for index in range(6):
            inv = build.invite(build.person(build.case(), "young_person"), "yp_exit", at("2026-08-03"))
            build.answer(inv, "better", text=f"more evening sessions please {index}", sentiment="negative",
                         score=-0.2, themes=("listened_to", "fairness_speed"))
    with session_scope(engine) as session:
        from analysis.aggregate import compute_figures, load_rows
        from surveys.store import ensure_service
        from tests.report_fakes import CATALOGUE, DEFINITIONS, redact

        rows = load_rows(session, ensure_service(session, "yot", "").id, Q3, ZoneInfo("Europe/London"))
    read = []

    def reanalyse(text, kind, audience):
        read.append(text)
        return True, "fairness_speed"

    old = compute_figures(rows, Q3, DEFINITIONS, CATALOGUE, redact, ZoneInfo("Europe/London"))
    again = compute_figures(rows, Q3, DEFINITIONS, CATALOGUE, redact, ZoneInfo("Europe/London"), reanalyse=reanalyse)
    yp = lambda figures: next(b for b in figures.audiences if b.audience == "young_person")  # noqa: E731
    assert yp(old).comments.negative.count == 6  # without the flag they read as complaints
    assert (yp(again).comments.negative.count, yp(again).comments.mixed.count) == (0, 6)
    assert len(read) == 6
    assert {q.theme for t in again.themes for q in t.candidates} == {"fairness_speed"}  # the best theme, not the first
