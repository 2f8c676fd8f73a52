"""The database: migrations from empty and from every earlier revision, WAL, bad files."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from alembic import command
from quizdock.cli import app
from quizdock.errors import DatabaseError, ExitCode
from quizdock.paths import alembic_dir
from quizdock.scheduling import CardState, review
from quizdock.storage.engine import make_engine
from quizdock.storage.migrate import current_revision, upgrade
from quizdock.storage.models import Base
from quizdock.storage.schema import HEAD_REVISION
from quizdock.storage.store import Store
from tests.conftest import REPO


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
            after=review(CardState(), 1),
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
            store.record_answer(
                card_id, quality=1, answer="", duration_ms=1, now=past, today=past.date(), after=review(CardState(), 1)
            )
        store.suspend(ids[0], day)
        store.bury(ids[1], today + timedelta(days=1))  # buried: out today
        store.bury(ids[2], today)  # buried until today: back today
        deck = store.card(ids[3]).deck_id  # type: ignore[union-attr]
        expected = store.due_card_ids(today)
        assert len(expected) == 10 and ids[0] not in expected and ids[1] not in expected and ids[2] in expected
        assert count_due(db_path, today) == 10
        assert count_due(db_path, today, deck=deck) == len(store.due_card_ids(today, deck=deck))
        assert count_due(db_path, today - timedelta(days=15)) == len(store.due_card_ids(today - timedelta(days=15)))
