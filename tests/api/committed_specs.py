"""The committed specs (openapi/*.yaml) for the spec tests, parsed once per process.

Dozens of tests read the same three files; each parse with PyYAML's pure-Python
loader cost about a second of CPU for authority.yaml. They are parsed once, with
libyaml's safe loader when PyYAML has it (the same values, a tenth of the CPU),
and every caller gets its own copy.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str | bytes) -> Any:
    return yaml.load(text, Loader=_LOADER)


@cache
def _parsed(surface: str) -> dict[str, Any]:
    return parse_yaml((OPENAPI / f"{surface}.yaml").read_text())


def committed_spec(surface: str) -> dict[str, Any]:
    return copy.deepcopy(_parsed(surface))
