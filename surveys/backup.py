"""Backups of a SQLite database, taken and restored with SQLite's online backup API.

The backup API copies a consistent snapshot page by page, so it is safe while the bot runs
(WAL mode lets the bot keep writing). PostgreSQL has its own tools (pg_dump/pg_restore);
heard does not wrap them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

HEARD_TABLES = {"service", "case", "participant", "invitation", "answer", "alembic_version"}


class BackupProblem(Exception):
    """A backup cannot be taken or restored; the message says why in plain words."""


def sqlite_file(url: str) -> Path | None:
    """The database file behind a SQLite URL; None for PostgreSQL (or an in-memory database)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def backup(database: Path, target: Path) -> None:
    """Copy a consistent snapshot of ``database`` to ``target`` (which must not exist yet)."""
    if target.exists():
        raise BackupProblem(f"{target} exists already; choose a new file name")
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    partial.rename(target)  # a half-written backup never carries the final name


def revision_of(path: Path) -> str:
    """The migration revision of a heard database file, or BackupProblem if it is not one."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupProblem(f"{path} cannot be opened: {error}") from None
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not HEARD_TABLES <= tables:
            raise BackupProblem(f"{path} is not a heard database")
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupProblem(f"{path} is damaged (SQLite's check failed)")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupProblem(f"{path} is not a SQLite database ({error})") from None
    finally:
        conn.close()
    if row is None:
        raise BackupProblem(f"{path} has no migration revision")
    return row[0]


def restore(backup_file: Path, database: Path, known_revisions: set[str]) -> str:
    """Replace ``database`` with the backup's contents; returns the backup's revision.

    The copy runs through the backup API into the live file, so SQLite's own locking keeps any
    other connection from seeing half a restore.
    """
    revision = revision_of(backup_file)
    if revision not in known_revisions:
        raise BackupProblem(f"{backup_file} is at migration {revision}, which this version of heard does not know")
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        live = sqlite3.connect(database)
        try:
            source.backup(live)
        finally:
            live.close()
    finally:
        source.close()
    return revision
