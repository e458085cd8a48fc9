"""The staff loop on the command line, and the pure rules under it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from bot.cli import app
from surveys.casework import callback_figures
from surveys.models import CallbackRequest, Case, Participant, Service
from surveys.schedule import add_working_days, callback_escalation_due
from surveys.store import session_scope

CASES = (Path(__file__).parent / "data" / "cases_example.csv").read_text()
LONDON = ZoneInfo("Europe/London")
runner = CliRunner()


def _imported(tmp_path, monkeypatch, service: str | None = "yot") -> str:
    url = f"sqlite:///{tmp_path / 'heard.db'}"
    monkeypatch.setenv("HEARD_DATABASE_URL", url)
    monkeypatch.setenv("HEARD_BOT_USERNAME", "heard_test_bot")
    if service:
        monkeypatch.setenv("HEARD_SERVICE", service)
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(CASES)
    assert runner.invoke(app, ["cases", "import", str(csv_file)]).exit_code == 0
    return url


def _engine(url: str):
    from surveys.store import make_engine

    return make_engine(url)


def _callback(url: str, *, participant_ref: str = "V1", at: datetime, outcome: str | None = None,
              done_after: timedelta | None = None) -> int:
    with session_scope(_engine(url)) as session:
        from sqlmodel import select

        participant = session.exec(select(Participant).where(Participant.participant_ref == participant_ref)).one()
        service_id = session.get(Case, participant.case_id).service_id
        request = CallbackRequest(service_id=service_id, participant_id=participant.id, reason="asked for a call",
                                  created_at=at, outcome=outcome, done_at=at + done_after if done_after else None)
        session.add(request)
        session.flush()
        return request.id


def test_two_working_days_skip_the_weekend():
    friday_4pm = datetime(2026, 12, 4, 16, 0, tzinfo=timezone.utc)
    assert add_working_days(friday_4pm, 2, LONDON) == datetime(2026, 12, 8, 16, 0, tzinfo=timezone.utc)  # Tuesday
    saturday = datetime(2026, 12, 5, 11, 0, tzinfo=timezone.utc)
    assert add_working_days(saturday, 2, LONDON) == datetime(2026, 12, 9, 0, 0, tzinfo=timezone.utc)  # Wednesday
    tuesday = datetime(2026, 12, 8, 16, 0, tzinfo=timezone.utc)
    assert not callback_escalation_due(friday_4pm, None, tuesday - timedelta(minutes=1), LONDON)
    assert callback_escalation_due(friday_4pm, None, tuesday, LONDON)
    assert not callback_escalation_due(friday_4pm, tuesday, tuesday + timedelta(hours=3), LONDON)  # once a day
    assert callback_escalation_due(friday_4pm, tuesday, tuesday + timedelta(days=1), LONDON)


def test_callbacks_list_and_done_on_the_command_line(tmp_path, monkeypatch):
    url = _imported(tmp_path, monkeypatch)
    now = datetime.now(timezone.utc)
    older = _callback(url, at=now - timedelta(days=3))
    newer = _callback(url, participant_ref="V2", at=now - timedelta(hours=5))
    listed = runner.invoke(app, ["callbacks", "list"])
    assert listed.exit_code == 0
    lines = [line for line in listed.output.splitlines() if line.startswith("#")]
    assert lines[0].startswith(f"#{older}") and "waiting 3 days" in lines[0] and "YJ-24-0117 (victim V1)" in lines[0]
    assert lines[1].startswith(f"#{newer}") and "waiting 5 h" in lines[1]
    bad = runner.invoke(app, ["callbacks", "done", str(older), "--outcome", "rang"])
    assert bad.exit_code == 2 and "called, no_answer, declined" in bad.output
    done = runner.invoke(app, ["callbacks", "done", str(older), "--outcome", "declined"])
    assert done.exit_code == 0 and "is done: declined" in done.output
    again = runner.invoke(app, ["callbacks", "done", str(older), "--outcome", "called"])
    assert again.exit_code == 1 and "already marked done (declined)" in again.output
    assert f"#{older}" not in runner.invoke(app, ["callbacks", "list"]).output


def test_call_back_figures_count_people_and_the_median_time_to_a_call(tmp_path, monkeypatch):
    url = _imported(tmp_path, monkeypatch)
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    _callback(url, at=start + timedelta(days=1), outcome="called", done_after=timedelta(hours=4))
    _callback(url, at=start + timedelta(days=20), outcome="called", done_after=timedelta(hours=30))  # same person
    _callback(url, participant_ref="V2", at=start + timedelta(days=2), outcome="no_answer", done_after=timedelta(hours=1))
    _callback(url, participant_ref="V2", at=start + timedelta(days=200))  # outside the period
    with session_scope(_engine(url)) as session:
        figures = callback_figures(session, 1, start, start + timedelta(days=92))
    assert (figures.people_asked, figures.requests) == (2, 3)
    assert figures.by_outcome == {"called": 2, "no_answer": 1, "declined": 0, "open": 0}
    assert (figures.median_hours_to_call, figures.calls_timed) == (17.0, 2)  # no answer is not a call made


def test_case_show_export_and_a_subject_access_export(tmp_path, monkeypatch):
    url = _imported(tmp_path, monkeypatch)
    _callback(url, at=datetime.now(timezone.utc))
    shown = runner.invoke(app, ["case", "show", "YJ-24-0117"])
    assert shown.exit_code == 0 and "== victim V1" in shown.output and "asked for a call; OPEN" in shown.output
    missing = runner.invoke(app, ["case", "show", "YJ-00-0000"])
    assert missing.exit_code == 1 and "There is no case YJ-00-0000" in missing.output
    exported = runner.invoke(app, ["case", "export", "YJ-24-0117", "--format", "pdf,txt", "--out", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "out" / "feedback-YJ-24-0117.pdf").read_bytes().startswith(b"%PDF")
    assert "== young person" in (tmp_path / "out" / "feedback-YJ-24-0117.txt").read_text()
    sar = runner.invoke(app, ["participant", "export", "YJ-24-0117", "victim", "--participant-ref", "V1"])
    data = json.loads(sar.stdout)
    assert data["case"]["case_ref"] == "YJ-24-0117" and data["person"]["participant_ref"] == "V1"
    assert data["call_back_requests"][0]["reason"] == "asked for a call"
    assert {s["survey_id"] for s in data["surveys"]} == {"victim_checkin", "victim_followup"}
    from sqlmodel import select
    from surveys.models import AuditEvent

    with session_scope(_engine(url)) as session:
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert actions.count("case.view") == 1 and actions.count("case.export") == 1
    assert actions.count("participant.export") == 1


def test_errors_name_the_real_problem(tmp_path, monkeypatch):
    _imported(tmp_path, monkeypatch)
    which = runner.invoke(app, ["invite", "YJ-24-0117", "--audience", "victim"])
    assert which.exit_code == 1 and "say which with --participant-ref (V1, V2)" in which.output
    nobody = runner.invoke(app, ["invite", "YJ-24-0203", "--audience", "victim"])
    assert "has no victim (it has: young person)" in nobody.output
    unknown = runner.invoke(app, ["invite", "YJ-99", "--audience", "victim"])
    assert "There is no case YJ-99 in this service" in unknown.output


def test_read_only_commands_never_write_and_say_what_is_wrong(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'nothing-here.db'}")
    for command in (["stats"], ["due"], ["alerts", "list"], ["callbacks", "list"], ["case", "show", "X"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1 and "There is no database at" in result.output, command
    assert not (tmp_path / "nothing-here.db").exists() and not (tmp_path / "heard.db").exists()

    url = _imported(tmp_path, monkeypatch, service="north-yot")
    monkeypatch.delenv("HEARD_SERVICE")
    stats = runner.invoke(app, ["stats", "--json"])  # one service in the database: no HEARD_SERVICE needed
    assert stats.exit_code == 0 and json.loads(stats.output)["open"] == 7
    monkeypatch.setenv("HEARD_SERVICE", "yot")
    wrong = runner.invoke(app, ["stats"])
    assert wrong.exit_code == 1 and "There is no service 'yot' in this database; it holds: north-yot" in wrong.output
    with session_scope(_engine(url)) as session:
        from sqlmodel import select

        assert [s.code for s in session.exec(select(Service))] == ["north-yot"]


def test_stats_count_only_surveys_that_were_sent(tmp_path, monkeypatch):
    url = _imported(tmp_path, monkeypatch)
    with session_scope(_engine(url)) as session:
        from sqlmodel import select

        from surveys.models import Invitation

        unsent = session.exec(select(Invitation).where(Invitation.survey_id == "yp_exit")).first()
        unsent.status = "expired"  # nobody ever tapped their link
    row = json.loads(runner.invoke(app, ["stats", "--json"]).output)["surveys"]["yp_exit"]
    assert (row["delivered"], row["never_sent"]) == (0, 1)


def test_a_role_added_to_someone_keeps_their_name_and_shows_every_role(tmp_path, monkeypatch):
    _imported(tmp_path, monkeypatch)
    runner.invoke(app, ["staff", "add", "--telegram-id", "555", "--role", "victim_worker", "--name", "Sam"])
    added = runner.invoke(app, ["staff", "add", "--telegram-id", "555", "--role", "manager"])
    assert added.exit_code == 0 and "555 is now manager (roles: manager, victim_worker)." in added.output
    listed = runner.invoke(app, ["staff", "list"]).output
    assert listed.count("Sam") == 2


def test_moving_a_linked_person_needs_force(tmp_path, monkeypatch):
    url = _imported(tmp_path, monkeypatch)
    with session_scope(_engine(url)) as session:
        from sqlmodel import select

        person = session.exec(select(Participant).where(Participant.audience == "young_person")).first()
        person.chat_id, person.chat_hash = "4242", "f" * 64
        case_ref = session.get(Case, person.case_id).case_ref
    refused = runner.invoke(app, ["invite", case_ref, "--audience", "young_person"])
    assert refused.exit_code == 2 and "already linked" in refused.output and "--force" in refused.output
    moved = runner.invoke(app, ["invite", case_ref, "--audience", "young_person", "--force"])
    assert moved.exit_code == 0 and "https://t.me/heard_test_bot?start=" in moved.output


def test_a_worker_who_leaves_out_the_only_victims_reference_is_told_it(tmp_path, monkeypatch):
    """A case with one victim, V1: the worker is told to add --participant-ref V1, not that there are several."""
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'heard.db'}")
    monkeypatch.setenv("HEARD_BOT_USERNAME", "heard_test_bot")
    one_victim = "\n".join(line for line in CASES.splitlines() if ",V2," not in line) + "\n"
    (tmp_path / "cases.csv").write_text(one_victim)
    assert runner.invoke(app, ["cases", "import", str(tmp_path / "cases.csv")]).exit_code == 0
    result = runner.invoke(app, ["invite", "YJ-24-0117", "--audience", "victim"])
    assert result.exit_code == 1
    assert "more than one" not in result.stderr
    assert "--participant-ref V1" in result.stderr


def test_the_command_line_takes_a_reference_in_any_capitals_as_telegram_does(tmp_path, monkeypatch):
    _imported(tmp_path, monkeypatch)
    invited = runner.invoke(app, ["invite", "yj-24-0117", "--audience", "victim", "--participant-ref", "v1"])
    assert invited.exit_code == 0, invited.output
    assert invited.stdout.startswith("https://t.me/heard_test_bot?start=")
    sent = runner.invoke(app, ["send", "yj-24-0203", "--audience", "young_person", "--survey", "placement_feedback"])
    assert sent.exit_code == 0 and "Queued placement_feedback for YJ-24-0203" in sent.stdout
    shown = runner.invoke(app, ["case", "show", "yj-24-0203"])
    assert shown.exit_code == 0 and shown.stdout.startswith("Case YJ-24-0203"), shown.output


def test_erasing_names_the_people_there_are_and_says_when_someone_was_erased_already(tmp_path, monkeypatch):
    _imported(tmp_path, monkeypatch)
    which = runner.invoke(app, ["participant", "erase", "YJ-24-0117", "victim"])
    assert which.exit_code == 1 and "V1, V2" in which.stderr
    first = runner.invoke(app, ["participant", "erase", "YJ-24-0117", "victim", "--participant-ref", "V1", "--yes"])
    assert first.exit_code == 0 and "Erased the victim V1 of case YJ-24-0117" in first.stdout
    again = runner.invoke(app, ["participant", "erase", "YJ-24-0117", "victim", "--participant-ref", "V1", "--yes"])
    assert again.exit_code == 0 and "already erased" in again.stdout and "Erased the" not in again.stdout


def test_a_command_that_makes_a_new_database_says_where_so_a_wrong_setting_is_noticed(tmp_path, monkeypatch):
    """Run without the bot's settings, heard would import into a fresh heard.db wherever the officer stands."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HEARD_DATABASE_URL", raising=False)
    (tmp_path / "cases.csv").write_text(CASES)
    first = runner.invoke(app, ["cases", "import", "cases.csv"])
    assert first.exit_code == 0
    assert f"Made a new, empty database at {tmp_path / 'heard.db'}" in first.stderr
    assert "HEARD_DATABASE_URL" in first.stderr
    again = runner.invoke(app, ["cases", "import", "cases.csv"])
    assert again.exit_code == 0 and "new, empty database" not in again.stderr


def test_due_can_show_one_audience_for_a_victim_worker(tmp_path, monkeypatch):
    _imported(tmp_path, monkeypatch)
    result = runner.invoke(app, ["due", "--days", "400", "--audience", "victim"])
    assert result.exit_code == 0, result.output
    assert "YJ-24-0117 (victim V1)" in result.stdout and "young person" not in result.stdout
    wrong = runner.invoke(app, ["due", "--audience", "judge"])
    assert wrong.exit_code == 2 and "Unknown audience 'judge'" in wrong.stderr


def test_a_public_address_with_a_comment_stuck_to_it_is_refused_before_any_link_goes_out(tmp_path, monkeypatch):
    """systemd keeps "# where the page is" after a value as part of it: every texted link would be broken."""
    _imported(tmp_path, monkeypatch)
    monkeypatch.setenv("HEARD_PUBLIC_URL", "https://feedback.example.gov.uk     # where the web page is served")
    result = runner.invoke(app, ["invite", "YJ-24-0203", "--audience", "young_person", "--channel", "web"])
    assert result.exit_code == 1
    assert "HEARD_PUBLIC_URL" in result.stderr and "/s/" not in result.stdout
    monkeypatch.setenv("HEARD_PUBLIC_URL", "https://feedback.example.gov.uk/")
    fine = runner.invoke(app, ["invite", "YJ-24-0203", "--audience", "young_person", "--channel", "web"])
    assert fine.exit_code == 0 and fine.stdout.startswith("https://feedback.example.gov.uk/s/")


def test_an_export_with_only_its_header_row_says_nothing_was_in_it(tmp_path, monkeypatch):
    _imported(tmp_path, monkeypatch)
    (tmp_path / "empty.csv").write_text(CASES.splitlines()[0] + "\n")
    result = runner.invoke(app, ["cases", "import", str(tmp_path / "empty.csv")])
    assert result.exit_code == 0
    assert result.stdout == "The file has no rows under its header row: nothing was imported. Is it the right export?\n"


def test_a_web_link_that_expired_is_renewed_as_a_web_link_not_a_telegram_one(tmp_path, monkeypatch):
    """A child under 16 was given the web chat: the command /due suggests must not hand them a Telegram link."""
    from sqlmodel import select

    from surveys.models import InviteLink

    url = _imported(tmp_path, monkeypatch)
    monkeypatch.setenv("HEARD_PUBLIC_URL", "https://feedback.example.gov.uk")
    made = runner.invoke(app, ["invite", "YJ-24-0203", "--audience", "young_person", "--channel", "web"])
    assert made.exit_code == 0
    with session_scope(_engine(url)) as session:
        for link in session.exec(select(InviteLink)):
            link.expires_at = datetime(2026, 1, 1, tzinfo=timezone.utc)  # as if it ran out unopened
    due = runner.invoke(app, ["due", "--days", "400"])
    assert "heard invite YJ-24-0203 --audience young_person --channel web" in due.stdout, due.stdout


def test_erasing_asks_first_naming_who_and_a_no_erases_nothing(tmp_path, monkeypatch):
    url = _imported(tmp_path, monkeypatch)
    kept = runner.invoke(app, ["participant", "erase", "YJ-24-0117", "victim", "--participant-ref", "V2"], input="n\n")
    assert kept.exit_code == 1
    assert "Erase the victim V2 of case YJ-24-0117" in kept.stdout and "cannot be undone" in kept.stdout
    assert "Nothing was erased." in kept.stderr
    with session_scope(_engine(url)) as session:
        from sqlmodel import select

        assert session.exec(select(Participant).where(Participant.participant_ref == "V2")).one().erased_at is None
    done = runner.invoke(app, ["participant", "erase", "YJ-24-0117", "victim", "--participant-ref", "V2", "--yes"])
    assert done.exit_code == 0 and "Erased the victim V2" in done.stdout


def test_a_file_wrong_on_every_line_lists_the_first_ones_and_counts_the_rest(tmp_path, monkeypatch):
    _imported(tmp_path, monkeypatch)
    header, row = CASES.splitlines()[0], CASES.splitlines()[1]
    us_dates = "\n".join([header] + [row.replace("YJ-24-0117", f"YJ-{n}").replace("2026-11-30", "11/30/2026")
                                     for n in range(500)])
    (tmp_path / "us.csv").write_text(us_dates + "\n")
    result = runner.invoke(app, ["cases", "import", str(tmp_path / "us.csv")])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) < 40
    assert "line 2: intervention_end is not a date" in result.stderr
    assert "...and 470 more lines with problems (500 in all)." in result.stderr


def test_a_file_refused_before_anything_is_written_makes_no_database(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'heard.db'}")
    (tmp_path / "bad.csv").write_text(CASES.replace("young_person,,Referral", "judge,,Referral"))
    result = runner.invoke(app, ["cases", "import", str(tmp_path / "bad.csv")])
    assert result.exit_code == 1 and "Nothing was imported" in result.stderr
    assert not (tmp_path / "heard.db").exists() and "new, empty database" not in result.stderr


def test_a_survey_sent_by_hand_goes_instead_of_its_planned_one_not_as_well(tmp_path, monkeypatch):
    url = _imported(tmp_path, monkeypatch)
    sent = runner.invoke(app, ["send", "YJ-24-0117", "--audience", "young_person", "--survey", "yp_exit"])
    assert sent.exit_code == 0 and "instead of the one planned for" in sent.stdout
    with session_scope(_engine(url)) as session:
        from sqlmodel import select

        from surveys.models import Invitation

        statuses = sorted(i.status for i in session.exec(select(Invitation).where(Invitation.survey_id == "yp_exit"))
                          if session.get(Participant, i.participant_id).case_id == 1)
    assert statuses == ["cancelled", "scheduled"]


def test_a_telegram_link_is_not_made_for_someone_who_asked_to_be_erased(tmp_path, monkeypatch):
    """As for web, text and email links: a worker who did not know is told, and nobody is contacted."""
    _imported(tmp_path, monkeypatch)
    assert runner.invoke(app, ["participant", "erase", "YJ-24-0117", "victim", "--participant-ref", "V2",
                               "--yes"]).exit_code == 0
    result = runner.invoke(app, ["invite", "YJ-24-0117", "--audience", "victim", "--participant-ref", "V2"])
    assert result.exit_code == 1 and "t.me" not in result.stdout
    assert "asked not to hear from us (or to be erased)" in result.stderr
