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
        # A member joining or leaving can complete a threshold ("every member").
        from django.db.models.signals import post_delete, post_save

        # Connects adoptions.events.adoption_sent: a school's adoption goes to its committee through us.
        from approvals import adoption_decisions, services  # noqa: F401
        from approvals.models import CommitteeMember

        post_save.connect(services.recount_after_seat_change, sender=CommitteeMember)
        post_delete.connect(services.recount_after_seat_change, sender=CommitteeMember)
