"""Executes a :class:`~specialist_hub.plan.RunPlan` over a stream of records into a sink.

Memory stays bounded (records are read, predicted and written chunk by chunk), ``workers > 1``
spreads chunks over processes that each load the models once (output order is kept), and file
sinks checkpoint after every chunk so a resumed run continues a killed one exactly.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from . import ray_engine
from .inputs import ReadOptions, Record, chunked, iter_records
from .model import Model
from .plan import ModelRequest, RunPlan, run_chunk, usable_cores
from .registry import Registry
from .results import Prediction
from .writers import Sink


@dataclass
class RunSummary:
    records: int
    predictions: int
    failed: int
    resumed_from: int = 0


def execute(plan: RunPlan, sources: Iterable[Any], sink: Sink, read_options: ReadOptions = ReadOptions(),
            progress: bool = False) -> RunSummary:
    """Run ``plan`` over ``sources`` (values, files, directories, ``-``, or Records) into ``sink``.

    Records the sink already holds (a resumed file) are skipped. On any exception the sink is
    left resumable and the exception propagates; otherwise the sink is finished.
    """
    skip = sink.records_done
    if plan.engine == "ray":
        chunks = ray_engine.ray_chunks(plan, list(sources), read_options)
    else:
        records = iter_records(plan.kind, sources, read_options)
        chunks = predict_chunks(plan, (r for r in records if r.position >= skip))
    summary = RunSummary(records=skip, predictions=0, failed=0, resumed_from=skip)
    bar = _progress_bar(progress, skip)
    try:
        for predictions, count in chunks:
            sink.write_chunk(predictions, count)
            summary.records += count
            summary.predictions += len(predictions)
            summary.failed += sum(not p.ok for p in predictions)
            if bar is not None:
                bar.update(count)
    except BaseException:
        sink.abort()
        raise
    finally:
        if bar is not None:
            bar.close()
    sink.finish()
    return summary


def predict_chunks(plan: RunPlan, records: Iterable[Record]) -> Iterator[tuple[list[Prediction], int]]:
    """The local engine: (predictions, number of records) per chunk, in input order."""
    chunks = chunked(records, plan.batch_size)
    if plan.workers <= 1:
        models = plan.load_models()
        for chunk in chunks:
            yield run_chunk(models, chunk), len(chunk)
        return
    threads = max(1, usable_cores() // plan.workers)
    context = multiprocessing.get_context("spawn")  # fork is unsafe once torch threads exist
    with ProcessPoolExecutor(plan.workers, mp_context=context, initializer=_start_worker,
                             initargs=(plan.registry, plan.requests, threads)) as pool:
        in_flight: deque[tuple[Future, int]] = deque()
        for chunk in chunks:
            in_flight.append((pool.submit(_worker_run_chunk, chunk), len(chunk)))
            if len(in_flight) >= 2 * plan.workers:  # bounded read-ahead keeps memory flat
                future, count = in_flight.popleft()
                yield future.result(), count
        while in_flight:
            future, count = in_flight.popleft()
            yield future.result(), count


_worker_models: list[Model] = []


def _start_worker(registry: Registry, requests: Sequence[ModelRequest], threads: int) -> None:
    # Set before torch/BLAS start their pools, so N workers do not oversubscribe the cores.
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    _worker_models[:] = [request.load(registry) for request in requests]


def _worker_run_chunk(chunk: list[Record]) -> list[Prediction]:
    return run_chunk(_worker_models, chunk)


def _progress_bar(enabled: bool, initial: int) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(initial=initial, unit=" records", file=sys.stderr, dynamic_ncols=True)
