"""No import cycle among the core's modules, at any level: top-level, function-body and
``TYPE_CHECKING`` imports all count, since each is a dependency a reader (and mypy) must follow.

The graph is read from the source with :mod:`ast` (nothing is imported), over every module of
``core/specialist_hub``, packages included, so new modules are covered as they appear.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

import pytest

PACKAGE = "specialist_hub"
ROOT = Path(__file__).resolve().parents[1] / "core" / PACKAGE


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its source (``from . import x`` is
    module ``x`` when ``x`` is one, else the package it comes from), with the packages they are in."""

    def owner(dotted: str) -> str | None:  # the longest prefix that is one of the modules
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    found: set[str | None] = set()
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(owner(alias.name) for alias in node.names if alias.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[:len(here) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else (node.module or "")
            if base.split(".")[0] == PACKAGE:
                found.update(owner(f"{base}.{alias.name}") if f"{base}.{alias.name}" in known else owner(base)
                             for alias in node.names)
    # Importing a.b.c runs package a.b first: count the packages between the root and the module,
    # except the importer's own (a package's __init__ importing its modules is no cycle).
    own = {".".join(here[:end]) for end in range(1, len(here) + 1)}
    parents = {".".join(module.split(".")[:end]) for module in found if module
               for end in range(2, module.count(".") + 1)}
    return {module for module in found | (parents - own) if module is not None and module != name}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    known = modules(root)
    return {name: imported(name, path, known) for name, path in known.items()}


def knots(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import one another, directly or not (Tarjan's strongly
    connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the number of modules
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def shortest_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest cycle through the group's first module, ``[a, b, ..., a]`` (breadth first)."""
    start = min(group)
    paths = {start: [start]}
    frontier = deque([start])
    while frontier:  # the group is strongly connected: a path back to start exists
        current = frontier.popleft()
        if start in graph[current]:
            return paths[current] + [start]
        for target in sorted(graph[current] & group):
            if target not in paths:
                paths[target] = paths[current] + [target]
                frontier.append(target)
    raise AssertionError(f"{sorted(group)} is not strongly connected")


def test_the_graph_reader_sees_every_kind_of_import(tmp_path):
    package = tmp_path / PACKAGE
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .a import thing\n")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n")
    (package / "b.py").write_text("def late():\n    from . import c\n")
    (package / "c.py").write_text("import specialist_hub.sub.d\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "d.py").write_text("from .. import a\nfrom ..sub import e\n")
    (package / "sub" / "e.py").write_text("")
    graph = import_graph(package)
    assert graph == {PACKAGE: {f"{PACKAGE}.a"}, f"{PACKAGE}.a": {f"{PACKAGE}.b"}, f"{PACKAGE}.b": {f"{PACKAGE}.c"},
                     f"{PACKAGE}.c": {f"{PACKAGE}.sub.d", f"{PACKAGE}.sub"}, f"{PACKAGE}.sub": set(),
                     f"{PACKAGE}.sub.d": {f"{PACKAGE}.a", f"{PACKAGE}.sub.e"}, f"{PACKAGE}.sub.e": set()}
    (knot,) = knots(graph)
    assert knot == {f"{PACKAGE}.a", f"{PACKAGE}.b", f"{PACKAGE}.c", f"{PACKAGE}.sub.d"}
    assert shortest_cycle(graph, knot) == [f"{PACKAGE}.a", f"{PACKAGE}.b", f"{PACKAGE}.c", f"{PACKAGE}.sub.d",
                                           f"{PACKAGE}.a"]


def test_no_import_cycle_among_the_core_modules():
    graph = import_graph()
    assert len(graph) > 20, "the core's modules were not found"
    found = knots(graph)
    if found:
        pytest.fail("Import cycles (top-level, function-body and TYPE_CHECKING imports all count):\n" + "\n".join(
            f"  {' -> '.join(shortest_cycle(graph, knot))}\n    (one of the cycles among {', '.join(sorted(knot))})"
            for knot in found))
