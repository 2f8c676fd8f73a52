"""A card's expected answer checked before anyone is graded against it (deck validation)."""

from __future__ import annotations

from quizdock.grading import patterns
from quizdock.grading.comparison import asks_help, assign_args
from quizdock.grading.docker_cli import PLACEHOLDERS
from quizdock.grading.parsing import PLACEHOLDER, CommandSyntaxError, has_placeholder, parse_command
from quizdock.grading.values import image_problem
from quizdock.i18n import N_, Text, bilingual
from quizdock.support.text import MAX_ANSWER_CHARS


def answer_problems(answer: str) -> tuple[Text, ...]:
    """What is wrong with a card's expected answer, for deck validation; empty when it is fine.

    Checks that the model reads it, that its command is fully modelled, that its placeholders
    are known, that its required arguments are there and that its image names are valid.
    """
    if len(answer) > MAX_ANSWER_CHARS:
        return (
            bilingual(
                N_("An answer of {n} characters: longer than the {limit} a learner may type."),
                n=len(answer),
                limit=MAX_ANSWER_CHARS,
            ),
        )
    try:
        parsed = parse_command(answer)
    except CommandSyntaxError as error:
        return (error.message,)
    problems: list[Text] = []
    command = parsed.command
    if not command.modelled:
        problems.append(
            bilingual(N_("quizdock knows `{command}` by name only and cannot grade it."), command=command.name)
        )
    values = [po.value for po in parsed.options] + list(parsed.args)
    for value in values:
        side_by_side = patterns.adjacent_placeholders(value)
        if side_by_side is not None:
            problems.append(
                bilingual(
                    N_(
                        "Placeholders side by side `{found}`: where one ends and the other begins would be "
                        "a guess; separate them (`<image>:<tag>`)."
                    ),
                    found=side_by_side,
                )
            )
        for m in PLACEHOLDER.finditer(value):
            if m.group(1) not in PLACEHOLDERS:
                problems.append(bilingual(N_("Unknown placeholder `{found}`."), found=m.group(0)))
    slots, extra = assign_args(command, parsed.args)
    for arg, vals in zip(command.args, slots, strict=True):
        if arg.required and not vals and not asks_help(parsed):
            problems.append(bilingual(N_("Missing {what}."), what=arg.label))
        if arg.kind == "image":
            for v in vals:
                problem = None if has_placeholder(v) else image_problem(v)
                if problem is not None:
                    problems.append(bilingual(N_("Image `{image}`: {problem}."), image=v, problem=problem))
    problems += [bilingual(N_("Unexpected argument `{value}`."), value=x) for x in extra]
    for po in parsed.options:
        if po.option.value == "image" and not has_placeholder(po.value):
            problem = image_problem(po.value)
            if problem is not None:
                problems.append(bilingual(N_("Image `{image}`: {problem}."), image=po.value, problem=problem))
    return tuple(problems)
