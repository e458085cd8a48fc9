"""'You said, we did' back to the people who asked: once a quarter, in the send window, never after /stop."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from analysis.actions import add_action
from surveys.hearing_back import HEAR_BACK_QUESTION, reach
from surveys.models import ActionNews, Answer, Audience, Channel, Consent, Invitation, Participant
from surveys.store import session_scope
from tests.bot_world import FakeClock, world
from tests.fake_notify import running_fake_notify
from tests.test_notify import CASES as NOTIFY_CASES, use_fake_notify

NIGHT = datetime(2026, 12, 1, 21, 30, tzinfo=timezone.utc)  # outside 09:00-20:00
LABELS = {"fairness_speed": "Fairness and speed of the process"}


def _said(w, participant_id: int, value: str) -> None:
    """Store their answer to the hear-back question (as if given at the end of their exit survey)."""
    with session_scope(w.heard.engine) as session:
        invitation = session.exec(select(Invitation).where(Invitation.participant_id == participant_id)).first()
        session.add(Answer(invitation_id=invitation.id, question_id=HEAR_BACK_QUESTION, value=value,
                           answered_at=w.clock()))


def _action(w, text: str, on: date, status: str = "done") -> None:
    with session_scope(w.heard.engine) as session:
        add_action(session, w.heard.service_id, "fairness_speed", text, themes=LABELS, status=status, on=on)


async def test_people_who_asked_hear_what_changed_once_a_quarter_and_others_never(db_url):
    clock = FakeClock(NIGHT)
    async with world(db_url, clock=clock) as w:
        yes = await w.join(701, "YJ-24-0117", Audience.young_person)
        no = await w.join(702, "YJ-24-0117", Audience.parent_carer)
        _said(w, 1, "yes")
        _said(w, 2, "no")
        # Last full quarter (financial): 2026-27-Q2, July to September 2026.
        _action(w, "Panels are now booked within two weeks of court.", date(2026, 8, 14))
        _action(w, "Still being planned, so not news yet.", date(2026, 9, 1), status="planned")
        _action(w, "Done this quarter: next time.", date(2026, 11, 2))
        before = len(yes.messages)
        await w.tick()
        assert len(yes.messages) == before  # at night nothing goes out
        clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
        await w.tick()
        news = [m["text"] for m in yes.messages[before:] if "You said, we did" in m["text"]]
        assert len(news) == 1
        assert "Panels are now booked within two weeks of court." in news[0]
        assert "Fairness and speed of the process" in news[0]
        assert "planned" not in news[0] and "next time" not in news[0]
        assert not any("You said, we did" in m.get("text", "") for m in no.messages)
        clock.advance(days=20)
        await w.tick()
        assert sum("You said, we did" in m.get("text", "") for m in yes.messages) == 1  # once per quarter
        [row] = w.rows(ActionNews)
        assert (row.participant_id, row.quarter, row.sent_at is not None) == (1, "2026-27-Q2", True)


async def test_nobody_who_stopped_hears_anything(db_url):
    async with world(db_url) as w:
        user = await w.join(703, "YJ-24-0117", Audience.young_person)
        _said(w, 1, "yes")
        await user.send_command("/stop")
        await w.settle()
        await user.press("Yes, stop")
        await w.settle()
        assert "won't send you anything" in user.last_message["text"]
        _action(w, "Panels are now booked within two weeks of court.", date(2026, 8, 14))
        before = len(user.messages)
        await w.tick()
        assert not any("You said, we did" in m.get("text", "") for m in user.messages[before:])
        assert w.rows(ActionNews) == []


async def test_no_news_without_a_done_action_last_quarter(db_url):
    async with world(db_url) as w:
        user = await w.join(704, "YJ-24-0117", Audience.young_person)
        _said(w, 1, "yes")
        await w.tick()
        assert not any("You said, we did" in m.get("text", "") for m in user.messages)


# --- by SMS and email, through GOV.UK Notify --------------------------------------------------

MORNING = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def _agreed(w, *participant_ids: int) -> None:
    with session_scope(w.heard.engine) as session:
        for participant_id in participant_ids:
            session.get(Participant, participant_id).consent = Consent.given


def _news(fake) -> list:
    return [sent for sent in fake.sent if (sent.reference or "").startswith("heard-news-")]


async def test_people_on_text_or_email_hear_what_changed_in_plain_words_in_their_language(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=NOTIFY_CASES, clock=FakeClock(MORNING)) as w:
            sms_person, email_person = 1, 2  # YJ-1's young person (text, English) and parent (email, Welsh)
            _agreed(w, sms_person, email_person)
            _said(w, sms_person, "yes")
            _said(w, email_person, "yes")
            _action(w, "Panels are now booked within two weeks of court.", date(2026, 8, 14))
            await w.tick()
            assert w.rows(ActionNews) == []  # Notify not set up yet: nobody is claimed, so nothing is lost
            use_fake_notify(w, fake)
            await w.tick()
            sms, email = sorted(_news(fake), key=lambda sent: sent.kind, reverse=True)
            assert (sms.kind, sms.to, email.kind, email.to) == ("sms", "+447700900001", "email", "Parent@example.org")
            assert "Here is what we changed" in sms.personalisation["message"]
            assert "- You said: Fairness and speed of the process. We did: Panels are now booked" in sms.personalisation["message"]
            assert email.personalisation["subject"] == "Beth wnaethon ni ei newid"
            assert "Dyma beth wnaethon ni ei newid" in email.personalisation["message"]
            for sent in (sms, email):  # plain text, and nothing on a lock screen says who sent it
                assert "<" not in sent.personalisation["message"] and "youth justice" not in sent.personalisation["message"]
            w.clock.advance(days=20)
            await w.tick()
            assert len(_news(fake)) == 2  # once a quarter
            assert all(row.sent_at is not None for row in w.rows(ActionNews))


async def test_a_passing_notify_failure_is_tried_again_and_a_bad_number_is_not(db_url):
    with running_fake_notify() as fake:
        async with world(db_url, cases=NOTIFY_CASES, clock=FakeClock(MORNING)) as w:
            use_fake_notify(w, fake)
            await w.tick()  # their invitations go out first
            _agreed(w, 1, 2)
            _said(w, 1, "yes")
            _said(w, 2, "yes")
            _action(w, "Panels are now booked within two weeks of court.", date(2026, 8, 14))
            fake.fail_next(503, "Notify is down")
            fake.fail_next(400, "phone_number Not a UK mobile number")
            await w.tick()
            assert _news(fake) == []
            assert [row.participant_id for row in w.rows(ActionNews)] == [2]  # the refused one keeps its claim
            w.clock.advance(minutes=5)
            await w.tick()
            assert [sent.to for sent in _news(fake)] == ["+447700900001"]  # the passing failure, sent now
            w.clock.advance(minutes=5)
            await w.tick()
            assert len(_news(fake)) == 1


@pytest.mark.parametrize("channel, phone, email, chat_id, expected", [
    (Channel.telegram, None, None, "701", "telegram"), (Channel.telegram, "+447700900001", None, None, None),
    (Channel.sms, "+447700900001", None, None, "sms"), (Channel.sms, None, "a@example.org", None, None),
    (Channel.email, "+447700900001", "a@example.org", None, "email"), (Channel.email, "+447700900001", None, None, None),
    (Channel.web, "+447700900001", "a@example.org", None, "sms"), (Channel.web, None, "a@example.org", None, "email"),
    (Channel.web, None, None, None, None),
])
def test_news_goes_the_way_their_surveys_go_and_a_web_person_by_any_address_they_gave(channel, phone, email, chat_id,
                                                                                     expected):
    to = reach(Participant(channel=channel, phone=phone, email=email, chat_id=chat_id))
    assert (None if to is None else "telegram" if to.chat_id else to.channel.value) == expected
