"""What the guard (:mod:`quizdock.lab.guard`) lets a deck step ask of Docker: one rule per
endpoint, read from the request as the daemon reads it. Anything not listed is refused."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from quizdock.i18n import N_, _
from quizdock.lab.guard import Policy, Refused, Request, _empty, _key, get, go_json

# HostConfig fields that change nothing a container can reach (any value), beside those judged.
_HARMLESS_HOST = frozenset(
    s.lower()
    for s in [
        "ContainerIDFile",
        "PortBindings",
        "RestartPolicy",
        "AutoRemove",
        "Dns",
        "DnsOptions",
        "DnsSearch",
        "ExtraHosts",
        "GroupAdd",
        "Links",
        "OomScoreAdj",
        "PublishAllPorts",
        "ReadonlyRootfs",
        "Tmpfs",
        "ShmSize",
        "ConsoleSize",
        "Isolation",
        "CpuShares",
        "Memory",
        "NanoCpus",
        "BlkioWeight",
        "BlkioWeightDevice",
        "BlkioDeviceReadBps",
        "BlkioDeviceWriteBps",
        "BlkioDeviceReadIOps",
        "BlkioDeviceWriteIOps",
        "CpuPeriod",
        "CpuQuota",
        "CpuRealtimePeriod",
        "CpuRealtimeRuntime",
        "CpusetCpus",
        "CpusetMems",
        "KernelMemory",
        "KernelMemoryTCP",
        "MemoryReservation",
        "MemorySwap",
        "MemorySwappiness",
        "OomKillDisable",
        "PidsLimit",
        "Ulimits",
        "CpuCount",
        "CpuPercent",
        "IOMaximumIOps",
        "IOMaximumBandwidth",
        "Init",
        "CapDrop",
        "StorageOpt",
        "LogConfig",
        "Binds",
        "Mounts",
        "NetworkMode",
        "PidMode",
        "IpcMode",
        "UTSMode",
        "UsernsMode",
        "CgroupnsMode",
        "VolumesFrom",
    ]
)
# Refused unless empty (their message says why).
_POWERS = {
    "privileged": N_("--privileged gives the container full access to the host"),
    "capadd": N_("added capabilities give the container powers over the host"),
    "devices": N_("a host device in the container"),
    "devicerequests": N_("host devices (GPUs) in the container"),
    "devicecgrouprules": N_("device rules give the container host devices"),
    "securityopt": N_("security options lift the container's confinement"),
    "runtime": N_("another runtime for the container"),
    "cgroupparent": N_("a host cgroup for the container"),
    "cgroup": N_("another container's cgroup"),
    "sysctls": N_("kernel settings for the container"),
    "volumedriver": N_("a volume driver, which can mount any host folder"),
    "annotations": N_("OCI annotations, read by the runtime"),
    "maskedpaths": N_("unmasked system paths (/proc, /sys) in the container"),
    "readonlypaths": N_("writable system paths (/proc, /sys) in the container"),
}
_NAMESPACES = ("NetworkMode", "PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode")
_MODES = frozenset(["ro", "rw", "z", "Z", "nocopy", "shared", "rshared", "slave", "rslave", "private", "rprivate"])
_VOLUME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]+")
_BUILD_PARAMS = frozenset(
    [
        "t",
        "dockerfile",
        "q",
        "nocache",
        "rm",
        "forcerm",
        "pull",
        "memory",
        "memswap",
        "cpushares",
        "cpusetcpus",
        "cpusetmems",
        "cpuperiod",
        "cpuquota",
        "buildargs",
        "shmsize",
        "squash",
        "labels",
        "networkmode",
        "platform",
        "target",
        "cachefrom",
        "extrahosts",
        "ulimits",
        "version",
        "isolation",
        "buildid",
    ]
)
_LOG_DRIVERS = ("", "json-file", "local", "none")


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the daemon knows of a resource: its labels, or None when there is none of that name."""

    container: Callable[[str], dict[str, str] | None]
    volume: Callable[[str], dict[str, str] | None]
    network: Callable[[str], dict[str, str] | None]
    image: Callable[[str], dict[str, str] | None]
    create_volume: Callable[[str, Mapping[str, str]], None]


Handler = Callable[["Judge", Request, "re.Match[str]"], bytes | None]
_ROUTES: list[tuple[frozenset[str], re.Pattern[str], Handler]] = []


def route(methods: str, pattern: str) -> Callable[[Handler], Handler]:
    def add(handler: Handler) -> Handler:
        _ROUTES.append((frozenset(methods.split()), re.compile(pattern), handler))
        return handler

    return add


class Judge:
    """Judges one request; returns the body to forward (None: as it came) or raises Refused."""

    def __init__(self, policy: Policy, lookup: Lookup) -> None:
        self.policy, self.lookup = policy, lookup

    def judge(self, request: Request) -> bytes | None:
        for methods, pattern, handler in _ROUTES:
            match = pattern.fullmatch(request.path)
            if match and request.method in methods:
                return handler(self, request, match)
        raise Refused(
            _("quizdock does not let a deck step ask Docker for {request}").format(
                request=f"{request.method} {request.path}"
            )
        )

    # --- ownership, on the learner's Docker only

    def own_label(self, labels: dict[str, str] | None) -> bool:
        from quizdock.lab.spec import LABEL_CHALLENGE

        return labels is not None and labels.get(LABEL_CHALLENGE) == self.policy.challenge_id

    def own_name(self, reference: str) -> bool:
        from quizdock.lab.spec import repository_name

        # The docker client writes Docker Hub's names out in full.
        for hub in ("docker.io/library/", "index.docker.io/library/"):
            reference = reference.removeprefix(hub)
        name = repository_name(reference)
        registry = self.policy.registry
        if registry and reference.startswith(registry + "/"):
            name = repository_name(reference.removeprefix(registry + "/"))
        return name in self.policy.names

    def require(self, kind: str, name: str) -> None:
        if self.policy.lab:
            return
        labels = getattr(self.lookup, kind)(name)
        if not self.own_label(labels) and not (kind == "image" and self.own_name(name)):
            raise Refused(
                _("{kind} {name} is not the challenge's: a deck step acts only on what the challenge made").format(
                    kind=kind, name=name
                )
            )

    def labelled(self, labels: Any) -> dict[str, str]:
        found = dict(labels) if isinstance(labels, dict) else {}
        return found if self.policy.lab else {**found, **self.policy.labels}

    def filtered(self, request: Request) -> None:
        """A prune on the learner's Docker names the challenge's label."""
        if self.policy.lab:
            return
        from quizdock.lab.spec import LABEL_CHALLENGE

        wanted = f"{LABEL_CHALLENGE}={self.policy.challenge_id}"
        try:
            filters = json.loads(request.first("filters") or "{}")
        except ValueError:
            filters = {}
        labels = filters.get("label") if isinstance(filters, dict) else None
        if not (labels == [wanted] or (isinstance(labels, list | dict) and wanted in labels)):
            raise Refused(
                _("a prune on your Docker must be limited to the challenge's label ({label})").format(label=wanted)
            )

    # --- mounts

    def bind(self, source: str) -> None:
        if source.rstrip("/") not in self.policy.bind_sources or source.startswith("//"):
            raise Refused(
                _(
                    "the bind mount of {source} is refused: a step mounts only a folder of the challenge, "
                    "itself (not a path below it, which a link could send anywhere)"
                ).format(source=repr(source))
            )

    def volume(self, name: str) -> None:
        if self.policy.lab:
            return
        from quizdock.lab.spec import RESERVED_PREFIX

        labels = self.lookup.volume(name)
        if labels is None and name.startswith(RESERVED_PREFIX):
            self.lookup.create_volume(name, self.policy.labels)  # labelled, so cleanup finds it
            return
        if not self.own_label(labels):
            raise Refused(_("the volume {name} is not the challenge's").format(name=name))

    def binds(self, binds: Any) -> None:
        for spec in binds or []:
            if not isinstance(spec, str):
                raise Refused(_("a bind is not text"))
            parts = spec.split(":")
            if len(parts) == 1 or (len(parts) == 2 and parts[1] in _MODES):
                continue  # an anonymous volume
            if len(parts) > 3 or not parts[0]:
                raise Refused(_("the mount {spec} cannot be read").format(spec=repr(spec)))
            if parts[0].startswith("/"):
                self.bind(parts[0])
            elif _VOLUME_NAME.fullmatch(parts[0]):
                self.volume(parts[0])
            else:
                raise Refused(_("the mount {spec} cannot be read").format(spec=repr(spec)))

    def mounts(self, mounts: Any) -> None:
        for mount in mounts or []:
            kind, source = str(get(mount, "Type") or ""), str(get(mount, "Source") or "")
            if kind == "bind":
                self.bind(source)
                propagation = str(get(get(mount, "BindOptions"), "Propagation") or "")
                if propagation in ("shared", "rshared"):
                    raise Refused(_("a shared bind mount passes mounts back to the host"))
            elif kind == "volume":
                options = get(mount, "VolumeOptions")
                driver = get(options, "DriverConfig")
                if not _empty(get(driver, "Options")) or str(get(driver, "Name") or "local") != "local":
                    raise Refused(_("volume driver options can bind any host folder"))
                if not _empty(get(options, "Subpath")):
                    raise Refused(_("a volume's subpath is not a mount quizdock allows"))
                if source:
                    self.volume(source)
            elif kind != "tmpfs":
                raise Refused(_("a mount of type {kind} is not one quizdock allows").format(kind=repr(kind)))

    def host_config(self, host: Any, *, top: bool = False) -> None:
        if not isinstance(host, dict):
            raise Refused(_("a container create without its HostConfig"))
        for key, value in host.items():
            lowered = key.lower()
            # An empty list of masked paths is no masking at all (systempaths=unconfined).
            unmasked = lowered in ("maskedpaths", "readonlypaths") and value is not None
            if lowered in _POWERS and (unmasked or not _empty(value)):
                raise Refused(_(_POWERS[lowered]))
            if not top and lowered not in _HARMLESS_HOST and lowered not in _POWERS and not _empty(value):
                raise Refused(_("HostConfig.{field} is not a setting quizdock lets a deck step use").format(field=key))
        for name in _NAMESPACES:
            value = str(get(host, name) or "")
            if value.lower() == "host" or value.lower().startswith("container:"):
                raise Refused(
                    _("{field} {value} shares a namespace of the host or of another container").format(
                        field=name, value=value
                    )
                )
        self.binds(get(host, "Binds"))
        self.mounts(get(host, "Mounts"))
        for source in get(host, "VolumesFrom") or []:
            self.require("container", str(source).split(":")[0])
        log = str(get(get(host, "LogConfig"), "Type") or "")
        if log not in _LOG_DRIVERS:
            raise Refused(_("the log driver {driver} sends logs out of Docker").format(driver=log))


@route("GET HEAD", r"/_ping|/version|/info|/events|/system/df|/containers/json|/images/json|/volumes|/networks")
@route("GET HEAD", r"/containers/[^/]+/(json|logs|top|stats|changes)|/exec/[^/]+/json")
@route("GET HEAD", r"/images/.+/(json|history)|/volumes/[^/]+|/networks/[^/]+|/distribution/.+/json")
def _read_only(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    return None


@route("POST", r"/containers/create")
def _create(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    body = go_json(request.body)
    if not isinstance(body, dict):
        raise Refused(_("a container create without its configuration"))
    judge.host_config(get(body, "HostConfig"))
    judge.host_config(body, top=True)  # read by older daemons when HostConfig is missing
    endpoints = get(get(body, "NetworkingConfig"), "EndpointsConfig") or {}
    for network in endpoints if isinstance(endpoints, dict) else ():
        if network.lower() == "host" or network.lower().startswith("container:"):
            raise Refused(_("the network {name} is the host's or another container's").format(name=network))
    if judge.policy.lab:
        return None
    body[_key(body, "Labels")] = judge.labelled(get(body, "Labels"))
    return json.dumps(body).encode()


@route("POST", r"/containers/([^/]+)/(start|stop|restart|kill|wait|attach|resize|exec)")
@route("DELETE", r"/containers/([^/]+)")
def _container_action(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    judge.require("container", match.group(1))
    if match.group(0).endswith("/start") and (request.body.strip() or request.query.get("checkpoint-dir")):
        raise Refused(_("a start with a configuration or a checkpoint folder"))
    if match.group(0).endswith("/exec"):
        body = go_json(request.body)
        if not _empty(get(body, "Privileged")):
            raise Refused(_(_POWERS["privileged"]))
    return None


@route("POST", r"/exec/[^/]+/(start|resize)")
def _exec_start(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    return None  # its exec was judged when it was created


@route("POST", r"/(containers|images|volumes|networks|build)/prune")
def _prune(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    judge.filtered(request)
    return None


@route("POST", r"/images/create")
def _pull(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    if request.first("fromSrc") or request.body.strip():
        raise Refused(_("an image import reads a file or an address of the host"))
    return None


@route("POST", r"/images/(.+)/(tag|push)")
def _tag_push(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    if judge.policy.lab:
        return None
    name = request.first("repo") if match.group(2) == "tag" else match.group(1)
    registry = judge.policy.registry
    if not judge.own_name(name) or (match.group(2) == "push" and not (registry and name.startswith(registry + "/"))):
        raise Refused(_("the image name {name} is not the challenge's").format(name=name))
    return None


@route("DELETE", r"/images/(.+)")
def _image_remove(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    judge.require("image", match.group(1))
    return None


@route("POST", r"/commit")
def _commit(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    judge.require("container", request.first("container"))
    if not judge.policy.lab and request.first("repo") and not judge.own_name(request.first("repo")):
        raise Refused(_("the image name {name} is not the challenge's").format(name=request.first("repo")))
    return None  # the image keeps the container's labels


@route("POST", r"/build")
def _build(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    for name, values in request.query.items():
        if name not in _BUILD_PARAMS and any(values):
            raise Refused(_("the build option {name} is not one quizdock allows").format(name=name))
    network = request.first("networkmode").lower()
    if network == "host" or network.startswith("container:"):
        raise Refused(_("a build in the host's network"))
    if request.first("version") not in ("", "1"):
        raise Refused(_("BuildKit builds cannot be judged by quizdock; the classic builder runs deck steps"))
    if not judge.policy.lab:
        for tag in request.query.get("t", []):
            if not judge.own_name(tag):
                raise Refused(_("the image name {name} is not the challenge's").format(name=tag))
        try:
            labels = json.loads(request.first("labels") or "{}")
        except ValueError:
            raise Refused(_("the build's labels cannot be read")) from None
        request.query["labels"] = [json.dumps(judge.labelled(labels))]
    return None


@route("POST", r"/volumes/create")
def _volume_create(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    body = go_json(request.body) or {}
    if str(get(body, "Driver") or "local") != "local" or not _empty(get(body, "DriverOpts")):
        raise Refused(_("volume driver options can bind any host folder"))
    if not _empty(get(body, "ClusterVolumeSpec")):
        raise Refused(_("a cluster volume"))
    if judge.policy.lab:
        return None
    from quizdock.lab.spec import RESERVED_PREFIX

    if not str(get(body, "Name") or "").startswith(RESERVED_PREFIX):
        raise Refused(_("a volume a step creates on your Docker has a name of the challenge's"))
    body[_key(body, "Labels")] = judge.labelled(get(body, "Labels"))
    return json.dumps(body).encode()


@route("DELETE", r"/volumes/([^/]+)")
def _volume_remove(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    judge.require("volume", match.group(1))
    return None


@route("POST", r"/networks/create")
def _network_create(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    body = go_json(request.body) or {}
    if str(get(body, "Driver") or "bridge") != "bridge" or not _empty(get(body, "Options")):
        raise Refused(_("a network driver or driver options other than a plain bridge"))
    if not judge.policy.lab and not _empty(get(get(body, "IPAM"), "Config")):
        raise Refused(_("chosen addresses on your Docker could hide your own networks"))
    if judge.policy.lab:
        return None
    body[_key(body, "Labels")] = judge.labelled(get(body, "Labels"))
    return json.dumps(body).encode()


@route("DELETE", r"/networks/([^/]+)")
def _network_remove(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    judge.require("network", match.group(1))
    return None


@route("POST", r"/auth")
def _login(judge: Judge, request: Request, match: re.Match[str]) -> bytes | None:
    server = str(get(go_json(request.body), "serveraddress") or "")
    if not judge.policy.lab and server != judge.policy.registry:
        raise Refused(_("a login anywhere but the challenge's registry"))
    return None
