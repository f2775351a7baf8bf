from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class StandardPagination(PageNumberPagination):
    """Every list is paginated: ``?page=2&page_size=50`` (at most 200 per page)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

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
