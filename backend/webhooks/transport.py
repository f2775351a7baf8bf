"""One HTTP POST to a checked target, connecting to the address the check approved."""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from backend.webhooks.targets import Target

USER_AGENT = "publicbenefit-webhooks/1"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate checked against the URL's host name, not the address.
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, target: Target, headers: dict[str, str], body: bytes, timeout: float) -> Outcome:
    """POST ``body``; redirects are not followed (a 3xx counts as a failure)."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        response = connection.getresponse()
        response.read(4096)
        return Outcome(status_code=response.status, error="")
    except (OSError, http.client.HTTPException) as error:
        return Outcome(status_code=None, error=f"{type(error).__name__}: {error}"[:300])
    finally:
        connection.close()
