"""Damaged input: mangled vCards and CSV rows never raise and never cost a good record."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.domain.contacts import ContactRecord, Labeled, ReadResult
from kith.interchange.csvfiles import read_contacts_csv
from kith.interchange.vcard import read_vcards, write_vcard

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FILES = sorted((CORPUS / "vcard").iterdir()) + sorted((CORPUS / "csv").iterdir())
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def no_surprises(result: ReadResult) -> None:
    """Every problem is one the readers mean to report, never a caught bug."""
    assert not [p for p in result.problems if "unexpected" in p.reason], result.problems


# -- vCards -----------------------------------------------------------------

QP_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:{name};Person;;;\r\nUID:{uid}\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Met at the=\r\n Forum=0D=0Atwice\r\n"
    "EMAIL;PREF;INTERNET:{email}\r\n"
    "PHOTO;ENCODING=BASE64;TYPE=GIF:R0lGODlhAQABAAAAACw=\r\n\r\nEND:VCARD\r\n"
)


def good_card(index: int, style: int) -> bytes:
    """A card that reads as ``uid-<index>``, in one of three styles."""
    uid, email, name = f"uid-{index}", f"p{index}@example.com", f"Person{index}"
    if style == 2:
        return QP_21.format(uid=uid, email=email, name=name).encode()
    record = ContactRecord(
        source="t",
        key=uid,
        where="",
        full_name=f"{name} Ñoño",
        emails=(Labeled(email, "work"), Labeled(f"x{index}@example.com", "Boat")),
        notes="Line one,\nline two; with ü",
        interests=("bonds", "climate"),
        birthday="--03-07",
    )
    return write_vcard(record, "3.0" if style == 0 else "4.0").encode()


cards = st.lists(st.integers(0, 2), min_size=2, max_size=6).map(
    lambda styles: [good_card(i, s) for i, s in enumerate(styles)]
)
BOUNDARY = re.compile(rb"\s*(BEGIN|END)\s*:\s*VCARD", re.IGNORECASE)
garbage_line = st.binary(max_size=40).filter(
    lambda b: not BOUNDARY.search(b) and b"\n" not in b and b"\r" not in b
) | st.sampled_from([b" folded?", b"=", b"#comment", b"NOTE;ENCODING=QUOTED-PRINTABLE:a=", b"\\"])


def uids(result: ReadResult) -> set[str]:
    return {record.key for record in result.records}


@FAST
@given(cards=cards, garbage=st.lists(st.lists(garbage_line, max_size=3), min_size=6, max_size=6))
def test_garbage_between_cards_costs_no_card(
    cards: list[bytes], garbage: list[list[bytes]]
) -> None:
    data = cards[0]
    for card, lines in zip(cards[1:], garbage, strict=False):
        data += b"".join(line + b"\r\n" for line in lines) + card
    result = read_vcards(data, where="g.vcf")
    no_surprises(result)
    assert uids(result) == {f"uid-{i}" for i in range(len(cards))}
    assert all(r.emails[0].value.startswith("p") for r in result.records)


@FAST
@given(cards=cards, data=st.data())
def test_flipped_bytes_in_one_card_cost_only_that_card(
    cards: list[bytes], data: st.DataObject
) -> None:
    victim = data.draw(st.integers(0, len(cards) - 1))
    body = bytearray(cards[victim][:-2])  # its own lines, not the break before the next card
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(body) - 1))
        body[position] = data.draw(st.integers(0, 255))
    mangled = [*cards[:victim], bytes(body) + b"\r\n", *cards[victim + 1 :]]
    result = read_vcards(b"".join(mangled), where="f.vcf")
    no_surprises(result)
    assert uids(result) >= {f"uid-{i}" for i in range(len(cards)) if i != victim}


@FAST
@given(cards=cards, data=st.data())
def test_a_truncated_file_keeps_the_cards_before_the_cut(
    cards: list[bytes], data: st.DataObject
) -> None:
    whole = b"".join(cards)
    cut = data.draw(st.integers(0, len(whole)))
    result = read_vcards(whole[:cut], where="t.vcf")
    no_surprises(result)
    ends, complete = 0, set()
    for index, card in enumerate(cards):
        ends += len(card)
        if ends <= cut:
            complete.add(f"uid-{index}")
    assert uids(result) >= complete


@FAST
@given(data=st.binary(max_size=600))
def test_any_bytes_read_as_vcards_without_raising(data: bytes) -> None:
    no_surprises(read_vcards(b"BEGIN:VCARD\r\n" + data, where="r.vcf"))
    no_surprises(read_vcards(data, where="r.vcf"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(FILES), data=st.data())
def test_damaged_corpus_files_never_raise(path: Path, data: st.DataObject) -> None:
    content = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, max(len(content) - 1, 0)))
        if content:
            content[position] = data.draw(st.integers(0, 255))
    content = content[: data.draw(st.integers(0, len(content)))]
    if path.suffix == ".csv":
        no_surprises(read_contacts_csv(bytes(content), where=path.name))
    else:
        no_surprises(read_vcards(bytes(content), where=path.name))


# -- CSV rows ----------------------------------------------------------------

PREAMBLE = 'Notes:\r\n"When exporting your connection data, you may notice…"\r\n\r\n'
word = st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True)
company = st.one_of(word, st.builds("{}, {}".format, word, word), word.map('The "{}" Co'.format))


@st.composite
def linkedin_rows(draw: st.DrawFn) -> list[list[str]]:
    count = draw(st.integers(2, 8))
    return [
        [
            draw(word),
            draw(word),
            f"https://www.linkedin.com/in/person-{index}",
            f"person{index}@example.com",
            draw(company),
            draw(word),
            "14 Jun 2018",
        ]
        for index in range(count)
    ]


def csv_lines(rows: list[list[str]]) -> list[str]:
    out = []
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(row)
        out.append(buffer.getvalue())
    return out


junk = st.text(alphabet=',"ab \t\n;', min_size=1, max_size=6)


@st.composite
def mangled_row(draw: st.DrawFn, line: str) -> str:
    """``line`` damaged: a quote put in, a character taken out, or junk added."""
    body = line[:-2]
    position = draw(st.integers(0, len(body)))
    kind = draw(st.sampled_from(["quote", "delete", "junk"]))
    if kind == "quote":
        return body[:position] + '"' + body[position:] + "\r\n"
    if kind == "delete" and body:
        position = min(position, len(body) - 1)
        return body[:position] + body[position + 1 :] + "\r\n"
    return body[:position] + draw(junk) + body[position:] + "\r\n"


@FAST
@given(rows=linkedin_rows(), data=st.data())
def test_a_mangled_csv_row_costs_only_itself(rows: list[list[str]], data: st.DataObject) -> None:
    lines = csv_lines(rows)
    victim = data.draw(st.integers(0, len(lines) - 1))
    lines[victim] = data.draw(mangled_row(lines[victim]))
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    result = read_contacts_csv((PREAMBLE + header + "".join(lines)).encode(), where="m.csv")
    no_surprises(result)
    found = {r.key: r for r in result.records}
    for index, row in enumerate(rows):
        if index == victim:
            continue
        record = found[row[2]]
        assert (record.given_name, record.family_name, record.org) == (row[0], row[1], row[4])
        assert record.emails == (Labeled(row[3]),)


@FAST
@given(rows=linkedin_rows(), data=st.data())
def test_a_truncated_csv_keeps_the_rows_before_the_cut(
    rows: list[list[str]], data: st.DataObject
) -> None:
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    whole = header + "".join(csv_lines(rows))
    cut = data.draw(st.integers(len(header), len(whole)))
    result = read_contacts_csv(whole[:cut].encode(), where="t.csv")
    no_surprises(result)
    done = len(header)
    keys = {r.key for r in result.records}
    for row, line in zip(rows, csv_lines(rows), strict=True):
        done += len(line)
        if done <= cut:
            assert row[2] in keys


@FAST
@given(data=st.binary(max_size=600))
def test_any_bytes_read_as_csv_without_raising(data: bytes) -> None:
    header = b"First Name,Last Name,E-mail Address,Business Phone\r\n"
    no_surprises(read_contacts_csv(header + data, where="r.csv"))
    no_surprises(read_contacts_csv(data, where="r.csv"))
