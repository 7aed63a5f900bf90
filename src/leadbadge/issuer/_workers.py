"""Worker processes that leave no trace of an interrupt and never outlive the batch.

``issue-batch`` signs in a process pool. A Ctrl-C reaches every process of the terminal's
process group: the workers must ignore it (the parent alone decides to stop, lets the rows in
flight finish, and says "Interrupted."), and they must die with the parent, or a killed
``issue-batch`` would leave workers signing and recording queued rows after it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from collections.abc import Iterator

__all__ = ["die_with_parent", "workers_ignore_interrupts"]

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
