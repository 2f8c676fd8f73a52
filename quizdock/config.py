"""The learner's settings: ``config.toml`` in the user config dir (or ``QUIZDOCK_CONFIG``).

```toml
new_per_day = 10   # new cards introduced per day
lang = "fr"        # "fr" or "en"; default: the locale, else en
lab = "auto"       # challenges in the private lab: "auto" (when it can start), "on", "off"
scheduler = "sm2"  # "sm2" (the original SuperMemo 2) or "fsrs" (Anki's FSRS); QUIZDOCK_SCHEDULER wins
desired_retention = 0.9  # FSRS: the share of cards to recall when they come due, 0.7 to 0.99
```
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from quizdock.core.fsrs import DEFAULT_RETENTION, MAX_RETENTION, MIN_RETENTION
from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import LANGS, N_, Lang, _, default_lang, os_reason, set_language
from quizdock.plaintext import read_bounded

LAB_SETTINGS = ("auto", "on", "off")
SCHEDULERS = ("sm2", "fsrs")
SCHEDULER_ENV = "QUIZDOCK_SCHEDULER"
KNOWN_SETTINGS = ("new_per_day", "lang", "lab", "scheduler", "desired_retention")

DEFAULT_NEW_PER_DAY = 10
MAX_NEW_PER_DAY = 10_000
"""More new cards a day than anyone studies; a bound keeps the number a number SQLite can take."""
MAX_LIMIT = 100_000
"""More cards than a session can hold (`quizdock review --limit`); a bound keeps it a number SQLite can take."""
MAX_CONFIG_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Config:
    new_per_day: int = DEFAULT_NEW_PER_DAY
    lang: Lang | None = None
    lab: Literal["auto", "on", "off"] = "auto"
    scheduler: Literal["sm2", "fsrs"] = "sm2"
    desired_retention: float = DEFAULT_RETENTION

    def language(self, chosen: str | None = None) -> Lang:
        """The language to use: the option, else the config, else the locale."""
        if chosen in LANGS:
            return chosen  # type: ignore[return-value]
        return self.lang or default_lang()

    def use_language(self, chosen: str | None = None) -> Lang:
        """Choose the language as :meth:`language` does and speak it from now on: every message
        of the catalogue, quizdock's errors included. Both review paths set it up here."""
        lang = self.language(chosen)
        set_language(lang)
        return lang


class ConfigError(QuizdockError):
    exit_code = ExitCode.USAGE


def _fix_or_delete() -> str:
    return _("Correct it, or delete it to go back to the default settings.")


# What Python's TOML reader means by each of its messages (they are English, and name no fix).
_TOML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("Expected '=' after a key", N_("a key must be followed by = and its value")),
    ("Expected newline or end of document", N_("a value must end its line")),
    ("Expected ']]'", N_("an [[array]] header must end with ]]")),
    ("Expected ']'", N_("a [table] header must end with ]")),
    ("Invalid statement", N_("a line must be a key = value or a [table] header")),
    ("Invalid initial character for a key", N_("a key must start with a letter, a digit, - or _, or be quoted")),
    ("Invalid value", N_("a value must be a number, true or false, a date, or a text in quotes")),
    ("Unclosed array", N_("an array is not closed with ]")),
    ("Unclosed inline table", N_("an inline table is not closed")),
    ("Unterminated string", N_("a text is not closed with its quote")),
    ("Illegal character", N_("a text holds a line break or a control character")),
    ("Found invalid character", N_("a character that TOML does not allow there")),
    ("Unescaped", N_("a backslash in a text must be doubled")),
    ("Invalid hex value", N_("an escape with a code point needs hexadecimal digits")),
    ("Escaped character is not a Unicode scalar", N_("an escape names no character")),
    ("Invalid date or datetime", N_("a date or time that does not exist")),
    ("Cannot overwrite a value", N_("a key is given a value twice")),
    ("Duplicate inline table key", N_("a key is given a value twice")),
    ("Cannot declare", N_("a table is declared twice")),
    ("Cannot redefine namespace", N_("a table is declared twice")),
    ("Cannot mutate immutable namespace", N_("a table written inline cannot be extended")),
)


@dataclass(frozen=True, slots=True)
class TomlProblem:
    """What is wrong in a TOML text, in the learner's language, and where (None: at its end)."""

    text: str
    line: int | None
    column: int | None

    @classmethod
    def of(cls, error: ValueError) -> TomlProblem:
        """Read a ``tomllib.TOMLDecodeError``: its message names the fault and ``(at line L, column C)``."""
        message = str(error)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line, column = (int(where.group(1)), int(where.group(2))) if where else (None, None)
        for start, meaning in _TOML_PROBLEMS:
            if message.startswith(start):
                return cls(_(meaning), line, column)
        reader = re.sub(r" \(at (line \d+, column \d+|end of document)\)$", "", message)
        return cls(_('the text is not TOML (tomllib: "{detail}")').format(detail=reader), line, column)


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file means the defaults."""
    if path is None:
        from quizdock.paths import config_path

        path = config_path()
    text = _read_text(path)
    if text is None:
        return _with_environment(Config(), path)
    return _with_environment(_settings(_parse_toml(text, path), path), path)


def _read_text(path: Path) -> str | None:
    """The config file's text; None when there is no file (the defaults)."""
    try:
        return read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # the file is missing, and cannot be made there
        parent = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        raise ConfigError(
            _("The config file {path} cannot exist: {parent} is a file, not a folder.").format(
                path=path, parent=parent
            ),
            _("Point QUIZDOCK_CONFIG at a settings file, or unset it for the default settings."),
        ) from None
    except OSError as exc:
        raise ConfigError(
            _("The config file {path} cannot be read ({reason}).").format(path=path, reason=os_reason(exc)),
            _fix_or_delete(),
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(_("The config file {path} is not UTF-8 text.").format(path=path), _fix_or_delete()) from None
    except ValueError as exc:  # not a regular file, or too large
        raise ConfigError(
            _("The config file {path} {problem}.").format(path=path, problem=exc),
            _("Point QUIZDOCK_CONFIG at a settings file."),
        ) from None


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    """The settings file's table, or the learner's message on what is wrong in it and where."""
    import tomllib  # only when there is a file: `quizdock --help` without one stays lighter

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = TomlProblem.of(exc)
        if found.line is None:
            problem = _("The config file {path} is not valid TOML: {problem}.").format(path=path, problem=found.text)
        else:
            problem = _("The config file {path} is not valid TOML, line {line}, column {column}: {problem}.").format(
                path=path, line=found.line, column=found.column, problem=found.text
            )
        raise ConfigError(problem, _fix_or_delete()) from None
    except RecursionError:
        raise ConfigError(
            _("The config file {path} nests tables too deeply to be settings.").format(path=path), _fix_or_delete()
        ) from None


def _settings(data: dict[str, Any], path: Path) -> Config:
    """The settings of the file's table, each checked (a wrong one is named with its fix)."""
    unknown = sorted(set(data) - set(KNOWN_SETTINGS))
    if unknown:
        raise ConfigError(
            _("The config file {path} has unknown setting {name}.").format(path=path, name=repr(unknown[0])),
            _("Known settings: {names}.").format(names=", ".join(KNOWN_SETTINGS)),
        )
    new_per_day = data.get("new_per_day", DEFAULT_NEW_PER_DAY)
    if isinstance(new_per_day, bool) or not isinstance(new_per_day, int) or not 0 <= new_per_day <= MAX_NEW_PER_DAY:
        raise ConfigError(
            _("In {path}, new_per_day must be a whole number from 0 to {most}, got {value}.").format(
                path=path, most=MAX_NEW_PER_DAY, value=repr(new_per_day)
            ),
            _fix_or_delete(),
        )
    lang = data.get("lang")
    if lang is not None and lang not in LANGS:
        raise ConfigError(
            _('In {path}, lang must be "fr" or "en", got {value}.').format(path=path, value=repr(lang)),
            _fix_or_delete(),
        )
    lab = data.get("lab", "auto")
    if lab not in LAB_SETTINGS:
        raise ConfigError(
            _('In {path}, lab must be "auto", "on" or "off", got {value}.').format(path=path, value=repr(lab)),
            _fix_or_delete(),
        )
    scheduler = data.get("scheduler", "sm2")
    if scheduler not in SCHEDULERS:
        raise ConfigError(
            _('In {path}, scheduler must be "sm2" or "fsrs", got {value}.').format(path=path, value=repr(scheduler)),
            _fix_or_delete(),
        )
    retention = data.get("desired_retention", DEFAULT_RETENTION)
    if (
        isinstance(retention, bool)
        or not isinstance(retention, int | float)
        or not MIN_RETENTION <= retention <= MAX_RETENTION
    ):
        raise ConfigError(
            _("In {path}, desired_retention must be a number from {least} to {most}, got {value}.").format(
                path=path, least=MIN_RETENTION, most=MAX_RETENTION, value=repr(retention)
            ),
            _("0.9 (the default) asks a card when you have 9 chances in 10 to recall it. ") + _fix_or_delete(),
        )
    config = Config(
        new_per_day=new_per_day, lang=lang, lab=lab, scheduler=scheduler, desired_retention=float(retention)
    )
    return config


def _with_environment(config: Config, path: Path) -> Config:
    """The settings with ``QUIZDOCK_SCHEDULER`` applied: it wins over the file."""
    chosen = os.environ.get(SCHEDULER_ENV)
    if chosen is None:
        return config
    if chosen not in SCHEDULERS:
        raise ConfigError(
            _('{name} must be "sm2" or "fsrs", got {value}.').format(name=SCHEDULER_ENV, value=repr(chosen)),
            _("Set it to sm2 or fsrs, or unset it to use the scheduler of {path}.").format(path=path),
        )
    return replace(config, scheduler=chosen)  # type: ignore[arg-type]
