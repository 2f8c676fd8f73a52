"""Every text a learner reads, in French and in English.

quizdock's own texts are gettext messages: the English text in the code is the message id, and
``quizdock/locale/<lang>/LC_MESSAGES/quizdock.po`` (compiled to the ``.mo`` beside it) holds
each language's translation; README "Languages" says how to add one. Deck content stays in
the deck files, as ``Text`` pairs.

Only the standard library is imported here: ``quizdock --help`` loads this module.
"""

from __future__ import annotations

import errno
import gettext
import locale
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from datetime import date

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")
DOMAIN = "quizdock"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

NNBSP = "\u202f"
"""French typography: the narrow no-break space before ``: ; ! ?``, inside ``« »`` and before ``%``."""
NO_BREAK_SPACES = "\u00a0\u2007\u202f"  # no-break, figure and narrow no-break spaces


@dataclass(frozen=True, slots=True)
class Text:
    """A deck text in both languages."""

    fr: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


def default_lang() -> Lang:
    """The learner's locale language when it is French, else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "fr" if code.lower().startswith("fr") else "en"


_catalogues: dict[Lang, gettext.NullTranslations] = {}
_current: Lang = "en"


def catalogue(lang: Lang) -> gettext.NullTranslations:
    """The messages of ``lang`` (English is the code's own text)."""
    found = _catalogues.get(lang)
    if found is None:
        found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
        _catalogues[lang] = found
    return found


def set_language(lang: Lang) -> None:
    """Speak ``lang`` from now on (the CLI decides it before any help or message is printed)."""
    global _current
    _current = lang


def current_language() -> Lang:
    return _current


def _(message: str) -> str:
    """``message`` in the current language."""
    return catalogue(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n``, by the current language's plural rule (French: 0 and 1 are singular)."""
    return catalogue(_current).ngettext(singular, plural, n)


def gettext_in(lang: Lang, message: str) -> str:
    """``message`` in ``lang``, whatever the current language."""
    return catalogue(lang).gettext(message)


def ngettext_in(lang: Lang, singular: str, plural: str, n: int) -> str:
    return catalogue(lang).ngettext(singular, plural, n)


def bilingual(message: str, /, **values: object) -> Text:
    """``message`` in every language at once, its ``{placeholders}`` filled from ``values``.

    For texts made before the language they are shown in is known (a check's verdict, kept and
    shown later or in both languages): a :class:`Text` value is filled in the same language.
    """

    def one(lang: Lang) -> str:
        filled = {key: value.get(lang) if isinstance(value, Text) else value for key, value in values.items()}
        return gettext_in(lang, message).format(**filled)

    return Text(fr=one("fr"), en=one("en"))


def bilingual_n(singular: str, plural: str, n: int, /, **values: object) -> Text:
    """:func:`bilingual` for a message whose form depends on ``n`` (each language's plural rule)."""

    def one(lang: Lang) -> str:
        filled = {key: value.get(lang) if isinstance(value, Text) else value for key, value in values.items()}
        return ngettext_in(lang, singular, plural, n).format(**filled)

    return Text(fr=one("fr"), en=one("en"))


def quoted(value: object, lang: Lang | None = None) -> str:
    """A value the learner typed or a file holds, quoted as the language quotes in a message:
    ``« x »`` in French (narrow no-break spaces inside), ``'x'`` in English. Characters that
    would not print (control characters, a line break) are written escaped, as Python writes
    them; a value that is not text (a number, a list) is shown as Python writes it, unquoted.
    """
    if not isinstance(value, str):
        return repr(value)
    if not value.isprintable():
        value = "".join(c if c.isprintable() or c in NO_BREAK_SPACES else repr(c)[1:-1] for c in value)
    return f"«{NNBSP}{value}{NNBSP}»" if (lang or _current) == "fr" else f"'{value}'"


def quoted_text(value: object) -> Text:
    """:func:`quoted` in every language, for a :func:`bilingual` message."""
    return Text(fr=quoted(value, "fr"), en=quoted(value, "en"))


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is declared; it is translated where it is shown."""
    return message


# --- the system's words ----------------------------------------------------------------------

# The system's own words for these (strerror) are English whatever the locale.
ERRNO_WORDS: dict[int, str] = {
    errno.ECONNREFUSED: N_("Connection refused"),
    errno.ECONNRESET: N_("Connection reset by peer"),
    errno.EHOSTUNREACH: N_("No route to host"),
    errno.ENETUNREACH: N_("Network is unreachable"),
    errno.ETIMEDOUT: N_("Connection timed out"),
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a folder"),
    errno.ENOTDIR: N_("Not a folder"),
    errno.ENAMETOOLONG: N_("File name too long"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.EROFS: N_("Read-only file system"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EIO: N_("Input/output error"),
}


def os_reason(error: OSError) -> str:
    """Why a system call failed, in the current language (the system's words when not in the catalogue)."""
    if error.errno in ERRNO_WORDS:
        return _(ERRNO_WORDS[error.errno])
    return error.strerror or str(error)


# --- numbers ---------------------------------------------------------------------------------


def number(value: float, digits: int = 0, lang: Lang | None = None) -> str:
    """``1,234.5`` in English, ``1 234,5`` in French (narrow no-break spaces between thousands)."""
    text = f"{value:,.{digits}f}"
    if (lang or _current) == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return text


def percent(value: float, digits: int = 1, lang: Lang | None = None) -> str:
    """``73.7%`` in English, ``73,7 %`` in French."""
    shown = number(value, digits, lang)
    return f"{shown}{NNBSP}%" if (lang or _current) == "fr" else f"{shown}%"


# --- dates -----------------------------------------------------------------------------------

# One short form of a calendar day per month: each language orders and abbreviates as it writes
# (French ``1 déc. 2026``; the heatmap's three-letter column labels are not its abbreviations).
DAY_IN_MONTH = (
    N_("Jan {day}, {year}"), N_("Feb {day}, {year}"), N_("Mar {day}, {year}"), N_("Apr {day}, {year}"),
    N_("May {day}, {year}"), N_("Jun {day}, {year}"), N_("Jul {day}, {year}"), N_("Aug {day}, {year}"),
    N_("Sep {day}, {year}"), N_("Oct {day}, {year}"), N_("Nov {day}, {year}"), N_("Dec {day}, {year}"),
)  # fmt: skip


def calendar_day(day: date, lang: Lang | None = None) -> str:
    """A day as the learner reads it: ``Dec 1, 2026`` in English, ``1 déc. 2026`` in French.

    For what a person reads only: JSON and CSV keep ISO 8601 (``2026-12-01``).
    """
    return gettext_in(lang or _current, DAY_IN_MONTH[day.month - 1]).format(day=day.day, year=day.year)
