"""Alembic environment: quizdock passes its own connection (see quizdock.storage.migrate)."""

from sqlalchemy import create_engine

from alembic import context
from quizdock.storage.models import Base

config = context.config
connection = config.attributes.get("connection")


def _run(conn) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # `alembic` run by hand, e.g. to write a new revision
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///quizdock-dev.sqlite3")
    with engine.begin() as conn:
        _run(conn)
