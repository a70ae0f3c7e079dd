"""Learn from the owner's mail who they really talk to, and when (headers only).

``import_mail`` reads a Maildir, an mbox, a folder of messages or an IMAP
account in batches; each batch is one transaction that also records what was
read, so an interrupted import loses nothing and the same command completes
it.  Then:

1. every address the owner wrote to personally that is nobody yet becomes a
   person (merged by e-mail into someone Kith has, else added), named as the
   headers name them;
2. every personal message involving a person becomes one interaction, keyed
   by Message-ID (a message in two folders counts once); messages with nobody
   Kith knows wait, and are linked when someone in them becomes a person;
3. inbound messages answered later in their thread, or only copied to the
   owner, are settled: no reply is owed for them.

Addresses that only ever wrote to the owner are *candidates* (``kith mail
candidates``), never people on their own.  Bulk and automated mail is left
out, and ``why`` says why.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from kith.domain.contacts import ContactRecord, Labeled, Problem, ReadResult
from kith.domain.mail import (
    DEFAULT_ROLE_PATTERNS,
    Address,
    MailDirection,
    MailHeaders,
    MailRules,
    Owner,
    Verdict,
    judge,
)
from kith.domain.model import Direction, InteractionKind
from kith.errors import InputError, NotFound
from kith.interchange import mailread
from kith.interchange.normalize import normalize_email
from kith.services import contacts
from kith.services.context import Context
from kith.services.people import spread_due
from kith.storage import history as history_store
from kith.storage import mail as mail_store
from kith.storage import people as people_store

SOURCE = "mail"
BATCH = 2000
LINK_CHUNK = 5000
#: Sent mail this soon after an outreach marked sent in Kith is taken to be that message.
MARKED_SENT_WINDOW = timedelta(days=2)
#: Marked sent a little before the mail's own Date (clocks, time zones) still matches.
SLACK = timedelta(hours=12)
_LIST_POST = re.compile(r"<mailto:([^>?\s]+)", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"[._-]+")

Progress = Callable[[int, int], None]


@dataclass
class MailSummary:
    """What an import of mail did; every message it could not use is in ``problems``."""

    source: str
    read: int = 0
    already_known: int = 0
    personal: int = 0
    automated: int = 0
    crowd: int = 0
    not_yours: int = 0
    skipped: int = 0
    interactions_added: int = 0
    people_added: int = 0
    people_matched: int = 0
    candidates: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = [
            {"where": p.where, "line": p.line, "reason": p.reason} for p in self.problems
        ]
        return data


@dataclass(frozen=True, slots=True)
class Item:
    """One message read from a source (or why it could not be read)."""

    source: str
    where: str
    header: bytes | None
    seen_key: str | None = None
    cursor: Mapping[str, Any] | None = None
    problem: str = ""


def mail_rules(ctx: Context) -> MailRules:
    s = ctx.settings
    extra = tuple(p.strip() for p in str(s["mail_role_addresses"]).split(",") if p.strip())
    for pattern in extra:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(
                f"mail_role_addresses has a bad pattern {pattern!r}: {exc}",
                field="mail_role_addresses",
                hint="a comma-separated list of local parts, e.g. jobs,press,hr-.*",
            ) from exc
    return MailRules(
        max_recipients=int(s["mail_max_recipients"]),
        role_patterns=DEFAULT_ROLE_PATTERNS + extra,
        skip_lists=bool(s["mail_skip_lists"]),
        skip_bulk_precedence=bool(s["mail_skip_bulk"]),
        skip_auto_submitted=bool(s["mail_skip_automatic"]),
    )


def _owner(ctx: Context) -> Owner:
    with ctx.db.read() as conn:
        owner = Owner(people_store.get_owner(conn).emails)
    if not owner:
        raise InputError(
            "Kith needs your own e-mail addresses to tell your mail from theirs",
            field="email",
            hint="kith me --email you@example.com --email you@work.example (every address "
            "you send from)",
        )
    return owner


def is_imap(target: str) -> bool:
    return target.lower().startswith(("imap://", "imaps://"))


def import_mail(
    ctx: Context,
    target: str,
    *,
    folders: Sequence[str] = (),
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
) -> MailSummary:
    """Read the mail at ``target`` (a path, or an ``imaps://user@host/`` URL) and learn from it."""
    owner = _owner(ctx)
    rules = mail_rules(ctx)
    if is_imap(target):
        summary = MailSummary(source=target)
        items: Iterable[Item] = _imap_items(ctx, target, folders, env or os.environ, summary)
        total = 0
    else:
        path = Path(target).expanduser()
        if not path.exists():
            raise InputError(
                f"{target} does not exist",
                field="path",
                hint="give a Maildir, an mbox file, a folder of .eml files, or imaps://you@host/",
            )
        summary = MailSummary(source=str(path))
        items, total = _path_items(ctx, path.resolve())
    _ingest(ctx, items, total, owner, rules, summary, progress)
    resolve(ctx, summary)
    return summary


# --- reading sources ------------------------------------------------------------------


def _path_items(ctx: Context, root: Path) -> tuple[Iterator[Item], int]:
    """Everything new under ``root``, and how many files that is (mbox messages not counted).

    Maildir folders are listed twice (once to count, once to read) rather than
    held in memory: listing is cheap, and a large archive stays small.
    """
    plain: list[tuple[str, Path]] = []
    boxes: list[Path] = []
    maildir_source = f"maildir:{root}"
    files_source = f"files:{root}"
    with ctx.db.read() as conn:
        seen = mail_store.seen_keys(conn, maildir_source)
        seen_files = mail_store.seen_keys(conn, files_source)
    fresh = sum(1 for k, _ in mailread.maildir_files(root) if k not in seen) if root.is_dir() else 0
    for key, path in mailread.message_files(root):
        if key in seen_files:
            continue
        if path.name.startswith(("dovecot", "subscriptions", "maildirfolder", "courier")):
            continue
        kind = mailread.sniff(path)
        if kind == "mbox":
            boxes.append(path)
        else:
            plain.append((key, path))

    def items() -> Iterator[Item]:
        if fresh:
            prefix = len(str(root)) + 1
            for key, name in mailread.maildir_files(root):
                if key not in seen:
                    yield _file_item(maildir_source, key, name, name[prefix:])
        for key, path in plain:
            where = path.relative_to(root).as_posix() if path != root else path.name
            yield _file_item(files_source, key, path, where)
        for box in boxes:
            yield from _mbox_items(ctx, box)

    return items(), fresh + len(plain)


def _file_item(source: str, key: str, path: Path | str, where: str) -> Item:
    try:
        header = mailread.read_header_file(path)
    except OSError as exc:
        return Item(source, where, None, key, problem=f"could not be read ({exc.strerror})")
    return Item(source, where, header, key)


def _mbox_items(ctx: Context, path: Path) -> Iterator[Item]:
    source = f"mbox:{path}"
    with ctx.db.read() as conn:
        state = mail_store.cursor(conn, source)
    identity = mailread.file_identity(path)
    start = int(state.get("offset", 0))
    if state.get("identity") != identity or start > path.stat().st_size:
        start = 0  # rewritten since: read again (Message-IDs keep it from counting twice)
    number = int(state.get("messages", 0)) if start else 0
    for begin, end, header in mailread.mbox_messages(path, start):
        number += 1
        cursor = {"offset": end, "identity": identity, "messages": number}
        where = f"{path.name} message {number} (byte {begin})"
        yield Item(source, where, header, cursor=cursor)


def _imap_items(
    ctx: Context,
    target: str,
    folders: Sequence[str],
    env: Mapping[str, str],
    summary: MailSummary,
) -> Iterator[Item]:
    from kith.interchange import imap

    parsed = imap.parse_imap_url(target)
    summary.source = parsed.label()
    chosen = list(folders) or ([parsed.folder] if parsed.folder else [])
    password = imap.imap_password(parsed, env)
    context = imap.imap_ssl_context(env)
    with imap.ImapReader(parsed, password, folders=chosen or None, ssl_context=context) as reader:
        names = reader.folders()
        sources = {name: f"imap:{parsed.label()}/{name}" for name in names}
        with ctx.db.read() as conn:
            states = {name: mail_store.cursor(conn, src) for name, src in sources.items()}
        for fetched in reader.messages(states):
            yield Item(sources[fetched.folder], fetched.where, fetched.header, cursor=fetched.state)


# --- judging and storing, a batch at a time -------------------------------------------


def _ingest(
    ctx: Context,
    items: Iterable[Item],
    total: int,
    owner: Owner,
    rules: MailRules,
    summary: MailSummary,
    progress: Progress | None,
) -> None:
    batch: list[Item] = []
    done = 0
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            _store(ctx, batch, owner, rules, summary)
            done += len(batch)
            batch = []
            if progress:
                progress(done, max(total, done))
    if batch:
        _store(ctx, batch, owner, rules, summary)
        done += len(batch)
    if progress:
        progress(done, max(total, done))


def _store(
    ctx: Context, batch: Sequence[Item], owner: Owner, rules: MailRules, summary: MailSummary
) -> None:
    parsed: list[tuple[Item, MailHeaders, str]] = []
    problems: list[Problem] = []
    for item in batch:
        if item.header is None:
            problems.append(Problem(item.where, item.problem or "could not be read"))
            continue
        try:
            headers = mailread.parse_headers(item.header)
        except mailread.NotAMessage as exc:
            problems.append(Problem(item.where, str(exc)))
            continue
        parsed.append((item, headers, mailread.message_key(headers, item.header)))
    tallies: dict[str, mail_store.AddressTally] = {}
    rows: list[dict[str, Any]] = []
    counts = dict.fromkeys(Verdict, 0)
    already = 0
    with ctx.db.begin() as conn:
        known = mail_store.known_messages(conn, [key for _, _, key in parsed])
        for item, headers, key in parsed:
            if key in known:
                already += 1
                continue
            known.add(key)
            verdict, row, problem = _judge(item, headers, key, owner, rules, tallies)
            rows.append(row)
            if problem:
                problems.append(problem)
            else:
                counts[verdict] += 1
        mail_store.add_messages(conn, rows)
        mail_store.add_tallies(conn, tallies)
        seen: dict[str, list[str]] = {}
        cursors: dict[str, Mapping[str, Any]] = {}
        for item in batch:
            if item.seen_key is not None:
                seen.setdefault(item.source, []).append(item.seen_key)
            if item.cursor is not None:
                cursors[item.source] = item.cursor
        for source, keys in seen.items():
            mail_store.add_seen(conn, source, keys)
        for source, state in cursors.items():
            mail_store.save_cursor(conn, source, state, ctx.now)
    summary.read += len(batch)
    summary.already_known += already
    summary.personal += counts[Verdict.PERSONAL]
    summary.automated += counts[Verdict.AUTOMATED]
    summary.crowd += counts[Verdict.CROWD]
    summary.not_yours += counts[Verdict.NOT_MINE]
    summary.skipped += len(problems)
    summary.problems.extend(problems)


def _judge(
    item: Item,
    headers: MailHeaders,
    key: str,
    owner: Owner,
    rules: MailRules,
    tallies: dict[str, mail_store.AddressTally],
) -> tuple[Verdict, dict[str, Any], Problem | None]:
    found = judge(headers, owner, rules)
    at = headers.date
    personal = found.verdict is Verdict.PERSONAL
    problem = None
    if personal and at is None:
        problem = Problem(item.where, "no usable Date or Received header: not counted as contact")
        personal = False
    row = {
        "message_key": key,
        "occurred_at": at,
        "direction": found.direction.value,
        "verdict": found.verdict.value,
        "reason": "" if found.verdict is Verdict.PERSONAL else found.reason[:500],
        "others": " ".join(a.email for a in found.others) if personal else "",
        "to_owner": found.owner_addressed,
        "thread_key": headers.thread_key[:490] or None,
        "pending": personal,
        "interaction_id": None,
    }
    if personal:
        _tally_personal(headers, found.direction, found.others, at, tallies)
    elif problem is None:
        _tally_left_out(headers, found.reason, owner, tallies)
    if headers.list_post or headers.list_id:
        _tally_list(headers, tallies)
    return found.verdict, row, problem


def _tally(tallies: dict[str, mail_store.AddressTally], email: str) -> mail_store.AddressTally:
    tally = tallies.get(email)
    if tally is None:
        tally = tallies[email] = mail_store.AddressTally()
    return tally


def _tally_personal(
    headers: MailHeaders,
    direction: MailDirection,
    others: Sequence[Address],
    at: datetime | None,
    tallies: dict[str, mail_store.AddressTally],
) -> None:
    sender = headers.sender.email if headers.sender else ""
    for other in others:
        tally = _tally(tallies, other.email)
        tally.seen_at(at)
        if direction is MailDirection.OUT:
            tally.written_to += 1
            tally.named(other.name, 2)
        elif other.email == sender:
            tally.wrote += 1
            tally.named(other.name, 3)
        else:
            tally.copied += 1
            tally.named(other.name, 1)


def _tally_left_out(
    headers: MailHeaders, reason: str, owner: Owner, tallies: dict[str, mail_store.AddressTally]
) -> None:
    sender = headers.sender
    if sender is not None and sender.email not in owner:
        tally = _tally(tallies, sender.email)
        tally.left_out += 1
        tally.left_out_reason = reason[:500]
        tally.named(sender.name, 1)


def _tally_list(headers: MailHeaders, tallies: dict[str, mail_store.AddressTally]) -> None:
    """A list's own address: from List-Post, or a recipient whose address is the List-Id."""
    found: set[str] = set()
    listed = _LIST_POST.search(headers.list_post)
    if listed:
        with contextlib.suppress(InputError):
            found.add(normalize_email(listed.group(1)))
    list_id = headers.list_id.lower()
    for address in headers.to + headers.cc:
        if address.email.replace("@", ".") in list_id:
            found.add(address.email)
    for email in found:
        tally = _tally(tallies, email)
        tally.is_list = True
        tally.left_out_reason = f"a mailing list ({headers.list_id or headers.list_post})"[:500]


# --- people and interactions ----------------------------------------------------------


def resolve(ctx: Context, summary: MailSummary | None = None) -> tuple[int, int]:
    """Make people of the addresses written to, and interactions of the messages waiting.

    Returns (people added, interactions added).  Safe to run any time: what is
    done already is not done again.
    """
    with ctx.db.read() as conn:
        wanted = mail_store.written_to_without_person(conn)
    added_ids: list[int] = []
    if wanted:
        records = [_record(row) for row in wanted]
        result = contacts.import_stream(ctx, [ReadResult(tuple(records))], source=SOURCE)
        with ctx.db.read() as conn:
            added_ids = sorted(
                set(mail_store.email_people(conn, [r.address for r in wanted]).values())
            )
        if summary is not None:
            summary.people_added += result.added
            summary.people_matched += result.merged + result.updated
    with ctx.db.begin() as conn:
        made, touched = _link(ctx, conn)
        if added_ids:
            people_store.set_due_shifts(conn, dict.fromkeys(added_ids))
        history_store.refresh_stats(conn, sorted(touched | set(added_ids)), ctx.rules)
        if added_ids:
            spread_due(ctx, conn, added_ids)
        if summary is not None:
            summary.interactions_added += made
            summary.candidates = mail_store.count_candidates(conn)
    return len(added_ids), made


def _record(row: mail_store.AddressRow) -> ContactRecord:
    return ContactRecord(
        source=SOURCE,
        key=row.address,
        where=f"mail from and to {row.address}",
        full_name=row.name or name_from_address(row.address),
        emails=(Labeled(row.address),),
    )


def name_from_address(email: str) -> str:
    """``jane.doe@example.com`` → ``Jane Doe``; a bare ``jd@…`` stays the address."""
    local = email.split("@", 1)[0].split("+", 1)[0]
    words = [w for w in _NAME_SPLIT.split(local) if w and not w.isdigit()]
    if len(words) >= 2 and all(w.isalpha() for w in words):
        return " ".join(w.capitalize() for w in words)
    return email


def _link(ctx: Context, conn: Connection) -> tuple[int, set[int]]:
    """Turn waiting personal messages that involve a person into interactions."""
    made = 0
    touched: set[int] = set()
    after = 0
    while True:
        pending = mail_store.pending_messages(conn, after=after, limit=LINK_CHUNK)
        if not pending:
            break
        after = pending[-1].id
        count, people = _link_chunk(ctx, conn, pending)
        made += count
        touched |= people
    return made, touched


def _link_chunk(
    ctx: Context, conn: Connection, pending: Sequence[mail_store.PendingMessage]
) -> tuple[int, set[int]]:
    emails = {e for m in pending for e in m.others}
    who = mail_store.email_people(conn, emails)
    ready = [(m, sorted({who[e] for e in m.others if e in who})) for m in pending]
    ready = [(m, pids) for m, pids in ready if pids]
    if not ready:
        return 0, set()
    ready, absorbed = _match_marked_sent(conn, ready)
    inbound_threads = {m.thread_key for m, _ in ready if m.direction == "in" and m.thread_key}
    answered = mail_store.last_outbound_in_threads(conn, inbound_threads)
    rows = []
    for message, pids in ready:
        inbound = message.direction == "in"
        reply_at = answered.get(message.thread_key)
        settled = inbound and (
            not message.to_owner or (reply_at is not None and reply_at >= message.occurred_at)
        )
        rows.append(
            {
                "occurred_at": message.occurred_at,
                "kind": InteractionKind.EMAIL,
                "direction": Direction.IN if inbound else Direction.OUT,
                "source_key": message.message_key,
                "person_ids": pids,
                "settled": settled,
            }
        )
    ids = history_store.add_interactions(conn, rows, source=SOURCE, now=ctx.now)
    links = [(m.id, ids[m.message_key]) for m, _ in ready if m.message_key in ids]
    mail_store.link_messages(conn, links + absorbed)
    touched = {pid for _, pids in ready for pid in pids}
    out_threads = {m.thread_key for m, _ in ready if m.direction == "out" and m.thread_key}
    touched.update(mail_store.settle_answered(conn, out_threads))
    return len(ids), touched


def _match_marked_sent(
    conn: Connection, ready: list[tuple[mail_store.PendingMessage, list[int]]]
) -> tuple[list[tuple[mail_store.PendingMessage, list[int]]], list[tuple[int, int]]]:
    """Sent mail to one person that follows an outreach marked sent in Kith is that outreach.

    A draft marked sent in Kith is already an interaction; the copy of the same
    message in the Sent folder (within ``MARKED_SENT_WINDOW`` after it) is linked
    to it instead of counting as a second contact.  Returns the messages still to
    store, and (message id, interaction id) links for the ones matched.
    """
    single = [(m, pids) for m, pids in ready if m.direction == "out" and len(pids) == 1]
    if not single:
        return ready, []
    since = min(m.occurred_at for m, _ in single) - MARKED_SENT_WINDOW
    marked = mail_store.unmatched_outreach(conn, {pids[0] for _, pids in single}, since)
    if not marked:
        return ready, []
    taken: set[int] = set()
    absorbed: list[tuple[int, int]] = []
    kept: list[tuple[mail_store.PendingMessage, list[int]]] = []
    for message, pids in ready:
        match = None
        if message.direction == "out" and len(pids) == 1:
            for iid, at in marked.get(pids[0], ()):
                if iid not in taken and timedelta(0) <= message.occurred_at - at + SLACK <= (
                    MARKED_SENT_WINDOW + SLACK
                ):
                    match = iid
                    break
        if match is None:
            kept.append((message, pids))
        else:
            taken.add(match)
            absorbed.append((message.id, match))
    return kept, absorbed


# --- questions about addresses --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an address is a person, a candidate, or left out, in plain words."""

    address: str
    status: str  # you | person | candidate | left_out | dismissed | unknown
    reasons: tuple[str, ...]
    person_id: int | None = None
    person_name: str = ""
    written_to: int = 0
    wrote: int = 0
    copied: int = 0
    left_out: int = 0
    last_at: datetime | None = None


def why(ctx: Context, text: str) -> Explanation:
    """Explain what Kith made of an address found in mail."""
    email = _address(text)
    owner = Owner(_owner_emails(ctx))
    rules = mail_rules(ctx)
    if email in owner:
        return Explanation(email, "you", ("one of your own addresses (see kith me)",))
    with ctx.db.read() as conn:
        row = mail_store.address(conn, email)
        person = None
        if row is None or row.person_id is None:
            pid = mail_store.email_people(conn, [email]).get(email)
        else:
            pid = row.person_id
        if pid is not None:
            person = people_store.get_person(conn, pid)
    role = rules.role_reason(email)
    reasons: list[str] = []
    if row is None:
        if role:
            reasons.append(f"{role}: mail from it never counts (setting mail_role_addresses)")
            return Explanation(email, "left_out", tuple(reasons))
        reasons.append("Kith has not seen this address in your mail")
        if person is not None:
            reasons.append(f"it is the e-mail of {person.name} (#{person.id})")
            return Explanation(email, "person", tuple(reasons), person.id, person.name)
        return Explanation(email, "unknown", tuple(reasons))
    base = Explanation(
        email,
        "",
        (),
        written_to=row.written_to,
        wrote=row.wrote,
        copied=row.copied,
        left_out=row.left_out,
        last_at=row.last_at,
    )

    def said(status: str, first: str, **more: Any) -> Explanation:
        return replace(base, status=status, reasons=(first, *reasons), **more)

    if row.written_to:
        reasons.append(f"you wrote to it personally {_times(row.written_to)}")
    if row.wrote:
        reasons.append(f"it wrote to you personally {_times(row.wrote)}")
    if row.copied:
        reasons.append(f"it was copied on {_times(row.copied, 'message')} with you")
    if row.left_out:
        reasons.append(f"{_times(row.left_out, 'message')} from it left out: {row.left_out_reason}")
    if row.last_at is not None:
        reasons.append(f"last personal message {row.last_at.date().isoformat()}")
    if person is not None:
        return said(
            "person",
            f"a person: {person.name} (#{person.id})",
            person_id=person.id,
            person_name=person.name,
        )
    if row.is_list:
        return said(
            "left_out", "a mailing list's own address (its List-Post header): never a person"
        )
    if role:
        return said("left_out", f"{role} (setting mail_role_addresses)")
    if row.dismissed:
        return said("dismissed", "you dismissed it as a candidate")
    if row.wrote and not row.written_to:
        return said(
            "candidate",
            "a candidate: it wrote to you but you never wrote to it "
            f"(add them: kith mail accept {email})",
        )
    return said("left_out", "not a person: only bulk, automated or copied mail")


def _times(n: int, noun: str = "") -> str:
    if noun:
        return f"{n} {noun}{'' if n == 1 else 's'}"
    return "once" if n == 1 else f"{n} times"


def _owner_emails(ctx: Context) -> tuple[str, ...]:
    with ctx.db.read() as conn:
        return people_store.get_owner(conn).emails


def _address(text: str) -> str:
    try:
        return normalize_email(text)
    except InputError as exc:
        raise InputError(
            f"{text!r} is not an e-mail address", field="address", hint="e.g. ann@example.com"
        ) from exc


def candidates(ctx: Context, *, limit: int | None = None) -> list[mail_store.AddressRow]:
    """Addresses that wrote to the owner personally and were never written to, most first."""
    with ctx.db.read() as conn:
        return mail_store.candidates(conn, limit=limit)


def accept(ctx: Context, text: str, *, name: str = "") -> tuple[int, int]:
    """Make a candidate a person, with their mail as history; returns (person id, messages)."""
    email = _address(text)
    with ctx.db.read() as conn:
        row = mail_store.address(conn, email)
    if row is None:
        raise NotFound(f"Kith has not seen {email} in your mail", hint="kith mail candidates")
    if row.person_id is not None:
        raise InputError(f"{email} is already a person (#{row.person_id})", field="address")
    record = ContactRecord(
        source=SOURCE,
        key=email,
        where=f"mail from {email}",
        full_name=name or row.name or name_from_address(email),
        emails=(Labeled(email),),
    )
    contacts.import_stream(ctx, [ReadResult((record,))], source=SOURCE)
    _, made = resolve(ctx)
    with ctx.db.read() as conn:
        pid = mail_store.email_people(conn, [email])[email]
    return pid, made


def dismiss(ctx: Context, text: str) -> None:
    """Leave a candidate out of ``candidates`` for good."""
    email = _address(text)
    with ctx.db.begin() as conn:
        if not mail_store.dismiss(conn, email):
            raise NotFound(f"Kith has not seen {email} in your mail", hint="kith mail candidates")
