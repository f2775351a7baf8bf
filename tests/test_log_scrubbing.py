"""The log filter removes tokens from any record shape the servers produce."""

from __future__ import annotations

import logging

from backend.core.log_scrubbing import TokenScrubFilter, scrub_tokens

TOKEN = "quFvote1KK6lARlJtQhkxmEoNfQmckehRNKj8AxVvkw"


def test_scrubs_every_public_token_path():
    text = (
        f'"GET /api/v1/public/invitations/{TOKEN}/response HTTP/1.1" '
        f"/api/v1/public/open-surveys/{TOKEN} /api/v1/public/calendars/{TOKEN}/consultations/4 "
        f"http://demo.example/api/v1/public/invitations/{TOKEN}?x=1 "
        f"/api/v1/public/invitations%2F{TOKEN}"
    )
    scrubbed = scrub_tokens(text)
    assert TOKEN not in scrubbed
    assert "/public/invitations/[token]/response" in scrubbed
    assert "/public/calendars/[token]/consultations/4" in scrubbed


def test_leaves_other_paths_alone():
    text = "GET /api/v1/proposals/12/transitions /api/v1/public/register/3"
    assert scrub_tokens(text) == text


def test_filter_rewrites_tuple_and_mapping_arguments():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s",
        ("Not Found", f"/api/v1/public/invitations/{TOKEN}"), None,
    )  # fmt: skip
    TokenScrubFilter().filter(record)
    assert TOKEN not in record.getMessage()
    atoms = {"r": f"GET /api/v1/public/open-surveys/{TOKEN} HTTP/1.1", "s": "200"}
    access = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(s)s", (atoms,), None
    )
    TokenScrubFilter().filter(access)
    assert access.getMessage() == "GET /api/v1/public/open-surveys/[token] HTTP/1.1 200"
