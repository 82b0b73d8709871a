"""A subject access export: everything Policy Portal holds about one person,
as one JSON document a data protection officer can send on (UK GDPR, Art. 15)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from acknowledgements.models import Exemption, Obligation, QuizAttempt, SignOff, Viewing
from acknowledgements.rules import period_label, reason_label
from approvals.models import CommitteeMember, Submission, Vote
from outbox.models import OutboxEmail
from people.models import Person, RoleAssignment
from policies.models import Policy, PolicyVersion
from privacy.models import PrivacyEvent

FORMAT_VERSION = 1


def _when(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def subject_access_export(person: Person) -> dict[str, Any]:
    """Every section is a list of plain records, so the export can be read in
    a text editor as well as by a program."""
    user = person.user
    return {
        "format": "policy-portal-subject-access", "format_version": FORMAT_VERSION,
        "produced_at": timezone.now().isoformat(),
        "person": _person(person),
        "login": _login(user) if user else None,
        "roles": [{"role": r.get_role_display(), "organisation": r.organisation.name}
                  for r in RoleAssignment.objects.filter(person=person).select_related("organisation")],
        "committee_seats": [{"committee": c.committee.name, "role": c.get_role_display()}
                            for c in CommitteeMember.objects.filter(person=person).select_related("committee")],
        "sign_offs": [_sign_off(s) for s in SignOff.objects.filter(person=person)
                      .select_related("version__policy", "recorded_by", "variant", "adoption__school")
                      .order_by("signed_at")],
        "sign_offs_owed": [_obligation(o) for o in Obligation.objects.filter(person=person)
                           .select_related("version__policy").order_by("owed_since")],
        "texts_opened": [_viewing(v) for v in Viewing.objects.filter(person=person)
                         .select_related("version__policy", "variant").order_by("viewed_at")],
        "checks_of_understanding": [_attempt(a) for a in QuizAttempt.objects.filter(person=person)
                                    .select_related("version__policy").order_by("answered_at")],
        "exemptions": [_exemption(e) for e in Exemption.objects.filter(person=person)
                       .select_related("version__policy", "exempted_by").order_by("exempted_at")],
        "votes_and_comments": [_vote(v) for v in Vote.objects.filter(person=person)
                               .select_related("submission__version__policy", "submission__committee")],
        "policies_owned": list(Policy.objects.filter(owner=person).values_list("title", flat=True)),
        "versions_authored": [f"{v.policy.title} version {v.label}" for v in
                              PolicyVersion.objects.filter(author_person=person).select_related("policy")],
        "submissions_made": [f"{s.version.policy.title} version {s.version.label} to {s.committee.name}"
                             for s in Submission.objects.filter(submitted_by=user).select_related(
                                 "version__policy", "committee")] if user else [],
        "emails": [_email(e) for e in OutboxEmail.objects.filter(recipient=person).order_by("created_at")],
        "record_history": _record_history(person),
        "changes_made": _changes_made(user) if user else [],
        "privacy_events": [{"kind": e.get_kind_display(), "at": _when(e.at)}
                           for e in PrivacyEvent.objects.filter(person=person).order_by("at")],
    }


def export_for_release(person: Person, *, by=None) -> str:
    """The export as the JSON text to hand over, with the release logged: the
    trust must be able to show whose data it gave out, when and by whom."""
    text = json.dumps(subject_access_export(person), indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
    PrivacyEvent.objects.create(kind=PrivacyEvent.Kind.SUBJECT_ACCESS, person=person, performed_by=by)
    return text


def _person(person: Person) -> dict[str, Any]:
    return {
        "first_name": person.first_name, "last_name": person.last_name, "work_email": person.email,
        "staff_id": person.staff_id, "staff_group": person.get_staff_group_display(),
        "job_title": person.job_title, "schools": [s.name for s in person.schools.all()],
        "start_date": _when(person.start_date), "leave_date": _when(person.leave_date),
        "line_manager": person.line_manager.full_name if person.line_manager else None,
        "has_it_account": person.has_it_account, "anonymised_on": _when(person.anonymised_on),
    }


def _login(user) -> dict[str, Any]:
    attempts = [
        {"at": _when(a.attempt_time), "address": a.ip_address, "browser": a.user_agent, "kind": kind}
        for kind, model in (("failed sign-in", AccessAttempt), ("failed sign-in", AccessFailureLog),
                            ("sign-in", AccessLog))
        for a in model.objects.filter(username__iexact=user.email)
    ]
    return {
        "email": user.email, "active": user.is_active, "joined": _when(user.date_joined),
        "last_sign_in": _when(user.last_login), "has_password": user.has_usable_password(),
        "single_sign_on": [a.provider for a in SocialAccount.objects.filter(user=user)],
        "sign_in_records": attempts,
    }


def _sign_off(sign_off: SignOff) -> dict[str, Any]:
    return {
        "policy": sign_off.version.policy.title, "version": sign_off.version.label,
        "text_sha256": sign_off.content_hash, "statement": sign_off.statement,
        "period": period_label(sign_off.period),
        "signed_at": _when(sign_off.signed_at), "signed_on": _when(sign_off.signed_on),
        "method": sign_off.get_method_display(), "note": sign_off.note,
        "recorded_by": sign_off.recorded_by.email if sign_off.recorded_by else None,
        "address": sign_off.ip_address, "browser": sign_off.user_agent,
        "text_first_opened_at": _when(sign_off.viewed_at),
        "check_of_understanding_attempt": sign_off.quiz_attempts, "check_answers": sign_off.quiz_answers,
        "text_read": sign_off.variant.title if sign_off.variant else "the full text",
        "school_copy": sign_off.adoption.school.name if sign_off.adoption else None,
        "school_local_parts_sha256": sign_off.local_hash or None,
    }


def _viewing(viewing: Viewing) -> dict[str, Any]:
    return {
        "policy": viewing.version.policy.title, "version": viewing.version.label,
        "period": period_label(viewing.period), "text_sha256": viewing.content_hash,
        "text_read": viewing.variant.title if viewing.variant else "the full text",
        "opened_at": _when(viewing.viewed_at), "address": viewing.ip_address, "browser": viewing.user_agent,
    }


def _attempt(attempt: QuizAttempt) -> dict[str, Any]:
    return {
        "policy": attempt.version.policy.title, "version": attempt.version.label,
        "period": period_label(attempt.period), "attempt": attempt.number, "answers": attempt.answers,
        "passed": attempt.passed, "answered_at": _when(attempt.answered_at),
    }


def _exemption(exemption: Exemption) -> dict[str, Any]:
    return {
        "policy": exemption.version.policy.title, "version": exemption.version.label,
        "period": period_label(exemption.period), "reason": exemption.reason,
        "exempted_by": exemption.exempted_by.email, "exempted_at": _when(exemption.exempted_at),
    }


def _obligation(obligation: Obligation) -> dict[str, Any]:
    return {
        "policy": obligation.version.policy.title, "version": obligation.version.label,
        "reason": reason_label(obligation), "period": period_label(obligation.period),
        "owed_since": _when(obligation.owed_since),
        "due_on": _when(obligation.due_on), "status": obligation.get_status_display(),
        "closed_on": _when(obligation.closed_on),
        "closed_because": obligation.get_closed_reason_display() or None,
    }


def _vote(vote: Vote) -> dict[str, Any]:
    version = vote.submission.version
    return {
        "policy": version.policy.title, "version": version.label, "committee": vote.submission.committee.name,
        "decision": vote.get_decision_display(), "comment": vote.comment, "at": _when(vote.created_at),
        "given": vote.get_method_display(), "address": vote.ip_address, "browser": vote.user_agent,
    }


def _email(email: OutboxEmail) -> dict[str, Any]:
    return {
        "to": email.to, "subject": email.subject, "body": email.body_text, "status": email.get_status_display(),
        "created_at": _when(email.created_at), "sent_at": _when(email.sent_at),
    }


def _record_history(person: Person) -> list[dict[str, Any]]:
    return [
        {"at": _when(h.history_date), "change": h.get_history_type_display(),
         "by": h.history_user.email if h.history_user else None, "reason": h.history_change_reason,
         "name": f"{h.first_name} {h.last_name}", "email": h.email, "job_title": h.job_title,
         "leave_date": _when(h.leave_date)}
        for h in Person.history.filter(id=person.pk).select_related("history_user").order_by("history_date")
    ]


def _changes_made(user) -> list[dict[str, Any]]:
    """Changes this person made in the portal, from every model's history."""
    changes = []
    for model in apps.get_models():
        if not hasattr(model._meta, "simple_history_manager_attribute"):
            continue
        history = getattr(model, model._meta.simple_history_manager_attribute)
        for record in history.filter(history_user=user).order_by("history_date"):
            changes.append({"at": _when(record.history_date), "what": model._meta.verbose_name,
                            "change": record.get_history_type_display(), "object": str(record.instance)})
    return sorted(changes, key=lambda change: change["at"])
