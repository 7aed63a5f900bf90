"""Reading and validating what an issuer publishes (key history, DID document) before pinning it.

The rules are in docs/trust.md. Everything here either returns a fully checked
:class:`PublishedIssuer` or raises: :class:`TrustStoreError` for content we refuse,
:class:`NetworkError` (from :mod:`leadbadge.trust.fetch`) when a URL cannot be fetched.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from leadbadge.crypto.did import DidDocument, did_web_to_url, parse_did_document, resolve_did_key
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import (
    DIDError,
    InvalidKeyError,
    LeadbadgeError,
    NetworkError,
    TrustStoreError,
)
from leadbadge.status.lists import is_status_list_document
from leadbadge.trust.fetch import MAX_BYTES, check_url, fetch_json

HISTORY_TYPE = "LeadbadgeKeyHistory"
HISTORY_VERSION = 1
#: An authority's accreditation registry holds an endorsement (~2.5 KB) per program and tier.
REGISTRY_MAX_BYTES = 16 * 1024 * 1024
# Bounds on searching a folder for keys.json, so a mistaken argument (a home folder) ends quickly.
_MAX_SEARCH_DEPTH = 8
_MAX_SEARCH_ENTRIES = 20_000


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


def _web_url(value: Any, where: str) -> str:
    """An absolute https URL (plain http only for a loopback host, as for fetching)."""
    text = _string(value, where)
    try:
        check_url(text)
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
    else:
        raise TrustStoreError(f"{where}.controller must be a did:key or did:web DID")


def _did_web(value: str, where: str) -> str:
    try:
        did_web_to_url(value)
    except DIDError as error:
        raise TrustStoreError(f"{where}: {error.message.rstrip('.')}") from None
    if "#" in value:
        raise TrustStoreError(f"{where} must be a DID without a fragment")
    return value


def _check_periods(keys: Sequence[HistoryKey], where: str) -> None:
    """Keys follow one another: no overlap, so at most one is open-ended and it is the last."""
    ids: set[str] = set()
    seen: set[VerifyingKey] = set()
    for key in keys:
        if key.id in ids or key.public_key in seen:
            raise TrustStoreError(f"{where} lists the key {key.id} twice")
        ids.add(key.id)
        seen.add(key.public_key)
    if any(k.valid_from is None for k in keys):
        return  # no history (a DID document): no periods to order
    ordered = sorted(keys, key=lambda k: k.valid_from or datetime.min.replace(tzinfo=UTC))
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_until is None:
            raise TrustStoreError(
                f"{where}: the key {earlier.id} has no end although {later.id} follows it"
            )
        if later.valid_from is not None and earlier.valid_until > later.valid_from:
            raise TrustStoreError(f"{where}: the periods of {earlier.id} and {later.id} overlap")


def parse_entry_keys(value: Any, identities: Sequence[str]) -> tuple[HistoryKey, ...]:
    """The ``keys`` of a store entry: each bound to one of the entry's identities."""
    if not isinstance(value, list) or not value:
        raise TrustStoreError("'keys' must be a non-empty list")
    keys = tuple(_parse_key(k, f"keys[{i}]", require_from=False) for i, k in enumerate(value))
    for key in keys:
        if key.controller not in identities:
            raise TrustStoreError(f"the key {key.id} belongs to none of the entry's identities")
    _check_periods(keys, "keys")
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
    url = _web_url(doc.get("url"), "'url'")
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
        _string(tier, "an achievement tier id"): _web_url(url_, f"achievements[{tier!r}]")
        for tier, url_ in achievements.items()
    }
    raw_lists = doc.get("statusLists", [])
    if not isinstance(raw_lists, list):
        raise TrustStoreError("'statusLists' must be a list of URLs")
    status_urls = tuple(
        dict.fromkeys(_web_url(u, f"statusLists[{i}]") for i, u in enumerate(raw_lists))
    )
    if any(_origin(u) != _origin(url) for u in status_urls):
        raise TrustStoreError("every status list must be on the issuer's own site ('url')")
    registry = doc.get("accreditations")
    if registry is not None:
        registry = _web_url(registry, "'accreditations'")
        if _origin(registry) != _origin(url):
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


# --- DID documents -------------------------------------------------------------------------------


def _parse_document(doc: Mapping[str, Any], source: str) -> DidDocument:
    doc_id = doc.get("id")
    try:
        if isinstance(doc_id, str) and doc_id.startswith("did:web:"):
            did_web_to_url(doc_id)
        elif not (isinstance(doc_id, str) and doc_id.startswith("did:key:")):
            raise TrustStoreError(
                f"The DID document {source} is not for a did:web or did:key DID; only those "
                "can be pinned."
            )
        parsed = parse_did_document(doc)
        if doc_id.startswith("did:key:"):
            expected = resolve_did_key(doc_id).verification_methods
            if {m.public_key for m in parsed.verification_methods} != {
                m.public_key for m in expected
            }:
                raise TrustStoreError(
                    f"The DID document {source} lists keys other than its did:key's own key."
                )
    except DIDError as error:
        raise TrustStoreError(
            f"The DID document {source} is invalid: {error.message.rstrip('.')}."
        ) from None
    return parsed


def _document_keys(document: DidDocument, source: str) -> tuple[HistoryKey, ...]:
    keys = []
    for vm_id in dict.fromkeys(document.assertion_method):
        vm = document.verification_method(vm_id)
        if vm is None:
            continue
        ends = [t for t in (vm.expires, vm.revoked) if t is not None]
        until = min(ends).astimezone(UTC) if ends else None
        keys.append(HistoryKey(vm.id, vm.controller, vm.public_key, None, until))
    if not keys:
        raise TrustStoreError(
            f"The DID document {source} lists no Ed25519 key for signing credentials "
            "(assertionMethod)."
        )
    return tuple(keys)


def document_issuer(doc: Mapping[str, Any], source: str) -> PublishedIssuer:
    """A DID document pinned on its own: its assertion keys, with no period (any time)."""
    document = _parse_document(doc, source)
    return PublishedIssuer(
        issuer=document.id,
        identities=(document.id,),
        name=None,
        url=None,
        keys=_document_keys(document, source),
        achievements={},
        did_document=dict(doc),
        source=source,
    )


def with_document(history: PublishedIssuer, doc: Mapping[str, Any], where: str) -> PublishedIssuer:
    """Check that a did:web issuer's DID document and key history agree; keep the document."""
    document = _parse_document(doc, where)
    if document.id != history.issuer:
        raise TrustStoreError(
            f"The DID document {where} is for {document.id}, but the key history is for "
            f"{history.issuer}."
        )
    history_ids = {k.id for k in history.keys}
    for key in history.keys:
        vm = document.assertion_key(key.id)
        if vm is None or vm.public_key != key.public_key:
            raise TrustStoreError(
                f"The key history's key {key.id} is not the same assertion key in the DID "
                f"document {where}."
            )
        ends = [t for t in (vm.expires, vm.revoked) if t is not None]
        if ends and (key.valid_until is None or min(ends) < key.valid_until):
            raise TrustStoreError(
                f"The DID document {where} ends the key {key.id} earlier than the key history does."
            )
    for vm_id in document.assertion_method:
        if document.verification_method(vm_id) is not None and vm_id not in history_ids:
            raise TrustStoreError(
                f"The DID document {where} lists the signing key {vm_id}, which the key "
                "history does not."
            )
    return PublishedIssuer(
        issuer=history.issuer,
        identities=history.identities,
        name=history.name,
        url=history.url,
        keys=history.keys,
        achievements=history.achievements,
        did_document=dict(doc),
        source=history.source,
        achievement_documents=history.achievement_documents,
        status_urls=history.status_urls,
        status_lists=history.status_lists,
        accreditations_url=history.accreditations_url,
        accreditations=history.accreditations,
    )


def _kind(doc: Any, where: str) -> str:
    if isinstance(doc, Mapping):
        if doc.get("type") == HISTORY_TYPE:
            return "history"
        if isinstance(doc.get("id"), str) and doc["id"].startswith("did:"):
            return "did"
    raise TrustStoreError(
        f"{where} is neither a leadbadge key history (keys.json) nor a DID document (did.json)."
    )


# --- local files ---------------------------------------------------------------------------------


def _read_json_file(path: Path, max_bytes: int = MAX_BYTES) -> Any:
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise TrustStoreError(f"{path} does not exist.") from None
    except OSError as error:
        raise TrustStoreError(f"{path} cannot be read ({error.strerror}).") from None
    if len(data) > max_bytes:
        raise TrustStoreError(f"{path} is larger than the {max_bytes // 1024} KiB limit.")
    return parse_json(data, str(path))


def _search(folder: Path, name: str) -> list[Path]:
    found: list[Path] = []
    seen = 0
    for current, dirs, files in os.walk(folder):
        depth = len(Path(current).relative_to(folder).parts)
        seen += len(dirs) + len(files)
        if seen > _MAX_SEARCH_ENTRIES:
            raise TrustStoreError(
                f"{folder} holds too many files to search for {name}; give the file itself."
            )
        if depth >= _MAX_SEARCH_DEPTH:
            dirs.clear()
        dirs.sort()
        found.extend(Path(current) / name for f in files if f == name)
    return found


def _did_path(root: Path, did: str) -> Path:
    """Where a did:web document sits in a published folder whose site root is ``root``."""
    segments = did[len("did:web:") :].split(":")[1:]
    if not segments:
        return root / ".well-known" / "did.json"
    return root.joinpath(*(unquote(s) for s in segments), "did.json")


def _site_root(keys_file: Path, url: str) -> Path | None:
    """The published folder's root: keys.json sits at ``<root>/<url path>/keys.json``."""
    url_parts = [unquote(p) for p in httpx.URL(url).path.split("/") if p]
    folder = keys_file.parent
    if url_parts and list(folder.parts[-len(url_parts) :]) != url_parts:
        return None
    return folder.parents[len(url_parts) - 1] if url_parts else folder


def _achievement(doc: Any, achievement_id: str) -> Mapping[str, Any] | None:
    """A published Achievement document, if it is one and has the id it is published under."""
    if isinstance(doc, Mapping) and doc.get("id") == achievement_id:
        kinds = doc.get("type")
        if "Achievement" in (kinds if isinstance(kinds, list) else [kinds]):
            return doc
    return None


def _local_achievements(history: PublishedIssuer, root: Path) -> dict[str, Mapping[str, Any]]:
    """The history's Achievements found in the published folder (site root ``root``)."""
    found: dict[str, Mapping[str, Any]] = {}
    site = _origin(history.url or "")
    for url in history.achievements.values():
        if _origin(url) != site:
            continue
        segments = [unquote(p) for p in httpx.URL(url).path.split("/") if p]
        if any(s in (".", "..") or "/" in s or "\\" in s for s in segments):
            continue
        path = root.joinpath(*segments)
        if not path.is_file():
            continue
        try:
            document = _achievement(_read_json_file(path), url)
        except TrustStoreError:
            continue  # only needed to read full QR codes; the keys are what is pinned
        if document is not None:
            found[url] = document
    return found


def _fetched_achievements(
    history: PublishedIssuer, client: httpx.Client | None
) -> dict[str, Mapping[str, Any]]:
    """The history's Achievements fetched from the issuer's own site; one that cannot be
    fetched is left out (it is only needed to read ``full`` QR codes)."""
    found: dict[str, Mapping[str, Any]] = {}
    site = _origin(history.url or "")
    for url in history.achievements.values():
        if _origin(url) != site:
            continue
        try:
            document = _achievement(_fetch(url, client)[0], url)
        except (NetworkError, TrustStoreError):
            continue
        if document is not None:
            found[url] = document
    return found


def _from_folder(folder: Path) -> PublishedIssuer:
    keys_file = folder / "keys.json"
    if not keys_file.is_file():
        candidates = _search(folder, "keys.json")
        if len(candidates) > 1:
            raise TrustStoreError(
                f"{folder} holds {len(candidates)} keys.json files; give the one to pin."
            )
        if not candidates:
            documents = _search(folder, "did.json")
            if len(documents) == 1:
                return _from_file(documents[0])
            raise TrustStoreError(
                f"{folder} holds no keys.json (and no single did.json); is it a folder written "
                "by 'leadbadge publish'?"
            )
        keys_file = candidates[0]
    return _from_history_file(keys_file, roots=[folder])


def _local_path(root: Path | None, url: str) -> Path | None:
    """Where the file published at ``url`` sits in a published folder with site root ``root``."""
    segments = [unquote(p) for p in httpx.URL(url).path.split("/") if p]
    if root is None or any(s in (".", "..") or "/" in s or "\\" in s for s in segments):
        return None
    return root.joinpath(*segments)


def _local_status_lists(
    history: PublishedIssuer, root: Path | None, required: bool
) -> tuple[tuple[str, Mapping[str, Any]], ...]:
    """The status lists the history names, read from the published folder at ``root``.

    In a published folder (``required``) a missing list is an error; beside a lone keys.json
    the lists may simply not be at hand.
    """
    found = []
    for url in history.status_urls:
        path = _local_path(root, url)
        if path is None or not path.is_file():
            if required:
                raise TrustStoreError(
                    f"The key history names the status list {url}, but the published folder "
                    f"does not hold it (expected {path})."
                )
            continue
        found.append((url, _read_json_file(path)))
    return tuple(found)


def _local_registry(
    history: PublishedIssuer, root: Path | None, required: bool
) -> Mapping[str, Any] | None:
    """The accreditation registry the history names, from the published folder at ``root``."""
    url = history.accreditations_url
    if url is None:
        return None
    path = _local_path(root, url)
    if path is None or not path.is_file():
        if not required:
            return None
        # Unlike a status list, a registry is never needed to check the issuer's own
        # credentials, but pinning without it would silently drop its accreditations.
        raise TrustStoreError(
            f"The key history names the accreditation registry {url}, but it is not beside it "
            f"(expected {path}); pin the whole published folder."
        )
    document = _read_json_file(path, REGISTRY_MAX_BYTES)
    if not isinstance(document, Mapping):
        raise TrustStoreError(f"The accreditation registry {path} is not a JSON object.")
    return document


def _from_history_file(keys_file: Path, roots: list[Path]) -> PublishedIssuer:
    history = _history_file(keys_file, roots)
    root = roots[0] if roots else None
    derived = _site_root(keys_file, history.url) if history.url is not None else None
    lists = _local_status_lists(history, derived or root, required=bool(roots))
    registry = _local_registry(history, derived or root, required=bool(roots))
    return replace(history, status_lists=lists, accreditations=registry)


def _history_file(keys_file: Path, roots: list[Path]) -> PublishedIssuer:
    doc = _read_json_file(keys_file)
    if _kind(doc, str(keys_file)) != "history":
        raise TrustStoreError(f"{keys_file} is not a leadbadge key history.")
    history = parse_history(doc, str(keys_file.resolve()))
    derived = _site_root(keys_file, history.url) if history.url is not None else None
    if derived is not None:
        history = replace(history, achievement_documents=_local_achievements(history, derived))
    did_web = history.issuer if history.issuer.startswith("did:web:") else None
    if did_web is None or history.url is None:
        return history
    searched = [*roots, *([derived] if derived is not None else [])]
    for root in searched:
        did_file = _did_path(root, did_web)
        if did_file.is_file():
            return with_document(history, _read_json_file(did_file), str(did_file))
    if roots:
        expected = _did_path(roots[0], did_web)
        raise TrustStoreError(
            f"The key history names {did_web}, but its DID document is not in the published "
            f"folder (expected {expected})."
        )
    return history  # a lone keys.json: the DID document is not at hand; the history stands


def _from_file(path: Path) -> PublishedIssuer:
    doc = _read_json_file(path)
    if _kind(doc, str(path)) == "history":
        return _from_history_file(path, roots=[])
    return document_issuer(doc, str(path.resolve()))


# --- URLs ----------------------------------------------------------------------------------------


def _fetch(url: str, client: httpx.Client | None) -> tuple[Any, str]:
    fetched = fetch_json(url, client=client)
    return parse_json(fetched.body, fetched.url), fetched.url


def _origin(url: str) -> tuple[str, str, int | None]:
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port


def _from_url(url: str, client: httpx.Client | None) -> PublishedIssuer:
    if httpx.URL(url).path.endswith("/"):
        url += "keys.json"
    doc, final = _fetch(url, client)
    if _kind(doc, url) == "did":
        expected = did_web_to_url(doc["id"]) if doc["id"].startswith("did:web:") else None
        if expected != url:
            raise TrustStoreError(
                f"The DID document fetched from {url} is for {doc['id']}, whose document is not "
                "served there; pin a did:web DID from the address it names, a did:key by itself."
            )
        return document_issuer(doc, url)
    history = parse_history(doc, url)
    site = _origin(history.url or "")
    if _origin(url) != site and _origin(final) != site:
        raise TrustStoreError(
            f"The key history fetched from {url} says the issuer's site is {history.url}; "
            "fetch it from the issuer's own site."
        )
    # Every status list the history names is fetched from the issuer's own site (checked by
    # parse_history); one that cannot be fetched stops the pin, as a missing key would.
    history = replace(
        history, status_lists=tuple((u, _fetch(u, client)[0]) for u in history.status_urls)
    )
    if history.accreditations_url is not None:
        fetched = fetch_json(
            history.accreditations_url, client=client, max_bytes=REGISTRY_MAX_BYTES
        )
        registry = parse_json(fetched.body, fetched.url)
        if not isinstance(registry, Mapping):
            raise TrustStoreError(
                f"The accreditation registry {history.accreditations_url} is not a JSON object."
            )
        history = replace(history, accreditations=registry)
        history = _program_status_lists(history, registry, client)
    if history.issuer.startswith("did:web:"):
        did_url = did_web_to_url(history.issuer)
        did_doc, _ = _fetch(did_url, client)
        history = with_document(history, did_doc, did_url)
    # Last, and only nice to have: the Achievements (for full QR codes that leave them out).
    return replace(history, achievement_documents=_fetched_achievements(history, client))


def _program_status_lists(
    history: PublishedIssuer, registry: Mapping[str, Any], client: httpx.Client | None
) -> PublishedIssuer:
    """Fetch the status lists of every program an authority's registry names.

    Only URLs on the program's own site are fetched; the lists are checked against the
    program's keys when pinned. A program site that is down does not stop pinning the
    authority: its lists are left out and the reason kept.
    """
    fetched: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[str] = []
    seen: set[str] = set()
    programs = registry.get("programs")
    for program in programs if isinstance(programs, list) else []:
        keys = program.get("keyHistory") if isinstance(program, Mapping) else None
        if not isinstance(keys, Mapping) or not isinstance(keys.get("url"), str):
            continue
        urls = keys.get("statusLists")
        for url in urls if isinstance(urls, list) else []:
            if not isinstance(url, str) or url in seen:
                continue
            seen.add(url)
            try:
                if _origin(_web_url(url, "a status list URL")) != _origin(keys["url"]):
                    continue
                document = _fetch(url, client)[0]
            except (NetworkError, TrustStoreError) as error:
                problems.append(f"The status list {url} of {keys.get('name')}: {error.message}")
                continue
            if isinstance(document, Mapping):
                fetched.append((url, document))
    return replace(
        history, program_status_lists=tuple(fetched), program_status_problems=tuple(problems)
    )


def load_status_source(
    source: str | os.PathLike[str], *, client: httpx.Client | None = None
) -> tuple[Any, str, str | None]:
    """A status list document from a file or an https URL: (document, where, fetched URL).

    The fetched URL is the one asked for (credentials name lists by it), None for a file.
    """
    text = os.fspath(source)
    if isinstance(source, str) and "://" in text:
        url = str(check_url(text))
        return _fetch(url, client)[0], url, url
    path = Path(text).expanduser()
    return _read_json_file(path), str(path.resolve()), None


def is_status_source(source: str | os.PathLike[str]) -> bool:
    """True when ``source`` (a file, not a folder) holds a status list rather than an issuer."""
    text = os.fspath(source)
    if "://" in text or text.startswith("did:"):
        return False
    path = Path(text).expanduser()
    if not path.is_file():
        return False
    return is_status_list_document(_read_json_file(path))


def load_published(
    source: str | os.PathLike[str], *, client: httpx.Client | None = None
) -> PublishedIssuer:
    """Read and validate a published issuer from a folder, a file, a URL or a DID."""
    text = os.fspath(source)
    if isinstance(source, str):
        if text.startswith("did:web:"):
            try:
                url = did_web_to_url(text)
            except DIDError as error:
                raise TrustStoreError(error.message) from None
            return _from_url(url, client)
        if text.startswith("did:key:"):
            try:
                document = resolve_did_key(text)
            except DIDError as error:
                raise TrustStoreError(error.message) from None
            return document_issuer(document.to_json(), text)
        if text.startswith("did:"):
            raise TrustStoreError("Only did:web and did:key DIDs can be pinned by name.")
        if "://" in text:
            return _from_url(str(check_url(text)), client)
    path = Path(text).expanduser()
    if path.is_dir():
        return _from_folder(path)
    return _from_file(path)
