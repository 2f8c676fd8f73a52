"""`quizdock doctor`: can quizdock reach Docker, which engine is it, are the images there."""

from __future__ import annotations

import typer

from quizdock.cli.commands.common import LangOption, command, console, language
from quizdock.errors import DockerUnavailable, ExitCode
from quizdock.i18n import _, ngettext


@command
def doctor(lang: LangOption = None) -> None:
    """Check the connection to Docker and the images the challenges need."""
    # docker_client imports the docker SDK lazily; importing it here keeps `--help` light.
    from rich.markup import escape
    from rich.table import Table

    from quizdock import __version__
    from quizdock.challenges import model
    from quizdock.lab import docker_client as dc

    language(lang)
    out = console()
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("quizdock", __version__)
    table.add_row(_("endpoint"), escape(dc.describe_endpoint()))

    try:
        client = dc.connect()
        try:
            info = dc.engine_info(client)
            images = [(image, dc.image_present(client, image)) for image in model.CHALLENGE_IMAGES]
        finally:
            client.close()
    except DockerUnavailable as error:
        table.add_row(_("engine"), "[red]" + _("unreachable") + "[/]")
        out.print(table)
        out.print()
        # The cause, then the fix: one paragraph each, legible without colour.
        out.print("[bold red]" + _("Problem:") + "[/] " + escape(error.problem))
        if error.fix:
            out.print("[bold]" + _("Fix:") + "[/] " + escape(error.fix))
        raise typer.Exit(int(ExitCode.DOCKER)) from None

    engine = _("{flavour} {version} on {system}, {platform}").format(
        flavour=info.flavour, version=info.server_version, system=info.operating_system, platform=info.platform
    )
    table.add_row(_("engine"), escape(engine))  # engine-provided text: no rich markup in it
    speaks = _("{version} (the engine speaks up to {highest})").format(
        version=info.api_version, highest=info.engine_api_version
    )
    table.add_row(_("API version"), escape(speaks))
    table.add_row(_("rootless mode"), _yes_no(info.rootless))
    table.add_row("Docker Desktop", _yes_no(info.docker_desktop))
    table.add_row("Podman", _yes_no(info.podman))
    for image, present in images:
        if present:
            state = "[green]" + _("present") + "[/]"
        else:
            state = _("[yellow]missing[/]: run `docker pull {image}`").format(image=escape(image))
        table.add_row(_("image {image}").format(image=escape(image)), state)
    for name, value in _lab_rows():
        table.add_row(name, value)
    out.print(table)
    missing = [image for image, present in images if not present]
    out.print()
    if missing:
        out.print(
            ngettext(
                "Docker works; {n} image the challenges need is missing: pull it "
                "before a challenge, or let the challenge pull it (network needed).",
                "Docker works; {n} images the challenges need are missing: pull them "
                "before a challenge, or let the challenge pull them (network needed).",
                len(missing),
            ).format(n=len(missing))
        )
    else:
        out.print(_("[green]All good:[/] Docker works and the challenges' images are present."))


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _lab_rows() -> list[tuple[str, str]]:
    """The private lab: the setting, whether it runs (address, engine), else whether it can start."""
    from rich.markup import escape

    from quizdock.cli.commands.lab import privileges
    from quizdock.errors import QuizdockError
    from quizdock.lab import engine
    from quizdock.lab.docker_client import connect, image_present
    from quizdock.lab.target import lab_setting

    try:
        setting = lab_setting()
    except QuizdockError as error:
        return [(_("lab"), f"[red]{escape(str(error))}[/]")]
    rows: list[tuple[str, str]] = [(_("lab setting"), setting)]
    if setting == "off":
        rows.append(
            (_("lab"), _("off: challenges run on your own Docker (reserved qd- names, labels, filtered prunes)"))
        )
        return rows
    from quizdock.cli.commands.lab import terminal_row

    host = connect()
    try:
        image = engine.lab_image()
        has_image = image_present(host, image)
        lab = engine.find(host, engine.default_home())
        client = lab.connect() if lab is not None else None
    except QuizdockError as error:  # it runs but cannot be driven, or its folder is unusable: why, and what to do
        rows.append((_("lab"), f"[red]{escape(str(error))}[/]"))
        return rows
    finally:
        host.close()
    rows.append((_("this terminal"), escape(terminal_row(lab))))
    if lab is not None and client is not None:
        try:
            version = client.version()
        finally:
            client.close()
        rows.append((_("lab"), _("[green]running[/] at {address}").format(address=escape(lab.host))))
        rows.append(
            (_("lab engine"), escape(f"Docker Engine {version.get('Version')} (API {version.get('ApiVersion')})"))
        )
        rows.append((_("lab privileges"), privileges(lab.mode)))
        return rows
    where = _("present") if has_image else _("missing: `quizdock lab up` pulls it (network needed)")
    if reason := engine.why_not_here():
        rows.append(
            (
                _("lab"),
                _("[yellow]cannot run here[/]: {reason}; challenges run on your own Docker").format(
                    reason=escape(reason)
                ),
            )
        )
        return rows
    rows.append((_("lab"), _("not running: `quizdock lab up` starts it (a privileged container), or a challenge does")))
    rows.append((_("lab image {image}").format(image=escape(image)), where))
    return rows
