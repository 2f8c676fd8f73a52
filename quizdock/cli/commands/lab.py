"""`quizdock lab up|down|status|env`: the private lab where challenges run.

Exit codes: 0 done, 5 your Docker cannot be reached, 8 the lab cannot start (or is not
running, for `env`), 9 a challenge is in progress in the lab (for `down`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from quizdock.cli.commands import help_texts
from quizdock.cli.commands.common import LangOption, command_group, console, language
from quizdock.i18n import N_, _, number, quoted

if TYPE_CHECKING:
    from quizdock.lab.engine import Lab

app = command_group(help_texts.LAB)


def privileges(mode: str) -> str:
    """How the lab's container got its privileges, for the learner."""
    if mode == "privileged":
        return _("privileged container")
    return _("all capabilities but SYS_RESOURCE (a privileged container is refused here)")


def not_running() -> str:
    return _("The lab is not running.")


def terminal_row(lab: Lab | None) -> str:
    """Where this terminal's docker CLI goes: the lab (with the way back), or the learner's Docker."""
    from quizdock.lab.terminal_env import lab_terminal, way_back

    outer = lab_terminal()
    if outer is None:
        return _("docker goes to your own Docker")
    if lab is not None and os.environ.get("DOCKER_HOST") != lab.host:
        return _('docker goes to an old address of the lab: run `eval "$(quizdock lab env)"` again')
    return _("docker goes to the lab (quizdock lab env); back to your own Docker: {line}").format(line=way_back(outer))


@app.command("up")
def up_command(lang: LangOption = None) -> None:
    """Start the lab (or say that it runs) and put the challenges' images in it."""
    import time

    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect

    language(lang)
    out = console()
    started = time.monotonic()
    home = engine.default_home()
    host = connect()
    try:
        try:
            lab = engine.find(host, home)  # running (perhaps with a challenge in it): nothing to do
        except engine.LabUnavailable:
            lab = None  # running but undrivable (its certificates are gone): up replaces it
        if lab is None:
            with engine.exclusive(home, "quizdock lab up"):
                lab = engine.up(host, home, progress=lambda step: out.print("[dim]" + _(engine.STEPS[step]) + "[/dim]"))
        else:
            lab.connect().close()  # it runs: it must also answer (a certificate mismatch is said so)
    finally:
        host.close()
    seconds = number(time.monotonic() - started, 1)
    out.print(_("The lab runs: {address} ({seconds} s).").format(address=lab.address, seconds=seconds))


@app.command("down")
def down_command(lang: LangOption = None) -> None:
    """Stop and remove the lab with its storage (the images it cached) and its certificates."""
    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect

    language(lang)
    home = engine.default_home()
    host = connect()
    try:
        with engine.exclusive(home, "quizdock lab down"):
            found = engine.down(host, home)
    finally:
        host.close()
    if found:
        console().print(_("The lab, its storage and its certificates are removed."))
    else:
        console().print(_("There is no lab to remove."))


@app.command("status")
def status_command(lang: LangOption = None) -> None:
    """Show whether the lab runs, its address, engine version, images and size."""
    from rich.markup import escape
    from rich.table import Table

    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect
    from quizdock.lab.target import lab_setting

    language(lang)
    out = console()
    host = connect()
    try:
        lab = engine.find(host, engine.default_home())
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        table.add_row(_("setting"), lab_setting())
        if lab is None:
            table.add_row(_("this terminal"), escape(terminal_row(None)))
            out.print(table)
            out.print(not_running() + " " + _("Start it with `quizdock lab up`."))
            return
        client = lab.connect()
        try:
            version = client.version()
            usage = client.df()
        finally:
            client.close()
        size = sum(int(image.get("Size") or 0) for image in usage.get("Images") or [])
        images = ", ".join(sorted(tag for image in usage.get("Images") or [] for tag in image.get("RepoTags") or []))
        table.add_row(_("state"), _("running"))
        table.add_row(_("address"), escape(lab.host))
        table.add_row(_("engine"), escape(f"Docker Engine {version.get('Version')} (API {version.get('ApiVersion')})"))
        table.add_row(_("privileges"), privileges(lab.mode))
        table.add_row(_("images"), escape(images or "-"))
        table.add_row(_("storage"), _("{size} MB").format(size=number(size / 1e6)))
        table.add_row(_("ports for challenges"), ", ".join(str(p) for p in lab.ports))
        table.add_row(_("docker login goes to"), escape(str(lab.home.client_config)))
        table.add_row(_("this terminal"), escape(terminal_row(lab)))
        out.print(table)
    finally:
        host.close()


@app.command("env")
def env_command(
    shell: Annotated[str, typer.Option("--shell", metavar="SHELL", help=N_("sh (also bash, zsh) or fish."))] = "sh",
    lang: LangOption = None,
) -> None:
    """Print the exports that point the docker CLI at the lab: eval "$(quizdock lab env)"."""
    from quizdock.errors import ExitCode, QuizdockError
    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect
    from quizdock.lab.terminal_env import LAB_VARIABLES, lab_terminal, way_back

    language(lang)
    if shell not in ("sh", "bash", "zsh", "fish"):
        raise QuizdockError(
            _("Unknown shell {shell}.").format(shell=quoted(shell)),
            _("Use sh, bash, zsh or fish."),
            exit_code=ExitCode.USAGE,
        )
    host = connect()
    try:
        lab = engine.find(host, engine.default_home())
    finally:
        host.close()
    if lab is None:
        raise engine.LabUnavailable(not_running(), _("Start it with `quizdock lab up`."))
    chosen = "fish" if shell == "fish" else "sh"
    typer.echo(engine.shell_exports(lab, chosen))
    # On stderr: shown in the terminal, not evaluated.
    outer = lab_terminal() or {key: os.environ.get(key) for key in LAB_VARIABLES}
    typer.echo(_("# docker in this terminal now goes to the lab. Back to your own Docker:"), err=True)
    typer.echo(way_back(outer, chosen), err=True)
