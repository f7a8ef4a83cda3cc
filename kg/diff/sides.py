"""The two sides of a diff: a data folder, a build folder (its graph.nt), a store, or `REV:PATH` in git.

Each side is opened in two steps: `locate` finds what it is and its recorded or current input files
(cheap: hashes, no table read), `read` gives its validated tables. A side that cannot be read raises
`SideError` naming the side (OLD or NEW) and why; validation problems are listed one per line.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg import atomic, provenance
from kg.errors import KgError
from kg.model import Dataset
from kg.schema import TABLES
from kg.store import MARKER

KINDS = ("data folder", "build", "store", "git revision")


class SideError(KgError):
    """A side of a diff cannot be read: exit 2 (trouble, as `diff` says it)."""

    exit_code = 2


@dataclass
class Side:
    """One side of a diff as the user named it, what kind it is, and its input files when known."""

    name: str
    """OLD or NEW."""
    spec: str
    kind: str
    path: Path
    root: Path | None = None
    """The folder whose path stands for `spec` in messages (a git side's temporary folder)."""
    inputs: provenance.Inputs | None = None
    dataset: Dataset | None = field(default=None, repr=False)

    def describe(self) -> str:
        return f"{self.spec} ({self.kind})"


def _is_data_folder(path: Path) -> bool:
    return any((path / t.file).is_file() for t in TABLES.values())


def _kind_of(name: str, spec: str, path: Path) -> tuple[str, Path]:
    if path.is_file() and path.suffix == ".nt":
        return "build", path
    if not path.is_dir():
        raise SideError(f"{name} {spec}: not a data folder, a build folder, a store or a graph.nt file")
    if (path / MARKER).is_file():
        return "store", path
    if _is_data_folder(path):
        return "data folder", path
    if (path / "graph.nt").is_file():
        return "build", path / "graph.nt"
    raise SideError(f"{name} {spec}: a folder with none of sources.csv, conditions.csv, treatments.csv, "
                    "evidence.csv (a data folder), graph.nt (a build) or a store")


def _git_spec(spec: str) -> tuple[str, str] | None:
    """`REV:PATH` split in two, or None when `spec` is not of that form."""
    rev, sep, path = spec.partition(":")
    if not sep or not rev or rev.startswith(("/", ".")):
        return None
    return rev, path


def _git(args: list[str], name: str, spec: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise SideError(f"{name} {spec}: reading a git revision needs git, which is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1] if message else f"git exited with {done.returncode}"
        raise SideError(f"{name} {spec}: git cannot read it ({reason.removeprefix('fatal: ')})")
    return done.stdout


def _extract_git(name: str, spec: str, rev: str, path: str, into: Path) -> None:
    """Write the tree `rev:path` into `into` (git archive, unpacked with tarfile's safe 'data' filter)."""
    kind = _git(["cat-file", "-t", f"{rev}:{path}"], name, spec).decode().strip()
    if kind != "tree":
        raise SideError(f"{name} {spec}: names a file in git, not a folder")
    archive = _git(["archive", "--format=tar", f"{rev}:{path}"], name, spec)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


@contextlib.contextmanager
def opened(name: str, spec: str) -> Iterator[Side]:
    """The side named `spec`, located (kind and inputs known) but not yet read; git trees are
    unpacked into a temporary folder that is removed afterwards."""
    path = Path(spec)
    if not path.exists():
        git = _git_spec(spec)
        if git is None:
            raise SideError(f"{name} {spec}: no such file or folder")
        tmp = Path(tempfile.mkdtemp(prefix="kg-diff-"))
        try:
            _extract_git(name, spec, *git, tmp)
            kind, where = _kind_of(name, spec, tmp)
            side = Side(name, spec, "git revision" if kind == "data folder" else f"{kind} in git", where, tmp)
            _locate(side, kind)
            yield side
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    kind, where = _kind_of(name, spec, path)
    side = Side(name, spec, kind, where)
    _locate(side, kind)
    yield side


def _locate(side: Side, kind: str) -> None:
    """Find the side's inputs: hashed now for a folder, as recorded for a build or a store."""
    try:
        if kind == "data folder":
            if side.root is None:  # a folder of the user's: settle an import a kill left half-swapped first
                atomic.recover(side.path)
            side.inputs = provenance.of_folder(side.path)
        elif kind == "build":
            side.inputs = provenance.from_ntriples_file(side.path)
        else:
            side.inputs = provenance.from_store(_open_store(side))
    except (OSError, SyntaxError, ValueError) as err:
        raise SideError(f"{side.name} {side.spec}: cannot be read ({err})") from err


def _open_store(side: Side):  # type: ignore[no-untyped-def]
    from kg.store import StoreError, open_store

    try:
        return open_store(side.path)
    except StoreError as err:
        raise SideError(f"{side.name} {side.spec}: {err}") from err


def _shown(side: Side, text: str) -> str:
    """`text` with a git side's temporary folder written as the `REV:PATH` the user gave."""
    if side.root is None:
        return text
    return text.replace(str(side.root) + "/", side.spec.rstrip("/") + "/").replace(str(side.root), side.spec)


def read(side: Side) -> Dataset:
    """The side's validated tables (cached on the side)."""
    if side.dataset is not None:
        return side.dataset
    from kg.from_rdf import tables_from_store
    from kg.model import read as read_folder

    try:
        if side.path.is_dir() and not (side.path / MARKER).is_file():
            dataset, problems = read_folder(side.path)
            if dataset is None:
                lines = "\n".join(f"  {_shown(side, str(p))}" for p in problems)
                n = len(problems)
                raise SideError(f"{side.name} {side.spec}: {n} problem{'' if n == 1 else 's'} in the data:\n{lines}")
        elif side.path.is_file():
            import pyoxigraph as ox

            store = ox.Store()
            store.bulk_load(path=side.path, format=ox.RdfFormat.N_TRIPLES)
            dataset = tables_from_store(store)
        else:
            dataset = tables_from_store(_open_store(side))
    except (OSError, SyntaxError, ValueError) as err:
        raise SideError(f"{side.name} {side.spec}: cannot be read ({err})") from err
    side.dataset = dataset
    return dataset


__all__ = ["KINDS", "Side", "SideError", "opened", "read"]
