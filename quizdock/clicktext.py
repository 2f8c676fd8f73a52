"""The command-line framework's own words in the learner's language.

Typer's vendored click writes "Usage:", "Show this message and exit." and its error messages as
plain English; typer.core asks ``gettext.gettext`` for "Options", "Commands", "default: ...".
Here both come from quizdock's catalogue: help screens through a formatter and a context of
quizdock's own, errors by reading the English message back into its template and translating
the template (the values, such as an option's name, stay as typed).

Imports stay light: ``quizdock --help`` loads this module.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import IO, Any

import typer.core
from typer._click.core import Context
from typer._click.exceptions import ClickException, UsageError
from typer._click.formatting import HelpFormatter
from typer._click.utils import echo

from quizdock.i18n import LANGS, N_, NNBSP, Lang, _

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
    N_("File {name} is a directory."),
    N_("Got unexpected extra argument(s) ({arguments})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {count} values."),
)
WORDS = (
    N_("Usage: "),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
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
        return _(template).format(**values)
    return message


class LocalizedFormatter(HelpFormatter):
    """Help screens with click's headings and usage prefix in the learner's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        line = _("{heading}:").format(heading=heading)
        self.write(f"{'':>{self.current_indent}}{line}\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl(
            [(term, _(text) if text == HELP_OPTION else text) for term, text in rows], col_max, col_spacing
        )


def short_help(text: str, limit: int) -> str:
    """A command's first sentence, cut to ``limit`` columns, keeping narrow no-break spaces
    (click's shortening splits on every space, those included)."""
    from typer._click.utils import make_default_short_help

    return make_default_short_help(text.replace(NNBSP, "\0"), limit).replace("\0", NNBSP)


class QuizdockContext(Context):
    formatter_class = LocalizedFormatter


class LocalizedUsageError(UsageError):
    """A usage error told in the learner's language: the usage line, the hint and the message."""

    def __init__(self, message: str, ctx: Context | None, exit_code: int) -> None:
        super().__init__(message, ctx)
        self.exit_code = exit_code

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        stream = file if file is not None else sys.stderr
        color = None
        if self.ctx is not None:
            color = self.ctx.color
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                command = f"{self.ctx.command_path} {self.ctx.help_option_names[0]}"
                hint = _("Try '{command}' for help.").format(command=command) + "\n"
            echo(f"{self.ctx.get_usage()}\n{hint}", file=stream, color=color)
        echo(_("Error: {message}").format(message=self.message), file=stream, color=color)


def localized_error(error: ClickException) -> ClickException:
    """``error`` as the learner reads it (it is shown by typer, with its exit code)."""
    if isinstance(error, LocalizedUsageError) or not isinstance(error, UsageError):
        return error
    if type(error).show is not UsageError.show:  # its own display (the help of a bare group)
        return error
    return LocalizedUsageError(translate_message(error.format_message()), error.ctx, error.exit_code)


def localize(command: Any) -> None:
    """Put a built command's help texts, and those of its options and subcommands, in the current
    language. The English texts (the message ids) are kept, so a later call may choose another language.
    """
    command.context_class = QuizdockContext
    for owner, attribute in (
        (command, "help"),
        (command, "short_help"),
        *((param, "help") for param in getattr(command, "params", ())),
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
    from quizdock.paths import config_path
    from quizdock.plaintext import read_bounded

    try:
        # Bounded as config.py bounds it (64 KiB), and never blocked by a FIFO or a device.
        mentions_lang = b"lang" in read_bounded(config_path(), 64 * 1024)
    except (OSError, ValueError):
        return None
    if not mentions_lang:
        return None
    try:
        from quizdock.config import load_config

        return load_config().lang
    except Exception:  # a broken config file: the command reports it when it reads the settings
        return None


# typer.core asks gettext.gettext, through its module's `_`, for its few words ("Options",
# "default: ..."): quizdock's catalogue answers instead of the process-wide gettext domain.
typer.core._ = _  # type: ignore[attr-defined]
