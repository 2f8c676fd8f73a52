"""`quizdock doctor`: can quizdock reach Docker, which engine is it, are the images there."""

from __future__ import annotations

import typer

from quizdock.commands.common import console
from quizdock.errors import DockerUnavailable, ExitCode


def doctor() -> None:
    """Check the connection to Docker and the images the challenges need."""
    # docker_client imports the docker SDK lazily; importing it here keeps `--help` light.
    from rich.markup import escape
    from rich.table import Table

    from quizdock import __version__
    from quizdock import docker_client as dc

    out = console()
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("quizdock", __version__)
    table.add_row("endpoint", escape(dc.describe_endpoint()))

    try:
        client = dc.connect()
        try:
            info = dc.engine_info(client)
            images = [(image, dc.image_present(client, image)) for image in dc.CHALLENGE_IMAGES]
        finally:
            client.close()
    except DockerUnavailable as error:
        table.add_row("engine", "[red]unreachable[/]")
        out.print(table)
        out.print()
        # The message names the cause, then the fix: one paragraph each, legible without colour.
        problem, sep, fix = str(error).partition(" Fix: ")
        out.print(f"[bold red]Problem:[/] {escape(problem)}")
        if sep:
            out.print(f"[bold]Fix:[/] {escape(fix)}")
        raise typer.Exit(int(ExitCode.DOCKER)) from None

    engine = f"{info.flavour} {info.server_version} on {info.operating_system}, {info.platform}"
    table.add_row("engine", escape(engine))  # engine-provided text: no rich markup in it
    table.add_row("API version", escape(f"{info.api_version} (the engine speaks up to {info.engine_api_version})"))
    table.add_row("rootless", _yes_no(info.rootless))
    table.add_row("Docker Desktop", _yes_no(info.docker_desktop))
    table.add_row("Podman", _yes_no(info.podman))
    for image, present in images:
        state = "[green]present[/]" if present else f"[yellow]missing[/]: run `docker pull {escape(image)}`"
        table.add_row(f"image {escape(image)}", state)
    for name, value in _lab_rows():
        table.add_row(name, value)
    out.print(table)
    missing = [image for image, present in images if not present]
    out.print()
    if missing:
        out.print(
            f"Docker works; {len(missing)} image(s) the challenges need are missing: pull them "
            "before a challenge, or let the challenge pull them (network needed)."
        )
    else:
        out.print("[green]All good:[/] Docker works and the challenges' images are present.")


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _lab_rows() -> list[tuple[str, str]]:
    """The private lab: the setting, whether it runs (address, engine), else whether it can start."""
    from rich.markup import escape

    from quizdock.docker_client import connect, image_present
    from quizdock.errors import QuizdockError
    from quizdock.lab import engine
    from quizdock.lab.target import lab_setting

    try:
        setting = lab_setting()
    except QuizdockError as error:
        return [("lab", f"[red]{escape(str(error))}[/]")]
    rows: list[tuple[str, str]] = [("lab setting", setting)]
    if setting == "off":
        rows.append(("lab", "off: challenges run on your own Docker (reserved qd- names, labels, filtered prunes)"))
        return rows
    host = connect()
    try:
        lab = engine.find(host, engine.default_home())
        image = engine.lab_image()
        has_image = image_present(host, image)
    finally:
        host.close()
    if lab is not None:
        client = lab.connect()
        try:
            version = client.version()
        finally:
            client.close()
        rows.append(("lab", f"[green]running[/] at {escape(lab.host)}"))
        rows.append(("lab engine", escape(f"Docker Engine {version.get('Version')} (API {version.get('ApiVersion')})")))
        rows.append(("lab privileges", escape(lab.mode)))
        return rows
    where = "present" if has_image else "missing: `quizdock lab up` pulls it (network needed)"
    if reason := engine.why_not_here():
        rows.append(("lab", f"[yellow]cannot run here[/]: {escape(reason)}; challenges run on your own Docker"))
        return rows
    rows.append(("lab", "not running: `quizdock lab up` starts it (a privileged container), or a challenge does"))
    rows.append((f"lab image {escape(image)}", where))
    return rows
