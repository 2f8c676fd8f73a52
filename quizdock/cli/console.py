"""The terminal as quizdock draws on it: Rich consoles that print texts as written, status lines,
deck texts with their inline code, French spaces kept whole, and errors told to the learner.

The only module of the CLI's own helpers that imports Rich; everything below the CLI returns texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quizdock.errors import ExitCode, Interrupted, QuizdockError
from quizdock.i18n import NO_BREAK_SPACES, _
from quizdock.support.text import code_spans, printable

if TYPE_CHECKING:
    from rich.console import Console


def shown(text: str) -> str:
    """``text`` ready for a Rich console: control characters escaped, markup escaped."""
    from rich.markup import escape

    return escape(printable(text))


def plain_console(*, stderr: bool = False) -> Console:
    """A Rich console that prints texts as written: no colours guessed for numbers or paths, and
    no emoji codes (a deck's ``:warning:`` stays ``:warning:``; Rich would draw an emoji)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False)


def learner_console(*, stderr: bool = False) -> Console:
    """:func:`plain_console` for what a command shows the learner, French spaces kept whole."""
    keep_narrow_spaces()
    return plain_console(stderr=stderr)


class StatusLine:
    """Rich's spinner and a text, as ``console.status`` shows them, but drawn at once and at each
    :meth:`update` (rich's status draws a new text only at its next refresh, a twelfth of a
    second later: a step shorter than that would show nothing)."""

    def __init__(self, console: Console, text: str) -> None:
        from rich.live import Live
        from rich.spinner import Spinner

        self._spinner = Spinner("dots", text=text, style="status.spinner")
        self._live = Live(self._spinner, console=console, refresh_per_second=12.5, transient=True)

    def update(self, text: str) -> None:
        self._spinner.update(text=text)
        self._live.refresh()

    def __enter__(self) -> StatusLine:
        self._live.start(refresh=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.stop()


def status_line(console: Console, text: str) -> StatusLine:
    """A status line (spinner and ``text``) for a wait: ``with status_line(out, text) as status``."""
    return StatusLine(console, text)


CODE_STYLE = "bold cyan"
"""How inline code of a deck text (between backticks) is shown: as code, without its backticks."""


def deck_text(text: str, style: str = "") -> Any:
    """A deck text as a Rich ``Text``: control characters escaped, inline code shown as code.

    Rich wraps it at spaces only, so no word is broken unless it is wider than the terminal.
    """
    from rich.text import Text

    shown_text = Text(style=style)
    for piece, is_code in code_spans(printable(text)):
        shown_text.append(piece, style=CODE_STYLE if is_code else "")
    return shown_text


def keep_narrow_spaces() -> None:
    """Make rich never wrap a line at a no-break space (``Réponse\u202f:`` stays whole).

    rich finds where a line may break with ``\\s``, which matches U+202F and U+00A0 too, so a
    French ``:`` or ``»`` could start a line. Its word pattern is swapped for one where those
    spaces join words. Called where quizdock makes its consoles (rich is imported then anyway);
    tests/test_i18n_errors.py renders a long French line narrow to prove it.
    """
    import re

    from rich import _wrap

    _wrap.re_word = re.compile(rf"[^\S{NO_BREAK_SPACES}]*[\S{NO_BREAK_SPACES}]+[^\S{NO_BREAK_SPACES}]*")


def report(error: QuizdockError | KeyboardInterrupt | EOFError) -> int:
    """Tell the learner (on stderr) what stopped the command; the exit code to end with."""
    console = plain_console(stderr=True)
    if isinstance(error, QuizdockError):
        # A message may quote a path or a value the learner gave: shown as text, never as markup.
        label, fix_label = _("Error:"), _("Fix:")
        # In a terminal, wrapped at spaces to its width; elsewhere (a log, a pipe) one line each.
        whole_lines = not console.is_terminal
        console.print(f"[bold red]{label}[/bold red] {shown(error.problem)}", soft_wrap=whole_lines)
        if error.fix:
            console.print(f"[bold]{fix_label}[/bold] {shown(error.fix)}", soft_wrap=whole_lines)
        return int(error.exit_code)
    if not isinstance(error, Interrupted):  # Ctrl-C, or Ctrl-D at a prompt
        console.print(_("Interrupted."))
    return int(ExitCode.INTERRUPTED)
