"""`heard report` and `heard actions`, through the real Typer app and settings."""

from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

import analysis.report
from bot.cli import app
from surveys.models import AuditEvent, BoardAction
from surveys.store import make_engine, session_scope, upgrade
from tests.conftest import TEST_HASH_KEY
from tests.report_fakes import CATALOGUE, DEFINITIONS, populate_realistic, redact

runner = CliRunner()


@pytest.fixture
def cli_db(db_url, monkeypatch):
    """A database made by its migrations, as `heard` leaves it (commands that change things migrate first)."""
    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_SERVICE", "yot")
    upgrade(db_url)
    engine = make_engine(db_url, hash_key=TEST_HASH_KEY)
    yield engine
    engine.dispose()


def test_an_action_is_added_listed_and_audited(cli_db):
    added = runner.invoke(app, ["actions", "add", "--theme", "fairness_speed", "--text", "  Panels booked  within two weeks. "])
    assert added.exit_code == 0, added.output
    assert "Recorded action 1 under fairness_speed." in added.output
    listed = runner.invoke(app, ["actions", "list"])
    assert listed.exit_code == 0 and "\tDone\t-\tfairness_speed\tPanels booked within two weeks." in listed.output
    with session_scope(cli_db) as session:
        assert session.exec(select(BoardAction.text)).all() == ["Panels booked within two weeks."]
        events = session.exec(select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)).all()
    # The first command that writes adopts the hash key, as every writing command does; then the actions.
    assert [action for action, _ in events][0] == "hash_key.adopted"
    assert events[1:] == [("board_action.add", "theme=fairness_speed"), ("board_action.list", None)]


def test_an_unknown_theme_is_refused_with_the_valid_ids(cli_db):
    result = runner.invoke(app, ["actions", "add", "--theme", "speed", "--text", "Faster."])
    assert result.exit_code == 2
    assert "unknown theme 'speed'" in result.output and "fairness_speed" in result.output and "restorative_process" in result.output
    assert "Fairness and speed of the process" in result.output  # labels are offered too
    with session_scope(cli_db) as session:
        assert session.exec(select(BoardAction)).all() == []


def test_an_action_can_be_given_by_theme_label_with_a_date_owner_and_status(cli_db):
    added = runner.invoke(app, ["actions", "add", "--theme", "felt listened TO", "--text", "Panels ask what matters first.",
                                "--owner", "Panel coordinator", "--status", "in progress", "--date", "2026-10-15"])
    assert added.exit_code == 0, added.output
    assert "under listened_to" in added.output
    listed = runner.invoke(app, ["actions", "list", "--open"])
    assert "1\t2026-10-15\tIn progress\tPanel coordinator\tlistened_to\tPanels ask what matters first." in listed.output


def test_an_action_is_edited_and_removed_and_both_are_audited(cli_db):
    runner.invoke(app, ["actions", "add", "--theme", "fairness_speed", "--text", "Faster panels.", "--status", "planned"])
    edited = runner.invoke(app, ["actions", "edit", "1", "--status", "done", "--date", "2026-11-02"])
    assert edited.exit_code == 0, edited.output
    assert "2026-11-02\tDone" in edited.output
    assert runner.invoke(app, ["actions", "list", "--open"]).output.startswith("No actions")
    assert runner.invoke(app, ["actions", "edit", "7", "--status", "done"]).exit_code == 1  # no such action
    assert runner.invoke(app, ["actions", "edit", "1"]).exit_code == 2  # nothing to change
    removed = runner.invoke(app, ["actions", "remove", "1"])
    assert removed.exit_code == 0 and "Removed action 1." in removed.output
    with session_scope(cli_db) as session:
        assert session.exec(select(BoardAction)).all() == []
        events = [e for e in session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()]
    assert {"board_action.edit", "board_action.remove"} <= set(events)


def test_an_empty_action_is_refused(cli_db):
    result = runner.invoke(app, ["actions", "add", "--theme", "listened_to", "--text", "   "])
    assert result.exit_code == 2 and "empty" in result.output


def test_the_report_command_writes_the_files_and_prints_their_paths(cli_db, tmp_path, monkeypatch):
    monkeypatch.setattr(analysis.report, "default_dependencies", lambda: (DEFINITIONS, CATALOGUE, redact))
    populate_realistic(cli_db, young_people=40)
    result = runner.invoke(app, ["report", "--period", "2026-Q3", "--out", str(tmp_path), "--format", "html,csv"])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "feedback-report-2026-Q3.html") in result.output
    assert (tmp_path / "feedback-report-2026-Q3-csv" / "themes.csv").exists()
    assert not (tmp_path / "feedback-report-2026-Q3.pdf").exists()


@pytest.mark.parametrize(("args", "message"), [(["--period", "2026-Q9"], "2026-Q3"),
                                                (["--period", "2026-Q3", "--format", "docx"], "docx")])
def test_the_report_command_explains_bad_options(cli_db, tmp_path, monkeypatch, args, message):
    monkeypatch.setattr(analysis.report, "default_dependencies", lambda: (DEFINITIONS, CATALOGUE, redact))
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2 and message in result.output


def test_the_report_command_asks_for_an_upgrade_on_an_older_database(tmp_path, monkeypatch):
    from surveys.store import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0004")  # as an older heard left it
    monkeypatch.setenv("HEARD_DATABASE_URL", url)
    result = runner.invoke(app, ["report", "--period", "2026-Q3", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Run: heard db upgrade" in result.output


def test_the_report_is_headed_with_the_services_own_name_unless_another_is_set(cli_db, tmp_path, monkeypatch):
    monkeypatch.setattr(analysis.report, "default_dependencies", lambda: (DEFINITIONS, CATALOGUE, redact))
    monkeypatch.delenv("HEARD_SERVICE_NAME", raising=False)
    populate_realistic(cli_db, young_people=40)  # the service is "Riverside Youth Justice Service"
    args = ["report", "--period", "2026-Q3", "--format", "html"]
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "a")]).exit_code == 0
    html = (tmp_path / "a" / "feedback-report-2026-Q3.html").read_text(encoding="utf-8")
    assert "<title>Riverside Youth Justice Service:" in html
    monkeypatch.setenv("HEARD_SERVICE_NAME", "Riverside and Dale YJS")
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "b")]).exit_code == 0
    assert "<title>Riverside and Dale YJS:" in (tmp_path / "b" / "feedback-report-2026-Q3.html").read_text(encoding="utf-8")
