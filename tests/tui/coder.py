"""A coder at the screen, for the kill and two-coder tests: codes units and says what it saw.

python tests/tui/coder.py PROJECT CODER CODE [CODE ...]

Walks the units again and again, toggling the given codes on each; after every key press it
prints "unit code on|off" for what the screen then shows, so a test can compare the store with
what the coder saw.
"""

from __future__ import annotations

import asyncio
import os
import sys

from foresight.project import Project
from foresight.tui.app import CodingApp


async def main(folder: str, coder: str, codes: list[str], rounds: int) -> None:
    app = CodingApp(Project.open(folder), coder)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(rounds):
            for code in codes:
                await pilot.press("home")
                for _unit in range(len(app.query_one("#units").rows)):
                    await pilot.press("slash", *code, "enter")
                    await pilot.pause()
                    await pilot.press("escape")
                    row = app.row
                    print(f"{row.id} {code} {'on' if code in row.codes else 'off'}", flush=True)
                    await pilot.press("n")
        print("finished", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:], rounds=int(os.environ.get("ROUNDS", "3"))))
