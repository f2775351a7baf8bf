"""A resident's whole path in a real browser (Debian's Chromium driven by Playwright).

The site is the real server (gunicorn) on its own seeded database; the links
come from the emails the outbox relay wrote. axe-core, injected into each page,
must find no WCAG 2.2 A/AA violation on any page or state. Set SCREENSHOTS_DIR
to save a screenshot of each state (docs/screenshots/ holds the committed ones).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import AXE, LiveSite

# pytest-django creates the test database only for runs that collect a test that uses it;
# live_site copies that database.
pytestmark = pytest.mark.django_db

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
CHECKED: set[str] = set()


@pytest.fixture
def page(browser: Any, live_site: LiveSite) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser: Any, live_site: LiveSite) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def accessible(page: Any, state: str) -> None:
    """No WCAG 2.2 A/AA violation on the page as it is now; saves a screenshot if asked."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in result["violations"]
    ]
    assert violations == [], f"{state}: {violations}"
    CHECKED.add(state)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{state}.png"), full_page=True)


def submit(page: Any, selector: str = "button[type=submit]") -> Any:
    """Click a form's button and wait for the page the server answers with."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    return navigation.value


def heading(page: Any) -> str:
    return page.locator("h1").first.inner_text().strip()


def answer_with_mouse(page: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.check(f'input[name="{name}"][value="{value}"]')


def tab_to(page: Any, predicate: str, *, limit: int = 120) -> None:
    """Press Tab until the focused element satisfies ``predicate`` (a JS function of it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({predicate}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def by_name(name: str) -> str:
    return f"el => el && el.name === {name!r}"


def by_text(text: str) -> str:
    return f"el => el && el.textContent.trim() === {text!r}"


def token_path(link: str) -> str:
    return re.sub(r"^http://[^/]+", "", link)


def test_resident_answers_changes_sees_and_erases_from_the_emailed_link(
    page: Any, live_site: LiveSite
) -> None:
    link = live_site.emailed_link("mouse@example.org")
    response = page.goto(link)
    assert response.status == 200
    assert heading(page) == "Free school meals: sharing benefit records with schools"
    accessible(page, "invitation-form")

    assert submit(page).status == 400, page.content()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    accessible(page, "invitation-errors")
    page.click('.govuk-error-summary a[href="#acceptability"]')
    assert page.evaluate("document.activeElement.name") == "acceptability"

    answer_with_mouse(
        page, {"acceptability": "4", "purposeful": "5", "proportionate": "3", "responsible": "4"}
    )
    page.fill("#conditions", "Only if families can opt out.")
    page.check('input[name="age_band"][value="35_44"]')
    page.fill("#postcode_district", "cf10")
    submit(page)
    assert heading(page) == "Your answer has been sent"
    assert "Only if families can opt out." in page.content()
    accessible(page, "invitation-confirmation")

    submit(page, "text=Change your answer")
    assert page.is_checked('input[name="acceptability"][value="4"]')
    assert page.input_value("#postcode_district") == "CF10"
    page.check('input[name="acceptability"][value="2"]')
    submit(page)
    assert "We recorded your changed answer" in page.content()
    assert "Unacceptable" in page.locator(".govuk-summary-list").first.inner_text()

    submit(page, "text=See what we hold about you")
    assert heading(page) == "What we hold about you"
    held = page.locator("main").inner_text()
    assert "mouse@example.org" in held and "35 to 44" in held and "CF10" in held
    accessible(page, "your-data")

    submit(page, "a.govuk-button--warning")
    assert heading(page) == "Are you sure you want to erase your data?"
    accessible(page, "erase-confirmation")
    submit(page, "button.govuk-button--warning")
    assert heading(page) == "Your data has been erased"
    assert "/consultations/erased/" in page.url
    accessible(page, "erased")

    gone = page.goto(link)
    assert gone.status == 404 and heading(page) == "Page not found"


def test_the_whole_path_works_by_keyboard_alone(page: Any, live_site: LiveSite) -> None:
    link = live_site.emailed_link("keyboard@example.org")
    page.goto(link)
    tab_to(page, by_name("acceptability"))
    page.keyboard.press("Space")  # the first option: very acceptable
    tab_to(page, by_name("purposeful"))
    page.keyboard.press("ArrowDown")  # the second option: agree
    tab_to(page, by_name("proportionate"))
    page.keyboard.press("Space")
    tab_to(page, by_name("responsible"))
    page.keyboard.press("Space")
    tab_to(page, "el => el.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/confirmation/")
    assert heading(page) == "Your answer has been sent"
    summary = page.locator(".govuk-summary-list").first.inner_text()
    assert "Very acceptable" in summary and "Agree" in summary

    tab_to(page, by_text("Change your answer"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/respond/[^/]+/$"))
    tab_to(page, by_name("acceptability"))  # lands on the checked option
    page.keyboard.press("ArrowDown")
    tab_to(page, "el => el.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/confirmation/")
    assert "Acceptable" in page.locator(".govuk-summary-list").first.inner_text()
    assert "We recorded your changed answer" in page.content()

    tab_to(page, by_text("Erase my data"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/erase/")
    tab_to(page, by_text("Yes, erase my data"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/consultations/erased/")
    assert heading(page) == "Your data has been erased"


def test_the_whole_path_works_with_javascript_switched_off(
    page_without_javascript: Any, live_site: LiveSite
) -> None:
    page = page_without_javascript
    link = live_site.emailed_link("nojs@example.org")
    page.goto(link)
    assert "js-enabled" not in (page.get_attribute("body", "class") or "")
    submit(page)
    assert page.locator(".govuk-error-summary").is_visible()
    answer_with_mouse(
        page, {"acceptability": "1", "purposeful": "2", "proportionate": "1", "responsible": "2"}
    )
    page.click("text=Why we ask")  # a native <details>: opens without JavaScript
    assert page.locator(".govuk-details__text").is_visible()
    submit(page)
    assert heading(page) == "Your answer has been sent"
    submit(page, "text=Change your answer")
    page.check('input[name="acceptability"][value="3"]')
    submit(page)
    assert "Neither acceptable nor unacceptable" in page.content()
    submit(page, "text=Erase my data")
    submit(page, "text=Yes, erase my data")
    assert heading(page) == "Your data has been erased"
    assert page.goto(link).status == 404


def test_a_closed_consultation_and_a_bad_token_show_the_right_pages(
    page: Any, live_site: LiveSite
) -> None:
    link = live_site.emailed_link("late@example.org")
    closed = page.goto(link)
    assert closed.status == 410
    assert heading(page) == "This consultation has closed"
    assert page.locator("input[type=radio]").count() == 0
    accessible(page, "closed")

    missing = page.goto(live_site.url("/consultations/respond/not-a-real-token/"))
    assert missing.status == 404
    assert heading(page) == "Page not found"
    accessible(page, "not-found")


def test_anyone_can_answer_through_the_open_link_and_keep_a_personal_link(
    page: Any, live_site: LiveSite
) -> None:
    response = page.goto(live_site.url(live_site.open_link_path))
    assert response.status == 200
    accessible(page, "open-survey-form")
    answer_with_mouse(
        page, {"acceptability": "5", "purposeful": "5", "proportionate": "4", "responsible": "4"}
    )
    submit(page)
    assert heading(page) == "Your answer has been sent"
    personal = page.locator(".app-personal-link a").inner_text()
    assert token_path(personal) == token_path(page.url).replace("confirmation/", "")
    accessible(page, "open-survey-confirmation")
    assert page.goto(personal).status == 200
    assert page.is_checked('input[name="acceptability"][value="5"]')


@pytest.mark.parametrize("programme_wide", [False, True], ids=["authority", "programme"])
def test_the_register_lists_filters_and_shows_each_decision_as_the_api_does(
    page: Any, live_site: LiveSite, programme_wide: bool
) -> None:
    host = "localhost" if programme_wide else live_site.host
    suffix = "-programme" if programme_wide else ""
    assert page.goto(live_site.url("/register/", host=host)).status == 200
    assert heading(page) == "Register of decisions"
    titles = page.locator(".govuk-summary-card__title").all_inner_texts()
    assert "Council tax arrears and debt advice" in titles and len(titles) >= 2
    accessible(page, f"register-list{suffix}")

    page.select_option("#service_area", "welfare")
    page.select_option("#outcome", "approved_with_conditions")
    submit(page, "text=Apply filters")
    assert page.locator(".govuk-summary-card__title").all_inner_texts() == [
        "Council tax arrears and debt advice"
    ]
    submit(page, "text=Council tax arrears and debt advice")
    accessible(page, f"register-entry{suffix}")
    entry_id = page.url.rstrip("/").rsplit("/", 1)[1]
    api = live_site.api_json(f"/api/v1/public/register/{entry_id}", host=host)
    text = page.locator("main").inner_text()
    for field in ("title", "summary", "purpose", "rationale", "conditions", "public_influence"):
        assert api[field] in text, field
    for category in api["data_categories"]:
        assert category["name"] in text
    (consulted,) = api["consultation_summary"]["consultations"]
    # Through disclosure control: 8 invited are published as 10; the 7 who answered are
    # too few, so they and the shares built on them show as withheld, as in the API.
    assert (consulted["invited"], consulted["responded"]) == (10, None)
    assert "10" in text and "Withheld" in text
    assert "Agree it is purposeful" in text and "Agree it is responsible" in text
    assert "too few people" in text

    bad = page.goto(live_site.url("/register/?decided_from=31-02-2026", host=host))
    assert bad.status == 400
    assert page.locator(".govuk-error-summary").is_visible()
    accessible(page, f"register-errors{suffix}")


def test_every_page_and_state_was_checked_with_axe(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("keyword") or "::" in " ".join(request.config.args):
        pytest.skip("only part of the browser walk was selected")
    required = {
        "invitation-form",
        "invitation-errors",
        "invitation-confirmation",
        "your-data",
        "erase-confirmation",
        "erased",
        "closed",
        "not-found",
        "open-survey-form",
        "register-list",
        "register-entry",
        "register-errors",
    }
    assert required <= CHECKED, required - CHECKED
