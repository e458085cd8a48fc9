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


# --- no transaction on the event loop ---------------------------------------------------------
# Handlers, jobs and the web chat's routes hand their database work to the worker threads
# (bot/context.py, Heard.run), so a slow query or SQLite's busy wait never stops other chats.
# The sandbox (demo) is exempt.
ON_THE_LOOP = sorted([path for path in ROOT.glob("bot/*.py") if path.name not in ("demo.py", "emulator.py")]
                     + list(ROOT.glob("webchat/*.py")))


def _transactions_in_async_code(source: str) -> list[int]:
    lines = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.AsyncFunctionDef):
            continue
        stack = list(function.body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue  # a function defined here runs wherever it is called: in a worker thread
            if isinstance(node, ast.Call) and "session_scope" in ast.unparse(node.func):
                lines.append(node.lineno)
            stack.extend(ast.iter_child_nodes(node))
    return lines


def test_the_check_finds_a_transaction_on_the_loop():
    sample = ("async def f(h):\n    with session_scope(h.engine) as s:\n        s.get(1)\n"
              "async def g(h):\n    def work():\n        with session_scope(h.engine) as s:\n            s.get(1)\n"
              "    await h.run(work)\n")
    assert _transactions_in_async_code(sample) == [2]


@pytest.mark.parametrize("path", ON_THE_LOOP, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_transaction_runs_on_the_event_loop(path):
    assert _transactions_in_async_code(path.read_text()) == []
