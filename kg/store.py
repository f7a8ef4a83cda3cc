"""A persistent on-disk Oxigraph store of a build: opened in milliseconds, no re-parsing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from kg.atomic import staged
from kg.errors import KgError

if TYPE_CHECKING:
    import pyoxigraph

MARKER = "evidence-kg-store"


class StoreError(KgError):
    """The store path cannot be written or opened (exit 1)."""


def write_store(nt: bytes | Path, path: str | Path) -> Path:
    """Write the triples (N-Triples bytes, or an N-Triples file read as it loads) into a new store at
    `path`, replacing an earlier store there atomically."""
    import pyoxigraph as ox

    target = Path(path)
    if target.exists() and not (target / MARKER).exists() and (not target.is_dir() or any(target.iterdir())):
        raise StoreError(f"{target}: exists and is not an evidence-kg store; refusing to replace it")
    try:
        with staged(target, ".store-") as tmp:
            store = ox.Store(str(tmp / "db"))
            if isinstance(nt, Path):
                store.bulk_load(path=nt, format=ox.RdfFormat.N_TRIPLES)
            else:
                store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
            store.flush()
            del store
            (tmp / MARKER).write_text("An Oxigraph store written by `kg build --store`.\n", encoding="utf-8")
            old = None
            if target.exists():
                old = target.resolve().parent / f".store-old-{os.getpid()}"
                os.replace(target, old)
            os.replace(tmp, target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    except OSError as err:
        raise StoreError(f"{target}: cannot write the store ({err.strerror})") from err
    return target


def open_store(path: str | Path) -> pyoxigraph.Store:
    """Open a store written by `write_store`, read-only."""
    import pyoxigraph as ox

    target = Path(path)
    if not (target / MARKER).is_file() or not (target / "db").is_dir():
        raise StoreError(f"{target}: not an evidence-kg store (write one with `kg build --store {target}`)")
    try:
        return ox.Store.read_only(str(target / "db"))
    except OSError as err:
        raise StoreError(f"{target}: cannot open the store ({err})") from err
