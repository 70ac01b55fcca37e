"""The schema's history as alembic migrations, for SQLite and PostgreSQL alike.

Each file of `versions/` brings the schema one revision further and is never
edited once released; its revision id is its number (`0001`, `0002`...), the
same as the `schema_version` the store wrote before alembic (versions 1 to 6),
so that a database made by an older frontlines is stamped with its revision
and upgraded in place from there (`store.migrate`). Revision 0001 spells out
the tables as they first were rather than building them from today's
definitions, so a database made from scratch and one upgraded from any older
revision end the same (`tests/test_migrations.py` compares both with the
table definitions of `frontlines.store`).

To add a revision: copy the newest file, bump its number and `down_revision`,
and write the change with `alembic.op` (`op.batch_alter_table` for anything
SQLite cannot alter in place); then set `SCHEMA_HEAD` in `frontlines.store`.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

SCRIPT_LOCATION = "frontlines.store:migrations"


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = conn
    return config


def known_revisions() -> set[str]:
    """Every revision this frontlines knows."""
    script = ScriptDirectory.from_config(_config(None))  # type: ignore[arg-type]
    return {rev.revision for rev in script.walk_revisions()}


def head() -> str:
    """The newest revision."""
    found = ScriptDirectory.from_config(_config(None)).get_current_head()  # type: ignore[arg-type]
    assert found is not None
    return found


def upgrade(conn: Connection, revision: str = "head", *, stamp: str | None = None) -> None:
    """Upgrade the database of `conn` to `revision`, inside the caller's transaction.

    `stamp` first records that revision as the database's own (a database made
    before alembic, whose tables are already those of that revision).
    """
    config = _config(conn)
    if stamp is not None:
        command.stamp(config, stamp)
    command.upgrade(config, revision)
