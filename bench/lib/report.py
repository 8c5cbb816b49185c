"""Rows of the table, printed in one fixed format by every script, and the machine they ran on.

Each row is printed twice: a readable line, and ``ROW {json}`` that ``bench/run_all.py`` collects
into the markdown table. A row's ``verdict`` is PASS or FAIL against its target (or ``—`` when
the row has no target); a missed target never makes a script fail: the numbers are for people.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass

ROW_PREFIX = "ROW "
COLUMNS = ("measure", "app", "baseline", "ratio", "target", "verdict")


@dataclass(frozen=True)
class Row:
    measure: str
    app: str
    baseline: str
    ratio: str
    target: str
    verdict: str

    def emit(self) -> None:
        print(f"{self.measure}: {self.app} | baseline {self.baseline} | ratio {self.ratio} | "
              f"target {self.target} | {self.verdict}")
        print(ROW_PREFIX + json.dumps(asdict(self)), flush=True)


def verdict(passed: bool | None) -> str:
    return "—" if passed is None else ("PASS" if passed else "FAIL")


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def ratio(value: float, baseline: float) -> float:
    """``value / baseline``; NaN when the baseline measured 0 (e.g. below the CPU clock's tick)."""
    return value / baseline if baseline else float("nan")


def ratio_text(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> dict:
    """What the figures came from: cores, CPU model, Python, date, load average now."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}",
            "date": time.strftime("%Y-%m-%d %H:%M %Z"), "load": load_average()}


def markdown(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(row[column]) for column in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def parse_rows(output: str) -> list[dict]:
    return [json.loads(line[len(ROW_PREFIX):]) for line in output.splitlines()
            if line.startswith(ROW_PREFIX)]


def arguments(description: str, rounds: int | None, seconds: float | None = None,
              quick_rounds: int = 2, **extra) -> argparse.Namespace:
    """The options every script takes: --quick (a fast run that proves it works, figures
    meaningless), --rounds (unless ``rounds`` is None) and, for timed rounds, --seconds;
    ``extra`` adds ``--name value`` options with those defaults."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help="a fast run that proves the script works (figures not meaningful)")
    if rounds is not None:
        parser.add_argument("--rounds", type=int, default=None,
                            help=f"interleaved rounds per side (default {rounds}, "
                                 f"{quick_rounds} with --quick)")
    if seconds is not None:
        parser.add_argument("--seconds", type=float, default=None,
                            help=f"seconds per round (default {seconds}, 1 with --quick)")
    for name, default in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    args = parser.parse_args()
    if rounds is not None:
        args.rounds = args.rounds or (quick_rounds if args.quick else rounds)
    if seconds is not None:
        args.seconds = args.seconds or (1.0 if args.quick else seconds)
    print(f"# {os.path.basename(sys.argv[0])}"
          + (f": {args.rounds} rounds" if rounds is not None else "")
          + (f" of {args.seconds:g} s" if seconds is not None else "")
          + ("; --quick: figures not meaningful" if args.quick else "")
          + f"; load average {load_average()}", flush=True)
    return args
