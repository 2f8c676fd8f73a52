"""Bring a database to the newest schema before anything else touches it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quizdock.errors import DatabaseError
from quizdock.storage.schema import HEAD_REVISION


def current_revision(path: Path) -> str | None:
    """The Alembic revision of the database at ``path`` (None: no database or no schema yet).

    Uses only :mod:`sqlite3`, so the light commands can check it without SQLAlchemy.

    Raises:
        DatabaseError: the file is not a quizdock database or cannot be read.
    """
    check_location(path)
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables:
                if tables:
                    raise not_quizdock(path, "it has tables but no quizdock schema")
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None


def check_location(path: Path) -> None:
    """Refuse a database path that can never be a file quizdock may create.

    Raises:
        DatabaseError: the path is a directory, or a folder above it is a file.
    """
    if path.is_dir():
        raise DatabaseError(
            f"The database path {path} is a folder, not a file. Give a file with --db PATH or QUIZDOCK_DB, "
            f"for example {path / 'quizdock.sqlite3'}."
        )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise DatabaseError(
                    f"The database {path} cannot be created: {parent} is a file, not a folder. "
                    "Choose another place with --db PATH or QUIZDOCK_DB."
                )
            return


def explain(path: Path, error: Exception) -> DatabaseError:
    """The learner's message for an SQLite error (sqlite3's, or SQLAlchemy's wrapping of it)."""
    cause = str(getattr(error, "orig", None) or error)
    if "malformed" in cause or "not a database" in cause:
        return not_quizdock(path, cause)
    if "readonly" in cause:
        return DatabaseError(
            f"The database {path} is read-only for you ({cause}). Give your user write permission on the "
            "file and on its folder (SQLite writes a journal beside it), or choose another file with "
            "--db PATH or QUIZDOCK_DB."
        )
    if "locked" in cause or "busy" in cause:
        return DatabaseError(
            f"The database {path} stayed locked by another program ({cause}). Finish the other quizdock "
            "command (or close the program holding the file) and run this one again; saved answers are kept."
        )
    if "unable to open" in cause:
        return DatabaseError(
            f"The database {path} cannot be opened ({cause}). Check that its folder exists and that you may "
            "write in it, or choose another file with --db PATH or QUIZDOCK_DB."
        )
    if "disk" in cause or "full" in cause:
        return DatabaseError(
            f"The database {path} cannot be written ({cause}). Free some disk space (or fix the disk) and "
            "run the command again; saved answers are kept."
        )
    return not_quizdock(path, cause)


def not_quizdock(path: Path, cause: str) -> DatabaseError:
    return DatabaseError(
        f"The database {path} cannot be used ({cause}). quizdock has not changed it. "
        "If it is a copy of your progress, restore it from a backup; to start afresh, move the file "
        "aside (quizdock then creates a new one), or choose another file with --db PATH or QUIZDOCK_DB."
    )


def upgrade(path: Path) -> None:
    """Create or migrate the database at ``path`` to the newest revision (Alembic)."""
    revision = current_revision(path)
    if revision == HEAD_REVISION:
        return
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from quizdock.paths import alembic_dir

    config = Config()
    config.set_main_option("script_location", str(alembic_dir()))
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if revision is not None and revision not in known:
        raise DatabaseError(
            f"The database {path} was written by a newer quizdock (schema {revision}). "
            "Upgrade quizdock (pip install -U quizdock), or use another file with --db PATH."
        )
    from alembic import command
    from quizdock.storage.engine import make_engine

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"The folder {path.parent} for the database cannot be created ({exc.strerror}). Create it, or "
            "choose another file with --db PATH or QUIZDOCK_DB."
        ) from None
    engine = make_engine(path)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Exception as exc:
        import sqlalchemy.exc

        if isinstance(exc, sqlalchemy.exc.DatabaseError):
            raise explain(path, exc) from None
        raise
    finally:
        engine.dispose()
