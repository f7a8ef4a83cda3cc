"""Stream N-Triples into Turtle or JSON-LD with Oxigraph; imports nothing but pyoxigraph.

`kg.export` uses these functions in-process, and a build runs this file as a script
(`python -I _serialise.py turtle|jsonld NT OUT PREFIXES_JSON`; NT "-": the N-Triples on standard
input, copied there from their file while the build writes it) in child processes beside its own
work. As a script it must stay free of `kg` imports: a child that imported pandas would cost a
hundred megabytes for nothing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, cast

JSONLD_HEAD = b',\n "@graph": '
STDIN = "-"
"""The N-Triples argument that means: read them from standard input (while the build writes them)."""


def context(prefixes: dict[str, str]) -> bytes:
    """The start of the JSON-LD document: an inline @context of the prefixes, left open for @graph."""
    text = json.dumps({"@context": prefixes}, indent=1, sort_keys=True)
    return text[:-2].encode("utf-8")


def _source(nt: Path) -> Path:
    """The file to parse: `nt`, or standard input read as a file by Oxigraph (no Python in the loop)."""
    return Path("/dev/stdin") if str(nt) == STDIN else nt


def turtle_file(nt: Path, out: Path, prefixes: dict[str, str]) -> None:
    """Turtle from an N-Triples file, streamed: triples keep the N-Triples order, grouped by subject."""
    import pyoxigraph as ox

    triples = ox.parse(path=_source(nt), format=ox.RdfFormat.N_TRIPLES)
    with open(out, "wb") as sink:
        ox.serialize(triples, sink, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        _sync(sink)


def jsonld_file(nt: Path, out: Path, prefixes: dict[str, str]) -> None:
    """JSON-LD from an N-Triples file, streamed: Oxigraph's node objects under an inline @context."""
    import pyoxigraph as ox

    with open(out, "wb") as sink:
        sink.write(context(prefixes) + JSONLD_HEAD)
        body = Stripped(sink)
        triples = ox.parse(path=_source(nt), format=ox.RdfFormat.N_TRIPLES)
        ox.serialize(triples, cast("IO[bytes]", body), format=ox.RdfFormat.JSON_LD)  # it calls write and flush
        if not body.started:
            sink.write(b"[]")
        sink.write(b"\n}\n")
        _sync(sink)


def _sync(sink: IO[bytes]) -> None:
    """Flush the file to the disk here, beside the build, so that the build's own fsync of it (before moving
    it into place) finds nothing left to write."""
    sink.flush()
    os.fsync(sink.fileno())


class Stripped:
    """A binary sink that passes on what is written to it without its leading and trailing whitespace, so that
    Oxigraph's JSON-LD array goes straight after the @context (one pass, no intermediate file)."""

    def __init__(self, sink: IO[bytes]) -> None:
        self.sink = sink
        self.started = False
        self.pending = b""

    def write(self, data: bytes) -> int:
        size = len(data)
        block = bytes(data)
        if not self.started:
            block = block.lstrip()
            if not block:
                return size
            self.started = True
        text = self.pending + block
        kept = text.rstrip()
        self.pending = text[len(kept) :]
        self.sink.write(kept)
        return size

    def flush(self) -> None:
        self.sink.flush()


WRITERS = {"turtle": turtle_file, "jsonld": jsonld_file}


def main(argv: list[str]) -> int:
    """`_serialise.py turtle|jsonld NT OUT PREFIXES_JSON`; a failure is one line on stderr and exit 1."""
    kind, nt, out, prefixes = argv
    try:
        WRITERS[kind](Path(nt), Path(out), json.loads(prefixes))
    except (OSError, SyntaxError, ValueError) as err:
        source = "the N-Triples being written" if nt == STDIN else nt
        print(f"writing {Path(out).name} from {source}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
