"""Mail, judged by its headers: personal or not, and which way it went.

Kith reads only headers.  A message is *personal* when it involves the owner
(from one of their addresses, or to one), comes from a human, and is not bulk:
no mailing-list headers, no ``Precedence: bulk``, no ``Auto-Submitted``, not
from a no-reply or role address, and not sent to a crowd.  Only personal mail
counts as contact, and only addresses the owner has written to become people.
Every rule is a setting (``MailRules``) and every verdict carries its reason in
plain words, so ``kith mail why`` can explain it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

#: Local parts of addresses that belong to a role or a robot, not to a person.
DEFAULT_ROLE_PATTERNS: tuple[str, ...] = (
    r"no[-_.]?reply.*",
    r"do[-_.]?not[-_.]?reply.*",
    r"notifications?",
    r"notify",
    r"alerts?",
    r"info",
    r"support",
    r"help(desk)?",
    r"mailer[-_.]?daemon",
    r"postmaster",
    r"bounces?([-+].*)?",
    r".*[-+]bounces?([-+].*)?",
    r"newsletters?",
    r"news",
    r"billing",
    r"invoices?",
    r"sales",
    r"marketing",
    r"updates?",
    r"digest",
    r"automated",
    r"auto[-_.]?confirm",
    r"calendar[-_.]?notification",
    r"admin",
    r"root",
    r"webmaster",
    r"abuse",
    r"list(serv)?",
    r"reply([+-].*)?",
    r".*[+-]reply",
    r"hello",
    r"team",
    r"contact",
    r"orders?",
    r"reservations?",
    r"bookings?",
    r"receipts?",
    r"accounts?",
    r"service",
    r"customer[-_.]?(service|care|support)",
    r"enquiries",
    r"inquiries",
    r"feedback",
    r"jobs",
    r"careers",
    r"recruiting",
    r"press",
    r"office",
    r"membership",
    r"security",
    r"verify",
    r"confirm(ation)?",
    r"majordomo",
    r"owner-.*",
    r".*-owner",
    r".*-request",
)
DEFAULT_MAX_RECIPIENTS = 20


class Verdict(StrEnum):
    """What a message is, as far as people go."""

    PERSONAL = "personal"
    AUTOMATED = "automated"  # lists, newsletters, robots, no-reply and role senders
    CROWD = "crowd"  # too many recipients to be a conversation
    NOT_MINE = "not_mine"  # the owner is neither sender nor recipient


class MailDirection(StrEnum):
    OUT = "out"
    IN = "in"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox from a header: its normalised address and the display name given."""

    email: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class MailHeaders:
    """The headers Kith reads of one message, decoded."""

    message_id: str
    date: datetime | None
    sender: Address | None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    list_id: str = ""
    list_unsubscribe: str = ""
    list_post: str = ""
    precedence: str = ""
    auto_submitted: str = ""
    #: True when the date came from a Received header because Date was missing or bad.
    date_from_received: bool = False

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc + self.bcc

    @property
    def thread_key(self) -> str:
        """The thread's first message as this message knows it (else this message)."""
        if self.references:
            return self.references[0]
        if self.in_reply_to:
            return self.in_reply_to[0]
        return self.message_id


@dataclass(frozen=True, slots=True)
class MailRules:
    """The settings behind the verdicts (defaults from the product brief)."""

    max_recipients: int = DEFAULT_MAX_RECIPIENTS
    role_patterns: tuple[str, ...] = DEFAULT_ROLE_PATTERNS
    skip_lists: bool = True
    skip_bulk_precedence: bool = True
    skip_auto_submitted: bool = True
    _role: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        joined = "|".join(f"(?:{p})" for p in self.role_patterns) or r"(?!)"
        object.__setattr__(self, "_role", re.compile(f"^(?:{joined})$", re.IGNORECASE))

    def role_reason(self, email: str) -> str:
        """Why ``email`` is a role or robot address, or '' if it may be a person."""
        local = email.rsplit("@", 1)[0]
        if self._role.match(local):
            return f"{email} is a role or no-reply address, not a person"
        return ""


@dataclass(frozen=True, slots=True)
class Judgement:
    """A message's verdict, direction, the reason in words, and who took part.

    ``others`` are the participants other than the owner who may be people
    (role addresses left out); ``owner_addressed`` says whether an inbound
    message was addressed to the owner directly (To), not only copied (Cc).
    """

    verdict: Verdict
    direction: MailDirection
    reason: str
    others: tuple[Address, ...] = ()
    owner_addressed: bool = False


class Owner:
    """The owner's addresses: exact ones, and ``user+tag@host`` forms of them."""

    def __init__(self, emails: Iterable[str]) -> None:
        self.emails = frozenset(e.lower() for e in emails if e)

    def __contains__(self, email: object) -> bool:
        if not isinstance(email, str):
            return False
        if email in self.emails:
            return True
        local, _, domain = email.partition("@")
        if "+" in local:
            return f"{local.split('+', 1)[0]}@{domain}" in self.emails
        return False

    def __bool__(self) -> bool:
        return bool(self.emails)


def judge(headers: MailHeaders, owner: Owner, rules: MailRules) -> Judgement:
    """The verdict on one message (pure: headers, the owner's addresses and the rules)."""
    sender = headers.sender
    outbound = sender is not None and sender.email in owner
    to_owner = any(a.email in owner for a in headers.to)
    copied = to_owner or any(a.email in owner for a in headers.cc + headers.bcc)
    if outbound:
        direction = MailDirection.OUT
        people: Sequence[Address] = headers.recipients
    elif copied:
        direction = MailDirection.IN
        people = ((sender,) if sender else ()) + headers.to + headers.cc
    else:
        return Judgement(Verdict.NOT_MINE, MailDirection.NONE, "does not involve you")
    others = _others(people, owner)
    automated = _automated(headers, rules, outbound)
    if automated:
        return Judgement(Verdict.AUTOMATED, direction, automated)
    count = len({a.email for a in headers.recipients})
    if count > rules.max_recipients:
        reason = f"sent to {count} people (more than {rules.max_recipients})"
        return Judgement(Verdict.CROWD, direction, reason)
    kept = tuple(a for a in others if not rules.role_reason(a.email))
    if not kept:
        reason = "nobody but role or no-reply addresses took part"
        return Judgement(Verdict.AUTOMATED, direction, reason)
    return Judgement(Verdict.PERSONAL, direction, "personal", kept, to_owner)


def _others(addresses: Iterable[Address], owner: Owner) -> tuple[Address, ...]:
    seen: dict[str, Address] = {}
    for address in addresses:
        if address.email not in owner and address.email not in seen:
            seen[address.email] = address
    return tuple(seen.values())


def _automated(headers: MailHeaders, rules: MailRules, outbound: bool) -> str:
    if rules.skip_lists and headers.list_id:
        return f"a mailing-list message (List-Id {headers.list_id})"
    if rules.skip_lists and headers.list_unsubscribe:
        return "a newsletter or list message (it has List-Unsubscribe)"
    if rules.skip_bulk_precedence and headers.precedence.lower() in ("bulk", "list", "junk"):
        return f"marked Precedence: {headers.precedence.lower()}"
    auto = headers.auto_submitted.lower()
    if rules.skip_auto_submitted and auto and auto != "no":
        return f"sent by a program (Auto-Submitted: {auto})"
    if not outbound and headers.sender is not None:
        role = rules.role_reason(headers.sender.email)
        if role:
            return f"from {headers.sender.email}, a role or no-reply address"
    return ""
