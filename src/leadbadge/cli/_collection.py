"""The garbage collector while a command loads.

A command spends most of a cold start importing: modules, classes, functions and tables, all
of which live until the process ends. The cyclic collector walks them again and again while
they load (on a cold ``leadbadge verify`` one full collection alone took about 20 ms, with some
fifty smaller ones), and finds nothing to free. So :func:`leadbadge.cli.main` pauses it while
the command loads, and :func:`resume` turns it back on, with what was loaded frozen out of
every later collection, before the command works on its input.

The root group resumes it once it has found the command; a command that imports its own
modules when called (:class:`leadbadge.cli._app.LoadsWhenCalled`) resumes it once it has.
This module imports nothing else, so that pausing comes before the first import.
"""

from __future__ import annotations

import gc

__all__ = ["pause", "resume"]

_paused = False


def pause() -> None:
    """Stop cyclic collection until :func:`resume` (if it is on: a caller's choice stands)."""
    global _paused  # noqa: PLW0603 -- one process-wide switch, like the collector itself
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what has been loaded out of later collections and collect again, if
    :func:`pause` stopped collection; otherwise nothing."""
    global _paused  # noqa: PLW0603 -- see pause()
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
