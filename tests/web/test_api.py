"""The REST API on SQLite and PostgreSQL: every endpoint, its errors, tokens and accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kith.cli import shapes
from kith.domain.model import Person
from kith.storage.accounts import Account
from web.webtools import Api, kith_of, make_app, new_token

MARIAM = {
    "name": "Mariam Haddad",
    "emails": ["Mariam@Example.org"],
    "phones": ["+44 20 7183 8750"],
    "org": "Green Bank",
    "title": "Partner",
    "met_at": "the Forum",
    "met_on": "2026-11-20",
    "interests": ["climate finance"],
    "birthday": "1984-03-07",
}


def error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is the API's error object with ``status`` (and ``field``)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "field", "hint"}
    assert body["error"]["message"]
    if field is not None:
        assert body["error"]["field"] == field, body
    return dict(body["error"])


def seed(api: Api) -> tuple[int, int]:
    """Mariam (met at the Forum last week) and Bo (close circle, a call in October)."""
    mariam = api.post("/people", MARIAM)
    assert mariam.status_code == 201, mariam.text
    bo = api.post("/people", {"name": "Bo Chen", "circle": "close", "org": "Globex"})
    assert bo.status_code == 201, bo.text
    call = api.post(
        f"/people/{bo.json()['id']}/interactions",
        {"kind": "call", "on": "2026-10-01", "summary": "his move to Lisbon"},
    )
    assert call.status_code == 201, call.text
    return mariam.json()["id"], bo.json()["id"]


# -- tokens ------------------------------------------------------------------------------


def operations(api: Api) -> list[tuple[str, str]]:
    document = api.client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path.replace("{person_id}", "1"))
        for path, item in document["paths"].items()
        for method in item
    ]


def test_every_operation_needs_a_valid_api_token(api: Api) -> None:
    feed = new_token(api.app, scope="feed")
    assert len(operations(api)) == 15
    for method, path in operations(api):
        for headers in (
            {},
            {"Authorization": "Bearer kith_not-a-token"},
            {"Authorization": f"Basic {api.token}"},
            {"Authorization": f"Bearer {feed}"},  # a feed token is for the calendar feed only
            {"Authorization": "Bearer " + "x" * 5000},
        ):
            response = api.client.request(method, path, headers=headers, json={})
            found = error(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer"), path
            assert "token" in found["message"]
    assert api.get("/people").status_code == 200


def test_a_token_of_a_removed_account_is_refused(
    api: Api, add_account: Callable[[str], Account]
) -> None:
    from kith.services import accounts

    add_account("ann")
    bob = add_account("bob")
    token = new_token(api.app, bob)
    assert api.get("/people", token=token).status_code == 200
    accounts.remove_account(kith_of(api.app).main, "bob")
    error(api.get("/people", token=token), 401)


def test_the_openapi_document_describes_errors_and_the_token(api: Api) -> None:
    document = api.client.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["token"]["description"],
    }
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["security"] == [{"token": []}], (method, path)
            for code in ("401", "422", "503"):
                schema = operation["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)
            if "{person_id}" in path:
                assert "404" in operation["responses"], (method, path)
    # The interactive docs come from Kith's own files: no CDN, and no inline script (CSP).
    docs = api.client.get("/api/docs")
    assert docs.status_code == 200
    assert 'data-openapi="/api/v1/openapi.json"' in docs.text
    assert "http" not in docs.text and "<script>" not in docs.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "kith-api-docs.js"):
        assert api.client.get("/static/swagger-ui/" + asset).status_code == 200


# -- people ------------------------------------------------------------------------------


def test_add_show_and_list_people(api: Api) -> None:
    mariam_id, bo_id = seed(api)
    mariam = api.get(f"/people/{mariam_id}")
    assert mariam.status_code == 200
    view = mariam.json()
    person = view["person"]
    # The same keys as `kith show --json` (docs/json.md).
    cli = shapes.person(Person(id=1, uid="u", name="x"))
    assert set(person) == set(cli)
    assert person["emails"] == ["mariam@example.org"]
    assert person["phones"] == ["+442071838750"]
    assert person["met"] == {"on": "2026-11-20", "at": "the Forum", "context": ""}
    assert person["birthday"] == "1984-03-07"
    assert person["created_at"] == "2026-11-26T12:00:00+00:00"
    assert set(view) == {
        "person", "standing", "suggestion", "interaction_count", "interactions", "outreach",
        "introductions", "sources",
    }  # fmt: skip
    assert view["suggestion"]["kind"] == "follow_up"
    assert view["interactions"][0]["summary"] == "Met at the Forum"
    assert view["standing"]["cadence_source"] == "default"

    everyone = api.get("/people").json()
    assert everyone["total"] == 2 and everyone["offset"] == 0 and everyone["limit"] == 50
    assert [p["name"] for p in everyone["items"]] == ["Bo Chen", "Mariam Haddad"]
    assert set(everyone["items"][0]) == {
        "id", "name", "org", "title", "circle", "cadence_days", "status", "label",
        "last_contact", "interactions",
    }  # fmt: skip
    assert everyone["items"][0]["label"] == "losing touch"

    page = api.get("/people?limit=1&offset=1").json()
    assert page["total"] == 2 and [p["id"] for p in page["items"]] == [mariam_id]
    assert api.get("/people?limit=1&offset=5").json() == {
        "total": 2, "offset": 5, "limit": 1, "items": [],
    }  # fmt: skip
    assert [p["id"] for p in api.get("/people?q=green+bank").json()["items"]] == [mariam_id]
    assert [p["id"] for p in api.get("/people?circle=close").json()["items"]] == [bo_id]
    assert [p["id"] for p in api.get("/people?interest=Climate+Finance").json()["items"]] == [
        mariam_id
    ]
    assert [p["id"] for p in api.get("/people?sort=last").json()["items"]] == [mariam_id, bo_id]
    assert api.get("/people?q=nobody").json()["total"] == 0


def test_edit_let_go_snooze_and_come_back(api: Api) -> None:
    mariam_id, bo_id = seed(api)
    edited = api.patch(
        f"/people/{bo_id}",
        {
            "emails": ["bo@globex.example"],
            "links": ["linkedin.com/in/bochen"],
            "interests": ["jazz", "sailing"],
            "every_days": 20,
            "introduced_by": mariam_id,
            "add_note": "likes espresso",
        },
    )
    assert edited.status_code == 200, edited.text
    bo = edited.json()
    assert bo["emails"] == ["bo@globex.example"]
    assert bo["links"] == ["https://linkedin.com/in/bochen"]
    assert sorted(bo["interests"]) == ["jazz", "sailing"]
    assert bo["cadence_days"] == 20
    assert bo["introduced_by"] == {"id": mariam_id, "name": "Mariam Haddad"}
    assert bo["notes"] == "likes espresso"
    assert bo["org"] == "Globex"  # left out: unchanged

    # Lists replace what is stored; null leaves a field; "" and 0 clear.
    bo = api.patch(
        f"/people/{bo_id}",
        {"emails": [], "interests": ["jazz"], "org": None, "introduced_by": 0, "circle": "auto"},
    ).json()
    assert bo["emails"] == [] and bo["interests"] == ["jazz"] and bo["org"] == "Globex"
    assert bo["introduced_by"] is None and bo["circle"] is None
    mariam = api.patch(f"/people/{mariam_id}", {"birthday": "", "name": "Mariam H. Haddad"})
    assert mariam.json()["birthday"] is None
    assert mariam.json()["family_name"] == "Haddad"

    snoozed = api.post(f"/people/{bo_id}/snooze", {"until": "2026-12-24"})
    assert snoozed.status_code == 200 and snoozed.json()["snoozed_until"] == "2026-12-24"
    gone = api.post(f"/people/{mariam_id}/let-go", {"reason": "moved on"})
    assert gone.status_code == 200
    assert gone.json()["status"] == "archived" and gone.json()["status_reason"] == "moved on"
    assert api.post(f"/people/{bo_id}/let-go").json()["status"] == "archived"
    assert api.get("/people").json()["total"] == 0
    archived = api.get("/people?status=archived").json()
    assert archived["total"] == 2
    assert {p["label"] for p in archived["items"]} == {"archived"}
    assert api.get("/people?q=haddad").json()["total"] == 1  # a search looks at everyone
    back = api.patch(f"/people/{mariam_id}", {"status": "active"})
    assert back.json()["status"] == "active" and back.json()["status_reason"] == ""
    assert api.get("/agenda").json()["totals"]["follow_up"] == 1


def test_people_errors(api: Api) -> None:
    _, bo_id = seed(api)
    for path in ("/people/99", "/people/99/interactions"):
        found = error(api.get(path), 404)
        assert found["hint"] == "GET /api/v1/people lists the people of this account"
    error(api.patch("/people/99", {"org": "X"}), 404)
    error(api.post("/people", {"name": "Ann", "introduced_by": 99}), 404, "introduced_by")
    assert api.get("/people?q=Ann").json()["total"] == 0  # nobody called "#99" was made
    error(api.post("/people", {"name": "x" * 301}), 422, "name")
    error(api.post("/people", {"name": "   "}), 422, "name")
    error(api.post("/people", {}), 422, "name")
    error(api.post("/people", {"name": "Ann", "notes": "n" * 10_001}), 422, "notes")
    error(api.post("/people", {"name": "Ann\x00Lee"}), 422, "name")
    error(api.post("/people", {"name": "Ann", "emails": ["not an address"]}), 422, "emails")
    error(api.post("/people", {"name": "Ann", "phones": ["12"]}), 422, "phones")
    error(api.post("/people", {"name": "Ann", "timezone": "Mars/Olympus"}), 422, "timezone")
    error(api.post("/people", {"name": "Ann", "circle": "best"}), 422, "circle")
    error(api.post("/people", {"name": "Ann", "birthday": "02-30"}), 422, "birthday")
    error(api.post("/people", {"name": "Ann", "met_on": "1066-10-14"}), 422, "met_on")
    error(api.post("/people", {"name": "Ann", "met_on": "2026-02-30"}), 422, "met_on")
    error(api.post("/people", {"name": "Ann", "every_days": "30"}), 422, "every_days")
    error(api.post("/people", {"name": "Ann", "circle": "close", "every_days": 30}), 422, "circle")
    error(api.post("/people", {"name": "Ann", "nickname": "A"}), 422, "nickname")
    error(api.post("/people", [1, 2]), 422)
    conflict = api.post("/people", {"name": "Ann", "emails": ["mariam@example.org"]})
    assert "Mariam Haddad" in error(conflict, 409)["message"]
    error(api.patch(f"/people/{bo_id}", {"introduced_by": bo_id}), 422, "introduced_by")
    error(api.patch(f"/people/{bo_id}", {"status": "gone"}), 422, "status")
    error(api.post(f"/people/{bo_id}/snooze", {"until": "2026-11-26"}), 422, "until")
    error(api.post(f"/people/{bo_id}/snooze", {}), 422, "until")
    error(api.post(f"/people/{bo_id}/let-go", {"reason": "r" * 2001}), 422, "reason")
    for query in ("limit=0", "limit=201", "offset=-1", "sort=age", "status=gone", "limt=5"):
        error(api.get("/people?" + query), 422)
    error(api.client.get("/api/v1/people?limt=5"), 401)  # the token first
    error(api.get("/people/0"), 422, "person_id")
    error(api.get("/people/2147483648"), 422, "person_id")
    error(api.get("/people/abc"), 422, "person_id")
    bad_json = api.client.post(
        "/api/v1/people",
        content=b'{"name": ',
        headers={**api.headers, "content-type": "application/json"},
    )
    error(bad_json, 422)
    nowhere = api.client.get("/api/v1/nowhere", headers=api.headers)
    error(nowhere, 404)
    wrong = api.client.delete(f"/api/v1/people/{bo_id}", headers=api.headers)
    error(wrong, 405)
    assert wrong.headers["allow"] == "GET, PATCH"
    # Addresses outside the API keep the app's own answer: a page.
    page = api.client.get("/nowhere")
    assert page.status_code == 404 and "Not here" in page.text


# -- interactions ------------------------------------------------------------------------


def test_log_and_list_interactions(api: Api) -> None:
    mariam_id, bo_id = seed(api)
    logged = api.post(
        f"/people/{mariam_id}/interactions",
        {
            "kind": "meeting",
            "on": "2026-11-25T09:30:00+01:00",
            "summary": "coffee about the fund",
            "others": [bo_id],
        },
    )
    assert logged.status_code == 201, logged.text
    item = logged.json()
    assert item["occurred_at"] == "2026-11-25T08:30:00+00:00"
    assert item["direction"] == "mutual" and item["source"] == "manual"
    assert item["people"] == [
        {"id": mariam_id, "name": "Mariam Haddad"},
        {"id": bo_id, "name": "Bo Chen"},
    ]
    email = api.post(f"/people/{bo_id}/interactions", {"kind": "email", "on": "2026-11-26"})
    assert email.json()["direction"] == "out"
    assert email.json()["occurred_at"] == "2026-11-26T12:00:00+00:00"
    note = api.post(f"/people/{bo_id}/interactions", {}).json()
    assert note["kind"] == "note" and note["occurred_at"] == "2026-11-26T12:00:00+00:00"

    bo = api.get(f"/people/{bo_id}/interactions").json()
    assert bo["total"] == 4
    assert [i["kind"] for i in bo["items"]] == ["note", "email", "meeting", "call"]
    page = api.get(f"/people/{bo_id}/interactions?limit=2&offset=2").json()
    assert [i["kind"] for i in page["items"]] == ["meeting", "call"] and page["total"] == 4
    recent = api.get("/interactions?limit=3").json()
    assert recent["total"] == 5 and len(recent["items"]) == 3
    assert recent["items"][0]["id"] == note["id"]

    error(api.post(f"/people/{bo_id}/interactions", {"on": "2026-11-27"}), 422, "on")
    error(api.post(f"/people/{bo_id}/interactions", {"on": "yesterday"}), 422, "on")
    error(api.post(f"/people/{bo_id}/interactions", {"on": 1764158400}), 422, "on")
    error(api.post(f"/people/{bo_id}/interactions", {"kind": "telegram"}), 422, "kind")
    error(api.post(f"/people/{bo_id}/interactions", {"direction": "up"}), 422, "direction")
    error(api.post(f"/people/{bo_id}/interactions", {"summary": "s" * 2001}), 422, "summary")
    error(api.post(f"/people/{bo_id}/interactions", {"others": [99]}), 404, "others")
    error(api.post(f"/people/{bo_id}/interactions", {"others": ["2"]}), 422)
    error(api.post("/people/99/interactions", {}), 404, "person_id")
    assert api.get("/interactions").json()["total"] == 5  # nothing was half-written


# -- the agenda, drafts and outreach -----------------------------------------------------


def test_agenda(api: Api) -> None:
    assert api.get("/agenda").json()["items"] == []
    mariam_id, bo_id = seed(api)
    today = api.get("/agenda").json()
    assert set(today) == {"date", "now", "items", "totals", "considered", "week"}
    assert today["date"] == "2026-11-26" and today["now"] == "2026-11-26T12:00:00+00:00"
    assert [(i["person"]["id"], i["kind"]) for i in today["items"]] == [
        (mariam_id, "follow_up"),
        (bo_id, "keep_in_touch"),
    ]
    assert today["items"][0]["reasons"][0] == "met at the Forum 6 days ago"
    assert today["totals"] == {
        "reply": 0, "follow_up": 1, "date": 0, "keep_in_touch": 1, "reconnect": 0,
    }  # fmt: skip
    assert today["week"] == {"start": "2026-11-23", "sent": 0, "goal": 10}
    assert len(api.get("/agenda?limit=1").json()["items"]) == 1
    later = api.get("/agenda?date=2027-06-01").json()
    assert later["date"] == "2027-06-01"
    assert {i["kind"] for i in later["items"]} <= {"reconnect", "keep_in_touch", "date"}
    for query in ("date=tomorrow", "date=0", "date=1066-10-14", "limit=0", "when=today"):
        error(api.get("/agenda?" + query), 422)


def test_drafts_sent_and_outreach(api: Api, db_url: str) -> None:
    mariam_id, bo_id = seed(api)
    draft = api.post(f"/people/{mariam_id}/drafts")
    assert draft.status_code == 201, draft.text
    found = draft.json()
    assert set(found) == {
        "person", "outreach_id", "kind", "channel", "subject", "body", "template", "reasons",
    }  # fmt: skip
    assert found["kind"] == "follow_up" and found["channel"] == "email"
    assert found["subject"] and "Mariam" in found["body"]
    assert found["person"] == {
        "id": mariam_id, "name": "Mariam Haddad", "emails": ["mariam@example.org"],
    }  # fmt: skip
    short = api.post(f"/people/{bo_id}/drafts", {"channel": "short", "save": False}).json()
    assert short["subject"] == "" and len(short["body"]) <= 300 and short["outreach_id"] is None
    intro = api.post(f"/people/{bo_id}/drafts", {"kind": "intro", "to": mariam_id}).json()
    assert intro["kind"] == "intro" and "Mariam" in intro["body"]
    error(api.post(f"/people/{bo_id}/drafts", {"kind": "ask_intro"}), 422, "to")
    error(api.post(f"/people/{bo_id}/drafts", {"kind": "intro", "to": bo_id}), 422, "to")
    error(api.post(f"/people/{bo_id}/drafts", {"kind": "intro", "to": 99}), 404, "to")
    error(api.post(f"/people/{bo_id}/drafts", {"channel": "fax"}), 422, "channel")
    error(api.post("/people/99/drafts"), 404)

    drafted = api.get("/outreach?state=drafted").json()
    assert [(o["person"]["id"], o["kind"]) for o in drafted["items"]] == [
        (bo_id, "intro"),
        (mariam_id, "follow_up"),
    ]
    sent = api.post(f"/people/{mariam_id}/sent")
    assert sent.status_code == 200, sent.text
    assert sent.json() == {
        "person": {"id": mariam_id, "name": "Mariam Haddad"},
        "outreach_id": found["outreach_id"],
        "kind": "follow_up",
        "sent_at": "2026-11-26T12:00:00+00:00",
    }
    other = api.post(f"/people/{bo_id}/sent", {"on": "2026-11-25", "kind": "keep_in_touch"})
    assert other.json()["sent_at"] == "2026-11-25T12:00:00+00:00"
    error(api.post(f"/people/{bo_id}/sent", {"on": "2026-12-01"}), 422, "on")
    outreach = api.get("/outreach").json()
    assert outreach["total"] == 2
    assert {o["state"] for o in outreach["items"]} == {"sent"}
    assert api.get("/outreach?state=drafted").json()["total"] == 0
    assert api.get(f"/outreach?person_id={mariam_id}").json()["total"] == 1
    error(api.get("/outreach?person_id=99"), 404)
    error(api.get("/outreach?state=lost"), 422, "state")
    assert api.get("/agenda").json()["week"]["sent"] == 2
    assert api.get(f"/people/{mariam_id}").json()["outreach"][0]["state"] == "sent"

    # 21 days later without an answer it is simply "no reply"; an answer makes it "replied".
    with TestClient(make_app(db_url, now="2026-12-30")) as later_client:
        later = Api(later_client.app, later_client, api.token)  # type: ignore[arg-type]
        later.post(f"/people/{bo_id}/interactions", {"kind": "email", "direction": "in"})
        states = {o["person"]["id"]: o["state"] for o in later.get("/outreach").json()["items"]}
        assert states == {mariam_id: "no_reply", bo_id: "replied"}
        assert later.get("/outreach?state=no_reply").json()["total"] == 1


# -- introductions -----------------------------------------------------------------------


def test_introductions_and_referrals(api: Api) -> None:
    mariam_id, bo_id = seed(api)
    ann_id = api.post("/people", {"name": "Ann Lee"}).json()["id"]
    made = api.post(
        "/introductions",
        {"kind": "introduction", "a": mariam_id, "b": bo_id, "note": "both into sailing"},
    )
    assert made.status_code == 201, made.text
    assert made.json() == {
        "id": made.json()["id"],
        "kind": "introduction",
        "introducer": None,
        "person_a": {"id": mariam_id, "name": "Mariam Haddad"},
        "person_b": {"id": bo_id, "name": "Bo Chen"},
        "direction": "made",
        "opportunity": "",
        "on": "2026-11-26",
        "note": "both into sailing",
        "outcome": "",
    }
    by_ann = api.post(
        "/introductions",
        {"kind": "introduction", "a": mariam_id, "b": bo_id, "by": ann_id, "on": "2025-05-01"},
    ).json()
    assert by_ann["introducer"] == {"id": ann_id, "name": "Ann Lee"} and by_ann["direction"] == ""
    given = api.post(
        "/introductions", {"kind": "referral", "person": bo_id, "opportunity": "the analyst role"}
    ).json()
    assert given["direction"] == "given" and given["person_b"] is None
    received = api.post(
        "/introductions",
        {"kind": "referral", "person": ann_id, "to": mariam_id, "direction": "received"},
    ).json()
    assert received["direction"] == "received" and received["person_b"]["id"] == mariam_id

    everything = api.get("/introductions").json()
    assert everything["total"] == 4
    assert everything["items"][-1]["id"] == by_ann["id"]  # the oldest last
    assert api.get("/introductions?kind=referral").json()["total"] == 2
    assert api.get(f"/introductions?person_id={ann_id}").json()["total"] == 2
    assert len(api.get(f"/people/{bo_id}").json()["introductions"]) == 3

    error(api.post("/introductions", {"kind": "introduction", "a": 1, "b": 1}), 422)
    error(api.post("/introductions", {"kind": "introduction", "a": 1, "b": 99}), 404, "b")
    error(api.post("/introductions", {"kind": "introduction", "a": 1, "b": 2, "by": 1}), 422, "by")
    error(api.post("/introductions", {"kind": "referral", "person": bo_id}), 422, "to")
    error(api.post("/introductions", {"kind": "wedding", "a": 1, "b": 2}), 422)
    error(api.post("/introductions", {"a": 1, "b": 2}), 422)
    error(api.get("/introductions?kind=wedding"), 422, "kind")
    error(api.get("/introductions?person_id=99"), 404)
    assert api.get("/introductions").json()["total"] == 4


# -- accounts ----------------------------------------------------------------------------


def test_accounts_never_see_each_others_people(
    api: Api, add_account: Callable[[str], Account], backend: str
) -> None:
    """Through B's token, nothing of A's: no id, list, search, agenda or write reaches A."""
    ann, bob = add_account("ann"), add_account("bob")
    assert ann.data == "" and bob.data  # the first account keeps the main database
    if backend == "postgresql":
        assert "kith_schema=kith_bob_" in bob.data
    a, b = new_token(api.app, ann), new_token(api.app, bob)

    # A's network: people, history, a sent draft, an introduction, a referral.
    ids = []
    for name in ("Mariam Haddad", "Bo Chen", "Carla Diaz"):
        made = api.post("/people", {**MARIAM, "name": name, "emails": [], "phones": []}, token=a)
        assert made.status_code == 201
        ids.append(made.json()["id"])
    api.post(f"/people/{ids[0]}/interactions", {"kind": "call"}, token=a)
    api.post(f"/people/{ids[0]}/drafts", token=a)
    api.post(f"/people/{ids[1]}/drafts", token=a)
    api.post(f"/people/{ids[1]}/sent", token=a)
    api.post("/introductions", {"kind": "introduction", "a": ids[0], "b": ids[1]}, token=a)
    api.post("/introductions", {"kind": "referral", "person": ids[2], "to": ids[0]}, token=a)
    before = {path: api.get(path, token=a).json() for path in ("/people", "/interactions")}

    # B starts empty and sees none of it, with the default token (main) untouched too.
    assert api.get("/people", token=b).json()["total"] == 0
    assert api.get("/people?q=mariam&status=all", token=b).json()["total"] == 0
    assert api.get("/people?interest=climate+finance", token=b).json()["total"] == 0
    assert api.get("/interactions", token=b).json()["total"] == 0
    assert api.get("/outreach", token=b).json()["total"] == 0
    assert api.get("/introductions", token=b).json()["total"] == 0
    assert api.get("/agenda", token=b).json()["items"] == []

    # Every operation with A's ids through B's token: 404, never A's data.
    for pid in ids:
        for method, path, body in (
            ("GET", f"/people/{pid}", None),
            ("PATCH", f"/people/{pid}", {"name": "Taken Over"}),
            ("POST", f"/people/{pid}/let-go", {}),
            ("POST", f"/people/{pid}/snooze", {"until": "2027-01-01"}),
            ("GET", f"/people/{pid}/interactions", None),
            ("POST", f"/people/{pid}/interactions", {"kind": "note"}),
            ("POST", f"/people/{pid}/drafts", {}),
            ("POST", f"/people/{pid}/sent", {}),
            ("GET", f"/outreach?person_id={pid}", None),
            ("GET", f"/introductions?person_id={pid}", None),
        ):
            response = api.client.request(
                method, "/api/v1" + path, json=body, headers={"Authorization": f"Bearer {b}"}
            )
            assert "Mariam" not in response.text
            error(response, 404)

    # B's own people get B's own ids, which may be the same numbers as A's: still apart.
    bob_person = api.post("/people", {"name": "Dan Brown", "org": "Initech"}, token=b).json()
    assert bob_person["id"] == ids[0]
    intro = api.post("/introductions", {"kind": "introduction", "a": ids[0], "b": ids[1]}, token=b)
    error(intro, 404)  # B has no person with A's second id
    api.post(f"/people/{ids[0]}/interactions", {"kind": "call", "summary": "B's call"}, token=b)
    assert api.get(f"/people/{ids[0]}", token=b).json()["person"]["name"] == "Dan Brown"
    assert api.get(f"/people/{ids[0]}", token=a).json()["person"]["name"] == "Mariam Haddad"
    assert [p["name"] for p in api.get("/people", token=b).json()["items"]] == ["Dan Brown"]
    assert api.get("/people?q=initech", token=a).json()["total"] == 0
    assert api.get("/interactions", token=b).json()["total"] == 1
    assert {path: api.get(path, token=a).json() for path in ("/people", "/interactions")} == before
    assert api.get("/outreach", token=a).json()["total"] == 2
    assert api.get("/introductions", token=a).json()["total"] == 2

    # The token of the single-user Kith (no account) reaches the main database: A's.
    assert api.get("/people").json()["total"] == 3


def test_dates_are_in_the_owners_time_zone(api: Api) -> None:
    from kith.services import people

    ctx = kith_of(api.app).context(None)
    people.update_owner(ctx, people.OwnerChanges(timezone="America/New_York"))
    pid = api.post("/people", {"name": "Ann Lee"}).json()["id"]
    item = api.post(f"/people/{pid}/interactions", {"on": "2026-11-20"}).json()
    assert item["occurred_at"] == "2026-11-20T17:00:00+00:00"
    naive = api.post(f"/people/{pid}/interactions", {"on": "2026-11-20T09:00:00"}).json()
    assert naive["occurred_at"] == "2026-11-20T14:00:00+00:00"
    assert api.get("/agenda").json()["date"] == date(2026, 11, 26).isoformat()


@pytest.mark.parametrize("name", ["x" * 300, "Dr " + "y" * 297])
def test_the_longest_names_fit(api: Api, name: str) -> None:
    """A 300-character name of one word must fit its given-name column (PostgreSQL)."""
    made = api.post("/people", {"name": name})
    assert made.status_code == 201, made.text
    assert made.json()["name"] == name
    assert api.patch(f"/people/{made.json()['id']}", {"name": name[::-1]}).status_code == 200
