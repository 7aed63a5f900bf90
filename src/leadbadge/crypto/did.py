"""DIDs for issuer keys: did:key resolution, did:web documents and their HTTPS locations.

Specifications:

- DID syntax: W3C DID v1.0 §3.1 (``did:<method>:<method-specific-id>``, ``idchar``).
- did:key: did:key Method v0.7, "Document Creation Algorithm" (Ed25519 only here).
- did:web: did:web Method Specification, "Method-specific identifier" (no IP addresses, the
  port colon percent-encoded, ``:`` between path segments) and "Read (Resolve)".
- Verification methods and relationships: W3C Controlled Identifiers v1.0 (CID), sections
  "Verification Methods", "Verification Material", "Multikey", "JsonWebKey", "Assertion", and
  "Retrieve Verification Method" (a method's id and controller must name the document).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from leadbadge.crypto.keys import (
    MULTICODEC_ED25519_PRIV,
    MULTICODEC_ED25519_PUB,
    VerifyingKey,
    multicodec_name,
    multikey_codec,
)
from leadbadge.errors import DIDError, InvalidKeyError

__all__ = [
    "DID_CONTEXT",
    "MULTIKEY_CONTEXT",
    "DidDocument",
    "VerificationMethod",
    "did_web_document",
    "did_web_to_url",
    "parse_did_document",
    "resolve_did_key",
    "url_to_did_web",
]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_TYPE_CONTEXTS = {
    "Multikey": MULTIKEY_CONTEXT,
    "Ed25519VerificationKey2020": "https://w3id.org/security/suites/ed25519-2020/v1",
    "JsonWebKey2020": "https://w3id.org/security/suites/jws-2020/v1",
    "JsonWebKey": "https://www.w3.org/ns/cid/v1",
}
_MULTIBASE_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020"})
_JWK_TYPES = frozenset({"JsonWebKey2020", "JsonWebKey"})
# Secret-key multicodecs (multiformats table): a document carrying one publishes a private key.
_SECRET_CODECS = frozenset({MULTICODEC_ED25519_PRIV, 0x1301, 0x1302, 0x1306, 0x1307})

# DID v1.0 §3.1: did = "did:" method-name ":" method-specific-id.
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID_RE = re.compile(rf"did:[a-z0-9]+:(?:{_IDCHAR}*:)*{_IDCHAR}+")
# RFC 3986 §3.5 fragment.
_FRAGMENT_RE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})+")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# A fragment we mint ourselves: RFC 3986 unreserved characters only.
_OWN_FRAGMENT_RE = re.compile(r"[A-Za-z0-9._~-]+")
_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


@dataclass(frozen=True)
class VerificationMethod:
    """One Ed25519 verification method from a DID document (CID "Verification Methods")."""

    id: str
    type: str
    controller: str
    public_key: VerifyingKey
    #: CID "Verification Methods": after ``revoked`` the method MUST NOT be used, after
    #: ``expires`` it SHOULD NOT. Checking them against a clock is the verifier's job.
    expires: datetime | None = None
    revoked: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The verification method map, with the key in the form its ``type`` calls for."""
        out: dict[str, Any] = {"id": self.id, "type": self.type, "controller": self.controller}
        if self.type in _JWK_TYPES:
            out["publicKeyJwk"] = self.public_key.to_jwk()
        else:
            out["publicKeyMultibase"] = self.public_key.multikey
        if self.expires is not None:
            out["expires"] = _xsd_datetime(self.expires)
        if self.revoked is not None:
            out["revoked"] = _xsd_datetime(self.revoked)
        return out


@dataclass(frozen=True)
class DidDocument:
    """The parts of a DID document that matter for verifying credentials.

    ``verification_methods`` holds only Ed25519 methods bound to this DID; anything else found
    in the document is listed in ``ignored_methods`` as (id, reason) and never returned.
    Relationship lists hold absolute method ids.
    """

    id: str
    verification_methods: tuple[VerificationMethod, ...]
    assertion_method: tuple[str, ...]
    authentication: tuple[str, ...] = ()
    ignored_methods: tuple[tuple[str, str], ...] = ()

    def verification_method(self, vm_id: str) -> VerificationMethod | None:
        """The method with this id (absolute, or ``#fragment`` relative to the document)."""
        wanted = self.id + vm_id if vm_id.startswith("#") else vm_id
        for vm in self.verification_methods:
            if vm.id == wanted:
                return vm
        return None

    def assertion_key(self, vm_id: str) -> VerificationMethod | None:
        """The method if it may sign credentials: it must be listed under ``assertionMethod``."""
        vm = self.verification_method(vm_id)
        if vm is None or vm.id not in self.assertion_method:
            return None
        return vm

    def to_json(self) -> dict[str, Any]:
        """The document as JSON (methods listed once, relationships by reference)."""
        contexts = [DID_CONTEXT]
        for vm in self.verification_methods:
            ctx = _TYPE_CONTEXTS.get(vm.type)
            if ctx and ctx not in contexts:
                contexts.append(ctx)
        out: dict[str, Any] = {
            "@context": contexts,
            "id": self.id,
            "verificationMethod": [vm.to_json() for vm in self.verification_methods],
        }
        if self.authentication:
            out["authentication"] = list(self.authentication)
        if self.assertion_method:
            out["assertionMethod"] = list(self.assertion_method)
        return out


def _xsd_datetime(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


# --- did:key -----------------------------------------------------------------------------------


def resolve_did_key(did: str) -> DidDocument:
    """Expand an Ed25519 did:key (or a ``did:key:…#…`` URL) into its DID document, offline.

    Per the did:key Document Creation Algorithm the one method has id ``<did>#<multibase>``,
    type Multikey, controller the DID, and is listed under ``assertionMethod`` and
    ``authentication``. A fragment, if given, must be that multibase value.
    """
    if not isinstance(did, str):
        raise DIDError("A DID must be a string.")
    base, has_fragment, fragment = did.partition("#")
    if not base.startswith("did:key:"):
        raise DIDError(f"{_shorten(base)!r} is not a did:key DID.", did=did)
    parts = base.split(":")
    if len(parts) == 4:
        raise DIDError("Versioned did:key identifiers (did:key:1:…) are not supported.", did=did)
    mb = parts[2] if len(parts) == 3 else ""
    if len(parts) != 3 or not mb.startswith("z") or not _DID_RE.fullmatch(base):
        raise DIDError(
            "A did:key is 'did:key:' followed by a base58btc multibase key ('z…').", did=did
        )
    try:
        codec = multikey_codec(mb)
        if codec in _SECRET_CODECS:
            # The "DID" is a private key: do not repeat it anywhere.
            raise DIDError("This did:key encodes a secret key, not a public key; never share it.")
        if codec != MULTICODEC_ED25519_PUB:
            raise DIDError(
                f"This did:key holds a {multicodec_name(codec)} key; only Ed25519 is supported.",
                did=did,
            )
        key = VerifyingKey.from_multikey(mb)
    except InvalidKeyError as exc:
        raise DIDError(f"The did:key is malformed: {exc.message}", did=did) from None
    if has_fragment and fragment != mb:
        raise DIDError("The did:key URL fragment does not name the DID's own key.", did=did)
    vm_id = f"{base}#{mb}"
    return DidDocument(
        id=base,
        verification_methods=(VerificationMethod(vm_id, "Multikey", base, key),),
        assertion_method=(vm_id,),
        authentication=(vm_id,),
    )


def _shorten(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


# --- did:web -----------------------------------------------------------------------------------


def _check_host(host: str, did: str | None) -> str:
    """Validate a did:web host (RFC 1035/1123 names, no IP literals); return it lower-cased."""
    if not host.isascii():
        raise DIDError(
            f"{host!r} is not ASCII; write internationalised domain names in xn-- form.", did=did
        )
    if _is_ip_literal(host):
        raise DIDError(
            "A did:web host must be a domain name; the did:web method forbids IP addresses.",
            did=did,
        )
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        raise DIDError(
            f"{host!r} is not a valid domain name; internationalised names must be written in "
            "their xn-- (punycode) form.",
            did=did,
        )
    if labels[-1].isdigit():
        raise DIDError(f"{host!r} looks like an IP address, which did:web does not allow.", did=did)
    return host.lower()


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _check_port(port: str, did: str) -> int:
    if not port.isdigit() or port != str(int(port)) or not 0 < int(port) < 65536:
        raise DIDError(f"{port!r} is not a valid port number.", did=did)
    return int(port)


def _check_path_segment(segment: str, did: str) -> None:
    decoded = unquote(segment)
    if decoded in (".", "..") or any(c in decoded for c in "/\\?#") or not decoded.isprintable():
        raise DIDError(
            f"The did:web path segment {segment!r} could change which document is fetched "
            "('.', '..', '/', '\\', '?', '#' or control characters); it is refused.",
            did=did,
        )


def _parse_did_web(did: str) -> tuple[str, int | None, list[str]]:
    """Split a did:web DID (fragment allowed, query refused) into host, port and path."""
    if not isinstance(did, str):
        raise DIDError("A DID must be a string.")
    base = did.partition("#")[0]
    if not base.startswith("did:web:"):
        raise DIDError(f"{_shorten(base)!r} is not a did:web DID.", did=did)
    if "?" in base or "/" in base:
        raise DIDError(
            "A did:web DID has no '/' or '?': path segments are separated by ':'.", did=did
        )
    segments = base[len("did:web:") :].split(":")
    if any(not s for s in segments) or not _DID_RE.fullmatch(base):
        raise DIDError(
            "A did:web DID is 'did:web:' + domain [+ ':' path segments], with no empty "
            "segments and only letters, digits, '.', '-', '_' and %-escapes.",
            did=did,
        )
    match = re.fullmatch(r"([^%]+)(?:%3[Aa]([^%]*))?", segments[0])
    if not match:
        raise DIDError(
            "In a did:web host only the port colon may be percent-encoded ('%3A').", did=did
        )
    host = _check_host(match.group(1), did)
    port = _check_port(match.group(2), did) if match.group(2) is not None else None
    for segment in segments[1:]:
        _check_path_segment(segment, did)
    return host, port, segments[1:]


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of a did:web DID document (did:web "Read (Resolve)").

    ``did:web:example.com`` -> ``https://example.com/.well-known/did.json``;
    ``did:web:example.com:user:alice`` -> ``https://example.com/user/alice/did.json``;
    ``did:web:localhost%3A8443`` -> ``https://localhost:8443/.well-known/did.json``.
    A fragment is ignored (it names something inside the document); a query is refused.
    The host is lower-cased in the URL (DNS names are case-insensitive), path segments are
    kept as written.
    """
    host, port, path = _parse_did_web(did)
    authority = host if port is None else f"{host}:{port}"
    where = "/" + "/".join(path) if path else "/.well-known"
    return f"https://{authority}{where}/did.json"


def _encode_segment(segment: str, did: str) -> str:
    decoded = unquote(segment)
    _check_path_segment(quote(decoded, safe=""), did)
    # DID idchar has no '~', so it is escaped too (quote leaves it alone).
    return quote(decoded, safe="").replace("~", "%7E")


def url_to_did_web(value: str) -> str:
    """The did:web DID for an HTTPS location, a ``HOST[:PATH]`` shorthand or a did:web DID.

    ``https://example.org/issuers/rcoe`` (or ``…/rcoe/did.json``) and ``example.org:issuers:rcoe``
    -> ``did:web:example.org:issuers:rcoe``; ``https://localhost:8443`` ->
    ``did:web:localhost%3A8443``. In the shorthand, ``:`` separates path segments as in the DID
    itself, so ``example.org:8443`` is refused as ambiguous: write ``example.org%3A8443`` or
    ``https://example.org:8443`` for a port.
    """
    if not isinstance(value, str) or not value.strip():
        raise DIDError("Give a domain, an https:// URL or a did:web DID.")
    text = value.strip()
    if text.startswith("did:"):
        if "#" in text:
            raise DIDError("Give the did:web DID without a '#fragment'.", did=text)
        _parse_did_web(text)
        return text
    if "://" not in text and "/" not in text:
        segments = text.split(":")
        if len(segments) > 1 and segments[1].isdigit():
            raise DIDError(
                f"{text!r} is ambiguous: in did:web ':' separates path segments. For a port "
                f"write {segments[0]}%3A{segments[1]} or https://{segments[0]}:{segments[1]}.",
            )
        host = re.sub("%3a", "%3A", segments[0].lower())
        did = "did:web:" + host + "".join(f":{s}" for s in segments[1:])
        _parse_did_web(did)
        return did
    url = text if "://" in text else f"https://{text}"
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise DIDError("did:web documents are served over HTTPS only.")
    if parts.username is not None or parts.password is not None:
        raise DIDError("A did:web location cannot carry a user name or password.")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise DIDError("A did:web location cannot carry a query or fragment.")
    try:
        port = parts.port
    except ValueError:
        raise DIDError(f"{parts.netloc!r} has an invalid port.") from None
    host = _check_host(parts.hostname or "", None)
    path = parts.path.rstrip("/")
    if path.endswith("/did.json"):
        path = path[: -len("/did.json")]
    if path == "/.well-known":
        path = ""
    raw_segments = path.split("/")[1:] if path else []
    if any(not s for s in raw_segments):
        raise DIDError(f"The path {parts.path!r} has an empty segment.")
    msid = host
    if port is not None and port != 443:
        msid += f"%3A{port}"
    did = "did:web:" + msid
    did += "".join(":" + _encode_segment(s, did) for s in raw_segments)
    _parse_did_web(did)
    return did


def did_web_document(did: str, keys: Sequence[tuple[str, VerifyingKey]]) -> dict[str, Any]:
    """A did:web DID document publishing ``keys`` as Multikey methods under ``assertionMethod``.

    Each pair is (fragment, key): the method id is ``<did>#<fragment>``. Using the key's own
    Multikey (``key.multikey``) as the fragment gives ids of the form
    ``<did>#z6Mk…``, which is also what Open Badges verifiers that read the key from the
    fragment expect; short names such as ``key-1`` work as well.
    """
    _parse_did_web(did)
    if "#" in did:
        raise DIDError("Give the did:web DID without a '#fragment'.", did=did)
    if not keys:
        raise DIDError("A did:web document needs at least one key.", did=did)
    methods: list[VerificationMethod] = []
    seen_keys: set[VerifyingKey] = set()
    for fragment, key in keys:
        if not isinstance(fragment, str) or not _OWN_FRAGMENT_RE.fullmatch(fragment):
            raise DIDError(
                f"The fragment {fragment!r} must be non-empty and use only letters, digits, "
                "'.', '_', '~' and '-' (no leading '#').",
                did=did,
            )
        if not isinstance(key, VerifyingKey):
            raise DIDError(f"The key for #{fragment} is not a VerifyingKey.", did=did)
        if any(m.id == f"{did}#{fragment}" for m in methods):
            raise DIDError(f"The fragment {fragment!r} is used twice.", did=did)
        if key in seen_keys:
            raise DIDError(f"The key {key.multikey} is listed twice.", did=did)
        seen_keys.add(key)
        methods.append(VerificationMethod(f"{did}#{fragment}", "Multikey", did, key))
    document = DidDocument(
        id=did,
        verification_methods=tuple(methods),
        assertion_method=tuple(m.id for m in methods),
    )
    return document.to_json()


# --- parsing DID documents ---------------------------------------------------------------------


def _absolute(ref: object, doc_id: str, where: str) -> str:
    """Resolve a method reference: ``#frag`` against the document, else an absolute URL."""
    if not isinstance(ref, str) or not ref:
        raise DIDError(f"{where} must be a non-empty string.", did=doc_id)
    if ref.startswith("#"):
        if not _FRAGMENT_RE.fullmatch(ref[1:]):
            raise DIDError(f"{where} {ref!r} is not a valid fragment reference.", did=doc_id)
        return doc_id + ref
    if not _SCHEME_RE.match(ref) or any(c.isspace() for c in ref):
        raise DIDError(
            f"{where} {ref!r} is neither an absolute URL nor a '#fragment' reference.", did=doc_id
        )
    return ref


def _timestamp(entry: Mapping[str, Any], name: str, where: str, doc_id: str) -> datetime | None:
    value = entry.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value:
        raise DIDError(f"{where}.{name} is not a date-time with a time zone.", did=doc_id)
    return parsed


class _Parser:
    """Collects the verification methods of one document while its relationships are read."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.methods: dict[str, VerificationMethod] = {}
        self.ignored: list[tuple[str, str]] = []
        #: Each method id read so far, with its content (the id made absolute).
        self.seen: dict[str, dict[str, Any]] = {}

    def method(self, entry: object, where: str) -> str:
        """Read one method map; return its absolute id (kept, or recorded as ignored)."""
        doc_id = self.doc_id
        if not isinstance(entry, Mapping):
            raise DIDError(f"{where} must be a JSON object.", did=doc_id)
        vm_id = _absolute(entry.get("id"), doc_id, f"{where}.id")
        content = {**entry, "id": vm_id}
        if vm_id in self.seen:
            # Publishers list a method under verificationMethod and embed the same map under
            # assertionMethod: the same key twice. Two different maps under one id would leave
            # open which key the id names.
            if self.seen[vm_id] == content:
                return vm_id
            raise DIDError(
                f"{where}: the method id {vm_id!r} is defined twice, with different content.",
                did=doc_id,
            )
        self.seen[vm_id] = content
        vm_type = entry.get("type")
        if not isinstance(vm_type, str) or not vm_type:
            raise DIDError(f"{where}.type must be a string.", did=doc_id)
        controller = entry.get("controller")
        if not isinstance(controller, str) or not controller:
            raise DIDError(f"{where} has no 'controller'; it must be given explicitly.", did=doc_id)
        if "publicKeyMultibase" in entry and "publicKeyJwk" in entry:
            raise DIDError(
                f"{where} has both publicKeyMultibase and publicKeyJwk; a method carries one.",
                did=doc_id,
            )
        # CID "Retrieve Verification Method": a method is usable only from the document that
        # both its id and its controller name; anything else could be a planted key.
        if vm_id.partition("#")[0] != doc_id:
            return self._ignore(vm_id, "its id is not within this DID document")
        if controller != doc_id:
            return self._ignore(vm_id, f"it is controlled by {controller!r}, not by {doc_id!r}")
        key = self._key(entry, vm_type, vm_id, where)
        if key is None:
            return vm_id
        self.methods[vm_id] = VerificationMethod(
            id=vm_id,
            type=vm_type,
            controller=controller,
            public_key=key,
            expires=_timestamp(entry, "expires", where, doc_id),
            revoked=_timestamp(entry, "revoked", where, doc_id),
        )
        return vm_id

    def _ignore(self, vm_id: str, reason: str) -> str:
        self.ignored.append((vm_id, reason))
        return vm_id

    def _key(
        self, entry: Mapping[str, Any], vm_type: str, vm_id: str, where: str
    ) -> VerifyingKey | None:
        doc_id = self.doc_id
        try:
            if vm_type in _MULTIBASE_TYPES:
                value = entry.get("publicKeyMultibase")
                if value is None:
                    raise DIDError(f"{where} ({vm_type}) has no publicKeyMultibase.", did=doc_id)
                codec = multikey_codec(value)
                if codec in _SECRET_CODECS:
                    raise DIDError(
                        f"{where} publishes a secret key; refusing the document.", did=doc_id
                    )
                if codec != MULTICODEC_ED25519_PUB:
                    if vm_type != "Multikey":
                        raise DIDError(f"{where} ({vm_type}) is not an Ed25519 key.", did=doc_id)
                    self._ignore(vm_id, f"its Multikey is {multicodec_name(codec)}, not Ed25519")
                    return None
                return VerifyingKey.from_multikey(value)
            if vm_type in _JWK_TYPES:
                jwk = entry.get("publicKeyJwk")
                if not isinstance(jwk, Mapping):
                    raise DIDError(f"{where} ({vm_type}) has no publicKeyJwk object.", did=doc_id)
                if "d" in jwk:
                    raise DIDError(
                        f"{where} publishes a private JWK; refusing the document.", did=doc_id
                    )
                if (jwk.get("kty"), jwk.get("crv")) != ("OKP", "Ed25519"):
                    self._ignore(
                        vm_id, f"its JWK is {jwk.get('kty')!r}/{jwk.get('crv')!r}, not Ed25519"
                    )
                    return None
                return VerifyingKey.from_jwk(jwk)
        except InvalidKeyError as exc:
            raise DIDError(f"{where}: {exc.message}", did=doc_id) from None
        self._ignore(vm_id, f"the method type {vm_type!r} is not supported")
        return None

    def relationship(self, doc: Mapping[str, Any], name: str) -> tuple[str, ...]:
        value = doc.get(name, [])
        if not isinstance(value, list):
            raise DIDError(f"{name} must be a list.", did=self.doc_id)
        ids = []
        for i, item in enumerate(value):
            where = f"{name}[{i}]"
            if isinstance(item, Mapping):
                ids.append(self.method(item, where))  # embedded: usable for this purpose only
            else:
                ids.append(_absolute(item, self.doc_id, where))
        return tuple(ids)


def parse_did_document(doc: Mapping[str, Any], *, expected_did: str | None = None) -> DidDocument:
    """Read a DID document, keeping its Ed25519 verification methods.

    Accepted: ``Multikey`` and ``Ed25519VerificationKey2020`` (``publicKeyMultibase`` z6Mk…),
    ``JsonWebKey2020`` and ``JsonWebKey`` (``publicKeyJwk`` OKP/Ed25519). Methods of other key
    types, or not bound to this DID (CID "Retrieve Verification Method"), are skipped and listed in
    ``ignored_methods``; a malformed Ed25519 method, a missing ``controller``, a published
    private key or an ``id`` other than ``expected_did`` raise :class:`DIDError`.
    """
    if not isinstance(doc, Mapping):
        raise DIDError("A DID document must be a JSON object.", did=expected_did)
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not _DID_RE.fullmatch(doc_id):
        raise DIDError("The DID document's 'id' is not a DID.", did=expected_did)
    if expected_did is not None and doc_id != expected_did:
        raise DIDError(
            f"The DID document is for {doc_id!r}, not the expected {expected_did!r}.",
            did=expected_did,
        )
    parser = _Parser(doc_id)
    listed = doc.get("verificationMethod", [])
    if not isinstance(listed, list):
        raise DIDError("verificationMethod must be a list.", did=doc_id)
    for i, entry in enumerate(listed):
        parser.method(entry, f"verificationMethod[{i}]")
    assertion = parser.relationship(doc, "assertionMethod")
    authentication = parser.relationship(doc, "authentication")
    return DidDocument(
        id=doc_id,
        verification_methods=tuple(parser.methods.values()),
        assertion_method=assertion,
        authentication=authentication,
        ignored_methods=tuple(parser.ignored),
    )
