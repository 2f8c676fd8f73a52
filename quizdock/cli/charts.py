"""Terminal charts drawn with rich: a calendar heatmap and a horizontal bar chart.

Both stay legible without colour (``NO_COLOR``, a pipe, a monochrome terminal): the heatmap's
density is in its glyphs (``· ░ ▒ ▓ █``) with a legend giving the numbers behind each, and
every bar is followed by its number. Both fit the console width they are given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from quizdock.i18n import N_, Lang, gettext_in

EMPTY = "·"  # a day without any answer: a dot keeps the grid visible without colour
LEVELS = "░▒▓█"  # density 1..4
LEVEL_STYLES = ("#0e4429", "#006d32", "#26a641", "#39d353")
EMPTY_STYLE = "bright_black"
EIGHTHS = " ▏▎▍▌▋▊▉"  # partial blocks: a bar's length in eighths of a cell

# Short names, written over the first weeks of their month: three letters, four where French needs
# them to tell months apart (juin, juil).
MONTHS = (
    N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
    N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
)  # fmt: skip
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
LEGEND = N_("answers per day:")


def level(count: int, peak: int) -> int:
    """The density level 0..4 of a day's count: 0 for none, else its quarter of the busiest day."""
    if count <= 0 or peak <= 0:
        return 0
    return min(len(LEVELS), math.ceil(len(LEVELS) * count / peak))


def level_ranges(peak: int) -> list[tuple[int, int, int]]:
    """``(level, lowest, highest)`` count for each level some count in 1..peak falls in."""
    ranges: dict[int, tuple[int, int]] = {}
    for count in range(1, peak + 1):
        lvl = level(count, peak)
        low, _ = ranges.get(lvl, (count, count))
        ranges[lvl] = (low, count)
    return [(lvl, low, high) for lvl, (low, high) in sorted(ranges.items())]


def short_day(day: date, lang: Lang) -> str:
    """``Mon 30 Nov`` / ``lun 30 nov``."""
    weekday, month = gettext_in(lang, WEEKDAYS[day.weekday()]), gettext_in(lang, MONTHS[day.month - 1])
    return f"{weekday} {day.day:2d} {month}"


class Heatmap:
    """A contribution-graph calendar: one column per week (Monday first), one row per weekday.

    Args:
        counts: a count per day (days missing count 0).
        today: the last day shown.
        days: how many days end with ``today`` (older weeks are dropped when the width is short).
        lang: language of the month and weekday labels.
    """

    LABEL_WIDTH = 4  # "Mon "

    def __init__(self, counts: Mapping[date, int], today: date, *, days: int = 365, lang: Lang = "en") -> None:
        self.counts, self.today, self.days, self.lang = counts, today, days, lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        first = self.today - timedelta(days=self.days - 1)
        start = first - timedelta(days=first.weekday())
        weeks = (self.today - start).days // 7 + 1
        weeks = max(1, min(weeks, options.max_width - self.LABEL_WIDTH))
        start = self.today - timedelta(days=self.today.weekday()) - timedelta(weeks=weeks - 1)
        peak = max((n for day, n in self.counts.items() if first <= day <= self.today), default=0)

        yield self._month_row(start, weeks)
        for weekday in range(7):
            label = gettext_in(self.lang, WEEKDAYS[weekday])
            line = Text(f"{label:<{self.LABEL_WIDTH}}", style="dim")
            for week in range(weeks):
                day = start + timedelta(weeks=week, days=weekday)
                if day < first or day > self.today:
                    line.append(" ")
                    continue
                lvl = level(self.counts.get(day, 0), peak)
                line.append(LEVELS[lvl - 1] if lvl else EMPTY, style=LEVEL_STYLES[lvl - 1] if lvl else EMPTY_STYLE)
            yield line
        yield self._legend(peak)

    def _month_row(self, start: date, weeks: int) -> Text:
        """Month names over the first week that starts in each month, when there is room.

        A label that would touch the one before it (``juil`` then ``aoû`` four weeks later) starts
        a column later, still inside its month. The first column is labelled only when the next
        month's label leaves room for it.
        """
        starts = [
            week
            for week in range(weeks)
            if week == 0 or (start + timedelta(weeks=week)).month != (start + timedelta(weeks=week - 1)).month
        ]
        cells = [" "] * weeks
        free = 0  # first column a label may start at without touching the previous one
        for index, week in enumerate(starts):
            name = gettext_in(self.lang, MONTHS[(start + timedelta(weeks=week)).month - 1])
            following = starts[index + 1] if index + 1 < len(starts) else weeks + 1
            column = max(week, free)
            if column >= following or column + len(name) > weeks or (week == 0 and following <= len(name)):
                continue
            cells[column : column + len(name)] = list(name)
            free = column + len(name) + 1
        return Text(" " * self.LABEL_WIDTH + "".join(cells), style="dim")

    def _legend(self, peak: int) -> Text:
        legend = Text(gettext_in(self.lang, LEGEND) + " ", style="dim")
        legend.append(EMPTY, style=EMPTY_STYLE)
        legend.append(" 0")
        for lvl, low, high in level_ranges(peak):
            legend.append("  ")
            legend.append(LEVELS[lvl - 1], style=LEVEL_STYLES[lvl - 1])
            legend.append(f" {low}" if low == high else f" {low}-{high}")
        return legend


class BarChart:
    """Horizontal bars, one row per label, each with its number before the bar.

    Args:
        rows: ``(label, value)`` pairs, drawn in order; values are 0 or more.
        style: the bars' style (colour is optional: the numbers carry the data).
    """

    def __init__(self, rows: Sequence[tuple[str, int]], *, style: str = "cyan") -> None:
        self.rows, self.style = rows, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.rows:
            return
        label_width = max(cell_len(label) for label, _ in self.rows)
        peak = max(value for _, value in self.rows)
        number_width = len(str(peak))
        bar_width = max(1, options.max_width - label_width - number_width - 2)
        for label, value in self.rows:
            line = Text(label + " " * (label_width - cell_len(label)) + f" {value:>{number_width}} ", style="")
            line.append(bar(value, peak, bar_width), style=self.style)
            yield line


def bar(value: int, peak: int, width: int) -> str:
    """A bar of ``value / peak * width`` cells in eighths; any value above 0 shows at least ``▏``."""
    if value <= 0 or peak <= 0:
        return ""
    eighths = max(1, round(value * width * 8 / peak))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")
