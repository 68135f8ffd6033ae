from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.models import Division, ImportJob
from core.roles import Role


@login_required
def home(request):
    user = request.user
    context = {"role": user.role}
    if user.role in {Role.TOWNSHIP_OFFICER, Role.VILLAGE_ASSISTANT}:
        context["township"] = user.township
    if user.has_perm("core.view_importjob"):
        context["recent_imports"] = ImportJob.objects.for_user(user).filter(created_by=user)[:5]
    context["township_count"] = Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).count()
    return render(request, "core/home.html", context)


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # any transport error means the broker is not usable
        return f"error: {exc.__class__.__name__}"


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as exc:  # report, don't raise: this is the health probe
        database = f"error: {exc.__class__.__name__}"
    broker = _broker_status()
    healthy = database == "ok" and not broker.startswith("error")
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
