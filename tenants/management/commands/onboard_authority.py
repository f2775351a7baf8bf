from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.models import AuthorityKind, Nation
from tenants.services import authority_host, authority_onboard


class Command(BaseCommand):
    help = "Create an authority's schema, host and first admin. Safe to repeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=AuthorityKind.values)
        parser.add_argument("--nation", default=Nation.ENGLAND, choices=Nation.values)
        parser.add_argument("--gss-code", default="")
        parser.add_argument("--population", type=int)
        parser.add_argument("--consents-to-be-named", action="store_true")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-full-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = authority_onboard(
                slug=options["slug"],
                name=options["name"],
                kind=options["kind"],
                nation=options["nation"],
                gss_code=options["gss_code"],
                population=options["population"],
                consents_to_be_named=options["consents_to_be_named"],
                admin_email=options["admin_email"],
                admin_full_name=options["admin_full_name"],
            )
        except ValidationError as error:
            messages = [f"{k}: {m}" for k, ms in error.message_dict.items() for m in ms]
            raise CommandError("\n".join(messages)) from error
        verb = "Created" if result.created else "Already present; checked"
        self.stdout.write(
            f"{verb} {result.authority.name} at {authority_host(result.authority.schema_name)} "
            f"in {result.seconds:.2f}s; admin {result.admin.email}"
        )
        if result.admin_invited:
            self.stdout.write("The admin was emailed a link to set their password.")
