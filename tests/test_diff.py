"""`kg diff` / `kg.diff`: each change kind on small fixture pairs (expected rows checked by hand against the
CSV files under tests/data/diff/), renames, the sides (folder, build, store, git), the five formats, the
exit status, and the provenance a build records.

The fixtures: `base` (four statements), and folders that each change it one way:
`entities` (a treatment relabelled and unparented, a treatment and a condition added, a source's
publisher and extra column changed, a condition's synonyms reordered), `statements` (d1's certainty,
r1's quote, d2 renamed d2-long, x1 removed, r2 added), `verdicts` (d2's effect flipped; a new source
`review` whose statement r3 contradicts r1), `hostile` (markup in a quote and a summary) and `invalid`.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from kg import provenance
from kg.build import build
from kg.diff import report, sides
from kg.diff.compare import word_diff

ROOT = Path(__file__).resolve().parent.parent
DIFF = ROOT / "tests" / "data" / "diff"
BASE = DIFF / "base"
ARTIFACTS = ROOT / "test-artifacts"


def contract_fields(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The verdict changes in the contract's summary columns (section 3), leaving out the strength columns."""
    from kg.summary import CONTRACT_COLUMNS

    return verdicts[verdicts["field"].isin(CONTRACT_COLUMNS).to_numpy()]


def test_strength_columns_move_in_the_diff_too() -> None:
    d = kg.diff(BASE, DIFF / "statements")
    changed = rows(d.verdicts, ["treatment_id", "condition_id", "field", "old", "new"])
    # d1's certainty went from moderate to high: the pair's certainty column says so
    assert ("discectomy", "sciatica", "certainty", "moderate", "high") in changed


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple[Any, ...]]:
    """The frame's rows as tuples, None for NA, in the frame's order."""
    cells = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [tuple(r) for r in cells.values.tolist()]


def run_kg(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, check=False)


# --------------------------------------------------------------------------- each change kind


def test_entities_added_and_changed_field_by_field_including_the_parent() -> None:
    d = kg.diff(BASE, DIFF / "entities")
    assert rows(d.entities, ["kind", "id", "change", "field", "old", "new"]) == [
        ("source", "blog", "changed", "publisher", None, "Some Blog"),
        ("source", "guide", "changed", "reviewer", "Ann", "Bob"),  # an extra column is compared like the rest
        ("condition", "hip-pain", "added", None, None, None),
        ("treatment", "walking", "added", None, None, None),
        ("treatment", "discectomy", "changed", "parent", "surgery", None),
        ("treatment", "rest", "changed", "label", "Bed rest", "Bed rest (strict)"),
    ]  # back-pain's synonyms were only reordered: no change
    assert d.statements.empty and d.verdicts.empty and d.conflicts.empty
    counts = d.counts.set_index("part")
    assert counts.loc["treatments", ["added", "removed", "changed"]].tolist() == [1, 0, 2]
    assert counts.loc["conditions", ["added", "removed", "changed"]].tolist() == [1, 0, 0]
    assert sorted(d.files["path"]) == ["conditions.csv", "sources.csv", "treatments.csv"]
    assert d.different


def test_removed_entities_are_reported_the_other_way_round() -> None:
    d = kg.diff(DIFF / "entities", BASE)
    assert rows(d.entities[d.entities["change"] == "removed"], ["kind", "id", "label"]) == [
        ("condition", "hip-pain", "Hip pain"), ("treatment", "walking", "Walking")]
    assert ("discectomy", "parent", None, "surgery") in rows(d.entities, ["id", "field", "old", "new"])


def test_statements_added_removed_changed_and_renamed() -> None:
    d = kg.diff(BASE, DIFF / "statements")
    assert rows(d.statements, ["id", "old_id", "change", "field", "old", "new"]) == [
        ("r2", None, "added", None, None, None),
        ("x1", None, "removed", None, None, None),
        ("d2-long", "d2", "renamed", None, None, None),
        ("d1", None, "changed", "certainty", "moderate", "high"),
        ("r1", None, "changed", "quote", "Bed rest does not help", "Strict bed rest does not help much"),
    ]
    assert d.words == {"r1": [("-", "Bed"), ("+", "Strict bed"), ("=", "rest does not help"), ("+", "much")]}
    assert d.statements.set_index("id").loc["r1", "words"] == "[-Bed-] {+Strict bed+} rest does not help {+much+}"
    # the new pair and the gone pair, each because of its statement; the rename moves no verdict
    # the contract's columns (the strength columns of issue 11 move too: checked below)
    assert rows(contract_fields(d.verdicts), ["treatment_id", "condition_id", "change", "field", "old", "new",
                                              "because"]) == [
        ("surgery", "back-pain", "added", "verdict", None, "harm", "evidence:r2"),
        ("surgery", "sciatica", "removed", "verdict", "insufficient", None, "evidence:x1"),
    ]
    counts = d.counts.set_index("part")
    assert counts.loc["statements", ["added", "removed", "changed", "renamed"]].tolist() == [1, 1, 2, 1]


def test_verdicts_move_with_the_statements_that_moved_them_and_conflicts_appear() -> None:
    d = kg.diff(BASE, DIFF / "verdicts")
    assert rows(contract_fields(d.verdicts), ["treatment_id", "condition_id", "field", "old", "new", "because"]) == [
        ("discectomy", "sciatica", "verdict", "short_term_only", "benefit", "evidence:d2"),
        ("discectomy", "sciatica", "long_term", "no_benefit", "benefit", "evidence:d2"),
        ("discectomy", "sciatica", "headline", "better at one year only", "benefit beyond one year", "evidence:d2"),
        ("rest", "back-pain", "verdict", "no_benefit", "conflicting", "evidence:r3|source:review"),
        ("rest", "back-pain", "short_term", None, "benefit", "evidence:r3|source:review"),
        ("rest", "back-pain", "sources", "1", "2", "evidence:r3|source:review"),
        ("rest", "back-pain", "best_source_type", "blog", "systematic_review", "evidence:r3|source:review"),
        ("rest", "back-pain", "headline", "no benefit", "sources disagree on benefit and on recommending it",
         "evidence:r3|source:review"),
    ]
    assert set(d.verdicts["change"]) == {"changed"}
    assert rows(d.conflicts, ["kind", "evidence_a", "evidence_b", "change", "value_a", "value_b"]) == [
        ("effect", "r1", "r3", "appeared", "no_benefit", "benefit"),
        ("recommendation", "r1", "r3", "appeared", "against", "consider"),
    ]
    assert rows(d.pairs, ["treatment_id", "old_verdict", "new_verdict", "change"]) == [
        ("discectomy", "short_term_only", "benefit", "changed"), ("rest", "no_benefit", "conflicting", "changed")]
    back = kg.diff(DIFF / "verdicts", BASE)
    assert set(back.conflicts["change"]) == {"resolved"} and len(back.conflicts) == 2


def test_every_summary_column_is_compared_whatever_columns_the_summary_has(monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns added to the summary later (strength, certainty, ...) are compared without a change here."""
    from kg.diff import compare

    def with_extra(real: Any) -> Any:
        def summarise(*args: Any) -> pd.DataFrame:
            frame = real(*args)
            return frame.assign(strength=frame["sources"].map(lambda n: "strong" if n > 1 else "weak"))
        return summarise

    # the whole summary (every_pair) and the summary of the pairs a change reaches (the default)
    monkeypatch.setattr(compare, "summarise", with_extra(compare.summarise))
    monkeypatch.setattr(compare, "summarise_pairs", with_extra(compare.summarise_pairs))
    d = kg.diff(BASE, DIFF / "verdicts")
    assert ("rest", "strength", "weak", "strong") in rows(d.verdicts, ["treatment_id", "field", "old", "new"])
    assert "old_strength" in d.pairs and "new_strength" in d.pairs


def test_byte_differences_without_content_differences_are_no_difference(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(BASE, copy)
    text = (copy / "evidence.csv").read_text(encoding="utf-8")
    (copy / "evidence.csv").write_text("\ufeff" + text.replace("\n", "\r\n"), encoding="utf-8")
    d = kg.diff(BASE, copy)
    assert not d.same_inputs
    assert list(d.files["path"]) == ["evidence.csv"]
    assert not d.different


def test_a_changed_source_text_is_a_difference_even_when_the_tables_are_equal(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(BASE, copy)
    with open(copy / "texts" / "guide.txt", "a", encoding="utf-8") as f:
        f.write("\nA new paragraph.\n")
    d = kg.diff(BASE, copy)
    assert d.statements.empty and d.entities.empty
    assert rows(d.files, ["path", "change"]) == [("texts/guide.txt", "changed")]
    assert d.different


def test_word_diff() -> None:
    assert word_diff("a b c", "a b c") == [("=", "a b c")]
    assert word_diff("no  benefit\nat all", "no benefit at all") == [("=", "no benefit at all")]
    assert word_diff("", "new words") == [("+", "new words")]
    assert word_diff("x y z", "x z") == [("=", "x"), ("-", "y"), ("=", "z")]


# --------------------------------------------------------------------------- renames


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_renamed_statements_are_renames_not_a_removal_and_an_addition(data: st.DataObject) -> None:
    old = kg.load(BASE).dataset
    ids = old.evidence["id"].astype(str).tolist()
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    new_ids = {i: f"renamed-{n}" for n, i in enumerate(chosen)}
    evidence = old.evidence.assign(id=old.evidence["id"].map(lambda i: new_ids.get(i, i)).astype("string"))
    shuffled = evidence.sample(frac=1, random_state=data.draw(st.integers(0, 1000))).reset_index(drop=True)
    new = dataclasses.replace(old, evidence=shuffled, data_dir=None)
    d = kg.diff(old, new)
    assert sorted(rows(d.statements, ["old_id", "id", "change"])) == sorted(
        (o, n, "renamed") for o, n in new_ids.items())
    assert d.verdicts.empty and d.conflicts.empty and d.entities.empty
    assert d.different == bool(chosen)


def test_identical_statements_pair_up_once_each() -> None:
    old = kg.load(BASE).dataset
    twin = old.evidence[old.evidence["id"] == "x1"].assign(id="x2")
    old = dataclasses.replace(old, evidence=pd.concat([old.evidence, twin], ignore_index=True), data_dir=None)
    renamed = old.evidence.assign(id=old.evidence["id"].replace({"x1": "y1", "x2": "y2"}).astype("string"))
    new = dataclasses.replace(old, evidence=renamed.iloc[:-1].reset_index(drop=True))  # y2 dropped
    d = kg.diff(old, new)
    assert rows(d.statements, ["id", "old_id", "change"]) == [("x2", None, "removed"), ("y1", "x1", "renamed")]


def test_a_renamed_statement_keeps_its_conflicts() -> None:
    old = kg.load(DIFF / "verdicts").dataset
    ev = old.evidence.assign(id=old.evidence["id"].replace({"r1": "z1"}).astype("string"))
    d = kg.diff(old, dataclasses.replace(old, evidence=ev, data_dir=None))
    assert rows(d.statements, ["id", "old_id", "change"]) == [("z1", "r1", "renamed")]
    assert d.conflicts.empty  # r1-r3 and r3-z1 are the same two conflicts under the new id


# --------------------------------------------------------------------------- only the pairs a change reaches


_EDITS = ("effect", "timeframe", "certainty", "recommendation", "comparator", "treatment", "condition", "source",
          "quote", "rename", "remove", "add")
_ENTITY_EDITS = ("treatment parent", "treatment label", "condition parent", "source type", "source publisher")


def _edited(old: Any, data: st.DataObject) -> Any:
    """`old` with random statement and entity edits drawn from `data`."""
    ev = old.evidence.copy()
    treatments, conditions, sources = (old.table(t).copy() for t in ("treatments", "conditions", "sources"))
    t_ids, c_ids, s_ids = (list(f["id"].astype(str)) for f in (treatments, conditions, sources))
    added = []
    for n, (row, edit) in enumerate(data.draw(st.lists(st.tuples(st.integers(0, len(ev) - 1), st.sampled_from(_EDITS)),
                                                       max_size=12))):
        if edit in ("effect", "timeframe", "certainty", "recommendation"):
            values = [*ev[edit].cat.categories, None] if edit in ("certainty", "recommendation") else \
                list(ev[edit].cat.categories)
            ev.loc[row, edit] = data.draw(st.sampled_from(values))
        elif edit in ("treatment", "comparator", "condition", "source"):
            pool = {"treatment": t_ids, "comparator": [*t_ids, None], "condition": c_ids, "source": s_ids}[edit]
            ev.loc[row, edit] = data.draw(st.sampled_from(pool))
        elif edit == "quote":
            ev.loc[row, "quote"] = f"{ev.loc[row, 'quote']} edited {n}"
        elif edit == "rename":
            ev.loc[row, "id"] = f"{ev.loc[row, 'id']}-renamed-{n}"
        elif edit == "add":
            added.append(ev.loc[[row]].assign(id=f"added-{n}"))
    gone = data.draw(st.sets(st.integers(0, len(ev) - 1), max_size=5))
    ev = pd.concat([ev.drop(index=list(gone)), *added], ignore_index=True)
    for edit in data.draw(st.lists(st.sampled_from(_ENTITY_EDITS), max_size=3)):
        if edit.endswith("parent"):
            table = treatments if edit.startswith("treatment") else conditions
            i = data.draw(st.integers(0, len(table) - 1))
            roots = [str(x) for x, p in zip(table["id"], table["parent"], strict=True) if pd.isna(p)]
            table.loc[i, "parent"] = data.draw(st.sampled_from([None, *[r for r in roots if r != table.loc[i, "id"]]]))
        elif edit == "treatment label":
            treatments.loc[data.draw(st.integers(0, len(treatments) - 1)), "label"] = "Relabelled"
        else:
            i = data.draw(st.integers(0, len(sources) - 1))
            if edit == "source type":
                sources.loc[i, "type"] = data.draw(st.sampled_from(list(sources["type"].cat.categories)))
            else:
                sources.loc[i, "publisher"] = data.draw(st.sampled_from([None, "Shared Press", "Other Press"]))
    return dataclasses.replace(old, evidence=ev.sample(frac=1, random_state=data.draw(st.integers(0, 99)))
                               .reset_index(drop=True), treatments=treatments, conditions=conditions, sources=sources)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.data())
def test_the_diff_of_the_pairs_a_change_reaches_is_the_diff_of_every_pair(script: Any, seed: int,
                                                                           data: st.DataObject) -> None:
    """`kg diff` summarises and lists conflicts only for the pairs a change can reach (kg.diff.compare.reach);
    on random edits of statements, hierarchies, labels and sources that gives what comparing every pair does."""
    from kg.diff.compare import compare

    old = script("synth").dataset(150, seed)
    new = _edited(old, data)
    fast, whole = compare(old, new), compare(old, new, every_pair=True)
    for part in ("entities", "statements", "verdicts", "conflicts", "pairs"):
        pd.testing.assert_frame_equal(getattr(fast, part), getattr(whole, part), obj=part)
    assert fast.words == whole.words


def test_the_reach_of_a_few_edits_is_a_few_pairs(script: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut is real: a handful of changed statements reaches a handful of pairs, and their verdicts
    and conflicts still change as when every pair is compared."""
    from kg.diff import compare as module
    from kg.diff.compare import Reach, compare, reach

    old = script("synth").dataset(2000, 3)
    ev = old.evidence.copy()
    flip = {"benefit": "no_benefit", "no_benefit": "benefit", "harm": "benefit", "insufficient": "no_benefit"}
    ev.loc[:4, "effect"] = ev.loc[:4, "effect"].astype(str).map(flip)
    new = dataclasses.replace(old, evidence=ev)
    seen: list[Reach] = []

    def spy(*args: Any) -> Reach:
        seen.append(reach(*args))
        return seen[-1]

    monkeypatch.setattr(module, "reach", spy)
    fast = compare(old, new)
    whole = compare(old, new, every_pair=True)
    assert not fast.verdicts.empty and not fast.conflicts.empty
    pd.testing.assert_frame_equal(fast.verdicts, whole.verdicts)
    pd.testing.assert_frame_equal(fast.conflicts, whole.conflicts)
    n_pairs = len(kg.summary.summarise(old))
    assert 5 <= len(seen[0].pairs) < n_pairs / 4, (len(seen[0].pairs), n_pairs)


# --------------------------------------------------------------------------- sides


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("diff-builds")
    build(BASE, root / "base-build", store=root / "base-store")
    build(DIFF / "verdicts", root / "verdicts-build")
    return {"build": root / "base-build", "store": root / "base-store", "verdicts": root / "verdicts-build"}


def test_same_inputs_are_answered_without_reading_the_tables(built: dict[str, Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(side: Any) -> Any:
        raise AssertionError(f"read {side.spec}")

    monkeypatch.setattr(sides, "read", refuse)
    for old, new in ((built["build"], BASE), (built["store"], built["build"]),
                     (built["build"] / "graph.nt", BASE)):
        d = kg.diff(old, new)
        assert d.same_inputs and not d.different, (old, new)
    assert "same inputs" in kg.diff(BASE, built["store"]).to("table")


def test_same_data_folders_are_validated_once_and_not_compared(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    """Two data folders of the same bytes: nothing vouches for them, so one is validated (it speaks
    for both), and nothing is compared."""
    diff_module = importlib.import_module("kg.diff")  # the package: `kg.diff` is the function
    read, seen = sides.read, []

    def counted(side: Any) -> Any:
        seen.append(side.spec)
        return read(side)

    def refuse(*args: Any) -> Any:
        raise AssertionError("compared")

    monkeypatch.setattr(sides, "read", counted)
    monkeypatch.setattr(diff_module, "compare_datasets", refuse)
    copy = tmp_path / "copy"
    shutil.copytree(BASE, copy)
    for old, new in ((BASE, BASE), (BASE, copy)):
        seen.clear()
        d = kg.diff(old, new)
        assert d.same_inputs and not d.different and seen == [str(BASE)], (old, new, seen)


def test_a_build_of_another_version_does_not_vouch_for_the_folder(built: dict[str, Path], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Its version may have checked less: the folder is validated, the answer is still "same inputs"."""
    old = tmp_path / "old-build"
    old.mkdir()
    nt = (built["build"] / "graph.nt").read_text(encoding="utf-8")
    version = provenance.package_version()
    assert f'"{version}"' in nt
    (old / "graph.nt").write_text(nt.replace(f'"{version}"', '"0.0.1-older"'), encoding="utf-8")
    read, seen = sides.read, []
    monkeypatch.setattr(sides, "read", lambda side: seen.append(side.kind) or read(side))
    d = kg.diff(old, BASE)
    assert d.same_inputs and not d.different and seen == ["data folder"]


def test_builds_and_stores_diff_like_their_data_folders(built: dict[str, Path]) -> None:
    by_folder = kg.diff(BASE, DIFF / "verdicts")
    for old, new in ((built["build"], DIFF / "verdicts"), (built["store"], built["verdicts"]),
                     (BASE, built["verdicts"])):
        d = kg.diff(old, new)
        for part in ("entities", "statements", "verdicts", "conflicts"):
            pd.testing.assert_frame_equal(getattr(d, part), getattr(by_folder, part), check_dtype=False)
    assert kg.diff(built["store"], DIFF / "verdicts").old_kind == "store"


def test_a_build_without_provenance_is_read_in_full(built: dict[str, Path], tmp_path: Path) -> None:
    old = tmp_path / "old-build"
    old.mkdir()
    nt = (built["build"] / "graph.nt").read_bytes()
    (old / "graph.nt").write_bytes(b"".join(line + b"\n" for line in nt.splitlines() if b"/build" not in line))
    d = kg.diff(old, BASE)
    assert not d.same_inputs and not d.different and d.files.empty


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    shutil.copytree(BASE, root / "data")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "base")
    shutil.rmtree(root / "data")
    shutil.copytree(DIFF / "statements", root / "data")
    git("add", "-A")
    git("commit", "-qm", "statements")
    return root


def test_git_revisions(repo: Path) -> None:
    done = run_kg("diff", "HEAD~1:data", "HEAD:data", "--format", "json", cwd=repo)
    assert done.returncode == 1, done.stderr
    got = json.loads(done.stdout)
    assert got["old"]["kind"] == "git revision"
    expected = json.loads(report.to_json(kg.diff(BASE, DIFF / "statements")))
    for part in ("entities", "statements", "verdicts", "conflicts", "files"):
        assert got[part] == expected[part], part
    assert run_kg("diff", "HEAD:data", "data", cwd=repo).returncode == 0  # the working tree is HEAD
    assert run_kg("diff", "HEAD~1:./data", "data", cwd=repo).returncode == 1


def test_git_temporary_folders_are_removed(repo: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    assert run_kg("diff", "HEAD~1:data", "HEAD:data", cwd=repo, env=env).returncode == 1
    assert run_kg("diff", "nosuchrev:data", "HEAD:data", cwd=repo, env=env).returncode == 2
    assert list(scratch.iterdir()) == []


def test_git_trouble_is_a_clear_error(repo: Path) -> None:
    unknown = run_kg("diff", "nosuchrev:data", "data", cwd=repo)
    assert unknown.returncode == 2
    assert "OLD nosuchrev:data: git cannot read it" in unknown.stderr and "Traceback" not in unknown.stderr
    missing_path = run_kg("diff", "HEAD:nothing", "data", cwd=repo)
    assert missing_path.returncode == 2 and "OLD HEAD:nothing: git cannot read it" in missing_path.stderr
    a_file = run_kg("diff", "HEAD:data/evidence.csv", "data", cwd=repo)
    assert a_file.returncode == 2 and "names a file in git, not a folder" in a_file.stderr
    no_git = run_kg("diff", "HEAD~1:data", "data", cwd=repo, env={**os.environ, "PATH": str(Path(sys.executable).parent)})
    if shutil.which("git", path=str(Path(sys.executable).parent)) is None:
        assert no_git.returncode == 2 and "needs git, which is not installed" in no_git.stderr


def test_git_validation_problems_name_the_revision(repo: Path, tmp_path: Path) -> None:
    shutil.copy(DIFF / "invalid" / "evidence.csv", repo / "data" / "evidence.csv")
    subprocess.run(["git", "commit", "-qam", "broken"], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})
    done = run_kg("diff", "HEAD~1:data", "HEAD:data", cwd=repo)
    assert done.returncode == 2
    assert "NEW HEAD:data: 1 problem in" in done.stderr
    assert "HEAD:data/evidence.csv:3: effect: 'maybe'" in done.stderr
    assert "kg-diff-" not in done.stderr  # the temporary folder is not shown
    same = run_kg("diff", "HEAD:data", "data", cwd=repo)  # the working tree is the broken HEAD: same inputs
    assert same.returncode == 2 and "same inputs" not in same.stderr
    assert "OLD HEAD:data: 1 problem in" in same.stderr and "HEAD:data/evidence.csv:3: effect: 'maybe'" in same.stderr
    assert "NEW data: 1 problem in" in same.stderr and "kg-diff-" not in same.stderr


# --------------------------------------------------------------------------- command line and bad input


def test_exit_status_follows_diff(built: dict[str, Path]) -> None:
    assert run_kg("diff", str(BASE), str(BASE)).returncode == 0
    assert run_kg("diff", str(BASE), str(built["build"])).returncode == 0
    assert run_kg("diff", str(BASE), str(DIFF / "statements")).returncode == 1
    assert run_kg("diff", str(built["store"]), str(DIFF / "statements")).returncode == 1


@pytest.mark.parametrize(("args", "cwd", "message"), [
    (["nothing-here", "base"], DIFF, "OLD nothing-here: no such file or folder"),
    ([str(BASE), "tests"], ROOT, "NEW tests: a folder with none of"),
    ([str(BASE), "README.md"], ROOT, "NEW README.md: not a data folder, a build folder, a store or a graph.nt file"),
    (["invalid", "base"], DIFF, "OLD invalid: 1 problem in the data:\n  invalid/evidence.csv:3: effect: 'maybe'"),
])
def test_trouble_exits_2_naming_the_side(args: list[str], cwd: Path, message: str) -> None:
    done = run_kg("diff", *args, cwd=cwd)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_both_sides_invalid_are_both_reported(tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(DIFF / "invalid", other)
    with open(other / "treatments.csv", "a", encoding="utf-8") as f:
        f.write("yoga,Yoga,,,stretching,,\n")
    done = run_kg("diff", str(DIFF / "invalid"), str(other))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"OLD {DIFF / 'invalid'}: 1 problem in" in done.stderr
    assert f"NEW {other}: 2 problems in" in done.stderr
    assert f"{other / 'treatments.csv'}:5: category: 'stretching'" in done.stderr
    # the same bytes on both sides are still invalid data: said so, exit 2, not "same inputs"
    for new in (DIFF / "invalid", tmp_path / "copy"):
        if new != DIFF / "invalid":
            shutil.copytree(DIFF / "invalid", new)
        same = run_kg("diff", str(DIFF / "invalid"), str(new))
        assert same.returncode == 2 and same.stdout == "" and "Traceback" not in same.stderr
        assert "same inputs" not in same.stderr
        assert f"OLD {DIFF / 'invalid'}: 1 problem in the data:\n  {DIFF / 'invalid' / 'evidence.csv'}:3: effect: " \
               f"'maybe'" in same.stderr, same.stderr
        assert f"NEW {new}: 1 problem in the data:\n  {new / 'evidence.csv'}:3: effect: 'maybe'" in same.stderr


def test_out_writes_the_report_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    done = run_kg("diff", str(BASE), str(DIFF / "statements"), "--format", "markdown", "--out", str(target))
    assert done.returncode == 1 and done.stdout == ""
    assert target.read_text(encoding="utf-8") == kg.diff(BASE, DIFF / "statements").to("markdown")
    blocked = run_kg("diff", str(BASE), str(DIFF / "statements"), "--out", str(tmp_path / "no" / "such" / "x"))
    assert blocked.returncode == 2 and "cannot write the report" in blocked.stderr
    assert list(tmp_path.iterdir()) == [target]


# --------------------------------------------------------------------------- formats


def test_csv_holds_every_change_once() -> None:
    d = kg.diff(BASE, DIFF / "statements")
    records = list(csv.DictReader(io.StringIO(d.to("csv"))))
    assert list(records[0]) == list(report.CSV_COLUMNS)
    parts = [r["part"] for r in records]
    assert parts.count("statements") == len(d.statements)
    assert parts.count("verdicts") == len(d.verdicts)
    renamed = next(r for r in records if r["change"] == "renamed")
    assert (renamed["key"], renamed["detail"]) == ("d2-long", "renamed from d2")
    quote = next(r for r in records if r["field"] == "quote")
    assert quote["detail"] == "[-Bed-] {+Strict bed+} rest does not help {+much+}"


def test_json_follows_its_documented_schema() -> None:
    d = kg.diff(BASE, DIFF / "verdicts")
    got = json.loads(d.to("json"))
    documented = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    for key in got:
        assert f"`{key}`" in documented, f"{key} is not documented"
    for part, columns in (("entities", report.ENTITY_COLUMNS), ("statements", report.STATEMENT_COLUMNS),
                          ("verdicts", report.VERDICT_COLUMNS), ("conflicts", report.CONFLICT_COLUMNS)):
        assert all(set(r) >= set(columns) for r in got[part]), part
        for column in columns:
            assert f"`{column}`" in documented, f"{part}.{column} is not documented"
    assert got["schema"] == report.JSON_SCHEMA and got["different"] is True and got["same_inputs"] is False
    assert got["counts"]["conflicts"] == {"appeared": 2, "resolved": 0}
    assert got["counts"]["statements"] == {"added": 1, "removed": 0, "changed": 1, "renamed": 0}
    assert len(got["verdicts"]) == len(d.verdicts)


def test_markdown_is_a_comment_with_inert_text() -> None:
    text = kg.diff(BASE, DIFF / "hostile").to("markdown")
    (ARTIFACTS).mkdir(exist_ok=True)
    (ARTIFACTS / "diff-hostile.md").write_text(text, encoding="utf-8")
    assert text.startswith("### `kg diff`: ")
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text and "&lt;b&gt;nothing&lt;/b&gt;" in text
    assert r"does <ins>\|</ins> not <del>help</del> <ins>\*help\* \[at\](http://example.org/) all</ins>" in text
    assert "summary: rest does not help → rest &amp; &lt;b&gt;nothing&lt;/b&gt;" in text
    # every table row has as many cells as its header (escaped pipes do not split cells)
    for block in re.findall(r"((?:^\|.*\|$\n?)+)", text, re.M):
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in block.strip().splitlines()}
        assert len(widths) == 1, block


def test_markdown_of_the_statements_fixture() -> None:
    text = kg.diff(BASE, DIFF / "statements").to("markdown")
    assert "| Surgery × Back pain | added | verdict: ∅ → harm | evidence:r2 |" in text  # noqa: RUF001
    assert "| d2-long | renamed | discectomy × sciatica | renamed from d2 |" in text  # noqa: RUF001
    assert "quote: <del>Bed</del> <ins>Strict bed</ins> rest does not help <ins>much</ins>" in text
    assert "<details><summary>Statements: 1 added, 1 removed, 2 changed, 1 renamed</summary>" in text


def test_html_is_one_offline_page_with_escaped_text() -> None:
    page = kg.diff(BASE, DIFF / "hostile").to("html")
    assert page.startswith("<!doctype html>")
    assert "<script" not in page.replace("&lt;script", "")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page
    fragment = kg.diff(BASE, DIFF / "hostile")._repr_html_()
    assert fragment.startswith('<div class="kgd">') and "<html" not in fragment


@pytest.mark.browser
def test_html_page_in_chromium(tmp_path: Path) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    d = kg.diff(BASE, DIFF / "verdicts")
    path = tmp_path / "diff.html"
    report.write(d, "html", path)
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--headless", "--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                          else (blocked.append(r.request.url), r.abort()))
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            cards = page.locator(".kgd-card")
            assert cards.count() == len(d.pairs) == 2
            rest = page.locator('.kgd-card[data-pair="rest × back-pain"]')  # noqa: RUF001
            assert rest.locator('[data-side="before"] .kgd-verdict').inner_text() == "No benefit"
            assert rest.locator('[data-side="after"] .kgd-verdict').inner_text() == "Conflicting"
            assert "evidence:r3" in rest.locator(".kgd-because").inner_text()
            colour = rest.locator('[data-side="after"] .kgd-verdict').evaluate(
                "e => getComputedStyle(e).backgroundColor")
            assert colour == "rgb(123, 50, 148)"  # the graph page's colour for `conflicting`
            assert page.locator("#kgd-conflicts tbody tr").count() == 2
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "diff-verdicts.png"), full_page=True)
            hostile = tmp_path / "hostile.html"
            report.write(kg.diff(BASE, DIFF / "hostile"), "html", hostile)
            page.goto(hostile.as_uri())
            assert 'alert("x")' in page.locator("#kgd-statements").inner_text()
            page.screenshot(path=str(ARTIFACTS / "diff-hostile.png"), full_page=True)
        finally:
            browser.close()
    assert blocked == [] and errors == []
