"""Reading files in worker processes, each file within a time cap.

A reader stuck in C code (pdfium, lxml) on a hostile file cannot be interrupted from Python:
only killing its process stops it. :class:`concurrent.futures.ProcessPoolExecutor` cannot kill
one task (a worker killed from outside breaks the whole pool), nor can :class:`multiprocessing.Pool`
(it is terminated whole, and its workers share queues whose lock a killed worker may hold). So
each worker here has a pipe of its own: the main process hands it two files at a time (the next
is there when it finishes one), knows which file it is on, and kills and replaces it when that
file passes the cap or when the worker dies by itself (a segfault, the out-of-memory killer).
That file fails; every other file is read, and results come back in the files' order.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.util import register_after_fork

from foresight.config import IngestSettings
from foresight.ingest.reading import Prepared, prepare

IN_FLIGHT = 2  # files handed to a worker at a time
AHEAD = 200  # how far past the next file due the workers may read: what waits in memory
CAP_SETTING = "(max_file_seconds in foresight.toml)"
_PR_SET_PDEATHSIG = 1  # prctl option, from <linux/prctl.h>


@dataclass
class _Raised:
    """An exception a worker raised, with its traceback as text."""

    error: BaseException
    trace: str


class _RemoteTraceback(Exception):
    def __str__(self) -> str:
        return f'\n"""\n{self.args[0]}"""'


def _die_with(parent: int) -> None:
    """On Linux, have the kernel kill this worker when the main process dies, even by kill -9:
    a reader stuck in C code would otherwise run on, orphaned, until its file ends, if ever."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the main process died before the request took hold
        os._exit(1)


def _serve(
    conn: Connection, settings: IngestSettings, known: frozenset[str], strict: bool, parent: int
) -> None:
    """A worker: read each (index, location) that comes down the pipe and send back what it gave."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process, which stops us
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the main process is gone
            return
        if task is None:
            return
        index, location = task
        try:
            result: Prepared | _Raised = prepare(location, settings, known, strict=strict)
        except BaseException as exc:  # raised in the main process, in its turn
            result = _Raised(exc, traceback.format_exc())
        try:
            conn.send((index, result))
        except OSError:  # the main process is gone
            return
        except Exception as exc:  # a result that cannot be pickled
            conn.send((index, _Raised(RuntimeError(repr(exc)), traceback.format_exc())))


def _close(conn: Connection) -> None:
    conn.close()


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    tasks: deque[int] = field(default_factory=deque)  # indexes handed to it; it reads the first
    since: float = 0.0  # when it began reading the first


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        how = f"{name}, out of memory?" if -exitcode == signal.SIGKILL else name
    else:
        how = f"exit code {exitcode}"
    return f"the process reading it died ({how})"


class _Pool:
    def __init__(
        self,
        locations: list[str],
        settings: IngestSettings,
        known: frozenset[str],
        *,
        workers: int,
        strict: bool,
    ) -> None:
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.locations = locations
        self.args = (settings, known, strict)
        self.cap = settings.max_file_seconds or None
        self.size = min(workers, len(locations))
        self.pending = deque(range(len(locations)))
        self.done: dict[int, Prepared | _Raised] = {}
        self.due = 0  # the next index to yield
        self.crew: list[_Worker] = []
        self.leaving: list[_Worker] = []  # told to go: nothing is left to hand out

    def _start(self) -> None:
        mine, theirs = self.context.Pipe()
        register_after_fork(mine, _close)  # workers forked later hold no end of this pipe
        process = self.context.Process(target=_serve, args=(theirs, *self.args, os.getpid()), daemon=True)
        process.start()
        theirs.close()
        self.crew.append(_Worker(process, mine))

    def results(self) -> Iterator[Prepared]:
        """What each location gave, in their order."""
        for _ in range(self.size):
            self._start()
        self._hand_out()
        while self.due < len(self.locations):
            if self.due not in self.done:
                self._step()
                continue
            result = self.done.pop(self.due)
            self.due += 1
            self._hand_out()
            if isinstance(result, _Raised):
                raise result.error from _RemoteTraceback(result.trace)
            yield result

    def _hand_out(self) -> None:
        """Keep each worker IN_FLIGHT files ahead; once none are left, idle workers leave (while
        the last files are being stored)."""
        for worker in list(self.crew):
            while len(worker.tasks) < IN_FLIGHT and self.pending and self.pending[0] < self.due + AHEAD:
                index = self.pending.popleft()
                try:
                    worker.conn.send((index, self.locations[index]))
                except OSError:  # it died: _step replaces it
                    self.pending.appendleft(index)
                    break
                if not worker.tasks:
                    worker.since = time.monotonic()
                worker.tasks.append(index)
            if not worker.tasks and not self.pending:
                self.crew.remove(worker)
                self.leaving.append(worker)
                _dismiss(worker)

    def _step(self) -> None:
        """Wait for results, a worker's death or the first cap to run out, and deal with them."""
        busy = [w.since for w in self.crew if w.tasks]
        timeout = None
        if self.cap is not None and busy:
            timeout = max(0.0, min(busy) + self.cap - time.monotonic())
        waiting = {w.conn: w for w in self.crew} | {w.process.sentinel: w for w in self.crew}
        ready = {waiting[r] for r in wait(list(waiting), timeout)}
        for worker in list(self.crew):
            if worker in ready or self._late(worker):
                if not self._collect(worker):
                    self._replace(worker, None)
                elif self._late(worker):
                    self._replace(worker, f"took longer than {self.cap:g} s to read {CAP_SETTING}")
        self._hand_out()

    def _late(self, worker: _Worker) -> bool:
        return self.cap is not None and bool(worker.tasks) and time.monotonic() - worker.since > self.cap

    def _collect(self, worker: _Worker) -> bool:
        """Take the results waiting in a worker's pipe; False when the worker is gone."""
        try:
            while worker.conn.poll():
                index, result = worker.conn.recv()
                worker.tasks.remove(index)
                worker.since = time.monotonic()
                self.done[index] = result
        except (EOFError, OSError):
            return False
        return worker.process.is_alive()

    def _replace(self, worker: _Worker, problem: str | None) -> None:
        """Stop a worker and start another; its file failed with ``problem`` (None: the worker died
        by itself), the others it held go back in line."""
        if problem is None:
            worker.process.join(1)  # on its way out: let it tell how it ended
        _stop(worker)
        self.crew.remove(worker)
        if worker.tasks:
            index = worker.tasks.popleft()
            self.done[index] = Prepared(
                self.locations[index], problem=problem or _death(worker.process.exitcode)
            )
            self.pending.extendleft(reversed(worker.tasks))
        if self.pending:
            self._start()

    def close(self) -> None:
        """Stop every worker: idle ones are told to leave, busy ones are killed; none is left behind."""
        for worker in self.crew:
            if worker.tasks:
                worker.process.kill()
            else:
                _dismiss(worker)
        for worker in self.crew + self.leaving:
            worker.process.join(5)
            _stop(worker)
        self.crew = self.leaving = []


def _dismiss(worker: _Worker) -> None:
    """Tell an idle worker to leave."""
    with contextlib.suppress(OSError):  # it is gone already; joining it reaps it
        worker.conn.send(None)


def _stop(worker: _Worker) -> None:
    worker.process.kill()
    worker.process.join()
    worker.conn.close()


def read_in_workers(
    locations: list[str],
    settings: IngestSettings,
    known: frozenset[str],
    *,
    workers: int,
    strict: bool = False,
) -> Iterator[Prepared]:
    """:func:`~foresight.ingest.reading.prepare` for each location, in ``workers`` processes, in order.

    A file still being read after ``settings.max_file_seconds`` (0: no cap), or whose worker
    dies, comes back with its problem. Forked workers share what this process has loaded.
    """
    pool = _Pool(locations, settings, known, workers=workers, strict=strict)
    try:
        yield from pool.results()
    finally:
        pool.close()
