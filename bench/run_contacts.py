"""Contacts benchmark: import a folder of 10,000 vCards, import it again, and list it with khard.

Usage::

    .venv/bin/python bench/run_contacts.py [--cards 10000] [--runs 3] [--seed 7] [--reuse]
                                           [--src OTHER/src] [--chains] [--strict]

1. ``bench/out/vcards/`` gets ``--cards`` realistic vCards, one file per card
   (a vdir, ``<uid>.vcf``), the same for the same ``--seed``: mostly 3.0 and
   some 4.0 (``ContactRecord`` → ``kith.interchange.vcard.write_vcard``), some
   2.1 (written by hand, quoted-printable for non-ASCII); names from many languages and
   scripts, 1–3 e-mails, phones in E.164, international and British national
   form with TYPE parameters, ORG/TITLE, birthdays with and without a year,
   notes, categories, Apple-style ``itemN.EMAIL`` + ``X-ABLabel`` groups, and a
   10–60 KB JPEG-like photo on 5% of the cards.  About 5% of the cards are a
   second source's card of a human already in the folder: they share an e-mail
   with that card, so the import merges them (one such card per human, unless
   ``--chains``: a card matching two people Kith already has aborts the import).
2. Three commands are run as whole new processes, ``--runs`` times, taking
   turns in rounds (first import → re-import → khard) so that the machine's ups
   and downs fall on all alike; every first import starts from a fresh database:

   - ``kith import vcard`` into an empty SQLite file (the first import);
   - the same again (nothing changed: its summary must say 0 added, updated,
     merged);
   - ``khard list`` on the same folder, the reference for the re-import.

   Each process is waited for with ``os.wait4``, which gives its own peak
   resident memory (max RSS) and CPU time.
3. The figures are printed as a table (median and best wall time, CPU, peak
   memory, targets) and written to ``bench/out/contacts.json``.

Kith runs with ``--json`` (so that the summaries can be checked) and with
``default_region = "GB"`` from ``bench/out/contacts-config.toml`` (so that the
British national numbers are read, as they would be for a user in the UK).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import phonenumbers

from kith.domain.contacts import ContactRecord, Labeled
from kith.interchange.vcard import write_vcard
from measuring import Figure, Run, environment, run_once  # beside this file

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
CARDS_DIR = OUT / "vcards"
DB = OUT / "contacts.db"
KITH_CONFIG = OUT / "contacts-config.toml"
KHARD_CONFIG = OUT / "khard.conf"
LOGS = OUT / "contacts-logs"
KITH = Path(sys.executable).with_name("kith")
KHARD = Path(sys.executable).with_name("khard")
NOW = "2026-11-26"
TARGET_FIRST = 10.0
TARGET_AGAIN = 5.0

# --------------------------------------------------------------------------
# Generating the cards
# --------------------------------------------------------------------------

#: (weight, given names, family names, family name first, separator); names are
#: (as written, romanised for e-mail addresses).
Names = tuple[tuple[str, str], ...]
CULTURES: tuple[tuple[int, Names, Names, bool, str], ...] = (
    (
        30,
        (("James", "james"), ("Olivia", "olivia"), ("Sam", "sam"), ("Emily", "emily"),
         ("Oliver", "oliver"), ("Grace", "grace"), ("Daniel", "daniel"), ("Chloe", "chloe"),
         ("Mary-Kate", "marykate"), ("Thomas", "thomas"), ("Ruth", "ruth"), ("Leo", "leo")),
        (("Smith", "smith"), ("O'Brien", "obrien"), ("Taylor", "taylor"), ("Evans", "evans"),
         ("Hughes", "hughes"), ("Wright", "wright"), ("Baker-Jones", "bakerjones"),
         ("McAllister", "mcallister"), ("Patel", "patel"), ("Rivera", "rivera")),
        False,
        " ",
    ),
    (
        8,
        (("José", "jose"), ("María José", "mariajose"), ("Lucía", "lucia"),
         ("Álvaro", "alvaro"), ("Iñigo", "inigo"), ("Begoña", "begona")),
        (("García López", "garcialopez"), ("de la Cruz", "delacruz"), ("Núñez", "nunez"),
         ("Muñoz", "munoz"), ("Fernández", "fernandez"), ("Ibáñez", "ibanez")),
        False,
        " ",
    ),
    (
        8,
        (("François", "francois"), ("Chloé", "chloe"), ("Hélène", "helene"),
         ("Benoît", "benoit"), ("Anaïs", "anais"), ("Jean-Loïc", "jeanloic")),
        (("Lefèvre", "lefevre"), ("Dubois", "dubois"), ("Le Goff", "legoff"),
         ("Bérégovoy", "beregovoy"), ("Mercier", "mercier")),
        False,
        " ",
    ),
    (
        7,
        (("Jürgen", "juergen"), ("Jörg", "joerg"), ("Käthe", "kaethe"), ("Lena", "lena"),
         ("Maximilian", "maximilian")),
        (("Müller", "mueller"), ("Groß", "gross"), ("von Weizsäcker", "vonweizsaecker"),
         ("Schäfer", "schaefer"), ("Becker", "becker")),
        False,
        " ",
    ),
    (
        4,
        (("Łukasz", "lukasz"), ("Małgorzata", "malgorzata"), ("Wojciech", "wojciech"),
         ("Zofia", "zofia")),
        (("Wiśniewski", "wisniewski"), ("Kowalczyk", "kowalczyk"),
         ("Brzęczyszczykiewicz", "brzeczyszczykiewicz"), ("Żak", "zak")),
        False,
        " ",
    ),
    (
        4,
        (("Søren", "soren"), ("Åsa", "asa"), ("Bjørn", "bjorn"), ("Sigrún", "sigrun")),
        (("Ødegård", "odegard"), ("Kierkegaard", "kierkegaard"), ("Lindqvist", "lindqvist"),
         ("Jónsdóttir", "jonsdottir")),
        False,
        " ",
    ),
    (
        3,
        (("Çağla", "cagla"), ("Ömer", "omer"), ("Şule", "sule"), ("İlker", "ilker")),
        (("Yılmaz", "yilmaz"), ("Öztürk", "ozturk"), ("Şahin", "sahin")),
        False,
        " ",
    ),
    (
        3,
        (("Văn An", "an"), ("Thị Lan", "lan"), ("Minh Đức", "duc")),
        (("Nguyễn", "nguyen"), ("Trần", "tran"), ("Phạm", "pham")),
        True,
        " ",
    ),
    (
        4,
        (("Дмитрий", "dmitriy"), ("Анна", "anna"), ("Ольга", "olga"), ("Сергей", "sergey")),
        (("Иванов", "ivanov"), ("Смирнова", "smirnova"), ("Кузнецов", "kuznetsov")),
        False,
        " ",
    ),
    (
        2,
        (("Νίκος", "nikos"), ("Ελένη", "eleni"), ("Γιώργος", "giorgos")),
        (("Παπαδόπουλος", "papadopoulos"), ("Οικονόμου", "oikonomou")),
        False,
        " ",
    ),
    (
        3,
        (("محمد", "mohammed"), ("فاطمة", "fatima"), ("ليلى", "layla")),
        (("الحسن", "alhassan"), ("حداد", "haddad"), ("منصور", "mansour")),
        False,
        " ",
    ),
    (
        5,
        (("Priya", "priya"), ("Rahul", "rahul"), ("प्रिया", "priya"), ("Aarav", "aarav"),
         ("Lakshmi", "lakshmi")),
        (("Sharma", "sharma"), ("Venkataraman", "venkataraman"), ("शर्मा", "sharma"),
         ("Iyer", "iyer")),
        False,
        " ",
    ),
    (
        4,
        (("太郎", "taro"), ("花子", "hanako"), ("翔太", "shota"), ("さくら", "sakura")),
        (("山田", "yamada"), ("佐藤", "sato"), ("高橋", "takahashi")),
        True,
        " ",
    ),
    (
        4,
        (("芳", "fang"), ("伟", "wei"), ("秀英", "xiuying")),
        (("王", "wang"), ("李", "li"), ("张", "zhang")),
        True,
        "",
    ),
    (
        2,
        (("Wei", "wei"), ("Xiaoming", "xiaoming"), ("Mei", "mei")),
        (("Chen", "chen"), ("Zhang", "zhang"), ("Liu", "liu")),
        True,
        " ",
    ),
    (
        2,
        (("민준", "minjun"), ("서연", "seoyeon"), ("지호", "jiho")),
        (("김", "kim"), ("이", "lee"), ("박", "park")),
        True,
        "",
    ),
    (
        3,
        (("Ngozi", "ngozi"), ("Oluwaseun", "oluwaseun"), ("Chidi", "chidi"), ("Amara", "amara")),
        (("Okonkwo", "okonkwo"), ("Adeyemi", "adeyemi"), ("Eze", "eze")),
        False,
        " ",
    ),
    (
        2,
        (("Siobhán", "siobhan"), ("Seán", "sean"), ("Aoife", "aoife"), ("Pádraig", "padraig")),
        (("Ó Briain", "obriain"), ("Ní Bhriain", "nibhriain"), ("Mac Giolla", "macgiolla")),
        False,
        " ",
    ),
)  # fmt: skip
PERSONAL_DOMAINS = (
    "gmail.com", "gmail.com", "gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.com",
    "icloud.com", "proton.me", "fastmail.fm", "web.de", "orange.fr", "mail.ru", "qq.com",
    "naver.com", "btinternet.com",
)  # fmt: skip
ORGS = (
    "Green Bank", "Acme Ltd", "Globex Corporation", "Initech", "Société Générale",
    "Müller & Söhne GmbH", "株式会社サンプル", "Banco Núñez", "Northwind Traders",
    "Contoso", "Fabrikam, Inc.", "University College London", "NHS Trust", "Tesco PLC",
    "Örebro Kommun", "Tata Consultancy Services", "Wayne Enterprises", "Umbrella Health",
    "Stark Industries", "The Climate Fund", "Oxfam", "Beeching & Partners LLP",
    "Ministry of Fun", "Café Olé", "Hooli", "Pied Piper", "Aperture Science",
)  # fmt: skip
TITLES = (
    "Partner", "Director of Engineering", "Product Manager", "Head of Sales", "CEO", "CTO",
    "Senior Analyst", "Designer", "Consultant", "Researcher", "Professor of Economics",
    "Nurse Practitioner", "Software Engineer", "Chief of Staff", "Investment Associate",
    "Responsable commercial", "Geschäftsführer", "Founder",
)  # fmt: skip
INTERESTS = (
    "climate finance", "running", "jazz", "Friends", "Work", "book club", "Fußball",
    "料理", "startups", "open source", "sailing", "photography", "family", "Family",
    "board games", "cycling", "school", "chess", "wine", "Alumni",
)  # fmt: skip
NOTES = (
    "Met at the Forum; wants an intro to someone in climate finance.",
    "Prefers WhatsApp, not e-mail.\nKids: Ada (7), Leo (4).",
    "Old friend from university, lives in Lisbon now, loves jazz, hates mornings.",
    "Rencontré à la conférence de Lyon — très sympa, parle aussi allemand.",
    "Ask about the marathon; she ran Berlin in 3:41.",
    "Introduced by Bo: works on grid storage, might invest.",
    "東京で会った。ラーメンが好き。",
    "Birthday dinner every March; allergic to peanuts.",
    "Send the paper on carbon pricing, and the slides (v2; not v1).",
)
EMAIL_LABELS = ("work", "home", "home", "", "", "other")
CUSTOM_LABELS = ("School", "Personal", "Alumni", "iCloud", "Newsletter", "Old job")
PHONE_LABELS = ("cell", "cell", "work", "home", "cell,pref", "work,voice", "")
REGIONS = ("GB",) * 10 + ("US",) * 4 + ("DE", "DE", "FR", "FR", "IN", "IN", "JP", "BR", "AU")
LINK_SITES = ("https://www.linkedin.com/in/", "https://github.com/", "https://mastodon.social/@")
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


@dataclass
class Human:
    """Who one card is about, kept so that a second source's card can share an address."""

    given: str
    family: str
    full: str
    roman: tuple[str, str]
    emails: list[str]


@dataclass
class Generator:
    """Deterministic cards: the same seed gives the same files."""

    rng: random.Random
    used_emails: set[str] = field(default_factory=set)
    phone_count: int = 0
    stats: Counter[str] = field(default_factory=Counter)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def human(self) -> Human:
        weights = [culture[0] for culture in CULTURES]
        _, givens, families, family_first, sep = self.rng.choices(CULTURES, weights)[0]
        given, given_roman = self.rng.choice(givens)
        family, family_roman = self.rng.choice(families)
        full = f"{family}{sep}{given}" if family_first else f"{given}{sep}{family}"
        if not family_first and self.rng.random() < 0.03:
            full = self.rng.choice(("Dr. ", "Prof. ")) + full
        return Human(given, family, full, (given_roman, family_roman), [])

    def email(self, human: Human, domain: str) -> str:
        given, family = human.roman
        patterns = (
            f"{given}.{family}",
            f"{given}{family}",
            f"{given[0]}.{family}",
            f"{given}_{family[0]}",
            f"{family}.{given}",
        )
        local = self.rng.choice(patterns)
        if self.rng.random() < 0.01 and _ascii(human.given) != human.given:
            local = f"{human.given.lower().replace(' ', '')}.{family}"  # an SMTPUTF8 address
            self.stats["unicode e-mail"] += 1
        address, n = f"{local}@{domain}", 1
        while address.casefold() in self.used_emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.used_emails.add(address.casefold())
        return address

    def phone(self) -> Labeled:
        """A unique number: its last six digits come from a counter, permuted."""
        region = self.rng.choice(REGIONS)
        kind = self.rng.choice(
            (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
        )
        example = phonenumbers.example_number_for_type(region, kind)
        assert example is not None
        digits = str(example.national_number)
        tail = (self.phone_count * 7919 + 104_729) % 1_000_000
        self.phone_count += 1
        number = phonenumbers.PhoneNumber(
            country_code=example.country_code, national_number=int(f"{digits[:-6]}{tail:06d}")
        )
        roll = self.rng.random()
        if region == "GB" and roll < 0.5:
            form, how = phonenumbers.PhoneNumberFormat.NATIONAL, "national"
        elif roll < 0.75:
            form, how = phonenumbers.PhoneNumberFormat.E164, "e164"
        else:
            form, how = phonenumbers.PhoneNumberFormat.INTERNATIONAL, "international"
        self.stats[f"phone {how}"] += 1
        return Labeled(phonenumbers.format_number(number, form), self.rng.choice(PHONE_LABELS))

    def record(self, human: Human, *, shared: str | None = None) -> ContactRecord:
        rng = self.rng
        org = rng.choice(ORGS) if rng.random() < 0.7 else ""
        title = rng.choice(TITLES) if org and rng.random() < 0.8 else ""
        emails: list[Labeled] = []
        if shared is not None:
            emails.append(Labeled(shared.upper() if rng.random() < 0.2 else shared, "home"))
        for _ in range(rng.choices((1, 2, 3), weights=(55, 35, 10))[0] - len(emails)):
            work = org and rng.random() < 0.5
            domain = _org_domain(org) if work else rng.choice(PERSONAL_DOMAINS)
            label = "work" if work else rng.choice(EMAIL_LABELS)
            if rng.random() < 0.12:
                label = rng.choice(CUSTOM_LABELS)  # written as itemN.EMAIL + itemN.X-ABLabel
                self.stats["grouped e-mail (X-ABLabel)"] += 1
            emails.append(Labeled(self.email(human, domain), label))
        human.emails.extend(e.value for e in emails)
        phones = tuple(self.phone() for _ in range(rng.choices((0, 1, 2), weights=(15, 60, 25))[0]))
        urls: tuple[Labeled, ...] = ()
        if rng.random() < 0.15:
            urls = (Labeled(rng.choice(LINK_SITES) + human.roman[0] + human.roman[1]),)
        birthday = ""
        if rng.random() < 0.3:
            day = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
            birthday = day.isoformat() if rng.random() < 0.7 else day.strftime("--%m-%d")
            self.stats["birthday" + (" without year" if birthday[:2] == "--" else "")] += 1
        notes = ""
        if rng.random() < 0.25:
            notes = "\n".join(rng.sample(NOTES, rng.choice((1, 1, 2))))
            self.stats["note"] += 1
        interests: tuple[str, ...] = ()
        if rng.random() < 0.4:
            interests = tuple(rng.sample(INTERESTS, rng.randint(1, 3)))
            self.stats["categories"] += 1
        photo: bytes | None = None
        if rng.random() < 0.05:
            photo = JPEG_HEAD + rng.randbytes(rng.randint(10_000, 60_000) - len(JPEG_HEAD))
            self.stats["photo"] += 1
            self.stats["photo bytes"] += len(photo)
        return ContactRecord(
            source="vcard",
            key=self.uid(),
            where="",
            full_name=human.full,
            given_name=human.given,
            family_name=human.family,
            emails=tuple(emails),
            phones=phones,
            urls=urls,
            org=org,
            title=title,
            birthday=birthday,
            notes=notes,
            interests=interests,
            photo=photo,
            photo_type="image/jpeg" if photo else "",
        )


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _org_domain(org: str) -> str:
    word = "".join(c for c in _ascii(org).lower() if c.isalnum()) or "sample"
    return f"{word[:20]}.example"


def _second_source(human: Human, rng: random.Random) -> Human:
    """The same human as another address book has them: the name sometimes shorter."""
    full = human.full
    if rng.random() < 0.3 and " " in full:
        full = full.rsplit(" ", 1)[0] if rng.random() < 0.5 else _ascii(full) or full
    return Human(human.given, human.family, full, human.roman, [])


def _qp(text: str) -> str:
    """Quoted-printable as 2.1 cards from old phones have it (every non-ASCII byte =XX)."""
    out = []
    for byte in text.replace("\n", "\r\n").encode("utf-8"):
        char = chr(byte)
        out.append(char if 32 < byte < 127 and char != "=" else f"={byte:02X}")
    return "".join(out)


def _v21(record: ContactRecord) -> str:
    """A vCard 2.1 card written by hand, as an old phone or Outlook exports it."""

    def text(name: str, value: str) -> str:
        if value.isascii() and "\n" not in value:
            return f"{name}:{value}\r\n"
        return f"{name};CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(value)}\r\n"

    lines = ["BEGIN:VCARD\r\n", "VERSION:2.1\r\n"]
    n_value = f"{record.family_name};{record.given_name};;;"
    lines.append(text("N", n_value))
    lines.append(text("FN", record.full_name))
    for phone in record.phones:
        types = "".join(f";{t.upper()}" for t in phone.label.split(",") if t) or ";VOICE"
        lines.append(f"TEL{types}:{phone.value}\r\n")
    for index, email in enumerate(record.emails):
        label = email.label.upper() if email.label in ("work", "home") else ""
        types = ";INTERNET" + (f";{label}" if label else "") + (";PREF" if index == 0 else "")
        lines.append(f"EMAIL{types}:{email.value}\r\n")
    if record.org:
        lines.append(text("ORG", record.org))
    if record.title:
        lines.append(text("TITLE", record.title))
    if record.birthday and record.birthday[:2] != "--":
        lines.append(f"BDAY:{record.birthday.replace('-', '')}\r\n")
    if record.notes:
        lines.append(text("NOTE", record.notes))
    if record.interests:
        lines.append(text("CATEGORIES", ",".join(record.interests)))
    if record.photo:
        payload = base64.b64encode(record.photo).decode("ascii")
        lines.append("PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n")
        lines += [f" {payload[i : i + 72]}\r\n" for i in range(0, len(payload), 72)]
        lines.append("\r\n")
    lines.append(f"UID:{record.key}\r\n")
    lines.append("END:VCARD\r\n")
    return "".join(lines)


def generate(cards: int, seed: int, folder: Path, *, chains: bool = False) -> dict[str, Any]:
    """Write ``cards`` files into ``folder`` (emptied first); returns what was written."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    gen = Generator(random.Random(seed))
    humans: list[Human] = []
    twinned: set[int] = set()
    total_bytes = 0
    for _ in range(cards):
        roll = gen.rng.random()
        if len(humans) > len(twinned) and roll < 0.05:
            # One second card per human unless chains: with two, a card can share one
            # address with each of two people Kith already has, which aborts the import.
            first = gen.rng.choice(humans)
            while id(first) in twinned:
                first = gen.rng.choice(humans)
            if not chains:
                twinned.add(id(first))
            human = _second_source(first, gen.rng)
            record = gen.record(human, shared=gen.rng.choice(first.emails))
            gen.stats["shares an e-mail with another card"] += 1
        else:
            human = gen.human()
            record = gen.record(human)
            humans.append(human)
        roll = gen.rng.random()
        version = "2.1" if roll < 0.05 else "4.0" if roll < 0.15 else "3.0"
        gen.stats[f"vCard {version}"] += 1
        text = _v21(record) if version == "2.1" else write_vcard(record, version)
        data = text.encode("utf-8")
        total_bytes += len(data)
        (folder / f"{record.key}.vcf").write_bytes(data)
    seconds = time.perf_counter() - started
    return {
        "cards": cards,
        "seed": seed,
        "chains": chains,
        "humans": len(humans),
        "bytes": total_bytes,
        "seconds": seconds,
        "features": dict(sorted(gen.stats.items())),
    }


# --------------------------------------------------------------------------
# Running and timing
# --------------------------------------------------------------------------


def _environment(src: Path | None) -> dict[str, str]:
    return environment(KITH_CONFIG, src)


def _run_once(command: list[str], label: str, env: dict[str, str]) -> Run:
    return run_once(command, label, env, LOGS)


def _fresh_database() -> None:
    for leftover in OUT.glob(f"{DB.name}*"):
        leftover.unlink()


def _write_configs() -> None:
    KITH_CONFIG.write_text('default_region = "GB"\n', encoding="utf-8")
    KHARD_CONFIG.write_text(
        f"[addressbooks]\n[[bench]]\npath = {CARDS_DIR}\n\n[general]\neditor = /bin/true\n"
        "merge_editor = /bin/true\n\n[vcard]\npreferred_version = 3.0\n",
        encoding="utf-8",
    )


def _compile_sources(src: Path | None) -> None:
    """Byte-compile Kith as an installed package is (PYTHONDONTWRITEBYTECODE may be set)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src or ROOT / "src")], check=True)


def _code(src: Path | None) -> dict[str, Any]:
    """Which Kith was measured: the sources, their commit, and files changed since (others
    may be editing the same checkout while the bench runs)."""
    where = src or ROOT / "src"
    git = ["git", "-C", str(where)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return {"src": str(where), "commit": None, "changed": None}
    status = subprocess.run(
        [*git, "status", "--porcelain", "--", "."], capture_output=True, text=True, check=True
    )
    changed = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    return {"src": str(where), "commit": head.stdout.strip(), "changed": changed}


def _summary_counts(summary: dict[str, Any]) -> dict[str, Any]:
    keys = ("added", "updated", "merged", "unchanged", "skipped")
    counts: dict[str, Any] = {k: summary.get(k) for k in keys}
    counts["encoding"] = summary.get("encoding")
    counts["problems"] = len(summary.get("problems", []))
    counts["notes"] = len(summary.get("notes", []))
    return counts


def _check_first(run: Run, cards: int, figure: Figure) -> dict[str, Any]:
    counts = _summary_counts(json.loads(run.stdout))
    seen = sum(int(counts[k] or 0) for k in ("added", "updated", "merged", "unchanged"))
    if seen + int(counts["skipped"] or 0) != cards:
        figure.checks.append(f"first import accounted for {seen} of {cards} cards: {counts}")
    if not counts["merged"]:
        figure.checks.append("first import merged nobody, though some cards share an e-mail")
    return counts


def _check_again(run: Run, cards: int, figure: Figure) -> dict[str, Any]:
    counts = _summary_counts(json.loads(run.stdout))
    if (counts["added"], counts["updated"], counts["merged"]) != (0, 0, 0):
        figure.checks.append(f"re-import changed something: {counts}")
    return counts


def _khard_rows(run: Run) -> int:
    """Rows khard listed (its table has a header line and one line per contact)."""
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    return sum(1 for line in lines if line.split(None, 1)[0].isdigit())


def measure(
    cards: int, runs: int, warmup: int, *, skip_unparsable: bool, src: Path | None
) -> dict[str, Any]:
    kith = [str(KITH), "--db", str(DB), "--now", NOW, "import", "vcard", str(CARDS_DIR), "--json"]
    khard = [str(KHARD), "-c", str(KHARD_CONFIG)]
    khard += [*(["--skip-unparsable"] if skip_unparsable else []), "list"]
    first = Figure("kith import vcard (first, empty db)", kith, f"≤ {TARGET_FIRST:g} s")
    again = Figure(
        "kith import vcard (again, no change)", kith, f"≤ {TARGET_AGAIN:g} s and ≤ khard"
    )
    listing = Figure("khard list (reference)", khard, "—")
    summaries: dict[str, Any] = {}
    env = _environment(src)
    for attempt in range(warmup + runs):
        counted = attempt >= warmup
        tag = f"round{attempt}" if counted else f"warmup{attempt}"
        _fresh_database()
        one = _run_once(kith, f"{tag}-first", env)
        two = _run_once(kith, f"{tag}-again", env)
        three = _run_once(khard, f"{tag}-khard", env)
        summaries["first"] = _check_first(one, cards, first)
        summaries["again"] = _check_again(two, cards, again)
        summaries["khard_rows"] = _khard_rows(three)
        if counted:
            first.runs.append(one)
            again.runs.append(two)
            listing.runs.append(three)
        print(
            f"  {tag}: first {one.wall:.2f} s, again {two.wall:.2f} s, khard {three.wall:.2f} s",
            flush=True,
        )
    if summaries["khard_rows"] < cards * 0.9:
        listing.checks.append(f"khard listed only {summaries['khard_rows']} of {cards} cards")
    return {"figures": [first, again, listing], "summaries": summaries}


# --------------------------------------------------------------------------
# Verdicts, table, JSON
# --------------------------------------------------------------------------


def verdicts(first: Figure, again: Figure, listing: Figure) -> list[dict[str, Any]]:
    ratio = again.median / listing.median
    return [
        {
            "target": f"first import median ≤ {TARGET_FIRST:g} s",
            "measured": f"{first.median:.2f} s",
            "pass": first.median <= TARGET_FIRST and not first.checks,
        },
        {
            "target": f"re-import median ≤ {TARGET_AGAIN:g} s",
            "measured": f"{again.median:.2f} s",
            "pass": again.median <= TARGET_AGAIN and not again.checks,
        },
        {
            "target": "re-import no slower than khard list (median ratio ≤ 1)",
            "measured": f"{ratio:.2f}× ({again.median:.2f} s / {listing.median:.2f} s)",
            "pass": ratio <= 1.0 and not again.checks,
        },
    ]


def _print(
    generation: dict[str, Any], result: dict[str, Any], checks: list[dict[str, Any]]
) -> None:
    first, again, listing = result["figures"]
    print(
        f"\ncards: {generation['cards']:,} files, {generation['bytes'] / 1e6:.1f} MB, "
        f"{generation['humans']:,} humans (seed {generation['seed']})"
    )
    features = generation["features"]
    print("  " + ", ".join(f"{k} {v:,}" for k, v in features.items()))
    summaries = result["summaries"]
    print(f"  first import: {summaries['first']}")
    print(f"  re-import:    {summaries['again']}")
    print(f"  khard listed {summaries['khard_rows']:,} rows")
    print()
    header = f"{'command':40} {'median s':>9} {'best s':>7} {'cpu s':>6} {'peak MiB':>9}"
    print(f"{header} {'× khard':>8}  {'target':22} verdict")
    verdict = {
        first.name: "PASS" if checks[0]["pass"] else "FAIL",
        again.name: "PASS" if checks[1]["pass"] and checks[2]["pass"] else "FAIL",
        listing.name: "",
    }
    for f in (first, again, listing):
        print(
            f"{f.name[:40]:40} {f.median:9.2f} {f.best:7.2f} {f.cpu:6.2f} {f.peak_mib:9.1f}"
            f" {f.median / listing.median:8.2f}  {f.target:22} {verdict[f.name]}"
        )
    print()
    for check in checks:
        print(f"  {'PASS' if check['pass'] else 'FAIL'}  {check['target']}: {check['measured']}")
    for f in (first, again, listing):
        for problem in f.checks:
            print(f"  CHECK {f.name}: {problem}")
    print(
        f"\n(median and best wall time of {len(first.runs)} runs each, whole process, commands"
        " taking turns, a fresh database for every first import; cpu s = median user + system"
        " time; peak MiB = largest max RSS of the runs, from os.wait4)"
    )


def _save(
    args: argparse.Namespace,
    generation: dict[str, Any],
    result: dict[str, Any],
    checks: list[dict[str, Any]],
) -> Path:
    document = {
        "now": NOW,
        "cards": args.cards,
        "seed": args.seed,
        "runs": args.runs,
        "warmup": args.warmup,
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "khard_skip_unparsable": args.skip_unparsable,
        "code": result["code"],
        "generation": generation,
        "summaries": result["summaries"],
        "figures": [f.as_dict() for f in result["figures"]],
        "verdicts": checks,
    }
    path = OUT / "contacts.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000, help="vCards to generate")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated cards")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command")
    parser.add_argument("--warmup", type=int, default=0, help="uncounted rounds first")
    parser.add_argument("--reuse", action="store_true", help="keep existing generated cards")
    parser.add_argument(
        "--chains", action="store_true", help="let a human have several second-source cards"
    )
    parser.add_argument(
        "--skip-unparsable", action="store_true", help="pass --skip-unparsable to khard"
    )
    parser.add_argument(
        "--src",
        type=Path,
        help="run Kith from this source folder (e.g. a git worktree's src/) instead of the"
        " installed one",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args(argv)


def _previous_generation(args: argparse.Namespace) -> dict[str, Any] | None:
    try:
        previous = json.loads((OUT / "contacts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    generation = previous.get("generation")
    if not isinstance(generation, dict):
        return None
    wanted = (args.cards, args.seed, args.chains)
    same = (generation.get("cards"), generation.get("seed"), generation.get("chains")) == wanted
    on_disk = len(list(CARDS_DIR.glob("*.vcf"))) if CARDS_DIR.is_dir() else 0
    return generation if same and on_disk == args.cards else None


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    generation = _previous_generation(args) if args.reuse else None
    if generation is None:
        generation = generate(args.cards, args.seed, CARDS_DIR, chains=args.chains)
        print(f"generated {args.cards:,} cards in {generation['seconds']:.1f} s into {CARDS_DIR}")
    else:
        print(f"reusing the {args.cards:,} cards in {CARDS_DIR}")
    _write_configs()
    src = args.src.resolve() if args.src is not None else None
    code = _code(src)
    changed = f", {len(code['changed'])} files changed since" if code["changed"] else ""
    print(f"kith from {code['src']} (commit {code['commit']}{changed})")
    _compile_sources(src)
    result = measure(
        args.cards, args.runs, args.warmup, skip_unparsable=args.skip_unparsable, src=src
    )
    result["code"] = code
    checks = verdicts(*result["figures"])
    _print(generation, result, checks)
    path = _save(args, generation, result, checks)
    print(f"figures written to {path.relative_to(ROOT)}")
    return 1 if args.strict and not all(c["pass"] for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
