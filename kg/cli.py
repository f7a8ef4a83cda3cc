"""The `kg` command: parse arguments, call the library, print. Nothing else lives here.

Exit codes: 0 success, 1 a failure (invalid data, unknown id, unwritable output),
2 a usage error. Problems and messages go to standard error; results (and
`kg validate`'s problems) to standard output.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError
from kg.limits import DEFAULT_QUERY_TIMEOUT

if TYPE_CHECKING:
    import pandas as pd

    from kg.results import ResultSet

Handler = Callable[[argparse.Namespace], int]

UserError = KgError
"""The old name of a failure caused by the user's input (exit 1): `kg.errors.KgError`."""


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _plural(n: int, one: str) -> str:
    from kg.progress import plural

    return plural(n, one)


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

    parser.add_argument("--base", default=DEFAULT_BASE, type=_base,
                        help=f"base IRI for entities (default: {DEFAULT_BASE})")


def _base(text: str) -> str:
    from kg.errors import UsageError
    from kg.vocab import check_base

    try:
        return check_base(text)
    except UsageError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _out_dir(text: str) -> Path:
    from kg.build import check_out
    from kg.errors import UsageError

    try:
        return check_out(text)
    except UsageError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


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
        _say(f"{_plural(len(problems), 'problem')} in {folder}")
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
    from kg.atomic import staging_folders
    from kg.build import OUTPUTS, build
    from kg.progress import Display, is_terminal, outputs_line

    out = Path(args.out)
    # bytes written so far: the files in the build's staging folder beside --out
    files = len(OUTPUTS) - len(set(args.skip)) + (args.store is not None)
    display = Display(is_terminal() and not args.quiet, files=files, watch=lambda: staging_folders(out))
    with display.shown("kg build"):
        paths = build(args.data, out, base=args.base, store=args.store, progress=display.step, skip=args.skip)
    if not args.quiet:
        _say(outputs_line("built", paths, display.seconds, out))
        if args.store is not None:
            _say(f"wrote the Oxigraph store {args.store}/ (query it with `kg query NAME --store {args.store}`)")
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    import webbrowser

    from kg.atomic import recover
    from kg.build import build, view_dir
    from kg.model import bundled_data_dir

    folder = Path(args.data or bundled_data_dir())
    out = args.out if args.out is not None else view_dir(folder)
    recover(out)  # a build a killed one left mid-swap is settled before its page is judged
    index = out / "index.html"
    newest = max((f.stat().st_mtime_ns for f in folder.rglob("*") if f.is_file()), default=0)
    if args.rebuild or not index.is_file() or index.stat().st_mtime_ns < newest:
        build(folder, out, base=args.base)
        _say(f"built {out}/ from {folder}")
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
    update = remote.check_url(args.update, "the SPARQL Update URL") if args.update else None
    client = remote.Client(remote.Credentials.from_env(), timeout=args.timeout,
                           allow_insecure_basic=args.allow_insecure_basic)
    from kg.progress import Display, is_terminal, size

    evidence = kg.load(args.data, base=args.base)
    display = Display(is_terminal() and not args.quiet, rows_unit="triple")
    if not args.quiet:
        _say(f"pushing into the named graph <{graph}> at {gsp}")
        if update is None:
            _say("no --update URL: the graph is replaced batch by batch, so readers can see part of it meanwhile")
    nt = evidence.ntriples
    with display.shown("kg push"):
        display.step(f"{size(len(nt))} of N-Triples")
        report = remote.push(nt, gsp, graph, batch_size=args.batch_size, batch_bytes=args.batch_bytes,
                             update_url=update, client=client, notice=_say,
                             progress=lambda sent, total: display.rows(sent, total))
    if not args.quiet:
        _say(f"pushed {_plural(report.triples, 'triple')} ({size(len(nt))}) in {_plural(report.batches, 'request')} "
             f"into <{report.graph}> in {display.seconds:.1f} s")
    return 0


def _insecure_arg(parser: argparse.ArgumentParser, when: str = "") -> None:
    parser.add_argument("--allow-insecure-basic", action="store_true",
                        help=f"{when}answer a basic-authentication challenge over plain http (sends the password "
                             "readable on the way; refused by default)")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


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
    if args.format == "table":
        _show(frame, args, priority=("treatment", "condition", "verdict", "strength", "headline"))
        return 0
    writers = {"csv": summary.to_csv, "json": summary.to_json}
    _write(writers[args.format](_pick(frame, args)))
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    from kg import queries

    if args.export is not None:
        paths = queries.export_queries(args.export)
        _say(f"wrote {len(paths)} queries to {args.export}/: " + ", ".join(p.name for p in paths))
        return 0
    saved = queries.saved_queries()
    import pandas as pd

    frame = pd.DataFrame({"name": [q.name for q in saved],
                          "parameters": [", ".join(p.describe() for p in q.params) for q in saved],
                          "description": [q.description for q in saved]}, dtype="string")
    _show(frame, args, priority=("name", "parameters", "description"), whole=("name",))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kg import engines, queries, results, vocab

    params: dict[str, str] = {}
    for key, value in args.param:
        if key in params:
            raise queries.QueryUsageError(f"parameter {key!r} given twice")
        params[key] = value
    query = queries.load_query(args.query)
    credentials = client = None
    if args.endpoint is not None:
        from kg.remote import Client, Credentials

        credentials = Credentials.from_env()
        client = Client(credentials, timeout=args.timeout, allow_insecure_basic=args.allow_insecure_basic)
    engine = engines.open_engine(data=args.data, graph=args.graph, store=args.store, endpoint=args.endpoint,
                                 engine=args.engine, named_graph=args.named_graph, credentials=credentials,
                                 allow_service=args.allow_service, timeout=args.timeout, client=client)
    answer = engines.run(query, engine, params)
    if args.columns is not None and answer.boolean is None:
        answer = _pick_results(answer, args)
    if args.format == "table" and answer.boolean is None:
        _show(results.display_frame(answer, vocab.prefixes()), args)
        return 0
    _write(results.format_results(answer, args.format, prefixes=vocab.prefixes()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg import formats
    from kg.build import export
    from kg.model import bundled_data_dir, read_valid
    from kg.progress import Display, is_terminal, size

    target = Path(args.out if args.out is not None else formats.get(args.format).filename)
    to_stdout = str(args.out) == "-"
    # bytes written so far: the staging folder beside the target (kg.atomic.staged)
    display = Display(is_terminal() and not args.quiet and not to_stdout, files=1,
                      watch=lambda: sorted(target.resolve().parent.glob(".export-*")))
    with display.shown("kg export"):
        display.step(target.name)
        written = export(read_valid(args.data or bundled_data_dir()), args.format, args.out, base=args.base)
    if written is not None and not args.quiet:
        _say(f"wrote {written} ({size(written.stat().st_size)}) in {display.seconds:.1f} s")
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
    from kg.progress import Display, is_terminal, plural, size
    from kg.resolve import Resolver

    floor = DEFAULT_MIN_CONFIDENCE if args.min_confidence is None else args.min_confidence
    display = Display(is_terminal() and not args.quiet)
    with display.shown("kg extract"):
        display.step(f"reading {args.text_file.name}")
        text = read_text(args.text_file)
        dataset = read_valid(args.data or bundled_data_dir())
        source = Resolver.of(dataset).resolve(args.source, "source")  # an id, or a source's title
        display.step(f"proposing rows from {plural(len(text), 'character')}")
        frame = extract(dataset, text, source=source, min_confidence=floor)
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
    elif not args.quiet:
        _say(f"wrote {plural(len(frame), 'proposed row')} to {args.out} ({size(Path(args.out).stat().st_size)}) "
             f"in {display.seconds:.1f} s")
    if args.suggest_lexicon is not None and not args.quiet:
        _say(f"wrote lexicon suggestions to {args.suggest_lexicon}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import kg
    from kg.atomic import staging_folders
    from kg.errors import UsageError
    from kg.progress import Display, is_terminal, plural, size
    from kg.schema import TABLES

    out = Path(args.out)
    # bytes written so far: the staging folder beside --out (kg.atomic.writing, from kg.interop.write_tables)
    display = Display(is_terminal() and not args.quiet, files=len(TABLES), watch=lambda: staging_folders(out))
    try:
        with display.shown("kg import"):
            display.step(f"from {', '.join(p.name for p in args.files)}")
            graph = kg.import_(args.format, args.files, out=args.out)
    except UsageError:
        raise
    except KgError as err:
        raise KgError(f"{err}; nothing was written") from None
    d = graph.dataset
    written = sum((out / t.file).stat().st_size for t in TABLES.values() if (out / t.file).is_file())
    if not args.quiet:
        _say(f"wrote the four CSVs to {args.out}/ ({size(written)}) in {display.seconds:.1f} s: "
             f"{plural(len(d.evidence), 'statement')}, {plural(len(d.treatments), 'treatment')}, "
             f"{plural(len(d.conditions), 'condition')}, {plural(len(d.sources), 'source')}")
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


def _table_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--columns", metavar="A,B,C", default=None,
                        help="show only these columns, in this order (names as in the header)")
    parser.add_argument("--wide", action="store_true",
                        help="every column in full, however wide the terminal (as when piped); for the table "
                             "shown, so not with csv or json")


# Options that mean something only beside another option (or another option's value), checked
# after parsing, before anything runs: a usage error (exit 2) naming both. Options of the library
# (`--named-graph`, `--engine`, `--allow-service` of `kg query`) are checked by the library
# (`kg.engines.open_engine`), for the API too.
GOES_WITH: tuple[tuple[str, str, str, str | None], ...] = (
    # (command, option, the option it needs, the value that option must have, or None: given at all)
    ("query", "--allow-insecure-basic", "--endpoint", None),
    ("query", "--wide", "--format", "table"),
    ("summary", "--wide", "--format", "table"),
    ("list", "--wide", "--format", "table"),
)
NOT_WITH: tuple[tuple[str, str, str], ...] = (
    # (command, option, the option it does not go with)
    ("queries", "--columns", "--export"),
    ("queries", "--wide", "--export"),
)


def _given(args: argparse.Namespace, option: str) -> bool:
    """Whether `option` was given (options these rules name default to None or False)."""
    return getattr(args, option.lstrip("-").replace("-", "_")) not in (None, False)


def check_options(args: argparse.Namespace) -> None:
    """UsageError (exit 2) for an option given without the option it goes with, or with one it does not."""
    from kg.errors import UsageError

    for command, option, other, value in GOES_WITH:
        if command != args.command or not _given(args, option):
            continue
        have = getattr(args, other.lstrip("-").replace("-", "_"))
        if (value is None and have is None) or (value is not None and have != value):
            needs = f"{other} {value}" if value is not None else other
            raise UsageError(f"{option} goes with {needs}" + (f", not {other} {have}" if value is not None else ""))
    for command, option, other in NOT_WITH:
        if command == args.command and _given(args, option) and _given(args, other):
            raise UsageError(f"{option} does not go with {other}")


def _show(frame: pd.DataFrame, args: argparse.Namespace, *, priority: Sequence[str] = (),
          whole: Sequence[str] = ()) -> None:
    """A table on standard output, fitted to the terminal (see kg.tables)."""
    from kg import tables

    layout = tables.Layout.for_stream(sys.stdout, wide=args.wide)
    _write(tables.show(frame, layout, columns=tables.parse_columns(args.columns), priority=priority, whole=whole))


def _pick(frame: pd.DataFrame, args: argparse.Namespace) -> pd.DataFrame:
    """Only the --columns asked for (all when none), for the csv and json formats."""
    from kg import tables

    return tables.select_columns(frame, tables.parse_columns(args.columns))


def _pick_results(answer: ResultSet, args: argparse.Namespace) -> ResultSet:
    """A result set with only the --columns asked for, in that order (all formats)."""
    import pandas as pd

    from kg import results, tables

    picked = tables.select_columns(pd.DataFrame(columns=answer.variables), tables.parse_columns(args.columns))
    names = [str(c) for c in picked.columns]
    where = [answer.variables.index(n) for n in names]
    return results.ResultSet(names, [tuple(row[i] for i in where) for row in answer.rows])


def cmd_list(args: argparse.Namespace) -> int:
    import kg
    from kg import listing

    dataset = kg.load(args.data).dataset
    if args.tree:
        frame = listing.tree(dataset, args.what)
        priority: tuple[str, ...] = ("tree", "label", "statements", "total")
        whole: tuple[str, ...] = ("tree",)
    else:
        frame = listing.entities(dataset, args.what)
        priority, whole = ("id", "label", "statements"), ()
    if args.format == "table":
        _show(frame, args, priority=priority, whole=whole)
    elif args.format == "csv":
        _write(_pick(frame, args).to_csv(index=False, lineterminator="\n"))
    else:
        from kg import summary

        _write(summary.to_json(_pick(frame, args)))
    return 0


HELP: dict[str, tuple[str, tuple[str, ...]]] = {
    # command: (description, examples); shown by `kg COMMAND --help`
    "validate": ("Check a data folder (sources.csv, conditions.csv, treatments.csv, evidence.csv) and print "
                 "every problem as FILE:LINE: column: message, the line as a text editor counts it. Exit 0 when "
                 "clean, 1 when not.",
                 ("kg validate", "kg validate --data path/to/folder")),
    "build": ("Validate the data, then write graph.ttl, graph.jsonld, graph.nt, graph.graphml, summary.csv and "
              "index.html into --out. On a terminal a progress line shows the files and bytes written; the "
              "last line lists the outputs with their sizes. Invalid data writes nothing.",
              ("kg build", "kg build --data path/to/folder --out site/", "kg build --store graph-store/ --quiet")),
    "export": ("Validate the data, then write one format of the graph to a file (atomically), or to standard "
               "output with --out -. On a terminal a progress line shows the bytes written; the last line gives "
               "the file, its size and the time.",
               ("kg export --format ttl --out graph.ttl", "kg export --format summary --out -",
                "kg export --format page --data path/to/folder --out site/index.html")),
    "extract": ("Propose evidence rows (an evidence.csv) from a source's plain text: the data folder's "
                "treatments and conditions are the lexicon, cue rules decide effect, timeframe, recommendation "
                "and certainty, and every quote is an exact span of the text. --source takes the source's id or "
                "title. Rows are proposals for a curator to check.",
                ("kg extract data/texts/seed-back-hip-pain.txt --source encyclopedia-low-back-pain",
                 "kg extract notes.txt --data path/to/folder --source guide --out proposed.csv --format csv",
                 "kg extract notes.txt --source guide --suggest-lexicon lexicon.csv --min-confidence 0.5")),
    "import": ("Read an interchange file, an HL7 FHIR R5 Bundle (fhir) or Biolink KGX JSON lines (kgx), into "
               "the four contract CSVs in --out, only if they validate (nothing half-written). What could not "
               "be mapped is counted on standard error.",
               ("kg import --format fhir evidence.fhir.json --out imported/",
                "kg import --format kgx kgx/ --out imported/ --quiet")),
    "diff": ("What changed between two versions of the evidence, and why verdicts moved. A side is a data "
             "folder, a build folder, a store, or REV:PATH in git. Exit 0 when nothing differs, 1 when "
             "something does, 2 on trouble.",
             ("kg diff HEAD~1:data data", "kg diff old-build/ build/ --format markdown",
              "kg diff data other-data/ --format html --out diff.html")),
    "view": ("Open the graph page in a web browser, building it first when the data is newer. Without --out "
             "the page is built into the project's build/ folder for the bundled data, and into a folder "
             "under the system's temporary folder for any other data folder: never into the current folder "
             "unasked.",
             ("kg view", "kg view --data path/to/folder --no-open", "kg view --out site/ --rebuild")),
    "push": ("Replace a named graph on a SPARQL server with the graph, through the Graph Store HTTP Protocol, "
             "in batches. Credentials, if the server asks for them, come from KG_ENDPOINT_USER and "
             "KG_ENDPOINT_PASSWORD.",
             ("kg push --gsp http://localhost:8890/sparql-graph-crud-auth",
              "kg push --gsp http://localhost:3030/kg/data --named-graph https://example.org/graph --quiet")),
    "summary": ("The evidence summary: one row per treatment-condition pair with its verdict, the effect per "
                "timeframe, the number of sources and a headline. --condition takes an id, a label or a "
                "synonym, and includes the conditions under it.",
                ("kg summary", 'kg summary --condition "sciatic pain"',
                 "kg summary --columns treatment,verdict,headline --format csv")),
    "list": ("List the treatments, conditions or sources: id, label, synonyms, parent and how many statements "
             "are about each. --tree draws the hierarchy, with the statements about each entry and everything "
             "under it.",
             ("kg list conditions --tree", "kg list treatments --columns id,label,statements",
              "kg list sources --format csv")),
    "queries": ("List the saved SPARQL queries with their parameters, or write them as standalone .rq files.",
                ("kg queries", "kg queries --export queries/")),
    "query": ("Run a saved query (see `kg queries`) or a .rq file. A parameter's value is an id, a label or a "
              "synonym; it is bound as the RDF term of that entity, never pasted into the query.",
              ('kg query evidence-for-condition --param condition="sciatic pain"',
               "kg query by-source --param source=nih-low-back-pain-fact-sheet --format csv",
               "kg query my-query.rq --graph build/graph.ttl --format json")),
}


def _document(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Give every subcommand its description and examples (HELP) in `kg COMMAND --help`."""
    import textwrap

    for name, parser in sub.choices.items():
        if name not in HELP:  # a command added without its help: tests/test_cli.py says so, kg still runs
            continue
        description, examples = HELP[name]
        extra = f"\n\n{textwrap.fill(parser.description, 78)}" if parser.description else ""
        parser.description = textwrap.fill(description, 78) + extra
        parser.epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter


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
    p.add_argument("--out", metavar="DIR", type=_out_dir, default=Path("build"),
                   help="output folder (default: build/); one build at a time per folder")
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
    p.add_argument("--out", metavar="DIR", type=_out_dir, default=None,
                   help="build folder (default: the checkout's build/ for the bundled data, else a folder under "
                        "the system's temporary folder; never the current folder)")
    _base_arg(p)
    p.add_argument("--rebuild", action="store_true", help="build even when the page is newer than the data")
    p.add_argument("--no-open", action="store_true", help="only build if needed and print the page's path")
    handlers["view"] = cmd_view

    p = sub.add_parser(
        "push",
        help="load the graph into a SPARQL server's named graph (Graph Store Protocol, in batches), replacing it",
    )
    p.add_argument("--gsp", metavar="URL", required=True,
                   help="the server's Graph Store Protocol endpoint, e.g. http://host:8890/sparql-graph-crud-auth")
    p.add_argument("--named-graph", metavar="IRI", default=None,
                   help="the graph to replace (default: {base}graph, e.g. https://evidence-kg.example/id/graph)")
    p.add_argument("--update", metavar="URL", default=None,
                   help="the server's SPARQL 1.1 Update endpoint, e.g. http://host:8890/sparql-auth: load into a "
                        "staging graph, then replace the graph in one step (COPY)")
    p.add_argument("--batch-bytes", metavar="N", type=_positive_int, default=2_000_000,
                   help="bytes of N-Triples per request (default: 2000000); a batch refused as too large is "
                        "sent again in halves")
    p.add_argument("--batch-size", metavar="N", type=_positive_int, default=None,
                   help="also at most this many triples per request (default: no count limit)")
    p.add_argument("--timeout", metavar="SECONDS", type=_seconds, default=300.0,
                   help="the longest one request may take in all (default: 300)")
    _insecure_arg(p)
    _data_arg(p)
    _base_arg(p)
    handlers["push"] = cmd_push

    p = sub.add_parser("summary",
                       help="the evidence summary: one row per treatment-condition pair with its verdict and strength")
    _data_arg(p)
    p.add_argument("--condition", metavar="ID|NAME", default=None,
                   help="only the pairs of this condition (an id, label or synonym) and of the conditions under it")
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
                   help="bind a parameter to the entity with this id, label or synonym (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "tsv", "json"), default="table",
                   help="table (default), or the W3C SPARQL 1.1 results formats csv, tsv, json")
    p.add_argument("--engine", choices=("oxigraph", "rdflib"), default=None,
                   help="local SPARQL engine (default: oxigraph); not with --endpoint")
    p.add_argument("--timeout", metavar="SECONDS", type=_seconds, default=DEFAULT_QUERY_TIMEOUT,
                   help=f"stop the query after this long (default: {DEFAULT_QUERY_TIMEOUT:g}); with --endpoint, "
                        "the whole of each request")
    p.add_argument("--allow-service", action="store_true",
                   help="let a local query call remote SPARQL services (SERVICE); refused by default, since it "
                        "sends local data over the network; not with --endpoint")
    _insecure_arg(p, "with --endpoint: ")
    handlers["query"] = cmd_query

    p = sub.add_parser(
        "extract",
        help="propose evidence rows (an evidence.csv) from a source's text; quotes are exact spans of the text",
        description="The folder's treatments and conditions are the lexicon; cue rules decide effect, timeframe, "
                    "recommendation and certainty (see docs/extract.md). Rows are proposals for a curator to check.",
    )
    p.add_argument("text_file", metavar="TEXT_FILE", type=Path, help="the source's plain text (UTF-8)")
    _data_arg(p)
    p.add_argument("--source", metavar="ID|TITLE", required=True,
                   help="the source (its id in sources.csv, or its title) the rows are attributed to")
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

    p = sub.add_parser("list", help="list the treatments, conditions or sources with their ids and statement counts")
    p.add_argument("what", choices=("treatments", "conditions", "sources"), help="what to list")
    _data_arg(p)
    p.add_argument("--tree", action="store_true", help="draw the hierarchy (treatments and conditions)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    handlers["list"] = cmd_list

    for name in ("summary", "query", "queries", "list"):
        _table_args(sub.choices[name])
    for name in ("build", "push", "export", "import", "extract"):
        sub.choices[name].add_argument("-q", "--quiet", action="store_true",
                                       help="print nothing but errors (no progress, no closing line)")
    _document(sub)
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    code = _main(argv)
    from kg import limits

    if argv is None and limits.abandoned():
        # A query left running in a worker thread (Ctrl-C, --timeout): exit now, without the interpreter's
        # clean-up, which would take seconds beside it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = make_parser()
    # Shell completion (bash, zsh, fish): after `eval "$(register-python-argcomplete kg)"`, the shell runs
    # kg with _ARGCOMPLETE set, and argcomplete answers from the parser and exits here.
    import argcomplete

    argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        check_options(args)
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
