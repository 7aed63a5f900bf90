"""Data-model checks for any credential document: VC 1.1 / VC 2.0 rules, then the OB 3.0 shape.

These checks look only at the JSON structure. They never fetch anything, never expand JSON-LD
(undefined terms and protected-term redefinitions are the strict JSON-LD layer's job) and never
look at proofs beyond their shape, so they can run on credentials from any issuer.

Each rule cites the section of the specification it implements: VC Data Model 2.0 (W3C
Recommendation, 2025) and VC Data Model 1.1 here, Open Badges 3.0 (1EdTech) Appendix B in
:mod:`leadbadge.conformance.ob`. A problem is an ``error`` when a MUST of those specifications is
broken and a ``warning`` when the document is usable but dated or incomplete (VC 1.1 form, an
older OB context, a subject with neither ``id`` nor ``identifier``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from leadbadge.conformance.digests import digest_problems
from leadbadge.conformance.ob import OB_CREDENTIAL_TYPES, check_open_badge, ob_context_version
from leadbadge.conformance.problems import (
    NOT_IN_IRI,
    PARSING,
    RANGE,
    SCHEME,
    Checker,
    ConformanceProblem,
    VcVersion,
    check_date,
    check_optional_id,
    context_list,
    is_absolute_iri,
    is_date_time_stamp,
    is_language_value,
    items,
    pointer,
    shown,
)

# is_absolute_iri and is_date_time_stamp are offered here too: they are the VC value rules, and
# callers that run the checks also judge single values with them.
__all__ = [
    "VC_V1_CONTEXT_URL",
    "VC_V2_CONTEXT_URL",
    "check_credential_shape",
    "detect_versions",
    "is_absolute_iri",
    "is_date_time_stamp",
]

VC_V2_CONTEXT_URL = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT_URL = "https://www.w3.org/2018/credentials/v1"

_VC_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
_JSONLD_KEYWORD = re.compile(r"^@[A-Za-z]+$")


def detect_versions(doc: Mapping[str, Any]) -> tuple[VcVersion | None, str | None]:
    """The VC data model version and the OB context version a document names.

    The VC version comes from the first ``@context`` item (``"2.0"`` for credentials/v2,
    ``"1.1"`` for credentials/v1) or, failing that, from any item; the OB version from the OB
    3.0 context URL (``"3.0.0"`` … ``"3.0.3"``, ``"3.0-beta"`` for pre-release drafts).
    Either is ``None`` when the document names no such context.
    """
    contexts = context_list(doc.get("@context")) if isinstance(doc, Mapping) else []
    urls = [c for c in contexts if isinstance(c, str)]
    vc_version: VcVersion | None = None
    if urls and urls[0] == VC_V2_CONTEXT_URL:
        vc_version = "2.0"
    elif urls and urls[0] == VC_V1_CONTEXT_URL:
        vc_version = "1.1"
    elif VC_V2_CONTEXT_URL in urls:
        vc_version = "2.0"
    elif VC_V1_CONTEXT_URL in urls:
        vc_version = "1.1"
    ob_version = next((v for v in map(ob_context_version, urls) if v is not None), None)
    return vc_version, ob_version


def check_credential_shape(
    doc: Mapping[str, Any], *, require_open_badge: bool = False
) -> list[ConformanceProblem]:
    """Every data-model problem in a credential document, errors and warnings, in document order.

    An empty list means the document satisfies the VC data model (and, for an
    OpenBadgeCredential / AchievementCredential, the OB 3.0 data model) as far as its JSON
    structure shows. With ``require_open_badge`` a credential that is not an
    OpenBadgeCredential / AchievementCredential is an error (an Open Badges verifier's view).
    """
    check = Checker()
    if not isinstance(doc, Mapping):
        check.error("", "A credential must be a JSON object.", PARSING)
        return check.problems
    vc_version = _check_contexts(check, doc)
    check_optional_id(check, doc, "")
    types = _check_types(check, doc, "", required=True)
    if types is not None and "VerifiableCredential" not in types and _VC_TYPE_IRI not in types:
        check.error("/type", "The type must include VerifiableCredential.")
    _check_issuer(check, doc)
    _check_subjects(check, doc)
    _check_validity(check, doc, vc_version)
    _check_language_strings(check, doc, "")
    _check_typed_objects(check, doc)
    if types is not None and OB_CREDENTIAL_TYPES & set(types):
        check_open_badge(check, doc, vc_version)
    elif require_open_badge and types is not None:
        check.error("/type", "The type must include OpenBadgeCredential or AchievementCredential.")
    return check.problems


# --- VC Data Model 2.0 §4.3 Contexts ------------------------------------------------------


def _check_contexts(check: Checker, doc: Mapping[str, Any]) -> VcVersion | None:
    if "@context" not in doc:
        check.error("/@context", "The @context property is missing.")
        return None
    raw = doc["@context"]
    if isinstance(raw, str):
        check.warning("/@context", "The @context should be an array (an ordered set).")
    elif not isinstance(raw, list) or not raw:
        check.error("/@context", "The @context must be an ordered set of URLs and objects.")
        return None
    contexts = context_list(raw)
    for item, path in items(raw, "/@context"):
        if isinstance(item, str):
            if not is_absolute_iri(item):
                check.error(path, f"The context {shown(item)} is not a URL.")
        elif isinstance(item, Mapping):
            _check_inline_context(check, item, path)
        else:
            check.error(path, "Each @context item must be a URL or a context object.")
    first = contexts[0]
    if first == VC_V2_CONTEXT_URL:
        return "2.0"
    if first == VC_V1_CONTEXT_URL:
        check.warning(
            "/@context/0",
            "The credential uses the VC 1.1 data model (credentials/v1); VC 2.0 is current.",
        )
        return "1.1"
    check.error(
        "/@context/0",
        f"The first @context item must be {VC_V2_CONTEXT_URL} (or {VC_V1_CONTEXT_URL} for VC 1.1).",
    )
    return None


def _check_inline_context(check: Checker, context: Mapping[str, Any], path: str) -> None:
    """Only what makes a context object unprocessable on its face: malformed IRI mappings.

    A context wrapped as ``{"@context": {…}}`` (as the W3C Data Integrity suite writes it, and
    JSON-LD processors unwrap it) is checked inside.
    """
    if set(context) == {"@context"} and isinstance(context["@context"], Mapping):
        context, path = context["@context"], pointer(path, "@context")
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        target = definition.get("@id") if isinstance(definition, Mapping) else definition
        if target is None or not isinstance(target, str):
            continue
        if _JSONLD_KEYWORD.match(target):
            continue
        if NOT_IN_IRI.search(target) or (":" in target and not SCHEME.match(target)):
            check.error(
                pointer(path, term),
                f"The term {term!r} maps to {shown(target)}, which is not an IRI.",
            )


# --- §4.4 Identifiers, §4.5 Types ---------------------------------------------------------


def _check_types(
    check: Checker, node: Mapping[str, Any], path: str, *, required: bool
) -> list[str] | None:
    """The node's types, or None when absent or malformed (reported)."""
    where = pointer(path, "type")
    if "type" not in node:
        if required:
            check.error(where, "The type property is missing.")
        return None
    raw = node["type"]
    values = raw if isinstance(raw, list) else [raw]
    if not values:
        check.error(where, "The type must name at least one type.")
        return None
    good: list[str] = []
    for value, item_path in items(raw, where):
        if not isinstance(value, str) or not value or NOT_IN_IRI.search(value):
            check.error(item_path, f"The type {shown(value)} is not a term or a URL.")
        else:
            good.append(value)
    return good if len(good) == len(values) else None


# --- §4.7 Issuer, §4.8 Credential subject -------------------------------------------------


def _check_issuer(check: Checker, doc: Mapping[str, Any]) -> None:
    if "issuer" not in doc:
        check.error("/issuer", "The issuer property is missing.")
        return
    issuer = doc["issuer"]
    if isinstance(issuer, Mapping):
        if "id" not in issuer:
            check.error("/issuer/id", "The issuer object must have an id that is a URL.")
        else:
            check_optional_id(check, issuer, "/issuer")
        _check_language_strings(check, issuer, "/issuer")
    elif not is_absolute_iri(issuer):
        check.error(
            "/issuer", f"The issuer {shown(issuer)} is neither a URL nor an object with an id."
        )


def _check_subjects(check: Checker, doc: Mapping[str, Any]) -> None:
    if "credentialSubject" not in doc:
        check.error("/credentialSubject", "The credentialSubject property is missing.")
        return
    raw = doc["credentialSubject"]
    if isinstance(raw, list) and not raw:
        check.error("/credentialSubject", "The credentialSubject must not be empty.")
    for subject, path in items(raw, "/credentialSubject"):
        if not isinstance(subject, Mapping):
            check.error(path, "A credential subject must be an object.")
        elif not subject:
            check.error(path, "A credential subject must make at least one claim.")
        else:
            check_optional_id(check, subject, path)


# --- §4.6 Names and descriptions ----------------------------------------------------------


def _check_language_strings(check: Checker, node: Mapping[str, Any], path: str) -> None:
    for key in ("name", "description"):
        if key not in node:
            continue
        for value, item_path in items(node[key], pointer(path, key)):
            if isinstance(value, str):
                continue
            if not is_language_value(value):
                check.error(
                    item_path,
                    f"The {key} must be a string or a language value object "
                    "(@value with optional @language and @direction).",
                )


# --- §4.9 Validity period (VC 1.1 §4.6 issuance and expiration dates) ---------------------


def _check_validity(check: Checker, doc: Mapping[str, Any], vc_version: VcVersion | None) -> None:
    if vc_version == "1.1":
        if "issuanceDate" not in doc:
            check.error("/issuanceDate", "A VC 1.1 credential must have an issuanceDate.")
        start, end = (
            check_date(check, doc, "issuanceDate"),
            check_date(check, doc, "expirationDate"),
        )
        end_key = "expirationDate"
        for key in ("validFrom", "validUntil"):
            if key in doc:
                check.warning(
                    pointer("", key), f"{key} is a VC 2.0 property; VC 1.1 does not define it."
                )
    else:
        start, end = check_date(check, doc, "validFrom"), check_date(check, doc, "validUntil")
        end_key = "validUntil"
        for key in ("issuanceDate", "expirationDate"):
            if key in doc:
                check.warning(
                    pointer("", key),
                    f"{key} is a VC 1.1 property that the VC 2.0 context does not define.",
                )
    if start is not None and end is not None and start > end:
        check.error(
            pointer("", end_key), f"The {end_key} is earlier than the start of validity.", RANGE
        )


# --- Typed objects: §4.10 status, §4.11 schemas, §4.12 securing, §5.4-5.6, §5.3 -----------


def _check_typed_objects(check: Checker, doc: Mapping[str, Any]) -> None:
    for key in ("credentialStatus", "termsOfUse", "evidence", "refreshService", "proof"):
        if key not in doc:
            continue
        for item, path in items(doc[key], pointer("", key)):
            if not isinstance(item, Mapping):
                check.error(path, f"Each {key} entry must be an object.")
                continue
            _check_types(check, item, path, required=True)
            check_optional_id(check, item, path)
    if "credentialSchema" in doc:
        for item, path in items(doc["credentialSchema"], "/credentialSchema"):
            if not isinstance(item, Mapping):
                check.error(path, "Each credentialSchema entry must be an object.")
                continue
            if "id" not in item:
                check.error(pointer(path, "id"), "A credentialSchema entry must have an id.")
            check_optional_id(check, item, path)
            _check_types(check, item, path, required=True)
    if "relatedResource" in doc:
        seen: dict[str, str] = {}
        for item, path in items(doc["relatedResource"], "/relatedResource"):
            if not isinstance(item, Mapping) or "id" not in item:
                check.error(path, "A relatedResource entry must be an object with an id.")
                continue
            check_optional_id(check, item, path)
            # VC 2.0 §5.3: each related resource is listed once; two digests for one id leave
            # open which one the credential commits to.
            resource = item["id"]
            if isinstance(resource, str):
                if resource in seen:
                    check.error(
                        pointer(path, "id"),
                        f"The related resource {shown(resource)} is listed twice (first at "
                        f"{seen[resource]}).",
                    )
                seen.setdefault(resource, path)
            if "digestSRI" not in item and "digestMultibase" not in item:
                check.error(path, "A relatedResource entry needs digestSRI or digestMultibase.")
                continue
            for problem in digest_problems(
                resource, item.get("digestSRI"), item.get("digestMultibase")
            ):
                check.error(path, problem)
