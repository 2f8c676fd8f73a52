"""The Docker CLI as data: commands, their aliases, options and arguments.

This is the one place that knows what the ``docker`` command line accepts; the grader
(:mod:`quizdock.grading.commands`) reads it to parse a typed command and to explain a
difference in one sentence. Nothing here runs Docker. The model joins two files beside this
module:

- ``docker_cli_reference.py``: Docker's facts (every command of its reference with its aliases,
  options, their short forms, types and defaults; the commands that take options first; the
  signal table), generated from docker/cli by ``tools/docker_cli_reference.py``; not edited by
  hand;
- ``docker_cli_teaching.json``: what quizdock teaches and how it grades: what each command and
  option does in French and English (a sentence for when an option is present, ``with_``, and
  for when it is absent, ``without``, in the conditional so that they read after "missing -d:"
  or "unexpected -a:"), the value grammar of an option (ports, mounts, images...), its default,
  whether it is harmless, and each command's arguments.

Management forms (``docker container ls``) are canonical, legacy top-level forms
(``docker ps``) are aliases, as in Docker's reference.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from quizdock.grading.docker_cli_reference import OPTIONS_FIRST, REFERENCE, REPEATABLE_TYPES
from quizdock.i18n import Text as T

ValueKind = Literal[
    "bool",  # a flag; its value is "true" or "false"
    "string",  # compared as written (placeholders allowed)
    "int",  # compared as a number
    "bytes",  # a size as Docker reads it (go-units RAMInBytes): 512m = 512M = 512MiB = 536870912
    "signal",  # a signal by name, with or without SIG, any case, or by number: KILL = SIGKILL = 9
    "template",  # a Go template: spaces inside {{ }} do not count
    "tail",  # a number of lines or "all"
    "image",  # an image reference (implicit docker.io/library/ and :latest)
    "publish",  # -p [ip:][host_port:]container_port[/proto]
    "volume",  # -v [source:]target[:options]
    "mount",  # --mount key=value,...
    "tmpfs",  # --tmpfs path[:options]
]

ArgKind = Literal[
    "container",
    "image",
    "volume",
    "network",
    "name",
    "server",  # a registry address; absent means Docker Hub
    "port",  # a container port, optionally /proto
    "command",  # the rest of the line: the container's command and its arguments
    "path",
    "string",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One option of one command.

    Attributes:
        long: The long form, canonical (``--detach``).
        short: The one-letter form (``-d``), if any.
        value: What the option takes; ``"bool"`` for a flag.
        with_: What would happen with the option (for "unexpected ..." messages).
        without: What would happen without it (for "missing ..." messages).
        harmless: Adding it when not asked changes nothing the learner was asked for
            (``--force`` on prune only skips the confirmation prompt).
        repeatable: The option may be given several times and its values add up.
        default: The value Docker uses when the option is absent; writing it changes nothing.
        aliases: Other long spellings Docker accepts (``--time`` for ``--timeout``).
        group: Options compared together because they set the same thing (``-v``,
            ``--mount`` and ``--tmpfs`` all add a mount).
        moves_to_arg: The option is another spelling of the command's first argument
            (``docker volume create --name v`` is ``docker volume create v``).
        format_equivalent: The ``--format`` template that prints exactly what this flag
            prints (``{{.ID}}`` for ``-q`` on ``docker container ls``).
    """

    long: str
    short: str | None = None
    value: ValueKind = "bool"
    with_: T
    without: T
    harmless: bool = False
    repeatable: bool = False
    default: str | None = None
    aliases: tuple[str, ...] = ()
    group: str | None = None
    moves_to_arg: bool = False
    format_equivalent: str | None = None

    @property
    def key(self) -> str:
        """The comparison key: options with the same key set the same thing."""
        return self.group or self.long

    @property
    def normalized_default(self) -> str | None:
        """The default value; a flag without a stated default is off."""
        if self.default is None and self.value == "bool":
            return "false"
        return self.default


@dataclass(frozen=True, slots=True, kw_only=True)
class Arg:
    """One positional argument (or a run of them) of a command.

    Attributes:
        kind: What the argument names; placeholders of that kind match it.
        label: How messages name it ("the container").
        required: Docker refuses the command without it.
        variadic: It may be repeated; the order of the repeats does not matter.
        without: What would happen without it; every optional argument has one.
        default: The value Docker uses when it is absent (Docker Hub for ``login``).
    """

    kind: ArgKind
    label: T
    required: bool = True
    variadic: bool = False
    without: T | None = None
    default: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """One Docker command.

    Attributes:
        path: The canonical words after ``docker`` (``("container", "ls")``).
        aliases: Other word sequences for the same command (``("ps",)``).
        meaning: What it does, as a verb phrase ("lists containers"); None for a command of
            Docker's reference that quizdock does not teach.
        options: The options it takes.
        args: Its positional arguments, in order.
        interspersed: Options may follow arguments. The commands Docker defines with
            ``SetInterspersed(false)`` (``run``, ``create``, ``exec``, ``commit``...) stop reading
            options at the first argument: what follows the image is the container's command.
        modelled: Its arguments and sentences are in the model. The other commands of Docker's
            reference are known by name and options (so a learner is told "a different
            command", not "unknown" or "not an option"), but cannot be an expected answer.
    """

    path: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...] = ()
    meaning: T | None
    options: tuple[Option, ...] = ()
    args: tuple[Arg, ...] = ()
    interspersed: bool = True
    modelled: bool = True

    @property
    def name(self) -> str:
        """The canonical form, ``docker container ls``."""
        return "docker " + " ".join(self.path)

    @property
    def paths(self) -> tuple[tuple[str, ...], ...]:
        """The canonical path, then every alias."""
        return (self.path, *self.aliases)

    def option(self, name: str) -> Option | None:
        """The option spelled ``name`` (``-d``, ``--detach`` or an alias), if any."""
        return _option_index(self).get(name)


# Placeholders a card's answer may hold, and what each accepts: a regular expression for one
# value of that kind. <image> and <command> are matched structurally by the comparer; their
# patterns here serve where they appear inside a longer value.
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "container": _NAME,
        "volume": _NAME,
        "network": _NAME,
        "name": _NAME,
        "image": r"[A-Za-z0-9][A-Za-z0-9._/:@-]*",
        "path": r"[^\s:,]+",
        "port": r"[0-9]+(?:-[0-9]+)?",
        "command": r".+",
        "registry": r"[A-Za-z0-9.-]+(?::[0-9]+)?",
        "user": r"[a-z0-9]+(?:[._-][a-z0-9]+)*",
        "tag": r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
    }
)


# --- The model, from Docker's reference and the teaching file ------------------------------

# JSON rather than TOML like the decks: the grader loads on the review's answer path, and
# tomllib took about 30 ms on a file this size where json takes under 1 ms.
_TEACHING_FILE = Path(__file__).with_name("docker_cli_teaching.json")
_TEACHING: dict[str, Any] = json.loads(_TEACHING_FILE.read_text(encoding="utf-8"))


def _text(value: Mapping[str, str], **values: str) -> T:
    return T(value["fr"].format(**values), value["en"].format(**values))


# pflag types read as numbers (Go's strconv: 010 is 10).
_INT_TYPES = frozenset({"int", "int64", "int32", "uint", "uint16", "uint32", "uint64"})


def _grammar(pflag_type: str) -> ValueKind:
    """The value grammar Docker's own type gives an option."""
    if pflag_type == "bool":
        return "bool"
    if pflag_type in _INT_TYPES:
        return "int"
    if pflag_type == "bytes":  # docker/cli's opts.MemBytes: go-units RAMInBytes
        return "bytes"
    return "string"


def _option(
    long: str,
    short: str | None,
    pflag_type: str,
    default: str | None,
    entry: Mapping[str, Any],
    other: Mapping[str, Any],
) -> Option:
    """One option: Docker's facts (its pflag type and default), the teaching file's entry."""
    kind = "bool" if pflag_type == "bool" else "list" if pflag_type in REPEATABLE_TYPES else "value"
    grammar = entry.get("grammar", _grammar(pflag_type))
    if (grammar == "bool") != (kind == "bool"):
        raise ValueError(f"{long}: the teaching file reads it as {grammar}, Docker's reference as {kind}")
    sentences = entry if "with" in entry else other
    return Option(
        long=long,
        short=short,
        value=grammar,
        with_=_text(sentences["with"], option=long),
        without=_text(sentences["without"], option=long),
        harmless=entry.get("harmless", False),
        repeatable=kind == "list",
        # The teaching file's default wins: where the CLI sends nothing for an absent option
        # (`stop --timeout`, reference default 0), the daemon's default is what counts.
        default=entry.get("default", default),
        aliases=tuple(entry.get("aliases", ())),
        group=entry.get("group"),
        moves_to_arg=entry.get("moves_to_arg", False),
        format_equivalent=entry.get("format_equivalent"),
    )


def _arg(entry: Mapping[str, Any]) -> Arg:
    if not entry.get("required", True) and "without" not in entry:
        raise ValueError(f"an optional argument ({entry['label']['en']}) needs a 'without' sentence")
    return Arg(
        kind=entry["kind"],
        label=_text(entry["label"]),
        required=entry.get("required", True),
        variadic=entry.get("variadic", False),
        without=_text(entry["without"]) if "without" in entry else None,
        default=entry.get("default"),
    )


def _own_options(teaching: Mapping[str, Any], name: str) -> dict[str, Mapping[str, Any]]:
    entry = teaching["commands"][name]
    inherited = _own_options(teaching, entry["options_of"]) if "options_of" in entry else {}
    shared = teaching["shared_options"]
    return inherited | {long: shared[v] if isinstance(v, str) else v for long, v in entry.get("options", {}).items()}


def _other_options(teaching: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    entry = teaching["commands"][name]
    if "other_options" in entry:
        return entry["other_options"]
    return _other_options(teaching, entry["options_of"]) if "options_of" in entry else teaching["other_options"]


_HIDDEN_TYPES = {"bool": "bool", "value": "string", "list": "list"}


def _command(teaching: Mapping[str, Any], path: tuple[str, ...]) -> Command:
    name = " ".join(path)
    if path not in REFERENCE:
        raise ValueError(f"docker {name}: not in Docker's reference (run tools/docker_cli_reference.py)")
    aliases, facts = REFERENCE[path]
    entry = teaching["commands"].get(name)
    interspersed = path not in OPTIONS_FIRST
    if entry is None or not entry.get("graded", True):
        # Known by name: its options are read (so `docker stats --no-stream` is "another command",
        # not "not an option"), with the general sentences.
        other = teaching["other_options"]
        return Command(
            path=path,
            aliases=aliases,
            meaning=None if entry is None else _text(entry["meaning"]),
            options=tuple(_option(long, short, kind, default, {}, other) for long, short, kind, default in facts),
            interspersed=interspersed,
            modelled=False,
        )
    own, other = _own_options(teaching, name), _other_options(teaching, name)
    options = [_option(long, short, kind, default, own.get(long, {}), other) for long, short, kind, default in facts]
    for long, extra in own.items():
        if long in {o.long for o in options}:
            continue
        if "hidden" not in extra:
            raise ValueError(f"docker {name} {long}: not in Docker's reference, and not declared hidden")
        options.append(_option(long, extra.get("short"), _HIDDEN_TYPES[extra["hidden"]], None, extra, other))
    shared_args = teaching["shared_args"]
    return Command(
        path=path,
        aliases=aliases,
        meaning=_text(entry["meaning"]),
        options=tuple(options),
        args=tuple(_arg(shared_args[a] if isinstance(a, str) else a) for a in entry.get("args", ())),
        interspersed=interspersed,
    )


def build_model(teaching: Mapping[str, Any]) -> tuple[Command, ...]:
    """Every command of Docker's reference, with what the teaching document (``docker_cli_teaching.json``
    read) says of it: those it teaches first, in its order, then the others, known by name.

    Raises:
        ValueError: The document names a command or an option Docker's reference does not have
            (an option Docker hides must be declared ``hidden``), or reads a flag as a value.
    """
    taught = [tuple(name.split()) for name in teaching["commands"]]
    others = sorted(path for path in REFERENCE if path not in set(taught))
    return tuple(_command(teaching, path) for path in [*taught, *others])


ALL_COMMANDS: tuple[Command, ...] = build_model(_TEACHING)
"""Every command of Docker's reference: those quizdock grades, then those it knows by name only."""

COMMANDS: tuple[Command, ...] = tuple(c for c in ALL_COMMANDS if c.modelled)
"""The commands quizdock grades: a card's answer may be one of them."""

# Docker CLI plugins, outside docker/cli's reference: anything under them is a different command.
_PLUGINS: tuple[str, ...] = ("buildx", "compose", "scout")


OBJECTS: frozenset[str] = frozenset(c.path[0] for c in ALL_COMMANDS if len(c.path) >= 2) | frozenset(_PLUGINS)
"""Words that start a management command (``container``, ``image``, ``trust``...)."""

OTHER_OBJECTS: frozenset[str] = frozenset(_PLUGINS)
"""Docker CLI plugins (``compose``, ``buildx``...): known as commands, not by their subcommands."""


def _build_index() -> Mapping[tuple[str, ...], Command]:
    index: dict[tuple[str, ...], Command] = {}
    for command in ALL_COMMANDS:
        for path in command.paths:
            if path in index:
                raise AssertionError(f"docker {' '.join(path)} is listed twice in the CLI model")
            index[path] = command
    return MappingProxyType(index)


BY_PATH: Mapping[tuple[str, ...], Command] = _build_index()
"""Every command path, canonical or alias, to its command."""

HELP = _option("--help", None, "bool", None, _TEACHING["help"], {})
"""Every command takes ``--help``: it prints the usage and ignores the rest of the line."""

_OPTION_INDEXES: dict[tuple[str, ...], Mapping[str, Option]] = {}


def _option_index(command: Command) -> Mapping[str, Option]:
    # Cached for the model's own commands only: a model built from another document has its own.
    shipped = BY_PATH.get(command.path) is command
    index = _OPTION_INDEXES.get(command.path) if shipped else None
    if index is None:
        built: dict[str, Option] = {}
        for option in (*command.options, HELP):
            for spelling in (option.long, option.short, *option.aliases):
                if spelling is None:
                    continue
                if spelling in built:
                    raise AssertionError(f"{command.name}: option {spelling} is listed twice in the CLI model")
                built[spelling] = option
        index = MappingProxyType(built)
        if shipped:
            _OPTION_INDEXES[command.path] = index
    return index


def subcommands(obj: str) -> tuple[str, ...]:
    """The words that may follow a management object (``ls``, ``list``, ``ps``... for ``container``)."""
    return tuple(sorted({path[1] for path in BY_PATH if len(path) == 2 and path[0] == obj}))


def top_level_words() -> tuple[str, ...]:
    """Every word that may follow ``docker``: objects and one-word commands."""
    return tuple(sorted(OBJECTS | {path[0] for path in BY_PATH if len(path) == 1}))
