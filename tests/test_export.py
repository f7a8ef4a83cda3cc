"""Turtle and JSON-LD written by child processes (`kg.export`, `kg._serialise`), following the N-Triples file
as it is written or reading it whole."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg import _serialise, export, vocab

whitespace_and_text = st.lists(st.text(alphabet=st.sampled_from(list(" \n\t[]{}a")), max_size=6), max_size=8)


@given(whitespace_and_text)
def test_stripped_passes_the_text_without_its_outer_whitespace_whatever_the_pieces(pieces: list[str]) -> None:
    sink = io.BytesIO()
    stripped = _serialise.Stripped(sink)
    for piece in pieces:
        assert stripped.write(piece.encode()) == len(piece.encode())
    whole = "".join(pieces).encode()
    assert sink.getvalue() == whole.strip()
    assert stripped.started == bool(whole.strip())


def test_an_empty_graph_is_an_empty_jsonld_graph(tmp_path: Path) -> None:
    nt = tmp_path / "empty.nt"
    nt.write_bytes(b"")
    _serialise.jsonld_file(nt, tmp_path / "g.jsonld", {"ex": "http://example.org/"})
    assert (tmp_path / "g.jsonld").read_bytes().endswith(b'"@graph": []\n}\n')


@pytest.mark.parametrize("kind", ["turtle", "jsonld"])
def test_a_child_following_the_file_writes_the_bytes_of_one_reading_it_whole(kind: str, tmp_path: Path) -> None:
    nt = kg.load().ntriples
    (tmp_path / "whole.nt").write_bytes(nt)
    whole = export.start(kind, tmp_path / "whole.nt", tmp_path / "a", vocab.DEFAULT_BASE)
    followed = export.start(kind, None, tmp_path / "b", vocab.DEFAULT_BASE)
    assert followed.feed is not None and whole.feed is None
    growing = tmp_path / "growing.nt"
    with open(growing, "wb") as out:
        for at in range(0, len(nt), 7000):  # stretches cut anywhere, even inside a line
            out.write(nt[at : at + 7000])
            out.flush()
            followed.feed.grown(growing, out.tell())
    followed.feed.close()
    whole.wait()
    followed.wait()
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes() == (
        export.turtle(nt) if kind == "turtle" else export.jsonld(nt))


def test_a_child_that_fails_while_following_is_reported(tmp_path: Path) -> None:
    job = export.start("turtle", None, tmp_path / "no-such-folder" / "graph.ttl", vocab.DEFAULT_BASE)
    assert job.feed is not None
    nt = tmp_path / "graph.nt"
    nt.write_bytes((b"<http://example.org/a> <http://example.org/b> " + b'"' + b"x" * 1000 + b'" .\n') * 20_000)
    job.feed.grown(nt, nt.stat().st_size)  # 20 MB: far more than the pipe holds
    job.feed.close()
    job.feed.join(timeout=60)
    assert not job.feed.thread.is_alive(), "the feed was left waiting on a child that had gone"
    assert job.feed.broken
    with pytest.raises(OSError, match=r"writing graph\.ttl from the N-Triples being written: .*No such file"):
        job.wait()
    job.stop()


def test_stopping_a_child_midway_ends_it_and_its_feed(tmp_path: Path) -> None:
    job = export.start("jsonld", None, tmp_path / "graph.jsonld", vocab.DEFAULT_BASE)
    assert job.feed is not None
    nt = tmp_path / "graph.nt"
    nt.write_bytes(b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    job.feed.grown(nt, nt.stat().st_size)
    job.stop()  # the document never completes
    assert job.process.returncode is not None
    assert not job.feed.thread.is_alive()


def test_without_sendfile_to_a_pipe_the_feed_copies_through_memory(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the kernel cannot sendfile into a pipe (not Linux), the bytes are read and written instead."""
    import errno
    import os

    def refuse(*_args: object) -> int:
        raise OSError(errno.EINVAL, "sendfile to a pipe is not supported here")

    monkeypatch.setattr(os, "sendfile", refuse)
    nt = kg.load().ntriples
    (tmp_path / "graph.nt").write_bytes(nt)
    job = export.start("turtle", None, tmp_path / "graph.ttl", vocab.DEFAULT_BASE)
    assert job.feed is not None
    job.feed.grown(tmp_path / "graph.nt", len(nt))
    job.feed.close()
    job.wait()
    assert (tmp_path / "graph.ttl").read_bytes() == export.turtle(nt)


def test_a_child_that_cannot_read_its_file_says_which(tmp_path: Path) -> None:
    job = export.start("jsonld", tmp_path / "missing.nt", tmp_path / "graph.jsonld", vocab.DEFAULT_BASE)
    with pytest.raises(OSError, match=r"writing graph\.jsonld from .*missing\.nt: .*No such file"):
        job.wait()
    job.stop()
