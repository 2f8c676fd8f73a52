"""`quizdock review`, `quizdock due` and `quizdock decks`: the daily use."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from quizdock.cli.commands.common import (
    DeckOption,
    LangOption,
    check_deck,
    command,
    console,
    db_path,
    language,
    open_store,
    require_terminal,
    typer_option,
)
from quizdock.cli.review_options import LIMIT, NEW, ReviewOptions
from quizdock.i18n import _


@command
def review(
    deck: DeckOption = None,
    limit: Annotated[Optional[int], typer_option(LIMIT)] = None,  # noqa: UP045 - typer reads the annotation
    new: Annotated[Optional[int], typer_option(NEW)] = None,  # noqa: UP045 - typer reads the annotation
    lang: LangOption = None,
) -> None:
    """Review the cards due today, then new cards, then today's repeats (kept across sessions).

    Grade with one key (0-5; s b u to suspend, bury, undo). Multiple-choice options come in a new
    order each time. Without Docker, practical cards wait for another day.

    Under FSRS (scheduler = "fsrs") the grades are Anki's buttons: 0-2 Again, 3 Hard, 4 Good,
    5 Easy.
    """
    require_terminal("review")
    from quizdock.cli.commands.common import load_settings
    from quizdock.cli.console import status_line
    from quizdock.cli.review_session import review_console, run_review
    from quizdock.support import clock

    given = language(lang)  # explains a wrong --lang, and reads --lang before the command
    config = load_settings()
    chosen, out = review_console(config, given)
    # The first time (or after an update) the database is made or migrated and the decks loaded.
    with status_line(out, _("Opening your collection…")):
        store = open_store()
    with store:
        check_deck(store, deck)
        store.use_scheduler(config.scheduler, config.desired_retention)
        run_review(store, ReviewOptions(deck, limit, new, chosen), config, chosen, out, clock.today())


@command
def due(deck: DeckOption = None, lang: LangOption = None) -> None:
    """Print how many cards are due now (light: made for a shell prompt)."""
    from quizdock.support import clock

    if lang is not None:  # only its errors speak; the settings file is read only when asked
        language(lang)
    from quizdock.storage.quick import count_due

    count = count_due(db_path(), clock.today(), deck=deck)
    if count is None:
        # No database yet, one to migrate, an unknown deck, or due days to switch back to SM-2:
        # the full path, once.
        from quizdock.cli.commands.common import load_settings

        config = load_settings()
        with open_store() as store:
            check_deck(store, deck)
            store.use_scheduler(config.scheduler, config.desired_retention)
            count = store.count_due(clock.today(), deck=deck)
    typer.echo(count)


@command
def decks(lang: LangOption = None) -> None:
    """List the decks with their card counts, cards due today and new cards."""
    from rich.table import Table

    from quizdock.cli.console import shown
    from quizdock.support import clock

    chosen = language(lang)
    with open_store() as store:
        summaries = store.deck_summaries(clock.today())
    table = Table(_("deck"), _("title"), _("cards"), _("due"), _("new"))
    for summary in summaries:
        # A title is deck text: shown as text, never as markup or terminal control.
        title = shown(summary.title.get(chosen))
        table.add_row(shown(summary.id), title, str(summary.cards), str(summary.due), str(summary.new))
    table.add_section()
    table.add_row(_("all"), "", *(str(sum(getattr(s, f) for s in summaries)) for f in ("cards", "due", "new")))
    console().print(table)
