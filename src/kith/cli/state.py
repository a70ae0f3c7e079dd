"""What the global options decide, and the lazily opened context every command uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from kith.config import Settings
    from kith.services.context import Context


@dataclass
class State:
    db: str | None = None
    now: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _context: Context | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            from kith.config import load_settings

            self._settings = load_settings()
        return self._settings

    def context(self) -> Context:
        """Open the database; the only place the CLI reads the wall clock."""
        if self._context is None:
            from kith.services.context import open_context

            self._context = open_context(
                self.settings(), db=self.db, now=self.now, clock=datetime.now(UTC)
            )
        return self._context


def state_of(ctx: Any) -> State:
    """The ``State`` of a Typer context (created by the main callback)."""
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


PERSON: Any = typer.Argument(
    ...,
    help="Name or #id of the person; quotes are optional: kith show Ann Lee",
    show_default=False,
)


def joined(words: list[str]) -> str:
    """A name given as several words on the command line."""
    return " ".join(words)
