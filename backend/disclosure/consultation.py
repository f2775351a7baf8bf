"""A consultation's results as anyone but its authority may see them: the public
register's summary and the figures in the thank-you email to respondents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.disclosure.categories import publish_categories
from backend.disclosure.counts import Published, publish_count
from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld

ACCEPTABILITY_GROUPS = {
    "unacceptable": ("very_unacceptable", "unacceptable"),
    "neutral": ("neutral",),
    "acceptable": ("acceptable", "very_acceptable"),
}
AGREEMENT_GROUPS = {"agree": ("4", "5"), "not_agree": ("1", "2", "3")}


def _reason(withheld: Withheld, policy: Policy) -> dict[str, Any]:
    return withheld.as_dict(threshold=policy.threshold, min_contributors=policy.min_contributors)


def consultation_results_published(
    *,
    invited: int,
    responded: int,
    acceptability: Mapping[str, int],
    agreement: Mapping[str, Mapping[str, int]],
    policy: Policy,
    open_link_respondents: int = 0,
) -> dict[str, Any]:
    """The figures of one consultation that may leave the authority.

    ``acceptability`` is the count per point of the five-point scale (keyed by
    label); ``agreement`` the count per point (keyed "1".."5") for each test.
    Counts are rounded and withheld at the threshold; the response rate is the
    rounded responses over the rounded invitations; acceptability shares fall
    back to three combined categories when a fine one is small; each test's
    agreement is the share who agreed, published only when both those who
    agreed and those who did not are above the threshold; net acceptability
    only when its two categories are published.
    """
    withheld: dict[str, dict[str, Any]] = {}
    # ``responded`` counts everyone who answered; open-link respondents invited
    # themselves, so the response rate is over those the authority invited.
    invited_responded = max(responded - open_link_respondents, 0)
    invited_published = publish_count(invited, policy, basis="invited")
    responded_published = publish_count(responded, policy, basis="responded")
    open_link_published = publish_count(open_link_respondents, policy, basis="open_link")
    invited_responded_published = publish_count(invited_responded, policy, basis="responded")
    # Invited minus those of them who responded is the number who did not: a category too.
    silent = max(invited - invited_responded, 0)
    both_shown = not invited_responded_published.withheld and not invited_published.withheld
    if both_shown and 0 < silent <= policy.threshold:
        invited_published = Published(None, Withheld(ReasonCode.SECONDARY, "invited"))
    for key, published in (
        ("invited", invited_published),
        ("responded", responded_published),
        ("open_link_respondents", open_link_published),
    ):
        if published.reason:
            withheld[key] = _reason(published.reason, policy)

    response_rate: float | None = None
    if invited_published.withheld or invited_responded_published.withheld:
        withheld["response_rate"] = _reason(
            Withheld(
                ReasonCode.DERIVED_FROM_WITHHELD,
                "invited" if invited_published.withheld else "responded",
            ),
            policy,
        )
    elif invited_published.value:
        response_rate = round(
            (invited_responded_published.value or 0) / invited_published.value, policy.decimals
        )

    table = publish_categories(
        acceptability,
        total=responded_published,
        policy=policy,
        groups=ACCEPTABILITY_GROUPS,
        basis="responded",
    )
    for key, reason in table.withheld.items():
        withheld[f"acceptability.{key}"] = _reason(reason, policy)

    net: float | None = None
    combined = {
        group: sum(acceptability.get(label, 0) for label in labels)
        for group, labels in ACCEPTABILITY_GROUPS.items()
    }
    grouped = publish_categories(
        combined, total=responded_published, policy=policy, basis="responded"
    )
    if grouped.withheld.get("acceptable") or grouped.withheld.get("unacceptable"):
        which = "acceptable" if grouped.withheld.get("acceptable") else "unacceptable"
        withheld["net_acceptability"] = _reason(
            Withheld(ReasonCode.DERIVED_FROM_WITHHELD, f"acceptability.{which}"), policy
        )
    elif responded_published.value:
        net = round(
            ((grouped.counts["acceptable"] or 0) - (grouped.counts["unacceptable"] or 0))
            / responded_published.value,
            policy.decimals,
        )

    agreement_shares: dict[str, float | None] = {}
    for test, distribution in agreement.items():
        split = {
            group: sum(distribution.get(point, 0) for point in points)
            for group, points in AGREEMENT_GROUPS.items()
        }
        agreed = publish_categories(
            split, total=responded_published, policy=policy, basis="responded"
        )
        agreement_shares[test] = agreed.shares["agree"] if not agreed.withheld else None
        if agreed.withheld:
            withheld[f"agreement.{test}"] = _reason(
                Withheld(ReasonCode.DERIVED_FROM_WITHHELD, f"agreement.{test}"), policy
            )

    return {
        "invited": invited_published.value,
        "responded": responded_published.value,
        "open_link_respondents": open_link_published.value,
        "response_rate": response_rate,
        "net_acceptability": net,
        "acceptability_combined": table.combined,
        "acceptability_shares": table.shares,
        "agreement": agreement_shares,
        "withheld": withheld,
    }


__all__ = ["consultation_results_published"]
