"""The project's errors: each carries the message a person reads and the exit code the CLI returns.

The CLI catches `KgError` once and prints `kg COMMAND: message`; nothing else is caught
by message text. This module imports nothing of ours (the ground floor).
"""

from __future__ import annotations


class KgError(Exception):
    """A failure the user can act on: printed without a traceback, exit `exit_code` (1)."""

    exit_code: int = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def report(self, command: str) -> str:
        """What the CLI prints on standard error for this failure of `kg COMMAND`."""
        return f"kg {command}: {self.message}"


class UsageError(KgError):
    """The command was asked for wrongly (a missing or unknown parameter, a bad option value): exit 2."""

    exit_code = 2


class UnknownIdError(KgError, ValueError):
    """An id or name given by a user that names nothing of the expected kind (exit 1)."""

    def __init__(self, kind: str, ident: str, message: str | None = None):
        self.kind = kind
        self.ident = ident
        super().__init__(message or f"unknown {kind} {ident!r}: no {kind} has this id")


class InputError(KgError):
    """A file or resource given to a command cannot be read as what it should be (exit 1)."""


class OutputError(KgError):
    """An output could not be written (disk, permissions, a folder in the way); nothing half-written is left."""


__all__ = ["InputError", "KgError", "OutputError", "UnknownIdError", "UsageError"]
