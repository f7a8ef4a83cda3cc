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

from kg import limits, queries
from kg import vocab as V
from kg.errors import KgError
from kg.queries import Query, QueryError, QueryUsageError
from kg.results import ResultsError, ResultSet, from_json
from kg.schema import SLUG

USER_ENV = "KG_ENDPOINT_USER"
PASSWORD_ENV = "KG_ENDPOINT_PASSWORD"
DEFAULT_BATCH = 50_000
"""The old default cap in triples; batches are now sized by bytes (`DEFAULT_BATCH_BYTES`) unless a count is given."""
DEFAULT_BATCH_BYTES = 2_000_000
"""Bytes of N-Triples per request: accepted by a stock Virtuoso 7.2 (which drops the connection at about
10 MB; tested), Fuseki and Oxigraph server. A batch a server refuses as too large is sent again in halves."""
DEFAULT_TIMEOUT = 300.0
"""Seconds one whole request may take (sending, waiting, reading), not per read."""
NTRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"

_SLUG = re.compile(SLUG)
_HANDSHAKE_ABOVE = 16_384  # bytes of body above which credentials are settled by a HEAD first
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BLANK_NODE = re.compile(rb"(?m)^_:|\s_:[^\s\"<>]+\s*\.\s*$")


class RemoteError(KgError):
    """A failure talking to a SPARQL server; the message says what happened, for a person (exit 1).

    `status` is the server's HTTP status when it answered; `maybe_applied` is True when the
    request may have been carried out although no answer came (a lost reply, a timeout);
    `too_large` when the server refused the request's size (HTTP 413, or it closed the
    connection while the body was being sent).
    """

    def __init__(self, message: str, *, status: int | None = None, maybe_applied: bool = False,
                 too_large: bool = False):
        super().__init__(message)
        self.status = status
        self.maybe_applied = maybe_applied
        self.too_large = too_large


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

    def __post_init__(self) -> None:
        # A CR from a CRLF file would end up inside the Authorization header, and in the error about it.
        for value, name in ((self.user, USER_ENV), (self.password, PASSWORD_ENV)):
            if _CONTROL.search(value):
                raise RemoteError(f"{name} holds a control character (a line ending copied from a file?); "
                                  "remove it (its value is not shown)")

    def secrets(self) -> list[str]:
        """What must never appear in a message: the password and the basic-auth token."""
        token = b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return [x for x in (self.password, token) if x]


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

    def __init__(self, credentials: Credentials | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 allow_insecure_basic: bool = False):
        self.credentials = credentials
        self.timeout = timeout
        self.allow_insecure_basic = allow_insecure_basic
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._scheme: str | None = None
        self._challenge: dict[str, str] = {}
        self._nonce_count = 0
        self._sent: list[str] = []  # Authorization values sent, and their nonces: scrubbed from messages

    def scrub(self, message: str) -> str:
        """`message` without anything secret in it: password, tokens, Authorization values, nonces."""
        hidden = list(self._sent)
        if self.credentials is not None:
            hidden += self.credentials.secrets()
        for key in ("nonce", "opaque"):
            if self._challenge.get(key):
                hidden.append(self._challenge[key])
        for secret in sorted({h for h in hidden if len(h) >= 3}, key=len, reverse=True):
            message = message.replace(secret, "[hidden]")
        return message

    # -- authentication

    def _accept(self, challenges: dict[str, dict[str, str]], where: str, url: str) -> None:
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
            if urllib.parse.urlsplit(url).scheme != "https" and not self.allow_insecure_basic:
                raise RemoteError(f"{where}: the server asks for basic authentication over plain http, which would "
                                  "send the password readable by anyone on the way; use the server's https:// "
                                  "address (or digest authentication), or give --allow-insecure-basic "
                                  "(allow_insecure_basic=True) on a network you trust")
            if self.credentials is not None and ":" in self.credentials.user:
                raise RemoteError(f"{where}: {USER_ENV} holds a ':', which basic authentication cannot send")
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
        try:
            return self._request(method, url, body, headers, where)
        except RemoteError as err:
            raise RemoteError(self.scrub(str(err)), status=err.status, maybe_applied=err.maybe_applied,
                              too_large=err.too_large) from None

    def _handshake(self, url: str, where: str) -> None:
        """Learn the server's authentication challenge with a body-less HEAD.

        A server answers an unauthenticated request with 401 at once and closes the connection
        while a large body is still being sent (Virtuoso does): the first batch of a push failed
        that way on a stock Virtuoso. Whatever else HEAD answers is of no interest here.
        """
        try:
            self._open("HEAD", url, None, {}, where)
        except urllib.error.HTTPError as err:
            if err.code == 401:
                self._accept(parse_challenges(err.headers.get_all("WWW-Authenticate") or []), where, url)
        except RemoteError:
            pass

    def _request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str] | None,
                 where: str) -> Response:
        if self.credentials is not None and self._scheme is None and body and len(body) > _HANDSHAKE_ABOVE:
            self._handshake(url, where)
        for _ in range(4):
            sent = dict(headers or {})
            authenticated = self._scheme is not None and self.credentials is not None
            if authenticated:
                value = self._authorization(method, url)
                self._sent.append(value)
                self._sent += re.findall(r'(?:cnonce|response)="([^"]*)"', value)
                sent["Authorization"] = value
            try:
                return self._open(method, url, body, sent, where)
            except urllib.error.HTTPError as err:
                if err.code != 401:
                    raise RemoteError(_http_message(where, err), status=err.code, too_large=err.code == 413) \
                        from None
                challenges = parse_challenges(err.headers.get_all("WWW-Authenticate") or [])
                if self.credentials is None:
                    raise RemoteError(f"{where}: HTTP 401 Unauthorized: the server asks for a user name and "
                                      f"password; set {USER_ENV} and {PASSWORD_ENV} in the environment",
                                      status=401) from None
                stale = challenges.get("digest", {}).get("stale", "").lower() == "true"
                if authenticated and not stale:
                    raise RemoteError(f"{where}: HTTP 401 Unauthorized: the server rejected the user name and "
                                      f"password ({USER_ENV}={self.credentials.user!r} and {PASSWORD_ENV})",
                                      status=401) from None
                self._accept(challenges, where, url)
        raise RemoteError(f"{where}: the server kept asking for authentication", status=401)

    def _open(self, method: str, url: str, body: bytes | None, headers: dict[str, str], where: str) -> Response:
        """One request within `timeout` seconds in all (a server trickling its answer byte by byte is cut off)."""
        req = urllib.request.Request(url, data=body, headers=headers, method=method)

        def exchange() -> Response:
            with self._opener.open(req, timeout=self.timeout) as resp:
                return Response(resp.status, resp.headers, resp.read())

        try:
            return limits.bounded(exchange, self.timeout, where)
        except urllib.error.HTTPError:
            raise
        except limits.TimeLimitError:
            raise RemoteError(f"{where}: no complete answer within {self.timeout:g} s", maybe_applied=True) from None
        except urllib.error.URLError as err:
            raise RemoteError(f"{where}: {_reason(err.reason, url)}", maybe_applied=_maybe_applied(err.reason),
                              too_large=_too_large(err.reason)) from None
        except TimeoutError:
            raise RemoteError(f"{where}: no answer within {self.timeout:g} s", maybe_applied=True) from None
        except ValueError:  # a header value http.client refuses: never repeat it, it may hold credentials
            raise RemoteError(f"{where}: the request cannot be sent (its address or a header holds a character "
                              "HTTP does not allow)") from None
        except OSError as err:  # reset while sending, closed early
            raise RemoteError(f"{where}: {_reason(err, url)}", maybe_applied=_maybe_applied(err),
                              too_large=_too_large(err)) from None
        except http.client.HTTPException as err:  # the server broke off or answered garbage
            raise RemoteError(f"{where}: the server broke off the conversation ({type(err).__name__})",
                              maybe_applied=True) from None


def _maybe_applied(reason: object) -> bool:
    """Whether a request that failed this way may still have been carried out by the server."""
    return not isinstance(reason, ConnectionRefusedError | socket.gaierror | ssl.SSLError)


def _too_large(reason: object) -> bool:
    """A server that stops reading a body it finds too large closes the connection mid-send (Virtuoso does)."""
    return isinstance(reason, ConnectionResetError | BrokenPipeError) and not isinstance(
        reason, http.client.RemoteDisconnected)  # that one comes after the whole request was sent


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
    if isinstance(reason, http.client.RemoteDisconnected):
        return f"{host} closed the connection without answering"
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
    """What a push sent: the named graph, triples and requests (and anything worth saying, e.g. halved batches)."""

    graph: str
    triples: int
    batches: int
    notes: tuple[str, ...] = ()


def batches(ntriples: bytes, size: int | None = DEFAULT_BATCH, max_bytes: int | None = None
            ) -> Iterator[tuple[bytes, int]]:
    """Split N-Triples (one triple a line) into chunks of whole lines: (bytes, lines).

    A chunk holds at most `size` lines (None: any number) and at most `max_bytes` bytes (None: any
    size), except that a single line longer than `max_bytes` is a chunk of its own.

    >>> [n for _, n in batches(b"a\\nb\\nc\\n", 2)]
    [2, 1]
    >>> [c for c, _ in batches(b"aa\\nbb\\ncc\\n", None, max_bytes=6)]
    [b'aa\\nbb\\n', b'cc\\n']
    """
    if size is not None and size < 1:
        raise ValueError("the batch size must be at least 1")
    if max_bytes is not None and max_bytes < 1:
        raise ValueError("the batch size in bytes must be at least 1")
    start, end_of_data = 0, len(ntriples)
    while start < end_of_data:
        end, count = start, 0
        if size is None and max_bytes is not None:  # by bytes only: cut at the last line break that fits
            limit = start + max_bytes
            if limit >= end_of_data:
                end = end_of_data
            else:
                cut = ntriples.rfind(b"\n", start, limit)
                if cut == -1:
                    cut = ntriples.find(b"\n", limit)
                end = end_of_data if cut == -1 else cut + 1
            count = ntriples.count(b"\n", start, end) + (0 if ntriples[end - 1:end] == b"\n" else 1)
        else:
            while (size is None or count < size) and end < end_of_data:
                newline = ntriples.find(b"\n", end)
                stop = end_of_data if newline == -1 else newline + 1
                if count and max_bytes is not None and stop - start > max_bytes:
                    break
                end = stop
                count += 1
        yield ntriples[start:end], count
        start = end


def _halves(chunk: bytes) -> tuple[tuple[bytes, int], tuple[bytes, int]] | None:
    """A chunk of two or more lines cut in two at the line break nearest its middle; None for one line."""
    lines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
    if lines < 2:
        return None
    cut = chunk.rfind(b"\n", 0, len(chunk) // 2) + 1 or chunk.find(b"\n") + 1
    if cut <= 0 or cut >= len(chunk):
        cut = chunk.find(b"\n") + 1
    first, second = chunk[:cut], chunk[cut:]
    n = first.count(b"\n")
    return (first, n), (second, lines - n)


class _Loader:
    """Sends batches into one graph: a PUT first (replacing it), then POSTs; a batch refused as too large
    is sent again in halves."""

    def __init__(self, conn: Client, gsp_url: str, graph: str, total: int,
                 progress: Callable[[int, int], None] | None, notice: Callable[[str], None] | None):
        self.conn, self.gsp_url, self.graph, self.total = conn, gsp_url, graph, total
        self.url = _with_params(gsp_url, {"graph": graph})
        self.progress, self.notice = progress, notice
        self.sent = self.requests = 0
        self.notes: list[str] = []

    def send(self, chunk: bytes, lines: int) -> None:
        method = "PUT" if self.requests == 0 else "POST"
        headers = {"Content-Type": f"{NTRIPLES}; charset=utf-8"}
        try:
            self.conn.request(method, self.url, chunk, headers, where=f"{method} {self.gsp_url} (graph <{self.graph}>)")
        except RemoteError as err:
            halves = _halves(chunk) if err.too_large else None
            if halves is None:
                raise
            note = (f"the server refused a batch of {len(chunk):,} bytes ({lines:,} triples) as too large; "
                    "sending it in two halves (give a smaller --batch-bytes to avoid this)")
            self.notes.append(note)
            if self.notice is not None:
                self.notice(note)
            for half, n in halves:
                self.send(half, n)
            return
        self.requests += 1
        self.sent += lines
        if self.progress is not None:
            self.progress(self.sent, self.total)


def push(
    ntriples: bytes,
    gsp_url: str,
    graph: str,
    *,
    batch_size: int | None = None,
    batch_bytes: int | None = DEFAULT_BATCH_BYTES,
    update_url: str | None = None,
    credentials: Credentials | None = None,
    client: Client | None = None,
    progress: Callable[[int, int], None] | None = None,
    notice: Callable[[str], None] | None = None,
) -> PushReport:
    """Replace the named `graph` on a Graph Store Protocol endpoint with `ntriples`, in batches.

    Batches hold at most `batch_bytes` bytes (and `batch_size` triples, if given); one the server
    refuses as too large is sent again in halves, and said so (`notice`, and the report's notes).

    With `update_url` (the server's SPARQL 1.1 Update endpoint) the replacement is atomic: the
    batches go into a new staging graph, then one `COPY <staging> TO <graph>` replaces the graph,
    so readers see the old graph or the new one, never part of either, and the staging graph is
    deleted; a failure leaves the graph as it was and removes the staging graph. Without it, the
    first batch is a PUT (replacing the graph) and each further batch a POST (appending), and a
    failure says how much the graph holds.

    `progress(sent, total)` is called after each request. Blank nodes are refused: a server reads
    each request on its own, so one blank node split across two batches would become two.
    """
    check_url(gsp_url, "the Graph Store URL")
    check_iri(graph, "the named graph")
    if update_url is not None:
        check_url(update_url, "the SPARQL Update URL")
    if batch_size is not None and batch_size < 1:
        raise RemoteError(f"the batch size must be at least 1, not {batch_size}")
    if batch_bytes is not None and batch_bytes < 1:
        raise RemoteError(f"the batch size in bytes must be at least 1, not {batch_bytes}")
    if _BLANK_NODE.search(ntriples):
        raise RemoteError("the triples hold blank nodes, which cannot be split into batches; "
                          "use the Virtuoso bulk loader (scripts/virtuoso_bulk_load.sh) instead")
    conn = client or Client(credentials)
    total = ntriples.count(b"\n") + (0 if not ntriples or ntriples.endswith(b"\n") else 1)
    chunks = list(batches(ntriples, batch_size, batch_bytes)) if ntriples else [(b"", 0)]
    if update_url is None:
        return _push_direct(conn, chunks, gsp_url, graph, total, progress, notice)
    return _push_atomic(conn, chunks, gsp_url, update_url, graph, total, progress, notice)


def _push_direct(conn: Client, chunks: list[tuple[bytes, int]], gsp_url: str, graph: str, total: int,
                 progress: Callable[[int, int], None] | None, notice: Callable[[str], None] | None) -> PushReport:
    loader = _Loader(conn, gsp_url, graph, total, progress, notice)
    for chunk, lines in chunks:
        before = loader.sent
        try:
            loader.send(chunk, lines)
        except RemoteError as err:
            sent = loader.sent
            if loader.requests == 0 and not err.maybe_applied:
                state = f"the named graph <{graph}> is unchanged"
            elif loader.requests == 0:
                state = (f"the server did not confirm the first request, which replaces the graph: <{graph}> holds "
                         f"either what it held before or the first {before + lines} of {total} triples")
            elif err.maybe_applied:
                state = (f"the server did not confirm the last request: the named graph <{graph}> now holds at "
                         f"least the first {sent} and at most the first {before + lines} of {total} triples")
            else:
                state = f"the named graph <{graph}> now holds only the first {sent} of {total} triples"
            raise RemoteError(f"{err}\n{state}; push again to replace it (with --update URL the graph is "
                              "replaced in one step)", status=err.status) from None
    return PushReport(graph, loader.sent, loader.requests, tuple(loader.notes))


def staging_graph(graph: str) -> str:
    """A new, unique staging graph beside `graph` for an atomic push."""
    return check_iri(f"{graph}-kg-staging-{secrets.token_hex(6)}", "the staging graph")


def _push_atomic(conn: Client, chunks: list[tuple[bytes, int]], gsp_url: str, update_url: str, graph: str,
                 total: int, progress: Callable[[int, int], None] | None,
                 notice: Callable[[str], None] | None) -> PushReport:
    staging = staging_graph(graph)
    loader = _Loader(conn, gsp_url, staging, total, progress, notice)
    if notice is not None:
        notice(f"loading into the staging graph <{staging}>, then replacing <{graph}> with it in one step")

    def drop_staging() -> tuple[bool, str]:
        try:
            conn.request("DELETE", _with_params(gsp_url, {"graph": staging}), None, None,
                         where=f"DELETE {gsp_url} (graph <{staging}>)")
        except RemoteError as err:
            if err.status != 404:  # 404: there was nothing to remove
                return False, (f"the staging graph <{staging}> could not be removed ({err}); remove it with "
                               f"DROP SILENT GRAPH <{staging}>")
        return True, f"the staging graph <{staging}> was removed"

    try:
        for chunk, lines in chunks:
            loader.send(chunk, lines)
    except RemoteError as err:
        raise RemoteError(f"{err}\nthe named graph <{graph}> is unchanged (nothing was moved into it); "
                          f"{drop_staging()[1]}", status=err.status) from None
    # COPY replaces the graph in one update (SPARQL 1.1: DROP SILENT target, then add the source). MOVE
    # would do the removal of the staging graph in the same update, but takes Virtuoso minutes where
    # COPY takes seconds; the staging graph is removed by a separate DELETE instead.
    operation = f"COPY <{staging}> TO <{graph}>" if total else f"DROP SILENT GRAPH <{graph}>"
    body = urllib.parse.urlencode({"update": operation}).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    verb = operation.split()[0]
    try:
        conn.request("POST", update_url, body, headers, where=f"POST {update_url} ({verb})")
    except RemoteError as err:
        if err.maybe_applied:
            raise RemoteError(f"{err}\nthe server did not confirm the {verb}: the named graph <{graph}> holds either "
                              f"the graph it held before or all {total} new triples, not part of either; the new "
                              f"triples are also in <{staging}>: once the server is idle, remove that with "
                              f"DROP SILENT GRAPH <{staging}>", status=err.status) from None
        raise RemoteError(f"{err}\nthe named graph <{graph}> is unchanged (the server refused the {verb} that "
                          f"replaces it; docs/remote.md lists servers that support it); {drop_staging()[1]}",
                          status=err.status) from None
    notes = list(loader.notes)
    removed, dropped = drop_staging()
    if not removed:
        notes.append(f"<{graph}> was replaced, but {dropped}")
        if notice is not None:
            notice(notes[-1])
    return PushReport(graph, loader.sent, loader.requests + 2, tuple(notes))


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
        except ResultsError as err:  # the excerpt of the answer is the server's text: it may echo a secret
            raise RemoteError(self.client.scrub(f"the endpoint's answer is {err}")) from None

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


def open_endpoint(url: str, named_graph: str, *, credentials: Credentials | None = None,
                  client: Client | None = None) -> Endpoint:
    """The endpoint at `url`, restricted to `named_graph`, once it is known to hold something.

    An empty (or absent) named graph is an error: it is nearly always a mistyped
    --named-graph, or a graph not pushed yet, rather than a question whose answer is nothing.
    """
    endpoint = Endpoint(url, named_graph, credentials=credentials, client=client)
    if not endpoint.select("ASK { ?s ?p ?o }").boolean:
        raise RemoteError(f"the named graph <{endpoint.named_graph}> is empty or absent at {url}; "
                          "fill it with `kg push`, or name another with --named-graph")
    return endpoint


__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_BATCH_BYTES",
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
    "staging_graph",
]
