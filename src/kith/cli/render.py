"""How the commands look in a terminal (Rich)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from kith.cli.output import err, out, print_json
from kith.domain import words
from kith.domain.engine import AgendaItem
from kith.domain.model import AgendaKind, Interaction, Owner, Person

if TYPE_CHECKING:
    from kith.services.contacts import ImportSummary
    from kith.services.context import Context
    from kith.services.identity import Lookalike
    from kith.services.mail import Explanation, MailSummary
    from kith.services.outreach import DraftResult, SentResult, Today
    from kith.services.people import IntroductionView, PeoplePage, PersonView, Saved
    from kith.services.vdir import SyncSummary
    from kith.storage.mail import AddressRow

json = print_json

KIND_LABEL = {
    AgendaKind.REPLY: "reply owed",
    AgendaKind.FOLLOW_UP: "follow up",
    AgendaKind.DATE: "birthday",
    AgendaKind.KEEP_IN_TOUCH: "keep in touch",
    AgendaKind.RECONNECT: "reconnect",
}


def done(message: str) -> None:
    out().print(f"[ok]✓[/ok] {escape(message)}")


def note(message: str) -> None:
    out().print(f"[muted]{escape(message)}[/muted]")


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    return words.ago((now - moment).total_seconds() / 86400)


def owner(o: Owner, *, changed: bool) -> None:
    if changed:
        done("Your profile is saved.")
    if not o.name and not changed:
        out().print(
            "You have not told Kith who you are yet. Start with:\n"
            "  kith me --name 'Your Name' --email you@example.com --interest 'what you care about'"
        )
        return
    key_values(
        "You",
        {
            "name": o.name,
            "e-mail": ", ".join(o.emails),
            "interests": ", ".join(o.interests),
            "time zone": o.timezone or "UTC (set with --timezone)",
            "signature": o.signature or (o.first_name + " (from your name)" if o.name else ""),
        },
    )


def key_values(title: str, values: dict[str, Any]) -> None:
    table = Table(
        title=title, show_header=False, box=None, title_justify="left", title_style="bold"
    )
    table.add_column(style="muted")
    table.add_column()
    for key, value in values.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        table.add_row(key, escape(str(value)) if value not in (None, "") else "[muted]—[/muted]")
    out().print(table)


def saved(result: Saved, *, verb: str) -> None:
    p = result.person
    detail = " · ".join(x for x in (p.title, p.org) if x)
    done(f"{verb} {p.name} (#{p.id})" + (f", {detail}" if detail else ""))
    if p.met_on:
        place = f" at {p.met_at}" if p.met_at else ""
        out().print(f"  met{escape(place)} on {p.met_on.isoformat()}")
    if result.introduced_by is not None:
        out().print(f"  introduced by {escape(result.introduced_by.name)}")
    for notice_text in result.notices:
        out().print(f"  [warn]note:[/warn] {escape(notice_text)}")
    out().print(f"  [muted]see everything with: kith show '#{p.id}'[/muted]")


def person_view(v: PersonView) -> None:
    p, st = v.person, v.standing
    console = out()
    headline = " · ".join(x for x in (p.title, p.org, p.location) if x)
    console.print(
        f"[name]{escape(p.name)}[/name] [muted]#{p.id}[/muted]"
        + (f"  {escape(headline)}" if headline else "")
    )
    if p.status.value != "active":
        reason = f": {p.status_reason}" if p.status_reason else ""
        console.print(f"[warn]{p.status.value.replace('_', ' ')}{escape(reason)}[/warn]")
    rows: dict[str, Any] = {}
    if p.met_on or p.met_at:
        rows["met"] = " ".join(
            x
            for x in (f"at {p.met_at}" if p.met_at else "", f"on {p.met_on}" if p.met_on else "")
            if x
        )
    if v.introduced_by:
        rows["introduced by"] = f"{v.introduced_by.name} (#{v.introduced_by.id})"
    rows["e-mail"] = ", ".join(p.emails)
    rows["phone"] = ", ".join(p.phones)
    if p.links:
        rows["links"] = ", ".join(p.links)
    rows["interests"] = ", ".join(p.interests)
    if p.birthday:
        rows["birthday"] = p.birthday.isoformat()
    rows["rhythm"] = st.cadence.describe()
    rows["last contact"] = _ago(st.last_contact, v.now)
    rows["standing"] = st.label + (f", due since {st.due_on}" if st.due and st.due_on else "")
    rows["strength"] = f"{st.strength}/100 (peak {st.peak})"
    if p.snoozed_until:
        rows["snoozed until"] = p.snoozed_until.isoformat()
    if p.notes:
        rows["notes"] = p.notes
    key_values("", rows)
    if v.suggestion:
        _agenda_line(0, v.suggestion, heading="On today's list")
    if v.introductions:
        console.print("\n[bold]Introductions and referrals[/bold]")
        for view in v.introductions:
            console.print("  " + escape(describe_introduction(view)))
    if v.outreach:
        console.print("\n[bold]Outreach[/bold]")
        for o in v.outreach[:5]:
            when = o.outreach.sent_at or o.outreach.created_at
            console.print(
                f"  {when:%Y-%m-%d}  {o.outreach.kind.value.replace('_', '-'):<14} "
                f"{o.state.value.replace('_', ' ')}"
            )
    if v.sources:
        console.print("\n[bold]Where Kith heard of them[/bold]")
        for said in v.sources:
            told = ", ".join(k for k, value in said.fields.items() if value not in ("", [], None))
            console.print(
                f"  {said.source:<9} first {said.first_seen_at:%Y-%m-%d}, "
                f"last {said.last_seen_at:%Y-%m-%d}  [muted]{escape(told)}[/muted]"
            )
    console.print(f"\n[bold]History[/bold] [muted]({v.interaction_count} in all)[/muted]")
    if not v.interactions:
        console.print(
            "  [muted]nothing logged yet: kith log NAME --kind call --summary '…'[/muted]"
        )
    for item in v.interactions:
        others = [v.names.get(i, f"#{i}") for i in item.person_ids if i != p.id]
        with_text = f" [muted](with {escape(', '.join(others))})[/muted]" if others else ""
        console.print(
            f"  {item.occurred_at:%Y-%m-%d}  {item.kind.value:<8} {_arrow(item)}  "
            f"{escape(item.summary)}{with_text}"
        )


def _arrow(item: Interaction) -> str:
    return {"out": "→", "in": "←", "mutual": "↔"}[item.direction.value]


def describe_introduction(view: IntroductionView) -> str:
    i, names = view.introduction, view.names
    a = names.get(i.person_a_id, f"#{i.person_a_id}")
    b = names.get(i.person_b_id, f"#{i.person_b_id}") if i.person_b_id else ""
    when = f"{i.occurred_on}: " if i.occurred_on else ""
    extra = "".join(
        f" ({x})"
        for x in (
            i.opportunity and f"for {i.opportunity}",
            i.note,
            i.outcome and f"outcome: {i.outcome}",
        )
        if x
    )
    if i.kind == "introduction":
        by = names.get(i.introducer_id, "") if i.introducer_id else "you"
        return f"{when}{by} introduced {a} and {b}{extra}"
    if i.direction == "received":
        return f"{when}{a} referred you" + (f" to {b}" if b else "") + extra
    return f"{when}you referred {a}" + (f" to {b}" if b else "") + extra


def lookalikes(found: list[Lookalike]) -> None:
    if not found:
        out().print("No look-alikes: as far as Kith can tell, everyone is one person.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("score", "one", "the other", "why"):
        table.add_column(column)
    for item in found:
        table.add_row(
            str(item.score),
            f"#{item.a.id} {escape(item.a.name)}",
            f"#{item.b.id} {escape(item.b.name)}",
            escape("; ".join(item.evidence)),
        )
    out().print(table)
    first = found[0]
    out().print(
        f"[muted]Same human? kith merge '#{first.a.id}' '#{first.b.id}' · "
        f"different: kith distinct '#{first.a.id}' '#{first.b.id}'[/muted]"
    )


def recorded_introduction(view: IntroductionView) -> None:
    done("Recorded: " + describe_introduction(view))


def people_page(page: PeoplePage, *, text: str, page_number: int, limit: int) -> None:
    if not page.rows:
        if text:
            out().print(f"Nobody matches {escape(repr(text))}. Try fewer words, or `kith ls`.")
        else:
            out().print(
                "Nobody here yet. Add someone: kith add 'Full Name' --met-at 'where you met'"
            )
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("#", "name", "organisation", "circle", "last contact", "standing"):
        table.add_column(column, no_wrap=column in ("#", "last contact"))
    for r in page.rows:
        table.add_row(
            str(r.id),
            escape(r.name),
            escape(r.org),
            r.circle or (f"every {r.cadence_days}d" if r.cadence_days else "[muted]auto[/muted]"),
            f"{r.last_at:%Y-%m-%d}" if r.last_at else "[muted]never[/muted]",
            page.labels.get(r.id, ""),
        )
    out().print(table)
    first = page.offset + 1
    last = page.offset + len(page.rows)
    more = f" · next: --page {page_number + 1}" if last < page.total else ""
    out().print(f"[muted]{first}–{last} of {page.total}{more}[/muted]")


def logged(item: Interaction, persons: tuple[Person, ...], ctx: Context) -> None:
    names = ", ".join(p.name for p in persons)
    when = (
        "today"
        if item.occurred_at.astimezone(ctx.tz).date() == ctx.today
        else f"on {item.occurred_at.astimezone(ctx.tz):%Y-%m-%d}"
    )
    about = f": {item.summary}" if item.summary else ""
    done(f"Logged a {item.kind.value} with {names} {when}{about}")


def _agenda_line(index: int, item: AgendaItem, heading: str | None = None) -> None:
    console = out()
    label = KIND_LABEL[item.kind]
    number = f"{index}. " if index else ""
    if heading:
        console.print(f"\n[bold]{heading}[/bold]")
    console.print(
        f"{number}[name]{escape(item.name)}[/name] [muted]#{item.person_id}[/muted]  "
        f"[kind.{item.kind.value}]{label}[/kind.{item.kind.value}]  "
        f"[muted]score {item.score:g}[/muted]"
    )
    for reason in item.reasons:
        console.print(f"   · {escape(reason)}")


def today(result: Today, ctx: Context) -> None:
    console = out()
    items = result.agenda.items
    console.print(f"[bold]Today[/bold] · {ctx.today:%A %d %B %Y}")
    if not items:
        if result.people == 0:
            console.print("\nNobody in Kith yet. Add someone you met recently:")
            console.print(
                "  kith add 'Full Name' --met-at 'where you met' --interest 'what you talked about'"
            )
            console.print("or explore a demo network first: kith demo")
        else:
            console.print(
                "\nNobody needs you today. Enjoy the quiet; Kith will tell you when someone does."
            )
        return
    few = "one person" if len(items) == 1 else f"{len(items)} people"
    console.print(f"[muted]{few} worth reaching out to today.[/muted]\n")
    for index, item in enumerate(items, 1):
        _agenda_line(index, item)
        console.print()
    first = items[0]
    console.print(
        f"[muted]Draft a message: kith draft '{escape(first.name)}' · "
        f"then: kith sent '{escape(first.name)}'[/muted]"
    )
    w = result.week
    console.print(f"[muted]This week: {w.sent} of {w.goal} sent.[/muted]")


def home(o: Owner, result: Today, ctx: Context) -> None:
    console = out()
    if not o.name:
        console.print(
            "[bold]Welcome to Kith.[/bold] It remembers the people you meet and tells you, each"
        )
        console.print("day, the few worth reaching out to and why, and drafts the message.\n")
        console.print("Tell it who you are:   kith me --name 'Your Name' --email you@example.com")
        console.print(
            "Add someone you met:   kith add 'Full Name' --met-at 'the Forum' --interest 'climate'"
        )
        console.print("Or try a demo network: kith demo   (kept apart from your own data)\n")
        console.print(f"[muted]Database: {ctx.db.url} · all commands: kith --help[/muted]")
        return
    console.print(f"Hello {escape(o.first_name)}.")
    today(result, ctx)
    console.print(f"[muted]all commands: kith --help · database: {ctx.db.url}[/muted]")


def draft(result: DraftResult) -> None:
    console = out()
    d = result.draft
    p = result.person
    to = f" <{p.emails[0]}>" if p.emails else ""
    console.print(f"[muted]To:[/muted] {escape(p.name)}{escape(to)}")
    if d.subject:
        console.print(f"[muted]Subject:[/muted] {escape(d.subject)}")
    console.print()
    console.print(escape(d.body), soft_wrap=True)
    console.print()
    kind = d.kind.value.replace("_", "-")
    channel = "e-mail" if d.channel.value == "email" else f"short message, {len(d.body)} characters"
    saved_text = f"saved as draft #{result.outreach_id}" if result.outreach_id else "not saved"
    console.print(
        f"[muted]{kind} {channel}; {saved_text}. When you have sent it: kith sent '#{p.id}'[/muted]"
    )


def sent(result: SentResult, ctx: Context) -> None:
    done(
        f"Marked the {result.kind.value.replace('_', '-')} to {result.person.name} as sent. "
        "If they do not answer, that is okay: Kith will not nag."
    )


def import_summary(summary: ImportSummary, *, as_json: bool) -> None:
    if as_json:
        print_json(summary.as_dict())
        return
    seen = summary.added + summary.updated + summary.merged + summary.unchanged
    how = ", ".join(x for x in (summary.detected_format, summary.encoding) if x)
    done(
        f"Read {seen + summary.skipped} contacts"
        + (f" ({how})" if how else "")
        + f": {summary.added} added, {summary.merged} merged into someone you had, "
        f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.skipped} skipped."
    )
    for problem in summary.problems[:20]:
        out().print(f"  [warn]skipped[/warn] {escape(str(problem))}")
    for note in summary.notes[:10]:
        out().print(f"  [muted]note[/muted] {escape(str(note))}")
    hidden = max(0, len(summary.problems) - 20) + max(0, len(summary.notes) - 10)
    if hidden:
        out().print(f"  [muted]… and {hidden} more: add --json to see them all[/muted]")
    if summary.added or summary.merged:
        out().print("  [muted]look-alikes to confirm: kith dupes[/muted]")


def sync_summary(summary: SyncSummary, *, as_json: bool) -> None:
    if as_json:
        print_json(summary.as_dict())
        return
    done(
        f"In step with {summary.folder}: {summary.added_to_kith} new in Kith, "
        f"{summary.updated_in_kith} updated in Kith, {summary.let_go_in_kith} let go; "
        f"{summary.written} cards written, {summary.removed} removed, "
        f"{summary.unchanged} unchanged."
    )
    for conflict in summary.conflicts:
        out().print(f"  [warn]both changed[/warn] {escape(conflict)}")
    for problem in summary.problems[:20]:
        out().print(f"  [warn]skipped[/warn] {escape(str(problem))}")


def backup_summary(verb: str, summary: Any) -> None:
    counts = summary.counts
    done(
        f"{verb} {summary.path}: {counts.get('people', 0)} people, "
        f"{counts.get('interactions', 0)} interactions, {counts.get('outreach', 0)} outreach, "
        f"{counts.get('introductions', 0)} introductions."
    )


def demo_summary(summary: Any, *, db: str | None) -> None:
    data = summary.as_dict()
    done(
        f"Demo network: {data['people']} people, {data['interactions']} interactions over "
        f"{data['years']} years."
    )
    if db:
        out().print(
            f"  It lives in its own database, apart from yours. Explore it with:\n"
            f"    kith --db '{db}' today\n    kith --db '{db}' ls --sort last"
        )


def settings(value: Any, *, as_json: bool) -> None:
    from kith.config import SPEC

    if as_json:
        print_json(
            {
                "config_file": str(value.config_path),
                "settings": {
                    o.name: {"value": value[o.name], "from": value.origins[o.name], "help": o.help}
                    for o in SPEC
                },
            }
        )
        return
    table = Table(
        box=None, header_style="bold", title=f"Settings · {value.config_path}", title_justify="left"
    )
    for column in ("name", "value", "from", "what it does"):
        table.add_column(column)
    for o in SPEC:
        origin = value.origins[o.name]
        table.add_row(
            o.name,
            escape(str(value[o.name])),
            "[muted]default[/muted]" if origin == "default" else escape(origin),
            o.help,
        )
    out().print(table)
    out().print("[muted]change one: kith config set NAME VALUE[/muted]")


@contextlib.contextmanager
def progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error; yields ``advance(done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = err()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(completed: int, total: int) -> None:
            bar.update(task, completed=completed, total=total)

        yield advance


def mail_summary(summary: MailSummary, *, as_json: bool) -> None:
    if as_json:
        print_json(summary.as_dict())
        return
    left_out = summary.automated + summary.crowd
    done(
        f"Read {summary.read} messages from {summary.source}: {summary.personal} personal, "
        f"{left_out} left out (lists, newsletters, robots, crowds), "
        f"{summary.not_yours} not yours, {summary.already_known} seen before."
    )
    out().print(
        f"  {summary.people_added} new people (everyone you wrote to), "
        f"{summary.people_matched} matched to people you had, "
        f"{summary.interactions_added} conversations added to their history."
    )
    for problem in summary.problems[:20]:
        out().print(f"  [warn]skipped[/warn] {escape(str(problem))}")
    if len(summary.problems) > 20:
        out().print(
            f"  [muted]… and {len(summary.problems) - 20} more: add --json to see them all[/muted]"
        )
    if summary.candidates:
        out().print(
            f"  [muted]{summary.candidates} wrote to you but you never wrote back: "
            "kith mail candidates[/muted]"
        )
    if summary.people_added:
        out().print("  [muted]who to reach out to now: kith today[/muted]")


def mail_explanation(found: Explanation) -> None:
    label = {
        "you": "you",
        "person": "a person",
        "candidate": "a candidate",
        "left_out": "left out",
        "dismissed": "dismissed",
        "unknown": "not seen",
    }[found.status]
    out().print(f"[bold]{escape(found.address)}[/bold]: {label}")
    for reason in found.reasons:
        out().print(f"  · {escape(reason)}")


def mail_candidates(found: list[AddressRow]) -> None:
    if not found:
        out().print("No candidates: everyone who wrote to you personally is a person already.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("address", "name", "wrote", "last"):
        table.add_column(column)
    for row in found:
        table.add_row(
            escape(row.address),
            escape(row.name),
            str(row.wrote),
            row.last_at.date().isoformat() if row.last_at else "",
        )
    out().print(table)
    out().print(
        f"[muted]Know them? kith mail accept {escape(found[0].address)} · "
        f"not worth it: kith mail dismiss {escape(found[0].address)}[/muted]"
    )
