"""From blocks to a ParsedPolicy: title, metadata, version table, sections,
related policies, legislation, and the body as Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from policies.importers import blocks as reader
from policies.importers import recognise
from policies.importers.blocks import Block
from policies.importers.model import DocumentError, ParsedPolicy, ParsedSection, ParsedVersion

READERS = {".docx": reader.read_docx, ".md": reader.read_markdown, ".markdown": reader.read_markdown,
           ".txt": reader.read_text, ".text": reader.read_text}

_SECTION = re.compile(r"^(\d{1,2})(\.0)?\.?\s+(\S.*)$")
_SUBSECTION = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,2})\.?\s+(\S.*)$")
_APPENDIX = re.compile(r"^(Appendix|Annex|Schedule)\s+(\w+)\s*(?:[-–—:.]\s*(.*))?$", re.IGNORECASE)
_VERSION_LABEL = re.compile(r"^(?:v(?:ersion)?\.?\s*)?(\d+(?:\.\d+)*)$", re.IGNORECASE)
_META_KEYS = {
    "version": "version", "version number": "version", "version no": "version",
    "last approved date": "approved", "date approved": "approved", "approved": "approved",
    "approval date": "approved", "date of approval": "approved", "last approved": "approved",
    "approved by": "approved_by", "approving body": "approved_by", "approved by committee": "approved_by",
    "review cycle": "cycle", "review frequency": "cycle", "review period": "cycle",
    "review date": "next_review", "next review": "next_review", "next review date": "next_review",
    "date of next review": "next_review", "to be reviewed": "next_review",
    "date published": "published", "first published": "published", "date of issue": "published",
    "author": "author", "policy owner": "author", "owner": "author", "reason for revision": "reason",
}
_TABLE_HEADERS = {
    "version": "version", "version no": "version", "ver": "version", "v": "version",
    "date approved": "approved", "approved": "approved", "date": "approved", "approval date": "approved",
    "date approved committee": "approved", "date approved by": "approved",
    "committee": "approved_by", "approved by": "approved_by", "approving body": "approved_by",
    "reason for revision": "reason", "reason": "reason", "changes": "reason", "summary of changes": "reason",
    "description": "reason", "revision": "reason", "comments": "reason",
    "author": "author", "by": "author", "reviewed by": "author", "owner": "author",
    "next review": "next_review", "next review date": "next_review", "review date": "next_review",
}
_RELATED_HEADING = re.compile(r"\b(related|linked|associated|other)\b.*\b(polic|document|procedure|guidance)", re.I)
_TITLE_WORDS = re.compile(r"\b(policy|procedure|protocol|code|statement|guidance|plan)\b", re.IGNORECASE)


def parse_document(filename: str, data: bytes) -> ParsedPolicy:
    """Read a Word, Markdown or text policy. Raises DocumentError, naming the
    file and the reason, when it cannot be read."""
    suffix = Path(filename).suffix.lower()
    read = READERS.get(suffix)
    if read is None:
        raise DocumentError(filename, f"unsupported file type {suffix or '(none)'}; use .docx, .md or .txt")
    blocks = read(filename, data)
    if not blocks:
        raise DocumentError(filename, "the document has no text")
    return _Parser(filename, blocks).parse()


@dataclass
class _Parser:
    filename: str
    blocks: list[Block]
    policy: ParsedPolicy | None = None
    meta: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    top: int = 0  # the last top-level section number seen

    def parse(self) -> ParsedPolicy:
        title_index, title = self._title()
        self.policy = ParsedPolicy(filename=self.filename, title=title)
        rest = self.blocks[title_index + 1 :]
        rest = self._drop_contents(rest)
        for index, block in enumerate(rest):
            self._block(block, rest, index)
        self._finish()
        return self.policy

    # -- title ---------------------------------------------------------------
    def _title(self) -> tuple[int, str]:
        for index, block in enumerate(self.blocks):
            if block.kind == "title":
                return index, _title_case(block.text)
        for index, block in enumerate(self.blocks[:15]):
            text = block.text if block.kind in ("para", "heading") else ""
            if text and not _SECTION.match(text) and len(text) < 120 and _TITLE_WORDS.search(text):
                return index, _title_case(text)
        for index, block in enumerate(self.blocks):
            if block.kind in ("para", "heading") and len(block.text) < 120:
                return index, _title_case(block.text)
        raise DocumentError(self.filename, "no title found: the document should start with the policy's title")

    # -- contents list -------------------------------------------------------
    def _drop_contents(self, blocks: list[Block]) -> list[Block]:
        """A "Contents" heading and the entries under it (number, heading,
        page) are the document's own table of contents, not sections."""
        out, skipping = [], False
        for block in blocks:
            text = block.text.strip().lower().rstrip(":")
            if text in ("contents", "table of contents", "index"):
                skipping = True
                continue
            if skipping:
                if block.kind == "table" and all(_looks_like_contents_row(r) for r in block.rows):
                    continue
                if block.kind in ("para", "bullet") and re.search(r"\s\d{1,3}$", block.text):
                    continue
                skipping = False
            out.append(block)
        return out

    # -- one block -----------------------------------------------------------
    def _block(self, block: Block, blocks: list[Block], index: int) -> None:
        if block.kind == "table":
            if self._version_table(block) or self._metadata_table(block):
                return
            self._emit_table(block)
            return
        text = block.text.strip()
        if self._approval_line(text, blocks, index) or self._metadata_line(text):
            return
        if self._consumed_by_approval(text):
            return
        appendix = _APPENDIX.match(text)
        if appendix and (block.kind == "heading" or len(text) < 90):
            self._appendix(appendix)
            return
        section = _SECTION.match(text)
        if section and block.kind != "bullet" and self._is_heading(section, block):
            self._section(section)
            return
        sub = _SUBSECTION.match(text)
        standalone = sub and (block.kind == "heading" or len(sub.group(2)) < 50)
        if standalone and block.kind != "bullet" and _short_heading(sub.group(2)):
            self.policy.sections.append(ParsedSection(sub.group(1), sub.group(2).strip(), 2))
            self.body.append(f"### {sub.group(1)} {_escape(sub.group(2).strip())}")
            return
        if block.kind == "heading":
            self.body.append(f"### {_escape(text)}")
            return
        if block.kind == "bullet":
            numbered = _SUBSECTION.match(text)
            if numbered and block.indent == 0:
                self.body.append(_escape(text))  # a numbered clause laid out as a bullet
            else:
                # A nested bullet needs a parent item; without one it is a plain item.
                indent = block.indent if self.body and self.body[-1].endswith("\u0000bullet") else 0
                self.body.append(("  " * indent) + "- " + _escape(text) + "\u0000bullet")
            return
        self.body.append(_escape(text))

    def _is_heading(self, match: re.Match, block: Block) -> bool:
        number, heading = int(match.group(1)), match.group(3).strip()
        if block.kind == "heading":
            return number > self.top or self.top == 0
        if not _short_heading(heading):
            return False
        return number == self.top + 1 or (self.top == 0 and number in (0, 1))

    def _section(self, match: re.Match) -> None:
        number = match.group(1) + (match.group(2) or "")
        heading = match.group(3).strip().rstrip(":")
        self.top = int(match.group(1))
        self.policy.sections.append(ParsedSection(number, heading, 1))
        shown = f"{number}." if not match.group(2) else number
        self.body.append(f"## {shown} {_escape(heading)}")

    def _appendix(self, match: re.Match) -> None:
        number = f"{match.group(1).title()} {match.group(2)}"
        heading = (match.group(3) or "").strip()
        if any(s.number == number for s in self.policy.sections):
            return  # a page header repeating the appendix title
        self.policy.sections.append(ParsedSection(number, heading, 1))
        self.body.append(f"## {number} – {_escape(heading)}" if heading else f"## {number}")

    # -- metadata ------------------------------------------------------------
    def _metadata_line(self, text: str) -> bool:
        parts = re.split(r"\t+|:\s+|\s{3,}", text, maxsplit=1)
        if len(parts) != 2:
            return False
        key = _key(parts[0])
        if key in _META_KEYS and parts[1].strip() and len(parts[1]) < 100:
            self.meta.setdefault(_META_KEYS[key], parts[1].strip())
            return True
        return False

    def _metadata_table(self, block: Block) -> bool:
        pairs = [r for r in block.rows if len([c for c in r if c]) == 2 and _key(r[0]) in _META_KEYS]
        if not pairs or len(pairs) < len(block.rows) / 2:
            return False
        for row in block.rows:
            cells = [c for c in row if c]
            if len(cells) == 2 and _key(cells[0]) in _META_KEYS:
                self.meta.setdefault(_META_KEYS[_key(cells[0])], cells[1])
        return True

    def _approval_line(self, text: str, blocks: list[Block], index: int) -> bool:
        match = re.match(r"^(?:Approved|Ratified|Adopted)\s+by\s+(?:the\s+)?(.+?)\s*(?::|on|-|–)\s*(.*)$", text, re.I)
        if not match:
            return False
        committee, when = match.group(1).strip(), match.group(2).strip()
        if not when and index + 1 < len(blocks):
            when = blocks[index + 1].text.strip()
            self._pending_approval_text = when
        dates = recognise.DATE_TEXT.findall(when)
        if not dates:
            return False
        self.meta.setdefault("approved_by", committee)
        self.meta.setdefault("approved", dates[0])
        if len(dates) > 1:
            self.meta.setdefault("next_review", dates[1])
        return True

    def _consumed_by_approval(self, text: str) -> bool:
        pending = getattr(self, "_pending_approval_text", None)
        if pending is not None and text == pending:
            self._pending_approval_text = None
            return True
        return False

    # -- version tables ------------------------------------------------------
    def _version_table(self, block: Block) -> bool:
        header = [_TABLE_HEADERS.get(_key(c)) for c in block.rows[0]]
        if "version" in header and sum(1 for h in header if h) >= 2:
            for row in block.rows[1:]:
                values = {h: c.strip() for h, c in zip(header, row, strict=False) if h and c.strip()}
                if values.get("version"):
                    self.policy.versions.append(_version(values))
            return True
        labelled = [r for r in block.rows if len(r) >= 3 and _VERSION_LABEL.match(r[0].strip())]
        if labelled and len(labelled) >= len(block.rows) - 1:
            for row in labelled:
                self.policy.versions.append(_version_from_cells(row))
            return True
        return False

    def _emit_table(self, block: Block) -> None:
        width = max(len(r) for r in block.rows)
        if width == 1:
            self.body.extend(_escape(r[0]) for r in block.rows if r[0])
            return
        rows = [r + [""] * (width - len(r)) for r in block.rows]
        lines = ["| " + " | ".join(_escape(c).replace("|", "\\|") for c in rows[0]) + " |",
                 "|" + "---|" * width]
        lines += ["| " + " | ".join(_escape(c).replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
        self.body.append("\n".join(lines))

    # -- the end -------------------------------------------------------------
    def _finish(self) -> None:
        policy, meta = self.policy, self.meta
        if meta.get("version") or (meta.get("approved") and not policy.versions):
            label = _VERSION_LABEL.match(meta.get("version", "").strip())
            policy.versions.append(ParsedVersion(
                version=label.group(1) if label else (meta.get("version") or None),
                approved=meta.get("approved"),
                approved_on=recognise.read_date(meta.get("approved")),
                approved_by=meta.get("approved_by"),
                reason=meta.get("reason"),
                author=meta.get("author"),
                next_review=meta.get("next_review"),
            ))
        policy.first_published = meta.get("published")
        newest = policy.versions[-1] if policy.versions else None
        policy.next_review = meta.get("next_review") or (newest.next_review if newest else None)
        policy.next_review_on = recognise.read_date(policy.next_review)
        text = "\n".join(_plain(b) for b in self.blocks)
        policy.review_cycle_months = (
            recognise.review_cycle_months(meta.get("cycle")) or recognise.review_clause_months(text)
        )
        policy.legislation = recognise.legislation(text)
        policy.related_policies = self._related()
        policy.body_markdown = _join_body(self.body)
        if not policy.sections:
            policy.warnings.append("No numbered sections were found; the text is kept as it is.")

    def _related(self) -> list[str]:
        """Names under a "Related policies" heading, and the list that follows
        "read in conjunction with"."""
        names: list[str] = []
        mode = None  # "section": until the next section; "list": until the list ends
        for block in self.blocks:
            text = block.text.strip()
            if block.kind == "heading" or _SECTION.match(text) or _APPENDIX.match(text):
                mode = "section" if _RELATED_HEADING.search(text) else None
                continue
            lead_in = re.split(r"in conjunction with|see also|read (?:alongside|with)", text, flags=re.I)
            if len(lead_in) > 1:
                mode = mode or "list"
                tail = re.split(r"\bincluding\b", lead_in[-1], flags=re.I)[-1].strip(" :.")
                if tail[:1].isupper() and _TITLE_WORDS.search(tail):
                    names.extend(recognise.split_policy_names(tail))
                continue
            if mode == "list" and block.kind != "bullet":
                mode = None
            if mode and block.kind in ("bullet", "para") and _TITLE_WORDS.search(text) and len(text) < 200:
                clause = _SUBSECTION.match(text)
                names.extend(recognise.split_policy_names(clause.group(2) if clause else text))
        return recognise._dedupe([n for n in names if _TITLE_WORDS.search(n) and len(n) < 120])


def _version(values: dict) -> ParsedVersion:
    label = _VERSION_LABEL.match(values["version"])
    approved = values.get("approved")
    approved_by = values.get("approved_by")
    if approved and not approved_by:
        approved, approved_by = _split_date_committee(approved)
    return ParsedVersion(
        version=label.group(1) if label else values["version"],
        approved=approved, approved_on=recognise.read_date(approved), approved_by=approved_by,
        reason=values.get("reason"), author=values.get("author"), next_review=values.get("next_review"),
    )


def _version_from_cells(cells: list[str]) -> ParsedVersion:
    keys = ["version", "approved", "reason", "author", "next_review"]
    return _version({k: c.strip() for k, c in zip(keys, cells, strict=False) if c.strip()})


def _split_date_committee(text: str) -> tuple[str | None, str | None]:
    """"Sept 2023 IGG" -> ("Sept 2023", "IGG"); "12/03/2021 (Trust Board)" likewise."""
    match = recognise.DATE_TEXT.search(text)
    if not match:
        return text, None
    rest = (text[: match.start()] + " " + text[match.end() :]).strip(" ()-–,")
    rest = re.sub(r"^(?:by\s+)", "", rest.strip("() "), flags=re.I)
    return match.group(0), (rest or None)


def _looks_like_contents_row(row: list[str]) -> bool:
    cells = [c for c in row if c]
    return len(cells) >= 2 and (re.fullmatch(r"\d{1,3}", cells[-1]) is not None or len(cells) == 2)


def _short_heading(text: str) -> bool:
    text = text.strip()
    return 0 < len(text.split()) <= 10 and not text.endswith((".", ";", ",")) and len(text) < 90


def _key(text: str) -> str:
    return re.sub(r"[^a-z ]+", " ", text.lower()).strip().replace("  ", " ")


def _title_case(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().strip("*#"))
    if text.isupper():
        small = {"and", "of", "the", "for", "in", "on", "to", "a"}
        words = text.lower().split()
        return " ".join(w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words))
    return text


def _escape(text: str) -> str:
    """Keep text as text: angle brackets would otherwise be raw HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(block: Block) -> str:
    if block.kind == "table":
        return "\n".join("\t".join(r) for r in block.rows)
    return block.text


def _join_body(lines: list[str]) -> str:
    """Paragraphs apart, list items together."""
    out: list[str] = []
    for line in lines:
        is_bullet = line.endswith("\u0000bullet")
        line = line.removesuffix("\u0000bullet")
        if out and is_bullet and out[-1].endswith("\u0000"):
            out[-1] = out[-1][:-1] + "\n" + line + "\u0000"
        else:
            out.append(line + ("\u0000" if is_bullet else ""))
    return "\n\n".join(block.rstrip("\u0000") for block in out).strip() + "\n"
