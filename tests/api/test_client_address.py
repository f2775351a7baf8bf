"""Client addresses come from the trusted-proxy settings, and every throttle keys on them."""

from __future__ import annotations

import itertools

import pytest
from django.test import RequestFactory

from api.client_address import client_address, throttle_ident
from api.public.throttles import ConsultationAddressThrottle
from tenants.context import authority_context
from tests.consultations.factories import make_consultation

_octets = itertools.count(1)


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def _spoofed(index: int) -> str:
    return f"203.0.113.{index % 250}, 198.51.100.{index % 250}"


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 0, []
    assert client_address(_request("192.0.2.7", "203.0.113.9")) == "192.0.2.7"


def test_hop_count_takes_the_address_the_last_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, []
    # The client prepended a fake entry; the ingress appended the real peer.
    assert client_address(_request("10.1.0.5", "6.6.6.6, 192.0.2.7")) == "192.0.2.7"


def test_hop_count_with_fewer_entries_than_proxies_stops_at_the_leftmost(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 2, []
    assert client_address(_request("10.1.0.5", "192.0.2.7")) == "192.0.2.7"


def test_trusted_networks_walk_past_our_proxies_only(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 0, ["10.0.0.0/8"]
    request = _request("10.1.0.5", "6.6.6.6, 192.0.2.7, 10.2.0.9")
    assert client_address(request) == "192.0.2.7"


def test_a_peer_outside_the_trusted_networks_cannot_forward_an_address(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, ["10.0.0.0/8"]
    assert client_address(_request("192.0.2.7", "6.6.6.6")) == "192.0.2.7"


def test_garbage_from_a_trusted_proxy_counts_against_that_proxy(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 0, ["10.0.0.0/8"]
    assert client_address(_request("10.1.0.5", "not-an-address")) == "10.1.0.5"


def test_ports_and_brackets_are_understood(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, []
    assert client_address(_request("10.1.0.5", "[2001:db8::1]:4711")) == "2001:db8::1"
    assert client_address(_request("10.1.0.5", "192.0.2.7:4711")) == "192.0.2.7"


def test_ipv6_clients_are_limited_per_64_network(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 0, []
    one = throttle_ident(_request("2001:db8:1:2::1"))
    other = throttle_ident(_request("2001:db8:1:2:ffff::9"))
    assert one == other == "2001:db8:1:2::/64"


def test_login_limit_holds_against_a_spoofed_forwarded_for(anonymous, authority_a, settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 0, []
    client = anonymous(authority_a)
    client.defaults["REMOTE_ADDR"] = f"192.0.2.{next(_octets) % 250}"
    statuses = [
        client.post(
            "/api/v1/auth/login",
            {"email": f"nobody{index}@example.test", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=_spoofed(index),
        ).status_code
        for index in range(25)
    ]
    assert statuses[0] == 400
    assert statuses[-1] == 429


def test_login_limit_counts_the_client_behind_a_trusted_ingress(anonymous, authority_a, settings):
    """Behind one proxy every request shares its address; the limit follows the real client."""
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 1, ["10.0.0.0/8"]
    client = anonymous(authority_a)
    client.defaults["REMOTE_ADDR"] = "10.0.0.2"
    real = f"192.0.2.{next(_octets) % 250}"

    def login(forwarded: str, email: str = "someone@example.test") -> int:
        response = client.post(
            "/api/v1/auth/login",
            {"email": email, "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        return response.status_code

    statuses = [login(f"6.6.{index}.6, {real}", f"user{index}@example.test") for index in range(25)]
    assert statuses[-1] == 429
    # Another client behind the same ingress is not limited by the first one's attempts.
    assert login(f"198.51.100.{next(_octets) % 250}", "other@example.test") == 400


@pytest.mark.parametrize("kind", ["invitation", "open-survey", "calendar"])
def test_token_guessing_is_limited_per_address_despite_spoofing(
    anonymous, authority_a, settings, monkeypatch, kind
):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_NETWORKS = 0, []
    rates = ConsultationAddressThrottle.THROTTLE_RATES
    monkeypatch.setitem(rates, "consultation_address", "10000/min")
    monkeypatch.setitem(rates, "consultation_token", "10000/min")
    monkeypatch.setitem(rates, "token_guess", "5/hour")
    client = anonymous(authority_a)
    client.defaults["REMOTE_ADDR"] = f"198.51.100.{next(_octets) % 250}"
    paths = {
        "invitation": "/api/v1/public/invitations/guess{}",
        "open-survey": "/api/v1/public/open-surveys/guess{}",
        "calendar": "/api/v1/public/calendars/guess{}",
    }
    statuses = [
        client.get(paths[kind].format(index), HTTP_X_FORWARDED_FOR=_spoofed(index)).status_code
        for index in range(7)
    ]
    assert statuses == [404] * 5 + [429, 429]


def test_a_real_token_is_refused_too_once_an_address_has_guessed_too_often(
    anonymous, authority_a, settings, monkeypatch
):
    rates = ConsultationAddressThrottle.THROTTLE_RATES
    monkeypatch.setitem(rates, "consultation_address", "10000/min")
    monkeypatch.setitem(rates, "token_guess", "3/hour")
    with authority_context(authority_a):
        survey = make_consultation(method="online_survey", open_link_enabled=True)
    from backend.consultations.tokens import open_link_token

    link = open_link_token(survey.open_link_salt)
    client = anonymous(authority_a)
    client.defaults["REMOTE_ADDR"] = f"198.51.100.{next(_octets) % 250}"
    assert client.get(f"/api/v1/public/open-surveys/{link}").status_code == 200
    for index in range(3):
        client.get(f"/api/v1/public/open-surveys/wrong{index}")
    limited = client.get(f"/api/v1/public/open-surveys/{link}")
    assert limited.status_code == 429
    assert limited["Retry-After"]
