from api.urls import (
    api_v1,
    public_account_urls,
    public_authority_urls,
    public_catalogue_urls,
    public_programme_urls,
)

urlpatterns = [
    api_v1(public_programme_urls, public_authority_urls, public_catalogue_urls, public_account_urls)
]
