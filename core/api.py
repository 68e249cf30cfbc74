"""The API's single error shape: ``{"detail": str, "code": str, "fields": {field: [messages]}}``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError, NotPermitted


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for item in detail for message in _flatten(item)]
    return [str(detail)]


def _fields(detail: Any) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    return {str(name): _flatten(value) for name, value in detail.items()}


def _audit_denied(context: dict, exc: Exception) -> None:
    from accounts.choices import AuditAction
    from accounts.services import audit_record

    request = context.get("request")
    http_request = getattr(request, "_request", request)
    audit_record(
        action=AuditAction.ACCESS_DENIED,
        request=http_request,
        actor=request.user if request is not None and request.user.is_authenticated else None,
        success=False,
        details={"path": getattr(http_request, "path", ""), "status": 403, "reason": str(exc)[:200]},
    )


def path_id(value: str) -> int:
    """An object's id from the URL path. The router lets any path segment through; one that is not a whole number
    names no object (404, as DRF's own lookups answer), rather than reaching the database as a bad value."""
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
        _audit_denied(context, exc)
    if isinstance(exc, NotPermitted):
        return Response({"detail": exc.message, "code": exc.code, "fields": {}}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        return Response(
            {"detail": exc.message, "code": exc.code, "fields": exc.fields}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        non_field = fields.pop("non_field_errors", [])
        detail = non_field[0] if non_field else _("The input is not valid; see the fields.")
        if not isinstance(exc.detail, dict):
            detail = "; ".join(_flatten(exc.detail))
        response.data = {"detail": detail, "code": "invalid", "fields": fields}
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "detail": str(getattr(exc, "detail", exc)),
            "code": codes if isinstance(codes, str) else "error",
            "fields": {},
        }
    return response


class ErrorSerializer(serializers.Serializer):
    """The error shape of every API response that is not a success (``exception_handler``)."""

    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    code = serializers.CharField(help_text="Stable, machine-readable: invalid, not_found, permission_denied, ...")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field (a bad request); empty otherwise.",
    )


ERROR_DESCRIPTIONS = {
    400: "The input is not valid: `fields` names each problem.",
    403: "Not allowed: no or wrong credentials, a role without this right, or a session request without its CSRF"
    " token.",
    404: "No such object in the caller's scope (objects outside it are not found either), or no such page.",
    429: "Too many requests: wait and try again.",
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the error responses each operation can give documented in the one error
    shape: 403 everywhere (any request may carry a wrong token), 400 where there is input (a body or query
    parameters), 404 where a path names an object or a list is paginated, 429 where a throttle applies.

    It extends drf-spectacular's private response builder (as pinned in requirements.txt); an upgrade that changes
    it fails ``test_schema_generates_without_warnings`` and the API fuzzing tests."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                error = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[str(code)] = self._get_response_for_code(error, str(code), direction=direction)
        return responses

    def _error_codes(self) -> list[int]:
        parameters = self._get_parameters()
        codes = [403]
        if self.method in ("POST", "PUT", "PATCH") or any(p["in"] == "query" for p in parameters):
            codes.append(400)
        if any(p["in"] == "path" for p in parameters) or (self._is_list_view() and self._get_paginator()):
            codes.append(404)
        if self.view.get_throttles():
            codes.append(429)
        return sorted(codes)
