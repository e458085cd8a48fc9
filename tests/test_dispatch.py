"""The dispatcher over the emulator, with a fake clock: nothing at night, reminders that resume,
expiry, blocked bots and flood limits. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from surveys.models import Audience, Invitation, InvitationStatus, Participant
from tests.bot_world import FakeClock, asks, world

YP = ("YJ-24-0117", Audience.young_person)
NIGHT = datetime(2026, 12, 1, 22, 30, tzinfo=timezone.utc)  # 22:30 GMT, outside 09:00-20:00


async def _link_without_survey(w, user_id=601):
    """Link and agree at night, so the survey waits for the dispatcher."""
    return await w.join(user_id, *YP)


async def test_what_falls_due_at_night_goes_out_in_the_morning(db_url):
    clock = FakeClock(NIGHT)
    async with world(db_url, clock=clock) as w:
        user = await _link_without_survey(w)
        assert "Thank you" in user.last_message["text"]  # no survey at 22:30
        assert (await w.tick()).sent == 0
        clock.now = datetime(2026, 12, 2, 8, 59, tzinfo=timezone.utc)
        assert (await w.tick()).sent == 0
        clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
        assert (await w.tick()).sent == 1
        assert "Question 1 of" in user.last_message["text"] and "Your time with us" in user.last_message["text"]
        assert (await w.tick()).sent == 0  # sent once, never twice


async def test_reminders_resume_where_they_stopped_then_the_survey_expires(db_url):
    async with world(db_url) as w:
        user = await w.join(602, *YP)
        await user.press("🙂 4")
        await w.settle()
        w.clock.advance(days=2)
        report = await w.tick()
        assert report.reminded == 1
        assert "You started" in user.last_message["text"] and "Question 2 of" in user.last_message["text"]
        w.clock.advance(days=3)
        assert (await w.tick()).reminded == 1
        w.clock.advance(days=3)
        assert (await w.tick()).reminded == 0  # only two reminders by default
        w.clock.advance(days=7)
        await w.tick()
        [invitation] = w.rows(Invitation, Invitation.survey_id == "yp_exit", Invitation.participant_id == 1)
        assert invitation.status == InvitationStatus.expired
        await user.press("😄 5")
        await w.settle()
        assert "closed" in w.emu.callback_answers[max(w.emu.callback_answers)]["text"]


async def test_a_blocked_bot_marks_the_person_unreachable(db_url):
    clock = FakeClock(NIGHT)
    async with world(db_url, clock=clock) as w:
        user = await _link_without_survey(w, 603)
        w.emu.block(user.chat_id)
        clock.now = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)
        report = await w.tick()
        assert report.unreachable == 1
        [participant] = w.rows(Participant, Participant.chat_hash.is_not(None))
        assert participant.unreachable_at is not None
        assert (await w.tick()).sent == 0


async def test_flood_limits_and_server_errors_are_retried_not_lost(db_url):
    clock = FakeClock(NIGHT)
    async with world(db_url, clock=clock) as w:
        user = await _link_without_survey(w, 604)
        clock.now = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)
        w.emu.fail_next("sendMessage", 429, retry_after=30)
        assert (await w.tick()).retried == 1
        clock.advance(seconds=10)
        assert (await w.tick()).sent == 0  # Telegram asked us to wait 30 s
        w.emu.fail_next("sendMessage", 500, description="Internal Server Error")
        clock.advance(seconds=25)
        assert (await w.tick()).retried == 1
        clock.advance(seconds=61)
        assert (await w.tick()).sent == 1
        questions = [m for m in user.messages if "Question 1 of" in m["text"]]
        assert len(questions) == 1


async def test_an_unanswered_alert_is_sent_again_until_a_duty_worker_gets_it(db_url):
    from surveys.models import Role, SafeguardingAlert

    async with world(db_url) as w:
        w.add_staff(901, Role.duty, "Sam")
        duty = w.emu.user(901, "Sam")
        user = await w.join(605, *YP)
        await w.skip_until(user, asks("anything else"))
        w.emu.block(duty.chat_id)  # the duty worker cannot be reached at first
        await user.send_text("i want to end it all, no point anymore")
        await w.settle()
        [alert] = w.rows(SafeguardingAlert)
        assert alert.notified_at is None
        w.emu.unblock(duty.chat_id)
        w.clock.advance(minutes=1)
        await w.tick()
        [alert] = w.rows(SafeguardingAlert)
        assert alert.notified_at is not None
        assert "Possible safeguarding disclosure" in duty.last_message["text"]


def test_reminders_read_well_whatever_the_survey_title_ends_with():
    from bot.texts import t
    from surveys.schema import load_all

    for definition in load_all().values():
        title = definition.title.get("en")  # e.g. "How are things going?"
        for key in ("reminder.new", "reminder.started"):
            text = t(key, title=title)
            assert f"{title}</b>" in text and not any(f"{title}</b>{mark}" in text for mark in ".,!?"), text
