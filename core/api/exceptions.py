"""JSON errors for every API failure: a domain error or a Django ValidationError from a service
answers 400 with the fields named, the same way a serializer error does."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, ApplicationError):
        extra = {k: v for k, v in exc.extra.items() if k != "status"}
        if exc.extra.get("status") == 403:
            exc = exceptions.PermissionDenied({"detail": exc.message, "code": exc.code, **extra})
        elif exc.extra.get("status") == 503:  # core.jobs.QueueUnavailable
            exc = exceptions.APIException({"detail": exc.message, "code": exc.code, **extra})
            exc.status_code = 503
        else:
            exc = exceptions.ValidationError({"detail": exc.message, "code": exc.code, **extra})
    return drf_exception_handler(exc, context)
