"""The command-line framework's own words in the learner's language.

Typer writes "Usage:", "Options:", "Show this message and exit." and its error messages in
plain English. Here they come from quizdock's catalogue, through typer's public API only: help
screens and usage lines are drawn by a context of quizdock's own (``QuizdockContext``) from the
commands' public attributes, and errors are read back into their English template, whose
translation is shown (the values, such as an option's name, stay as typed).

Imports stay light: ``quizdock --help`` loads this module.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import IO, Any

import typer

from quizdock.i18n import LANGS, N_, Lang, _, number

HELP_OPTION = N_("Show this message and exit.")

# click's and typer's English messages, as templates: {name} stands for a value that is kept.
# Tried in order; {message} is a nested message, translated in turn.
TEMPLATES: tuple[str, ...] = (
    N_("{message} Did you mean {suggestion}?"),
    N_("{message}. Did you mean {suggestion}?"),
    N_("No such command {name}."),
    N_("No such option: {name} (Possible options: {options})"),
    N_("No such option: {name}"),
    N_("Missing command."),
    N_("Missing argument {name}."),
    N_("Missing option {name}."),
    N_("Missing parameter {name}."),
    N_("Invalid value for {name}: {message}"),
    N_("Invalid value: {message}"),
    N_("{value} is not in the range {range}."),
    N_("{value} is not a valid int."),
    N_("{value} is not a valid int range."),
    N_("{value} is not a valid float."),
    N_("{value} is not a valid float range."),
    N_("{value} is not a valid boolean. Recognized values: {values}"),
    N_("{value} is not one of {choices}."),
    N_("File {name} is a directory."),
    N_("Got unexpected extra argument(s) ({arguments})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {count} values."),
)
# The words of a help screen. typer's defaults for the usage line are message ids too.
OPTIONS_METAVAR = N_("[OPTIONS]")
COMMANDS_METAVAR = N_("COMMAND [ARGS]...")
WORDS = (
    N_("Usage: "),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("{low} to {high}"),
    N_("{low} or more"),
    N_("{high} or less"),
    N_("Error: {message}"),
    N_("Try '{command}' for help."),
    N_("{heading}:"),
)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\w+\})", template)
    regex = "".join(f"(?P<{part[1:-1]}>.+?)" if re.fullmatch(r"\{\w+\}", part) else re.escape(part) for part in parts)
    return re.compile(regex + r"\Z", re.DOTALL)


def translate_message(message: str) -> str:
    """A click or typer error message in the current language (unknown messages stay as they are)."""
    for template in TEMPLATES:
        pattern = _pattern(template)  # compiled when an error is shown, not at each start (re caches it)
        found = pattern.match(message)
        if found is None:
            continue
        values = found.groupdict()
        if "message" in values:
            values["message"] = translate_message(values["message"])
        if "range" in values:
            values["range"] = _range_words(values["range"])
        return _(template).format(**values)
    return message


def _range_words(text: str) -> str:
    """click's ``1<=x<=100000``, ``x>=0`` or ``x<=5`` in words (``1 to 100,000``); other ranges as they are."""
    both = re.fullmatch(r"(-?[\d.]+)<=x<=(-?[\d.]+)", text)
    low = re.fullmatch(r"x>=(-?[\d.]+)", text)
    high = re.fullmatch(r"x<=(-?[\d.]+)", text)
    if both:
        return _range(float(both[1]), float(both[2]))
    if low:
        return _range(float(low[1]), None)
    if high:
        return _range(None, float(high[1]))
    return text


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return _("{low} to {high}").format(low=_bound(low), high=_bound(high))
    if low is not None:
        return _("{low} or more").format(low=_bound(low))
    return _("{high} or less").format(high=_bound(high if high is not None else 0))


# --- help screens ------------------------------------------------------------------------------


def short_help(text: str, limit: int) -> str:
    """A command's first sentence, cut to ``limit`` columns with "...", as click shortens it, but
    never at a narrow no-break space (French typography keeps ``:`` with its word)."""
    words = [word for word in re.split(r"[ \t\r\n]+", text.split("\n\n", 1)[0]) if word]
    kept: list[str] = []
    length = -1
    for word in words:
        if length + 1 + len(word) > limit:
            while kept and length + 3 > limit:
                length -= len(kept.pop()) + 1
            return " ".join(kept) + "..."
        kept.append(word)
        length += 1 + len(word)
        if word.endswith("."):
            break
    return " ".join(kept)


def _metavar(param: Any) -> str:
    """What a parameter's value is called (declared with ``metavar=N_(...)``, translated by localize)."""
    name = param.metavar or (param.name or "").upper()
    return f"{name}..." if param.nargs != 1 else name


def _usage(ctx: typer.Context) -> str:
    command = ctx.command
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            name = param.metavar or (param.name or "").upper()
            name = name if param.required else f"[{name}]"
            pieces.append(f"{name}..." if param.nargs != 1 else name)
    if hasattr(command, "list_commands"):
        pieces.append(getattr(command, "subcommand_metavar", None) or _(COMMANDS_METAVAR))
    return " ".join(pieces)


def _bound(value: float) -> str:
    return number(value, 0 if float(value).is_integer() else 2)


def _details(param: Any) -> list[str]:
    """What the help adds in brackets after a parameter's text: env var, default, range, required."""
    details = []
    if getattr(param, "show_envvar", False) and param.envvar:
        names = param.envvar if isinstance(param.envvar, str) else ", ".join(param.envvar)
        details.append(_("env var: {var}").format(var=names))
    if isinstance(param.show_default, str):
        details.append(_("default: {default}").format(default=param.show_default))
    elif param.show_default and param.default not in (None, (), []) and not getattr(param, "is_flag", False):
        details.append(_("default: {default}").format(default=param.default))
    low, high = getattr(param.type, "min", None), getattr(param.type, "max", None)
    if low is not None or high is not None:
        details.append(_range(low, high))
    if param.required:
        details.append(_("required"))
    return details


def _row(param: Any) -> tuple[str, str]:
    if param.param_type_name == "argument":
        term = _metavar(param)
    else:
        # Short forms first (-d, --deck), as click orders them; a flag takes no value.
        names = [", ".join(sorted(opts, key=lambda o: len(o) - len(o.lstrip("-/")))) for opts in (param.opts,)]
        if param.secondary_opts:
            names.append(", ".join(param.secondary_opts))
        takes_value = not getattr(param, "is_flag", False) and not getattr(param, "count", False)
        term = " / ".join(f"{name} {_metavar(param)}" if takes_value else name for name in names)
    text = _(HELP_OPTION) if param.help == HELP_OPTION else (param.help or "")
    details = _details(param)
    if details:
        text = f"{text}  [{'; '.join(details)}]" if text else f"[{'; '.join(details)}]"
    return term, text


def _section(formatter: Any, heading: str, rows: list[tuple[str, str]]) -> None:
    formatter.write_paragraph()
    line = _("{heading}:").format(heading=heading)
    formatter.write(f"{'':>{formatter.current_indent}}{line}\n")
    with formatter.indentation():
        formatter.write_dl(rows)


def _command_rows(ctx: typer.Context, width: int) -> list[tuple[str, str]]:
    """A group's commands and their short help. A group's ``lazy`` commands (name -> (module,
    attribute, short help)) are listed without being built, so `quizdock --help` imports none."""
    group: Any = ctx.command
    lazy = getattr(group, "lazy", {})
    names = group.list_commands(ctx)
    limit = width - 6 - max(map(len, names), default=0)
    rows = []
    for name in names:
        if name in lazy and name not in group.commands:
            rows.append((name, short_help(_(lazy[name][2]), limit)))
            continue
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            rows.append((name, short_help(command.short_help or command.help or "", limit)))
    return rows


def help_screen(ctx: typer.Context) -> str:
    """The help of ``ctx``'s command in the current language: usage, text, arguments, options, commands."""
    formatter = ctx.make_formatter()
    formatter.write_usage(ctx.command_path, _usage(ctx), _("Usage: "))
    ctx.command.format_help_text(ctx, formatter)
    rows: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
    for param in ctx.command.get_params(ctx):
        if not getattr(param, "hidden", False) and param.param_type_name in rows:
            rows[param.param_type_name].append(_row(param))
    for heading, kind in ((_("Arguments"), "argument"), (_("Options"), "option")):
        if rows[kind]:
            _section(formatter, heading, rows[kind])
    if hasattr(ctx.command, "list_commands"):
        commands = _command_rows(ctx, formatter.width)
        if commands:
            _section(formatter, _("Commands"), commands)
    ctx.command.format_epilog(ctx, formatter)
    return str(formatter.getvalue()).rstrip("\n")


class QuizdockContext(typer.Context):
    """A command line's context whose help screen and usage line speak the learner's language."""

    def get_help(self) -> str:
        return help_screen(self)

    def get_usage(self) -> str:
        formatter = self.make_formatter()
        formatter.write_usage(self.command_path, _usage(self), _("Usage: "))
        return str(formatter.getvalue()).rstrip("\n")


# --- errors ------------------------------------------------------------------------------------


def is_usage_error(error: BaseException) -> bool:
    """A bad command line (an unknown option, a missing argument, a bad value): click's UsageError
    and its kind, of which typer 0.28 exports only ``typer.BadParameter``. Each is a
    ``typer.TyperException`` with exit code 2 that carries the context of the refused command line."""
    return isinstance(error, typer.TyperException) and error.exit_code == 2 and hasattr(error, "ctx")


class LocalizedUsageError(typer.TyperException):
    """A usage error told in the learner's language: the usage line, the hint and the message.

    The root group shows it (``QuizdockGroup.main``): typer shows only click's own errors.
    """

    exit_code = 2

    def __init__(self, message: str, ctx: typer.Context | None, exit_code: int = 2) -> None:
        super().__init__(message)
        self.ctx = ctx
        self.exit_code = exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        stream = file if file is not None else sys.stderr
        color = None
        if self.ctx is not None:
            color = self.ctx.color
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                command = f"{self.ctx.command_path} {self.ctx.help_option_names[0]}"
                hint = _("Try '{command}' for help.").format(command=command) + "\n"
            typer.echo(f"{self.ctx.get_usage()}\n{hint}", file=stream, color=color)
        typer.echo(_("Error: {message}").format(message=self.message), file=stream, color=color)


def localized_error(error: typer.TyperException) -> typer.TyperException:
    """``error`` as the learner reads it: a usage error in the learner's language, others as they are."""
    if isinstance(error, LocalizedUsageError) or not is_usage_error(error):
        return error
    ctx: Any = getattr(error, "ctx", None)
    if ctx is not None and error.message == ctx.get_help():
        return error  # a group called with nothing to do shows its help, already in the learner's language
    return LocalizedUsageError(translate_message(error.format_message()), ctx, error.exit_code)


def localize(command: Any) -> None:
    """Put a built command's help texts and metavars, and those of its options and subcommands, in
    the current language. The English texts (the message ids) are kept, so a later call may choose
    another language.
    """
    command.context_class = QuizdockContext
    for owner, attribute in (
        (command, "help"),
        (command, "short_help"),
        (command, "options_metavar"),
        (command, "subcommand_metavar"),
        *((param, "help") for param in getattr(command, "params", ())),
        *((param, "metavar") for param in getattr(command, "params", ())),
    ):
        source = owner.__dict__.setdefault(f"_source_{attribute}", getattr(owner, attribute, None))
        if source:
            setattr(owner, attribute, _(source))
    for sub in getattr(command, "commands", {}).values():
        localize(sub)


def language_asked(args: Sequence[str]) -> str | None:
    """The value of ``--lang`` wherever it stands on the command line (the last one wins), else None."""
    chosen = None
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            break
        if arg == "--lang" and rest:
            chosen = rest.pop(0)
        elif arg.startswith("--lang="):
            chosen = arg.removeprefix("--lang=")
    return chosen


def early_language(args: Sequence[str]) -> Lang:
    """The language of this command line, known before its help or its first error is printed:
    ``--lang``, else ``lang`` in the config, else the locale. A bad value here falls back to the
    next source; the command itself then reports it.
    """
    from quizdock.i18n import default_lang

    asked = language_asked(args)
    if asked in LANGS:
        return asked  # type: ignore[return-value]
    return configured_language() or default_lang()


def configured_language() -> Lang | None:
    """``lang`` in the config file, if it says; the TOML reader loads only when the file names it."""
    from quizdock.support.paths import config_path
    from quizdock.support.text import read_bounded

    try:
        # Bounded as config.py bounds it (64 KiB), and never blocked by a FIFO or a device.
        mentions_lang = b"lang" in read_bounded(config_path(), 64 * 1024)
    except (OSError, ValueError):
        return None
    if not mentions_lang:
        return None
    try:
        from quizdock.support.config import load_config

        return load_config().lang
    except Exception:  # a broken config file: the command reports it when it reads the settings
        return None
