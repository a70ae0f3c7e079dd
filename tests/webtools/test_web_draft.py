"""The draft page: edit, redraft, copy, open in the mail client, send over SMTP, mark sent."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from conftest import KithRunner
from kith.config import load_settings
from kith.domain.model import Outreach
from kith.services.context import open_context
from kith.services.outreach import today
from kith.storage import outreach as outreach_store
from webtools.rig import (
    PASSWORD,
    SmtpServer,
    csrf_of,
    smtp_config,
)

pytestmark = pytest.mark.usefixtures("network")

Make = Callable[..., TestClient]


def field(html: str, name: str) -> str:
    textarea = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    if textarea:
        return unescape(textarea.group(1))
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    assert found, f"no field {name}"
    return unescape(found.group(1))


def outreach_rows(person_id: int) -> list[Outreach]:
    ctx = open_context(load_settings(), now="2026-11-26")
    try:
        with ctx.db.read() as conn:
            return outreach_store.outreach_of(conn, person_id)
    finally:
        ctx.db.dispose()


def sent_this_week() -> int:
    ctx = open_context(load_settings(), now="2026-11-26")
    try:
        return today(ctx).week.sent
    finally:
        ctx.db.dispose()


def mariam_id(client: TestClient) -> int:
    page = client.get("/").text
    found = re.search(r'href="/people/(\d+)/draft"', page)
    assert found, "Mariam is on today's agenda"
    return int(found.group(1))


def test_the_draft_is_ready_to_edit_with_a_mailto_link(make_client: Make) -> None:
    client = make_client()
    page = client.get("/people/1/draft")
    assert page.status_code == 200
    html = page.text
    assert "A message to Mariam Haddad" in html
    assert '<option value="follow_up" selected>' in html
    assert '<option value="email" selected>' in html
    subject, body = field(html, "subject"), field(html, "body")
    assert subject and "Mariam" in body and "the Forum" in body
    link = unescape(re.search(r'id="draft-mailto" href="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and unquote(parts.path) == "mariam@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == [subject]
    assert query["body"] == [body.replace("\n", "\r\n")]
    assert "+" not in parts.query  # spaces are %20 in a mailto link, never +
    assert 'data-copy="#draft-body"' in html and "/static/tools.js" in html
    assert 'value="send"' not in html  # no mail server configured: no Send button
    assert "set up a mail server" in html


def test_changing_kind_or_channel_redrafts_the_text(make_client: Make) -> None:
    client = make_client()
    fragment = client.get(
        "/people/1/draft/text",
        params={"kind": "reconnect", "channel": "short"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    html = fragment.text
    assert html.lstrip().startswith('<div id="draft-text"')
    assert "<html" not in html
    assert 'name="subject" value=""' in html  # a short message has no subject
    body = field(html, "body")
    assert 0 < len(body) <= 300 and "Mariam" in body
    plain = client.get("/people/1/draft/text?kind=reconnect", follow_redirects=False)
    assert plain.status_code == 303 and "/people/1/draft?" in plain.headers["location"]


def test_an_introduction_asks_for_the_other_person(make_client: Make) -> None:
    client = make_client()
    html = client.get("/people/1/draft?kind=intro").text
    assert "Who is the other person" in html and 'name="to"' in html
    html = client.get("/people/1/draft", params={"kind": "intro", "to": "Bo Chen"}).text
    assert "Bo" in field(html, "body")
    assert "Who is the other person" not in html


def test_a_name_that_matches_several_is_said_and_can_be_corrected(
    make_client: Make, kith: KithRunner
) -> None:
    assert kith("add 'Bo Lindqvist' --email bol@example.se").code == 0
    client = make_client()
    fragment = client.get(
        "/people/1/draft/text", params={"kind": "ask_intro", "to": "Bo"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert fragment.status_code == 200  # HTMX swaps it in, error and all
    assert "2 people match" in fragment.text and "Bo Chen" in fragment.text
    assert 'name="to" value="Bo"' in fragment.text  # the field stays, to be corrected


def test_a_broken_template_of_ones_own_is_said_on_the_page(
    make_client: Make, env: dict[str, str]
) -> None:
    folder = Path(env["KITH_CONFIG"]).parent / "templates"
    folder.mkdir(parents=True)
    (folder / "follow_up.email.1.j2").write_text("Subject: x\n\n{{ no_such_value }}\n")
    html = make_client().get("/people/1/draft?kind=follow_up").text
    assert "follow_up.email.1.j2" in html and "Fix or remove your template file" in html


def test_an_unknown_person_is_404(make_client: Make) -> None:
    client = make_client()
    assert client.get("/people/999/draft").status_code == 404


def test_edit_and_send_over_smtp_then_it_counts_as_sent(
    make_client: Make,
    env: dict[str, str],
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp_config(env, smtp_server)
    monkeypatch.setenv("KITH_SMTP_PASSWORD", PASSWORD)
    client = make_client()
    html = client.get("/people/1/draft").text
    assert 'value="send"' in html and "Send goes to mariam@example.org" in html
    body = field(html, "body") + "\n\nP.S. The photos from the Forum are attached — ünïcode too."
    answer = client.post(
        "/people/1/draft",
        data={"csrf": csrf_of(client), "action": "send", "kind": "follow_up",
              "channel": "email", "subject": "Lovely to meet you at the Forum", "body": body},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert "Sent" in answer.text and "Mariam Haddad" in answer.text
    assert len(smtp_server.messages) == 1
    got = smtp_server.messages[0]
    assert got.recipients == ["mariam@example.org"]
    assert got.sender == "sam@example.com"
    message = got.message
    assert message["To"] == "Mariam Haddad <mariam@example.org>"
    assert message["From"] == "Sam Rivera <sam@example.com>"
    assert message["Subject"] == "Lovely to meet you at the Forum"
    assert message["Message-ID"].endswith("@example.com>")
    assert message["Date"]
    assert "Reply-To" not in message  # the owner's address is the From already
    assert got.text().rstrip("\n") == body
    assert sent_this_week() == 1
    (kept,) = outreach_rows(1)
    assert kept.state.value == "sent" and kept.kind.value == "follow_up"
    assert (kept.subject, kept.body) == ("Lovely to meet you at the Forum", body)


def test_a_refused_send_says_why_and_marks_nothing(
    make_client: Make,
    env: dict[str, str],
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp_config(env, smtp_server)
    monkeypatch.setenv("KITH_SMTP_PASSWORD", "not-the-password")
    client = make_client()
    answer = client.post(
        "/people/1/draft",
        data={"csrf": csrf_of(client), "action": "send", "kind": "follow_up",
              "channel": "email", "subject": "Hello", "body": "My own words"},
    )  # fmt: skip
    assert answer.status_code == 502
    assert "Not sent." in answer.text and "refused the user name and password" in answer.text
    assert "not-the-password" not in answer.text
    assert field(answer.text, "body") == "My own words"  # the words are kept
    assert smtp_server.messages == []
    assert sent_this_week() == 0


def test_mark_sent_keeps_the_edited_words(make_client: Make) -> None:
    client = make_client()
    answer = client.post(
        "/people/1/draft",
        data={"csrf": csrf_of(client), "action": "sent", "kind": "follow_up",
              "channel": "short", "subject": "", "body": "Great to meet you, let's talk soon!"},
    )  # fmt: skip
    assert answer.status_code == 200 and "Marked as sent" in answer.text
    assert sent_this_week() == 1
    (kept,) = outreach_rows(1)
    assert (kept.state.value, kept.channel.value) == ("sent", "short")
    assert kept.body == "Great to meet you, let's talk soon!"


def test_sending_without_a_mail_server_says_so(make_client: Make) -> None:
    client = make_client()
    answer = client.post(
        "/people/1/draft",
        data={"csrf": csrf_of(client), "action": "send", "kind": "follow_up",
              "channel": "email", "subject": "Hi", "body": "Hello"},
    )  # fmt: skip
    assert answer.status_code == 422
    assert "no mail server" in answer.text
    assert sent_this_week() == 0


def test_posting_without_the_csrf_token_is_refused(make_client: Make) -> None:
    client = make_client()
    client.get("/people/1/draft")
    answer = client.post(
        "/people/1/draft", data={"action": "sent", "kind": "follow_up", "body": "x"}
    )
    assert answer.status_code == 403
    assert sent_this_week() == 0
