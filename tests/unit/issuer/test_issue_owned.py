"""Issued credentials are signed without a copy, so each must own every container it holds:
none shared with another credential, the cached Achievement or anything the issuer keeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.issuer.issue import Issuer, IssueRequest
from leadbadge.proof import _common, eddsa_rdfc_2022
from leadbadge.proof.eddsa_rdfc_2022 import verify
from tests.conftest import FIXED_NOW
from tests.unit.issuer.test_issue import ANA, _evidence, _issue, _issuer


def _containers(value: Any) -> Iterator[int]:
    if isinstance(value, dict | list):
        yield id(value)
        for item in value.values() if isinstance(value, dict) else value:
            yield from _containers(item)


def _kept(issuer: Issuer) -> set[int]:
    """The containers the issuer's own objects hold (profile, framework, cached builds)."""
    seen: set[int] = set()
    todo: list[Any] = [issuer.home.profile, issuer.framework]
    while todo:
        value = todo.pop()
        if id(value) in seen or isinstance(value, str | int | float | bytes | type(None)):
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            todo += [*value.keys(), *value.values()]
        elif isinstance(value, list | tuple | set | frozenset):
            todo += list(value)
        elif hasattr(value, "__dict__") or hasattr(value, "__slots__"):
            todo += [getattr(value, n) for n in getattr(value, "__dataclass_fields__", {})]
    return seen


@pytest.fixture
def issuer(tmp_path: Path) -> Issuer:
    return _issuer(tmp_path / "home", did_web=None)


def test_issued_credentials_share_no_container(issuer: Issuer) -> None:
    first, second = _issue(issuer).document, _issue(issuer).document
    held = [set(_containers(first)), set(_containers(second))]
    assert not held[0] & held[1]
    assert not (held[0] | held[1]) & _kept(issuer)


def test_a_batch_group_shares_no_container(issuer: Issuer) -> None:
    tier = issuer.framework.tier("initial")
    requests = [
        IssueRequest(tier="initial", recipient=ANA, evidence=_evidence(tier), batch_key=f"r{n}")
        for n in range(3)
    ]
    now = FIXED_NOW + timedelta(hours=1)
    documents = [
        signed.document
        for group in issuer._issue_groups(requests, now=now)
        for _, signed in group
        if signed is not None
    ]
    assert len(documents) == 3
    held = [set(_containers(d)) for d in documents]
    assert sum(map(len, held)) == len(set().union(*held))
    assert not set().union(*held) & _kept(issuer)


def test_changing_an_issued_credential_changes_no_later_one(issuer: Issuer) -> None:
    first = _issue(issuer).document
    expected = _issue(issuer).document["credentialSubject"]["achievement"]
    for container in [first, first["credentialSubject"], first["credentialSubject"]["achievement"]]:
        container.clear()
    later = _issue(issuer).document
    assert later["credentialSubject"]["achievement"] == expected
    verify(later)  # did:key: resolved offline


def test_the_issuer_signs_without_copying_the_document(
    issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[object] = []
    real = _common.copy_json

    def counting(value: object) -> object:
        copied.append(value)
        return real(value)

    monkeypatch.setattr(eddsa_rdfc_2022, "copy_json", counting)
    document = _issue(issuer).document
    assert not [v for v in copied if isinstance(v, dict) and "achievement" in v]
    assert document["credentialSubject"]["achievement"]["type"] == ["Achievement"]
