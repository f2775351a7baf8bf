from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Every list is paginated: ``?page=2&page_size=50`` (at most 200 per page)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
