"""The project's import graph: no cycles, and the layers point one way.

Built with `ast` from the source (nothing is imported), counting every import, including the
late ones inside functions: a late import hides a cycle from Python but not from a reader.
`surveys/` is the domain: it never imports `telegram`, `typer` or `bot`, so a second channel
can call it; `analysis/` reads what `surveys/` stores and never imports `bot`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "surveys", "analysis")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
            if "migrations" not in path.parts}


def imported_names(path: Path, module: str) -> set[str]:
    """Every dotted name `path` imports, with `from x import y` giving both x and x.y."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from .x import y
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (a name that is not a module counts as its module)."""
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for name in imported_names(path, module):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_project():
    graph = import_graph()
    assert {"bot.app", "bot.cli", "bot.cli.context", "surveys.models", "analysis.report"} <= graph.keys()
    assert "bot.cli.context" in graph["bot.cli.cases"]  # `from bot.cli.context import ...` is an edge
    assert "surveys.models" in graph["surveys.store"]


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_there_are_no_import_cycles():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("package, forbidden", [
    ("surveys", ("telegram", "typer", "bot")),
    ("analysis", ("bot", "telegram", "typer")),
])
def test_the_layers_point_one_way(package, forbidden):
    modules = project_modules()
    offenders = sorted(
        f"{module} imports {name}"
        for module, path in modules.items() if module == package or module.startswith(f"{package}.")
        for name in imported_names(path, module)
        if name.split(".")[0] in forbidden
    )
    assert offenders == []


def test_the_live_bot_never_imports_the_sandbox():
    """bot/sandbox/ (the emulator and the demo) is for tests, benchmarks and `heard demo` only."""
    graph = import_graph()
    users = sorted(module for module, targets in graph.items()
                   if not module.startswith("bot.sandbox") and any(t.startswith("bot.sandbox") for t in targets))
    assert users == ["bot.cli.run"]  # `heard demo`, which imports it only when run
