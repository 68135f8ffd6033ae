from celery import shared_task

from core.imports import import_job_run
from core.models import ImportJob


@shared_task(name="core.run_import_job", acks_late=True)
def run_import_job(job_id: int) -> str:
    """Thin wrapper: the import service does the work; a finished job is left as it is."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    return import_job_run(job).state


@shared_task(name="core.ping")
def ping() -> str:
    """Used by /healthz and the integration tests to prove a worker answers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "pong"
