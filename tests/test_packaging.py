"""A wheel built from the repository is a working app: installed into a fresh virtual environment
outside the checkout, it renders its pages from the templates and static files it ships."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import sysconfig
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent

RENDER = textwrap.dedent("""
    import relying_party
    from relying_party import create_app

    app = create_app({"ANYPOINT_URL": "http://127.0.0.1:9", "ANYPOINT_CLIENT_ID": "c",
                      "ANYPOINT_CLIENT_SECRET": "s", "SECRET_KEY": "x" * 20,
                      "HTTP_CONNECT_TIMEOUT": "1", "INSTANCE_PATH": "instance"}, env_file=None)
    client = app.test_client()
    home, css = client.get("/"), client.get("/static/style.css")
    print(relying_party.__file__)
    print(home.status_code, "Anypoint is not answering" in home.get_data(as_text=True))
    print(css.status_code, len(css.data) > 1000)
""")


def _tracked_copy(target: pathlib.Path) -> pathlib.Path:
    """The project's files as a fresh clone of them would have them: what git tracks or would
    track (not what it ignores: no .venv, no build leftovers), as they are in the work tree."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(lambda name: name and (ROOT / name).is_file(), listed):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    return target


def test_the_wheel_renders_pages_outside_the_checkout(tmp_path):
    source = _tracked_copy(tmp_path / "source")
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("connected_app_lab-*.whl"))

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    fresh_python = venv / "bin" / "python"
    site = pathlib.Path(subprocess.run(
        [fresh_python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(wheel)], check=True, capture_output=True,
                   timeout=300)
    # The dependencies come from this environment; the project itself only from the wheel.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = subprocess.run([fresh_python, "-I", "-c", RENDER], cwd=outside, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    where, home, css = done.stdout.split("\n")[:3]
    assert where.startswith(str(site)), where
    assert home == "503 True"  # the home page, rendered: the provider is unreachable here
    assert css == "200 True"
