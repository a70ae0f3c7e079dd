"""The REST API's requests and responses, as Pydantic models (they make the OpenAPI document).

Responses have the shapes of the CLI's ``--json`` output (docs/json.md) wherever
the CLI has one; lists come in pages (``items``, ``total``, ``offset``,
``limit``).  Times are ISO 8601 in UTC with an explicit offset, dates
``YYYY-MM-DD``.  Requests are checked here before Kith sees them: sizes,
enumerations, dates, and no NUL characters (PostgreSQL cannot store them), so
bad input is a 422, never a server error.  Unknown keys are refused, so a typo
is not silently ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from kith.domain.engine import AgendaItem, Standing
from kith.domain.model import (
    AgendaKind,
    Channel,
    Circle,
    Direction,
    DraftKind,
    Interaction,
    InteractionKind,
    OutreachState,
    Person,
    Status,
)
from kith.services.activity import OutreachItem
from kith.services.outreach import DraftResult, SentResult, Today
from kith.services.people import IntroductionView, OutreachView, PeoplePage, PersonView

# -- values ------------------------------------------------------------------------------

#: Text without NUL characters (PostgreSQL cannot store them).
NO_NUL = r"^[^\x00]*$"
MAX_ID = 2_147_483_647
#: Dates Kith accepts: wide enough for any birthday or meeting, narrow enough for date sums.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)

Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Name = Annotated[str, Field(min_length=1, max_length=300, pattern=NO_NUL)]
Line = Annotated[str, Field(max_length=300, pattern=NO_NUL)]
Text = Annotated[str, Field(max_length=2000, pattern=NO_NUL)]
Notes = Annotated[str, Field(max_length=10_000, pattern=NO_NUL)]
Email = Annotated[str, Field(min_length=1, max_length=254, pattern=NO_NUL)]
Phone = Annotated[str, Field(min_length=1, max_length=50, pattern=NO_NUL)]
Link = Annotated[str, Field(min_length=1, max_length=490, pattern=NO_NUL)]
Interest = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Zone = Annotated[str, Field(max_length=64, pattern=NO_NUL)]
Birthday = Annotated[
    str,
    Field(
        pattern=r"^(\d{4}-\d{2}-\d{2}|--\d{2}-\d{2}|\d{2}-\d{2})?$",
        description="YYYY-MM-DD, or --MM-DD (or MM-DD) when the year is unknown",
    ),
]


def _in_range(day: dt.date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"give a date between {FIRST_DAY} and {LAST_DAY}")


_DATE = TypeAdapter(dt.date)
_DATETIME = TypeAdapter(dt.datetime)


def _day(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        found = value
    elif isinstance(value, str) and len(value) == 10:
        try:
            found = _DATE.validate_python(value)
        except ValidationError:
            raise ValueError(f"{value!r} is not a date: write it as YYYY-MM-DD") from None
    else:
        raise ValueError("write a date as YYYY-MM-DD")
    _in_range(found)
    return found


def _moment(value: object) -> dt.date | dt.datetime:
    if isinstance(value, str) and len(value) == 10:
        return _day(value)
    if isinstance(value, str) and 10 < len(value) <= 40:
        try:
            found = _DATETIME.validate_python(value)
        except ValidationError:
            raise ValueError(f"{value!r} is not a date or a time") from None
        _in_range(found.date())
        return found
    raise ValueError("write a date as YYYY-MM-DD, or a time as 2026-11-26T15:30:00+01:00")


#: A calendar day, ``YYYY-MM-DD``.
Day = Annotated[
    dt.date,
    PlainValidator(_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]
#: A day (midday in the owner's time zone) or a time (without an offset: the owner's zone).
Moment = Annotated[
    dt.date | dt.datetime,
    PlainValidator(_moment),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "description": "YYYY-MM-DD (midday in your time zone) or an ISO 8601 time",
        }
    ),
]


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


#: A time in a response: ISO 8601 in UTC with ``+00:00``, as the CLI writes it.
Time = Annotated[
    dt.datetime,
    PlainSerializer(_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- errors ------------------------------------------------------------------------------


class ErrorDetail(Reply):
    message: str = Field(description="What went wrong, in one line for a person")
    field: str | None = Field(description="The parameter or body field at fault, if any")
    hint: str | None = Field(description="What to do next, if Kith knows")


class ErrorBody(Reply):
    """Every error the API answers: ``{"error": {"message", "field", "hint"}}``."""

    error: ErrorDetail


# -- people ------------------------------------------------------------------------------


class PersonRef(Reply):
    id: int
    name: str | None


class Met(Reply):
    on: dt.date | None
    at: str
    context: str


class PersonOut(Reply):
    """A person as stored (the shape of ``kith add --json``)."""

    id: int
    uid: str
    name: str
    given_name: str
    family_name: str
    emails: list[str]
    phones: list[str]
    links: list[str]
    org: str
    title: str
    location: str
    timezone: str
    birthday: str | None = Field(description="YYYY-MM-DD, or --MM-DD without the year")
    notes: str
    interests: list[str]
    circle: Circle | None = Field(description="As set; null when Kith infers it")
    cadence_days: int | None = Field(description="As set; null when the circle's applies")
    status: Status
    status_reason: str
    met: Met
    introduced_by: PersonRef | None
    snoozed_until: dt.date | None
    created_at: Time | None
    updated_at: Time | None

    @classmethod
    def of(cls, p: Person, introducer: Person | None = None) -> PersonOut:
        intro = None
        if introducer is not None:
            intro = PersonRef(id=introducer.id, name=introducer.name)
        elif p.introduced_by_id:
            intro = PersonRef(id=p.introduced_by_id, name=None)
        return cls(
            id=p.id,
            uid=p.uid,
            name=p.name,
            given_name=p.given_name,
            family_name=p.family_name,
            emails=list(p.emails),
            phones=list(p.phones),
            links=list(p.links),
            org=p.org,
            title=p.title,
            location=p.location,
            timezone=p.timezone,
            birthday=p.birthday.isoformat() if p.birthday else None,
            notes=p.notes,
            interests=list(p.interests),
            circle=p.circle,
            cadence_days=p.cadence_days,
            status=p.status,
            status_reason=p.status_reason,
            met=Met(on=p.met_on, at=p.met_at, context=p.met_context),
            introduced_by=intro,
            snoozed_until=p.snoozed_until,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class StandingOut(Reply):
    label: str
    circle: Circle
    cadence_days: int | None
    cadence_source: str
    last_contact: Time | None
    days_since: int | None
    due_on: dt.date | None
    due: bool
    losing_touch: bool
    dormant: bool
    awaiting_reply: bool
    quiet: bool
    strength: int
    peak_strength: int

    @classmethod
    def of(cls, s: Standing) -> StandingOut:
        return cls(
            label=s.label,
            circle=s.cadence.circle,
            cadence_days=s.cadence.days,
            cadence_source=s.cadence.source,
            last_contact=s.last_contact,
            days_since=int(s.days_since) if s.days_since is not None else None,
            due_on=s.due_on,
            due=s.due,
            losing_touch=s.losing_touch,
            dormant=s.dormant,
            awaiting_reply=s.awaiting_reply,
            quiet=s.quiet,
            strength=s.strength,
            peak_strength=s.peak,
        )


class AgendaItemOut(Reply):
    person: PersonRef
    kind: AgendaKind
    score: float
    reasons: list[str]
    draft_kind: DraftKind

    @classmethod
    def of(cls, item: AgendaItem) -> AgendaItemOut:
        return cls(
            person=PersonRef(id=item.person_id, name=item.name),
            kind=item.kind,
            score=item.score,
            reasons=list(item.reasons),
            draft_kind=item.draft_kind,
        )


class InteractionOut(Reply):
    """One interaction (the shape of ``kith log --json``)."""

    id: int
    occurred_at: Time
    kind: InteractionKind
    direction: Direction
    summary: str
    source: str
    source_key: str | None
    people: list[PersonRef]

    @classmethod
    def of(cls, i: Interaction, names: dict[int, str]) -> InteractionOut:
        return cls(
            id=i.id,
            occurred_at=i.occurred_at,
            kind=i.kind,
            direction=i.direction,
            summary=i.summary,
            source=i.source,
            source_key=i.source_key,
            people=[PersonRef(id=pid, name=names.get(pid)) for pid in i.person_ids],
        )


class OutreachOut(Reply):
    """A draft or a message sent, with its state now."""

    id: int
    person: PersonRef
    kind: DraftKind
    channel: Channel
    state: OutreachState
    subject: str
    body: str
    created_at: Time
    sent_at: Time | None

    @classmethod
    def of(cls, view: OutreachView, name: str | None) -> OutreachOut:
        o = view.outreach
        return cls(
            id=o.id,
            person=PersonRef(id=o.person_id, name=name),
            kind=o.kind,
            channel=o.channel,
            state=view.state,
            subject=o.subject,
            body=o.body,
            created_at=o.created_at,
            sent_at=o.sent_at,
        )

    @classmethod
    def of_item(cls, item: OutreachItem) -> OutreachOut:
        return cls.of(item.view, item.name)


class IntroductionOut(Reply):
    """An introduction or a referral (the shape of ``kith intro --json``)."""

    id: int
    kind: Literal["introduction", "referral"]
    introducer: PersonRef | None = Field(description="null when it was you")
    person_a: PersonRef
    person_b: PersonRef | None = Field(description="null for a referral to an opportunity")
    direction: str = Field(
        description="made (an introduction you made), empty (made by someone else); "
        "given or received for a referral"
    )
    opportunity: str
    on: dt.date | None
    note: str
    outcome: str

    @classmethod
    def of(cls, view: IntroductionView) -> IntroductionOut:
        i = view.introduction

        def ref(pid: int | None) -> PersonRef | None:
            return PersonRef(id=pid, name=view.names.get(pid)) if pid else None

        person_a = ref(i.person_a_id)
        assert person_a is not None
        return cls(
            id=i.id,
            kind="referral" if i.kind == "referral" else "introduction",
            introducer=ref(i.introducer_id),
            person_a=person_a,
            person_b=ref(i.person_b_id),
            direction=i.direction,
            opportunity=i.opportunity,
            on=i.occurred_on,
            note=i.note,
            outcome=i.outcome,
        )


class SourceOut(Reply):
    source: str
    key: str
    first_seen_at: Time
    last_seen_at: Time
    fields: dict[str, Any]


class PersonViewOut(Reply):
    """Everything about one person (the shape of ``kith show --json``)."""

    person: PersonOut
    standing: StandingOut
    suggestion: AgendaItemOut | None
    interaction_count: int
    interactions: list[InteractionOut]
    outreach: list[OutreachOut]
    introductions: list[IntroductionOut]
    sources: list[SourceOut]

    @classmethod
    def of(cls, v: PersonView) -> PersonViewOut:
        return cls(
            person=PersonOut.of(v.person, v.introduced_by),
            standing=StandingOut.of(v.standing),
            suggestion=AgendaItemOut.of(v.suggestion) if v.suggestion else None,
            interaction_count=v.interaction_count,
            interactions=[InteractionOut.of(i, v.names) for i in v.interactions],
            outreach=[OutreachOut.of(o, v.person.name) for o in v.outreach],
            introductions=[IntroductionOut.of(i) for i in v.introductions],
            sources=[
                SourceOut(
                    source=s.source,
                    key=s.key,
                    first_seen_at=s.first_seen_at,
                    last_seen_at=s.last_seen_at,
                    fields=s.fields,
                )
                for s in v.sources
            ],
        )


class PersonRow(Reply):
    """A line of a people list (the rows of ``kith ls --json``)."""

    id: int
    name: str
    org: str
    title: str
    circle: Circle | None
    cadence_days: int | None
    status: Status
    label: str
    last_contact: Time | None
    interactions: int


class Page(Reply):
    total: int = Field(description="How many match in all")
    offset: int = Field(description="Where this page starts")
    limit: int = Field(description="The most this page may hold")


class PeoplePageOut(Page):
    items: list[PersonRow]

    @classmethod
    def of(cls, page: PeoplePage, limit: int) -> PeoplePageOut:
        return cls(
            total=page.total,
            offset=page.offset,
            limit=limit,
            items=[
                PersonRow(
                    id=r.id,
                    name=r.name,
                    org=r.org,
                    title=r.title,
                    circle=Circle(r.circle) if r.circle else None,
                    cadence_days=r.cadence_days,
                    status=Status(r.status),
                    label=page.labels.get(r.id, ""),
                    last_contact=r.last_at,
                    interactions=r.count,
                )
                for r in page.rows
            ],
        )


class InteractionsPageOut(Page):
    items: list[InteractionOut]


class OutreachPageOut(Page):
    items: list[OutreachOut]


class IntroductionsPageOut(Page):
    items: list[IntroductionOut]


# -- the agenda, drafts, sending --------------------------------------------------------


class Totals(Reply):
    """For each agenda kind, how many people it applied to before the cut to the budget."""

    reply: int
    follow_up: int
    date: int
    keep_in_touch: int
    reconnect: int


class Week(Reply):
    start: dt.date
    sent: int
    goal: int


class AgendaOut(Reply):
    """The day's agenda (the shape of ``kith today --json``)."""

    date: dt.date
    now: Time
    items: list[AgendaItemOut]
    totals: Totals
    considered: int
    week: Week

    @classmethod
    def of(cls, t: Today, now: dt.datetime, day: dt.date) -> AgendaOut:
        totals = {k.value: t.agenda.totals.get(k, 0) for k in AgendaKind}
        return cls(
            date=day,
            now=now,
            items=[AgendaItemOut.of(i) for i in t.agenda.items],
            totals=Totals(**totals),
            considered=t.agenda.considered,
            week=Week(start=t.week.start, sent=t.week.sent, goal=t.week.goal),
        )


class DraftPerson(Reply):
    id: int
    name: str
    emails: list[str]


class DraftOut(Reply):
    """A draft (the shape of ``kith draft --json``)."""

    person: DraftPerson
    outreach_id: int | None = Field(description="The saved draft; null when not saved")
    kind: DraftKind
    channel: Channel
    subject: str = Field(description="Empty for the short channel")
    body: str
    template: str
    reasons: list[str]

    @classmethod
    def of(cls, d: DraftResult) -> DraftOut:
        return cls(
            person=DraftPerson(id=d.person.id, name=d.person.name, emails=list(d.person.emails)),
            outreach_id=d.outreach_id or None,
            kind=d.draft.kind,
            channel=d.draft.channel,
            subject=d.draft.subject,
            body=d.draft.body,
            template=d.draft.template,
            reasons=list(d.reasons),
        )


class SentOut(Reply):
    """The outreach marked sent (the shape of ``kith sent --json``)."""

    person: PersonRef
    outreach_id: int
    kind: DraftKind
    sent_at: Time

    @classmethod
    def of(cls, r: SentResult) -> SentOut:
        return cls(
            person=PersonRef(id=r.person.id, name=r.person.name),
            outreach_id=r.outreach_id,
            kind=r.kind,
            sent_at=r.sent_at,
        )


# -- requests ----------------------------------------------------------------------------


class PersonCreate(Request):
    """Someone new.  Only ``name`` is required."""

    name: Name
    emails: Annotated[list[Email], Field(max_length=50)] = []
    phones: Annotated[list[Phone], Field(max_length=50)] = []
    links: Annotated[list[Link], Field(max_length=50)] = []
    org: Line = ""
    title: Line = ""
    location: Line = ""
    timezone: Zone = Field(default="", description="An IANA time zone such as Europe/London")
    interests: Annotated[list[Interest], Field(max_length=100)] = []
    circle: Circle | None = Field(
        default=None, description="Sets the keep-in-touch cadence; null lets Kith infer it"
    )
    every_days: Annotated[StrictInt, Field(ge=1, le=3650)] | None = Field(
        default=None, description="Keep in touch every this many days (instead of a circle)"
    )
    birthday: Birthday | None = None
    notes: Notes = ""
    met_at: Line = Field(default="", description="Where you met: an event, a place")
    met_on: Day | None = Field(default=None, description="When you met; today when met_at is given")
    met_context: Text = ""
    introduced_by: Id | None = Field(default=None, description="The id of who introduced you")


class PersonUpdate(Request):
    """Changes to a person.  A key left out, or null, leaves that field as it is.

    Lists replace what is stored (``[]`` empties one); ``""`` empties a text.
    """

    name: Name | None = None
    emails: Annotated[list[Email], Field(max_length=50)] | None = None
    phones: Annotated[list[Phone], Field(max_length=50)] | None = None
    links: Annotated[list[Link], Field(max_length=50)] | None = None
    org: Line | None = None
    title: Line | None = None
    location: Line | None = None
    timezone: Zone | None = None
    interests: Annotated[list[Interest], Field(max_length=100)] | None = None
    circle: Circle | Literal["auto"] | None = Field(
        default=None, description="A circle, or auto to let Kith infer the cadence"
    )
    every_days: Annotated[StrictInt, Field(ge=0, le=3650)] | None = Field(
        default=None, description="Keep in touch every this many days; 0 goes back to the circle's"
    )
    birthday: Birthday | None = Field(
        default=None, description="YYYY-MM-DD or --MM-DD; empty clears it"
    )
    notes: Notes | None = Field(default=None, description="Replaces the notes")
    add_note: Notes | None = Field(default=None, description="Added after the notes")
    met_at: Line | None = None
    met_on: Day | None = None
    met_context: Text | None = None
    introduced_by: Annotated[StrictInt, Field(ge=0, le=MAX_ID)] | None = Field(
        default=None, description="The id of who introduced you; 0 removes it"
    )
    status: Status | None = Field(default=None, description="active, archived or do_not_contact")


class SnoozeIn(Request):
    until: Day = Field(description="Off the agenda until this day (after today)")


class LetGoIn(Request):
    reason: Text = ""


class InteractionCreate(Request):
    """Something that happened: it resets the keep-in-touch clock."""

    kind: InteractionKind = InteractionKind.NOTE
    direction: Direction | None = Field(
        default=None,
        description="out (you reached out), in (they did), mutual; default mutual for "
        "meetings, calls, events and notes, out for email and message",
    )
    on: Moment | None = Field(default=None, description="When it happened; default now")
    summary: Text = ""
    others: Annotated[list[Id], Field(max_length=50)] = Field(
        default=[], description="Ids of the other people who took part"
    )


class DraftCreate(Request):
    kind: DraftKind | None = Field(
        default=None, description="Default: the kind the agenda suggests"
    )
    channel: Channel = Channel.EMAIL
    to: Id | None = Field(
        default=None, description="The other person of an introduction (ask_intro and intro)"
    )
    slots: Annotated[list[Line], Field(max_length=5)] = Field(
        default=[], description="Times you could meet, written into the draft as given"
    )
    save: StrictBool = Field(default=True, description="Keep it as the person's open draft")


class SentIn(Request):
    on: Moment | None = Field(default=None, description="When it was sent; default now")
    kind: DraftKind | None = Field(default=None, description="Default: the open draft's kind")


class IntroductionCreate(Request):
    """You introduced ``a`` and ``b`` (or ``by`` did)."""

    kind: Literal["introduction"]
    a: Id
    b: Id
    by: Id | None = Field(default=None, description="Who made the introduction; null: you")
    on: Day | None = Field(default=None, description="Default today")
    note: Text = ""
    outcome: Text = ""


class ReferralCreate(Request):
    """You referred ``person`` (given), or they referred you (received), to someone or for
    something."""

    kind: Literal["referral"]
    person: Id
    direction: Literal["given", "received"] = "given"
    to: Id | None = Field(default=None, description="The person the referral was to")
    opportunity: Text = Field(default="", description="What it was for; needed when to is null")
    on: Day | None = Field(default=None, description="Default today")
    note: Text = ""
    outcome: Text = ""


NewIntroduction = Annotated[IntroductionCreate | ReferralCreate, Field(discriminator="kind")]
