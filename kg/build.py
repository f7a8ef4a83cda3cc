"""One atomic build: validate, write every registered build output into a temporary folder
beside the target, then move the files into place. Invalid input writes nothing.

The outputs are the formats of `kg.formats` marked `build_output`, in registry order;
those that can be written in the background (Turtle and JSON-LD, by child processes
reading the N-Triples file) are started first, and the others are written meanwhile.
`export` writes any one registered format the same way, atomically.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kg import formats, vocab
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
    """Write `chosen` into `folder`: background formats start as soon as what they read exists."""
    pending: list[Pending] = []
    background: list[str] = []
    try:
        for fmt in chosen:
            if fmt.start is not None:
                pending.append(fmt.start(ctx, folder / fmt.filename))
                background.append(fmt.filename)
                continue
            if progress:
                progress(fmt.filename)
            assert fmt.write is not None
            fmt.write(ctx, folder / fmt.filename)
        if progress and background:
            progress(", ".join(background))
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
    """Write `chosen` (default: every build output) for `ctx` into `out_dir`, replacing those files only."""
    chosen = formats.build_outputs() if chosen is None else chosen
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: exists and is not a folder")
    try:
        with staged(out, ".build-") as tmp:
            _write_all(ctx, tmp, chosen, progress)
            if not out.exists():
                os.replace(tmp, out)
            else:
                for fmt in chosen:
                    os.replace(tmp / fmt.filename, out / fmt.filename)
            if ctx.ntriples_path is not None and ctx.ntriples_path.parent == tmp:
                ctx.ntriples_path = out / ctx.ntriples_path.name  # moved with the rest
    except OSError as err:
        raise BuildError(f"{out}: cannot write the build ({err.strerror or err})") from err
    return [out / fmt.filename for fmt in chosen]


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


__all__ = ["OUTPUTS", "BuildError", "ValidationError", "build", "export", "outputs", "write_outputs"]
