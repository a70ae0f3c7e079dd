"""The digest: composed from the agenda, sent over a real SMTP server, by the CLI and on a
schedule (at most once a day or week, even across restarts)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import KithRunner
from kith.config import load_settings
from kith.web.app import WebConfig, create_app
from kith.web.schedule import DigestScheduler, tick
from webtools.rig import PASSWORD, SmtpServer, smtp_config, write_config

Make = Callable[..., TestClient]

pytestmark = pytest.mark.usefixtures("network")


@pytest.fixture
def mail_ready(
    env: dict[str, str], smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> SmtpServer:
    smtp_config(env, smtp_server)
    monkeypatch.setenv("KITH_SMTP_PASSWORD", PASSWORD)
    return smtp_server


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_dry_run_prints_the_digest(kith: KithRunner) -> None:
    result = kith("--now 2026-11-26 digest --dry-run")
    assert result.code == 0, result.err
    assert "To: sam@example.com" in result.out
    assert "Subject: Kith · Thursday: Mariam Haddad" in result.out
    assert "met at the Forum" in result.out and "Draft: http://127.0.0.1:8765/people/" in result.out
    assert "This week:" in result.out


def test_the_cli_sends_it_over_smtp(kith: KithRunner, mail_ready: SmtpServer) -> None:
    result = kith("--now 2026-11-26 digest")
    assert result.code == 0, result.err
    assert "Sent the digest to sam@example.com" in result.out
    (got,) = mail_ready.messages
    assert got.recipients == ["sam@example.com"]
    message = got.message
    assert message["From"] == "Sam Rivera <sam@example.com>"
    assert message["To"] == "sam@example.com"
    assert message["Subject"].startswith("Kith · Thursday: Mariam Haddad")
    assert message["Auto-Submitted"] == "auto-generated"  # Kith's own mail import skips it
    assert message["Message-ID"] and message["Date"]
    text = got.text()
    assert text.startswith("Hello Sam,")
    assert "Mariam Haddad · follow up" in text and "met at the Forum" in text
    assert "you both care about climate finance" in text
    assert "Bo Chen" in text and "his move to Lisbon" in text
    assert "This week: nothing sent yet" in text
    html = message.get_body(("html",))
    assert html is not None and "<strong>Mariam Haddad</strong>" in html.get_content()


def test_the_cli_sends_elsewhere_with_to(kith: KithRunner, mail_ready: SmtpServer) -> None:
    assert kith("--now 2026-11-26 digest --to other@example.net").code == 0
    assert mail_ready.messages[0].recipients == ["other@example.net"]


def test_a_quiet_day_sends_nothing(kith: KithRunner, mail_ready: SmtpServer) -> None:
    assert kith("let-go 'Mariam Haddad'").code == 0
    assert kith("let-go 'Bo Chen'").code == 0
    result = kith("--now 2026-11-26 digest")
    assert result.code == 0 and "no digest was sent" in result.out
    assert mail_ready.messages == []


def test_without_a_mail_server_the_cli_says_what_to_set(kith: KithRunner) -> None:
    result = kith("--now 2026-11-26 digest")
    assert result.code == 2
    assert "no mail server" in result.err and "smtp_host" in result.err


def test_the_schedule_sends_once_a_day_from_the_hour(
    make_client: Make, env: dict[str, str], mail_ready: SmtpServer
) -> None:
    write_config(env, digest="daily", digest_hour=8)
    kith_app = make_client().app.state.kith  # type: ignore[attr-defined]
    # Sam lives in London (UTC+0 in November): nothing before 08:00
    assert tick(kith_app, at("2026-11-26T07:59")) == []
    assert mail_ready.messages == []
    sent = tick(kith_app, at("2026-11-26T08:01"))
    assert [d.to for d in sent] == ["sam@example.com"]
    assert len(mail_ready.messages) == 1
    assert tick(kith_app, at("2026-11-26T09:00")) == []
    # a restart remembers: a new app the same day sends nothing
    restarted = make_client().app.state.kith  # type: ignore[attr-defined]
    assert tick(restarted, at("2026-11-26T18:00")) == []
    assert len(mail_ready.messages) == 1
    tick(restarted, at("2026-11-27T08:30"))
    assert len(mail_ready.messages) == 2
    assert "Friday" in mail_ready.messages[1].message["Subject"]
    state = Path(env["KITH_CONFIG"]).parent / "digest-state.json"
    assert state.is_file() and "kith.db" not in state.read_text()  # no paths, no URLs


def test_weekly_is_once_an_iso_week(
    make_client: Make, env: dict[str, str], mail_ready: SmtpServer
) -> None:
    write_config(env, digest="weekly", digest_hour=7, digest_to="Sam <sam@home.example>")
    kith_app = make_client().app.state.kith  # type: ignore[attr-defined]
    tick(kith_app, at("2026-11-26T07:30"))  # a Thursday: the first chance this week
    tick(kith_app, at("2026-11-27T07:30"))
    tick(kith_app, at("2026-11-29T20:00"))  # Sunday, same week
    assert len(mail_ready.messages) == 1
    assert mail_ready.messages[0].recipients == ["sam@home.example"]
    assert "this week" in mail_ready.messages[0].message["Subject"]
    tick(kith_app, at("2026-11-30T07:30"))  # Monday: a new week
    assert len(mail_ready.messages) == 2


def test_off_sends_nothing(make_client: Make, mail_ready: SmtpServer) -> None:
    kith_app = make_client().app.state.kith  # type: ignore[attr-defined]
    assert tick(kith_app, at("2026-11-26T12:00")) == []
    assert mail_ready.messages == []


def test_a_failure_is_logged_and_retried_later(
    make_client: Make,
    env: dict[str, str],
    mail_ready: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    write_config(env, digest="daily")
    monkeypatch.setenv("KITH_SMTP_PASSWORD", "not-the-pass-9f3")
    kith_app = make_client().app.state.kith  # type: ignore[attr-defined]
    failed: dict[str, datetime] = {}
    with caplog.at_level(logging.WARNING, logger="kith.digest"):
        assert tick(kith_app, at("2026-11-26T09:00"), failed=failed) == []
    assert "was not sent" in caplog.text and "refused the user name and password" in caplog.text
    assert "not-the-pass-9f3" not in caplog.text
    monkeypatch.setenv("KITH_SMTP_PASSWORD", PASSWORD)
    assert tick(kith_app, at("2026-11-26T09:10"), failed=failed) == []  # waits a while
    assert len(tick(kith_app, at("2026-11-26T09:40"), failed=failed)) == 1
    assert len(mail_ready.messages) == 1


def test_one_process_of_a_server_sends_the_digests(
    env: dict[str, str], db_url: str, mail_ready: SmtpServer, tmp_path: Path
) -> None:
    """Two workers of one server (one shared folder): the first to step sends, until it stops."""
    write_config(env, digest="daily", digest_hour=8)
    folder = tmp_path / "shared"
    folder.mkdir()
    first, second = (
        DigestScheduler(
            create_app(WebConfig(load_settings(), db=db_url, shared=str(folder))).state.kith
        )
        for _ in range(2)
    )
    try:
        assert [d.to for d in first.step(at("2026-11-26T08:30")) or []] == ["sam@example.com"]
        assert second.step(at("2026-11-27T08:30")) is None  # the first one sends, not this one
        assert len(mail_ready.messages) == 1
        first.stop()  # the process that sent ends: the other one takes over
        assert second.step(at("2026-11-27T08:31")) is not None
        assert len(mail_ready.messages) == 2
    finally:
        first.kith.close()
        second.kith.close()
    assert folder.is_dir()  # given by the server: not the app's to remove


def test_the_scheduler_thread_starts_only_when_the_digest_is_on(
    make_client: Make, env: dict[str, str]
) -> None:
    client = make_client()
    assert client.app.state.digest_scheduler.start_if_wanted() is False  # type: ignore[attr-defined]
    write_config(env, digest="daily", digest_hour=23)
    client = make_client()
    scheduler = client.app.state.digest_scheduler  # type: ignore[attr-defined]
    with client:  # the app's startup starts it, its shutdown stops it
        assert scheduler.running
    assert not scheduler.running
