"""An index for finding people by any part of any word (``kith search``).

SQLite: an FTS5 table with the trigram tokenizer over ``people.search_text``,
kept in step by triggers.  PostgreSQL: a pg_trgm GIN index on the same column,
when the extension can be created (it is trusted since PostgreSQL 13); without
it, search still works by scanning.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE_UP = (
    (
        "CREATE VIRTUAL TABLE people_search USING fts5("
        "search_text, content='people', content_rowid='id', tokenize='trigram')"
    ),
    "INSERT INTO people_search(people_search) VALUES ('rebuild')",
    (
        "CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN "
        "INSERT INTO people_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    (
        "CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN "
        "INSERT INTO people_search(people_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    (
        "CREATE TRIGGER people_search_update AFTER UPDATE OF search_text ON people BEGIN "
        "INSERT INTO people_search(people_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO people_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS people_search_update",
    "DROP TRIGGER IF EXISTS people_search_delete",
    "DROP TRIGGER IF EXISTS people_search_insert",
    "DROP TABLE IF EXISTS people_search",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except sa.exc.DBAPIError:
            return  # not allowed here: search scans instead
        # The extension lives in one schema of the database (often public); an account's
        # own schema (``kith_schema``) does not have it on its search path: name it.
        where = bind.execute(
            sa.text(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        ).scalar_one()
        op.execute(
            "CREATE INDEX ix_people_search_trgm ON people "
            f'USING gin (search_text "{where}".gin_trgm_ops)'
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_people_search_trgm")
