"""What a person sees on a credential's page, in a real browser: each status, a phone, print.

The site is published by ``leadbadge publish`` from a real issuer home (tests/_credential_site.py)
and served from 127.0.0.1. The checks read the page as rendered — its visible text, computed
styles, what loaded — so a page that loads but says the wrong thing fails; the last tests feed
the same checks pages broken on purpose and expect them to fail.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from leadbadge.share.bake import unbake
from tests._credential_site import (
    HOSTILE_NAME,
    ISSUER_NAME,
    NAMES,
    URL,
    VERIFICATION_PAGE,
    CredentialSite,
    publish_credential_site,
)
from tests.browser.conftest import PHONE, WatchedPage

OpenPage = Callable[..., WatchedPage]
STATES = ("active", "revoked", "suspended")
HEADLINES = {
    "active": "Active",
    "revoked": "Revoked on 24 November 2026",
    "suspended": "Suspended since 24 November 2026",
    "hostile": "Active",
}
AS_OF = "Status as of 25 November 2026, 15:15 UTC, when the issuer last updated this page."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> CredentialSite:
    return publish_credential_site(tmp_path_factory.mktemp("credential-site"))


@pytest.fixture
def base_url(site: CredentialSite, serve_folder: Callable[[Path], str]) -> str:
    return serve_folder(site.root)


# --- the checks -------------------------------------------------------------------------------


def _main_text(watched: WatchedPage) -> str:
    return " ".join(watched.page.locator("main").inner_text().split())


def check_person_sees(watched: WatchedPage, state: str, site: CredentialSite) -> None:
    """The facts a reader needs, as visible text, and a page that loaded cleanly."""
    page = watched.page
    assert page.get_by_role("heading", level=1).inner_text() == "Initial Leadership Certification"
    status = page.locator("#status-h")
    assert status.is_visible()
    assert " ".join(status.inner_text().split()) == f"Status: {HEADLINES[state]}"
    text = _main_text(watched)
    link = f"{URL}{site.paths[state].removeprefix('/leadership')}".rstrip("/")
    for expected in (
        f"Awarded to {NAMES[state]}",
        f"Issued by {ISSUER_NAME}",
        AS_OF,
        "Valid until 23 November 2031",
        "Time Management",
        "Achieved Proficient, level 2 of 4 (required: Proficient)",
        "Structured Entry-Level Leadership Internship",
        "Supervisor name",
        "Competency Evidence Portfolio",
        f"leadbadge verify --online {link}",
        f"leadbadge trust add {URL}/keys.json",
        "The credential (Open Badges 3.0, JSON)",
        "The badge image",
    ):
        assert expected in text, f"the page does not show {expected!r}"
    verification = page.get_by_role("link", name=VERIFICATION_PAGE)
    assert verification.get_attribute("href") == VERIFICATION_PAGE
    badge = page.get_by_role("img", name="Initial Leadership Certification badge from")
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")
    assert watched.problems == []


def check_no_json_dump(watched: WatchedPage, site: CredentialSite, state: str) -> None:
    text = watched.page.locator("body").inner_text()
    proof = site.documents[state]["proof"][0]["proofValue"]
    for raw in ("@context", "proofValue", proof, '"type":', "identityHash", "salt"):
        assert raw not in text, f"the page shows raw JSON ({raw!r})"


def check_csp(watched: WatchedPage) -> None:
    """The policy is in force: the page's own style applies, injected script and style do not."""
    page = watched.page
    meta = page.locator('meta[http-equiv="Content-Security-Policy"]')
    assert meta.count() == 1, "the page has no Content Security Policy"
    policy = meta.get_attribute("content")
    assert policy is not None
    assert "default-src 'none'" in policy
    # The stylesheet ran: the hash in the policy matches it.
    assert page.locator("main").evaluate("e => getComputedStyle(e).maxWidth") == "768px"
    outcome = page.evaluate(
        """() => new Promise(resolve => {
            const seen = [];
            document.addEventListener(
                'securitypolicyviolation', e => seen.push(e.violatedDirective));
            const script = document.createElement('script');
            script.textContent = 'window.__injected = 1';
            document.body.append(script);
            const style = document.createElement('style');
            style.textContent = 'h1 { color: rgb(255, 0, 0) !important }';
            document.head.append(style);
            const img = document.createElement('img');
            img.src = 'http://127.0.0.2:9/x.png';
            document.body.append(img);
            setTimeout(() => resolve({
                ran: window.__injected === 1,
                h1: getComputedStyle(document.querySelector('h1')).color,
                seen,
            }), 300);
        })"""
    )
    assert outcome["ran"] is False
    assert outcome["h1"] != "rgb(255, 0, 0)"
    assert {d.split(" ")[0] for d in outcome["seen"]} >= {"script-src-elem", "style-src-elem"}
    assert any(d.startswith("img-src") for d in outcome["seen"])


def check_hostile_text(watched: WatchedPage) -> None:
    page = watched.page
    assert f"Awarded to {HOSTILE_NAME}" in _main_text(watched)
    assert HOSTILE_NAME in page.title()
    # The one image is the badge: the name's <img> is text, and no script ran.
    assert page.locator("img").count() == 1
    assert page.locator("script").count() == 0
    assert page.evaluate("typeof window.alert") == "function"
    assert watched.dialogs == []
    assert watched.problems == []


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_what_a_person_sees(
    state: str,
    site: CredentialSite,
    base_url: str,
    open_page: OpenPage,
    screenshot: Callable[..., Path],
) -> None:
    watched = open_page(base_url + site.paths[state])
    check_person_sees(watched, state, site)
    check_no_json_dump(watched, site, state)
    screenshot(watched.page, "desktop")


def test_the_link_without_its_trailing_slash_works_too(
    site: CredentialSite, base_url: str, open_page: OpenPage
) -> None:
    watched = open_page(base_url + site.paths["revoked"].rstrip("/"))
    check_person_sees(watched, "revoked", site)


def test_downloads_are_the_credential(
    site: CredentialSite, base_url: str, open_page: OpenPage, tmp_path: Path
) -> None:
    page = open_page(base_url + site.paths["active"]).page
    downloads = page.get_by_role("region", name="Download").get_by_role("link")
    assert downloads.count() == 2
    got = {}
    for i in range(downloads.count()):
        with page.expect_download() as info:
            downloads.nth(i).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        got[target.name] = target.read_bytes()
    assert set(got) == {"credential.json", "badge.svg"}
    assert json.loads(got["credential.json"]) == site.documents["active"]
    assert json.loads(unbake(got["badge.svg"]).text) == site.documents["active"]


def test_the_policy_holds(site: CredentialSite, base_url: str, open_page: OpenPage) -> None:
    watched = open_page(base_url + site.paths["active"])
    check_csp(watched)


def test_hostile_text_is_shown_as_text(
    site: CredentialSite,
    base_url: str,
    open_page: OpenPage,
    screenshot: Callable[..., Path],
) -> None:
    watched = open_page(base_url + site.paths["hostile"])
    check_hostile_text(watched)
    evidence = " ".join(watched.page.locator("#evidence-h + ul").inner_text().split())
    assert HOSTILE_NAME in evidence
    screenshot(watched.page, "hostile")


@pytest.mark.parametrize("state", STATES)
def test_on_a_phone(
    state: str,
    site: CredentialSite,
    base_url: str,
    open_page: OpenPage,
    screenshot: Callable[..., Path],
) -> None:
    watched = open_page(base_url + site.paths[state], mobile=True)
    page = watched.page
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    # Nothing wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    badge = page.locator(".hero img").bounding_box()
    title = page.get_by_role("heading", level=1).bounding_box()
    assert badge is not None
    assert title is not None
    assert badge["y"] + badge["height"] <= title["y"]  # stacked, not squeezed side by side
    assert page.locator("body").evaluate("b => parseFloat(getComputedStyle(b).fontSize)") >= 16
    check_person_sees(watched, state, site)
    screenshot(page, "phone")


@pytest.mark.parametrize("state", STATES)
def test_in_print(
    state: str,
    site: CredentialSite,
    base_url: str,
    open_page: OpenPage,
    screenshot: Callable[..., Path],
) -> None:
    watched = open_page(base_url + site.paths[state], media="print")
    page = watched.page
    assert page.get_by_role("heading", name="Download").is_hidden()
    assert page.locator("#status-h").is_visible()
    assert page.get_by_text(f"leadbadge verify --online {URL}").is_visible()
    status = page.locator(".status").evaluate("e => getComputedStyle(e).backgroundColor")
    assert status == "rgba(0, 0, 0, 0)"  # no ink wasted on backgrounds
    assert watched.problems == []
    screenshot(page, "print")


_CONTRAST = """() => {
    const lum = c => {
        const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = el => {
        for (; el; el = el.parentElement) {
            const c = getComputedStyle(el).backgroundColor;
            if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c;
        }
        return 'rgb(255, 255, 255)';
    };
    const low = [];
    for (const el of document.querySelectorAll('main *, header *, footer *')) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own || !el.getClientRects().length) continue;
        const style = getComputedStyle(el);
        const [a, b] = [lum(style.color), lum(background(el))];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        const large = parseFloat(style.fontSize) >= 24 ||
            (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) low.push(`${el.tagName} ${ratio.toFixed(2)}`);
    }
    return low;
}"""


def test_accessible(site: CredentialSite, base_url: str, open_page: OpenPage) -> None:
    for state in STATES:
        page = open_page(base_url + site.paths[state]).page
        for role in ("banner", "main", "contentinfo"):
            assert page.get_by_role(role).count() == 1, role
        levels = page.evaluate(
            "[...document.querySelectorAll('h1,h2,h3,h4')].map(h => Number(h.tagName[1]))"
        )
        assert levels[0] == 1
        assert levels.count(1) == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
        for region in ("Competencies", "Evidence", "Issuer", "Verify it independently"):
            assert page.get_by_role("region", name=region).count() == 1, region
        assert page.evaluate("[...document.images].every(i => i.getAttribute('alt')?.trim())"), (
            "an image has no alt text"
        )
        assert page.evaluate("[...document.links].every(a => a.textContent.trim())"), (
            "a link has no text"
        )
        assert page.evaluate(_CONTRAST) == []
        # The first Tab reaches the skip link, which leads to the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"


# --- the checks catch regressions ---------------------------------------------------------------


def _broken_copy(
    site: CredentialSite, tmp_path: Path, state: str, edit: Callable[[str], str]
) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(site.root, copy)
    page = copy.joinpath(*site.paths[state].strip("/").split("/"), "index.html")
    before = page.read_text(encoding="utf-8")
    after = edit(before)
    assert after != before
    page.write_text(after, encoding="utf-8")
    return copy


def _without_csp(page: str) -> str:
    return re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", page)


@pytest.mark.parametrize(
    ("state", "edit", "check"),
    [
        pytest.param(
            "revoked",
            lambda p: re.sub(r"Revoked on <time[^>]*>[^<]*</time>", "Active", p),
            "person",
        ),
        pytest.param(
            "suspended",
            lambda p: p.replace("Status as of", "Status at"),
            "person",
        ),
        pytest.param(
            "active",
            lambda p: re.sub(
                r'<section aria-labelledby="competencies-h">.*?</section>', "", p, flags=re.S
            ),
            "person",
        ),
        pytest.param(
            "active",
            lambda p: p.replace(
                "</main>", '<pre>{"@context": ["…"], "proofValue": "z"}</pre></main>'
            ),
            "json",
        ),
        pytest.param("active", _without_csp, "csp"),
        pytest.param(
            "hostile",
            lambda p: p.replace("&lt;img src=x", "<img src=x"),
            "hostile",
        ),
        pytest.param(
            "active",
            lambda p: p.replace('/badge.svg" width', '/missing.svg" width'),
            "person",
        ),
    ],
    ids=[
        "revoked-page-says-active",
        "no-status-date",
        "competencies-dropped",
        "raw-json-dumped",
        "policy-removed",
        "name-rendered-as-html",
        "broken-badge-image",
    ],
)
def test_the_checks_fail_on_a_regressed_page(
    state: str,
    edit: Callable[[str], str],
    check: str,
    *,
    site: CredentialSite,
    serve_folder: Callable[[Path], str],
    open_page: OpenPage,
    tmp_path: Path,
) -> None:
    base = serve_folder(_broken_copy(site, tmp_path, state, edit))
    watched = open_page(base + site.paths[state])
    checks: dict[str, Callable[[], None]] = {
        "person": lambda: check_person_sees(watched, state, site),
        "json": lambda: check_no_json_dump(watched, site, state),
        "csp": lambda: check_csp(watched),
        "hostile": lambda: check_hostile_text(watched),
    }
    with pytest.raises(AssertionError):
        checks[check]()
