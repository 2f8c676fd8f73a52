"""`quizdock cards`, `quizdock card` and `quizdock unbury`: the card browser.

Everything is read through the store (:meth:`Store.browse_cards`, :meth:`Store.card_history`);
deck text is shown as text, never as markup.
"""

from __future__ import annotations

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
from quizdock.i18n import N_, Lang, calendar_day, gettext_in, ngettext_in, number

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

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
            _say(chosen, "bad_state", value=repr(state), states=", ".join(BROWSE_STATES)), param_hint="--state"
        )
    today = clock.today()
    with open_store() as store:
        check_deck(store, deck)
        found = store.browse_cards(today, deck=deck, state=state, text=text)
    render_cards(found, console(), chosen)


def render_cards(found: list[ListedCard], out: Console, lang: Lang) -> None:
    """The card browser's table: one line per card, the question cut to the terminal's width."""
    from rich.table import Table
    from rich.text import Text

    from quizdock.cli.review_session import KIND_LABELS
    from quizdock.support.text import printable

    if not found:
        out.print(_say(lang, "none"))
        return
    # The ids are what `quizdock card ID` takes: shown whole. The question takes what is left
    # of the line, or a line of its own under the id when too little is left. Each deck's cards
    # come under its name.
    rows = []
    for card in found:
        if card.suspended:
            due = _say(lang, "suspended")
        elif card.due_on is None:
            due = _say(lang, "new")
        else:
            due = calendar_day(max(card.due_on, card.buried_until or card.due_on), lang)
        ef = number(float(card.easiness), 2, lang) if card.easiness is not None else "-"
        kind = gettext_in(lang, KIND_LABELS.get(card.kind, card.kind))
        question = " ".join(printable(card.question.get(lang)).split())  # one line
        rows.append((card, [card.card_id, kind, due, ef, str(card.lapses)], question))
    headers = [_say(lang, key) for key in ("id", "kind", "next", "ef", "lapses")]
    widths = [max(len(header), *(len(cells[i]) for _, cells, _ in rows)) for i, header in enumerate(headers)]
    gap = 2
    room = out.width - sum(widths) - gap * len(widths)
    inline = room >= 16
    table = Table(box=None, padding=(0, gap, 0, 0), pad_edge=False, show_header=True, header_style="bold")
    if not inline:  # the id column takes the room left, for the question under each id
        widths[0] = max(widths[0], widths[0] + room)
    for index, (header, width) in enumerate(zip(headers, widths, strict=True)):
        table.add_column(
            header, no_wrap=True, min_width=width, max_width=width, justify="right" if index >= 3 else "left"
        )
    if inline:
        table.add_column(_say(lang, "question"), no_wrap=True, overflow="ellipsis", max_width=room)
    deck = None
    for card, cells, question in rows:
        if card.deck != deck:
            deck = card.deck
            table.add_row(Text(f"{_say(lang, 'deck')} {deck}", style="bold underline"))
        texts = [Text(cell) for cell in cells]
        if inline:
            table.add_row(*texts, Text(question, style="dim"))
        else:
            table.add_row(*texts)
            table.add_row(Text("  " + question, style="dim", overflow="ellipsis", no_wrap=True))
    out.print(table)
    shown = ngettext_in(lang, "{n} card", "{n} cards", len(found)).format(n=len(found))
    out.print(f"[dim]{shown}[/dim]")


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
