"""Load the demo trust from fixtures/demo/trust.toml.

Idempotent: rows are matched by slug or email and only what is missing is
created, so running it again keeps whatever people changed since. Dates in
the fixture are relative to the day of loading ("today-30") so the demo's
review and start dates never go stale.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from acknowledgements import evidence_check
from acknowledgements.exemptions import exempt
from acknowledgements.models import Obligation, SignOff, SignOffRule
from acknowledgements.quiz import has_check, questions, record_attempt
from acknowledgements.services import record_sign_off, sync_obligations
from acknowledgements.viewings import record_viewing
from approvals import services as approvals
from approvals.models import CommitteeMember
from people.models import Organisation, Person, RoleAssignment, User
from policies.models import Committee, Legislation, Policy, PolicyVersion, RelatedPolicyName
from policies.services import publish_version
from portal.demo_adoptions import load_demo_adoptions
from portal.demo_statutory import load_statutory_tags
from portal.demo_variants import load_demo_variants

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
_RELATIVE = re.compile(r"^today(?:([+-])(\d+))?$")
# "last 09-01": the latest 1 September on or before the day of loading, so a
# yearly rule's date is a real 1 September whatever day the demo is loaded.
_LAST_DAY_OF_YEAR = re.compile(r"^last (\d{2})-(\d{2})$")


@dataclass
class DemoLogin:
    email: str
    name: str
    what: str


@dataclass
class DemoResult:
    password: str
    logins: list[DemoLogin] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1


def relative_date(value: str | None, today: datetime.date) -> datetime.date | None:
    if not value:
        return None
    yearly = _LAST_DAY_OF_YEAR.match(value.strip())
    if yearly:
        this_year = datetime.date(today.year, int(yearly[1]), int(yearly[2]))
        return this_year if this_year <= today else this_year.replace(year=today.year - 1)
    match = _RELATIVE.match(value.strip())
    if not match:
        return datetime.date.fromisoformat(value)
    sign, days = match.groups()
    offset = int(days or 0) * (-1 if sign == "-" else 1)
    return today + datetime.timedelta(days=offset)


def load_demo(directory: Path = DEMO_DIR, *, today: datetime.date | None = None) -> DemoResult:
    today = today or timezone.localdate()
    spec = tomllib.loads((directory / "trust.toml").read_text(encoding="utf-8"))
    result = DemoResult(password=spec["demo_password"])
    # Loading demo data emails nobody (drafts submitted to committees would).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        organisations = _load_organisations(spec, result)
        committees = _load_committees(spec, organisations, result)
        people = _load_people(spec, organisations, today, result)
        _load_policies(spec, directory, organisations, committees, people, today, result)
        _load_sign_offs(spec, organisations, people, today, result)
        load_demo_variants(spec, today=today, relative_date=relative_date)
        _load_committee_seats(spec, committees, people)
        _load_drafts(spec, people, committees, result)
        load_statutory_tags(spec)
        load_demo_adoptions(spec, today=today, relative_date=relative_date)
    evidence_check.verify()  # HR's dashboard shows the evidence check from the start, as after a nightly run
    return result


def _load_organisations(spec: dict, result: DemoResult) -> dict[str, Organisation]:
    trust, created = Organisation.objects.get_or_create(
        slug=spec["trust"]["slug"],
        defaults={"name": spec["trust"]["name"], "kind": Organisation.Kind.TRUST, "school_type": ""},
    )
    result.count("organisations", created)
    organisations = {trust.slug: trust}
    for school in spec["schools"]:
        org, created = Organisation.objects.get_or_create(
            slug=school["slug"], defaults={"name": school["name"], "kind": Organisation.Kind.SCHOOL, "trust": trust,
                                           "school_type": school.get("school_type", Organisation.SchoolType.ACADEMY)}
        )
        result.count("organisations", created)
        organisations[org.slug] = org
    return organisations


def _load_committees(spec: dict, organisations: dict, result: DemoResult) -> dict[str, Committee]:
    committees = {}
    for row in spec["committees"]:
        committee, created = Committee.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "organisation": organisations[row["organisation"]],
                "decision_mode": row.get("decision_mode", Committee.DecisionMode.QUORUM),
                "quorum": row.get("quorum", 2),
                "threshold": row.get("threshold", Committee.Threshold.M_OF_N),
                "allows_single_approver": row.get("allows_single_approver", False),
                "body": row.get("body", Committee.Body.OTHER),
            },
        )
        if not created and committee.body == Committee.Body.OTHER and row.get("body", Committee.Body.OTHER) != "other":
            # A demo loaded before committees had a kind: fill it in (the statutory checklist asks).
            committee.body = row["body"]
            committee.save(update_fields=["body"])
        result.count("committees", created)
        committees[committee.slug] = committee
    return committees


def _load_people(spec: dict, organisations: dict, today: datetime.date, result: DemoResult) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for row in spec["people"]:
        person, created = Person.objects.get_or_create(
            email=row["email"],
            defaults={
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "staff_group": row["staff_group"],
                "job_title": row.get("job_title", ""),
                "start_date": relative_date(row.get("start_date"), today),
                "leave_date": relative_date(row.get("leave_date"), today),
                "line_manager": people.get(row.get("line_manager", "")),
                "has_it_account": row.get("has_it_account", True),
            },
        )
        result.count("people", created)
        if created:
            person.schools.set([organisations[slug] for slug in row["schools"]])
        for role in row.get("roles", []):
            RoleAssignment.objects.get_or_create(
                person=person, role=role["role"], organisation=organisations[role["organisation"]]
            )
        if row.get("login"):
            _ensure_login(person, row, result)
        people[person.email] = person
    return people


def _ensure_login(person: Person, row: dict, result: DemoResult) -> None:
    if person.user_id is None:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email,
                result.password,
                first_name=person.first_name,
                last_name=person.last_name,
                is_staff=row.get("superuser", False),
                is_superuser=row.get("superuser", False),
            )
        person.user = user
        person.save(update_fields=["user"])
    what = person.job_title or person.get_staff_group_display()
    if row.get("roles"):
        what += " — " + ", ".join(f"{r['role'].replace('_', ' ')} ({r['organisation']})" for r in row["roles"])
    if row.get("superuser"):
        what += " — administrator"
    result.logins.append(DemoLogin(email=person.email, name=person.full_name, what=what))


def _load_policies(spec, directory, organisations, committees, people, today, result) -> None:
    policies: dict[str, Policy] = {}
    for row in spec["policies"]:
        policy, created = Policy.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "category": row["category"],
                "organisation": organisations[row["organisation"]],
                "owner": people.get(row.get("owner", "")),
                "audiences": row.get("audiences", []),
                "review_cycle_months": row.get("review_cycle_months"),
                "is_public": row.get("is_public", False),
            },
        )
        result.count("policies", created)
        policies[policy.slug] = policy
        for name in row.get("legislation", []):
            policy.legislation.add(Legislation.objects.get_or_create(name=name)[0])
        policy.approving_committees.add(*(committees[slug] for slug in row.get("approving_committees", [])))
        for name in row.get("related_not_in_library", []):
            RelatedPolicyName.objects.get_or_create(policy=policy, name=name)
        _load_versions(policy, row["versions"], directory, committees, today, result)
    for row in spec["policies"]:
        for other in row.get("related", []):
            policies[row["slug"]].related.add(policies[other])


def _version_text(path: Path, edits: list[list[str]]) -> str:
    """The newest text with an older version's wording put back."""
    text = path.read_text(encoding="utf-8")
    for find, replace in edits:
        if find not in text:
            raise ValueError(f"{path.name}: edit does not match the text: {find[:60]!r}")
        text = text.replace(find, replace)
    return text


def _load_versions(policy, rows, directory, committees, today, result) -> None:
    existing = set(policy.versions.values_list("label", flat=True))
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        if row["label"] in existing:
            continue
        status = row.get("status", PolicyVersion.Status.SUPERSEDED)
        version = PolicyVersion.objects.create(
            policy=policy,
            label=row["label"],
            is_major=row["label"].endswith(".0") or "." not in row["label"],
            status=PolicyVersion.Status.APPROVED if status == "published" else status,
            body=_version_text(directory / "policies" / row["body"], row.get("edits", [])),
            reason=row.get("reason", ""),
            author=row.get("author", ""),
            approved_on=relative_date(row.get("approved_on"), today),
            committee=committees.get(row.get("committee", "")),
            effective_on=relative_date(row.get("effective_on"), today),
            next_review_on=relative_date(row.get("next_review_on"), today),
            superseded_on=relative_date(following["effective_on"], today) if following else None,
            quiz=row.get("quiz", []),  # set before approval, so the version's hash covers it
        )
        result.count("versions", True)
        if status == "published":
            publish_version(version, on=version.effective_on)


def _load_sign_offs(spec: dict, organisations: dict, people: dict[str, Person], today, result) -> None:
    """Sign-off rules as the fixture gives them, what everyone owes, and, on
    the first load only, a realistic share already signed."""
    for row in spec["policies"]:
        rule = row.get("sign_off")
        if rule is None:
            continue
        policy = Policy.objects.get(slug=row["slug"])
        if not SignOffRule.objects.filter(policy=policy).exists():
            SignOffRule.objects.create(
                policy=policy,
                staff_groups=rule["staff_groups"],
                new_starter_days=rule.get("new_starter_days", 14),
                new_version_days=rule.get("new_version_days", 30),
                annual_from=relative_date(rule.get("annual_from"), today),
                annual_days=rule.get("annual_days", 30),
            )
    sync_obligations(today=today)
    if SignOff.objects.exists():
        return
    hr = User.objects.filter(email=spec["people"][2]["email"]).first()
    skip = set(spec.get("still_to_sign", []))
    for obligation in Obligation.objects.filter(status=Obligation.Status.OUTSTANDING).select_related(
        "person", "version"
    ):
        person = obligation.person
        recent_starter = person.start_date and person.start_date > today - datetime.timedelta(days=20)
        if person.email in skip or recent_starter or not _signs(person.email, obligation.policy_id, spec):
            continue
        signed_on = min(today, obligation.owed_since + datetime.timedelta(days=_spread(person.email, 12)))
        paper = not person.has_it_account
        if not paper:
            _open_and_answer(person, obligation.version)
        record_sign_off(
            person=person, version=obligation.version, signed_on=signed_on,
            method=SignOff.Method.RECORDED_BY_HR if paper else SignOff.Method.BROWSER,
            recorded_by=hr if paper else None, note="Paper form filed in the staff file." if paper else "",
            user_agent="demo data",
        )
        result.count("sign-offs", True)
    sync_obligations(today=today)  # signed before this year's re-reading date: owed again
    _load_exemptions(hr, skip, result)


# HR's exemptions in the demo (issue 19): the person's record and the outstanding
# list's "Closed without signing" filter show them, with who, when and why.
DEMO_EXEMPTION_REASONS = (
    "On long-term sick leave until the spring term; to sign on return.",
    "Seconded to the local authority for the autumn term; HR will owe it again on return.",
)


def _load_exemptions(hr: User | None, skip: set[str], result: DemoResult) -> None:
    if hr is None:
        return
    owed = (Obligation.objects.filter(status=Obligation.Status.OUTSTANDING)
            .exclude(person__email__in=skip | {login.email for login in result.logins})  # their stories stay
            .order_by("person__email", "pk"))
    chosen, people = [], set()
    for obligation in owed.select_related("person"):
        if obligation.person_id not in people and len(chosen) < len(DEMO_EXEMPTION_REASONS):
            chosen.append(obligation)
            people.add(obligation.person_id)
    for obligation, reason in zip(chosen, DEMO_EXEMPTION_REASONS, strict=False):
        exempt(obligation=obligation, reason=reason, by=hr)
        result.count("exemptions", True)


def _open_and_answer(person: Person, version: PolicyVersion) -> None:
    """What a browser sign-off needs first: the text opened a few minutes
    before, and the check of understanding passed (some at the second try)."""
    opened = timezone.now() - datetime.timedelta(minutes=3 + _spread(person.email, 20))
    record_viewing(person=person, version=version, ip_address=None, user_agent="demo data", now=opened)
    if not has_check(version):
        return
    right = [q.answer for q in questions(version)]
    if _spread(f"{person.email}:check", 4) == 0:
        wrong = [(right[0] + 1) % max(len(questions(version)[0].options), 1), *right[1:]]
        record_attempt(person=person, version=version, answers=wrong, now=opened + datetime.timedelta(minutes=1))
    record_attempt(person=person, version=version, answers=right, now=opened + datetime.timedelta(minutes=2))


def _spread(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % n


def _signs(email: str, policy_id: int, spec: dict) -> bool:
    return _spread(f"{email}:{policy_id}", 100) < spec.get("signed_share", 0.6) * 100


def _load_committee_seats(spec: dict, committees: dict, people: dict[str, Person]) -> None:
    for row in spec["people"]:
        person = people[row["email"]]
        for slug in row.get("committees", []):
            CommitteeMember.objects.get_or_create(committee=committees[slug], person=person,
                                                  defaults={"role": CommitteeMember.Role.MEMBER})
        for slug in row.get("clerk_of", []):
            CommitteeMember.objects.get_or_create(committee=committees[slug], person=person,
                                                  defaults={"role": CommitteeMember.Role.CLERK})


def _load_drafts(spec: dict, people: dict[str, Person], committees: dict, result: DemoResult) -> None:
    """Drafts in progress, made through the same services the pages use."""
    for row in spec.get("drafts", []):
        policy = Policy.objects.get(slug=row["policy"])
        if policy.versions.filter(label=row["label"]).exists():
            continue
        author = people[row["by"]]
        draft = approvals.start_draft(policy, by=author, is_major=row["is_major"])
        body = draft.body
        for find, replace in row.get("edits", []):
            if find not in body:
                raise ValueError(f"draft of {policy.slug}: edit does not match the text: {find[:60]!r}")
            body = body.replace(find, replace)
        approvals.save_draft(draft, body=body, reason=row["reason"], is_major=row["is_major"],
                             review_cycle_months=policy.review_cycle_months, audiences=list(policy.audiences))
        result.count("drafts", True)
        if "submit_to" not in row:
            continue
        submission = approvals.submit_draft(draft, committee=committees[row["submit_to"]], by=author.user)
        for vote in row.get("votes", []):
            approvals.record_vote(submission, member=people[vote["by"]], decision=vote["decision"],
                                  comment=vote.get("comment", ""))
