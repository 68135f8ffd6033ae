import asyncio
import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from health_check.checks import Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

from core.models import Division, ImportJob
from core.roles import Role


@login_required
def home(request):
    user = request.user
    context = {"role": user.role}
    if user.role in {Role.TOWNSHIP_OFFICER, Role.VILLAGE_ASSISTANT}:
        context["township"] = user.township
    if user.has_perm("core.view_importjob"):
        mine = ImportJob.objects.for_user(user).filter(created_by=user)
        context["recent_imports"] = mine[:5]
        # Imports of the last 30 days that saved nothing (rejected rows, or a failure): work to redo.
        since = timezone.now() - datetime.timedelta(days=30)
        context["imports_to_redo"] = mine.filter(
            created_at__gte=since, state__in=(ImportJob.State.REJECTED, ImportJob.State.FAILED)
        ).count()
    context["township_count"] = Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).count()
    return render(request, "core/home.html", context)


class HealthView(HealthCheckView):
    """/healthz: the database, the broker and whether a worker consumes the queue, as JSON
    (django-health-check's probes, our keys). 503 when any part is down, naming it. With eager
    tasks (the quick start) there is no broker or worker to ask."""

    async def get(self, request, *args, **kwargs):
        checks = {"database": Database()}
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        if not eager:
            url = settings.CELERY_BROKER_URL
            checks["broker"] = Redis(client_factory=lambda: RedisClient.from_url(url, socket_timeout=2))
        results = dict(zip(checks, await asyncio.gather(*(c.get_result() for c in checks.values())), strict=True))
        body = {name: _status(result) for name, result in results.items()}
        if eager:
            body["broker"] = "eager"
        elif body["broker"] == "ok":
            body["worker"] = _status(await Ping(timeout=datetime.timedelta(seconds=1), limit=1).get_result())
        else:
            body["worker"] = "unknown: the broker is down"
        healthy = all(value in {"ok", "eager"} for value in body.values())
        return JsonResponse({"status": "ok" if healthy else "error", **body}, status=200 if healthy else 503)


def _status(result) -> str:
    return "ok" if result.error is None else f"error: {result.error}"


healthz = HealthView.as_view()
