"""The API's bearer tokens as stored: only their digests (`frontlines.tokens` makes them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from . import Connection, api_tokens, now_iso


@dataclass(frozen=True)
class StoredToken:
    name: str
    revoked_at: str | None
    role: str = "writer"


def add_token(conn: Connection, name: str, token_hash: str, role: str = "writer") -> None:
    """Store a new token's name, digest and role, made now."""
    conn.execute(insert(api_tokens).values(name=name, token_hash=token_hash, role=role,
                                           created_at=now_iso()))


def token_by_hash(conn: Connection, token_hash: str) -> StoredToken | None:
    """The token stored with this digest, if any (revoked or not)."""
    row = conn.execute(select(api_tokens.c.name, api_tokens.c.revoked_at, api_tokens.c.role)
                       .where(api_tokens.c.token_hash == token_hash)).first()
    return StoredToken(str(row.name), row.revoked_at, str(row.role)) if row else None


def token_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every token made so far (id, name, role, created_at, revoked_at), oldest first."""
    query = select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.role,
                   api_tokens.c.created_at, api_tokens.c.revoked_at).order_by(api_tokens.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def mark_token_revoked(conn: Connection, token_id: int) -> bool:
    """Revoke the live token with this id, now; False if there is none."""
    result = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id,
                                                   api_tokens.c.revoked_at.is_(None))
                          .values(revoked_at=now_iso()))
    return bool(result.rowcount)
