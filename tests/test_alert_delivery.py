"""Safeguarding alerts that always land: help first even across a crash, one copy per person,
retries that never stop, long texts, the daily review digest, and knowing who the bot can reach.

Each test drives the real bot over HTTP against the Bot API emulator, with a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot import dispatch
from bot.cli import app as cli
from bot.safeguarding import notify_duty, split_text, utf16_len
from surveys.alert_delivery import alerts_needing_help, claim_digest
from surveys.models import AlertDelivery, Audience, AuditEvent, Participant, Role, SafeguardingAlert, Staff
from surveys.store import create_all, ensure_service, make_engine, session_scope
from tests.bot_world import FakeClock, asks, buttons, world
from tests.conftest import TEST_HASH_KEY

YP = ("YJ-24-0117", Audience.young_person)
DISCLOSURE = "my stepdad hurts me when he is drunk"


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def _alert(w, *, tier: str = "urgent", reason: str = "harm at home", help_sent: bool = True,
           created_at: datetime | None = None, participant_id: int = 1) -> int:
    """An alert as the answering code stores it, before anything is sent."""
    created_at = created_at or w.clock()
    with session_scope(w.heard.engine) as session:
        alert = SafeguardingAlert(service_id=w.heard.service_id, participant_id=participant_id, tier=tier,
                                  reason=reason, text="a private disclosure", created_at=created_at,
                                  help_sent_at=created_at if help_sent else None)
        session.add(alert)
        session.flush()
        return alert.id


def _alerts_to(user) -> list[str]:
    return [m["text"] for m in user.messages if "safeguarding disclosure" in (m.get("text") or "")]


def _help_messages(user) -> list[str]:
    return [m["text"] for m in user.messages if "0800 1111" in (m.get("text") or "")]


async def _disclose(w, child, text: str = DISCLOSURE) -> None:
    await w.skip_until(child, asks("anything else"))
    await child.send_text(text)
    await w.settle()


# --- 1. help first, even across a crash ---------------------------------------------------------

async def test_help_kept_from_someone_by_a_crash_is_sent_at_start_up_and_only_once(db_url):
    async with world(db_url) as w:
        child = await w.join(630, *YP)
        alert_id = _alert(w, help_sent=False)  # stored; then the process died before replying
        w.clock.advance(minutes=2)
        await w.app.post_init(w.app)  # what `heard run` does as it starts
        await w.settle()
        [shown] = _help_messages(child)
        assert "You did the right thing" in shown
        [alert] = w.rows(SafeguardingAlert, SafeguardingAlert.id == alert_id)
        assert alert.help_sent_at == w.clock()
        assert (await w.tick()).helped == 0
        assert len(_help_messages(child)) == 1


async def test_help_that_failed_to_send_goes_out_on_a_later_tick(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        child = await w.join(631, *YP)
        await w.skip_until(child, asks("anything else"))
        w.emu.fail_next("sendMessage", status=500)  # the first message after the answer is the help
        await child.send_text(DISCLOSURE)
        await w.settle()
        assert _help_messages(child) == []
        assert len(_alerts_to(duty)) == 1  # the duty worker is told all the same
        assert (await w.tick()).helped == 0  # the live path may still be sending: wait a moment
        w.clock.advance(minutes=2)
        assert (await w.tick()).helped == 1
        assert len(_help_messages(child)) == 1
        [alert] = w.rows(SafeguardingAlert)
        assert alert.help_sent_at == w.clock()


async def test_help_is_not_sent_late_to_someone_erased_or_days_later(db_url):
    async with world(db_url) as w:
        await w.join(632, *YP)
        await w.join(633, "YJ-24-0117", Audience.parent_carer)
        old = _alert(w, help_sent=False, created_at=w.clock() - timedelta(days=4))
        erased = _alert(w, help_sent=False, participant_id=2)
        waiting = _alert(w, help_sent=False)
        with session_scope(w.heard.engine) as session:
            session.get(Participant, 2).erased_at = w.clock()
        with session_scope(w.heard.engine) as session:
            now = w.clock() + timedelta(minutes=2)
            assert alerts_needing_help(session, w.heard.service_id, now=now) == [waiting]
        assert {old, erased}.isdisjoint({waiting})


# --- 3. never twice to one person -------------------------------------------------------------

async def test_two_sends_at_once_give_each_duty_worker_one_copy(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        w.add_staff(904, Role.duty, "Lee")
        first, second = w.user(900), w.user(904)
        await w.join(635, *YP)
        alert_id = _alert(w)
        results = await asyncio.gather(notify_duty(w.app.bot, w.heard, alert_id),
                                       notify_duty(w.app.bot, w.heard, alert_id))
        await w.settle()
        assert sorted(results) == [False, True]
        assert len(_alerts_to(first)) == 1 and len(_alerts_to(second)) == 1
        assert all(d.sent_at is not None for d in w.rows(AlertDelivery))


async def test_a_tick_racing_a_slow_first_send_does_not_send_it_again(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        await w.join(636, *YP)
        alert_id = _alert(w)
        w.emu.delay_next("sendMessage", 0.3)  # the first send is still in flight when the tick runs
        await asyncio.gather(notify_duty(w.app.bot, w.heard, alert_id), w.tick())
        await w.settle()
        assert len(_alerts_to(duty)) == 1
        await w.tick()
        assert len(_alerts_to(duty)) == 1


async def test_a_claim_left_by_a_crashed_send_is_retried_after_five_minutes(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        await w.join(637, *YP)
        alert_id = _alert(w)
        with session_scope(w.heard.engine) as session:  # a send that died after claiming
            session.add(AlertDelivery(alert_id=alert_id, telegram_user_id=900, round=0, claimed_at=w.clock()))
        w.clock.advance(minutes=4)
        assert (await w.tick()).alerts == 0  # it may still be sending
        assert _alerts_to(duty) == []
        w.clock.advance(minutes=2)
        assert (await w.tick()).alerts == 1
        assert len(_alerts_to(duty)) == 1


# --- 4. retries don't stop ----------------------------------------------------------------------

async def test_an_urgent_alert_is_retried_past_twenty_failures_and_logged_after_ten_minutes(db_url, caplog):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        await w.join(638, *YP)
        alert_id = _alert(w)
        w.emu.fail_next("sendMessage", status=500, times=25)
        with caplog.at_level(logging.WARNING):
            for _ in range(25):
                w.clock.advance(seconds=60)
                assert (await w.tick()).alerts == 0
        alarms = [r for r in caplog.records if r.levelno == logging.ERROR and "reached no staff member" in r.getMessage()]
        assert len(alarms) == 15  # minutes 11 to 25
        assert all(str(alert_id) in r.getMessage() and "private disclosure" not in r.getMessage() for r in alarms)
        w.clock.advance(seconds=60)
        assert (await w.tick()).alerts == 1
        assert len(_alerts_to(duty)) == 1


# --- 6. the review digest -----------------------------------------------------------------------

async def test_the_review_digest_goes_once_a_day_inside_the_window_with_counts_only(db_url):
    clock = FakeClock(utc(2026, 12, 1, 8, 30))  # before the window opens
    async with world(db_url, clock=clock) as w:
        w.add_staff(900, Role.duty, "Priya")
        w.add_staff(901, Role.manager, "Sam")
        duty, manager = w.user(900), w.user(901)
        await w.join(640, *YP)
        for reason in ("harm at home", "harm at home", "exploitation; threats"):
            _alert(w, tier="review", reason=reason)
        assert (await w.tick()).digests == 0

        clock.now = utc(2026, 12, 1, 9, 0)
        assert (await w.tick()).digests == 1
        [digest] = [m["text"] for m in duty.messages]
        assert "3 safeguarding alerts are waiting for review" in digest
        assert "• harm at home: 2" in digest and "• exploitation: 1" in digest and "• threats: 1" in digest
        assert "/review" in digest and "private disclosure" not in digest
        assert manager.messages == []  # there is a duty worker, so managers are not bothered
        clock.advance(minutes=1)
        assert (await w.tick()).digests == 0
        [event] = w.rows(AuditEvent, AuditEvent.action == "alert.digest")
        assert event.detail == "2026-12-01"

        clock.now = utc(2026, 12, 2, 9, 5)  # still waiting the next day: told again
        assert (await w.tick()).digests == 1
        with session_scope(w.heard.engine) as session:
            for alert in session.exec(select(SafeguardingAlert)).all():
                alert.acknowledged_at = clock()
        clock.now = utc(2026, 12, 3, 9, 5)  # all taken: nothing to say
        assert (await w.tick()).digests == 0
        assert len(duty.messages) == 2


def test_the_digest_is_claimed_once_per_local_day(db_url):
    engine = make_engine(db_url, hash_key=TEST_HASH_KEY)
    create_all(engine)
    day, now = date(2026, 12, 1), utc(2026, 12, 1, 9, 0)
    try:
        with session_scope(engine) as session:
            service_id = ensure_service(session, "yot", "YOT").id
        claims = []
        for when in (day, day, date(2026, 12, 2)):
            with session_scope(engine) as session:
                claims.append(claim_digest(session, service_id, when, now=now))
        assert claims == [True, False, True]
    finally:
        engine.dispose()


async def test_without_a_duty_worker_the_digest_goes_to_managers(db_url):
    async with world(db_url) as w:
        w.add_staff(901, Role.manager, "Sam")
        manager = w.user(901)
        await w.join(641, *YP)
        _alert(w, tier="review", reason="threats")
        assert (await w.tick()).digests == 1
        assert "1 safeguarding alert is waiting for review" in manager.messages[-1]["text"]


# --- 7. long texts ------------------------------------------------------------------------------

def _long_disclosure(length: int = 10_000) -> str:
    words, n = [DISCLOSURE, "&", "he", "said", "<don't", "tell>"], 0
    while len(" ".join(words)) < length:
        words.append(f"w{n}")
        n += 1
    return " ".join(words)[:length]


async def test_a_ten_thousand_character_disclosure_reaches_the_duty_worker_and_can_be_read_in_full(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        child = w.user(642)
        await child.send_command(f"/start {w.invite(*YP)}")
        await w.settle()
        long_text = _long_disclosure()  # outside a survey nothing is cut from what they send
        await child.send_text(long_text)
        await w.settle()
        assert [a.text for a in w.rows(SafeguardingAlert)] == [long_text]
        [alert] = _alerts_to(duty)
        assert len(alert) < 4000 and "YJ-24-0117" in alert and "he said <don't tell>" in alert
        assert "more characters: press Show full text" in alert
        assert buttons(duty.last_message) == ["I'm dealing with this", "Show full text"]

        await duty.press("Show full text")
        await w.settle()
        parts = [m["text"] for m in duty.messages if m["text"].startswith("Full text of alert")]
        assert len(parts) == 3 and all(len(part) < 4096 for part in parts)
        assert [p.split(":")[0] for p in parts] == [
            f"Full text of alert #1 for case YJ-24-0117, part {n} of 3" for n in (1, 2, 3)]
        rebuilt = "".join(part.split(":\n\n", 1)[1] for part in parts)
        assert rebuilt.split() == long_text.split()
        [shown] = w.rows(AuditEvent, AuditEvent.action == "alert.text_shown")
        assert shown.actor.startswith("staff:")

        alert_message = next(m for m in duty.messages if "safeguarding disclosure" in m["text"])
        await duty.press("I'm dealing with this", alert_message)
        await w.settle()
        assert "Taken by Priya" in alert_message["text"] and buttons(alert_message) == ["Show full text"]


async def test_someone_who_is_not_staff_cannot_see_an_alert_text(db_url):
    async with world(db_url) as w:
        child = await w.join(643, *YP)
        alert_id = _alert(w)
        before = len(child.messages)
        query = await child.press_data(f"alerttext:{alert_id}")
        await w.settle()
        assert w.emu.callback_answers[query]["text"] == "Sorry, this button only works for the duty team."
        assert len(child.messages) == before
        assert w.rows(AuditEvent, AuditEvent.action == "alert.text_shown") == []


@pytest.mark.parametrize("text", ["a" * 9000, "😢" * 5000, ("word " * 3000).strip(), "x" * 3900])
def test_split_pieces_fit_and_lose_nothing(text):
    pieces = split_text(text)
    assert all(utf16_len(piece) <= 3900 for piece in pieces)
    assert "".join(pieces) == text


# --- 8. reachability ----------------------------------------------------------------------------

def _cli(monkeypatch, db_url, *args):
    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_SERVICE", "test-yot")
    monkeypatch.setenv("HEARD_BOT_USERNAME", "heard_test_bot")
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


async def test_staff_list_tells_who_the_bot_can_reach_as_it_learns(db_url, monkeypatch):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        await w.join(644, *YP)
        never = "has not opened a chat with the bot yet: ask them to open t.me/heard_test_bot and press Start"
        assert never in _cli(monkeypatch, db_url, "staff", "list")

        _alert(w)
        await w.tick()  # Telegram: chat not found
        [priya] = w.rows(Staff, Staff.telegram_user_id == 900)
        assert priya.unreachable_at == w.clock() and priya.reachable_at is None
        assert never in _cli(monkeypatch, db_url, "staff", "list")

        duty = w.user(900, "Priya")
        await duty.send_command("/start")
        await w.settle()
        [priya] = w.rows(Staff, Staff.telegram_user_id == 900)
        assert priya.reachable_at == w.clock()
        assert "the bot can reach them" in _cli(monkeypatch, db_url, "staff", "list")
        w.clock.advance(minutes=1)
        assert (await w.tick()).alerts == 1  # and the waiting alert reaches her now
        assert len(_alerts_to(duty)) == 1

        w.emu.block(900)
        w.clock.advance(minutes=1)
        _alert(w)
        await w.tick()
        assert "the bot could not reach them on 01 Dec 2026 (they may have blocked it)" in _cli(
            monkeypatch, db_url, "staff", "list")


def test_staff_add_says_whether_a_duty_worker_can_get_alerts(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    added = _cli(monkeypatch, url, "staff", "add", "--telegram-id", "555", "--role", "duty", "--name", "Priya")
    assert "555 is now duty." in added
    assert "Alerts: has not opened a chat with the bot yet: ask them to open t.me/heard_test_bot and press Start" in added
    case_worker = _cli(monkeypatch, url, "staff", "add", "--telegram-id", "556", "--role", "case_worker")
    assert "Alerts:" not in case_worker  # case workers get no alerts


async def test_start_up_and_the_first_tick_warn_when_no_duty_worker_can_be_reached(db_url, caplog):
    async with world(db_url) as w:
        context = SimpleNamespace(bot=w.app.bot, application=w.app)
        with caplog.at_level(logging.WARNING, logger="bot.safeguarding"):
            await w.app.post_init(w.app)
            await dispatch.tick(context)
            await dispatch.tick(context)  # only the first tick checks
        assert [r.getMessage().startswith("there is no active duty worker") for r in caplog.records] == [True, True]

        w.add_staff(900, Role.duty, "Priya")
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bot.safeguarding"):
            await w.app.post_init(w.app)
        assert "no active duty worker can get messages from the bot yet" in caplog.text

        await w.user(900).send_command("/start")
        await w.settle()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bot.safeguarding"):
            await w.app.post_init(w.app)
        assert caplog.records == []


# --- 9. what the duty worker reads ---------------------------------------------------------------

async def test_an_alert_from_one_of_two_victims_on_a_case_says_which_one(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        victim = await w.join(640, "YJ-24-0117", Audience.victim, "V2")
        await victim.send_text("he keeps driving past my house and I'm scared to go out")
        await w.settle()
        [alert] = _alerts_to(duty)
        assert "YJ-24-0117 (victim V2)" in alert  # not just "victim": the worker must ring the right one


async def test_once_someone_takes_an_alert_every_copy_says_so_and_loses_its_button(db_url):
    clock = FakeClock(utc(2026, 12, 1, 17, 55))  # a Tuesday, near the end of the day
    async with world(db_url, clock=clock, alert_text="hidden") as w:
        w.add_staff(900, Role.duty, "Priya")
        w.add_staff(904, Role.duty, "Lee")
        w.add_staff(901, Role.manager, "Sam")
        priya, lee, sam = w.user(900), w.user(904), w.user(901)
        child = await w.join(641, *YP)
        await _disclose(w, child)
        clock.advance(minutes=31)
        assert (await w.tick()).escalated == 1  # Priya and Lee now hold the alert and Reminder 1
        await sam.press("I'm dealing with this")
        await w.settle()
        for person in (priya, lee):
            copies = _alerts_to(person)
            assert len(copies) == 2
            assert all("Taken by Sam at 18:26" in text for text in copies)
            assert all("I'm dealing with this" not in buttons(m) for m in person.messages)
            assert all("Show text" in buttons(m) for m in person.messages if "disclosure" in m.get("text", ""))


async def test_the_digest_counts_categories_not_each_nearest_example(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        await w.join(642, *YP)
        for reason in ("harm at home (near: 'things at home are not great right now')",
                       "harm at home (near: 'home is scary and shouty at the moment')",
                       "harm at home (near: 'my dad used to hit me') (told as in the past); "
                       "neglect (near: 'there's never any food in')"):
            _alert(w, tier="review", reason=reason)
        assert (await w.tick()).digests == 1
        [digest] = [m["text"] for m in duty.messages]
        assert "• harm at home: 2" in digest and "• neglect: 1" in digest
        assert "• harm at home (told as in the past): 1" in digest and "near:" not in digest


async def test_two_workers_pressing_at_once_both_see_who_took_it_and_nothing_fails(db_url, caplog):
    async with world(db_url, alert_text="hidden") as w:
        w.add_staff(900, Role.duty, "Priya")
        w.add_staff(904, Role.duty, "Lee")
        priya, lee = w.user(900), w.user(904)
        child = await w.join(643, *YP)
        await _disclose(w, child)
        first = await priya.press("I'm dealing with this")
        second = await lee.press("I'm dealing with this")
        await w.settle()
        [alert] = w.rows(SafeguardingAlert)
        [owner] = w.rows(Staff, Staff.id == alert.acknowledged_by)  # whoever the race gave it to
        answers = {w.emu.callback_answers[first]["text"], w.emu.callback_answers[second]["text"]}
        assert answers == {"Thank you. It is yours now.", f"✅ Taken by {owner.name} at 10:00."}
        for person in (priya, lee):
            [copy] = _alerts_to(person)
            assert copy.count(f"Taken by {owner.name}") == 1
        assert "error handling update" not in caplog.text


async def test_callbacks_lets_a_duty_worker_open_and_take_an_urgent_alert_nobody_has_taken(db_url):
    async with world(db_url, alert_text="hidden") as w:
        w.add_staff(900, Role.duty, "Priya")
        w.add_staff(905, Role.case_worker, "Kim")
        w.user(900)
        child = await w.join(644, *YP)
        await _disclose(w, child)
        w.add_staff(906, Role.duty, "Ade")  # came on duty after the alert went out: has no copy of it
        ade, kim = w.user(906), w.user(905)
        await ade.send_command("/callbacks")
        await w.settle()
        listing = ade.last_message
        assert "#1" in listing["text"] and "urgent" in listing["text"] and DISCLOSURE not in listing["text"]
        await ade.press("Open #1")
        await w.settle()
        assert "YJ-24-0117 (young person)" in ade.last_message["text"]
        await ade.press("I'm dealing with this")
        await w.settle()
        [alert] = w.rows(SafeguardingAlert)
        assert alert.acknowledged_at is not None
        await kim.send_command("/callbacks")  # a case worker sees the list, but no button that would refuse them
        await w.settle()
        assert "Open #" not in buttons(kim.last_message)


async def test_an_alert_from_someone_who_chose_welsh_says_so(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        child = w.user(645, "Cerys")
        await w.link(child, w.invite(*YP), language="Cymraeg")
        await child.press("Ydy, mae hynny'n iawn")
        await w.settle()
        await child.send_text("mae fy llystad yn fy nharo i a dwi ofn mynd adre")
        await w.settle()
        [alert] = _alerts_to(duty)
        assert "YJ-24-0117 (young person, Welsh speaker)" in alert  # whoever rings them back needs to know


async def test_a_digest_nobody_received_is_tried_again_on_the_next_tick(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        await w.join(646, *YP)
        _alert(w, tier="review", reason="threats")
        w.emu.fail_next("sendMessage", status=502)  # Telegram has a bad moment at 09:00
        assert (await w.tick()).digests == 0
        w.clock.advance(minutes=1)
        assert (await w.tick()).digests == 1  # not left until tomorrow: review alerts are read the same day
        assert "1 safeguarding alert is waiting for review" in duty.messages[-1]["text"]
        assert (await w.tick()).digests == 0


async def test_a_hidden_alert_still_says_the_words_were_forwarded(db_url):
    from surveys.answering import TextFindings

    async with world(db_url, alert_text="hidden") as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        w.heard.analyse = lambda text, question, audience: TextFindings(
            safeguarding_tier="urgent", safeguarding_reason="threats or violence")
        child = await w.join(647, *YP)
        await child.forward_text("you are dead when we see you", {"id": 5, "is_bot": False, "first_name": "X"})
        await w.settle()
        [alert] = _alerts_to(duty)
        assert "forwarded" in alert  # a threat they were sent, not one they made: known before pressing Show text
        assert "you are dead" not in alert


async def test_when_the_only_duty_worker_has_blocked_the_bot_managers_get_the_alert_at_once(db_url):
    clock = FakeClock(utc(2026, 12, 1, 21, 0))  # evening, outside the window: no reminder until 09:30 tomorrow
    async with world(db_url, clock=clock) as w:
        w.add_staff(900, Role.duty, "Priya")
        w.add_staff(901, Role.manager, "Sam")
        priya, sam = w.user(900), w.user(901)
        w.emu.block(900)
        child = await w.join(648, *YP)
        await child.send_text(DISCLOSURE)
        await w.settle()
        [alert] = _alerts_to(sam)  # not left with nobody until the first reminder
        assert "No duty worker could be reached" in alert
        assert _alerts_to(priya) == []
        [row] = w.rows(SafeguardingAlert)
        assert row.notified_at is not None
        assert (await w.tick()).alerts == 0 and len(_alerts_to(sam)) == 1  # delivered: not sent again


async def test_an_alert_sent_outside_working_hours_says_no_reminders_go_until_morning(db_url):
    clock = FakeClock(utc(2026, 12, 1, 21, 30))
    async with world(db_url, clock=clock) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900)
        child = await w.join(649, *YP)
        await child.send_text(DISCLOSURE)
        await w.settle()
        clock.now = utc(2026, 12, 2, 10, 0)
        await child.send_text("my mum's boyfriend hit me again last night")
        await w.settle()
        night, day = _alerts_to(duty)
        assert "outside working hours" in night and "no reminders go out until 09:00" in night
        assert "outside working hours" not in day


async def test_opening_an_alert_a_colleague_has_since_taken_says_who_has_it(db_url):
    async with world(db_url, alert_text="hidden") as w:
        w.add_staff(900, Role.duty, "Priya")
        w.add_staff(904, Role.duty, "Lee")
        priya, lee = w.user(900), w.user(904)
        await w.join(650, *YP)
        _alert(w, tier="review", reason="harm at home")
        await lee.send_command("/review")
        await w.settle()
        listing = lee.last_message
        await priya.send_command("/review")
        await w.settle()
        await priya.press("Open #1")
        await w.settle()
        await priya.press("I'm dealing with this")
        await w.settle()
        await lee.press("Open #1", listing)  # Lee's list is from before Priya took it
        await w.settle()
        opened = lee.last_message
        assert "Taken by Priya" in opened["text"]
        assert buttons(opened) == ["Show text"]
