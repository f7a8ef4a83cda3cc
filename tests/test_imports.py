"""The package's shape: no import circles (function-level and TYPE_CHECKING imports count), and nothing
inside `kg/` reaches up to the `kg.api` facade but `kg/__init__.py` and the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"
MAY_IMPORT_API = {"kg", "kg.cli"}


def module_files(root: Path = PACKAGE) -> dict[str, Path]:
    """Module name -> file, for every .py file of the package."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = ("kg", *path.relative_to(root).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The package modules `name` imports anywhere in its file (every name of a `from` import counts)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            targets = [f"{base}.{alias.name}" for alias in node.names]
            if base != "kg":
                targets.append(base)  # `from kg.x import y` imports kg.x even when y is a name, not a module
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = module_files(root)
    return {name: imports_of(name, path, set(files)) for name, path in files.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def package_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without edges from a module to the packages it sits in: Python runs `kg/__init__.py`
    (and `kg/render/__init__.py`) before any module under them, which is not a circle of ours (a bare
    `import kg` inside the package is caught by the facade test instead)."""
    return {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph.items()}


def test_the_package_has_no_import_circles() -> None:
    found = circles(package_edges(import_graph()))
    assert found == [], "import circles: " + "; ".join(", ".join(group) for group in found)


def test_only_the_cli_and_the_package_init_import_the_facade() -> None:
    graph = import_graph()
    users = sorted(m for m, targets in graph.items() if {"kg.api", "kg"} & targets and m not in MAY_IMPORT_API)
    assert users == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a.py": "from kg import b\n", "b.py": "def f():\n    from kg.a import x\n"}, [["kg.a", "kg.b"]]),
        ({"a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kg import c, b\n",
          "b.py": "from . import a\n", "c.py": ""}, [["kg.a", "kg.b"]]),
        ({"a.py": "from kg import b\n", "b.py": "import os\n"}, []),
    ],
)
def test_the_walker_sees_function_level_typing_and_relative_imports(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    root = tmp_path / "kg"
    root.mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    assert circles(package_edges(import_graph(root))) == expected


def test_a_bare_package_import_counts_as_using_the_facade(tmp_path: Path) -> None:
    root = tmp_path / "kg"
    root.mkdir()
    (root / "__init__.py").write_text("from kg.api import load\n", encoding="utf-8")
    (root / "api.py").write_text("", encoding="utf-8")
    (root / "stage.py").write_text("def f():\n    import kg\n    return kg.load()\n", encoding="utf-8")
    graph = import_graph(root)
    assert "kg" in graph["kg.stage"] and "kg.api" in graph["kg"]
