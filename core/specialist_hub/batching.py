"""Dynamic batching for the server: concurrent requests for one model with the same resolved
options run as one forward batch, and each request gets back exactly its own records, in order.

Each model has one dispatcher thread, so a model never runs two batches at once (models need
not be thread-safe). A batch is the oldest waiting request plus every later one with the same
options that arrives within ``wait_s`` of it, up to ``max_records`` records; requests with other
options keep their place for the next batch. While a batch runs the next one gathers, so under
load batches fill without waiting. The window is only waited when the model has company: when
its last batch held several requests or others arrived while it ran. A lone client (one request
at a time) is never held back for requests that cannot come. Callers get a
:class:`~concurrent.futures.Future`, so a waiting request holds no thread; one cancelled before
its batch starts (a timed-out request) is left out of it; once every request of a running batch
has given up (:meth:`ModelQueue.give_up`), the queue's ``interrupt`` stops that batch, so the model
serves the next requests instead of finishing work that nobody waits for.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from .inputs import Record

#: How long an idle dispatcher thread lives before it ends (a new request starts another).
IDLE_SECONDS = 30.0


@dataclass
class Job:
    """One request's share of a batch: its records and where its results go."""

    #: Requests batch together only when their keys are equal (model, device, resolved options).
    key: Hashable
    #: What the runner needs to run this key (the server passes the request's plan).
    plan: Any
    records: list[Record]
    #: Most records of a batch this job may join; 0 runs it alone.
    max_records: int
    future: Future = field(default_factory=Future)
    arrived: float = field(default_factory=time.monotonic)


#: Runs one batch: (plan, records) -> one result list per record, in order.
BatchRunner = Callable[[Any, list[Record]], list[Any]]
#: Told the size of every batch that ran: (records, requests).
BatchObserver = Callable[[int, int], None]
#: Stops the batch running now (the server kills its worker process), so that the run returns.
Interrupt = Callable[[], None]


class ModelQueue:
    """The waiting requests of one model and the thread that runs them in batches."""

    def __init__(self, run: BatchRunner, wait_s: float, on_batch: BatchObserver | None = None,
                 interrupt: Interrupt | None = None):
        self.run, self.wait_s, self.on_batch, self.interrupt = run, wait_s, on_batch, interrupt
        self._jobs: deque[Job] = deque()
        #: The jobs of the batch that runs now, and those of them whose callers gave up.
        self._running: list[Job] = []
        self._given_up: set[int] = set()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        #: Whether requests overlap: the last batch held several, or more came while it ran.
        self._company = False

    def submit(self, job: Job) -> Future:
        with self._changed:
            if self._closed:
                raise RuntimeError("the server is shutting down")
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._dispatch, daemon=True, name="hub-batcher")
                self._thread.start()
            self._changed.notify()
        return job.future

    def give_up(self, future: Future) -> None:
        """The caller of ``future`` stopped waiting (its request timed out). A queued job is left out
        of its batch (its cancelled future says so); when every job of the running batch has given
        up, the batch is interrupted."""
        future.cancel()
        with self._changed:
            if not any(job.future is future for job in self._running):
                return
            self._given_up.add(id(future))
            everyone = all(id(job.future) in self._given_up or job.future.cancelled() for job in self._running)
        if everyone and self.interrupt is not None:
            self.interrupt()

    def close(self) -> None:
        """Run what is queued, then let the thread end; later submits are refused."""
        with self._changed:
            self._closed = True
            thread = self._thread
            self._changed.notify()
        if thread is not None:
            thread.join()

    def _dispatch(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            self._run(batch)
            with self._changed:
                self._company = len(batch) > 1 or bool(self._jobs)

    def _next_batch(self) -> list[Job] | None:
        """The jobs of the next batch, gathered as the module docstring says; None to end the thread."""
        with self._changed:
            while not self._jobs:
                timed_out = self._closed or not self._changed.wait(IDLE_SECONDS)
                if timed_out and not self._jobs:
                    self._thread = None
                    return None
            first = self._jobs.popleft()
            batch, size = [first], len(first.records)
            deadline = first.arrived + (self.wait_s if self._company else 0.0)
            while size < first.max_records and not self._closed:
                size += self._take_matching(first, batch, first.max_records - size)
                remaining = deadline - time.monotonic()
                if size >= first.max_records or remaining <= 0:
                    break
                self._changed.wait(remaining)
            return batch

    def _take_matching(self, first: Job, batch: list[Job], room: int) -> int:
        """Move queued jobs with ``first``'s key into ``batch`` while they fit, in arrival order."""
        taken = 0
        for job in list(self._jobs):
            if job.key != first.key:
                continue
            if len(job.records) > room - taken:
                break  # keep this key's order: what comes after it waits too
            self._jobs.remove(job)
            batch.append(job)
            taken += len(job.records)
        return taken

    def _run(self, batch: list[Job]) -> None:
        with self._changed:
            self._running = batch
        live = [job for job in batch if job.future.set_running_or_notify_cancel()]
        records = [record for job in live for record in job.records]
        try:
            if not live:
                return
            shares = split(self.run(live[0].plan, records), [len(job.records) for job in live])
        except BaseException as exc:  # noqa: BLE001 - the error belongs to every request of the batch
            for job in live:
                job.future.set_exception(exc)
            return
        finally:
            with self._changed:
                self._running, self._given_up = [], set()
        if self.on_batch is not None:
            self.on_batch(len(records), len(live))
        for job, share in zip(live, shares):
            job.future.set_result(share)


def split(results: Sequence[Any], counts: Sequence[int]) -> list[list[Any]]:
    """``results`` (the same number per record, records in order) cut into one list per request."""
    total = sum(counts)
    per_record = len(results) // total if total else 0
    if per_record * total != len(results):
        raise ValueError(f"{len(results)} results for {total} records")
    shares, start = [], 0
    for count in counts:
        shares.append(list(results[start:start + count * per_record]))
        start += count * per_record
    return shares


class Batcher:
    """One :class:`ModelQueue` per model, made on first use; ``interrupt(model_id)`` stops the batch
    of that model that runs now."""

    def __init__(self, run: BatchRunner, wait_s: float, on_batch: Callable[[str, int, int], None] | None = None,
                 interrupt: Callable[[str], None] | None = None):
        self.run, self.wait_s, self.on_batch, self.interrupt = run, wait_s, on_batch, interrupt
        self._queues: dict[str, ModelQueue] = {}
        self._guard = threading.Lock()

    def submit(self, model_id: str, job: Job) -> Future:
        with self._guard:
            queue = self._queues.get(model_id)
            if queue is None:
                observer = None if self.on_batch is None else (
                    lambda records, requests: self.on_batch(model_id, records, requests))  # type: ignore[misc]
                stop = None if self.interrupt is None else (lambda: self.interrupt(model_id))  # type: ignore[misc]
                queue = self._queues[model_id] = ModelQueue(self.run, self.wait_s, observer, stop)
        return queue.submit(job)

    def give_up(self, model_id: str, future: Future) -> None:
        with self._guard:
            queue = self._queues.get(model_id)
        if queue is not None:
            queue.give_up(future)

    def close(self) -> None:
        with self._guard:
            queues = list(self._queues.values())
        for queue in queues:
            queue.close()
