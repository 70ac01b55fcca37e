"""Bearer tokens for the API's write endpoint: create, list, revoke, verify.

Only a SHA-256 digest of each token is stored (table `store.api_tokens`): a
leaked database does not leak write access. Tokens are 256-bit random
strings, so a fast hash is enough (no salt or key stretching needed, unlike
passwords). The token is shown once, when it is made.

Kept apart from `api.py` so that `frontlines token …` does not have to import
the web stack to hash a string.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import Connection, insert, select, update

from .store import api_tokens, now_iso

TOKEN_PREFIX = "fl_"
MAX_TOKEN_LENGTH = 200
"""Longer strings are never tokens: refused before hashing."""


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 digest, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(conn: Connection, name: str) -> str:
    """Make a new bearer token; only its hash is stored, so it is shown once, here."""
    if not name.strip():
        raise ValueError("a token needs a name (who or what uses it)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(insert(api_tokens).values(name=name.strip(), token_hash=hash_token(token),
                                           created_at=now_iso()))
    return token


def verify_token(conn: Connection, token: str) -> str | None:
    """The name of the live token `token` is, or None.

    Looked up by digest: the stored value is never compared with the secret,
    and a timing attack on the index reveals only digests.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = conn.execute(select(api_tokens.c.name, api_tokens.c.revoked_at).where(
        api_tokens.c.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    return str(row.name)


def list_tokens(conn: Connection) -> list[dict[str, Any]]:
    """Every token made so far (id, name, created_at, revoked_at); never the secrets."""
    query = select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at,
                   api_tokens.c.revoked_at).order_by(api_tokens.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def revoke_token(conn: Connection, token_id: int) -> bool:
    """Revoke a token by its id; False if there is no such live token."""
    result = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id,
                                                   api_tokens.c.revoked_at.is_(None))
                          .values(revoked_at=now_iso()))
    return bool(result.rowcount)
