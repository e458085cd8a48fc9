"""The `heard` command. Each command is a thin shell over a tested function."""

from __future__ import annotations

import typer

from analysis.commands import actions_app, report
from surveys.settings import Settings

app = typer.Typer(help="heard: chat-based feedback for youth justice teams.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.command("report")(report)
app.add_typer(actions_app, name="actions")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        typer.secho(f"Your settings need a fix:\n{error}", fg="red", err=True)
        raise typer.Exit(2) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or update the database schema (safe to run again)."""
    from surveys.store import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"Database is up to date ({_safe_url(settings.database_url)}).")


def _safe_url(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    app()
