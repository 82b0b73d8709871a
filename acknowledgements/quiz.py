"""A version's check of understanding, as the signer meets it: the questions
(PolicyVersion.quiz, written by the owner in the draft and approved with the
version), marking an answer, and every attempt kept (QuizAttempt) so HR can
read first-time pass rates."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from acknowledgements.models import QuizAttempt
from acknowledgements.viewings import period_owed
from people.models import Person
from policies.models import PolicyVersion

# Attempts numbered by two requests at once: the loser takes the next number.
_NUMBERING_TRIES = 5


@dataclass(frozen=True)
class Question:
    number: int  # 1 for the first, as the page shows it
    text: str
    options: tuple[str, ...]
    answer: int  # index of the right option
    section: str  # heading of the section to re-read when answered wrongly


def questions(version: PolicyVersion) -> list[Question]:
    """The version's questions in order; empty when it has no check. Follows
    the schema in PolicyVersion.quiz's comment: {"question", "options",
    "answer", "section"}."""
    return [
        Question(number=n, text=str(item.get("question", "")), options=tuple(str(o) for o in item.get("options", [])),
                 answer=int(item.get("answer", -1)), section=str(item.get("section", "")))
        for n, item in enumerate(version.quiz or [], start=1)
    ]


def has_check(version: PolicyVersion) -> bool:
    return bool(version.quiz)


def mark(version: PolicyVersion, answers: Sequence[int | None]) -> tuple[list[bool], bool]:
    """(whether each answer is right, whether all are): a missing or extra
    answer is wrong, so a short list never passes."""
    asked = questions(version)
    given = list(answers) + [None] * (len(asked) - len(answers))
    correct = [given[i] is not None and given[i] == q.answer for i, q in enumerate(asked)]
    passed = bool(asked) and all(correct) and len(answers) == len(asked)
    return correct, passed


def record_attempt(
    *, person: Person, version: PolicyVersion, answers: Sequence[int], now: datetime.datetime | None = None,
) -> QuizAttempt:
    """Mark and keep one attempt, numbered after the person's previous ones
    for this version and period (the unique number settles a double submit)."""
    correct, passed = mark(version, answers)
    period = period_owed(person, version)
    mine = QuizAttempt.objects.filter(person=person, version=version, period=period)
    for _ in range(_NUMBERING_TRIES):
        number = (mine.aggregate(last=Max("number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                return QuizAttempt.objects.create(
                    person=person, version=version, period=period, number=number, answers=list(answers),
                    correct=correct, passed=passed, answered_at=now or timezone.now(),
                )
        except IntegrityError:
            continue
    raise IntegrityError("Could not number the attempt: too many answers at once.")


def passed_attempt(person: Person, version: PolicyVersion, period: str) -> QuizAttempt | None:
    """The first attempt that passed, if any."""
    return (
        QuizAttempt.objects.filter(person=person, version=version, period=period, passed=True)
        .order_by("number").first()
    )


def section_anchor(section: str, contents) -> str:
    """The anchor of the heading a question names, from the rendered text's
    contents (policies.rendering.ContentsEntry): the heading itself, or one
    that begins with it ("4. Security" for "4."); "" when none matches."""
    wanted = " ".join(section.split()).casefold()
    if not wanted:
        return ""
    entries = []
    for entry in contents:
        entries += [entry, *entry.children]
    for exact in (True, False):
        for entry in entries:
            title = " ".join(entry.title.split()).casefold()
            if title == wanted or (not exact and (title.startswith(wanted) or wanted.startswith(title))):
                return entry.anchor
    return ""
