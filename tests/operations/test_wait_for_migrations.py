"""Web pods wait in wait_for_migrations until every schema has this release's migrations."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from backend.operations.migrations_state import unapplied_migrations


def test_a_migrated_deployment_has_nothing_to_wait_for(authority_a, capsys):
    assert unapplied_migrations() == {}
    call_command("wait_for_migrations", "--timeout", "0")
    assert "Every schema is migrated." in capsys.readouterr().out


def test_an_authority_schema_missing_a_migration_keeps_web_waiting(authority_a, authority_b):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM alpha.django_migrations WHERE id ="
            " (SELECT max(id) FROM alpha.django_migrations WHERE app = 'proposals')"
        )
    assert unapplied_migrations() == {"alpha": 1}
    with pytest.raises(CommandError, match="alpha"):
        call_command("wait_for_migrations", "--timeout", "0", "--interval", "0")
