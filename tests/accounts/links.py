"""Reading the set-your-password link out of an email the real relay sent."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from django.core.mail import EmailMessage

LINK = re.compile(r"https?://\S+set-password\?\S+")


def link_in(message: EmailMessage) -> tuple[str, str, str]:
    """(host, uid, token) of the link in the message's plain-text body."""
    match = LINK.search(str(message.body))
    assert match, "no set-password link in the email"
    url = urlparse(match.group(0))
    query = parse_qs(url.query)
    return url.netloc, query["uid"][0], query["token"][0]
