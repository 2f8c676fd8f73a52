"""What every condition shares: the verdict, what a condition may look at, the wrapper that reads
again what vanishes under it, the words of a verdict, and the lookups of Docker's objects.

The resource modules import this one; it imports none of them.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizdock.challenges.model import ArgValue, Challenge
from quizdock.i18n import N_, Text, bilingual

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container
    from docker.models.images import Image
    from docker.models.volumes import Volume

    from quizdock.lab.requests_log import Request
    from quizdock.lab.state import LabState


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict of one check.

    Attributes:
        name: The condition's name (``published_port``).
        label: What is checked, in words (``qd-web publishes port 8123 → 80/tcp``).
        passed: The condition holds.
        message: On failure, expected vs actual; on success, what was found.
    """

    name: str
    label: Text
    passed: bool
    message: Text


@dataclass(frozen=True)
class Context:
    """What a condition may look at: the daemon and the challenge's setup state."""

    client: docker.DockerClient
    challenge: Challenge
    state: LabState

    @functools.cached_property
    def record(self) -> list[Request] | Text:
        """What the lab's engine received since setup (read once per evaluation), or why it cannot
        be read: on the learner's own Docker nothing records the requests."""
        from quizdock.lab.requests_log import NoRecord, read

        if not self.state.lab or not self.state.lab_container or self.state.since is None:
            return not_recorded()
        from quizdock.errors import QuizdockError
        from quizdock.lab.docker_client import connect

        try:
            host = connect()
        except QuizdockError as error:
            return bilingual("the lab's request log cannot be read ({error})", error=str(error))
        try:
            return read(host, self.state.lab_container, self.state.since)
        except NoRecord as error:
            return bilingual(
                "the lab's request log cannot be read ({error}): run `quizdock lab down`, then try again",
                error=str(error),
            )
        finally:
            host.close()


def not_recorded() -> Text:
    return bilingual("not graded on your own Docker: only quizdock's lab records what Docker received")


Args = Mapping[str, ArgValue]
Condition = Callable[[Context, Args], CheckResult]
"""A checker: what it reads of the daemon (and of the setup's state) against the check's arguments."""


VANISH_RETRIES = 3


def condition(func: Condition) -> Condition:
    """The checker ``func``, made robust to what vanishes while it reads; its kind is its name
    (:mod:`quizdock.lab.conditions.registry` lists every checker under it)."""
    name = func.__name__.removeprefix("_")

    @functools.wraps(func)
    def robust(ctx: Context, a: Args) -> CheckResult:
        """The condition, read again when what it reads vanishes under it (404, or 409 "dead")."""
        import docker.errors

        detail = ""
        for attempt in range(VANISH_RETRIES):
            try:
                return func(ctx, a)
            except docker.errors.APIError as error:
                if error.status_code not in (404, 409):
                    raise
                explanation = error.explanation or str(error)
                detail = explanation.decode("utf-8", "replace") if isinstance(explanation, bytes) else explanation
                time.sleep(0.2 * (attempt + 1))
        what = " ".join(str(v) for v in a.values() if isinstance(v, str))
        label = as_is(f"{name} {what}".strip())
        actual = bilingual("it keeps changing while being read ({detail})", detail=detail)
        return result(name, label, False, diff(bilingual("a settled state"), actual))

    return robust


def as_is(text: str) -> Text:
    """A text the same in every language (a name, an address)."""
    return Text(fr=text, en=text)


def joined(texts: list[Text], fr: str, en: str) -> Text:
    """The texts in a row, ``fr`` between them in French, ``en`` in English."""
    return Text(fr=fr.join(x.fr for x in texts), en=en.join(x.en for x in texts))


def result(name: str, label: Text, passed: bool, message: Text) -> CheckResult:
    return CheckResult(name=name, label=label, passed=passed, message=message)


def diff(expected: Text, actual: Text) -> Text:
    """What a failed check says: what was expected, what was found instead."""
    return bilingual("expected: {expected}; actual: {actual}", expected=expected, actual=actual)


def ok(found: Text) -> Text:
    """What a passed check says it found."""
    return bilingual("found: {found}", found=found)


# --------------------------------------------------------------------------- lookups


def named_container(client: docker.DockerClient, name: str) -> Container | None:
    """The container with exactly this name, or None (``get`` alone also matches an ID prefix)."""
    import docker.errors

    try:
        container = client.containers.get(name)
    except docker.errors.NotFound:
        return None
    return container if container.name == name else None


def find_container(ctx: Context, name: str) -> Container | None:
    """The container with exactly this name, or None."""
    return named_container(ctx.client, name)


def find_image(ctx: Context, reference: str) -> Image | None:
    """The image this reference (a name, an ID) names on the daemon, or None."""
    import docker.errors

    try:
        return ctx.client.images.get(reference)
    except (docker.errors.ImageNotFound, docker.errors.NotFound):
        return None


def find_volume(ctx: Context, name: str) -> Volume | None:
    """The volume of this name, or None."""
    import docker.errors

    try:
        return ctx.client.volumes.get(name)
    except docker.errors.NotFound:
        return None


def short_id(identifier: str) -> str:
    return identifier.removeprefix("sha256:")[:12]


def status_text(container: Container) -> Text:
    """The container's state in words, with its exit code once it has exited."""
    state = container.attrs.get("State", {})
    status = str(state.get("Status", "unknown"))
    return status_words(status, state.get("ExitCode") if status == "exited" else None)


# Every state Docker gives a container (docker ps --filter status=...).
_STATUS_WORDS = {
    "running": N_("running"),
    "exited": N_("exited"),
    "created": N_("created"),
    "paused": N_("paused"),
    "restarting": N_("restarting"),
    "removing": N_("removing"),
    "dead": N_("dead"),
}


def status_words(status: str, code: object = None) -> Text:
    """Docker's word for a container's state (French: the word, then Docker's own in brackets)."""
    if code is not None:
        if status == "exited":
            return bilingual("exited (code {code})", code=code)
        return bilingual("{status} (code {code})", status=status_words(status), code=code)
    return bilingual(_STATUS_WORDS[status]) if status in _STATUS_WORDS else as_is(status)


def no_container(name: str) -> Text:
    return bilingual("no container named {name}", name=name)


def container_by_id(ctx: Context, identifier: str) -> Container | None:
    """The container with this ID, or None."""
    import docker.errors

    try:
        return ctx.client.containers.get(identifier)
    except docker.errors.NotFound:
        return None


def seeded_container(ctx: Context, name: str) -> tuple[str, Container | None]:
    """The ID of the container setup created under this name, and that container if it still exists."""
    identifier = ctx.state.containers.get(name, "")
    return identifier, (container_by_id(ctx, identifier) if identifier else None)
