"""A full verification expands the credential once: the JSON-LD check's quads are the ones the
proof check hashes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from leadbadge.errors import SignatureError
from leadbadge.ld import compiled
from leadbadge.ld.canonical import strict_quads
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.verifier.report import Verdict
from leadbadge.verifier.verify import Verifier
from tests.unit._issued import LATER, World, make_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("once"), did_web=None)


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every document the fast path walks, in order."""
    seen: list[dict[str, Any]] = []
    original = compiled._Walk.top

    def top(self: compiled._Walk, doc: dict[str, Any]) -> None:
        seen.append(doc)
        original(self, doc)

    monkeypatch.setattr(compiled._Walk, "top", top)
    return seen


def test_a_full_verification_expands_the_credential_once(
    world: World, walks: list[dict[str, Any]]
) -> None:
    credential = world.issue()
    world.fresh_lists(LATER)
    walks.clear()
    report = Verifier(world.trust).verify(credential, now=LATER)
    assert report.verdict is Verdict.VALID, report
    mine = [doc for doc in walks if doc.get("id") == credential["id"]]
    assert len(mine) == 1
    assert "proof" in mine[0]


def test_the_proof_hashes_the_quads_it_is_given(world: World) -> None:
    credential = world.issue()
    unsecured = strict_quads(credential).unsecured
    assert unsecured is not None
    verified = eddsa_rdfc_2022.verify(credential, unsecured_quads=unsecured)
    assert verified.controller
    other = copy.deepcopy(credential)
    other["name"] = "Another name"
    wrong = strict_quads(other).unsecured
    assert wrong is not None
    with pytest.raises(SignatureError):
        eddsa_rdfc_2022.verify(credential, unsecured_quads=wrong)
