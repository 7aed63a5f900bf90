"""Property-based fuzzing of presentation verification (hypothesis, fixed seed, bounded).

The two properties of ``test_hostile_inputs.py``, for a verifiable presentation signed by its
holder around a credential from a pinned issuer:

1. no exception escapes ``Verifier.verify_presentation`` but the documented one
   (:class:`~leadbadge.errors.CredentialDocumentError`);
2. no change to what the holder signed verifies as valid: an edit anywhere in the JSON (the
   presentation, the credential inside, either proof) ends in a verdict other than valid,
   unless it only re-spells the same JSON-LD (the canonical N-Quads the holder signed are
   unchanged).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from leadbadge import CredentialDocumentError, SigningKey, Verdict, Verifier, sign_presentation
from leadbadge.ld.canonical import canonicalize
from tests.fuzz.test_hostile_inputs import (
    _EDITS,
    _JSON,
    _KEYS,
    Path_,
    _add_member,
    _deep,
    _delete,
    _fuzz,
    _mutate,
    _paths,
    _replace,
    _snapshot,
    _wrap,
)
from tests.unit._issued import ISSUED, LATER, World, make_world

EXAMPLES = 80
BYTES_EXAMPLES = 40
CHALLENGE = "0e6f1d2c-3b4a-4596-8a7b-6c5d4e3f2a1b"
# TEST-ONLY holder key.
HOLDER = SigningKey.from_seed(bytes(range(7, 39)))


@dataclass(frozen=True)
class Presented:
    world: World
    document: dict[str, Any]
    paths: tuple[Path_, ...]

    def verify(self, data: bytes | dict[str, Any]) -> Verdict | None:
        """The verdict, or None when the input held no readable presentation."""
        try:
            report = Verifier(self.world.trust).verify_presentation(
                data, challenge=CHALLENGE, now=LATER
            )
        except CredentialDocumentError:
            return None
        return report.verdict


@pytest.fixture(scope="module")
def presented(tmp_path_factory: pytest.TempPathFactory) -> Presented:
    world = make_world(tmp_path_factory.mktemp("fuzz-vp"), did_web=None)
    credential = world.issue()
    world.fresh_lists(LATER)
    document = sign_presentation([credential], HOLDER, challenge=CHALLENGE, created=ISSUED)
    built = Presented(world, document, tuple(_paths(document)[1:]))
    assert built.verify(document) is Verdict.VALID
    return built


def _holder_signed(document: dict[str, Any]) -> str:
    return canonicalize({k: v for k, v in document.items() if k != "proof"})


@_fuzz(EXAMPLES)
@given(data=st.data())
def test_no_edit_of_a_signed_presentation_verifies_as_valid(
    presented: Presented, data: st.DataObject
) -> None:
    doc = copy.deepcopy(presented.document)
    path = data.draw(st.sampled_from(presented.paths), label="path")
    edit = data.draw(st.sampled_from(_EDITS), label="edit")
    if edit == "replace":
        _replace(doc, path, data.draw(_JSON, label="value"))
    elif edit == "delete":
        _delete(doc, path)
    elif edit == "add":
        _add_member(doc, path, data.draw(_KEYS, label="key"), data.draw(_JSON, label="value"))
    elif edit == "deep":
        _replace(doc, path, _deep(data.draw(st.sampled_from([70, 1_000, 5_000]), label="depth")))
    else:
        _wrap(doc, path, edit.removeprefix("wrap-"))
    assume(edit == "deep" or _snapshot(doc) != _snapshot(presented.document))
    if presented.verify(doc) is Verdict.VALID:
        assert _holder_signed(doc) == _holder_signed(presented.document), (edit, path)


@_fuzz(BYTES_EXAMPLES)
@given(data=st.data())
def test_hostile_presentation_bytes_end_in_a_report_or_the_documented_error(
    presented: Presented, data: st.DataObject
) -> None:
    raw = json.dumps(presented.document).encode()
    mutated = _mutate(raw, data.draw)
    assume(mutated != raw)
    verdict = presented.verify(mutated)
    assert verdict is not Verdict.VALID or _holder_signed(json.loads(mutated)) == _holder_signed(
        presented.document
    )
