from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Board approvals"

    def ready(self) -> None:
        from approvals import permissions, selectors
        from people.permissions import add_power_source
        from policies.selectors import add_timeline_source

        # The policy timeline and the staff import's power rule are lower
        # apps'; what committees did and who sits on them is ours.
        add_timeline_source("approvals", selectors.audit_events)
        add_power_source("committee_seats", permissions.committee_seat_powers)
