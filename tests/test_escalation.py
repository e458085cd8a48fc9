"""Safeguarding alerts: delivered despite Telegram errors, and escalated until somebody takes them.

The escalation clock only runs inside the send window (09:00-20:00 UK time), across nights
and clock changes.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from surveys.models import Role, SafeguardingAlert
from surveys.schedule import alert_overdue, window_minutes
from surveys.store import session_scope
from tests.bot_world import FakeClock, asks, world

UK = ZoneInfo("Europe/London")
WINDOW = (time(9), time(20))


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize("created, now, minutes", [
    (utc(2026, 12, 1, 10, 0), utc(2026, 12, 1, 10, 30), 30),      # a winter morning: plain minutes
    (utc(2026, 12, 1, 19, 50), utc(2026, 12, 2, 9, 20), 30),       # 10 before close, 20 after opening
    (utc(2026, 12, 1, 23, 0), utc(2026, 12, 2, 8, 59), 0),         # all night: nothing counts
    (utc(2026, 12, 4, 19, 0), utc(2026, 12, 7, 9, 0), 60 + 660 + 660),  # Fri 19:00 to Mon 09:00: 60 + Sat + Sun
    (utc(2026, 3, 28, 19, 45), utc(2026, 3, 29, 8, 15), 30),       # clocks go forward: opens 08:00 UTC
    (utc(2026, 10, 24, 18, 50), utc(2026, 10, 25, 9, 20), 30),     # clocks go back: 19:50 BST, opens 09:00 UTC
    (utc(2026, 6, 1, 18, 59), utc(2026, 6, 1, 19, 59), 1),         # summer: the window closes at 19:00 UTC
])
def test_only_send_window_minutes_count(created, now, minutes):
    assert window_minutes(created, now, UK, WINDOW) == pytest.approx(minutes)


def test_an_alert_is_overdue_at_thirty_window_minutes_not_before():
    created = utc(2026, 3, 28, 19, 45)  # Saturday evening before the clocks go forward
    assert not alert_overdue(created, utc(2026, 3, 29, 8, 14), UK, WINDOW, 30)
    assert alert_overdue(created, utc(2026, 3, 29, 8, 15), UK, WINDOW, 30)
    assert not alert_overdue(created, created - timedelta(minutes=5), UK, WINDOW, 30)  # a clock running behind


def _alert(w, *, notified: bool) -> int:
    with session_scope(w.heard.engine) as session:
        alert = SafeguardingAlert(service_id=w.heard.service_id, participant_id=1, reason="harm at home",
                                  text="a disclosure", created_at=w.clock(), help_sent_at=w.clock(),
                                  notified_at=w.clock() if notified else None, notify_attempts=int(notified))
        session.add(alert)
        session.flush()
        return alert.id


def _alert_messages(user) -> list[str]:
    return [m["text"] for m in user.messages if "safeguarding disclosure" in (m.get("text") or "")]


def _add_team(w):
    w.add_staff(900, Role.duty, "Priya")
    w.add_staff(901, Role.manager, "Sam")
    w.add_staff(902, Role.admin, "Jo")
    w.add_staff(903, Role.case_worker, "Kim")
    return w.user(900), w.user(901), w.user(902), w.user(903)


async def _disclose(w, user_id: int):
    """A young person tells the bot something worrying in their exit survey."""
    child = await w.join(user_id, "YJ-24-0117", "young_person")
    await w.skip_until(child, asks("anything else"))
    await child.send_text("my stepdad hurts me when he is drunk")
    await w.settle()
    return child


async def test_an_untaken_alert_escalates_every_thirty_window_minutes_to_whoever_holds_a_role(db_url):
    clock = FakeClock(utc(2026, 12, 1, 19, 45))  # a Tuesday evening, 15 minutes before the window closes
    async with world(db_url, clock=clock) as w:
        duty, manager, admin, case_worker = _add_team(w)
        await _disclose(w, 611)
        assert len(_alert_messages(duty)) == 1 and _alert_messages(manager) == []

        clock.now = utc(2026, 12, 2, 9, 14)  # 15 + 14 window minutes: not yet
        assert (await w.tick()).escalated == 0
        assert _alert_messages(manager) == []
        clock.now = utc(2026, 12, 2, 9, 15)
        assert (await w.tick()).escalated == 1
        for person in (manager, admin, duty):
            assert "Nobody has taken this alert yet" in _alert_messages(person)[-1]
            assert "Reminder 1" in _alert_messages(person)[-1]
        assert _alert_messages(case_worker) == []
        [alert] = w.rows(SafeguardingAlert)
        assert (alert.escalations, alert.escalated_at) == (1, clock.now)

        w.add_staff(950, Role.admin, "Ade")  # joins the team after the alert was raised
        newcomer = w.user(950)
        clock.advance(minutes=29)
        assert (await w.tick()).escalated == 0
        clock.advance(minutes=1)
        assert (await w.tick()).escalated == 1
        assert len(_alert_messages(manager)) == 2 and "Reminder 2" in _alert_messages(manager)[-1]
        [for_newcomer] = _alert_messages(newcomer)
        assert "Reminder 2" in for_newcomer and "YJ-24-0117" in for_newcomer
        assert len(_alert_messages(duty)) == 3  # the first alert and both reminders

        await newcomer.press("I'm dealing with this")
        await w.settle()
        clock.advance(hours=3)
        assert (await w.tick()).escalated == 0
        assert [len(_alert_messages(p)) for p in (duty, manager, admin, newcomer)] == [3, 2, 2, 1]
        [alert] = w.rows(SafeguardingAlert)
        assert alert.acknowledged_at is not None and alert.escalations == 2


async def test_a_taken_alert_is_never_escalated(db_url):
    async with world(db_url) as w:
        duty, manager, *_ = _add_team(w)
        await _disclose(w, 613)
        await duty.press("I'm dealing with this")
        await w.settle()
        w.clock.advance(hours=2)
        assert (await w.tick()).escalated == 0
        assert _alert_messages(manager) == []


@pytest.mark.parametrize("fault", [{"status": 500}, {"status": 429, "retry_after": 1}, {"status": 502}])
async def test_an_alert_reaches_the_duty_worker_after_a_failed_first_attempt(db_url, fault):
    async with world(db_url) as w:
        duty, *_ = _add_team(w)
        await w.join(612, "YJ-24-0117", "young_person")
        alert_id = _alert(w, notified=False)
        w.emu.fail_next("sendMessage", **fault)
        assert (await w.tick()).alerts == 0
        [alert] = w.rows(SafeguardingAlert, SafeguardingAlert.id == alert_id)
        assert alert.notified_at is None and alert.notify_attempts == 1
        assert (await w.tick()).alerts == 1
        assert len(_alert_messages(duty)) == 1
        assert (await w.tick()).alerts == 0  # delivered: never sent again
        assert len(_alert_messages(duty)) == 1
