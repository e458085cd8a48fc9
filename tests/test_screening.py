"""Every piece of text a person sends is screened, in every state, through the real bot over HTTP."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

import bot.screening
from surveys.answering import TextFindings
from sqlmodel import select

from surveys.models import AlertTier, Answer, Audience, AuditEvent, CallbackRequest, Role, SafeguardingAlert
from tests.bot_world import asks, finished, slow_then_working, world
from tests.conftest import TEST_HASH_KEY

YP = ("YJ-24-0117", Audience.young_person)
VICTIM = ("YJ-24-0117", Audience.victim, "V1")
DISCLOSURE = "my stepdad hits me and im scared to go home"


def _texts(user, last: int = 4) -> list[str]:
    return [m.get("text") or "" for m in user.messages[-last:]]


def _duty_worker(w, *, roster_in_memory: bool = False):
    """Priya, on duty, as the emulator's user; ``roster_in_memory``: as heard holds the roster for when
    the database fails (loaded at start in a running bot)."""
    w.add_staff(900, Role.duty, "Priya")
    if roster_in_memory:
        w.heard.duty_roster = [900]
    return w.emu.user(900, "Priya")


async def test_a_disclosure_typed_at_a_button_question_reaches_the_duty_worker(db_url):
    async with world(db_url) as w:
        duty = _duty_worker(w)
        user = await w.join(601, *YP)
        assert "Question 1 of" in user.last_message["text"]  # a 1-5 faces question
        await user.send_text(DISCLOSURE)
        await w.settle()
        help_text, question = _texts(user, 2)
        assert "Childline" in help_text and "0800 1111" in help_text and "999" in help_text
        assert "Question 1 of" in question  # back to where they were, with no telling-off
        assert not any("Please send a number" in text for text in _texts(user))
        [alert] = w.rows(SafeguardingAlert)
        assert alert.tier == "urgent" and alert.question_id is not None and alert.help_sent_at is not None
        assert "Possible safeguarding disclosure" in duty.last_message["text"]
        assert w.rows(Answer) == []  # not taken as an answer to the faces question


async def test_text_that_is_not_a_disclosure_still_gets_the_kind_validation_message(db_url):
    async with world(db_url) as w:
        user = await w.join(602, *YP)
        await user.send_text("dunno really")
        await w.settle()
        assert any("Please send a number" in text for text in _texts(user, 2))
        assert w.rows(SafeguardingAlert) == []


async def test_a_caption_on_a_photo_is_screened(db_url):
    async with world(db_url) as w:
        duty = _duty_worker(w)
        user = await w.join(603, *YP)
        await user.send_photo(caption=DISCLOSURE)
        await w.settle()
        assert any("0800 1111" in text for text in _texts(user, 3))
        assert len(w.rows(SafeguardingAlert)) == 1
        assert "Possible safeguarding disclosure" in duty.last_message["text"]


async def test_an_ordinary_caption_is_not_taken_as_an_answer_and_says_so(db_url):
    async with world(db_url) as w:
        user = await w.join(604, *YP)
        await user.send_photo(caption="this is me at the placement")
        await w.settle()
        note, question = _texts(user, 2)
        assert "type your answer" in note and "Question 1 of" in question
        assert w.rows(SafeguardingAlert) == [] and w.rows(Answer) == []


async def test_an_edited_message_is_screened_but_never_replaces_an_answer(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        user = await w.join(605, *YP)
        await w.skip_until(user, asks("anything else"))
        sent = await user.send_text("it was alright")
        await w.settle()
        await user.edit_text(sent, "it was alright but my stepdad hits me")
        await w.settle()
        assert len(w.rows(SafeguardingAlert)) == 1
        [answer] = [a for a in w.rows(Answer) if a.free_text]
        assert answer.free_text == "it was alright"

        await user.edit_text(sent, "it was alright really")
        await w.settle()
        assert any("changed a message" in text for text in _texts(user, 2))
        assert [a.free_text for a in w.rows(Answer) if a.free_text] == ["it was alright"]


async def test_a_disclosure_after_the_survey_is_over_reaches_the_duty_worker(db_url):
    async with world(db_url) as w:
        duty = _duty_worker(w)
        user = await w.join(606, *YP)
        await w.skip_until(user, finished, limit=30)
        await user.send_text("i dont want to be alive anymore")
        await w.settle()
        assert "0800 1111" in user.last_message["text"]
        assert not any("nobody will read this" in text for text in _texts(user, 2))
        assert "Possible safeguarding disclosure" in duty.last_message["text"]


async def test_a_command_with_words_after_it_is_screened(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        user = await w.join(607, *YP)
        await user.send_command("/help my stepdad hits me")
        await w.settle()
        assert len(w.rows(SafeguardingAlert)) == 1


async def test_the_same_disclosure_delivered_twice_alerts_the_duty_worker_once(db_url):
    async with world(db_url) as w:
        duty = _duty_worker(w)
        user = await w.join(608, *YP)
        for _ in range(2):
            await user.send_text(DISCLOSURE)
            await w.settle()
        assert len(w.rows(SafeguardingAlert)) == 1
        assert sum("Possible safeguarding disclosure" in m["text"] for m in duty.messages) == 1
        assert sum("0800 1111" in text for text in _texts(user, 6)) == 2  # help both times


async def test_adults_get_adult_help_never_a_childrens_line(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        victim = await w.join(609, *VICTIM)
        await victim.send_text("his brother keeps following me and said they would get me")
        await w.settle()
        [help_text] = [text for text in _texts(victim) if "999" in text]
        assert "116 123" in help_text and "08 08 16 89 111" in help_text
        assert "Childline" not in help_text and "not in trouble" not in help_text


async def test_a_review_tier_flag_is_stored_and_shown_gently_without_paging_the_duty_worker(db_url):
    async with world(db_url) as w:
        duty = _duty_worker(w)
        past = "when i was little my dad used to hit us but thats all over now"
        w.heard.analyse = _review_only(past)
        user = await w.join(610, *YP)
        await user.send_text(past)
        await w.settle()
        [alert] = w.rows(SafeguardingAlert)
        assert alert.tier == "review"
        assert any("will read it" in text and "0800 1111" in text for text in _texts(user, 3))
        assert duty.messages == []


async def test_a_victim_who_feels_less_safe_is_put_through_to_the_victim_worker_at_once(db_url):
    async with world(db_url) as w:
        w.add_staff(910, Role.victim_worker, "Sam")
        worker = w.emu.user(910, "Sam")
        victim = await w.join(611, *VICTIM)
        await w.skip_until(victim, asks("how safe"))
        await victim.press("Less safe")
        await w.settle()
        [request] = w.rows(CallbackRequest)
        assert "less safe" in request.reason and request.notified_at is not None
        assert "YJ-24-0117 / V1" in worker.last_message["text"] and "less safe" in worker.last_message["text"]
        assert any("let your victim worker know" in text for text in _texts(victim, 3))


async def test_a_call_back_request_reaches_the_victim_worker_and_a_failed_one_is_sent_by_the_tick(db_url):
    async with world(db_url) as w:
        victim = await w.join(612, *VICTIM)
        await w.skip_until(victim, asks("call you"))
        await victim.press("Yes")
        await w.settle()
        [request] = w.rows(CallbackRequest)
        assert request.notified_at is None  # nobody held a role that could be told
        w.add_staff(911, Role.victim_worker, "Sam")
        worker = w.emu.user(911, "Sam")
        await w.tick()
        assert "asked for a call" in worker.last_message["text"]
        [request] = w.rows(CallbackRequest)
        assert request.notified_at is not None


def _storing_fails(monkeypatch, *, times: int) -> None:
    """Storing an alert fails ``times`` times (a locked or full database; reads still work), then works;
    the background retries come every 0.05 s."""
    real_store, failures = bot.screening._store_once, {"left": times}

    def failing_store(*args):
        if failures["left"]:
            failures["left"] -= 1
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))
        return real_store(*args)

    monkeypatch.setattr(bot.screening, "_store_once", failing_store)
    monkeypatch.setattr(bot.screening, "BACKGROUND_RETRY_SECONDS", 0.05)


async def test_when_the_database_cannot_store_an_alert_help_and_the_duty_worker_are_still_reached(db_url, monkeypatch):
    async with world(db_url) as w:
        duty = _duty_worker(w, roster_in_memory=True)
        user = await w.join(613, *YP)
        _storing_fails(monkeypatch, times=5)
        await user.send_text(DISCLOSURE)
        await w.settle()
        assert any("0800 1111" in text for text in _texts(user, 3))
        assert "could not save it" in duty.messages[0]["text"]
        for _ in range(200):  # the background task keeps trying until the database takes it
            if "Possible safeguarding disclosure" in duty.last_message["text"]:
                break
            await asyncio.sleep(0.05)
        assert "Possible safeguarding disclosure" in duty.last_message["text"]
        [alert] = w.rows(SafeguardingAlert)
        assert alert.help_sent_at is not None


async def test_when_the_database_cannot_store_an_alert_the_duty_worker_is_told_whose_it_is(db_url, monkeypatch):
    async with world(db_url) as w:
        duty = _duty_worker(w, roster_in_memory=True)
        user = await w.join(614, "YJ-24-0117", Audience.victim, "V2")
        _storing_fails(monkeypatch, times=4)
        await user.send_text(DISCLOSURE)
        await w.settle()
        notice = duty.messages[0]["text"]
        assert "could not save it" in notice and "YJ-24-0117 (victim V2)" in notice  # someone can act on it now
        assert DISCLOSURE not in notice
        for _ in range(200):
            if "Possible safeguarding disclosure" in duty.last_message["text"]:
                break
            await asyncio.sleep(0.05)
        assert "Possible safeguarding disclosure" in duty.last_message["text"]


def _review_only(past: str):
    """An analyser that puts one sentence in the review tier (the bot's routing is under test, not the screen)."""
    return lambda text, question, audience: TextFindings(
        safeguarding_tier="review" if text == past else None, safeguarding_reason="harm at home (past)")


async def test_the_review_queue_in_telegram_lists_opens_and_takes_alerts(db_url):
    past = "my uncle used to hurt me but he moved away years ago"
    async with world(db_url) as w:
        w.add_staff(920, Role.duty, "Priya")
        duty = w.emu.user(920, "Priya")
        w.heard.analyse = _review_only(past)
        user = await w.join(620, *YP)
        await user.send_text(past)
        await w.settle()
        await duty.send_command("/review")
        await w.settle()
        listing = duty.last_message
        assert "Waiting to be read today (1)" in listing["text"] and "YJ-24-0117" in listing["text"]
        assert past not in listing["text"]  # the list never shows the words
        await duty.press("Open #1")
        await w.settle()
        assert past in duty.last_message["text"]
        await duty.press("I'm dealing with this")
        await w.settle()
        [alert] = w.rows(SafeguardingAlert)
        assert alert.acknowledged_at is not None
        await duty.send_command("/review")
        await w.settle()
        assert "Nothing is waiting" in duty.last_message["text"]

        stranger = w.emu.user(621)
        await stranger.send_command("/review")
        await w.settle()
        assert "Waiting to be read" not in (stranger.last_message or {}).get("text", "")


def test_heard_alerts_list_show_and_take(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app
    from surveys.models import Case, Participant, Service, Staff, utcnow
    from surveys.store import make_engine, session_scope, upgrade

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HEARD_DATABASE_URL", url)
    upgrade(url)
    engine = make_engine(url, hash_key=TEST_HASH_KEY)
    with session_scope(engine) as session:
        service = Service(code="yot", name="YOT")
        session.add(service)
        session.flush()
        case = Case(service_id=service.id, case_ref="YJ-9")
        session.add(case)
        session.flush()
        person = Participant(case_id=case.id, audience=Audience.young_person)
        session.add_all([person, Staff(service_id=service.id, telegram_user_id=555, role=Role.duty, name="Priya")])
        session.flush()
        session.add(SafeguardingAlert(service_id=service.id, participant_id=person.id, tier="review",
                                      reason="harm at home", text="the words themselves", created_at=utcnow()))
    runner = CliRunner()
    listed = runner.invoke(app, ["alerts", "list"])
    assert listed.exit_code == 0 and "#1" in listed.output and "YJ-9" in listed.output
    assert "the words themselves" not in listed.output
    shown = runner.invoke(app, ["alerts", "show", "1"])
    assert "the words themselves" in shown.output
    assert "YJ-9 (young person)" in shown.output and "Not taken yet" in shown.output  # whose words, and what now
    assert runner.invoke(app, ["alerts", "take", "1", "--by", "556"]).exit_code == 1  # not staff
    taken = runner.invoke(app, ["alerts", "take", "1", "--by", "555"])
    assert taken.exit_code == 0 and "is yours" in taken.output
    again = runner.invoke(app, ["alerts", "take", "1"])
    assert again.exit_code == 1 and "already taken by Priya" in again.output
    assert "Nothing is waiting" in runner.invoke(app, ["alerts", "list"]).output
    assert "Taken by Priya" in runner.invoke(app, ["alerts", "show", "1"]).output
    with session_scope(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "alert.text_shown" in actions and "alert.acknowledge" in actions


async def test_pressing_buttons_never_screens_the_bots_own_questions(db_url):
    async with world(db_url) as w:
        user = await w.join(622, *YP)
        await w.skip_until(user, finished, limit=30)
        assert w.rows(SafeguardingAlert) == []


async def test_storing_an_alert_goes_on_past_the_first_hour_of_a_database_outage(caplog):
    from surveys import alert_storing
    from surveys.alerts import StoredAlert

    failures, told = {"left": 8}, []

    def store():
        if failures["left"]:
            failures["left"] -= 1
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))
        return StoredAlert(7, AlertTier.urgent, new=True)

    async def stored_late(stored):
        told.append(stored.alert_id)

    # limit=3 stands for the first hour of quick tries; the database comes back later than that
    await alert_storing.keep_storing(store, stored_late, retry_seconds=0.001, limit=3)
    assert told == [7]  # never given up on while heard runs: a disclosure is not lost
    assert "could not store a safeguarding alert for an hour" in caplog.text
    # ...but a bot that is shutting down stops trying after the first hour, and says plainly what was lost
    failures["left"], told[:] = 8, []
    await alert_storing.keep_storing(store, stored_late, retry_seconds=0.001, limit=3, running=lambda: False)
    assert told == [] and "it is lost" in caplog.text


async def test_a_stranger_whose_lookup_failed_gets_help_and_no_false_database_alarm(db_url, monkeypatch):
    async with world(db_url) as w:
        duty = _duty_worker(w, roster_in_memory=True)
        monkeypatch.setattr(bot.screening, "_who_is_writing", lambda h, chat_id: None)  # the first read failed
        stranger = w.emu.user(615, "Sam")  # never linked: storing finds nobody, and that is not a failure
        await stranger.send_text(DISCLOSURE)
        await w.settle()
        assert any("0800 1111" in text for text in _texts(stranger, 3))
        assert duty.messages == []  # no "the database could not save it" for a database that worked


async def test_help_goes_out_within_seconds_while_a_locked_database_makes_storing_slow(db_url, monkeypatch):
    import time

    async with world(db_url) as w:
        duty = _duty_worker(w, roster_in_memory=True)
        user = await w.join(616, *YP)
        monkeypatch.setattr(bot.screening, "_store_once", slow_then_working(bot.screening._store_once))
        monkeypatch.setattr(bot.screening, "HELP_WITHIN_SECONDS", 0.3)
        await w.heard.run(w.heard.analyse, "warming up", None, None)  # the screen loads once, on first use
        started = time.monotonic()
        await user.send_text(DISCLOSURE)
        while not any("0800 1111" in text for text in _texts(user, 3)):
            assert time.monotonic() - started < 1.5, "the person waited for the database before seeing help"
            await asyncio.sleep(0.02)
        await w.settle()
        assert sum("0800 1111" in text for text in _texts(user, 5)) == 1  # shown once, not again when stored
        [alert] = w.rows(SafeguardingAlert)
        assert alert.help_sent_at is not None
        assert "Possible safeguarding disclosure" in duty.last_message["text"]


async def test_who_is_writing_is_read_without_waiting_for_another_processs_write_lock(sqlite_url):
    import sqlite3
    import time

    async with world(sqlite_url) as w:
        user = await w.join(617, "YJ-24-0117", Audience.victim, "V1")
        other = sqlite3.connect(sqlite_url.split("sqlite:///")[1], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # e.g. a long `heard cases import` in another process
        try:
            started = time.monotonic()
            person = await w.heard.run(bot.screening._who_is_writing, w.heard, user.chat_id)
            waited = time.monotonic() - started
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert waited < 2, f"the look-up waited {waited:.0f} s behind the lock before the screen could run"
        assert person is not None and person.label == "YJ-24-0117 (victim V1)"
