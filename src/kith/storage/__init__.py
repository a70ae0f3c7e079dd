"""Storage: SQLAlchemy tables, the engine set-up, migrations and the repository.

SQLite (a file in the user data directory, WAL mode) by default, PostgreSQL by
URL.  Everything above this package speaks in domain records, never in rows.
"""
