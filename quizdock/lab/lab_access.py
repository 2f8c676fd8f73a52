"""Reaching the private lab: its folder, its errors, and a running lab's address and TLS client.

The lab itself (:mod:`quizdock.lab.engine`) is a Docker engine in a container on the learner's
Docker; this module holds what every part of it shares: where its files live (:class:`LabHome`),
how quizdock and the learner's ``docker`` CLI talk to its engine (:class:`Lab`), and how its
failures read for the learner.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import _

if TYPE_CHECKING:
    import docker

LAB_NAME = "quizdock-lab"
LABEL_LAB = "quizdock.lab"
# The client's API version until the lab engine says its own (that first request is unversioned,
# which every engine answers, Engine 29 included, whose oldest API is 1.44); then the engine's.
MIN_API = "1.41"

Mode = Literal["privileged", "capabilities"]


class LabUnavailable(QuizdockError):
    """The private lab cannot start (or was asked for and is not there)."""

    exit_code = ExitCode.LAB


class LabKeysDiffer(LabUnavailable):
    """The lab's engine refuses quizdock's client certificate (they are not the lab's)."""


# --------------------------------------------------------------------------- places


@dataclass(frozen=True, slots=True)
class LabHome:
    """The lab's folder on the learner's machine.

    Attributes:
        root: The folder (``<lab dir>/engine`` for the learner's lab, a temporary one for
            ``quizdock deck test``'s own lab).
        name: The lab container's name; its volume is ``<name>-data``.
    """

    root: Path
    name: str = LAB_NAME

    @property
    def certs(self) -> Path:
        return self.root / "certs"

    @property
    def client_config(self) -> Path:
        """``DOCKER_CONFIG`` for commands run in the lab: logins there stay there."""
        return self.root / "docker-config"

    @property
    def share(self) -> Path:
        """Mounted at the same path in the lab: challenge folders for bind mounts live here."""
        return self.root / "share"

    @property
    def lock(self) -> Path:
        return self.root / "lock"

    @property
    def image_cache(self) -> Path:
        """The cached images as ``docker save`` archives: a reset puts back any that a
        learner's ``docker image prune -a`` or ``rmi`` removed, without a registry."""
        return self.root / "images"

    @property
    def volume(self) -> str:
        return f"{self.name}-data"


def default_home() -> LabHome:
    """The learner's lab: its folder beside the challenges' state files.

    The container's name carries a digest of that folder, so two users (or two data folders,
    ``QUIZDOCK_LAB_DIR``) on one Docker never share, or replace, one lab: a lab whose
    certificates are not this folder's is another's, never this one's to remake.

    Raises:
        QuizdockError: The folder is a file or cannot be written to (exit 2).
    """
    import hashlib

    from quizdock.lab.state import usable_state_dir

    root = usable_state_dir() / "engine"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:10]
    return LabHome(root, name=f"{LAB_NAME}-{digest}")


# --------------------------------------------------------------------------- a running lab


@dataclass(frozen=True, slots=True)
class Lab:
    """A lab that runs and answers.

    Attributes:
        home: Its folder.
        container_id: The lab container.
        address: ``127.0.0.1:PORT`` of its engine (TLS).
        ports: Host ports published to the same port in the lab, for challenges to use.
        mode: How the container got its privileges (``privileged``, or explicit capabilities
            where a privileged container cannot start).
    """

    home: LabHome
    container_id: str
    address: str
    ports: tuple[int, ...]
    mode: Mode

    @property
    def host(self) -> str:
        return f"tcp://{self.address}"

    def cli_environment(self) -> dict[str, str]:
        """What the ``docker`` CLI needs to talk to the lab (and keep its logins there)."""
        return {
            "DOCKER_HOST": self.host,
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": str(self.home.certs),
            "DOCKER_CONFIG": str(self.home.client_config),
        }

    def environ(self) -> dict[str, str]:
        """This process's environment pointed at the lab (for commands run in it)."""
        env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_CONTEXT",)}
        env.update(self.cli_environment())
        return env

    def connect(self, timeout: float = 10) -> docker.DockerClient:
        """A client of the lab's engine (TLS with the client certificate).

        Raises:
            LabUnavailable: The engine does not answer, or its certificates do not match the
                ones in the lab's folder; the message says which and what to do.
        """
        import docker
        from docker.tls import TLSConfig

        certs = self.home.certs
        try:
            tls = TLSConfig(
                client_cert=(str(certs / "cert.pem"), str(certs / "key.pem")),
                ca_cert=str(certs / "ca.pem"),
                verify=True,
            )
            client = docker.DockerClient(base_url=f"https://{self.address}", version=MIN_API, timeout=timeout, tls=tls)
        except docker.errors.TLSParameterError:
            raise certificates_gone(self.home) from None
        # REQUESTS_CA_BUNDLE and proxies from the environment must not apply to the lab's own
        # certificate authority on the loopback address.
        client.api.trust_env = False
        try:
            client.api._version = str(client.api.version(api_version=False)["ApiVersion"])
        except Exception as error:
            client.close()
            raise self.unreachable(error) from None
        except BaseException:
            client.close()
            raise
        return client

    def unreachable(self, error: BaseException) -> LabUnavailable:
        """The lab's engine did not answer: a TLS mismatch, or nothing listening."""
        from quizdock.lab.docker_client import causes

        if any(_refused_certificate(e) for e in causes(error)):
            return LabKeysDiffer(
                _(
                    "The lab's engine at {address} refuses quizdock's certificate: the certificates in {path} "
                    "are not the ones the lab was started with."
                ).format(address=self.address, path=self.home.certs),
                _("Run `quizdock lab down`, then `quizdock lab up` (new certificates, a new lab)."),
            )
        if any(isinstance(e, FileNotFoundError) for e in causes(error)):
            return certificates_gone(self.home)
        return LabUnavailable(
            _("The lab's engine does not answer at {address}: {reason}.").format(
                address=self.address, reason=_innermost(error)
            ),
            _("Run `quizdock lab status`; if the lab has stopped, the next challenge starts it again."),
        )


def _refused_certificate(error: BaseException) -> bool:
    """A certificate refused by either side (not a connection closed mid-handshake, as the port's
    proxy does while the lab's engine starts)."""
    import ssl

    if isinstance(error, ssl.SSLCertVerificationError):
        return True
    reason = str(getattr(error, "reason", "") or "") if isinstance(error, ssl.SSLError) else ""
    return "CERTIFICATE" in reason or "UNKNOWN_CA" in reason


def certificates_gone(home: LabHome) -> LabUnavailable:
    """The lab runs, but the certificates that let quizdock and the learner drive it are gone."""
    return LabUnavailable(
        _("The lab's container {name} runs, but its certificates in {path} are missing: nobody can drive it.").format(
            name=home.name, path=home.certs
        ),
        _("Run `quizdock lab down`, then `quizdock lab up` (or start a challenge: it makes a new lab)."),
    )


def _innermost(error: BaseException) -> str:
    from quizdock.i18n import os_reason
    from quizdock.lab.docker_client import causes

    for cause in reversed(list(causes(error))):
        if isinstance(cause, OSError) and cause.strerror:
            return os_reason(cause)
    return str(error)
