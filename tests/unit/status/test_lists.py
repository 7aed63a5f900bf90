"""Status lists as data: the bitstring codec, entries, list credentials, 1EdTech revocation lists.

The W3C examples in ``../shared/interop/bitstring-status-list/`` must decode to the bits
``decoded-examples.json`` documents, and 1EdTech's ``testlist.json`` to its one set bit (23).
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from datetime import timedelta
from typing import Any

import pytest

from leadbadge.errors import InputError
from leadbadge.ld.expand import expand_strict
from leadbadge.status import lists as status
from leadbadge.status.lists import (
    MIN_LIST_BITS,
    StatusListError,
    bit_is_set,
    bitstring,
    build_list_credential,
    check_length,
    decode_bits,
    encode_bits,
    is_status_list_document,
    parse_entry,
    parse_list_credential,
    parse_oneedtech_list,
    status_entry,
)
from tests.conftest import FIXED_NOW, interop_path

LIST_URL = "https://rcoe.example.org/leadership/status/1.json"


def _bits_of(byte_index: int, byte: int) -> list[int]:
    return [byte_index * 8 + b for b in range(8) if byte & (0x80 >> b)]


def _set_indexes(bits: bytes) -> list[int]:
    return [i for n, byte in enumerate(bits) if byte for i in _bits_of(n, byte)]


# --- the W3C examples and 1EdTech's list -----------------------------------------------------


def test_the_w3c_examples_decode_to_the_documented_bits() -> None:
    folder = interop_path("bitstring-status-list")
    facts = json.loads((folder / "decoded-examples.json").read_text())
    lists = [e for e in facts["examples"] if "encodedList" in e]
    assert len(lists) == 2
    for fact in lists:
        document = json.loads((folder / fact["file"]).read_text())
        parsed = parse_list_credential(document)
        assert parsed.encoded == fact["encodedList"]
        assert parsed.purposes == (fact["statusPurpose"],)
        raw = base64.urlsafe_b64decode(parsed.encoded[1:] + "==")
        assert raw[:2].hex() == fact["decodedFirstTwoBytesHex"]
        bits = parsed.expand()
        assert len(bits) == fact["uncompressedBytes"]
        assert len(bits) * 8 == fact["uncompressedBits"]
        assert _set_indexes(bits) == fact["setBitIndexes"]


def test_the_w3c_credential_examples_carry_well_formed_entries() -> None:
    folder = interop_path("bitstring-status-list")
    facts = json.loads((folder / "decoded-examples.json").read_text())
    for fact in (e for e in facts["examples"] if "credentialStatus" in e):
        document = json.loads((folder / fact["file"]).read_text())
        entries = document["credentialStatus"]
        for raw in entries if isinstance(entries, list) else [entries]:
            entry = parse_entry(raw)
            assert str(entry.index) == raw["statusListIndex"]
            assert entry.list_url == raw["statusListCredential"]
            assert not entry.index_was_number


def test_the_1edtech_test_list_has_bit_23_set_and_no_other() -> None:
    path = interop_path("1edtech-validator", "ob30", "bit-string-list", "testlist.json")
    bits = parse_list_credential(json.loads(path.read_text())).expand()
    assert len(bits) * 8 == MIN_LIST_BITS
    assert _set_indexes(bits) == [23]
    assert bits[2] == 0x01  # index 23 is the last (least significant) bit of byte 2
    assert bit_is_set(bits, 23)
    assert not bit_is_set(bits, 22)
    assert not bit_is_set(bits, 24)


# --- the codec ---------------------------------------------------------------------------------


def test_bit_zero_is_the_most_significant_bit_of_the_first_byte() -> None:
    bits = bitstring(MIN_LIST_BITS, [0, 9, MIN_LIST_BITS - 1])
    assert bits[0] == 0x80
    assert bits[1] == 0x40
    assert bits[-1] == 0x01
    assert _set_indexes(bits) == [0, 9, MIN_LIST_BITS - 1]


def test_encode_is_gzip_in_multibase_base64url_and_round_trips() -> None:
    bits = bitstring(MIN_LIST_BITS, [3, 70_000, 131_000])
    encoded = encode_bits(bits)
    assert encoded.startswith("uH4sI")  # "u" + base64url of the GZIP magic 1f 8b 08
    assert not any(c in encoded for c in "+/=")
    assert gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "==")) == bits
    assert decode_bits(encoded) == bits
    # No timestamp in the GZIP header: the same list always encodes the same way.
    time.sleep(1.1)
    assert encode_bits(bits) == encoded


def test_an_empty_list_compresses_to_a_few_dozen_bytes() -> None:
    assert len(encode_bits(bitstring(MIN_LIST_BITS))) < 100


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("zH4sI", "not multibase base64url"),
        ("u" + base64.urlsafe_b64encode(b"plain bytes").decode().rstrip("="), "not GZIP"),
        ("u" + base64.urlsafe_b64encode(gzip.compress(b"x" * 10)).decode(), "padding"),
        ("u" + base64.urlsafe_b64encode(gzip.compress(b"x" * 10)[:-5]).decode().rstrip("="), "cut"),
        (
            "u" + base64.urlsafe_b64encode(gzip.compress(b"x") + b"junk").decode().rstrip("="),
            "tail",
        ),
        ("", "empty"),
    ],
)
def test_undecodable_lists_are_malformed(value: str, why: str) -> None:
    with pytest.raises(StatusListError) as caught:
        decode_bits(value)
    assert caught.value.reason == "STATUS_LIST_MALFORMED"


def test_a_decompression_bomb_is_stopped_at_the_bound() -> None:
    bomb = encode_bits(bytes(4 * 1024 * 1024))
    assert len(bomb) < 10_000
    with pytest.raises(StatusListError, match="larger than"):
        decode_bits(bomb, max_bytes=1024 * 1024)
    assert len(decode_bits(bomb)) == 4 * 1024 * 1024


def test_length_and_range() -> None:
    entry = parse_entry(status_entry(LIST_URL, "revocation", 131_071))
    check_length(bitstring(MIN_LIST_BITS), entry)
    with pytest.raises(StatusListError) as short:
        check_length(bytes(MIN_LIST_BITS // 8 - 1), entry)
    assert (short.value.reason, short.value.problem_type) == (
        "STATUS_LIST_TOO_SHORT",
        "STATUS_LIST_LENGTH_ERROR",
    )
    beyond = parse_entry(status_entry(LIST_URL, "revocation", 131_072))
    with pytest.raises(StatusListError) as outside:
        check_length(bitstring(MIN_LIST_BITS), beyond)
    assert (outside.value.reason, outside.value.problem_type) == (
        "STATUS_INDEX_OUT_OF_RANGE",
        "RANGE_ERROR",
    )


# --- entries -----------------------------------------------------------------------------------


def test_status_entry_follows_the_specification() -> None:
    assert status_entry(LIST_URL, "suspension", 4242) == {
        "id": f"{LIST_URL}#4242",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "4242",
        "statusListCredential": LIST_URL,
    }
    with pytest.raises(InputError):
        status_entry(LIST_URL, "message", 1)


def test_a_numeric_index_is_read_and_flagged() -> None:
    raw = {**status_entry(LIST_URL, "revocation", 23), "statusListIndex": 23}
    entry = parse_entry(raw)
    assert (entry.index, entry.index_was_number) == (23, True)


@pytest.mark.parametrize(
    "change",
    [
        {"statusListIndex": "-1"},
        {"statusListIndex": "1e3"},
        {"statusListIndex": " 7"},
        {"statusListIndex": True},
        {"statusListIndex": -4},
        {"statusPurpose": 7},
        {"statusListCredential": "not a url"},
        {"statusSize": 0},
    ],
)
def test_malformed_entries_are_refused(change: dict[str, Any]) -> None:
    with pytest.raises(StatusListError) as caught:
        parse_entry({**status_entry(LIST_URL, "revocation", 5), **change})
    assert caught.value.reason == "STATUS_ENTRY_MALFORMED"


# --- list credentials ------------------------------------------------------------------------


def _list(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "list_url": LIST_URL,
        "issuer_id": "did:web:rcoe.example.org:leadership",
        "purpose": "revocation",
        "bits": bitstring(MIN_LIST_BITS, [5]),
        "valid_from": FIXED_NOW,
        "valid_until": FIXED_NOW + timedelta(days=30),
        "ttl_ms": 86_400_000,
    }
    args.update(kw)
    return build_list_credential(**args)


def test_the_list_credential_is_strict_json_ld_and_reads_back() -> None:
    document = _list()
    expand_strict(document)  # the VC 2.0 context defines every term
    parsed = parse_list_credential(document)
    assert parsed.id == LIST_URL
    assert document["credentialSubject"]["id"] == f"{LIST_URL}#list"
    assert parsed.purposes == ("revocation",)
    assert (parsed.valid_from, parsed.valid_until) == (FIXED_NOW, FIXED_NOW + timedelta(days=30))
    assert parsed.ttl_ms == 86_400_000
    assert _set_indexes(parsed.expand()) == [5]
    assert is_status_list_document(document)


def test_a_short_or_backwards_list_is_never_built() -> None:
    with pytest.raises(InputError):
        _list(bits=bytes(1024))
    with pytest.raises(InputError):
        _list(valid_until=FIXED_NOW)


@pytest.mark.parametrize(
    "breaks",
    [
        lambda d: d.update(type=["VerifiableCredential"]),
        lambda d: d["credentialSubject"].update(type="StatusList2021"),
        lambda d: d["credentialSubject"].update(statusPurpose=[]),
        lambda d: d["credentialSubject"].pop("encodedList"),
        lambda d: d["credentialSubject"].update(ttl="one day"),
        lambda d: d.update(validUntil="next week"),
        lambda d: d.update(credentialSubject=[d["credentialSubject"], d["credentialSubject"]]),
    ],
)
def test_malformed_list_credentials_are_refused(breaks: Any) -> None:
    document = _list()
    breaks(document)
    with pytest.raises(StatusListError) as caught:
        parse_list_credential(document)
    assert caught.value.reason == "STATUS_LIST_MALFORMED"


def test_a_list_with_several_purposes_reads_them_all() -> None:
    document = _list()
    document["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    assert parse_list_credential(document).purposes == ("revocation", "suspension")


# --- 1EdTech revocation lists ------------------------------------------------------------------


def test_oneedtech_list() -> None:
    document = {
        "id": "https://1edtech.edu/credentials/3732/revocations",
        "issuer": {"id": "https://1edtech.edu/issuers/565049"},
        "revokedCredentials": [
            {"id": "urn:uuid:a", "revocationReason": "Issued in error"},
            {"id": "urn:uuid:b", "revoked": True},
            {"id": "urn:uuid:c", "revoked": False},
            {"id": "urn:uuid:d", "revoked": "false"},
        ],
    }
    assert is_status_list_document(document)
    parsed = parse_oneedtech_list(document)
    assert parsed.issuer == "https://1edtech.edu/issuers/565049"
    assert dict(parsed.revoked) == {"urn:uuid:a": "Issued in error", "urn:uuid:b": None}
    with pytest.raises(StatusListError):
        parse_oneedtech_list({"revokedCredentials": [{"revoked": True}]})
    with pytest.raises(StatusListError):
        parse_oneedtech_list({"revokedCredentials": "none"})


def test_module_exports_what_it_documents() -> None:
    for name in status.__all__:
        assert hasattr(status, name)
