"""The public pages' URLs: consultations on authority hosts, the register on every host."""

from __future__ import annotations

from django.urls import include, path

from web.views import consultations, findings, register

respond = "consultations/respond/<str:token>/"
authority_pages = [
    path(respond, consultations.InvitationFormView.as_view(), name="invitation"),
    path(
        f"{respond}confirmation/",
        consultations.InvitationConfirmationView.as_view(),
        name="invitation-confirmation",
    ),
    path(f"{respond}your-data/", consultations.InvitationDataView.as_view(), name="your-data"),
    path(f"{respond}erase/", consultations.InvitationEraseView.as_view(), name="erase"),
    path("consultations/erased/", consultations.ErasedView.as_view(), name="erased"),
    path(
        "consultations/survey/<str:token>/",
        consultations.OpenSurveyView.as_view(),
        name="open-survey",
    ),
]
register_pages = [
    path("register/", register.RegisterListView.as_view(), name="register"),
    path("register/<uuid:entry_id>/", register.RegisterEntryView.as_view(), name="register-entry"),
]

findings_pages = [path("findings/", findings.FindingsPageView.as_view(), name="findings")]

authority_urls = [path("", include((authority_pages + register_pages, "web")))]
programme_urls = [path("", include((register_pages + findings_pages, "web")))]
