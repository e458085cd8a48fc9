"""Report figures on a small dataset whose every number is worked out by hand below."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.aggregate import (SECONDARY, SMALL, AlertRow, AnswerRow, InvitationRow, audience_figures,
                                choose_quotes, disposal_tier, distance_figures, ons_group,
                                compute_figures, counted, last_full_quarter, load_rows, parse_period, previous_quarters,
                                safeguarding_figures, share, suppress_cells, wilson)
from surveys.models import Invitation, SafeguardingAlert
from surveys.store import ensure_service, session_scope
from tests.report_fakes import CATALOGUE, DEFINITIONS, Builder, redact

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc
Q3 = parse_period("2026-Q3")


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC)


# --- periods -------------------------------------------------------------------------

def test_financial_quarters_and_years_are_the_default():
    q3 = parse_period("2026-27-Q3")
    assert (q3.start, q3.end, q3.label) == (date(2026, 10, 1), date(2027, 1, 1), "2026-27-Q3")
    assert q3.description == "financial quarter 3 of 2026-27 (October to December 2026)"
    q4 = parse_period("2026-27-q4")
    assert (q4.start, q4.end) == (date(2027, 1, 1), date(2027, 4, 1))
    year = parse_period("2026-27")
    assert (year.start, year.end, year.kind) == (date(2026, 4, 1), date(2027, 4, 1), "year")
    assert year.description == "financial year 2026-27 (April 2026 to March 2027)"


def test_calendar_quarters_keep_working_and_say_they_are_calendar():
    q3 = parse_period("2026-Q3")
    assert (q3.start, q3.end, q3.label) == (date(2026, 7, 1), date(2026, 10, 1), "2026-Q3")
    assert q3.description == "calendar quarter 3 of 2026 (July to September 2026)"
    assert parse_period("2026q4").start == date(2026, 10, 1)
    year = parse_period("2026")
    assert (year.start, year.end) == (date(2026, 1, 1), date(2027, 1, 1))
    assert year.description.startswith("calendar year 2026")


def test_a_date_range_includes_both_days():
    period = parse_period("2026-07-01..2026-07-31")
    assert (period.label, period.start, period.end) == ("2026-07-01 to 2026-07-31", date(2026, 7, 1), date(2026, 8, 1))
    assert period.description == "July 2026"


def test_the_year_can_start_in_another_month():
    # A council whose year starts in January: 2026-Q3 is calendar, and a financial label is refused kindly.
    assert parse_period("2026-Q3", year_start_month=1).start == date(2026, 7, 1)
    with pytest.raises(ValueError, match="HEARD_YEAR_START_MONTH"):
        parse_period("2026-27-Q3", year_start_month=1)
    # One starting in September (an academic year): its Q1 is September to November.
    autumn = parse_period("2026-27-Q1", year_start_month=9)
    assert (autumn.start, autumn.end) == (date(2026, 9, 1), date(2026, 12, 1))


def test_the_last_full_quarter_is_financial_by_default():
    assert last_full_quarter(date(2026, 11, 23)).label == "2026-27-Q2"
    assert last_full_quarter(date(2026, 4, 2)).label == "2025-26-Q4"
    assert last_full_quarter(date(2026, 11, 23), year_start_month=1).label == "2026-Q3"


@pytest.mark.parametrize("text", ["2026-Q5", "Q3", "2026-28-Q1", "2026-07-31..2026-07-01", "2026-07-01..soon"])
def test_a_bad_period_is_refused_with_an_example(text):
    with pytest.raises(ValueError, match="2026"):
        parse_period(text)


def test_the_trend_covers_four_quarters_of_the_same_kind_across_a_year_end():
    assert [q.label for q in previous_quarters(parse_period("2026-Q1"))] == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    assert [q.label for q in previous_quarters(parse_period("2026-27-Q1"))] == [
        "2025-26-Q2", "2025-26-Q3", "2025-26-Q4", "2026-27-Q1"]
    # A financial year's trend is its own four quarters.
    assert [q.label for q in previous_quarters(parse_period("2026-27"))][-1] == "2026-27-Q4"


def test_period_bounds_are_local_midnight():
    start, end = Q3.bounds(LONDON)
    assert start == datetime(2026, 6, 30, 23, tzinfo=UTC) and end == datetime(2026, 9, 30, 23, tzinfo=UTC)


# --- intervals and suppression -------------------------------------------------------

def test_wilson_matches_published_values():
    # Reference values for the Wilson score interval at 95% (z = 1.96).
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)


def test_a_share_resting_on_fewer_than_five_people_holds_no_number():
    assert share("x", 3, 4) == share("x", 4, 9, people=4)
    hidden = share("x", 3, 4)
    assert (hidden.value, hidden.count, hidden.n, hidden.low, hidden.suppressed) == (None, None, None, None, SMALL)
    nobody = share("x", 0, 0)  # nobody at all is "none", not a hidden small number
    assert (nobody.value, nobody.n, nobody.suppressed) == (None, 0, None)
    shown = share("x", 3, 5)
    assert (shown.value, shown.count, shown.n) == (0.6, 3, 5)


def test_a_share_restating_answer_counts_hides_a_small_count_or_remainder():
    assert share("x", 5, 10, as_counts=True).value == 0.5
    assert share("x", 7, 10, as_counts=True).suppressed == SMALL  # 3 said no
    assert share("x", 4, 10, as_counts=True).suppressed == SMALL  # 4 said yes
    assert share("x", 10, 10, as_counts=True).value == 1.0  # nobody said no: nothing small to reveal


def test_head_counts_of_one_to_four_are_hidden_but_zero_is_shown():
    assert counted("x", 0).value == 0
    assert counted("x", 4).suppressed == SMALL and counted("x", 4).n is None
    assert counted("x", 5).count == 5


def test_no_cell_is_hidden_when_all_are_large_enough():
    assert suppress_cells({"a": 5, "b": 9}) == {"a": None, "b": None}


def test_a_preferred_cell_protects_a_small_one_before_the_next_smallest():
    assert suppress_cells({"White": 40, "Minority": 9, "Not recorded": 2}, protect_with=("White",)) == {
        "White": SECONDARY, "Minority": None, "Not recorded": SMALL}


def test_one_small_cell_takes_the_next_smallest_with_it():
    assert suppress_cells({"a": 20, "b": 3, "c": 7, "d": 9}) == {"a": None, "b": SMALL, "c": SECONDARY, "d": None}


def test_a_tie_for_next_smallest_goes_to_the_first_in_order():
    assert suppress_cells({"a": 8, "b": 2, "c": 8}) == {"a": SECONDARY, "b": SMALL, "c": None}


def test_two_small_cells_need_no_secondary_suppression():
    assert suppress_cells({"a": 1, "b": 2, "c": 6}) == {"a": SMALL, "b": SMALL, "c": None}


def test_without_a_total_one_small_cell_cannot_be_recovered():
    assert suppress_cells({"a": 1, "b": 6}, total_shown=False) == {"a": SMALL, "b": None}


def test_an_empty_cell_is_not_small_but_can_be_hidden_to_protect_another():
    assert suppress_cells({"yes": 0, "no": 12}) == {"yes": None, "no": None}
    assert suppress_cells({"a": 0, "b": 3, "c": 9}) == {"a": SECONDARY, "b": SMALL, "c": None}


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 30), min_size=1))
def test_after_suppression_no_small_cell_shows_and_no_single_hidden_cell_can_be_subtracted(sizes):
    reasons = suppress_cells(sizes)
    assert all(reasons[key] for key, size in sizes.items() if 0 < size < 5)
    hidden = [key for key, reason in reasons.items() if reason]
    assert len(hidden) != 1 or len(sizes) == 1


# --- quotes --------------------------------------------------------------------------

def _inv(inv_id, person, audience="young_person", case_ref="YJ-1"):
    return InvitationRow(inv_id, person, audience, "yp_exit", "exit", "completed", at("2026-08-03"), None, None,
                         case_ref, None, None, None, None, None, None)


def _ans(answer_id, text, score):
    return AnswerRow(answer_id, answer_id, "better", None, text, "positive" if score > 0 else "negative", score,
                     ("listened_to",), at("2026-08-03"))


def test_quotes_are_the_most_positive_most_negative_and_middle_redacted_and_free_of_case_refs():
    pairs = [(_inv(i, i), _ans(i, text, score)) for i, (text, score) in enumerate(
        [("Sam was great", 0.9), ("fine", 0.1), ("they listened", 0.5), ("too slow", -0.6),
         ("my ref is YJ-77 ok", 0.3)], start=1)]
    # Sorted by score: 0.9 (1), 0.5 (3), 0.3 (5), 0.1 (2), -0.6 (4): picks first, last and middle (answer 5),
    # and answer 5 names a case reference, so it is dropped.
    quotes = choose_quotes(pairs, redact, {"YJ-77"})
    assert [q.text for q in quotes] == ["[name] was great", "too slow"]
    assert choose_quotes(pairs, redact, {"YJ-77"}) == quotes  # the same every time


def test_no_quote_comes_from_an_audience_with_fewer_than_five_people():
    pairs = [(_inv(i, i, "young_person"), _ans(i, f"young {i}", 0.1)) for i in range(1, 6)]
    pairs += [(_inv(9, 9, "victim"), _ans(9, "a victim's words", 0.99))]
    assert all(q.audience == "young_person" for q in choose_quotes(pairs, redact, set()))


# --- the hand-worked dataset ---------------------------------------------------------

@pytest.fixture
def figures(engine):
    build_hand_worked(engine)
    return q3_figures(engine)


def build_hand_worked(engine) -> None:
    """Twelve young people, five parents, eleven victims, in 2026-Q3 unless said otherwise."""
    with session_scope(engine) as session:
        build = Builder(session)
        disposal = ["Referral Order"] * 6 + ["Youth Caution"] * 5 + ["Detention and Training Order"]
        gender = ["Male"] * 7 + ["Female"] * 5
        cases = [build.case(disposal=disposal[i], gender=gender[i]) for i in range(12)]
        yp = [build.person(case, "young_person") for case in cases]
        statuses = ["completed"] * 8 + ["started"] + ["sent"] * 3
        exits = [build.invite(yp[i], "yp_exit", at("2026-08-03"), statuses[i]) for i in range(12)]
        for i, value in enumerate([5, 5, 4, 4, 4, 3, 2, 5, 4]):
            build.answer(exits[i], "listened", str(value))
        for i, value in enumerate([4, 4, 2, 5, 1]):
            build.answer(exits[i], "helped", str(value))
        build.answer(exits[8], "helped", skipped=True)
        comments = [("Sam listened to me", "positive", 0.5, ("listened_to",)),
                    ("they listened and explained", "positive", 0.4, ("listened_to", "explained_clearly")),
                    ("listened but it was slow", "neutral", 0.0, ("listened_to", "fairness_speed")),
                    ("nobody listened", "negative", -0.5, ("listened_to",)),
                    ("listened, call me 01234 567890", "positive", 0.2, ("listened_to",)),
                    ("ok", "neutral", 0.0, ())]
        for i, (text, sentiment, score, themes) in enumerate(comments):
            build.answer(exits[i], "better", text=text, sentiment=sentiment, score=score, themes=themes)
        # Journey of change: a review in Q2, then the exit in Q3.
        reviews = [build.invite(yp[i], "yp_review", at("2026-05-05"), occasion="review") for i in range(6)]
        for i, (before, after) in enumerate([(3, 6), (4, 4), (5, 7), (6, 5), (2, 5), (5, 8)]):
            build.answer(reviews[i], "j_school", str(before))
            build.answer(exits[i], "j_school", str(after))
        for i in range(4):
            build.answer(reviews[i], "j_feel", "5")
            build.answer(exits[i], "j_feel", "6")
        build.answer(exits[6], "j_school", "9")  # only one rating: no distance
        old = build.invite(yp[0], "yp_review", at("2023-05-01"), occasion="review:old")  # over two years before the trend window
        build.answer(old, "j_school", "1")
        # Parents and carers of the first five.
        parents = [build.invite(build.person(cases[i], "parent_carer"), "pc_exit", at("2026-08-04")) for i in range(5)]
        for i, value in enumerate([5, 4, 4, 3, 5]):
            build.answer(parents[i], "informed", str(value))
        build.answer(parents[0], "comments", text="listened to my worries", sentiment="positive", score=0.3,
                     themes=("listened_to",))
        # Victims of eleven cases; the eleventh never answered.
        victims = [build.invite(build.person(cases[i], "victim", "V1"), "victim_followup", at("2026-08-10"),
                                "completed" if i < 10 else "sent", "followup:1") for i in range(11)]
        for i in range(10):
            build.answer(victims[i], "safer", "yes" if i < 5 else "no")
            build.answer(victims[i], "support", "well" if i < 6 else "ok" if i < 9 else "poorly")
            build.answer(victims[i], "call", "yes" if i < 5 else "no")
        # Left out: sent after the period, a person erased at their request, never sent, another service.
        build.invite(build.person(build.case(), "young_person"), "yp_exit", at("2026-10-02"))
        erased = build.person(build.case(), "young_person")
        erased.erased_at = at("2026-09-01")
        build.answer(build.invite(erased, "yp_exit", at("2026-08-03")), "listened", "1")
        session.add(Invitation(participant_id=yp[11].id, survey_id="yp_exit", occasion="manual:1",
                               due_at=at("2026-09-01")))
        other = Builder(session, code="other")
        build.invite(other.person(other.case(case_ref="OT-1"), "young_person"), "yp_exit", at("2026-08-03"))
        # Safeguarding: acknowledged after 10, 20, 30, 45 minutes, never, and 5 minutes; one in Q2.
        for minutes in (10, 20, 30, 45, None, 5):
            build.alert(yp[0], at("2026-08-05"), minutes)
        build.alert(yp[0], at("2026-06-05"), 1)
        build.action("listened_to", "Panels now start by asking the young person what matters to them.", at("2026-07-20"))
        build.action("fairness_speed", "First appointments within ten working days.", at("2026-07-10"))
        build.action("fairness_speed", "Last quarter's action.", at("2026-06-10"))
        build.action("practical_access", "Bus passes for long journeys.", at("2026-05-10"), "in_progress", "Service manager")
        build.action("education_school", "Next quarter's plan.", at("2026-11-10"), "planned")


def q3_figures(engine, service_code: str = "yot"):
    with session_scope(engine) as session:
        rows = load_rows(session, ensure_service(session, service_code, "").id, Q3, LONDON)
    return compute_figures(rows, Q3, DEFINITIONS, CATALOGUE, redact, LONDON, ["safer"], 30)


def _audience(figures, audience):
    return next(b for b in figures.audiences if b.audience == audience)


def test_response_and_completion_rates(figures):
    yp = _audience(figures, "young_person")
    assert yp.sent.count == 12
    # 8 completed + 1 started = 9 of 12 responded; 8 of 12 completed.
    assert (yp.response_rate.count, yp.response_rate.n, yp.response_rate.value) == (9, 12, 0.75)
    # Wilson: centre (0.75 + 1.96²/24) / (1 + 1.96²/12) = 0.9101/1.3201 = 0.6894;
    # half 1.96·√(0.75·0.25/12 + 1.96²/576) / 1.3201 = 0.2217.
    assert (yp.response_rate.low, yp.response_rate.high) == pytest.approx((0.4677, 0.9111), abs=1e-4)
    assert (yp.completion_rate.count, yp.completion_rate.n) == (8, 12)
    parents, victims = _audience(figures, "parent_carer"), _audience(figures, "victim")
    assert (parents.response_rate.count, parents.response_rate.n) == (5, 5)
    assert (victims.response_rate.count, victims.response_rate.n) == (10, 11)  # the eleventh was only sent
    assert [b.audience for b in figures.audiences] == ["young_person", "parent_carer", "victim"]


def test_satisfaction_from_ratings_and_from_comments(figures):
    yp = _audience(figures, "young_person")
    # Per person: listened 5,5,4,4,4,3,2,5,4 and helped 4,4,2,5,1 (the skipped one is left out) give
    # averages 4.5, 4.5, 3, 4.5, 2.5, 3, 2, 5, 4: five of the nine people who rated averaged 4 or more.
    assert (yp.satisfaction_scale.count, yp.satisfaction_scale.n) == (5, 9)
    # Comments: 3 of the 6 people who wrote were mostly positive; split three ways, every cell is
    # 1 to 4 people, so all three are hidden (the comment_shares tests show them with more people).
    assert [c.suppressed for c in yp.comments.all()] == [SMALL, SMALL, SMALL]
    assert yp.satisfaction_text is yp.comments.positive
    # listened: 36/9 = 4.0; helped: 16/5 = 3.2.
    assert [(m.label, m.value, m.n) for m in yp.question_means] == [
        ("Did working with us help you?", 3.2, 5), ("Did your worker listen to you?", 4.0, 9)]
    parents = _audience(figures, "parent_carer")
    assert (parents.satisfaction_scale.count, parents.satisfaction_scale.n) == (4, 5)  # 5,4,4,3,5
    assert parents.satisfaction_text.suppressed == SMALL  # one comment
    victims = _audience(figures, "victim")
    # No 1-5 questions at all: nothing to hide, so "none" rather than "fewer than 5".
    assert (victims.satisfaction_scale.value, victims.satisfaction_scale.n, victims.satisfaction_scale.suppressed) == (None, 0, None)


def test_breakdowns_with_primary_and_secondary_suppression(figures):
    yp = {b.dimension: b for b in _audience(figures, "young_person").breakdowns}
    # Disposal: the one DTO is merged with the next smallest (Youth Caution, 5) into "Other disposals"
    # before suppression, so both groups show: Referral Order 6 of 6, the other six 3 of 6.
    assert [(f.label, f.count, f.n) for f in yp["disposal"].response] == [("Referral Order", 6, 6),
                                                                          ("Other disposals", 3, 6)]
    assert yp["disposal"].merged == ["Groups with fewer than 5 people are shown together as “Other disposals”."]
    # Ratings: Referral Order 6 people, the others 3 (small), so Referral Order is hidden too.
    assert [f.suppressed for f in yp["disposal"].satisfaction] == [SECONDARY, SMALL]
    # Type of disposal is never merged: the lone custody case is hidden, and with it the out-of-court five.
    tiers = {f.label: f for f in yp["disposal_tier"].response}
    assert (tiers["First-tier court order"].count, tiers["First-tier court order"].n) == (6, 6)
    assert tiers["Community order or custody"].suppressed == SMALL
    assert tiers["Out-of-court disposal"].suppressed == SECONDARY and tiers["Out-of-court disposal"].n is None
    by_gender = {f.label: f for f in yp["gender"].response}
    assert (by_gender["Male"].count, by_gender["Male"].n) == (7, 7)
    assert (by_gender["Female"].count, by_gender["Female"].n, by_gender["Female"].value) == (2, 5, 0.4)
    assert [(f.label, f.count, f.n) for f in yp["send"].response] == [("Not recorded", 9, 12)]
    parents = {b.dimension: b for b in _audience(figures, "parent_carer").breakdowns}
    assert [(f.label, f.count, f.n) for f in parents["disposal"].response] == [("Referral Order", 5, 5)]
    assert _audience(figures, "victim").breakdowns == []


def test_trend_over_four_quarters(figures):
    points = [(p.period, p.audience, p.response_rate.count, p.response_rate.n, p.satisfaction_scale.count)
              for p in figures.trend]
    # Q2 holds only the six completed reviews, which have no 1-5 ratings; the 2025 review is outside.
    assert points == [("2026-Q2", "young_person", 6, 6, None), ("2026-Q3", "young_person", 9, 12, 5),
                      ("2026-Q3", "parent_carer", 5, 5, 4), ("2026-Q3", "victim", 10, 11, None)]


def test_distance_travelled(figures):
    (school,) = [d for d in figures.distance if d.area == "education"]
    # First 3,4,5,6,2,5 (mean 25/6) and latest 6,4,7,5,5,8 (35/6): changes +3,0,+2,-1,+3,+3 = 10/6;
    # improved 4 of 6. The 2023 rating of 1 is outside the window; the lone exit rating does not count.
    assert school.before.value == pytest.approx(25 / 6) and school.after.value == pytest.approx(35 / 6)
    assert (school.change.value, school.change.n) == (pytest.approx(10 / 6), 6)
    assert (school.improved.count, school.improved.n) == (4, 6)
    # Seven gave an end rating; six have a start to pair it with, all from a first review (no start survey).
    assert (school.ended.count, school.from_start.count, school.from_review.count) == (7, 0, 6)
    (feel,) = [d for d in figures.distance if d.area == "wellbeing"]
    assert feel.change.suppressed == SMALL and feel.improved.suppressed == SMALL  # four young people


def test_themes_counted_per_person_with_sentiment_and_redacted_quotes(figures):
    assert figures.free_text_people.count == 7  # six young people and one parent wrote something
    listened = figures.themes[0]
    # Five young people and one parent: 6 of 7 writers. Sentiment over its 6 comments: 4 positive, 1 negative.
    assert (listened.theme, listened.mentions.count, listened.mentions.n) == ("listened_to", 6, 7)
    assert (listened.positive.count, listened.negative.count, listened.positive.n) == (4, 1, 6)
    # Scores 0.5, 0.4, 0.2, 0.0, -0.5 among young people: highest, lowest and middle (0.2), in answer order;
    # the parent's comment is from a group of one, so never quoted.
    assert [q.text for q in listened.candidates] == ["[name] listened to me", "nobody listened", "listened, call me [phone]"]
    others = {t.theme: t for t in figures.themes[1:]}
    assert set(others) == {"explained_clearly", "fairness_speed"}
    assert all(t.mentions.suppressed == SMALL and t.candidates == [] for t in others.values())


def test_victims_results(figures):
    v = figures.victims
    safer, support, call = v.questions
    # Safer: 5 yes, 5 no. Support: 6 well, 3 okay and 1 not well (both small, so no secondary needed).
    assert [(o.label, o.count, o.n) for o in safer.options] == [("Yes", 5, 10), ("No", 5, 10)]
    assert [(o.label, o.count, o.suppressed) for o in support.options] == [
        ("Very well", 6, None), ("Okay", None, SMALL), ("Not well", None, SMALL)]
    assert (v.feeling_safer.count, v.feeling_safer.n, v.feeling_safer.value) == (5, 10, 0.5)
    assert [(o.label, o.count) for o in call.options] == [("Yes", 5), ("No", 5)]
    # Call-backs are counted from the requests staff work through (none in this fixture), not from answers.
    assert (v.callbacks.count, v.callback_outcomes[0].count) == (0, 0)


def test_safeguarding_counts_and_acknowledgement(figures):
    s = figures.safeguarding
    # Six urgent alerts this quarter, taken after 10, 20, 30, 45, never and 5 minutes:
    # within 30 minutes 10, 20, 30 and 5 = 4 of 6; one late, one never; median of 5, 10, 20, 30, 45 is 20.
    assert s.alerts.count == 6
    assert (s.all.in_time.count, s.all.in_time.n) == (4, 6)
    urgent, review, everything = s.tiers
    assert (urgent.tier, review.tier, everything.tier) == ("urgent", "review", "all")
    assert [(t.raised.count, t.taken_in_time.count, t.taken_late.count, t.never_taken.count, t.median_minutes)
            for t in (urgent, review, everything)] == [(6, 4, 1, 1, 20.0), (0, 0, 0, 0, None), (6, 4, 1, 1, 20.0)]


def _alert(minutes_to_take, tier="urgent"):
    raised = at("2026-08-05")
    return AlertRow(raised, None if minutes_to_take is None else raised + timedelta(minutes=minutes_to_take), tier)


@pytest.mark.parametrize("alerts", [
    [_alert(45)],
    [_alert(12), _alert(None, "review")],
    [_alert(3), _alert(31), _alert(None, "review")],
], ids=["one", "two", "three"])
def test_safeguarding_response_figures_are_never_hidden_however_few(alerts):
    s = safeguarding_figures(alerts, 30)
    figures = [f for t in s.tiers for f in (t.raised, t.taken_in_time, t.taken_late, t.never_taken, t.in_time)]
    assert all(f.suppressed is None for f in figures)
    everything = s.all
    taken = [a for a in alerts if a.acknowledged_at]
    assert everything.raised.count == len(alerts)
    assert everything.taken_in_time.count + everything.taken_late.count == len(taken)
    assert everything.never_taken.count == len(alerts) - len(taken)
    assert everything.in_time.n == len(alerts)


def test_safeguarding_response_figures_worked_by_hand():
    alerts = [_alert(3), _alert(31), _alert(None, "review"), _alert(20, "review"), _alert(30)]
    urgent, review, everything = safeguarding_figures(alerts, 30).tiers
    # Urgent: 3, 31, 30 minutes: two within 30 (30 counts as in time), one later, median 30.
    assert (urgent.raised.count, urgent.taken_in_time.count, urgent.taken_late.count, urgent.never_taken.count,
            urgent.median_minutes) == (3, 2, 1, 0, 30.0)
    # Review: 20 minutes and never: median over those taken only.
    assert (review.raised.count, review.taken_in_time.count, review.never_taken.count, review.median_minutes) == (
        2, 1, 1, 20.0)
    # All: 3 of 5 in time; median of 3, 20, 30, 31 is 25.
    assert (everything.in_time.count, everything.in_time.n, everything.median_minutes) == (3, 5, 25.0)
    assert everything.in_time.low == pytest.approx(wilson(3, 5)[0])


def test_a_review_alert_is_held_to_its_own_target_not_the_urgent_one():
    alerts = [_alert(25), _alert(31), _alert(3 * 60, "review"), _alert(25 * 60, "review")]
    s = safeguarding_figures(alerts, 30, review_target_hours=24)
    urgent, review, everything = s.tiers
    assert (urgent.taken_in_time.count, urgent.taken_late.count) == (1, 1)
    # Read three hours later is in time for a review alert (the same day); a day and an hour is late.
    assert (review.taken_in_time.count, review.taken_late.count) == (1, 1)
    assert (everything.taken_in_time.count, everything.taken_late.count) == (2, 2)
    assert (s.target_of("urgent"), s.target_of("review"), s.target_of("all")) == (
        timedelta(minutes=30), timedelta(hours=24), None)


def test_no_alerts_gives_zeros_and_no_share():
    everything = safeguarding_figures([], 30).all
    assert (everything.raised.count, everything.never_taken.count, everything.median_minutes) == (0, 0, None)
    assert (everything.in_time.value, everything.in_time.n, everything.in_time.suppressed) == (None, 0, None)


# --- quotes never come from an alert -------------------------------------------------

DISCLOSURE = "my worker listened to me even when my dad hits me at home"  # the real screen flags this


def _listened(i, text, score, audience="young_person"):
    return _inv(i, i, audience), _ans(i, text, score)


def test_an_answer_that_raised_an_alert_is_never_quoted_and_the_next_takes_its_place():
    pairs = [_listened(i, text, score) for i, (text, score) in enumerate(
        [("listened to me every single week", 0.9), ("fine", 0.1), ("they listened", 0.5), ("too slow", -0.6),
         ("listened sometimes", 0.3)], start=1)]
    # Answer 1 is the most positive, but it raised an alert (its invitation 1, question "better").
    quotes = choose_quotes(pairs, redact, set(), alerted={(1, "better")}, flagged=lambda text, audience: False)
    # Left: 0.5 (3), 0.3 (5), 0.1 (2), -0.6 (4): the most positive is now answer 3, the middle answer 2.
    assert [q.text for q in quotes] == ["fine", "they listened", "too slow"]


def test_an_answer_the_screen_flags_now_is_never_quoted():
    pairs = [_listened(i, text, score) for i, (text, score) in enumerate(
        [(DISCLOSURE, 0.9), ("fine", 0.1), ("they listened", 0.5), ("too slow", -0.6), ("listened sometimes", 0.3)],
        start=1)]
    quotes = choose_quotes(pairs, redact, set())  # the real screen, no alert rows
    assert DISCLOSURE not in [q.text for q in quotes] and len(quotes) == 3
    assert quotes[0].text == "they listened"


def test_the_screen_runs_only_on_candidates():
    pairs = [_listened(i, f"comment {i}", i / 100) for i in range(1, 200)]
    screened = []
    choose_quotes(pairs, redact, set(), flagged=lambda text, audience: screened.append(text) or False)
    assert len(screened) == 3


def test_answers_that_raised_alerts_still_count_in_themes_but_are_not_quoted(engine):
    with session_scope(engine) as session:
        build = Builder(session)
        people = [build.person(build.case(), "young_person") for _ in range(6)]
        exits = [build.invite(person, "yp_exit", at("2026-08-03")) for person in people]
        comments = [(DISCLOSURE, 0.9), ("listened to me every single week", 0.8), ("they listened", 0.5),
                    ("listened sometimes", 0.3), ("listened a bit", 0.1), ("nobody listened", -0.5)]
        for inv, (text, score) in zip(exits, comments):
            build.answer(inv, "better", text=text, sentiment="positive" if score > 0 else "negative", score=score,
                         themes=("listened_to",))
        # An alert on answer 2 (a review raised by an older screen that would not flag it now),
        # and one on answer 1 itself. An alert outside any survey names no answer.
        for inv in exits[:2]:
            session.add(SafeguardingAlert(service_id=build.service.id, participant_id=inv.participant_id,
                                          invitation_id=inv.id, question_id="better", tier="review",
                                          reason="test", created_at=at("2026-08-03")))
        session.add(SafeguardingAlert(service_id=build.service.id, participant_id=exits[2].participant_id,
                                      reason="test", created_at=at("2026-08-04")))
    figures = q3_figures(engine)
    (listened,) = figures.themes
    assert (listened.mentions.count, listened.positive.count, listened.negative.count) == (6, 5, 1)
    # Answers 1 and 2 are left out; of 0.5, 0.3, 0.1 and -0.5 the highest, lowest and middle are quoted.
    assert [q.text for q in listened.candidates] == ["they listened", "listened a bit", "nobody listened"]
    assert figures.safeguarding.alerts.count == 3


def test_you_said_we_did_shows_the_periods_actions_and_the_open_ones_by_theme_label(figures):
    assert [(a.label, a.text, a.on, a.status, a.owner) for a in figures.actions] == [
        ("Fairness speed", "First appointments within ten working days.", date(2026, 7, 10), "done", None),
        ("Listened to", "Panels now start by asking the young person what matters to them.", date(2026, 7, 20), "done", None),
        # Still open from last quarter; last quarter's done action and next quarter's plan are left out.
        ("Practical access", "Bus passes for long journeys.", date(2026, 5, 10), "in_progress", "Service manager")]


# --- equality that shows: merge before suppressing -------------------------------------

def _row(i: int, audience="young_person", status="completed", survey_id="yp_exit", occasion="exit",
         sent="2026-08-03", person=None, **case) -> InvitationRow:
    details = {"disposal": "Referral Order", "locality": "North", "gender": "Male", "ethnicity": "White British",
               "age_band": "14-15", "send": False, "looked_after": False, **case}
    return InvitationRow(i, i if person is None else person, audience, survey_id, occasion, status, at(sent),
                         at(sent) if status != "sent" else None, at(sent) if status == "completed" else None,
                         f"YJ-{i}", details["disposal"], details["locality"], details["gender"],
                         details["ethnicity"], details["age_band"], details["send"], details["looked_after"])


def _yp_figures(rows, answers=()):
    return audience_figures("young_person", rows, list(answers), {k: q for k, q in _DEF_QUESTIONS.items()})


_DEF_QUESTIONS = {(sid, q.id): q for sid, d in DEFINITIONS.items() for q in d.questions}


def _by(figures, dimension):
    return next(b for b in figures.breakdowns if b.dimension == dimension)


def test_ethnicities_fall_into_the_five_ons_groups():
    assert ons_group("White British") == ons_group("White Other") == ons_group("Gypsy or Irish Traveller") == "White"
    assert ons_group("Mixed White and Black Caribbean") == "Mixed or multiple ethnic groups"
    assert ons_group("Black British African") == "Black, Black British, Caribbean or African"
    assert ons_group("Asian British Pakistani") == "Asian or Asian British"
    assert ons_group("Arab") == ons_group("Any other ethnic group") == "Other ethnic group"
    assert ons_group("Not stated") == ons_group(None) == "Not recorded"


def test_small_minority_groups_are_shown_together_instead_of_each_being_hidden():
    ethnicities = ["White British"] * 10 + ["Black British Caribbean"] * 3 + ["Asian British Indian"] * 2 + ["Mixed"] * 4
    rows = [_row(i, status="completed" if i % 2 else "sent", ethnicity=e) for i, e in enumerate(ethnicities)]
    by_ethnicity = _by(_yp_figures(rows), "ethnicity")
    # 3 + 2 + 4 = 9 children from minority ethnic groups: together they reach 5, so the board sees them.
    assert [(f.label, f.n, f.suppressed) for f in by_ethnicity.response] == [
        ("White", 10, None), ("All minority ethnic groups", 9, None)]
    assert any("All minority ethnic groups" in note for note in by_ethnicity.merged)


def test_girls_are_shown_when_the_small_genders_together_reach_five():
    genders = ["Male"] * 10 + ["Female"] * 6 + ["Non-binary"] + [None] * 4
    by_gender = _by(_yp_figures([_row(i, gender=g) for i, g in enumerate(genders)]), "gender")
    assert [(f.label, f.n, f.suppressed) for f in by_gender.response] == [
        ("Male", 10, None), ("Female", 6, None), ("Other or not stated", 5, None)]
    assert by_gender.merged and "Non-binary" not in " ".join(by_gender.merged)  # the note names no small group


def test_a_merged_group_still_under_five_is_hidden_and_protected():
    genders = ["Male"] * 10 + ["Female"] * 6 + ["Non-binary"] * 2
    by_gender = {f.label: f for f in _by(_yp_figures([_row(i, gender=g) for i, g in enumerate(genders)]),
                                         "gender").response}
    assert by_gender["Other or not stated"].suppressed == SMALL
    # One more cell must go, or 18 - 10 - 6 would give the two away: boys' figure, not girls'.
    assert by_gender["Male"].suppressed == SECONDARY
    assert (by_gender["Female"].n, by_gender["Female"].suppressed) == (6, None)


def test_minority_ethnic_groups_are_not_hidden_to_protect_a_few_not_recorded():
    ethnicities = ["White British"] * 20 + ["Black British African"] * 6 + ["Asian"] * 5 + [None] * 2
    by_ethnicity = {f.label: f for f in _by(_yp_figures([_row(i, ethnicity=e) for i, e in enumerate(ethnicities)]),
                                           "ethnicity").response}
    assert by_ethnicity["Not recorded"].suppressed == SMALL and by_ethnicity["White"].suppressed == SECONDARY
    assert by_ethnicity["Black, Black British, Caribbean or African"].n == 6
    assert by_ethnicity["Asian or Asian British"].n == 5


def test_ages_go_into_wider_bands_when_a_band_is_small():
    bands = ["10-13"] * 3 + ["14-15"] * 6 + ["16-17"] * 8
    by_age = _by(_yp_figures([_row(i, age_band=b) for i, b in enumerate(bands)]), "age_band")
    assert [(f.label, f.n) for f in by_age.response] == [("10-15", 9), ("16 and over", 8)]
    wide = ["10-13"] * 5 + ["14-15"] * 6 + ["16-17"] * 8
    assert [f.label for f in _by(_yp_figures([_row(i, age_band=b) for i, b in enumerate(wide)]), "age_band").response] \
        == ["10-13", "14-15", "16-17"]


def test_looked_after_first_tier_and_send_are_reported():
    rows = [_row(i, looked_after=i < 5, send=i >= 5, disposal="Youth Caution" if i < 6 else "Referral Order")
            for i in range(12)]
    figures = _yp_figures(rows)
    assert [(f.label, f.n) for f in _by(figures, "looked_after").response] == [("Looked after", 5), ("Not looked after", 7)]
    assert [(f.label, f.n) for f in _by(figures, "send").response] == [("No SEND", 5), ("SEND", 7)]
    assert [(f.label, f.n) for f in _by(figures, "disposal_tier").response] == [
        ("Out-of-court disposal", 6), ("First-tier court order", 6)]
    assert disposal_tier("Youth Rehabilitation Order") == disposal_tier("Detention and Training Order") \
        == "Community order or custody"


# --- people, not ratings ---------------------------------------------------------------

def test_someone_who_rated_many_times_counts_once():
    # Person 0 answered five surveys and rated 5 each time; four others rated 1 once.
    rows = [_row(i, person=0) for i in range(5)] + [_row(i) for i in range(5, 9)]
    answers = [(row, AnswerRow(row.id, row.id, "listened", "5" if row.participant_id == 0 else "1", None, None,
                               None, (), at("2026-08-04"))) for row in rows]
    figures = _yp_figures(rows, answers)
    # Five people, one of whom averaged 4 or more: 20%, not the 5 of 9 ratings (56%).
    assert (figures.satisfaction_scale.count, figures.satisfaction_scale.n) == (1, 5)
    assert (figures.response_rate.count, figures.response_rate.n) == (5, 5)
    (listened,) = figures.question_means
    assert (listened.value, listened.n) == (pytest.approx((5 + 1 + 1 + 1 + 1) / 5), 5)
    assert figures.satisfaction_scale.high == pytest.approx(wilson(1, 5)[1])  # the range is over people too


def _school_ratings():
    """``rated(person, occasion, survey, day, value)`` adds one "how is school going" rating to ``answers``."""
    answers = []

    def rated(person, occasion, survey, day, value):
        row = _row(len(answers) + 1, person=person, survey_id=survey, occasion=occasion, sent=day)
        answers.append((row, AnswerRow(row.id, row.id, "j_school", str(value), None, None, None, (), at(day))))

    return rated, answers


def test_distance_pairs_the_start_survey_with_the_exit_and_falls_back_to_the_first_review():
    q = {("yp_start", "j_school"): DEFINITIONS["yp_review"].questions[0], **_DEF_QUESTIONS}
    rated, answers = _school_ratings()

    for person in range(5):  # started at 3, a review at 5, ended at 7: measured from the start, +4
        rated(person, "start", "yp_start", "2025-11-03", 3)
        rated(person, "review:2026-03-02", "yp_review", "2026-03-02", 5)
        rated(person, "exit", "yp_exit", "2026-08-03", 7)
    for person in range(5, 10):  # no start survey: from the first review (4) to the end (6), +2
        rated(person, "review:2026-02-02", "yp_review", "2026-02-02", 4)
        rated(person, "review:2026-05-04", "yp_review", "2026-05-04", 8)
        rated(person, "exit", "yp_exit", "2026-08-03", 6)
    rated(10, "exit", "yp_exit", "2026-08-03", 9)  # an end with nothing to compare it with
    (school,) = distance_figures(Q3, LONDON, answers, q)
    assert (school.ended.count, school.from_start.count, school.from_review.count) == (11, 5, 5)
    assert (school.before.value, school.after.value) == (pytest.approx(3.5), pytest.approx(6.5))
    assert (school.change.value, school.change.n) == (pytest.approx(3.0), 10)
    assert (school.improved.count, school.improved.n) == (10, 10)


def test_distance_hides_the_other_start_count_when_one_could_be_worked_out_from_the_pairs():
    # Five start with the start survey, three from their first review: the report shows the 8 with both,
    # so showing the 5 would give away the hidden 3 (8 - 5).
    q = {("yp_start", "j_school"): DEFINITIONS["yp_review"].questions[0], **_DEF_QUESTIONS}
    rated, answers = _school_ratings()

    for person in range(5):
        rated(person, "start", "yp_start", "2025-11-03", 3)
        rated(person, "exit", "yp_exit", "2026-08-03", 7)
    for person in range(5, 8):
        rated(person, "review:2026-02-02", "yp_review", "2026-02-02", 4)
        rated(person, "exit", "yp_exit", "2026-08-03", 6)
    (school,) = distance_figures(Q3, LONDON, answers, q)
    assert school.improved.n == 8  # the people with both, shown
    assert school.from_review.suppressed == SMALL
    assert school.from_start.suppressed == SECONDARY and school.from_start.count is None


def test_no_breakdowns_when_fewer_than_five_were_invited():
    # Three boys, White, 14-15, on a referral order in North: a table listing only their groups would say so.
    figures = _yp_figures([_row(i) for i in range(3)])
    assert figures.sent.suppressed == SMALL
    assert figures.breakdowns == []


def test_a_few_raters_are_not_placed_in_their_groups():
    # Ten invited, two gave a rating, both looked after: "fewer than 5" beside one group and "no ratings"
    # beside the other would tell the board which group the two are in.
    rows = [_row(i, looked_after=i < 5) for i in range(10)]
    answers = [(rows[i], AnswerRow(i, rows[i].id, "listened", "4", None, None, None, (), at("2026-08-04")))
               for i in range(2)]
    looked_after = _by(_yp_figures(rows, answers), "looked_after")
    assert [(f.label, f.n) for f in looked_after.response] == [("Looked after", 5), ("Not looked after", 5)]
    assert [(f.label, f.suppressed) for f in looked_after.satisfaction] == [
        ("Looked after", SMALL), ("Not looked after", SMALL)]


def test_hidden_cells_that_add_up_to_their_small_count_take_another_with_them():
    # 7 people: 6 "safer", 1 "no change", none else. Hiding "no change" and an empty cell still leaves
    # 7 - 6 = 1 between them, and "fewer than 5" is at least 1: the one would be known exactly.
    sizes = {"safer": 6, "no change": 1, "less safe": 0, "not sure": 0}
    reasons = suppress_cells(sizes)
    assert reasons["no change"] == SMALL and reasons["safer"] == SECONDARY
    assert suppress_cells({"a": 1, "b": 1, "c": 6}) == {"a": SMALL, "b": SMALL, "c": SECONDARY}


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 30), min_size=1))
def test_no_small_cell_can_be_pinned_to_exactly_one(sizes):
    reasons = suppress_cells(sizes)
    small = [key for key, reason in reasons.items() if reason == SMALL]
    hidden_total = sum(size for key, size in sizes.items() if reasons[key])
    assert not small or hidden_total > len(small) or all(reasons.values())  # all hidden: nothing to subtract
