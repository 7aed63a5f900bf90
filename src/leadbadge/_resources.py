"""Access to the files the package ships: JSON-LD contexts, JSON Schemas, the default framework."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_DATA = Path(__file__).parent / "_data"
CONTEXTS_DIR = _DATA / "contexts"
FRAMEWORKS_DIR = _DATA / "frameworks"


@dataclass(frozen=True)
class ShippedContext:
    """One JSON-LD context document the package ships for offline use."""

    url: str
    file: str
    sha256: str
    source: str

    @property
    def path(self) -> Path:
        return CONTEXTS_DIR / self.file


@cache
def context_index() -> dict[str, ShippedContext]:
    """URL -> shipped context, read from ``_data/contexts/index.json``."""
    raw = json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))
    return {
        url: ShippedContext(url=url, file=e["file"], sha256=e["sha256"], source=e["source"])
        for url, e in raw.items()
    }


@cache
def context_document(url: str) -> Any:
    """The parsed JSON of a shipped context; raises ``KeyError`` for any other URL.

    The bytes are checked against the index's sha256 so a modified install cannot silently
    change what every signature covers.
    """
    entry = context_index()[url]
    data = entry.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise RuntimeError(f"shipped context {entry.file} does not match its sha256")
    return json.loads(data)


def schemas_dir() -> Path:
    """The project's own JSON Schemas: inside the wheel, or the source tree's ``schemas/``."""
    packaged = _DATA / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


@cache
def load_schema(name: str) -> Any:
    """A JSON Schema from ``schemas/`` by file name (``framework.schema.json``)."""
    return json.loads((schemas_dir() / name).read_text(encoding="utf-8"))


def default_framework_path() -> Path:
    """The default certification framework shipped with the package."""
    return FRAMEWORKS_DIR / "default.toml"
