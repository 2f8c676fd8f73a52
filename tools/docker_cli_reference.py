"""Regenerate ``quizdock/grading/docker_cli_reference.py`` from Docker's own CLI definitions.

The grader's facts about the ``docker`` command line are not written by hand: they come from a
docker/cli checkout.

- Every command of the reference docker/cli generates from its own command definitions, one
  file per command in ``docs/reference/commandline/`` (``container_ls.md``: an "Aliases" line
  and an "Options" table, name, pflag type and default, between ``MARKER_GEN_START`` and
  ``MARKER_GEN_END``; docker/docs publishes the same reference as ``data/engine-cli/*.yaml``).
  A legacy page (``ps.md``) is the same command as its management page; group pages
  (``container.md``) are not commands. The teaching file
  (``quizdock/grading/docker_cli_teaching.json``, the grader's sentences and rules) must name
  commands of this reference only.
- The commands whose cobra definition calls ``flags.SetInterspersed(false)`` (``cli/command``):
  they read options only before their first argument.
- The Linux signal table Docker parses ``--signal`` with (moby/sys/signal, vendored, with the
  numbers of golang.org/x/sys/unix).

Regenerate, offline, from a checkout (or an extracted archive) of docker/cli at the release the
model follows::

    git clone --depth 1 --branch v28.5.2 https://github.com/docker/cli /tmp/docker-cli
    python tools/docker_cli_reference.py /tmp/docker-cli

(A local clone works as well: ``git clone --depth 1 --branch v28.5.2 file:///path/to/clone DIR``;
the release is read with ``git describe`` and recorded in the generated module.)
Then run the tests: ``tests/test_docker_cli_model.py`` checks that every command the decks and
the challenges use is in the data. Options Docker hides from its reference but still accepts
(deprecated spellings such as ``--time``) are listed in the teaching file, not here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TEACHING = REPO / "quizdock" / "grading" / "docker_cli_teaching.json"
OUTPUT = REPO / "quizdock" / "grading" / "docker_cli_reference.py"
REFERENCE_DIR = Path("docs") / "reference" / "commandline"
COMMAND_SOURCES = Path("cli") / "command"
SIGNAL_FILES = (
    Path("vendor/github.com/moby/sys/signal/signal_linux.go"),  # Docker's table: name -> unix.SIGxxx
    Path("vendor/golang.org/x/sys/unix/zerrors_linux.go"),  # the numbers every Linux shares
    Path("vendor/golang.org/x/sys/unix/zerrors_linux_amd64.go"),  # the rest, as on x86-64 and arm64
)

# pflag value types whose option may be repeated, each use adding a value (docker/cli's opts
# package: ListOpts, FilterOpt, MapOpts, MountOpt, UlimitOpt, NetworkOpt...).
REPEATABLE_TYPES = frozenset(
    {"list", "filter", "map", "mount", "ulimit", "network", "pipe", "command", "credential-spec"}
    | {"stringSlice", "stringArray", "stringToString", "ipNetSlice", "uint16Slice", "ipSlice"}
)

# Pages that are not commands: the root command and the index.
NOT_COMMANDS = frozenset({"docker.md", "index.md"})

Option = tuple[str, str | None, str, str | None]  # (--long, -s or None, pflag type, default or None)
Entry = tuple[tuple[tuple[str, ...], ...], tuple[Option, ...]]  # (aliases, options)


class UnreadableReference(Exception):
    """The reference is not where it was said to be, or not in the expected form."""


def _generated_part(text: str, name: str) -> str:
    start, end = text.find("<!---MARKER_GEN_START-->"), text.find("<!---MARKER_GEN_END-->")
    if start < 0 or end < start:
        raise UnreadableReference(f"{name}: no generated section (MARKER_GEN_START ... MARKER_GEN_END)")
    return text[start:end]


def _section(part: str, title: str) -> list[str] | None:
    lines = part.splitlines()
    try:
        first = lines.index(f"### {title}") + 1
    except ValueError:
        return None
    body: list[str] = []
    for line in lines[first:]:
        if line.startswith("#"):
            break
        body.append(line)
    return body


def _default(cell: str, pflag_type: str) -> str | None:
    """The default the reference states, or None: none stated, or a list's empty start value."""
    found = re.fullmatch(r"`([^`]*)`", cell)
    if found is None or pflag_type in REPEATABLE_TYPES:
        return None
    return found.group(1)


def parse_command(text: str, path: tuple[str, ...], name: str) -> Entry:
    """The aliases and options of one command from its reference page.

    ``path`` is the page's own command; the canonical one is the first alias Docker lists
    (``ps.md`` lists ``docker container ls`` first), see :func:`canonical_path`.
    """
    part = _generated_part(text, name)
    canonical = canonical_path(text, path, name)
    aliases: list[tuple[str, ...]] = []
    for line in _section(part, "Aliases") or []:
        for written in re.findall(r"`([^`]+)`", line):
            if not written.startswith("docker "):
                raise UnreadableReference(f"{name}: alias {written!r} does not start with docker")
            words = tuple(written.split()[1:])
            if words != canonical:
                aliases.append(words)
    options: list[Option] = []
    for line in _section(part, "Options") or []:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) < 3 or not cells[0] or set(cells[0]) <= set(":-") or cells[0] == "Name":
            continue
        names = re.findall(r"`(-{1,2}[A-Za-z0-9][A-Za-z0-9-]*)`", cells[0])
        longs = [n for n in names if n.startswith("--")]
        shorts = [n for n in names if not n.startswith("--")]
        type_match = re.fullmatch(r"`([A-Za-z0-9-]+)`", cells[1])
        if len(longs) != 1 or len(shorts) > 1 or type_match is None:
            raise UnreadableReference(f"{name}: cannot read the option row {line.strip()!r}")
        if longs[0] == "--help":
            continue  # every command takes it; the model adds it to each (run lists it: -h is --hostname)
        pflag_type = type_match.group(1)
        options.append((longs[0], shorts[0] if shorts else None, pflag_type, _default(cells[2], pflag_type)))
    return tuple(aliases), tuple(sorted(options, key=lambda o: o[0]))


def canonical_path(text: str, path: tuple[str, ...], name: str) -> tuple[str, ...]:
    """The command a page describes: the first alias it lists, else the page's own name."""
    aliases = _section(_generated_part(text, name), "Aliases") or []
    for line in aliases:
        for written in re.findall(r"`([^`]+)`", line):
            return tuple(written.split()[1:])
    return path


def read_reference(root: Path) -> dict[tuple[str, ...], Entry]:
    """Every command of the reference in a docker/cli checkout at ``root``: aliases and options.

    A legacy page (``ps.md``) describes the same command as its management page
    (``container_ls.md``): the command is read once, from the page named after it when there is one.
    Pages of command groups (``container.md``: only subcommands) are not commands.
    """
    directory = root / REFERENCE_DIR
    if not directory.is_dir():
        raise UnreadableReference(f"{directory} is not a directory: give the root of a docker/cli checkout")
    found: dict[tuple[str, ...], Entry] = {}
    for page in sorted(directory.glob("*.md")):
        if page.name in NOT_COMMANDS:
            continue
        text = page.read_text(encoding="utf-8")
        part = _generated_part(text, page.name)
        if _section(part, "Subcommands") is not None:
            continue
        own = tuple(page.stem.split("_"))
        canonical = canonical_path(text, own, page.name)
        if canonical in found and own != canonical:
            continue
        found[canonical] = parse_command(text, own, page.name)
    if not found:
        raise UnreadableReference(f"{directory}: no command pages")
    return found


def read_options_first(root: Path, reference: dict[tuple[str, ...], Entry]) -> frozenset[tuple[str, ...]]:
    """Commands that read options only before their first argument: their cobra definition calls
    ``flags.SetInterspersed(false)`` (``docker run IMAGE -d`` passes ``-d`` to the container)."""
    directory = root / COMMAND_SOURCES
    if not directory.is_dir():
        raise UnreadableReference(f"{directory} is not a directory: give the root of a docker/cli checkout")
    found: set[tuple[str, ...]] = set()
    for source in sorted(directory.rglob("*.go")):
        if source.name.endswith("_test.go"):
            continue
        text = source.read_text(encoding="utf-8")
        if "SetInterspersed(false)" not in text:
            continue
        aliases = re.search(r'"aliases":\s*"docker ([^",]+)', text)
        use = re.search(r'Use:\s*"([\w-]+)', text)
        if aliases is not None:
            path = tuple(aliases.group(1).split())
        elif use is not None:
            path = (source.parent.name, use.group(1))
        else:
            raise UnreadableReference(f"{source}: SetInterspersed(false) in a file without a command")
        if path not in reference:
            raise UnreadableReference(f"{source}: `docker {' '.join(path)}` is not in the reference")
        found.add(path)
    return frozenset(found)


def read_signals(root: Path) -> dict[str, int]:
    """Docker's Linux signal table (moby/sys/signal, vendored by docker/cli): name without SIG -> number."""
    texts = []
    for relative in SIGNAL_FILES:
        path = root / relative
        if not path.is_file():
            raise UnreadableReference(f"{path} is missing: give the root of a docker/cli checkout")
        texts.append(path.read_text(encoding="utf-8"))
    table, *numbers = texts
    constants = {"sigrtmin": 0, "sigrtmax": 0}
    for name in constants:
        found = re.search(rf"\b{name}\s*=\s*(\d+)", table)
        if found is None:
            raise UnreadableReference(f"{SIGNAL_FILES[0]}: no {name}")
        constants[name] = int(found.group(1))
    unix: dict[str, int] = {}
    for text in numbers:
        for symbol, value in re.findall(r"\b(SIG[A-Z0-9]+)\s*=\s*syscall\.Signal\((0x[0-9a-f]+)\)", text):
            unix[symbol] = int(value, 16)
    body = table[table.index("SignalMap") :]
    signals: dict[str, int] = {}
    for name, value in re.findall(r'"([A-Z0-9+-]+)":\s*([^,]+),', body):
        value = value.strip()
        if value.startswith("unix."):
            signals[name] = unix[value.removeprefix("unix.")]
        else:
            base, _, offset = value.partition(" ")
            number = constants[base]
            if offset:
                sign, amount = offset.split()
                number += int(amount) if sign == "+" else -int(amount)
            signals[name] = number
    if signals.get("KILL") != 9 or signals.get("TERM") != 15:
        raise UnreadableReference(f"{SIGNAL_FILES[0]}: the signal table does not read as Linux's")
    return signals


def teaching_paths(teaching: dict[str, Any]) -> list[tuple[str, ...]]:
    """The commands the grader knows, as the teaching file lists them."""
    return [tuple(name.split()) for name in teaching["commands"]]


def source_of(root: Path) -> str:
    """What the reference was read from: the checkout's tag or commit when git can tell."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "describe", "--tags", "--always"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return "docker/cli"
    described = done.stdout.strip()
    return f"docker/cli {described}" if done.returncode == 0 and described else "docker/cli"


def _literal(value: object) -> str:
    """``value`` as Python source, in the project's format (double quotes, magic trailing commas)."""
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if value is None:
        return "None"
    return json.dumps(value)  # the reference's names are plain ASCII: a JSON string is a Python one


# A command whose options are all another's and make up this share of its own is written as
# that other's plus the rest (`container run`: `container create` and three more). Shorter lists
# than SHARED_AT_LEAST are written out: two commands that take the same `--force` share no more.
SHARED_SHARE = 0.9
SHARED_AT_LEAST = 6


def shared_bases(reference: dict[tuple[str, ...], Entry]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """command -> the command whose options it is written from (bases have no base themselves)."""
    bases: dict[tuple[str, ...], tuple[str, ...]] = {}
    order = sorted(reference, key=lambda path: (len(reference[path][1]), path))
    for rank, path in enumerate(order):
        options = set(reference[path][1])
        candidates = [
            other
            for other in order[:rank]  # smaller, or as large and earlier: decided already
            if other not in bases
            and len(reference[other][1]) >= SHARED_AT_LEAST
            and set(reference[other][1]) <= options
            and len(reference[other][1]) >= SHARED_SHARE * len(options)
        ]
        if candidates:
            bases[path] = max(candidates, key=lambda other: len(reference[other][1]))
    return bases


def _group_name(path: tuple[str, ...]) -> str:
    return "_OPTIONS_" + "_".join(path).upper().replace("-", "_")


def _options_lines(options: tuple[Option, ...], indent: str) -> list[str]:
    return [f"{indent}{_literal(option)}," for option in options]


def _header(source: str, options_first: frozenset[tuple[str, ...]], signals: dict[str, int]) -> list[str]:
    return [
        '"""Docker\'s CLI reference: generated, do not edit.',
        "",
        "Regenerate with ``python tools/docker_cli_reference.py <docker/cli checkout>`` (its docstring",
        "says how). Per command (the words after ``docker``): its aliases, then its options as",
        "``(long form, short form or None, pflag type, default or None)``, sorted; options of a type in",
        "``REPEATABLE_TYPES`` may repeat. Options that commands share are written once (``_OPTIONS_...``).",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        f"SOURCE = {_literal(source)}",
        "",
        "Option = tuple[str, str | None, str, str | None]",
        "Entry = tuple[tuple[tuple[str, ...], ...], tuple[Option, ...]]",
        "",
        "REPEATABLE_TYPES = frozenset(",
        "    (",
        *[f"        {_literal(name)}," for name in sorted(REPEATABLE_TYPES)],
        "    )",
        ")",
        '"""pflag types whose option may be given several times, each use adding a value."""',
        "",
        "OPTIONS_FIRST: frozenset[tuple[str, ...]] = frozenset(",
        "    {",
        *[f"        {_literal(path)}," for path in sorted(options_first)],
        "    }",
        ")",
        '"""Commands that read options only before their first argument (cobra: SetInterspersed(false))."""',
        "",
        "SIGNALS: dict[str, int] = {",
        *[f"    {_literal(name)}: {number}," for name, number in sorted(signals.items(), key=lambda s: (s[1], s[0]))],
        "}",
        '"""Docker\'s Linux signal table (moby/sys/signal): a name without ``SIG`` to its number."""',
        "",
        "",
        "def _with(base: tuple[Option, ...], *more: Option) -> tuple[Option, ...]:",
        "    return tuple(sorted(base + more))",
        "",
        "",
    ]


def render(
    reference: dict[tuple[str, ...], Entry],
    source: str,
    options_first: frozenset[tuple[str, ...]] = frozenset(),
    signals: dict[str, int] | None = None,
) -> str:
    """The module's text: a docstring, where it came from, the facts beside the commands (pflag
    types that repeat, commands that take options first, the signal table), the option lists that
    several commands share, and one entry per command."""
    bases = shared_bases(reference)
    lines = _header(source, options_first, signals or {})
    for base in sorted(set(bases.values())):
        lines += [f"{_group_name(base)}: tuple[Option, ...] = (", *_options_lines(reference[base][1], "    "), ")"]
    if bases:
        lines.append("")
    lines.append("REFERENCE: dict[tuple[str, ...], Entry] = {")
    used = set(bases.values())
    for path in sorted(reference):
        aliases, options = reference[path]
        lines.append(f"    {_literal(path)}: (")
        lines.append(f"        {_literal(aliases)}," if aliases else "        (),")
        if path in used:
            lines.append(f"        {_group_name(path)},")
        elif path in bases:
            base = bases[path]
            more = tuple(o for o in options if o not in set(reference[base][1]))
            if not more:
                lines.append(f"        {_group_name(base)},")
            else:
                lines += [
                    "        _with(",
                    f"            {_group_name(base)},",
                    *_options_lines(more, "            "),
                    "        ),",
                ]
        elif len(options) < 2:  # as ruff formats them: (), (x,) on one line
            lines.append(f"        {_literal(options)},")
        else:
            lines += ["        (", *_options_lines(options, "            "), "        ),"]
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: python tools/docker_cli_reference.py DOCKER_CLI_CHECKOUT", file=sys.stderr)
        return 2
    root = Path(argv[0])
    teaching = json.loads(TEACHING.read_text(encoding="utf-8"))
    try:
        reference = read_reference(root)
        missing = [path for path in teaching_paths(teaching) if path not in reference]
        if missing:
            names = ", ".join("docker " + " ".join(path) for path in missing)
            raise UnreadableReference(f"not in this reference, but in the teaching file: {names}")
        options_first = read_options_first(root, reference)
        signals = read_signals(root)
    except UnreadableReference as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    OUTPUT.write_text(render(reference, source_of(root), options_first, signals), encoding="utf-8")
    options = sum(len(o) for _, o in reference.values())
    print(f"{OUTPUT.relative_to(REPO)}: {len(reference)} commands, {options} options, {len(signals)} signals")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
