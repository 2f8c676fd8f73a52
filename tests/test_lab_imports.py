"""The modules that reach Docker import no terminal code and stand in no import cycle.

Every import counts: inside functions and under TYPE_CHECKING too, since either makes the
modules depend on each other all the same.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "quizdock"
# The Docker access of the lab: the learner's Docker, the lab engine and its parts, a challenge's
# setup and cleanup, where a challenge runs.
DOCKER_ACCESS = (
    "quizdock.lab.docker_client",
    "quizdock.lab.certs",
    "quizdock.lab.docker_ops",
    "quizdock.lab.engine",
    "quizdock.lab.lab_access",
    "quizdock.lab.lab_container",
    "quizdock.lab.lab_images",
    "quizdock.lab.runner",
    "quizdock.lab.target",
    "quizdock.lab.terminal_env",
    "quizdock.lab.trust",
)
# What prints or prompts: the command line's layer (LAYOUT: plaintext's status line is the CLI's;
# console.py is its Rich side where the two are apart).
TERMINAL = ("rich", "questionary", "typer", "click")
CLI_MODULES = ("cli", "commands", "review", "quickreview", "prompts", "charts", "clicktext", "plaintext", "console")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported(name: str) -> set[str]:
    """Every module ``name`` imports, wherever the import statement stands."""
    return imports_of(name, MODULES[name])


@functools.cache
def imports_of(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    return found


def ours(names: set[str]) -> set[str]:
    """quizdock's modules among ``names`` (``from quizdock.lab import engine`` is the module)."""
    result = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name.startswith("quizdock"):
            result.add(name)
    return result


def reachable(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in ours(imported(todo.pop())) - seen:
            seen.add(target)
            todo.append(target)
    return seen


def test_the_docker_access_modules_import_no_terminal_code() -> None:
    assert set(DOCKER_ACCESS) <= set(MODULES)
    for name in DOCKER_ACCESS:
        outside = {m for m in imported(name) if m.split(".")[0] in TERMINAL}
        cli = {m for m in ours(imported(name)) if m.split(".")[1:2] in ([c] for c in CLI_MODULES)}
        assert outside | cli == set(), name


def test_no_import_cycle_runs_through_the_docker_access_modules() -> None:
    for name in DOCKER_ACCESS:
        back = sorted(m for m in reachable(name) if m != name and name in reachable(m))
        assert back == [], f"{name} imports itself again through {back}"


def test_the_checks_see_imports_made_inside_a_function(tmp_path: Path) -> None:
    # The lab once reached the runner's helpers this way (lab.engine <-> lab.runner).
    name = "quizdock.lab.docker_ops"
    original = MODULES[name]
    copy = tmp_path / "docker_ops.py"
    inside = "\n\ndef helper():\n    from quizdock.lab.runner import setup\n    from rich.markup import escape\n"
    copy.write_text(original.read_text(encoding="utf-8") + inside, encoding="utf-8")
    MODULES[name] = copy
    try:
        assert "rich.markup" in imported(name)
        assert name in reachable("quizdock.lab.runner") and "quizdock.lab.runner" in reachable(name)
    finally:
        MODULES[name] = original
