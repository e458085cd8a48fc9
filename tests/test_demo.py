"""`heard demo`: the made-up caseload is deterministic and complete, and a small demo runs end to end."""

from __future__ import annotations

import random
import threading
from datetime import date

import pytest
from sqlmodel import Session, select

from analysis.pipeline import findings_for
from bot.sandbox.demo import (ANSWERS, AUDIENCES, DISPOSALS, LOCALITIES, answer_actions, cases_csv, history_start,
                      latest_full_quarter, make_cases, make_people, run_demo)
from surveys.enrol import parse_csv
from surveys.models import Answer, BoardAction, CallbackRequest, Invitation, SafeguardingAlert, WebSession
from surveys.schema import load_all
from surveys.store import make_engine

TODAY = date(2026, 11, 23)


def _world(seed: int, count: int = 120):
    rng = random.Random(seed)
    cases = make_cases(rng, TODAY, count)
    return cases, make_people(rng, cases, TODAY)


def test_the_same_seed_makes_the_same_service_and_another_seed_a_different_one():
    cases, people = _world(7)
    again_cases, again_people = _world(7)
    assert cases_csv(cases) == cases_csv(again_cases) and people == again_people
    assert cases_csv(_world(8)[0]) != cases_csv(cases)


def test_the_caseload_covers_every_disposal_locality_and_audience_even_when_small():
    for count in (12, 120):
        cases, people = _world(3, count)
        assert {c.disposal for c in cases} == set(DISPOSALS)
        assert {c.locality for c in cases} == set(LOCALITIES)
        assert {p.audience for p in people} == set(AUDIENCES)
        assert any(p.discloses for p in people) and sum(p.behaviour == "stops" for p in people) == 2


def test_the_csv_goes_through_the_real_import_with_sensible_dates():
    cases, people = _world(5)
    rows = parse_csv(cases_csv(cases))
    assert len(rows) == len(people)
    first = history_start(TODAY)
    # Four full financial quarters before today's (2026-27-Q3): from October 2025.
    assert first == date(2025, 10, 1) and latest_full_quarter(TODAY) == "2026-27-Q2"
    assert all(first < c.end <= date(2026, 12, 14) for c in cases)
    reviewed = [c for c in cases if c.review_dates]
    assert len(reviewed) > 5 and all(c.disposal == "Referral Order" for c in reviewed)
    assert all(first < day < c.end for c in reviewed for day in c.review_dates)
    victims = [r for r in rows if r.audience == "victim"]
    assert victims and all(r.case_fields["restorative_closed_on"] for r in victims)
    assert {r.case_fields["age_band"] for r in rows} >= {"10-13", "14-15", "16-17"}
    assert {r.case_fields["send"] for r in rows} == {True, False}


def test_every_disclosure_in_the_demo_is_flagged_and_no_ordinary_answer_pages_a_duty_worker():
    """The screen is tuned for recall: a few ordinary answers may go to the same-day review queue
    (a worker reads them), but none may be urgent, and not more than one in ten."""
    ordinary_reviews = ordinary = 0
    for audience, kinds in ANSWERS.items():
        for kind, texts in kinds.items():
            for text in texts:
                tier = findings_for(text, None, audience).safeguarding_tier
                if kind == "disclosure":
                    assert tier is not None, (audience, text)
                    continue
                assert tier != "urgent", (audience, kind, text)
                ordinary += 1
                ordinary_reviews += tier == "review"
    assert ordinary_reviews <= ordinary / 10


def test_a_poor_experience_gets_low_ratings_and_a_good_one_high():
    question = next(q for q in load_all()["yp_exit"].questions if q.id == "overall")
    cases, people = _world(1)
    good = next(p for p in people if p.tone == "good" and p.audience == "young_person")
    poor = next(p for p in people if p.tone == "poor" and p.audience == "young_person")

    def ratings(person):
        rng = random.Random(0)
        actions = [answer_actions(question, person, rng, survey_id="yp_exit", seed=1, disclose_here=False)[-1]
                   for _ in range(200)]
        return [int(what.split("/")[0]) for verb, what in actions if what[0].isdigit()]

    assert min(ratings(good)) >= 3 and max(ratings(poor)) <= 3
    assert sum(ratings(good)) / len(ratings(good)) > sum(ratings(poor)) / len(ratings(poor)) + 1.5


@pytest.mark.slow
async def test_a_small_demo_runs_the_real_bot_and_writes_the_report(tmp_path):
    threads = set(threading.enumerate())
    summary = await run_demo(tmp_path, cases=12, seed=11, today=TODAY)
    engine = make_engine(f"sqlite:///{tmp_path / 'heard.db'}")
    try:
        with Session(engine) as session:
            answers = session.exec(select(Answer)).all()
            alerts = session.exec(select(SafeguardingAlert)).all()
            sent = session.exec(select(Invitation).where(Invitation.sent_at.is_not(None))).all()
            actions = session.exec(select(BoardAction)).all()
            callbacks = session.exec(select(CallbackRequest)).all()
            on_web = set(session.exec(select(WebSession.participant_id)).all())
            web_invitations = {i.id for i in sent if i.participant_id in on_web}
    finally:
        engine.dispose()
    assert len(answers) > 30 and any(a.free_text and a.themes for a in answers)
    # Analysis stores the suggestion flag and best theme with every comment (the report needs them after retention).
    comments = [a for a in answers if a.free_text]
    assert all(a.suggestion is not None for a in comments) and all(a.best_theme in a.themes.split(";")
                                                                  for a in comments if a.best_theme)
    assert any(a.best_theme for a in comments)
    assert alerts and any(a.acknowledged_at for a in alerts) and summary.alerts == len(alerts)
    assert {i.survey_id for i in sent} >= {"yp_exit", "parent_exit", "victim_followup"}
    # Surveys went out inside the send window on days across the history, not all today.
    assert len({i.sent_at.date() for i in sent}) > 5 and min(i.sent_at.date() for i in sent) < date(2026, 7, 1)
    assert len(actions) == 3 and callbacks
    names = sorted(path.name for path in tmp_path.iterdir())
    assert "feedback-report-2026-27-Q2.html" in names and "feedback-report-2026-27-Q2-csv" in names
    assert (tmp_path / "feedback-report-2026-27-Q2.pdf").read_bytes().startswith(b"%PDF")
    # The history spans four financial quarters, so the trend has a point in each.
    assert {i.sent_at.date() < date(2026, 1, 1) for i in sent} == {True, False}
    assert "yp_start" in {i.survey_id for i in sent}
    # Issue 15: some people were invited by SMS or email (recorded, not sent) and answered on the web page.
    assert summary.by_link and summary.link_messages >= summary.by_link and summary.answered_by_link
    assert {i.channel for i in sent} >= {"telegram", "sms", "email"}
    channels = (tmp_path / "feedback-report-2026-27-Q2-csv" / "channels.csv").read_text()
    assert channels.startswith("channel,measure,") and "telegram,response rate (people)" in channels
    assert "How they were asked" in (tmp_path / "feedback-report-2026-27-Q2.html").read_text()
    assert set(threading.enumerate()) <= threads  # nothing left running
    # Some made-up people answered on the web page, over HTTP to heard's own server.
    assert summary.on_web == len(on_web) > 0 and web_invitations
    assert any(a.invitation_id in web_invitations for a in answers)
