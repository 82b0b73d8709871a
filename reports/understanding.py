"""First-time pass rates of the checks of understanding, by question: which
questions staff get wrong the first time, worst first, so the owner can see
which part of a policy is misread. Counted in the database from the first
attempts (QuizAttempt.number == 1) of the people in the HR officer's
schools; two queries, however many versions and people."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from acknowledgements.models import QuizAttempt
from people.models import Person
from policies.models import PolicyVersion
from policies.quiz import MAX_QUESTIONS


@dataclass(frozen=True)
class QuestionRate:
    number: int  # 1 for the first question
    question: str
    section: str
    answered: int  # first attempts that answered it
    right: int

    @property
    def rate(self) -> float | None:
        """The share right first time, 0 to 1; None before anyone answered."""
        return self.right / self.answered if self.answered else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


@dataclass(frozen=True)
class VersionRates:
    version: PolicyVersion
    first_attempts: int
    questions: list[QuestionRate]  # worst first

    @property
    def worst(self) -> float | None:
        rates = [q.rate for q in self.questions if q.rate is not None]
        return min(rates) if rates else None


def first_time_pass_rates(school_ids: list[int]) -> list[VersionRates]:
    """Every version with a check of understanding that the scope's people
    answered, and every published one (none may have answered it yet); the
    versions with the worst question first."""
    people = Person.schools.through.objects.filter(person=OuterRef("person"), organisation__in=school_ids)
    right = {f"right_{i}": Count("pk", filter=Q(**{f"correct__{i}": True})) for i in range(MAX_QUESTIONS)}
    answered = {f"answered_{i}": Count("pk", filter=Q(**{f"correct__{i}": True}) | Q(**{f"correct__{i}": False}))
                for i in range(MAX_QUESTIONS)}
    totals = {
        row["version_id"]: row
        for row in QuizAttempt.objects.filter(number=1).filter(Exists(people))
        .values("version_id").annotate(first_attempts=Count("pk"), **right, **answered).order_by()
    }
    in_scope = Q(policy__organisation__in=school_ids) | Q(policy__organisation__schools__in=school_ids)
    published = PolicyVersion.objects.filter(in_scope, status=PolicyVersion.Status.PUBLISHED).values("pk")
    versions = (PolicyVersion.objects.filter(Q(pk__in=list(totals)) | Q(pk__in=published))
                .exclude(quiz=[]).select_related("policy")
                .only("pk", "label", "major", "minor", "status", "quiz", "policy__title", "policy__slug"))
    report = []
    for version in versions:
        row = totals.get(version.pk, {})
        questions = [
            QuestionRate(number=i + 1, question=item.get("question", ""), section=item.get("section", ""),
                         answered=row.get(f"answered_{i}", 0), right=row.get(f"right_{i}", 0))
            for i, item in enumerate(version.quiz[:MAX_QUESTIONS])
        ]
        questions.sort(key=lambda q: (q.rate is None, q.rate if q.rate is not None else 0, q.number))
        report.append(VersionRates(version=version, first_attempts=row.get("first_attempts", 0), questions=questions))
    report.sort(key=lambda v: (v.worst is None, v.worst if v.worst is not None else 0, v.version.policy.title,
                               v.version.major, v.version.minor))
    return report
