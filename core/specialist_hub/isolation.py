"""Crash isolation: models run in worker processes that the parent supervises.

A native crash (a segfault in a C++ library, the kernel's OOM killer) kills only a worker. The
parent replaces it and retries the chunk it was on in halves, so the one record that crashes gets
a ``WorkerCrashed`` error and every other record its result; the run, or the server, goes on.
Workers die with their parent (Linux parent-death signal, and a watchdog elsewhere), so killing
the parent leaves no process behind. A worker is forked where that is safe (Linux, a parent with
one thread and no thread-pool library loaded: the ``hub predict`` process), so it starts in
milliseconds with the parent's registry; otherwise it is spawned and rebuilds the registry from
its recipe. Either way it loads each plan once and keeps it for the chunks that follow.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from .errors import HubError
from .loaded import LoadedPlans
from .plan import ModelRequest
from .registry import Registry
from .results import Prediction

#: The error type of a record whose model process died on it.
CRASH_ERROR = "WorkerCrashed"
#: Libraries that start thread pools when imported: a process holding one is never forked.
THREADED_LIBRARIES = frozenset({"torch", "numpy", "tensorflow", "jax", "onnxruntime", "cv2", "ray"})


class WorkerDied(Exception):
    """The worker process ended while it held a chunk (signal, OOM, ``os._exit``)."""

    def __init__(self, exitcode: int | None):
        self.exitcode = exitcode
        cause = (f"signal {signal.Signals(-exitcode).name}" if exitcode is not None and exitcode < 0
                 else f"exit status {exitcode}")
        super().__init__(f"the model's worker process died ({cause})")


class RunInterrupted(HubError):
    """The chunk's worker was stopped on purpose (everyone waiting for it gave up): not retried."""

    def __init__(self) -> None:
        super().__init__("The model's worker process was stopped because every request waiting for this batch timed "
                         "out; a fresh worker serves the next requests.")


class Worker:
    """One supervised process holding a registry of its own; runs chunks sent to it, one at a time."""

    def __init__(self, registry: Registry, threads: int, preload: Sequence[ModelRequest] = ()):
        method = start_method()
        context = multiprocessing.get_context("fork") if method == "fork" else multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        # A forked child closes its copy of this process's end; a spawned one never has it.
        inherited = self.connection if method == "fork" else None
        self.process = context.Process(target=_worker_main, daemon=True, name="specialist-hub-worker",
                                       args=(child, registry, threads, os.getpid(), tuple(preload), inherited))
        if method == "fork":  # the child must not write out this process's buffered output again
            sys.stdout.flush()
            sys.stderr.flush()
        if threading.current_thread() is threading.main_thread():
            self.process.start()
        else:  # the parent-death signal follows the thread that starts the child: use one that lives on
            _launcher().submit(self.process.start).result()
        child.close()  # only the child holds its end, so its death reads as EOF here

    def run(self, requests: Sequence[ModelRequest], chunk: list) -> list[Prediction]:
        """The chunk's predictions; WorkerDied if the process dies first; the worker's own error
        (a model that cannot load) is raised here as it was raised there."""
        try:
            self.connection.send((tuple(requests), chunk))
            status, payload = self.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.process.join(5)
            raise WorkerDied(self.process.exitcode) from None
        if status == "error":
            raise payload
        return payload

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.connection.close()


class IsolatedRunner:
    """Runs chunks in supervised workers, replacing a worker that dies and isolating its record.

    ``size`` workers are started lazily; :meth:`run` is thread-safe and takes a free worker.
    """

    def __init__(self, registry: Registry, size: int = 1, threads: int = 1):
        self.registry, self.size, self.threads = registry, max(1, size), threads
        self._free: list[Worker] = []
        #: Every live worker, idle or busy (for their process ids).
        self._workers: set[Worker] = set()
        self._started = 0
        self._available = threading.Condition()
        #: How many workers died and were replaced (for logs and tests).
        self.crashes = 0
        self.closed = False
        #: Counts :meth:`interrupt` calls: a run that began before the latest one does not retry.
        self._interrupts = 0

    def run(self, requests: Sequence[ModelRequest], chunk: list) -> list[Prediction]:
        interrupts = self._interrupts
        worker = self._take()
        try:
            predictions = worker.run(requests, chunk)
        except WorkerDied as died:
            self._forget(worker)
            self._replace()
            if self._interrupts != interrupts:
                raise RunInterrupted() from None
            self.crashes += 1
            if len(chunk) == 1:
                return self._crashed(requests, chunk[0], died)
            half = len(chunk) // 2
            return self.run(requests, chunk[:half]) + self.run(requests, chunk[half:])
        except BaseException:
            self._give_back(worker)
            raise
        self._give_back(worker)
        return predictions

    def close(self) -> None:
        """Stop the idle workers now, and the busy ones when they finish their chunk."""
        with self._available:
            self.closed = True
            workers, self._free = self._free, []
            self._started -= len(workers)
        for worker in workers:
            self._forget(worker)

    def interrupt(self) -> None:
        """Kill the workers busy now: their chunks end with :class:`RunInterrupted` (not bisected and
        retried as a crash would be), and the next run starts a fresh worker. How a server stops work
        that nobody waits for any more, which a thread could not be made to drop."""
        with self._available:
            self._interrupts += 1
            busy = [worker for worker in self._workers if worker not in self._free]
        for worker in busy:
            worker.process.kill()

    def pids(self) -> list[int]:
        """The process ids of the live workers (for memory metrics, and tests that kill one)."""
        with self._available:
            return [worker.process.pid for worker in self._workers if worker.process.pid is not None]

    def start(self, preload: Sequence[ModelRequest] = ()) -> None:
        """Start every worker now, each loading ``preload``'s models while this process reads the
        input (call it before this process starts threads, so the workers can be forked)."""
        with self._available:
            missing, self._started = self.size - self._started, self.size
        for _ in range(missing):
            worker = Worker(self.registry, self.threads, preload)
            with self._available:
                self._workers.add(worker)
                self._free.append(worker)
                self._available.notify()

    def _take(self) -> Worker:
        with self._available:
            while not self._free and self._started >= self.size:
                self._available.wait()
            if self._free:
                return self._free.pop()
            self._started += 1
        worker = Worker(self.registry, self.threads)
        with self._available:
            self._workers.add(worker)
        return worker

    def _give_back(self, worker: Worker) -> None:
        with self._available:
            if not self.closed:
                self._free.append(worker)
                self._available.notify()
                return
            self._started -= 1
        self._forget(worker)

    def _forget(self, worker: Worker) -> None:
        with self._available:
            self._workers.discard(worker)
        worker.close()

    def _replace(self) -> None:
        """A dead worker's slot is free again: the next run starts a new worker in it."""
        with self._available:
            self._started -= 1
            self._available.notify()

    def _crashed(self, requests: Sequence[ModelRequest], record: Any, died: WorkerDied) -> list[Prediction]:
        message = (f"{died} on this record; the other records are unaffected. Such inputs crash the "
                   f"model's native code (often: far too large or malformed); check or shrink the input.")
        predictions = []
        for request in requests:
            spec = self.registry.get(request.model_id)
            predictions.append(Prediction(
                position=record.position, id=record.id, input=record.display, model=spec.id,
                model_version=spec.version, package=self.registry.package_of(spec), ok=False,
                error={"type": CRASH_ERROR, "message": message}))
        return predictions


_launcher_pool: ThreadPoolExecutor | None = None
_launcher_guard = threading.Lock()


def _launcher() -> ThreadPoolExecutor:
    """One thread that starts worker processes for the other threads and lives as long as this
    process, so a worker made from a short-lived thread (a pool's, an idle server batcher's) is not
    killed when that thread ends."""
    global _launcher_pool
    with _launcher_guard:
        if _launcher_pool is None:
            _launcher_pool = ThreadPoolExecutor(1, thread_name_prefix="hub-worker-launcher")
        return _launcher_pool


def start_method() -> str:
    """``fork`` where it is safe (Linux; this process has one thread and has loaded no thread-pool
    library, as in ``hub predict``), so a worker starts without importing and discovering again;
    else ``spawn``."""
    if (sys.platform.startswith("linux") and threading.active_count() == 1
            and not THREADED_LIBRARIES.intersection(sys.modules)):
        return "fork"
    return "spawn"


def _worker_main(connection: Connection, registry: Registry, threads: int, parent: int,
                 preload: tuple[ModelRequest, ...], inherited: Connection | None) -> None:
    _die_with_parent(parent)
    if inherited is not None:
        inherited.close()
    # Whatever a model library prints goes to stderr: stdout carries the parent's results.
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Set before torch/BLAS start their pools, so N workers do not oversubscribe the cores.
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    plans = LoadedPlans(registry)
    if preload:
        with contextlib.suppress(Exception):  # an error to load is raised again, and sent, on the first chunk
            plans.get(preload)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        requests, chunk = message
        try:
            if "torch" in sys.modules:
                sys.modules["torch"].set_num_threads(threads)
            reply: tuple[str, Any] = ("ok", plans.get(requests).predict(chunk))
        except HubError as exc:
            reply = ("error", exc)
        except Exception as exc:  # noqa: BLE001 - a plugin bug past loading (the registry wraps load errors)
            reply = ("error", HubError(f"A model raised {type(exc).__name__}: {exc}"))
        connection.send(reply)


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this process when its parent dies; elsewhere a watchdog thread."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)
        return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            threading.Event().wait(1.0)

    threading.Thread(target=watch, daemon=True).start()
