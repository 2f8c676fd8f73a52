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
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

from quizdock import image_reference
from quizdock.errors import DeckError
from quizdock.i18n import N_, Text, _, current_language

if TYPE_CHECKING:
    from quizdock.deck_schema import ChallengeEntry

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
        return tuple(
            c for c in self.checks if not (lab and c.host_only) and not (not lab and c.condition in RECORDED_CONDITIONS)
        )

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


# --------------------------------------------------------------------------- parsing

ANSWER_CONDITIONS = frozenset({"answer_image", "answer_container", "answer_logged"})


class _Reader:
    """Errors that name the file, the card and the field."""

    def __init__(self, path: str, card_id: str) -> None:
        self.path, self.card_id = path, card_id

    def error(self, field: str, problem: str) -> DeckError:
        return DeckError(self.path, problem, card_id=self.card_id, field=field)


def parse_challenge(raw: Any, *, path: str, card_id: str) -> Challenge:
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
    from quizdock.deck_schema import ChallengeEntry, convert

    entry: ChallengeEntry = convert(raw, ChallengeEntry, path=path, prefix="challenge", card_id=card_id)
    return build_challenge(entry, raw, path=path, card_id=card_id)


def build_challenge(entry: ChallengeEntry, raw: dict[str, Any], *, path: str, card_id: str) -> Challenge:
    """The challenge of a table the schema validated (``entry``, read from ``raw``), once the
    rules across its parts hold: parameters declared, a goal among the checks, the question
    answered, the setup in order, reserved names, and a reference solution safe to run.

    Raises:
        DeckError: Naming the file, the card and the field at fault.
    """
    r = _Reader(path, card_id)
    params = tuple(Param(key=key, kind=kind) for key, kind in entry.params.items())
    for param in params:
        if param.key in BUILTIN_PARAMS or param.key in REGISTRY_PARAMS:
            raise r.error(f"challenge.params.{param.key}", _("this name is a built-in parameter; choose another"))
    setup = tuple(_action(action) for action in entry.setup)
    known = {p.key for p in params} | set(BUILTIN_PARAMS)
    if any(isinstance(a, StartRegistry) for a in setup):
        known |= set(REGISTRY_PARAMS)
    checks = tuple(_check(item) for item in entry.checks)
    if all(c.guard for c in checks):
        raise r.error("challenge.checks", _("every check is a guard: at least one must be a goal"))
    if len(entry.hints.fr) != len(entry.hints.en):
        raise r.error("challenge.hints", _("hints.fr and hints.en must have as many hints"))
    hints = tuple(Text(fr=f.strip(), en=e.strip()) for f, e in zip(entry.hints.fr, entry.hints.en, strict=True))
    solution = tuple(_step(step) for step in entry.solution)
    broad = cast(Broad, entry.broad) if isinstance(entry.broad, str) else None
    ask = _text(entry.ask)
    answered = [i for i, c in enumerate(checks) if c.condition in ANSWER_CONDITIONS]
    if answered and ask is None:
        problem = _("a check of the typed answer needs the question: add ask.fr/ask.en")
        raise r.error(f"challenge.checks[{answered[0]}]", problem)
    if ask is not None and not answered:
        raise r.error("challenge.ask", _("a question with no check of its answer: add an answer_* check"))
    if ask is not None and not any(step.answer for step in solution):
        raise r.error("challenge.solution", _("the solution must type the answer: a step with answer = true"))
    for i, check in enumerate(checks):
        if check.condition == "typed_command":
            _check_typed(r, check, f"challenge.checks[{i}]")

    challenge = Challenge(
        id=card_id,
        params=params,
        setup=setup,
        checks=checks,
        hints=hints,
        solution=solution,
        broad=broad,
        ask=ask,
        host_note=_text(entry.host_note),
    )
    _check_placeholders(r, raw, known)
    _check_setup_order(r, challenge)
    _check_reserved(r, challenge)
    _check_solution(r, raw["solution"], challenge)
    return challenge


def _text(entry: Any) -> Text | None:
    """A validated fr/en table as a :class:`Text`; None when the field was not given."""
    from quizdock.deck_schema import TextEntry

    return Text(fr=entry.fr.strip(), en=entry.en.strip()) if isinstance(entry, TextEntry) else None


def _action(entry: Any) -> SetupAction:
    """The setup action of a validated ``[[cards.challenge.setup]]`` table."""
    from quizdock import deck_schema as schema

    if isinstance(entry, schema.ImageAction):
        return EnsureImage(image=entry.image)
    if isinstance(entry, schema.ContainerAction):
        return CreateContainer(
            name=entry.name,
            image=entry.image,
            command=tuple(entry.command),
            state=entry.state,
            anonymous_volumes=tuple(entry.anonymous_volumes),
            volumes=tuple(cast(tuple[str, str], tuple(v.split(":", 1))) for v in entry.volumes),
        )
    if isinstance(entry, schema.VolumeAction):
        return CreateVolume(name=entry.name)
    if isinstance(entry, schema.TagAction):
        return TagImage(source=entry.source, target=entry.target)
    if isinstance(entry, schema.BuildAction):
        return BuildImage(base=entry.base, tag=_given(entry.tag), record=_given(entry.record))
    if isinstance(entry, schema.RegistryAction):
        return StartRegistry(auth=entry.auth)
    if isinstance(entry, schema.PushAction):
        return PushImage(repository=entry.repository, image=entry.image, tag=entry.tag, keep_local=entry.keep_local)
    assert isinstance(entry, schema.FileAction), entry  # the schema's union has no other member
    return WriteFile(path=entry.path, content=entry.content)


def _given(value: Any) -> Any:
    """None for a field the file left out (msgspec's UNSET)."""
    from msgspec import UNSET

    return None if value is UNSET else value


def _check(entry: Any) -> Check:
    """The check of a validated ``[[cards.challenge.checks]]`` table, defaults filled in."""
    condition: str = type(entry).__struct_config__.tag
    args: dict[str, ArgValue] = {}
    for name, spec in CONDITION_ARGS[condition].items():
        value = _given(getattr(entry, name))
        if value is None:
            if spec.default is not None:
                args[name] = spec.default
            continue
        args[name] = tuple(value) if isinstance(value, list) else value
    return Check(
        condition=condition, args=args, guard=entry.guard, message=_text(entry.message), host_only=entry.host_only
    )


def _step(entry: Any) -> SolutionStep:
    if isinstance(entry, str):
        return SolutionStep(command=entry)
    return SolutionStep(command=entry.command, input=_given(entry.input), tty=entry.tty, answer=entry.answer)


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
            problem = _("{command} is refused: {reason}").format(command=repr(step.command), reason=refused)
            raise r.error(field, problem) from None


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
            problem = _("not a docker command quizdock can read: {reason}").format(
                reason=error.message.get(current_language())
            )
            raise r.error(f"{field}.{name}", problem) from None
    if not check.guard:
        raise r.error(f"{field}.guard", _("a typed_command check holds until commands are typed: make it a guard"))


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
                name = "{" + unknown[0] + "}"
                if unknown[0] in REGISTRY_PARAMS:
                    problem = _("unknown parameter {name} (the registry parameters need a 'registry' setup action)")
                else:
                    problem = _(
                        "unknown parameter {name}; declare it in [cards.challenge.params] or use one of {known}"
                    )
                raise r.error(field, problem.format(name=name, known=", ".join(sorted(known))))


def _check_setup_order(r: _Reader, challenge: Challenge) -> None:
    registry_started = False
    for i, action in enumerate(challenge.setup):
        if isinstance(action, StartRegistry):
            if registry_started:
                raise r.error(f"challenge.setup[{i}]", _("a challenge has one registry"))
            registry_started = True
        if isinstance(action, PushImage) and not registry_started:
            raise r.error(f"challenge.setup[{i}]", _("a 'push' action needs a 'registry' action before it"))
        if isinstance(action, WriteFile):
            dirs = {p.key for p in challenge.param("dir")}
            head = action.path.split("/", 1)[0]
            match = _PLACEHOLDER.fullmatch(head)
            if not match or match.group(1) not in dirs or "/" not in action.path or ".." in action.path.split("/"):
                problem = _("a file goes inside a 'dir' parameter: {form}").format(form="'{dir}/name'")
                raise r.error(f"challenge.setup[{i}].path", problem)
    records = [a.record for a in challenge.setup if isinstance(a, BuildImage) and a.record]
    for i, check in enumerate(challenge.checks):
        if check.condition in ("seed_absent", "seed_present") and check.args["seed"] not in records:
            problem = _("no 'build' action records {seed} (as = ...)").format(seed=repr(check.args["seed"]))
            raise r.error(f"challenge.checks[{i}].seed", problem)


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
                    _("what quizdock creates has a reserved name: use a 'name' parameter ({prefix}...)").format(
                        prefix=RESERVED_PREFIX
                    ),
                )
