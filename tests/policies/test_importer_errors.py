"""Files the importer must refuse, each with a reason that names the file."""

import io
import random
import zipfile

import docx
import pytest

from policies.importers import DocumentError, parse_document


def _zip_without_word_parts() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return data.getvalue()


def _empty_word_document() -> bytes:
    data = io.BytesIO()
    docx.Document().save(data)
    return data.getvalue()


NOISE = random.Random(7).randbytes(4096)
# Bytes that all decode as Windows-1252 but make no text: control characters and symbols.
_DECODABLE = sorted(set(range(1, 256)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D})
CP1252_NOISE = bytes(random.Random(7).choices(_DECODABLE, k=4096))

CASES = [
    ("broken.docx", b"this is not a zip file", "not a Word (.docx) document"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Word .doc file"),
    ("fake.docx", _zip_without_word_parts(), "the Word document could not be opened"),
    ("blank.docx", _empty_word_document(), "the document has no text"),
    ("empty.txt", b"", "the file is empty"),
    ("spaces.txt", b"   \n\n\t", "the file is empty"),
    ("noise.txt", NOISE, "not a text file"),
    ("noise.md", CP1252_NOISE, "does not look like text"),
    ("symbols.txt", b"1.1 ... 2.2 ... 3.3 ...", "does not look like text"),
    ("undecodable.txt", b"Policy \x81\x8d\x8f text", "neither UTF-8 nor Windows-1252"),
    ("policy.pdf", b"%PDF-1.7", "unsupported file type .pdf; use .docx, .md or .txt"),
    ("policy.doc", b"\xd0\xcf\x11\xe0", "unsupported file type .doc; use .docx, .md or .txt"),
    ("noext", b"Email Policy", "unsupported file type (none)"),
]


@pytest.mark.parametrize(("name", "data", "reason"), CASES, ids=[case[0] for case in CASES])
def test_unreadable_files_are_refused_with_the_file_named(name, data, reason):
    with pytest.raises(DocumentError) as caught:
        parse_document(name, data)
    error = caught.value
    assert error.filename == name
    assert reason in error.reason
    assert str(error) == f"{name}: {error.reason}"


def test_unsupported_type_message_is_exact():
    with pytest.raises(DocumentError, match=r"^policy\.PDF: unsupported file type \.pdf; use \.docx, \.md or \.txt$"):
        parse_document("policy.PDF", b"%PDF-1.7")
