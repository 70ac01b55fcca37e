"""alembic's environment: always run by `frontlines.store.migrations.upgrade` on a
connection it hands over (in `config.attributes`), inside that connection's transaction."""

from __future__ import annotations

from alembic import context

from frontlines.store import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                  transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
