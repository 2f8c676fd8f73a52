"""`quizdock stats`, `quizdock leeches`, `quizdock suspend` and `quizdock unsuspend`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from quizdock.cli.commands import help_texts
from quizdock.cli.commands.common import DeckOption, LangOption, command_with_help, console, language, open_store
from quizdock.i18n import N_, calendar_day, gettext_in, ngettext_in, number, percent

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from quizdock.i18n import Lang
    from quizdock.storage.stats import MemoryFigures, Rate, Stats
    from quizdock.storage.store import Leech

JsonOption = Annotated[
    bool, typer.Option("--json", help=N_("Print JSON for scripts and status bars (schema: docs/json-output.md)."))
]
CardIdArgument = Annotated[str, typer.Argument(metavar=N_("ID"), help=N_("A card id, like containers/prune."))]

# The messages of these commands; plural ones go through PLURALS.
MESSAGES: dict[str, str] = {
    "today": N_("Today"),
    "due": N_("Due now: {due} · new cards left today: {new}"),
    "year": N_("The last year: {answers} on {days}"),
    "year_peak": N_(" · busiest: {day} with {answers}"),
    "forecast": N_("Due in the next {days} days"),
    "retention": N_("Retention (first answer to a card each day graded 3 or more)"),
    "period": N_("last {days} days"),
    "all": N_("all cards"),
    "all_decks": N_("all"),
    "mature": N_("mature cards"),
    "states": N_("Cards by state"),
    "deck": N_("deck"),
    "avg_ef": N_("avg EF"),
    "lowest": N_("Lowest E-Factor"),
    "most": N_("Most lapses"),
    "card": N_("card"),
    "ef": N_("EF"),
    "lapses": N_("lapses"),
    "interval": N_("interval"),
    "suspended_mark": N_("suspended"),
    "leech_title": N_("Leeches: cards that lapsed {limit} times or more"),
    "question": N_("question"),
    "state": N_("state"),
    "leech_hint": N_("Rework each card (its text, or your notes), then `quizdock unsuspend ID` to study it again."),
    "suspended": N_("Suspended {id}: it stays out of every review until `quizdock unsuspend {id}`."),
    "already_suspended": N_("{id} was already suspended."),
    "unsuspended": N_("{id} is back in the reviews, with its schedule as it was."),
    "not_suspended": N_("{id} was not suspended."),
    "reason_leech": N_("suspended (leech)"),
    "reason_manual": N_("suspended"),
    "active": N_("in reviews"),
    "memory": N_("FSRS: your memory"),
    "retrievability": N_("Retrievability today: {average} on average over {cards}"),
    "bands": N_("below 70%: {a} · 70-80%: {b} · 80-90%: {c} · 90% or more: {d}"),
    "predicted": N_("Predicted retention: {rate} of the next {days} days' {reviews} (desired: {desired})"),
}
STATE_LABELS: dict[str, str] = {
    "new": N_("new"),
    "learning": N_("learning"),
    "young": N_("young"),
    "mature": N_("mature"),
    "suspended": N_("susp."),
    "retired": N_("retired"),
    "total": N_("total"),
}


@command_with_help(help_texts.STATS)
def stats(deck: DeckOption = None, json_output: JsonOption = False, lang: LangOption = None) -> None:
    from quizdock.cli.commands.common import check_deck, load_settings
    from quizdock.storage.stats import collect
    from quizdock.support import clock

    chosen = language(lang)
    now = clock.now()
    config = load_settings()
    with open_store() as store:
        check_deck(store, deck)
        fsrs = store.use_scheduler(config.scheduler, config.desired_retention)
        figures = collect(store, now=now, today=clock.today(now), new_per_day=config.new_per_day, deck=deck, fsrs=fsrs)
    if json_output:
        import json

        typer.echo(json.dumps(figures.to_json(), ensure_ascii=False, indent=2))
        return
    render_stats(figures, console(), chosen)


@command_with_help(help_texts.LEECHES)
def leeches(deck: DeckOption = None, json_output: JsonOption = False, lang: LangOption = None) -> None:
    from quizdock.cli.commands.common import check_deck

    chosen = language(lang)
    with open_store() as store:
        check_deck(store, deck)
        found = store.leeches(deck)
        questions = {s.card.id: s.card.question.get(chosen) for s in store.scheduled_cards([c.card_id for c in found])}
    if json_output:
        import json

        typer.echo(json.dumps(leeches_json(found), ensure_ascii=False, indent=2))
        return
    render_leeches(found, questions, console(), chosen)


@command_with_help(help_texts.SUSPEND)
def suspend(card_id: CardIdArgument, lang: LangOption = None) -> None:
    from quizdock.support import clock

    chosen = language(lang)
    with open_store() as store:
        done = store.suspend(card_id, clock.now())
    typer.echo(_say(chosen, "suspended" if done else "already_suspended", id=card_id))


@command_with_help(help_texts.UNSUSPEND)
def unsuspend(card_id: CardIdArgument, lang: LangOption = None) -> None:
    chosen = language(lang)
    with open_store() as store:
        done = store.unsuspend(card_id)
    typer.echo(_say(chosen, "unsuspended" if done else "not_suspended", id=card_id))


# --- rendering ---------------------------------------------------------------------------


def render_stats(figures: Stats, out: Console, lang: Lang) -> None:
    """Draw ``quizdock stats`` on ``out`` (fits its width; legible without colour)."""
    from rich.table import Table
    from rich.text import Text

    from quizdock.cli.charts import BarChart, Heatmap, short_day

    def heading(key: str, **values: object) -> None:
        out.print()
        title = _say(lang, key, **values)
        if len(title) + 4 > out.width:  # a rule would cut it: said whole, wrapped at spaces
            out.print(Text(title, style="dim"))
        else:
            out.rule(title, style="dim", align="left")

    today = figures.today
    heading("today")
    spent = duration(today.time_ms, lang)
    reviewed = ngettext_in(lang, "{n} card reviewed", "{n} cards reviewed", today.reviewed).format(n=today.reviewed)
    correct = ngettext_in(lang, "{n} right on first answer", "{n} right on first answer", today.correct)
    answers = ngettext_in(lang, "{n} answer in {time}", "{n} answers in {time}", today.answers)
    out.print(f"{reviewed}, {correct.format(n=today.correct)} · {answers.format(n=today.answers, time=spent)}")
    out.print(_say(lang, "due", due=today.due, new=today.new_left))
    streak = ngettext_in(lang, "Streak: {n} day", "Streak: {n} days", figures.streak.current)
    longest = ngettext_in(lang, "longest: {n} day", "longest: {n} days", figures.streak.longest)
    out.print(f"{streak.format(n=figures.streak.current)} ({longest.format(n=figures.streak.longest)})")

    total = sum(figures.heatmap.values())
    days = len(figures.heatmap)
    line = _say(lang, "year", answers=answers_count(total, lang), days=days_count(days, lang))
    if figures.heatmap:
        busiest = max(figures.heatmap.items(), key=lambda item: (item[1], item[0]))
        line += _say(lang, "year_peak", day=calendar_day(busiest[0], lang), answers=answers_count(busiest[1], lang))
    out.print()
    out.print(line)
    out.print(Heatmap(figures.heatmap, figures.day, days=(figures.day - figures.heatmap_from).days + 1, lang=lang))

    heading("forecast", days=len(figures.forecast))
    out.print(BarChart([(short_day(f.day, lang), f.due) for f in figures.forecast]))

    heading("retention")
    table = Table("", _say(lang, "all"), _say(lang, "mature"), box=None, pad_edge=False)
    for period in figures.retention:
        table.add_row(_say(lang, "period", days=period.days), _percent(period.all, lang), _percent(period.mature, lang))
    out.print(table)
    if figures.memory is not None:
        render_memory(figures.memory, out, lang, heading)

    heading("states")
    out.print(_states_table(figures, lang))

    for key, cards in (("lowest", figures.lowest_easiness), ("most", figures.most_lapses)):
        if not cards:
            continue
        heading(key)
        headers = (_say(lang, key) for key in ("card", "ef", "lapses", "interval"))
        table = Table(*headers, "", box=None, pad_edge=False)
        for card in cards:
            mark = _say(lang, "suspended_mark") if card.suspended else ""
            interval = days_count(card.interval, lang)
            table.add_row(card.card_id, number(float(card.easiness), 2, lang), str(card.lapses), interval, mark)
        out.print(table)

    out.print()
    count = figures.all_decks.leeches
    out.print(leeches_line(count, lang) if count else no_leeches(lang))


def _states_table(figures: Stats, lang: Lang) -> Table:
    """The cards of each deck by state, and their average E-Factor; the whole collection last."""
    from rich.table import Table

    names = ("new", "learning", "young", "mature", "suspended", "retired", "total")
    labels = (gettext_in(lang, STATE_LABELS[n]) for n in names)
    # One space between columns: the whole table fits 60 columns, no header cut.
    table = Table(_say(lang, "deck"), *labels, _say(lang, "avg_ef"), box=None, pad_edge=False, padding=(0, 1, 0, 0))
    for column in table.columns[1:]:
        column.justify = "right"
    # A deck's name is never cut; "avg EF" may take two lines.
    table.columns[0].no_wrap = True
    table.columns[0].min_width = max([len(d.deck) for d in figures.decks] + [len(_say(lang, "all_decks"))])
    table.columns[-1].max_width = max(len("0.00"), *(len(word) for word in _say(lang, "avg_ef").split()))
    every = figures.all_decks  # a property: a new object at each call
    for states in (*figures.decks, every):
        if states is every:
            table.add_section()
        average = states.average_easiness
        shown = number(float(average), 2, lang) if average else "-"
        deck = _say(lang, "all_decks") if states is every else states.deck
        table.add_row(deck, *(str(getattr(states, n)) for n in names), shown)
    return table


def render_memory(memory: MemoryFigures, out: Console, lang: Lang, heading: Callable[[str], None]) -> None:
    """The FSRS section of ``quizdock stats``: recall today and predicted at the next reviews."""
    from quizdock.storage.stats import FORECAST_DAYS

    heading("memory")
    cards = ngettext_in(lang, "{n} card", "{n} cards", memory.cards).format(n=memory.cards)
    out.print(_say(lang, "retrievability", average=percent(memory.retrievability * 100, lang=lang), cards=cards))
    a, b, c, d = memory.bands
    out.print(_say(lang, "bands", a=a, b=b, c=c, d=d))
    reviews = ngettext_in(lang, "{n} review", "{n} reviews", memory.reviews).format(n=memory.reviews)
    out.print(
        _say(
            lang,
            "predicted",
            rate=percent(memory.predicted_retention * 100, lang=lang) if memory.reviews else "-",
            days=FORECAST_DAYS,
            reviews=reviews,
            desired=percent(memory.desired_retention * 100, 0, lang),
        )
    )


def render_leeches(found: list[Leech], questions: dict[str, str], out: Console, lang: Lang) -> None:
    """Draw ``quizdock leeches`` on ``out``."""
    from rich.table import Table
    from rich.text import Text

    from quizdock.core import LEECH_LAPSES
    from quizdock.support.text import printable

    if not found:
        out.print(no_leeches(lang))
        return
    headers = (_say(lang, key) for key in ("card", "lapses", "ef", "state", "question"))
    table = Table(*headers, title=_say(lang, "leech_title", limit=LEECH_LAPSES), title_justify="left")
    for leech in found:
        state = _say(lang, "active") if leech.suspended_at is None else _say(lang, f"reason_{leech.suspended_reason}")
        # A Text: brackets in a question are not markup; control characters are shown escaped.
        question = Text(printable(questions.get(leech.card_id, "")))
        table.add_row(leech.card_id, str(leech.lapses), number(float(leech.easiness), 2, lang), state, question)
    out.print(table)
    out.print(_say(lang, "leech_hint"))


def leeches_json(found: list[Leech]) -> dict[str, Any]:
    """The ``quizdock leeches --json`` document (schema in docs/json-output.md)."""
    from datetime import UTC

    from quizdock.core import LEECH_LAPSES
    from quizdock.storage.stats import JSON_SCHEMA

    return {
        "schema": JSON_SCHEMA,
        "threshold": LEECH_LAPSES,
        "leeches": [
            {
                "id": leech.card_id,
                "deck": leech.deck_id,
                "lapses": leech.lapses,
                "easiness": float(leech.easiness),
                "suspended": leech.suspended_at is not None,
                "suspended_at": (
                    leech.suspended_at.replace(tzinfo=UTC).isoformat(timespec="seconds") if leech.suspended_at else None
                ),
                "suspended_reason": leech.suspended_reason,
            }
            for leech in found
        ],
    }


def duration(ms: int, lang: Lang) -> str:
    """``1h 02m``, ``4m 05s`` or ``12s`` in English; ``1 h 02 min``, ``4 min 05 s``, ``12 s`` in French."""
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return gettext_in(lang, "{hours}h {minutes}m").format(hours=hours, minutes=f"{minutes:02d}")
    if minutes:
        return gettext_in(lang, "{minutes}m {seconds}s").format(minutes=minutes, seconds=f"{seconds:02d}")
    return gettext_in(lang, "{seconds}s").format(seconds=seconds)


def days_count(n: int, lang: Lang) -> str:
    return ngettext_in(lang, "{n} day", "{n} days", n).format(n=n)


def answers_count(n: int, lang: Lang) -> str:
    return ngettext_in(lang, "{n} answer", "{n} answers", n).format(n=n)


def _percent(rate: Rate, lang: Lang) -> str:
    if not rate.total:
        return "-"
    return f"{percent(100 * rate.passed / rate.total, 1, lang)} ({rate.passed}/{rate.total})"


def leeches_line(count: int, lang: Lang) -> str:
    from quizdock.core import LEECH_LAPSES

    return ngettext_in(
        lang,
        "{n} leech (a card that lapsed {limit} times or more): see `quizdock leeches`.",
        "{n} leeches (cards that lapsed {limit} times or more): see `quizdock leeches`.",
        count,
    ).format(n=count, limit=LEECH_LAPSES)


def no_leeches(lang: Lang) -> str:
    from quizdock.core import LEECH_LAPSES

    return gettext_in(lang, "No leeches: no card has lapsed {limit} times.").format(limit=LEECH_LAPSES)


def _say(lang: Lang, key: str, **values: object) -> str:
    return gettext_in(lang, MESSAGES[key]).format(**values)
