"""Sample educator, issuer and evidence for ``leadbadge demo``: plausible records for any tier."""

from __future__ import annotations

from leadbadge import EvidenceItem, Tier

ISSUER_NAME = "Riverside County Leadership Academy"
ISSUER_URL = "https://leadership.riverside.example"
ISSUER_DID_WEB = "leadership.riverside.example"
EDUCATOR_NAME = "Ana Ruiz"
EDUCATOR_EMAIL = "ana.ruiz@example.org"

#: The accreditation scene: a state authority accredits a district's own, smaller program for
#: some tiers; a verifier who pins only the authority trusts exactly those.
AUTHORITY_NAME = "State Commission on Educator Credentialing"
AUTHORITY_URL = "https://credentialing.state.example/accreditation"
AUTHORITY_DID_WEB = "credentialing.state.example"
PROGRAM_NAME = "Lakeside Unified School District Leadership Program"
PROGRAM_URL = "https://lakeside-usd.example/leadership"
ACCREDITED_TIERS = ("initial", "building")
#: What the district program issues: the accredited tiers, and one it is not accredited for.
PROGRAM_TIERS = ("initial", "building", "district")
PROGRAM_EDUCATOR_NAME = "Marcus Chen"
PROGRAM_EDUCATOR_EMAIL = "marcus.chen@example.org"

#: Values for the evidence fields the default framework records; other fields get a generic note.
_FIELD_VALUES: dict[str, str] = {
    "site": "Lincoln Middle School",
    "school": "Lincoln Middle School",
    "district": "Riverside Unified School District",
    "internship_role": "Assistant principal intern",
    "role_title": "Instructional coach (0.5 FTE) and grade 7 science teacher",
    "teaching_assignment": "Grade 7 science, three sections",
    "colleagues_supported": "Six grade 7 and 8 science teachers",
    "supervisor_name": "Dr. Marcus Lee",
    "supervisor_role": "Assistant Principal, Lincoln Middle School",
    "supervisor_years_in_role": "7",
    "mentor_name": "Dr. Priya Natarajan",
    "mentor_role": "Principal, Jefferson High School",
    "mentor_school": "Jefferson High School",
    "mentor_district": "Riverside Unified School District",
    "principal_name": "Dr. Helen Okafor",
    "principal_attestation": "Attested in writing on 2026-05-29",
    "reviewer_name": "Dr. Samuel Ortiz",
    "reviewer_role": "Program Director, Riverside County Leadership Academy",
    "course_title": "Foundations of School Leadership",
    "provider": "Riverside County Leadership Academy",
    "credits": "3",
    "grade": "A",
    "start_date": "2025-08-18",
    "end_date": "2026-05-29",
    "completion_date": "2026-05-29",
    "review_date": "2026-06-05",
    "board_presentation_date": "2026-04-14",
    "internship_plan": "Approved 2025-08-25: discipline systems, master schedule, PLC facilitation",
    "mentoring_plan": "Monthly goals set with the mentor; school improvement plan as the capstone",
    "activity_log": "Weekly log of duties and reflections, 36 entries",
    "meeting_log": "18 documented mentoring meetings",
    "supervisor_evaluation": "Meets or exceeds expectations on every internship standard",
    "mentor_assessment": "Ready to lead a building; strongest in staff coaching",
    "artifacts": "Master schedule redesign; discipline data review; family engagement plan",
    "reflection": "Reflective essay on balancing daily operations with long-term improvement",
    "rubric_levels": "Proficient or above on every competency",
}


def sample_evidence(tier: Tier) -> list[EvidenceItem]:
    """One evidence item per requirement of ``tier``, recording every field it asks for."""
    items = []
    for requirement in tier.evidence:
        fields: dict[str, str] = {}
        for name in requirement.records:
            if name == "hours":
                fields[name] = f"{requirement.min_hours or 40:g}"
            elif name == "competency_ids":
                fields[name] = ", ".join(c.id for c in tier.competencies)
            else:
                fields[name] = _FIELD_VALUES.get(name, f"Recorded {name.replace('_', ' ')}")
        items.append(EvidenceItem(requirement=requirement.id, name=requirement.name, fields=fields))
    return items


def sample_results(tier: Tier) -> dict[str, str]:
    """Each competency at its required level (or the top level when none is required)."""
    return {c.id: c.required_level or c.levels[-1].id for c in tier.competencies}
