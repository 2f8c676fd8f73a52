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

from quizdock.commands.common import DeckOption, LangOption, language, open_store

if TYPE_CHECKING:
    from quizdock.export import ExportCard

app = typer.Typer(
    help="Export the decks for Anki: a package (.apkg) or a text file.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

OutputOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation
    typer.Option("--output", "-o", dir_okay=False, help="The file to write."),
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
            help="Also export each card's schedule (interval, due date, ease, answers, lapses, suspension) "
            "and review history.",
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
    from quizdock.plaintext import printable

    chosen = language(lang)
    path = _output(output, deck, ".apkg")
    cards = _read(deck, with_progress=with_progress)
    with _writing(path):
        summary = write_package(cards, path, lang=chosen, with_progress=with_progress)
    line = f"Wrote {summary.notes} notes from {_decks(summary.decks)} to {printable(str(path))} ({chosen})"
    if with_progress:
        line += f", with the schedule of {summary.review_cards} reviewed cards and {summary.reviews} answers"
        if summary.suspended:
            line += f" ({summary.suspended} suspended)"
    typer.echo(line + ".")
    hint = "In Anki: File > Import, choose the file."
    if with_progress:
        hint += ' Tick "Import any learning progress" to keep the schedule (cards new to the collection only).'
    typer.echo(hint)


@app.command("csv")
def csv(output: OutputOption = None, deck: DeckOption = None, lang: LangOption = None) -> None:
    """Write the decks as a text file for Anki's import.

    The file is quizdock.txt (quizdock-DECK.txt with --deck) unless -o names one.
    Tab-separated, with the headers Anki reads: note type Basic, one deck column
    (Docker::<deck>), tags and GUIDs (the same as the .apkg export's, so a card is never added
    twice). No progress.
    """
    from quizdock.export.csv_export import write_csv
    from quizdock.plaintext import printable

    chosen = language(lang)
    path = _output(output, deck, ".txt")
    cards = _read(deck, with_progress=False)
    with _writing(path):
        summary = write_csv(cards, path, lang=chosen)
    typer.echo(f"Wrote {summary.notes} notes from {_decks(summary.decks)} to {printable(str(path))} ({chosen}).")
    typer.echo("In Anki: File > Import, choose the file; its header lines set the columns.")


def _read(deck: str | None, *, with_progress: bool) -> list[ExportCard]:
    from quizdock.commands.common import check_deck
    from quizdock.errors import NotFound
    from quizdock.export import read_cards

    with open_store() as store:
        check_deck(store, deck)
        cards = read_cards(store, deck=deck, with_progress=with_progress)
    if not cards:
        raise NotFound(f"The deck {deck!r} has no active cards: nothing to export." if deck else "No cards to export.")
    return cards


def _output(output: Path | None, deck: str | None, suffix: str) -> Path:
    """The file to write: a regular file or a new path, in a folder that exists."""
    from quizdock.errors import ExitCode, QuizdockError
    from quizdock.export import UnsafeTarget, check_target

    path = output if output is not None else Path(f"quizdock-{deck}{suffix}" if deck else f"quizdock{suffix}")
    path = path.expanduser()
    try:
        check_target(path)
        if not path.parent.is_dir():
            raise QuizdockError(
                f"The directory {path.parent} does not exist; create it or choose another with -o.",
                exit_code=ExitCode.USAGE,
            )
    except UnsafeTarget as refused:
        raise QuizdockError(f"{refused}. Give the name of a file with -o.", exit_code=ExitCode.USAGE) from None
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return path


def _cannot_write(path: Path, exc: OSError) -> Exception:
    import errno

    from quizdock.errors import ExitCode, QuizdockError

    shown = str(path) if len(str(path)) <= 120 else f"{str(path)[:60]}...{str(path)[-40:]}"
    if exc.errno == errno.ENAMETOOLONG:
        return QuizdockError(
            f"Cannot write {shown}: the name is too long for the file system. Give a shorter name with -o.",
            exit_code=ExitCode.USAGE,
        )
    return QuizdockError(
        f"Cannot write {shown} ({exc.strerror or exc}). Choose a folder you may write in with -o, "
        "or free some disk space.",
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
        raise QuizdockError(f"{refused}. Give the name of a file with -o.", exit_code=ExitCode.USAGE) from None
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _decks(count: int) -> str:
    return "1 deck" if count == 1 else f"{count} decks"
