"""Words for the codes the register and the forms show, each marked for translation."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

SERVICE_AREAS = {
    "housing": _("Housing"),
    "criminal_justice": _("Criminal justice"),
    "health": _("Health"),
    "social_care": _("Social care"),
    "welfare": _("Welfare"),
    "education": _("Education"),
    "other": _("Other"),
}
OUTCOMES = {
    "approved": _("Approved"),
    "approved_with_conditions": _("Approved with conditions"),
    "rejected": _("Rejected"),
}
LEGAL_GATEWAYS = {
    "consent": _("Consent"),
    "public_task": _("Public task"),
    "legal_obligation": _("Legal obligation"),
    "vital_interests": _("Vital interests"),
    "legitimate_interests": _("Legitimate interests"),
    "contract": _("Contract"),
    "statutory_gateway": _("Specific statutory gateway"),
    "other": _("Other"),
}
VERDICTS = {
    "met": _("Met"),
    "partly_met": _("Partly met"),
    "not_met": _("Not met"),
}
CRITERIA = {
    "purposeful": _("Purposeful"),
    "proportionate": _("Proportionate"),
    "responsible": _("Responsible"),
    "better_services": _("Better services and outcomes"),
    "wider_public_good": _("Good for the wider public"),
    "respects_individuals": _("Respect for the individual"),
    "public_resources": _("Good use of public resources"),
    "tangible_benefits": _("Benefits that are real and valued"),
}
PARTNER_ROLES = {
    "recipient": _("Receives data"),
    "provider": _("Provides data"),
    "both": _("Provides and receives data"),
}
PARTNER_TYPES = {
    "local_authority": _("Local authority"),
    "nhs": _("NHS body"),
    "police": _("Police"),
    "central_government": _("Central government"),
    "education": _("Education provider"),
    "voluntary_sector": _("Voluntary or community sector"),
    "private_sector": _("Private sector"),
    "other": _("Other"),
}
SOURCES = {
    "invited": _("Invited by the council"),
    "imported": _("Invited by the council"),
    "open_link": _("Answered through the survey's open link"),
}
ACCEPTABILITY_SHARES = {
    "very_unacceptable": _("Very unacceptable"),
    "unacceptable": _("Unacceptable"),
    "neutral": _("Neither acceptable nor unacceptable"),
    "acceptable": _("Acceptable"),
    "very_acceptable": _("Very acceptable"),
}

# When a consultation's few answers are published as three combined categories.
ACCEPTABILITY_COMBINED = {
    "unacceptable": _("Unacceptable or very unacceptable"),
    "neutral": _("Neither acceptable nor unacceptable"),
    "acceptable": _("Acceptable or very acceptable"),
}

VOCABULARIES: dict[str, dict[str, Any]] = {
    "service_area": SERVICE_AREAS,
    "outcome": OUTCOMES,
    "legal_gateway": LEGAL_GATEWAYS,
    "verdict": VERDICTS,
    "criterion": CRITERIA,
    "partner_role": PARTNER_ROLES,
    "partner_type": PARTNER_TYPES,
    "source": SOURCES,
    "acceptability_share": ACCEPTABILITY_SHARES,
    "acceptability_combined": ACCEPTABILITY_COMBINED,
}


def label_for(vocabulary: str, code: Any) -> Any:
    """The words for a code; an unknown code (a newer value) is shown as it is, never hidden."""
    if code is None or code == "":
        return ""
    return VOCABULARIES[vocabulary].get(str(code), str(code).replace("_", " "))
