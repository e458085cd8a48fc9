"""What the benchmarks share: throw-away databases, bulk-made participants, the bot over the emulator."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from surveys.hashkey import chat_hash, hash_key_of
from surveys.models import Audience, Case, Consent, Invitation, InvitationStatus, Participant
from surveys.settings import Settings

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # a Tuesday morning, inside the send window
FIRST_CHAT = 70_000_000
SERVICE = "bench-yot"


def fixed_clock() -> datetime:
    return NOW


@contextlib.contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="heard-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'heard.db'}"


@contextlib.contextmanager
def postgres_url(admin_url: str) -> Iterator[str]:
    """A fresh database on the server at ``admin_url``, dropped afterwards."""
    name = f"heard_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def database(backend: str, postgres_admin_url: str | None = None) -> Iterator[str]:
    if backend == "sqlite":
        with sqlite_url() as url:
            yield url
    else:
        with postgres_url(postgres_admin_url) as url:
            yield url


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, service=SERVICE, service_name="Benchmark Youth Justice Service",
                    bot_username="emulated_123_bot", hash_key="benchmark-hash-key-not-for-production-use",
                    _env_file=None)


def chat_ids(count: int) -> list[int]:
    return list(range(FIRST_CHAT, FIRST_CHAT + count))


def add_linked_people(engine, service_id: int, count: int, *, survey_id: str = "yp_exit",
                      due: datetime = NOW - timedelta(hours=1)) -> list[int]:
    """``count`` young people, linked to chats and consenting, each with one survey due. Returns chat ids."""
    chats, key = chat_ids(count), hash_key_of(engine)
    with engine.begin() as conn:
        case_ids = conn.execute(sa.insert(Case).returning(Case.id, sort_by_parameter_order=True), [
            {"service_id": service_id, "case_ref": f"BENCH-{n:06d}", "disposal": "Referral Order",
             "locality": "North", "age_band": "15-17", "review_dates": "", "created_at": NOW, "updated_at": NOW}
            for n in range(count)]).scalars().all()
        participant_ids = conn.execute(
            sa.insert(Participant).returning(Participant.id, sort_by_parameter_order=True), [
                {"case_id": case_id, "audience": Audience.young_person.value, "participant_ref": "",
                 "chat_id": str(chat), "chat_hash": chat_hash(key, chat), "language": "en",
                 "consent": Consent.given.value, "consent_at": NOW - timedelta(days=1), "created_at": NOW}
                for case_id, chat in zip(case_ids, chats)]).scalars().all()
        conn.execute(sa.insert(Invitation), [
            {"participant_id": pid, "survey_id": survey_id, "survey_version": 1, "occasion": "exit",
             "status": InvitationStatus.scheduled.value, "due_at": due, "expires_at": NOW + timedelta(days=30),
             "reminders_sent": 0, "attempts": 0, "created_at": NOW}
            for pid in participant_ids])
    return chats


def invitation_statuses(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(Invitation.status, sa.func.count()).group_by(Invitation.status)).all())


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far (Linux /proc); None elsewhere. The machine may be shared,
    so CPU per answer says more about a change than wall-clock latencies do."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
