"""The web chat over plain HTTP, JavaScript off: forms, cookies, CSRF, headers, limits, safety."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from surveys.enrol import find_participant
from surveys.models import (Answer, AuditEvent, Audience, Channel, Consent, Invitation, InvitationStatus, Participant, SafeguardingAlert,
                            WebSession)
from surveys.store import session_scope
from tests.bot_world import slow_then_working
from tests.web_person import YP, actions, field, web_world
from webchat.server import CodeLimiter

DISCLOSURE = "my stepdad hits me and im scared to go home"


def _rows(h, model, *where):
    with session_scope(h.engine) as session:
        return session.exec(select(model).where(*where)).all()


async def _to_first_question(w, person, survey="yp_exit", who=YP, lang="lang:en"):
    await person.open_link(w.invite(*who, survey=survey))
    assert "English or Cymraeg?" in person.page
    await person.press(lang)
    await person.press("consent:yes")


async def test_a_young_person_completes_a_survey_with_javascript_off(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        code = w.invite(*YP, survey="yp_exit")
        page = await person.get(f"/s/{code}")
        assert person.status == 200 and "Start" in page and field(page, "form_token")
        await person.open_link(code)
        assert person.status == 200 and "English or Cymraeg?" in person.page  # followed the redirect to /chat
        await person.press("lang:en")
        assert "Who sees your answers?" in person.page and "consent:yes" in actions(person.page)
        await person.press("consent:yes")
        assert "Thank you! 😊" in person.page and "Question 1 of" in person.page
        for _ in range(30):
            if not person.asking():
                break
            await person.answer_something()
            assert person.status == 200
        assert "Good luck with what comes next" in person.page  # the survey's own goodbye, as in Telegram...
        assert "no questions for you right now" not in person.page  # ...and only one
        [invitation] = _rows(w.heard, Invitation, Invitation.survey_id == "yp_exit", Invitation.status == "completed")
        stored = _rows(w.heard, Answer, Answer.invitation_id == invitation.id)
        assert len(stored) >= 3 and all(a.complete for a in stored)
        [participant] = _rows(w.heard, Participant, Participant.id == invitation.participant_id)
        assert participant.consent == Consent.given and participant.chat_hash is None  # a web person: no Telegram chat


async def test_skip_and_back_change_the_stored_answers(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person)
        await person.answer_something()
        assert "Question 2 of" in person.page and "back" in actions(person.page)
        await person.press("skip")
        assert "Question 3 of" in person.page and "Skipped" in person.page
        await person.press("back")
        assert "Question 2 of" in person.page
        skipped = _rows(w.heard, Answer, Answer.skipped.is_(True))
        assert skipped == []  # going back forgets the skipped answer, as in Telegram


async def test_resume_later_on_the_same_device_and_the_link_again(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        code = w.invite(*YP, survey="yp_exit")
        await person.open_link(code)
        await person.press("lang:en")
        await person.press("consent:yes")
        await person.answer_something()
        await person.get("/chat")  # closed the tab, came back
        assert "Question 2 of" in person.page
        response = await person.client.get(f"/s/{code}", allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/chat"  # their own link: carry on


async def test_a_link_opened_on_a_second_device_asks_for_a_new_one(db_url):
    async with web_world(db_url) as w:
        first, second = await w.person(), await w.person()
        code = w.invite(*YP, survey="yp_exit")
        await first.open_link(code)
        page = await second.get(f"/s/{code}")
        assert second.status == 410 and "another phone or browser" in page and "new link" in page
        # The worker reissues it; the new device takes over and the first one stops.
        await second.open_link(w.invite(*YP))
        assert "English or Cymraeg?" in second.page
        await first.get("/chat")
        assert first.status == 401 and "open the link your worker sent you" in first.page


async def test_forms_without_the_csrf_token_change_nothing(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await person.open_link(w.invite(*YP, survey="yp_exit"))
        response = await person.client.post("/chat", data={"act": "lang:cy"})
        assert response.status == 403
        response = await person.client.post("/chat", data={"act": "lang:cy", "csrf": "x" * 32})
        assert response.status == 403
        assert not _rows(w.heard, Participant, Participant.language_chosen_at.is_not(None))
        # The Start form needs its own token too (a page on another site cannot spend someone's link).
        bare = await w.person()
        response = await bare.client.post(f"/s/{w.invite(*YP)}", data={"form_token": "guess"})
        assert response.status == 403


async def test_headers_cookie_and_size(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        code = w.invite(*YP, survey="yp_exit")
        landing = await person.client.get(f"/s/{code}")
        csp = landing.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert landing.headers["Referrer-Policy"] == "no-referrer"  # the code in the URL goes nowhere
        assert landing.headers["Cache-Control"] == "no-store"
        token = field(await landing.text(), "form_token")
        redeemed = await person.client.post(f"/s/{code}", data={"form_token": token}, allow_redirects=False)
        cookie = redeemed.headers.getall("Set-Cookie")
        session_cookie = next(c for c in cookie if c.startswith("heard_session="))
        assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
        [row] = _rows(w.heard, WebSession)
        assert row.token_hash not in session_cookie  # only the hash is stored
        page = await person.get("/chat")
        total = len(page.encode())
        for name in ("chat.css", "chat.js"):
            asset = await person.client.get(f"/static/{name}")
            total += len(await asset.read())
        assert total < 50_000, total  # the page with its style and script


async def test_the_cookie_is_secure_by_default(db_url):
    from bot.app import build_heard
    from surveys.settings import Settings
    from tests.bot_world import START, FakeClock

    h = build_heard(Settings(database_url=db_url, service="test-yot", _env_file=None), clock=FakeClock(START))
    from surveys.enrol import import_rows, parse_csv

    with session_scope(h.engine) as session:
        import_rows(session, h.service_id, parse_csv(open("tests/data/cases_example.csv").read()), now=START)
    async with web_world(db_url, heard=h, secure_cookie=None) as w:
        person = await w.person()
        code = w.invite(*YP)
        landing = await person.client.get(f"/s/{code}")
        form_cookie = landing.headers["Set-Cookie"]
        assert "Secure" in form_cookie and "SameSite=Strict" in form_cookie
        token = field(await landing.text(), "form_token")
        # A client keeps Secure cookies for HTTPS only, so this plain-HTTP test hands it back itself.
        redeemed = await person.client.post(f"/s/{code}", data={"form_token": token},
                                            headers={"Cookie": f"heard_form={token}"}, allow_redirects=False)
        assert any(c.startswith("heard_session=") and "Secure" in c for c in redeemed.headers.getall("Set-Cookie"))
    h.engine.dispose()


async def test_wrong_codes_are_rate_limited(db_url):
    async with web_world(db_url, limiter=CodeLimiter(allowed=5)) as w:
        person = await w.person()
        for n in range(5):
            await person.get(f"/s/not-a-real-code-{n}")
            assert person.status == 404 and "ask your worker" in person.page.lower()
        await person.get(f"/s/{w.invite(*YP)}")  # even a good one waits now
        assert person.status == 429 and "15 minutes" in person.page


async def test_an_old_form_never_answers_the_wrong_question(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person)
        stale = dict(person=person.page)
        await person.answer_something()  # question 1 answered
        person.page = stale["person"].replace(field(stale["person"], "csrf"), field(person.page, "csrf"))
        before = len(_rows(w.heard, Answer))
        await person.answer_something()  # the same form again (a double tap, the back button)
        assert "nothing changed" in person.page and "Question 2 of" in person.page
        assert len(_rows(w.heard, Answer)) == before


async def test_a_disclosure_on_the_web_is_stored_and_help_is_shown(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person)
        assert "choose:1" in actions(person.page)  # a faces question: no text box...
        # ...so the disclosure comes in a text answer further on; skip to it.
        for _ in range(20):
            if "send" in actions(person.page):
                break
            await person.press("skip") if "skip" in actions(person.page) else await person.answer_something()
        form = {"csrf": field(person.page, "csrf"), "act": "send", "q": field(person.page, "q"),
                "i": field(person.page, "i"), "text": DISCLOSURE}
        sent = await person.client.post("/chat", data=form, allow_redirects=False)
        # Nothing in the address: a shared phone's history must not show that help was offered.
        assert sent.status == 303 and sent.headers["Location"] == "/chat#now"
        await person.get("/chat")
        assert "Childline" in person.page and "0800 1111" in person.page and "999" in person.page
        assert DISCLOSURE not in person.page
        await person.get("/chat")  # a reload, or the next person to pick up the phone: said once, not again
        assert person.status == 200 and "0800 1111" not in person.page
        [alert] = _rows(w.heard, SafeguardingAlert)
        assert alert.tier == "urgent" and alert.help_sent_at is not None and alert.question_id is not None
        assert alert.text == DISCLOSURE


async def test_when_the_answer_cannot_be_stored_after_a_disclosure_help_is_shown_not_an_error(db_url, monkeypatch):
    """The database fails after the alert is stored (a full disk, a lock held too long): the person still
    sees where to get help, never only "something went wrong"."""
    import sqlalchemy as sa

    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person)
        for _ in range(20):
            if "send" in actions(person.page):
                break
            await person.press("skip") if "skip" in actions(person.page) else await person.answer_something()

        def failing_apply(*_args, **_kwargs):
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))

        monkeypatch.setattr(w.chat, "_apply", failing_apply)
        await person.press("send", text=DISCLOSURE)
        assert person.status == 503 and "0800 1111" in person.page and "999" in person.page
        assert "went wrong" not in person.page and DISCLOSURE not in person.page
        [alert] = _rows(w.heard, SafeguardingAlert)
        assert alert.tier == "urgent" and alert.text == DISCLOSURE  # the alert itself was stored first


async def _to_a_text_question(w, person) -> None:
    await _to_first_question(w, person)
    for _ in range(20):
        if "send" in actions(person.page):
            return
        await person.press("skip") if "skip" in actions(person.page) else await person.answer_something()
    raise AssertionError("no text question reached")


async def _eventually(check, seconds: float = 10.0):
    import asyncio
    import time

    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "never happened"
        await asyncio.sleep(0.05)


async def test_help_is_shown_within_seconds_while_a_slow_database_stores_the_alert(db_url, monkeypatch):
    """As in Telegram: the alert is tried for a while, but the person never waits that long for help.
    The alert, and then their answer, are stored once the database takes them."""
    import time

    import webchat.server

    async with web_world(db_url) as w:
        person = await w.person()
        await _to_a_text_question(w, person)
        monkeypatch.setattr(w.chat, "_store", slow_then_working(w.chat._store))
        monkeypatch.setattr(webchat.server, "HELP_WITHIN_SECONDS", 0.3)
        await w.heard.run(w.heard.analyse, "warming up", None, None)  # the screen loads once, on first use
        started = time.monotonic()
        await person.press("send", text=DISCLOSURE)
        assert time.monotonic() - started < 1.5, "the person waited for the database before seeing help"
        assert person.status == 200 and "0800 1111" in person.page and "Back to the questions" in person.page
        assert DISCLOSURE not in person.page
        await _eventually(lambda: _rows(w.heard, SafeguardingAlert))
        [alert] = _rows(w.heard, SafeguardingAlert)
        assert alert.text == DISCLOSURE and alert.help_sent_at is not None
        await _eventually(lambda: any(a.free_text == DISCLOSURE for a in _rows(w.heard, Answer)))


async def test_help_is_shown_while_another_process_holds_the_write_lock(sqlite_url, monkeypatch):
    import sqlite3
    import time

    import webchat.server

    async with web_world(sqlite_url) as w:
        person = await w.person()
        await _to_a_text_question(w, person)
        monkeypatch.setattr(webchat.server, "HELP_WITHIN_SECONDS", 0.3)
        await w.heard.run(w.heard.analyse, "warming up", None, None)
        other = sqlite3.connect(sqlite_url.split("sqlite:///")[1], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # e.g. a long `heard cases import` in another process
        try:
            started = time.monotonic()
            await person.press("send", text=DISCLOSURE)
            waited = time.monotonic() - started
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert waited < 2, f"help waited {waited:.0f} s behind another process's lock"
        assert "0800 1111" in person.page and DISCLOSURE not in person.page
        await _eventually(lambda: _rows(w.heard, SafeguardingAlert), seconds=30)
        await _eventually(lambda: any(a.free_text == DISCLOSURE for a in _rows(w.heard, Answer)), seconds=30)


async def test_welsh_follows_the_person(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person, lang="lang:cy")
        assert '<html lang="cy">' in person.page and "Cwestiwn 1 o" in person.page and "Hepgor" in person.page


async def test_one_channel_at_a_time(db_url):
    """Tapping a Telegram link ends the web session (and opening a web link unlinks Telegram)."""
    from surveys.hashkey import chat_hash, hash_key_of
    from surveys.web_sessions import end_web_sessions, start_web_session

    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person)
        [participant] = _rows(w.heard, Participant, Participant.consent == Consent.given)
        with session_scope(w.heard.engine) as session:
            end_web_sessions(session, participant.id, now=w.heard.now())  # what bot/participant.py's /start does
        await person.get("/chat")
        assert person.status == 401
        with session_scope(w.heard.engine) as session:
            p = session.get(Participant, participant.id)
            p.chat_id, p.chat_hash = "4242", chat_hash(hash_key_of(session), 4242)
            moved = start_web_session(session, p, now=w.heard.now())
            assert moved.old_chat_id == 4242 and p.chat_hash is None


async def test_stop_and_delete(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person)
        await person.answer_something()
        await person.get("/chat/help")
        assert "Childline" in person.page and "confirm=stop" in person.page and actions(person.page) == []
        await person.get("/chat/help?confirm=stop")  # asked first, as in Telegram
        assert "Do you want to stop" in person.page and actions(person.page) == ["stop"]
        await person.press("stop")
        assert "won't ask you anything else" in person.page and "ask you any questions" not in person.page  # said once
        assert not _rows(w.heard, Invitation, Invitation.status.in_([InvitationStatus.sent, InvitationStatus.started]))
        await person.get("/chat/help?confirm=delete")
        assert "delete all your answers" in person.page
        await person.press("delete")
        assert "answers are deleted" in person.page
        assert _rows(w.heard, Answer) == [] and _rows(w.heard, WebSession) == []
        await person.get("/chat")
        assert person.status == 401


async def test_no_thanks_then_changing_their_mind_brings_the_survey_back(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await person.open_link(w.invite(*YP, survey="yp_exit"))
        await person.press("lang:en")
        await person.press("consent:no")
        assert "ask you any questions" in person.page and actions(person.page) == ["consent:yes"]
        await person.press("consent:yes")
        assert "Question 1 of" in person.page and "no questions for you right now" not in person.page


async def test_stop_then_changing_their_mind_carries_on_where_they_were(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person)
        await person.answer_something()
        assert "Question 2 of" in person.page
        await person.get("/chat/help?confirm=stop")
        await person.press("stop")
        await person.press("consent:yes")  # "I've changed my mind"
        assert "Question 2 of" in person.page and "no questions for you right now" not in person.page
        [invitation] = _rows(w.heard, Invitation, Invitation.survey_id == "yp_exit")
        assert invitation.status == InvitationStatus.started and len(_rows(w.heard, Answer)) == 1
        await person.answer_something()
        assert "Question 3 of" in person.page


async def test_a_parent_is_told_about_their_child_and_pointed_to_adult_help_not_childline(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await person.open_link(w.invite("YJ-24-0117", Audience.parent_carer, survey="parent_exit"))
        await person.press("lang:en")
        assert "child&#39;s case worker" in person.page or "child's case worker" in person.page
        await person.get("/chat/help")
        assert "Samaritans" in person.page and "116 123" in person.page and "Childline" not in person.page
        assert "Your child does not see them" in person.page


async def test_a_due_survey_opens_when_they_look(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person, survey=None)
        assert "no questions for you right now" in person.page
        with session_scope(w.heard.engine) as session:
            from surveys.invitations import create_manual

            [participant] = session.exec(select(Participant).where(Participant.consent == Consent.given)).all()
            create_manual(session, participant, w.heard.definitions["yp_review"], now=w.heard.now() + timedelta(0))
        await person.get("/chat")
        assert "Question 1 of" in person.page


def test_heard_invite_channel_web_prints_a_link_to_the_web_chat(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app
    from surveys.enrol import hash_code
    from surveys.models import InviteLink
    from surveys.store import make_engine

    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(open("tests/data/cases_example.csv").read())
    assert runner.invoke(app, ["cases", "import", str(csv_file)]).exit_code == 0
    args = ["invite", "YJ-24-0117", "--audience", "young_person", "--channel", "web"]
    unset = runner.invoke(app, args)
    assert unset.exit_code == 2 and "HEARD_PUBLIC_URL" in unset.output
    monkeypatch.setenv("HEARD_PUBLIC_URL", "https://feedback.example.gov.uk/")
    invited = runner.invoke(app, args)
    assert invited.exit_code == 0, invited.output
    link = invited.stdout.strip()
    assert link.startswith("https://feedback.example.gov.uk/s/") and "one device" in invited.output
    code = link.rsplit("/", 1)[1]
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with session_scope(engine) as session:
        [stored] = session.exec(select(InviteLink)).all()
        assert stored.code_hash == hash_code(code) and code not in stored.code_hash  # hashed, as Telegram's are
    engine.dispose()
    wrong = runner.invoke(app, ["invite", "YJ-24-0117", "--audience", "young_person", "--channel", "pigeon"])
    assert wrong.exit_code == 2


async def test_a_failure_shows_a_kind_page_and_no_details(db_url, caplog):
    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person)

        def broken(*_args, **_kwargs):
            raise RuntimeError("secret words someone typed")

        w.chat._apply = broken
        await person.press("skip")
        assert person.status == 500 and "Your answers so far are safe" in person.page
        assert "secret words" not in person.page and "secret words" not in caplog.text


async def test_workers_lists_know_a_web_person_needs_no_new_link(db_url):
    from surveys.casework import WEB_WAITING, due_soon, needs_link

    async with web_world(db_url) as w:
        person = await w.person()
        await _to_first_question(w, person, survey=None)
        [participant] = _rows(w.heard, Participant, Participant.consent == Consent.given)
        with session_scope(w.heard.engine) as session:
            from surveys.invitations import create_manual

            create_manual(session, session.get(Participant, participant.id), w.heard.definitions["yp_review"],
                          now=w.heard.now())
        with session_scope(w.heard.engine) as session:
            soon = [line for line in due_soon(session, w.heard.service_id, now=w.heard.now())
                    if line.survey_id == "yp_review"]
            stuck = needs_link(session, w.heard.service_id, now=w.heard.now())
        assert [line.note for line in soon] == [WEB_WAITING]
        assert not [line for line in stuck if line.survey_id == "yp_review" and line.audience == "young_person"]


async def test_a_form_naming_someone_elses_survey_changes_nothing_of_theirs(db_url):
    async with web_world(db_url) as w:
        mine, theirs = await w.person(), await w.person()
        await _to_first_question(w, mine)
        await _to_first_question(w, theirs, who=("YJ-24-0117", Audience.parent_carer), survey="parent_exit")
        their_invitation = field(theirs.page, "i")
        mine.page = mine.page.replace(f'name="i" value="{field(mine.page, "i")}"', f'name="i" value="{their_invitation}"')
        await mine.answer_something()  # a forged id: falls back to their own open survey
        assert not _rows(w.heard, Answer, Answer.invitation_id == int(their_invitation))
        assert "Question 2 of" in mine.page


def test_refused_codes_are_counted_in_the_database_so_every_web_process_shares_the_limit(engine):
    one_process, another = CodeLimiter(allowed=3), CodeLimiter(allowed=3)
    now = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)
    with session_scope(engine) as session:
        for _ in range(3):
            one_process.failed(session, "198.51.100.7", "unknown", now)
    with session_scope(engine) as session:
        assert "198.51.100.7" not in str(session.exec(select(AuditEvent.subject)).all())  # a keyed hash only
        assert another.blocked(session, "198.51.100.7", now)
        assert not another.blocked(session, "198.51.100.8", now)  # per address
        assert not another.blocked(session, "198.51.100.7", now + timedelta(minutes=16))  # the wait is over


def test_no_survey_tells_a_web_person_to_send_a_telegram_command():
    """The web page has no /stop or /start: a survey's words must make sense on both channels."""
    import re

    from surveys.schema import load_all

    command = re.compile(r"(^|\s)/[a-z]+\b")
    for definition in load_all().values():
        for lang in ("en", "cy"):
            words = [definition.title.get(lang), definition.intro.get(lang)]
            for question in definition.questions:
                words += [question.text.get(lang), question.help.get(lang) if question.help else ""]
                words += [option.label.get(lang) for option in question.options]
            for text in words:
                assert not command.search(text or ""), (definition.id, lang, text)


async def test_only_people_we_could_message_are_asked_if_they_want_to_hear_what_changed(db_url):
    """A web person with no Telegram, number or email could never get that message, so is never asked."""
    asked = {}
    async with web_world(db_url) as w:
        for who, phone in ((YP, None), (("YJ-24-0117", Audience.parent_carer), "+447700900123")):
            with session_scope(w.heard.engine) as session:
                participant = find_participant(session, w.heard.service_id, *who)
                participant.channel, participant.phone = (Channel.sms, phone) if phone else (Channel.web, None)
            person = await w.person()
            survey = "yp_exit" if who == YP else "parent_exit"
            await _to_first_question(w, person, survey=survey, who=who)
            pages = []
            for _ in range(30):
                if not person.asking():
                    break
                pages.append(person.page)
                await person.answer_something()
            assert not person.asking()  # finished
            asked[who[1]] = any("what we changed" in page for page in pages)
    assert asked == {Audience.young_person: False, Audience.parent_carer: True}
