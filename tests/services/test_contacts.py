"""Bringing contacts in: one person per human, nothing doubled, provenance kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from kith.domain.contacts import ContactRecord, Labeled, Problem, ReadResult
from kith.services import contacts, people
from kith.services.context import Context
from kith.storage import people as people_store
from kith.storage import sources as source_store

MakeCtx = Callable[[str | datetime], Context]


def card(key: str, name: str, *emails: str, source: str = "vcard", **more: object) -> ContactRecord:
    return ContactRecord(
        source=source,
        key=key,
        where=f"test.vcf card {key}",
        full_name=name,
        emails=tuple(Labeled(e, "work") for e in emails),
        **more,  # type: ignore[arg-type]
    )


def run(ctx: Context, *records: ContactRecord, source: str = "vcard") -> contacts.ImportSummary:
    return contacts.import_contacts(ctx, ReadResult(tuple(records)), source=source)


def everyone(ctx: Context) -> dict[str, object]:
    page = people.list_people(ctx, status="all", limit=None)
    return {row.name: people.show(ctx, f"#{row.id}").person for row in page.rows}


def test_first_import_adds_and_the_second_changes_nothing(make_ctx: MakeCtx) -> None:
    ctx = make_ctx("2026-11-26")
    records = [
        card("u1", "Ann Lee", "Ann@Example.com", org="Acme", phones=(Labeled("+44 20 7183 8750"),)),
        card("u2", "Bo Chen", "bo@example.com", birthday="--03-09", interests=("jazz",)),
    ]
    first = run(ctx, *records)
    assert (first.added, first.unchanged, first.skipped) == (2, 0, 0)
    again = run(make_ctx("2026-11-27"), *records)
    assert (again.added, again.updated, again.merged, again.unchanged) == (0, 0, 0, 2)
    stored = everyone(ctx)
    assert set(stored) == {"Ann Lee", "Bo Chen"}
    ann = stored["Ann Lee"]
    assert ann.emails == ("ann@example.com",) and ann.phones == ("+442071838750",)  # type: ignore[attr-defined]
    assert ann.uid == "u1"  # type: ignore[attr-defined]


def test_a_newer_export_updates_what_changed_but_not_what_you_edited(make_ctx: MakeCtx) -> None:
    ctx = make_ctx("2026-11-26")
    run(ctx, card("u1", "Ann Lee", "ann@example.com", org="Acme", title="Analyst"))
    people.edit_person(ctx, "Ann Lee", people.PersonChanges(title="Partner"))
    summary = run(ctx, card("u1", "Ann Lee", "ann@example.com", "ann@home.example",
                            org="Globex", title="Director"))  # fmt: skip
    assert (summary.updated, summary.added) == (1, 0)
    ann = everyone(ctx)["Ann Lee"]
    assert ann.org == "Globex", "the source changed it and nobody had touched it"  # type: ignore[attr-defined]
    assert ann.title == "Partner", "you changed it: your value stays"  # type: ignore[attr-defined]
    assert ann.emails == ("ann@example.com", "ann@home.example")  # type: ignore[attr-defined]


def test_the_same_email_from_two_sources_is_one_person_with_both_provenances(
    make_ctx: MakeCtx,
) -> None:
    ctx = make_ctx("2026-11-26")
    run(ctx, card("u1", "Ann Lee", "ann@example.com", phones=(Labeled("+1 415 555 0100"),)))
    linked = card(
        "https://linkedin.com/in/annlee", "Ann Lee", "ANN@example.com", source="linkedin",
        org="Acme", title="Partner", met_on=date(2021, 3, 12),
        urls=(Labeled("https://linkedin.com/in/annlee"),),
    )  # fmt: skip
    summary = run(ctx, linked, source="linkedin")
    assert (summary.merged, summary.added) == (1, 0)
    stored = everyone(ctx)
    assert list(stored) == ["Ann Lee"]
    ann = stored["Ann Lee"]
    assert ann.org == "Acme" and ann.met_on == date(2021, 3, 12)  # type: ignore[attr-defined]
    assert ann.links == ("https://linkedin.com/in/annlee",)  # type: ignore[attr-defined]
    with ctx.db.read() as conn:
        said = source_store.sources_of(conn, ann.id)  # type: ignore[attr-defined]
    assert [(s.source, s.fields.get("org")) for s in said] == [
        ("vcard", None),
        ("linkedin", "Acme"),
    ]


def test_the_same_phone_merges_too(make_ctx: MakeCtx) -> None:
    ctx = make_ctx("2026-11-26")
    run(ctx, card("a", "Bo Chen", phones=(Labeled("+44 20 7183 8750"),)))
    summary = run(ctx, card("b", "Bo C.", phones=(Labeled("+442071838750"),)), source="google")
    assert summary.merged == 1 and list(everyone(ctx)) == ["Bo Chen"]


def test_similar_names_alone_are_never_merged(make_ctx: MakeCtx) -> None:
    ctx = make_ctx("2026-11-26")
    summary = run(
        ctx, card("a", "Jon Smith", "jon@a.example"), card("b", "John Smith", "js@b.example")
    )
    assert summary.added == 2 and summary.merged == 0


def test_bad_values_are_left_out_with_a_note_and_unusable_records_reported(
    make_ctx: MakeCtx,
) -> None:
    ctx = make_ctx("2026-11-26")
    read = ReadResult(
        (
            card("a", "Cy Diaz", "not an address", "cy@example.com", birthday="someday"),
            card("b", "", phones=(Labeled("12"),)),
        ),
        (Problem("broken.vcf card 3", "no END:VCARD"),),
    )
    summary = contacts.import_contacts(ctx, read, source="vcard")
    assert summary.added == 1 and summary.skipped == 2
    reasons = [str(p) for p in summary.problems]
    assert "broken.vcf card 3: no END:VCARD" in reasons
    assert any("card b" in r and "no name, e-mail or phone" in r for r in reasons)
    notes = " ".join(str(n) for n in summary.notes)
    assert "'not an address' left out" in notes and "birthday 'someday' left out" in notes
    assert everyone(ctx)["Cy Diaz"].emails == ("cy@example.com",)  # type: ignore[attr-defined]


def test_an_interrupted_import_is_consistent_and_completes_when_run_again(
    make_ctx: MakeCtx,
) -> None:
    ctx = make_ctx("2026-11-26")
    records = [card(f"k{i}", f"Person {i:04d}", f"p{i}@example.com") for i in range(1200)]

    def stop_after_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        contacts.import_contacts(
            ctx, ReadResult(tuple(records)), source="vcard", progress=stop_after_first_batch
        )
    with ctx.db.read() as conn:
        assert people_store.count_people(conn) == {"active": contacts.BATCH}
    summary = run(ctx, *records)
    assert (summary.added, summary.unchanged) == (1200 - contacts.BATCH, contacts.BATCH)
    with ctx.db.read() as conn:
        assert people_store.count_people(conn) == {"active": 1200}


def test_a_bulk_import_does_not_flood_the_agenda(make_ctx: MakeCtx) -> None:
    ctx = make_ctx("2026-01-01")
    run(ctx, *[card(f"k{i}", f"Person {i:03d}", f"p{i}@example.com") for i in range(300)])
    later = make_ctx("2026-04-01")  # everyone would be due at once after 90 days
    with later.db.read() as conn:
        owner = people_store.get_owner(conn)
    assert owner is not None
    from kith.services import outreach

    day = outreach.today(later, limit=1000)
    assert 0 < len(day.agenda.items) <= 10, "a few each day, not 300"
