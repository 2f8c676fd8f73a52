"""A challenge's reference solution, read with quizdock's Docker CLI model and run as that.

A deck is shared like any document, so its solution steps are data: each one is parsed with
the model of :mod:`quizdock.grading.commands` (the parser that grades typed commands), and
allowed only when its command and every option are known and safe for the learner's machine.
The argv that runs is built from that same parse, one token per parsed word, with
``{placeholders}`` filled in inside each token: what was checked is what runs, and a value
cannot add or split words (``docker\u00a0/x.sh`` is one word, which is not ``docker``).

This reading gives clear messages before anything runs (``deck check``); the authority is the
guard (:mod:`quizdock.lab.guard`), which judges every request the step's docker client sends,
as the daemon reads it. What the client does on its own, the daemon never sees, so it is
judged here: the files it would write (``--iidfile``, ``--cidfile``) are refused, and those it
reads (a build context, ``--file``) must be in a challenge's folder and are copied from there
without following a link (:func:`staged_argv`).

Refused:

- options that give a container power over the host: ``--privileged``, ``--cap-add``,
  ``--device...``, ``--security-opt``, ``--use-api-socket``, ``--runtime``, ``--gpus``,
  ``--cgroup-parent``, and the host's namespaces (``--network/--pid/--ipc/--uts/--userns/
  --cgroupns host``, ``--network name=host``, or another container's);
- host paths: a bind mount (``-v``, ``--mount``, read as Docker reads it: the last of
  ``source``/``src``) whose source is not one of the challenge's own ``dir`` parameters itself,
  a build context outside them, the Docker socket, files read or written on the host
  (``--env-file``, ``--label-file``, ``--cidfile``, ``--iidfile``, a ``--file`` elsewhere),
  volume driver options that bind a host folder;
- prunes not limited to the challenge (``--filter label={label}``), and removing, stopping,
  killing, starting or entering (``exec``) anything not named by the challenge (its reserved
  names, ``qd-...``), or mounting its volumes (``--volumes-from``) or a volume of the
  learner's;
- image names made that are not the challenge's (``tag``, ``commit``, ``build --tag``), a push
  or a login anywhere but the challenge's registry.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizdock.errors import QuizdockError
from quizdock.i18n import N_, _, current_language, quoted

if TYPE_CHECKING:
    from quizdock.challenges.model import Challenge, SolutionStep
    from quizdock.grading.commands import ParsedOption
    from quizdock.grading.docker_cli import Command

# Options refused whatever their value.
_REFUSED_OPTIONS: Mapping[str, str] = {
    "--privileged": N_("{option} gives the container full access to the host"),
    "--cap-add": N_("{option} gives the container extra powers over the host"),
    "--security-opt": N_("{option} lifts the container's confinement"),
    "--device": N_("{option} gives the container a host device"),
    "--device-cgroup-rule": N_("{option} gives the container host devices"),
    "--device-read-bps": N_("{option} names a host device"),
    "--device-read-iops": N_("{option} names a host device"),
    "--device-write-bps": N_("{option} names a host device"),
    "--device-write-iops": N_("{option} names a host device"),
    "--use-api-socket": N_("{option} gives the container the Docker socket"),
    "--runtime": N_("{option} runs the container with another runtime"),
    "--gpus": N_("{option} gives the container host devices"),
    "--cgroup-parent": N_("{option} places the container in a host cgroup"),
    "--env-file": N_("{option} reads a file of the host"),
    "--label-file": N_("{option} reads a file of the host"),
    "--cidfile": N_("{option} writes a file on the host"),
    "--iidfile": N_("{option} writes a file on the host"),
}
# Options refused when they join a namespace that is not the container's own.
_NAMESPACE_OPTIONS = frozenset({"--network", "--pid", "--ipc", "--uts", "--userns", "--cgroupns"})
# Commands that act on what they name: only the challenge's own (a learner's container may hold
# their data, or mount their home: `exec` into it would reach the host).
_NAMED_ONLY = frozenset({"rm", "stop", "kill", "restart", "start", "exec"})
_VOLUME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_LABEL_FILTER = "{label_filter}"
# Read in its place: a value no deck can write (control characters are refused in decks).
_FILTER_STANDIN_VALUE = "\x00label_filter"
_FILTER_STANDIN = "--filter=" + _FILTER_STANDIN_VALUE
_MOUNT_KEYS = {"src": "source", "dst": "target", "destination": "target"}
_SOCKETS = ("docker.sock", "containerd.sock", "podman.sock")


class UnsafeStep(QuizdockError):
    """A solution step that quizdock will not run; the message says why."""


@dataclass(frozen=True, slots=True)
class Step:
    """A solution step as parsed: the tokens that run, before ``{placeholders}`` are filled in.

    Attributes:
        template: The command as the deck writes it.
        argv: ``docker``, the command's words, its options (``--long=value``) and arguments.
    """

    template: str
    argv: tuple[str, ...]
    label_filter: tuple[int, ...] = ()
    reads: tuple[int, ...] = ()  # tokens naming a host file or folder the docker client reads

    def argv_with(self, values: Mapping[str, str]) -> list[str]:
        """The argv to run, each token's ``{placeholders}`` replaced (never re-split).

        The word ``{label_filter}`` is ``--filter=label={label}`` on the learner's own Docker
        and nothing in the private lab (where quizdock gives it the empty value).
        """
        from quizdock.challenges.model import substitute

        dropped = set(self.label_filter) if values.get("label_filter", "-") == "" else set()
        return [substitute(token, values) for i, token in enumerate(self.argv) if i not in dropped]


def parse_step(
    command: str, *, dirs: Sequence[str] = (), sample: Mapping[str, str] | None = None, lab: bool = False
) -> Step:
    """Read one solution step and build what runs, or say why it may not run.

    Args:
        command: The step as the deck writes it, with ``{placeholders}``.
        dirs: The names of the challenge's ``dir`` parameters: the only host paths allowed.
        sample: Plausible values of the challenge's parameters, to tell its reserved names.
            None skips the check of what destructive commands name (a step run outside a deck).
        lab: The step runs in quizdock's private lab, where a plain prune touches nothing of
            the learner's (a deck's own steps are always checked as for the learner's Docker).

    Raises:
        UnsafeStep: not a docker command quizdock knows, or one that is not safe.
    """
    from quizdock.grading.commands import CommandSyntaxError, parse_command

    try:
        words = shlex.split(command)
    except ValueError:
        raise UnsafeStep(_("an unclosed quote or escape")) from None
    if not words or words[0] != "docker":
        shown = words[0] if words else ""
        raise UnsafeStep(
            _("a step is a docker CLI command and starts with the word 'docker', not {word}").format(word=quoted(shown))
        )
    if any(_LABEL_FILTER in word and word != _LABEL_FILTER for word in words):
        raise UnsafeStep(_("{label_filter} is a word of its own (it stands for a whole option)"))
    words = [_FILTER_STANDIN if word == _LABEL_FILTER else word for word in words]
    try:
        parsed = parse_command(shlex.join(words))
    except CommandSyntaxError as error:
        raise UnsafeStep(error.message.get(current_language()).rstrip(".")) from None
    cmd = parsed.command
    if not cmd.modelled:
        raise UnsafeStep(
            _("quizdock knows `{name}` by name only, so it cannot tell what it does").format(name=cmd.name)
        )
    argv = ["docker", *parsed.written]
    label_filter: list[int] = []
    reads: list[int] = []
    for po in parsed.options:
        option = po.option
        if po.value == _FILTER_STANDIN_VALUE:
            label_filter.append(len(argv))
            argv.append("--filter=label={label}")
            continue
        _check_option(cmd.path, option.long, po.value, dirs, sample or {})
        if option.long == "--file":
            reads.append(len(argv))
        if option.value == "bool":
            argv.append(option.long if po.value == "true" else f"{option.long}=false")
        else:
            argv.append(f"{option.long}={po.value}")  # one token: a value may start with '-'
    args = list(parsed.args)
    if cmd.path[-1] == "build":
        _check_context(args, dirs)
    if (
        not lab
        and cmd.path[-1] == "prune"
        and not any(
            po.option.long == "--filter" and po.value.replace(" ", "") in ("label={label}", _FILTER_STANDIN_VALUE)
            for po in parsed.options
        )
    ):
        raise UnsafeStep(_("a prune must be limited to the challenge with {label_filter} (or --filter label={label})"))
    if sample is not None and cmd.path[-1] in _NAMED_ONLY:
        _check_named(cmd, args, sample)
    if sample is not None:
        _check_images_and_logins(cmd, parsed.options, args, sample)
    if args:
        needs_end = any(a.startswith("-") and a != "-" for a in (args if cmd.interspersed else args[:1]))
        argv += ["--", *args] if needs_end else args
        if cmd.path[-1] == "build" and args[-1] != "-":
            reads.append(len(argv) - 1)
    return Step(template=command, argv=tuple(argv), label_filter=tuple(label_filter), reads=tuple(reads))


def _check_context(args: Sequence[str], dirs: Sequence[str]) -> None:
    for arg in args:
        if arg != "-" and not _in_dir(arg, dirs):
            raise UnsafeStep(
                _("the build context {path} is a host path; use a 'dir' parameter").format(path=quoted(arg))
            )


def _check_option(path: tuple[str, ...], long: str, value: str, dirs: Sequence[str], sample: Mapping[str, str]) -> None:
    if long in _REFUSED_OPTIONS:
        raise UnsafeStep(_(_REFUSED_OPTIONS[long]).format(option=long))
    if long in _NAMESPACE_OPTIONS and _joins_namespace(value):
        raise UnsafeStep(
            _("{option} {value} shares a namespace of the host or of another container").format(
                option=long, value=value
            )
        )
    if long == "--volume":
        source, sep, _target = value.partition(":")
        if sep:
            _check_source(source, dirs, sample)
    elif long == "--mount":
        _check_mount(value, dirs, sample)
    elif long == "--volumes-from" and not _challenge_name(value.split(":")[0], sample):
        raise UnsafeStep(
            _("--volumes-from {value} mounts what another container mounts; name the challenge's own").format(
                value=quoted(value)
            )
        )
    elif long == "--file" and not _in_dir(value, dirs):
        raise UnsafeStep(
            _("--file {value} reads a file of the host; use a 'dir' parameter").format(value=quoted(value))
        )
    elif (
        path == ("volume", "create") and long in ("--opt", "--driver") and not (long == "--driver" and value == "local")
    ):
        raise UnsafeStep(_("{option} on a volume can bind a host folder; create a plain volume").format(option=long))


def _joins_namespace(value: str) -> bool:
    """``host``, ``container:X``, also in the long syntax (``name=host,alias=a``) the CLI reads
    for ``--network``: Docker would join that namespace."""
    import csv

    names = [value]
    with contextlib.suppress(csv.Error):
        for item in next(csv.reader([value], strict=True), []):
            key, sep, val = item.partition("=")
            if sep and key.strip().lower() == "name":
                names.append(val)
    return any(n.strip().lower() == "host" or n.strip().lower().startswith("container:") for n in names)


def _check_mount(value: str, dirs: Sequence[str], sample: Mapping[str, str]) -> None:
    import csv

    # Docker reads --mount as one CSV record (quotes allowed), keys in any case: so does this.
    try:
        items = next(csv.reader([value], strict=True), [])
    except csv.Error:
        raise UnsafeStep(_("--mount {value} cannot be read").format(value=quoted(value))) from None
    fields: dict[str, str] = {}
    for item in items:
        key, _sep, val = item.partition("=")
        key = key.strip().lower()
        # Docker reads source and src as one key, and keeps the last one given.
        fields[_MOUNT_KEYS.get(key, key)] = val
    kind = fields.get("type", "volume").lower()
    source = fields.get("source", "")
    if kind not in ("volume", "bind", "tmpfs"):
        raise UnsafeStep(_("--mount type={kind} is not a mount quizdock allows").format(kind=kind))
    if any(key.startswith("volume-") for key in fields):
        raise UnsafeStep(_("--mount volume options can bind a host folder"))
    if kind == "bind" and not _is_dir(source, dirs):
        raise UnsafeStep(_host_path(source))
    if kind == "volume" and source:
        _check_source(source, (), sample)


def _host_path(source: str) -> str:
    if any(sock in source for sock in _SOCKETS):
        return _("mounting {source} gives the container the Docker socket, that is the whole host").format(
            source=quoted(source)
        )
    return _("{source} is a host path; mount only a 'dir' parameter of the challenge itself ({{name}})").format(
        source=quoted(source)
    )


def _check_source(source: str, dirs: Sequence[str], sample: Mapping[str, str]) -> None:
    """A mount's source is one of the challenge's folders or one of its volumes (``qd-...``):
    a learner's volume holds their data, a host path the host."""
    from quizdock.challenges.model import RESERVED_PREFIX, placeholders, substitute

    if _is_dir(source, dirs):
        return
    value = substitute(source, sample)
    # A value unknown here (outside a deck) could be a path: refused.
    if placeholders(source) - set(sample) or _VOLUME_NAME.fullmatch(value) is None:
        raise UnsafeStep(_host_path(source))
    if not value.startswith(RESERVED_PREFIX):
        raise UnsafeStep(
            _("{source} is a volume the challenge did not make; mount only its own ({prefix}...)").format(
                source=quoted(source), prefix=RESERVED_PREFIX
            )
        )


def _is_dir(path: str, dirs: Sequence[str]) -> bool:
    """``path`` is a ``dir`` parameter itself: a folder below one could be replaced by a link
    (to ``/``) by a container of an earlier step between the check and the mount."""
    return any(path in ("{" + name + "}", "{" + name + "}/") for name in dirs)


def _in_dir(path: str, dirs: Sequence[str]) -> bool:
    """``path`` is a ``dir`` parameter (``{src}``) or inside one (``{src}/www``), with no ``..``."""
    for name in dirs:
        head = "{" + name + "}"
        if path == head or (path.startswith(head + "/") and ".." not in path.split("/")):
            return True
    return False


def _challenge_name(value: str, sample: Mapping[str, str]) -> bool:
    from quizdock.challenges.model import RESERVED_PREFIX, substitute

    return substitute(value, sample).startswith(RESERVED_PREFIX)


def _check_named(command: Command, args: Sequence[str], sample: Mapping[str, str]) -> None:
    """What the command acts on (its container, image, volume or network arguments) must be the
    challenge's own; the command a container runs (``exec``) is not looked at."""
    from quizdock.challenges.model import RESERVED_PREFIX, repository_name, substitute

    start = 0
    for slot in command.args:
        if slot.kind == "command":
            break
        values = args[start:] if slot.variadic else args[start : start + 1]
        start += len(values)
        for arg in values:
            value = substitute(arg, sample)
            name = repository_name(value) if slot.kind == "image" else value
            if slot.kind in ("container", "image", "volume", "network") and not name.startswith(RESERVED_PREFIX):
                raise UnsafeStep(
                    _(
                        "`{command}` may only name what the challenge made ({prefix}..., a 'name' parameter), not {arg}"
                    ).format(command=command.name, prefix=RESERVED_PREFIX, arg=quoted(arg))
                )


def solution_argv(step: SolutionStep, values: Mapping[str, str], challenge: Challenge | None = None) -> list[str]:
    """The argv of a solution step, validated, with the challenge's values filled in.

    Args:
        step: The step.
        values: The parameter values chosen at setup; an empty ``label_filter`` says the step
            runs in the private lab.
        challenge: The challenge the step solves: its ``dir`` parameters are the host paths
            the step may mount, its reserved names what it may remove. Without it, no host
            path is allowed.

    Raises:
        UnsafeStep: the step may not run.
    """
    return _parsed(step, values, challenge).argv_with(values)


def _parsed(step: SolutionStep, values: Mapping[str, str], challenge: Challenge | None) -> Step:
    lab = values.get("label_filter") == ""
    if challenge is None:
        return parse_step(step.command, lab=lab)
    from quizdock.challenges.model import sample_values

    dirs = [p.key for p in challenge.param("dir")]
    return parse_step(step.command, dirs=dirs, sample=sample_values(challenge), lab=lab)


def staged_argv(step: SolutionStep, values: Mapping[str, str], challenge: Challenge, staging: str) -> list[str]:
    """:func:`solution_argv`, where every host file or folder the docker client reads (a build
    context, ``--file``) is first copied into ``staging`` and read there.

    The copy follows no link and takes plain files and folders only, read from the challenge's
    folder downwards: a container of an earlier step that wrote a link (to ``/etc/shadow``) or
    a device there cannot make the client read the host; ``staging`` is no container's.

    Raises:
        UnsafeStep: the step may not run, or its files hold a link or a special file.
    """
    parsed = _parsed(step, values, challenge)
    argv = parsed.argv_with(values)
    folders = [values[p.key] for p in challenge.param("dir") if p.key in values]
    for n, index in enumerate(parsed.reads):
        prefix, sep, path = argv[index].partition("=") if argv[index].startswith("--") else ("", "", argv[index])
        copy = os.path.join(staging, f"read-{n}")
        _copy_from(path, folders, copy)
        argv[index] = prefix + sep + copy
    return argv


def _copy_from(path: str, folders: Sequence[str], copy: str) -> None:
    base = next((f for f in folders if path == f or path.startswith(f.rstrip("/") + "/")), None)
    parts = [p for p in path[len(base) :].split("/") if p] if base is not None else [".."]
    if base is None or any(p in (".", "..") for p in parts):
        raise UnsafeStep(_("{path} is not in a folder of the challenge").format(path=quoted(path)))
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts:
            child = _open_plain(part, fd, path)
            os.close(fd)
            fd = child
        _copy_fd(fd, copy, path)
    finally:
        os.close(fd)


def _open_plain(name: str, dir_fd: int, shown: str) -> int:
    """Open ``name`` in ``dir_fd`` for reading if it is a plain file or folder; never follow a
    link, never open a device or a pipe (opening one can act on the host), even if it is swapped in."""
    import stat

    refused = UnsafeStep(
        _(
            "{path} holds a link or a special file ({name}); the docker client reads plain files and folders only"
        ).format(path=quoted(shown), name=name)
    )
    try:
        handle = os.open(name, getattr(os, "O_PATH", os.O_RDONLY) | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except OSError:
        raise refused from None
    try:
        mode = os.fstat(handle).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise refused
        if not hasattr(os, "O_PATH"):
            return os.dup(handle)
        # The same file, opened for reading through its handle: nothing can be swapped in.
        return os.open(f"/proc/self/fd/{handle}", os.O_RDONLY | (os.O_DIRECTORY if stat.S_ISDIR(mode) else 0))
    finally:
        os.close(handle)


def _copy_fd(fd: int, copy: str, shown: str) -> None:
    """Copy the open plain file or folder ``fd`` to ``copy``."""
    import stat

    if stat.S_ISREG(os.fstat(fd).st_mode):
        with os.fdopen(os.dup(fd), "rb") as source, open(copy, "wb") as target:
            while chunk := source.read(1 << 20):
                target.write(chunk)
        return
    os.mkdir(copy, 0o700)
    for name in os.listdir(fd):
        child = _open_plain(name, fd, shown)
        try:
            _copy_fd(child, os.path.join(copy, name), f"{shown}/{name}")
        finally:
            os.close(child)


def _check_images_and_logins(
    command: Command, options: Sequence[ParsedOption], args: Sequence[str], sample: Mapping[str, str]
) -> None:
    """A step names images it makes with the challenge's names, pushes only to the challenge's
    registry and logs in only there: a learner's tag is never moved, their images never leave,
    their Docker Hub login is never replaced."""
    from quizdock.challenges.model import RESERVED_PREFIX, repository_name, substitute

    def own(reference: str) -> bool:
        return repository_name(substitute(reference, sample)).startswith(RESERVED_PREFIX)

    path = command.path
    made = list(args[1:2]) if path in (("image", "tag"), ("container", "commit")) else []
    made += [po.value for po in options if po.option.long == "--tag"]
    for reference in made:
        if not own(reference):
            raise UnsafeStep(
                _("the image name {reference} is not the challenge's ({prefix}...)").format(
                    reference=quoted(reference), prefix=RESERVED_PREFIX
                )
            )
    registry = sample.get("registry")
    if path == ("image", "push"):
        for reference in args:
            value = substitute(reference, sample)
            if registry is None or not value.startswith(registry + "/") or not own(reference):
                raise UnsafeStep(
                    _("push only to the challenge's registry ({{registry}}/{prefix}...), not {reference}").format(
                        prefix=RESERVED_PREFIX, reference=quoted(reference)
                    )
                )
    if path in (("login",), ("logout",)):
        server = substitute(args[0], sample) if args else "Docker Hub"
        if registry is None or server != registry:
            raise UnsafeStep(
                _("log in and out only of the challenge's registry ({{registry}}), not {server}").format(
                    server=quoted(server)
                )
            )
