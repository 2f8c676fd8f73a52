"""What the command modules share: options, the database location, consoles, store opening.

Imports here stay light (typer, rich, quizdock's own light modules): `quizdock --help` loads it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer

from quizdock.cli.review_options import DECK, LANG, OptionSpec
from quizdock.errors import NotATerminal
from quizdock.i18n import LANGS, Lang, _, quoted

if TYPE_CHECKING:
    from rich.console import Console

    from quizdock.storage.store import Store
    from quizdock.support.config import Config


def typer_option(option: OptionSpec) -> Any:
    """The Typer option of an option of the table (its spellings, value, help and bounds)."""
    lowest, highest = option.bounds or (None, None)
    return typer.Option(*option.flags, metavar=option.metavar, help=option.help, min=lowest, max=highest)


LangOption = Annotated[Optional[str], typer_option(LANG)]  # noqa: UP045 - typer reads the annotation
DeckOption = Annotated[Optional[str], typer_option(DECK)]  # noqa: UP045 - typer reads the annotation

F = TypeVar("F", bound=Callable[..., object])


def command_group(help_text: str, **options: Any) -> typer.Typer:
    """A group of commands (``quizdock lab ...``) as quizdock shows them: plain help screens, no
    shell-completion options, its help when called alone."""
    return typer.Typer(help=help_text, no_args_is_help=True, add_completion=False, rich_markup_mode=None, **options)


def command(function: F) -> F:
    """Marks a command: its docstring is its help, a message of the catalogue (tools/messages.py)."""
    return function


def command_with_help(text: str) -> Callable[[F], F]:
    """Marks a command whose help is `text`, one of `quizdock.cli.commands.help_texts` (where
    `quizdock --help` reads it too), in place of a docstring."""

    def mark(function: F) -> F:
        function.__doc__ = text
        return function

    return mark


@dataclass
class Settings:
    """Set by the root callback from the global options."""

    db: Path | None = None
    lang: str | None = None  # --lang before the command


settings = Settings()


def db_path() -> Path:
    from quizdock.support.paths import default_db_path

    return settings.db.expanduser() if settings.db else default_db_path()


def console() -> Console:
    from quizdock.cli.console import learner_console

    return learner_console()


def load_settings() -> Config:
    from quizdock.support.config import load_config

    return load_config()


def language(chosen: str | None) -> Lang:
    """The command's language (``--lang``, else the config, else the locale); its messages speak it."""
    chosen = chosen if chosen is not None else settings.lang
    if chosen is not None and chosen not in LANGS:
        raise typer.BadParameter(
            _("{value} is not a language quizdock has; use fr or en.").format(value=quoted(chosen)), param_hint="--lang"
        )
    return load_settings().use_language(chosen)


def open_store(*, sync: bool = True) -> Store:
    """Open the learner's database (migrated first) and load changed deck files into it."""
    from quizdock.storage.store import Store
    from quizdock.support import clock
    from quizdock.support.paths import deck_dirs

    store = Store.open(db_path())
    if sync:
        try:
            store.sync_decks(deck_dirs(), clock.now())
        except BaseException:
            store.close()
            raise
    return store


def require_terminal(command: str) -> None:
    """Interactive commands refuse to run without a terminal on stdin."""
    if not sys.stdin.isatty():
        raise NotATerminal(
            _(
                "`quizdock {command}` asks questions and needs a terminal, but standard input is not one "
                "(a pipe, a file or a script)."
            ).format(command=command),
            _("Run it in a terminal (over ssh, use `ssh -t`)."),
        )


def check_deck(store: Store, deck: str | None) -> None:
    """Refuse an unknown --deck, suggesting the closest deck id."""
    if deck is None:
        return
    known = store.deck_ids()
    if deck not in known:
        from quizdock.errors import NotFound, did_you_mean

        hint = did_you_mean(deck, known)
        raise NotFound(
            _("There is no deck {deck}.").format(deck=quoted(deck)) + hint,
            _("Decks: {decks} (see `quizdock decks`).").format(decks=", ".join(known)),
        )
