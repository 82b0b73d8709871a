"""`manage.py sync_obligations`: on the demo trust, the day after the next
1 September opens the yearly safeguarding re-reading, once."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from acknowledgements.models import Obligation, SignOff
from acknowledgements.services import people_covered
from policies.models import Policy
from portal.demo import load_demo

LOADED_ON = datetime.date(2026, 11, 25)
NEXT_SEPTEMBER = datetime.date(2027, 9, 1)


@pytest.fixture
def demo(db):
    load_demo(today=LOADED_ON)
    return Policy.objects.get(slug="safeguarding")


def sync(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("sync_obligations", *args, stdout=out)
    return out.getvalue().splitlines()


def named_by_the_rule(policy: Policy, day: datetime.date) -> set[int]:
    """Everyone the yearly rule names who signed before this year's date."""
    covered = set(people_covered(policy, policy.sign_off_rule, today=day).values_list("pk", flat=True))
    signed_before = set(SignOff.objects.filter(version__policy=policy, signed_on__lt=NEXT_SEPTEMBER)
                        .values_list("person_id", flat=True))
    return covered & signed_before


@pytest.mark.parametrize("loaded_on", [datetime.date(2027, 3, 10), datetime.date(2026, 9, 1)])
def test_the_demos_safeguarding_rule_asks_again_every_1_september_whenever_it_is_loaded(db, loaded_on):
    load_demo(today=loaded_on)
    rule = Policy.objects.get(slug="safeguarding").sign_off_rule
    assert rule.annual_from == datetime.date(2026, 9, 1)


def test_the_day_after_1_september_opens_the_yearly_re_reading_for_everyone_the_rule_names(demo):
    day = NEXT_SEPTEMBER + datetime.timedelta(days=1)
    lines = sync("--today", day.isoformat())
    yearly = set(Obligation.objects.filter(policy=demo, period="2027", status=Obligation.Status.OUTSTANDING)
                 .values_list("person_id", flat=True))
    assert yearly == named_by_the_rule(demo, day) != set()
    created = int(lines[-1].split(",")[0].removeprefix("created: "))
    assert created >= len(yearly)
    assert sync("--today", day.isoformat())[-1] == "created: 0, reopened: 0, withdrawn: 0"


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(demo):
    day = (NEXT_SEPTEMBER + datetime.timedelta(days=1)).isoformat()
    before = list(Obligation.objects.values_list("pk", "status", "due_on").order_by("pk"))
    forecast = sync("--today", day, "--dry-run")[-1]
    assert list(Obligation.objects.values_list("pk", "status", "due_on").order_by("pk")) == before
    created, reopened, withdrawn = sync("--today", day)[-1].split(", ")
    assert forecast == (f"would create: {created.removeprefix('created: ')}, "
                        f"reopen: {reopened.removeprefix('reopened: ')}, "
                        f"withdraw: {withdrawn.removeprefix('withdrawn: ')}")


def test_a_date_not_written_yyyy_mm_dd_is_refused(db):
    with pytest.raises(CommandError, match="--today must be a date written YYYY-MM-DD, not '1/9/2027'."):
        sync("--today", "1/9/2027")
