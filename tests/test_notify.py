"""Invitations and reminders by SMS and email through GOV.UK Notify (issue 15), against a fake Notify
API on 127.0.0.1: the case import's phone and email, their encryption and erasure, `heard invite
--channel`, and the dispatcher sending by each person's channel, retrying what may pass and
recording what cannot."""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.notify import NotifyConfig, NotifySender, classify, compose
from bot.texts import TEXTS
from surveys.contact import email_address, uk_mobile
from surveys.crypto import generate_key
from surveys.enrol import ImportRejected, find_participant, import_rows, parse_csv, redeem_invite
from surveys.models import Audience, Channel, Invitation, InvitationStatus
from surveys.retention import erase_participant
from surveys.store import session_scope
from tests.bot_world import FakeClock, world
from tests.fake_notify import API_KEY, EMAIL_TEMPLATE, SMS_TEMPLATE, running_fake_notify

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)  # when the test imports its cases

PUBLIC_URL = "https://feedback.example.gov.uk"
HEADER = ("case_ref,audience,participant_ref,disposal,locality,intervention_start,intervention_end,age,gender,"
          "ethnicity,send,phone,email,channel,preferred_language\n")
CASES = HEADER + (
    "YJ-1,young_person,,Referral Order,North,2026-03-02,2026-11-30,15,Male,White British,yes,07700 900001,,sms,\n"
    "YJ-1,parent_carer,,Referral Order,North,2026-03-02,2026-11-30,15,Male,White British,yes,,Parent@Example.ORG,email,cy\n"
    "YJ-2,young_person,,Referral Order,South,2026-03-02,2026-11-30,14,Female,White British,no,,,,\n"
    "YJ-3,young_person,,Referral Order,South,2026-03-02,2026-11-30,16,Female,Asian,no,+44 7700 900003,,sms,\n"
)
LINK = re.compile(re.escape(PUBLIC_URL) + r"/s/([A-Za-z0-9_-]{32})")
NIGHT = datetime(2026, 12, 1, 22, 30, tzinfo=timezone.utc)
runner = CliRunner()


# --- pure parts ------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [("07700 900123", "+447700900123"), ("+44 (0)7700-900123", "+447700900123"),
                                           ("0044 7700 900123", "+447700900123"), ("447700900123", "+447700900123")])
def test_uk_mobiles_are_stored_in_one_form(typed, stored):
    assert uk_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["01632 960001", "0770090012", "+1 202 555 0100", "call me"])
def test_what_is_not_a_uk_mobile_is_refused_without_repeating_it(typed):
    with pytest.raises(ValueError) as refused:
        uk_mobile(typed)
    assert typed not in str(refused.value) and "UK mobile" in str(refused.value)


def test_email_addresses_are_checked_for_shape():
    assert email_address(" Jo.Bloggs+yot@Example.gov.UK ") == "Jo.Bloggs+yot@example.gov.uk"
    for bad in ("jo bloggs@example.org", "jo@localhost", "@example.org", "jo@@example.org"):
        with pytest.raises(ValueError):
            email_address(bad)


@pytest.mark.parametrize("status, message, permanent, words", [
    (400, "phone_number Not a UK mobile number", True, "not a valid mobile number"),
    (400, "email_address Not a valid email address", True, "not a valid email address"),
    (400, "Template not found", True, "template"),
    (403, "Invalid token: API key not found", True, "API key refused"),
    (429, "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds", False, "429"),
    (500, "Internal server error", False, "500"),
    (503, "Request failed", False, "503"),  # the client's code for a failed connection
])
def test_notify_errors_are_sorted_into_permanent_and_temporary(status, message, permanent, words):
    failure = classify(status, [], message)
    assert failure.permanent is permanent and words in failure.reason


def test_the_messages_say_nothing_a_lock_screen_should_not_show():
    """No case details, no service name, no word about offending; a link in every one; Welsh by language."""
    link = f"{PUBLIC_URL}/s/{'x' * 32}"
    telling = ("offence", "offending", "crime", "youth justice", "court", "order", "police", "victim of")
    for lang in ("en", "cy"):
        for audience in Audience:
            for kind in ("invite", "reminder", "reminder_started"):
                message = compose(kind, audience.value, lang, link)
                assert message.body.count(link) == 1 and message.subject
                assert not any(word in message.body.lower() for word in telling), (lang, audience, kind)
                assert message.body.isascii() or lang == "cy"  # English SMS stay in the cheaper GSM alphabet
    child = compose("invite", "young_person", "en", link).body
    assert len(child.replace(link, "")) < 100 and "Tap here" in child  # short, plain, for a child
    assert "your choice" in compose("invite", "victim", "en", link).body  # calm, adult, no pressure
    assert compose("invite", "young_person", "cy", link).body.startswith("Helo")
    assert all(key in TEXTS["cy"] for key in TEXTS["en"] if key.startswith("notify."))


# --- the case import ---------------------------------------------------------------------------

def test_the_import_takes_phone_email_and_channel_and_names_each_bad_line(engine):
    rows = parse_csv(CASES)
    assert [(r.phone, r.email, r.channel) for r in rows] == [
        ("+447700900001", None, Channel.sms), (None, "Parent@example.org", Channel.email), (None, None, None),
        ("+447700900003", None, Channel.sms)]
    bad = HEADER + ("YJ-9,young_person,,Referral Order,North,2026-03-02,2026-11-30,15,Male,White,yes,01632 960001,,,\n"
                    "YJ-9,parent_carer,,Referral Order,North,2026-03-02,2026-11-30,15,Male,White,yes,,not-an-email,,\n"
                    "YJ-9,victim,V1,Referral Order,North,2026-03-02,2026-11-30,15,Male,White,yes,,,sms,\n"
                    "YJ-9,victim,V2,Referral Order,North,2026-03-02,2026-11-30,15,Male,White,yes,,,pigeon,\n")
    with pytest.raises(ImportRejected) as rejected:
        parse_csv(bad)
    reasons = dict(rejected.value.problems)
    assert sorted(reasons) == [2, 3, 4, 5]
    assert "UK mobile" in reasons[2] and "email" in reasons[3] and "phone column is empty" in reasons[4]
    assert "telegram, web, sms or email" in reasons[5]
    assert "01632" not in str(rejected.value) and "not-an-email" not in str(rejected.value)


def test_phone_and_email_are_stored_encrypted_and_a_reimport_does_not_rewrite_them(db_url):
    from surveys.crypto import Keyring
    from surveys.store import create_all, make_engine
    from tests.conftest import TEST_HASH_KEY

    engine = make_engine(db_url, keys=Keyring.parse(generate_key()), hash_key=TEST_HASH_KEY)
    create_all(engine)
    try:
        from surveys.store import ensure_service
        with session_scope(engine) as session:
            service_id = ensure_service(session, "yot", "YOT").id
            import_rows(session, service_id, parse_csv(CASES), now=T0)
        with engine.connect() as connection:
            raw = connection.execute(sa.text("SELECT phone, email FROM participant ORDER BY id")).all()
        assert raw[0][0].startswith("heard-enc:1:") and "900001" not in raw[0][0]
        assert raw[1][1].startswith("heard-enc:1:") and "xample" not in raw[1][1]
        with session_scope(engine) as session:
            import_rows(session, service_id, parse_csv(CASES), now=T0)  # the same file again
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT phone, email FROM participant ORDER BY id")).all() == raw
        with session_scope(engine) as session:
            person = find_participant(session, service_id, "YJ-1", Audience.young_person)
            assert (person.phone, person.channel) == ("+447700900001", Channel.sms)
            erase_participant(session, person, now=datetime.now(timezone.utc), actor="test")
        with session_scope(engine) as session:
            import_rows(session, service_id, parse_csv(CASES), now=T0)  # an old export brings nothing back
            person = find_participant(session, service_id, "YJ-1", Audience.young_person)
            assert (person.phone, person.email) == (None, None)
    finally:
        engine.dispose()


# --- heard invite --channel ----------------------------------------------------------------------

@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    with running_fake_notify() as fake:
        monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        monkeypatch.setenv("HEARD_PUBLIC_URL", PUBLIC_URL)
        monkeypatch.setenv("HEARD_NOTIFY_API_KEY", API_KEY)
        monkeypatch.setenv("HEARD_NOTIFY_SMS_TEMPLATE_ID", SMS_TEMPLATE)
        monkeypatch.setenv("HEARD_NOTIFY_EMAIL_TEMPLATE_ID", EMAIL_TEMPLATE)
        monkeypatch.setenv("HEARD_NOTIFY_BASE_URL", fake.url)
        cases = tmp_path / "cases.csv"
        cases.write_text(CASES)
        assert runner.invoke(app, ["cases", "import", str(cases)]).exit_code == 0
        yield fake


def _redeem(code: str):
    from bot.cli.context import open_context
    from surveys.models import utcnow

    ctx = open_context()
    with session_scope(ctx.engine) as session:
        person = redeem_invite(session, code, now=utcnow(), service_id=ctx.service_id)
        return person.audience, person.channel


def test_invite_by_sms_and_email_sends_a_working_link_through_notify(cli_env):
    fake = cli_env
    sms = runner.invoke(app, ["invite", "YJ-1", "--audience", "young_person", "--channel", "sms"])
    assert sms.exit_code == 0, sms.output
    assert "Sent the invitation by sms to a mobile ending 001" in sms.stdout and "900001" not in sms.stdout
    email = runner.invoke(app, ["invite", "YJ-1", "--audience", "parent", "--channel", "email"])  # as the import reads it
    assert email.exit_code == 0, email.output
    assert "Sent the invitation by email to an address at example.org" in email.stdout
    [text, mail] = fake.sent
    assert (text.kind, text.to, text.template_id) == ("sms", "+447700900001", SMS_TEMPLATE)
    assert (mail.kind, mail.to, mail.template_id) == ("email", "Parent@example.org", EMAIL_TEMPLATE)
    assert mail.personalisation["message"].startswith("Helo")  # they chose Cymraeg in the case system
    assert _redeem(LINK.search(text.personalisation["message"]).group(1)) == ("young_person", "sms")
    assert _redeem(LINK.search(mail.personalisation["message"]).group(1)) == ("parent_carer", "email")
    # A subject access request shows how we reach them, and where.
    sar = runner.invoke(app, ["participant", "export", "YJ-1", "young_person"])
    assert sar.exit_code == 0, sar.output
    assert {k: v for k, v in json.loads(sar.stdout)["person"].items() if k in ("channel", "phone", "email")} == {
        "channel": "sms", "phone": "+447700900001", "email": None}


def test_invite_web_prints_the_link_and_stores_the_channel(cli_env):
    web = runner.invoke(app, ["invite", "YJ-2", "--audience", "young_person", "--channel", "web"])
    assert web.exit_code == 0, web.output
    code = LINK.fullmatch(web.stdout.strip()).group(1)
    assert _redeem(code) == ("young_person", "web") and cli_env.sent == []


def test_invite_says_plainly_what_is_missing_or_went_wrong(cli_env, monkeypatch):
    no_phone = runner.invoke(app, ["invite", "YJ-2", "--audience", "young_person", "--channel", "sms"])
    assert no_phone.exit_code == 2 and "no mobile number for the young person of YJ-2" in no_phone.stderr
    wrong = runner.invoke(app, ["invite", "YJ-2", "--audience", "young_person", "--channel", "fax"])
    assert wrong.exit_code == 2 and "telegram, web, sms or email" in wrong.stderr
    cli_env.fail_next(400, "phone_number Not a UK mobile number")
    refused = runner.invoke(app, ["invite", "YJ-1", "--audience", "young_person", "--channel", "sms"])
    assert refused.exit_code == 1 and "not a valid mobile number" in refused.stderr and "Fix it" in refused.stderr
    cli_env.fail_next(503, "Service Unavailable")
    later = runner.invoke(app, ["invite", "YJ-1", "--audience", "young_person", "--channel", "sms"])
    assert later.exit_code == 1 and "Try again later" in later.stderr
    assert runner.invoke(app, ["participant", "erase", "YJ-3", "young_person", "--yes"]).exit_code == 0
    erased = runner.invoke(app, ["invite", "YJ-3", "--audience", "young_person", "--channel", "sms"])
    assert erased.exit_code == 1 and "The young person of YJ-3 asked not to hear from us" in erased.stderr
    monkeypatch.delenv("HEARD_NOTIFY_API_KEY")
    unset = runner.invoke(app, ["invite", "YJ-1", "--audience", "young_person", "--channel", "sms"])
    assert unset.exit_code == 2 and "HEARD_NOTIFY_API_KEY" in unset.stderr
    assert cli_env.sent == []


# --- the dispatcher ----------------------------------------------------------------------------

def use_fake_notify(w, fake) -> None:
    w.heard.settings = w.heard.settings.model_copy(update=dict(
        public_url=PUBLIC_URL, notify_api_key=SecretStr(API_KEY), notify_sms_template_id=SMS_TEMPLATE,
        notify_email_template_id=EMAIL_TEMPLATE, notify_base_url=fake.url))
    w.heard.notify = NotifySender(NotifyConfig.from_settings(w.heard.settings))


def invitation_of(w, case_ref: str, audience: Audience) -> Invitation:
    with session_scope(w.heard.engine) as session:
        person = find_participant(session, w.heard.service_id, case_ref, audience)
        return session.exec(select(Invitation).where(Invitation.participant_id == person.id)).one()


async def test_each_due_survey_goes_by_the_persons_channel_once_and_only_in_the_send_window(db_url):
    clock = FakeClock(NIGHT)
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES, clock=clock) as w:
            use_fake_notify(w, fake)
            telegram_user = await w.join(701, "YJ-2", Audience.young_person)
            assert (await w.tick()).sent == 0 and fake.sent == []  # 22:30: nothing goes out, by any channel
            clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
            report = await w.tick()
            assert report.sent == 4
            assert "Question 1 of" in telegram_user.last_message["text"]
            assert sorted((s.kind, s.to) for s in fake.sent) == [
                ("email", "Parent@example.org"), ("sms", "+447700900001"), ("sms", "+447700900003")]
            assert all(s.reference.startswith("heard-invitation-") for s in fake.sent)
            assert (await w.tick()).sent == 0 and len(fake.sent) == 3  # never twice
            sms = invitation_of(w, "YJ-1", Audience.young_person)
            assert (sms.status, sms.channel) == (InvitationStatus.sent, "sms")
            assert invitation_of(w, "YJ-2", Audience.young_person).channel == "telegram"
            # The link works: the web chat (webchat/) takes the person from here.
            code = LINK.search(fake.sent[0].personalisation["message"]).group(1)
            with session_scope(w.heard.engine) as session:
                assert redeem_invite(session, code, now=clock(), service_id=w.heard.service_id).channel in (
                    Channel.sms, Channel.email)


async def test_reminders_go_by_sms_with_a_fresh_link_and_stop_after_the_schedule(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            await w.tick()
            first = {s.to: s for s in fake.sent}["+447700900001"]
            w.clock.advance(days=2)
            assert (await w.tick()).reminded == 3
            reminder = [s for s in fake.sent if s.to == "+447700900001"][-1]
            assert reminder.personalisation["message"].startswith("Hi! Just a reminder")
            assert reminder.reference.endswith("-reminder-1")
            old, new = (LINK.search(s.personalisation["message"]).group(1) for s in (first, reminder))
            assert old != new
            with session_scope(w.heard.engine) as session:  # only the newest link is live
                with pytest.raises(Exception, match="expired"):
                    redeem_invite(session, old, now=w.clock(), service_id=w.heard.service_id)
            w.clock.advance(days=3)
            assert (await w.tick()).reminded == 3
            w.clock.advance(days=3)
            assert (await w.tick()).reminded == 0  # two reminders, as on Telegram
            assert len(fake.sent) == 9


async def test_temporary_notify_failures_are_retried_and_sent_once(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES.replace(",07700 900001,,sms,", ",,,,").replace(",Parent@Example.ORG,email,", ",,,")) as w:
            use_fake_notify(w, fake)  # now only YJ-3 has a link channel
            fake.fail_next(429, "Exceeded rate limit")
            assert (await w.tick()).retried == 1
            failed = invitation_of(w, "YJ-3", Audience.young_person)
            assert (failed.status, failed.last_error) == (InvitationStatus.scheduled,
                                                           "notify: too many requests (429), will retry")
            assert (await w.tick()).sent == 0  # waits for its back-off
            w.clock.advance(minutes=1)
            fake.fail_next(500, "Internal server error")
            assert (await w.tick()).retried == 1
            w.clock.advance(minutes=2)
            assert (await w.tick()).sent == 1
            w.clock.advance(minutes=10)
            assert (await w.tick()).sent == 0
            assert [s.to for s in fake.sent] == ["+447700900003"]
            assert invitation_of(w, "YJ-3", Audience.young_person).last_error is None


async def test_no_connection_to_notify_is_temporary(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            w.heard.notify = NotifySender(NotifyConfig(API_KEY, SMS_TEMPLATE, EMAIL_TEMPLATE, "http://127.0.0.1:9"),
                                          timeout=2)
            assert (await w.tick()).retried == 3
            assert invitation_of(w, "YJ-1", Audience.young_person).status == InvitationStatus.scheduled


async def test_permanent_failures_are_recorded_and_not_retried(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            with session_scope(w.heard.engine) as session:  # a number Notify will refuse
                find_participant(session, w.heard.service_id, "YJ-3", Audience.young_person).phone = "+447700"
            fake.fail_next(403, "Invalid token: API key not found")  # the first send: a revoked key
            report = await w.tick()
            assert report.unreachable == 2 and report.sent == 1
            reasons = sorted(inv.last_error for inv in w.rows(Invitation, Invitation.status == InvitationStatus.failed))
            assert reasons == ["notify: API key refused (403)", "notify: not a valid mobile number (400)"]
            w.clock.advance(hours=2)
            assert (await w.tick()).sent == 0 and len(fake.sent) == 1


async def test_without_notify_set_up_links_wait_and_nothing_is_lost(db_url):
    async with world(db_url, cases=CASES) as w:  # no HEARD_NOTIFY_API_KEY, no HEARD_PUBLIC_URL
        assert (await w.tick()).retried == 3
        assert invitation_of(w, "YJ-1", Audience.young_person).last_error == "notify: HEARD_PUBLIC_URL not set"
        assert invitation_of(w, "YJ-1", Audience.young_person).status == InvitationStatus.scheduled


async def test_a_slow_notify_does_not_hold_up_the_event_loop(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            fake.delay = 0.3
            seen_mid_send = 0

            async def heartbeat():
                """Runs on the bot's event loop: it can see a send in flight only if the loop is not blocked."""
                nonlocal seen_mid_send
                while True:
                    await asyncio.sleep(0.01)
                    seen_mid_send += fake.in_flight > 0

            beating = asyncio.create_task(heartbeat())
            started = time.monotonic()
            await w.tick()
            beating.cancel()
            assert len(fake.sent) == 3 and time.monotonic() - started >= 0.9
            assert seen_mid_send > 0  # the loop kept running while Notify was slow


async def test_a_person_who_links_telegram_stops_getting_sms(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            user = await w.join(702, "YJ-3", Audience.young_person)
            assert "Question 1 of" in user.last_message["text"]
            assert (await w.tick()).sent == 2 and all(s.to != "+447700900003" for s in fake.sent)
            with session_scope(w.heard.engine) as session:
                assert find_participant(session, w.heard.service_id, "YJ-3",
                                        Audience.young_person).channel == Channel.telegram


async def test_two_workers_ticking_at_once_send_each_link_once(db_url):
    import dataclasses

    from bot.dispatch import run_tick

    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            fake.delay = 0.1  # long enough for the two ticks to overlap
            second = dataclasses.replace(w.heard, worker="second-worker")
            reports = await asyncio.gather(run_tick(w.app.bot, w.heard), run_tick(w.app.bot, second))
            assert sum(report.sent for report in reports) == 3
            assert sorted(s.to for s in fake.sent) == ["+447700900001", "+447700900003", "Parent@example.org"]


# --- the board report: response by channel -----------------------------------------------------

def _row(person: int, channel: str | None, answered: bool, finished: bool = False):
    from analysis.aggregate import InvitationRow

    sent = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    return InvitationRow(person, person, "young_person", "yp_exit", "exit", "completed" if finished else "sent",
                         sent, sent if answered else None, sent if finished else None, f"YJ-{person}", None, None,
                         None, None, None, None, None, channel)


def test_response_rates_by_channel_hide_small_groups_and_what_would_reveal_them():
    from analysis.aggregate import channel_figures

    rows = ([_row(i, "telegram", i % 2 == 0, i % 4 == 0) for i in range(1, 21)]  # 20 people, 10 answered, 5 finished
            + [_row(100 + i, "sms", i < 6) for i in range(8)]  # 8 people, 6 answered
            + [_row(200 + i, None, True) for i in range(2)]  # sent before channels were recorded: Telegram
            + [_row(300 + i, "email", i == 0) for i in range(3)])  # 3 people: too few to show
    lines = {line.channel: line for line in channel_figures(rows)}
    assert list(lines) == ["telegram", "sms", "email"]
    telegram, sms, email = lines["telegram"], lines["sms"], lines["email"]
    assert (telegram.invited.count, telegram.response_rate.count, telegram.response_rate.n) == (22, 12, 22)
    assert telegram.completion_rate.count == 5
    # Email has 3 people: hidden. SMS, the smaller of the others, is hidden too, or email could be
    # worked out from the audience's total.
    assert email.invited.suppressed == email.response_rate.suppressed == "small" and email.invited.count is None
    assert sms.response_rate.suppressed == "secondary" and sms.invited.count is None
    shown = channel_figures([r for r in rows if r.channel != "email"])
    assert [(c.label, c.response_rate.count, c.response_rate.n) for c in shown] == [
        ("Telegram", 12, 22), ("Text message (SMS)", 6, 8)]


async def test_heard_due_tells_workers_how_link_people_are_reached_and_what_notify_refused(db_url):
    from surveys.casework import due_soon, needs_link, not_answered

    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES, clock=FakeClock(NIGHT)) as w:
            use_fake_notify(w, fake)
            with session_scope(w.heard.engine) as session:
                due = {line.case_ref + line.audience: line.note for line in
                       due_soon(session, w.heard.service_id, now=w.clock())}
                unlinked = {line.case_ref for line in needs_link(session, w.heard.service_id, now=w.clock())}
            assert due == {"YJ-1young_person": "will be sent by text message", "YJ-1parent_carer": "will be sent by email",
                           "YJ-3young_person": "will be sent by text message"}
            assert unlinked == {"YJ-2"}  # only the Telegram person needs a link made by hand
            w.clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
            fake.fail_next(400, "phone_number Not a UK mobile number")
            await w.tick()
            with session_scope(w.heard.engine) as session:
                notes = [line.note for line in not_answered(session, w.heard.service_id)]
            assert "could not be delivered: please contact them another way (not a valid mobile number (400))" in notes


async def test_a_send_whose_answer_was_lost_is_checked_with_notify_not_sent_again(db_url):
    only_yj3 = CASES.replace(",07700 900001,,sms,", ",,,,").replace(",Parent@Example.ORG,email,", ",,,")
    with running_fake_notify() as fake:
        async with world(db_url, cases=only_yj3) as w:
            use_fake_notify(w, fake)
            w.heard.notify = NotifySender(NotifyConfig.from_settings(w.heard.settings), timeout=0.5)
            fake.answer_delay = 1.5  # Notify takes the message, but its answer never arrives in time
            assert (await w.tick()).retried == 1 and len(fake.sent) == 1
            fake.answer_delay = 0
            w.clock.advance(minutes=5)
            assert (await w.tick()).sent == 1
            assert len(fake.sent) == 1  # asked Notify by the invitation's reference: it had gone, so not again
            invitation = invitation_of(w, "YJ-3", Audience.young_person)
            assert (invitation.status, invitation.last_error) == (InvitationStatus.sent, None)
            code = LINK.search(fake.sent[0].personalisation["message"]).group(1)
            with session_scope(w.heard.engine) as session:  # the link they got still works
                assert redeem_invite(session, code, now=w.clock(), service_id=w.heard.service_id).phone


async def test_a_reminder_notify_cannot_send_now_is_tried_again_and_one_it_refuses_is_recorded(db_url):
    only_yj3 = CASES.replace(",07700 900001,,sms,", ",,,,").replace(",Parent@Example.ORG,email,", ",,,")
    with running_fake_notify() as fake:
        async with world(db_url, cases=only_yj3) as w:
            use_fake_notify(w, fake)
            assert (await w.tick()).sent == 1
            w.clock.advance(days=2)
            fake.fail_next(500, "Internal server error")
            assert (await w.tick()).reminded == 0
            assert invitation_of(w, "YJ-3", Audience.young_person).reminders_sent == 0  # given back
            w.clock.advance(minutes=6)
            assert (await w.tick()).reminded == 1
            w.clock.advance(days=3)
            fake.fail_next(400, "phone_number Not a UK mobile number")
            assert (await w.tick()).reminded == 0
            invitation = invitation_of(w, "YJ-3", Audience.young_person)
            assert (invitation.reminders_sent, invitation.last_error) == (2, "notify: not a valid mobile number (400)")
            assert invitation.status == InvitationStatus.sent  # they may still answer from an earlier link
            w.clock.advance(hours=1)
            assert (await w.tick()).reminded == 0 and len(fake.sent) == 2
