"""The on-disk cache of the compiled tables: restored tables answer as pyld did, or not at all.

The file holds what pyld's context processing answered; a process that restores it must give
the same quads and refusals as pyld (the differential comparison of
``test_compiled_differential.py``, run here on restored tables), must not need pyld for what it
restored, and must never read a file written for other contexts or code, nor run anything a
file holds.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import leadbadge
from leadbadge import _resources
from leadbadge.ld import compiled_cache, compiled_tables
from leadbadge.ld.compiled import _simple_literal, compiled_quads
from leadbadge.ld.compiled_tables import Compiled
from leadbadge.ld.contexts import DEFAULT_LOADER
from leadbadge.ld.rdfc10 import canonical_nquads
from tests.unit.ld.test_compiled_differential import (
    _BASES,
    TIERS,
    _mutate,
    _random_credential,
    check_same,
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache on, in a folder of the test's own; fresh tables for the default loader."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(compiled_cache.ENV, str(folder))
    monkeypatch.setitem(compiled_tables._TABLES, DEFAULT_LOADER, Compiled(DEFAULT_LOADER))
    return folder


def _use(tables: Compiled, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(compiled_tables._TABLES, DEFAULT_LOADER, tables)


def _restored() -> Compiled:
    tables = Compiled(DEFAULT_LOADER)
    tables.reset(restore=True)
    return tables


def _fast(doc: Any) -> str | None:
    found = compiled_quads(doc)
    return None if found is None else canonical_nquads(found.quads)


def test_restored_tables_give_the_same_quads_without_pyld(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = [doc for _, doc in TIERS]
    expected = [_fast(doc) for doc in docs]
    assert all(expected)
    (written,) = cache.iterdir()
    assert written == compiled_cache.cache_path()
    restored = _restored()
    assert restored.size() == compiled_tables._TABLES[DEFAULT_LOADER].size()
    _use(restored, monkeypatch)
    assert [_fast(doc) for doc in docs] == expected
    # Everything came from the file: pyld's processor was never needed.
    assert restored._processor is None


def test_restored_tables_then_pyld_get_pyld_s_answer_on_mutations(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tables restored from the tiers, extended by pyld for whatever else the documents need:
    # restored and new contexts side by side must still give the general path's answer.
    for _, doc in TIERS:
        compiled_quads(doc)
    restored = _restored()
    assert restored.size() > 0
    _use(restored, monkeypatch)
    rng = random.Random(3_000)  # noqa: S311 -- reproducible test data
    taken = 0
    for _ in range(400):
        doc = rng.choice(_BASES)(rng)
        for _ in range(rng.randint(0, 2)):
            _mutate(doc, rng)
        taken += check_same(doc)
    assert taken > 50
    # And the tables grown on top of the restored ones are written and read back whole.
    again = _restored()
    assert again.size() == restored.size()


def test_a_process_with_the_file_verifies_without_loading_pyld(tmp_path: Path) -> None:
    rng = random.Random(11)  # noqa: S311 -- reproducible test data
    docs = [doc for _, doc in TIERS[:4]] + [_random_credential(rng) for _ in range(5)]
    (tmp_path / "docs.json").write_text(json.dumps(docs), encoding="utf-8")
    probe = (
        "import json, sys\n"
        "from leadbadge.ld.compiled import compiled_quads\n"
        "from leadbadge.ld.rdfc10 import canonical_nquads\n"
        "docs = json.load(open(sys.argv[1]))\n"
        "out = []\n"
        "for doc in docs:\n"
        "    found = compiled_quads(doc)\n"
        "    out.append(None if found is None else canonical_nquads(found.quads))\n"
        "print(json.dumps({'quads': out, 'pyld': 'pyld' in sys.modules}))\n"
    )
    env = {**os.environ, compiled_cache.ENV: str(tmp_path / "cache")}

    def run() -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path / "docs.json")],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            env=env,
        )
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    cold, warm = run(), run()
    assert cold["pyld"] is True
    assert warm["pyld"] is False
    assert warm["quads"] == cold["quads"]
    assert sum(q is not None for q in warm["quads"]) >= 6


def test_the_file_name_changes_with_the_version_the_code_and_every_context_byte(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(compiled_cache, "_key_cache", {})
    first = compiled_cache.cache_path()
    monkeypatch.setattr(compiled_cache, "_key_cache", {})
    monkeypatch.setattr(leadbadge, "__version__", leadbadge.__version__ + "+other")
    assert compiled_cache.cache_path() != first
    monkeypatch.setattr(leadbadge, "__version__", leadbadge.__version__.removesuffix("+other"))
    monkeypatch.setattr(compiled_cache, "_key_cache", {})
    assert compiled_cache.cache_path() == first
    # The same files elsewhere: the same name; one byte more in one of them: another name.
    index = _resources.context_index()
    for entry in index.values():
        (tmp_path / entry.file).write_bytes(entry.path.read_bytes())
    monkeypatch.setattr(_resources, "CONTEXTS_DIR", tmp_path)
    monkeypatch.setattr(compiled_cache, "_key_cache", {})
    assert compiled_cache.cache_path() == first
    changed = tmp_path / next(iter(index.values())).file
    changed.write_bytes(changed.read_bytes() + b" ")
    monkeypatch.setattr(compiled_cache, "_key_cache", {})
    assert compiled_cache.cache_path() != first
    monkeypatch.setattr(_resources, "CONTEXTS_DIR", compiled_cache._HERE.parent / "_data/contexts")
    monkeypatch.setattr(compiled_cache, "_key_cache", {})
    assert compiled_cache.cache_path() == first
    # A change to the code that builds the tables, with the same version: another name too.
    code = tmp_path / "code"
    code.mkdir()
    for name in compiled_cache._OWN_CODE:
        (code / name).write_bytes((compiled_cache._HERE / name).read_bytes())
    monkeypatch.setattr(compiled_cache, "_HERE", code)
    monkeypatch.setattr(compiled_cache, "_key_cache", {})
    assert compiled_cache.cache_path() == first
    (code / "compiled_tables.py").write_bytes(b"# changed\n")
    monkeypatch.setattr(compiled_cache, "_key_cache", {})
    assert compiled_cache.cache_path() != first


class _Alarm:
    """Anything that would run code on unpickling: __reduce__ names os.system."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, ("touch should-not-exist",))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle",
        pickle.dumps({"format": 999}),
        pickle.dumps([1, 2, 3]),
        pickle.dumps({"format": 1, "initial": {}, "memo": [(1,)]}),
        pickle.dumps({"format": 1, "initial": _Alarm()}),
    ],
    ids=["empty", "garbage", "other-format", "list", "malformed", "code"],
)
def test_a_file_that_is_not_good_tables_is_ignored_then_replaced(
    cache: Path, content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cache.mkdir()
    compiled_cache.cache_path().write_bytes(content)
    tables = Compiled(DEFAULT_LOADER)
    assert tables.restore() is False
    assert tables.size() == 0
    assert not (tmp_path / "should-not-exist").exists()
    _use(tables, monkeypatch)
    assert _fast(TIERS[0][1]) is not None
    assert _restored().size() == tables.size() > 0


def test_the_file_is_written_whole_and_private(cache: Path) -> None:
    compiled_quads(TIERS[0][1])
    files = list(cache.iterdir())
    assert [f.name for f in files] == [compiled_cache.cache_path().name]
    assert files[0].stat().st_mode & 0o077 == 0


def test_off_writes_and_reads_nothing(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    compiled_quads(TIERS[0][1])
    monkeypatch.setenv(compiled_cache.ENV, "off")
    assert _restored().size() == 0
    _use(Compiled(DEFAULT_LOADER), monkeypatch)
    before = {f: f.stat().st_mtime_ns for f in cache.iterdir()}
    compiled_quads(TIERS[2][1])
    assert {f: f.stat().st_mtime_ns for f in cache.iterdir()} == before


def test_an_unwritable_folder_does_not_stop_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(compiled_cache.ENV, str(blocker / "cache"))
    _use(Compiled(DEFAULT_LOADER), monkeypatch)
    assert _fast(TIERS[0][1]) is not None


_DATATYPES = [
    None,
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#double",
    "https://www.w3.org/2001/XMLSchema#float",
    "http://www.w3.org/2001/XMLSchema#dateTime",
    "@json",
]


def _pyld_literal(value: object, datatype: str | None) -> tuple[str, str, str, str]:
    tables = Compiled(DEFAULT_LOADER)
    item: dict[str, Any] = {"@value": value}
    if datatype is not None:
        item["@type"] = datatype
    converted = tables.processor._object_to_rdf(item, None, [], tables.options)
    language = converted.get("language") or ""
    lang_string = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
    chosen = lang_string if language else converted["datatype"] or str(_DATATYPES[1])
    return ("L", str(converted["value"]), chosen, str(language))


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        st.text(max_size=10),
        st.booleans(),
        st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([0.0, -0.0, 1e21, 1e20, 15.0, 2.5, 1e-7, 123456789012345678.0]),
    ),
    st.sampled_from(_DATATYPES),
)
def test_literals_without_pyld_are_pyld_s(value: object, datatype: str | None) -> None:
    simple = _simple_literal(value, datatype)
    if simple is not None:
        assert simple == _pyld_literal(value, datatype)
    else:
        assert datatype in {"http://www.w3.org/2001/XMLSchema#double", "@json"}
