"""What the verification page shows about a report: the verdict in plain words first, then what
the credential claims, its competencies and evidence, and every check.

Everything here is plain data for the page's template, which escapes all of it: nothing a
credential says is trusted as markup. The claims of a credential that did not verify are shown
as its word only ("What it claims, not established"), as ``leadbadge verify`` prints them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from leadbadge.verifier.report import (
    CHECK_TITLES,
    CheckResult,
    CheckStatus,
    VerificationReport,
)
from leadbadge.verifier.report_presentation import PresentationReport

__all__ = [
    "CheckView",
    "Competency",
    "CredentialView",
    "EvidenceView",
    "Outcome",
    "credential_view",
    "outcome",
    "presentation_views",
    "shown_time",
]

_STATUS_WORDS = {
    "pass": "passed",
    "warn": "passed with a warning",
    "fail": "failed",
    "unknown": "could not be checked",
    "skipped": "not run",
    "not_applicable": "does not apply",
}
#: Plain headlines for the verdicts, and for the failures people most need to tell apart.
_HEADLINES = {
    "valid": "Valid",
    "invalid": "Invalid",
    "inconclusive": "Could not be checked",
}
_FAILURE_HEADLINES = {
    "REVOKED": "Invalid: revoked by its issuer",
    "SUSPENDED": "Invalid: suspended by its issuer",
    "EXPIRED": "Invalid: expired",
}
_LEADS = {
    "valid": "The signature matches, the issuer is trusted here, the credential is within its "
    "validity period and it has not been revoked.",
    "invalid": "Do not rely on this credential.",
    "inconclusive": "Nothing wrong was found, but something needed to establish it could not be "
    "checked here, so it is not established either way.",
}


@dataclass(frozen=True)
class Outcome:
    """The verdict in plain words: a headline, one sentence, the reason and what to do."""

    verdict: str
    headline: str
    lead: str
    reason: str | None = None
    action: str | None = None


@dataclass(frozen=True)
class CheckView:
    id: str
    title: str
    status: str
    status_words: str
    message: str
    action: str | None


@dataclass(frozen=True)
class Competency:
    name: str
    #: "Proficient, level 2 of 3 (required: Proficient)", or the recorded value.
    level: str | None
    description: str | None


#: A run of text, and whether it is bold.
Run = tuple[str, bool]


@dataclass(frozen=True)
class Block:
    """A paragraph (one item) or a bulleted list (one item per bullet) of a narrative."""

    kind: str
    items: tuple[tuple[Run, ...], ...]


@dataclass(frozen=True)
class EvidenceView:
    name: str
    genre: str | None
    text: tuple[Block, ...]
    url: str | None


@dataclass(frozen=True)
class CredentialView:
    """One credential's part of the page."""

    outcome: Outcome
    #: True when the verdict is valid: the claims below are established, not the holder's word.
    established: bool
    #: (label, value) rows: person, achievement and tier, issuer, trust, dates, status.
    facts: tuple[tuple[str, str], ...]
    competencies: tuple[Competency, ...] = ()
    evidence: tuple[EvidenceView, ...] = ()
    checks: tuple[CheckView, ...] = ()
    label: str | None = None


def shown_time(value: str | datetime | None) -> str | None:
    """A date-time as people read it (``2 December 2026, 05:12 UTC``); text that is not one is
    shown as written."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"


def outcome(report: VerificationReport | PresentationReport) -> Outcome:
    """The verdict and, when it is not valid, the check that decided it, as ``leadbadge verify``
    names it: the first failing check, or the first required check that could not be done."""
    verdict = report.verdict.value
    if verdict == "valid":
        warned = [c for c in report.checks if c.status is CheckStatus.WARN]
        reason = f"Valid, with {len(warned)} warning(s) listed with the checks." if warned else None
        lead = _LEADS["valid"]
        if isinstance(report, PresentationReport):
            lead = "The holder's signature and every credential in the presentation verify."
        return Outcome(verdict, _HEADLINES["valid"], lead, reason)
    deciding = report.deciding_check
    headline = _HEADLINES[verdict]
    if deciding is not None and deciding.code in _FAILURE_HEADLINES and verdict == "invalid":
        headline = _FAILURE_HEADLINES[deciding.code]
    return Outcome(
        verdict,
        headline,
        _LEADS[verdict],
        deciding.message if deciding else None,
        deciding.action if deciding else None,
    )


def _checks(checks: Sequence[CheckResult]) -> tuple[CheckView, ...]:
    return tuple(
        CheckView(
            id=c.id,
            title=CHECK_TITLES.get(c.id, c.id),
            status=c.status.value,
            status_words=_STATUS_WORDS.get(c.status.value, c.status.value),
            message=c.message,
            action=c.action
            if c.status not in (CheckStatus.PASS, CheckStatus.NOT_APPLICABLE)
            else None,
        )
        for c in checks
    )


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, Mapping):
        # A language map or a value object: its first text.
        for item in value.values():
            found = _text(item)
            if found:
                return found
    return None


def _objects(value: Any) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _id(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) else None


def _competencies(document: Mapping[str, Any]) -> tuple[Competency, ...]:
    subjects = _objects(document.get("credentialSubject"))
    subject = subjects[0] if subjects else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    descriptions = {_id(rd): rd for rd in _objects(achievement.get("resultDescription"))}
    found = []
    for result in _objects(subject.get("result")):
        rd = descriptions.get(_id(result.get("resultDescription"))) or {}
        levels = _objects(rd.get("rubricCriterionLevel"))
        ids = [_id(level) for level in levels]
        achieved_id = _id(result.get("achievedLevel"))
        name = _text(rd.get("name")) or _id(result.get("resultDescription")) or "Result"
        if achieved_id is not None and achieved_id in ids:
            index = ids.index(achieved_id)
            level_name = _text(levels[index].get("name")) or f"Level {index + 1}"
            level = f"{level_name}, level {index + 1} of {len(levels)}"
            required_id = _id(rd.get("requiredLevel"))
            if required_id in ids:
                required = ids.index(required_id)
                level += f" (required: {_text(levels[required].get('name')) or required + 1})"
            found.append(Competency(name, level, _text(levels[index].get("description"))))
        else:
            found.append(Competency(name, _text(result.get("value")) or achieved_id, None))
    if not found:
        # The competencies assessed, without the levels achieved.
        names = [_text(rd.get("name")) for rd in descriptions.values()]
        found = [Competency(assessed, None, None) for assessed in names if assessed]
    return tuple(found)


_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")


def _runs(line: str) -> tuple[Run, ...]:
    """A line of Markdown as runs of plain and ``**bold**`` text; other markup stays as
    written, less its backslash escapes."""
    parts = line.split("**")
    if len(parts) % 2 == 0:  # an unpaired ** is text
        parts = [line]
    return tuple(
        (_MARKDOWN_ESCAPE.sub(r"\1", part), index % 2 == 1)
        for index, part in enumerate(parts)
        if part
    )


def narrative(text: str) -> tuple[Block, ...]:
    """An OB 3.0 narrative (Markdown) as paragraphs and bulleted lists of text runs: the
    template escapes every run, so nothing in it becomes markup."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        bullet = line[:2] in ("- ", "* ")
        runs = _runs(line[2:].strip() if bullet else line)
        if bullet and blocks and blocks[-1].kind == "list":
            blocks[-1] = Block("list", (*blocks[-1].items, runs))
        else:
            blocks.append(Block("list" if bullet else "paragraph", (runs,)))
    return tuple(blocks)


def _evidence(document: Mapping[str, Any]) -> tuple[EvidenceView, ...]:
    items = []
    for index, evidence in enumerate(_objects(document.get("evidence")), start=1):
        text = tuple(
            block
            for key in ("description", "narrative")
            if (value := _text(evidence.get(key)))
            for block in narrative(value)
        )
        url = _id(evidence)
        items.append(
            EvidenceView(
                name=_text(evidence.get("name")) or f"Evidence {index}",
                genre=_text(evidence.get("genre")),
                text=text,
                # Only web addresses are shown as links; a urn or a script: URL is text.
                url=url if url and url.startswith(("https://", "http://")) else None,
            )
        )
    return tuple(items)


def credential_view(
    report: VerificationReport, document: Mapping[str, Any] | None, *, label: str | None = None
) -> CredentialView:
    """The page's view of one credential's report; ``document`` (the credential as decoded) adds
    its competencies and evidence."""
    summary = report.summary
    facts: list[tuple[str, str]] = []
    if summary is not None:
        if summary.recipient_name:
            facts.append(("Person", summary.recipient_name))
        achievement = summary.achievement_name or "(no achievement name)"
        facts.append(("Credential", achievement))
        if summary.tier:
            facts.append(("Tier", summary.tier))
        issuer = summary.issuer_name or summary.issuer_id or "(no issuer)"
        if summary.issuer_name and summary.issuer_id:
            issuer += f" ({summary.issuer_id})"
        facts.append(("Issuer", issuer))
        facts.append(("Issuer trust", report.check("issuer_trust").message))
        for name, value in (
            ("Awarded", summary.awarded),
            ("Valid from", summary.valid_from),
            ("Valid until", summary.valid_until),
        ):
            if value:
                facts.append((name, shown_time(value) or value))
        if summary.valid_from and not summary.valid_until:
            facts.append(("Valid until", "no end date"))
        # The status check says as of when: its list's date, not this verification's.
        facts.append(("Status", report.check("status").message))
        if summary.source_format:
            facts.append(("Read as", summary.source_format))
    verdict = outcome(report)
    return CredentialView(
        outcome=verdict,
        established=verdict.verdict == "valid",
        facts=tuple(facts),
        competencies=_competencies(document) if document is not None else (),
        evidence=_evidence(document) if document is not None else (),
        checks=_checks(report.checks),
        label=label,
    )


def presentation_views(
    report: PresentationReport, documents: Sequence[Mapping[str, Any] | None]
) -> tuple[CredentialView, ...]:
    """One view per credential of a presentation, in order; ``documents`` as decoded, by
    position (None where unknown)."""
    count = len(report.credentials)
    views = []
    for item in report.credentials:
        label = f"Credential {item.position} of {count} ({item.carried})"
        document = documents[item.position - 1] if item.position <= len(documents) else None
        if item.report is not None:
            views.append(credential_view(item.report, document, label=label))
            continue
        message = item.error.get("message") if item.error else None
        views.append(
            CredentialView(
                outcome=Outcome(
                    item.verdict.value,
                    _HEADLINES[item.verdict.value],
                    _LEADS[item.verdict.value],
                    str(message or "The entry is not a readable credential."),
                ),
                established=False,
                facts=(),
                label=label,
            )
        )
    return tuple(views)


def presentation_checks(report: PresentationReport) -> tuple[CheckView, ...]:
    return _checks(report.checks)
