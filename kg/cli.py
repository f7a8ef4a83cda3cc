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

from kg.errors import KgError

Handler = Callable[[argparse.Namespace], int]

UserError = KgError
"""The old name of a failure caused by the user's input (exit 1): `kg.errors.KgError`."""


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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.model import bundled_data_dir, read

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
    if args.check_build is not None:
        from kg import provenance

        stale = provenance.check_build(args.check_build, folder)
        for reason in stale:
            print(f"{args.check_build}: stale: {reason}")
        _say(f"{args.check_build}: " + (f"stale against {folder}" if stale else f"up to date with {folder}"))
        return 1 if stale else 0
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build

    progress = (lambda name: _say(f"writing {name}")) if sys.stderr.isatty() else None
    paths = build(args.data, args.out, base=args.base, store=args.store, progress=progress, skip=args.skip)
    _say(f"built {len(paths)} files in {args.out}/: " + ", ".join(p.name for p in paths))
    if args.store is not None:
        _say(f"wrote the Oxigraph store {args.store}/ (query it with `kg query NAME --store {args.store}`)")
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    import webbrowser

    from kg.build import build
    from kg.model import bundled_data_dir

    folder = Path(args.data or bundled_data_dir())
    index = args.out / "index.html"
    newest = max((f.stat().st_mtime_ns for f in folder.rglob("*") if f.is_file()), default=0)
    if args.rebuild or not index.is_file() or index.stat().st_mtime_ns < newest:
        build(folder, args.out, base=args.base)
        _say(f"built {args.out}/ from {folder}")
    target = index.resolve()
    print(target)
    if not args.no_open and not webbrowser.open(target.as_uri()):
        _say(f"kg view: could not start a web browser; open {target}")
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    import kg
    from kg import remote

    gsp = remote.check_url(args.gsp, "the Graph Store URL")
    graph = remote.check_iri(args.named_graph or remote.default_graph(args.base), "the named graph")
    credentials = remote.Credentials.from_env()
    evidence = kg.load(args.data, base=args.base)
    progress = (lambda sent, total: _say(f"sent {sent} of {total} triples")) if sys.stderr.isatty() else None
    _say(f"pushing into the named graph <{graph}> at {gsp}")
    report = remote.push(evidence.ntriples, gsp, graph, batch_size=args.batch_size, credentials=credentials,
                         progress=progress)
    _say(f"pushed {report.triples} triples in {report.batches} request(s) into <{report.graph}>")
    return 0


def _param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE (e.g. condition=sciatica), not {text!r}")
    return key.strip(), value.strip()


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def summary_strengths() -> list[str]:
    """The strength levels, strongest first (for `kg summary --min-strength`)."""
    from kg.verdicts import STRENGTHS

    return [str(x) for x in STRENGTHS]


def cmd_summary(args: argparse.Namespace) -> int:
    import kg
    from kg import summary

    frame = kg.load(args.data).summary(args.condition, min_strength=args.min_strength)
    writers = {"table": summary.to_table, "csv": summary.to_csv, "json": summary.to_json}
    _write(writers[args.format](frame))
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    from kg import queries, results

    if args.export is not None:
        paths = queries.export_queries(args.export)
        _say(f"wrote {len(paths)} queries to {args.export}/: " + ", ".join(p.name for p in paths))
        return 0
    saved = queries.saved_queries()
    rows = [[q.name, ", ".join(p.describe() for p in q.params), q.description] for q in saved]
    _write(results.format_table(["name", "parameters", "description"], rows, max_width=200))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kg import engines, queries, results, vocab

    params: dict[str, str] = {}
    for key, value in args.param:
        if key in params:
            raise queries.QueryUsageError(f"parameter {key!r} given twice")
        params[key] = value
    query = queries.load_query(args.query)
    credentials = None
    if args.endpoint is not None:
        from kg.remote import Credentials

        credentials = Credentials.from_env()
    engine = engines.open_engine(data=args.data, graph=args.graph, store=args.store, endpoint=args.endpoint,
                                 engine=args.engine, named_graph=args.named_graph, credentials=credentials)
    answer = engines.run(query, engine, params)
    _write(results.format_results(answer, args.format, prefixes=vocab.prefixes()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.build import export
    from kg.model import bundled_data_dir, read_valid

    written = export(read_valid(args.data or bundled_data_dir()), args.format, args.out, base=args.base)
    if written is not None:
        _say(f"wrote {written}")
    return 0


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value}")
    return value


def cmd_extract(args: argparse.Namespace) -> int:
    from kg.api import bundled_data_dir
    from kg.atomic import write_text_atomic
    from kg.errors import OutputError
    from kg.extract import DEFAULT_MIN_CONFIDENCE, extract, read_text, render, suggest_lexicon
    from kg.model import read_valid

    floor = DEFAULT_MIN_CONFIDENCE if args.min_confidence is None else args.min_confidence
    text = read_text(args.text_file)
    dataset = read_valid(args.data or bundled_data_dir())
    frame = extract(dataset, text, source=args.source, min_confidence=floor)
    outputs = [(args.out, render(frame, args.format))] if args.out else []
    if args.suggest_lexicon is not None:
        outputs.append((args.suggest_lexicon, render(suggest_lexicon(dataset, text), "csv")))
    for path, content in outputs:
        try:
            write_text_atomic(path, content)
        except OSError as err:
            raise OutputError(f"{path}: cannot be written: {err.strerror or err}") from None
    if args.out is None:
        _write(render(frame, args.format))
    else:
        _say(f"wrote {len(frame)} proposed row(s) to {args.out}")
    if args.suggest_lexicon is not None:
        _say(f"wrote lexicon suggestions to {args.suggest_lexicon}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import kg
    from kg.errors import UsageError

    try:
        graph = kg.import_(args.format, args.files, out=args.out)
    except UsageError:
        raise
    except KgError as err:
        raise KgError(f"{err}; nothing was written") from None
    d = graph.dataset
    _say(f"wrote the four CSVs to {args.out}/: {len(d.evidence)} statements, "
         f"{len(d.treatments)} treatments, {len(d.conditions)} conditions, {len(d.sources)} sources")
    for kind, count in getattr(d, "skipped", {}).items():
        _say(f"skipped {count} x {kind}")
    return 0
def cmd_diff(args: argparse.Namespace) -> int:
    """Exit like diff(1): 0 nothing differs, 1 something does, 2 trouble (a side unreadable or invalid)."""
    from kg.diff import diff, report
    from kg.errors import KgError

    try:
        found = diff(args.old, args.new)
        if args.out is not None:
            report.write(found, args.format, args.out)
            _say(f"wrote {args.out}")
        else:
            _write(report.render(found, args.format))
    except KgError as err:
        _say(f"kg diff: {err}")
        return 2
    _say(report.headline(found))
    return 1 if found.different else 0


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
    p.add_argument("--check-build", metavar="DIR", type=Path, default=None,
                   help="also say whether the build in DIR (or a store) is stale against the data folder "
                        "(exit 1 when it is)")
    handlers["validate"] = cmd_validate

    from kg import formats

    p = sub.add_parser("build", help="validate, then write graph.ttl/.jsonld/.nt/.graphml, summary.csv, index.html")
    _data_arg(p)
    p.add_argument("--out", metavar="DIR", type=Path, default=Path("build"), help="output folder (default: build/)")
    _base_arg(p)
    p.add_argument("--store", metavar="PATH", type=Path, default=None, help="also write a persistent Oxigraph store")
    p.add_argument("--skip", metavar="FORMAT", action="append", default=[],
                   help="leave this output out (repeatable): " + ", ".join(f.name for f in formats.build_outputs()))
    handlers["build"] = cmd_build

    writable = [f for f in formats.formats() if f.write is not None]
    p = sub.add_parser(
        "export",
        help="validate, then write one format of the graph to a file (or to standard output)",
        description="Formats: " + "; ".join(f"{f.name} ({f.filename}): {f.description}" for f in writable) + ".",
    )
    p.add_argument("--format", metavar="NAME", required=True, choices=[f.name for f in writable],
                   help="the format to write: " + ", ".join(f.name for f in writable))
    _data_arg(p)
    p.add_argument("--out", metavar="PATH", default=None,
                   help="file to write (default: the format's file name in the current folder; - for standard output)")
    _base_arg(p)
    handlers["export"] = cmd_export

    p = sub.add_parser("view", help="open the graph page (index.html) in a web browser, building it first if needed")
    _data_arg(p)
    p.add_argument("--out", metavar="DIR", type=Path, default=Path("build"), help="build folder (default: build/)")
    _base_arg(p)
    p.add_argument("--rebuild", action="store_true", help="build even when the page is newer than the data")
    p.add_argument("--no-open", action="store_true", help="only build if needed and print the page's path")
    handlers["view"] = cmd_view

    p = sub.add_parser(
        "push",
        help="load the graph into a SPARQL server's named graph (Graph Store Protocol, in batches), replacing it",
        description="Credentials, if the server asks for them, come from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD.",
    )
    p.add_argument("--gsp", metavar="URL", required=True,
                   help="the server's Graph Store Protocol endpoint, e.g. http://host:8890/sparql-graph-crud-auth")
    p.add_argument("--named-graph", metavar="IRI", default=None,
                   help="the graph to replace (default: {base}graph, e.g. https://evidence-kg.example/id/graph)")
    p.add_argument("--batch-size", metavar="N", type=_positive_int, default=50_000,
                   help="triples per request (default: 50000)")
    _data_arg(p)
    _base_arg(p)
    handlers["push"] = cmd_push

    p = sub.add_parser("summary",
                       help="the evidence summary: one row per treatment-condition pair with its verdict and strength")
    _data_arg(p)
    p.add_argument("--condition", metavar="ID", default=None,
                   help="only the pairs of this condition and of the conditions under it")
    p.add_argument("--min-strength", metavar="LEVEL", default=None, choices=summary_strengths(),
                   help="only pairs whose evidence is at least this strong: " + ", ".join(summary_strengths()))
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    handlers["summary"] = cmd_summary

    p = sub.add_parser("queries", help="list the saved SPARQL queries, or write them as .rq files with --export")
    p.add_argument("--export", metavar="DIR", type=Path, default=None,
                   help="write every saved query as a standalone DIR/NAME.rq file")
    handlers["queries"] = cmd_queries

    p = sub.add_parser(
        "query",
        help="run a saved query (see `kg queries`) or a .rq file",
        description="Parameters are ids, bound as the RDF terms of those entities (never pasted into the query).",
    )
    p.add_argument("query", metavar="NAME|FILE.rq", help="a saved query's name or a SPARQL query file")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--data", metavar="DIR", type=Path, default=None,
                        help="data folder to query (default: the bundled data)")
    source.add_argument("--graph", metavar="FILE", type=Path, default=None,
                        help="query a built graph file instead: graph.ttl, graph.nt or graph.jsonld")
    source.add_argument("--store", metavar="PATH", type=Path, default=None,
                        help="query a store written by `kg build --store PATH`")
    source.add_argument("--endpoint", metavar="URL", default=None,
                        help="run it on a SPARQL endpoint instead, e.g. http://host:8890/sparql (credentials, "
                             "if asked for, from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD)")
    p.add_argument("--named-graph", metavar="IRI", default=None,
                   help="with --endpoint: the graph to query (default: the one `kg push` fills, "
                        "https://evidence-kg.example/id/graph)")
    p.add_argument("--param", metavar="KEY=VALUE", type=_param, action="append", default=[],
                   help="bind a parameter to the entity with this id (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "tsv", "json"), default="table",
                   help="table (default), or the W3C SPARQL 1.1 results formats csv, tsv, json")
    p.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph",
                   help="SPARQL engine (default: oxigraph)")
    handlers["query"] = cmd_query

    p = sub.add_parser(
        "extract",
        help="propose evidence rows (an evidence.csv) from a source's text; quotes are exact spans of the text",
        description="The folder's treatments and conditions are the lexicon; cue rules decide effect, timeframe, "
                    "recommendation and certainty (see docs/extract.md). Rows are proposals for a curator to check.",
    )
    p.add_argument("text_file", metavar="TEXT_FILE", type=Path, help="the source's plain text (UTF-8)")
    _data_arg(p)
    p.add_argument("--source", metavar="ID", required=True, help="the id, in sources.csv, the rows are attributed to")
    p.add_argument("--out", metavar="FILE", type=Path, default=None,
                   help="write here (atomically) instead of standard output")
    p.add_argument("--format", choices=("csv", "json", "table"), default="table", help="output format (default: table)")
    p.add_argument("--min-confidence", metavar="X", type=_confidence, default=None,
                   help="leave out rows below this confidence, 0-1 (default: 0.35)")
    p.add_argument("--suggest-lexicon", metavar="FILE", type=Path, default=None,
                   help="also write candidate treatments.csv/conditions.csv rows for terms not in the lexicon")
    handlers["extract"] = cmd_extract


    p = sub.add_parser("import", help="read FHIR (R5 Bundle) or KGX (Biolink JSON lines) into the four contract CSVs")
    p.add_argument("--format", required=True, metavar="NAME", help="fhir or kgx (any readable registered format)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="a FHIR Bundle .json; for kgx a folder with nodes.jsonl and edges.jsonl, or those files")
    p.add_argument("--out", metavar="DIR", type=Path, required=True, help="data folder to write the CSVs into")
    handlers["import"] = cmd_import
    p = sub.add_parser(
        "diff",
        help="what changed between two versions of the evidence, and why verdicts moved",
        description="Each side is a data folder, a build folder (its graph.nt), a store (kg build --store) or "
                    "REV:PATH, a data folder in git (e.g. HEAD~1:data). Exit 0 when nothing differs, 1 when "
                    "something does, 2 on trouble.",
    )
    p.add_argument("old", metavar="OLD", help="the earlier version")
    p.add_argument("new", metavar="NEW", help="the later version")
    p.add_argument("--format", choices=("table", "csv", "json", "markdown", "html"), default="table",
                   help="table (default), csv, json, markdown (for a pull-request comment), html (an offline page)")
    p.add_argument("--out", metavar="FILE", type=Path, default=None, help="write the report here instead of stdout")
    handlers["diff"] = cmd_diff

    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handlers[args.command](args)
    except KgError as err:
        _say(err.report(args.command))
        return err.exit_code
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as err:  # a file or folder the library did not expect to fail (disk full, permissions)
        _say(f"kg {args.command}: {err}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
