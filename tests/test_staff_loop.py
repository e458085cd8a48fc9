"""The staff loop through the real bot: call-backs closed, reminders to managers, roles as a set,
a worker's view of a case, victims' own wording, hidden alert text, moving a person to a new account."""

from __future__ import annotations


from surveys.models import AuditEvent, Audience, CallbackRequest, Role
from tests.bot_world import asks, buttons, world

VICTIM = ("YJ-24-0117", Audience.victim, "V1")
YP = ("YJ-24-0117", Audience.young_person)


async def _victim_asks_for_a_call(w, user_id: int = 701):
    victim = await w.join(user_id, *VICTIM)
    await w.skip_until(victim, asks("call you"))
    await victim.press("Yes")
    await w.settle()
    return victim


async def test_a_victim_worker_is_told_at_once_and_records_how_the_call_went(db_url):
    async with world(db_url) as w:
        w.add_staff(710, Role.victim_worker, "Lee")
        w.add_staff(711, Role.duty, "Priya")
        worker, duty = w.emu.user(710), w.emu.user(711)
        await _victim_asks_for_a_call(w)
        notice = worker.last_message
        assert "Please get in touch" in notice["text"] and "YJ-24-0117 / V1" in notice["text"]
        assert buttons(notice) == ["Mark done"]

        await duty.press_data("cbout:1:called", notice)  # a role that may not close it, pressing a forged button
        await w.settle()
        assert w.rows(CallbackRequest)[0].done_at is None

        await worker.send_command("/callbacks")
        await w.settle()
        listing = worker.last_message["text"]
        assert "#1 · YJ-24-0117 (victim V1) · asked for a call · waiting 0 min" in listing

        await worker.press("Mark done", notice)
        await w.settle()
        assert buttons(worker.last_message) == ["Called them", "No answer, tried again", "They declined"]
        await worker.press("No answer, tried again")
        await w.settle()
        assert "Done: no answer, tried again (recorded by Lee" in worker.last_message["text"]
        [request] = w.rows(CallbackRequest)
        assert request.outcome == "no_answer" and request.done_at == w.clock()

        await worker.press("Mark done", notice)  # the old notice's button, pressed again
        await w.settle()
        assert "Called them" not in buttons(worker.last_message)
        await worker.send_command("/callbacks")
        await w.settle()
        assert "YJ-24-0117 (victim V1)" not in worker.last_message["text"].split("Safeguarding alerts")[0]
        assert [e.detail for e in w.rows(AuditEvent, AuditEvent.action == "callback.done")] == ["no_answer"]


async def test_a_request_open_two_working_days_goes_to_managers_once_a_working_day(db_url):
    async with world(db_url) as w:  # the clock starts on a Tuesday morning
        w.add_staff(720, Role.victim_worker, "Lee")
        w.add_staff(721, Role.manager, "Ade")
        manager = w.emu.user(721)
        await _victim_asks_for_a_call(w)
        reminders = lambda: [m for m in manager.messages if "has waited over 2 working days" in (m.get("text") or "")]  # noqa: E731

        w.clock.advance(days=1, hours=23)  # Thursday, just before two working days
        await w.tick()
        assert reminders() == []
        w.clock.advance(hours=1, minutes=5)
        await w.tick()
        await w.tick()
        assert len(reminders()) == 1 and buttons(reminders()[0]) == ["Mark done"]
        w.clock.advance(days=1)  # Friday: once more
        await w.tick()
        w.clock.advance(days=1)  # Saturday: not at the weekend
        await w.tick()
        w.clock.advance(days=1)
        await w.tick()
        assert len(reminders()) == 2
        await manager.press("Mark done", reminders()[-1])
        await w.settle()
        await manager.press("Called them")
        await w.settle()
        w.clock.advance(days=1)  # Monday: done, so nobody is reminded
        await w.tick()
        assert len(reminders()) == 2
        assert w.rows(CallbackRequest)[0].outcome == "called"


async def test_a_victim_worker_who_is_also_a_manager_invites_victims_only_but_gets_the_report(db_url):
    async with world(db_url) as w:
        w.add_staff(730, Role.manager, "Sam")  # the manager row first: it used to decide every check
        w.add_staff(730, Role.victim_worker, "Sam")
        sam = w.emu.user(730)
        await sam.send_command("/invite YJ-24-0117 young_person")
        await w.settle()
        assert "victims only" in sam.last_message["text"]
        await sam.send_command("/invite YJ-24-0117 victim V2")
        await w.settle()
        assert "photo" in sam.last_message
        await sam.send_command("/report 2026-Q4")
        await w.settle(timeout=60)
        assert sam.last_message["document"]["file_name"].endswith(".pdf")


async def test_a_worker_sees_the_answers_of_the_people_they_work_with_and_no_one_else(db_url):
    async with world(db_url) as w:
        w.add_staff(740, Role.case_worker, "Kim")
        w.add_staff(741, Role.victim_worker, "Lee")
        w.add_staff(742, Role.duty, "Priya")
        young_person = await w.join(743, *YP)
        await w.skip_until(young_person, asks("anything else"))
        await young_person.send_text("Kim listened and explained things properly")
        await w.settle()
        await _victim_asks_for_a_call(w, 744)

        case_worker, victim_worker, duty = w.emu.user(740), w.emu.user(741), w.emu.user(742)
        await case_worker.send_command("/case YJ-24-0117")
        await w.settle()
        seen = "\n".join(m.get("text") or "" for m in case_worker.messages)
        assert "Kim listened and explained things properly" in seen and "== young person" in seen
        assert "victim V1" not in seen and "asked for a call" not in seen
        await victim_worker.send_command("/case YJ-24-0117")
        await w.settle()
        seen = "\n".join(m.get("text") or "" for m in victim_worker.messages)
        assert "victim V1" in seen and "asked for a call; OPEN" in seen
        assert "Kim listened" not in seen and "== young person" not in seen
        await duty.send_command("/case YJ-24-0117")
        await w.settle()
        assert "/case is only for" in duty.last_message["text"]  # nothing of the case shown
        assert "YJ-24-0117" not in duty.last_message["text"]
        views = w.rows(AuditEvent, AuditEvent.action == "case.view")
        assert [(e.actor, e.detail) for e in views] == [("staff:1", "telegram: parent_carer,young_person"),
                                                        ("staff:2", "telegram: victim")]


async def test_victims_are_welcomed_as_adults_and_told_exactly_who_sees_their_answers(db_url):
    async with world(db_url) as w:
        victim = w.user(750)
        await w.link(victim, w.invite(*VICTIM))
        welcome = victim.messages[1]["text"]
        assert "victim service" in welcome and "young person and their workers never see them" in welcome
        assert "youth justice team that works with you" not in welcome
        await victim.send_command("/privacy")
        await w.settle()
        assert "Your victim worker and the service's admin can read your answers" in victim.last_message["text"]
        await victim.send_command("/help")
        await w.settle()
        assert "Victim Support" in victim.last_message["text"] and "Childline" not in victim.last_message["text"]
        young_person = w.user(751)
        await w.link(young_person, w.invite(*YP))
        assert "Your case worker and the team's admin" in young_person.messages[1]["text"]


async def test_with_alert_text_hidden_the_duty_worker_reads_it_only_after_pressing_show_text(db_url):
    async with world(db_url, alert_text="hidden") as w:
        w.add_staff(760, Role.duty, "Priya")
        duty = w.emu.user(760)
        young_person = await w.join(761, *YP)
        await w.skip_until(young_person, asks("anything else"))
        await young_person.send_text("my stepdad hurts me when he is drunk")
        await w.settle()
        alert = duty.last_message
        assert "YJ-24-0117" in alert["text"] and "Flagged as" in alert["text"] and "Your time with us" in alert["text"]
        assert "stepdad" not in alert["text"]
        assert buttons(alert) == ["I'm dealing with this", "Show text"]
        assert w.rows(AuditEvent, AuditEvent.action == "alert.text_shown") == []
        await duty.press("Show text", alert)
        await w.settle()
        assert "my stepdad hurts me when he is drunk" in duty.last_message["text"]
        assert len(w.rows(AuditEvent, AuditEvent.action == "alert.text_shown")) == 1
        await duty.press("I'm dealing with this", alert)
        await w.settle()
        assert buttons(alert) == ["Show text"]  # taken: the text stays a press away


async def test_moving_a_linked_person_to_a_new_account_needs_force_and_tells_the_old_chat(db_url):
    async with world(db_url) as w:
        w.add_staff(770, Role.case_worker, "Kim")
        worker = w.emu.user(770)
        old_phone = await w.join(771, *YP)
        await worker.send_command("/invite YJ-24-0117 young_person")
        await w.settle()
        assert "already linked" in worker.last_message["text"] and "photo" not in worker.last_message
        await worker.send_command("/invite YJ-24-0117 young_person force")
        await w.settle()
        code = worker.last_message["caption"].split("start=")[1].split()[0]
        new_phone = w.user(772)
        await new_phone.send_command(f"/start {code}")  # they chose English before: not asked again
        await w.settle()
        assert "Who sees your answers?" in new_phone.messages[0]["text"]
        assert "moved it to another Telegram account" in old_phone.last_message["text"]
        assert [e.action for e in w.rows(AuditEvent, AuditEvent.action == "participant.moved")] == ["participant.moved"]


async def test_a_worker_reaches_a_closed_callback_only_once_when_two_press_together(db_url):
    async with world(db_url) as w:
        w.add_staff(780, Role.victim_worker, "Lee")
        w.add_staff(781, Role.manager, "Ade")
        await _victim_asks_for_a_call(w)
        lee, ade = w.emu.user(780), w.emu.user(781)
        await lee.press_data("cbout:1:called")
        await ade.press_data("cbout:1:declined")
        await w.settle()
        [request] = w.rows(CallbackRequest)
        assert request.outcome in ("called", "declined")
        assert len(w.rows(AuditEvent, AuditEvent.action == "callback.done")) == 1
        w.clock.advance(days=5)
        await w.tick()
        assert not any("working days" in (m.get("text") or "") for m in ade.messages)


async def test_callbacks_shows_a_victim_worker_no_alert_about_the_young_person_of_their_case(db_url):
    """A victim worker never learns what the young person disclosed, not even its kind; the duty worker,
    whose job it is, and the young person's own case worker see it waiting."""
    async with world(db_url) as w:
        w.add_staff(790, Role.victim_worker, "Lee")
        w.add_staff(791, Role.case_worker, "Kim")
        w.add_staff(792, Role.duty, "Priya")
        young_person = await w.join(793, *YP)
        await w.skip_until(young_person, asks("anything else"))
        await young_person.send_text("my stepdad hurts me when he is drunk")
        await w.settle()
        said = {}
        for name, user_id in (("lee", 790), ("kim", 791), ("priya", 792)):
            await w.emu.user(user_id).send_command("/callbacks")
            await w.settle()
            said[name] = w.emu.user(user_id).last_message["text"].split("nobody has taken")[1]
        assert "YJ-24-0117 (young person)" not in said["lee"] and "Nothing." in said["lee"]
        assert "YJ-24-0117 (young person)" in said["kim"] and "YJ-24-0117 (young person)" in said["priya"]
