from api.urls import account_urls, api_v1, programme_urls

urlpatterns = [api_v1(account_urls, programme_urls)]
