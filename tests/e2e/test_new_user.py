"""A new user's path, end to end, in Debian's Chromium: first run, adding someone met at
an event, Today's follow-up, logging a call, months later the reconnect draft, marking it
sent. On a laptop in light and a phone in dark; a screenshot at every step, and not one
console error, CSP violation, failed request or script error on the way.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Response, expect

from e2e.rig import DEVICES, Server, shot

MET_ON = "2026-11-22"  # four days before the rig's now, 2026-11-26
LATER = "2027-08-12T10:00:00"  # about nine months on: time to reconnect


@pytest.mark.parametrize(("device", "size", "scheme"), DEVICES)
def test_a_new_users_path(
    browser: Browser, server: Server, device: str, size: dict[str, int], scheme: str
) -> None:
    context = browser.new_context(viewport=size, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))

    def failed(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("response", failed)

    def step(name: str) -> None:
        shot(page, f"{name}-{device}-{scheme}")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= size["width"], (name, f"the page scrolls sideways: {wide}px")
        assert problems == [], (name, problems)

    # 1. First run: the welcome page, and its way to add someone.
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Welcome to Kith")).to_be_visible()
    step("01-welcome")
    page.get_by_role("link", name="Add someone you met").click()
    expect(page.get_by_role("heading", name="Add someone")).to_be_visible()

    # 2. Someone met at an event, a few days ago.
    page.get_by_label("Name", exact=True).fill("Ana Silva")
    page.get_by_label("E-mail").fill("ana@example.org")
    page.get_by_label("Where you met").fill("the Climate Forum")
    page.get_by_label("When", exact=True).fill(MET_ON)
    page.get_by_label("Interests").fill("climate finance, cycling")
    step("02-add-someone")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/\d+$"))
    person_url = page.url
    expect(page.get_by_role("heading", name="Ana Silva", level=1)).to_be_visible()
    expect(page.get_by_text("Added Ana Silva.")).to_be_visible()
    expect(page.get_by_text("at the Climate Forum on 22 November 2026")).to_be_visible()
    expect(page.get_by_text("Nobody else looks like them.")).to_be_visible()  # HTMX
    step("03-person-added")

    # 3. Today has her: a follow-up, because of the event.
    page.get_by_role("link", name="Today").first.click()
    expect(page.get_by_role("heading", name=re.compile("^Today"))).to_be_visible()
    card = page.locator(".agenda-item").filter(has=page.get_by_role("link", name="Ana Silva"))
    expect(card).to_have_count(1)
    expect(card.locator(".kind")).to_have_text("follow up")
    expect(card.get_by_role("listitem").first).to_have_text("met at the Climate Forum 3 days ago")
    expect(page.get_by_text("One person worth reaching out to today, and why.")).to_be_visible()
    expect(page.get_by_text("0 of 10 reached out to.")).to_be_visible()
    step("04-today-follow-up")

    # 4. A call with her, logged on her page (HTMX swaps the story in place).
    card.get_by_role("link", name="Ana Silva").click()
    expect(page).to_have_url(person_url)
    standing = page.get_by_role("region", name="Where things stand")
    expect(standing.get_by_text("On today's list:")).to_be_visible()
    expect(
        standing.get_by_text("3 days ago", exact=True)
    ).to_be_visible()  # last contact: the meeting
    log = page.get_by_role("region", name="Log an interaction")
    log.get_by_label("Kind").select_option("call")
    log.get_by_label("About").fill("her climate finance fund")
    log.get_by_role("button", name="Log it").click()
    expect(log.get_by_role("status")).to_have_text("Logged a call on 26 November.")
    standing = page.get_by_role("region", name="Where things stand")
    expect(standing.get_by_text("On today's list:")).to_have_count(0)
    expect(standing.get_by_text("today", exact=True)).to_be_visible()  # last contact
    history = page.get_by_role("region", name=re.compile("^History"))
    expect(history.get_by_role("heading")).to_have_text("History 2 in all")
    expect(history.get_by_text("her climate finance fund")).to_be_visible()
    step("05-call-logged")

    # ... and Today changes: the call was the follow-up, so nobody is due.
    page.get_by_role("link", name="Today").first.click()
    expect(page.locator(".agenda-item")).to_have_count(0)
    expect(page.get_by_text("Nobody needs you today.")).to_be_visible()
    step("06-today-after-call")

    # 5. Nine months on (same database, the clock moved): Today suggests reconnecting.
    server.restart(LATER)
    page.goto(server.url + "/")
    card = page.locator(".agenda-item").filter(has=page.get_by_role("link", name="Ana Silva"))
    expect(card.locator(".kind")).to_have_text("reconnect")
    expect(card.get_by_text("met at the Climate Forum 9 months ago")).to_be_visible()
    step("07-today-reconnect")
    card.get_by_role("link", name="Draft a message").click()
    expect(page.get_by_role("heading", name="A message to Ana Silva")).to_be_visible()
    kind = page.get_by_label("What kind")
    body = page.get_by_role("textbox", name="Message")
    # The kind picker redrafts in place: away to a follow-up, then back to reconnect.
    kind.select_option(label="Keep in touch")
    expect(body).not_to_have_value(re.compile("Climate Forum"))
    kind.select_option(label="Reconnect")
    expect(kind).to_have_value("reconnect")
    expect(body).to_have_value(re.compile("the Climate Forum"))
    expect(page.get_by_label("Subject")).to_have_value(re.compile(r"\S"))
    expect(page.get_by_role("link", name="Open in your mail app")).to_have_attribute(
        "href", re.compile(r"^mailto:ana@example\.org\?")
    )
    step("08-draft-reconnect")

    # 6. Sent from the mail app; marked sent here.
    page.get_by_role("button", name="Mark sent").click()
    expect(page.get_by_role("heading", name="Marked as sent")).to_be_visible()
    expect(page.get_by_text("Your reconnect message to Ana Silva is noted.")).to_be_visible()
    step("09-marked-sent")
    page.get_by_role("link", name="Ana Silva").click()
    history = page.get_by_role("region", name=re.compile("^History"))
    expect(history.get_by_role("heading")).to_have_text("History 3 in all")
    expect(history.get_by_text("Sent a reconnect message")).to_be_visible()
    standing = page.get_by_role("region", name="Where things stand")
    expect(standing.get_by_text("waiting for reply")).to_be_visible()
    expect(page.get_by_text("Nobody else looks like them.")).to_be_visible()  # HTMX
    step("10-person-after-sent")
    page.get_by_role("link", name="Today").first.click()
    expect(page.get_by_text("Nobody needs you today.")).to_be_visible()
    week = page.get_by_role("region", name="This week")
    expect(week.get_by_text("1 of 10 reached out to.")).to_be_visible()
    expect(week.get_by_role("link", name="Ana Silva")).to_be_visible()
    step("11-today-after-sent")

    assert problems == [], problems
    context.close()
