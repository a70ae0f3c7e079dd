"""Normalising e-mail addresses: the quick path agrees with email-validator."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from kith.errors import InputError
from kith.interchange.normalize import normalize_email

atoms = st.text(alphabet="abcXYZ019._%+-'", min_size=0, max_size=70)
labels = st.text(alphabet="abcXYZ019-", min_size=0, max_size=12)


def library(address: str) -> str:
    try:
        checked = validate_email(address.strip(), check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return "refused"
    return checked.normalized.casefold()


def ours(address: str) -> str:
    try:
        return normalize_email(address)
    except InputError:
        return "refused"


@settings(max_examples=600, deadline=None)
@given(
    local=atoms,
    domain=st.lists(labels, min_size=1, max_size=4),
    tld=st.sampled_from(["com", "org", "IO", "test", "invalid", "x", "co", "museum"]),
)
def test_plain_addresses_are_judged_as_the_library_judges_them(
    local: str, domain: list[str], tld: str
) -> None:
    address = f"{local}@{'.'.join([*domain, tld])}"
    assert ours(address) == library(address)


def test_what_the_quick_path_does_not_know_goes_to_the_library() -> None:
    assert ours("  Zoë@Exämple.org ") == library("Zoë@Exämple.org")
    assert ours("名無し@example.jp") == library("名無し@example.jp")
    assert ours("x@host.invalid") == "refused"
