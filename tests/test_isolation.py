"""Nobody reaches a survey that is not theirs, and one YOT never sees another's data.

Forged button presses carry any callback data a tampered client could send; two YOTs share
one database (and one Bot API) with the same case references in both.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlmodel import select

from bot.sandbox.emulator import DEFAULT_TOKEN, Emulator
from bot.texts import t
from surveys.models import (Answer, Audience, Case, Consent, Invitation, InvitationStatus, Participant, Role,
                            SafeguardingAlert)
from surveys.store import session_scope
from tests.bot_world import CASES, world

YP = ("YJ-24-0117", Audience.young_person)
PARENT = ("YJ-24-0117", Audience.parent_carer)
OTHER_TOKEN = "456:OTHER"


def _snapshot(w, invitation_id: int):
    [invitation] = w.rows(Invitation, Invitation.id == invitation_id)
    answers = sorted((a.question_id, a.value, a.skipped) for a in w.rows(Answer, Answer.invitation_id == invitation_id))
    return invitation.status, answers


def _forgeries(invitation_id: int) -> list[str]:
    """Every verb on every early question and option of someone's survey, and ids that do not exist."""
    found = []
    for question in range(4):
        found += [f"a:{invitation_id}:{question}:{option}" for option in range(6)]
        found += [f"t:{invitation_id}:{question}:{option}" for option in range(3)]
        found += [f"{verb}:{invitation_id}:{question}" for verb in "dsb"]
    return found + ["a:0:0:0", "a:999999:0:0", "a:999999999:0:0", "a:999999999999:0:0", "ack:1", "ack:99999999999",
                    "ack:x", "ack:", "consent:yes", "consent:maybe", "stop:yes", "delete:yes"]


@pytest.mark.slow
async def test_forged_buttons_never_touch_someone_elses_survey(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        owner = await w.join(601, *YP)
        await owner.press("😐 3")
        await w.settle()
        [mine] = w.rows(Invitation, Invitation.participant_id == 1, Invitation.status == InvitationStatus.started)
        before = _snapshot(w, mine.id)
        owner_messages = len(owner.messages)
        [alert_id] = _alert_for(w, participant_id=1)

        other_parent = await w.join(602, *PARENT)
        stranger = w.user(603)  # never linked to anything
        for user in (other_parent, stranger):
            for data in _forgeries(mine.id) + [f"ack:{alert_id}"]:
                query_id = await user.press_data(data)
                await w.settle()
                assert query_id in w.emu.callback_answers, data  # every press gets an answer, none hangs
        assert _snapshot(w, mine.id) == before
        assert len(owner.messages) == owner_messages  # nothing was sent to, or edited in, the owner's chat
        [alert] = w.rows(SafeguardingAlert, SafeguardingAlert.id == alert_id)
        assert alert.acknowledged_at is None  # a young person cannot take a safeguarding alert
        [parent] = w.rows(Participant, Participant.audience == Audience.parent_carer)
        assert parent.erased_at is not None  # delete:yes erased the presser, and only the presser
        [owner_row] = w.rows(Participant, Participant.id == 1)
        assert owner_row.erased_at is None and owner_row.consent == Consent.given
        assert w.rows(Participant, Participant.chat_hash.is_not(None), Participant.id != 1) == []


def _alert_for(w, participant_id: int) -> list[int]:
    with session_scope(w.heard.engine) as session:
        alert = SafeguardingAlert(service_id=w.heard.service_id, participant_id=participant_id, reason="test",
                                  text="a disclosure", created_at=w.clock())
        session.add(alert)
        session.flush()
        return [alert.id]


@contextlib.asynccontextmanager
async def two_yots(db_url):
    """YOT A and YOT B in one database and one Bot API, each with its own bot and the same case refs."""
    async with Emulator(DEFAULT_TOKEN, OTHER_TOKEN) as emu:
        async with world(db_url, emu=emu, service="yot-a") as a:
            async with world(db_url, emu=emu, service="yot-b", token=OTHER_TOKEN, clock=a.clock,
                             cases=CASES) as b:
                yield a, b


async def _say(w, user, line: str) -> str:
    """Send a command (or plain text) and return everything the bot said back."""
    before = len(user.messages)
    await (user.send_command(line) if line.startswith("/") else user.send_text(line))
    await w.settle()
    return "\n".join(m.get("text") or m.get("caption") or "" for m in user.messages[before:])


async def test_two_yots_sharing_a_database_never_see_each_other(db_url):
    async with two_yots(db_url) as (a, b):
        for w, base in ((a, 910), (b, 920)):
            w.add_staff(base, Role.admin, "Admin")
            w.add_staff(base + 1, Role.duty, "Duty")
        young_person = await a.join(611, *YP)
        await young_person.press("😐 3")
        await a.settle()
        [a_alert] = _alert_for(a, participant_id=_participant_id(a, 611))
        a_invitations = _invitations_of(a)

        # B's admin asks B's bot: B's own cases are listed, none of A's progress or alerts.
        b_admin = b.user(920)
        due = await _say(b, b_admin, "/due")
        assert "started, not finished" not in due  # only A's young person has started anything
        callbacks = await _say(b, b_admin, "/callbacks")
        assert "test" not in callbacks and t("staff.nothing") in callbacks
        # A's admin and duty worker are strangers to B's bot.
        for stranger in (b.user(910), b.user(911)):
            assert t("chat.unknown_command") in await _say(b, stranger, "/due")
        # B's duty worker cannot take A's alert, even with its exact id.
        query_id = await b.user(921).press_data(f"ack:{a_alert}")
        await b.settle()
        assert b.emu.callback_answers[query_id]["text"] == t("button.old")
        assert a.rows(SafeguardingAlert, SafeguardingAlert.acknowledged_at.is_not(None)) == []
        # B inviting or following up acts on B's own participant with that case ref, never A's.
        await _say(b, b_admin, "/invite YJ-24-0117 young_person")
        await _say(b, b_admin, "/followup YJ-24-0117 V1")
        assert _invitations_of(a) == a_invitations

        # B's board report is built from B's rows only: A's answers and alert stay out of it.
        await _say(b, b_admin, "/report 2026-Q4")
        assert b_admin.last_message.get("document", {}).get("file_name", "").endswith(".pdf")
        assert _report_rows(b).answers == [] and _report_rows(b).alerts == []
        assert _report_rows(a).answers and _report_rows(a).alerts

        # A's young person writing to B's bot is a stranger there: no survey, no answers stored.
        answers_before = len(a.rows(Answer))
        elsewhere = b.user(611)
        assert t("start.no_link") in await _say(b, elsewhere, "4")
        await elsewhere.press_data(f"a:{min(i for i, _ in a_invitations)}:1:0")
        await b.settle()
        assert len(a.rows(Answer)) == answers_before

        # A's invite code is unknown at B's bot, and still works at A's afterwards.
        code = a.invite("YJ-24-0117", Audience.parent_carer)
        assert t("code.unknown") in await _say(b, b.user(612), f"/start {code}")
        assert "English or Cymraeg?" in await _say(a, a.user(612), f"/start {code}")


def _participant_id(w, user_id: int) -> int:
    from surveys.hashkey import chat_hash, hash_key_of

    [participant] = w.rows(Participant, Participant.chat_hash == chat_hash(hash_key_of(w.heard.engine), user_id))
    return participant.id


def _invitations_of(w) -> set:
    """Each of this YOT's invitations with its status."""
    with session_scope(w.heard.engine) as session:
        return set(session.exec(select(Invitation.id, Invitation.status).join(Participant).join(Case).where(
            Case.service_id == w.heard.service_id)).all())


def _report_rows(w):
    from analysis.aggregate import load_rows, parse_period

    with session_scope(w.heard.engine) as session:
        return load_rows(session, w.heard.service_id, parse_period("2026-Q4"), w.heard.settings.zone)
