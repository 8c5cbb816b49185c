"""Every benchmark script runs in its fastest mode and prints its rows in the fixed format. No
figure is checked: benchmarks are for people, and nothing here depends on the machine's speed."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FASTEST = {  # script: (its fastest arguments, how many rows it prints, needs Redis)
    "pages.py": (["--backend", "filesystem", "--rounds", "1", "--seconds", "0.3",
                  "--warm-views", "1", "--clients", "2"], 4, False),
    "login_cpu.py": (["--rounds", "1", "--logins", "1"], 1, False),
    "platform_calls.py": (["--views", "1"], 2, False),
    "upload.py": (["--rounds", "1", "--mb", "1"], 1, False),
    "refresh_storm.py": (["--wait", "3"], 1, True),
}


@pytest.mark.parametrize("script", sorted(FASTEST))
def test_the_script_prints_its_rows(script, request):
    arguments, expected_rows, needs_redis = FASTEST[script]
    if needs_redis:
        request.getfixturevalue("redis_url")  # skips without Redis (fails under CI=true)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--quick", *arguments],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line[4:]) for line in done.stdout.splitlines() if line.startswith("ROW ")]
    assert len(rows) == expected_rows, done.stdout
    for row in rows:
        assert set(row) == {"measure", "app", "baseline", "ratio", "target", "verdict"}
        assert row["verdict"] in ("PASS", "FAIL", "—")
