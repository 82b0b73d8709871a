"""Asking for an export the worker prepares, as a test: follow the page's
link, build the job as the worker would, download the file."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import resolve, reverse

from reports.export_jobs import build_export_file


def prepared_export(client, fmt: str = "xlsx", query: dict | None = None) -> bytes:
    """The bytes HR downloads after asking for the outstanding list in `fmt`."""
    url = reverse("reports:export", args=[fmt])
    asked = client.post(url + ("?" + urlencode(query) if query else ""))
    assert asked.status_code == 302, asked.status_code
    job_id = resolve(asked["Location"]).kwargs["pk"]
    build_export_file(job_id)
    response = client.get(reverse("reports:export_download", args=[job_id]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)  # the test client closes the file once it is read
