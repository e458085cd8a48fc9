"""`heard backup` and `heard restore`: a consistent copy while the bot writes, and a careful restore."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from surveys.models import AuditEvent
from surveys.store import audit, head_revision, make_engine, session_scope, upgrade

runner = CliRunner()


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A migrated SQLite database that the `heard` commands use."""
    url = f"sqlite:///{tmp_path / 'heard.db'}"
    upgrade(url)
    monkeypatch.setenv("HEARD_DATABASE_URL", url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def events(engine) -> int:
    with session_scope(engine) as session:
        return len(session.exec(select(AuditEvent)).all())


def add_events(engine, count: int, label: str) -> None:
    for number in range(count):
        with session_scope(engine) as session:
            audit(session, "system", label, detail=str(number))


def test_a_backup_taken_while_another_connection_writes_restores_to_a_consistent_database(live, tmp_path):
    add_events(live, 50, "before")
    writing = threading.Thread(target=add_events, args=(live, 200, "during"))
    writing.start()
    result = runner.invoke(app, ["backup", str(tmp_path / "copy.db")])
    writing.join()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Backup written to {tmp_path / 'copy.db'}.")
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copied = copy.execute("SELECT count(*) FROM auditevent").fetchone()[0]
        during = [int(d) for (d,) in copy.execute("SELECT detail FROM auditevent WHERE action = 'during'")]
    assert 50 <= copied <= 250 and during == list(range(len(during)))  # a prefix of the writes: no gaps
    assert events(live) == 250

    add_events(live, 5, "after the backup")
    refused = runner.invoke(app, ["restore", str(tmp_path / "copy.db")])
    assert refused.exit_code == 2 and "run again with --force" in refused.stderr
    assert events(live) == 255
    restored = runner.invoke(app, ["restore", str(tmp_path / "copy.db"), "--force"])
    assert restored.exit_code == 0, restored.output
    assert f"(migration {head_revision(str(live.url))})" in restored.stdout
    assert events(live) == copied


def test_a_backup_never_overwrites_an_existing_file(live, tmp_path):
    (tmp_path / "copy.db").write_text("keep me")
    result = runner.invoke(app, ["backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 1 and "exists already" in result.stderr
    assert (tmp_path / "copy.db").read_text() == "keep me"


@pytest.mark.parametrize("content, reason", [
    (b"just some text, not a database at all" * 200, "not a SQLite database"),
    (None, "not a heard database"),
])
def test_restore_refuses_a_file_that_is_not_a_heard_backup(live, tmp_path, content, reason):
    add_events(live, 3, "kept")
    other = tmp_path / "other.db"
    if content is None:
        with sqlite3.connect(other) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
    else:
        other.write_bytes(content)
    result = runner.invoke(app, ["restore", str(other), "--force"])
    assert result.exit_code == 1 and reason in result.stderr and "Nothing was restored" in result.stderr
    assert events(live) == 3


def test_restore_refuses_a_backup_at_an_unknown_migration(live, tmp_path):
    runner.invoke(app, ["backup", str(tmp_path / "copy.db")])
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        copy.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    result = runner.invoke(app, ["restore", str(tmp_path / "copy.db"), "--force"])
    assert result.exit_code == 1 and "migration from_the_future, which this version of heard does not know" in result.stderr


def test_postgresql_gets_pg_dump_guidance_and_no_half_work(monkeypatch, tmp_path):
    monkeypatch.setenv("HEARD_DATABASE_URL", "postgresql+psycopg://heard@db.invalid/heard")
    for command in (["backup", str(tmp_path / "x.dump")], ["restore", str(tmp_path / "x.dump")]):
        (tmp_path / "x.dump").write_text("")
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert "pg_dump --format=custom" in result.stderr and "pg_restore" in result.stderr
    assert (tmp_path / "x.dump").read_text() == ""
