"""Runs models over a stream of records into a writer: the engine behind ``hub predict``.

Memory stays bounded (records are read, predicted and written chunk by chunk), ``workers > 1``
spreads chunks over processes that each load the models once (output order is kept), and file
output is checkpointed after every chunk so ``resume=True`` continues a killed run exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import UsageError
from .inputs import ReadOptions, Record, chunked, iter_records
from .registry import Registry, get_registry
from .results import Prediction
from .spec import ModelSpec


@dataclass
class RunSummary:
    records: int
    predictions: int
    failed: int
    resumed_from: int = 0


@dataclass(frozen=True)
class ModelRequest:
    """What a worker process needs to load one model."""

    model_id: str
    device: str
    options: tuple[tuple[str, Any], ...]


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def resolve_workers(workers: int | str, specs: Sequence[ModelSpec]) -> int:
    """``auto``: one process per core for CPU models; one for torch models, which thread internally."""
    if workers == "auto":
        return 1 if any(spec.uses_torch for spec in specs) else usable_cores()
    try:
        count = int(workers)
    except ValueError:
        raise UsageError(f"--workers takes a number or 'auto', got {workers!r}.") from None
    if count < 1:
        raise UsageError("--workers must be at least 1.")
    return count


def run_chunk(models, chunk: list[Record]) -> list[Prediction]:
    """Every model on every record of the chunk; ordered by record, then by model."""
    per_model = [model.predict_batch(chunk) for model in models]
    return [prediction for predictions in zip(*per_model) for prediction in predictions]


_worker_models: list = []


def _start_worker(requests: Sequence[ModelRequest], threads: int) -> None:
    # Set before torch/BLAS start their pools, so N workers do not oversubscribe the cores.
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    registry = get_registry()
    _worker_models[:] = [registry.load(r.model_id, device=r.device, **dict(r.options)) for r in requests]


def _worker_run_chunk(chunk: list[Record]) -> list[Prediction]:
    return run_chunk(_worker_models, chunk)


def predict_chunks(registry: Registry, requests: Sequence[ModelRequest], records: Iterable[Record],
                   batch_size: int, workers: int = 1) -> Iterator[tuple[list[Prediction], int]]:
    """Yield (predictions, number of records) per chunk, in input order."""
    chunks = chunked(records, batch_size)
    if workers <= 1:
        models = [registry.load(r.model_id, device=r.device, **dict(r.options)) for r in requests]
        for chunk in chunks:
            yield run_chunk(models, chunk), len(chunk)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    threads = max(1, usable_cores() // workers)
    context = multiprocessing.get_context("spawn")  # fork is unsafe once torch threads exist
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(tuple(requests), threads)) as pool:
        in_flight: deque = deque()
        for chunk in chunks:
            in_flight.append((pool.submit(_worker_run_chunk, chunk), len(chunk)))
            if len(in_flight) >= 2 * workers:  # bounded read-ahead keeps memory flat
                future, count = in_flight.popleft()
                yield future.result(), count
        while in_flight:
            future, count = in_flight.popleft()
            yield future.result(), count


def fingerprint(specs: Sequence[ModelSpec], requests: Sequence[ModelRequest], sources: Sequence[str],
                fmt: str, read_options: ReadOptions) -> str:
    """Identifies a run, so --resume refuses to continue with other models, options or inputs."""
    described = []
    for source in sources:
        path = Path(source)
        if source == "-":
            raise UsageError("--resume cannot continue a run that read standard input; give the input as a file.")
        if path.exists():
            stat = path.stat()
            described.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
        else:
            described.append(source)
    data = {"models": [[s.id, s.version] for s in specs], "options": [list(r.options) for r in requests],
            "sources": described, "format": fmt, "read": [read_options.column, read_options.id_column]}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def run(model_ids: Sequence[str], sources: Sequence[str], *, output: str | None = None, fmt: str = "jsonl",
        batch_size: int | None = None, device: str = "auto", options: dict[str, Any] | None = None,
        read_options: ReadOptions = ReadOptions(), workers: int | str = 1, resume: bool = False,
        progress: bool = False, stdout: IO[str] | None = None, registry: Registry | None = None,
        engine: str = "local") -> RunSummary:
    """Predict with ``model_ids`` over ``sources`` (values, files, directories, ``-``) into ``output``.

    ``options`` apply to every model that declares them. ``engine="ray"`` runs the models on
    Ray Data (local, or the cluster in RAY_ADDRESS) over one CSV/TSV/Parquet file. Returns
    counts; failed records are in the output with their errors.
    """
    from .writers import OutputFile, stream_writer

    registry = registry or get_registry()
    if engine not in ("local", "ray"):
        raise UsageError(f"Unknown engine {engine!r}; choose local or ray.")
    if engine == "ray":
        if resume:
            raise UsageError("--resume works with the local engine; Ray retries failed tasks itself.")
        from .ray_engine import import_ray

        import_ray()  # before any output file is touched
    specs = [registry.get(model_id) for model_id in model_ids]
    kinds = {spec.input_kind for spec in specs}
    if len(kinds) != 1:
        raise UsageError(f"These models take different inputs ({', '.join(sorted(kinds))}); run them separately.")
    requests = _model_requests(registry, specs, options or {}, device, output)
    workers = resolve_workers(workers, specs)
    size = batch_size or min(spec.batch_size for spec in specs)
    if output and output != "-":
        sink = OutputFile(output, fmt, specs, fingerprint(specs, requests, sources, fmt, read_options), resume)
        skip = sink.records_done
    elif resume:
        raise UsageError("--resume needs --output FILE.")
    else:
        sink, skip = None, 0
        writer = stream_writer(fmt, stdout or sys.stdout, specs)
    summary = RunSummary(records=skip, predictions=0, failed=0, resumed_from=skip)
    if engine == "ray":
        from .ray_engine import ray_chunks

        chunks = ray_chunks(model_ids, sources, read_options.column, read_options.id_column, options or {},
                            size, workers, device, registry)
    else:
        records = iter_records(registry.input_kind(kinds.pop()), sources, read_options)
        chunks = predict_chunks(registry, requests, _skip(records, skip), size, workers)
    bar = _progress_bar(progress, skip)
    try:
        for predictions, count in chunks:
            if sink is not None:
                sink.write_chunk(predictions, count)
            else:
                for prediction in predictions:
                    writer.write(prediction)
            summary.records += count
            summary.predictions += len(predictions)
            summary.failed += sum(not p.ok for p in predictions)
            if bar is not None:
                bar.update(count)
    except BaseException:
        if sink is not None:
            sink.close_for_resume()
        raise
    finally:
        if bar is not None:
            bar.close()
    if sink is not None:
        sink.finish()
    else:
        writer.close()
    return summary


def _model_requests(registry, specs, options, device, output) -> list[ModelRequest]:
    declared = {o.name for spec in specs for o in spec.options}
    unused = set(options) - declared
    if unused:
        raise UsageError(f"No selected model has option(s) {', '.join(sorted(unused))}; see 'hub info MODEL'.")
    requests = []
    for spec in specs:
        registry.require(spec)
        mine = {o.name: options[o.name] for o in spec.options if o.name in options}
        if any(o.name == "output_dir" for o in spec.options) and "output_dir" not in mine:
            mine["output_dir"] = str(Path(output).resolve().parent) if output and output != "-" else os.getcwd()
        resolved = spec.resolve_options(mine)  # fail fast on bad values, before any model loads
        requests.append(ModelRequest(spec.id, device, tuple(sorted(resolved.items()))))
    return requests


def _skip(records: Iterator[Record], count: int) -> Iterator[Record]:
    for record in records:
        if record.position >= count:
            yield record


def _progress_bar(enabled: bool, initial: int):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(initial=initial, unit=" records", file=sys.stderr, dynamic_ncols=True)
