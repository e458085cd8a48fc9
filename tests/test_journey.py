"""End to end: the real heard Application over HTTP against the Bot API emulator.

Each test is a person using the bot on their phone; the database is checked afterwards.
"""

from __future__ import annotations

from datetime import timedelta

from surveys.models import (Answer, Audience, AuditEvent, CallbackRequest, Consent, Invitation, InvitationStatus,
                            Participant, Role, SafeguardingAlert)
from tests.bot_world import asks, buttons, world

YP = ("YJ-24-0117", Audience.young_person)


async def test_a_young_person_completes_the_exit_survey(db_url):
    async with world(db_url) as w:
        user = w.emu.user(501, "Alex")
        await user.send_command(f"/start {w.invite(*YP)}")
        await w.settle()
        assert buttons(user.last_message) == ["English", "Cymraeg"]
        await user.press("English")
        await w.settle()
        welcome, consent = user.messages[-2:]
        assert "Who sees your answers?" in welcome["text"]
        assert buttons(consent) == ["Yes, that's OK", "No thanks"]

        await user.press("Yes, that's OK")
        await w.settle()
        first = user.last_message
        assert "Your time with us" in first["text"] and "Question 1 of 9" in first["text"]
        assert buttons(first)[:5] == ["😢 1", "🙁 2", "😐 3", "🙂 4", "😄 5"] and "Skip ⏭" in buttons(first)

        await user.press("🙂 4")
        await w.settle()
        assert "✅ You said: 🙂 4" in first["text"] and buttons(first) == []  # edited into a clean record
        await user.press("😄 5")
        await w.settle()
        await user.send_text("yeah")  # typed answer to a yes/no question
        await w.settle()
        await user.press("⬜ School, college or work")
        await w.settle()
        await user.press("⬜ Home and family")
        await w.settle()
        assert "✅ Home and family" in buttons(user.last_message)
        await user.press("Done ✔️")
        await w.settle()
        for rating in ("7", "5"):
            await user.press(rating)
            await w.settle()
        await user.press("Skip ⏭")
        await w.settle()
        assert "what we changed" in user.last_message["text"].lower()
        await user.press("Yes")
        await w.settle()
        assert "anything else" in user.last_message["text"].lower()
        await user.send_text("my worker Jo listened and explained everything properly")
        await w.settle()
        assert "Thank you!" in user.last_message["text"]

        [invitation] = w.rows(Invitation, Invitation.survey_id == "yp_exit",
                              Invitation.participant_id == 1)
        assert invitation.status == InvitationStatus.completed
        answers = {a.question_id: a for a in w.rows(Answer, Answer.invitation_id == invitation.id)}
        assert answers["overall"].value == "4" and answers["listened"].value == "5"
        assert answers["explained"].value == "yes"
        assert answers["helped_with"].value == "school_or_work;home"
        assert answers["feeling_ok"].value == "7" and answers["getting_on_at_home"].value == "5"
        assert answers["school_or_work"].skipped
        assert answers["hear_what_changed"].value == "yes"  # they will hear what changed
        assert answers["anything_else"].free_text.startswith("my worker Jo listened")
        assert answers["anything_else"].sentiment == "positive"
        assert {"listened_to", "explained_clearly"} <= set(answers["anything_else"].themes.split(";"))
        assert "do_better" not in answers  # only asked after a low score


async def test_back_changes_the_last_answer(db_url):
    async with world(db_url) as w:
        user = await w.join(502, *YP)
        await user.press("😐 3")
        await w.settle()
        await user.press("⬅️ Back")
        await w.settle()
        assert "Question 1 of" in user.last_message["text"]
        await user.press("🙁 2")
        await w.settle()
        [answer] = w.rows(Answer, Answer.question_id == "overall")
        assert answer.value == "2"


async def test_a_restart_mid_survey_carries_on_from_the_same_question(db_url):
    async with world(db_url) as w:
        user = await w.join(503, *YP)
        await user.press("🙂 4")
        await w.settle()
    # A new bot process on the same database: nothing was kept in memory.
    async with world(db_url, clock=w.clock) as again:
        user = again.emu.user(503, "Alex")
        await user.send_command("/start")
        await again.settle()
        assert "Question 2 of" in user.last_message["text"]
        await user.press("😄 5")
        await again.settle()
        values = {a.question_id: a.value for a in again.rows(Answer)}
        assert values == {"overall": "4", "listened": "5"}


async def test_double_taps_and_old_buttons_never_record_twice(db_url):
    async with world(db_url) as w:
        user = await w.join(504, *YP)
        question = user.last_message
        await user.press("🙂 4", message=question["message_id"])
        await w.settle()
        # The old message has no buttons any more; a stale press (e.g. a slow network) is forged here.
        question["reply_markup"] = {"inline_keyboard": [[{"text": "😢 1", "callback_data": "a:1:0:0"}]]}
        await user.press("😢 1", message=question["message_id"])
        await w.settle()
        assert [a.value for a in w.rows(Answer)] == ["4"]
        assert "Question 2 of" in user.last_message["text"]  # shown where they are


async def test_someone_elses_survey_cannot_be_answered(db_url):
    async with world(db_url) as w:
        alex = await w.join(505, *YP)
        sam = await w.join(506, "YJ-24-0203", Audience.young_person)
        mine = alex.last_message
        theirs_data = buttons(sam.last_message) and sam.last_message["reply_markup"]["inline_keyboard"][0][0]
        mine["reply_markup"] = {"inline_keyboard": [[theirs_data]]}  # Alex replays Sam's callback data
        await alex.press(theirs_data["text"], message=mine["message_id"])
        await w.settle()
        assert w.rows(Answer) == []


async def test_bad_input_gets_a_kind_answer_and_loses_nothing(db_url):
    async with world(db_url) as w:
        user = await w.join(507, *YP)
        for send, expected in [(user.send_voice, "voice notes"), (user.send_sticker, "sticker"),
                               (user.send_photo, "pictures"), (user.send_video, "videos"),
                               (user.send_document, "files"), (user.send_location, "location"),
                               (user.send_contact, "contact details")]:
            await send()
            await w.settle()
            replies = [m["text"] for m in user.messages[-2:]]
            assert expected in replies[0], replies
            assert "Question 1 of" in replies[1]
        await user.send_text("banana")
        await w.settle()
        assert "number from 1 to 5" in user.messages[-2]["text"]
        await user.send_text("🤷")
        await w.settle()
        await user.send_command("/dance")
        await w.settle()
        assert "I don't know that command" in user.messages[-2]["text"]
        await user.send_text("four")
        await w.settle()
        assert [a.value for a in w.rows(Answer)] == ["4"]


async def test_a_very_long_answer_is_kept_whole(db_url):
    async with world(db_url) as w:
        user = await w.join(508, *YP)
        await w.skip_until(user, asks("anything else"))
        long_text = ("it was ok but the meetings went on too long " * 100)[:4000]
        await user.send_text(long_text)
        await w.settle()
        [answer] = w.rows(Answer, Answer.question_id == "anything_else")
        assert answer.free_text == long_text.strip()


async def test_group_chats_are_refused_and_left(db_url):
    async with world(db_url) as w:
        group = w.emu.group(-100200, "Mates")
        member = group.member(509)
        await member.send_command("/start")
        await w.settle()
        assert group.left
        assert "only work in one-to-one chats" in member.messages[-1]["text"]


async def test_wrong_used_and_repeated_codes(db_url):
    async with world(db_url) as w:
        old_code = w.invite(*YP)
        code = w.invite(*YP)  # a new link replaces the old one
        owner = w.emu.user(510)
        await owner.send_command(f"/start {code}")
        await w.settle()  # chats run side by side (bot/processing.py): the owner's tap is taken first
        other = w.emu.user(511)
        await other.send_command(f"/start {code}")  # someone else tries a code that was used
        await w.settle()
        assert "link has been used already" in other.last_message["text"]
        await other.send_command(f"/start {old_code}")
        await w.settle()
        assert "too old" in other.last_message["text"]
        for attempt in range(4):
            await other.send_command(f"/start guess{attempt}")
            await w.settle()
        assert "a lot of tries" in other.last_message["text"]
        await owner.send_command(f"/start {w.invite(*YP)}")  # a second link from a linked chat
        await w.settle()
        assert "already set up" in owner.messages[-2]["text"]
        assert buttons(owner.last_message) == ["English", "Cymraeg"]  # still to choose a language
        [participant] = w.rows(Participant, Participant.chat_hash.is_not(None))
        assert participant.audience == Audience.young_person


async def test_stop_cancels_and_start_again_resumes(db_url):
    async with world(db_url) as w:
        user = await w.join(512, *YP)
        await user.send_command("/stop")
        await w.settle()
        await user.press("Yes, stop")
        await w.settle()
        assert "won't send you anything else" in user.last_message["text"]
        assert all(i.status == InvitationStatus.cancelled for i in w.rows(Invitation, Invitation.participant_id == 1))
        report = await w.tick()
        assert report.sent == 0


async def test_delete_erases_answers_and_the_chat_link(db_url):
    async with world(db_url) as w:
        user = await w.join(513, *YP)
        await user.press("🙂 4")
        await w.settle()
        await user.send_command("/delete")
        await w.settle()
        await user.press("Yes, delete them")
        await w.settle()
        assert "answers are deleted" in user.last_message["text"]
        assert w.rows(Answer) == []
        [participant] = w.rows(Participant, Participant.id == 1)
        assert participant.chat_hash is None and participant.erased_at is not None


async def test_a_disclosure_shows_help_and_alerts_the_duty_worker(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.emu.user(900, "Priya")
        user = await w.join(514, *YP)
        await w.skip_until(user, asks("anything else"))
        await user.send_text("my stepdad hurts me when he is drunk")
        await w.settle()
        texts = [m["text"] for m in user.messages[-3:]]
        assert any("Childline" in t and "0800 1111" in t and "999" in t for t in texts)
        assert not any("Victim Support" in t for t in texts)
        alert_message = duty.last_message
        assert "YJ-24-0117" in alert_message["text"] and "stepdad hurts me" in alert_message["text"]
        await duty.press("I'm dealing with this")
        await w.settle()
        [alert] = w.rows(SafeguardingAlert)
        assert alert.reason == "harm at home"
        assert alert.acknowledged_at is not None and alert.notified_at is not None
        assert "Taken by Priya" in duty.last_message["text"]


async def test_a_victim_answers_and_asks_for_a_call(db_url):
    async with world(db_url) as w:
        victim = await w.join(515, "YJ-24-0117", Audience.victim, "V1")
        assert "Question 1 of" in victim.last_message["text"]
        await w.skip_until(victim, asks("call you"))
        await victim.press("Yes")
        await w.settle()
        assert len(w.rows(CallbackRequest)) == 1
        [participant] = w.rows(Participant, Participant.participant_ref == "V1")
        assert participant.consent == Consent.given


async def test_a_disclosure_before_consent_still_reaches_the_duty_worker(db_url):
    async with world(db_url) as w:
        w.add_staff(902, Role.duty, "Priya")
        duty = w.emu.user(902, "Priya")
        user = w.emu.user(516)
        await user.send_command(f"/start {w.invite(*YP)}")
        await w.settle()
        await user.send_text("people are after me and said theyll stab me")
        await w.settle()
        texts = [m["text"] for m in user.messages]
        assert any("will get in touch" in t and "0800 1111" in t for t in texts)
        assert "Possible safeguarding disclosure" in duty.last_message["text"]
        assert len(w.rows(SafeguardingAlert)) == 1


async def test_someone_without_a_link_who_discloses_is_shown_help(db_url):
    async with world(db_url) as w:
        stranger = w.emu.user(517)
        await stranger.send_text("i dont want to be here anymore")
        await w.settle()
        help_text, no_link = [m["text"] for m in stranger.messages[-2:]]
        assert "0800 1111" in help_text and "don't know who you are" in help_text
        assert "tap the link your worker sent" in no_link
        assert w.rows(SafeguardingAlert) == []


async def test_help_and_privacy_explain_in_plain_words_and_return_to_the_question(db_url):
    async with world(db_url) as w:
        user = await w.join(518, *YP)
        await user.send_command("/privacy")
        await w.settle()
        privacy, question = user.messages[-2:]
        assert "never use your name" in privacy["text"] and "/delete" in privacy["text"]
        assert "Question 1 of" in question["text"]
        await user.send_command("/help")
        await w.settle()
        assert "Skip" in user.messages[-2]["text"] and "0800 1111" in user.messages[-2]["text"]


async def test_the_audit_trail_uses_the_bots_clock_for_every_step(db_url):
    async with world(db_url) as w:
        user = await w.join(519, *YP)  # links and consents at the world's (fake) time
        await user.send_command("/stop")
        await w.settle()
        await user.press("Yes, stop")
        await w.settle()
        w.clock.advance(days=3)
        await user.send_command("/start")
        await w.settle()
        events = {e.action: e.at for e in w.rows(AuditEvent, AuditEvent.actor == "participant:1")}
        start = w.clock() - timedelta(days=3)
        assert events == {"participant.linked": start, "participant.language": start, "participant.consent": start,
                          "participant.stop": start, "participant.restart": w.clock()}


async def test_the_next_question_goes_before_the_answered_one_is_tidied(db_url):
    """The person waits for the next question; the edit into a record follows it (bot/participant._tidy)."""
    async with world(db_url) as w:
        user = await w.join(509, *YP)
        first = user.last_message
        calls_before = len(w.emu.calls)
        await user.press("🙂 4")
        await w.settle()
        sent = [call.method for call in list(w.emu.calls)[calls_before:] if call.method in ("sendmessage",
                                                                                            "editmessagetext")]
        assert sent == ["sendmessage", "editmessagetext"]
        assert "Question 2 of" in user.last_message["text"]
        assert "✅ You said: 🙂 4" in first["text"] and buttons(first) == []
