"""Shared fixtures: copies of fixture folders that a test may break on purpose."""

from __future__ import annotations

import importlib.util
import shutil
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
