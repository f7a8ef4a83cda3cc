"""Serialise a built graph: Turtle and JSON-LD by Oxigraph, from the canonical N-Triples.

Both keep the N-Triples order (triples stay grouped by subject, and the output
is identical for identical input). From files they are streamed, holding no
graph in memory; the `ttl` and `jsonld` formats write them in child processes
(`start`) that run `kg/_serialise.py` as a script, so a build goes on with GraphML,
the summary and the page meanwhile.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from kg import _serialise, vocab


def turtle(nt: bytes, base: str = vocab.DEFAULT_BASE) -> bytes:
    """Turtle with the project's prefixes; triples keep the N-Triples order, grouped by subject."""
    import pyoxigraph as ox

    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    out = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=vocab.prefixes(base))
    assert out is not None
    return out


def jsonld(nt: bytes, base: str = vocab.DEFAULT_BASE) -> bytes:
    """JSON-LD: Oxigraph's expanded node objects under an inline @context of the prefixes.

    The context is inline so no processor needs to fetch anything.
    """
    import pyoxigraph as ox

    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    body = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    assert body is not None
    graph = body.strip() or b"[]"
    return _serialise.context(vocab.prefixes(base)) + _serialise.JSONLD_HEAD + graph + b"\n}\n"


class Feed:
    """A child's standard input, fed from the N-Triples file while the build writes it.

    A thread copies each stretch the writer reports (`grown`) from the file into the pipe with
    `os.sendfile` (the kernel copies, from the page cache, without holding the GIL), so the writer never
    waits for the child and holds nothing for it: a child that falls behind reads the rest later, while the
    build writes its other outputs. Once the child has gone (it failed), its error is reported by
    `Serialiser.wait`.
    """

    def __init__(self, pipe: IO[bytes]) -> None:
        self.pipe = pipe
        self.changed = threading.Condition()
        self.path: Path | None = None
        self.size = 0
        self.complete = False
        self.stopped = False
        self.broken = False
        self.thread = threading.Thread(target=self._run, name="kg-feed", daemon=True)
        self.thread.start()

    def grown(self, path: Path, size: int) -> None:
        with self.changed:
            self.path, self.size = path, size
            self.changed.notify()

    def close(self) -> None:
        with self.changed:
            self.complete = True
            self.changed.notify()

    def stop(self) -> None:
        """End the thread without sending the rest (the child is being killed)."""
        with self.changed:
            self.stopped = True
            self.changed.notify()
        self.thread.join()

    def join(self, timeout: float | None = None) -> None:
        self.thread.join(timeout)

    def _run(self) -> None:
        sent = 0
        source: int | None = None
        try:
            while True:
                with self.changed:
                    while not (self.stopped or self.complete or self.size > sent):
                        self.changed.wait()
                    if self.stopped or (self.complete and self.size <= sent):
                        return
                    path, size = self.path, self.size
                if source is None:
                    assert path is not None
                    source = os.open(path, os.O_RDONLY)
                sent = _copy(source, self.pipe.fileno(), sent, size)
        except OSError:  # the child has exited (a broken pipe): it says why
            self.broken = True
        finally:
            if source is not None:
                os.close(source)
            with contextlib.suppress(OSError):
                self.pipe.close()


def _copy(source: int, pipe: int, start: int, end: int) -> int:
    """Copy bytes `start:end` of the file `source` into `pipe`; return `end`."""
    at = start
    while at < end:
        try:
            moved = os.sendfile(pipe, source, at, end - at)
        except OSError as err:
            if err.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSOCK):
                raise
            moved = os.write(pipe, os.pread(source, min(end - at, 1 << 22), at))  # no sendfile to a pipe here
        if moved == 0:
            raise OSError(errno.EIO, "the N-Triples file is shorter than written")
        at += moved
    return end


class Serialiser:
    """Turtle or JSON-LD being written by a child process; `wait` raises OSError if it failed."""

    def __init__(self, process: subprocess.Popen[bytes], feed: Feed | None = None) -> None:
        self.process = process
        self.feed = feed
        """The child's input when it reads the N-Triples as they are written (None: it reads their file)."""
        self.ended = False

    def wait(self) -> None:
        if self.feed is not None:
            self.feed.join()
        _out, err = self.process.communicate()
        self.ended = True
        if self.process.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            raise OSError(lines[-1] if lines else f"serialiser exited with {self.process.returncode}")

    def stop(self) -> None:
        """Kill the child if it is still running (after a failure elsewhere) and reap it."""
        if self.ended:
            return
        if self.process.poll() is None:
            self.process.kill()
        if self.feed is not None:
            self.feed.stop()
        self.process.communicate()
        self.ended = True


def start(kind: str, nt: Path | None, out: Path, base: str = vocab.DEFAULT_BASE) -> Serialiser:
    """Start writing `out` ("turtle" or "jsonld") in a child process, from the N-Triples file `nt`, or, when
    `nt` is None, from the file its writer reports to the returned serialiser's `feed`, as it is written.

    The child runs `_serialise.py` in isolated mode (`-I`: no script folder, user site or
    PYTHON* variables on the path), so it imports pyoxigraph and nothing of the package.
    """
    if kind not in _serialise.WRITERS:
        raise ValueError(f"unknown serialisation {kind!r}")
    script = Path(_serialise.__file__)
    source = _serialise.STDIN if nt is None else str(nt)
    command = [sys.executable, "-I", str(script), kind, source, str(out), json.dumps(vocab.prefixes(base))]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL if nt is not None else subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if process.stdin is None:
        return Serialiser(process)
    pipe, process.stdin = process.stdin, None  # the feed owns it: `communicate` must not flush or close it
    with contextlib.suppress(OSError, AttributeError):  # fewer wake-ups with a larger pipe (Linux)
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]
    return Serialiser(process, Feed(pipe))
