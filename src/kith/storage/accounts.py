"""Accounts of a shared Kith server, and the tokens of the API and the agenda feed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kith.storage.tables import accounts, api_tokens


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    password_hash: str
    data: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Token:
    id: int
    account_id: int | None
    name: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None


def add_account(
    conn: Connection, username: str, password_hash: str, data: str, now: datetime
) -> int:
    return int(
        conn.execute(
            sa.insert(accounts)
            .values(username=username, password_hash=password_hash, data=data, created_at=now)
            .returning(accounts.c.id)
        ).scalar_one()
    )


def get_account(
    conn: Connection, *, username: str | None = None, account_id: int | None = None
) -> Account | None:
    query = sa.select(
        accounts.c.id, accounts.c.username, accounts.c.password_hash, accounts.c.data,
        accounts.c.created_at,
    )  # fmt: skip
    if username is not None:
        query = query.where(accounts.c.username == username)
    if account_id is not None:
        query = query.where(accounts.c.id == account_id)
    row = conn.execute(query).first()
    return Account(*row) if row is not None else None


def list_accounts(conn: Connection) -> list[Account]:
    rows = conn.execute(
        sa.select(
            accounts.c.id, accounts.c.username, accounts.c.password_hash, accounts.c.data,
            accounts.c.created_at,
        ).order_by(accounts.c.id)
    )  # fmt: skip
    return [Account(*row) for row in rows]


def count_accounts(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(accounts)).scalar_one())


def set_password(conn: Connection, account_id: int, password_hash: str) -> None:
    conn.execute(
        sa.update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash)
    )


def remove_account(conn: Connection, account_id: int) -> None:
    conn.execute(sa.delete(accounts).where(accounts.c.id == account_id))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(
    conn: Connection, *, account_id: int | None, name: str, scope: str, token: str, now: datetime
) -> int:
    return int(
        conn.execute(
            sa.insert(api_tokens)
            .values(
                account_id=account_id,
                name=name,
                scope=scope,
                token_hash=token_digest(token),
                created_at=now,
            )
            .returning(api_tokens.c.id)
        ).scalar_one()
    )


def find_token(conn: Connection, token: str, scope: str) -> Token | None:
    row = conn.execute(
        sa.select(
            api_tokens.c.id, api_tokens.c.account_id, api_tokens.c.name, api_tokens.c.scope,
            api_tokens.c.created_at, api_tokens.c.last_used_at,
        ).where(api_tokens.c.token_hash == token_digest(token), api_tokens.c.scope == scope)
    ).first()  # fmt: skip
    return Token(*row) if row is not None else None


def list_tokens(conn: Connection, account_id: int | None) -> list[Token]:
    owner = (
        api_tokens.c.account_id.is_(None)
        if account_id is None
        else api_tokens.c.account_id == account_id
    )
    rows = conn.execute(
        sa.select(
            api_tokens.c.id, api_tokens.c.account_id, api_tokens.c.name, api_tokens.c.scope,
            api_tokens.c.created_at, api_tokens.c.last_used_at,
        ).where(owner).order_by(api_tokens.c.id)
    )  # fmt: skip
    return [Token(*row) for row in rows]


def revoke_token(conn: Connection, token_id: int, account_id: int | None) -> bool:
    owner = (
        api_tokens.c.account_id.is_(None)
        if account_id is None
        else api_tokens.c.account_id == account_id
    )
    done = conn.execute(sa.delete(api_tokens).where(api_tokens.c.id == token_id, owner))
    return bool(done.rowcount)


def touch_token(conn: Connection, token_id: int, now: datetime) -> None:
    conn.execute(sa.update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=now))
