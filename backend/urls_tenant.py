"""An authority's host (<slug>.BASE_DOMAIN): authority API, that authority's public API, docs."""

from django.urls import include, path, re_path

from api.errors import not_found_view
from api.urls import (
    account_urls,
    api_v1,
    authority_urls,
    public_account_urls,
    public_authority_urls,
    public_catalogue_urls,
)
from backend.urls_docs import docs_urls
from web.urls import authority_urls as web_pages

urlpatterns = [
    api_v1(
        # Residents' answers first: the busiest routes resolve without trying the staff API's.
        public_authority_urls,
        public_catalogue_urls,
        public_account_urls,
        account_urls,
        authority_urls,
    ),
    path("api-auth/", include("rest_framework.urls")),
    *docs_urls("authority"),
    *web_pages,
    # Last: an unknown path gets the JSON 404 even with DEBUG on.
    re_path(r"^", not_found_view),
]

handler400 = "api.errors.bad_request_view"
handler403 = "api.errors.permission_denied_view"
handler404 = "api.errors.not_found_view"
handler500 = "api.errors.server_error_view"
