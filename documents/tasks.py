"""PDF work that covers several versions runs in the worker, not the request."""

from celery import shared_task

from acknowledgements.selectors import owed_sign_offs
from documents import rendering
from people.models import Person
from policies.models import PolicyVersion


@shared_task(acks_late=True)
def build_pack(person_id: int) -> str:
    person = Person.objects.get(pk=person_id)
    return str(rendering.build_pack(person, list(owed_sign_offs(person))))


@shared_task(acks_late=True)
def render_version(version_id: int) -> str:
    return str(rendering.policy_pdf(PolicyVersion.objects.select_related("policy").get(pk=version_id)))
