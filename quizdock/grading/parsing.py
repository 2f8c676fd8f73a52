"""Reading a typed command with the Docker CLI model.

The parser follows the Docker CLI's own rules (spf13/pflag): combined short flags (``-it``),
``--opt=value`` and ``--opt value``, ``-pVALUE``, ``--`` ending the options, and for ``run``,
``create`` and ``exec`` no options after the first argument (they belong to the container's
command). Quoting follows the POSIX shell (:func:`shlex.split`). Placeholders of a card's
answer (``<container>``) are read here too, as wildcards of their kind.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from quizdock.grading import patterns
from quizdock.grading.docker_cli import (
    BY_PATH,
    OBJECTS,
    OTHER_OBJECTS,
    Command,
    Option,
    subcommands,
    top_level_words,
)
from quizdock.i18n import N_, Text, bilingual


class CommandSyntaxError(ValueError):
    """A text that cannot be read as a Docker command; the message says why.

    Attributes:
        message: The explanation for the learner.
        command: The command that was recognised before the problem (an unknown option of
            ``docker container ls`` still names ``docker container ls``), if any.
    """

    def __init__(self, message: Text, *, command: Command | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.command = command


@dataclass(frozen=True, slots=True)
class ParsedOption:
    """One option as typed.

    Attributes:
        option: Its definition in the model.
        written: The spelling used (``-d``, ``--detach``, ``--time``).
        value: Its value; ``"true"`` or ``"false"`` for a flag.
    """

    option: Option
    written: str
    value: str


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A Docker command read with the model.

    Attributes:
        command: The command, whatever alias was typed.
        written: The words typed for it (``("ps",)``).
        options: The options in the order typed.
        args: The positional arguments in the order typed (for ``run``: the image, then the
            container's command and its arguments).
        piped_from: The shell commands whose output a pipeline feeds into this one
            (``echo "$PW" |`` before ``docker login --password-stdin``), as typed.
        piped_to: The shell commands this one's output goes through (``| wc -l``), as typed.
    """

    command: Command
    written: tuple[str, ...]
    options: tuple[ParsedOption, ...]
    args: tuple[str, ...]
    piped_from: str = ""
    piped_to: str = ""


# --- Placeholders and quoting ---------------------------------------------------------------

PLACEHOLDER = re.compile(r"<([a-z]+)>")
_SAFE = re.compile(r"[\w@%+=:,./<>-]+")


def quote(token: str) -> str:
    # Placeholders stay readable: `<container>`, not `'<container>'`.
    return token if _SAFE.fullmatch(token) else shlex.quote(token)


def join(tokens: Sequence[str]) -> str:
    return " ".join(quote(t) for t in tokens)


def has_placeholder(text: str) -> bool:
    return PLACEHOLDER.search(text) is not None


def matches(expected: str, given: str) -> bool:
    """Whether ``given`` is ``expected``, reading placeholders in ``expected`` as wildcards.

    A placeholder typed as the card writes it (``docker container rm <container>`` for a question
    about ``docker rm <container>``) is the card's own notation: it matches itself.
    """
    if expected == given or not has_placeholder(expected):
        return expected == given
    return patterns.fullmatch(expected, given)


def closest(word: str, candidates: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def _bool(text: str, written: str, command: Command) -> str:
    # The values Go's strconv.ParseBool accepts, as pflag does.
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return "true"
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return "false"
    raise CommandSyntaxError(
        bilingual(N_("`{written}={text}`: a flag only takes true or false."), written=written, text=text),
        command=command,
    )


# --- Parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    words: list[str]  # the Docker command's words after `docker`
    piped_from: str = ""
    piped_to: str = ""


def _shell_words(text: str, pipeline: bool) -> list[str]:
    # As the shell reads words; with `pipeline`, an unquoted `|` is a word of its own
    # (`docker ps -q|wc -l` is a pipeline).
    try:
        if not pipeline:
            return shlex.split(text)
        lexer = shlex.shlex(text, posix=True, punctuation_chars="|")
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        raise CommandSyntaxError(
            bilingual(N_("Unclosed quote or escape: the shell could not read this command."))
        ) from None


def _stages(tokens: list[str]) -> list[list[str]]:
    stages: list[list[str]] = [[]]
    for token in tokens:
        if token == "|":
            stages.append([])
        else:
            stages[-1].append(token)
    return stages


def _without_prompt(tokens: list[str]) -> list[str]:
    # A copied prompt or sudo does not change which Docker command runs.
    while tokens and tokens[0] in ("$", "#", "sudo"):
        tokens = tokens[1:]
    return tokens


def _words(text: str, pipeline: bool) -> _Line:
    if pipeline:
        stages = [_without_prompt(stage) for stage in _stages(_shell_words(text, pipeline=True))]
        docker_stage = next((i for i, stage in enumerate(stages) if stage[:1] == ["docker"]), None)
        if docker_stage is not None and len(stages) > 1 and all(stages):
            return _Line(
                stages[docker_stage][1:],
                piped_from="".join(f"{join(stage)} | " for stage in stages[:docker_stage]).rstrip(),
                piped_to="".join(f" | {join(stage)}" for stage in stages[docker_stage + 1 :]).lstrip(),
            )
    tokens = _without_prompt(_shell_words(text, pipeline=False))
    if not tokens:
        raise CommandSyntaxError(bilingual(N_("No command was typed.")))
    if tokens[0] != "docker":
        first = tokens[0]
        if first in top_level_words() or closest(first, ["docker"]):
            rest = tokens if first in top_level_words() else tokens[1:]
            fixed = join(["docker", *rest])
            raise CommandSyntaxError(
                bilingual(N_("A Docker command starts with `docker`: did you mean `{fixed}`?"), fixed=fixed)
            )
        raise CommandSyntaxError(
            bilingual(N_("`{first}` is not Docker: a Docker command starts with `docker`."), first=first)
        )
    return _Line(tokens[1:])


def _unknown_command(word: str, fixed: list[str] | None) -> CommandSyntaxError:
    if fixed is None:
        return CommandSyntaxError(bilingual(N_("`{word}` is not a Docker command."), word=word))
    suggestion = join(["docker", *fixed])
    return CommandSyntaxError(
        bilingual(N_("Unknown command `{word}`: did you mean `{suggestion}`?"), word=word, suggestion=suggestion)
    )


def _resolve(words: list[str]) -> tuple[Command, tuple[str, ...], list[str]]:
    """The command the first words name, the words typed for it, and the rest."""
    if not words:
        raise CommandSyntaxError(
            bilingual(N_("`docker` alone is not a command: it needs an action, such as `docker container ls`."))
        )
    first = words[0]
    if first.startswith("-"):
        raise CommandSyntaxError(
            bilingual(
                N_(
                    "`{first}` before the command is a global Docker option; the answer expects the command right "
                    "after `docker`."
                ),
                first=first,
            )
        )
    if first in OBJECTS:
        if len(words) < 2 or words[1].startswith("-"):
            actions = subcommands(first)
            example = "ls" if "ls" in actions or not actions else actions[0]
            raise CommandSyntaxError(
                bilingual(
                    N_("`docker {first}` alone does nothing: it needs an action, such as `docker {first} {example}`."),
                    first=first,
                    example=example,
                )
            )
        for size in (3, 2):  # `docker trust key generate`, `docker container ls`
            found = BY_PATH.get(tuple(words[:size]))
            if found is not None:
                return found, tuple(words[:size]), words[size:]
        if first in OTHER_OBJECTS:
            raise CommandSyntaxError(
                bilingual(N_("`docker {first}` is a different command, outside what is asked."), first=first)
            )
        sub = closest(words[1], subcommands(first))
        raise _unknown_command(f"docker {first} {words[1]}", [first, sub, *words[2:]] if sub else None)
    found = BY_PATH.get((first,))
    if found is not None:
        return found, (first,), words[1:]
    near = closest(first, top_level_words())
    if near is None:
        raise _unknown_command(first, None)
    fixed = [near, *words[1:]]
    if near in OBJECTS and len(words) >= 2 and (near, words[1]) not in BY_PATH:
        sub = closest(words[1], subcommands(near))
        if sub:
            fixed = [near, sub, *words[2:]]
    raise _unknown_command(first, fixed)


def _unknown_option(command: Command, written: str) -> CommandSyntaxError:
    longs = sorted({spelling for o in command.options for spelling in (o.long, *o.aliases)})
    near = closest(written, longs) if written.startswith("--") else None
    if near:
        return CommandSyntaxError(
            bilingual(
                N_("`{written}` is not an option of `{command}`: did you mean `{near}`?"),
                written=written,
                command=command.name,
                near=near,
            ),
            command=command,
        )
    return CommandSyntaxError(
        bilingual(N_("`{written}` is not an option of `{command}`."), written=written, command=command.name),
        command=command,
    )


def _needs_value(command: Command, written: str) -> CommandSyntaxError:
    return CommandSyntaxError(
        bilingual(N_("`{written}` needs a value."), written=written),
        command=command,
    )


def parse_command(text: str, *, pipeline: bool = False) -> ParsedCommand:
    """Read a typed command with the Docker CLI model.

    Args:
        text: A command line as typed in a shell, starting with ``docker``.
        pipeline: Read a shell pipeline (``echo "$PW" | docker login --password-stdin``,
            ``docker ps -q | wc -l``) as its Docker command, the rest kept aside; else ``|`` is
            a word like any other, as a lab step or a check needs it.

    Returns:
        The command, its options and its arguments.

    Raises:
        CommandSyntaxError: The text is not a Docker command the model knows (unclosed quote,
            not ``docker``, unknown command or option, option without its value).
    """
    line = _words(text, pipeline)
    command, written_path, words = _resolve(line.words)
    options: list[ParsedOption] = []
    args: list[str] = []
    only_args = False
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if only_args or word == "-" or not word.startswith("-"):
            args.append(word)
            if not command.interspersed:
                only_args = True  # what follows the image is the container's command
            continue
        if word == "--":
            only_args = True
            continue
        if word.startswith("--"):
            name, eq, inline = word.partition("=")
            option = command.option(name)
            if option is None:
                raise _unknown_option(command, name)
            if option.value == "bool":
                value = _bool(inline, name, command) if eq else "true"
            else:
                value, i = _value(inline if eq else None, words, i, name, command)
            options.append(ParsedOption(option, name, value))
            continue
        j = 1  # a cluster of short options: -it, -dp 80:80, -p80:80
        while j < len(word):
            letter = "-" + word[j]
            option = command.option(letter)
            if option is None:
                raise _unknown_option(command, letter)
            rest = word[j + 1 :]
            if option.value == "bool":
                if rest.startswith("="):
                    options.append(ParsedOption(option, letter, _bool(rest[1:], letter, command)))
                    break
                options.append(ParsedOption(option, letter, "true"))
                j += 1
                continue
            attached = (rest[1:] if rest.startswith("=") else rest) if rest else None
            value, i = _value(attached, words, i, letter, command)
            options.append(ParsedOption(option, letter, value))
            break
    moved = [o for o in options if o.option.moves_to_arg]
    if moved:
        if args:
            raise CommandSyntaxError(
                bilingual(
                    N_("`{written}` and a name given as an argument cannot go together."), written=moved[-1].written
                ),
                command=command,
            )
        options = [o for o in options if not o.option.moves_to_arg]
        args = [moved[-1].value]
    return ParsedCommand(command, written_path, tuple(options), tuple(args), line.piped_from, line.piped_to)


def _value(attached: str | None, words: Sequence[str], i: int, written: str, command: Command) -> tuple[str, int]:
    """An option's value and the index of the next word: the value is attached to the option
    (``--name=web``, ``-p80:80``) or is the next word."""
    if attached is not None:
        return attached, i
    if i < len(words):
        return words[i], i + 1
    raise _needs_value(command, written)


def canonical_form(parsed: ParsedCommand) -> str:
    """The command in its canonical form: management command, long options sorted by name.

    The sort is stable, so repeated options (``-e A=1 -e B=2``) keep their order.
    """
    parts = ["docker", *parsed.command.path]
    seen_flags: set[str] = set()
    for po in sorted(parsed.options, key=lambda o: o.option.long):
        option = po.option
        if option.value == "bool":
            if option.long in seen_flags:
                continue
            seen_flags.add(option.long)
            parts.append(option.long if po.value == "true" else f"{option.long}={po.value}")
        else:
            parts += [option.long, quote(po.value)]
    parts += [quote(a) for a in parsed.args]
    return " ".join(parts)
