"""The verification page of ``leadbadge serve`` in a real browser, as an HR officer uses it:
choose or drop a file, take a photo of a résumé's QR code, read the verdict, print the record —
with the mouse, with the keyboard only, on a phone, and with JavaScript off.

The server is the real ``leadbadge serve`` application run by uvicorn on 127.0.0.1, over a trust
store pinning the issuer of the credentials (tests/unit/serve/_page.py). Each state is saved as a
screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import DESKTOP, WatchedPage
from tests.unit.serve._page import PageCredentials, make_credentials, running

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FileChooser, Page

OpenPage = Callable[..., WatchedPage]
Shot = Callable[["Page", str], Path]
#: The largest upload the test server accepts: above the photo, below the oversize file.
MAX_UPLOAD = 512 * 1024


@pytest.fixture(scope="module")
def creds(tmp_path_factory: pytest.TempPathFactory) -> PageCredentials:
    return make_credentials(tmp_path_factory.mktemp("page"))


@pytest.fixture(scope="module")
def files(creds: PageCredentials, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uploads")
    paths = creds.write(folder)
    paths["garbage"] = folder / "cover-letter.pdf"
    paths["garbage"].write_bytes(b"%PDF-1.7\nDear committee, please find my resume attached.")
    paths["oversize"] = folder / "scan.png"
    paths["oversize"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(MAX_UPLOAD + 64 * 1024))
    return paths


@pytest.fixture(scope="module")
def base_url(creds: PageCredentials) -> Iterator[str]:
    with running(creds.app(max_upload=MAX_UPLOAD)) as url:
        yield url


def _result(watched: WatchedPage) -> str:
    return " ".join(watched.page.locator("#result").inner_text().split())


def _verdict(watched: WatchedPage) -> str:
    return " ".join(watched.page.locator("#verdict-h").inner_text().split())


def _choose_and_verify(watched: WatchedPage, path: Path, field: str = "#file") -> None:
    page = watched.page
    page.set_input_files(field, str(path))
    page.get_by_role("button", name="Verify").click()
    page.locator("#verdict-h").wait_for()


def _clean(watched: WatchedPage) -> None:
    assert watched.csp_violations() == []
    assert watched.page_errors == []
    assert watched.failed_requests == []


# --- each verdict -----------------------------------------------------------------------------


def test_a_valid_credential_reads_valid(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    screenshot(watched.page, "form")
    _choose_and_verify(watched, files["valid"])
    assert _verdict(watched) == "✓ Valid"
    text = _result(watched)
    assert "Person Ana Ruiz" in text
    assert "Tier initial" in text
    assert "Issuer Riverside County Office of Education" in text
    assert "Not revoked as of" in text
    assert "Time Management: Proficient, level" in text
    # The result is announced and focused; the print button appears with the script.
    assert watched.page.locator("#result").get_attribute("aria-live") == "polite"
    assert watched.page.evaluate("document.activeElement.id") == "result"
    assert watched.page.get_by_role("button", name="Print this record").is_visible()
    _clean(watched)
    screenshot(watched.page, "valid")


def test_a_tampered_credential_reads_invalid_with_the_reason(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    _choose_and_verify(watched, files["tampered"])
    assert _verdict(watched) == "✗ Invalid"
    text = _result(watched)
    assert "Why: The signature does not match the credential" in text
    assert "What it claims (not established)" in text
    colour = watched.page.locator("#verdict-h").evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(155, 17, 30)"
    _clean(watched)
    screenshot(watched.page, "tampered")


def test_a_revoked_credential_reads_revoked(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    _choose_and_verify(watched, files["revoked"])
    assert _verdict(watched) == "✗ Invalid: revoked by its issuer"
    assert "Why: The issuer has revoked the credential" in _result(watched)
    _clean(watched)
    screenshot(watched.page, "revoked")


def test_a_photo_of_a_resume_qr_code_on_a_phone(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/", mobile=True)
    photo = watched.page.locator("#photo")
    assert photo.get_attribute("accept") == "image/*"
    assert photo.get_attribute("capture") == "environment"
    _choose_and_verify(watched, files["qr_photo"], "#photo")
    assert _verdict(watched) == "✓ Valid"
    text = _result(watched)
    assert "Person Ana Ruiz" in text
    assert "Read as qr+json" in text
    # Nothing is wider than the phone's screen.
    width = watched.page.evaluate("document.documentElement.scrollWidth")
    assert width <= watched.page.viewport_size["width"]  # type: ignore[index]
    _clean(watched)
    screenshot(watched.page, "qr-photo-phone")


def test_a_baked_badge_is_dropped_onto_the_page(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    page = watched.page
    data = list(files["baked_png"].read_bytes())
    transfer = page.evaluate_handle(
        """(bytes) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], "badge.png", {type: "image/png"}));
            return dt;
        }""",
        data,
    )
    page.dispatch_event("[data-drop]", "drop", {"dataTransfer": transfer})
    page.locator("#verdict-h").wait_for()
    assert _verdict(watched) == "✓ Valid"
    assert "Read as png+json" in _result(watched)
    _clean(watched)
    screenshot(watched.page, "dropped-badge")


# --- what cannot be checked -------------------------------------------------------------------


def test_an_oversize_upload_gets_a_clear_message(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    _choose_and_verify(watched, files["oversize"])
    assert (
        _verdict(watched)
        == "! Not checked: The upload is larger than this server accepts (512 KB)."
    )
    assert "What to do: Send a smaller file" in _result(watched)
    _clean(watched)
    screenshot(watched.page, "oversize")


def test_garbage_gets_a_clear_message(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    _choose_and_verify(watched, files["garbage"])
    verdict = _verdict(watched)
    assert verdict.startswith("! Not checked: cover-letter.pdf is a PDF document")
    assert "What to do: Choose a credential file" in _result(watched)
    _clean(watched)
    screenshot(watched.page, "garbage")


def test_a_link_without_online_says_what_to_do(
    open_page: OpenPage, base_url: str, screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    watched.page.fill("#link", "https://rcoe.example.org/leadership/c/abc")
    watched.page.get_by_role("button", name="Verify").click()
    watched.page.locator("#verdict-h").wait_for()
    assert "started without --online" in _verdict(watched)
    assert "download the credential file" in _result(watched)
    _clean(watched)
    screenshot(watched.page, "link-offline")


def test_hostile_text_stays_text(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    _choose_and_verify(watched, files["hostile"])
    assert watched.dialogs == []
    assert "<script>alert('x')</script>" in _result(watched)
    assert watched.page.locator("#result img, #result script").count() == 0
    _clean(watched)
    screenshot(watched.page, "hostile")


# --- keyboard, no script, print ---------------------------------------------------------------


def test_keyboard_only(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    page = watched.page
    # Listening before any key is pressed: a chooser opened while Playwright is still
    # subscribing would be missed.
    choosers: list[FileChooser] = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))  # noqa: PLW0108 - Playwright cannot wrap a builtin method
    order = []
    for _ in range(5):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    assert order == ["A", "file", "photo", "link", "BUTTON"]
    # Back to the file field, open it with the keyboard, and submit with Enter.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "file"
    page.keyboard.press("Space")
    for _ in range(50):
        if choosers:
            break
        page.wait_for_timeout(100)
    assert len(choosers) == 1, "Space on the file field did not open the file chooser"
    choosers[0].set_files(str(files["valid"]))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#verdict-h").wait_for()
    assert _verdict(watched) == "✓ Valid"
    # The focus is on the result, and the focus ring shows where it is on the controls.
    assert page.evaluate("document.activeElement.id") == "result"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Print this record"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    _clean(watched)
    screenshot(page, "keyboard")


def test_without_javascript_the_form_posts_and_answers(
    browser: Browser, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        page.goto(base_url + "/")
        page.set_input_files("#file", str(files["revoked"]))
        with page.expect_navigation():
            page.get_by_role("button", name="Verify").click()
        assert page.url == base_url + "/verify"
        heading = " ".join(page.locator("#verdict-h").inner_text().split())
        assert heading == "✗ Invalid: revoked by its issuer"
        # The print button needs the script; without it, it stays hidden.
        assert not page.get_by_role("button", name="Print this record").is_visible()
        screenshot(page, "no-javascript")
    finally:
        context.close()


def test_the_printed_record(
    open_page: OpenPage, base_url: str, files: dict[str, Path], screenshot: Shot
) -> None:
    watched = open_page(base_url + "/")
    _choose_and_verify(watched, files["valid"])
    page = watched.page
    page.emulate_media(media="print")
    assert not page.locator("#verify-form").is_visible()
    assert not page.locator("header.site").is_visible()
    when = " ".join(page.locator(".when").inner_text().split())
    assert when.startswith("Verified on 23 November 2026, 15:05 UTC by the verification server at")
    assert page.locator("table.checks").is_visible()
    _clean(watched)
    screenshot(page, "print")


#: The contrast of every text on the page against what is behind it (WCAG 2.x formula).
_CONTRASTS = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (e) => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const e of document.querySelectorAll("body *")) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !e.getClientRects().length) continue;
    const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(behind(e))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    out.push([e.tagName + "." + e.className, e.textContent.trim().slice(0, 30), ratio]);
  }
  return out;
}"""


@pytest.mark.parametrize("state", ["valid", "tampered", "garbage"])
def test_every_text_has_aa_contrast(
    open_page: OpenPage, base_url: str, files: dict[str, Path], state: str
) -> None:
    watched = open_page(base_url + "/")
    _choose_and_verify(watched, files[state])
    contrasts = watched.page.evaluate(_CONTRASTS)
    assert len(contrasts) > 10
    low = [(tag, text, round(ratio, 2)) for tag, text, ratio in contrasts if ratio < 4.5]
    assert low == []
