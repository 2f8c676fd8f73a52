"""`quizdock stats`, `quizdock leeches`, `quizdock suspend` and `quizdock unsuspend`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from quizdock.commands.common import DeckOption, LangOption, console, language, open_store

if TYPE_CHECKING:
    from rich.console import Console

    from quizdock.i18n import Lang
    from quizdock.stats import Rate, Stats
    from quizdock.storage.store import Leech

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts and status bars (schema: docs/json-output.md).")
]
CardIdArgument = Annotated[str, typer.Argument(metavar="ID", help="A card id, like containers/prune.")]

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "today": "Today",
        "reviewed": "{reviewed} cards reviewed, {correct} right on first answer · {answers} answers in {time}",
        "due": "Due now: {due} · new cards left today: {new}",
        "streak": "Streak: {current} days (longest: {longest})",
        "year": "The last year: {total} answers on {days} days",
        "year_peak": " · busiest: {day} with {n}",
        "forecast": "Due in the next {days} days",
        "retention": "Retention (first answer to a card each day graded 3 or more)",
        "period": "last {days} days",
        "all": "all cards",
        "mature": "mature cards",
        "states": "Cards by state",
        "deck": "deck",
        "avg_ef": "avg EF",
        "lowest": "Lowest E-Factor",
        "most": "Most lapses",
        "card": "card",
        "ef": "EF",
        "lapses": "lapses",
        "interval": "interval",
        "suspended_mark": "suspended",
        "leeches_line": "{n} leeches (cards that lapsed {limit} times or more): see `quizdock leeches`.",
        "no_leeches": "No leeches: no card has lapsed {limit} times.",
        "leech_title": "Leeches: cards that lapsed {limit} times or more",
        "question": "question",
        "state": "state",
        "leech_hint": "Rework each card (its text, or your notes), then `quizdock unsuspend ID` to study it again.",
        "suspended": "Suspended {id}: it stays out of every review until `quizdock unsuspend {id}`.",
        "already_suspended": "{id} was already suspended.",
        "unsuspended": "{id} is back in the reviews, with its schedule as it was.",
        "not_suspended": "{id} was not suspended.",
        "reason_leech": "suspended (leech)",
        "reason_manual": "suspended",
        "active": "in reviews",
    },
    "fr": {
        "today": "Aujourd'hui",
        "reviewed": "{reviewed} cartes révisées, {correct} justes du premier coup · {answers} réponses en {time}",
        "due": "À réviser maintenant : {due} · nouvelles cartes restantes aujourd'hui : {new}",
        "streak": "Série : {current} jours (record : {longest})",
        "year": "La dernière année : {total} réponses sur {days} jours",
        "year_peak": " · record : {day} avec {n}",
        "forecast": "À réviser dans les {days} prochains jours",
        "retention": "Rétention (première réponse du jour à une carte notée 3 ou plus)",
        "period": "{days} derniers jours",
        "all": "toutes les cartes",
        "mature": "cartes mûres",
        "states": "Cartes par état",
        "deck": "paquet",
        "avg_ef": "FE moy.",
        "lowest": "Facteur de facilité le plus bas",
        "most": "Le plus d'oublis",
        "card": "carte",
        "ef": "FE",
        "lapses": "oublis",
        "interval": "intervalle",
        "suspended_mark": "suspendue",
        "leeches_line": "{n} sangsues (cartes oubliées {limit} fois ou plus) : voir `quizdock leeches`.",
        "no_leeches": "Aucune sangsue : aucune carte n'a été oubliée {limit} fois.",
        "leech_title": "Sangsues : cartes oubliées {limit} fois ou plus",
        "question": "question",
        "state": "état",
        "leech_hint": (
            "Retravaillez chaque carte (son texte, ou vos notes), puis `quizdock unsuspend ID` pour la réviser."
        ),
        "suspended": "{id} suspendue : elle ne revient dans aucune révision avant `quizdock unsuspend {id}`.",
        "already_suspended": "{id} était déjà suspendue.",
        "unsuspended": "{id} revient dans les révisions, avec son calendrier inchangé.",
        "not_suspended": "{id} n'était pas suspendue.",
        "reason_leech": "suspendue (sangsue)",
        "reason_manual": "suspendue",
        "active": "en révision",
    },
}
STATE_LABELS: dict[str, dict[str, str]] = {
    "en": {"new": "new", "learning": "learning", "young": "young", "mature": "mature", "suspended": "susp.",
           "retired": "retired", "total": "total"},
    "fr": {"new": "nouv.", "learning": "appr.", "young": "jeunes", "mature": "mûres", "suspended": "susp.",
           "retired": "retirées", "total": "total"},
}  # fmt: skip


def stats(deck: DeckOption = None, json_output: JsonOption = False, lang: LangOption = None) -> None:
    """Show your progress: today, streak, a year of reviews, the 30-day forecast, retention, card states.

    A day is your local day. Streak: consecutive days with an answer, ending today, or yesterday
    while nothing is answered yet today. Retention: the share of first answers to a card on a day
    graded 3 or more (same-day repeats do not count), over all cards and over mature ones, for
    the last 7 and 30 days. States: new (never reviewed), learning (last answer failed), young
    (interval under 21 days), mature (21 days or more), suspended, retired (gone from its deck file).
    """
    from quizdock import clock
    from quizdock.commands.common import check_deck, load_settings
    from quizdock.stats import collect

    chosen = language(lang) if not json_output else "en"
    now = clock.now()
    with open_store() as store:
        check_deck(store, deck)
        figures = collect(store, now=now, today=clock.today(now), new_per_day=load_settings().new_per_day, deck=deck)
    if json_output:
        import json

        typer.echo(json.dumps(figures.to_json(), ensure_ascii=False, indent=2))
        return
    render_stats(figures, console(), chosen)


def leeches(deck: DeckOption = None, json_output: JsonOption = False, lang: LangOption = None) -> None:
    """List the leeches: cards that lapsed 8 times or more (graded below 3 after being learned).

    Review suspends a card at its 8th lapse (and, once unsuspended, at every 4th lapse after
    that); rework it, then bring it back with `quizdock unsuspend ID`.
    """
    from quizdock.commands.common import check_deck

    chosen = language(lang) if not json_output else "en"
    with open_store() as store:
        check_deck(store, deck)
        found = store.leeches(deck)
        questions = {s.card.id: s.card.question.get(chosen) for s in store.scheduled_cards([c.card_id for c in found])}
    if json_output:
        import json

        typer.echo(json.dumps(leeches_json(found), ensure_ascii=False, indent=2))
        return
    render_leeches(found, questions, console(), chosen)


def suspend(card_id: CardIdArgument) -> None:
    """Suspend a card: it stays out of every review (its schedule is kept) until `quizdock unsuspend ID`."""
    from quizdock import clock

    chosen = language(None)
    with open_store() as store:
        done = store.suspend(card_id, clock.now())
    typer.echo(_say(chosen, "suspended" if done else "already_suspended", id=card_id))


def unsuspend(card_id: CardIdArgument) -> None:
    """Bring a suspended card (a leech, or one you suspended) back into the reviews."""
    chosen = language(None)
    with open_store() as store:
        done = store.unsuspend(card_id)
    typer.echo(_say(chosen, "unsuspended" if done else "not_suspended", id=card_id))


# --- rendering ---------------------------------------------------------------------------


def render_stats(figures: Stats, out: Console, lang: Lang) -> None:
    """Draw ``quizdock stats`` on ``out`` (fits its width; legible without colour)."""
    from rich.table import Table

    from quizdock.charts import BarChart, Heatmap, short_day
    from quizdock.storage.store import LEECH_LAPSES

    def heading(key: str, **values: object) -> None:
        out.print()
        out.rule(_say(lang, key, **values), style="dim", align="left")

    today = figures.today
    heading("today")
    spent = duration(today.time_ms)
    out.print(_say(lang, "reviewed", reviewed=today.reviewed, correct=today.correct, answers=today.answers, time=spent))
    out.print(_say(lang, "due", due=today.due, new=today.new_left))
    out.print(_say(lang, "streak", current=figures.streak.current, longest=figures.streak.longest))

    total = sum(figures.heatmap.values())
    line = _say(lang, "year", total=total, days=len(figures.heatmap))
    if figures.heatmap:
        busiest = max(figures.heatmap.items(), key=lambda item: (item[1], item[0]))
        line += _say(lang, "year_peak", day=busiest[0].isoformat(), n=busiest[1])
    out.print()
    out.print(line)
    out.print(Heatmap(figures.heatmap, figures.day, days=(figures.day - figures.heatmap_from).days + 1, lang=lang))

    heading("forecast", days=len(figures.forecast))
    out.print(BarChart([(short_day(f.day, lang), f.due) for f in figures.forecast]))

    heading("retention")
    table = Table("", _say(lang, "all"), _say(lang, "mature"), box=None, pad_edge=False)
    for period in figures.retention:
        table.add_row(_say(lang, "period", days=period.days), _percent(period.all), _percent(period.mature))
    out.print(table)

    heading("states")
    labels = STATE_LABELS[lang]
    names = ("new", "learning", "young", "mature", "suspended", "retired", "total")
    table = Table(_say(lang, "deck"), *(labels[n] for n in names), _say(lang, "avg_ef"), box=None, pad_edge=False)
    for column in table.columns[1:]:
        column.justify = "right"
    for states in (*figures.decks, figures.all_decks):
        if states is figures.all_decks:
            table.add_section()
        average = states.average_easiness
        table.add_row(states.deck, *(str(getattr(states, n)) for n in names), str(average) if average else "-")
    out.print(table)

    for key, cards in (("lowest", figures.lowest_easiness), ("most", figures.most_lapses)):
        if not cards:
            continue
        heading(key)
        headers = (_say(lang, key) for key in ("card", "ef", "lapses", "interval"))
        table = Table(*headers, "", box=None, pad_edge=False)
        for card in cards:
            mark = _say(lang, "suspended_mark") if card.suspended else ""
            table.add_row(card.card_id, f"{card.easiness:.2f}", str(card.lapses), f"{card.interval} d", mark)
        out.print(table)

    out.print()
    count = figures.all_decks.leeches
    out.print(
        _say(lang, "leeches_line", n=count, limit=LEECH_LAPSES)
        if count
        else _say(lang, "no_leeches", limit=LEECH_LAPSES)
    )


def render_leeches(found: list[Leech], questions: dict[str, str], out: Console, lang: Lang) -> None:
    """Draw ``quizdock leeches`` on ``out``."""
    from rich.table import Table
    from rich.text import Text

    from quizdock.plaintext import printable
    from quizdock.storage.store import LEECH_LAPSES

    if not found:
        out.print(_say(lang, "no_leeches", limit=LEECH_LAPSES))
        return
    headers = (_say(lang, key) for key in ("card", "lapses", "ef", "state", "question"))
    table = Table(*headers, title=_say(lang, "leech_title", limit=LEECH_LAPSES), title_justify="left")
    for leech in found:
        state = _say(lang, "active") if leech.suspended_at is None else _say(lang, f"reason_{leech.suspended_reason}")
        # A Text: brackets in a question are not markup; control characters are shown escaped.
        question = Text(printable(questions.get(leech.card_id, "")))
        table.add_row(leech.card_id, str(leech.lapses), f"{leech.easiness:.2f}", state, question)
    out.print(table)
    out.print(_say(lang, "leech_hint"))


def leeches_json(found: list[Leech]) -> dict[str, Any]:
    """The ``quizdock leeches --json`` document (schema in docs/json-output.md)."""
    from datetime import UTC

    from quizdock.stats import JSON_SCHEMA
    from quizdock.storage.store import LEECH_LAPSES

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


def duration(ms: int) -> str:
    """``1h 02m``, ``4m 05s`` or ``12s``."""
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


def _percent(rate: Rate) -> str:
    if not rate.total:
        return "-"
    return f"{100 * rate.passed / rate.total:.1f}% ({rate.passed}/{rate.total})"


def _say(lang: Lang, key: str, **values: object) -> str:
    return MESSAGES[lang][key].format(**values)
