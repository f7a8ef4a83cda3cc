"""Temporary folders beside a target, so a finished result can be swapped in with one rename."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def temp_dir_beside(target: Path, prefix: str) -> Path:
    """A new folder next to `target` (same filesystem), with the user's usual permissions.

    mkdtemp makes a private (0700) folder; a build or store swapped in from it
    should look like any folder the user made.
    """
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)
    return folder


@contextmanager
def staged(target: Path, prefix: str) -> Iterator[Path]:
    """A temporary folder beside `target` to write into; whatever is still in it afterwards is removed.

    The caller moves its finished result into place from inside the block; on
    any failure nothing half-written is left behind.
    """
    folder = temp_dir_beside(target, prefix)
    try:
        yield folder
    finally:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)


def write_text_atomic(target: Path, text: str) -> None:
    """Write `text` (UTF-8) to `target` through a temporary file beside it and one rename, so a reader
    sees the old file or the new one, never half of one; an OSError leaves nothing behind."""
    target = Path(target)
    parent = target.resolve().parent
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
