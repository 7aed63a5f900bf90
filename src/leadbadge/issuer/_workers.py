"""Worker processes that leave no trace of an interrupt and never outlive the batch.

``issue-batch`` checks a long roster and signs in process pools. A Ctrl-C reaches every process
of the terminal's process group: the workers must ignore it (the parent alone decides to stop,
lets the rows in flight finish, and says "Interrupted."), and they must die with the parent, or
a killed ``issue-batch`` would leave workers signing and recording queued rows after it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = [
    "cancelled_on_error",
    "die_with_parent",
    "settle_worker_heap",
    "spawn_pool",
    "submit_all",
    "workers_ignore_interrupts",
]

_T = TypeVar("_T")
_R = TypeVar("_R")

_PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def workers_ignore_interrupts() -> Iterator[None]:
    """Start worker processes inside this block: they begin with SIGINT blocked.

    The signal mask survives fork and exec, so a spawned worker cannot be interrupted while it
    is still importing; :func:`die_with_parent` then ignores SIGINT for good. In this process a
    Ctrl-C that comes during the block waits, and is delivered (KeyboardInterrupt) as the
    block ends, so none is lost.
    """
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def die_with_parent(parent_pid: int) -> None:
    """In a worker: be killed when the process that started it dies (Linux), and stop now if
    it is already gone. Elsewhere only the second part applies."""
    # Ignoring it discards a Ctrl-C that came while the worker started (blocked until now).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if sys.platform.startswith("linux"):
        libc_name = ctypes.util.find_library("c")
        if libc_name is not None:
            libc = ctypes.CDLL(libc_name, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died before prctl: then this process was adopted by another.
    if os.getppid() != parent_pid:
        os._exit(1)


#: Allocations between young-generation collections in a worker (CPython's default is 700).
WORKER_GC_THRESHOLD = 10_000


def settle_worker_heap() -> None:
    """In a worker, once it is set up: leave what it loaded (modules, context tables, the
    issuer's key and framework) out of every later collection, and collect the young
    generation less often.

    A worker builds and signs thousands of JSON documents, each thousands of short-lived
    containers that reference counting frees; with the defaults the collector ran about once
    per credential and every full collection walked the whole set-up again. Cycles are still
    collected, later.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(WORKER_GC_THRESHOLD, middle, old)


def spawn_pool(
    workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> ProcessPoolExecutor:
    """A pool of ``workers`` fresh interpreters (spawn: none of this process's threads or open
    files), each started with ``initializer(*initargs)``."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=initializer,
        initargs=initargs,
    )


def submit_all(
    pool: ProcessPoolExecutor, work: Callable[[_T], _R], chunks: Iterable[_T]
) -> list[Future[_R]]:
    """``work`` of each chunk, submitted with SIGINT blocked (the pool starts its workers in
    submit, and they must begin with it blocked: see :func:`workers_ignore_interrupts`)."""
    with workers_ignore_interrupts():
        return [pool.submit(work, chunk) for chunk in chunks]


@contextlib.contextmanager
def cancelled_on_error(futures: Sequence[Future[Any]]) -> Iterator[None]:
    """Cancel the work not yet started when the block fails or is interrupted."""
    try:
        yield
    except BaseException:
        for future in futures:
            future.cancel()
        raise
