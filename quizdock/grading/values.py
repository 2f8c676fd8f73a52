"""Value grammars: what an option's or an argument's value means, and how two compare.

``-p 8080:80`` and ``-p 0.0.0.0:8080:80/tcp`` publish the same port; ``-v data:/d`` and
``--mount source=data,target=/d`` mount the same volume; ``busybox`` is
``docker.io/library/busybox:latest``. Each grammar reads a value into its parts and compares
two of them: the same, the same with a note for the learner, or different (with why, when a
sentence can say it).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Literal

from quizdock.grading import patterns
from quizdock.grading.docker_cli import Arg
from quizdock.grading.docker_cli_reference import SIGNALS
from quizdock.grading.parsing import ParsedOption, has_placeholder, matches
from quizdock.i18n import N_, Text, bilingual
from quizdock.support import image_reference

# --- Comparing two values -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """How two values compare: the same, the same with a note for the learner, or different.

    Attributes:
        level: ``same``, ``note`` or ``differ``.
        detail: The note, or why they differ, when a sentence can say it.
    """

    level: Literal["same", "note", "differ"]
    detail: Text | None = None


SAME = Match("same")
DIFFER = Match("differ")


def literal(expected: str, given: str) -> Match:
    return SAME if expected == given or matches(expected, given) else DIFFER


# --- Images --------------------------------------------------------------------------------

_IMAGE_PROBLEMS = {
    "empty": N_("the image name is empty"),
    "uppercase": N_("repository names must be lowercase"),
    "name": N_("`{part}` is not a valid image name"),
    "tag": N_("`{part}` is not a valid tag"),
    "digest": N_("`{part}` is not a valid digest"),
}


def image_problem(text: str) -> Text | None:
    """Why ``text`` is not a valid image reference, or None when it is."""
    found = image_reference.problem(text)
    if found is None:
        return None
    kind, part = found
    return bilingual(_IMAGE_PROBLEMS[kind], part=part)


def compare_image(expected: str, given: str) -> Match:
    if expected == given:  # the card's own words, placeholders included (`docker rmi <image>`)
        return SAME
    problem = image_problem(given)
    if problem is not None:
        return Match("differ", problem)
    if expected == "<image>":
        return SAME
    e, g = image_reference.parse(expected), image_reference.parse(given)
    if not has_placeholder(expected):
        same = (e.registry, e.familiar_path, e.effective_tag, e.digest) == (
            g.registry,
            g.familiar_path,
            g.effective_tag,
            g.digest,
        )
        if same:
            return SAME
        if (e.registry, e.familiar_path) == (g.registry, g.familiar_path):
            return Match(
                "differ",
                bilingual(
                    N_("same repository, another tag (`{given}` instead of `{expected}`)"),
                    given=g.effective_tag or g.digest,
                    expected=e.effective_tag or e.digest,
                ),
            )
        return DIFFER
    whole_image = e.path == "<image>"  # <image> stands for a whole reference, tag included
    if e.domain is None:
        domain_ok = whole_image or g.registry == "docker.io"
    elif e.domain == "<registry>":
        domain_ok = g.domain is not None  # a registry must be written out
    else:
        domain_ok = matches(e.domain, g.domain or "docker.io") or e.registry == g.registry
    path_ok = (
        whole_image
        # Inside a longer path (`<user>/<image>`), <image> may span several components (team/app).
        or patterns.fullmatch(
            image_reference.ImageReference(e.domain, e.path, None, None).familiar_path, g.familiar_path, image_path=True
        )
    )
    if e.tag is None and e.digest is None:
        version_ok = whole_image or (g.effective_tag == "latest" and g.digest is None)
    else:
        version_ok = (e.tag is None or matches(e.tag, g.effective_tag or "")) and (
            e.digest is None or matches(e.digest, g.digest or "")
        )
    return SAME if domain_ok and path_ok and version_ok else DIFFER


# --- Published ports -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PortMap:
    ip: str
    host: str
    container: str
    proto: str


def port_number(text: str) -> str:
    return "-".join(p.lstrip("0") or "0" if p.isdigit() else p for p in text.split("-"))


def _other_address(given: str, expected: str) -> Text:
    # No address means every interface, shown as `all`.
    if not given:
        return bilingual(N_("published on address `all` instead of `{expected}`"), expected=expected)
    if not expected:
        return bilingual(N_("published on address `{given}` instead of `all`"), given=given)
    return bilingual(N_("published on address `{given}` instead of `{expected}`"), given=given, expected=expected)


def split_publish(text: str) -> PortMap | None:
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
    return PortMap(parts[0], port_number(parts[1]), port_number(parts[2]), (proto or "tcp").lower())


def _compare_publish(expected: str, given: str) -> Match:
    e, g = split_publish(expected), split_publish(given)
    if e is None or g is None:
        return literal(expected, given)
    ports_same = matches(e.host, g.host) and matches(e.container, g.container) and matches(e.proto, g.proto)
    if ports_same and matches(e.ip, g.ip):
        return SAME
    if ports_same and {e.ip, g.ip} == {"", "0.0.0.0"}:
        return Match(
            "note",
            bilingual(
                N_(
                    "`0.0.0.0` publishes on IPv4 only; without an address Docker publishes on every interface, "
                    "IPv4 and IPv6."
                )
            ),
        )
    if e.host and g.host == e.container and g.container == e.host and e.host != e.container:
        return Match(
            "differ",
            bilingual(N_("the host and container ports are swapped (`-p HOST:CONTAINER`)")),
        )
    if matches(e.host, g.host) and matches(e.container, g.container) and matches(e.ip, g.ip):
        return Match(
            "differ",
            bilingual(N_("protocol {given} instead of {expected}"), given=g.proto, expected=e.proto),
        )
    if e.host and not g.host:
        return Match(
            "differ",
            bilingual(N_("without a host port, Docker would pick a random one")),
        )
    if ports_same:
        return Match(
            "differ",
            _other_address(g.ip, e.ip),
        )
    return DIFFER


# --- Mounts (-v, --mount, --tmpfs) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mount:
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


def mount_of(kind: str, text: str) -> Mount | None:
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
        return Mount(
            mount_type,
            _clean_path(source) if mount_type == "bind" else source,
            _clean_path(target),
            readonly,
            tuple(sorted(flags - {"ro", "readonly"})),
        )
    if kind == "tmpfs":  # --tmpfs path[:options]
        target, _, opts = text.partition(":")
        return Mount("tmpfs", "", _clean_path(target), False, tuple(sorted(o for o in opts.split(",") if o)))
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
    return Mount(
        mount_type,
        _clean_path(source) if mount_type == "bind" else source,
        _clean_path(target),
        readonly,
        extra,
    )


_MOUNT_FLAGS = frozenset({"readonly", "ro", "bind-nonrecursive"})  # the fields --mount takes without a value


def _not_fields(text: str) -> bool:
    """Whether ``--mount`` would refuse ``text``: a field that is not key=value (docker/cli opts/mount.go)."""
    return any("=" not in item and item.lower() not in _MOUNT_FLAGS for item in text.split(",") if item)


def _mount_example(mount: Mount | None) -> str:
    if mount is None or mount.type == "tmpfs":
        return f"type=tmpfs,target={mount.target if mount else '/data'}"
    source = f",source={mount.source}" if mount.source else ""
    return f"type={mount.type}{source},target={mount.target}"


def _compare_mount(e_kind: str, expected: str, g_kind: str, given: str) -> Match:
    e, g = mount_of(e_kind, expected), mount_of(g_kind, given)
    if g_kind == "mount" and _not_fields(given):
        return Match(
            "differ",
            bilingual(N_("`--mount` takes key=value fields, such as `{example}`"), example=_mount_example(e)),
        )
    if e is None or g is None:
        return literal(expected, given)
    if e.type != g.type:
        if e.type == "volume" and g.type == "bind":
            detail = bilingual(
                N_("`{source}` is a host path, so this would be a bind mount, not a named volume"), source=g.source
            )
        elif e.type == "bind" and g.type == "volume":
            detail = bilingual(N_("`{source}` is a named volume, not a host directory (bind mount)"), source=g.source)
        else:
            detail = bilingual(N_("a {given} mount instead of a {expected} mount"), given=g.type, expected=e.type)
        return Match("differ", detail)
    if not matches(e.target, g.target):
        return Match(
            "differ",
            bilingual(N_("mounted at `{given}` instead of `{expected}`"), given=g.target, expected=e.target),
        )
    if not matches(e.source, g.source):
        if not g.source:
            return Match(
                "differ",
                bilingual(N_("an anonymous volume instead of the named volume `{source}`"), source=e.source),
            )
        if not e.source:
            return Match(
                "differ",
                bilingual(N_("the named volume `{source}` instead of an anonymous one"), source=g.source),
            )
        return DIFFER
    if e.readonly != g.readonly:
        return Match(
            "differ",
            bilingual(N_("the mount would be writable, where read-only is expected"))
            if e.readonly
            else bilingual(N_("the mount would be read-only")),
        )
    if e.extra != g.extra:
        return DIFFER
    if e.type == "bind" and {e_kind, g_kind} == {"volume", "mount"}:
        return Match(
            "note",
            bilingual(N_("`--mount type=bind` refuses a missing host directory, where `-v` creates it.")),
        )
    return SAME


# --- Numbers, filters, registries; an option's or argument's value ---------------------------


def number(text: str) -> str:
    stripped = text.strip()
    try:
        return str(int(stripped))
    except ValueError:
        return stripped


_DECIMAL = re.compile(r"[+-]?[0-9]+")


def signal_number(text: str) -> int | None:
    """The signal Docker reads in ``text`` (moby/sys/signal ParseSignal), or None when it reads none.

    A number other than 0, or a name of the Linux table in any case, with or without ``SIG``:
    ``KILL``, ``SIGKILL``, ``sigkill`` and ``9`` are the same signal.
    """
    if _DECIMAL.fullmatch(text):
        value = int(text)
        return value if value != 0 else None
    return SIGNALS.get(text.upper().removeprefix("SIG"))


_BINARY_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_SIZE_NUMBER = re.compile(r"[0-9.]+(?:[eE][+-]?[0-9]+)?")


def byte_count(text: str) -> int | None:
    """The size Docker reads in ``text`` (go-units RAMInBytes, as ``--memory`` reads it), or None.

    Units are binary and their case does not count: ``512m``, ``512M``, ``512MB``, ``512MiB``
    and ``536870912`` are the same size; ``-1`` is ``--memory-swap``'s "unlimited".
    """
    if text == "-1":
        return -1
    sep = max(text.rfind(c) for c in "0123456789. ")
    if sep < 0:
        return None
    num, suffix = (text[:sep], text[sep + 1 :]) if text[sep] == " " else (text[: sep + 1], text[sep + 1 :])
    if not _SIZE_NUMBER.fullmatch(num):
        return None
    size = float(num)
    suffix = suffix.lower()
    if not suffix or suffix == "b":
        return int(size)
    if len(suffix) > 3 or suffix[0] not in _BINARY_UNITS or suffix[1:] not in ("", "b", "ib"):
        return None
    return int(size * _BINARY_UNITS[suffix[0]])


_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TEMPLATE_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')


def _action(inner: str) -> str:
    # Go's template lexer skips spaces between the tokens of an action; `{{- ` and ` -}}` are
    # trim markers (they need their space), kept as they are.
    left = "{{- " if re.match(r"-\s", inner) else "{{"
    right = " -}}" if re.search(r"\s-$", inner) else "}}"
    body = inner[2 if left != "{{" else 0 : len(inner) - 2 if right != "}}" else len(inner)]
    parts: list[str] = []
    last = 0
    for m in _TEMPLATE_STRING.finditer(body):
        parts += [" ".join(body[last : m.start()].split()), m.group(0)]
        last = m.end()
    parts.append(" ".join(body[last:].split()))
    words = re.sub(r"\s*([|()])\s*", r"\1", " ".join(p for p in parts if p))
    return f"{left}{words.strip()}{right}"


def template(text: str) -> str:
    """A Go template as Go reads it: ``{{ .Names }}`` is ``{{.Names}}``; text outside actions counts."""
    return _ACTION.sub(lambda m: _action(m.group(1)), text)


def canonical_value(kind: str, text: str) -> str:
    """``text`` as Docker reads a value of ``kind``: two values Docker reads the same are equal here."""
    if kind in ("int", "tail"):
        return number(text).lower()
    if kind == "signal":
        found = signal_number(text)
        return text if found is None else str(found)
    if kind == "bytes":
        size = byte_count(text)
        return text if size is None else str(size)
    if kind == "template":
        return template(text)
    return text


def compare_option_values(e: ParsedOption, g: ParsedOption) -> Match:
    kind = e.option.value
    if kind in ("volume", "mount", "tmpfs"):
        return _compare_mount(kind, e.value, g.option.value, g.value)
    if kind == "publish":
        return _compare_publish(e.value, g.value)
    if kind == "image":
        return compare_image(e.value, g.value)
    if kind in ("int", "tail", "signal", "bytes", "template"):
        if e.value == g.value:
            return SAME
        return literal(canonical_value(kind, e.value), canonical_value(kind, g.value))
    if e.option.long == "--filter":
        return _compare_filter(e.value, g.value)
    return literal(e.value, g.value)


# Filters whose value is an image reference that Docker resolves first (`nginx` is
# `nginx:latest`). Not `reference`: without a tag it matches every tag.
def _compare_filter(expected: str, given: str) -> Match:
    e_key, e_eq, e_value = expected.partition("=")
    g_key, g_eq, g_value = given.partition("=")
    # `ancestor=nginx` is `ancestor=nginx:latest`: Docker resolves the image before filtering
    # (not so `reference=nginx`, which matches every tag).
    if e_eq and g_eq and e_key.lower() == g_key.lower() == "ancestor" and not has_placeholder(e_value):
        return compare_image(e_value, g_value)
    return literal(expected, given)


def option_anchor(po: ParsedOption) -> str | None:
    # Pairs a missing value with the given value it was probably meant to be.
    kind = po.option.value
    if kind in ("volume", "mount", "tmpfs"):
        mount = mount_of(kind, po.value)
        return mount.target if mount else None
    if kind == "publish":
        ports = split_publish(po.value)
        return ports.container if ports else None
    if "=" in po.value:
        return po.value.split("=", 1)[0]
    return None


def _server(text: str) -> str:
    host = re.sub(r"^https?://", "", text.strip()).rstrip("/")
    host = re.sub(r"/v[12]$", "", host)
    return "docker.io" if host in image_reference.DOCKER_HUB_NAMES else host


def _container_port(text: str) -> str:
    port, _, proto = text.partition("/")
    return f"{port_number(port)}/{(proto or 'tcp').lower()}"


def compare_arg(arg: Arg, expected: str, given: str) -> Match:
    if arg.kind == "image":
        return compare_image(expected, given)
    if arg.kind == "server":
        return literal(_server(expected), _server(given))
    if arg.kind == "port":
        return literal(_container_port(expected), _container_port(given))
    return literal(expected, given)
