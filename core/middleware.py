from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
