"""Practical challenges parsed: the ``[cards.challenge]`` table of a practical card, validated
into the values of :mod:`quizdock.challenges.model`.

Parsing is pure and fast (no Docker, no I/O): the deck loader calls :func:`parse_challenge`
for every practical card. Nothing in a challenge is ever executed as code: setup actions and
checks come from fixed sets. The format is documented in ``docs/challenge-format.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from quizdock.challenges.model import (
    ANSWER_CONDITIONS,
    BUILTIN_PARAMS,
    CONDITION_ARGS,
    PLACEHOLDER_PATTERN,
    REGISTRY_PARAMS,
    RESERVED_PREFIX,
    ArgValue,
    Broad,
    BuildImage,
    Challenge,
    Check,
    CreateContainer,
    CreateVolume,
    EnsureImage,
    Param,
    PushImage,
    SetupAction,
    SolutionStep,
    StartRegistry,
    TagImage,
    WriteFile,
    placeholders,
    repository_name,
    sample_values,
    substitute,
)
from quizdock.errors import DeckError
from quizdock.i18n import Text, _, current_language, quoted

if TYPE_CHECKING:
    from quizdock.decks.schema import ChallengeEntry


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
    from quizdock.decks.schema import ChallengeEntry, convert

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
    from quizdock.decks.schema import TextEntry

    return Text(fr=entry.fr.strip(), en=entry.en.strip()) if isinstance(entry, TextEntry) else None


def _action(entry: Any) -> SetupAction:
    """The setup action of a validated ``[[cards.challenge.setup]]`` table."""
    from quizdock.decks import schema

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
    from quizdock.challenges.steps import UnsafeStep, parse_step

    dirs = [p.key for p in challenge.param("dir")]
    sample = sample_values(challenge)
    for i, step in enumerate(challenge.solution):
        try:
            parse_step(step.command, dirs=dirs, sample=sample)
        except UnsafeStep as refused:
            field = f"challenge.solution[{i}]" + (".command" if isinstance(raw[i], dict) else "")
            problem = _("{command} is refused: {reason}").format(command=quoted(step.command), reason=refused)
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
            match = PLACEHOLDER_PATTERN.fullmatch(head)
            if not match or match.group(1) not in dirs or "/" not in action.path or ".." in action.path.split("/"):
                problem = _("a file goes inside a 'dir' parameter: {form}").format(form="'{dir}/name'")
                raise r.error(f"challenge.setup[{i}].path", problem)
    records = [a.record for a in challenge.setup if isinstance(a, BuildImage) and a.record]
    for i, check in enumerate(challenge.checks):
        if check.condition in ("seed_absent", "seed_present") and check.args["seed"] not in records:
            problem = _("no 'build' action records {seed} (as = ...)").format(seed=quoted(check.args["seed"]))
            raise r.error(f"challenge.checks[{i}].seed", problem)


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
