"""Install, update or remove quizdock for this user, as pipx does for an application.

``python3 -m quizdock.install`` (from a checkout of the repository) puts quizdock and its
libraries in a virtual environment of their own, the program folder
(``~/.local/lib/quizdock``), and one link, ``~/.local/bin/quizdock``, on PATH: nothing else (not
the environment's python, pip or alembic). Running it again updates quizdock and prints the
changelog entries that are new since the last install. ``--uninstall`` removes the program and
the link and keeps the learner's data (it says where); ``--purge`` also deletes the data and
settings, after a confirmation.

The program folder is apart from the data folder (``~/.local/share/quizdock``): deleting one
never deletes the other. Only the standard library is used, as nothing else is installed yet.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from quizdock import __version__
from quizdock.i18n import N_, _, default_lang, set_language

CHECKOUT = Path(__file__).resolve().parent.parent
MINIMUM = (3, 11)
# What the program folder records of the last install: the version and the changelog entries
# already shown, so an update prints only what is new.
RECORD = "installed.json"
# Asked before --purge deletes anything.
CONFIRMATION = N_("yes")


class InstallError(Exception):
    """Why the install stopped, and what to do about it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def program_dir() -> Path:
    """Where the program lives: its virtual environment and the install record."""
    return Path.home() / ".local" / "lib" / "quizdock"


def bin_dir() -> Path:
    return Path.home() / ".local" / "bin"


def run(command: list[str]) -> int:
    return subprocess.run(command, check=False).returncode


def changelog_entries(changelog: Path) -> list[str]:
    """The changelog's entries (its bullets, each on one line), newest first as the file has them."""
    try:
        lines = changelog.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries: list[str] = []
    for line in lines:
        if line.startswith("- "):
            entries.append(line[2:].strip())
        elif line.startswith("  ") and entries and line.strip():
            entries[-1] += " " + line.strip()
    return entries


def read_record(folder: Path) -> dict[str, object]:
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def install(checkout: Path = CHECKOUT) -> tuple[Path, list[str], str | None]:
    """Create or update the environment and the link.

    Returns the link, the changelog entries that are new since the last install (empty on a
    first install), and the version installed before (None on a first install).
    """
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
    folder = program_dir()
    before = read_record(folder)
    venv = folder / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        print(_("Creating quizdock's environment in {path}…").format(path=venv), flush=True)
        if run([sys.executable, "-m", "venv", "--clear", str(venv)]) != 0 or not python.exists():
            raise InstallError(
                _("Python could not create the environment in {path}.").format(path=venv),
                _("On Debian or Ubuntu, install python3-venv (sudo apt install python3-venv), then run this again."),
            )
    print(_("Installing quizdock and its libraries into it (a minute the first time)…"), flush=True)
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    constraints = checkout / "constraints.txt"
    if constraints.is_file():  # the versions quizdock is tested with
        command += ["--constraint", str(constraints)]
    code = run([*command, str(checkout)])
    if code != 0:
        raise InstallError(
            _("pip could not install quizdock (exit code {code}); its messages are above.").format(code=code),
            _("Check the network or what pip says, then run this again."),
        )
    path = link(venv / "bin" / "quizdock", bin_dir() / "quizdock")
    entries = changelog_entries(checkout / "CHANGELOG.md")
    seen = before.get("changelog")
    new = [entry for entry in entries if entry not in seen] if isinstance(seen, list) else []
    (folder / RECORD).write_text(json.dumps({"version": __version__, "changelog": entries}, indent=1) + "\n")
    remove_old_environment(venv)
    previous = before.get("version")
    return path, new, previous if isinstance(previous, str) else None


def remove_old_environment(current: Path) -> None:
    """Up to 0.2 the environment lived in the data folder: remove it there, never the data."""
    old = learner_folders()[0] / "venv"
    if old.resolve() != current.resolve() and (old / "pyvenv.cfg").is_file():
        shutil.rmtree(old, ignore_errors=True)
        print(_("Removed the previous environment {path} (your data stays where it is).").format(path=old))


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


def learner_folders() -> tuple[Path, Path]:
    """The data folder and the settings file, by quizdock's own rule (:mod:`quizdock.support.paths`).

    Off Linux that rule needs platformdirs, which the Python running this may lack: then the
    installed environment answers.
    """
    try:
        from quizdock.support.paths import config_path, data_dir

        return data_dir(), config_path()
    except ImportError:
        python = program_dir() / "venv" / "bin" / "python"
        code = "from quizdock.support.paths import config_path, data_dir; print(data_dir()); print(config_path())"
        found = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
        lines = found.stdout.splitlines()
        if found.returncode != 0 or len(lines) != 2:
            raise InstallError(
                _("quizdock's data folder could not be found ({python} did not answer).").format(python=python),
                _("Run python3 -m quizdock.install first, then this again."),
            ) from None
        return Path(lines[0]), Path(lines[1])


def uninstall(purge: bool, ask: Callable[[str], str]) -> list[Path]:
    """Remove the program and its link; with ``purge``, the data folder and settings too.

    Returns what was removed. Raises InstallError when nothing of quizdock is installed, or when
    the purge was not confirmed (then nothing is removed).
    """
    folder, link_path = program_dir(), bin_dir() / "quizdock"
    ours = link_path.is_symlink() and Path(os.readlink(link_path)).is_relative_to(folder)
    data, settings = learner_folders()
    doomed = [p for p in (folder,) if p.exists()] + ([link_path] if ours else [])
    if purge:
        doomed += [p for p in (data, settings) if p.exists()]
    if not doomed:
        raise InstallError(
            _("quizdock is not installed here ({path} does not exist).").format(path=folder),
            _("Nothing to remove. pipx uninstall quizdock removes a copy installed with pipx."),
        )
    if purge and any(p in (data, settings) for p in doomed):
        print(_("This deletes your progress and settings for good:"))
        for path in doomed:
            print(f"  {path}")
        answer = ask(_("Type {word} to delete them: ").format(word=_(CONFIRMATION)))
        if answer.strip().lower() != _(CONFIRMATION):
            raise InstallError(_("Nothing was deleted."), _("Run it again and type the word asked to delete."))
    for path in doomed:
        if path.is_symlink() or path.is_file():
            path.unlink()
        else:
            shutil.rmtree(path)
    return doomed


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python3 -m quizdock.install",
        description=_("Install or update quizdock for this user; or remove it."),
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--uninstall", action="store_true", help=_("remove the program and its link, keep your progress")
    )
    group.add_argument("--purge", action="store_true", help=_("remove the program, your progress and settings"))
    return parser.parse_args(argv)


def ask_in_terminal(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise InstallError(
            _("--purge asks for a confirmation and this is not a terminal."),
            _("Run it in a terminal, or delete the folders listed above yourself."),
        )
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        print()
        return ""


def main(argv: list[str] | None = None) -> int:
    set_language(default_lang())
    options = parse(sys.argv[1:] if argv is None else argv)
    try:
        if options.uninstall or options.purge:
            return report_removal(uninstall(options.purge, ask_in_terminal), options.purge)
        path, new, previous = install()
    except InstallError as error:
        print(_("Error: {message}").format(message=error.problem), file=sys.stderr)
        print(_("Fix:") + " " + error.fix, file=sys.stderr)
        return 1
    if previous is None:
        print(_("Installed quizdock {version}: {path} runs it.").format(version=__version__, path=path))
    elif previous == __version__:
        print(_("Reinstalled quizdock {version}: {path} runs it.").format(version=__version__, path=path))
    else:
        print(
            _("Updated quizdock from {previous} to {version}: {path} runs it.").format(
                previous=previous, version=__version__, path=path
            )
        )
    if previous is not None:
        if new:
            print(_("New since the last install:"))
            for entry in new:
                print(f"- {entry}")
        else:
            print(_("Nothing new in the changelog since the last install."))
    if not on_path(path.parent):
        print(
            _(
                "{folder} is not on your PATH: add it to type quizdock alone (for example, add "
                'export PATH="$HOME/.local/bin:$PATH" to ~/.profile and log in again).'
            ).format(folder=path.parent)
        )
    return 0


def report_removal(removed: list[Path], purge: bool) -> int:
    for path in removed:
        print(_("Removed {path}").format(path=path))
    if not purge:
        data, settings = learner_folders()
        if settings.exists():
            kept = _("Your progress is kept in {data} and your settings in {settings}.")
        else:
            kept = _("Your progress is kept in {data}.")
        print(kept.format(data=data, settings=settings))
        print(_("python3 -m quizdock.install --purge deletes them too."))
    return 0


def on_path(folder: Path) -> bool:
    found = shutil.which("quizdock", path=os.environ.get("PATH", ""))
    return found is not None and Path(found).parent.resolve() == folder.resolve()


if __name__ == "__main__":
    raise SystemExit(main())
