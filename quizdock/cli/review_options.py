"""`quizdock review`'s options, written once: the Typer command (quizdock.cli.commands.review)
declares them from this table, and the fast start (quizdock.cli.fast_review) reads a plain command
line with it, before Typer is loaded (so nothing here imports Typer).

The fast reading takes what the CLI takes, with the same values, or leaves the command line to
the CLI (None): never a value the CLI would refuse or read otherwise (tests/test_quick_review.py
runs both over the same command lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quizdock.i18n import LANGS, N_, Lang
from quizdock.support.config import MAX_LIMIT, MAX_NEW_PER_DAY


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """One option of a command, as its help shows it and as it is read.

    Attributes:
        name: the command's parameter (and the field of :class:`ReviewOptions`).
        flags: its spellings, long first.
        metavar: its value in the help (a message when it is a word).
        help: its help, a message of the catalogue.
        bounds: for a whole number, the lowest and highest values taken (None: a text).
    """

    name: str
    flags: tuple[str, ...]
    metavar: str
    help: str
    bounds: tuple[int, int] | None = None


DECK = OptionSpec("deck", ("--deck", "-d"), N_("DECK"), N_("Only this deck (see `quizdock decks`)."))
LANG = OptionSpec("lang", ("--lang",), "fr|en", N_("Language: fr or en (default: config, then locale, else en)."))
LIMIT = OptionSpec(
    "limit", ("--limit", "-n"), "N", N_("At most this many cards (due and new) in this session."), (1, MAX_LIMIT)
)
NEW = OptionSpec(
    "new",
    ("--new",),
    "N",
    N_("New cards for the whole day, those already seen today included (default: new_per_day in the config, else 10)."),
    (0, MAX_NEW_PER_DAY),
)
REVIEW_OPTIONS = (DECK, LIMIT, NEW, LANG)


@dataclass(frozen=True, slots=True)
class ReviewOptions:
    """What `quizdock review` was asked for (None: not given)."""

    deck: str | None = None
    limit: int | None = None
    new: int | None = None
    lang: Lang | None = None


def parse_review_options(words: Sequence[str]) -> ReviewOptions | None:
    """The options of a plain `quizdock review` (the words after `review`); None when they
    are anything else, for the CLI to read (its help, an error, a spelling read here too rarely
    to be worth it)."""
    by_flag = {flag: option for option in REVIEW_OPTIONS for flag in option.flags}
    texts: dict[OptionSpec, str] = {}
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word.startswith("--"):
            flag, equals, value = word.partition("=")
            attached = bool(equals)  # `--deck= basics`: an empty value, then an extra word
        else:
            flag, value = word[:2], word[2:]  # `-dbasics` is `-d basics`
            attached = bool(value)
        option = by_flag.get(flag)
        if option is None:
            return None  # --help, an argument, `--`: the CLI's
        if not attached:
            if not rest:
                return None  # a value is missing: the CLI says so
            value = rest.pop(0)
        texts[option] = value  # given twice, the last one counts
    values: dict[str, Any] = {}
    for option, text in texts.items():
        values[option.name] = _value(option, text)
        if values[option.name] is None:
            return None
    return ReviewOptions(**values)


def _value(option: OptionSpec, text: str) -> str | int | None:
    """The option's value, or None when the CLI would refuse it (or reads it in a way not worth
    copying: `+5`, ` 5` or other digits than 0-9)."""
    if text == "":
        return None  # the CLI takes it, and says there is no such deck
    if option is LANG:
        return text if text in LANGS else None  # the CLI explains the choice
    if option.bounds is None:
        return text
    lowest, highest = option.bounds
    if not (text.isascii() and text.isdigit() and lowest <= int(text) <= highest):
        return None
    return int(text)
