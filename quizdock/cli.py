"""The command line: parse, call one function, render.

Only typer and quizdock's light modules are imported at the top, so `quizdock --help` and
`quizdock due` start fast; each command imports what it needs when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from quizdock import __version__
from quizdock.commands import challenge as challenge_commands
from quizdock.commands import doctor as doctor_commands
from quizdock.commands import export as export_commands
from quizdock.commands import review as review_commands
from quizdock.commands import stats as stats_commands
from quizdock.commands.common import error_console, settings
from quizdock.errors import ExitCode, QuizdockError


class QuizdockGroup(TyperGroup):
    """Turns quizdock's own errors and Ctrl-C into a message and an exit code, never a traceback.

    Unexpected exceptions still show their traceback: a bug should look like a bug.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except QuizdockError as error:
            from rich.markup import escape

            error_console().print(f"[bold red]Error:[/bold red] {escape(str(error))}", soft_wrap=True)
            raise typer.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:
            error_console().print("Interrupted.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


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
app.command()(stats_commands.stats)
app.command()(stats_commands.leeches)
app.command()(stats_commands.suspend)
app.command()(stats_commands.unsuspend)
app.command()(doctor_commands.doctor)

deck_app = typer.Typer(cls=QuizdockGroup, help="Work on deck files.", no_args_is_help=True)
app.add_typer(deck_app, name="deck")
app.add_typer(export_commands.app, name="export")
app.add_typer(challenge_commands.app, name="challenge")
deck_app.command("test")(challenge_commands.deck_test_command)


@deck_app.command("check")
def deck_check() -> None:
    """Validate every deck file without touching the database."""
    from quizdock.decks import load_decks

    decks = load_decks()
    total = sum(len(d.cards) for d in decks)
    typer.echo(f"{len(decks)} decks, {total} cards: all valid.")


def main() -> None:
    app()
