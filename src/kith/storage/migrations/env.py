"""Alembic environment: Kith passes its own connection in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from kith.storage.database import include_object
from kith.storage.tables import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Kith migrations run online only: use `kith db upgrade`.")
run_migrations_online()
