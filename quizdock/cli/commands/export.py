"""`quizdock export anki` and `quizdock export csv`: the decks for Anki.

Only typer and the shared options are imported here; genanki, SQLAlchemy and the writers load
when a command runs, so `quizdock --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from quizdock.cli.commands import help_texts
from quizdock.cli.commands.common import DeckOption, LangOption, command_group, db_path, language, open_store
from quizdock.i18n import N_, _, ngettext, os_reason, quoted

if TYPE_CHECKING:
    from quizdock.core.fsrs import Fsrs
    from quizdock.export import ExportCard

app = command_group(help_texts.EXPORT)

OutputOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation
    typer.Option("--output", "-o", dir_okay=False, metavar=N_("FILE"), help=N_("The file to write.")),
]


@app.command("anki")
def anki(
    output: OutputOption = None,
    deck: DeckOption = None,
    lang: LangOption = None,
    with_progress: Annotated[
        bool,
        typer.Option(
            "--with-progress",
            help=N_(
                "Also export each card's schedule (interval, due date, ease, answers, lapses, suspension) "
                "and review history."
            ),
        ),
    ] = False,
) -> None:
    """Write the decks as an Anki package (.apkg).

    The file is quizdock.apkg (quizdock-DECK.apkg with --deck) unless -o names one. Decks
    become Docker::<deck>, topics become tags. Importing a newer export updates the notes
    already in Anki (only cards whose text changed), it never duplicates them.

    With --with-progress, reviewed cards keep their schedule in Anki, but only when you tick
    "Import any learning progress" in Anki's import dialog, and only for cards new to the Anki
    collection: cards already there keep the schedule Anki has for them.
    """
    from quizdock.export.anki import write_package
    from quizdock.support.text import printable

    chosen = language(lang)
    path = _output(output, deck, ".apkg")
    fsrs = _fsrs() if with_progress else None
    cards = _read(deck, with_progress=with_progress)
    with _writing(path):
        summary = write_package(cards, path, lang=chosen, with_progress=with_progress, fsrs=fsrs)
    line = _wrote(summary.notes, summary.decks, printable(str(path)), chosen)
    if with_progress:
        reviewed = ngettext("{n} reviewed card", "{n} reviewed cards", summary.review_cards)
        answers = ngettext("{n} answer", "{n} answers", summary.reviews)
        line += _(", with the schedule of {cards} and {answers}").format(
            cards=reviewed.format(n=summary.review_cards), answers=answers.format(n=summary.reviews)
        )
        if summary.suspended:
            suspended = ngettext("({n} suspended)", "({n} suspended)", summary.suspended)
            line += " " + suspended.format(n=summary.suspended)
    typer.echo(line + ".")
    hint = _("In Anki: File > Import, choose the file.")
    if with_progress:
        hint += " " + _('Tick "Import any learning progress" to keep the schedule (cards new to the collection only).')
    typer.echo(hint)
    if fsrs is not None:
        typer.echo(
            _(
                "Under FSRS: in Anki, turn FSRS on, and in the deck's options leave the learning and relearning "
                "steps empty, set the desired retention to {retention} and the FSRS parameters to:"
            ).format(retention=fsrs.desired_retention)
        )
        typer.echo(", ".join(f"{w:.4f}" for w in fsrs.weights))


def _fsrs() -> Fsrs | None:
    """The scheduler in use when it is FSRS (its memory states brought up to date), else None."""
    from quizdock.cli.commands.common import load_settings

    config = load_settings()
    if config.scheduler != "fsrs":
        return None
    with open_store() as store:
        return store.use_scheduler(config.scheduler, config.desired_retention)


@app.command("csv")
def csv(output: OutputOption = None, deck: DeckOption = None, lang: LangOption = None) -> None:
    """Write the decks as a text file for Anki's import.

    The file is quizdock.txt (quizdock-DECK.txt with --deck) unless -o names one.
    Tab-separated, with the headers Anki reads: note type Basic, one deck column
    (Docker::<deck>), tags and GUIDs (the same as the .apkg export's, so a card is never added
    twice). No progress.
    """
    from quizdock.export.csv_export import write_csv
    from quizdock.support.text import printable

    chosen = language(lang)
    path = _output(output, deck, ".txt")
    cards = _read(deck, with_progress=False)
    with _writing(path):
        summary = write_csv(cards, path, lang=chosen)
    typer.echo(_wrote(summary.notes, summary.decks, printable(str(path)), chosen) + ".")
    typer.echo(_("In Anki: File > Import, choose the file; its header lines set the columns."))


def _read(deck: str | None, *, with_progress: bool) -> list[ExportCard]:
    from quizdock.cli.commands.common import check_deck
    from quizdock.errors import NotFound
    from quizdock.export import read_cards

    with open_store() as store:
        check_deck(store, deck)
        cards = read_cards(store, deck=deck, with_progress=with_progress)
    if not cards:
        if deck:
            raise NotFound(
                _("The deck {deck} has no active cards: nothing to export.").format(deck=quoted(deck)),
                _("Choose another deck (see `quizdock decks`)."),
            )
        raise NotFound(_("No cards to export."), _("Check the deck files with `quizdock deck check`."))
    return cards


def _output(output: Path | None, deck: str | None, suffix: str) -> Path:
    """The file to write: a regular file or a new path, in a folder that exists."""
    from quizdock.errors import ExitCode, QuizdockError
    from quizdock.export import UnsafeTarget, check_target
    from quizdock.storage.migrate import is_database_file

    path = output if output is not None else Path(f"quizdock-{deck}{suffix}" if deck else f"quizdock{suffix}")
    path = path.expanduser()
    if is_database_file(path, db_path()):
        raise QuizdockError(
            _("{path} is quizdock's database (or a file SQLite keeps beside it): an export would replace it.").format(
                path=path
            ),
            _("Give another file with -o."),
            exit_code=ExitCode.USAGE,
        )
    try:
        check_target(path)
        if not path.parent.is_dir():
            raise QuizdockError(
                _("The directory {directory} does not exist.").format(directory=path.parent),
                _("Create it or choose another with -o."),
                exit_code=ExitCode.USAGE,
            )
    except UnsafeTarget as refused:
        raise QuizdockError(f"{refused}.", _("Give the name of a file with -o."), exit_code=ExitCode.USAGE) from None
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return path


def _cannot_write(path: Path, exc: OSError) -> Exception:
    import errno

    from quizdock.errors import ExitCode, QuizdockError

    shown = str(path) if len(str(path)) <= 120 else f"{str(path)[:60]}...{str(path)[-40:]}"
    if exc.errno == errno.ENAMETOOLONG:
        return QuizdockError(
            _("Cannot write {path}: the name is too long for the file system.").format(path=shown),
            _("Give a shorter name with -o."),
            exit_code=ExitCode.USAGE,
        )
    return QuizdockError(
        _("Cannot write {path} ({reason}).").format(path=shown, reason=os_reason(exc)),
        _("Choose a folder you may write in with -o, or free some disk space."),
        exit_code=ExitCode.USAGE,
    )


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turn a failed write (no permission, disk full, a path replaced meanwhile) into the learner's message."""
    from quizdock.errors import ExitCode, QuizdockError
    from quizdock.export import UnsafeTarget

    try:
        yield
    except UnsafeTarget as refused:
        raise QuizdockError(f"{refused}.", _("Give the name of a file with -o."), exit_code=ExitCode.USAGE) from None
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _wrote(notes: int, decks: int, path: str, lang: str) -> str:
    """``Wrote 3 notes from 1 deck to quizdock.apkg (en)``."""
    counted = ngettext("{n} note", "{n} notes", notes).format(n=notes)
    from_decks = ngettext("{n} deck", "{n} decks", decks).format(n=decks)
    return _("Wrote {notes} from {decks} to {path} ({lang})").format(
        notes=counted, decks=from_decks, path=path, lang=lang
    )
