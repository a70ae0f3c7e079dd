"""The database schema (SQLAlchemy Core).  Every change here comes with a migration."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from kith.storage.types import ISODate, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

owner = Table(
    "owner",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("emails", JSON, nullable=False, default=list),
    Column("interests", JSON, nullable=False, default=list),
    Column("timezone", String(64), nullable=False, default=""),
    Column("signature", Text, nullable=False, default=""),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False, index=True),
    Column("given_name", String(200), nullable=False, default=""),
    Column("family_name", String(200), nullable=False, default=""),
    Column("org", String(300), nullable=False, default=""),
    Column("title", String(300), nullable=False, default=""),
    Column("location", String(300), nullable=False, default=""),
    Column("timezone", String(64), nullable=False, default=""),
    Column("birthday", String(10)),
    Column("notes", Text, nullable=False, default=""),
    Column("circle", String(20)),
    Column("cadence_days", Integer),
    Column("status", String(20), nullable=False, default="active", index=True),
    Column("status_reason", Text, nullable=False, default=""),
    Column("met_on", ISODate),
    Column("met_at", String(300), nullable=False, default=""),
    Column("met_context", Text, nullable=False, default=""),
    Column("introduced_by_id", Integer, ForeignKey("people.id", ondelete="SET NULL")),
    Column("snoozed_until", ISODate),
    Column("due_shift_on", ISODate),
    Column("search_text", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

contact_points = Table(
    "contact_points",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(10), nullable=False),  # email | phone | url
    Column("value", String(500), nullable=False),
    Column("label", String(50), nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
    # An e-mail or a phone belongs to one person; a link (a company's site) may be shared.
    Index(
        "uq_contact_points_identity",
        "kind",
        "value",
        unique=True,
        sqlite_where=text("kind IN ('email', 'phone')"),
        postgresql_where=text("kind IN ('email', 'phone')"),
    ),
    Index("ix_contact_points_kind_value", "kind", "value"),
)

interests = Table(
    "interests",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("label", String(200), nullable=False),
    Index("ix_interests_key", "key"),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("occurred_at", UTCDateTime, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("direction", String(10), nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("source", String(50), nullable=False, default="manual"),
    Column("source_key", String(500)),
    Column("created_at", UTCDateTime, nullable=False),
    #: An inbound message answered in its thread (or only copied to the owner): no reply owed.
    Column("settled", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("source", "source_key"),
)

interaction_people = Table(
    "interaction_people",
    metadata,
    Column(
        "interaction_id",
        Integer,
        ForeignKey("interactions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_interaction_people_person", "person_id", "interaction_id"),
)

person_stats = Table(
    "person_stats",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("count", Integer, nullable=False, default=0),
    Column("first_at", UTCDateTime),
    Column("last_at", UTCDateTime, index=True),
    Column("last_out_at", UTCDateTime),
    Column("last_in_at", UTCDateTime),
    Column("last_in_message_at", UTCDateTime),
    Column("last_manual_at", UTCDateTime),
    Column("first_meeting_at", UTCDateTime),
    Column("strength_raw_at_last", Float, nullable=False, default=0.0),
    Column("peak_raw", Float, nullable=False, default=0.0),
    Column("out_weight", Float, nullable=False, default=0.0),
    Column("in_weight", Float, nullable=False, default=0.0),
    Column("median_gap_days", Float),
    Column("last_summary", Text, nullable=False, default=""),
    Column("half_life_days", Float, nullable=False, default=180.0),
    Column("wake_on", ISODate, index=True),
    Column("reconnect_on", ISODate, index=True),
    Column("reconnect_base", Float, nullable=False, default=0.0),
    Column("rules_key", String(64), nullable=False, default="", index=True),
)

outreach = Table(
    "outreach",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(20), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("subject", Text, nullable=False, default=""),
    Column("body", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    Column("interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL")),
)

introductions = Table(
    "introductions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # introduction | referral
    Column("introducer_id", Integer, ForeignKey("people.id", ondelete="CASCADE")),
    Column(
        "person_a_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("person_b_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), index=True),
    Column("direction", String(20), nullable=False, default=""),
    Column("opportunity", Text, nullable=False, default=""),
    Column("occurred_on", ISODate),
    Column("note", Text, nullable=False, default=""),
    Column("outcome", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

person_sources = Table(
    "person_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("source", String(50), nullable=False),
    Column("key", String(500), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("fields", JSON, nullable=False, default=dict),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    UniqueConstraint("source", "key"),
)

photos = Table(
    "photos",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("media_type", String(50), nullable=False, default="image/jpeg"),
    Column("data", LargeBinary, nullable=False),
    Column("source", String(50), nullable=False, default=""),
)

merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "keep_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("drop_id", Integer, nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("merged_at", UTCDateTime, nullable=False),
    Column("undone_at", UTCDateTime),
)

distinct_people = Table(
    "distinct_people",
    metadata,
    Column("low_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("high_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

vdir_items = Table(
    "vdir_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("folder", String(1000), nullable=False),
    Column("filename", String(300), nullable=False),
    Column("uid", String(500), nullable=False),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("file_digest", String(64), nullable=False),
    Column("kith_digest", String(64), nullable=False),
    Column("synced_at", UTCDateTime, nullable=False),
    UniqueConstraint("folder", "filename"),
)

imported_files = Table(
    "imported_files",
    metadata,
    Column("source", String(50), primary_key=True),
    Column("path", String(1000), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("records", Integer, nullable=False),
    Column("problems", JSON, nullable=False, default=list),
    Column("imported_at", UTCDateTime, nullable=False),
)

mail_messages = Table(
    "mail_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_key", String(500), nullable=False, unique=True),
    Column("occurred_at", UTCDateTime),
    Column("direction", String(10), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    #: Participants other than the owner who may be people, space-separated.
    Column("others", Text, nullable=False, default=""),
    Column("to_owner", Boolean, nullable=False, default=False),
    Column("thread_key", String(500), index=True),
    #: Personal messages not yet stored as an interaction (nobody in them is a person yet).
    Column("pending", Boolean, nullable=False, default=False, index=True),
    Column("interaction_id", Integer, ForeignKey("interactions.id", ondelete="SET NULL")),
)

mail_addresses = Table(
    "mail_addresses",
    metadata,
    Column("address", String(320), primary_key=True),
    Column("name", String(300), nullable=False, default=""),
    #: How good ``name`` is: 3 as they sign, 2 as the owner wrote it, 1 as others wrote it.
    Column("name_rank", Integer, nullable=False, default=0),
    Column("written_to", Integer, nullable=False, default=0),
    Column("wrote", Integer, nullable=False, default=0),
    Column("copied", Integer, nullable=False, default=0),
    Column("left_out", Integer, nullable=False, default=0),
    Column("left_out_reason", Text, nullable=False, default=""),
    Column("first_at", UTCDateTime),
    Column("last_at", UTCDateTime),
    Column("dismissed", Boolean, nullable=False, default=False),
    #: A mailing list's own address (from List-Post): never a person.
    Column("is_list", Boolean, nullable=False, default=False),
)

mail_seen = Table(
    "mail_seen",
    metadata,
    Column("source", String(1000), primary_key=True),
    Column("key", String(1000), primary_key=True),
)

mail_cursors = Table(
    "mail_cursors",
    metadata,
    Column("source", String(1000), primary_key=True),
    Column("state", JSON, nullable=False, default=dict),
    Column("updated_at", UTCDateTime, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    #: Where this account's people live: '' for this database, else a path or URL of its own.
    Column("data", String(1000), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True),
    Column("name", String(200), nullable=False, default=""),
    #: ``api`` (the REST API) or ``feed`` (the agenda's calendar feed).
    Column("scope", String(20), nullable=False, default="api"),
    #: SHA-256 of the token: the token itself is shown once and never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
)

ALL_TABLES = (
    owner,
    people,
    contact_points,
    interests,
    interactions,
    interaction_people,
    person_stats,
    outreach,
    introductions,
    person_sources,
    photos,
    merges,
    distinct_people,
    vdir_items,
    imported_files,
    mail_messages,
    mail_addresses,
    mail_seen,
    mail_cursors,
    accounts,
    api_tokens,
)
