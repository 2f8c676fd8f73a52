"""The schema of a deck file, [cards.challenge] tables included, declared with msgspec.

The structs below describe the file exactly as written (TOML read by :mod:`tomllib`): which keys
each table has, their types, which are required, the patterns of ids and tags. :func:`convert`
validates a document against them and turns msgspec's error into a :class:`DeckError` naming the
file, the card, the field and, when the file's text is given, the line, in the learner's
language. What a schema cannot say (an id that matches its deck, a right choice among the
choices, placeholders that are declared) is checked after it by :mod:`quizdock.decks.loading` and
:mod:`quizdock.decks.challenge_spec`, which build the plain values the rest of quizdock uses.

msgspec was chosen for its start-up cost (bench/schema.py). ``tools/deck_schema.py`` writes the
JSON schema of these structs to ``docs/deck-schema.json``.
"""

# No ``from __future__ import annotations`` here: msgspec would then compile and evaluate every
# annotation string at the first validation, which costs more than evaluating them at import.

import functools
import operator
import re
import types
from typing import Annotated, Any, Literal, TypeVar, Union, cast, get_args, get_origin

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType, field

from quizdock.challenges.model import (
    BROAD_COMMANDS,
    CONDITION_ARGS,
    CONTAINER_STATES,
    DEFAULT_IMAGE,
    PARAM_KINDS,
    ArgSpec,
)
from quizdock.decks.positions import field_line
from quizdock.errors import DeckError
from quizdock.i18n import N_, _, ngettext

# --------------------------------------------------------------------------- value types

# msgspec searches a pattern (re.search), where "$" also matches before a final newline.
_NON_BLANK = r"\S"
_DECK_ID = r"^[a-z0-9][a-z0-9-]*$(?!\n)"
_CARD_ID = r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$(?!\n)"
_TOPIC = r"^[a-z0-9][a-z0-9-]*(::[a-z0-9][a-z0-9-]*)*$(?!\n)"
_PARAM_KEY = r"^[a-z][a-z0-9_]*$(?!\n)"
_PLACEHOLDER = r"^\{[a-z][a-z0-9_]*\}$(?!\n)"
_VOLUME_SPEC = r"^[^:]+:/"
_ABSOLUTE = r"^/"
_DOCKER_COMMAND = r"^\s*docker\s+\S"

# What each pattern means, for the learner: msgspec only says which regex a text missed.
PATTERN_TEXTS: dict[str, str] = {
    _NON_BLANK: N_("a text that is not empty"),
    _DECK_ID: N_("an id of lowercase letters, digits and dashes"),
    _CARD_ID: N_("an id like 'deck/slug', of lowercase letters, digits and dashes"),
    _TOPIC: N_("a tag like 'volumes' or 'volumes::tmpfs'"),
    _PARAM_KEY: N_("a parameter name: lowercase letters, digits and '_', starting with a letter"),
    _PLACEHOLDER: N_("a port number (1-65535) or a '{port}' parameter"),
    _VOLUME_SPEC: N_("'VOLUME:/path'"),
    _ABSOLUTE: N_("an absolute container path"),
    _DOCKER_COMMAND: N_("a command that starts with 'docker'"),
}

NonBlank = Annotated[str, Meta(pattern=_NON_BLANK)]
Filled = Annotated[str, Meta(min_length=1)]
DockerCommand = Annotated[str, Meta(pattern=_DOCKER_COMMAND)]
Port = Annotated[int, Meta(ge=1, le=65535)] | Annotated[str, Meta(pattern=_PLACEHOLDER)]


class TextEntry(Struct, forbid_unknown_fields=True):
    """A text in French and in English."""

    fr: NonBlank
    en: NonBlank


# --------------------------------------------------------------------------- challenges


class _Action(Struct, tag_field="action", forbid_unknown_fields=True, kw_only=True):
    """One setup action (``[[cards.challenge.setup]]``), chosen by its ``action``."""


class ImageAction(_Action, tag="image"):
    """Makes sure the image is present (pulls it if not)."""

    image: NonBlank


class ContainerAction(_Action, tag="container"):
    """Creates a container. ``running`` with no command runs a loop that stops at once on ``docker stop``;
    ``exited`` waits for the command to end (default ``true``); the anonymous volumes it gets are remembered
    for ``anonymous_volumes_gone``."""

    name: NonBlank
    image: NonBlank = DEFAULT_IMAGE
    command: list[Filled] = []
    state: Literal[CONTAINER_STATES] = "running"  # type: ignore[valid-type]
    anonymous_volumes: list[Annotated[str, Meta(pattern=_ABSOLUTE)]] = []
    volumes: list[Annotated[str, Meta(pattern=_VOLUME_SPEC)]] = []


class VolumeAction(_Action, tag="volume"):
    """Creates a named volume."""

    name: NonBlank


class TagAction(_Action, tag="tag"):
    """Tags an existing image with a reserved name."""

    source: NonBlank
    target: NonBlank


class BuildAction(_Action, tag="build"):
    """Makes a small image of its own (one new file on ``base``); without ``tag`` it is dangling
    (``<none>:<none>``); ``as = "key"`` remembers its ID for ``seed_absent`` / ``seed_present``."""

    base: NonBlank = DEFAULT_IMAGE
    tag: NonBlank | UnsetType = UNSET
    record: NonBlank | UnsetType = field(default=UNSET, name="as")


class RegistryAction(_Action, tag="registry"):
    """Starts the challenge's private registry (``registry:2``) on a free port of 127.0.0.1; with
    ``auth = true`` it requires ``docker login`` (htpasswd)."""

    auth: bool = False


class PushAction(_Action, tag="push"):
    """Seeds the registry: pushes ``image`` as ``repository:tag``, then removes the local tag unless
    ``keep_local``."""

    repository: Annotated[NonBlank, Meta(description="`{registry}/{name}`")]
    image: NonBlank = DEFAULT_IMAGE
    tag: NonBlank = "latest"
    keep_local: bool = False


class FileAction(_Action, tag="file"):
    """Writes a text file in a ``dir`` parameter."""

    path: Annotated[NonBlank, Meta(description="`{dir}/name`")]
    content: str


SetupEntry = (
    ImageAction | ContainerAction | VolumeAction | TagAction | BuildAction | RegistryAction | PushAction | FileAction
)


class _Check(Struct, tag_field="condition", forbid_unknown_fields=True, kw_only=True):
    """One check (``[[cards.challenge.checks]]``), chosen by its ``condition``."""

    guard: Annotated[bool, Meta(description="the check already holds after setup and must still hold at the end")] = (
        False
    )
    message: (
        Annotated[TextEntry, Meta(description="a hint shown when the check fails, before what was expected and found")]
        | UnsetType
    ) = UNSET
    host_only: Annotated[
        bool, Meta(description="checked only on the learner's own Docker, where it protects their resources")
    ] = False


_ARG_TYPES: dict[str, Any] = {"port": Port, "int": int, "bool": bool, "list": list[Filled]}


def _arg_type(spec: ArgSpec) -> Any:
    return Literal[spec.choices] if spec.kind == "choice" else _ARG_TYPES.get(spec.kind, NonBlank)


def _check_struct(condition: str, args: dict[str, ArgSpec]) -> type[_Check]:
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for name, spec in args.items():
        kind = _arg_type(spec)
        fields.append((name, kind) if spec.required else (name, kind | UnsetType, UNSET))
    name = "".join(part.title() for part in condition.split("_")) + "Check"
    made = msgspec.defstruct(name, fields, bases=(_Check,), tag=condition, module=__name__)
    made.__doc__ = CONDITION_TEXTS[condition]
    return cast(type[_Check], made)


"""What each condition checks: the docs' table of conditions and the JSON schema show it."""
CONDITION_TEXTS: dict[str, str] = {
    "container_exists": ("a container has this name"),
    "container_absent": ("no container has this name"),
    "container_removed": (
        "the container setup created under this name is gone, by its ID (renamed, it still fails); for a "
        "container setup did not make, as `container_absent`"
    ),
    "container_stopped": (
        "the container setup created under this name still exists and has exited (`stop` or `kill`; "
        "paused, removed or re-created fail)"
    ),
    "container_started": (
        "it has been started at least once (running, or exited after running): a container only created fails"
    ),
    "container_status": ("its state (and exit code) is this"),
    "container_image": ("it runs this image, compared by ID (so any tag of the same image counts)"),
    "detached": (
        "it was started with no terminal attached: `run -d`, or `create` then `start`, or detached with "
        "Ctrl-P Ctrl-Q. An attached `run` (even one whose client was interrupted while the container kept"
        " running) fails, and so does a container never started. Docker's events tell them apart: an "
        "attached start logs `attach` before `start`"
    ),
    "tty_stdin": ("it has a terminal and open stdin (`-it`, `-t -i`, `--tty --interactive`)"),
    "published_port": (
        "`-p`/`--publish` asked for this binding. `host_ip` is `all` (the default) or an address; `all` "
        "accepts no address, `0.0.0.0` and `::` alike"
    ),
    "mount": (
        "this is mounted there: `-v` and `--mount` alike; tmpfs from `--tmpfs` or `--mount type=tmpfs`; "
        "`source` is a volume name or a host path"
    ),
    "port_answers": (
        "`GET http://127.0.0.1:PORT/` from quizdock's machine gets an HTTP answer, whatever its status (a "
        "published port with no server behind it fails); tried for about 5 s"
    ),
    "logs_contain": ("its logs (stdout and stderr) contain the text"),
    "image_present": ("the tag exists (on failure, other tags of the repository are listed)"),
    "image_absent": ("the tag does not exist"),
    "image_same": ("both names are the same image (same ID)"),
    "image_derived": (
        "the image's layers start with all of `base`'s and add at least one; `file` exists in it (and contains `text`)"
    ),
    "image_pulled": (
        "an image came from the challenge's registry (`image` is `{registry}/name:tag`): one with the "
        "digest the registry serves for that tag (`docker tag` of a local image does not pass; pulling by"
        " digest does). With the registry stopped, the tag's own digest record is trusted. In the lab, a"
        " pull of it (`POST /images/create`) must also have reached the engine since setup"
    ),
    "committed_from": (
        "the image was made by `docker commit` of this container: in the lab, a commit of it reached the "
        "engine since setup, naming the image (or tagged as it afterwards); on the learner's Docker, the "
        "image's `Container` field is its ID (API 1.44 and older; newer engines no longer say it: not graded)"
    ),
    "volume_present": ("the volume exists"),
    "volume_absent": ("the volume does not exist"),
    "volume_file": ("the file exists in the volume (and contains the text)"),
    "volume_unused": ("no container, running or not, mounts it"),
    "anonymous_volumes_gone": ("the anonymous volumes setup gave this container are gone (`rm -v`)"),
    "registry_has": (
        "the challenge's registry lists the tag (`GET /v2/<repository>/tags/list`); with `image`, the "
        "tag there holds that image's layers (another image pushed under the name fails)"
    ),
    "login_recorded": ("the docker CLI's `config.json` records a login for it (`auths` or `credHelpers`)"),
    "login_stored": (
        "the config of the challenge's docker client (the lab's own folder in the private lab; on the "
        "learner's Docker, `config.json` in `$DOCKER_CONFIG`, else `~/.docker`) holds a credential for "
        "it, in `auths` or in its credentials helper, and the registry accepts it; a login stored under "
        "another name of the same registry (`localhost:PORT` for `127.0.0.1:PORT`) is named"
    ),
    "seeded_stopped_gone": ("every container setup left exited or created is gone"),
    "seed_absent": ("the image a `build` recorded with `as` is gone"),
    "seed_present": ("the image a `build` recorded with `as` is still there"),
    "answer_image": (
        "the typed answer is the image's ID: whole, with or without `sha256:`, or a prefix of 4 "
        "characters or more; a name, or another image's ID, is named"
    ),
    "answer_container": (
        "the typed answer is the container's name or ID (prefix); another container is named with its status"
    ),
    "answer_logged": (
        "the typed answer is the value the container printed after `prefix` (`code:`), alone or with the "
        "prefix; an earlier line of the logs is told apart"
    ),
    "typed_command": (
        "must be a guard. Among the commands typed at quizdock's prompt, one is `command` (by meaning: "
        "`docker rm` is `docker container rm`) with all of its options and literal arguments; fails when "
        "the one typed lacks a part (the message names it) or when a command of `instead` was typed "
        "instead. Nothing typed at the prompt (the learner worked in another terminal): not graded, it "
        "passes"
    ),
    "logs_followed": (
        "lab only: a request for the container's logs with `follow` (`docker logs -f`) reached the engine "
        "since setup; logs read without it are named"
    ),
    "pruned": (
        "lab only: every item setup made for the prune (`containers`: the ones it left stopped; `images`: "
        "the ones `build` recorded) that is gone went with a prune of that kind: the last removal request "
        "before it went (Docker's events) is the prune, not a `docker rm`/`rmi`; at least one is gone"
    ),
    "volume_created": (
        "lab only: the volume exists and a `docker volume create` of it reached the engine no later than "
        "it was made (not a volume made by a container that mounted it)"
    ),
    "removed_with_volumes": (
        "lab only: the container is gone and a removal of it with its volumes (`docker rm -v`) reached the engine"
    ),
    "interactive": (
        "lab only: it has a terminal and open stdin (`-it`), and the learner's keyboard was attached to it "
        "(an attach with stdin: `run -it`, `start -ai`, `attach`); a container started without -a -i fails, "
        "and so does a shell given its work on the command line (`sh -c '...'`): nothing was typed. "
        "Pair it with a `host_only` `tty_stdin` for the learner's own Docker"
    ),
    "stop_asked": (
        "lab only: the container's last run since setup ended (its `die` event) after a `docker stop` of "
        "it, not a `docker kill` (named, with its signal); a stop of a container already stopped changes "
        "nothing"
    ),
}


# One struct per condition, made from CONDITION_ARGS: the fixed set of conditions is one fact.
CHECK_TYPES: tuple[type[_Check], ...] = tuple(_check_struct(c, args) for c, args in CONDITION_ARGS.items())
CheckEntry = functools.reduce(operator.or_, CHECK_TYPES)


class StepEntry(Struct, forbid_unknown_fields=True):
    """A step of the reference solution written as a table."""

    command: Annotated[NonBlank, Meta(description="the docker CLI command")]
    input: (
        Annotated[str, Meta(description="written to the command's stdin (typed once it has started, with `tty`)")]
        | UnsetType
    ) = UNSET
    tty: Annotated[bool, Meta(description="run the command in a pseudo-terminal")] = False
    answer: Annotated[
        bool, Meta(description="type the last non-empty line of the output as the answer to the challenge's `ask`")
    ] = False


class HintsEntry(Struct, forbid_unknown_fields=True):
    """Progressive hints, as many in French as in English: a nudge, the command's shape, the answer."""

    fr: Annotated[list[Filled], Meta(min_length=1, max_length=5, description="the hints in French")]
    en: Annotated[list[Filled], Meta(min_length=1, max_length=5, description="the hints in English")]


class ChallengeEntry(Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[cards.challenge]`` table of a practical card (docs/challenge-format.md)."""

    setup: Annotated[
        list[SetupEntry],
        Meta(description="`[[cards.challenge.setup]]` tables, run in order (may be empty: `setup = []`)"),
    ]
    checks: Annotated[
        list[CheckEntry],  # type: ignore[valid-type]
        Meta(min_length=1, description="`[[cards.challenge.checks]]` tables; the challenge is solved when all pass"),
    ]
    hints: Annotated[
        HintsEntry,
        Meta(
            description="as many in French as in English, shown one at a time: a nudge, the command's shape, the answer"
        ),
    ]
    solution: Annotated[
        list[NonBlank | StepEntry],
        Meta(min_length=1, description="the reference solution: docker CLI commands (below)"),
    ]
    params: Annotated[
        dict[Annotated[str, Meta(pattern=_PARAM_KEY)], Literal[PARAM_KINDS]],  # type: ignore[valid-type]
        Meta(description='the challenge\'s parameters, `key = "kind"` (below)'),
    ] = {}
    broad: (
        Annotated[
            Literal[tuple(BROAD_COMMANDS)],  # type: ignore[valid-type]
            Meta(
                description="the natural answer is a broad command: on the learner's own Docker, quizdock first says "
                "how many of their own resources it would remove"
            ),
        ]
        | UnsetType
    ) = UNSET
    host_note: (
        Annotated[
            TextEntry,
            Meta(description="said after the task only on the learner's own Docker (how to spare their resources)"),
        ]
        | UnsetType
    ) = UNSET
    ask: (
        Annotated[
            TextEntry,
            Meta(
                description="a question the learner answers by typing `answer VALUE` (`réponse VALUE`); needs an "
                "`answer_*` check and a solution step with `answer = true`"
            ),
        ]
        | UnsetType
    ) = UNSET


# --------------------------------------------------------------------------- cards


class _CardEntry(Struct, tag_field="kind", forbid_unknown_fields=True, kw_only=True):
    """A ``[[cards]]`` table, chosen by its ``kind``."""

    id: Annotated[
        str,
        Meta(
            pattern=_CARD_ID,
            description="`<deck-id>/<slug>`, unique across all decks; it carries the learner's progress (below)",
        ),
    ]
    topics: Annotated[
        list[Annotated[str, Meta(pattern=_TOPIC)]],
        Meta(min_length=1, description="topic tags, hierarchical with `::`; the first is the card's topic"),
    ]
    question: Annotated[TextEntry, Meta(description="the question; for a practical card, the task")]
    explanation: Annotated[TextEntry, Meta(description="a short explanation shown after grading")]
    note_differs: (
        Annotated[
            TextEntry,
            Meta(description="where the learner's source note is wrong: what it says, what Docker does (below)"),
        ]
        | UnsetType
    ) = UNSET


class ConceptEntry(_CardEntry, tag="concept"):
    """A question whose answer is revealed, then self-graded 0-5."""

    answer: Annotated[TextEntry, Meta(description="revealed, then self-graded 0-5")]


class CommandEntry(_CardEntry, tag="command"):
    """A command to type, graded by meaning."""

    answer: Annotated[
        DockerCommand, Meta(description="the expected command, the same in both languages; placeholders (below)")
    ]
    alternatives: Annotated[
        list[DockerCommand],
        Meta(description="other accepted commands (the grader already knows aliases and short and long options)"),
    ] = []
    same_form: Annotated[
        bool,
        Meta(description="the card asks for one form of a command: an equivalent one in another form is partly right"),
    ] = False


class ChoicesEntry(Struct, forbid_unknown_fields=True):
    """The choices, as many in French as in English, in the same order."""

    fr: Annotated[list[NonBlank], Meta(min_length=2, max_length=6, description="the choices in French")]
    en: Annotated[list[NonBlank], Meta(min_length=2, max_length=6, description="the choices in English")]


class ChoiceEntry(_CardEntry, tag="choice"):
    """A multiple-choice question; ``correct`` is the index of the right choice."""

    choices: Annotated[ChoicesEntry, Meta(description="as many in French as in English, in the same order")]
    correct: Annotated[
        int, Meta(ge=0, le=5, description="the index (from 0) of the right choice; review shuffles the choices")
    ]


class PracticalEntry(_CardEntry, tag="practical"):
    """A task on a Docker daemon (the question), graded by its state afterwards."""

    challenge: Annotated[ChallengeEntry, Meta(description="the challenge table (challenge-format.md)")]


CardEntry = ConceptEntry | CommandEntry | ChoiceEntry | PracticalEntry


class DeckHeader(Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[deck]`` table."""

    id: Annotated[str, Meta(pattern=_DECK_ID, description="stable; equals the file name (`<id>.toml`)")]
    title: Annotated[TextEntry, Meta(description="the deck's name, shown by `quizdock decks`")]
    description: Annotated[TextEntry, Meta(description="what the deck is about")] | UnsetType = UNSET
    topics: Annotated[
        dict[Annotated[str, Meta(pattern=_TOPIC)], TextEntry],
        Meta(
            description="the names of topic tags of the deck's cards in both languages, shown by "
            '`quizdock challenge list`: `topics.registry = { fr = "registre", en = "registry" }`'
        ),
    ] = {}


class DeckFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """A deck file: its ``[deck]`` table and its ``[[cards]]``."""

    deck: Annotated[DeckHeader, Meta(description="the deck's id, title and topic names")]
    cards: Annotated[list[CardEntry], Meta(min_length=1, description="the cards, `[[cards]]` tables")]


# --------------------------------------------------------------------------- validation

T = TypeVar("T")

_TYPE_WORDS: dict[str, str] = {
    "str": N_("a text"),
    "int": N_("a whole number"),
    "float": N_("a decimal number"),
    "bool": N_("true or false"),
    "array": N_("a list"),
    "object": N_("a table"),
    "date": N_("a date"),
    "datetime": N_("a date and time"),
    "time": N_("a time of day"),
}
_MESSAGE = re.compile(r"(?s)^(?P<message>.*?)(?: - at (?P<key>`key` in )?`(?P<at>[^`]*)`)?$")
_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")


def convert(
    value: Any, kind: type[T] | Any, *, path: str, prefix: str = "", card_id: str | None = None, text: str | None = None
) -> T:
    """Validate ``value`` (as read by tomllib) against a schema type and build it.

    Args:
        value: The document, or one of its tables.
        kind: :class:`DeckFile`, or a struct of a part of it (a card, a challenge).
        path: The file, for the message.
        prefix: The field path of ``value`` in its card (``challenge`` for a challenge table).
        card_id: The card ``value`` belongs to, when it is part of one.
        text: The file's text, to find the line of the field at fault.

    Raises:
        DeckError: naming the file, the card, the field and (with ``text``) the line.
    """
    try:
        return msgspec.convert(value, kind)
    except msgspec.ValidationError as error:
        raise schema_error(str(error), value, kind, path=path, prefix=prefix, card_id=card_id, text=text) from None


def schema_error(
    message: str,
    value: Any,
    kind: Any,
    *,
    path: str,
    prefix: str = "",
    card_id: str | None = None,
    text: str | None = None,
) -> DeckError:
    """msgspec's message (``Expected `int`, got `str` - at `$.cards[2].correct```), for the learner."""
    match = _MESSAGE.match(message)
    assert match is not None  # the pattern matches any text
    said, at = match["message"], match["at"] or "$"
    segments: list[str | int] = [int(i) if i.isdigit() else (name or i) for name, i in _SEGMENT.findall(at[1:])]
    located = _locate(kind, value, segments, in_key=bool(match["key"]))
    problem = _problem(said, located)
    keys = located.segments
    position = None
    if kind is DeckFile and len(keys) >= 2 and keys[0] == "cards" and isinstance(keys[1], int):
        card = value["cards"][keys[1]] if isinstance(value.get("cards"), list) else None
        own = card.get("id") if isinstance(card, dict) else None
        position = keys[1] + 1
        card_id, keys = (own if isinstance(own, str) else f"#{position}"), keys[2:]
    field = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".")
    if prefix:
        field = f"{prefix}.{field}" if field else prefix
    line = None
    if text is not None and field and (position or card_id or field.startswith("deck")):
        line = field_line(text, card_id, field, position=position)
    return DeckError(path, problem, card_id=card_id, field=field or None, line=line)


class _Located:
    """Where an error is: the keys to it, the type expected there, the struct read there (if a
    table) and the required field missing on the way (if any)."""

    def __init__(
        self, segments: list[str | int], expected: Any, struct: type[Struct] | None, missing: str | None = None
    ) -> None:
        self.segments, self.expected, self.struct, self.missing = segments, expected, struct, missing


def _strip(kind: Any) -> Any:
    while getattr(kind, "__metadata__", None) is not None:  # Annotated[...]
        kind = kind.__origin__
    return kind


def _members(kind: Any) -> list[Any]:
    kind = _strip(kind)
    if isinstance(kind, types.UnionType) or get_origin(kind) is Union:
        return [_strip(k) for k in get_args(kind)]
    return [kind]


def _struct_for(kind: Any, raw: Any) -> type[Struct] | None:
    """The struct of a (tagged) union that a table is read as."""
    if not isinstance(raw, dict):
        return None
    for member in _members(kind):
        if isinstance(member, type) and issubclass(member, Struct):
            config = member.__struct_config__
            if config.tag_field is None or raw.get(config.tag_field) == config.tag:
                return member
    return None


def _locate(kind: Any, raw: Any, segments: list[str | int], *, in_key: bool) -> _Located:
    """Follow the error's path through the schema and the document together.

    On the way, a required field missing from an outer table is reported first (as the tables
    are read top-down); ``[...]`` (a value of a dict) and ``in_key`` (a key of one) become the
    key at fault.
    """
    walked: list[str | int] = []
    struct: type[Struct] | None = None
    for segment in [*segments, None]:
        struct = _struct_for(kind, raw)
        if struct is not None:
            missing = [f.encode_name for f in msgspec.structs.fields(struct) if f.required and f.encode_name not in raw]
            if missing:
                return _Located(walked, kind, struct, missing=missing[0])
        if segment is None:
            break
        dict_type = next((m for m in _members(kind) if get_origin(m) is dict), None)
        if segment == "..." and dict_type is not None and isinstance(raw, dict):
            value_type = get_args(dict_type)[1]
            segment = next((k for k, v in raw.items() if not _valid(v, value_type)), "...")
        walked.append(segment)
        if isinstance(segment, int):
            kind = next((get_args(m)[0] for m in _members(kind) if get_origin(m) is list), Any)
            raw = raw[segment] if isinstance(raw, list) and segment < len(raw) else None
            continue
        structs = [m for m in _members(kind) if isinstance(m, type) and issubclass(m, Struct)]
        if structs and segment == structs[0].__struct_config__.tag_field:  # a tag matching no struct
            kind = Literal[tuple(m.__struct_config__.tag for m in structs)]
        elif struct is not None:
            kind = {f.encode_name: f.type for f in msgspec.structs.fields(struct)}.get(segment, Any)
        elif dict_type is not None:
            kind = get_args(dict_type)[1]
        raw = raw.get(segment) if isinstance(raw, dict) else None
    if in_key and isinstance(raw, dict):
        dict_type = next((m for m in _members(kind) if get_origin(m) is dict), None)
        if dict_type is not None:
            bad = next((k for k in raw if not _valid(k, get_args(dict_type)[0])), None)
            if bad is not None:
                walked.append(bad)
    return _Located(walked, kind, struct)


def _valid(value: Any, kind: Any) -> bool:
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError:
        return False
    return True


def _words(types_said: str) -> str:
    names = [name.strip() for name in types_said.split("|")]
    return _(" or ").join(_(_TYPE_WORDS[n]) if n in _TYPE_WORDS else n for n in names)


def _problem(said: str, located: _Located) -> str:
    """msgspec's message in the learner's language, with what is expected spelled out."""
    if located.missing is not None:
        located.segments.append(located.missing)
        return _("this field is required")
    if match := re.fullmatch(r"Object missing required field `(.*)`", said, re.S):
        located.segments.append(match[1])
        return _("this field is required")
    if match := re.fullmatch(r"Object contains unknown field `(.*)`", said, re.S):
        located.segments.append(match[1])
        struct = located.struct
        names = [f.encode_name for f in msgspec.structs.fields(struct)] if struct is not None else []
        return _("unknown field; expected one of {names}").format(names=", ".join(names))
    if match := re.fullmatch(r"Invalid (?:enum )?value (.*)", said, re.S):
        choices = [str(c) for m in _members(located.expected) if get_origin(m) is Literal for c in get_args(m)]
        return _("unknown value {value}; expected one of {choices}").format(value=match[1], choices=", ".join(choices))
    text_expected = TextEntry in _members(located.expected)
    if text_expected and (match := re.fullmatch(r"Expected `object`, got `(.*)`", said, re.S)):
        return _("expected a French and an English text (fr = ..., en = ...), got {got}").format(got=_words(match[1]))
    if match := re.fullmatch(r"Expected `(.*)`, got `(.*)`", said, re.S):
        return _("expected {expected}, got {got}").format(expected=_words(match[1]), got=_words(match[2]))
    if match := re.fullmatch(r"Expected `str` matching regex (.*)", said, re.S):
        pattern = _literal(match[1])
        if pattern in PATTERN_TEXTS:
            return _("expected {what}").format(what=_(PATTERN_TEXTS[pattern]))
        return _("expected a text matching {pattern}").format(pattern=pattern)
    if match := re.fullmatch(r"Expected `(?:int|float)` (>=|<=) (-?\d+)", said):
        if match[1] == ">=":
            return _("expected a whole number of at least {n}").format(n=match[2])
        return _("expected a whole number of at most {n}").format(n=match[2])
    if match := re.fullmatch(r"Expected `(array|str|object)` of length (>=|<=) (\d+)", said):
        n = int(match[3])
        if match[1] == "str":
            return _("expected a text that is not empty")
        if match[2] == ">=":
            return ngettext("expected at least {n} item", "expected at least {n} items", n).format(n=n)
        return ngettext("expected at most {n} item", "expected at most {n} items", n).format(n=n)
    return said  # a message of msgspec's not foreseen here: still the truth, in English


def _literal(quoted: str) -> str:
    """The pattern msgspec quotes with repr()."""
    import ast

    try:
        value = ast.literal_eval(quoted)
    except (ValueError, SyntaxError):
        return quoted
    return value if isinstance(value, str) else quoted
