"""Fixtures for the IMAP tests: a real Dovecot of our own (see dovecot_rig.py).

``dovecot`` (session): one server for the whole run; it starts in well under a
second.  ``account`` (per test): a new user with an empty mailbox and a
password of its own, so that tests never see each other's mail.  Nothing is
skipped: when Dovecot is missing or does not start, the tests fail and say how
to fix it.  The end of Dovecot's log is shown under each failing test that used
it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from mail.dovecot_rig import Account, Dovecot, DovecotError, start_dovecot, stop_dovecot


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    try:
        server = start_dovecot()
    except DovecotError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        stop_dovecot(server)


@pytest.fixture
def account(dovecot: Dovecot) -> Account:
    """A new Dovecot user with an empty mailbox (INBOX and Sent)."""
    return dovecot.add_user()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Show the end of Dovecot's log under each failing test that used it."""
    report = yield
    server = getattr(item, "funcargs", {}).get("dovecot")
    if report.failed and isinstance(server, Dovecot):
        report.sections.append(("dovecot log (end)", server.log_tail()))
    return report
