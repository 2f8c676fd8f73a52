"""The database: migrations from empty and from every earlier revision, WAL, bad files."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pexpect
import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from alembic import command
from quizdock.cli.typer_app import app
from quizdock.errors import DatabaseError, ExitCode
from quizdock.storage.connection import make_engine
from quizdock.storage.migrate import current_revision, upgrade
from quizdock.storage.models import Base
from quizdock.storage.quick import count_due
from quizdock.storage.schema import HEAD_REVISION
from quizdock.storage.store import Store
from quizdock.support.paths import alembic_dir
from tests.conftest import REPO, write_protected


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(alembic_dir()))
    return config


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [s.revision for s in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]


def migrate_to(path: Path, revision: str) -> None:
    engine = make_engine(path)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def test_head_constant_is_the_newest_migration() -> None:
    assert revisions()[-1] == HEAD_REVISION


def test_migrations_from_empty_build_exactly_the_models(db_path: Path) -> None:
    upgrade(db_path)
    assert current_revision(db_path) == HEAD_REVISION
    engine = make_engine(db_path)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


CONTENT = json.dumps(
    {
        "id": "mini/concept",
        "kind": "concept",
        "topics": ["basics"],
        "question": {"fr": "Q", "en": "Q"},
        "answer": {"fr": "A", "en": "A"},
        "explanation": {"fr": "E", "en": "E"},
    }
)
# Rows valid in the first schema; every later migration must keep them.
SEED_0001 = [
    "INSERT INTO decks (id, path, file_hash, title, loaded_at) "
    "VALUES ('mini', '/decks/mini.toml', 'abc', '{\"fr\": \"Mini\", \"en\": \"Mini\"}', '2026-01-01 10:00:00')",
    "INSERT INTO cards (id, deck_id, kind, content, content_hash, position, created_at, content_changed_at, "
    "retired_at) VALUES ('mini/concept', 'mini', 'concept', '"
    + CONTENT
    + "', 'h1', 0, '2026-01-01 10:00:00', '2026-01-01 10:00:00', NULL)",
    "INSERT INTO card_states (card_id, repetitions, interval, easiness_centi, due_on, introduced_on, "
    "last_reviewed_at, lapses) "
    "VALUES ('mini/concept', 1, 1, 260, '2026-01-02', '2026-01-01', '2026-01-01 10:00:00', 0)",
    "INSERT INTO reviews (card_id, reviewed_at, quality, answer, duration_ms, is_repeat, before_repetitions, "
    "before_interval, before_easiness_centi, before_due_on, after_repetitions, after_interval, after_easiness_centi, "
    "after_due_on) VALUES ('mini/concept', '2026-01-01 10:00:00', 5, 'x', 1200, 0, 0, 0, 250, NULL, 1, 1, 260, "
    "'2026-01-02')",
]


@pytest.mark.parametrize("revision", revisions()[:-1] or revisions())
def test_opening_an_older_database_migrates_it_and_keeps_its_data(db_path: Path, revision: str) -> None:
    migrate_to(db_path, revision)
    with sqlite3.connect(db_path) as conn:
        for statement in SEED_0001:
            conn.execute(statement)
    with Store.open(db_path) as store:  # no manual step
        assert current_revision(db_path) == HEAD_REVISION
        scheduled = store.scheduled_cards(["mini/concept"])
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT repetitions, interval, easiness_centi FROM card_states").fetchall() == [(1, 1, 260)]
        assert conn.execute("SELECT card_id, quality, answer, duration_ms FROM reviews").fetchall() == [
            ("mini/concept", 5, "x", 1200)
        ]
    assert scheduled[0].state is not None and scheduled[0].card.question.en == "Q"


def test_migrating_to_0004_keeps_the_repeats_owed_today(db_path: Path) -> None:
    """A card whose last answer was below 4 still owes its repeat on that answer's day after the upgrade."""
    migrate_to(db_path, "0003")
    failed = [
        s.replace("'mini/concept'", "'mini/failed'")
        .replace("', 'h1'", "', 'h2'")
        .replace("'mini', 'concept', 0", "'mini', 'concept', 1")
        for s in SEED_0001[1:]
    ]
    failed[1] = failed[1].replace("1, 1, 260, '2026-01-02'", "0, 1, 196, '2026-01-02'")
    with sqlite3.connect(db_path) as conn:
        for statement in [*SEED_0001, *failed]:
            conn.execute(statement)
        # mini/failed: answered 1 on 2026-01-01 (due the next day), then 3 as a same-day repeat
        conn.execute(
            "UPDATE reviews SET quality = 1, after_repetitions = 0, after_easiness_centi = 196 "
            "WHERE card_id = 'mini/failed'"
        )
        conn.execute(
            "INSERT INTO reviews (card_id, reviewed_at, quality, answer, duration_ms, is_repeat, before_repetitions, "
            "before_interval, before_easiness_centi, before_due_on, after_repetitions, after_interval, "
            "after_easiness_centi, after_due_on) VALUES ('mini/failed', '2026-01-01 10:05:00', 3, 'y', 900, 1, "
            "0, 1, 196, '2026-01-02', 0, 1, 196, '2026-01-02')"
        )
    conn.close()
    with Store.open(db_path) as store:
        assert store.repeat_card_ids(date(2026, 1, 1)) == ["mini/failed"]
        assert store.repeat_card_ids(date(2026, 1, 2)) == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT card_id, repeat_on FROM card_states ORDER BY card_id").fetchall() == [
            ("mini/concept", None),
            ("mini/failed", "2026-01-01"),
        ]
    conn.close()
    assert count_due(db_path, date(2026, 1, 1)) == 1  # the light path counts it too


def test_wal_mode_and_busy_timeout(db_path: Path) -> None:
    with Store.open(db_path) as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(db_path: Path) -> None:
    db_path.write_bytes(b"these are my notes, not a database" * 100)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="cannot be used"):
        Store.open(db_path)
    for args in (["decks"], ["due"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == ExitCode.DATABASE, result.output
        assert "move the file" in result.output and "Traceback" not in result.output
    assert db_path.read_bytes() == before


def test_a_database_from_a_newer_quizdock_is_refused(db_path: Path) -> None:
    upgrade(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    result = CliRunner().invoke(app, ["decks"])
    assert result.exit_code == ExitCode.DATABASE, result.output
    assert "newer quizdock" in result.output


def test_db_option_and_env_choose_the_file(tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere.sqlite3"
    result = CliRunner().invoke(app, ["--db", str(chosen), "decks"])
    assert result.exit_code == 0, result.output
    assert current_revision(chosen) == HEAD_REVISION


def test_due_counts_with_the_light_path(db_path: Path) -> None:
    result = CliRunner().invoke(app, ["due"])  # creates the database on first use
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0"
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    with Store.open(db_path) as store:
        card_id = store.new_card_ids(1)[0]
        store.record_answer(
            card_id,
            quality=1,
            answer="",
            duration_ms=1,
            now=long_ago,
            today=long_ago.date(),
        )
    result = CliRunner().invoke(app, ["due"])
    assert result.output.strip() == "1"


def test_the_light_due_count_agrees_with_the_store(db_path: Path) -> None:
    from datetime import timedelta

    from quizdock.storage.quick import count_due

    day = datetime(2026, 5, 1, 9, tzinfo=UTC)
    today = day.date()
    with Store.open(db_path) as store:
        store.sync_decks([REPO / "decks"], day)
        ids = store.new_card_ids(12, today=today)
        for offset, card_id in enumerate(ids):
            past = day - timedelta(days=10 + offset)
            store.record_answer(card_id, quality=1, answer="", duration_ms=1, now=past, today=past.date())
        store.suspend(ids[0], day)
        store.bury(ids[1], today + timedelta(days=1))  # buried: out today
        store.bury(ids[2], today)  # buried until today: back today
        deck = store.scheduled_cards([ids[3]])[0].card.deck_id
        expected = store.due_card_ids(today)
        assert len(expected) == 10 and ids[0] not in expected and ids[1] not in expected and ids[2] in expected
        assert count_due(db_path, today) == 10
        assert count_due(db_path, today, deck=deck) == len(store.due_card_ids(today, deck=deck))
        # Answered below 4 today: no longer due by SM-2, but owed as a same-day repeat, and counted.
        store.record_answer(ids[3], quality=2, answer="", duration_ms=1, now=day, today=today)
        store.record_answer(ids[4], quality=4, answer="", duration_ms=1, now=day, today=today)
        assert store.repeat_card_ids(today) == [ids[3]] and ids[3] not in store.due_card_ids(today)
        assert count_due(db_path, today) == 9 == store.count_due(today)
        assert count_due(db_path, today, deck=deck) == store.count_due(today, deck=deck)
        assert count_due(db_path, today - timedelta(days=15)) == store.count_due(today - timedelta(days=15))


# --- a database quizdock cannot use: a message and exit 4, never a traceback ---------------


def test_a_read_only_database_gets_the_permission_fix(db_path: Path) -> None:
    assert CliRunner().invoke(app, ["decks"]).exit_code == 0
    card_id = "basics/image-vs-container"
    with write_protected(db_path):
        result = CliRunner().invoke(app, ["suspend", card_id])
        assert result.exit_code == ExitCode.DATABASE, result.output
        assert "read-only" in result.output and "write permission" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert CliRunner().invoke(app, ["due"]).output.strip() == "0"  # reading still works
        assert CliRunner().invoke(app, ["decks"]).exit_code == 0
    assert CliRunner().invoke(app, ["suspend", card_id]).exit_code == 0


def test_a_database_locked_too_long_says_which_and_what_to_do(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import quizdock.storage.connection

    assert CliRunner().invoke(app, ["decks"]).exit_code == 0
    monkeypatch.setattr(quizdock.storage.connection, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another terminal in the middle of a write
        result = CliRunner().invoke(app, ["suspend", "basics/image-vs-container"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == ExitCode.DATABASE, result.output
    assert "locked" in result.output and "run this one again" in result.output


def test_a_folder_as_the_database_path_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for args in (["--db", str(folder), "due"], ["--db", str(folder), "decks"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == ExitCode.DATABASE, result.output
        assert "is a folder, not a file" in result.output and str(folder / "quizdock.sqlite3") in result.output
    assert list(folder.iterdir()) == []


def test_a_file_in_the_way_of_the_database_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("mine")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "notes" / "quizdock.sqlite3"), "decks"])
    assert result.exit_code == ExitCode.DATABASE, result.output
    assert f"{tmp_path / 'notes'} is a file, not a folder" in result.output
    assert (tmp_path / "notes").read_text() == "mine"


def test_an_unwritable_folder_for_a_new_database_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    with write_protected(folder):
        result = CliRunner().invoke(app, ["--db", str(folder / "quizdock.sqlite3"), "decks"])
    assert result.exit_code == ExitCode.DATABASE, result.output
    assert "Traceback" not in result.output and "--db PATH" in result.output
    assert list(folder.iterdir()) == []


def test_a_tilde_in_the_database_path_is_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for args, env in (
        (["--db", "~/by-option.sqlite3", "decks"], {}),
        (["decks"], {"QUIZDOCK_DB": "~/by-env.sqlite3"}),
    ):
        assert CliRunner().invoke(app, args, env=env).exit_code == 0
    assert current_revision(tmp_path / "by-option.sqlite3") == HEAD_REVISION
    assert current_revision(tmp_path / "by-env.sqlite3") == HEAD_REVISION


# --- two terminals at once ------------------------------------------------------------------


def test_answers_from_two_terminals_build_on_each_other(db_path: Path) -> None:
    """Each answer runs SM-2 on the state the other terminal just saved, none is overwritten."""
    import threading

    day = datetime(2026, 5, 1, 9, tzinfo=UTC)
    with Store.open(db_path) as store:
        store.sync_decks([REPO / "decks"], day)
        card_id = store.new_card_ids(1)[0]
    per_terminal = 10
    failures: list[BaseException] = []

    def terminal(quality: int) -> None:
        try:
            with Store.open(db_path) as own:
                for _ in range(per_terminal):
                    own.record_answer(card_id, quality=quality, answer="", duration_ms=1, now=day, today=day.date())
        except BaseException as error:  # reported below, with the test's failure
            failures.append(error)

    threads = [threading.Thread(target=terminal, args=(quality,)) for quality in (4, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    columns = ("repetitions", "interval", "easiness_centi", "due_on")
    with sqlite3.connect(db_path) as conn:
        log = conn.execute(
            f"SELECT {', '.join(f'before_{c}' for c in columns)}, {', '.join(f'after_{c}' for c in columns)} "
            "FROM reviews WHERE card_id = ? ORDER BY id",
            (card_id,),
        ).fetchall()
        final = conn.execute(f"SELECT {', '.join(columns)} FROM card_states WHERE card_id = ?", (card_id,)).fetchone()
    conn.close()
    assert len(log) == 2 * per_terminal
    befores, afters = [row[:4] for row in log], [row[4:] for row in log]
    assert befores[0][:3] == (0, 0, 250)
    assert befores[1:] == afters[:-1]  # every answer started from the one saved just before it
    assert final == afters[-1]


def test_a_truncated_database_gets_the_restore_advice(db_path: Path, tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["decks"]).exit_code == 0
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(db_path.read_bytes()[:8192])
    result = CliRunner().invoke(app, ["--db", str(truncated), "decks"])
    assert result.exit_code == ExitCode.DATABASE, result.output
    assert "cannot be used" in result.output and "backup" in result.output and "disk space" not in result.output


def test_only_the_storage_package_speaks_sql() -> None:
    """Statistics, export, review and the lab read and write through the store's methods: no
    module outside quizdock/storage imports SQLAlchemy or the models, or opens a store session."""
    import ast

    package = REPO / "quizdock"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.is_relative_to(package / "storage"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "sqlalchemy" or name in (
                    "quizdock.storage.models",
                    "quizdock.storage.queries",
                    "quizdock.storage.sql",
                ):
                    offenders.append(f"{path.relative_to(REPO)} imports {name}")
            opens_session = isinstance(node, ast.Attribute) and node.attr == "session"
            if opens_session and isinstance(node.value, ast.Name) and node.value.id == "store":
                offenders.append(f"{path.relative_to(REPO)} opens store.session()")
    assert offenders == []


def _sqlite_error(tmp_path: Path, trouble: str) -> sqlite3.Error:
    """A real SQLite error of each kind the learner's messages name."""
    db = tmp_path / "real.sqlite3"
    sqlite3.connect(db).close()
    try:
        if trouble == "read-only":
            sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("CREATE TABLE t (a)")
        elif trouble == "locked":
            holder = sqlite3.connect(db, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
            try:
                sqlite3.connect(db, timeout=0).execute("CREATE TABLE t (a)")
            finally:
                holder.close()
        else:
            sqlite3.connect(tmp_path / "no such folder" / "x.sqlite3")
    except sqlite3.Error as error:
        return error
    raise AssertionError(f"SQLite raised no error for {trouble}")


@pytest.mark.parametrize(
    ("trouble", "problem", "fix"),
    [
        ("read-only", "is read-only for you", "write permission"),
        ("locked", "stayed locked by another program", "saved answers are kept"),
        ("unable to open", "cannot be opened", "its folder exists"),
    ],
)
def test_an_sqlite_error_is_explained_with_its_fix(tmp_path: Path, trouble: str, problem: str, fix: str) -> None:
    from quizdock.storage.migrate import explain

    error = explain(tmp_path / "learner.sqlite3", _sqlite_error(tmp_path, trouble))
    assert str(tmp_path / "learner.sqlite3") in error.problem and problem in error.problem
    assert fix in error.fix


# --- the database's files and locks --------------------------------------------------------------


def other_program(db_path: Path, sql: str) -> str:
    """What another process reads with ``sql`` (one value), opening and closing the database."""
    import subprocess
    import sys

    code = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])"
    done = subprocess.run([sys.executable, "-c", code, str(db_path), sql], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_second_open_in_the_process_keeps_the_first_connections_locks(db_path: Path) -> None:
    """A review holds a connection (its fast start's) when it opens the store: opening the
    database again must not drop the process's locks, or the next program to close the file
    deletes the WAL the review writes into."""
    from quizdock.storage.migrate import read_only

    day = datetime(2026, 5, 1, 9, tzinfo=UTC)
    with Store.open(db_path) as store:
        store.sync_decks([REPO / "decks"], day)
        card_ids = store.new_card_ids(2)
    first = read_only(db_path)  # the review's fast start reads with sqlite3 first, and stays open
    try:
        assert first.execute("SELECT count(*) FROM cards").fetchone()[0] > 0
        with Store.open(db_path) as store:  # the header and migration checks, then the store
            store.record_answer(card_ids[0], quality=5, answer="", duration_ms=1, now=day, today=day.date())
            assert other_program(db_path, "SELECT count(*) FROM reviews") == "1"
            assert db_path.with_name(db_path.name + "-wal").exists()  # still in use by this process
            store.record_answer(card_ids[1], quality=5, answer="", duration_ms=1, now=day, today=day.date())
            assert other_program(db_path, "SELECT count(*) FROM reviews") == "2"  # not in a deleted WAL
    finally:
        first.close()


@pytest.mark.parametrize("name", ["{db}", "{db}-wal", "{db}-shm", "{db}-journal", "link", "hard link"])
def test_an_export_never_replaces_the_database_or_its_files(db_path: Path, name: str) -> None:
    import os

    assert CliRunner().invoke(app, ["decks"]).exit_code == 0
    target = db_path.with_name(name.format(db=db_path.name))
    if name == "link":
        target.symlink_to(db_path)
    elif name == "hard link":
        os.link(db_path, target)
    before, existed = db_path.read_bytes(), target.exists()
    for kind in ("csv", "anki"):
        result = CliRunner().invoke(app, ["export", kind, "-o", str(target)])
        assert result.exit_code == ExitCode.USAGE, result.output
        assert "is quizdock's database" in result.output and "Give another file with -o" in result.output
    assert db_path.read_bytes() == before and target.exists() == existed
    assert CliRunner().invoke(app, ["decks"]).exit_code == 0


# --- a damaged page that nothing reads yet: refused before the first write -----------------------


def index_pages(data: bytes, page_size: int, root: int) -> list[int]:
    """The page numbers of an index b-tree, walked from its root page in the file's bytes."""
    pages, waiting = [], [root]
    while waiting:
        number = waiting.pop()
        pages.append(number)
        page = data[(number - 1) * page_size : number * page_size]
        if page[0] == 0x02:  # an interior index page: a child in each cell, and the right-most one
            waiting.append(int.from_bytes(page[8:12], "big"))
            for cell in range(int.from_bytes(page[3:5], "big")):
                offset = int.from_bytes(page[12 + 2 * cell : 14 + 2 * cell], "big")
                waiting.append(int.from_bytes(page[offset : offset + 4], "big"))
    return pages


def with_last_index_page_zeroed(db_path: Path, copy: Path) -> int:
    """A copy of the database whose last index page (in file order) is all zeros; its number.

    The issue's case: a review never reads that page (it holds the ids of the last deck's cards),
    so SQLite alone never notices, and a review wrote 30 answers into the damaged file.
    """
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        roots = [row[0] for row in conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index'")]
    data = bytearray(db_path.read_bytes())
    last = max(page for root in roots for page in index_pages(data, page_size, root))
    data[(last - 1) * page_size : last * page_size] = bytes(page_size)
    copy.write_bytes(bytes(data))
    return last


def test_a_damaged_page_no_read_reaches_is_refused_before_the_first_write(db_path: Path, tmp_path: Path) -> None:
    day = datetime(2026, 5, 1, 9, tzinfo=UTC)
    with Store.open(db_path) as store:
        store.sync_decks([REPO / "decks"], day)
    damaged = tmp_path / "damaged.sqlite3"
    with_last_index_page_zeroed(db_path, damaged)
    before = damaged.read_bytes()
    with Store.open(damaged) as store:
        card_id = store.new_card_ids(1, today=day.date())[0]  # reading works: that page is not read
        assert store.scheduled_cards([card_id])
        with pytest.raises(DatabaseError, match="is damaged") as refused:
            store.record_answer(card_id, quality=5, answer="", duration_ms=1, now=day, today=day.date())
        assert "Restore it from a backup" in refused.value.fix
    for args in (["suspend", card_id], ["unsuspend", card_id]):
        result = CliRunner().invoke(app, ["--db", str(damaged), *args])
        assert result.exit_code == ExitCode.DATABASE, result.output
        assert "is damaged" in result.output and "Restore it from a backup" in result.output
    assert damaged.read_bytes() == before
    with closing(sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


@pytest.mark.parametrize("answered", ["at once", "after the background check"])
def test_a_review_on_a_damaged_database_writes_no_answer(tmp_path: Path, answered: str) -> None:
    """The whole-file check is not on the first card's path (the first card is drawn), and no
    answer is written before it passed: the first answer, given as soon as the card is there or
    once the background check has failed, is refused with exit 4."""
    from tests.review_terminal import bundled_decks, created_database, environment

    db = tmp_path / "quizdock.sqlite3"
    env = environment(db, bundled_decks(tmp_path / "decks"))
    created_database(env)
    damaged = tmp_path / "damaged.sqlite3"
    with_last_index_page_zeroed(db, damaged)
    before = damaged.read_bytes()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizdock", "review", "--new", "50"],
        env={**env, "QUIZDOCK_DB": str(damaged)},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    child.delaybeforesend = None
    child.expect("Card 1 of")
    child.expect("Press Enter to show the answer")  # the bundled decks begin with a concept card
    if answered != "at once":
        time.sleep(1.5)  # the store opened and checked in the background (0.3 s after the card)
    child.send("\r")
    child.expect("How well did you recall it")
    child.send("5")
    child.expect(pexpect.EOF)
    child.close()
    output = " ".join((child.before or "").split())
    assert child.exitstatus == ExitCode.DATABASE, output
    assert "is damaged" in output and "Restore it from a backup" in output and "Traceback" not in output
    assert "Card 2 of" not in output
    assert damaged.read_bytes() == before
    with closing(sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
