"""JSON errors for every API failure: a domain error or a Django ValidationError from a service
answers 400 with the fields named, the same way a serializer error does; a body too large to read
answers 413 (core.middleware.ApiErrorsAsJsonMiddleware turns what is left, errors raised outside
DRF, into JSON too)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError
from core.middleware import body_limit_message


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # get_object_or_404's message names the model in English ("No ImportJob matches…"); the
        # client gets the one Chinese "未找到。", the same for absent and another township's.
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(body_limit_message())
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(str(exc))
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
