"""Production settings refuse unsafe values at start-up, and pass ``check --deploy`` cleanly.

Each case executes the settings module afresh, in a module of its own, with the
environment a deployment would give it (the settings read it once, when imported,
and refuse unsafe values right then, before any app loads); the running Django keeps
its own settings. ``check --deploy`` runs in a fresh interpreter, since it needs
Django set up with those settings.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = secrets.token_urlsafe(60)


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_DEBUG", "EMAIL_BACKEND", "ALLOWED_HOSTS", "SECRET_KEY", "NUM_PROXIES"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="backend.settings",
        DJANGO_ENV="production",
        SECRET_KEY=STRONG_KEY,
        BASE_DOMAIN="publicbenefit.example.org",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@dataclass(frozen=True)
class Started:
    """What a process importing the settings would show: its exit status, what it
    printed and the refusal it died with."""

    returncode: int
    stdout: str
    stderr: str


def settings_of(env: dict[str, str], expression: str) -> Started:
    """Import backend/settings.py as a process started with ``env`` would, then print
    ``expression`` (``settings`` is the module) as ``print`` would."""
    spec = importlib.util.spec_from_file_location(
        "settings_under_test", ROOT / "backend" / "settings.py"
    )
    assert spec is not None and spec.loader is not None
    settings = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, env, clear=True):
        try:
            spec.loader.exec_module(settings)
        except ImproperlyConfigured as refused:
            return Started(1, "", f"ImproperlyConfigured: {refused}")
    values = eval(f"({expression},)", {"settings": settings})
    return Started(0, " ".join(str(value) for value in values) + "\n", "")


def test_production_settings_start_with_safe_values():
    result = settings_of(production_env(), "settings.ALLOWED_HOSTS, settings.EMAIL_BACKEND")
    assert result.returncode == 0, result.stderr
    assert "['publicbenefit.example.org', '.publicbenefit.example.org']" in result.stdout
    assert "smtp" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is unset or the development key"),
        (
            {"SECRET_KEY": "insecure-development-key-never-use-in-production"},
            "SECRET_KEY is unset or the development key",
        ),
        ({"SECRET_KEY": "short-but-set"}, "SECRET_KEY is weak"),
        ({"DJANGO_DEBUG": "1"}, "DEBUG is on"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, "EMAIL_BACKEND"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "publicbenefit.example.org,*.example.org"}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_with(overrides, reason):
    result = settings_of(production_env(**overrides), "'started'")
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "Refusing to start with DJANGO_ENV=production" in result.stderr
    assert reason in result.stderr


def test_development_still_starts_with_the_development_defaults():
    env = production_env(DJANGO_ENV="development", SECRET_KEY=None, DJANGO_DEBUG="1")
    result = settings_of(env, "settings.DEBUG")
    assert result.returncode == 0, result.stderr


def test_check_deploy_has_no_warnings_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_links_are_https_behind_the_ingress_and_probes_are_not_redirected():
    expression = (
        "settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_SSL_REDIRECT, "
        "settings.SECURE_REDIRECT_EXEMPT, settings.SESSION_COOKIE_SECURE, "
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS"
    )
    result = settings_of(production_env(), expression)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True ['^healthz/?$', '^readyz/?$'] True True"
    )
