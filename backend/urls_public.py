"""The programme host (BASE_DOMAIN): programme API, public programme-wide API, admin, docs."""

from django.contrib import admin
from django.urls import include, path, re_path

from api.errors import not_found_view
from api.urls import (
    account_urls,
    api_v1,
    programme_urls,
    public_account_urls,
    public_catalogue_urls,
    public_programme_urls,
)
from backend.urls_docs import docs_urls
from web.urls import programme_urls as web_pages

urlpatterns = [
    api_v1(
        account_urls,
        programme_urls,
        public_programme_urls,
        public_catalogue_urls,
        public_account_urls,
    ),
    path("api-auth/", include("rest_framework.urls")),
    path("admin/", admin.site.urls),
    *docs_urls("programme"),
    *web_pages,
    # Last: an unknown path gets the JSON 404 even with DEBUG on.
    re_path(r"^", not_found_view),
]

handler400 = "api.errors.bad_request_view"
handler403 = "api.errors.permission_denied_view"
handler404 = "api.errors.not_found_view"
handler500 = "api.errors.server_error_view"
