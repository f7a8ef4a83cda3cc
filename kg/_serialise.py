"""Stream N-Triples into Turtle or JSON-LD with Oxigraph; imports nothing but pyoxigraph.

`kg.export` uses these functions in-process, and a build runs this file as a
script (`python -I _serialise.py turtle|jsonld NT OUT PREFIXES_JSON`) in child
processes beside its own work. As a script it must stay free of `kg` imports:
a child that imported pandas would cost a hundred megabytes for nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

JSONLD_HEAD = b',\n "@graph": '


def context(prefixes: dict[str, str]) -> bytes:
    """The start of the JSON-LD document: an inline @context of the prefixes, left open for @graph."""
    text = json.dumps({"@context": prefixes}, indent=1, sort_keys=True)
    return text[:-2].encode("utf-8")


def turtle_file(nt: Path, out: Path, prefixes: dict[str, str]) -> None:
    """Turtle from an N-Triples file, streamed: triples keep the N-Triples order, grouped by subject."""
    import pyoxigraph as ox

    triples = ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, out, format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def jsonld_file(nt: Path, out: Path, prefixes: dict[str, str]) -> None:
    """JSON-LD from an N-Triples file, streamed: Oxigraph's node objects under an inline @context."""
    import pyoxigraph as ox

    body = out.with_name(out.name + ".body")
    try:
        ox.serialize(ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES), body, format=ox.RdfFormat.JSON_LD)
        with open(out, "wb") as sink, open(body, "rb") as source:
            sink.write(context(prefixes) + JSONLD_HEAD)
            copy_stripped(source, sink)
            sink.write(b"\n}\n")
    finally:
        body.unlink(missing_ok=True)


def copy_stripped(source: IO[bytes], sink: IO[bytes], chunk: int = 1 << 22) -> None:
    """Copy `source` without its leading and trailing whitespace ("[]" when nothing is left)."""
    wrote = False
    pending = b""
    while block := source.read(chunk):
        if not wrote:
            block = block.lstrip()
            if not block:
                continue
        text = pending + block
        kept = text.rstrip()
        pending = text[len(kept) :]
        sink.write(kept)
        wrote = wrote or bool(kept)
    if not wrote:
        sink.write(b"[]")


WRITERS = {"turtle": turtle_file, "jsonld": jsonld_file}


def main(argv: list[str]) -> int:
    """`_serialise.py turtle|jsonld NT OUT PREFIXES_JSON`; a failure is one line on stderr and exit 1."""
    kind, nt, out, prefixes = argv
    try:
        WRITERS[kind](Path(nt), Path(out), json.loads(prefixes))
    except (OSError, SyntaxError, ValueError) as err:
        print(f"writing {Path(out).name} from {nt}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
