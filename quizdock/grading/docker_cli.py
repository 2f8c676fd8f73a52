"""The Docker CLI as data: commands, their aliases, options and arguments.

This is the one place that knows what the ``docker`` command line accepts. The comparer in
:mod:`quizdock.grading.commands` reads it to parse a typed command and to explain a difference
in one sentence. Nothing here runs Docker.

The model follows the Docker CLI 20.10-28.x (``docker <command> --help``): management forms
(``docker container ls``) are canonical, legacy top-level forms (``docker ps``) are aliases.
Every option has a consequence sentence for when it is present (``with_``) and for when it is
absent (``without``), written in the conditional so that they read after "missing -d:" or
"unexpected -a:".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from quizdock.i18n import Text as T

ValueKind = Literal[
    "bool",  # a flag; its value is "true" or "false"
    "string",  # compared as written (placeholders allowed)
    "int",  # compared as a number
    "tail",  # a number of lines or "all"
    "image",  # an image reference (implicit docker.io/library/ and :latest)
    "publish",  # -p [ip:][host_port:]container_port[/proto]
    "volume",  # -v [source:]target[:options]
    "mount",  # --mount key=value,...
    "tmpfs",  # --tmpfs path[:options]
]

ArgKind = Literal[
    "container",
    "image",
    "volume",
    "network",
    "name",
    "server",  # a registry address; absent means Docker Hub
    "port",  # a container port, optionally /proto
    "command",  # the rest of the line: the container's command and its arguments
    "path",
    "string",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One option of one command.

    Attributes:
        long: The long form, canonical (``--detach``).
        short: The one-letter form (``-d``), if any.
        value: What the option takes; ``"bool"`` for a flag.
        with_: What would happen with the option (for "unexpected ..." messages).
        without: What would happen without it (for "missing ..." messages).
        harmless: Adding it when not asked changes nothing the learner was asked for
            (``--force`` on prune only skips the confirmation prompt).
        repeatable: The option may be given several times and its values add up.
        default: The value Docker uses when the option is absent; writing it changes nothing.
        aliases: Other long spellings Docker accepts (``--time`` for ``--timeout``).
        group: Options compared together because they set the same thing (``-v``,
            ``--mount`` and ``--tmpfs`` all add a mount).
        moves_to_arg: The option is another spelling of the command's first argument
            (``docker volume create --name v`` is ``docker volume create v``).
        format_equivalent: The ``--format`` template that prints exactly what this flag
            prints (``{{.ID}}`` for ``-q`` on ``docker container ls``).
    """

    long: str
    short: str | None = None
    value: ValueKind = "bool"
    with_: T
    without: T
    harmless: bool = False
    repeatable: bool = False
    default: str | None = None
    aliases: tuple[str, ...] = ()
    group: str | None = None
    moves_to_arg: bool = False
    format_equivalent: str | None = None

    @property
    def key(self) -> str:
        """The comparison key: options with the same key set the same thing."""
        return self.group or self.long

    @property
    def normalized_default(self) -> str | None:
        """The default value; a flag without a stated default is off."""
        if self.default is None and self.value == "bool":
            return "false"
        return self.default


@dataclass(frozen=True, slots=True, kw_only=True)
class Arg:
    """One positional argument (or a run of them) of a command.

    Attributes:
        kind: What the argument names; placeholders of that kind match it.
        label: How messages name it ("the container").
        required: Docker refuses the command without it.
        variadic: It may be repeated; the order of the repeats does not matter.
        without: What would happen without it, for an optional argument.
        default: The value Docker uses when it is absent (Docker Hub for ``login``).
    """

    kind: ArgKind
    label: T
    required: bool = True
    variadic: bool = False
    without: T | None = None
    default: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """One Docker command.

    Attributes:
        path: The canonical words after ``docker`` (``("container", "ls")``).
        aliases: Other word sequences for the same command (``("ps",)``).
        meaning: What it does, as a verb phrase ("lists containers").
        options: The options it takes.
        args: Its positional arguments, in order.
        interspersed: Options may follow arguments. ``run``, ``create`` and ``exec`` stop
            reading options at the first argument: what follows the image is the
            container's command.
        modelled: Its options and arguments are in the model. Commands known by name only
            are recognised (so a learner is told "a different command", not "unknown"),
            but cannot be an expected answer.
    """

    path: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...] = ()
    meaning: T
    options: tuple[Option, ...] = ()
    args: tuple[Arg, ...] = ()
    interspersed: bool = True
    modelled: bool = True

    @property
    def name(self) -> str:
        """The canonical form, ``docker container ls``."""
        return "docker " + " ".join(self.path)

    @property
    def paths(self) -> tuple[tuple[str, ...], ...]:
        """The canonical path, then every alias."""
        return (self.path, *self.aliases)

    def option(self, name: str) -> Option | None:
        """The option spelled ``name`` (``-d``, ``--detach`` or an alias), if any."""
        return _option_index(self).get(name)


# Placeholders a card's answer may hold, and what each accepts: a regular expression for one
# value of that kind. <image> and <command> are matched structurally by the comparer; their
# patterns here serve where they appear inside a longer value.
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "container": _NAME,
        "volume": _NAME,
        "network": _NAME,
        "name": _NAME,
        "image": r"[A-Za-z0-9][A-Za-z0-9._/:@-]*",
        "path": r"[^\s:,]+",
        "port": r"[0-9]+(?:-[0-9]+)?",
        "command": r".+",
        "registry": r"[A-Za-z0-9.-]+(?::[0-9]+)?",
        "user": r"[a-z0-9]+(?:[._-][a-z0-9]+)*",
        "tag": r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
    }
)

# --- Shared options ------------------------------------------------------------------------

_FORCE_PRUNE = Option(
    long="--force",
    short="-f",
    harmless=True,
    with_=T("aucune confirmation ne serait demandée", "no confirmation would be asked"),
    without=T("Docker demanderait d'abord confirmation", "Docker would ask for confirmation first"),
)


def _filter(short: str | None) -> Option:
    return Option(
        long="--filter",
        short=short,
        value="string",
        repeatable=True,
        with_=T("le résultat serait limité par ce filtre", "the result would be limited by this filter"),
        without=T("le résultat ne serait pas filtré", "the result would not be filtered"),
    )


def _format(short: str | None = None) -> Option:
    # Output only: the command still lists what was asked, in another layout.
    return Option(
        long="--format",
        short=short,
        value="string",
        harmless=True,
        with_=T("la sortie suivrait ce modèle", "the output would follow this template"),
        without=T("la sortie aurait sa forme par défaut", "the output would have its default layout"),
    )


_NO_TRUNC = Option(
    long="--no-trunc",
    harmless=True,
    with_=T("les valeurs seraient affichées en entier", "values would be shown in full"),
    without=T("les valeurs longues seraient tronquées", "long values would be truncated"),
)


def _quiet(what: T, field: str = ".ID") -> Option:
    # Output only: IDs (or names) of the same rows, what `--format '{{<field>}}'` prints too.
    return Option(
        long="--quiet",
        short="-q",
        harmless=True,
        format_equivalent=f"{{{{{field}}}}}",
        with_=T(f"seuls les {what.fr} seraient affichés", f"only the {what.en} would be printed"),
        without=T(
            f"des lignes complètes seraient affichées, pas seulement les {what.fr}",
            f"full rows would be printed, not just the {what.en}",
        ),
    )


_QUIET_PULL = Option(
    long="--quiet",
    short="-q",
    harmless=True,
    with_=T("la progression ne serait pas affichée", "the progress output would be hidden"),
    without=T("la progression serait affichée", "the progress output would be shown"),
)
_CONTENT_TRUST = Option(
    long="--disable-content-trust",
    default="true",
    harmless=True,
    with_=T("la vérification des signatures serait activée", "image signature checks would be on"),
    without=T("les signatures ne seraient pas vérifiées", "image signatures would not be checked"),
)
_PLATFORM = Option(
    long="--platform",
    value="string",
    with_=T("l'image de cette plateforme serait utilisée", "the image for this platform would be used"),
    without=T("l'image de la plateforme de l'hôte serait utilisée", "the image for the host's platform would be used"),
)
_ALL_TAGS = Option(
    long="--all-tags",
    short="-a",
    with_=T("tous les tags du dépôt seraient transférés", "every tag of the repository would be transferred"),
    without=T("un seul tag serait transféré", "only one tag would be transferred"),
)
_TIMEOUT = Option(
    long="--timeout",
    short="-t",
    value="int",
    aliases=("--time",),  # the older spelling, still accepted (deprecated)
    with_=T(
        "Docker attendrait ce nombre de secondes avant de tuer le conteneur",
        "Docker would wait that many seconds before killing the container",
    ),
    without=T(
        "Docker attendrait le délai par défaut (10 s) avant de tuer le conteneur",
        "Docker would wait the default 10 seconds before killing the container",
    ),
)
_SIGNAL = Option(
    long="--signal",
    short="-s",
    value="string",
    with_=T("ce signal serait envoyé au lieu de SIGTERM", "this signal would be sent instead of SIGTERM"),
    without=T("Docker enverrait SIGTERM", "Docker would send SIGTERM"),
)
_DETACH_KEYS = Option(
    long="--detach-keys",
    value="string",
    with_=T("une autre séquence de touches détacherait le terminal", "another key sequence would detach the terminal"),
    without=T("Ctrl-P Ctrl-Q détacherait le terminal", "Ctrl-P Ctrl-Q would detach the terminal"),
)
_LABEL = Option(
    long="--label",
    value="string",
    repeatable=True,
    with_=T("ce label serait posé", "this label would be set"),
    without=T("le label ne serait pas posé", "the label would not be set"),
)


def _inspect_format() -> Option:
    return _format("-f")


# --- Options of run and create -------------------------------------------------------------

_DETACH = Option(
    long="--detach",
    short="-d",
    with_=T("le conteneur tournerait en arrière-plan", "the container would run in the background"),
    without=T("le conteneur tournerait au premier plan", "the container would run in the foreground"),
)
_INTERACTIVE = Option(
    long="--interactive",
    short="-i",
    with_=T("l'entrée standard resterait ouverte", "standard input would stay open"),
    without=T("le conteneur ne pourrait pas lire ce que vous tapez", "the container could not read what you type"),
)
_TTY = Option(
    long="--tty",
    short="-t",
    with_=T("un terminal serait alloué", "a terminal would be allocated"),
    without=T(
        "aucun terminal ne serait alloué (pas d'invite ni d'édition de ligne)",
        "no terminal would be allocated (no prompt, no line editing)",
    ),
)
_ENV = Option(
    long="--env",
    short="-e",
    value="string",
    repeatable=True,
    with_=T("cette variable d'environnement serait définie", "this environment variable would be set"),
    without=T("la variable d'environnement ne serait pas définie", "the environment variable would not be set"),
)
_ENV_FILE = Option(
    long="--env-file",
    value="string",
    repeatable=True,
    with_=T("les variables de ce fichier seraient définies", "the variables in this file would be set"),
    without=T("les variables du fichier ne seraient pas définies", "the file's variables would not be set"),
)
_WORKDIR = Option(
    long="--workdir",
    short="-w",
    value="string",
    with_=T("la commande s'exécuterait dans ce dossier", "the command would run in this directory"),
    without=T(
        "la commande s'exécuterait dans le dossier de travail de l'image",
        "the command would run in the image's working directory",
    ),
)
_USER = Option(
    long="--user",
    short="-u",
    value="string",
    with_=T("la commande s'exécuterait sous cet utilisateur", "the command would run as this user"),
    without=T(
        "la commande s'exécuterait sous l'utilisateur de l'image (souvent root)",
        "the command would run as the image's user (often root)",
    ),
)
_PRIVILEGED = Option(
    long="--privileged",
    with_=T(
        "le conteneur aurait des privilèges étendus sur l'hôte",
        "the container would get extended privileges on the host",
    ),
    without=T(
        "le conteneur garderait les privilèges restreints par défaut",
        "the container would keep the default restricted privileges",
    ),
)
_MOUNT_WITHOUT = T(
    "les données resteraient dans le conteneur et disparaîtraient avec lui",
    "the data would stay in the container and disappear with it",
)

_CONTAINER_CONFIG: tuple[Option, ...] = (
    Option(
        long="--name",
        value="string",
        harmless=True,
        with_=T("le conteneur recevrait ce nom", "the container would get this name"),
        without=T("Docker donnerait au conteneur un nom au hasard", "Docker would give the container a random name"),
    ),
    _INTERACTIVE,
    _TTY,
    Option(
        long="--publish",
        short="-p",
        value="publish",
        repeatable=True,
        with_=T("ce port serait publié sur l'hôte", "this port would be published on the host"),
        without=T("le port ne serait pas joignable depuis l'hôte", "the port would not be reachable from the host"),
    ),
    Option(
        long="--publish-all",
        short="-P",
        with_=T(
            "chaque port exposé serait publié sur un port aléatoire de l'hôte",
            "every exposed port would be published on a random host port",
        ),
        without=T("les ports exposés ne seraient pas publiés", "the exposed ports would not be published"),
    ),
    Option(
        long="--volume",
        short="-v",
        value="volume",
        repeatable=True,
        group="mount",
        with_=T(
            "ce volume ou ce dossier de l'hôte serait monté dans le conteneur",
            "this volume or host directory would be mounted in the container",
        ),
        without=_MOUNT_WITHOUT,
    ),
    Option(
        long="--mount",
        value="mount",
        repeatable=True,
        group="mount",
        with_=T("ce montage serait ajouté au conteneur", "this mount would be added to the container"),
        without=_MOUNT_WITHOUT,
    ),
    Option(
        long="--tmpfs",
        value="tmpfs",
        repeatable=True,
        group="mount",
        with_=T("un système de fichiers en mémoire serait monté", "an in-memory filesystem would be mounted"),
        without=T(
            "aucun système de fichiers en mémoire ne serait monté à cet endroit",
            "no in-memory filesystem would be mounted there",
        ),
    ),
    Option(
        long="--rm",
        harmless=True,
        with_=T("le conteneur serait supprimé à sa sortie", "the container would be removed when it exits"),
        without=T(
            "le conteneur arrêté resterait jusqu'à ce qu'on le supprime",
            "the stopped container would stay until removed",
        ),
    ),
    _ENV,
    _ENV_FILE,
    _WORKDIR,
    _USER,
    Option(
        long="--hostname",
        short="-h",
        value="string",
        with_=T("le conteneur aurait ce nom d'hôte", "the container would get this host name"),
        without=T("le nom d'hôte serait l'ID du conteneur", "the host name would be the container ID"),
    ),
    Option(
        long="--network",
        value="string",
        aliases=("--net",),
        with_=T("le conteneur rejoindrait ce réseau", "the container would join this network"),
        without=T(
            "le conteneur rejoindrait le réseau bridge par défaut",
            "the container would join the default bridge network",
        ),
    ),
    Option(
        long="--restart",
        value="string",
        default="no",
        with_=T(
            "Docker redémarrerait le conteneur selon cette politique",
            "Docker would restart the container by this policy",
        ),
        without=T("Docker ne redémarrerait jamais le conteneur", "Docker would never restart the container"),
    ),
    Option(
        long="--entrypoint",
        value="string",
        with_=T("le point d'entrée de l'image serait remplacé", "the image's entrypoint would be replaced"),
        without=T("le point d'entrée de l'image serait gardé", "the image's entrypoint would be kept"),
    ),
    Option(
        long="--label",
        short="-l",
        value="string",
        repeatable=True,
        with_=T("ce label serait posé sur le conteneur", "this label would be set on the container"),
        without=T("le label ne serait pas posé", "the label would not be set"),
    ),
    Option(
        long="--memory",
        short="-m",
        value="string",
        with_=T("la mémoire du conteneur serait limitée", "the container's memory would be limited"),
        without=T("la mémoire du conteneur ne serait pas limitée", "the container's memory would not be limited"),
    ),
    Option(
        long="--cpus",
        value="string",
        with_=T("l'usage CPU du conteneur serait limité", "the container's CPU use would be limited"),
        without=T("l'usage CPU ne serait pas limité", "CPU use would not be limited"),
    ),
    Option(
        long="--expose",
        value="string",
        repeatable=True,
        with_=T("ce port serait déclaré exposé (mais pas publié)", "this port would be marked exposed (not published)"),
        without=T("le port ne serait pas déclaré exposé", "the port would not be marked exposed"),
    ),
    Option(
        long="--read-only",
        with_=T("le système de fichiers racine serait en lecture seule", "the root filesystem would be read-only"),
        without=T("le système de fichiers racine serait modifiable", "the root filesystem would be writable"),
    ),
    _PRIVILEGED,
    Option(
        long="--init",
        with_=T(
            "un processus init relaierait les signaux et éliminerait les zombies",
            "an init process would forward signals and reap zombies",
        ),
        without=T("aucun processus init ne tournerait dans le conteneur", "no init process would run in the container"),
    ),
    _PLATFORM,
    Option(
        long="--pull",
        value="string",
        default="missing",
        with_=T("Docker téléchargerait l'image selon cette politique", "Docker would pull the image by this policy"),
        without=T(
            "Docker ne téléchargerait l'image que si elle manque", "Docker would pull the image only if it is missing"
        ),
    ),
    Option(
        long="--quiet",
        short="-q",
        harmless=True,
        with_=T("la progression du téléchargement serait masquée", "the pull progress would be hidden"),
        without=T("la progression du téléchargement serait affichée", "the pull progress would be shown"),
    ),
    Option(
        long="--attach",
        short="-a",
        value="string",
        repeatable=True,
        with_=T("seuls ces flux seraient attachés", "only these streams would be attached"),
        without=T("les flux par défaut seraient attachés", "the default streams would be attached"),
    ),
    Option(
        long="--volumes-from",
        value="string",
        repeatable=True,
        with_=T("les volumes de ce conteneur seraient montés", "that container's volumes would be mounted"),
        without=T(
            "les volumes de l'autre conteneur ne seraient pas montés",
            "the other container's volumes would not be mounted",
        ),
    ),
    Option(
        long="--stop-timeout",
        value="int",
        with_=T(
            "l'arrêt attendrait ce délai avant de tuer le conteneur",
            "stopping would wait this long before killing the container",
        ),
        without=T("l'arrêt attendrait 10 secondes par défaut", "stopping would wait the default 10 seconds"),
    ),
)

# The other options of run and create, known so that they parse; their effect is described
# generically. (long, short, takes a value, repeatable)
_OTHER_CONFIG: tuple[tuple[str, str | None, bool, bool], ...] = (
    ("--add-host", None, True, True),
    ("--blkio-weight", None, True, False),
    ("--blkio-weight-device", None, True, True),
    ("--cap-add", None, True, True),
    ("--cap-drop", None, True, True),
    ("--cgroup-parent", None, True, False),
    ("--cgroupns", None, True, False),
    ("--cidfile", None, True, False),
    ("--cpu-period", None, True, False),
    ("--cpu-quota", None, True, False),
    ("--cpu-rt-period", None, True, False),
    ("--cpu-rt-runtime", None, True, False),
    ("--cpu-shares", "-c", True, False),
    ("--cpuset-cpus", None, True, False),
    ("--cpuset-mems", None, True, False),
    ("--device", None, True, True),
    ("--device-cgroup-rule", None, True, True),
    ("--device-read-bps", None, True, True),
    ("--device-read-iops", None, True, True),
    ("--device-write-bps", None, True, True),
    ("--device-write-iops", None, True, True),
    ("--dns", None, True, True),
    ("--dns-option", None, True, True),
    ("--dns-search", None, True, True),
    ("--domainname", None, True, False),
    ("--gpus", None, True, False),
    ("--group-add", None, True, True),
    ("--health-cmd", None, True, False),
    ("--health-interval", None, True, False),
    ("--health-retries", None, True, False),
    ("--health-start-period", None, True, False),
    ("--health-timeout", None, True, False),
    ("--ip", None, True, False),
    ("--ip6", None, True, False),
    ("--ipc", None, True, False),
    ("--isolation", None, True, False),
    ("--kernel-memory", None, True, False),
    ("--label-file", None, True, True),
    ("--link", None, True, True),
    ("--link-local-ip", None, True, True),
    ("--log-driver", None, True, False),
    ("--log-opt", None, True, True),
    ("--mac-address", None, True, False),
    ("--memory-reservation", None, True, False),
    ("--memory-swap", None, True, False),
    ("--memory-swappiness", None, True, False),
    ("--network-alias", None, True, True),
    ("--no-healthcheck", None, False, False),
    ("--oom-kill-disable", None, False, False),
    ("--oom-score-adj", None, True, False),
    ("--pid", None, True, False),
    ("--pids-limit", None, True, False),
    ("--runtime", None, True, False),
    ("--security-opt", None, True, True),
    ("--shm-size", None, True, False),
    ("--stop-signal", None, True, False),
    ("--storage-opt", None, True, True),
    ("--sysctl", None, True, True),
    ("--ulimit", None, True, True),
    ("--use-api-socket", None, False, False),
    ("--userns", None, True, False),
    ("--uts", None, True, False),
    ("--volume-driver", None, True, False),
)


def _generic_config(entries: Iterable[tuple[str, str | None, bool, bool]]) -> tuple[Option, ...]:
    return tuple(
        Option(
            long=long,
            short=short,
            value="string" if takes_value else "bool",
            repeatable=repeatable,
            with_=T(
                f"{long} changerait la configuration du conteneur", f"{long} would change the container's configuration"
            ),
            without=T(
                f"le conteneur serait configuré sans {long}", f"the container would be configured without {long}"
            ),
        )
        for long, short, takes_value, repeatable in entries
    )


_CREATE_OPTIONS = (*_CONTAINER_CONFIG, _CONTENT_TRUST, *_generic_config(_OTHER_CONFIG))
_RUN_OPTIONS = (
    _DETACH,
    *_CREATE_OPTIONS,
    _DETACH_KEYS,
    Option(
        long="--sig-proxy",
        default="true",
        with_=T(
            "les signaux reçus ne seraient pas relayés au processus",
            "received signals would not be forwarded to the process",
        ),
        without=T(
            "les signaux reçus seraient relayés au processus", "received signals would be forwarded to the process"
        ),
    ),
)


# --- Arguments -------------------------------------------------------------------------------

_CONTAINERS = Arg(kind="container", label=T("le conteneur", "the container"), variadic=True)
_ONE_CONTAINER = Arg(kind="container", label=T("le conteneur", "the container"))
_IMAGE = Arg(kind="image", label=T("l'image", "the image"))
_IMAGES = Arg(kind="image", label=T("l'image", "the image"), variadic=True)
_VOLUMES = Arg(kind="volume", label=T("le volume", "the volume"), variadic=True)
_NETWORKS = Arg(kind="network", label=T("le réseau", "the network"), variadic=True)
_CONTAINER_COMMAND = Arg(
    kind="command",
    label=T("la commande du conteneur", "the container's command"),
    required=False,
    without=T("la commande par défaut de l'image s'exécuterait", "the image's default command would run"),
)
_SERVER = Arg(
    kind="server",
    label=T("la registry", "the registry"),
    required=False,
    default="docker.io",
    without=T("Docker utiliserait Docker Hub", "Docker would use Docker Hub"),
)


# --- The commands ----------------------------------------------------------------------------

COMMANDS: tuple[Command, ...] = (
    # Images
    Command(
        path=("image", "ls"),
        aliases=(("image", "list"), ("images",)),
        meaning=T("liste les images locales", "lists the local images"),
        options=(
            Option(
                long="--all",
                short="-a",
                with_=T("les images intermédiaires seraient aussi listées", "intermediate images would be listed too"),
                without=T("les images intermédiaires seraient masquées", "intermediate images would be hidden"),
            ),
            Option(
                long="--digests",
                harmless=True,
                with_=T("les digests seraient aussi affichés", "digests would be shown too"),
                without=T("les digests ne seraient pas affichés", "digests would not be shown"),
            ),
            _filter("-f"),
            _format(),
            _NO_TRUNC,
            _quiet(T("ID des images", "image IDs")),
        ),
        args=(
            Arg(
                kind="string",
                label=T("le dépôt à filtrer", "the repository to filter on"),
                required=False,
                without=T("toutes les images seraient listées", "every image would be listed"),
            ),
        ),
    ),
    Command(
        path=("image", "pull"),
        aliases=(("pull",),),
        meaning=T("télécharge une image depuis une registry", "downloads an image from a registry"),
        options=(_ALL_TAGS, _CONTENT_TRUST, _PLATFORM, _QUIET_PULL),
        args=(_IMAGE,),
    ),
    Command(
        path=("image", "push"),
        aliases=(("push",),),
        meaning=T("envoie une image vers une registry", "uploads an image to a registry"),
        options=(_ALL_TAGS, _CONTENT_TRUST, _PLATFORM, _QUIET_PULL),
        args=(_IMAGE,),
    ),
    Command(
        path=("image", "rm"),
        aliases=(("image", "remove"), ("rmi",)),
        meaning=T("supprime des images", "removes images"),
        options=(
            Option(
                long="--force",
                short="-f",
                with_=T(
                    "l'image serait supprimée même si un conteneur l'utilise",
                    "the image would be removed even if a container uses it",
                ),
                without=T(
                    "Docker refuserait de supprimer une image utilisée par un conteneur",
                    "Docker would refuse to remove an image a container uses",
                ),
            ),
            Option(
                long="--no-prune",
                with_=T("les parents sans tag seraient gardés", "untagged parents would be kept"),
                without=T("les parents sans tag seraient supprimés", "untagged parents would be removed"),
            ),
        ),
        args=(_IMAGES,),
    ),
    Command(
        path=("image", "prune"),
        meaning=T(
            "supprime les images pendantes (toutes les images inutilisées avec -a)",
            "removes dangling images (every unused image with -a)",
        ),
        options=(
            Option(
                long="--all",
                short="-a",
                with_=T(
                    "toutes les images non utilisées par un conteneur seraient supprimées, pas seulement les pendantes",
                    "every image no container uses would be removed, not only dangling ones",
                ),
                without=T(
                    "seules les images pendantes (sans tag) seraient supprimées",
                    "only dangling (untagged) images would be removed",
                ),
            ),
            _filter(None),
            _FORCE_PRUNE,
        ),
    ),
    Command(
        path=("image", "tag"),
        aliases=(("tag",),),
        meaning=T("donne un autre nom à une image", "gives an image another name"),
        args=(
            Arg(kind="image", label=T("l'image source", "the source image")),
            Arg(kind="image", label=T("le nouveau nom", "the new name")),
        ),
    ),
    Command(
        path=("image", "inspect"),
        meaning=T("affiche le détail d'une image en JSON", "shows an image's details as JSON"),
        options=(_inspect_format(), _PLATFORM),
        args=(_IMAGES,),
    ),
    Command(
        path=("image", "history"),
        aliases=(("history",),),
        meaning=T("affiche les couches d'une image", "shows the layers of an image"),
        options=(
            _format(),
            Option(
                long="--human",
                short="-H",
                default="true",
                with_=T("tailles et dates seraient brutes", "sizes and dates would be raw"),
                without=T("tailles et dates seraient lisibles", "sizes and dates would be human-readable"),
            ),
            _NO_TRUNC,
            _quiet(T("ID des couches", "layer IDs")),
        ),
        args=(_IMAGE,),
    ),
    Command(
        path=("image", "build"),
        aliases=(("build",), ("builder", "build")),
        meaning=T("construit une image à partir d'un Dockerfile", "builds an image from a Dockerfile"),
        options=(
            Option(
                long="--tag",
                short="-t",
                value="image",
                repeatable=True,
                with_=T("l'image construite recevrait ce nom", "the built image would get this name"),
                without=T("l'image construite n'aurait pas de nom", "the built image would have no name"),
            ),
            Option(
                long="--file",
                short="-f",
                value="string",
                with_=T(
                    "ce fichier serait lu au lieu de ./Dockerfile", "this file would be read instead of ./Dockerfile"
                ),
                without=T("le fichier Dockerfile du contexte serait lu", "the context's Dockerfile would be read"),
            ),
            Option(
                long="--build-arg",
                value="string",
                repeatable=True,
                with_=T("cette variable de construction serait définie", "this build variable would be set"),
                without=T("la variable de construction ne serait pas définie", "the build variable would not be set"),
            ),
            Option(
                long="--no-cache",
                with_=T("le cache ne serait pas utilisé", "the cache would not be used"),
                without=T("les couches en cache seraient réutilisées", "cached layers would be reused"),
            ),
            Option(
                long="--pull",
                with_=T("l'image de base serait toujours retéléchargée", "the base image would always be pulled again"),
                without=T("l'image de base locale serait utilisée", "the local base image would be used"),
            ),
            Option(
                long="--target",
                value="string",
                with_=T("la construction s'arrêterait à cette étape", "the build would stop at this stage"),
                without=T("toutes les étapes seraient construites", "every stage would be built"),
            ),
            _LABEL,
            _PLATFORM,
            Option(
                long="--quiet",
                short="-q",
                with_=T("seul l'ID de l'image serait affiché", "only the image ID would be printed"),
                without=T("la sortie de la construction serait affichée", "the build output would be shown"),
            ),
        ),
        args=(Arg(kind="path", label=T("le contexte de construction", "the build context")),),
    ),
    # Containers
    Command(
        path=("container", "run"),
        aliases=(("run",),),
        meaning=T("crée et démarre un conteneur à partir d'une image", "creates and starts a container from an image"),
        options=_RUN_OPTIONS,
        args=(_IMAGE, _CONTAINER_COMMAND),
        interspersed=False,
    ),
    Command(
        path=("container", "create"),
        aliases=(("create",),),
        meaning=T("crée un conteneur sans le démarrer", "creates a container without starting it"),
        options=_CREATE_OPTIONS,
        args=(_IMAGE, _CONTAINER_COMMAND),
        interspersed=False,
    ),
    Command(
        path=("container", "ls"),
        aliases=(("container", "list"), ("container", "ps"), ("ps",)),
        meaning=T(
            "liste les conteneurs (seulement ceux qui tournent, sans -a)",
            "lists containers (only running ones, without -a)",
        ),
        options=(
            Option(
                long="--all",
                short="-a",
                with_=T("les conteneurs arrêtés seraient aussi listés", "stopped containers would be listed too"),
                without=T(
                    "seuls les conteneurs qui tournent seraient listés", "only running containers would be listed"
                ),
            ),
            _filter("-f"),
            _format(),
            Option(
                long="--last",
                short="-n",
                value="int",
                with_=T(
                    "seuls les n derniers conteneurs créés seraient listés",
                    "only the last n created containers would be listed",
                ),
                without=T("tous les conteneurs seraient listés", "every container would be listed"),
            ),
            Option(
                long="--latest",
                short="-l",
                with_=T(
                    "seul le dernier conteneur créé serait listé", "only the latest created container would be listed"
                ),
                without=T("tous les conteneurs seraient listés", "every container would be listed"),
            ),
            _NO_TRUNC,
            _quiet(T("ID des conteneurs", "container IDs")),
            Option(
                long="--size",
                short="-s",
                harmless=True,
                with_=T(
                    "la taille de chaque conteneur serait aussi affichée", "each container's size would be shown too"
                ),
                without=T("les tailles ne seraient pas affichées", "sizes would not be shown"),
            ),
        ),
    ),
    Command(
        path=("container", "logs"),
        aliases=(("logs",),),
        meaning=T("affiche la sortie d'un conteneur", "shows a container's output"),
        options=(
            Option(
                long="--details",
                harmless=True,
                with_=T("des détails supplémentaires seraient affichés", "extra details would be shown"),
                without=T("les détails supplémentaires ne seraient pas affichés", "extra details would not be shown"),
            ),
            Option(
                long="--follow",
                short="-f",
                harmless=True,
                with_=T(
                    "la commande continuerait d'afficher les nouvelles lignes jusqu'à Ctrl-C",
                    "the command would keep printing new lines until Ctrl-C",
                ),
                without=T(
                    "la commande afficherait les logs existants puis s'arrêterait",
                    "the command would print the logs so far and exit",
                ),
            ),
            Option(
                long="--since",
                value="string",
                with_=T("seuls les logs depuis ce moment seraient affichés", "only the logs since then would be shown"),
                without=T("les logs depuis le début seraient affichés", "the logs from the start would be shown"),
            ),
            Option(
                long="--tail",
                short="-n",
                value="tail",
                default="all",
                with_=T("seules les dernières lignes seraient affichées", "only the last lines would be shown"),
                without=T("toutes les lignes seraient affichées", "every line would be shown"),
            ),
            Option(
                long="--timestamps",
                short="-t",
                with_=T("chaque ligne commencerait par son horodatage", "each line would start with its timestamp"),
                without=T("les lignes n'auraient pas d'horodatage", "the lines would have no timestamps"),
            ),
            Option(
                long="--until",
                value="string",
                with_=T(
                    "seuls les logs d'avant ce moment seraient affichés", "only the logs before then would be shown"
                ),
                without=T("les logs jusqu'à maintenant seraient affichés", "the logs up to now would be shown"),
            ),
        ),
        args=(_ONE_CONTAINER,),
    ),
    Command(
        path=("container", "stop"),
        aliases=(("stop",),),
        meaning=T(
            "arrête des conteneurs (SIGTERM, puis SIGKILL après un délai)",
            "stops containers (SIGTERM, then SIGKILL after a delay)",
        ),
        options=(_SIGNAL, _TIMEOUT),
        args=(_CONTAINERS,),
    ),
    Command(
        path=("container", "restart"),
        aliases=(("restart",),),
        meaning=T("redémarre des conteneurs", "restarts containers"),
        options=(_SIGNAL, _TIMEOUT),
        args=(_CONTAINERS,),
    ),
    Command(
        path=("container", "start"),
        aliases=(("start",),),
        meaning=T("démarre des conteneurs arrêtés", "starts stopped containers"),
        options=(
            Option(
                long="--attach",
                short="-a",
                with_=T(
                    "le terminal serait attaché à la sortie du conteneur",
                    "the terminal would be attached to the container's output",
                ),
                without=T("le conteneur démarrerait en arrière-plan", "the container would start in the background"),
            ),
            Option(
                long="--interactive",
                short="-i",
                with_=T("l'entrée standard serait attachée", "standard input would be attached"),
                without=T("l'entrée standard ne serait pas attachée", "standard input would not be attached"),
            ),
            _DETACH_KEYS,
        ),
        args=(_CONTAINERS,),
    ),
    Command(
        path=("container", "rm"),
        aliases=(("container", "remove"), ("rm",)),
        meaning=T("supprime des conteneurs", "removes containers"),
        options=(
            Option(
                long="--force",
                short="-f",
                with_=T(
                    "un conteneur qui tourne serait tué puis supprimé",
                    "a running container would be killed and removed",
                ),
                without=T(
                    "Docker refuserait de supprimer un conteneur qui tourne",
                    "Docker would refuse to remove a running container",
                ),
            ),
            Option(
                long="--link",
                short="-l",
                with_=T(
                    "seul le lien serait supprimé, pas le conteneur",
                    "only the link would be removed, not the container",
                ),
                without=T("le conteneur serait supprimé", "the container would be removed"),
            ),
            Option(
                long="--volumes",
                short="-v",
                with_=T("ses volumes anonymes seraient aussi supprimés", "its anonymous volumes would be removed too"),
                without=T("ses volumes anonymes resteraient", "its anonymous volumes would be left behind"),
            ),
        ),
        args=(_CONTAINERS,),
    ),
    Command(
        path=("container", "prune"),
        meaning=T("supprime tous les conteneurs arrêtés", "removes all stopped containers"),
        options=(_filter(None), _FORCE_PRUNE),
    ),
    Command(
        path=("container", "commit"),
        aliases=(("commit",),),
        meaning=T(
            "crée une image à partir des modifications d'un conteneur", "creates an image from a container's changes"
        ),
        options=(
            Option(
                long="--author",
                short="-a",
                value="string",
                with_=T("l'image enregistrerait cet auteur", "the image would record this author"),
                without=T("l'image n'aurait pas d'auteur", "the image would have no author"),
            ),
            Option(
                long="--change",
                short="-c",
                value="string",
                repeatable=True,
                with_=T(
                    "cette instruction Dockerfile serait appliquée à l'image",
                    "this Dockerfile instruction would be applied to the image",
                ),
                without=T(
                    "la configuration de l'image serait celle du conteneur",
                    "the image would keep the container's configuration",
                ),
            ),
            Option(
                long="--message",
                short="-m",
                value="string",
                with_=T("l'image enregistrerait ce message", "the image would record this message"),
                without=T("l'image n'aurait pas de message de commit", "the image would have no commit message"),
            ),
            Option(
                long="--pause",
                short="-p",
                default="true",
                with_=T(
                    "le conteneur continuerait de tourner pendant le commit",
                    "the container would keep running during the commit",
                ),
                without=T(
                    "le conteneur serait mis en pause pendant le commit",
                    "the container would be paused during the commit",
                ),
            ),
        ),
        args=(
            _ONE_CONTAINER,
            Arg(
                kind="image",
                label=T("le nom de la nouvelle image", "the new image's name"),
                required=False,
                without=T(
                    "la nouvelle image n'aurait pas de nom (image pendante)",
                    "the new image would have no name (a dangling image)",
                ),
            ),
        ),
    ),
    Command(
        path=("container", "port"),
        aliases=(("port",),),
        meaning=T("liste les ports publiés d'un conteneur", "lists a container's published ports"),
        args=(
            _ONE_CONTAINER,
            Arg(
                kind="port",
                label=T("le port du conteneur", "the container port"),
                required=False,
                without=T("tous les ports publiés seraient listés", "every published port would be listed"),
            ),
        ),
    ),
    Command(
        path=("container", "exec"),
        aliases=(("exec",),),
        meaning=T("exécute une commande dans un conteneur qui tourne", "runs a command in a running container"),
        options=(
            Option(
                long="--detach",
                short="-d",
                with_=T("la commande tournerait en arrière-plan", "the command would run in the background"),
                without=T("la commande tournerait au premier plan", "the command would run in the foreground"),
            ),
            _DETACH_KEYS,
            _ENV,
            _ENV_FILE,
            _INTERACTIVE,
            _PRIVILEGED,
            _TTY,
            _USER,
            _WORKDIR,
        ),
        args=(
            _ONE_CONTAINER,
            Arg(kind="command", label=T("la commande à exécuter", "the command to run")),
        ),
        interspersed=False,
    ),
    Command(
        path=("container", "inspect"),
        meaning=T("affiche le détail d'un conteneur en JSON", "shows a container's details as JSON"),
        options=(
            _inspect_format(),
            Option(
                long="--size",
                short="-s",
                harmless=True,
                with_=T("les tailles seraient aussi affichées", "sizes would be shown too"),
                without=T("les tailles ne seraient pas affichées", "sizes would not be shown"),
            ),
        ),
        args=(_CONTAINERS,),
    ),
    Command(
        path=("container", "kill"),
        aliases=(("kill",),),
        meaning=T("tue des conteneurs (SIGKILL, sans délai)", "kills containers (SIGKILL, no delay)"),
        options=(
            Option(
                long="--signal",
                short="-s",
                value="string",
                with_=T("ce signal serait envoyé au lieu de SIGKILL", "this signal would be sent instead of SIGKILL"),
                without=T("Docker enverrait SIGKILL", "Docker would send SIGKILL"),
            ),
        ),
        args=(_CONTAINERS,),
    ),
    # Volumes
    Command(
        path=("volume", "ls"),
        aliases=(("volume", "list"),),
        meaning=T("liste les volumes", "lists the volumes"),
        options=(_filter("-f"), _format(), _quiet(T("noms des volumes", "volume names"), ".Name")),
    ),
    Command(
        path=("volume", "create"),
        meaning=T("crée un volume", "creates a volume"),
        options=(
            Option(
                long="--driver",
                short="-d",
                value="string",
                default="local",
                with_=T("ce pilote de volume serait utilisé", "this volume driver would be used"),
                without=T("le pilote local serait utilisé", "the local driver would be used"),
            ),
            _LABEL,
            Option(
                long="--opt",
                short="-o",
                value="string",
                repeatable=True,
                with_=T("cette option du pilote serait passée", "this driver option would be passed"),
                without=T("l'option du pilote ne serait pas passée", "the driver option would not be passed"),
            ),
            Option(
                long="--name",
                value="string",
                moves_to_arg=True,
                with_=T("le volume aurait ce nom", "the volume would get this name"),
                without=T("le volume aurait un nom aléatoire", "the volume would get a random name"),
            ),
        ),
        args=(
            Arg(
                kind="volume",
                label=T("le nom du volume", "the volume's name"),
                required=False,
                without=T(
                    "Docker créerait un volume anonyme au nom aléatoire",
                    "Docker would create an anonymous volume with a random name",
                ),
            ),
        ),
    ),
    Command(
        path=("volume", "rm"),
        aliases=(("volume", "remove"),),
        meaning=T("supprime des volumes", "removes volumes"),
        options=(
            Option(
                long="--force",
                short="-f",
                with_=T("la suppression serait forcée", "the removal would be forced"),
                without=T("la suppression ne serait pas forcée", "the removal would not be forced"),
            ),
        ),
        args=(_VOLUMES,),
    ),
    Command(
        path=("volume", "prune"),
        meaning=T(
            "supprime les volumes inutilisés (depuis Docker 23, seulement les anonymes sans -a)",
            "removes unused volumes (since Docker 23, only anonymous ones without -a)",
        ),
        options=(
            Option(
                long="--all",
                short="-a",
                with_=T(
                    "les volumes nommés inutilisés seraient aussi supprimés (Docker 23 et plus)",
                    "unused named volumes would be removed too (Docker 23 and later)",
                ),
                without=T(
                    "seuls les volumes anonymes inutilisés seraient supprimés (Docker 23 et plus)",
                    "only unused anonymous volumes would be removed (Docker 23 and later)",
                ),
            ),
            _filter(None),
            _FORCE_PRUNE,
        ),
    ),
    Command(
        path=("volume", "inspect"),
        meaning=T("affiche le détail d'un volume en JSON", "shows a volume's details as JSON"),
        options=(_inspect_format(),),
        args=(_VOLUMES,),
    ),
    # Networks
    Command(
        path=("network", "ls"),
        aliases=(("network", "list"),),
        meaning=T("liste les réseaux", "lists the networks"),
        options=(_filter("-f"), _format(), _NO_TRUNC, _quiet(T("ID des réseaux", "network IDs"))),
    ),
    Command(
        path=("network", "create"),
        meaning=T("crée un réseau", "creates a network"),
        options=(
            Option(
                long="--driver",
                short="-d",
                value="string",
                default="bridge",
                with_=T("ce pilote réseau serait utilisé", "this network driver would be used"),
                without=T("le pilote bridge serait utilisé", "the bridge driver would be used"),
            ),
            Option(
                long="--subnet",
                value="string",
                repeatable=True,
                with_=T("le réseau utiliserait ce sous-réseau", "the network would use this subnet"),
                without=T("Docker choisirait le sous-réseau", "Docker would pick the subnet"),
            ),
            Option(
                long="--internal",
                with_=T("le réseau n'aurait pas d'accès extérieur", "the network would have no outside access"),
                without=T("le réseau aurait accès à l'extérieur", "the network would reach the outside"),
            ),
            _LABEL,
        ),
        args=(Arg(kind="network", label=T("le nom du réseau", "the network's name")),),
    ),
    Command(
        path=("network", "rm"),
        aliases=(("network", "remove"),),
        meaning=T("supprime des réseaux", "removes networks"),
        options=(
            Option(
                long="--force",
                short="-f",
                harmless=True,
                with_=T("un réseau absent ne serait pas une erreur", "a missing network would not be an error"),
                without=T("un réseau absent serait une erreur", "a missing network would be an error"),
            ),
        ),
        args=(_NETWORKS,),
    ),
    Command(
        path=("network", "inspect"),
        meaning=T("affiche le détail d'un réseau en JSON", "shows a network's details as JSON"),
        options=(_inspect_format(),),
        args=(_NETWORKS,),
    ),
    # System and registry
    Command(
        path=("system", "prune"),
        meaning=T(
            "supprime tout ce qui est inutilisé (conteneurs arrêtés, réseaux, images pendantes, cache)",
            "removes everything unused (stopped containers, networks, dangling images, build cache)",
        ),
        options=(
            Option(
                long="--all",
                short="-a",
                with_=T("toutes les images inutilisées seraient supprimées", "every unused image would be removed"),
                without=T("seules les images pendantes seraient supprimées", "only dangling images would be removed"),
            ),
            _filter(None),
            _FORCE_PRUNE,
            Option(
                long="--volumes",
                with_=T(
                    "les volumes anonymes inutilisés seraient aussi supprimés",
                    "unused anonymous volumes would be removed too",
                ),
                without=T("les volumes seraient gardés", "volumes would be kept"),
            ),
        ),
    ),
    Command(
        path=("system", "info"),
        aliases=(("info",),),
        meaning=T("affiche la configuration du démon Docker", "shows the Docker daemon's configuration"),
        options=(_inspect_format(),),
    ),
    Command(
        path=("version",),
        meaning=T("affiche les versions du client et du démon", "shows the client and daemon versions"),
        options=(_inspect_format(),),
    ),
    Command(
        path=("login",),
        meaning=T("se connecte à une registry", "logs in to a registry"),
        options=(
            Option(
                long="--username",
                short="-u",
                value="string",
                harmless=True,  # the same login: Docker would only not ask for the name
                with_=T("ce nom d'utilisateur serait utilisé", "this user name would be used"),
                without=T("Docker demanderait le nom d'utilisateur", "Docker would ask for the user name"),
            ),
            Option(
                long="--password",
                short="-p",
                value="string",
                with_=T(
                    "le mot de passe resterait dans l'historique du shell et la liste des processus",
                    "the password would stay in the shell history and the process list",
                ),
                without=T("Docker demanderait le mot de passe", "Docker would ask for the password"),
            ),
            Option(
                long="--password-stdin",
                with_=T(
                    "le mot de passe serait lu sur l'entrée standard", "the password would be read from standard input"
                ),
                without=T(
                    "le mot de passe ne serait pas lu sur l'entrée standard",
                    "the password would not be read from standard input",
                ),
            ),
        ),
        args=(_SERVER,),
    ),
    Command(
        path=("logout",),
        meaning=T("se déconnecte d'une registry", "logs out of a registry"),
        args=(_SERVER,),
    ),
)


# Real Docker commands known by name only: typing one is "a different command", not a typo.
_NAMED_ONLY: tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...], T], ...] = (
    (
        ("container", "attach"),
        (("attach",),),
        T("attache le terminal à un conteneur", "attaches the terminal to a container"),
    ),
    (
        ("container", "cp"),
        (("cp",),),
        T("copie des fichiers entre un conteneur et l'hôte", "copies files between a container and the host"),
    ),
    (
        ("container", "diff"),
        (("diff",),),
        T("liste les fichiers modifiés d'un conteneur", "lists a container's changed files"),
    ),
    (
        ("container", "export"),
        (("export",),),
        T("exporte le système de fichiers d'un conteneur", "exports a container's filesystem"),
    ),
    (
        ("container", "pause"),
        (("pause",),),
        T("suspend les processus d'un conteneur", "pauses a container's processes"),
    ),
    (
        ("container", "unpause"),
        (("unpause",),),
        T("reprend les processus d'un conteneur", "resumes a container's processes"),
    ),
    (("container", "rename"), (("rename",),), T("renomme un conteneur", "renames a container")),
    (
        ("container", "stats"),
        (("stats",),),
        T("affiche l'usage des ressources des conteneurs", "shows the containers' resource usage"),
    ),
    (("container", "top"), (("top",),), T("liste les processus d'un conteneur", "lists a container's processes")),
    (
        ("container", "update"),
        (("update",),),
        T("change la configuration d'un conteneur", "changes a container's configuration"),
    ),
    (("container", "wait"), (("wait",),), T("attend la fin d'un conteneur", "waits for a container to stop")),
    (
        ("image", "import"),
        (("import",),),
        T("crée une image à partir d'une archive", "creates an image from a tarball"),
    ),
    (("image", "load"), (("load",),), T("charge une image depuis une archive", "loads an image from an archive")),
    (("image", "save"), (("save",),), T("enregistre une image dans une archive", "saves an image to an archive")),
    (("network", "connect"), (), T("connecte un conteneur à un réseau", "connects a container to a network")),
    (("network", "disconnect"), (), T("déconnecte un conteneur d'un réseau", "disconnects a container from a network")),
    (("network", "prune"), (), T("supprime les réseaux inutilisés", "removes unused networks")),
    (("system", "df"), (), T("affiche l'espace disque utilisé par Docker", "shows Docker's disk usage")),
    (("system", "events"), (("events",),), T("affiche les événements du démon", "shows the daemon's events")),
    (("search",), (), T("cherche des images sur Docker Hub", "searches Docker Hub for images")),
)

# Management objects other than the modelled ones; anything under them is a different command.
_OTHER_OBJECTS: tuple[str, ...] = (
    "builder",
    "buildx",
    "checkpoint",
    "compose",
    "config",
    "context",
    "manifest",
    "node",
    "plugin",
    "secret",
    "service",
    "stack",
    "swarm",
    "trust",
)

ALL_COMMANDS: tuple[Command, ...] = COMMANDS + tuple(
    Command(path=path, aliases=aliases, meaning=meaning, modelled=False) for path, aliases, meaning in _NAMED_ONLY
)

OBJECTS: frozenset[str] = frozenset(c.path[0] for c in ALL_COMMANDS if len(c.path) == 2) | frozenset(_OTHER_OBJECTS)
"""Words that start a two-word management command (``container``, ``image``, ...)."""

OTHER_OBJECTS: frozenset[str] = frozenset(_OTHER_OBJECTS)
"""Docker management commands outside the model (``compose``, ``swarm``, ...)."""


def _build_index() -> Mapping[tuple[str, ...], Command]:
    index: dict[tuple[str, ...], Command] = {}
    for command in ALL_COMMANDS:
        for path in command.paths:
            if path in index:
                raise AssertionError(f"docker {' '.join(path)} is listed twice in the CLI model")
            index[path] = command
    return MappingProxyType(index)


BY_PATH: Mapping[tuple[str, ...], Command] = _build_index()
"""Every command path, canonical or alias, to its command."""

HELP = Option(
    long="--help",
    with_=T(
        "seule l'aide de la commande serait affichée, rien ne s'exécuterait",
        "only the command's help would be printed, nothing would run",
    ),
    without=T(
        "la commande s'exécuterait au lieu d'afficher son aide", "the command would run instead of printing its help"
    ),
)
"""Every command takes ``--help``: it prints the usage and ignores the rest of the line."""

_OPTION_INDEXES: dict[tuple[str, ...], Mapping[str, Option]] = {}


def _option_index(command: Command) -> Mapping[str, Option]:
    index = _OPTION_INDEXES.get(command.path)
    if index is None:
        built: dict[str, Option] = {}
        for option in (*command.options, HELP):
            for spelling in (option.long, option.short, *option.aliases):
                if spelling is None:
                    continue
                if spelling in built:
                    raise AssertionError(f"{command.name}: option {spelling} is listed twice in the CLI model")
                built[spelling] = option
        index = _OPTION_INDEXES[command.path] = MappingProxyType(built)
    return index


def subcommands(obj: str) -> tuple[str, ...]:
    """The words that may follow a management object (``ls``, ``list``, ``ps``... for ``container``)."""
    return tuple(sorted({path[1] for path in BY_PATH if len(path) == 2 and path[0] == obj}))


def top_level_words() -> tuple[str, ...]:
    """Every word that may follow ``docker``: objects and one-word commands."""
    return tuple(sorted(OBJECTS | {path[0] for path in BY_PATH if len(path) == 1}))
