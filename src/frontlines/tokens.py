"""Bearer tokens for the API's write endpoint: create, list, revoke, verify.

Only a SHA-256 digest of each token is stored (`store.tokens`): a
leaked database does not leak write access. Tokens are 256-bit random
strings, so a fast hash is enough (no salt or key stretching needed, unlike
passwords). The token is shown once, when it is made.

Kept apart from `api.py` so that `frontlines token …` does not have to import
the web stack to hash a string.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from .store import Connection
from .store.tokens import add_token, mark_token_revoked, token_by_hash, token_rows

TOKEN_PREFIX = "fl_"
MAX_TOKEN_LENGTH = 200
"""Longer strings are never tokens: refused before hashing."""
WRITER = "writer"
ANALYST = "analyst"
ROLES = (WRITER, ANALYST)
"""What a token may do. A writer ingests reports (POST /api/documents); an analyst
also reviews the timeline (rejects and restores events, pins states). Tokens made
before roles existed are writers."""


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 digest, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenHolder:
    """Who a valid token speaks for: its name (recorded with what it does) and its role."""

    name: str
    role: str

    @property
    def may_review(self) -> bool:
        return self.role == ANALYST


def create_token(conn: Connection, name: str, role: str = WRITER) -> str:
    """Make a new bearer token; only its hash is stored, so it is shown once, here."""
    if not name.strip():
        raise ValueError("a token needs a name (who or what uses it)")
    if role not in ROLES:
        raise ValueError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    add_token(conn, name.strip(), hash_token(token), role)
    return token


def verify_token(conn: Connection, token: str) -> str | None:
    """The name of the live token `token` is, or None (`token_holder` for its role too)."""
    holder = token_holder(conn, token)
    return holder.name if holder else None


def token_holder(conn: Connection, token: str) -> TokenHolder | None:
    """The name and role of the live token `token` is, or None.

    Looked up by digest: the stored value is never compared with the secret,
    and a timing attack on the index reveals only digests.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    stored = token_by_hash(conn, hash_token(token))
    if stored is None or stored.revoked_at is not None:
        return None
    return TokenHolder(stored.name, stored.role)


def list_tokens(conn: Connection) -> list[dict[str, Any]]:
    """Every token made so far (id, name, role, created_at, revoked_at); never the secrets."""
    return token_rows(conn)


def revoke_token(conn: Connection, token_id: int) -> bool:
    """Revoke a token by its id; False if there is no such live token."""
    return mark_token_revoked(conn, token_id)
