"""Where quizdock keeps its data and settings: the same folders as platformdirs, read faster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PROBE = """
import json, sys
from quizdock.support import paths
ours = {"data": str(paths.data_dir()), "config": str(paths.config_path())}
imported = "platformdirs" in sys.modules
import platformdirs
theirs = {
    "data": platformdirs.user_data_dir("quizdock", appauthor=False),
    "config": platformdirs.user_config_dir("quizdock", appauthor=False) + "/config.toml",
}
print(json.dumps({"ours": ours, "theirs": theirs, "imported": imported}))
"""


def _run(tmp_path: Path, **env: str) -> dict[str, object]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "QUIZDOCK_"))}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env={**base, "PYTHONPATH": str(REPO), **env},
        cwd=tmp_path,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    "env",
    [
        {"HOME": "/home/learner"},
        {"HOME": "/home/learner", "XDG_DATA_HOME": "/srv/data", "XDG_CONFIG_HOME": "/srv/conf"},
        {"HOME": "/home/learner", "XDG_DATA_HOME": "relative/data", "XDG_CONFIG_HOME": ""},
        {"HOME": "relative-home"},
    ],
)
def test_the_folders_are_platformdirs_folders(tmp_path: Path, env: dict[str, str]) -> None:
    result = _run(tmp_path, **env)
    assert result["ours"] == result["theirs"]


def test_an_absolute_home_on_linux_needs_no_platformdirs(tmp_path: Path) -> None:
    """`quizdock --help` and `due` read the settings' folder: platformdirs costs ~4 ms there."""
    result = _run(tmp_path, HOME="/home/learner")
    assert result["imported"] is (sys.platform != "linux")
