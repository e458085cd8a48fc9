"""Claims and connections on PostgreSQL that do not depend on luck: the planner's statistics, or a
ping before every checkout."""

from __future__ import annotations

import time

import sqlalchemy as sa

from benchmarks.fixtures import NOW, add_linked_people
from surveys.invitations import claim_due
from surveys.store import POSTGRES_RECYCLE_SECONDS, create_all, ensure_service, make_engine, session_scope
from tests.conftest import TEST_HASH_KEY

FRESH = 3000


def test_claiming_on_freshly_bulk_loaded_tables_is_fast_before_any_analyze(postgres_url):
    engine = make_engine(postgres_url, hash_key=TEST_HASH_KEY)
    create_all(engine)
    with engine.begin() as conn:  # keep autovacuum from analysing behind the test's back
        for table in ("case", "participant", "invitation"):
            conn.execute(sa.text(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)'))
    with session_scope(engine) as session:
        service_id = ensure_service(session, "yot", "YOT").id
    add_linked_people(engine, service_id, FRESH)
    with engine.connect() as conn:  # the statistics are as stale as they get: never gathered
        never = conn.execute(sa.text(
            "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relname IN ('case', 'participant', 'invitation') AND reltuples < 0")).scalar()
    assert never == 3
    took, claimed = [], []
    for _ in range(3):
        started = time.perf_counter()
        with session_scope(engine) as session:
            claimed += claim_due(session, now=NOW, worker="w", limit=100, service_id=service_id)
        took.append(time.perf_counter() - started)
    engine.dispose()
    assert len(set(claimed)) == 300
    # The one query joining the three tables took 17-22 s per claim here (3,000 rows, never analysed).
    assert max(took) < 1.0, took


def test_postgresql_connections_are_recycled_not_pinged_before_every_use(postgres_url):
    engine = make_engine(postgres_url, hash_key=TEST_HASH_KEY)
    try:
        assert engine.pool._pre_ping is False
        assert engine.pool._recycle == POSTGRES_RECYCLE_SECONDS
        statements = []
        sa.event.listen(engine, "before_cursor_execute",
                        lambda _c, _cur, statement, *_: statements.append(statement))
        for _ in range(3):
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 42"))
        assert statements == ["SELECT 42"] * 3  # no "SELECT 1" before each checkout
    finally:
        engine.dispose()
