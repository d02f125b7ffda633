"""The import graph of defsim, read from the source: no circle.

Every ``import`` and ``from ... import`` of every module counts, at the top, inside functions
and under ``if TYPE_CHECKING:`` alike (the graph is built with ``ast``, not by importing).
``from package import name`` is an edge to ``package.name`` when that is a module, else to
``package``; a submodule's implicit import of its parent package is not an edge (as in
import-linter).  The layer contracts themselves are lint-imports' (pyproject.toml).

"""

from __future__ import annotations

import ast
from pathlib import Path

import defsim

ROOT = Path(defsim.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the defsim modules it imports, from the source."""
    paths = {module_name(p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in paths}
            elif isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                source = (
                    (f"{base}.{node.module}" if node.module else base) if node.level else node.module or ""
                )
                for a in node.names:
                    if f"{source}.{a.name}" in paths:
                        edges.add(f"{source}.{a.name}")
                    elif source in paths:
                        edges.add(source)
        graph[name] = edges - {name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_the_check_finds_a_circle_and_a_type_checking_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
    # the engine's layers import site.py at run time; site.py may not import them back, even
    # only for type checking: the graph has the edge
    graph = import_graph()
    assert "defsim.engine.layers" in graph["defsim.engine.site"]
    assert "defsim.engine.policies.base" in graph["defsim.engine.policies.allocator"]


def test_no_import_circle_in_defsim():
    found = circles(import_graph())
    assert found == [], found


def test_every_layer_below_the_cli_has_no_circle_at_all():
    graph = import_graph()
    inner = (
        "defsim.engine",
        "defsim.plan",
        "defsim.scenario",
        "defsim.vocab",
        "defsim.analysis",
        "defsim.io",
        "defsim.api",
    )
    part = {m: {e for e in es if e.startswith(inner)} for m, es in graph.items() if m.startswith(inner)}
    assert circles(part) == []
