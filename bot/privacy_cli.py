"""`heard keys`.

Thin shells over surveys.crypto and surveys.keys. Output gives counts,
never names, case details or anything a person wrote.
"""

from __future__ import annotations

import typer

keys_app = typer.Typer(help="Encryption keys for what people write and their chat links.", no_args_is_help=True)


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

