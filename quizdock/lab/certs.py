"""TLS material for the private lab: only the learner, who holds the client key, can drive it.

A throwaway certificate authority signs one server certificate (for the lab's engine) and one
client certificate (for quizdock and the learner's ``docker`` CLI); the authority's key is not
kept, so nothing else can ever be signed. The file names follow the docker CLI's
``DOCKER_CERT_PATH`` convention (``ca.pem``, ``cert.pem``, ``key.pem``).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

CLIENT_FILES = ("ca.pem", "cert.pem", "key.pem")
SERVER_FILES = ("ca.pem", "server-cert.pem", "server-key.pem")
VALID_DAYS = 3650


def complete(directory: Path) -> bool:
    """Every file the lab's engine and its clients need is there."""
    return all((directory / name).is_file() for name in {*CLIENT_FILES, *SERVER_FILES})


def make_certificates(directory: Path) -> None:
    """Write a fresh authority, server and client certificate into ``directory`` (mode 0700).

    The server certificate is valid for ``127.0.0.1``, ``::1`` and ``localhost``: the lab's TLS
    port is published on the loopback address only.
    """
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)  # clock skew
    authority = _Authority.create(now, now + datetime.timedelta(days=VALID_DAYS))
    server_names: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
        x509.DNSName("localhost"),
    ]
    server_cert, server_key = authority.issue("quizdock lab engine", ExtendedKeyUsageOID.SERVER_AUTH, server_names)
    client_cert, client_key = authority.issue("quizdock lab client", ExtendedKeyUsageOID.CLIENT_AUTH, [])
    files = {
        "ca.pem": authority.certificate_pem(),
        "server-cert.pem": server_cert,
        "server-key.pem": server_key,
        "cert.pem": client_cert,
        "key.pem": client_key,
    }
    for file_name, data in files.items():
        path = directory / file_name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        path.chmod(0o600)


def _name(common: str) -> x509.Name:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@dataclass(frozen=True, slots=True)
class _Authority:
    """A throwaway certificate authority: it signs the lab's certificates, then is forgotten."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    now: datetime.datetime
    until: datetime.datetime

    @classmethod
    def create(cls, now: datetime.datetime, until: datetime.datetime) -> _Authority:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=True,
            crl_sign=True,
            encipher_only=False,
            decipher_only=False,
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name("quizdock lab CA"))
            .issuer_name(_name("quizdock lab CA"))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(usage, critical=True)
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate, now, until)

    def certificate_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, common: str, usage: x509.ObjectIdentifier, names: list[x509.GeneralName]) -> tuple[bytes, bytes]:
        """A certificate and its key (PEM) for ``common``, for one use (server or client)."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now)
            .not_valid_after(self.until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return cert.public_bytes(serialization.Encoding.PEM), key_pem
