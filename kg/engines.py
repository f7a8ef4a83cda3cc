"""Where a query runs: one small interface, four engines, and the one function that picks one.

An engine answers two things:

- `select(query, bindings)`: run a SELECT or ASK query (a `Query` or SPARQL text) with
  variables bound to entity IRIs, giving an engine-neutral `kg.results.ResultSet`;
- `lookup(ident, kind)`: the entities whose `dcterms:identifier` is `ident`, which is how
  `kg.queries.bind_params` turns a parameter's id into an IRI.

The engines:

- `OxigraphEngine`: a pyoxigraph Store, in memory (from a dataset or a graph file) or on
  disk (a store written by `kg build --store`); parameters bound by `substitutions`;
- `RdflibEngine`: rdflib's SPARQL engine over the same triples; parameters bound by
  `initBindings`;
- `kg.remote.Endpoint`: a SPARQL 1.1 endpoint over HTTP; parameters bound by a `VALUES`
  clause of checked IRIs (`kg.queries.bind_values`).

`open_engine(...)` is the single place an engine is chosen, for the CLI (`kg query`) and
the API (`EvidenceGraph.results`). `run(query, engine, params)` binds and runs.

Local engines evaluate in this process: `_evaluate_oxigraph` and `_evaluate_rdflib` are
where a query is handed to the library (the place for a time limit or a refusal of
SERVICE); `Endpoint.select` is where a request leaves for a server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from kg import atomic, limits, queries, rdf
from kg import vocab as V
from kg.errors import UsageError
from kg.model import Dataset
from kg.queries import PARAM_KINDS, Query, QueryError, QueryUsageError
from kg.results import ResultSet, Term

if TYPE_CHECKING:
    import rdflib

    from kg.remote import Client, Credentials


class Engine(Protocol):
    """A place queries run: `select` and `lookup` (see the module docstring)."""

    origin: str
    """What the engine holds, as messages name it (a folder, a file, a store, a URL)."""

    def select(self, query: Query | str, bindings: Mapping[str, str] | None = None) -> ResultSet:
        """Run a SELECT or ASK query with `bindings` (variable name -> IRI)."""
        ...

    def lookup(self, ident: str, kind: str | None) -> list[tuple[str, str]]:
        """(kind, IRI) of every entity whose dcterms:identifier is `ident` (of `kind`, when given)."""
        ...

    def using(self, engine: str) -> Engine:
        """The same triples, queried by the local engine called `engine` ("oxigraph" or "rdflib")."""
        ...


def _as_query(query: Query | str) -> Query:
    return query if isinstance(query, Query) else queries.parse_query(query, name="query")


# --------------------------------------------------------------------------- term conversion


def _ox_converter() -> Callable[[Any], Term | None]:
    """A function from a pyoxigraph term (or None) to a Term, remembering IRIs and repeated literals."""
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


# --------------------------------------------------------------------------- what a local engine may do


class Limits:
    """What a local engine allows a query: a SERVICE call (refused unless `allow_service`) and time
    (`timeout` seconds, None for no limit; Ctrl-C stops the wait either way when a timeout is set)."""

    def __init__(self, allow_service: bool = False, timeout: float | None = None):
        self.allow_service = allow_service
        self.timeout = timeout

    def check(self, query: Query) -> None:
        """Refuse what may not run at all, before anything is evaluated."""
        if not self.allow_service:
            queries.refuse_service(query)

    def run(self, evaluate: Callable[[], ResultSet], query: Query) -> ResultSet:
        """Evaluate within the time limit (`kg.limits.bounded`)."""
        if self.timeout is None:
            return evaluate()
        return limits.bounded(evaluate, self.timeout, f"query {query.where}")


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


# --------------------------------------------------------------------------- Oxigraph


class OxigraphEngine:
    """Oxigraph over a Store (in memory or on disk); an rdflib copy is made on first `using("rdflib")`."""

    def __init__(self, store: ox.Store, ntriples: bytes | None = None, origin: str = "graph"):
        self.store = store
        self._ntriples = ntriples
        self._rdflib: RdflibEngine | None = None
        self.origin = origin
        self.limits = Limits()

    @classmethod
    def from_ntriples(cls, nt: bytes, origin: str = "graph") -> OxigraphEngine:
        return cls(rdf.to_oxigraph(nt), nt, origin=origin)

    @classmethod
    def from_dataset(cls, dataset: Dataset, base: str = V.DEFAULT_BASE) -> OxigraphEngine:
        return cls.from_ntriples(rdf.ntriples(dataset, base), origin=str(dataset.data_dir or "data"))

    @classmethod
    def from_file(cls, path: str | Path) -> OxigraphEngine:
        """A built graph file: Turtle (.ttl), N-Triples (.nt), JSON-LD (.jsonld) or RDF/XML (.rdf, .owl)."""
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

    @classmethod
    def open_store(cls, path: str | Path) -> OxigraphEngine:
        """A store written by `kg build --store PATH`, opened read-only."""
        from kg.store import open_store

        return cls(open_store(path), None, origin=str(path))

    @property
    def ntriples(self) -> bytes:
        """The default graph as N-Triples (dumped from the store when it was not given)."""
        if self._ntriples is None:
            self._ntriples = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
        return self._ntriples

    def using(self, engine: str) -> Engine:
        if queries.check_engine(engine) == "oxigraph":
            return self
        if self._rdflib is None:
            self._rdflib = RdflibEngine(rdf.to_rdflib(self.ntriples), origin=self.origin)
            self._rdflib._oxigraph = self
        self._rdflib.limits = self.limits
        return self._rdflib

    def lookup(self, ident: str, kind: str | None) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for k in [kind] if kind else list(PARAM_KINDS):
            solutions = self.store.query(queries.entity_lookup(k), substitutions={ox.Variable("id"): ox.Literal(ident)})
            assert isinstance(solutions, ox.QuerySolutions)
            found += [(k, s["entity"].value) for s in solutions if isinstance(s["entity"], ox.NamedNode)]
        return found

    def select(self, query: Query | str, bindings: Mapping[str, str] | None = None) -> ResultSet:
        q = _as_query(query)
        bound = dict(bindings or {})
        self.limits.check(q)
        try:
            return self.limits.run(lambda: _evaluate_oxigraph(self.store, q, bound), q)
        except SyntaxError as err:
            raise QueryError(f"{q.where}: SPARQL syntax error: {err}") from None
        except (RuntimeError, ValueError, OSError) as err:
            message = str(err)
            if "SELECT projection" in message:
                names = ", ".join(f"?{k}" for k in bound)
                raise QueryError(f"query {q.where}: a parameter must be one of the query's SELECT variables "
                                 f"(add {names} to the SELECT clause, or use SELECT *)") from None
            raise QueryError(f"query {q.where} failed: {message}") from None


def _evaluate_oxigraph(store: ox.Store, query: Query, bound: dict[str, str]) -> ResultSet:
    """Evaluate `query` on `store` with `bound` as substitutions: the one call into Oxigraph's engine."""
    subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): ox.NamedNode(v) for k, v in bound.items()}
    answer = store.query(query.text, substitutions=subs or None)
    if isinstance(answer, ox.QueryBoolean):
        return ResultSet([], boolean=bool(answer))
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError(f"query {query.where}: only SELECT and ASK queries can be run here")
    variables = [v.value for v in answer.variables]
    convert = _ox_converter()
    rows = [tuple(map(convert, solution)) for solution in answer]
    return ResultSet(variables, rows)


# --------------------------------------------------------------------------- rdflib


class RdflibEngine:
    """rdflib's SPARQL engine over an rdflib Graph."""

    def __init__(self, graph: rdflib.Graph, origin: str = "graph"):
        self.graph = graph
        self.origin = origin
        self._oxigraph: OxigraphEngine | None = None
        self.limits = Limits()

    def using(self, engine: str) -> Engine:
        if queries.check_engine(engine) == "rdflib":
            return self
        if self._oxigraph is None:
            self._oxigraph = OxigraphEngine.from_ntriples(self.graph.serialize(format="nt", encoding="utf-8"),
                                                          origin=self.origin)
            self._oxigraph._rdflib = self
        self._oxigraph.limits = self.limits
        return self._oxigraph

    def lookup(self, ident: str, kind: str | None) -> list[tuple[str, str]]:
        import rdflib

        found: list[tuple[str, str]] = []
        for k in [kind] if kind else list(PARAM_KINDS):
            init: dict[str, rdflib.term.Identifier] = {rdflib.Variable("id"): rdflib.Literal(ident)}
            answer = self.graph.query(queries.entity_lookup(k), initBindings=init)
            found += [(k, str(row[0])) for row in answer if isinstance(row[0], rdflib.URIRef)]  # type: ignore[index]
        return found

    def select(self, query: Query | str, bindings: Mapping[str, str] | None = None) -> ResultSet:
        from pyparsing import ParseException
        from rdflib.plugins.sparql import prepareQuery

        q = _as_query(query)
        self.limits.check(q)
        try:
            prepared = prepareQuery(q.text)
        except ParseException as err:
            raise QueryError(queries._syntax_message(q.where, q.text, err.lineno, err.col, err.msg)) from None
        try:
            return self.limits.run(lambda: _evaluate_rdflib(self.graph, q, prepared, dict(bindings or {})), q)
        except (QueryError, limits.TimeLimitError):
            raise
        except Exception as err:  # rdflib raises many kinds of errors while evaluating
            raise QueryError(f"query {q.where} failed: {err}") from None


def _evaluate_rdflib(graph: rdflib.Graph, query: Query, prepared: Any, bound: dict[str, str]) -> ResultSet:
    """Evaluate a prepared query with `bound` as initial bindings: the one call into rdflib's engine."""
    import rdflib

    init: dict[str, rdflib.term.Identifier] = {rdflib.Variable(k): rdflib.URIRef(v) for k, v in bound.items()}
    answer = graph.query(prepared, initBindings=init)
    if answer.type == "ASK":
        return ResultSet([], boolean=bool(answer.askAnswer))
    if answer.type != "SELECT":
        raise QueryError(f"query {query.where}: only SELECT and ASK queries can be run here")
    variables = [str(v) for v in answer.vars or []]
    rows = [tuple(_rdflib_term(t) for t in row) for row in answer]  # type: ignore[union-attr]
    return ResultSet(variables, rows)


# --------------------------------------------------------------------------- choosing and running


def open_engine(
    *,
    data: str | Path | None = None,
    dataset: Dataset | None = None,
    graph: str | Path | None = None,
    store: str | Path | ox.Store | None = None,
    endpoint: str | None = None,
    engine: str | None = None,
    named_graph: str | None = None,
    base: str = V.DEFAULT_BASE,
    credentials: Credentials | None = None,
    ntriples: bytes | None = None,
    allow_service: bool = False,
    timeout: float | None = None,
    client: Client | None = None,
) -> Engine:
    """The engine for one of: a data folder (`data`, default the bundled data), a loaded `dataset`,
    a built graph file (`graph`), a store (`store`: a path written by `kg build --store`, or an open
    pyoxigraph Store) or a SPARQL endpoint (`endpoint`, restricted to `named_graph`, default
    `{base}graph`). `engine` picks Oxigraph (the default) or rdflib for the local ones; `ntriples`,
    when the caller has them, saves dumping a store for rdflib.

    A parameter that means something only beside another is a usage error (exit 2) without it:
    `named_graph` goes with `endpoint`; `engine` and `allow_service` do not (a server runs its own).

    A local engine refuses a query calling a remote service unless `allow_service`, and stops one
    running past `timeout` seconds (`Limits`); `client` is the HTTP client of an endpoint.
    """
    given = [name for name, value in (("data", data), ("dataset", dataset), ("graph", graph), ("store", store),
                                      ("endpoint", endpoint)) if value is not None]
    if len(given) > 1:
        raise UsageError(f"give only one of {', '.join(given)}")
    if engine is not None:
        queries.check_engine(engine)
    if endpoint is not None:
        from kg import remote

        if engine is not None:
            raise QueryUsageError("--engine chooses a local engine; it does not go with --endpoint")
        if allow_service:
            raise QueryUsageError("--allow-service lets a local query call remote services; it does not go "
                                  "with --endpoint (the server decides what its queries may call)")
        return remote.open_endpoint(endpoint, named_graph or remote.default_graph(base), credentials=credentials,
                                    client=client)
    if named_graph is not None:
        raise QueryUsageError("--named-graph goes with --endpoint: it names the graph on the server to query")
    local: OxigraphEngine
    if graph is not None:
        local = OxigraphEngine.from_file(graph)
    elif isinstance(store, ox.Store):
        local = OxigraphEngine(store, ntriples)
    elif store is not None:
        local = OxigraphEngine.open_store(store)
    else:
        if dataset is None:
            from kg.model import bundled_data_dir, read_valid

            dataset = read_valid(data if data is not None else bundled_data_dir())
        local = OxigraphEngine(rdf.to_oxigraph(nt := ntriples or rdf.ntriples(dataset, base)), nt,
                               origin=str(dataset.data_dir or "data"))
    local.limits = Limits(allow_service, timeout)
    return local.using(engine or "oxigraph")


def run(
    query: Query | str | Path,
    engine: Engine,
    params: Mapping[str, str] | None = None,
    *,
    using: str | None = None,
) -> ResultSet:
    """Run a query (a Query, a saved query's name, a .rq path or SPARQL text) on `engine` with its
    parameters (ids) bound as entity IRIs; `using` switches a local engine ("oxigraph" or "rdflib")."""
    q = queries.as_query(query)
    target = engine.using(using) if using is not None else engine
    bound = queries.bind_params(q, target, params)
    return target.select(q, bound)


__all__ = ["Engine", "Limits", "OxigraphEngine", "RdflibEngine", "open_engine", "run"]
