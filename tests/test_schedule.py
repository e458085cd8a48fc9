from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from surveys.schedule import (Occasion, in_window, next_send_time, occasions_for, reminder_due, retry_delay)

LONDON = ZoneInfo("Europe/London")
WINDOW = (time(9), time(20))
UTC = timezone.utc


@pytest.mark.parametrize("moment,expected", [
    # inside the window (summer time: 10:00 UTC is 11:00 BST)
    (datetime(2026, 7, 1, 10, 0, tzinfo=UTC), datetime(2026, 7, 1, 10, 0, tzinfo=UTC)),
    # 02:00 BST at night -> 09:00 BST the same day = 08:00 UTC
    (datetime(2026, 7, 1, 1, 0, tzinfo=UTC), datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
    # 20:00 BST exactly is closed -> next morning
    (datetime(2026, 7, 1, 19, 0, tzinfo=UTC), datetime(2026, 7, 2, 8, 0, tzinfo=UTC)),
    # winter: 21:30 GMT -> 09:00 GMT next day
    (datetime(2026, 1, 15, 21, 30, tzinfo=UTC), datetime(2026, 1, 16, 9, 0, tzinfo=UTC)),
    # the clocks go back overnight (25 Oct 2026): 23:00 BST Saturday -> 09:00 GMT Sunday
    (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
    # the clocks go forward overnight (29 Mar 2026): 22:00 GMT Saturday -> 09:00 BST Sunday
    (datetime(2026, 3, 28, 22, 0, tzinfo=UTC), datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),
])
def test_nothing_goes_out_at_night(moment, expected):
    sent = next_send_time(moment, LONDON, WINDOW)
    assert sent == expected
    assert in_window(sent, LONDON, WINDOW)


def _definition(survey_id, audience, trigger, offsets):
    schedule = SimpleNamespace(trigger=trigger, offsets=offsets)
    return SimpleNamespace(id=survey_id, version=2, audience=audience, schedule=schedule)


DEFINITIONS = {
    "exit": _definition("exit", "young_person", "intervention_end", [0]),
    "review": _definition("review", "young_person", "review_date", [0]),
    "victim": _definition("victim", "victim", "restorative_closed", [14, 90]),
    "adhoc": _definition("adhoc", "young_person", "manual", [0]),
}


def test_occasions_follow_the_case_dates():
    case = SimpleNamespace(intervention_end=date(2026, 11, 30), review_dates="2026-06-01;2026-09-01",
                           restorative_closed_on=date(2026, 10, 20))
    assert occasions_for(case, "young_person", DEFINITIONS) == [
        Occasion("exit", 2, "exit", date(2026, 11, 30)),
        Occasion("review", 2, "review:2026-06-01", date(2026, 6, 1)),
        Occasion("review", 2, "review:2026-09-01", date(2026, 9, 1)),
    ]
    assert occasions_for(case, "victim", DEFINITIONS) == [
        Occasion("victim", 2, "followup:1", date(2026, 11, 3)),
        Occasion("victim", 2, "followup:2", date(2027, 1, 18)),
    ]


def test_unknown_dates_schedule_nothing():
    case = SimpleNamespace(intervention_end=None, review_dates="", restorative_closed_on=None)
    assert occasions_for(case, "young_person", DEFINITIONS) == []
    assert occasions_for(case, "victim", DEFINITIONS) == []


def test_reminders_follow_the_survey_and_then_stop():
    sent = datetime(2026, 7, 1, 10, tzinfo=UTC)
    assert reminder_due(sent, [2, 5], 0) == sent + timedelta(days=2)
    assert reminder_due(sent, [2, 5], 1) == sent + timedelta(days=5)
    assert reminder_due(sent, [2, 5], 2) is None


def test_retries_back_off_and_honour_telegrams_retry_after():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(20).total_seconds() == 3600
    assert retry_delay(1, retry_after=7).total_seconds() == 7
