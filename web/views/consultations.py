"""A resident's consultation pages: the invitation link and a survey's open link.

The token in the URL is the only personal thing a URL carries; pages that
show it are sent with ``no-store`` and ``same-origin`` referrers (see web.pages). Every
view here counts against the public API's rate limits for the same token
and client address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from backend.consultations import selectors
from backend.consultations.models import Consultation, ConsultationStatus, Participant
from backend.consultations.services import participant_erase, response_submit_open_link
from backend.consultations.services.invitations import invitation_answer
from backend.core.errors import Conflict, Gone
from web.errors import not_found_page, too_many_requests_page
from web.forms import DEMOGRAPHIC_FIELD_NAMES, ResidentForm, summary_rows
from web.pages import PublicPage, render_page
from web.throttling import throttle_wait

S = ConsultationStatus
CLOSED_STATES = {S.CLOSED, S.RESULTS_PUBLISHED, S.CANCELLED}


def _see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303  # after a POST, the browser GETs the next page
    return response


def closed_page(
    request: HttpRequest, consultation: Consultation, participant: Participant | None = None
) -> HttpResponse:
    return render_page(
        request,
        "web/consultations/closed.html",
        {"consultation": consultation, "participant": participant},
        status=410,
        personal=True,
    )


def not_open_page(
    request: HttpRequest, consultation: Consultation, *, status: int = 200
) -> HttpResponse:
    return render_page(
        request,
        "web/consultations/not_open.html",
        {"consultation": consultation},
        status=status,
        personal=True,
    )


def _form_page(
    request: HttpRequest,
    form: ResidentForm,
    *,
    consultation: Consultation,
    participant: Participant | None,
    status: int = 200,
    answered: bool = False,
) -> HttpResponse:
    return render_page(
        request,
        "web/consultations/form.html",
        {
            "consultation": consultation,
            "participant": participant,
            "form": form,
            "answered": answered,
            "demographic_field_names": DEMOGRAPHIC_FIELD_NAMES,
        },
        status=status,
        personal=True,
    )


class InvitationPage(PublicPage):
    """Base for the pages reached with a participant's token."""

    def participant(self, request: HttpRequest, token: str) -> Participant | HttpResponse:
        wait = throttle_wait(request, self)
        if wait is not None:
            return too_many_requests_page(request, wait)
        participant = selectors.participant_by_token(token=token)
        if participant is None:
            return not_found_page(request)
        return participant


class InvitationFormView(InvitationPage):
    """The emailed link: the consultation, the questions, and the resident's current answer."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        participant = self.participant(request, token)
        if isinstance(participant, HttpResponse):
            return participant
        consultation = participant.consultation
        if consultation.status in CLOSED_STATES:
            return closed_page(request, consultation, participant)
        if consultation.status != S.OPEN:
            return not_open_page(request, consultation)
        response = selectors.response_for(participant=participant)
        initial: dict[str, Any] = {
            field: getattr(participant, field) for field in DEMOGRAPHIC_FIELD_NAMES
        }
        if response is not None:
            initial.update(
                {field: getattr(response, field) for field in ResidentForm.answer_fields}
            )
        return _form_page(
            request,
            ResidentForm(initial=initial),
            consultation=consultation,
            participant=participant,
            answered=response is not None,
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        participant = self.participant(request, token)
        if isinstance(participant, HttpResponse):
            return participant
        consultation = participant.consultation
        form = ResidentForm(request.POST)
        if not form.is_valid():
            return _form_page(
                request,
                form,
                consultation=consultation,
                participant=participant,
                status=400,
                answered=selectors.response_for(participant=participant) is not None,
            )
        try:
            invitation_answer(
                participant=participant, answers=form.answers(), demographics=form.demographics()
            )
        except Gone:
            consultation.refresh_from_db()
            return closed_page(request, consultation, participant)
        except Conflict:
            return not_open_page(request, consultation, status=409)
        return _see_other(reverse("web:invitation-confirmation", kwargs={"token": token}))


class InvitationConfirmationView(InvitationPage):
    """After answering: what was recorded, and how to change or erase it."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        participant = self.participant(request, token)
        if isinstance(participant, HttpResponse):
            return participant
        consultation = participant.consultation
        if consultation.status in CLOSED_STATES:
            return closed_page(request, consultation, participant)
        response = selectors.response_for(participant=participant)
        if response is None:
            return _see_other(reverse("web:invitation", kwargs={"token": token}))
        return render_page(
            request,
            "web/consultations/confirmation.html",
            {
                "consultation": consultation,
                "participant": participant,
                "response": response,
                "answer_rows": summary_rows(response, ResidentForm.answer_fields),
                "personal_link": request.build_absolute_uri(
                    reverse("web:invitation", kwargs={"token": token})
                ),
            },
            personal=True,
        )


class InvitationDataView(InvitationPage):
    """ "See what you hold about me": everything stored about the resident, in plain words."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        participant = self.participant(request, token)
        if isinstance(participant, HttpResponse):
            return participant
        response = selectors.response_for(participant=participant)
        return render_page(
            request,
            "web/consultations/your_data.html",
            {
                "consultation": participant.consultation,
                "participant": participant,
                "response": response,
                "answer_rows": summary_rows(response, ResidentForm.answer_fields)
                if response
                else [],
                "demographic_rows": [
                    (question, value)
                    for _, question, value in summary_rows(participant, DEMOGRAPHIC_FIELD_NAMES)
                ],
                "retention_days": settings.CONSULTATION_RETENTION_DAYS,
                "accepting": participant.consultation.status == S.OPEN,
            },
            personal=True,
        )


class InvitationEraseView(InvitationPage):
    """ "Erase my data": a confirmation step, then the same erasure as the public API's DELETE."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        participant = self.participant(request, token)
        if isinstance(participant, HttpResponse):
            return participant
        return render_page(
            request,
            "web/consultations/erase.html",
            {"consultation": participant.consultation, "participant": participant},
            personal=True,
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        participant = self.participant(request, token)
        if isinstance(participant, HttpResponse):
            return participant
        participant_erase(participant=participant)
        return _see_other(reverse("web:erased"))


class ErasedView(PublicPage):
    """Where erasure lands: no token in the URL, since the token no longer works."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_page(request, "web/consultations/erased.html", personal=True)


class OpenSurveyView(PublicPage):
    """A survey's open link: anyone may answer, and gets a personal link to change it later."""

    def consultation(self, request: HttpRequest, token: str) -> Consultation | HttpResponse:
        wait = throttle_wait(request, self)
        if wait is not None:
            return too_many_requests_page(request, wait)
        consultation = selectors.consultation_by_open_link(token=token)
        if consultation is None:
            return not_found_page(request)
        return consultation

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        consultation = self.consultation(request, token)
        if isinstance(consultation, HttpResponse):
            return consultation
        if consultation.status in CLOSED_STATES:
            return closed_page(request, consultation)
        if consultation.status != S.OPEN:
            return not_open_page(request, consultation)
        return _form_page(request, ResidentForm(), consultation=consultation, participant=None)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        consultation = self.consultation(request, token)
        if isinstance(consultation, HttpResponse):
            return consultation
        form = ResidentForm(request.POST)
        if not form.is_valid():
            return _form_page(
                request, form, consultation=consultation, participant=None, status=400
            )
        try:
            new, _ = response_submit_open_link(
                consultation=consultation,
                answers=form.answers(),
                demographics=form.demographics(),
            )
        except Gone:
            consultation.refresh_from_db()
            return closed_page(request, consultation)
        except Conflict:
            return not_open_page(request, consultation, status=409)
        return _see_other(reverse("web:invitation-confirmation", kwargs={"token": new.token}))
