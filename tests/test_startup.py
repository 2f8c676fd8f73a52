"""Start-up stays light: `--help` and `due` import none of the heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

HEAVY = ("sqlalchemy", "alembic", "docker", "questionary", "genanki", "anki", "msgspec", "fsrs_rs_python")

PROBE = """
import json, sys
heavy = set(json.loads(sys.argv[2]))
sys.argv = ["quizdock", *json.loads(sys.argv[1])]
from quizdock.entry import main
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
loaded = sorted(name for name in heavy if name in sys.modules)
print("LOADED=" + json.dumps(loaded), file=sys.stderr)
raise SystemExit(code)
"""


def loaded_after(args: list[str], extra: tuple[str, ...] = ()) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps([*HEAVY, *extra])],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    line = next(line for line in done.stderr.splitlines() if line.startswith("LOADED="))
    return json.loads(line.removeprefix("LOADED=")), done


def test_help_imports_no_heavy_library() -> None:
    loaded, done = loaded_after(["--help"])
    assert "review" in done.stdout
    assert loaded == []


def test_version_imports_no_heavy_library() -> None:
    loaded, done = loaded_after(["--version"])
    assert done.stdout.strip().startswith("quizdock ")
    assert loaded == []


def test_due_on_an_up_to_date_database_imports_no_heavy_library(db_path: Path) -> None:
    _, first = loaded_after(["due"])  # creates and migrates the database (heavy, once)
    assert first.stdout.strip() == "0", first.stderr
    for args in (["due"], ["--db", str(db_path), "due", "--deck", "basics"], [f"--db={db_path}", "due", "-d", "ports"]):
        loaded, done = loaded_after(args, extra=("typer", "rich"))
        assert done.stdout.strip() == "0", done.stderr
        assert loaded == [], args  # not even the CLI framework


def test_due_with_an_unknown_deck_goes_to_the_cli(db_path: Path) -> None:
    loaded_after(["due"])
    loaded, done = loaded_after(["due", "--deck", "volumez"], extra=("typer",))
    assert done.returncode == 7 and "Did you mean 'volumes'" in done.stderr
    assert "typer" in loaded


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "quizdock", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("quizdock ")


def test_lazy_commands_are_listed_with_their_own_help() -> None:
    """`quizdock --help` lists a lazy command from its entry in LAZY_COMMANDS, without building it;
    built, the command shows the same help and the same first sentence."""
    import typer

    from quizdock.cli.clicktext import short_help
    from quizdock.cli.typer_app import LAZY_COMMANDS, app

    root = typer.main.get_command(app)
    groups = {"quizdock": root, "deck": root.get_command(None, "deck")}  # type: ignore[attr-defined]
    for group_name, commands in LAZY_COMMANDS.items():
        for name, (_, _, help_text) in commands.items():
            command = groups[group_name].get_command(None, name)  # type: ignore[attr-defined]
            assert command.help == help_text, (group_name, name)
            assert command.get_short_help_str(1000) == short_help(help_text, 1000), (group_name, name)


def test_help_loads_no_lazy_command_module() -> None:
    loaded, done = loaded_after(["--help"], extra=("quizdock.cli.commands.stats", "quizdock.cli.commands.challenge"))
    assert "challenge" in done.stdout and "stats" in done.stdout
    assert loaded == []


def test_a_typo_in_a_command_suggests_the_right_one() -> None:
    from typer.testing import CliRunner

    from quizdock.cli.typer_app import app

    for typo, meant in (("stat", "stats"), ("reviw", "review"), ("chalenge", "challenge")):
        result = CliRunner().invoke(app, [typo])
        assert result.exit_code == 2
        assert f"Did you mean {meant!r}?" in result.output


def test_every_help_screen_has_the_same_plain_layout() -> None:
    """Lazy commands too: their help keeps the docstring's paragraphs, with no boxes."""
    import typer
    from typer.testing import CliRunner

    from quizdock.cli.typer_app import app

    root = typer.main.get_command(app)
    commands = [[name] for name in root.list_commands(None)]  # type: ignore[attr-defined]
    for group in ("deck", "challenge", "export"):
        sub = root.get_command(None, group)  # type: ignore[attr-defined]
        commands += [[group, name] for name in sub.list_commands(None)]
    assert ["leeches"] in commands and ["deck", "test"] in commands
    for args in commands:
        result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, (args, result.output)
        assert result.output.startswith(f"Usage: quizdock {' '.join(args)} "), (args, result.output)
        assert "╭" not in result.output, args
