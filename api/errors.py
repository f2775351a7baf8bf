"""The one JSON error shape, used for every 4xx and 5xx on every host.

    {"status": 409, "code": "illegal_transition", "detail": "A proposal cannot ...",
     "fields": {"title": ["This field is required."]},      # validation errors only
     "context": {"current": "draft", "allowed": ["in_assessment", "withdrawn"]}}

``fields`` and ``context`` are present only when they say something.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.core.errors import Conflict, DomainError, Gone, InvalidInput, InvalidTransition


class ApiErrorSerializer(serializers.Serializer[Any]):
    """Documents the error shape in the OpenAPI specs (as ``ApiError``, not the JS global)."""

    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(help_text="A stable machine-readable code.")
    detail = serializers.CharField(help_text="A sentence for people.")
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field name → messages, for validation errors. Nested fields use dots.",
    )
    context = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="Extra facts, e.g. the allowed transitions for a 409."
    )


ErrorSerializer = ApiErrorSerializer  # the name views import


def error_body(
    status_code: int,
    code: str,
    detail: str,
    *,
    fields: dict[str, list[str]] | None = None,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status_code, "code": code, "detail": detail}
    if fields:
        body["fields"] = fields
    if context:
        body["context"] = context
    return body


def error_response(status_code: int, code: str, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse(error_body(status_code, code, detail, **extra), status=status_code)


class ServiceUnavailable(exceptions.APIException):
    """A backing service (PostgreSQL, Redis) does not answer; the client should retry later."""

    status_code = 503
    default_code = "service_unavailable"
    default_detail = "A backing service is unavailable; please retry shortly."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail)
        # DRF's handler turns ``wait`` into the Retry-After header.
        self.wait = settings.SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS


def service_unavailable_response(detail: str | None = None) -> JsonResponse:
    """The 503 answered outside DRF (middleware), with the same body and Retry-After."""
    wait = settings.SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS
    response = error_response(
        503,
        "service_unavailable",
        detail or str(ServiceUnavailable.default_detail),
        context={"retry_after_seconds": wait},
    )
    response["Retry-After"] = str(wait)
    return response


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"a.b.0.c": ["message"]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                name = f"{prefix}.{index}" if prefix else str(index)
                for k, v in _flatten(item, name).items():
                    out.setdefault(k, []).extend(v)
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _validation_summary(fields: dict[str, list[str]]) -> str:
    if list(fields) == ["non_field_errors"]:
        return " ".join(fields["non_field_errors"])
    names = ", ".join(sorted(fields))
    return f"The request has invalid or missing fields: {names}."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, rewritten into the one error shape, always as JSON.

    A request for ``?format=csv`` or a calendar feed that fails must still get the
    documented JSON error: a client cannot parse an error out of a CSV row, and a
    JSON body labelled text/calendar breaks both calendar apps and JSON clients.
    """
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        # finalize_response renders with the request's negotiated renderer; override it.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _error_response(exc: Exception, context: dict[str, Any]) -> Response | None:
    from api.unavailable import is_unavailable

    if is_unavailable(exc):
        exc = ServiceUnavailable()
    if isinstance(exc, DjangoValidationError):
        messages = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=messages)
    elif isinstance(exc, InvalidTransition):
        body = error_body(
            status.HTTP_409_CONFLICT,
            exc.code,
            str(exc),
            context={"current": exc.current, "requested": exc.requested, "allowed": exc.allowed},
        )
        return Response(body, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, Conflict):
        return Response(error_body(409, exc.code, str(exc), context=exc.context), status=409)
    elif isinstance(exc, InvalidInput):
        return Response(error_body(400, exc.code, str(exc), fields=exc.fields), status=400)
    elif isinstance(exc, Gone):
        return Response(error_body(410, exc.code, str(exc)), status=410)
    elif isinstance(exc, DomainError):
        return Response(error_body(400, exc.code, str(exc)), status=400)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body(
            response.status_code, "invalid", _validation_summary(fields), fields=fields
        )
        return response
    detail: Any = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = "error"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        if isinstance(detail, list | dict):
            detail = " ".join(_flatten(detail).get("non_field_errors", [])) or str(
                exc.default_detail
            )
    extra: dict[str, Any] = {}
    wait = getattr(exc, "wait", None)
    if wait is not None:
        extra["context"] = {"retry_after_seconds": int(wait)}
    response.data = error_body(response.status_code, str(code), str(detail), **extra)
    return response


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404, "not_found", f"Nothing is served at '{request.path}'.")


def server_error_view(request: HttpRequest) -> JsonResponse:
    return error_response(500, "server_error", "The server failed; the error has been logged.")


def bad_request_view(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(400, "bad_request", "The request could not be understood.")


def permission_denied_view(
    request: HttpRequest, exception: Exception | None = None
) -> JsonResponse:
    return error_response(403, "permission_denied", "You may not do this.")


def csrf_failure_view(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(
        403,
        "csrf_failed",
        "CSRF check failed. Session-authenticated writes need the X-CSRFToken header; "
        "API clients should use token authentication instead.",
    )
