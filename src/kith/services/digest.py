"""The digest: a short, kind e-mail with today's few people and why, and the week so far.

``compose`` writes it from the agenda (plain text, and a simple HTML
alternative); ``send`` sends it over SMTP.  ``send_if_due`` is what a scheduler
calls: it sends at most once per day (``digest = daily``) or per ISO week
(``weekly``), from ``digest_hour`` in the owner's time zone, and remembers
what it sent in a small state file beside the config file, so that a restart
never sends twice.  Nothing here reads the clock: ``ctx.now`` is the time.

A day with nobody on the agenda sends nothing: there is nothing to say.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kith.config import Settings
from kith.domain.engine import AgendaItem
from kith.domain.model import AgendaKind
from kith.errors import InputError
from kith.services import smtp
from kith.services.context import Context
from kith.services.outreach import Today, today
from kith.storage import people as people_store

KIND_LABEL = {
    AgendaKind.REPLY: "reply owed",
    AgendaKind.FOLLOW_UP: "follow up",
    AgendaKind.DATE: "birthday",
    AgendaKind.KEEP_IN_TOUCH: "keep in touch",
    AgendaKind.RECONNECT: "reconnect",
}
STATE_FILE = "digest-state.json"


@dataclass(frozen=True, slots=True)
class Digest:
    to: str
    subject: str
    text: str
    html: str
    people: int
    period: str


def period_of(setting: str, day: date) -> str:
    """The period one digest covers: the day (``2026-11-26``) or the ISO week (``2026-W48``)."""
    if setting == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def recipient(ctx: Context, to: str | None = None) -> str:
    """``to``, else the ``digest_to`` setting, else the owner's first e-mail address."""
    chosen = (to or "").strip() or str(ctx.settings["digest_to"]).strip()
    if chosen:
        return chosen
    with ctx.db.read() as conn:
        emails = people_store.get_owner(conn).emails
    if not emails:
        raise InputError(
            "Kith does not know where to send the digest",
            field="digest_to",
            hint="set digest_to, or give your own address: kith me --email you@example.com",
        )
    return emails[0]


def compose(ctx: Context, *, to: str | None = None, setting: str | None = None) -> Digest:
    """The digest for ``ctx.now``'s day (``setting``: daily or weekly, default the setting)."""
    address = recipient(ctx, to)
    found = today(ctx)
    with ctx.db.read() as conn:
        owner = people_store.get_owner(conn)
    chosen = setting or str(ctx.settings["digest"])
    weekly = chosen == "weekly"
    items = found.agenda.items
    base = str(ctx.settings["web_url"])
    subject = _subject(items, weekly, ctx.today)
    text = _text(owner.first_name, items, found, weekly, base)
    page = _html(owner.first_name, items, found, weekly, base)
    period = period_of("weekly" if weekly else "daily", ctx.today)
    return Digest(address, subject, text, page, len(items), period)


def _names(items: tuple[AgendaItem, ...]) -> str:
    names = [i.name for i in items]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]}, {names[1]} and {len(names) - 2} more"


def _subject(items: tuple[AgendaItem, ...], weekly: bool, day: date) -> str:
    when = "this week" if weekly else day.strftime("%A")
    if not items:
        return f"Kith · {when}: nobody needs you"
    return f"Kith · {when}: {_names(items)}"


def _week_line(found: Today) -> str:
    week = found.week
    if week.goal <= 0:
        return f"This week: {week.sent} sent."
    if week.sent == 0:
        return (
            f"This week: nothing sent yet, and your goal is {week.goal}. "
            "One short note is a fine start."
        )
    if week.sent < week.goal:
        return f"This week: {week.sent} of your {week.goal} sent."
    return (
        f"This week: {week.sent} sent; your goal of {week.goal} is reached. "
        "Anything more is a bonus."
    )


def _intro(items: tuple[AgendaItem, ...], weekly: bool) -> str:
    when = "this week" if weekly else "today"
    if not items:
        return f"Nobody needs you {when}. Enjoy the quiet."
    if len(items) == 1:
        return f"One person worth a note {when}:"
    return f"{_count_word(len(items))} people worth a note {when}:"


def _count_word(n: int) -> str:
    words = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
    return words[n] if n < len(words) else str(n)


_CLOSING = (
    "No rush: send what feels right, skip the rest. Kith brings people back "
    "when it makes sense, and a message without a reply is fine too."
)


def _text(
    first_name: str, items: tuple[AgendaItem, ...], found: Today, weekly: bool, base: str
) -> str:
    lines = [f"Hello {first_name}," if first_name else "Hello,", "", _intro(items, weekly), ""]
    for item in items:
        lines.append(f"  {item.name} · {KIND_LABEL[item.kind]}")
        lines.extend(f"    - {reason}" for reason in item.reasons)
        lines.append(f"    Draft: {base}people/{item.person_id}/draft")
        lines.append("")
    lines += [_week_line(found), "", _CLOSING, "", "-- ", f"Kith · {base}"]
    lines.append("To stop these: set the digest to off in Settings (kith config set digest off).")
    return "\n".join(lines) + "\n"


def _html(
    first_name: str, items: tuple[AgendaItem, ...], found: Today, weekly: bool, base: str
) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html><body>",
        f"<p>{e(f'Hello {first_name},' if first_name else 'Hello,')}</p>",
        f"<p>{e(_intro(items, weekly))}</p>",
    ]
    if items:
        parts.append("<ul>")
        for item in items:
            reasons = "".join(f"<li>{e(r)}</li>" for r in item.reasons)
            link = e(f"{base}people/{item.person_id}/draft")
            parts.append(
                f"<li><strong>{e(item.name)}</strong> · {e(KIND_LABEL[item.kind])}"
                f'<ul>{reasons}</ul><a href="{link}">Draft a message</a></li>'
            )
        parts.append("</ul>")
    parts += [
        f"<p>{e(_week_line(found))}</p>",
        f"<p>{e(_CLOSING)}</p>",
        f'<p>— <a href="{e(base)}">Kith</a>. To stop these, set the digest to off in Settings.</p>',
        "</body></html>",
    ]
    return "\n".join(parts)


def send(
    ctx: Context, env: Mapping[str, str], digest: Digest, *, clock: datetime | None = None
) -> None:
    """Send ``digest`` over SMTP (``clock``, the real time, dates the message)."""
    smtp.send_message(
        ctx.settings,
        env,
        to=digest.to,
        subject=digest.subject,
        body=digest.text,
        html=digest.html,
        headers={"Auto-Submitted": "auto-generated", "X-Kith": "digest"},
        now=clock or ctx.now,
    )


# -- the schedule ------------------------------------------------------------------------


def due_period(ctx: Context) -> str | None:
    """The period a digest is due for at ``ctx.now``, or None (off, or before the hour)."""
    setting = str(ctx.settings["digest"])
    if setting == "off":
        return None
    local = ctx.now.astimezone(ctx.tz)
    if local.hour < int(ctx.settings["digest_hour"]):
        return None
    return period_of(setting, local.date())


def state_key(target: str) -> str:
    """Which network a state entry is about, without writing its URL (or a password) down."""
    return hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]


def _state_path(settings: Settings) -> Path:
    return settings.config_path.parent / STATE_FILE


def _read_state(settings: Settings) -> dict[str, str]:
    try:
        data = json.loads(_state_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def last_sent(settings: Settings, key: str) -> str | None:
    """The period of the last digest sent for ``key``."""
    return _read_state(settings).get(key)


def remember_sent(settings: Settings, key: str, period: str) -> None:
    """Write down that ``period``'s digest is done for ``key`` (atomically)."""
    state = _read_state(settings)
    state[key] = period
    path = _state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".digest-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(state, out, indent=1, sort_keys=True)
        Path(name).replace(path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def send_if_due(
    ctx: Context,
    env: Mapping[str, str],
    *,
    key: str,
    to: str | None = None,
    clock: datetime | None = None,
) -> Digest | None:
    """Send the digest if one is due and was not sent for this period yet; returns it.

    An empty agenda sends nothing but counts as done for the period.
    """
    period = due_period(ctx)
    if period is None or last_sent(ctx.settings, key) == period:
        return None
    digest = compose(ctx, to=to)
    if digest.people:
        send(ctx, env, digest, clock=clock)
    remember_sent(ctx.settings, key, period)
    return digest
