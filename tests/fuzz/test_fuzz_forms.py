"""Fuzzing the main form posts as a signed-in, authorised user: forged and
garbled fields never cause a 500, and an invalid post writes no evidence."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import event, given
from hypothesis import strategies as st

from acknowledgements.forms import PaperSignOffForm, SignForm
from acknowledgements.selectors import paper_versions_for
from acknowledgements.services import published_on
from approvals import services as approval_services
from approvals.forms import DraftForm, MeetingDecisionForm, SubmitForm, VoteForm
from approvals.models import Submission, Vote
from policies.models import PolicyVersion
from tests.factories import published_policy, sign_off_rule, view
from tests.fuzz.conftest import rolled_back, row_counts

OK_STATUSES = {200, 302, 400, 403, 404}
AWKWARD = "שלום مرحبا \u202e📄👩🏽‍🏫\u00ad\ufeff\x00\x07\x1b\r\n<script>'\";--"
awkward_text = st.text(alphabet=st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(AWKWARD)),
                       max_size=50)


def values(*specific):
    """A field's value: something plausible, something forged, or garbage."""
    return st.one_of(*specific, st.one_of(
        awkward_text,
        st.integers(-(2**63), 2**63).map(str),
        st.sampled_from(["", " ", "0", "-1", "1e9", "null", "true", "on", "off", "NaN", "[]", "{}", "\x00"]),
        st.integers(1, 200_000).map("A".__mul__),  # huge
        st.dates().map(str),
        st.lists(awkward_text, min_size=2, max_size=3),  # the field given several times
    ))


def form_data(post: dict) -> MultiValueDict:
    """The post as a view's form sees it (a field given twice is a list)."""
    return MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in post.items()})


def posts(fields: dict) -> st.SearchStrategy[dict]:
    """A post with each field present (with any value) or missing."""
    return st.fixed_dictionaries({}, optional=fields)


@pytest.fixture
def policies(world):
    email = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust,
                             body="## 1. Introduction\n\n1.1 Staff must lock screens.\n")
    other = published_policy(title="Phone Policy", owner=world.governance, organisation=world.trust)
    for policy in (email, other):
        sign_off_rule(policy)
    return email, other


def ids(world, policies, *extra) -> st.SearchStrategy[str]:
    """Ids of real objects, including ones the form should not accept."""
    email, other = policies
    pks = [email.current_version_id, other.current_version_id, world.staff.pk, world.trust.pk, *extra]
    return st.sampled_from([str(pk) for pk in pks])


@given(data=st.data())
def test_sign_off_form(world, policies, signed_in, data):
    client, email = signed_in(world.staff), policies[0]
    post = data.draw(posts({"version": values(ids(world, policies)), "confirm": values(st.just("on"))}))
    user_agent = data.draw(st.one_of(st.just(""), st.text(max_size=2000)))
    view(world.staff, email.current_version)  # the sign page was opened (a POST alone is refused)
    with rolled_back():
        before = row_counts()
        response = client.post(reverse("acknowledgements:sign", args=[email.slug]), post,
                               HTTP_USER_AGENT=user_agent.encode("utf-8", "surrogatepass").decode("latin-1"))
        assert response.status_code in {200, 302}
        form = SignForm(form_data(post))
        valid = form.is_valid() and form.cleaned_data["version"] == email.current_version_id
        event("valid" if valid else "invalid")
        expected = dict(before, **{"acknowledgements.SignOff": before["acknowledgements.SignOff"] + valid})
        assert row_counts() == expected


@given(data=st.data())
def test_paper_sign_off_form(world, policies, signed_in, data):
    client = signed_in(world.school_hr)
    # Dates near today, so some posts fall inside the allowed window and are recorded.
    recent = st.dates(timezone.localdate() - datetime.timedelta(days=1000), timezone.localdate()).map(str)
    post = data.draw(posts({"version": values(ids(world, policies)), "signed_on": values(recent),
                            "note": values()}))
    with rolled_back():
        before = row_counts()
        response = client.post(reverse("acknowledgements:record_paper", args=[world.staff.pk]), post)
        assert response.status_code in {200, 302}
        form = PaperSignOffForm(form_data(post), today=timezone.localdate(),
                                versions=paper_versions_for(world.staff, recorder=world.school_hr.user))
        valid = form.is_valid() and (
            published_on(form.cleaned_data["version"]) <= form.cleaned_data["signed_on"] <= timezone.localdate())
        event("valid" if valid else "invalid")
        expected = dict(before, **{"acknowledgements.SignOff": before["acknowledgements.SignOff"] + valid})
        assert row_counts() == expected
        assert response.status_code == (302 if valid else 200)


@pytest.fixture
def draft(world, policies, board):
    return approval_services.start_draft(policies[0], by=world.owner)


DRAFT_FIELDS = {
    "body": values(st.just("## 1. Introduction\n\n1.1 Staff must lock screens and report phishing.\n")),
    "is_major": values(st.sampled_from(["minor", "major"])),
    "reason": values(st.just("Annual review")),
    "review_cycle_months": values(st.sampled_from(["", "12", "24", "36"])),
    "audiences": values(st.sampled_from(["staff", "pupils", "parents"])),
    "effective_on": values(st.just("")),
    "next_review_on": values(st.just("")),
}


def draft_state(draft) -> tuple:
    draft = PolicyVersion.objects.get(pk=draft.pk)
    return (draft.body, draft.reason, draft.is_major, draft.review_cycle_months, draft.audiences,
            draft.effective_on, draft.next_review_on, draft.status)


@given(data=st.data())
def test_draft_save_form(world, policies, draft, signed_in, data):
    client = signed_in(world.owner)
    post = data.draw(posts(DRAFT_FIELDS))
    with rolled_back():
        before, state = row_counts(), draft_state(draft)
        response = client.post(reverse("approvals:draft", args=[policies[0].slug]), post)
        assert response.status_code in {200, 302}
        valid = DraftForm(form_data(post)).is_valid()
        event("valid" if valid else "invalid")
        assert row_counts() == before
        if not valid:
            assert response.status_code == 200
            assert draft_state(draft) == state


@given(data=st.data())
def test_draft_submit_form(world, policies, draft, board, igg, signed_in, data):
    client = signed_in(world.owner)
    post = data.draw(posts({"committee": values(ids(world, policies, board.pk, igg.pk))}))
    with rolled_back():
        before = row_counts()
        response = client.post(reverse("approvals:submit_draft", args=[policies[0].slug]), post)
        assert response.status_code == 302
        valid = SubmitForm(form_data(post), policy=policies[0]).is_valid()
        event("valid" if valid else "invalid")
        if not valid:
            assert row_counts() == before


@pytest.fixture
def submissions(world, policies, draft, board, igg):
    draft.body += "\n1.2 Staff must report phishing.\n"
    draft.reason = "Annual review"
    draft.save()
    by_vote = approval_services.submit_draft(draft, committee=board, by=world.owner.user)
    other = approval_services.start_draft(policies[1], by=world.governance)
    other.body += "\n1.2 More.\n"
    other.reason = "Annual review"
    other.save()
    by_clerk = approval_services.submit_draft(other, committee=igg, by=world.governance.user)
    return by_vote, by_clerk


VOTE_FIELDS = {
    "decision": values(st.sampled_from(["approve", "request_changes", "reject"])),
    "comment": values(st.just("Looks right.")),
}


@given(data=st.data())
def test_vote_form(world, board, submissions, signed_in, data):
    client = signed_in(board.trustees[0])
    post = data.draw(posts(VOTE_FIELDS))
    with rolled_back():
        before = row_counts()
        response = client.post(reverse("approvals:submission", args=[submissions[0].pk]), post)
        assert response.status_code in {200, 302}
        valid = VoteForm(form_data(post)).is_valid()
        event("valid" if valid else "invalid")
        if not valid:
            assert row_counts() == before
            assert response.status_code == 200


@given(data=st.data())
def test_meeting_decision_form(world, igg, submissions, signed_in, data):
    client = signed_in(igg.clerk)
    today = timezone.localdate().isoformat()  # the one date in range: the draft was sent today
    post = data.draw(posts({**VOTE_FIELDS, "meeting_date": values(st.sampled_from([today, "2025-03-04"])),
                            "minute_reference": values(st.just("IGG/25/4"))}))
    with rolled_back():
        before, status = row_counts(), Submission.objects.get(pk=submissions[1].pk).status
        response = client.post(reverse("approvals:submission", args=[submissions[1].pk]), post)
        assert response.status_code in {200, 302}
        form = MeetingDecisionForm(form_data(post))
        valid = form.is_valid() and form.cleaned_data["meeting_date"].isoformat() == today
        event("valid" if valid else "invalid")
        if not valid:
            assert row_counts() == before
            assert Submission.objects.get(pk=submissions[1].pk).status == status


@given(data=st.data())
def test_a_vote_on_someone_elses_committee_is_refused(world, submissions, signed_in, data):
    client = signed_in(world.owner)
    post = data.draw(posts(VOTE_FIELDS))
    pk = data.draw(st.sampled_from([submissions[0].pk, submissions[1].pk, 0, 999_999]))
    with rolled_back():
        before = row_counts()
        response = client.post(reverse("approvals:submission", args=[pk]), post)
        assert response.status_code in {403, 404}
        assert row_counts() == before
        assert not Vote.objects.exists()


@given(data=st.data())
def test_policy_upload_form(world, policies, signed_in, data):
    client = signed_in(world.governance)
    document = st.builds(SimpleUploadedFile, st.sampled_from(["p.txt", "p.md", "p.docx", "p.pdf", ".txt"]),
                         st.binary(max_size=200))
    post = data.draw(posts({"document": st.one_of(document, values()),
                            "organisation": values(ids(world, policies, world.north.pk, world.south.pk)),
                            "payload": values()}))
    with rolled_back():
        before = row_counts()
        response = client.post(reverse("imports:upload"), post)
        assert response.status_code in {200, 302}
        assert row_counts() == before


@given(data=st.data())
def test_staff_import_form(world, signed_in, data):
    client = signed_in(world.school_hr)
    document = st.builds(SimpleUploadedFile, st.sampled_from(["s.csv", "s.CSV", "s.txt", ".csv"]),
                         st.binary(max_size=200))
    post = data.draw(posts({"file": st.one_of(document, values()), "payload": values()}))
    with rolled_back():
        before = row_counts()
        response = client.post(reverse("people:import"), post)
        assert response.status_code in {200, 302}
        assert row_counts() == before


@given(email=values(st.just("staff@school.example"), st.emails()))
def test_sign_in_link_request(world, client, email):
    with rolled_back():
        before = row_counts()
        response = client.post(reverse("request_sign_in_link"), {"email": email})
        assert response.status_code in {200, 302}
        assert row_counts("acknowledgements.SignOff", "people.Person") == {
            k: before[k] for k in ("acknowledgements.SignOff", "people.Person")}


@given(post=posts({"username": values(st.just("staff@school.example")), "password": values(),
                   "next": values(st.sampled_from(["/my/", "//evil.example/", "https://evil.example/"]))}))
def test_login_form(world, client, post):
    with rolled_back():
        response = client.post(reverse("login"), post)
        assert response.status_code in {200, 302, 403, 429}
        if response.status_code == 302:
            assert not response["Location"].startswith(("//", "https://evil"))
