"""`quizdock challenge list|run|check` and `quizdock deck test`: the practical challenges.

Exit codes: 0 passed, 1 checks failed (or the challenge was skipped), 5 Docker unreachable or
refusing, 7 unknown challenge id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from quizdock.cli.commands import help_texts
from quizdock.cli.commands.common import (
    LangOption,
    command_group,
    command_with_help,
    console,
    language,
    open_store,
    require_terminal,
)
from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import N_, _, calendar_day

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from rich.console import Console

    from quizdock.challenges.flow import SessionResult
    from quizdock.challenges.model import Challenge, Check
    from quizdock.i18n import Lang
    from quizdock.lab.state import LabState
    from quizdock.lab.watch import Checked
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

    from quizdock.challenges.model import substitute
    from quizdock.decks.cards import PracticalCard
    from quizdock.decks.loading import load_decks, topic_name
    from quizdock.lab.runner import REGISTRY_PASSWORD, REGISTRY_USER
    from quizdock.lab.state import load_state
    from quizdock.support import clock

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
    from quizdock.cli.challenge_terminal import run_session
    from quizdock.cli.prompts import Prompter
    from quizdock.decks.catalog import find_card

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


JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help=N_("Print the result as one JSON document on standard output (schema: docs/json-output.md)."),
    ),
]


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
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Grade a challenge set up by `quizdock challenge run` (e.g. in another terminal)."""
    from quizdock.cli.console import plain_console
    from quizdock.decks.catalog import find_card
    from quizdock.lab.state import load_state

    chosen = language(lang)
    card = find_card(challenge_id)
    assert card.challenge is not None
    state = load_state(card.id)
    # With --json, standard output carries the document alone: what people read goes to stderr.
    out = plain_console(stderr=True) if as_json else console()
    try:
        if state is None:
            raise QuizdockError(
                _("The challenge {id} is not set up.").format(id=card.id),
                _("Start it with `quizdock challenge run {id}` in a terminal, then check it from another one.").format(
                    id=card.id
                ),
            )
        checked = _check(out, card.challenge, state, chosen, watch=watch, timeout=timeout, quiet=as_json)
    except QuizdockError as error:
        if as_json:
            applied = () if state is None else card.challenge.checks_for(lab=state.lab)
            _print_json(check_json(card.challenge, applied, None, chosen, error=error))
        raise
    if as_json:
        _print_json(check_json(card.challenge, card.challenge.checks_for(lab=state.lab), checked, chosen))
    if not checked.passed:
        raise typer.Exit(int(ExitCode.FAILED))
    from quizdock.challenges.flow import SessionResult

    # `check` does not see the hints read in `challenge run`: it counts a solve without hints.
    checks = len(card.challenge.checks_for(lab=state.lab))
    count_practice(SessionResult(card.id, "solved", 0, False, tuple(state.typed or ()), checks, checks), out=out)


def _check(
    out: Console,
    challenge: Challenge,
    state: LabState,
    chosen: Lang,
    *,
    watch: bool,
    timeout: float | None,
    quiet: bool,
) -> Checked:
    """The results drawn on ``out`` (with ``quiet``, a single check draws nothing: the JSON
    document says it all, while watch mode still shows each change)."""
    from quizdock.cli.challenge_terminal import check_and_show
    from quizdock.lab.watch import check_set_up

    if quiet and not watch:
        return check_set_up(challenge, state, watching=False, timeout=None, on_results=lambda results: None)
    return check_and_show(out, challenge, state, chosen, watch=watch, timeout=timeout)


CHECK_JSON_SCHEMA = 1  # bumped only when a key changes meaning or disappears (docs/json-output.md)


def check_json(
    challenge: Challenge,
    applied: Sequence[Check],
    checked: Checked | None,
    lang: Lang,
    *,
    error: QuizdockError | None = None,
) -> dict[str, Any]:
    """The ``quizdock challenge check --json`` document (schema in docs/json-output.md).

    Args:
        challenge: The challenge checked.
        applied: Its checks that apply where it runs (none when it is not set up).
        checked: What checking found (None after ``error``).
        lang: The language of the messages.
        error: Why the checks could not be run or finished.
    """
    from quizdock.cli.challenge_terminal import words_in

    # `checks_for` hands back the challenge's own Check objects: each is found by identity.
    ids = {id(check): challenge.check_id(check) for check in challenge.checks}
    message: str | None = None
    if error is not None or checked is None or checked.ended_elsewhere:
        message = str(error) if error is not None else words_in(lang)["ended"]
        reason = error.problem if error is not None else message
        checks = [{"id": ids[id(check)], "label": None, "status": "error", "message": reason} for check in applied]
        status = "error"
    else:
        checks = [
            {
                "id": ids[id(check)],
                "label": result.label.get(lang),
                "status": "pass" if result.passed else "fail",
                "message": result.message.get(lang),
            }
            for check, result in zip(applied, checked.results, strict=True)
        ]
        status = "pass" if checked.passed else "fail"
    return {
        "schema": CHECK_JSON_SCHEMA,
        "challenge": challenge.id,
        "status": status,
        "message": message,
        "checks": checks,
    }


def _print_json(document: dict[str, Any]) -> None:
    import json

    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


def count_practice(result: SessionResult, *, out: Console | None = None) -> None:
    """Record a challenge solved outside review as a review of its card, graded as review grades
    it (:func:`quizdock.challenges.flow.quality`), at most once a day; say what it did to the schedule
    (on ``out``, default the standard output)."""
    from rich.markup import escape

    from quizdock.challenges import flow
    from quizdock.support import clock

    out = out or console()
    now = clock.now()
    today = clock.today(now)
    with open_store() as store:
        last = store.last_reviewed_at(result.challenge_id)
        last_day = None if last is None else clock.today(last.astimezone(now.tzinfo))
        if not flow.counts_as_review(result, last_day, today):
            if result.solved:
                kept = _("Already reviewed today: this solve leaves its schedule as it is.")
                out.print(f"[dim]{escape(kept)}[/dim]")
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
    out.print(f"[green]{escape(counted)}[/green]")


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
    json_output: Annotated[
        bool,
        typer.Option(
            "--json",
            help=N_("Print one JSON document for a deck's CI: each challenge, step and check (docs/json-output.md)."),
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    from quizdock.cli.deck_test_terminal import deck_test

    language(lang)
    deck_test(challenge_ids, trust=trust, json_output=json_output)
