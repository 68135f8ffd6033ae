from celery import shared_task

from core.imports import import_job_run
from core.models import ImportJob


@shared_task(name="core.run_import_job", acks_late=True)
def run_import_job(job_id: int) -> str:
    """Thin wrapper: the import service does the work. Delivered again after a worker died, it
    finds the job done (nothing to do), failed after its lease (left for the clerk to re-run), or
    queued or running with an expired lease (claimed and run again from the start)."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    return import_job_run(job).state


@shared_task(name="core.ping")
def ping() -> str:
    """Used by /healthz and the integration tests to prove a worker answers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "pong"
