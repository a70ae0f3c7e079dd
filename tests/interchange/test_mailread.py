"""Mail headers as they come: the corpus, encoded names, bad folding, dates, mbox and Maildir."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from kith.domain.mail import Address
from kith.interchange import mailread
from kith.interchange.mailread import NotAMessage, parse_headers

MAIL = CORPUS / "mail"


def corpus_messages() -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for path in sorted(p for p in MAIL.rglob("*") if p.is_file()):
        if mailread.sniff(path) == "mbox":
            for begin, _end, header in mailread.mbox_messages(path):
                found.append((f"{path.name}@{begin}", header))
        else:
            found.append((path.name, mailread.read_header_file(path)))
    return found


def test_every_corpus_message_is_read_or_refused_with_a_reason() -> None:
    messages = corpus_messages()
    assert len(messages) > 100
    read = refused = 0
    for where, header in messages:
        try:
            headers = parse_headers(header)
        except NotAMessage as exc:
            assert "not a mail message" in str(exc), where
            refused += 1
            continue
        read += 1
        assert headers.date is None or headers.date.tzinfo is not None, where
        for address in (headers.sender, *headers.recipients):
            if address is not None:
                assert "@" in address.email and address.email == address.email.lower(), where
    assert read > 100 and refused <= 3


def header_of(name: str) -> bytes:
    return mailread.read_header_file(MAIL / "eml" / name)


def test_encoded_word_names_are_decoded() -> None:
    latin = parse_headers(header_of("flanker__from-encoding.eml"))
    assert latin.sender is not None
    assert any(ord(c) > 127 for c in latin.sender.name), latin.sender
    box = MAIL / "maildir" / "notmuch__default"
    names = [
        parse_headers(mailread.read_header_file(p)).sender for _k, p in mailread.maildir_files(box)
    ]
    assert Address("boulogne.f@gmail.com", "François Boulogne") in names


def test_badly_folded_headers_keep_their_addresses() -> None:
    headers = parse_headers(header_of("thunderbird__badly-folded-headers.eml"))
    assert headers.sender is not None and headers.recipients


def test_a_missing_date_falls_back_to_the_first_received_header() -> None:
    block = (
        b"Received: from a by b; Tue, 3 Mar 2026 10:00:00 +0100\r\n"
        b"Received: from c by a; Tue, 3 Mar 2026 09:59:00 +0100\r\n"
        b"From: Ann <ann@a.example>\r\nTo: sam@home.example\r\nMessage-ID: <x1@a>\r\n"
    )
    headers = parse_headers(block)
    assert headers.date == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert headers.date_from_received
    bad = parse_headers(block.replace(b"Received: from a by b;", b"Date: yesterday\r\nX: a;"))
    assert bad.date == datetime(2026, 3, 3, 8, 59, tzinfo=UTC)
    nothing = parse_headers(b"From: ann@a.example\r\nTo: sam@home.example\r\n")
    assert nothing.date is None


def test_eight_bit_junk_and_raw_utf8_names_do_not_break_reading() -> None:
    block = (
        "From: Jörg Müller <jm@x.example>\nTo: sam@home.example\n"
        "Date: Mon, 2 Mar 2026 10:00:00 +0000\n"
    )
    assert parse_headers(block.encode("utf-8")).sender == Address("jm@x.example", "Jörg Müller")
    latin1 = parse_headers(block.encode("latin-1"))
    assert latin1.sender is not None and latin1.sender.email == "jm@x.example"
    junk = parse_headers(b"From: \xff\xfe <a@b.example>\nTo: \x00sam@home.example\n")
    assert junk.sender is not None and junk.sender.email == "a@b.example"


def test_ids_and_threads() -> None:
    headers = parse_headers(
        b"From: a@b.example\nMessage-ID: <Root.1@b>\nIn-Reply-To: <p@b> (Ann's note)\n"
        b"References: <r@b>\n <p@b>\n"
    )
    assert headers.message_id == "Root.1@b"
    assert headers.in_reply_to == ("p@b",) and headers.references == ("r@b", "p@b")
    assert headers.thread_key == "r@b"
    assert mailread.message_key(headers, b"") == "Root.1@b"
    anonymous = parse_headers(b"From: a@b.example\nTo: c@d.example\n")
    assert mailread.message_key(anonymous, b"x").startswith("sha256:")


def test_text_that_is_not_mail_is_refused() -> None:
    with pytest.raises(NotAMessage):
        parse_headers(b"BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n")


# -- the quick path for address fields agrees with the standard library -----------------

local = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,12}[a-z0-9]", fullmatch=True)
domain = st.from_regex(r"[a-z]{1,10}\.(com|org|example|de)", fullmatch=True)
name = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=20)
mailbox = st.tuples(name, local, domain, st.sampled_from(["plain", "quoted", "bare", "angle"]))


def render(box: tuple[str, str, str, str]) -> str:
    text, user, host, form = box
    addr = f"{user}@{host}"
    if form == "bare":
        return addr
    if form == "angle":
        return f"<{addr}>"
    if form == "quoted":
        return '"' + text.replace("\\", "").replace('"', "") + f'" <{addr}>'
    return f"{text} <{addr}>"


@settings(max_examples=400, deadline=None)
@given(st.lists(mailbox, min_size=1, max_size=4))
def test_the_quick_address_path_agrees_with_getaddresses(
    boxes: list[tuple[str, str, str, str]],
) -> None:
    value = ", ".join(render(b) for b in boxes)
    mine = mailread.addresses([value])
    reference = []
    for text, raw in getaddresses([value]):
        email = mailread._email(raw)
        if email:
            reference.append(
                Address(email, mailread._clean_name(mailread.decode_words(text), email))
            )
    assert list(mine) == reference


# -- sources ------------------------------------------------------------------------------


def test_mbox_messages_give_headers_and_offsets_to_resume_from(tmp_path: Path) -> None:
    box = tmp_path / "archive.mbox"
    one = b"From a@b Mon Jan  1 00:00:00 2024\nFrom: a@b.example\nSubject: 1\n\nFrom the body\n\n"
    two = b"From c@d Mon Jan  1 00:00:00 2024\nFrom: c@d.example\n\nbody\n"
    box.write_bytes(one + two)
    found = list(mailread.mbox_messages(box))
    assert [(b, e) for b, e, _ in found] == [(0, len(one)), (len(one), len(one) + len(two))]
    assert found[0][2] == b"From: a@b.example\nSubject: 1\n"
    assert [h for _, _, h in mailread.mbox_messages(box, len(one))] == [b"From: c@d.example\n"]
    truncated = tmp_path / "cut.mbox"
    truncated.write_bytes(one + two[:30])
    assert len(list(mailread.mbox_messages(truncated))) == 2


def test_maildir_keys_survive_flags_and_the_move_from_new_to_cur(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"):
        (tmp_path / sub).mkdir(parents=True)
    (tmp_path / "new" / "111.M1.host").write_bytes(b"From: a@b.example\n\nx")
    (tmp_path / ".Sent" / "cur" / "222.M2.host:2,S").write_bytes(b"From: c@d.example\n\nx")
    (tmp_path / "dovecot-uidlist").write_text("3 V1 N1\n")
    before = dict(mailread.maildir_files(tmp_path))
    (tmp_path / "new" / "111.M1.host").rename(tmp_path / "cur" / "111.M1.host:2,RS")
    after = dict(mailread.maildir_files(tmp_path))
    assert set(before) == set(after) == {"./111.M1.host", ".Sent/222.M2.host"}
    assert list(mailread.message_files(tmp_path)) == []


def test_drafts_are_never_read_as_sent_mail(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp", ".Drafts/cur", ".Sent/cur", ".Sent/new", ".Sent/tmp"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    (tmp_path / ".Drafts" / "cur" / "1.M1.host:2,S").write_bytes(b"From: a@b.example\n\nx")
    (tmp_path / ".Sent" / "cur" / "2.M2.host:2,DS").write_bytes(b"From: a@b.example\n\nx")
    (tmp_path / ".Sent" / "cur" / "3.M3.host:2,S").write_bytes(b"From: a@b.example\n\nx")
    assert [k for k, _ in mailread.maildir_files(tmp_path)] == [".Sent/3.M3.host"]
    assert mailread.is_drafts_folder("INBOX.Drafts") and mailread.is_drafts_folder(".Drafts")
    assert not mailread.is_drafts_folder(".Lists.draft-standards-wg")
