"""Recipients' e-mail addresses: the form leadbadge hashes and IdentityObject matching."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

import pytest

from leadbadge.errors import InputError
from leadbadge.pathway.identity import identity_hash, matches_identity, normalize_email

# --- identity hashing ---------------------------------------------------------------------


def test_identity_hash_matches_the_spec_example() -> None:
    assert (
        identity_hash("a@example.com", "Kosher")
        == "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_identity_hash_without_salt_hashes_the_identifier_alone() -> None:
    expected = hashlib.sha256(b"a@example.com").hexdigest()
    assert identity_hash("a@example.com", None) == f"sha256${expected}"
    assert identity_hash("a@example.com", "") == f"sha256${expected}"


def _identity(value: str, *, hashed: bool = True, salt: str | None = "Kosher") -> dict[str, Any]:
    node: dict[str, Any] = {
        "type": "IdentityObject",
        "identityHash": value,
        "identityType": "emailAddress",
        "hashed": hashed,
    }
    if salt is not None:
        node["salt"] = salt
    return node


SPEC_HASH = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"


@pytest.mark.parametrize(
    ("identity", "email", "expected"),
    [
        (_identity(SPEC_HASH), "a@example.com", True),
        (_identity(SPEC_HASH), "  A@Example.COM ", True),
        (_identity(SPEC_HASH.upper().replace("SHA256", "sha256")), "a@example.com", True),
        (_identity(SPEC_HASH), "b@example.com", False),
        (_identity(SPEC_HASH, salt=None), "a@example.com", False),
        (
            _identity("md5$" + hashlib.md5(b"a@example.comKosher").hexdigest()),  # noqa: S324
            "a@example.com",
            True,
        ),
        (
            _identity("sha256$" + hashlib.sha256(b"a@example.com").hexdigest(), salt=None),
            "a@example.com",
            True,
        ),
        (_identity("a@example.com", hashed=False, salt=None), "A@example.com", True),
        (_identity("a@example.com", hashed=False), "b@example.com", False),
        (_identity("sha1$" + "0" * 40), "a@example.com", False),
        (
            _identity("b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"),
            "a@example.com",
            False,
        ),
        ({**_identity(SPEC_HASH), "identityType": "name"}, "a@example.com", False),
        ({**_identity(SPEC_HASH), "hashed": "true"}, "a@example.com", False),
        ({**_identity(SPEC_HASH), "salt": 7}, "a@example.com", False),
        ({**_identity(SPEC_HASH), "identityType": "email"}, "a@example.com", True),
    ],
)
def test_matches_identity(identity: dict[str, Any], email: str, expected: bool) -> None:
    assert matches_identity(identity, email) is expected


def test_an_address_hashed_as_given_by_another_issuer_matches_when_typed_the_same() -> None:
    mixed = identity_hash("Ana.Ruiz@Example.org", "s")
    assert matches_identity(_identity(mixed, salt="s"), "Ana.Ruiz@Example.org")
    assert not matches_identity(_identity(mixed, salt="s"), "ana.ruiz@example.org")


@pytest.mark.parametrize(
    "email",
    [
        "plain",
        "two@@example.org",
        "a@example",
        "a b@example.org",
        "a@-example.org",
        "a@example..org",
        "<a@example.org>",
        "ana@exämple",
        "josé núñez@example.org",
        "jos\u00e9\u0000@example.org",
        "ana@-bücher.example",
        "ana@xn--.example",
        "ana@bü_cher.example",
        "ü" * 33 + "@example.org",
        "x" * 65 + "@example.org",
        "a@" + "b" * 250 + ".org",
        "",
    ],
)
def test_bad_addresses_are_refused_with_the_field(email: str) -> None:
    with pytest.raises(InputError) as caught:
        normalize_email(email)
    assert caught.value.field == "email"
    assert caught.value.code == "invalid_input"


# --- internationalised addresses (RFC 6531) ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("josé.núñez@example.org", "josé.núñez@example.org"),
        (" JOSÉ.Núñez@Example.ORG ", "josé.núñez@example.org"),
        # Decomposed (NFD) input, as some keyboards and macOS file names give it.
        (unicodedata.normalize("NFD", "josé@example.org"), "josé@example.org"),
        ("ana@Bücher.example", "ana@bücher.example"),
        ("ana@xn--bcher-kva.example", "ana@bücher.example"),
        ("ANA@XN--BCHER-KVA.EXAMPLE", "ana@bücher.example"),
        ("用户@例子.广告", "用户@例子.广告"),
    ],
)
def test_internationalised_addresses_are_accepted_in_one_form(typed: str, normalised: str) -> None:
    assert normalize_email(typed) == normalised
    assert unicodedata.is_normalized("NFC", normalize_email(typed))


def test_the_same_mailbox_typed_differently_hashes_the_same() -> None:
    forms = [
        "josé@bücher.example",
        "JOSÉ@xn--bcher-kva.example",
        unicodedata.normalize("NFD", "josé@Bücher.example"),
    ]
    assert len({identity_hash(normalize_email(form), "s") for form in forms}) == 1


@pytest.mark.parametrize("hashed_form", ["josé@bücher.example", "josé@xn--bcher-kva.example"])
@pytest.mark.parametrize("typed", ["josé@bücher.example", "JOSÉ@XN--BCHER-KVA.example"])
def test_an_internationalised_address_matches_hashes_of_either_domain_form(
    hashed_form: str, typed: str
) -> None:
    identity = _identity(identity_hash(hashed_form, "s"), salt="s")
    assert matches_identity(identity, typed)
    assert not matches_identity(identity, "jose@bucher.example")
