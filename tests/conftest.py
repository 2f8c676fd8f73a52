"""Shared fixtures: every test runs with its own database, config and Docker config."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from quizdock.cli.commands.common import settings
from quizdock.i18n import set_language

pytest_plugins = ["tests.docker_fixtures"]

REPO = Path(__file__).resolve().parent.parent

# The tests marked slow here run alone, after the others have run in parallel (the README's test
# command: `pytest -m "not slow" -n auto`, then `pytest -m slow`). Every test marked docker is one
# (they share one engine, its labs and its load, and keep their order), and so is each test or
# module below: they time themselves or drive whole terminals, which a busy core would fail or
# slow most. A module path, or a test's node id without its parameters.
# tests/test_parallel_run.py checks that each entry still names a test.
SERIAL_TESTS = frozenset(
    {
        # real terminals, many of them, read within a timeout
        "tests/test_review_terminal.py",
        "tests/test_text_fits.py",
        "tests/test_quick_review.py",
        "tests/test_week.py",
        # several quizdock processes at once on one database, for many rounds
        "tests/test_concurrent_commands.py",
        # grading timed against a bound of 50 ms
        "tests/test_answer_patterns.py::test_a_long_answer_is_refused_fast_with_flat_memory_and_says_the_limit",
        "tests/test_answer_patterns.py::test_any_answer_up_to_the_limit_is_graded_under_50_ms",
    }
)


def pytest_configure(config: pytest.Config) -> None:
    # A shell starts a background job (`pytest ... &`) with Ctrl-C ignored, and the programs the
    # tests spawn would inherit that: the tests that press Ctrl-C in a quizdock would wait in vain.
    # A handled signal is reset to its default in a new program; an ignored one stays ignored.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("docker") or is_serial(item.nodeid):
            item.add_marker(pytest.mark.slow)


def is_serial(nodeid: str) -> bool:
    """Whether a test's node id (`tests/test_x.py::test_y[param]`) is listed in SERIAL_TESTS."""
    return not SERIAL_TESTS.isdisjoint(serial_keys(nodeid))


def serial_keys(nodeid: str) -> tuple[str, str]:
    """The names SERIAL_TESTS may list a test by: its module, its node id without parameters."""
    return nodeid.split("::", 1)[0], nodeid.split("[", 1)[0]


def deck_toml(deck_id: str, *cards: str, title: tuple[str, str] | None = None) -> str:
    """A deck file's text: the [deck] table (title: French, English; the id by default), then
    the cards, each as `card_toml` writes it."""
    title_fr, title_en = title or (deck_id, deck_id)
    return f"[deck]\nid = {_toml(deck_id)}\ntitle.fr = {_toml(title_fr)}\ntitle.en = {_toml(title_en)}\n" + "".join(
        cards
    )


def card_toml(
    card_id: str,
    kind: str,
    topics: list[str],
    *,
    question: tuple[str, str] = ("q", "q"),
    explanation: tuple[str, str] = ("e", "e"),
    fields: str = "",
) -> str:
    """One [[cards]] table after a blank line: the fields every kind has (texts: French,
    English), then `fields`, the kind's own, as TOML text. Line numbers are those of a deck
    written by hand: [[cards]] on line 6 of the first card, its last common field on line 13."""
    return (
        f"\n[[cards]]\nid = {_toml(card_id)}\nkind = {_toml(kind)}\ntopics = {_toml(topics)}\n"
        f"question.fr = {_toml(question[0])}\nquestion.en = {_toml(question[1])}\n"
        f"explanation.fr = {_toml(explanation[0])}\nexplanation.en = {_toml(explanation[1])}\n" + fields
    )


def _toml(value: str | list[str]) -> str:
    # A JSON string or list of strings is a valid TOML one (same escapes).
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test touches the learner's real database, config or locale."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("QUIZDOCK_DB", str(home / "quizdock.sqlite3"))
    monkeypatch.setenv("QUIZDOCK_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("QUIZDOCK_LAB_DIR", str(home / "lab"))
    monkeypatch.delenv("QUIZDOCK_DECKS", raising=False)
    monkeypatch.delenv("QUIZDOCK_NOW", raising=False)
    monkeypatch.delenv("QUIZDOCK_SCHEDULER", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    # The size of a terminal comes from the terminal itself (pexpect's, or none), never from the
    # shell that started pytest (pytest-xdist's workers have COLUMNS=80 and LINES=24).
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    settings.db = None
    settings.lang = None
    set_language("en")
    yield home
    settings.db = None
    settings.lang = None
    set_language("en")
    _remove_test_lab(home / "lab")


def _remove_test_lab(lab_dir: Path) -> None:
    """A test that started its learner's lab (through the CLI) leaves no container behind."""
    if not (lab_dir / "engine" / "certs").exists():
        return
    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect

    os.environ["QUIZDOCK_LAB_DIR"] = str(lab_dir)  # still set by monkeypatch; named for clarity
    client = connect()
    try:
        engine.down(client, engine.default_home())
    finally:
        client.close()


@pytest.fixture
def db_path(isolated_home: Path) -> Path:
    return isolated_home / "quizdock.sqlite3"


@pytest.fixture
def practical_deck_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docker_config_dir: Path) -> None:
    """The practical deck alone (challenge tests do not depend on the other decks), and
    `docker login` into a temp DOCKER_CONFIG."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "practical.toml").symlink_to(REPO / "decks" / "practical.toml")
    monkeypatch.setenv("QUIZDOCK_DECKS", str(decks))


@contextmanager
def write_protected(path: Path) -> Iterator[None]:
    """Make a file or folder unwritable for this process, root included, then restore it.

    Root ignores permission bits, so as root the file is made immutable (chattr +i, which the
    filesystem of the tests supports: ext4 here); other users lose the write bits.
    """
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        return
    mode = path.stat().st_mode
    path.chmod(mode & ~0o222)
    try:
        yield
    finally:
        path.chmod(mode)


def device_node(directory: Path) -> Path:
    """A character device to point commands at: a null device of its own when run as root (so a
    regression could never replace the machine's /dev/null), else /dev/null, which a user
    cannot replace anyway."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    node = directory / "null-device"
    if not node.exists():
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node
