"""Killing the screen never loses a coding it showed; two coders never overwrite each other."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from foresight import coding
from foresight.project import Project

CODER = Path(__file__).with_name("coder.py")


def start(project: Project, coder: str, *codes: str, rounds: int = 3) -> subprocess.Popen[str]:
    env = {**os.environ, "ROUNDS": str(rounds), "TEXTUAL_CURSOR_BLINK": "0"}
    return subprocess.Popen(
        [sys.executable, str(CODER), str(project.root), coder, *codes],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def seen(lines: list[str]) -> dict[tuple[int, str], bool]:
    """The last state the screen showed for each (unit, code)."""
    shown: dict[tuple[int, str], bool] = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            shown[(int(parts[0]), parts[1])] = parts[2] == "on"
    return shown


def stored(project: Project, coder: str) -> set[tuple[int, str]]:
    return {(r["unit_id"], r["code_id"]) for r in coding.list_codings(project, coder=coder)}


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_kill_9_at_random_moments_loses_nothing_the_screen_showed(desk: Project) -> None:
    rng = random.Random(2015)
    for _ in range(3):
        proc = start(desk, "anna", "FC.TREND", "FC.DRIVER")
        lines: list[str] = []
        deadline = time.monotonic() + rng.uniform(3.0, 6.0)
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        shown = seen(lines)
        assert shown, "the coder process showed no work before it was killed"
        have = stored(desk, "anna")
        for (unit, code), on in shown.items():
            # what the screen showed last is in the store (a key pressed after it may have
            # committed too, before the kill: then the next line was never printed)
            assert ((unit, code) in have) == on or _one_step_later(desk, unit, code)
    if desk.database_url.startswith("sqlite"):
        with desk.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def _one_step_later(project: Project, unit: int, code: str) -> bool:
    """The kill came between a commit and the screen: only the very last step may be ahead."""
    from sqlmodel import select

    from foresight.store import Code, CoderAction

    with project.session() as session:
        last = session.exec(
            select(CoderAction.unit_id, Code.code_id)
            .join(Code, Code.id == CoderAction.code_id)
            .where(CoderAction.coder == "anna")
            .order_by(CoderAction.id.desc())
            .limit(1)
        ).first()
    return last == (unit, code)


def test_two_coders_at_once_keep_their_own_work(desk: Project) -> None:
    before = {coder: stored(desk, coder) for coder in ("anna", "ben")}
    anna = start(desk, "anna", "FC.TREND", "EI.BLUE_GROWTH", rounds=1)
    ben = start(desk, "ben", "FC.TREND", "FC.WILD_CARD", rounds=1)
    out_anna, err_anna = anna.communicate(timeout=240)
    out_ben, err_ben = ben.communicate(timeout=240)
    assert anna.returncode == 0 and ben.returncode == 0, err_anna + err_ben
    assert out_anna.rstrip().endswith("finished") and out_ben.rstrip().endswith("finished")
    units = {unit for unit, _ in seen(out_anna.splitlines())}
    assert len(units) == 6
    for coder, out, codes in (
        ("anna", out_anna, {"FC.TREND", "EI.BLUE_GROWTH"}),
        ("ben", out_ben, {"FC.TREND", "FC.WILD_CARD"}),
    ):
        shown = {key for key, on in seen(out.splitlines()).items() if on}
        toggled = {(u, c) for u in units for c in codes}  # each toggled once
        had = {(u, c) for u, c in before[coder] if c in codes}
        assert shown == toggled ^ had
        assert {(u, c) for u, c in stored(desk, coder) if c in codes} == shown
    # ben's coding from the fixture (FC.DRIVER on unit 2) was never touched by anna's work
    assert any(code == "FC.DRIVER" for _, code in stored(desk, "ben"))
    assert not any(code == "FC.WILD_CARD" for _, code in stored(desk, "anna"))
