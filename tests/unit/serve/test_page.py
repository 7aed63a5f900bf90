"""The verification page of ``leadbadge serve``, called in process: what a person sees for each
kind of credential and upload, the JSON form, the page's headers, and that nothing sent is kept
or trusted as markup."""

from __future__ import annotations

import html
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from starlette.formparsers import MultiPartParser

from leadbadge import TrustStore, VerificationPolicy, Verifier
from leadbadge.serve import ServeConfig, create_app
from tests.unit.serve._app import call
from tests.unit.serve._page import HOSTILE, NOW, PageCredentials, make_credentials


@pytest.fixture(scope="module")
def creds(tmp_path_factory: pytest.TempPathFactory) -> PageCredentials:
    return make_credentials(tmp_path_factory.mktemp("page"))


def _post(app: Any, name: str, data: bytes, *, field: str = "file", query: str = "") -> Any:
    return call(
        app, "POST", f"/verify{query}", files={field: (name, data, "application/octet-stream")}
    )


def _upload(creds: PageCredentials, document: dict[str, Any], **kw: Any) -> Any:
    return _post(creds.app(), "credential.json", json.dumps(document).encode(), **kw)


def _verdict_heading(page: str) -> str:
    match = re.search(r'<h2 id="verdict-h">(.*?)</h2>', page, re.S)
    assert match, "the page has no verdict heading"
    return html.unescape(re.sub(r"<[^>]+>", "", match[1])).strip()


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# --- the form ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/verify"])
def test_the_form_is_served_at_the_root_and_at_verify(creds: PageCredentials, path: str) -> None:
    response = call(creds.app(), "GET", path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert (
        '<form id="verify-form" method="post" action="/verify" enctype="multipart/form-data">'
        in page
    )
    # Every control has a label, and the photo input opens a phone's camera.
    for control in ("file", "photo", "link"):
        assert f'<label for="{control}">' in page
        assert f'id="{control}" name="{control}"' in page
    assert 'accept="image/*" capture="environment"' in page
    assert 'aria-live="polite"' in page
    assert "started without --online" not in page
    assert "a link (https://…) is not followed" in page


def test_the_page_headers_forbid_foreign_code_and_framing(creds: PageCredentials) -> None:
    for response in (
        call(creds.app(), "GET", "/"),
        _upload(creds, creds.valid),
        _upload(creds, creds.valid, query="?format=json"),
    ):
        csp = response.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


def test_the_page_loads_only_its_own_assets_and_runs_no_inline_script(
    creds: PageCredentials,
) -> None:
    page = call(creds.app(), "GET", "/").text
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/page.js" defer>']
    assert not re.search(r"<[^>]+\son[a-z]+=", page)
    assert "style=" not in page
    urls = re.findall(r'(?:src|href)="([^"#]+)"', page)
    assert urls
    assert all(url.startswith("/static/") or url == "/verify" for url in urls)
    for url in urls:
        asset = call(creds.app(), "GET", url)
        assert asset.status_code == 200, url
        assert asset.headers["x-content-type-options"] == "nosniff"
    assert (
        call(creds.app(), "GET", "/static/page.js")
        .headers["content-type"]
        .startswith("text/javascript")
    )
    assert call(creds.app(), "GET", "/static/../app.py").status_code == 404
    assert call(creds.app(), "GET", "/static/nothing.css").status_code == 404


# --- verdicts ---------------------------------------------------------------------------------


def test_a_valid_credential_says_valid_first_then_who_what_and_every_check(
    creds: PageCredentials,
) -> None:
    response = _upload(creds, creds.valid)
    assert response.status_code == 200
    page = response.text
    assert _verdict_heading(page) == "✓ Valid"
    text = _text(page)
    # The verdict comes before the details, and the details before the checks.
    assert text.index("Valid") < text.index("Ana Ruiz") < text.index("Every check")
    assert "The credential" in text
    assert "not established" not in text
    for expected in (
        "Person Ana Ruiz",
        "Tier initial",
        "Issuer Riverside County Office of Education",
        "Not revoked as of",
        "Status Not revoked as of 2026-11-23T15:00:00Z.",
        "Verified on 23 November 2026, 15:05 UTC",
    ):
        assert expected in text, expected
    for title in (
        "Signature",
        "Issuer key",
        "Issuer trust",
        "Validity window",
        "Revocation status",
    ):
        assert f"{title} passed" in text, title
    competencies = creds.valid["credentialSubject"]["achievement"]["resultDescription"]
    assert competencies
    for description in competencies:
        assert description["name"] in text
    assert re.search(r"Proficient, level \d of \d \(required: Proficient\)", text)
    for evidence in creds.valid["evidence"]:
        assert evidence["name"] in text


def test_a_tampered_credential_is_invalid_with_the_reason(creds: PageCredentials) -> None:
    page = _upload(creds, creds.tampered).text
    assert _verdict_heading(page) == "✗ Invalid"
    text = _text(page)
    assert "Why: The signature does not match the credential: it was changed after signing" in text
    # What it says is shown as its claim only.
    assert "What it claims (not established)" in text
    assert "Someone Else" in text


def test_a_revoked_credential_says_revoked(creds: PageCredentials) -> None:
    page = _upload(creds, creds.revoked).text
    assert _verdict_heading(page) == "✗ Invalid: revoked by its issuer"
    assert "Why: The issuer has revoked the credential (status list as of" in _text(page)


def test_an_unpinned_issuer_cannot_be_valid_on_the_page(
    creds: PageCredentials, tmp_path: Path
) -> None:
    """The VC-API may report trust without requiring it; a person reading "valid" may not."""
    verifier = Verifier(
        TrustStore.open(tmp_path / "empty"), VerificationPolicy(require_trusted_issuer=False)
    )
    app = create_app(ServeConfig(verifier=verifier, clock=lambda: NOW))
    page = _post(app, "c.json", json.dumps(creds.valid).encode()).text
    assert _verdict_heading(page) == "? Could not be checked"
    assert "What to do:" in _text(page)
    report = _post(app, "c.json", json.dumps(creds.valid).encode(), query="?json").json()
    assert report["verdict"] == "inconclusive"


def test_a_photo_of_a_qr_code_is_read_like_the_credential(creds: PageCredentials) -> None:
    page = _post(creds.app(), "IMG_0042.jpg", creds.qr_photo, field="photo").text
    assert _verdict_heading(page) == "✓ Valid"
    text = _text(page)
    assert "Person Ana Ruiz" in text
    assert "Read as qr+json" in text
    assert "Checked: IMG_0042.jpg" in text


def test_a_baked_png_badge_is_read(creds: PageCredentials) -> None:
    page = _post(creds.app(), "badge.png", creds.baked_png).text
    assert _verdict_heading(page) == "✓ Valid"
    assert "Read as png+json" in _text(page)


def test_the_json_form_is_the_report(creds: PageCredentials) -> None:
    for query, headers in (
        ("?format=json", {}),
        ("?json", {}),
        ("", {"Accept": "application/json"}),
    ):
        response = call(
            creds.app(),
            "POST",
            f"/verify{query}",
            files={"file": ("r.json", json.dumps(creds.revoked).encode())},
            headers=headers,
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        report = response.json()
        assert report["verdict"] == "invalid"
        assert report["input"] == "r.json"
        assert next(c for c in report["checks"] if c["id"] == "status")["code"] == "REVOKED"
    # A raw body (curl --data-binary @badge.png) is read as the file.
    raw = call(creds.app(), "POST", "/verify?format=json", content=creds.baked_png)
    assert raw.json()["verdict"] == "valid"
    assert raw.json()["credential"]["sourceFormat"] == "png+json"


# --- what cannot be checked -------------------------------------------------------------------


def test_an_oversize_upload_is_refused_with_a_clear_message(creds: PageCredentials) -> None:
    app = creds.app(max_upload=64 * 1024)
    big = b"{" + b" " * (200 * 1024) + b"}"
    response = _post(app, "big.json", big)
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    text = _text(response.text)
    assert "Not checked: The upload is larger than this server accepts (64 KB)." in text
    assert "What to do: Send a smaller file" in text
    as_json = _post(app, "big.json", big, query="?format=json")
    assert as_json.status_code == 413
    assert as_json.json()["code"] == "upload_too_large"
    # Just under the limit, the same kind of upload is read (and found not to be a credential).
    assert _post(app, "small.json", b"[" + b" " * (60 * 1024) + b"]").status_code == 400


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x00\x01garbage\xff", "is not"),
        (b"%PDF-1.7 a resume", "PDF"),
        (b"Dear hiring committee,", "garbage.bin"),
    ],
)
def test_garbage_is_refused_with_one_sentence(
    creds: PageCredentials, data: bytes, says: str
) -> None:
    response = _post(creds.app(), "garbage.bin", data)
    assert response.status_code == 400
    text = _text(response.text)
    assert "Not checked:" in text
    assert says in text
    assert "What to do: Choose a credential file" in text
    assert "Traceback" not in response.text
    body = _post(creds.app(), "garbage.bin", data, query="?json").json()
    assert body["status"] == 400
    assert body["detail"].endswith(".")


def test_nothing_sent_or_two_things_sent_are_refused(creds: PageCredentials) -> None:
    empty = call(creds.app(), "POST", "/verify", files={"file": ("", b"")}, data={"link": ""})
    assert empty.status_code == 400
    assert "Nothing was sent to verify." in _text(empty.text)
    both = call(
        creds.app(),
        "POST",
        "/verify",
        files={"file": ("a.json", json.dumps(creds.valid).encode())},
        data={"link": "LB1:abc"},
    )
    assert both.status_code == 400
    assert "More than one thing was sent" in _text(both.text)


def test_a_link_is_not_followed_without_online(creds: PageCredentials) -> None:
    link = "https://rcoe.example.org/leadership/c/123"
    response = call(creds.app(), "POST", "/verify", files={"file": ("", b"")}, data={"link": link})
    assert response.status_code == 400
    text = _text(response.text)
    assert "started without --online" in text
    assert "download the credential file" in text
    as_json = call(creds.app(), "POST", "/verify?json", data={"link": link})
    assert as_json.json()["code"] == "link_needs_online"


def test_the_text_of_a_qr_code_is_verified_without_the_network(creds: PageCredentials) -> None:
    from leadbadge.share.qr import pack_full

    text = pack_full(creds.valid, elide_achievement=True)
    response = call(creds.app(), "POST", "/verify?json", data={"link": text})
    assert response.json()["verdict"] == "valid"


# --- hostile input ----------------------------------------------------------------------------


def test_hostile_strings_are_shown_as_text(creds: PageCredentials) -> None:
    name = HOSTILE + ".json"
    page = _post(creds.app(), name, json.dumps(creds.hostile).encode()).text
    assert _verdict_heading(page) == "✓ Valid"  # signed by the issuer, yet only text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#34;&gt;&lt;img" in page
    # The evidence id is no web address: it is not made a link.
    assert 'href="javascript:' not in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/page.js" defer>']
    garbage = _post(creds.app(), name, b"<svg onload=alert(1)>").text
    assert "<svg onload" not in garbage


# --- nothing kept -----------------------------------------------------------------------------


def test_no_uploaded_file_is_left_behind(
    creds: PageCredentials, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload larger than Starlette's spooling threshold stays in memory, and is gone after
    the answer: no temporary file is made, none is left."""
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    made: list[str] = []
    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp", "mkdtemp"):
        real = getattr(tempfile, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            made.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(tempfile, name, spy)
    # Whitespace keeps it a valid credential while making it larger than the spool threshold.
    padded = json.dumps(creds.valid).encode() + b" " * (MultiPartParser.spool_max_size + 1024)
    page = _post(creds.app(), "padded.json", padded).text
    assert _verdict_heading(page) == "✓ Valid"
    assert made == []
    assert list(spool.iterdir()) == []
    # The server keeps nothing either: the next answer knows nothing of the last upload.
    assert "padded.json" not in call(creds.app(), "GET", "/").text


# --- with --online ----------------------------------------------------------------------------


def test_a_link_is_followed_with_online(creds: PageCredentials) -> None:
    """The link is fetched through the verifier's sources (here a stand-in for the issuer's
    site), once, and the credential it names is verified."""
    import httpx

    from leadbadge.share.links import link_for
    from leadbadge.verifier.sources import credential_sources

    link = link_for(creds.valid, "https://rcoe.example.org/leadership")
    fetched: list[str] = []

    def site(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return httpx.Response(200, json=creds.valid, headers={"content-type": "application/json"})

    client = httpx.Client(transport=httpx.MockTransport(site))
    sources = credential_sources(trust_store=creds.world.trust, online=True, client=client)
    verifier = Verifier(creds.world.trust, VerificationPolicy(status="online"), sources=sources)
    app = create_app(ServeConfig(verifier=verifier, clock=lambda: NOW, online=True))
    page = call(app, "POST", "/verify", files={"file": ("", b"")}, data={"link": link}).text
    assert _verdict_heading(page) == "✓ Valid"
    assert "Person Ana Ruiz" in _text(page)
    assert fetched == [f"{link}/credential.json"]
    form = call(app, "GET", "/").text
    assert "A link (https://…/c/…)" in form
    assert "is not followed" not in form


def test_a_presentation_shows_each_credential(creds: PageCredentials) -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [creds.valid, creds.revoked],
    }
    response = _post(creds.app(), "vp.json", json.dumps(presentation).encode())
    assert response.status_code == 200
    text = _text(response.text)
    assert _verdict_heading(response.text).startswith("✗ Invalid")
    assert "The presentation" in text
    assert "Credential 1 of 2 (embedded)" in text
    assert "Credential 2 of 2 (embedded)" in text
    assert text.index("Credential 1 of 2") < text.index("✓ Valid") < text.index("Credential 2 of 2")
    assert "Invalid: revoked by its issuer" in text
    report = _post(creds.app(), "vp.json", json.dumps(presentation).encode(), query="?json").json()
    assert report["kind"] == "presentation"
    assert [c["verdict"] for c in report["credentials"]] == ["valid", "invalid"]


def test_evidence_narratives_keep_their_lists_and_bold_as_markup_of_escaped_text(
    creds: PageCredentials,
) -> None:
    page = _upload(creds, creds.valid).text
    # "- **Hours:** 180" in the credential's Markdown.
    assert "<li><strong>Hours:</strong> 180</li>" in page
    assert "**" not in _text(page)
    from leadbadge.serve.page_model import narrative

    blocks = narrative("Intro\n- **<b>x</b>** y\\_z\n- two\nafter **open")
    assert [b.kind for b in blocks] == ["paragraph", "list", "paragraph"]
    assert blocks[1].items == ((("<b>x</b>", True), (" y_z", False)), (("two", False),))
    assert blocks[2].items == ((("after **open", False),),)


def test_an_unexpected_failure_is_one_sentence_without_a_traceback(
    creds: PageCredentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail from " + HOSTILE)

    monkeypatch.setattr(Verifier, "verify_any", broken)
    response = _upload(creds, creds.valid)
    assert response.status_code == 500
    assert "Not checked: The server failed to answer." in _text(response.text)
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    assert _upload(creds, creds.valid, query="?json").json()["code"] == "internal_error"
