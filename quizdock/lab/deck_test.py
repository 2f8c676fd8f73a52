"""``quizdock deck test``: prove every challenge on a real Docker engine.

The proof runs in a private lab of its own (started for the run, removed after it), so
nothing else on the learner's or CI's Docker can make it fail and nothing there is touched.
With the lab off, it runs on the learner's Docker, which may be busy: their own scripts (or
other programs) create and remove things meanwhile, and that is not the proof's to judge.
What keeps their things safe there is what quizdock sends: the guard refuses every step's
request on something that is not the challenge's, and cleanup removes only what this run made
(its label, its names, the IDs setup recorded); what is left of it is a problem.
Nothing here prints: the proofs are values (:class:`Proof`, :class:`DeckTest`), and progress
goes through callbacks; ``quizdock.cli.deck_test_terminal`` shows them to the learner or writes
them as JSON.

For each challenge: set it up; its goal checks must fail and its guards pass; run the
reference solution (docker CLI commands read with the Docker CLI model, never a shell, recorded
as the commands a learner typed; a step marked ``answer`` also types its output's last line as
the answer); every check must then pass; clean up; nothing of the challenge may be left.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from quizdock.challenges.model import Challenge, Check, SolutionStep, placeholders, substitute
from quizdock.challenges.steps import UnsafeStep, solution_argv, staged_argv
from quizdock.errors import QuizdockError
from quizdock.i18n import N_, _, current_language, number
from quizdock.lab import runner
from quizdock.lab.conditions import CheckResult
from quizdock.lab.guard import guarded
from quizdock.lab.guard_request import Policy
from quizdock.lab.state import LabState, last_line, record_answer, record_typed, states_in

if TYPE_CHECKING:
    import docker

    from quizdock.decks.cards import PracticalCard
    from quizdock.lab.engine import Lab, LabUnavailable
    from quizdock.lab.target import Target

STEP_TIMEOUT = 120
SETTLE_SECONDS = 5  # logs written just after `run -d` may take a moment to show

Status = Literal["pass", "fail", "error"]
"""A proof's verdict: proven, proven wrong, or stopped by an error before its end."""


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """A command that ran: its exit status and the tail of its output."""

    command: str
    returncode: int
    output: str

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    def message(self) -> str:
        """What it did, in the learner's language: its exit status, and its output's end when it failed."""
        if self.passed:
            return _("`{command}` exited with 0").format(command=self.command)
        return _("`{command}` exited with {code}: {output}").format(
            command=self.command, code=self.returncode, output=self.output.strip()[-500:]
        )


@dataclass(frozen=True, slots=True)
class CheckProof:
    """One check of a proven challenge: its result right after setup and after the solution.

    Attributes:
        id: Its id in the challenge (:meth:`quizdock.decks.challenge_spec.Challenge.check_id`).
        guard: A guard must hold throughout; a goal must fail after setup.
        after_setup: Its result right after setup.
        after_solution: Its result once the solution ran.
    """

    id: str
    guard: bool
    after_setup: CheckResult
    after_solution: CheckResult

    @property
    def passed(self) -> bool:
        """It did what it must: a goal fails after setup (a guard holds), and both hold at the end."""
        return self.after_setup.passed == self.guard and self.after_solution.passed

    def message(self) -> str:
        """Why it did not do what it must, or what it found at the end, in the learner's language."""
        lang = current_language()
        if self.after_setup.passed != self.guard:
            said = self.after_setup.message.get(lang)
            if self.guard:
                return _("fails right after setup: {message}").format(message=said)
            return _("passes already after setup, before the solution: {message}").format(message=said)
        return self.after_solution.message.get(lang)


@dataclass(slots=True)
class Proof:
    """The verdict on one challenge.

    Attributes:
        challenge_id: The challenge.
        problems: Everything that went wrong; empty means proven.
        steps: The solution commands as run.
        checks: Each check after setup and after the solution (empty when an error stopped the proof).
        seconds: How long the proof took.
        values: The parameter values setup chose (and any extra values given).
        error: What stopped the proof before its end (Docker went away, setup was refused).
    """

    challenge_id: str
    problems: list[str] = field(default_factory=list)
    steps: list[StepOutcome] = field(default_factory=list)
    checks: list[CheckProof] = field(default_factory=list)
    seconds: float = 0.0
    values: dict[str, str] = field(default_factory=dict)
    error: QuizdockError | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.error is None

    @property
    def status(self) -> Status:
        return "error" if self.error is not None else "pass" if self.ok else "fail"


@dataclass(slots=True)
class DeckTest:
    """What ``deck test`` found: one proof per challenge, in order, up to an error that stopped it.

    Attributes:
        proofs: The proofs made; the last one carries the error, if any.
        error: What stopped the run (the challenges after it were not proven).
    """

    proofs: list[Proof] = field(default_factory=list)
    error: QuizdockError | None = None

    @property
    def failed(self) -> int:
        return sum(p.status == "fail" for p in self.proofs)

    @property
    def status(self) -> Status:
        return "error" if self.error is not None else "fail" if self.failed else "pass"


def run_step(
    step: SolutionStep,
    values: Mapping[str, str],
    *,
    timeout: float = STEP_TIMEOUT,
    env: Mapping[str, str] | None = None,
    challenge: Challenge | None = None,
) -> StepOutcome:
    """Run one solution command (after substitution) without a shell.

    A ``tty`` step runs in a pseudo-terminal, as a learner's ``-it`` would; its ``input`` is
    typed once the command has started. ``env`` is the command's environment (the lab's);
    None: this process's.
    """
    command = substitute(step.command, values)
    text = substitute(step.input, values) if step.input is not None else None
    with tempfile.TemporaryDirectory(prefix="quizdock-step-") as staging:
        # The parse that deck check validated; files the client reads are copied first.
        argv = staged_argv(step, values, challenge, staging) if challenge else solution_argv(step, values)
        return _run_argv(argv, command, text, tty=step.tty, timeout=timeout, env=env)


def _run_argv(
    argv: list[str], command: str, text: str | None, *, tty: bool, timeout: float, env: Mapping[str, str] | None
) -> StepOutcome:
    if tty:
        returncode, output = _run_in_pty(argv, text, timeout=timeout, env=env)
    else:
        try:
            done = subprocess.run(
                argv,
                input=text,
                stdin=None if text is not None else subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env=env,
            )
            returncode, output = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired:
            returncode, output = -1, _("timed out after {seconds} s").format(seconds=_seconds(timeout))
    return StepOutcome(command=command, returncode=returncode, output=output[-2000:])


def _run_in_pty(
    argv: list[str], text: str | None, *, timeout: float, env: Mapping[str, str] | None = None
) -> tuple[int, str]:
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True, env=env)
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    pending = text.encode() if text else b""
    # Type the input once the command shows something (the container's prompt), as a person would.
    typed_after = time.monotonic() + 3
    try:
        while time.monotonic() < deadline:
            if pending and (output or time.monotonic() > typed_after):
                time.sleep(0.3)
                os.write(master, pending)
                pending = b""
            ready = select.select([master], [], [], 0.1)[0]
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the command closed the terminal
                    chunk = b""
                if not chunk and process.poll() is not None:
                    break
                output += chunk
            elif process.poll() is not None:
                break
        else:
            process.kill()
            return -1, output.decode("utf-8", "replace") + "\n" + _("timed out after {seconds} s").format(
                seconds=_seconds(timeout)
            )
        return process.wait(timeout=10), output.decode("utf-8", "replace")
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()


def _failed(results: Iterable[CheckResult]) -> list[CheckResult]:
    return [r for r in results if not r.passed]


def _describe(results: Iterable[CheckResult]) -> str:
    lang = current_language()
    return "; ".join(
        _("{label}: {message}").format(label=r.label.get(lang), message=r.message.get(lang)) for r in results
    )


def snapshot_docker(client: docker.DockerClient) -> dict[str, set[str]]:
    """Everything on a Docker, with what identifies its state: containers (ID, status, name),
    images (ID and tags), volumes, networks (ID and name)."""
    with runner.docker_errors(_("listing your resources")):
        return {
            "container": {
                f"{c.id[:12]} {c.status} {c.name}" for c in client.containers.list(all=True, ignore_removed=True)
            },
            "image": {f"{i.id.removeprefix('sha256:')[:12]} {' '.join(sorted(i.tags))}" for i in client.images.list()},
            "volume": {v.name for v in client.volumes.list()},
            "network": {f"{n.id[:12]} {n.name}" for n in client.networks.list()},
        }


KINDS = {"container": N_("containers"), "image": N_("images"), "volume": N_("volumes"), "network": N_("networks")}


def changes(before: dict[str, set[str]], after: dict[str, set[str]], *, ignore: Iterable[str] = ()) -> list[str]:
    """What differs between two snapshots, one line per kind (``ignore``: substrings to leave out)."""
    skip = tuple(ignore)
    found = []
    for kind in before:
        gone = sorted(x for x in before[kind] - after[kind] if not any(i in x for i in skip))
        new = sorted(x for x in after[kind] - before[kind] if not any(i in x for i in skip))
        if gone:
            found.append(
                _("{kind} gone or changed: {ids}").format(kind=_(KINDS.get(kind, kind)), ids=", ".join(gone)[:300])
            )
        if new:
            found.append(
                _("{kind} new or changed: {ids}").format(kind=_(KINDS.get(kind, kind)), ids=", ".join(new)[:300])
            )
    return found


@dataclass(slots=True)
class ProofRun:
    """Where a ``deck test`` runs and what it must leave as it was."""

    target: Target
    problems: list[str] = field(default_factory=list)

    @property
    def client(self) -> docker.DockerClient:
        return self.target.client

    @property
    def lab(self) -> Lab | None:
        return self.target.lab


@contextlib.contextmanager
def private_lab(
    *,
    progress: Callable[[str], None] | None = None,
    on_fallback: Callable[[LabUnavailable], None] | None = None,
) -> Iterator[ProofRun]:
    """A lab of the proof's own for ``deck test``, removed afterwards.

    The learner's Docker only sees the lab's container and volume come and go. With the lab
    off (or unable to start, in ``auto``), the proof runs on the learner's Docker, holding the
    learner's lab lock so that no challenge of theirs runs meanwhile.

    Args:
        progress: Told each step of the lab's start (a key of :data:`quizdock.lab.engine.STEPS`).
        on_fallback: Told why the lab cannot start, when the proof runs on the learner's Docker instead.
    """
    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect
    from quizdock.lab.target import Target, lab_setting

    setting = lab_setting()
    learners_lab = engine.default_home()  # before its states move to the proof's own folder
    host = connect()
    with contextlib.ExitStack() as stack:
        stack.callback(host.close)
        states = Path(tempfile.mkdtemp(prefix="quizdock-deck-test-"))
        stack.callback(shutil.rmtree, states, ignore_errors=True)
        stack.enter_context(states_in(states))
        if setting != "off":
            # Beside the learner's own lab; the process id tells whose it is on a shared Docker.
            name = f"quizdock-lab-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
            home = engine.LabHome(Path(tempfile.mkdtemp(prefix="quizdock-lab-")), name=name)
            stack.callback(engine.down, host, home)
            try:
                lab = engine.up(host, home, progress=progress)
            except engine.LabUnavailable as error:
                if setting == "on":
                    raise
                if on_fallback is not None:
                    on_fallback(error)
            else:
                client = lab.connect()
                stack.callback(client.close)
                yield ProofRun(Target(client=client, lab=lab))
                return
        stack.enter_context(engine.exclusive(learners_lab, "quizdock deck test"))
        yield ProofRun(Target(client=host))


def prove(
    client: docker.DockerClient,
    challenge: Challenge,
    *,
    solution: Iterable[SolutionStep] | None = None,
    expect_pass: bool = True,
    extra_values: Mapping[str, str] | None = None,
    lab: Lab | None = None,
) -> tuple[Proof, list[CheckResult]]:
    """Prove one challenge (or try another solution against it).

    Args:
        client: A connected client.
        challenge: The challenge.
        solution: Commands to run instead of the reference solution (to test a variant).
        expect_pass: With the reference solution, every check must pass; pass False for a
            near miss, which must leave at least one check failing.
        extra_values: More ``{name}`` values for the solution's commands (a wrong port).
        lab: The lab ``client`` talks to; None for the learner's own Docker.

    Returns:
        The proof, and the check results after the solution ran.
    """
    from quizdock.lab.docker_client import learner_environ

    proof = Proof(challenge.id)
    started = time.monotonic()
    environ = lab.environ() if lab else learner_environ()  # a terminal pointed at the lab included
    state: LabState | None = None
    results: list[CheckResult] = []
    try:
        state = runner.setup(client, challenge, lab=lab)
        proof.values = {**state.values, **(extra_values or {})}
        checks = challenge.checks_for(lab=state.lab)
        first = runner.evaluate(client, challenge, state)
        _judge_setup(proof, checks, first)
        steps = list(solution if solution is not None else challenge.solution)
        state = _run_solution(client, challenge, state, steps, proof, environ=environ, expect_pass=expect_pass)
        ready = state
        results = _settle(lambda: runner.evaluate(client, challenge, ready), want_pass=expect_pass)
        proof.checks = [
            CheckProof(challenge.check_id(check), check.guard, early, late)
            for check, early, late in zip(checks, first, results, strict=True)
        ]
        if expect_pass and (failing := _failed(results)):
            proof.problems.append(_("checks fail after the solution: {checks}").format(checks=_describe(failing)))
        if not expect_pass and not _failed(results):
            proof.problems.append(_("every check passes after a near miss"))
    finally:
        _clean_up(client, challenge, state, proof, lab=lab)
        proof.seconds = time.monotonic() - started
    return proof, results


def _judge_setup(proof: Proof, checks: Sequence[Check], first: list[CheckResult]) -> None:
    """Right after setup, every goal check must fail and every guard pass."""
    goals = [r for r, c in zip(first, checks, strict=True) if not c.guard]
    guards = [r for r, c in zip(first, checks, strict=True) if c.guard]
    if passing_goals := [r for r in goals if r.passed]:
        proof.problems.append(
            _("goal checks already pass after setup: {checks}").format(checks=_describe(passing_goals))
        )
    if failing_guards := _failed(guards):
        proof.problems.append(
            _("guard checks fail right after setup: {checks}").format(checks=_describe(failing_guards))
        )


def _clean_up(
    client: docker.DockerClient,
    challenge: Challenge,
    state: LabState | None,
    proof: Proof,
    *,
    lab: Lab | None,
) -> None:
    """Clean the challenge up; anything left behind is a problem."""
    if state is None:
        from quizdock.lab.state import load_state

        state = load_state(challenge.id)
    problems = runner.cleanup(client, challenge, state, lab=lab)
    if lab is None:
        problems += remove_step_networks(client, challenge)
    proof.problems += [_("cleanup: {problem}").format(problem=p) for p in problems]
    if left := runner.leftovers(client, challenge, state, lab=lab):
        proof.problems.append(_("left behind after cleanup: {names}").format(names=", ".join(left)))


def _run_solution(
    client: docker.DockerClient,
    challenge: Challenge,
    state: LabState,
    steps: list[SolutionStep],
    proof: Proof,
    *,
    environ: Mapping[str, str] | None,
    expect_pass: bool,
) -> LabState:
    """Run the steps through the guard, as if typed at the challenge's prompt; record them."""
    with guarded(_policy(challenge, state), environ or os.environ, client) as guard:
        for step in steps:
            try:
                outcome = run_step(step, proof.values, env=guard.environ(environ), challenge=challenge)
            except UnsafeStep as refused:
                outcome = StepOutcome(substitute(step.command, proof.values), -1, str(refused))
            proof.steps.append(outcome)
            state = record_typed(state, outcome.command)
            if step.answer:
                state = record_answer(state, last_line(outcome.output))
            if not outcome.passed and expect_pass:
                proof.problems.append(outcome.message())
    proof.problems += [_("refused by the guard: {reason}").format(reason=r) for r in guard.refusals]
    return state


def _policy(challenge: Challenge, state: LabState) -> Policy:
    """What the steps of this set-up challenge may ask of Docker (see :mod:`quizdock.lab.guard`)."""
    return Policy(
        challenge_id=challenge.id,
        dirs=tuple(state.dirs),
        lab=state.lab,
        names=frozenset(runner.challenge_names(challenge, state)),
        registry=state.registry,
        # The run's own label too: cleanup removes what this run made, and only that.
        labels={**challenge.labels(), **({runner.LABEL_RUN: state.run} if state.run else {})},
    )


def remove_step_networks(client: docker.DockerClient, challenge: Challenge) -> list[str]:
    """Remove the networks the steps made on the learner's Docker (the guard labelled them);
    the containers, images and volumes they made carry the same label and go with cleanup."""
    import docker.errors

    problems = []
    with runner.docker_errors(_("cleaning the challenge up")):
        for network in client.networks.list(filters={"label": challenge.label}):
            try:
                network.remove()
            except docker.errors.NotFound:
                continue
            except docker.errors.APIError as exc:
                problems.append(_("network {name}: {detail}").format(name=network.name, detail=exc.explanation or exc))
    return problems


def _settle(evaluate: Callable[[], list[CheckResult]], *, want_pass: bool) -> list[CheckResult]:
    """Evaluate until every check passes (or, for a near miss, once), up to a few seconds."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        results = evaluate()
        if not want_pass or not _failed(results) or time.monotonic() > deadline:
            return results
        time.sleep(0.3)


def unknown_placeholders(challenge: Challenge, texts: Iterable[str]) -> set[str]:
    """Placeholders in the card's texts (the task) that the challenge does not define."""
    from quizdock.challenges.model import sample_values

    known = set(sample_values(challenge))
    return {name for text in texts for name in placeholders(text)} - known


def prove_cards(
    run: ProofRun,
    cards: Sequence[PracticalCard],
    *,
    on_start: Callable[[PracticalCard], None] | None = None,
    on_proof: Callable[[Proof], None] | None = None,
) -> DeckTest:
    """Prove each card's challenge in turn, where ``run`` says.

    A :class:`~quizdock.errors.QuizdockError` (Docker went away, setup was refused) ends the
    run: the challenge it stopped carries it, the challenges after it are not proven.

    Args:
        run: Where the proofs run (:func:`private_lab`).
        cards: The practical cards whose challenges to prove.
        on_start: Told of each card before its proof starts.
        on_proof: Told of each proof made to its end, as soon as it is made.
    """
    found = DeckTest()
    for card in cards:
        if on_start is not None:
            on_start(card)
        started = time.monotonic()
        try:
            proof = prove(run.client, card.challenge, lab=run.lab)[0]
        except QuizdockError as error:
            found.proofs.append(Proof(card.id, seconds=time.monotonic() - started, error=error))
            found.error = error
            return found
        if unknown := unknown_placeholders(card.challenge, [card.question.fr, card.question.en]):
            undefined = ", ".join(sorted(unknown))
            proof.problems.append(_("the task uses undefined parameters: {names}").format(names=undefined))
        found.proofs.append(proof)
        if on_proof is not None:
            on_proof(proof)
    return found


def require_docker_cli() -> None:
    """The reference solutions are docker CLI commands: the CLI must be on PATH."""
    if shutil.which("docker") is None:
        raise QuizdockError(
            _(
                "`quizdock deck test` runs each challenge's reference solution with the docker CLI, "
                "which is not on PATH."
            ),
            _("Install the Docker CLI (it comes with Docker Engine and Docker Desktop) or add it to PATH."),
        )


def _seconds(timeout: float) -> str:
    """A time-out in the learner's notation: ``2.5`` in English, ``2,5`` in French."""
    return number(timeout, 0 if timeout == int(timeout) else 1)
