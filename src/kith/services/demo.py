"""A realistic synthetic network, built in bulk: to explore Kith, and to benchmark it.

Everything comes from one seeded random generator and ``ctx.now``, so the same
seed and date give the same database.  People are written with their ids chosen
here, in batches of plain rows (SQLAlchemy Core), inside one transaction; the
statistics cache, the search text and the spread of due dates are filled at the
end so that the result looks exactly as if it had been typed in over the years.
"""

from __future__ import annotations

import contextlib
import random
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.domain.model import Circle, Owner, PartialDate, Person
from kith.domain.rules import Rules
from kith.errors import Conflict
from kith.interchange.normalize import day_at_noon, zone
from kith.services.context import Context
from kith.services.people import spread_due
from kith.storage import history as history_store
from kith.storage import people as people_store
from kith.storage.database import reset_sequences
from kith.storage.tables import (
    contact_points,
    interaction_people,
    interactions,
    interests,
    outreach,
    people,
)

DAY = 86_400
HOUR = 3_600
SOURCE = "demo"
MET_SOURCE = "met"  # as kith.services.people records a first meeting
BATCH_ROWS = 20_000

# -- the pools everything is drawn from --------------------------------------------------


def _phrases(text: str) -> tuple[str, ...]:
    """Items separated by "|", each with its whitespace tidied."""
    return tuple(" ".join(item.split()) for item in text.split("|"))


def _regions(text: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Paragraphs of "given names / family names"."""
    pairs = (paragraph.split("/") for paragraph in text.strip().split("\n\n"))
    return tuple(
        (tuple(given.split()), tuple(w.replace("_", " ") for w in family.split()))
        for given, family in pairs
    )


#: Given names / family names, one region per paragraph; "_" joins a two-word family name.
NAME_REGIONS = _regions(
    """
Oliver Amelia Harry Isla George Freya Jack Poppy Alfie Imogen Thomas Ruth Callum Siobhan
Declan Niamh Rory Eleanor Hugh Bethan Rhys Cerys Fergus Maeve
/ Thompson Walsh Hughes Bennett Fletcher Gallagher Doyle Kavanagh Pritchard Ellison Marsh
Whitaker Ashworth Brennan Lynch Carmichael Davies Morgan Sinclair Haworth Quinn Barlow
Pemberton Rowe

Madison Tyler Brooke Caleb Jordan Avery Logan Hailey Dylan Morgan Chase Paige Austin Kayla
Garrett Whitney Cody Lindsey Brandon Jenna Travis Courtney Derek Shelby
/ Carter Reynolds Sullivan Brooks Hayes Dawson Fowler Mitchell Parker Russell Spencer Tucker
Walker Bishop Coleman Holloway Jennings Lawson Pierce Riley Sawyer Whitman Yates Crawford

Lucía Mateo Valentina Santiago Camila Diego Sofía Alejandro Isabella Javier Carmen Pablo
Ximena Andrés Paula Rodrigo Daniela Emilio Renata Joaquín Marisol Tomás Gabriela Esteban
/ García Martínez Rodríguez Hernández López Morales Ortega Castillo Navarro Romero Vargas
Delgado Herrera Guzmán Medina Rojas Cabrera Fuentes Ibarra Salazar Valdés Zamora Aguilar
Serrano

João Beatriz Tiago Mariana Rafael Inês Gonçalo Leonor Duarte Carolina Otávio Larissa Felipe
Juliana Caio Bianca Vinícius Letícia Bruno Fernanda Henrique Raquel Diogo Teresa
/ Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Almeida Nascimento Carvalho Gomes
Martins Rocha Ribeiro Barbosa Teixeira Moreira Correia Cardoso Pinto Azevedo Monteiro Mendes
Araújo

Camille Louis Chloé Hugo Manon Arthur Léa Jules Inès Théo Margaux Baptiste Élodie Antoine
Clémence Mathis Juliette Gaspard Océane Raphaël Aurélie Benoît Solène Étienne
/ Dubois Lefèvre Moreau Laurent Fournier Girard Bonnet Mercier Blanchard Chevalier Rousseau
Garnier Faure Lemaire Perrin Marchand Dufour Leclerc Brun Gauthier Renaud Vasseur Colin
Barbier

Lukas Hannah Felix Lena Jonas Marie Maximilian Sophie Niklas Anna Tobias Clara Jan Greta
Matthias Johanna Sven Femke Daan Sanne Bram Lotte Ruben Anouk
/ Müller Schneider Becker Hoffmann Schäfer Koch Richter Wagner Neumann Schwarz Zimmermann
Krüger Hartmann Lange Vogel Brandt de_Vries Jansen Bakker Visser van_Dijk Smit Mulder
de_Boer

Astrid Erik Ingrid Lars Sigrid Magnus Freja Oskar Linnea Anders Saga Henrik Maja Nils Elin
Jonatan Helmi Aleksi Aino Eero Silje Håkon Karin Mikkel
/ Johansson Lindqvist Andersen Nilsen Berg Halvorsen Lundgren Virtanen Korhonen Mäkinen Dahl
Eriksen Sørensen Holm Strand Nyberg Lindholm Hansen Bergström Solberg Lehtonen Aalto Jensen
Nordin

Zofia Jakub Oliwia Kacper Agnieszka Tomasz Katarzyna Piotr Marta Bartosz Natalia Michał
Tereza Ondřej Olena Taras Iryna Dmytro Milena Bogdan Daria Marek Alina Stanislav
/ Nowak Kowalski Wiśniewska Wójcik Kamińska Lewandowski Zielińska Szymański Dvořák Novotná
Černý Procházka Kovalenko Shevchenko Bondarenko Tkachenko Melnyk Horváth Petrović Jovanović
Kovačević Popescu Ionescu Dimitrov

Giulia Lorenzo Chiara Matteo Francesca Alessandro Martina Davide Federica Giorgio Elena
Nikos Eleni Dimitris Katerina Yannis Sofia Stavros Alessia Tommaso Ilaria Riccardo Vasiliki
Christos
/ Bianchi Romano Colombo Ricci Marino Greco Gallo Conti Esposito Ferraro Lombardi Moretti
Barbieri Fontana Caruso Mancini Papadopoulos Georgiou Nikolaidis Konstantinou Karagiannis
Vlachos Antonopoulos Alexiou

Mariam Omar Layla Karim Yasmin Tariq Nour Samir Rania Hassan Leila Youssef Dalia Khalid
Amira Zeynep Emre Elif Mehmet Defne Arash Shirin Dariush Parisa
/ Haddad Khalil Nasser Farouk Mansour Saleh Aziz Hamdan Rahman Qureshi Bakr Darwish Yılmaz
Demir Şahin Çelik Aydın Öztürk Karimi Hosseini Moradi Rostami Tehrani Jaber

Priya Arjun Ananya Rohan Kavya Vikram Meera Aditya Sneha Karthik Divya Rahul Lakshmi Sanjay
Nisha Farhan Ayesha Imran Tanvir Nusrat Ravi Pooja Sunil Deepa
/ Sharma Patel Iyer Nair Reddy Agarwal Mehta Desai Kulkarni Chatterjee Banerjee Menon Pillai
Rao Joshi Malhotra Chowdhury Hossain Siddiqui Khan Krishnan Verma Bhatt Sen

Wei Mei Jun Xiu Hao Lin Yuki Haruto Aiko Ren Sakura Daiki Jiwoo Seojun Hana Hyunwoo Dahye
Zhen Ling Kenji Emi Shun Jia Minseo
/ Chen Wang Li Zhang Liu Huang Zhou Wu Tanaka Suzuki Watanabe Yamamoto Nakamura Kobayashi Sato
Kim Park Choi Jung Kang Yoon Lim Cho Han

Linh Minh Thao Duc Huong Quang Mai Tuan Siti Budi Dewi Agus Putri Rizky Maria Jose Angelica
Paolo Kristine Miguel Niran Somchai Malai Arisa
/ Nguyen Tran Le Pham Hoang Vu Dang Bui Santoso Wijaya Halim Susanto Pratama Reyes Cruz
Bautista Villanueva Mendoza Dela_Cruz Aquino Chaiyaporn Srisuk Wongsa Rattana

Chidi Ngozi Emeka Adaeze Tunde Folake Kwame Ama Kofi Abena Yaw Efua Olumide Funmilayo Ifeoma
Obinna Bisi Segun Chiamaka Nnamdi Akosua Kojo Aminata Moussa
/ Okafor Adeyemi Okonkwo Balogun Eze Nwosu Oyelaran Adebayo Mensah Asante Owusu Ampofo Agyeman
Osei Danso Appiah Diallo Coulibaly Ndiaye Sow Camara Keita Afolabi Ogunleye

Wanjiru Otieno Achieng Kamau Nyambura Baraka Zawadi Juma Amani Neema Thabo Lerato Sipho
Nomvula Lwazi Zanele Tendai Rudo Tsion Dawit Selam Mekdes Abebe Hiwot
/ Mwangi Ochieng Kariuki Njoroge Wambui Mutua Kiprop Chebet Nkosi Dlamini Mokoena Ndlovu
Khumalo Mahlangu Moyo Chikwanha Tesfaye Bekele Haile Girma Alemu Mengistu Mwale Banda

Noa Ariel Tamar Eitan Yael Omri Shira Itai Maya Gil Talia Yonatan Rivka Avi Dana Uri Liat
Asaf Michal Nadav Hila Amit Efrat Ido
/ Cohen Levi Mizrahi Peretz Biton Friedman Katz Goldberg Shapiro Rosen Avraham Dahan Azoulay
Ben-David Segal Klein Weiss Adler Shalev Carmeli Harel Barak Stern Oren
"""
)
ORG_STEMS = _phrases(
    """
Northwind | Bluefield | Harbor | Juniper | Aster | Copperleaf | Lumen | Meridian | Quarry |
Saltmarsh | Tidewater | Wren | Kestrel | Ironbridge | Larch | Mosaic | Orchard | Pinecrest |
Riverstone | Silverline | Tern | Umber | Vale | Willow | Yarrow | Zephyr | Beacon | Cobalt |
Driftwood | Ember | Fennel | Granite | Heron | Indigo | Jasper | Keystone | Lattice | Marlow
| Nimbus | Oakridge
"""
)
ORG_KINDS = _phrases(
    """
Labs | Partners | Capital | Health | Studio | Foundation | Analytics | Energy | Bank |
Collective | Systems | Ventures | Works | Institute | Logistics | Media | Robotics | Foods |
Architects | Legal
"""
)
TITLES = _phrases(
    """
Product Manager | Software Engineer | Founder | Partner | Head of Design | Data Scientist |
Teacher | Nurse | Researcher | Director of Operations | Investment Analyst | Journalist |
Architect | Policy Advisor | Chef | Sales Lead | Marketing Manager | CTO | Consultant |
Photographer | Lawyer | Doctor | Professor | Community Organiser | Recruiter | Account
Executive | UX Researcher | Engineering Manager | Programme Officer | Writer
"""
)
PLACES = (
    ("London, UK", "Europe/London"),
    ("Manchester, UK", "Europe/London"),
    ("Edinburgh, UK", "Europe/London"),
    ("Dublin, Ireland", "Europe/Dublin"),
    ("Lisbon, Portugal", "Europe/Lisbon"),
    ("Madrid, Spain", "Europe/Madrid"),
    ("Paris, France", "Europe/Paris"),
    ("Amsterdam, Netherlands", "Europe/Amsterdam"),
    ("Berlin, Germany", "Europe/Berlin"),
    ("Zurich, Switzerland", "Europe/Zurich"),
    ("Copenhagen, Denmark", "Europe/Copenhagen"),
    ("Stockholm, Sweden", "Europe/Stockholm"),
    ("Helsinki, Finland", "Europe/Helsinki"),
    ("Warsaw, Poland", "Europe/Warsaw"),
    ("Milan, Italy", "Europe/Rome"),
    ("Athens, Greece", "Europe/Athens"),
    ("Istanbul, Turkey", "Europe/Istanbul"),
    ("Cairo, Egypt", "Africa/Cairo"),
    ("Lagos, Nigeria", "Africa/Lagos"),
    ("Accra, Ghana", "Africa/Accra"),
    ("Nairobi, Kenya", "Africa/Nairobi"),
    ("Cape Town, South Africa", "Africa/Johannesburg"),
    ("Dubai, UAE", "Asia/Dubai"),
    ("Mumbai, India", "Asia/Kolkata"),
    ("Bengaluru, India", "Asia/Kolkata"),
    ("Singapore", "Asia/Singapore"),
    ("Jakarta, Indonesia", "Asia/Jakarta"),
    ("Manila, Philippines", "Asia/Manila"),
    ("Seoul, South Korea", "Asia/Seoul"),
    ("Tokyo, Japan", "Asia/Tokyo"),
    ("Sydney, Australia", "Australia/Sydney"),
    ("Auckland, New Zealand", "Pacific/Auckland"),
    ("Toronto, Canada", "America/Toronto"),
    ("Vancouver, Canada", "America/Vancouver"),
    ("New York, USA", "America/New_York"),
    ("Boston, USA", "America/New_York"),
    ("Chicago, USA", "America/Chicago"),
    ("Austin, USA", "America/Chicago"),
    ("San Francisco, USA", "America/Los_Angeles"),
    ("Mexico City, Mexico", "America/Mexico_City"),
    ("São Paulo, Brazil", "America/Sao_Paulo"),
    ("Buenos Aires, Argentina", "America/Argentina/Buenos_Aires"),
)
OWNER_PLACES = PLACES[:12] + PLACES[32:36]
INTERESTS = _phrases(
    """
climate finance | open source | urban cycling | jazz | trail running | product design |
machine learning | public health | photography | chess | sourdough baking | early-stage
investing | renewable energy | education policy | board games | sailing | data journalism |
mentoring | rock climbing | poetry | football | gardening | circular economy | behavioural
science | film | impact investing | cooking | languages | yoga | architecture | history |
podcasts | fintech | accessibility | music production | food security
"""
)
EVENTS = _phrases(
    """
the Forum | the Climate Finance Forum | a product meetup in Lisbon | the Open Data Summit |
a friend's birthday dinner | university | the coworking space | the Berlin offsite | a
hackathon | the school gate | a wedding | the running club | a design conference | an
investor breakfast | a workshop on impact investing | the book club | a panel on public
health | a mentoring programme | a community garden day | the chess club | a startup demo
day | a charity dinner | a language exchange | a research seminar | the accelerator
programme | a neighbourhood meeting | a sailing course | a conference in Nairobi
"""
)
CONTEXTS = _phrases(
    """
sat next to each other at the keynote | same table at lunch | we both volunteered | long
chat in the coffee queue | we were on the same panel | shared a taxi to the airport | ran
the workshop together | got talking about {interest}
"""
)
NOTES = _phrases(
    """
Prefers calls to e-mail. | Two kids; loves sailing. | Vegetarian. | Training for a marathon.
| Writes a monthly newsletter. | Great at introductions. | Knows everyone in {interest}. |
Moving to {city} next year. | Speaks four languages. | Mentor for first-time founders.
"""
)
TOPICS = _phrases(
    """
the new job | the funding round | a book recommendation | the move to Lisbon | planning the
workshop | the hiring plan | kids and school | the marathon | a side project | the product
launch | ideas for a conference talk | the research grant | board meeting prep | a podcast
idea | the sabbatical | the house renovation | a possible collaboration | the pilot project
| their team reorganisation | the quarterly report | a job opening | the new office | the
trip to Japan | an article they wrote | the community project | the open-source release |
the panel next month | the grant application | a mutual friend | the climate report | the
website redesign | the parental leave | the new podcast episode
"""
)
ARCHIVE_REASONS = ("moved on", "we drifted apart", "left the industry", "")
EMAIL_HOSTS = ("mail.example.com", "post.example.org", "inbox.example.net", "example.com")
#: Fictional telephone numbers: the UK's ranges kept for drama, 1000 numbers each (E.164).
PHONE_BLOCKS = _phrases(
    """
+447700900 | +442079460 | +441134960 | +441144960 | +441154960 | +441164960 | +441174960 |
+441184960 | +441214960 | +441314960 | +441414960 | +441514960 | +441614960
"""
)

#: How people spread over circles (brief: 2/6/15/25/35 %, the rest none or inferred).
CIRCLE_WEIGHTS: tuple[tuple[Circle | None, int], ...] = (
    (Circle.INNER, 2),
    (Circle.CLOSE, 6),
    (Circle.ACTIVE, 15),
    (Circle.WIDER, 25),
    (Circle.ACQUAINTANCE, 35),
    (Circle.NONE, 3),
    (None, 14),
)
#: The rhythm behind a person without a circle with a cadence.
HIDDEN_WEIGHTS = (
    (Circle.CLOSE, 10),
    (Circle.ACTIVE, 30),
    (Circle.WIDER, 30),
    (Circle.ACQUAINTANCE, 30),
)
#: What contact looks like in each circle: weights of meeting, call, email, message, event.
MIXES: dict[Circle, tuple[int, int, int, int, int]] = {
    Circle.INNER: (25, 20, 15, 35, 5),
    Circle.CLOSE: (25, 15, 30, 25, 5),
    Circle.ACTIVE: (20, 15, 45, 10, 10),
    Circle.WIDER: (15, 10, 55, 5, 15),
    Circle.ACQUAINTANCE: (10, 5, 50, 10, 25),
}
EPISODES = ("meeting", "call", "email", "message", "event")
#: Local hours at which each kind of contact starts.
HOURS = {
    "meeting": (8, 19),
    "call": (9, 18),
    "email": (7, 22),
    "message": (8, 23),
    "event": (18, 21),
}
GAP_FACTOR = (0.35, 0.9)  # contact every 35-90 % of the circle's cadence


@dataclass(frozen=True, slots=True)
class DemoSummary:
    people: int
    interactions: int
    years: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def generate(
    ctx: Context,
    *,
    people: int,
    years: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with ``people`` people and ``years`` of history up to now."""
    report = progress or (lambda done, total: None)
    total = people + max(1, people // 2)
    with ctx.db.begin() as conn, _fast_sqlite(conn):
        _refuse_non_empty(conn)
        owner = _ensure_owner(conn, random.Random(f"kith-demo:{seed}:owner"))
        clock = _Clock.at(ctx.now, zone(owner.timezone), years)
        builder = _Builder(conn, clock, ctx.rules, owner, random.Random(f"kith-demo:{seed}"))
        count = builder.build(people, lambda done: report(done, total))
        history_store.refresh_stats(conn, None, ctx.rules)
        report(people + people // 3, total)
        spread_due(ctx, conn)
        reset_sequences(conn)
    report(total, total)
    return DemoSummary(people, count, years, seed)


def _refuse_non_empty(conn: Connection) -> None:
    if conn.execute(sa.select(sa.func.count()).select_from(people)).scalar_one():
        raise Conflict(
            "the demo network goes only into a database without people, and this one has some",
            hint="give it a new file: kith --db demo.db demo",
        )


def _ensure_owner(conn: Connection, rng: random.Random) -> Owner:
    """The stored owner; a made-up one (name, addresses, interests, zone) if none is set."""
    current = people_store.get_owner(conn)
    if current.name:
        return current
    given, family = _pick_name(rng, rng.randrange(len(NAME_REGIONS)))
    local = f"{_ascii(given)}.{_ascii(family)}"
    emails = [f"{local}@{rng.choice(EMAIL_HOSTS)}"]
    if rng.random() < 0.6:
        emails.append(f"{local}@{_slug(_org_name(rng.randrange(_ORG_COUNT)))}.example")
    owner = Owner(
        name=f"{given} {family}",
        emails=tuple(emails),
        interests=tuple(rng.sample(INTERESTS, 3)),
        timezone=rng.choice(OWNER_PLACES)[1],
    )
    people_store.save_owner(conn, owner)
    return owner


@contextlib.contextmanager
def _fast_sqlite(conn: Connection) -> Iterator[None]:
    """A larger page cache while millions of index entries are written (SQLite only)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


# -- time ---------------------------------------------------------------------------------

_EPOCH = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class _Clock:
    """Days count from 1970-01-01 in the owner's zone; moments are UTC epoch seconds."""

    now: int
    offset: int
    today: int
    first_day: int
    tz: tzinfo

    @classmethod
    def at(cls, now: datetime, tz: tzinfo, years: int) -> _Clock:
        offset = int((now.astimezone(tz).utcoffset() or timedelta()).total_seconds())
        seconds = int(now.timestamp())
        today = (seconds + offset) // DAY
        return cls(seconds, offset, today, today - round(years * 365.25), tz)

    @property
    def horizon(self) -> int:
        """The latest moment of ordinary history: a day before now, whatever the zone."""
        return self.now - DAY

    def day_of(self, moment: int) -> int:
        return (moment + self.offset) // DAY

    def moment(self, day: int, seconds: int) -> int:
        return day * DAY + seconds - self.offset

    def noon(self, day: int) -> int:
        """Midday in the owner's zone, exactly as a first meeting typed in is stored."""
        return int(day_at_noon(self.date_of(day), self.tz).timestamp())

    def date_of(self, day: int) -> date:
        return date.fromordinal(day + _EPOCH)


# -- one relationship ----------------------------------------------------------------------

SPECIAL_ROLES = ("reply", "outreach", "quiet")


@dataclass(slots=True)
class _Plan:
    """A relationship: how close, how often, and when it was alive (local days)."""

    pid: int
    role: str  # normal | dormant | recent | reply | outreach | quiet
    circle: Circle | None
    rhythm: Circle
    gap: float
    start: int
    end: int
    limit: int
    met: bool
    moments: tuple[int, ...] = ()


class _Builder:
    """Draws people and their histories, and writes them out in batches of rows."""

    def __init__(
        self, conn: Connection, clock: _Clock, rules: Rules, owner: Owner, rng: random.Random
    ) -> None:
        self.conn, self.clock, self.rules, self.owner, self.rng = conn, clock, rules, owner, rng
        self.rows: dict[str, list[dict[str, Any]]] = {key: [] for key in _TABLES}
        self.next_id = {key: _max_id(conn, _TABLES[key]) + 1 for key in _OWN_IDS}
        self.first_pid = self.next_id["people"]
        self.windows: list[tuple[int, int]] = []
        self.known_names: list[str] = []
        self.names: set[str] = set()
        self.emails: set[str] = set(owner.emails)
        self.phones = [f"{block}{n:03d}" for block in PHONE_BLOCKS for n in range(1000)]
        rng.shuffle(self.phones)
        self.orgs = [_org_name(i) for i in range(_ORG_COUNT)]
        rng.shuffle(self.orgs)
        self.interactions = 0

    def build(self, count: int, report: Callable[[int], None]) -> int:
        """Write ``count`` people with their histories; returns how many interactions."""
        for index, role in enumerate(_roles(count, self.rng)):
            pid = self._new_id("people")
            plan = self._plan(pid, role)
            person = self._identity(plan)
            first = self._history(plan, person)
            self._record(person, plan, datetime.fromtimestamp(first, UTC))
            if len(self.rows["acts"]) >= BATCH_ROWS:
                self._flush()
                report(index + 1)
        self._flush()
        report(count)
        return self.interactions

    def _flush(self) -> None:
        for key, table in _TABLES.items():
            if self.rows[key]:
                self.conn.execute(sa.insert(table), self.rows[key])
                self.rows[key] = []

    def _new_id(self, key: str) -> int:
        value = self.next_id[key]
        self.next_id[key] = value + 1
        return value

    # -- the plan of a relationship

    def _plan(self, pid: int, role: str) -> _Plan:
        rng, clock = self.rng, self.clock
        circle = _weighted(rng, CIRCLE_WEIGHTS)
        rhythm = circle if circle in MIXES else _weighted(rng, HIDDEN_WEIGHTS)
        assert rhythm is not None
        gap = max(7, self.rules.circle_days.get(rhythm, 365)) * rng.uniform(*GAP_FACTOR)
        latest = clock.today - 21
        steep = {Circle.INNER: 3.0, Circle.CLOSE: 2.0, Circle.ACTIVE: 1.4}.get(rhythm, 1.0)
        start = latest - int((latest - clock.first_day) * rng.random() ** (1 / steep))
        end = clock.day_of(clock.horizon)
        plan = _Plan(pid, role, circle, rhythm, gap, start, end, clock.horizon, rng.random() < 0.8)
        if role == "normal":
            self._maybe_dormant(plan)
        elif role == "recent":
            plan.start = plan.end = clock.today - rng.randint(1, 14)
            plan.circle, plan.met = None, True
        else:
            self._schedule(plan)
        return plan

    def _maybe_dormant(self, plan: _Plan) -> None:
        """Some real relationships went quiet between four months and three years ago."""
        if plan.rhythm is Circle.ACQUAINTANCE or self.rng.random() >= 0.18:
            return
        quiet_since = self.clock.today - self.rng.randint(120, 1095)
        if quiet_since - plan.start >= 120:
            plan.role, plan.end = "dormant", quiet_since
            plan.limit = self.clock.moment(quiet_since, DAY - 1)

    def _schedule(self, plan: _Plan) -> None:
        """A question received, or outreach sent, recently; the ordinary history ends before."""
        rng, clock = self.rng, self.clock
        if plan.role == "reply":
            plan.moments = (clock.now - rng.randint(3 * DAY + HOUR, 20 * DAY),)
        elif plan.role == "outreach":
            plan.moments = (clock.now - rng.randint(2 * DAY, 50 * DAY),)
        else:
            first = clock.now - rng.randint(70 * DAY, 120 * DAY)
            plan.moments = (first, clock.now - rng.randint(22 * DAY, 45 * DAY))
        plan.end = clock.day_of(plan.moments[0]) - rng.randint(20, 240)
        plan.limit = clock.moment(plan.end, DAY - 1)
        if plan.start > plan.end - 30:
            plan.start = min(plan.end, max(clock.first_day, plan.end - rng.randint(60, 400)))

    # -- who they are

    def _identity(self, plan: _Plan) -> Person:
        rng = self.rng
        given, family = self._unique_name(rng.randrange(len(NAME_REGIONS)))
        org = self._org() if rng.random() < 0.88 else ""
        place, tz = rng.choice(PLACES)
        labels = self._interests()
        introducer = self._introducer(plan)
        return Person(
            id=plan.pid,
            uid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            name=f"{given} {family}",
            given_name=given,
            family_name=family,
            emails=self._emails(given, family, org),
            phones=(self.phones.pop(),) if self.phones and rng.random() < 0.25 else (),
            org=org,
            title=rng.choice(TITLES) if org or rng.random() < 0.3 else "",
            location=place,
            timezone=tz,
            birthday=_birthday(rng) if rng.random() < 0.3 else None,
            notes=self._note(labels) if rng.random() < 0.12 else "",
            interests=tuple(labels),
            circle=plan.circle,
            cadence_days=self._explicit_cadence(plan),
            met_on=self.clock.date_of(plan.start) if plan.met else None,
            met_at=rng.choice(EVENTS) if plan.met else "",
            met_context=self._context(introducer, labels),
            introduced_by_id=introducer,
        )

    def _unique_name(self, region: int) -> tuple[str, str]:
        """A name nobody has yet: from one region, else mixed, else (rarely) a namesake."""
        given, family = _pick_name(self.rng, region)
        for attempt in range(12):
            if f"{given} {family}" not in self.names:
                break
            given, family = _pick_name(self.rng, region)
            if attempt >= 2:
                family = _pick_name(self.rng, self.rng.randrange(len(NAME_REGIONS)))[1]
        self.names.add(f"{given} {family}")
        return given, family

    def _emails(self, given: str, family: str, org: str) -> tuple[str, ...]:
        rng = self.rng
        first, last = _ascii(given), _ascii(family)
        local = rng.choice((f"{first}.{last}", f"{first}{last}", f"{first[0]}.{last}", first))
        hosts = [f"{_slug(org)}.example"] if org else []
        if not org or rng.random() < 0.35:
            hosts.append(rng.choice(EMAIL_HOSTS))
        return tuple(self._unique_email(local, host) for host in hosts)

    def _unique_email(self, local: str, host: str) -> str:
        address, n = f"{local}@{host}", 1
        while address in self.emails:
            n += 1
            address = f"{local}{n}@{host}"
        self.emails.add(address)
        return address

    def _org(self) -> str:
        """Organisations of very different sizes: a few large, many small."""
        return self.orgs[int(len(self.orgs) * self.rng.random() ** 2.5)]

    def _interests(self) -> list[str]:
        """One to three, sorted as stored; about a third share one with the owner."""
        rng = self.rng
        labels = set(rng.sample(INTERESTS, rng.choice((1, 1, 2, 2, 3))))
        if self.owner.interests and rng.random() < 0.35:
            labels.add(rng.choice(self.owner.interests))
        return sorted(labels, key=str.casefold)

    def _introducer(self, plan: _Plan) -> int | None:
        """About one in ten was introduced by someone the owner knew at the time."""
        if plan.role == "recent" or not self.windows or self.rng.random() >= 0.12:
            return None
        found = self._known_at(self.clock.moment(plan.start, 12 * HOUR), 1)
        return found[0] if found else None

    def _context(self, introducer: int | None, labels: list[str]) -> str:
        if introducer is not None:
            return f"introduced by {self.known_names[introducer - self.first_pid]}"
        if self.rng.random() < 0.25:
            return self.rng.choice(CONTEXTS).format(interest=labels[0])
        return ""

    def _note(self, labels: list[str]) -> str:
        city = self.rng.choice(PLACES)[0].split(",")[0]
        return self.rng.choice(NOTES).format(interest=labels[0], city=city)

    def _explicit_cadence(self, plan: _Plan) -> int | None:
        if plan.circle in (Circle.ACTIVE, Circle.WIDER) and self.rng.random() < 0.04:
            return self.rng.choice((45, 60, 120))
        return None

    def _known_at(self, moment: int, wanted: int) -> list[int]:
        """Up to ``wanted`` earlier people with whom the owner was in touch at ``moment``."""
        found: list[int] = []
        for _ in range(8):
            index = self.rng.randrange(len(self.windows))
            start, end = self.windows[index]
            if start <= moment <= end and self.first_pid + index not in found:
                found.append(self.first_pid + index)
                if len(found) >= wanted:
                    break
        return found

    # -- the stored records

    def _record(self, person: Person, plan: _Plan, created: datetime) -> None:
        archived = plan.role in ("normal", "dormant") and self.rng.random() < 0.02
        self.rows["people"].append(
            {
                **_person_columns(person),
                "status": "archived" if archived else "active",
                "status_reason": self.rng.choice(ARCHIVE_REASONS) if archived else "",
                "search_text": people_store.search_text_of(person),
                "created_at": created,
                "updated_at": created,
            }
        )
        for kind, values in (("email", person.emails), ("phone", person.phones)):
            for position, value in enumerate(values):
                self.rows["points"].append(
                    {"id": self._new_id("points"), "person_id": person.id, "kind": kind}
                    | {"value": value, "label": "", "position": position}
                )
        for label in person.interests:
            self.rows["interests"].append(
                {"person_id": person.id, "key": label.casefold(), "label": label}
            )
        known = plan.role in ("normal", "dormant") and not archived
        start = self.clock.moment(plan.start, 0)
        self.windows.append((start, plan.limit) if known else (0, -1))
        self.known_names.append(person.name)

    # -- history

    def _history(self, plan: _Plan, person: Person) -> int:
        """Write the person's interactions; returns when they were first in touch."""
        rng = self.rng
        first = self._first_contact(plan, person)
        day = plan.start
        while True:
            day += max(1, round(plan.gap * rng.lognormvariate(0, 0.5) * _pause(rng)))
            if day > plan.end:
                break
            self._episode(plan, day)
        if plan.role in SPECIAL_ROLES:
            self._special(plan, person)
        return first

    def _first_contact(self, plan: _Plan, person: Person) -> int:
        """The first meeting (as ``kith add --met-on`` records it), else a first exchange."""
        if not plan.met:
            return self._episode(plan, plan.start)
        at = self.clock.noon(plan.start)
        summary = f"Met at {person.met_at}" if person.met_at else "First met"
        self._act(at, "meeting", "mutual", summary, [plan.pid], MET_SOURCE, person.uid)
        if plan.role != "recent" and self.rng.random() < 0.75:
            day = plan.start + self.rng.randint(1, 6)
            self._thread(plan, self.clock.moment(day, self.rng.randint(8, 20) * HOUR), "email")
        return at

    def _episode(self, plan: _Plan, day: int) -> int:
        """One occasion of contact on ``day``; returns when it began."""
        rng = self.rng
        kind = rng.choices(EPISODES, cum_weights=_CUMULATIVE_MIXES[plan.rhythm])[0]
        if kind in ("meeting", "call"):
            day = _weekday(rng, day)
        low, high = HOURS[kind]
        at = min(self.clock.moment(day, rng.randint(low, high) * HOUR), plan.limit - HOUR)
        at += rng.randrange(HOUR)
        if kind in ("email", "message"):
            self._thread(plan, at, kind, owner_first=False)
        elif kind == "event":
            self._act(at, "event", "mutual", f"both at {rng.choice(EVENTS)}", [plan.pid])
        else:
            direction = rng.choices(("mutual", "out", "in"), cum_weights=(85, 95, 100))[0]
            self._act(at, kind, direction, rng.choice(TOPICS), self._group(plan, at))
        return at

    def _thread(self, plan: _Plan, at: int, kind: str, *, owner_first: bool = True) -> None:
        """E-mails or messages back and forth about one topic; the owner answers last."""
        rng = self.rng
        outbound = owner_first or rng.random() < 0.5
        steps: list[tuple[int, str]] = []
        for _ in range(rng.choice(THREAD_LENGTHS)):
            if at > plan.limit:
                break
            steps.append((at, "out" if outbound else "in"))
            outbound = not outbound
            at += rng.randint(15 * 60, 30 * HOUR if kind == "email" else 2 * HOUR)
        if steps and steps[-1][1] == "in":
            if at <= plan.limit:
                steps.append((at, "out"))
            else:
                steps.pop()
        topic = rng.choice(TOPICS)
        for moment, direction in steps:
            self._act(moment, kind, direction, topic, [plan.pid])

    def _group(self, plan: _Plan, at: int) -> list[int]:
        """Now and then a meeting includes one or two others known at the time."""
        if plan.role != "normal" or not self.windows or self.rng.random() >= 0.05:
            return [plan.pid]
        return [plan.pid, *self._known_at(at, self.rng.choice((1, 1, 2)))]

    def _special(self, plan: _Plan, person: Person) -> None:
        rng = self.rng
        if plan.role == "reply":
            kind = rng.choice(("email", "message"))
            topic = f"a question about {rng.choice(TOPICS)}"
            self._act(plan.moments[0], kind, "in", topic, [plan.pid])
            return
        for at in plan.moments:
            self._outreach(plan, person, at)
        if plan.role == "outreach" and rng.random() < 0.4:
            answer = plan.moments[-1] + rng.randint(HOUR, 3 * DAY)
            thanks = answer + rng.randint(HOUR, DAY)
            if thanks <= self.clock.horizon:
                self._act(answer, "email", "in", "catching up", [plan.pid])
                self._act(thanks, "email", "out", "catching up", [plan.pid])

    def _outreach(self, plan: _Plan, person: Person, at: int) -> None:
        """A message sent through Kith, as ``kith sent`` records it."""
        oid = self._new_id("outreach")
        kind = self.rng.choice(("reconnect", "keep_in_touch"))
        summary = f"Sent a {kind.replace('_', '-')} message"
        iid = self._act(at, "email", "out", summary, [plan.pid], "outreach", f"outreach:{oid}")
        sent = datetime.fromtimestamp(at, UTC)
        body = (
            f"Hi {person.first_name},\n\nHow have things been? I would love to catch up "
            f"over the next couple of weeks.\n\n{self.owner.first_name}"
        )
        self.rows["outreach"].append(
            {"id": oid, "person_id": plan.pid, "kind": kind, "channel": "email", "state": "sent"}
            | {"subject": "Catching up", "body": body, "sent_at": sent, "closed_at": None}
            | {"created_at": sent - timedelta(minutes=self.rng.randint(5, 600))}
            | {"interaction_id": iid}
        )

    def _act(
        self,
        at: int,
        kind: str,
        direction: str,
        summary: str,
        pids: list[int],
        source: str = SOURCE,
        key: str | None = None,
    ) -> int:
        iid = self._new_id("acts")
        when = datetime.fromtimestamp(at, UTC)
        self.rows["acts"].append(
            {"id": iid, "occurred_at": when, "kind": kind, "direction": direction}
            | {"summary": summary, "source": source, "source_key": key, "created_at": when}
        )
        for pid in pids:
            self.rows["links"].append({"interaction_id": iid, "person_id": pid})
        self.interactions += 1
        return iid


# -- small helpers ---------------------------------------------------------------------------

_TABLES = {
    "people": people,
    "points": contact_points,
    "interests": interests,
    "acts": interactions,
    "links": interaction_people,
    "outreach": outreach,
}
_OWN_IDS = ("people", "points", "acts", "outreach")
_ORG_COUNT = len(ORG_STEMS) * len(ORG_KINDS)
_CUMULATIVE_MIXES = {
    circle: tuple(sum(weights[: i + 1]) for i in range(len(weights)))
    for circle, weights in MIXES.items()
}
THREAD_LENGTHS = (1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6)
_ASCII = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "ı": "i", "đ": "d"})


def _roles(count: int, rng: random.Random) -> list[str]:
    """A few people with a story of the moment; the newest ones were met last week."""
    few = 1 if count < 50 else 2 if count < 1000 else 3
    recent = min(few, count)
    roles = ["normal"] * (count - recent) + ["recent"] * recent
    others = list(range(count - recent))
    rng.shuffle(others)
    wanted = (
        ["reply"] * few + ["quiet"] * (count >= 100) + ["outreach"] * min(12, max(1, count // 100))
    )
    for index, role in zip(others, wanted, strict=False):
        roles[index] = role
    return roles


def _person_columns(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "uid": person.uid,
        "name": person.name,
        "name_key": person.name.casefold(),
        "given_name": person.given_name,
        "family_name": person.family_name,
        "org": person.org,
        "title": person.title,
        "location": person.location,
        "timezone": person.timezone,
        "birthday": person.birthday.isoformat() if person.birthday else None,
        "notes": person.notes,
        "circle": person.circle.value if person.circle else None,
        "cadence_days": person.cadence_days,
        "met_on": person.met_on,
        "met_at": person.met_at,
        "met_context": person.met_context,
        "introduced_by_id": person.introduced_by_id,
        "snoozed_until": None,
        "due_shift_on": None,
    }


def _max_id(conn: Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)


def _weighted(rng: random.Random, pairs: tuple[tuple[Circle | None, int], ...]) -> Circle | None:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _pause(rng: random.Random) -> float:
    """Life gets in the way: now and then a gap three to five times the usual."""
    return rng.uniform(3.0, 5.0) if rng.random() < 0.04 else 1.0


def _weekday(rng: random.Random, day: int) -> int:
    """Meetings and calls mostly move off weekends (1970-01-01 was a Thursday)."""
    weekday = (day + 3) % 7
    if weekday < 5 or rng.random() < 0.2:
        return day
    return day - (weekday - 4) if rng.random() < 0.5 else day + (7 - weekday)


def _pick_name(rng: random.Random, region: int) -> tuple[str, str]:
    given, family = NAME_REGIONS[region]
    return rng.choice(given), rng.choice(family)


def _org_name(index: int) -> str:
    stem, kind = divmod(index, len(ORG_KINDS))
    return f"{ORG_STEMS[stem % len(ORG_STEMS)]} {ORG_KINDS[kind]}"


def _ascii(text: str) -> str:
    """Letters and digits of ``text`` for an e-mail address: 'Søren Ben-David' → 'sorenbendavid'."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_ASCII))
    return "".join(c for c in folded if c.isascii() and c.isalnum())


def _slug(text: str) -> str:
    return _ascii(text) or "example"


def _birthday(rng: random.Random) -> PartialDate:
    day = date(2000, 1, 1) + timedelta(days=rng.randrange(366))
    year = rng.randint(1955, 2003) if rng.random() < 0.75 else None
    if year is not None and (day.month, day.day) == (2, 29) and year % 4:
        day -= timedelta(days=1)
    return PartialDate(day.month, day.day, year)
