"""Writing vCards: standard where possible, X-KITH-* otherwise; write → read → write is stable."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
import vobject  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.domain.contacts import ContactRecord, Labeled
from kith.errors import InputError
from kith.interchange.vcard import (
    clean_interests,
    normalize_label,
    parse_birthday,
    read_vcards,
    write_vcard,
    write_vcards,
)

VCARDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "vcard"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108020000009077053d")

MARIAM = ContactRecord(
    source="kith",
    key="urn:uuid:4f0a7c2e-1111-4222-8333-944455556666",
    where="#1",
    full_name="Mariam Haddad",
    given_name="Mariam",
    family_name="Haddad",
    emails=(Labeled("mariam@example.org", "work"), Labeled("m@boat.example", "Boat")),
    phones=(Labeled("+44 20 7183 8750", "cell"), Labeled("+44 20 7183 8751", "work,fax")),
    urls=(Labeled("https://www.linkedin.com/in/mariam", "linkedin"),),
    org="Green Bonds Partners, LLC",
    title="Director; Sustainable Finance",
    location="Lisbon, Portugal",
    timezone="Europe/Lisbon",
    birthday="--03-07",
    notes="Met at the Forum.\nTalked about green bonds, twice.",
    interests=("climate finance", "bonds"),
    met_on=date(2026, 11, 20),
    met_at="the Forum",
    met_context="panel on green bonds",
    circle="close",
    cadence_days=30,
    introduced_by="Bo Chen",
    photo=PNG,
    photo_type="image/png",
    extra=(("X-PHONETIC-LAST-NAME", "Haddad"),),
)


def read_one(text: str) -> ContactRecord:
    result = read_vcards(text.encode("utf-8"), where="written.vcf")
    assert result.problems == ()
    [record] = result.records
    return record


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_a_full_record_reads_back_as_itself(version: str) -> None:
    back = read_one(write_vcard(MARIAM, version))
    expected = dataclasses.replace(
        MARIAM, source="vcard", where="written.vcf card 1", interests=("bonds", "climate finance")
    )
    assert back == expected


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_standard_properties_and_kith_extensions(version: str) -> None:
    text = write_vcard(MARIAM, version)
    lines = text.split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", f"VERSION:{version}", lines[2]]
    assert lines[2].startswith("UID:urn:uuid:4f0a7c2e")
    assert text.endswith("END:VCARD\r\n")
    for expected in (
        "FN:Mariam Haddad",
        "N:Haddad;Mariam;;;",
        "EMAIL;TYPE=work:mariam@example.org",
        "item1.EMAIL:m@boat.example",
        "item1.X-ABLABEL:Boat",
        "TEL;TYPE=work,fax:+44 20 7183 8751",
        "ORG:Green Bonds Partners\\, LLC",
        "TITLE:Director\\; Sustainable Finance",
        "BDAY:--0307",
        "NOTE:Met at the Forum.\\nTalked about green bonds\\, twice.",
        "CATEGORIES:bonds,climate finance",
        "X-KITH-MET-ON:2026-11-20",
        "X-KITH-MET-AT:the Forum",
        "X-KITH-CIRCLE:close",
        "X-KITH-CADENCE:30",
        "X-PHONETIC-LAST-NAME:Haddad",
    ):
        assert expected in lines
    if version == "4.0":
        assert "RELATED;TYPE=x-kith-introduced-by;VALUE=text:Bo Chen" in lines
        assert "TZ:Europe/Lisbon" in lines
        assert any(line.startswith("PHOTO:data:image/png;base64\\,iVBOR") for line in lines)
    else:
        assert "X-KITH-INTRODUCED-BY:Bo Chen" in lines
        assert "TZ;VALUE=text:Europe/Lisbon" in lines
        assert any(line.startswith("PHOTO;ENCODING=b;TYPE=PNG:iVBOR") for line in lines)


def test_lines_are_folded_at_75_octets_with_crlf() -> None:
    record = dataclasses.replace(MARIAM, notes="ü" * 300, photo=PNG * 40)
    text = write_vcard(record, "3.0")
    assert "\n" not in text.replace("\r\n", "")
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75
    assert read_one(text).notes == "ü" * 300


@pytest.mark.parametrize(
    ("birthday", "v3", "v4"),
    [("--03-07", "--0307", "--0307"), ("1984-03-07", "1984-03-07", "19840307")],
)
def test_birthdays_as_khard_and_vobject_read_them(birthday: str, v3: str, v4: str) -> None:
    record = dataclasses.replace(MARIAM, birthday=birthday)
    for version, expected in (("3.0", v3), ("4.0", v4)):
        text = write_vcard(record, version)
        card = vobject.readOne(text)
        assert card.bday.value == expected
        assert read_one(text).birthday == birthday


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vobject_reads_what_is_written(version: str) -> None:
    card = vobject.readOne(write_vcard(MARIAM, version))
    assert card.fn.value == "Mariam Haddad"
    assert card.n.value.family == "Haddad"
    assert [e.value for e in card.contents["email"]] == ["mariam@example.org", "m@boat.example"]
    assert card.org.value == ["Green Bonds Partners, LLC"]
    assert card.note.value == MARIAM.notes


def test_a_record_without_key_gets_a_stable_uid() -> None:
    record = dataclasses.replace(MARIAM, key="")
    first = write_vcard(record, "3.0")
    assert first == write_vcard(record, "3.0")
    assert "UID:sha256:" in first
    assert write_vcard(read_one(first), "3.0") == first


def test_several_records_and_an_unknown_version() -> None:
    text = write_vcards([MARIAM, dataclasses.replace(MARIAM, key="2")], version="4.0")
    assert text.count("BEGIN:VCARD") == 2
    assert len(read_vcards(text.encode(), where="x").records) == 2
    with pytest.raises(InputError):
        write_vcard(MARIAM, "2.1")


CORPUS = sorted(p.name for p in VCARDS.iterdir())


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_cards_survive_write_read_write(name: str) -> None:
    records = read_vcards((VCARDS / name).read_bytes(), where=name).records
    for version in ("3.0", "4.0"):
        first = write_vcards(records, version=version)
        reread = read_vcards(first.encode(), where="again.vcf")
        assert len(reread.records) == len(records)
        if records:
            assert reread.problems == ()
        assert write_vcards(reread.records, version=version) == first
        for card, record in zip(vobject.readComponents(first), records, strict=True):
            assert card.fn.value == record.full_name.strip()


# -- generated records ------------------------------------------------------

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
standard = st.sampled_from(["home", "work", "cell", "fax", "pager", "pref", "internet", "voice"])
label = st.one_of(
    st.just(""),
    st.lists(standard, min_size=1, max_size=3).map(",".join),
    st.sampled_from(["Boat", "_$!<HomePage>!$_", "work;odd", 'say "hi"', "Ablage, Büro"]),
    text,
)
email = st.builds(
    "{}@{}.example".format,
    st.from_regex(r"[a-z0-9._%+-]{1,12}", fullmatch=True),
    st.from_regex(r"[a-z]{1,10}", fullmatch=True),
)
labeled_emails = st.lists(st.builds(Labeled, email, label), max_size=3)
labeled_text = st.lists(st.builds(Labeled, text, label), max_size=3)
birthday = st.one_of(
    st.just(""),
    st.dates(min_value=date(1900, 1, 1)).map(date.isoformat),
    st.dates().map(lambda d: f"--{d.month:02d}-{d.day:02d}"),
)
extra = st.lists(st.tuples(st.from_regex(r"X-[A-Z0-9-]{1,12}", fullmatch=True), text), max_size=3)
records = st.builds(
    ContactRecord,
    source=st.just("kith"),
    key=st.one_of(st.just(""), text),
    where=st.just(""),
    full_name=text.filter(str.strip),
    given_name=text,
    family_name=text,
    emails=labeled_emails.map(tuple),
    phones=labeled_text.map(tuple),
    urls=labeled_text.map(tuple),
    org=text,
    title=text,
    location=text,
    timezone=text,
    birthday=birthday,
    notes=st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
    interests=st.lists(text, max_size=4).map(tuple),
    met_on=st.one_of(st.none(), st.dates()),
    met_at=text,
    met_context=text,
    circle=text,
    cadence_days=st.one_of(st.none(), st.integers(-10, 10_000)),
    introduced_by=text,
    photo=st.one_of(st.none(), st.binary(min_size=1, max_size=200)),
    photo_type=st.sampled_from(["", "image/jpeg", "image/png", "JPEG"]),
    extra=extra.map(tuple),
)


def as_read(text: str) -> str:
    """Text as it reads back: trimmed, every line break a newline."""
    return text.strip().replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=records, version=st.sampled_from(["3.0", "4.0"]))
def test_generated_records_survive_write_read_write(record: ContactRecord, version: str) -> None:
    first = write_vcard(record, version)
    back = read_one(first)
    assert write_vcard(back, version) == first
    assert back.full_name == as_read(record.full_name)
    assert (back.given_name, back.family_name) == (
        as_read(record.given_name),
        as_read(record.family_name),
    )
    assert [e.value for e in back.emails] == [e.value for e in record.emails]
    labels = [normalize_label(as_read(e.label), "EMAIL") for e in record.emails]
    assert [e.label for e in back.emails] == labels
    assert back.birthday == (parse_birthday(record.birthday) or "")
    assert back.interests == clean_interests(map(as_read, record.interests))
    assert (back.met_on, back.cadence_days) == (record.met_on, record.cadence_days)
    assert back.notes == as_read(record.notes)
    assert back.photo == record.photo
    if record.key.strip():
        assert back.key == as_read(record.key)
