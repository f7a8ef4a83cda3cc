"""Serialise a built graph: Turtle and JSON-LD by Oxigraph, from the canonical N-Triples.

Both keep the N-Triples order (triples stay grouped by subject, and the output
is identical for identical input). From files they are streamed, holding no
graph in memory; the `ttl` and `jsonld` formats write them in child processes
(`start`) that run `kg/_serialise.py` as a script, so a build goes on with GraphML,
the summary and the page meanwhile.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


class Serialiser:
    """Turtle and JSON-LD being written by child processes; `wait` raises OSError if one failed."""

    def __init__(self, processes: list[subprocess.Popen[bytes]]) -> None:
        self.processes = processes

    def wait(self) -> None:
        for process in self.processes:
            _out, err = process.communicate()
            if process.returncode != 0:
                lines = err.decode("utf-8", "replace").strip().splitlines()
                raise OSError(lines[-1] if lines else f"serialiser exited with {process.returncode}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.communicate()


def start(kind: str, nt: Path, out: Path, base: str = vocab.DEFAULT_BASE) -> Serialiser:
    """Start writing `out` ("turtle" or "jsonld") from the N-Triples file `nt` in a child process.

    The child runs `_serialise.py` in isolated mode (`-I`: no script folder, user site or
    PYTHON* variables on the path), so it imports pyoxigraph and nothing of the package.
    """
    if kind not in _serialise.WRITERS:
        raise ValueError(f"unknown serialisation {kind!r}")
    script = Path(_serialise.__file__)
    command = [sys.executable, "-I", str(script), kind, str(nt), str(out), json.dumps(vocab.prefixes(base))]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return Serialiser([process])
