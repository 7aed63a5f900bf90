"""Status lists: W3C Bitstring Status List v1.0 and the 1EdTech Revocation List, read and written.

Pure data work, no I/O and no clock: the compressed bitstring codec (GZIP, then multibase
base64url, bit 0 the most significant bit of the first byte), the ``BitstringStatusListEntry``
an issued credential carries, the unsigned ``BitstringStatusListCredential`` an issuer signs
and publishes, and parsers for what a verifier is handed (entries, list credentials, 1EdTech
revocation lists). Whether a list may be relied on (its proof, issuer, age) is decided by the
verifier (``leadbadge.verifier.checks.status``); docs/status.md explains the whole mechanism.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from leadbadge.conformance.vc import VC_V2_CONTEXT_URL
from leadbadge.crypto import multibase as _multibase
from leadbadge.errors import InputError
from leadbadge.proof._common import as_list, format_date_time_stamp, parse_date_time_stamp

__all__ = [
    "ENTRY_TYPE",
    "LIST_CREDENTIAL_TYPE",
    "LIST_TYPE",
    "MAX_LIST_BYTES",
    "MIN_LIST_BITS",
    "ONEEDTECH_TYPE",
    "PURPOSES",
    "BitstringEntry",
    "OneEdTechRevocationList",
    "StatusList",
    "StatusListError",
    "bit_is_set",
    "bitstring",
    "build_list_credential",
    "check_length",
    "decode_bits",
    "encode_bits",
    "is_status_list_document",
    "parse_entry",
    "parse_list_credential",
    "parse_oneedtech_list",
    "status_entry",
]

#: Bitstring Status List v1.0 §3.2 step 2: the smallest list a verifier accepts (herd privacy).
MIN_LIST_BITS: Final = 131_072
#: The largest uncompressed list accepted (16 MiB, 134 million entries): a bound on what a small
#: compressed value may expand to, so a hostile list cannot exhaust memory.
MAX_LIST_BYTES: Final = 16 * 1024 * 1024
#: The purposes leadbadge issues and interprets (Bitstring Status List v1.0 §2.1).
PURPOSES: Final = ("revocation", "suspension")
ENTRY_TYPE: Final = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"
LIST_TYPE: Final = "BitstringStatusList"
#: The Open Badges 3.0 status method (1EdTech Revocation List Status Method 1.0).
ONEEDTECH_TYPE: Final = "1EdTechRevocationList"
_DIGITS = re.compile(r"[0-9]{1,20}\Z")

# Problem types: Bitstring Status List v1.0 §3.5 and VC Data Model 2.0 §7.1.
_VERIFICATION = "STATUS_VERIFICATION_ERROR"
_LENGTH = "STATUS_LIST_LENGTH_ERROR"
_MALFORMED = "MALFORMED_VALUE_ERROR"
_RANGE = "RANGE_ERROR"


class StatusListError(InputError):
    """A status entry or status list that cannot be used; ``reason`` is a stable name.

    ``reason`` values: ``STATUS_ENTRY_MALFORMED``, ``STATUS_LIST_MALFORMED``,
    ``STATUS_LIST_TOO_SHORT``, ``STATUS_INDEX_OUT_OF_RANGE`` (docs/status.md lists them with the
    verification report codes they become).
    """

    code = "status_list_error"

    def __init__(
        self, message: str, *, reason: str, problem_type: str = _MALFORMED, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.reason = reason
        self.problem_type = problem_type


# --- the bitstring ---------------------------------------------------------------------------


def bitstring(size_bits: int, set_indexes: Iterable[int] = ()) -> bytes:
    """``size_bits`` bits (a multiple of 8), all zero except ``set_indexes`` (bit 0 = MSB)."""
    if size_bits <= 0 or size_bits % 8:
        raise InputError("A status list has a positive whole number of bytes.", field="size")
    bits = bytearray(size_bits // 8)
    for index in set_indexes:
        if not 0 <= index < size_bits:
            raise InputError(f"The index {index} is outside a list of {size_bits} entries.")
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def bit_is_set(bits: bytes, index: int) -> bool:
    """The bit at ``index``; bit 0 is the most significant bit of the first byte (§7.1)."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode_bits(bits: bytes) -> str:
    """§3.3 step 3: GZIP (no timestamp, so equal lists encode equally), then multibase ``u``."""
    return _multibase.encode_base64url(gzip.compress(bits, compresslevel=9, mtime=0))


def decode_bits(encoded: object, *, max_bytes: int = MAX_LIST_BYTES) -> bytes:
    """§3.4: multibase base64url, then GZIP; at most ``max_bytes`` uncompressed."""
    if not isinstance(encoded, str) or not encoded:
        raise _list_error("its encodedList is not a string")
    try:
        compressed = _multibase.decode_base64url(encoded)
    except (ValueError, TypeError):
        raise _list_error("its encodedList is not multibase base64url ('u…')") from None
    if compressed[:2] != b"\x1f\x8b":
        raise _list_error("its encodedList is not GZIP-compressed")
    # wbits 16+MAX_WBITS reads exactly one gzip member, header and trailer checked.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        bits = inflater.decompress(compressed, max_bytes + 1)
        if len(bits) > max_bytes:
            raise _list_error(f"its list is larger than {max_bytes} bytes uncompressed")
        bits += inflater.flush()
    except zlib.error:
        raise _list_error("its encodedList is not valid GZIP data") from None
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise _list_error("its encodedList has data after the GZIP stream or is truncated")
    if len(bits) > max_bytes:
        raise _list_error(f"its list is larger than {max_bytes} bytes uncompressed")
    return bits


def _list_error(why: str) -> StatusListError:
    return StatusListError(f"The status list is malformed: {why}.", reason="STATUS_LIST_MALFORMED")


# --- what an issued credential carries ---------------------------------------------------------


def status_entry(list_url: str, purpose: str, index: int) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` (§2.1): index as a base-10 string, id ``<list>#<index>``."""
    if purpose not in PURPOSES:
        raise InputError(f"Unknown status purpose {purpose!r}.", field="purpose")
    if index < 0:
        raise InputError("A status list index is never negative.", field="index")
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


@dataclass(frozen=True)
class BitstringEntry:
    """A ``BitstringStatusListEntry`` read from a credential."""

    purpose: str
    index: int
    list_url: str
    #: ``statusSize``; leadbadge interprets only 1 (§1.3 lets processors support only 1).
    size: int = 1
    #: True when ``statusListIndex`` was a JSON number, not the string §2.1 requires.
    index_was_number: bool = False


def parse_entry(entry: Mapping[str, Any]) -> BitstringEntry:
    """Read a ``BitstringStatusListEntry``; :class:`StatusListError` when it breaks §2.1."""

    def bad(why: str) -> StatusListError:
        return StatusListError(
            f"The credential's status entry is malformed: {why}.",
            reason="STATUS_ENTRY_MALFORMED",
        )

    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise bad("statusPurpose is not a string")
    raw_index = entry.get("statusListIndex")
    number = isinstance(raw_index, int) and not isinstance(raw_index, bool)
    if number and raw_index >= 0:  # type: ignore[operator]
        index = int(raw_index)  # type: ignore[arg-type]
    elif isinstance(raw_index, str) and _DIGITS.match(raw_index):
        index = int(raw_index)
    else:
        raise bad("statusListIndex is not a base-10 integer of at least 0")
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or ":" not in url:
        raise bad("statusListCredential is not a URL")
    size = entry.get("statusSize", 1)
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise bad("statusSize is not an integer greater than zero")
    return BitstringEntry(purpose, index, url, size, index_was_number=number)


# --- the list credential an issuer publishes --------------------------------------------------


def build_list_credential(
    *,
    list_url: str,
    issuer_id: str,
    purpose: str,
    bits: bytes,
    valid_from: datetime,
    valid_until: datetime,
    ttl_ms: int,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` (§2.2) for one list; sign it to publish.

    ``id`` is the URL the list is published at (the ``statusListCredential`` of every entry in
    it); ``ttl`` tells verifiers how long to cache it, ``validUntil`` when to stop using it.
    """
    if len(bits) * 8 < MIN_LIST_BITS:
        raise InputError(f"A status list has at least {MIN_LIST_BITS} entries.", field="bits")
    if not valid_from < valid_until:
        raise InputError("A status list must end after it starts.", field="valid_until")
    return {
        "@context": [VC_V2_CONTEXT_URL],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer_id,
        "validFrom": format_date_time_stamp(valid_from, field="valid_from"),
        "validUntil": format_date_time_stamp(valid_until, field="valid_until"),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": purpose,
            "encodedList": encode_bits(bits),
            "ttl": ttl_ms,
        },
    }


@dataclass(frozen=True)
class StatusList:
    """A ``BitstringStatusListCredential`` read (not yet trusted: its proof is checked apart)."""

    #: The credential's ``id`` (None if it has none; the URL it came from is the caller's).
    id: str | None
    issuer: str | None
    purposes: tuple[str, ...]
    encoded: str
    valid_from: datetime | None
    valid_until: datetime | None
    ttl_ms: int | None
    document: Mapping[str, Any]

    def expand(self, *, max_bytes: int = MAX_LIST_BYTES) -> bytes:
        """The uncompressed bitstring (§3.4)."""
        return decode_bits(self.encoded, max_bytes=max_bytes)


def _types(node: Mapping[str, Any]) -> list[str]:
    return [t for t in as_list(node.get("type")) if isinstance(t, str)]


def _date(doc: Mapping[str, Any], key: str) -> datetime | None:
    if key not in doc:
        return None
    try:
        return parse_date_time_stamp(doc[key], field=key)
    except InputError:
        raise _list_error(f"its {key} is not a date-time with a time zone") from None


def _issuer(doc: Mapping[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def is_status_list_document(doc: object) -> bool:
    """True for a document that says it is a status list (either kind); nothing is checked."""
    if not isinstance(doc, Mapping):
        return False
    return LIST_CREDENTIAL_TYPE in _types(doc) or (
        "revokedCredentials" in doc and "credentialSubject" not in doc
    )


def parse_list_credential(doc: object) -> StatusList:
    """Read a ``BitstringStatusListCredential`` (§2.2); the bitstring is expanded on demand."""
    if not isinstance(doc, Mapping):
        raise _list_error("it is not a JSON object")
    if LIST_CREDENTIAL_TYPE not in _types(doc) or "VerifiableCredential" not in _types(doc):
        raise StatusListError(
            "The document is not a BitstringStatusListCredential.",
            reason="STATUS_LIST_MALFORMED",
            problem_type=_VERIFICATION,
        )
    subjects = as_list(doc.get("credentialSubject"))
    if len(subjects) != 1 or not isinstance(subjects[0], Mapping):
        raise _list_error("it does not have exactly one credentialSubject")
    subject = subjects[0]
    if LIST_TYPE not in _types(subject):
        raise _list_error(f"its credentialSubject is not of type {LIST_TYPE}")
    purposes = tuple(as_list(subject.get("statusPurpose")))
    if not purposes or not all(isinstance(p, str) and p for p in purposes):
        raise _list_error("its statusPurpose is not one or more strings")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str) or not encoded:
        raise _list_error("it has no encodedList")
    ttl = subject.get("ttl")
    if ttl is not None and (not isinstance(ttl, int) or isinstance(ttl, bool) or ttl < 0):
        raise _list_error("its ttl is not a number of milliseconds")
    list_id = doc.get("id")
    return StatusList(
        id=list_id if isinstance(list_id, str) else None,
        issuer=_issuer(doc),
        purposes=purposes,
        encoded=encoded,
        valid_from=_date(doc, "validFrom"),
        valid_until=_date(doc, "validUntil"),
        ttl_ms=ttl,
        document=doc,
    )


def check_length(bits: bytes, entry: BitstringEntry) -> None:
    """§3.2 steps 9 and 10: a list long enough for herd privacy, an index inside it."""
    entries = len(bits) * 8 // entry.size
    if entries < MIN_LIST_BITS:
        raise StatusListError(
            f"The status list has {entries} entries, fewer than the {MIN_LIST_BITS} every list "
            "must have.",
            reason="STATUS_LIST_TOO_SHORT",
            problem_type=_LENGTH,
        )
    if (entry.index + 1) * entry.size > len(bits) * 8:
        raise StatusListError(
            f"The credential's index {entry.index} is outside the status list of {entries} "
            "entries.",
            reason="STATUS_INDEX_OUT_OF_RANGE",
            problem_type=_RANGE,
        )


# --- the 1EdTech Revocation List (Open Badges 3.0 status method) ---------------------------


@dataclass(frozen=True)
class OneEdTechRevocationList:
    """A 1EdTech Revocation List: the ids of revoked credentials, with optional reasons.

    The list is a plain JSON document served at the URL a credential's ``credentialStatus.id``
    names; it carries no proof and no date, so its authority is the place it was fetched from.
    """

    id: str | None
    issuer: str | None
    #: credential id -> revocation reason (None when the list gives none)
    revoked: Mapping[str, str | None]
    document: Mapping[str, Any]


def parse_oneedtech_list(doc: object) -> OneEdTechRevocationList:
    """Read a 1EdTech Revocation List: ``{id, issuer, revokedCredentials: [{id, revoked?,
    revocationReason?}]}``; an entry counts as revoked unless ``revoked`` is false."""
    if not isinstance(doc, Mapping):
        raise _list_error("it is not a JSON object")
    raw = doc.get("revokedCredentials")
    if not isinstance(raw, list):
        raise _list_error("it has no revokedCredentials array")
    revoked: dict[str, str | None] = {}
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise _list_error("a revokedCredentials entry has no id")
        flag = item.get("revoked", True)
        # 1EdTech's own validator reads the flag as text too ("true"), as some issuers write it.
        if flag is False or (isinstance(flag, str) and flag.strip().lower() == "false"):
            continue
        reason = item.get("revocationReason")
        revoked[item["id"]] = reason if isinstance(reason, str) else None
    list_id = doc.get("id")
    return OneEdTechRevocationList(
        id=list_id if isinstance(list_id, str) else None,
        issuer=_issuer(doc),
        revoked=revoked,
        document=doc,
    )
