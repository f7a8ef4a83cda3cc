"""Atomic builds and stores: killed, failing and concurrent builds leave one whole build, never a mix.

Two reference builds (two synthetic data folders) give the six files' hashes; every
folder a test leaves behind must hash exactly as one of them (or, before the first
build finished, hold none of the six).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

import kg
from kg import atomic, build, cli, store
from kg.build import OUTPUTS, BuildError
from kg.errors import OutputError, UsageError
from tests.conftest import crashing, full_disk_at

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "data"
KILLS = int(os.environ.get("KG_KILL_LOOP", "12"))  # the report's run: KG_KILL_LOOP=30


def hashes(folder: Path) -> dict[str, str] | None:
    """The six outputs' SHA-256, or None when none of them is there; a partial set is returned as is."""
    found = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
             for name in OUTPUTS if (folder / name).is_file()}
    return found or None


def kg_cmd(*args: str, **kw: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory, script: Callable[[str], ModuleType]
               ) -> tuple[list[Path], list[dict[str, str]]]:
    """Two data folders and the hashes of their builds."""
    synth = script("synth")
    root = tmp_path_factory.mktemp("refs")
    folders, refs = [], []
    for n, seed in ((3000, 1), (1200, 2)):
        data = synth.write(root / f"data{n}", synth.generate(n, seed))
        build.build(data, root / f"ref{n}")
        found = hashes(root / f"ref{n}")
        assert found is not None and len(found) == 6
        folders.append(data)
        refs.append(found)
    assert refs[0] != refs[1]
    return folders, refs


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".kg-stage-" in p.name or p.name.endswith(".kg-journal"))


# --------------------------------------------------------------------------- killed at random moments


@pytest.mark.slow
def test_builds_killed_at_random_moments_leave_one_build_or_the_other(
        two_builds: tuple[list[Path], list[dict[str, str]]], tmp_path: Path) -> None:
    folders, refs = two_builds
    out = tmp_path / "out"
    rng = random.Random(int(os.environ.get("KG_KILL_SEED", "17")))
    started = time.monotonic()
    probe = kg_cmd("build", "--data", str(folders[0]), "--out", str(tmp_path / "probe"))
    assert probe.wait(120) == 0, probe.stderr.read() if probe.stderr else ""
    duration = time.monotonic() - started
    outcomes: Counter[str] = Counter()
    for i in range(KILLS):
        before = hashes(out)
        proc = kg_cmd("build", "--data", str(folders[i % 2]), "--out", str(out))
        if i % 3 == 2:  # a third of the kills during the swap: as soon as its journal is seen
            deadline = time.monotonic() + duration * 3
            while not atomic.journal_path(out).exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(rng.uniform(0, 0.002))
        else:  # the others anywhere in a build
            time.sleep(rng.uniform(0.0, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        mid_swap = atomic.journal_path(out).exists()
        settled = atomic.recover(out)  # what the next kg command touching the folder does first
        after = hashes(out)
        assert after is None or after in refs, f"kill {i}: a mix of two builds: {after}"
        if mid_swap:
            outcomes[f"mid-swap, {settled}"] += 1
        elif after == before:
            outcomes["before the swap (old build kept)"] += 1
        else:
            outcomes["after the swap (new build in place)"] += 1
    finish = kg_cmd("build", "--data", str(folders[0]), "--out", str(out))
    assert finish.wait(120) == 0
    assert hashes(out) == refs[0]
    assert leftovers(tmp_path) == []  # the killed builds' staging folders are gone
    print(f"\n{KILLS} kills after 0-{duration * 1.1:.2f} s: {dict(outcomes)}")


@pytest.mark.slow
def test_a_crash_at_each_rename_is_settled_by_the_next_command_even_a_failing_build(
        two_builds: tuple[list[Path], list[dict[str, str]]], tmp_path: Path, minimal: Path,
        crash_at: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    folders, refs = two_builds
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "evidence.csv").write_text("id\n", encoding="utf-8")
    n, seen = 1, set()
    while True:
        out = tmp_path / f"out{n}"
        assert cli.main(["build", "--data", str(folders[0]), "--out", str(out)]) == 0
        done = crash_at(n, ["build", "--data", str(folders[1]), "--out", str(out)])
        if done.returncode == 0:
            assert hashes(out) == refs[1]
            break
        assert done.returncode == 137, done.stderr
        assert atomic.journal_path(out).exists() or hashes(out) in refs
        # The next command is a build of invalid data: it fails validation, but settles the swap first.
        assert cli.main(["build", "--data", str(bad), "--out", str(out)]) == 1
        after = hashes(out)
        assert after in refs, f"crash at rename {n}: a mix"
        seen.add(refs.index(after))
        assert not atomic.journal_path(out).exists()
        n += 1
    assert n > 6  # the journal, six files moved aside and in: every one of them was a crash point
    assert 1 in seen  # crashes after the journal was written were completed, not undone


@pytest.mark.slow
def test_a_failure_at_each_rename_rolls_the_build_back(
        two_builds: tuple[list[Path], list[dict[str, str]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders, refs = two_builds
    real = os.replace
    k = 1
    while True:
        out = tmp_path / f"out{k}"
        build.build(folders[0], out)
        monkeypatch.setattr(atomic.os, "replace", full_disk_at(k))
        try:
            build.build(folders[1], out)
        except BuildError as err:
            assert "No space left on device" in str(err)
            assert hashes(out) == refs[0], f"failure at rename {k}: not rolled back"
        else:
            assert hashes(out) == refs[1]
            break
        finally:
            monkeypatch.setattr(atomic.os, "replace", real)
        assert leftovers(tmp_path) == []
        k += 1
    assert k > 6


# --------------------------------------------------------------------------- concurrent builds and obstacles


@pytest.mark.slow
def test_two_builds_into_one_folder_at_once_one_runs_the_other_says_so(
        two_builds: tuple[list[Path], list[dict[str, str]]], tmp_path: Path) -> None:
    folders, refs = two_builds
    results: Counter[str] = Counter()
    for trial in range(3):
        out = tmp_path / f"out{trial}"
        procs = [kg_cmd("build", "--data", str(folders[i]), "--out", str(out)) for i in (0, 1)]
        codes, errs = [], []
        for p in procs:
            _, err = p.communicate(timeout=120)
            codes.append(p.returncode)
            errs.append(err.decode())
        assert sorted(codes) in ([0, 0], [0, 1]), errs
        for code, err in zip(codes, errs, strict=True):
            if code == 1:
                assert "another kg build is writing it (process" in err and "Traceback" not in err
        assert hashes(out) in refs
        results["one refused"] += sorted(codes) == [0, 1]
        results["both ran (one after the other)"] += codes == [0, 0]
    print(f"\n3 concurrent trials: {dict(results)}")


def test_a_second_writer_is_refused_while_the_lock_is_held(tmp_path: Path) -> None:
    out = tmp_path / "build"
    with atomic.locked(out), pytest.raises(atomic.Busy, match=r"another kg build is writing it \(process \d+\)"):
        build.build(FIXTURES / "minimal", out)
    assert not out.exists()


def test_a_folder_in_the_way_of_an_output_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build.build(FIXTURES / "minimal", out)
    (out / "index.html").unlink()
    (out / "index.html").mkdir()
    before = hashes(out)
    with pytest.raises(OutputError, match=r"cannot write the build \(.*index\.html is not a file"):
        build.build(None, out)
    assert hashes(out) == before and (out / "index.html").is_dir()
    assert leftovers(tmp_path) == []


def test_staging_folders_of_killed_builds_are_removed_by_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "build"
    stale = [tmp_path / ".build.kg-stage-dead1", tmp_path / ".build.kg-stage-dead2"]
    for folder in stale:
        folder.mkdir()
        (folder / "graph.nt").write_bytes(b"x" * 1000)
    other = tmp_path / ".other.kg-stage-keep"  # another target's: not this build's business
    other.mkdir()
    build.build(FIXTURES / "minimal", out)
    assert not any(f.exists() for f in stale) and other.exists()


def test_out_names_that_cannot_be_meant_are_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (["--out", ""], ["--out", "/"], ["--base", "not an iri"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["build", "--data", str(FIXTURES / "minimal"), *argv])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and ("folder" in err or "not an absolute IRI" in err), err
    assert list(tmp_path.iterdir()) == []  # nothing written into the current folder (or anywhere)
    with pytest.raises(UsageError):
        build.build(FIXTURES / "minimal", "")
    with pytest.raises(UsageError):
        build.build(FIXTURES / "minimal", "/")
    with pytest.raises(UsageError, match="not an absolute IRI"):
        build.build(FIXTURES / "minimal", tmp_path / "b", base="not an iri")
    assert not (tmp_path / "b").exists()


# --------------------------------------------------------------------------- stores


@pytest.mark.slow
def test_a_store_crashed_at_each_rename_opens_as_one_store_or_the_other(tmp_path: Path) -> None:
    small = kg.load(FIXTURES / "minimal")
    big = kg.load()
    counts = {len(small.ntriples.splitlines()), len(big.ntriples.splitlines())}
    n = 1
    while True:
        target = tmp_path / f"store{n}"
        store.write_store(small.ntriples, target)
        nt = tmp_path / "big.nt"
        nt.write_bytes(big.ntriples)
        code = (f"import sys; from pathlib import Path; from kg import store; "
                f"store.write_store(Path({str(nt)!r}), {str(target)!r})")
        crash = crashing(n) + code
        done = subprocess.run([sys.executable, "-c", crash], cwd=ROOT, capture_output=True, text=True, timeout=120)
        opened = store.open_store(target)  # the reader settles the swap first
        assert len(opened) in counts
        del opened
        if done.returncode == 0:
            break
        assert done.returncode == 137, done.stderr
        n += 1
    assert n >= 3  # journal, old folder aside, new folder in
    assert leftovers(tmp_path) == [] or all(".kg-stage-" in x for x in leftovers(tmp_path))


def test_a_corrupt_or_foreign_store_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "store"
    store.write_store(kg.load(FIXTURES / "minimal").ntriples, target)
    for sst in (target / "db").glob("*.sst"):
        raw = bytearray(sst.read_bytes())
        for i in range(100, len(raw) - 100, 97):
            raw[i] ^= 0x55
        sst.write_bytes(bytes(raw))
    foreign = tmp_path / "foreign"
    (foreign / "db").mkdir(parents=True)
    (foreign / store.MARKER).write_text("x", encoding="utf-8")
    (foreign / "db" / "CURRENT").write_text("not a database\n", encoding="utf-8")
    for path in (target, foreign):
        with pytest.raises(store.StoreError, match="cannot open the store"):
            kg.load(store=path)
        assert cli.main(["query", "conflicts", "--store", str(path)]) == 1
        err = capsys.readouterr().err
        assert "cannot open the store" in err and "Traceback" not in err


def test_a_store_on_a_full_disk_says_why(tmp_path: Path) -> None:
    """On a real full disk (a 64 KiB tmpfs): Oxigraph's OSError has no errno, the message must still say why."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        with pytest.raises(store.StoreError) as err:
            store.write_store(kg.load().ntriples, disk / "store")
        assert "No space left on device" in str(err.value) and "(None)" not in str(err.value)
        assert str(err.value).count("cannot write") == 1
        assert not (disk / "store").exists() and leftovers(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_every_output_is_fsynced_before_it_is_renamed_into_place(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk holds a file's data before any name points at it: a power cut cannot leave an empty output."""
    out = tmp_path / "build"
    build.build(FIXTURES / "minimal", out)  # a second build replaces existing files: the full swap
    events: list[tuple[str, str]] = []
    real_fsync, real_replace, real_open = os.fsync, os.replace, os.open
    names: dict[int, str] = {}

    def opened(path: object, flags: int, *args: object) -> int:
        fd = real_open(path, flags, *args)  # type: ignore[arg-type]
        names[fd] = str(path)
        return fd

    def fsync(fd: int) -> None:
        events.append(("fsync", names.get(fd, "?")))
        real_fsync(fd)

    def replace(a: object, b: object) -> None:
        events.append(("rename", str(a)))
        real_replace(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "open", opened)
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    build.build(None, out)
    moved_in = [(i, path) for i, (kind, path) in enumerate(events)
                if kind == "rename" and ".kg-stage-" in path and Path(path).name in OUTPUTS
                and Path(path).parent.name.startswith(".build.kg-stage-")]
    assert sorted(Path(p).name for _, p in moved_in) == sorted(OUTPUTS)
    for i, path in moved_in:
        assert ("fsync", path) in events[:i], f"{path} renamed before it was fsync'd"
    journal = next(i for i, (kind, path) in enumerate(events) if kind == "rename" and path.endswith(".kg-journal.tmp"))
    assert journal < min(i for i, _ in moved_in)  # the journal is on disk before the first output moves
    assert events[journal - 1][0] == "fsync"  # the journal's own data, just before its rename


def test_staging_folders_are_what_a_progress_display_counts(tmp_path: Path) -> None:
    """`kg build` and `kg import` show the bytes written so far by watching `staging_folders`."""
    target = tmp_path / "out"
    assert atomic.staging_folders(target) == []
    with atomic.writing(target) as stage:
        (stage.folder / "graph.nt").write_bytes(b"x" * 1000)
        assert atomic.staging_folders(target) == [stage.folder]
        stage.swap_files(["graph.nt"])
    assert atomic.staging_folders(target) == []
