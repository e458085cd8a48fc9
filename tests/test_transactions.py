"""No Telegram call (or any other await) happens inside a database transaction.

On SQLite a transaction holds the write lock from BEGIN IMMEDIATE. If a handler awaited the
network while holding it, the dispatcher's next transaction would wait in SQLite's busy
handler on the same event loop, and the bot would freeze until the timeout.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("bot/*.py"), *ROOT.glob("surveys/*.py"), *ROOT.glob("analysis/*.py"),
                  *ROOT.glob("webchat/*.py")])


def _awaits_inside_transactions(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
                "session_scope" in ast.unparse(item.context_expr) for item in node.items):
            lines += [sub.lineno for sub in ast.walk(node) if isinstance(sub, ast.Await)]
    return lines


def test_the_check_finds_an_await_inside_a_transaction():
    sample = "async def f(h, bot):\n    with session_scope(h.engine) as s:\n        await bot.send_message(1, 'x')\n"
    assert _awaits_inside_transactions(sample) == [3]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_await_inside_a_transaction(path):
    assert _awaits_inside_transactions(path.read_text()) == []
