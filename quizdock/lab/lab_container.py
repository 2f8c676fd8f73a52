"""The lab container on the learner's Docker: find it by name, read its ports, create it, wait
for its engine.

It is privileged (or, where that is refused, given the explicit capabilities that work without
``CAP_SYS_RESOURCE``), its engine's storage in a volume of its own, its engine listening on TLS
only on :data:`TLS_PORT`, published on the loopback address with a few ports for challenges.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from quizdock.i18n import _
from quizdock.lab.certs import SERVER_FILES
from quizdock.lab.docker_ops import docker_errors, ensure_image, free_port, tar_files
from quizdock.lab.lab_access import LABEL_LAB, Lab, LabHome, LabKeysDiffer, LabUnavailable, Mode

if TYPE_CHECKING:
    import docker

TLS_PORT = 2376  # the lab engine's, in the container (Docker's own port for TLS)
PORT_POOL_SIZE = 6  # ports published to the same number in the lab, for challenges
START_SECONDS = 30  # how long its engine may take to answer
CERTS_IN_LAB = "/quizdock/certs"  # where the engine's server certificate is copied in
DEBUG_FLAG = "--debug"  # the engine logs every API request: grading reads them (requests_log.py)


def no_tls_port(home: LabHome) -> LabUnavailable:
    """The lab container runs, but nobody can reach its engine."""
    return LabUnavailable(
        _("The lab container {name} runs without its TLS port.").format(name=home.name),
        _("Run `quizdock lab down`, then try again."),
    )


def existing(host: docker.DockerClient, home: LabHome) -> Any:
    """The lab's container (any status), None when there is none.

    Raises:
        LabUnavailable: A container of that name is not quizdock's lab.
    """
    import docker.errors

    try:
        container = host.containers.get(home.name)
    except docker.errors.NotFound:
        return None
    if LABEL_LAB not in (container.labels or {}):
        raise LabUnavailable(
            _("A container named {name} exists on your Docker but is not quizdock's lab.").format(name=home.name),
            _("Rename or remove it (`docker rename {name} other-name`), then try again.").format(name=home.name),
        )
    return container


def describe(container: Any, home: LabHome) -> Lab | None:
    """The lab as its container says it is; None without certificates or a published TLS port."""
    from quizdock.lab import certs

    if not certs.complete(home.certs):
        return None
    bindings = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
    tls = bindings.get(f"{TLS_PORT}/tcp") or []
    if not tls:
        return None
    ports = tuple(
        sorted(
            int(key.split("/")[0])
            for key, value in bindings.items()
            if value and key != f"{TLS_PORT}/tcp" and key.endswith("/tcp")
        )
    )
    labels = container.labels or {}
    mode: Mode = "capabilities" if labels.get(LABEL_LAB) == "capabilities" else "privileged"
    return Lab(home=home, container_id=container.id, address=f"127.0.0.1:{tls[0]['HostPort']}", ports=ports, mode=mode)


def create(host: docker.DockerClient, home: LabHome, image: str) -> Any:
    """Create and start the lab container: privileged, or, where that is refused, with the
    explicit capabilities that work without ``CAP_SYS_RESOURCE``."""
    import docker.errors

    _ensure_lab_image(host, image)
    for path in (home.client_config, home.share):
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)
    with contextlib.suppress(docker.errors.NotFound):
        host.volumes.get(home.volume)
    if not any(v.name == home.volume for v in host.volumes.list(filters={"name": home.volume})):
        host.volumes.create(name=home.volume, labels={LABEL_LAB: "1"})
    ports = _free_ports(PORT_POOL_SIZE)
    last_error: Exception | None = None
    for mode in ("privileged", "capabilities"):
        container_id = _create_container(host, home, image, ports, mode)  # type: ignore[arg-type]
        container = host.containers.get(container_id)
        try:
            container.start()
            return container
        except docker.errors.APIError as exc:
            last_error = exc
            container.remove(force=True)
    detail = getattr(last_error, "explanation", None) or str(last_error)
    raise LabUnavailable(
        _("The lab (a Docker engine in a privileged container) cannot start on your Docker: {detail}.").format(
            detail=detail
        ),
        _(
            "Run quizdock where privileged containers are allowed, or turn the lab off "
            '(`lab = "off"` in config.toml, or QUIZDOCK_LAB=off) to run challenges on your own Docker.'
        ),
    )


def _create_container(host: docker.DockerClient, home: LabHome, image: str, ports: list[int], mode: Mode) -> str:
    api = host.api
    port_bindings: dict[Any, Any] = {TLS_PORT: ("127.0.0.1", None)}
    port_bindings.update({port: ("127.0.0.1", port) for port in ports})
    share = str(home.share)
    binds = {home.volume: {"bind": "/var/lib/docker", "mode": "rw"}, share: {"bind": share, "mode": "rw"}}
    options: dict[str, Any] = {}
    if mode == "privileged":
        options["privileged"] = True
    else:
        # What --privileged gives, less CAP_SYS_RESOURCE (some virtual machines lack it) and with
        # the host's cgroup tree writable, which --privileged would otherwise provide.
        binds["/sys/fs/cgroup"] = {"bind": "/sys/fs/cgroup", "mode": "rw"}
        options.update(
            cap_add=["ALL"],
            cap_drop=["SYS_RESOURCE"],
            security_opt=["seccomp=unconfined", "apparmor=unconfined"],
            device_cgroup_rules=["a *:* rwm"],
        )
    host_config = api.create_host_config(port_bindings=port_bindings, binds=binds, **options)
    if mode == "capabilities":
        host_config["MaskedPaths"] = []  # the CLI's --security-opt systempaths=unconfined
        host_config["ReadonlyPaths"] = []
    command = [
        "dockerd",
        DEBUG_FLAG,  # logs every API request: grading reads what the learner asked (requests_log.py)
        "--host=unix:///var/run/docker.sock",
        f"--host=tcp://0.0.0.0:{TLS_PORT}",
        "--tlsverify",
        f"--tlscacert={CERTS_IN_LAB}/ca.pem",
        f"--tlscert={CERTS_IN_LAB}/server-cert.pem",
        f"--tlskey={CERTS_IN_LAB}/server-key.pem",
    ]
    created = api.create_container(
        image,
        command=command,
        name=home.name,
        labels={LABEL_LAB: "1" if mode == "privileged" else "capabilities"},
        environment={"DOCKER_TLS_CERTDIR": ""},  # the official image would make certificates of its own
        ports=[TLS_PORT, *ports],
        host_config=host_config,
        detach=True,
    )
    container_id = str(created["Id"])
    archive = tar_files(
        {f"{CERTS_IN_LAB.strip('/')}/{n}": (home.certs / n).read_bytes() for n in SERVER_FILES}, mode=0o600
    )
    api.put_archive(container_id, "/", archive)
    return container_id


def _ensure_lab_image(host: docker.DockerClient, image: str) -> None:
    ensure_image(host, image, refused=_lab_image_cannot_pull)


def _lab_image_cannot_pull(image: str, reason: str) -> LabUnavailable:
    return LabUnavailable(
        _("The lab needs the image {image}, which is not on your Docker and cannot be pulled: {reason}.").format(
            image=image, reason=reason
        ),
        _(
            "Connect to the internet and run `docker pull {image}` once, "
            "or turn the lab off (QUIZDOCK_LAB=off) to run challenges on your own Docker."
        ).format(image=image),
    )


def _free_ports(count: int) -> list[int]:
    chosen: set[int] = set()
    for _attempt in range(count):
        chosen.add(free_port(exclude=chosen))
    return sorted(chosen)


def wait(lab: Lab, container: Any) -> docker.DockerClient:
    """Wait until the lab's engine answers over TLS."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            return lab.connect(timeout=5)  # asks the engine its API version: it answers
        except LabKeysDiffer:
            raise  # waiting changes nothing: say so at once, with the fix
        except Exception:
            pass
        container.reload()
        if container.status != "running" or time.monotonic() > deadline:
            logs = container.logs(tail=8).decode("utf-8", "replace").strip()
            raise LabUnavailable(
                _(
                    "The lab's engine did not answer within {seconds} s (container {status}). "
                    "Its last log lines: {logs}."
                ).format(seconds=START_SECONDS, status=container.status, logs=logs or _("(none)")),
                _(
                    "Run `quizdock lab down`, then `quizdock lab up`; "
                    "if it fails again, turn the lab off (QUIZDOCK_LAB=off)."
                ),
            )
        time.sleep(0.2)


def lab_errors(home: LabHome) -> contextlib.AbstractContextManager[None]:
    """A refused request while starting or removing the lab is the lab's failure (exit 8), which
    ``auto`` falls back from; an unreachable Docker stays Docker's (exit 5)."""
    return docker_errors(
        _("working on your private lab ({name}; QUIZDOCK_LAB=off runs challenges without it)").format(name=home.name),
        refused=LabUnavailable,
    )
