"""The domain never reads the clock: every rule in surveys/ is given `now` by its caller.

So a fake clock in the tests (and the demo) moves everything, and nothing decides by the real
time behind a test's back. Found with `ast`: a call of `utcnow()`, `datetime.now()`,
`datetime.utcnow()`, `date.today()`, `time.time()` or `time.monotonic()` anywhere in surveys/
fails, except `utcnow` itself being defined. (The models name `utcnow` as the default stamp of
columns like `created_at`: a reference, not a call, so the ORM stamps the row when it is written.)
"""

from __future__ import annotations

import ast
from pathlib import Path

SURVEYS = Path(__file__).resolve().parent.parent / "surveys"
CLOCK_READS = {("utcnow",), ("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time"),
               ("time", "monotonic"), ("datetime", "datetime", "now"), ("datetime", "date", "today")}


def dotted(node: ast.AST) -> tuple[str, ...]:
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.Attribute):
        return dotted(node.value) + (node.attr,)
    return ()


def clock_reads(source: str, filename: str) -> list[str]:
    """Every call that reads the clock, except inside the definition of `utcnow` itself."""
    tree = ast.parse(source, filename=filename)
    allowed = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "utcnow"
               for inner in ast.walk(node)}
    return [f"{filename}:{node.lineno} {'.'.join(dotted(node.func))}()" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and dotted(node.func) in CLOCK_READS and id(node) not in allowed]


def test_the_finder_sees_each_way_of_reading_the_clock():
    source = ("def utcnow():\n    return datetime.now(timezone.utc)\n\n"
              "utcnow()\ndatetime.now(timezone.utc)\ndate.today()\ntime.monotonic()\nField(default_factory=utcnow)\n")
    assert [read.split(" ")[1] for read in clock_reads(source, "x.py")] == [
        "utcnow()", "datetime.now()", "date.today()", "time.monotonic()"]


def test_nothing_in_surveys_reads_the_clock():
    reads = [read for path in sorted(SURVEYS.rglob("*.py")) if "migrations" not in path.parts
             for read in clock_reads(path.read_text(encoding="utf-8"), str(path.relative_to(SURVEYS.parent)))]
    assert reads == []
