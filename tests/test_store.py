from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import select

from surveys.models import Case, Service
from surveys.store import current_revision, ensure_service, head_revision, make_engine, session_scope, upgrade


def test_migrations_create_the_same_schema_as_the_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) == head_revision(db_url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_datetimes_come_back_aware_and_in_utc(engine):
    summer = datetime(2026, 7, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    with session_scope(engine) as session:
        session.add(Service(code="a", name="A", created_at=summer))
    with session_scope(engine) as session:
        stored = session.exec(select(Service)).one().created_at
    assert stored == summer and stored.tzinfo == timezone.utc and stored.hour == 9


def test_a_failed_unit_of_work_leaves_nothing_behind(engine):
    with pytest.raises(RuntimeError):
        with session_scope(engine) as session:
            ensure_service(session, "a", "A")
            raise RuntimeError("boom")
    with session_scope(engine) as session:
        assert session.exec(select(Service)).all() == []


def test_case_refs_are_unique_within_a_service(engine):
    with session_scope(engine) as session:
        service = ensure_service(session, "a", "A")
        session.add(Case(service_id=service.id, case_ref="YJ-1"))
    with pytest.raises(sa.exc.IntegrityError):
        with session_scope(engine) as session:
            session.add(Case(service_id=service.id, case_ref="YJ-1"))
