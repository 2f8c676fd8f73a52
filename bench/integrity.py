"""What the whole-file check before a store's first write costs (quizdock.storage.integrity).

    python bench/integrity.py DB [--runs 7]

The check (`PRAGMA quick_check`) reads every page of the database once and checks each. Its
floor, in the same rounds: SQLite reading every table and index whole without checking them
(`count(*)` over each b-tree), the least that reading the whole file through SQLite costs. A
review runs the check in the background while the first card is read; the pty row of
bench/run.py ("first answer given at once") shows what a learner who answers at once waits.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from contextlib import closing
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import Row, ms  # noqa: E402
from quizdock.storage.migrate import check_integrity, read_only  # noqa: E402


def read_every_btree(db: Path) -> None:
    """Every table and index read whole through SQLite, unchecked: the floor of the check."""
    with closing(read_only(db)) as conn:
        objects = conn.execute("SELECT type, name, tbl_name FROM sqlite_master WHERE rootpage > 0").fetchall()
        for kind, name, table in objects:
            how = "NOT INDEXED" if kind == "table" else f'INDEXED BY "{name}"'
            conn.execute(f'SELECT count(*) FROM "{table}" {how}').fetchone()


def measure(db: Path, runs: int) -> list[Row]:
    """The check and its floor, in turn in each round (the first round warms the page cache)."""
    checks: list[float] = []
    floors: list[float] = []
    for round_ in range(runs + 1):
        for function, samples in ((check_integrity, checks), (read_every_btree, floors)):
            start = time.perf_counter()
            function(db)
            if round_:
                samples.append(time.perf_counter() - start)
    check, floor = statistics.median(checks), statistics.median(floors)
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        size = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
    return [
        (
            f"whole-file check before the first write ({size / 2**20:.0f} MB)",
            f"{ms(check)} ({check / floor:.2f}x {ms(floor)})",
            "vs every table and index read",
            "-",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print("| measure | value | target | |\n|---|---|---|---|")
    for row in measure(args.db, args.runs):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
