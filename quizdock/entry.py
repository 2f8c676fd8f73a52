"""The `quizdock` entry point: `quizdock due`, `review` and `--version` start without the CLI framework.

`quizdock due` is made to sit in a shell prompt, which runs it after every command, so its
plain forms (`quizdock [--db PATH] due [--deck D]`) are parsed here and answered with sqlite3
alone. The plain forms of `quizdock review` draw their first card before Typer or SQLAlchemy is
loaded (quizdock.cli.fast_review). Every other command line, and these on a database that needs
creating or migrating, goes to the Typer app in quizdock.cli.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from quizdock import __version__

        print(f"quizdock {__version__}")
        return
    fast = _parse_due(sys.argv[1:])
    if fast is not None and _answer_due(*fast):
        return
    review = split_command(sys.argv[1:], "review")
    if review is not None:
        from quizdock.cli.fast_review import main as quick_review

        if quick_review(*review):
            return
    from quizdock.cli.typer_app import main as cli_main

    cli_main()


def split_command(args: list[str], command: str) -> tuple[str | None, list[str]] | None:
    """``(--db value or None, the options after command)`` for `[--db PATH] COMMAND ...`; None
    when anything else stands before the command (the CLI parses that)."""
    db: str | None = None
    rest = list(args)
    while rest and rest[0] != command:
        option = rest.pop(0)
        if option == "--db" and rest:
            db = rest.pop(0)
        elif option.startswith("--db="):
            db = option.removeprefix("--db=")
        else:
            return None
    if not rest:
        return None
    return db, rest[1:]


def _parse_due(args: list[str]) -> tuple[Path | None, str | None] | None:
    """(db, deck) for a plain `due` command line; None for anything else."""
    split = split_command(args, "due")
    if split is None:
        return None
    db, rest = split
    deck: str | None = None
    while rest:
        option = rest.pop(0)
        if option in ("--deck", "-d") and rest:
            deck = rest.pop(0)
        elif option.startswith("--deck="):
            deck = option.removeprefix("--deck=")
        else:
            return None
    if db == "" or deck == "":
        return None
    return (Path(db).expanduser() if db else None), deck


def _answer_due(db: Path | None, deck: str | None) -> bool:
    """Print the due count; False when the full CLI must answer instead."""
    from quizdock.errors import QuizdockError
    from quizdock.storage.quick import count_due
    from quizdock.support import clock
    from quizdock.support.paths import default_db_path

    try:
        count = count_due(db or default_db_path(), clock.today(), deck=deck)
    except QuizdockError:
        return False  # the CLI reports it, with its exit code
    if count is None:
        return False  # a database to create or migrate, or an unknown deck
    print(count)
    return True
