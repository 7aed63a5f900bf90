"""Related-resource digests: form (SRI, multibase) and the digest VC 2.0 gives for its context."""

from __future__ import annotations

import base64
import hashlib

import pytest

from leadbadge.conformance.digests import KNOWN_DIGESTS, digest_problems
from leadbadge.crypto.multibase import encode_base58btc, encode_base64url
from tests.unit.conformance._documents import errors_of, vc_credential

BASE = "https://www.w3.org/ns/credentials/v2"
BASE_SHA256 = KNOWN_DIGESTS[BASE]["sha256"]
OTHER = "https://r.example/syllabus.pdf"


def _sri(algorithm: str, digest: bytes) -> str:
    return f"{algorithm}-{base64.b64encode(digest).decode()}"


def test_the_base_context_digest_is_the_one_vc_2_0_states() -> None:
    # VC 2.0 §B.1 gives it in hexadecimal; a typo here would refuse every honest issuer.
    assert BASE_SHA256.hex() == ("24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9")


@pytest.mark.parametrize(
    ("sri", "multibase"),
    [
        (_sri("sha256", BASE_SHA256), None),
        (None, encode_base64url(BASE_SHA256)),
        (None, encode_base58btc(BASE_SHA256)),
        # A multihash header (sha2-256, 32 bytes) before the digest.
        (None, encode_base64url(b"\x12\x20" + BASE_SHA256)),
        # A sha384 digest of the base context cannot be computed offline: form only.
        (_sri("sha384", hashlib.sha384(b"x").digest()), None),
        (f"{_sri('sha256', BASE_SHA256)} {_sri('sha512', bytes(64))}?ct=application/ld+json", None),
    ],
)
def test_right_digests_of_the_base_context_are_accepted(
    sri: str | None, multibase: str | None
) -> None:
    assert digest_problems(BASE, sri, multibase) == []


@pytest.mark.parametrize(
    ("sri", "multibase"),
    [
        (_sri("sha256", bytes(32)), None),
        (None, encode_base64url(bytes(32))),
        (None, encode_base58btc(b"\x12\x20" + bytes(32))),
        (f"{_sri('sha384', bytes(48))} {_sri('sha256', bytes(32))}", None),
    ],
)
def test_a_wrong_digest_of_the_base_context_is_an_error(
    sri: str | None, multibase: str | None
) -> None:
    (problem,) = digest_problems(BASE, sri, multibase)
    assert "does not match https://www.w3.org/ns/credentials/v2" in problem


def test_any_well_formed_digest_of_a_resource_not_known_offline_is_accepted() -> None:
    assert digest_problems(OTHER, _sri("sha256", bytes(32)), encode_base64url(bytes(48))) == []
    assert digest_problems(OTHER, None, [encode_base64url(bytes(32)), "z" + "1" * 20]) == []


@pytest.mark.parametrize(
    ("sri", "multibase", "said"),
    [
        # base64url characters where SRI requires standard base64.
        (
            "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P",
            None,
            "not a Subresource Integrity hash expression",
        ),
        ("md5-" + base64.b64encode(bytes(16)).decode(), None, "not a Subresource Integrity"),
        ("sha256-" + base64.b64encode(bytes(31)).decode(), None, "holds 31 bytes"),
        ("sha256-AAA", None, "not valid base64"),
        ("   ", None, "digestSRI is empty"),
        (42, None, "digestSRI must be a string"),
        (None, "m" + base64.b64encode(bytes(32)).decode(), "not multibase base64url"),
        (None, "u" + "+" * 43, "not valid base64url"),
        (None, "z0OIl", "does not decode"),
        (None, "u", "not valid base64url"),
        (None, ["u" + "A" * 43, 7], "a string or a list of strings"),
        (None, "z" + "2" * 300, "characters long"),
    ],
)
def test_malformed_digests_are_errors(sri: object, multibase: object, said: str) -> None:
    problems = digest_problems(OTHER, sri, multibase)
    assert len(problems) == 1
    assert said in problems[0]


def test_the_data_model_check_reports_a_wrong_digest_at_its_entry() -> None:
    doc = vc_credential()
    doc["relatedResource"] = [
        {"id": OTHER, "digestSRI": _sri("sha256", bytes(32))},
        {"id": BASE, "digestMultibase": encode_base64url(bytes(32))},
    ]
    (error,) = errors_of(doc)
    assert error.path == "/relatedResource/1"
    assert "does not match" in error.message
    doc["relatedResource"][1]["digestMultibase"] = encode_base64url(BASE_SHA256)
    assert errors_of(doc) == []
