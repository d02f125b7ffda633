"""Running parts of work on a Dask cluster: the scheduler is asked who it is within a timeout,
workers of another defsim version are refused before any work, and results come back in order
with a bounded number of parts in flight."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from ..scenario.errors import InputError
from .workers import AHEAD

#: seconds to wait for a Dask scheduler before giving up
SCHEDULER_TIMEOUT = 10.0


class SchedulerUnreachable(Exception):
    """The Dask scheduler given did not answer in time."""


class SchedulerNotDask(SchedulerUnreachable):
    """What answers at the address given is not a Dask scheduler (a wrong address: exit 2)."""


class WorkerVersionMismatch(Exception):
    """A Dask worker runs another defsim version than this process: its results could differ."""


def worker_version() -> str:
    """The defsim version of the process this runs in (read at call time, on a Dask worker)."""
    from .. import _version

    return _version.__version__


def check_worker_versions(versions: dict[str, str], address: str) -> None:
    """Refuse workers whose defsim version is not this process's, naming them."""
    mine = worker_version()
    other = {w: v for w, v in sorted(versions.items()) if v != mine}
    if other:
        listed = ", ".join(f"{w} runs defsim {v}" for w, v in list(other.items())[:3])
        more = f" and {len(other) - 3} more" if len(other) > 3 else ""
        raise WorkerVersionMismatch(
            f"the Dask cluster at {address} has workers running another defsim version than this "
            f"one ({mine}): {listed}{more}; nothing was run. Install the same defsim on every "
            "worker (pip install 'defsim[dask]==VERSION' or the same source) and restart them"
        )


def _connect(address: str, timeout: float) -> Any:
    """A Dask client of ``address``, or :class:`SchedulerUnreachable` within about ``timeout``.

    The peer is first asked who it is, in a thread the main process waits for a bounded time:
    distributed's own timeout does not cover a peer that accepts the connection and then says
    nothing (a silent listener, a web server), and a peer that answers with something else
    makes it decode nonsense (a MemoryError for a frame of exabytes).
    """
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("--scheduler needs Dask: pip install 'defsim[dask]'") from exc
    box: dict[str, Any] = {}

    async def identity() -> Any:
        from distributed.comm import connect

        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    def probe() -> None:
        try:
            box["identity"] = asyncio.run(asyncio.wait_for(identity(), timeout))
        except BaseException as exc:
            box["error"] = exc

    # the peer is asked who it is before a Client is made: a Client that fails half-way tries
    # to close itself later, slowly and with a traceback
    thread = threading.Thread(target=probe, name="defsim-dask-probe", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout + 1.0
    while thread.is_alive() and time.monotonic() < deadline:
        thread.join(0.2)  # short waits: an interrupt is handled at once
    error = box.get("error")
    if thread.is_alive() or isinstance(error, (OSError, TimeoutError)):
        why = type(error).__name__ if error is not None else "no answer"
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} did not answer within {timeout:g} s ({why})"
        )
    if isinstance(error, ValueError):  # not an address at all: the user's argument, not the network
        raise InputError(f"--scheduler {address!r} is not a Dask scheduler address: {error}") from None
    if isinstance(error, Exception) or not (
        isinstance(box.get("identity"), dict) and box["identity"].get("type") == "Scheduler"
    ):
        what = type(error).__name__ if error is not None else "it did not say it is one"
        raise SchedulerNotDask(
            f"what answers at {address} is not a Dask scheduler ({what}); give the scheduler's "
            "address, e.g. tcp://host:8786"
        )
    if error is not None:
        raise error
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} did not answer within {timeout:g} s "
            f"({type(exc).__name__}); check the address, or raise --scheduler-timeout"
        ) from None


def on_dask(
    fn: Callable[..., Any],
    common: tuple[Any, ...],
    parts: Iterator[Any],
    address: str,
    timeout: float,
    workers: int,
) -> Iterator[Any]:
    client = _connect(address, timeout)
    with client:
        # before any work: a worker with another defsim could compute other results
        check_worker_versions(client.run(worker_version), address)
        ahead = max(workers, sum(client.nthreads().values())) * AHEAD
        flight: deque[Any] = deque()

        def send() -> None:
            for p in itertools.islice(parts, ahead - len(flight)):
                part = list(p) if isinstance(p, range) else p
                flight.append(client.submit(fn, *common, part, pure=False))

        try:
            send()
            while flight:
                out = flight[0].result()
                flight.popleft()  # the future is released: Dask forgets its result
                send()
                yield out
        except BaseException:
            client.cancel(list(flight))
            raise
