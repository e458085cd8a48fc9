"""The start-of-intervention survey: the baseline for distance travelled, planned from the case's start date."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from surveys.schedule import occasions_for
from surveys.schema import load_all


def _case(start):
    return SimpleNamespace(intervention_start=start, intervention_end=date(2027, 3, 1), review_dates="",
                           restorative_closed_on=None)


def test_a_young_person_is_asked_a_week_after_their_intervention_starts():
    occasions = {o.survey_id: o for o in occasions_for(_case(date(2026, 10, 5)), "young_person", load_all())}
    assert (occasions["yp_start"].occasion, occasions["yp_start"].due_day) == ("start", date(2026, 10, 12))
    assert occasions["yp_exit"].due_day == date(2027, 3, 1)


def test_no_start_date_means_no_start_survey_and_parents_never_get_it():
    assert "yp_start" not in {o.survey_id for o in occasions_for(_case(None), "young_person", load_all())}
    assert "yp_start" not in {o.survey_id for o in occasions_for(_case(date(2026, 10, 5)), "parent_carer", load_all())}
