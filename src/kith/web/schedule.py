"""The digest while ``kith serve`` runs: a background thread that ticks once a minute.

The thread is the only place that reads the clock (or the fixed ``--now``);
``tick`` takes ``now`` and is what tests call.  Each network (the main one, or
each account's) gets at most one digest per day or week; ``services.digest``
remembers what was sent, so restarting the server sends nothing twice.  With
several worker processes (``kith serve --workers``) each runs the thread, and
only the one holding the server's ``digest`` lock ticks; if it ends, another
takes over within a minute.  On a
shared server every account whose owner has an e-mail address gets their own
digest; ``digest_to`` is for the first account (the one that kept the main
database) only.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta

from kith.errors import KithError
from kith.services import accounts as account_service
from kith.services import digest as digest_service
from kith.services import people as people_service
from kith.services.context import make_context
from kith.storage.accounts import Account
from kith.web.app import Kith

log = logging.getLogger("kith.digest")
INTERVAL = 60.0
#: After a failure (no SMTP server, refused …), wait this long before trying that network again.
RETRY_AFTER = timedelta(minutes=30)


class DigestScheduler:
    def __init__(self, kith: Kith, env: Mapping[str, str] | None = None) -> None:
        self.kith = kith
        self.env = os.environ if env is None else env
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.failed: dict[str, datetime] = {}

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start_if_wanted(self) -> bool:
        """Start the thread when the digest is on (and it is not running yet)."""
        if str(self.kith.settings["digest"]) == "off":
            return False
        with self._lock:
            if self.running:
                return True
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="kith-digest", daemon=True)
            self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self.kith.shared.let_go("digest")

    def _loop(self) -> None:
        while not self._stop.is_set():
            if str(self.kith.settings["digest"]) == "off":
                break
            try:
                self.step(self._now())
            except Exception:  # the loop must survive anything one tick does
                log.exception("the digest could not be prepared")
            self._stop.wait(INTERVAL)
        with self._lock:
            self._thread = None
        self.kith.shared.let_go("digest")

    def _now(self) -> datetime:
        """The outer edge: the fixed ``--now`` of the server if any, else the clock."""
        if self.kith.config.now:
            probe = self.kith.context(None)
            return probe.now
        return self.kith.clock()

    def step(self, now: datetime) -> list[digest_service.Digest] | None:
        """``tick`` if this process sends the server's digests; None if another one does.

        The first process of the server to ask takes the ``digest`` lock and keeps it.
        """
        if not self.kith.shared.hold("digest"):
            return None
        return self.tick(now)

    def tick(self, now: datetime) -> list[digest_service.Digest]:
        """Send every digest due at ``now``; returns those composed (sent, or empty days)."""
        return tick(self.kith, now, self.env, self.failed)


def tick(
    kith: Kith,
    now: datetime,
    env: Mapping[str, str] | None = None,
    failed: dict[str, datetime] | None = None,
) -> list[digest_service.Digest]:
    """One round: for each network, send its digest if one is due at ``now``."""
    settings = kith.settings
    if str(settings["digest"]) == "off":
        return []
    env = os.environ if env is None else env
    failed = {} if failed is None else failed
    done: list[digest_service.Digest] = []
    accounts: list[Account | None] = list(account_service.list_accounts(kith.main)) or [None]
    for account in accounts:
        target = account.data if account is not None and account.data else kith.main_target
        key = digest_service.state_key(target)
        last_failure = failed.get(key)
        if last_failure is not None and timedelta(0) <= now - last_failure < RETRY_AFTER:
            continue
        ctx = make_context(kith.database(account), settings, now=now)
        to = None
        if account is not None and account.data:  # a later account: their own address, if any
            emails = people_service.get_owner(ctx).emails
            if not emails:
                continue
            to = emails[0]
        try:
            sent = digest_service.send_if_due(ctx, env, key=key, to=to, clock=now)
        except KithError as exc:
            who = account.username if account is not None else "this Kith"
            log.warning("the digest for %s was not sent: %s", who, exc)
            failed[key] = now
            continue
        failed.pop(key, None)
        if sent is not None:
            done.append(sent)
    return done
