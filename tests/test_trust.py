"""Trust follow-ups: odd input never loses an answer, erasure leaves nothing to reverse, keys stay apart."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from datetime import datetime, timezone

import aiohttp
import pytest
import sqlalchemy as sa
from sqlmodel import select
from typer.testing import CliRunner

from bot.app import build_application
from bot.cli import app
from bot.sandbox.emulator import Emulator
from bot.web import running_webhook
from surveys.enrol import ImportRejected, import_rows, parse_csv
from surveys.hashkey import HashKeyProblem, chat_hash, hash_key_id, load_hash_key, use_hash_key
from surveys.keys import adopt
from surveys.models import AuditEvent, Case, Participant
from surveys.store import make_engine, session_scope, upgrade
from surveys.text import clean_text
from bot.texts import t
from tests.bot_world import asks, world
from tests.conftest import TEST_HASH_KEY
from tests.telegram_harness import emulator_builder
from tests.test_journey import YP

runner = CliRunner()
NOW = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
HEADER = "case_ref,audience,disposal,locality,intervention_start,intervention_end,age,gender,ethnicity,send\n"


# --- cleaning ------------------------------------------------------------------------

@pytest.mark.parametrize("given, kept", [
    ("fine\x00 thanks", "fine thanks"),
    ("line one\nline two\tend\r\n", "line one\nline two\tend\r\n"),
    ("bell\x07 esc\x1b del\x7f c1\x85", "bell esc del c1"),
    ("cut emoji \ud83d", "cut emoji \ufffd"),
    ("שלום \u202eevil\u202c 👨\u200d👩\u200d👧 Cymraeg ŵ", "שלום \u202eevil\u202c 👨\u200d👩\u200d👧 Cymraeg ŵ"),
])
def test_cleaning_removes_what_no_database_stores_and_keeps_what_a_reader_sees(given, kept):
    assert clean_text(given) == kept
    assert clean_text(kept) == kept


def test_a_nul_in_an_imported_cell_is_cleaned_and_stored(engine):
    from surveys.models import Service

    with session_scope(engine) as session:
        service = Service(code="yot", name="YOT")
        session.add(service)
        session.flush()
        import_rows(session, service.id, parse_csv(HEADER + "YJ-1,young_person,Ref\x00erral Order,No\x00rth,,,15,"
                                                   "Fe\x00male,\ud800Mixed,yes\n"), now=NOW)
    with session_scope(engine) as session:
        [case] = session.exec(select(Case)).all()
    assert (case.disposal, case.locality, case.gender, case.ethnicity) == ("Referral Order", "North", "Female",
                                                                          "\ufffdMixed")


def test_an_oversized_cell_names_its_line(tmp_path, monkeypatch, db_url):
    big = HEADER + "YJ-1,young_person,,,,,15,,,yes\n" + "YJ-2,young_person," + "x" * 1_000_001 + ",,,,15,,,yes\n"
    with pytest.raises(ImportRejected) as rejected:
        parse_csv(big)
    assert rejected.value.problems == [(3, "a cell is longer than 1,000,000 characters: is this the case export?")]
    # A long cell in a column heard never reads (case notes) is no problem at all.
    assert len(parse_csv(HEADER.strip() + ",notes\nYJ-1,young_person,,,,,15,,,yes," + "y" * 200_000 + "\n")) == 1
    path = tmp_path / "cases.csv"
    path.write_text(big)
    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    if not db_url.startswith("sqlite"):
        monkeypatch.setenv("HEARD_HASH_KEY", TEST_HASH_KEY.decode())
    result = runner.invoke(app, ["cases", "import", str(path)])
    assert result.exit_code == 1
    assert "line 3: a cell is longer than 1,000,000 characters" in result.stderr and "_csv" not in result.output


async def test_a_webhook_body_that_is_not_an_update_gets_400(db_url):
    from surveys.settings import Settings
    from bot.app import build_heard

    h = build_heard(Settings(database_url=db_url, service="test-yot", hash_key=TEST_HASH_KEY.decode(), _env_file=None))
    async with Emulator() as emu:
        application = build_application(h, emulator_builder(emu), dispatch=False, rate_limit=False)
        async with running_webhook(application, h.engine, listen="127.0.0.1", port=0, secret="s",
                                   webhook_url=None) as port:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as client:
                for body in (b"[1, 2]", b"42", b'"text"', b"null", b"{not json", b"\xff\xfe", b"[" * 100_000,
                             b'{"update_id": "x"}', b'{"update_id": 1, "message": [1]}'):
                    async with client.post(f"http://127.0.0.1:{port}/telegram", data=body,
                                           headers={"X-Telegram-Bot-Api-Secret-Token": "s"}) as reply:
                        assert reply.status == 400, body[:20]
    h.engine.dispose()


def test_a_command_that_fails_prints_one_json_line_and_no_traceback(tmp_path):
    env = {**os.environ, "HEARD_DATABASE_URL": "postgresql+psycopg://someone:hunter2@127.0.0.1:1/heard",
           "HEARD_HASH_KEY": "k" * 40, "PYTHONPATH": os.getcwd()}
    # `db upgrade` has no friendly message for a server that is down (read-only commands do).
    result = subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert '"error": "OperationalError"' in line and "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr and "127.0.0.1" not in result.stderr


def test_heard_run_logs_a_start_up_failure_in_json(monkeypatch):
    import json
    import logging

    monkeypatch.setenv("HEARD_DATABASE_URL", "postgresql+psycopg://someone:hunter2@127.0.0.1:1/heard")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        result = runner.invoke(app, ["run"])
    finally:
        root.handlers[:], root.level = saved
    assert result.exit_code == 1
    entries = [json.loads(line) for line in result.stderr.strip().splitlines()]  # every line is JSON
    assert (entries[-1]["level"], entries[-1]["error"]) == ("CRITICAL", "OperationalError")
    assert "hunter2" not in result.stderr


def test_sqlite_overwrites_what_it_deletes(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    engine.dispose()


# --- the hash key ----------------------------------------------------------------------

def test_the_hash_key_file_is_made_once_beside_the_database_and_private(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'heard.db'}"
    key = load_hash_key(url)
    path = tmp_path / "data" / "heard.db.hashkey"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_hash_key(url) == key and len(key) >= 32
    assert load_hash_key(url, key="z" * 40) == b"z" * 40  # the setting wins
    with pytest.raises(HashKeyProblem, match="too short"):
        load_hash_key(url, key="short")
    with pytest.raises(HashKeyProblem, match="HEARD_HASH_KEY"):
        load_hash_key("postgresql+psycopg://u@h/db")
    assert load_hash_key("postgresql+psycopg://u@h/db", key_file=tmp_path / "k") == (tmp_path / "k").read_text().strip().encode()


def test_old_unkeyed_chat_hashes_are_remade_and_another_key_is_refused(db_url):
    upgrade(db_url)
    engine = make_engine(db_url, hash_key=TEST_HASH_KEY)
    with session_scope(engine) as session:
        from surveys.models import Service

        service = Service(code="yot", name="YOT")
        session.add(service)
        session.flush()
        case = Case(service_id=service.id, case_ref="YJ-1")
        session.add(case)
        session.flush()
        session.add(Participant(case_id=case.id, audience="young_person", chat_id="5123456789",
                                chat_hash=hashlib.sha256(b"chat:5123456789").hexdigest()))  # as before this change
    assert adopt(engine, now=NOW) == 1
    assert adopt(engine, now=NOW) == 0  # once per key
    with session_scope(engine) as session:
        [person] = session.exec(select(Participant)).all()
        assert person.chat_hash == chat_hash(TEST_HASH_KEY, 5123456789)
    other = use_hash_key(make_engine(db_url), b"o" * 40)
    with pytest.raises(HashKeyProblem, match=f"made with hash key {hash_key_id(TEST_HASH_KEY)}"):
        adopt(other, now=NOW)
    assert adopt(other, now=NOW, force=True) == 1  # the old key is lost: heard keys rehash
    with session_scope(engine) as session:
        assert session.exec(select(Participant)).one().chat_hash == chat_hash(b"o" * 40, 5123456789)
    other.dispose()
    engine.dispose()


# --- nothing to reverse after /delete --------------------------------------------------

CHAT = 5_123_456_789  # a realistic Telegram id


async def test_after_delete_nothing_in_the_database_leads_back_to_the_chat(db_url):
    async with world(db_url) as w:
        user = w.user(CHAT, "Sam")
        await user.send_command("/start not-a-real-code")  # a refused code leaves a trace in the audit log
        await w.settle()
        user = await w.join(CHAT, *YP)
        await w.skip_until(user, asks("anything else"))
        await user.send_text("it was ok")
        await w.settle()
        await user.send_command("/delete")
        await w.settle()
        await user.press(t("delete.confirm"))
        await w.settle()
        engine = w.heard.engine
        key_file = os.environ["HEARD_HASH_KEY_FILE"]
        assert os.path.exists(key_file)  # the key lives in a file, not in the database

    values = _every_stored_value(engine)
    assert not any(str(CHAT) in value for value in values)
    stored = set()
    for value in values:  # every hex run, whole and as 16-character prefixes
        stored.add(value)
        stored.update(value.split(":"))
    candidates = range(CHAT - 400_000, CHAT + 400_000)
    found = [n for n in candidates if _unkeyed(n) in stored or _unkeyed(n)[:16] in stored]
    assert found == [], "an unkeyed hash of the chat id survived the erasure"
    with session_scope(engine) as session:
        refused = session.exec(select(AuditEvent).where(AuditEvent.action == "invite.refused")).all()
        assert refused and all(event.subject is None for event in refused)
    engine.dispose()


def _unkeyed(chat_id: int) -> str:
    return hashlib.sha256(f"chat:{chat_id}".encode()).hexdigest()


def _every_stored_value(engine) -> list[str]:
    """Every non-empty value in every table, as text: what someone holding the database sees."""
    from sqlmodel import SQLModel

    values = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.tables.values():
            for row in conn.execute(sa.select(table)):
                values.extend(str(value) for value in row if value is not None)
    return values

