"""The ``dask`` sweep executor: chunks run on a Dask cluster, the parent stores them.

Without a scheduler address the sweep starts a private ``LocalCluster`` (one single-threaded
worker process per core, or ``workers``) and closes it at the end, also on Ctrl-C or error. With
an address it connects a client to an existing cluster and closes only that client.

Only the computation moves to the cluster: results come back to the parent, which checks and writes
every chunk itself, so the stored table is the same as with the other executors. A worker that
dies mid-chunk is replaced (its nanny restarts it) and Dask reruns its chunks; a chunk is written
once, when its result first arrives, so no draw is lost or duplicated.

Running on several machines (every host needs burdenshare installed, the same version, so that
the workload unpickles on the workers):

.. code-block:: bash

    dask scheduler                      # on one host; listens on tcp://HOST:8786
    dask worker tcp://HOST:8786         # on each machine that should compute
    burdenshare sweep ... --executor dask --scheduler tcp://HOST:8786

``workers`` caps the chunks in flight at ``2 × workers``; without it the cap is twice the
cluster's thread count when the sweep starts.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

from burdenshare.errors import BurdenshareError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["CONNECT_TIMEOUT", "dask_computed", "require_dask"]

# Seconds to wait for an existing scheduler before telling the user it cannot be reached.
CONNECT_TIMEOUT = 10.0


def require_dask() -> ModuleType:
    """The ``distributed`` module, or a BurdenshareError saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise BurdenshareError.single(
            "the dask executor needs Dask; install it with `pip install 'burdenshare[dask]'`"
        ) from None
    return distributed


@contextmanager
def _quiet_logs() -> Iterator[None]:
    # Cluster start/stop chatter is logged at INFO; users should only see warnings.
    logger = logging.getLogger("distributed")
    old = logger.level
    if logger.getEffectiveLevel() < logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(old)


def _ignore_sigint() -> None:
    # Runs in each worker of a private cluster: Ctrl-C reaches the whole process group, and only
    # the parent should react (stop between chunks, shut the cluster down), not every worker.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_plugin(distributed: ModuleType) -> Any:
    # A plugin, unlike Client.run, also reaches the workers a nanny restarts later.
    class IgnoreSigint(distributed.WorkerPlugin):  # type: ignore[name-defined,misc]
        name = "burdenshare-ignore-sigint"

        def setup(self, worker: object) -> None:
            _ignore_sigint()

    return IgnoreSigint()


@contextmanager
def _client(
    distributed: ModuleType, workers: int | None, scheduler: str | None
) -> Iterator[Client]:
    if scheduler is None:
        with (
            distributed.LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster, set_as_default=False) as client,
        ):
            client.register_plugin(_worker_plugin(distributed))
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, ValueError) as err:
        # OSError: nothing answers in time; ValueError: not an address at all.
        raise BurdenshareError.single(
            f"cannot connect to the Dask scheduler at {scheduler}",
            expected="a running `dask scheduler` address such as tcp://host:8786",
            found=str(err),
        ) from None
    # Closing the client releases its tasks; the cluster belongs to the user and stays up.
    with client:
        yield client


def dask_computed(
    run_chunk: Callable[[int, int], pd.DataFrame],
    todo: list[tuple[int, int, int]],
    workers: int | None,
    scheduler: str | None,
) -> Generator[tuple[int, int, int, pd.DataFrame], None, None]:
    """Yield (chunk, start, stop, frame) as chunks finish on the cluster; order may vary."""
    distributed = require_dask()
    if not todo:
        return  # nothing to compute: do not start or contact a cluster
    with _quiet_logs(), _client(distributed, workers, scheduler) as client:
        window = 2 * (workers or max(1, sum(client.nthreads().values())))
        pending = iter(todo)
        in_flight: dict[str, tuple[Any, tuple[int, int, int]]] = {}
        finished = distributed.as_completed(loop=client.loop)

        def submit_next() -> None:
            item = next(pending, None)
            if item is not None:
                # pure=False: a fresh key per submission, so a rerun sweep never reuses a result
                # the cluster still holds from another run with the same arguments.
                fut = client.submit(run_chunk, item[1], item[2], pure=False)
                in_flight[fut.key] = (fut, item)
                finished.add(fut)

        try:
            # A bounded window keeps memory proportional to chunk size, not draw count.
            for _ in range(window):
                submit_next()
            for fut in finished:
                _, (chunk, start, stop) = in_flight.pop(fut.key)
                frame = fut.result()
                del fut  # the last reference: the worker drops its copy of the rows
                submit_next()
                yield chunk, start, stop, frame
        finally:
            if in_flight:
                client.cancel([fut for fut, _ in in_flight.values()])
