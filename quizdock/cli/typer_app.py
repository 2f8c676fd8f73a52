"""The command line: parse, call one function, render.

Only typer and quizdock's light modules are imported at the top, so `quizdock --help` and
`quizdock due` start fast; each command imports what it needs when it runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from quizdock import __version__
from quizdock.cli.clicktext import (
    LocalizedUsageError,
    early_language,
    is_usage_error,
    localize,
    localized_error,
    translate_message,
)
from quizdock.cli.commands import doctor as doctor_commands
from quizdock.cli.commands import help_texts
from quizdock.cli.commands import review as review_commands
from quizdock.cli.commands.common import LangOption, command_group, settings
from quizdock.cli.console import report
from quizdock.errors import ExitCode, QuizdockError, did_you_mean
from quizdock.i18n import N_, _, set_language

# Commands whose modules are imported only when one of them runs (or shows its own help), so
# `quizdock --help` does not build them. Per group: name -> (module, attribute, help); the
# command takes its help from the same text (quizdock.cli.commands.help_texts).
LAZY_COMMANDS: dict[str, dict[str, tuple[str, str, str]]] = {
    "quizdock": {
        "stats": ("quizdock.cli.commands.stats", "stats", help_texts.STATS),
        "leeches": ("quizdock.cli.commands.stats", "leeches", help_texts.LEECHES),
        "suspend": ("quizdock.cli.commands.stats", "suspend", help_texts.SUSPEND),
        "unsuspend": ("quizdock.cli.commands.stats", "unsuspend", help_texts.UNSUSPEND),
        "cards": ("quizdock.cli.commands.cards", "cards", help_texts.CARDS),
        "card": ("quizdock.cli.commands.cards", "card", help_texts.CARD),
        "unbury": ("quizdock.cli.commands.cards", "unbury", help_texts.UNBURY),
        "challenge": ("quizdock.cli.commands.challenge", "app", help_texts.CHALLENGE),
        "lab": ("quizdock.cli.commands.lab", "app", help_texts.LAB),
        "optimize": ("quizdock.cli.commands.optimize", "optimize", help_texts.OPTIMIZE),
        "simulate": ("quizdock.cli.commands.optimize", "simulate", help_texts.SIMULATE),
        "export": ("quizdock.cli.commands.export", "app", help_texts.EXPORT),
        "completion": ("quizdock.cli.commands.completion", "completion", help_texts.COMPLETION),
    },
    "deck": {
        "test": ("quizdock.cli.commands.challenge", "deck_test_command", help_texts.DECK_TEST),
    },
}


class QuizdockGroup(TyperGroup):
    """A command group that loads the commands of LAZY_COMMANDS when they are used, and turns
    quizdock's own errors and Ctrl-C into a message and an exit code, never a traceback. Its help
    and its messages are in the learner's language, decided before the command line is read.

    Unexpected exceptions still show their traceback: a bug should look like a bug.
    """

    @property
    def lazy(self) -> dict[str, tuple[str, str, str]]:
        return LAZY_COMMANDS.get(self.name or "", {})

    def main(self, args: Sequence[str] | None = None, *more: Any, **options: Any) -> Any:
        set_language(early_language(sys.argv[1:] if args is None else args))
        localize(self)
        try:
            return super().main(args, *more, **options)
        except LocalizedUsageError as error:  # typer shows click's own errors only
            if not options.get("standalone_mode", True):
                raise
            error.show()
            sys.exit(error.exit_code)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except typer.TyperException as error:
            raise localized_error(error) from None

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, attribute = self.lazy[cmd_name][:2]
            target = getattr(importlib.import_module(module), attribute)
            if not isinstance(target, typer.Typer):
                target = typer.Typer(add_completion=False, rich_markup_mode=None)
                target.command(cmd_name)(getattr(importlib.import_module(module), attribute))
            command = typer.main.get_command(target)
            command.name = cmd_name
            localize(command)
            self.commands[cmd_name] = command
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as error:
            if not is_usage_error(error):
                raise
            message = translate_message(error.message)
            hint = did_you_mean(args[0], self.list_commands(ctx)) if args else ""
            if hint and "Did you mean" not in error.message:
                message = f"{message.rstrip('.')}.{hint}"
            raise LocalizedUsageError(message, getattr(error, "ctx", None), error.exit_code) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (QuizdockError, KeyboardInterrupt, EOFError) as error:  # EOFError: Ctrl-D at a prompt
            raise typer.Exit(report(error)) from None
        except typer.TyperException as error:
            raise localized_error(error) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as error:
            damage = database_damage(error)
            if damage is None:
                raise  # a bug should look like a bug
            raise typer.Exit(report(damage)) from None


def what_next(columns: int | None = None) -> str:
    """What `quizdock` alone prints: the commands to start with, wrapped at spaces to ``columns``
    (the terminal's width by default), each description under its own first word."""
    import shutil
    import textwrap

    columns = columns or shutil.get_terminal_size().columns
    steps = (
        ("quizdock review", _("the cards due today, then new ones")),
        ("quizdock decks", _("the decks, their cards and what is due")),
        ("quizdock challenge list", _("the practical challenges, graded on Docker")),
        ("quizdock --help", _("every command and option")),
    )
    width = max(len(command) for command, _text in steps)
    wrapper = textwrap.TextWrapper(width=max(40, columns - 1), break_long_words=False, break_on_hyphens=False)
    lines = wrapper.wrap(_("quizdock {version}: learn Docker in the terminal. Start with:").format(version=__version__))
    for command, text in steps:
        lead = f"  {command:<{width}}  "
        wrapper.subsequent_indent = " " * len(lead)
        lines += wrapper.wrap(lead + text)
    return "\n".join(lines)


def database_damage(error: Exception) -> QuizdockError | None:
    """The learner's message when an unexpected error comes from a damaged database, else None.

    SQLite notices a damaged page only when a query reads it, anywhere in quizdock, and the
    made-up values it may read before (a date cut in half) fail in other ways: once something
    has failed, the whole file is checked (PRAGMA quick_check).
    """
    import sqlite3

    from quizdock.cli.commands.common import db_path
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
    help=N_(
        "Learn Docker in the terminal: flashcards with spaced repetition and practical challenges "
        "graded on your real Docker daemon."
    ),
    invoke_without_command=True,  # `quizdock` alone says what to do next
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
    ctx: typer.Context,
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--db",
            envvar="QUIZDOCK_DB",
            metavar=N_("PATH"),
            help=N_("The review database (default: in the user data dir)."),
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=N_("Show the version and exit."))
    ] = False,
    lang: LangOption = None,
) -> None:
    settings.db = db
    settings.lang = lang
    if ctx.invoked_subcommand is None:
        from quizdock.cli.commands.common import language

        language(lang)
        typer.echo(what_next())


app.command()(review_commands.review)
app.command()(review_commands.due)
app.command()(review_commands.decks)
app.command()(doctor_commands.doctor)

deck_app = command_group(N_("Work on deck files."), cls=QuizdockGroup)
app.add_typer(deck_app, name="deck")


@deck_app.command("check")
def deck_check(lang: LangOption = None) -> None:
    """Validate every deck file, and report a multiple-choice card whose right option stands out (exit 3).

    The database is not touched.
    """
    from quizdock.cli.commands.common import language

    language(lang)
    from quizdock.decks.choice_check import Giveaway, check_decks
    from quizdock.decks.loading import load_decks
    from quizdock.i18n import ngettext

    decks = load_decks()
    total = sum(len(d.cards) for d in decks)
    found = check_decks(decks)
    if found:
        for giveaway in found:
            typer.echo(giveaway)
        lists = sum(1 for item in found if isinstance(item, Giveaway))
        cues = len(found) - lists
        if lists:
            typer.echo(
                ngettext(
                    "{n} multiple-choice option list gives the answer away: a learner who does not know it "
                    "still picks the option that stands out.",
                    "{n} multiple-choice option lists give the answer away: a learner who does not know it "
                    "still picks the option that stands out.",
                    lists,
                ).format(n=lists),
                err=True,
            )
        if cues:
            typer.echo(
                ngettext(
                    "{n} cue across a deck points to the right options more often than chance.",
                    "{n} cues across a deck point to the right options more often than chance.",
                    cues,
                ).format(n=cues),
                err=True,
            )
        typer.echo(
            _("Fix:")
            + " "
            + _(
                "Rewrite the other options so they look like the right one (length, form), or the right one "
                "like them; then run `quizdock deck check` again."
            ),
            err=True,
        )
        raise typer.Exit(int(ExitCode.DECK))
    counted = ngettext("{n} deck", "{n} decks", len(decks)).format(n=len(decks))
    cards = ngettext("{n} card", "{n} cards", total).format(n=total)
    typer.echo(_("{decks}, {cards}: all valid.").format(decks=counted, cards=cards))


def main() -> None:
    if "_QUIZDOCK_COMPLETE" in os.environ:  # a shell asks for completions (quizdock completion SHELL)
        from typer.completion import completion_init

        completion_init()
    app()
