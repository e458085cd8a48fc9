"""`heard keys`, `heard purge`, `heard participant erase`, `heard backup`, `heard restore`.

Thin shells over surveys.crypto/keys, surveys.retention and surveys.backup. Output gives counts,
never names, case details or anything a person wrote.
"""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.context import fail, load_settings, open_context, parse_audience

keys_app = typer.Typer(help="Encryption keys for what people write and their chat links.", no_args_is_help=True)
participant_app = typer.Typer(help="One person's data.", no_args_is_help=True)

PG_BACKUP = ("heard backs up SQLite only. For PostgreSQL use its own tools, e.g.\n"
             "  pg_dump --format=custom --file=heard.dump \"$DATABASE\"\n"
             "and to restore (into an empty database, with the bot stopped):\n"
             "  pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE\" heard.dump\n"
             "Keep HEARD_ENCRYPTION_KEY somewhere else than the backups: one without the other is useless.")


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new encryption key (put it in HEARD_ENCRYPTION_KEY; keep a copy somewhere safe)."""
    from surveys.crypto import generate_key

    typer.echo(generate_key())


@keys_app.command("rotate")
def keys_rotate(new_key: str = typer.Option(None, help="Encrypt under this key (the current keys still read).")) -> None:
    """Re-encrypt every protected value under the newest key, in one transaction.

    Either set HEARD_ENCRYPTION_KEY="new,old" (restart the bot with it) and run this, or stop the
    bot and give --new-key; then set HEARD_ENCRYPTION_KEY to the new key alone.
    """
    from surveys.crypto import EncryptionError, Keyring, use_keys
    from surveys.keys import rotate
    from surveys.models import utcnow

    settings = load_settings()
    ctx = open_context(settings)
    try:
        current = Keyring.from_settings(settings)
        keyring = Keyring.parse(",".join(([new_key] if new_key else []) + list(current.keys if current else [])))
    except ValueError as error:
        fail(f"That key is not usable: {error}", 2)
    try:
        counts = rotate(use_keys(ctx.engine, keyring), now=utcnow())
    except EncryptionError as error:
        fail(f"Nothing was changed: {error}.")
    total = sum(counts.values())
    typer.echo(f"Re-encrypted {total} values under key {keyring.primary_id}: "
               + ", ".join(f"{name} {count}" for name, count in counts.items()) + ".")
    if len(keyring.keys) > 1 or new_key:
        typer.echo("Now set HEARD_ENCRYPTION_KEY to the new key alone and restart the bot.")


@keys_app.command("rehash")
def keys_rehash() -> None:
    """Move every chat hash to this process's hash key (HEARD_HASH_KEY or its file).

    Only for when the key the database was hashed with is lost: workers with the old key stop
    recognising people until they are given the new one.
    """
    from surveys.hashkey import HashKeyProblem
    from surveys.keys import adopt
    from surveys.models import utcnow

    ctx = open_context(adopt_hash_key=False)
    try:
        remade = adopt(ctx.engine, now=utcnow(), force=True)
    except HashKeyProblem as problem:
        fail(f"Nothing was changed: {problem}.")
    typer.echo(f"Re-made {remade} chat hashes under the current hash key. Give every worker this key.")


def purge(dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would go.")) -> None:
    """Erase what is past the retention period (HEARD_RETENTION_MONTHS after the case ended).

    With --dry-run, also list every case with the date it will be erased.
    """
    from surveys.models import utcnow
    from surveys.retention import purge as run_purge, retention_schedule
    from surveys.store import session_scope

    ctx = open_context()
    now, months = utcnow(), ctx.settings.retention_months
    today = now.astimezone(ctx.settings.zone).date()
    with session_scope(ctx.engine) as session:
        counts = run_purge(session, ctx.service_id, today=today, months=months, now=now, dry_run=dry_run, actor="cli")
        schedule = retention_schedule(session, ctx.service_id, months=months) if dry_run else []
    if not dry_run:
        typer.echo(f"Erased {counts.words()}.")
        return
    typer.echo(f"Would erase now, for cases ended over {months} months ago: {counts.words()}.")
    typer.echo(f"When each case will be erased ({len(schedule)}):")
    for row in schedule:
        when = "now" if row.erased_on <= today else row.erased_on.isoformat()
        why = f"ended {row.ended.isoformat()}" if row.dated else f"no end date; last imported {row.ended.isoformat()}"
        typer.echo(f"  {row.case_ref:<20} {when:<10}  ({why})")


@participant_app.command("erase")
def participant_erase(case_ref: str, audience: str,
                      participant_ref: str = typer.Option("", help="Which victim (or other person) of this case."),
                      yes: bool = typer.Option(False, "--yes", help="Do not ask first (for scripts).")) -> None:
    """Erase one person completely: answers, call-backs, alert texts, links. Cannot be undone, so it asks first."""
    from surveys.casework import explain_missing
    from surveys.enrol import find_participant
    from surveys.models import Case, Participant, utcnow
    from surveys.retention import erase_participant
    from surveys.store import session_scope

    ctx = open_context()
    who = parse_audience(audience)
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            fail(explain_missing(session, ctx.service_id, case_ref, who, participant_ref))
        case_ref, participant_ref = session.get(Case, participant.case_id).case_ref, participant.participant_ref
        participant_id, erased_at = participant.id, participant.erased_at
    person = " ".join(filter(None, (who.value, participant_ref)))
    if erased_at is not None:
        typer.echo(f"The {person} of case {case_ref} was already erased on "
                   f"{erased_at.astimezone(ctx.settings.zone):%d %b %Y}: nothing more to do.")
        return
    if not yes and not typer.confirm(f"Erase the {person} of case {case_ref}: every answer, call-back request, "
                                     f"alert text, link and contact detail? This cannot be undone."):
        fail("Nothing was erased.")  # asked outside any transaction: the bot kept storing answers meanwhile
    with session_scope(ctx.engine) as session:
        answers = erase_participant(session, session.get(Participant, participant_id), now=utcnow(), actor="cli")
    typer.echo(f"Erased the {person} of case {case_ref}: {answers} answers deleted, chat link removed.")


def backup(file: Path = typer.Argument(..., dir_okay=False, help="Where to write the backup (a new file).")) -> None:
    """Take a consistent backup of the SQLite database (safe while the bot runs)."""
    from surveys.backup import BackupProblem, backup as take_backup, sqlite_file

    database = sqlite_file(load_settings().database_url)
    if database is None:
        fail(PG_BACKUP, 2)
    if not database.exists():
        fail(f"There is no database at {database} to back up.")
    try:
        take_backup(database, file)
    except BackupProblem as problem:
        fail(f"No backup was made: {problem}.")
    typer.echo(f"Backup written to {file}. It holds personal data: store it as carefully as the database.")


def restore(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="A backup file."),
            force: bool = typer.Option(False, "--force", help="Replace the existing database.")) -> None:
    """Replace the SQLite database with a backup. Stop the bot first."""
    from alembic.script import ScriptDirectory

    from surveys.backup import BackupProblem, restore as run_restore, sqlite_file
    from surveys.store import alembic_config

    settings = load_settings()
    database = sqlite_file(settings.database_url)
    if database is None:
        fail(PG_BACKUP, 2)
    if database.exists() and database.stat().st_size > 0 and not force:
        fail(f"{database} exists. Stop the bot, then run again with --force to replace it with the backup.", 2)
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config(settings.database_url)).walk_revisions()}
    try:
        revision = run_restore(file, database, known)
    except BackupProblem as problem:
        fail(f"Nothing was restored: {problem}.")
    typer.echo(f"Restored {database} from {file} (migration {revision}). Start the bot again when ready.")
