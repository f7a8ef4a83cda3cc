"""A problem found in the input: where it is and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import InputError


@dataclass(frozen=True, order=True)
class Problem:
    """One user-facing problem, printed as `FILE:LINE: column: message`.

    `line` is the line as a text editor counts it (None when the problem is
    about the whole file, e.g. a missing file).
    """

    file: str
    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.column}: {self.message}"
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ValidationError(InputError):
    """Raised when a data folder is not valid; carries every problem (exit 1)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        n = len(self.problems)
        super().__init__(f"{n} problem{'' if n == 1 else 's'} in the data:\n{lines}")

    def report(self, command: str) -> str:
        """Every problem on its own line, as `kg validate` prints them, then what it means."""
        lines = [str(p) for p in self.problems]
        n = len(self.problems)
        return "\n".join([*lines, f"{n} problem{'' if n == 1 else 's'}: nothing was written"])
