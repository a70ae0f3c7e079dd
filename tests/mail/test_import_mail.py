"""`kith import mail`: who you really talk to, from headers, on both databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from conftest import CORPUS, KithRunner

OWNER = ("sam@home.example", "s.rivera@work.example")
START = datetime.fromisoformat("2026-09-01T09:00:00+00:00")
NOW = "2026-11-26"


def ok(kith: KithRunner, *args: str) -> Any:
    result = kith("--now", NOW, *args)
    assert result.code == 0, (args, result.out, result.err)
    return result.json() if "--json" in args else result


def message(
    n: int,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    *,
    day: float = 0,
    reply_to: int | None = None,
    thread: int | None = None,
    extra: Sequence[str] = (),
    date: bool = True,
    message_id: bool = True,
) -> bytes:
    """One message's bytes: headers Kith reads, and a body it must never need."""
    lines = []
    if message_id:
        lines.append(f"Message-ID: <m{n}@mail.example>")
    if date:
        lines.append(f"Date: {format_datetime(START + timedelta(days=day))}")
    lines += [f"From: {sender}", f"To: {', '.join(to)}"]
    if cc:
        lines.append(f"Cc: {', '.join(cc)}")
    if reply_to is not None:
        lines.append(f"In-Reply-To: <m{reply_to}@mail.example>")
        lines.append(f"References: <m{thread if thread is not None else reply_to}@mail.example>")
    lines += [*extra, "Subject: hello", "Content-Type: text/plain; charset=utf-8"]
    return ("\r\n".join(lines) + "\r\n\r\nThe body, which Kith never reads.\r\n").encode()


def maildir(root: Path, messages: dict[str, list[bytes]]) -> Path:
    """A Maildir++ tree: folder name ('' for INBOX) → messages."""
    for folder, items in messages.items():
        base = root / folder if folder else root
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        for i, data in enumerate(items):
            (base / "cur" / f"{1700000000 + i}.M{i}P1.host{folder}:2,S").write_bytes(data)
    return root


ANN = '"Ann Lee" <ann@a.example>'
BO = "=?utf-8?q?Bo_=C3=85berg?= <bo@b.example>"
CAROL = "Carol Diaz <carol@c.example>"
DAN = "Dan Ek <dan@d.example>"
STRANGER = "Pat Recruiter <pat@agency.example>"


def scenario(root: Path) -> Path:
    crowd = [f"p{i}@crowd.example" for i in range(25)]
    return maildir(
        root,
        {
            "": [
                message(1, ANN, [OWNER[0]], day=0),
                message(3, ANN, [OWNER[0]], day=20, reply_to=2, thread=1),
                message(4, BO, [OWNER[1]], [CAROL], day=5),
                message(5, STRANGER, [OWNER[0]], day=30),
                message(6, STRANGER, [OWNER[0]], day=31),
                message(7, "Shop <noreply@shop.example>", [OWNER[0]], day=2),
                message(
                    8,
                    "News <editor@paper.example>",
                    [OWNER[0]],
                    day=3,
                    extra=["List-Unsubscribe: <mailto:leave@paper.example>"],
                ),
                message(
                    9,
                    "Robot <robot@ci.example>",
                    [OWNER[0]],
                    day=4,
                    extra=["Auto-Submitted: auto-generated"],
                ),
                message(
                    10,
                    "Eve <eve@e.example>",
                    ["dev@lists.example"],
                    day=6,
                    extra=["List-Id: <dev.lists.example>", "List-Post: <mailto:dev@lists.example>"],
                ),
                message(11, "Boss <boss@work.example>", [OWNER[1], *crowd], day=7),
                message(12, DAN, [OWNER[0]], day=40),
                message(13, "Zed <zed@z.example>", [OWNER[0]], day=41, date=False),
                message(14, "Yan <yan@y.example>", [OWNER[0]], day=42, message_id=False),
            ],
            ".Sent": [
                message(2, f"Sam <{OWNER[0]}>", [ANN], day=10, reply_to=1),
                message(20, f"Sam Rivera <{OWNER[1]}>", [BO, CAROL], day=6, reply_to=4),
                message(21, f"Sam <{OWNER[0]}>", ["dev@lists.example"], day=8),
                message(22, f"Sam <{OWNER[0]}>", [DAN], day=1),
                message(23, f"Sam <{OWNER[0]}>", ["support@shop.example"], day=9),
            ],
            ".Archive": [message(1, ANN, [OWNER[0]], day=0)],  # the same message again
        },
    )


def setup(kith: KithRunner) -> None:
    ok(kith, "me", "--name", "Sam Rivera", "--email", OWNER[0], "--email", OWNER[1])


def people(kith: KithRunner) -> dict[str, dict[str, Any]]:
    rows = ok(kith, "ls", "--json")["people"]
    return {row["name"]: row for row in rows}


def test_only_the_people_you_wrote_to_become_people(kith: KithRunner, tmp_path: Path) -> None:
    setup(kith)
    summary = ok(kith, "import", "mail", str(scenario(tmp_path / "Maildir")), "--json")
    assert summary["read"] == 19
    assert summary["already_known"] == 1
    assert summary["personal"] == 11
    assert summary["automated"] == 4  # noreply, newsletter, robot, to support@ only
    assert summary["crowd"] == 1
    assert summary["not_yours"] == 1
    assert summary["skipped"] == 1
    assert "no usable Date" in summary["problems"][0]["reason"]
    assert summary["people_added"] == 4
    assert summary["candidates"] == 2  # Pat, and Yan (whose mail has no Message-ID)
    assert set(people(kith)) == {"Ann Lee", "Bo Åberg", "Carol Diaz", "Dan Ek"}
    ann = ok(kith, "show", "Ann", "--json")
    assert ann["person"]["emails"] == ["ann@a.example"]
    assert ann["standing"]["last_contact"].startswith("2026-09-21")


def test_candidates_why_and_accept(kith: KithRunner, tmp_path: Path) -> None:
    setup(kith)
    ok(kith, "import", "mail", str(scenario(tmp_path / "Maildir")), "--json")
    listed = ok(kith, "mail", "candidates", "--json")
    assert listed[0]["address"] == "pat@agency.example"
    assert listed[0]["wrote"] == 2 and listed[0]["name"] == "Pat Recruiter"
    whys = {
        address: ok(kith, "mail", "why", address, "--json")
        for address in (
            "ann@a.example",
            "pat@agency.example",
            "noreply@shop.example",
            "editor@paper.example",
            "robot@ci.example",
            "dev@lists.example",
            "boss@work.example",
            "sam@home.example",
            "nobody@never.example",
        )
    }
    status = {a: w["status"] for a, w in whys.items()}
    assert status == {
        "ann@a.example": "person",
        "pat@agency.example": "candidate",
        "noreply@shop.example": "left_out",
        "editor@paper.example": "left_out",
        "robot@ci.example": "left_out",
        "dev@lists.example": "left_out",
        "boss@work.example": "left_out",
        "sam@home.example": "you",
        "nobody@never.example": "unknown",
    }
    assert "List-Unsubscribe" in " ".join(whys["editor@paper.example"]["reasons"])
    assert "Auto-Submitted" in " ".join(whys["robot@ci.example"]["reasons"])
    assert "mailing list" in " ".join(whys["dev@lists.example"]["reasons"])
    assert "26 people" in " ".join(whys["boss@work.example"]["reasons"])
    assert whys["ann@a.example"]["person"]["name"] == "Ann Lee"
    text = ok(kith, "mail", "why", "noreply@shop.example").out
    assert "role or no-reply" in text
    accepted = ok(kith, "mail", "accept", "pat@agency.example")
    assert "2 messages of history" in accepted.out
    assert "Pat Recruiter" in people(kith)
    assert "pat@agency.example" not in [
        c["address"] for c in ok(kith, "mail", "candidates", "--json")
    ]
    ok(kith, "mail", "dismiss", "yan@y.example")
    assert ok(kith, "mail", "candidates", "--json") == [] or all(
        c["address"] != "yan@y.example" for c in ok(kith, "mail", "candidates", "--json")
    )


def test_a_second_run_reads_nothing_and_a_new_message_is_all_it_reads(
    kith: KithRunner, tmp_path: Path
) -> None:
    setup(kith)
    box = scenario(tmp_path / "Maildir")
    first = ok(kith, "import", "mail", str(box), "--json")
    again = ok(kith, "import", "mail", str(box), "--json")
    assert (again["read"], again["interactions_added"], again["people_added"]) == (0, 0, 0)
    marked = next((box / "cur").iterdir())
    marked.rename(marked.with_name(marked.name.replace(":2,S", ":2,RS")))
    (box / "new" / "1800000000.M9P9.host").write_bytes(message(30, CAROL, [OWNER[0]], day=50))
    third = ok(kith, "import", "mail", str(box), "--json")
    assert (third["read"], third["personal"], third["interactions_added"]) == (1, 1, 1)
    assert first["interactions_added"] > 0
    # The same messages from an mbox elsewhere are known by their Message-ID.
    mbox = tmp_path / "copy.mbox"
    mbox.write_bytes(
        b"".join(
            b"From x@y Mon Sep  1 09:00:00 2026\n" + p.read_bytes().replace(b"\r\n", b"\n") + b"\n"
            for p in sorted((box / "cur").iterdir())
        )
    )
    copy = ok(kith, "import", "mail", str(mbox), "--json")
    assert copy["read"] == len(list((box / "cur").iterdir()))
    assert copy["interactions_added"] == 0 and copy["people_added"] == 0


def test_threads_settle_replies_and_mark_a_sent_outreach_replied(
    kith: KithRunner, tmp_path: Path
) -> None:
    setup(kith)
    box = scenario(tmp_path / "Maildir")
    at = ("--now", "2026-10-16")  # the mail is from September and October
    ok(kith, *at, "import", "mail", str(box))
    # Dan wrote on day 40, after Sam's note of day 1: a reply is owed to Dan.
    today = ok(kith, *at, "today", "--json")
    owed = {item["person"]["name"] for item in today["items"] if item["kind"] == "reply"}
    assert "Dan Ek" in owed
    # Bo wrote to Sam with Carol in copy; Sam answered both in the thread: nothing owed.
    assert not owed & {"Bo Åberg", "Carol Diaz"}
    # Sam answers Dan's message in its thread, but writes only to Ann: the thread settles it.
    (box / ".Sent" / "cur" / "1900000000.M1P1.host:2,S").write_bytes(
        message(40, f"Sam <{OWNER[0]}>", [ANN], day=44, reply_to=12, thread=12)
    )
    ok(kith, *at, "import", "mail", str(box))
    later = ok(kith, *at, "today", "--json")
    assert "Dan Ek" not in {
        item["person"]["name"] for item in later["items"] if item["kind"] == "reply"
    }
    assert ok(kith, *at, "show", "Dan", "--json")["standing"]["label"] != "reply owed"
    # A drafted and sent outreach to Carol becomes "replied" when her mail arrives.
    ok(kith, "--now", "2026-11-20", "draft", "Carol")
    ok(kith, "--now", "2026-11-20", "sent", "Carol")
    (box / "new" / "1950000000.M2P2.host").write_bytes(
        message(41, CAROL, [OWNER[0]], day=82, reply_to=40)
    )
    ok(kith, "--now", "2026-11-23", "import", "mail", str(box))
    carol = ok(kith, "--now", "2026-11-26", "show", "Carol", "--json")
    assert carol["outreach"][0]["state"] == "replied"


def test_every_corpus_mail_file_is_read_or_reported(kith: KithRunner) -> None:
    ok(kith, "me", "--email", "phillip.allen@enron.com", "--email", "cworth@cworth.org")
    first = ok(kith, "import", "mail", str(CORPUS / "mail"), "--json")
    assert first["read"] > 100
    assert first["skipped"] == len(first["problems"])
    for problem in first["problems"]:
        assert problem["where"] and problem["reason"]
    assert first["people_added"] >= 2
    names = set(people(kith))
    assert not any("notmuch" in n for n in names), names  # a list, not a person
    again = ok(kith, "import", "mail", str(CORPUS / "mail"), "--json")
    assert again["read"] == 0


def test_without_your_own_addresses_kith_says_how_to_give_them(
    kith: KithRunner, tmp_path: Path
) -> None:
    result = kith("import", "mail", str(scenario(tmp_path / "Maildir")))
    assert result.code != 0
    assert "kith me --email" in result.err and "Traceback" not in result.err
    missing = kith("me", "--email", OWNER[0])
    assert missing.code == 0
    gone = kith("import", "mail", str(tmp_path / "nowhere"))
    assert gone.code != 0 and "does not exist" in gone.err


def test_killed_in_the_middle_then_run_again_gives_the_same_database(
    tmp_path: Path, env: dict[str, str], make_pg: Any, backend: str
) -> None:
    """SIGKILL after the first batches, run again: the same people, history and counts."""
    messages: list[bytes] = []
    for n in range(7000):
        who = f"Person {n % 400} <p{n % 400}@x{n % 37}.example>"
        if n % 3 == 0:
            messages.append(message(n, f"Sam <{OWNER[0]}>", [who], day=n / 50))
        elif n % 3 == 1:
            messages.append(message(n, who, [OWNER[0]], day=n / 50, reply_to=n - 1))
        else:
            messages.append(
                message(
                    n,
                    "News <n@news.example>",
                    [OWNER[0]],
                    day=n / 50,
                    extra=["List-Id: <news.example>"],
                )
            )
    box = maildir(tmp_path / "Maildir", {"": messages})
    whole = env["KITH_DB"]
    broken = str(tmp_path / "broken.db") if backend == "sqlite" else make_pg()
    base = {**os.environ, **env, "KITH_NOW": NOW}
    kith_bin = [str(Path(sys.executable).with_name("kith"))]
    for db in (whole, broken):
        subprocess.run(
            [*kith_bin, "me", "--email", OWNER[0]],
            env={**base, "KITH_DB": db},
            check=True,
            capture_output=True,
        )
    subprocess.run(
        [*kith_bin, "import", "mail", str(box)],
        env={**base, "KITH_DB": whole},
        check=True,
        capture_output=True,
    )
    engine = sa.create_engine(broken if "://" in broken else f"sqlite:///{broken}")
    proc = subprocess.Popen(
        [*kith_bin, "import", "mail", str(box)],
        env={**base, "KITH_DB": broken},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                try:
                    seen = conn.execute(sa.text("SELECT count(*) FROM mail_seen")).scalar_one()
                except sa.exc.DBAPIError:
                    seen = 0
            if seen >= 2000 or proc.poll() is not None:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        engine.dispose()
    with sa.create_engine(broken if "://" in broken else f"sqlite:///{broken}").connect() as conn:
        seen_at_kill = conn.execute(sa.text("SELECT count(*) FROM mail_seen")).scalar_one()
    assert 0 < seen_at_kill < 7000, seen_at_kill
    subprocess.run(
        [*kith_bin, "import", "mail", str(box)],
        env={**base, "KITH_DB": broken},
        check=True,
        capture_output=True,
    )
    assert snapshot(whole) == snapshot(broken)


def snapshot(db: str) -> dict[str, Any]:
    """What matters of a database, independent of row ids."""
    engine = sa.create_engine(db if "://" in db else f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            q = lambda sql: [tuple(map(str, r)) for r in conn.execute(sa.text(sql))]  # noqa: E731
            return {
                "people": sorted(
                    q(
                        "SELECT p.name, c.value FROM people p JOIN contact_points c "
                        "ON c.person_id = p.id WHERE c.kind = 'email'"
                    )
                ),
                "interactions": sorted(
                    q(
                        "SELECT i.source_key, i.occurred_at, i.direction, i.settled, c.value "
                        "FROM interactions i "
                        "JOIN interaction_people ip ON ip.interaction_id = i.id "
                        "JOIN contact_points c ON c.person_id = ip.person_id AND c.kind = 'email'"
                    )
                ),
                "addresses": sorted(
                    q(
                        "SELECT address, name, written_to, wrote, copied, left_out "
                        "FROM mail_addresses"
                    )
                ),
                "messages": sorted(q("SELECT message_key, verdict, pending FROM mail_messages")),
                "stats": sorted(
                    q(
                        "SELECT c.value, s.count, s.last_at FROM person_stats s "
                        "JOIN contact_points c ON c.person_id = s.person_id AND c.kind = 'email'"
                    )
                ),
            }
    finally:
        engine.dispose()


def test_the_backup_keeps_what_mail_taught(
    kith: KithRunner, tmp_path: Path, make_pg: Any, backend: str
) -> None:
    setup(kith)
    ok(kith, "import", "mail", str(scenario(tmp_path / "Maildir")))
    first = tmp_path / "one.json"
    ok(kith, "export", "json", str(first))
    tables = json.loads(first.read_text())["tables"]
    assert tables["mail_messages"] and tables["mail_addresses"] and tables["mail_seen"]
    other = str(tmp_path / "two.db") if backend == "sqlite" else make_pg()
    ok(kith, "--db", other, "import", "json", str(first))
    second = tmp_path / "two.json"
    ok(kith, "--db", other, "export", "json", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_json_shapes_match_docs(kith: KithRunner, tmp_path: Path) -> None:
    from cli.test_outreach_commands import documented_examples, same_keys

    examples = documented_examples()

    def example(command: str) -> Any:
        return next(v for k, v in examples.items() if k.startswith(f"`kith {command}"))

    setup(kith)
    summary = ok(kith, "import", "mail", str(scenario(tmp_path / "Maildir")), "--json")
    same_keys(example("import mail"), summary, "import mail")
    same_keys(example("mail candidates"), ok(kith, "mail", "candidates", "--json"), "candidates")
    for address in ("ann@a.example", "noreply@shop.example"):
        same_keys(
            {**example("mail why"), "person": {"id": 1, "name": "x"}},
            ok(kith, "mail", "why", address, "--json"),
            "why",
        )


def test_an_imap_account_over_tls(kith: KithRunner, account: Any, monkeypatch: Any) -> None:
    """A real Dovecot: INBOX and Sent read by UID, a second run reads only what is new."""
    setup(kith)
    account.append(
        "INBOX", [message(1, ANN, [OWNER[0]], day=0), message(5, STRANGER, [OWNER[0]], day=3)]
    )
    account.append("Sent", [message(2, f"Sam <{OWNER[0]}>", [ANN, CAROL], day=1, reply_to=1)])
    monkeypatch.setenv("KITH_IMAP_PASSWORD", account.password)
    monkeypatch.setenv("KITH_IMAP_CAFILE", str(account.server.ca))
    first = ok(kith, "import", "mail", account.url(), "--json")
    assert first["source"].startswith("imaps://") and account.password not in json.dumps(first)
    assert (first["read"], first["personal"], first["people_added"]) == (3, 3, 2)
    assert set(people(kith)) == {"Ann Lee", "Carol Diaz"}
    assert first["candidates"] == 1
    again = ok(kith, "import", "mail", account.url(), "--json")
    assert again["read"] == 0
    account.append("INBOX", [message(3, ANN, [OWNER[0]], day=20, reply_to=2, thread=1)])
    third = ok(kith, "import", "mail", account.url(), "--json")
    assert (third["read"], third["interactions_added"]) == (1, 1)
    with account.client() as client:
        client.select_folder("INBOX", readonly=True)
        flags = client.get_flags(client.search("ALL"))
    assert all(b"\\Seen" not in f for f in flags.values()), "reading headers marks nothing read"
    wrong = kith("import", "mail", account.url("Nowhere"))
    assert wrong.code != 0 and "Traceback" not in wrong.err
    monkeypatch.setenv("KITH_IMAP_PASSWORD", "not-the-password")
    refused = kith("import", "mail", account.url())
    assert refused.code != 0 and "not-the-password" not in refused.err + refused.out


def test_sent_mail_after_marking_sent_in_kith_is_the_same_contact(
    kith: KithRunner, tmp_path: Path
) -> None:
    setup(kith)
    box = scenario(tmp_path / "Maildir")
    at = ("--now", "2026-10-16")
    ok(kith, *at, "import", "mail", str(box))
    before = ok(kith, *at, "show", "Dan", "--json")["interaction_count"]
    ok(kith, "--now", "2026-10-20T09:00", "draft", "Dan")
    ok(kith, "--now", "2026-10-20T09:00", "sent", "Dan")
    # The message itself, sent from the mail program an hour later, and a second one a week on.
    (box / ".Sent" / "cur" / "1960000000.M3P3.host:2,S").write_bytes(
        message(50, f"Sam <{OWNER[0]}>", [DAN], day=49 + 1 / 24)
    )
    (box / ".Sent" / "cur" / "1960000001.M4P4.host:2,S").write_bytes(
        message(51, f"Sam <{OWNER[0]}>", [DAN], day=56)
    )
    summary = ok(kith, "--now", "2026-10-28", "import", "mail", str(box), "--json")
    assert summary["interactions_added"] == 1  # the week-later one; the first was the outreach
    dan = ok(kith, "--now", "2026-10-28", "show", "Dan", "--json")
    assert dan["interaction_count"] == before + 2
    again = ok(kith, "--now", "2026-10-28", "import", "mail", str(box), "--json")
    assert again["interactions_added"] == 0
