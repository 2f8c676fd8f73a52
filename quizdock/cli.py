"""The command line: parse, call one function, render.

Only typer and quizdock's light modules are imported at the top, so `quizdock --help` and
`quizdock due` start fast; each command imports what it needs when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer._click.exceptions import ClickException, UsageError
from typer._click.utils import make_default_short_help
from typer.core import TyperGroup

from quizdock import __version__
from quizdock.commands import doctor as doctor_commands
from quizdock.commands import review as review_commands
from quizdock.commands.common import error_console, settings
from quizdock.errors import ExitCode, QuizdockError, did_you_mean, report

# Commands whose modules are imported only when one of them runs (or shows its own help), so
# `quizdock --help` does not build them. Per group: name -> (module, attribute, short help);
# a test checks each short help against the command's own.
LAZY_COMMANDS: dict[str, dict[str, tuple[str, str, str]]] = {
    "quizdock": {
        "stats": (
            "quizdock.commands.stats",
            "stats",
            "Show your progress: today, streak, a year of reviews, the 30-day forecast, retention, card states.",
        ),
        "leeches": (
            "quizdock.commands.stats",
            "leeches",
            "List the leeches: cards that lapsed 8 times or more (graded below 3 after being learned).",
        ),
        "suspend": (
            "quizdock.commands.stats",
            "suspend",
            "Suspend a card: it stays out of every review (its schedule is kept) until `quizdock unsuspend ID`.",
        ),
        "unsuspend": (
            "quizdock.commands.stats",
            "unsuspend",
            "Bring a suspended card (a leech, or one you suspended) back into the reviews.",
        ),
        "challenge": (
            "quizdock.commands.challenge",
            "app",
            "Practical challenges, graded by the state of your Docker daemon.",
        ),
        "lab": (
            "quizdock.commands.lab",
            "app",
            "Your private lab: a Docker engine of quizdock's own where challenges run.",
        ),
        "export": (
            "quizdock.commands.export",
            "app",
            "Export the decks for Anki: a package (.apkg) or a text file.",
        ),
    },
    "deck": {
        "test": (
            "quizdock.commands.challenge",
            "deck_test_command",
            "Prove every challenge in a lab of its own: fails after setup, passes after its solution, cleans up.",
        ),
    },
}


class QuizdockGroup(TyperGroup):
    """A command group that loads the commands of LAZY_COMMANDS when they are used, and turns
    quizdock's own errors and Ctrl-C into a message and an exit code, never a traceback.

    Unexpected exceptions still show their traceback: a bug should look like a bug.
    """

    @property
    def lazy(self) -> dict[str, tuple[str, str, str]]:
        return LAZY_COMMANDS.get(self.name or "", {})

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, attribute, _ = self.lazy[cmd_name]
            target = getattr(importlib.import_module(module), attribute)
            if not isinstance(target, typer.Typer):
                target = typer.Typer(add_completion=False, rich_markup_mode=None)
                target.command(cmd_name)(getattr(importlib.import_module(module), attribute))
            command = typer.main.get_command(target)
            command.name = cmd_name
            self.commands[cmd_name] = command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            if name in self.commands:
                if not self.commands[name].hidden:
                    rows.append((name, self.commands[name].get_short_help_str(limit)))
            else:
                rows.append((name, make_default_short_help(self.lazy[name][2], limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            hint = did_you_mean(args[0], self.list_commands(ctx)) if args else ""
            if hint and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}.{hint}"
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (QuizdockError, KeyboardInterrupt, EOFError) as error:  # EOFError: Ctrl-D at a prompt
            raise typer.Exit(report(error)) from None
        except (ClickException, typer.Exit, typer.Abort):
            raise
        except Exception as error:
            damage = database_damage(error)
            if damage is None:
                raise  # a bug should look like a bug
            from quizdock.plaintext import shown

            error_console().print(f"[bold red]Error:[/bold red] {shown(str(damage))}", soft_wrap=True)
            raise typer.Exit(int(damage.exit_code)) from None


def database_damage(error: Exception) -> QuizdockError | None:
    """The learner's message when an unexpected error comes from a damaged database, else None.

    SQLite notices a damaged page only when a query reads it, anywhere in quizdock, and the
    made-up values it may read before (a date cut in half) fail in other ways: once something
    has failed, the whole file is checked (PRAGMA quick_check).
    """
    import sqlite3

    from quizdock.commands.common import db_path
    from quizdock.storage.migrate import damaged, explain, quick_check

    path = db_path()
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, sqlite3.DatabaseError) and not isinstance(cause, sqlite3.IntegrityError):
        return explain(path, cause)
    try:
        if not path.is_file():
            return None
    except OSError:
        return None
    found = quick_check(path)
    return damaged(path, found) if found is not None else None


app = typer.Typer(
    cls=QuizdockGroup,
    name="quizdock",
    help="Learn Docker in the terminal: flashcards with spaced repetition and practical challenges "
    "graded on your real Docker daemon.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quizdock {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", envvar="QUIZDOCK_DB", help="The review database (default: in the user data dir)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    settings.db = db


app.command()(review_commands.review)
app.command()(review_commands.due)
app.command()(review_commands.decks)
app.command()(doctor_commands.doctor)

deck_app = typer.Typer(
    cls=QuizdockGroup, help="Work on deck files.", no_args_is_help=True, add_completion=False, rich_markup_mode=None
)
app.add_typer(deck_app, name="deck")


@deck_app.command("check")
def deck_check() -> None:
    """Validate every deck file without touching the database.

    Also reports a multiple-choice card whose right option stands out (exit 3).
    """
    from quizdock.choice_check import check_decks
    from quizdock.decks import load_decks

    decks = load_decks()
    total = sum(len(d.cards) for d in decks)
    found = check_decks(decks)
    if found:
        for giveaway in found:
            typer.echo(giveaway)
        typer.echo(
            f"{len(found)} multiple-choice option list(s) give the answer away: a learner who does not know it "
            "still picks the option that stands out. Fix: rewrite the other options so they look like the right "
            "one (length, form), or the right one like them; then run `quizdock deck check` again.",
            err=True,
        )
        raise typer.Exit(int(ExitCode.DECK))
    typer.echo(f"{len(decks)} decks, {total} cards: all valid.")


def main() -> None:
    app()
