"""Legislation and statutory guidance a policy names, wherever it names them,
run-together sentences included: Acts and Regulations ("Health and Safety at
Work etc. Act 1974", "Telecommunications (Lawful Business Practice)
(Interception of Communications) Regulations 2000"), the GDPR under its
several names, well-known abbreviations ("RIPA", "DPA 2018"), and the
statutory guidance schools cite (Keeping Children Safe in Education,
Working Together to Safeguard Children, the Teachers' Standards...)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_YEAR = r"(?:19|20)\d{2}"
_END = re.compile(rf"\b(Act|Regulations|Regulation)\b(?:\s*\(?({_YEAR})\b\)?)?")
_TOKEN = re.compile(r"\([^()]{1,80}\)|[\w’'&.,\-]+")
_JOINING = {"of", "and", "for", "the", "to", "in", "on", "&", "with", "at", "from", "etc", "etc."}
# Capitalised words that start a sentence or a reference rather than a name.
_NOT_NAME = {
    "the", "this", "that", "these", "under", "in", "with", "see", "by", "as", "per", "following", "including",
    "also", "both", "within", "from", "through", "via", "and", "or", "any", "each", "all", "of", "section", "part",
    "schedule", "article", "our", "its", "their", "uk", "eu", "to", "for", "on", "at",
}
# Words a name never holds: a name starts after the last of them. "The" may be
# inside one only after "of" ("Representation of the People Act 1983").
_BEFORE_NAME = _NOT_NAME - {"of", "and", "for", "to", "on", "at", "uk", "eu"} | {
    "act", "acts", "regulations", "must", "should", "will", "shall", "may", "is", "are", "was", "be", "been",
    "has", "have", "follow", "follows", "comply", "complies", "meet", "meets", "line", "accordance", "compliance",
    "required", "set", "out", "policy", "policies", "statutory", "guidance", "legislation", "namely", "such",
}
# Little words that are inside some names ("Protection from Harassment Act"): they
# end a name only when capitalised, as in a Title Case heading ("In Line With The").
_BEFORE_NAME_IF_CAPITAL = {"in", "with", "by", "from", "as"}
# A Title Case heading is not one long name; real names are shorter than this.
_MOST_WORDS = 12
_GDPR = "General Data Protection Regulation"


@dataclass(frozen=True)
class _Named:
    pattern: re.Pattern
    name: str
    cue: Callable[[str, re.Match], bool] | None = None  # when the words alone could be ordinary prose


def _guidance_cue(text: str, match: re.Match) -> bool:
    """"Data protection in schools" is DfE guidance only when the text says
    so; at the start of a sentence it is just a topic."""
    before, after = text[max(0, match.start() - 40) : match.start()], text[match.end() : match.end() + 40]
    return bool(re.search(r"(?:DfE|Department for Education|UKCIS|guidance|advice|the|[“\"‘'(])\W*$", before)
                or re.match(r"\W*(?:guidance|advice|toolkit|\(DfE|\(UKCIS|:)", after, re.IGNORECASE))


# Possessive spaces (\s*+) so a long run of spaces is not tried every way.
_WITH_YEAR = rf"(?:\s*+[(,]?\s*+(?:(?:Sept(?:ember)?|Jan(?:uary)?)\s++)?({_YEAR}))?"
_NAMED = [
    _Named(re.compile(rf"\b(?:Keeping Children Safe in Education|KCSIE)\b{_WITH_YEAR}", re.I),
           "Keeping Children Safe in Education"),
    _Named(re.compile(rf"\b(?:Working Together to Safeguard Children|WTSC)\b{_WITH_YEAR}", re.I),
           "Working Together to Safeguard Children"),
    _Named(re.compile(rf"\b(?-i:Prevent)\s+duty(?:\s+guidance)?\b{_WITH_YEAR}", re.I), "Prevent Duty Guidance"),
    _Named(re.compile(rf"\b(?:SEND|SEN|Special Educational Needs and Disabilit(?:y|ies))\s*(?:\(SEND\)\s*)?"
                      rf"(?:Code of Practice|CoP)\b(?::?\s*0\s*(?:to|-)\s*25(?:\s*years)?)?{_WITH_YEAR}", re.I),
           "SEND Code of Practice"),
    _Named(re.compile(r"\b(?-i:Teachers)['’]?\s+(?-i:Standards)\b", re.I), "Teachers' Standards"),
    _Named(re.compile(r"\bMeeting digital and technology standards in schools and colleges\b", re.I),
           "Meeting digital and technology standards in schools and colleges"),
    _Named(re.compile(r"\b(?-i:Behaviour in Schools)\b|\bBehaviour in schools(?=\s*(?::|guidance|advice))", re.I),
           "Behaviour in Schools"),
    _Named(re.compile(r"\bSharing nudes and semi-nudes\b", re.I), "Sharing nudes and semi-nudes", _guidance_cue),
    _Named(re.compile(r"\bEducation for a Connected World\b", re.I), "Education for a Connected World"),
    _Named(re.compile(r"\b(?-i:Data protection in schools|Data Protection in Schools)\b", re.I),
           "Data protection in schools", _guidance_cue),
    _Named(re.compile(r"\b(?:the\s+)?(?-i:Independent School Standards)\b(?!\)\s*Regulations)", re.I),
           "Education (Independent School Standards) Regulations 2014"),
]
# Abbreviations written alone, in capitals, mapped to the names they stand for;
# the ambiguous ones count only with their year.
_ABBREVIATIONS = [
    (r"RIPA(?:\s+2000)?", "Regulation of Investigatory Powers Act 2000"),
    (r"DPA\s+2018", "Data Protection Act 2018"),  # "DPA" alone is as often a data processing agreement
    (r"DPA\s+1998", "Data Protection Act 1998"),
    (r"FOIA(?:\s+2000)?|FOI\s+Act(?:\s+2000)?", "Freedom of Information Act 2000"),
    (r"HASAWA(?:\s+1974)?|HSWA(?:\s+1974)?", "Health and Safety at Work etc. Act 1974"),
    (r"RIDDOR(?:\s+2013)?", "Reporting of Injuries, Diseases and Dangerous Occurrences Regulations 2013"),
    (r"COSHH(?:\s+2002)?", "Control of Substances Hazardous to Health Regulations 2002"),
    (r"PIDA(?:\s+1998)?", "Public Interest Disclosure Act 1998"),
    (r"PECR(?:\s+2003)?", "Privacy and Electronic Communications (EC Directive) Regulations 2003"),
    (r"HRA\s+1998", "Human Rights Act 1998"),
    (r"CMA\s+1990", "Computer Misuse Act 1990"),
    (r"EA\s+2010", "Equality Act 2010"),
    (r"CTSA\s+2015", "Counter-Terrorism and Security Act 2015"),
]
_ABBREVIATION = [(re.compile(rf"\b(?:{pattern})\b"), name) for pattern, name in _ABBREVIATIONS]


def find_legislation(texts: list[str]) -> list[str]:
    """Names in the order they are first mentioned, each once: "KCSIE" and
    "Keeping Children Safe in Education 2024" are one entry, under the
    name with its year."""
    found: list[str] = []
    previous = ""
    for text in texts:
        carried = _wrapped_line_end(previous)
        previous = text
        hits: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []  # spans already read, so an abbreviation inside a name is not read twice
        for named in _NAMED:
            for match in named.pattern.finditer(text):
                if named.cue is None or named.cue(text, match):
                    year = match.group(1) if match.groups() else None
                    hits.append((match.start(), f"{named.name} {year}" if year else named.name))
                    taken.append(match.span())
        for match in _END.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            name = _name_before(carried + text[: match.start()], match.group(1), match.group(2))
            if name:
                hits.append((match.start(), name))
        for match in re.finditer(r"\b(UK |EU )?GDPR\b", text):
            if not _abbreviation_of_the_name_before(text, match):
                hits.append((match.start(), f"UK {_GDPR}" if match.group(1) == "UK " else _GDPR))
        for pattern, name in _ABBREVIATION:
            hits.extend((match.start(), name) for match in pattern.finditer(text))
        found.extend(name for _, name in sorted(hits, key=lambda hit: hit[0]))
    return _unique(found)


def _abbreviation_of_the_name_before(text: str, match: re.Match) -> bool:
    """"the UK General Data Protection Regulation (UK GDPR)": the bracket
    names what was just named."""
    before = text[max(0, match.start() - 60) : match.start()]
    return bool(re.search(r"General Data Protection Regulation\s*\(\s*$", before))


def _wrapped_line_end(text: str) -> str:
    """The end of a line that a hard wrap cut mid-sentence ("...and the
    Investigatory Powers" / "Act 2016 allow"), to read with the next line; a
    heading or a finished sentence carries nothing over."""
    text = text.rstrip()
    if not text or text[-1] in ".!?;:)" or len(text.split()) < 6:
        return ""
    return text[-300:] + " "


def _name_before(before: str, kind: str, year: str | None) -> str | None:
    """The name that ends where `before` ends, as "<name> <kind> <year>"."""
    words = _words_before(before[-600:])  # a name is far shorter
    cut = max((i for i, word in enumerate(words) if _ends_a_sentence_or_reference(words, i)), default=-1)
    words = words[cut + 1 :]
    while words and (words[0].lower().strip(",") in _NOT_NAME or words[0].startswith("(")):
        if words[0].lower() == "uk" and " ".join(words[1:4]) == "General Data Protection":
            break
        words.pop(0)
    while words and words[-1].lower() in _JOINING - {"etc."}:
        words.pop()
    if not words or len(words) > _MOST_WORDS:
        return None
    name = " ".join(words).rstrip(",")
    if "General Data Protection" in name and kind == "Regulation":
        return f"UK {_GDPR}" if name.startswith("UK") else _GDPR
    if kind == "Regulation":
        return None  # "Regulation" alone is a common noun outside the GDPR
    if kind == "Regulations" and not year:
        return None  # "the Trust's Financial Regulations": statutory instruments are cited with their year
    if not year and len(words) < 2:
        return None  # "the Act", "Children Act": too vague without a year
    return f"{name} {kind}" + (f" {year}" if year else "")


def _words_before(text: str) -> list[str]:
    """The run of capitalised words (and the little words between them) that
    ends where the text ends, read backwards to the start of the name."""
    words: list[str] = []
    tokens = _TOKEN.findall(text)
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        bare = token.strip(".,")
        if bare.lower() == "etc":
            words.insert(0, "etc.")  # "Health and Safety at Work etc. Act 1974"
            continue
        if token.endswith((".", ";", ":")) and not token.startswith("("):
            break  # the previous sentence
        if token.startswith("("):
            if not (words or token[1:2].isupper()):
                break
            words.insert(0, token)
        elif token.endswith(","):
            # "Copyright, Designs and Patents Act", "Anti-social Behaviour, Crime and Policing Act": a comma
            # inside a name comes before "and"; after an acronym ("UK GDPR, Data Protection Act") it ends a list.
            if not (bare[:1].isupper() and "and" in words and not bare.isupper()):
                break
            words.insert(0, token)
        elif bare[:1].isupper() or (words and bare.lower() in _JOINING):
            words.insert(0, bare)
        else:
            break
        if len(words) > _MOST_WORDS + 4:
            break
    return words


def _ends_a_sentence_or_reference(words: list[str], index: int) -> bool:
    word = words[index].lower().strip(",")
    if word in _BEFORE_NAME_IF_CAPITAL:
        return words[index][:1].isupper()
    if word not in _BEFORE_NAME:
        return False
    return not (word == "the" and index > 0 and words[index - 1].lower() in {"of", "on"})


def _key(name: str) -> str:
    """The same law however it is written: without its year, commas, "etc."
    or capitals."""
    name = re.sub(rf"\s+{_YEAR}$", "", name)
    name = re.sub(r"\betc\.?\s*|,", "", name)
    return re.sub(r"\s+", " ", name).strip().lower()


def _unique(names: list[str]) -> list[str]:
    """First mention decides the place; the name with its year is the one
    shown, and a name given with two years is listed under each."""
    by_key: dict[str, list[str]] = {}
    for name in names:
        forms = by_key.setdefault(_key(name), [])
        if name not in forms:
            forms.append(name)
    out: list[str] = []
    for forms in by_key.values():
        by_year: dict[str, str] = {}  # the first way each year's name was written
        for form in forms:
            year = re.search(rf"{_YEAR}$", form)
            if year:
                by_year.setdefault(year.group(0), form)
        for form in list(by_year.values()) or forms[:1]:
            if form.lower() not in {o.lower() for o in out}:
                out.append(form)
    return out
