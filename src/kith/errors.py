"""Every error Kith reports to a person, in one tree.

::

    KithError                 base; ``exit_code`` for the CLI, ``http_status`` for the web
    ├── InputError            a value given to Kith is not valid (date, e-mail, phone, option)
    ├── NotFound              no person (or record) matches what was asked for
    ├── Ambiguous             several people match; ``candidates`` lists them
    ├── Conflict              the change contradicts what is stored (an e-mail owned by
    │                         someone else, a restore into a database that is not empty)
    ├── StorageError          the database cannot be opened, migrated or written
    └── RemoteError           a server Kith reads from (IMAP) cannot be reached, is not
                              trusted, or broke off

Library exceptions (SQLAlchemy, psycopg, Jinja2 …) are translated into these at
the boundary with ``raise … from exc`` so that no third-party traceback reaches
a user.  Each error carries its context on attributes and a ``hint`` saying what
to do next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class KithError(Exception):
    """Base of every error Kith reports; ``str(err)`` is one line for a person."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class InputError(KithError):
    """A value given to Kith is not valid: ``field`` names it, ``value`` holds it."""

    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.field = field
        self.value = value


class NotFound(KithError):
    """Nothing matches ``query`` among ``what`` (people, outreach …)."""

    http_status = 404

    def __init__(self, message: str, *, query: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.query = query


@dataclass(frozen=True, slots=True)
class Candidate:
    """One of several people that matched an ambiguous name."""

    id: int
    name: str
    detail: str = ""


class Ambiguous(KithError):
    """Several people match ``query``; ``candidates`` lists them."""

    http_status = 409

    def __init__(self, query: str, candidates: Sequence[Candidate]) -> None:
        shown = ", ".join(
            f"#{c.id} {c.name}" + (f" ({c.detail})" if c.detail else "") for c in candidates[:8]
        )
        more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
        super().__init__(
            f"{len(candidates)} people match {query!r}: {shown}{more}",
            hint="use a fuller name or the id, e.g. '#" + str(candidates[0].id) + "'",
        )
        self.query = query
        self.candidates = tuple(candidates)


class Conflict(KithError):
    """The change contradicts what is stored."""

    http_status = 409


class StorageError(KithError):
    """The database cannot be opened, migrated or written."""

    exit_code = 1
    http_status = 503


class RemoteError(KithError):
    """A server Kith reads from cannot be reached, is not trusted, or broke off."""

    exit_code = 1
    http_status = 502
