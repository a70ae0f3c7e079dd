"""The calendar commands' JSON has the keys docs/json.md documents, no more, no fewer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ics_samples import calendar, event

from conftest import KithRunner

DOCS = Path(__file__).resolve().parents[2] / "docs" / "json.md"


def documented(command: str) -> Any:
    """The first JSON example of the docs/json.md section whose heading names ``command``."""
    for section in DOCS.read_text(encoding="utf-8").split("\n## ")[1:]:
        heading = section.splitlines()[0]
        if heading.startswith(f"`kith {command}"):
            block = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
            assert block, heading
            return json.loads(block.group(1))
    raise AssertionError(f"docs/json.md documents `kith {command}`")


def same_keys(documented: Any, real: Any, where: str) -> None:
    if isinstance(real, dict) and isinstance(documented, dict):
        assert set(real) == set(documented), (where, sorted(real), sorted(documented))
        for key in real:
            same_keys(documented[key], real[key], f"{where}.{key}")
    elif isinstance(real, list) and isinstance(documented, list) and real and documented:
        same_keys(documented[0], real[0], f"{where}[0]")


def test_calendar_json_shapes_match_docs(kith: KithRunner, tmp_path: Path) -> None:
    def ok(*args: str) -> Any:
        result = kith("--now", "2026-11-26", *args)
        assert result.code == 0, (args, result.err)
        return result.json()

    path = tmp_path / "work.ics"
    path.write_text(
        calendar(
            event(
                "1@example.com",
                "20261119T150000",
                "20261119T160000",
                attendees=("Sam <sam@example.com>", "Priya Nair <priya@fund.example>"),
            ),
            event("2@example.com", "20261123T140000", extra=("RRULE:FREQ=FORTNIGHTLY",)),
        ),
        encoding="utf-8",
    )
    kith("--now", "2026-11-26", "me", "--email", "sam@example.com")
    kith("--now", "2026-11-26", "add", "Mariam Haddad", "--timezone", "Europe/Berlin")
    kith("calendar", "add", str(path))
    real = {
        "import calendar": ok("import", "calendar", "--json"),
        "calendar ls": ok("calendar", "ls", "--json"),
        "calendar free": ok("calendar", "free", "--for", "Mariam", "--json"),
    }
    assert real["import calendar"]["problems"] and real["calendar free"]["slots"]
    for command, output in real.items():
        same_keys(documented(command), output, command)
    docs = DOCS.read_text(encoding="utf-8")
    settings = ok("config", "show", "--json")["settings"]
    for name in settings:
        assert f"`{name}`" in docs, name
