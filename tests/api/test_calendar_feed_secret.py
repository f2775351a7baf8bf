"""Calendar feeds: a per-authority secret in the database, rotated by an admin."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from django.conf import settings as django_settings

from backend.consultations.tokens import calendar_feed_token
from tenants.models import Authority
from tenants.roles import Role

OLD_KEY = "feed-key-before-rotation-0123456789abcdefghijklmnopqrstuvwxyz"


def _path(url: str) -> str:
    return url.split("localhost", 1)[1]


def _feed_path(client) -> str:
    return _path(client.get("/api/v1/consultations/calendar-feed").json()["url"])


def test_a_feed_url_computed_from_the_slug_and_the_key_alone_is_refused(authority_a, anonymous):
    """The earlier scheme: HMAC(SECRET_KEY, "calendar-feed:<slug>"), computable offline."""
    mac = hmac.new(
        django_settings.SECRET_KEY.encode(), b"calendar-feed:alpha", hashlib.sha256
    ).digest()
    forged = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    response = anonymous(authority_a).get(f"/api/v1/public/calendars/{forged}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_each_authority_has_its_own_random_feed_secret(authority_a, authority_b):
    assert authority_a.calendar_feed_secret and authority_b.calendar_feed_secret
    assert authority_a.calendar_feed_secret != authority_b.calendar_feed_secret


def test_another_authoritys_feed_token_does_not_open_this_feed(authority_a, authority_b, anonymous):
    beta_token = calendar_feed_token("beta", authority_b.calendar_feed_secret)
    assert anonymous(authority_a).get(f"/api/v1/public/calendars/{beta_token}").status_code == 404
    assert anonymous(authority_b).get(f"/api/v1/public/calendars/{beta_token}").status_code == 200


def test_an_admin_rotates_the_feed_and_the_old_url_stops_working(
    authority_a, make_member, anonymous
):
    admin = make_member(authority_a, Role.ADMIN).client(authority_a)
    old = _feed_path(admin)
    assert anonymous(authority_a).get(old).status_code == 200

    rotated = admin.post("/api/v1/consultations/calendar-feed/rotate")

    assert rotated.status_code == 200
    new = _path(rotated.json()["url"])
    assert new != old and _feed_path(admin) == new
    gone = anonymous(authority_a).get(old, HTTP_ACCEPT="text/calendar")
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"
    assert anonymous(authority_a).get(new).status_code == 200


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FACILITATOR, Role.VIEWER])
def test_only_an_admin_may_rotate_the_feed(authority_a, make_member, role):
    before = Authority.objects.get(pk=authority_a.pk).calendar_feed_secret
    response = (
        make_member(authority_a, role)
        .client(authority_a)
        .post("/api/v1/consultations/calendar-feed/rotate")
    )
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"
    assert Authority.objects.get(pk=authority_a.pk).calendar_feed_secret == before


def test_the_feed_survives_key_rotation_while_the_old_key_is_a_fallback(
    authority_a, make_member, anonymous, settings
):
    settings.SECRET_KEY = OLD_KEY
    admin = make_member(authority_a, Role.ADMIN).client(authority_a)
    old = _feed_path(admin)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-brand-new-key-" + "9" * 40, [OLD_KEY]
    assert anonymous(authority_a).get(old).status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert anonymous(authority_a).get(old).status_code == 404
    assert anonymous(authority_a).get(_feed_path(admin)).status_code == 200
