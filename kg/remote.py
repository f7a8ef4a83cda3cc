"""Hand-over to a real SPARQL 1.1 server: push a build, run saved queries remotely.

- `push` loads N-Triples into a named graph through the SPARQL 1.1 Graph Store
  HTTP Protocol, in batches: a PUT with the first batch (which replaces the
  graph), then a POST appending each further batch. Never one giant INSERT.
- `Endpoint` is the remote query engine (`kg.engines`): it runs a saved query or a
  query file over the SPARQL 1.1 Protocol (an HTTP POST, form-encoded), restricted
  to the named graph by the `default-graph-uri` parameter, and returns the same
  `ResultSet` the local engines give, so every output format works.

Parameters are never pasted into query text as the user typed them. An id
must be a slug (anything else names nothing); it is looked up on the server in
a query where it can only be a string literal, the IRI that comes back is
checked (absolute, no character that could end an IRI or start an escape), and
only that IRI is added to the query, as a `VALUES` clause (`kg.queries.bind_values`).

Credentials come from the environment (`KG_ENDPOINT_USER`,
`KG_ENDPOINT_PASSWORD`), never from arguments; whichever of HTTP basic or
digest authentication the server asks for is answered. Every failure a user
can meet (server down, wrong password, a server error) raises `RemoteError`
with a message meant to be printed as is.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import os
import re
import secrets
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from kg import queries
from kg import vocab as V
from kg.errors import KgError
from kg.queries import Query, QueryError, QueryUsageError
from kg.results import ResultsError, ResultSet, from_json
from kg.schema import SLUG

USER_ENV = "KG_ENDPOINT_USER"
PASSWORD_ENV = "KG_ENDPOINT_PASSWORD"
DEFAULT_BATCH = 50_000
DEFAULT_TIMEOUT = 300.0
NTRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"

_SLUG = re.compile(SLUG)
_BLANK_NODE = re.compile(rb"(?m)^_:|\s_:[^\s\"<>]+\s*\.\s*$")


class RemoteError(KgError):
    """A failure talking to a SPARQL server; the message says what happened, for a person (exit 1)."""


# --------------------------------------------------------------------------- names and addresses


def default_graph(base: str = V.DEFAULT_BASE) -> str:
    """The named graph a build goes into when none is given: `{base}graph`.

    >>> default_graph()
    'https://evidence-kg.example/id/graph'
    """
    return f"{base}graph"


def check_iri(iri: str, what: str = "IRI") -> str:
    """Return `iri` if it is an absolute IRI safe to write between < and >; else RemoteError.

    >>> check_iri("https://example.org/g")
    'https://example.org/g'
    """
    if not V.is_safe_iri(iri):
        raise RemoteError(f"{what} {iri!r} is not an absolute IRI (scheme:..., no spaces, quotes, <, >, "
                          "{, }, |, ^, ` or backslashes)")
    return iri


def check_url(url: str, what: str = "URL") -> str:
    """Return `url` if it is an http(s) address without credentials in it; else RemoteError.

    A URL holding credentials is never repeated in a message.
    """
    parts = urllib.parse.urlsplit(url)
    if "@" in parts.netloc:
        raise RemoteError(f"{what} must not hold a user name or password; set {USER_ENV} and {PASSWORD_ENV} "
                          "in the environment instead")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as err:
        raise RemoteError(f"{what} {url!r} is not a valid address: {err}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{what} {url!r} is not an http:// or https:// address")
    if parts.fragment:
        raise RemoteError(f"{what} {url!r} has a #fragment; give the endpoint's address without it")
    return url


def _with_params(url: str, params: Mapping[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    extra = urllib.parse.urlencode(list(params.items()))
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit(parts._replace(query=query))


# --------------------------------------------------------------------------- credentials and HTTP


@dataclass(frozen=True)
class Credentials:
    """A user name and password for the server (the password is never shown)."""

    user: str
    password: str = field(repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials | None:
        """Credentials from KG_ENDPOINT_USER / KG_ENDPOINT_PASSWORD; None when neither is set."""
        env = os.environ if environ is None else environ
        user, password = env.get(USER_ENV, ""), env.get(PASSWORD_ENV, "")
        if not user and not password:
            return None
        if not user:
            raise RemoteError(f"{PASSWORD_ENV} is set but {USER_ENV} is not; set both")
        return cls(user, password)


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are reported, not followed: urllib would turn a POST into a GET without its body."""

    def redirect_request(self, req: Any, fp: Any, code: Any, msg: Any, headers: Any, newurl: Any) -> None:
        return None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_challenges(values: list[str]) -> dict[str, dict[str, str]]:
    """WWW-Authenticate header values -> {scheme (lower case): {parameter: value}}.

    >>> parse_challenges(['Digest realm="SPARQL", nonce="ab,c", qop="auth"'])
    {'digest': {'realm': 'SPARQL', 'nonce': 'ab,c', 'qop': 'auth'}}
    """
    out: dict[str, dict[str, str]] = {}
    for value in values:
        current: dict[str, str] | None = None
        for item in urllib.request.parse_http_list(value):
            starts = re.match(r"([A-Za-z][\w!#$%&'*+.^`|~-]*)(?:\s+(.*))?$", item.strip(), re.DOTALL)
            if starts and (starts.group(2) or "=" not in item):
                current = out.setdefault(starts.group(1).lower(), {})
                item = starts.group(2) or ""
            key, sep, val = item.partition("=")
            if current is not None and sep:
                current[key.strip().lower()] = _unquote(val)
    return out


_DIGESTS: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "MD5-SESS": hashlib.md5,
    "SHA-256": hashlib.sha256,
    "SHA-256-SESS": hashlib.sha256,
}


def _excerpt(body: bytes, limit: int = 400) -> str:
    text = body.decode("utf-8", errors="replace")
    if re.search(r"<(html|body|head|p|h1|title)\b", text, re.IGNORECASE):
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Client:
    """HTTP to one server: answers an authentication challenge once, then authenticates every request up front.

    Basic and digest (MD5, SHA-256, qop=auth) are supported; digest is chosen
    when the server offers both.
    """

    def __init__(self, credentials: Credentials | None = None, *, timeout: float = DEFAULT_TIMEOUT):
        self.credentials = credentials
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._scheme: str | None = None
        self._challenge: dict[str, str] = {}
        self._nonce_count = 0

    # -- authentication

    def _accept(self, challenges: dict[str, dict[str, str]], where: str) -> None:
        if "digest" in challenges:
            chal = challenges["digest"]
            algorithm = chal.get("algorithm", "MD5").upper()
            qops = [q.strip() for q in chal.get("qop", "").split(",") if q.strip()]
            if algorithm not in _DIGESTS:
                raise RemoteError(f"{where}: the server asks for digest authentication with algorithm {algorithm}, "
                                  f"which kg does not support ({', '.join(_DIGESTS)} are)")
            if qops and "auth" not in qops:
                raise RemoteError(f"{where}: the server asks for digest authentication with qop={','.join(qops)}, "
                                  "which kg does not support (qop=auth is)")
            if "nonce" not in chal or "realm" not in chal:
                raise RemoteError(f"{where}: the server's digest challenge has no nonce or realm")
            if chal.get("nonce") != self._challenge.get("nonce"):
                self._nonce_count = 0
            self._scheme, self._challenge = "digest", chal
        elif "basic" in challenges:
            self._scheme, self._challenge = "basic", challenges["basic"]
        else:
            offered = ", ".join(sorted(challenges)) or "an unnamed scheme"
            raise RemoteError(f"{where}: the server asks for {offered} authentication; kg supports basic and digest")

    def _authorization(self, method: str, url: str) -> str:
        assert self.credentials is not None
        user, password = self.credentials.user, self.credentials.password
        if self._scheme == "basic":
            return "Basic " + b64encode(f"{user}:{password}".encode()).decode("ascii")
        chal = self._challenge
        algorithm = chal.get("algorithm", "MD5").upper()
        digest = _DIGESTS[algorithm]

        def h(text: str) -> str:
            return str(digest(text.encode("utf-8")).hexdigest())

        parts = urllib.parse.urlsplit(url)
        uri = parts.path or "/"
        if parts.query:
            uri += "?" + parts.query
        realm, nonce = chal["realm"], chal["nonce"]
        self._nonce_count += 1
        nc = f"{self._nonce_count:08x}"
        cnonce = secrets.token_hex(8)
        ha1 = h(f"{user}:{realm}:{password}")
        if algorithm.endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qop = "auth" if chal.get("qop") else None
        response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}") if qop else h(f"{ha1}:{nonce}:{ha2}")

        def quoted(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

        fields = [f"username={quoted(user)}", f"realm={quoted(realm)}", f"nonce={quoted(nonce)}",
                  f"uri={quoted(uri)}", f"response={quoted(response)}", f"algorithm={chal.get('algorithm', 'MD5')}"]
        if "opaque" in chal:
            fields.append(f"opaque={quoted(chal['opaque'])}")
        if qop:
            fields += [f"qop={qop}", f"nc={nc}", f"cnonce={quoted(cnonce)}"]
        return "Digest " + ", ".join(fields)

    # -- requests

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: Mapping[str, str] | None = None, *, where: str | None = None) -> Response:
        """Send one request; RemoteError (starting with `where`) for anything but a 2xx answer."""
        where = where or f"{method} {_shorter(url)}"
        for _ in range(4):
            sent = dict(headers or {})
            authenticated = self._scheme is not None and self.credentials is not None
            if authenticated:
                sent["Authorization"] = self._authorization(method, url)
            try:
                return self._open(method, url, body, sent, where)
            except urllib.error.HTTPError as err:
                if err.code != 401:
                    raise RemoteError(_http_message(where, err)) from None
                challenges = parse_challenges(err.headers.get_all("WWW-Authenticate") or [])
                if self.credentials is None:
                    raise RemoteError(f"{where}: HTTP 401 Unauthorized: the server asks for a user name and "
                                      f"password; set {USER_ENV} and {PASSWORD_ENV} in the environment") from None
                stale = challenges.get("digest", {}).get("stale", "").lower() == "true"
                if authenticated and not stale:
                    raise RemoteError(f"{where}: HTTP 401 Unauthorized: the server rejected the user name and "
                                      f"password ({USER_ENV}={self.credentials.user!r} and {PASSWORD_ENV})") from None
                self._accept(challenges, where)
        raise RemoteError(f"{where}: the server kept asking for authentication")

    def _open(self, method: str, url: str, body: bytes | None, headers: dict[str, str], where: str) -> Response:
        req = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                return Response(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError:
            raise
        except urllib.error.URLError as err:
            raise RemoteError(f"{where}: {_reason(err.reason, url)}") from None
        except TimeoutError:
            raise RemoteError(f"{where}: no answer within {self.timeout:g} s") from None
        except (OSError, ValueError) as err:  # reset while sending, closed early, bad address
            raise RemoteError(f"{where}: {_reason(err, url)}") from None
        except http.client.HTTPException as err:  # the server broke off or answered garbage
            raise RemoteError(f"{where}: the server broke off the conversation ({type(err).__name__}: {err})") from None


def _shorter(url: str) -> str:
    """The URL as messages show it (long ones cut)."""
    return url if len(url) <= 200 else url[:199] + "…"


def _reason(reason: object, url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {host}: connection refused (is the server running, and on that port?)"
    if isinstance(reason, socket.gaierror):
        return f"cannot find the host {parts.hostname!r} ({reason.strerror})"
    if isinstance(reason, TimeoutError):
        return f"no answer from {host} in time"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failure talking to {host}: {reason}"
    if isinstance(reason, ConnectionResetError | BrokenPipeError):
        return f"{host} closed the connection while the request was being sent"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot talk to {host}: {reason.strerror}"
    return f"cannot talk to {host}: {reason}"


def _http_message(where: str, err: urllib.error.HTTPError) -> str:
    try:
        body = err.read() or b""
    except (OSError, ValueError):
        body = b""
    text = f"{where}: HTTP {err.code} {err.reason}"
    if 300 <= err.code < 400:
        location = err.headers.get("Location")
        return text + (f": the server redirects to {location}; use that address" if location else "")
    excerpt = _excerpt(body)
    hints = [hint for needle, hint in _HINTS if needle in excerpt]
    return f"{text}: {excerpt}" + "".join(f"\n({hint})" for hint in hints) if excerpt else text


# Known server messages and what the server's administrator can do about them.
_HINTS = (
    ("exceeds the limit of", "Virtuoso refused the query on its cost estimate, which can be far off: set "
                             "MaxQueryCostEstimationTime = 0 in the [SPARQL] section of virtuoso.ini"),
    ("Transaction timed out", "Virtuoso stopped the query at its time limit: raise MaxQueryExecutionTime in the "
                              "[SPARQL] section of virtuoso.ini"),
)


# --------------------------------------------------------------------------- push (Graph Store Protocol)


@dataclass(frozen=True)
class PushReport:
    """What a push sent: the named graph, triples and requests."""

    graph: str
    triples: int
    batches: int


def batches(ntriples: bytes, size: int = DEFAULT_BATCH) -> Iterator[tuple[bytes, int]]:
    """Split N-Triples (one triple a line) into chunks of at most `size` lines: (bytes, lines).

    >>> [n for _, n in batches(b"a\\nb\\nc\\n", 2)]
    [2, 1]
    """
    if size < 1:
        raise ValueError("the batch size must be at least 1")
    start, end_of_data = 0, len(ntriples)
    while start < end_of_data:
        end, count = start, 0
        while count < size and end < end_of_data:
            newline = ntriples.find(b"\n", end)
            end = end_of_data if newline == -1 else newline + 1
            count += 1
        yield ntriples[start:end], count
        start = end


def push(
    ntriples: bytes,
    gsp_url: str,
    graph: str,
    *,
    batch_size: int = DEFAULT_BATCH,
    credentials: Credentials | None = None,
    client: Client | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PushReport:
    """Replace the named `graph` on a Graph Store Protocol endpoint with `ntriples`, in batches.

    The first request is a PUT (replacing the graph) with the first batch; each
    further batch is POSTed (appended). `progress(sent, total)` is called after
    each request. Blank nodes are refused: a server reads each request on its
    own, so one blank node split across two batches would become two.
    """
    check_url(gsp_url, "the Graph Store URL")
    check_iri(graph, "the named graph")
    if batch_size < 1:
        raise RemoteError(f"the batch size must be at least 1, not {batch_size}")
    if _BLANK_NODE.search(ntriples):
        raise RemoteError("the triples hold blank nodes, which cannot be split into batches; "
                          "use the Virtuoso bulk loader (scripts/virtuoso_bulk_load.sh) instead")
    conn = client or Client(credentials)
    url = _with_params(gsp_url, {"graph": graph})
    total = ntriples.count(b"\n") + (0 if not ntriples or ntriples.endswith(b"\n") else 1)
    headers = {"Content-Type": f"{NTRIPLES}; charset=utf-8"}
    sent = requests = 0
    chunks = batches(ntriples, batch_size) if ntriples else iter([(b"", 0)])
    for chunk, lines in chunks:
        method = "PUT" if requests == 0 else "POST"
        try:
            conn.request(method, url, chunk, headers, where=f"{method} {gsp_url} (graph <{graph}>)")
        except RemoteError as err:
            if requests == 0:
                raise
            raise RemoteError(f"{err}\nthe named graph <{graph}> now holds only the first {sent} of {total} "
                              "triples; push again to replace it") from None
        requests += 1
        sent += lines
        if progress is not None:
            progress(sent, total)
    return PushReport(graph, sent, requests)


# --------------------------------------------------------------------------- queries (SPARQL Protocol)

class Endpoint:
    """A SPARQL endpoint and named graph that queries run on, over HTTP: the remote engine of `kg.engines`.

    Its `lookup` resolves an id to an entity IRI on the server; `select` binds parameters
    with `kg.queries.bind_values` and POSTs the query.
    """

    def __init__(self, url: str, named_graph: str, *, credentials: Credentials | None = None,
                 client: Client | None = None):
        self.url = check_url(url, "the endpoint URL")
        self.origin = self.url
        self.named_graph = check_iri(named_graph, "the named graph")
        self.client = client or Client(credentials)

    def using(self, engine: str) -> Endpoint:
        """An endpoint runs its own engine; naming a local one is a usage error."""
        raise QueryUsageError(f"the engine {engine!r} runs queries locally; an endpoint runs its own")

    def select(self, query: Query | str, bindings: Mapping[str, str] | None = None) -> ResultSet:
        """Send a SELECT or ASK query with its bindings; the answer as a ResultSet (RemoteError if the
        server failed or cut it short)."""
        text = query.text if isinstance(query, Query) else query
        if isinstance(query, Query) and queries.query_form(text) not in ("SELECT", "ASK"):
            raise QueryError(f"query {query.where}: only SELECT and ASK queries can be run on an endpoint")
        return self._post(queries.bind_values(text, bindings or {}))

    def _post(self, text: str) -> ResultSet:
        body = urllib.parse.urlencode({"query": text, "default-graph-uri": self.named_graph}).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                   "Accept": f"{SPARQL_JSON}, application/json;q=0.5"}
        response = self.client.request("POST", self.url, body, headers, where=f"POST {_shorter(self.url)}")
        state = response.headers.get("X-SQL-State")
        if response.status == 206 or state:
            why = response.headers.get("X-SQL-Message") or f"HTTP {response.status}, SQL state {state}"
            raise RemoteError(f"POST {_shorter(self.url)}: the server returned incomplete results ({why}); "
                              "raise its time limit (Virtuoso: MaxQueryExecutionTime in [SPARQL] of virtuoso.ini)")
        limit = response.headers.get("X-SPARQL-MaxRows")
        if limit:
            raise RemoteError(f"POST {_shorter(self.url)}: the server cut the result at {limit} rows "
                              "(X-SPARQL-MaxRows); raise its limit (Virtuoso: ResultSetMaxRows in [SPARQL] "
                              "of virtuoso.ini) or add LIMIT/OFFSET to the query")
        try:
            return from_json(response.body)
        except ResultsError as err:
            raise RemoteError(f"the endpoint's answer is {err}") from None

    def lookup(self, ident: str, kind: str | None) -> list[tuple[str, str]]:
        """(kind, IRI) of every entity on the server whose dcterms:identifier is `ident` (a slug)."""
        if not _SLUG.fullmatch(ident):
            return []  # ids are slugs: anything else names nothing (and never reaches the server)
        found: list[tuple[str, str]] = []
        for k in [kind] if kind else list(queries.PARAM_KINDS):
            for row in self._post(queries.entity_lookup(k, ident)).rows:
                term = row[0]
                if term is not None and term.kind == "uri":
                    found.append((k, check_iri(term.value, f"the IRI the server gave for {k} {ident!r}")))
        return found


def open_endpoint(url: str, named_graph: str, *, credentials: Credentials | None = None) -> Endpoint:
    """The endpoint at `url`, restricted to `named_graph`, once it is known to hold something.

    An empty (or absent) named graph is an error: it is nearly always a mistyped
    --named-graph, or a graph not pushed yet, rather than a question whose answer is nothing.
    """
    endpoint = Endpoint(url, named_graph, credentials=credentials)
    if not endpoint.select("ASK { ?s ?p ?o }").boolean:
        raise RemoteError(f"the named graph <{endpoint.named_graph}> is empty or absent at {url}; "
                          "fill it with `kg push`, or name another with --named-graph")
    return endpoint


__all__ = [
    "DEFAULT_BATCH",
    "PASSWORD_ENV",
    "USER_ENV",
    "Client",
    "Credentials",
    "Endpoint",
    "PushReport",
    "RemoteError",
    "batches",
    "check_iri",
    "check_url",
    "default_graph",
    "open_endpoint",
    "parse_challenges",
    "push",
]
