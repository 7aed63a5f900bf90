"""An issuer's DID document (did:web or did:key), read alone or checked against its key history.

The rules are in docs/trust.md: a DID document pinned alone gives its assertion keys with no
period; one published beside a key history must list exactly the history's keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

from leadbadge.crypto.did import DidDocument, did_web_to_url, parse_did_document, resolve_did_key
from leadbadge.errors import DIDError, TrustStoreError
from leadbadge.trust.key_history import HistoryKey, PublishedIssuer


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
