"""VC-JWT keys have periods: a token counts as signed at its ``iat`` (else its ``nbf``), and a key
used outside its period is refused, for the issuer's Ed25519 keys and its RS256 keys alike.

The issuer has an RS256 key and an Ed25519 key from FIXED_NOW, and replaces both at RETIRED.
EARLY is a credential valid from before RETIRED, LATE one valid from after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from leadbadge import CheckStatus, Verdict, VerificationReport, Verifier
from leadbadge.crypto.jwk import JoseSigningKey
from leadbadge.issuer.jose import add_jose_key, jose_keys, jose_signing_key
from leadbadge.proof import vc_jwt
from tests.conftest import FIXED_NOW
from tests.unit._issued import DID_WEB, ISSUED, PASSPHRASE, World, make_world

RETIRED = ISSUED + timedelta(days=1)
BEFORE = ISSUED + timedelta(minutes=1)
AFTER = RETIRED + timedelta(hours=1)
NOW = RETIRED + timedelta(days=2)


@dataclass
class Keys:
    world: World
    early: dict[str, Any]
    late: dict[str, Any]
    #: name -> (key, kid): the retired and the current key of each kind.
    keys: dict[str, tuple[JoseSigningKey, str]]

    def token(self, doc: str, key: str, iat: datetime | None) -> str:
        signing_key, kid = self.keys[key]
        document = self.early if doc == "early" else self.late
        return vc_jwt.sign(document, signing_key, kid=kid, issued_at=iat)

    def verify(self, token: str) -> VerificationReport:
        return Verifier(self.world.trust).verify(token, now=NOW)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    world = make_world(tmp_path_factory.mktemp("jwt-keys"), did_web=DID_WEB)
    home = world.issuer.home
    add_jose_key(home, "RS256", PASSPHRASE, now=FIXED_NOW)
    early = world.issue("initial")
    add_jose_key(home, "RS256", PASSPHRASE, now=RETIRED)
    home.rotate(PASSPHRASE, now=RETIRED)
    world.publisher()  # opens the issuer again with its new Ed25519 key
    late = world.issue("initial", now=RETIRED + timedelta(hours=2))
    world.publisher().publish(world.site, now=NOW)
    world.trust.add_published(world.site, now=NOW)
    world.fresh_lists(NOW)
    old_rs, new_rs = jose_keys(home)
    assert old_rs.valid_until == RETIRED
    ed_old, ed_new = home.keys
    assert (ed_old.valid_until, ed_new.valid_from) == (RETIRED, RETIRED)
    return Keys(
        world,
        early,
        late,
        {
            "rs256-retired": (
                jose_signing_key(home, old_rs, PASSPHRASE),
                old_rs.verification_method,
            ),
            "rs256-current": (
                jose_signing_key(home, new_rs, PASSPHRASE),
                new_rs.verification_method,
            ),
            "ed-retired": (JoseSigningKey(world.key(1)), ed_old.verification_method),
            "ed-current": (JoseSigningKey(world.key(2)), ed_new.verification_method),
        },
    )


def _refused(report: VerificationReport) -> None:
    key = report.check("issuer_key")
    assert (key.status, key.code) == (CheckStatus.FAIL, "WRONG_KEY"), key.message
    assert report.check("proof").code == "WRONG_KEY"
    assert report.verdict is Verdict.INVALID


def _accepted(report: VerificationReport) -> None:
    assert report.check("issuer_key").status is CheckStatus.PASS, report.check("issuer_key")
    assert report.verdict is Verdict.VALID, [(c.id, c.status, c.message) for c in report.checks]


# --- a key retired before the token says it was signed --------------------------------------


@pytest.mark.parametrize("key", ["rs256-retired", "ed-retired"])
def test_a_retired_key_is_refused_for_a_token_issued_after_its_retirement(
    keys: Keys, key: str
) -> None:
    # The credential's own dates (validFrom, nbf) fall inside the key's period: only iat is late.
    _refused(keys.verify(keys.token("early", key, AFTER)))


@pytest.mark.parametrize("key", ["rs256-retired", "ed-retired"])
def test_a_retired_key_is_accepted_for_a_token_issued_before_its_retirement(
    keys: Keys, key: str
) -> None:
    _accepted(keys.verify(keys.token("early", key, BEFORE)))


@pytest.mark.parametrize("key", ["rs256-retired", "ed-retired"])
def test_without_iat_a_retired_key_is_judged_by_nbf(keys: Keys, key: str) -> None:
    _accepted(keys.verify(keys.token("early", key, None)))
    _refused(keys.verify(keys.token("late", key, None)))


# --- a key not yet in use when the token says it was signed ---------------------------------


def test_a_key_is_refused_for_a_token_issued_before_its_period(keys: Keys) -> None:
    # validFrom and nbf of the late credential fall inside the new key's period: only iat is early.
    _refused(keys.verify(keys.token("late", "ed-current", BEFORE)))
    _accepted(keys.verify(keys.token("late", "ed-current", AFTER)))


def test_without_iat_a_key_is_judged_by_nbf_against_the_start_of_its_period(keys: Keys) -> None:
    _refused(keys.verify(keys.token("early", "ed-current", None)))
    _accepted(keys.verify(keys.token("late", "ed-current", None)))


def test_the_current_rs256_key_signs_from_its_start(keys: Keys) -> None:
    _accepted(keys.verify(keys.token("late", "rs256-current", AFTER)))
    _accepted(keys.verify(keys.token("late", "rs256-current", None)))
