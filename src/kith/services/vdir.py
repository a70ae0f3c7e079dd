"""Two-way sync with a vdir: a folder of one-card-per-file ``.vcf`` (khard, vdirsyncer).

What changed since the last sync, on either side, is carried to the other:

* a new card in the folder → a person in Kith (merged by e-mail or phone as usual);
* a new person in Kith → a new card in the folder;
* a card edited in the folder → those fields changed in Kith;
* a person changed in Kith → their card rewritten;
* a card deleted from the folder → the person let go (archived, nothing lost);
* a person let go in Kith → their card removed from the folder.

When both sides changed the same person: fields changed on one side only are
combined; where the same field changed on both sides, Kith's value wins; the
card is then rewritten, and the summary names the conflict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.domain.contacts import ContactRecord, Problem, ReadResult
from kith.domain.model import Status
from kith.errors import InputError
from kith.services.contacts import import_contacts, remember_written
from kith.services.context import Context
from kith.services.exchange import card_file_name, contact_records
from kith.storage import people as people_store
from kith.storage import sources as source_store
from kith.storage.tables import vdir_items

SOURCE = "vdir"
VERSION = "3.0"


@dataclass
class SyncSummary:
    folder: str
    added_to_kith: int = 0
    updated_in_kith: int = 0
    let_go_in_kith: int = 0
    written: int = 0
    removed: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = [
            {"where": p.where, "line": p.line, "reason": p.reason} for p in self.problems
        ]
        return data


@dataclass(frozen=True, slots=True)
class _Card:
    """A person of Kith as a card: their record, id, status, and the card's digest."""

    record: ContactRecord
    person_id: int
    active: bool
    digest: str


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sync_vdir(ctx: Context, folder: Path) -> SyncSummary:
    """Bring the folder and Kith in step (see the module's description)."""
    from kith.interchange.vcard import read_vcards, write_vcard

    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is not a folder", field="folder")
    folder.mkdir(parents=True, exist_ok=True)
    sync = _Sync(ctx, folder, write_vcard, read_vcards)
    sync.run()
    return sync.summary


class _Sync:
    def __init__(
        self, ctx: Context, folder: Path, write: Callable[..., str], read: Callable[..., ReadResult]
    ) -> None:
        self.ctx, self.folder, self.write, self.read = ctx, folder, write, read
        self.key = str(folder.resolve())
        self.summary = SyncSummary(self.key)
        self.disk = {
            p.name: p.read_bytes()
            for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix.lower() == ".vcf"
        }
        with ctx.db.read() as conn:
            rows = conn.execute(sa.select(vdir_items).where(vdir_items.c.folder == self.key))
            self.state = {row.filename: row for row in rows}

    def run(self) -> None:
        before = {pid: card.digest for pid, card in self._cards().items()}
        uids = self._bring_in_disk_changes()
        cards = self._cards()
        with self.ctx.db.begin() as conn:
            owners = {uid: r.person_id for uid, r in source_store.sources_by_key(
                conn, SOURCE, list(uids.values())).items()}  # fmt: skip
            for name, data in self.disk.items():
                uid = uids.get(name) or self.state[name].uid
                self._settle(conn, name, data, uid, owners.get(uid), cards, before)
            for name, row in self.state.items():
                if name not in self.disk:
                    self._deleted_from_folder(conn, row, cards)
            self._new_in_kith(conn, cards)

    def _bring_in_disk_changes(self) -> dict[str, str]:
        """Import cards new or changed in the folder; returns their UIDs by file name."""
        uids: dict[str, str] = {}
        incoming: list[ContactRecord] = []
        for name, data in self.disk.items():
            row = self.state.get(name)
            if row is not None and row.file_digest == _digest(data):
                continue
            read = self.read(data, where=name)
            self.summary.problems.extend(read.problems)
            if read.records:
                record = replace(read.records[0], source=SOURCE)
                incoming.append(record)
                uids[name] = record.key
        if incoming:
            result = import_contacts(self.ctx, ReadResult(tuple(incoming)), source=SOURCE)
            self.summary.added_to_kith += result.added + result.merged
            self.summary.updated_in_kith += result.updated
            self.summary.problems.extend(result.problems)
        return uids

    def _cards(self) -> dict[int, _Card]:
        with self.ctx.db.read() as conn:
            rows, _ = people_store.list_people(conn, status=None, limit=None)
            statuses = {r.id: r.status for r in rows}
            ids = {p.uid: p.id for p in people_store.get_people(conn, list(statuses))}
        cards: dict[int, _Card] = {}
        for record in contact_records(self.ctx):
            pid = ids[record.key]
            text = self.write(record, version=VERSION)
            cards[pid] = _Card(record, pid, statuses[pid] == Status.ACTIVE.value,
                               _digest(text.encode()))  # fmt: skip
        return cards

    def _settle(
        self, conn: Connection, name: str, data: bytes, uid: str, owner: int | None,
        cards: dict[int, _Card], before: dict[int, str],
    ) -> None:  # fmt: skip
        row = self.state.get(name)
        person_id = owner or (row.person_id if row is not None else None)
        card = cards.get(person_id) if person_id is not None else None
        if card is None or not card.active:
            if row is not None and row.file_digest == _digest(data):
                (self.folder / name).unlink(missing_ok=True)  # let go in Kith: the card goes
                conn.execute(sa.delete(vdir_items).where(vdir_items.c.id == row.id))
                self.summary.removed += 1
            return
        disk_changed = row is None or row.file_digest != _digest(data)
        # changed in Kith since the last sync, not merely by taking in the folder's changes
        kith_changed = row is not None and row.kith_digest != before.get(card.person_id)
        file_digest = _digest(data)
        if kith_changed:
            if disk_changed:
                self.summary.conflicts.append(
                    f"{name}: changed in the folder and in Kith; combined, with Kith's value "
                    "where both changed the same field"
                )
            file_digest = self._write_card(conn, name, card)
        elif not disk_changed:
            self.summary.unchanged += 1
            return
        self._remember(conn, name, uid, card, file_digest)

    def _deleted_from_folder(self, conn: Connection, row: Any, cards: dict[int, _Card]) -> None:
        conn.execute(sa.delete(vdir_items).where(vdir_items.c.id == row.id))
        card = cards.get(row.person_id) if row.person_id is not None else None
        if card is None or not card.active:
            return
        if card.digest != row.kith_digest:
            digest = self._write_card(conn, row.filename, card)
            self._remember(conn, row.filename, row.uid, card, digest)
            self.summary.conflicts.append(
                f"{row.filename}: deleted from the folder but changed in Kith; written again"
            )
            return
        people_store.update_person(
            conn, card.person_id,
            {"status": Status.ARCHIVED, "status_reason": f"deleted from {self.key}"},
            self.ctx.now,
        )  # fmt: skip
        self.summary.let_go_in_kith += 1

    def _new_in_kith(self, conn: Connection, cards: dict[int, _Card]) -> None:
        rows = conn.execute(
            sa.select(vdir_items.c.person_id).where(vdir_items.c.folder == self.key)
        )
        synced = {row.person_id for row in rows}
        taken = set(self.disk) | set(self.state)
        for card in cards.values():
            name = card_file_name(card.record.key)
            if not card.active or card.person_id in synced or name in taken:
                continue
            digest = self._write_card(conn, name, card)
            self._remember(conn, name, card.record.key, card, digest)

    def _write_card(self, conn: Connection, name: str, card: _Card) -> str:
        data = self.write(card.record, version=VERSION).encode("utf-8")
        path = self.folder / name
        temporary = path.with_name(f".{name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: a reader never sees half a card
        remember_written(
            self.ctx, conn, person_id=card.person_id, record=card.record, source=SOURCE
        )
        self.summary.written += 1
        return _digest(data)

    def _remember(
        self, conn: Connection, name: str, uid: str, card: _Card, file_digest: str
    ) -> None:
        conn.execute(
            sa.delete(vdir_items).where(
                vdir_items.c.folder == self.key, vdir_items.c.filename == name
            )
        )
        conn.execute(sa.insert(vdir_items).values(
            folder=self.key, filename=name, uid=uid, person_id=card.person_id,
            file_digest=file_digest, kith_digest=card.digest, synced_at=self.ctx.now))  # fmt: skip
