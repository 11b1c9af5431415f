"""No import cycles inside `keras_posegate.training` (imports in function
bodies count: they only postpone a cycle, they do not remove it)."""

from __future__ import annotations

import ast
from pathlib import Path

import keras_posegate

PACKAGE = "keras_posegate.training"
ROOT = Path(keras_posegate.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (ROOT.parent / rel).with_suffix(".py").is_file() or (
        ROOT.parent / rel / "__init__.py"
    ).is_file()


def import_graph(package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the modules of `package` it imports, anywhere in its body."""
    folder = ROOT.parent / Path(*package.split("."))
    graph = {}
    for path in sorted(folder.glob("*.py")):
        name = _module_name(path)
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from pkg import mod` imports mod; `from pkg import name`, pkg.
                subs = [f"{node.module}.{a.name}" for a in node.names]
                targets = [s if _is_module(s) else node.module for s in subs]
            for target in targets:
                if target.startswith(package) and _is_module(target):
                    edges.add(target)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path `[a, b, ..., a]`, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_checker_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_training_has_no_import_cycle():
    graph = import_graph()
    assert f"{PACKAGE}.trainer" in graph and graph[f"{PACKAGE}.trainer"]
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))
