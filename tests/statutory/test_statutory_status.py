"""Each status rule of the statutory checklist, judged on a given day."""

import datetime

from adoptions.models import Adoption
from statutory.selectors import Status, checklist, dashboard_lines
from tests.statutory.conftest import TODAY, approved_policy, make_item


def _row(statutory, organisation, key, today=TODAY):
    for entry in checklist([statutory.world.trust, statutory.world.north, statutory.world.south], today=today):
        if entry.organisation == organisation:
            return next(row for row in entry.rows if row.item.key == key)
    raise AssertionError(f"{organisation} has no row for {key}")


def test_item_with_no_tagged_policy_is_missing(statutory):
    make_item("child-protection")
    row = _row(statutory, statutory.world.north, "child-protection")
    assert row.status == Status.MISSING
    assert row.policy is None
    assert row.detail == "No policy is tagged as meeting it."


def test_trust_policy_approved_by_the_board_meets_the_item_at_every_school(statutory):
    item = make_item("child-protection")
    policy = approved_policy(statutory.world.trust, statutory.board, approved_on=datetime.date(2026, 9, 1),
                             next_review_on=datetime.date(2027, 9, 1), items=[item], title="Safeguarding")
    for school in (statutory.world.north, statutory.world.south):
        row = _row(statutory, school, "child-protection")
        assert (row.status, row.policy) == (Status.MET, policy)
        assert row.detail == "Approved by Trust Board."


def test_review_date_within_sixty_days_is_due_and_passed_is_overdue(statutory):
    item = make_item("child-protection", months=None)
    approved_policy(statutory.world.trust, statutory.board, approved_on=datetime.date(2025, 12, 1),
                    next_review_on=datetime.date(2026, 12, 20), items=[item])
    due = _row(statutory, statutory.world.north, "child-protection")
    assert due.status == Status.DUE
    assert due.detail == "Review due by 20 December 2026."
    overdue = _row(statutory, statutory.world.north, "child-protection", today=datetime.date(2027, 1, 4))
    assert overdue.status == Status.OVERDUE
    assert overdue.detail == "Review was due by 20 December 2026."


def test_the_calendar_moving_on_a_year_makes_a_met_item_overdue(statutory):
    item = make_item("child-protection", months=12)
    approved_policy(statutory.world.trust, statutory.board, approved_on=datetime.date(2026, 9, 1),
                    next_review_on=datetime.date(2028, 9, 1), items=[item])
    assert _row(statutory, statutory.world.north, "child-protection").status == Status.MET
    a_year_on = TODAY.replace(year=TODAY.year + 1)
    row = _row(statutory, statutory.world.north, "child-protection", today=a_year_on)
    # The policy's own review date is 2028, but the DfE says annually: approved more than 12 months ago.
    assert row.status == Status.OVERDUE
    assert row.review_by == datetime.date(2027, 9, 1)


def test_approval_by_a_body_the_item_does_not_accept_is_the_wrong_body(statutory):
    item = make_item("whistleblowing", bodies=["trust_board", "trust_committee"])
    approved_policy(statutory.world.trust, statutory.exco, approved_on=datetime.date(2026, 9, 1),
                    next_review_on=datetime.date(2027, 9, 1), items=[item])
    row = _row(statutory, statutory.world.north, "whistleblowing")
    assert row.status == Status.WRONG_BODY
    assert row.detail == ("Approved by Executive Committee; needs the trust board or committee of the trust board.")


def test_item_for_the_local_governing_body_is_met_by_the_schools_adoption(statutory):
    item = make_item("send-information-report", bodies=["local_governing_body"])
    policy = approved_policy(statutory.world.trust, statutory.board, approved_on=datetime.date(2026, 9, 1),
                             next_review_on=datetime.date(2027, 9, 1), items=[item])
    Adoption.objects.create(school=statutory.world.north, policy=policy, version=policy.current_version,
                            status=Adoption.Status.ADOPTED, committee=statutory.north_lgb,
                            adopted_on=datetime.date(2026, 10, 1))
    north = _row(statutory, statutory.world.north, "send-information-report")
    assert (north.status, north.policy) == (Status.MET, policy)
    assert north.approval.by == "North Local Governing Body (adopted)"
    south = _row(statutory, statutory.world.south, "send-information-report")
    assert south.status == Status.WRONG_BODY  # not adopted: only the trust board approved it
    assert "needs the local governing body" in south.detail


def test_a_schools_own_policy_counts_only_for_that_school(statutory):
    item = make_item("behaviour", bodies=["local_governing_body", "headteacher"])
    approved_policy(statutory.world.north, statutory.north_lgb, approved_on=datetime.date(2026, 9, 1),
                    next_review_on=datetime.date(2027, 9, 1), items=[item], title="North behaviour")
    assert _row(statutory, statutory.world.north, "behaviour").status == Status.MET
    assert _row(statutory, statutory.world.south, "behaviour").status == Status.MISSING


def test_items_follow_the_school_type_and_trust_items_are_the_trusts(statutory):
    make_item("academy-only", applies_to=["academy"])
    make_item("maintained-only", applies_to=["maintained"])
    make_item("scheme-of-delegation", applies_to=["trust"])
    entries = {e.organisation.slug: {r.item.key for r in e.rows}
               for e in checklist([statutory.world.trust, statutory.world.north, statutory.world.south],
                                  today=TODAY)}
    assert entries == {"test-trust": {"scheme-of-delegation"}, "north": {"academy-only"},
                       "south": {"maintained-only"}}


def test_a_draft_or_unpublished_policy_does_not_meet_an_item(statutory):
    from tests.factories import PolicyFactory, VersionFactory

    item = make_item("child-protection")
    policy = PolicyFactory(organisation=statutory.world.trust)
    VersionFactory(policy=policy, status="draft", committee=statutory.board)
    policy.statutory_items.add(item)
    assert _row(statutory, statutory.world.north, "child-protection").status == Status.MISSING


def test_best_of_several_tagged_policies_is_shown(statutory):
    item = make_item("child-protection")
    approved_policy(statutory.world.trust, statutory.exco, approved_on=datetime.date(2026, 9, 1),
                    next_review_on=datetime.date(2027, 9, 1), items=[item], title="Old one")
    good = approved_policy(statutory.world.trust, statutory.board, approved_on=datetime.date(2026, 9, 1),
                           next_review_on=datetime.date(2027, 9, 1), items=[item], title="Good one")
    assert _row(statutory, statutory.world.north, "child-protection").policy == good


def test_dashboard_line_names_the_school_and_counts_its_problems(statutory):
    make_item("one")
    make_item("two")
    overdue = make_item("three")
    approved_policy(statutory.world.trust, statutory.board, approved_on=datetime.date(2025, 1, 1),
                    next_review_on=datetime.date(2026, 1, 1), items=[overdue])
    lines = dashboard_lines(checklist([statutory.world.north], today=TODAY))
    assert lines == [("North Primary: 2 statutory policies missing, 1 overdue", "north")]
    assert dashboard_lines(checklist([statutory.world.trust], today=TODAY)) == []
