"""`heard db`: the database schema (upgrade, and writing the next migration)."""

from __future__ import annotations

import typer

from bot.cli.context import load_settings, safe_url

db_app = typer.Typer(help="The database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or update the database schema (safe to run again)."""
    from surveys.store import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"Database is up to date ({safe_url(settings.database_url)}).")
