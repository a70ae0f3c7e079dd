"""Rich consoles and JSON output for the commands."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any

from rich.console import Console
from rich.theme import Theme

THEME = Theme(
    {
        "name": "bold",
        "muted": "grey58",
        "ok": "green",
        "warn": "yellow",
        "kind.reply": "bold magenta",
        "kind.follow_up": "bold cyan",
        "kind.date": "bold yellow",
        "kind.keep_in_touch": "bold green",
        "kind.reconnect": "bold blue",
    }
)


@cache
def out() -> Console:
    return Console(theme=THEME, highlight=False, soft_wrap=True)


@cache
def err() -> Console:
    return Console(theme=THEME, highlight=False, stderr=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def notice(message: str) -> None:
    err().print(f"[muted]{message}[/muted]")
