"""Extraction off the main process: a local process pool, or a Dask cluster.

Extraction is a pure step (Document → Events) and the costliest one, so it is
the one to spread. Both kinds of workers here get the extractor component
once, pickled (its gazetteer is in it: a few hundred kB), then chunks of
documents, and give back one `pipeline.Extracted` per document, computed by
the same `pipeline.extract_document` that the main process would run. They
never touch the store: the main process writes what they found, in the order
it read the documents, so the events are the same as a serial ingest's.

- `ProcessWorkers(n)`: n worker processes on this machine. Ingest hands them
  each document as it is read, and stores the batch before while they
  extract, so even one worker beside the main process keeps two cores busy.
- `DaskWorkers("local:N")` starts a `LocalCluster` of N single-threaded
  worker processes; `DaskWorkers("tcp://HOST:PORT")` joins a running
  scheduler, whose workers need the same version of frontlines installed.

Both plug into `pipeline.StoreExtraction(workers=...)` (an `ExtractionWorkers`).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from .extract import ExtractionConfig
from .models import Document
from .pipeline import Extracted, ResultHandle, extract_document

# --- in a worker ---------------------------------------------------------------------

_local = threading.local()


def _component(key: str, payload: bytes) -> Any:
    """The extractor component `payload` pickles, unpickled once per worker thread.

    One per thread, not per process: a component keeps the reading of the
    report in hand, so two threads must not share one.
    """
    if getattr(_local, "key", None) != key:
        _local.component = pickle.loads(payload)
        _local.key = key
    return _local.component


def extract_chunk(key: str, payload: bytes, config: ExtractionConfig,
                  docs: Sequence[Document]) -> list[Extracted]:
    """One `Extracted` per document, in order (run by a worker)."""
    component = _component(key, payload)
    return [extract_document(component, doc, config) for doc in docs]


_process_job: tuple[str, bytes, ExtractionConfig] | None = None


def _start_process(key: str, payload: bytes, config: ExtractionConfig) -> None:
    # Ctrl-C at a terminal reaches the whole process group: the main process decides
    # what to do about it (roll back the batch in hand, stop the workers), not them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _process_job
    _process_job = (key, payload, config)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End this worker when the main process is gone (`kill -9`): nobody would read its work,
    and a pool's worker waits for the next task forever."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _extract_in_process(docs: Sequence[Document]) -> list[Extracted]:
    assert _process_job is not None, "worker process not started"
    key, payload, config = _process_job
    return extract_chunk(key, payload, config, docs)


def _pickled(component: Any) -> tuple[str, bytes]:
    payload = pickle.dumps(component, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.blake2b(payload, digest_size=16).hexdigest(), payload


# --- on this machine ---------------------------------------------------------------


def default_workers() -> int:
    """Worker processes for `frontlines ingest` by default: one per core beyond the first
    (the main process reads, stores and recomputes on its own core), at least one."""
    return max(1, (os.cpu_count() or 1) - 1)


class ProcessWorkers:
    """`n` worker processes on this machine (a `ProcessPoolExecutor`)."""

    def __init__(self, n: int):
        if n < 1:
            raise ValueError(f"at least one worker process is needed, not {n}")
        self.n = n
        self._pool: ProcessPoolExecutor | None = None

    def start(self, component: Any, config: ExtractionConfig) -> None:
        key, payload = _pickled(component)
        # Spawned, not forked: the main process may hold threads (a progress display)
        # and open database connections that a forked child would inherit.
        self._pool = ProcessPoolExecutor(
            max_workers=self.n, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_process, initargs=(key, payload, config))

    def submit(self, docs: Sequence[Document]) -> ResultHandle:
        if self._pool is None:
            raise RuntimeError("ProcessWorkers.submit before start")
        future: Future[list[Extracted]] = self._pool.submit(_extract_in_process, list(docs))
        return future

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# --- on a Dask cluster ---------------------------------------------------------------


class DaskAddressError(ValueError):
    """A `--dask` value that is neither `local:N` nor a scheduler address."""


def parse_dask_address(text: str) -> tuple[str, int | str]:
    """("local", N) for `local:N`, ("scheduler", address) for `tcp://HOST:PORT` (or tls://)."""
    if text.startswith("local:"):
        count = text.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise DaskAddressError(f"--dask {text!r}: local:N needs a number of workers >= 1")
        return "local", int(count)
    if "://" in text and text.split("://", 1)[1]:
        return "scheduler", text
    raise DaskAddressError(f"--dask {text!r}: expected local:N or a scheduler address "
                           "such as tcp://10.0.0.5:8786")


# Documents to a Dask task: enough to make each task worth its scheduling
# (a few milliseconds of overhead), few enough to spread a batch over the workers.
DASK_CHUNK = 25


class DaskWorkers:
    """Extraction on a Dask cluster: `local:N` starts one here, `tcp://…` joins one.

    The pickled component is scattered to every worker once; each task then
    carries only its documents. The cluster (when started here) and the
    client are closed by `close`.
    """

    def __init__(self, address: str, *, processes: bool = True):
        self.kind, self.target = parse_dask_address(address)
        self.processes = processes
        self._client: Any = None
        self._cluster: Any = None
        self._payload: Any = None
        self._key = ""
        self._config: ExtractionConfig | None = None

    @property
    def workers(self) -> int:
        """How many workers the cluster has now (0 before `start`)."""
        if self._client is None:
            return 0
        return len(self._client.scheduler_info().get("workers", {}))

    def start(self, component: Any, config: ExtractionConfig) -> None:
        import logging

        import dask
        from distributed import Client, LocalCluster

        if self.kind == "local":
            # Dask's workers sample their own stacks every 10 ms for its dashboard's
            # profile; on extraction's deep Python stacks that costs about a quarter of
            # the time (measured). The workers started here do without it.
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self._cluster = LocalCluster(
                    n_workers=int(self.target), threads_per_worker=1, processes=self.processes,
                    dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        else:
            self._client = Client(str(self.target))
        self._key, payload = _pickled(component)
        self._payload = self._client.scatter(payload, broadcast=True, hash=False)
        self._config = config

    def submit(self, docs: Sequence[Document]) -> ResultHandle:
        if self._client is None:
            raise RuntimeError("DaskWorkers.submit before start")
        future: ResultHandle = self._client.submit(
            extract_chunk, self._key, self._payload, self._config, list(docs), pure=False)
        return future

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
