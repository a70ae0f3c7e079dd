"""Reading vCards: every corpus file, card by card, with the facts each one is there for."""

from __future__ import annotations

from pathlib import Path

import pytest

from kith.domain.contacts import ContactRecord, Labeled, ReadResult
from kith.interchange.vcard import parse_birthday, read_vcard_paths, read_vcards

VCARDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "vcard"

# file: (records, problems) — every file in the corpus, read with the defaults.
EXPECTED = {
    "android-vcard__v21_adr_multiple_line.vcf": (1, 0),
    "android-vcard__v21_android_custom_prop.vcf": (0, 1),
    "android-vcard__v21_backslash.vcf": (1, 0),
    "android-vcard__v21_base64_no_2_crlf.vcf": (1, 0),
    "android-vcard__v21_blackberry_photo.vcf": (1, 0),
    "android-vcard__v21_complicated.vcf": (1, 0),
    "android-vcard__v21_im.vcf": (0, 1),
    "android-vcard__v21_invalid_comment_line.vcf": (1, 0),
    "android-vcard__v21_invalid_multiple_line.vcf": (1, 0),
    "android-vcard__v21_japanese_1.vcf": (1, 0),
    "android-vcard__v21_japanese_2.vcf": (1, 0),
    "android-vcard__v21_japanese_3.vcf": (1, 0),
    "android-vcard__v21_malformed_photo.vcf": (1, 1),
    "android-vcard__v21_multiple_entry.vcf": (3, 0),
    "android-vcard__v21_nest.vcf": (3, 0),
    "android-vcard__v21_org_before_title.vcf": (1, 0),
    "android-vcard__v21_pref_handling.vcf": (1, 0),
    "android-vcard__v21_simple_1.vcf": (1, 0),
    "android-vcard__v21_sip.vcf": (1, 0),
    "android-vcard__v21_winmo_65.vcf": (1, 0),
    "android-vcard__v21_x_android_custom_after_photo.vcf": (1, 0),
    "android-vcard__v21_x_param.vcf": (1, 0),
    "android-vcard__v30_comma_separated.vcf": (1, 0),
    "android-vcard__v30_ios_613_multiline.vcf": (1, 0),
    "android-vcard__v30_japanese.vcf": (1, 0),
    "android-vcard__v30_multibyte_param.vcf": (1, 0),
    "android-vcard__v30_pager.vcf": (1, 0),
    "android-vcard__v30_pause_wait.vcf": (1, 0),
    "android-vcard__v30_simple.vcf": (1, 0),
    "android-vcard__v40_sip.vcf": (1, 0),
    "android-vcard__v40_sort_as.vcf": (1, 0),
    "ez-vcard__John_Doe_ANDROID.vcf": (6, 1),
    "ez-vcard__John_Doe_BLACK_BERRY.vcf": (1, 0),
    "ez-vcard__John_Doe_EVOLUTION.vcf": (1, 0),
    "ez-vcard__John_Doe_GMAIL.vcf": (1, 0),
    "ez-vcard__John_Doe_IPHONE.vcf": (1, 0),
    "ez-vcard__John_Doe_LOTUS_NOTES.vcf": (1, 0),
    "ez-vcard__John_Doe_MAC_ADDRESS_BOOK.vcf": (1, 0),
    "ez-vcard__John_Doe_MS_OUTLOOK.vcf": (1, 0),
    "ez-vcard__fullcontact.vcf": (1, 0),
    "ez-vcard__gmail-list.vcf": (3, 0),
    "ez-vcard__gmail-single.vcf": (1, 0),
    "ez-vcard__gmail-single2.vcf": (1, 0),
    "ez-vcard__issue114.vcf": (1, 0),
    "ez-vcard__outlook-2003.vcf": (1, 0),
    "ez-vcard__outlook-2007.vcf": (1, 0),
    "ez-vcard__rfc2426-example.vcf": (2, 0),
    "ez-vcard__rfc6350-example.vcf": (1, 0),
    "ez-vcard__thunderbird-MoreFunctionsForAddressBook-extension.vcf": (1, 0),
    "ical.js__escape_semicolon.vcf": (1, 0),
    "ical.js__vcard.vcf": (1, 0),
    "ical.js__vcard3.vcf": (1, 0),
    "ical.js__vcard_author.vcf": (1, 0),
    "ical.js__vcard_grouped.vcf": (0, 1),
    "jeroendesloovere-vcard__examples_assets_contacts.vcf": (5, 0),
    "jeroendesloovere-vcard__tests_invalid_encoding.vcf": (1, 0),
    "khard__altid.vcf": (1, 0),
    "khard__joe.vcf": (1, 0),
    "khard__korean-c.vcf": (1, 0),
    "khard__labels.vcf": (1, 0),
    "khard__org.vcf": (1, 0),
    "khard__photov3.vcf": (1, 0),
    "khard__photov4.vcf": (1, 0),
    "khard__post.vcf": (1, 0),
    "khard__tel-value-uri.vcf": (1, 0),
    "khard__text-bday.vcf": (1, 0),
    "khard__unparsable.vcf": (0, 1),
    "radicale__broken-vcard.vcf": (1, 0),
    "radicale__broken-vcards2.vcf": (2, 0),
    "radicale__contact4-with-bday-no-year.vcf": (1, 0),
    "radicale__contact_photo_with_data_uri.vcf": (1, 0),
    "radicale__contact_photo_with_data_uri_v4.vcf": (1, 0),
    "roundcube__apple.vcf": (1, 0),
    "roundcube__johndoe.vcf": (1, 0),
    "roundcube__photo.vcf": (1, 0),
    "roundcube__thebat.vcf": (1, 0),
    "roundcube__utf-16_sample.vcf": (1, 0),
    "thunderbird__dos_vcard_addressbook.vcf": (1, 0),
    "thunderbird__emptylines_vcard_addressbook.vcf": (2, 0),
    "vobject__radicale-1587.vcf": (1, 0),
}


def read(name: str, **options: object) -> ReadResult:
    path = VCARDS / name
    return read_vcards(path.read_bytes(), where=name, **options)  # type: ignore[arg-type]


def only(name: str) -> ContactRecord:
    result = read(name)
    assert len(result.records) == 1, result.problems
    return result.records[0]


def test_the_table_covers_every_corpus_file() -> None:
    assert sorted(p.name for p in VCARDS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_corpus_file_reads_card_by_card(name: str) -> None:
    result = read(name)
    assert (len(result.records), len(result.problems)) == EXPECTED[name], result.problems
    assert not [p for p in result.problems if "unexpected" in p.reason]
    for record in result.records:
        assert record.source == "vcard"
        assert record.key
        assert record.where.startswith(f"{name} card ")
    for problem in result.problems:
        assert problem.where.startswith(name) and problem.reason


def test_shift_jis_names_decode_to_japanese() -> None:
    first = only("android-vcard__v21_japanese_1.vcf")
    assert first.family_name == "安藤ロイド"
    assert first.full_name == "安藤ロイド"
    raw_30 = only("android-vcard__v30_japanese.vcf")
    assert (raw_30.given_name, raw_30.family_name) == ("圭一", "伊能")
    assert "shift_jis" in read("android-vcard__v30_japanese.vcf").encoding


def test_quoted_printable_in_shift_jis_is_decoded() -> None:
    record = only("android-vcard__v21_japanese_2.vcf")
    assert record.notes == "メモ"
    assert record.family_name == "安藤"


def test_quoted_printable_soft_line_breaks_are_joined() -> None:
    complicated = only("android-vcard__v21_complicated.vcf")
    assert "Now's the time for all folk to come to the aid of their country." in complicated.notes
    android = read("ez-vcard__John_Doe_ANDROID.vcf").records
    assert android[3].full_name == " ".join(["Ñ"] * 11)
    assert android[5].org == "Ñ" * 44


def test_comment_lines_are_ignored_but_not_inside_a_quoted_printable_value() -> None:
    record = only("android-vcard__v21_invalid_comment_line.vcf")
    assert record.notes == (
        "This is an (sharp ->#<- sharp) example. This message must NOT be ignored."
    )
    assert record.key == "357"


def test_mixed_case_begin_and_several_cards_per_file() -> None:
    names = [r.full_name for r in read("ez-vcard__rfc2426-example.vcf").records]
    assert names == ["Frank Dawson", "Tim Howes"]
    gmail = [r.emails[0].value for r in read("ez-vcard__gmail-list.vcf").records]
    assert gmail == ["asmithk@gmail.com", "chrisy55d@yahoo.com", "dwhite@gmail.com"]


def test_a_card_without_version_and_without_fn_gets_its_name_from_n() -> None:
    record = only("android-vcard__v21_simple_1.vcf")
    assert (record.full_name, record.given_name, record.family_name) == (
        "Roid Ando",
        "Roid",
        "Ando",
    )


def test_a_card_with_fn_only_gets_given_and_family_names() -> None:
    record = only("khard__korean-c.vcf")
    assert record.full_name == "최유림"
    assert record.given_name + record.family_name


def test_an_organisation_card_keeps_its_name_whole() -> None:
    record = only("khard__org.vcf")
    assert (record.full_name, record.given_name, record.family_name) == ("ACME Inc.", "", "")
    assert record.org == "ACME Inc."


def test_nested_cards_are_cards_of_their_own() -> None:
    families = [r.family_name for r in read("android-vcard__v21_nest.vcf").records]
    assert families == ["parent", "nest1", "nest2"]
    assert read("android-vcard__v21_nest.vcf").records[0].phones == (Labeled("1"),)


def test_grouped_properties_take_their_apple_label() -> None:
    record = only("jeroendesloovere-vcard__tests_invalid_encoding.vcf")
    assert record.emails == (Labeled("site@example.com", "Email"),)
    assert record.urls == (Labeled("http://www.jeroendesloovere.be", "home"),)
    iphone = only("ez-vcard__John_Doe_IPHONE.vcf")
    assert Labeled("905-222-1234", "AssistantPhone") in iphone.phones
    assert iphone.urls == (Labeled("http://www.ibm.com", "HomePage"),)


def test_type_parameters_become_labels_and_pref_comes_first() -> None:
    record = only("android-vcard__v21_pref_handling.vcf")
    assert record.phones == (Labeled("2", "work"), Labeled("1", "home"), Labeled("3", "isdn"))
    assert record.emails == (
        Labeled("test@example.com", "home"),
        Labeled("test2@examination.com", "cell"),
    )
    assert (record.org, record.title) == ("Company", "Engineer")
    dawson = read("ez-vcard__rfc2426-example.vcf").records[0]
    assert dawson.phones[1] == Labeled("+1-919-676-9564", "fax,work")
    assert dawson.emails[0] == Labeled("Frank_Dawson@Lotus.com")


def test_custom_and_odd_type_parameters_survive_as_labels() -> None:
    record = only("android-vcard__v21_x_param.vcf")
    assert record.emails[0] == Labeled("email@example.com", "x-customproperty")
    assert only("android-vcard__v30_multibyte_param.vcf").phones == (Labeled("1", "费"),)


def test_birthdays_in_every_form() -> None:
    assert only("ez-vcard__rfc6350-example.vcf").birthday == "--02-03"
    assert only("ez-vcard__outlook-2003.vcf").birthday == "1980-03-21"
    assert only("ical.js__escape_semicolon.vcf").birthday == "2019-02-10"
    assert only("ez-vcard__John_Doe_EVOLUTION.vcf").birthday == "1980-03-22"
    assert only("radicale__contact4-with-bday-no-year.vcf").birthday == "--01-01"


def test_a_birthday_that_is_no_date_is_kept_in_the_notes() -> None:
    record = only("khard__text-bday.vcf")
    assert record.birthday == ""
    assert record.notes == "Birthday: circa 1800"


@pytest.mark.parametrize(
    ("text", "omit", "expected"),
    [
        ("1984-03-07", "", "1984-03-07"),
        ("19840307", "", "1984-03-07"),
        ("--0307", "", "--03-07"),
        ("--03-07", "", "--03-07"),
        ("03-07", "", "--03-07"),
        ("1604-03-07", "1604", "--03-07"),
        ("2000-03-07", "2000", "--03-07"),
        ("19531015T231000Z", "", "1953-10-15"),
        ("--0230", "", None),
        ("circa 1800", "", None),
        ("", "", None),
    ],
)
def test_parse_birthday(text: str, omit: str, expected: str | None) -> None:
    assert parse_birthday(text, omit) == expected


def test_org_with_several_components_is_joined() -> None:
    record = only("android-vcard__v21_org_before_title.vcf")
    assert record.org == "Company, Organization, Devision, Room, Sheet No."
    assert record.title == "Excellent Janitor"


def test_categories_become_interests() -> None:
    record = only("ical.js__vcard3.vcf")
    assert record.interests == (
        "IETF",
        "INDUSTRY",
        "INFORMATION TECHNOLOGY",
        "INTERNET",
        "TRAVEL AGENT",
    )
    assert read("ez-vcard__John_Doe_ANDROID.vcf").records[0].interests == ()  # "My Contacts"


def test_notes_urls_timezone_and_location() -> None:
    record = only("ical.js__vcard.vcf")
    assert record.notes == "This fax number is operational 0800 to 1715 EST, Mon-Fri"
    assert record.timezone == "-0500"
    assert record.location == "city, state, country"
    assert record.org == "ABC, Inc., North American Division, Marketing"
    gmail = only("ez-vcard__gmail-single.vcf")
    assert gmail.urls == (Labeled("http://TheProfile.com", "PROFILE"),)


def test_a_21_value_continued_after_a_backslash_stays_one_property() -> None:
    result = read("android-vcard__v21_adr_multiple_line.vcf")
    assert result.problems == ()
    assert result.records[0].location == "Hamburg, Deutschland"
    assert result.records[0].birthday == "2008-12-03"


def test_an_address_continued_illegally_on_an_indented_line() -> None:
    record = only("android-vcard__v21_invalid_multiple_line.vcf")
    assert record.emails == (Labeled("omega@example.com"),)


def test_photos_embedded_in_each_style_are_kept() -> None:
    v3, v4 = only("khard__photov3.vcf"), only("khard__photov4.vcf")
    assert v3.photo is not None and v3.photo.startswith(b"\x89PNG")
    assert v3.photo == v4.photo
    assert v3.photo_type == v4.photo_type == "image/png"
    assert only("radicale__contact_photo_with_data_uri.vcf").photo_type == "image/png"
    apple = only("roundcube__apple.vcf")  # PHOTO;BASE64 with two-space continuations
    assert apple.photo is not None and apple.photo.startswith(b"\xff\xd8\xff")
    no_blank_line = only("android-vcard__v21_base64_no_2_crlf.vcf")
    assert no_blank_line.photo is not None and no_blank_line.photo_type == "image/jpeg"


def test_a_broken_photo_is_dropped_and_the_card_kept() -> None:
    result = read("android-vcard__v21_malformed_photo.vcf")
    assert result.records[0].photo is None
    assert result.records[0].full_name == "fullname"
    [problem] = result.problems
    assert "photo dropped" in problem.reason and "card is kept" in problem.reason
    assert problem.line == 5


def test_photos_can_be_left_out_or_capped() -> None:
    left_out = read("khard__photov3.vcf", keep_photos=False)
    assert left_out.records[0].photo is None and left_out.problems == ()
    capped = read("ez-vcard__John_Doe_IPHONE.vcf", max_photo_bytes=1000)
    assert capped.records[0].photo is None
    assert "larger than 1000 bytes" in capped.problems[0].reason


def test_a_huge_photo_is_not_held_in_memory() -> None:
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "A" * 2_000_000
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\n{photo}\r\nEND:VCARD\r\n"
    result = read_vcards(card.encode(), where="big.vcf", max_photo_bytes=10_000)
    assert result.records[0].full_name == "Big"
    assert result.records[0].photo is None
    assert "larger than 10000 bytes" in result.problems[0].reason


def test_charsets_declared_per_property() -> None:
    johndoe = read("roundcube__johndoe.vcf")
    assert johndoe.records[0].family_name == "Doë"
    assert "cp1252" in johndoe.encoding
    assert only("roundcube__thebat.vcf").family_name == "Iksiñski"  # Latin-2 undeclared
    assert only("jeroendesloovere-vcard__tests_invalid_encoding.vcf").family_name == "Desloovere"


def test_utf16_without_a_byte_order_mark() -> None:
    result = read("roundcube__utf-16_sample.vcf")
    assert result.encoding == "utf-16-be"
    assert result.records[0].family_name == "ĽdaMonté"
    assert result.records[0].location == "LaPaz, Conceptión, Perú"


def test_double_carriage_returns_and_blank_lines() -> None:
    assert only("thunderbird__dos_vcard_addressbook.vcf").emails == (
        Labeled("example@gmail.com", "home"),
    )
    assert len(read("thunderbird__emptylines_vcard_addressbook.vcf").records) == 2


def test_a_truncated_card_is_reported() -> None:
    result = read("khard__unparsable.vcf")
    assert result.records == ()
    assert "no END:VCARD" in result.problems[0].reason
    assert result.problems[0].where == "khard__unparsable.vcf card 1"


def test_cards_without_anything_to_go_on_are_reported() -> None:
    result = read("android-vcard__v21_android_custom_prop.vcf")
    assert "no name, e-mail address or phone number" in result.problems[0].reason
    nameless = only("radicale__broken-vcard.vcf")  # no N, no FN, but an address
    assert nameless.emails == (Labeled("test-misses-N-or-FN@example.com", "work"),)


def test_unknown_x_properties_are_kept() -> None:
    assert only("android-vcard__v21_sip.vcf").extra == (
        ("X-SIP", "888"),
        ("X-SIP", "sip:90-180-360"),
    )
    evolution = only("ez-vcard__John_Doe_EVOLUTION.vcf")
    assert ("X-EVOLUTION-SPOUSE", "Maria") in evolution.extra


def test_keys_are_uids_or_a_stable_hash_of_the_card() -> None:
    assert only("khard__joe.vcf").key == "6exhjr32bt783wwlr9u0sr8lfqse5x7zqc8y"
    data = (VCARDS / "ez-vcard__gmail-list.vcf").read_bytes()
    first = read_vcards(data, where="a.vcf").records
    again = read_vcards(data, where="elsewhere/b.vcf").records
    assert [r.key for r in first] == [r.key for r in again]
    assert len({r.key for r in first}) == 3
    assert all(r.key.startswith("sha256:") for r in first)


def test_kiths_own_properties_are_read() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:u1\r\nFN:Mariam Haddad\r\n"
        "RELATED;TYPE=x-kith-introduced-by;VALUE=text:Bo Chen\r\n"
        "X-KITH-MET-ON:2026-11-20\r\nX-KITH-MET-AT:the Forum\r\n"
        "X-KITH-MET-CONTEXT:panel on green bonds\r\nX-KITH-CIRCLE:close\r\n"
        "X-KITH-CADENCE:30\r\nEND:VCARD\r\n"
    )
    record = read_vcards(card.encode(), where="k.vcf").records[0]
    assert record.introduced_by == "Bo Chen"
    assert str(record.met_on) == "2026-11-20"
    assert (record.met_at, record.met_context) == ("the Forum", "panel on green bonds")
    assert (record.circle, record.cadence_days) == ("close", 30)
    assert record.extra == ()
    v3 = card.replace("RELATED;TYPE=x-kith-introduced-by;VALUE=text", "X-KITH-INTRODUCED-BY")
    assert read_vcards(v3.encode(), where="k.vcf").records[0].introduced_by == "Bo Chen"


def test_bad_kith_values_are_reported_and_the_card_kept() -> None:
    card = "BEGIN:VCARD\r\nFN:A\r\nX-KITH-MET-ON:last year\r\nX-KITH-CADENCE:often\r\nEND:VCARD\r\n"
    result = read_vcards(card.encode(), where="k.vcf")
    assert result.records[0].met_on is None and result.records[0].cadence_days is None
    assert [p.line for p in result.problems] == [3, 4]


def test_lines_that_are_no_property_are_skipped_and_said() -> None:
    card = "BEGIN:VCARD\r\nFN:A\r\nthis is not a property\r\nEMAIL:a@example.com\r\nEND:VCARD\r\n"
    result = read_vcards(card.encode(), where="k.vcf")
    assert result.records[0].emails == (Labeled("a@example.com"),)
    [problem] = result.problems
    assert problem.line == 3 and "card kept" in problem.reason


def test_text_outside_cards_and_empty_files() -> None:
    text = "hello\r\nBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\nEND:VCARD\r\n"
    result = read_vcards(text.encode(), where="x.vcf")
    assert len(result.records) == 1
    assert [(p.line, "outside" in p.reason or "without" in p.reason) for p in result.problems] == [
        (1, True),
        (5, True),
    ]
    assert read_vcards(b"", where="e.vcf").problems[0].reason.startswith("no vCard")


def test_a_pathological_line_is_read_in_linear_time() -> None:
    line = "A" + ";B=" + ",".join(["x"] * 40) + ";" + "C" * 40 + "\x00"
    card = f"BEGIN:VCARD\r\nFN:A\r\n{line}\r\nEND:VCARD\r\n"
    result = read_vcards(card.encode(), where="slow.vcf")  # vobject's pattern takes minutes
    assert len(result.records) == 1


def test_paths_walk_directories_in_order_and_report_what_they_cannot_read(
    tmp_path: Path,
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    card = "BEGIN:VCARD\r\nFN:{}\r\nEND:VCARD\r\n"
    (tmp_path / "b" / "2.VCF").write_text(card.format("Two"))
    (tmp_path / "a.vcf").write_text(card.format("One"))
    (tmp_path / "c.vcard").write_text(card.format("Three"))
    (tmp_path / "notes.txt").write_text(card.format("Not a card file"))
    (tmp_path / ".hidden" / "x.vcf").write_text(card.format("Hidden"))
    (tmp_path / "big.vcf").write_bytes(b"x" * 2000)
    result = read_vcard_paths(
        [tmp_path, tmp_path / "notes.txt", tmp_path / "missing.vcf"], max_file_bytes=1000
    )
    assert [r.full_name for r in result.records] == ["One", "Two", "Three", "Not a card file"]
    reasons = {Path(p.where).name: p.reason for p in result.problems}
    assert set(reasons) == {"big.vcf", "missing.vcf"}
    assert "more than the 1000 allowed" in reasons["big.vcf"]
    assert reasons["missing.vcf"] == "no such file or directory"
    assert result.records[1].where == f"{tmp_path / 'b' / '2.VCF'} card 1"


def test_the_whole_corpus_as_one_directory() -> None:
    result = read_vcard_paths([VCARDS])
    assert len(result.records) == sum(records for records, _ in EXPECTED.values())
    assert len(result.problems) == sum(problems for _, problems in EXPECTED.values())
    assert {"utf-8", "shift_jis", "cp1252", "utf-16-be"} <= set(result.encoding.split(", "))
