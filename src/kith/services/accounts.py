"""Accounts of a shared server and tokens for the API and the feed.

On a shared server every account's people live apart: the first account keeps
the main database, each later one gets a database of its own (an SQLite file
beside the main one, or a PostgreSQL schema of its own).  No query can reach
another account's rows, because they are not in the database it runs on.
Passwords are hashed with Argon2; tokens are shown once and stored as SHA-256.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from kith.errors import Conflict, InputError, NotFound
from kith.storage import accounts as store
from kith.storage.accounts import Account, Token
from kith.storage.database import Database, normalize_url

if TYPE_CHECKING:
    from argon2 import PasswordHasher

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
MIN_PASSWORD = 10
SCOPES = ("api", "feed")


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


#: Checked against when the user does not exist, so both cases take as long.
_DUMMY_HASH: str | None = None


def authenticate(db: Database, username: str, password: str) -> Account | None:
    global _DUMMY_HASH
    with db.read() as conn:
        account = store.get_account(conn, username=username.strip().lower())
    if account is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("kith-not-a-password")
        verify_password(_DUMMY_HASH, password)
        return None
    return account if verify_password(account.password_hash, password) else None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"a password needs at least {MIN_PASSWORD} characters",
            field="password",
            hint="a few unrelated words make a good one",
        )


def data_target(main: str, username: str, number: int) -> str:
    """Where the people of a later account live: beside the main database."""
    url = normalize_url(main)
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "kith.db")
        return str(path.with_name(f"{path.stem}-{username}{path.suffix or '.db'}"))
    schema = "kith_" + re.sub(r"[^a-z0-9_]", "_", username)[:40] + f"_{number}"
    return parsed.update_query_dict({"kith_schema": schema}).render_as_string(hide_password=False)


def add_account(
    db: Database, main_target: str, username: str, password: str, now: datetime
) -> Account:
    """A new account; the first keeps the main database's people, later ones start empty."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InputError(
            f"{username!r} is not a user name Kith accepts",
            field="username",
            hint="lower-case letters, digits, '.', '_' or '-', e.g. sam or sam.rivera",
        )
    check_password(password)
    with db.begin() as conn:
        if store.get_account(conn, username=name) is not None:
            raise Conflict(f"there is already a user called {name}")
        number = store.count_accounts(conn)
        data = "" if number == 0 else data_target(main_target, name, number + 1)
        account_id = store.add_account(conn, name, hash_password(password), data, now)
        account = store.get_account(conn, account_id=account_id)
    assert account is not None
    return account


def list_accounts(db: Database) -> list[Account]:
    with db.read() as conn:
        return store.list_accounts(conn)


def count_accounts(db: Database) -> int:
    """How many accounts (read again only after a change: every page asks)."""

    def read() -> int:
        with db.read() as conn:
            return store.count_accounts(conn)

    return db.remember("accounts", read)


def get_account(db: Database, account_id: int) -> Account | None:
    with db.read() as conn:
        return store.get_account(conn, account_id=account_id)


def set_password(db: Database, username: str, password: str) -> None:
    check_password(password)
    with db.begin() as conn:
        account = store.get_account(conn, username=username.strip().lower())
        if account is None:
            raise NotFound(f"no user called {username}", hint="kith user ls")
        store.set_password(conn, account.id, hash_password(password))


def remove_account(db: Database, username: str) -> Account:
    """Remove the account (its people's database is left where it is)."""
    with db.begin() as conn:
        account = store.get_account(conn, username=username.strip().lower())
        if account is None:
            raise NotFound(f"no user called {username}", hint="kith user ls")
        store.remove_account(conn, account.id)
    return account


def create_token(
    db: Database, *, account_id: int | None, name: str, scope: str, now: datetime
) -> str:
    """A new secret token, returned once (only its digest is stored)."""
    if scope not in SCOPES:
        raise InputError(f"a token is for {' or '.join(SCOPES)}, not {scope!r}", field="scope")
    token = ("kith_" if scope == "api" else "feed_") + secrets.token_urlsafe(32)
    with db.begin() as conn:
        store.add_token(
            conn, account_id=account_id, name=name.strip() or scope, scope=scope, token=token,
            now=now,
        )  # fmt: skip
    return token


#: How stale a token's "last used" may get before a request writes it again.
TOUCH_EVERY = timedelta(minutes=1)


def token_owner(db: Database, token: str, scope: str, now: datetime) -> Token | None:
    """The token's record if it is valid for ``scope`` (and mark it used).

    "Last used" is written at most once a minute, so that a busy script does
    not turn every read into a write.
    """
    if not token or len(token) > 200:
        return None
    with db.read() as conn:
        found = store.find_token(conn, token, scope)
    if found is not None and (
        found.last_used_at is None or now - found.last_used_at >= TOUCH_EVERY
    ):
        with db.begin() as conn:
            store.touch_token(conn, found.id, now)
    return found


def list_tokens(db: Database, account_id: int | None) -> list[Token]:
    with db.read() as conn:
        return store.list_tokens(conn, account_id)


def revoke_token(db: Database, token_id: int, account_id: int | None) -> None:
    with db.begin() as conn:
        if not store.revoke_token(conn, token_id, account_id):
            raise NotFound(f"no token #{token_id}")
