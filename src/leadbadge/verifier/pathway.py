"""Credentials as a pathway: presented prerequisites for issuing, and pathway verification.

Every trust decision here is the verifier's: a credential counts only when
:meth:`leadbadge.verifier.verify.Verifier.verify` found it valid. The issuing side gets the result
as plain :class:`~leadbadge.pathway.prerequisites.HeldTier` facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.pathway.framework import default_framework
from leadbadge.pathway.prerequisites import HeldTier, parse_instant
from leadbadge.verifier.decode import DecodedPresentation, decode_credential, decode_input
from leadbadge.verifier.presentation import MAX_CREDENTIALS, presented_items
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport

if TYPE_CHECKING:
    from leadbadge.model import Framework, Tier
    from leadbadge.verifier.verify import Verifier

__all__ = [
    "PathwayCredential",
    "PathwayNode",
    "PathwayReport",
    "PrerequisiteFinding",
    "held_from_report",
    "verify_pathway",
    "verify_presented",
]


def _tier_of(report: VerificationReport) -> str | None:
    """The tier, as the pinned issuer published it, else as its achievement id names it."""
    trust = report.check("issuer_trust")
    tier = trust.detail.get("tier") if trust.status is CheckStatus.PASS else None
    if isinstance(tier, str):
        return tier
    return report.summary.tier if report.summary is not None else None


def held_from_report(report: VerificationReport) -> HeldTier | None:
    """The tier a valid credential establishes, or None when it is not valid or names none."""
    summary = report.summary
    if report.verdict is not Verdict.VALID or summary is None:
        return None
    tier = _tier_of(report)
    if tier is None or summary.id is None or summary.issuer_id is None:
        return None
    return HeldTier(
        tier=tier,
        credential_id=summary.id,
        issuer_id=summary.issuer_id,
        valid_from=parse_instant(summary.valid_from),
        valid_until=parse_instant(summary.valid_until),
        source="presented",
    )


def _first_problem(report: VerificationReport) -> str:
    wanted = CheckStatus.FAIL if report.verdict is Verdict.INVALID else CheckStatus.UNKNOWN
    found = next((c for c in report.checks if c.status is wanted), None)
    return found.message.rstrip(".") if found else report.verdict.value


def verify_presented(
    verifier: Verifier,
    files: Sequence[Path],
    *,
    email: str,
    now: datetime | None = None,
) -> list[HeldTier]:
    """Verify credentials a candidate presents for prerequisites, each fully and for ``email``.

    Raises :class:`InputError` naming the first file that is not a valid credential awarded to
    ``email`` (invalid or inconclusive: an unestablished credential proves nothing).
    """
    held: list[HeldTier] = []
    for path in files:
        report = verifier.verify(path, recipient=email, now=now, source=str(path))
        if report.verdict is not Verdict.VALID:
            raise InputError(
                f"The presented credential {path} is {report.verdict.value}: "
                f"{_first_problem(report)}.",
                field="prerequisite",
            )
        found = held_from_report(report)
        if found is None:
            raise InputError(
                f"The presented credential {path} names no tier of the framework.",
                field="prerequisite",
            )
        held.append(found)
    return held


# --- pathway verification --------------------------------------------------------------------


@dataclass(frozen=True)
class PrerequisiteFinding:
    """Whether one prerequisite tier was held when the dependent credential was awarded."""

    tier: str
    #: True held, False not held, None not established (a matching credential is inconclusive,
    #: or the dependent names no award date).
    held: bool | None
    #: The credential that held it, when one did.
    credential_id: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "held": self.held,
            "credentialId": self.credential_id,
            "message": self.message,
        }


@dataclass(frozen=True)
class PathwayCredential:
    """One credential of the set: its full verification report and its place in the pathway."""

    input: str
    report: VerificationReport
    #: The tier it awards (as the pinned issuer published it, else by its achievement id).
    tier: str | None
    #: ``awardedDate``, else ``validFrom``: the moment prerequisites are judged at.
    awarded: str | None
    prerequisites: tuple[PrerequisiteFinding, ...] = ()

    def to_json(self) -> dict[str, Any]:
        summary = self.report.summary
        return {
            "input": self.input,
            "id": summary.id if summary else None,
            "tier": self.tier,
            "verdict": self.report.verdict.value,
            "awarded": self.awarded,
            "validFrom": summary.valid_from if summary else None,
            "validUntil": summary.valid_until if summary else None,
            "issuer": summary.issuer_id if summary else None,
            "prerequisites": [p.to_json() for p in self.prerequisites],
        }


@dataclass(frozen=True)
class PathwayNode:
    """A tier in the tree: its credentials in the set and the tiers that build on it."""

    tier: str
    name: str
    credentials: tuple[PathwayCredential, ...]
    children: tuple[PathwayNode, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "name": self.name,
            "credentials": [c.to_json() for c in self.credentials],
            "children": [c.to_json() for c in self.children],
        }


@dataclass(frozen=True)
class PathwayReport:
    """The pathway verdict over a set of credentials, with the tree and every report."""

    verdict: Verdict
    #: ``same``, ``different`` or ``unknown``: whether one person holds every credential.
    recipient: str
    recipient_message: str
    credentials: tuple[PathwayCredential, ...]
    #: From the tiers without prerequisites (the initial certification) up.
    tree: tuple[PathwayNode, ...]
    #: Credentials whose tier the framework does not define.
    unplaced: tuple[PathwayCredential, ...]
    framework: str | None

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "recipient": {"status": self.recipient, "message": self.recipient_message},
            "framework": self.framework,
            "tree": [n.to_json() for n in self.tree],
            "unplaced": [c.to_json() for c in self.unplaced],
            "reports": [c.report.to_json() for c in self.credentials],
        }


def verify_pathway(
    verifier: Verifier,
    inputs: Sequence[Path | str | Mapping[str, Any]],
    *,
    framework: Framework | None = None,
    recipient: str | None = None,
    now: datetime | None = None,
    at: datetime | None = None,
) -> PathwayReport:
    """Verify every credential fully and judge the pathway they form (docs/pathways.md).

    ``now`` and ``at`` are as for :meth:`Verifier.verify`.

    ``framework`` gives the tiers and their prerequisites (default: leadbadge's default
    framework). An input may be a verifiable presentation: its credentials are taken as the
    person's credentials, each verified fully (the presentation's own proof is not judged
    here; :meth:`Verifier.verify_presentation` does that). Raises
    :class:`~leadbadge.errors.CredentialDocumentError` for an input that holds no readable
    credential.
    """
    if not inputs:
        raise InputError("A pathway needs at least one credential.", field="inputs")
    chosen = framework or default_framework()
    read: list[tuple[PathwayCredential, dict[str, Any]]] = []
    for label, data in _credentials_of(verifier, inputs):
        report = verifier.verify(data, recipient=recipient, now=now, at=at, source=label)
        document = decode_credential(data, source=label, sources=verifier.sources).document
        awarded = _text(document.get("awardedDate")) or _text(document.get("validFrom"))
        read.append((PathwayCredential(label, report, _tier_of(report), awarded), document))
    same, message = _same_recipient(read, recipient is not None)
    judged = tuple(_with_prerequisites(c, chosen, [r for r, _ in read]) for c, _ in read)
    placed = [c for c in judged if c.tier is not None and chosen.find_tier(c.tier) is not None]
    unplaced = tuple(c for c in judged if c not in placed)
    return PathwayReport(
        verdict=_pathway_verdict(judged, same, unplaced),
        recipient=same,
        recipient_message=message,
        credentials=judged,
        tree=_tree(chosen, placed),
        unplaced=unplaced,
        framework=chosen.source,
    )


def _credentials_of(
    verifier: Verifier, inputs: Sequence[Path | str | Mapping[str, Any]]
) -> list[tuple[str, Path | str | Mapping[str, Any]]]:
    """(label, data) of each credential: the inputs, with a presentation's credentials in its
    place."""
    found: list[tuple[str, Path | str | Mapping[str, Any]]] = []
    for number, item in enumerate(inputs):
        label = str(item) if isinstance(item, (Path, str)) else f"<document {number + 1}>"
        data: Path | str | Mapping[str, Any] = Path(item) if isinstance(item, str) else item
        decoded = decode_input(data, source=label, sources=verifier.sources)
        if not isinstance(decoded, DecodedPresentation):
            found.append((label, data))
            continue
        items = presented_items(decoded)
        if len(items) > MAX_CREDENTIALS:
            raise CredentialDocumentError.about(
                label, f"is a presentation of more than {MAX_CREDENTIALS} credentials"
            )
        for presented in items:
            if presented.data is None:
                raise presented.error or CredentialDocumentError.about(
                    presented.label, "holds no credential"
                )
            found.append((presented.label, presented.data))
    return found


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _identities(document: Mapping[str, Any]) -> set[tuple[str, str, str]]:
    """(kind, salt, value) of each e-mail identity the credential names."""
    found: set[tuple[str, str, str]] = set()
    subject = document.get("credentialSubject")
    for item in subject if isinstance(subject, list) else [subject]:
        identifiers = item.get("identifier") if isinstance(item, Mapping) else None
        for identity in identifiers if isinstance(identifiers, list) else []:
            if not isinstance(identity, Mapping) or identity.get("identityType") not in (
                "emailAddress",
                "email",
            ):
                continue
            value = identity.get("identityHash")
            salt = identity.get("salt") or ""
            if isinstance(value, str) and isinstance(salt, str):
                kind = "hash" if identity.get("hashed") is True else "plain"
                found.add((kind, salt, value.strip().casefold()))
    return found


def _same_recipient(
    read: Sequence[tuple[PathwayCredential, Mapping[str, Any]]], asked: bool
) -> tuple[str, str]:
    if asked:
        statuses = [c.report.check("recipient").status for c, _ in read]
        wrong = [c.input for c, _ in read if c.report.check("recipient").status is CheckStatus.FAIL]
        if wrong:
            return "different", f"Not awarded to the recipient given: {', '.join(wrong)}."
        if all(s is CheckStatus.PASS for s in statuses):
            return "same", "Every credential was awarded to the recipient given."
        return "unknown", "The recipient could not be matched on every credential."
    sets = [_identities(document) for _, document in read]
    if any(not s for s in sets):
        return "unknown", "A credential names no e-mail recipient; give --recipient EMAIL."
    if set.intersection(*sets):
        return "same", "Every credential names the same recipient identity (hash and salt)."
    for a in sets:
        for b in sets:
            # The same salt (or none) with another value is another address for certain.
            if not a & b and {(k, s) for k, s, _ in a} & {(k, s) for k, s, _ in b}:
                return "different", "The credentials name different recipients."
    return (
        "unknown",
        "The credentials hash the recipient with different salts; give --recipient EMAIL to "
        "match them.",
    )


def _counts_for_history(report: VerificationReport) -> bool | None:
    """Whether a credential can show it was held in the past: valid, or invalid only by date."""
    if report.verdict is Verdict.VALID:
        return True
    failed = {c.id for c in report.checks if c.status is CheckStatus.FAIL}
    if failed and failed != {"validity"}:
        return False
    unknown = {
        c.id for c in report.checks if c.status is CheckStatus.UNKNOWN and c.id in report.required
    }
    return None if unknown else True


def _with_prerequisites(
    credential: PathwayCredential, framework: Framework, everything: Sequence[PathwayCredential]
) -> PathwayCredential:
    tier = framework.find_tier(credential.tier) if credential.tier else None
    if tier is None:
        return credential
    awarded = parse_instant(credential.awarded)
    findings = []
    for wanted in tier.prerequisites:
        if awarded is None:
            findings.append(
                PrerequisiteFinding(wanted, None, None, "The credential names no award date.")
            )
            continue
        findings.append(_held_at(wanted, awarded, everything))
    return replace(credential, prerequisites=tuple(findings))


def _held_at(
    wanted: str, awarded: datetime, everything: Sequence[PathwayCredential]
) -> PrerequisiteFinding:
    undecided: str | None = None
    for other in everything:
        summary = other.report.summary
        if other.tier != wanted or summary is None:
            continue
        start, end = parse_instant(summary.valid_from), parse_instant(summary.valid_until)
        if (start is not None and awarded < start) or (end is not None and awarded >= end):
            continue
        counts = _counts_for_history(other.report)
        if counts is True:
            return PrerequisiteFinding(
                wanted, True, summary.id, f"Held by {summary.id} when this one was awarded."
            )
        if counts is None:
            undecided = summary.id
    if undecided is not None:
        return PrerequisiteFinding(
            wanted,
            None,
            undecided,
            f"{undecided} covers the award date, but it could not be verified.",
        )
    return PrerequisiteFinding(
        wanted,
        False,
        None,
        f"No valid {wanted!r} credential in the set covers the award date {_xsd(awarded)}.",
    )


def _xsd(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pathway_verdict(
    judged: Sequence[PathwayCredential], same: str, unplaced: Sequence[PathwayCredential]
) -> Verdict:
    verdicts = {c.report.verdict for c in judged}
    held = [p.held for c in judged for p in c.prerequisites]
    if Verdict.INVALID in verdicts or same == "different" or False in held:
        return Verdict.INVALID
    if Verdict.INCONCLUSIVE in verdicts or same == "unknown" or None in held or unplaced:
        return Verdict.INCONCLUSIVE
    return Verdict.VALID


def _tree(framework: Framework, placed: Sequence[PathwayCredential]) -> tuple[PathwayNode, ...]:
    known = set(framework.tier_ids())

    def parent(tier: Tier) -> str | None:
        return next((p for p in tier.prerequisites if p in known), None)

    def node(tier: Tier) -> PathwayNode | None:
        children = tuple(
            n for t in framework.tiers if parent(t) == tier.id for n in [node(t)] if n is not None
        )
        mine = tuple(c for c in placed if c.tier == tier.id)
        if not mine and not children:
            return None
        return PathwayNode(tier.id, tier.name, mine, children)

    roots = (node(t) for t in framework.tiers if parent(t) is None)
    return tuple(n for n in roots if n is not None)
