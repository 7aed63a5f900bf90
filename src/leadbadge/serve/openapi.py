"""The OpenAPI 3.1 description of the server, served at ``/openapi.json``.

Its schemas are JSON Schema 2020-12 (OpenAPI 3.1); the unit tests check every answer the server
gives against the schema it declares for that status code.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from leadbadge import __version__

__all__ = ["openapi_document"]

_ERROR_REF: Final = {"$ref": "#/components/schemas/Error"}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json_content(_ERROR_REF)}


_TOO_LARGE: Final = _error("The request body is larger than the server accepts.")
_BAD_MEDIA: Final = _error("The request body is not sent as application/json.")

_SCHEMAS: Final[dict[str, Any]] = {
    "Error": {
        "type": "object",
        "description": "An error: RFC 9457 problem details members and a stable code.",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string", "description": "One sentence: what was wrong."},
            "code": {"type": "string"},
            "field": {"type": "string", "description": "The input member at fault."},
        },
    },
    "ProblemDetails": {
        "type": "object",
        "description": "One problem found (VC Data Model 2.0 §7.1).",
        "required": ["type", "title", "detail", "check"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "detail": {"type": "string"},
            "check": {"type": "string", "description": "The leadbadge check that found it."},
            "code": {"type": "string"},
        },
    },
    "Credential": {
        "type": "object",
        "required": ["@context"],
        "description": "A credential as JSON-LD (VC Data Model 1.1 or 2.0).",
    },
    "VerifiableCredential": {
        "type": "object",
        "required": ["@context", "proof"],
        "description": "A credential with a Data Integrity proof.",
    },
    "Options": {"type": "object", "description": "VC-API options; none changes the checks."},
    "VerifyCredentialRequest": {
        "type": "object",
        "required": ["verifiableCredential"],
        "properties": {
            "verifiableCredential": {"$ref": "#/components/schemas/VerifiableCredential"},
            "options": {"$ref": "#/components/schemas/Options"},
        },
    },
    "VerificationResult": {
        "type": "object",
        "required": ["verified", "checks", "warnings", "errors"],
        "properties": {
            "verified": {"type": "boolean", "description": "True only for a valid verdict."},
            "checks": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The checks that passed.",
            },
            "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemDetails"}},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemDetails"}},
            "report": {
                "type": "object",
                "description": "The leadbadge verification report (docs/verification.md).",
                "required": ["verdict", "checks"],
            },
        },
    },
    "IssueCredentialRequest": {
        "type": "object",
        "required": ["credential"],
        "properties": {
            "credential": {"$ref": "#/components/schemas/Credential"},
            "options": {"$ref": "#/components/schemas/Options"},
        },
    },
    "IssueCredentialResponse": {
        "type": "object",
        "required": ["verifiableCredential"],
        "properties": {
            "verifiableCredential": {"$ref": "#/components/schemas/VerifiableCredential"},
        },
    },
    "VerifyPresentationRequest": {
        "type": "object",
        "required": ["verifiablePresentation"],
        "properties": {
            "verifiablePresentation": {"type": "object"},
            "options": {
                "type": "object",
                "description": "What this verifier asked the holder to sign: when given, the "
                "holder's proof must carry them exactly.",
                "properties": {"challenge": {"type": "string"}, "domain": {"type": "string"}},
            },
        },
    },
    "BitstringStatusListCredential": {
        "type": "object",
        "required": ["@context", "id", "type", "credentialSubject", "proof"],
        "properties": {
            "type": {"type": "array", "contains": {"const": "BitstringStatusListCredential"}},
        },
    },
}

_DOCUMENT: Final[dict[str, Any]] = {
    "openapi": "3.1.0",
    "info": {
        "title": "leadbadge VC-API",
        "version": __version__,
        "description": "Verify credentials, issue credentials with the issuer's key, and "
        "publish the issuer's status lists (docs/serve.md).",
    },
    "paths": {
        "/credentials/verify": {
            "post": {
                "summary": "Verify a credential",
                "operationId": "verifyCredential",
                "requestBody": {
                    "required": True,
                    "content": _json_content(
                        {"$ref": "#/components/schemas/VerifyCredentialRequest"}
                    ),
                },
                "responses": {
                    "200": {
                        "description": "Verified.",
                        "content": _json_content(
                            {"$ref": "#/components/schemas/VerificationResult"}
                        ),
                    },
                    "400": {
                        "description": "Not verified (a VerificationResult), or a request that "
                        "holds no credential (an Error).",
                        "content": _json_content(
                            {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/VerificationResult"},
                                    _ERROR_REF,
                                ]
                            }
                        ),
                    },
                    "413": _TOO_LARGE,
                    "415": _BAD_MEDIA,
                },
            }
        },
        "/credentials/issue": {
            "post": {
                "summary": "Sign a credential with the issuer's key and record it",
                "operationId": "issueCredential",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": _json_content(
                        {"$ref": "#/components/schemas/IssueCredentialRequest"}
                    ),
                },
                "responses": {
                    "201": {
                        "description": "Issued: signed, with a revocation entry, recorded.",
                        "content": _json_content(
                            {"$ref": "#/components/schemas/IssueCredentialResponse"}
                        ),
                    },
                    "400": _error("The credential or the request was refused."),
                    "401": _error("No bearer token, or not the server's."),
                    "404": _error("The server was started without an issuer."),
                    "413": _TOO_LARGE,
                    "415": _BAD_MEDIA,
                },
            }
        },
        "/presentations/verify": {
            "post": {
                "summary": "Verify a presentation: the holder's proof and every credential in it",
                "operationId": "verifyPresentation",
                "requestBody": {
                    "required": True,
                    "content": _json_content(
                        {"$ref": "#/components/schemas/VerifyPresentationRequest"}
                    ),
                },
                "responses": {
                    "200": {
                        "description": "Verified: its checks pass and every credential is valid.",
                        "content": _json_content(
                            {"$ref": "#/components/schemas/VerificationResult"}
                        ),
                    },
                    "400": {
                        "description": "Not verified (a VerificationResult), or a request that "
                        "holds no presentation (an Error).",
                        "content": _json_content(
                            {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/VerificationResult"},
                                    _ERROR_REF,
                                ]
                            }
                        ),
                    },
                    "413": _TOO_LARGE,
                    "415": _BAD_MEDIA,
                },
            }
        },
        "/{statusListPath}": {
            "get": {
                "summary": "A status list credential of the issuer",
                "description": "Each status list is served at the path of its URL "
                "(<issuer url>/status/<n>.json), signed from the ledger as it stands.",
                "operationId": "getStatusList",
                "parameters": [
                    {
                        "name": "statusListPath",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The signed status list credential.",
                        "content": _json_content(
                            {"$ref": "#/components/schemas/BitstringStatusListCredential"}
                        ),
                    },
                    "404": _error("No status list is published at this path."),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This description",
                "operationId": "getOpenApi",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": _json_content({})}},
            }
        },
    },
    "components": {
        "schemas": _SCHEMAS,
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document (a fresh copy)."""
    return copy.deepcopy(_DOCUMENT)
