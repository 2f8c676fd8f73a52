"""`quizdock cards`, `quizdock card` and `quizdock unbury`: the card browser.

Everything is read through the store (:meth:`Store.browse_cards`, :meth:`Store.card_history`);
deck text is shown as text, never as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from quizdock.cli.commands import help_texts
from quizdock.cli.commands.common import (
    DeckOption,
    LangOption,
    check_deck,
    command_with_help,
    console,
    language,
    open_store,
)
from quizdock.i18n import N_, Lang, calendar_day, gettext_in, ngettext_in, number, quoted

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from quizdock.decks.loading import Card
    from quizdock.storage.records import ListedCard, ReviewEntry, StoredCard

MESSAGES: dict[str, str] = {
    "id": N_("id"),
    "deck": N_("deck"),
    "kind": N_("kind"),
    "question": N_("question"),
    "next": N_("next review"),
    "ef": N_("EF"),
    "lapses": N_("lapses"),
    "new": N_("new"),
    "suspended": N_("suspended"),
    "none": N_("No card matches."),
    "bad_state": N_("{value} is not a card state; use one of {states}."),
    "answer": N_("Answer:"),
    "expected": N_("Expected:"),
    "also": N_("Also accepted:"),
    "choices": N_("Options (the right one marked ✓):"),
    "explanation": N_("Explanation:"),
    "topics": N_("Topics:"),
    "state_new": N_("New: never reviewed."),
    "state": N_("Next review {due} · interval {interval} · E-Factor {ef} · {reps} in a row · {lapses} lapses"),
    "is_suspended": N_("Suspended ({why}): out of every review until `quizdock unsuspend {id}`."),
    "why_leech": N_("a leech"),
    "why_manual": N_("by you"),
    "is_buried": N_("Buried until {day}: `quizdock unbury {id}` brings it back today."),
    "is_retired": N_("Retired: its deck file no longer holds it (its history is kept)."),
    "history": N_("History"),
    "no_history": N_("No answer yet."),
    "when": N_("when"),
    "grade": N_("grade"),
    "after": N_("then due"),
    "time": N_("time"),
    "given": N_("answer"),
    "repeat": N_("again today"),
    "unburied": N_("Unburied {id}: it is back in today's reviews."),
    "not_buried": N_("{id} is not buried."),
    "none_buried": N_("No card is buried."),
}

StateOption = Annotated[
    Optional[str],  # noqa: UP045 - typer reads the annotation
    typer.Option(
        "--state",
        "-s",
        metavar="new|due|learning|suspended|buried|leech",
        help=N_("Only the cards in this state (learning: last answer failed; leech: 8 lapses or more)."),
    ),
]


def _say(lang: Lang, key: str, **values: object) -> str:
    return gettext_in(lang, MESSAGES[key]).format(**values)


@command_with_help(help_texts.CARDS)
def cards(
    text: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation
        typer.Argument(metavar=N_("TEXT"), help=N_("Only the cards whose id, question or answer holds this text.")),
    ] = None,
    deck: DeckOption = None,
    state: StateOption = None,
    lang: LangOption = None,
) -> None:
    from quizdock.storage.records import BROWSE_STATES
    from quizdock.support import clock

    chosen = language(lang)
    if state is not None and state not in BROWSE_STATES:
        raise typer.BadParameter(
            _say(chosen, "bad_state", value=quoted(state, chosen), states=", ".join(BROWSE_STATES)),
            param_hint="--state",
        )
    today = clock.today()
    with open_store() as store:
        check_deck(store, deck)
        found = store.browse_cards(today, deck=deck, state=state, text=text)
    render_cards(found, console(), chosen)


# The card browser's layouts, widest first: the question needs this many columns to share a
# line with the rest; the gap between columns.
MIN_QUESTION = 20
GAP = "  "


def render_cards(found: list[ListedCard], out: Console, lang: Lang) -> None:
    """The card browser's list, each deck's cards under its name; every column at any width.

    The ids are what `quizdock card ID` takes: always whole. Where the terminal is wide enough a
    card is one line; narrower, its question goes on a line of its own under it; narrower still
    (under about 80 columns), the first line holds the id and the question, the second the
    kind, next review, E-Factor and lapses. The question is one line, ellipsised to the room left.
    """
    from rich.cells import cell_len
    from rich.text import Text

    if not found:
        out.print(_say(lang, "none"))
        return
    rows = [_row(card, lang) for card in found]
    headers = [_say(lang, key) for key in ("kind", "next", "ef", "lapses")]
    columns = _Columns(
        out.width,
        max(cell_len(_say(lang, "id")), *(cell_len(card.card_id) for card in found)),
        tuple(max(cell_len(header), *(cell_len(cells[i]) for cells, _ in rows)) for i, header in enumerate(headers)),
    )
    lines = columns.header(_say(lang, "id"), headers, _say(lang, "question"))
    deck = None
    for card, (cells, question) in zip(found, rows, strict=True):
        if card.deck != deck:
            deck = card.deck
            lines.append(Text(f"{_say(lang, 'deck')} {deck}", style="bold underline"))
        lines.extend(columns.card(card.card_id, cells, question))
    for line in lines:
        out.print(line, overflow="fold")  # an id wider than the terminal folds, whole
    shown = ngettext_in(lang, "{n} card", "{n} cards", len(found)).format(n=len(found))
    out.print(f"[dim]{shown}[/dim]")


def _row(card: ListedCard, lang: Lang) -> tuple[list[str], str]:
    """A card's kind, next review, E-Factor and lapses as shown, and its question on one line."""
    from quizdock.cli.review_session import KIND_LABELS
    from quizdock.support.text import printable

    if card.suspended:
        due = _say(lang, "suspended")
    elif card.due_on is None:
        due = _say(lang, "new")
    else:
        due = calendar_day(max(card.due_on, card.buried_until or card.due_on), lang)
    ef = number(float(card.easiness), 2, lang) if card.easiness is not None else "-"
    kind = gettext_in(lang, KIND_LABELS.get(card.kind, card.kind))
    # One line; a no-break space (French « », ? and :) stays one.
    question = " ".join(re.split(r"[^\S\u00a0\u202f]+", printable(card.question.get(lang)).strip()))
    return [kind, due, ef, str(card.lapses)], question


@dataclass(frozen=True, slots=True)
class _Columns:
    """The card browser's columns on a terminal ``width`` wide: the id, then the kind, next
    review, E-Factor and lapses (``widths``), then the question in what is left."""

    width: int
    id_width: int
    widths: tuple[int, ...]

    @property
    def meta_width(self) -> int:
        return sum(self.widths) + len(GAP) * (len(self.widths) - 1)

    @property
    def layout(self) -> str:
        if self.id_width + self.meta_width + 2 * len(GAP) + MIN_QUESTION <= self.width:
            return "one line"
        if self.id_width + len(GAP) + self.meta_width <= self.width:
            return "question below"
        return "two lines"

    def header(self, id_header: str, headers: list[str], question: str) -> list[Text]:
        from rich.text import Text

        if self.layout == "one line":
            return [Text.assemble(self._id(id_header), self._meta(headers), GAP, question, style="bold")]
        if self.layout == "question below":
            return [
                Text.assemble(self._id(id_header), self._meta(headers), style="bold"),
                Text(GAP + question, style="bold dim"),
            ]
        return [
            Text.assemble(id_header, GAP, (question, "dim"), style="bold"),
            Text.assemble(GAP, self._meta(headers), style="bold"),
        ]

    def card(self, card_id: str, cells: list[str], question: str) -> list[Text]:
        from rich.cells import cell_len
        from rich.text import Text

        below = Text.assemble(GAP, self._question(question, self.width - len(GAP)))
        if self.layout == "one line":
            room = self.width - self.id_width - self.meta_width - 2 * len(GAP)
            return [Text.assemble(self._id(card_id), self._meta(cells), GAP, self._question(question, room))]
        if self.layout == "question below":
            return [Text.assemble(self._id(card_id), self._meta(cells)), below]
        meta = Text.assemble(GAP, self._meta(cells))
        room = self.width - cell_len(card_id) - len(GAP)
        if room < MIN_QUESTION:  # an id that leaves no room: the question on a line of its own
            return [Text(card_id), below, meta]
        return [Text.assemble(card_id, GAP, self._question(question, room)), meta]

    def _id(self, card_id: str) -> str:
        from rich.cells import cell_len

        return card_id + " " * (self.id_width - cell_len(card_id)) + GAP

    def _meta(self, cells: list[str]) -> str:
        """The kind and next review left-aligned, the E-Factor and lapses right-aligned."""
        from rich.cells import cell_len

        padded = [
            cell + " " * (w - cell_len(cell)) if i < 2 else " " * (w - cell_len(cell)) + cell
            for i, (cell, w) in enumerate(zip(cells, self.widths, strict=True))
        ]
        return GAP.join(padded)

    @staticmethod
    def _question(text: str, room: int) -> Text:
        from rich.text import Text

        shown = Text(text, style="dim")
        shown.truncate(max(1, room), overflow="ellipsis")
        return shown


@command_with_help(help_texts.CARD)
def card(
    card_id: Annotated[str, typer.Argument(metavar=N_("ID"), help=N_("A card id, like containers/prune."))],
    lang: LangOption = None,
) -> None:
    from quizdock.support import clock

    chosen = language(lang)
    with open_store() as store:
        found = store.card_history(card_id)
    render_card(found, console(), chosen, clock.now().tzinfo or UTC)


def render_card(found: StoredCard, out: Console, lang: Lang, zone: tzinfo) -> None:
    """One card whole: its texts, where it stands, and every answer given to it."""
    from rich.markup import escape
    from rich.panel import Panel

    from quizdock.cli.review_session import KIND_LABELS

    card = found.card
    kind = gettext_in(lang, KIND_LABELS[card.kind])
    out.rule(f"{escape(card.id)} · {kind}", style="bold", align="left")
    out.print(Panel(_texts(card, lang), expand=False))
    out.print(f"[bold]{escape(_say(lang, 'topics'))}[/bold] {escape(', '.join(card.topics))}")
    out.print(escape(_standing(found, lang)))
    out.print()
    out.print(_history(found.progress.reviews if found.progress else (), lang, zone))


def _texts(card: Card, lang: Lang) -> RenderableType:
    """The question, the answer (as the card's kind has it) and the explanation."""
    from rich.console import Group
    from rich.text import Text

    from quizdock.support.text import printable

    def labelled(key: str, text: str) -> Text:
        return Text.assemble((_say(lang, key) + " ", "bold"), printable(text))

    parts: list[RenderableType] = [Text(printable(card.question.get(lang)))]
    if card.kind == "concept":
        parts.append(labelled("answer", card.answer.get(lang)))
    elif card.kind == "command":
        parts.append(labelled("expected", card.answer))
        if card.alternatives:
            parts.append(labelled("also", " · ".join(card.alternatives)))
    elif card.kind == "choice":
        parts.append(Text(_say(lang, "choices"), style="bold"))
        for index, choice in enumerate(card.choices):
            mark = "✓" if index == card.correct else "·"
            parts.append(Text(f"  {mark} {printable(choice.get(lang))}"))
    parts.append(labelled("explanation", card.explanation.get(lang)))
    return Group(*parts)


def _standing(found: StoredCard, lang: Lang) -> str:
    """Where the card stands: new, or its next review and SM-2 state; set aside or retired."""
    from quizdock.cli.review_session import interval_text

    progress = found.progress
    if progress is None:
        lines = [_say(lang, "state_new")]
    else:
        lines = [
            _say(
                lang,
                "state",
                due=calendar_day(progress.due_on, lang),
                interval=interval_text(progress.interval, lang),
                ef=number(progress.easiness_centi / 100, 2, lang),
                reps=progress.repetitions,
                lapses=progress.lapses,
            )
        ]
    card_id = found.card.id
    if found.suspended is not None:
        why = _say(lang, "why_leech" if found.suspended == "leech" else "why_manual")
        lines.append(_say(lang, "is_suspended", why=why, id=card_id))
    if found.buried_until is not None:
        from quizdock.support import clock

        if found.buried_until > clock.today():
            lines.append(_say(lang, "is_buried", day=calendar_day(found.buried_until, lang), id=card_id))
    if found.retired_at is not None:
        lines.append(_say(lang, "is_retired"))
    return "\n".join(lines)


def _history(reviews: tuple[ReviewEntry, ...] | list[ReviewEntry], lang: Lang, zone: tzinfo) -> RenderableType:
    """The card's review log, oldest first, in the learner's time."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from quizdock.cli.review_session import interval_text
    from quizdock.support.text import printable

    if not reviews:
        return Text(_say(lang, "no_history"), style="dim")
    table = Table(title=_say(lang, "history"), title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column(_say(lang, "when"), no_wrap=True)
    table.add_column(_say(lang, "grade"), justify="right")
    table.add_column(_say(lang, "after"))
    table.add_column(_say(lang, "ef"), justify="right")
    table.add_column(_say(lang, "time"), justify="right")
    table.add_column(_say(lang, "given"), no_wrap=True, overflow="ellipsis", ratio=1)
    for entry in reviews:
        moment = _local(entry.reviewed_at, zone)
        when = f"{calendar_day(moment.date(), lang)} {moment:%H:%M}"
        after = _say(lang, "repeat") if entry.is_repeat else interval_text(entry.after_interval, lang)
        if entry.after_due_on is not None and not entry.is_repeat:
            after += f" ({calendar_day(entry.after_due_on, lang)})"
        seconds = f"{number(entry.duration_ms / 1000, 1, lang)} s"
        given = " ".join(printable(entry.answer).split())
        table.add_row(
            when, str(entry.quality), after, number(entry.after_easiness_centi / 100, 2, lang), seconds, Text(given)
        )
    return table


def _local(stored: datetime, zone: tzinfo) -> datetime:
    """A stored moment (naive UTC) in the learner's time zone."""
    return stored.replace(tzinfo=UTC).astimezone(zone)


@command_with_help(help_texts.UNBURY)
def unbury(
    card_id: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation
        typer.Argument(metavar=N_("ID"), help=N_("A card id (default: every buried card).")),
    ] = None,
    lang: LangOption = None,
) -> None:
    from quizdock.support import clock

    chosen = language(lang)
    with open_store() as store:
        done = store.unbury(card_id, clock.today())
    if card_id is not None:
        typer.echo(_say(chosen, "unburied" if done else "not_buried", id=card_id))
    elif done:
        back = ngettext_in(
            chosen,
            "{n} card unburied: back in today's reviews.",
            "{n} cards unburied: back in today's reviews.",
            len(done),
        )
        typer.echo(back.format(n=len(done)))
    else:
        typer.echo(_say(chosen, "none_buried"))
