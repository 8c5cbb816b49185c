"""The JAR is streamed: the command's memory does not grow with the JAR's size."""

from __future__ import annotations

import tracemalloc

from tests.support.labs import parsed


def _peak_deploying(cli, sandbox, jar, name: str) -> int:
    tracemalloc.start()
    try:
        result = cli([jar, "--environment", "Sandbox", "--name", name, "--json"], sandbox.env())
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.stderr
    assert parsed(result.stdout)["status"] == "STARTED"
    return peak


def test_memory_does_not_grow_with_the_jar(sandbox, jar_builder, tmp_path, cli):
    small = jar_builder.build(tmp_path / "small.jar", pad_mb=4)
    big = jar_builder.build(tmp_path / "big.jar", pad_mb=36)
    small_peak = _peak_deploying(cli, sandbox, small, "hello-small")
    big_peak = _peak_deploying(cli, sandbox, big, "hello-big")
    assert sandbox.application("hello-big")["fileName"] == "big.jar"
    # 32 MB more JAR; the sandbox receiving it runs in this process and is traced as well
    assert big_peak - small_peak < 4 * 1024 * 1024, (small_peak, big_peak)
