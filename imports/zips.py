"""Unpacking a zip of policy documents, safely.

A zip from a trust's shared drive is trusted no more than any upload. Only a
member's base name is kept (no folder, so no "../" can reach anywhere), and
nothing is written to disk: each document's bytes become an import item.
Caps are judged twice: first from the sizes the zip declares, then while
reading, because declared sizes can lie (a member that unpacks past what it
declared, or past a cap, is stopped at the cap and left out). Anything that
is not read (a zip inside the zip, a member with a password, a spreadsheet,
a damaged member) is listed with the reason, never silently dropped; only
the litter of the systems that made the zip (folders, macOS's __MACOSX,
dot-files, Word's ~$ lock files) is passed over without a word.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings

DOCUMENT_EXTENSIONS = (".docx", ".md", ".markdown", ".txt")
MAX_FILES = 300  # a large trust's whole library
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # every document unpacked together
MAX_ENTRIES = 5 * MAX_FILES  # members of any kind, litter included
# Policy documents compress a few times over; a member that unpacks past this
# ratio (and is more than a little text) is a zip bomb, or damaged.
MAX_RATIO = 100
RATIO_APPLIES_OVER_BYTES = 1024 * 1024
_CHUNK = 64 * 1024

NOT_A_ZIP = "{name} cannot be opened as a zip file; it may be damaged. Make the zip again and upload it."
TOO_MANY_FILES = "{name} holds more than {limit} documents; upload it in parts."
TOO_MANY_ENTRIES = "{name} holds more than {limit} files and folders; upload only the policy documents."
TOO_LARGE_IN_TOTAL = "{name} unpacks to more than {limit} MB in all; upload it in parts."
NO_DOCUMENTS = "{name} holds no Word (.docx), Markdown (.md) or text (.txt) documents."

LEFT_OUT_NESTED = "{name}: a zip inside the zip; unzip it and upload its documents."
LEFT_OUT_ENCRYPTED = "{name}: protected by a password; save it without one and upload it."
LEFT_OUT_NOT_A_DOCUMENT = "{name}: not a Word (.docx), Markdown (.md) or text (.txt) document."
LEFT_OUT_TOO_LARGE = "{name}: larger than {limit} MB; policy documents are far smaller."
LEFT_OUT_RATIO = "{name}: unpacks to more than {ratio} times its packed size; it may be damaged or a zip bomb."
LEFT_OUT_DAMAGED = "{name}: damaged in the zip; it could not be unpacked."


class ZipRefused(Exception):
    """The whole zip is refused; str() is the reason, for the person."""


@dataclass
class Unpacked:
    """The documents in a zip (base names, bytes) and what was left out, and why."""

    documents: list[tuple[str, bytes]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    # How many of those left out may be documents (all but the files that
    # are plainly something else): the command's exit status counts them.
    documents_left_out: int = 0

    def leave_out(self, note: str, *, document: bool = True) -> None:
        self.left_out.append(note)
        self.documents_left_out += document


def is_document(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in DOCUMENT_EXTENSIONS


def is_zip(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() == ".zip"


def is_litter(name: str) -> bool:
    """Files an operating system or Word leaves beside documents."""
    return not name or name.startswith((".", "~$")) or name.lower() in {"thumbs.db", "desktop.ini"}


def base_name(member_name: str) -> str:
    """The member's name without any folder, whichever slash the zip used,
    without control characters."""
    last = member_name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return "".join(c for c in last if c.isprintable()).strip()


def unpack_zip(name: str, data: bytes, *, max_files: int = MAX_FILES, max_total_bytes: int = MAX_TOTAL_BYTES,
               max_member_bytes: int | None = None) -> Unpacked:
    """The documents in the zip `data` (uploaded as `name`). Raises
    ZipRefused when the zip as a whole cannot be taken."""
    member_limit = max_member_bytes or settings.POLICY_UPLOAD_MAX_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            UnicodeDecodeError) as error:
        raise ZipRefused(NOT_A_ZIP.format(name=name)) from error
    if len(members) > MAX_ENTRIES:
        raise ZipRefused(TOO_MANY_ENTRIES.format(name=name, limit=MAX_ENTRIES))
    unpacked = Unpacked()
    wanted: list[tuple[str, zipfile.ZipInfo]] = []
    for member in members:
        if member.is_dir() or member.filename.replace("\\", "/").startswith("__MACOSX/"):
            continue
        short = base_name(member.filename)
        if is_litter(short):
            continue
        if member.flag_bits & 0x1:
            unpacked.leave_out(LEFT_OUT_ENCRYPTED.format(name=short))
        elif is_zip(short):
            unpacked.leave_out(LEFT_OUT_NESTED.format(name=short))
        elif not is_document(short):
            unpacked.leave_out(LEFT_OUT_NOT_A_DOCUMENT.format(name=short), document=False)
        elif member.file_size > member_limit:
            unpacked.leave_out(LEFT_OUT_TOO_LARGE.format(name=short, limit=_mb(member_limit)))
        elif _too_compressed(member.file_size, member.compress_size):
            unpacked.leave_out(LEFT_OUT_RATIO.format(name=short, ratio=MAX_RATIO))
        else:
            wanted.append((short, member))
    if len(wanted) > max_files:
        raise ZipRefused(TOO_MANY_FILES.format(name=name, limit=max_files))
    if sum(member.file_size for _, member in wanted) > max_total_bytes:
        raise ZipRefused(TOO_LARGE_IN_TOTAL.format(name=name, limit=_mb(max_total_bytes)))
    total = 0
    for short, member in wanted:
        try:
            content = _read_capped(archive, member, limit=min(member.file_size, member_limit))
        except _Oversize:
            unpacked.leave_out(LEFT_OUT_TOO_LARGE.format(name=short, limit=_mb(member_limit)))
            continue
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
            unpacked.leave_out(LEFT_OUT_DAMAGED.format(name=short))
            continue
        if _too_compressed(len(content), member.compress_size):
            unpacked.leave_out(LEFT_OUT_RATIO.format(name=short, ratio=MAX_RATIO))
            continue
        total += len(content)
        if total > max_total_bytes:  # unreachable unless the declared sizes lied
            raise ZipRefused(TOO_LARGE_IN_TOTAL.format(name=name, limit=_mb(max_total_bytes)))
        unpacked.documents.append((short, content))
    if not unpacked.documents and not unpacked.left_out:
        raise ZipRefused(NO_DOCUMENTS.format(name=name))
    return unpacked


class _Oversize(Exception):
    pass


def _read_capped(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, limit: int) -> bytes:
    """The member's bytes, refusing to unpack one byte past `limit` whatever
    the zip declared (zipfile itself stops at the declared size and checks
    the CRC; this does not rely on it)."""
    chunks, size = [], 0
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise _Oversize
            chunks.append(chunk)
    return b"".join(chunks)


def _too_compressed(size: int, packed: int) -> bool:
    return size > RATIO_APPLIES_OVER_BYTES and size > MAX_RATIO * max(packed, 1)


def _mb(limit: int) -> int:
    return limit // (1024 * 1024)
