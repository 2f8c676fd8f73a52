"""Comparing a typed command with a card's answer by what it would do.

A learner recalling "list running containers" may type ``docker ps``, ``docker container ls``
or ``docker container list``: all three do the same thing and all three are right. The answer
and the typed text are read by :mod:`quizdock.grading.parsing`; their options and arguments are
paired and each pair compared with its value grammar (:mod:`quizdock.grading.values`); the
differences become a verdict (an SM-2 grade) and one or two sentences for the learner.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from types import MappingProxyType
from typing import Literal, TypeVar

from quizdock.grading.docker_cli import HELP, Arg, Command
from quizdock.grading.equivalences import as_docker_reads, implied_all, inspect_as_typed, output_forms
from quizdock.grading.parsing import (
    CommandSyntaxError,
    ParsedCommand,
    ParsedOption,
    canonical_form,
    has_placeholder,
    join,
    matches,
    parse_command,
    quote,
)
from quizdock.grading.values import (
    Match,
    canonical_value,
    compare_arg,
    compare_option_values,
    option_anchor,
)
from quizdock.i18n import N_, Text, bilingual, ngettext_in, number
from quizdock.support import image_reference
from quizdock.support.text import MAX_ANSWER_CHARS

Verdict = Literal["equivalent", "accepted", "partial", "wrong"]

QUALITY: Mapping[Verdict, int] = MappingProxyType({"equivalent": 5, "accepted": 4, "partial": 2, "wrong": 1})
"""The SM-2 grade each verdict feeds."""

EMPTY = Text(fr="", en="")


@dataclass(frozen=True)
class CommandVerdict:
    """How a typed command compares with a card's answer.

    Attributes:
        verdict: ``equivalent`` (does the same thing), ``accepted`` (does what was asked, with a
            harmless extra), ``partial`` (the right command with a missing or wrong part) or
            ``wrong`` (another command, a typo, or not a command).
        quality: The SM-2 grade: 5, 4, 2 or 1.
        message: One or two sentences for the learner; empty when the typed text is the answer.
        canonical: The answer's canonical form (management command, long options sorted).
    """

    verdict: Verdict
    quality: int
    message: Text
    canonical: str


# --- Comparison ------------------------------------------------------------------------------

_Severity = Literal["note", "error"]


@dataclass(frozen=True, slots=True)
class _Issue:
    severity: _Severity
    text: Text


def _show(po: ParsedOption) -> str:
    option = po.option
    if po.written not in (option.long, option.short, *option.aliases):
        return po.written  # another spelling Docker reads the same (`-l` for `--last 1`), shown as typed
    if option.value == "bool":
        return po.written if po.value == "true" else f"{po.written}={po.value}"
    return f"{po.written} {quote(po.value)}"


def _missing(what: str, without: Text) -> _Issue:
    return _Issue("error", bilingual(N_("Missing {what}: {without}."), what=what, without=without))


def _wrong_value(what: Text | str, given: str, expected: str, detail: Text | None) -> _Issue:
    if detail is not None:
        return _Issue(
            "error",
            bilingual(N_("Wrong value for {what} `{given}`: {detail}."), what=what, given=given, detail=detail),
        )
    return _Issue(
        "error",
        bilingual(
            N_("Wrong value for {what}: `{given}` instead of `{expected}`."), what=what, given=given, expected=expected
        ),
    )


def _instead(given: ParsedOption, expected: ParsedOption, detail: Text | None) -> _Issue:
    # Two spellings of one setting (`--mount` for `-v`, `-q` for a template): each with its value.
    if detail is not None:
        return _Issue(
            "error",
            bilingual(
                N_("`{given}` instead of `{expected}`: {detail}."),
                given=_show(given),
                expected=_show(expected),
                detail=detail,
            ),
        )
    return _Issue(
        "error", bilingual(N_("`{given}` instead of `{expected}`."), given=_show(given), expected=_show(expected))
    )


def _differing_value(e: ParsedOption, g: ParsedOption, match: Match) -> _Issue:
    spellings = (e.option.long, e.option.short, *e.option.aliases)
    if g.option is not e.option or g.written not in spellings or e.written not in spellings:
        return _instead(g, e, match.detail)
    return _wrong_value(e.written, g.value, e.value, match.detail)


def _note(detail: Text) -> _Issue:
    return _Issue("note", detail)


def _extra_option(po: ParsedOption) -> _Issue:
    shown = _show(po)
    if po.option.harmless:
        return _Issue(
            "note",
            bilingual(N_("{shown} is not needed here, but harmless: {effect}."), shown=shown, effect=po.option.with_),
        )
    return _Issue("error", bilingual(N_("Unexpected {shown}: {effect}."), shown=shown, effect=po.option.with_))


_X = TypeVar("_X")


def _pair(
    expected: Sequence[_X],
    given: Sequence[_X],
    compare: Callable[[_X, _X], Match],
    anchor: Callable[[_X], str | None],
    has_placeholder: Callable[[_X], bool],
) -> tuple[list[Text], list[tuple[_X, _X, Match]], list[_X], list[_X]]:
    """Match two multisets: notes, differing pairs, expected values left, given values left."""
    left = list(given)
    notes: list[Text] = []
    unmatched: list[_X] = []
    # Literal values first, so a placeholder does not take the value a literal needs.
    for e in sorted(expected, key=has_placeholder):
        found = next((g for g in left if compare(e, g).level == "same"), None)
        if found is None:
            unmatched.append(e)
        else:
            left.remove(found)
    still: list[_X] = []
    for e in unmatched:
        found = next((g for g in left if compare(e, g).level == "note"), None)
        if found is None:
            still.append(e)
        else:
            left.remove(found)
            detail = compare(e, found).detail
            if detail is not None:
                notes.append(detail)
    pairs: list[tuple[_X, _X, Match]] = []
    missing: list[_X] = []
    for e in still:
        if not left:
            missing.append(e)
            continue
        key = anchor(e)
        found = next((g for g in left if key is not None and anchor(g) == key), left[0])
        left.remove(found)
        pairs.append((e, found, compare(e, found)))
    return notes, pairs, missing, left


_ByKey = dict[str, list[ParsedOption]]


def _effective_options(options: Sequence[ParsedOption]) -> tuple[_ByKey, _ByKey]:
    """Options by comparison key, with what changes nothing taken out; and those taken out.

    A value Docker reads as its default is taken out (kept aside, to name it when the other
    side sets another value), a repeated flag counts once, and a non-repeatable option keeps
    its last value (as Docker does).
    """
    last: dict[str, ParsedOption] = {}
    repeated: list[ParsedOption] = []
    for po in options:
        if po.option.repeatable:
            repeated.append(po)
        else:
            last[po.option.long] = po
    by_key: _ByKey = {}
    defaults: _ByKey = {}
    for po in [*last.values(), *repeated]:
        default = po.option.normalized_default
        kind = po.option.value
        if default is not None and canonical_value(kind, po.value).lower() == canonical_value(kind, default).lower():
            defaults.setdefault(po.option.key, []).append(po)
            continue
        by_key.setdefault(po.option.key, []).append(po)
    return by_key, defaults


def _compare_options(expected: ParsedCommand, given: ParsedCommand) -> list[_Issue]:
    issues: list[_Issue] = []
    command = expected.command
    e_forms = output_forms(command, expected.options, given.options)
    g_forms = output_forms(command, given.options, expected.options)
    (e_opts, e_defaults), (g_opts, g_defaults) = _effective_options(e_forms), _effective_options(g_forms)
    # A default value written out is named when the other side sets another: `-t 10` for `-t 30`
    # (a flag set to false is only a missing flag).
    for mine, theirs, their_defaults in ((e_opts, g_opts, g_defaults), (g_opts, e_opts, e_defaults)):
        for key, found in list(mine.items()):
            if key not in theirs and key in their_defaults and found[0].option.value != "bool":
                theirs[key] = their_defaults[key]
    for key in [*e_opts, *(k for k in g_opts if k not in e_opts)]:
        e_list, g_list = e_opts.get(key, []), g_opts.get(key, [])
        notes, pairs, missing, extra = _pair(
            e_list,
            g_list,
            compare_option_values,
            option_anchor,
            lambda po: has_placeholder(po.value),
        )
        issues += [_note(n) for n in notes]
        issues += [_differing_value(e, g, match) for e, g, match in pairs]
        issues += [_missing(_show(e), e.option.without) for e in missing]
        issues += [_extra_option(g) for g in extra]
    return issues


def assign_args(command: Command, args: Sequence[str]) -> tuple[list[list[str]], list[str]]:
    """The typed arguments per argument of the command, and those left over."""
    slots: list[list[str]] = []
    i = 0
    for arg in command.args:
        if arg.kind == "command" or arg.variadic:
            slots.append(list(args[i:]))
            i = len(args)
        else:
            slots.append(list(args[i : i + 1]))
            i += 1
    return slots, list(args[i:])


_OWN_PATH = ("/bin/", "/usr/bin/", "/usr/local/bin/", "/sbin/", "/usr/sbin/")

# The default command (CMD) of Docker Hub's official images the decks use, whatever the tag:
# writing it out runs what the image would run anyway.
_DEFAULT_COMMANDS: Mapping[str, str] = MappingProxyType(
    {"busybox": "sh", "alpine": "/bin/sh", "ubuntu": "/bin/bash", "debian": "bash"}
)

# What makes a `sh -c` script more than one plain command: operators, expansions, globs.
_SHELL_SYNTAX = re.compile(r"[;&|<>$`*?()\[\]{}~#!\n]")


def _plain_script(tokens: list[str]) -> list[str] | None:
    """The command of ``sh -c "X"`` when X is one plain command (no operator, expansion or glob)."""
    # sh only: every image the decks use has it (busybox has no bash).
    if len(tokens) != 3 or posixpath.basename(tokens[0]) != "sh" or tokens[1] != "-c":
        return None
    script = tokens[2]
    if _SHELL_SYNTAX.search(script):
        return None
    try:
        words = shlex.split(script)
    except ValueError:
        return None
    if not words or "=" in words[0]:  # `A=1 cmd` sets a variable first
        return None
    return words


def _is_program(tokens: list[str], program: str) -> bool:
    """Whether ``tokens`` runs ``program`` alone (``sh`` or ``/bin/sh`` for ``sh``)."""
    return (
        len(tokens) == 1
        and posixpath.basename(tokens[0]) == posixpath.basename(program)
        and ("/" not in tokens[0] or tokens[0].startswith(_OWN_PATH))
    )


def _default_command(image: str) -> str | None:
    if not image or has_placeholder(image):
        return None
    ref = image_reference.parse(image)
    return _DEFAULT_COMMANDS.get(ref.familiar_path) if ref.registry == "docker.io" else None


def _misplaced(words: Sequence[str], anchor: Arg | None) -> _Issue:
    """Options typed where the command no longer reads options (after the image for ``run``)."""
    if anchor is None:
        return _Issue(
            "error",
            bilingual(
                N_(
                    "`{options}` after the arguments is not read as an option: this command takes its options "
                    "before its arguments, and Docker would refuse the extra arguments."
                ),
                options=join(words),
            ),
        )
    return _Issue(
        "error",
        bilingual(
            N_(
                "`{options}` after {what} is read as the command to run, not as Docker options: put them before {what}."
            ),
            options=join(words),
            what=anchor.label,
        ),
    )


def _compare_container_command(
    arg: Arg, expected: list[str], given: list[str], image: str = "", anchor: Arg | None = None
) -> list[_Issue]:
    if expected and expected[-1] == "<command>":
        head = expected[:-1]
        if len(given) > len(head) and all(matches(e, g) for e, g in zip(head, given, strict=False)):
            return []
    elif len(expected) == len(given) and all(matches(e, g) for e, g in zip(expected, given, strict=True)):
        return []
    # echo joins its arguments with one space: echo "hello world" prints what echo hello world prints.
    if expected[:1] == given[:1] == ["echo"] and " ".join(expected[1:]) == " ".join(given[1:]):
        return []
    # `sh -c "echo hi"` runs `echo hi`: one plain command needs no shell around it.
    e_plain, g_plain = _plain_script(expected) or expected, _plain_script(given) or given
    if (e_plain, g_plain) != (expected, given) and not _compare_container_command(arg, e_plain, g_plain, image):
        return []
    # Writing out the image's default command (`busybox sh`) runs what `busybox` alone runs.
    default = _default_command(image)
    if default is not None and _is_program(expected or [default], default) and _is_program(given or [default], default):
        return []
    if (
        expected
        and given
        and expected[0] != given[0]
        and posixpath.basename(expected[0]) == posixpath.basename(given[0])
        and (expected[0].startswith(_OWN_PATH) or given[0].startswith(_OWN_PATH))
        and "/" not in (given[0] if expected[0].startswith("/") else expected[0])
        and len(expected) == len(given)
        and all(matches(e, g) for e, g in zip(expected[1:], given[1:], strict=True))
    ):
        return [
            _note(
                bilingual(
                    N_("`{given}` and `{expected}` are the same program when it is on the image's PATH."),
                    given=given[0],
                    expected=expected[0],
                )
            )
        ]
    if given and given[0].startswith("-") and given[0] != "-":
        return [_misplaced(given[:1], anchor)]
    shown_e, shown_g = join(expected), join(given)
    if not given:
        without = arg.without or bilingual(N_("the command would fail"))
        return [
            _Issue(
                "error",
                bilingual(N_("Missing {what} `{value}`: {without}."), what=arg.label, value=shown_e, without=without),
            )
        ]
    if not expected:
        return [
            _Issue(
                "error",
                bilingual(
                    N_("Unexpected command `{command}`: it would replace the image's default command."), command=shown_g
                ),
            )
        ]
    return [_wrong_value(arg.label, shown_g, shown_e, None)]


def _compare_args(expected: ParsedCommand, given: ParsedCommand) -> list[_Issue]:
    command = expected.command
    e_slots, _ = assign_args(command, expected.args)
    g_slots, g_extra = assign_args(command, given.args)
    image = next((vals[0] for arg, vals in zip(command.args, e_slots, strict=True) if arg.kind == "image" and vals), "")
    issues: list[_Issue] = []
    anchor: Arg | None = None  # the argument before the container's command: the image, the container
    for arg, e_vals, g_vals in zip(command.args, e_slots, g_slots, strict=True):
        if arg.kind == "command":
            issues += _compare_container_command(arg, e_vals, g_vals, image, anchor)
            continue
        anchor = arg
        if arg.default is not None:
            # An absent optional argument means its default: `docker login` is `docker login docker.io`.
            # A placeholder (`docker login <registry>`) asks for a value written out.
            e_vals = e_vals or [arg.default]
            if not any(has_placeholder(v) for v in e_vals):
                g_vals = g_vals or [arg.default]
        notes, pairs, missing, extra = _pair(
            e_vals,
            g_vals,
            partial(compare_arg, arg),
            lambda _v: None,
            has_placeholder,
        )
        issues += [_note(n) for n in notes]
        for e, g, match in pairs:
            issues.append(_wrong_value(arg.label, g, e, match.detail))
        for e in missing:
            if arg.variadic and g_vals:
                without = bilingual(N_("the command would act on the others only"))
            elif arg.required or arg.without is None:  # the model gives every optional argument its `without`
                without = bilingual(N_("the command would fail"))
            else:
                without = arg.without
            issues.append(
                _Issue(
                    "error",
                    bilingual(N_("Missing {what} `{value}`: {without}."), what=arg.label, value=e, without=without),
                )
            )
        for g in extra:
            issues.append(
                _Issue(
                    "error",
                    bilingual(N_("Unexpected argument `{value}` ({what})."), value=g, what=arg.label),
                )
            )
    for g in g_extra:
        issues.append(
            _Issue(
                "error",
                bilingual(
                    N_("Unexpected argument `{value}`: `{command}` would not take it."), value=g, command=command.name
                ),
            )
        )
    return issues


def _summary(issues: Sequence[_Issue]) -> Text:
    ordered = [i for i in issues if i.severity == "error"] + [i for i in issues if i.severity == "note"]
    shown, rest = ordered[:2], len(ordered) - 2
    fr = " ".join(i.text.fr for i in shown)
    en = " ".join(i.text.en for i in shown)
    if rest > 0:
        fr += " " + ngettext_in("fr", "And {n} more difference.", "And {n} more differences.", rest).format(n=rest)
        en += " " + ngettext_in("en", "And {n} more difference.", "And {n} more differences.", rest).format(n=rest)
    return Text(fr, en)


def asks_help(parsed: ParsedCommand) -> ParsedOption | None:
    return next((po for po in parsed.options if po.option is HELP and po.value == "true"), None)


def _form_issue(expected: ParsedCommand, given: ParsedCommand) -> _Issue:
    typed = join(["docker", *given.written])
    wanted = join(["docker", *expected.written])
    if len(expected.written) == 2:
        return _Issue(
            "error",
            bilingual(
                N_("`{typed}` runs the same command, but the question asks for the object-command form: `{wanted}`."),
                typed=typed,
                wanted=wanted,
            ),
        )
    return _Issue(
        "error",
        bilingual(
            N_("`{typed}` runs the same command, but the question asks for the short form: `{wanted}`."),
            typed=typed,
            wanted=wanted,
        ),
    )


def _looks_like_option(word: str) -> bool:
    return word.startswith("-") and word not in ("-", "--")


def _placed(given: ParsedCommand) -> tuple[ParsedCommand, _Issue | None]:
    """Options typed where a command that takes its options first no longer reads them, moved back
    where they belong (to compare the rest), with the issue that says so; else ``given`` as it is.
    """
    command = given.command
    if command.interspersed:
        return given, None
    slot = next((i for i, arg in enumerate(command.args) if arg.kind == "command"), None)
    if slot is not None:  # run, create, exec: only the word right after the image or container
        start: int | None = slot if len(given.args) > slot and _looks_like_option(given.args[slot]) else None
    else:  # commit, tag: any option after the first argument
        start = next((i for i, word in enumerate(given.args) if _looks_like_option(word)), None)
    if start is None:
        return given, None
    head, tail = given.args[:start], given.args[start:]
    try:
        moved = parse_command(join(["docker", *command.path, *tail]))
    except CommandSyntaxError:
        return given, None
    if not moved.options:
        return given, None
    words = tail[: len(tail) - len(moved.args)]
    anchor = command.args[slot - 1] if slot else None
    fixed = replace(given, options=given.options + moved.options, args=(*head, *moved.args))
    return fixed, _misplaced(words, anchor)


def _pipeline_notes(given: ParsedCommand) -> list[_Issue]:
    notes: list[_Issue] = []
    # `echo "$PW" | docker login --password-stdin` is how that option is meant to be used.
    if given.piped_from and not any(po.option.long == "--password-stdin" for po in given.options):
        fed = N_("`{shell}` feeds the command's input: only the Docker command is graded.")
        notes.append(_note(bilingual(fed, shell=given.piped_from)))
    if given.piped_to:
        notes.append(
            _note(
                bilingual(N_("`{shell}` reworks the output: only the Docker command is graded."), shell=given.piped_to)
            )
        )
    return notes


def _other_command(given: ParsedCommand, canonical: str) -> CommandVerdict:
    typed = join(["docker", *given.written])
    meaning = given.command.meaning
    if meaning is None:
        message = bilingual(N_("`{typed}` is another Docker command, not the one asked."), typed=typed)
    else:
        message = bilingual(N_("`{typed}` is a different command: it {meaning}."), typed=typed, meaning=meaning)
    return CommandVerdict("wrong", QUALITY["wrong"], message, canonical)


def _differences(expected: ParsedCommand, given: ParsedCommand) -> list[_Issue]:
    e_help, g_help = asks_help(expected), asks_help(given)
    # --help prints the usage and ignores everything else on the line.
    if e_help is not None and g_help is not None:
        return []
    if e_help is not None:
        return [_missing("--help", HELP.without)]
    if g_help is not None:
        return [_extra_option(g_help)]
    # An answer that passes options to the image's entrypoint (`docker run redis --appendonly yes`)
    # asks for them there: only where it does not are they misplaced.
    given, misplaced = (given, None) if any(map(_looks_like_option, expected.args)) else _placed(given)
    e_same, g_same = implied_all(as_docker_reads(expected), as_docker_reads(given))
    issues = _compare_options(e_same, g_same) + _compare_args(e_same, g_same)
    return issues if misplaced is None else [misplaced, *issues]


def _grade(expected: ParsedCommand, given: ParsedCommand, given_text: str, same_form: bool) -> CommandVerdict:
    canonical = canonical_form(expected)
    typed_form = given.written
    expected, given, inspect_notes = inspect_as_typed(expected, given)
    if given.command.path != expected.command.path:
        return _other_command(given, canonical)
    issues = _differences(expected, given) + [_note(n) for n in inspect_notes] + _pipeline_notes(given)
    if same_form and len(typed_form) != len(expected.written):
        issues.insert(0, _form_issue(expected, replace(given, written=typed_form)))
    if any(i.severity == "error" for i in issues):
        return CommandVerdict("partial", QUALITY["partial"], _summary(issues), canonical)
    if issues:
        return CommandVerdict("accepted", QUALITY["accepted"], _summary(issues), canonical)
    if given_text == canonical:
        return CommandVerdict("equivalent", QUALITY["equivalent"], EMPTY, canonical)
    return CommandVerdict(
        "equivalent",
        QUALITY["equivalent"],
        bilingual(N_("Equivalent to `{canonical}`."), canonical=canonical),
        canonical,
    )


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _too_long(given: str, canonical: str) -> CommandVerdict:
    return CommandVerdict(
        "wrong",
        QUALITY["wrong"],
        # The prompt stops taking characters just past the limit: the length typed is not known.
        bilingual(
            N_("An answer past {limit} characters is not compared with the expected command: it counts as wrong."),
            limit=Text(fr=number(MAX_ANSWER_CHARS, lang="fr"), en=number(MAX_ANSWER_CHARS, lang="en")),
        ),
        canonical,
    )


def grade_command(expected: str | Sequence[str], given: str, *, same_form: bool = False) -> CommandVerdict:
    """Grade a recalled command by what it would do.

    Args:
        expected: The card's answer, or the answer followed by its alternatives. Placeholders
            (``<container>``, ``<image>``, ...) accept any value of their kind.
        given: What the learner typed.
        same_form: The card asks for a form, not only a command ("write the object-command
            form of ``docker ps``"): the legacy form for a management answer (or the reverse)
            is then partly right. Aliases within a form (``ls``, ``list``) still count as equal.

    Returns:
        The best verdict over the expected answers (the first one on a tie).

    Raises:
        ValueError: No expected answer, or one that the model cannot read (a broken card).
    """
    answers = [expected] if isinstance(expected, str) else list(expected)
    if not answers:
        raise ValueError("grade_command needs at least one expected answer")
    parsed: list[ParsedCommand] = []
    for answer in answers:
        try:
            parsed.append(parse_command(answer))
        except CommandSyntaxError as error:
            raise ValueError(f"the expected answer {answer!r} is not a command quizdock can read: {error}") from error
    if len(given) > MAX_ANSWER_CHARS:
        return _too_long(given, canonical_form(parsed[0]))
    given_text = _normalise(given)
    for answer, p in zip(answers, parsed, strict=True):
        if given_text == _normalise(answer):
            return CommandVerdict("equivalent", QUALITY["equivalent"], EMPTY, canonical_form(p))
    try:
        typed = parse_command(given, pipeline=True)
    except CommandSyntaxError as error:
        same = next((p for p in parsed if error.command is not None and p.command.path == error.command.path), None)
        if same is not None:
            return CommandVerdict("partial", QUALITY["partial"], error.message, canonical_form(same))
        return CommandVerdict("wrong", QUALITY["wrong"], error.message, canonical_form(parsed[0]))
    verdicts = [_grade(p, typed, given_text, same_form) for p in parsed]
    return max(verdicts, key=lambda v: v.quality)
