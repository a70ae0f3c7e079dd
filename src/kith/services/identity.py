"""One person per human: look-alikes to confirm, merge, and undo a merge.

Kith merges on its own only when an e-mail or a phone number is the same (see
``contacts``).  Names that merely look alike are listed with a score and the
evidence, for a person to decide: merge them, or say they are different.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from kith.domain.model import Person
from kith.errors import InputError, NotFound
from kith.services.context import Context
from kith.services.people import find_person
from kith.storage import history as history_store
from kith.storage import merging
from kith.storage import people as people_store
from kith.storage import sources as source_store

NAME_CUTOFF = 85


@dataclass(frozen=True, slots=True)
class Lookalike:
    """Two people who may be one human: a score (0–100) and why."""

    a: Person
    b: Person
    score: int
    evidence: tuple[str, ...]


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c)).strip()


def _block(person: Person) -> str:
    return _block_of(person.name, person.family_name)


def duplicates(ctx: Context, *, limit: int = 50) -> list[Lookalike]:
    """Likely duplicates among active people, best first, without the pairs already settled."""
    from rapidfuzz import fuzz, process

    with ctx.db.read() as conn:
        rows, _ = people_store.list_people(conn, status="active", limit=None)
        everyone = people_store.get_people(conn, [r.id for r in rows])
        settled = source_store.distinct_pairs(conn)
    blocks: dict[str, list[Person]] = defaultdict(list)
    for person in everyone:
        blocks[_block(person)].append(person)
    found: list[Lookalike] = []
    for members in blocks.values():
        if len(members) < 2:
            continue
        names = [_folded(p.name) for p in members]
        for i, name in enumerate(names):
            later = names[i + 1 :]
            hits = process.extract(
                name, later, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_CUTOFF, limit=None
            )
            for _, score, j in hits:
                a, b = sorted((members[i], members[i + 1 + j]), key=lambda p: p.id)
                if (a.id, b.id) not in settled:
                    found.append(_lookalike(a, b, round(score)))
    found.sort(key=lambda item: (-item.score, item.a.name.casefold(), item.a.id, item.b.id))
    return found[:limit]


def duplicates_of(ctx: Context, ref: str, *, limit: int = 10) -> list[Lookalike]:
    """The likely duplicates of one person, as ``duplicates`` would list them, best first.

    Reads only the people whose names share the person's block (through the
    search index), not everyone: quick enough for a person's page.
    """
    from rapidfuzz import fuzz

    with ctx.db.read() as conn:
        person = find_person(conn, ref)
        if person.status.value != "active":
            return []
        block = _block(person)
        plain = (person.family_name or person.name).casefold().split(" ")[-1][:3]
        rows = people_store.names_containing(conn, sorted({block, plain} - {""}))
        ids = [
            pid
            for pid, name, family in rows
            if pid != person.id and _block_of(name, family) == block
        ]
        others = people_store.get_people(conn, ids)
        settled = source_store.distinct_pairs(conn)
    name = _folded(person.name)
    found: list[Lookalike] = []
    for other in others:
        score = fuzz.token_sort_ratio(name, _folded(other.name))
        a, b = sorted((person, other), key=lambda p: p.id)
        if score >= NAME_CUTOFF and (a.id, b.id) not in settled:
            found.append(_lookalike(a, b, round(score)))
    found.sort(key=lambda item: (-item.score, item.a.name.casefold(), item.a.id, item.b.id))
    return found[:limit]


def _block_of(name: str, family_name: str) -> str:
    family = _folded(family_name) or _folded(name).split(" ")[-1]
    return family[:3]


def _lookalike(a: Person, b: Person, name_score: int) -> Lookalike:
    evidence = [f"names {name_score}% alike"]
    score = name_score
    if a.org and _folded(a.org) == _folded(b.org):
        evidence.append(f"both at {a.org}")
        score += 6
    if a.location and _folded(a.location) == _folded(b.location):
        evidence.append(f"both in {a.location}")
        score += 3
    shared = {_folded(i) for i in a.interests} & {_folded(i) for i in b.interests}
    if shared:
        evidence.append(f"both into {', '.join(sorted(shared)[:2])}")
        score += 2
    if (
        a.emails
        and b.emails
        and {e.split("@")[1] for e in a.emails} & {e.split("@")[1] for e in b.emails}
    ):
        evidence.append("e-mail at the same domain")
        score += 3
    return Lookalike(a, b, min(score, 100), tuple(evidence))


@dataclass(frozen=True, slots=True)
class Merged:
    kept: Person
    dropped_name: str
    dropped_id: int
    merge_id: int


def merge(ctx: Context, *, keep: str, drop: str) -> Merged:
    """Make ``drop`` part of ``keep``: everything follows, and it can be undone."""
    with ctx.db.begin() as conn:
        kept, dropped = find_person(conn, keep), find_person(conn, drop)
        if kept.id == dropped.id:
            raise InputError("that is the same person twice", field="drop")
        merge_id = merging.merge(conn, keep=kept.id, drop=dropped.id, now=ctx.now)
        _refresh(ctx, conn, [kept.id])
        after = people_store.get_person(conn, kept.id)
    assert after is not None
    return Merged(after, dropped.name, dropped.id, merge_id)


def unmerge(ctx: Context, ref: str) -> tuple[Person, Person]:
    """Undo the latest merge into this person; returns (kept, restored)."""
    with ctx.db.begin() as conn:
        kept = find_person(conn, ref)
        record = merging.latest_merge(conn, kept.id)
        if record is None:
            raise NotFound(
                f"nobody was merged into {kept.name}",
                query=ref,
                hint="`kith dupes` lists look-alikes",
            )
        restored_id = merging.unmerge(conn, record, now=ctx.now)
        _refresh(ctx, conn, [kept.id, restored_id])
        pair = people_store.get_people(conn, [kept.id, restored_id])
    return pair[0], pair[1]


def distinct(ctx: Context, a: str, b: str) -> tuple[Person, Person]:
    """Record that two look-alikes are different people; they are not listed again."""
    with ctx.db.begin() as conn:
        first, second = find_person(conn, a), find_person(conn, b)
        if first.id == second.id:
            raise InputError("that is the same person twice", field="b")
        source_store.mark_distinct(conn, first.id, second.id)
    return first, second


def _refresh(ctx: Context, conn: Connection, ids: list[int]) -> None:
    people_store.refresh_search_text(conn, ids)
    history_store.refresh_stats(conn, ids, ctx.rules)
