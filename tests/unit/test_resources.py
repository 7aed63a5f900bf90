"""The shipped JSON-LD contexts are exactly the published bytes, and the index is complete."""

from __future__ import annotations

import hashlib
import json

from leadbadge import _resources
from tests.conftest import interop_path


def test_every_indexed_context_matches_its_sha256() -> None:
    index = _resources.context_index()
    assert index, "the context index is empty"
    for url, entry in index.items():
        data = entry.path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry.sha256, url
        assert isinstance(_resources.context_document(url), dict)


def test_shipped_contexts_are_the_shared_entries_marked_ship() -> None:
    shared_index = json.loads(interop_path("contexts", "index.json").read_text())
    wanted = {url: e["sha256"] for url, e in shared_index.items() if e.get("ship")}
    shipped = {url: e.sha256 for url, e in _resources.context_index().items()}
    assert shipped == wanted


def test_no_unindexed_files_are_shipped() -> None:
    files = {p.name for p in _resources.CONTEXTS_DIR.iterdir()} - {"index.json"}
    indexed = {e.file for e in _resources.context_index().values()}
    assert files == indexed
