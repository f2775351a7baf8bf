from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from api.schema import SURFACES, generate_surface


def render(surface: str) -> str:
    return yaml.safe_dump(generate_surface(surface), sort_keys=False, allow_unicode=True)


class Command(BaseCommand):
    help = "Write openapi/<surface>.yaml for every API surface."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "openapi"))

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for surface in SURFACES:
            (out / f"{surface}.yaml").write_text(render(surface))
            self.stdout.write(f"wrote {out / f'{surface}.yaml'}")
