"""Recipients' e-mail addresses: the form leadbadge hashes, and matching OB 3.0 IdentityObjects.

An e-mail address is the identifier every credential's subject carries, salted and hashed
(OB 3.0 ``IdentityHash``); issuing, prerequisites and ``verify --recipient`` all meet here.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from leadbadge.errors import InputError

__all__ = [
    "credential_matches_email",
    "identity_hash",
    "matches_identity",
    "normalize_email",
]

# The WHATWG HTML "valid e-mail address" syntax: what browsers accept in <input type=email>.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)

_EMAIL_IDENTITY_TYPES = frozenset({"emailAddress", "email"})


@functools.cache
def _international_local() -> re.Pattern[str]:
    # RFC 6531 (SMTPUTF8) widens the local part's atext with any non-ASCII character; controls,
    # spaces and the other characters outside atext stay excluded. Compiled on first use: the
    # range makes it a few milliseconds of every start otherwise, for internationalised
    # addresses only.
    return re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\u0080-\U0010ffff-]+$")


def normalize_email(email: str, *, field_name: str = "email") -> str:
    """The canonical form leadbadge hashes: trimmed, Unicode NFC, lower case.

    ASCII addresses must pass the WHATWG HTML syntax check. Internationalised ones (RFC 6531:
    ``josé.núñez@example.org``, ``ana@bücher.example``) may use any non-ASCII character in the
    local part, and an internationalised domain name, which is kept in its Unicode form as
    IDNA 2008 with UTS #46 maps it (``xn--bcher-kva.example`` becomes ``bücher.example``).
    RFC 5321 length limits apply to the UTF-8 octets. Raises :class:`InputError`
    (``field=field_name``) otherwise.
    """
    if not isinstance(email, str):
        raise InputError("The e-mail address must be text.", field=field_name)
    candidate = unicodedata.normalize("NFC", email.strip())
    invalid = InputError(f"{candidate!r} is not a valid e-mail address.", field=field_name)
    local, _, domain = candidate.rpartition("@")
    if not candidate.isascii() or "xn--" in domain.lower():
        import idna  # noqa: PLC0415 -- internationalised addresses only; a cold start skips it

        if not local or _international_local().match(local) is None:
            raise invalid
        local = local.lower()
        try:
            ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
            domain = idna.decode(ascii_domain)
        except (idna.IDNAError, UnicodeError):
            raise invalid from None
        if not _EMAIL.match(f"a@{ascii_domain}"):
            raise invalid
        candidate = f"{local}@{domain}"
    elif not _EMAIL.match(candidate):
        raise invalid
    if len(candidate.encode()) > 254 or len(local.encode()) > 64 or "." not in domain:
        raise invalid
    return candidate.lower()


def _ascii_domain_form(email: str) -> str | None:
    """``email`` with its domain in IDNA A-labels (``ana@xn--bcher-kva.example``), if it has
    an internationalised domain: how some issuers write the address they hash."""
    local, _, domain = email.rpartition("@")
    if domain.isascii():
        return None
    import idna  # noqa: PLC0415 -- internationalised domains only

    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except (idna.IDNAError, UnicodeError):
        return None


def identity_hash(identifier: str, salt: str | None) -> str:
    """The OB 3.0 IdentityHash ``sha256$<hex>`` of an identifier with its salt appended.

    ``identity_hash("a@example.com", "Kosher")`` is the specification's own example.
    """
    digest = hashlib.sha256((identifier + (salt or "")).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def matches_identity(identity_object: Mapping[str, Any], email: str) -> bool:
    """Whether an OB 3.0 e-mail IdentityObject names this e-mail address.

    Handles ``sha256$`` and ``md5$`` hashes (hex in either case, salted or not) and plaintext
    (``hashed: false``) values. The address is tried as typed (trimmed) and in leadbadge's
    normalised lower-case form, so credentials from issuers that hash the address as given also
    match. Anything malformed, or an identity of another type, does not match.
    """
    if not isinstance(identity_object, Mapping) or not isinstance(email, str):
        return False
    if identity_object.get("identityType") not in _EMAIL_IDENTITY_TYPES:
        return False
    value = identity_object.get("identityHash")
    hashed = identity_object.get("hashed")
    salt = identity_object.get("salt") or ""
    if not isinstance(value, str) or not isinstance(hashed, bool) or not isinstance(salt, str):
        return False
    typed = email.strip()
    candidates = {typed, typed.lower()}
    with contextlib.suppress(InputError):
        candidates.add(normalize_email(typed))
    candidates |= {form for c in list(candidates) if (form := _ascii_domain_form(c))}
    if not hashed:
        return value.strip().casefold() in {c.casefold() for c in candidates}
    algorithm, separator, expected = value.partition("$")
    hash_function = {"sha256": hashlib.sha256, "md5": hashlib.md5}.get(algorithm.lower())
    if not separator or hash_function is None:
        return False
    expected = expected.lower()
    for candidate in candidates:
        actual = hash_function((candidate + salt).encode("utf-8"), usedforsecurity=False)
        if hmac.compare_digest(actual.hexdigest(), expected):
            return True
    return False


def credential_matches_email(credential: Mapping[str, Any], email: str) -> bool:
    """Whether any e-mail identifier of any credential subject names this address."""
    subjects = credential.get("credentialSubject") if isinstance(credential, Mapping) else None
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if not isinstance(subject, Mapping):
            continue
        identifiers = subject.get("identifier")
        for item in identifiers if isinstance(identifiers, list) else [identifiers]:
            if isinstance(item, Mapping) and matches_identity(item, email):
                return True
    return False
