"""Sign-offs as helpers A and D leave them (opened time, quiz result, a place
in the evidence chain), written directly so the certificate tests do not
depend on how those rows come to be."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from acknowledgements.models import EvidenceCheck, EvidenceLink, SignOff

UTC = datetime.UTC
STATEMENT = "I confirm that I have read and understood this policy."


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def sign_off(person, version, *, signed_at, method=SignOff.Method.BROWSER, **fields) -> SignOff:
    return SignOff.objects.create(
        person=person, version=version, content_hash=version.content_hash, statement=STATEMENT,
        signed_at=signed_at, signed_on=fields.pop("signed_on", signed_at.date()), method=method, **fields,
    )


def link_of(record: SignOff, *, trust) -> EvidenceLink:
    """The sign-off's link: the one sealing made (helper D's chain), or one
    written here at the chain's next position."""
    link = EvidenceLink.objects.filter(kind=EvidenceLink.Kind.SIGN_OFF, record_id=record.pk).first()
    if link is not None:
        return link
    chain = f"trust-{trust.pk}"
    last = EvidenceLink.objects.filter(chain=chain).order_by("-position").first()
    return EvidenceLink.objects.create(
        chain=chain, position=(last.position + 1) if last else 1, kind=EvidenceLink.Kind.SIGN_OFF,
        record_id=record.pk, previous_hash=last.record_hash if last else "0" * 64,
        record_hash=f"{record.pk:064d}", sealed_at=record.signed_at,
    )


def checked(*, on: datetime.datetime, intact: bool = True, first_broken: str = "") -> EvidenceCheck:
    return EvidenceCheck.objects.create(checked_at=on, records=1, intact=intact, first_broken=first_broken)


def pdf_to_text(data: bytes, tmp_path: Path) -> str:
    """What a reader sees, by pdftotext (Debian's poppler-utils); pages are
    separated by form feeds."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils, or .ci/run)")
    path = tmp_path / "record.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,  # noqa: S603, S607
                          text=True).stdout


def words(text: str) -> str:
    return " ".join(text.split())


def pdfinfo(path: Path) -> dict[str, str]:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed (apt-get install poppler-utils, or .ci/run)")
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def assert_tagged(path: Path, title: str) -> None:
    info = pdfinfo(path)
    assert info["Tagged"] == "yes", path.name
    assert info["Title"] == title, path.name
    catalog = PdfReader(path).trailer["/Root"]
    assert catalog["/Lang"] == "en-GB", path.name
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"], path.name  # the title, not the file name, is shown
