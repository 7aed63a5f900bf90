"""The verifier's trust store: published issuers pinned with their key history, looked up offline.

A store is a folder (``TRUST/issuers/<sha256(issuer id)[:16]>.json``, one file per issuer, read
and written by :mod:`leadbadge.trust.pins`) that :meth:`TrustStore.add_published` fills from what
an issuer publishes (``leadbadge publish``): its key history (``keys.json``), its did:web DID
document, or both. Everything is validated before it is written; the network is used only
there, and only for a URL (:mod:`leadbadge.trust.fetch`).
Lookups (:meth:`TrustStore.find_issuer`, :meth:`TrustStore.find_key`, :meth:`TrustStore.resolver`)
read the folder only. Status lists are pinned beside issuers (``TRUST/status/``, module
:mod:`leadbadge.trust.status_lists`): with the issuer whose key history names them, or alone
(:meth:`TrustStore.add_status_list`); :meth:`TrustStore.refresh` fetches again whatever was
pinned from a URL. docs/trust.md describes the layout and the rules for verifiers.
"""

from __future__ import annotations

import builtins
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from leadbadge import _fs
from leadbadge.crypto.did import VerificationMethod
from leadbadge.errors import LeadbadgeError, TrustStoreError, VerificationMethodError
from leadbadge.status.lists import is_status_list_document
from leadbadge.trust.key_history import PublishedIssuer
from leadbadge.trust.pins import (
    KEY_SOURCE,
    EntryError,
    PinnedIssuer,
    PinnedKey,
    build_issuer,
    entry_name,
    issuer_resolver,
    match_key,
    read_achievement,
    read_entry,
    write_achievements,
)
from leadbadge.trust.status_lists import (
    PinnedStatusList,
    checked_status_list,
    fetch_status_list,
    find_status_entry,
    scan_status_entries,
    status_entry_name,
    write_status_entry,
)

# Reading what an issuer publishes (trust.sources) and accreditation registries are for pinning
# and for programs known through an accreditation; a lookup of a pinned issuer, the common case
# when verifying, needs neither, so both load where they are used.
if TYPE_CHECKING:
    import httpx

    from leadbadge.trust.accreditation import Accreditation, PinnedAccreditations
    from leadbadge.trust.store_results import AddResult, RefreshOutcome

__all__ = [
    "KeyResolver",
    "TrustStore",
    "default_trust_dir",
    "fetch_status_list",
]

#: Environment variable naming the trust store folder.
TRUST_ENV = "LEADBADGE_TRUST"

#: ``(verification method id, issuer id) -> VerificationMethod`` (proof.eddsa_rdfc_2022).
KeyResolver = Callable[[str, str | None], VerificationMethod]


def default_trust_dir() -> Path:
    """``$LEADBADGE_TRUST`` if set, else ``<per-user data folder>/leadbadge/trust``."""
    configured = os.environ.get(TRUST_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("leadbadge", appauthor=False)) / "trust"


_GONE = "it is no longer there, so the entry is left as it was pinned"


class TrustStore:
    """A folder of pinned issuers. A folder that does not exist yet is an empty store."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.issuers_dir = root / "issuers"
        # Parsed entries by file, reused while the file is unchanged (same inode, size and
        # mtime): checking every key again on each lookup costs ~1 ms per entry.
        self._cache: dict[Path, tuple[tuple[int, int, int], PinnedIssuer]] = {}
        self._registry_cache: dict[Path, tuple[tuple[int, int, int], PinnedAccreditations]] = {}

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> TrustStore:
        """The store at ``path`` (default: :func:`default_trust_dir`); nothing is created yet."""
        root = Path(path).expanduser() if path is not None else default_trust_dir()
        if root.exists() and not root.is_dir():
            raise TrustStoreError(f"The trust store {root} is a file, not a folder.")
        return cls(root)

    def __repr__(self) -> str:
        return f"TrustStore({str(self.root)!r})"

    # --- reading ------------------------------------------------------------------------------

    def _entry_files(self) -> list[Path]:
        try:
            names = sorted(os.listdir(self.issuers_dir))
        except FileNotFoundError:
            return []
        except NotADirectoryError:
            raise TrustStoreError(f"{self.issuers_dir} is a file, not a folder.") from None
        except OSError as error:
            raise TrustStoreError(
                f"The trust store {self.root} cannot be read ({error.strerror})."
            ) from None
        # Hidden names are temporary files of a write in progress.
        return [self.issuers_dir / n for n in names if n.endswith(".json") and n[0] != "."]

    def scan(self) -> tuple[list[PinnedIssuer], list[TrustStoreError]]:
        """Every entry that reads cleanly, and one error per entry file that does not."""
        good: list[PinnedIssuer] = []
        bad: list[TrustStoreError] = []
        cache: dict[Path, tuple[tuple[int, int, int], PinnedIssuer]] = {}
        for path in self._entry_files():
            try:
                info = path.stat()
                stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
                cached = self._cache.get(path)
                entry = cached[1] if cached and cached[0] == stamp else read_entry(path)
                cache[path] = (stamp, entry)
                good.append(entry)
            except FileNotFoundError:
                continue  # removed since the folder was listed
            except OSError as error:
                bad.append(EntryError(path, f"cannot be read ({error.strerror})"))
            except TrustStoreError as error:
                bad.append(error)
        self._cache = cache
        good.sort(key=lambda e: ((e.name or "").casefold(), e.id))
        return good, bad

    def list(self) -> list[PinnedIssuer]:
        """Every pinned issuer; raises :class:`TrustStoreError` if an entry does not parse."""
        good, bad = self.scan()
        if bad:
            raise bad[0]
        return good

    def find_issuer(self, issuer_id: str) -> PinnedIssuer | None:
        """The entry that has ``issuer_id`` among its identities, or None if none has.

        Raises :class:`TrustStoreError` when no good entry matches and some entry is damaged:
        the issuer might be in it, so "not pinned" cannot be claimed."""
        good, bad = self.scan()
        for entry in good:
            if entry.has_identity(issuer_id):
                return entry
        if bad:
            raise bad[0]
        return None

    def find_key(self, vm_id: str, issuer_id: str | None = None) -> PinnedKey | None:
        """The pinned key a proof's ``verificationMethod`` names, for a credential of ``issuer_id``.

        Matches, within the issuer's entry (or every entry when ``issuer_id`` is None): the
        verification method id exactly; a did:key URL (``did:key:z…`` or ``did:key:z…#z…``) by
        the key it encodes; and Open Badges' ``<issuer id>#<publicKeyMultibase>`` form by the key
        in the fragment, when the part before ``#`` is the key's controller. The key's period is
        not checked here: use :meth:`PinnedKey.valid_at` with the proof's creation time.
        """
        good, bad = self.scan()
        candidates = [e for e in good if issuer_id is None or e.has_identity(issuer_id)]
        for entry in candidates:
            key = match_key(entry, vm_id)
            if key is not None:
                return key
        if bad and (issuer_id is None or not candidates):
            raise bad[0]
        return None

    def resolver(self) -> KeyResolver:
        """A key resolver for ``proof.eddsa_rdfc_2022.verify`` backed by this store.

        It raises :class:`VerificationMethodError` when the key is not pinned for the issuer
        (or the store cannot be read); the key's period is the caller's to check.
        """

        def resolve(vm_id: str, issuer_id: str | None) -> VerificationMethod:
            try:
                key = self.find_key(vm_id, issuer_id)
            except TrustStoreError as error:
                raise VerificationMethodError(error.message, verification_method=vm_id) from None
            if key is None:
                whose = f" for the issuer {issuer_id}" if issuer_id else ""
                raise VerificationMethodError(
                    f"The key {vm_id} is not pinned{whose} in the trust store {self.root}.",
                    verification_method=vm_id,
                )
            return key.verification_method(vm_id)

        return resolve

    # --- writing ------------------------------------------------------------------------------

    def add_published(
        self,
        source: str | os.PathLike[str],
        *,
        client: httpx.Client | None = None,
        now: datetime | None = None,
    ) -> AddResult:
        """Validate and pin what an issuer publishes; replace its entry if already pinned.

        ``source`` is a published folder, a ``keys.json`` key history, a ``did.json`` DID
        document, an https URL to one of those, or a ``did:web:`` DID. URLs are fetched with
        ``client`` (or a new bounded client). Raises :class:`NetworkError` when a fetch fails and
        :class:`TrustStoreError` when the content is not acceptable; nothing is written then.
        """
        from leadbadge.trust.sources import load_published  # noqa: PLC0415 -- pinning only

        published = load_published(source, client=client)
        pinned_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        return self.pin(published, pinned_at=pinned_at)

    def pin(self, published: PublishedIssuer, *, pinned_at: datetime) -> AddResult:
        """Write an already validated :class:`PublishedIssuer` (replacing its old entry)."""
        from leadbadge.trust.accreditation import (  # noqa: PLC0415 -- pinning only
            check_registry,
            program_status_lists,
            write_accreditations,
        )
        from leadbadge.trust.store_results import AddResult  # noqa: PLC0415 -- pinning only

        path = self.issuers_dir / entry_name(published.issuer)
        issuer = build_issuer(
            issuer_id=published.issuer,
            identities=published.identities,
            name=published.name,
            url=published.url,
            keys=published.keys,
            achievements=published.achievements,
            did_document=published.did_document,
            source=published.source,
            pinned_at=pinned_at,
            path=path,
            json_web_keys=published.json_web_keys,
        )
        good, _bad = self.scan()
        replaced = [e for e in good if set(e.identities) & set(issuer.identities)]
        new_keys = {k.public_key for k in issuer.keys}
        dropped = tuple(k.id for old in replaced for k in old.keys if k.public_key not in new_keys)
        fetched = "://" in published.source or published.source.startswith("did:")
        lists = [
            self._checked_status_list(
                document, url, source=published.source, fetched=fetched, at=pinned_at, by=issuer
            )
            for url, document in published.status_lists
        ]
        registry = None
        if published.accreditations is not None:
            registry = check_registry(
                published.accreditations,
                identities=issuer.identities,
                source=(published.accreditations_url if fetched else None) or published.source,
                pinned_at=pinned_at,
                resolver=issuer_resolver(issuer),
            )
        program_lists, problems = program_status_lists(published, issuer, registry, pinned_at)
        data = json.dumps(issuer.to_json(), indent=2, ensure_ascii=False) + "\n"
        try:
            self.issuers_dir.mkdir(parents=True, exist_ok=True)
            _fs.atomic_write_bytes(path, data.encode("utf-8"))
            for old in replaced:
                if old.path is not None and old.path != path:
                    old.path.unlink(missing_ok=True)
                    self._registry_path(old.id).unlink(missing_ok=True)
            write_achievements(self.root / "achievements", published)
            lists = [self._write_status_list(entry) for entry in lists]
            program_lists = [self._write_status_list(entry) for entry in program_lists]
            registry_path = self._registry_path(issuer.id)
            if registry is not None:
                registry = write_accreditations(registry_path, registry)
            else:
                # Pinned again without a registry: it accredits nothing any more.
                registry_path.unlink(missing_ok=True)
        except OSError as error:
            raise TrustStoreError(
                f"Could not write to the trust store {self.root} ({error.strerror})."
            ) from None
        return AddResult(
            issuer=issuer,
            updated=bool(replaced),
            dropped_keys=dropped,
            status_lists=tuple(lists),
            accreditations=registry,
            program_status_lists=tuple(program_lists),
            problems=problems,
        )

    # --- accreditations -----------------------------------------------------------------------

    def _registry_path(self, authority_id: str) -> Path:
        return self.root / "accreditations" / entry_name(authority_id)

    def registry(self, authority: PinnedIssuer) -> PinnedAccreditations | None:
        """The accreditation registry pinned with ``authority``, or None."""
        path = self._registry_path(authority.id)
        try:
            info = path.stat()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise TrustStoreError(f"{path} cannot be read ({error.strerror}).") from None
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        cached = self._registry_cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        from leadbadge.trust.accreditation import read_accreditations  # noqa: PLC0415 -- registries only

        entry = read_accreditations(path, authority.identities)
        self._registry_cache[path] = (stamp, entry)
        return entry

    def find_accreditations(self, issuer_id: str) -> builtins.list[Accreditation]:
        """What every pinned authority's registry says about the program ``issuer_id``.

        One :class:`Accreditation` per authority that endorsed the program, with the program's
        keys as that authority's newest endorsement of it vouches for them. Signatures,
        validity and status of the endorsements are not judged here (the verifier does).
        """
        from leadbadge.trust.accreditation import accreditation_of  # noqa: PLC0415 -- registries only

        found = []
        authorities, _ = self.scan()
        for authority in authorities:
            registry = self.registry(authority)
            if registry is None:
                continue
            accreditation = accreditation_of(authority, registry, issuer_id)
            if accreditation is not None:
                found.append(accreditation)
        return found

    # --- status lists ---------------------------------------------------------------------------

    @property
    def status_dir(self) -> Path:
        return self.root / "status"

    def add(
        self,
        source: str | os.PathLike[str],
        *,
        url: str | None = None,
        client: httpx.Client | None = None,
        now: datetime | None = None,
    ) -> AddResult | PinnedStatusList:
        """Pin what ``source`` holds: a published issuer (:meth:`add_published`) or a status
        list (:meth:`add_status_list`); ``url`` (lists only) names the URL it answers for."""
        from leadbadge.trust.sources import is_status_source, load_status_source  # noqa: PLC0415

        text = os.fspath(source)
        if url is not None or is_status_source(source):
            return self.add_status_list(source, url=url, client=client, now=now)
        if "://" in text and not text.endswith("/"):
            document, where, fetched = load_status_source(text, client=client)
            if is_status_list_document(document):
                return self._pin_status_list(
                    document, fetched or where, source=where, fetched=True, now=now
                )
        return self.add_published(source, client=client, now=now)

    def add_status_list(
        self,
        source: str | os.PathLike[str],
        *,
        url: str | None = None,
        client: httpx.Client | None = None,
        now: datetime | None = None,
    ) -> PinnedStatusList:
        """Validate and pin one status list from a file or an https URL.

        It is pinned under ``url``, else the URL it was fetched from, else its own ``id``: the
        URL credentials name it by. Its issuer's keys come from the store when the issuer is
        pinned; otherwise the list's own verification method must name its key (did:key, or
        ``<issuer id>#<key>``). Raises :class:`TrustStoreError` (nothing written) or
        :class:`NetworkError`."""
        from leadbadge.trust.sources import load_status_source  # noqa: PLC0415 -- pinning only

        document, where, fetched_url = load_status_source(source, client=client)
        list_url = url or fetched_url or _document_id(document)
        if list_url is None:
            raise TrustStoreError(
                f"The status list {where} has no id; give the URL credentials name it by."
            )
        fetched = fetched_url is not None and fetched_url == list_url
        return self._pin_status_list(document, list_url, source=where, fetched=fetched, now=now)

    def find_status_list(self, url: str) -> PinnedStatusList | None:
        """The list pinned for ``url``, or None; a damaged file raises :class:`TrustStoreError`."""
        return find_status_entry(self.status_dir, url)

    def status_lists(
        self,
    ) -> tuple[builtins.list[PinnedStatusList], builtins.list[TrustStoreError]]:
        """Every pinned status list that reads cleanly, and one error per file that does not."""
        return scan_status_entries(self.status_dir)

    def remove_status_list(self, url_or_name: str) -> str:
        """Unpin the status list pinned for a URL (or by its file name); returns what went."""
        name = url_or_name if url_or_name.endswith(".json") else url_or_name + ".json"
        for path in (self.status_dir / status_entry_name(url_or_name), self.status_dir / name):
            if "/" not in path.name and path.is_file():
                self._unlink(path)
                return url_or_name
        raise TrustStoreError(f"No status list {url_or_name} is pinned in {self.root}.")

    def refresh(
        self, *, client: httpx.Client | None = None, now: datetime | None = None
    ) -> builtins.list[RefreshOutcome]:
        """Read again every issuer and status list from where it was pinned (its URL, folder
        or file; a key pinned by hand has nothing to read) and pin it. One failure does not
        stop the others; a folder or file no longer there keeps its entry, and says so.
        """
        from leadbadge.trust.sources import local_source_gone  # noqa: PLC0415 -- pinning only
        from leadbadge.trust.store_results import RefreshOutcome  # noqa: PLC0415 -- as above

        outcomes: builtins.list[RefreshOutcome] = []
        done: set[str] = set()
        issuers, _ = self.scan()
        for issuer in issuers:
            if issuer.source == KEY_SOURCE:
                continue  # pinned by a key given by hand: nothing to read again
            if local_source_gone(issuer.source):
                outcomes.append(RefreshOutcome("issuer", issuer.source, _GONE))
                continue
            try:
                added = self.add_published(issuer.source, client=client, now=now)
                done.update(
                    entry.url for entry in (*added.status_lists, *added.program_status_lists)
                )
                outcomes.append(RefreshOutcome("issuer", issuer.source))
            except LeadbadgeError as error:
                outcomes.append(RefreshOutcome("issuer", issuer.source, error.message))
        lists, _ = self.status_lists()
        for entry in lists:
            if entry.url in done:
                continue
            source = entry.url if entry.fetched else entry.source
            if not entry.fetched and local_source_gone(source):
                outcomes.append(RefreshOutcome("status list", source, _GONE))
                continue
            try:
                self.add_status_list(source, url=entry.url, client=client, now=now)
                outcomes.append(RefreshOutcome("status list", source))
            except LeadbadgeError as error:
                outcomes.append(RefreshOutcome("status list", source, error.message))
        return outcomes

    def _pin_status_list(
        self,
        document: Any,
        url: str,
        *,
        source: str,
        fetched: bool,
        now: datetime | None,
    ) -> PinnedStatusList:
        at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        entry = self._checked_status_list(document, url, source=source, fetched=fetched, at=at)
        try:
            return self._write_status_list(entry)
        except OSError as error:
            raise TrustStoreError(
                f"Could not write to the trust store {self.root} ({error.strerror})."
            ) from None

    def _checked_status_list(
        self,
        document: Any,
        url: str,
        *,
        source: str,
        fetched: bool,
        at: datetime,
        by: PinnedIssuer | None = None,
    ) -> PinnedStatusList:
        """Validate a list (against ``by``, else its issuer as pinned here) before any write."""
        issuer = by
        if issuer is None:
            named = _document_issuer(document)
            issuer = self.find_issuer(named) if named is not None else None
            if issuer is None and named is not None:
                # A program known through an accreditation: its keys as the authority vouches.
                accredited = self.find_accreditations(named)
                issuer = accredited[0].program if accredited else None
        return checked_status_list(
            document,
            url,
            source=source,
            fetched=fetched,
            at=at,
            resolver=issuer_resolver(issuer) if issuer is not None else None,
            expected_issuers=by.identities if by is not None else (),
        )

    def _write_status_list(self, entry: PinnedStatusList) -> PinnedStatusList:
        return replace(entry, path=write_status_entry(self.status_dir, entry))

    # --- published Achievements (for full QR codes that leave theirs out) ---------------------

    def find_achievement(self, achievement_id: str) -> dict[str, Any] | None:
        """The published Achievement with this id, as pinned with its issuer, or None.

        Only a copy: whoever puts it into a credential checks it against the digest the
        credential's QR code carries, and the signature then covers it.
        """
        return read_achievement(self.root / "achievements", achievement_id)

    def remove(self, issuer_id: str) -> PinnedIssuer | str:
        """Unpin the issuer with this identity; returns what was removed.

        A damaged entry can be removed by its file name (``<hash>.json`` or just ``<hash>``, as
        the error about it names it); the file name is returned then.
        """
        good, bad = self.scan()
        for entry in good:
            if entry.has_identity(issuer_id) and entry.path is not None:
                self._unlink(entry.path)
                registry = self._registry_path(entry.id)
                if registry.exists():
                    self._unlink(registry)
                return entry
        wanted = issuer_id if issuer_id.endswith(".json") else issuer_id + ".json"
        for error in bad:
            if isinstance(error, EntryError) and error.path.name == wanted:
                self._unlink(error.path)
                return error.path.name
        raise TrustStoreError(f"No issuer with the id {issuer_id} is pinned in {self.root}.")

    def _unlink(self, path: Path) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise TrustStoreError(
                f"Could not remove {path} from the trust store ({error.strerror})."
            ) from None
        _fs.fsync_dir(path.parent)


def _document_id(document: Any) -> str | None:
    value = document.get("id") if isinstance(document, Mapping) else None
    return value if isinstance(value, str) and value else None


def _document_issuer(document: Any) -> str | None:
    issuer = document.get("issuer") if isinstance(document, Mapping) else None
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None
