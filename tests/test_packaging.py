"""The wheel carries the decks and the migrations; the README and CI run the same tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_an_installed_wheel_finds_its_decks_and_migrates_from_another_directory(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("quizdock-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "quizdock/decks/basics.toml" in names
    assert "quizdock/alembic/env.py" in names
    assert any(re.match(r"quizdock/alembic/versions/0001_.*\.py$", n) for n in names)
    assert "quizdock/locale/fr/LC_MESSAGES/quizdock.mo" in names

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "QUIZDOCK_DB": str(elsewhere / "db.sqlite3")}
    env.pop("QUIZDOCK_DECKS", None)
    done = subprocess.run(
        [sys.executable, "-m", "quizdock", "decks", "--lang", "en"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "basics" in done.stdout and "volumes" in done.stdout
    french = subprocess.run(
        [sys.executable, "-m", "quizdock", "--help"],
        cwd=elsewhere,
        env={**env, "LANG": "fr_FR.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert french.stdout.startswith("Utilisation\u202f: "), french.stdout  # the catalogue is installed
    where = subprocess.run(
        [sys.executable, "-c", "from quizdock.paths import bundled_decks_dir; print(bundled_decks_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(site))


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", quick_start)
    assert len(commands) == 2, commands
    test_command = commands[1]
    assert "pytest" in test_command
    assert test_command in (REPO / ".ci" / "run").read_text().splitlines()


def test_the_readme_command_tables_are_written_from_the_cli() -> None:
    """README.md's command tables are what tools/docs.py writes: a synopsis and a summary per command."""
    from tools import docs

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert docs.render(readme) == readme, "README.md drifted from the CLI: run python tools/docs.py"
    assert "| `quizdock review [--deck DECK] [--limit N] [--new N] [--lang fr\\|en]` | Review the cards" in readme
    assert "| `quizdock deck test [ID...]` |" in readme and "| `quizdock challenge check ID [--watch]" in readme


def test_the_readme_tables_follow_a_change_of_the_cli() -> None:
    """A command, an option or a help text changed in the code shows in the tables written anew."""
    from tools import docs

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = docs.commands()
    found[("due",)].help = "Count the cards."
    table = docs.table("daily", found)
    assert "| `quizdock due [--deck DECK]` | Count the cards. |" in table
    assert docs.table("daily", docs.commands()) in readme  # built anew: the real help again
