"""The bot as its users meet it: a 14-year-old, a parent and a victim doing the odd things people do
on a phone (changing their mind, sending a GIF, forwarding something), and staff typing commands
in a hurry. Through the real bot over HTTP against the Bot API emulator; the database is checked after.

What other files already cover is not repeated here: voice notes, stickers, photos, locations and
contacts for a young person (test_journey.py), captions, edits and disclosures at a button question
(test_screening.py), a whole Welsh journey (test_welsh.py); the Welsh test here is about changing
one's mind and a worry typed at a button.
"""

from __future__ import annotations

from surveys.models import (Answer, Audience, Consent, Invitation, InvitationStatus, Participant, Role,
                            SafeguardingAlert)
from tests.bot_world import asks, buttons, world

YP = ("YJ-24-0117", Audience.young_person)


def _texts(user, last: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in user.messages[-last:]]


# --- changing one's mind ---------------------------------------------------------------------

async def test_no_thanks_then_start_asks_again_and_yes_sends_the_survey(db_url):
    async with world(db_url) as w:
        user = w.user(701, "Alex")
        await w.link(user, w.invite(*YP))
        await user.press("No thanks")
        await w.settle()
        assert "If you change your mind, send /start" in user.last_message["text"]

        await user.send_command("/start")  # what they were told to do
        await w.settle()
        assert buttons(user.last_message) == ["Yes, that's OK", "No thanks"]
        await user.press("Yes, that's OK")
        await w.settle()
        assert "Question 1 of" in user.last_message["text"]
        [participant] = w.rows(Participant, Participant.chat_hash.is_not(None))
        assert participant.consent == Consent.given


async def test_no_thanks_twice_stays_no(db_url):
    async with world(db_url) as w:
        user = w.user(702, "Alex")
        await w.link(user, w.invite(*YP))
        await user.press("No thanks")
        await w.settle()
        await user.send_command("/start")
        await w.settle()
        await user.press("No thanks")
        await w.settle()
        assert "won't send you any questions" in user.last_message["text"]
        await w.tick()
        assert "Question" not in user.last_message["text"]
        [participant] = w.rows(Participant, Participant.chat_hash.is_not(None))
        assert participant.consent == Consent.declined


async def test_stop_mid_survey_then_start_carries_on_from_the_same_question(db_url):
    async with world(db_url) as w:
        user = await w.join(703, *YP)
        await user.press("🙂 4")
        await w.settle()
        await user.send_command("/stop")
        await w.settle()
        await user.press("Yes, stop")
        await w.settle()
        w.clock.advance(days=3)  # past the day-2 reminder, well inside the 14 days the survey is open

        await user.send_command("/start")  # changed their mind
        await w.settle()
        welcome, question = _texts(user, 2)
        assert "Welcome back" in welcome
        assert "Question 2 of" in question  # where they were, the first answer kept
        await user.press("😄 5")
        await w.settle()
        assert {a.question_id: a.value for a in w.rows(Answer)} == {"overall": "4", "listened": "5"}
        [invitation] = w.rows(Invitation, Invitation.survey_id == "yp_exit", Invitation.sent_at.is_not(None))
        assert invitation.status == InvitationStatus.started
        report = await w.tick()  # no reminder straight after they came back
        assert report.reminded == 0 and "Question 3 of" in user.last_message["text"]


async def test_stop_then_no_go_back_changes_nothing_and_shows_the_question(db_url):
    async with world(db_url) as w:
        user = await w.join(705, *YP)
        await user.send_command("/stop")
        await w.settle()
        await user.press("No, go back")
        await w.settle()
        kept, question = _texts(user, 2)
        assert kept == "OK, nothing has changed." and "Question 1 of" in question
        [participant] = w.rows(Participant, Participant.chat_hash.is_not(None))
        assert participant.opted_out_at is None


async def test_a_survey_that_ran_out_while_stopped_is_not_reopened(db_url):
    async with world(db_url) as w:
        user = await w.join(704, *YP)
        await user.send_command("/stop")
        await w.settle()
        await user.press("Yes, stop")
        await w.settle()
        w.clock.advance(days=60)
        await user.send_command("/start")
        await w.settle()
        assert "Welcome back" in user.last_message["text"]
        [invitation] = w.rows(Invitation, Invitation.survey_id == "yp_exit", Invitation.sent_at.is_not(None))
        assert invitation.status == InvitationStatus.cancelled


# --- a message too long for one Telegram message --------------------------------------------

# Telegram's apps send a message of 5,000 characters as two: 4,096 characters, then the rest.
FIVE_THOUSAND = ("my worker helped me sort out college and the meetings were mostly ok. " * 75)[:5000]
FIRST_PIECE, REST = FIVE_THOUSAND[:4096], FIVE_THOUSAND[4096:]


async def test_a_5000_character_last_answer_sent_in_two_pieces_is_kept_whole(db_url):
    async with world(db_url) as w:
        user = await w.join(710, *YP)
        await w.skip_until(user, asks("anything else"))
        await user.send_text(FIRST_PIECE)
        await user.send_text(REST)
        await w.settle()
        assert "Thank you!" in user.last_message["text"]  # the survey's end, and nothing after it
        assert not any("nobody will read this" in text for text in _texts(user, 3))
        [answer] = w.rows(Answer, Answer.question_id == "anything_else")
        assert answer.free_text == f"{FIRST_PIECE.strip()} {REST.strip()}"


async def test_the_rest_of_a_long_answer_is_not_taken_as_the_next_answer(db_url):
    async with world(db_url) as w:
        user = await w.join(711, *YP)
        await user.press("😢 1")  # a low score: "what could we do better?" comes later
        await w.settle()
        await w.skip_until(user, asks("better"))
        await user.send_text(FIRST_PIECE)
        await user.send_text(REST)
        await w.settle()
        assert "what we changed" in user.last_message["text"].lower()  # the yes/no question, waiting
        assert not any("Please answer yes or no" in text for text in _texts(user, 3))
        answers = {a.question_id: a for a in w.rows(Answer)}
        assert answers["do_better"].free_text.endswith(REST.strip()) and "hear_what_changed" not in answers
        await user.press("Yes")
        await w.settle()
        assert "anything else" in user.last_message["text"].lower()


async def test_a_message_a_minute_after_a_long_answer_is_a_message_of_its_own(db_url):
    async with world(db_url) as w:
        user = await w.join(712, *YP)
        await w.skip_until(user, asks("anything else"))
        await user.send_text(FIRST_PIECE)
        await w.settle()
        w.clock.advance(minutes=1)
        await user.send_text("ok bye")
        await w.settle()
        assert "nobody will read this" in user.last_message["text"]
        [answer] = w.rows(Answer, Answer.question_id == "anything_else")
        assert answer.free_text == FIRST_PIECE.strip()


# --- staff typing in a hurry ------------------------------------------------------------------

async def _say(w, user, command: str) -> str:
    before = len(user.messages)
    await user.send_command(command)
    await w.settle()
    return "\n".join(m.get("text") or m.get("caption") or "" for m in user.messages[before:])


async def test_staff_commands_take_a_case_reference_in_any_capitals_and_extra_spaces(db_url):
    async with world(db_url) as w:
        w.add_staff(720, Role.case_worker, "Kim")
        w.add_staff(721, Role.victim_worker, "Lee")
        kim, lee = w.user(720), w.user(721)
        assert "start=" in await _say(w, kim, "/invite   yj-24-0117   Young_Person  ")
        assert "Case YJ-24-0117" in await _say(w, kim, "/case yj-24-0117")
        assert "The follow-up is ready" in await _say(w, lee, "/followup yj-24-0117 v1")  # V1 has no link yet


async def test_a_case_or_person_that_is_not_there_gets_a_message_saying_what_to_type(db_url):
    async with world(db_url) as w:
        w.add_staff(722, Role.case_worker, "Kim")
        w.add_staff(723, Role.victim_worker, "Lee")
        kim, lee = w.user(722), w.user(723)
        assert await _say(w, kim, "/invite YJ-99-9999 young_person") == (
            "I can't find YJ-99-9999 young_person. Check the case reference, or import the case first.")
        assert await _say(w, kim, "/case YJ-99-9999") == "There is no case YJ-99-9999 here."
        # The case has two victims, V1 and V2: without saying which, the worker is told the choices.
        said = await _say(w, lee, "/followup YJ-24-0117")
        assert "V1, V2" in said and "/followup YJ-24-0117 V1" in said
        said = await _say(w, lee, "/invite YJ-24-0117 victim V9")
        assert "V1, V2" in said and "/invite YJ-24-0117 victim V1" in said
        assert "Use: /followup" in await _say(w, lee, "/followup")
        assert "Use: /case" in await _say(w, kim, "/case")


async def test_staff_without_the_role_are_told_who_a_command_is_for_and_others_learn_nothing(db_url):
    async with world(db_url) as w:
        w.add_staff(724, Role.duty, "Priya")
        w.add_staff(725, Role.case_worker, "Kim")
        priya, kim, stranger = w.user(724), w.user(725), w.user(726)
        assert await _say(w, priya, "/case YJ-24-0117") == (
            "Sorry, /case is only for admins, case workers and victim workers. "
            "If you need it, ask your admin to add that role for you.")
        assert "/report is only for admins and managers" in await _say(w, kim, "/report")
        assert "/review is only for admins, managers and duty workers" in await _say(w, kim, "/review")
        assert "Nothing is waiting for review" in await _say(w, priya, "/review")  # hers to use
        said = await _say(w, stranger, "/case YJ-24-0117")
        assert "I don't know that command" in said and "YJ-24-0117" not in said


# --- things sent from elsewhere -------------------------------------------------------------

async def test_a_gif_gets_a_friendly_word_and_the_question_again(db_url):
    async with world(db_url) as w:
        user = await w.join(730, *YP)
        await user.send_animation()
        await w.settle()
        note, question = _texts(user, 2)
        assert note == "Nice GIF! 😄 But I can only read words and button taps."
        assert "Question 1 of" in question and buttons(user.last_message)[:1] == ["😢 1"]


async def test_a_forwarded_message_is_not_kept_as_an_answer(db_url):
    async with world(db_url) as w:
        user = await w.join(731, *YP)
        await w.skip_until(user, asks("anything else"))
        await user.forward_text("well done on finishing your order, see you at the panel")
        await w.settle()
        note, question = _texts(user, 2)
        assert "someone else's message" in note and "tell your worker" in note
        assert "anything else" in question.lower()
        assert [a for a in w.rows(Answer) if a.free_text] == []
        await user.send_text("my worker was sound")
        await w.settle()
        assert [a.free_text for a in w.rows(Answer) if a.free_text] == ["my worker was sound"]


async def test_a_message_forwarded_from_their_own_account_is_their_answer(db_url):
    async with world(db_url) as w:
        user = await w.join(732, *YP)
        await w.skip_until(user, asks("anything else"))
        await user.forward_text("i wrote this earlier, the panel was fair", from_user=user.user)
        await w.settle()
        assert "Thank you!" in user.last_message["text"]
        assert [a.free_text for a in w.rows(Answer) if a.free_text] == ["i wrote this earlier, the panel was fair"]


async def test_a_worrying_forwarded_message_reaches_the_duty_worker_and_is_never_echoed(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900, "Priya")
        user = await w.join(733, *YP)
        threat = "you better watch yourself, we know where you live and we will stab you"
        await user.forward_text(threat)
        await w.settle()
        replies = _texts(user, 2)
        assert "0800 1111" in replies[0] and "Question 1 of" in replies[1]
        assert not any("forwarded" in text or "stab" in text for text in replies)
        alert = duty.last_message["text"]
        assert "Possible safeguarding disclosure" in alert
        # A threat they received, not one they made: the duty worker is told whose words these are.
        assert "[A forwarded message: someone else wrote this, and they sent it on to us] you better watch" in alert
        [stored] = w.rows(SafeguardingAlert)
        assert stored.text.startswith("[A forwarded message") and stored.text.endswith(threat)


# --- old buttons --------------------------------------------------------------------------------

async def test_a_button_from_a_finished_survey_says_they_finished_not_that_it_closed(db_url):
    async with world(db_url) as w:
        user = await w.join(740, *YP)
        first = user.last_message
        stale = first["reply_markup"]  # a copy of the question still on screen (a reminder repeats it)
        await w.skip_until(user, lambda m: "Thank you!" in (m.get("text") or ""), limit=30)
        first["reply_markup"] = stale
        query_id = await user.press("🙂 4", message=first["message_id"])
        await w.settle()
        assert w.emu.callback_answers[query_id]["text"] == "You have already finished. Thank you for your answers!"
        assert [a.value for a in w.rows(Answer, Answer.question_id == "overall")] == [None]  # skipped, kept


async def test_old_buttons_that_lead_nowhere_do_not_promise_to_show_where_you_are(db_url):
    async with world(db_url) as w:
        user = w.user(741, "Alys")
        await w.link(user, w.invite(*YP), "Cymraeg")
        consent = user.last_message
        yes = buttons(consent)[0]
        await user.press(yes)
        await w.settle()
        consent["reply_markup"] = {"inline_keyboard": [[{"text": yes, "callback_data": "consent:yes"}]]}
        query_id = await user.press(yes, message=consent["message_id"])  # a second tap on a slow phone
        await w.settle()
        assert w.emu.callback_answers[query_id]["text"] == "Mae'r botwm yna'n hen nawr."

        question = user.last_message
        await user.send_command("/delete")
        await w.settle()
        await user.press(buttons(user.last_message)[0])  # yes, delete
        await w.settle()
        query_id = await user.press(buttons(question)[0], message=question["message_id"])
        await w.settle()
        assert w.emu.callback_answers[query_id]["text"] == "That button is old now."


# --- an adult victim hears adult words --------------------------------------------------------

async def test_a_victim_who_sends_a_voice_note_sticker_gif_or_contact_is_answered_as_an_adult(db_url):
    async with world(db_url) as w:
        victim = await w.join(750, "YJ-24-0117", Audience.victim, "V1")
        for send in (victim.send_voice, victim.send_sticker, victim.send_animation):
            await send()
            await w.settle()
            note, question = _texts(victim, 2)
            assert "Nice" not in note and "🙉" not in note and "😄" not in note, note
            assert "typed words" in note or "type your reply" in note
            assert "Question 1 of" in question
        await victim.send_contact()  # perhaps hoping to be called: told how to ask, not told off
        await w.settle()
        note = _texts(victim, 2)[0]
        assert "Please don't" not in note and "have not kept them" in note and "call" in note
        young_person = await w.join(751, *YP)  # a young person still gets the friendly version
        await young_person.send_sticker()
        await w.settle()
        assert "Nice sticker! 😄" in _texts(young_person, 2)[0]


# --- Welsh throughout ---------------------------------------------------------------------------

async def test_a_welsh_speaker_changes_their_mind_twice_and_a_worry_at_a_button_reaches_the_duty_worker(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.user(900, "Priya")
        user = w.user(760, "Cerys")
        await w.link(user, w.invite(*YP), "Cymraeg")
        await user.press("Dim diolch")
        await w.settle()
        await user.send_command("/start")
        await w.settle()
        assert buttons(user.last_message) == ["Ydy, mae hynny'n iawn", "Dim diolch"]
        await user.press("Ydy, mae hynny'n iawn")
        await w.settle()
        await user.press("🙂 4")
        await w.settle()
        await user.send_command("/stop")
        await w.settle()
        await user.press("Ydw, stopio")
        await w.settle()
        await user.send_command("/start")
        await w.settle()
        welcome, question = _texts(user, 2)
        assert "Croeso'n ôl" in welcome and "Cwestiwn 2 o 9" in question

        worry = "Mae fy llystad yn fy nharo i"
        await user.send_text(worry)  # typed while the 1 to 5 buttons are showing
        await w.settle()
        help_text, question = _texts(user, 2)
        assert "Childline" in help_text and "0800 1111" in help_text and "Diolch" in help_text
        assert "Cwestiwn 2 o 9" in question
        assert not any("llystad" in m.get("text", "") for m in user.messages)  # never said back to them
        assert not any("Anfonwch rif" in text for text in _texts(user, 3))  # and no telling-off
        assert "Possible safeguarding disclosure" in duty.last_message["text"]
        assert [a.question_id for a in w.rows(Answer)] == ["overall"]


# --- /help for each person ----------------------------------------------------------------------

async def test_help_points_a_parent_to_an_adult_helpline_and_everyone_to_language(db_url):
    async with world(db_url) as w:
        parent = await w.join(770, "YJ-24-0117", Audience.parent_carer)
        young_person = await w.join(771, *YP)
        for person in (parent, young_person):
            await person.send_command("/help")
            await w.settle()
        parent_help, young_help = _texts(parent, 2)[0], _texts(young_person, 2)[0]
        assert "116 123" in parent_help and "999" in parent_help and "Childline" not in parent_help
        assert "Childline" in young_help and "0800 1111" in young_help
        assert "/language" in parent_help and "/language" in young_help
        assert "Question 1 of" in _texts(parent, 1)[0]  # and back to where they were


# --- editing a message --------------------------------------------------------------------------

async def test_fixing_a_typo_by_editing_is_not_told_its_first_try_was_kept(db_url):
    async with world(db_url) as w:
        user = await w.join(780, *YP)
        sent = await user.send_text("fiev")  # not a number: refused, nothing kept
        await w.settle()
        await user.edit_text(sent, "five")
        await w.settle()
        note, question = _texts(user, 2)
        assert "changed a message" in note and "keep" not in note  # it kept nothing
        assert "Question 1 of" in question and w.rows(Answer) == []
        await user.send_text("five")
        await w.settle()
        assert [a.value for a in w.rows(Answer)] == ["5"]


async def test_force_anywhere_and_a_report_period_typed_with_a_space_are_understood(db_url):
    async with world(db_url) as w:
        w.add_staff(790, Role.case_worker, "Kim")
        w.add_staff(791, Role.manager, "Jo")
        kim, jo = w.user(790), w.user(791)
        said = await _say(w, kim, "/invite YJ-24-0117 young_person force web")
        assert "not set up yet" in said  # the web link is what stops it here, not a person called "force"
        assert "Use: /report" in await _say(w, jo, "/report 2026-27-Q3 please")
        before = len(jo.messages)
        await jo.send_command("/report 2026-27 Q3")
        await w.settle(timeout=60)
        assert "Making the feedback report for 2026-27-Q3." in jo.messages[before]["text"]
        assert jo.last_message["document"]["file_name"].endswith(".pdf")


# --- the rest of a 14-year-old's list, so it stays true -------------------------------------------

async def test_start_again_or_an_old_link_mid_survey_and_only_emoji_lose_nothing(db_url):
    async with world(db_url) as w:
        user = await w.join(795, *YP)
        await user.press("🙂 4")
        await w.settle()
        await user.send_command("/start")
        await w.settle()
        assert _texts(user, 2)[0] == "Hi again! 👋" and "Question 2 of" in _texts(user, 1)[0]
        await user.send_command("/start not-a-real-code")
        await w.settle()
        assert "already set up" in _texts(user, 2)[0] and "Question 2 of" in _texts(user, 1)[0]
        await user.send_text("😂😂😂")  # at a 1 to 5 question: a kind nudge, then the question again
        await w.settle()
        nudge, question = _texts(user, 2)
        assert nudge == "Please send a number from 1 to 5, or tap a button." and "Question 2 of" in question
        await w.skip_until(user, asks("anything else"))
        await user.send_text("😂😂😂")  # at a question for their own words: it is their answer
        await w.settle()
        assert "Thank you!" in user.last_message["text"]
        answers = {a.question_id: a for a in w.rows(Answer)}
        assert answers["overall"].value == "4" and answers["anything_else"].free_text == "😂😂😂"


async def test_a_staff_command_in_a_group_says_to_message_the_bot_directly_and_shows_nothing(db_url):
    async with world(db_url) as w:
        w.add_staff(796, Role.case_worker, "Kim")
        group = w.emu.group(-100796, "Team chat")
        kim = group.member(796)
        await kim.send_command("/due")
        await w.settle()
        [said] = [m["text"] for m in kim.messages]
        assert "message me directly" in said and "anfonwch neges ata i" in said  # English and Welsh
        assert "YJ-" not in said and group.left


async def test_a_follow_up_for_a_victim_who_stopped_or_said_no_is_not_queued_and_the_worker_is_told(db_url):
    async with world(db_url) as w:
        w.add_staff(797, Role.victim_worker, "Lee")
        lee = w.user(797)
        stopped = await w.join(798, "YJ-24-0117", Audience.victim, "V1")
        await stopped.send_command("/stop")
        await w.settle()
        await stopped.press("Yes, stop")
        await w.settle()
        said_no = w.user(799)
        await w.link(said_no, w.invite("YJ-24-0117", Audience.victim, "V2"))
        await said_no.press("No thanks")
        await w.settle()
        for ref in ("V1", "V2"):
            said = await _say(w, lee, f"/followup YJ-24-0117 {ref}")
            assert said == f"YJ-24-0117 victim {ref} asked not to hear from us (or was erased), so the follow-up was not sent."
        assert [i for i in w.rows(Invitation) if i.occasion.startswith("manual")] == []


async def test_a_long_answer_full_of_emoji_is_split_where_telegram_splits_it_and_kept_whole(db_url):
    async with world(db_url) as w:
        user = await w.join(712, *YP)
        await w.skip_until(user, asks("anything else"))
        first = "yes 😀😀😀😀 " * 300  # 2,700 characters, but 3,900 as Telegram counts them
        assert len(first) < 3800 <= len(first.encode("utf-16-le")) // 2
        await user.send_text(first)
        await user.send_text("and that is all 😀")
        await w.settle()
        [answer] = w.rows(Answer, Answer.question_id == "anything_else")
        assert answer.free_text == f"{first.strip()} and that is all 😀"


async def test_a_parent_is_told_their_childs_case_worker_sees_their_answers_not_their_own(db_url):
    async with world(db_url) as w:
        parent = w.user(772, "Sam")
        await w.link(parent, w.invite("YJ-24-0117", Audience.parent_carer))
        welcome = _texts(parent, 2)[0]
        assert "Your child's case worker and the team's admin" in welcome and "Your case worker" not in welcome
        young_person = w.user(773, "Alex")
        await w.link(young_person, w.invite(*YP))
        assert "Your case worker and the team's admin" in _texts(young_person, 2)[0]
