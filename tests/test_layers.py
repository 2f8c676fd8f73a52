"""The layers of docs/architecture.md hold, and the tool that keeps them would see them broken.

import-linter reads pyproject.toml's contracts; CI runs it (.ci/run). Here it runs on the package
as it is, then on copies with one forbidden import added, which must fail the right contract.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "quizdock", tmp_path / "quizdock", ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_every_contract() -> None:
    done = lint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "added", "contract", "said"),
    [
        (
            "core/grade.py",
            "import rich\n",
            "Only the command line prints or prompts",
            "quizdock.core is not allowed to import rich",
        ),
        (
            "lab/certs.py",
            "def _later() -> None:\n    import questionary  # noqa: F401\n",
            "Only the command line prints or prompts",
            "quizdock.lab is not allowed to import questionary",
        ),
        (
            "decks/cards.py",
            "from quizdock.cli.console import plain_console  # noqa: F401\n",
            "Layers: each imports only from the layers below it",
            "quizdock.decks is not allowed to import quizdock.cli",
        ),
        (
            "grading/values.py",
            "import docker  # noqa: F401\n",
            "The deck model, the challenges and the grader need neither Docker nor a database",
            "quizdock.grading is not allowed to import docker",
        ),
        (
            "storage/records.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import docker  # noqa: F401\n",
            "Storage and export never reach Docker",
            "quizdock.storage is not allowed to import docker",
        ),
        (
            "core/grade.py",
            "def _later() -> None:\n    from quizdock.core import queue  # noqa: F401\n",
            "No import cycles, between packages or modules",
            "No cycles are allowed in quizdock.core",
        ),
    ],
    ids=[
        "rich-in-core",
        "questionary-in-lab-function",
        "cli-from-decks",
        "docker-in-grading",
        "docker-typing-in-storage",
        "cycle-in-core",
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, added: str, contract: str, said: str
) -> None:
    root = copy_of_the_package(tmp_path)
    target = root / "quizdock" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + added, encoding="utf-8")
    done = lint(root)
    assert done.returncode != 0, done.stdout
    broken = done.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, done.stdout
    assert said in broken, done.stdout
