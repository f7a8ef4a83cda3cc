"""Reading CSVs: encodings, line endings, quoting, and editor line numbers."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.csvread import read_csv_text, read_folder
from kg.model import read
from kg.schema import TABLES

CONDITIONS = TABLES["conditions"]


def parse(text: str):  # type: ignore[no-untyped-def]
    return read_csv_text(text, CONDITIONS, Path("c.csv"), "c.csv")


def test_bom_crlf_and_multiline_fields_keep_editor_lines() -> None:
    raw, problems = parse('id,label\r\na,"two\r\nlines"\r\n\r\nb,B\r\n')
    assert problems == []
    assert raw is not None
    assert raw.frame["id"].tolist() == ["a", "b"]
    assert raw.lines.tolist() == [2, 5]


def test_bom_is_accepted(minimal: Path) -> None:
    path = minimal / "conditions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    dataset, problems = read(minimal)
    assert problems == []
    assert dataset is not None
    assert dataset.conditions["id"].tolist() == ["back-pain", "sciatica"]
    assert dataset.conditions.loc[1, "description"] == "Pain along\r\nthe sciatic nerve"


def test_column_order_free_optional_absent_extra_kept(minimal: Path) -> None:
    (minimal / "treatments.csv").write_text(
        "category,note for curators,label,id\nsurgery,keep me,Surgery,surgery\nsurgery,,Discectomy,discectomy\n"
        "self_care,,Rest,rest\n",
        encoding="utf-8",
    )
    dataset, problems = read(minimal)
    assert problems == []
    assert dataset is not None
    t = dataset.treatments
    assert list(t.columns[:7]) == TABLES["treatments"].column_names
    assert t["note for curators"].tolist()[0] == "keep me"
    assert t["parent"].isna().all()
    assert dataset.extra_columns["treatments"] == ["note for curators"]


def test_whitespace_only_cell_is_not_stated_and_cells_are_trimmed() -> None:
    raw, problems = parse("id,label,body_site\n a ,  Label  ,   \n")
    assert problems == [] and raw is not None
    assert raw.frame.iloc[0].tolist() == ["a", "Label", ""]


def test_unclosed_quote_reported_where_the_field_opens() -> None:
    raw, problems = parse('id,label,description\na,A,"fine\nstill fine"\nb,"never closed\nc,C,\n')
    assert raw is None
    assert [(p.line, p.column) for p in problems] == [(4, "label")]
    assert "never closed" in problems[0].message


def test_too_many_fields_reported_at_its_line() -> None:
    raw, problems = parse('id,label\na,A\nb,"x\ny",extra\n')
    assert raw is None
    assert [(p.line, p.column) for p in problems] == [(3, "(row)")]
    assert "3 fields" in problems[0].message


def test_non_utf8_bytes_reported_at_their_line(minimal: Path) -> None:
    path = minimal / "treatments.csv"
    path.write_bytes(path.read_bytes().replace(b"Bed rest", b"Bed r\xe9st"))
    _, problems = read_folder(minimal)
    assert [str(p) for p in problems] == [f"{minimal / 'treatments.csv'}:4: (file): bytes that are not UTF-8 (0xe9)"]


def test_missing_file(minimal: Path) -> None:
    (minimal / "evidence.csv").unlink()
    _, problems = read(minimal)
    assert f"{minimal / 'evidence.csv'}: (file): missing" in [str(p) for p in problems]


cell = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t|é')), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cell, cell), min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_lines_match_what_an_editor_counts(rows: list[tuple[str, str]], newline: str) -> None:
    """Each record starts at the line an editor shows, whatever its fields hold."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline, quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "label"])
    expected = []
    for i, (a, b) in enumerate(rows):
        expected.append(buffer.getvalue().count("\n") + buffer.getvalue().replace("\r\n", "").count("\r") + 1)
        writer.writerow([f"r{i}{a}", b])
    raw, problems = parse(buffer.getvalue())
    assert problems == []
    assert raw is not None
    assert raw.lines.tolist() == expected
    assert raw.frame["label"].tolist() == [b.strip() for _, b in rows]


# --------------------------------------------------------------------------- bounded work (issue 17)


def test_a_header_with_too_many_columns_is_one_problem_at_once(minimal: Path) -> None:
    """A million columns made `kg validate` run for minutes at 16 GB; past the limit the file is not read."""
    from kg.limits import MAX_COLUMNS

    path = minimal / "conditions.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] += "".join(f",extra{i}" for i in range(200_000))
    path.write_text("\n".join(lines), encoding="utf-8")
    dataset, problems = read(minimal)
    assert dataset is None
    assert [str(p).replace(str(minimal) + "/", "") for p in problems] == [
        f"conditions.csv:1: (header): 200,007 columns; a file may have at most {MAX_COLUMNS:,} "
        "(the contract's are listed in docs)"]
    lines[0] = lines[0].split(",extra")[0] + "".join(f",extra{i}" for i in range(MAX_COLUMNS - 7))
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read(minimal)[1] == []  # at the limit it is read as usual


def test_a_cell_over_the_field_limit_is_a_problem_and_one_at_it_builds(minimal: Path, tmp_path: Path) -> None:
    """A 50 MB cell passed validation and then broke Oxigraph's writers (16 MiB lines): the limit is below
    what every output can take, checked here with the characters that grow most when escaped."""
    import kg
    from kg import build
    from kg.limits import MAX_FIELD_CHARS

    path = minimal / "conditions.csv"
    text = path.read_text(encoding="utf-8")
    worst = ('"\\\x01\t' * (MAX_FIELD_CHARS // 4 + 1))[: MAX_FIELD_CHARS - 1] + "z"  # quotes, backslashes, controls
    cell = '"' + worst.replace('"', '""') + '"'
    path.write_text(text.replace("lower back,MESH:D001416,", f"lower back,MESH:D001416,{cell}"), encoding="utf-8")
    paths = build.build(minimal, tmp_path / "out")
    assert len(paths) == 6 and kg.load(minimal).conditions["description"].str.len().max() == MAX_FIELD_CHARS
    longer = '"' + ("x" + worst).replace('"', '""') + '"'
    path.write_text(text.replace("lower back,MESH:D001416,", f"lower back,MESH:D001416,{longer}"), encoding="utf-8")
    dataset, problems = read(minimal)
    assert dataset is None
    assert [str(p).replace(str(minimal) + "/", "") for p in problems] == [
        f"conditions.csv:2: description: {MAX_FIELD_CHARS + 1:,} characters; a cell may hold at most "
        f"{MAX_FIELD_CHARS:,}"]


def test_rows_with_several_fields_too_many_are_problems_not_pandas_warnings(minimal: Path) -> None:
    import warnings

    path = minimal / "conditions.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] += ",x,y,z"
    path.write_text("\n".join(lines), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' ParserWarning printed the file's lines on stderr
        dataset, problems = read(minimal)
    assert dataset is None
    assert [str(p).replace(str(minimal) + "/", "") for p in problems] == [
        "conditions.csv:2: (row): 10 fields, but the header has 7"]


# --------------------------------------------------------------------------- fuzzing (issue 17)

_FUZZ_BYTES = st.binary(max_size=12) | st.sampled_from(
    [b",", b'"', b'""', b"\n", b"\r\n", b"\r", b"\x00", b"|", b" | ", b"\xff", b"\xef\xbb\xbf", b"texts/",
     b"../", "\u201c".encode(), b",,,,,,,,,,,,", b"-1", b"99999999999999999999", b"\t", b"\\", b"#"])


@st.composite
def mutated_folder(draw: st.DrawFn) -> list[tuple[str, bytes | None]]:
    """Edits to the minimal fixture: (relative file, new bytes) or (file, None) to turn it into a folder."""
    base = Path(__file__).resolve().parent / "data" / "minimal"
    files = sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
    edits: dict[str, bytes | None] = {}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(files))
        current = edits.get(name, (base / name).read_bytes())
        if current is None:
            continue
        kind = draw(st.sampled_from(["insert", "delete", "replace", "lines", "truncate", "folder"]))
        at = draw(st.integers(0, len(current)))
        if kind == "insert":
            current = current[:at] + draw(_FUZZ_BYTES) + current[at:]
        elif kind == "delete":
            current = current[:at] + current[at + draw(st.integers(1, 40)):]
        elif kind == "replace":
            current = current[:at] + draw(_FUZZ_BYTES) + current[at + draw(st.integers(1, 8)):]
        elif kind == "lines":
            lines = current.split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i] + draw(st.sampled_from([b"", b"\n" + lines[i]]))
            current = b"\n".join(lines)
        elif kind == "truncate":
            current = current[:at]
        else:
            edits[name] = None
            continue
        edits[name] = current
    return sorted(edits.items())


@settings(max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "120")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated_folder())
def test_fuzzed_data_folders_give_only_the_projects_own_errors(edits: list[tuple[str, bytes | None]]) -> None:
    """kg.load and `kg validate` on mutated copies of a data folder: a dataset, or ValidationError listing
    problems; `kg validate` exits 0 or 1 and never prints a traceback or a Python warning."""
    import contextlib
    import shutil
    import tempfile
    import warnings

    import kg
    from kg import cli
    from kg.problems import ValidationError

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(Path(__file__).resolve().parent / "data" / "minimal", folder)
        for name, content in edits:
            path = folder / name
            if content is None:
                path.unlink()
                path.mkdir()
            else:
                path.write_bytes(content)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                graph = kg.load(folder)
            except ValidationError as err:
                assert err.problems and all(p.file.startswith(str(folder)) for p in err.problems)
            else:
                assert len(graph.evidence) >= 0
            out, err_out = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err_out):
                code = cli.main(["validate", "--data", str(folder)])
        assert code in (0, 1), err_out.getvalue()
        assert "Traceback" not in err_out.getvalue() + out.getvalue()
