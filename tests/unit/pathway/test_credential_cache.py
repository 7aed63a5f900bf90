"""Every credential of a tier carries the same Achievement, built once and copied for each:
each credential gets its own copy, equal to one built afresh, and a changed tier or issuer
endorsement gives a different one."""

from __future__ import annotations

import dataclasses

from leadbadge.pathway import credential
from leadbadge.pathway.credential import achievement_id, build_achievement
from tests.unit.pathway._sample import ISSUER, TIER, build_sample


def test_each_credential_gets_its_own_copy_of_the_tier_achievement() -> None:
    first, second = build_sample(), build_sample()
    one = first["credentialSubject"]["achievement"]
    other = second["credentialSubject"]["achievement"]
    assert one == other
    assert one is not other
    assert one["resultDescription"] is not other["resultDescription"]
    one["name"] = "changed"
    one["resultDescription"][0]["rubricCriterionLevel"].clear()
    third = build_sample()["credentialSubject"]["achievement"]
    assert third == other
    assert third["name"] == TIER.name


def test_the_copy_is_the_achievement_built_afresh() -> None:
    ach_id = achievement_id(ISSUER.url, TIER.id)
    build_sample()  # builds and keeps it
    fresh = credential._build_achievement(TIER, ach_id, ())
    assert build_achievement(TIER, ISSUER.url) == fresh
    assert build_sample()["credentialSubject"]["achievement"] == fresh
    assert isinstance(fresh["creditsAvailable"], float)


def test_another_tier_or_endorsement_is_not_served_the_kept_one() -> None:
    build_sample()
    renamed = dataclasses.replace(TIER, name="Renamed tier")
    ach_id = achievement_id(ISSUER.url, TIER.id)
    node, _ = credential._achievement(renamed, ach_id, ())
    assert node["name"] == "Renamed tier"
    endorsement = {"type": ["VerifiableCredential", "EndorsementCredential"], "id": "urn:x"}
    endorsed, _ = credential._achievement(TIER, ach_id, [endorsement])
    assert endorsed["endorsement"] == [endorsement]
    assert "endorsement" not in credential._achievement(TIER, ach_id, ())[0]


def test_a_check_only_build_holds_the_kept_achievement_itself() -> None:
    shared = [build_sample(share_achievement=True) for _ in range(2)]
    kept = shared[0]["credentialSubject"]["achievement"]
    assert shared[1]["credentialSubject"]["achievement"] is kept
    copied = build_sample()
    assert copied["credentialSubject"]["achievement"] == kept
    assert copied["credentialSubject"]["achievement"] is not kept
    # Apart from the Achievement, the same credential.
    for document in (*shared, copied):
        document["credentialSubject"].pop("achievement")
    assert shared[0] == shared[1] == copied
