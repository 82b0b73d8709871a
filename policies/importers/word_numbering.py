"""Word's automatic numbering. A heading or clause numbered by Word's list
feature carries no number in its text, only a reference to numbering.xml, so
the numbers the reader saw ("1.", "5.4", "a)") are worked out here the way
Word counts them. Bullets are told apart from numbers the same way."""

from __future__ import annotations

from dataclasses import dataclass, field

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1


@dataclass
class WordNumbering:
    levels: dict[tuple[str, int], _Level] = field(default_factory=dict)  # (abstractNumId, ilvl)
    abstract_of: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[tuple[str, int], int] = field(default_factory=dict)  # (numId, ilvl) -> start
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document) -> WordNumbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return numbering  # a document without lists
        for abstract in root.findall(_w("abstractNum")):
            abstract_id = _attr(abstract, "abstractNumId")
            for lvl in abstract.findall(_w("lvl")):
                numbering.levels[(abstract_id, int(_attr(lvl, "ilvl") or 0))] = _Level(
                    fmt=_val(lvl, "numFmt") or "decimal",
                    text=_val(lvl, "lvlText") or "",
                    start=int(_val(lvl, "start") or 1),
                )
        for num in root.findall(_w("num")):
            num_id = _attr(num, "numId")
            numbering.abstract_of[num_id] = _val(num, "abstractNumId") or ""
            for override in num.findall(_w("lvlOverride")):
                start = _val(override, "startOverride")
                if start is not None:
                    numbering.overrides[(num_id, int(_attr(override, "ilvl") or 0))] = int(start)
        return numbering

    def label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """("bullet", "") or ("number", "5.4") for the next paragraph in this
        list, or None where the paragraph is not really numbered."""
        abstract = self.abstract_of.get(num_id)
        level = self.levels.get((abstract, ilvl)) if abstract else None
        if level is None or num_id == "0" or level.fmt == "none":
            return None
        if level.fmt == "bullet":
            return "bullet", ""
        counters = self.counters.setdefault(abstract, [None] * 10)
        if num_id not in self.started:
            # A list instance that restarts numbering (Word's "Restart at 1").
            self.started.add(num_id)
            for (overridden, lvl), start in self.overrides.items():
                if overridden == num_id:
                    counters[lvl] = start - 1
        current = counters[ilvl]
        counters[ilvl] = (current + 1) if current is not None else self._level(abstract, ilvl).start
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        text = level.text
        for n in range(ilvl + 1):
            value = counters[n] if counters[n] is not None else self._level(abstract, n).start
            text = text.replace(f"%{n + 1}", _format(value, self._level(abstract, n).fmt))
        return "number", text.strip()

    def _level(self, abstract: str, ilvl: int) -> _Level:
        return self.levels.get((abstract, ilvl), _Level())


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while value > 0:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = ""
        for amount, numeral in _ROMAN:
            while value >= amount:
                roman, value = roman + numeral, value - amount
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _attr(element, name: str) -> str | None:
    return element.get(_w(name))


def _val(element, child: str) -> str | None:
    """The w:val of a child element, as in <w:numFmt w:val="decimal"/>."""
    found = element.find(_w(child))
    return found.get(_w("val")) if found is not None else None
