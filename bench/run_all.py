"""``make bench``: run every benchmark script and print one markdown table of their rows, with
the machine the figures came from.

    .venv/bin/python bench/run_all.py [--quick] [--markdown FILE]

Each script runs alone, in its own process, one after the other (they would disturb each other's
figures otherwise); its progress is shown as it goes. Exits 0 when every script ran, whatever
the rows' PASS or FAIL (the numbers are for people); 1 when a script failed to run.
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.lib.report import ROW_PREFIX, load_average, machine, markdown, parse_rows  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
SCRIPTS = ("pages.py", "login_cpu.py", "platform_calls.py", "upload.py", "refresh_storm.py")


def run(script: str, quick: bool) -> tuple[int, list[dict]]:
    """Run one script, echoing its output (not its ROW lines); its exit status and rows."""
    command = [sys.executable, str(HERE / script), *(["--quick"] if quick else [])]
    print(f"\n== {script}", flush=True)
    output = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=HERE.parent) as child:
        for line in child.stdout:
            output.append(line)
            if not line.startswith(ROW_PREFIX):
                print(line, end="", flush=True)
    return child.returncode, parse_rows("".join(output))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every script with --quick")
    parser.add_argument("--markdown", type=pathlib.Path, help="also write the table there")
    args = parser.parse_args()
    before = machine()
    rows, failed = [], []
    for script in SCRIPTS:
        status, found = run(script, args.quick)
        rows += found
        if status != 0:
            failed.append(f"{script} (exit {status})")
    rows.sort(key=lambda row: row["measure"].startswith("load generator"))  # context: last
    text = "\n".join([
        f"Measured {before['date']} on {before['nproc']} cores, {before['cpu']}, Python "
        f"{before['python']}, {before['system']}; load average {before['load']} at the start, "
        f"{load_average()} at the end" + (" (--quick: figures not meaningful)" if args.quick
                                         else "") + ".", "", markdown(rows)])
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    if failed:
        print("\nDid not run to the end: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
