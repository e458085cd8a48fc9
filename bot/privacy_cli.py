"""`heard keys`, `heard purge`, `heard participant erase`.

Thin shells over surveys.crypto/keys and surveys.retention. Output gives counts,
never names, case details or anything a person wrote.
"""

from __future__ import annotations

import typer

keys_app = typer.Typer(help="Encryption keys for what people write and their chat links.", no_args_is_help=True)
participant_app = typer.Typer(help="One person's data.", no_args_is_help=True)


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
    from bot.cli import fail, load_settings, open_context
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


def purge(dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would go.")) -> None:
    """Erase what is past the retention period (HEARD_RETENTION_MONTHS after the case ended)."""
    from bot.cli import open_context
    from surveys.models import utcnow
    from surveys.retention import purge as run_purge
    from surveys.store import session_scope

    ctx = open_context()
    now = utcnow()
    with session_scope(ctx.engine) as session:
        counts = run_purge(session, ctx.service_id, today=now.astimezone(ctx.settings.zone).date(),
                           months=ctx.settings.retention_months, now=now, dry_run=dry_run, actor="cli")
    if dry_run:
        typer.echo(f"Would erase, for cases ended over {ctx.settings.retention_months} months ago: {counts.words()}.")
    else:
        typer.echo(f"Erased {counts.words()}.")


@participant_app.command("erase")
def participant_erase(case_ref: str, audience: str,
                      participant_ref: str = typer.Option("", help="Which victim (or other person) of this case.")) -> None:
    """Erase one person completely: answers, call-backs, alert texts, links. Cannot be undone."""
    from bot.cli import fail, open_context, parse_audience
    from surveys.enrol import find_participant
    from surveys.models import utcnow
    from surveys.retention import erase_participant
    from surveys.store import session_scope

    ctx = open_context()
    who = parse_audience(audience)
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            fail(f"No {who.value} found for case {case_ref}" + (f" ({participant_ref})" if participant_ref else "") + ".")
        answers = erase_participant(session, participant, now=utcnow(), actor="cli")
    typer.echo(f"Erased the {who.value} of case {case_ref}: {answers} answers deleted, chat link removed.")

