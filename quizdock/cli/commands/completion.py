"""``quizdock completion SHELL``: the script that makes a shell complete quizdock's commands.

The completion itself is typer's (click's protocol: the shell runs ``quizdock`` with
``_QUIZDOCK_COMPLETE`` set, and quizdock.cli.typer_app answers it); this prints the script to load.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from quizdock.cli.commands import help_texts
from quizdock.cli.commands.common import LangOption, command_with_help, language
from quizdock.i18n import N_

PROGRAM = "quizdock"
COMPLETE_VAR = "_QUIZDOCK_COMPLETE"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


ShellArgument = Annotated[Shell, typer.Argument(metavar="bash|zsh|fish", help=N_("The shell: bash, zsh or fish."))]


@command_with_help(help_texts.COMPLETION)
def completion(shell: ShellArgument, lang: LangOption = None) -> None:
    language(lang)
    from typer.completion import completion_init, get_completion_script

    completion_init()
    typer.echo(get_completion_script(prog_name=PROGRAM, complete_var=COMPLETE_VAR, shell=shell.value))
