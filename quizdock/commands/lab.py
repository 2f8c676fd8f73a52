"""`quizdock lab up|down|status|env`: the private lab where challenges run.

Exit codes: 0 done, 5 your Docker cannot be reached, 8 the lab cannot start (or is not
running, for `env`), 9 a challenge is in progress in the lab (for `down`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from quizdock.commands.common import LangOption, console, language

if TYPE_CHECKING:
    from quizdock.i18n import Lang

app = typer.Typer(
    help="Your private lab: a Docker engine of quizdock's own where challenges run.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

WORDS: dict[Lang, dict[str, str]] = {
    "en": {
        "create": "Creating the lab (first time: a Docker engine in a privileged container)…",
        "start": "Starting the lab…",
        "images": "Putting the challenges' images in the lab…",
        "up": "The lab runs: {address} ({seconds:.1f} s).",
        "down": "The lab, its storage and its certificates are removed.",
        "no_lab": "There is no lab to remove.",
        "not_running": "The lab is not running. Start it with `quizdock lab up`.",
        "running": "running",
        "state": "state",
        "setting": "setting",
        "address": "address",
        "engine": "engine",
        "privileges": "privileges",
        "images_row": "images",
        "size": "storage",
        "ports": "ports for challenges",
        "client_config": "docker login goes to",
        "privileged": "privileged container",
        "capabilities": "all capabilities but SYS_RESOURCE (a privileged container is refused here)",
    },
    "fr": {
        "create": "Création du labo (la première fois : un moteur Docker dans un conteneur privilégié)…",
        "start": "Démarrage du labo…",
        "images": "Copie des images des défis dans le labo…",
        "up": "Le labo tourne : {address} ({seconds:.1f} s).",
        "down": "Le labo, son stockage et ses certificats sont supprimés.",
        "no_lab": "Il n'y a pas de labo à supprimer.",
        "not_running": "Le labo ne tourne pas. Démarrez-le avec `quizdock lab up`.",
        "running": "en marche",
        "state": "état",
        "setting": "réglage",
        "address": "adresse",
        "engine": "moteur",
        "privileges": "privilèges",
        "images_row": "images",
        "size": "stockage",
        "ports": "ports pour les défis",
        "client_config": "docker login écrit dans",
        "privileged": "conteneur privilégié",
        "capabilities": "toutes les capacités sauf SYS_RESOURCE (un conteneur privilégié est refusé ici)",
    },
}


@app.command("up")
def up_command(lang: LangOption = None) -> None:
    """Start the lab (or say that it runs) and put the challenges' images in it."""
    import time

    from quizdock.docker_client import connect
    from quizdock.lab import engine

    words = WORDS[language(lang)]
    out = console()
    started = time.monotonic()
    home = engine.default_home()
    host = connect()
    try:
        lab = engine.find(host, home)  # running (perhaps with a challenge in it): nothing to do
        if lab is None:
            with engine.exclusive(home, "quizdock lab up"):
                lab = engine.up(host, home, progress=lambda step: out.print(f"[dim]{words[step]}[/dim]"))
    finally:
        host.close()
    out.print(words["up"].format(address=lab.address, seconds=time.monotonic() - started))


@app.command("down")
def down_command(lang: LangOption = None) -> None:
    """Stop and remove the lab with its storage (the images it cached) and its certificates."""
    from quizdock.docker_client import connect
    from quizdock.lab import engine

    words = WORDS[language(lang)]
    home = engine.default_home()
    host = connect()
    try:
        with engine.exclusive(home, "quizdock lab down"):
            found = engine.down(host, home)
    finally:
        host.close()
    console().print(words["down"] if found else words["no_lab"])


@app.command("status")
def status_command(lang: LangOption = None) -> None:
    """Show whether the lab runs, its address, engine version, images and size."""
    from rich.markup import escape
    from rich.table import Table

    from quizdock.docker_client import connect
    from quizdock.lab import engine
    from quizdock.lab.target import lab_setting

    words = WORDS[language(lang)]
    out = console()
    host = connect()
    try:
        lab = engine.find(host, engine.default_home())
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        table.add_row(words["setting"], lab_setting())
        if lab is None:
            out.print(table)
            out.print(words["not_running"])
            return
        client = lab.connect()
        try:
            version = client.version()
            usage = client.df()
        finally:
            client.close()
        size = sum(int(image.get("Size") or 0) for image in usage.get("Images") or [])
        images = ", ".join(sorted(tag for image in usage.get("Images") or [] for tag in image.get("RepoTags") or []))
        table.add_row(words["state"], words["running"])
        table.add_row(words["address"], escape(lab.host))
        table.add_row(
            words["engine"], escape(f"Docker Engine {version.get('Version')} (API {version.get('ApiVersion')})")
        )
        table.add_row(words["privileges"], words[lab.mode])
        table.add_row(words["images_row"], escape(images or "-"))
        table.add_row(words["size"], f"{size / 1e6:.0f} MB")
        table.add_row(words["ports"], ", ".join(str(p) for p in lab.ports))
        table.add_row(words["client_config"], escape(str(lab.home.client_config)))
        out.print(table)
    finally:
        host.close()


@app.command("env")
def env_command(
    shell: Annotated[str, typer.Option("--shell", help="sh (also bash, zsh) or fish.")] = "sh",
    lang: LangOption = None,
) -> None:
    """Print the exports that point the docker CLI at the lab: eval "$(quizdock lab env)"."""
    from quizdock.docker_client import connect
    from quizdock.errors import ExitCode, QuizdockError
    from quizdock.lab import engine

    if shell not in ("sh", "bash", "zsh", "fish"):
        raise QuizdockError(f"Unknown shell {shell!r}. Fix: use sh, bash, zsh or fish.", exit_code=ExitCode.USAGE)
    host = connect()
    try:
        lab = engine.find(host, engine.default_home())
    finally:
        host.close()
    if lab is None:
        raise engine.LabUnavailable(WORDS[language(lang)]["not_running"])
    typer.echo(engine.shell_exports(lab, "fish" if shell == "fish" else "sh"))
