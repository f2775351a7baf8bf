"""No SSRF: only public HTTPS addresses receive webhooks unless settings allow more."""

from __future__ import annotations

import pytest

from backend.webhooks.targets import TargetRefused, target_check


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://8.8.8.8/hook", "https_required"),
        ("ftp://8.8.8.8/hook", "https_required"),
        ("https://127.0.0.1/hook", "private_target"),
        ("https://localhost/hook", "private_target"),
        ("https://10.1.2.3/hook", "private_target"),
        ("https://192.168.0.10/hook", "private_target"),
        ("https://169.254.169.254/latest/meta-data", "private_target"),
        ("https://100.64.0.1/hook", "private_target"),
        ("https://0.0.0.0/hook", "private_target"),
        ("https://[::1]/hook", "private_target"),
        ("https://[::ffff:127.0.0.1]/hook", "private_target"),
        ("https://[fd00::1]/hook", "private_target"),
        ("https://224.0.0.1/hook", "private_target"),
        ("https://user:secret@8.8.8.8/hook", "credentials_in_url"),
        ("https://no-such-host.invalid/hook", "unresolvable_host"),
        ("https:///hook", "no_host"),
    ],
)
def test_refused_targets(url, code):
    with pytest.raises(TargetRefused) as refused:
        target_check(url)
    assert refused.value.code == code


def test_a_public_https_address_is_accepted_and_pinned():
    target = target_check("https://8.8.8.8:8443/hooks/in?source=pb")
    assert (target.scheme, target.host, target.port, target.address) == (
        "https",
        "8.8.8.8",
        8443,
        "8.8.8.8",
    )
    assert target.path == "/hooks/in?source=pb"


def test_allowed_networks_and_http_open_only_what_they_name(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert target_check("http://127.0.0.1:9000/in").address == "127.0.0.1"
    with pytest.raises(TargetRefused):
        target_check("http://10.0.0.1/in")
