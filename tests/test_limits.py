"""Bounded work: local queries stop at --timeout and on Ctrl-C, and never reach the network (SERVICE)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kg import build, cli, engines, limits, queries, remote

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "data"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n"


def test_bounded_returns_raises_and_stops_at_its_deadline() -> None:
    assert limits.bounded(lambda: 42, 5, "work") == 42
    with pytest.raises(ZeroDivisionError):
        limits.bounded(lambda: 1 / 0, 5, "work")
    started = time.monotonic()
    with pytest.raises(limits.TimeLimitError, match=r"sleeping did not finish within 0\.5 s"):
        limits.bounded(lambda: time.sleep(30), 0.5, "sleeping")
    assert time.monotonic() - started < 1.5


def start_query(rq: Path, *options: str) -> subprocess.Popen[bytes]:
    """`kg query RQ OPTIONS` as the console script runs it (main() reading sys.argv), in a child that says on
    stderr when the query itself starts (after loading); returned once it has said so. A child, not this
    process: a query abandoned at its deadline keeps a core busy until its process ends."""
    code = ("import sys\nfrom kg import cli, limits\nbounded = limits.bounded\n"
            "def started(*a, **k):\n    print('query running', file=sys.stderr, flush=True)\n"
            "    return bounded(*a, **k)\n"
            "limits.bounded = started\n"
            f"sys.argv = ['kg', 'query', {str(rq)!r}, *{list(options)!r}]\nsys.exit(cli.main())\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    assert proc.stderr.readline() == b"query running\n"
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("engine", queries.ENGINES)
def test_a_runaway_local_query_stops_at_its_timeout(tmp_path: Path, engine: str) -> None:
    rq = tmp_path / "cartesian.rq"
    rq.write_text(CARTESIAN, encoding="utf-8")
    proc = start_query(rq, "--engine", engine, "--timeout", "1")
    started = time.monotonic()
    proc.wait(30)
    assert time.monotonic() - started < 2.5
    assert proc.returncode == 1
    err = proc.stderr.read().decode()  # type: ignore[union-attr]
    assert "did not finish within 1 s (give more with --timeout SECONDS)" in err and "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("engine", queries.ENGINES)
def test_ctrl_c_stops_a_local_query_within_a_second_with_exit_130(tmp_path: Path, engine: str) -> None:
    rq = tmp_path / "cartesian.rq"
    rq.write_text(CARTESIAN, encoding="utf-8")
    proc = start_query(rq, "--engine", engine)
    time.sleep(1.5)  # deep in the query by now
    assert proc.poll() is None
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(10)
    assert time.monotonic() - sent < 1.0
    assert proc.returncode == 130
    assert b"Traceback" not in proc.stderr.read()  # type: ignore[union-attr]


# --------------------------------------------------------------------------- no network from local queries


@pytest.fixture
def counter() -> Iterator[tuple[str, list[str]]]:
    """A SPARQL 'service' on 127.0.0.1 that counts the requests it gets (and answers an empty result)."""
    seen: list[str] = []

    class Count(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            seen.append(f"{self.command} {self.path}")
            body = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _handle

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def service_queries(url: str) -> list[str]:
    dc = "<http://purl.org/dc/terms/identifier>"
    return [
        f"SELECT ?id ?x WHERE {{ ?e {dc} ?id . SERVICE <{url}> {{ ?e ?p ?x }} }}",  # shares ?e: sends local data
        f"select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ OPTIONAL {{ ?s {dc} ?id }} \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",  # an escaped keyword
        f"PREFIX ex: <{url}>\nASK {{ SERVICE ex: {{ ?s ?p ?o }} }}",
    ]


@pytest.mark.parametrize("engine", queries.ENGINES)
def test_service_is_refused_for_local_queries_before_anything_runs(
        counter: tuple[str, list[str]], tmp_path: Path, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    url, seen = counter
    out = tmp_path / "build"
    build.build(FIXTURES / "minimal", out, store=tmp_path / "store")
    sources = [["--data", str(FIXTURES / "minimal")], ["--graph", str(out / "graph.ttl")],
               ["--store", str(tmp_path / "store")]]
    for i, text in enumerate(service_queries(url)):
        rq = tmp_path / f"q{i}.rq"
        rq.write_text(text, encoding="utf-8")
        for source in sources:
            assert cli.main(["query", str(rq), *source, "--engine", engine]) == 1
            err = capsys.readouterr().err
            assert "calls a remote SPARQL service (SERVICE)" in err and "--allow-service" in err, err
            assert f"{rq}:" in err and "Traceback" not in err
    assert seen == []  # not one request: not while checking the syntax, not while running
    # Dataset clauses do not fetch either (rdflib would load a FROM graph from the web).
    for text in (f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}", f"SELECT * FROM NAMED <{url}> WHERE {{ ?s ?p ?o }}"):
        rq = tmp_path / "from.rq"
        rq.write_text(text, encoding="utf-8")
        cli.main(["query", str(rq), "--data", str(FIXTURES / "minimal"), "--engine", engine])
        assert "Traceback" not in capsys.readouterr().err
    assert seen == []
    # Words that only look like the keyword are no call.
    rq = tmp_path / "words.rq"
    rq.write_text('PREFIX service: <urn:s:>\nSELECT ?service WHERE { ?service ?p "SERVICE <x>" } # SERVICE\n',
                  encoding="utf-8")
    assert cli.main(["query", str(rq), "--data", str(FIXTURES / "minimal"), "--engine", engine]) == 0
    # Allowed explicitly, the call is made (so the counter above would have seen one).
    rq = tmp_path / "q0.rq"
    cli.main(["query", str(rq), "--data", str(FIXTURES / "minimal"), "--engine", engine, "--allow-service"])
    capsys.readouterr()
    assert seen


def test_remote_queries_with_service_are_sent_as_they_are(counter: tuple[str, list[str]], tmp_path: Path) -> None:
    """The server runs a remote query: SERVICE in it is the server's business, and nothing is called from here."""
    url, seen = counter
    text = service_queries("http://127.0.0.1:9/elsewhere")[1]
    rq = tmp_path / "fed.rq"
    rq.write_text(text, encoding="utf-8")
    rs = engines.run(str(rq), remote.Endpoint(url, "urn:g"))
    assert rs.rows == [] and len(seen) == 1 and seen[0].startswith("POST /sparql")
