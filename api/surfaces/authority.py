from api.urls import account_urls, api_v1, authority_urls

urlpatterns = [api_v1(account_urls, authority_urls)]
