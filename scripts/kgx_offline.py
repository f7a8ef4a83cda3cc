"""Run the `kgx` command line with the Biolink Model schema of the installed `biolink-model` package.

    .venv-kgx/bin/python scripts/kgx_offline.py transform --input-format jsonl ...

kgx builds a Biolink Model Toolkit when it is imported, and the Toolkit's default is the schema and
predicate map on the network, and its prefix manager fetches JSON-LD contexts. Here the Toolkit's
defaults are the YAML schema shipped in the `biolink-model` package and an empty predicate map, and the
contexts are that package's prefix map, all set before kgx is imported, so nothing is fetched. Any socket
opened to a non-loopback address is refused, so a fetch we missed fails loudly instead of leaking.
A knowledge graph's own CURIE prefixes are declared, as JSON `{"PREFIX": "IRI", ...}`, in the environment
variable KGX_OFFLINE_PREFIXES. Runs in its own virtual environment (.ci/run makes it): kgx pins pyarrow<16, which our venv has moved past.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import biolink_model
import bmt.toolkit

SCHEMA = Path(next(iter(biolink_model.__path__))) / "schema" / "biolink_model.yaml"
_connect = socket.socket.connect


def _local_only(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if host not in ("127.0.0.1", "::1", "localhost") and not isinstance(address, (str, bytes)):
        raise OSError(f"kgx_offline: network access refused ({host})")
    _connect(self, address)  # type: ignore[arg-type]


def main(argv: list[str]) -> int:
    socket.socket.connect = _local_only  # type: ignore[method-assign]
    bmt.toolkit.Toolkit.__init__.__defaults__ = (str(SCHEMA), {"predicate mappings": []})
    import kgx.config

    prefixes = json.loads((SCHEMA.parent.parent / "prefixmaps" / "biolink-model-prefix-map.json").read_text())
    prefixes |= json.loads(os.environ.get("KGX_OFFLINE_PREFIXES", "{}"))
    for name in ("biolink", "monarch_context", "obo_context"):
        kgx.config.jsonld_context_map[name] = prefixes if name == "biolink" else {}
    from kgx.cli import cli

    return int(cli.main(args=argv, prog_name="kgx", standalone_mode=False) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
