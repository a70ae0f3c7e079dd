"""The verdict on a message from its headers alone: personal or not, and which way."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kith.domain.mail import (
    Address,
    MailDirection,
    MailHeaders,
    MailRules,
    Owner,
    Verdict,
    judge,
)

OWNER = Owner(["sam@home.example", "s.rivera@work.example"])
RULES = MailRules()
WHEN = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def msg(sender: str, to: list[str], cc: list[str] | None = None, **extra: str) -> MailHeaders:
    return MailHeaders(
        message_id="m1@x",
        date=WHEN,
        sender=Address(sender, ""),
        to=tuple(Address(a) for a in to),
        cc=tuple(Address(a) for a in cc or []),
        **extra,  # type: ignore[arg-type]
    )


def test_written_by_the_owner_is_outbound_to_everyone_else() -> None:
    found = judge(msg("s.rivera@work.example", ["ann@a.example"], ["bo@b.example"]), OWNER, RULES)
    assert (found.verdict, found.direction) == (Verdict.PERSONAL, MailDirection.OUT)
    assert [a.email for a in found.others] == ["ann@a.example", "bo@b.example"]


def test_to_the_owner_is_inbound_and_says_whether_they_were_addressed_or_copied() -> None:
    direct = judge(msg("ann@a.example", ["sam@home.example"], ["bo@b.example"]), OWNER, RULES)
    assert (direct.verdict, direct.direction, direct.owner_addressed) == (
        Verdict.PERSONAL,
        MailDirection.IN,
        True,
    )
    assert [a.email for a in direct.others] == ["ann@a.example", "bo@b.example"]
    copied = judge(msg("ann@a.example", ["bo@b.example"], ["sam@home.example"]), OWNER, RULES)
    assert copied.verdict is Verdict.PERSONAL and not copied.owner_addressed


def test_plus_addresses_of_the_owner_are_the_owner() -> None:
    found = judge(msg("ann@a.example", ["sam+kith@home.example"]), OWNER, RULES)
    assert found.direction is MailDirection.IN
    assert "sam+kith@home.example" in OWNER and "sam@other.example" not in OWNER


def test_mail_that_does_not_involve_the_owner_is_not_theirs() -> None:
    found = judge(msg("ann@a.example", ["dev@lists.example"]), OWNER, RULES)
    assert (found.verdict, found.direction) == (Verdict.NOT_MINE, MailDirection.NONE)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"list_id": "<dev.lists.example>"}, "mailing-list"),
        ({"list_unsubscribe": "<mailto:leave@x.example>"}, "List-Unsubscribe"),
        ({"precedence": "bulk"}, "Precedence: bulk"),
        ({"precedence": "List"}, "Precedence: list"),
        ({"precedence": "junk"}, "Precedence: junk"),
        ({"auto_submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
        ({"auto_submitted": "auto-generated"}, "Auto-Submitted: auto-generated"),
    ],
)
def test_bulk_and_automated_headers_are_never_personal(extra: dict[str, str], words: str) -> None:
    found = judge(msg("ann@a.example", ["sam@home.example"], **extra), OWNER, RULES)
    assert found.verdict is Verdict.AUTOMATED
    assert words in found.reason and not found.others


def test_auto_submitted_no_is_a_human_message() -> None:
    found = judge(msg("ann@a.example", ["sam@home.example"], auto_submitted="no"), OWNER, RULES)
    assert found.verdict is Verdict.PERSONAL


@pytest.mark.parametrize(
    "sender",
    [
        "noreply@shop.example",
        "no-reply@accounts.example",
        "do-not-reply@bank.example",
        "donotreply@bank.example",
        "notifications@github.example",
        "notification@app.example",
        "info@company.example",
        "support@company.example",
        "MAILER-DAEMON@mx.example",
        "postmaster@mx.example",
        "bounces@lists.example",
        "bounces+12345-abc@mail.example",
        "dev-bounces@lists.example",
        "newsletter@paper.example",
        "dev-request@lists.example",
        "reply+ABCD1234@reply.github.example",
        "hello@shop.example",
        "team@startup.example",
        "orders@bookshop.example",
        "reservations@hotel.example",
    ],
)
def test_role_and_no_reply_senders_are_never_people(sender: str) -> None:
    found = judge(msg(sender.lower(), ["sam@home.example"]), OWNER, RULES)
    assert found.verdict is Verdict.AUTOMATED
    assert sender.lower() in found.reason


@pytest.mark.parametrize("local", ["anna", "information.desk.jo", "supporter", "newsom"])
def test_names_that_merely_contain_a_role_word_are_people(local: str) -> None:
    found = judge(msg(f"{local}@x.example", ["sam@home.example"]), OWNER, RULES)
    assert found.verdict is Verdict.PERSONAL


def test_writing_only_to_role_addresses_is_not_a_conversation() -> None:
    found = judge(msg("sam@home.example", ["support@shop.example"]), OWNER, RULES)
    assert found.verdict is Verdict.AUTOMATED


def test_more_recipients_than_the_limit_is_a_crowd_and_the_limit_itself_is_not() -> None:
    twenty = [f"p{i}@x.example" for i in range(19)] + ["sam@home.example"]
    assert judge(msg("ann@a.example", twenty), OWNER, RULES).verdict is Verdict.PERSONAL
    crowd = judge(msg("ann@a.example", [*twenty, "p99@x.example"]), OWNER, RULES)
    assert crowd.verdict is Verdict.CROWD and "21 people" in crowd.reason
    assert judge(msg("ann@a.example", twenty), OWNER, MailRules(max_recipients=5)).verdict is (
        Verdict.CROWD
    )


def test_every_rule_can_be_turned_off() -> None:
    rules = MailRules(
        skip_lists=False,
        skip_bulk_precedence=False,
        skip_auto_submitted=False,
        role_patterns=(),
    )
    headers = msg(
        "info@a.example",
        ["sam@home.example"],
        list_id="<x>",
        precedence="bulk",
        auto_submitted="auto-generated",
    )
    assert judge(headers, OWNER, rules).verdict is Verdict.PERSONAL
    assert judge(headers, OWNER, RULES).verdict is Verdict.AUTOMATED


def test_extra_role_patterns_are_added() -> None:
    rules = MailRules(role_patterns=(*RULES.role_patterns, "jobs"))
    assert judge(msg("jobs@a.example", ["sam@home.example"]), OWNER, rules).verdict is (
        Verdict.AUTOMATED
    )


def test_the_thread_is_named_by_its_first_message() -> None:
    root = MailHeaders("r@x", WHEN, None)
    reply = MailHeaders("c@x", WHEN, None, in_reply_to=("b@x",), references=("r@x", "b@x"))
    only_parent = MailHeaders("c@x", WHEN, None, in_reply_to=("b@x",))
    assert (root.thread_key, reply.thread_key, only_parent.thread_key) == ("r@x", "r@x", "b@x")
