"""schemathesis against the API's own OpenAPI document, on SQLite and PostgreSQL.

For every operation, Hypothesis makes requests from the document: valid ones
(``positive``), and ones that break it (``negative``: wrong types, values out of
range, unknown keys and parameters, NUL characters…), with a valid token.
Every response must be no server error, have a status code, content type,
headers and body that the document describes, and a request that breaks the
document must be refused.  Operations on one person run twice: with any id
(almost always nobody, 404) and with the id of someone who is there, so that
the happy paths meet random bodies too.

``schemathesis.pytest.from_fixture`` does not work with this pytest (9.2), so
the operations' strategies are run with ``hypothesis.given`` directly, which
also lets the same test run on both backends.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from web.webtools import Api

CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
]
#: Examples per operation and mode; KITH_API_EXAMPLES=500 for a long hunt.
EXAMPLES = int(os.environ.get("KITH_API_EXAMPLES", "15"))


def seed(api: Api) -> None:
    for body in (
        {"name": "Mariam Haddad", "met_at": "the Forum", "met_on": "2026-11-20"},
        {"name": "Bo Chen", "circle": "close", "introduced_by": 1},
        {"name": "Ann Lee", "every_days": 30, "birthday": "--12-01"},
    ):
        assert api.post("/people", body).status_code == 201
    assert api.post("/people/2/interactions", {"kind": "call", "on": "2026-10-01"}).is_success
    assert api.post("/people/1/drafts").is_success
    assert api.post("/people/2/drafts").is_success
    assert api.post("/people/2/sent").is_success
    assert api.post("/introductions", {"kind": "introduction", "a": 1, "b": 2}).is_success


def test_the_api_keeps_to_its_openapi_document(api: Api) -> None:
    seed(api)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api.app)
    failures: list[str] = []
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        variants: list[dict[str, Any]] = [{}]
        if "{person_id}" in operation.path:
            variants.append({"path_parameters": {"person_id": 2}})
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for fixed in variants:
                strategy = operation.as_strategy(generation_mode=mode, **fixed)

                @given(case=strategy)
                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(HealthCheck),
                )
                def run(case: schemathesis.Case) -> None:
                    case.call_and_validate(headers=api.headers, checks=CHECKS)

                tried += 1
                try:
                    run()
                except Exception as exc:
                    failures.append(f"{operation.label} ({mode.value}, {fixed}):\n{exc}")
    assert tried == 2 * (15 + 8)  # every operation, and again for the 8 on one person
    assert not failures, "\n\n".join(failures)
