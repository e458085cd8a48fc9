"""Staff commands in Telegram and in the `heard` command, with their role checks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from surveys.models import AuditEvent, Audience, Invitation, Role
from tests.bot_world import CASES, asks, finished, world


def victim_id(w, participant_ref: str) -> int:
    from surveys.models import Participant

    [person] = w.rows(Participant, Participant.audience == "victim", Participant.participant_ref == participant_ref)
    return person.id

STAFF_COMMANDS = {
    "/invite YJ-24-0117 young_person": {Role.admin, Role.case_worker, Role.victim_worker},  # victims only, below
    "/due": {Role.admin, Role.case_worker, Role.victim_worker, Role.manager},
    "/followup YJ-24-0117 V1": {Role.admin, Role.victim_worker},
    "/callbacks": {Role.admin, Role.case_worker, Role.victim_worker, Role.manager, Role.duty},
    "/report 2026-Q4": {Role.admin, Role.manager},
}


@pytest.mark.slow
async def test_every_staff_command_refuses_every_role_without_it(db_url):
    async with world(db_url) as w:
        for number, role in enumerate(Role):
            w.add_staff(800 + number, role, role.value)
        young_person = await w.join(799, "YJ-24-0117", Audience.young_person)
        people = {role: w.emu.user(800 + number) for number, role in enumerate(Role)}
        people[None] = young_person
        for command, allowed in STAFF_COMMANDS.items():
            for role, user in people.items():
                before = len(user.messages)
                await user.send_command(command)
                await w.settle()
                reply = user.messages[before]
                # Staff are told who the command is for; anyone else never learns it exists.
                refusal = "I don't know that command" if role is None else "is only for"
                refused = refusal in (reply.get("text") or "")
                assert refused == (role not in allowed), (command, role, reply.get("text"))
                if role == Role.victim_worker and command.startswith("/invite"):
                    assert "victims only" in reply["text"]


async def test_a_case_worker_gets_a_link_and_qr_code(db_url):
    async with world(db_url) as w:
        w.add_staff(810, Role.case_worker, "Kim")
        worker = w.emu.user(810)
        await worker.send_command("/invite YJ-24-0203 young_person")
        await w.settle()
        photo = worker.last_message
        assert "photo" in photo and "https://t.me/emulated_123_bot?start=" in photo["caption"]
        code = photo["caption"].split("start=")[1].split()[0]
        young_person = w.emu.user(811)
        await w.link(young_person, code)
        assert "Who sees your answers?" in young_person.messages[1]["text"]
        assert [e.action for e in w.rows(AuditEvent, AuditEvent.actor == "staff:1")] == ["invite.create"]


async def test_a_victim_worker_sends_the_follow_up_now(db_url):
    async with world(db_url) as w:
        w.add_staff(820, Role.victim_worker, "Lee")
        victim = await w.join(821, "YJ-24-0117", Audience.victim, "V2")
        await w.skip_until(victim, finished)  # finish the scheduled follow-up first
        worker = w.emu.user(820)
        await worker.send_command("/followup YJ-24-0117 V2")
        await w.settle()
        assert "on its way" in worker.last_message["text"]
        assert "Question 1 of" in victim.last_message["text"]
        manual = w.rows(Invitation, Invitation.occasion.like("manual:%"))
        assert len(manual) == 1 and manual[0].status == "sent"


async def test_a_follow_up_sent_early_is_not_asked_again_when_it_falls_due(db_url):
    """The check-in is planned for 14 days after the restorative work closed; a victim worker who sends it
    sooner (or presses /followup twice) must not have the victim asked the same questions twice."""
    closed_recently = CASES.replace("2026-10-20", "2026-11-25")  # the check-in falls due on 9 December
    async with world(db_url, cases=closed_recently) as w:
        w.add_staff(822, Role.victim_worker, "Lee")
        victim = await w.join(823, "YJ-24-0117", Audience.victim, "V1")
        worker = w.emu.user(822)
        for _ in range(2):
            await worker.send_command("/followup YJ-24-0117 V1")
            await w.settle()
        assert "already has a survey you sent" in worker.last_message["text"]
        assert "Question 1 of" in victim.last_message["text"]
        await w.skip_until(victim, finished)
        w.clock.advance(days=10)
        await w.tick()
        assert finished(victim.last_message)  # nothing more was sent
        checkins = [i for i in w.rows(Invitation, Invitation.survey_id == "victim_checkin")
                    if i.participant_id == victim_id(w, "V1") and i.status != "cancelled"]
        assert len(checkins) == 1 and checkins[0].status == "completed"


async def test_due_and_callbacks_list_what_a_worker_must_act_on(db_url):
    async with world(db_url) as w:
        w.add_staff(830, Role.manager, "Ade")
        victim = await w.join(831, "YJ-24-0117", Audience.victim, "V1")
        await w.skip_until(victim, asks("call you"))
        await victim.press("Yes")
        await w.settle()
        manager = w.emu.user(830)
        await manager.send_command("/callbacks")
        await w.settle()
        assert "YJ-24-0117 (victim V1)" in manager.last_message["text"]
        await manager.send_command("/due")
        await w.settle()
        due = manager.last_message["text"]
        # The parent/carer of the same case has never had a link: listed apart, with the command that makes one,
        # as typed in this chat (a worker in Telegram may have no command line).
        assert "no link made yet: /invite YJ-24-0117 parent_carer" in due.split("Sent but not")[0]
        assert "heard invite" not in due
        assert "parent" not in due.split("Due, but")[0]


async def test_due_lists_only_the_people_a_worker_works_with(db_url):
    """With hundreds of cases, 30 lines of young people would push a victim worker's victims out of
    sight (and a case worker has no business with the victims): each sees their own people."""
    async with world(db_url) as w:
        w.add_staff(832, Role.victim_worker, "Lee")
        w.add_staff(833, Role.case_worker, "Kim")
        lee, kim = w.emu.user(832), w.emu.user(833)
        await lee.send_command("/due")
        await kim.send_command("/due")
        await w.settle()
        victims, family = lee.last_message["text"], kim.last_message["text"]
        assert "YJ-24-0117 (victim V1)" in victims and "YJ-24-0117 (victim V2)" in victims
        assert "young person" not in victims and "parent" not in victims
        assert "YJ-24-0117 (parent carer)" in family
        assert "victim" not in family


async def test_a_manager_gets_the_report_as_a_pdf(db_url):
    async with world(db_url) as w:
        w.add_staff(840, Role.manager, "Jo")
        manager = w.emu.user(840)
        await manager.send_command("/report 2026-Q4")
        await w.settle(timeout=60)
        document = manager.last_message["document"]
        assert document["file_name"].endswith(".pdf")
        assert w.emu.file(document["file_id"]).data.startswith(b"%PDF")
        assert any(e.action == "report.generate" for e in w.rows(AuditEvent))


def test_cli_staff_send_due_and_stats(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text((__import__("pathlib").Path(__file__).parent / "data" / "cases_example.csv").read_text())
    imported = runner.invoke(app, ["cases", "import", str(csv_file)])
    assert "Surveys: 7 planned" in imported.output, imported.output

    added = runner.invoke(app, ["staff", "add", "--telegram-id", "555", "--role", "duty", "--name", "Priya"])
    assert added.exit_code == 0 and "555 is now duty." in added.output
    listed = runner.invoke(app, ["staff", "list"])
    assert "555" in listed.output and "Priya" in listed.output
    bad_role = runner.invoke(app, ["staff", "add", "--telegram-id", "1", "--role", "boss"])
    assert bad_role.exit_code == 2 and "Unknown role 'boss'" in bad_role.output

    sent = runner.invoke(app, ["send", "YJ-24-0203", "--audience", "young_person", "--survey", "placement_feedback"])
    assert sent.exit_code == 0 and "has not tapped their link yet" in sent.output
    wrong = runner.invoke(app, ["send", "YJ-24-0203", "--audience", "victim", "--survey", "yp_exit"])
    assert wrong.exit_code == 2 and "is for young_person" in wrong.output

    due = runner.invoke(app, ["due", "--days", "400"])
    assert due.exit_code == 0 and "no link made yet: heard invite YJ-24-0203 --audience young_person" in due.output
    assert "Going out in the next 400 days (0)" in due.output  # nobody can get one until they have a link

    stats = json.loads(runner.invoke(app, ["stats", "--json"]).output)
    assert stats["surveys"]["placement_feedback"]["by_status"]["scheduled"] == 1
    assert stats["open"] == 8


@pytest.mark.parametrize("args", [["staff", "remove", "--telegram-id", "555"]])
def test_cli_staff_remove(tmp_path, monkeypatch, args):
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    runner.invoke(app, ["staff", "add", "--telegram-id", "555", "--role", "duty"])
    removed = runner.invoke(app, args)
    assert "Removed 1 role(s) from 555." in removed.output
    assert "No staff yet" in runner.invoke(app, ["staff", "list"]).output


async def test_a_worker_in_telegram_gets_no_link_for_someone_who_asked_to_be_erased(db_url):
    from surveys.enrol import find_participant
    from surveys.retention import erase_participant
    from surveys.store import session_scope

    async with world(db_url) as w:
        w.add_staff(850, Role.victim_worker, "Lee")
        with session_scope(w.heard.engine) as session:
            person = find_participant(session, w.heard.service_id, "YJ-24-0117", Audience.victim, "V2")
            erase_participant(session, person, now=w.clock(), actor="cli")
        lee = w.emu.user(850)
        await lee.send_command("/invite YJ-24-0117 victim V2")
        await w.settle()
        reply = lee.last_message
        assert "photo" not in reply and "asked not to hear from us" in reply["text"]
        assert w.rows(AuditEvent, AuditEvent.action == "invite.create") == []
