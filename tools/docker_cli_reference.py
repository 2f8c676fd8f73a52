"""Regenerate ``quizdock/grading/docker_cli_reference.py`` from Docker's own CLI reference.

The grader's facts about the ``docker`` command line (each command's name and aliases, its
options, their one-letter forms and whether they take a value) are not written by hand: they
come from the reference docker/cli generates from its own command definitions, one file per
command in ``docs/reference/commandline/`` (``container_ls.md``: an "Aliases" line and an
"Options" table between ``MARKER_GEN_START`` and ``MARKER_GEN_END``; docker/docs publishes the
same reference as ``data/engine-cli/*.yaml``). The commands taken are those of
``quizdock/grading/docker_cli_teaching.json``, the grader's sentences and rules for each.

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

# pflag value types whose option may be repeated, each use adding a value (docker/cli's opts
# package: ListOpts, FilterOpt, MapOpts, MountOpt, UlimitOpt, NetworkOpt...).
REPEATABLE_TYPES = frozenset(
    {"list", "filter", "map", "mount", "ulimit", "network"}
    | {"stringSlice", "stringArray", "stringToString", "ipNetSlice"}
)

Option = tuple[str, str | None, str]  # (--long, -s or None, "bool" | "value" | "list")
Entry = tuple[tuple[tuple[str, ...], ...], tuple[Option, ...]]  # (aliases, options)


class UnreadableReference(Exception):
    """The reference is not where it was said to be, or not in the expected form."""


def value_kind(pflag_type: str) -> str:
    """``bool`` for a flag, ``list`` for a repeatable value, ``value`` for any other."""
    if pflag_type == "bool":
        return "bool"
    return "list" if pflag_type in REPEATABLE_TYPES else "value"


def _generated_part(text: str, name: str) -> str:
    start, end = text.find("<!---MARKER_GEN_START-->"), text.find("<!---MARKER_GEN_END-->")
    if start < 0 or end < start:
        raise UnreadableReference(f"{name}: no generated section (MARKER_GEN_START ... MARKER_GEN_END)")
    return text[start:end]


def _section(part: str, title: str) -> list[str]:
    lines = part.splitlines()
    try:
        first = lines.index(f"### {title}") + 1
    except ValueError:
        return []
    body: list[str] = []
    for line in lines[first:]:
        if line.startswith("#"):
            break
        body.append(line)
    return body


def parse_command(text: str, path: tuple[str, ...], name: str) -> Entry:
    """The aliases and options of one command from its reference page."""
    part = _generated_part(text, name)
    canonical = "docker " + " ".join(path)
    aliases: list[tuple[str, ...]] = []
    for line in _section(part, "Aliases"):
        for written in re.findall(r"`([^`]+)`", line):
            if not written.startswith("docker "):
                raise UnreadableReference(f"{name}: alias {written!r} does not start with docker")
            if written != canonical:
                aliases.append(tuple(written.split()[1:]))
    options: list[Option] = []
    for line in _section(part, "Options"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0] or set(cells[0]) <= set(":-") or cells[0] == "Name":
            continue
        names = re.findall(r"`(-{1,2}[A-Za-z0-9][A-Za-z0-9-]*)`", cells[0])
        longs = [n for n in names if n.startswith("--")]
        shorts = [n for n in names if not n.startswith("--")]
        type_match = re.fullmatch(r"`([A-Za-z0-9-]+)`", cells[1])
        if len(longs) != 1 or len(shorts) > 1 or type_match is None:
            raise UnreadableReference(f"{name}: cannot read the option row {line.strip()!r}")
        if longs[0] == "--help":
            continue  # every command takes it; the model adds it to each (run lists it: -h is --hostname)
        options.append((longs[0], shorts[0] if shorts else None, value_kind(type_match.group(1))))
    return tuple(aliases), tuple(sorted(options))


def read_reference(root: Path, paths: list[tuple[str, ...]]) -> dict[tuple[str, ...], Entry]:
    """Each command's aliases and options, read from a docker/cli checkout at ``root``."""
    directory = root / REFERENCE_DIR
    if not directory.is_dir():
        raise UnreadableReference(f"{directory} is not a directory: give the root of a docker/cli checkout")
    found: dict[tuple[str, ...], Entry] = {}
    for path in paths:
        page = directory / ("_".join(path) + ".md")
        if not page.is_file():
            raise UnreadableReference(f"{page} is missing: `docker {' '.join(path)}` is not in this reference")
        found[path] = parse_command(page.read_text(encoding="utf-8"), path, page.name)
    return found


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


def render(reference: dict[tuple[str, ...], Entry], source: str) -> str:
    """The module's text: a docstring, where it came from, the option lists that several commands
    share, and one entry per command."""
    bases = shared_bases(reference)
    lines = [
        '"""Docker\'s CLI reference for the commands quizdock grades: generated, do not edit.',
        "",
        "Regenerate with ``python tools/docker_cli_reference.py <docker/cli checkout>`` (its docstring",
        "says how). Per command (the words after ``docker``): its aliases, then its options as",
        '``(long form, short form or None, "bool" | "value" | "list")``, sorted; ``list`` options may',
        "repeat. Options that commands share are written once (``_OPTIONS_...``).",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        f"SOURCE = {_literal(source)}",
        "",
        "Option = tuple[str, str | None, str]",
        "Entry = tuple[tuple[tuple[str, ...], ...], tuple[Option, ...]]",
        "",
        "",
        "def _with(base: tuple[Option, ...], *more: Option) -> tuple[Option, ...]:",
        "    return tuple(sorted(base + more))",
        "",
        "",
    ]
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
        reference = read_reference(root, teaching_paths(teaching))
    except UnreadableReference as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    OUTPUT.write_text(render(reference, source_of(root)), encoding="utf-8")
    options = sum(len(o) for _, o in reference.values())
    print(f"{OUTPUT.relative_to(REPO)}: {len(reference)} commands, {options} options")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
