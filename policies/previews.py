"""Carry a recognised document from the preview page to the confirm step.

The parsed result travels in the form itself, signed and compressed, so the
server keeps no half-finished imports and a forged or stale post is refused.
"""

from __future__ import annotations

import dataclasses
import datetime
import json

from django.core import signing

from policies.importers import ParsedPolicy, ParsedSection, ParsedVersion

SALT = "policies.import-preview"
MAX_AGE_SECONDS = 60 * 60
PREVIEW_INVALID = "This preview has expired or was altered. Upload the document again."


class PreviewInvalid(Exception):
    pass


def sign_preview(parsed: ParsedPolicy, *, organisation_id: int) -> str:
    data = dataclasses.asdict(parsed)
    return signing.dumps({"organisation": organisation_id, "parsed": data}, salt=SALT, compress=True,
                         serializer=_DateSerializer)


def read_preview(token: str) -> tuple[ParsedPolicy, int]:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS, serializer=_DateSerializer)
        parsed = data["parsed"]
        return (
            ParsedPolicy(
                **{
                    **parsed,
                    "versions": [ParsedVersion(**v) for v in parsed["versions"]],
                    "sections": [ParsedSection(**s) for s in parsed["sections"]],
                }
            ),
            int(data["organisation"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise PreviewInvalid(PREVIEW_INVALID) from exc


class _DateSerializer:
    """JSON with dates kept as dates."""

    def dumps(self, obj) -> bytes:
        return json.dumps(obj, default=_encode, separators=(",", ":")).encode("latin-1")

    def loads(self, data: bytes):
        return json.loads(data.decode("latin-1"), object_hook=_decode)


def _encode(value):
    if isinstance(value, datetime.date):
        return {"__date__": value.isoformat()}
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _decode(obj: dict):
    if set(obj) == {"__date__"}:
        return datetime.date.fromisoformat(obj["__date__"])
    return obj
