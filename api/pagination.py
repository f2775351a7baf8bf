from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

_PLAIN_NUMBER = re.compile(r"[0-9]+")


class StandardPagination(PageNumberPagination):
    """Every list is paginated: ``?page=2&page_size=50`` (at most 200 per page)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        """DRF's page, without the ``COUNT`` when the page itself tells how many there are.

        The page is read with one row more than it shows. When that extra row is
        absent and the page is not empty, this is the last page and the count is
        the rows before it plus the rows on it, so no ``COUNT(*)`` is sent (a list
        that fits on one page, or the last page of a longer one). Otherwise the
        count is queried as DRF does. The page object, and so the body, the links
        and the browsable controls, are DRF's own; a page number that is not a plain
        positive integer, ``last``, or a page past the end take DRF's path (and its
        404), unchanged.
        """
        number_text = request.query_params.get(self.page_query_param) or "1"
        if not isinstance(queryset, QuerySet) or not _PLAIN_NUMBER.fullmatch(number_text):
            return super().paginate_queryset(queryset, request, view)
        page_size = self.get_page_size(request)
        number = int(number_text)
        if not page_size or number < 1:
            return super().paginate_queryset(queryset, request, view)
        offset = (number - 1) * page_size
        rows = list(queryset[offset : offset + page_size + 1])
        if not rows and number > 1:
            return super().paginate_queryset(queryset, request, view)  # past the end: 404
        shown = rows[:page_size]
        self.request = request
        paginator = self.django_paginator_class(queryset, page_size)
        if len(rows) > page_size:
            counted = queryset.count()
            paginator.count = max(counted, offset + len(rows))
        else:
            paginator.count = offset + len(shown)
        self.page = paginator.page(number)
        self.page.object_list = shown
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return shown

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The one page shape of the specs: every key is always present."""
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Items across all pages."},
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page's URL; null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The previous page's URL; null on the first page.",
                },
                "results": schema,
            },
        }


def paginated_response(rows: list[Any], request: Request, view: APIView) -> Response:
    """Paginate an in-memory list the same way as every queryset list."""
    paginator = StandardPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(page)


def paginated(
    serializer_class: type[serializers.Serializer[Any]],
) -> type[serializers.Serializer[Any]]:
    """A schema-only serializer for a page of ``serializer_class`` items."""
    name = f"Paginated{serializer_class.__name__.removesuffix('Serializer')}List"
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="Items across all pages."),
            "next": serializers.URLField(
                allow_null=True, help_text="The next page's URL; null on the last page."
            ),
            "previous": serializers.URLField(
                allow_null=True, help_text="The previous page's URL; null on the first page."
            ),
            "results": serializer_class(many=True),
        },
    )
