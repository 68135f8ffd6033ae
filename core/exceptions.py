"""One domain error type. Services raise it (or Django's ValidationError for field errors);
the DRF exception handler and the page views translate both the same way."""


class ApplicationError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
