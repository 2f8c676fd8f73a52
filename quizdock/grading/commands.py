"""Command recall graded by meaning, not by spelling.

A learner recalling "list running containers" may type ``docker ps``, ``docker container ls``
or ``docker container list``: all three do the same thing and all three are right. This module
parses a typed command with the Docker CLI model (:mod:`quizdock.grading.docker_cli`), compares
it with the card's answer by what it would do, and explains a difference in one sentence.

The parser follows the Docker CLI's own rules (spf13/pflag): combined short flags (``-it``),
``--opt=value`` and ``--opt value``, ``-pVALUE``, ``--`` ending the options, and for ``run``,
``create`` and ``exec`` no options after the first argument (they belong to the container's
command). Quoting follows the POSIX shell (:func:`shlex.split`).
"""

from __future__ import annotations

import difflib
import posixpath
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from types import MappingProxyType
from typing import Literal, TypeVar

from quizdock.grading import patterns
from quizdock.grading.docker_cli import (
    BY_PATH,
    DOCKER_HUB_NAMES,
    HELP,
    OBJECTS,
    OTHER_OBJECTS,
    PLACEHOLDERS,
    Arg,
    Command,
    Option,
    subcommands,
    top_level_words,
)
from quizdock.i18n import Text
from quizdock.plaintext import MAX_ANSWER_CHARS

Verdict = Literal["equivalent", "accepted", "partial", "wrong"]

QUALITY: Mapping[Verdict, int] = MappingProxyType({"equivalent": 5, "accepted": 4, "partial": 2, "wrong": 1})
"""The SM-2 grade each verdict feeds."""

EMPTY = Text(fr="", en="")


@dataclass(frozen=True)
class CommandVerdict:
    """How a typed command compares with a card's answer.

    Attributes:
        verdict: ``equivalent`` (does the same thing), ``accepted`` (does what was asked, with a
            harmless extra), ``partial`` (the right command with a missing or wrong part) or
            ``wrong`` (another command, a typo, or not a command).
        quality: The SM-2 grade: 5, 4, 2 or 1.
        message: One or two sentences for the learner; empty when the typed text is the answer.
        canonical: The answer's canonical form (management command, long options sorted).
    """

    verdict: Verdict
    quality: int
    message: Text
    canonical: str


class CommandSyntaxError(ValueError):
    """A text that cannot be read as a Docker command; the message says why.

    Attributes:
        message: The explanation for the learner.
        command: The command that was recognised before the problem (an unknown option of
            ``docker container ls`` still names ``docker container ls``), if any.
    """

    def __init__(self, message: Text, *, command: Command | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.command = command


@dataclass(frozen=True, slots=True)
class ParsedOption:
    """One option as typed.

    Attributes:
        option: Its definition in the model.
        written: The spelling used (``-d``, ``--detach``, ``--time``).
        value: Its value; ``"true"`` or ``"false"`` for a flag.
    """

    option: Option
    written: str
    value: str


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A Docker command read with the model.

    Attributes:
        command: The command, whatever alias was typed.
        written: The words typed for it (``("ps",)``).
        options: The options in the order typed.
        args: The positional arguments in the order typed (for ``run``: the image, then the
            container's command and its arguments).
    """

    command: Command
    written: tuple[str, ...]
    options: tuple[ParsedOption, ...]
    args: tuple[str, ...]


# --- Small helpers ---------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"<([a-z]+)>")
_SAFE = re.compile(r"[\w@%+=:,./<>-]+")


def _quote(token: str) -> str:
    # Placeholders stay readable: `<container>`, not `'<container>'`.
    return token if _SAFE.fullmatch(token) else shlex.quote(token)


def _join(tokens: Sequence[str]) -> str:
    return " ".join(_quote(t) for t in tokens)


def _has_placeholder(text: str) -> bool:
    return _PLACEHOLDER.search(text) is not None


def _matches(expected: str, given: str) -> bool:
    """Whether ``given`` is ``expected``, reading placeholders in ``expected`` as wildcards."""
    if not _has_placeholder(expected):
        return expected == given
    return patterns.fullmatch(expected, given)


def _closest(word: str, candidates: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def _bool(text: str, written: str, command: Command) -> str:
    # The values Go's strconv.ParseBool accepts, as pflag does.
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return "true"
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return "false"
    raise CommandSyntaxError(
        Text(
            f"`{written}={text}` : une option sans valeur n'accepte que true ou false.",
            f"`{written}={text}`: a flag only takes true or false.",
        ),
        command=command,
    )


# --- Parsing ---------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    try:
        tokens = shlex.split(text)
    except ValueError:
        raise CommandSyntaxError(
            Text(
                "Guillemets ou échappement non fermés : le shell ne pourrait pas lire cette commande.",
                "Unclosed quote or escape: the shell could not read this command.",
            )
        ) from None
    # A copied prompt or sudo does not change which Docker command runs.
    while tokens and tokens[0] in ("$", "#", "sudo"):
        tokens.pop(0)
    if not tokens:
        raise CommandSyntaxError(Text("Aucune commande n'a été tapée.", "No command was typed."))
    if tokens[0] != "docker":
        first = tokens[0]
        if first in top_level_words() or _closest(first, ["docker"]):
            rest = tokens if first in top_level_words() else tokens[1:]
            fixed = _join(["docker", *rest])
            raise CommandSyntaxError(
                Text(
                    f"Une commande Docker commence par `docker` : vouliez-vous dire `{fixed}` ?",
                    f"A Docker command starts with `docker`: did you mean `{fixed}`?",
                )
            )
        raise CommandSyntaxError(
            Text(
                f"`{first}` n'est pas Docker : une commande Docker commence par `docker`.",
                f"`{first}` is not Docker: a Docker command starts with `docker`.",
            )
        )
    return tokens[1:]


def _unknown_command(word: str, fixed: list[str] | None) -> CommandSyntaxError:
    if fixed is None:
        return CommandSyntaxError(
            Text(f"`{word}` n'est pas une commande Docker.", f"`{word}` is not a Docker command.")
        )
    suggestion = _join(["docker", *fixed])
    return CommandSyntaxError(
        Text(
            f"Commande inconnue `{word}` : vouliez-vous dire `{suggestion}` ?",
            f"Unknown command `{word}`: did you mean `{suggestion}`?",
        )
    )


def _resolve(words: list[str]) -> tuple[Command, tuple[str, ...], list[str]]:
    """The command the first words name, the words typed for it, and the rest."""
    if not words:
        raise CommandSyntaxError(
            Text(
                "`docker` seul n'est pas une commande : il faut une action, comme `docker container ls`.",
                "`docker` alone is not a command: it needs an action, such as `docker container ls`.",
            )
        )
    first = words[0]
    if first.startswith("-"):
        raise CommandSyntaxError(
            Text(
                f"`{first}` avant la commande est une option globale de Docker ; la réponse attend la commande "
                "juste après `docker`.",
                f"`{first}` before the command is a global Docker option; the answer expects the command right "
                "after `docker`.",
            )
        )
    if first in OBJECTS:
        if len(words) < 2 or words[1].startswith("-"):
            example = (subcommands(first) or ("ls",))[0]
            raise CommandSyntaxError(
                Text(
                    f"`docker {first}` seul n'exécute rien : il faut une action, comme `docker {first} {example}`.",
                    f"`docker {first}` alone does nothing: it needs an action, such as `docker {first} {example}`.",
                )
            )
        found = BY_PATH.get((first, words[1]))
        if found is not None:
            return found, (first, words[1]), words[2:]
        if first in OTHER_OBJECTS:
            raise CommandSyntaxError(
                Text(
                    f"`docker {first}` est une autre commande, hors de ce qui est demandé.",
                    f"`docker {first}` is a different command, outside what is asked.",
                )
            )
        sub = _closest(words[1], subcommands(first))
        raise _unknown_command(f"docker {first} {words[1]}", [first, sub, *words[2:]] if sub else None)
    found = BY_PATH.get((first,))
    if found is not None:
        return found, (first,), words[1:]
    near = _closest(first, top_level_words())
    if near is None:
        raise _unknown_command(first, None)
    fixed = [near, *words[1:]]
    if near in OBJECTS and len(words) >= 2 and (near, words[1]) not in BY_PATH:
        sub = _closest(words[1], subcommands(near))
        if sub:
            fixed = [near, sub, *words[2:]]
    raise _unknown_command(first, fixed)


def _unknown_option(command: Command, written: str) -> CommandSyntaxError:
    longs = sorted({spelling for o in command.options for spelling in (o.long, *o.aliases)})
    near = _closest(written, longs) if written.startswith("--") else None
    if near:
        return CommandSyntaxError(
            Text(
                f"`{written}` n'est pas une option de `{command.name}` : vouliez-vous dire `{near}` ?",
                f"`{written}` is not an option of `{command.name}`: did you mean `{near}`?",
            ),
            command=command,
        )
    return CommandSyntaxError(
        Text(
            f"`{written}` n'est pas une option de `{command.name}`.",
            f"`{written}` is not an option of `{command.name}`.",
        ),
        command=command,
    )


def _needs_value(command: Command, written: str) -> CommandSyntaxError:
    return CommandSyntaxError(
        Text(f"`{written}` attend une valeur.", f"`{written}` needs a value."),
        command=command,
    )


def parse_command(text: str) -> ParsedCommand:
    """Read a typed command with the Docker CLI model.

    Args:
        text: A command line as typed in a shell, starting with ``docker``.

    Returns:
        The command, its options and its arguments.

    Raises:
        CommandSyntaxError: The text is not a Docker command the model knows (unclosed quote,
            not ``docker``, unknown command or option, option without its value).
    """
    command, written_path, words = _resolve(_words(text))
    options: list[ParsedOption] = []
    args: list[str] = []
    only_args = False
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if only_args or word == "-" or not word.startswith("-"):
            args.append(word)
            if not command.interspersed:
                only_args = True  # what follows the image is the container's command
            continue
        if word == "--":
            only_args = True
            continue
        if word.startswith("--"):
            name, eq, inline = word.partition("=")
            option = command.option(name)
            if option is None:
                raise _unknown_option(command, name)
            if option.value == "bool":
                value = _bool(inline, name, command) if eq else "true"
            elif eq:
                value = inline
            elif i < len(words):
                value = words[i]
                i += 1
            else:
                raise _needs_value(command, name)
            options.append(ParsedOption(option, name, value))
            continue
        j = 1  # a cluster of short options: -it, -dp 80:80, -p80:80
        while j < len(word):
            letter = "-" + word[j]
            option = command.option(letter)
            if option is None:
                raise _unknown_option(command, letter)
            rest = word[j + 1 :]
            if option.value == "bool":
                if rest.startswith("="):
                    options.append(ParsedOption(option, letter, _bool(rest[1:], letter, command)))
                    break
                options.append(ParsedOption(option, letter, "true"))
                j += 1
                continue
            if rest:
                value = rest[1:] if rest.startswith("=") else rest
            elif i < len(words):
                value = words[i]
                i += 1
            else:
                raise _needs_value(command, letter)
            options.append(ParsedOption(option, letter, value))
            break
    moved = [o for o in options if o.option.moves_to_arg]
    if moved:
        if args:
            raise CommandSyntaxError(
                Text(
                    f"`{moved[-1].written}` et un nom en argument ne peuvent pas aller ensemble.",
                    f"`{moved[-1].written}` and a name given as an argument cannot go together.",
                ),
                command=command,
            )
        options = [o for o in options if not o.option.moves_to_arg]
        args = [moved[-1].value]
    return ParsedCommand(command, written_path, tuple(options), tuple(args))


def canonical_form(parsed: ParsedCommand) -> str:
    """The command in its canonical form: management command, long options sorted by name.

    The sort is stable, so repeated options (``-e A=1 -e B=2``) keep their order.
    """
    parts = ["docker", *parsed.command.path]
    seen_flags: set[str] = set()
    for po in sorted(parsed.options, key=lambda o: o.option.long):
        option = po.option
        if option.value == "bool":
            if option.long in seen_flags:
                continue
            seen_flags.add(option.long)
            parts.append(option.long if po.value == "true" else f"{option.long}={po.value}")
        else:
            parts += [option.long, _quote(po.value)]
    parts += [_quote(a) for a in parsed.args]
    return " ".join(parts)


# --- Values ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Match:
    level: Literal["same", "note", "differ"]
    detail: Text | None = None


_SAME = _Match("same")
_DIFFER = _Match("differ")


def _literal(expected: str, given: str) -> _Match:
    return _SAME if _matches(expected, given) else _DIFFER


# Image references, as distribution/reference reads them.
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}")


@dataclass(frozen=True, slots=True)
class _ImageRef:
    domain: str | None  # None when implicit (Docker Hub)
    path: str
    tag: str | None
    digest: str | None

    @property
    def registry(self) -> str:
        if self.domain is None or self.domain in DOCKER_HUB_NAMES:
            return "docker.io"
        return self.domain

    @property
    def familiar_path(self) -> str:
        # Docker Hub's official images live under library/: busybox is library/busybox.
        if self.registry == "docker.io" and self.path.startswith("library/"):
            return self.path[len("library/") :]
        return self.path

    @property
    def effective_tag(self) -> str | None:
        return self.tag if self.tag is not None or self.digest is not None else "latest"


def _split_image(text: str) -> _ImageRef:
    rest, _, digest = text.partition("@")
    tag: str | None = None
    colon = rest.rfind(":")
    if colon > rest.rfind("/"):
        rest, tag = rest[:colon], rest[colon + 1 :]
    domain: str | None = None
    first, slash, remainder = rest.partition("/")
    if slash and (
        any(c in first for c in ".:") or first == "localhost" or first != first.lower() or first == "<registry>"
    ):
        domain, rest = first, remainder
    return _ImageRef(domain, rest, tag, digest or None)


def image_problem(text: str) -> Text | None:
    """Why ``text`` is not a valid image reference, or None when it is."""
    ref = _split_image(text)
    if not ref.path:
        return Text("le nom de l'image est vide", "the image name is empty")
    components = ref.path.split("/")
    if any(c != c.lower() for c in components):
        return Text("un nom de dépôt doit être en minuscules", "repository names must be lowercase")
    if not all(_PATH_COMPONENT.fullmatch(c) for c in components):
        return Text(f"`{text}` n'est pas un nom d'image valide", f"`{text}` is not a valid image name")
    if ref.tag is not None and not _TAG.fullmatch(ref.tag):
        return Text(f"`{ref.tag}` n'est pas un tag valide", f"`{ref.tag}` is not a valid tag")
    if ref.digest is not None and not _DIGEST.fullmatch(ref.digest):
        return Text(f"`{ref.digest}` n'est pas un digest valide", f"`{ref.digest}` is not a valid digest")
    return None


def _compare_image(expected: str, given: str) -> _Match:
    problem = image_problem(given)
    if problem is not None:
        return _Match("differ", problem)
    if expected == "<image>":
        return _SAME
    e, g = _split_image(expected), _split_image(given)
    if not _has_placeholder(expected):
        same = (e.registry, e.familiar_path, e.effective_tag, e.digest) == (
            g.registry,
            g.familiar_path,
            g.effective_tag,
            g.digest,
        )
        if same:
            return _SAME
        if (e.registry, e.familiar_path) == (g.registry, g.familiar_path):
            return _Match(
                "differ",
                Text(
                    f"même dépôt, autre tag (`{g.effective_tag or g.digest}` au lieu de "
                    f"`{e.effective_tag or e.digest}`)",
                    f"same repository, another tag (`{g.effective_tag or g.digest}` instead of "
                    f"`{e.effective_tag or e.digest}`)",
                ),
            )
        return _DIFFER
    whole_image = e.path == "<image>"  # <image> stands for a whole reference, tag included
    if e.domain is None:
        domain_ok = whole_image or g.registry == "docker.io"
    elif e.domain == "<registry>":
        domain_ok = g.domain is not None  # a registry must be written out
    else:
        domain_ok = _matches(e.domain, g.domain or "docker.io") or e.registry == g.registry
    path_ok = (
        whole_image
        # Inside a longer path (`<user>/<image>`), <image> may span several components (team/app).
        or patterns.fullmatch(_ImageRef(e.domain, e.path, None, None).familiar_path, g.familiar_path, image_path=True)
    )
    if e.tag is None and e.digest is None:
        version_ok = whole_image or (g.effective_tag == "latest" and g.digest is None)
    else:
        version_ok = (e.tag is None or _matches(e.tag, g.effective_tag or "")) and (
            e.digest is None or _matches(e.digest, g.digest or "")
        )
    return _SAME if domain_ok and path_ok and version_ok else _DIFFER


@dataclass(frozen=True, slots=True)
class _PortMap:
    ip: str
    host: str
    container: str
    proto: str


def _port_number(text: str) -> str:
    return "-".join(p.lstrip("0") or "0" if p.isdigit() else p for p in text.split("-"))


def _split_publish(text: str) -> _PortMap | None:
    body, _, proto = text.partition("/")
    ip = ""
    if body.startswith("["):  # an IPv6 address: [::1]:8080:80
        ip, bracket, rest = body[1:].partition("]")
        if not bracket or not rest.startswith(":"):
            return None
        parts = ["", *rest[1:].split(":")] if rest[1:].count(":") == 1 else None
        if parts is None:
            return None
        parts[0] = ip
    else:
        parts = body.split(":")
    if len(parts) == 1:
        parts = ["", "", *parts]
    elif len(parts) == 2:
        parts = ["", *parts]
    elif len(parts) != 3:
        return None
    return _PortMap(parts[0], _port_number(parts[1]), _port_number(parts[2]), (proto or "tcp").lower())


def _compare_publish(expected: str, given: str) -> _Match:
    e, g = _split_publish(expected), _split_publish(given)
    if e is None or g is None:
        return _literal(expected, given)
    ports_same = _matches(e.host, g.host) and _matches(e.container, g.container) and _matches(e.proto, g.proto)
    if ports_same and _matches(e.ip, g.ip):
        return _SAME
    if ports_same and {e.ip, g.ip} == {"", "0.0.0.0"}:
        return _Match(
            "note",
            Text(
                "`0.0.0.0` ne publie qu'en IPv4 ; sans adresse, Docker publie sur toutes les interfaces, IPv4 et IPv6.",
                "`0.0.0.0` publishes on IPv4 only; without an address Docker publishes on every interface, "
                "IPv4 and IPv6.",
            ),
        )
    if e.host and g.host == e.container and g.container == e.host and e.host != e.container:
        return _Match(
            "differ",
            Text(
                "ports de l'hôte et du conteneur inversés (`-p HÔTE:CONTENEUR`)",
                "the host and container ports are swapped (`-p HOST:CONTAINER`)",
            ),
        )
    if _matches(e.host, g.host) and _matches(e.container, g.container) and _matches(e.ip, g.ip):
        return _Match(
            "differ",
            Text(f"protocole {g.proto} au lieu de {e.proto}", f"protocol {g.proto} instead of {e.proto}"),
        )
    if e.host and not g.host:
        return _Match(
            "differ",
            Text(
                "sans port de l'hôte, Docker en choisirait un au hasard",
                "without a host port, Docker would pick a random one",
            ),
        )
    if ports_same:
        return _Match(
            "differ",
            Text(
                f"publié sur l'adresse `{g.ip or 'toutes'}` au lieu de `{e.ip or 'toutes'}`",
                f"published on address `{g.ip or 'all'}` instead of `{e.ip or 'all'}`",
            ),
        )
    return _DIFFER


@dataclass(frozen=True, slots=True)
class _Mount:
    type: str
    source: str
    target: str
    readonly: bool
    extra: tuple[str, ...]


def _clean_path(path: str) -> str:
    if path.startswith("/"):
        return posixpath.normpath(path).replace("//", "/")
    return path.rstrip("/") or path


def _is_host_path(source: str) -> bool:
    return source.startswith(("/", ".", "~")) or "<path>" in source


def _mount_of(kind: str, text: str) -> _Mount | None:
    if kind == "volume":  # -v [source:]target[:options]
        parts = text.split(":")
        if len(parts) == 1:
            parts = ["", parts[0], ""]
        elif len(parts) == 2:
            parts.append("")
        elif len(parts) != 3:
            return None
        source, target, opts = parts
        flags = {o for o in opts.split(",") if o and o != "rw"}
        readonly = bool(flags & {"ro", "readonly"})
        mount_type = "bind" if _is_host_path(source) else "volume"
        return _Mount(
            mount_type,
            _clean_path(source) if mount_type == "bind" else source,
            _clean_path(target),
            readonly,
            tuple(sorted(flags - {"ro", "readonly"})),
        )
    if kind == "tmpfs":  # --tmpfs path[:options]
        target, _, opts = text.partition(":")
        return _Mount("tmpfs", "", _clean_path(target), False, tuple(sorted(o for o in opts.split(",") if o)))
    fields: dict[str, str] = {}  # --mount type=...,source=...,target=...
    for item in text.split(","):
        if not item:
            continue
        key, eq, value = item.partition("=")
        key = {"src": "source", "dst": "target", "destination": "target", "ro": "readonly"}.get(
            key.lower(), key.lower()
        )
        fields[key] = value if eq else "true"
    mount_type = fields.pop("type", "volume")
    readonly = fields.pop("readonly", "false").lower() in ("true", "1")
    source = fields.pop("source", "")
    target = fields.pop("target", "")
    extra = tuple(
        sorted(f"{k.removeprefix('tmpfs-')}={v}" if mount_type == "tmpfs" else f"{k}={v}" for k, v in fields.items())
    )
    return _Mount(
        mount_type,
        _clean_path(source) if mount_type == "bind" else source,
        _clean_path(target),
        readonly,
        extra,
    )


def _compare_mount(e_kind: str, expected: str, g_kind: str, given: str) -> _Match:
    e, g = _mount_of(e_kind, expected), _mount_of(g_kind, given)
    if e is None or g is None:
        return _literal(expected, given)
    if e.type != g.type:
        if e.type == "volume" and g.type == "bind":
            detail = Text(
                f"`{g.source}` est un chemin de l'hôte, donc ce serait un montage bind, pas un volume nommé",
                f"`{g.source}` is a host path, so this would be a bind mount, not a named volume",
            )
        elif e.type == "bind" and g.type == "volume":
            detail = Text(
                f"`{g.source}` est un volume nommé, pas un dossier de l'hôte (montage bind)",
                f"`{g.source}` is a named volume, not a host directory (bind mount)",
            )
        else:
            detail = Text(
                f"un montage {g.type} au lieu d'un montage {e.type}", f"a {g.type} mount instead of a {e.type} mount"
            )
        return _Match("differ", detail)
    if not _matches(e.target, g.target):
        return _Match(
            "differ",
            Text(f"monté sur `{g.target}` au lieu de `{e.target}`", f"mounted at `{g.target}` instead of `{e.target}`"),
        )
    if not _matches(e.source, g.source):
        if not g.source:
            return _Match(
                "differ",
                Text(
                    f"un volume anonyme au lieu du volume nommé `{e.source}`",
                    f"an anonymous volume instead of the named volume `{e.source}`",
                ),
            )
        if not e.source:
            return _Match(
                "differ",
                Text(
                    f"le volume nommé `{g.source}` au lieu d'un volume anonyme",
                    f"the named volume `{g.source}` instead of an anonymous one",
                ),
            )
        return _DIFFER
    if e.readonly != g.readonly:
        return _Match(
            "differ",
            Text(
                "le montage serait modifiable, alors qu'il doit être en lecture seule",
                "the mount would be writable, where read-only is expected",
            )
            if e.readonly
            else Text("le montage serait en lecture seule", "the mount would be read-only"),
        )
    if e.extra != g.extra:
        return _DIFFER
    if e.type == "bind" and {e_kind, g_kind} == {"volume", "mount"}:
        return _Match(
            "note",
            Text(
                "`--mount type=bind` refuse un dossier absent de l'hôte, là où `-v` le crée.",
                "`--mount type=bind` refuses a missing host directory, where `-v` creates it.",
            ),
        )
    return _SAME


def _number(text: str) -> str:
    stripped = text.strip()
    try:
        return str(int(stripped))
    except ValueError:
        return stripped


def _compare_option_values(e: ParsedOption, g: ParsedOption) -> _Match:
    kind = e.option.value
    if kind in ("volume", "mount", "tmpfs"):
        return _compare_mount(kind, e.value, g.option.value, g.value)
    if kind == "publish":
        return _compare_publish(e.value, g.value)
    if kind == "image":
        return _compare_image(e.value, g.value)
    if kind in ("int", "tail"):
        return _literal(_number(e.value).lower(), _number(g.value).lower())
    if e.option.long == "--filter":
        return _compare_filter(e.value, g.value)
    return _literal(e.value, g.value)


# Filters whose value is an image reference that Docker resolves first (`nginx` is
# `nginx:latest`). Not `reference`: without a tag it matches every tag.
def _compare_filter(expected: str, given: str) -> _Match:
    e_key, e_eq, e_value = expected.partition("=")
    g_key, g_eq, g_value = given.partition("=")
    # `ancestor=nginx` is `ancestor=nginx:latest`: Docker resolves the image before filtering
    # (not so `reference=nginx`, which matches every tag).
    if e_eq and g_eq and e_key.lower() == g_key.lower() == "ancestor" and not _has_placeholder(e_value):
        return _compare_image(e_value, g_value)
    return _literal(expected, given)


def _option_anchor(po: ParsedOption) -> str | None:
    # Pairs a missing value with the given value it was probably meant to be.
    kind = po.option.value
    if kind in ("volume", "mount", "tmpfs"):
        mount = _mount_of(kind, po.value)
        return mount.target if mount else None
    if kind == "publish":
        ports = _split_publish(po.value)
        return ports.container if ports else None
    if "=" in po.value:
        return po.value.split("=", 1)[0]
    return None


def _server(text: str) -> str:
    host = re.sub(r"^https?://", "", text.strip()).rstrip("/")
    host = re.sub(r"/v[12]$", "", host)
    return "docker.io" if host in DOCKER_HUB_NAMES else host


def _container_port(text: str) -> str:
    port, _, proto = text.partition("/")
    return f"{_port_number(port)}/{(proto or 'tcp').lower()}"


def _compare_arg(arg: Arg, expected: str, given: str) -> _Match:
    if arg.kind == "image":
        return _compare_image(expected, given)
    if arg.kind == "server":
        return _literal(_server(expected), _server(given))
    if arg.kind == "port":
        return _literal(_container_port(expected), _container_port(given))
    return _literal(expected, given)


# --- Comparison ------------------------------------------------------------------------------

_Severity = Literal["note", "error"]


@dataclass(frozen=True, slots=True)
class _Issue:
    severity: _Severity
    text: Text


def _show(po: ParsedOption) -> str:
    if po.option.value == "bool":
        return po.written if po.value == "true" else f"{po.written}={po.value}"
    return f"{po.written} {_quote(po.value)}"


def _missing(what: str, without: Text) -> _Issue:
    return _Issue("error", Text(f"Il manque {what} : {without.fr}.", f"Missing {what}: {without.en}."))


def _wrong_value(what: Text, given: str, expected: str, detail: Text | None) -> _Issue:
    if detail is not None:
        return _Issue(
            "error",
            Text(
                f"Mauvaise valeur pour {what.fr} `{given}` : {detail.fr}.",
                f"Wrong value for {what.en} `{given}`: {detail.en}.",
            ),
        )
    return _Issue(
        "error",
        Text(
            f"Mauvaise valeur pour {what.fr} : `{given}` au lieu de `{expected}`.",
            f"Wrong value for {what.en}: `{given}` instead of `{expected}`.",
        ),
    )


def _note(detail: Text) -> _Issue:
    return _Issue("note", detail)


def _extra_option(po: ParsedOption) -> _Issue:
    shown = _show(po)
    if po.option.harmless:
        return _Issue(
            "note",
            Text(
                f"{shown} n'est pas demandé, mais sans conséquence : {po.option.with_.fr}.",
                f"{shown} is not needed here, but harmless: {po.option.with_.en}.",
            ),
        )
    return _Issue(
        "error", Text(f"{shown} est en trop : {po.option.with_.fr}.", f"Unexpected {shown}: {po.option.with_.en}.")
    )


_X = TypeVar("_X")


def _pair(
    expected: Sequence[_X],
    given: Sequence[_X],
    compare: Callable[[_X, _X], _Match],
    anchor: Callable[[_X], str | None],
    has_placeholder: Callable[[_X], bool],
) -> tuple[list[Text], list[tuple[_X, _X, _Match]], list[_X], list[_X]]:
    """Match two multisets: notes, differing pairs, expected values left, given values left."""
    left = list(given)
    notes: list[Text] = []
    unmatched: list[_X] = []
    # Literal values first, so a placeholder does not take the value a literal needs.
    for e in sorted(expected, key=has_placeholder):
        found = next((g for g in left if compare(e, g).level == "same"), None)
        if found is None:
            unmatched.append(e)
        else:
            left.remove(found)
    still: list[_X] = []
    for e in unmatched:
        found = next((g for g in left if compare(e, g).level == "note"), None)
        if found is None:
            still.append(e)
        else:
            left.remove(found)
            detail = compare(e, found).detail
            if detail is not None:
                notes.append(detail)
    pairs: list[tuple[_X, _X, _Match]] = []
    missing: list[_X] = []
    for e in still:
        if not left:
            missing.append(e)
            continue
        key = anchor(e)
        found = next((g for g in left if key is not None and anchor(g) == key), left[0])
        left.remove(found)
        pairs.append((e, found, compare(e, found)))
    return notes, pairs, missing, left


def _effective_options(parsed: ParsedCommand) -> dict[str, list[ParsedOption]]:
    """Options by comparison key, with what changes nothing taken out.

    A value equal to Docker's default is dropped, a repeated flag counts once, and a
    non-repeatable option keeps its last value (as Docker does).
    """
    last: dict[str, ParsedOption] = {}
    repeated: list[ParsedOption] = []
    for po in map(partial(_as_flag, parsed.command), parsed.options):
        if po.option.repeatable:
            repeated.append(po)
        else:
            last[po.option.long] = po
    by_key: dict[str, list[ParsedOption]] = {}
    for po in [*last.values(), *repeated]:
        default = po.option.normalized_default
        if default is not None and _number(po.value).lower() == default:
            continue
        by_key.setdefault(po.option.key, []).append(po)
    return by_key


def _template(text: str) -> str:
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", r"{{\1}}", text.strip())


def _as_flag(command: Command, po: ParsedOption) -> ParsedOption:
    """A ``--format`` that prints what a flag prints, read as that flag: on ``docker image ls``,
    ``--format '{{.ID}}'`` is ``-q``. Messages still show it as typed."""
    if po.option.long != "--format":
        return po
    template = _template(po.value)
    flag = next((o for o in command.options if o.format_equivalent and o.format_equivalent == template), None)
    return po if flag is None else ParsedOption(flag, _show(po), "true")


def _compare_options(expected: ParsedCommand, given: ParsedCommand) -> list[_Issue]:
    issues: list[_Issue] = []
    e_opts, g_opts = _effective_options(expected), _effective_options(given)
    for key in [*e_opts, *(k for k in g_opts if k not in e_opts)]:
        e_list, g_list = e_opts.get(key, []), g_opts.get(key, [])
        notes, pairs, missing, extra = _pair(
            e_list,
            g_list,
            _compare_option_values,
            _option_anchor,
            lambda po: _has_placeholder(po.value),
        )
        issues += [_note(n) for n in notes]
        for e, g, match in pairs:
            issues.append(_wrong_value(Text(e.written, e.written), g.value, e.value, match.detail))
        issues += [_missing(_show(e), e.option.without) for e in missing]
        issues += [_extra_option(g) for g in extra]
    return issues


def _assign(command: Command, args: Sequence[str]) -> tuple[list[list[str]], list[str]]:
    """The typed arguments per argument of the command, and those left over."""
    slots: list[list[str]] = []
    i = 0
    for arg in command.args:
        if arg.kind == "command" or arg.variadic:
            slots.append(list(args[i:]))
            i = len(args)
        else:
            slots.append(list(args[i : i + 1]))
            i += 1
    return slots, list(args[i:])


_OWN_PATH = ("/bin/", "/usr/bin/", "/usr/local/bin/", "/sbin/", "/usr/sbin/")

# The default command (CMD) of Docker Hub's official images the decks use, whatever the tag:
# writing it out runs what the image would run anyway.
_DEFAULT_COMMANDS: Mapping[str, str] = MappingProxyType(
    {"busybox": "sh", "alpine": "/bin/sh", "ubuntu": "/bin/bash", "debian": "bash"}
)

# What makes a `sh -c` script more than one plain command: operators, expansions, globs.
_SHELL_SYNTAX = re.compile(r"[;&|<>$`*?()\[\]{}~#!\n]")


def _plain_script(tokens: list[str]) -> list[str] | None:
    """The command of ``sh -c "X"`` when X is one plain command (no operator, expansion or glob)."""
    # sh only: every image the decks use has it (busybox has no bash).
    if len(tokens) != 3 or posixpath.basename(tokens[0]) != "sh" or tokens[1] != "-c":
        return None
    script = tokens[2]
    if _SHELL_SYNTAX.search(script):
        return None
    try:
        words = shlex.split(script)
    except ValueError:
        return None
    if not words or "=" in words[0]:  # `A=1 cmd` sets a variable first
        return None
    return words


def _is_program(tokens: list[str], program: str) -> bool:
    """Whether ``tokens`` runs ``program`` alone (``sh`` or ``/bin/sh`` for ``sh``)."""
    return (
        len(tokens) == 1
        and posixpath.basename(tokens[0]) == posixpath.basename(program)
        and ("/" not in tokens[0] or tokens[0].startswith(_OWN_PATH))
    )


def _default_command(image: str) -> str | None:
    if not image or _has_placeholder(image):
        return None
    ref = _split_image(image)
    return _DEFAULT_COMMANDS.get(ref.familiar_path) if ref.registry == "docker.io" else None


def _compare_container_command(arg: Arg, expected: list[str], given: list[str], image: str = "") -> list[_Issue]:
    if expected and expected[-1] == "<command>":
        head = expected[:-1]
        if len(given) > len(head) and all(_matches(e, g) for e, g in zip(head, given, strict=False)):
            return []
    elif len(expected) == len(given) and all(_matches(e, g) for e, g in zip(expected, given, strict=True)):
        return []
    # echo joins its arguments with one space: echo "hello world" prints what echo hello world prints.
    if expected[:1] == given[:1] == ["echo"] and " ".join(expected[1:]) == " ".join(given[1:]):
        return []
    # `sh -c "echo hi"` runs `echo hi`: one plain command needs no shell around it.
    e_plain, g_plain = _plain_script(expected) or expected, _plain_script(given) or given
    if (e_plain, g_plain) != (expected, given) and not _compare_container_command(arg, e_plain, g_plain, image):
        return []
    # Writing out the image's default command (`busybox sh`) runs what `busybox` alone runs.
    default = _default_command(image)
    if default is not None and _is_program(expected or [default], default) and _is_program(given or [default], default):
        return []
    if (
        expected
        and given
        and expected[0] != given[0]
        and posixpath.basename(expected[0]) == posixpath.basename(given[0])
        and (expected[0].startswith(_OWN_PATH) or given[0].startswith(_OWN_PATH))
        and "/" not in (given[0] if expected[0].startswith("/") else expected[0])
        and len(expected) == len(given)
        and all(_matches(e, g) for e, g in zip(expected[1:], given[1:], strict=True))
    ):
        return [
            _note(
                Text(
                    f"`{given[0]}` et `{expected[0]}` sont le même programme s'il est dans le PATH de l'image.",
                    f"`{given[0]}` and `{expected[0]}` are the same program when it is on the image's PATH.",
                )
            )
        ]
    if given and given[0].startswith("-"):
        return [
            _Issue(
                "error",
                Text(
                    f"`{given[0]}` après l'image est passé au conteneur, pas à Docker : placez les options avant "
                    "l'image.",
                    f"`{given[0]}` after the image goes to the container, not to Docker: put options before the image.",
                ),
            )
        ]
    shown_e, shown_g = _join(expected), _join(given)
    if not given:
        without = arg.without or Text("la commande échouerait", "the command would fail")
        return [
            _Issue(
                "error",
                Text(
                    f"Il manque {arg.label.fr} `{shown_e}` : {without.fr}.",
                    f"Missing {arg.label.en} `{shown_e}`: {without.en}.",
                ),
            )
        ]
    if not expected:
        return [
            _Issue(
                "error",
                Text(
                    f"Commande en trop `{shown_g}` : elle remplacerait la commande par défaut de l'image.",
                    f"Unexpected command `{shown_g}`: it would replace the image's default command.",
                ),
            )
        ]
    return [_wrong_value(arg.label, shown_g, shown_e, None)]


def _compare_args(expected: ParsedCommand, given: ParsedCommand) -> list[_Issue]:
    command = expected.command
    e_slots, _ = _assign(command, expected.args)
    g_slots, g_extra = _assign(command, given.args)
    image = next((vals[0] for arg, vals in zip(command.args, e_slots, strict=True) if arg.kind == "image" and vals), "")
    issues: list[_Issue] = []
    for arg, e_vals, g_vals in zip(command.args, e_slots, g_slots, strict=True):
        if arg.kind == "command":
            issues += _compare_container_command(arg, e_vals, g_vals, image)
            continue
        if arg.default is not None:
            # An absent optional argument means its default: `docker login` is `docker login docker.io`.
            # A placeholder (`docker login <registry>`) asks for a value written out.
            e_vals = e_vals or [arg.default]
            if not any(_has_placeholder(v) for v in e_vals):
                g_vals = g_vals or [arg.default]
        notes, pairs, missing, extra = _pair(
            e_vals,
            g_vals,
            partial(_compare_arg, arg),
            lambda _v: None,
            _has_placeholder,
        )
        issues += [_note(n) for n in notes]
        for e, g, match in pairs:
            issues.append(_wrong_value(arg.label, g, e, match.detail))
        for e in missing:
            if arg.required:
                without = Text("la commande échouerait", "the command would fail")
            else:
                without = arg.without or Text("la commande ferait autre chose", "the command would do something else")
            issues.append(
                _Issue(
                    "error",
                    Text(
                        f"Il manque {arg.label.fr} `{e}` : {without.fr}.",
                        f"Missing {arg.label.en} `{e}`: {without.en}.",
                    ),
                )
            )
        for g in extra:
            issues.append(
                _Issue(
                    "error",
                    Text(f"Argument en trop : `{g}` ({arg.label.fr}).", f"Unexpected argument `{g}` ({arg.label.en})."),
                )
            )
    for g in g_extra:
        issues.append(
            _Issue(
                "error",
                Text(
                    f"Argument en trop : `{g}` ; `{command.name}` ne le prendrait pas.",
                    f"Unexpected argument `{g}`: `{command.name}` would not take it.",
                ),
            )
        )
    return issues


# Commands whose optional first argument is a filter written out: `docker image ls alpine` is
# `docker image ls --filter reference=alpine` (the CLI adds that filter for the argument).
_FILTER_ARGS: Mapping[tuple[str, ...], str] = MappingProxyType({("image", "ls"): "reference"})


def _filter_as_arg(parsed: ParsedCommand) -> ParsedCommand:
    """The command with its one filter that means the argument written as the argument."""
    key = _FILTER_ARGS.get(parsed.command.path)
    if key is None or parsed.args:
        return parsed
    filters = [po for po in parsed.options if po.option.long == "--filter" and po.value.startswith(f"{key}=")]
    if len(filters) != 1:
        return parsed
    (found,) = filters
    rest = tuple(po for po in parsed.options if po is not found)
    return replace(parsed, options=rest, args=(found.value.removeprefix(f"{key}="),))


def _summary(issues: Sequence[_Issue]) -> Text:
    ordered = [i for i in issues if i.severity == "error"] + [i for i in issues if i.severity == "note"]
    shown, rest = ordered[:2], len(ordered) - 2
    fr = " ".join(i.text.fr for i in shown)
    en = " ".join(i.text.en for i in shown)
    if rest > 0:
        fr += f" Et {rest} autre{'s' if rest > 1 else ''} différence{'s' if rest > 1 else ''}."
        en += f" And {rest} more difference{'s' if rest > 1 else ''}."
    return Text(fr, en)


def _asks_help(parsed: ParsedCommand) -> ParsedOption | None:
    return next((po for po in parsed.options if po.option is HELP and po.value == "true"), None)


def _form_issue(expected: ParsedCommand, given: ParsedCommand) -> _Issue:
    typed = _join(["docker", *given.written])
    wanted = _join(["docker", *expected.written])
    if len(expected.written) == 2:
        return _Issue(
            "error",
            Text(
                f"`{typed}` exécute la même commande, mais la question demande la forme objet-commande : `{wanted}`.",
                f"`{typed}` runs the same command, but the question asks for the object-command form: `{wanted}`.",
            ),
        )
    return _Issue(
        "error",
        Text(
            f"`{typed}` exécute la même commande, mais la question demande la forme courte : `{wanted}`.",
            f"`{typed}` runs the same command, but the question asks for the short form: `{wanted}`.",
        ),
    )


def _grade(expected: ParsedCommand, given: ParsedCommand, given_text: str, same_form: bool) -> CommandVerdict:
    canonical = canonical_form(expected)
    if given.command.path != expected.command.path:
        typed = _join(["docker", *given.written])
        meaning = given.command.meaning
        return CommandVerdict(
            "wrong",
            QUALITY["wrong"],
            Text(
                f"`{typed}` est une autre commande : elle {meaning.fr}.",
                f"`{typed}` is a different command: it {meaning.en}.",
            ),
            canonical,
        )
    e_help, g_help = _asks_help(expected), _asks_help(given)
    # --help prints the usage and ignores everything else on the line.
    if e_help is not None and g_help is not None:
        issues: list[_Issue] = []
    elif e_help is not None:
        issues = [_missing("--help", HELP.without)]
    elif g_help is not None:
        issues = [_extra_option(g_help)]
    else:
        e_same, g_same = _filter_as_arg(expected), _filter_as_arg(given)
        issues = _compare_options(e_same, g_same) + _compare_args(e_same, g_same)
    if same_form and len(given.written) != len(expected.written):
        issues.insert(0, _form_issue(expected, given))
    if any(i.severity == "error" for i in issues):
        return CommandVerdict("partial", QUALITY["partial"], _summary(issues), canonical)
    if issues:
        return CommandVerdict("accepted", QUALITY["accepted"], _summary(issues), canonical)
    if given_text == canonical:
        return CommandVerdict("equivalent", QUALITY["equivalent"], EMPTY, canonical)
    return CommandVerdict(
        "equivalent",
        QUALITY["equivalent"],
        Text(f"Équivalent à `{canonical}`.", f"Equivalent to `{canonical}`."),
        canonical,
    )


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _too_long(given: str, canonical: str) -> CommandVerdict:
    return CommandVerdict(
        "wrong",
        QUALITY["wrong"],
        Text(
            f"Réponse de {len(given)} caractères : au-delà de {MAX_ANSWER_CHARS}, elle n'est pas corrigée.",
            f"An answer of {len(given)} characters: past {MAX_ANSWER_CHARS}, it is not graded.",
        ),
        canonical,
    )


def grade_command(expected: str | Sequence[str], given: str, *, same_form: bool = False) -> CommandVerdict:
    """Grade a recalled command by what it would do.

    Args:
        expected: The card's answer, or the answer followed by its alternatives. Placeholders
            (``<container>``, ``<image>``, ...) accept any value of their kind.
        given: What the learner typed.
        same_form: The card asks for a form, not only a command ("write the object-command
            form of ``docker ps``"): the legacy form for a management answer (or the reverse)
            is then partly right. Aliases within a form (``ls``, ``list``) still count as equal.

    Returns:
        The best verdict over the expected answers (the first one on a tie).

    Raises:
        ValueError: No expected answer, or one that the model cannot read (a broken card).
    """
    answers = [expected] if isinstance(expected, str) else list(expected)
    if not answers:
        raise ValueError("grade_command needs at least one expected answer")
    parsed: list[ParsedCommand] = []
    for answer in answers:
        try:
            parsed.append(parse_command(answer))
        except CommandSyntaxError as error:
            raise ValueError(f"the expected answer {answer!r} is not a command quizdock can read: {error}") from error
    if len(given) > MAX_ANSWER_CHARS:
        return _too_long(given, canonical_form(parsed[0]))
    given_text = _normalise(given)
    for answer, p in zip(answers, parsed, strict=True):
        if given_text == _normalise(answer):
            return CommandVerdict("equivalent", QUALITY["equivalent"], EMPTY, canonical_form(p))
    try:
        typed = parse_command(given)
    except CommandSyntaxError as error:
        same = next((p for p in parsed if error.command is not None and p.command.path == error.command.path), None)
        if same is not None:
            return CommandVerdict("partial", QUALITY["partial"], error.message, canonical_form(same))
        return CommandVerdict("wrong", QUALITY["wrong"], error.message, canonical_form(parsed[0]))
    verdicts = [_grade(p, typed, given_text, same_form) for p in parsed]
    return max(verdicts, key=lambda v: v.quality)


def answer_problems(answer: str) -> tuple[Text, ...]:
    """What is wrong with a card's expected answer, for deck validation; empty when it is fine.

    Checks that the model reads it, that its command is fully modelled, that its placeholders
    are known, that its required arguments are there and that its image names are valid.
    """
    if len(answer) > MAX_ANSWER_CHARS:
        return (
            Text(
                f"Réponse de {len(answer)} caractères : plus longue que les {MAX_ANSWER_CHARS} qu'un apprenant "
                "peut taper.",
                f"An answer of {len(answer)} characters: longer than the {MAX_ANSWER_CHARS} a learner may type.",
            ),
        )
    try:
        parsed = parse_command(answer)
    except CommandSyntaxError as error:
        return (error.message,)
    problems: list[Text] = []
    command = parsed.command
    if not command.modelled:
        problems.append(
            Text(
                f"`{command.name}` n'est connue de quizdock que par son nom.",
                f"quizdock knows `{command.name}` by name only and cannot grade it.",
            )
        )
    values = [po.value for po in parsed.options] + list(parsed.args)
    for value in values:
        side_by_side = patterns.adjacent_placeholders(value)
        if side_by_side is not None:
            problems.append(
                Text(
                    f"Marqueurs côte à côte `{side_by_side}` : où l'un finit et l'autre commence serait une "
                    "devinette ; séparez-les (`<image>:<tag>`).",
                    f"Placeholders side by side `{side_by_side}`: where one ends and the other begins would be "
                    "a guess; separate them (`<image>:<tag>`).",
                )
            )
        for m in _PLACEHOLDER.finditer(value):
            if m.group(1) not in PLACEHOLDERS:
                problems.append(Text(f"Marqueur inconnu `{m.group(0)}`.", f"Unknown placeholder `{m.group(0)}`."))
    slots, extra = _assign(command, parsed.args)
    for arg, vals in zip(command.args, slots, strict=True):
        if arg.required and not vals and not _asks_help(parsed):
            problems.append(Text(f"Il manque {arg.label.fr}.", f"Missing {arg.label.en}."))
        if arg.kind == "image":
            for v in vals:
                problem = None if _has_placeholder(v) else image_problem(v)
                if problem is not None:
                    problems.append(Text(f"Image `{v}` : {problem.fr}.", f"Image `{v}`: {problem.en}."))
    problems += [Text(f"Argument en trop `{x}`.", f"Unexpected argument `{x}`.") for x in extra]
    for po in parsed.options:
        if po.option.value == "image" and not _has_placeholder(po.value):
            problem = image_problem(po.value)
            if problem is not None:
                problems.append(Text(f"Image `{po.value}` : {problem.fr}.", f"Image `{po.value}`: {problem.en}."))
    return tuple(problems)
