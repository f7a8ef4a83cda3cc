"""Temporary folders beside a target, so a finished result can be swapped in with one rename."""

from __future__ import annotations

import os
import tempfile
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
