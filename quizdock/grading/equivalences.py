"""What Docker reads the same: a parsed command rewritten into the form Docker acts on.

Each rule comes from Docker's own code, not from graded cases:

- ``docker container ls``: ``-l`` is ``-n 1`` (the CLI sends ``Limit: 1``); a ``status`` filter
  or a limit (``-n``, ``-l``) lists stopped containers too, as ``-a`` does (the daemon sets
  ``All`` for ``status`` and includes stopped containers when a limit is set). Not ``exited``:
  the daemon filters running containers out first (seen on Engine 20.10 and in 28.5's code).
- ``docker volume prune``: ``-a`` is ``--filter all=true`` (the CLI adds that filter; the daemon
  reads the value with Go's ParseBool); ``--filter all=false`` is no filter.
- ``docker image ls alpine`` is ``docker image ls --filter reference=alpine``.
- ``docker inspect NAME`` looks for a container first, then an image, a network, a volume
  (docker/cli ``inspectAll``): for a container it is ``docker container inspect NAME``, and
  ``--type T`` makes it ``docker T inspect``.
- ``--format`` whose template prints what a flag prints is that flag (``{{.ID}}`` is ``-q`` on
  ``docker container ls``), unless a template is what the answer asks for: then the flag is read
  as its template, so that a wrong template is a wrong value, never a harmless extra.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from quizdock.grading.docker_cli import BY_PATH, Command, Option
from quizdock.grading.parsing import ParsedCommand, ParsedOption, quote
from quizdock.grading.values import number, template
from quizdock.i18n import N_, Text, bilingual

# Go's strconv.ParseBool, which the daemon uses for boolean filters.
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def _option(command: Command, long: str) -> Option:
    found = command.option(long)
    if found is None:  # the rules below name options Docker's reference has
        raise AssertionError(f"{command.name} has no {long}")
    return found


def _filters(parsed: ParsedCommand, key: str) -> list[ParsedOption]:
    return [po for po in parsed.options if po.option.long == "--filter" and po.value.partition("=")[0] == key]


def _container_ls(parsed: ParsedCommand) -> ParsedCommand:
    """``-l`` written as the ``-n 1`` it sends."""
    last = [po for po in parsed.options if po.option.long == "--last"]
    latest = [po for po in parsed.options if po.option.long == "--latest"]
    limit = number(last[-1].value) if last else "-1"
    if not latest or latest[-1].value != "true":
        return replace(parsed, options=tuple(po for po in parsed.options if po not in latest))
    options = [po for po in parsed.options if po not in latest]
    if limit == "-1":  # `-n` set to anything else wins over `-l`
        options = [po for po in options if po not in last]
        # Compared as `--last 1`, explained with -l's own sentences.
        flag = latest[-1].option
        as_last = replace(_option(parsed.command, "--last"), with_=flag.with_, without=flag.without)
        options.append(ParsedOption(as_last, latest[-1].written, "1"))
    return replace(parsed, options=tuple(options))


def _lists_stopped(parsed: ParsedCommand) -> bool:
    """Whether Docker lists stopped containers without ``-a`` here: a status filter or a limit."""
    last = [po for po in parsed.options if po.option.long == "--last"]
    limited = bool(last) and number(last[-1].value).lstrip("-").isdigit() and int(number(last[-1].value)) > 0
    return limited or bool(_filters(parsed, "status"))


def _volume_prune(parsed: ParsedCommand) -> ParsedCommand:
    """``--filter all=true`` as the ``-a`` that sends it; ``all=false`` as nothing."""
    options: list[ParsedOption] = []
    for po in parsed.options:
        key, _, value = po.value.partition("=")
        if po.option.long == "--filter" and key == "all" and value in _TRUE:
            options.append(ParsedOption(_option(parsed.command, "--all"), f"--filter {quote(po.value)}", "true"))
        elif not (po.option.long == "--filter" and key == "all" and value in _FALSE):
            options.append(po)
    return replace(parsed, options=tuple(options))


def _image_ls(parsed: ParsedCommand) -> ParsedCommand:
    """The one ``reference`` filter written as the argument the CLI turns into it."""
    filters = _filters(parsed, "reference")
    if parsed.args or len(filters) != 1:
        return parsed
    (found,) = filters
    rest = tuple(po for po in parsed.options if po is not found)
    return replace(parsed, options=rest, args=(found.value.removeprefix("reference="),))


_AS_DOCKER_READS: Mapping[tuple[str, ...], Callable[[ParsedCommand], ParsedCommand]] = MappingProxyType(
    {
        ("container", "ls"): _container_ls,
        ("volume", "prune"): _volume_prune,
        ("image", "ls"): _image_ls,
    }
)


def as_docker_reads(parsed: ParsedCommand) -> ParsedCommand:
    """The command with the spellings Docker reads the same written one way."""
    rule = _AS_DOCKER_READS.get(parsed.command.path)
    return parsed if rule is None else rule(parsed)


def implied_all(expected: ParsedCommand, given: ParsedCommand) -> tuple[ParsedCommand, ParsedCommand]:
    """Both commands without ``-a`` where both list stopped containers, whether said or implied.

    Where only one does, an ``-a`` written out stays (its absence is the difference); an implied
    one is not mentioned: the filter or the limit that implies it is.
    """
    if expected.command.path != ("container", "ls"):
        return expected, given

    def written_all(parsed: ParsedCommand) -> bool:
        flags = [po for po in parsed.options if po.option.long == "--all"]
        return bool(flags) and flags[-1].value == "true"

    e_all = written_all(expected) or _lists_stopped(expected)
    g_all = written_all(given) or _lists_stopped(given)
    if e_all != g_all:
        return expected, given

    def without_all(parsed: ParsedCommand) -> ParsedCommand:
        return replace(parsed, options=tuple(po for po in parsed.options if po.option.long != "--all"))

    return without_all(expected), without_all(given)


# --- docker inspect ----------------------------------------------------------------------------

_INSPECT_FIRST = "container"  # docker/cli's inspectAll tries a container first


def _typed_inspect(inspect: ParsedCommand, target: Command) -> tuple[ParsedCommand, Text | None] | None:
    """``docker inspect`` read as ``target`` (``docker T inspect``), when Docker would make it so."""
    types = [po for po in inspect.options if po.option.long == "--type"]
    kind = target.path[0]
    if types and types[-1].value != kind:
        return None
    options = tuple(
        ParsedOption(option, po.written, po.value)
        for po in inspect.options
        if po.option.long != "--type" and (option := target.option(po.option.long)) is not None
    )
    note = None
    if not types and kind != _INSPECT_FIRST:
        note = bilingual(
            N_(
                "`docker inspect` looks for a container of that name first, then an image, a network, a volume: "
                "`--type {kind}` (or `docker {kind} inspect`) says which."
            ),
            kind=kind,
        )
    return replace(inspect, command=target, options=options), note


def inspect_as_typed(
    expected: ParsedCommand, given: ParsedCommand
) -> tuple[ParsedCommand, ParsedCommand, Sequence[Text]]:
    """The plain ``docker inspect`` side read as the other side's ``docker T inspect``."""
    inspect = BY_PATH.get(("inspect",))
    e_path, g_path = expected.command.path, given.command.path
    if given.command is inspect and len(e_path) == 2 and e_path[1] == "inspect":
        found = _typed_inspect(given, expected.command)
        if found is not None:
            return expected, found[0], [n for n in (found[1],) if n is not None]
    if expected.command is inspect and len(g_path) == 2 and g_path[1] == "inspect":
        found = _typed_inspect(expected, given.command)
        if found is not None:
            return found[0], given, [n for n in (found[1],) if n is not None]
    return expected, given, []


# --- Output templates and the flags that print the same --------------------------------------


def _flag_of(command: Command, po: ParsedOption) -> Option | None:
    """The flag that prints what this ``--format`` prints, if any."""
    if po.option.long != "--format":
        return None
    wanted = template(po.value)
    return next((o for o in command.options if o.format_equivalent and o.format_equivalent == wanted), None)


def _asks_template(command: Command, options: Sequence[ParsedOption]) -> bool:
    return any(po.option.long == "--format" and _flag_of(command, po) is None for po in options)


def output_forms(
    command: Command, options: Sequence[ParsedOption], other: Sequence[ParsedOption]
) -> list[ParsedOption]:
    """``options`` with ``--format`` and the flags that print the same written one way.

    Written as flags (``--format '{{.ID}}'`` as ``-q``) unless ``other`` asks for a template no
    flag prints: then as templates (``-q`` as ``--format '{{.ID}}'``), compared with it. Beside a
    template no flag prints, ``-q`` does nothing (Docker prints the template). Messages show them
    as typed.
    """
    if _asks_template(command, options):
        # A template of one's own wins: the CLI ignores -q beside it (formatter.NewContainerFormat...).
        return [po for po in options if not po.option.format_equivalent]
    if _asks_template(command, other):
        form = command.option("--format")
        return [
            ParsedOption(form, po.written, po.option.format_equivalent)
            if form is not None and po.option.format_equivalent and po.value == "true"
            else po
            for po in options
        ]
    shown = {po: f"{po.written} {quote(po.value)}" for po in options}
    return [po if (flag := _flag_of(command, po)) is None else ParsedOption(flag, shown[po], "true") for po in options]
