"""Saved SPARQL queries and user query files: find them, bind their parameters, run them.

A query is a `.rq` file whose leading comment lines form a header::

    # name: evidence-for-condition
    # description: Every statement about a condition or a narrower one.
    # param: condition (condition id): the condition

The saved queries live in `kg/queries/`. A parameter is a variable of the
same name. Its value is an id: it is looked up in the graph (the entity whose
`dcterms:identifier` is the id and whose kind matches the parameter's type)
and bound as that entity's IRI — through Oxigraph's `substitutions` or
rdflib's `initBindings` — never pasted into the query text. A file without
`# param:` lines takes any of its variables as a parameter; a variable named
like a kind (`condition`, `treatment`, `source`, `evidence`) looks up that
kind, any other name every kind.

Oxigraph follows SPARQL-dev SEP-0007, under which a substituted variable must
be in the SELECT clause; every saved query selects its parameters.

Problems a user can cause (unknown query or id, missing or unknown
parameter, a syntax error in a file) raise `QueryError` with a message meant
to be printed as is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from kg import atomic, limits, rdf
from kg import vocab as V
from kg.errors import KgError
from kg.model import Dataset
from kg.results import ResultSet, Term

ENGINES: tuple[str, ...] = ("oxigraph", "rdflib")
PARAM_KINDS: tuple[str, ...] = ("condition", "treatment", "source", "evidence")

# What makes an entity of each kind, as a SPARQL pattern on ?entity.
_KIND_PATTERNS = {
    "treatment": f"?entity a <{V.SCHEMA}MedicalTherapy> .",
    "condition": f"?entity a <{V.SCHEMA}MedicalCondition> .",
    "source": f"?entity <{V.VOCAB}sourceType> ?type .",
    "evidence": f"?entity a <{V.VOCAB}EvidenceStatement> .",
}

_HEADER_LINE = re.compile(r"^#\s*(name|description|param)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_PARAM_SPEC = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(?P<kind>[A-Za-z]+)(?:\s+id)?\s*\))?\s*(?::\s*(?P<text>.*))?$"
)
# Tokens that may hold '?', '$' or '#' without being variables or comments.
_TOKENS = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\s]*>)"""
    r"""|(?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")"""
    r"""|(?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<comment>\#[^\n]*)"""
    r"""|(?P<var>[?$][A-Za-z_0-9][A-Za-z_0-9\u00B7]*)""",
    re.DOTALL,
)


class QueryError(KgError):
    """A query that cannot be run as asked; the message says why, for a person (exit 1)."""


@dataclass(frozen=True)
class Param:
    """A declared parameter: the variable it binds, the kind of id it takes, what it means."""

    name: str
    kind: str | None
    description: str = ""

    def describe(self) -> str:
        kind = f" ({self.kind} id)" if self.kind else ""
        return f"{self.name}{kind}"


@dataclass(frozen=True)
class Query:
    """A SPARQL query with its header."""

    name: str
    text: str
    description: str = ""
    params: tuple[Param, ...] = ()
    path: Path | None = None
    saved: bool = False
    variables: frozenset[str] = field(default_factory=frozenset)

    @property
    def where(self) -> str:
        """How messages name this query: the file for a user's file, else the name."""
        return str(self.path) if self.path is not None and not self.saved else self.name


# --------------------------------------------------------------------------- reading queries


def query_variables(text: str) -> frozenset[str]:
    """Names of the variables in a query (outside comments, strings and IRIs)."""
    return frozenset(m.group("var")[1:] for m in _TOKENS.finditer(text) if m.group("var"))


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile(r"(?<![\w:.\-\u00B7])SERVICE(?![\w:\-])(?P<silent>\s+SILENT(?![\w:\-]))?", re.IGNORECASE)


def _unescaped(text: str) -> str:
    """The text as a SPARQL parser reads it: \\u and \\U escapes are decoded anywhere, before parsing."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)


def _service_calls(text: str) -> list[re.Match[str]]:
    """Each SERVICE keyword of a query (outside strings, IRIs, comments and variable names), in `_unescaped(text)`."""
    decoded = _unescaped(text)
    blank = _TOKENS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), decoded)
    return list(_SERVICE.finditer(blank))


def uses_service(text: str) -> bool:
    """Whether a query calls a remote SPARQL service (federation: SERVICE).

    >>> uses_service("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service { ?service <urn:p> "SERVICE" } # SERVICE')
    False
    """
    return bool(_service_calls(text))


def _without_service(text: str) -> str:
    """The query with each `SERVICE [SILENT]` read as `GRAPH` (same grammar, same columns): checking its
    syntax with Oxigraph would otherwise call the service, since Oxigraph starts evaluating at once."""
    calls = _service_calls(text)
    if not calls:
        return text
    out = _unescaped(text)
    for m in reversed(calls):
        out = out[: m.start()] + "GRAPH".ljust(m.end() - m.start()) + out[m.end():]
    return out


def refuse_service(query: Query) -> None:
    """QueryError if a query to be run locally calls a remote service: nothing local reaches the network.

    Checked before anything is evaluated; `kg query --allow-service` skips the check.
    """
    calls = _service_calls(query.text)
    if not calls:
        return
    decoded = _unescaped(query.text)
    at = calls[0].start()
    line = decoded.count("\n", 0, at) + 1
    column = at - (decoded.rfind("\n", 0, at) + 1) + 1
    raise QueryError(f"{query.where}:{line}:{column}: the query calls a remote SPARQL service (SERVICE), which "
                     "would send requests, with local data in them, over the network; a local query does not do "
                     "that unless you give --allow-service (allow_service=True)")


def parse_header(text: str) -> tuple[str | None, str, tuple[Param, ...]]:
    """(name, description, params) from the leading comment lines of a query."""
    name: str | None = None
    description = ""
    params: list[Param] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER_LINE.match(stripped)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2)
        if key == "name":
            name = value
        elif key == "description":
            description = value
        else:
            spec = _PARAM_SPEC.match(value)
            if not spec:
                raise QueryError(f"cannot read the parameter line '# param: {value}'; "
                                 "write '# param: NAME (condition|treatment|source id): description'")
            kind = spec.group("kind")
            if kind is not None:
                kind = kind.lower()
                if kind not in PARAM_KINDS:
                    raise QueryError(f"parameter {spec.group('name')!r} has unknown type {kind!r}; "
                                     f"use one of: {', '.join(PARAM_KINDS)}")
            params.append(Param(spec.group("name"), kind, spec.group("text") or ""))
    return name, description, tuple(params)


def _syntax_message(where: str, text: str, line: int, column: int, message: str) -> str:
    lines = text.splitlines()
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    gutter = f"{line:>5} | "
    return (f"{where}:{line}:{column}: SPARQL syntax error: {message}\n"
            f"{gutter}{shown}\n{' ' * (len(gutter) - 2)}| {' ' * max(column - 1, 0)}^")


def _short_expectation(message: str) -> str:
    """Oxigraph lists every token it would accept; keep the first few a person can read."""
    m = re.match(r"expected one of (.*)", message, re.DOTALL)
    if not m:
        return " ".join(message.split())
    words = [w.strip() for w in re.split(r",\s*", m.group(1)) if w.strip()]
    readable = [w for w in words if len(w) <= 12 and "\\" not in w and "'" not in w[:1]]
    shown = ", ".join(readable[:8]) or "something else"
    return f"expected one of {shown}{', ...' if len(readable) > 8 or len(words) > len(readable) else ''}"


def check_syntax(text: str, where: str) -> None:
    """Raise QueryError (file, line, the line itself and a caret) if `text` is not a SPARQL query.

    Oxigraph says what it expected; rdflib often points nearer the mistake.
    The earlier of the two positions is shown.
    """
    import pyoxigraph as ox

    text = _without_service(text)
    try:
        ox.Store().query(text)  # parsed now, evaluated on an empty store; SERVICE read as GRAPH
        return
    except SyntaxError as err:
        message = str(err)
    except (RuntimeError, ValueError, OSError) as err:
        raise QueryError(f"{where}: {err}") from None
    found: list[tuple[tuple[int, int], str]] = []  # (line, column), what is wrong there
    m = re.match(r"error at (\d+):(\d+):\s*(.*)", message, re.DOTALL)
    if "Prefix not found" in message:
        message = "a prefix is not declared (add a PREFIX line for it)"
    else:
        message = _short_expectation(m.group(3) if m else message)
    if m:
        found.append(((int(m.group(1)), int(m.group(2))), message))
    try:
        from pyparsing import ParseException
        from rdflib.plugins.sparql import prepareQuery

        try:
            prepareQuery(text)
        except ParseException as err:
            token = re.search(r"found (.*?)\s+\(at char", str(err))
            what = token.group(1) if token else "this"
            if what == "end of text":
                hint = "the query ends too early (is a closing '}' missing?)"
            else:
                hint = f"unexpected {what}"
            found.append(((err.lineno, err.col), hint))
        except Exception as err:  # rdflib names an unknown prefix this way
            prefix = re.search(r"Unknown namespace prefix : (\S+)", str(err))
            if prefix:
                found = [(pos, f"prefix '{prefix.group(1)}:' is not declared (add a PREFIX line for it)")
                         for pos, _ in found]
    except ImportError:  # pragma: no cover - rdflib is a dependency
        pass
    if not found:
        raise QueryError(f"{where}: SPARQL syntax error: {message}")
    (line, column), what = min(reversed(found), key=lambda f: f[0])  # on a tie, rdflib's words
    raise QueryError(_syntax_message(where, text, line, column, what))


def parse_query(text: str, *, name: str, path: Path | None = None, saved: bool = False) -> Query:
    """A query from its text: header read, syntax checked, declared parameters checked against its variables."""
    where = name if saved or path is None else str(path)
    header_name, description, params = parse_header(text)
    check_syntax(text, where)
    variables = query_variables(text)
    for p in params:
        if p.name not in variables:
            raise QueryError(f"{where}: parameter {p.name!r} is declared but the query has no variable ?{p.name}")
    return Query(header_name or name, text, description, params, path, saved, variables)


def _saved_dir():  # type: ignore[no-untyped-def]
    return resources.files("kg").joinpath("queries")


def saved_queries() -> list[Query]:
    """The saved queries shipped with the package, sorted by name."""
    out = []
    for entry in sorted(_saved_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            stem = entry.name[: -len(".rq")]
            out.append(parse_query(entry.read_text(encoding="utf-8"), name=stem, path=Path(str(entry)), saved=True))
    return out


def saved_query(name: str) -> Query:
    """One saved query by name; QueryError naming the known ones if there is none."""
    for q in saved_queries():
        if q.name == name:
            return q
    names = ", ".join(q.name for q in saved_queries())
    raise QueryError(f"unknown query {name!r}; saved queries are: {names} (or give the path of a .rq file)")


def load_query(name_or_file: str | Path) -> Query:
    """A saved query by name, or a query file (any path ending in .rq, or an existing file)."""
    text = str(name_or_file)
    path = Path(text)
    if text.endswith(".rq") or path.is_file() or "/" in text:
        if not path.is_file():
            raise QueryError(f"query file {text} not found")
        try:
            body = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            raise QueryError(f"cannot read query file {text}: {err}") from None
        return parse_query(body, name=path.stem, path=path)
    return saved_query(text)


# --------------------------------------------------------------------------- the graph


class QueryGraph:
    """The triples a query runs on, held by Oxigraph; an rdflib copy is made on first use."""

    def __init__(self, store: Any, ntriples: bytes | None = None, origin: str = "graph"):
        self.store = store
        self._ntriples = ntriples
        self._rdflib: Any = None
        self.origin = origin

    @classmethod
    def from_dataset(cls, dataset: Dataset, base: str = V.DEFAULT_BASE) -> QueryGraph:
        nt = rdf.ntriples(dataset, base)
        return cls(rdf.to_oxigraph(nt), nt, origin=str(dataset.data_dir or "data"))

    @classmethod
    def from_ntriples(cls, nt: bytes) -> QueryGraph:
        return cls(rdf.to_oxigraph(nt), nt)

    @classmethod
    def from_file(cls, path: str | Path) -> QueryGraph:
        """A built graph file: Turtle (.ttl), N-Triples (.nt), JSON-LD (.jsonld) or RDF/XML (.rdf, .owl)."""
        import pyoxigraph as ox

        p = Path(path)
        ext = p.suffix.lstrip(".").lower()
        fmt = {"owl": ox.RdfFormat.RDF_XML, "json": ox.RdfFormat.JSON_LD}.get(ext) or ox.RdfFormat.from_extension(ext)
        if fmt is None:
            raise QueryError(f"cannot read graph {p}: unknown graph format {p.suffix or '(no extension)'!r}; "
                             "use .ttl, .nt, .jsonld or .rdf")
        atomic.recover(p.parent)  # a build folder a killed build left mid-swap is settled first
        if not p.is_file():
            raise QueryError(f"graph file {p} not found")
        if fmt == ox.RdfFormat.RDF_XML:
            _refuse_xml_entities(p)
        store = ox.Store()
        try:
            store.bulk_load(path=str(p), format=fmt)
        except (SyntaxError, ValueError, OSError) as err:
            raise QueryError(f"cannot read graph {p}: {err}") from None
        return cls(store, None, origin=str(p))

    @property
    def ntriples(self) -> bytes:
        import pyoxigraph as ox

        if self._ntriples is None:
            self._ntriples = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
        return self._ntriples

    @property
    def rdflib(self) -> Any:
        if self._rdflib is None:
            self._rdflib = rdf.to_rdflib(self.ntriples)
        return self._rdflib

    def lookup(self, ident: str, kind: str | None) -> list[tuple[str, str]]:
        """(kind, IRI) of every entity whose dcterms:identifier is `ident` (of `kind`, when given)."""
        import pyoxigraph as ox

        found: list[tuple[str, str]] = []
        for k in [kind] if kind else list(PARAM_KINDS):
            text = (f"SELECT ?entity ?id WHERE {{ ?entity <{V.DCTERMS}identifier> ?id . "
                    f"{_KIND_PATTERNS[k]} }} ORDER BY ?entity")
            solutions = self.store.query(text, substitutions={ox.Variable("id"): ox.Literal(ident)})
            found += [(k, s["entity"].value) for s in solutions if isinstance(s["entity"], ox.NamedNode)]
        return found


def _refuse_xml_entities(path: Path) -> None:
    """QueryError if an RDF/XML file declares XML entities: the parser would expand them, and a few hundred
    bytes of nested ones ("billion laughs") ask for gigabytes. RDF/XML written by tools declares none."""
    import mmap

    try:
        with open(path, "rb") as handle:
            if path.stat().st_size == 0:
                return
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                found = data.find(b"<!ENTITY")
    except OSError as err:
        raise QueryError(f"cannot read graph {path}: {err.strerror or err}") from None
    if found != -1:
        raise QueryError(f"cannot read graph {path}: it declares XML entities (<!ENTITY), which kg does not "
                         "expand (a few nested ones can take gigabytes); write the graph without a DTD")


# --------------------------------------------------------------------------- binding and running


def bind_params(query: Query, graph: QueryGraph, params: Mapping[str, str] | None) -> dict[str, str]:
    """Check the given parameters against the query and look each id up: variable name -> IRI."""
    given = dict(params or {})
    declared = {p.name: p for p in query.params}
    if declared or query.saved:
        unknown = [k for k in given if k not in declared]
        if unknown:
            takes = ", ".join(p.describe() for p in query.params)
            takes = f"it takes: {takes}" if takes else "it takes no parameters"
            raise QueryError(f"query {query.where} has no parameter {unknown[0]!r}; {takes}")
        missing = [p for p in query.params if p.name not in given]
        if missing:
            p = missing[0]
            what = f" ({p.kind} id{': ' + p.description if p.description else ''})" if p.kind else ""
            raise QueryError(f"query {query.where} needs parameter {p.name!r}{what}")
    else:
        unknown = [k for k in given if k not in query.variables]
        if unknown:
            raise QueryError(f"query {query.where} has no parameter {unknown[0]!r}: no variable ?{unknown[0]} "
                             "in the query")
    bound: dict[str, str] = {}
    for key, ident in given.items():
        kind = declared[key].kind if key in declared else (key if key in PARAM_KINDS else None)
        found = graph.lookup(ident, kind)
        if not found:
            what = kind or "entity"
            raise QueryError(f"unknown {what} {ident!r} (parameter {key!r}): no {what} in the graph has this id")
        if len(found) > 1:
            kinds = ", ".join(k for k, _ in found)
            raise QueryError(f"id {ident!r} (parameter {key!r}) names more than one entity ({kinds}); "
                             f"declare its type in the query header, e.g. '# param: {key} (condition id)'")
        bound[key] = found[0][1]
    return bound


def _ox_converter() -> Any:
    """A function from a pyoxigraph term (or None) to a Term, remembering IRIs and repeated literals."""
    import pyoxigraph as ox

    named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal
    seen: dict[Any, Term] = {}

    def convert(term: Any) -> Term | None:
        if term is None:
            return None
        hit = seen.get(term)
        if hit is not None:
            return hit
        kind = type(term)
        if kind is named:
            out = Term("uri", term.value)
        elif kind is literal:
            out = Term.literal(term.value, term.datatype.value, term.language)
        elif kind is blank:
            out = Term("bnode", term.value)
        else:
            out = Term.literal(str(term))
        if len(seen) < 100_000:
            seen[term] = out
        return out

    return convert


def _ox_term(term: Any) -> Term | None:
    """One pyoxigraph term (or None) as a Term; `_ox_converter` is the fast way for many."""
    converted: Term | None = _ox_converter()(term)
    return converted


def _rdflib_term(term: Any) -> Term | None:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return Term.iri(str(term))
    if isinstance(term, rdflib.BNode):
        return Term.bnode(str(term))
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return Term.literal(str(term), datatype, term.language)
    return Term.literal(str(term))


def _run_oxigraph(query: Query, graph: QueryGraph, bound: dict[str, str]) -> ResultSet:
    import pyoxigraph as ox

    subs = {ox.Variable(k): ox.NamedNode(v) for k, v in bound.items()}
    try:
        answer = graph.store.query(query.text, substitutions=subs or None)
        if isinstance(answer, ox.QueryBoolean):
            return ResultSet([], boolean=bool(answer))
        if not isinstance(answer, ox.QuerySolutions):
            raise QueryError(f"query {query.where}: only SELECT and ASK queries can be run here")
        variables = [v.value for v in answer.variables]
        convert = _ox_converter()
        rows = [tuple(map(convert, solution)) for solution in answer]
    except SyntaxError as err:
        raise QueryError(f"{query.where}: SPARQL syntax error: {err}") from None
    except (RuntimeError, ValueError, OSError) as err:
        message = str(err)
        if "SELECT projection" in message:
            names = ", ".join(f"?{k}" for k in bound)
            raise QueryError(f"query {query.where}: a parameter must be one of the query's SELECT variables "
                             f"(add {names} to the SELECT clause, or use SELECT *)") from None
        raise QueryError(f"query {query.where} failed: {message}") from None
    return ResultSet(variables, rows)


def _run_rdflib(query: Query, graph: QueryGraph, bound: dict[str, str]) -> ResultSet:
    import rdflib
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(query.text)
    except ParseException as err:
        raise QueryError(_syntax_message(query.where, query.text, err.lineno, err.col, err.msg)) from None
    init = {rdflib.Variable(k): rdflib.URIRef(v) for k, v in bound.items()}
    try:
        answer = graph.rdflib.query(prepared, initBindings=init)
        if answer.type == "ASK":
            return ResultSet([], boolean=bool(answer.askAnswer))
        if answer.type != "SELECT":
            raise QueryError(f"query {query.where}: only SELECT and ASK queries can be run here")
        variables = [str(v) for v in answer.vars or []]
        rows = [tuple(_rdflib_term(t) for t in row) for row in answer]
    except QueryError:
        raise
    except Exception as err:  # rdflib raises many kinds of errors while evaluating
        raise QueryError(f"query {query.where} failed: {err}") from None
    return ResultSet(variables, rows)


def run(
    query: Query | str,
    graph: QueryGraph | Dataset,
    params: Mapping[str, str] | None = None,
    engine: str = "oxigraph",
    *,
    allow_service: bool = False,
    timeout: float | None = None,
) -> ResultSet:
    """Run a query (a Query, a saved query's name or a .rq path) on a graph with parameters bound as IRIs.

    A query calling a remote service (SERVICE) is refused unless `allow_service`. With `timeout`
    (seconds) the query runs in a worker thread: TimeLimitError at the deadline, and Ctrl-C
    stops the wait at once (`kg.limits.bounded`).
    """
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    q = query if isinstance(query, Query) else load_query(query)
    if not allow_service:
        refuse_service(q)
    g = graph if isinstance(graph, QueryGraph) else QueryGraph.from_dataset(graph)
    bound = bind_params(q, g, params)
    runner = _run_rdflib if engine == "rdflib" else _run_oxigraph
    if timeout is None:
        return runner(q, g, bound)
    return limits.bounded(lambda: runner(q, g, bound), timeout, f"query {q.where}")


# --------------------------------------------------------------------------- export


def _binding_note(query: Query) -> str:
    if not query.params:
        return "#\n# This query takes no parameters; it runs as is on any SPARQL 1.1 endpoint holding the graph.\n"
    lines = ["#", "# Parameters are variables: bind each to the IRI of an entity before running, with your",
             "# endpoint's or library's initial bindings (rdflib initBindings, Oxigraph substitutions),",
             "# or by adding a VALUES line just inside WHERE { ... }, for example:"]
    for p in query.params:
        kind = p.kind or "entity"
        lines.append(f"#   VALUES ?{p.name} {{ <{V.DEFAULT_BASE}{kind}/ID> }}   # {p.describe()}: {p.description}")
    return "\n".join(lines) + "\n"


def export_text(query: Query) -> str:
    """The query as a standalone .rq file: header, a note on binding its parameters, prefixes and body."""
    lines = query.text.splitlines(keepends=True)
    header_end = 0
    for i, line in enumerate(lines):
        if _HEADER_LINE.match(line.strip()):
            header_end = i + 1
        elif line.strip() and not line.strip().startswith("#"):
            break
    return "".join(lines[:header_end]) + _binding_note(query) + "".join(lines[header_end:])


def export_queries(directory: str | Path) -> list[Path]:
    """Write every saved query as `NAME.rq` into `directory` (created if needed); the paths written."""
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for q in saved_queries():
            path = out / f"{q.name}.rq"
            path.write_text(export_text(q), encoding="utf-8")
            written.append(path)
    except OSError as err:
        raise QueryError(f"cannot write queries to {out}: {err}") from None
    return written


__all__ = [
    "ENGINES",
    "PARAM_KINDS",
    "Param",
    "Query",
    "QueryError",
    "QueryGraph",
    "bind_params",
    "check_syntax",
    "export_queries",
    "export_text",
    "load_query",
    "parse_header",
    "parse_query",
    "query_variables",
    "refuse_service",
    "run",
    "saved_queries",
    "saved_query",
    "uses_service",
]
