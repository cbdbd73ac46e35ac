"""The module import graph: no cycles, no import pointing up a layer.

Read statically (`ast`) from every .py of the project's packages, with the imports inside
functions and under `if TYPE_CHECKING:` (an import a function hides is an import all the same).

Layers, bottom to top: policyqa.settings (the settings table every layer reads) → corpus →
index → assistant → ui → the composition root (policyqa.app: the API, the chat page and MCP
assembled into one app) → eval (measures everything; nothing below imports it). A module may
import its own layer and the layers below it. Two programs sit with the composition root, as
they run the assembled app: `python -m assistant` (assistant.__main__, whose `serve` runs it)
and `python -m ui.screenshot` (serves it to photograph the page); nothing below imports them.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "index", "assistant", "ui", "eval", "policyqa")
# Modules placed on another layer than their package's (a module and its submodules).
MODULE_LAYERS = {"policyqa.settings": 0, "policyqa.app": 5, "assistant.__main__": 5, "ui.screenshot": 5}
PACKAGE_LAYERS = {"corpus": 1, "index": 2, "assistant": 3, "ui": 4, "policyqa": 5, "eval": 6}
LAYER_NAMES = {0: "settings", 1: "corpus", 2: "index", 3: "assistant", 4: "ui", 5: "composition root", 6: "eval"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_DIR).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the packages, by dotted name (a package by its own name)."""
    return {_module_name(p): p for package in PACKAGES for p in sorted((REPO_DIR / package).rglob("*.py"))}


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """The project modules an import statement names (the most specific one of each name)."""
    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    if isinstance(node, ast.Import):
        for alias in node.names:
            if (found := resolve(alias.name)) is not None:
                yield found
        return
    if node.level:  # relative: from the importing module's package
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    for alias in node.names:
        found = resolve(f"{target}.{alias.name}") if alias.name != "*" else resolve(target)
        if found is not None:
            yield found


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: line of the first such import}, project modules only."""
    modules = project_modules()
    known = set(modules)
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges: dict[str, int] = {}
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _imported(node, module, path.name == "__init__.py", known):
                    if target != module:
                        edges.setdefault(target, node.lineno)
        graph[module] = edges
    return graph


def layer(module: str) -> int:
    for prefix, level in MODULE_LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return level
    return PACKAGE_LAYERS[module.split(".")[0]]


def _ancestor(a: str, b: str) -> bool:
    """Whether `a` is a package containing `b` (importing b runs a's __init__ anyway)."""
    return b.startswith(a + ".")


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted.
    An edge from a module to a package containing it is left out: that package's __init__
    runs first whatever the submodule imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def edges(v: str) -> list[str]:
        return [w for w in graph[v] if not _ancestor(w, v)]

    def visit(root: str) -> None:  # iterative: no recursion limit on a long chain
        nonlocal counter
        work = [(root, iter(edges(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(edges(w))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _cycle_path(graph: dict[str, dict[str, int]], component: list[str]) -> str:
    """One circle through the component, with the line of each import: a → b (line) → … → a."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:  # breadth-first from start, back to start
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w == start:
                steps = paths[v] + [start]
                return " → ".join(f"{a} (line {graph[a][b]})" for a, b in zip(steps, steps[1:])) + f" → {start}"
            if w in members and w not in paths and not _ancestor(w, v):
                paths[w] = paths[v] + [w]
                queue.append(w)
    return ", ".join(component)


def test_the_graph_sees_function_local_imports():
    graph = import_graph()
    assert len(graph) > 100  # every module of the packages was read
    # assistant.cli imports the index inside its commands only: those edges are in the graph
    assert "index.engine" in graph["assistant.cli"]


def test_no_import_cycles():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(_cycle_path(graph, c) for c in found)


def test_no_import_points_up_a_layer():
    graph = import_graph()
    upward = [f"{m} (line {line}) imports {t}: {LAYER_NAMES[layer(m)]} → {LAYER_NAMES[layer(t)]}"
              for m, targets in sorted(graph.items()) for t, line in sorted(targets.items())
              if layer(t) > layer(m)]
    assert not upward, "imports up a layer:\n" + "\n".join(upward)
