"""Shared fixtures: copies of fixture folders that a test may break on purpose."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "data"
ROOT = TESTS.parent


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A writable copy of tests/data/minimal (valid, with an extra column and a text file)."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


@pytest.fixture
def edit() -> Callable[[Path, str, str, str], None]:
    """Replace text in a file of a copied fixture folder (asserting it was there)."""

    def _edit(folder: Path, name: str, old: str, new: str) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return _edit


@pytest.fixture(scope="session")
def script() -> Callable[[str], ModuleType]:
    """Import a file of scripts/ by name (scripts/ is not a package), once per session."""
    loaded: dict[str, ModuleType] = {}

    def _load(name: str) -> ModuleType:
        if name not in loaded:
            spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            loaded[name] = module
        return loaded[name]

    return _load


def crashing(n: int, target: str = "kg.atomic") -> str:
    """Python source that makes module `target` die (os._exit, as a SIGKILL would) at its n-th rename."""
    return textwrap.dedent(f"""
        import os, importlib
        mod = importlib.import_module({target!r})
        real, calls = os.replace, [0]
        class Crashing:
            def __getattr__(self, name):
                return getattr(os, name)
            @staticmethod
            def replace(a, b):
                calls[0] += 1
                if calls[0] == {n}:
                    os._exit(137)
                return real(a, b)
        mod.os = Crashing()
    """)


def full_disk_at(k: int) -> Callable[[object, object], None]:
    """A stand-in for `os.replace` that fails with "No space left on device" at its k-th call (for
    `monkeypatch.setattr(kg.atomic.os, "replace", ...)`), and renames otherwise."""
    real, calls = os.replace, [0]

    def failing(a: object, b: object) -> None:
        calls[0] += 1
        if calls[0] == k:
            raise OSError(28, "No space left on device")
        real(a, b)  # type: ignore[arg-type]

    return failing


def _crash_at(n: int, argv: list[str], target: str = "kg.atomic") -> subprocess.CompletedProcess[str]:
    """Run `kg ARGV` in a child that dies (os._exit, as a SIGKILL would) at its n-th rename in `target`."""
    code = crashing(n, target) + f"import sys\nfrom kg import cli\nsys.exit(cli.main({argv!r}))\n"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def crash_at() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`crash_at(n, argv)`: run `kg ARGV` in a child killed at its n-th rename in kg.atomic (exit 137)."""
    return _crash_at
