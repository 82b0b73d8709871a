"""Related policies: the names listed under a heading such as "Related
policies", or after "read in conjunction with". Names run together on one
line ("Data Protection Policy Freedom of Information Policy") are split after
each "Policy", "Procedure" and the like."""

from __future__ import annotations

import re

from policies.importers.blocks import strip_bold
from policies.importers.outline import SUB, Item, heading_like

_END_WORDS = (
    r"Polic(?:y|ies)|Procedures?|Protocols?|Code of Conduct|Code of Practice|Plan|Statement|Guidance|Guidelines|"
    r"Strategy|Charter|Agreement|Framework|Handbook|Rules|Schedule"
)
_END = re.compile(rf"(?:{_END_WORDS})$", re.IGNORECASE)
_QUALIFIER = r"(?:\s*[\[(][^\])]{1,40}[\])])?"
_TOKEN = re.compile(r"[\[(][^\])]{1,40}[\])][,;:.]?|\S+")
_JOINING = {"of", "and", "for", "on", "in", "to", "at", "&", "the"}
_HEADING = re.compile(
    r"^(?:(?:related|linked|associated|relevant|other relevant|supporting|connected)\b.*"
    r"\b(?:polic|document|procedure|guidance|information)|see also|policy links|links (?:with|to) other policies)",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"\b(?:in conjunction with|read (?:alongside|together with|with)|see also|links? (?:with|to) the following|"
    r"the following (?:related |other )?(?:polic|procedure|document))",
    re.IGNORECASE,
)
_GENERIC = {"trust", "school", "schools", "academy", "academies", "other", "all", "relevant", "related", "these",
            "following", "our", "this", "the", "of", "and", "any", "its", "their", "trust's", "school's", "same",
            "associated", "linked", "separate", "that", "which", "each", "a", "an"}


def find_related(items: list[Item]) -> list[str]:
    names: list[str] = []
    section_rank: int | None = None  # inside a "Related policies" section that started at this rank
    after_lead_in = False
    for item in items:
        rank = _rank(item)
        text = strip_bold(item.text) if item.kind != "table" else ""
        if rank is not None and _is_related_heading(text):
            section_rank, after_lead_in = rank, False
            names.extend(policy_names(text.split(":", 1)[1]) if ":" in text else [])
            continue
        if section_rank is not None and rank is not None and rank <= section_rank and _ends_section(item, text):
            section_rank = None
        if item.kind == "table":
            if section_rank is not None:
                names.extend(n for row in item.rows for n in policy_names(row[0]))
            continue
        lead_in = _LEAD_IN.search(text)
        if section_rank is not None:
            names.extend(policy_names(_after_lead_in(text, lead_in) if lead_in else _without_number(text)))
        elif lead_in:
            names.extend(policy_names(_after_lead_in(text, lead_in)))
        elif after_lead_in and item.kind in ("bullet", "numbered"):
            names.extend(policy_names(text))
            continue
        after_lead_in = bool(lead_in) or (after_lead_in and item.kind in ("bullet", "numbered"))
    return _unique(names)


def _ends_section(item: Item, text: str) -> bool:
    """A heading as strong as "Related policies" ends its list, unless it is
    itself a name in the list ("Online Safety Policy" as a bold line). A new
    numbered section ("5. Legislation and guidance") always does."""
    return item.kind in ("section", "appendix") or not _END.search(text) or bool(_LAW.search(text))


_LAW = re.compile(r"\b(?:legislation|law|statutory)\b", re.IGNORECASE)


def _is_related_heading(text: str) -> bool:
    """"Related policies", "Linked documents"; not "Relevant legislation and guidance"."""
    return bool(_HEADING.match(text)) and not re.search(r"\b(?:legislation|law|statutory)\b", text, re.IGNORECASE)


def _rank(item: Item) -> int | None:
    """How strongly an item divides the document: sections 1, sub-headings 2,
    a short heading-like line of its own 3; None for ordinary text."""
    if item.kind in ("section", "appendix"):
        return 1
    if item.kind == "subheading":
        return item.level
    if item.kind == "para":
        text = strip_bold(item.text)
        if heading_like(text) and len(text.split()) <= 8 and not text.endswith(":") or _is_related_heading(text):
            return 3
    return None


def _after_lead_in(text: str, lead_in: re.Match) -> str:
    tail = text[lead_in.end() :]
    including = re.search(r"\b(?:including|such as|namely|as follows|below)\b|:", tail, re.IGNORECASE)
    return tail[including.end() :] if including else tail


def _without_number(text: str) -> str:
    clause = SUB.match(text)
    return clause.group("text") if clause else text


def policy_names(text: str) -> list[str]:
    """Names in a line of text: runs of capitalised words (little joining
    words allowed) that end in a policy word, with any "[Staff]" after it."""
    names: list[str] = []
    run: list[str] = []
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", strip_bold(text))  # a Markdown link's text
    for token in _TOKEN.findall(text):
        bare = token.rstrip(",;:.")
        if bare[:1] in "[(":
            if run and _ends_name(run):
                run.append(bare)  # a qualifier: "Acceptable Use Policy [Staff]"
            else:
                names.extend(_split_run(run))
                run = []
        elif bare[:1].isupper() or bare[:1].isdigit() or (run and (bare.lower() in _JOINING or _END.fullmatch(bare))):
            run.append(bare)
        else:
            names.extend(_split_run(run))
            run = []
        if token != bare and run:
            names.extend(_split_run(run))  # a comma or full stop ends the name
            run = []
    names.extend(_split_run(run))
    return [name for name in map(_clean, names) if name]


def _split_run(words: list[str]) -> list[str]:
    """Split a run after each policy word that another name follows; what is
    left at the end without a policy word is not a name."""
    names, current = [], []
    for index, word in enumerate(words):
        current.append(word)
        following = words[index + 1] if index + 1 < len(words) else None
        if following is None or following.startswith(("[", "(")) or not _ends_name(current):
            continue
        after = words[index + 2] if index + 2 < len(words) else ""
        joined = following.lower() in ("and", "&") and not _END.fullmatch(after)  # not "Policy and Procedure"
        if (following[:1].isupper() and not _END.fullmatch(following)) or joined:
            names.append(" ".join(current))
            current = []
    if current and _ends_name(current):
        names.append(" ".join(current))
    return [re.sub(r"^(?:(?:and|&|of|for|on|in|to|at)\s+)+", "", name) for name in names]


def _ends_name(words: list[str]) -> bool:
    """Whether the words end in a policy word, perhaps with a qualifier after
    it. Only the last few words matter ("Code of Conduct [Staff]")."""
    tail = words[-5:]
    while tail and tail[-1][:1] in "[(":
        tail = tail[:-1]
    return bool(_END.search(" ".join(tail[-3:])))


def _clean(name: str) -> str | None:
    name = re.sub(r"^(?:(?:the|our|its|their|this)\s+)?(?:(?:trust|school|academy|college)['’]s\s+)?", "", name,
                  flags=re.IGNORECASE).strip(" ,;:.")
    words = name.split()
    if not words or len(words) > 12 or not name[:1].isupper():
        return None
    core = re.sub(rf"{_QUALIFIER}$", "", name)
    core = re.sub(rf"\b(?:{_END_WORDS})$", "", core, flags=re.IGNORECASE).split()
    if not core or all(word.lower() in _GENERIC for word in core):
        return None  # "Trust policies", "This Policy"
    return name


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out
