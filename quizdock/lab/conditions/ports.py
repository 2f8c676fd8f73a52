"""Conditions on the network side of a container: the ports it publishes, and a server answering
behind one."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request

from quizdock.i18n import Text, bilingual
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    as_is,
    condition,
    diff,
    find_container,
    joined,
    no_container,
    ok,
    result,
)

_ALL_INTERFACES = ("", "0.0.0.0", "::")


def _address(ip: str) -> Text:
    if ip in _ALL_INTERFACES:
        return bilingual("all interfaces")
    return as_is(ip)


def _binding(ip: str, host_port: str, key: str) -> Text:
    where = _address(ip)
    if not host_port:  # `-p :80` or `-p 80`: Docker picks the host port
        return bilingual("a random host port on {where} → {key}", where=where, key=key)
    return bilingual("port {host_port} on {where} → {key}", host_port=host_port, where=where, key=key)


@condition
def published_port(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    host_port, container_port = str(a["host_port"]), str(a["container_port"])
    protocol, host_ip = str(a.get("protocol", "tcp")), str(a.get("host_ip", "all"))
    key = f"{container_port}/{protocol}"
    want_all = host_ip == "all"
    expected = _binding("" if want_all else host_ip, host_port, key)
    label = bilingual("{name} publishes {expected}", name=name, expected=expected)
    container = find_container(ctx, name)
    if container is None:
        return result("published_port", label, False, diff(expected, no_container(name)))

    # HostConfig holds what -p/--publish asked for, running or not.
    bindings: dict[str, list[dict[str, str]]] = container.attrs.get("HostConfig", {}).get("PortBindings") or {}
    found = [
        (str(b.get("HostIp") or ""), str(b.get("HostPort") or ""), k)
        for k, items in bindings.items()
        for b in items or []
    ]

    def ip_ok(ip: str) -> bool:
        return ip in _ALL_INTERFACES if want_all else ip.strip("[]") == host_ip.strip("[]")

    if any(k == key and port == host_port and ip_ok(ip) for ip, port, k in found):
        return result("published_port", label, True, ok(expected))
    if not found:
        actual = bilingual("no port published (-p is needed at run time)")
        return result("published_port", label, False, diff(expected, actual))
    # Name the difference with the closest binding.
    ip, port, k = max(found, key=lambda f: (f[2] == key) * 4 + (f[1] == host_port) * 2 + ip_ok(f[0]))
    differences: list[Text] = []
    if k != key:
        differences.append(bilingual("container port {found} instead of {wanted}", found=k, wanted=key))
    if port != host_port:
        random = bilingual("(random)")
        differences.append(bilingual("host port {found} instead of {wanted}", found=port or random, wanted=host_port))
    if not ip_ok(ip):
        wanted = _address("" if want_all else host_ip)
        differences.append(bilingual("address {found} instead of {wanted}", found=_address(ip), wanted=wanted))
    actual = bilingual(
        "{bindings} — {differences}",
        bindings=joined([_binding(*f) for f in found], "\u202f; ", "; "),
        differences=joined(differences, ", ", ", "),
    )
    return result("published_port", label, False, diff(expected, actual))


ANSWER_TRIES = 5


def http_answer(port: int, *, timeout: float = 2) -> int | str:
    """The HTTP status ``GET http://127.0.0.1:PORT/`` gets (any status: a server answered), or why
    none came (a published port with no server behind it is accepted, then closed, by Docker)."""
    reason = ""
    for attempt in range(ANSWER_TRIES):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except (OSError, http.client.HTTPException) as error:
            reason = str(getattr(error, "reason", None) or error) or type(error).__name__
        time.sleep(0.3 * (attempt + 1))  # a server that is still starting
    return reason


@condition
def port_answers(ctx: Context, a: Args) -> CheckResult:
    port = int(str(a["port"]))
    label = bilingual("a web server answers on http://127.0.0.1:{port}/", port=port)
    expected = bilingual("an HTTP answer")
    answer = http_answer(port)
    if isinstance(answer, int):
        return result("port_answers", label, True, ok(bilingual("HTTP {status}", status=answer)))
    # `-p [::]:PORT:80` publishes on IPv6 only on Engine 28 and later: 127.0.0.1 does not reach it.
    actual = bilingual(
        "nothing answers ({reason}): no server listens behind port {port} of 127.0.0.1", reason=answer, port=port
    )
    return result("port_answers", label, False, diff(expected, actual))
