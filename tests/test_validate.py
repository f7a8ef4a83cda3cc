"""Every kind of bad input is reported with its file, line and column."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.model import read

Edit = Callable[[Path, str, str, str], None]


def problems_of(folder: Path) -> list[str]:
    dataset, problems = read(folder)
    assert dataset is None, "expected the folder to be invalid"
    return [str(p).replace(str(folder) + "/", "") for p in problems]


def test_bundled_data_is_valid() -> None:
    from kg.api import bundled_data_dir

    dataset, problems = read(bundled_data_dir())
    assert problems == []
    assert dataset is not None and len(dataset.evidence) >= 35


def test_fixture_is_valid(minimal: Path) -> None:
    assert read(minimal)[1] == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "evidence.csv",
            "d2,discectomy,sciatica,guide,no_benefit",
            "d2,discectomy,sciatica,guide,",
            "evidence.csv:3: effect: required value is empty",
        ),
        (
            "evidence.csv",
            "no_benefit,long_term",
            "nobenefit,long_term",
            "evidence.csv:3: effect: 'nobenefit': not allowed; allowed values: benefit, no_benefit, harm, insufficient",
        ),
        (
            "treatments.csv",
            "rest,Bed rest,,,self_care",
            "rest,Bed rest,,,selfcare",
            "treatments.csv:4: category: 'selfcare': not allowed; allowed values: medication, injection, surgery, "
            "procedure, physical_therapy, exercise, manual_therapy, psychological, self_care, multidisciplinary, "
            "device, imaging, other",
        ),
        (
            "conditions.csv",
            "sciatica,Sciatica",
            "Sciatica!,Sciatica",
            "conditions.csv:3: id: 'Sciatica!': not a slug (lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit)",
        ),
        ("evidence.csv", "r1,rest", "d1,rest", "evidence.csv:4: id: 'd1': duplicate id (already used above)"),
        (
            "evidence.csv",
            "d2,discectomy",
            "d2,laminectomy",
            "evidence.csv:3: treatment: 'laminectomy' is not an id in treatments.csv",
        ),
        (
            "evidence.csv",
            "r1,rest,back-pain",
            "r1,rest,neck-pain",
            "evidence.csv:4: condition: 'neck-pain' is not an id in conditions.csv",
        ),
        (
            "evidence.csv",
            "r1,rest,back-pain,blog",
            "r1,rest,back-pain,forum-x",
            "evidence.csv:4: source: 'forum-x' is not an id in sources.csv",
        ),
        (
            "evidence.csv",
            "unspecified,,against,,",
            "unspecified,,against,yoga,",
            "evidence.csv:4: comparator: 'yoga' is not an id in treatments.csv",
        ),
        (
            "treatments.csv",
            "discectomy,Discectomy,,surgery",
            "discectomy,Discectomy,,spine",
            "treatments.csv:3: parent: 'spine' is not an id in treatments.csv",
        ),
        ("sources.csv", ",2017,", ",17,", "sources.csv:2: year: '17': not a four-digit year"),
        (
            "sources.csv",
            "10.1000/xyz-1",
            "doi:10.1000/xyz-1",
            "sources.csv:2: doi: 'doi:10.1000/xyz-1': not a bare DOI (e.g. 10.7326/M16-2367, without 'doi:' or 'https://doi.org/')",
        ),
        ("sources.csv", ",123456,", ",PMC123,", "sources.csv:2: pmid: 'PMC123': not a PubMed id (digits only)"),
        (
            "sources.csv",
            "https://example.org/guide?x=1&y=2",
            "javascript:alert(1)",
            "sources.csv:2: url: 'javascript:alert(1)': not an http(s) address",
        ),
        (
            "sources.csv",
            "https://example.org/guide?x=1&y=2",
            "ftp://example.org/x",
            "sources.csv:2: url: 'ftp://example.org/x': not an http(s) address",
        ),
        (
            "conditions.csv",
            "lumbago|backache",
            "lumbago||backache",
            "conditions.csv:2: synonyms: 'lumbago||backache': empty item in a '|'-separated list",
        ),
        (
            "sources.csv",
            "texts/guide.txt",
            "texts/nothing.txt",
            "sources.csv:2: text_file: 'texts/nothing.txt': no such file in the data folder",
        ),
        (
            "sources.csv",
            "texts/guide.txt",
            "../../etc/passwd",
            "sources.csv:2: text_file: '../../etc/passwd' is outside the data folder",
        ),
        (
            "sources.csv",
            "texts/guide.txt",
            "/etc/passwd",
            "sources.csv:2: text_file: '/etc/passwd' is outside the data folder",
        ),
        (
            "evidence.csv",
            '"but not at four to ten years."',
            '"but not at five to ten years."',
            "evidence.csv:3: quote: not found in the source's text (texts/guide.txt)",
        ),
    ],
)
def test_each_bad_input_is_reported(minimal: Path, edit: Edit, file: str, old: str, new: str, expected: str) -> None:
    edit(minimal, file, old, new)
    assert expected in problems_of(minimal)


def test_parent_cycle_reported_on_every_row_of_the_cycle(minimal: Path, edit: Edit) -> None:
    edit(minimal, "treatments.csv", "surgery,Surgery,,,", "surgery,Surgery,,discectomy,")
    found = [p for p in problems_of(minimal) if "cycle" in p]
    assert found == [
        "treatments.csv:2: parent: parent cycle: discectomy -> surgery -> discectomy",
        "treatments.csv:3: parent: parent cycle: discectomy -> surgery -> discectomy",
    ]


def test_self_parent_is_a_cycle(minimal: Path, edit: Edit) -> None:
    edit(
        minimal,
        "conditions.csv",
        "back-pain,Back pain,lumbago|backache,,",
        "back-pain,Back pain,lumbago|backache,back-pain,",
    )
    assert "conditions.csv:2: parent: parent cycle: back-pain -> back-pain" in problems_of(minimal)


def test_every_problem_reported_at_once_after_a_multiline_field(minimal: Path, edit: Edit) -> None:
    """The description of sciatica spans two lines; a problem after it keeps the right line."""
    (minimal / "conditions.csv").write_text(
        (minimal / "conditions.csv").read_text(encoding="utf-8") + "hip,,,,,,\n", encoding="utf-8"
    )
    edit(minimal, "evidence.csv", "r1,rest,back-pain,blog,no_benefit", "r1,rest,back-pain,blog,nope")
    found = problems_of(minimal)
    assert "conditions.csv:5: label: required value is empty" in found
    assert any(p.startswith("evidence.csv:4: effect:") for p in found)


def test_quote_matching_normalises_curly_quotes_and_whitespace(minimal: Path, edit: Edit) -> None:
    (minimal / "texts" / "guide.txt").write_text("He said \u201cno\u201d.\n It\u2019s   fine.", encoding="utf-8")
    path = minimal / "evidence.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = 'd1,discectomy,sciatica,guide,benefit,medium_term,,,,,,s,"He said ""no"". It\'s fine.",'
    lines[2] = 'd2,discectomy,sciatica,guide,no_benefit,long_term,,,,,,s,"It\u2019s\nfine.",'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read(minimal)[1] == []


def test_symlinked_text_file_outside_is_rejected(minimal: Path, tmp_path: Path, edit: Edit) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("Discectomy has better outcomes at one year but not at four to ten years.", encoding="utf-8")
    (minimal / "texts" / "link.txt").symlink_to(outside)
    edit(minimal, "sources.csv", "texts/guide.txt", "texts/link.txt")
    assert "sources.csv:2: text_file: 'texts/link.txt' is outside the data folder" in problems_of(minimal)


def test_not_a_folder(tmp_path: Path) -> None:
    _, problems = read(tmp_path / "nope")
    assert [p.column for p in problems] == ["(folder)"]


def test_missing_required_column_reported_at_line_1(minimal: Path) -> None:
    import pandas as pd

    path = minimal / "evidence.csv"
    pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["quote", "effect"]).to_csv(path, index=False)
    found = problems_of(minimal)
    assert "evidence.csv:1: quote: required column is missing" in found
    assert "evidence.csv:1: effect: required column is missing" in found


# --------------------------------------------------------------------------- hostile input (issue 17)


def test_text_file_names_no_file_can_have_are_problems_at_their_rows(minimal: Path, edit: Edit,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A NUL byte and a name over 255 bytes were tracebacks (embedded null byte, Errno 36); now each is a problem
    at the row naming it, and validation goes on to list every other problem too."""
    import kg
    from kg import cli
    from kg.problems import ValidationError

    long_name = "texts/" + "x" * 300 + ".txt"
    edit(minimal, "sources.csv", "texts/guide.txt", "texts/gu\x00ide.txt")
    edit(minimal, "sources.csv", "blog,A blog post,blog,,,,,,,,", f"blog,A blog post,blog,,,,,,,{long_name},")
    edit(minimal, "evidence.csv", "d2,discectomy,sciatica,guide,no_benefit", "d2,discectomy,sciatica,guide,maybe")
    found = problems_of(minimal)
    assert any(p.startswith("sources.csv:2: text_file:") and "NUL byte" in p for p in found), found
    assert any(p.startswith("sources.csv:3: text_file:") and "File name too long" in p for p in found), found
    assert any(p.startswith("evidence.csv:3: effect:") for p in found), found
    with pytest.raises(ValidationError):
        kg.load(minimal)
    assert cli.main(["validate", "--data", str(minimal)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "NUL byte" in out.out


def _as_another_user(code: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` where permissions bite: as `nobody` when the tests run as root (root reads everything)."""
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=folder)


def test_unreadable_folders_are_problems_at_the_rows_that_name_them(tmp_path: Path) -> None:
    """A text folder without its x bit was `[Errno 13]` with no file or line, and validation stopped there."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: no way to meet a permission error")
    root = Path(tempfile.mkdtemp(prefix="kg-perm-"))
    try:
        root.chmod(0o755)
        data = root / "data"
        shutil.copytree(Path(__file__).resolve().parent / "data" / "minimal", data)
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (data / "texts").chmod(0o600)  # readable listing, but cannot be entered
        probe = _as_another_user("import kg", root)
        if os.geteuid() == 0 and probe.returncode != 0:
            pytest.skip("another user cannot import this checkout's kg (it or its venv sits in a folder only its "
                        f"owner can enter, such as one made by mktemp -d): {probe.stderr.strip().splitlines()[-1]}")
        code = ("import kg\nfrom kg.problems import ValidationError\n"
                f"try:\n    kg.load({str(data)!r})\nexcept ValidationError as err:\n"
                "    print('\\n'.join(str(p) for p in err.problems))\n")
        done = _as_another_user(code, root)
        assert done.returncode == 0, done.stderr
        assert f"{data}/sources.csv:2: text_file: 'texts/guide.txt' cannot be opened: Permission denied" \
            in done.stdout, done.stdout
        data.chmod(0o600)  # the data folder itself cannot be entered: every file is a problem, no traceback
        done = _as_another_user(code, root)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("cannot be read: Permission denied") == 4, done.stdout
    finally:
        for path in [root, *root.rglob("*")]:
            with contextlib.suppress(OSError):
                path.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


def test_a_long_parent_cycle_is_one_short_problem(minimal: Path) -> None:
    """A 5,000-row cycle printed the whole cycle on every row (220 MB); now one line with its length."""
    n = 5000
    rows = "".join(f"c{i:05d},Condition {i},,c{(i + 1) % n:05d},,,\n" for i in range(n))
    path = minimal / "conditions.csv"
    path.write_text(path.read_text(encoding="utf-8") + rows, encoding="utf-8")
    cycles = [p for p in problems_of(minimal) if "cycle" in p]
    assert cycles == [f"conditions.csv:{path.read_text(encoding='utf-8').count(chr(10)) - n + 1}: parent: "
                      "parent cycle of 5,000 rows: c00000 -> c00001 -> c00002 -> c00003 -> c00004 -> ... -> c00000"]
