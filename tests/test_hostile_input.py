"""Hostile decks and extreme input: each case gets its documented exit code and message, never a
traceback, never a file replaced that is not a regular file."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from quizdock.cli.typer_app import app
from quizdock.errors import ExitCode
from tests.conftest import REPO, device_node

MINI = (REPO / "tests" / "data" / "decks" / "mini.toml").read_text()
WIDE = {"COLUMNS": "400"}


def run(args: list[str], **env: str) -> Result:
    result = CliRunner().invoke(app, args, env={**WIDE, **env})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def one_line(result: Result) -> str:
    return " ".join(result.output.split())


def mini_deck(tmp_path: Path, text: str) -> Path:
    decks = tmp_path / "decks"
    decks.mkdir(exist_ok=True)
    path = decks / "mini.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- Case 3: deck texts are printed as text -----------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "name"),
    [
        ("\\u001b]52;c;cm0gLXJmIH4=\\u0007", "clipboard write (OSC 52)"),
        ("\\u001b[2J\\u001b[H", "clear screen"),
        ("\\u001b]8;;http://evil.example\\u001b\\\\link\\u001b]8;;\\u001b\\\\", "hyperlink"),
        ("\\u009b2J", "C1 control sequence introducer"),
        ("\\r", "carriage return"),
        ("\\u007f", "delete"),
    ],
)
def test_deck_check_refuses_control_characters_in_any_text(tmp_path: Path, escape: str, name: str) -> None:
    for field, old, line in (
        ("deck.title.en", 'title.en = "Mini"', 4),
        ("question.en", 'question.en = "What is a container?"', 11),
        ("choices.en[1]", 'choices.en = ["127.0.0.1 only", "all interfaces", "none"]', 34),
    ):
        new = old.replace('"', f'"{escape}', 1) if "choices" not in field else old.replace("all", f"{escape}all")
        path = mini_deck(tmp_path, MINI.replace(old, new))
        result = run(["deck", "check"], QUIZDOCK_DECKS=str(path.parent))
        assert result.exit_code == ExitCode.DECK, (name, result.output)
        assert f"{path}, line {line}" in one_line(result), (name, result.output)
        assert f"field '{field}'" in one_line(result) and "control character" in result.output
        assert "\x1b" not in result.output and "\x9b" not in result.output


def test_a_control_character_in_a_key_or_an_id_is_refused(tmp_path: Path) -> None:
    path = mini_deck(tmp_path, MINI.replace('id = "mini/concept"', 'id = "mini/concept\\u001b[2J"'))
    result = run(["deck", "check"], QUIZDOCK_DECKS=str(path.parent))
    assert result.exit_code == ExitCode.DECK and "control character" in result.output
    assert "\x1b" not in result.output
    path = mini_deck(tmp_path, MINI.replace("correct = 1", 'correct = 1\n"\\u001b" = 2'))
    result = run(["deck", "check"], QUIZDOCK_DECKS=str(path.parent))
    assert result.exit_code == ExitCode.DECK and "control character in a key" in result.output


def test_rich_markup_in_a_deck_title_is_shown_as_written(tmp_path: Path) -> None:
    path = mini_deck(tmp_path, MINI.replace('title.en = "Mini"', 'title.en = "[/bold] [red]Mini[/red] [link=x]"'))
    result = run(["decks", "--lang", "en"], QUIZDOCK_DECKS=str(path.parent))
    assert result.exit_code == 0, result.output
    assert "[/bold] [red]Mini[/red] [link=x]" in result.output


def test_decks_and_exports_never_print_a_control_byte_stored_by_an_older_quizdock(
    tmp_path: Path, db_path: Path
) -> None:
    path = mini_deck(tmp_path, MINI)
    assert run(["decks"], QUIZDOCK_DECKS=str(path.parent)).exit_code == 0
    with sqlite3.connect(db_path) as conn:  # what a quizdock without the check could have stored
        conn.execute("""UPDATE decks SET title = '{"fr": "M\\u001b[2J", "en": "M\\u001b[2J"}'""")
        conn.execute(
            "UPDATE cards SET content = replace(content, 'What is a container?', 'What\\u001b]52;c;eA==\\u0007?')"
        )
    result = run(["decks"], QUIZDOCK_DECKS=str(path.parent))
    assert result.exit_code == 0 and "\x1b" not in result.output and "M\\x1b[2J" in result.output
    for kind in ("csv", "anki"):
        out = tmp_path / f"out.{kind}"
        result = run(["export", kind, "-o", str(out), "--lang", "en"], QUIZDOCK_DECKS=str(path.parent))
        assert result.exit_code == 0, result.output
        data = out.read_bytes()
        if kind == "anki":
            import zipfile

            collection = tmp_path / "collection.anki2"
            with zipfile.ZipFile(out) as archive:
                collection.write_bytes(archive.read("collection.anki2"))
            with sqlite3.connect(collection) as conn:  # fields are joined by \x1f, Anki's separator
                data = "".join(row[0] for row in conn.execute("SELECT flds || tags FROM notes")).encode()
            assert b"What\\x1b]52;c;eA==\\x07?" in data
        assert b"\x1b" not in data and b"\x07" not in data
        if kind == "csv":
            assert b"What\\x1b]52;c;eA==\\x07?" in data


# --- Case 4 and 7: ids, topics and [deck] keys -----------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('id = "mini/concept"', 'id = "mini/concept\\n"', "id"),
        ('topics = ["basics"]', 'topics = ["basics\\n"]', "topics[0]"),
        ('id = "mini"', 'id = "mini\\n"', "deck.id"),
        ('title.en = "Mini"', 'title.en = "Mini"\nauthor = "me"', "deck.author"),
    ],
)
def test_ids_topics_and_deck_keys_are_validated_strictly(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = mini_deck(tmp_path, MINI.replace(old, new))
    result = run(["deck", "check"], QUIZDOCK_DECKS=str(path.parent))
    assert result.exit_code == ExitCode.DECK, result.output
    assert f"field '{field}'" in one_line(result)


def test_toml_nested_500_deep_in_a_deck_or_the_config_is_refused(tmp_path: Path, isolated_home: Path) -> None:
    deep = "x = " + "[" * 500 + "]" * 500 + "\n"
    path = mini_deck(tmp_path, MINI.replace("[deck]\n", deep + "[deck]\n"))
    result = run(["deck", "check"], QUIZDOCK_DECKS=str(path.parent))
    assert result.exit_code == ExitCode.DECK and "nest deeper" in result.output
    dotted = "question." + ".".join(["a"] * 40) + ' = "x"\n'
    path = mini_deck(tmp_path, MINI.replace('kind = "concept"\n', 'kind = "concept"\n' + dotted))
    result = run(["deck", "check"], QUIZDOCK_DECKS=str(path.parent))
    assert result.exit_code == ExitCode.DECK and "nest deeper" in result.output
    (isolated_home / "config.toml").write_text(deep)
    result = run(["decks"])
    assert result.exit_code == ExitCode.USAGE and "nests tables too deeply" in result.output


def test_a_deck_file_is_read_with_a_size_bound(tmp_path: Path) -> None:
    from quizdock.decks.loading import MAX_DECK_BYTES

    path = mini_deck(tmp_path, MINI + "\n" + "#" * MAX_DECK_BYTES + "\n")
    result = run(["deck", "check"], QUIZDOCK_DECKS=str(path.parent))
    assert result.exit_code == ExitCode.DECK and "larger than 32 MiB" in result.output


# --- Case 5: export -o writes only a regular file or a new path -----------------------------------


def test_export_refuses_what_is_not_a_regular_file_and_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("mine")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    device = device_node(tmp_path)
    cases = [(link, "a symbolic link"), (fifo, "a FIFO"), (device, "a device"), (folder, "folder")]
    for kind in ("csv", "anki"):
        for path, what in cases:
            before = path.lstat()
            result = run(["export", kind, "-o", str(path)])
            assert result.exit_code == ExitCode.USAGE, (kind, path, result.output)
            if path != folder:
                assert what in result.output, (kind, path, result.output)
            after = path.lstat()
            assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode), before.st_ino)
    assert target.read_text() == "mine" and link.is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_export_replaces_a_regular_file_atomically_and_writes_a_new_path(tmp_path: Path) -> None:
    existing = tmp_path / "existing.txt"
    existing.write_text("old")
    for path in (existing, tmp_path / "new.txt"):
        result = run(["export", "csv", "-o", str(path)])
        assert result.exit_code == 0, result.output
        assert path.read_text().startswith("#separator:tab")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["existing.txt", "new.txt"]


def test_an_export_name_too_long_gets_a_message(tmp_path: Path) -> None:
    for kind in ("anki", "csv"):
        result = run(["export", kind, "-o", str(tmp_path / ("x" * 300 + ".apkg"))])
        assert result.exit_code == ExitCode.USAGE, result.output
        assert "name is too long" in result.output
        result = run(["export", kind, "-o", str(tmp_path / "/".join(["y" * 250] * 20))])
        assert result.exit_code == ExitCode.USAGE, result.output


# --- Case 6 and 10: damaged and foreign databases --------------------------------------------------


def damaged_copy(db_path: Path, tmp_path: Path, edit: str) -> Path:
    assert run(["decks"]).exit_code == 0
    copy = tmp_path / f"{edit}.sqlite3"
    data = bytearray(db_path.read_bytes())
    page = 4096
    if edit == "zeroed":
        with sqlite3.connect(db_path) as conn:
            root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'decks'").fetchone()[0]
        data[(root - 1) * page : root * page] = bytes(page)
    else:
        data = data[:-1]
    copy.write_bytes(bytes(data))
    return copy


@pytest.mark.parametrize("edit", ["zeroed", "last-byte-missing"])
def test_a_damaged_database_is_named_damaged_with_the_restore_advice(db_path: Path, tmp_path: Path, edit: str) -> None:
    copy = damaged_copy(db_path, tmp_path, edit)
    before = copy.read_bytes()
    for args in (["decks"], ["stats"], ["leeches"], ["due"], ["export", "csv", "-o", str(tmp_path / "o.txt")]):
        result = run(["--db", str(copy), *args])
        assert result.exit_code == ExitCode.DATABASE, (args, result.output)
        assert "is damaged" in result.output and "Restore it from a backup" in result.output, (args, result.output)
    assert copy.read_bytes() == before
    assert not (tmp_path / "o.txt").exists()


def test_due_never_prints_0_for_a_damaged_database(db_path: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    copy = damaged_copy(db_path, tmp_path, "zeroed")
    env = {**os.environ, "PYTHONPATH": str(REPO), "QUIZDOCK_DB": str(copy)}
    done = subprocess.run(
        [sys.executable, "-m", "quizdock", "due"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == ExitCode.DATABASE and done.stdout == "", done
    assert "is damaged" in done.stderr and "Traceback" not in done.stderr


def test_another_programs_alembic_database_is_not_called_newer(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    for args in (["decks"], ["due"]):
        result = run(args)
        assert result.exit_code == ExitCode.DATABASE, result.output
        assert "another program's database" in result.output and "newer" not in result.output


def test_a_lock_is_waited_for_10_seconds_as_the_readme_says(db_path: Path) -> None:
    assert run(["due"]).output.strip() == "0"
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE decks SET title = title")
    release = threading.Timer(6.0, lambda: (holder.execute("COMMIT"), holder.close()))
    release.start()
    started = time.monotonic()
    try:
        result = run(["due"])
    finally:
        release.join()
    assert result.exit_code == 0, result.output  # gave up after 5 s before
    assert time.monotonic() - started >= 5.5
    assert "10 s" in (REPO / "README.md").read_text()


# --- Case 6: limits, dates and settings -----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["review", "--limit", "9223372036854775808"],
        ["review", "--limit", "100001"],
        ["review", "--new", "9223372036854775808"],
        ["review", "--new", "-1"],
    ],
)
def test_limits_are_bounded_with_a_clear_message(args: list[str]) -> None:
    result = run(args)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "is not in the range" in result.output


def test_new_per_day_is_bounded_in_the_config(isolated_home: Path) -> None:
    (isolated_home / "config.toml").write_text(f"new_per_day = {2**63}\n")
    result = run(["decks"])
    assert result.exit_code == ExitCode.USAGE and "from 0 to 10000" in result.output


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59+00:00", "3000-01-01"]
)
def test_quizdock_now_is_bounded(moment: str) -> None:
    for args in (["decks"], ["stats"], ["due"], ["review"]):
        result = run(args, QUIZDOCK_NOW=moment)
        if args == ["review"]:
            assert result.exit_code in (ExitCode.USAGE, ExitCode.NOT_A_TERMINAL), result.output
            continue
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert "from 2000 to 2999" in result.output


@pytest.mark.parametrize("config", ["/dev/zero", "/dev/urandom", "DIR", "FIFO"])
def test_the_config_file_is_read_with_a_bound(config: str, tmp_path: Path) -> None:
    if config == "DIR":
        config = str(tmp_path)
    elif config == "FIFO":
        config = str(tmp_path / "fifo")
        os.mkfifo(config)
    started = time.monotonic()
    result = run(["decks"], QUIZDOCK_CONFIG=config)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert time.monotonic() - started < 10
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 100_000 + "\n")
    result = run(["decks"], QUIZDOCK_CONFIG=str(big))
    assert result.exit_code == ExitCode.USAGE and "larger than 64 KiB" in result.output


@pytest.mark.parametrize("edit", ["zeroed", "last-byte-missing"])
def test_review_in_a_terminal_on_a_damaged_database(db_path: Path, tmp_path: Path, edit: str) -> None:
    import sys

    import pexpect

    copy = damaged_copy(db_path, tmp_path, edit)
    env = {**os.environ, "PYTHONPATH": str(REPO), "QUIZDOCK_DB": str(copy), "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable, ["-m", "quizdock", "review"], env=env, encoding="utf-8", timeout=30, dimensions=(40, 200)
    )
    child.expect(pexpect.EOF)
    child.close()
    output = " ".join((child.before or "").split())
    assert child.exitstatus == ExitCode.DATABASE, output
    assert "is damaged" in output and "Traceback" not in output


def test_a_database_name_with_uri_characters_is_that_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "my?progress#1 %41.sqlite3"
    for args in (["decks"], ["due"], ["stats"]):
        result = run(["--db", str(path), *args])
        assert result.exit_code == 0, result.output
    names = {p.name for p in folder.iterdir()}
    assert path.name in names and names <= {path.name, path.name + "-wal", path.name + "-shm"}, names
