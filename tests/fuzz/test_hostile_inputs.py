"""Property-based fuzzing of verification with hostile input (hypothesis, fixed seed, bounded).

Two properties, over every input form a verifier reads (JSON, VC-JWT, baked PNG and SVG, QR
text):

1. no exception escapes ``Verifier.verify`` but the documented one
   (:class:`~leadbadge.errors.CredentialDocumentError`: the input holds no readable credential);
   everything wrong with a credential is in the report;
2. no change to the content of a signed credential verifies as valid: an edit anywhere in the
   JSON (a value replaced, a member removed or added, a keyword slipped in) must end in a
   verdict other than valid, unless it only re-spells the same JSON-LD (the canonical N-Quads
   the proof signed are unchanged).

The examples are derandomized (the same inputs every run) and bounded in number, so the tests
are repeatable and their cost is fixed.
"""

from __future__ import annotations

import copy
import json
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leadbadge import CredentialDocumentError, Verdict, Verifier
from leadbadge.issuer.jose import credential_jwt
from leadbadge.ld.canonical import canonicalize
from leadbadge.share.bake import bake
from leadbadge.share.qr import pack_full
from tests.unit._issued import ISSUED, LATER, World, make_world

Path_ = tuple[str | int, ...]


def _fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


#: Bounded so the module costs a fixed, small share of the suite.
JSON_EXAMPLES = 200
BYTES_EXAMPLES = 60


@dataclass(frozen=True)
class Signed:
    """One credential from a pinned issuer, valid at ``LATER``, in every form it travels."""

    world: World
    document: dict[str, Any]
    paths: tuple[Path_, ...]
    forms: dict[str, bytes]

    def verify(self, data: bytes | dict[str, Any]) -> Verdict | None:
        """The verdict, or None when the input held no readable credential."""
        try:
            report = Verifier(self.world.trust).verify(data, now=LATER)
        except CredentialDocumentError:
            return None
        return report.verdict


def _paths(value: Any, prefix: Path_ = ()) -> list[Path_]:
    found: list[Path_] = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_paths(item, (*prefix, i)))
    return found


def _png(width: int = 8, height: int = 8) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
    b'<rect width="8" height="8"/></svg>'
)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Signed:
    world = make_world(tmp_path_factory.mktemp("fuzz"), did_web=None)
    document = world.issue()
    world.fresh_lists(LATER)
    text = json.dumps(document)
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    token = credential_jwt(world.issuer.home, unsigned, world.key(), now=ISSUED)
    forms = {
        "json": text.encode(),
        "jwt": token.encode(),
        "png": bake(_png(), text),
        "svg": bake(_SVG, text),
        "qr": pack_full(document, elide_achievement=False).encode(),
    }
    built = Signed(world, document, tuple(_paths(document)[1:]), forms)
    # Every form verifies as valid unchanged, so a verdict other than valid after an edit is
    # the edit's doing.
    for name, data in forms.items():
        assert built.verify(data) is Verdict.VALID, name
    return built


# --- edits to the JSON --------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    # Long integers stay under the 4,300 digits Python (and so hypothesis) will print.
    st.sampled_from([10**400, -(10**401), 2**63, 1e308, -0.0, 0.5]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "\ud800",
            "_:b0",
            "_:https://evil.example/x",
            "https://evil.example/x",
            "relative/path",
            "@id",
            "@type",
            "2030-01-01T00:00:00Z",
            "<img src=x onerror=alert(1)>",
        ]
    ),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = st.one_of(
    st.sampled_from(
        [
            "@language",
            "@direction",
            "@index",
            "@context",
            "@id",
            "@type",
            "@graph",
            "@vocab",
            "@nest",
            "@reverse",
            "@included",
            "@list",
            "@set",
            "@value",
            "id",
            "type",
            "name",
            "description",
            "unknownTerm",
            "https://evil.example/term",
            "_:b0",
        ]
    ),
    st.text(max_size=10),
)


def _parent_and_key(doc: Any, path: Path_) -> tuple[Any, str | int]:
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    return parent, path[-1]


def _replace(doc: Any, path: Path_, value: Any) -> None:
    parent, key = _parent_and_key(doc, path)
    parent[key] = value


def _delete(doc: Any, path: Path_) -> None:
    parent, key = _parent_and_key(doc, path)
    del parent[key]


def _add_member(doc: Any, path: Path_, key: str, value: Any) -> None:
    target = doc
    for step in path:
        target = target[step]
    if isinstance(target, dict):
        target[key] = value
    elif isinstance(target, list):
        target.append(value)
    else:
        _replace(doc, path, {key: value})


def _wrap(doc: Any, path: Path_, how: str) -> None:
    parent, key = _parent_and_key(doc, path)
    parent[key] = [parent[key]] if how == "list" else {"@value": parent[key]}


def _deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


_EDITS: tuple[str, ...] = ("replace", "delete", "add", "wrap-list", "wrap-value", "deep")


def _signed_content(document: dict[str, Any]) -> str:
    """The canonical N-Quads of the credential without its proof: what the proof signs."""
    return canonicalize({k: v for k, v in document.items() if k != "proof"})


def _snapshot(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


@_fuzz(JSON_EXAMPLES)
@given(data=st.data())
def test_no_edit_of_a_signed_credential_verifies_as_valid(
    signed: Signed, data: st.DataObject
) -> None:
    doc = copy.deepcopy(signed.document)
    path = data.draw(st.sampled_from(signed.paths), label="path")
    edit = data.draw(st.sampled_from(_EDITS), label="edit")
    if edit == "replace":
        _replace(doc, path, data.draw(_JSON, label="value"))
    elif edit == "delete":
        _delete(doc, path)
    elif edit == "add":
        _add_member(doc, path, data.draw(_KEYS, label="key"), data.draw(_JSON, label="value"))
    elif edit == "deep":
        _replace(doc, path, _deep(data.draw(st.sampled_from([70, 1_000, 5_000]), label="depth")))
    else:
        _wrap(doc, path, edit.removeprefix("wrap-"))
    # json.dumps cannot spell the deepest edits; they change the document by construction.
    assume(edit == "deep" or _snapshot(doc) != _snapshot(signed.document))
    if signed.verify(doc) is Verdict.VALID:
        # Only a re-spelling of the same JSON-LD may stay valid (a one-string array for the
        # string: both are the same RDF statement): what was signed must be unchanged.
        assert _signed_content(doc) == _signed_content(signed.document), (edit, path)


# --- hostile bytes in every form ------------------------------------------------------------------


_SPLICES = (b"{", b"[", b'"', b"\\ud800", b"\x00", b"\xff\xfe", b"]]>", b".")


def _mutate(data: bytes, draw: Callable[[st.SearchStrategy[Any]], Any]) -> bytes:
    how: str = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice", "repeat"]))
    at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
    if how == "flip":
        bit = draw(st.integers(min_value=0, max_value=7))
        return data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1 :]
    if how == "insert":
        noise: bytes = draw(st.binary(min_size=1, max_size=16))
        return data[:at] + noise + data[at:]
    if how == "delete":
        span = draw(st.integers(min_value=1, max_value=64))
        return data[:at] + data[at + span :]
    if how == "truncate":
        return data[:at]
    if how == "splice":
        other: bytes = draw(st.sampled_from(_SPLICES))
        count: int = draw(st.integers(min_value=1, max_value=200))
        return data[:at] + other * count + data[at:]
    times: int = draw(st.integers(min_value=2, max_value=50))
    return data[:at] + data[at : at + 64] * times + data[at:]


@pytest.mark.parametrize("form", ["json", "jwt", "png", "svg", "qr"])
def test_hostile_bytes_end_in_a_report_or_the_documented_error(signed: Signed, form: str) -> None:
    @_fuzz(BYTES_EXAMPLES)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        mutated = _mutate(signed.forms[form], data.draw)
        assume(mutated != signed.forms[form])
        signed.verify(mutated)  # a report or CredentialDocumentError, nothing else

    run()


@_fuzz(BYTES_EXAMPLES)
@given(blob=st.binary(max_size=512))
def test_arbitrary_bytes_end_in_a_report_or_the_documented_error(
    signed: Signed, blob: bytes
) -> None:
    signed.verify(blob)
