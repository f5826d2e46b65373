"""Signing secrets and signatures of the Standard Webhooks specification.

A secret is "whsec_" and the base64 of 24 random bytes; the signature of a
delivery is "v1," and the base64 of HMAC-SHA256 over "id.timestamp.body",
keyed with those bytes. After a rotation both the new and the old secret
sign, separated by a space, so a receiver still on the old one keeps working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

PREFIX = "whsec_"


def new_secret() -> str:
    """Return a fresh signing secret."""
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def key(secret: str) -> bytes:
    """Return the bytes a secret stands for."""
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secrets_in_use: Iterable[str], webhook_id: str, timestamp: int, body: str) -> str:
    """Return the webhook-signature header: one v1 signature per secret in use."""
    signed = f"{webhook_id}.{timestamp}.{body}".encode()
    return " ".join(
        "v1," + base64.b64encode(hmac.new(key(secret), signed, hashlib.sha256).digest()).decode()
        for secret in secrets_in_use
    )
