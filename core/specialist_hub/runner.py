"""Executes a :class:`~specialist_hub.plan.RunPlan` over a stream of records into a sink.

Memory stays bounded (records are read, predicted and written chunk by chunk), ``workers > 1``
spreads chunks over processes that each load the models once (output order is kept), and file
sinks checkpoint after every chunk, with the failures counted so far, so a resumed run continues
a killed one exactly and ends with the same summary.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from . import ray_engine
from .errors import InputStreamError
from .inputs import ReadOptions, Record, chunked, iter_records
from .isolation import IsolatedRunner
from .loaded import LoadedPlan
from .plan import RunPlan, usable_cores
from .results import Prediction
from .writers import Sink, kept_output_names


@dataclass
class RunSummary:
    """Counts over the whole output, the resumed part included."""

    records: int
    predictions: int
    failed: int
    resumed_from: int = 0
    #: Set when an input could not be read to its end: the records before the damage are written.
    stream_error: InputStreamError | None = None
    #: Predictions left out by the plan's ``where`` condition (failed ones included).
    filtered: int = 0
    #: False when the output format has no place for a failed record's error (SRT), so failures
    #: are only counted, not written.
    failures_written: bool = True


def execute(plan: RunPlan, sources: Iterable[Any], sink: Sink, read_options: ReadOptions = ReadOptions(),
            progress: bool = False, isolated: IsolatedRunner | None = None) -> RunSummary:
    """Run ``plan`` over ``sources`` (values, files, directories, ``-``, or Records) into ``sink``.

    Records the sink already holds (a resumed file) are skipped. An input that cannot be read to
    its end stops the reading: what was read is predicted and written, the sink is finished, and
    the summary carries the error. On any other exception the sink is left resumable and the
    exception propagates. ``isolated`` lends long-lived workers (the server's) to an isolated plan.
    """
    skip = sink.records_done
    summary = RunSummary(records=skip, predictions=sink.predictions_done, failed=sink.failed_done, resumed_from=skip,
                         filtered=sink.filtered_done)
    own = plan.isolate and plan.engine == "local" and isolated is None
    if own:  # started before any thread (the progress bar's), so they fork; they load while the input is read
        isolated = IsolatedRunner(plan.registry, plan.workers, max(1, usable_cores() // plan.workers))
        isolated.start(plan.requests)
    try:
        if plan.engine == "ray":
            chunks = ray_engine.ray_chunks(plan, list(sources), read_options)
        else:
            kept = KeptColumns(kept_output_names(read_options.keep_columns, plan.specs))
            records = _until_damaged(iter_records(plan.kind, sources, read_options), summary)
            chunks = kept.attach(predict_chunks(plan, kept.remember(r for r in records if r.position >= skip), isolated))
        _drain(plan, chunks, sink, summary, _progress_bar(progress, skip))
    finally:
        if own and isolated is not None:
            isolated.close()
    return summary


def _drain(plan: RunPlan, chunks: Iterator[tuple[list[Prediction], int]], sink: Sink, summary: RunSummary,
           bar: Any) -> None:
    """Filter and write each chunk, counting as it goes; the sink is finished, or left resumable."""
    try:
        for predictions, count in chunks:
            failed = sum(not p.ok for p in predictions)
            written = predictions
            if plan.where is not None:
                written = [p for p in predictions if p.ok and plan.where(p.output or {})]
            sink.write_chunk(written, count, failed=failed, filtered=len(predictions) - len(written))
            summary.failed += failed
            summary.filtered += len(predictions) - len(written)
            summary.records += count
            summary.predictions += len(written)
            if bar is not None:
                bar.update(count)
    except BaseException:
        sink.abort()
        raise
    finally:
        if bar is not None:
            bar.close()
    sink.finish()


def predict_chunks(plan: RunPlan, records: Iterable[Record],
                   isolated: IsolatedRunner | None = None) -> Iterator[tuple[list[Prediction], int]]:
    """The local engine: (predictions, number of records) per chunk, in input order.

    Isolated plans run in the ``isolated`` workers, two chunks in flight per worker (a bounded
    read-ahead, so memory stays flat): while a worker predicts one chunk, this process writes the
    one before and reads the one after. Other plans load the models here, once.
    """
    if not plan.isolate:
        yield from LoadedPlan.load(plan.registry, plan.requests).chunks(records, plan.batch_size)
        return
    if isolated is None:
        raise ValueError("an isolated plan runs in the IsolatedRunner it is given")
    chunks = chunked(records, plan.batch_size)
    with ThreadPoolExecutor(plan.workers) as threads:
        in_flight: deque[tuple[Future, int]] = deque()
        for chunk in chunks:
            in_flight.append((threads.submit(isolated.run, plan.requests, chunk), len(chunk)))
            if len(in_flight) >= 2 * plan.workers:
                future, count = in_flight.popleft()
                yield future.result(), count
        while in_flight:
            future, count = in_flight.popleft()
            yield future.result(), count


class KeptColumns:
    """The kept input columns (``--keep-columns``) of the records in flight, by position, put on
    their predictions as they come back (the models and workers never see them)."""

    def __init__(self, names: dict[str, str]):
        self.names = names  # input column -> output name
        self.pending: dict[int, dict[str, Any]] = {}

    def remember(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            if record.columns is not None:
                self.pending[record.position] = {self.names[k]: v for k, v in record.columns.items()}
            yield record

    def attach(self, chunks: Iterator[tuple[list[Prediction], int]]) -> Iterator[tuple[list[Prediction], int]]:
        for predictions, count in chunks:
            for prediction in predictions:
                prediction.columns = self.pending.get(prediction.position)
            for position in {p.position for p in predictions}:
                self.pending.pop(position, None)
            yield predictions, count


def _until_damaged(records: Iterator[Record], summary: RunSummary) -> Iterator[Record]:
    """The records up to the point where an input turns out damaged; the error goes to the summary."""
    try:
        yield from records
    except InputStreamError as exc:
        summary.stream_error = exc


def _progress_bar(enabled: bool, initial: int) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(initial=initial, unit=" records", file=sys.stderr, dynamic_ncols=True)
