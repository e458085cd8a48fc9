"""Shared fixtures: a clean database for every test, on SQLite and (when asked) PostgreSQL.

Set HEARD_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run
the storage and dispatch tests on PostgreSQL too. When it is set and the server is down the
tests fail: they never skip silently.
"""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest
import sqlalchemy as sa

from surveys.store import create_all, make_engine

POSTGRES_URL = os.environ.get("HEARD_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_report_header(config):
    return f"heard database backends: {', '.join(BACKENDS)}" + (
        "" if POSTGRES_URL else " (set HEARD_TEST_POSTGRES_URL to add PostgreSQL)")


def _postgres_schema_url(schema: str) -> str:
    url = sa.engine.make_url(POSTGRES_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL itself are left out (not skipped) when it was not asked for."""
    if POSTGRES_URL:
        return
    wanted = [item for item in items if "postgres_url" not in getattr(item, "fixturenames", ())]
    if len(wanted) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in wanted])
        items[:] = wanted


@contextlib.contextmanager
def _fresh_postgres_schema():
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:  # fails loudly if PostgreSQL was expected but is down
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL to an empty database of its own: a temp SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'heard.db'}"
        return
    with _fresh_postgres_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    """For behaviour only SQLite has (its file lock)."""
    return f"sqlite:///{tmp_path / 'heard.db'}"


@pytest.fixture
def postgres_url():
    """For behaviour only PostgreSQL has (a server that can drop connections)."""
    with _fresh_postgres_schema() as url:
        yield url


TEST_HASH_KEY = b"a-hash-key-for-tests-only-0123456789abcdef"


@pytest.fixture(autouse=True)
def hash_key_file(tmp_path_factory, monkeypatch):
    """Each test's own hash key file (made on first use, as in production), out of the working tree."""
    path = tmp_path_factory.mktemp("keys") / "heard.hashkey"
    monkeypatch.setenv("HEARD_HASH_KEY_FILE", str(path))
    monkeypatch.delenv("HEARD_HASH_KEY", raising=False)
    return path


@pytest.fixture
def engine(db_url):
    """An engine on a clean database with every table created."""
    engine = make_engine(db_url, hash_key=TEST_HASH_KEY)
    create_all(engine)
    yield engine
    engine.dispose()
