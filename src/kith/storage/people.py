"""People, their contact points and interests, and the owner profile."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from kith.domain.history import StrengthFromKey
from kith.domain.model import Circle, Owner, PartialDate, Person, Status
from kith.domain.rules import DEFAULT_RULES, Rules
from kith.errors import Conflict
from kith.storage.tables import contact_points, interests, owner, people, person_stats
from kith.storage.types import ISODate

POINT_KINDS = ("email", "phone", "url")
#: Kinds of contact point that belong to one person only (links may be shared).
IDENTIFYING = ("email", "phone")


# -- owner -------------------------------------------------------------------------------


def get_owner(conn: Connection) -> Owner:
    row = conn.execute(sa.select(owner).where(owner.c.id == 1)).mappings().first()
    if row is None:
        return Owner()
    return Owner(
        name=row["name"],
        emails=tuple(row["emails"] or ()),
        interests=tuple(row["interests"] or ()),
        timezone=row["timezone"],
        signature=row["signature"],
    )


def save_owner(conn: Connection, value: Owner) -> None:
    data = {
        "name": value.name,
        "emails": list(value.emails),
        "interests": list(value.interests),
        "timezone": value.timezone,
        "signature": value.signature,
    }
    updated = conn.execute(sa.update(owner).where(owner.c.id == 1).values(**data)).rowcount
    if not updated:
        conn.execute(sa.insert(owner).values(id=1, **data))


# -- people ------------------------------------------------------------------------------

#: Columns a service may set directly on a person.
PERSON_FIELDS = (
    "name",
    "given_name",
    "family_name",
    "org",
    "title",
    "location",
    "timezone",
    "birthday",
    "notes",
    "circle",
    "cadence_days",
    "status",
    "status_reason",
    "met_on",
    "met_at",
    "met_context",
    "introduced_by_id",
    "snoozed_until",
    "due_shift_on",
)


def _column_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in PERSON_FIELDS and key != "search_text":
            raise KeyError(f"unknown person field {key!r}")
        if key == "birthday" and isinstance(value, PartialDate):
            value = value.isoformat()
        elif key in ("circle", "status") and value is not None:
            value = str(value.value if hasattr(value, "value") else value)
        out[key] = value
    if "name" in out:
        out["name_key"] = out["name"].casefold()
    return out


def _person_row(uid: str, values: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    data = _column_values(values)
    data.update(uid=uid, created_at=now, updated_at=now)
    for column in people.c:
        if column.name not in data and column.default is not None and not column.primary_key:
            arg = column.default.arg  # type: ignore[attr-defined]
            data[column.name] = arg(None) if callable(arg) else arg
        elif column.name not in data and not column.primary_key:
            data[column.name] = None
    return data


def insert_person(conn: Connection, *, uid: str, values: Mapping[str, Any], now: datetime) -> int:
    return insert_people(conn, [(uid, values)], now=now)[0]


def insert_people(
    conn: Connection, people_values: Sequence[tuple[str, Mapping[str, Any]]], *, now: datetime
) -> list[int]:
    """Insert several people at once (uid, values); returns their ids in the same order."""
    if not people_values:
        return []
    rows = [_person_row(uid, values, now) for uid, values in people_values]
    if len(rows) == 1:
        return [int(conn.execute(sa.insert(people).returning(people.c.id), rows).scalar_one())]
    conn.execute(sa.insert(people), rows)  # in one go; the ids are found by the unique uids
    ids = people_by_uid(conn, [uid for uid, _ in people_values])
    return [ids[uid] for uid, _ in people_values]


def people_by_uid(conn: Connection, uids: Iterable[str]) -> dict[str, int]:
    wanted = list(dict.fromkeys(uids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            sa.select(people.c.uid, people.c.id).where(
                people.c.uid.in_(wanted[start : start + 500])
            )
        )
        found.update({str(u): int(i) for u, i in rows})
    return found


def add_points(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Contact points of new people, all at once (person_id, kind, value, label, position)."""
    if rows:
        conn.execute(sa.insert(contact_points), list(rows))


def add_interests(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Interests of new people, all at once (person_id, key, label)."""
    if rows:
        conn.execute(sa.insert(interests), list(rows))


def update_person(
    conn: Connection, person_id: int, values: Mapping[str, Any], now: datetime
) -> None:
    if not values:
        return
    data = _column_values(values)
    data["updated_at"] = now
    conn.execute(sa.update(people).where(people.c.id == person_id).values(**data))


def set_due_shifts(conn: Connection, shifts: Mapping[int, date | None]) -> None:
    """Store spread due dates (person id → date, None to drop one)."""
    rows = [{"pid": pid, "shift": day} for pid, day in sorted(shifts.items())]
    statement = (
        sa.update(people)
        .where(people.c.id == sa.bindparam("pid"))
        .values(due_shift_on=sa.bindparam("shift", type_=ISODate()))
    )
    for start in range(0, len(rows), 5000):
        conn.execute(statement, rows[start : start + 5000])


def set_points(
    conn: Connection, person_id: int, kind: str, values: Sequence[str], labels: Sequence[str] = ()
) -> None:
    """Replace a person's e-mails, phones or links; refuse an e-mail or phone of someone else."""
    if values and kind in IDENTIFYING:
        owners = conn.execute(
            sa.select(contact_points.c.value, people.c.id, people.c.name)
            .join(people, people.c.id == contact_points.c.person_id)
            .where(
                contact_points.c.kind == kind,
                contact_points.c.value.in_(list(values)),
                contact_points.c.person_id != person_id,
            )
        ).first()
        if owners is not None:
            raise Conflict(
                f"{kind} {owners.value} already belongs to {owners.name} (#{owners.id})",
                hint=f"merge the two or remove it from #{owners.id} first",
            )
    conn.execute(
        sa.delete(contact_points).where(
            contact_points.c.person_id == person_id, contact_points.c.kind == kind
        )
    )
    rows = [
        {
            "person_id": person_id,
            "kind": kind,
            "value": value,
            "label": labels[i] if i < len(labels) else "",
            "position": i,
        }
        for i, value in enumerate(dict.fromkeys(values))
    ]
    if rows:
        conn.execute(sa.insert(contact_points), rows)


def set_interests(conn: Connection, person_id: int, labels: Sequence[str]) -> None:
    conn.execute(sa.delete(interests).where(interests.c.person_id == person_id))
    unique = {label.strip().casefold(): label.strip() for label in labels if label.strip()}
    if unique:
        conn.execute(
            sa.insert(interests),
            [{"person_id": person_id, "key": k, "label": v} for k, v in unique.items()],
        )


def person_id_by_uid(conn: Connection, uid: str) -> int | None:
    found = conn.execute(sa.select(people.c.id).where(people.c.uid == uid)).scalar()
    return int(found) if found is not None else None


def get_people(conn: Connection, ids: Iterable[int]) -> list[Person]:
    """Full records for ``ids`` (in the order given; unknown ids are left out)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = {
        r["id"]: r
        for r in conn.execute(sa.select(people).where(people.c.id.in_(wanted))).mappings()
    }
    points: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pid, kind, value in conn.execute(
        sa.select(contact_points.c.person_id, contact_points.c.kind, contact_points.c.value)
        .where(contact_points.c.person_id.in_(wanted))
        .order_by(contact_points.c.person_id, contact_points.c.kind, contact_points.c.position)
    ):
        points[pid][kind].append(value)
    labels: dict[int, list[str]] = defaultdict(list)
    for pid, label in conn.execute(
        sa.select(interests.c.person_id, interests.c.label)
        .where(interests.c.person_id.in_(wanted))
        .order_by(interests.c.person_id, interests.c.key)
    ):
        labels[pid].append(label)
    return [_person(rows[i], points[i], labels[i]) for i in wanted if i in rows]


def get_person(conn: Connection, person_id: int) -> Person | None:
    found = get_people(conn, [person_id])
    return found[0] if found else None


def _person(row: RowMapping, points: Mapping[str, list[str]], labels: list[str]) -> Person:
    return Person(
        id=row["id"],
        uid=row["uid"],
        name=row["name"],
        given_name=row["given_name"],
        family_name=row["family_name"],
        emails=tuple(points.get("email", ())),
        phones=tuple(points.get("phone", ())),
        links=tuple(points.get("url", ())),
        org=row["org"],
        title=row["title"],
        location=row["location"],
        timezone=row["timezone"],
        birthday=PartialDate.parse(row["birthday"]) if row["birthday"] else None,
        notes=row["notes"],
        interests=tuple(labels),
        circle=Circle(row["circle"]) if row["circle"] else None,
        cadence_days=row["cadence_days"],
        status=Status(row["status"]),
        status_reason=row["status_reason"],
        met_on=row["met_on"],
        met_at=row["met_at"],
        met_context=row["met_context"],
        introduced_by_id=row["introduced_by_id"],
        snoozed_until=row["snoozed_until"],
        due_shift_on=row["due_shift_on"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def refresh_search_text(conn: Connection, person_ids: Iterable[int]) -> None:
    """Rebuild the lower-cased text that ``search`` matches for these people."""
    for person in get_people(conn, person_ids):
        conn.execute(
            sa.update(people)
            .where(people.c.id == person.id)
            .values(search_text=search_text_of(person))
        )


def search_text_of(person: Person) -> str:
    parts = [
        person.name,
        person.org,
        person.title,
        person.location,
        person.met_at,
        person.met_context,
        person.notes,
        *person.emails,
        *person.phones,
        *person.interests,
    ]
    return " \u2022 ".join(p for p in parts if p).casefold()


# -- finding people ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    id: int
    name: str
    org: str
    status: str


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SEARCH_INDEX = sa.table("people_search", sa.column("rowid"), sa.column("search_text"))


def _indexed(term: str) -> bool:
    """Can the trigram index find ``term``?  It needs three characters and no wildcards."""
    return len(term) >= 3 and not any(c in term for c in "%_\\")


def _phrase(term: str) -> str:
    """``term`` as a phrase of the trigram index: it matches where the text contains it."""
    return '"' + term.replace('"', '""') + '"'


def _contains(conn: Connection, term: str, *, common: bool = False, bound: str = "") -> Any:
    """SQL: the person's details contain ``term``, through the trigram index where it helps.

    ``common``: many people match, so the matches should not drive the query (SQLite).
    ``bound``: the name of a parameter that will hold the pattern or phrase.
    """

    def value(given: str) -> Any:
        return sa.bindparam(bound, given, type_=sa.String) if bound else given

    plain = people.c.search_text.like(value(_like(term)), escape="\\")
    if not _indexed(term):
        return plain
    if conn.dialect.name == "sqlite":
        # A phrase of the trigram index matches where the text contains it: no row is read
        # to check, unlike LIKE through the same index.
        indexed = sa.select(_SEARCH_INDEX.c.rowid).where(
            sa.literal_column("people_search").op("MATCH")(value(_phrase(term)))
        )
        return (people.c.id + 0 if common else people.c.id).in_(indexed)
    return plain  # PostgreSQL's pg_trgm index serves LIKE directly


def match_name(conn: Connection, query: str, limit: int = 20) -> list[Match]:
    """People whose name is ``query`` (case-insensitive), else whose name contains every word."""
    cols = (people.c.id, people.c.name, people.c.org, people.c.status)
    key = query.strip().casefold()
    exact = conn.execute(sa.select(*cols).where(people.c.name_key == key).order_by(people.c.id))
    found = [Match(*row) for row in exact]
    if found:
        return found
    conditions = [people.c.name_key.like(_like(word), escape="\\") for word in key.split()]
    if not conditions:
        return []
    rows = conn.execute(
        sa.select(*cols).where(*conditions).order_by(people.c.name_key, people.c.id).limit(limit)
    )
    return [Match(*row) for row in rows]


def names_containing(conn: Connection, fragments: Sequence[str]) -> list[tuple[int, str, str]]:
    """Active people whose details contain any of ``fragments``: (id, name, family name)."""
    if not fragments:
        return []
    rows = conn.execute(
        sa.select(people.c.id, people.c.name, people.c.family_name).where(
            sa.or_(*(_contains(conn, f.casefold()) for f in fragments)),
            people.c.status == Status.ACTIVE.value,
        )
    )
    return [(int(i), str(n), str(f)) for i, n, f in rows]


def all_names(conn: Connection) -> list[tuple[int, str]]:
    return [(int(i), str(n)) for i, n in conn.execute(sa.select(people.c.id, people.c.name))]


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A line of a people list: the record's headline and its last contact."""

    id: int
    name: str
    org: str
    title: str
    circle: str | None
    cadence_days: int | None
    status: str
    last_at: datetime | None
    count: int


#: The orders ``list_people`` knows.
SORTS = ("name", "last", "oldest", "added", "strength", "overdue")


def list_people(
    conn: Connection,
    *,
    terms: Sequence[str] = (),
    status: str | None = "active",
    circle: str | None = None,
    interest: str | None = None,
    sort: str = "name",
    limit: int | None = 50,
    offset: int = 0,
    now: datetime | None = None,
    rules: Rules | None = None,
    count_at_most: int | None = None,
) -> tuple[list[PersonRow], int]:
    """A page of people matching every term, and how many match in all.

    With ``count_at_most``, a search stops counting there: a total of
    ``count_at_most + 1`` means "more than that" (a word that a fifth of
    everyone shares would cost more to count than the page to read).

    Every order reads the page through an index and stops there: by name
    (``name_key``), last contact (``last_at``), how overdue (``due_on``, the
    longest overdue first, people without a rhythm last) and strength at
    ``now`` (``strength_key``: read best first until nobody left could be
    stronger, see ``_by_strength``).  The orders by statistics expect every
    person to have them (services refresh stale statistics first).
    """
    if sort not in SORTS:
        raise ValueError(f"unknown order {sort!r}")
    terms = [t.casefold() for t in terms]
    interest = interest.casefold() if interest else interest
    values = _values(conn, terms, status, circle, interest)
    if count_at_most is not None and terms:  # a search: "more than" is enough
        values["count_cap"] = count_at_most + 1
    capped = "count_cap" in values
    filters = (bool(status), bool(circle), bool(interest))
    shape = (conn.dialect.name, tuple(map(_indexed, terms)), *filters)
    counted = _statement(
        ("count", *shape, capped),
        lambda: _count_statement(conn, terms, status, circle, interest, capped),
    )
    total = int(conn.execute(counted, values).scalar_one())
    if limit == 0 or offset >= total:
        return [], total
    # Many match: reading in the order's index finds a page sooner than sorting them all.
    common = total > 1000
    by_stats = sort in ("last", "oldest", "overdue")
    if sort == "strength":
        if now is None:
            raise ValueError("the order by strength needs now")
        conditions = _conditions(conn, terms, status, circle, interest, common=common)
        ids = _by_strength(conn, conditions, now, rules or DEFAULT_RULES, limit, offset)
        rows = {r.id: r for r in _rows(conn, [people.c.id.in_(ids)], (), None, 0, False)}
        return [rows[i] for i in ids if i in rows], total
    if limit is None:
        conditions = _conditions(conn, terms, status, circle, interest, common=common)
        return _rows(conn, conditions, _order(conn, sort), limit, offset, by_stats), total

    def build() -> Any:
        conditions = _conditions(conn, terms, status, circle, interest, common=common, bound=True)
        return _rows_statement(conditions, _order(conn, sort), by_stats)

    query = _statement(("rows", *shape, common, sort), build)
    found = conn.execute(query, values | {"page_offset": offset, "page_limit": limit})
    return [PersonRow(*row) for row in found], total


#: ``list_people``'s statements by their shape (the values are bound when they run):
#: building them again for every page took longer than some of their queries.
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _statement(shape: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    found = _STATEMENTS.get(shape)
    if found is None:
        if len(_STATEMENTS) > 512:
            _STATEMENTS.clear()
        found = _STATEMENTS[shape] = build()
    return found


def _values(
    conn: Connection,
    terms: Sequence[str],
    status: str | None,
    circle: str | None,
    interest: str | None,
) -> dict[str, Any]:
    """The values ``_conditions(..., bound=True)`` leaves to be bound."""
    sqlite = conn.dialect.name == "sqlite"
    values: dict[str, Any] = {
        f"term_{i}": _phrase(t) if sqlite and _indexed(t) else _like(t) for i, t in enumerate(terms)
    }
    if status:
        values["status"] = status
    if circle:
        values["circle"] = circle
    if interest:
        values["interest"] = interest
    return values


def _count_statement(
    conn: Connection,
    terms: Sequence[str],
    status: str | None,
    circle: str | None,
    interest: str | None,
    capped: bool,
) -> Any:
    counted = sa.select(people.c.id).where(
        *_conditions(conn, terms, status, circle, interest, hints=False, bound=True)
    )
    if capped:
        counted = counted.limit(sa.bindparam("count_cap", type_=sa.Integer))
    return sa.select(sa.func.count()).select_from(counted.subquery())


def _conditions(
    conn: Connection,
    terms: Sequence[str],
    status: str | None,
    circle: str | None,
    interest: str | None,
    *,
    common: bool = False,
    hints: bool = True,
    bound: bool = False,
) -> list[Any]:
    """SQL conditions, with ``hints`` for SQLite's planner (which has no statistics).

    ``common``: the terms match many people.  Counting goes best without hints.
    ``bound``: the values are named parameters, given when the statement runs
    (``_values``), so that the statement can be kept and run again.
    """
    sqlite = hints and conn.dialect.name == "sqlite"

    def likely(condition: Any) -> Any:
        return sa.func.likelihood(condition, sa.literal_column("0.9")) if sqlite else condition

    def value(name: str, given: Any) -> Any:
        return sa.bindparam(name, given, type_=sa.String) if bound else given

    conditions: list[Any] = [
        _contains(conn, t.casefold(), common=common and sqlite, bound=f"term_{i}" if bound else "")
        for i, t in enumerate(terms)
    ]
    if status:
        # Most people share a status: SQLite, without statistics, would take its index to
        # be selective and sort every match instead of reading the page through the order's.
        conditions.append(likely(people.c.status == value("status", status)))
    if circle:
        conditions.append(people.c.circle == value("circle", circle))
    if interest:
        conditions.append(
            people.c.id.in_(
                sa.select(interests.c.person_id).where(
                    interests.c.key == value("interest", interest.casefold())
                )
            )
        )
    return conditions


def _order(conn: Connection, sort: str) -> tuple[Any, ...]:
    stats = person_stats.c
    postgres = conn.dialect.name == "postgresql"  # SQLite puts NULL first ascending, by itself
    if sort == "name":
        return (people.c.name_key, people.c.id)
    if sort == "added":
        return (people.c.created_at.desc(), people.c.id.desc())
    if sort == "last":
        return (
            stats.last_at.desc().nulls_last() if postgres else stats.last_at.desc(),
            stats.person_id,
        )
    if sort == "oldest":
        return (
            stats.last_at.asc().nulls_first() if postgres else stats.last_at.asc(),
            stats.person_id,
        )
    # as ix_person_stats_due is made (migration 0007)
    return (stats.due_on.is_(None), stats.due_on, stats.person_id)


#: What a line of the list shows (``PersonRow``).
_ROW_COLUMNS = (
    people.c.id,
    people.c.name,
    people.c.org,
    people.c.title,
    people.c.circle,
    people.c.cadence_days,
    people.c.status,
    person_stats.c.last_at,
    sa.func.coalesce(person_stats.c.count, 0),
)


def _rows(
    conn: Connection,
    conditions: Sequence[Any],
    order: Sequence[Any],
    limit: int | None,
    offset: int,
    by_stats: bool,
) -> list[PersonRow]:
    everyone = -1 if conn.dialect.name == "sqlite" else None  # no limit
    page = {"page_offset": offset, "page_limit": everyone if limit is None else limit}
    found = conn.execute(_rows_statement(conditions, order, by_stats), page)
    return [PersonRow(*row) for row in found]


def _rows_statement(conditions: Sequence[Any], order: Sequence[Any], by_stats: bool) -> Any:
    """``_rows``' query, its offset and limit the parameters page_offset and page_limit."""
    offset = sa.bindparam("page_offset", type_=sa.Integer)
    limit = sa.bindparam("page_limit", type_=sa.Integer)
    if by_stats:  # read in the order of an index of the statistics
        joined = person_stats.join(people, people.c.id == person_stats.c.person_id)
        query = sa.select(*_ROW_COLUMNS).select_from(joined).where(*conditions)
        return query.order_by(*order).offset(offset).limit(limit)
    # The page's ids first, then their rows: sorting a thousand matches reads only their
    # ids and names, not their statistics.
    page = (
        sa.select(people.c.id)
        .where(*conditions)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )
    joined = page.join(people, people.c.id == page.c.id).outerjoin(
        person_stats, person_stats.c.person_id == people.c.id
    )
    return sa.select(*_ROW_COLUMNS).select_from(joined).order_by(*order)


def _by_strength(
    conn: Connection,
    conditions: Sequence[Any],
    now: datetime,
    rules: Rules,
    limit: int | None,
    offset: int,
) -> list[int]:
    """Ids of a page of people by strength at ``now``, strongest first (ties: id).

    Reads people in the order of ``strength_key`` (index ix_person_stats_strength)
    and stops as soon as the bound on the strength of everyone after is below the
    weakest of those kept: a first page reads a few dozen rows of 50,000.
    """
    stats = person_stats.c
    need = offset + limit if limit is not None else None
    query = (
        sa.select(stats.person_id, stats.strength_key, stats.out_weight, stats.in_weight)
        .select_from(person_stats.join(people, people.c.id == stats.person_id))
        .where(*conditions)
        .order_by(stats.strength_key.is_(None), stats.strength_key.desc(), stats.person_id)
    )
    at = StrengthFromKey(now, rules)
    kept: list[tuple[float, float, int]] = []  # a heap: the weakest kept on top
    none: list[int] = []  # no tie at all: strength 0, in id order
    result = conn.execute(query, execution_options={"yield_per": 256})
    try:
        for pid, key, out_weight, in_weight in result:
            full = need is not None and len(kept) >= need
            if key is None:
                if need is not None and len(kept) + len(none) >= need:
                    break
                none.append(pid)
                continue
            if full and at.bound(key) < kept[0][0]:
                break
            entry = (at.strength(key, out_weight, in_weight), key, -pid)
            if not full:
                heapq.heappush(kept, entry)
            elif entry > kept[0]:
                heapq.heapreplace(kept, entry)
    finally:
        result.close()
    ordered = [-entry[2] for entry in sorted(kept, reverse=True)] + none
    return ordered[offset : None if limit is None else offset + limit]


def anyone(conn: Connection) -> bool:
    """Is there anybody at all (without counting everyone)?"""
    return conn.execute(sa.select(people.c.id).limit(1)).first() is not None


def count_people(conn: Connection) -> dict[str, int]:
    rows = conn.execute(sa.select(people.c.status, sa.func.count()).group_by(people.c.status))
    return {str(status): int(n) for status, n in rows}
