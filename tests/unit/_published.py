"""Published issuer folders built by hand from the documented format (docs/trust.md), for tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from leadbadge.crypto.did import did_web_document
from leadbadge.crypto.keys import SigningKey
from tests.conftest import FIXED_NOW

URL = "https://rcoe.example.org/leadership"
NAME = "Riverside County Office of Education"
TIERS = ("initial", "clear")
#: When the first key of a test issuer starts (a year before the fixed clock).
START = FIXED_NOW - timedelta(days=365)


def xsd(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@dataclass
class Issuer:
    """A test issuer: its keys (oldest first), rotation instants, and an optional did:web."""

    keys: list[SigningKey]
    did_web: str | None = None
    url: str = URL
    name: str = NAME
    rotations: list[datetime] = field(default_factory=list)

    @classmethod
    def make(cls, n_keys: int = 1, did_web: str | None = None, url: str = URL) -> Issuer:
        keys = [SigningKey.generate() for _ in range(n_keys)]
        rotations = [START + timedelta(days=100 * (i + 1)) for i in range(n_keys - 1)]
        return cls(keys=keys, did_web=did_web, url=url, rotations=rotations)

    def rotate(self) -> None:
        self.keys.append(SigningKey.generate())
        last = self.rotations[-1] if self.rotations else START
        self.rotations.append(last + timedelta(days=10))

    def vm(self, i: int) -> str:
        public = self.keys[i].public_key
        if self.did_web:
            return f"{self.did_web}#key-{i + 1}"
        return public.did_key_verification_method

    def controller(self, i: int) -> str:
        return self.did_web or self.keys[i].public_key.did_key

    @property
    def issuer_id(self) -> str:
        return self.controller(len(self.keys) - 1)

    def period(self, i: int) -> tuple[datetime, datetime | None]:
        starts = [START, *self.rotations]
        return starts[i], (self.rotations[i] if i < len(self.rotations) else None)

    def history(self) -> dict[str, Any]:
        keys = []
        for i, key in enumerate(self.keys):
            start, end = self.period(i)
            keys.append(
                {
                    "id": self.vm(i),
                    "controller": self.controller(i),
                    "publicKeyMultibase": key.public_key.multikey,
                    "validFrom": xsd(start),
                    "validUntil": xsd(end),
                }
            )
        return {
            "type": "LeadbadgeKeyHistory",
            "version": 1,
            "issuer": self.issuer_id,
            "name": self.name,
            "url": self.url,
            "didWeb": self.did_web,
            "keys": keys,
            "achievements": {t: f"{self.url}/achievements/{t}.json" for t in TIERS},
        }

    def did_document(self) -> dict[str, Any]:
        assert self.did_web
        return did_web_document(
            self.did_web, [(f"key-{i + 1}", k.public_key) for i, k in enumerate(self.keys)]
        )

    def did_path(self, root: Path) -> Path:
        assert self.did_web
        segments = self.did_web.split(":")[3:]
        return root.joinpath(*segments, "did.json") if segments else root / ".well-known/did.json"

    def publish(self, root: Path) -> Path:
        """Write the published folder under ``root``; returns the keys.json path."""
        site = root.joinpath(*[p for p in self.url.split("/", 3)[3].split("/") if p])
        write_json(site / "keys.json", self.history())
        write_json(site / "issuer.json", {"id": self.issuer_id, "name": self.name})
        for tier in TIERS:
            write_json(site / "achievements" / f"{tier}.json", {"id": tier})
        if self.did_web:
            write_json(self.did_path(root), self.did_document())
        return site / "keys.json"


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path
