"""The `heard` command. Each command is a thin shell over a tested function.

One module per command group; `bot/cli/context.py` holds what they share (settings, the
database, `fail`). This file only puts the groups together, in the order `heard --help` lists them.
"""

from __future__ import annotations

import os

# The analysis does many tiny matrix products per message: BLAS threads only add overhead, and on a
# busy 2-core server they cut the screen from ~830 to ~160 texts a second. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import typer  # noqa: E402

from bot.cli import alerts, analyse, cases, casework, database, definitions, privacy, report, run, staff  # noqa: E402

app = typer.Typer(help="heard: chat-based feedback for youth justice teams.", no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None)
app.add_typer(database.db_app, name="db")
app.add_typer(cases.cases_app, name="cases")
app.add_typer(definitions.surveys_app, name="surveys")
app.command("analyse")(analyse.analyse_command)
app.command("report")(report.report)
app.add_typer(report.actions_app, name="actions")
app.add_typer(staff.staff_app, name="staff")
app.add_typer(alerts.alerts_app, name="alerts")
app.add_typer(privacy.keys_app, name="keys")
app.add_typer(privacy.participant_app, name="participant")
privacy.participant_app.command("export")(casework.participant_export)
app.command("purge")(privacy.purge)
app.command("backup")(privacy.backup)
app.command("restore")(privacy.restore)
app.add_typer(casework.callbacks_app, name="callbacks")
app.add_typer(casework.case_app, name="case")
app.add_typer(report.quotes_app, name="quotes")
app.command("invite")(cases.invite)
app.command("send")(cases.send)
app.command("due")(cases.due)
app.command("stats")(cases.stats)
app.command("run")(run.run)
app.command("demo")(run.demo)


def main() -> None:
    """The `heard` command: an error nothing handled is logged as JSON, never as a raw traceback."""
    import sys

    from bot import logs

    try:
        app()
    except Exception as error:  # noqa: BLE001 - a raw traceback could print the values a query was given
        print(logs.crash_line(error), file=sys.stderr)
        sys.exit(1)
