"""A realistic Maildir of ten years of one person's mail, and its ground truth.

Usage::

    .venv/bin/python bench/mailgen.py [--messages 100000] [--seed 11]
                                      [--out bench/out/maildir] [--truth bench/out/mail-truth.json]

The same ``--seed`` and ``--messages`` give the same files, byte for byte.

**The owner** is Olivia Nash, living in London, with three addresses: a personal
one used all along, an old employer's until March 2018 and a new employer's
since.  ``kith me`` and ``mu init --my-address`` get all three (``OWNER``).

**The Maildir** is one Maildir++ tree; give its root to ``kith import mail`` and
``mu init --maildir``.  The root itself is the inbox (``cur/``, ``new/``,
``tmp/``); beside it ``.Sent``, ``.Archive`` (older inbox mail, and a few copies
of messages kept twice), ``.Drafts``, ``.Junk``, ``.Trash``,
``.Newsletters``, ``.Notifications.GitHub`` and one folder per mailing list
(``.Lists.python-dev`` …).  File names are ``<time>.M…P…Q….<host>:2,<flags>``
in ``cur/`` (``S`` seen, ``R`` replied, ``F`` flagged, ``T`` trashed, ``D``
draft), unread recent mail in ``new/``; each file's mtime is its delivery time.

**What is in it** (shares of the messages; the people scale with the size):

- personal threads (about 20 %): about 800 correspondents in five circles,
  from an inner circle written to every week or two to acquaintances seen once
  or twice; replies with In-Reply-To/References, Cc's (reply-all or not),
  people with two or three addresses over the years (a job change), group
  mail of up to 20 recipients, out-of-office replies (``Auto-Submitted:
  auto-replied``), bounces when an old address is written to, Bcc'd
  announcements from friends;
- mailing lists (34 %): List-Id, List-Unsubscribe, posts from about 1,800
  humans, a few of them also correspondents; the owner's own posts (the copy
  in Sent has no List-Id) and the direct copies of replies to them;
- newsletters (16 %), notifications (about 22 %: GitHub, the bank, shops,
  calendars, social sites, the CI at work), spam (5 %);
- strangers writing once to three times (recruiters, sales, cold e-mails),
  answered now and then; support desks and other robots the owner writes to;
  announcements from humans to more than 20 recipients;
- names as MUAs write them: plain ASCII, quoted (``"Smith, John"``), RFC 2047
  UTF-8 in B and Q, ISO-8859-1 in Q, raw UTF-8 (RFC 6532), and bare addresses;
  times in the senders' own time zones; about 0.5 % of the messages without a
  Date (only their Received header tells when) and 0.5 % without a Message-ID.

**The ground truth** (``mail-truth.json``) applies Kith's rules to what was
generated (not to the files, which tests read back to check it):

- a message counts when it involves the owner (From one of their addresses:
  outbound; To/Cc one of them: inbound), is not bulk or automated (List-Id,
  List-Unsubscribe, Precedence bulk/list/junk, Auto-Submitted other than
  "no"), is not a draft, and has at most 20 recipients (To + Cc);
- ``contacts``: every human address the owner wrote to in such a message (To
  or Cc), with the human's name and ``last_contact``, the latest counting
  message with that address in From, To or Cc (its Date, or for a message
  without one the time in its top Received header), ISO 8601 in UTC;
- ``non_contacts``: the other addresses seen, by kind: ``candidates`` (humans
  who wrote to the owner and were never written to), ``cc_only`` (humans only
  ever Cc'd or addressed beside the owner), ``list_senders`` (humans seen on
  lists only), ``bulk_only`` (humans seen only in mail to more than 20, Bcc'd
  or drafts), ``robots`` (role addresses, notification senders, mailing-list
  addresses, reply-by-mail addresses: none of them a human, even when the
  owner writes to them) and ``spam``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import sys
import time
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
START = datetime(2016, 11, 26, tzinfo=UTC)
END = datetime(2026, 11, 26, tzinfo=UTC)
#: The date the benchmark gives Kith as "now": the end of the ten years.
NOW = END.date().isoformat()
OWNER_NAME = "Olivia Nash"
OWNER_PERSONAL = "olivia.nash@example.org"
OWNER_OLD_WORK = "olivia@oldjob.example.net"
OWNER_WORK = "o.nash@work.example.com"
OWNER = (OWNER_PERSONAL, OWNER_WORK, OWNER_OLD_WORK)
OWNER_TZ = "Europe/London"
JOB_CHANGE = datetime(2018, 3, 1, tzinfo=UTC)
HOST = "mailhost"
MAX_PERSONAL_RECIPIENTS = 20

# --------------------------------------------------------------------------
# Names, domains, words
# --------------------------------------------------------------------------

#: weight, given names, family names, family name first; "written:romanised" where the
#: name is not in Latin letters, "_" for a space inside a name.
CULTURES: tuple[tuple[int, str, str, bool], ...] = (
    (40,
     ("James Olivia Sam Emily Oliver Grace Daniel Chloe Thomas Ruth Leo Hannah Jack Amelia "
      "Harry Isla George Ava Noah Mia William Sophie Henry Lucy Edward Alice Charlie Freya "
      "Joseph Ellie Mary-Kate Ben Kate Matt Laura Chris Rachel Tom Jess Mike"),
     ("Smith Jones Taylor Brown Williams Wilson Evans Thomas Johnson Roberts Walker Wright "
      "Robinson Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson "
      "Clarke Turner Hill Scott Cooper O'Brien McAllister Baker-Jones Patel Rivera Khan Ali "
      "Murphy Kelly Reid Campbell"),
     False),
    (8, "José Lucía Álvaro Iñigo Begoña Carmen Javier Pilar Raúl Inés",
     "García López Núñez Muñoz Fernández Ibáñez Martín Sánchez Pérez Gómez", False),
    (8, "François Chloé Hélène Benoît Anaïs Jean-Loïc Amélie Loïc Cécile Jérôme",
     "Lefèvre Dubois Mercier Bérégovoy Lambert Girard Rousseau Faure Chevalier Morel", False),
    (7, "Jürgen Jörg Käthe Lena Maximilian Günter Sören Anja Björn Ute",
     "Müller Schäfer Becker Groß Weiß Köhler Hoffmann Schröder Krüger Zimmermann", False),
    (3, "Søren Åsa Bjørn Sigrún Ørjan Märta", "Ødegård Lindqvist Jónsdóttir Håkansson", False),
    (3, "Łukasz Małgorzata Wojciech Zofia", "Wiśniewski Kowalczyk Żak Wójcik", False),
    (3, "Çağla Ömer Şule İlker", "Yılmaz Öztürk Şahin Çelik", False),
    (3, "Дмитрий:dmitriy Анна:anna Ольга:olga Сергей:sergey Наталья:natalya",
     "Иванов:ivanov Смирнова:smirnova Кузнецов:kuznetsov Попова:popova", False),
    (2, "Νίκος:nikos Ελένη:eleni Γιώργος:giorgos", "Παπαδόπουλος:papadopoulos Οικονόμου:oikonomou",
     False),
    (5, "Priya Rahul Aarav Lakshmi Ananya Vikram", "Sharma Venkataraman Iyer Gupta Reddy Nair",
     False),
    (3, "太郎:taro 花子:hanako 翔太:shota さくら:sakura", "山田:yamada 佐藤:sato 高橋:takahashi",
     True),
    (3, "芳:fang 伟:wei 秀英:xiuying 磊:lei", "王:wang 李:li 张:zhang 刘:liu", True),
    (3, "Wei Xiaoming Mei Jun", "Chen Zhang Liu Huang", True),
    (2, "민준:minjun 서연:seoyeon 지호:jiho", "김:kim 이:lee 박:park", True),
    (3, "Ngozi Oluwaseun Chidi Amara", "Okonkwo Adeyemi Eze Okafor", False),
    (2, "Siobhán Seán Aoife Pádraig", "Ó_Briain:obriain Ní_Bhriain:nibhriain Mac_Giolla:macgiolla",
     False),
    (2, "Văn_An:an Thị_Lan:lan Minh_Đức:duc", "Nguyễn:nguyen Trần:tran Phạm:pham", True),
)  # fmt: skip
PERSONAL_DOMAINS = (
    "gmail.com", "gmail.com", "gmail.com", "gmail.com", "outlook.com", "hotmail.co.uk",
    "yahoo.com", "icloud.com", "proton.me", "fastmail.fm", "web.de", "orange.fr", "gmx.de",
    "btinternet.com", "yahoo.co.uk", "mail.ru", "qq.com", "naver.com",
)  # fmt: skip
ORG_DOMAINS = (
    "greenbank.example", "acme.example", "globex.example", "initech.example", "contoso.example",
    "fabrikam.example", "northwind.example", "ucl.example.ac.uk", "nhs.example.uk",
    "climatefund.example", "oxfam.example.org", "hooli.example", "piedpiper.example",
    "tesco.example", "wayne.example", "beeching.example", "umbrella.example", "stark.example",
    "tata.example", "societegenerale.example", "mueller-soehne.example", "banconunez.example",
)  # fmt: skip
ZONES = (
    ("Europe/London", 40), ("Europe/Paris", 8), ("Europe/Berlin", 8), ("America/New_York", 10),
    ("America/Los_Angeles", 6), ("Asia/Kolkata", 4), ("Asia/Tokyo", 3), ("Australia/Sydney", 3),
    ("America/Sao_Paulo", 2), ("Asia/Kathmandu", 1), ("Asia/Shanghai", 3), ("Europe/Moscow", 2),
    ("Africa/Lagos", 2), ("America/St_Johns", 1),
)  # fmt: skip
#: How a correspondent's mail program writes their name: weights.
NAME_STYLES = (("plain", 55), ("b", 14), ("q", 10), ("latin1", 6), ("raw", 8), ("bare", 7))
PERSONAL_SUBJECTS = (
    "Lunch next week?", "Catching up", "Photos from Saturday", "Quick question",
    "Your talk slides", "Dinner on Friday", "Re-connecting", "That article I mentioned",
    "Intro: you two should meet", "Happy birthday!", "Plans for the summer", "Thank you!",
    "Coffee?", "The book club pick", "Can you review this?", "Weekend hike",
    "Draft for your comments", "Moving house", "Congratulations!", "Recommendation",
    "Trip to Lisbon", "Contract question", "Running club Sunday", "Kids' party",
    "Café Olé tomorrow?", "Über das Projekt", "Réunion de jeudi", "Año nuevo", "Grüße aus Berlin",
    "お元気ですか", "Встреча в понедельник", "Board meeting notes", "Invoice query",
)  # fmt: skip
WORK_SUBJECTS = (
    "Q3 planning", "Budget review", "Hiring loop for the platform team", "Offsite agenda",
    "Customer escalation", "Design doc: sync v2", "1:1 notes", "Roadmap draft",
    "Vendor contract renewal", "Post-mortem follow-up", "Interview feedback",
    "Conference CFP", "Grant application", "Data request", "Partnership proposal",
)  # fmt: skip
BODY_LINES = (
    "Hope you're well!", "Thanks for getting back to me.", "Let me know what you think.",
    "Does Tuesday work for you?", "See you soon,", "Sounds great, count me in.",
    "Sorry for the slow reply, it's been a hectic week.", "Attached are the notes from today.",
    "Happy to help with that.", "I'll check and come back to you.", "Merci encore !",
    "Bis bald,", "Here's the link I mentioned.", "Shall we say 12:30 at the usual place?",
    "Great to see you last week.", "I think we should go ahead.", "No rush on this.",
)  # fmt: skip
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
USER_AGENTS = (
    "X-Mailer: Apple Mail (2.3731.700.6)", "User-Agent: Mozilla Thunderbird",
    "X-Mailer: Microsoft Outlook 16.0", "User-Agent: Mutt/2.2.9 (2022-11-12)",
    "X-Mailer: iPhone Mail (20G75)", "User-Agent: K-9 Mail for Android",
)  # fmt: skip

# --------------------------------------------------------------------------
# Encoding names and subjects as mail programs do
# --------------------------------------------------------------------------

_Q_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")


def _encoded_words(text: str, charset: str, kind: str) -> str:
    """RFC 2047 encoded-words of at most 75 characters, never splitting a character."""
    words: list[str] = []
    head, tail = f"=?{charset}?{kind}?", "?="
    chunk = ""
    for char in text:
        candidate = chunk + char
        if len(head) + len(_encode_chunk(candidate, charset, kind)) + len(tail) > 75:
            words.append(head + _encode_chunk(chunk, charset, kind) + tail)
            candidate = char
        chunk = candidate
    words.append(head + _encode_chunk(chunk, charset, kind) + tail)
    return "\n ".join(words)


def _encode_chunk(text: str, charset: str, kind: str) -> str:
    data = text.encode(charset)
    if kind == "B":
        return base64.b64encode(data).decode("ascii")
    return "".join(
        "_" if b == 32 else chr(b) if b in _Q_SAFE else f"={b:02X}" for b in data
    )  # Q encoding


_SPECIALS = frozenset('()<>[]:;@\\,."')


def display(name: str, address: str, style: str) -> str:
    """``name <address>`` as a mail program writes it in the given style."""
    if style == "bare" or not name:
        return address
    if name.isascii():
        if any(c in _SPECIALS for c in name):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{name} <{address}>"
    if style == "latin1":
        try:
            name.encode("iso-8859-1")
        except UnicodeEncodeError:
            style = "q"
        else:
            return f"{_encoded_words(name, 'ISO-8859-1', 'Q')} <{address}>"
    if style == "raw":
        return (
            f'"{name}" <{address}>' if any(c in _SPECIALS for c in name) else f"{name} <{address}>"
        )
    if style == "q":
        return f"{_encoded_words(name, 'utf-8', 'Q')} <{address}>"
    return f"{_encoded_words(name, 'UTF-8', 'B')} <{address}>"


def subject_header(subject: str, rng: random.Random) -> str:
    if subject.isascii():
        return subject
    return _encoded_words(subject, "UTF-8", rng.choice("BQ"))


_UNDECOMPOSED = str.maketrans({"ø": "o", "Ø": "O", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d",
                               "Đ": "D", "ı": "i", "æ": "ae"})  # fmt: skip


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def format_date(moment: datetime, zone: ZoneInfo) -> str:
    """RFC 5322 date in the sender's zone: ``Tue, 3 Jan 2017 10:04:05 +0000``."""
    local = moment.astimezone(zone)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return (
        f"{DAY_NAMES[local.weekday()]}, {local.day} {MONTH_NAMES[local.month - 1]} {local.year} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {sign}{hours:02d}{mins:02d}"
    )


# --------------------------------------------------------------------------
# Who writes
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Address:
    """One address of a human, used from ``since`` until ``until``."""

    value: str
    since: datetime
    until: datetime
    work: bool = False


@dataclass(slots=True)
class Human:
    id: int
    name: str  # as the human would give it
    shown: str  # as their mail program writes it
    roman: tuple[str, str]
    style: str
    zone: ZoneInfo
    addresses: list[Address] = field(default_factory=list)
    #: correspondents only: circle, the span of years in touch, how many threads
    circle: str = ""
    since: datetime = START
    until: datetime = END
    work: bool = False

    def address_at(self, moment: datetime) -> Address:
        for address in self.addresses:
            if address.since <= moment < address.until:
                return address
        return self.addresses[-1]


@dataclass(frozen=True, slots=True)
class Party:
    """An address as it appears in one header: the address and the header text."""

    address: str
    text: str


@dataclass(slots=True)
class Message:
    kind: str
    when: datetime
    zone: ZoneInfo
    sender: Party
    to: list[Party]
    subject: str
    folder: str = ""
    cc: list[Party] = field(default_factory=list)
    msgid: str | None = None
    parents: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    body: str = ""
    flags: str = "S"
    no_date: bool = False
    bulk: bool = False
    draft: bool = False
    delay: int = 0
    delivered_to: str = ""


# --------------------------------------------------------------------------
# The ground truth, kept as messages are written
# --------------------------------------------------------------------------


@dataclass
class Truth:
    names: dict[str, str] = field(default_factory=dict)  # human address -> name
    humans: dict[str, int] = field(default_factory=dict)  # human address -> human id
    robots: set[str] = field(default_factory=set)
    spam: set[str] = field(default_factory=set)
    written_to: set[str] = field(default_factory=set)
    wrote: set[str] = field(default_factory=set)
    personal: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    last: dict[str, datetime] = field(default_factory=dict)

    def observe(self, message: Message, known: datetime) -> None:
        """Apply Kith's rules to one message; ``known`` is when a reader can tell it was sent."""
        sender = message.sender.address.lower()
        others = [p.address.lower() for p in (*message.to, *message.cc)]
        involved = [sender, *others]
        self.seen.update(involved)
        if "list-id" in message.kind:
            self.listed.update(involved)
        outbound = sender in OWNER
        inbound = not outbound and any(a in OWNER for a in others)
        counts = (
            (outbound or inbound)
            and not message.bulk
            and not message.draft
            and len(others) <= MAX_PERSONAL_RECIPIENTS
        )
        if not counts:
            return
        if outbound:
            self.written_to.update(a for a in others if a not in OWNER)
        else:
            self.wrote.add(sender)
        for address in involved:
            if address in OWNER:
                continue
            self.personal.add(address)
            if address in self.humans and (address not in self.last or known > self.last[address]):
                self.last[address] = known

    def document(self, **about: Any) -> dict[str, Any]:
        contacts = {
            a: {
                "name": self.names[a],
                "human": self.humans[a],
                "last_contact": self.last[a].isoformat(),
            }
            for a in sorted(self.written_to)
            if a in self.humans
        }
        kinds: dict[str, list[str]] = {
            "candidates": [],
            "cc_only": [],
            "list_senders": [],
            "bulk_only": [],
            "robots": [],
            "spam": [],
        }
        for address in sorted((self.seen | self.robots) - set(OWNER) - contacts.keys()):
            if address in self.spam:
                kinds["spam"].append(address)
            elif address not in self.humans:
                kinds["robots"].append(address)
            elif address in self.wrote:
                kinds["candidates"].append(address)
            elif address in self.personal:
                kinds["cc_only"].append(address)
            elif address in self.listed:
                kinds["list_senders"].append(address)
            else:
                kinds["bulk_only"].append(address)
        humans = {self.humans[a] for a in contacts}
        return {
            "format": "kith-mailbench-truth",
            "version": 1,
            **about,
            "owner": {"name": OWNER_NAME, "emails": list(OWNER), "timezone": OWNER_TZ},
            "now": NOW,
            "counts": {
                "contacts": len(contacts),
                "contact_humans": len(humans),
                **{k: len(v) for k, v in kinds.items()},
            },
            "contacts": contacts,
            "non_contacts": kinds,
        }


# --------------------------------------------------------------------------
# Writing files
# --------------------------------------------------------------------------


class Maildir:
    """Writes messages as Maildir++ files under ``root`` and feeds the truth."""

    def __init__(self, root: Path, truth: Truth, rng: random.Random) -> None:
        self.root = root
        self.truth = truth
        self.rng = rng
        self.count = 0
        self.bytes = 0
        self.kinds: Counter[str] = Counter()
        self.features: Counter[str] = Counter()
        self.made: set[str] = set()
        self.recent = END - timedelta(days=10)
        self.archive_before = END - timedelta(days=730)

    def folder(self, name: str) -> Path:
        path = self.root / name if name else self.root
        if name not in self.made:
            for sub in ("cur", "new", "tmp"):
                (path / sub).mkdir(parents=True, exist_ok=True)
            if name:
                (path / "maildirfolder").touch()
            self.made.add(name)
        return path

    def emit(self, message: Message) -> None:
        delivered = message.when + timedelta(seconds=message.delay)
        known = delivered if message.no_date else message.when
        self.truth.observe(message, known.replace(microsecond=0))
        self.kinds[message.kind] += 1
        self.write(message, delivered)

    def write(self, message: Message, delivered: datetime) -> None:
        folder = message.folder
        if folder == "" and message.when < self.archive_before:
            folder = ".Archive"
        data = render(message, delivered).encode("utf-8")
        stamp = int(delivered.timestamp())
        self.count += 1
        unique = f"{stamp}.M{self.count * 7919 % 1_000_000}P{self.count}Q{self.count}.{HOST}"
        place = self.folder(folder)
        if message.when >= self.recent and folder == "" and self.rng.random() < 0.6:
            path = place / "new" / unique
        else:
            path = place / "cur" / f"{unique}:2,{''.join(sorted(message.flags))}"
        with path.open("wb") as handle:
            handle.write(data)
        os.utime(path, (stamp, stamp))
        self.bytes += len(data)


def render(message: Message, delivered: datetime) -> str:
    lines: list[str] = []
    if message.delivered_to:
        sender = message.sender.address
        lines.append(f"Return-Path: <{sender}>")
        lines.append(f"Delivered-To: {message.delivered_to}")
        lines.append(
            "Received: from mail-relay.example.net (mail-relay.example.net [192.0.2.25])\n"
            f"\tby mx1.example.org (Postfix) with ESMTPS id {zlib.crc32(sender.encode()):08X}\n"
            f"\tfor <{message.delivered_to}>; {format_date(delivered, _UTC)} (UTC)"
        )
        sent = message.when + timedelta(seconds=max(1, message.delay // 2))
        lines.append(
            f"Received: by smtp.{sender.rpartition('@')[2]} with SMTP id q{message.delay}x;\n"
            f"\t{format_date(sent, _UTC)}"
        )
    if not message.no_date:
        lines.append(f"Date: {format_date(message.when, message.zone)}")
    lines.append(f"From: {message.sender.text}")
    if message.to:
        lines.append("To: " + _address_list(message.to))
    else:
        lines.append("To: undisclosed-recipients:;")
    if message.cc:
        lines.append("Cc: " + _address_list(message.cc))
    lines.append(f"Subject: {message.subject}")
    if message.msgid:
        lines.append(f"Message-ID: {message.msgid}")
    if message.parents:
        lines.append(f"In-Reply-To: {message.parents[-1]}")
        lines.append("References: " + "\n ".join(message.parents[-6:]))
    lines.extend(message.headers)
    if not any(h.startswith("Content-Type") for h in message.headers):
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: 8bit")
    return "\n".join(lines) + "\n\n" + message.body + "\n"


def _address_list(parties: list[Party]) -> str:
    out, width = [], 4
    for index, party in enumerate(parties):
        piece = party.text + ("," if index < len(parties) - 1 else "")
        if out and width + len(piece) > 76:
            out.append("\n\t")
            width = 8
        elif out:
            out.append(" ")
        out.append(piece)
        width += len(piece) + 1
    return "".join(out)


_UTC = ZoneInfo("UTC")
REPORT = "multipart/report; report-type=delivery-status"

# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------

#: circle: share of correspondents, share of threads, years in touch (min, max)
CIRCLES = (
    ("inner", 0.02, 0.22, (8, 10)),
    ("close", 0.06, 0.26, (4, 10)),
    ("active", 0.20, 0.25, (2, 7)),
    ("wider", 0.30, 0.16, (1, 5)),
    ("acquaintance", 0.42, 0.11, (0, 3)),
)
#: share of all messages per kind of mail; notifications take what is left.
SHARES = {
    "personal": 0.20,
    "cold": 0.015,
    "robot": 0.003,
    "announce": 0.008,
    "list": 0.34,
    "newsletter": 0.16,
    "spam": 0.05,
    "bcc": 0.001,
    "duplicate": 0.002,
    "draft": 0.00012,
}
LISTS = (
    # name, address, list-id, weight, owner posts from, folder
    ("python-dev", "python-dev@python.org", "python-dev.python.org", 40, OWNER_PERSONAL),
    ("debian-devel", "debian-devel@lists.debian.org", "debian-devel.lists.debian.org", 30,
     OWNER_PERSONAL),
    ("eng-all", "eng-all@work.example.com", "eng-all.work.example.com", 12, OWNER_WORK),
    ("running-club", "members@hackneyharriers.example", "members.hackneyharriers.example", 9,
     OWNER_PERSONAL),
    ("neighbours", "residents@clissoldroad.example", "residents.clissoldroad.example", 9,
     OWNER_PERSONAL),
)  # fmt: skip
NEWSLETTERS = (
    # display name, address, per week, list-id?, precedence
    ("The Morning Brief", "newsletter@morningbrief.example", 7.0, False, "bulk"),
    ("The Economist", "news@economist.example", 1.0, False, ""),
    ("Hacker Newsletter", "kale@hackernewsletter.example", 1.0, True, "bulk"),
    ("Python Weekly", "rahul@pythonweekly.example", 1.0, True, ""),
    ("Ana Lopes", "analopes@substack.example", 0.5, False, ""),
    ("Tom's Climate Notes", "tom@climatenotes.example", 0.5, True, "list"),
    ("Waterstones", "hello@waterstones.example", 1.5, False, "bulk"),
    ("Guardian Today", "guardiantoday@guardian.example", 5.0, False, "bulk"),
    ("Medium Daily Digest", "noreply@medium.example", 4.0, False, ""),
    ("Ocado", "offers@ocado.example", 2.0, False, "bulk"),
    ("Patagonia", "patagonia@email.patagonia.example", 1.0, False, "bulk"),
    ("Local Council", "team@council.example.gov.uk", 0.3, False, ""),
    ("LWN Weekly", "lwn@lwn.example", 1.0, True, ""),
    ("Simon's Weeknotes", "simon@simonwillison.example", 0.5, True, ""),
)  # fmt: skip
NOTIFIERS = (
    # display name, address, weight, headers
    ("GitHub", "notifications@github.com", 40, ("github",)),
    ("Barclays", "alerts@barclays.example", 8, ("auto",)),
    ("Amazon.co.uk", "auto-confirm@amazon.example", 8, ()),
    ("Google Calendar", "calendar-notification@google.com", 8, ("auto",)),
    ("LinkedIn", "messages-noreply@linkedin.example", 8, ("unsub",)),
    ("Jira", "jira@work.example.com", 10, ("auto", "bulk")),
    ("Jenkins", "ci@work.example.com", 8, ("auto",)),
    ("Octopus Energy", "billing@octopus.example", 3, ("auto",)),
    ("Slack", "notification@slack.example", 5, ("auto",)),
    ("Strava", "no-reply@strava.example", 4, ("unsub",)),
    ("Deliveroo", "donotreply@deliveroo.example", 3, ()),
    ("British Airways", "info@ba.example", 1, ("unsub",)),
    ("Facebook", "notification@facebookmail.example", 3, ("unsub",)),
)  # fmt: skip
ROBOTS_WRITTEN_TO = (
    # display name, address, subject: the owner writes, they answer (or not)
    ("Acme Support", "support@acme-shop.example", "Order 10442 arrived damaged"),
    ("Hotel Mirador", "info@hotelmirador.example", "Room for 12-14 May?"),
    ("Octopus Energy", "billing@octopus.example", "Meter reading"),
    ("Ticket Sales", "sales@venue.example", "Group booking"),
    ("Hello Fresh", "hello@hellofresh.example", "Cancel my subscription"),
    ("The Team", "team@startup.example", "Feedback on the beta"),
    ("Reservations", "reservations@casa-lisboa.example", "Table for four on Saturday"),
    ("Orders", "orders@bookshop.example", "Where is my order?"),
)  # fmt: skip


class Generator:
    def __init__(self, messages: int, seed: int, root: Path) -> None:
        self.total = messages
        self.rng = random.Random(seed)
        self.truth = Truth()
        self.box = Maildir(root, self.truth, self.rng)
        self.scale = messages / 100_000
        self.used: set[str] = set()
        self.next_id = 0
        self.zones = [ZoneInfo(z) for z, _ in ZONES]
        self.zone_weights = [w for _, w in ZONES]
        self.owner_zone = ZoneInfo(OWNER_TZ)
        self.correspondents: list[Human] = []
        self.associates: list[Human] = []
        self.colleagues: list[Human] = []
        self.listers: list[Human] = []
        #: GitHub issues the owner is notified about: repository, number, reply token
        self.issues: list[tuple[str, int, str]] = []
        self.people: dict[str, Human] = {}

    # ----- people ---------------------------------------------------------

    def human(self, *, work_domain: str | None = None) -> Human:
        rng = self.rng
        weights = [c[0] for c in CULTURES]
        _, givens, families, family_first = rng.choices(CULTURES, weights)[0]
        given, g_roman = _split(rng.choice(givens.split()))
        family, f_roman = _split(rng.choice(families.split()))
        full = f"{family} {given}" if family_first else f"{given} {family}"
        if family_first and not given.isascii() and " " not in given:
            full = f"{family}{given}"  # Chinese, Japanese, Korean: no space
        shown = full
        if not family_first and rng.random() < 0.03:
            shown = rng.choice(("Dr. ", "Prof. ")) + full
        elif full.isascii() and rng.random() < 0.05:
            shown = f"{family}, {given}"  # as Outlook writes a directory name
        style = rng.choices([s for s, _ in NAME_STYLES], [w for _, w in NAME_STYLES])[0]
        if full.isascii() and style in ("b", "q", "latin1", "raw"):
            style = "plain"
        self.next_id += 1
        zone = rng.choices(self.zones, self.zone_weights)[0]
        person = Human(self.next_id, full, shown, (g_roman, f_roman), style, zone)
        domain = work_domain or rng.choice(PERSONAL_DOMAINS)
        person.addresses.append(
            Address(self.address(person, domain), START, END, bool(work_domain))
        )
        return person

    def address(self, person: Human, domain: str) -> str:
        given, family = person.roman
        local = self.rng.choice(
            (
                f"{given}.{family}",
                f"{given}{family}",
                f"{given[0]}.{family}",
                f"{given}_{family[0]}",
                f"{family}.{given}",
                f"{given}{self.rng.randint(1, 99)}",
            )
        )
        local = "".join(c for c in local.lower() if c.isalnum() or c in "._-") or "x"
        address, n = f"{local}@{domain}", 1
        while address in self.used:
            n += 1
            address = f"{local}{n}@{domain}"
        self.used.add(address)
        self.truth.names[address] = person.name
        self.truth.humans[address] = person.id
        self.people[address] = person
        return address

    def robot(self, address: str) -> str:
        self.truth.robots.add(address.lower())
        return address

    def party(self, person: Human, address: Address | str, *, style: str | None = None) -> Party:
        value = address.value if isinstance(address, Address) else address
        how = style or person.style
        roll = self.rng.random()
        if how != "bare" and roll < 0.04:
            how = "bare"
        elif roll > 0.98:  # as someone's address book has it: capitals
            local, _, domain = value.partition("@")
            value = f"{local.title()}@{domain.capitalize()}"
        return Party(value, display(person.shown, value, how))

    def owner(self, address: str) -> Party:
        return Party(address, display(OWNER_NAME, address, "plain"))

    def owner_address(self, moment: datetime, work: bool) -> str:
        if not work:
            return OWNER_PERSONAL
        return OWNER_WORK if moment >= JOB_CHANGE else OWNER_OLD_WORK

    def cast(self) -> None:
        """The humans: correspondents in circles, their Cc's, colleagues, list posters."""
        rng, s = self.rng, self.scale
        n_corr = max(12, round(800 * s))
        for name, share, _, (low, high) in CIRCLES:
            for _ in range(max(2, round(n_corr * share))):
                work = rng.random() < 0.35
                domain = rng.choice(ORG_DOMAINS) if work else None
                person = self.human(work_domain=domain)
                person.circle, person.work = name, work
                years = rng.uniform(low, high) if high > low else low
                span = timedelta(days=max(60, 365 * years))
                begin = START + (END - START - span) * rng.random()
                person.since, person.until = begin, min(END, begin + span)
                self.give_more_addresses(person)
                self.correspondents.append(person)
        for _ in range(max(6, round(400 * s))):
            self.associates.append(self.human())
        for _ in range(max(70, round(350 * s))):
            self.colleagues.append(self.human(work_domain="work.example.com"))
        workmates = [p for p in self.correspondents if p.work]
        self.colleagues.extend(workmates[: len(workmates) // 4])
        for _ in range(max(20, round(1800 * s))):
            self.listers.append(self.human())
        repos = ("kith/kith", "python/cpython", "psf/black", "pallets/flask")
        for _ in range(max(5, round(600 * s))):
            issue, token = rng.randint(1, 9999), f"{rng.getrandbits(120):030X}"
            self.issues.append((rng.choice(repos), issue, token))

    def give_more_addresses(self, person: Human) -> None:
        """A quarter change address once (a new job or provider), a few twice."""
        rng = self.rng
        changes = rng.choices((0, 1, 2), (70, 25, 5))[0]
        for _ in range(changes):
            first = person.addresses[-1]
            cut = first.since + (END - first.since) * rng.uniform(0.3, 0.8)
            person.addresses[-1] = Address(first.value, first.since, cut, first.work)
            work = rng.random() < 0.5
            domain = rng.choice(ORG_DOMAINS if work else PERSONAL_DOMAINS)
            person.addresses.append(Address(self.address(person, domain), cut, END, work))

    # ----- helpers --------------------------------------------------------

    def msgid(self, domain: str) -> str:
        token = f"{self.rng.getrandbits(64):016x}"
        if domain == "gmail.com":
            return f"<CA{token.upper()}{self.rng.getrandbits(32):08X}@mail.gmail.com>"
        return f"<{token}.{self.rng.getrandbits(24):06x}@{domain}>"

    def moment(self, begin: datetime, end: datetime, zone: ZoneInfo) -> datetime:
        """A time between ``begin`` and ``end``, in waking hours where the sender lives."""
        span = (end - begin).total_seconds()
        when = begin + timedelta(seconds=self.rng.random() * max(span, 1))
        local = when.astimezone(zone)
        if local.hour < 7:
            when += timedelta(hours=self.rng.randint(8, 14))
        return min(when, end - timedelta(seconds=61)).replace(microsecond=0)

    def body(self, lines: int = 3) -> str:
        return "\n".join(self.rng.sample(BODY_LINES, lines))

    def with_date_and_id(self, message: Message, domain: str) -> Message:
        """Most messages have a Date and a Message-ID; about 0.5 % lack one or the other."""
        roll = self.rng.random()
        message.no_date = roll < 0.005
        message.msgid = None if 0.005 <= roll < 0.01 else self.msgid(domain)
        if message.delivered_to and message.no_date:
            self.box.features["no Date (Received only)"] += 1
        if message.msgid is None:
            self.box.features["no Message-ID"] += 1
        return message

    # ----- personal mail --------------------------------------------------

    def personal(self, budget: int) -> None:
        """Threads with correspondents, chosen by how much of the mail their circle has."""
        rng, box = self.rng, self.box
        weights = []
        per_circle = Counter(p.circle for p in self.correspondents)
        threads_share = {name: share for name, _, share, _ in CIRCLES}
        for person in self.correspondents:
            weights.append(threads_share[person.circle] / per_circle[person.circle])
        start = box.count
        while box.count - start < budget:
            person = rng.choices(self.correspondents, weights)[0]
            self.thread(person, start + budget - box.count)

    def thread(self, person: Human, room: int) -> None:
        rng = self.rng
        when = self.moment(person.since, person.until, person.zone)
        if when >= END - timedelta(hours=1):
            return
        address = person.address_at(when)
        work = address.work or person.work
        mine = self.owner_address(when, work)
        if rng.random() < 0.05:
            mine = OWNER_PERSONAL if work else self.owner_address(when, True)
        subjects = WORK_SUBJECTS if work else PERSONAL_SUBJECTS
        subject = rng.choice(subjects)
        others = self.cc_for(person, when)
        outbound = rng.random() < 0.5
        length = rng.choices((1, 2, 3, 4, 5, 6, 8), (22, 30, 20, 12, 8, 5, 3))[0]
        parents: list[str] = []
        written = 0
        stale = [a for a in person.addresses if a.until < when]
        last_from: Party = self.party(person, address)
        for step in range(min(length, room)):
            if when >= END:
                break
            if outbound:
                to_party = last_from
                target_stale = step == 0 and stale and rng.random() < 0.15
                if target_stale:
                    to_party = self.party(person, stale[-1], style="plain")
                reply_all = rng.random() < 0.6
                message = Message(
                    "personal:out",
                    when,
                    self.owner_zone,
                    self.owner(mine),
                    [to_party],
                    ("Re: " if parents else "") + subject_header(subject, rng),
                    folder=".Sent",
                    cc=list(others) if (reply_all or not parents) else [],
                    parents=list(parents),
                    headers=[rng.choice(USER_AGENTS)],
                    body=self.body(),
                )
                self.with_date_and_id(message, mine.rpartition("@")[2])
                message.no_date = False  # the owner's own program always writes a Date
                self.box.emit(message)
                written += 1
                if target_stale:
                    self.bounce(message, to_party.address)
                    written += 1
                elif rng.random() < 0.03 and step + 1 < room:
                    self.out_of_office(person, address, mine, when, subject)
                    written += 1
            else:
                sender_person, sender_address = person, address
                if others and rng.random() < 0.25:
                    extra = rng.choice(others)
                    sender_person = self.people[extra.address.lower()]
                    sender_address = sender_person.address_at(when)
                sender = self.party(sender_person, sender_address)
                cc = [p for p in others if p.address != sender.address]
                if sender_person is not person:
                    cc.append(self.party(person, address))
                message = Message(
                    "personal:in",
                    when,
                    sender_person.zone,
                    sender,
                    [self.owner(mine)],
                    ("Re: " if parents else "") + subject_header(subject, rng),
                    folder="",
                    cc=cc,
                    parents=list(parents),
                    body=self.body(),
                    flags="RS" if step + 1 < length else rng.choice(("S", "S", "FS")),
                    delay=rng.randint(2, 240),
                    delivered_to=mine,
                )
                if rng.random() < 0.3 and cc:
                    message.to = [*message.to, *message.cc]  # all in To, as many people write
                    message.cc = []
                self.with_date_and_id(message, sender.address.rpartition("@")[2])
                self.box.emit(message)
                last_from = sender if sender_person is person else self.party(person, address)
                written += 1
            if message.msgid:
                parents.append(message.msgid)
            room -= written
            written = 0
            if room <= 0:
                break
            outbound = not outbound if rng.random() < 0.85 else outbound
            when += timedelta(minutes=rng.choice((5, 30, 90, 240, 900, 1440, 4000, 10000)))
            when += timedelta(seconds=rng.randint(0, 3599))

    def cc_for(self, person: Human, when: datetime) -> list[Party]:
        """One thread in five has others on it: other correspondents, or associates."""
        rng = self.rng
        if rng.random() >= 0.2:
            return []
        out: list[Party] = []
        for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
            pool = self.correspondents if rng.random() < 0.6 else self.associates
            other = rng.choice(pool)
            if other is person:
                continue
            party = self.party(other, other.address_at(when))
            if all(p.address != party.address for p in out):
                out.append(party)
        return out

    def out_of_office(
        self, person: Human, address: Address, mine: str, when: datetime, subject: str
    ) -> None:
        rng = self.rng
        auto = rng.choice(
            (
                "Auto-Submitted: auto-replied",
                "Auto-Submitted: auto-replied\nX-Autoreply: yes",
                "Precedence: junk\nX-Autoreply: yes",
                "Auto-Submitted: auto-replied (vacation)",
            )
        )
        message = Message(
            "ooo",
            when + timedelta(seconds=rng.randint(5, 90)),
            person.zone,
            self.party(person, address),
            [self.owner(mine)],
            f"Out of office: {subject_header(subject, rng)}",
            headers=[auto],
            body="I am out of the office until Monday with limited access to e-mail.",
            bulk=True,
            delay=rng.randint(2, 30),
            delivered_to=mine,
        )
        self.with_date_and_id(message, address.value.rpartition("@")[2])
        self.box.emit(message)

    def bounce(self, original: Message, address: str) -> None:
        rng = self.rng
        mine = original.sender.address
        boundary = f"{rng.getrandbits(48):012x}.bounce"
        message = Message(
            "bounce",
            original.when + timedelta(seconds=rng.randint(3, 60)),
            _UTC,
            Party(
                self.robot("MAILER-DAEMON@mx1.example.org"),
                "Mail Delivery System <MAILER-DAEMON@mx1.example.org>",
            ),
            [self.owner(mine)],
            "Undelivered Mail Returned to Sender",
            headers=[
                "Auto-Submitted: auto-replied",
                "MIME-Version: 1.0",
                f'Content-Type: {REPORT};\n\tboundary="{boundary}"',
            ],
            body=(
                f"--{boundary}\nContent-Type: text/plain\n\nI'm sorry to have to inform you that"
                f" your message could not be delivered to <{address}>: user unknown.\n\n"
                f"--{boundary}\nContent-Type: message/delivery-status\n\n"
                f"Final-Recipient: rfc822; {address}\nAction: failed\nStatus: 5.1.1\n\n"
                f"--{boundary}--"
            ),
            bulk=True,
            delay=1,
            delivered_to=mine,
        )
        self.with_date_and_id(message, "mx1.example.org")
        self.box.emit(message)

    # ----- group mail, Bcc, drafts, duplicates ------------------------------

    def announcements(self, budget: int) -> None:
        """Mail to many: colleagues to all staff, friends' invitations, the owner's own news.

        Most go to 24–60 people (not personal); a few to exactly 20 or 21, at the edge."""
        rng, box = self.rng, self.box
        start = box.count
        edge = 0
        while box.count - start < budget:
            roll = rng.random()
            since = JOB_CHANGE if 0.1 <= roll < 0.7 else START  # colleagues: the new job
            when = self.moment(since, END - timedelta(days=1), self.owner_zone)
            if edge < 12 and roll < 0.03:
                size, edge = 20 + edge % 2, edge + 1
            else:
                size = rng.randint(24, 60)
            if roll < 0.1:
                sender = self.owner(OWNER_PERSONAL)
                pool = self.correspondents + self.associates
                zone, subject = self.owner_zone, "We're moving! New address inside"
                folder, mine = ".Sent", ""
            else:
                author = rng.choice(self.colleagues if roll < 0.7 else self.correspondents)
                sender = self.party(author, author.address_at(when))
                pool = self.colleagues if roll < 0.7 else self.correspondents + self.associates
                zone = author.zone
                subject = rng.choice(
                    (
                        "Leaving drinks on Friday",
                        "All-hands moved to 3pm",
                        "Party at ours!",
                        "Wedding save the date",
                        "Christmas lunch sign-up",
                        "Baby news",
                    )
                )
                folder, mine = "", self.owner_address(when, roll < 0.7)
            picked: list[Party] = [] if not mine else [self.owner(mine)]
            others = [p for p in pool if p.address_at(when).value != sender.address.lower()]
            chosen = rng.sample(others, min(size - len(picked), len(others)))
            picked += [self.party(other, other.address_at(when)) for other in chosen]
            rng.shuffle(picked)
            split = rng.randint(1, len(picked))
            message = Message(
                "announce" if len(picked) > MAX_PERSONAL_RECIPIENTS else "personal:group",
                when,
                zone,
                sender,
                picked[:split],
                subject,
                folder=folder,
                cc=picked[split:],
                body=self.body(4),
                delay=rng.randint(2, 120) if mine else 0,
                delivered_to=mine,
            )
            self.with_date_and_id(message, sender.address.rpartition("@")[2])
            if folder == ".Sent":
                message.no_date = False
            box.emit(message)

    def bcc(self, budget: int) -> None:
        """A friend's news sent to themselves with everyone in Bcc: not to the owner."""
        rng = self.rng
        for _ in range(budget):
            person = rng.choice(self.correspondents)
            when = self.moment(person.since, person.until, person.zone)
            address = person.address_at(when)
            party = self.party(person, address)
            message = Message(
                "bcc",
                when,
                person.zone,
                party,
                [party] if rng.random() < 0.7 else [],
                rng.choice(("Our news", "New phone number", "Moving to Lisbon")),
                body=self.body(),
                delay=rng.randint(2, 120),
                delivered_to=OWNER_PERSONAL,
            )
            self.with_date_and_id(message, address.value.rpartition("@")[2])
            self.box.emit(message)

    def drafts(self, budget: int) -> None:
        """Drafts never sent: mostly to correspondents, one in three to someone new."""
        rng = self.rng
        for _ in range(budget):
            person = self.human() if rng.random() < 0.33 else rng.choice(self.correspondents)
            when = self.moment(END - timedelta(days=200), END - timedelta(hours=2), self.owner_zone)
            message = Message(
                "draft",
                when,
                self.owner_zone,
                self.owner(OWNER_PERSONAL),
                [self.party(person, person.address_at(when))],
                rng.choice(PERSONAL_SUBJECTS),
                folder=".Drafts",
                body=self.body(2),
                flags="DS",
                draft=True,
            )
            self.with_date_and_id(message, "example.org")
            message.no_date = False
            self.box.emit(message)

    def duplicates(self, budget: int) -> None:
        """Copies of personal messages kept twice (in Archive too), same Message-ID."""
        if not budget:
            return
        root = self.box.root
        found = sorted(
            p for p in (root / ".Sent" / "cur").iterdir() if p.is_file()
        )  # written already: copy some
        for path in self.rng.sample(found, min(budget, len(found))):
            target = self.box.folder(".Archive") / "cur" / f"{path.name.split(':')[0]}.dup:2,S"
            shutil.copy2(path, target)
            self.box.count += 1
            self.box.bytes += path.stat().st_size
            self.box.kinds["duplicate"] += 1

    # ----- strangers and robots -------------------------------------------

    def cold(self, budget: int) -> None:
        """Recruiters, sales, cold e-mails: one to three messages, answered one time in ten."""
        rng, box = self.rng, self.box
        start = box.count
        while box.count - start < budget:
            who = self.human(
                work_domain=rng.choice(
                    ("talentsearch.example", "salesly.example", "growthhackers.example")
                )
                if rng.random() < 0.6
                else None
            )
            address = who.addresses[0]
            when = self.moment(START, END - timedelta(days=3), who.zone)
            mine = self.owner_address(when, rng.random() < 0.6)
            subject = rng.choice(
                (
                    "Exciting opportunity at a Series B startup",
                    "Quick question about your team",
                    "Partnership?",
                    "Loved your talk",
                    "15 minutes next week?",
                    "Opportunité de poste",
                    "Following up",
                )
            )
            parents: list[str] = []
            for step in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
                if box.count - start >= budget:
                    return
                message = Message(
                    "cold:in",
                    when,
                    who.zone,
                    self.party(who, address),
                    [self.owner(mine)],
                    ("Re: " if step else "") + subject,
                    folder="",
                    parents=list(parents),
                    body=self.body(),
                    delay=rng.randint(2, 300),
                    delivered_to=mine,
                )
                self.with_date_and_id(message, address.value.rpartition("@")[2])
                box.emit(message)
                if message.msgid:
                    parents.append(message.msgid)
                when += timedelta(days=rng.randint(3, 12), seconds=rng.randint(0, 20000))
                if when >= END:
                    break
            if rng.random() < 0.1 and box.count - start < budget:
                reply = Message(
                    "cold:out",
                    when,
                    self.owner_zone,
                    self.owner(mine),
                    [self.party(who, address)],
                    "Re: " + subject,
                    folder=".Sent",
                    parents=list(parents),
                    body="Thanks, but I'm not looking right now.",
                )
                reply.msgid = self.msgid(mine.rpartition("@")[2])
                box.emit(reply)

    def robots(self, budget: int) -> None:
        """The owner writes to support desks, hotels, a shop's orders@, GitHub by reply."""
        rng, box = self.rng, self.box
        start = box.count
        while box.count - start < budget:
            when = self.moment(START, END - timedelta(days=2), self.owner_zone)
            if rng.random() < 0.25:
                # A reply by mail to a GitHub notification: to its Reply-To, one per issue.
                repo, issue, token = rng.choice(self.issues)
                name, address = repo, f"reply+{token}@reply.github.com"
                subject = f"Re: [{repo}] {ISSUE_TITLES[issue % len(ISSUE_TITLES)]} (#{issue})"
            else:
                name, address, subject = rng.choice(ROBOTS_WRITTEN_TO)
            self.robot(address)
            mine = self.owner_address(when, False)
            robot = Party(address, display(name, address, "plain"))
            out = Message(
                "robot:out",
                when,
                self.owner_zone,
                self.owner(mine),
                [robot],
                subject,
                folder=".Sent",
                body=self.body(2),
            )
            out.msgid = self.msgid("example.org")
            box.emit(out)
            if "reply.github.com" in address or rng.random() < 0.3:
                continue
            answer = Message(
                "robot:in",
                when + timedelta(hours=rng.randint(1, 48)),
                _UTC,
                robot,
                [self.owner(mine)],
                "Re: " + subject,
                parents=[out.msgid],
                body="Thank you for contacting us. A member of our team will reply shortly.",
                delay=rng.randint(2, 60),
                delivered_to=mine,
            )
            self.with_date_and_id(answer, address.rpartition("@")[2])
            box.emit(answer)

    def spam(self, budget: int) -> None:
        rng = self.rng
        for _ in range(budget):
            when = self.moment(START, END, _UTC)
            local = f"{rng.choice(('info', 'deals', 'admin', 'mike', 'lucy', 'support'))}"
            domain = f"{rng.getrandbits(30):x}.{rng.choice(('top', 'xyz', 'ru', 'cn', 'biz'))}"
            address = f"{local}{rng.randint(1, 999)}@{domain}"
            self.truth.spam.add(address)
            name = rng.choice(
                (
                    "Pharmacy Online",
                    "Mrs. Grace Williams",
                    "Crypto Gains",
                    "Dating Service",
                    "",
                    "Microsoft Account Team",
                )
            )
            to = [self.owner(OWNER_PERSONAL)] if rng.random() < 0.7 else []
            message = Message(
                "spam",
                when,
                _UTC,
                Party(address, display(name, address, "plain")),
                to,
                subject_header(
                    rng.choice(
                        (
                            "You have won!",
                            "Re: invoice",
                            "Urgent reply needed",
                            "Заработок онлайн",
                            "Your account is locked",
                        )
                    ),
                    rng,
                ),
                folder=".Junk",
                body="Click here.",
                delay=rng.randint(1, 30),
                delivered_to=OWNER_PERSONAL,
            )
            self.with_date_and_id(message, domain)
            self.box.emit(message)

    # ----- lists, newsletters, notifications -------------------------------

    def lists(self, budget: int) -> None:
        """Posts to five lists; a few correspondents are members; the owner posts now and
        then (a Sent copy without List-Id, and the list's copy), and some reply to her."""
        rng, box = self.rng, self.box
        members: dict[str, list[Human]] = {}
        for name, *_ in LISTS:
            pool = self.colleagues if name == "eng-all" else self.listers
            chosen = rng.sample(pool, max(5, len(pool) // (2 if name == "eng-all" else 3)))
            if name in ("running-club", "neighbours", "python-dev"):
                friends = [p for p in self.correspondents if not p.work]
                chosen += rng.sample(friends, max(1, len(friends) // 25))
            members[name] = chosen
        recent: dict[str, list[tuple[str, str]]] = {name: [] for name, *_ in LISTS}
        weights = [spec[3] for spec in LISTS]
        for address in (spec[1] for spec in LISTS):
            self.robot(address)
        start = box.count
        while box.count - start < budget:
            name, address, list_id, _, owner_from = rng.choices(LISTS, weights)[0]
            since = JOB_CHANGE if name == "eng-all" else START
            when = self.moment(since, END - timedelta(hours=1), self.owner_zone)
            threads = recent[name]
            parent = rng.choice(threads) if threads and rng.random() < 0.6 else None
            subject = parent[1] if parent else rng.choice(LIST_SUBJECTS[name])
            parents = [parent[0]] if parent else []
            reply = "Re: " if parent else ""
            headers = _list_headers(name, address, list_id, rng)
            if rng.random() < 0.006:
                self.owner_post(name, address, owner_from, when, reply + subject, parents, headers)
                continue
            author = rng.choices(
                members[name], [1 + (i % 7 == 0) * 8 for i in range(len(members[name]))]
            )[0]
            author_address = author.address_at(when)
            message = Message(
                "list:list-id",
                when,
                author.zone,
                self.party(author, author_address),
                [Party(address, address)],
                reply + subject,
                folder=f".Lists.{name}",
                parents=parents,
                headers=headers,
                body=self.body(),
                bulk=True,
                delay=rng.randint(10, 600),
                delivered_to=owner_from,
            )
            self.with_date_and_id(message, author_address.value.rpartition("@")[2])
            box.emit(message)
            if message.msgid:
                threads.append((message.msgid, subject))
                del threads[:-40]

    def owner_post(
        self,
        name: str,
        address: str,
        mine: str,
        when: datetime,
        subject: str,
        parents: list[str],
        headers: list[str],
    ) -> None:
        rng, box = self.rng, self.box
        to = [Party(address, address)]
        sent = Message(
            "list:owner-post",
            when,
            self.owner_zone,
            self.owner(mine),
            to,
            subject,
            folder=".Sent",
            parents=parents,
            body=self.body(),
        )
        sent.msgid = self.msgid(mine.rpartition("@")[2])
        box.emit(sent)
        echo = Message(
            "list:list-id",
            when,
            self.owner_zone,
            self.owner(mine),
            to,
            subject,
            folder=f".Lists.{name}",
            parents=parents,
            headers=headers,
            body=sent.body,
            bulk=True,
            delay=rng.randint(10, 300),
            delivered_to=mine,
        )
        echo.msgid = sent.msgid
        box.emit(echo)
        if rng.random() < 0.5:
            # Someone answers to her and the list: the direct copy has no List-Id.
            pool = self.colleagues if name == "eng-all" else self.listers
            author = rng.choice(pool)
            when2 = when + timedelta(hours=rng.randint(1, 30))
            direct = Message(
                "list:direct-reply",
                when2,
                author.zone,
                self.party(author, author.address_at(when2)),
                [self.owner(mine)],
                "Re: " + subject.removeprefix("Re: "),
                folder="",
                cc=to,
                parents=[*parents, sent.msgid],
                body=self.body(),
                delay=rng.randint(2, 60),
                delivered_to=mine,
            )
            self.with_date_and_id(direct, direct.sender.address.rpartition("@")[2])
            box.emit(direct)

    def newsletters(self, budget: int) -> None:
        rng = self.rng
        weights = [n[2] for n in NEWSLETTERS]
        for _ in range(budget):
            name, address, _, with_id, precedence = rng.choices(NEWSLETTERS, weights)[0]
            self.robot(address)
            when = self.moment(START, END - timedelta(hours=1), _UTC)
            domain = address.rpartition("@")[2]
            unsubscribe = f"<https://{domain}/u/{rng.getrandbits(40):x}>"
            headers = [
                f"List-Unsubscribe: {unsubscribe}, <mailto:unsubscribe@{domain}>",
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            ]
            if with_id:
                headers.append(f"List-Id: {name} <{domain.replace('.', '-')}.list-id.{domain}>")
            if precedence:
                headers.append(f"Precedence: {precedence}")
            boundary = f"==nl{rng.getrandbits(40):x}"
            headers += [
                "MIME-Version: 1.0",
                f'Content-Type: multipart/alternative; boundary="{boundary}"',
            ]
            body = (
                f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\nThis week: "
                f"{rng.choice(BODY_LINES)}\n--{boundary}\n"
                "Content-Type: text/html; charset=utf-8\n\n"
                f"<html><body><h1>{name}</h1><p>{rng.choice(BODY_LINES)}</p></body></html>\n"
                f"--{boundary}--"
            )
            message = Message(
                "newsletter",
                when,
                _UTC,
                Party(address, display(name, address, "plain")),
                [self.owner(OWNER_PERSONAL)],
                subject_header(f"{name}: {rng.choice(NEWS_SUBJECTS)}", rng),
                folder=rng.choice(("", ".Newsletters", ".Newsletters", ".Trash")),
                headers=headers,
                body=body,
                bulk=True,
                delay=rng.randint(2, 600),
                delivered_to=OWNER_PERSONAL,
            )
            if message.folder == ".Trash":
                message.flags = "ST"
            self.with_date_and_id(message, domain)
            self.box.emit(message)

    def notifications(self, budget: int) -> None:
        rng = self.rng
        weights = [n[2] for n in NOTIFIERS]
        for _ in range(budget):
            name, address, _, kinds = rng.choices(NOTIFIERS, weights)[0]
            self.robot(address)
            when = self.moment(START, END - timedelta(hours=1), _UTC)
            domain = address.rpartition("@")[2]
            work = "work.example.com" in domain
            mine = self.owner_address(when, work)
            to, cc = [self.owner(mine)], []
            headers: list[str] = []
            folder = ""
            bulk = bool(kinds)
            subject = f"{name}: {rng.choice(NOTIFY_SUBJECTS)}"
            sender = Party(address, display(name, address, "plain"))
            if "github" in kinds:
                repo, issue, token = rng.choice(self.issues)
                reply_to = f"reply+{token}@reply.github.com"
                self.robot(reply_to)
                actor = rng.choice(self.listers)
                sender = Party(address, display(actor.name, address, actor.style))
                to = [
                    Party(
                        f"{repo.split('/')[1]}@noreply.github.com",
                        f"{repo} <{repo.split('/')[1]}@noreply.github.com>",
                    )
                ]
                self.robot(to[0].address)
                cc = [
                    self.owner(OWNER_PERSONAL),
                    Party("mention@noreply.github.com", "Mention <mention@noreply.github.com>"),
                ]
                self.robot("mention@noreply.github.com")
                headers = [
                    f"List-ID: {repo} <{repo.replace('/', '.')}.github.com>",
                    f"List-Unsubscribe: <mailto:unsub+{rng.getrandbits(40):x}@reply.github.com>",
                    "X-GitHub-Reason: mention",
                    f"Reply-To: {repo} <{reply_to}>",
                ]
                subject = f"[{repo}] {ISSUE_TITLES[issue % len(ISSUE_TITLES)]} (#{issue})"
                folder = ".Notifications.GitHub"
            if "auto" in kinds:
                headers.append("Auto-Submitted: auto-generated")
            if "bulk" in kinds:
                headers.append("Precedence: bulk")
            if "unsub" in kinds:
                headers.append(f"List-Unsubscribe: <https://{domain}/unsubscribe>")
            message = Message(
                "notification",
                when,
                _UTC,
                sender,
                to,
                subject_header(subject, rng),
                folder=folder,
                cc=cc,
                headers=headers,
                body=self.body(2),
                bulk=bulk,
                delay=rng.randint(1, 120),
                delivered_to=mine,
            )
            self.with_date_and_id(message, domain)
            self.box.emit(message)

    # ----- everything -------------------------------------------------------

    def run(self) -> None:
        self.cast()
        budgets = {kind: round(self.total * share) for kind, share in SHARES.items()}
        budgets["notification"] = self.total - sum(budgets.values())
        self.personal(budgets["personal"])
        self.announcements(budgets["announce"])
        self.bcc(budgets["bcc"])
        self.drafts(budgets["draft"])
        self.cold(budgets["cold"])
        self.robots(budgets["robot"])
        self.lists(budgets["list"])
        self.newsletters(budgets["newsletter"])
        self.spam(budgets["spam"])
        # Whatever the budgets above overshot or left is taken from the notifications.
        left = self.total - self.box.count - budgets["duplicate"]
        self.notifications(max(0, left))
        self.duplicates(self.total - self.box.count)


def _split(word: str) -> tuple[str, str]:
    """``"Дмитрий:dmitriy"`` → (written, romanised); Latin names romanise themselves."""
    if ":" in word:
        written, roman = word.split(":", 1)
        return written.replace("_", " "), roman
    word = word.replace("_", " ")
    return word, "".join(c for c in _ascii(word).lower() if c.isalnum()) or "x"


def _list_headers(name: str, address: str, list_id: str, rng: random.Random) -> list[str]:
    domain = address.rpartition("@")[2]
    headers = [
        f"List-Id: {name.replace('-', ' ').title()} <{list_id}>",
        f"List-Post: <mailto:{address}>",
        f"List-Unsubscribe: <mailto:{name}-leave@{domain}>",
        f"Sender: {name}-bounces@{domain}",
    ]
    if name in ("python-dev", "debian-devel"):
        headers.append("Precedence: list")
    return headers


LIST_SUBJECTS = {
    "python-dev": ("PEP 703: making the GIL optional", "Deprecating asyncore", "Release 3.13.1",
                   "Unicode identifiers in stdlib", "Speeding up importlib"),
    "debian-devel": ("Intent to package: kith", "Bug#1023 usrmerge", "Trixie freeze timeline",
                     "Re-enabling -O2 for armel"),
    "eng-all": ("Deploy freeze this week", "On-call rota", "Tech talk: SQLite in production",
                "Incident 4521 retro"),
    "running-club": ("Sunday long run", "Parkrun PBs", "Club kit order", "Track session moved"),
    "neighbours": ("Lost cat", "Street party", "Bin collection changes", "Parcel for no. 14"),
}  # fmt: skip
ISSUE_TITLES = (
    "Crash on an empty mailbox", "Docs typo in the tutorial", "Support Python 3.13",
    "Flaky test on Windows", "Regression in 2.1", "Feature request: dark mode",
)  # fmt: skip
NEWS_SUBJECTS = (
    "This week's picks",
    "Today's briefing",
    "The weekend edition",
    "Don't miss out",
    "Your September update",
    "Ten things we learnt",
    "Special offer inside",
    "L'essentiel du jour",
)
NOTIFY_SUBJECTS = (
    "New sign-in from Chrome on Mac",
    "Your order has shipped",
    "Payment received",
    "Invitation: Team sync",
    "You have 3 new messages",
    "Build failed: main #4412",
    "Statement ready",
    "New comment on your post",
    "Your weekly summary",
)


def generate(messages: int, seed: int, root: Path, truth_path: Path) -> dict[str, Any]:
    """Write the Maildir under ``root`` (emptied first) and its truth; returns what was made."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    started = time.perf_counter()
    gen = Generator(messages, seed, root)
    for folder in ("", ".Sent", ".Archive", ".Drafts", ".Junk", ".Trash"):
        gen.box.folder(folder)
    gen.run()
    seconds = time.perf_counter() - started
    about = {
        "seed": seed,
        "messages": gen.box.count,
        "bytes": gen.box.bytes,
        "maildir": str(root),
        "kinds": dict(sorted(gen.box.kinds.items())),
        "features": dict(sorted(gen.box.features.items())),
        "folders": sorted(gen.box.made),
        "correspondents": len(gen.correspondents),
        "seconds": round(seconds, 2),
    }
    document = gen.truth.document(**about)
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
    digest = hashlib.sha256(truth_path.read_bytes()).hexdigest()[:16]
    return {**about, "counts": document["counts"], "truth": str(truth_path), "digest": digest}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000, help="messages to write")
    parser.add_argument("--seed", type=int, default=11, help="the same seed, the same files")
    parser.add_argument("--out", type=Path, default=OUT / "maildir", help="the Maildir root")
    parser.add_argument(
        "--truth", type=Path, default=OUT / "mail-truth.json", help="where the truth goes"
    )
    args = parser.parse_args(argv)
    made = generate(args.messages, args.seed, args.out, args.truth)
    print(json.dumps(made, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
