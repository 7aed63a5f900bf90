"""Text with a base direction (VC 2.0 §11.1): signed as the Digital Bazaar stack signs it.

jsonld-signatures and @digitalbazaar/eddsa-rdfc-2022-cryptosuite canonicalize with jsonld.js's
``rdfDirection: "i18n-datatype"`` (JSON-LD 1.1 API §8.6.2 step 2.10): the literal is typed
``https://www.w3.org/ns/i18n#`` + lowercased language + ``_`` + direction, with no language tag.
"""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.errors import JsonLdError
from leadbadge.ld.canonical import canonicalize
from tests.unit.ld._badges import badge

ID = "http://example.com/credentials/3527"
DESCRIPTION = "https://schema.org/description"
I18N = "https://www.w3.org/ns/i18n#"


def _described(value: Any) -> dict[str, Any]:
    doc = badge()
    doc["description"] = value
    return doc


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        pytest.param(
            {"@value": "شهادة", "@language": "ar", "@direction": "rtl"},
            f'"شهادة"^^<{I18N}ar_rtl>',
            id="language-and-direction",
        ),
        pytest.param(
            {"@value": "Leadership", "@language": "en-US", "@direction": "ltr"},
            f'"Leadership"^^<{I18N}en-us_ltr>',
            id="language-lowercased",
        ),
        pytest.param(
            {"@value": "Leadership", "@direction": "ltr"},
            f'"Leadership"^^<{I18N}_ltr>',
            id="direction-without-language",
        ),
        pytest.param(
            {"@value": "Leadership", "@language": "en"}, '"Leadership"@en', id="language-only"
        ),
    ],
)
def test_directional_text_is_an_i18n_typed_literal(value: Any, literal: str) -> None:
    assert f"<{ID}> <{DESCRIPTION}> {literal} ." in canonicalize(_described(value)).splitlines()


def test_the_direction_is_signed() -> None:
    forms = {
        canonicalize(_described({"@value": "x", "@language": "ar", "@direction": d}))
        for d in ("ltr", "rtl")
    }
    forms.add(canonicalize(_described({"@value": "x", "@language": "ar"})))
    assert len(forms) == 3


@pytest.mark.parametrize(
    ("value", "said"),
    [
        pytest.param(
            {"@value": "x", "@language": "ar", "@direction": "up"},
            "base direction \"up\" at /description/@direction is not 'ltr' or 'rtl'",
            id="unknown-direction",
        ),
        pytest.param(
            {"@value": "x", "@language": "ar", "@direction": "RTL"},
            "not 'ltr' or 'rtl'",
            id="uppercase-direction",
        ),
        pytest.param(
            {"@value": "x", "@direction": None}, "base direction null", id="null-direction"
        ),
        pytest.param({"@value": 5, "@direction": "rtl"}, "is not text", id="number"),
        pytest.param(
            {"@value": "x", "@direction": "rtl", "@type": "https://example.org/T"},
            "another spelling",
            id="typed-value",
        ),
    ],
)
def test_invalid_directional_values_are_refused(value: Any, said: str) -> None:
    with pytest.raises(JsonLdError) as caught:
        canonicalize(_described(value))
    assert said in str(caught.value)


def test_a_direction_on_a_node_is_refused() -> None:
    doc = badge()
    doc["credentialSubject"]["@direction"] = "rtl"
    with pytest.raises(JsonLdError, match="gives a node a base direction"):
        canonicalize(doc)
