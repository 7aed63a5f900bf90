"""pyld's context processing for the compiled tables (:mod:`leadbadge.ld.compiled_tables`).

Apart so that pyld, a large part of a cold start, loads only when a context must actually be
processed or a literal converted: tables restored from the on-disk cache
(:mod:`leadbadge.ld.compiled_cache`) usually answer everything a credential needs.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld as _pyld

from leadbadge.ld._offline_pyld import pyld_initial_context, pyld_process_context
from leadbadge.ld.compiled_cache import memo_hit, memo_key

__all__ = ["ContextProcessor"]


class ContextProcessor(_pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's context processing, each (parent context, local context) processed once.

    ``memo`` belongs to the tables (:class:`leadbadge.ld.compiled_tables.Compiled`), which may
    have restored it from the on-disk cache: a restored entry answers as pyld answered then.
    """

    def __init__(self, memo: dict[tuple[object, ...], tuple[Any, Any]]) -> None:
        super().__init__()
        self.memo = memo

    def _get_initial_context(self, options: Any) -> Any:
        return pyld_initial_context(self, options)

    def _process_context(  # noqa: PLR0917 -- pyld's signature
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        key = memo_key(active_ctx, local_ctx, override_protected, propagate, validate_scoped)
        hit = memo_hit(self.memo, key, local_ctx)
        if hit is not None:
            return hit
        result = pyld_process_context(
            self,
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )
        if key is not None:
            self.memo[key] = (local_ctx, result)
        return result
