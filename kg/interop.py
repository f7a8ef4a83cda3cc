"""Import: an interchange file (FHIR, KGX, any readable registered format) -> the four contract CSVs.

The reader gives a Dataset; `write_tables` writes it as a data folder that `kg validate` accepts,
staged beside the target and checked before any file is replaced, so bad input leaves nothing behind,
then swapped in by `kg.atomic` (locked, fsync'd, journalled), so a kill leaves the old four or the new.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kg import atomic, formats
from kg.errors import InputError, OutputError
from kg.formats._common import Imported
from kg.model import Dataset
from kg.model import read as read_folder
from kg.schema import TABLES


def import_files(name: str, paths: Sequence[str | Path]) -> Imported:
    """The tables in `paths`, read by the registered format `name` (what it skipped in `.skipped`)."""
    fmt = formats.get(name, readable=True)
    assert fmt.read is not None
    dataset = fmt.read([Path(p) for p in paths])
    if isinstance(dataset, Imported):
        return dataset
    return Imported(**{k: getattr(dataset, k) for k in ("sources", "conditions", "treatments", "evidence")},
                    extra_columns=dataset.extra_columns)


def table_csv(frame: pd.DataFrame) -> str:
    """One table as contract CSV text: contract columns then extras, not-stated cells empty."""
    return frame.to_csv(index=False, lineterminator="\n")


def write_tables(dataset: Dataset, out: str | Path) -> list[Path]:
    """Write the four CSVs into `out` (made if missing; other files left alone), only if they validate.

    All four or none, through `kg.atomic` as a build's files are: one writer per folder (a second
    import is refused, `atomic.Busy`, exit 1), staged beside `out`, fsync'd and swapped in under a
    journal that the next `kg` command reading the folder completes or rolls back after a kill.
    A `text_file` a source names is not carried by the interchange formats: its absence is not
    a problem here (its quotes are checked once the text is put back beside the CSVs).
    """
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder")
    names = [table.file for table in TABLES.values()]
    with atomic.writing(target, what="kg import") as stage:
        try:
            for name, table in TABLES.items():
                (stage.folder / table.file).write_text(table_csv(dataset.table(name)), encoding="utf-8")
            _, problems = read_folder(stage.folder)
            problems = [p for p in problems if not (p.column == "text_file" and "no such file" in p.message)]
            if problems:
                # named as the CSV they would have been, not the staging folder nobody will see
                shown = "\n".join(str(dataclasses.replace(p, file=Path(p.file).name)) for p in problems[:20])
                more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
                n = len(problems)
                raise InputError(f"the imported tables are not valid ({n} problem{'' if n == 1 else 's'}):\n"
                                 f"{shown}{more}")
            stage.swap_files(names)
        except OSError as err:
            raise OutputError(f"{target}: cannot write: {err.strerror or err}") from None
    return [target / name for name in names]


__all__ = ["import_files", "table_csv", "write_tables"]
