"""What a challenge's setup chose and created, kept on disk until its cleanup.

``quizdock challenge check ID`` runs in another terminal than ``quizdock challenge run ID``:
it reads the parameters (ports, directories, the registry address) and what setup created
from this file.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from quizdock.support.atomicfile import write_atomically

STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class LabState:
    """A set-up challenge.

    Attributes:
        challenge_id: The challenge (card) id.
        values: Every parameter's value, built-ins included, for ``{name}`` substitution.
        seeds: Image IDs remembered by ``build`` actions (``as = "key"``).
        anonymous_volumes: Per seeded container name, the anonymous volumes setup gave it.
        stopped: IDs of the containers setup left exited or created.
        dirs: Host directories setup made (``dir`` parameters).
        registry: ``host:port`` of the challenge's private registry, if it has one.
        registry_auth: The registry requires a login.
        containers: Per name, the ID of each container setup created (a renamed or
            re-created container is told apart from it).
        answer: The answer the learner typed for a challenge that asks one, if any.
        typed: The commands the learner typed at quizdock's prompt, in order; None when no
            session records them (the commands are then not graded).
        lab: The challenge runs in the private lab (else on the learner's own Docker).
        docker_config: The Docker client config folder of the challenge's commands (the lab's
            own one), or None for the learner's.
        ended: The session that set it up has ended and is cleaning up (a watcher stops).
        run: The token of this run's labels on what it created (None in an older state).
        lab_container: The lab container whose engine log records the learner's requests.
        since: When setup ended (seconds since the epoch): the record of requests starts there.
    """

    challenge_id: str
    values: Mapping[str, str]
    seeds: Mapping[str, str] = field(default_factory=dict)
    anonymous_volumes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stopped: tuple[str, ...] = ()
    dirs: tuple[str, ...] = ()
    registry: str | None = None
    registry_auth: bool = False
    containers: Mapping[str, str] = field(default_factory=dict)
    answer: str | None = None
    typed: tuple[str, ...] | None = None
    lab: bool = False
    docker_config: str | None = None
    ended: bool = False
    run: str | None = None
    lab_container: str | None = None
    since: float | None = None

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["version"] = STATE_VERSION
        return json.dumps(data, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LabState | None:
        """The state, or None if the file is from another version or damaged."""
        try:
            data = json.loads(text)
            if data.pop("version", None) != STATE_VERSION:
                return None
            return cls(
                challenge_id=str(data["challenge_id"]),
                values={str(k): str(v) for k, v in data["values"].items()},
                seeds={str(k): str(v) for k, v in data["seeds"].items()},
                anonymous_volumes={str(k): tuple(v) for k, v in data["anonymous_volumes"].items()},
                stopped=tuple(data["stopped"]),
                dirs=tuple(data["dirs"]),
                registry=data["registry"],
                registry_auth=bool(data["registry_auth"]),
                containers={str(k): str(v) for k, v in data.get("containers", {}).items()},
                answer=None if data.get("answer") is None else str(data["answer"]),
                typed=None if data.get("typed") is None else tuple(str(c) for c in data["typed"]),
                lab=bool(data.get("lab", False)),
                docker_config=None if data.get("docker_config") is None else str(data["docker_config"]),
                ended=bool(data.get("ended", False)),
                run=None if data.get("run") is None else str(data["run"]),
                lab_container=None if data.get("lab_container") is None else str(data["lab_container"]),
                since=None if data.get("since") is None else float(data["since"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


_OWN_FOLDERS: list[Path] = []
"""Folders that replace the learner's one for a while (:func:`states_in`), innermost last."""


@contextlib.contextmanager
def states_in(folder: Path) -> Iterator[None]:
    """Keep the challenges' states in ``folder`` meanwhile: ``quizdock deck test`` never reads,
    writes or deletes a state of the learner's (a challenge in progress keeps its own)."""
    _OWN_FOLDERS.append(folder)
    try:
        yield
    finally:
        _OWN_FOLDERS.remove(folder)


def state_dir() -> Path:
    """``QUIZDOCK_LAB_DIR``, else ``<user data dir>/lab`` (or the folder of :func:`states_in`)."""
    if _OWN_FOLDERS:
        return _OWN_FOLDERS[-1]
    configured = os.environ.get("QUIZDOCK_LAB_DIR")
    if configured:
        return Path(configured).expanduser()
    from quizdock.support.paths import data_dir

    return data_dir() / "lab"


def usable_state_dir() -> Path:
    """:func:`state_dir`, made if needed and proven writable.

    Raises:
        QuizdockError: It is a file, or a place quizdock cannot write to (exit 2): the message
            says so and how to choose another folder.
    """
    import tempfile

    from quizdock.errors import ExitCode, QuizdockError
    from quizdock.i18n import _, os_reason

    folder = state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        if os.environ.get("QUIZDOCK_LAB_DIR"):
            fix = _("Point QUIZDOCK_LAB_DIR at a folder you can write to, or unset it.")
        else:
            fix = _("Make {path} a folder you can write to.").format(path=folder)
        raise QuizdockError(
            _("The challenges' folder {path} cannot be used: {reason}.").format(path=folder, reason=os_reason(error)),
            fix,
            exit_code=ExitCode.USAGE,
        ) from None
    return folder


def state_path(challenge_id: str) -> Path:
    return state_dir() / (challenge_id.replace("/", "__") + ".json")


def save_state(state: LabState) -> None:
    """Write the state atomically (a reader in another terminal never sees half a file)."""
    path = state_path(state.challenge_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, state.to_json().encode("utf-8"), private=True)


def load_state(challenge_id: str) -> LabState | None:
    """The state of a set-up challenge, or None if it is not set up."""
    try:
        text = state_path(challenge_id).read_text(encoding="utf-8")
    except OSError:
        return None
    return LabState.from_json(text)


def forget_state(challenge_id: str) -> None:
    state_path(challenge_id).unlink(missing_ok=True)


def record_typed(state: LabState, command: str) -> LabState:
    """The state with one more command typed at quizdock's prompt, saved.

    Kept for the session's summary; in the lab, checks of how a task was done read what the
    engine received (:mod:`quizdock.lab.requests_log`), not these lines.
    """
    updated = replace(state, typed=(*(state.typed or ()), command))
    save_state(updated)
    return updated


def record_answer(state: LabState, answer: str) -> LabState:
    """The state with the learner's typed answer, saved (a later answer replaces it)."""
    updated = replace(state, answer=answer.strip())
    save_state(updated)
    return updated


def last_line(output: str) -> str:
    """The last non-empty line of a command's output: what a learner reads off as the answer."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""
