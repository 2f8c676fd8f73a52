"""Conditions on what the learner typed at quizdock's prompt: the answer to the challenge's
question (an image ID, a container, a logged value) and the commands themselves."""

from __future__ import annotations

import re
from typing import Any

from quizdock.i18n import bilingual, quoted_text
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    as_is,
    condition,
    diff,
    find_container,
    find_image,
    named_container,
    no_container,
    ok,
    result,
    seeded_container,
    status_text,
)

_HEX = re.compile(r"^[0-9a-f]{4,64}$")


_NO_ANSWER = bilingual("no answer yet (type `answer` then your answer at quizdock's prompt)")


def _typed_answer(ctx: Context) -> str | None:
    answer = (ctx.state.answer or "").strip()
    return answer or None


def _hex_of(answer: str) -> str | None:
    """The hexadecimal ID (or ID prefix) an answer gives, or None if it is not one."""
    text = answer.strip().lower().removeprefix("sha256:")
    return text if _HEX.match(text) else None


@condition
def answer_image(ctx: Context, a: Args) -> CheckResult:
    reference = str(a["image"])
    label = bilingual("your answer is the ID of image {reference}", reference=reference)
    expected = bilingual("the ID of {reference} (IMAGE ID column)", reference=reference)
    answer = _typed_answer(ctx)
    if answer is None:
        return result("answer_image", label, False, diff(expected, _NO_ANSWER))
    image = find_image(ctx, reference)
    if image is None:
        return result(
            "answer_image", label, False, diff(expected, bilingual("no image {reference}", reference=reference))
        )
    wanted = image.id.removeprefix("sha256:")
    given = _hex_of(answer)
    if given is not None and wanted.startswith(given):
        return result("answer_image", label, True, ok(bilingual("{answer}: that is it", answer=answer)))
    if find_image(ctx, answer) is not None and given is None:
        actual = bilingual("{answer} is a name; the question asks for the ID", answer=quoted_text(answer))
        return result("answer_image", label, False, diff(expected, actual))
    owners = [i for i in ctx.client.api.images(all=True) if given and i["Id"].removeprefix("sha256:").startswith(given)]
    if owners:
        names = ", ".join(tag for tag in owners[0].get("RepoTags") or [] if tag != "<none>:<none>") or "<none>:<none>"
        actual = bilingual("{answer} is the ID of {names}", answer=quoted_text(answer), names=names)
    else:
        actual = bilingual("no image has the ID {answer}", answer=quoted_text(answer))
    return result("answer_image", label, False, diff(expected, actual))


@condition
def answer_container(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("your answer names the right container")
    identifier, container = seeded_container(ctx, name)
    container = container or find_container(ctx, name)
    status = status_text(container) if container is not None else bilingual("removed")
    expected = bilingual("the container that is {status} (its name or ID)", status=status)
    answer = _typed_answer(ctx)
    if answer is None:
        return result("answer_container", label, False, diff(expected, _NO_ANSWER))
    wanted_id = container.id if container is not None else identifier
    given = answer.strip().lstrip("/")
    hex_id = _hex_of(given)
    if given == name or (hex_id is not None and wanted_id.startswith(hex_id)):
        return result("answer_container", label, True, ok(bilingual("{given}: that is it", given=given)))
    other = named_container(ctx.client, given)
    if other is None and hex_id is not None:
        other = next(
            (c for c in ctx.client.containers.list(all=True, ignore_removed=True) if c.id.startswith(hex_id)), None
        )
    if other is not None:
        actual = bilingual("{name}, which is {status}", name=other.name, status=status_text(other))
    else:
        actual = bilingual("no container {given}", given=quoted_text(given))
    return result("answer_container", label, False, diff(expected, actual))


@condition
def answer_logged(ctx: Context, a: Args) -> CheckResult:
    name, prefix = str(a["container"]), str(a["prefix"])
    label = bilingual(
        "your answer is the value {name} prints after {prefix}", name=name, prefix=quoted_text(prefix.strip())
    )
    expected = bilingual("the value after {prefix} in the logs", prefix=quoted_text(prefix.strip()))
    container = seeded_container(ctx, name)[1] or find_container(ctx, name)
    if container is None:
        return result("answer_logged", label, False, diff(expected, no_container(name)))
    lines = [line.strip() for line in container.logs(stdout=True, stderr=True).decode("utf-8", "replace").splitlines()]
    value = next((line.removeprefix(prefix.strip()).strip() for line in lines if line.startswith(prefix.strip())), None)
    answer = _typed_answer(ctx)
    if answer is None:
        return result("answer_logged", label, False, diff(expected, _NO_ANSWER))
    given = answer.strip()
    if value is not None and given in (value, f"{prefix.strip()} {value}", f"{prefix.strip()}{value}"):
        return result("answer_logged", label, True, ok(bilingual("{value}: that is it", value=value)))
    if given in lines:
        actual = bilingual(
            "{given} is a line printed earlier: the value comes later (follow the logs: -f)", given=quoted_text(given)
        )
    elif value is None:
        actual = bilingual(
            "you typed {given}, but {name} has not printed the value yet", given=quoted_text(given), name=name
        )
    else:
        actual = bilingual("you typed {given}", given=quoted_text(given))
    return result("answer_logged", label, False, diff(expected, actual))


def _missing_parts(expected: Any, typed: Any) -> list[str]:
    """The options and arguments of ``expected`` that ``typed`` (the same command) lacks."""
    present = {po.option.long for po in typed.options if po.value != "false"}
    missing = [po.written for po in expected.options if po.option.long not in present]
    missing += [arg for arg in expected.args if "<" not in arg and arg not in typed.args]
    return missing


@condition
def typed_command(ctx: Context, a: Args) -> CheckResult:
    from quizdock.grading.commands import CommandSyntaxError, canonical_form, parse_command

    command = str(a["command"])
    instead_raw = a.get("instead", ())
    instead = instead_raw if isinstance(instead_raw, tuple) else ()
    label = bilingual("the command typed is {command}", command=command)
    expected_text = as_is(f"`{command}`")
    wanted = parse_command(command)
    if not ctx.state.typed:
        seen = bilingual("no command typed at quizdock's prompt: not graded")
        return result("typed_command", label, True, ok(seen))
    other_paths = {parse_command(c).command.path for c in instead}
    same, other = [], []
    for line in ctx.state.typed:
        try:
            typed = parse_command(line)
        except CommandSyntaxError:
            continue
        if typed.command.path == wanted.command.path:
            same.append((line, _missing_parts(wanted, typed)))
        elif typed.command.path in other_paths:
            other.append(line)
    if any(not missing for _, missing in same):
        return result("typed_command", label, True, ok(expected_text))
    if same:
        line, missing = same[-1]
        actual = bilingual("`{line}`: {missing} missing", line=line, missing=", ".join(missing))
        return result("typed_command", label, False, diff(expected_text, actual))
    if other:
        shown = " ; ".join(f"`{line}`" for line in other)
        actual = bilingual("{shown}: the task asks for {expected}", shown=shown, expected=canonical_form(wanted))
        return result("typed_command", label, False, diff(expected_text, actual))
    return result(
        "typed_command",
        label,
        True,
        ok(bilingual("done outside quizdock's prompt: not graded")),
    )
