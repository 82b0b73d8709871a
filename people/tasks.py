"""Staff imports too large for a request run in the worker."""

from celery import shared_task

from people.import_jobs import run_import_job


@shared_task(acks_late=True)
def run_staff_import(job_id: int) -> None:
    run_import_job(job_id)
