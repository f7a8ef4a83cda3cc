"""Atomic replacement of a build folder's files or of a whole folder (a store): lock, stage, journal, swap.

A writer takes the target's lock (one writer per target: a second one is told another is
running, exit 1), completes or undoes any swap a killed writer left half-done, removes the
staging folders killed writers left behind, writes into a fresh staging folder beside the
target, fsyncs it, writes a journal naming every rename it is about to make, makes them,
and removes the journal. A kill at any moment leaves either no journal (nothing of the
target was touched yet, or the swap is finished) or a journal from which the next `kg`
command touching the target completes the swap (rolls it forward), or, if a rename cannot
be made, puts every old file back (rolls it back). Readers (`kg query --graph/--store`) call
`recover` first. Everything beside the target is named after it:

- `.NAME.kg-lock`: the lock file (an advisory `flock`, released by the kernel when its
  process dies, so a killed build never leaves a stale lock);
- `.NAME.kg-journal`: the journal, present only while a swap is under way;
- `.NAME.kg-stage-XXXX`: staging folders (old files or the old folder wait in it).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kg.errors import OutputError, UsageError

_OLD = ".old"  # inside a staging folder: where the replaced files (or the replaced folder) wait


class Busy(OutputError):
    """Another `kg` process is writing the same target."""


def _names(target: Path) -> tuple[Path, str]:
    resolved = target.resolve()
    if resolved.parent == resolved or not resolved.name:
        raise UsageError(f"{target}: cannot write into the root folder; name a folder for the output")
    return resolved.parent, resolved.name


def lock_path(target: Path) -> Path:
    parent, name = _names(target)
    return parent / f".{name}.kg-lock"


def journal_path(target: Path) -> Path:
    parent, name = _names(target)
    return parent / f".{name}.kg-journal"


def _stage_prefix(target: Path) -> str:
    return f".{_names(target)[1]}.kg-stage-"


def staging_folders(target: str | Path) -> list[Path]:
    """The staging folders of writes into `target` now in progress (or left by killed ones), sorted; a progress
    display counts the bytes written into them."""
    path = Path(target)
    return sorted(_names(path)[0].glob(_stage_prefix(path) + "*"))


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's entries') data to disk."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """fsync every file and folder under `folder` (and `folder` itself), so a rename never outruns the data."""
    for root, dirs, files in os.walk(folder):
        for name in files:
            fsync_path(Path(root) / name)
        for name in dirs:
            fsync_path(Path(root) / name)
    fsync_path(folder)


def _usual_permissions(folder: Path) -> None:
    """mkdtemp makes a private (0700) folder; a build swapped in should look like any folder the user made."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


@contextmanager
def staged(target: Path, prefix: str) -> Iterator[Path]:
    """A temporary folder beside `target` to write one file into and rename from; removed afterwards.

    For a single file (`kg export`), where one rename is the whole swap; a build's several
    files go through `writing` and its journal instead.
    """
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    _usual_permissions(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_text_atomic(target: Path, text: str) -> None:
    """Write `text` (UTF-8) to `target` through a temporary file beside it, fsync'd, and one rename, so a
    reader sees the old file or the new one, never half of one; an OSError leaves nothing behind."""
    target = Path(target)
    parent = target.resolve().parent
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------- the lock


@contextmanager
def locked(target: Path, *, what: str = "kg build") -> Iterator[None]:
    """Hold the target's lock; Busy (exit 1) at once when another process holds it."""
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise Busy(f"{target}: another {what} is writing it{who}; run this one again when it has finished") \
                from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


@contextmanager
def _try_lock(target: Path) -> Iterator[bool]:
    """The lock if nobody holds it (True), else nothing (False); for readers that only recover."""
    path = lock_path(target)
    try:
        handle: IO[str] = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    except OSError:  # a read-only place: nothing can have been swapped there by us
        yield False
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        handle.close()


# --------------------------------------------------------------------------- the journal


@dataclass(frozen=True)
class Journal:
    """The swap under way: `kind` "files" (the named files of a folder) or "folder" (the folder itself)."""

    kind: str
    stage: str
    names: tuple[str, ...] = ()
    existed: tuple[str, ...] = ()
    """For "files": the names that had an old file; for "folder": ("",) when the folder existed."""

    def dump(self) -> bytes:
        return json.dumps({"kind": self.kind, "stage": self.stage, "names": list(self.names),
                           "existed": list(self.existed)}, sort_keys=True).encode("utf-8")

    @classmethod
    def load(cls, raw: bytes) -> Journal:
        doc: dict[str, Any] = json.loads(raw.decode("utf-8"))
        return cls(str(doc["kind"]), str(doc["stage"]), tuple(doc["names"]), tuple(doc["existed"]))


def _write_journal(target: Path, journal: Journal) -> None:
    path = journal_path(target)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(journal.dump())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:  # no journal: nothing was moved, and nothing of ours is left beside the target
        with suppress(OSError):
            tmp.unlink()
        raise
    fsync_path(path.parent)


def _drop_journal(target: Path, journal: Journal) -> None:
    parent = journal_path(target).parent
    journal_path(target).unlink()
    fsync_path(parent)
    shutil.rmtree(parent / journal.stage, ignore_errors=True)


def _forward(target: Path, journal: Journal) -> None:
    """Make (the rest of) the journal's renames; each step can be repeated after a kill."""
    stage = target.parent / journal.stage
    old = stage / _OLD
    if journal.kind == "folder":
        if stage.exists() and stage.is_dir() and (stage / "new").exists():
            if target.exists() and journal.existed and not old.exists():
                os.replace(target, old)
            os.replace(stage / "new", target)
        fsync_path(target.parent)
        return
    old.mkdir(exist_ok=True)
    for name in journal.names:
        new = stage / name
        if not new.exists():
            continue  # moved in already
        if name in journal.existed and not (old / name).exists() and (target / name).exists():
            os.replace(target / name, old / name)
        os.replace(new, target / name)
    fsync_path(target)


def _back(target: Path, journal: Journal) -> None:
    """Undo the renames made so far: every old file (or the old folder) back where it was."""
    stage = target.parent / journal.stage
    old = stage / _OLD
    if journal.kind == "folder":
        if old.exists():
            if target.exists() and not (stage / "new").exists():
                os.replace(target, stage / "new")
            os.replace(old, target)
        elif not journal.existed and target.exists() and not (stage / "new").exists():
            os.replace(target, stage / "new")
        fsync_path(target.parent)
        return
    for name in journal.names:
        if (old / name).exists():
            os.replace(old / name, target / name)
        elif name not in journal.existed and not (stage / name).exists() and (target / name).exists():
            (target / name).unlink()
    fsync_path(target)


def _settle(target: Path) -> str | None:
    """With the lock held: finish a swap a killed writer left (forward, else back). What was done, or None."""
    path = journal_path(target)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        journal = Journal.load(raw)
    except (ValueError, KeyError, TypeError):
        # Written to a temporary name and renamed, so never torn: anything else is not ours.
        raise OutputError(f"{path}: not a journal kg can read; remove it if no kg command is running") from None
    try:
        _forward(target, journal)
        done = "completed"
    except OSError:
        _back(target, journal)
        done = "rolled back"
    _drop_journal(target, journal)
    return done


def _clear_stale(target: Path) -> None:
    """With the lock held and no journal: every staging folder of this target is a killed writer's."""
    parent = target.parent
    prefix = _stage_prefix(target)
    with suppress(OSError):
        for entry in parent.iterdir():
            if entry.name.startswith(prefix) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
    with suppress(OSError):
        journal_path(target).with_name(journal_path(target).name + ".tmp").unlink()


def recover(target: str | Path) -> str | None:
    """Complete (or undo) a swap of `target` that a killed writer left half-done; for commands that read it.

    Does nothing while another process holds the lock (it is mid-write, and settles its own swap).
    Returns "completed", "rolled back" or None.
    """
    path = Path(target)
    try:
        if not journal_path(path).exists():
            return None
    except UsageError:
        return None
    with _try_lock(path) as mine:
        if not mine:
            return None
        try:
            return _settle(path.resolve())
        except OSError as err:
            raise OutputError(f"{path}: cannot finish an interrupted swap ({err.strerror or err})") from err


# --------------------------------------------------------------------------- writing


class Stage:
    """A staging folder beside the target, written into and then swapped in by `swap_files` or `swap_folder`."""

    def __init__(self, target: Path, folder: Path):
        self.target = target
        self.folder = folder
        self.done = False

    @property
    def new(self) -> Path:
        """Where a whole new folder is built for `swap_folder`."""
        return self.folder / "new"

    def swap_files(self, names: Sequence[str]) -> None:
        """Put the staged files `names` into the target folder (made if absent), all or none.

        OSError (nothing changed) when a name is taken by something that is not a file."""
        target = self.target
        if target.exists() and not target.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, f"{target} exists and is not a folder")
        for name in names:
            if not (self.folder / name).is_file():
                raise FileNotFoundError(errno.ENOENT, f"{self.folder / name} was not written")
            there = target / name
            if there.is_symlink() or (there.exists() and not there.is_file()):
                raise IsADirectoryError(errno.EISDIR, f"{there} is not a file; move it away to write here")
        for name in names:
            fsync_path(self.folder / name)
        fsync_path(self.folder)
        if not target.exists():
            target.mkdir()
            _usual_permissions(target)
            fsync_path(target.parent)
        existed = tuple(name for name in names if (target / name).exists())
        journal = Journal("files", self.folder.name, tuple(names), existed)
        self._run(journal)

    def swap_folder(self) -> None:
        """Replace the target folder by the staged folder `new` as a whole."""
        if self.target.exists() and not self.target.is_dir():
            raise OutputError(f"{self.target}: exists and is not a folder")
        fsync_tree(self.new)
        fsync_path(self.folder)
        journal = Journal("folder", self.folder.name, (), ("",) if self.target.exists() else ())
        self._run(journal)

    def _run(self, journal: Journal) -> None:
        _write_journal(self.target, journal)
        try:
            _forward(self.target, journal)
        except BaseException:
            with suppress(OSError):  # roll back now; if even that fails, the journal stays for the next command
                _back(self.target, journal)
                _drop_journal(self.target, journal)
            raise
        _drop_journal(self.target, journal)
        self.done = True


@contextmanager
def writing(target: str | Path, *, what: str = "kg build") -> Iterator[Stage]:
    """Lock `target`, settle what a killed writer left, and give a fresh staging folder beside it.

    Whatever is left in the staging folder afterwards is removed. Failing to prepare is an
    OutputError; what the block raises passes through as it is.
    """
    path = Path(target)
    _names(path)
    resolved = path.resolve()
    with ExitStack() as stack:
        try:
            resolved.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(locked(path, what=what))
            _settle(resolved)
            _clear_stale(resolved)
            folder = Path(tempfile.mkdtemp(prefix=_stage_prefix(resolved), dir=resolved.parent))
            _usual_permissions(folder)
        except OSError as err:
            raise OutputError(f"{path}: cannot prepare to write it ({err.strerror or err})") from err
        try:
            yield Stage(resolved, folder)
        finally:
            if not journal_path(resolved).exists():  # else the journal needs what is in it
                shutil.rmtree(folder, ignore_errors=True)


__all__ = ["Busy", "Journal", "Stage", "fsync_path", "fsync_tree", "journal_path", "lock_path", "locked",
           "recover", "staged", "staging_folders", "write_text_atomic", "writing"]
