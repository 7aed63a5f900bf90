"""An issuer's published key history (``keys.json``), validated key by key before it is pinned.

The rules are in docs/trust.md. :func:`parse_history` returns a fully checked
:class:`PublishedIssuer` or raises :class:`TrustStoreError`. The strict JSON and date-time
readers here are the ones every published or pinned file goes through.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from leadbadge.crypto.did import did_web_to_url
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import DIDError, InvalidKeyError, LeadbadgeError, TrustStoreError
from leadbadge.trust.web import origin, require_web_url

if TYPE_CHECKING:
    from leadbadge.proof.vc_jwt import JwtKey

HISTORY_TYPE = "LeadbadgeKeyHistory"
HISTORY_VERSION = 1


@dataclass(frozen=True)
class HistoryKey:
    """One key of a key history; no period (None, None) when the source gave none."""

    id: str
    controller: str
    public_key: VerifyingKey
    valid_from: datetime | None
    valid_until: datetime | None


@dataclass(frozen=True)
class PublishedIssuer:
    """An issuer's published material, validated and ready to pin."""

    issuer: str
    identities: tuple[str, ...]
    name: str | None
    url: str | None
    keys: tuple[HistoryKey, ...]
    achievements: Mapping[str, str]
    did_document: Mapping[str, Any] | None
    source: str
    #: Achievement id -> the published Achievement, for those found beside the key history
    #: (a ``full`` QR code may leave the Achievement out; whoever reads it puts this back).
    achievement_documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: The status list URLs the key history names (``statusLists``), and the lists found or
    #: fetched for them: (URL, document). Checked before pinning
    #: (:mod:`leadbadge.trust.status_lists`).
    status_urls: tuple[str, ...] = ()
    status_lists: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    #: The accreditation registry an authority's key history names (``accreditations``), and
    #: the registry document read or fetched for it (checked before pinning: ``trust``).
    accreditations_url: str | None = None
    accreditations: Mapping[str, Any] | None = None
    #: For an authority fetched from its site: the status lists of the programs its registry
    #: names (URL, document), and one sentence per list that could not be fetched.
    program_status_lists: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    program_status_problems: tuple[str, ...] = ()
    #: RSA and EC (P-256, P-384) keys pinned by hand (``trust add-key``), which verify VC-JWTs
    #: only: a key history and a DID document give Ed25519 keys in ``keys``.
    json_web_keys: tuple[JwtKey, ...] = ()


# --- small parsers -------------------------------------------------------------------------------


def format_time(value: datetime | None) -> str | None:
    """XSD dateTime in UTC with a ``Z``, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(
    value: Any, where: str, *, error: type[LeadbadgeError] = TrustStoreError
) -> datetime | None:
    """A date-time with a time zone (XSD dateTime / RFC 3339), in UTC; None for null."""
    if value is None:
        return None
    parsed = None
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise error(f"{where} is not a date-time with a time zone")
    return parsed.astimezone(UTC)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TrustStoreError(f"{where} must be a non-empty string")
    return value


def web_url(value: Any, where: str) -> str:
    """An absolute https URL (plain http only for a loopback host, as for fetching)."""
    text = _string(value, where)
    try:
        require_web_url(text)
    except LeadbadgeError:
        raise TrustStoreError(f"{where} must be an absolute https URL") from None
    return text


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise TrustStoreError(f"the member {name!r} appears twice in one object")
        out[name] = value
    return out


def _reject_constant(name: str) -> Any:
    raise TrustStoreError(f"{name} is not a JSON number")


def parse_json(data: bytes, where: str) -> Any:
    """Strict JSON: UTF-8, no duplicate member names, no NaN or Infinity."""
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_reject_duplicates,
            parse_constant=_reject_constant,
        )
    except TrustStoreError as error:
        raise TrustStoreError(f"{where} is not acceptable JSON: {error.message}.") from None
    except (UnicodeDecodeError, ValueError):
        raise TrustStoreError(f"{where} is not valid JSON.") from None


# --- keys and periods ----------------------------------------------------------------------------


def _parse_key(entry: Any, where: str, *, require_from: bool) -> HistoryKey:
    if not isinstance(entry, Mapping):
        raise TrustStoreError(f"{where} must be an object")
    vm_id = _string(entry.get("id"), f"{where}.id")
    controller = _string(entry.get("controller"), f"{where}.controller")
    multikey = _string(entry.get("publicKeyMultibase"), f"{where}.publicKeyMultibase")
    try:
        public_key = VerifyingKey.from_multikey(multikey)
    except InvalidKeyError as error:
        raise TrustStoreError(f"{where}.publicKeyMultibase: {error.message.rstrip('.')}") from None
    valid_from = parse_time(entry.get("validFrom"), f"{where}.validFrom")
    valid_until = parse_time(entry.get("validUntil"), f"{where}.validUntil")
    if require_from and valid_from is None:
        raise TrustStoreError(f"{where}.validFrom is missing")
    if valid_from is not None and valid_until is not None and not valid_from < valid_until:
        raise TrustStoreError(f"{where} ends (validUntil) before it starts (validFrom)")
    _check_binding(vm_id, controller, public_key, where)
    return HistoryKey(vm_id, controller, public_key, valid_from, valid_until)


def _check_binding(vm_id: str, controller: str, key: VerifyingKey, where: str) -> None:
    """A did:key controller is its key; a did:web method id lives in its controller's document."""
    if controller.startswith("did:key:"):
        if controller != key.did_key or vm_id != key.did_key_verification_method:
            raise TrustStoreError(
                f"{where} names the did:key {controller} but its key is {key.multikey}"
            )
    elif controller.startswith("did:web:"):
        _did_web(controller, f"{where}.controller")
        base, _, fragment = vm_id.partition("#")
        if base != controller or not fragment:
            raise TrustStoreError(f"{where}.id must be '{controller}#<fragment>'")
    elif vm_id != f"{controller}#{key.multikey}":
        # 1EdTech's '<issuer id>#<publicKeyMultibase>' binds like a did:key: the id carries
        # the key (a key pinned by hand, trust add-key). Any other URL binds nothing.
        raise TrustStoreError(
            f"{where}.controller must be a did:key or did:web DID, or the id must be "
            f"'{controller}#{key.multikey}'"
        )


def _did_web(value: str, where: str) -> str:
    try:
        did_web_to_url(value)
    except DIDError as error:
        raise TrustStoreError(f"{where}: {error.message.rstrip('.')}") from None
    if "#" in value:
        raise TrustStoreError(f"{where} must be a DID without a fragment")
    return value


def _check_periods(keys: Sequence[HistoryKey], where: str, *, in_sequence: bool = True) -> None:
    """Keys follow one another: no overlap, so at most one is open-ended and it is the last.

    Without ``in_sequence`` (keys given by hand, which an issuer may hold several of at once) only
    a key listed twice is refused."""
    ids: set[str] = set()
    seen: set[VerifyingKey] = set()
    for key in keys:
        if key.id in ids or key.public_key in seen:
            raise TrustStoreError(f"{where} lists the key {key.id} twice")
        ids.add(key.id)
        seen.add(key.public_key)
    if not in_sequence or any(k.valid_from is None for k in keys):
        return  # no history (a DID document, keys given by hand): no periods to order
    ordered = sorted(keys, key=lambda k: k.valid_from or datetime.min.replace(tzinfo=UTC))
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_until is None:
            raise TrustStoreError(
                f"{where}: the key {earlier.id} has no end although {later.id} follows it"
            )
        if later.valid_from is not None and earlier.valid_until > later.valid_from:
            raise TrustStoreError(f"{where}: the periods of {earlier.id} and {later.id} overlap")


def parse_entry_keys(
    value: Any, identities: Sequence[str], *, in_sequence: bool = True, allow_empty: bool = False
) -> tuple[HistoryKey, ...]:
    """The ``keys`` of a store entry: each bound to one of the entry's identities.

    ``in_sequence``: the periods follow one another as in a key history (not for keys given by
    hand); ``allow_empty``: the entry holds its keys elsewhere (``jsonWebKeys``)."""
    if not isinstance(value, list) or not (value or allow_empty):
        raise TrustStoreError("'keys' must be a non-empty list")
    keys = tuple(_parse_key(k, f"keys[{i}]", require_from=False) for i, k in enumerate(value))
    for key in keys:
        if key.controller not in identities:
            raise TrustStoreError(f"the key {key.id} belongs to none of the entry's identities")
    _check_periods(keys, "keys", in_sequence=in_sequence)
    return keys


# --- key history ---------------------------------------------------------------------------------


def parse_history(doc: Mapping[str, Any], source: str) -> PublishedIssuer:
    """Validate a ``keys.json`` key history (type LeadbadgeKeyHistory, version 1)."""
    try:
        return _parse_history(doc, source)
    except TrustStoreError as error:
        message = error.message.rstrip(".")
        raise TrustStoreError(f"The key history {source} is invalid: {message}.") from None


def _parse_history(doc: Mapping[str, Any], source: str) -> PublishedIssuer:
    if doc.get("version") != HISTORY_VERSION:
        raise TrustStoreError(f"its version is {doc.get('version')!r}; this reads version 1")
    issuer = _string(doc.get("issuer"), "'issuer'")
    name = _string(doc.get("name"), "'name'")
    url = web_url(doc.get("url"), "'url'")
    did_web = doc.get("didWeb")
    if did_web is not None:
        did_web = _did_web(_string(did_web, "'didWeb'"), "'didWeb'")
    raw_keys = doc.get("keys")
    if not isinstance(raw_keys, list) or not raw_keys:
        raise TrustStoreError("'keys' must be a non-empty list")
    keys = tuple(_parse_key(k, f"keys[{i}]", require_from=True) for i, k in enumerate(raw_keys))
    _check_periods(keys, "'keys'")
    ordered = sorted(keys, key=lambda k: k.valid_from or datetime.min.replace(tzinfo=UTC))
    if did_web is not None:
        if issuer != did_web:
            raise TrustStoreError(f"'issuer' must be the did:web DID {did_web}")
        stray = [k.id for k in keys if k.controller != did_web]
        if stray:
            raise TrustStoreError(f"the key {stray[0]} is not controlled by {did_web}")
        identities: tuple[str, ...] = (did_web,)
    else:
        stray = [k.id for k in keys if not k.controller.startswith("did:key:")]
        if stray:
            raise TrustStoreError(f"the key {stray[0]} is not a did:key although 'didWeb' is null")
        if issuer != ordered[-1].controller:
            raise TrustStoreError("'issuer' must be the did:key of the newest key")
        identities = tuple(dict.fromkeys(k.controller for k in ordered))
    achievements = doc.get("achievements", {})
    if not isinstance(achievements, Mapping):
        raise TrustStoreError("'achievements' must be an object of tier ids and URLs")
    checked = {
        _string(tier, "an achievement tier id"): web_url(url_, f"achievements[{tier!r}]")
        for tier, url_ in achievements.items()
    }
    raw_lists = doc.get("statusLists", [])
    if not isinstance(raw_lists, list):
        raise TrustStoreError("'statusLists' must be a list of URLs")
    status_urls = tuple(
        dict.fromkeys(web_url(u, f"statusLists[{i}]") for i, u in enumerate(raw_lists))
    )
    if any(origin(u) != origin(url) for u in status_urls):
        raise TrustStoreError("every status list must be on the issuer's own site ('url')")
    registry = doc.get("accreditations")
    if registry is not None:
        registry = web_url(registry, "'accreditations'")
        if origin(registry) != origin(url):
            raise TrustStoreError("'accreditations' must be on the issuer's own site ('url')")
    return PublishedIssuer(
        issuer=issuer,
        identities=identities,
        name=name,
        url=url,
        keys=tuple(ordered),
        achievements=checked,
        did_document=None,
        source=source,
        status_urls=status_urls,
        accreditations_url=registry,
    )
