"""``--engine dask``: the per-document work on a Dask cluster's workers.

The run's units of work (batches of files, chunks of JSONL or Parquet records,
``runner.check_unit``) are mapped over the cluster: each worker reads its files or
records itself, parses them, runs the per-document rules and the corpus rules'
``collect`` (DUP's sketches, READ's and SEM's per-document data), and sends back the
findings and what it collected. The corpus step (DUP's banding and verification,
SEM's search) then runs in this process on what came back, as with the local
engine, so the findings are the same byte for byte.

The rules go to the workers once, pickled, with the run's settings; a worker
keeps them for every unit of the run. Workers run one unit at a time (the rules
keep per-process memos), whatever their thread count. The per-file cache is not
used on the workers (they need not share a disk with this process); the corpus
step's cache is. Files are read by their absolute paths, so workers on other
hosts need the same paths (a shared file system) or fsspec URLs.
"""

from __future__ import annotations

import os
import pickle
import threading
import uuid

from textsieve.cache import NO_CACHE

EXTRA = "dask"


class EngineError(Exception):
    """The cluster cannot be used: distributed missing, the scheduler unreachable, a unit failed."""


class DaskEngine:
    """A client of the scheduler at ``scheduler``; without one, a cluster of ``jobs``
    worker processes on this machine, started here and stopped by ``close``."""

    def __init__(self, scheduler: str | None, jobs: int = 0, timeout: float | None = None):
        """``timeout``: seconds to reach the scheduler; None: Dask's configured connect
        timeout (``distributed.comm.timeouts.connect``, 30 s unless the user set it)."""
        try:
            import distributed
        except ImportError:
            raise EngineError(f"--engine dask needs Dask's distributed scheduler: "
                              f"pip install 'textsieve[{EXTRA}]'") from None
        self.cluster = None
        try:
            if scheduler:
                self.client = (distributed.Client(scheduler) if timeout is None
                               else distributed.Client(scheduler, timeout=timeout))
            else:
                self.cluster = distributed.LocalCluster(
                    n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                    dashboard_address=None)
                self.client = distributed.Client(self.cluster)
        except (OSError, TimeoutError, ValueError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler or 'a local cluster'}: "
                              f"{exc}") from None

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, units: list, rules: list, max_file_size: int, signature: str, max_findings: int,
            progress) -> list[tuple[list, list[str]]]:
        """Each unit's ``(results, errors)``, in the units' order."""
        from distributed import as_completed

        if not units:
            return []
        kept = [rule.cache for rule in rules]
        try:
            for rule in rules:
                rule.cache = NO_CACHE
            payload = pickle.dumps((rules, max_file_size, signature, max_findings))
        finally:
            for rule, cache in zip(rules, kept):
                rule.cache = cache
        [shared] = self.client.scatter([payload], broadcast=True, hash=False)
        token = uuid.uuid4().hex
        futures = self.client.map(run_unit, units, token=token, payload=shared, pure=False)
        position = {future.key: i for i, future in enumerate(futures)}
        outputs: list = [None] * len(units)
        try:
            for future in as_completed(futures):
                output = future.result()
                outputs[position[future.key]] = output
                progress.advance(1, len(output[0]))
                future.release()
        except Exception as exc:
            self.client.cancel(futures)
            raise EngineError(f"a part of the work failed on the Dask cluster: "
                              f"{type(exc).__name__}: {exc}") from None
        return outputs

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


_STATE: dict = {"token": None}
_LOCK = threading.Lock()


def run_unit(unit: tuple, token: str, payload: bytes):
    """On a worker: the run's rules set up once (``token`` names the run), then the unit."""
    from textsieve import runner

    with _LOCK:
        if _STATE["token"] != token:
            rules, max_file_size, signature, max_findings = pickle.loads(payload)
            runner.init_worker(rules, NO_CACHE, max_file_size, signature, max_findings)
            _STATE["token"] = token
        return runner.check_unit(unit)
