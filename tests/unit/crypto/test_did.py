"""DIDs: did:key resolution, did:web URL mapping, did:web documents and DID document parsing."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import pytest

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.did import (
    DidDocument,
    did_web_document,
    did_web_to_url,
    parse_did_document,
    resolve_did_key,
    url_to_did_web,
)
from leadbadge.crypto.keys import SigningKey, VerifyingKey
from leadbadge.errors import DIDError
from tests.conftest import interop_path

# did:key Method v0.7, §3.1 example.
SPEC_DID_KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
SPEC_MULTIKEY = SPEC_DID_KEY[len("did:key:") :]
# Controlled Identifiers v1.0 examples (Multikey and an Ed25519 JsonWebKey).
CID_MULTIKEY = "z6MkmM42vxfqZQsv4ehtTjFFxQ4sQKS2w6WR7emozFAn5cxu"
#: Another Ed25519 public key.
OTHER_MULTIKEY = SigningKey.generate().public_key.multikey
CID_JWK = {
    "crv": "Ed25519",
    "x": "VCpo2LMLhn6iWku8MKvSLg2ZAoC-nlOyPVQaO3FxVeQ",
    "kty": "OKP",
    "kid": "_Qq0UL2Fq651Q0Fjd6TvnYE-faHiOpRlPVQcY_-tA4A",
}
DID = "did:web:example.org:issuers:rcoe"


def _mk(payload: bytes) -> str:
    return _multibase.encode_base58btc(payload)


def _vm(fragment: str, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": f"{DID}#{fragment}",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": CID_MULTIKEY,
    }
    entry.update(extra)
    return {k: v for k, v in entry.items() if v is not None}


def _doc(*methods: dict[str, Any], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": list(methods),
        "assertionMethod": [m["id"] for m in methods if "id" in m],
    }
    doc.update(extra)
    return doc


# --- did:key -----------------------------------------------------------------------------------


def test_resolve_did_key_spec_example() -> None:
    doc = resolve_did_key(SPEC_DID_KEY)
    vm_id = f"{SPEC_DID_KEY}#{SPEC_MULTIKEY}"
    assert doc.id == SPEC_DID_KEY
    assert doc.assertion_method == (vm_id,)
    assert doc.authentication == (vm_id,)
    (vm,) = doc.verification_methods
    assert (vm.id, vm.type, vm.controller) == (vm_id, "Multikey", SPEC_DID_KEY)
    assert vm.public_key.multikey == SPEC_MULTIKEY
    assert doc.assertion_key(vm_id) is vm
    assert doc.to_json() == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": SPEC_DID_KEY,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": SPEC_DID_KEY,
                "publicKeyMultibase": SPEC_MULTIKEY,
            }
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
    }


def test_resolve_did_key_of_the_w3c_vector_key() -> None:
    pair = json.loads(interop_path("vc-di-eddsa", "TestVectors", "keyPair.json").read_text())
    public = SigningKey.from_multibase(pair["privateKeyMultibase"]).public_key
    doc = resolve_did_key(public.did_key)
    vm = doc.assertion_key(public.did_key_verification_method)
    assert vm is not None
    assert vm.public_key == public
    assert vm.public_key.multikey == pair["publicKeyMultibase"]


def test_resolve_did_key_accepts_its_own_verification_method_url() -> None:
    public = SigningKey.generate().public_key
    doc = resolve_did_key(public.did_key_verification_method)
    assert doc.id == public.did_key
    assert doc.verification_methods[0].id == public.did_key_verification_method


def test_resolve_did_key_refuses_a_foreign_fragment() -> None:
    public = SigningKey.generate().public_key
    other = SigningKey.generate().public_key
    with pytest.raises(DIDError, match="fragment") as info:
        resolve_did_key(f"{public.did_key}#{other.multikey}")
    assert info.value.did == f"{public.did_key}#{other.multikey}"
    with pytest.raises(DIDError, match="fragment"):
        resolve_did_key(f"{public.did_key}#key-1")


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        ("did:key:" + _mk(b"\xec\x01" + os.urandom(32)), "x25519-pub"),
        ("did:key:" + _mk(b"\xe7\x01\x02" + os.urandom(32)), "secp256k1-pub"),
        ("did:key:" + _mk(b"\x80\x24\x03" + os.urandom(32)), "p256-pub"),
        ("did:key:" + _mk(b"\xed\x01" + bytes(33)), "not 35"),
        ("did:key:" + _mk(b"\xed\x01" + os.urandom(31)), "malformed: .* not 33"),
        ("did:key:", "base58btc multibase"),
        ("did:key:6Mk" + SPEC_MULTIKEY[4:], "base58btc multibase"),
        ("did:key:1:" + SPEC_MULTIKEY, "Versioned"),
        ("did:key:" + SPEC_MULTIKEY + "/path", "base58btc multibase"),
        ("did:key:" + SPEC_MULTIKEY + "?service=x", "base58btc multibase"),
        ("did:key:z0" + SPEC_MULTIKEY[2:], "base58btc"),
        ("did:web:example.com", "not a did:key"),
        ("DID:KEY:" + SPEC_MULTIKEY, "not a did:key"),
    ],
)
def test_resolve_did_key_rejects(did: str, reason: str) -> None:
    with pytest.raises(DIDError, match=reason):
        resolve_did_key(did)


def test_did_key_holding_a_secret_key_is_refused_without_echo() -> None:
    seed = os.urandom(32)
    did = "did:key:" + _mk(b"\x80\x26" + seed)
    with pytest.raises(DIDError, match="secret key") as info:
        resolve_did_key(did)
    assert info.value.did is None
    assert did not in str(info.value)
    assert seed.hex() not in str(info.value)


# --- did:web URL mapping -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "url"),
    [
        # did:web §2.5.1 / §2.5.2 examples.
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com:u:bob", "https://example.com/u/bob/did.json"),
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        ("did:web:localhost%3a8443", "https://localhost:8443/.well-known/did.json"),
        ("did:web:example.org:issuers:rcoe", "https://example.org/issuers/rcoe/did.json"),
        ("did:web:Example.ORG:Issuers", "https://example.org/Issuers/did.json"),
        ("did:web:example.org#key-1", "https://example.org/.well-known/did.json"),
        ("did:web:example.org:a%20b", "https://example.org/a%20b/did.json"),
        ("did:web:xn--bcher-kva.example", "https://xn--bcher-kva.example/.well-known/did.json"),
        ("did:web:sub.example.co.uk:x_y.z-1", "https://sub.example.co.uk/x_y.z-1/did.json"),
    ],
)
def test_did_web_to_url(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        ("did:web:", "no empty"),
        ("did:web:example.com:", "no empty"),
        ("did:web:example.com::alice", "no empty"),
        ("did:web::example.com", "no empty"),
        ("did:web:example.com:..", r"'\.\.'"),
        ("did:web:example.com:.", r"'\.'"),
        ("did:web:example.com:%2e%2E", "refused"),
        ("did:web:example.com:a%2Fb", "refused"),
        ("did:web:example.com:a%5Cb", "refused"),
        ("did:web:example.com:a%00b", "refused"),
        ("did:web:example.com/user/alice", "no '/'"),
        ("did:web:example.com?versionId=1", "no '/' or '\\?'"),
        ("did:web:user@example.com", "only letters"),
        ("did:web:user%40example.com", "only the port colon"),
        ("did:web:127.0.0.1", "IP address"),
        ("did:web:127.1", "IP address"),
        ("did:web:[::1]", "only letters"),
        ("did:web:%5B%3A%3A1%5D", "only the port colon"),
        ("did:web:example.com%3A", "port"),
        ("did:web:example.com%3A0", "port"),
        ("did:web:example.com%3A65536", "port"),
        ("did:web:example.com%3A080", "port"),
        ("did:web:example.com%3A80%3A81", "port"),
        ("did:web:-example.com", "domain name"),
        ("did:web:example..com", "domain name"),
        ("did:web:" + "a" * 64 + ".com", "domain name"),
        ("did:web:b%C3%BCcher.example", "only the port colon"),
        ("did:WEB:example.com", "not a did:web"),
        ("did:key:" + SPEC_MULTIKEY, "not a did:web"),
        ("https://example.com", "not a did:web"),
    ],
)
def test_did_web_to_url_rejects(did: str, reason: str) -> None:
    with pytest.raises(DIDError, match=reason):
        did_web_to_url(did)


@pytest.mark.parametrize(
    ("given", "did"),
    [
        ("https://example.org/issuers/rcoe", "did:web:example.org:issuers:rcoe"),
        ("https://example.org/issuers/rcoe/", "did:web:example.org:issuers:rcoe"),
        ("https://example.org/issuers/rcoe/did.json", "did:web:example.org:issuers:rcoe"),
        ("https://example.org", "did:web:example.org"),
        ("https://Example.ORG/", "did:web:example.org"),
        ("https://example.org/.well-known/did.json", "did:web:example.org"),
        ("https://localhost:8443", "did:web:localhost%3A8443"),
        ("https://localhost:8443/a/b/did.json", "did:web:localhost%3A8443:a:b"),
        ("https://example.org:443/x", "did:web:example.org:x"),
        ("https://example.org/~alice", "did:web:example.org:%7Ealice"),
        ("https://example.org/a%20b", "did:web:example.org:a%20b"),
        ("https://example.org/a:b", "did:web:example.org:a%3Ab"),
        ("example.org", "did:web:example.org"),
        ("Example.org:issuers:rcoe", "did:web:example.org:issuers:rcoe"),
        ("example.org%3a8443:issuers", "did:web:example.org%3A8443:issuers"),
        ("example.org/issuers/rcoe", "did:web:example.org:issuers:rcoe"),
        ("  example.org  ", "did:web:example.org"),
        ("did:web:example.org:issuers:rcoe", "did:web:example.org:issuers:rcoe"),
    ],
)
def test_url_to_did_web(given: str, did: str) -> None:
    assert url_to_did_web(given) == did
    url = did_web_to_url(did)
    assert url_to_did_web(url) == did


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("example.org:8443", "ambiguous"),
        ("http://example.org", "HTTPS only"),
        ("ftp://example.org", "HTTPS only"),
        ("https://user:pw@example.org", "user name"),
        ("https://example.org/?x=1", "query"),
        ("https://example.org/#k", "query or fragment"),
        ("https://example.org/a//b", "empty segment"),
        ("https://example.org/../x", "refused"),
        ("https://example.org/a%2Fb", "refused"),
        ("https://192.168.1.10/", "IP address"),
        ("https://[2001:db8::1]/", "IP address"),
        ("https://bücher.example/", "xn--"),
        ("https://example.org:99999/", "invalid port"),
        ("did:web:example.org#key-1", "without a '#fragment'"),
        ("did:web:example.org:", "no empty"),
        ("", "domain"),
        ("example.org::x", "no empty"),
    ],
)
def test_url_to_did_web_rejects(given: str, reason: str) -> None:
    with pytest.raises(DIDError, match=reason):
        url_to_did_web(given)


# --- did:web documents -------------------------------------------------------------------------


def test_did_web_document_shape() -> None:
    a = SigningKey.generate().public_key
    b = SigningKey.generate().public_key
    doc = did_web_document(DID, [("key-1", a), (b.multikey, b)])
    assert doc == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": f"{DID}#key-1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": a.multikey,
            },
            {
                "id": f"{DID}#{b.multikey}",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": b.multikey,
            },
        ],
        "assertionMethod": [f"{DID}#key-1", f"{DID}#{b.multikey}"],
    }
    assert json.loads(json.dumps(doc)) == doc


def test_did_web_document_round_trip() -> None:
    keys = [SigningKey.generate().public_key for _ in range(3)]
    doc = did_web_document(DID, [(k.multikey, k) for k in keys])
    parsed = parse_did_document(doc, expected_did=DID)
    assert parsed.ignored_methods == ()
    assert parsed.authentication == ()
    for key in keys:
        vm = parsed.assertion_key(f"{DID}#{key.multikey}")
        assert vm is not None
        assert vm.public_key == key
        assert vm.controller == DID
        assert parsed.assertion_key(f"#{key.multikey}") is vm
    assert parsed.to_json() == doc


@pytest.mark.parametrize(
    ("did", "pairs", "reason"),
    [
        ("did:key:" + SPEC_MULTIKEY, "one", "not a did:web"),
        (DID + "#x", "one", "without a '#fragment'"),
        (DID, "none", "at least one"),
        (DID, "hash", "no leading '#'"),
        (DID, "slash", "only letters"),
        (DID, "empty", "non-empty"),
        (DID, "same-fragment", "used twice"),
        (DID, "same-key", "listed twice"),
    ],
)
def test_did_web_document_rejects(did: str, pairs: str, reason: str) -> None:
    a = SigningKey.generate().public_key
    b = SigningKey.generate().public_key
    choices: dict[str, list[tuple[str, VerifyingKey]]] = {
        "one": [("key-1", a)],
        "none": [],
        "hash": [("#key-1", a)],
        "slash": [("a/b", a)],
        "empty": [("", a)],
        "same-fragment": [("key-1", a), ("key-1", b)],
        "same-key": [("key-1", a), ("key-2", a)],
    }
    with pytest.raises(DIDError, match=reason):
        did_web_document(did, choices[pairs])


# --- parsing DID documents ---------------------------------------------------------------------


def test_parse_the_did_web_spec_example() -> None:
    # did:web Method Specification, "Example did:web DID Resolution Document using JWS2020".
    doc = {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": "did:web:example.com",
        "verificationMethod": [
            {
                "id": "did:web:example.com#key-0",
                "type": "JsonWebKey2020",
                "controller": "did:web:example.com",
                "publicKeyJwk": {
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": "0-e2i2_Ua1S5HbTYnVB0lj2Z2ytXu2-tYmDFf8f5NjU",
                },
            },
            {
                "id": "did:web:example.com#key-1",
                "type": "JsonWebKey2020",
                "controller": "did:web:example.com",
                "publicKeyJwk": {
                    "kty": "OKP",
                    "crv": "X25519",
                    "x": "9GXjPGGvmRq9F6Ng5dQQ_s31mfhxrcNZxRGONrmH30k",
                },
            },
            {
                "id": "did:web:example.com#key-2",
                "type": "JsonWebKey2020",
                "controller": "did:web:example.com",
                "publicKeyJwk": {
                    "kty": "EC",
                    "crv": "P-256",
                    "x": "38M1FDts7Oea7urmseiugGW7tWc3mLpJh6rKe7xINZ8",
                    "y": "nDQW6XZ7b_u2Sy9slofYLlG03sOEoug3I0aAPQ0exs4",
                },
            },
        ],
        "authentication": ["did:web:example.com#key-0", "did:web:example.com#key-2"],
        "assertionMethod": ["did:web:example.com#key-0", "did:web:example.com#key-2"],
        "keyAgreement": ["did:web:example.com#key-1", "did:web:example.com#key-2"],
    }
    parsed = parse_did_document(doc, expected_did="did:web:example.com")
    assert [vm.id for vm in parsed.verification_methods] == ["did:web:example.com#key-0"]
    vm = parsed.assertion_key("did:web:example.com#key-0")
    assert vm is not None
    assert vm.type == "JsonWebKey2020"
    assert vm.public_key.to_jwk()["x"] == "0-e2i2_Ua1S5HbTYnVB0lj2Z2ytXu2-tYmDFf8f5NjU"
    assert parsed.assertion_key("did:web:example.com#key-2") is None
    assert parsed.verification_method("did:web:example.com#key-1") is None
    ignored = dict(parsed.ignored_methods)
    assert "X25519" in ignored["did:web:example.com#key-1"]
    assert "P-256" in ignored["did:web:example.com#key-2"]
    assert parsed.to_json()["verificationMethod"][0]["publicKeyJwk"]["crv"] == "Ed25519"


def test_parse_relative_ids_embedded_methods_and_every_supported_type() -> None:
    jwk_key = VerifyingKey.from_jwk(CID_JWK)
    ed2020 = SigningKey.generate().public_key
    doc = {
        "id": DID,
        "verificationMethod": [
            {"id": "#keys-1", "type": "Multikey", "controller": DID,
             "publicKeyMultibase": CID_MULTIKEY},
            {"id": "#keys-4", "type": "Ed25519VerificationKey2020", "controller": DID,
             "publicKeyMultibase": ed2020.multikey},
        ],
        "authentication": [
            "#keys-1",
            {"id": f"{DID}#keys-2", "type": "JsonWebKey", "controller": DID,
             "publicKeyJwk": CID_JWK},
        ],
        "assertionMethod": [
            "#keys-1",
            "#keys-4",
            {"id": "#keys-3", "type": "JsonWebKey2020", "controller": DID,
             "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": CID_JWK["x"]}},
            "https://external.example/xyz#key-789",
        ],
    }  # fmt: skip
    parsed = parse_did_document(doc)
    assert parsed.assertion_method == (
        f"{DID}#keys-1",
        f"{DID}#keys-4",
        f"{DID}#keys-3",
        "https://external.example/xyz#key-789",
    )
    assert parsed.authentication == (f"{DID}#keys-1", f"{DID}#keys-2")
    keys_1 = parsed.assertion_key("#keys-1")
    assert keys_1 is not None
    assert keys_1.public_key.multikey == CID_MULTIKEY
    keys_4 = parsed.assertion_key(f"{DID}#keys-4")
    assert keys_4 is not None
    assert keys_4.public_key == ed2020
    keys_3 = parsed.assertion_key("#keys-3")
    assert keys_3 is not None
    assert keys_3.public_key == jwk_key
    # Embedded under authentication only: a real key, but not one that may sign credentials.
    keys_2 = parsed.verification_method("#keys-2")
    assert keys_2 is not None
    assert keys_2.public_key == jwk_key
    assert parsed.assertion_key("#keys-2") is None
    assert parsed.assertion_key("https://external.example/xyz#key-789") is None


def test_parse_keeps_expiry_and_revocation() -> None:
    doc = _doc(_vm("k", expires="2027-01-01T00:00:00Z", revoked="2026-06-01T12:00:00+00:00"))
    (vm,) = parse_did_document(doc).verification_methods
    assert vm.expires == datetime(2027, 1, 1, tzinfo=UTC)
    assert vm.revoked == datetime(2026, 6, 1, 12, tzinfo=UTC)
    out = vm.to_json()
    assert out["expires"] == "2027-01-01T00:00:00Z"
    assert out["revoked"] == "2026-06-01T12:00:00Z"


@pytest.mark.parametrize(
    ("method", "reason"),
    [
        (_vm("k", type="EcdsaSecp256k1RecoveryMethod2020", publicKeyMultibase=None,
             blockchainAccountId="eip155:1:0x89a932207c485f85226d86f7cd486a89a24fcc12"),
         "not supported"),
        (_vm("k", type="Ed25519VerificationKey2018", publicKeyMultibase=None,
             publicKeyBase58="H3C2AVvLMv6gmMNam3uVAjZpfkcJCwDwnZn6z3wXmqPV"), "not supported"),
        (_vm("k", publicKeyMultibase=_mk(b"\x80\x24\x03" + bytes(32))), "p256-pub"),
        (_vm("k", publicKeyMultibase=_mk(b"\xec\x01" + bytes(32))), "x25519-pub"),
        (_vm("k", controller="did:web:attacker.example"), "controlled by"),
        (_vm("k", id="did:web:other.example#k"), "not within this DID document"),
    ],
)  # fmt: skip
def test_parse_ignores_other_key_types_and_unbound_methods(
    method: dict[str, Any], reason: str
) -> None:
    parsed = parse_did_document(_doc(method))
    assert parsed.verification_methods == ()
    ((vm_id, why),) = parsed.ignored_methods
    assert vm_id == method["id"]
    assert reason in why
    assert parsed.assertion_key(method["id"]) is None


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ([], "JSON object"),
        ({"verificationMethod": []}, "not a DID"),
        ({"id": "https://example.org/issuer"}, "not a DID"),
        ({"id": "did:web:example.org:"}, "not a DID"),
        (_doc(_vm("k", controller=None)), "controller"),
        (_doc(_vm("k", controller="")), "controller"),
        (_doc(_vm("k", type=None)), "type"),
        (_doc(_vm("k", id=None)), "id"),
        (_doc(_vm("k", id="key-1")), "neither an absolute URL"),
        (_doc(_vm("k", id="#")), "fragment"),
        (_doc(_vm("k"), _vm("k", publicKeyMultibase=OTHER_MULTIKEY)), "twice, with different"),
        (_doc(_vm("k"), _vm("k", revoked="2026-01-01T00:00:00Z")), "twice, with different"),
        (_doc(_vm("k", publicKeyJwk=CID_JWK)), "both publicKeyMultibase and publicKeyJwk"),
        (_doc(_vm("k", publicKeyMultibase=None)), "no publicKeyMultibase"),
        (_doc(_vm("k", publicKeyMultibase=_mk(b"\xed\x01" + os.urandom(31)))), "not 33"),
        (_doc(_vm("k", publicKeyMultibase="u" + CID_MULTIKEY[1:])), "start with 'z'"),
        (_doc(_vm("k", type="Ed25519VerificationKey2020",
                  publicKeyMultibase=_mk(b"\x80\x24\x03" + bytes(32)))), "not an Ed25519 key"),
        (_doc(_vm("k", type="JsonWebKey2020", publicKeyMultibase=None)), "no publicKeyJwk"),
        (_doc(_vm("k", type="JsonWebKey", publicKeyMultibase=None,
                  publicKeyJwk={"kty": "OKP", "crv": "Ed25519", "x": "AAAA"})), "not 3"),
        (_doc(_vm("k", expires="tomorrow")), "date-time"),
        (_doc(_vm("k", revoked="2026-01-01T00:00:00")), "time zone"),
        (_doc(_vm("k", revoked="2026-01-01")), "date-time"),
        ({"id": DID, "verificationMethod": {"id": f"{DID}#k"}}, "must be a list"),
        ({"id": DID, "verificationMethod": ["#k"]}, "JSON object"),
        ({"id": DID, "assertionMethod": f"{DID}#k"}, "must be a list"),
        ({"id": DID, "assertionMethod": [7]}, "non-empty string"),
        ({"id": DID, "assertionMethod": ["key 1"]}, "neither an absolute URL"),
    ],
)  # fmt: skip
def test_parse_rejects(doc: Any, reason: str) -> None:
    with pytest.raises(DIDError, match=reason):
        parse_did_document(doc)


def test_parse_rejects_a_document_for_another_did() -> None:
    doc = did_web_document(DID, [("key-1", SigningKey.generate().public_key)])
    with pytest.raises(DIDError, match="not the expected") as info:
        parse_did_document(doc, expected_did="did:web:example.org:issuers:other")
    assert info.value.did == "did:web:example.org:issuers:other"
    with pytest.raises(DIDError, match="not the expected"):
        parse_did_document(doc, expected_did="did:web:EXAMPLE.org:issuers:rcoe")


def test_parse_refuses_published_private_keys_without_echo() -> None:
    seed = os.urandom(32)
    d = _multibase.encode_base64url(seed)[1:]
    secret_mk = _mk(b"\x80\x26" + seed)
    for method in (
        _vm("k", publicKeyMultibase=secret_mk),
        _vm("k", type="JsonWebKey2020", publicKeyMultibase=None,
            publicKeyJwk={"kty": "OKP", "crv": "Ed25519", "x": CID_JWK["x"], "d": d}),
    ):  # fmt: skip
        with pytest.raises(DIDError, match="publishes a") as info:
            parse_did_document(_doc(method))
        for form in (seed.hex(), d, secret_mk, _multibase.b58encode(seed)):
            assert form not in str(info.value)


def test_did_document_lookup_helpers() -> None:
    key = SigningKey.generate().public_key
    doc = DidDocument(
        id=DID,
        verification_methods=parse_did_document(
            did_web_document(DID, [("a", key)])
        ).verification_methods,
        assertion_method=(),
        authentication=(f"{DID}#a",),
    )
    assert doc.verification_method("#a") is not None
    assert doc.assertion_key("#a") is None
    assert doc.verification_method("#b") is None
    assert "assertionMethod" not in doc.to_json()


def test_a_method_repeated_identically_is_one_method() -> None:
    # As the Digital Credentials Consortium publishes: listed under verificationMethod and
    # embedded again, the same map, under assertionMethod.
    method = _vm("k")
    doc = _doc(method)
    doc["assertionMethod"] = [{**method, "id": "#k"}]  # the same id, written relative
    parsed = parse_did_document(doc)
    assert [vm.id for vm in parsed.verification_methods] == [f"{DID}#k"]
    assert parsed.assertion_method == (f"{DID}#k",)
    assert parsed.assertion_key("#k") is not None
    twice = parse_did_document(_doc(_vm("k"), _vm("k")))
    assert [vm.id for vm in twice.verification_methods] == [f"{DID}#k"]
