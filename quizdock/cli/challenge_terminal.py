"""The interactive challenge in the terminal: show the task, run the learner's commands, re-check.

The learner types docker commands at quizdock's prompt (quizdock runs them with the terminal
attached, so ``-it`` works) or in another terminal, and the keywords ``check``, ``hint``,
``answer``, ``solution``, ``reset``, ``skip`` and ``quit``. Cleanup runs however the session
ends: solved, skipped, quit, Ctrl-C, a closed terminal (SIGHUP), a ``kill`` (SIGTERM) or a
Docker error; once it has begun, no further signal interrupts it.

Every question goes through an ``ask`` function (by default :meth:`Prompter.command`), so
tests drive the real loop with scripted keystrokes. What a typed line asks for and how the
session is graded are decided in :mod:`quizdock.challenges.flow`; what happens on Docker in
:mod:`quizdock.lab.session`. ``quizdock challenge check`` draws its results here too, once or
in watch mode (:mod:`quizdock.lab.watch`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from quizdock.challenges.flow import (
    Ending,
    GiveAnswer,
    Keyword,
    NeedsShell,
    RunCommand,
    SessionResult,
    Unreadable,
    ends_trying,
    quality,
    read_line,
    split_command,
    summary,
)
from quizdock.challenges.model import RECORDED_CONDITIONS
from quizdock.cli.console import keep_narrow_spaces, status_line
from quizdock.decks.cards import PracticalCard
from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import N_, Lang, Text, gettext_in, os_reason
from quizdock.lab.session import ChallengeRun, broad_warning

if TYPE_CHECKING:
    import docker

    from quizdock.challenges.model import Challenge
    from quizdock.decks.loading import Card
    from quizdock.lab.conditions import CheckResult
    from quizdock.lab.engine import Lab
    from quizdock.lab.state import LabState
    from quizdock.lab.target import Target
    from quizdock.lab.watch import Checked

Ask = Callable[[], str]
Run = Callable[[list[str]], int]

WORDS: dict[str, str] = {
    "setup": N_("Setting the challenge up on your Docker…"),
    "task": N_("Challenge"),
    "how": N_(
        "Type docker commands here (quizdock runs them in this terminal) or in another terminal. "
        "Keywords: check, hint, solution, reset, skip, quit."
    ),
    "how_answer": N_("When you know the answer, type `answer` followed by it (e.g. `answer 3f2a...`)."),
    "your_answer": N_("Your answer"),
    "no_question": N_("This challenge asks no typed answer: do the task on Docker, then type `check`."),
    "answered": N_("Answer recorded: {answer}"),
    "then_answer": N_("then `answer` followed by the last line it prints"),
    "solved": N_("Solved! Every check passes."),
    "try_it": N_(
        "Try it before it is cleaned up: {urls} answers from this machine (type curl or wget here, "
        "or use another terminal). Press Enter to finish."
    ),
    "hint": N_("Hint {n}/{m}:"),
    "no_more": N_("No more hints: type `solution` to see the answer."),
    "solution": N_("A solution:"),
    "reset": N_("Starting the challenge again from scratch…"),
    "cleanup": N_("Cleaning up what the challenge created…"),
    "cleanup_left": N_("Could not remove: {what}"),
    "cleanup_failed": N_("Cleanup failed: {error}"),
    "no_shell": N_(
        "quizdock runs one command, without a shell: pipes, redirections and && do not work here. "
        "Use another terminal for those, then type `check`."
    ),
    "not_found": N_("Command not found: {name}"),
    "cannot_run": N_("Cannot run {name}: {reason}. Type a docker command, or `help`."),
    "killed": N_(
        "Second Ctrl-C: quizdock stopped the docker client. A container it started may still run (docker container ls)."
    ),
    "bad_quotes": N_("Cannot read this command: {error}"),
    "help": N_(
        "Docker commands run here with your terminal attached. check: grade now · hint: next hint · "
        "answer X: give your answer · solution: show a solution · reset: start again · skip: give "
        "up this challenge · quit: leave."
    ),
    "passed": N_("{n}/{m} checks pass"),
    "skipped": N_("Skipped."),
    "explanation": N_("Why:"),
    "note": N_("Correction:"),
    "watching": N_("Watching Docker events for this challenge (Ctrl-C to stop)…"),
    "ended": N_("The challenge ended in the other terminal (solved, skipped or quit there): nothing left to check."),
    "setup_lab": N_("Setting the challenge up in your private lab (a Docker engine of quizdock's own)…"),
    "in_lab": N_(
        "Your docker commands here go to the lab; nothing on your own Docker is touched. In another "
        'terminal: eval "$(quizdock lab env)".'
    ),
    "not_graded": N_(
        "On your own Docker, how you do the task is not graded for these checks (only the private "
        "lab records what Docker receives): {checks}."
    ),
    "fallback": N_(
        "The private lab cannot start here, so this challenge runs on your own Docker, with its "
        "safety rules (reserved qd- names, labels, filtered prunes). Why: {why}"
    ),
}


CONNECTING = N_("Connecting to Docker…")


def words_in(lang: Lang) -> dict[str, str]:
    """The session's words in ``lang``."""
    return {key: gettext_in(lang, message) for key, message in WORDS.items()}


# --------------------------------------------------------------------------- the learner's commands

_CHILDREN: list[subprocess.Popen[bytes]] = []
"""The learner's commands still running; cleanup stops them first, so none creates a container
after cleanup has looked (a closed terminal interrupts quizdock while one runs)."""


def stop_children(*, grace: float = 2.0) -> None:
    """Stop the learner's commands that still run (the docker client; not the containers)."""
    for process in list(_CHILDREN):
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.terminate()
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:  # an attached client forwards TERM to the container and waits
                with contextlib.suppress(OSError):
                    process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=grace)
        _CHILDREN.remove(process)


def run_attached(argv: list[str], env: dict[str, str] | None = None) -> int:
    """Run a command with this terminal attached (``-it`` works).

    ``env`` is the command's environment (the lab's ``DOCKER_HOST``...); None: this process's.

    Ctrl-C reaches the command (it is in the terminal's foreground group), not quizdock. An
    attached container whose main process ignores SIGINT would hold the terminal forever, so a
    second Ctrl-C stops the docker client itself (the container keeps running, as with ``-d``).
    """
    in_main = threading.current_thread() is threading.main_thread()
    process: subprocess.Popen[bytes] | None = None
    presses = 0

    def on_interrupt(signum: int, frame: object) -> None:
        nonlocal presses
        presses += 1
        if presses >= 2 and process is not None and process.poll() is None:
            process.kill()

    # A Python handler (unlike SIG_IGN) is reset at exec: the command still gets Ctrl-C.
    previous = signal.signal(signal.SIGINT, on_interrupt) if in_main else None
    try:
        process = subprocess.Popen(argv, env=env)
        _CHILDREN.append(process)
        status = process.wait()  # a hang-up here leaves it listed, for cleanup to stop
        _CHILDREN.remove(process)
        return status
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)


# --------------------------------------------------------------------------- results


def show_results(console: Console, results: Sequence[CheckResult], lang: Lang) -> None:
    """The list of passed and failed checks, failures with expected vs actual."""
    for result in results:
        if result.passed:
            console.print(f"  [green]✓[/green] {escape(result.label.get(lang))}")
        else:
            console.print(f"  [red]✗[/red] {escape(result.label.get(lang))}")
            console.print(f"      [dim]{escape(result.message.get(lang))}[/dim]")
    passed = sum(r.passed for r in results)
    style = "green" if passed == len(results) else "yellow"
    console.print(f"  [{style}]{words_in(lang)['passed'].format(n=passed, m=len(results))}[/{style}]")


def show_timed_results(console: Console, results: Sequence[CheckResult], lang: Lang) -> None:
    """:func:`show_results` under a rule with the time: watch mode draws one such block a change."""
    from datetime import datetime

    console.rule(datetime.now().strftime("%H:%M:%S"))
    show_results(console, results, lang)


def check_and_show(
    out: Console, challenge: Challenge, state: LabState, lang: Lang, *, watch: bool, timeout: float | None
) -> Checked:
    """Grade a challenge set up elsewhere and draw the results on ``out``: once, or (``watch``) at
    every change until it passes, ``timeout`` runs out or the challenge ends elsewhere."""
    from quizdock.lab.watch import check_set_up

    if watch:
        out.print(words_in(lang)["watching"])
        draw = functools.partial(show_timed_results, out, lang=lang)
    else:
        draw = functools.partial(show_results, out, lang=lang)
    checked = check_set_up(challenge, state, watching=watch, timeout=timeout, on_results=draw)
    if checked.ended_elsewhere:
        out.print(words_in(lang)["ended"])
    return checked


# --------------------------------------------------------------------------- the session


class Session:
    """One run of a challenge in the terminal, from setup to cleanup (see :func:`run_session`)."""

    def __init__(
        self,
        client: docker.DockerClient,
        card: Card,
        lang: Lang,
        *,
        ask: Ask,
        run: Run,
        console: Console,
        lab: Lab | None = None,
    ) -> None:
        assert isinstance(card, PracticalCard), card.id
        self.card, self.challenge, self.lang, self.lab = card, card.challenge, lang, lab
        self.docker = ChallengeRun(client, card.challenge, lab=lab)
        self.ask, self.run, self.console = ask, run, console
        self.words = words_in(lang)
        self.signals: _EndOnce | None = None

    def read(self) -> str:
        """The learner's next line (a signal meanwhile cleans up and ends the process)."""
        if self.signals is None:
            return self.ask()
        with self.signals.asking(lambda: self.cleanup(interrupted=True)):
            return self.ask()

    def say(self, text: str, style: str = "") -> None:
        self.console.print(f"[{style}]{escape(text)}[/{style}]" if style else escape(text))

    def text(self, text: Text) -> str:
        return self.docker.render(text, self.lang)

    def start(self) -> None:
        self.say(self.words["setup_lab" if self.lab else "setup"], "dim")
        self.docker.setup()
        self.console.rule(f"{self.words['task']} {escape(self.challenge.id)}")
        self.say(self.text(self.card.question), "bold")
        if self.challenge.ask is not None:
            self.say(self.text(self.challenge.ask), "bold")
        if self.lab is None and self.challenge.host_note is not None:
            self.say(self.text(self.challenge.host_note), "bold")
        if ungraded := self.challenge.not_graded_here(lab=self.lab is not None):
            how = [gettext_in(self.lang, RECORDED_CONDITIONS[c.condition]) for c in ungraded]
            self.say(self.words["not_graded"].format(checks=", ".join(how)), "yellow")
        # In the lab a broad command removes only the challenge's own things: nothing to warn of.
        warning = None if self.lab else broad_warning(self.docker.client, self.challenge, self.lang)
        if warning:
            self.say(warning, "yellow")
        self.say(self.words["how"], "dim")
        if self.challenge.ask is not None:
            self.say(self.words["how_answer"], "dim")
        if self.lab:
            self.say(self.words["in_lab"], "dim")

    def check(self, *, quiet: bool = False) -> bool:
        results = self.docker.check()
        if not quiet:
            show_results(self.console, results, self.lang)
        return self.docker.passed

    def loop(self) -> Ending:
        while True:
            try:
                line = self.read()
            except EOFError:  # Ctrl-D, or the input ended: leave like `quit`
                self.check(quiet=True)
                return "quit"
            match read_line(line):
                case None:
                    continue
                case GiveAnswer(text):
                    if self.answer(text) and self.check():
                        return "solved"
                case Keyword("skip" | "quit" as ending):
                    self.check(quiet=True)
                    return "skip" if ending == "skip" else "quit"
                case Keyword("help"):
                    self.say(self.words["help"])
                case Keyword("check"):
                    if self.check():
                        return "solved"
                case Keyword("hint"):
                    self.hint()
                case Keyword("solution"):
                    self.solution()
                case Keyword("reset"):
                    self.say(self.words["reset"], "dim")
                    self.start()
                case typed:
                    if self.command(typed) is not None and self.check():
                        return "solved"

    def hint(self) -> None:
        taken = self.docker.next_hint()
        if taken is None:
            self.say(self.words["no_more"])
            return
        n, hint = taken
        label = self.words["hint"].format(n=n, m=len(self.challenge.hints))
        self.console.print(f"[bold]{escape(label)}[/bold] {escape(self.text(hint))}")

    def solution(self) -> None:
        self.say(self.words["solution"], "bold")
        for command, answer in self.docker.solution():
            then = f"  → {self.words['then_answer']}" if answer else ""
            self.say("  " + command + then)

    def answer(self, text: str) -> bool:
        """Record the learner's typed answer (asking for it when ``text`` is empty); False if none."""
        if self.challenge.ask is None:
            self.say(self.words["no_question"], "yellow")
            return False
        if not text.strip():
            self.say(f"{self.words['your_answer']} — {self.text(self.challenge.ask)}", "bold")
            text = self.read()
        if not text.strip():
            return False
        self.docker.record_answer(text)
        self.say(self.words["answered"].format(answer=text.strip()), "dim")
        return True

    def try_it(self) -> None:
        """After a solved challenge that publishes a port: let the learner reach it before cleanup."""
        ports = self.docker.ports_to_try()
        if not ports:
            return
        urls = ", ".join(f"http://127.0.0.1:{port}/" for port in ports)
        self.say(self.words["try_it"].format(urls=urls), "dim")
        while True:
            try:
                line = self.ask().strip()
            except EOFError:
                return
            if ends_trying(line):
                return
            self.command(split_command(line))

    def command(self, typed: RunCommand | Unreadable | NeedsShell | Keyword) -> int | None:
        """Run one learner command; None when it could not be run at all."""
        match typed:
            case Unreadable(error):
                self.say(self.words["bad_quotes"].format(error=error), "red")
                return None
            case NeedsShell():
                self.say(self.words["no_shell"], "yellow")
                return None
            case RunCommand(line, argv):
                pass
            case _:  # pragma: no cover - every keyword is handled by the loop
                raise AssertionError(typed)
        self.docker.record_command(line)
        try:
            status = self.run(list(argv))
        except FileNotFoundError:
            self.say(self.words["not_found"].format(name=argv[0]), "red")
            return None
        except OSError as error:  # a folder, a file that is not a program, a name too long
            self.say(self.words["cannot_run"].format(name=argv[0][:80], reason=os_reason(error)), "red")
            return None
        if status == -signal.SIGKILL:
            self.say(self.words["killed"], "yellow")
        return status

    def result(self, ending: Ending) -> SessionResult:
        return self.docker.result(ending)

    def cleanup(self, *, interrupted: bool = False) -> None:
        """Stop the learner's commands, then remove what the challenge made (see
        :meth:`ChallengeRun.cleanup`)."""
        # After a hang-up the terminal is gone: printing may fail, cleaning up must not.
        with contextlib.suppress(OSError):
            self.say(self.words["cleanup"], "dim")
        stop_children()
        state = self.docker.mark_ended()
        problem = ""
        try:
            left = self.docker.cleanup(state, interrupted=interrupted)
            problem = self.words["cleanup_left"].format(what="; ".join(left)) if left else ""
        except QuizdockError as error:  # Docker or the lab went away: the next setup cleans up
            problem = self.words["cleanup_failed"].format(error=error)
        except OSError as error:  # the lab's folder went away
            problem = self.words["cleanup_failed"].format(error=os_reason(error))
        if problem:
            with contextlib.suppress(OSError):
                self.say(problem, "yellow")


# --------------------------------------------------------------------------- signals

ENDING_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)


class _EndOnce:
    """A closed terminal (SIGHUP), a ``kill`` (SIGTERM) or Ctrl-C ends the session once, like Ctrl-C.

    Only the first signal interrupts; later ones (a shell resends SIGHUP to its jobs when its
    terminal closes) are noted and ignored, so they never cut the cleanup short. The handlers
    stay in place until cleanup has finished.

    At the prompt, an exception cannot be raised safely: prompt_toolkit's event loop, cancelled
    by it, may wait forever for a terminal that is gone. There the handler cleans up itself,
    then ends the process (exit status 130, interrupted, as after Ctrl-C).
    """

    def __init__(self) -> None:
        self.armed = True
        self.received: list[int] = []
        self.previous: dict[int, Any] = {}
        self.at_prompt: Callable[[], None] | None = None  # the cleanup, while the learner is asked

    def handler(self, signum: int, frame: object) -> None:
        self.received.append(signum)
        if not self.armed:
            return
        self.armed = False
        if self.at_prompt is not None:
            cleanup, self.at_prompt = self.at_prompt, None
            try:
                cleanup()
            finally:
                os._exit(int(ExitCode.INTERRUPTED))
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def asking(self, cleanup: Callable[[], None]) -> Iterator[None]:
        """While the learner is asked, a signal cleans up and ends the process."""
        self.at_prompt = cleanup
        try:
            yield
        finally:
            self.at_prompt = None

    def __enter__(self) -> _EndOnce:
        if threading.current_thread() is threading.main_thread():
            self.previous = {number: signal.signal(number, self.handler) for number in ENDING_SIGNALS}
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)


# --------------------------------------------------------------------------- entry points


def run_session(
    card: Card,
    lang: Lang,
    *,
    ask: Ask,
    client: docker.DockerClient | None = None,
    lab: Lab | None = None,
    run: Run | None = None,
    console: Console | None = None,
    explain: bool = True,
) -> SessionResult:
    """Run a practical card's challenge interactively; clean up however it ends.

    Without ``client``, the challenge runs where the ``lab`` setting says (the private lab,
    else the learner's Docker), holding the lab so that a second quizdock cannot wipe it.

    Args:
        card: A practical card.
        lang: The learner's language.
        ask: Reads the learner's next line (a command or a keyword).
        client: A connected client (default: :func:`quizdock.lab.target.open_target`).
        lab: The lab ``client`` talks to, when one is given; None for the learner's Docker.
        run: Runs a learner's command (default: with the terminal attached, docker pointed at
            where the challenge runs).
        console: Where to print.
        explain: Show the card's explanation at the end (the review loop shows it itself).

    Returns:
        How the session went.

    Raises:
        DockerUnavailable: Docker failed; cleanup was attempted first.
        LabUnavailable: The lab is required (``lab = "on"``) and cannot start.
        LabBusy: Another quizdock has a challenge in progress in the lab.
        KeyboardInterrupt: Ctrl-C at the prompt; cleanup ran first.
    """
    from quizdock.lab import target

    if console is None:
        keep_narrow_spaces()
        console = Console(highlight=False)
    with contextlib.ExitStack() as stack:
        if client is None:
            chosen = _open_target(stack, card, lang, console)
            client, lab = chosen.client, chosen.lab
        if run is None:
            from quizdock.lab.docker_client import learner_environ

            # In a terminal pointed at the lab, the learner's own Docker is the one from before.
            environ = lab.environ() if lab else learner_environ()
            run = functools.partial(run_attached, env=environ)
        session = Session(client, card, lang, ask=ask, run=run, console=console, lab=lab)
        stack.enter_context(target.lab_faults(lab.home if lab else None))  # left last: after the cleanup
        with _EndOnce() as signals:
            session.signals = signals
            try:
                return _play(session, card, lang, explain=explain)
            finally:
                signals.armed = False  # from here on, no signal interrupts: cleanup must finish
                session.cleanup(interrupted=bool(signals.received))
    raise AssertionError("unreachable")  # pragma: no cover - the with block returns or raises


def _open_target(stack: contextlib.ExitStack, card: Card, lang: Lang, console: Console) -> Target:
    """Where the challenge runs, held in ``stack``: the lab (held for this challenge), else the
    learner's Docker, said so."""
    from quizdock.lab import engine, target

    # Held before the lab starts, so two quizdocks never set the lab up at once.
    stack.enter_context(engine.exclusive(engine.default_home(), f"challenge {card.id}"))
    # Never a silent wait: the lab may take seconds to start, its images to load.
    with status_line(console, gettext_in(lang, CONNECTING)) as status:
        chosen = target.open_target(progress=lambda step: status.update(gettext_in(lang, engine.STEPS[step])))
    stack.callback(chosen.close)
    if chosen.fallback:
        console.print(f"[yellow]{escape(words_in(lang)['fallback'].format(why=chosen.fallback))}[/yellow]")
    return chosen


def _play(session: Session, card: Card, lang: Lang, *, explain: bool) -> SessionResult:
    session.start()
    ending = session.loop()
    if ending == "solved":
        session.say(session.words["solved"], "bold green")
        session.try_it()
    elif ending == "skip":
        session.say(session.words["skipped"], "yellow")
    if explain:
        words = session.words
        session.console.print(f"[bold]{escape(words['explanation'])}[/bold] {escape(card.explanation.get(lang))}")
        if card.note_differs is not None:
            note = escape(card.note_differs.get(lang))
            session.console.print(f"[bold yellow]{escape(words['note'])}[/bold yellow] {note}")
    return session.result(ending)


def review_practical(card: Card, lang: Lang, **options: Any) -> tuple[int, str]:
    """The review loop's entry point for a practical card.

    Runs the same interactive session as ``quizdock challenge run`` and always cleans up (also
    on Ctrl-C, which is re-raised after cleanup). ``quit`` counts as giving the card up.

    Args:
        card: A practical card.
        lang: The learner's language.
        **options: Passed to :func:`run_session` (``ask``, ``client``, ``console``, ``run``).

    Returns:
        The SM-2 quality (5 solved with no hint, 4-3 with hints, 2-1 given up or failed) and a
        short summary of what the learner did.
    """
    if "ask" not in options:
        from quizdock.cli.prompts import Prompter

        options["ask"] = Prompter(lang).command
    result = run_session(card, lang, explain=False, **options)
    return quality(result), summary(result)
