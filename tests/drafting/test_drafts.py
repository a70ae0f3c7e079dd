"""Drafts: every kind and channel reads cleanly, uses the facts, and stays stable per person.

The first half renders drafts directly from a ``DraftContext`` (no database):
``draft_context`` builds what a message may say, ``render`` picks the person's
phrasing.  The second half goes through ``kith draft`` on both backends, with
the user's own templates and the sandbox.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import KithRunner
from kith.domain.drafts import SHORT_LIMIT, DraftContext, draft_context, phrasing
from kith.domain.model import Channel, ContactStats, DraftKind, Owner, PartialDate, Person
from kith.drafting.render import Draft, render, templates

NOW = datetime(2027, 6, 1, 9, tzinfo=UTC)
OWNER = Owner(name="Sam Rivera", emails=("sam@example.com",), interests=("climate finance",))

MARIAM = Person(
    id=1,
    uid="mariam",
    name="Mariam Haddad",
    given_name="Mariam",
    family_name="Haddad",
    org="Green Bank",
    title="Partner",
    met_on=date(2026, 11, 20),
    met_at="the Forum",
    interests=("climate finance", "sailing"),
    birthday=PartialDate(6, 3, 1984),
)
BARE = Person(id=2, uid="cy", name="Cy", given_name="Cy")
TARGET = Person(
    id=3,
    uid="bo",
    name="Bo Chen",
    given_name="Bo",
    org="Globex",
    title="CTO",
    interests=("sailing",),
)
MET_NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)


def history(days_ago: float, summary: str = "", *, first: datetime | None = None) -> ContactStats:
    """A mutual history whose last contact was ``days_ago`` before NOW."""
    last = NOW - timedelta(days=days_ago)
    return ContactStats(
        count=4,
        first_at=first or last - timedelta(days=300),
        last_at=last,
        last_out_at=last,
        last_in_at=last,
        first_meeting_at=first,
        last_summary=summary,
    )


#: Mariam was met at the Forum and that meeting was the last contact (6 months ago).
MET_LAST = ContactStats(
    count=1,
    first_at=MET_NOON,
    last_at=MET_NOON,
    last_out_at=MET_NOON,
    last_in_at=MET_NOON,
    first_meeting_at=MET_NOON,
    last_summary="Met at the Forum",
)


def context(
    person: Person = MARIAM,
    stats: ContactStats = MET_LAST,
    kind: DraftKind = DraftKind.RECONNECT,
    channel: Channel = Channel.EMAIL,
    *,
    owner: Owner = OWNER,
    shared: tuple[str, ...] | None = None,
    target: Person | None = None,
    slots: tuple[str, ...] = (),
) -> DraftContext:
    if shared is None:
        shared = tuple(
            i for i in person.interests if i.casefold() in {o.casefold() for o in owner.interests}
        )
    if target is None and kind in (DraftKind.ASK_INTRO, DraftKind.INTRO):
        target = TARGET
    return draft_context(
        person,
        stats,
        owner,
        NOW,
        kind,
        channel,
        shared_interests=shared,
        target=target,
        slots=slots,
    )


def uid_for(kind: DraftKind, channel: Channel, index: int, count: int) -> str:
    """A person uid whose phrasing of ``kind``/``channel`` is number ``index``."""
    return next(f"p{n}" for n in range(10_000) if phrasing(f"p{n}", kind, channel, count) == index)


def every_phrasing(ctx: DraftContext) -> Iterator[Draft]:
    kind, channel = DraftKind(ctx.kind), Channel(ctx.channel)
    count = len(templates()[(kind.value, channel.value)])
    for index in range(count):
        yield render(ctx, uid=uid_for(kind, channel, index, count))


KINDS = list(DraftKind)
CHANNELS = list(Channel)
GREETING = re.compile(r"^(Hi|Hey|Dear|Hello|Happy birthday),? (?P<name>[^,!.]+)[,!.]")


def assert_clean(draft: Draft, first_name: str, signature: str) -> None:
    """What every draft must be: no template syntax, tidy spacing, greeting and sign-off."""
    text = draft.subject + "\n" + draft.body
    for leftover in ("{{", "}}", "{%", "%}", "{#", "#}", "None", "[]", "()", "''"):
        assert leftover not in text, (leftover, text)
    assert "  " not in text, text
    assert not re.search(r" [,.;:?!]", text), text
    assert not re.search(r"[,;:]{2,}|\.\.|,\.|\.,", text.replace("…", "")), text
    for gap in (" at at ", " the the ", " you you ", "since since"):
        assert gap not in text.lower(), (gap, text)
    assert "\n\n\n" not in draft.body
    assert draft.body == draft.body.strip()
    first_line = draft.body.splitlines()[0]
    match = GREETING.match(first_line)
    assert match, first_line
    assert match["name"] == first_name, first_line
    if draft.channel is Channel.EMAIL:
        assert draft.subject and draft.subject == draft.subject.strip()
        assert draft.body.endswith("\n" + signature), draft.body
        paragraphs = draft.body.split("\n\n")
        assert len(paragraphs) >= 3, f"greeting, message and sign-off apart: {draft.body!r}"
        for paragraph in paragraphs:
            for line in paragraph.splitlines():
                assert line == line.strip(), repr(line)
    else:
        assert draft.subject == ""
        assert "\n" not in draft.body
        assert len(draft.body) <= SHORT_LIMIT
        assert draft.body.endswith(" " + signature.splitlines()[0]), draft.body


# -- every kind and channel, with rich and with missing facts ----------------------------

PEOPLE = {
    "rich, met and last seen at the Forum": (MARIAM, MET_LAST),
    "rich, in touch since, with a topic": (
        replace(MARIAM, met_on=date(2025, 3, 1)),
        history(400, "Her new fund", first=datetime(2025, 3, 1, 12, tzinfo=UTC)),
    ),
    "no met_at, no interests, no history": (BARE, ContactStats()),
    "no met_at, no interests, some history": (BARE, history(200)),
    "met date but no place": (replace(BARE, met_on=date(2027, 5, 28)), history(4)),
}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(PEOPLE))
def test_every_phrasing_reads_cleanly(kind: DraftKind, channel: Channel, case: str) -> None:
    person, stats = PEOPLE[case]
    ctx = context(person, stats, kind, channel)
    drafts = list(every_phrasing(ctx))
    assert drafts, (kind, channel)
    for draft in drafts:
        assert draft.kind is kind and draft.channel is channel
        assert_clean(draft, person.first_name, "Sam")


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_and_channel_has_several_phrasings(kind: DraftKind, channel: Channel) -> None:
    phrasings = templates()[(kind.value, channel.value)]
    assert len(phrasings) >= 2
    bodies = {d.body for d in every_phrasing(context(kind=kind, channel=channel))}
    assert len(bodies) == len(phrasings), "each phrasing says it differently"


@pytest.mark.parametrize("kind", KINDS)
def test_slots_are_listed_when_given(kind: DraftKind) -> None:
    slots = ("Tue 8 Jun, 10:00", "Wed 9 Jun, 15:30", "Fri 11 Jun, 09:00")
    for draft in every_phrasing(context(kind=kind, slots=slots)):
        assert_clean(draft, "Mariam", "Sam")
        if "- " + slots[0] in draft.body:
            assert all(f"\n- {slot}\n" in draft.body + "\n" for slot in slots), draft.body
            assert "next couple of weeks" not in draft.body


def test_slots_appear_where_catching_up_is_proposed() -> None:
    slots = ("Tue 8 Jun, 10:00", "Wed 9 Jun, 15:30")
    for kind in (DraftKind.RECONNECT, DraftKind.KEEP_IN_TOUCH, DraftKind.FOLLOW_UP):
        for draft in every_phrasing(context(kind=kind, slots=slots)):
            assert "\n- Tue 8 Jun, 10:00\n- Wed 9 Jun, 15:30\n" in draft.body, draft.body


# -- the facts ---------------------------------------------------------------------------


def test_reconnect_email_follows_the_seed() -> None:
    """Acknowledge the time, name where you met, ask how they are, propose catching up."""
    for stats, when in ((MET_LAST, "months"), (history(400, "Her new fund"), "over a year")):
        person = MARIAM if stats is MET_LAST else replace(MARIAM, met_on=date(2025, 3, 1))
        for draft in every_phrasing(context(person, stats)):
            body = draft.body
            assert when in body, body
            time_at = body.index(when)
            place_at = body.index("the Forum")
            asks = re.search(
                r"How (have things been|are you)|hope you have been well|how things are going",
                body,
            )
            assert asks, body
            catch_up = re.search(r"catch up|catch-up", body)
            assert catch_up, body
            weeks_at = body.index("over the next couple of weeks")
            assert time_at < asks.start() < weeks_at, body
            assert place_at < weeks_at, body
            assert "climate finance" in body, "the shared interest"


def test_reconnect_email_example_reads_like_a_person_wrote_it() -> None:
    count = len(templates()[("reconnect", "email")])
    draft = render(context(), uid=uid_for(DraftKind.RECONNECT, Channel.EMAIL, 0, count))
    assert draft.subject == "It has been months"
    assert draft.body == (
        "Hi Mariam,\n\n"
        "I cannot believe it has been months since we last met at the Forum. "
        "How have things been for you?\n\n"
        "I would love a chance to catch up and hear your news, especially on climate finance. "
        "Please do let me know your availability over the next couple of weeks.\n\n"
        "I really look forward to hearing from you.\n\n"
        "Sam"
    )


def test_reconnect_after_later_contact_still_names_where_you_met() -> None:
    person = replace(MARIAM, met_on=date(2025, 3, 1))
    for draft in every_phrasing(context(person, history(400, "Her new fund"))):
        assert "the Forum" in draft.body, draft.body
        assert not re.search(r"over a year since (we )?(last )?met", draft.body), (
            "the last contact was later than the meeting"
        )


def test_time_since_in_words() -> None:
    for days, words in ((45, "a couple of months"), (200, "months"), (400, "over a year")):
        ctx = context(BARE, history(days))
        assert ctx.time_since == words
        assert ctx.days_since == days
        assert all(words in d.body for d in every_phrasing(ctx)), words
    assert context(BARE, ContactStats()).time_since == "a while"
    assert context(BARE, ContactStats()).days_since is None


def test_follow_up_uses_where_and_when_you_met() -> None:
    met = replace(MARIAM, met_on=date(2027, 5, 28))
    noon = datetime(2027, 5, 28, 12, tzinfo=UTC)
    stats = replace(MET_LAST, first_at=noon, last_at=noon, first_meeting_at=noon)
    ctx = context(met, stats, DraftKind.FOLLOW_UP)
    assert ctx.met_when == "on Friday" and ctx.last_was_meeting
    drafts = list(every_phrasing(ctx))
    for draft in drafts:
        assert "at the Forum on Friday" in draft.body, draft.body
        assert draft.subject.endswith("the Forum")
    assert any("climate finance" in d.body for d in drafts)


def test_keep_in_touch_uses_the_last_topic_and_shared_interest() -> None:
    ctx = context(MARIAM, history(120, "Her new fund."), DraftKind.KEEP_IN_TOUCH)
    assert ctx.last_topic == "your new fund", "read back to them, without the full stop"
    bodies = [d.body for d in every_phrasing(ctx)]
    assert any("your new fund" in b for b in bodies)
    assert any("climate finance" in b for b in bodies)
    assert any("Green Bank" in b for b in bodies)
    assert not any("her new fund" in b.lower() for b in bodies)


def test_summaries_kith_wrote_are_not_topics() -> None:
    for summary in ("Sent a keep-in-touch message", "Met at the Forum", "First met", ""):
        assert context(MARIAM, history(60, summary)).last_topic == "", summary
    long_summary = "a" * 81
    assert context(MARIAM, history(60, long_summary)).last_topic == ""
    assert context(MARIAM, history(60, "His move to Lisbon")).last_topic == "your move to Lisbon"
    assert context(MARIAM, history(60, "AI strategy")).last_topic == "AI strategy"


def test_met_at_written_with_at_is_not_doubled() -> None:
    ctx = context(replace(MARIAM, met_at="at the Forum"))
    assert ctx.met_at == "the Forum"
    assert all("at at" not in d.body for d in every_phrasing(ctx))


def test_introductions_name_the_other_person() -> None:
    for kind in (DraftKind.ASK_INTRO, DraftKind.INTRO):
        for channel in CHANNELS:
            ctx = context(kind=kind, channel=channel)
            assert ctx.target_name == "Bo Chen" and ctx.target_about == "CTO at Globex"
            for draft in every_phrasing(ctx):
                assert "Bo Chen" in draft.body
    intro = context(kind=DraftKind.INTRO)
    assert intro.common_interest == "sailing", "what Mariam and Bo share, not what Sam shares"
    bodies = [d.body for d in every_phrasing(intro)]
    assert any("sailing" in b for b in bodies)
    assert not any("climate finance" in b for b in bodies)
    assert context(kind=DraftKind.INTRO, target=BARE).common_interest == ""


def test_birthday_drafts_wish_a_happy_birthday() -> None:
    for channel in CHANNELS:
        for draft in every_phrasing(context(kind=DraftKind.BIRTHDAY, channel=channel)):
            assert "birthday" in (draft.subject + draft.body).lower()


# -- the signature -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_signature_set_by_the_owner(kind: DraftKind) -> None:
    owner = replace(OWNER, signature="— Sam R.")
    for channel in CHANNELS:
        for draft in every_phrasing(context(kind=kind, channel=channel, owner=owner)):
            assert_clean(draft, "Mariam", "— Sam R.")


def test_multi_line_signature_in_email_and_first_name_in_short() -> None:
    owner = replace(OWNER, signature="Sam Rivera\nGreen Futures\n+44 20 7946 0000")
    for draft in every_phrasing(context(owner=owner)):
        assert draft.body.endswith("\nSam Rivera\nGreen Futures\n+44 20 7946 0000")
    for draft in every_phrasing(context(owner=owner, channel=Channel.SHORT)):
        assert draft.body.endswith(" Sam"), draft.body
        assert "7946" not in draft.body


def test_without_a_signature_the_first_name_signs() -> None:
    ctx = context(owner=Owner(name="Samira Okafor"))
    assert ctx.signature == "Samira" and ctx.short_signature == "Samira"
    for draft in every_phrasing(ctx):
        assert draft.body.endswith("\nSamira")


# -- stable per person, varied across people ----------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", KINDS)
def test_phrasing_is_stable_per_person_and_varies_across_people(
    kind: DraftKind, channel: Channel
) -> None:
    chosen = set()
    for n in range(20):
        person = replace(MARIAM, uid=f"person-{n}")
        ctx = context(person, kind=kind, channel=channel)
        first = render(ctx, uid=person.uid)
        again = render(ctx, uid=person.uid)
        assert first == again
        chosen.add(first.template)
    assert len(chosen) >= 2, (kind, channel, chosen)


# -- short messages stay short ------------------------------------------------------------

LONG = Person(
    id=4,
    uid="long",
    name="Maximiliana Alexandrina Fitzwilliam-Montgomery",
    given_name="Maximiliana",
    org="The International Federation of Sustainable Infrastructure and Climate "
    "Resilience Investment Cooperatives",
    title="Senior Vice President for Strategic Partnerships",
    met_at="the Annual Global Summit on Climate Finance, Biodiversity Credits and "
    "Nature-Based Solutions for Emerging Markets in Lisbon",
    met_on=date(2027, 5, 25),
    interests=(
        (
            "regenerative agriculture finance in sub-Saharan smallholder cooperatives and "
            "blended-capital structures for adaptation"
        ),
    ),
)


@pytest.mark.parametrize("kind", KINDS)
def test_short_messages_stay_short_with_long_facts(kind: DraftKind) -> None:
    stats = history(
        30,
        "the long conversation about blended finance structures for adaptation "
        "projects in the Sahel",
    )
    owner = replace(OWNER, interests=LONG.interests)
    target = replace(LONG, uid="long-target", name="Bartholomew Fitzgerald-Underwood")
    ctx = context(LONG, stats, kind, Channel.SHORT, owner=owner, target=target)
    for draft in every_phrasing(ctx):
        assert len(draft.body) <= SHORT_LIMIT, draft.body
        assert "…" not in draft.body, "facts are left out before the text is cut"
        assert_clean(draft, "Maximiliana", "Sam")


def test_short_messages_are_cut_only_as_a_last_resort() -> None:
    huge = replace(LONG, given_name="Maximiliana" * 30)
    for kind in KINDS:
        ctx = context(huge, history(30), kind, Channel.SHORT)
        draft = render(ctx, uid="someone")
        assert len(draft.body) <= SHORT_LIMIT
        assert draft.body.endswith("… Sam"), draft.body


# -- through the command line -------------------------------------------------------------


def _mariam(kith: KithRunner) -> None:
    result = kith(
        "me", "--name", "Sam Rivera", "--email", "sam@example.com", "--interest", "climate finance"
    )
    assert result.code == 0, result.err
    added = kith(
        "--now",
        "2026-11-26",
        "add",
        "Mariam Haddad",
        "--email",
        "mariam@example.org",
        "--org",
        "Green Bank",
        "--met-at",
        "the Forum",
        "--met-on",
        "2026-11-20",
        "--interest",
        "Climate Finance",
    )
    assert added.code == 0, added.err


def draft_json(kith: KithRunner, *args: str) -> dict[str, Any]:
    result = kith(*args, "--json")
    assert result.code == 0, (args, result.err)
    data: dict[str, Any] = result.json()
    return data


def test_cli_draft_picks_the_kind_on_todays_list(kith: KithRunner) -> None:
    _mariam(kith)
    data = draft_json(kith, "--now", "2026-11-26", "draft", "Mariam")
    assert data["kind"] == "follow_up" and data["channel"] == "email"
    assert data["person"] == {"id": 1, "name": "Mariam Haddad", "emails": ["mariam@example.org"]}
    assert data["template"].startswith("follow_up.email.")
    assert data["outreach_id"] == 1
    assert any("Forum" in r for r in data["reasons"])
    assert_clean_cli(data, "Mariam", "Sam")
    assert "the Forum" in data["body"]
    shown = kith("--now", "2026-11-26", "show", "Mariam", "--json").json()
    assert [(o["state"], o["body"]) for o in shown["outreach"]] == [("drafted", data["body"])]
    later = draft_json(kith, "--now", "2027-06-01", "draft", "Mariam")
    assert later["kind"] == "reconnect", "half a year on without contact"
    assert later["outreach_id"] == 1, "one open draft per person, updated"
    assert "months" in later["body"] and "the Forum" in later["body"]
    assert "Climate Finance" in later["body"], "the shared interest, as Mariam wrote it"


def assert_clean_cli(data: dict[str, Any], first_name: str, signature: str) -> None:
    draft = Draft(
        DraftKind(data["kind"]), Channel(data["channel"]), data["subject"], data["body"], ""
    )
    assert_clean(draft, first_name, signature)


def test_cli_every_kind_and_channel(kith: KithRunner) -> None:
    _mariam(kith)
    assert kith("add", "Bo Chen", "--org", "Globex", "--title", "CTO").code == 0
    assert kith("me", "--signature", "Sam R.").code == 0
    for kind in KINDS:
        for channel in CHANNELS:
            args = ["--now", "2027-06-01", "draft", "Mariam", "--kind", kind.value]
            args += ["--channel", channel.value, "--to", "Bo Chen", "--no-save"]
            data = draft_json(kith, *args)
            assert data["kind"] == kind.value and data["channel"] == channel.value
            assert data["outreach_id"] is None
            assert_clean_cli(data, "Mariam", "Sam R.")
    assert kith("--now", "2027-06-01", "show", "Mariam", "--json").json()["outreach"] == []
    text = kith("--now", "2027-06-01", "draft", "Mariam", "--kind", "reconnect", "--no-save")
    assert text.code == 0
    assert "To: Mariam Haddad <mariam@example.org>" in text.out
    assert "Subject: " in text.out and "not saved" in text.out


def test_cli_draft_is_stable_and_varies_across_people(kith: KithRunner) -> None:
    assert kith("me", "--name", "Sam Rivera").code == 0
    templates_used = set()
    for n in range(20):
        name = f"Person{n:02d} Example"
        assert kith("add", name).code == 0
        args = ("--now", "2027-06-01", "draft", name, "--kind", "reconnect", "--no-save")
        first = draft_json(kith, *args)
        second = draft_json(kith, *args)
        assert (first["subject"], first["body"]) == (second["subject"], second["body"])
        templates_used.add(first["template"])
    assert len(templates_used) >= 2, templates_used


def test_cli_intro_kinds_need_to(kith: KithRunner) -> None:
    _mariam(kith)
    assert kith("add", "Bo Chen", "--org", "Globex").code == 0
    for kind in ("ask_intro", "intro"):
        result = kith("draft", "Mariam", "--kind", kind)
        assert result.code == 2, result.out
        assert result.err.startswith("kith: ") and "--to" in result.err
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert "Traceback" not in result.err
        missing = kith("draft", "Mariam", "--kind", kind, "--to", "Nobody Here")
        assert missing.code == 2 and "Nobody Here" in missing.err
        data = draft_json(kith, "draft", "Mariam", "--kind", kind, "--to", "bo", "--no-save")
        assert "Bo Chen" in data["body"]
    shown = kith("show", "Mariam", "--json").json()
    assert shown["outreach"] == [], "refused drafts leave nothing behind"


def test_cli_signature_from_me(kith: KithRunner) -> None:
    _mariam(kith)
    plain = draft_json(kith, "--now", "2027-06-01", "draft", "Mariam", "--no-save")
    assert plain["body"].endswith("\nSam")
    assert kith("me", "--signature", "Warmly, Sam Rivera").code == 0
    signed = draft_json(kith, "--now", "2027-06-01", "draft", "Mariam", "--no-save")
    assert signed["body"].endswith("\nWarmly, Sam Rivera")
    short = draft_json(
        kith, "--now", "2027-06-01", "draft", "Mariam", "--channel", "short", "--no-save"
    )
    assert short["body"].endswith(" Warmly, Sam Rivera") and len(short["body"]) <= SHORT_LIMIT


# -- the user's own templates -------------------------------------------------------------

MY_RECONNECT = """Subject: Long time no see, {{ first_name }}

Dear {{ first_name }},

{{ time_since | capitalize }} since {{ met_at or "we last spoke" }}! Coffee soon?

Cheers,
{{ signature }}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _expect_mine(kith: KithRunner) -> None:
    mine = draft_json(kith, "--now", "2027-06-01", "draft", "Mariam", "--kind", "reconnect")
    assert mine["template"] == "reconnect.email.1.j2"
    assert mine["subject"] == "Long time no see, Mariam"
    assert mine["body"] == "Dear Mariam,\n\nMonths since the Forum! Coffee soon?\n\nCheers,\nSam"
    other = draft_json(kith, "--now", "2027-06-01", "draft", "Mariam", "--kind", "keep_in_touch")
    assert other["template"].startswith("keep_in_touch.email."), "other kinds stay built in"
    assert "Coffee soon" not in other["body"]


def test_user_templates_in_the_default_folder(kith: KithRunner, env: dict[str, str]) -> None:
    _mariam(kith)
    folder = Path(env["KITH_CONFIG"]).parent / "templates"
    _write(folder, "reconnect.email.1.j2", MY_RECONNECT)
    _write(folder, "notes.txt", "not a template")
    _write(folder, "reconnect.j2", "{{ nonsense }")
    _expect_mine(kith)
    for n in range(6):
        assert kith("add", f"Other{n} Person").code == 0
        data = draft_json(
            kith, "--now", "2027-06-01", "draft", f"Other{n}", "--kind", "reconnect", "--no-save"
        )
        assert data["template"] == "reconnect.email.1.j2", "mine replace all the built-in ones"
        assert data["subject"] == f"Long time no see, Other{n}"


def test_user_templates_from_the_setting(kith: KithRunner, tmp_path: Path) -> None:
    _mariam(kith)
    folder = tmp_path / "my templates"
    _write(folder, "reconnect.email.1.j2", MY_RECONNECT)
    assert kith("config", "set", "templates_dir", str(folder)).code == 0
    shown = kith("config", "show", "--json").json()["settings"]["templates_dir"]
    assert shown["value"] == str(folder) and shown["from"].endswith("config.toml")
    _expect_mine(kith)


def test_user_templates_from_the_environment(
    kith: KithRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _mariam(kith)
    folder = tmp_path / "env-templates"
    _write(folder, "reconnect.email.1.j2", MY_RECONNECT)
    monkeypatch.setenv("KITH_TEMPLATES_DIR", str(folder))
    _expect_mine(kith)
    monkeypatch.delenv("KITH_TEMPLATES_DIR")
    builtin = draft_json(kith, "--now", "2027-06-01", "draft", "Mariam", "--kind", "reconnect")
    assert "Coffee soon" not in builtin["body"]


ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].system('echo hacked') }}",
    "{{ first_name.__class__.__base__.__subclasses__() }}",
    "{{ '{0.__class__}'.format(first_name) }}",
    "{{ self.__dict__ }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{{ range(10 ** 6) | list }}",
    "{{ 'x' * 1000000000 }}",
    "{{ 9 ** 99999999 }}",
    "{{ nickname }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_user_template_cannot_escape_the_sandbox(
    kith: KithRunner, env: dict[str, str], source: str, capfd: pytest.CaptureFixture[str]
) -> None:
    _mariam(kith)
    folder = Path(env["KITH_CONFIG"]).parent / "templates"
    path = _write(
        folder, "reconnect.email.1.j2", f"Subject: hi\n\nHi {{{{ first_name }}}}, {source}"
    )
    result = kith("--now", "2027-06-01", "draft", "Mariam", "--kind", "reconnect")
    assert result.code == 2, (result.out, result.err)
    assert result.err.startswith("kith: template reconnect.email.1.j2"), result.err
    assert str(path) in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err and result.out == ""
    assert "hacked" not in capfd.readouterr().out
    assert kith("show", "Mariam", "--json").json()["outreach"] == []


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("Subject: hi\n\nHi {{ first_name ,\n", 3),
        ("Subject: hi\n\n{% if met_at %}Hi {{ first_name }}\n", 3),
        ("Subject: hi\n\nHi\n\n{% for %}\n", 5),
    ],
)
def test_user_template_syntax_error_names_the_file_and_line(
    kith: KithRunner, env: dict[str, str], source: str, line: int
) -> None:
    _mariam(kith)
    folder = Path(env["KITH_CONFIG"]).parent / "templates"
    _write(folder, "reconnect.short.7.j2", source.replace("Subject: hi\n\n", ""))
    _write(folder, "reconnect.email.2.j2", source)
    result = kith("--now", "2027-06-01", "draft", "Mariam", "--kind", "reconnect")
    assert result.code == 2, result.out
    assert "template reconnect.email.2.j2" in result.err
    assert "syntax error" in result.err and f"line {line}" in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err


def test_user_template_that_is_not_text(kith: KithRunner, env: dict[str, str]) -> None:
    _mariam(kith)
    folder = Path(env["KITH_CONFIG"]).parent / "templates"
    folder.mkdir(parents=True)
    (folder / "reconnect.email.1.j2").write_bytes(b"Subject: \xff\xfe\n\nHi")
    result = kith("--now", "2027-06-01", "draft", "Mariam", "--kind", "reconnect")
    assert result.code == 2 and "reconnect.email.1.j2" in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err


def test_cli_intro_to_the_same_person_is_refused(kith: KithRunner) -> None:
    _mariam(kith)
    result = kith("draft", "Mariam", "--kind", "intro", "--to", "Mariam Haddad")
    assert result.code == 2 and "two different people" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_cli_draft_without_a_name_says_how_to_sign(kith: KithRunner) -> None:
    assert kith("add", "Ann Lee").code == 0
    result = kith("draft", "Ann", "--no-save")
    assert result.code == 0, result.err
    assert "Hi Ann" in result.out
    assert "kith me --name" in result.err
    named = kith("me", "--name", "Sam Rivera")
    assert named.code == 0
    assert "kith me --name" not in kith("draft", "Ann", "--no-save").err
