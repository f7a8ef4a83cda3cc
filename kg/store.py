"""A persistent on-disk Oxigraph store of a build: opened in milliseconds, no re-parsing.

Written beside its target and swapped in as a whole folder by `kg.atomic` (one writer at a
time, journalled, fsync'd); opened read-only, after settling a swap a killed writer left.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg import atomic
from kg.errors import KgError

if TYPE_CHECKING:
    import pyoxigraph

MARKER = "evidence-kg-store"


class StoreError(KgError):
    """The store path cannot be written or opened (exit 1)."""


def why(err: BaseException) -> str:
    """An OS or Oxigraph error as words (Oxigraph's OSErrors can have no strerror)."""
    text = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return " ".join(str(text).split())


def write_store(nt: bytes | Path, path: str | Path) -> Path:
    """Write the triples (N-Triples bytes, or an N-Triples file read as it loads) into a new store at
    `path`, replacing an earlier store there atomically."""
    import pyoxigraph as ox

    target = Path(path)
    atomic.recover(target)
    if target.exists() and not (target / MARKER).exists() and (not target.is_dir() or any(target.iterdir())):
        raise StoreError(f"{target}: exists and is not an evidence-kg store; refusing to replace it")
    try:
        with atomic.writing(target, what="kg build --store") as stage:
            stage.new.mkdir()
            store = ox.Store(str(stage.new / "db"))
            if isinstance(nt, Path):
                store.bulk_load(path=nt, format=ox.RdfFormat.N_TRIPLES)
            else:
                store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
            store.flush()
            del store
            (stage.new / MARKER).write_text("An Oxigraph store written by `kg build --store`.\n", encoding="utf-8")
            stage.swap_folder()
    except atomic.Busy:
        raise
    except (OSError, RuntimeError) as err:
        raise StoreError(f"{target}: cannot write the store ({why(err)})") from err
    except KgError as err:
        raise StoreError(f"{target}: cannot write the store ({err})") from err
    return target


def open_store(path: str | Path) -> pyoxigraph.Store:
    """Open a store written by `write_store`, read-only (StoreError for anything else, corrupt ones included)."""
    import pyoxigraph as ox

    target = Path(path)
    try:
        atomic.recover(target)
        if not (target / MARKER).is_file() or not (target / "db").is_dir():
            raise StoreError(f"{target}: not an evidence-kg store (write one with `kg build --store {target}`)")
        store = ox.Store.read_only(str(target / "db"))
        next(iter(store.quads_for_pattern(None, None, None)), None)  # a foreign or broken database fails here
        return store
    except (OSError, RuntimeError, ValueError, SyntaxError) as err:
        raise StoreError(f"{target}: cannot open the store ({why(err)}); "
                         f"write it again with `kg build --store {target}`") from err
    except KgError as err:
        if isinstance(err, StoreError):
            raise
        raise StoreError(f"{target}: cannot open the store ({err})") from err


__all__ = ["MARKER", "StoreError", "open_store", "why", "write_store"]
