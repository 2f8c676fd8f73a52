"""`quizdock optimize` (FSRS's parameters fitted to the learner's log) and `quizdock simulate`
(the next 30 days of reviews under SM-2 and under FSRS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from quizdock.cli.commands import help_texts
from quizdock.cli.commands.common import LangOption, command_with_help, console, language, load_settings, open_store
from quizdock.i18n import N_, gettext_in, number, percent

if TYPE_CHECKING:
    from rich.console import Console

    from quizdock.core.workload import Workload
    from quizdock.i18n import Lang

DAYS = 30

MESSAGES: dict[str, str] = {
    "too_few": N_("Your log has {found} reviews the optimizer can learn from; it needs {needed}."),
    "too_few_fix": N_(
        "Keep reviewing: each answer a day or more after the card's previous one counts. "
        "Until then FSRS uses its default parameters, fitted to millions of Anki reviews."
    ),
    "parameters": N_("FSRS parameters"),
    "old": N_("before"),
    "new": N_("fitted"),
    "workload": N_(
        "Reviews in the next {days} days: {before} with the parameters before, {after} with the fitted ones ({change})."
    ),
    "saved": N_('Saved: FSRS schedules with them from your next answer (scheduler = "fsrs" in the config).'),
    "saved_sm2": N_('Saved. Your scheduler is SM-2: set scheduler = "fsrs" in the config to use them.'),
    "defaults": N_("default"),
    "simulate_title": N_("The next {days} days of reviews for your {cards} studied cards"),
    "scheduler": N_("scheduler"),
    "reviews": N_("reviews"),
    "per_day": N_("per day"),
    "recalled": N_("recalled"),
    "in_use": N_("(in use)"),
    "simulate_note": N_(
        "Simulated with FSRS's model of your memory ({which} parameters, desired retention {retention}): "
        "each review is recalled with the model's probability; cards never answered are left out."
    ),
    "nothing": N_("No card studied yet: nothing to simulate. Review first (`quizdock review`)."),
}
DaysOption = Annotated[int, typer.Option("--days", min=1, max=365, help=N_("How many days to simulate."))]


def _say(lang: Lang, key: str, **values: object) -> str:
    return gettext_in(lang, MESSAGES[key]).format(**values)


@command_with_help(help_texts.OPTIMIZE)
def optimize(lang: LangOption = None) -> None:
    from quizdock.core.fsrs import Fsrs, NotEnoughReviews, fit
    from quizdock.core.workload import simulate
    from quizdock.errors import QuizdockError
    from quizdock.support import clock

    chosen = language(lang)
    config = load_settings()
    with open_store() as store:
        before = store.fsrs_parameters()
        histories = [history for _, history in store.review_histories()]
        try:
            fitted = fit(histories, before)
        except NotEnoughReviews as error:
            from quizdock.core.fsrs import MIN_OPTIMIZER_REVIEWS

            raise QuizdockError(
                _say(chosen, "too_few", found=error.found, needed=MIN_OPTIMIZER_REVIEWS), _say(chosen, "too_few_fix")
            ) from None
        old, new = Fsrs(before, config.desired_retention), Fsrs(fitted, config.desired_retention)
        cards = store.studied_cards(clock.today())
        # The fitted model is the best account of the learner's memory: both schedules are judged by it.
        old_load, new_load = simulate(cards, new, old, DAYS), simulate(cards, new, new, DAYS)
        store.save_fsrs_parameters(fitted)
    out = console()
    render_parameters(out, chosen, old.weights, new.weights, before is None)
    change = (new_load.total - old_load.total) / old_load.total if old_load.total else 0.0
    out.print(
        _say(
            chosen,
            "workload",
            days=DAYS,
            before=number(old_load.total, lang=chosen),
            after=number(new_load.total, lang=chosen),
            change=("+" if change >= 0 else "") + percent(change * 100, lang=chosen),
        )
    )
    out.print(_say(chosen, "saved" if config.scheduler == "fsrs" else "saved_sm2"))


def render_parameters(out: Console, lang: Lang, old: tuple[float, ...], new: tuple[float, ...], default: bool) -> None:
    from rich.table import Table

    table = Table(title=_say(lang, "parameters"), title_justify="left", box=None, pad_edge=False)
    table.add_column("w")
    table.add_column(_say(lang, "old") + (f" ({_say(lang, 'defaults')})" if default else ""), justify="right")
    table.add_column(_say(lang, "new"), justify="right")
    for index, (a, b) in enumerate(zip(old, new, strict=False)):
        table.add_row(str(index), f"{a:.4f}", f"{b:.4f}")
    out.print(table)


@command_with_help(help_texts.SIMULATE)
def simulate(days: DaysOption = DAYS, lang: LangOption = None) -> None:
    from quizdock.core.fsrs import Fsrs
    from quizdock.core.workload import simulate as run
    from quizdock.support import clock

    chosen = language(lang)
    config = load_settings()
    with open_store() as store:
        parameters = store.fsrs_parameters()
        cards = store.studied_cards(clock.today())
    out = console()
    if not cards:
        out.print(_say(chosen, "nothing"))
        return
    fsrs = Fsrs(parameters, config.desired_retention)
    loads = {"SM-2": run(cards, fsrs, None, days), "FSRS": run(cards, fsrs, fsrs, days)}
    render_workloads(out, chosen, loads, days, len(cards), "FSRS" if config.scheduler == "fsrs" else "SM-2")
    which = _say(chosen, "defaults") if parameters is None else _say(chosen, "new")
    out.print(_say(chosen, "simulate_note", which=which, retention=number(config.desired_retention, 2, chosen)))


def render_workloads(out: Console, lang: Lang, loads: dict[str, Workload], days: int, cards: int, in_use: str) -> None:
    from rich.table import Table

    table = Table(
        title=_say(lang, "simulate_title", days=days, cards=number(cards, lang=lang)), title_justify="left", box=None
    )
    for key, justify in (("scheduler", "left"), ("reviews", "right"), ("per_day", "right"), ("recalled", "right")):
        table.add_column(_say(lang, key), justify=justify)  # type: ignore[arg-type]
    for name, load in loads.items():
        label = f"{name} {_say(lang, 'in_use')}" if name == in_use else name
        table.add_row(
            label,
            number(load.total, lang=lang),
            number(load.total / days, 1, lang),
            percent(load.recalled * 100, lang=lang),
        )
    out.print(table)
