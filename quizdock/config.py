"""The learner's settings: ``config.toml`` in the user config dir (or ``QUIZDOCK_CONFIG``).

```toml
new_per_day = 10   # new cards introduced per day
lang = "fr"        # "fr" or "en"; default: the locale, else en
lab = "auto"       # challenges in the private lab: "auto" (when it can start), "on", "off"
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import LANGS, Lang, _, default_lang
from quizdock.plaintext import read_bounded

LAB_SETTINGS = ("auto", "on", "off")

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

    def language(self, chosen: str | None = None) -> Lang:
        """The language to use: the option, else the config, else the locale."""
        if chosen in LANGS:
            return chosen  # type: ignore[return-value]
        return self.lang or default_lang()


class ConfigError(QuizdockError):
    exit_code = ExitCode.USAGE


def _fix_or_delete() -> str:
    return _("Fix or delete it.")


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file means the defaults."""
    if path is None:
        from quizdock.paths import config_path

        path = config_path()
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            _("The config file {path} cannot be read ({reason}).").format(path=path, reason=exc), _fix_or_delete()
        ) from None
    except ValueError as exc:  # not a regular file, or too large
        raise ConfigError(
            _("The config file {path} {problem}.").format(path=path, problem=exc),
            _("Point QUIZDOCK_CONFIG at a settings file."),
        ) from None
    import tomllib  # only when there is a file: `quizdock --help` without one stays lighter

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("The config file {path} cannot be read ({reason}).").format(path=path, reason=exc), _fix_or_delete()
        ) from None
    except RecursionError:
        raise ConfigError(
            _("The config file {path} nests tables too deeply to be settings.").format(path=path), _fix_or_delete()
        ) from None
    unknown = sorted(set(data) - {"new_per_day", "lang", "lab"})
    if unknown:
        raise ConfigError(
            _("The config file {path} has unknown setting {name}.").format(path=path, name=repr(unknown[0])),
            _("Known settings: new_per_day, lang, lab."),
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
    return Config(new_per_day=new_per_day, lang=lang, lab=lab)
