"""What every `heard` command needs: the settings, the database, and one way to fail.

Commands that change things call `open_context()` (migrates the database and makes the
service row on first use); commands that only look call `open_read_only()` (never creates a
file, a table or a service). The report, which works on whatever database it is pointed at,
uses `open_engine()`. Every refusal goes through `fail()`: red words on stderr and an exit code,
never a traceback.

Imports of the domain are late (inside functions) so `heard --help` stays quick.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import typer

from surveys.backup import sqlite_file
from surveys.models import Audience
from surveys.settings import Settings


@dataclass
class Context:
    """What every command needs, built once: settings, a migrated database, our service's id."""

    settings: Settings
    engine: object
    service_id: int


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command with ``message`` (red, on stderr) and exit ``code`` (2: a usage mistake)."""
    typer.secho(message, fg="red", err=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        fail(f"Your settings need a fix:\n{error}")


def resolved_settings() -> Settings:
    """The settings, naming the one service the database holds when HEARD_SERVICE was not set."""
    return with_resolved_service(load_settings())


def open_context(settings: Settings | None = None, *, adopt_hash_key: bool = True) -> Context:
    """For commands that change things: migrates the database, and makes the service row on first use."""
    from surveys.hashkey import HashKeyProblem
    from surveys.keys import adopt
    from surveys.models import utcnow
    from surveys.store import current_revision, ensure_service, head_revision, make_engine, session_scope, upgrade

    settings = settings or load_settings()
    database = sqlite_file(settings.database_url)
    if database is not None and not database.exists():
        # Run without the bot's settings, a command would quietly fill a database the bot never reads.
        typer.echo(f"Made a new, empty database at {database.resolve()}. If the bot already has one, this is "
                   f"not it: set HEARD_DATABASE_URL as the bot's own settings do (see docs/going-live.md).", err=True)
    engine = make_engine(settings.database_url, keys=_keys(settings), hash_key=_hash_key(settings))
    if current_revision(engine) != head_revision(settings.database_url):
        upgrade(settings.database_url)
    if adopt_hash_key:
        try:
            adopt(engine, now=utcnow())
        except HashKeyProblem as problem:
            fail(f"{problem}.")
    codes = _service_codes(engine)
    settings = _chosen_service(settings, codes, creating=True)
    with session_scope(engine) as session:
        service_id = ensure_service(session, settings.service, settings.service_name).id
    if settings.service not in codes and codes:
        typer.echo(f"Started a new service '{settings.service}' in this database (it also holds: {', '.join(codes)}).",
                   err=True)
    return Context(settings, engine, service_id)


def open_read_only(settings: Settings | None = None) -> Context:
    """For commands that only look: never creates a database file, a table or a service row.

    Says plainly when the database is missing or out of date, or the service code is wrong.
    """
    from surveys.store import current_revision, head_revision, make_engine

    settings = settings or load_settings()
    url = safe_url(settings.database_url)
    database = sqlite_file(settings.database_url)
    if database is not None and not database.exists():
        fail(f"There is no database at {database.resolve()}. Check HEARD_DATABASE_URL (now {url}), "
             f"or run this where the bot's database is.")
    engine = make_engine(settings.database_url, keys=_keys(settings), hash_key=_hash_key(settings))
    try:
        revision = current_revision(engine)
    except Exception as error:  # noqa: BLE001 - a wrong URL, a server that is down: say which
        fail(f"Could not open the database at {url} ({type(error).__name__}). Check HEARD_DATABASE_URL.")
    if revision != head_revision(settings.database_url):
        fail(f"The database at {url} is not up to date (migration {revision or 'none'}). Run: heard db upgrade")
    settings = _chosen_service(settings, _service_codes(engine), creating=False)
    with engine.connect() as connection:
        service_id = connection.execute(_sql("SELECT id FROM service WHERE code = :code"),
                                        {"code": settings.service}).scalar_one()
    return Context(settings, engine, service_id)


def open_engine(settings: Settings):
    """An engine that can read encrypted text, refusing a database an older heard left behind.

    For the report and the quotes review, which read a database as it is and never migrate it.
    """
    from surveys.store import current_revision, head_revision, make_engine

    engine = make_engine(settings.database_url, keys=_keys(settings))
    revision = current_revision(engine)
    if revision is not None and revision != head_revision(settings.database_url):  # an older heard's migrations
        engine.dispose()
        fail("The database is not up to date with this version of heard. Run: heard db upgrade", 1)
    return engine


def with_resolved_service(settings: Settings) -> Settings:
    """``settings`` naming the one service the database holds when HEARD_SERVICE was not set.

    Looks without writing: a missing database or table leaves the settings as they are.
    """
    if "service" in settings.model_fields_set:
        return settings
    database = sqlite_file(settings.database_url)
    if database is not None and not database.exists():
        return settings
    from surveys.store import make_engine

    engine = make_engine(settings.database_url)
    try:
        codes = _service_codes(engine)
    except Exception:  # noqa: BLE001 - no schema yet: the command itself will say so
        return settings
    finally:
        engine.dispose()
    return settings.model_copy(update={"service": codes[0]}) if len(codes) == 1 else settings


def parse_audience(text: str) -> Audience:
    """An audience as the case import reads it (so "parent" works here too), or a usage error."""
    from surveys.enrol import audience_named

    try:
        return audience_named(text)
    except ValueError:
        fail(f"Unknown audience '{text}'. Use one of: {', '.join(a.value for a in Audience)}.", 2)


def staff_id_of(session, service_id: int, telegram_id: int | None) -> int | None:
    """The staff row id of an active worker given by Telegram user id (None when no id was given)."""
    from sqlmodel import select

    from surveys.models import Staff

    if telegram_id is None:
        return None
    staff_id = session.exec(select(Staff.id).where(Staff.service_id == service_id,
                                                   Staff.telegram_user_id == telegram_id,
                                                   Staff.active.is_(True))).first()
    if staff_id is None:
        fail(f"{telegram_id} is not staff here. See 'heard staff list'.")
    return staff_id


def safe_url(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _keys(settings: Settings):
    from surveys.crypto import Keyring

    try:
        return Keyring.from_settings(settings)
    except ValueError as error:
        fail(f"HEARD_ENCRYPTION_KEY needs a fix: {error}")


def _hash_key(settings: Settings) -> bytes:
    from surveys.hashkey import HashKeyProblem, hash_key_from_settings

    try:
        return hash_key_from_settings(settings)
    except HashKeyProblem as problem:
        fail(f"The hash key needs a fix: {problem}.")


def _service_codes(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(_sql("SELECT code FROM service")).scalars())


def _chosen_service(settings: Settings, codes: list[str], *, creating: bool) -> Settings:
    """Which service a command works for: HEARD_SERVICE, or the only one the database holds."""
    explicit = "service" in settings.model_fields_set
    if settings.service in codes:
        return settings
    if not explicit and len(codes) == 1:
        return settings.model_copy(update={"service": codes[0]})
    if creating and (explicit or not codes):
        return settings
    if not codes:
        fail("This database holds no service yet: nothing has been imported. Start with: heard cases import FILE.csv")
    if explicit:
        fail(f"There is no service '{settings.service}' in this database; it holds: {', '.join(codes)}. "
             f"Set HEARD_SERVICE to one of those.")
    fail(f"This database holds several services ({', '.join(codes)}): set HEARD_SERVICE to the one you mean.")


def _sql(statement: str):
    import sqlalchemy as sa

    return sa.text(statement)
