"""Uploaded documents are read by the worker, one task per document."""

from celery import shared_task

from imports.reading import read_item


@shared_task(acks_late=True)
def read_import_item(item_id: int) -> None:
    read_item(item_id)
