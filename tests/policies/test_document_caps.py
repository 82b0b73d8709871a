"""A document may unpack only to what a policy needs; past that it is
refused at once with a plain message (issue 13, finding 7)."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from policies.importers import DocumentError, parse_document
from policies.importers.limits import (
    MAX_CHARACTERS,
    MAX_PARAGRAPHS,
    MAX_UNPACKED_BYTES,
    TOO_MANY_CHARACTERS,
    TOO_MANY_PARAGRAPHS,
    UNPACKS_TOO_LARGE,
)
from policies.models import Policy
from tests.factories import published_policy


def word_with_body(paragraphs_xml: str) -> bytes:
    """A real .docx whose body is replaced by the given paragraphs, zipped
    as tightly as the attacker's was."""
    document = docx.Document()
    document.add_heading("Email Policy", level=0)
    plain = io.BytesIO()
    document.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                data = data.replace(b"<w:sectPr", paragraphs_xml.encode() + b"<w:sectPr", 1)
            target.writestr(name, data)
    return out.getvalue()


def test_a_small_word_file_of_175000_empty_paragraphs_is_refused_at_once(monkeypatch):
    data = word_with_body("<w:p/>" * 175_000)
    assert len(data) < 60_000
    def never(*args, **kwargs):
        raise AssertionError("python-docx was asked to read the whole document")

    monkeypatch.setattr("docx.Document", never)  # refused from the zip's count, before any parsing
    with pytest.raises(DocumentError) as refused:
        parse_document("bomb.docx", data)
    assert refused.value.reason == TOO_MANY_PARAGRAPHS.format(limit=MAX_PARAGRAPHS)


def test_owner_uploading_the_paragraph_bomb_sees_the_reason_and_nothing_is_saved(world, signed_in):
    published_policy(title="Phones Policy", owner=world.owner)
    response = signed_in(world.owner).post(reverse("imports:upload"), {
        "document": SimpleUploadedFile("bomb.docx", word_with_body("<w:p/>" * 175_000)),
        "organisation": world.trust.pk,
    })
    assert escape(TOO_MANY_PARAGRAPHS.format(limit=MAX_PARAGRAPHS)) in response.content.decode()
    assert Policy.objects.count() == 1


def test_a_word_file_that_unpacks_past_the_limit_is_refused_from_its_declared_sizes():
    padding = "<w:p><w:r><w:t>" + " " * (MAX_UNPACKED_BYTES + 1) + "</w:t></w:r></w:p>"
    with pytest.raises(DocumentError) as refused:
        parse_document("huge.docx", word_with_body(padding))
    assert refused.value.reason == UNPACKS_TOO_LARGE.format(limit=MAX_UNPACKED_BYTES // (1024 * 1024))


def test_a_word_file_with_too_much_text_is_refused():
    text = "a" * 100_000
    paragraph = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    with pytest.raises(DocumentError) as refused:
        parse_document("long.docx", word_with_body(paragraph * (MAX_CHARACTERS // len(text) + 1)))
    assert refused.value.reason == TOO_MANY_CHARACTERS.format(limit=MAX_CHARACTERS)


@pytest.mark.parametrize("name", ["bomb.txt", "bomb.md"])
def test_text_and_markdown_with_too_many_paragraphs_are_refused(name):
    data = ("Email Policy\n\n" + "1.1 Staff must read it.\n" * (MAX_PARAGRAPHS + 1)).encode()
    with pytest.raises(DocumentError) as refused:
        parse_document(name, data)
    assert refused.value.reason == TOO_MANY_PARAGRAPHS.format(limit=MAX_PARAGRAPHS)


@pytest.mark.parametrize("name", ["long.txt", "long.md"])
def test_text_and_markdown_with_too_many_characters_are_refused(name):
    data = ("Email Policy\n\n" + "Staff must read it. " * (MAX_CHARACTERS // 20 + 1)).encode()
    with pytest.raises(DocumentError) as refused:
        parse_document(name, data)
    assert refused.value.reason == TOO_MANY_CHARACTERS.format(limit=MAX_CHARACTERS)


def test_a_long_real_policy_within_the_limits_looks_each_style_up_once(monkeypatch):
    """It took over two minutes when python-docx scanned every style for every
    paragraph; the reader now asks once per style (speed itself is `make bench`'s)."""
    from docx.parts.document import DocumentPart

    asked = []
    look_up = DocumentPart.get_style

    def counted(part, style_id, style_type):
        asked.append((style_id, style_type))
        return look_up(part, style_id, style_type)

    monkeypatch.setattr(DocumentPart, "get_style", counted)
    clause = "<w:p><w:r><w:t>1.1 Staff must read this policy and sign it.</w:t></w:r></w:p>"
    parsed = parse_document("long.docx", word_with_body(clause * (MAX_PARAGRAPHS - 10)))
    assert parsed.title == "Email Policy"
    assert 0 < len(asked) == len(set(asked)) < 20
