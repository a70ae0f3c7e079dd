"""The mail benchmark's generator: its ground truth agrees with the files it writes.

``bench/mailgen.py`` writes a Maildir and, from what it generated, the truth the
benchmark scores Kith with.  Here the files are read back with the standard
library alone and Kith's rules applied to them again, independently: every
real contact was written to by the owner in a personal message, nobody else
was, and each contact's last contact is the latest personal message they are in.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench"
MESSAGES = 2_000
BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})


def load_mailgen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mailgen", BENCH / "mailgen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mailgen", module)
    spec.loader.exec_module(module)
    return module


def is_bulk(headers: Message) -> bool:
    if headers["List-Id"] is not None or headers["List-Unsubscribe"] is not None:
        return True
    if str(headers.get("Precedence", "")).strip().lower() in BULK_PRECEDENCE:
        return True
    auto = str(headers.get("Auto-Submitted", "no")).strip().lower()
    return auto.split("(")[0].strip() != "no"


def sent_at(headers: Message) -> datetime:
    """The Date, or for a message without one the time its top Received header gives."""
    text = headers["Date"] or str(headers.get_all("Received")[0]).rsplit(";", 1)[1]
    return parsedate_to_datetime(str(text).split("(")[0].strip())


def read_back(root: Path, owner: set[str]) -> dict[str, Any]:
    """Kith's rules applied to the files under ``root``."""
    parser = BytesHeaderParser()
    files = [p for p in root.rglob("*") if p.is_file() and p.parent.name in ("cur", "new")]
    written_to: Counter[str] = Counter()
    last: dict[str, datetime] = {}
    for path in files:
        with path.open("rb") as handle:
            headers = parser.parse(handle)
        sender = {a.lower() for _, a in getaddresses(headers.get_all("From", []))}
        others = [a.lower() for _, a in getaddresses(headers.get_all("To", []))] + [
            a.lower() for _, a in getaddresses(headers.get_all("Cc", []))
        ]
        others = [a for a in others if a]
        draft = "D" in path.name.rpartition(":2,")[2]
        outbound = bool(sender & owner)
        inbound = not outbound and any(a in owner for a in others)
        if not (outbound or inbound) or draft or is_bulk(headers) or len(others) > 20:
            continue
        if outbound:
            written_to.update(a for a in others if a not in owner)
        moment = sent_at(headers)
        for address in sender | set(others):
            if address not in owner and (address not in last or moment > last[address]):
                last[address] = moment
    return {"files": len(files), "written_to": written_to, "last": last}


def test_the_truth_matches_the_files(tmp_path: Path) -> None:
    mailgen = load_mailgen()
    root, truth_path = tmp_path / "maildir", tmp_path / "truth.json"
    made = mailgen.generate(MESSAGES, 5, root, truth_path)
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    owner = set(truth["owner"]["emails"])
    contacts: dict[str, Any] = truth["contacts"]
    kinds = truth["non_contacts"]
    found = read_back(root, owner)

    assert made["messages"] == truth["messages"] == found["files"] == MESSAGES
    assert (root / "cur").is_dir() and (root / "tmp").is_dir() and (root / ".Sent" / "cur").is_dir()
    assert len(contacts) >= 10 and truth["counts"]["candidates"] > 0
    # Every real contact was written to personally; everyone else written to is a robot.
    assert set(contacts) <= set(found["written_to"])
    assert set(found["written_to"]) - set(contacts) <= set(kinds["robots"])
    # Each kind of non-contact is apart from the contacts and from the other kinds.
    listed = [a for addresses in kinds.values() for a in addresses]
    assert len(listed) == len(set(listed)) and not set(listed) & (set(contacts) | owner)
    # The last contact of each is the latest personal message they are in.
    for address, known in contacts.items():
        assert datetime.fromisoformat(known["last_contact"]) == found["last"][address], address
    # Candidates wrote personal mail, and the owner never wrote to them.
    assert all(a in found["last"] and a not in found["written_to"] for a in kinds["candidates"])
    # The same seed gives the same files and the same truth.
    mailgen.generate(MESSAGES, 5, tmp_path / "again", tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text())["contacts"] == contacts
    assert snapshot(tmp_path / "again") == snapshot(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
