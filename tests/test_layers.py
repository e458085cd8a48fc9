"""The domain knows no channel: surveys/ imports neither python-telegram-bot nor typer (issue 17).

The use cases in surveys/ are called by the Telegram handlers and by the web chat alike, so they
take ids and inputs and return plain records; a Telegram or CLI type creeping in would tie them
to one channel.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHANNEL_PACKAGES = {"telegram", "typer"}


def _imported_packages(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", sorted(ROOT.glob("surveys/**/*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_domain_imports_no_channel(path):
    assert _imported_packages(path.read_text()) & CHANNEL_PACKAGES == set()


def test_the_check_sees_a_channel_import():
    assert _imported_packages("from telegram import Bot\nimport typer.main\n") >= CHANNEL_PACKAGES
