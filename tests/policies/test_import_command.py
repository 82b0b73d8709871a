"""`manage.py import_policy`: files in, policies out, failures named."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from policies.models import Policy

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "sample-policies"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"shared sample policies not found at {SAMPLES}")

GOOD = "Lone Working Policy\n\n1. Purpose\n\n1.1 Staff tell someone where they are.\n"


def run(*args) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_policy", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_import_saves_a_policy(world, tmp_path):
    (tmp_path / "lone.txt").write_text(GOOD)
    code, out, _ = run(str(tmp_path / "lone.txt"))
    assert code == 0
    assert "imported lone.txt: Lone Working Policy: new policy, versions 1.0" in out
    assert Policy.objects.get().title == "Lone Working Policy"


def test_a_bad_file_is_named_the_others_still_import_and_the_exit_status_is_1(world, tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"not a word file")
    (tmp_path / "lone.txt").write_text(GOOD)
    code, _, err = run(str(tmp_path / "broken.docx"), str(tmp_path / "lone.txt"))
    assert code == 1
    assert "broken.docx" in err
    assert Policy.objects.filter(title="Lone Working Policy").exists()
    assert Policy.objects.count() == 1


def test_a_missing_file_is_reported(world, tmp_path):
    code, _, err = run(str(tmp_path / "nowhere.txt"))
    assert code == 1
    assert "nowhere.txt: cannot read the file" in err


def test_dry_run_saves_nothing(world, tmp_path):
    (tmp_path / "lone.txt").write_text(GOOD)
    code, out, _ = run(str(tmp_path / "lone.txt"), "--dry-run")
    assert "would import lone.txt" in out
    assert not Policy.objects.exists()


def test_importing_the_same_file_twice_changes_nothing(world, tmp_path):
    (tmp_path / "lone.txt").write_text(GOOD)
    run(str(tmp_path / "lone.txt"))
    _, out, _ = run(str(tmp_path / "lone.txt"))
    assert "Lone Working Policy: unchanged" in out


def test_organisation_option_sets_the_owner(world, tmp_path):
    (tmp_path / "lone.txt").write_text(GOOD)
    run(str(tmp_path / "lone.txt"), "--organisation", "north")
    assert Policy.objects.get().organisation == world.north


@needs_samples
def test_json_output_for_the_shared_samples(world):
    files = sorted(SAMPLES.glob("*.txt"))
    code, out, _ = run(*map(str, files), "--json", "--dry-run")
    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert [Path(o["file"]).name for o in objects] == [f.name for f in files]
    keys = {"file", "title", "versions", "review_cycle_months", "next_review", "related_policies", "legislation",
            "sections"}
    assert all(keys <= set(o) for o in objects)
    lionheart = next(o for o in objects if o["file"].startswith("lionheart"))
    assert lionheart["versions"][0]["approved_on"] == "2024-09-01"
    assert not Policy.objects.exists()


@needs_samples
def test_the_shared_samples_import_into_the_library(world):
    code, _, _ = run(*map(str, sorted(SAMPLES.glob("*.txt"))))
    assert code == 0
    titles = sorted(Policy.objects.values_list("title", flat=True))
    # Two trusts' "Electronic Communications Policy" land as one policy with a new version.
    assert titles == ["Electronic Communications Policy", "Email Policy"]


# ---- a whole folder (issue 16): documents and zips in it, sorted; each file whole or not at all


def zipped(members: dict[str, str | bytes]) -> bytes:
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return data.getvalue()


def a_folder(tmp_path) -> Path:
    folder = tmp_path / "library"
    (folder / "HR").mkdir(parents=True)
    (folder / "lone.txt").write_text(GOOD)
    (folder / "HR" / "absence.md").write_text("# Staff Absence Policy\n\n## 1. Purpose\n\n1.1 Ring in by 7.30.\n")
    (folder / "broken.docx").write_bytes(b"not a word file")
    (folder / "IT.zip").write_bytes(zipped({"IT/Email Policy.txt": "Email Policy\n\n1. Scope\n\n1.1 All staff.\n",
                                            "IT/inventory.xlsx": b"PK"}))
    (folder / "~$lone.docx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"x")
    (folder / "minutes.pdf").write_bytes(b"%PDF")
    return folder


def test_a_folder_is_imported_file_by_file_and_the_unreadable_one_is_named(world, tmp_path):
    code, out, err = run(str(a_folder(tmp_path)) + "/")
    assert code == 1
    assert sorted(Policy.objects.values_list("title", flat=True)) == [
        "Email Policy", "Lone Working Policy", "Staff Absence Policy"]
    assert out.splitlines() == [
        "imported HR/absence.md: Staff Absence Policy: new policy, versions 1.0",
        "imported IT.zip/Email Policy.txt: Email Policy: new policy, versions 1.0",
        "imported lone.txt: Lone Working Policy: new policy, versions 1.0",
    ]
    assert "broken.docx: " in err
    assert "IT.zip, left out: inventory.xlsx: not a Word" in err
    assert "minutes.pdf: left out: not a Word" in err
    assert "~$lone" not in err and ".DS_Store" not in err


def test_a_folder_of_good_documents_exits_0(world, tmp_path):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "lone.txt").write_text(GOOD)
    (folder / "notes.pdf").write_bytes(b"%PDF")  # named, but not a failure: it is not a policy document
    code, _, _ = run(str(folder))
    assert code == 0
    assert Policy.objects.get().title == "Lone Working Policy"


def test_json_prints_an_object_for_every_file_it_could_open_with_its_warnings(world, tmp_path):
    code, out, err = run(str(a_folder(tmp_path)), "--json", "--dry-run")
    assert code == 1
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["file"] for o in objects] == ["HR/absence.md", "IT.zip/Email Policy.txt", "lone.txt"]
    assert all(isinstance(o["warnings"], list) for o in objects)
    assert "broken.docx: " in err
    assert not Policy.objects.exists()


def test_a_zip_whose_member_is_a_zip_counts_as_a_failure(world, tmp_path):
    (tmp_path / "all.zip").write_bytes(zipped({"lone.txt": GOOD, "more.zip": zipped({"a.txt": GOOD})}))
    code, _, err = run(str(tmp_path / "all.zip"))
    assert code == 1
    assert "all.zip, left out: more.zip: a zip inside the zip" in err
    assert Policy.objects.get().title == "Lone Working Policy"


def test_a_damaged_zip_is_named(world, tmp_path):
    (tmp_path / "all.zip").write_bytes(b"PK\x03\x04 not really")
    code, _, err = run(str(tmp_path / "all.zip"))
    assert code == 1
    assert "all.zip: all.zip cannot be opened as a zip file" in err
