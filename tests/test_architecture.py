"""The import graph of defsim, read from the source: no circle.

Every ``import`` and ``from ... import`` of every module counts, at the top, inside functions
and under ``if TYPE_CHECKING:`` alike, and so do those of a package's ``__init__.pyi`` (the
names its ``__getattr__`` imports on first use) (the graph is built with ``ast``, not by importing).
``from package import name`` is an edge to ``package.name`` when that is a module, else to
``package``; a submodule's implicit import of its parent package is not an edge (as in
import-linter).  The layer contracts themselves are lint-imports' (pyproject.toml).

"""

from __future__ import annotations

import ast
import importlib
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
        # a package's stub names what its __getattr__ imports on first use: its edges count too
        stub = path.with_suffix(".pyi")
        text = path.read_text(encoding="utf-8") + (stub.read_text(encoding="utf-8") if stub.exists() else "")
        for node in ast.walk(ast.parse(text)):
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


def test_a_package_read_from_its_stub_gives_what_the_stub_imports():
    for package in ("defsim.io", "defsim.scenario"):
        module = importlib.import_module(package)
        stub = ast.parse(Path(module.__file__ or "").with_suffix(".pyi").read_text(encoding="utf-8"))
        where = {
            a.name: importlib.import_module("." * n.level + (n.module or ""), package)
            for n in stub.body
            if isinstance(n, ast.ImportFrom)
            for a in n.names
        }
        assert module.__all__ and set(module.__all__) == set(where), package
        for name in module.__all__:
            assert getattr(module, name) is getattr(where[name], name), name
    assert "defsim.io.files" in import_graph()["defsim.io"]


#: the sizes the package keeps to, so that every module reads in one sitting
MODULE_LINES, FUNCTION_LINES = 400, 80


def oversized(root: Path = ROOT) -> list[str]:
    """Modules over MODULE_LINES lines and functions over FUNCTION_LINES, as 'path:name lines'."""
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(root.parent)
        if (n := len(text.splitlines())) > MODULE_LINES:
            found.append(f"{where} {n}")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > FUNCTION_LINES:
                    found.append(f"{where}:{node.name} {n}")
    return found


def test_the_size_check_finds_a_long_function_and_a_long_module(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def f():\n{body}\n" + "#\n" * MODULE_LINES, encoding="utf-8")
    assert oversized(tmp_path) == [
        f"{tmp_path.name}/long.py {FUNCTION_LINES + 1 + MODULE_LINES}",
        f"{tmp_path.name}/long.py:f {FUNCTION_LINES + 1}",
    ]


def test_no_module_over_400_lines_and_no_function_over_80():
    assert oversized() == []
