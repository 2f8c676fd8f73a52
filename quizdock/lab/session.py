"""A challenge session's Docker side: set the challenge up, grade it, keep what the learner typed
and answered, clean up.

Nothing here prints or asks: :mod:`quizdock.cli.challenge_terminal` runs the prompt loop, draws the
results and handles signals around a :class:`ChallengeRun`. The commands typed at quizdock's
prompt are saved with the challenge's state, so a check can grade what the daemon cannot tell
(one command or several, a name or a filter), and a check run from another terminal sees them.
"""

from __future__ import annotations

import contextlib
import socket
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from quizdock.challenges.flow import Ending, SessionResult
from quizdock.challenges.model import BROAD_COMMANDS, Challenge
from quizdock.errors import DockerUnavailable
from quizdock.i18n import N_, Lang, Text, gettext_in
from quizdock.lab import runner
from quizdock.lab.state import LabState, load_state, record_answer, record_typed, save_state

if TYPE_CHECKING:
    import docker

    from quizdock.lab.conditions import CheckResult
    from quizdock.lab.engine import Lab

BROAD_WORDS: dict[str, str] = {
    "broad": N_(
        "Careful: on your Docker, a plain `{command}` would also remove {count} of your own {what} "
        "(not made by quizdock). To touch only this challenge's, add `--filter label={label}`."
    ),
    "broad_none": N_(
        "A plain `{command}` would remove none of your own {what} right now; the challenge's label "
        "still lets you aim: `--filter label={label}`."
    ),
    "containers": N_("stopped containers"),
    "images": N_("images"),
}


def answers_here(port: str) -> bool:
    """Whether something answers HTTP on ``127.0.0.1:port`` of this machine (within a second)."""
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=1) as conn:
            conn.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return conn.recv(16).startswith(b"HTTP/")
    except (OSError, ValueError):
        return False


def broad_warning(client: docker.DockerClient, challenge: Challenge, lang: Lang) -> str | None:
    """Before a prune challenge: how many of the learner's own resources the broad command would remove."""
    if challenge.broad is None:
        return None
    count = runner.learner_count(client, challenge.broad)
    words = {key: gettext_in(lang, message) for key, message in BROAD_WORDS.items()}
    what = words["containers"] if challenge.broad == "container-prune" else words["images"]
    key = "broad" if count else "broad_none"
    return words[key].format(command=BROAD_COMMANDS[challenge.broad], count=count, what=what, label=challenge.label)


class ChallengeRun:
    """One run of a challenge on Docker, from setup to cleanup, and what the learner did in it.

    Args:
        client: A client of the Docker the challenge runs on.
        challenge: The challenge.
        lab: The lab ``client`` talks to; None for the learner's own Docker.
    """

    def __init__(self, client: docker.DockerClient, challenge: Challenge, *, lab: Lab | None = None) -> None:
        self.client, self.challenge, self.lab = client, challenge, lab
        self.state: LabState | None = None
        self.hints_used = 0
        self.solution_shown = False
        self.commands: list[str] = []
        self.results: list[CheckResult] = []

    @property
    def current(self) -> LabState:
        """The state of the set-up challenge (:meth:`setup` has run)."""
        assert self.state is not None
        return self.state

    def setup(self) -> None:
        """Set the challenge up (again, after a reset), from scratch."""
        state = runner.setup(self.client, self.challenge, lab=self.lab)
        self.state = replace(state, typed=())  # from now on, what is typed at the prompt is graded too
        save_state(self.state)

    def render(self, text: Text, lang: Lang) -> str:
        """A deck text in ``lang`` with this run's values (ports, names) in place."""
        return runner.render(text.get(lang), self.current)

    def check(self) -> list[CheckResult]:
        """Grade the challenge now (every check); the results are kept for :meth:`result`.

        Raises:
            DockerUnavailable: The daemon failed or refused a request.
        """
        self.results = runner.evaluate(self.client, self.challenge, self.current)
        return self.results

    @property
    def passed(self) -> bool:
        """Every check passed at the last :meth:`check`."""
        return all(r.passed for r in self.results)

    def record_command(self, line: str) -> None:
        """A command the learner typed at quizdock's prompt, saved for the checks that read it."""
        self.commands.append(line)
        self.state = record_typed(self.current, line)

    def record_answer(self, text: str) -> None:
        """The learner's typed answer, saved (a later one replaces it)."""
        self.state = record_answer(self.current, text)

    def next_hint(self) -> tuple[int, Text] | None:
        """The next hint and its number (from 1), counted as used; None when none is left."""
        hints = self.challenge.hints
        if self.hints_used >= len(hints):
            return None
        self.hints_used += 1
        return self.hints_used, hints[self.hints_used - 1]

    def solution(self) -> list[tuple[str, bool]]:
        """The solution's commands with this run's values, each with whether its last line is the
        answer to type; the solution counts as shown."""
        self.solution_shown = True
        return [(runner.render(step.command, self.current), step.answer) for step in self.challenge.solution]

    def ports_to_try(self) -> list[str]:
        """The published ports that answer HTTP from this machine (one published on the lab's own
        loopback does not)."""
        return [port for p in self.challenge.param("port") if answers_here(port := self.current.values[p.key])]

    def result(self, ending: Ending) -> SessionResult:
        return SessionResult(
            challenge_id=self.challenge.id,
            ending=ending,
            hints_used=self.hints_used,
            solution_shown=self.solution_shown,
            commands=tuple(self.commands),
            checks_passed=sum(r.passed for r in self.results),
            checks_total=len(self.challenge.checks_for(lab=self.lab is not None)),
        )

    def mark_ended(self) -> LabState | None:
        """Note in the saved state that the challenge has ended, so a watcher in another terminal
        stops; the state to clean up after (None if the challenge was never set up)."""
        state = self.state or load_state(self.challenge.id)
        if state is not None:
            with contextlib.suppress(OSError):  # the lab's folder went away: cleanup goes on
                save_state(replace(state, ended=True))
        return state

    def cleanup(self, state: LabState | None, *, interrupted: bool = False) -> list[str]:
        """Remove what the challenge made; after an interruption, look twice.

        Args:
            state: The challenge's state (see :meth:`mark_ended`).
            interrupted: The session ended on a signal, maybe in the middle of a request or of
                a learner's command: a container whose creation the daemon was finishing may
                appear just after the first pass, so a second one follows.

        Returns:
            What could not be removed.

        Raises:
            QuizdockError: Docker or the lab went away (the next setup cleans up).
            OSError: The lab's folder went away.
        """
        left = self._cleanup_with_retry(state)
        if interrupted:
            time.sleep(0.3)
            if runner.leftovers(self.client, self.challenge, state, lab=self.lab):
                left = runner.cleanup(self.client, self.challenge, state, lab=self.lab)
        return left

    def _cleanup_with_retry(self, state: LabState | None) -> list[str]:
        try:
            return runner.cleanup(self.client, self.challenge, state, lab=self.lab)
        except DockerUnavailable:
            # An interrupted request may have left the client unusable: a fresh connection.
            from quizdock.lab.docker_client import connect

            fresh = self.lab.connect() if self.lab else connect()
            try:
                return runner.cleanup(fresh, self.challenge, state, lab=self.lab)
            finally:
                fresh.close()
