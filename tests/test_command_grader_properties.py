"""Properties of the command grader: how a command is written never changes its verdict; what it says does.

Commands are generated from the CLI model itself: any modelled command, a few of its options with
values of the right kind, and its arguments. A *style* writes that command one way: which alias,
short or long options (or a deprecated long spelling), ``--opt=value`` or ``--opt value`` or
``-pVALUE``, combined short flags, options in any order, and options after the arguments where
Docker allows it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from quizdock.grading.commands import grade_command
from quizdock.grading.docker_cli import COMMANDS, Command, Option

MODELLED = [c for c in COMMANDS if c.modelled]

# Values of each kind, pairwise different once normalised (no `busybox` next to `busybox:latest`).
IMAGES = ["busybox", "alpine:3.5", "couchdb:2.1", "gbelbe/nodejs:1.0", "localhost:5000/app:2", "quay.io/team/tool:1"]
NAMES = ["web", "db", "cache", "alpha"]


def _publish(ip: str, host: int, container: int, proto: str) -> str:
    return f"{ip}{host}:{container}{proto}"


OPTION_VALUES: dict[str, st.SearchStrategy[str]] = {
    "string": st.sampled_from([*NAMES, "k=v"]),
    "int": st.integers(1, 300).map(str),
    "tail": st.integers(1, 300).map(str),
    "image": st.sampled_from(IMAGES),
    "publish": st.builds(
        _publish,
        st.sampled_from(["", "127.0.0.1:"]),
        st.integers(1, 60000),
        st.integers(1, 60000),
        st.sampled_from(["", "/udp"]),
    ),
    "volume": st.builds(
        lambda source, target, ro: f"{source}:{target}{ro}",
        st.sampled_from(["data", "cache", "/srv/data", "./conf"]),
        st.sampled_from(["/data", "/var/lib/app"]),
        st.sampled_from(["", ":ro"]),
    ),
    "mount": st.sampled_from(
        [
            "type=volume,source=data,target=/data",
            "type=bind,source=/srv/app,target=/app,readonly",
            "source=cache,target=/cache",
        ]
    ),
    "tmpfs": st.sampled_from(["/test", "/run/cache", "/tmp/scratch"]),
    # Neither TERM nor KILL (the defaults of stop and kill), no template that a flag prints.
    "signal": st.sampled_from(["HUP", "SIGUSR1", "2", "quit"]),
    "bytes": st.sampled_from(["64m", "1g", "512k", "100000"]),
    "template": st.sampled_from(["{{.Names}}", "{{json .}}", "table {{.Size}}"]),
}

ARG_VALUES: dict[str, st.SearchStrategy[str]] = {
    "container": st.sampled_from(NAMES),
    "volume": st.sampled_from(NAMES),
    "network": st.sampled_from(NAMES),
    "name": st.sampled_from(NAMES),
    "image": st.sampled_from(IMAGES),
    "server": st.sampled_from(["localhost:5000", "registry.example.com"]),
    "port": st.sampled_from(["80", "8080/udp", "443"]),
    "path": st.sampled_from([".", "./app", "/src"]),
    "string": st.sampled_from(["alpine", "busybox"]),
}

COMMAND_LINES = [("sh", "-c", "echo hi"), ("sleep", "60"), ("ls", "-la", "/"), ("cat", "/etc/hostname")]

# A changed value lies outside every pool above, so it always differs from what was there.
CHANGED_OPTION: dict[str, str] = {
    "string": "changed",
    "image": "changed/image:9",
    "publish": "60001:60002",
    "volume": "changed:/changed",
    "mount": "type=volume,source=changed,target=/changed",
    "tmpfs": "/changed",
    "signal": "WINCH",
    "bytes": "3m",
    "template": "{{.Changed}}",
}
CHANGED_ARG: dict[str, str] = {
    "container": "changed",
    "volume": "changed",
    "network": "changed",
    "name": "changed",
    "string": "changed",
    "path": "./changed",
    "image": "changed/image:9",
    "server": "changed.example.com",
    "port": "60001",
}


@dataclass(frozen=True)
class Spec:
    """One command, with what it says: options with values, arguments, the container's command."""

    command: Command
    options: tuple[tuple[Option, str], ...]
    args: tuple[tuple[str, str], ...]  # (kind, value)
    command_line: tuple[str, ...] = ()


@dataclass(frozen=True)
class Style:
    """One way of writing a spec."""

    path: int
    forms: tuple[int, ...]  # per option: 0 long, 1 short, 2 a deprecated long spelling
    joins: tuple[int, ...]  # per option with a value: 0 separate, 1 `=` (or attached for short), 2 `-p=value`
    explicit_true: tuple[bool, ...]  # a long flag written --flag=true
    order: tuple[int, ...]
    cluster: bool
    after: int  # options written after the arguments, where the command allows it


def _usable(command: Command) -> list[Option]:
    # Flags that default to true and --name of `volume create` (another spelling of the
    # argument) say nothing when written plainly; they are left out.
    return [o for o in command.options if o.default != "true" and not o.moves_to_arg]


@st.composite
def specs(draw: st.DrawFn, command: Command | None = None) -> Spec:
    if command is None:
        command = draw(st.sampled_from(MODELLED))
    usable = _usable(command)
    chosen = draw(st.lists(st.sampled_from(usable), unique_by=lambda o: o.long, max_size=4)) if usable else []
    options: list[tuple[Option, str]] = []
    for option in chosen:
        if option.value == "bool":
            options.append((option, "true"))
            continue
        count = draw(st.integers(1, 2)) if option.repeatable else 1
        values = draw(st.lists(OPTION_VALUES[option.value], min_size=count, max_size=count, unique=True))
        options += [(option, v) for v in values]
    args: list[tuple[str, str]] = []
    command_line: tuple[str, ...] = ()
    for arg in command.args:
        if arg.kind == "command":
            if arg.required or draw(st.booleans()):
                command_line = draw(st.sampled_from(COMMAND_LINES))
            continue
        if not arg.required and not draw(st.booleans()):
            break  # an optional argument left out: the ones after it cannot be given either
        count = draw(st.integers(1, 2)) if arg.variadic else 1
        values = draw(st.lists(ARG_VALUES[arg.kind], min_size=count, max_size=count, unique=True))
        args += [(arg.kind, v) for v in values]
    return Spec(command, tuple(options), tuple(args), command_line)


@st.composite
def styles(draw: st.DrawFn, spec: Spec) -> Style:
    n = len(spec.options)
    return Style(
        path=draw(st.integers(0, len(spec.command.paths) - 1)),
        forms=tuple(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))),
        joins=tuple(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))),
        explicit_true=tuple(draw(st.lists(st.booleans(), min_size=n, max_size=n))),
        order=tuple(draw(st.permutations(range(n)))),
        cluster=draw(st.booleans()),
        after=draw(st.integers(0, n)),
    )


PLAIN = Style(path=0, forms=(), joins=(), explicit_true=(), order=(), cluster=False, after=0)


def render(spec: Spec, style: Style) -> str:
    """The spec written in the style: a command line as a learner would type it."""
    groups: list[tuple[list[str], bool]] = []  # the words of one option, and whether it is a short flag
    order = style.order or tuple(range(len(spec.options)))
    for k in order:
        option, value = spec.options[k]
        form = style.forms[k] if style.forms else 0
        join = style.joins[k] if style.joins else 0
        short = option.short if form == 1 else None
        long = option.aliases[0] if form == 2 and option.aliases else option.long
        if option.value == "bool":
            if short:
                groups.append(([short], True))
            else:
                groups.append(([f"{long}=true" if style.explicit_true and style.explicit_true[k] else long], False))
        elif short:
            groups.append(([[short, value], [short + value], [f"{short}={value}"]][join], False))
        else:
            groups.append(([long, value] if join == 0 else [f"{long}={value}"], False))
    words_of = [g for g, _ in (_clustered(groups) if style.cluster else groups)]
    before, after = words_of, []
    if spec.command.interspersed and style.after:
        before, after = words_of[: len(words_of) - style.after], words_of[len(words_of) - style.after :]
    words = ["docker", *spec.command.paths[style.path]]
    words += [w for g in before for w in g]
    words += [value for _, value in spec.args]
    words += list(spec.command_line)
    words += [w for g in after for w in g]
    return shlex.join(words)


def _clustered(groups: list[tuple[list[str], bool]]) -> list[tuple[list[str], bool]]:
    """Short flags merged as Docker allows: -d -i -t -p 80:80 becomes -ditp 80:80."""
    merged: list[tuple[list[str], bool]] = []
    for words, is_flag in groups:
        mergeable = len(words[0]) == 2 and words[0][0] == "-" and words[0][1] != "-"  # -d, or -p then its value
        if merged and merged[-1][1] and mergeable:
            merged[-1] = ([merged[-1][0][0] + words[0][1:], *words[1:]], is_flag)
        else:
            merged.append((list(words), is_flag))
    return merged


def _changed(spec: Spec, site: int) -> Spec:
    """The spec with the value at ``site`` changed (sites: option values, then arguments, then the command)."""
    valued = [i for i, (option, _) in enumerate(spec.options) if option.value != "bool"]
    if site < len(valued):
        i = valued[site]
        option, value = spec.options[i]
        new = CHANGED_OPTION.get(option.value) or str(int(value) + 1)
        options = (*spec.options[:i], (option, new), *spec.options[i + 1 :])
        return replace(spec, options=options)
    site -= len(valued)
    if site < len(spec.args):
        kind, _ = spec.args[site]
        args = (*spec.args[:site], (kind, CHANGED_ARG[kind]), *spec.args[site + 1 :])
        return replace(spec, args=args)
    return replace(spec, command_line=(*spec.command_line, "changed"))


def _sites(spec: Spec) -> int:
    valued = sum(1 for option, _ in spec.options if option.value != "bool")
    return valued + len(spec.args) + (1 if spec.command_line else 0)


@st.composite
def mutated(draw: st.DrawFn, spec: Spec) -> Spec:
    """Another command the learner might type: parts dropped, added or changed."""
    keep = draw(st.lists(st.booleans(), min_size=len(spec.options), max_size=len(spec.options)))
    options = [pair for pair, kept in zip(spec.options, keep, strict=True) if kept]
    present = {o.long for o, _ in options}
    extra = [o for o in _usable(spec.command) if o.long not in present]
    add = draw(st.booleans())
    if extra and add:
        option = draw(st.sampled_from(extra))
        options.append((option, "true" if option.value == "bool" else draw(OPTION_VALUES[option.value])))
    result = replace(spec, options=tuple(options))
    if _sites(result) and draw(st.booleans()):
        result = _changed(result, draw(st.integers(0, _sites(result) - 1)))
    if draw(st.booleans()):
        result = replace(result, args=result.args[:-1])
    return result


def _read_the_same(one: Command, other: Command) -> bool:
    # `docker inspect NAME` is `docker T inspect NAME` for the T it finds (a container first).
    paths = {one.path, other.path}
    return ("inspect",) in paths and any(len(p) == 2 and p[1] == "inspect" for p in paths)


def _outcome(expected: str, typed: str) -> tuple[str, int]:
    result = grade_command(expected, typed)
    return result.verdict, result.quality


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_writing_of_a_command_is_equivalent(data: st.DataObject) -> None:
    spec = data.draw(specs())
    typed = render(spec, data.draw(styles(spec)))
    answer = render(spec, data.draw(styles(spec)))
    assert _outcome(answer, typed) == ("equivalent", 5), (answer, typed, grade_command(answer, typed).message.en)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_reordering_and_short_long_forms_never_change_a_verdict(data: st.DataObject) -> None:
    spec = data.draw(specs())
    other = data.draw(mutated(spec))
    answer = render(spec, PLAIN)
    one, two = render(other, data.draw(styles(other))), render(other, data.draw(styles(other)))
    assert _outcome(answer, one) == _outcome(answer, two), (answer, one, two)
    # The same holds when the card's answer is the one written differently.
    restyled = render(spec, data.draw(styles(spec)))
    assert _outcome(restyled, one) == _outcome(answer, one), (answer, restyled, one)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_changing_a_value_changes_the_verdict(data: st.DataObject) -> None:
    spec = data.draw(specs().filter(lambda s: _sites(s) > 0))
    site = data.draw(st.integers(0, _sites(spec) - 1))
    answer = render(spec, PLAIN)
    typed = render(_changed(spec, site), data.draw(styles(spec)))
    verdict, quality = _outcome(answer, typed)
    assert verdict == "partial" and quality == 2, (answer, typed, grade_command(answer, typed).message.en)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_different_command_is_wrong(data: st.DataObject) -> None:
    spec = data.draw(specs())
    others = [c for c in MODELLED if c is not spec.command and not _read_the_same(c, spec.command)]
    other = data.draw(specs(data.draw(st.sampled_from(others))))
    answer = render(spec, PLAIN)
    typed = render(other, data.draw(styles(other)))
    assert _outcome(answer, typed) == ("wrong", 1), (answer, typed)


def test_generated_styles_cover_the_tricky_spellings() -> None:
    # The renderer really produces the forms the properties claim to vary.
    run = next(c for c in MODELLED if c.path == ("container", "run"))
    detach, tty, publish = run.option("-d"), run.option("-t"), run.option("-p")
    assert detach is not None and tty is not None and publish is not None
    spec = Spec(run, ((detach, "true"), (tty, "true"), (publish, "80:8080")), (("image", "busybox"),))
    style = Style(
        path=1, forms=(1, 1, 1), joins=(0, 0, 1), explicit_true=(False,) * 3, order=(2, 0, 1), cluster=True, after=0
    )
    assert render(spec, style) == "docker run -p80:8080 -dt busybox"
    clustered = Style(
        path=0, forms=(1, 1, 1), joins=(0, 0, 0), explicit_true=(False,) * 3, order=(0, 1, 2), cluster=True, after=0
    )
    assert render(spec, clustered) == "docker container run -dtp 80:8080 busybox"
    assert _outcome(render(spec, PLAIN), render(spec, clustered)) == ("equivalent", 5)


VOCABULARY = [
    "docker",
    "container",
    "image",
    "volume",
    "run",
    "ls",
    "ps",
    "rm",
    "logs",
    "prune",
    "login",
    "tag",
    "commit",
    "-d",
    "-it",
    "-dit",
    "-p",
    "-p80:80",
    "-p=80",
    "-v",
    "-f",
    "-a",
    "-n",
    "-t",
    "--name",
    "--name=",
    "--rm",
    "--publish",
    "--mount",
    "--tmpfs",
    "--tail",
    "--time",
    "--help",
    "--all=false",
    "--detach=maybe",
    "--",
    "-",
    "busybox",
    "Busybox",
    "alpine:3.5",
    "a/b/c:1@sha256:" + "a" * 64,
    "@",
    ":",
    "::",
    "[::1]:80:80",
    "[::1]",
    "80:8080/udp",
    "1:2:3:4",
    "/srv:/data:ro",
    "type=bind,src=/a,dst=/b,ro",
    "type=tmpfs",
    ",,,",
    "=",
    "<container>",
    "<image>",
    "<oops>",
    "sh",
    "-c",
    "'echo hi'",
    '"x',
    "\\",
    "$",
    "sudo",
    "-x",
    "--bogus",
    "|",
    "echo",
    "inspect",
    "--type",
    "--signal",
    "SIGKILL",
    "512M",
    "{{ .ID }}",
    "status=exited",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(VOCABULARY), max_size=8),
    st.lists(st.sampled_from(VOCABULARY), max_size=8),
)
def test_any_input_gets_a_verdict_never_an_exception(expected_words: list[str], typed_words: list[str]) -> None:
    typed = " ".join(typed_words)
    for answer in (
        "docker container run -d -p 80:8080 -v data:/data <image>",
        "docker container ls -a",
        " ".join(expected_words),
    ):
        try:
            result = grade_command(answer, typed)
        except ValueError:
            continue  # an unreadable expected answer is a broken card, reported as such
        assert result.quality in (1, 2, 4, 5)
        assert result.message.en or result.verdict == "equivalent"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gets_a_verdict(typed: str) -> None:
    result = grade_command("docker container ls", typed)
    assert result.quality in (1, 2, 4, 5)
    assert result.canonical == "docker container ls"
