"""Print a fingerprint of a Policy Portal database and media folder: row
counts of every model, a hash over the sign-off evidence and the files under
MEDIA_ROOT. Two equal fingerprints mean a restore brought everything back.

    python deploy/fingerprint.py   (DATABASE_URL and MEDIA_ROOT from the environment)
"""

import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402

from acknowledgements.models import SignOff  # noqa: E402


def fingerprint() -> dict:
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    evidence = hashlib.sha256()
    for row in SignOff.objects.order_by("pk").values_list("pk", "person_id", "version_id", "content_hash",
                                                          "signed_at", "statement"):
        evidence.update(repr(row).encode())
    media = Path(settings.MEDIA_ROOT)
    files = {str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(media.rglob("*")) if p.is_file()} if media.exists() else {}
    return {"rows": counts, "sign_off_evidence": evidence.hexdigest(), "files": files}


if __name__ == "__main__":
    print(json.dumps(fingerprint(), indent=1, sort_keys=True))
