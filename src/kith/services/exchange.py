"""Import and export contact files: vCard files or folders, and CSV exports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kith.domain.contacts import ContactRecord, Labeled, Problem, ReadResult
from kith.domain.model import Person
from kith.errors import InputError
from kith.services.contacts import ImportSummary, import_contacts, import_stream
from kith.services.context import Context
from kith.storage import people as people_store
from kith.storage import sources as source_store

Progress = Callable[[int, int], None]


def import_vcards(
    ctx: Context, paths: Sequence[Path], *, progress: Progress | None = None
) -> ImportSummary:
    """Read vCard files and folders one file at a time, and bring their cards in.

    A file whose bytes are those of the last finished import is not read again:
    its cards are counted unchanged (and its problems said again).
    """
    from kith.interchange.vcard import MAX_FILE_BYTES, read_vcard_file, read_vcards, vcard_files

    _must_exist(paths)
    files, problems = vcard_files(paths)
    keep, cap = bool(ctx.settings["keep_photos"]), int(ctx.settings["max_photo_kb"]) * 1024
    with ctx.db.read() as conn:
        before = source_store.imported_files_of(conn, "vcard")
    done: list[source_store.ImportedFile] = []

    def read(path: Path) -> ReadResult:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return read_vcard_file(path, keep_photos=keep, max_photo_bytes=cap)
        data = path.read_bytes()
        digest, name = hashlib.sha256(data).hexdigest(), str(path.resolve())
        seen = before.get(name)
        if seen is not None and seen.digest == digest:
            again = tuple(Problem(p["where"], p["reason"], p["line"]) for p in seen.problems)
            done.append(seen)
            return ReadResult((), again, "", "vcard", unchanged=seen.records)
        result = read_vcards(data, where=str(path), keep_photos=keep, max_photo_bytes=cap)
        lost = [{"where": p.where, "reason": p.reason, "line": p.line}
                for p in result.problems if not p.kept]  # fmt: skip
        done.append(source_store.ImportedFile(name, digest, len(result.records), lost))
        return result

    def reads() -> Iterator[ReadResult]:
        yield ReadResult((), tuple(problems), "", "vcard")
        for number, path in enumerate(files, 1):
            yield read(path)
            if progress:
                progress(number, len(files))

    summary = import_stream(ctx, reads(), source="vcard")
    with ctx.db.begin() as conn:  # only a finished import lets files be skipped next time
        source_store.remember_files(conn, "vcard", done, ctx.now)
    return summary


def import_csv(
    ctx: Context, path: Path, *, format: str = "auto", progress: Progress | None = None
) -> ImportSummary:
    """Read a LinkedIn, Google or Outlook CSV export, and bring its rows in."""
    from kith.interchange.csvfiles import read_contacts_csv

    _must_exist([path])
    if format not in ("auto", "linkedin", "google", "outlook"):
        raise InputError(
            f"{format!r} is not a CSV format Kith reads", hint="auto, linkedin, google or outlook"
        )
    read = read_contacts_csv(path.read_bytes(), where=path.name, format=format)
    source = read.detected_format or format
    return import_contacts(
        ctx, read, source=source if source != "auto" else "csv", progress=progress
    )


def _must_exist(paths: Sequence[Path]) -> None:
    for path in paths:
        if not path.exists():
            raise InputError(f"there is no file or folder {path}", field="path")
        if path.is_file():
            continue
        if not path.is_dir():
            raise InputError(f"{path} is neither a file nor a folder", field="path")


@dataclass(frozen=True, slots=True)
class ExportSummary:
    target: str
    cards: int
    files: int


def contact_records(ctx: Context) -> list[ContactRecord]:
    """Everyone as a ``ContactRecord``, in the order they were added."""
    with ctx.db.read() as conn:
        rows, _ = people_store.list_people(conn, status=None, sort="added", limit=None)
        persons = people_store.get_people(conn, sorted(r.id for r in rows))
        uids = {p.id: p.uid for p in persons}
        photos = {p.id: source_store.photo_of(conn, p.id) for p in persons}
    return [_record(p, uids, photos.get(p.id)) for p in persons]


def _record(person: Person, uids: dict[int, str], photo: tuple[bytes, str] | None) -> ContactRecord:
    return ContactRecord(
        source="kith",
        key=person.uid,
        where=f"#{person.id}",
        full_name=person.name,
        given_name=person.given_name,
        family_name=person.family_name,
        emails=tuple(Labeled(e) for e in person.emails),
        phones=tuple(Labeled(p) for p in person.phones),
        urls=tuple(Labeled(u) for u in person.links),
        org=person.org,
        title=person.title,
        location=person.location,
        timezone=person.timezone,
        birthday=person.birthday.isoformat() if person.birthday else "",
        notes=person.notes,
        interests=person.interests,
        met_on=person.met_on,
        met_at=person.met_at,
        met_context=person.met_context,
        circle=person.circle.value if person.circle else "",
        cadence_days=person.cadence_days,
        introduced_by=uids.get(person.introduced_by_id or 0, ""),
        photo=photo[0] if photo else None,
        photo_type=photo[1] if photo else "",
    )


def export_vcards(ctx: Context, target: Path, *, version: str = "3.0") -> ExportSummary:
    """Everyone as vCards: one file with every card, or a folder of one card per file."""
    from kith.interchange.vcard import write_vcard, write_vcards

    if version not in ("3.0", "4.0"):
        raise InputError(f"vCard {version} is not one Kith writes", hint="3.0 or 4.0")
    records = contact_records(ctx)
    if target.is_dir() or str(target).endswith(("/", "\\")):
        target.mkdir(parents=True, exist_ok=True)
        for record in records:
            (target / card_file_name(record.key)).write_text(
                write_vcard(record, version=version), encoding="utf-8", newline=""
            )
        return ExportSummary(str(target), len(records), len(records))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(write_vcards(records, version=version), encoding="utf-8", newline="")
    return ExportSummary(str(target), len(records), 1)


def card_file_name(uid: str) -> str:
    """A safe file name for a card in a vdir: the UID when it is plain, else its hash."""
    plain = all(c.isalnum() or c in "-_.@" for c in uid) and 0 < len(uid) <= 100
    return f"{uid if plain else hashlib.sha256(uid.encode()).hexdigest()}.vcf"
