"""The web pages through FastAPI's TestClient, on a real SQLite file and on PostgreSQL.

Each test builds the app the way ``kith serve`` does (``create_app``) on the
test database with a fixed "now", adds a few people through the services, and
then uses the pages as a browser would: plain requests for pages and forms,
``HX-Request`` headers for the HTMX fragments.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kith.config import load_settings
from kith.domain.model import InteractionKind
from kith.services import people
from kith.services.context import Context
from kith.web import charts
from kith.web.app import WebConfig, create_app, demo_target

NOW = "2026-11-26"
HTMX = {"HX-Request": "true"}


@dataclass
class Site:
    client: TestClient
    ctx: Context
    ids: dict[str, int]
    db_url: str

    def csrf(self) -> str:
        page = self.client.get("/people/new").text
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page[:500]
        return found.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(
            path, data={"csrf": self.csrf(), **(data or {})}, follow_redirects=False, **kwargs
        )

    def today(self) -> str:
        response = self.client.get("/")
        assert response.status_code == 200
        return response.text


def add(ctx: Context, name: str, **values: Any) -> int:
    return people.add_person(ctx, people.PersonChanges(name=name, **values)).person.id


@pytest.fixture
def site(
    env: dict[str, str], db_url: str, make_ctx: Callable[[str | datetime], Context]
) -> Iterator[Site]:
    ctx = make_ctx(NOW)
    people.update_owner(ctx, people.OwnerChanges(name="Sam Rivera", interests=["climate finance"]))
    ids = {
        "mariam": add(
            ctx,
            "Mariam Haddad",
            org="Green Bank",
            met_at="the Forum",
            met_on=date(2026, 11, 20),
            add_interests=["climate finance"],
            add_emails=["mariam@example.org"],
        ),
        "bo": add(ctx, "Bo Chen", circle="close", org="Harbour Studio"),
        "zed": add(ctx, "Zed Quill", circle="inner", notes="<script>alert(1)</script>"),
    }
    people.log_interaction(
        ctx,
        [f"#{ids['bo']}"],
        kind=InteractionKind.CALL,
        on=datetime(2026, 10, 1, 12, tzinfo=UTC),
        summary="his move to Lisbon",
    )
    people.log_interaction(
        ctx,
        [f"#{ids['zed']}"],
        kind=InteractionKind.MEETING,
        on=datetime(2026, 9, 1, 12, tzinfo=UTC),
        summary="<b>bold</b> plans",
    )
    app = create_app(WebConfig(load_settings(), db=db_url, now=NOW))
    with TestClient(app) as client:
        yield Site(client, ctx, ids, db_url)


def test_every_page_renders(site: Site) -> None:
    pages = {
        "/": "Today",
        "/people": "Mariam Haddad",
        f"/people/{site.ids['mariam']}": "Where things stand",
        f"/people/{site.ids['mariam']}/edit": "Edit Mariam Haddad",
        "/people/new": "Add someone",
        "/network": "People by circle",
        "/demo": "A demo network",
    }
    for path, text in pages.items():
        response = site.client.get(path)
        assert response.status_code == 200, path
        assert text in response.text, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert ' style="' not in response.text, path  # the CSP allows no inline styles
        assert "<script>" not in response.text, path  # scripts come from files only
        ids = re.findall(r'\sid="([^"]+)"', response.text)
        assert len(ids) == len(set(ids)), (path, sorted(i for i in ids if ids.count(i) > 1))
        for label in re.findall(r'<label for="([^"]+)"', response.text):
            assert f'id="{label}"' in response.text, (path, label)


def test_today_shows_reasons_and_the_week(site: Site) -> None:
    page = site.today()
    assert "Mariam Haddad" in page and "Bo Chen" in page
    assert "met at the Forum" in page
    assert f'href="/people/{site.ids["mariam"]}/draft"' in page
    assert "0</strong> of 10 reached out to" in page


def test_an_empty_database_welcomes(
    env: dict[str, str], db_url: str, make_ctx: Callable[[str | datetime], Context]
) -> None:
    make_ctx(NOW)  # creates the schema
    with TestClient(create_app(WebConfig(load_settings(), db=db_url, now=NOW))) as client:
        page = client.get("/").text
    assert "Welcome to Kith" in page
    for link in ("/import", "/people/new", "/demo"):
        assert f'href="{link}"' in page


def test_search_finds_by_name_organisation_and_interest(site: Site) -> None:
    for words in ("haddad", "green bank", "climate", "mar"):
        page = site.client.get("/people", params={"q": words}).text
        assert "Mariam Haddad" in page, words
        assert "Bo Chen" not in page, words
    fragment = site.client.get(
        "/people", params={"q": "lisbon harbour"}, headers={**HTMX, "HX-Target": "results"}
    )
    assert "<html" not in fragment.text
    assert fragment.headers["HX-Push-Url"] == "/people?q=lisbon+harbour"
    assert "Bo Chen" in fragment.text or "Nobody matches" in fragment.text
    assert "Bo Chen" in site.client.get("/people", params={"q": "harbour"}).text
    nobody = site.client.get("/people", params={"q": "zzqq"}).text
    assert "Nobody matches" in nobody


def test_sort_filter_and_pages(site: Site) -> None:
    for i in range(52):
        add(site.ctx, f"Filler {i:02d}", circle="acquaintance")
    first = site.client.get("/people").text
    assert "1–50 of 55 people." in first
    assert 'rel="next"' in first and "Zed Quill" not in first
    second = site.client.get("/people", params={"page": 2}).text
    assert "51–55 of 55 people." in second and "Zed Quill" in second
    inner = site.client.get("/people", params={"circle": "inner"}).text
    assert "Zed Quill" in inner and "Filler" not in inner and "1–1 of" not in inner
    liked = site.client.get("/people", params={"interest": "Climate Finance"}).text
    assert "Mariam Haddad" in liked and "Bo Chen" not in liked
    strongest = site.client.get("/people", params={"sort": "strength"}).text
    shown = [int(n) for n in re.findall(r"</meter> (\d+)</span>", strongest)]
    assert len(shown) == 50 and shown == sorted(shown, reverse=True) and shown[0] > 0
    overdue = site.client.get("/people", params={"sort": "overdue"}).text
    names = re.findall(r'<a href="/people/\d+">([^<]+)</a>', overdue)
    assert names[:2] == ["Zed Quill", "Bo Chen"]  # due 15 September, then 31 October
    assert "since 15 Sep 2026" in overdue
    site.post(f"/people/{site.ids['bo']}/let-go", {"reason": "moved on"})
    archived = site.client.get("/people", params={"status": "archived"}).text
    assert "Bo Chen" in archived and "Mariam Haddad" not in archived


def test_edit_in_place_saves(site: Site) -> None:
    pid = site.ids["mariam"]
    form = site.client.get(f"/people/{pid}/edit", headers=HTMX).text
    assert form.startswith("<form") or '<form id="profile"' in form
    assert "<html" not in form
    response = site.client.post(
        f"/people/{pid}/edit",
        data={
            "csrf": site.csrf(),
            "name": "Mariam Haddad",
            "org": "Blue Bank",
            "title": "Economist",
            "emails": "mariam@example.org\nmh@blue.example",
            "interests": "climate finance, sailing",
            "circle": "close",
            "met_at": "the Forum",
            "met_on": "2026-11-20",
            "notes": "likes <em>maps</em>",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="profile"' in response.text and "Saved." in response.text
    assert "Economist · Blue Bank" in response.text
    assert "&lt;em&gt;maps&lt;/em&gt;" in response.text
    stored = people.show(site.ctx, f"#{pid}").person
    assert (stored.org, stored.circle and stored.circle.value) == ("Blue Bank", "close")
    assert set(stored.emails) == {"mariam@example.org", "mh@blue.example"}
    assert set(stored.interests) == {"climate finance", "sailing"}
    bad = site.client.post(
        f"/people/{pid}/edit",
        data={"csrf": site.csrf(), "name": "Mariam Haddad", "timezone": "Mars/Base"},
        headers=HTMX,
    )
    assert "is not a time zone" in bad.text and "<form" in bad.text
    plain = site.post(f"/people/{pid}/edit", {"name": "Mariam H. Haddad"})
    assert plain.status_code == 303
    assert "Mariam H. Haddad" in site.client.get(f"/people/{pid}").text


def test_logging_an_interaction_changes_today(site: Site) -> None:
    pid = site.ids["bo"]
    assert "Bo Chen" in site.today()
    response = site.client.post(
        f"/people/{pid}/log",
        data={"csrf": site.csrf(), "kind": "call", "on": NOW, "summary": "caught up on Lisbon"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Logged a call" in response.text and "caught up on Lisbon" in response.text
    assert "logged by you" in response.text
    assert "Bo Chen" not in site.today()
    future = site.post(f"/people/{pid}/log", {"kind": "call", "on": "2027-01-01"})
    assert future.status_code == 303
    assert "has not happened yet" in site.client.get(f"/people/{pid}").text


def test_done_snooze_and_let_go_change_today(site: Site) -> None:
    mariam, bo = site.ids["mariam"], site.ids["bo"]
    done = site.client.post(f"/people/{mariam}/done", data={"csrf": site.csrf()}, headers=HTMX).text
    assert 'class="card acted"' in done and "you reached out to Mariam Haddad" in done
    assert 'id="week" class="week card quiet-card"' in done and "hx-swap-oob" in done
    assert "1</strong> of 10" in done
    page = site.today()
    assert f'id="item-{mariam}"' not in page
    assert "1</strong> of 10 reached out to" in page

    snoozed = site.client.post(f"/people/{bo}/snooze", data={"csrf": site.csrf()}, headers=HTMX)
    assert "Snoozed Bo Chen until Thursday 3 December" in snoozed.text
    assert f'id="item-{bo}"' not in site.today()
    undo = site.client.post(
        f"/people/{bo}/unsnooze", data={"csrf": site.csrf(), "until": ""}, headers=HTMX
    )
    assert "back on your list" in undo.text
    assert f'id="item-{bo}"' in site.today()
    picked = site.post(f"/people/{bo}/snooze", {"until": "2027-01-15"})
    assert picked.status_code == 303 and picked.headers["location"] == "/"
    assert "Snoozed Bo Chen until Friday 15 January" in site.today()
    site.post(f"/people/{bo}/unsnooze", {"until": ""})

    gone = site.client.post(
        f"/people/{bo}/let-go", data={"csrf": site.csrf(), "reason": "moved on"}, headers=HTMX
    )
    assert "Let go of Bo Chen" in gone.text and "/restore" in gone.text
    assert f'id="item-{bo}"' not in site.today()
    person = site.client.get(f"/people/{bo}").text
    assert "let go: moved on" in person
    site.client.post(f"/people/{bo}/restore", data={"csrf": site.csrf()}, headers=HTMX)
    assert f'id="item-{bo}"' in site.today()


def test_posts_without_the_csrf_token_are_refused(site: Site) -> None:
    pid = site.ids["mariam"]
    for path in (
        f"/people/{pid}/done",
        f"/people/{pid}/snooze",
        f"/people/{pid}/let-go",
        f"/people/{pid}/edit",
        f"/people/{pid}/log",
        "/people/new",
        "/demo",
        "/demo/leave",
    ):
        response = site.client.post(path, data={"name": "X"}, follow_redirects=False)
        assert response.status_code == 403, path
        wrong = site.client.post(path, data={"csrf": "not-it"}, follow_redirects=False)
        assert wrong.status_code == 403, path
    assert f'id="item-{pid}"' in site.today()


def test_user_content_is_escaped(site: Site) -> None:
    pid = site.ids["zed"]
    pages = [
        site.client.get(f"/people/{pid}").text,
        site.client.get("/people", params={"q": "script"}).text,
    ]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
    assert "&lt;b&gt;bold&lt;/b&gt; plans" in pages[0]
    for page in pages:
        assert "<script>alert(1)" not in page and "<b>bold</b>" not in page
    new = site.post("/people/new", {"name": "<img src=x onerror=alert(2)>"})
    assert new.status_code == 303
    page = site.client.get(new.headers["location"]).text
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "<img src=x" not in page


def test_unknown_ids_are_a_plain_404(site: Site) -> None:
    for path in ("/people/999999", "/people/abc", "/people/999999/edit", "/nowhere"):
        response = site.client.get(path)
        assert response.status_code == 404, path
        assert "Not here" in response.text and "Traceback" not in response.text
    assert site.post("/people/999999/done").status_code == 404
    assert site.client.get("/people/999999", headers={"accept": "application/json"}).json()


def test_another_accounts_person_is_not_found(site: Site) -> None:
    from kith.services import accounts

    main = site.ctx.db
    accounts.add_account(main, site.db_url, "sam", "correct horse battery", site.ctx.now)
    other = accounts.add_account(main, site.db_url, "alex", "another good password", site.ctx.now)
    assert other.data  # alex's people live in a database of their own
    try:
        client = site.client
        assert client.get("/", follow_redirects=False).status_code == 303
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert csrf
        signed = client.post(
            "/login",
            data={"csrf": csrf.group(1), "username": "alex", "password": "another good password"},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        assert "Welcome to Kith" in client.get("/").text
        for pid in site.ids.values():
            assert client.get(f"/people/{pid}").status_code == 404
        assert "Mariam" not in client.get("/people", params={"q": "mariam"}).text
    finally:
        site.client.app.state.kith.close()  # type: ignore[attr-defined]
        _drop_schema(other.data)


def test_the_demo_network_is_kept_apart(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from kith.web import pages

    monkeypatch.setattr(pages, "DEMO_PEOPLE", 40)
    target = demo_target(site.db_url)
    _drop_schema(target)
    before = people.list_people(site.ctx, status="all", limit=None).total
    try:
        assert "Build it and look around" in site.client.get("/demo").text
        if "://" not in target:
            assert not Path(target).exists()  # looking is not building
        started = site.post("/demo")
        assert started.status_code == 303
        page = site.today()
        assert "You are exploring a demo network" in page and "back to yours" in page
        listed = site.client.get("/people", params={"status": "all"}).text
        assert "of 40 people." in listed and "Mariam Haddad" not in listed
        assert people.list_people(site.ctx, status="all", limit=None).total == before
        assert "Open the demo network" not in site.client.get("/demo").text  # exploring now
        left = site.post("/demo/leave")
        assert left.status_code == 303
        page = site.today()
        assert "You are exploring a demo network" not in page and "Mariam Haddad" in page
        assert "Open the demo network" in site.client.get("/demo").text
    finally:
        site.client.app.state.kith.close()  # type: ignore[attr-defined]
        _drop_schema(target)


def test_duplicates_and_merging(site: Site) -> None:
    jon = add(site.ctx, "Jon Smith", org="Acme")
    john = add(site.ctx, "John Smith", org="Acme")
    found = site.client.get(f"/people/{jon}/duplicates", headers=HTMX).text
    assert "John Smith" in found and f"/people/{jon}/merge/{john}" in found
    confirm = site.client.get(f"/people/{jon}/merge/{john}").text
    assert "Keep Jon Smith" in confirm and "Keep John Smith" in confirm
    merged = site.post(f"/people/{jon}/merge", {"keep": john, "drop": jon})
    assert merged.status_code == 303 and merged.headers["location"] == f"/people/{john}"
    assert "Merged Jon Smith into John Smith" in site.client.get(f"/people/{john}").text
    assert site.client.get(f"/people/{jon}").status_code == 404


def test_adding_someone(site: Site) -> None:
    response = site.post(
        "/people/new",
        {
            "name": "Ana Lima",
            "email": "ana@example.org",
            "met_at": "the Lisbon meetup",
            "met_on": "2026-11-24",
            "introduced_by": "Mariam Haddad",
            "interests": "climate finance, surfing",
            "circle": "active",
        },
    )
    assert response.status_code == 303
    page = site.client.get(response.headers["location"]).text
    assert "at the Lisbon meetup on 24 November 2026" in page
    assert f'href="/people/{site.ids["mariam"]}">Mariam Haddad</a>' in page
    assert "1 you share" in page
    assert "Ana Lima" in site.today()
    empty = site.post("/people/new", {"name": " "})
    assert empty.status_code == 422 and "needs a name" in empty.text


def test_network_charts_are_well_formed_svg(site: Site) -> None:
    site.post(f"/people/{site.ids['mariam']}/done")
    page = site.client.get("/network").text
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) == 4
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
        assert root.get("aria-labelledby", "").endswith("-desc")
    assert "The numbers" in page


def test_charts_escape_their_text() -> None:
    svg = charts.bar_chart(
        chart_id="x",
        title="<b>T & T</b>",
        desc='a "quoted" <desc>',
        labels=["<one>", "two & three"],
        series=[charts.Series("a<", [1, 2]), charts.Series("b", [0, 3], 1)],
    )
    root = ET.fromstring(svg)
    assert root.findtext("{http://www.w3.org/2000/svg}title") == "<b>T & T</b>"
    assert "<one>" not in svg and "&lt;one&gt;" in svg
    line = charts.line_chart(
        chart_id="y", title="t", desc="d", labels=["a", "b"], series=[charts.Series("s", [1, 5])]
    )
    ET.fromstring(line)
    bars = charts.hbar_chart(
        chart_id="z", title="t", desc="d", labels=["a"], series=[charts.Series("s", [0])]
    )
    ET.fromstring(bars)
    assert charts.nice_ticks(7, whole=True) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(0.5, whole=True) == [0, 1]


def _drop_schema(target: str) -> None:
    """Remove an account's or a demo's PostgreSQL schema after a test (files go with tmp_path)."""
    url = sa.engine.make_url(target) if "://" in target else None
    if url is None or url.get_backend_name() != "postgresql":
        return
    schema = url.query.get("kith_schema")
    if not isinstance(schema, str):
        return
    engine = sa.create_engine(url.difference_update_query(["kith_schema"]))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


def test_the_network_page_follows_every_change(site: Site) -> None:
    def people_by_circle() -> int:
        found = re.search(r"([\d,]+) people by circle", site.client.get("/network").text)
        assert found
        return int(found.group(1).replace(",", ""))

    before = people_by_circle()
    assert people_by_circle() == before  # kept: nothing changed
    added = site.post("/people/new", {"name": "Noor Haddad", "met_at": "the Forum"})
    assert added.status_code in (200, 303)
    assert people_by_circle() == before + 1
