"""Practical challenges as data: the ``[cards.challenge]`` table of a practical card.

Parsing is pure and fast (no Docker, no I/O): the deck loader calls :func:`parse_challenge`
for every practical card. Nothing in a challenge is ever executed as code: setup actions and
checks come from fixed sets, and ``{name}`` placeholders are replaced by plain string
substitution of known parameter names. The format is documented in ``docs/challenge-format.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from quizdock import image_reference
from quizdock.errors import DeckError
from quizdock.i18n import LANGS, Text

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

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_PARAM_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_DEFAULT_IMAGE = "busybox:latest"
# Stand-in values used only to validate, at load time, that names are reserved ones.
_SAMPLE = {"port": "20000", "dir": "/tmp/qd-dir", "registry": "127.0.0.1:5000"}


# --------------------------------------------------------------------------- placeholders


def placeholders(template: str) -> set[str]:
    """The parameter names a string refers to as ``{name}``.

    Other uses of braces (``{{.State.Status}}``, ``{print $1}``) are not placeholders.
    """
    return set(_PLACEHOLDER.findall(template))


def substitute(template: str, values: Mapping[str, str]) -> str:
    """Replace every ``{name}`` whose name is in ``values``; leave anything else as written.

    A plain text substitution: no attribute access, indexing or format specs (unlike
    ``str.format``), so a deck cannot reach into Python objects.
    """
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


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
    image: str = _DEFAULT_IMAGE
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

    base: str = _DEFAULT_IMAGE
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
    image: str = _DEFAULT_IMAGE
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
            without a shell (:mod:`quizdock.lab.steps`).
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
        return tuple(c for c in self.checks if not (lab and c.host_only))

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
    "registry_has": {"repository": _REQ, "tag": _REQ},
    "login_recorded": {"registry": _REQ},
    "login_stored": {"registry": _REQ},
    "seeded_stopped_gone": {},
    "seed_absent": {"seed": _REQ},
    "seed_present": {"seed": _REQ},
    "answer_image": {"image": _REQ},
    "answer_container": {"container": _REQ},
    "answer_logged": {"container": _REQ, "prefix": _REQ},
    "typed_command": {"command": _REQ, "instead": ArgSpec("list", required=False, default=())},
}
"""The fixed set of conditions and their arguments (implemented in ``conditions.py``)."""


# --------------------------------------------------------------------------- parsing

_CHALLENGE_KEYS = frozenset({"params", "setup", "checks", "hints", "solution", "broad", "host_note", "ask"})
ANSWER_CONDITIONS = frozenset({"answer_image", "answer_container", "answer_logged"})
_ACTION_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # action: (required fields, optional fields)
    "image": (frozenset({"image"}), frozenset()),
    "container": (frozenset({"name"}), frozenset({"image", "command", "state", "anonymous_volumes", "volumes"})),
    "volume": (frozenset({"name"}), frozenset()),
    "tag": (frozenset({"source", "target"}), frozenset()),
    "build": (frozenset(), frozenset({"base", "tag", "as"})),
    "registry": (frozenset(), frozenset({"auth"})),
    "push": (frozenset({"repository"}), frozenset({"image", "tag", "keep_local"})),
    "file": (frozenset({"path", "content"}), frozenset()),
}


class _Reader:
    """Field access that raises a DeckError naming the card and the field."""

    def __init__(self, path: str, card_id: str) -> None:
        self.path, self.card_id = path, card_id

    def error(self, field: str, problem: str) -> DeckError:
        return DeckError(self.path, problem, card_id=self.card_id, field=field)

    def table(self, value: Any, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(field, "expected a table")
        return value

    def string(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(field, "expected a non-empty string")
        return value

    def strings(self, value: Any, field: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(field, "expected a list of non-empty strings")
        return tuple(value)

    def boolean(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(field, "expected true or false")
        return value

    def text(self, value: Any, field: str) -> Text:
        value = self.table(value, field)
        for lang in LANGS:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                raise self.error(f"{field}.{lang}", f"missing or empty {lang!r} text")
        extra = sorted(set(value) - set(LANGS))
        if extra:
            raise self.error(f"{field}.{extra[0]}", "only 'fr' and 'en' texts are allowed")
        return Text(fr=value["fr"].strip(), en=value["en"].strip())

    def only(self, table: dict[str, Any], allowed: frozenset[str], field: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.error(f"{field}.{unknown[0]}", f"unknown key; expected one of {', '.join(sorted(allowed))}")


def parse_challenge(raw: dict[str, Any], *, path: str, card_id: str) -> Challenge:
    """Validate a ``[cards.challenge]`` table and build its :class:`Challenge`.

    Args:
        raw: The table as read by :mod:`tomllib`.
        path: The deck file, for error messages.
        card_id: The card's id; it becomes the challenge id.

    Returns:
        The challenge.

    Raises:
        DeckError: Naming the file, the card and the field at fault (``challenge.checks[2].port``).
    """
    r = _Reader(path, card_id)
    raw = r.table(raw, "challenge")
    r.only(raw, _CHALLENGE_KEYS, "challenge")
    for needed in ("setup", "checks", "hints", "solution"):
        if needed not in raw:
            raise r.error(f"challenge.{needed}", "a challenge needs this field")

    params = _parse_params(r, raw.get("params", {}))
    setup = tuple(
        _parse_action(r, item, f"challenge.setup[{i}]")
        for i, item in enumerate(_list_of_tables(r, raw["setup"], "challenge.setup"))
    )
    known = {p.key for p in params} | set(BUILTIN_PARAMS)
    if any(isinstance(a, StartRegistry) for a in setup):
        known |= set(REGISTRY_PARAMS)
    checks = tuple(
        _parse_check(r, item, f"challenge.checks[{i}]")
        for i, item in enumerate(_list_of_tables(r, raw["checks"], "challenge.checks"))
    )
    if not checks:
        raise r.error("challenge.checks", "a challenge needs at least one check")
    if all(c.guard for c in checks):
        raise r.error("challenge.checks", "every check is a guard: at least one must be a goal")
    hints = _parse_hints(r, raw["hints"])
    solution = _parse_solution(r, raw["solution"])
    broad = raw.get("broad")
    if broad is not None and broad not in BROAD_COMMANDS:
        raise r.error("challenge.broad", f"expected one of {', '.join(BROAD_COMMANDS)}")
    ask = r.text(raw["ask"], "challenge.ask") if "ask" in raw else None
    answered = [i for i, c in enumerate(checks) if c.condition in ANSWER_CONDITIONS]
    if answered and ask is None:
        raise r.error(
            f"challenge.checks[{answered[0]}]", "a check of the typed answer needs the question: add ask.fr/ask.en"
        )
    if ask is not None and not answered:
        raise r.error("challenge.ask", "a question with no check of its answer: add an answer_* check")
    if ask is not None and not any(step.answer for step in solution):
        raise r.error("challenge.solution", "the solution must type the answer: a step with answer = true")
    for i, check in enumerate(checks):
        if check.condition == "typed_command":
            _check_typed(r, check, f"challenge.checks[{i}]")

    host_note = r.text(raw["host_note"], "challenge.host_note") if "host_note" in raw else None
    challenge = Challenge(
        id=card_id,
        params=params,
        setup=setup,
        checks=checks,
        hints=hints,
        solution=solution,
        broad=broad,
        ask=ask,
        host_note=host_note,
    )
    _check_placeholders(r, raw, known)
    _check_setup_order(r, challenge)
    _check_reserved(r, challenge)
    _check_solution(r, raw["solution"], challenge)
    return challenge


def _check_solution(r: _Reader, raw: list[Any], challenge: Challenge) -> None:
    """Each step is read with the Docker CLI model and must be safe to run (see ``steps.py``)."""
    from quizdock.lab.steps import UnsafeStep, parse_step

    dirs = [p.key for p in challenge.param("dir")]
    sample = sample_values(challenge)
    for i, step in enumerate(challenge.solution):
        try:
            parse_step(step.command, dirs=dirs, sample=sample)
        except UnsafeStep as refused:
            field = f"challenge.solution[{i}]" + (".command" if isinstance(raw[i], dict) else "")
            raise r.error(field, f"{step.command!r} is refused: {refused}") from None


def _list_of_tables(r: _Reader, value: Any, field: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise r.error(field, "expected an array of tables ([[...]])")
    return value


def _parse_params(r: _Reader, value: Any) -> tuple[Param, ...]:
    table = r.table(value, "challenge.params")
    params: list[Param] = []
    for key, kind in table.items():
        field = f"challenge.params.{key}"
        if not _PARAM_KEY.match(key):
            raise r.error(field, "a parameter name is lowercase letters, digits and '_', starting with a letter")
        if key in BUILTIN_PARAMS or key in REGISTRY_PARAMS:
            raise r.error(field, "this name is a built-in parameter; choose another")
        if kind not in PARAM_KINDS:
            raise r.error(field, f"the kind must be one of {', '.join(PARAM_KINDS)}, got {kind!r}")
        params.append(Param(key=key, kind=kind))
    return tuple(params)


def _parse_action(r: _Reader, item: dict[str, Any], field: str) -> SetupAction:
    action = item.get("action")
    if action not in _ACTION_FIELDS:
        raise r.error(f"{field}.action", f"expected one of {', '.join(_ACTION_FIELDS)}, got {action!r}")
    required, optional = _ACTION_FIELDS[action]
    r.only(item, required | optional | {"action"}, field)
    for name in sorted(required):
        if name not in item:
            raise r.error(f"{field}.{name}", f"the {action!r} action needs this field")

    def s(name: str, default: str = "") -> str:
        return r.string(item[name], f"{field}.{name}") if name in item else default

    if action == "image":
        return EnsureImage(image=s("image"))
    if action == "container":
        state = item.get("state", "running")
        if state not in CONTAINER_STATES:
            raise r.error(f"{field}.state", f"expected one of {', '.join(CONTAINER_STATES)}")
        volumes: list[tuple[str, str]] = []
        for spec in r.strings(item.get("volumes", []), f"{field}.volumes"):
            volume, sep, target = spec.partition(":")
            if not sep or not volume or not target.startswith("/"):
                raise r.error(f"{field}.volumes", f"expected 'VOLUME:/path', got {spec!r}")
            volumes.append((volume, target))
        anonymous = r.strings(item.get("anonymous_volumes", []), f"{field}.anonymous_volumes")
        if not all(p.startswith("/") for p in anonymous):
            raise r.error(f"{field}.anonymous_volumes", "expected absolute container paths")
        return CreateContainer(
            name=s("name"),
            image=s("image", _DEFAULT_IMAGE),
            command=r.strings(item.get("command", []), f"{field}.command"),
            state=state,
            anonymous_volumes=anonymous,
            volumes=tuple(volumes),
        )
    if action == "volume":
        return CreateVolume(name=s("name"))
    if action == "tag":
        return TagImage(source=s("source"), target=s("target"))
    if action == "build":
        return BuildImage(
            base=s("base", _DEFAULT_IMAGE),
            tag=s("tag") if "tag" in item else None,
            record=s("as") if "as" in item else None,
        )
    if action == "registry":
        return StartRegistry(auth=r.boolean(item.get("auth", False), f"{field}.auth"))
    if action == "push":
        return PushImage(
            repository=s("repository"),
            image=s("image", _DEFAULT_IMAGE),
            tag=s("tag", "latest"),
            keep_local=r.boolean(item.get("keep_local", False), f"{field}.keep_local"),
        )
    if not isinstance(item["content"], str):
        raise r.error(f"{field}.content", "expected a string")
    return WriteFile(path=s("path"), content=item["content"])


def _parse_check(r: _Reader, item: dict[str, Any], field: str) -> Check:
    condition = item.get("condition")
    if condition not in CONDITION_ARGS:
        raise r.error(
            f"{field}.condition",
            f"unknown condition {condition!r}; expected one of {', '.join(sorted(CONDITION_ARGS))}",
        )
    specs = CONDITION_ARGS[condition]
    r.only(item, frozenset(specs) | {"condition", "guard", "message", "host_only"}, field)
    args: dict[str, ArgValue] = {}
    for name, spec in specs.items():
        where = f"{field}.{name}"
        if name not in item:
            if spec.required:
                raise r.error(where, f"the {condition!r} condition needs this argument")
            if spec.default is not None:
                args[name] = spec.default
            continue
        args[name] = _parse_arg(r, item[name], spec, where)
    guard = r.boolean(item.get("guard", False), f"{field}.guard")
    message = r.text(item["message"], f"{field}.message") if "message" in item else None
    host_only = r.boolean(item.get("host_only", False), f"{field}.host_only")
    return Check(condition=condition, args=args, guard=guard, message=message, host_only=host_only)


def _parse_arg(r: _Reader, value: Any, spec: ArgSpec, where: str) -> ArgValue:
    if spec.kind == "port":
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535:
            return value
        if isinstance(value, str) and _PLACEHOLDER.fullmatch(value):
            return value
        raise r.error(where, "expected a port number (1-65535) or a '{port}' parameter")
    if spec.kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise r.error(where, "expected a whole number")
    if spec.kind == "bool":
        return r.boolean(value, where)
    if spec.kind == "list":
        return r.strings(value, where)
    text = r.string(value, where)
    if spec.kind == "choice" and text not in spec.choices:
        raise r.error(where, f"expected one of {', '.join(spec.choices)}, got {text!r}")
    return text


def _parse_hints(r: _Reader, value: Any) -> tuple[Text, ...]:
    table = r.table(value, "challenge.hints")
    r.only(table, frozenset(LANGS), "challenge.hints")
    lists = {lang: r.strings(table.get(lang), f"challenge.hints.{lang}") for lang in LANGS}
    if len(lists["fr"]) != len(lists["en"]):
        raise r.error("challenge.hints", "hints.fr and hints.en must have as many hints")
    if not 1 <= len(lists["fr"]) <= 5:
        raise r.error("challenge.hints", "give 1 to 5 hints (a nudge, the command's shape, the answer)")
    return tuple(Text(fr=f.strip(), en=e.strip()) for f, e in zip(lists["fr"], lists["en"], strict=True))


def _parse_solution(r: _Reader, value: Any) -> tuple[SolutionStep, ...]:
    if not isinstance(value, list) or not value:
        raise r.error("challenge.solution", "expected a non-empty list of docker commands")
    steps: list[SolutionStep] = []
    for i, item in enumerate(value):
        field = f"challenge.solution[{i}]"
        if isinstance(item, str):
            step = SolutionStep(command=item)
        elif isinstance(item, dict):
            r.only(item, frozenset({"command", "input", "tty", "answer"}), field)
            if "command" not in item:
                raise r.error(f"{field}.command", "a solution step needs its command")
            step_input = item.get("input")
            if step_input is not None and not isinstance(step_input, str):
                raise r.error(f"{field}.input", "expected a string")
            step = SolutionStep(
                command=r.string(item["command"], f"{field}.command"),
                input=step_input,
                tty=r.boolean(item.get("tty", False), f"{field}.tty"),
                answer=r.boolean(item.get("answer", False), f"{field}.answer"),
            )
        else:
            raise r.error(field, "expected a command string or a table with command, input, tty, answer")
        steps.append(step)
    return tuple(steps)


def _check_typed(r: _Reader, check: Check, field: str) -> None:
    """The commands of a ``typed_command`` check must be docker commands quizdock can read."""
    from quizdock.grading.commands import CommandSyntaxError, parse_command

    expected = [("command", str(check.args["command"]))]
    instead = check.args.get("instead", ())
    expected += [(f"instead[{i}]", c) for i, c in enumerate(instead if isinstance(instead, tuple) else ())]
    for name, command in expected:
        try:
            parse_command(substitute(command, {"label": "x=y"}))
        except CommandSyntaxError as error:
            raise r.error(f"{field}.{name}", f"not a docker command quizdock can read: {error.message.en}") from None
    if not check.guard:
        raise r.error(f"{field}.guard", "a typed_command check holds until commands are typed: make it a guard")


def _strings_in(value: Any, field: str) -> list[tuple[str, str]]:
    """Every string in a nested TOML value, with its field path."""
    if isinstance(value, str):
        return [(field, value)]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings_in(v, f"{field}[{i}]")]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings_in(v, f"{field}.{k}")]
    return []


def _check_placeholders(r: _Reader, raw: dict[str, Any], known: set[str]) -> None:
    for key in ("setup", "checks", "solution", "hints", "host_note"):
        for field, text in _strings_in(raw.get(key, []), f"challenge.{key}"):
            unknown = sorted(placeholders(text) - known)
            if unknown:
                hint = (
                    " (the registry parameters need a 'registry' setup action)"
                    if unknown[0] in REGISTRY_PARAMS
                    else f"; declare it in [cards.challenge.params] or use one of {', '.join(sorted(known))}"
                )
                raise r.error(field, f"unknown parameter {{{unknown[0]}}}{hint}")


def _check_setup_order(r: _Reader, challenge: Challenge) -> None:
    registry_started = False
    for i, action in enumerate(challenge.setup):
        if isinstance(action, StartRegistry):
            if registry_started:
                raise r.error(f"challenge.setup[{i}]", "a challenge has one registry")
            registry_started = True
        if isinstance(action, PushImage) and not registry_started:
            raise r.error(f"challenge.setup[{i}]", "a 'push' action needs a 'registry' action before it")
        if isinstance(action, WriteFile):
            dirs = {p.key for p in challenge.param("dir")}
            head = action.path.split("/", 1)[0]
            match = _PLACEHOLDER.fullmatch(head)
            if not match or match.group(1) not in dirs or "/" not in action.path or ".." in action.path.split("/"):
                raise r.error(f"challenge.setup[{i}].path", "a file goes inside a 'dir' parameter: '{dir}/name'")
    records = [a.record for a in challenge.setup if isinstance(a, BuildImage) and a.record]
    for i, check in enumerate(challenge.checks):
        if check.condition in ("seed_absent", "seed_present") and check.args["seed"] not in records:
            raise r.error(f"challenge.checks[{i}].seed", f"no 'build' action records {check.args['seed']!r} (as = ...)")


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


def _check_reserved(r: _Reader, challenge: Challenge) -> None:
    values = sample_values(challenge)
    for i, action in enumerate(challenge.setup):
        named: list[tuple[str, str]] = []
        if isinstance(action, CreateContainer):
            named = [("name", action.name)] + [("volumes", v) for v, _ in action.volumes]
        elif isinstance(action, CreateVolume):
            named = [("name", action.name)]
        elif isinstance(action, TagImage):
            named = [("target", action.target)]
        elif isinstance(action, BuildImage) and action.tag:
            named = [("tag", action.tag)]
        elif isinstance(action, PushImage):
            named = [("repository", action.repository)]
        for field, template in named:
            if not repository_name(substitute(template, values)).startswith(RESERVED_PREFIX):
                raise r.error(
                    f"challenge.setup[{i}].{field}",
                    f"what quizdock creates has a reserved name: use a 'name' parameter ({RESERVED_PREFIX}...)",
                )
