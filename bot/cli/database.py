"""`heard db`: the database schema (upgrade, and writing the next migration)."""

from __future__ import annotations

from pathlib import Path

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


@db_app.command("revision")
def db_revision(
    message: str = typer.Option(..., "-m", "--message", help="What the migration changes, in a few words."),
    empty: bool = typer.Option(False, "--empty", help="An empty migration (no comparison with the models)."),
    migrations: Path = typer.Option(None, hidden=True, help="Another migrations folder (for tests)."),
) -> None:
    """Write the next migration (for developers): what the models add, as a draft to read and finish."""
    from surveys.store import MIGRATIONS, new_revision

    path = new_revision(message, migrations=migrations or MIGRATIONS, autogenerate=not empty)
    typer.echo(f"Wrote {path}. Read it before committing: autogenerate misses renames and data moves.")
