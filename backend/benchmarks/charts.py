"""Server-rendered SVG charts of benchmark figures (matplotlib, no display needed).

matplotlib is imported when a chart is first drawn, not with this module: the URL
configuration imports it, and matplotlib's import alone (about 0.7 s of CPU) would
otherwise be paid by every process that loads the URLs (each gunicorn worker, each
manage.py command that runs the system checks) whether or not it ever draws.
Figures are built without pyplot, so no global figure state is shared between
threads."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache

CACHE_SECONDS = 600
HIGHLIGHT = "#d4351c"
BAR = "#1d70b8"
MUTED = "#b1b4b6"


def _figure() -> tuple[Any, Any]:
    """A figure of the charts' size and its one set of axes."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.2))
    return figure, figure.subplots()


def _render(figure: Any) -> bytes:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    return buffer.getvalue().encode()


def _cached(kind: str, payload: dict[str, Any], render: Any) -> bytes:
    digest = hashlib.sha256(json.dumps([kind, payload], sort_keys=True, default=str).encode())
    key = f"benchmark-chart:{digest.hexdigest()}"
    svg: bytes | None = cache.get(key)
    if svg is None:
        svg = render()
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def distribution_svg(
    *, title: str, labels: Sequence[str], values: Sequence[float], highlight: str | None
) -> bytes:
    """One bar per authority, sorted, with the highlighted authority in a contrasting colour."""
    payload = {"title": title, "labels": list(labels), "values": list(values), "hl": highlight}

    def render() -> bytes:
        pairs = sorted(zip(values, labels, strict=True))
        figure, axes = _figure()
        colours = [HIGHLIGHT if label == highlight else BAR for _, label in pairs]
        axes.bar(range(len(pairs)), [value for value, _ in pairs], color=colours, width=0.85)
        axes.set_xticks([])
        axes.set_xlabel(f"{len(pairs)} authorities, lowest to highest")
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
        if highlight is not None:
            axes.text(
                0.01, 0.95, f"■ {highlight}", color=HIGHLIGHT, transform=axes.transAxes, va="top"
            )
        return _render(figure)

    return _cached("distribution", payload, render)


def timeseries_svg(
    *, title: str, periods: Sequence[str], series: dict[str, Sequence[float | None]]
) -> bytes:
    """One line per series (an authority, the programme median...) over periods."""
    payload = {
        "title": title,
        "periods": list(periods),
        "series": {k: list(v) for k, v in series.items()},
    }

    def render() -> bytes:
        figure, axes = _figure()
        for index, (name, points) in enumerate(series.items()):
            colour = HIGHLIGHT if index == 0 else MUTED
            xs = [i for i, p in enumerate(points) if p is not None]
            ys = [p for p in points if p is not None]
            axes.plot(xs, ys, marker="o", color=colour, label=name)
        axes.set_xticks(range(len(periods)), list(periods), rotation=45, ha="right")
        axes.set_title(title)
        axes.legend(frameon=False)
        axes.spines[["top", "right"]].set_visible(False)
        return _render(figure)

    return _cached("timeseries", payload, render)
