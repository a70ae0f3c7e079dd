"""Reading CSV exports: LinkedIn, Google, Outlook (and Thunderbird) in any encoding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kith.domain.contacts import ContactRecord, Labeled, ReadResult
from kith.errors import InputError
from kith.interchange.csvfiles import parse_day, read_contacts_csv
from kith.interchange.encodings import decode_document

CSVS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "csv"

# file: (records, problems, encoding, format) — every CSV file in the corpus.
EXPECTED = {
    "google-shared-contacts-client__outlook.csv": (3, 0, "utf-8", "outlook"),
    "kith__linkedin_connections.csv": (7, 1, "utf-8", "linkedin"),
    "linkedin-connections-toolkit__sample_connections.csv": (7, 0, "utf-8", "linkedin"),
    "rolomind__google.csv": (4, 0, "utf-8", "google"),
    "roundcube__all.csv": (1, 0, "utf-8-sig", "outlook"),
    "roundcube__gmail.csv": (1, 0, "utf-8", "google"),
    "roundcube__outlook.csv": (1, 0, "utf-8", "outlook"),
    "roundcube__tb_plain.csv": (1, 0, "utf-8", "outlook"),
    "thunderbird__export.csv": (2, 0, "utf-8", "outlook"),
    "thunderbird__shiftjis_addressbook.csv": (1, 0, "shift_jis", "outlook"),
    "thunderbird__utf16_addressbook.csv": (1, 0, "utf-16-le", "outlook"),
}


def read(name: str, format: str = "auto") -> ReadResult:
    return read_contacts_csv((CSVS / name).read_bytes(), where=name, format=format)


def by_name(result: ReadResult) -> dict[str, ContactRecord]:
    return {r.full_name: r for r in result.records}


def test_the_table_covers_every_corpus_file() -> None:
    assert sorted(p.name for p in CSVS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_corpus_file_reads_row_by_row(name: str) -> None:
    result = read(name)
    records, problems, encoding, format = EXPECTED[name]
    assert (len(result.records), len(result.problems)) == (records, problems), result.problems
    assert (result.encoding, result.detected_format) == (encoding, format)
    assert not [p for p in result.problems if "unexpected" in p.reason]
    for record in result.records:
        assert record.source == format
        assert record.key
        assert record.where.startswith(f"{name} line ")


def test_linkedin_preamble_is_skipped_and_connected_on_becomes_met_on() -> None:
    result = read("kith__linkedin_connections.csv")
    people = by_name(result)
    mariam = people["Mariam Haddad"]
    assert mariam.met_on == date(2018, 6, 14)
    assert mariam.key == "https://www.linkedin.com/in/mariam-haddad-0a1b2c"
    assert mariam.urls == (Labeled("https://www.linkedin.com/in/mariam-haddad-0a1b2c", "linkedin"),)
    assert (mariam.org, mariam.title) == (
        "Green Bonds Partners, LLC",
        "Director of Sustainable Finance",
    )
    assert mariam.where == "kith__linkedin_connections.csv line 5"
    assert people["Chloé O'Brien"].org == 'Data "Things" Ltd'
    assert people["Chloé O'Brien"].met_on == date(2020, 2, 29)
    assert people["Sam Okafor"].emails == (Labeled("SAM.OKAFOR@Example.COM"),)
    assert people["Sam Okafor"].met_on == date(2018, 11, 7)
    assert people["José Ñúñez García"].given_name == "José"
    assert people["Liu Yang 刘洋"].family_name == "Yang 刘洋"
    priyas = [r.key for r in result.records if r.full_name == "Priya Raman"]
    assert len(priyas) == 2 and len(set(priyas)) == 2
    [problem] = result.problems
    assert (problem.line, "no name, e-mail address or phone number" in problem.reason) == (10, True)


def test_linkedin_with_two_blank_lines_and_a_missing_date() -> None:
    people = by_name(read("linkedin-connections-toolkit__sample_connections.csv"))
    assert people["Ada Lovelace"].met_on == date(2026, 5, 14)
    assert people["Ada Lovelace"].where.endswith("line 6")
    assert people["Tim Berners-Lee"].met_on is None


def test_an_unreadable_connected_on_is_said_and_the_row_kept() -> None:
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\nAda,L,,,,,someday\n"
    )
    result = read_contacts_csv(data, where="c.csv")
    assert result.records[0].met_on is None
    assert result.problems[0].line == 2 and "someday" in result.problems[0].reason


def test_utf16_and_shift_jis_thunderbird_files_decode() -> None:
    utf16 = read("thunderbird__utf16_addressbook.csv")
    assert utf16.records[0].emails == (Labeled("johndoe@host.invalid"),)
    sjis = read("thunderbird__shiftjis_addressbook.csv").records[0]
    assert sjis.full_name == "名無しの権兵衛"
    assert (sjis.given_name, sjis.family_name) == ("権兵衛", "名無し")
    assert sjis.emails == (Labeled("名無しの権兵衛@host.invalid"),)


def test_thunderbird_fields_with_line_breaks_tabs_and_quotes() -> None:
    first, second = read("thunderbird__export.csv").records
    assert first.full_name == "contact number one"
    assert second.title == '"worker"'
    assert second.notes == "here's some unicode text…"
    assert second.where.endswith("line 3")


def test_google_old_header_groups_labels_and_addresses() -> None:
    [record] = read("roundcube__gmail.csv").records
    assert (record.given_name, record.family_name) == ("Firstname", "Lastname")
    assert record.emails[:2] == (Labeled("home@aaa.pl", "home"), Labeled("work@email.pl", "work"))
    assert Labeled("mobile", "cell") in record.phones
    assert Labeled("homefax", "home,fax") in record.phones
    assert record.interests == ("Test",)
    assert record.birthday == "1975-12-12"
    assert record.notes == 'note"note'
    assert record.location == "home_city, home_state, home_country"
    assert (record.org, record.title) == ("company", "jobtitle")


def test_google_new_header() -> None:
    people = by_name(read("rolomind__google.csv"))
    john = people["John Doe"]
    assert john.phones == (Labeled("+1-555-0123", "work"),)
    assert john.emails == (Labeled("john@example.com"),)
    assert john.urls == (Labeled("https://acme.com", "website"),)
    assert (john.org, john.title) == ("Acme Corp", "CEO")
    assert people["Alice Brown"].phones == (Labeled("+1-555-0125", "cell"),)


def test_outlook_columns_and_ragged_rows() -> None:
    people = by_name(read("google-shared-contacts-client__outlook.csv"))
    adam = people["Adam Glacius"]
    assert [e.value for e in adam.emails] == [
        "adam.glacius@anycom.com",
        "adam.g@example.com",
        "ag@glacius.com",
    ]
    assert adam.phones[0] == Labeled("+1 555 3227 8544", "cell")
    assert (adam.given_name, adam.family_name) == ("Adam", "Glacius")
    assert (adam.org, adam.title, adam.notes) == ("Acme Inc.", "Sales Planner", "Has 2 kids")
    assert people["Duncan Amey"].title == "Supervisor"


def test_generic_outlook_like_export_with_bom() -> None:
    [record] = read("roundcube__all.csv").records
    assert record.full_name == "Display Name"
    assert record.emails[0] == Labeled("home@example.com", "home")
    assert record.birthday == "1991-01-20"  # 20/01/1991: the day comes first
    assert record.urls[0] == Labeled("https://home", "home")
    assert record.interests == ("test",)


def test_thunderbird_birthday_columns() -> None:
    [record] = read("roundcube__tb_plain.csv").records
    assert record.birthday == "1970-11-15"
    assert record.location == "City, region, USA"


def test_an_unknown_header_is_one_problem() -> None:
    result = read_contacts_csv(b"Foo,Bar\n1,2\n3,4\n", where="odd.csv")
    assert result.records == ()
    [problem] = result.problems
    assert "not a LinkedIn, Google or Outlook export" in problem.reason
    assert read_contacts_csv(b"", where="e.csv").problems[0].reason == "the file is empty"


def test_a_named_format_must_match_the_header() -> None:
    assert read("rolomind__google.csv", format="google").detected_format == "google"
    mismatch = read("rolomind__google.csv", format="linkedin")
    assert mismatch.records == () and "no linkedin header" in mismatch.problems[0].reason
    with pytest.raises(InputError):
        read("rolomind__google.csv", format="vcard")


HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"


def test_a_quote_never_closed_costs_only_its_own_line() -> None:
    rows = [
        "Ada,Lovelace,,ada@example.com,Engines,Founder,14 May 2026",
        'Bad,"Row,,bad@example.com,X,Y,1 Jan 2020',
        'Grace,Hopper,,grace@example.com,"Compiler, Corp",VP,02 Feb 2025',
        "Alan,Turing,,alan@example.com,Bletchley,Researcher,20 Nov 2021",
    ]
    result = read_contacts_csv((HEADER + "\r\n".join(rows) + "\r\n").encode(), where="q.csv")
    assert [r.full_name for r in result.records] == ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
    [problem] = result.problems
    assert problem.line == 3 and "quote" in problem.reason


def test_a_row_with_too_many_fields_is_a_problem() -> None:
    data = HEADER + "Ada,Lovelace,,a@example.com,E,F,14 May 2026,extra,more\r\n"
    result = read_contacts_csv(data.encode(), where="w.csv")
    assert result.records == ()
    assert "9 fields but the header has 7" in result.problems[0].reason


def test_latin1_is_recognised_and_said() -> None:
    data = (HEADER + "José,Núñez,,jose@example.com,Müller GmbH,Straße,1 Jan 2020\r\n").encode(
        "latin-1"
    )
    result = read_contacts_csv(data, where="l.csv")
    assert result.encoding == "cp1252"
    assert result.records[0].full_name == "José Núñez"
    assert result.records[0].org == "Müller GmbH"


def test_a_few_damaged_bytes_do_not_change_the_encoding() -> None:
    data = (
        HEADER + "José,Núñez,,jose@example.com,Ünï,,1 Jan 2020\r\n"
    ).encode() + b"Bad\xff,Row,,,,,\r\n"
    text, encoding = decode_document(data)
    assert encoding == "utf-8 (1 bytes could not be decoded)"
    assert "José" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Mar 2021", date(2021, 3, 12)),
        ("7 Nov 2018", date(2018, 11, 7)),
        ("29 Feb 2020", date(2020, 2, 29)),
        ("03/12/2021", date(2021, 3, 12)),
        ("25/12/2021", date(2021, 12, 25)),
        ("2021-03-12", date(2021, 3, 12)),
        ("Mar 12, 2021", date(2021, 3, 12)),
        ("12.03.2021", date(2021, 3, 12)),
        ("30 Feb 2021", None),
        ("someday", None),
    ],
)
def test_parse_day(text: str, expected: date | None) -> None:
    assert parse_day(text) == expected
