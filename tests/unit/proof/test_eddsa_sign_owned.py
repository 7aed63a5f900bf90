"""sign_owned: the signature sign gives, added to the document handed over instead of a copy."""

from __future__ import annotations

import copy

import pytest

from leadbadge.errors import InputError
from leadbadge.proof import _common, eddsa_rdfc_2022
from leadbadge.proof.eddsa_rdfc_2022 import sign, sign_owned, verify
from tests.unit.proof.test_eddsa_rdfc_2022 import (
    CREATED,
    FRAGMENT_VM,
    ISSUER_KEY,
    OTHER_KEY,
    credential,
)


def test_the_document_handed_over_becomes_the_signed_one_as_sign_would_make_it() -> None:
    document = credential()
    achievement = document["credentialSubject"]["achievement"]
    expected = sign(credential(), ISSUER_KEY, verification_method=FRAGMENT_VM, created=CREATED)
    signed = sign_owned(document, ISSUER_KEY, verification_method=FRAGMENT_VM, created=CREATED)
    assert signed is document
    assert signed["credentialSubject"]["achievement"] is achievement
    assert signed == expected
    assert verify(signed).verification_method == FRAGMENT_VM


def test_no_part_of_the_document_is_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[int] = []
    real = _common.copy_json

    def counting(value: object) -> object:
        copied.append(id(value))
        return real(value)

    monkeypatch.setattr(eddsa_rdfc_2022, "copy_json", counting)
    for signer in (sign_owned, sign):
        copied.clear()
        document = credential()
        signer(document, ISSUER_KEY, verification_method=FRAGMENT_VM, created=CREATED)
        # Only the small proof configuration is copied by the one that takes the document.
        assert (id(document["credentialSubject"]) in copied) is (signer is sign)


def test_an_existing_proof_makes_a_proof_set_as_with_sign() -> None:
    first = sign(credential(), ISSUER_KEY, verification_method=FRAGMENT_VM, created=CREATED)
    expected = sign(first, ISSUER_KEY, verification_method=FRAGMENT_VM, created=CREATED)
    again = sign_owned(
        copy.deepcopy(first), ISSUER_KEY, verification_method=FRAGMENT_VM, created=CREATED
    )
    assert again == expected
    assert len(again["proof"]) == 2


@pytest.mark.parametrize(
    ("document", "key", "method", "field"),
    [
        (list(credential().items()), ISSUER_KEY, FRAGMENT_VM, "document"),
        (credential(), b"not a key", FRAGMENT_VM, "key"),
        (credential(), ISSUER_KEY, "", "verification_method"),
        (credential(), OTHER_KEY, FRAGMENT_VM, "verification_method"),
    ],
)
def test_bad_inputs_are_refused_as_sign_refuses_them(
    document: object, key: object, method: str, field: str
) -> None:
    with pytest.raises(InputError) as refused:
        sign_owned(document, key, verification_method=method, created=CREATED)  # type: ignore[arg-type]
    assert refused.value.field == field
