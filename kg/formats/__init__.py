"""Output and input formats as plug-ins: each is one module that registers a `Format` here.

A format has a name (`kg export --format NAME`), a default file name, a media type, a
streaming writer and, where the format can carry the whole dataset back, a reader
(`kg import --format NAME`). `kg build` writes the formats marked `build_output`, in
registry order. Adding a format is one module under `kg/formats/` plus its line in
`_BUILTIN` below.

Writers take a `Context` (the Dataset, the IRI base, and the summary computed once
for every writer that needs it) and a path; readers take the files given and return
the four contract tables as a Dataset.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from kg.errors import UsageError
from kg.model import Dataset
from kg.vocab import DEFAULT_BASE


@dataclass
class Context:
    """What a writer gets: the dataset, the IRI base, options, and shared results computed once."""

    dataset: Dataset
    base: str = DEFAULT_BASE
    options: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """The per-pair evidence summary, computed once for every writer that needs it."""
        from kg.summary import summarise

        return summarise(self.dataset)


Writer = Callable[[Context, Path], None]
Reader = Callable[[Sequence[Path]], Dataset]


@dataclass(frozen=True)
class Format:
    """One registered format."""

    name: str
    filename: str
    media_type: str
    description: str
    write: Writer | None = None
    read: Reader | None = None
    build_output: bool = False
    """Written by `kg build` (the contract's six outputs)."""


REGISTRY: dict[str, Format] = {}

_BUILTIN: tuple[str, ...] = ("fhir", "kgx")
"""Modules under kg.formats that register the built-in formats, in build order."""


def register(fmt: Format) -> Format:
    """Add a format; a second registration under the same name replaces the first."""
    REGISTRY[fmt.name] = fmt
    return fmt


def _load_builtin() -> None:
    for module in _BUILTIN:
        importlib.import_module(f"kg.formats.{module}")


def formats() -> list[Format]:
    """Every registered format, built-in ones first, in registration order."""
    _load_builtin()
    return list(REGISTRY.values())


def get(name: str, *, writable: bool = False, readable: bool = False) -> Format:
    """The format called `name`; a UsageError listing the choices when there is none."""
    _load_builtin()
    choices = [f for f in REGISTRY.values() if (f.write or not writable) and (f.read or not readable)]
    for fmt in choices:
        if fmt.name == name:
            return fmt
    names = ", ".join(f.name for f in choices) or "(none)"
    raise UsageError(f"unknown format {name!r}; choose one of: {names}")


def build_outputs() -> list[Format]:
    """The formats `kg build` writes, in order."""
    return [f for f in formats() if f.build_output]


__all__ = ["REGISTRY", "Context", "Format", "Reader", "Writer", "build_outputs", "formats", "get", "register"]
