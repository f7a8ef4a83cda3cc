"""Saved SPARQL queries and user query files: find them, read them, bind their parameters.

A query is a `.rq` file whose leading comment lines form a header::

    # name: evidence-for-condition
    # description: Every statement about a condition or a narrower one.
    # param: condition (condition id) as ?for_condition: the condition

The saved queries live in `kg/queries/`. A parameter is a variable of the
same name, or the one its header line names after `as` (so that a saved
query may have a `condition` column of labels and bind `?for_condition`).
Its value is an id, or a label or synonym (`kg.resolve`): it is looked up in
the graph (the entity whose `dcterms:identifier` is the id and whose kind
matches the parameter's type) and bound as that entity's IRI — through
Oxigraph's `substitutions`, rdflib's `initBindings` or, for a remote endpoint,
a `VALUES` clause holding only a checked IRI — never pasted into the query
text as typed. A file without
`# param:` lines takes any of its variables as a parameter; a variable named
like a kind (`condition`, `treatment`, `source`, `evidence`) looks up that
kind, any other name every kind. The engines that run a bound query are in
`kg.engines`.

This module is the one home of SPARQL lexing (`tokens`): variables, the query
form, the WHERE clause and the `VALUES` binding all read the same tokens.

Oxigraph follows SPARQL-dev SEP-0007, under which a substituted variable must
be in the SELECT clause; every saved query selects its parameters.

Problems a user can cause raise `QueryError` (exit 1) with a message meant to be
printed as is; a missing, unknown or repeated parameter, or an unknown engine,
is a `QueryUsageError` (exit 2); an id that names nothing an `UnknownEntityError`.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kg import vocab as V
from kg.errors import KgError, UnknownIdError, UsageError
from kg.resolve import NAMES_QUERY, Resolver, graph_names
from kg.schema import KINDS, SLUG

if TYPE_CHECKING:
    from kg.results import ResultSet

ENGINES: tuple[str, ...] = ("oxigraph", "rdflib")
PARAM_KINDS: tuple[str, ...] = tuple(KINDS)
"""The kinds of id a parameter takes (`kg.schema.KINDS`)."""

_HEADER_LINE = re.compile(r"^#\s*(name|description|param)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_PARAM_SPEC = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(?P<kind>[A-Za-z]+)(?:\s+id)?\s*\))?"
    r"(?:\s*as\s+[?$](?P<var>[A-Za-z_][A-Za-z0-9_]*))?\s*(?::\s*(?P<text>.*))?$"
)
# The SPARQL lexer: the tokens that may hold '?', '$', '#', braces or keywords without being
# variables, comments, groups or keywords (IRIs, strings, comments), then the tokens that matter.
_LEXER = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")"""
    r"""|(?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<comment>\#[^\n]*)"""
    r"""|(?P<var>[?$][A-Za-z_0-9][A-Za-z_0-9\u00B7]*)"""
    r"""|(?P<open>\{)|(?P<close>\})|(?P<lparen>\()|(?P<rparen>\))"""
    r"""|(?P<word>[A-Za-z][A-Za-z0-9_-]*:?)""",
    re.DOTALL,
)
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SLUG = re.compile(SLUG)


class QueryError(KgError):
    """A query that cannot be run as asked; the message says why, for a person (exit 1)."""


class QueryUsageError(QueryError, UsageError):
    """A query asked for wrongly: a missing, unknown or repeated parameter, an unknown engine (exit 2)."""


class MissingParameterError(QueryUsageError):
    """A parameter the query needs was not given (exit 2); the CLI says how to give it."""

    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name

    def report(self, command: str) -> str:
        return f"{super().report(command)}; give it with --param {self.name}=ID"


class UnknownEntityError(QueryError, UnknownIdError):
    """A parameter's id or name that names no entity of its kind in the graph, or several (exit 1)."""


@dataclass(frozen=True)
class Param:
    """A declared parameter: the variable it binds, the kind of id it takes, what it means."""

    name: str
    kind: str | None
    description: str = ""
    variable: str = ""
    """The query variable it binds (default: its name)."""

    def __post_init__(self) -> None:
        if not self.variable:
            object.__setattr__(self, "variable", self.name)

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


def tokens(text: str) -> list[re.Match[str]]:
    """The SPARQL tokens of `text` that matter for reading its shape; `lastgroup` says which kind.

    >>> [t.lastgroup for t in tokens('SELECT ?x WHERE { ?x <urn:a#b> "?y #z" } # ?c')]
    ['word', 'var', 'word', 'open', 'var', 'iri', 'string', 'close', 'comment']
    """
    return list(_LEXER.finditer(text))


def query_variables(text: str) -> frozenset[str]:
    """Names of the variables in a query (outside comments, strings and IRIs)."""
    return frozenset(t.group()[1:] for t in tokens(text) if t.lastgroup == "var")


def _form_and_where(toks: list[re.Match[str]]) -> tuple[str | None, int | None]:
    """The query form (SELECT, ASK, ...) and the index of the WHERE clause's opening brace."""
    form: str | None = None
    parens = 0
    for i, tok in enumerate(toks):
        kind = tok.lastgroup
        if kind == "lparen":
            parens += 1
        elif kind == "rparen":
            parens = max(parens - 1, 0)
        elif kind == "word" and form is None and parens == 0 and tok.group().upper() in _FORMS:
            form = tok.group().upper()
        elif kind == "open" and parens == 0:
            return form, i
    return form, None


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (None if none is found).

    >>> query_form("PREFIX select: <urn:x#> ASK { ?s select:p ?o }")
    'ASK'
    """
    return _form_and_where(tokens(text))[0]


def bind_values(text: str, bindings: Mapping[str, str]) -> str:
    """Add `VALUES ?name { <iri> }` for each binding just inside the query's WHERE clause.

    For engines that take no initial bindings (a remote endpoint). The IRIs must be safe
    between < and > (`vocab.is_safe_iri`); the names must be variable names. Placed first in
    the WHERE group, the VALUES block joins every solution of the group, as Oxigraph's
    substitutions and rdflib's initBindings do for the saved queries (each selects its parameters).

    >>> bind_values("SELECT ?c WHERE { ?c ?p ?o }", {"c": "https://example.org/c"})
    'SELECT ?c WHERE { VALUES ?c { <https://example.org/c> } ?c ?p ?o }'
    """
    if not bindings:
        return text
    for name, iri in bindings.items():
        if not _VARIABLE.fullmatch(name):
            raise QueryError(f"{name!r} is not a variable name")
        if not V.is_safe_iri(iri):
            raise QueryError(f"the IRI bound to ?{name}, {iri!r}, is not an absolute IRI (scheme:..., no spaces, "
                             "quotes, <, >, {, }, |, ^, ` or backslashes)")
    values = " ".join(f"VALUES ?{name} {{ <{iri}> }}" for name, iri in bindings.items())
    toks = tokens(text)
    form, where = _form_and_where(toks)
    if form not in ("SELECT", "ASK"):
        raise QueryError("only SELECT and ASK queries can be run on an endpoint")
    if where is None:
        raise QueryError("cannot find the query's WHERE clause")
    after = toks[where].end()
    following = next((t for t in toks[where + 1:] if t.lastgroup != "comment"), None)
    if following is None or following.group().upper() != "SELECT":
        return f"{text[:after]} {values}{text[after:]}"
    # WHERE { SELECT ... }: a sub-select cannot share its group, so it is wrapped in one.
    depth = 0
    for tok in toks[where:]:
        if tok.lastgroup == "open":
            depth += 1
        elif tok.lastgroup == "close":
            depth -= 1
            if depth == 0:
                close = tok.start()
                return f"{text[:after]} {values} {{{text[after:close]}}} {text[close:]}"
    raise QueryError("the query's WHERE clause has no closing brace")


def entity_lookup(kind: str, ident: str | None = None) -> str:
    """The SELECT that finds the entities of `kind` whose dcterms:identifier is `?id`, as `?entity`.

    Local engines bind `?id` as a literal; with `ident` (which must be a slug, so it cannot
    leave the string) it is written into the text, for engines that take no bindings.
    """
    if ident is not None and not _SLUG.fullmatch(ident):
        raise ValueError(f"not a slug: {ident!r}")
    value, selected = ("?id", "?entity ?id") if ident is None else (f'"{ident}"', "?entity")
    # A substituted variable must be selected (SEP-0007), hence ?id in the projection.
    return (f"SELECT DISTINCT {selected} WHERE {{ ?entity <{V.DCTERMS}identifier> {value} . "
            f"?entity a <{V.CLASSES[kind][0]}> }} ORDER BY ?entity")


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile(r"(?<![\w:.\-\u00B7])SERVICE(?![\w:\-])(?P<silent>\s+SILENT(?![\w:\-]))?", re.IGNORECASE)
_OPAQUE = frozenset({"iri", "long", "string", "comment", "var"})


def _unescaped(text: str) -> str:
    """The text as a SPARQL parser reads it: \\u and \\U escapes are decoded anywhere, before parsing."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)


def _service_calls(text: str) -> list[re.Match[str]]:
    """Each SERVICE keyword of a query (outside strings, IRIs, comments and variable names), in `_unescaped(text)`."""
    decoded = _unescaped(text)
    blank = _LEXER.sub(lambda m: re.sub(r"[^\n]", " ", m.group()) if m.lastgroup in _OPAQUE else m.group(), decoded)
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

    Local engines call this before evaluating (unless allowed: `kg query --allow-service`).
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
            params.append(Param(spec.group("name"), kind, spec.group("text") or "", spec.group("var") or ""))
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
        if p.variable not in variables:
            raise QueryError(f"{where}: parameter {p.name!r} is declared but the query has no variable "
                             f"?{p.variable}")
    return Query(header_name or name, text, description, params, path, saved, variables)


def _saved_dir() -> Traversable:
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


# --------------------------------------------------------------------------- binding and running


class Lookup(Protocol):
    """What binding needs from an engine: the entities an id names, and its names (for `kg.resolve`)."""

    def lookup(self, ident: str, kind: str | None) -> list[tuple[str, str]]:
        """(kind, IRI) of every entity whose dcterms:identifier is `ident` (of `kind`, when given)."""
        ...

    def select(self, query: Query | str, bindings: Mapping[str, str] | None = None) -> ResultSet:
        """The answer to a query (here only `kg.resolve.NAMES_QUERY`, which takes no bindings)."""
        ...


def bind_params(query: Query, graph: Lookup, params: Mapping[str, str] | None) -> dict[str, str]:
    """Check the given parameters against the query and look each id (or name) up: variable name -> IRI."""
    given = dict(params or {})
    declared = {p.name: p for p in query.params}
    if declared or query.saved:
        unknown = [k for k in given if k not in declared]
        if unknown:
            takes = ", ".join(p.describe() for p in query.params)
            takes = f"it takes: {takes}" if takes else "it takes no parameters"
            raise QueryUsageError(f"query {query.where} has no parameter {unknown[0]!r}; {takes}")
        missing = [p for p in query.params if p.name not in given]
        if missing:
            p = missing[0]
            what = f" ({p.kind} id{': ' + p.description if p.description else ''})" if p.kind else ""
            raise MissingParameterError(f"query {query.where} needs parameter {p.name!r}{what}", p.name)
    else:
        unknown = [k for k in given if k not in query.variables]
        if unknown:
            raise QueryUsageError(f"query {query.where} has no parameter {unknown[0]!r}: no variable ?{unknown[0]} "
                             "in the query")
    bound: dict[str, str] = {}
    for key, ident in given.items():
        kind = declared[key].kind if key in declared else (key if key in PARAM_KINDS else None)
        found = graph.lookup(ident, kind) or _by_name(graph, ident, kind, key)
        if len(found) > 1:
            kinds = ", ".join(k for k, _ in found)
            raise QueryError(f"id {ident!r} (parameter {key!r}) names more than one entity ({kinds}); "
                             f"declare its type in the query header, e.g. '# param: {key} (condition id)'")
        bound[declared[key].variable if key in declared else key] = found[0][1]
    return bound


_RESOLVERS: weakref.WeakKeyDictionary[Lookup, Resolver] = weakref.WeakKeyDictionary()


def resolver(graph: Lookup) -> Resolver:
    """The names of an engine's graph (asked once per engine with the fixed `NAMES_QUERY`), for `kg.resolve`."""
    found = _RESOLVERS.get(graph)
    if found is None:
        found = _RESOLVERS[graph] = Resolver(graph_names(graph.select(NAMES_QUERY).values()))
    return found


def _by_name(graph: Lookup, text: str, kind: str | None, key: str) -> list[tuple[str, str]]:
    """(kind, IRI) of the entity a label or synonym names, when the text is no id (kg.resolve's rules)."""
    context = f" (parameter {key!r})"
    try:
        if kind is not None:
            ident = resolver(graph).resolve(text, kind, context=context)
            return graph.lookup(ident, kind)
        named = resolver(graph).matches(text.strip())
    except UnknownIdError as err:
        raise UnknownEntityError(err.kind, err.ident, str(err)) from None
    if not named:
        raise UnknownEntityError("entity", text, f"unknown entity {text!r}{context}: nothing in the graph has "
                                                 "this id or name")
    return [hit for k, ident in named for hit in graph.lookup(ident, k)]


def as_query(name_or_sparql: str | Path | Query) -> Query:
    """A Query from a saved query's name, a `.rq` path, or SPARQL text (anything holding a `{`).

    >>> as_query("conflicts").saved, as_query("SELECT * WHERE { ?s ?p ?o }").name
    (True, 'query')
    """
    if isinstance(name_or_sparql, Query):
        return name_or_sparql
    if isinstance(name_or_sparql, str) and "{" in name_or_sparql:
        return parse_query(name_or_sparql, name="query")
    return load_query(name_or_sparql)


def check_engine(engine: str) -> str:
    """`engine` if it names a local engine (`ENGINES`); else a usage error listing them."""
    if engine not in ENGINES:
        raise QueryUsageError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    return engine


# --------------------------------------------------------------------------- export


def _binding_note(query: Query) -> str:
    if not query.params:
        return "#\n# This query takes no parameters; it runs as is on any SPARQL 1.1 endpoint holding the graph.\n"
    lines = ["#", "# Parameters are variables: bind each to the IRI of an entity before running, with your",
             "# endpoint's or library's initial bindings (rdflib initBindings, Oxigraph substitutions),",
             "# or by adding a VALUES line just inside WHERE { ... }, for example:"]
    for p in query.params:
        kind = p.kind or "entity"
        lines.append(f"#   VALUES ?{p.variable} {{ <{V.DEFAULT_BASE}{kind}/ID> }}   # {p.describe()}: {p.description}")
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
    "Lookup",
    "MissingParameterError",
    "Param",
    "Query",
    "QueryError",
    "QueryUsageError",
    "UnknownEntityError",
    "as_query",
    "bind_params",
    "bind_values",
    "check_engine",
    "check_syntax",
    "entity_lookup",
    "export_queries",
    "export_text",
    "load_query",
    "parse_header",
    "parse_query",
    "query_form",
    "query_variables",
    "refuse_service",
    "saved_queries",
    "saved_query",
    "tokens",
    "uses_service",
]
