"""The settings page: profile, rhythm, templates, mail server, digest, tokens; accounts."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import KithRunner
from kith.config import load_settings
from kith.services import accounts as account_service
from kith.services.context import open_context
from kith.services.people import get_owner
from webtools.rig import PASSWORD, SmtpServer, csrf_of, smtp_config

Make = Callable[..., TestClient]
SMALL_NETWORK = (
    "me --name 'Sam Rivera' --email sam@example.com",
    "--now 2026-11-20 add 'Mariam Haddad' --met-at 'the Forum' --met-on 2026-11-19",
)


def config(env: dict[str, str]) -> dict[str, object]:
    path = Path(env["KITH_CONFIG"])
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def post(client: TestClient, url: str, **data: str) -> TestClient:
    return client.post(  # type: ignore[return-value]
        url, data={"csrf": csrf_of(client), **data}, follow_redirects=False
    )


def new_token(html: str, scope: str) -> str:
    prefix = "feed_" if scope == "feed" else "kith_"
    found = re.search(rf'id="new-token">({prefix}[\w-]+)<', html)
    assert found, "the new token is shown"
    return found.group(1)


def owner_now() -> object:
    ctx = open_context(load_settings(), now="2026-11-26")
    try:
        return get_owner(ctx)
    finally:
        ctx.db.dispose()


def test_the_page_has_every_section(make_client: Make) -> None:
    html = make_client().get("/settings").text
    for section in ("profile", "rhythm", "templates", "smtp", "digest", "tokens"):
        assert f'id="{section}"' in html
    assert "KITH_SMTP_PASSWORD" in html
    assert (
        'name="daily_budget"' in html
        and "disabled" not in html.split('name="daily_budget"')[1][:80]
    )
    assert "reconnect.email.1.j2" in html


def test_the_profile_is_saved(make_client: Make) -> None:
    client = make_client()
    answer = post(
        client, "/settings/profile", name="Sam Rivera", emails="Sam@Example.com\nsam@work.example",
        interests="climate finance, cycling", timezone="Europe/Lisbon",
        signature="Sam\nsam.example",
    )  # fmt: skip
    assert (
        answer.status_code == 303
        and answer.headers["location"] == "/settings?saved=profile#profile"
    )
    owner = owner_now()
    assert owner.name == "Sam Rivera"  # type: ignore[attr-defined]
    assert owner.emails == ("sam@example.com", "sam@work.example")  # type: ignore[attr-defined]
    assert owner.interests == ("climate finance", "cycling")  # type: ignore[attr-defined]
    assert owner.timezone == "Europe/Lisbon"  # type: ignore[attr-defined]
    assert owner.signature == "Sam\nsam.example"  # type: ignore[attr-defined]
    html = client.get("/settings?saved=profile").text
    assert "Saved." in html and "sam@work.example" in html


def test_a_bad_time_zone_is_explained_and_nothing_changes(make_client: Make) -> None:
    client = make_client()
    answer = post(client, "/settings/profile", name="Sam", emails="", interests="",
                  timezone="Mars/Olympus", signature="")  # fmt: skip
    assert answer.status_code == 422
    assert "is not a time zone Kith knows" in answer.text
    assert owner_now().timezone == ""  # type: ignore[attr-defined]


def test_rhythm_goes_to_the_config_file_and_applies_at_once(
    make_client: Make, env: dict[str, str]
) -> None:
    client = make_client()
    answer = post(client, "/settings/rhythm", daily_budget="3", weekly_goal="10",
                  close_days="21", inner_days="14")  # fmt: skip
    assert answer.status_code == 303
    assert config(env) == {"daily_budget": 3, "close_days": 21}  # only what changed
    assert (
        'name="daily_budget" type="number" min="0" max="3650" value="3"'
        in client.get("/settings").text
    )
    bad = post(client, "/settings/rhythm", daily_budget="-2", weekly_goal="lots")
    assert bad.status_code == 422
    assert "must not be negative" in bad.text and "invalid literal" in bad.text
    assert config(env)["daily_budget"] == 3


def test_a_setting_from_the_environment_is_shown_not_written(
    make_client: Make, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITH_DAILY_BUDGET", "4")
    client = make_client()
    html = client.get("/settings").text
    assert "set by KITH_DAILY_BUDGET" in html
    post(client, "/settings/rhythm", daily_budget="9")
    assert "daily_budget" not in config(env)


def test_smtp_settings_and_a_test_message(
    make_client: Make,
    env: dict[str, str],
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    kith: KithRunner,
) -> None:
    assert kith("me --name 'Sam Rivera' --email sam@example.com").code == 0
    monkeypatch.setenv("KITH_SMTP_PASSWORD", PASSWORD)
    client = make_client()
    answer = post(client, "/settings/smtp", smtp_host="127.0.0.1", smtp_port=str(smtp_server.port),
                  smtp_security="none", smtp_user="sam@example.com",
                  smtp_from="Sam Rivera <sam@example.com>")  # fmt: skip
    assert answer.status_code == 303
    saved = config(env)
    assert saved["smtp_port"] == smtp_server.port and saved["smtp_security"] == "none"
    assert not any("password" in key for key in saved)
    html = client.get("/settings").text
    assert "Found in KITH_SMTP_PASSWORD" in html and PASSWORD not in html
    answer = post(client, "/settings/smtp/test")
    assert answer.status_code == 303 and "saved=smtp-test" in answer.headers["location"]
    (got,) = smtp_server.messages
    assert got.recipients == ["sam@example.com"]
    assert got.message["Subject"] == "Kith can send mail"
    bad = post(client, "/settings/smtp", smtp_port="99999", smtp_from="not an address")
    assert bad.status_code == 422
    assert "port number" in bad.text and "must be an e-mail address" in bad.text


def test_a_failing_test_message_says_why(
    make_client: Make, env: dict[str, str], smtp_server: SmtpServer, kith: KithRunner
) -> None:
    assert kith("me --name 'Sam Rivera' --email sam@example.com").code == 0
    smtp_config(env, smtp_server)
    client = make_client()
    answer = post(client, "/settings/smtp/test")
    assert answer.status_code == 422
    assert "KITH_SMTP_PASSWORD is not set" in answer.text


def test_digest_settings_and_preview(
    make_client: Make, env: dict[str, str], kith: KithRunner
) -> None:
    for command in SMALL_NETWORK:
        assert kith(command).code == 0
    client = make_client()
    answer = post(client, "/settings/digest", digest="daily", digest_to="", digest_hour="7")
    assert answer.status_code == 303
    assert config(env) == {"digest": "daily", "digest_hour": 7}
    scheduler = client.app.state.digest_scheduler  # type: ignore[attr-defined]
    try:
        assert scheduler.running  # turned on while the server runs: it starts
    finally:
        scheduler.stop()
    preview = client.get("/settings/digest/preview").text
    assert "To: sam@example.com" in preview and "Mariam Haddad" in preview
    assert "met at the Forum" in preview


def test_tokens_are_shown_once_and_can_be_revoked(make_client: Make) -> None:
    client = make_client()
    answer = post(client, "/settings/tokens", name="my phone", scope="feed")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    token = new_token(answer.text, "feed")
    assert f"http://testserver/feeds/{token}.ics" in answer.text
    assert f"webcal://testserver/feeds/{token}.ics" in answer.text
    assert client.get(f"/feeds/{token}.ics").status_code == 200
    page = client.get("/settings").text
    assert "my phone" in page and token not in page  # shown once
    api = post(client, "/settings/tokens", name="script", scope="api")
    assert re.search(r'id="new-token">kith_[\w-]+<', api.text)
    token_id = re.search(r"/settings/tokens/(\d+)/revoke", page).group(1)  # type: ignore[union-attr]
    answer = post(client, f"/settings/tokens/{token_id}/revoke")
    assert answer.status_code == 303
    assert client.get(f"/feeds/{token}.ics").status_code == 404
    assert "my phone" not in client.get("/settings").text
    assert post(client, "/settings/tokens/9999/revoke").status_code == 404


def test_a_template_is_copied_edited_checked_and_reset(
    make_client: Make, env: dict[str, str], kith: KithRunner
) -> None:
    for command in SMALL_NETWORK:
        assert kith(command).code == 0
    client = make_client()
    folder = Path(env["KITH_CONFIG"]).parent / "templates"
    page = client.get("/settings/templates/follow_up.email.1.j2")
    assert page.status_code == 200 and "Kith's own words" in page.text
    source = (
        "Subject: After the Forum\n\n"
        "Dear {{ first_name }}, so glad we met at {{ met_at }}.\n\n{{ signature }}"
    )
    answer = post(client, "/settings/templates/follow_up.email.1.j2", source=source, action="save")
    assert answer.status_code == 303
    assert sorted(p.name for p in folder.iterdir()) == [
        "follow_up.email.1.j2",
        "follow_up.email.2.j2",
    ]
    assert "saved=saved" in answer.headers["location"]
    # Mariam's draft uses phrasing 1 or 2, as chosen for her: make both say the new words
    post(client, "/settings/templates/follow_up.email.2.j2", source=source, action="save")
    drafted = kith("--now 2026-11-26 draft Mariam --kind follow_up --json").json()
    assert drafted["subject"] == "After the Forum"
    assert "so glad we met at the Forum" in drafted["body"]
    html = client.get("/settings").text
    assert "yours" in html
    broken = post(client, "/settings/templates/follow_up.email.1.j2",
                  source="Subject: x\n\n{% if first_name %}no end", action="save")  # fmt: skip
    assert broken.status_code == 422 and "syntax error on line" in broken.text
    assert "no end" in broken.text  # what was typed stays in the box
    reset = post(client, "/settings/templates/follow_up.email.1.j2", action="reset")
    assert reset.status_code == 303
    assert (folder / "follow_up.email.1.j2").is_file()  # Kith's words again, beside the other
    assert "After the Forum" not in (folder / "follow_up.email.1.j2").read_text()
    post(client, "/settings/templates/follow_up.email.2.j2", action="reset")
    assert list(folder.iterdir()) == []  # nothing differs from Kith's words: the copies go
    assert client.get("/settings/templates/nope.email.1.j2").status_code == 404


def test_with_accounts_file_settings_belong_to_the_servers_owner(
    make_client: Make, env: dict[str, str], db_url: str, kith: KithRunner
) -> None:
    assert kith("user add sam --password correct-horse-battery").code == 0
    assert kith("user add ada --password another-long-password").code == 0
    client = make_client()
    csrf = csrf_of(client, "/login")
    signed = client.post("/login", data={"csrf": csrf, "username": "ada",
                                         "password": "another-long-password"})  # fmt: skip
    assert signed.status_code == 200
    html = client.get("/settings").text
    assert "set by the server's owner" in html
    assert 'name="daily_budget" type="number" min="0" max="3650" value="5" disabled' in html
    assert post(client, "/settings/rhythm", daily_budget="2").status_code == 403
    assert "daily_budget" not in config(env)
    answer = post(client, "/settings/profile", name="Ada Byron", emails="ada@example.org",
                  interests="", timezone="", signature="")  # fmt: skip
    assert answer.status_code == 303
    assert owner_now().name == ""  # type: ignore[attr-defined]  # not in the main database
    created = post(client, "/settings/tokens", name="ada feed", scope="feed")
    token = new_token(created.text, "feed")
    main = client.app.state.kith.main  # type: ignore[attr-defined]
    ada = next(a for a in account_service.list_accounts(main) if a.username == "ada")
    found = account_service.token_owner(main, token, "feed", datetime(2026, 11, 26, tzinfo=UTC))
    assert found is not None and found.account_id == ada.id


POSTS = (
    "/settings/profile",
    "/settings/rhythm",
    "/settings/smtp",
    "/settings/smtp/test",
    "/settings/digest",
    "/settings/tokens",
    "/settings/tokens/1/revoke",
    "/settings/templates/follow_up.email.1.j2",
    "/settings/calendars",
    "/people/1/draft",
    "/import",
)


@pytest.mark.parametrize("url", POSTS)
def test_every_post_without_the_csrf_token_is_refused(
    make_client: Make, env: dict[str, str], url: str
) -> None:
    client = make_client()
    client.get("/settings")
    answer = client.post(url, data={"name": "x", "daily_budget": "1", "scope": "feed"})
    assert answer.status_code == 403
    wrong = client.post(url, data={"csrf": "not-the-token", "daily_budget": "1"})
    assert wrong.status_code == 403
    assert config(env) == {}
