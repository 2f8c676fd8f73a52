"""`quizdock challenge list|run|check` and `quizdock deck test`: the practical challenges.

Exit codes: 0 passed, 1 checks failed (or the challenge was skipped), 5 Docker unreachable or
refusing, 7 unknown challenge id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from quizdock.commands import help_texts
from quizdock.commands.common import (
    LangOption,
    command_group,
    command_with_help,
    console,
    language,
    open_store,
    require_terminal,
)
from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import N_, _, calendar_day, ngettext, number

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from quizdock.i18n import Lang
    from quizdock.lab.conditions import CheckResult
    from quizdock.lab.flow import SessionResult
    from quizdock.lab.spec import Challenge
    from quizdock.lab.state import LabState
    from quizdock.storage.records import Practice

app = command_group(help_texts.CHALLENGE)

# What `challenge list` writes for the values chosen at setup (a port, a folder, the registry).
PLACEHOLDERS = {"port": N_("PORT"), "dir": N_("DIR"), "registry": N_("REGISTRY")}

IdArgument = Annotated[
    str, typer.Argument(metavar=N_("ID"), help=N_("The challenge id, e.g. publish-port or practical/publish-port."))
]


@app.command("list")
def list_command(lang: LangOption = None) -> None:
    """List the challenges (a challenge set up in another terminal is marked)."""
    from rich.markup import escape
    from rich.table import Table

    from quizdock import clock
    from quizdock.cards import PracticalCard
    from quizdock.decks import load_decks, topic_name
    from quizdock.lab.runner import REGISTRY_PASSWORD, REGISTRY_USER
    from quizdock.lab.spec import substitute
    from quizdock.lab.state import load_state

    chosen = language(lang)
    now = clock.now()
    with open_store() as store:
        practice = store.practice()
    table = Table(expand=True)
    table.add_column(_("id"), no_wrap=True)
    table.add_column(_("topic"), no_wrap=True)
    table.add_column(_("task"), ratio=1, min_width=12, overflow="fold")  # wrapped, never cut
    table.add_column(_("progress"), max_width=30)
    decks = load_decks()
    for card in (card for deck in decks for card in deck.cards if isinstance(card, PracticalCard)):
        # Ports, directories and the registry's address are chosen at setup.
        shown = {p.key: p.reserved_name or _(PLACEHOLDERS[p.kind]) for p in card.challenge.params}
        shown.update(
            registry=_(PLACEHOLDERS["registry"]),
            registry_user=REGISTRY_USER,
            registry_password=REGISTRY_PASSWORD,
            label=card.challenge.label,
        )
        task = substitute(card.question.get(chosen), shown)
        marker = " [yellow]" + _("(set up)") + "[/yellow]" if load_state(card.id) is not None else ""
        name = topic_name(card.topics[0], decks, own=card.deck_id)
        topic = name.get(chosen) if name is not None else card.topics[0]
        progress = progress_text(practice.get(card.id), now)
        table.add_row(escape(card.id.split("/", 1)[-1]) + marker, escape(topic), escape(task), escape(progress))
    console().print(table)


def progress_text(practice: Practice | None, now: datetime) -> str:
    """A challenge's state for `challenge list`: never tried; solved (when, with how many hints)
    or not; due today."""
    from datetime import UTC

    from quizdock.core.grade import PASSING, Grade

    if practice is None or practice.last_at is None or practice.last_quality is None:
        return _("never tried")
    day = calendar_day(practice.last_at.replace(tzinfo=UTC).astimezone(now.tzinfo).date())
    if practice.last_quality >= PASSING:
        # The grade says how many hints (lab.flow.quality): 5 none, 4 one, 3 two or more.
        hints = {Grade.PERFECT: _("no hint"), Grade.HESITANT: _("1 hint")}.get(
            Grade(practice.last_quality), _("2 hints or more")
        )
        shown = _("solved {day}, {hints}").format(day=day, hints=hints)
    else:
        shown = _("not solved {day}").format(day=day)
    if practice.due_on is not None and practice.due_on <= now.date():
        shown = _("due · {state}").format(state=shown)
    return shown


@app.command("run")
def run_command(challenge_id: IdArgument, lang: LangOption = None) -> None:
    """Set a challenge up in your private lab, then type commands until every check passes."""
    require_terminal("challenge run")
    from quizdock.lab.catalog import find_card
    from quizdock.lab.session import run_session
    from quizdock.prompts import Prompter

    chosen = language(lang)
    card = find_card(challenge_id)
    result = run_session(card, chosen, ask=Prompter(chosen).command, console=console())
    count_practice(result)
    if not result.solved:
        raise typer.Exit(int(ExitCode.FAILED))


def _finite_seconds(value: float | None) -> float | None:
    """A timeout is a number of seconds: ``nan`` would never time out, nor ``inf`` (or ``1e400``)."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(
            _("not a number of seconds; give one such as 60, or leave --timeout out to wait until it passes.")
        )
    return value


@app.command("check")
def check_command(
    challenge_id: IdArgument,
    watch: Annotated[
        bool, typer.Option("--watch", "-w", help=N_("Re-check on every Docker event of the challenge until it passes."))
    ] = False,
    timeout: Annotated[
        Optional[float],  # noqa: UP045 - typer reads the annotation
        typer.Option(
            "--timeout",
            min=0,
            callback=_finite_seconds,
            metavar=N_("SECONDS"),
            help=N_("With --watch: give up after this many seconds."),
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Grade a challenge set up by `quizdock challenge run` (e.g. in another terminal)."""
    from quizdock.lab.catalog import find_card
    from quizdock.lab.engine import default_home
    from quizdock.lab.state import load_state
    from quizdock.lab.target import lab_faults

    chosen = language(lang)
    card = find_card(challenge_id)
    assert card.challenge is not None
    state = load_state(card.id)
    if state is None:
        raise QuizdockError(
            _("The challenge {id} is not set up.").format(id=card.id),
            _("Start it with `quizdock challenge run {id}` in a terminal, then check it from another one.").format(
                id=card.id
            ),
        )
    out = console()
    with lab_faults(default_home() if state.lab else None):
        passed = _check(out, card.challenge, state, chosen, watch=watch, timeout=timeout)
    if not passed:
        raise typer.Exit(int(ExitCode.FAILED))
    from quizdock.lab.flow import SessionResult

    # `check` does not see the hints read in `challenge run`: it counts a solve without hints.
    checks = len(card.challenge.checks_for(lab=state.lab))
    count_practice(SessionResult(card.id, "solved", 0, False, tuple(state.typed or ()), checks, checks))


def _check(
    out: Console, challenge: Challenge, state: LabState, chosen: Lang, *, watch: bool, timeout: float | None
) -> bool:
    from quizdock.lab import runner
    from quizdock.lab.session import show_results, words_in
    from quizdock.lab.session import watch as watch_checks
    from quizdock.lab.state import load_state
    from quizdock.lab.target import connect_for_state

    client = connect_for_state(state.lab)
    try:
        if watch:
            out.print(words_in(chosen)["watching"])
            passed = watch_checks(
                client, challenge, state, lambda results: _print_results(out, results, chosen), timeout=timeout
            )
            if not passed and ((current := load_state(challenge.id)) is None or current.ended):
                out.print(words_in(chosen)["ended"])
            return passed
        results = runner.evaluate(client, challenge, state)
        show_results(out, results, chosen)
        return all(r.passed for r in results)
    finally:
        client.close()


def count_practice(result: SessionResult) -> None:
    """Record a challenge solved outside review as a review of its card, graded as review grades
    it (:func:`quizdock.lab.flow.quality`), at most once a day; say what it did to the schedule."""
    from rich.markup import escape

    from quizdock import clock
    from quizdock.lab import flow

    now = clock.now()
    today = clock.today(now)
    with open_store() as store:
        last = store.last_reviewed_at(result.challenge_id)
        last_day = None if last is None else clock.today(last.astimezone(now.tzinfo))
        if not flow.counts_as_review(result, last_day, today):
            if result.solved:
                kept = _("Already reviewed today: this solve leaves its schedule as it is.")
                console().print(f"[dim]{escape(kept)}[/dim]")
            return
        recorded = store.record_answer(
            result.challenge_id,
            quality=flow.quality(result),
            answer=flow.summary(result),
            duration_ms=0,
            now=now,
            today=today,
        )
    counted = _("Counted as a review of {id} (grade {grade}): next review {day}.").format(
        id=result.challenge_id, grade=int(flow.quality(result)), day=calendar_day(recorded.due_on)
    )
    console().print(f"[green]{escape(counted)}[/green]")


def _print_results(out: Console, results: list[CheckResult], lang: Lang) -> None:
    from datetime import datetime

    from quizdock.lab.session import show_results

    out.rule(datetime.now().strftime("%H:%M:%S"))
    show_results(out, results, lang)


@command_with_help(help_texts.DECK_TEST)
def deck_test_command(
    challenge_ids: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer reads the annotation
        typer.Argument(metavar=N_("ID"), help=N_("Only these challenges (default: all).")),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option("--trust", help=N_("Run the steps of deck files that did not come with quizdock without asking.")),
    ] = False,
    lang: LangOption = None,
) -> None:
    import sys

    from rich.markup import escape

    from quizdock.cards import PracticalCard
    from quizdock.decks import load_decks
    from quizdock.lab.catalog import find_card
    from quizdock.lab.deck_test import private_lab, prove, require_docker_cli, unknown_placeholders
    from quizdock.lab.engine import STEPS
    from quizdock.plaintext import status_line
    from quizdock.trust_terminal import approve

    language(lang)
    decks = load_decks()
    cards = [card for deck in decks for card in deck.cards if isinstance(card, PracticalCard)]
    chosen = [find_card(i, cards) for i in challenge_ids] if challenge_ids else cards
    require_docker_cli()
    out = console()
    used = {card.deck_id for card in chosen}
    approve([d for d in decks if d.id in used], out, trust=trust, interactive=sys.stdin.isatty())
    failed = 0
    # Never a silent wait: the status line says what runs (results print above it).
    with (
        status_line(out, _("Connecting to Docker…")) as status,
        private_lab(out, progress=lambda step: status.update(_(STEPS[step]))) as where,
    ):
        for card in chosen:
            assert card.challenge is not None
            status.update(_("Proving {id}…").format(id=escape(card.id)))
            proof = prove(where.client, card.challenge, lab=where.lab)[0]
            texts = [card.question.fr, card.question.en]
            if unknown := unknown_placeholders(card.challenge, texts):
                undefined = ", ".join(sorted(unknown))
                proof.problems.append(_("the task uses undefined parameters: {names}").format(names=undefined))
            mark = "[green]" + _("ok") + "[/green]  " if proof.ok else "[red]" + _("FAIL") + "[/red]"
            out.print(f"{mark} {escape(card.id)} [dim]({number(proof.seconds, 1)} s)[/dim]")
            for problem in proof.problems:
                out.print(f"      {escape(problem)}")
            failed += not proof.ok
    total = len(chosen)
    if failed:
        failures = ngettext("{failed} of {total} challenge failed.", "{failed} of {total} challenges failed.", total)
        out.print(f"[red]{failures.format(failed=failed, total=total)}[/red]")
        raise typer.Exit(int(ExitCode.FAILED))
    proven = ngettext("{n} challenge proven", "{n} challenges proven", total).format(n=total)
    out.print(
        f"[green]{proven}[/green]"
        + _(
            ": each fails after setup, passes after its solution, and cleans up; your own containers, "
            "images, volumes and networks are as they were."
        )
    )
