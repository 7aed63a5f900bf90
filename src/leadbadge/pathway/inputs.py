"""Reading ``leadbadge issue`` options: evidence, results and dates, checked against the tier.

Evidence syntax (docs/issuing.md, "Evidence"):

- ``REQ: key=value; key=value`` — evidence for the tier's requirement ``REQ`` recording those
  fields (``\\;`` puts a semicolon in a value). The keys ``name``, ``narrative``,
  ``description`` and ``url`` set the evidence's own properties unless the requirement records
  a field of that name.
- ``REQ: free text`` — evidence for ``REQ`` with that narrative.
- ``REQ=URL`` — evidence for ``REQ`` found at an http(s) or data: URL.
- ``@FILE`` — a JSON or TOML file holding a list of evidence items.
- any other URL or text — extra evidence that belongs to no requirement.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from leadbadge.errors import InputError
from leadbadge.model import EvidenceRequirement, Tier
from leadbadge.pathway.evidence import NUMBER_FIELDS, EvidenceItem

__all__ = [
    "check_evidence_covers_tier",
    "parse_evidence",
    "parse_results",
    "parse_valid_from",
]

_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_REQ_COLON = re.compile(rf"^\s*({_ID})\s*:(.*)$", re.DOTALL)
_REQ_URL = re.compile(rf"^\s*({_ID})\s*=\s*((?:https?://|data:)\S+)\s*$", re.DOTALL)
_URL = re.compile(r"^(?:https?://|data:)\S+$")
_URL_SCHEMES = frozenset({"http", "https", "data"})
_OWN_KEYS = frozenset({"name", "narrative", "description", "url"})
_MAX_FILE_BYTES = 1024 * 1024


_KEY_SEPARATORS = re.compile(r"[\s-]+")
_KEY_FORM = re.compile(r"[\w\s-]+")


def _key(raw: str) -> str:
    return _KEY_SEPARATORS.sub("_", raw.strip().lower())


def _split_pairs(text: str) -> list[tuple[str, str]] | None:
    """``k=v; k=v`` (``\\;`` escapes a semicolon) as pairs, or None if it is not that form."""
    parts = [p.replace("\0", ";") for p in text.replace("\\;", "\0").split(";")]
    pairs = []
    for part in parts:
        if not part.strip():
            continue
        key, equals, value = part.partition("=")
        if not equals or not key.strip() or not _KEY_FORM.fullmatch(key.strip()):
            return None
        pairs.append((_key(key), value.strip()))
    return pairs or None


def _item(
    requirement: EvidenceRequirement | None, values: Sequence[tuple[str, str]], where: str
) -> EvidenceItem:
    records = set(requirement.records) if requirement else set()
    own: dict[str, str] = {}
    fields: dict[str, str] = {}
    for key, value in values:
        target = own if key in _OWN_KEYS and key not in records else fields
        if key in target:
            raise InputError(f"{where} gives {key!r} twice.", field="evidence")
        target[key] = value
    return EvidenceItem(
        requirement=requirement.id if requirement else None,
        name=own.get("name"),
        narrative=own.get("narrative"),
        description=own.get("description"),
        url=own.get("url"),
        fields=fields,
    )


def _requirement(tier: Tier, req_id: str, where: str) -> EvidenceRequirement:
    found = next((r for r in tier.evidence if r.id == req_id), None)
    if found is None:
        known = ", ".join(r.id for r in tier.evidence) or "none"
        raise InputError(
            f"{where} names {req_id!r}, which is not an evidence requirement of tier "
            f"{tier.id!r} (its requirements: {known}).",
            field="evidence",
        )
    return found


def _parse_one(tier: Tier, text: str) -> EvidenceItem:
    where = f"--evidence {_quote(text)}"
    match = _REQ_URL.match(text)
    if match:
        requirement = _requirement(tier, match.group(1), where)
        return _item(requirement, [("url", match.group(2))], where)
    match = _REQ_COLON.match(text)
    if match and match.group(1).lower() not in _URL_SCHEMES:
        req_id, rest = match.group(1), match.group(2).strip()
        pairs = _split_pairs(rest)
        known = any(r.id == req_id for r in tier.evidence)
        if pairs is not None or known or not rest:
            requirement = _requirement(tier, req_id, where)
            if pairs is None:
                return _item(requirement, [("narrative", rest)] if rest else [], where)
            return _item(requirement, pairs, where)
    stripped = text.strip()
    if not stripped:
        raise InputError("An --evidence value is empty.", field="evidence")
    if _URL.match(stripped):
        return EvidenceItem(requirement=None, url=stripped)
    return EvidenceItem(requirement=None, narrative=stripped)


def _quote(text: str) -> str:
    short = text if len(text) <= 60 else text[:57] + "..."
    return repr(short)


# --- evidence files ------------------------------------------------------------------------


def _read_file(path: Path) -> Any:
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(
            f"The evidence file {path} cannot be read ({exc.strerror or exc}).", field="evidence"
        ) from None
    if len(data) > _MAX_FILE_BYTES:
        raise InputError(f"The evidence file {path} is larger than 1 MiB.", field="evidence")
    try:
        text = data.decode("utf-8")
        if path.suffix.lower() == ".toml":
            return tomllib.loads(text).get("evidence")
        return json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        reason = str(exc).split("\n")[0]
        raise InputError(
            f"The evidence file {path} is not valid {_kind(path)} ({reason}).", field="evidence"
        ) from None


def _kind(path: Path) -> str:
    return "TOML" if path.suffix.lower() == ".toml" else "JSON"


def _text(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
    ):
        return ", ".join(_text(v, where) for v in value)
    raise InputError(f"{where} must be text, a number or a list of them.", field="evidence")


def _field_text(key: object, value: object, where: str) -> str:
    if isinstance(value, bool) and key in NUMBER_FIELDS:
        # _text writes true as "yes": say what was given, not what it became.
        raise InputError(
            f"{where}: {key!r} must be a number, not {str(value).lower()}.", field="evidence"
        )
    return _text(value, f"{where} {key!r}")


def _file_items(tier: Tier, path: Path) -> list[EvidenceItem]:
    data = _read_file(path)
    if isinstance(data, Mapping) and _kind(path) == "JSON":
        data = data.get("evidence")
    if not isinstance(data, list):
        shape = "[[evidence]] tables" if _kind(path) == "TOML" else "a list of objects"
        raise InputError(f"The evidence file {path} must hold {shape}.", field="evidence")
    items = []
    for index, entry in enumerate(data):
        where = f"Evidence item {index + 1} in {path}"
        if not isinstance(entry, Mapping):
            raise InputError(f"{where} is not an object.", field="evidence")
        req_id = entry.get("requirement")
        requirement = None
        if req_id is not None:
            requirement = _requirement(tier, _text(req_id, f"{where} requirement"), where)
        values: list[tuple[str, str]] = []
        for key, value in entry.items():
            if key == "requirement":
                continue
            if key == "fields":
                if not isinstance(value, Mapping):
                    raise InputError(f"{where}: 'fields' must be a table.", field="evidence")
                values += [(_key(k), _field_text(k, v, where)) for k, v in value.items()]
            else:
                values.append((_key(key), _field_text(key, value, where)))
        items.append(_item(requirement, values, where))
    return items


# --- public helpers ------------------------------------------------------------------------


def parse_evidence(tier: Tier, values: Sequence[str]) -> list[EvidenceItem]:
    """The ``--evidence`` values as evidence items for ``tier``, in the order given."""
    items: list[EvidenceItem] = []
    for value in values:
        if value.startswith("@"):
            items += _file_items(tier, Path(value[1:]).expanduser())
        else:
            items.append(_parse_one(tier, value))
    return items


def _example(requirement: EvidenceRequirement) -> str:
    fields = "; ".join(f"{name}=…" for name in requirement.records) or "narrative=…"
    return f'--evidence "{requirement.id}: {fields}"'


def check_evidence_covers_tier(tier: Tier, items: Sequence[EvidenceItem]) -> None:
    """Name the first requirement with no evidence, or evidence lacking fields it must record."""
    for requirement in tier.evidence:
        mine = [i for i in items if i.requirement == requirement.id]
        records = ", ".join(requirement.records)
        if not mine:
            what = f" recording {records}" if records else ""
            raise InputError(
                f"Tier {tier.id!r} needs evidence for {requirement.id!r} ({requirement.name})"
                f"{what}: add {_example(requirement)}.",
                field=f"evidence[{requirement.id}]",
            )
        for item in mine:
            missing = [n for n in requirement.records if not item.fields.get(n, "").strip()]
            if missing:
                raise InputError(
                    f"The evidence for {requirement.id!r} lacks {', '.join(missing)}; "
                    f"it must record {records}.",
                    field=f"evidence[{requirement.id}]",
                )


def parse_results(tier: Tier, values: Sequence[str]) -> dict[str, str]:
    """``--result COMPETENCY=LEVEL`` values as a mapping, checked against the tier."""
    results: dict[str, str] = {}
    known = ", ".join(c.id for c in tier.competencies) or "none"
    for value in values:
        competency, equals, level = (part.strip() for part in value.partition("="))
        if not equals or not competency or not level:
            raise InputError(f"--result {_quote(value)} must be COMPETENCY=LEVEL.", field="results")
        found = tier.competency(competency)
        if found is None:
            raise InputError(
                f"Tier {tier.id!r} has no competency {competency!r}; its competencies are {known}.",
                field="results",
            )
        if competency in results:
            raise InputError(f"--result gives {competency!r} twice.", field="results")
        levels = [level_.id for level_ in found.levels]
        if level not in levels:
            raise InputError(
                f"{level!r} is not a level of {competency!r}; its levels are {', '.join(levels)}.",
                field="results",
            )
        results[competency] = level
    return results


def parse_valid_from(text: str) -> datetime:
    """An ISO 8601 date-time that carries a time zone (``Z`` or ``±hh:mm``)."""
    example = "write for example 2026-09-01T09:00:00Z or 2026-09-01T09:00:00-07:00"
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"--valid-from {_quote(text)} is not an ISO 8601 date-time; {example}.",
            field="valid_from",
        ) from None
    if "T" not in text.upper() or value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"--valid-from {_quote(text)} has no time of day or no time zone; {example}.",
            field="valid_from",
        )
    return value


def evidence_template(tier: Tier, *, renewal: bool = False) -> str:
    """A TOML evidence file for ``tier`` to fill in (``issue --evidence @FILE``): one
    ``[[evidence]]`` table per requirement (of the renewal with ``renewal``), every field it
    records left empty, with what each value must be. Unfilled, it is refused field by field."""
    requirements = tier.renewal.evidence if renewal else tier.evidence
    what = f"renewing {tier.name!r}" if renewal else f"{tier.name!r} ({tier.id})"
    lines = [
        f"# Evidence for {what}.",
        "# Fill in every field; add another [[evidence]] table for a second piece of the same",
        "# requirement (two courses, say). Optional: name, narrative, description, url.",
    ]
    for requirement in requirements:
        lines += ["", f"# {requirement.name}"]
        if requirement.min_hours is not None:
            lines.append(f"# At least {requirement.min_hours:g} hours in all.")
        lines += ["[[evidence]]", f"requirement = {_toml_string(requirement.id)}"]
        for name in requirement.records:
            key = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml_string(name)
            lines.append(f'{key} = ""{_field_hint(name)}')
    return "\n".join(lines) + "\n"


def _field_hint(name: str) -> str:
    if name in NUMBER_FIELDS:
        return f"  # a number, up to {NUMBER_FIELDS[name]:,g}"
    if name == "date" or name.endswith("_date"):
        return "  # a date, YYYY-MM-DD, not after the award"
    return ""


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
