"""The `heard` command as one package (bot/cli/): every command where it was, one way to fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import typer

from bot.cli import app

CLI = Path(__file__).resolve().parent.parent / "bot" / "cli"
# Every command and group before the CLI became a package, plus `db revision`: none may go missing.
COMMANDS = {
    "actions", "actions add", "actions edit", "actions list", "actions remove", "alerts", "alerts list", "alerts show",
    "alerts take", "analyse", "backup", "callbacks", "callbacks done", "callbacks list", "case", "case export",
    "case show", "cases", "cases import", "db", "db revision", "db upgrade", "demo", "due", "invite", "keys",
    "keys generate", "keys rehash", "keys rotate", "participant", "participant erase", "participant export", "purge",
    "quotes", "quotes approve", "quotes drop", "quotes review", "report", "restore", "run", "send", "staff",
    "staff add", "staff list", "staff remove", "stats", "surveys", "surveys check", "surveys list", "surveys preview",
    "surveys welsh",
}


def command_paths(command: click.Command, prefix: str = "") -> set[str]:
    paths = {prefix} if prefix else set()
    for name, sub in getattr(command, "commands", {}).items():
        paths |= command_paths(sub, f"{prefix} {name}".strip())
    return paths


def test_every_command_is_where_it_was():
    assert command_paths(typer.main.get_command(app)) == COMMANDS


def test_python_dash_m_runs_the_same_command():
    result = subprocess.run([sys.executable, "-m", "bot.cli", "--help"], capture_output=True, text=True, timeout=60,
                            cwd=CLI.parent.parent)
    assert result.returncode == 0 and "cases" in result.stdout and "quotes" in result.stdout


def test_only_the_context_prints_a_refusal():
    """Every command refuses through context.fail (red, on stderr, an exit code): one way, one look."""
    own_refusals = sorted(path.name for path in CLI.glob("*.py")
                          if path.name != "context.py" and "typer.secho(" in path.read_text(encoding="utf-8"))
    assert own_refusals == []
