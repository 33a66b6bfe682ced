"""An install that works anywhere: a wheel, in a fresh environment, run from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return done


def test_a_wheel_in_a_fresh_environment_runs_the_demo_and_inits_with_the_codebook(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    # built offline with the setuptools of this environment (the dev extra brings a recent one)
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        ROOT,
        "--no-deps",
        "--no-build-isolation",
        "-w",
        wheels,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("foresight-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
        ).stdout.strip()
    )
    # the dependencies come from this environment's site-packages through a path line, which
    # does not read that folder's own .pth files: this environment's editable foresight stays out
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORESIGHT_")}
    where = run(python, "-c", "import foresight.resources as r; print(r.DATA)", cwd=elsewhere, env=env).stdout
    assert where.strip() == str(site / "foresight" / "data")  # the wheel's, not the checkout's
    demo = run(venv / "bin" / "foresight", "demo", tmp_path / "demo", cwd=elsewhere, env=env)
    assert "33 sources" in demo.stdout and "Done in" in demo.stdout
    assert (tmp_path / "demo" / "outputs" / "roadmap.pdf").stat().st_size > 10_000
    assert (tmp_path / "demo" / "outputs" / "scenarios-eco.docx").is_file()
    init = run(venv / "bin" / "foresight", "init", tmp_path / "scan", cwd=elsewhere, env=env)
    assert "with codebook 'Megatrends" in " ".join(init.stdout.split())
