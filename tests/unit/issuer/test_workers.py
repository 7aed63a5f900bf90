"""Batch worker processes: how they treat their heap once set up."""

from __future__ import annotations

import gc

from leadbadge.issuer._workers import WORKER_GC_THRESHOLD, settle_worker_heap, spawn_pool


def _nothing() -> None:
    pass


def _heap_state() -> tuple[int, int]:
    return gc.get_threshold()[0], gc.get_freeze_count()


def test_a_settled_worker_leaves_its_set_up_out_of_collections_and_collects_less_often() -> None:
    with spawn_pool(1, settle_worker_heap, ()) as pool:
        threshold, frozen = pool.submit(_heap_state).result(timeout=120)
    assert threshold == WORKER_GC_THRESHOLD
    # Everything the worker had loaded: thousands of module, class and function objects.
    assert frozen > 1_000


def test_an_unsettled_worker_and_this_process_keep_the_defaults() -> None:
    with spawn_pool(1, _nothing, ()) as pool:
        threshold, frozen = pool.submit(_heap_state).result(timeout=120)
    assert (threshold, frozen) == (700, 0)
    assert gc.get_threshold()[0] != WORKER_GC_THRESHOLD
