"""The API's single error shape: ``{"detail": str, "code": str, "fields": {field: [messages]}}``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
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
