"""Bring a database to the newest schema before anything else touches it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from quizdock.errors import DatabaseError
from quizdock.i18n import N_, _, number, os_reason, quoted
from quizdock.storage.schema import BUSY_TIMEOUT_MS, HEAD_REVISION, QUIZDOCK_TABLES


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
        conn = read_only(path)
        try:
            check_header(conn, path)
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables:
                if tables:
                    raise not_quizdock(path, _("it has tables but no quizdock schema"))
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database at ``path``, whatever characters its name holds
    (``?`` or ``#`` in a plain ``file:`` URI would open another file)."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def check_header(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database file whose size does not fit its own header (a lost end, a cut copy).

    SQLite reads the missing end of a cut file as zeros and answers with made-up rows; the
    header's page size and page count tell it at once. They are read through ``conn`` and the
    size with ``stat``: this process may hold another connection to the file (a review's), and
    closing any descriptor of it, even one opened only to read its header, would drop every
    SQLite lock the process holds on it (POSIX locks belong to the process, not the descriptor).
    Another program could then take the file as unused and delete the WAL the review still
    writes into: every later answer lost.

    Raises:
        DatabaseError: the file is damaged.
        sqlite3.DatabaseError: SQLite cannot read the header (not a database, damaged).
    """
    size = path.stat().st_size
    if size == 0:
        return  # a new file: SQLite makes it a database
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    # The header's own count when its change counter says it is valid (SQLite's rule), else the file's.
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    # A write in progress (or cut short, which SQLite repairs) may leave the file short for a while.
    _db, wal, _shm, journal = database_files(path)
    hot_wal = any(p.exists() and p.stat().st_size > 0 for p in (wal, journal))
    if page_size and size % page_size:
        reason = _("its size, {size} bytes, is not a whole number of {page_size}-byte pages")
        raise damaged_as_seen(path, reason.format(size=number(size), page_size=number(page_size)))
    if pages and size < pages * page_size and not hot_wal:
        reason = _("it has {have} of its {pages} pages")
        raise damaged_as_seen(path, reason.format(have=number(size // page_size), pages=number(pages)))


def database_files(path: Path) -> tuple[Path, ...]:
    """The database file and those SQLite keeps beside it: the database, its WAL, its shared
    memory index and its rollback journal (in that order)."""
    return (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal")))


def is_database_file(candidate: Path, database: Path) -> bool:
    """Whether ``candidate`` names the database at ``database`` or one of SQLite's files beside it,
    through any link. Looks with ``stat`` only: opening (and closing) one of them would drop this
    process's SQLite locks on the database."""
    try:
        target = candidate.resolve()
        for own in database_files(database):
            if target == own.resolve() or (target.exists() and own.exists() and target.samefile(own)):
                return True
    except (OSError, RuntimeError):  # a name too long, a loop of links: the caller's own check says so
        return False
    return False


def check_location(path: Path) -> None:
    """Refuse a database path that can never be a file quizdock may create.

    Raises:
        DatabaseError: the path is a directory or not a regular file, a folder above it is a
            file, or the path cannot be looked at (a name too long for the file system).
    """
    try:
        _check_location(path)
    except OSError as exc:
        shown = str(path) if len(str(path)) <= 120 else f"{str(path)[:60]}...{str(path)[-40:]}"
        raise DatabaseError(
            _("The database path {path} cannot be used ({reason}).").format(path=shown, reason=os_reason(exc)),
            _("Give another file with --db PATH or QUIZDOCK_DB."),
        ) from None


def _check_location(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(
            _("The database path {path} is a folder, not a file.").format(path=path),
            _("Give a file with --db PATH or QUIZDOCK_DB, for example {example}.").format(
                example=path / "quizdock.sqlite3"
            ),
        )
    if path.exists() and not path.is_file():
        raise DatabaseError(
            _("The database path {path} is not a regular file (a device, a FIFO or a socket).").format(path=path),
            _("Give a file with --db PATH or QUIZDOCK_DB."),
        )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise DatabaseError(
                    _("The database {path} cannot be created: {parent} is a file, not a folder.").format(
                        path=path, parent=parent
                    ),
                    _("Choose another place with --db PATH or QUIZDOCK_DB."),
                )
            return


# What SQLite says (words of its English message) -> what the learner reads: the problem, the fix.
# SQLite's words are not shown: only the disk row says its cause, in the learner's language.
_SQLITE_TROUBLES = (
    (
        ("readonly",),
        N_("The database {path} is read-only for you."),
        N_(
            "Give your user write permission on the file and on its folder (SQLite writes a journal "
            "beside it), or choose another file with --db PATH or QUIZDOCK_DB."
        ),
    ),
    (
        ("locked", "busy"),
        N_("The database {path} stayed locked by another program."),
        N_(
            "Finish the other quizdock command (or close the program holding the file) and run this one "
            "again; saved answers are kept."
        ),
    ),
    (
        ("unable to open",),
        N_("The database {path} cannot be opened."),
        N_(
            "Check that its folder exists and that you may write in it, or choose another file with "
            "--db PATH or QUIZDOCK_DB."
        ),
    ),
    (
        ("disk", "full"),
        N_("The database {path} cannot be written ({cause})."),
        N_("Free some disk space (or fix the disk) and run the command again; saved answers are kept."),
    ),
)


def explain(path: Path, error: Exception) -> DatabaseError:
    """The learner's message for an SQLite error (sqlite3's, or SQLAlchemy's wrapping of it).

    SQLite's words are English: the message says the cause in the learner's language, and quotes
    SQLite only where its words tell more than that.
    """
    cause = str(getattr(error, "orig", None) or error)
    if "malformed" in cause or "corrupt" in cause:
        return damaged(path, cause)
    if "not a database" in cause:
        return not_quizdock(path, _("it is not an SQLite database"))
    for words, problem, fix in _SQLITE_TROUBLES:
        if any(word in cause for word in words):
            disk = _("the disk is full") if "full" in cause else _("the disk failed to read or write")
            return DatabaseError(_(problem).format(path=path, cause=disk), _(fix))
    return not_quizdock(path, sqlite_says(cause))


def sqlite_says(words: str) -> str:
    """SQLite's own (English) words, quoted as a detail."""
    return _('SQLite: "{detail}"').format(detail=words)


def damaged(path: Path, sqlite_words: str) -> DatabaseError:
    """The database is damaged, as SQLite says it (``PRAGMA quick_check``, a failed read)."""
    return damaged_as_seen(path, sqlite_says(sqlite_words))


def damaged_as_seen(path: Path, cause: str) -> DatabaseError:
    """The database is damaged: ``cause`` in the learner's language."""
    return DatabaseError(
        _("The database {path} is damaged and cannot be used ({cause}). quizdock has not changed it.").format(
            path=path, cause=cause
        ),
        _(
            "Restore it from a backup (your progress is in that file); or, to start afresh, move the file "
            "aside (quizdock then creates a new one), or choose another file with --db PATH or QUIZDOCK_DB."
        ),
    )


def not_quizdock(path: Path, cause: str) -> DatabaseError:
    return DatabaseError(
        _("The database {path} cannot be used ({cause}). quizdock has not changed it.").format(path=path, cause=cause),
        _(
            "If it is a copy of your progress, restore it from a backup; to start afresh, move the file "
            "aside (quizdock then creates a new one), or choose another file with --db PATH or QUIZDOCK_DB."
        ),
    )


def _tables(path: Path) -> set[str]:
    try:
        conn = read_only(path)
        try:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None


def quick_check(path: Path) -> str | None:
    """What SQLite finds wrong in the database's pages (``PRAGMA quick_check``), or None.

    It reads the whole file: run once something has failed, or before a first write
    (:func:`check_integrity`).
    """
    try:
        conn = read_only(path)
        try:
            rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows)[:300]


def check_integrity(path: Path) -> None:
    """Refuse a damaged database before anything is written to it: every page is read once
    (``PRAGMA quick_check``).

    SQLite checks a page only when a statement reads it, so a session whose statements never
    read a damaged page would go on writing into the damaged file.

    Raises:
        DatabaseError: the file is damaged, or cannot be read (locked too long, not a database).
    """
    try:
        conn = read_only(path)
        try:
            rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc) from None
    if rows != ["ok"]:
        raise damaged(path, "; ".join(rows)[:300])


def upgrade(path: Path) -> None:
    """Create or migrate the database at ``path`` to the newest revision (Alembic)."""
    revision = current_revision(path)
    if revision == HEAD_REVISION:
        return
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from quizdock.support.paths import alembic_dir

    config = Config()
    config.set_main_option("script_location", str(alembic_dir()))
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if revision is not None and revision not in known:
        if not QUIZDOCK_TABLES.issubset(_tables(path)):
            raise not_quizdock(
                path,
                _("it is another program's database: its schema revision {revision} is none of quizdock's").format(
                    revision=quoted(revision)
                ),
            )
        raise DatabaseError(
            _("The database {path} was written by a newer quizdock (schema {revision}).").format(
                path=path, revision=revision
            ),
            _("Upgrade quizdock (pip install -U quizdock), or use another file with --db PATH."),
        )
    from alembic import command
    from quizdock.storage.connection import make_engine

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            _("The folder {folder} for the database cannot be created ({reason}).").format(
                folder=path.parent, reason=os_reason(exc)
            ),
            _("Create it, or choose another file with --db PATH or QUIZDOCK_DB."),
        ) from None
    if revision is not None:
        check_integrity(path)  # a migration writes: never into a damaged file
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
