"""Shell completion as a learner sets it up (README: `quizdock completion SHELL`), in real bash,
zsh and fish, with the installed `quizdock` command on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def shell(program: str, script: str, home: Path) -> str:
    found = shutil.which(program)
    assert found is not None, f"{program} is missing: bash .ci/engine.sh installs it"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(home), "LANG": "C.UTF-8"}
    done = subprocess.run([found, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_bash_completes_commands_and_options(isolated_home: Path) -> None:
    script = 'eval "$(quizdock completion bash)"; COMP_WORDS=(quizdock {words}); COMP_CWORD={at}; '
    script += '_quizdock_completion quizdock; printf "%s\\n" "${{COMPREPLY[@]}}"'
    assert shell("bash", script.format(words="rev", at=1), isolated_home).split() == ["review"]
    options = shell("bash", script.format(words="review --l", at=2), isolated_home).split()
    assert options == ["--limit", "--lang"]
    assert "list" in shell("bash", script.format(words="challenge l", at=2), isolated_home).split()


def test_fish_completes_commands_and_options(isolated_home: Path) -> None:
    found = shell("fish", 'quizdock completion fish | source; complete -C "quizdock rev"', isolated_home)
    assert found.splitlines()[0].startswith("review\t")
    found = shell("fish", 'quizdock completion fish | source; complete -C "quizdock review --la"', isolated_home)
    assert found.splitlines() == ["--lang\tLanguage: fr or en (default: config, then locale, else en)."]


def test_zsh_loads_the_script_and_gets_the_commands(isolated_home: Path) -> None:
    """zsh registers the function, and the call it makes lists the commands (what zsh then shows)."""
    registered = 'autoload -U compinit; compinit -u -D; eval "$(quizdock completion zsh)"; '
    registered += "print -r -- $_comps[quizdock]"
    assert shell("zsh", f"emulate zsh; {registered}", isolated_home).strip() == "_quizdock_completion"
    asked = '_TYPER_COMPLETE_ARGS="quizdock lab " _QUIZDOCK_COMPLETE=complete_zsh quizdock'
    answer = shell("zsh", asked, isolated_home)
    assert answer.startswith("_arguments") and '"up":' in answer and '"env":' in answer


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_completion_command_refuses_another_shell_in_the_learner_s_language(lang: str) -> None:
    done = subprocess.run(
        [str(BIN / "quizdock"), "completion", "tcsh", "--lang", lang], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    said = {"fr": "'tcsh' n'est pas l'une des valeurs 'bash', 'zsh', 'fish'.", "en": "'tcsh' is not one of"}
    assert "bash|zsh|fish" in done.stderr and said[lang] in done.stderr, done.stderr
