"""A version's check of understanding as its owner writes it: the rules a
quiz must keep, its one canonical form, and the text lines the redline
compares. Marking answers is acknowledgements' (acknowledgements.quiz).

The stored shape is PolicyVersion.quiz's: a list of {"question": str,
"options": [str, ...], "answer": int (index of the right option),
"section": str (the heading of the section to re-read)}.
"""

from __future__ import annotations

import re

from policies.text import normalise_text

MAX_QUESTIONS = 10
MIN_OPTIONS = 2
MAX_OPTIONS = 5

TOO_MANY_QUESTIONS = f"A check of understanding has at most {MAX_QUESTIONS} questions."
QUESTION_NEEDED = "Write the question."
TOO_FEW_OPTIONS = f"Give at least {MIN_OPTIONS} options."
TOO_MANY_OPTIONS = f"Give at most {MAX_OPTIONS} options."
EMPTY_OPTION = "Option {number} is empty: write it, or move the options after it up."
SAME_OPTION_TWICE = "Two options say the same thing: “{option}”."
ANSWER_NEEDED = "Choose the one option that is the right answer."
ANSWER_NOT_AN_OPTION = "The right answer must be one of the options you wrote."
SECTION_NEEDED = "Choose the section to re-read when this question is answered wrongly."
SECTION_NOT_IN_TEXT = "“{section}” is not a section of this draft: choose one of its sections."

_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


class QuizInvalid(ValueError):
    """A quiz that breaks a rule; .problems lists (question number, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"question {n}: {m}" if n else m for n, m in problems))
        self.problems = problems


def section_headings(body: str) -> list[str]:
    """The draft's "## " headings, in order, as the reader sees them."""
    return [match.group(1) for match in _HEADING.finditer(normalise_text(body))]


def _clean(value: object) -> str:
    # One line of a form or an import: the browser's CRLF and trailing
    # spaces are not part of the question.
    return normalise_text(str(value)).strip() if value is not None else ""


def normalised_quiz(quiz: list[dict], *, body: str | None = None) -> list[dict]:
    """The quiz in its one stored form, or QuizInvalid naming each problem.
    With the body, every question's section must be one of its headings."""
    problems: list[tuple[int, str]] = []
    if len(quiz) > MAX_QUESTIONS:
        problems.append((0, TOO_MANY_QUESTIONS))
    headings = section_headings(body) if body is not None else None
    cleaned: list[dict] = []
    for number, item in enumerate(quiz, start=1):
        question = _clean(item.get("question"))
        options = [_clean(option) for option in item.get("options") or []]
        section = _clean(item.get("section"))
        answer = item.get("answer")
        if not question:
            problems.append((number, QUESTION_NEEDED))
        while options and not options[-1]:
            options.pop()  # empty slots after the last option are not options
        if len(options) < MIN_OPTIONS:
            problems.append((number, TOO_FEW_OPTIONS))
        if len(options) > MAX_OPTIONS:
            problems.append((number, TOO_MANY_OPTIONS))
        problems.extend((number, EMPTY_OPTION.format(number=i)) for i, text in enumerate(options, start=1)
                        if not text)
        seen: set[str] = set()
        for text in options:
            key = " ".join(text.split()).casefold()
            if text and key in seen:
                problems.append((number, SAME_OPTION_TWICE.format(option=text)))
            seen.add(key)
        if answer is None or answer == "" or isinstance(answer, bool):
            problems.append((number, ANSWER_NEEDED))
        elif not isinstance(answer, int) or not 0 <= answer < len(options) or not options[answer]:
            problems.append((number, ANSWER_NOT_AN_OPTION))
        if not section:
            problems.append((number, SECTION_NEEDED))
        elif headings is not None and section not in headings:
            problems.append((number, SECTION_NOT_IN_TEXT.format(section=section)))
        cleaned.append({"question": question, "options": options, "answer": answer, "section": section})
    if problems:
        raise QuizInvalid(problems)
    return cleaned


def quiz_as_text(quiz: list[dict]) -> str:
    """The quiz as Markdown lines under its own heading, for the redline: a
    changed question, option, right answer or section shows as changed
    words. Empty for no quiz, so a version without one compares as before."""
    if not quiz:
        return ""
    lines = ["## Check of understanding (questions before signing)", ""]
    for number, item in enumerate(quiz, start=1):
        lines.append(f"Question {number}: {item.get('question', '')}")
        for index, option in enumerate(item.get("options", [])):
            mark = " (right answer)" if index == item.get("answer") else ""
            lines.append(f"- {option}{mark}")
        lines.append(f"If answered wrongly, re-read: {item.get('section', '')}")
        lines.append("")
    return "\n".join(lines).rstrip()


def with_quiz(body: str, quiz: list[dict]) -> str:
    """The text a redline compares for a version: its body, then its quiz."""
    text = quiz_as_text(quiz)
    return f"{body.rstrip()}\n\n{text}" if text else body
