"""Who may open which page: a matrix of role × school × page, every cell a test.

Every named URL of the portal (the project's apps and the sign-in pages; the
Django admin guards itself) is in ``MATRIX`` with the outcome each role should
get, derived from what the product promises, not from what the code returns:

- anonymous visitors see only the public policy pages, sign-in and health;
- staff see published policies and their own sign-offs, receipts and records;
- a school's HR sees its own school's people, records and reports; trust HR
  sees every school; nobody else sees people or reports;
- governance leads draft and see every draft; a policy owner drafts and sees
  the drafts of their own policies; committee members see and decide the
  drafts sent to their committee;
- a superuser administers (people, reports, drafts to read) but does not
  draft, vote or sign: those belong to a person.

``test_every_named_url_is_in_the_matrix`` fails when a page is added without
deciding who may see it; ``test_every_view_is_login_protected_or_listed_public``
fails when a view opts out of the sign-in requirement without a reason here.

The world is the suite's shared one (``build_world`` and ``build_board`` in
tests/conftest.py) with what only the matrix needs added (a second school's
teacher, an administrator, policies, drafts, submissions, imports). It is built
once for the module, not per test as the ``world`` fixture is: about 900 cells
would otherwise build it 900 times. It lives inside a transaction that is rolled
back at the end; each test runs in its own savepoint, so a POST that changes
something is undone before the next cell.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from openpyxl import load_workbook
from sesame.utils import get_query_string, get_token

from acknowledgements.exemptions import exempt
from acknowledgements.models import Obligation
from approvals import services as approval_services
from approvals.models import CommitteeMember
from documents import rendering, tasks
from imports.reading import read_item, start_batch
from people.models import Role, StaffGroup, StaffImportJob, User
from people.sign_in import resend_code
from policies.models import Committee, PolicyVersion
from reports import tasks as report_tasks
from reports.export_jobs import build_export_file
from reports.models import ExportJob
from tests.conftest import build_board
from tests.conftest import build_world as build_shared_world
from tests.factories import (
    CommitteeFactory,
    PersonFactory,
    PolicyFactory,
    RoleFactory,
    VersionFactory,
    published_policy,
    sign_off_rule,
    view_and_sign,
)

# --------------------------------------------------------------------------- roles and outcomes

ROLES = (
    "anonymous",         # not signed in
    "outsider",          # a login with no staff record
    "staff_north",       # a teacher at North Primary
    "staff_south",       # a teacher at South Academy
    "school_hr_north",   # HR at North Primary
    "trust_hr",          # HR at the trust
    "governance",        # the trust's governance lead
    "owner",             # Head of IT, owner of the trust's IT policy (not of North's policy)
    "committee_member",  # a trustee on the Trust Board, which has the IT policy's draft before it
    "superuser",         # an administrator with no staff record
)

ALLOWED = "allowed"  # 2xx, or a redirect somewhere other than the sign-in page
LOGIN = "login"  # a redirect to the sign-in page (with ?next=)
DENIED = "denied (403)"
NOT_FOUND = "not found (404)"  # for objects outside the person's scope: their existence is not confirmed
REFUSED = "sign-in refused (401)"  # single sign-on's failure page: reached without signing in, and says no
OUTCOMES = {ALLOWED, LOGIN, DENIED, NOT_FOUND, REFUSED}

SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
WITH_STAFF_RECORD = SIGNED_IN - {"outsider", "superuser"}
HR = frozenset({"school_hr_north", "trust_hr", "superuser"})
DRAFTERS = frozenset({"owner", "governance"})  # of the trust's IT policy


def expect(allowed, *, otherwise: str = DENIED, anonymous: str = LOGIN, **special: str) -> dict[str, str]:
    """The outcome for every role: ``allowed`` roles get in, the rest get
    ``otherwise``; anonymous visitors are sent to sign in unless said."""
    outcomes = {role: ALLOWED if role in allowed else otherwise for role in ROLES}
    outcomes["anonymous"] = ALLOWED if "anonymous" in allowed else anonymous
    outcomes.update(special)
    return outcomes


# --------------------------------------------------------------------------- the matrix

IMPORT_OVER_SOMEONE_ELSES_POLICY = (
    "FINDING: any policy owner could confirm an import whose title matches another owner's policy (here North's, "
    "owned by North's head) and so publish a new approved version of it, with no committee and no drafting right."
)


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    expected: dict[str, str]
    kwargs: Callable[[SimpleNamespace], dict] = lambda w: {}
    variant: str = ""
    method: str = "GET"
    query: str = ""
    data: Callable[[SimpleNamespace], dict] = lambda w: {}
    xfail: dict[str, str] = dataclasses.field(default_factory=dict)  # role -> the finding

    @property
    def id(self) -> str:
        return "-".join(part for part in (self.name, self.variant, "POST" if self.method == "POST" else "") if part)


def both(name: str, expected: dict[str, str], **options) -> list[Case]:
    """A page that shows a form (GET) and takes it (POST): both are checked."""
    data = options.pop("data", lambda w: {})
    return [Case(name, expected, **options), Case(name, expected, method="POST", data=data, **options)]


def north_record(w):
    return {"pk": w.staff_north.pk}


def south_record(w):
    return {"pk": w.staff_south.pk}


def _draft_variant(policy, *, label: bool = False) -> dict:
    """The open draft's Annex A, made inside the cell's savepoint (a draft's
    variants may change; the published version's are locked)."""
    from policies.models import VersionVariant

    draft = policy.versions.get(status__in=PolicyVersion.OPEN_STATUSES)
    VersionVariant.objects.get_or_create(version=draft, key="annex-a", defaults={"title": "Annex A", "body": "Text"})
    return {"slug": policy.slug, "key": "annex-a", **({"label": draft.label} if label else {})}


# Pages anyone may open without signing in, and why. A view marked
# login_not_required must be here; a page here must be marked.
PUBLIC = {
    "health": "the load balancer and monitoring ask it; it says nothing private",
    "health_live": "a liveness probe and the benchmarks' floor: answers without the database or a session",
    "favicon": "browsers ask /favicon.ico before anyone signs in; it is the static icon",
    "login": "the sign-in page",
    "account_login": "allauth's name for the sign-in page (same path, served by the portal's view)",
    "account_logout": "allauth's sign-out; never reached: the portal's logout (signed in only) has the same path",
    "sign_in_link": "a sign-in link from an email: its page shows Continue, whose POST signs the visitor in once",
    "send_new_sign_in_link": "a used or expired sign-in link's page emails its login a new link",
    "request_sign_in_link": "people who never set a password ask for a sign-in link",
    "public:index": "policies published on the website, for schools' websites",
    "public:policy": "a policy published on the website",
    "documents:public_pdf": "a policy published on the website, as PDF",
    "account_inactive": "allauth: shown to a visitor whose account is inactive, before any sign-in",
    "socialaccount_login_cancelled": "single sign-on: the visitor cancelled at Microsoft or Google",
    "socialaccount_login_error": "single sign-on: the visitor's sign-in failed",
    "socialaccount_signup": "single sign-on: first sign-in of a member of staff (StaffOnlyAdapter decides)",
    "google_login": "single sign-on with Google starts here",
    "google_callback": "Google returns the visitor here",
    "google_login_by_token": "Google One Tap posts its token here",
    "microsoft_login": "single sign-on with Microsoft 365 starts here",
    "microsoft_callback": "Microsoft returns the visitor here",
    "approvals:vote_link": "a committee member's emailed voting link: the token is the credential, single use",
}

DRAFT_READERS = DRAFTERS | {"superuser"}

MATRIX: list[Case] = [
    # ---- the front door and sign-in
    Case("home", expect(SIGNED_IN)),
    Case("health", expect(EVERYONE)),
    Case("health_live", expect(EVERYONE)),
    Case("favicon", expect(EVERYONE)),
    *both("login", expect(EVERYONE), data=lambda w: {"username": "nobody@school.example", "password": "wrong"}),
    Case("logout", expect(SIGNED_IN), method="POST"),
    Case("sign_in_link", expect(EVERYONE), variant="valid-token",
         query="?{token}"),
    Case("sign_in_link", expect((), otherwise=DENIED, anonymous=DENIED), variant="bad-token", query="?token=forged"),
    # Only Continue's POST signs in (the GET above only shows the button); a forged token gets the expired page.
    Case("sign_in_link", expect(EVERYONE), variant="valid-token", method="POST",
         data=lambda w: {"token": get_token(User.objects.get(pk=w.staff_north.user_id))}),
    Case("sign_in_link", expect((), otherwise=DENIED, anonymous=DENIED), variant="bad-token", method="POST",
         data=lambda w: {"token": "forged"}),
    # Emails a new link to the login a genuine link belonged to, or (no genuine code) goes to the request form.
    Case("send_new_sign_in_link", expect(EVERYONE), variant="genuine-code", method="POST",
         data=lambda w: {"resend": resend_code(User.objects.get(pk=w.staff_north.user_id))}),
    Case("send_new_sign_in_link", expect(EVERYONE), variant="forged-code", method="POST",
         data=lambda w: {"resend": "forged"}),
    *both("request_sign_in_link", expect(EVERYONE), data=lambda w: {"email": w.staff_north.email}),
    *both("set_password", expect(SIGNED_IN)),  # one's own password only; an empty post is refused by the form
    # allauth's pages (it serves only single sign-on here)
    Case("account_login", expect(EVERYONE)),
    Case("account_logout", expect(SIGNED_IN), method="POST"),
    Case("account_inactive", expect(EVERYONE)),
    Case("socialaccount_login_cancelled", expect(EVERYONE)),
    # A failed single sign-on shows allauth's error page with 401; without a provider's state the callbacks
    # and Google's token endpoint fail that way too. They are reachable without signing in: that is the point.
    Case("socialaccount_login_error", expect((), otherwise=REFUSED, anonymous=REFUSED)),
    Case("socialaccount_signup", expect(EVERYONE)),
    Case("socialaccount_connections", expect(SIGNED_IN)),
    *both("google_login", expect(EVERYONE)),
    Case("google_callback", expect((), otherwise=REFUSED, anonymous=REFUSED)),
    Case("google_login_by_token", expect((), otherwise=REFUSED, anonymous=REFUSED), method="POST"),
    *both("microsoft_login", expect(EVERYONE)),
    Case("microsoft_callback", expect((), otherwise=REFUSED, anonymous=REFUSED)),
    # ---- the policy library: published policies for everyone signed in; unpublished for drafters
    Case("policies:library", expect(SIGNED_IN)),
    *both("imports:upload", expect(DRAFTERS | {"superuser"})),
    # One document's correction form, and importing it: only whoever uploaded it (and an administrator).
    *both("imports:item", expect({"governance", "superuser"}), kwargs=lambda w: {"item_id": w.import_item.pk},
          data=lambda w: {"action": "check"}),
    Case("imports:item", expect({"owner", "superuser"}), variant="owners-own-upload",
         kwargs=lambda w: {"item_id": w.owners_import_item.pk}),
    # A batch of uploaded documents: only the governance lead who uploaded it (and an administrator).
    Case("imports:batch", expect({"governance", "superuser"}), kwargs=lambda w: {"batch_id": w.import_batch.pk}),
    Case("imports:progress", expect({"governance", "superuser"}), kwargs=lambda w: {"batch_id": w.import_batch.pk}),
    Case("imports:import_ready", expect({"governance", "superuser"}), method="POST",
         kwargs=lambda w: {"batch_id": w.import_batch.pk}),
    Case("policies:detail", expect(SIGNED_IN), variant="trust-published", kwargs=lambda w: {"slug": w.it.slug}),
    Case("policies:detail", expect(SIGNED_IN), variant="north-published", kwargs=lambda w: {"slug": w.north.slug}),
    Case("policies:detail", expect(DRAFT_READERS, otherwise=NOT_FOUND), variant="trust-unpublished",
         kwargs=lambda w: {"slug": w.new.slug}),
    Case("policies:version", expect(SIGNED_IN), variant="trust-published",
         kwargs=lambda w: {"slug": w.it.slug, "label": "1.0"}),
    Case("policies:version", expect(DRAFT_READERS | {"committee_member"}, otherwise=NOT_FOUND),
         variant="trust-draft-in-committee", kwargs=lambda w: {"slug": w.it.slug, "label": "1.1"}),
    Case("policies:version", expect({"governance", "superuser"}, otherwise=NOT_FOUND), variant="north-draft",
         kwargs=lambda w: {"slug": w.north.slug, "label": "1.1"}),
    Case("public:index", expect(EVERYONE)),
    Case("public:policy", expect(EVERYONE), variant="north-public", kwargs=lambda w: {"slug": w.north.slug}),
    Case("public:policy", expect((), otherwise=NOT_FOUND, anonymous=NOT_FOUND), variant="trust-not-public",
         kwargs=lambda w: {"slug": w.it.slug}),
    # ---- drafting and approvals
    Case("approvals:inbox", expect(SIGNED_IN)),  # everyone's own inbox; empty unless on a committee
    Case("approvals:submission", expect(DRAFTERS | {"committee_member"}), kwargs=lambda w: {"pk": w.submission.pk}),
    Case("approvals:submission", expect({"committee_member"}), kwargs=lambda w: {"pk": w.submission.pk},
         method="POST"),  # only members decide; the owner and governance may only read
    # The governance lead clerks IGG and sent her own draft there: she may read it, but nobody in the
    # matrix may decide it (she is its author and submitter; the others are not on IGG).
    Case("approvals:submission", expect({"governance"}), variant="own-draft",
         kwargs=lambda w: {"pk": w.own_submission.pk}),
    Case("approvals:submission", expect(()), variant="own-draft", method="POST",
         kwargs=lambda w: {"pk": w.own_submission.pk},
         data=lambda w: {"decision": "approve", "meeting_date": datetime.date.today().isoformat(),
                         "minute_reference": "IGG/1", "comment": ""}),
    *both("approvals:draft", expect(DRAFTERS), variant="trust", kwargs=lambda w: {"slug": w.it.slug}),
    *both("approvals:draft", expect({"governance"}), variant="north", kwargs=lambda w: {"slug": w.north.slug}),
    # A draft's check of understanding: written by whoever drafts the policy (read only once sent).
    *both("policies:quiz", expect(DRAFTERS), variant="trust", kwargs=lambda w: {"slug": w.it.slug}),
    *both("policies:quiz", expect({"governance"}), variant="north", kwargs=lambda w: {"slug": w.north.slug}),
    Case("approvals:start_draft", expect(DRAFTERS), variant="trust", method="POST",
         kwargs=lambda w: {"slug": w.it.slug}),
    Case("approvals:start_draft", expect({"governance"}), variant="north", method="POST",
         kwargs=lambda w: {"slug": w.north.slug}),
    Case("approvals:preview", expect(DRAFTERS), method="POST", kwargs=lambda w: {"slug": w.it.slug},
         data=lambda w: {"body": "## 1. Preview"}),
    Case("approvals:submit_draft", expect(DRAFTERS), variant="trust-unpublished", method="POST",
         kwargs=lambda w: {"slug": w.new.slug}),
    Case("approvals:submit_draft", expect({"governance"}), variant="north", method="POST",
         kwargs=lambda w: {"slug": w.north.slug}),
    Case("approvals:compare", expect(DRAFT_READERS | {"committee_member"}, otherwise=NOT_FOUND),
         variant="trust-draft-in-committee", kwargs=lambda w: {"slug": w.it.slug}, query="?from=1.0&to=1.1"),
    Case("approvals:compare", expect({"governance", "superuser"}, otherwise=NOT_FOUND), variant="north-draft",
         kwargs=lambda w: {"slug": w.north.slug}, query="?from=1.0&to=1.1"),
    # ---- my policies, signing and receipts: a person's own
    Case("acknowledgements:mine", expect(WITH_STAFF_RECORD)),
    Case("acknowledgements:my_sign_offs", expect(WITH_STAFF_RECORD)),
    # Signing is offered only for what the person owes or what is published to their group: the IT
    # policy's rule covers teaching, support and leadership staff, not the trustee on the board.
    *both("acknowledgements:sign", expect(WITH_STAFF_RECORD - {"committee_member"}),
          kwargs=lambda w: {"slug": w.it.slug}),
    # North's behaviour policy has no sign-off rule and no staff audience: nobody owes it, so nobody may
    # make a permanent sign-off of it, even staff at North (a forged POST included).
    *both("acknowledgements:sign", expect(()), variant="owed-by-nobody", kwargs=lambda w: {"slug": w.north.slug},
          data=lambda w: {"version": w.north.current_version_id, "confirm": "on"}),
    # Answering a version's check of understanding: whoever may sign it, nobody else.
    *both("acknowledgements:check", expect(WITH_STAFF_RECORD - {"committee_member"}),
          kwargs=lambda w: {"slug": w.it.slug}),
    *both("acknowledgements:check", expect(()), variant="owed-by-nobody", kwargs=lambda w: {"slug": w.north.slug},
          data=lambda w: {"q1": "0"}),
    *[Case(name, expect({"staff_north", "school_hr_north", "trust_hr", "superuser"}, otherwise=NOT_FOUND),
           variant="north-record", kwargs=lambda w: {"pk": w.north_sign_off.pk})
      for name in ("acknowledgements:receipt", "acknowledgements:receipt_download")],
    *[Case(name, expect({"staff_south", "trust_hr", "superuser"}, otherwise=NOT_FOUND),
           variant="south-record", kwargs=lambda w: {"pk": w.south_sign_off.pk})
      for name in ("acknowledgements:receipt", "acknowledgements:receipt_download")],
    # ---- HR reports and their exports: HR only, each for its own schools (see test_report_scope)
    Case("reports:dashboard", expect(HR)),
    Case("reports:outstanding", expect(HR)),
    Case("reports:understanding", expect(HR)),
    Case("reports:export", expect(HR), variant="csv", kwargs=lambda w: {"fmt": "csv"}),
    Case("reports:export", expect(HR), variant="xlsx", kwargs=lambda w: {"fmt": "xlsx"}),
    # An export the worker prepared: only the HR user who asked for it (others are told it does not exist).
    *[Case(name, expect({"trust_hr"}, school_hr_north=NOT_FOUND, superuser=NOT_FOUND),
           kwargs=lambda w: {"pk": w.trust_hr_export.pk})
      for name in ("reports:export_job", "reports:export_progress", "reports:export_download")],
    # ---- staff records: HR of the person's school, trust HR and administrators
    Case("people:list", expect(HR)),
    *both("people:import", expect(HR)),
    # A queued staff import's progress: only the HR user who started it (others are told it does not exist).
    Case("people:import_job", expect({"trust_hr"}, school_hr_north=NOT_FOUND, superuser=NOT_FOUND),
         kwargs=lambda w: {"pk": w.trust_hr_import_job.pk}),
    Case("people:detail", expect(HR), variant="north-record", kwargs=north_record),
    Case("people:detail", expect({"trust_hr", "superuser"}), variant="south-record", kwargs=south_record),
    *both("acknowledgements:record_paper", expect(HR), variant="north-record", kwargs=north_record),
    # Exempting someone from a sign-off, and owing it again: HR of the person's school (a forged POST included).
    *both("acknowledgements:exempt", expect(HR), variant="north-record",
          kwargs=lambda w: {"pk": w.north_obligation.pk}, data=lambda w: {"reason": "On long-term sick leave"}),
    *both("acknowledgements:exempt", expect({"trust_hr", "superuser"}), variant="south-record",
          kwargs=lambda w: {"pk": w.south_obligation.pk}, data=lambda w: {"reason": "On long-term sick leave"}),
    *both("acknowledgements:owe_again", expect(HR), variant="north-record",
          kwargs=lambda w: {"pk": w.north_exemption.pk}),
    *both("acknowledgements:record_paper", expect({"trust_hr", "superuser"}), variant="south-record",
          kwargs=south_record),
    Case("people:send_link", expect(HR), variant="north-record", method="POST", kwargs=north_record),
    Case("people:send_link", expect({"trust_hr", "superuser"}), variant="south-record", method="POST",
         kwargs=south_record),
    # ---- PDFs
    Case("documents:version_pdf", expect(SIGNED_IN), variant="trust-published",
         kwargs=lambda w: {"slug": w.it.slug, "label": "1.0"}),
    Case("documents:version_pdf", expect(DRAFT_READERS | {"committee_member"}, otherwise=NOT_FOUND),
         variant="trust-draft-in-committee", kwargs=lambda w: {"slug": w.it.slug, "label": "1.1"}),
    Case("documents:version_pdf", expect({"governance", "superuser"}, otherwise=NOT_FOUND), variant="north-draft",
         kwargs=lambda w: {"slug": w.north.slug, "label": "1.1"}),
    Case("documents:public_pdf", expect(EVERYONE), variant="north-public", kwargs=lambda w: {"slug": w.north.slug}),
    Case("documents:public_pdf", expect((), otherwise=NOT_FOUND, anonymous=NOT_FOUND), variant="trust-not-public",
         kwargs=lambda w: {"slug": w.it.slug}),
    Case("documents:my_pack", expect(WITH_STAFF_RECORD)),
    Case("documents:my_record", expect(WITH_STAFF_RECORD)),
    Case("documents:person_record", expect(HR | {"staff_north"}), variant="north-record", kwargs=north_record),
    Case("documents:person_record", expect({"trust_hr", "superuser", "staff_south"}), variant="south-record",
         kwargs=south_record),
    # ---- subject access exports (JSON): my own, and HR's for the people of their schools
    Case("privacy:my_export", expect(WITH_STAFF_RECORD, otherwise=NOT_FOUND)),  # no staff record: no data
    Case("privacy:person_export", expect(HR), variant="north-record", kwargs=north_record),
    Case("privacy:person_export", expect({"trust_hr", "superuser"}), variant="south-record", kwargs=south_record),
    # ---- voting links (issue 20): the sender of the draft, a governance lead or the committee's clerk
    # emails them; a link's page needs no sign-in, and an unknown token shows only "not valid".
    Case("approvals:send_vote_links", expect({"owner", "governance"}), method="POST",
         kwargs=lambda w: {"pk": w.submission.pk}),
    # IGG's clerk (the governance lead) may ask, and is told IGG decides in meetings: no links.
    Case("approvals:send_vote_links", expect({"governance"}), variant="clerk-committee", method="POST",
         kwargs=lambda w: {"pk": w.own_submission.pk}),
    *both("approvals:vote_link", expect(EVERYONE), variant="unknown-token",
          kwargs=lambda w: {"token": "not-a-token-the-portal-ever-sent"},
          data=lambda w: {"decision": "approve", "comment": ""}),
    # ---- the statutory checklist (issue 20): governance leads, trustees (the board member is a trustee)
    # and trust HR; a school's HR does not. Tagging a policy: its owner and its governance leads.
    Case("statutory:checklist", expect({"trust_hr", "governance", "committee_member", "superuser"})),
    Case("statutory:checklist_csv", expect({"trust_hr", "governance", "committee_member", "superuser"})),
    *both("statutory:tag_policy", expect(DRAFTERS | {"superuser"}), variant="trust-policy",
          kwargs=lambda w: {"slug": w.it.slug}, data=lambda w: {"items": []}),
    *both("statutory:tag_policy", expect({"governance", "superuser"}), variant="north-policy",
          kwargs=lambda w: {"slug": w.north.slug}, data=lambda w: {"items": []}),
    # ---- variants for audiences (issue 20): whoever drafts the policy writes its open draft's variants; the
    # trust's IT draft is before the Trust Board (read only: its pages say so), North's is still a draft.
    *both("policies:variants", expect(DRAFTERS), variant="trust", kwargs=lambda w: {"slug": w.it.slug},
          data=lambda w: {"key": "annex-b", "title": "Annex B", "body": "Text"}),
    *both("policies:variants", expect({"governance"}), variant="north", kwargs=lambda w: {"slug": w.north.slug},
          data=lambda w: {"key": "annex-b", "title": "Annex B", "body": "Text"}),
    *both("policies:variant_edit", expect(DRAFTERS), variant="trust", data=lambda w: {"title": "A", "body": "A"},
          kwargs=lambda w: _draft_variant(w.it)),
    *both("policies:variant_edit", expect({"governance"}), variant="north", data=lambda w: {"title": "A", "body": "A"},
          kwargs=lambda w: _draft_variant(w.north)),
    Case("policies:variant_remove", expect(DRAFTERS), variant="trust", method="POST",
         kwargs=lambda w: _draft_variant(w.it)),
    Case("policies:variant_remove", expect({"governance"}), variant="north", method="POST",
         kwargs=lambda w: _draft_variant(w.north)),
    # A variant's PDF is read by whoever may read its version (as documents:version_pdf).
    Case("documents:variant_pdf", expect(DRAFT_READERS | {"committee_member"}, otherwise=NOT_FOUND),
         variant="trust-draft-in-committee", kwargs=lambda w: _draft_variant(w.it, label=True)),
    Case("documents:variant_pdf", expect({"governance", "superuser"}, otherwise=NOT_FOUND), variant="north-draft",
         kwargs=lambda w: _draft_variant(w.north, label=True)),
    # ---- schools' adoptions (issue 20): a school's governance lead (here the trust's, who leads every school)
    # prepares them; another school's or nobody's gets 404 for an adoption, 403 for the list. The school's
    # copy in force is read by its staff too (it is what they sign).
    Case("adoptions:index", expect({"governance"})),
    Case("adoptions:start", expect({"governance"}), method="POST",
         data=lambda w: {"school": w.north_school.pk, "policy": w.it.pk}),
    Case("adoptions:detail", expect({"governance"}, otherwise=NOT_FOUND), variant="north-being-prepared",
         kwargs=lambda w: _north_adoption(w)),
    Case("adoptions:detail", expect({"governance", "staff_north", "school_hr_north"}, otherwise=NOT_FOUND),
         variant="north-in-force", kwargs=lambda w: _north_adoption(w, in_force=True)),
    *both("adoptions:prepare", expect({"governance"}, otherwise=NOT_FOUND), kwargs=lambda w: _north_adoption(w),
          data=lambda w: {"action": "add_contact", "role": "Designated Safeguarding Lead", "name": "Priya Patel"}),
    Case("adoptions:send", expect({"governance"}, otherwise=NOT_FOUND), method="POST",
         kwargs=lambda w: _north_adoption(w)),
    Case("adoptions:redline", expect({"governance"}, otherwise=NOT_FOUND), kwargs=lambda w: _north_adoption(w)),
    Case("documents:adoption_pdf", expect({"governance", "staff_north", "school_hr_north"}, otherwise=NOT_FOUND),
         variant="north-in-force", kwargs=lambda w: _north_adoption(w, in_force=True)),
]

def _north_adoption(w, *, in_force: bool = False) -> dict:
    """North Primary's adoption of the IT policy, made inside the cell's
    savepoint: being prepared, or adopted (in force)."""
    from adoptions.models import Adoption

    status = Adoption.Status.ADOPTED if in_force else Adoption.Status.DRAFT
    adoption, _ = Adoption.objects.get_or_create(
        school=w.north_school, policy=w.it, status=status,
        defaults={"version": w.it.current_version, "adopted_on": datetime.date(2026, 10, 12) if in_force else None})
    return {"pk": adoption.pk}


# --------------------------------------------------------------------------- the URL resolver


def named_patterns() -> dict[str, URLPattern]:
    """Every named URL the portal serves, by its full name, except the Django
    admin's (the admin checks is_staff itself)."""
    found: dict[str, URLPattern] = {}

    def walk(resolver: URLResolver, namespace: str = "") -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if inner.startswith("admin:"):
                    continue
                walk(pattern, inner)
            elif pattern.name:
                found.setdefault(f"{namespace}{pattern.name}", pattern)

    walk(get_resolver())
    return found


def all_patterns() -> list[tuple[str, URLPattern]]:
    """Every pattern, named or not, with its route, except the admin's."""
    found: list[tuple[str, URLPattern]] = []

    def walk(resolver: URLResolver, prefix: str = "") -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern, route)
            else:
                found.append((route, pattern))

    walk(get_resolver())
    return found


PROJECT_APPS = ("portal", "people", "policies", "acknowledgements", "approvals", "documents", "reminders",
                "adoptions", "statutory")


def test_every_named_url_is_in_the_matrix():
    missing = sorted(set(named_patterns()) - {case.name for case in MATRIX})
    assert not missing, f"Pages nobody has decided about; add them to MATRIX: {missing}"


def test_the_matrix_names_only_urls_that_exist():
    stale = sorted({case.name for case in MATRIX} - set(named_patterns()))
    assert not stale, f"MATRIX names URLs the portal no longer has: {stale}"


def test_every_case_gives_every_role_an_outcome():
    for case in MATRIX:
        assert set(case.expected) == set(ROLES), case.id
        assert set(case.expected.values()) <= OUTCOMES, case.id
        assert set(case.xfail) <= set(ROLES), case.id
    ids = [case.id for case in MATRIX]
    assert len(ids) == len(set(ids)), "two cases share an id"


def test_sign_in_is_required_by_default():
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE


def test_every_view_is_login_protected_or_listed_public():
    """LoginRequiredMiddleware protects every view not marked login_not_required;
    each marked one must be listed in PUBLIC with its reason, and a public page
    in the matrix must be one of them."""
    names = {id(pattern): name for name, pattern in named_patterns().items()}
    # A pattern the portal overrides (allauth's error page) is shadowed by the override, same view.
    names_by_view = {pattern.callback: name for name, pattern in named_patterns().items()}
    opted_out = []
    for route, pattern in all_patterns():
        if getattr(pattern.callback, "login_required", True) is False:
            name = names.get(id(pattern)) or names_by_view.get(pattern.callback)
            if name not in PUBLIC:
                opted_out.append(f"{name or 'unnamed'} ({route}, {pattern.callback.__module__})")
    assert not opted_out, f"Views open without sign-in and not listed in PUBLIC with a reason: {opted_out}"

    unprotected_project_views = [
        f"{name} ({pattern.callback.__module__})" for name, pattern in named_patterns().items()
        if pattern.callback.__module__.split(".")[0] in PROJECT_APPS
        and getattr(pattern.callback, "login_required", True) is False and name not in PUBLIC
    ]
    assert not unprotected_project_views

    open_in_matrix = {case.name for case in MATRIX if case.expected["anonymous"] != LOGIN}
    assert open_in_matrix - {"sign_in_link"} <= set(PUBLIC), open_in_matrix - set(PUBLIC)
    for name in PUBLIC:
        assert PUBLIC[name].strip(), name
        pattern = named_patterns().get(name)
        if pattern is not None:
            assert getattr(pattern.callback, "login_required", True) is False, (
                f"{name} is listed as public but asks for a sign-in")


# --------------------------------------------------------------------------- the small world

MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MATRIX_EXPORT = "exports/matrix.csv"


def build_world() -> SimpleNamespace:
    """The shared world (tests/conftest.py) and its Trust Board, named by role
    as the matrix's rows use them (``north`` here is North's policy, so the
    school is ``north_school``), plus what only the matrix needs."""
    shared = build_shared_world()
    board = build_board(shared)
    w = SimpleNamespace(
        trust=shared.trust, north_school=shared.north, south_school=shared.south,
        staff_north=shared.staff, school_hr_north=shared.school_hr, trust_hr=shared.trust_hr,
        governance=shared.governance, owner=shared.owner, outsider=shared.outsider,
        board=board, committee_member=board.trustees[0],
    )
    w.staff_south = PersonFactory(first_name="Sally", last_name="South", email="staff.south@school.example",
                                  schools=[w.south_school])
    w.superuser = User.objects.create_superuser("root@school.example", "x")
    # Someone in each school still owing the IT policy, for the reports.
    w.north_owing = PersonFactory(first_name="Nora", last_name="Northowes", email="nora@school.example",
                                  schools=[w.north_school])
    w.south_owing = PersonFactory(first_name="Seth", last_name="Southowes", email="seth@school.example",
                                  schools=[w.south_school])
    north_head = PersonFactory(first_name="Nina", last_name="Head", email="head.north@school.example",
                               job_title="Headteacher", staff_group=StaffGroup.LEADERSHIP, schools=[w.north_school])

    # The trust's IT policy: published 1.0 that everyone must sign, and 1.1 before the Trust Board.
    w.it = published_policy(title="IT Policy", slug="it-policy", organisation=w.trust, owner=w.owner)
    sign_off_rule(w.it)
    w.north_sign_off, _ = view_and_sign(person=w.staff_north, version=w.it.current_version)
    w.south_sign_off, _ = view_and_sign(person=w.staff_south, version=w.it.current_version)
    # What Nora and Seth owe of it (HR may exempt them), and North's head exempted (HR may owe it again).
    w.north_obligation = Obligation.objects.get(person=w.north_owing, policy=w.it)
    w.south_obligation = Obligation.objects.get(person=w.south_owing, policy=w.it)
    w.north_exemption = exempt(obligation=Obligation.objects.get(person=north_head, policy=w.it),
                               reason="Seconded to the local authority", by=w.trust_hr.user)
    draft = approval_services.start_draft(w.it, by=w.owner)
    approval_services.save_draft(draft, body=draft.body + "\n1.2 Lock your screen.", reason="Annual review",
                                 is_major=False, review_cycle_months=24, audiences=[])
    w.submission = approval_services.submit_draft(draft, committee=w.board, by=w.owner.user)

    # North's own policy, published on the website, with a draft its head is still writing.
    w.north = published_policy(title="North Behaviour Policy", slug="north-behaviour", organisation=w.north_school,
                               owner=north_head, is_public=True)
    approval_services.start_draft(w.north, by=north_head)

    # The Data Protection policy's draft, written by the governance lead and sent to IGG, which she clerks.
    igg = CommitteeFactory(name="Information Governance Group", short_name="IGG", organisation=w.trust,
                           decision_mode=Committee.DecisionMode.CLERK)
    CommitteeMember.objects.create(committee=igg, person=w.governance, role=CommitteeMember.Role.CLERK)
    dp = published_policy(title="Data Protection Policy", slug="data-protection", organisation=w.trust,
                          owner=w.governance)
    dp_draft = approval_services.start_draft(dp, by=w.governance)
    approval_services.save_draft(dp_draft, body=dp_draft.body + "\n1.2 Report breaches.", reason="Annual review",
                                 is_major=False, review_cycle_months=24, audiences=[])
    w.own_submission = approval_services.submit_draft(dp_draft, committee=igg, by=w.governance.user)

    # A trust policy never yet published: a draft only.
    w.new = PolicyFactory(title="AI Policy", slug="ai-policy", organisation=w.trust, owner=w.owner)
    VersionFactory(policy=w.new, label="0.1", status=PolicyVersion.Status.DRAFT, reason="New policy",
                   approved_on=None, effective_on=None, next_review_on=datetime.date(2027, 9, 1))

    # An export trust HR asked for, prepared by the worker (its file is written per test: see `portal`).
    w.trust_hr_export = ExportJob.objects.create(
        requested_by=w.trust_hr.user, fmt=ExportJob.Format.CSV, status=ExportJob.Status.READY, file=MATRIX_EXPORT,
        school_ids=[w.trust.pk, w.north_school.pk, w.south_school.pk], rows_total=0)

    # A staff import trust HR queued for the worker.
    w.trust_hr_import_job = StaffImportJob.objects.create(importer=w.trust_hr.user, data=b"")

    # A batch of policy documents the governance lead uploaded, one still waiting for the worker.
    w.import_batch = start_batch(files=[("email.txt", b"Email Policy\n\n1.1 Staff lock screens.\n")],
                                 organisation=w.trust, by=w.governance.user)

    # Documents read and waiting to be checked: one the governance lead uploaded, one the IT policy's owner did.
    w.import_item = read_import("IT Policy", w.trust, w.governance)
    w.owners_import_item = read_import("IT Policy", w.trust, w.owner)

    # Hana's predecessor as North's HR, who has left: her login still exists.
    w.leaver_hr = PersonFactory(first_name="Lena", last_name="Left", email="lena@school.example",
                                staff_group=StaffGroup.SUPPORT, schools=[w.north_school],
                                leave_date=datetime.date(2024, 8, 31))
    RoleFactory(person=w.leaver_hr, role=Role.HR, organisation=w.north_school)

    w.users = {
        "anonymous": None, "outsider": w.outsider, "superuser": w.superuser,
        **{role: getattr(w, role).user for role in ROLES if role not in {"anonymous", "outsider", "superuser"}},
    }
    return w


def read_import(title: str, organisation, by):
    text = f"{title}\n\nVersion\t9.0\n\n1. Introduction\n\n1.1 Replaced by an import.\n"
    batch = start_batch(files=[(f"{title}.txt", text.encode())], organisation=organisation, by=by.user)
    return read_item(batch.items.get().pk)


@pytest.fixture(scope="module")
def small_world(django_db_setup, django_db_blocker):
    """Built once; rolled back when the module is done."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=MD5), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def portal(small_world, db, settings, monkeypatch):
    """The world, with what the pages need from outside: single sign-on
    configured, a broker that answers, and PDFs that are quick to draw."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "test-google", "secret": "test"}]},
        "microsoft": {"APPS": [{"client_id": "test-microsoft", "secret": "test"}]},
    }
    settings.CELERY_BROKER_URL = "memory://"
    monkeypatch.setattr(tasks.build_pack, "delay", lambda person_id: None)
    monkeypatch.setattr(report_tasks.build_export, "delay", lambda job_id: None)
    export = Path(settings.MEDIA_ROOT) / MATRIX_EXPORT
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_text("person\r\n")
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: b"%PDF-1.4\n% drawn for the permission matrix\n")
    return small_world


# --------------------------------------------------------------------------- one test per (page, role)


def outcome_of(response, url: str) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"])
        if location.path == reverse("login") and "next=" in location.query:
            return LOGIN
        return ALLOWED
    if 200 <= status < 300:
        return ALLOWED
    if status == 403:
        return DENIED
    if status == 404:
        return NOT_FOUND
    if status == 401:
        return REFUSED
    return f"unexpected status {status}"


def url_for(case: Case, w: SimpleNamespace) -> str:
    url = reverse(case.name, kwargs=case.kwargs(w))
    query = case.query
    if "{token}" in query:
        fresh = User.objects.get(pk=w.staff_north.user_id)  # force_login elsewhere touched the cached last_login
        query = query.format(token=get_query_string(fresh).lstrip("?"))
    return url + query


def cells():
    present = set(named_patterns())  # a case for a URL that has gone fails test_the_matrix_names_only_urls_that_exist
    for case in MATRIX:
        if case.name not in present:
            continue
        for role in ROLES:
            marks = ()
            if role in case.xfail:
                marks = (pytest.mark.xfail(strict=True, reason=case.xfail[role]),)
            yield pytest.param(case, role, id=f"{case.id}-{role}", marks=marks)


@pytest.mark.parametrize(("case", "role"), list(cells()))
def test_access(portal, client, case: Case, role: str):
    user = portal.users[role]
    if user is not None:
        client.force_login(user)
    url = url_for(case, portal)
    if case.method == "POST":
        response = client.post(url, case.data(portal))
    else:
        response = client.get(url)
    actual = outcome_of(response, url)
    where = f" -> {response['Location']}" if response.has_header("Location") else ""
    assert actual == case.expected[role], (
        f"{case.method} {url} as {role}: expected {case.expected[role]}, got {actual} ({response.status_code}{where})")


# --------------------------------------------------------------------------- the school dimension inside pages


@pytest.mark.parametrize("name", ["reports:outstanding", "reports:export-csv", "reports:export-xlsx", "people:list"])
def test_north_hr_never_sees_south_even_when_asking(portal, client, name):
    """A school's HR asking for another school's rows gets none of them; trust
    HR gets both schools'."""
    url_name, _, fmt = name.partition("-")
    url = reverse(url_name, kwargs={"fmt": fmt} if fmt else {})

    def ask(params: dict | None = None):
        if fmt == "xlsx":  # prepared by the worker: asked for by POST (a GET only offers the button)
            return client.post(url + ("?" + urlencode(params) if params else ""))
        return client.get(url, params or {})

    def body(response) -> str:
        if response.status_code == 302:  # an XLSX is prepared by the worker: build it, then download it
            job_id = resolve(response["Location"]).kwargs["pk"]
            build_export_file(job_id)
            response = client.get(reverse("reports:export_download", args=[job_id]))
        if response.streaming:
            data = b"".join(response.streaming_content)
        else:
            data = response.content
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(data)).active
            return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
        return data.decode()

    client.force_login(portal.school_hr_north.user)
    north_only = body(ask({"school": portal.south_school.slug}))
    north_only += body(ask())
    assert "Northowes" in north_only
    assert "Southowes" not in north_only and "South Academy" not in north_only

    client.force_login(portal.trust_hr.user)
    everyone = body(ask())
    assert "Northowes" in everyone and "Southowes" in everyone


# --------------------------------------------------------------------------- leavers



HR_PAGES = [
    ("people:list", None), ("people:detail", north_record), ("reports:dashboard", None),
    ("reports:export", lambda w: {"fmt": "csv"}), ("documents:person_record", north_record),
    ("privacy:person_export", north_record),
]


@pytest.mark.parametrize("name,kwargs", [
    pytest.param(name, kwargs, id=name) for name, kwargs in HR_PAGES if name in named_patterns()
])
def test_hr_who_has_left_sees_no_staff_records(portal, client, name, kwargs):
    client.force_login(portal.leaver_hr.user)
    url = reverse(name, kwargs=kwargs(portal) if kwargs else {})
    response = client.get(url)
    assert outcome_of(response, url) in {DENIED, LOGIN}, f"{url}: {response.status_code}"
