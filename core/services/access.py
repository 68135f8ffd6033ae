from core.models import AccessLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *, user, action: str, object_type: str, object_ids=(), detail: str = "", request=None
) -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        action=action,
        object_type=object_type,
        object_ids=[int(i) for i in object_ids],
        detail=detail[:300],
        ip_address=client_ip(request),
    )
