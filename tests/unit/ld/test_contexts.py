"""The context loader: shipped contexts only, copies, caches per version, threads, offline."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pyld import jsonld as pyld

from leadbadge import _resources
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import ContextNotAllowedError
from leadbadge.ld.canonical import canonicalize
from leadbadge.ld.contexts import ContextLoader, context_urls
from leadbadge.proof.eddsa_rdfc_2022 import sign, verify
from tests.unit.ld._badges import OB_300, OB_301, OB_302, OB_303, V2, badge, vc11_badge

# --- The loader -------------------------------------------------------------------------------


def test_loader_serves_exactly_the_shipped_contexts() -> None:
    loader = ContextLoader()
    assert loader.urls == frozenset(_resources.context_index())
    for url in loader.urls:
        assert loader(url)["document"] == _resources.context_document(url)
        assert loader(url)["documentUrl"] == url


def test_loader_refuses_any_other_url_naming_it() -> None:
    url = "https://example.org/contexts/evil.jsonld"
    with pytest.raises(ContextNotAllowedError) as caught:
        ContextLoader().document(url)
    assert caught.value.url == url
    assert url in caught.value.message


def test_loader_hands_out_copies() -> None:
    loader = ContextLoader()
    served = loader.document(V2)
    served["@context"]["name"] = "https://evil.example/name"
    assert loader.document(V2) == _resources.context_document(V2)


def test_extra_contexts_cannot_replace_shipped_ones() -> None:
    with pytest.raises(ValueError, match="replace shipped"):
        ContextLoader({V2: {"@context": {}}})
    with pytest.raises(ValueError, match="not a JSON-LD context"):
        ContextLoader({"https://example.org/c": {"name": "x"}})


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda d: d["@context"].append("https://example.org/ctx"), id="top-level"),
        pytest.param(
            lambda d: d["credentialSubject"].update({"@context": "https://example.org/ctx"}),
            id="nested",
        ),
    ],
)
def test_unknown_context_url_is_refused_with_its_name(where: Callable[[Any], None]) -> None:
    doc = badge()
    where(doc)
    with pytest.raises(ContextNotAllowedError) as caught:
        canonicalize(doc)
    assert caught.value.url == "https://example.org/ctx"


def test_relative_context_url_is_refused() -> None:
    doc = badge()
    doc["@context"].append("context.json")
    with pytest.raises(ContextNotAllowedError) as caught:
        canonicalize(doc)
    assert caught.value.url == "context.json"


def test_importing_leadbadge_leaves_pyld_global_loader_alone() -> None:
    code = (
        "from pyld import jsonld as j; before = j.get_document_loader(); "
        "import leadbadge.proof.eddsa_rdfc_2022; "
        "assert j.get_document_loader() is before"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_pyld_module_caches_are_never_used() -> None:
    before = dict(pyld._resolved_context_cache)
    canonicalize(badge(OB_302), loader=ContextLoader())
    assert dict(pyld._resolved_context_cache) == before


@pytest.mark.usefixtures("all_sockets_blocked")
def test_processing_never_opens_a_socket() -> None:
    assert canonicalize(badge()).count("\n") > 10


# TEST-ONLY key: fixed so a failure reproduces.
KEY = SigningKey.from_seed(bytes(range(32)))
SIGN_AND_VERIFY = f"""
import json, sys, uuid
from datetime import datetime, timezone

def refuse(*args, **kwargs):
    raise AssertionError("uuid.uuid1 was called")

uuid.uuid1 = refuse
from leadbadge.crypto.keys import SigningKey
from leadbadge.proof.eddsa_rdfc_2022 import sign, verify

key = SigningKey.from_seed(bytes(range(32)))
signed = sign(json.load(sys.stdin), key,
              verification_method={KEY.public_key.did_key_verification_method!r},
              created=datetime(2026, 1, 1, tzinfo=timezone.utc))
print(verify(signed).controller)
"""


def _credential() -> dict[str, Any]:
    doc = badge()
    doc["issuer"]["id"] = KEY.public_key.did_key
    return doc


def test_pyld_time_based_uuids_are_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # pyld keys its context caches with uuid.uuid1(), which makes libuuid open sockets; a fresh
    # loader makes pyld process every context again, so each of those calls would be made.
    def refuse(*_args: Any, **_kwargs: Any) -> uuid.UUID:
        raise AssertionError("uuid.uuid1 was called")

    monkeypatch.setattr(uuid, "uuid1", refuse)
    loader = ContextLoader()
    created = datetime(2026, 1, 1, tzinfo=UTC)
    vm = KEY.public_key.did_key_verification_method
    signed = sign(_credential(), KEY, verification_method=vm, created=created, loader=loader)
    assert verify(signed, loader=ContextLoader()).controller == KEY.public_key.did_key


def test_a_fresh_process_signs_and_verifies_without_time_based_uuids() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SIGN_AND_VERIFY],
        input=json.dumps(_credential()),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == KEY.public_key.did_key


def test_pyld_itself_keeps_its_uuid_module() -> None:
    assert pyld.uuid is uuid


# --- Context versions -------------------------------------------------------------------------


VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


def _achievement_predicate(nquads: str, doc: dict[str, Any]) -> str:
    """The predicate linking the credential subject to its achievement."""
    subject = doc["credentialSubject"]
    (line,) = [
        ln
        for ln in nquads.splitlines()
        if ln.startswith(f"<{subject['id']}> ")
        and ln.endswith(f" <{subject['achievement']['id']}> .")
    ]
    return line.split(" ")[1]


def test_each_ob_context_version_gives_its_own_canonical_form() -> None:
    forms = {url: canonicalize(badge(url)) for url in (OB_302, OB_303)}
    assert forms[OB_302] != forms[OB_303]
    # 3.0.2 names AchievementSubject.achievement "#achievement-0"; 3.0.3 changed it back.
    assert _achievement_predicate(forms[OB_302], badge()) == f"<{VOCAB}achievement-0>"
    assert _achievement_predicate(forms[OB_303], badge()) == f"<{VOCAB}achievement>"


def test_ob_301_is_processed_with_301_not_303() -> None:
    forms = {url: canonicalize(vc11_badge(url)) for url in (OB_300, OB_301, OB_303)}
    assert len(set(forms.values())) == 3
    doc = vc11_badge(OB_303)
    assert _achievement_predicate(forms[OB_300], doc) == f"<{VOCAB}Achievement>"
    assert _achievement_predicate(forms[OB_301], doc) == f"<{VOCAB}achievement-0>"
    assert _achievement_predicate(forms[OB_303], doc) == f"<{VOCAB}achievement>"


def test_the_shared_cache_never_serves_one_version_for_another() -> None:
    fresh = {url: canonicalize(badge(url), loader=ContextLoader()) for url in (OB_302, OB_303)}
    loader = ContextLoader()
    for url in (OB_303, OB_302, OB_303, OB_302):
        assert canonicalize(badge(url), loader=loader) == fresh[url]


def test_one_loader_is_safe_across_threads() -> None:
    expected = {url: canonicalize(badge(url)) for url in (OB_302, OB_303)}
    loader = ContextLoader()
    failures: list[str] = []

    def work(url: str) -> None:
        for _ in range(5):
            if canonicalize(badge(url), loader=loader) != expected[url]:
                failures.append(url)

    threads = [threading.Thread(target=work, args=(u,)) for u in (OB_302, OB_303) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_context_urls_lists_top_level_and_nested_contexts_once() -> None:
    doc = badge()
    doc["endorsement"] = [{"@context": [V2, OB_302]}, {"@context": V2}]
    assert context_urls(doc) == [V2, OB_303, OB_302]
