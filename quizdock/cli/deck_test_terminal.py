"""The terminal side of ``quizdock deck test``: what the learner reads while the challenges are
proven (:mod:`quizdock.lab.deck_test` proves them and prints nothing), or, with ``--json``, one
JSON document on standard output for a deck's CI (schema: docs/json-output.md, "deck test
--json"), the status line and warnings then on standard error.

Exit codes, the same with or without ``--json``: 0 every challenge proven, 1 at least one not
proven; an error that stops the run exits with its own code (5 Docker, 6 a shared deck not
approved, 7 an unknown id, 8 the lab), after the document when it stopped a proof under way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import _, current_language, ngettext, number

if TYPE_CHECKING:
    from rich.console import Console

    from quizdock.decks.cards import PracticalCard
    from quizdock.decks.loading import Deck
    from quizdock.lab.deck_test import CheckProof, DeckTest, Proof, StepOutcome
    from quizdock.lab.engine import LabUnavailable

JSON_SCHEMA = 1


def deck_test(challenge_ids: list[str] | None, *, trust: bool, json_output: bool) -> None:
    """Prove the challenges named (all of them by default) and report; the language is set.

    Raises:
        QuizdockError: An unknown id, a deck not approved, no docker CLI, Docker or the lab
            unreachable, or an error that stopped a proof (after its report).
        typer.Exit: A challenge was not proven (exit code 1).
    """
    from quizdock.cli.console import learner_console, status_line
    from quizdock.decks.cards import PracticalCard
    from quizdock.decks.catalog import find_card
    from quizdock.decks.loading import load_decks
    from quizdock.lab.deck_test import private_lab, prove_cards, require_docker_cli
    from quizdock.lab.engine import STEPS

    decks = load_decks()
    cards = [card for deck in decks for card in deck.cards if isinstance(card, PracticalCard)]
    chosen = [find_card(i, cards) for i in challenge_ids] if challenge_ids else cards
    require_docker_cli()
    out = learner_console(stderr=json_output)
    used = {card.deck_id for card in chosen}
    used_decks = [d for d in decks if d.id in used]
    _approve(used_decks, out, trust=trust, json_output=json_output)
    # Never a silent wait: the status line says what runs (results print above it).
    with (
        status_line(out, _("Connecting to Docker…")) as status,
        private_lab(
            progress=lambda step: status.update(_(STEPS[step])), on_fallback=lambda error: _fell_back(out, error)
        ) as where,
    ):
        found = prove_cards(
            where,
            chosen,
            on_start=lambda card: status.update(_("Proving {id}…").format(id=_escape(card.id))),
            on_proof=None if json_output else lambda proof: _print_proof(out, proof),
        )
    if json_output:
        import json

        typer.echo(json.dumps(deck_test_json(found, used_decks, chosen), ensure_ascii=False, indent=2))
    if found.error is not None:
        raise found.error
    if not json_output:
        _print_summary(out, found, len(chosen))
    if found.failed:
        raise typer.Exit(int(ExitCode.FAILED))


def _approve(decks: list[Deck], out: Console, *, trust: bool, json_output: bool) -> None:
    """The learner approves the steps of a deck file that did not come with quizdock; under
    ``--json`` nobody is asked: ``--trust`` must say yes beforehand."""
    import sys

    from quizdock.cli.trust_terminal import approve
    from quizdock.lab.trust import untrusted

    if json_output and not trust and (waiting := untrusted(decks)):
        raise QuizdockError(
            _(
                "`quizdock deck test --json` never asks before it runs the solution steps of {files}, "
                "which did not come with quizdock."
            ).format(files=", ".join(str(d.path) for d in waiting)),
            _("Read their solution steps, then run `quizdock deck test --json --trust`."),
            exit_code=ExitCode.NOT_A_TERMINAL,
        )
    approve(decks, out, trust=trust, interactive=not json_output and sys.stdin.isatty())


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _fell_back(out: Console, error: LabUnavailable) -> None:
    said = _("The lab cannot start ({reason}); proving on your own Docker.").format(reason=_escape(str(error)))
    out.print(f"[yellow]{said}[/yellow]")


def _print_proof(out: Console, proof: Proof) -> None:
    mark = "[green]" + _("ok") + "[/green]  " if proof.ok else "[red]" + _("FAIL") + "[/red]"
    out.print(f"{mark} {_escape(proof.challenge_id)} [dim]({number(proof.seconds, 1)} s)[/dim]")
    for problem in proof.problems:
        out.print(f"      {_escape(problem)}")


def _print_summary(out: Console, found: DeckTest, total: int) -> None:
    if found.failed:
        failures = ngettext("{failed} of {total} challenge failed.", "{failed} of {total} challenges failed.", total)
        out.print(f"[red]{failures.format(failed=found.failed, total=total)}[/red]")
        return
    proven = ngettext("{n} challenge proven", "{n} challenges proven", total).format(n=total)
    out.print(
        f"[green]{proven}[/green]"
        + _(
            ": each fails after setup, passes after its solution, and cleans up; your own containers, "
            "images, volumes and networks are as they were."
        )
    )


def deck_test_json(found: DeckTest, decks: list[Deck], chosen: list[PracticalCard]) -> dict[str, Any]:
    """The ``quizdock deck test --json`` document (docs/json-output.md), texts in the learner's language."""
    deck_of = {card.id: card.deck_id for card in chosen}
    counts = {status: sum(p.status == status for p in found.proofs) for status in ("pass", "fail", "error")}
    return {
        "schema": JSON_SCHEMA,
        "lang": current_language(),
        "status": found.status,
        "decks": [{"id": deck.id, "path": str(deck.path)} for deck in decks],
        "counts": {**counts, "not_run": len(chosen) - len(found.proofs)},
        "challenges": [_proof_json(proof, deck_of[proof.challenge_id]) for proof in found.proofs],
    }


def _proof_json(proof: Proof, deck_id: str) -> dict[str, Any]:
    error = proof.error
    return {
        "id": proof.challenge_id,
        "deck": deck_id,
        "status": proof.status,
        "seconds": round(proof.seconds, 1),
        "steps": [_step_json(n, step) for n, step in enumerate(proof.steps, 1)],
        "checks": [_check_json(check) for check in proof.checks],
        "problems": list(proof.problems),
        "error": None
        if error is None
        else {"message": error.problem, "fix": error.fix, "exit_code": int(error.exit_code)},
    }


def _step_json(position: int, step: StepOutcome) -> dict[str, Any]:
    return {
        "id": position,
        "command": step.command,
        "status": "pass" if step.passed else "fail",
        "exit_code": step.returncode,
        "message": step.message(),
        "output": step.output,
    }


def _check_json(check: CheckProof) -> dict[str, Any]:
    return {
        "id": check.id,
        "guard": check.guard,
        "label": check.after_solution.label.get(current_language()),
        "status": "pass" if check.passed else "fail",
        "message": check.message(),
    }
