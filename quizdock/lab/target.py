"""Where a challenge runs: the private lab, or (where it cannot start) the learner's own Docker.

The ``lab`` setting chooses: ``auto`` (the default) uses the lab whenever it can start and
otherwise falls back, saying why; ``on`` requires the lab; ``off`` always uses the learner's
Docker with its safety rules (labels, reserved names, filtered prunes). It is read from
``QUIZDOCK_LAB``, else ``lab`` in config.toml.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import _, quoted

if TYPE_CHECKING:
    import docker

    from quizdock.lab.engine import Lab, LabHome
    from quizdock.support.config import LabSetting


def lab_setting() -> LabSetting:
    """``QUIZDOCK_LAB``, else ``lab`` in the settings, else ``auto``.

    Raises:
        QuizdockError: An unknown value (exit 2).
    """
    from quizdock.support.config import LAB_SETTINGS, load_config

    value = os.environ.get("QUIZDOCK_LAB")
    if value is None:
        return load_config().lab
    if value not in LAB_SETTINGS:
        raise QuizdockError(
            _("QUIZDOCK_LAB is {value}; it must be auto, on or off.").format(value=quoted(value)),
            _("Set one of these, or unset it."),
            exit_code=ExitCode.USAGE,
        )
    return value  # type: ignore[return-value]


@dataclass(slots=True)
class Target:
    """A connected Docker for challenges.

    Attributes:
        client: The lab's engine, or the learner's own Docker.
        lab: The running lab; None on the learner's own Docker.
        fallback: Why the lab is not used although the setting allows it (``auto``), if so.
    """

    client: docker.DockerClient
    lab: Lab | None = None
    fallback: str | None = None

    @property
    def environ(self) -> dict[str, str] | None:
        """The environment for the learner's docker commands (None: this process's own)."""
        return self.lab.environ() if self.lab else None

    def close(self) -> None:
        self.client.close()


def open_target(
    *,
    setting: LabSetting | None = None,
    home: LabHome | None = None,
    start: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Target:
    """Connect to where challenges run, starting the lab if needed.

    Args:
        setting: ``auto``, ``on`` or ``off`` (default :func:`lab_setting`).
        home: The lab's folder (default: the learner's lab).
        start: Start the lab if it is not running (False: use it only if it runs).
        progress: Told each step of the lab's start (:data:`quizdock.lab.engine.STEPS`).

    Raises:
        DockerUnavailable: The learner's Docker cannot be reached.
        LabUnavailable: The setting is ``on`` and the lab cannot start.
    """
    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect

    setting = setting or lab_setting()
    host = connect()
    if setting == "off":
        return Target(client=host)
    home = home or engine.default_home()
    try:
        lab = engine.up(host, home, progress=progress) if start else engine.find(host, home)
        if lab is None:
            raise engine.LabUnavailable(_("The lab is not running."), _("Run `quizdock lab up`, then try again."))
        client = lab.connect()
    except engine.LabUnavailable as error:
        if setting == "on":
            host.close()
            raise
        return Target(client=host, fallback=str(error))
    host.close()
    return Target(client=client, lab=lab)


def connect_for_state(lab: bool) -> docker.DockerClient:
    """A client of the Docker a set-up challenge runs on (its state says which).

    Raises:
        LabUnavailable: The challenge runs in the lab, which is no longer running.
    """
    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect

    host = connect()
    if not lab:
        return host
    home = engine.default_home()
    try:
        found = engine.find(host, home)
    finally:
        host.close()
    if found is None:
        raise engine.LabUnavailable(
            _("This challenge was set up in the lab, which is not running any more."),
            _("Start the challenge again (`quizdock challenge run ID`): the lab starts again by itself."),
        )
    return found.connect()


@contextlib.contextmanager
def lab_faults(home: LabHome | None) -> Iterator[None]:
    """A failed request to the lab becomes what became of the lab (stopped, removed, its
    certificates gone), rather than a message about the learner's own Docker."""
    from quizdock.errors import DockerUnavailable

    if home is None:
        yield
        return
    from quizdock.lab import engine

    try:
        yield
    except (DockerUnavailable, engine.LabUnavailable) as error:
        raise engine.fault(home, error) from None


@contextlib.contextmanager
def held(target: Target, doing: str) -> Iterator[None]:
    """Hold the lab for one challenge (nothing to hold on the learner's own Docker)."""
    if target.lab is None:
        yield
        return
    from quizdock.lab.engine import exclusive

    with exclusive(target.lab.home, doing):
        yield
