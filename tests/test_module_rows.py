"""tests/conftest.py ``module_rows``: rows built once for a module stay for each of its
tests, and what each test writes is undone before the next (the tests run in order)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backend.accounts.models import User
from tests.conftest import module_rows

BUILT = "built-once@example.test"
WRITTEN = "written-by-a-test@example.test"
builds: list[int] = []


def _build() -> int:
    builds.append(1)
    return User.objects.create_user(email=BUILT).pk


@pytest.fixture(scope="module")
def built_user(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    yield from module_rows(django_db_blocker, _build)


def test_the_first_test_sees_the_rows_and_may_change_them(db, built_user):
    assert User.objects.filter(pk=built_user, email=BUILT).exists()
    User.objects.create_user(email=WRITTEN)
    User.objects.filter(pk=built_user).update(full_name="Changed by a test")
    assert User.objects.get(pk=built_user).full_name == "Changed by a test"


def test_the_next_test_sees_the_rows_again_and_not_the_first_tests_writes(db, built_user):
    assert User.objects.get(pk=built_user).full_name == ""
    assert not User.objects.filter(email=WRITTEN).exists()
    assert builds == [1]  # built once for the module
