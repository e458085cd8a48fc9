"""Links by web, text and email (issue 15). GOV.UK Notify's delivery receipts: a text or email that can
never arrive reaches the person's worker; one Notify never sent goes again; receipts are taken only
with the right token, posted to heard's own web server on 127.0.0.1 as Notify would post them. And a
worker in Telegram invites by web link, text or email."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.web import RECEIPTS_PATH, make_web_app
from surveys.casework import not_answered
from surveys.delivery import Receipt, parse_receipt
from surveys.models import Audience, InvitationStatus, Role
from surveys.store import session_scope
from tests.bot_world import world
from tests.fake_notify import running_fake_notify
from tests.test_notify import CASES, invitation_of, use_fake_notify

TOKEN = "receipts-token-0123456789"


@pytest.mark.parametrize("body, expected", [
    ({"reference": "heard-invitation-12", "status": "permanent-failure", "to": "+447700900001"},
     Receipt(12, None, "permanent-failure")),
    ({"reference": "heard-invitation-12-reminder-2", "status": "technical-failure"}, Receipt(12, 2, "technical-failure")),
    ({"reference": "someone-elses-12", "status": "delivered"}, None),
    ({"reference": None, "status": "delivered"}, None),
    ({"status": "delivered"}, None),
    (["heard-invitation-12"], None),
])
def test_a_receipt_is_read_from_its_reference_and_nothing_else(body, expected):
    assert parse_receipt(body) == expected


async def _post_receipts(w, receipts: list[tuple[int, str, str]], token: str = TOKEN) -> list[int]:
    """Post receipts (invitation id, reference suffix, status) to heard's web server; the statuses back."""
    w.heard.settings = w.heard.settings.model_copy(update={"notify_callback_token": SecretStr(TOKEN)})
    runner = web.AppRunner(make_web_app(w.app, w.heard.engine, None, webchat=False))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}",
                                         headers={"Authorization": f"Bearer {token}"}) as notify:
            statuses = []
            for invitation_id, suffix, status in receipts:
                body = {"id": "x", "reference": f"heard-invitation-{invitation_id}{suffix}", "to": "+447700900001",
                        "status": status, "notification_type": "sms"}
                async with notify.post(RECEIPTS_PATH, json=body) as answer:
                    statuses.append(answer.status)
            return statuses
    finally:
        await runner.cleanup()


async def test_a_number_not_in_use_reaches_the_worker_and_the_survey_stops_waiting(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            assert (await w.tick()).sent == 3
            sms = invitation_of(w, "YJ-1", Audience.young_person)
            email = invitation_of(w, "YJ-1", Audience.parent_carer)
            assert await _post_receipts(w, [(sms.id, "", "permanent-failure"), (email.id, "", "delivered")]) == [200, 200]
            assert invitation_of(w, "YJ-1", Audience.young_person).status == InvitationStatus.failed
            assert invitation_of(w, "YJ-1", Audience.parent_carer).status == InvitationStatus.sent
            with session_scope(w.heard.engine) as session:
                notes = [line.note for line in not_answered(session, w.heard.service_id)]
            assert "could not be delivered: please contact them another way (the mobile number is not in use)" in notes
            w.clock.advance(days=2)
            await w.tick()
            assert "+447700900001" not in [s.to for s in fake.sent[3:]]  # no reminders to a dead number


async def test_a_message_notify_never_sent_goes_again_and_a_late_one_is_noted(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            await w.tick()
            sms = invitation_of(w, "YJ-3", Audience.young_person)
            email = invitation_of(w, "YJ-1", Audience.parent_carer)
            await _post_receipts(w, [(sms.id, "", "technical-failure"), (email.id, "", "temporary-failure")])
            assert invitation_of(w, "YJ-3", Audience.young_person).status == InvitationStatus.scheduled
            w.clock.advance(minutes=5)
            assert (await w.tick()).sent == 1
            assert [s.to for s in fake.sent].count("+447700900003") == 2
            with session_scope(w.heard.engine) as session:
                notes = [line.note for line in not_answered(session, w.heard.service_id)]
            assert "not opened yet; not delivered (the inbox is full or refused it)" in notes
            await _post_receipts(w, [(email.id, "", "delivered")])  # it arrived in the end
            assert invitation_of(w, "YJ-1", Audience.parent_carer).last_error is None


async def test_receipts_without_the_token_change_nothing(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            await w.tick()
            sms = invitation_of(w, "YJ-1", Audience.young_person)
            assert await _post_receipts(w, [(sms.id, "", "permanent-failure")], token="guessed-token-000") == [403]
            assert invitation_of(w, "YJ-1", Audience.young_person).status == InvitationStatus.sent


async def test_a_receipt_after_the_person_started_changes_nothing(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            use_fake_notify(w, fake)
            await w.tick()
            sms = invitation_of(w, "YJ-1", Audience.young_person)
            with session_scope(w.heard.engine) as session:
                session.get(type(sms), sms.id).status = InvitationStatus.started
            await _post_receipts(w, [(sms.id, "-reminder-1", "permanent-failure"), (sms.id, "", "technical-failure")])
            assert invitation_of(w, "YJ-1", Audience.young_person).status == InvitationStatus.started


async def test_a_worker_in_telegram_invites_by_web_link_or_text_message(db_url):
    from surveys.enrol import redeem_invite
    from surveys.models import Role

    with running_fake_notify() as fake:
        async with world(db_url, cases=CASES) as w:
            w.add_staff(790, Role.case_worker, "Kim")
            worker = w.emu.user(790)
            await worker.send_command("/invite YJ-3 young_person web")
            await w.settle()
            assert "not set up yet" in worker.last_message["text"]  # no HEARD_PUBLIC_URL
            use_fake_notify(w, fake)
            await worker.send_command("/invite YJ-3 young_person web")  # under 16, say: the web page
            await w.settle()
            caption = worker.last_message["caption"]
            assert "photo" in worker.last_message and "https://feedback.example.gov.uk/s/" in caption
            code = caption.split("/s/")[1].split()[0]
            with session_scope(w.heard.engine) as session:
                assert redeem_invite(session, code, now=w.clock(), service_id=w.heard.service_id).channel == "web"
            await worker.send_command("/invite YJ-1 young_person sms")
            await w.settle()
            assert "mobile ending 001" in worker.last_message["text"]
            [sent] = fake.sent
            assert sent.to == "+447700900001" and "https://feedback.example.gov.uk/s/" in sent.personalisation["message"]
            await worker.send_command("/invite YJ-2 young_person email")
            await w.settle()
            assert "no mobile number or email address" in worker.last_message["text"] and len(fake.sent) == 1


async def test_a_follow_up_for_a_victim_on_text_messages_is_not_said_to_wait_for_a_telegram_link(db_url):
    victim_by_text = CASES + "YJ-9,victim,V1,Referral Order,North,2026-03-02,2026-11-30,15,Male,White British,no,07700 900009,,sms,\n"
    with running_fake_notify() as fake:
        async with world(db_url, cases=victim_by_text) as w:
            use_fake_notify(w, fake)
            w.add_staff(950, Role.victim_worker, "Lee")
            lee = w.user(950)
            await lee.send_command("/followup YJ-9 V1")
            await w.settle()
            said = lee.last_message["text"]
            assert "taps their link" not in said
            assert "text message" in said
