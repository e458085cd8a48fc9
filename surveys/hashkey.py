"""The key behind every identifier hash heard stores.

A hash of a Telegram chat id or a case reference is only safe to keep if it cannot be reversed by
trying every id: Telegram ids fit in ten or so digits, which a laptop hashes in minutes. So every
such hash is an HMAC under a secret key held apart from the database: ``HEARD_HASH_KEY``, or a
key file made on first run (beside a SQLite database, or where ``HEARD_HASH_KEY_FILE`` says;
mode 0600). With the database alone, an erased person's traces cannot be turned back into an id.

The key's public id is recorded in the audit log when a database first uses it
(``hash_key.adopted``), so a worker started with another key refuses to run rather than fail to
recognise everyone; and chat hashes made before (plain SHA-256, or keyed by the encryption key)
are re-made under this key at that moment, from the stored chat ids (`surveys.keys.adopt`, which
works on the database; this module only knows keys and hashes).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

MIN_KEY_CHARS = 32
ADOPTED = "hash_key.adopted"


class HashKeyProblem(RuntimeError):
    """The hash key is missing, unusable, or not the one this database was hashed with."""


def generate_hash_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key_id(key: bytes) -> str:
    """A short public name for a key (safe to log and store)."""
    return hmac.new(key, b"heard hash key id", hashlib.sha256).hexdigest()[:8]


def identifier_hash(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of ``kind:value``: the same input always gives the same hash, under this key only."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def chat_hash(key: bytes, chat_id: int | str) -> str:
    return identifier_hash(key, "chat", str(int(chat_id)))


def erased_case_ref(key: bytes, case_ref: str) -> str:
    """What stands for a case reference after retention: recognisable on re-import, not reversible."""
    return "erased-" + identifier_hash(key, "case", case_ref)[:40]


# --- where the key comes from ----------------------------------------------------------------

def key_file_for(database_url: str, configured: Path | None) -> Path | None:
    """The key file: the configured one, else beside a SQLite file; None for an in-memory database."""
    if configured is not None:
        return configured
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise HashKeyProblem("set HEARD_HASH_KEY (the same on every worker) or HEARD_HASH_KEY_FILE: "
                             "heard cannot keep a key file beside a database server")
    if not url.database or url.database == ":memory:":
        return None
    database = Path(url.database)
    return database.with_name(database.name + ".hashkey")


def load_hash_key(database_url: str, *, key: str | None = None, key_file: Path | None = None) -> bytes:
    """The key from the setting, else from its file (made, mode 0600, if it does not exist yet)."""
    if key:
        return _checked(key.strip(), "HEARD_HASH_KEY")
    path = key_file_for(database_url, key_file)
    if path is None:
        return generate_hash_key().encode()  # the database lives and dies with this process
    if not path.exists():
        _create_key_file(path)
    return _checked(path.read_text(encoding="utf-8").strip(), str(path))


def hash_key_from_settings(settings) -> bytes:
    secret = settings.hash_key
    return load_hash_key(settings.database_url, key=secret.get_secret_value() if secret else None,
                         key_file=settings.hash_key_file)


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(generate_hash_key() + "\n")


def _checked(text: str, where: str) -> bytes:
    if len(text) < MIN_KEY_CHARS:
        raise HashKeyProblem(f"the hash key in {where} is too short: use at least {MIN_KEY_CHARS} random "
                             "characters (heard keys generate makes one)")
    return text.encode()


# --- the key travels with the engine ---------------------------------------------------------

def use_hash_key(engine: Engine, key: bytes | None) -> Engine:
    engine.dialect.heard_hash_key = key
    return engine


def hash_key_of(bind) -> bytes:
    """The hash key of an engine, connection or session; never falls back to an unkeyed hash."""
    if hasattr(bind, "get_bind"):
        bind = bind.get_bind()
    key = getattr(bind.dialect, "heard_hash_key", None)
    if key is None:
        raise HashKeyProblem("this database engine has no hash key (make_engine(..., hash_key=...))")
    return key
