"""The agenda feed: /feeds/{token}.ics, read back with the icalendar library."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import icalendar
import pytest
from fastapi.testclient import TestClient

from conftest import KithRunner
from kith.services import accounts as account_service

Make = Callable[..., TestClient]
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("network")


def feed_token(client: TestClient, account_id: int | None = None) -> str:
    main = client.app.state.kith.main  # type: ignore[attr-defined]
    return account_service.create_token(
        main, account_id=account_id, name="calendar", scope="feed", now=NOW
    )


def events(text: bytes) -> tuple[icalendar.Calendar, list[icalendar.Event]]:
    calendar = icalendar.Calendar.from_ical(text)
    return calendar, list(calendar.walk("VEVENT"))


def test_the_feed_is_today_as_all_day_events(make_client: Make) -> None:
    client = make_client()
    token = feed_token(client)
    answer = client.get(f"/feeds/{token}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar, found = events(answer.content)
    assert str(calendar["X-WR-CALNAME"]) == "Kith — today"
    assert str(calendar["VERSION"]) == "2.0" and "Kith" in str(calendar["PRODID"])
    today = [e for e in found if e.decoded("DTSTART") == date(2026, 11, 26)]
    summaries = {str(e["SUMMARY"]) for e in today}
    assert "Reach out to Mariam Haddad (follow up)" in summaries
    mariam = next(e for e in today if "Mariam" in str(e["SUMMARY"]))
    assert mariam.decoded("DTEND") == date(2026, 11, 27)  # all day
    description = str(mariam["DESCRIPTION"])
    assert "met at the Forum" in description and "climate finance" in description
    assert str(mariam["URL"]).startswith("http://testserver/people/")
    assert "/draft" in description
    for event in found:
        assert date(2026, 11, 26) <= event.decoded("DTSTART") <= date(2026, 12, 2)
        assert str(event["SUMMARY"]).startswith("Reach out to ")
    people = [str(e["SUMMARY"]) for e in found]
    assert len(people) == len(set(people))  # each person once in the week
    again = events(client.get(f"/feeds/{token}.ics").content)[1]
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in found]  # stable UIDs
    assert len({str(e["UID"]) for e in found}) == len(found)


def test_later_days_show_who_becomes_due(make_client: Make, kith: KithRunner) -> None:
    assert kith("--now 2026-10-27 add 'Lina Park' --email lina@example.com --every 30").code == 0
    assert kith("--now 2026-10-28 log 'Lina Park' --kind call --on 2026-10-28").code == 0
    client = make_client()
    _, found = events(client.get(f"/feeds/{feed_token(client)}.ics").content)
    lina = [e for e in found if "Lina Park" in str(e["SUMMARY"])]
    assert len(lina) == 1
    assert lina[0].decoded("DTSTART") == date(2026, 11, 27)  # 30 days after the call
    assert "if nothing changes" in str(lina[0]["DESCRIPTION"])


def test_a_wrong_token_is_a_plain_404(make_client: Make) -> None:
    client = make_client()
    api = account_service.create_token(
        client.app.state.kith.main,  # type: ignore[attr-defined]
        account_id=None, name="script", scope="api", now=NOW,
    )  # fmt: skip
    unknown = client.get("/no-such-page")
    for wrong in ("feed_not-a-token", api, "", "x" * 300):
        answer = client.get(f"/feeds/{wrong}.ics")
        assert answer.status_code == 404
        assert answer.text == unknown.text  # no hint that feeds exist


def test_an_accounts_feed_shows_only_their_people(make_client: Make, kith: KithRunner) -> None:
    assert kith("user add sam --password correct-horse-battery").code == 0
    assert kith("user add ada --password another-long-password").code == 0
    client = make_client()
    main = client.app.state.kith.main  # type: ignore[attr-defined]
    ada = next(a for a in account_service.list_accounts(main) if a.username == "ada")
    sam = next(a for a in account_service.list_accounts(main) if a.username == "sam")
    _, ada_events = events(client.get(f"/feeds/{feed_token(client, ada.id)}.ics").content)
    assert ada_events == []  # ada starts with an empty network
    _, sam_events = events(client.get(f"/feeds/{feed_token(client, sam.id)}.ics").content)
    assert any("Mariam Haddad" in str(e["SUMMARY"]) for e in sam_events)
