"""Sending over SMTP against real servers on loopback: log-in, STARTTLS, and every failure."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kith.config import Settings, load_settings
from kith.errors import InputError, RemoteError
from kith.services import smtp
from webtools.rig import PASSWORD, USER, SmtpServer, free_port, write_config

StartServer = Callable[..., SmtpServer]
WHEN = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture
def configure(env: dict[str, str]) -> Callable[..., Settings]:
    def make(**values: Any) -> Settings:
        write_config(env, **{"smtp_host": "127.0.0.1", "smtp_from": "Sam <sam@example.com>",
                             **values})  # fmt: skip
        return load_settings()

    return make


def send(settings: Settings, env: dict[str, str], **more: Any) -> None:
    smtp.send_message(
        settings, env, to="Mariam Haddad <mariam@example.org>", subject="Hello\nthere",
        body="Line one\nLine two\n", now=WHEN, **more,
    )  # fmt: skip


def test_plain_with_a_log_in_on_loopback(
    start_smtp: StartServer, configure: Callable[..., Settings]
) -> None:
    server = start_smtp(auth=True)
    settings = configure(smtp_port=server.port, smtp_security="none", smtp_user=USER)
    send(settings, {"KITH_SMTP_PASSWORD": PASSWORD}, reply_to="sam@home.example")
    (got,) = server.messages
    message = got.message
    assert got.sender == "sam@example.com" and got.recipients == ["mariam@example.org"]
    assert message["Subject"] == "Hello there"  # no header injection through a newline
    assert message["Reply-To"] == "sam@home.example"
    assert message["Date"] == "Thu, 26 Nov 2026 09:30:00 +0000"
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.com>")
    assert message.get_content_type() == "text/plain"
    assert got.text() == "Line one\nLine two\n"


def test_starttls_with_the_servers_own_ca(
    start_smtp: StartServer, configure: Callable[..., Settings]
) -> None:
    server = start_smtp(auth=True, starttls=True)
    settings = configure(smtp_port=server.port, smtp_security="starttls", smtp_user=USER)
    send(settings, {"KITH_SMTP_PASSWORD": PASSWORD, "KITH_SMTP_CAFILE": server.cafile},
         html="<p>Line one</p>")  # fmt: skip
    (got,) = server.messages
    assert got.message.get_content_type() == "multipart/alternative"
    with pytest.raises(RemoteError, match="certificate this computer does not trust"):
        send(settings, {"KITH_SMTP_PASSWORD": PASSWORD})


def test_starttls_that_the_server_does_not_offer(
    start_smtp: StartServer, configure: Callable[..., Settings]
) -> None:
    server = start_smtp(auth=False)
    settings = configure(smtp_port=server.port, smtp_security="starttls")
    with pytest.raises(RemoteError, match="does not offer STARTTLS"):
        send(settings, {})
    assert server.messages == []


def test_ssl_to_a_plain_server_is_a_tls_error(
    start_smtp: StartServer, configure: Callable[..., Settings]
) -> None:
    server = start_smtp(auth=False)
    settings = configure(smtp_port=server.port, smtp_security="ssl")
    with pytest.raises(RemoteError, match=r"TLS with the mail server .* failed|closed the"):
        send(settings, {})


def test_a_wrong_password_is_refused_and_never_repeated(
    start_smtp: StartServer, configure: Callable[..., Settings]
) -> None:
    server = start_smtp(auth=True)
    settings = configure(smtp_port=server.port, smtp_security="none", smtp_user=USER)
    with pytest.raises(RemoteError) as caught:
        send(settings, {"KITH_SMTP_PASSWORD": "hunter2-not-it"})
    assert "refused the user name and password" in str(caught.value)
    assert "app password" in str(caught.value)
    assert "hunter2-not-it" not in str(caught.value)
    assert server.messages == []


def test_no_password_anywhere(configure: Callable[..., Settings]) -> None:
    settings = configure(smtp_port=free_port(), smtp_security="none", smtp_user=USER)
    with pytest.raises(InputError, match="KITH_SMTP_PASSWORD is not set"):
        send(settings, {})
    assert smtp.password_source(settings, {}) == ""
    assert smtp.password_source(settings, {"KITH_SMTP_PASSWORD": "x"}) == "KITH_SMTP_PASSWORD"


def test_no_password_in_clear_to_another_computer(configure: Callable[..., Settings]) -> None:
    settings = configure(smtp_host="smtp.example.com", smtp_security="none", smtp_user=USER)
    with pytest.raises(InputError, match="without encryption"):
        send(settings, {"KITH_SMTP_PASSWORD": PASSWORD})


def test_nobody_listening(configure: Callable[..., Settings]) -> None:
    with socket.socket() as probe:  # a port that is surely closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        settings = configure(smtp_port=port, smtp_security="none")
        with pytest.raises(RemoteError, match="cannot be reached"):
            send(settings, {})


def test_a_server_name_that_does_not_exist(configure: Callable[..., Settings]) -> None:
    settings = configure(smtp_host="smtp.kith-does-not-exist.invalid", smtp_security="ssl")
    with pytest.raises(RemoteError, match=r"cannot be found|cannot be reached"):
        send(settings, {})


def test_not_configured_says_what_to_set(env: dict[str, str]) -> None:
    settings = load_settings()
    assert not smtp.is_configured(settings)
    with pytest.raises(InputError, match="no mail server"):
        send(settings, {})
    write_config(env, smtp_host="smtp.example.com")
    with pytest.raises(InputError, match="which address to send from"):
        send(load_settings(), {})
    write_config(env, smtp_user="sam@example.com")
    assert smtp.sender_of(load_settings()) == "sam@example.com"


def test_a_bad_recipient_is_an_input_error(configure: Callable[..., Settings]) -> None:
    settings = configure(smtp_port=free_port(), smtp_security="none")
    with pytest.raises(InputError):
        smtp.send_message(settings, {}, to="not an address", subject="x", body="y", now=WHEN)


def test_smtp_settings_are_checked(env: dict[str, str], tmp_path: Path) -> None:
    for name, value, problem in (
        ("smtp_port", "0", "port number"),
        ("smtp_security", "tls", "starttls, ssl, none"),
        ("digest", "hourly", "off, daily, weekly"),
        ("digest_hour", "24", "from 0 to 23"),
        ("smtp_from", "sam", "e-mail address"),
        ("web_url", "kith.local", "http"),
    ):
        write_config(env, **{name: value})
        with pytest.raises(InputError, match=problem):
            load_settings()
        Path(env["KITH_CONFIG"]).unlink()
