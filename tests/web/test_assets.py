"""The GOV.UK Frontend copy the pages serve: relative asset URLs, no GDS Transport."""

from __future__ import annotations

from web.assets import TARGET, stylesheet_for_council


def test_the_stylesheet_points_at_its_own_assets_and_drops_gds_transport():
    css = (
        "@font-face{font-family:GDS Transport;src:url(/assets/fonts/bold.woff2)}"
        ".govuk-body{font-family:GDS Transport,arial,sans-serif}"
        ".govuk-header__logo{background:url(/assets/images/crest.svg)}"
    )
    rewritten = stylesheet_for_council(css)
    assert "url(/assets/" not in rewritten
    assert "url(assets/images/crest.svg)" in rewritten
    assert ".govuk-body{font-family:arial,sans-serif}" in rewritten


def test_the_built_assets_are_there_and_rewritten():
    # deploy/runner.py builds them before pytest runs (npm ci + copy).
    css = (TARGET / "govuk-frontend.min.css").read_text()
    assert "url(/assets/" not in css and "GDS Transport,arial" not in css
    assert (TARGET / "govuk-frontend.min.js").exists()
    assert list((TARGET / "assets" / "fonts").glob("*.woff2"))
    assert (TARGET / "assets" / "images" / "favicon.ico").exists()
