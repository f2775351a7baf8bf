from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from knox.models import AuthToken

from backend.accounts.models import User
from backend.benchmarks.services import benchmark_rollup_refresh
from backend.proposals.demo import seed_demo_proposals
from tenants.models import Authority, AuthorityKind, AuthorityStatus
from tenants.roles import Role
from tenants.services import authority_onboard, membership_grant

DEMO_PASSWORD = "demo-pass-2026"

DEMO_AUTHORITIES: list[dict[str, Any]] = [
    {
        "slug": "demo",
        "name": "Demo Borough Council",
        "kind": AuthorityKind.LONDON_BOROUGH,
        "gss_code": "E09000099",
        "population": 310_000,
        "consents_to_be_named": True,
    },
    {
        "slug": "northshire",
        "name": "Northshire County Council",
        "kind": AuthorityKind.COUNTY,
        "gss_code": "E10000099",
        "population": 780_000,
        "consents_to_be_named": False,
    },
    {
        "slug": "riverside",
        "name": "Riverside Council",
        "kind": AuthorityKind.UNITARY,
        "nation": "wales",
        "gss_code": "W06000099",
        "population": 150_000,
        "consents_to_be_named": True,
    },
]


@functools.cache
def _demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once for every demo user: the production hasher takes about
    0.4 s of CPU per hash by design, and this command makes fourteen users on every
    first ``run``. The shared salt tells nothing: the password is printed below."""
    return make_password(DEMO_PASSWORD)


def _user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name)
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


class Command(BaseCommand):
    help = "Load the demo programme: authorities and users of every role. Safe to repeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://{host}:8000",
            help="How to print URLs; {host} is replaced by each host name.",
        )
        parser.add_argument("--no-tokens", action="store_true", help="Do not mint demo tokens.")

    def handle(self, *args: Any, **options: Any) -> None:
        base = settings.BASE_DOMAIN
        url = options["base_url"]
        users: list[tuple[str, str, User]] = []
        role: str
        with transaction.atomic():
            for email, role in [
                ("coordinator@programme.example", Role.COORDINATOR),
                ("observer@programme.example", Role.OBSERVER),
            ]:
                user = _user(email, f"Programme {role}")
                membership_grant(user=user, role=role, authority=None)
                users.append((base, role, user))
        for spec in DEMO_AUTHORITIES:
            slug = spec["slug"]
            result = authority_onboard(admin_email=f"admin@{slug}.example", **spec)
            authority = result.authority
            if authority.status == AuthorityStatus.INVITED:
                Authority.objects.filter(pk=authority.pk).update(status=AuthorityStatus.ACTIVE)
            admin = result.admin
            if result.admin_invited:
                admin.password = _demo_password_hash()
                admin.full_name = f"{authority.name} admin"
                admin.save()
            users.append((f"{slug}.{base}", Role.ADMIN, admin))
            for role in (Role.OFFICER, Role.FACILITATOR, Role.VIEWER):
                user = _user(f"{role}@{slug}.example", f"{authority.name} {role}")
                membership_grant(user=user, role=role, authority=authority)
                users.append((f"{slug}.{base}", role, user))
            self.stdout.write(
                f"Authority {authority.name}: {url.format(host=f'{slug}.{base}')}/api/v1/ "
                f"(provisioned in {result.seconds:.2f}s)"
            )
        # One person in two authorities, as happens when councils share officers.
        shared = User.objects.get(email="officer@demo.example")
        membership_grant(
            user=shared, role=Role.VIEWER, authority=Authority.objects.get(schema_name="northshire")
        )

        created = seed_demo_proposals(
            authority=Authority.objects.get(schema_name="demo"),
            actor=shared,
            reviewer=User.objects.get(email="admin@demo.example"),
        )
        self.stdout.write(f"Demo proposals: {created} created (one decision on the register).")

        # The comparison reads rollups only; fill them now rather than waiting for the
        # nightly job, so the dev runner's benchmark endpoints answer at once.
        for authority in Authority.objects.filter(
            schema_name__in=[spec["slug"] for spec in DEMO_AUTHORITIES]
        ):
            benchmark_rollup_refresh(authority=authority)
        self.stdout.write("Benchmark rollups refreshed for the demo authorities.")

        self.stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD}):")
        for _host, role, user in users:
            line = f"  {role:<12} {user.email:<34}"
            if not options["no_tokens"]:
                AuthToken.objects.filter(user=user).delete()
                _, token = AuthToken.objects.create(user=user)
                line += f" token {token}"
            self.stdout.write(line)
        example = next(u for h, r, u in users if r == Role.ADMIN)
        self.stdout.write(
            "\nTry:  curl -H 'Authorization: Token <token>' "
            f"{url.format(host=f'demo.{base}')}/api/v1/me   (e.g. {example.email}'s token)"
        )
