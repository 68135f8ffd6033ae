import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose English in the top bar (the language cookie).

    Django's LocaleMiddleware would also follow the browser's Accept-Language, so a clerk whose
    browser happens to be English would get English pages; the bureau works in Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override() restores the thread's previous language afterwards, so one English request
        # never leaves the next request (or test) in English.
        with translation.override(language):
            response = self.get_response(request)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class NoNullCharactersMiddleware:
    """A query string carrying a NUL character (%00) is refused with a 400 before any view reads it.

    No text the portal stores or searches may hold one, and PostgreSQL refuses it in a string
    literal: a list that filtered on a raw parameter (`?q=`, `?township=`) answered 500. The forms
    and the API's filters refuse it as a field error already; this refuses it for every door at once,
    the pages with the 400 page and the API as JSON (ApiErrorsAsJsonMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("a NUL character in the query string")
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Every answer to a signed-in user (a page, an API response, an export) and every API answer
    (the token endpoint's carries a credential) is `Cache-Control: no-store`: personal data never
    stays in a shared computer's browser cache or a proxy's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF sets request.user on the Django request too when a token authenticates it.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(API_PREFIX):
            add_never_cache_headers(response)
            response.headers.setdefault("Pragma", "no-cache")
        return response


class ApiErrorsAsJsonMiddleware:
    """Every /api/ error is JSON, as REST clients expect: a body larger than the server reads is
    refused before it is read (413), and an error page rendered outside DRF (a 404 for an unknown
    path, a 400 or 500 from Django itself) is answered as {"detail": ...} with the same status.
    Pages keep their HTML error pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        too_big = body_too_big_response(request)
        if too_big is not None:
            return too_big
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        # DRF's own answers are left as DRF rendered them (JSON, or the browsable page a browser
        # asked for, with its field errors); only Django's HTML error pages are replaced.
        if response.status_code >= 400 and not content_type.startswith("application/json") and not _drf(response):
            detail, code = error_detail(response.status_code)
            replaced = JsonResponse({"detail": detail, "code": code}, status=response.status_code)
            add_never_cache_headers(replaced)
            return replaced
        return response


def _drf(response) -> bool:
    from rest_framework.response import Response

    return isinstance(response, Response)


def body_limit_message() -> str:
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _("请求内容过大：不能超过 %(n)s MB。") % {"n": f"{limit_mb:g}"}


def body_too_big_response(request) -> JsonResponse | None:
    """Django refuses to read a non-file body past DATA_UPLOAD_MAX_MEMORY_SIZE; say so up front
    (file uploads are multipart and have their own limit)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or request.content_type == "multipart/form-data":
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= limit:
        return None
    response = JsonResponse({"detail": body_limit_message(), "code": "request_too_large"}, status=413)
    add_never_cache_headers(response)
    return response


def error_detail(status: int) -> tuple[str, str]:
    known = {
        400: (_("请求格式不正确。"), "bad_request"),
        401: (_("请先登录或提供有效的令牌。"), "not_authenticated"),
        403: (_("您无权执行此操作。"), "permission_denied"),
        404: (_("未找到。"), "not_found"),
        405: (_("不支持该请求方法。"), "method_not_allowed"),
        413: (body_limit_message(), "request_too_large"),
    }
    if status in known:
        return known[status]
    if status >= 500:
        return _("服务器内部错误，请稍后再试或联系系统管理员。"), "server_error"
    return _("请求未能完成。"), "error"


class IdleSessionMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE without a request. Each request used to write
    the session row (SESSION_SAVE_EVERY_REQUEST) to slide that window; it now moves at most once every
    SESSION_REFRESH_SECONDS, so a clerk paging through a list causes no database write a page, and an
    idle session still ends within that margin of the limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(SESSION_REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[SESSION_REFRESHED_KEY] = now  # marks it modified: saved with a new expiry
        return response


SESSION_REFRESHED_KEY = "_idle_refreshed"
