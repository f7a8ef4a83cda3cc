"""One atomic build: validate, write every registered build output into a temporary folder
beside the target, then move the files into place. Invalid input writes nothing.

The outputs are the formats of `kg.formats` marked `build_output`, in registry order;
those that can be written in the background (Turtle and JSON-LD, by child processes
fed the N-Triples as they are written) are started first, and the others are written meanwhile.
`export` writes any one registered format the same way, atomically.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kg import atomic, formats, vocab
from kg.atomic import staged
from kg.errors import OutputError, UsageError
from kg.formats import Context, Format, Pending
from kg.model import Dataset, bundled_data_dir, read_valid
from kg.problems import ValidationError

OUTPUTS: tuple[str, ...] = tuple(f.filename for f in formats.build_outputs())
"""The files `kg build` writes by default (the contract's six)."""


class BuildError(OutputError):
    """The build could not write its outputs (not a data problem)."""


def outputs(skip: Iterable[str] = ()) -> list[Format]:
    """The build outputs without the formats named in `skip` (a usage error for a name that is not one)."""
    chosen = formats.build_outputs()
    names = [f.name for f in chosen]
    unknown = [name for name in skip if name not in names]
    if unknown:
        raise UsageError(f"--skip {unknown[0]}: not a build output; choose from: {', '.join(names)}")
    return [f for f in chosen if f.name not in set(skip)]


def build(
    data_dir: str | Path | None = None,
    out_dir: str | Path = "build",
    *,
    base: str = vocab.DEFAULT_BASE,
    store: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    skip: Sequence[str] = (),
) -> list[Path]:
    """Validate `data_dir` and write the build outputs into `out_dir`; return their paths.

    `skip` names formats to leave out (e.g. `["page"]`). With `store`, also write a persistent
    Oxigraph store there (replacing an earlier one). Raises ValidationError (nothing written)
    or BuildError.
    """
    chosen = outputs(skip)
    check_out(out_dir)
    vocab.check_base(base)
    # A swap a killed build left half-done is settled first, even if this build then fails validation.
    atomic.recover(out_dir)
    if store is not None:
        atomic.recover(store)
    dataset = read_valid(data_dir if data_dir is not None else bundled_data_dir())
    with Context(dataset, base) as ctx:
        paths = write_outputs(ctx, out_dir, chosen, progress=progress)
        if store is not None:
            from kg.store import write_store

            if progress:
                progress("store")
            write_store(ctx.ntriples_file(), store)
    return paths


def _write_all(ctx: Context, folder: Path, chosen: Sequence[Format], progress: Callable[[str], None] | None) -> None:
    """Write `chosen` into `folder`. Background formats start first: fed the N-Triples while the `nt` writer
    writes them, they run on the other core from the start; the others are written meanwhile."""
    pending: list[Pending] = []
    background = [fmt for fmt in chosen if fmt.start is not None]
    try:
        for fmt in background:
            assert fmt.start is not None
            pending.append(fmt.start(ctx, folder / fmt.filename))
        for fmt in chosen:
            if fmt.start is not None:
                continue
            if progress:
                progress(fmt.filename)
            assert fmt.write is not None
            fmt.write(ctx, folder / fmt.filename)
        ctx.feed_followers()
        if progress and background:
            progress(", ".join(fmt.filename for fmt in background))
        for job in pending:
            job.wait()
    finally:
        for job in pending:
            job.stop()


def write_outputs(
    ctx: Context,
    out_dir: str | Path,
    chosen: Sequence[Format] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write `chosen` (default: every build output) for `ctx` into `out_dir`, replacing those files only.

    The files are written into a staging folder beside `out_dir`, then swapped in all or none
    (`kg.atomic`: one build at a time per folder, fsync'd, journalled).
    """
    chosen = formats.build_outputs() if chosen is None else chosen
    out = check_out(out_dir)
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: exists and is not a folder")
    names = [fmt.filename for fmt in chosen]
    with atomic.writing(out) as stage:
        try:
            _write_all(ctx, stage.folder, chosen, progress)
            stage.swap_files(names)
        except OSError as err:
            raise BuildError(f"{out}: cannot write the build ({err.strerror or err})") from err
        finally:
            if ctx.ntriples_path is not None and ctx.ntriples_path.parent == stage.folder:
                moved = out / ctx.ntriples_path.name
                ctx.ntriples_path = moved if stage.done and moved.is_file() else None
    return [out / name for name in names]


def check_out(out_dir: str | Path) -> Path:
    """The output folder, refusing an empty name (an unset shell variable) and the root folder (UsageError)."""
    if str(out_dir) == "":
        raise UsageError("the output folder is an empty name; give a folder, e.g. --out build")
    out = Path(out_dir)
    if out.resolve() == out.resolve().parent:
        raise UsageError(f"{out}: cannot build into the root folder; give a folder, e.g. --out build")
    return out


def export(dataset: Dataset, name: str, out: str | Path | None = None, *, base: str = vocab.DEFAULT_BASE,
           **options: object) -> Path | None:
    """Write the registered format `name` of `dataset` to `out` (default: its file name; "-": standard
    output, for a format that is one file), atomically. The path written, or None for standard output."""
    fmt = formats.get(name, writable=True)
    assert fmt.write is not None
    target = Path(fmt.filename) if out is None else Path(out)
    with Context(dataset, base, dict(options)) as ctx:
        if str(out) == "-" and fmt.folder:
            raise UsageError(f"{name} writes a folder of files: give --out FOLDER, not standard output")
        if str(out) == "-":
            path = ctx.scratch() / fmt.filename
            fmt.write(ctx, path)
            with open(path, "rb") as source:
                shutil.copyfileobj(source, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return None
        if target.is_dir() and not fmt.folder:
            raise OutputError(f"{target}: is a folder; give the file to write (e.g. {target / fmt.filename})")
        try:
            with staged(target, ".export-") as tmp:
                fmt.write(ctx, tmp / target.name)
                if fmt.folder and target.is_dir():  # its files replace theirs; other files stay
                    for made in sorted((tmp / target.name).iterdir()):
                        os.replace(made, target / made.name)
                else:
                    os.replace(tmp / target.name, target)
        except OSError as err:
            raise OutputError(f"{target}: cannot write it ({err.strerror or err})") from err
    return target


def view_dir(data_dir: str | Path) -> Path:
    """Where `kg view` builds when given no --out: never the current folder.

    The data of a source checkout (`data/` beside `pyproject.toml`) is built into that checkout's
    `build/`, where `kg build` puts it; any other data folder into a folder of its own under the
    system's temporary folder, named after the data folder (so each keeps its page)."""
    import hashlib
    import tempfile

    folder = Path(data_dir).resolve()
    checkout = Path(__file__).resolve().parent.parent
    if folder == checkout / "data" and (checkout / "pyproject.toml").is_file():
        return checkout / "build"
    digest = hashlib.sha256(str(folder).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "kg-view" / f"{folder.name}-{digest}"


__all__ = ["OUTPUTS", "BuildError", "ValidationError", "build", "check_out", "export", "outputs", "view_dir",
           "write_outputs"]
