"""Where a webhook may be sent: public HTTPS addresses only, unless settings allow more.

A URL is checked when it is subscribed and again at every delivery, and the
delivery connects to the very address that passed the check, so a name that
later resolves to a private address (DNS rebinding) cannot reach inside the
network. Loopback, private, link-local (cloud metadata), shared, reserved and
multicast ranges are refused unless listed in ``WEBHOOK_ALLOWED_NETWORKS``.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(ValueError):
    """The URL may not receive webhooks; ``code`` says why."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(network.strip(), strict=False)
        for network in settings.WEBHOOK_ALLOWED_NETWORKS
        if network.strip()
    ]


def _address_allowed(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_networks()):
        return True
    return address.is_global and not address.is_multicast


def target_check(url: str) -> Target:
    """Check ``url`` and resolve it; raise ``TargetRefused`` if it may not be called."""
    parts = urlsplit(url)
    allowed_schemes = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed_schemes:
        raise TargetRefused("Webhook URLs must use https.", code="https_required")
    if parts.username or parts.password:
        raise TargetRefused("Webhook URLs may not carry credentials.", code="credentials_in_url")
    host = parts.hostname
    if not host:
        raise TargetRefused("The URL has no host.", code="no_host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise TargetRefused("The URL's port is not valid.", code="bad_port") from error
    try:
        resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused(f"{host} does not resolve.", code="unresolvable_host") from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in resolved]
    # Every address the name resolves to must be allowed, not just the first:
    # otherwise a name with one public and one private record could be steered.
    refused = [str(address) for address in addresses if not _address_allowed(address)]
    if not addresses or refused:
        raise TargetRefused(
            f"{host} resolves to an address that may not receive webhooks.",
            code="private_target",
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=str(addresses[0]))
