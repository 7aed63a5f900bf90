"""Finding what an issuer publishes (a published folder, a file, a URL or a DID) and reading it.

Each kind of file is validated by its own module (:mod:`leadbadge.trust.key_history`,
:mod:`leadbadge.trust.did_documents`; the rules are in docs/trust.md). Everything here either
returns a fully checked :class:`PublishedIssuer` or raises: :class:`TrustStoreError` for content
we refuse, :class:`NetworkError` (from :mod:`leadbadge.trust.fetch`) when a URL cannot be fetched.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from leadbadge.crypto.did import did_web_to_url, resolve_did_key
from leadbadge.errors import DIDError, NetworkError, TrustStoreError
from leadbadge.status.lists import is_status_list_document
from leadbadge.trust.did_documents import document_issuer, with_document
from leadbadge.trust.key_history import (
    HISTORY_TYPE,
    PublishedIssuer,
    parse_history,
    parse_json,
    web_url,
)
from leadbadge.trust.web import MAX_BYTES, origin

if TYPE_CHECKING:
    import httpx

#: An authority's accreditation registry holds an endorsement (~2.5 KB) per program and tier.
REGISTRY_MAX_BYTES = 16 * 1024 * 1024
# Bounds on searching a folder for keys.json, so a mistaken argument (a home folder) ends quickly.
_MAX_SEARCH_DEPTH = 8
_MAX_SEARCH_ENTRIES = 20_000


def _kind(doc: Any, where: str) -> str:
    if isinstance(doc, Mapping):
        if doc.get("type") == HISTORY_TYPE:
            return "history"
        if isinstance(doc.get("id"), str) and doc["id"].startswith("did:"):
            return "did"
    raise TrustStoreError(
        f"{where} is neither a leadbadge key history (keys.json) nor a DID document (did.json)."
    )


# --- local files ---------------------------------------------------------------------------------


def _read_json_file(path: Path, max_bytes: int = MAX_BYTES) -> Any:
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise TrustStoreError(f"{path} does not exist.") from None
    except OSError as error:
        raise TrustStoreError(f"{path} cannot be read ({error.strerror}).") from None
    if len(data) > max_bytes:
        raise TrustStoreError(f"{path} is larger than the {max_bytes // 1024} KiB limit.")
    return parse_json(data, str(path))


def _search(folder: Path, name: str) -> list[Path]:
    found: list[Path] = []
    seen = 0
    for current, dirs, files in os.walk(folder):
        depth = len(Path(current).relative_to(folder).parts)
        seen += len(dirs) + len(files)
        if seen > _MAX_SEARCH_ENTRIES:
            raise TrustStoreError(
                f"{folder} holds too many files to search for {name}; give the file itself."
            )
        if depth >= _MAX_SEARCH_DEPTH:
            dirs.clear()
        dirs.sort()
        found.extend(Path(current) / name for f in files if f == name)
    return found


def _did_path(root: Path, did: str) -> Path:
    """Where a did:web document sits in a published folder whose site root is ``root``."""
    segments = did[len("did:web:") :].split(":")[1:]
    if not segments:
        return root / ".well-known" / "did.json"
    return root.joinpath(*(unquote(s) for s in segments), "did.json")


def _site_root(keys_file: Path, url: str) -> Path | None:
    """The published folder's root: keys.json sits at ``<root>/<url path>/keys.json``."""
    url_parts = [unquote(p) for p in _url_path(url).split("/") if p]
    folder = keys_file.parent
    if url_parts and list(folder.parts[-len(url_parts) :]) != url_parts:
        return None
    return folder.parents[len(url_parts) - 1] if url_parts else folder


def _achievement(doc: Any, achievement_id: str) -> Mapping[str, Any] | None:
    """A published Achievement document, if it is one and has the id it is published under."""
    if isinstance(doc, Mapping) and doc.get("id") == achievement_id:
        kinds = doc.get("type")
        if "Achievement" in (kinds if isinstance(kinds, list) else [kinds]):
            return doc
    return None


def _local_achievements(history: PublishedIssuer, root: Path) -> dict[str, Mapping[str, Any]]:
    """The history's Achievements found in the published folder (site root ``root``)."""
    found: dict[str, Mapping[str, Any]] = {}
    site = origin(history.url or "")
    for url in history.achievements.values():
        if origin(url) != site:
            continue
        segments = [unquote(p) for p in _url_path(url).split("/") if p]
        if any(s in (".", "..") or "/" in s or "\\" in s for s in segments):
            continue
        path = root.joinpath(*segments)
        if not path.is_file():
            continue
        try:
            document = _achievement(_read_json_file(path), url)
        except TrustStoreError:
            continue  # only needed to read full QR codes; the keys are what is pinned
        if document is not None:
            found[url] = document
    return found


def _fetched_achievements(
    history: PublishedIssuer, client: httpx.Client | None
) -> dict[str, Mapping[str, Any]]:
    """The history's Achievements fetched from the issuer's own site; one that cannot be
    fetched is left out (it is only needed to read ``full`` QR codes)."""
    found: dict[str, Mapping[str, Any]] = {}
    site = origin(history.url or "")
    for url in history.achievements.values():
        if origin(url) != site:
            continue
        try:
            document = _achievement(_fetch(url, client)[0], url)
        except (NetworkError, TrustStoreError):
            continue
        if document is not None:
            found[url] = document
    return found


def _from_folder(folder: Path) -> PublishedIssuer:
    keys_file = folder / "keys.json"
    if not keys_file.is_file():
        candidates = _search(folder, "keys.json")
        if len(candidates) > 1:
            raise TrustStoreError(
                f"{folder} holds {len(candidates)} keys.json files; give the one to pin."
            )
        if not candidates:
            documents = _search(folder, "did.json")
            if len(documents) == 1:
                return _from_file(documents[0])
            raise TrustStoreError(
                f"{folder} holds no keys.json (and no single did.json); is it a folder written "
                "by 'leadbadge publish'?"
            )
        keys_file = candidates[0]
    return _from_history_file(keys_file, roots=[folder])


def _local_path(root: Path | None, url: str) -> Path | None:
    """Where the file published at ``url`` sits in a published folder with site root ``root``."""
    segments = [unquote(p) for p in _url_path(url).split("/") if p]
    if root is None or any(s in (".", "..") or "/" in s or "\\" in s for s in segments):
        return None
    return root.joinpath(*segments)


def _local_status_lists(
    history: PublishedIssuer, root: Path | None, required: bool
) -> tuple[tuple[str, Mapping[str, Any]], ...]:
    """The status lists the history names, read from the published folder at ``root``.

    In a published folder (``required``) a missing list is an error; beside a lone keys.json
    the lists may simply not be at hand.
    """
    found = []
    for url in history.status_urls:
        path = _local_path(root, url)
        if path is None or not path.is_file():
            if required:
                raise TrustStoreError(
                    f"The key history names the status list {url}, but the published folder "
                    f"does not hold it (expected {path})."
                )
            continue
        found.append((url, _read_json_file(path)))
    return tuple(found)


def _local_registry(
    history: PublishedIssuer, root: Path | None, required: bool
) -> Mapping[str, Any] | None:
    """The accreditation registry the history names, from the published folder at ``root``."""
    url = history.accreditations_url
    if url is None:
        return None
    path = _local_path(root, url)
    if path is None or not path.is_file():
        if not required:
            return None
        # Unlike a status list, a registry is never needed to check the issuer's own
        # credentials, but pinning without it would silently drop its accreditations.
        raise TrustStoreError(
            f"The key history names the accreditation registry {url}, but it is not beside it "
            f"(expected {path}); pin the whole published folder."
        )
    document = _read_json_file(path, REGISTRY_MAX_BYTES)
    if not isinstance(document, Mapping):
        raise TrustStoreError(f"The accreditation registry {path} is not a JSON object.")
    return document


def _from_history_file(keys_file: Path, roots: list[Path]) -> PublishedIssuer:
    history = _history_file(keys_file, roots)
    root = roots[0] if roots else None
    derived = _site_root(keys_file, history.url) if history.url is not None else None
    lists = _local_status_lists(history, derived or root, required=bool(roots))
    registry = _local_registry(history, derived or root, required=bool(roots))
    return replace(history, status_lists=lists, accreditations=registry)


def _history_file(keys_file: Path, roots: list[Path]) -> PublishedIssuer:
    doc = _read_json_file(keys_file)
    if _kind(doc, str(keys_file)) != "history":
        raise TrustStoreError(f"{keys_file} is not a leadbadge key history.")
    history = parse_history(doc, str(keys_file.resolve()))
    derived = _site_root(keys_file, history.url) if history.url is not None else None
    if derived is not None:
        history = replace(history, achievement_documents=_local_achievements(history, derived))
    did_web = history.issuer if history.issuer.startswith("did:web:") else None
    if did_web is None or history.url is None:
        return history
    searched = [*roots, *([derived] if derived is not None else [])]
    for root in searched:
        did_file = _did_path(root, did_web)
        if did_file.is_file():
            return with_document(history, _read_json_file(did_file), str(did_file))
    if roots:
        expected = _did_path(roots[0], did_web)
        raise TrustStoreError(
            f"The key history names {did_web}, but its DID document is not in the published "
            f"folder (expected {expected})."
        )
    return history  # a lone keys.json: the DID document is not at hand; the history stands


def _from_file(path: Path) -> PublishedIssuer:
    doc = _read_json_file(path)
    if _kind(doc, str(path)) == "history":
        return _from_history_file(path, roots=[])
    return document_issuer(doc, str(path.resolve()))


# --- URLs ----------------------------------------------------------------------------------------


def _url_path(url: str) -> str:
    import httpx  # noqa: PLC0415 -- the HTTP client loads only where a URL is fetched or mapped

    return httpx.URL(url).path


def _fetch(url: str, client: httpx.Client | None) -> tuple[Any, str]:
    from leadbadge.trust.fetch import fetch_json  # noqa: PLC0415 -- loads httpx: fetching only

    fetched = fetch_json(url, client=client)
    return parse_json(fetched.body, fetched.url), fetched.url


def _from_url(url: str, client: httpx.Client | None) -> PublishedIssuer:
    if _url_path(url).endswith("/"):
        url += "keys.json"
    doc, final = _fetch(url, client)
    if _kind(doc, url) == "did":
        expected = did_web_to_url(doc["id"]) if doc["id"].startswith("did:web:") else None
        if expected != url:
            raise TrustStoreError(
                f"The DID document fetched from {url} is for {doc['id']}, whose document is not "
                "served there; pin a did:web DID from the address it names, a did:key by itself."
            )
        return document_issuer(doc, url)
    history = parse_history(doc, url)
    site = origin(history.url or "")
    if origin(url) != site and origin(final) != site:
        raise TrustStoreError(
            f"The key history fetched from {url} says the issuer's site is {history.url}; "
            "fetch it from the issuer's own site."
        )
    # Every status list the history names is fetched from the issuer's own site (checked by
    # parse_history); one that cannot be fetched stops the pin, as a missing key would.
    history = replace(
        history, status_lists=tuple((u, _fetch(u, client)[0]) for u in history.status_urls)
    )
    if history.accreditations_url is not None:
        from leadbadge.trust.fetch import fetch_json  # noqa: PLC0415 -- as in _fetch

        fetched = fetch_json(
            history.accreditations_url, client=client, max_bytes=REGISTRY_MAX_BYTES
        )
        registry = parse_json(fetched.body, fetched.url)
        if not isinstance(registry, Mapping):
            raise TrustStoreError(
                f"The accreditation registry {history.accreditations_url} is not a JSON object."
            )
        history = replace(history, accreditations=registry)
        history = _program_status_lists(history, registry, client)
    if history.issuer.startswith("did:web:"):
        did_url = did_web_to_url(history.issuer)
        did_doc, _ = _fetch(did_url, client)
        history = with_document(history, did_doc, did_url)
    # Last, and only nice to have: the Achievements (for full QR codes that leave them out).
    return replace(history, achievement_documents=_fetched_achievements(history, client))


def _program_status_lists(
    history: PublishedIssuer, registry: Mapping[str, Any], client: httpx.Client | None
) -> PublishedIssuer:
    """Fetch the status lists of every program an authority's registry names.

    Only URLs on the program's own site are fetched; the lists are checked against the
    program's keys when pinned. A program site that is down does not stop pinning the
    authority: its lists are left out and the reason kept.
    """
    fetched: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[str] = []
    seen: set[str] = set()
    programs = registry.get("programs")
    for program in programs if isinstance(programs, list) else []:
        keys = program.get("keyHistory") if isinstance(program, Mapping) else None
        if not isinstance(keys, Mapping) or not isinstance(keys.get("url"), str):
            continue
        urls = keys.get("statusLists")
        for url in urls if isinstance(urls, list) else []:
            if not isinstance(url, str) or url in seen:
                continue
            seen.add(url)
            try:
                if origin(web_url(url, "a status list URL")) != origin(keys["url"]):
                    continue
                document = _fetch(url, client)[0]
            except (NetworkError, TrustStoreError) as error:
                problems.append(f"The status list {url} of {keys.get('name')}: {error.message}")
                continue
            if isinstance(document, Mapping):
                fetched.append((url, document))
    return replace(
        history, program_status_lists=tuple(fetched), program_status_problems=tuple(problems)
    )


def load_status_source(
    source: str | os.PathLike[str], *, client: httpx.Client | None = None
) -> tuple[Any, str, str | None]:
    """A status list document from a file or an https URL: (document, where, fetched URL).

    The fetched URL is the one asked for (credentials name lists by it), None for a file.
    """
    text = os.fspath(source)
    if isinstance(source, str) and "://" in text:
        from leadbadge.trust.fetch import check_url  # noqa: PLC0415 -- as in _fetch

        url = str(check_url(text))
        return _fetch(url, client)[0], url, url
    path = Path(text).expanduser()
    return _read_json_file(path), str(path.resolve()), None


def local_source_gone(source: str) -> bool:
    """Whether ``source`` names a local folder or file (not a URL or DID) that is missing."""
    if "://" in source or source.startswith("did:"):
        return False
    return not Path(source).expanduser().exists()


def is_status_source(source: str | os.PathLike[str]) -> bool:
    """True when ``source`` (a file, not a folder) holds a status list rather than an issuer."""
    text = os.fspath(source)
    if "://" in text or text.startswith("did:"):
        return False
    path = Path(text).expanduser()
    if not path.is_file():
        return False
    return is_status_list_document(_read_json_file(path))


def load_published(
    source: str | os.PathLike[str], *, client: httpx.Client | None = None
) -> PublishedIssuer:
    """Read and validate a published issuer from a folder, a file, a URL or a DID."""
    text = os.fspath(source)
    if isinstance(source, str):
        if text.startswith("did:web:"):
            try:
                url = did_web_to_url(text)
            except DIDError as error:
                raise TrustStoreError(error.message) from None
            return _from_url(url, client)
        if text.startswith("did:key:"):
            try:
                document = resolve_did_key(text)
            except DIDError as error:
                raise TrustStoreError(error.message) from None
            return document_issuer(document.to_json(), text)
        if text.startswith("did:"):
            raise TrustStoreError("Only did:web and did:key DIDs can be pinned by name.")
        if "://" in text:
            from leadbadge.trust.fetch import check_url  # noqa: PLC0415 -- as in _fetch

            return _from_url(str(check_url(text)), client)
    path = Path(text).expanduser()
    if path.is_dir():
        return _from_folder(path)
    return _from_file(path)
