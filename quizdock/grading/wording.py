"""The grader's sentences in both languages, from the message catalogue.

A verdict carries its explanation in French and in English (a review shows one, a challenge's
report may show either), so each message is rendered in both: its English text is the gettext
message id, ``quizdock/locale`` holds the French. Values that are themselves texts of both
languages (an option's consequence, an argument's label) are put in the matching language.
"""

from __future__ import annotations

from quizdock.i18n import LANGS, Lang, Text, gettext_in


def _values(lang: Lang, values: dict[str, object]) -> dict[str, object]:
    return {key: value.get(lang) if isinstance(value, Text) else value for key, value in values.items()}


def both(message: str, /, **values: object) -> Text:
    """``message`` (marked with ``N_``) in French and English, its ``{placeholders}`` filled."""
    fr, en = (gettext_in(lang, message).format(**_values(lang, values)) for lang in LANGS)
    return Text(fr, en)
