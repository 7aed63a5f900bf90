"""``leadbadge trust add | add-key | list | remove``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from leadbadge.cli._common import safe_cell
from leadbadge.crypto.keys import SigningKey
from tests.unit._published import URL, Issuer, write_json, xsd
from tests.unit.cli._cli import ok, refused, run


@pytest.fixture
def trust(tmp_path: Path) -> str:
    return str(tmp_path / "trust")


def test_add_list_remove(tmp_path: Path, trust: str) -> None:
    issuer = Issuer.make(n_keys=2)
    issuer.publish(tmp_path / "site")

    added = ok("trust", "add", str(tmp_path / "site"), "--trust", trust)
    assert added.stdout.startswith(f"Added {issuer.name} ({issuer.issuer_id}): 2 keys from ")
    assert added.stderr == ""
    # Each key pinned, with its value to compare out of band and its period.
    (old_start, old_end), (new_start, _) = issuer.period(0), issuer.period(1)
    assert added.stdout.splitlines()[1:3] == [
        f"  {issuer.vm(0)}: {issuer.keys[0].public_key.multikey}, "
        f"in use from {xsd(old_start)} to {xsd(old_end)}",
        f"  {issuer.vm(1)}: {issuer.keys[1].public_key.multikey}, in use since {xsd(new_start)}",
    ]

    again = ok("trust", "add", str(tmp_path / "site"), "--trust", trust)
    assert again.stdout.startswith("Updated ")

    listed = ok("trust", "list", "--trust", trust, "--json")
    (entry,) = json.loads(listed.stdout)
    assert entry["issuer"] == issuer.issuer_id
    assert entry["name"] == issuer.name
    assert len(entry["keys"]) == 2
    assert entry["identities"] == [k.public_key.did_key for k in issuer.keys]
    assert Path(entry["file"]).is_file()

    table = ok("trust", "list", "--trust", trust, env={"COLUMNS": "300"})
    assert issuer.issuer_id in table.stdout
    assert issuer.name in table.stdout
    assert "keys.json" in table.stdout

    old_id = issuer.keys[0].public_key.did_key
    removed = ok("trust", "remove", old_id, "--trust", trust)
    assert removed.stdout.startswith(f"Removed {issuer.name} ({issuer.issuer_id}) from ")
    assert json.loads(ok("trust", "list", "--trust", trust, "--json").stdout) == []
    empty = ok("trust", "list", "--trust", trust)
    assert "No issuers are pinned" in empty.stdout


def test_store_comes_from_the_environment(tmp_path: Path) -> None:
    issuer = Issuer.make()
    issuer.publish(tmp_path / "site")
    env = {"LEADBADGE_TRUST": str(tmp_path / "env-store")}
    ok("trust", "add", str(tmp_path / "site"), env=env)
    assert (tmp_path / "env-store" / "issuers").is_dir()
    listed = ok("trust", "list", "--json", env=env)
    assert [e["issuer"] for e in json.loads(listed.stdout)] == [issuer.issuer_id]


def test_did_document_alone_warns_that_keys_have_no_period(tmp_path: Path, trust: str) -> None:
    issuer = Issuer.make(did_web="did:web:rcoe.example.org")
    did_json = write_json(tmp_path / "did.json", issuer.did_document())
    result = ok("trust", "add", str(did_json), "--trust", trust)
    assert result.stdout.startswith("Added did:web:rcoe.example.org: 1 key from ")
    assert "accepted for credentials signed at any time" in result.stderr


def test_dropped_keys_are_warned_about(tmp_path: Path, trust: str) -> None:
    issuer = Issuer.make(n_keys=2)
    issuer.publish(tmp_path / "v1")
    ok("trust", "add", str(tmp_path / "v1"), "--trust", trust)
    Issuer(keys=issuer.keys[1:]).publish(tmp_path / "v2")
    result = ok("trust", "add", str(tmp_path / "v2"), "--trust", trust)
    assert f"The key {issuer.vm(0)} was pinned before but is no longer published" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trust", "add", "{missing}"], "does not exist."),
        (["trust", "add", "http://rcoe.example.org/keys.json"], "only https URLs are fetched"),
        (["trust", "add", "{bad}"], "is invalid: 'name' must be a non-empty string."),
        (["trust", "remove", "did:web:nobody.example.org"], "Nothing pinned in"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_3(
    tmp_path: Path, trust: str, args: list[str], message: str
) -> None:
    doc = Issuer.make().history()
    del doc["name"]
    bad = write_json(tmp_path / "keys.json", doc)
    argv = [a.format(missing=tmp_path / "missing.json", bad=bad) for a in args]
    assert message in refused(*argv, "--trust", trust)
    assert not Path(trust).exists()


def test_damaged_entry_is_listed_as_a_warning_and_removable(tmp_path: Path, trust: str) -> None:
    issuer = Issuer.make()
    issuer.publish(tmp_path / "site")
    ok("trust", "add", str(tmp_path / "site"), "--trust", trust)
    damaged = Path(trust) / "issuers" / "00000000deadbeef.json"
    damaged.write_text("not json")

    listed = run("trust", "list", "--trust", trust, "--json")
    assert listed.exit_code == 3
    assert [e["issuer"] for e in json.loads(listed.stdout)] == [issuer.issuer_id]
    assert f"{damaged} is not valid JSON" in listed.stderr
    assert "trust remove 00000000deadbeef" in listed.stderr

    removed = ok("trust", "remove", "00000000deadbeef", "--trust", trust)
    assert removed.stdout.startswith("Removed 00000000deadbeef.json from ")
    ok("trust", "list", "--trust", trust)


def test_store_that_is_a_file_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.write_text("")
    refused("trust", "list", "--trust", str(store))


def test_did_key_can_be_pinned_by_name(trust: str) -> None:
    key = SigningKey.generate().public_key
    result = ok("trust", "add", key.did_key, "--trust", trust)
    assert key.did_key in result.stdout
    assert URL not in result.stdout


def test_refresh_reads_a_folder_pin_again_and_names_one_that_is_gone(
    tmp_path: Path, trust: str
) -> None:
    issuer = Issuer.make(n_keys=1)
    site = tmp_path / "site"
    issuer.publish(site)
    ok("trust", "add", str(site), "--trust", trust)
    issuer.rotate()
    issuer.publish(site)
    refreshed = ok("trust", "refresh", "--trust", trust)
    assert refreshed.stdout.startswith(f"Refreshed the issuer {site}")
    (entry,) = json.loads(ok("trust", "list", "--trust", trust, "--json").stdout)
    assert len(entry["keys"]) == 2
    for path in sorted(site.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    site.rmdir()
    gone = run("trust", "refresh", "--trust", trust)
    assert gone.exit_code == 3
    assert "is no longer there, so the entry is left as it was pinned" in gone.stderr
    (kept,) = json.loads(ok("trust", "list", "--trust", trust, "--json").stdout)
    assert len(kept["keys"]) == 2


def _signed_by(key: SigningKey, issuer: str, tmp_path: Path) -> Path:
    from leadbadge import sign_credential

    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:7f1b9c2e-3d4a-4b5c-8d6e-9f0a1b2c3d4e",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-11-23T12:00:00Z",
        "credentialSubject": {"id": "did:example:ana"},
    }
    signed = sign_credential(
        unsigned, key, verification_method=f"{issuer}#{key.public_key.multikey}"
    )
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    return path


def test_an_issuer_with_no_published_keys_is_pinned_by_its_key(tmp_path: Path, trust: str) -> None:
    issuer = "https://badges.example.edu/issuers/1"
    key = SigningKey.generate()
    credential = _signed_by(key, issuer, tmp_path)
    before = run("verify", str(credential), "--trust", trust, "--json")
    assert before.exit_code == 2, before.output  # inconclusive: nobody pinned the issuer
    multikey = key.public_key.multikey
    added = ok("trust", "add-key", issuer, multikey, "--name", "Example U", "--trust", trust,
               "--valid-from", "2026-01-01")  # fmt: skip
    thumbprint = key.public_key.jwk_thumbprint
    assert (
        f"  {issuer}#{multikey}: Ed25519 key {multikey}, thumbprint {thumbprint}, "
        "in use since 2026-01-01T00:00:00Z"
    ) in added.stdout
    after = run("verify", str(credential), "--trust", trust, "--json")
    assert after.exit_code == 0, after.output
    assert json.loads(after.stdout)["verdict"] == "valid"
    # Another key of the same issuer is added beside it; a key that is not Ed25519 is refused.
    other = SigningKey.generate().public_key
    ok("trust", "add-key", issuer, other.multikey, "--trust", trust)
    (entry,) = json.loads(ok("trust", "list", "--trust", trust, "--json").stdout)
    assert len(entry["keys"]) == 2
    assert entry["name"] == "Example U"
    # Keys given by hand have nothing to read again.
    assert "nothing to refresh" in ok("trust", "refresh", "--trust", trust).stdout


def test_a_key_given_for_a_period_does_not_vouch_outside_it(tmp_path: Path, trust: str) -> None:
    issuer = "https://badges.example.edu/issuers/2"
    key = SigningKey.generate()
    credential = _signed_by(key, issuer, tmp_path)
    ok("trust", "add-key", issuer, key.public_key.multikey, "--trust", trust,
       "--valid-until", "2020-01-01")  # fmt: skip
    report = run("verify", str(credential), "--trust", trust, "--json")
    assert report.exit_code == 1
    checks = {c["id"]: c for c in json.loads(report.stdout)["checks"]}
    assert checks["issuer_key"]["code"] == "WRONG_KEY"


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("z6MkNotAKey", "Multikey"),
        ("no-such-file.pem", "neither a Multikey"),
        (
            "{private}",
            "holds a private key where a public key was expected; keep it private: do not "
            "publish or share it",
        ),
        ("{weak}", "The RSA key has 1024 bits; leadbadge accepts 2048"),
    ],
)
def test_a_key_that_cannot_be_read_is_one_sentence(
    tmp_path: Path, trust: str, key: str, says: str
) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    (tmp_path / "private.pem").write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "weak.pem").write_bytes(_public_pem(private.public_key()))
    given = key.format(private=tmp_path / "private.pem", weak=tmp_path / "weak.pem")
    line = refused("trust", "add-key", "https://x.example/i", given, "--trust", trust)
    assert says in line
    assert not Path(trust).exists()


def _public_pem(key: Any) -> bytes:
    return bytes(
        key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def test_an_rsa_key_given_as_pem_verifies_the_issuer_s_vc_jwts(tmp_path: Path, trust: str) -> None:
    from leadbadge.crypto.jwk import JoseSigningKey
    from leadbadge.proof import vc_jwt

    issuer = "https://badges.example.edu/issuers/3"
    key = JoseSigningKey.generate("RS256")
    pem = tmp_path / "issuer.pem"
    inner: Any = key._key
    pem.write_bytes(_public_pem(inner.public_key()))
    added = ok("trust", "add-key", issuer, str(pem), "--trust", trust)
    thumbprint = key.public_key.thumbprint
    assert (
        f"  {issuer}#{thumbprint}: RSA 2048-bit key, thumbprint {thumbprint}, no period given"
        in added.stdout
    )
    assert "verifies VC-JWTs signed with RS256 only" in added.stdout
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0e7b3f54-6c1e-4d1a-9a55-3f1d2b8c7e10",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-11-01T12:00:00Z",
        "credentialSubject": {"id": "did:example:ana"},
    }
    token = tmp_path / "credential.jwt"
    token.write_text(vc_jwt.sign(unsigned, key, kid="https://badges.example.edu/keys/1"))
    report = run("verify", str(token), "--trust", trust, "--json")
    assert report.exit_code == 0, report.output
    forged = tmp_path / "forged.jwt"
    other = JoseSigningKey.generate("ES256")
    forged.write_text(vc_jwt.sign(unsigned, other, kid="https://badges.example.edu/keys/1"))
    assert run("verify", str(forged), "--trust", trust, "--json").exit_code == 1


def test_trust_list_shows_every_key_s_type_and_fingerprint(tmp_path: Path, trust: str) -> None:
    from leadbadge.crypto.jwk import JoseSigningKey

    published = Issuer.make(n_keys=2)
    published.publish(tmp_path / "site")
    ok("trust", "add", str(tmp_path / "site"), "--trust", trust)
    by_key = "https://badges.example.edu/issuers/4"
    # A key whose thumbprint starts with "-" (1 in 64): the table must keep it readable.
    p384 = next(
        key
        for key in (JoseSigningKey.generate("ES384").public_key for _ in range(5000))
        if key.thumbprint.startswith("-")
    )
    jwk = tmp_path / "p384.jwk"
    jwk.write_text(json.dumps(p384.to_jwk()))
    ok("trust", "add-key", by_key, str(jwk), "--valid-until", "2027-01-01", "--trust", trust)

    listed = json.loads(ok("trust", "list", "--trust", trust, "--json").stdout)
    entries = {entry["issuer"]: entry for entry in listed}
    history = entries[published.issuer_id]["fingerprints"]
    assert [(f["id"], f["type"], f["jwkThumbprint"]) for f in history] == [
        (published.vm(i), "Ed25519", published.keys[i].public_key.jwk_thumbprint) for i in range(2)
    ]
    (hand,) = entries[by_key]["fingerprints"]
    assert hand == {
        "id": f"{by_key}#{p384.multikey}",
        "type": "P-384",
        "alg": "ES384",
        "jwkThumbprint": p384.thumbprint,
        "publicKeyMultibase": p384.multikey,
        "validFrom": None,
        "validUntil": "2027-01-01T00:00:00Z",
        "from": "jsonWebKeys",
    }
    assert entries[by_key]["jsonWebKeys"][0]["publicKeyJwk"] == p384.to_jwk()
    assert entries[by_key]["keys"] == []

    table = ok("trust", "list", "--trust", trust).stdout
    assert "RFC 7638 JWK thumbprint, SHA-256, base64url" in table
    rows = table.splitlines()
    # Off a terminal each cell is spreadsheet-safe: a thumbprint may start with "-" (base64url).
    cell = safe_cell(p384.thumbprint)
    assert f"{by_key}\t{by_key}#{p384.multikey}\tP-384 key\t{cell}\t" in "\n".join(rows)
    for i in range(2):
        assert published.keys[i].public_key.jwk_thumbprint in table


def test_an_issuer_pinned_from_its_site_is_not_extended_by_hand(tmp_path: Path, trust: str) -> None:
    published = Issuer.make(n_keys=1)
    published.publish(tmp_path / "site")
    ok("trust", "add", str(tmp_path / "site"), "--trust", trust)
    line = refused(
        "trust", "add-key", published.issuer_id, SigningKey.generate().public_key.multikey,
        "--trust", trust,
    )  # fmt: skip
    assert "remove it first" in line
