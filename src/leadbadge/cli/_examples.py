"""Who each command is for, and an Examples section for its --help.

Kept in one table so the root help can group the commands by role and every command shows a
worked example; tests/unit/cli/test_help.py checks each example names a real command.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["EXAMPLES", "ROLES"]

#: The root help's sections, in order: a title and its commands.
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Issuers (certification programs)",
        ("init", "framework", "evidence-template", "issue", "issue-batch", "renew", "publish",
         "revoke", "suspend", "unsuspend", "ledger", "keys", "endorsements"),
    ),
    ("Authorities (accrediting programs)", ("endorse",)),
    ("Educators (holders)", ("qr", "bake", "unbake")),
    ("Verifiers (hiring offices)", ("trust", "verify", "serve")),
    ("Trying it out", ("demo",)),
)  # fmt: skip

EXAMPLES: Mapping[str, tuple[str, ...]] = {
    "init": (
        'leadbadge init rcoe --name "Riverside County Leadership Academy" \\',
        "    --url https://leadership.riverside.example --did-web leadership.riverside.example",
    ),
    "framework": ("leadbadge framework show initial", "leadbadge framework validate program.toml"),
    "evidence-template": ("leadbadge evidence-template initial > ana.toml",),
    "issue": (
        'leadbadge issue --issuer rcoe initial --email ana.ruiz@example.org --name "Ana Ruiz" \\',
        "    --evidence @ana.toml -o ana-initial.json",
    ),
    "issue-batch": ("leadbadge issue-batch --issuer rcoe cohort-2026.csv -o out/ --qr",),
    "renew": (
        "leadbadge renew --issuer rcoe ana-initial.json --evidence @pl-log.toml -o ana.json",
    ),
    "publish": ("leadbadge publish --issuer rcoe site/",),
    "revoke": ('leadbadge revoke --issuer rcoe ana-initial.json --reason "Issued in error"',),
    "suspend": ('leadbadge suspend --issuer rcoe urn:uuid:… --reason "Under review"',),
    "unsuspend": ("leadbadge unsuspend --issuer rcoe urn:uuid:…",),
    "ledger": (
        "leadbadge ledger list --issuer rcoe --email ana.ruiz@example.org",
        "leadbadge ledger export --issuer rcoe -o ledger.csv",
    ),
    "keys": ("leadbadge keys rotate --issuer rcoe",),
    "endorsements": ("leadbadge endorsements list --issuer rcoe",),
    "endorse": (
        "leadbadge endorse --issuer state --program https://lakeside.example/lead \\",
        "    --tier initial --tier building -o endorsements/",
    ),
    "qr": ("leadbadge qr ana-initial.json -o ana-qr.svg",),
    "bake": ("leadbadge bake ana-initial.json badge.png -o ana-badge.png",),
    "unbake": ("leadbadge unbake ana-badge.png -o ana.json",),
    "trust": (
        "leadbadge trust add did:web:leadership.riverside.example",
        "leadbadge trust add site/",
        "leadbadge trust add-key https://badges.example.edu/issuer z6Mk… --name 'Example U'",
        "leadbadge trust refresh",
    ),
    "verify": (
        "leadbadge verify ana-initial.json --recipient ana.ruiz@example.org",
        "leadbadge verify résumé-qr-photo.jpg --json",
    ),
    "serve": (
        "leadbadge serve --trust trust/ --port 8000",
        "leadbadge serve --issuer rcoe --token-file token.txt --host 0.0.0.0 --port 8443 \\",
        "    --tls-cert cert.pem --tls-key key.pem",
    ),
    "demo": ("leadbadge demo",),
}
