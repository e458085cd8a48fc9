"""Database engine and sessions, and the small queries everything else shares.

SQLite (a file, WAL mode) is the default; PostgreSQL is one URL away. Sessions are short:
open one per unit of work with :func:`session_scope`, which commits or rolls back.
"""

from __future__ import annotations

import re
import select as io_select  # the system call; sqlmodel.select is the query
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from surveys.crypto import Keyring, use_keys
from surveys.hashkey import use_hash_key
from surveys.models import AuditEvent, Service
from surveys.text import clean_text, needs_cleaning

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 15_000
# A PostgreSQL connection older than this is replaced before use: a firewall or proxy that drops
# idle connections silently sends no sign a client could notice.
POSTGRES_RECYCLE_SECONDS = 30 * 60


def make_engine(url: str, *, keys: Keyring | None = None, hash_key: bytes | None = None, **kwargs) -> Engine:
    """An engine with the pragmas and pool settings this project relies on.

    ``keys`` encrypt and decrypt the protected columns (see surveys/crypto.py); without them
    those columns are written in the clear and encrypted values cannot be read. ``hash_key``
    keys every identifier hash (surveys/hashkey.py); without it nothing that hashes a chat id or
    a case reference will run.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy's BEGIN reach SQLite, so a read-then-write takes its lock at BEGIN IMMEDIATE.
        sa.event.listen(engine, "begin", _sqlite_begin)
    else:
        # No pool_pre_ping: a round trip before every checkout was paid on every answer. A server that
        # restarted or ended our connection has closed its socket, which a checkout can see without
        # asking the server (_closed_by_server); pool_recycle replaces connections dropped silently.
        kwargs.setdefault("pool_recycle", POSTGRES_RECYCLE_SECONDS)
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "checkout", _closed_by_server)
    sa.event.listen(engine, "before_cursor_execute", _storable_parameters, retval=True)
    return use_hash_key(use_keys(engine, keys), hash_key)


def _sqlite_begin(conn) -> None:
    # A look-up that only reads (see read_only) takes no write lock: in WAL mode it never waits for a writer.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


READ_ONLY = "heard_read_only"


def read_only(engine: Engine) -> Engine:
    """The same database for a look-up that never writes, such as who wrote a message before it is screened:
    on SQLite it does not queue behind another process's write lock (up to the 15-second busy timeout)."""
    return engine.execution_options(**{READ_ONLY: True})


def _closed_by_server(dbapi_connection, _record, _proxy) -> None:
    """Refuse a pooled connection the server has closed, so the pool opens a fresh one.

    An idle connection has nothing to read: if its socket is readable, the server has sent its
    farewell (a restart, ``pg_terminate_backend``) or hung up. heard never LISTENs, so nothing
    else arrives unasked; at worst a live connection is replaced. Looking costs one system call,
    not a round trip to the server.
    """
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:
        return
    if dbapi_connection.closed or dbapi_connection.broken:
        raise sa.exc.DisconnectionError("connection closed")
    try:
        readable, _, _ = io_select.select([pgconn.socket], [], [], 0)
    except Exception as error:  # noqa: BLE001 - no socket: this connection is done
        raise sa.exc.DisconnectionError(str(error)) from error
    if readable:
        raise sa.exc.DisconnectionError("the server closed the connection")


def _storable_parameters(_conn, _cursor, statement, parameters, _context, _executemany):
    """The last line of defence behind the cleaning at the edges (surveys/text.py): no text that
    reaches the database, stored or searched for, can make it refuse the statement (PostgreSQL
    rejects NUL; neither database can encode a lone surrogate)."""
    # Shapes vary by driver and path (a batched insert may be one dict even when executemany is
    # set), so go by what was given: one row of values, or a list of rows.
    if isinstance(parameters, (list, tuple)) and parameters and isinstance(parameters[0], (dict, list, tuple)):
        return statement, type(parameters)(_clean_row(row) for row in parameters)
    return statement, _clean_row(parameters)


def _clean_row(row):
    if isinstance(row, dict):
        if any(isinstance(value, str) and needs_cleaning(value) for value in row.values()):
            return {key: clean_text(value) if isinstance(value, str) else value for key, value in row.items()}
        return row
    if isinstance(row, (tuple, list)) and any(isinstance(value, str) and needs_cleaning(value) for value in row):
        return type(row)(clean_text(value) if isinstance(value, str) else value for value in row)
    return row


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see make_engine)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Overwrite deleted and erased content with zeros rather than leave it in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str, migrations: Path = MIGRATIONS):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")  # 0007_quote_reviews_and_suggestions.py
    return config


def next_revision_id(revisions: list[str]) -> str:
    """The number after the highest revision's: "0008" after "0007" (and after "0007s", a branch's)."""
    numbers = [int(match.group()) for revision in revisions if (match := re.match(r"\d+", revision))]
    return f"{max(numbers, default=0) + 1:04d}"


def new_revision(message: str, *, migrations: Path = MIGRATIONS, autogenerate: bool = True) -> Path:
    """Write the next migration file and return its path.

    With ``autogenerate`` the file already holds what the models have that the migrations do not:
    a scratch SQLite database is brought to the head revision and compared with ``surveys.models``.
    It is a draft: read it, and add what autogenerate cannot see (data moves, renames).
    """
    import tempfile

    from alembic import command
    from alembic.script import ScriptDirectory

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'scratch.db'}"
        config = alembic_config(url, migrations)
        script = ScriptDirectory.from_config(config)
        revision_id = next_revision_id([s.revision for s in script.walk_revisions()])
        if autogenerate:
            command.upgrade(config, "head")
        written = command.revision(config, message=message, autogenerate=autogenerate, rev_id=revision_id)
    return Path(written.path)


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations (creates the schema on an empty database)."""
    from alembic import command

    _ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def _ensure_sqlite_folder(url: str) -> None:
    database = sa.engine.make_url(url).database
    if url.startswith("sqlite") and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_all(engine: Engine) -> None:
    """Create tables straight from the models (tests only; deployments use :func:`upgrade`)."""
    SQLModel.metadata.create_all(engine)


def ensure_service(session: Session, code: str, name: str) -> Service:
    service = session.exec(select(Service).where(Service.code == code)).first()
    if service is None:
        service = Service(code=code, name=name)
        session.add(service)
        session.flush()
    return service


def audit(session: Session, actor: str, action: str, subject: str | None = None, detail: str | None = None,
          service_id: int | None = None, at: datetime | None = None) -> None:
    """Record who did what. Never put a message text or a name in ``detail``.

    ``at`` is when it happened by the caller's clock (a fake one in tests); left out, the row is
    stamped as it is written, like every ``created_at``.
    """
    stamp = {} if at is None else {"at": at}
    session.add(AuditEvent(service_id=service_id, actor=actor, action=action, subject=subject, detail=detail, **stamp))
