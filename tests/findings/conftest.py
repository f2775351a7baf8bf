"""Data for the findings tests: proposals of both authorities, consulted through the services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tenants.context import authority_context
from tenants.models import Authority
from tenants.roles import Role
from tests.conftest import member_make, module_rows
from tests.findings.scenarios import answers, category, consulted, partner


@pytest.fixture
def exact_policy(settings):
    """No threshold, no rounding, no minimums: the published figures are the exact ones."""
    settings.DISCLOSURE_THRESHOLD = 0
    settings.DISCLOSURE_ROUNDING_BASE = 1
    settings.DISCLOSURE_DECIMALS = 6
    settings.FINDINGS_MIN_PROPOSALS = 1
    settings.FINDINGS_MIN_AUTHORITIES = 1
    return settings


@pytest.fixture(scope="module")
def _programme_rows(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Built once per module (tests/conftest.py ``module_rows``): a module using the
    programme holds no test that expects none (tests/findings/test_small_programmes.py)."""
    yield from module_rows(
        django_db_blocker,
        lambda: _programme_build(
            Authority.objects.get(schema_name="alpha"), Authority.objects.get(schema_name="beta")
        ),
    )


@pytest.fixture
def programme(_programme_rows: None, authority_a, authority_b) -> list[Authority]:
    """Six consultations over two authorities, with overlapping multi-valued attributes."""
    return [authority_a, authority_b]


def _programme_build(authority_a: Authority, authority_b: Authority) -> None:
    alpha = member_make(authority_a, Role.OFFICER).user
    beta = member_make(authority_b, Role.OFFICER).user
    with authority_context(authority_a):
        consulted(
            authority_a,
            alpha,
            responses=answers(5, 4, 3, 2, 1, 1),
            data_categories=[
                category("Rent arrears", "financial"),
                category("Mental health", "health", special=True),
            ],
            partners=[partner("nhs"), partner("police")],
            service_areas=["housing", "health"],
            direction="two_way",
            frequency="one_off",
            legal_gateway="consent",
        )
        consulted(
            authority_a,
            alpha,
            responses=answers(1, 2, 2, 4, proportionate=1),
            data_categories=[category("Cautions", "criminal_justice", criminal=True)],
            partners=[partner("police")],
            service_areas=["criminal_justice"],
            frequency="regular",
            legal_gateway="legal_obligation",
            scale=2,
        )
        consulted(
            authority_a,
            alpha,
            responses=answers(4, 5, 5, responsible=2),
            service_areas=["welfare"],
            direction="inbound",
            frequency="continuous",
            scale=3,
        )
    with authority_context(authority_b):
        consulted(
            authority_b,
            beta,
            responses=answers(3, 4, 4, 5, 2, purposeful=5),
            data_categories=[
                category("Name", "identity"),
                category("Diagnosis", "health", special=True),
            ],
            partners=[partner("local_authority")],
            service_areas=["health"],
        )
        consulted(
            authority_b,
            beta,
            responses=answers(1, 1, 4),
            data_categories=[category("Tenancy", "housing")],
            partners=[partner("private_sector"), partner("nhs")],
            service_areas=["housing"],
            direction="two_way",
            legal_gateway="consent",
            scale=1,
        )
        consulted(authority_b, beta, responses=[], service_areas=["education"])
