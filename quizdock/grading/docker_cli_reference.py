"""Docker's CLI reference for the commands quizdock grades: generated, do not edit.

Regenerate with ``python tools/docker_cli_reference.py <docker/cli checkout>`` (its docstring
says how). Per command (the words after ``docker``): its aliases, then its options as
``(long form, short form or None, "bool" | "value" | "list")``, sorted; ``list`` options may
repeat. Options that commands share are written once (``_OPTIONS_...``).
"""

from __future__ import annotations

SOURCE = "docker/cli v28.5.2"

Option = tuple[str, str | None, str]
Entry = tuple[tuple[tuple[str, ...], ...], tuple[Option, ...]]


def _with(base: tuple[Option, ...], *more: Option) -> tuple[Option, ...]:
    return tuple(sorted(base + more))


_OPTIONS_CONTAINER_CREATE: tuple[Option, ...] = (
    ("--add-host", None, "list"),
    ("--annotation", None, "list"),
    ("--attach", "-a", "list"),
    ("--blkio-weight", None, "value"),
    ("--blkio-weight-device", None, "list"),
    ("--cap-add", None, "list"),
    ("--cap-drop", None, "list"),
    ("--cgroup-parent", None, "value"),
    ("--cgroupns", None, "value"),
    ("--cidfile", None, "value"),
    ("--cpu-count", None, "value"),
    ("--cpu-percent", None, "value"),
    ("--cpu-period", None, "value"),
    ("--cpu-quota", None, "value"),
    ("--cpu-rt-period", None, "value"),
    ("--cpu-rt-runtime", None, "value"),
    ("--cpu-shares", "-c", "value"),
    ("--cpus", None, "value"),
    ("--cpuset-cpus", None, "value"),
    ("--cpuset-mems", None, "value"),
    ("--device", None, "list"),
    ("--device-cgroup-rule", None, "list"),
    ("--device-read-bps", None, "list"),
    ("--device-read-iops", None, "list"),
    ("--device-write-bps", None, "list"),
    ("--device-write-iops", None, "list"),
    ("--disable-content-trust", None, "bool"),
    ("--dns", None, "list"),
    ("--dns-option", None, "list"),
    ("--dns-search", None, "list"),
    ("--domainname", None, "value"),
    ("--entrypoint", None, "value"),
    ("--env", "-e", "list"),
    ("--env-file", None, "list"),
    ("--expose", None, "list"),
    ("--gpus", None, "value"),
    ("--group-add", None, "list"),
    ("--health-cmd", None, "value"),
    ("--health-interval", None, "value"),
    ("--health-retries", None, "value"),
    ("--health-start-interval", None, "value"),
    ("--health-start-period", None, "value"),
    ("--health-timeout", None, "value"),
    ("--hostname", "-h", "value"),
    ("--init", None, "bool"),
    ("--interactive", "-i", "bool"),
    ("--io-maxbandwidth", None, "value"),
    ("--io-maxiops", None, "value"),
    ("--ip", None, "value"),
    ("--ip6", None, "value"),
    ("--ipc", None, "value"),
    ("--isolation", None, "value"),
    ("--kernel-memory", None, "value"),
    ("--label", "-l", "list"),
    ("--label-file", None, "list"),
    ("--link", None, "list"),
    ("--link-local-ip", None, "list"),
    ("--log-driver", None, "value"),
    ("--log-opt", None, "list"),
    ("--mac-address", None, "value"),
    ("--memory", "-m", "value"),
    ("--memory-reservation", None, "value"),
    ("--memory-swap", None, "value"),
    ("--memory-swappiness", None, "value"),
    ("--mount", None, "list"),
    ("--name", None, "value"),
    ("--network", None, "list"),
    ("--network-alias", None, "list"),
    ("--no-healthcheck", None, "bool"),
    ("--oom-kill-disable", None, "bool"),
    ("--oom-score-adj", None, "value"),
    ("--pid", None, "value"),
    ("--pids-limit", None, "value"),
    ("--platform", None, "value"),
    ("--privileged", None, "bool"),
    ("--publish", "-p", "list"),
    ("--publish-all", "-P", "bool"),
    ("--pull", None, "value"),
    ("--quiet", "-q", "bool"),
    ("--read-only", None, "bool"),
    ("--restart", None, "value"),
    ("--rm", None, "bool"),
    ("--runtime", None, "value"),
    ("--security-opt", None, "list"),
    ("--shm-size", None, "value"),
    ("--stop-signal", None, "value"),
    ("--stop-timeout", None, "value"),
    ("--storage-opt", None, "list"),
    ("--sysctl", None, "list"),
    ("--tmpfs", None, "list"),
    ("--tty", "-t", "bool"),
    ("--ulimit", None, "list"),
    ("--use-api-socket", None, "bool"),
    ("--user", "-u", "value"),
    ("--userns", None, "value"),
    ("--uts", None, "value"),
    ("--volume", "-v", "list"),
    ("--volume-driver", None, "value"),
    ("--volumes-from", None, "list"),
    ("--workdir", "-w", "value"),
)

REFERENCE: dict[tuple[str, ...], Entry] = {
    ("container", "attach"): (
        (("attach",),),
        (
            ("--detach-keys", None, "value"),
            ("--no-stdin", None, "bool"),
            ("--sig-proxy", None, "bool"),
        ),
    ),
    ("container", "commit"): (
        (("commit",),),
        (
            ("--author", "-a", "value"),
            ("--change", "-c", "list"),
            ("--message", "-m", "value"),
            ("--pause", "-p", "bool"),
        ),
    ),
    ("container", "cp"): (
        (("cp",),),
        (
            ("--archive", "-a", "bool"),
            ("--follow-link", "-L", "bool"),
            ("--quiet", "-q", "bool"),
        ),
    ),
    ("container", "create"): (
        (("create",),),
        _OPTIONS_CONTAINER_CREATE,
    ),
    ("container", "diff"): (
        (("diff",),),
        (),
    ),
    ("container", "exec"): (
        (("exec",),),
        (
            ("--detach", "-d", "bool"),
            ("--detach-keys", None, "value"),
            ("--env", "-e", "list"),
            ("--env-file", None, "list"),
            ("--interactive", "-i", "bool"),
            ("--privileged", None, "bool"),
            ("--tty", "-t", "bool"),
            ("--user", "-u", "value"),
            ("--workdir", "-w", "value"),
        ),
    ),
    ("container", "export"): (
        (("export",),),
        (("--output", "-o", "value"),),
    ),
    ("container", "inspect"): (
        (),
        (
            ("--format", "-f", "value"),
            ("--size", "-s", "bool"),
        ),
    ),
    ("container", "kill"): (
        (("kill",),),
        (("--signal", "-s", "value"),),
    ),
    ("container", "logs"): (
        (("logs",),),
        (
            ("--details", None, "bool"),
            ("--follow", "-f", "bool"),
            ("--since", None, "value"),
            ("--tail", "-n", "value"),
            ("--timestamps", "-t", "bool"),
            ("--until", None, "value"),
        ),
    ),
    ("container", "ls"): (
        (("container", "list"), ("container", "ps"), ("ps",)),
        (
            ("--all", "-a", "bool"),
            ("--filter", "-f", "list"),
            ("--format", None, "value"),
            ("--last", "-n", "value"),
            ("--latest", "-l", "bool"),
            ("--no-trunc", None, "bool"),
            ("--quiet", "-q", "bool"),
            ("--size", "-s", "bool"),
        ),
    ),
    ("container", "pause"): (
        (("pause",),),
        (),
    ),
    ("container", "port"): (
        (("port",),),
        (),
    ),
    ("container", "prune"): (
        (),
        (
            ("--filter", None, "list"),
            ("--force", "-f", "bool"),
        ),
    ),
    ("container", "rename"): (
        (("rename",),),
        (),
    ),
    ("container", "restart"): (
        (("restart",),),
        (
            ("--signal", "-s", "value"),
            ("--timeout", "-t", "value"),
        ),
    ),
    ("container", "rm"): (
        (("container", "remove"), ("rm",)),
        (
            ("--force", "-f", "bool"),
            ("--link", "-l", "bool"),
            ("--volumes", "-v", "bool"),
        ),
    ),
    ("container", "run"): (
        (("run",),),
        _with(
            _OPTIONS_CONTAINER_CREATE,
            ("--detach", "-d", "bool"),
            ("--detach-keys", None, "value"),
            ("--sig-proxy", None, "bool"),
        ),
    ),
    ("container", "start"): (
        (("start",),),
        (
            ("--attach", "-a", "bool"),
            ("--checkpoint", None, "value"),
            ("--checkpoint-dir", None, "value"),
            ("--detach-keys", None, "value"),
            ("--interactive", "-i", "bool"),
        ),
    ),
    ("container", "stats"): (
        (("stats",),),
        (
            ("--all", "-a", "bool"),
            ("--format", None, "value"),
            ("--no-stream", None, "bool"),
            ("--no-trunc", None, "bool"),
        ),
    ),
    ("container", "stop"): (
        (("stop",),),
        (
            ("--signal", "-s", "value"),
            ("--timeout", "-t", "value"),
        ),
    ),
    ("container", "top"): (
        (("top",),),
        (),
    ),
    ("container", "unpause"): (
        (("unpause",),),
        (),
    ),
    ("container", "update"): (
        (("update",),),
        (
            ("--blkio-weight", None, "value"),
            ("--cpu-period", None, "value"),
            ("--cpu-quota", None, "value"),
            ("--cpu-rt-period", None, "value"),
            ("--cpu-rt-runtime", None, "value"),
            ("--cpu-shares", "-c", "value"),
            ("--cpus", None, "value"),
            ("--cpuset-cpus", None, "value"),
            ("--cpuset-mems", None, "value"),
            ("--memory", "-m", "value"),
            ("--memory-reservation", None, "value"),
            ("--memory-swap", None, "value"),
            ("--pids-limit", None, "value"),
            ("--restart", None, "value"),
        ),
    ),
    ("container", "wait"): (
        (("wait",),),
        (),
    ),
    ("image", "build"): (
        (("build",), ("builder", "build")),
        (
            ("--add-host", None, "list"),
            ("--build-arg", None, "list"),
            ("--cache-from", None, "list"),
            ("--cgroup-parent", None, "value"),
            ("--compress", None, "bool"),
            ("--cpu-period", None, "value"),
            ("--cpu-quota", None, "value"),
            ("--cpu-shares", "-c", "value"),
            ("--cpuset-cpus", None, "value"),
            ("--cpuset-mems", None, "value"),
            ("--disable-content-trust", None, "bool"),
            ("--file", "-f", "value"),
            ("--force-rm", None, "bool"),
            ("--iidfile", None, "value"),
            ("--isolation", None, "value"),
            ("--label", None, "list"),
            ("--memory", "-m", "value"),
            ("--memory-swap", None, "value"),
            ("--network", None, "value"),
            ("--no-cache", None, "bool"),
            ("--platform", None, "value"),
            ("--pull", None, "bool"),
            ("--quiet", "-q", "bool"),
            ("--rm", None, "bool"),
            ("--security-opt", None, "list"),
            ("--shm-size", None, "value"),
            ("--squash", None, "bool"),
            ("--tag", "-t", "list"),
            ("--target", None, "value"),
            ("--ulimit", None, "list"),
        ),
    ),
    ("image", "history"): (
        (("history",),),
        (
            ("--format", None, "value"),
            ("--human", "-H", "bool"),
            ("--no-trunc", None, "bool"),
            ("--platform", None, "value"),
            ("--quiet", "-q", "bool"),
        ),
    ),
    ("image", "import"): (
        (("import",),),
        (
            ("--change", "-c", "list"),
            ("--message", "-m", "value"),
            ("--platform", None, "value"),
        ),
    ),
    ("image", "inspect"): (
        (),
        (
            ("--format", "-f", "value"),
            ("--platform", None, "value"),
        ),
    ),
    ("image", "load"): (
        (("load",),),
        (
            ("--input", "-i", "value"),
            ("--platform", None, "value"),
            ("--quiet", "-q", "bool"),
        ),
    ),
    ("image", "ls"): (
        (("image", "list"), ("images",)),
        (
            ("--all", "-a", "bool"),
            ("--digests", None, "bool"),
            ("--filter", "-f", "list"),
            ("--format", None, "value"),
            ("--no-trunc", None, "bool"),
            ("--quiet", "-q", "bool"),
            ("--tree", None, "bool"),
        ),
    ),
    ("image", "prune"): (
        (),
        (
            ("--all", "-a", "bool"),
            ("--filter", None, "list"),
            ("--force", "-f", "bool"),
        ),
    ),
    ("image", "pull"): (
        (("pull",),),
        (
            ("--all-tags", "-a", "bool"),
            ("--disable-content-trust", None, "bool"),
            ("--platform", None, "value"),
            ("--quiet", "-q", "bool"),
        ),
    ),
    ("image", "push"): (
        (("push",),),
        (
            ("--all-tags", "-a", "bool"),
            ("--disable-content-trust", None, "bool"),
            ("--platform", None, "value"),
            ("--quiet", "-q", "bool"),
        ),
    ),
    ("image", "rm"): (
        (("image", "remove"), ("rmi",)),
        (
            ("--force", "-f", "bool"),
            ("--no-prune", None, "bool"),
            ("--platform", None, "list"),
        ),
    ),
    ("image", "save"): (
        (("save",),),
        (
            ("--output", "-o", "value"),
            ("--platform", None, "value"),
        ),
    ),
    ("image", "tag"): (
        (("tag",),),
        (),
    ),
    ("login",): (
        (),
        (
            ("--password", "-p", "value"),
            ("--password-stdin", None, "bool"),
            ("--username", "-u", "value"),
        ),
    ),
    ("logout",): (
        (),
        (),
    ),
    ("network", "connect"): (
        (),
        (
            ("--alias", None, "list"),
            ("--driver-opt", None, "list"),
            ("--gw-priority", None, "value"),
            ("--ip", None, "value"),
            ("--ip6", None, "value"),
            ("--link", None, "list"),
            ("--link-local-ip", None, "list"),
        ),
    ),
    ("network", "create"): (
        (),
        (
            ("--attachable", None, "bool"),
            ("--aux-address", None, "list"),
            ("--config-from", None, "value"),
            ("--config-only", None, "bool"),
            ("--driver", "-d", "value"),
            ("--gateway", None, "list"),
            ("--ingress", None, "bool"),
            ("--internal", None, "bool"),
            ("--ip-range", None, "list"),
            ("--ipam-driver", None, "value"),
            ("--ipam-opt", None, "list"),
            ("--ipv4", None, "bool"),
            ("--ipv6", None, "bool"),
            ("--label", None, "list"),
            ("--opt", "-o", "list"),
            ("--scope", None, "value"),
            ("--subnet", None, "list"),
        ),
    ),
    ("network", "disconnect"): (
        (),
        (("--force", "-f", "bool"),),
    ),
    ("network", "inspect"): (
        (),
        (
            ("--format", "-f", "value"),
            ("--verbose", "-v", "bool"),
        ),
    ),
    ("network", "ls"): (
        (("network", "list"),),
        (
            ("--filter", "-f", "list"),
            ("--format", None, "value"),
            ("--no-trunc", None, "bool"),
            ("--quiet", "-q", "bool"),
        ),
    ),
    ("network", "prune"): (
        (),
        (
            ("--filter", None, "list"),
            ("--force", "-f", "bool"),
        ),
    ),
    ("network", "rm"): (
        (("network", "remove"),),
        (("--force", "-f", "bool"),),
    ),
    ("search",): (
        (),
        (
            ("--filter", "-f", "list"),
            ("--format", None, "value"),
            ("--limit", None, "value"),
            ("--no-trunc", None, "bool"),
        ),
    ),
    ("system", "df"): (
        (),
        (
            ("--format", None, "value"),
            ("--verbose", "-v", "bool"),
        ),
    ),
    ("system", "events"): (
        (("events",),),
        (
            ("--filter", "-f", "list"),
            ("--format", None, "value"),
            ("--since", None, "value"),
            ("--until", None, "value"),
        ),
    ),
    ("system", "info"): (
        (("info",),),
        (("--format", "-f", "value"),),
    ),
    ("system", "prune"): (
        (),
        (
            ("--all", "-a", "bool"),
            ("--filter", None, "list"),
            ("--force", "-f", "bool"),
            ("--volumes", None, "bool"),
        ),
    ),
    ("version",): (
        (),
        (("--format", "-f", "value"),),
    ),
    ("volume", "create"): (
        (),
        (
            ("--availability", None, "value"),
            ("--driver", "-d", "value"),
            ("--group", None, "value"),
            ("--label", None, "list"),
            ("--limit-bytes", None, "value"),
            ("--opt", "-o", "list"),
            ("--required-bytes", None, "value"),
            ("--scope", None, "value"),
            ("--secret", None, "list"),
            ("--sharing", None, "value"),
            ("--topology-preferred", None, "list"),
            ("--topology-required", None, "list"),
            ("--type", None, "value"),
        ),
    ),
    ("volume", "inspect"): (
        (),
        (("--format", "-f", "value"),),
    ),
    ("volume", "ls"): (
        (("volume", "list"),),
        (
            ("--cluster", None, "bool"),
            ("--filter", "-f", "list"),
            ("--format", None, "value"),
            ("--quiet", "-q", "bool"),
        ),
    ),
    ("volume", "prune"): (
        (),
        (
            ("--all", "-a", "bool"),
            ("--filter", None, "list"),
            ("--force", "-f", "bool"),
        ),
    ),
    ("volume", "rm"): (
        (("volume", "remove"),),
        (("--force", "-f", "bool"),),
    ),
}
