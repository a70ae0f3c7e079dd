"""kith.interchange.imap against a real Dovecot over TLS (see conftest.py): no IMAP mocks."""

from __future__ import annotations

import ssl
import sys
import traceback
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from kith.errors import InputError, KithError, NotFound, RemoteError
from kith.interchange.imap import (
    FetchedHeaders,
    ImapReader,
    ImapTarget,
    imap_password,
    imap_ssl_context,
    parse_imap_url,
)
from mail.dovecot_rig import Account, Dovecot, message

States = dict[str, dict[str, Any]]


def read(
    account: Account,
    states: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    url: str | None = None,
    **options: Any,
) -> tuple[list[FetchedHeaders], States]:
    """Read everything new; returns the messages and the states to keep for next time."""
    options.setdefault("ssl_context", account.server.ssl_context())
    target = parse_imap_url(url or account.url())
    kept: States = {k: dict(v) for k, v in (states or {}).items()}
    with ImapReader(target, account.password, **options) as reader:
        got = list(reader.messages(kept))
    for fetched in got:
        kept[fetched.folder] = fetched.state
    return got, kept


def subjects(got: list[FetchedHeaders]) -> list[str]:
    out = []
    for fetched in got:
        line = next(x for x in fetched.header.split(b"\r\n") if x.startswith(b"Subject: "))
        out.append(line.removeprefix(b"Subject: ").decode())
    return out


# -- addresses -----------------------------------------------------------------


def test_addresses_are_parsed() -> None:
    assert parse_imap_url("imaps://sam@imap.example.com") == ImapTarget(
        "sam", "imap.example.com", 993, "tls", None
    )
    gmail = parse_imap_url("imaps://sam@gmail.com@IMAP.gmail.com/%5BGmail%5D/Sent%20Mail")
    assert gmail == ImapTarget("sam@gmail.com", "imap.gmail.com", 993, "tls", "[Gmail]/Sent Mail")
    assert gmail.label() == "imaps://sam@gmail.com@imap.gmail.com:993"
    assert parse_imap_url("imap://me@localhost:1143/Réunions 2026/") == ImapTarget(
        "me", "localhost", 1143, "starttls", "Réunions 2026"
    )
    plain = parse_imap_url("imap+plain://me@[::1]/")
    assert plain == ImapTarget("me", "::1", 143, "plain", None)
    assert plain.label() == "imap+plain://me@[::1]:143"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://sam@example.com/", "not an IMAP address"),
        ("imap.example.com", "not an IMAP address"),
        ("imaps://imap.example.com/", "no user name"),
        ("imaps://sam@/", "no host"),
        ("imaps://sam@host:99999/", "bad port"),
        ("imaps://sam@host:99x/", "bad port"),
        ("imaps://sam@[::1]x/", "bad host"),
        ("imaps://sam@my host/", "bad host"),
    ],
)
def test_a_bad_address_says_how_to_write_it(url: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_imap_url(url)
    assert says in str(caught.value)
    assert "imaps://USER@HOST[:PORT]/[FOLDER]" in str(caught.value)


def test_a_password_in_the_address_is_refused_and_not_repeated() -> None:
    with pytest.raises(InputError) as caught:
        parse_imap_url("imaps://sam:hunter2-secret@imap.example.com/")
    err = caught.value
    assert "KITH_IMAP_PASSWORD" in str(err)
    assert "hunter2" not in str(err) + repr(err.args) + repr(err.value)


# -- passwords and certificates --------------------------------------------------


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict, for the tests."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)


def test_the_password_comes_from_the_environment_first(
    account: Account, memory_keyring: MemoryKeyring
) -> None:
    target = parse_imap_url(account.url())
    memory_keyring.set_password("kith", f"{account.user}@127.0.0.1", "from-the-keyring")
    assert imap_password(target, {"KITH_IMAP_PASSWORD": account.password}) == account.password
    account.append("INBOX", [message(1)])
    password = imap_password(target, {"KITH_IMAP_PASSWORD": account.password})
    with ImapReader(target, password, ssl_context=account.server.ssl_context()) as reader:
        assert len(list(reader.messages({}))) == 1


def test_the_password_comes_from_the_keyring(
    account: Account, memory_keyring: MemoryKeyring
) -> None:
    target = parse_imap_url(account.url())
    memory_keyring.set_password("kith", f"{account.user}@127.0.0.1", account.password)
    account.append("Sent", [message(1)])
    password = imap_password(target, {"KITH_IMAP_PASSWORD": ""})
    with ImapReader(target, password, ssl_context=account.server.ssl_context()) as reader:
        assert subjects(list(reader.messages({}))) == ["Message 1"]


def test_no_password_says_how_to_give_one(no_keyring: None, memory_keyring: MemoryKeyring) -> None:
    target = parse_imap_url("imaps://sam@imap.example.com/")
    with pytest.raises(InputError) as caught:
        imap_password(target, {})
    text = str(caught.value)
    assert "no password for imaps://sam@imap.example.com:993" in text
    assert "KITH_IMAP_PASSWORD" in text
    assert "keyring set kith sam@imap.example.com" in text
    assert "has none" in text


def test_kith_works_without_the_keyring_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring → ImportError
    target = parse_imap_url("imaps://sam@imap.example.com/")
    assert imap_password(target, {"KITH_IMAP_PASSWORD": "pw"}) == "pw"
    with pytest.raises(InputError) as caught:
        imap_password(target, {})
    assert "the keyring package is not installed" in str(caught.value)
    assert "pip install 'kith-prm[keyring]'" in str(caught.value)


def test_a_keyring_without_a_backend_is_no_keyring(no_keyring: None) -> None:
    with pytest.raises(InputError) as caught:
        imap_password(parse_imap_url("imaps://sam@imap.example.com/"), {})
    assert "cannot be used" in str(caught.value)


def test_the_certificate_authority_can_be_given(dovecot: Dovecot, tmp_path: Path) -> None:
    account = dovecot.add_user()
    account.append("INBOX", [message(1)])
    context = imap_ssl_context({"KITH_IMAP_CAFILE": str(dovecot.ca)})
    got, _ = read(account, ssl_context=context)
    assert len(got) == 1
    with pytest.raises(InputError) as caught:
        imap_ssl_context({"KITH_IMAP_CAFILE": str(tmp_path / "nowhere.pem")})
    assert "KITH_IMAP_CAFILE" in str(caught.value)
    assert isinstance(imap_ssl_context({}), ssl.SSLContext)


# -- failures ---------------------------------------------------------------------


def everything_said(err: BaseException) -> str:
    """The error as a person or a log could see it: message, hint, args and traceback."""
    return "".join(traceback.format_exception(err)) + repr(err.args) + str(vars(err))


def test_a_wrong_password_is_a_clear_error_without_the_password(account: Account) -> None:
    wrong = f"wrong-{uuid.uuid4().hex}"
    target = parse_imap_url(account.url())
    with (
        pytest.raises(InputError) as caught,
        ImapReader(target, wrong, ssl_context=account.server.ssl_context()),
    ):
        pass
    err = caught.value
    assert f"imaps://{account.user}@127.0.0.1:{account.server.imaps_port} refused" in str(err)
    assert "Authentication failed" in str(err)
    assert "app password" in str(err)
    assert wrong not in everything_said(err)


def test_an_untrusted_certificate_is_a_clear_error(account: Account) -> None:
    for context in (
        ssl.create_default_context(cafile=str(account.server.other_ca)),
        ssl.create_default_context(),  # the system's authorities
    ):
        with pytest.raises(RemoteError) as caught:
            read(account, ssl_context=context)
        text = str(caught.value)
        assert "certificate of imaps://" in text
        assert "not trusted" in text
        assert "KITH_IMAP_CAFILE" in text
        assert account.password not in everything_said(caught.value)


def test_no_server_is_a_clear_error(account: Account) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(RemoteError) as caught:
            read(account, url=f"imaps://{account.user}@127.0.0.1:{port}/")
    assert f"cannot talk to imaps://{account.user}@127.0.0.1:{port}" in str(caught.value)


def test_tls_to_a_clear_text_port_is_a_clear_error(account: Account) -> None:
    port = account.server.imap_port
    with pytest.raises(RemoteError) as caught:
        read(account, url=f"imaps://{account.user}@127.0.0.1:{port}/", timeout=5)
    assert "TLS with imaps://" in str(caught.value)
    assert "STARTTLS" in str(caught.value)


def test_a_missing_folder_is_a_clear_error(account: Account) -> None:
    with pytest.raises(NotFound) as caught:
        read(account, url=account.url("Archive"))
    assert "no folder 'Archive'" in str(caught.value)
    assert "INBOX" in str(caught.value)
    assert "Sent" in str(caught.value)
    with pytest.raises(NotFound):
        read(account, folders=["INBOX", "Nope"])


def test_a_reader_is_used_in_a_with_block(account: Account) -> None:
    reader = ImapReader(parse_imap_url(account.url()), account.password)
    with pytest.raises(RuntimeError, match="with block"):
        reader.folders()
    assert account.password not in repr(reader)
    assert issubclass(RemoteError, KithError)


# -- reading ----------------------------------------------------------------------


def test_reads_inbox_and_sent_headers_only(account: Account) -> None:
    account.append("INBOX", [message(n) for n in (1, 2, 3)])
    account.append("Sent", [message(n, sender="me@example.com") for n in (4, 5)])
    account.append("Drafts", [message(6)])
    with ImapReader(
        parse_imap_url(account.url()), account.password, ssl_context=account.server.ssl_context()
    ) as reader:
        assert reader.folders() == ["INBOX", "Sent"]
        assert reader.count_new({}) == 5
        got = list(reader.messages({}))
    assert subjects(got) == [f"Message {n}" for n in (1, 2, 3, 4, 5)]
    assert [(f.folder, f.uid) for f in got] == [
        ("INBOX", 1), ("INBOX", 2), ("INBOX", 3), ("Sent", 1), ("Sent", 2)
    ]  # fmt: skip
    assert got[3].where == "Sent uid 1"
    for fetched in got:
        assert fetched.header.endswith(b"\r\n\r\n")
        assert b"Message-ID: <m" in fetched.header
        assert b"BODY-TEXT" not in fetched.header
    inbox_validity = got[0].state["uidvalidity"]
    assert got[2].state == {"uidvalidity": inbox_validity, "last_uid": 3}


def test_reading_changes_nothing_on_the_server(account: Account) -> None:
    account.append("INBOX", [message(1), message(2)])
    account.append("INBOX", [message(3)], seen=True)
    got, _ = read(account)
    assert len(got) == 3
    with account.client() as client:
        opened = client.select_folder("INBOX", readonly=True)
        flags = client.get_flags([1, 2, 3])
    assert [b"\\Seen" in flags[uid] for uid in (1, 2, 3)] == [False, False, True]
    # A folder opened read-write loses its \Recent flags; EXAMINE must leave them.
    assert opened[b"RECENT"] == 3


def test_a_second_read_reads_only_what_is_new(account: Account) -> None:
    account.append("INBOX", [message(n) for n in range(1, 6)])
    account.append("Sent", [message(6)])
    first, states = read(account)
    assert len(first) == 6

    again, same = read(account, states)
    assert again == []
    assert same == states
    with ImapReader(
        parse_imap_url(account.url()), account.password, ssl_context=account.server.ssl_context()
    ) as reader:
        assert reader.count_new(states) == 0

    account.append("INBOX", [message(7), message(8)])
    account.append("Sent", [message(9)])
    new, states = read(account, states)
    assert subjects(new) == ["Message 7", "Message 8", "Message 9"]
    assert states["INBOX"]["last_uid"] == 7
    assert read(account, states)[0] == []


def test_a_message_deleted_before_it_was_read_is_not_missed(account: Account) -> None:
    account.append("INBOX", [message(1), message(2)])
    _, states = read(account)
    account.append("INBOX", [message(3), message(4)])
    with account.client() as client:
        client.select_folder("INBOX")
        client.delete_messages([4])
        client.expunge()
    # "UID 3:*" also matches UID 2 when 3 is the highest; UID 3 comes once, 2 not again.
    new, states = read(account, states)
    assert subjects(new) == ["Message 3"]
    account.append("INBOX", [message(5)])
    with account.client() as client:
        client.select_folder("INBOX")
        client.delete_messages([5])
        client.expunge()
    assert read(account, states)[0] == []


def test_reading_can_stop_and_go_on_from_the_last_state_kept(account: Account) -> None:
    account.append("INBOX", [message(n) for n in range(1, 11)])
    target = parse_imap_url(account.url())
    states: States = {}
    with ImapReader(target, account.password, ssl_context=account.server.ssl_context()) as r:
        for fetched in r.messages(states):
            states[fetched.folder] = fetched.state
            if fetched.uid == 4:
                break  # interrupted after the fourth message was stored
    rest, _ = read(account, states, batch=3)
    assert subjects(rest) == [f"Message {n}" for n in range(5, 11)]


def test_a_changed_uidvalidity_reads_the_folder_again(account: Account) -> None:
    account.append("Archive 2026", [message(n) for n in (1, 2, 3)])
    first, states = read(account, folders=["Archive 2026"])
    assert len(first) == 3
    with account.client() as client:
        client.delete_folder("Archive 2026")
        client.create_folder("Archive 2026")
    account.append("Archive 2026", [message(4), message(5)])

    again, new_states = read(account, states, folders=["Archive 2026"])
    assert subjects(again) == ["Message 4", "Message 5"]  # UIDs 1 and 2, below last_uid 3
    assert new_states["Archive 2026"]["uidvalidity"] != states["Archive 2026"]["uidvalidity"]
    assert new_states["Archive 2026"]["last_uid"] == 2


@pytest.mark.parametrize("folder", ["Réunions 2026", "Sent Items", "日本語/メール & co"])
def test_folder_names_with_spaces_and_beyond_ascii(account: Account, folder: str) -> None:
    account.append(folder, [message(1), message(2)])
    from urllib.parse import quote

    got, states = read(account, url=account.url(quote(folder)))
    assert [f.folder for f in got] == [folder, folder]
    assert list(states) == [folder]
    assert read(account, states, folders=[folder])[0] == []


def test_the_sent_folder_is_found_by_name_when_nothing_marks_it() -> None:
    from kith.interchange.imap import _Folder

    reader = ImapReader(parse_imap_url("imaps://me@example.com/"), "x")
    found = [
        _Folder("INBOX", frozenset(), "."),
        _Folder("INBOX.Sent Messages", frozenset({b"\\haschildren"}), "."),
        _Folder("Archive", frozenset(), "."),
    ]
    assert reader._chosen(found) == ["INBOX", "INBOX.Sent Messages"]
    gmail = [
        _Folder("INBOX", frozenset(), "/"),
        _Folder("[Gmail]/Sent Mail", frozenset({b"\\sent"}), "/"),
        _Folder("Sent", frozenset(), "/"),  # a label of the owner's, not the sent mail
    ]
    assert reader._chosen(gmail) == ["INBOX", "[Gmail]/Sent Mail"]


def test_starttls_is_required_and_verified(account: Account) -> None:
    account.append("INBOX", [message(1)])
    got, _ = read(account, url=account.url(scheme="imap"))
    assert len(got) == 1
    other = ssl.create_default_context(cafile=str(account.server.other_ca))
    with pytest.raises(RemoteError, match="not trusted"):
        read(account, url=account.url(scheme="imap"), ssl_context=other)


def test_plain_text_only_when_asked_for(account: Account) -> None:
    # Dovecot lets a login from 127.0.0.1 to 127.0.0.1 through without TLS.
    account.append("INBOX", [message(1)])
    got, _ = read(account, url=account.url(scheme="imap+plain"))
    assert len(got) == 1


def test_a_large_mailbox_is_read_completely_in_batches(account: Account) -> None:
    account.append("INBOX", (message(n) for n in range(1, 2001)))
    with ImapReader(
        parse_imap_url(account.url()),
        account.password,
        ssl_context=account.server.ssl_context(),
        batch=500,
    ) as reader:
        assert reader.count_new({}) == 2000
        got = list(reader.messages({}))
    assert [f.uid for f in got] == list(range(1, 2001))
    assert subjects(got) == [f"Message {n}" for n in range(1, 2001)]
    assert got[-1].state["last_uid"] == 2000
