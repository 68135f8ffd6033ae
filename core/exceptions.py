"""One domain error type. Services raise it (or Django's ValidationError for field errors);
the DRF exception handler and the page views translate both the same way."""


class ApplicationError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class FieldErrors(dict):
    """Every field error a service finds, collected before it raises: the form, the API and the
    import then show all of them at once, keyed by field, instead of the first one only.

        errors = FieldErrors()
        if amount < 0:
            errors.add("amount", _("金额不能为负数。"))
        errors.merge(exc)          # a model's full_clean() or another service's ValidationError
        errors.raise_if_any()      # one django ValidationError({"field": [messages]})
    """

    def add(self, key: str, message) -> None:
        self.setdefault(key, []).append(str(message))

    def merge(self, exc, rename: dict | None = None) -> None:
        """Fold a django ValidationError in, optionally renaming its fields."""
        rename = rename or {}
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                for message in messages:
                    self.add(rename.get(key, key), message)
        else:
            for message in exc.messages:
                self.add("__all__", message)

    def raise_if_any(self) -> None:
        from django.core.exceptions import ValidationError

        if self:
            raise ValidationError(dict(self))


def clean_into(errors: FieldErrors, instance, *, exclude=(), **kwargs) -> None:
    """`instance.full_clean()` into `errors`, leaving out the fields that already have an error (and
    the constraints on them), so that a field is told once, by the service's own message."""
    from django.core.exceptions import ValidationError

    told = set(errors)
    try:
        instance.full_clean(exclude=[*exclude, *errors], **kwargs)
    except ValidationError as exc:
        found = FieldErrors()
        found.merge(exc)
        for key, messages in found.items():
            if key not in told:
                for message in messages:
                    errors.add(key, message)


def violated_constraint(exc: Exception) -> str | None:
    """The name of the constraint an IntegrityError broke, as PostgreSQL reports it (None where the
    database does not say: SQLite), so a service can turn its own constraint's error into the
    message its check gives and let any other one through."""
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
