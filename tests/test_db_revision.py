"""`heard db revision -m "..."` writes the next migration, numbered after the last, as a draft of
what the models have that the migrations do not. Run on a copy of the migrations in a temp dir."""

from __future__ import annotations

import shutil

import sqlalchemy as sa
from sqlmodel import SQLModel
from typer.testing import CliRunner

from bot.cli import app
from surveys.store import MIGRATIONS, alembic_config, next_revision_id

runner = CliRunner()


def test_the_next_id_follows_the_highest_number():
    assert next_revision_id(["0001", "0007", "0003"]) == "0008"
    assert next_revision_id(["0007", "0008s", "0008u"]) == "0009"  # branches awaiting their chain
    assert next_revision_id([]) == "0001"


def test_db_revision_writes_the_next_migration_with_what_the_models_add(tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    before = {path.name for path in (migrations / "versions").glob("*.py")}
    last = max(name.split("_")[0] for name in before)
    expected = f"{int(last) + 1:04d}"
    scratch = sa.Table("scratch_note", SQLModel.metadata, sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("words", sa.String(40)))
    try:
        result = runner.invoke(app, ["db", "revision", "-m", "Scratch notes", "--migrations", str(migrations)])
    finally:
        SQLModel.metadata.remove(scratch)
    assert result.exit_code == 0, result.output
    (written,) = [path for path in (migrations / "versions").glob("*.py") if path.name not in before]
    assert written.name == f"{expected}_scratch_notes.py" and str(written) in result.output
    source = written.read_text(encoding="utf-8")
    assert f"revision = '{expected}'" in source and f"down_revision = '{last}'" in source
    assert "op.create_table('scratch_note'" in source

    # The draft runs: a database brought to the new head has the table.
    from alembic import command

    url = f"sqlite:///{tmp_path / 'check.db'}"
    command.upgrade(alembic_config(url, migrations), "head")
    assert "scratch_note" in sa.inspect(sa.create_engine(url)).get_table_names()


def test_db_revision_empty_writes_a_blank_migration(tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    before = {path.name for path in (migrations / "versions").glob("*.py")}
    last = max(name.split("_")[0] for name in before)
    expected = f"{int(last) + 1:04d}"
    result = runner.invoke(app, ["db", "revision", "-m", "backfill", "--empty", "--migrations", str(migrations)])
    assert result.exit_code == 0, result.output
    source = (migrations / "versions" / f"{expected}_backfill.py").read_text(encoding="utf-8")
    assert f"down_revision = '{last}'" in source and "def upgrade() -> None:\n    pass" in source
