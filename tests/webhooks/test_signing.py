"""Signatures verify with an independent Standard Webhooks implementation; tampering fails."""

from __future__ import annotations

import json
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from backend.webhooks import signing

BODY = json.dumps({"type": "decision.published", "data": {"decision_id": 7}}).encode()


def _headers(secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    return signing.signed_headers(
        secret=secret,
        message_id="evt_1",
        timestamp=int(time.time()) if timestamp is None else timestamp,
        body=BODY,
    )


def test_a_signed_delivery_verifies_with_the_reference_library():
    secret = signing.secret_new()
    assert secret.startswith("whsec_")
    assert Webhook(secret).verify(BODY, _headers(secret)) == json.loads(BODY)


def test_a_tampered_body_is_rejected():
    secret = signing.secret_new()
    headers = _headers(secret)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"7", b"8"), headers)


def test_a_delivery_signed_with_another_secret_is_rejected():
    headers = _headers(signing.secret_new())
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.secret_new()).verify(BODY, headers)


def test_a_captured_delivery_replayed_later_is_rejected():
    secret = signing.secret_new()
    six_minutes_ago = int(time.time()) - 6 * 60
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, _headers(secret, timestamp=six_minutes_ago))


def test_secrets_are_unique_and_carry_32_random_bytes():
    import base64

    secrets = {signing.secret_new() for _ in range(50)}
    assert len(secrets) == 50
    assert all(len(base64.b64decode(s.removeprefix("whsec_"))) == 32 for s in secrets)
