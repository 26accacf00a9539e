"""Signed, expiring tokens: what the visitor may carry from one request to the next
without being trusted (HMAC-SHA256 with the program's key; no database, no cookie).

Uses: the "check your answers" step's proof of when the form was shown and of what it
showed (spam timing, server-signed), the confirmation page's own address (reloadable,
reveals nothing, cannot be used to enumerate references), the e-mail confirmation link
(which claims the business number), the assessment result's address.

A token is `<payload>.<signature>`, both base64url; the payload is JSON with the key id
(`k`), the purpose (`p`), when it was issued (`i`) and when it expires (`e`), epoch
seconds, plus the purpose's own fields. Keys rotate: a token signed with the previous
key still verifies until it expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SigningKey:
    kid: str
    secret: bytes


class TokenInvalid(Exception):
    """Forged, altered, signed with an unknown key, or for another purpose."""


class TokenExpired(Exception):
    """Genuine but past its expiry."""

    def __init__(self, claims: dict[str, Any]) -> None:
        super().__init__("expired")
        self.claims = claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: SigningKey, payload: str) -> str:
    return _b64(hmac.new(key.secret, payload.encode("ascii"), hashlib.sha256).digest())


def sign(key: SigningKey, purpose: str, now: int, lifetime: int, **claims: Any) -> str:
    body = {"k": key.kid, "p": purpose, "i": now, "e": now + lifetime, **claims}
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_mac(key, payload)}"


def verify(keys: list[SigningKey], token: str, purpose: str, now: int) -> dict[str, Any]:
    """The token's claims; raises TokenInvalid or TokenExpired. Never trusts the payload
    before its signature checks out."""
    payload, dot, signature = token.partition(".")
    if not dot or len(token) > 2048 or not payload.isascii() or not signature.isascii():
        raise TokenInvalid("malformed")
    try:
        kid = json.loads(_unb64(payload)).get("k")
    except (ValueError, AttributeError):
        raise TokenInvalid("malformed") from None
    key = next((k for k in keys if k.kid == kid), None)
    if key is None or not hmac.compare_digest(_mac(key, payload), signature):
        raise TokenInvalid("signature")
    claims: dict[str, Any] = json.loads(_unb64(payload))
    if claims.get("p") != purpose:
        raise TokenInvalid("purpose")
    if not isinstance(claims.get("e"), int) or not isinstance(claims.get("i"), int):
        raise TokenInvalid("claims")
    if claims["e"] <= now:
        raise TokenExpired(claims)
    return claims


def digest(values: dict[str, Any]) -> str:
    """A short fingerprint of submitted values: a token can vouch for exactly these."""
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
