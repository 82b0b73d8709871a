"""A zip of policy documents is unpacked safely: base names only, caps on
files, sizes and ratio judged from what the zip says and again while reading,
and everything not taken is listed with its reason."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from imports import zips
from imports.zips import ZipRefused, unpack_zip

POLICY = b"Lone Working Policy\n\n1. Purpose\n\n1.1 Staff tell someone where they are.\n"


def make_zip(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return data.getvalue()


def test_documents_in_folders_arrive_by_their_base_names():
    unpacked = unpack_zip("library.zip", make_zip({"HR/Lone Working.txt": POLICY, "IT/Email.md": POLICY}))
    assert unpacked.documents == [("Lone Working.txt", POLICY), ("Email.md", POLICY)]
    assert unpacked.left_out == []


@pytest.mark.parametrize("name", ["../../etc/evil.txt", "/etc/evil.txt", "..\\..\\windows\\evil.txt",
                                  "C:\\evil.txt", "a/../../evil.txt"])
def test_a_path_that_climbs_out_keeps_only_its_base_name(name):
    unpacked = unpack_zip("library.zip", make_zip({name: POLICY}))
    assert unpacked.documents == [("evil.txt", POLICY)]


def test_folders_mac_litter_dot_files_and_word_lock_files_are_passed_over():
    unpacked = unpack_zip("library.zip", make_zip({
        "Policies/": b"", "__MACOSX/Policies/._Email.md": b"\x00\x05", "Policies/.DS_Store": b"x",
        "Policies/~$Email.docx": b"lock", "Policies/Email.md": POLICY,
    }))
    assert [name for name, _ in unpacked.documents] == ["Email.md"]
    assert unpacked.left_out == []


def test_a_zip_inside_the_zip_a_spreadsheet_and_a_password_protected_member_are_listed_with_reasons():
    data = bytearray(make_zip({"inner.zip": make_zip({"a.txt": POLICY}), "staff.xlsx": b"PK",
                               "secret.txt": POLICY, "Email.md": POLICY}, compression=zipfile.ZIP_STORED))
    mark_encrypted(data, "secret.txt")
    unpacked = unpack_zip("library.zip", bytes(data))
    assert [name for name, _ in unpacked.documents] == ["Email.md"]
    assert unpacked.left_out == [
        zips.LEFT_OUT_NESTED.format(name="inner.zip"),
        zips.LEFT_OUT_NOT_A_DOCUMENT.format(name="staff.xlsx"),
        zips.LEFT_OUT_ENCRYPTED.format(name="secret.txt"),
    ]


def mark_encrypted(data: bytearray, name: str) -> None:
    """Set the "encrypted" flag on a member in both its headers, as a zip
    made with a password has it."""
    encoded = name.encode()
    for signature, flag_offset, name_offset, length_offset in ((b"PK\x03\x04", 6, 30, 26),
                                                               (b"PK\x01\x02", 8, 46, 28)):
        at = data.find(signature)
        while at != -1:
            length = struct.unpack_from("<H", data, at + length_offset)[0]
            if bytes(data[at + name_offset: at + name_offset + length]) == encoded:
                flags = struct.unpack_from("<H", data, at + flag_offset)[0]
                struct.pack_into("<H", data, at + flag_offset, flags | 0x1)
            at = data.find(signature, at + 4)


def test_a_zip_bomb_member_is_left_out_by_its_compression_ratio():
    bomb = b"\x00" * (5 * 1024 * 1024)
    unpacked = unpack_zip("library.zip", make_zip({"bomb.txt": bomb, "Email.md": POLICY}))
    assert [name for name, _ in unpacked.documents] == ["Email.md"]
    assert unpacked.left_out == [zips.LEFT_OUT_RATIO.format(name="bomb.txt", ratio=zips.MAX_RATIO)]


def test_a_member_larger_than_a_document_may_be_is_left_out():
    unpacked = unpack_zip("library.zip", make_zip({"big.txt": POLICY * 100, "Email.md": POLICY}),
                          max_member_bytes=1000)
    assert [name for name, _ in unpacked.documents] == ["Email.md"]
    assert unpacked.left_out == [zips.LEFT_OUT_TOO_LARGE.format(name="big.txt", limit=0)]


def lying_about(data: bytes, name: str, *, file_size: int, compress_size: int | None = None) -> bytes:
    """The zip with `name`'s declared sizes rewritten in both headers."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_offset, name_offset, length_offset in ((b"PK\x03\x04", 18, 30, 26),
                                                               (b"PK\x01\x02", 20, 46, 28)):
        at = out.find(signature)
        while at != -1:
            length = struct.unpack_from("<H", out, at + length_offset)[0]
            if bytes(out[at + name_offset: at + name_offset + length]) == encoded:
                if compress_size is not None:
                    struct.pack_into("<I", out, at + size_offset, compress_size)
                struct.pack_into("<I", out, at + size_offset + 4, file_size)
            at = out.find(signature, at + 4)
    return bytes(out)


def test_a_member_that_unpacks_past_its_declared_size_is_stopped_and_left_out():
    # Declares 100 bytes, holds 500 KB of text: the ratio on paper is fine, the reading finds the lie.
    real = b"1.1 Staff must read this policy and ask when unsure.\n" * 10_000
    data = lying_about(make_zip({"liar.txt": real, "Email.md": POLICY}), "liar.txt", file_size=100)
    unpacked = unpack_zip("library.zip", data)
    assert [name for name, _ in unpacked.documents] == ["Email.md"]
    assert unpacked.left_out == [zips.LEFT_OUT_DAMAGED.format(name="liar.txt")]


def test_reading_stops_at_the_cap_whatever_the_zip_declared():
    archive = zipfile.ZipFile(io.BytesIO(make_zip({"Email.md": POLICY})))
    with pytest.raises(zips._Oversize):
        zips._read_capped(archive, archive.getinfo("Email.md"), limit=len(POLICY) - 1)
    assert zips._read_capped(archive, archive.getinfo("Email.md"), limit=len(POLICY)) == POLICY


def test_too_many_documents_refuse_the_zip():
    data = make_zip({f"policy {n}.txt": POLICY for n in range(6)})
    with pytest.raises(ZipRefused, match="holds more than 5 documents; upload it in parts"):
        unpack_zip("library.zip", data, max_files=5)


def test_too_much_in_total_refuses_the_zip():
    data = make_zip({f"policy {n}.txt": POLICY for n in range(3)})
    with pytest.raises(ZipRefused, match="unpacks to more than 0 MB in all"):
        unpack_zip("library.zip", data, max_total_bytes=len(POLICY) * 2)


@pytest.mark.parametrize("data", [b"not a zip at all", make_zip({"a.txt": POLICY})[:40], b""])
def test_a_corrupt_zip_is_refused_plainly(data):
    with pytest.raises(ZipRefused) as refused:
        unpack_zip("library.zip", data)
    assert str(refused.value) == zips.NOT_A_ZIP.format(name="library.zip")


def test_a_zip_with_nothing_to_read_is_refused():
    with pytest.raises(ZipRefused, match="holds no Word"):
        unpack_zip("library.zip", make_zip({"__MACOSX/._a": b"x", "Folder/": b""}))
