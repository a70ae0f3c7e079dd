"""IMAP benchmark: how fast ImapReader reads header blocks from a local Dovecot.

Usage::

    .venv/bin/python bench/run_imap.py [--messages 10000] [--runs 3] [--batch 500]

1. Starts a Dovecot of its own over TLS on 127.0.0.1 (the test rig,
   ``tests/mail/dovecot_rig.py``; run as root) and APPENDs ``--messages``
   messages to one user's INBOX (MULTIAPPEND, 500 at a time).  Each has a
   realistic header block of about 2 KB: Received lines, a DKIM signature, a
   few recipients, References on replies, mailing-list headers on some.
2. Reads them all ``--runs`` times with ``ImapReader.count_new`` and
   ``ImapReader.messages`` (connect, log in, list, EXAMINE, UID SEARCH, UID
   FETCH BODY.PEEK[HEADER] in batches), each time as a first import (no
   state), then once more with the states it returned (nothing new).
3. As a reference, the same UID FETCH with the standard library's imaplib,
   which leaves the response unparsed.

Prints messages per second (median and best) and writes ``bench/out/imap.json``.
"""

from __future__ import annotations

import argparse
import imaplib
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "mail"))

from dovecot_rig import Account, start_dovecot, stop_dovecot  # noqa: E402

from kith.interchange.imap import ImapReader, parse_imap_url  # noqa: E402

NAMES = ["Ann Lee", "Bo Chen", "Mariam Haddad", "Jon Smith", "Zoë Müller", "Ravi Patel"]


def make_message(n: int, rng: random.Random) -> bytes:
    people = rng.sample(NAMES, 4)
    addr = [f"{p.split()[0].lower()}.{n % 97}@example.org" for p in people]
    lines = [
        f"Received: from mx{i}.example.net (mx{i}.example.net [192.0.2.{i}]) by mail.example.com "
        f"with ESMTPS id {rng.getrandbits(64):x} for <me@example.com>; "
        f"Mon, 2 Nov 2026 10:0{i}:00 +0000"
        for i in range(3)
    ]
    lines += [
        (
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s1;\r\n"
            " h=from:to:subject:date:message-id;\r\n"
            f" bh={rng.getrandbits(256):064x};\r\n"
            f" b={rng.getrandbits(1024):0256x}"
        ),
        f"From: {people[0]} <{addr[0]}>",
        f"To: Me <me@example.com>, {people[1]} <{addr[1]}>",
        f"Cc: {people[2]} <{addr[2]}>, {people[3]} <{addr[3]}>",
        f"Subject: Re: plans for the {n}th meeting",
        f"Date: Mon, 2 Nov 2026 10:{n % 60:02d}:00 +0000",
        f"Message-ID: <{n}.{rng.getrandbits(48):x}@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    if n % 2:
        lines.append(f"In-Reply-To: <{n - 1}@example.org>")
        lines.append("References: " + " ".join(f"<{k}@example.org>" for k in range(n - 3, n)))
    if n % 5 == 0:
        lines.append("List-Id: Friends of the Forum <friends.lists.example.org>")
        lines.append("List-Unsubscribe: <mailto:leave@lists.example.org>")
    body = f"Hello,\r\n\r\nsee you on the {n}th.\r\n"
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def read_all(account: Account, batch: int, states: dict[str, Any]) -> tuple[float, int, int, dict]:
    target = parse_imap_url(account.url())
    start = time.perf_counter()
    kept = dict(states)
    count = size = 0
    with ImapReader(
        target, account.password, ssl_context=account.server.ssl_context(), batch=batch
    ) as reader:
        reader.count_new(states)
        for fetched in reader.messages(states):
            count += 1
            size += len(fetched.header)
            kept[fetched.folder] = fetched.state
    return time.perf_counter() - start, count, size, kept


def read_imaplib(account: Account, batch: int) -> tuple[float, int]:
    server = account.server
    start = time.perf_counter()
    imap = imaplib.IMAP4_SSL(server.host, server.imaps_port, ssl_context=server.ssl_context())
    imap.login(account.user, account.password)
    imap.select("INBOX", readonly=True)
    _, data = imap.uid("SEARCH", "1:*")
    uids = data[0].split()
    count = 0
    for i in range(0, len(uids), batch):
        _, got = imap.uid("FETCH", b",".join(uids[i : i + batch]).decode(), "(BODY.PEEK[HEADER])")
        count += sum(1 for part in got if isinstance(part, tuple))
    imap.logout()
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    t0 = time.perf_counter()
    server = start_dovecot()
    started = time.perf_counter() - t0
    try:
        account = server.add_user()
        rng = random.Random(7)
        t0 = time.perf_counter()
        account.append("INBOX", (make_message(n, rng) for n in range(1, args.messages + 1)))
        appended = time.perf_counter() - t0
        print(f"Dovecot started in {started:.2f} s; {args.messages} messages appended in "
              f"{appended:.1f} s")  # fmt: skip

        first: list[float] = []
        reference: list[float] = []
        states: dict[str, Any] = {}
        size = 0
        for _ in range(args.runs):
            seconds, count, size, states = read_all(account, args.batch, {})
            assert count == args.messages, count
            first.append(seconds)
            seconds, count = read_imaplib(account, args.batch)
            assert count == args.messages, count
            reference.append(seconds)
        again, count, _, _ = read_all(account, args.batch, states)
        assert count == 0

        def rate(seconds: list[float]) -> dict[str, float]:
            return {
                "median_s": round(statistics.median(seconds), 3),
                "best_s": round(min(seconds), 3),
                "median_per_s": round(args.messages / statistics.median(seconds)),
                "best_per_s": round(args.messages / min(seconds)),
            }

        result = {
            "messages": args.messages,
            "batch": args.batch,
            "header_bytes": size,
            "dovecot_start_s": round(started, 3),
            "append_s": round(appended, 2),
            "imap_reader": rate(first),
            "imaplib_unparsed": rate(reference),
            "nothing_new_s": round(again, 3),
        }
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "imap.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"header blocks: {size / args.messages:.0f} bytes on average")
        for name in ("imap_reader", "imaplib_unparsed"):
            r = result[name]
            print(f"{name:18} median {r['median_s']:.2f} s ({r['median_per_s']}/s), "
                  f"best {r['best_s']:.2f} s ({r['best_per_s']}/s)")  # fmt: skip
        print(f"second read (nothing new): {again:.3f} s; figures in bench/out/imap.json")
    finally:
        stop_dovecot(server)


if __name__ == "__main__":
    main()
