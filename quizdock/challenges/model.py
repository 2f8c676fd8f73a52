"""Practical challenges as values: what a ``[cards.challenge]`` table becomes once validated.

The vocabulary shared by the deck schema, the parser (``spec``), the step checker (``steps``)
and the lab: reserved names and labels, parameter kinds, setup actions, checks and their
arguments, and the ``{name}`` placeholders, replaced by plain string substitution of known
parameter names (nothing in a challenge is ever executed as code).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from quizdock.i18n import N_, Text
from quizdock.support import image_reference

RESERVED_PREFIX = "qd-"
"""Every name a challenge gives to a container, image repository or volume starts with this."""

LABEL_MANAGED = "quizdock.managed"
LABEL_CHALLENGE = "quizdock.challenge"
LABEL_HELPER = "quizdock.helper"  # short-lived containers quizdock makes to read files while checking

ParamKind = Literal["name", "port", "dir"]
PARAM_KINDS: tuple[ParamKind, ...] = ("name", "port", "dir")

# Parameters every challenge has; the registry ones only with a `registry` setup action.
BUILTIN_PARAMS = ("challenge", "label", "label_filter")
REGISTRY_PARAMS = ("registry", "registry_user", "registry_password")

Broad = Literal["container-prune", "image-prune", "image-prune-all"]
BROAD_COMMANDS: dict[str, str] = {
    "container-prune": "docker container prune",
    "image-prune": "docker image prune",
    "image-prune-all": "docker image prune -a",
}

ContainerState = Literal["running", "exited", "created"]
CONTAINER_STATES: tuple[ContainerState, ...] = ("running", "exited", "created")

PLACEHOLDER_PATTERN = re.compile(r"\{([a-z][a-z0-9_]*)\}")
# The images challenges run: the default of every image field, and the image of the challenge's
# own registry (the `registry` setup action). The lab keeps both; `quizdock doctor` looks for them.
DEFAULT_IMAGE = "busybox:latest"
REGISTRY_IMAGE = "registry:2"
CHALLENGE_IMAGES: tuple[str, ...] = (DEFAULT_IMAGE, REGISTRY_IMAGE)
# Stand-in values used only to validate, at load time, that names are reserved ones.
_SAMPLE = {"port": "20000", "dir": "/tmp/qd-dir", "registry": "127.0.0.1:5000"}


# --------------------------------------------------------------------------- placeholders


def placeholders(template: str) -> set[str]:
    """The parameter names a string refers to as ``{name}``.

    Other uses of braces (``{{.State.Status}}``, ``{print $1}``) are not placeholders.
    """
    return set(PLACEHOLDER_PATTERN.findall(template))


def substitute(template: str, values: Mapping[str, str]) -> str:
    """Replace every ``{name}`` whose name is in ``values``; leave anything else as written.

    A plain text substitution: no attribute access, indexing or format specs (unlike
    ``str.format``), so a deck cannot reach into Python objects.
    """
    return PLACEHOLDER_PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), template)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Param:
    """A challenge parameter, chosen at setup.

    Attributes:
        key: The placeholder name, ``web`` for ``{web}``.
        kind: ``name`` (a reserved name, always ``qd-<key>`` with ``_`` written ``-``),
            ``port`` (a free host port) or ``dir`` (a fresh host directory).
    """

    key: str
    kind: ParamKind

    @property
    def reserved_name(self) -> str | None:
        """The value of a ``name`` parameter on the learner's own Docker; None for the other kinds."""
        return RESERVED_PREFIX + self.key.replace("_", "-") if self.kind == "name" else None

    @property
    def lab_name(self) -> str | None:
        """The value of a ``name`` parameter in the private lab: the key itself (the note's names,
        ``couchdb1``). Nothing else lives there, so nothing needs reserving."""
        return self.key if self.kind == "name" else None


@dataclass(frozen=True, slots=True)
class EnsureImage:
    """Make sure an image is present (pull it if it is not)."""

    image: str


@dataclass(frozen=True, slots=True)
class CreateContainer:
    """Create a labelled container, leave it running, exited or just created.

    Attributes:
        name: Its reserved name.
        image: The image to run.
        command: The command; empty means a default suited to ``state``.
        state: ``running``, ``exited`` (started and waited for) or ``created``.
        anonymous_volumes: Container paths that get an anonymous volume (``-v /path``).
        volumes: ``(volume, path)`` pairs of named volumes to mount.
    """

    name: str
    image: str = DEFAULT_IMAGE
    command: tuple[str, ...] = ()
    state: ContainerState = "running"
    anonymous_volumes: tuple[str, ...] = ()
    volumes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CreateVolume:
    """Create a labelled named volume."""

    name: str


@dataclass(frozen=True, slots=True)
class TagImage:
    """Give an existing image a reserved tag."""

    source: str
    target: str


@dataclass(frozen=True, slots=True)
class BuildImage:
    """Make a labelled image of its own (committed from ``base``); no tag means dangling.

    Attributes:
        base: The image it starts from.
        tag: Its reserved tag; None leaves it untagged (a dangling image).
        record: A key under which its ID is remembered, for ``seed_absent``/``seed_present``.
    """

    base: str = DEFAULT_IMAGE
    tag: str | None = None
    record: str | None = None


@dataclass(frozen=True, slots=True)
class StartRegistry:
    """Start the challenge's private registry (``registry:2``) on a free local port.

    Attributes:
        auth: Require a login (htpasswd user ``{registry_user}``, ``{registry_password}``).
    """

    auth: bool = False


@dataclass(frozen=True, slots=True)
class PushImage:
    """Seed the private registry: push ``image`` as ``repository:tag``.

    Attributes:
        image: The local image to push.
        repository: ``{registry}/<reserved name>``.
        tag: The tag in the registry.
        keep_local: Keep the local ``repository:tag`` tag after the push.
    """

    repository: str
    image: str = DEFAULT_IMAGE
    tag: str = "latest"
    keep_local: bool = False


@dataclass(frozen=True, slots=True)
class WriteFile:
    """Write a text file inside a ``dir`` parameter's directory."""

    path: str
    content: str


SetupAction: TypeAlias = (
    EnsureImage | CreateContainer | CreateVolume | TagImage | BuildImage | StartRegistry | PushImage | WriteFile
)

ArgValue: TypeAlias = str | int | bool | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Check:
    """One named condition of the fixed set, with its arguments.

    Attributes:
        condition: The condition's name (see :data:`CONDITION_ARGS`).
        args: Its arguments, placeholders not yet substituted.
        guard: A guard holds already after setup and must still hold at the end (e.g. "the
            running container is still running"); the other checks are goals, which must
            fail after setup.
        message: An optional hint shown when the check fails, before expected vs actual.
        host_only: Checked only on the learner's own Docker (it protects the learner's
            resources, which the private lab does not hold).
    """

    condition: str
    args: Mapping[str, ArgValue]
    guard: bool = False
    message: Text | None = None
    host_only: bool = False


@dataclass(frozen=True, slots=True)
class SolutionStep:
    """One docker CLI command of the reference solution.

    Attributes:
        command: The command, with placeholders; read with the Docker CLI model and run
            without a shell (:mod:`quizdock.challenges.steps`).
        input: Text typed into it (for ``-i``/``--password-stdin``).
        tty: Run it in a pseudo-terminal (for ``-it``).
        answer: The last non-empty line of its output is then typed as the challenge's answer
            (for a challenge that asks a question, see :attr:`Challenge.ask`).
    """

    command: str
    input: str | None = None
    tty: bool = False
    answer: bool = False


@dataclass(frozen=True, slots=True)
class Challenge:
    """A practical challenge, validated.

    Attributes:
        id: The card id, also the value of the ``quizdock.challenge`` label.
        params: The declared parameters.
        setup: Setup actions, in order.
        checks: The checks; a challenge is solved when all pass.
        hints: Progressive hints: a nudge, the command's shape, the answer.
        solution: The reference solution.
        broad: The broad command (a prune) whose effect on the learner's own resources is
            announced before the challenge starts.
        ask: The question a typed answer replies to (``answer_*`` checks grade the answer).
        host_note: Said after the task only when the challenge runs on the learner's own
            Docker, not in the private lab (how to spare their own resources).
    """

    id: str
    params: tuple[Param, ...]
    setup: tuple[SetupAction, ...]
    checks: tuple[Check, ...]
    hints: tuple[Text, ...]
    solution: tuple[SolutionStep, ...]
    broad: Broad | None = None
    ask: Text | None = None
    host_note: Text | None = None

    @property
    def label(self) -> str:
        """The label filter for this challenge's resources: ``quizdock.challenge=<id>``."""
        return f"quizdock.challenge={self.id}"

    @property
    def label_filter(self) -> str:
        """``{label_filter}`` on the learner's own Docker: what narrows a prune to this challenge.
        In the private lab it is empty: the note's plain command is the answer there."""
        return f"--filter label={self.label}"

    def labels(self, *, helper: bool = False) -> dict[str, str]:
        """The labels on everything quizdock creates for this challenge."""
        found = {LABEL_MANAGED: "1", LABEL_CHALLENGE: self.id}
        return {**found, LABEL_HELPER: "1"} if helper else found

    @property
    def uses_registry(self) -> bool:
        return any(isinstance(action, StartRegistry) for action in self.setup)

    def reserved_names(self) -> tuple[str, ...]:
        """Every reserved name the challenge declares (its ``name`` parameters)."""
        return tuple(p.reserved_name for p in self.params if p.reserved_name)

    def checks_for(self, *, lab: bool) -> tuple[Check, ...]:
        """The checks that apply in the private lab (``lab``) or on the learner's own Docker."""
        return tuple(
            c for c in self.checks if not (lab and c.host_only) and not (not lab and c.condition in RECORDED_CONDITIONS)
        )

    def check_id(self, check: Check) -> str:
        """A check's id in this challenge, the same in the lab and on the learner's Docker: its
        condition's name, followed by ``#n`` (n counted from 1 in the deck file's order) when
        the challenge checks that condition more than once."""
        same = [c for c in self.checks if c.condition == check.condition]
        rank = next(n for n, c in enumerate(same, 1) if c is check)
        return f"{check.condition}#{rank}" if len(same) > 1 else check.condition

    def not_graded_here(self, *, lab: bool) -> tuple[Check, ...]:
        """The checks that cannot be graded where the challenge runs (on the learner's own Docker:
        those that read what the lab's engine received)."""
        return () if lab else tuple(c for c in self.checks if c.condition in RECORDED_CONDITIONS)

    def param(self, kind: ParamKind) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.kind == kind)


# --------------------------------------------------------------------------- conditions

ArgKind = Literal["text", "port", "int", "bool", "choice", "list"]


@dataclass(frozen=True, slots=True)
class ArgSpec:
    """What a condition argument accepts.

    ``port`` takes an integer or a ``{port}`` placeholder; ``choice`` one of ``choices``;
    ``list`` a list of strings.
    """

    kind: ArgKind = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    default: ArgValue | None = None


_REQ = ArgSpec()
_OPT = ArgSpec(required=False)

CONDITION_ARGS: dict[str, dict[str, ArgSpec]] = {
    "container_exists": {"container": _REQ},
    "container_absent": {"container": _REQ},
    "container_removed": {"container": _REQ},
    "container_stopped": {"container": _REQ},
    "container_started": {"container": _REQ},
    "container_status": {
        "container": _REQ,
        "status": ArgSpec("choice", choices=("running", "exited", "created", "paused")),
        "exit_code": ArgSpec("int", required=False),
    },
    "container_image": {"container": _REQ, "image": _REQ},
    "detached": {"container": _REQ},
    "tty_stdin": {"container": _REQ},
    "published_port": {
        "container": _REQ,
        "container_port": ArgSpec("port"),
        "host_port": ArgSpec("port"),
        "protocol": ArgSpec("choice", required=False, choices=("tcp", "udp", "sctp"), default="tcp"),
        "host_ip": ArgSpec(required=False, default="all"),
    },
    "mount": {
        "container": _REQ,
        "type": ArgSpec("choice", choices=("volume", "anonymous", "bind", "tmpfs")),
        "destination": _REQ,
        "source": _OPT,
    },
    "logs_contain": {"container": _REQ, "text": _REQ},
    "port_answers": {"port": ArgSpec("port")},
    "image_present": {"image": _REQ},
    "image_absent": {"image": _REQ},
    "image_same": {"image": _REQ, "as": _REQ},
    "image_derived": {"image": _REQ, "base": _REQ, "file": _OPT, "text": _OPT},
    "image_pulled": {"image": _REQ},
    "committed_from": {"image": _REQ, "container": _REQ},
    "volume_present": {"volume": _REQ},
    "volume_absent": {"volume": _REQ},
    "volume_file": {"volume": _REQ, "path": _REQ, "text": _OPT},
    "volume_unused": {"volume": _REQ},
    "anonymous_volumes_gone": {"container": _REQ},
    "registry_has": {"repository": _REQ, "tag": _REQ, "image": _OPT},
    "login_recorded": {"registry": _REQ},
    "login_stored": {"registry": _REQ},
    "seeded_stopped_gone": {},
    "seed_absent": {"seed": _REQ},
    "seed_present": {"seed": _REQ},
    "answer_image": {"image": _REQ},
    "answer_container": {"container": _REQ},
    "answer_logged": {"container": _REQ, "prefix": _REQ},
    "typed_command": {"command": _REQ, "instead": ArgSpec("list", required=False, default=())},
    "logs_followed": {"container": _REQ},
    "pruned": {"kind": ArgSpec("choice", choices=("containers", "images"))},
    "volume_created": {"volume": _REQ},
    "removed_with_volumes": {"container": _REQ},
    "interactive": {"container": _REQ},
    "stop_asked": {"container": _REQ},
}
"""The fixed set of conditions and their arguments (implemented in ``conditions.py``)."""

RECORDED_CONDITIONS: dict[str, str] = {
    "logs_followed": N_("the logs followed (-f)"),
    "pruned": N_("removed by a prune, not one by one"),
    "volume_created": N_("the volume made by docker volume create"),
    "removed_with_volumes": N_("removed with its volumes in one command (-v)"),
    "interactive": N_("your keyboard attached to the container"),
    "stop_asked": N_("stopped by docker stop, not killed"),
}
"""Conditions that read what the lab's engine received (``recorded.py``), with what each grades:
nothing records the requests on the learner's own Docker, so they are not evaluated there."""


ANSWER_CONDITIONS = frozenset({"answer_image", "answer_container", "answer_logged"})


def sample_values(challenge: Challenge) -> dict[str, str]:
    """Plausible parameter values, for validating a challenge without setting it up."""
    values = {"challenge": challenge.id, "label": challenge.label, "label_filter": challenge.label_filter}
    if challenge.uses_registry:
        values.update(registry=_SAMPLE["registry"], registry_user="qd-user", registry_password="x")
    for p in challenge.params:
        values[p.key] = p.reserved_name or _SAMPLE[p.kind]
    return values


LOCAL_REGISTRY_HOSTS = ("127.0.0.1", "localhost")


def repository_name(reference: str) -> str:
    """The name a challenge could have given this image: ``qd-app`` for ``qd-app:1.0`` or
    ``127.0.0.1:5000/qd-app:1.0`` (a local registry); "" for any other repository.

    ``learner/qd-app`` or ``ghcr.io/x/qd-app`` are the learner's, whatever their last part.
    """
    ref = image_reference.parse(reference)
    if "/" in ref.path or (ref.domain is not None and ref.host not in LOCAL_REGISTRY_HOSTS):
        return ""
    return ref.path
