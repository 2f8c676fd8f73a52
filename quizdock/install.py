"""Install quizdock for this user as pipx installs an application: ``python3 -m quizdock.install``.

Run from a checkout of the repository. quizdock and its libraries go into a virtual environment
of their own in the user data folder (``~/.local/share/quizdock/venv``), and a link in
``~/.local/bin`` (pipx's folder for commands) puts ``quizdock`` on PATH, and nothing else: the
environment's python, pip and alembic stay out of it. Running it again updates quizdock from the
checkout. Only the standard library is used, as nothing else is installed yet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from quizdock.i18n import _, default_lang, set_language

CHECKOUT = Path(__file__).resolve().parent.parent
MINIMUM = (3, 11)


class InstallError(Exception):
    """Why the install stopped, and what to do about it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def data_dir() -> Path:
    """quizdock's user data folder, where its database lives too (XDG_DATA_HOME is honoured)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "quizdock"


def bin_dir() -> Path:
    return Path.home() / ".local" / "bin"


def run(command: list[str]) -> int:
    return subprocess.run(command, check=False).returncode


def install(checkout: Path = CHECKOUT) -> Path:
    """Create or update the environment and the link; the link's path."""
    if sys.version_info < MINIMUM:
        raise InstallError(
            _("quizdock needs Python 3.11 or newer; this is Python {version}.").format(
                version=".".join(map(str, sys.version_info[:3]))
            ),
            _("Run it with a newer Python: python3.12 -m quizdock.install, for example."),
        )
    if not (checkout / "pyproject.toml").is_file():
        raise InstallError(
            _("{path} is not a checkout of quizdock's repository.").format(path=checkout),
            _("Clone the repository, enter it and run python3 -m quizdock.install there."),
        )
    venv = data_dir() / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        print(_("Creating quizdock's environment in {path}…").format(path=venv), flush=True)
        if run([sys.executable, "-m", "venv", "--clear", str(venv)]) != 0 or not python.exists():
            raise InstallError(
                _("Python could not create the environment in {path}.").format(path=venv),
                _("On Debian or Ubuntu, install python3-venv (sudo apt install python3-venv), then run this again."),
            )
    print(_("Installing quizdock and its libraries into it (a minute the first time)…"), flush=True)
    code = run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(checkout)])
    if code != 0:
        raise InstallError(
            _("pip could not install quizdock (exit code {code}); its messages are above.").format(code=code),
            _("Check the network or what pip says, then run this again."),
        )
    return link(venv / "bin" / "quizdock", bin_dir() / "quizdock")


def link(target: Path, path: Path) -> Path:
    """``path`` made a link to ``target``; a link already there is replaced, anything else is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        raise InstallError(
            _("{path} exists and is not a link: it was left as it is.").format(path=path),
            _("Move it away (it may be another quizdock), then run this again."),
        )
    path.symlink_to(target)
    return path


def on_path(folder: Path) -> bool:
    found = shutil.which("quizdock", path=os.environ.get("PATH", ""))
    return found is not None and Path(found).parent.resolve() == folder.resolve()


def main() -> int:
    set_language(default_lang())
    try:
        path = install()
    except InstallError as error:
        print(_("Error: {message}").format(message=error.problem), file=sys.stderr)
        print(_("Fix:") + " " + error.fix, file=sys.stderr)
        return 1
    print(_("Installed: {path} runs quizdock.").format(path=path))
    if not on_path(path.parent):
        print(
            _(
                "{folder} is not on your PATH: add it to type quizdock alone (for example, add "
                'export PATH="$HOME/.local/bin:$PATH" to ~/.profile and log in again).'
            ).format(folder=path.parent)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
