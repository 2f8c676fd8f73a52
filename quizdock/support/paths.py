"""Where quizdock finds its decks and migrations and keeps the learner's data.

``decks/`` and ``alembic/`` sit at the top of the repository and are copied into the package's
``data/`` folder when the wheel is built, so both a checkout and an installed wheel find them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
APP_NAME = "quizdock"


def _bundled(name: str) -> Path:
    inside = PACKAGE_DIR / "data" / name  # installed wheel
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name  # source checkout


def bundled_decks_dir() -> Path:
    return _bundled("decks")


def alembic_dir() -> Path:
    return _bundled("alembic")


def deck_dirs() -> list[Path]:
    """The deck directories: ``QUIZDOCK_DECKS`` (separated by os.pathsep) or the bundled decks."""
    configured = os.environ.get("QUIZDOCK_DECKS")
    if not configured:
        return [bundled_decks_dir()]
    directories = [Path(p).expanduser() for p in configured.split(os.pathsep) if p]
    for directory in directories:
        if not directory.is_dir():
            from quizdock.errors import ExitCode, QuizdockError
            from quizdock.i18n import _

            # Loading no decks would retire every card: refuse instead.
            if directory.exists():
                problem = _("The deck directory {directory} (from QUIZDOCK_DECKS) is not a directory.")
            else:
                problem = _("The deck directory {directory} (from QUIZDOCK_DECKS) does not exist.")
            raise QuizdockError(
                problem.format(directory=directory),
                _("Point QUIZDOCK_DECKS at a directory of deck files, or unset it to use the bundled decks."),
                exit_code=ExitCode.DECK,
            )
    return directories


def _xdg_dir(variable: str, default: str) -> Path | None:
    """platformdirs' answer on Linux, read from the environment without importing it.

    Importing platformdirs costs ~4 ms of `quizdock --help` and `quizdock due` (bench/run.py);
    on Linux its rule is short: ``$XDG_..._HOME`` when absolute, else ``$HOME/<default>``.
    None where platformdirs knows more (other systems, Android, no absolute HOME); the
    tests compare both on this machine.
    """
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ:
        return None
    xdg = os.environ.get(variable, "")
    if os.path.isabs(xdg):
        return Path(xdg) / APP_NAME
    home = os.environ.get("HOME", "")
    return Path(home) / default / APP_NAME if os.path.isabs(home) else None


def data_dir() -> Path:
    fast = _xdg_dir("XDG_DATA_HOME", ".local/share")
    if fast is not None:
        return fast
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """``QUIZDOCK_DB`` or ``<user data dir>/quizdock.sqlite3``."""
    configured = os.environ.get("QUIZDOCK_DB")
    if configured:
        return Path(configured).expanduser()
    return data_dir() / "quizdock.sqlite3"


def config_path() -> Path:
    """``QUIZDOCK_CONFIG`` or ``<user config dir>/config.toml``."""
    configured = os.environ.get("QUIZDOCK_CONFIG")
    if configured:
        return Path(configured).expanduser()
    fast = _xdg_dir("XDG_CONFIG_HOME", ".config")
    if fast is not None:
        return fast / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"
