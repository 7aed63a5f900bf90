"""The cyclic garbage collector is paused while a command loads and back on for its work."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from leadbadge.cli import _collection
from tests.unit._issued import make_world


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the test process's collector as it was found."""
    enabled = gc.isenabled()
    yield
    _collection._paused = False
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_pause_then_resume_collects_again_with_the_loaded_objects_frozen(
    collector: None,
) -> None:
    gc.enable()
    _collection.pause()
    assert not gc.isenabled()
    loaded: list[list[int]] = [[] for _ in range(100)]  # stands for what a command imports
    frozen_before = gc.get_freeze_count()
    _collection.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen_before + len(loaded)
    # A second resume (a command that resumes itself after the root group did) changes nothing.
    gc.unfreeze()
    _collection.resume()
    assert gc.get_freeze_count() == 0


def test_a_collector_the_caller_turned_off_stays_off(collector: None) -> None:
    gc.disable()
    _collection.pause()
    _collection.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


# Records each collection after `main` is called, and whether the verifier had been loaded
# by then; at exit, whether collection is on.
_PROBE = """
import atexit, gc, json, sys
from leadbadge.cli import main
seen = []
gc.callbacks.append(
    lambda phase, info: phase == "start"
    and seen.append([info["generation"], "leadbadge.verifier.verify" in sys.modules])
)
atexit.register(lambda: print(json.dumps({"seen": seen, "on": gc.isenabled()})))
sys.argv = ["leadbadge", *sys.argv[1:]]
main()
"""


def _collections(*args: str, cache: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LEADBADGE_CONTEXT_CACHE": str(cache)},
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_verify_loads_without_collecting_and_verifies_with_collection_on(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path, did_web=None)
    path = tmp_path / "initial.json"
    path.write_text(json.dumps(world.issue()), encoding="utf-8")
    args = ("verify", "--trust", str(tmp_path / "trust"), "--json", str(path))
    found = _collections(*args, cache=tmp_path / "cache")
    assert found["on"] is True
    seen = found["seen"]
    assert isinstance(seen, list)
    # No collection while the command loaded; the verification itself still collects.
    assert [generation for generation, verifier_loaded in seen if not verifier_loaded] == []
    assert seen


def test_another_command_also_runs_with_collection_on(tmp_path: Path) -> None:
    found = _collections("trust", "list", "--trust", str(tmp_path), cache=tmp_path / "cache")
    assert found["on"] is True
