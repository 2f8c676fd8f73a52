"""The wheel carries the decks and the migrations; the README and CI run the same tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pexpect

from quizdock import __version__
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
    assert "quizdock/data/decks/basics.toml" in names
    assert "quizdock/data/alembic/env.py" in names
    assert any(re.match(r"quizdock/data/alembic/versions/0001_.*\.py$", n) for n in names)
    assert "quizdock/locale/fr/LC_MESSAGES/quizdock.mo" in names
    assert "quizdock/grading/docker_cli_teaching.json" in names  # the grader's model needs it

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
        [sys.executable, "-c", "from quizdock.support.paths import bundled_decks_dir; print(bundled_decks_dir())"],
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
    assert "| `quizdock deck test [ID...] [--trust] [--json] [--lang fr\\|en]` |" in readme
    assert "| `quizdock challenge check ID [--watch]" in readme


def test_the_readme_tables_follow_a_change_of_the_cli() -> None:
    """A command, an option or a help text changed in the code shows in the tables written anew."""
    from tools import docs

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = docs.commands()
    found[("due",)].help = "Count the cards."
    table = docs.table("daily", found)
    assert "| `quizdock due [--deck DECK] [--lang fr\\|en]` | Count the cards. |" in table
    assert docs.table("daily", docs.commands()) in readme  # built anew: the real help again


def test_the_quick_start_install_puts_only_quizdock_on_path_and_uninstall_keeps_the_data(tmp_path: Path) -> None:
    """`python3 -m quizdock.install` in a new home: a venv in the program folder, apart from the
    data folder, and one link in ~/.local/bin; an update says the version and what is new; an
    earlier install's environment in the data folder is removed, never the data; --uninstall keeps
    the data and says where; --purge asks first."""
    home = tmp_path / "learner"
    home.mkdir()
    real_config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(real_config),  # pip's own settings (index, local wheels) as on this machine
        "LANG": "C.UTF-8",
    }
    for name in ("XDG_DATA_HOME", "VIRTUAL_ENV", "QUIZDOCK_DB", "QUIZDOCK_LANG"):
        env.pop(name, None)
    settings = home / "settings" / "config.toml"  # never the machine's own settings
    settings.parent.mkdir()
    settings.write_text('lang = "en"\n')
    env["QUIZDOCK_CONFIG"] = str(settings)
    data = home / ".local" / "share" / "quizdock"
    old_venv = data / "venv"  # where 0.2 put the environment, beside the database
    old_venv.mkdir(parents=True)
    (old_venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (data / "quizdock.sqlite3").write_bytes(b"the learner's progress")

    def install(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "quizdock.install", *options],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )

    done = install()
    assert done.returncode == 0, done.stdout + done.stderr
    bin_dir = home / ".local" / "bin"
    program = home / ".local" / "lib" / "quizdock"
    venv = program / "venv"
    assert f"Installed quizdock {__version__}: {bin_dir / 'quizdock'} runs it." in done.stdout, done.stdout
    assert [p.name for p in bin_dir.iterdir()] == ["quizdock"]
    assert (bin_dir / "quizdock").resolve() == (venv / "bin" / "quizdock").resolve()
    assert f"{bin_dir} is not on your PATH" in done.stdout, done.stdout
    assert f"Removed the previous environment {old_venv}" in done.stdout
    assert not old_venv.exists() and (data / "quizdock.sqlite3").read_bytes() == b"the learner's progress"
    quizdock_alone = subprocess.run(
        [str(bin_dir / "quizdock")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert quizdock_alone.returncode == 0, quizdock_alone.stderr
    assert "quizdock review" in quizdock_alone.stdout
    assert (venv / "lib").is_dir() and not (bin_dir / "python").exists() and not (bin_dir / "pip").exists()

    # An update after a changelog entry appeared: it is printed, and only it.
    record = json.loads((program / "installed.json").read_text())
    newest = record["changelog"].pop(0)
    record["version"] = "0.2.0"
    (program / "installed.json").write_text(json.dumps(record))
    again = install()
    assert again.returncode == 0 and "Creating" not in again.stdout, again.stdout + again.stderr
    assert f"Updated quizdock from 0.2.0 to {__version__}" in again.stdout
    assert again.stdout.split("New since the last install:\n")[1].splitlines()[0] == f"- {newest}"
    same = install().stdout
    assert f"Reinstalled quizdock {__version__}" in same and "Nothing new in the changelog" in same, same

    (bin_dir / "quizdock").unlink()
    (bin_dir / "quizdock").write_text("#!/bin/sh\necho another quizdock\n")
    refused = install()
    assert refused.returncode == 1
    assert "exists and is not a link: it was left as it is." in refused.stderr and "Fix: Move it away" in refused.stderr
    assert (bin_dir / "quizdock").read_text() == "#!/bin/sh\necho another quizdock\n"
    (bin_dir / "quizdock").unlink()
    assert install().returncode == 0

    removed = install("--uninstall")
    assert removed.returncode == 0, removed.stderr
    assert not program.exists() and not (bin_dir / "quizdock").exists()
    assert (data / "quizdock.sqlite3").read_bytes() == b"the learner's progress"
    assert f"Your progress is kept in {data}" in removed.stdout
    nothing = install("--uninstall")
    assert nothing.returncode == 1 and "quizdock is not installed here" in nothing.stderr

    # --purge: refused without a terminal to confirm in, then confirmed in one.
    refused = install("--purge")
    assert refused.returncode == 1 and "not a terminal" in refused.stderr
    assert (data / "quizdock.sqlite3").exists()
    purge = pexpect.spawn(
        sys.executable, ["-m", "quizdock.install", "--purge"], cwd=str(REPO), env=env, encoding="utf-8", timeout=60
    )
    purge.expect("Type yes to delete them: ")
    purge.sendline("no")
    purge.expect(pexpect.EOF)
    purge.close()
    assert purge.exitstatus == 1 and (data / "quizdock.sqlite3").exists() and settings.exists()
    purge = pexpect.spawn(
        sys.executable, ["-m", "quizdock.install", "--purge"], cwd=str(REPO), env=env, encoding="utf-8", timeout=60
    )
    purge.expect("Type yes to delete them: ")
    purge.sendline("yes")
    purge.expect(pexpect.EOF)
    purge.close()
    assert purge.exitstatus == 0 and not data.exists() and not settings.exists()


def test_the_license_is_the_mit_license_pyproject_declares() -> None:
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the quizdock authors\n")
    assert 'license = "MIT"' in (REPO / "pyproject.toml").read_text()


def test_lint_format_and_types_are_ci_steps_of_their_own() -> None:
    """Not inside pytest: .ci/run runs them after the README's test command, on the same folders."""
    steps = (REPO / ".ci" / "run").read_text()
    assert "CODE=(quizdock tests tools alembic bench)" in steps
    for step in (
        '.venv/bin/ruff check "${CODE[@]}"',
        '.venv/bin/ruff format --check "${CODE[@]}"',
        ".venv/bin/mypy quizdock",
    ):
        assert step in steps
        assert steps.index(step) > steps.index(".venv/bin/python -m pytest")
    tests = "".join(path.read_text() for path in (REPO / "tests").glob("test_*.py") if path.name != "test_packaging.py")
    assert '"ruff"' not in tests and '"mypy"' not in tests


def test_the_installer_s_constraints_pin_every_run_time_dependency_and_ci_s_tools_are_pinned() -> None:
    """constraints.txt (tools/constraints.sh) gives an exact version for each library pyproject.toml
    needs at run time; ruff and mypy, which CI runs, are pinned too."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pinned = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
    for requirement in project["dependencies"]:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement)[0]).lower()  # type: ignore[index]
        assert name in pinned, f"{name} is missing from constraints.txt: run bash tools/constraints.sh"
    tools = [r for r in project["optional-dependencies"]["test"] if r.startswith(("ruff", "mypy"))]
    assert len(tools) == 2 and all("==" in r for r in tools), tools
