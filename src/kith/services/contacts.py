"""Bring contacts in, one person per human.

Each record is normalised (e-mail, phone in E.164, name), then matched:

1. the same record from the same source seen before (by its key) is updated
   where it changed, and only where nobody changed the value since;
2. else a person who already has one of its e-mails or phones gets it merged
   in: empty fields filled, new addresses and numbers added;
3. else it becomes a new person.

Every source's values are kept per person (``person_sources``), so Kith can
say which source said what, and when.  Records are written in batches, each in
one transaction: an interrupted import leaves a consistent database, and
running it again completes it (records already stored are recognised).
Names alone never merge anyone: ``duplicates`` lists look-alikes to confirm.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from kith.domain.contacts import ContactRecord, Problem, ReadResult
from kith.domain.model import Circle, PartialDate, Person
from kith.errors import InputError
from kith.interchange.normalize import (
    clean_name,
    normalize_email,
    normalize_phone,
    normalize_url,
    split_name,
    zone,
)
from kith.services.context import Context
from kith.services.people import spread_due
from kith.storage import history as history_store
from kith.storage import people as people_store
from kith.storage import sources as source_store

BATCH = 500
#: Person fields an import may set, besides names and contact points.
SCALARS = ("org", "title", "location", "timezone", "birthday", "notes", "met_on", "met_at",
           "met_context", "circle", "cadence_days")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Incoming:
    """A record normalised and ready to be matched."""

    record: ContactRecord
    name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    urls: tuple[str, ...]
    interests: tuple[str, ...]
    values: dict[str, Any]

    def fields(self) -> dict[str, Any]:
        """What this source says, as stored with the person (JSON)."""
        values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.values.items()}
        return {
            "name": self.name,
            "emails": list(self.emails),
            "phones": list(self.phones),
            "urls": list(self.urls),
            "interests": list(self.interests),
            **values,
        }

    @property
    def digest(self) -> str:
        return record_digest(self.record)


def record_digest(record: ContactRecord) -> str:
    """What a record says, as a fingerprint (not where it was found): equal means unchanged."""
    data = {k: getattr(record, k) for k in ContactRecord.__dataclass_fields__}
    data.pop("where")
    photo = data.pop("photo") or b""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode() + hashlib.sha256(photo).digest()).hexdigest()


@dataclass
class ImportSummary:
    """What an import did, and every record it could not use (where and why)."""

    source: str
    encoding: str = ""
    detected_format: str = ""
    added: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = [_problem(p) for p in self.problems]
        data["notes"] = [_problem(p) for p in self.notes]
        return data


def _problem(p: Problem) -> dict[str, Any]:
    return {"where": p.where, "line": p.line, "reason": p.reason}


def import_contacts(
    ctx: Context,
    read: ReadResult,
    *,
    source: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Store what a reader read: match, merge or add each record, in batches."""
    total = len(read.records)
    return import_stream(
        ctx,
        [read],
        source=source,
        progress=lambda done: progress(done, total) if progress else None,
    )


def import_stream(
    ctx: Context,
    reads: Iterable[ReadResult],
    *,
    source: str,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Like ``import_contacts``, for reads that arrive one file at a time (and may still be
    being read elsewhere while earlier ones are stored)."""
    summary = ImportSummary(source)
    keys: set[str] = set()
    pending: list[ContactRecord] = []
    introduced: list[ContactRecord] = []
    added: list[int] = []
    done = 0
    for read in reads:
        _take_problems(summary, read)
        summary.unchanged += read.unchanged
        for record in _distinct_keys(read.records, keys):
            pending.append(record)
            if record.introduced_by.strip():
                introduced.append(record)
        while len(pending) >= BATCH:
            done += _store_records(ctx, pending[:BATCH], summary, added)
            del pending[:BATCH]
            if progress:
                progress(done)
    if pending:
        done += _store_records(ctx, pending, summary, added)
    if progress:
        progress(done)
    with ctx.db.begin() as conn:
        _link_introducers(ctx, conn, introduced, summary)
        if added:
            spread_due(ctx, conn, added)
    return summary


def _take_problems(summary: ImportSummary, read: ReadResult) -> None:
    summary.problems.extend(p for p in read.problems if not p.kept)
    summary.notes.extend(p for p in read.problems if p.kept)
    summary.skipped += sum(1 for p in read.problems if not p.kept)
    for encoding in read.encoding.split(", "):
        if encoding and encoding not in summary.encoding.split(", "):
            summary.encoding = ", ".join(e for e in (summary.encoding, encoding) if e)
    summary.detected_format = summary.detected_format or read.detected_format


def _store_records(
    ctx: Context, batch: Sequence[ContactRecord], summary: ImportSummary, added: list[int]
) -> int:
    """One batch, in one transaction; returns how many records it held."""
    region = str(ctx.settings["default_region"])
    with ctx.db.begin() as conn:
        known = source_store.sources_by_key(conn, summary.source, [r.key for r in batch])
        fresh = [r for r in batch if not _unchanged(r, known)]
        summary.unchanged += len(batch) - len(fresh)
        incoming = [_normalize(r, region, summary) for r in fresh]
        _store_batch(ctx, conn, [i for i in incoming if i is not None], known, summary, added)
    return len(batch)


def _link_introducers(
    ctx: Context, conn: Connection, records: Sequence[ContactRecord], summary: ImportSummary
) -> None:
    """Who introduced whom: by the introducer's key in the same source, else a unique name."""
    wanted = [r for r in records if r.introduced_by.strip()]
    if not wanted:
        return
    keys = [r.key for r in wanted] + [r.introduced_by.strip() for r in wanted]
    known = source_store.sources_by_key(conn, summary.source, keys)
    for record in wanted:
        person = known.get(record.key)
        ref = record.introduced_by.strip()
        introducer = known.get(ref)
        target = introducer.person_id if introducer else _unique_name(conn, ref)
        if person is None or target is None or target == person.person_id:
            continue
        current = people_store.get_person(conn, person.person_id)
        if current is not None and current.introduced_by_id is None:
            people_store.update_person(
                conn, person.person_id, {"introduced_by_id": target}, ctx.now
            )


def _unique_name(conn: Connection, name: str) -> int | None:
    matches = [
        m for m in people_store.match_name(conn, name) if m.name.casefold() == name.casefold()
    ]
    return matches[0].id if len(matches) == 1 else None


def _unchanged(record: ContactRecord, known: dict[str, source_store.SourceRow]) -> bool:
    previous = known.get(record.key)
    return previous is not None and previous.digest == record_digest(record)


def _distinct_keys(records: Sequence[ContactRecord], seen: set[str]) -> list[ContactRecord]:
    """A key seen twice in one import (two cards with one UID) gets where it came from added,
    so each card keeps its own provenance and a second import finds both unchanged."""
    out: list[ContactRecord] = []
    for record in records:
        if record.key in seen:
            record = replace(record, key=f"{record.key} ({record.where})")
        seen.add(record.key)
        out.append(record)
    return out


# -- normalising -------------------------------------------------------------------------


def _normalize(record: ContactRecord, region: str, summary: ImportSummary) -> Incoming | None:
    notes: list[Problem] = []
    emails = _valid(record.emails, normalize_email, record, "e-mail", notes)
    phones = _valid(record.phones, lambda v: normalize_phone(v, region), record, "phone", notes)
    urls = _valid(record.urls, normalize_url, record, "link", notes)
    name = _name(record, emails, phones)
    summary.notes.extend(notes)
    if not name:
        summary.skipped += 1
        summary.problems.append(Problem(record.where, "no name, e-mail or phone to go by"))
        return None
    values = _values(record, summary)
    interests = tuple(dict.fromkeys(i.strip() for i in record.interests if i.strip()))
    return Incoming(record, name, emails, phones, urls, interests, values)


def _valid(
    items: Sequence[Any],
    check: Callable[[str], str],
    record: ContactRecord,
    what: str,
    notes: list[Problem],
) -> tuple[str, ...]:
    kept: list[str] = []
    for item in items:
        try:
            kept.append(check(item.value))
        except InputError as exc:
            notes.append(Problem(record.where, f"{what} {item.value!r} left out: {exc.message}"))
    return tuple(dict.fromkeys(kept))


def _name(record: ContactRecord, emails: Sequence[str], phones: Sequence[str]) -> str:
    text = record.full_name.strip() or " ".join(
        p for p in (record.given_name.strip(), record.family_name.strip()) if p
    )
    if not text:
        text = record.org.strip() or (emails[0] if emails else phones[0] if phones else "")
    try:
        return clean_name(text) if text else ""
    except InputError:
        return text[:300].strip()


def _values(record: ContactRecord, summary: ImportSummary) -> dict[str, Any]:
    values: dict[str, Any] = {
        "org": record.org.strip(),
        "title": record.title.strip(),
        "location": record.location.strip(),
        "notes": record.notes.strip(),
        "met_at": record.met_at.strip(),
        "met_context": record.met_context.strip(),
    }
    if record.met_on is not None:
        values["met_on"] = record.met_on
    checks: list[tuple[str, str, Callable[[str], Any]]] = [
        ("birthday", record.birthday, lambda v: PartialDate.parse(v).isoformat()),
        ("timezone", record.timezone, lambda v: (zone(v), v)[1]),
        ("circle", record.circle, lambda v: Circle(v.strip().lower()).value),
    ]
    for key, raw, check in checks:
        if raw:
            try:
                values[key] = check(raw)
            except (InputError, ValueError):
                summary.notes.append(Problem(record.where, f"{key} {raw!r} left out: not valid"))
    if record.cadence_days:
        values["cadence_days"] = record.cadence_days
    return {k: v for k, v in values.items() if v not in ("", None)}


# -- matching and storing ----------------------------------------------------------------


def _store_batch(
    ctx: Context,
    conn: Connection,
    incoming: list[Incoming],
    known: dict[str, source_store.SourceRow],
    summary: ImportSummary,
    added: list[int],
) -> None:
    """Known records and matches one by one; new people all at once."""
    owners = source_store.people_by_points(conn, [p for i in incoming for p in _points(i)])
    uids = people_store.people_by_uid(conn, [_own_uid(i) for i in incoming])
    touched: set[int] = set()
    fresh: list[Incoming] = []
    later: list[Incoming] = []
    claimed: set[tuple[str, str]] = set()
    for item in incoming:
        marks = {*_points(item), ("uid", _own_uid(item))}
        if item.record.key in known or _own_uid(item) in uids or any(p in owners for p in marks):
            pid = _store_one(ctx, conn, item, known, owners, uids, summary, added)
            _claim(owners, item, pid, touched)
        elif marks & claimed:
            later.append(item)  # the same human as someone new in this batch
        else:
            claimed |= marks
            fresh.append(item)
    created = _create_many(ctx, conn, fresh, known, summary) if fresh else []
    for item, pid in zip(fresh, created, strict=True):
        added.append(pid)
        uids[_own_uid(item)] = pid
        _claim(owners, item, pid, touched)
    for item in later:
        pid = _store_one(ctx, conn, item, known, owners, uids, summary, added)
        _claim(owners, item, pid, touched)
    if touched:
        people_store.refresh_search_text(conn, sorted(touched - set(added)))
        history_store.refresh_stats(conn, sorted(touched), ctx.rules)


def _points(item: Incoming) -> list[tuple[str, str]]:
    return [*(("email", e) for e in item.emails), *(("phone", p) for p in item.phones)]


def _own_uid(item: Incoming) -> str:
    """The UID a card of this record would carry (a twin card's key without its suffix)."""
    return item.record.key.split(" (", 1)[0]


def _claim(
    owners: dict[tuple[str, str], int], item: Incoming, pid: int | None, touched: set[int]
) -> None:
    if pid is None:
        return
    touched.add(pid)
    for point in _points(item):
        owners.setdefault(point, pid)


def _store_one(
    ctx: Context,
    conn: Connection,
    item: Incoming,
    known: dict[str, source_store.SourceRow],
    owners: dict[tuple[str, str], int],
    uids: dict[str, int],
    summary: ImportSummary,
    added: list[int],
) -> int | None:
    previous = known.get(item.record.key)
    if previous is not None:
        if previous.digest == item.digest:
            summary.unchanged += 1
            return None
        changed = _update(ctx, conn, previous.person_id, item, previous.fields, summary)
        source_store.update_source(
            conn, previous.id, digest=item.digest, fields=item.fields(), now=ctx.now
        )
        known[item.record.key] = replace(previous, digest=item.digest, fields=item.fields())
        if changed:
            summary.updated += 1
            return previous.person_id
        summary.unchanged += 1
        return None
    same_uid = uids.get(_own_uid(item)) if item.record.source in ("vcard", "vdir") else None
    matches = [same_uid] if same_uid is not None else sorted(
        {owners[p] for p in [*(("email", e) for e in item.emails),
                             *(("phone", p) for p in item.phones)] if p in owners}
    )  # fmt: skip
    if matches:
        pid = matches[0]
        if len(matches) > 1:
            others = ", ".join(f"#{m}" for m in matches[1:])
            summary.notes.append(
                Problem(item.record.where, f"merged into #{pid}; also matches {others}")
            )
        _update(ctx, conn, pid, item, {}, summary)
        summary.merged += 1
    else:
        pid = _create(ctx, conn, item, owners, summary)
        added.append(pid)
    known[item.record.key] = source_store.add_source(
        conn,
        person_id=pid,
        source=summary.source,
        key=item.record.key,
        digest=item.digest,
        fields=item.fields(),
        now=ctx.now,
    )
    return pid


def remember_written(
    ctx: Context, conn: Connection, *, person_id: int, record: ContactRecord, source: str
) -> None:
    """Note what Kith wrote for a person to ``source`` (a vdir), so that later edits made
    there are told apart from Kith's own values."""
    scratch = ImportSummary(source)
    item = _normalize(record, str(ctx.settings["default_region"]), scratch)
    if item is None:
        return
    known = source_store.sources_by_key(conn, source, [record.key]).get(record.key)
    if known is None:
        source_store.add_source(
            conn, person_id=person_id, source=source, key=record.key, digest=item.digest,
            fields=item.fields(), now=ctx.now,
        )  # fmt: skip
    else:
        source_store.update_source(
            conn, known.id, digest=item.digest, fields=item.fields(), now=ctx.now
        )


def _create(
    ctx: Context,
    conn: Connection,
    item: Incoming,
    owners: dict[tuple[str, str], int],
    summary: ImportSummary,
) -> int:
    known: dict[str, source_store.SourceRow] = {}
    return _create_many(ctx, conn, [item], known, summary, with_sources=False)[0]


def _create_many(
    ctx: Context,
    conn: Connection,
    items: Sequence[Incoming],
    known: dict[str, source_store.SourceRow],
    summary: ImportSummary,
    *,
    with_sources: bool = True,
) -> list[int]:
    """New people, in a few statements: their rows, e-mails and phones, interests, sources."""
    values = [(_uid(item), _person_values(item)) for item in items]
    ids = people_store.insert_people(conn, values, now=ctx.now)
    points, interest_rows, photo_rows, sources = [], [], [], []
    for pid, item in zip(ids, items, strict=True):
        for kind, found in (("email", item.emails), ("phone", item.phones), ("url", item.urls)):
            points += [{"person_id": pid, "kind": kind, "value": v, "label": "", "position": n}
                       for n, v in enumerate(found)]  # fmt: skip
        interest_rows += [
            {"person_id": pid, "key": key, "label": label}
            for key, label in {i.casefold(): i for i in item.interests}.items()
        ]
        if item.record.photo:
            photo_rows.append(_photo_row(pid, item, summary.source))
        sources.append({"person_id": pid, "source": summary.source, "key": item.record.key,
                        "digest": item.digest, "fields": item.fields(),
                        "first_seen_at": ctx.now, "last_seen_at": ctx.now})  # fmt: skip
    people_store.add_points(conn, points)
    people_store.add_interests(conn, interest_rows)
    source_store.add_photos(conn, photo_rows)
    if with_sources:
        known.update(source_store.add_sources(conn, sources))
    summary.added += len(ids)
    return ids


def _person_values(item: Incoming) -> dict[str, Any]:
    given, family = item.record.given_name.strip(), item.record.family_name.strip()
    if not (given or family):
        given, family = split_name(item.name)
    values: dict[str, Any] = {
        "name": item.name, "given_name": given, "family_name": family, **item.values,
    }  # fmt: skip
    birthday = PartialDate.parse(values["birthday"]) if "birthday" in values else None
    if birthday is not None:
        values["birthday"] = birthday
    person = Person(
        id=0, uid="", name=item.name, emails=item.emails, phones=item.phones, links=item.urls,
        org=values.get("org", ""), title=values.get("title", ""),
        location=values.get("location", ""), notes=values.get("notes", ""),
        interests=item.interests, met_at=values.get("met_at", ""),
        met_context=values.get("met_context", ""),
    )  # fmt: skip
    values["search_text"] = people_store.search_text_of(person)
    return values


def _photo_row(pid: int, item: Incoming, source: str) -> dict[str, Any]:
    media = item.record.photo_type or "image/jpeg"
    if "/" not in media:
        media = f"image/{media.lower()}"
    return {"person_id": pid, "data": item.record.photo, "media_type": media, "source": source}


def _uid(item: Incoming) -> str:
    key = item.record.key
    if item.record.source in ("vcard", "vdir") and 0 < len(key) <= 64:
        return key
    return str(uuid.uuid4())


def _update(
    ctx: Context,
    conn: Connection,
    pid: int,
    item: Incoming,
    before: dict[str, Any],
    summary: ImportSummary,
) -> bool:
    """Fill what is empty, change what still holds the source's old value; True if changed."""
    person = people_store.get_person(conn, pid)
    assert person is not None
    values: dict[str, Any] = {}
    for key in SCALARS:
        new = item.fields().get(key)
        current = _current(person, key)
        if new in (None, "") or new == current:
            continue
        if current in (None, "") or (before and current == before.get(key)):
            values[key] = PartialDate.parse(new) if key == "birthday" else _typed(key, new)
    if before and person.name == before.get("name") and item.name != person.name:
        given, family = split_name(item.name)
        values.update(name=item.name, given_name=given, family_name=family)
    if values:
        people_store.update_person(conn, pid, values, ctx.now)
    existing = {"email": person.emails, "phone": person.phones, "url": person.links}
    points = _add_points(conn, pid, item, existing, {}, summary)
    new_interests = [i for i in item.interests if i.casefold() not in
                     {x.casefold() for x in person.interests}]  # fmt: skip
    if new_interests:
        people_store.set_interests(conn, pid, [*person.interests, *new_interests])
    photo = _photo(conn, pid, item, summary.source, replace=False)
    return bool(values or points or new_interests or photo)


def _current(person: Person, key: str) -> Any:
    value = getattr(person, key)
    if value is None:
        return None
    if key in ("birthday", "met_on"):
        return value.isoformat()
    if key == "circle":
        return value.value
    return value


def _typed(key: str, value: Any) -> Any:
    if key == "met_on" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _add_points(
    conn: Connection,
    pid: int,
    item: Incoming,
    existing: Mapping[str, Sequence[str]],
    owners: dict[tuple[str, str], int],
    summary: ImportSummary,
) -> bool:
    added = False
    for kind, values in (("email", item.emails), ("phone", item.phones), ("url", item.urls)):
        current = list(existing.get(kind, ()))
        fresh = []
        for value in values:
            owner = owners.get((kind, value))
            if value in current:
                continue
            if owner is not None and owner != pid:
                summary.notes.append(
                    Problem(item.record.where, f"{kind} {value} already belongs to #{owner}")
                )
                continue
            fresh.append(value)
        if fresh:
            people_store.set_points(conn, pid, kind, [*current, *fresh])
            added = True
    return added


def _photo(conn: Connection, pid: int, item: Incoming, source: str, *, replace: bool) -> bool:
    record = item.record
    if not record.photo:
        return False
    if not replace and source_store.has_photo(conn, pid):
        return False
    media = record.photo_type or "image/jpeg"
    if "/" not in media:
        media = f"image/{media.lower()}"
    source_store.set_photo(conn, pid, data=record.photo, media_type=media, source=source)
    return True
