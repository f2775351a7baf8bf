"""The client's address, as far as it can be trusted: the one input of every per-address limit.

A request's socket peer (``REMOTE_ADDR``) is the last proxy when the app runs
behind an ingress or load balancer, and ``X-Forwarded-For`` is written by
whoever sent the request, so only the entries appended by proxies we run can
be believed. Two settings say which those are (both may be combined):

``TRUSTED_PROXY_NETWORKS``
    Networks (CIDR) of our own proxies. Walking ``X-Forwarded-For`` from the
    right, starting at the socket peer, every address inside these networks
    is a proxy; the first one outside is the client. A peer outside them is
    itself the client and its ``X-Forwarded-For`` is ignored.
``TRUSTED_PROXY_COUNT``
    How many proxies stand in front of the app. The client is the address
    that many hops to the left of the peer. With networks set too, it caps
    how many hops are skipped.

With neither (the default) the socket peer is the client and
``X-Forwarded-For`` is ignored entirely, so a spoofed header changes nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# IPv6 users routinely hold a whole /64; counting per address would give each
# of them 2^64 fresh identities against every limit.
IPV6_THROTTLE_PREFIX = 64


def parse_address(value: str) -> IPAddress | None:
    """An address from a header entry: tolerates ``[v6]:port``, ``v4:port`` and zone ids."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # IPv4 with a port
        value = value.split(":", 1)[0]
    value = value.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def trusted_networks() -> tuple[IPNetwork, ...]:
    return _networks(tuple(settings.TRUSTED_PROXY_NETWORKS))


def _is_proxy(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def forwarded_chain(request: HttpRequest) -> list[str]:
    """``X-Forwarded-For`` entries, nearest proxy's entry last (several headers are joined)."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [entry.strip() for entry in header.split(",") if entry.strip()]


def client_address(request: HttpRequest | Any) -> str:
    """The client's address under the trusted-proxy settings (``REMOTE_ADDR`` by default)."""
    django_request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    meta = django_request.META
    cached = meta.get("publicbenefit.client_address")
    if cached:
        return str(cached)
    address = _resolve(django_request)
    meta["publicbenefit.client_address"] = address
    return address


def _resolve(request: HttpRequest) -> str:
    peer_text = request.META.get("REMOTE_ADDR", "") or ""
    peer = parse_address(peer_text)
    if peer is None:
        return peer_text or "unknown"
    networks = trusted_networks()
    hops: int = settings.TRUSTED_PROXY_COUNT
    if not networks and hops <= 0:
        return str(peer)
    if networks and not _is_proxy(peer, networks):
        return str(peer)  # not one of ours: whatever it forwards is its own claim
    # Nearest first: the peer, then X-Forwarded-For from right to left.
    chain = list(reversed(forwarded_chain(request)))
    current = peer
    for skipped, entry in enumerate(chain):
        if hops > 0 and skipped >= hops:
            break
        if networks and not _is_proxy(current, networks):
            break
        parsed = parse_address(entry)
        if parsed is None:
            # Unparseable text from a trusted proxy: count the request against
            # that proxy rather than believe anything further left.
            break
        current = parsed
    return str(current)


def throttle_ident(request: HttpRequest | Any) -> str:
    """The key per-address limits count under: the address, or its /64 for IPv6."""
    address = client_address(request)
    parsed = parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        network = ipaddress.ip_network(f"{parsed}/{IPV6_THROTTLE_PREFIX}", strict=False)
        return str(network)
    return address
