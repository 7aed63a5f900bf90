"""The compiled tables of the shipped contexts, kept on disk so a cold start needs no pyld.

The tables (:class:`leadbadge.ld.compiled_tables.Compiled`) hold what pyld's context processing
answered: the processed contexts, the active context of a node per (parent context, property,
types) and a plan per (active context, key). They depend only on the context documents, pyld's
code and leadbadge's own, so for the default loader (the shipped contexts, nothing added) they
are written to the user's cache folder (platformdirs; ``XDG_CACHE_HOME`` on Linux) and read
back by the next process, which then verifies a credential whose contexts and shapes were seen
before without loading pyld at all. Anything not in the restored tables is processed by pyld as
before and the file is written again with it.

The file's name is a SHA-256 of everything its content depends on: leadbadge's version and the
bytes of its modules that build the tables, the bytes of every shipped context file, the bytes
of pyld's modules that process contexts, the Python version and this format, so a file is only
ever read by the same code and contexts that wrote it. It is written atomically
(:mod:`leadbadge._fs`), readable by the user alone, and read with an unpickler that refuses
every class but ``frozendict`` (pyld's); a file that cannot be read or does not hold what is
expected is ignored (and later replaced). ``LEADBADGE_CONTEXT_CACHE`` set to
``off`` turns the cache off; set to a folder, the file is kept there instead.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Final

from leadbadge import _fs, _resources

__all__ = ["ENV", "FORMAT", "cache_path", "memo_hit", "memo_key", "read", "write"]

#: ``off`` to neither read nor write the file; a folder to keep it in instead of the cache folder.
ENV: Final = "LEADBADGE_CONTEXT_CACHE"
#: The layout of the state kept (:meth:`leadbadge.ld.compiled_tables.Compiled.state`).
FORMAT: Final = 1
#: Far above what the tables' own bound (MAX_ENTRIES) lets them reach.
_MAX_FILE_BYTES: Final = 32 * 1024 * 1024
_ALLOWED_CLASSES: Final = frozenset({("frozendict", "frozendict")})
_key_cache: dict[str, str] = {}
_HERE: Final = Path(__file__).parent
_OWN_CODE: Final = (
    "compiled.py",
    "compiled_cache.py",
    "compiled_process.py",
    "compiled_tables.py",
    "contexts.py",
)
_PYLD_CODE: Final = (
    "__about__.py",
    "context_resolver.py",
    "iri_resolver.py",
    "jsonld.py",
    "options.py",
    "resolved_context.py",
)


def memo_key(
    active_ctx: Any, local_ctx: Any, override_protected: bool, propagate: bool, validate: bool
) -> tuple[object, ...] | None:
    """The memo key of one context processing step, or None when it is not memoized.

    Context URLs (one or a list) are keyed by value; a scoped context (an object inside a
    processed context, which the memo keeps alive) by ``id()``.
    """
    uid = active_ctx.get("_uuid")
    if isinstance(local_ctx, str):
        local_key: object = local_ctx
    elif isinstance(local_ctx, list) and all(isinstance(c, str) for c in local_ctx):
        local_key = tuple(local_ctx)
    elif isinstance(local_ctx, dict):
        local_key = id(local_ctx)
    else:
        return None
    if uid is None:
        return None
    return (uid, local_key, override_protected, propagate, validate)


def memo_hit(
    memo: dict[tuple[object, ...], tuple[Any, Any]], key: tuple[object, ...] | None, local_ctx: Any
) -> Any:
    """The memoized result for ``key``, or None (an id-keyed entry must hold ``local_ctx``)."""
    if key is None:
        return None
    hit = memo.get(key)
    if hit is not None and (hit[0] is local_ctx or isinstance(key[1], str | tuple)):
        return hit[1]
    return None


def _enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in {"off", "0", "no", "false"}


def _folder() -> Path:
    chosen = os.environ.get(ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs  # noqa: PLC0415 -- only where the cache is used

    return Path(platformdirs.user_cache_dir("leadbadge", appauthor=False))


def _content_key() -> str:
    """SHA-256 of everything the tables depend on (see the module)."""
    found = _key_cache.get("key")
    if found is not None:
        return found
    # The package is imported before any of its modules; importing it here would be a cycle.
    version = getattr(sys.modules.get("leadbadge"), "__version__", None)
    if not isinstance(version, str):
        raise OSError("leadbadge's version is not known")
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT}\nleadbadge {version}\n".encode())
    digest.update(f"python {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    # The package's version stays the same across changes in development: the code that builds
    # and reads the tables counts byte for byte.
    for name in _OWN_CODE:
        digest.update(
            f"code {name}\n".encode() + hashlib.sha256(_HERE.joinpath(name).read_bytes()).digest()
        )
    for url, entry in sorted(_resources.context_index().items()):
        digest.update(f"context {url} {entry.file}\n".encode())
        digest.update(hashlib.sha256(entry.path.read_bytes()).digest())
    spec = importlib.util.find_spec("pyld")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise OSError("pyld is not installed")
    for name in _PYLD_CODE:
        code = Path(locations[0], name).read_bytes()
        digest.update(f"pyld {name}\n".encode() + hashlib.sha256(code).digest())
    _key_cache["key"] = found = digest.hexdigest()
    return found


def cache_path() -> Path:
    """Where the tables of the current code and contexts are kept."""
    return _folder() / f"compiled-contexts-{_content_key()[:32]}.pickle"


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the context cache")
        return super().find_class(module, name)


def read() -> Any:
    """The tables' state kept in the file, or None (off, no file, or not a usable file)."""
    if not _enabled():
        return None
    try:
        with cache_path().open("rb") as handle:
            data = handle.read(_MAX_FILE_BYTES + 1)
        if len(data) > _MAX_FILE_BYTES:
            return None
        state = _Unpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 -- a cache that cannot be used is simply not used
        return None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        return None
    return state


def write(state: dict[str, Any]) -> bool:
    """Keep ``state`` in the file, atomically; False when it could not be written (no error)."""
    if not _enabled():
        return False
    try:
        data = pickle.dumps({**state, "format": FORMAT}, protocol=pickle.HIGHEST_PROTOCOL)
        path = cache_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        _fs.atomic_write_bytes(path, data, mode=0o600, sync=False)
    except Exception:  # noqa: BLE001 -- the cache is an optimisation; verification goes on
        return False
    return True
