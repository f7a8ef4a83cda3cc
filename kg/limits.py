"""What kg bounds, in one place: sizes it reads, time it spends. `docs/security.md` lists the same numbers.

The bounds on input are checked where a CSV is read (`kg.csvread`); the time bound is a
worker thread the caller waits for and abandons on a deadline or Ctrl-C, so a runaway
query cannot hold the command: engines do not look at signals while they compute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from kg.errors import KgError

MAX_COLUMNS = 1_000
"""Columns a CSV header may have: the contract has about 15; a million made validation run for minutes."""

MAX_FIELD_CHARS = 1_000_000
"""Characters one CSV cell may hold. Oxigraph's Turtle and JSON-LD writers fail on a line over 16 MiB;
a cell of a million characters is at most 6 MB in any output, however it is escaped."""

SHOWN_CYCLE_MEMBERS = 5
"""A parent cycle longer than this is reported once, with its length and its first members."""

DEFAULT_QUERY_TIMEOUT = 300.0
"""Seconds a local query (`kg query --data/--graph/--store`) may run, unless `--timeout` says otherwise."""

T = TypeVar("T")


_abandoned: list[threading.Thread] = []


def abandoned() -> bool:
    """Whether work was left running in a worker thread (the process should then exit without cleaning up)."""
    return any(worker.is_alive() for worker in _abandoned)


class TimeLimitError(KgError):
    """Work stopped at its deadline (exit 1)."""


def bounded(work: Callable[[], T], seconds: float | None, what: str) -> T:
    """Run `work` in a worker thread and return its result (or raise its error).

    At the deadline, TimeLimitError; on Ctrl-C, KeyboardInterrupt within a tenth of a second.
    Either way the worker is abandoned (a daemon thread: it ends with the process), since
    neither engine can be interrupted mid-query. `seconds` None waits as long as it takes.
    """
    box: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as err:  # handed to the waiting thread as is
            box["error"] = err
        finally:
            done.set()

    worker = threading.Thread(target=run, name=f"kg: {what}", daemon=True)
    worker.start()
    deadline = None if seconds is None else time.monotonic() + seconds
    try:
        while not done.wait(0.1):
            if deadline is not None and time.monotonic() > deadline:
                raise TimeLimitError(f"{what} did not finish within {seconds:g} s (give more with --timeout SECONDS)")
    except BaseException:
        _abandoned.append(worker)
        raise
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


__all__ = [
    "DEFAULT_QUERY_TIMEOUT",
    "MAX_COLUMNS",
    "MAX_FIELD_CHARS",
    "SHOWN_CYCLE_MEMBERS",
    "TimeLimitError",
    "abandoned",
    "bounded",
]
