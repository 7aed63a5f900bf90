"""pyld's context functions, copied so that they never ask for a time-based UUID.

pyld keys its processed-context caches on a ``_uuid`` it gives each active context, from
``uuid.uuid1()`` (in ``_process_context``, for every context it processes, and in
``_get_initial_context``). A time-based UUID comes from libuuid, which asks the uuidd daemon over
an AF_UNIX socket and opens a UDP socket to read a network card's address: no place for offline
verification. A random UUID (``os.urandom``) is as unique a key. Only these copies, which only
leadbadge's processors (strict expansion and the compiled tables) call, see the stand-in; pyld
itself is left as it is.
"""

from __future__ import annotations

import types
import uuid
from collections.abc import Callable
from typing import Any, Final

from pyld import jsonld as _pyld

__all__ = ["pyld_initial_context", "pyld_process_context"]


class _ContextKeys:
    """Stands in for the ``uuid`` module in the copied functions: ``uuid1`` is ``uuid4``."""

    @staticmethod
    def uuid1() -> uuid.UUID:
        return uuid.uuid4()


def _without_uuid1(function: Callable[..., Any]) -> Callable[..., Any]:
    """A copy of the pyld function ``function`` whose name ``uuid`` means :class:`_ContextKeys`."""
    namespace = dict(function.__globals__)
    namespace["uuid"] = _ContextKeys
    copied = types.FunctionType(
        function.__code__,
        namespace,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    copied.__kwdefaults__ = function.__kwdefaults__
    return copied


pyld_process_context: Final = _without_uuid1(_pyld.JsonLdProcessor._process_context)
pyld_initial_context: Final = _without_uuid1(_pyld.JsonLdProcessor._get_initial_context)
