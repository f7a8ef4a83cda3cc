"""The `kg` command: parse arguments, call the library, print. Nothing else lives here.

Exit codes: 0 success, 1 a failure (invalid data, unknown id, unwritable output),
2 a usage error. Problems and messages go to standard error; results (and
`kg validate`'s problems) to standard output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kg.problems import ValidationError

Handler = Callable[[argparse.Namespace], int]


class UserError(Exception):
    """A failure caused by the user's input: printed as a message, exit 1."""


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        default=None,
        help="folder with sources.csv, conditions.csv, treatments.csv, evidence.csv (default: the bundled data)",
    )


def _base_arg(parser: argparse.ArgumentParser) -> None:
    from kg.vocab import DEFAULT_BASE

    parser.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI for entities (default: {DEFAULT_BASE})")


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.api import bundled_data_dir
    from kg.model import read

    folder = args.data or bundled_data_dir()
    dataset, problems = read(folder)
    if dataset is None:
        for problem in problems:
            print(problem)
        _say(f"{len(problems)} problem(s) in {folder}")
        return 1
    _say(
        f"{folder}: valid ({len(dataset.evidence)} statements, {len(dataset.treatments)} treatments, "
        f"{len(dataset.conditions)} conditions, {len(dataset.sources)} sources)"
    )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build

    progress = (lambda name: _say(f"writing {name}")) if sys.stderr.isatty() else None
    paths = build(args.data, args.out, base=args.base, store=args.store, progress=progress)
    _say(f"built {len(paths)} files in {args.out}/: " + ", ".join(p.name for p in paths))
    if args.store is not None:
        _say(f"wrote the Oxigraph store {args.store}/ (open it with `kg query --store {args.store}` or kg.load(store=...))")
    return 0


def make_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="evidence-kg: what treatments do for back and hip pain, with the sources' own words.",
    )
    from kg import __version__

    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers: dict[str, Handler] = {}

    p = sub.add_parser("validate", help="check a data folder; print every problem as FILE:LINE: column: message")
    _data_arg(p)
    handlers["validate"] = cmd_validate

    p = sub.add_parser("build", help="validate, then write graph.ttl/.jsonld/.nt/.graphml, summary.csv, index.html")
    _data_arg(p)
    p.add_argument("--out", metavar="DIR", type=Path, default=Path("build"), help="output folder (default: build/)")
    _base_arg(p)
    p.add_argument("--store", metavar="PATH", type=Path, default=None, help="also write a persistent Oxigraph store")
    handlers["build"] = cmd_build

    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handlers[args.command](args)
    except ValidationError as err:
        for problem in err.problems:
            _say(str(problem))
        _say(f"{len(err.problems)} problem(s): nothing was written")
        return 1
    except UserError as err:
        _say(f"kg {args.command}: {err}")
        return 1
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        from kg.build import BuildError
        from kg.store import StoreError

        if isinstance(err, BuildError | StoreError | OSError):
            _say(f"kg {args.command}: {err}")
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
