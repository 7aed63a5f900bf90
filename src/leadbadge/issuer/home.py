"""The issuer home: a folder with the issuer's profile, encrypted signing keys, key history,
framework and ledger (docs/issuing.md describes the layout).

Status lists live at ``<issuer url>/status/<n>.json`` (:meth:`IssuerHome.status_list_url`); the
purposes a credential carries entries for are an issuer setting (``statusPurposes`` in
``issuer.json``: revocation and suspension unless the home was made with fewer, docs/status.md).

Endorsements the issuer has received for its Achievements (OB 3.0 ``EndorsementCredential``s,
e.g. an accrediting authority's, :mod:`leadbadge.issuer.endorse`) are kept in ``endorsements/``, one
file each (:meth:`IssuerHome.add_endorsement`, :mod:`leadbadge.issuer.endorsements`);
:attr:`IssuerHome.profile` carries them by Achievement id, so every credential and published
Achievement of that tier embeds them.

``keys/history.json`` is the source of truth for which key signs now and which keys signed before:
a rotation writes the new key file first, then the history (the commit point), then
``issuer.json``, so an interrupted rotation leaves either the old state or the new one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from leadbadge import _fs
from leadbadge.crypto.did import url_to_did_web
from leadbadge.crypto.keys import SigningKey, VerifyingKey
from leadbadge.errors import FrameworkError, InputError, InvalidKeyError, IssuerHomeError
from leadbadge.issuer import endorsements
from leadbadge.issuer._home_files import (
    ISSUER_FILE,
    check_target,
    copy_framework,
    locked,
    move_into_place,
    numbered_pems,
    parse_time,
    read_json,
    to_the_second,
    xsd_datetime,
)
from leadbadge.issuer.endorsements import ENDORSEMENTS_DIR, HeldEndorsement
from leadbadge.issuer.ledger import Ledger
from leadbadge.issuer.ledger_records import StatusChange
from leadbadge.issuer.urls import check_issuer_url
from leadbadge.model import Framework, IssuerProfile
from leadbadge.pathway.framework import load_framework
from leadbadge.pathway.identity import normalize_email

__all__ = [
    "DEFAULT_STATUS_PURPOSES",
    "HOME_FORMAT",
    "WITH_SUSPENSION",
    "IssuerHome",
    "KeyRecord",
    "xsd_datetime",
]

#: The ``format`` of ``issuer.json`` this version writes and reads.
HOME_FORMAT = 1
_HISTORY_FILE = "history.json"
_LEDGER_FILE = "ledger.sqlite"
#: The status purposes a credential of a new home carries an entry for: revocation alone, so
#: that a credential has one ``credentialStatus``, the most OB 3.0 allows ([0..1]).
DEFAULT_STATUS_PURPOSES: tuple[str, ...] = ("revocation",)
#: Revocation and suspension: two entries, which the official OB 3.0 schemas refuse. Chosen at
#: ``init --suspension``; also what a home written before ``statusPurposes`` existed had.
WITH_SUSPENSION: tuple[str, ...] = ("revocation", "suspension")


@dataclass(frozen=True)
class KeyRecord:
    """One signing key in the issuer's key history, with the period it was in use."""

    n: int
    verification_method: str
    #: The issuer id the key belonged to (a did:key issuer gets a new id with each key).
    controller: str
    public_key: VerifyingKey
    valid_from: datetime
    valid_until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The entry as ``keys/history.json`` stores it."""
        return {
            "n": self.n,
            "verificationMethod": self.verification_method,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.multikey,
            "validFrom": xsd_datetime(self.valid_from),
            "validUntil": xsd_datetime(self.valid_until) if self.valid_until else None,
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> KeyRecord:
        if not isinstance(data, Mapping):
            raise IssuerHomeError(f"{where} is not a JSON object.")
        n = data.get("n")
        vm = data.get("verificationMethod")
        controller = data.get("controller")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise IssuerHomeError(f"{where} has no valid key number 'n'.")
        if (
            not isinstance(vm, str)
            or not isinstance(controller, str)
            or not vm.startswith(controller + "#")
        ):
            raise IssuerHomeError(f"{where} has no verification method of its controller.")
        try:
            key = VerifyingKey.from_multikey(data.get("publicKeyMultibase"))  # type: ignore[arg-type]
        except InvalidKeyError as exc:
            raise IssuerHomeError(f"{where}: {exc.message}") from None
        return cls(
            n=n,
            verification_method=vm,
            controller=controller,
            public_key=key,
            valid_from=parse_time(data.get("validFrom"), f"{where}.validFrom"),
            valid_until=(
                None
                if data.get("validUntil") is None
                else parse_time(data.get("validUntil"), f"{where}.validUntil")
            ),
        )


def _key_record(n: int, key: VerifyingKey, did_web: str | None, now: datetime) -> KeyRecord:
    if did_web is not None:
        return KeyRecord(n, f"{did_web}#key-{n}", did_web, key, now)
    return KeyRecord(n, key.did_key_verification_method, key.did_key, key, now)


class IssuerHome:
    """An issuer home folder made by :meth:`create` (``leadbadge init``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._load()

    # --- opening and creating ------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> IssuerHome:
        """Open an existing issuer home; raises :class:`IssuerHomeError` if it is not one."""
        folder = Path(path)
        if not (folder / ISSUER_FILE).is_file():
            raise IssuerHomeError(
                f"{folder} is not an issuer home (it has no {ISSUER_FILE}); "
                "create one with 'leadbadge init'.",
                path=folder,
            )
        return cls(folder)

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str,
        url: str,
        passphrase: str | bytes,
        did_web: str | None = None,
        framework: str | os.PathLike[str] | None = None,
        email: str | None = None,
        now: datetime | None = None,
        status_purposes: tuple[str, ...] = DEFAULT_STATUS_PURPOSES,
    ) -> IssuerHome:
        """Make a new issuer home at ``path``: all of it, or nothing.

        ``path`` must not exist or be an empty folder. Everything is built in a hidden sibling
        folder and renamed into place, so a failure (a bad framework, a full disk) leaves no
        partial home. Without ``did_web`` the issuer id is the first key's did:key.
        ``status_purposes`` are the status entries every credential will carry: revocation alone
        by default (one entry, as OB 3.0 allows), or :data:`WITH_SUSPENSION` (two entries, so
        that credentials can be suspended, at the cost of OB 3.0 schema conformance).
        The first status list of each purpose is made with the ledger.
        """
        target = Path(path)
        cls.check_new_location(target)
        if not isinstance(name, str) or not name.strip():
            raise InputError("The issuer name must not be blank.", field="name")
        issuer_url = check_issuer_url(url)
        issuer_email = normalize_email(email, field_name="email") if email else None
        purposes = _check_purposes(status_purposes)
        web = url_to_did_web(did_web) if did_web else None
        source = Path(framework) if framework is not None else None
        if source is not None:
            load_framework(source)  # FrameworkError lists every problem before anything is made
        moment = to_the_second(now)
        key = SigningKey.generate()
        record = _key_record(1, key.public_key, web, moment)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.init-{secrets.token_hex(6)}"
        tmp.mkdir(mode=0o700)
        try:
            keys_dir = tmp / "keys"
            keys_dir.mkdir(mode=0o700)
            key.save(keys_dir / "1.pem", passphrase)
            _fs.atomic_write_json(keys_dir / _HISTORY_FILE, [record.to_json()], mode=0o600)
            framework_file = copy_framework(source, tmp)
            with Ledger.open(tmp / _LEDGER_FILE, create=True) as ledger:
                ledger.ensure_lists(
                    purposes,
                    list_url=lambda n: _status_list_url(issuer_url, n),
                    now=xsd_datetime(moment),
                )
            profile = {"id": record.controller, "name": " ".join(name.split()), "url": issuer_url}
            if issuer_email:
                profile["email"] = issuer_email
            _fs.atomic_write_json(
                tmp / ISSUER_FILE,
                {
                    "format": HOME_FORMAT,
                    "profile": profile,
                    "did": record.controller,
                    "didWeb": web,
                    "created": xsd_datetime(moment),
                    "framework": framework_file,
                    "statusPurposes": list(purposes),
                },
                mode=0o600,
            )
            move_into_place(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls(target)

    @staticmethod
    def check_new_location(path: str | os.PathLike[str]) -> None:
        """Raise :class:`IssuerHomeError` unless :meth:`create` could make a home at ``path``."""
        check_target(Path(path))

    # --- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        data = read_json(self.path / ISSUER_FILE)
        if not isinstance(data, Mapping) or data.get("format") != HOME_FORMAT:
            raise IssuerHomeError(
                f"{self.path / ISSUER_FILE} is not an issuer file this leadbadge reads "
                f"(format {HOME_FORMAT}).",
                path=self.path,
            )
        raw_history = read_json(self.path / "keys" / _HISTORY_FILE)
        if not isinstance(raw_history, list) or not raw_history:
            raise IssuerHomeError(f"The key history in {self.path} is empty.", path=self.path)
        history = tuple(
            KeyRecord.from_json(entry, f"keys/{_HISTORY_FILE}[{i}]")
            for i, entry in enumerate(raw_history)
        )
        if [k.n for k in history] != sorted({k.n for k in history}):
            raise IssuerHomeError(f"The key history in {self.path} is out of order.")
        if any(k.valid_until is None for k in history[:-1]):
            raise IssuerHomeError(f"The key history in {self.path} has two current keys.")
        profile = data.get("profile")
        web = data.get("didWeb")
        if not isinstance(profile, Mapping) or not (web is None or isinstance(web, str)):
            raise IssuerHomeError(f"{self.path / ISSUER_FILE} has no valid profile.")
        current = history[-1]
        # After an interrupted rotation issuer.json may still name the previous did:key.
        if data.get("did") not in {k.controller for k in history}:
            raise IssuerHomeError(
                f"{self.path / ISSUER_FILE} names an issuer that is not in the key history.",
                path=self.path,
            )
        try:
            url = check_issuer_url(str(profile["url"]))
            self.held_endorsements = endorsements.read_endorsements(self.path, url)
            by_achievement: dict[str, list[dict[str, Any]]] = {}
            for held in self.held_endorsements:
                by_achievement.setdefault(held.achievement, []).append(held.document)
            self.profile = IssuerProfile(
                id=current.controller,
                name=str(profile["name"]),
                url=url,
                email=str(profile["email"]) if profile.get("email") else None,
                achievement_endorsements={k: tuple(v) for k, v in by_achievement.items()},
            )
        except (KeyError, InputError):
            raise IssuerHomeError(
                f"{self.path / ISSUER_FILE} has no valid issuer name and URL.", path=self.path
            ) from None
        self.did_web: str | None = web
        page = data.get("verificationPage")
        if page is not None and not _is_https_url(page):
            raise IssuerHomeError(
                f"{self.path / ISSUER_FILE} has a verificationPage that is not an https URL; "
                "correct it or remove it.",
                path=self.path,
            )
        #: The issuer's own verification page, which credential pages point readers to
        #: (``verificationPage`` in ``issuer.json``, optional; docs/sharing.md).
        self.verification_page: str | None = page
        self.created = parse_time(data.get("created"), "issuer.json created")
        self.keys = history
        framework_file = data.get("framework", "framework.toml")
        if framework_file not in ("framework.toml", "framework.json"):
            raise IssuerHomeError(f"{self.path / ISSUER_FILE} names an unexpected framework.")
        self.framework_path = self.path / framework_file
        # Homes written before statusPurposes existed gave every credential both entries.
        raw_purposes = data.get("statusPurposes", list(WITH_SUSPENSION))
        try:
            self.status_purposes = _check_purposes(raw_purposes)
        except InputError:
            raise IssuerHomeError(
                f"{self.path / ISSUER_FILE} names unknown status purposes.", path=self.path
            ) from None

    def reload(self) -> None:
        """Read the home again (another process may have rotated the key)."""
        self._load()

    @property
    def issuer_id(self) -> str:
        """The current issuer id (for a did:key issuer, the current key's did:key)."""
        return self.keys[-1].controller

    @property
    def current_key(self) -> KeyRecord:
        return self.keys[-1]

    @property
    def identities(self) -> list[str]:
        """Every issuer id in the key history, oldest first, without repeats."""
        return list(dict.fromkeys(k.controller for k in self.keys))

    @property
    def ledger_path(self) -> Path:
        return self.path / _LEDGER_FILE

    def key_path(self, n: int) -> Path:
        return self.path / "keys" / f"{n}.pem"

    def framework(self) -> Framework:
        """The program framework stored in the home (validated on every load)."""
        try:
            return load_framework(self.framework_path)
        except FrameworkError as exc:
            raise IssuerHomeError(
                f"The framework in the issuer home is invalid: {exc.message}", path=self.path
            ) from None

    def open_ledger(self) -> Ledger:
        return Ledger.open(self.ledger_path)

    def status_list_url(self, n: int) -> str:
        """Where status list ``n`` is published: ``<issuer url>/status/<n>.json``."""
        return _status_list_url(self.profile.url, n)

    def change_status(
        self,
        credential_id: str,
        action: str,
        *,
        actor: str,
        reason: str | None = None,
        now: datetime | None = None,
    ) -> StatusChange:
        """Revoke, suspend or unsuspend a credential in the ledger (no passphrase needed).

        ``action`` is ``revoke``, ``suspend`` or ``unsuspend``; ``actor`` names who made the
        change. Verifiers learn of it when the issuer publishes again (which signs the lists).
        Raises :class:`InputError` for an unknown id or a change that does not apply, including
        any change to a revoked credential: revocation is final, and a suspension of a
        credential with no suspension entry, which verifiers could never learn of.
        """
        with self.open_ledger() as ledger:
            entry = ledger.get(credential_id) if action == "suspend" else None
            purposes = {a.purpose for a in entry.assignments} if entry is not None else set()
            if purposes and "suspension" not in purposes:
                raise InputError(
                    f"{credential_id} carries no suspension status entry (this issuer gives its "
                    "credentials a revocation entry only, as OB 3.0 allows one), so verifiers "
                    "could never learn of a suspension; revoke it instead if it must stop.",
                    field="action",
                )
            return ledger.change_status(
                credential_id,
                action,
                actor=actor,
                reason=reason,
                at=xsd_datetime(to_the_second(now)),
            )

    def signing_key(self, passphrase: str | bytes) -> SigningKey:
        """The current private key; raises :class:`WrongPassphraseError` on a wrong passphrase."""
        current = self.current_key
        key = SigningKey.load(self.key_path(current.n), passphrase)
        if key.public_key != current.public_key:
            raise IssuerHomeError(
                f"The key file {self.key_path(current.n)} does not match the key history.",
                path=self.path,
            )
        return key

    # --- endorsements of the issuer's Achievements ------------------------------------------

    @property
    def endorsements_path(self) -> Path:
        return self.path / ENDORSEMENTS_DIR

    def check_endorsement(
        self, document: Mapping[str, Any], *, now: datetime | None = None
    ) -> HeldEndorsement:
        """What :meth:`add_endorsement` would keep, checked as it checks it; nothing is written.

        Raises :class:`InputError` for a document that is not an EndorsementCredential, is not
        signed, endorses something other than the Achievement of a tier of this issuer's
        framework, is this issuer's own, has expired at ``now``, would not pass strict JSON-LD
        processing, or would make the Achievement carry more than
        :data:`~leadbadge.issuer.endorsements.MAX_ACHIEVEMENT_ENDORSEMENTS`. The endorser's
        signature is not checked here.
        """
        return endorsements.check_endorsement(self, document, now=to_the_second(now))

    def add_endorsement(
        self, document: Mapping[str, Any], *, now: datetime | None = None
    ) -> HeldEndorsement:
        """Keep a signed EndorsementCredential of one of this issuer's Achievements.

        From then on every credential of that tier, and the Achievement
        :mod:`leadbadge.issuer.publish` writes, carries it in ``achievement.endorsement`` (OB 3.0).
        Adding an endorsement with the same id again replaces the copy kept. The endorser's
        signature is not checked here: verify the endorsement first (``Verifier.verify`` with a
        trust store that pins the endorser) unless it comes straight from a trusted authority.
        Raises :class:`InputError` as :meth:`check_endorsement` does; nothing is written then.
        """
        held = self.check_endorsement(document, now=now)
        endorsements.keep_endorsement(self.path, held)
        self._load()
        return next(h for h in self.held_endorsements if h.id == held.id)

    def remove_endorsement(self, endorsement_id: str) -> HeldEndorsement:
        """Stop embedding an endorsement (by id); credentials already issued keep theirs.

        Raises :class:`InputError` when the home keeps no endorsement with this id.
        """
        found = next((h for h in self.held_endorsements if h.id == endorsement_id), None)
        if found is None:
            raise InputError(
                f"This issuer keeps no endorsement {endorsement_id}.", field="endorsement"
            )
        endorsements.drop_endorsement(self.path, found)
        self._load()
        return found

    # --- settings --------------------------------------------------------------------------

    def set_verification_page(self, url: str | None) -> None:
        """Record ``url`` (https) as the issuer's verification page, which every credential
        page ``publish`` writes links to; ``None`` removes it. Raises :class:`InputError` for
        anything but an https URL."""
        if url is not None and not _is_https_url(url):
            raise InputError(
                f"The verification page {url!r} is not an https URL.", field="verification_page"
            )
        with locked(self.path):
            data = read_json(self.path / ISSUER_FILE)
            if not isinstance(data, dict):
                raise IssuerHomeError(f"{self.path / ISSUER_FILE} is not an issuer file.")
            if url is None:
                data.pop("verificationPage", None)
            else:
                data["verificationPage"] = url
            _fs.atomic_write_json(self.path / ISSUER_FILE, data, mode=0o600)
            self._load()

    # --- rotation --------------------------------------------------------------------------

    def rotate(self, passphrase: str | bytes, *, now: datetime | None = None) -> KeyRecord:
        """Make a new signing key (same passphrase); the old one stays valid until ``now``.

        The passphrase must open the current key, so a typo cannot lock the issuer out of its
        own keys. Returns the new key's history entry.
        """
        with locked(self.path):
            self._load()
            self.signing_key(passphrase)
            current = self.current_key
            moment = to_the_second(now)
            if now is None and moment <= current.valid_from:
                # Periods are recorded in whole seconds and must not be empty: a key made in
                # this very second is retired in the next one.
                time.sleep(max(0.0, (current.valid_from - datetime.now(UTC)).total_seconds()) + 1)
                moment = to_the_second(None)
            if moment <= current.valid_from:
                raise InputError(
                    f"The current key is in use from {xsd_datetime(current.valid_from)}; "
                    "a rotation must be dated later.",
                    field="now",
                )
            key = SigningKey.generate()
            n = 1 + max([k.n for k in self.keys] + numbered_pems(self.path / "keys"))
            record = _key_record(n, key.public_key, self.did_web, moment)
            key.save(self.key_path(n), passphrase)
            closed = KeyRecord(
                current.n,
                current.verification_method,
                current.controller,
                current.public_key,
                current.valid_from,
                moment,
            )
            history = [k.to_json() for k in self.keys[:-1]] + [closed.to_json(), record.to_json()]
            _fs.atomic_write_json(self.path / "keys" / _HISTORY_FILE, history, mode=0o600)
            data = read_json(self.path / ISSUER_FILE)
            data["did"] = record.controller
            data["profile"]["id"] = record.controller
            _fs.atomic_write_json(self.path / ISSUER_FILE, data, mode=0o600)
            self._load()
        return record


def _is_https_url(value: object) -> bool:
    if not isinstance(value, str) or any(c.isspace() or ord(c) < 0x20 for c in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme == "https" and bool(parts.hostname)
    except ValueError:  # a malformed host such as "https://[x"
        return False


def _status_list_url(issuer_url: str, n: int) -> str:
    return f"{issuer_url.rstrip('/')}/status/{n}.json"


def _check_purposes(value: Any) -> tuple[str, ...]:
    """Revocation, optionally followed by suspension: the purposes leadbadge issues."""
    purposes = tuple(value) if isinstance(value, list | tuple) else ()
    if purposes not in (("revocation",), WITH_SUSPENSION):
        raise InputError(
            "Status purposes are revocation and suspension, or revocation alone.",
            field="status_purposes",
        )
    return purposes
