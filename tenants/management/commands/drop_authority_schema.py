from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.models import Authority
from tenants.services import authority_drop_schema


class Command(BaseCommand):
    help = (
        "Irreversibly drop a withdrawn authority's schema and its rows. Asks you to type the "
        "slug; --confirm <slug> answers for scripts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--confirm", help="The slug again, to skip the prompt.")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        authority = Authority.objects.filter(schema_name=slug).first()
        if authority is None:
            raise CommandError(f"No authority has the slug '{slug}'.")
        answer = options["confirm"]
        if answer is None:
            self.stdout.write(
                f"This drops every proposal, assessment, consultation and response of "
                f"{authority.name}. It cannot be undone."
            )
            answer = input(f"Type '{slug}' to drop it: ").strip()
        if answer != slug:
            raise CommandError("Confirmation did not match; nothing was dropped.")
        try:
            authority_drop_schema(authority=authority)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Dropped schema '{slug}'.")
